"""Managers and NPS: who looks after which clients, how well, and what the clients say.

Managers — :func:`managers`
    One row per manager: clients and revenue, the ABC and lifecycle mix of the portfolio,
    activities logged in the period, overdue tasks, *forgotten* clients, clients lost in the
    period, and the revenue at risk. Plus the two action lists behind the counts:
    :attr:`Managers.forgotten` and :attr:`Managers.overdue`.
NPS — :func:`nps`, :func:`nps_by`, :func:`detractors_a`
    Net Promoter Score overall and by segment, lifecycle block, manager … with the number of
    answers and a confidence interval; groups with too few answers are flagged, not scored.

Rules (all exact and tested)
----------------------------
* **A client's manager** comes from the clients table (``manager`` on the card); for a client
  whose card names none, from its latest transaction on or before ``as_of`` that names one (on a
  day with several, the manager with the most lines that day, then the first by name); then from
  its latest activity on or before ``as_of`` that names one. Clients with none of these are the
  row :data:`NO_MANAGER` (``"(no manager)"``, shown as "(без менеджера)" in Russian). Every
  client of the snapshot is counted exactly once. Names are compared after trimming spaces.
* **Activities in the period**: activities created from ``period_start`` to ``as_of``, both days
  included; they count for the manager named on the activity, else for the client's manager.
* **Overdue tasks**: created on or before ``as_of``, due *before* ``as_of`` (a task due on
  ``as_of`` still has that day) and not done (a missing ``done`` counts as not done). They count
  for the manager named on the task, else for the client's manager.
* **Forgotten clients**: the clients worth a manager's time — class A or B, or a lifecycle block
  ``regular``, ``proven``, ``vip`` or ``key`` (dead clients excluded: they belong to the
  reactivation list) — whose days without contact are *more than* the gap their ABC×XYZ cell
  allows (:data:`DEFAULT_CONTACT_DAYS`; a gap equal to the allowed one is not forgotten). Days
  without contact = ``as_of`` − the day of the client's latest activity on or before ``as_of``
  (any type, done or not: a logged task shows the client is being worked on; undone ones are in
  the overdue list). A client with no activity at all is counted from its first order, or from the
  first day of the activity log when that is later (nobody can be blamed for the time before the
  log existed); without a first order either, it is forgotten. The cell is the client's ABC×XYZ
  cell (``A_new`` … ``C_new`` → ``new``); with ABC but no XYZ, the ``Y`` cell of its class; with
  no ABC class, :data:`OTHER_CELL`.
* **Revenue at risk**: the sum of the clients' ``revenue_at_risk`` (the churn model's score) and
  its share of the manager's revenue over the window.

NPS rules
---------
* Each client counts once, with its **latest answer** on or before ``as_of`` (all answers when
  ``as_of`` is None); of several answers on that same latest date, the lowest score.
* Promoters score 9–10, passives 7–8 (7 ≤ score < 9), detractors 0–6 (score < 7).
  NPS = 100 × (share of promoters − share of detractors), in points from −100 to 100.
* Standard error from the multinomial: var = (p_pro + p_det − (p_pro − p_det)²) / n, NPS points
  SE = 100 × sqrt(var); the interval is NPS ± z × SE (normal approximation, z for the
  two-sided ``confidence``), clipped to [−100, 100]. With few answers or a share near 0 or 1 the
  normal approximation is rough (a group of only promoters has SE 0); that is why groups below
  ``min_answers`` are not scored.
* A group with fewer than ``min_answers`` answers keeps its counts, but its shares, NPS and
  interval are NaN and ``too_few`` is True (shown as "too few answers").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, MissingColumnError, check_param
from ..io import schema as S
from ..io.load import parse_ids
from ..io.policy import NEW_CELL, POLICY_CELLS
from .churn import REVENUE_AT_RISK
from .lifecycle import (
    BLOCKS,
    DEAD_LOST,
    DEAD_REANIMATABLE,
    KEY,
    PROVEN,
    REGULAR,
    VIP_BLOCK,
)
from .segmentation import ABC_CLASSES, SegmentResult, Segments

__all__ = [
    "ALLOWED_DAYS_CELLS",
    "DEFAULT_CONTACT_DAYS",
    "NO_GROUP",
    "NO_MANAGER",
    "OTHER_CELL",
    "OVERALL",
    "Managers",
    "NPSResult",
    "contact_days",
    "detractors_a",
    "has_managers",
    "managers",
    "nps",
    "nps_by",
]

# --- values -------------------------------------------------------------------------------------
#: the manager value of clients that have none (a row of its own, always last)
NO_MANAGER = "(no manager)"
#: the group value of answers whose client is not in the grouping frame
NO_GROUP = "(no group)"
#: the dimension and group value of the all-answers row of :func:`nps_by`
OVERALL = "overall"
#: the cell of clients whose ABC class is unknown (not in ``abc``, or no ``abc`` given)
OTHER_CELL = "other"
PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
NPS_CATEGORIES: tuple[str, ...] = (PROMOTER, PASSIVE, DETRACTOR)
#: values of ``manager_source``
SOURCE_CLIENTS, SOURCE_TRANSACTIONS, SOURCE_ACTIVITIES, SOURCE_NONE = (
    "clients",
    "transactions",
    "activities",
    "none",
)
#: blocks whose clients are worth a manager's regular attention (besides classes A and B)
ATTENDED_BLOCKS: tuple[str, ...] = (REGULAR, PROVEN, VIP_BLOCK, KEY)
DEAD_BLOCKS: tuple[str, ...] = (DEAD_REANIMATABLE, DEAD_LOST)

#: cells that :func:`contact_days` and a ``policy`` mapping may name
ALLOWED_DAYS_CELLS: tuple[str, ...] = (*POLICY_CELLS, NEW_CELL, OTHER_CELL)

#: The longest gap without any contact (days) that each ABC×XYZ cell allows before its client
#: counts as forgotten. The packaged contact policy (``reportkit/policy_abcxyz.csv``) states
#: call and meeting frequencies only as text ("Weekly call", "Quarterly call"), so the numbers
#: live here; they are deliberately looser than the target frequency (the list flags neglect,
#: not one missed call): AX (weekly calls, monthly meetings), AY and BX (calls every two weeks)
#: 30 days; AZ (monthly calls, quarterly meetings) and BY (monthly calls) 60; BZ and CX
#: (quarterly calls) 90; CY (calls twice a year) and CZ (no calls; only regular+ CZ clients are
#: checked at all) 180; ``new`` (a call after each of the first orders) 30; ``other`` (ABC class
#: unknown) 90. Override per cell with ``policy={"AX": 14}`` or an ``allowed_days`` column in the
#: policy table.
DEFAULT_CONTACT_DAYS: dict[str, int] = {
    "AX": 30,
    "AY": 30,
    "BX": 30,
    "AZ": 60,
    "BY": 60,
    "BZ": 90,
    "CX": 90,
    "CY": 180,
    "CZ": 180,
    NEW_CELL: 30,
    OTHER_CELL: 90,
}


# --- input checks ---------------------------------------------------------------------------------
def _day(value: Any, name: str) -> pd.Timestamp:
    """A date parameter as a Timestamp at midnight (tz dropped)."""
    ts = pd.NaT
    if isinstance(value, (str, pd.Timestamp, np.datetime64)) or hasattr(value, "year"):
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            ts = pd.NaT
    check_param(ts is not pd.NaT, name, "a date such as '2024-06-30' or a Timestamp", value)
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    return ts.normalize().as_unit("ns")


def _table(frame: Any, argument: str, what: str, required: Iterable[str]) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame with the ``required`` columns; return it."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be the {what} as a pandas DataFrame, got {type(frame).__name__}."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "(none)"
        raise MissingColumnError(
            f"`{argument}` ({what}) has no column {', '.join(f'`{c}`' for c in missing)} "
            f"(columns found: {found}). Rename the column, or load the table with "
            "reportkit.load, which maps common English and Russian headers."
        )
    return frame


def _ids(col: pd.Series, argument: str) -> np.ndarray:
    """Client ids as an object array of str; missing ids raise."""
    if pd.api.types.is_string_dtype(col) and (
        col.dtype != object or pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    ):
        missing = col.isna().to_numpy()
        values = col.to_numpy(dtype=object, na_value=None)
    else:
        values = parse_ids(col.reset_index(drop=True)).to_numpy(dtype=object)
        missing = values == ""
    if missing.any():
        pos = np.flatnonzero(missing)
        raise InputError(
            f"`{argument}` has {len(pos):,} rows without a client_id (positions "
            f"{', '.join(map(str, pos[:5]))}); every row needs one. Fill them in or "
            "drop those rows."
        )
    return values


def _dates(col: pd.Series, argument: str, column: str, *, allow_missing: bool) -> pd.Series:
    """A date column as datetime64[ns] (tz dropped); unreadable values raise."""
    if pd.api.types.is_datetime64_any_dtype(col):
        out = col
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
    else:
        out = pd.to_datetime(col, errors="coerce", format="ISO8601")
        bad = out.isna() & col.notna()
        if bad.any():
            pos = np.flatnonzero(bad.to_numpy())
            raise InputError(
                f"`{argument}`: column `{column}` has {len(pos):,} values that are "
                f"not dates (e.g. {col.iloc[pos[0]]!r} at position {pos[0]}); load "
                "the table with reportkit.load or convert the column to dates."
            )
    out = out.astype("datetime64[ns]")
    if not allow_missing and out.isna().any():
        pos = np.flatnonzero(out.isna().to_numpy())
        raise InputError(
            f"`{argument}`: column `{column}` is empty in {len(pos):,} rows "
            f"(positions {', '.join(map(str, pos[:5]))}); every row needs a date. "
            "Fill them in or drop those rows."
        )
    return out


def _names(col: pd.Series) -> np.ndarray:
    """Manager names trimmed, inner spaces collapsed, as an object array; blank → None."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    clean = np.array([" ".join(str(v).split()) or None for v in uniques] + [None], dtype=object)
    return clean[codes]  # code -1 (missing) picks the trailing None


