"""Base dynamics per period: flows of clients, the revenue bridge, churn, cohorts and migration.

Everything is computed from the client-month panel (:func:`reportkit.build_panel`), never from
the transactions, and only from months up to ``as_of`` (a month end).

Definitions (the rules are those of :class:`~reportkit.io.config.LifecycleRules`):

* A client **dies** on the first day its silence exceeds max(``dead_days``,
  ``dead_interval_multiple`` × its usual interval), the usual interval being
  (last order − first order) / (orders − 1) as of its last order — exactly the ``dead`` rule of
  :func:`reportkit.analysis.lifecycle.classify` on a snapshot taken that day.
* The **base** at a period end is every client with at least one order so far who is not dead on
  that day (the living blocks working, regular, proven, vip, key of the lifecycle).
* Per period: **new** = first order ever in the period; **lost** = died in the period;
  **reactivated** = ordered in the period after having died; **retained** = in the base at the
  start and not lost during the period. The identity
  ``base_start + new + reactivated − lost = base_end`` is checked for every period (the events
  are counted, so a client dying and coming back in one period is lost and reactivated once
  each). A client who leaves and comes back is lost, then reactivated — never new twice.
* Order dates come from the panel's first and last order day of each month, so the timing of
  orders inside one month is not seen; with ``dead_days`` of a month or more this changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.dates import parse_as_of
from ..core.panel import month_starts
from ..core.snapshot import snapshot
from ..errors import InputError, ReportkitError, check_param
from ..io.config import LifecycleRules
from ..io.schema import (
    ACTIVE_CLIENTS,
    AGE,
    BASE_END,
    BASE_START,
    BLOCK,
    BLOCK_FROM,
    BLOCK_TO,
    CHURN_RATE,
    CHURN_RATE_ANNUAL,
    CLIENT_ID,
    COHORT,
    COHORT_SIZE,
    FIRST_ORDER_DAY,
    LAST_ORDER_DAY,
    LOST,
    MONTH,
    N_CLIENTS,
    NEW,
    ORDERS,
    PERIOD,
    PERIOD_END,
    PERIOD_START,
    REACTIVATED,
    RETAINED,
    RETAINED_DECLINE,
    RETAINED_GROWTH,
    RETENTION,
    REVENUE,
    REVENUE_FROM,
    REVENUE_LOST_12M,
    REVENUE_NEW,
    REVENUE_PER_CLIENT,
    REVENUE_PREV,
    REVENUE_REACTIVATED,
    REVENUE_RETAINED,
    REVENUE_RETAINED_PREV,
    REVENUE_TO,
    REVENUE_WINDOW,
)
from .lifecycle import BLOCKS, Lifecycle, check_rules, classify

_PANEL_REQUIRED = (CLIENT_ID, MONTH, REVENUE, ORDERS, FIRST_ORDER_DAY, LAST_ORDER_DAY)
_FREQS = {"M": "M", "month": "M", "Q": "Q", "quarter": "Q"}
_EPOCH_YEAR = 1970
_NEVER = np.iinfo(np.int64).max // 4  # a day far beyond any data ("no next order")
NONE = "none"  # migration: not a client at that date
_NAT = np.iinfo(np.int64).min  # NaT as a day number


#: the default lifecycle rules (frozen: one shared instance)
_DEFAULT_RULES = LifecycleRules()


# --- periods --------------------------------------------------------------------------------------


def _freq(freq: str) -> str:
    check_param(freq in _FREQS, "freq", "'M' (months) or 'Q' (quarters)", freq)
    return _FREQS[freq]


def _months70(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers (days since 1970-01-01)."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _period_of_days(days: np.ndarray, freq: str) -> np.ndarray:
    m = _months70(days)
    return m if freq == "M" else np.floor_divide(m, 3)


def _period_start_end(periods: np.ndarray, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """First and last day (datetime64[D]) of each period number."""
    step = 1 if freq == "M" else 3
    first_month = (periods * step).astype("datetime64[M]")
    start = first_month.astype("datetime64[D]")
    end = (first_month + np.timedelta64(step, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return start, end


def _period_labels(periods: np.ndarray, freq: str) -> list[str]:
    if freq == "M":
        return [str(m) for m in periods.astype("datetime64[M]")]
    return [f"{_EPOCH_YEAR + p // 4}Q{p % 4 + 1}" for p in periods.tolist()]


def _period_number(value, freq: str, name: str) -> int:
    """The period number of a date or a label such as '2024-06' / '2024Q2'."""
    try:
        p = pd.Period(value, freq="M" if freq == "M" else "Q")
    except (TypeError, ValueError):
        p = None
    check_param(
        p is not None and not pd.isna(p),
        name,
        "a period such as '2024-06' / '2024Q2' or a date",
        value,
    )
    if freq == "M":
        return int((p.year - _EPOCH_YEAR) * 12 + p.month - 1)
    return int((p.year - _EPOCH_YEAR) * 4 + p.quarter - 1)


# --- the panel history (computed once) ------------------------------------------------------------


def _panel_frame(panel) -> pd.DataFrame:
    frame = getattr(panel, "frame", panel)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`panel` must be a Panel from reportkit.build_panel (or its .frame), "
            f"got {type(panel).__name__}."
        )
    missing = [c for c in _PANEL_REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"the panel has no column(s) {', '.join(missing)}; build it with "
            f"reportkit.build_panel(dataset)."
        )
    return frame


def _days(values) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of datetime values (NaT -> a very negative number)."""
    return np.asarray(values).astype("datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _months_fast(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers, by a binary search in a month table (numpy's
    calendar conversion is several times slower on millions of values)."""
    if len(days) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = _months70(np.array([days.min(), days.max()]))
    starts = month_starts(int(lo), int(hi))
    return int(lo) + np.searchsorted(starts, days, side="right") - 1


@dataclass
class _History:
    """Per client-month rows (sorted) and the life events derived from them."""

    freq: str
    ids: np.ndarray  # client id per client code
    p0: int  # first period number of the grid
    n_periods: int  # periods p0 … p0 + n_periods − 1 (the last complete by as_of)
    # all rows
    code: np.ndarray
    rel: np.ndarray  # period − p0
    revenue: np.ndarray
    orders: np.ndarray
    # order rows (orders > 0): one per client and month with orders
    e_code: np.ndarray
    e_first: np.ndarray  # first order day in the month (day number)
    e_last: np.ndarray  # last order day in the month
    e_stop: np.ndarray  # the day the client stops being "alive" under this row
    e_dies: np.ndarray  # silence after this row exceeds the limit
    e_death: np.ndarray  # death day (last + floor(limit) + 1)
    e_birth: np.ndarray  # first order row of the client
    e_revival: np.ndarray  # comes after a death
    e_rev12: np.ndarray  # revenue in the 12 months up to this row's month
    bounds: np.ndarray  # first day of the periods p0 … p0 + n_periods (n + 1 values)

    def rel_of(self, days: np.ndarray) -> np.ndarray:
        """Period offset of each day: −1 before the grid, n_periods after it."""
        return np.searchsorted(self.bounds, days, side="right") - 1

    def end_of(self, rel: np.ndarray) -> np.ndarray:
        """Last day of the periods at offsets ``rel`` (−1 … n_periods − 1)."""
        first_of_next = self.bounds[np.asarray(rel) + 1]
        return first_of_next - 1


def _history(panel, *, as_of: pd.Timestamp, freq: str, rules: LifecycleRules) -> _History:
    frame = _panel_frame(panel)
    try:
        month_days = _days(frame[MONTH])
        if (month_days == _NAT).any():
            raise InputError(
                f"the panel has rows without a `{MONTH}`; build it with reportkit.build_panel."
            )
        months = _months_fast(month_days)
        first_all = _days(frame[FIRST_ORDER_DAY])
        last_all = _days(frame[LAST_ORDER_DAY])
    except (TypeError, ValueError):
        raise InputError(
            f"the panel columns {MONTH}, {FIRST_ORDER_DAY} and {LAST_ORDER_DAY} "
            f"must hold dates; build the panel with reportkit.build_panel."
        ) from None
    as_of_day = int(_days(np.array([as_of.to_datetime64()]))[0])
    last_month = int(_months70(np.array([as_of_day]))[0])
    keep = months <= last_month
    ids_all = frame[CLIENT_ID].astype(str).to_numpy()[keep]
    months = months[keep]
    revenue = pd.to_numeric(frame[REVENUE], errors="coerce").to_numpy("float64")[keep]
    orders = pd.to_numeric(frame[ORDERS], errors="coerce").to_numpy("float64")[keep]
    first_all, last_all = first_all[keep], last_all[keep]
    if np.isnan(revenue).any() or np.isnan(orders).any():
        raise InputError(
            "the panel has missing revenue or orders values; rebuild it with "
            "reportkit.build_panel(dataset)."
        )
    if len(ids_all) == 0:
        raise InputError(
            f"the panel has no rows up to {as_of.date()}; check `as_of` and the "
            f"data (reportkit.build_panel)."
        )
    codes, ids = pd.factorize(ids_all)
    sort_key = codes.astype(np.int64) * (int(months.max() - months.min()) + 1) + (
        months - months.min()
    )
    if len(sort_key) > 1 and not (sort_key[1:] >= sort_key[:-1]).all():
        order = np.argsort(sort_key, kind="stable")
        codes, months, revenue, orders = (
            codes[order],
            months[order],
            revenue[order],
            orders[order],
        )
        first_all, last_all = first_all[order], last_all[order]
    same = (codes[1:] == codes[:-1]) & (months[1:] == months[:-1])
    if same.any():
        i = np.flatnonzero(same)[:3]
        raise InputError(
            f"the panel has {int(same.sum())} repeated client-month rows (e.g. "
            f"client {ids[codes[i[0]]]!r}); it must hold one row per client and "
            f"month — build it with reportkit.build_panel."
        )

    is_event = orders > 0
    ev_idx = np.flatnonzero(is_event)
    e_first = first_all[ev_idx]
    e_last = last_all[ev_idx]
    if (e_first == _NAT).any() or (e_last == _NAT).any():
        raise InputError(
            "the panel has months with orders but no first/last order day; rebuild "
            "it with reportkit.build_panel(dataset)."
        )
    e_months = months[ev_idx]
    m_lo = int(months.min())
    month_start = month_starts(m_lo, int(months.max()) + 1)
    e_start = month_start[e_months - m_lo]
    e_next = month_start[e_months - m_lo + 1]
    bad = (e_first > e_last) | (e_first < e_start) | (e_last >= e_next)
    if bad.any():
        j = ev_idx[np.flatnonzero(bad)[0]]
        raise InputError(
            f"the panel has {int(bad.sum())} row(s) whose first/last order day is "
            f"not inside the row's month (e.g. client {ids[codes[j]]!r}); rebuild "
            f"it with reportkit.build_panel."
        )
    e_code = codes[ev_idx]
    e_orders = orders[ev_idx]
    n_ev = len(ev_idx)

    # cumulative orders, first order day and usual interval as of each order row
    e_birth = np.ones(n_ev, dtype=bool)
    e_birth[1:] = e_code[1:] != e_code[:-1]
    group = np.cumsum(e_birth) - 1
    starts = np.flatnonzero(e_birth)
    cum = np.cumsum(e_orders)
    cum = cum - (cum[starts] - e_orders[starts])[group]
    client_first = e_first[starts][group]
    with np.errstate(invalid="ignore", divide="ignore"):
        interval = np.where(cum > 1, (e_last - client_first) / np.maximum(cum - 1, 1), np.nan)
    limit = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * interval)
    e_death = e_last + np.floor(limit).astype(np.int64) + 1
    last_of_client = np.ones(n_ev, dtype=bool)
    last_of_client[:-1] = e_code[1:] != e_code[:-1]
    next_first = np.full(n_ev, _NEVER, dtype=np.int64)
    next_first[:-1] = e_first[1:]
    next_first[last_of_client] = _NEVER
    e_dies = next_first > e_death
    e_revival = np.zeros(n_ev, dtype=bool)
    e_revival[1:] = e_dies[:-1] & ~last_of_client[:-1]
    e_stop = np.minimum(next_first, e_death)

    # revenue of the 12 months up to each order row's month (all rows, returns included)
    span = int(months.max() - months.min() + 14) if len(months) else 14
    key = codes.astype(np.int64) * span + (months - (months.min() if len(months) else 0))
    crev = np.cumsum(revenue)
    row_start = np.zeros(len(codes), dtype=np.int64)
    if len(codes):
        first_rows = np.ones(len(codes), dtype=bool)
        first_rows[1:] = codes[1:] != codes[:-1]
        row_start = np.flatnonzero(first_rows)[np.cumsum(first_rows) - 1]
    lo = np.searchsorted(key, key[ev_idx] - 12, side="right") - 1
    lo = np.maximum(lo, row_start[ev_idx] - 1)
    e_rev12 = crev[ev_idx] - np.where(lo >= 0, crev[np.maximum(lo, 0)], 0.0)

    # the period grid: from the first month of data to the last complete period by as_of
    period_rows = months if freq == "M" else np.floor_divide(months, 3)
    p_last = int(_period_of_days(np.array([as_of_day]), freq)[0])
    _, last_end = _period_start_end(np.array([p_last]), freq)
    if last_end[0].astype(np.int64) > as_of_day:
        p_last -= 1  # the as_of quarter is not complete
    p0 = min(int(period_rows.min()), p_last)
    bounds, _ = _period_start_end(np.arange(p0, p_last + 2), freq)
    return _History(
        freq=freq,
        ids=np.asarray(ids, dtype=object),
        p0=p0,
        n_periods=p_last - p0 + 1,
        code=codes,
        rel=period_rows - p0,
        revenue=revenue,
        orders=orders,
        e_code=e_code,
        e_first=e_first,
        e_last=e_last,
        e_stop=e_stop,
        e_dies=e_dies,
        e_death=e_death,
        e_birth=e_birth,
        e_revival=e_revival,
        e_rev12=e_rev12,
        bounds=bounds.astype(np.int64),
    )


def _count(rel: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Per-period totals of events at period offsets ``rel`` (offsets outside 0…n−1 dropped)."""
    ok = (rel >= 0) & (rel < n)
    if weights is None:
        return np.bincount(rel[ok], minlength=n)[:n].astype(np.int64)
    return np.bincount(rel[ok], weights=weights[ok], minlength=n)[:n]


