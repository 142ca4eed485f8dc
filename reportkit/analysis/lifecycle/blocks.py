"""The classification: every known client in exactly one block, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import InputError
from ...io.config import LifecycleRules
from ...io.schema import (
    ABC,
    BLOCK,
    CLIENT_ID,
    CLIENT_SHARE,
    CREATED,
    FIRST_ORDER,
    INTERVAL_DAYS,
    KEY_ACCOUNT,
    MARGIN_WINDOW,
    N_CLIENTS,
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
    VIP,
    ZONE,
)
from .base import (
    _DEFAULT_RULES,
    _SNAPSHOT_REQUIRED,
    ACTIVE,
    BLOCKS,
    DEAD_LOST,
    DEAD_REANIMATABLE,
    KEY,
    LIMIT_BY_INTERVAL,
    MEDIAN_REVENUE,
    POTENTIAL,
    PROVEN,
    REGULAR,
    SILENCE_LIMIT_DAYS,
    TENURE_DAYS,
    TENURE_MONTHS,
    VIP_BLOCK,
    WORKING,
    ZONE_OF,
    ZONES,
    Lifecycle,
    _check_snapshot,
    _flags,
    _prepare_clients,
    check_rules,
    full_months,
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
        ``clients`` (``client_id``, ``block``, ``zone``, ``reason``, ``revenue_window`` and the
        facts behind the reason),
        ``summary`` (``block``, ``zone``, ``n_clients``, ``client_share``, ``revenue``,
        ``revenue_share``), ``vip_review``, ``notes``.

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b", "c"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-04-17", "2024-05-21", None]),
    ...     "recency_days": [40, 40, None], "orders_total": [3, 1, 0],
    ...     "interval_days": [168.0, None, None], "revenue_total": [900.0, 100.0, 0.0],
    ...     "revenue_window": [600.0, 100.0, 0.0]})
    >>> lc = classify(snap)
    >>> lc.clients["block"].tolist()
    ['regular', 'working', 'potential']
    >>> lc.clients["reason"].tolist()
    ['activity', 'activity', 'known_no_orders']
    >>> lc.clients.loc[0, ["orders_total", "tenure_months", "recency_days"]].tolist()
    [3.0, 14.0, 40.0]
    """
    check_rules(rules)
    snapshot, as_of = _check_snapshot(snapshot, _SNAPSHOT_REQUIRED, "lifecycle.classify")
    cl = _prepare_clients(clients)
    notes: list[tuple[str, dict]] = []
    ids, n_snap = _known_ids(snapshot, cl, as_of, notes)
    f = _facts(snapshot, ids, n_snap, as_of)
    c = _card_facts(cl, ids, rules, notes)
    block, reason, dead = _blocks(f, c, cl, rules, abc, notes)
    frame = _client_frame(f, block, reason, dead, rules, c.status_raw)
    review = _vip_list(f, block, c, dead, notes)
    return Lifecycle(
        clients=frame,
        summary=_summary(frame[[CLIENT_ID, BLOCK, ZONE, REVENUE_WINDOW]]),
        vip_review=review,
        notes=notes,
        as_of=as_of,
        rules=rules,
    )


@dataclass
class _Facts:
    """The snapshot's figures for every known client (the snapshot's, then the leads only the
    clients table knows: no orders, no revenue)."""

    ids: pd.Index
    orders: np.ndarray
    recency: np.ndarray
    interval: np.ndarray
    revenue_total: np.ndarray
    revenue_window: np.ndarray
    revenue_prev: np.ndarray | None  # None when the snapshot has no revenue_prev_window
    margin_window: np.ndarray
    has_margin: bool
    tenure_days: np.ndarray
    tenure_months: np.ndarray
    has_orders: np.ndarray


@dataclass
class _CardFacts:
    """What the clients table says of every known client."""

    status_raw: pd.Series
    is_active_status: np.ndarray
    is_refused_status: np.ndarray
    vip: np.ndarray
    key_flag: np.ndarray
    refused: np.ndarray


def _known_ids(
    snapshot: pd.DataFrame, cl: pd.DataFrame | None, as_of: pd.Timestamp, notes: list
) -> tuple[pd.Index, int]:
    """The snapshot's client ids, then the leads of the clients table not created after
    ``as_of``; and the number of snapshot ids."""
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
    return snap_ids.append(extra), len(snap_ids)