def _flags(col: pd.Series, argument: str, column: str) -> np.ndarray:
    """A true/false column as a bool array; missing → False."""
    if pd.api.types.is_bool_dtype(col) and col.dtype != object:
        return col.fillna(False).to_numpy(dtype=bool)
    try:
        return col.astype("boolean").fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):
        bad = col.dropna().astype(object)
        bad = bad[~bad.map(lambda v: isinstance(v, (bool, np.bool_)) or v in (0, 1))]
        raise InputError(
            f"`{argument}`: column `{column}` must hold true/false values, got "
            f"{bad.head(3).tolist()}; load the table with reportkit.load (it reads "
            "Да/Нет, yes/no, 1/0) or convert the column to bool."
        ) from None


# --- the contact policy as days ------------------------------------------------------------------
def contact_days(
    policy: Mapping[str, Any] | pd.DataFrame | None = None,
) -> tuple[dict[str, int], bool]:
    """The allowed gap without contact per cell, and whether ``policy`` supplied any days.

    Parameters
    ----------
    policy : dict, DataFrame or None, default None
        None: :data:`DEFAULT_CONTACT_DAYS`. A dict ``{cell: days}`` overrides those cells (cells
        ``AX`` … ``CZ``, ``new``, ``other``). A DataFrame — a contact policy table
        (:func:`reportkit.io.policy.load_contact_policy`) — overrides the cells of its
        ``allowed_days`` column (one value per cell across its languages); a table without that
        column leaves the defaults (the second value is then False).

    Returns
    -------
    (dict of str to int, bool)
        Days per cell for every cell of :data:`ALLOWED_DAYS_CELLS`; True when ``policy`` gave
        days.

    Examples
    --------
    >>> days, given = contact_days({"AX": 14})
    >>> days["AX"], days["CZ"], given
    (14, 180, True)
    """
    days = dict(DEFAULT_CONTACT_DAYS)
    if policy is None:
        return days, False
    if isinstance(policy, pd.DataFrame):
        if S.ALLOWED_DAYS not in policy.columns:
            return days, False
        _table(policy, "policy", "contact policy table", [S.CELL])
        sub = policy[[S.CELL, S.ALLOWED_DAYS]].dropna()
        cells = sub[S.CELL].astype(str).str.strip()
        cells = cells.where(cells.str.lower().isin([NEW_CELL, OTHER_CELL]), cells.str.upper())
        cells = cells.str.lower().where(cells.str.lower().isin([NEW_CELL, OTHER_CELL]), cells)
        values = pd.to_numeric(sub[S.ALLOWED_DAYS], errors="coerce")
        per_cell = pd.DataFrame({S.CELL: cells.to_numpy(), "d": values.to_numpy()})
        clash = per_cell.groupby(S.CELL)["d"].nunique(dropna=False)
        if (clash > 1).any():
            cell = clash.index[clash.to_numpy() > 1][0]
            raise InputError(
                f"`policy`: cell {cell} has different allowed_days in different "
                "rows (languages); give one number of days per cell."
            )
        policy = dict(zip(per_cell[S.CELL], per_cell["d"]))
    if not isinstance(policy, Mapping):
        raise InputError(
            "`policy` must be a dict {cell: days}, a contact policy table with an "
            f"allowed_days column, or None, got {type(policy).__name__}."
        )
    for cell, value in policy.items():
        check_param(
            cell in ALLOWED_DAYS_CELLS,
            "policy cell",
            f"one of {', '.join(ALLOWED_DAYS_CELLS)}",
            cell,
        )
        ok = (
            isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
            and float(value).is_integer()
        )
        check_param(ok, f"policy[{cell!r}]", "a whole number of days >= 0", value)
        days[cell] = int(value)
    return days, True


def _abc_source(abc: Any) -> pd.DataFrame:
    """The per-client frame behind an ABC argument (Segments, SegmentResult or DataFrame)."""

    if isinstance(abc, Segments):
        return (
            abc.abcxyz.clients.assign(**{S.VALUE: abc.abc.clients[S.VALUE].to_numpy()})
            if S.VALUE in abc.abc.clients.columns
            else abc.abcxyz.clients
        )
    if isinstance(abc, SegmentResult):
        return abc.clients
    return abc