def _deaths_of_starting_base(h: _History, death_rel: np.ndarray) -> np.ndarray:
    """Periods (offsets) of the deaths of clients that were in the base at the start of the
    death's period, one per client and period (a client dying twice in a period counts once)."""
    dies = np.flatnonzero(h.e_dies)
    if len(dies) == 0:
        return np.array([], dtype=np.int64)
    inside = death_rel < h.n_periods
    dies, death_rel = dies[inside], death_rel[inside]
    if len(dies) == 0:
        return np.array([], dtype=np.int64)
    prev_end = h.end_of(death_rel - 1)
    lo = min(int(h.e_last.min()), int(prev_end.min())) - 1
    width = max(int(h.e_last.max()), int(prev_end.max())) - lo + 2
    key = h.e_code.astype(np.int64) * width + (h.e_last - lo)
    pos = (
        np.searchsorted(
            key, h.e_code[dies].astype(np.int64) * width + (prev_end - lo), side="right"
        )
        - 1
    )
    ok = pos >= 0
    pos = np.maximum(pos, 0)
    ok &= (h.e_code[pos] == h.e_code[dies]) & (h.e_stop[pos] > prev_end)
    pairs = np.unique(h.e_code[dies][ok].astype(np.int64) * (h.n_periods + 1) + death_rel[ok])
    return pairs % (h.n_periods + 1)


