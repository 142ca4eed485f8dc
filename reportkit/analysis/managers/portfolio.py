"""Managers: clients, revenue, work done and clients neglected, per manager (:func:`managers`).

The rules (the manager of a client, the period, overdue tasks, forgotten clients, revenue at
risk) are in :mod:`reportkit.analysis.managers`; :class:`Managers` lists every column.

Examples
--------
>>> snap = pd.DataFrame({"client_id": ["a", "b", "c"],
...                      "revenue_window": [800.0, 150.0, 50.0]})
>>> cl = pd.DataFrame({"client_id": ["a", "b", "c"], "manager": ["Ann", "Bob", None]})
>>> acts = pd.DataFrame({"client_id": ["a", "b"],
...                      "created": pd.to_datetime(["2024-06-20", "2024-01-10"])})
>>> abc = pd.DataFrame({"client_id": ["a", "b", "c"], "abc": ["A", "B", "C"]})
>>> m = managers(snap, clients=cl, activities=acts, abc=abc, as_of="2024-06-30")
>>> m.summary[["manager", "n_clients", "revenue_window", "n_forgotten"]]
        manager  n_clients  revenue_window  n_forgotten
0           Ann          1           800.0            0
1           Bob          1           150.0            1
2  (no manager)          1            50.0            0
>>> m.forgotten[["client_id", "days_without_contact", "allowed_days"]]
  client_id  days_without_contact  allowed_days
0         b                   172            60
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from ..churn import REVENUE_AT_RISK
from ..lifecycle import BLOCKS
from ..result import Note
from .activity import _activity_log, _neglect, _Work, _work
from .assignment import _assign
from .common import (
    NO_MANAGER,
    _Base,
    _base,
    _Classes,
    _classes,
    _day,
    _ids,
    _obj,
    _positions,
    _table,
)

__all__ = ["Managers", "has_managers", "managers"]


@dataclass(repr=False, eq=False)
class Managers:
    """Clients, work and neglect per manager (made by :func:`managers`).

    Attributes
    ----------
    summary : DataFrame
        One row per manager, ordered by revenue, ``(no manager)`` last: ``manager``,
        ``n_clients``, ``revenue_window`` (sum over its clients), ``revenue_share`` (of the
        base's revenue; NaN when that is not positive); with ``abc``: ``A``, ``B``, ``C``
        (clients per class); with ``lifecycle``: one column per block (``potential`` …
        ``dead_lost``, clients per block); with ``activities``: ``n_activities``,
        ``overdue_tasks`` (0 when the log has no ``due``), and, with ``abc`` or ``lifecycle``,
        ``n_forgotten``; with ``lost_ids``: ``n_lost``; with ``churn_scores``:
        ``revenue_at_risk``, ``risk_share`` (revenue_at_risk / revenue_window, NaN when that
        is not positive).
    clients : DataFrame
        The per-client table, one row per client of the snapshot: ``client_id``, ``manager``,
        ``manager_source`` (``clients``, ``transactions``, ``activities`` or ``none``). Usable
        as an NPS grouping.
    forgotten : DataFrame
        The forgotten clients: ``client_id, manager, block, abc`` (None when not given),
        ``cell`` (the policy cell applied: ``AX`` … ``CZ``, ``new`` or ``other``),
        ``revenue_window``, ``last_activity`` (NaT when never), ``days_without_contact``,
        ``allowed_days``; largest revenue first.
    overdue : DataFrame
        The overdue tasks: ``client_id, manager, type, created, due, days_overdue`` (``type``
        when the log has it); most overdue first.
    notes : tuple of (code, params)
        What was assumed or could not be computed (worded by
        :mod:`reportkit.report.words.managers`).
    as_of, period_start : Timestamp
    allowed_days : dict of str to int
        The gap allowed per cell that was used.
    """

    summary: pd.DataFrame
    clients: pd.DataFrame
    forgotten: pd.DataFrame
    overdue: pd.DataFrame
    notes: tuple[Note, ...] = ()
    as_of: pd.Timestamp | None = None
    period_start: pd.Timestamp | None = None
    allowed_days: dict[str, int] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, Any]:
        """The settings used: ``as_of``, ``period_start``, ``allowed_days``."""
        return {
            "as_of": self.as_of,
            "period_start": self.period_start,
            "allowed_days": dict(self.allowed_days),
        }

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`); the per-manager one is
        :attr:`summary`."""
        return self.clients.copy()

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False, border=0)

    def __repr__(self) -> str:
        n = int(self.summary[S.N_CLIENTS].sum()) if len(self.summary) else 0
        day = self.as_of.date() if self.as_of is not None else None
        return (
            f"<Managers as of {day}: {len(self.summary)} rows, {n:,} clients, "
            f"{len(self.forgotten):,} forgotten, {len(self.overdue):,} overdue tasks>"
        )