def _decode(col: pd.Series, func: Any) -> np.ndarray:
    """``func`` applied once per distinct value of ``col`` (None for missing); object array."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    mapped = [func(v) for v in _obj(uniques)] + [func(None)]
    out = np.empty(len(mapped), dtype=object)
    out[:] = mapped
    return out[codes]


def _abc_frame(abc: Any) -> tuple[dict[str, np.ndarray], bool]:
    """({client_id, abc, cell: object arrays}, whether XYZ was known) from an ABC argument."""

    frame = _table(_abc_source(abc), "abc", "ABC classes (client_id, abc)", [S.CLIENT_ID, S.ABC])
    ids = _ids(frame[S.CLIENT_ID], "abc")
    cls = _decode(frame[S.ABC], lambda v: v)
    bad = [v for v in pd.unique(cls[~pd.isna(cls)]) if v not in ABC_CLASSES]
    if bad:
        raise InputError(
            f"`abc`: column `abc` holds {bad[:3]}; classes are A, B, C. Pass the "
            "result of reportkit.analysis.segmentation.abc() or its clients table."
        )
    has_xyz = True
    if S.ABCXYZ in frame.columns:
        cell = _decode(
            frame[S.ABCXYZ],
            lambda v: (
                NEW_CELL
                if isinstance(v, str) and v.endswith("_new")
                else (v if v in POLICY_CELLS else None)
            ),
        )
    elif S.XYZ in frame.columns:
        x = _decode(frame[S.XYZ], lambda v: v if v in ("X", "Y", "Z", "new") else None)
        known = ~pd.isna(cls) & ~pd.isna(x)
        cell = np.full(len(ids), None, dtype=object)
        cell[known] = cls[known] + x[known]
        cell[x == "new"] = NEW_CELL
    else:
        has_xyz = False
        cell = np.full(len(ids), None, dtype=object)
        cell[~pd.isna(cls)] = cls[~pd.isna(cls)] + "Y"
    if pd.Index(ids, dtype=object).has_duplicates:
        raise InputError("`abc` repeats client_id values; pass the ABC classes of one snapshot.")
    return {S.CLIENT_ID: ids, S.ABC: cls, S.CELL: cell}, has_xyz


def _block_frame(lifecycle: Any) -> dict[str, np.ndarray]:
    """{client_id, block: object arrays} from a Lifecycle or a frame."""
    frame = getattr(lifecycle, "frame", lifecycle)
    frame = _table(
        frame, "lifecycle", "lifecycle blocks (client_id, block)", [S.CLIENT_ID, S.BLOCK]
    )
    ids = _ids(frame[S.CLIENT_ID], "lifecycle")
    block = _decode(frame[S.BLOCK], lambda v: v)
    bad = [v for v in pd.unique(block[~pd.isna(block)]) if v not in BLOCKS]
    if bad:
        raise InputError(
            f"`lifecycle`: column `block` holds {bad[:3]}; blocks are "
            f"{', '.join(BLOCKS)}. Pass the result of reportkit.analysis.lifecycle.classify()."
        )
    if pd.Index(ids, dtype=object).has_duplicates:
        raise InputError("`lifecycle` repeats client_id values; pass the blocks of one snapshot.")
    return {S.CLIENT_ID: ids, S.BLOCK: block}


# --- managers: result -----------------------------------------------------------------------------


@dataclass(repr=False, eq=False)
class Managers:
    """Clients, work and neglect per manager (made by :func:`managers`).

    Attributes
    ----------
    summary : DataFrame
        One row per manager (see :func:`managers` for the columns); ``(no manager)`` last.
    assignments : DataFrame
        One row per client of the snapshot: ``client_id``, ``manager``, ``manager_source``
        (``clients``, ``transactions``, ``activities`` or ``none``). Usable as an NPS grouping.
    forgotten : DataFrame
        The forgotten clients (see :func:`managers`), largest revenue first.
    overdue : DataFrame
        The overdue tasks, most overdue first.
    notes : tuple of (code, params)
        What was assumed or could not be computed (worded by
        :mod:`reportkit.report.words.managers`).
    as_of, period_start : Timestamp
    allowed_days : dict of str to int
        The gap allowed per cell that was used.
    """

    summary: pd.DataFrame
    assignments: pd.DataFrame
    forgotten: pd.DataFrame
    overdue: pd.DataFrame
    notes: tuple[tuple[str, dict], ...] = ()
    as_of: pd.Timestamp | None = None
    period_start: pd.Timestamp | None = None
    allowed_days: dict[str, int] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-manager table (a copy of :attr:`summary`)."""
        return self.summary.copy()

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


# --- managers: computation ------------------------------------------------------------------------
def _obj(values: Any) -> np.ndarray:
    """An object array (pandas would otherwise turn strings into its arrow-backed ``str``)."""
    return np.asarray(values, dtype=object)


def _positions(index: pd.Index, ids: np.ndarray) -> np.ndarray:
    """Position of each id in ``index`` (an object Index), -1 when absent."""
    return index.get_indexer(pd.Index(ids, dtype=object))


def _take(values: np.ndarray, pos: np.ndarray, missing: Any = None) -> np.ndarray:
    """``values[pos]`` as an object array, ``missing`` where ``pos`` is -1."""
    out = np.full(len(pos), missing, dtype=object)
    ok = pos >= 0
    out[ok] = values[pos[ok]]
    return out


def _column_positions(
    index: pd.Index, col: pd.Series, argument: str
) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``index`` of each row's client_id or -1, the ids as an object array).

    Works once per distinct id, so a column of millions of rows is not converted row by row.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    if (codes < 0).any():
        _ids(col, argument)  # raises, naming the rows without an id
    distinct = _ids(
        pd.Series(uniques, dtype=object) if len(uniques) else pd.Series([], dtype=object), argument
    )
    return _positions(index, distinct)[codes], distinct[codes]