def _grid_flows(h: _History) -> pd.DataFrame:
    """Flows for every period of the grid (numbers only), with the identity checked."""
    n = h.n_periods
    births = _count(h.rel_of(h.e_first[h.e_birth]), n)
    dies = h.e_dies
    death_rel = h.rel_of(h.e_death[dies])
    lost = _count(death_rel, n)
    lost_from_start = _count(_deaths_of_starting_base(h, death_rel), n)
    revived = _count(h.rel_of(h.e_first[h.e_revival]), n)
    lost_rev12 = _count(death_rel, n, h.e_rev12[dies])

    # the base at each period end, counted directly: a row keeps its client alive from its last
    # order day until the next order or the death day
    diff = np.zeros(n + 1, dtype=np.int64)
    start_rel = np.clip(h.rel_of(h.e_last), 0, n)
    stop_rel = np.clip(h.rel_of(h.e_stop), 0, n)
    np.add.at(diff, start_rel, 1)
    np.add.at(diff, stop_rel, -1)
    alive = np.cumsum(diff)[:n]

    change = births + revived - lost
    base_end = np.cumsum(change)
    if not np.array_equal(base_end, alive):
        k = int(np.flatnonzero(base_end != alive)[0])
        raise ReportkitError(
            f"base dynamics do not balance in period {k}: start + new + reactivated − lost = "
            f"{base_end[k]} but {alive[k]} clients are in the base at its end. This is a bug in "
            f"reportkit.analysis.dynamics; please report it with the panel."
        )
    base_start = np.concatenate([[0], base_end[:-1]])
    return pd.DataFrame(
        {
            BASE_START: base_start,
            NEW: births,
            REACTIVATED: revived,
            LOST: lost,
            RETAINED: base_start - lost_from_start,
            BASE_END: base_end,
            REVENUE_LOST_12M: lost_rev12,
        }
    )


def _period_index(h: _History, start) -> tuple[int, np.ndarray]:
    """Offset of the first period to show and the period numbers shown."""
    first = 0 if start is None else _period_number(start, h.freq, "start") - h.p0
    first = max(first, 0)
    check_param(
        first < h.n_periods,
        "start",
        f"a period up to the last complete one "
        f"({_period_labels(np.array([h.p0 + h.n_periods - 1]), h.freq)[0]})",
        start,
    )
    return first, np.arange(h.p0 + first, h.p0 + h.n_periods)


def _period_columns(periods: np.ndarray, freq: str) -> dict:
    start, end = _period_start_end(periods, freq)
    return {
        PERIOD: _period_labels(periods, freq),
        PERIOD_START: pd.to_datetime(start).as_unit("ns"),
        PERIOD_END: pd.to_datetime(end).as_unit("ns"),
    }


# --- flows ----------------------------------------------------------------------------------------


