"""The lifecycle matrix of the client base and the reactivation list.

Every known client sits in exactly one of eight blocks (``dead`` split in two), each with a short
reason in English or Russian:

============== ======= =========================================================================
block          zone    rule (defaults from :class:`~reportkit.io.config.LifecycleRules`)
============== ======= =========================================================================
potential      birth   known (clients table or a lead), no orders, status not "agreed to work"
active         birth   no orders, ``status`` in ``active_statuses``
working        birth   1 – 2 orders (fewer than ``regular_orders``)
regular        life    3+ orders (``regular_orders``)
proven         life    10+ orders (``proven_orders``) and 12+ full months since the first order
                       (``proven_tenure_months``)
vip            life    ``vip`` flag in the clients table
key            life    ``key_account`` flag; without that column (and ``derive_key``): proven,
                       class A by revenue over the window (``abc`` or the top
                       ``key_revenue_share`` of revenue), revenue not below the previous window,
                       and a positive margin when margin is known
dead_*         death   silent longer than max(``dead_days``, ``dead_interval_multiple`` × usual
                       interval); ``dead_reanimatable`` with ``reanimatable_min_orders``+ orders
                       or lifetime revenue above the median client's, and not refused;
                       otherwise ``dead_lost``
============== ======= =========================================================================

Precedence, first match wins: no orders (active, else potential) → dead (a dead VIP is dead) →
key → vip → proven → regular → working. Flags only apply to clients with orders: a flagged lead
stays potential/active (and a flagged VIP lead is listed for review).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, check_param
from ..io.config import LifecycleRules
from ..io.load import parse_flags
from ..io.schema import (
    ABC,
    AS_OF,
    BEST12_REVENUE,
    BLOCK,
    CLIENT_ID,
    CLIENT_SHARE,
    CREATED,
    FIRST_ORDER,
    INTERVAL_DAYS,
    KEY_ACCOUNT,
    LAST_ORDER,
    MANAGER,
    MARGIN_WINDOW,
    N_CLIENTS,
    NAME,
    ORDERS_TOTAL,
    REASON,
    RECENCY_DAYS,
    REFUSED,
    REVENUE,
    REVENUE_PREV_WINDOW,
    REVENUE_SHARE,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    STATUS,
    USUAL_INTERVAL_DAYS,
    VIP,
    ZONE,
)

# --- blocks and zones ----------------------------------------------------------------------------
POTENTIAL = "potential"
ACTIVE = "active"
WORKING = "working"
REGULAR = "regular"
PROVEN = "proven"
VIP_BLOCK = "vip"
KEY = "key"
DEAD_REANIMATABLE = "dead_reanimatable"
DEAD_LOST = "dead_lost"

#: the blocks in canonical (ladder) order
BLOCKS: tuple[str, ...] = (
    POTENTIAL,
    ACTIVE,
    WORKING,
    REGULAR,
    PROVEN,
    VIP_BLOCK,
    KEY,
    DEAD_REANIMATABLE,
    DEAD_LOST,
)
BIRTH, LIFE, DEATH = "birth", "life", "death"
ZONES: tuple[str, ...] = (BIRTH, LIFE, DEATH)
ZONE_OF: dict[str, str] = {
    POTENTIAL: BIRTH,
    ACTIVE: BIRTH,
    WORKING: BIRTH,
    REGULAR: LIFE,
    PROVEN: LIFE,
    VIP_BLOCK: LIFE,
    KEY: LIFE,
    DEAD_REANIMATABLE: DEATH,
    DEAD_LOST: DEATH,
}
#: blocks of clients with at least one order that are not dead
LIVING_BLOCKS: tuple[str, ...] = (WORKING, REGULAR, PROVEN, VIP_BLOCK, KEY)


#: the default lifecycle rules (frozen: one shared instance)
_DEFAULT_RULES = LifecycleRules()


#: the reason codes of :attr:`Lifecycle.frame` (``reason``); the facts they rest on are columns
#: of the same row, and the report words them (:mod:`reportkit.report.reasons`)
REASONS: tuple[str, ...] = (
    "agreed_no_orders",  # active: a status that means "agreed to work", no orders yet
    "known_no_orders",  # potential: known, no orders (``status`` when there is one)
    "known_no_orders_refused",  # potential, flagged as refused
    "activity",  # working / regular / proven: orders, tenure, recency
    "vip_flag",  # vip: the VIP flag, then the activity
    "key_top_share",  # key: proven, in the top key_revenue_share of revenue, growing
    "key_class_a",  # key: proven, ABC class A, not declining
    "key_flag",  # key: the key-account flag
    "winback_orders",  # dead, worth winning back: enough orders
    "winback_revenue",  # dead, worth winning back: lifetime revenue above the median
    "lost_refused",  # dead and refused
    "lost_low_value",  # dead, few orders and lifetime revenue not above the median
)
#: the reason codes of :attr:`Lifecycle.vip_review`
VIP_REASONS: tuple[str, ...] = (
    "vip_no_orders",
    "vip_dead",
    "vip_no_revenue",
    "vip_negative_margin",
    "vip_below_median",
)
#: the reason codes :func:`reactivation_list` adds (``cycle_source`` says which cycle applied)
OVERDUE = "overdue"
CYCLE_SOURCES: tuple[str, ...] = ("own", "deal", "base")

#: per-client facts in :attr:`Lifecycle.frame` beside the reason
TENURE_DAYS = "tenure_days"
TENURE_MONTHS = "tenure_months"
SILENCE_LIMIT_DAYS = "silence_limit_days"
LIMIT_BY_INTERVAL = "limit_by_interval"
MEDIAN_REVENUE = "median_revenue"
CYCLE_SOURCE = "cycle_source"

_SNAPSHOT_REQUIRED = (
    CLIENT_ID,
    AS_OF,
    FIRST_ORDER,
    RECENCY_DAYS,
    ORDERS_TOTAL,
    INTERVAL_DAYS,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)


# --- small helpers --------------------------------------------------------------------------------


def check_rules(rules: LifecycleRules) -> None:
    """Raise :class:`~reportkit.errors.ParameterError` when a lifecycle threshold is unusable."""
    check_param(isinstance(rules, LifecycleRules), "rules", "a LifecycleRules", rules)

    def is_int(v: object, lo: int) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and bool(v >= lo)

    check_param(
        is_int(rules.regular_orders, 1),
        "rules.regular_orders",
        "an integer >= 1",
        rules.regular_orders,
    )
    check_param(
        is_int(rules.proven_orders, 1),
        "rules.proven_orders",
        "an integer >= 1",
        rules.proven_orders,
    )
    check_param(
        is_int(rules.proven_tenure_months, 0),
        "rules.proven_tenure_months",
        "an integer >= 0",
        rules.proven_tenure_months,
    )
    check_param(
        is_int(rules.dead_days, 1), "rules.dead_days", "an integer >= 1 (days)", rules.dead_days
    )
    check_param(
        isinstance(rules.dead_interval_multiple, (int, float))
        and rules.dead_interval_multiple >= 0,
        "rules.dead_interval_multiple",
        "a number >= 0",
        rules.dead_interval_multiple,
    )
    check_param(
        is_int(rules.reanimatable_min_orders, 1),
        "rules.reanimatable_min_orders",
        "an integer >= 1",
        rules.reanimatable_min_orders,
    )
    check_param(
        rules.deal_cycle_days is None
        or (isinstance(rules.deal_cycle_days, (int, float)) and rules.deal_cycle_days > 0),
        "rules.deal_cycle_days",
        "None or a positive number of days",
        rules.deal_cycle_days,
    )
    check_param(
        isinstance(rules.key_revenue_share, (int, float)) and 0 < rules.key_revenue_share <= 1,
        "rules.key_revenue_share",
        "a share with 0 < share <= 1",
        rules.key_revenue_share,
    )


def full_months(start: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """Full calendar months from each start date to ``end`` (pandas month-offset rule).

    ``start + k months`` clips to the month's last day, so 31 Jan → 28 Feb is one month.

    >>> s = pd.Series(pd.to_datetime(["2023-06-30", "2023-07-01", "2023-01-31"]))
    >>> full_months(s, pd.Timestamp("2024-06-30")).tolist()
    [12.0, 11.0, 17.0]
    """
    start = pd.to_datetime(pd.Series(start).reset_index(drop=True))
    y1, m1, d1 = start.dt.year.to_numpy(), start.dt.month.to_numpy(), start.dt.day.to_numpy()
    months = (end.year - y1) * 12 + (end.month - m1)
    clipped_day = np.minimum(d1, end.days_in_month)
    months = months - (clipped_day > end.day)
    return months.astype("float64")


def _flags(clients: pd.DataFrame | None, column: str, ids: pd.Index) -> np.ndarray:
    """A bool per id from a yes/no column of the clients table (False when absent)."""
    if clients is None or column not in clients.columns:
        return np.zeros(len(ids), dtype=bool)
    col = clients[column]
    if pd.api.types.is_bool_dtype(col):
        values = col.fillna(False).astype(bool)
    elif pd.api.types.is_numeric_dtype(col):
        values = col.fillna(0).astype("float64") != 0
    else:
        values = parse_flags(col)[0]
    values = pd.Series(values.to_numpy(), index=clients.index)
    return values.reindex(ids, fill_value=False).to_numpy(dtype=bool)


def _prepare_clients(clients: pd.DataFrame | None) -> pd.DataFrame | None:
    if clients is None:
        return None
    if not isinstance(clients, pd.DataFrame):
        raise InputError(
            f"`clients` must be a DataFrame (the clients table) or None, "
            f"got {type(clients).__name__}."
        )
    if CLIENT_ID not in clients.columns:
        raise InputError(
            f"the clients table has no `{CLIENT_ID}` column (columns: "
            f"{', '.join(map(str, clients.columns))}); load it with reportkit.load "
            f"or rename the id column to `{CLIENT_ID}`."
        )
    ids = clients[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"the clients table repeats {dup.nunique()} client_id value(s) "
            f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); keep one row per "
            f"client (reportkit.load keeps the first record)."
        )
    out = clients.copy()
    out.index = pd.Index(ids, name=CLIENT_ID)
    return out


def _check_snapshot(
    snapshot: pd.DataFrame, required: tuple[str, ...], what: str
) -> tuple[pd.DataFrame, pd.Timestamp]:
    if not isinstance(snapshot, pd.DataFrame):
        raise InputError(
            f"`snapshot` must be a DataFrame from reportkit.snapshot(), "
            f"got {type(snapshot).__name__}."
        )
    missing = [c for c in required if c not in snapshot.columns]
    if missing:
        raise InputError(
            f"{what} needs the snapshot column(s) {', '.join(missing)}, which are "
            f"missing; build the snapshot with reportkit.snapshot(panel, as_of=...)."
        )
    ids = snapshot[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"the snapshot repeats {dup.nunique()} client_id value(s) "
            f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); a snapshot has one "
            f"row per client."
        )
    as_of_values = pd.to_datetime(snapshot[AS_OF]).dropna().unique()
    if len(as_of_values) != 1:
        raise InputError(
            f"the snapshot column `{AS_OF}` must hold one date, got "
            f"{len(as_of_values)} distinct values; classify one snapshot at a time."
        )
    return snapshot, pd.Timestamp(as_of_values[0])


# --- the result object ----------------------------------------------------------------------------


@dataclass
class Lifecycle:
    """The lifecycle matrix of a client base as of one date.

    Attributes
    ----------
    frame : DataFrame
        One row per known client: ``client_id``, ``block`` (categorical, canonical order),
        ``zone`` (birth / life / death), ``reason`` (a code of :data:`REASONS`),
        ``revenue_window`` and the facts the reason rests on: ``orders_total``,
        ``recency_days``, ``tenure_days``, ``tenure_months``, ``interval_days``,
        ``silence_limit_days`` (the silence after which the client counts as dead),
        ``limit_by_interval`` (that limit comes from the client's own interval), ``status``.
    summary : DataFrame
        One row per block in canonical order: ``block``, ``zone``, ``n_clients``,
        ``client_share``, ``revenue`` (revenue over the window), ``revenue_share``.
    vip_review : DataFrame
        VIP-flagged clients that do not pay back: ``client_id``, ``block``, ``revenue_window``
        (and ``margin_window`` when known), ``recency_days``, ``median_revenue`` (of the
        living base), ``reason`` (a code of :data:`VIP_REASONS`).
    notes : list of (code, params)
        What the classification assumed (missing columns, derived key clients, …).
    as_of : Timestamp
    rules : LifecycleRules
    """

    frame: pd.DataFrame
    summary: pd.DataFrame
    vip_review: pd.DataFrame
    notes: list[tuple[str, dict]] = field(default_factory=list)
    as_of: pd.Timestamp | None = None
    rules: LifecycleRules = field(default_factory=LifecycleRules)

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`frame`)."""
        return self.frame.copy()

    def counts(self) -> pd.Series:
        """Clients per block, in canonical order (zero blocks included)."""
        return self.summary.set_index(BLOCK)[N_CLIENTS]

    def __repr__(self) -> str:
        parts = ", ".join(f"{b}={n}" for b, n in self.counts().items() if n)
        day = self.as_of.date() if self.as_of is not None else None
        return f"Lifecycle(as_of={day}, clients={len(self.frame):,}: {parts})"

    def _repr_html_(self) -> str:
        day = self.as_of.date() if self.as_of is not None else ""
        return (
            f"<div class='rk-lifecycle'><strong>Lifecycle as of {day}</strong>"
            + self.summary.to_html(index=False, border=0, float_format="{:,.2f}".format)
            + "</div>"
        )


# --- classification -------------------------------------------------------------------------------


def classify(
    snapshot: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    *,
    rules: LifecycleRules = _DEFAULT_RULES,
    abc: pd.DataFrame | None = None,
) -> Lifecycle:
    """Put every known client in exactly one lifecycle block, with the reason.

    Parameters
    ----------
    snapshot : DataFrame
        From :func:`reportkit.core.snapshot`: one row per client, with ``client_id``, ``as_of``,
        ``first_order``, ``recency_days``, ``orders_total``, ``interval_days``,
        ``revenue_total``, ``revenue_window``; optional ``revenue_prev_window`` and
        ``margin_window`` (used by the derived ``key`` rule). Rows with no orders are leads.
    clients : DataFrame, optional
        The clients table: ``client_id`` and optional ``status``, ``vip``, ``key_account``,
        ``refused``, ``created``. Clients in it but not in the snapshot are leads (no orders);
        leads ``created`` after ``as_of`` are left out.
    rules : LifecycleRules, default LifecycleRules()
        regular_orders=3, proven_orders=10, proven_tenure_months=12, dead_days=365,
        dead_interval_multiple=3.0, reanimatable_min_orders=2, derive_key=True,
        key_revenue_share=0.80, active_statuses, refused_statuses.
    abc : DataFrame, optional
        ``client_id`` and ``abc`` (from the segmentation); class ``A`` feeds the derived key rule
        instead of the top ``key_revenue_share`` of revenue over the window.
    Returns
    -------
    Lifecycle
        ``frame`` (``client_id``, ``block``, ``zone``, ``reason``, ``revenue_window`` and the
        facts behind the reason),
        ``summary`` (``block``, ``zone``, ``n_clients``, ``client_share``, ``revenue``,
        ``revenue_share``), ``vip_review``, ``notes``.

    Notes
    -----
    Tenure is counted in full calendar months from the first order to ``as_of``. A client is dead
    when ``recency_days`` > max(dead_days, dead_interval_multiple × interval_days); with one
    order the interval is unknown and ``dead_days`` alone applies. "Above-median lifetime revenue"
    compares ``revenue_total`` with the median over clients with orders. Refused means the
    ``refused`` flag or a ``status`` in ``refused_statuses``.

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b", "c"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-04-17", "2024-05-21", None]),
    ...     "recency_days": [40, 40, None], "orders_total": [3, 1, 0],
    ...     "interval_days": [168.0, None, None], "revenue_total": [900.0, 100.0, 0.0],
    ...     "revenue_window": [600.0, 100.0, 0.0]})
    >>> lc = classify(snap)
    >>> lc.frame["block"].tolist()
    ['regular', 'working', 'potential']
    >>> lc.frame["reason"].tolist()
    ['activity', 'activity', 'known_no_orders']
    >>> lc.frame.loc[0, ["orders_total", "tenure_months", "recency_days"]].tolist()
    [3.0, 14.0, 40.0]
    """
    check_rules(rules)
    snapshot, as_of = _check_snapshot(snapshot, _SNAPSHOT_REQUIRED, "lifecycle.classify")
    cl = _prepare_clients(clients)
    notes: list[tuple[str, dict]] = []

    snap_ids = pd.Index(snapshot[CLIENT_ID].astype(str).to_numpy(), name=CLIENT_ID)
    extra = pd.Index([], dtype=object, name=CLIENT_ID)
    if cl is not None:
        extra = cl.index.difference(snap_ids, sort=False)
        if CREATED in cl.columns and len(extra):
            created = pd.to_datetime(cl.loc[extra, CREATED], errors="coerce")
            later = (created > as_of).to_numpy()
            if later.any():
                extra = extra[~later]
                notes.append(("cards_created_later", {"n": int(later.sum()), "as_of": as_of}))
    ids = snap_ids.append(extra)
    n_snap, n = len(snap_ids), len(ids)

    def col(name: str, fill: float = np.nan) -> np.ndarray:
        out = np.full(n, fill, dtype="float64")
        if name in snapshot.columns:
            out[:n_snap] = pd.to_numeric(snapshot[name], errors="coerce").to_numpy(
                "float64", na_value=np.nan
            )
        return out

    orders = np.nan_to_num(col(ORDERS_TOTAL, 0.0), nan=0.0)
    recency = col(RECENCY_DAYS)
    interval = col(INTERVAL_DAYS)
    revenue_total = np.nan_to_num(col(REVENUE_TOTAL, 0.0), nan=0.0)
    revenue_window = np.nan_to_num(col(REVENUE_WINDOW, 0.0), nan=0.0)
    has_margin = MARGIN_WINDOW in snapshot.columns
    margin_window = col(MARGIN_WINDOW)
    first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    first.iloc[:n_snap] = pd.to_datetime(snapshot[FIRST_ORDER]).to_numpy("datetime64[ns]")
    tenure_days = (as_of - first).dt.days.to_numpy("float64", na_value=np.nan)
    tenure_months = full_months(first, as_of)

    has_orders = orders > 0
    if (has_orders & np.isnan(recency)).any():
        bad = ids[has_orders & np.isnan(recency)]
        raise InputError(
            f"the snapshot has clients with orders but no `{RECENCY_DAYS}` "
            f"(e.g. {', '.join(map(repr, bad[:3]))}); rebuild it with "
            f"reportkit.core.snapshot."
        )

    # --- clients-table facts
    status_raw = pd.Series(pd.NA, index=ids, dtype="object")
    has_status = cl is not None and STATUS in cl.columns
    if cl is not None and has_status:
        status_raw = cl[STATUS].reindex(ids)
    status = status_raw.astype("string").str.strip().str.lower()
    is_active_status = status.isin([s.lower() for s in rules.active_statuses]).to_numpy(bool)
    is_refused_status = status.isin([s.lower() for s in rules.refused_statuses]).to_numpy(bool)
    vip = _flags(cl, VIP, ids)
    key_flag = _flags(cl, KEY_ACCOUNT, ids)
    refused = _flags(cl, REFUSED, ids) | is_refused_status

    if not has_status:
        notes.append(("no_status_column", {}))
    if cl is None or VIP not in cl.columns:
        notes.append(("no_vip_column", {}))

    # --- rules
    threshold = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * interval)
    dead = has_orders & (recency > threshold)
    interval_rule = dead & (rules.dead_interval_multiple * interval > rules.dead_days)
    lifetime_median = float(np.median(revenue_total[has_orders])) if has_orders.any() else np.nan
    many_orders = orders >= rules.reanimatable_min_orders
    rich = revenue_total > lifetime_median
    reanimatable = dead & ~refused & (many_orders | rich)
    proven = (
        has_orders & (orders >= rules.proven_orders) & (tenure_months >= rules.proven_tenure_months)
    )
    regular = has_orders & (orders >= rules.regular_orders)

    key_derived = np.zeros(n, dtype=bool)
    if cl is not None and KEY_ACCOUNT in cl.columns:
        key = key_flag
    elif rules.derive_key:
        if abc is not None:
            if not isinstance(abc, pd.DataFrame) or not {CLIENT_ID, ABC} <= set(abc.columns):
                raise InputError(
                    f"`abc` must be a DataFrame with `{CLIENT_ID}` and `{ABC}` "
                    f"columns (from reportkit.analysis.segmentation), got "
                    f"{type(abc).__name__}."
                )
            a_class = (
                pd.Series(abc[ABC].astype(str).to_numpy(), index=abc[CLIENT_ID].astype(str))
                .groupby(level=0)
                .first()
                .reindex(ids)
                .eq("A")
                .to_numpy(bool)
            )
        else:
            a_class = _top_share(ids, revenue_window, rules.key_revenue_share)
        not_declining = np.ones(n, dtype=bool)
        if REVENUE_PREV_WINDOW in snapshot.columns:
            prev = np.nan_to_num(col(REVENUE_PREV_WINDOW, 0.0), nan=0.0)
            not_declining = revenue_window >= prev
        profitable = (np.nan_to_num(margin_window, nan=0.0) > 0) if has_margin else True
        key_derived = proven & a_class & not_declining & profitable
        key = key_derived
        notes.append(
            (
                "key_derived",
                {
                    "top_share": rules.key_revenue_share if abc is None else None,
                    "margin": has_margin,
                },
            )
        )
    else:
        key = np.zeros(n, dtype=bool)
        notes.append(("key_off", {}))

    conditions = [
        ~has_orders & is_active_status,
        ~has_orders,
        dead & reanimatable,
        dead,
        key,
        vip,
        proven,
        regular,
    ]
    choices = [ACTIVE, POTENTIAL, DEAD_REANIMATABLE, DEAD_LOST, KEY, VIP_BLOCK, PROVEN, REGULAR]
    block = np.select(conditions, choices, default=WORKING)

    # --- reasons
    reason = _reasons(
        block,
        refused=refused,
        flag_only=refused & ~is_refused_status,
        many_orders=many_orders,
        key_derived=key_derived,
        by_abc=abc is not None,
    )

    block_cat = pd.Categorical(block, categories=BLOCKS)
    zone = np.array([ZONE_OF[b] for b in BLOCKS], dtype=object)[block_cat.codes]
    frame = pd.DataFrame(
        {
            CLIENT_ID: ids.to_numpy(),
            BLOCK: block_cat,
            ZONE: pd.Categorical(zone, categories=ZONES),
            REASON: pd.array(reason, dtype="str"),
            REVENUE_WINDOW: revenue_window,
            ORDERS_TOTAL: orders,
            RECENCY_DAYS: recency,
            TENURE_DAYS: tenure_days,
            TENURE_MONTHS: tenure_months.astype("float64"),
            INTERVAL_DAYS: interval,
            SILENCE_LIMIT_DAYS: np.where(has_orders, np.floor(threshold), np.nan),
            LIMIT_BY_INTERVAL: interval_rule,
            STATUS: pd.array(
                status_raw.astype("string").str.strip().fillna("").to_numpy(dtype=object),
                dtype="str",
            ),
        }
    )
    frame[REVENUE_WINDOW] = frame[REVENUE_WINDOW].astype("float64")

    summary = _summary(frame[[CLIENT_ID, BLOCK, ZONE, REVENUE_WINDOW]])

    # --- VIP review
    base = has_orders & ~dead
    base_median = float(np.median(revenue_window[base])) if base.any() else np.nan
    review = _vip_review(
        ids,
        block,
        vip,
        has_orders,
        dead,
        recency,
        revenue_window,
        margin_window if has_margin else None,
        base_median,
    )
    if len(review):
        notes.append(("vip_not_paying", {"n": len(review)}))
    n_flag_leads = int(((vip | key_flag) & ~has_orders).sum())
    if n_flag_leads:
        notes.append(("flagged_leads", {"n": n_flag_leads}))
    return Lifecycle(
        frame=frame, summary=summary, vip_review=review, notes=notes, as_of=as_of, rules=rules
    )