def _latest_manager(pos: np.ndarray, names: np.ndarray, when: np.ndarray, n: int) -> np.ndarray:
    """Per client position 0..n-1, the manager of its latest row (None without one).

    Rows are (client position, manager name or None, datetime). On the latest day of a client,
    the manager with the most rows wins, then the first by name.
    """
    out = np.full(n, None, dtype=object)
    ok = (pos >= 0) & ~pd.isna(names) & ~np.isnat(when)
    if not ok.any():
        return out
    pos, names = pos[ok], names[ok]
    day = when[ok].astype("datetime64[D]").view("int64")
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, pos, day)
    on_last = day == last[pos]
    m_codes, m_uniq = pd.factorize(_obj(names[on_last]))
    m_uniq = _obj(m_uniq)
    alpha = np.empty(len(m_uniq), dtype=np.int64)  # rank of each name by name
    alpha[np.argsort(m_uniq.astype(str), kind="stable")] = np.arange(len(m_uniq))
    key = pos[on_last].astype(np.int64) * len(m_uniq) + m_codes
    pairs, count = np.unique(key, return_counts=True)  # (client, manager) → rows
    p, m = pairs // len(m_uniq), pairs % len(m_uniq)
    order = np.lexsort((alpha[m], -count, p))
    p, m = p[order], m[order]
    first = np.r_[True, p[1:] != p[:-1]]
    out[p[first]] = m_uniq[m[first]]
    return out


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

    The rules (manager of a client, period, overdue, forgotten) are in the module docstring.

    Parameters
    ----------
    snapshot : DataFrame
        The client snapshot at ``as_of`` (:func:`reportkit.core.snapshot`): ``client_id``,
        ``revenue_window``; ``first_order`` (optional, for clients never contacted) and
        ``as_of`` (optional; must equal ``as_of``). Its clients are the clients counted.
    clients : DataFrame, optional
        The clients table; its ``manager`` column (when present) decides first.
    activities : DataFrame, optional
        The activity log: ``client_id``, ``created``; optional ``manager``, ``type``, ``due``,
        ``done``. Without it there are no activity, overdue or forgotten figures.
    transactions : DataFrame, optional
        Canonical transactions; their ``manager`` (when present) is the fallback for clients
        whose card names none.
    lifecycle : Lifecycle or DataFrame, optional
        :func:`reportkit.analysis.lifecycle.classify` (or a frame ``client_id, block``): the lifecycle
        mix and the ``regular``+ rule of forgotten clients.
    abc : SegmentResult, Segments or DataFrame, optional
        ABC classes (``client_id, abc``) and, when present, ``xyz`` or ``abcxyz`` for the
        contact-policy cell: :func:`reportkit.analysis.segmentation.abc`, ``abc_xyz_matrix`` or
        ``segment_all``. Gives the ABC mix and the A/B rule of forgotten clients.
    policy : dict, DataFrame or None, default None
        Allowed days without contact per cell (see :func:`contact_days`); None uses
        :data:`DEFAULT_CONTACT_DAYS` (AX/AY/BX 30, AZ/BY 60, BZ/CX 90, CY/CZ 180, new 30,
        other 90).
    churn_scores : DataFrame, optional
        ``client_id, revenue_at_risk`` (:meth:`reportkit.analysis.churn.ChurnModel.score_clients`).
    as_of : str, date or Timestamp
        The report day, inclusive (required).
    period_start : str, date, Timestamp or None, default None
        First day of the period for the activity count; None = the first day of the ``as_of``
        month.
    lost_ids : iterable of client ids, optional
        The clients lost in the period (e.g. from :mod:`reportkit.analysis.dynamics`).

    Returns
    -------
    Managers
        ``summary``, one row per manager (ordered by revenue, ``(no manager)`` last):
        ``manager``, ``n_clients``, ``revenue_window`` (sum over its clients),
        ``revenue_share`` (of the base's revenue; NaN when that is not positive); with ``abc``:
        ``A``, ``B``, ``C`` (clients per class); with ``lifecycle``: one column per block
        (``potential`` … ``dead_lost``, clients per block); with ``activities``:
        ``n_activities``, ``overdue_tasks`` (0 when the log has no ``due``), and, with ``abc``
        or ``lifecycle``, ``n_forgotten``; with ``lost_ids``: ``n_lost``; with
        ``churn_scores``: ``revenue_at_risk``, ``risk_share`` (revenue_at_risk /
        revenue_window, NaN when that is not positive).

        ``forgotten``: ``client_id, manager, block, abc`` (None when not given), ``cell``
        (the policy cell applied: ``AX`` … ``CZ``, ``new`` or ``other``), ``revenue_window``,
        ``last_activity`` (NaT when never), ``days_without_contact``, ``allowed_days``;
        largest revenue first.

        ``overdue``: ``client_id, manager, type, created, due, days_overdue`` (``type`` when
        the log has it); most overdue first.

        ``assignments``: ``client_id, manager, manager_source``.

    Raises
    ------
    InputError
        A table that is not a DataFrame or misses a required column, unreadable dates, classes
        or blocks outside their values, a snapshot taken at another date.

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
    day = _day(as_of, "as_of")
    end = np.datetime64(day + pd.Timedelta(days=1), "ns")  # on or before as_of: < next midnight
    start = day.replace(day=1) if period_start is None else _day(period_start, "period_start")
    check_param(
        start <= day, "period_start", f"a date on or before as_of ({day.date()})", period_start
    )
    notes: list[tuple[str, dict]] = []

    # --- the clients counted: the snapshot's
    snap = _table(snapshot, "snapshot", "client snapshot", [S.CLIENT_ID, S.REVENUE_WINDOW])
    ids = _ids(snap[S.CLIENT_ID], "snapshot")
    index = pd.Index(ids, dtype=object, name=S.CLIENT_ID)
    if index.has_duplicates:
        raise InputError(
            "`snapshot` repeats client_id values; pass one snapshot "
            "(reportkit.core.snapshot) with one row per client."
        )
    if S.AS_OF in snap.columns and len(snap):
        snap_days = pd.to_datetime(snap[S.AS_OF]).dt.normalize().dropna().unique()
        if len(snap_days) and (len(snap_days) > 1 or pd.Timestamp(snap_days[0]) != day):
            raise InputError(
                f"`snapshot` is as of {pd.Timestamp(snap_days[0]).date()} but "
                f"as_of={day.date()}; take the snapshot at the report date "
                "(reportkit.snapshot(..., as_of=as_of))."
            )
    n = len(ids)
    revenue = pd.to_numeric(snap[S.REVENUE_WINDOW], errors="coerce").fillna(0.0).to_numpy(float)
    first_order = (
        _dates(snap[S.FIRST_ORDER], "snapshot", S.FIRST_ORDER, allow_missing=True)
        .dt.normalize()
        .to_numpy("datetime64[ns]")
        if S.FIRST_ORDER in snap.columns
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )

    # --- the activity log, up to as_of, as arrays
    log = None
    if activities is not None:
        raw = _table(activities, "activities", "activity log", [S.CLIENT_ID, S.CREATED])
        created = _dates(raw[S.CREATED], "activities", S.CREATED, allow_missing=False).to_numpy(
            "datetime64[ns]"
        )
        keep = created < end
        a_pos, a_ids = _column_positions(index, raw[S.CLIENT_ID], "activities")
        log = {
            S.CLIENT_ID: a_ids[keep],
            "pos": a_pos[keep],
            S.CREATED: created[keep],
            S.MANAGER: (
                _names(raw[S.MANAGER])[keep]
                if S.MANAGER in raw.columns
                else np.full(int(keep.sum()), None, dtype=object)
            ),
        }
        log["day"] = log[S.CREATED].astype("datetime64[D]").astype("datetime64[ns]")
        if S.TYPE in raw.columns:
            log[S.TYPE] = _obj(raw[S.TYPE])[keep]
        if S.DUE in raw.columns:
            log[S.DUE] = _dates(raw[S.DUE], "activities", S.DUE, allow_missing=True).to_numpy(
                "datetime64[ns]"
            )[keep]
            log[S.DONE] = (
                _flags(raw[S.DONE], "activities", S.DONE)[keep]
                if S.DONE in raw.columns
                else np.zeros(int(keep.sum()), bool)
            )

    # --- who manages whom: card, then latest sale, then latest activity
    manager = np.full(n, None, dtype=object)
    source = np.full(n, SOURCE_NONE, dtype=object)

    def fill(found: np.ndarray, name: str) -> None:
        take = pd.isna(manager) & ~pd.isna(found)
        manager[take] = found[take]
        source[take] = name

    any_source = False
    if clients is not None:
        cl = _table(clients, "clients", "clients table", [S.CLIENT_ID])
        if S.MANAGER in cl.columns:
            any_source = True
            pos = _positions(index, _ids(cl[S.CLIENT_ID], "clients"))
            names = _names(cl[S.MANAGER])
            found = np.full(n, None, dtype=object)
            ok = (pos >= 0) & ~pd.isna(names)
            found[pos[ok][::-1]] = names[ok][::-1]  # a repeated id: its first card
            fill(found, SOURCE_CLIENTS)
    if transactions is not None:
        tx = _table(transactions, "transactions", "transactions table", [S.CLIENT_ID, S.DATE])
        if S.MANAGER in tx.columns:
            any_source = True
            if pd.isna(manager).any():
                sel = tx[S.MANAGER].notna().to_numpy().copy()
                pos, _ = _column_positions(index, tx[S.CLIENT_ID], "transactions")
                sel &= pos >= 0
                sel[sel] = pd.isna(manager[pos[sel]])
                when = _dates(
                    tx.loc[sel, S.DATE], "transactions", S.DATE, allow_missing=True
                ).to_numpy("datetime64[ns]")
                ok = when < end
                fill(
                    _latest_manager(pos[sel][ok], _names(tx.loc[sel, S.MANAGER])[ok], when[ok], n),
                    SOURCE_TRANSACTIONS,
                )
    if log is not None:
        any_source = True
        if pd.isna(manager).any():
            fill(_latest_manager(log["pos"], log[S.MANAGER], log[S.CREATED], n), SOURCE_ACTIVITIES)
    if not any_source:
        notes.append(("note.no_manager_data", {}))
    no_mgr = pd.isna(manager)
    manager[no_mgr] = NO_MANAGER
    n_tx, n_act = (
        int((source == SOURCE_TRANSACTIONS).sum()),
        int((source == SOURCE_ACTIVITIES).sum()),
    )
    if n_tx or n_act:
        notes.append(("note.fallback", {"n_tx": n_tx, "n_act": n_act}))
    if no_mgr.any() and any_source:
        notes.append(("note.no_manager", {"n": int(no_mgr.sum()), "share": float(no_mgr.mean())}))
    assignments = pd.DataFrame(
        {
            S.CLIENT_ID: pd.Series(ids, dtype=object),
            S.MANAGER: pd.Series(manager, dtype=object),
            S.MANAGER_SOURCE: pd.Series(source, dtype=object),
        }
    )

    # --- classes and blocks, by snapshot position
    cls = cell = block = None
    if abc is not None:
        af, has_xyz = _abc_frame(abc)
        pos = _positions(pd.Index(af[S.CLIENT_ID], dtype=object), ids)
        cls, cell = _take(af[S.ABC], pos), _take(af[S.CELL], pos)
        cls_code = pd.Categorical(cls, categories=["A", "B", "C"]).codes
        if not has_xyz:
            notes.append(("note.no_xyz", {}))
    if lifecycle is not None:
        bf = _block_frame(lifecycle)
        pos = _positions(pd.Index(bf[S.CLIENT_ID], dtype=object), ids)
        block = _take(bf[S.BLOCK], pos)
        block_code = pd.Categorical(block, categories=list(BLOCKS)).codes

    # --- activities in the period, overdue tasks (counted for the manager on the log line)
    who = None
    overdue = pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in (
                (S.CLIENT_ID, object),
                (S.MANAGER, object),
                (S.CREATED, "datetime64[ns]"),
                (S.DUE, "datetime64[ns]"),
                (S.DAYS_OVERDUE, "int64"),
            )
        }
    )
    if log is None:
        notes.append(("note.no_activities", {}))
    else:
        fallback = _take(manager, log["pos"], NO_MANAGER)
        who = np.where(pd.isna(log[S.MANAGER]), fallback, log[S.MANAGER])
        in_period = log["day"] >= np.datetime64(start, "ns")
        if S.DUE in log:
            due_day = log[S.DUE].astype("datetime64[D]").astype("datetime64[ns]")
            late = ~np.isnat(due_day) & (due_day < np.datetime64(day, "ns")) & ~log[S.DONE]
            order = np.lexsort(
                (log[S.CREATED][late], log[S.CLIENT_ID][late].astype(str), due_day[late])
            )
            sel = np.flatnonzero(late)[order]
            overdue = pd.DataFrame(
                {
                    S.CLIENT_ID: pd.Series(log[S.CLIENT_ID][sel], dtype=object),
                    S.MANAGER: pd.Series(who[sel], dtype=object),
                }
            )
            if S.TYPE in log:
                overdue[S.TYPE] = pd.Series(log[S.TYPE][sel], dtype=object)
            overdue[S.CREATED] = log[S.CREATED][sel]
            overdue[S.DUE] = log[S.DUE][sel]
            overdue[S.DAYS_OVERDUE] = (
                (np.datetime64(day, "ns") - due_day[sel]).astype("timedelta64[D]").astype(np.int64)
            )
        else:
            late = np.zeros(len(who), bool)
            notes.append(("note.no_due", {}))

    # --- forgotten clients
    forgotten = pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in (
                (S.CLIENT_ID, object),
                (S.MANAGER, object),
                (S.BLOCK, object),
                (S.ABC, object),
                (S.CELL, object),
                (S.REVENUE_WINDOW, float),
                (S.LAST_ACTIVITY, "datetime64[ns]"),
                (S.DAYS_WITHOUT_CONTACT, "int64"),
                (S.ALLOWED_DAYS, "int64"),
            )
        }
    )
    days_used, days_given = contact_days(policy)
    if isinstance(policy, pd.DataFrame) and not days_given:
        notes.append(("note.policy_no_days", {}))
    is_forgotten = None
    if log is not None and cls is None and block is None:
        notes.append(("note.no_classes", {}))
    elif log is not None:
        eligible = np.zeros(n, bool)
        if cls is not None:
            eligible |= (cls_code == 0) | (cls_code == 1)
        if block is not None:
            eligible |= np.isin(block_code, [BLOCKS.index(b) for b in ATTENDED_BLOCKS])
            eligible &= ~np.isin(block_code, [BLOCKS.index(b) for b in DEAD_BLOCKS])
        known = log["pos"] >= 0
        last_i8 = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
        np.maximum.at(last_i8, log["pos"][known], log["day"][known].view(np.int64))
        last = last_i8.view("datetime64[ns]")
        never = np.isnat(last)
        log_start = log["day"].min() if len(log["day"]) else np.datetime64("NaT", "ns")
        since = np.where(never, first_order, last)
        if not np.isnat(log_start):
            since = np.where(never & ~np.isnat(since) & (since < log_start), log_start, since)
        gap = (
            np.asarray(np.datetime64(day, "ns") - since).astype("timedelta64[D]").astype("float64")
        )
        gap[np.isnat(since)] = np.nan
        key = (
            np.full(n, OTHER_CELL, dtype=object)
            if cell is None
            else np.where(pd.isna(cell), OTHER_CELL, cell)
        )
        allowed = pd.Series(key, dtype=object).map(days_used).to_numpy(dtype=np.int64)
        is_forgotten = eligible & (np.isnan(gap) | (gap > allowed))
        sel = np.flatnonzero(is_forgotten)
        sel = sel[np.lexsort((ids[sel].astype(str), -revenue[sel]))]  # largest revenue first
        none = np.full(len(sel), None, dtype=object)
        forgotten = pd.DataFrame(
            {
                S.CLIENT_ID: pd.Series(ids[sel], dtype=object),
                S.MANAGER: pd.Series(manager[sel], dtype=object),
                S.BLOCK: pd.Series(block[sel] if block is not None else none, dtype=object),
                S.ABC: pd.Series(cls[sel] if cls is not None else none, dtype=object),
                S.CELL: pd.Series(key[sel], dtype=object),
                S.REVENUE_WINDOW: revenue[sel],
                S.LAST_ACTIVITY: last[sel],
                S.DAYS_WITHOUT_CONTACT: (
                    gap[sel].astype(np.int64)
                    if not np.isnan(gap[sel]).any()
                    else pd.array(gap[sel], dtype="Int64")
                ),
                S.ALLOWED_DAYS: allowed[sel],
            }
        )
        n_never = int(never[sel].sum())
        if n_never:
            notes.append(
                ("note.never_contacted", {"n": n_never, "log_start": pd.Timestamp(log_start)})
            )

    # --- one row per manager: codes over the client managers, then the log's own managers
    names = np.concatenate([manager, who if who is not None else np.zeros(0, object)])
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    k = len(uniques)
    c_code, w_code = codes[:n], codes[n:]

    def per_class(class_code: np.ndarray, m: int) -> np.ndarray:
        """Clients per manager (rows) and class (columns); class code -1 is not counted."""
        ok = class_code >= 0
        flat = np.bincount(c_code[ok] * m + class_code[ok], minlength=k * m)
        return flat.reshape(k, m).astype(np.int64)

    def per_client(mask: np.ndarray) -> np.ndarray:
        return np.bincount(c_code[mask], minlength=k).astype(np.int64)

    summary = pd.DataFrame(
        {
            S.MANAGER: pd.Series(_obj(uniques), dtype=object),
            S.N_CLIENTS: np.bincount(c_code, minlength=k).astype(np.int64),
            S.REVENUE_WINDOW: np.bincount(c_code, weights=revenue, minlength=k),
        }
    )
    total = float(revenue.sum())
    summary[S.REVENUE_SHARE] = summary[S.REVENUE_WINDOW] / total if total > 0 else np.nan
    if cls is not None:
        crosstab = per_class(cls_code, 3)
        for i, c in enumerate(("A", "B", "C")):
            summary[c] = crosstab[:, i]
    if block is not None:
        crosstab = per_class(block_code, len(BLOCKS))
        for i, b in enumerate(BLOCKS):
            summary[b] = crosstab[:, i]
    if who is not None:
        summary[S.N_ACTIVITIES] = np.bincount(w_code[in_period], minlength=k).astype(np.int64)
        summary[S.OVERDUE_TASKS] = np.bincount(w_code[late], minlength=k).astype(np.int64)
    if is_forgotten is not None:
        summary[S.N_FORGOTTEN] = per_client(is_forgotten)

    if lost_ids is not None:
        if isinstance(lost_ids, (str, bytes)):
            raise InputError(
                "`lost_ids` must be a collection of client ids (a list, set or "
                f"Series), got the single string {lost_ids!r}."
            )
        lost = pd.unique(np.array([str(v) for v in lost_ids], dtype=object))
        lost_pos = _positions(index, lost)
        if (lost_pos < 0).any():
            notes.append(("note.unknown_lost", {"n": int((lost_pos < 0).sum())}))
        is_lost = np.zeros(n, bool)
        is_lost[lost_pos[lost_pos >= 0]] = True
        summary[S.N_LOST] = per_client(is_lost)

    if churn_scores is not None:
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
        risk = np.zeros(n)
        values = pd.to_numeric(cs[REVENUE_AT_RISK], errors="coerce").fillna(0.0).to_numpy(float)
        risk[risk_pos[risk_pos >= 0]] = values[risk_pos >= 0]
        summary[REVENUE_AT_RISK] = np.bincount(c_code, weights=risk, minlength=k)
        rev = summary[S.REVENUE_WINDOW].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            summary[S.RISK_SHARE] = np.where(rev > 0, summary[REVENUE_AT_RISK] / rev, np.nan)

    last_row = (summary[S.MANAGER] == NO_MANAGER).to_numpy()
    order = np.lexsort(
        (summary[S.MANAGER].astype(str).to_numpy(), -summary[S.REVENUE_WINDOW].to_numpy(), last_row)
    )
    summary = summary.iloc[order].reset_index(drop=True)
    return Managers(
        summary=summary,
        assignments=assignments,
        forgotten=forgotten,
        overdue=overdue,
        notes=tuple(notes),
        as_of=day,
        period_start=start,
        allowed_days=days_used,
    )


