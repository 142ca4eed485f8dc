"""The reactivation list: clients to call back, overdue against their purchase cycle or dead but
worth winning back.

The list is an action list, not an analysis result: one row per client to call, ranked, which the
report exports as it is (CSV and a sheet of the workbook). So :func:`reactivation_list` returns a
DataFrame. The analysis it rests on is the :class:`~reportkit.analysis.lifecycle.Lifecycle`, which
has the result shape (``clients``, ``summary``, ``notes``, ``params``); the only setting the list
adds, ``rules.deal_cycle_days``, is in that lifecycle's ``params["rules"]`` when both ran with the
same rules, and each row's ``cycle_source`` says which cycle applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import InputError
from ...io.config import LifecycleRules
from ...io.schema import (
    AS_OF,
    BEST12_REVENUE,
    BLOCK,
    CLIENT_ID,
    INTERVAL_DAYS,
    LAST_ORDER,
    MANAGER,
    NAME,
    ORDERS_TOTAL,
    REASON,
    RECENCY_DAYS,
    REVENUE_TOTAL,
    USUAL_INTERVAL_DAYS,
)
from .base import (
    _DEFAULT_RULES,
    CYCLE_SOURCE,
    DEAD_REANIMATABLE,
    LIVING_BLOCKS,
    OVERDUE,
    Lifecycle,
    _check_snapshot,
    _prepare_clients,
    check_rules,
)

# --- reactivation list ----------------------------------------------------------------------------

_REACT_REQUIRED = (
    CLIENT_ID,
    AS_OF,
    LAST_ORDER,
    RECENCY_DAYS,
    INTERVAL_DAYS,
    ORDERS_TOTAL,
    BEST12_REVENUE,
    REVENUE_TOTAL,
)
#: the columns of the reactivation list, in order
_REACT_COLUMNS = [
    CLIENT_ID,
    NAME,
    MANAGER,
    BLOCK,
    LAST_ORDER,
    RECENCY_DAYS,
    USUAL_INTERVAL_DAYS,
    BEST12_REVENUE,
    REVENUE_TOTAL,
    REASON,
    CYCLE_SOURCE,
]


def reactivation_list(
    snapshot: pd.DataFrame,
    lifecycle: Lifecycle,
    clients: pd.DataFrame | None = None,
    *,
    rules: LifecycleRules = _DEFAULT_RULES,
) -> pd.DataFrame:
    """Clients to call back: overdue against their purchase cycle, or dead but worth winning back.

    A client is listed when it is in a living block (working, regular, proven, vip, key) and
    silent for longer than its usual purchase cycle, or when it is ``dead_reanimatable``. The
    cycle is ``rules.deal_cycle_days`` when set; otherwise the client's own ``interval_days``;
    for one-order clients (no interval of their own) the median ``interval_days`` of the repeat
    clients in the snapshot (they are not listed when the base has no repeat clients).

    Parameters
    ----------
    snapshot : DataFrame
        From :func:`reportkit.core.snapshot` (``client_id``, ``as_of``, ``last_order``,
        ``recency_days``, ``interval_days``, ``orders_total``, ``best12_revenue``,
        ``revenue_total``).
    lifecycle : Lifecycle
        :func:`classify` of the same snapshot.
    clients : DataFrame, optional
        The clients table, for ``name`` and ``manager``.
    rules : LifecycleRules, default LifecycleRules()
        Only ``deal_cycle_days`` (default None) is used here.

    Returns
    -------
    DataFrame
        Ranked by ``best12_revenue`` (then ``revenue_total``) descending: ``client_id``,
        ``name``, ``manager`` (missing when unknown), ``block``, ``last_order``,
        ``recency_days``, ``usual_interval_days`` (the cycle applied; NaN for dead clients
        listed as reanimatable without one), ``best12_revenue``, ``revenue_total``, ``reason``
        (``"overdue"``, or the lifecycle's reason code for a dead client worth winning back),
        ``cycle_source`` (``"own"`` interval, ``"deal"`` cycle of the rules, ``"base"`` median
        for one-order clients).

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-01-10", "2024-03-01"]),
    ...     "last_order": pd.to_datetime(["2024-03-02", "2024-06-01"]),
    ...     "recency_days": [120, 29], "orders_total": [9, 4], "interval_days": [51.5, 30.3],
    ...     "revenue_total": [9000.0, 400.0], "revenue_window": [5000.0, 400.0],
    ...     "best12_revenue": [6000.0, 400.0]})
    >>> from reportkit.analysis.lifecycle import classify
    >>> rl = reactivation_list(snap, classify(snap))
    >>> rl[["client_id", "usual_interval_days"]].values.tolist()
    [['a', 51.5]]
    >>> rl.loc[0, ["reason", "cycle_source"]].tolist()
    ['overdue', 'own']
    """
    check_rules(rules)
    snapshot = _check_inputs(snapshot, lifecycle)
    cl = _prepare_clients(clients)
    out = _listed(_with_blocks(snapshot, lifecycle), rules)
    for column in (NAME, MANAGER):
        if cl is not None and column in cl.columns:
            out[column] = cl[column].reindex(out[CLIENT_ID].to_numpy()).to_numpy(dtype=object)
        else:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="object")
    out = out.sort_values(
        [BEST12_REVENUE, REVENUE_TOTAL, CLIENT_ID],
        ascending=[False, False, True],
        kind="stable",
        na_position="last",
    )
    return out[_REACT_COLUMNS].reset_index(drop=True)


def _check_inputs(snapshot: pd.DataFrame, lifecycle: Lifecycle) -> pd.DataFrame:
    """The snapshot, checked, and a lifecycle of the same date."""
    if not isinstance(lifecycle, Lifecycle):
        raise InputError(
            f"`lifecycle` must be the Lifecycle returned by classify(), "
            f"got {type(lifecycle).__name__}."
        )
    snapshot, as_of = _check_snapshot(snapshot, _REACT_REQUIRED, "reactivation_list")
    if lifecycle.as_of is not None and lifecycle.as_of != as_of:
        raise InputError(
            f"the lifecycle is as of {lifecycle.as_of.date()} but the snapshot as of "
            f"{as_of.date()}; classify the same snapshot you pass here."
        )
    return snapshot


def _listed(snap: pd.DataFrame, rules: LifecycleRules) -> pd.DataFrame:
    """The listed clients of ``snap`` (living and overdue, or dead and worth winning back) with
    the cycle applied, where it comes from and the reason."""
    cycle, source = _cycles(snap, rules)
    living = snap[BLOCK].isin(LIVING_BLOCKS).to_numpy()
    overdue = living & np.isfinite(cycle) & (snap[RECENCY_DAYS].to_numpy() > cycle)
    reanim = (snap[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    keep = overdue | reanim
    out = snap.loc[keep].copy()
    out[USUAL_INTERVAL_DAYS] = np.where(np.isfinite(cycle[keep]), cycle[keep], np.nan)
    out[CYCLE_SOURCE] = source[keep]
    is_dead = (out[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    out[REASON] = np.where(is_dead, out[REASON].to_numpy(dtype=object), OVERDUE)
    return out


def _with_blocks(snapshot: pd.DataFrame, lifecycle: Lifecycle) -> pd.DataFrame:
    """The snapshot's columns the list uses, typed, with each client's block and reason."""
    snap = pd.DataFrame(
        {
            CLIENT_ID: snapshot[CLIENT_ID].astype(str).to_numpy(),
            LAST_ORDER: pd.to_datetime(snapshot[LAST_ORDER]).to_numpy("datetime64[ns]"),
            RECENCY_DAYS: pd.to_numeric(snapshot[RECENCY_DAYS], errors="coerce").to_numpy(
                "float64"
            ),
            INTERVAL_DAYS: pd.to_numeric(snapshot[INTERVAL_DAYS], errors="coerce").to_numpy(
                "float64"
            ),
            ORDERS_TOTAL: pd.to_numeric(snapshot[ORDERS_TOTAL], errors="coerce")
            .fillna(0)
            .to_numpy("float64"),
            BEST12_REVENUE: pd.to_numeric(snapshot[BEST12_REVENUE], errors="coerce").to_numpy(
                "float64"
            ),
            REVENUE_TOTAL: pd.to_numeric(snapshot[REVENUE_TOTAL], errors="coerce").to_numpy(
                "float64"
            ),
        }
    )
    lc = lifecycle.clients[[CLIENT_ID, BLOCK, REASON]].astype({CLIENT_ID: str})
    snap = snap.merge(lc, on=CLIENT_ID, how="left", validate="one_to_one")
    if snap[BLOCK].isna().any():
        missing = snap.loc[snap[BLOCK].isna(), CLIENT_ID]
        raise InputError(
            f"{len(missing)} snapshot client(s) are not in the lifecycle (e.g. "
            f"{', '.join(map(repr, missing[:3]))}); classify the same snapshot."
        )
    return snap


def _cycles(snap: pd.DataFrame, rules: LifecycleRules) -> tuple[np.ndarray, np.ndarray]:
    """The purchase cycle applied to every client and where it comes from (:data:`CYCLE_SOURCES`):
    the rules' deal cycle, else the client's own interval, else the base's median interval."""
    repeat = (snap[ORDERS_TOTAL] >= 2) & (snap[INTERVAL_DAYS] > 0)
    base_cycle = float(snap.loc[repeat, INTERVAL_DAYS].median()) if repeat.any() else np.nan
    if rules.deal_cycle_days is not None:
        return np.full(len(snap), float(rules.deal_cycle_days)), np.full(len(snap), "deal")
    own = snap[INTERVAL_DAYS].to_numpy()
    use_own = np.isfinite(own) & (own > 0)
    return np.where(use_own, own, base_cycle), np.where(use_own, "own", "base")