def _facts(snapshot: pd.DataFrame, ids: pd.Index, n_snap: int, as_of: pd.Timestamp) -> _Facts:
    n = len(ids)

    def col(name: str, fill: float = np.nan) -> np.ndarray:
        out = np.full(n, fill, dtype="float64")
        if name in snapshot.columns:
            out[:n_snap] = pd.to_numeric(snapshot[name], errors="coerce").to_numpy(
                "float64", na_value=np.nan
            )
        return out

    orders = np.nan_to_num(col(ORDERS_TOTAL, 0.0), nan=0.0)
    recency = col(RECENCY_DAYS)
    first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    first.iloc[:n_snap] = pd.to_datetime(snapshot[FIRST_ORDER]).to_numpy("datetime64[ns]")
    has_orders = orders > 0
    if (has_orders & np.isnan(recency)).any():
        bad = ids[has_orders & np.isnan(recency)]
        raise InputError(
            f"the snapshot has clients with orders but no `{RECENCY_DAYS}` "
            f"(e.g. {', '.join(map(repr, bad[:3]))}); rebuild it with "
            f"reportkit.core.snapshot."
        )
    has_prev = REVENUE_PREV_WINDOW in snapshot.columns
    return _Facts(
        ids=ids,
        orders=orders,
        recency=recency,
        interval=col(INTERVAL_DAYS),
        revenue_total=np.nan_to_num(col(REVENUE_TOTAL, 0.0), nan=0.0),
        revenue_window=np.nan_to_num(col(REVENUE_WINDOW, 0.0), nan=0.0),
        revenue_prev=np.nan_to_num(col(REVENUE_PREV_WINDOW, 0.0), nan=0.0) if has_prev else None,
        margin_window=col(MARGIN_WINDOW),
        has_margin=MARGIN_WINDOW in snapshot.columns,
        tenure_days=(as_of - first).dt.days.to_numpy("float64", na_value=np.nan),
        tenure_months=full_months(first, as_of),
        has_orders=has_orders,
    )


def _card_facts(
    cl: pd.DataFrame | None, ids: pd.Index, rules: LifecycleRules, notes: list
) -> _CardFacts:
    status_raw = pd.Series(pd.NA, index=ids, dtype="object")
    has_status = cl is not None and STATUS in cl.columns
    if cl is not None and has_status:
        status_raw = cl[STATUS].reindex(ids)
    status = status_raw.astype("string").str.strip().str.lower()
    is_refused_status = status.isin([s.lower() for s in rules.refused_statuses]).to_numpy(bool)
    if not has_status:
        notes.append(("no_status_column", {}))
    if cl is None or VIP not in cl.columns:
        notes.append(("no_vip_column", {}))
    return _CardFacts(
        status_raw=status_raw,
        is_active_status=status.isin([s.lower() for s in rules.active_statuses]).to_numpy(bool),
        is_refused_status=is_refused_status,
        vip=_flags(cl, VIP, ids),
        key_flag=_flags(cl, KEY_ACCOUNT, ids),
        refused=_flags(cl, REFUSED, ids) | is_refused_status,
    )