# --- NPS ------------------------------------------------------------------------------------------
def _check_nps_params(min_answers: Any, confidence: Any) -> None:
    check_param(
        isinstance(min_answers, (int, np.integer))
        and not isinstance(min_answers, bool)
        and min_answers >= 1,
        "min_answers",
        "an integer >= 1",
        min_answers,
    )
    check_param(
        isinstance(confidence, (int, float, np.floating))
        and not isinstance(confidence, bool)
        and 0 < confidence < 1,
        "confidence",
        "a number between 0 and 1 (exclusive), e.g. 0.95",
        confidence,
    )


def _latest_answers(surveys: Any, as_of: Any) -> tuple[pd.DataFrame, int, int, pd.Timestamp | None]:
    """(latest answer per client, answers after as_of, clients with several answers, as_of)."""
    sv = _table(surveys, "surveys", "survey answers", [S.CLIENT_ID, S.DATE, S.SCORE])
    ids = _ids(sv[S.CLIENT_ID], "surveys")
    dates = _dates(sv[S.DATE], "surveys", S.DATE, allow_missing=False)
    raw = sv[S.SCORE]
    score = (
        pd.to_numeric(raw, errors="coerce")
        if not pd.api.types.is_bool_dtype(raw)
        else pd.Series(np.nan, index=raw.index)
    )
    bad = (score.isna() | (score < 0) | (score > 10)).to_numpy()
    if bad.any():
        pos = np.flatnonzero(bad)
        examples = ", ".join(f"{raw.iloc[i]!r} (position {i})" for i in pos[:3])
        raise InputError(
            f"`surveys`: column `score` has {len(pos):,} values that are missing or "
            f"outside 0–10 (e.g. {examples}); NPS answers are scores from 0 to 10. "
            "Fix or drop those rows (reportkit.load rejects them with a reason)."
        )
    day = None if as_of is None else _day(as_of, "as_of")
    frame = pd.DataFrame(
        {S.CLIENT_ID: ids, S.DATE: dates.to_numpy(), S.SCORE: score.to_numpy(dtype=float)}
    )
    n_later = 0
    if day is not None:
        keep = (frame[S.DATE] < day + pd.Timedelta(days=1)).to_numpy()
        n_later = int((~keep).sum())
        frame = frame[keep]
    n_repeat = int((frame[S.CLIENT_ID].value_counts() > 1).sum())
    frame = frame.sort_values(
        [S.CLIENT_ID, S.DATE, S.SCORE], ascending=[True, False, True], kind="stable"
    )
    frame = frame.drop_duplicates(S.CLIENT_ID, keep="first").reset_index(drop=True)
    s = frame[S.SCORE].to_numpy()
    frame[S.NPS_CATEGORY] = np.where(s >= 9, PROMOTER, np.where(s >= 7, PASSIVE, DETRACTOR))
    return frame, n_later, n_repeat, day