def _top_share(ids: pd.Index, revenue: np.ndarray, share: float) -> np.ndarray:
    """Clients that make the first ``share`` of positive revenue (the crossing client included).

    Ties are broken by client id so the result does not depend on row order.
    """
    out = np.zeros(len(ids), dtype=bool)
    pos = revenue > 0
    total = revenue[pos].sum()
    if total <= 0:
        return out
    idx = np.flatnonzero(pos)
    order = np.lexsort((ids.to_numpy()[idx].astype(str), -revenue[idx]))
    sorted_idx = idx[order]
    before = np.concatenate([[0.0], np.cumsum(revenue[sorted_idx])[:-1]]) / total
    out[sorted_idx[before < share - 1e-12]] = True
    return out


def _summary(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(BLOCK, observed=False)[REVENUE_WINDOW]
    counts = grouped.size().reindex(BLOCKS, fill_value=0)
    revenue = grouped.sum().reindex(BLOCKS, fill_value=0.0)
    total_n = int(counts.sum())
    total_rev = float(revenue.sum())
    return pd.DataFrame(
        {
            BLOCK: list(BLOCKS),
            ZONE: [ZONE_OF[b] for b in BLOCKS],
            N_CLIENTS: counts.to_numpy(dtype="int64"),
            CLIENT_SHARE: counts.to_numpy(dtype="float64") / total_n if total_n else np.nan,
            REVENUE: revenue.to_numpy(dtype="float64"),
            REVENUE_SHARE: (revenue.to_numpy(dtype="float64") / total_rev) if total_rev else np.nan,
        }
    )


def _reasons(
    block: np.ndarray,
    *,
    refused: np.ndarray,
    flag_only: np.ndarray,
    many_orders: np.ndarray,
    key_derived: np.ndarray,
    by_abc: bool,
) -> np.ndarray:
    """The reason code of every client (:data:`REASONS`). ``flag_only``: refused by the flag
    while the status does not say so (a lead's status is shown beside its reason)."""
    key_rule = np.where(key_derived, "key_class_a" if by_abc else "key_top_share", "key_flag")
    dead = np.where(
        block == DEAD_REANIMATABLE,
        np.where(many_orders, "winback_orders", "winback_revenue"),
        np.where(refused, "lost_refused", "lost_low_value"),
    )
    conditions = [
        block == ACTIVE,
        (block == POTENTIAL) & flag_only,
        block == POTENTIAL,
        block == VIP_BLOCK,
        block == KEY,
        (block == DEAD_REANIMATABLE) | (block == DEAD_LOST),
    ]
    n = len(block)
    choices = [
        np.full(n, "agreed_no_orders"),
        np.full(n, "known_no_orders_refused"),
        np.full(n, "known_no_orders"),
        np.full(n, "vip_flag"),
        key_rule,
        dead,
    ]
    return np.asarray(np.select(conditions, choices, default="activity"), dtype=object)


def _vip_review(
    ids: pd.Index,
    block: np.ndarray,
    vip: np.ndarray,
    has_orders: np.ndarray,
    dead: np.ndarray,
    recency: np.ndarray,
    revenue_window: np.ndarray,
    margin_window: np.ndarray | None,
    base_median: float,
) -> pd.DataFrame:
    cols = (
        [CLIENT_ID, BLOCK, REVENUE_WINDOW]
        + ([MARGIN_WINDOW] if margin_window is not None else [])
        + [RECENCY_DAYS, MEDIAN_REVENUE, REASON]
    )
    rows = []
    for i in np.flatnonzero(vip):
        rev = revenue_window[i]
        marg = margin_window[i] if margin_window is not None else np.nan
        if not has_orders[i]:
            why = "vip_no_orders"
        elif dead[i]:
            why = "vip_dead"
        elif rev <= 0:
            why = "vip_no_revenue"
        elif margin_window is not None and marg < 0:
            why = "vip_negative_margin"
        elif rev < base_median:
            why = "vip_below_median"
        else:
            continue
        row = {
            CLIENT_ID: ids[i],
            BLOCK: block[i],
            REVENUE_WINDOW: rev,
            RECENCY_DAYS: recency[i],
            MEDIAN_REVENUE: base_median,
            REASON: why,
        }
        if margin_window is not None:
            row[MARGIN_WINDOW] = marg
        rows.append(row)
    review = pd.DataFrame(rows, columns=cols)
    if len(review):
        review = review.sort_values([REVENUE_WINDOW, CLIENT_ID], kind="stable", ignore_index=True)
    review[BLOCK] = pd.Categorical(review[BLOCK], categories=BLOCKS)
    for column in (REVENUE_WINDOW, RECENCY_DAYS, MEDIAN_REVENUE):
        review[column] = review[column].astype("float64")
    return review


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
    >>> rl = reactivation_list(snap, classify(snap))
    >>> rl[["client_id", "usual_interval_days"]].values.tolist()
    [['a', 51.5]]
    >>> rl.loc[0, ["reason", "cycle_source"]].tolist()
    ['overdue', 'own']
    """
    check_rules(rules)
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
    cl = _prepare_clients(clients)

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
    lc = lifecycle.frame[[CLIENT_ID, BLOCK, REASON]].astype({CLIENT_ID: str})
    snap = snap.merge(lc, on=CLIENT_ID, how="left", validate="one_to_one")
    if snap[BLOCK].isna().any():
        missing = snap.loc[snap[BLOCK].isna(), CLIENT_ID]
        raise InputError(
            f"{len(missing)} snapshot client(s) are not in the lifecycle (e.g. "
            f"{', '.join(map(repr, missing[:3]))}); classify the same snapshot."
        )

    repeat = (snap[ORDERS_TOTAL] >= 2) & (snap[INTERVAL_DAYS] > 0)
    base_cycle = float(snap.loc[repeat, INTERVAL_DAYS].median()) if repeat.any() else np.nan
    if rules.deal_cycle_days is not None:
        cycle = np.full(len(snap), float(rules.deal_cycle_days))
        source = np.full(len(snap), "deal")
    else:
        own = snap[INTERVAL_DAYS].to_numpy()
        use_own = np.isfinite(own) & (own > 0)
        cycle = np.where(use_own, own, base_cycle)
        source = np.where(use_own, "own", "base")
    living = snap[BLOCK].isin(LIVING_BLOCKS).to_numpy()
    overdue = living & np.isfinite(cycle) & (snap[RECENCY_DAYS].to_numpy() > cycle)
    reanim = (snap[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    keep = overdue | reanim

    out = snap.loc[keep].copy()
    out[USUAL_INTERVAL_DAYS] = np.where(np.isfinite(cycle[keep]), cycle[keep], np.nan)
    out[CYCLE_SOURCE] = source[keep]
    is_dead = (out[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    out[REASON] = np.where(is_dead, out[REASON].to_numpy(dtype=object), OVERDUE)

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
    columns = [
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
    return out[columns].reset_index(drop=True)


__all__ = [
    "BLOCKS",
    "CYCLE_SOURCES",
    "LIVING_BLOCKS",
    "OVERDUE",
    "REASONS",
    "VIP_REASONS",
    "ZONES",
    "ZONE_OF",
    "Lifecycle",
    "check_rules",
    "classify",
    "full_months",
    "reactivation_list",
]