def _blocks(
    f: _Facts,
    c: _CardFacts,
    cl: pd.DataFrame | None,
    rules: LifecycleRules,
    abc: pd.DataFrame | None,
    notes: list,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The block and the reason code of every client, and which clients are dead (the rules
    and their precedence are in the module docstring)."""
    threshold = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * f.interval)
    dead = f.has_orders & (f.recency > threshold)
    lifetime_median = (
        float(np.median(f.revenue_total[f.has_orders])) if f.has_orders.any() else np.nan
    )
    many_orders = f.orders >= rules.reanimatable_min_orders
    reanimatable = dead & ~c.refused & (many_orders | (f.revenue_total > lifetime_median))
    proven = (
        f.has_orders
        & (f.orders >= rules.proven_orders)
        & (f.tenure_months >= rules.proven_tenure_months)
    )
    key, key_derived = _key_rule(f, cl, rules, abc, proven, c.key_flag, notes)
    conditions = [
        ~f.has_orders & c.is_active_status,
        ~f.has_orders,
        dead & reanimatable,
        dead,
        key,
        c.vip,
        proven,
        f.has_orders & (f.orders >= rules.regular_orders),
    ]
    # the blocks as small integer codes, then as shared strings: np.select over strings made
    # a fixed-width text array per condition (at 10M clients several GB for a moment)
    choices = [ACTIVE, POTENTIAL, DEAD_REANIMATABLE, DEAD_LOST, KEY, VIP_BLOCK, PROVEN, REGULAR]
    code = np.select(conditions, list(range(len(choices))), default=len(choices)).astype(np.int8)
    block = np.array([*choices, WORKING], dtype=object)[code]
    reason = _reasons(
        code,
        refused=c.refused,
        flag_only=c.refused & ~c.is_refused_status,
        many_orders=many_orders,
        key_derived=key_derived,
        by_abc=abc is not None,
    )
    return block, reason, dead


def _vip_list(
    f: _Facts, block: np.ndarray, c: _CardFacts, dead: np.ndarray, notes: list
) -> pd.DataFrame:
    """The VIP review against the median revenue of the living base, with its note and the
    note on flagged leads."""
    base = f.has_orders & ~dead
    base_median = float(np.median(f.revenue_window[base])) if base.any() else np.nan
    review = _vip_review(
        f.ids,
        block,
        c.vip,
        f.has_orders,
        dead,
        f.recency,
        f.revenue_window,
        f.margin_window if f.has_margin else None,
        base_median,
    )
    if len(review):
        notes.append(("vip_not_paying", {"n": len(review)}))
    n_flag_leads = int(((c.vip | c.key_flag) & ~f.has_orders).sum())
    if n_flag_leads:
        notes.append(("flagged_leads", {"n": n_flag_leads}))
    return review


def _key_rule(
    f: _Facts,
    cl: pd.DataFrame | None,
    rules: LifecycleRules,
    abc: pd.DataFrame | None,
    proven: np.ndarray,
    key_flag: np.ndarray,
    notes: list,
) -> tuple[np.ndarray, np.ndarray]:
    """Key clients, and which of them the derived rule made key (the rest carry the flag)."""
    n = len(f.ids)
    key_derived = np.zeros(n, dtype=bool)
    if cl is not None and KEY_ACCOUNT in cl.columns:
        return key_flag, key_derived
    if not rules.derive_key:
        notes.append(("key_off", {}))
        return np.zeros(n, dtype=bool), key_derived
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
            .reindex(f.ids)
            .eq("A")
            .to_numpy(bool)
        )
    else:
        a_class = _top_share(f.ids, f.revenue_window, rules.key_revenue_share)
    not_declining = np.ones(n, dtype=bool)
    if f.revenue_prev is not None:
        not_declining = f.revenue_window >= f.revenue_prev
    profitable = (np.nan_to_num(f.margin_window, nan=0.0) > 0) if f.has_margin else True
    key_derived = proven & a_class & not_declining & profitable
    notes.append(
        (
            "key_derived",
            {
                "top_share": rules.key_revenue_share if abc is None else None,
                "margin": f.has_margin,
            },
        )
    )
    return key_derived, key_derived


def _client_frame(
    f: _Facts,
    block: np.ndarray,
    reason: np.ndarray,
    dead: np.ndarray,
    rules: LifecycleRules,
    status_raw: pd.Series,
) -> pd.DataFrame:
    """The per-client table of the :class:`Lifecycle` (see its ``clients``)."""
    threshold = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * f.interval)
    interval_rule = dead & (rules.dead_interval_multiple * f.interval > rules.dead_days)
    block_cat = pd.Categorical(block, categories=BLOCKS)
    zone = np.array([ZONE_OF[b] for b in BLOCKS], dtype=object)[block_cat.codes]
    frame = pd.DataFrame(
        {
            CLIENT_ID: f.ids.to_numpy(),
            BLOCK: block_cat,
            ZONE: pd.Categorical(zone, categories=ZONES),
            REASON: pd.array(reason, dtype="str"),
            REVENUE_WINDOW: f.revenue_window,
            ORDERS_TOTAL: f.orders,
            RECENCY_DAYS: f.recency,
            TENURE_DAYS: f.tenure_days,
            TENURE_MONTHS: f.tenure_months.astype("float64"),
            INTERVAL_DAYS: f.interval,
            SILENCE_LIMIT_DAYS: np.where(f.has_orders, np.floor(threshold), np.nan),
            LIMIT_BY_INTERVAL: interval_rule,
            STATUS: pd.array(
                status_raw.astype("string").str.strip().fillna("").to_numpy(dtype=object),
                dtype="str",
            ),
        }
    )
    frame[REVENUE_WINDOW] = frame[REVENUE_WINDOW].astype("float64")
    return frame


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
    code: np.ndarray,
    *,
    refused: np.ndarray,
    flag_only: np.ndarray,
    many_orders: np.ndarray,
    key_derived: np.ndarray,
    by_abc: bool,
) -> np.ndarray:
    """The reason code of every client (:data:`REASONS`), from the block codes of
    :func:`_blocks` (0 active, 1 potential, 2 reanimatable, 3 lost, 4 key, 5 VIP, 6 proven,
    7 regular, 8 working). ``flag_only``: refused by the flag while the status does not say so
    (a lead's status is shown beside its reason). Worked on integer codes: one byte a client."""
    names = np.array(
        [
            "activity",
            "lost_refused",
            "lost_low_value",
            "winback_orders",
            "winback_revenue",
            "key_flag",
            "key_class_a" if by_abc else "key_top_share",
            "vip_flag",
            "known_no_orders",
            "known_no_orders_refused",
            "agreed_no_orders",
        ],
        dtype=object,
    )
    out = np.zeros(len(code), dtype=np.int8)  # activity
    lost = code == 3
    out[lost] = np.where(refused[lost], 1, 2)
    back = code == 2
    out[back] = np.where(many_orders[back], 3, 4)
    key = code == 4
    out[key] = np.where(key_derived[key], 6, 5)
    out[code == 5] = 7
    potential = code == 1
    out[potential] = np.where(flag_only[potential], 9, 8)
    out[code == 0] = 10
    return names[out]


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