def flows(
    panel, *, as_of, start=None, freq: str = "M", rules: LifecycleRules = _DEFAULT_RULES
) -> pd.DataFrame:
    """Clients gained and lost per period: new, retained, reactivated, lost, and the base.

    Parameters
    ----------
    panel : Panel or DataFrame
        From :func:`reportkit.build_panel` (its ``frame``: ``client_id``, ``month``,
        ``revenue``, ``orders``, ``first_order_day``, ``last_order_day``).
    as_of : date-like
        The report date, the last day of a month. Months after it are ignored; the last period is
        the last one complete by ``as_of``.
    start : str or date-like, optional
        First period to show ("2023-01", "2023Q1" or a date in it); default the first period of
        the panel. Earlier history still counts (the base at the start is computed from it).
    freq : {"M", "Q"}, default "M"
        Months or calendar quarters ("month" / "quarter" also accepted).
    rules : LifecycleRules, default LifecycleRules()
        ``dead_days`` (365) and ``dead_interval_multiple`` (3.0) define when a client is lost.

    Returns
    -------
    DataFrame
        One row per period: ``period`` ("2024-06" / "2024Q2"), ``period_start``, ``period_end``,
        ``base_start``, ``new``, ``retained``, ``reactivated``, ``lost``, ``base_end``,
        ``churn_rate`` (lost / base_start; NaN when the base was empty), ``churn_rate_annual``
        (lost over the trailing 12 months / the base 12 months earlier; NaN until a full year of
        history exists), ``revenue_lost_12m`` (revenue of the lost clients in the 12 months up
        to their last order). ``base_start + new + reactivated − lost == base_end`` holds in
        every row.

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "client_id": ["a", "a", "b"],
    ...     "month": pd.to_datetime(["2023-01-01", "2024-03-01", "2023-02-01"]),
    ...     "revenue": [100.0, 50.0, 70.0], "orders": [1, 1, 1],
    ...     "first_order_day": pd.to_datetime(["2023-01-10", "2024-03-05", "2023-02-20"]),
    ...     "last_order_day": pd.to_datetime(["2023-01-10", "2024-03-05", "2023-02-20"])})
    >>> f = flows(panel, as_of="2024-03-31", start="2024-01")
    >>> f[["period", "base_start", "new", "reactivated", "lost", "base_end"]].values.tolist()
    [['2024-01', 2, 0, 0, 1, 1], ['2024-02', 1, 0, 0, 1, 0], ['2024-03', 0, 0, 1, 0, 1]]
    """
    check_rules(rules)
    freq = _freq(freq)
    h = _history(panel, as_of=parse_as_of(as_of, month_end=True), freq=freq, rules=rules)
    return _flows(h, start)


def _flows(h: _History, start) -> pd.DataFrame:
    grid = _grid_flows(h)
    first, periods = _period_index(h, start)
    base_start = grid[BASE_START].to_numpy("float64")
    churn = np.where(base_start > 0, grid[LOST].to_numpy() / np.maximum(base_start, 1), np.nan)
    year = 12 if h.freq == "M" else 4
    lost_year = grid[LOST].rolling(year, min_periods=year).sum().to_numpy()
    base_year_ago = grid[BASE_START].shift(year - 1).to_numpy("float64")
    ok = np.isfinite(base_year_ago) & (base_year_ago > 0)
    annual = np.where(ok, lost_year / np.where(ok, base_year_ago, 1.0), np.nan)
    out = pd.DataFrame(_period_columns(periods, h.freq))
    for column in (BASE_START, NEW, RETAINED, REACTIVATED, LOST, BASE_END):
        out[column] = grid[column].to_numpy()[first:]
    out[CHURN_RATE] = churn[first:]
    out[CHURN_RATE_ANNUAL] = annual[first:]
    out[REVENUE_LOST_12M] = grid[REVENUE_LOST_12M].to_numpy()[first:]
    return out


# --- revenue bridge -------------------------------------------------------------------------------


def revenue_bridge(
    panel, *, as_of, start=None, freq: str = "M", rules: LifecycleRules = _DEFAULT_RULES
) -> pd.DataFrame:
    """Where each period's revenue came from: new, reactivated and retained clients.

    Every client with revenue in a period is in one group: **new** (first order ever in the
    period), **reactivated** (came back after being dead in the period), otherwise **retained**
    (bought before and did not come back from the dead in the period — including clients who
    stop buying, whose drop shows as decline). Retained revenue is split against the same
    clients' revenue in the previous period into growth and decline.

    Parameters
    ----------
    panel, as_of, start, freq, rules
        As in :func:`flows`.

    Returns
    -------
    DataFrame
        One row per period: ``period``, ``period_start``, ``period_end``, ``revenue`` (total
        of the period), ``revenue_prev`` (total of the previous period), ``revenue_new``,
        ``revenue_reactivated``, ``revenue_retained``, ``revenue_retained_prev`` (the previous
        period's revenue of this period's retained group), ``retained_growth``,
        ``retained_decline`` (both >= 0), ``revenue_lost_12m`` (as in :func:`flows`;
        informational, its drop already shows as decline in earlier periods).
        ``revenue == revenue_new + revenue_reactivated + revenue_retained`` and
        ``revenue_retained == revenue_retained_prev + retained_growth − retained_decline``.

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "client_id": ["a", "a", "b"],
    ...     "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01"]),
    ...     "revenue": [100.0, 80.0, 30.0], "orders": [1, 1, 1],
    ...     "first_order_day": pd.to_datetime(["2024-01-10", "2024-02-05", "2024-02-20"]),
    ...     "last_order_day": pd.to_datetime(["2024-01-10", "2024-02-05", "2024-02-20"])})
    >>> b = revenue_bridge(panel, as_of="2024-02-29", start="2024-02")
    >>> b[["revenue", "revenue_prev", "revenue_new", "retained_growth", "retained_decline"]
    ...   ].values.tolist()
    [[110.0, 100.0, 30.0, 0.0, 20.0]]
    """
    check_rules(rules)
    freq = _freq(freq)
    h = _history(panel, as_of=parse_as_of(as_of, month_end=True), freq=freq, rules=rules)
    return _bridge(h, start)