def _stats(
    category: pd.Series, keys: list[np.ndarray] | None, min_answers: int, confidence: float
) -> pd.DataFrame:
    """Counts, shares, NPS, SE and interval per group (one row when ``keys`` is None)."""
    dummies = pd.DataFrame(
        {
            S.PROMOTERS: (category == PROMOTER).to_numpy(np.int64),
            S.PASSIVES: (category == PASSIVE).to_numpy(np.int64),
            S.DETRACTORS: (category == DETRACTOR).to_numpy(np.int64),
        }
    )
    if keys is None:
        counts = dummies.sum().to_frame().T
    else:
        counts = dummies.groupby(keys, sort=False, dropna=False).sum()
    n = counts.sum(axis=1).to_numpy(np.int64)
    pro = counts[S.PROMOTERS].to_numpy(float)
    det = counts[S.DETRACTORS].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pro, p_det = pro / n, det / n
        score = (pro - det) / n
        se = np.sqrt(np.maximum(p_pro + p_det - score**2, 0.0) / n)
    z = NormalDist().inv_cdf(1 - (1 - float(confidence)) / 2)
    few = n < min_answers
    out = pd.DataFrame(
        {
            S.N_ANSWERS: n,
            S.PROMOTERS: counts[S.PROMOTERS].to_numpy(np.int64),
            S.PASSIVES: counts[S.PASSIVES].to_numpy(np.int64),
            S.DETRACTORS: counts[S.DETRACTORS].to_numpy(np.int64),
            S.PROMOTER_SHARE: np.where(few, np.nan, p_pro),
            S.DETRACTOR_SHARE: np.where(few, np.nan, p_det),
            S.NPS: np.where(few, np.nan, 100 * score),
            S.NPS_SE: np.where(few, np.nan, 100 * se),
            S.CI_LOW: np.where(few, np.nan, np.clip(100 * (score - z * se), -100, 100)),
            S.CI_HIGH: np.where(few, np.nan, np.clip(100 * (score + z * se), -100, 100)),
            S.TOO_FEW: few,
        },
        index=counts.index,
    )
    return out


