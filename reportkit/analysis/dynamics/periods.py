"""The period tables: clients gained and lost (flows) and where the revenue came from (bridge)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import ReportkitError
from ...io.config import LifecycleRules
from ...io.schema import (
    BASE_END,
    BASE_START,
    CHURN_RATE,
    CHURN_RATE_ANNUAL,
    LOST,
    NEW,
    REACTIVATED,
    RETAINED,
    RETAINED_DECLINE,
    RETAINED_GROWTH,
    REVENUE,
    REVENUE_LOST_12M,
    REVENUE_NEW,
    REVENUE_PREV,
    REVENUE_REACTIVATED,
    REVENUE_RETAINED,
    REVENUE_RETAINED_PREV,
)
from ..lifecycle import check_rules
from .history import (
    _DEFAULT_RULES,
    _birth_rel,
    _client_periods,
    _count,
    _freq,
    _History,
    _history,
    _period_columns,
    _period_index,
)


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


_BLOCK_ROWS = 1 << 22  # client-period rows per block of the bridge (whole clients)


def _client_blocks(code: np.ndarray, size: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive row blocks of about ``size`` rows each, cut between
    clients (``code`` sorted)."""
    cuts = np.searchsorted(code, code[np.arange(size, len(code), size)])
    edges = np.unique(np.concatenate([[0], cuts, [len(code)]]))
    return list(zip(edges[:-1].tolist(), edges[1:].tolist()))


def _bridge(h: _History, start) -> pd.DataFrame:
    n = h.n_periods
    code, rel, rev, _ = _client_periods(h)
    birth = _birth_rel(h)
    rev_keys = h.e_code[h.e_revival].astype(np.int64) * (n + 1) + h.rel_of(h.e_first[h.e_revival])
    names = (
        REVENUE,
        REVENUE_PREV,
        REVENUE_NEW,
        REVENUE_REACTIVATED,
        REVENUE_RETAINED,
        REVENUE_RETAINED_PREV,
        RETAINED_GROWTH,
        RETAINED_DECLINE,
    )
    grid = {name: np.zeros(n) for name in names}
    # block by block of whole clients: every pairing below stays within one client, and the
    # temporaries (several per row) stay small at tens of millions of client-periods
    for lo, hi in _client_blocks(code, _BLOCK_ROWS):
        for name, values in _bridge_block(code[lo:hi], rel[lo:hi], rev[lo:hi], n, birth, rev_keys):
            grid[name] += values
    dies = h.e_dies
    grid[REVENUE_LOST_12M] = _count(h.rel_of(h.e_death[dies]), n, h.e_rev12[dies])
    first, periods = _period_index(h, start)
    out = pd.DataFrame(_period_columns(periods, h.freq))
    for column, values in grid.items():
        out[column] = np.asarray(values, dtype="float64")[first:]
    return out


def _bridge_block(
    code: np.ndarray,
    rel: np.ndarray,
    rev: np.ndarray,
    n: int,
    birth: np.ndarray,
    rev_keys: np.ndarray,
) -> list[tuple[str, np.ndarray]]:
    """The revenue bridge's per-period totals over the (client, period) rows of whole clients."""
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

    is_new = birth[p_code] == p_rel
    is_react = np.isin(uniq, rev_keys) & ~is_new
    is_ret = ~is_new & ~is_react
    delta = cur - prev

    def total(mask, values):
        return np.bincount(p_rel[mask], weights=values[mask], minlength=n)[:n]

    everyone = np.ones(len(cur), dtype=bool)
    return [
        (REVENUE, total(everyone, cur)),
        (REVENUE_PREV, total(everyone, prev)),
        (REVENUE_NEW, total(is_new, cur)),
        (REVENUE_REACTIVATED, total(is_react, cur)),
        (REVENUE_RETAINED, total(is_ret, cur)),
        (REVENUE_RETAINED_PREV, total(is_ret, prev)),
        (RETAINED_GROWTH, total(is_ret & (delta > 0), delta)),
        (RETAINED_DECLINE, total(is_ret & (delta < 0), -delta)),
    ]