def _client_periods(h: _History) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Revenue and orders per (client, period) within the grid: code, rel, revenue, orders,
    sorted by (code, rel). The rows are sorted by (code, month), so this is one linear pass."""
    n = h.n_periods
    ok = h.rel < n
    key = h.code[ok].astype(np.int64) * (n + 1) + h.rel[ok]
    if len(key) == 0:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty.astype(np.int64), empty, empty
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    uniq = key[starts]
    revenue = np.add.reduceat(h.revenue[ok], starts)
    orders = np.add.reduceat(h.orders[ok], starts)
    return uniq // (n + 1), uniq % (n + 1), revenue, orders


def _birth_rel(h: _History) -> np.ndarray:
    """Period offset of each client's first order (−1 without any order)."""
    out = np.full(len(h.ids), -1, dtype=np.int64)
    out[h.e_code[h.e_birth]] = h.rel_of(h.e_first[h.e_birth])
    return out


def _bridge(h: _History, start) -> pd.DataFrame:
    n = h.n_periods
    code, rel, rev, _ = _client_periods(h)
    key = code * (n + 1) + rel  # sorted, unique
    # pair each (client, period) with the same client's previous period: rows with revenue in
    # the period (and their previous revenue when any), plus rows for the period after a
    # client's revenue when the client has none in it
    j = np.searchsorted(key, key - 1)
    j_ok = j < len(key)
    has_prev = np.zeros(len(key), dtype=bool)
    has_prev[j_ok] = key[j[j_ok]] == key[j_ok] - 1
    prev_of = np.where(has_prev, rev[np.minimum(j, len(key) - 1)], 0.0)
    nxt = np.searchsorted(key, key + 1)
    n_ok = nxt < len(key)
    has_next = np.zeros(len(key), dtype=bool)
    has_next[n_ok] = key[nxt[n_ok]] == key[n_ok] + 1
    gap = ~has_next & (rel + 1 < n)
    uniq = np.concatenate([key, key[gap] + 1])
    cur = np.concatenate([rev, np.zeros(int(gap.sum()))])
    prev = np.concatenate([prev_of, rev[gap]])
    p_code, p_rel = uniq // (n + 1), uniq % (n + 1)

    is_new = _birth_rel(h)[p_code] == p_rel
    rev_keys = h.e_code[h.e_revival].astype(np.int64) * (n + 1) + h.rel_of(h.e_first[h.e_revival])
    is_react = np.isin(uniq, rev_keys) & ~is_new
    is_ret = ~is_new & ~is_react
    delta = cur - prev

    def total(mask, values):
        return np.bincount(p_rel[mask], weights=values[mask], minlength=n)[:n]

    everyone = np.ones(len(cur), dtype=bool)
    grid = {
        REVENUE: total(everyone, cur),
        REVENUE_PREV: total(everyone, prev),
        REVENUE_NEW: total(is_new, cur),
        REVENUE_REACTIVATED: total(is_react, cur),
        REVENUE_RETAINED: total(is_ret, cur),
        REVENUE_RETAINED_PREV: total(is_ret, prev),
        RETAINED_GROWTH: total(is_ret & (delta > 0), delta),
        RETAINED_DECLINE: total(is_ret & (delta < 0), -delta),
    }
    dies = h.e_dies
    grid[REVENUE_LOST_12M] = _count(h.rel_of(h.e_death[dies]), n, h.e_rev12[dies])
    first, periods = _period_index(h, start)
    out = pd.DataFrame(_period_columns(periods, h.freq))
    for column, values in grid.items():
        out[column] = np.asarray(values, dtype="float64")[first:]
    return out


# --- base trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseTrend:
    """Whether the base grows, stagnates or erodes over the last periods.

    Attributes
    ----------
    label : {"growing", "stagnating", "eroding", "unknown"}
        ``unknown`` with fewer than 3 periods.
    periods : int
        Number of periods used.
    base_first, base_last : int
        Base at the end of the first and the last period used.
    mean_base : float
    slope : float
        Least-squares slope of the base size per period.
    relative_change : float
        slope × (periods − 1) / mean_base: the fitted change over the window, as a share.
    churn_rate_mean : float
        Mean churn rate per period over the window.
    churn_rate_slope : float
        Least-squares slope of the churn rate per period (> 0: churn is rising).
    churn_rate_annual : float
        The last ``churn_rate_annual`` (NaN without a year of history).
    tolerance : float
    freq : str
    """

    label: str
    periods: int
    base_first: int
    base_last: int
    mean_base: float
    slope: float
    relative_change: float
    churn_rate_mean: float
    churn_rate_slope: float
    churn_rate_annual: float
    tolerance: float
    freq: str = "M"

    def to_frame(self) -> pd.DataFrame:
        """The figures as a one-row frame."""
        return pd.DataFrame([self.__dict__])


def _slope(y: np.ndarray) -> float:
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return float("nan")
    x = np.arange(len(y), dtype="float64")[ok]
    return float(np.polyfit(x, y[ok], 1)[0])