def _group_values(by: Any, argument: str, column: str | None = None) -> pd.DataFrame:
    """A grouping as a frame ``client_id`` + group column(s), ids unique."""
    obj = by
    if not isinstance(by, pd.DataFrame):
        # Managers → manager, SegmentResult → its class column (abc, xyz, …), Lifecycle → block
        for attr, default in (
            ("assignments", S.MANAGER),
            ("clients", getattr(by, "name", None)),
            ("frame", S.BLOCK),
        ):
            if isinstance(getattr(by, attr, None), pd.DataFrame):
                obj = getattr(by, attr)
                if column is None and default in obj.columns:
                    column = default
                break
    frame = _table(obj, argument, "grouping (client_id and the group column)", [S.CLIENT_ID])
    if column is not None:
        if column in frame.columns:
            cols = [column]
        else:
            others = [c for c in frame.columns if c != S.CLIENT_ID]
            if len(others) != 1:
                raise InputError(
                    f"`{argument}` has no column `{column}` and {len(others)} other "
                    "columns besides client_id; name the dict key after the group "
                    "column or pass a frame with client_id and one group column."
                )
            cols = others
    else:
        cols = [c for c in frame.columns if c != S.CLIENT_ID]
        if not cols:
            raise InputError(
                f"`{argument}` has only client_id; add the group column(s), e.g. "
                "abc, block or manager."
            )
    out = pd.DataFrame({S.CLIENT_ID: _ids(frame[S.CLIENT_ID], argument)})
    for c in cols:
        out[c] = frame[c].to_numpy()
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            out[c] = frame[c].array
    if out[S.CLIENT_ID].duplicated().any():
        dup = out.loc[out[S.CLIENT_ID].duplicated(), S.CLIENT_ID].head(3).tolist()
        raise InputError(
            f"`{argument}` repeats client_id values (e.g. {dup}); each client belongs to one group."
        )
    return out