def has_managers(
    *,
    clients: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
) -> bool:
    """True when a manager section makes sense: a manager column or an activity log is given.

    Examples
    --------
    >>> has_managers(transactions=pd.DataFrame({"client_id": ["a"], "manager": ["Ann"]}))
    True
    >>> has_managers(clients=pd.DataFrame({"client_id": ["a"]}))
    False
    """
    if isinstance(activities, pd.DataFrame):
        return True
    for table in (clients, transactions):
        if (
            isinstance(table, pd.DataFrame)
            and S.MANAGER in table.columns
            and table[S.MANAGER].notna().any()
        ):
            return True
    return False


# --- one row per manager ------------------------------------------------------------------------
def _per_class(c_code: np.ndarray, k: int, class_code: np.ndarray, m: int) -> np.ndarray:
    """Clients per manager (rows) and class (columns); class code -1 is not counted."""
    ok = class_code >= 0
    flat = np.bincount(c_code[ok] * m + class_code[ok], minlength=k * m)
    return flat.reshape(k, m).astype(np.int64)


def _per_manager(
    manager: np.ndarray,
    base: _Base,
    classes: _Classes,
    work: _Work,
    is_forgotten: np.ndarray | None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """(one row per manager: the client managers, then the log's own; the row of each client)."""
    n, who, revenue = len(manager), work.who, base.revenue
    names = np.concatenate([manager, who if who is not None else np.zeros(0, object)])
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    k = len(uniques)
    c_code, w_code = codes[:n], codes[n:]
    summary = pd.DataFrame(
        {
            S.MANAGER: pd.Series(_obj(uniques), dtype=object),
            S.N_CLIENTS: np.bincount(c_code, minlength=k).astype(np.int64),
            S.REVENUE_WINDOW: np.bincount(c_code, weights=revenue, minlength=k),
        }
    )
    total = float(revenue.sum())
    summary[S.REVENUE_SHARE] = summary[S.REVENUE_WINDOW] / total if total > 0 else np.nan
    if classes.cls_code is not None:
        crosstab = _per_class(c_code, k, classes.cls_code, 3)
        for i, c in enumerate(("A", "B", "C")):
            summary[c] = crosstab[:, i]
    if classes.block_code is not None:
        crosstab = _per_class(c_code, k, classes.block_code, len(BLOCKS))
        for i, b in enumerate(BLOCKS):
            summary[b] = crosstab[:, i]
    if who is not None:
        summary[S.N_ACTIVITIES] = np.bincount(w_code[work.in_period], minlength=k).astype(np.int64)
        summary[S.OVERDUE_TASKS] = np.bincount(w_code[work.late], minlength=k).astype(np.int64)
    if is_forgotten is not None:
        summary[S.N_FORGOTTEN] = np.bincount(c_code[is_forgotten], minlength=k).astype(np.int64)
    return summary, c_code


def _add_lost(
    summary: pd.DataFrame,
    c_code: np.ndarray,
    lost_ids: Iterable[Any] | None,
    index: pd.Index,
    notes: list[tuple[str, dict]],
) -> None:
    """Add ``n_lost``: the clients of ``lost_ids`` per manager."""
    if lost_ids is None:
        return
    if isinstance(lost_ids, (str, bytes)):
        raise InputError(
            "`lost_ids` must be a collection of client ids (a list, set or "
            f"Series), got the single string {lost_ids!r}."
        )
    lost = pd.unique(np.array([str(v) for v in lost_ids], dtype=object))
    lost_pos = _positions(index, lost)
    if (lost_pos < 0).any():
        notes.append(("note.unknown_lost", {"n": int((lost_pos < 0).sum())}))
    is_lost = np.zeros(len(index), bool)
    is_lost[lost_pos[lost_pos >= 0]] = True
    summary[S.N_LOST] = np.bincount(c_code[is_lost], minlength=len(summary)).astype(np.int64)


def _add_risk(
    summary: pd.DataFrame,
    c_code: np.ndarray,
    churn_scores: pd.DataFrame | None,
    index: pd.Index,
    notes: list[tuple[str, dict]],
) -> None:
    """Add ``revenue_at_risk`` and ``risk_share`` from the churn model's scores."""
    if churn_scores is None:
        return
    cs = _table(
        churn_scores,
        "churn_scores",
        "churn scores (client_id, revenue_at_risk)",
        [S.CLIENT_ID, REVENUE_AT_RISK],
    )
    c_ids = _ids(cs[S.CLIENT_ID], "churn_scores")
    if pd.Index(c_ids, dtype=object).has_duplicates:
        raise InputError(
            "`churn_scores` repeats client_id values; pass the scores of one "
            "ChurnModel.score_clients() call."
        )
    risk_pos = _positions(index, c_ids)
    if (risk_pos < 0).any():
        notes.append(("note.unknown_risk", {"n": int((risk_pos < 0).sum())}))
    risk = np.zeros(len(index))
    values = pd.to_numeric(cs[REVENUE_AT_RISK], errors="coerce").fillna(0.0).to_numpy(float)
    risk[risk_pos[risk_pos >= 0]] = values[risk_pos >= 0]
    summary[REVENUE_AT_RISK] = np.bincount(c_code, weights=risk, minlength=len(summary))
    rev = summary[S.REVENUE_WINDOW].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        summary[S.RISK_SHARE] = np.where(rev > 0, summary[REVENUE_AT_RISK] / rev, np.nan)


def _ordered(summary: pd.DataFrame) -> pd.DataFrame:
    """Managers by revenue, then by name; ``(no manager)`` last."""
    last_row = (summary[S.MANAGER] == NO_MANAGER).to_numpy()
    order = np.lexsort(
        (summary[S.MANAGER].astype(str).to_numpy(), -summary[S.REVENUE_WINDOW].to_numpy(), last_row)
    )
    return summary.iloc[order].reset_index(drop=True)


def _portfolio(
    manager: np.ndarray,
    base: _Base,
    classes: _Classes,
    work: _Work,
    is_forgotten: np.ndarray | None,
    lost_ids: Iterable[Any] | None,
    churn_scores: pd.DataFrame | None,
    notes: list[tuple[str, dict]],
) -> pd.DataFrame:
    """:attr:`Managers.summary`: one row per manager with every column its inputs allow."""
    summary, c_code = _per_manager(manager, base, classes, work, is_forgotten)
    _add_lost(summary, c_code, lost_ids, base.index, notes)
    _add_risk(summary, c_code, churn_scores, base.index, notes)
    return _ordered(summary)


def _period(as_of: Any, period_start: Any) -> tuple[pd.Timestamp, np.datetime64, pd.Timestamp]:
    """(the report day, the next midnight: rows "on or before as_of" are before it, the first
    day of the period)."""
    day = _day(as_of, "as_of")
    end = np.datetime64(day + pd.Timedelta(days=1), "ns")
    start = day.replace(day=1) if period_start is None else _day(period_start, "period_start")
    check_param(
        start <= day, "period_start", f"a date on or before as_of ({day.date()})", period_start
    )
    return day, end, start


def managers(
    snapshot: pd.DataFrame,
    *,
    clients: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    transactions: pd.DataFrame | None = None,
    lifecycle: Any = None,
    abc: Any = None,
    policy: Mapping[str, Any] | pd.DataFrame | None = None,
    churn_scores: pd.DataFrame | None = None,
    as_of: Any,
    period_start: Any = None,
    lost_ids: Iterable[Any] | None = None,
) -> Managers:
    """Clients, revenue, work done and clients neglected, per manager.

    The rules are in :mod:`reportkit.analysis.managers`, an example in this module's docstring.

    Parameters
    ----------
    snapshot : DataFrame
        The clients counted, at ``as_of`` (:func:`reportkit.core.snapshot`): ``client_id``,
        ``revenue_window``; optional ``first_order`` (for clients never contacted) and ``as_of``
        (must equal ``as_of``).
    clients : DataFrame, optional
        The clients table; its ``manager`` column (when present) decides first.
    activities : DataFrame, optional
        The activity log: ``client_id``, ``created``; optional ``manager``, ``type``, ``due``,
        ``done``. Without it there are no activity, overdue or forgotten figures.
    transactions : DataFrame, optional
        Their ``manager`` (when present) is the fallback for clients whose card names none.
    lifecycle : Lifecycle or DataFrame, optional
        :func:`reportkit.analysis.lifecycle.classify` (or a frame ``client_id, block``): the
        lifecycle mix and the ``regular``+ rule of forgotten clients.
    abc : SegmentResult, Segments or DataFrame, optional
        ABC classes (``client_id, abc``) and, when present, ``xyz`` or ``abcxyz`` for the
        contact-policy cell (:func:`reportkit.analysis.segmentation.abc`, ``abc_xyz_matrix``,
        ``segment_all``): the ABC mix and the A/B rule of forgotten clients.
    policy : dict, DataFrame or None, default None
        Allowed days without contact per cell (see :func:`contact_days`); None uses
        :data:`DEFAULT_CONTACT_DAYS`.
    churn_scores : DataFrame, optional
        ``client_id, revenue_at_risk`` (:meth:`reportkit.analysis.churn.ChurnModel.score_clients`).
    as_of : str, date or Timestamp
        The report day, inclusive (required).
    period_start : str, date, Timestamp or None, default None
        First day of the period of the activity count; None: the first day of ``as_of``'s month.
    lost_ids : iterable of client ids, optional
        The clients lost in the period (e.g. from :mod:`reportkit.analysis.dynamics`).

    Returns
    -------
    Managers
        ``summary`` (per manager), ``clients`` (who manages whom), ``forgotten``, ``overdue``.

    Raises
    ------
    InputError
        A table that is not a DataFrame or misses a required column, unreadable dates, classes
        or blocks outside their values, a snapshot taken at another date.
    """
    day, end, start = _period(as_of, period_start)
    notes: list[tuple[str, dict]] = []
    base = _base(snapshot, day)
    log = _activity_log(activities, base.index, end)
    manager, assignments = _assign(base, clients, transactions, log, end, notes)
    classes = _classes(abc, lifecycle, base.ids, notes)
    work = _work(log, manager, day, start, notes)
    days_used, forgotten, is_forgotten = _neglect(log, base, manager, classes, policy, day, notes)
    summary = _portfolio(manager, base, classes, work, is_forgotten, lost_ids, churn_scores, notes)
    return Managers(
        summary=summary,
        clients=assignments,
        forgotten=forgotten,
        overdue=work.overdue,
        notes=tuple(notes),
        as_of=day,
        period_start=start,
        allowed_days=days_used,
    )