def base_trend(flows: pd.DataFrame, *, periods: int = 12, tolerance: float = 0.05) -> BaseTrend:
    """Classify the base over the last ``periods`` rows of :func:`flows`.

    Rule: fit a straight line to ``base_end`` over the last ``periods`` periods; the fitted change
    over the window relative to the mean base, slope × (n − 1) / mean, above ``+tolerance`` is
    **growing**, below ``−tolerance`` **eroding**, otherwise **stagnating**; fewer than 3 periods
    give **unknown**.

    Parameters
    ----------
    flows : DataFrame
        From :func:`flows`.
    periods : int, default 12
    tolerance : float, default 0.05

    Returns
    -------
    BaseTrend

    Examples
    --------
    >>> f = pd.DataFrame({"base_end": [100, 104, 108, 112], "churn_rate": [0.02] * 4,
    ...                   "churn_rate_annual": [float("nan")] * 4})
    >>> t = base_trend(f)
    >>> t.label, round(t.relative_change, 3)
    ('growing', 0.113)
    """
    check_param(
        isinstance(periods, (int, np.integer)) and periods >= 2,
        "periods",
        "an integer >= 2",
        periods,
    )
    check_param(
        isinstance(tolerance, (int, float)) and tolerance >= 0,
        "tolerance",
        "a number >= 0",
        tolerance,
    )
    if not isinstance(flows, pd.DataFrame) or not {BASE_END, CHURN_RATE} <= set(flows.columns):
        raise InputError(
            "`flows` must be the DataFrame returned by reportkit.analysis.dynamics.flows()."
        )
    tail = flows.tail(periods)
    base = tail[BASE_END].to_numpy("float64")
    churn = tail[CHURN_RATE].to_numpy("float64")
    n = len(base)
    mean = float(base.mean()) if n else float("nan")
    slope = _slope(base) if n >= 2 else float("nan")
    rel = slope * (n - 1) / mean if n >= 2 and mean > 0 else float("nan")
    if n < 3 or not np.isfinite(rel):
        label = "unknown"
    elif rel > tolerance:
        label = "growing"
    elif rel < -tolerance:
        label = "eroding"
    else:
        label = "stagnating"
    annual = (
        float(tail[CHURN_RATE_ANNUAL].iloc[-1])
        if CHURN_RATE_ANNUAL in tail.columns and n
        else float("nan")
    )
    freq = "M"
    if PERIOD in tail.columns and n and "Q" in str(tail[PERIOD].iloc[-1]):
        freq = "Q"
    return BaseTrend(
        label=label,
        periods=n,
        base_first=int(base[0]) if n else 0,
        base_last=int(base[-1]) if n else 0,
        mean_base=mean,
        slope=slope,
        relative_change=rel,
        churn_rate_mean=float(np.nanmean(churn)) if np.isfinite(churn).any() else float("nan"),
        churn_rate_slope=_slope(churn),
        churn_rate_annual=annual,
        tolerance=float(tolerance),
        freq=freq,
    )


# --- cohorts --------------------------------------------------------------------------------------


def cohorts(panel, *, as_of, freq: str = "M", start=None) -> pd.DataFrame:
    """The retention triangle: clients grouped by the period of their first order.

    Parameters
    ----------
    panel : Panel or DataFrame
        As in :func:`flows`.
    as_of : date-like
        Last day of a month; only periods complete by then are used.
    freq : {"M", "Q"}, default "M"
    start : str or date-like, optional
        First cohort to show; default the first period of the panel.

    Returns
    -------
    DataFrame
        One row per cohort and age (every age observed by ``as_of``, zeros included):
        ``cohort`` (period label of the first order), ``age`` (periods since the first order,
        0 = the first period), ``cohort_size`` (clients whose first order was in the cohort
        period), ``active_clients`` (of them, clients with an order in that period),
        ``retention`` (active_clients / cohort_size; 1.0 at age 0), ``revenue`` (the cohort's
        revenue in that period), ``revenue_per_client`` (revenue / cohort_size).

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "c"],
    ...     "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01"]),
    ...     "revenue": [10.0, 5.0, 20.0, 8.0], "orders": [1, 1, 1, 1],
    ...     "first_order_day": pd.to_datetime(["2024-01-03", "2024-02-03", "2024-01-09",
    ...                                         "2024-02-11"]),
    ...     "last_order_day": pd.to_datetime(["2024-01-03", "2024-02-03", "2024-01-09",
    ...                                        "2024-02-11"])})
    >>> c = cohorts(panel, as_of="2024-02-29")
    >>> c[["cohort", "age", "cohort_size", "active_clients", "retention", "revenue"]]
        cohort  age  cohort_size  active_clients  retention  revenue
    0  2024-01    0            2               2        1.0     30.0
    1  2024-01    1            2               1        0.5      5.0
    2  2024-02    0            1               1        1.0      8.0
    """
    freq = _freq(freq)
    h = _history(panel, as_of=parse_as_of(as_of, month_end=True), freq=freq, rules=LifecycleRules())
    return _cohorts(h, start)