def _grouped(
    answers: pd.DataFrame, groups: pd.DataFrame, min_answers: int, confidence: float
) -> tuple[pd.DataFrame, list[str]]:
    cols = [c for c in groups.columns if c != S.CLIENT_ID]
    merged = answers[[S.CLIENT_ID, S.NPS_CATEGORY]].merge(groups, on=S.CLIENT_ID, how="left")
    keys = []
    orders = []
    for c in cols:
        col = merged[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            order = [str(v) for v in col.cat.categories]
        else:
            order = sorted({str(v) for v in col.dropna().unique()})
        vals = (
            col.astype(object)
            .where(col.notna(), None)
            .map(lambda v: NO_GROUP if v is None else str(v), na_action=None)
        )
        keys.append(vals.to_numpy(dtype=object))
        orders.append({v: i for i, v in enumerate([*order, NO_GROUP])})
    table = _stats(merged[S.NPS_CATEGORY], keys, min_answers, confidence)
    table.index.names = cols
    table = table.reset_index()
    rank = [table[c].map(o).to_numpy() for c, o in zip(cols, orders)]
    table = table.iloc[np.lexsort(rank[::-1])].reset_index(drop=True)
    return table, cols


@dataclass(repr=False, eq=False)
class NPSResult:
    """Net Promoter Score overall and per group (made by :func:`nps` or :func:`nps_by`).

    Attributes
    ----------
    table : DataFrame
        One row per group (the group column(s) first), or the single overall row; columns in
        :func:`nps`.
    overall : DataFrame
        The all-answers row (same statistics columns).
    answers : DataFrame
        The answer used per client: ``client_id, date, score, nps_category``.
    group_columns : tuple of str
        The group columns of ``table`` (empty for the overall row).
    notes : tuple of (code, params)
    as_of : Timestamp or None
    min_answers : int
    confidence : float
    """

    table: pd.DataFrame
    overall: pd.DataFrame
    answers: pd.DataFrame
    group_columns: tuple[str, ...] = ()
    notes: tuple[tuple[str, dict], ...] = ()
    as_of: pd.Timestamp | None = None
    min_answers: int = 10
    confidence: float = 0.95

    @property
    def value(self) -> float:
        """The overall NPS in points (NaN with too few answers)."""
        return float(self.overall[S.NPS].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """The per-group table (a copy of :attr:`table`)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False, border=0)

    def __repr__(self) -> str:
        v = self.value
        shown = "too few answers" if math.isnan(v) else f"{v:.1f}"
        return (
            f"<NPSResult: NPS {shown} from {int(self.overall[S.N_ANSWERS].iloc[0]):,} "
            f"answers, {len(self.table)} rows>"
        )


_STATS_DOC = """``n_answers`` (clients answering), ``promoters``, ``passives``, ``detractors``
        (counts), ``promoter_share``, ``detractor_share`` (0–1), ``nps`` (points, −100 … 100),
        ``nps_se`` (points), ``ci_low``, ``ci_high`` (points), ``too_few`` (bool; shares, NPS,
        SE and bounds are NaN when True)"""


def nps(
    surveys: pd.DataFrame,
    *,
    as_of: Any = None,
    by: Any = None,
    min_answers: int = 10,
    confidence: float = 0.95,
) -> NPSResult:
    """Net Promoter Score with its confidence interval, overall or per group.

    Rules (latest answer per client, categories, standard error) are in the module docstring.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    as_of : str, date, Timestamp or None, default None
        Use answers dated on or before this day; None uses every answer.
    by : DataFrame, SegmentResult, Lifecycle, Managers or None, default None
        ``client_id`` and the group column(s) (e.g. ``abc``, ``block``, ``manager``); an
        object is taken through its ``clients`` / ``frame`` / ``assignments`` table (every
        column besides ``client_id`` then groups, so select the one you want). Answers of
        clients not in it form the group ``(no group)``.
    min_answers : int, default 10
        Groups (and the overall row) with fewer answers are not scored.
    confidence : float, default 0.95
        Two-sided level of the interval.

    Returns
    -------
    NPSResult
        ``table``: the group column(s) (values as text, ordered as their categories or
        sorted, ``(no group)`` last), then {stats}. Without ``by`` it is the one overall row. ``overall``,
        ``answers`` (``client_id, date, score, nps_category``), ``notes``.

    Raises
    ------
    InputError
        Missing columns, scores missing or outside 0–10, dates that are not dates, a grouping
        that repeats clients.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": list("abcdefghij"),
    ...                    "date": pd.Timestamp("2024-03-15"),
    ...                    "score": [10, 9, 9, 10, 8, 7, 8, 3, 6, 0]})
    >>> r = nps(sv)
    >>> r.value
    10.0
    >>> round(float(r.overall["ci_low"].iloc[0]), 1), round(float(r.overall["ci_high"].iloc[0]), 1)
    (-41.5, 61.5)
    """
    _check_nps_params(min_answers, confidence)
    answers, n_later, n_repeat, day = _latest_answers(surveys, as_of)
    notes: list[tuple[str, dict]] = []
    if n_later:
        notes.append(("note.later_answers", {"n": n_later, "as_of": day}))
    if n_repeat:
        notes.append(("note.repeat_answers", {"n": n_repeat}))
    overall = _stats(answers[S.NPS_CATEGORY], None, min_answers, confidence).reset_index(drop=True)
    cols: list[str] = []
    if by is None:
        table = overall.copy()
    else:
        groups = _group_values(by, "by")
        table, cols = _grouped(answers, groups, min_answers, confidence)
        n_few = int(table[S.TOO_FEW].sum())
        if n_few:
            notes.append(("note.too_few", {"n": n_few, "min": min_answers}))
    return NPSResult(
        table=table,
        overall=overall,
        answers=answers,
        group_columns=tuple(cols),
        notes=tuple(notes),
        as_of=day,
        min_answers=int(min_answers),
        confidence=float(confidence),
    )


nps.__doc__ = (nps.__doc__ or "").replace("{stats}", _STATS_DOC)


def nps_by(
    surveys: pd.DataFrame,
    groups: Mapping[str, Any],
    *,
    as_of: Any = None,
    min_answers: int = 10,
    confidence: float = 0.95,
) -> NPSResult:
    """NPS overall and along several groupings at once, in one long table.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    groups : dict of str to DataFrame (or SegmentResult, Lifecycle, Managers)
        Name of the grouping → a frame with ``client_id`` and the group column. The column
        named like the key is used (``{"abc": segments.abc, "block": lifecycle, "manager":
        managers_result}``); otherwise the frame must have exactly one column besides
        ``client_id``.
    as_of, min_answers, confidence
        As in :func:`nps` (defaults None, 10, 0.95).

    Returns
    -------
    NPSResult
        ``table``: ``dimension`` (``overall``, then each key of ``groups`` in order),
        ``group`` (the group value as text; ``overall`` for the first row, ``(no group)`` for
        answers outside the grouping), then {stats}.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": ["a", "b", "c"], "date": pd.Timestamp("2024-03-15"),
    ...                    "score": [10, 9, 2]})
    >>> seg = pd.DataFrame({"client_id": ["a", "b", "c"], "abc": ["A", "A", "B"]})
    >>> t = nps_by(sv, {"abc": seg}, min_answers=2).table
    >>> t[["dimension", "group", "n_answers", "nps"]].round(1)
      dimension    group  n_answers    nps
    0   overall  overall          3   33.3
    1       abc        A          2  100.0
    2       abc        B          1    NaN
    """
    _check_nps_params(min_answers, confidence)
    if not isinstance(groups, Mapping) or not groups:
        raise InputError(
            "`groups` must be a non-empty dict {name: frame}, e.g. "
            "{'abc': segments.abc, 'block': lifecycle}; got "
            f"{type(groups).__name__}."
        )
    base = nps(surveys, as_of=as_of, min_answers=min_answers, confidence=confidence)
    first = base.overall.copy()
    first.insert(0, S.GROUP, OVERALL)
    first.insert(0, S.DIMENSION, OVERALL)
    parts = [first]
    n_few = 0
    for name, frame in groups.items():
        check_param(isinstance(name, str) and name != "", "groups key", "a non-empty string", name)
        g = _group_values(frame, f"groups[{name!r}]", column=name)
        table, cols = _grouped(base.answers, g, min_answers, confidence)
        n_few += int(table[S.TOO_FEW].sum())
        table = table.rename(columns={cols[0]: S.GROUP})
        table.insert(0, S.DIMENSION, name)
        parts.append(table)
    table = pd.concat(parts, ignore_index=True)
    table[S.GROUP] = table[S.GROUP].astype(object)
    notes = list(base.notes)
    if n_few:
        notes.append(("note.too_few", {"n": n_few, "min": min_answers}))
    return NPSResult(
        table=table,
        overall=base.overall,
        answers=base.answers,
        group_columns=(S.DIMENSION, S.GROUP),
        notes=tuple(notes),
        as_of=base.as_of,
        min_answers=int(min_answers),
        confidence=float(confidence),
    )


nps_by.__doc__ = (nps_by.__doc__ or "").replace("{stats}", _STATS_DOC)


def detractors_a(
    surveys: pd.DataFrame,
    abc: Any,
    *,
    as_of: Any = None,
    clients: pd.DataFrame | None = None,
    managers: Any = None,
) -> pd.DataFrame:
    """Class A clients whose latest answer is a detractor's (0–6): the calls to make first.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    abc : SegmentResult, Segments or DataFrame
        ABC classes: ``client_id``, ``abc`` (and ``value``, the revenue ranked, when present).
    as_of : str, date, Timestamp or None, default None
        Use answers dated on or before this day (latest answer per client, as in :func:`nps`).
    clients : DataFrame, optional
        Adds ``name`` (and ``manager`` unless ``managers`` is given) from the client cards.
    managers : Managers or DataFrame, optional
        :func:`managers` result or a frame ``client_id, manager``: adds ``manager``.

    Returns
    -------
    DataFrame
        ``client_id``, ``name`` (with ``clients``), ``manager`` (when known), ``date``,
        ``score``, ``value`` (when ``abc`` has it); largest value first, then lowest score.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": ["a", "a", "b", "c"],
    ...                    "date": pd.to_datetime(["2024-01-10", "2024-03-15", "2024-03-15",
    ...                                            "2024-03-15"]),
    ...                    "score": [9, 4, 2, 10]})
    >>> seg = pd.DataFrame({"client_id": ["a", "b", "c"], "abc": ["A", "C", "A"]})
    >>> detractors_a(sv, seg)
      client_id       date  score
    0         a 2024-03-15    4.0
    """
    answers, _, _, _ = _latest_answers(surveys, as_of)
    af, _ = _abc_frame(abc)
    frame = _abc_source(abc)
    value = None
    if S.VALUE in frame.columns:
        value = pd.Series(
            pd.to_numeric(frame[S.VALUE], errors="coerce").to_numpy(float),
            index=pd.Index(af[S.CLIENT_ID], dtype=object),
        )
    a_ids = set(af[S.CLIENT_ID][af[S.ABC] == "A"])
    sel = answers[
        (answers[S.NPS_CATEGORY] == DETRACTOR) & answers[S.CLIENT_ID].isin(a_ids)
    ].reset_index(drop=True)
    out = pd.DataFrame({S.CLIENT_ID: sel[S.CLIENT_ID].to_numpy(dtype=object)})
    mgr = None
    if managers is not None:
        g = _group_values(managers, "managers", column=S.MANAGER)
        mgr = pd.Series(g.iloc[:, 1].to_numpy(dtype=object), index=g[S.CLIENT_ID].to_numpy())
    if clients is not None:
        cl = _table(clients, "clients", "clients table", [S.CLIENT_ID])
        cl_ids = _ids(cl[S.CLIENT_ID], "clients")
        if S.NAME in cl.columns:
            names = pd.Series(cl[S.NAME].to_numpy(dtype=object), index=cl_ids)
            names = names[~names.index.duplicated()]
            out[S.NAME] = names.reindex(out[S.CLIENT_ID]).to_numpy(dtype=object)
        if mgr is None and S.MANAGER in cl.columns:
            mgr = pd.Series(_names(cl[S.MANAGER]), index=pd.Index(cl_ids, dtype=object))
            mgr = mgr[~mgr.index.duplicated()]
    if mgr is not None:
        out[S.MANAGER] = mgr.reindex(out[S.CLIENT_ID]).to_numpy(dtype=object)
    out[S.DATE] = sel[S.DATE].to_numpy()
    out[S.SCORE] = sel[S.SCORE].to_numpy()
    if value is not None:
        out[S.VALUE] = value.reindex(out[S.CLIENT_ID]).to_numpy()
        out = out.sort_values(
            [S.VALUE, S.SCORE, S.CLIENT_ID],
            ascending=[False, True, True],
            kind="stable",
            ignore_index=True,
        )
    else:
        out = out.sort_values([S.SCORE, S.CLIENT_ID], kind="stable", ignore_index=True)
    return out