def _cohorts(h: _History, start) -> pd.DataFrame:
    n = h.n_periods
    code, rel, rev, orders = _client_periods(h)
    birth = _birth_rel(h)
    size = np.bincount(birth[birth >= 0], minlength=n)[:n]
    c = birth[code]
    age = rel - c
    ok = (c >= 0) & (age >= 0) & (rel < n)
    cell = c[ok] * n + age[ok]
    active = np.bincount(cell[orders[ok] > 0], minlength=n * n)
    revenue = np.bincount(cell, weights=rev[ok], minlength=n * n)
    first, _ = _period_index(h, start)
    cohort_idx, age_idx = [], []
    for k in range(first, n):
        ages = np.arange(0, n - k)
        cohort_idx.append(np.full(len(ages), k))
        age_idx.append(ages)
    ci = np.concatenate(cohort_idx) if cohort_idx else np.array([], dtype=np.int64)
    ai = np.concatenate(age_idx) if age_idx else np.array([], dtype=np.int64)
    cells = ci * n + ai
    sizes = size[ci]
    labels = np.asarray(_period_labels(np.arange(h.p0, h.p0 + n), h.freq), dtype=object)
    out = pd.DataFrame(
        {
            COHORT: labels[ci] if len(ci) else np.array([], dtype=object),
            AGE: ai.astype(np.int64),
            COHORT_SIZE: sizes.astype(np.int64),
            ACTIVE_CLIENTS: active[cells].astype(np.int64),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out[RETENTION] = np.where(sizes > 0, out[ACTIVE_CLIENTS] / np.maximum(sizes, 1), np.nan)
        out[REVENUE] = revenue[cells].astype("float64")
        out[REVENUE_PER_CLIENT] = np.where(sizes > 0, out[REVENUE] / np.maximum(sizes, 1), np.nan)
    return out


def cohort_triangle(cohorts: pd.DataFrame, value: str = RETENTION) -> pd.DataFrame:
    """The cohorts frame as a triangle: one row per cohort, one column per age.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`cohorts`.
    value : str, default "retention"
        Any numeric column of it (``active_clients``, ``revenue``, ``revenue_per_client`` …).

    Returns
    -------
    DataFrame
        Index ``cohort``, columns ``age``; ages not yet observed are NaN. Empty cohorts (no new
        clients that period) are dropped.
    """
    if not isinstance(cohorts, pd.DataFrame) or not {COHORT, AGE} <= set(cohorts.columns):
        raise InputError(
            "`cohorts` must be the DataFrame returned by reportkit.analysis.dynamics.cohorts()."
        )
    check_param(
        value in cohorts.columns and value not in (COHORT, AGE),
        "value",
        f"one of {', '.join(c for c in cohorts.columns if c not in (COHORT, AGE))}",
        value,
    )
    kept = cohorts[cohorts[COHORT_SIZE] > 0]
    return kept.pivot(index=COHORT, columns=AGE, values=value)


def cohort_trend(
    cohorts: pd.DataFrame,
    *,
    ages: tuple[int, ...] = (1, 3, 6, 12),
    recent: int = 6,
    tolerance: float = 0.02,
) -> pd.DataFrame:
    """Do newer cohorts hold worse than older ones?

    For each age, pooled retention (active clients / cohort size) of the ``recent`` newest
    cohorts that have reached that age is compared with the pooled retention of all older
    cohorts. A difference below ``−tolerance`` is "worse", above ``+tolerance`` "better",
    otherwise "similar"; "n/a" when either group is empty.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`cohorts`.
    ages : tuple of int, default (1, 3, 6, 12)
    recent : int, default 6
    tolerance : float, default 0.02

    Returns
    -------
    DataFrame
        ``age``, ``recent_cohorts`` ("2024-01…2024-06"), ``recent_retention``,
        ``older_retention``, ``difference`` (recent − older), ``verdict``.
    """
    if not isinstance(cohorts, pd.DataFrame) or not {
        COHORT,
        AGE,
        ACTIVE_CLIENTS,
        COHORT_SIZE,
    } <= set(cohorts.columns):
        raise InputError(
            "`cohorts` must be the DataFrame returned by reportkit.analysis.dynamics.cohorts()."
        )
    check_param(
        isinstance(recent, (int, np.integer)) and recent >= 1, "recent", "an integer >= 1", recent
    )
    rows = []
    for age in ages:
        at = cohorts[(cohorts[AGE] == age) & (cohorts[COHORT_SIZE] > 0)].sort_values(COHORT)
        new, old = at.tail(recent), at.iloc[: max(len(at) - recent, 0)]

        def pooled(part: pd.DataFrame) -> float:
            size = part[COHORT_SIZE].sum()
            return float(part[ACTIVE_CLIENTS].sum() / size) if size else float("nan")

        r_new, r_old = pooled(new), pooled(old)
        diff = r_new - r_old
        if not np.isfinite(diff):
            verdict = "n/a"
        elif diff < -tolerance:
            verdict = "worse"
        elif diff > tolerance:
            verdict = "better"
        else:
            verdict = "similar"
        span = f"{new[COHORT].iloc[0]}…{new[COHORT].iloc[-1]}" if len(new) else ""
        rows.append(
            {
                AGE: age,
                "recent_cohorts": span,
                "recent_retention": r_new,
                "older_retention": r_old,
                "difference": diff,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


# --- migration ------------------------------------------------------------------------------------


@dataclass
class Migration:
    """Moves of clients between lifecycle blocks from one date to a later one.

    Attributes
    ----------
    frame : DataFrame
        Non-empty cells only, in block order: ``block_from`` (``none`` = not yet known at the
        earlier date), ``block_to``, ``n_clients``, ``revenue_from`` (their revenue over the
        window as of the earlier date), ``revenue_to`` (as of the later date).
    before, after : Timestamp
    """

    frame: pd.DataFrame
    before: pd.Timestamp | None = None
    after: pd.Timestamp | None = None

    def matrix(self, value: str = N_CLIENTS) -> pd.DataFrame:
        """Full matrix (rows: block at the earlier date, columns: at the later date).

        ``value`` is ``n_clients``, ``revenue_from`` or ``revenue_to``. The ``none`` row (new
        clients and leads) is always there; a ``none`` column only when a client disappeared.
        """
        check_param(
            value in (N_CLIENTS, REVENUE_FROM, REVENUE_TO),
            "value",
            "'n_clients', 'revenue_from' or 'revenue_to'",
            value,
        )
        rows = [NONE, *BLOCKS]
        cols = list(BLOCKS) + ([NONE] if (self.frame[BLOCK_TO] == NONE).any() else [])
        m = self.frame.pivot_table(
            index=BLOCK_FROM, columns=BLOCK_TO, values=value, aggfunc="sum", observed=False
        )
        m = m.reindex(index=rows, columns=cols).fillna(0)
        m.index.name, m.columns.name = BLOCK_FROM, BLOCK_TO
        return m.astype("int64") if value == N_CLIENTS else m

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def largest_moves(self, top: int = 5) -> pd.DataFrame:
        """The ``top`` largest moves between different blocks (by clients, then revenue)."""
        f = self.frame
        moved = f[f[BLOCK_FROM].astype(str) != f[BLOCK_TO].astype(str)]
        return moved.sort_values([N_CLIENTS, REVENUE_FROM], ascending=False).head(top)

    def _repr_html_(self) -> str:
        return self.matrix().to_html()


def migration_matrix(before: Lifecycle, after: Lifecycle) -> Migration:
    """Count the clients (and their revenue) moving between blocks from ``before`` to ``after``.

    Parameters
    ----------
    before, after : Lifecycle
        :func:`reportkit.analysis.lifecycle.classify` at two dates (``after`` the later).

    Returns
    -------
    Migration
        ``frame`` with ``block_from``, ``block_to``, ``n_clients``, ``revenue_from``,
        ``revenue_to``; ``matrix()`` for the full table; ``largest_moves()``.
    """
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, Lifecycle):
            raise InputError(
                f"`{name}` must be a Lifecycle from reportkit.analysis.lifecycle.classify(), "
                f"got {type(value).__name__}."
            )
    if before.as_of is not None and after.as_of is not None and before.as_of > after.as_of:
        raise InputError(
            f"`before` ({before.as_of.date()}) is later than `after` "
            f"({after.as_of.date()}); pass the earlier lifecycle first."
        )
    a = before.frame[[CLIENT_ID, BLOCK, REVENUE_WINDOW]].rename(
        columns={BLOCK: BLOCK_FROM, REVENUE_WINDOW: REVENUE_FROM}
    )
    b = after.frame[[CLIENT_ID, BLOCK, REVENUE_WINDOW]].rename(
        columns={BLOCK: BLOCK_TO, REVENUE_WINDOW: REVENUE_TO}
    )
    m = a.merge(b, on=CLIENT_ID, how="outer")
    cats = [NONE, *BLOCKS]
    for column in (BLOCK_FROM, BLOCK_TO):
        m[column] = pd.Categorical(
            m[column].astype("object").where(m[column].notna(), NONE), categories=cats
        )
    m[[REVENUE_FROM, REVENUE_TO]] = m[[REVENUE_FROM, REVENUE_TO]].fillna(0.0)
    g = m.groupby([BLOCK_FROM, BLOCK_TO], observed=True)
    frame = g.agg(
        **{
            N_CLIENTS: (CLIENT_ID, "size"),
            REVENUE_FROM: (REVENUE_FROM, "sum"),
            REVENUE_TO: (REVENUE_TO, "sum"),
        }
    ).reset_index()
    frame[N_CLIENTS] = frame[N_CLIENTS].astype("int64")
    frame = frame.sort_values([BLOCK_FROM, BLOCK_TO], ignore_index=True)
    return Migration(frame=frame, before=before.as_of, after=after.as_of)


def migration(
    panel,
    clients: pd.DataFrame | None = None,
    *,
    as_of,
    previous=None,
    freq: str = "M",
    rules: LifecycleRules = _DEFAULT_RULES,
    window_months: int = 12,
) -> Migration:
    """The migration matrix between the end of the previous period and ``as_of``.

    Takes one snapshot per date from the panel (:func:`reportkit.core.snapshot`), classifies both
    with :func:`reportkit.analysis.lifecycle.classify` and counts the moves. The clients table (flags,
    status) is the current one for both dates.

    Parameters
    ----------
    panel : Panel
        From :func:`reportkit.build_panel`.
    clients : DataFrame, optional
        The clients table (see :func:`reportkit.analysis.lifecycle.classify`).
    as_of : date-like
        The later date (a month end).
    previous : date-like, optional
        The earlier date; default the end of the period before the one ending at ``as_of``
        (a month, or three months with ``freq="Q"``).
    freq : {"M", "Q"}, default "M"
    rules : LifecycleRules, default LifecycleRules()
    window_months : int, default 12
        Look-back window of both snapshots.

    Returns
    -------
    Migration
    """

    freq = _freq(freq)
    after_day = parse_as_of(as_of, month_end=True)
    if previous is None:
        before_day = (after_day - pd.offsets.MonthEnd(1 if freq == "M" else 3)).normalize()
    else:
        before_day = parse_as_of(previous, month_end=True)
    check_param(
        before_day < after_day,
        "previous",
        f"a month end before as_of ({after_day.date()})",
        previous,
    )
    snap_before = snapshot(panel, as_of=before_day, window_months=window_months, empty_ok=True)
    snap_after = snapshot(panel, as_of=after_day, window_months=window_months)
    lc_before = classify(snap_before, clients, rules=rules)
    lc_after = classify(snap_after, clients, rules=rules)
    return migration_matrix(lc_before, lc_after)


_migration = migration  # `dynamics(migration=...)` shadows the name


# --- everything at once ---------------------------------------------------------------------------


@dataclass
class Dynamics:
    """Base dynamics of one report: flows, revenue bridge, trend, cohorts and migration.

    Attributes
    ----------
    flows, bridge, cohorts : DataFrame
        As returned by :func:`flows`, :func:`revenue_bridge` and :func:`cohorts`.
    trend : BaseTrend
    cohort_trend : DataFrame
        From :func:`cohort_trend`.
    migration : Migration or None
        None when it was not requested (``migration=False``).
    as_of : Timestamp
    """

    flows: pd.DataFrame
    bridge: pd.DataFrame
    trend: BaseTrend
    cohorts: pd.DataFrame
    cohort_trend: pd.DataFrame
    migration: Migration | None
    as_of: pd.Timestamp

    def to_frame(self) -> pd.DataFrame:
        """Flows and the revenue bridge side by side, one row per period."""
        extra = [c for c in self.bridge.columns if c not in self.flows.columns]
        return self.flows.merge(self.bridge[[PERIOD, *extra]], on=PERIOD, how="left")

    def _repr_html_(self) -> str:
        tail = self.flows.tail(12)[
            [PERIOD, BASE_START, NEW, REACTIVATED, LOST, BASE_END, CHURN_RATE]
        ]
        return f"<div class='rk-dynamics'>{tail.to_html(index=False)}</div>"


def dynamics(
    panel,
    clients: pd.DataFrame | None = None,
    *,
    as_of,
    start=None,
    freq: str = "M",
    rules: LifecycleRules = _DEFAULT_RULES,
    trend_periods: int = 12,
    migration: bool = True,
    window_months: int = 12,
) -> Dynamics:
    """Flows, revenue bridge, base trend, cohorts and migration in one call (one pass over the
    panel; two snapshots for the migration).

    Parameters
    ----------
    panel : Panel
        From :func:`reportkit.build_panel` (a panel frame works too with ``migration=False``).
    clients : DataFrame, optional
        The clients table, for the migration's lifecycle blocks.
    as_of, start, freq, rules
        As in :func:`flows` (``start`` also limits the cohorts shown).
    trend_periods : int, default 12
        Periods used by :func:`base_trend`.
    migration : bool, default True
        Compute the migration matrix from the previous period end to ``as_of``.
    window_months : int, default 12
        Look-back window of the migration's snapshots.

    Returns
    -------
    Dynamics
    """
    check_rules(rules)
    freq = _freq(freq)
    day = parse_as_of(as_of, month_end=True)
    h = _history(panel, as_of=day, freq=freq, rules=rules)
    f = _flows(h, start)
    c = _cohorts(h, start)
    mig = None
    if migration:
        mig = _migration(
            panel, clients, as_of=day, freq=freq, rules=rules, window_months=window_months
        )
    return Dynamics(
        flows=f,
        bridge=_bridge(h, start),
        trend=base_trend(f, periods=trend_periods),
        cohorts=c,
        cohort_trend=cohort_trend(c),
        migration=mig,
        as_of=day,
    )


__all__ = [
    "BaseTrend",
    "Dynamics",
    "Migration",
    "base_trend",
    "cohort_trend",
    "cohort_triangle",
    "cohorts",
    "dynamics",
    "flows",
    "migration",
    "migration_matrix",
    "revenue_bridge",
]
