"""The client snapshot: one row per client as of a date, derived from the client-month panel.

A snapshot never rescans the transactions: it reads the panel's months before the ``as_of``
month as they are, and the ``as_of`` month up to ``as_of`` (see :mod:`reportkit.panel` for when
that one partial month is aggregated on demand). Any number of snapshots come from one panel.

Definitions (D = the ``as_of`` day, M = its month, W = ``window_months``)
-----------------------------------------------------------------------
* ``as_of`` is inclusive: the state at the end of day D; only transactions dated on or before D
  (any time of day) count. Transactions after D change nothing.
* The window is the W calendar months M-W+1 … M, month M counted up to D; the previous window
  the W months before it. ``last3`` = months M-2 … M, ``prev3`` = M-5 … M-3.
* Orders, first and last order are purchases (rows with amount > 0, see
  :mod:`reportkit.panel`); revenue is net of returns.
* ``cv``: over the months from max(M-W+1, month of the first order) to M, months without
  revenue counted as 0: population standard deviation / mean of the monthly net revenue. NaN
  when fewer than 2 months are observed, when the mean is <= 0, or without any order.
* ``best12_revenue``: the highest net revenue over 12 consecutive calendar months, over the
  windows ending in each month from the client's first transaction month to M (month M up to
  D). It is negative for a client whose only transactions are returns; 0 for leads.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .config import ReportSettings
from .errors import check_param
from .panel import _NO_FIRST, _NO_LAST, Panel, _month_of_day, _Rows, build_panel
from .schema import (ACTIVE_MONTHS, AOV, AS_OF, BEST12_REVENUE, CLIENT_ID, CV, FIRST_ORDER,
                     INTERVAL_DAYS, IS_LEAD, LAST_ORDER, MARGIN_TOTAL, MARGIN_WINDOW,
                     ORDERS_TOTAL, ORDERS_WINDOW, RECENCY_DAYS, REVENUE_LAST3, REVENUE_PREV3,
                     REVENUE_PREV_WINDOW, REVENUE_TOTAL, REVENUE_WINDOW, TENURE_DAYS, TREND)

__all__ = ["snapshot", "snapshots"]

_EPOCH = pd.Timestamp("1970-01-01")


def _as_of_day(as_of: Any) -> tuple[int, pd.Timestamp]:
    """``as_of`` -> (days since 1970-01-01, the day as a Timestamp at midnight)."""
    ok = isinstance(as_of, (str, _dt.date, np.datetime64))
    ts = pd.NaT
    if ok:
        try:
            ts = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            ts = pd.NaT
    check_param(ts is not pd.NaT, "as_of", "a date such as '2024-06-30' or a Timestamp", as_of)
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    ts = ts.normalize().as_unit("ns")
    return int((ts - _EPOCH).days), ts


def _check_window(window_months: Any) -> int:
    check_param(isinstance(window_months, (int, np.integer)) and not isinstance(window_months, bool)
                and window_months >= 1, "window_months", "a positive integer", window_months)
    return int(window_months)


def _group_starts(code: np.ndarray) -> np.ndarray:
    if len(code) == 0:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, code[1:] != code[:-1]])


def _best12(r: _Rows, starts: np.ndarray, n: int, m_a: int) -> np.ndarray:
    """Highest 12-consecutive-month revenue per client (NaN without rows).

    The sum over the window ending in month e only changes when e reaches a month with a row
    (the row enters) or a month 12 after a row (the row leaves), so its maximum is reached at
    one of those months; the leaving events only matter for negative rows.
    """
    code, month, rev = r.code, r.month, r.revenue
    size = len(code)
    best = np.full(n, np.nan)
    if size == 0:
        return best
    # windows ending at each row's month: add the client's rows of the 11 previous months
    s = rev.copy()
    cand = np.arange(1, size)
    for k in range(1, 12):
        j = cand - k
        ok = (code[j] == code[cand]) & (month[cand] - month[j] < 12)
        cand, j = cand[ok], j[ok]
        if len(cand) == 0:
            break
        s[cand] += rev[j]
        cand = cand[cand >= k + 1]
    best[code[starts]] = np.maximum.reduceat(s, starts)
    # windows ending 12 months after a negative row (the row has just left the window)
    neg = np.flatnonzero((rev < 0) & (month.astype(np.int64) + 12 <= m_a))
    if len(neg):
        t = np.zeros(len(neg))
        sel = np.arange(len(neg))
        for k in range(1, 13):
            i = neg[sel]
            j = i + k
            ok = j < size
            sel, i, j = sel[ok], i[ok], j[ok]
            ok = (code[j] == code[i]) & (month[j] - month[i] <= 12)
            sel, j = sel[ok], j[ok]
            if len(sel) == 0:
                break
            t[sel] += rev[j]
        np.fmax.at(best, code[neg], t)
    return best


def _snapshot(panel: Panel, day: int, ts: pd.Timestamp, window: int) -> pd.DataFrame:
    r = panel._rows_as_of(day)
    n = len(panel._ids)
    m_a = _month_of_day(day)
    code = r.code.astype(np.intp)      # once, rather than inside every bincount
    month = r.month

    def total(values: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
        if mask is None:
            return np.bincount(code, weights=values, minlength=n).astype(np.float64)
        return np.bincount(code[mask], weights=None if values is None else values[mask],
                           minlength=n).astype(np.float64)

    # Sums per client over month bands counted back from the as_of month, cut at every window
    # edge, in one bincount per measure; each window is then a sum of whole bands.
    edges = np.array(sorted({3, 6, window, 2 * window}))
    lower = np.r_[0, edges]
    upper = np.r_[edges, np.iinfo(np.int64).max]
    n_bands = len(lower)
    back = m_a - month.astype(np.int64)
    flat = code * n_bands + np.searchsorted(edges, back, side="right")

    def by_band(values: np.ndarray) -> np.ndarray:
        return np.bincount(flat, weights=values, minlength=n * n_bands).reshape(n, n_bands)

    def span(sums: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Sum of the bands covering months lo ... hi-1 back from the as_of month."""
        cols = [k for k in range(n_bands) if lower[k] >= lo and upper[k] <= hi]
        return sums[:, cols].sum(axis=1)

    starts = _group_starts(code)
    has_txn = np.zeros(n, dtype=bool)
    has_txn[code[starts]] = True
    orders = r.orders.astype(np.float64)
    rev_bands = by_band(r.revenue)
    ord_bands = by_band(orders)
    orders_total = ord_bands.sum(axis=1)
    revenue_total = rev_bands.sum(axis=1)
    first = np.full(n, _NO_FIRST, dtype=np.int64)
    last = np.full(n, _NO_LAST, dtype=np.int64)
    if len(code):
        first[code[starts]] = np.minimum.reduceat(r.first_day, starts)
        last[code[starts]] = np.maximum.reduceat(r.last_day, starts)
    has_order = first != _NO_FIRST

    orders_window = span(ord_bands, 0, window)
    revenue_window = span(rev_bands, 0, window)
    revenue_prev = span(rev_bands, window, 2 * window)
    active_months = span(by_band((r.orders > 0).astype(np.float64)), 0, window)
    revenue_last3 = span(rev_bands, 0, 3)
    revenue_prev3 = span(rev_bands, 3, 6)
    if r.margin is not None:
        margin_bands = by_band(r.margin)
        margin_window = span(margin_bands, 0, window)
        margin_total = margin_bands.sum(axis=1)

    # cv of monthly revenue from max(window start, first order month) to the as_of month
    first_month = np.zeros(n, dtype=np.int64)
    if len(code):
        first_month[code[starts]] = np.minimum.reduceat(
            np.where(r.first_day != _NO_FIRST, month, np.iinfo(np.int32).max), starts)
    start = np.maximum(m_a - window + 1, first_month)
    n_months = (m_a - start + 1).astype(np.float64)
    in_range = has_order[code] & (month >= start[code])
    mean = total(r.revenue, in_range) / n_months
    dev = r.revenue[in_range] - mean[code[in_range]]
    squares = np.bincount(code[in_range], weights=dev * dev, minlength=n).astype(np.float64)
    squares += (n_months - total(None, in_range)) * mean * mean
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.sqrt(squares / n_months) / mean
    cv[~(has_order & (n_months >= 2) & (mean > 0))] = np.nan

    best12 = _best12(r, starts, n, m_a)

    created = panel._created
    created_ok = np.isnat(created) | (created.astype("datetime64[D]").astype(np.int64) <= day)
    known = has_txn | (panel._in_clients & created_ok)
    idx = np.flatnonzero(known)
    k_first, k_last, k_has_order = first[idx], last[idx], has_order[idx]
    k_orders = orders_total[idx]
    k_revenue = revenue_total[idx]
    first_dt = k_first.astype("datetime64[D]").astype("datetime64[ns]")
    first_dt[~k_has_order] = np.datetime64("NaT")
    last_dt = k_last.astype("datetime64[D]").astype("datetime64[ns]")
    last_dt[~k_has_order] = np.datetime64("NaT")
    nan = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        interval = np.where(k_orders >= 2, (k_last - k_first) / (k_orders - 1), nan)
        aov = np.where(k_orders > 0, k_revenue / k_orders, nan)
        trend = np.where(revenue_prev3[idx] > 0, revenue_last3[idx] / revenue_prev3[idx] - 1, nan)

    cols: dict[str, Any] = {
        CLIENT_ID: pd.Series(panel._ids[idx], dtype=object),
        AS_OF: np.full(len(idx), ts.to_datetime64(), dtype="datetime64[ns]"),
        FIRST_ORDER: first_dt,
        LAST_ORDER: last_dt,
        RECENCY_DAYS: np.where(k_has_order, day - k_last, nan).astype(np.float64),
        TENURE_DAYS: np.where(k_has_order, day - k_first, nan).astype(np.float64),
        ORDERS_WINDOW: np.rint(orders_window[idx]).astype(np.int64),
        REVENUE_WINDOW: revenue_window[idx],
    }
    if r.margin is not None:
        cols[MARGIN_WINDOW] = margin_window[idx]
    cols[REVENUE_PREV_WINDOW] = revenue_prev[idx]
    cols[ORDERS_TOTAL] = np.rint(k_orders).astype(np.int64)
    cols[REVENUE_TOTAL] = k_revenue
    if r.margin is not None:
        cols[MARGIN_TOTAL] = margin_total[idx]
    cols[INTERVAL_DAYS] = interval.astype(np.float64)
    cols[ACTIVE_MONTHS] = np.rint(active_months[idx]).astype(np.int64)
    cols[CV] = cv[idx]
    cols[AOV] = aov
    cols[REVENUE_LAST3] = revenue_last3[idx]
    cols[REVENUE_PREV3] = revenue_prev3[idx]
    cols[TREND] = trend
    cols[BEST12_REVENUE] = np.where(has_txn[idx], best12[idx], 0.0)
    cols[IS_LEAD] = ~has_txn[idx]
    return pd.DataFrame(cols, copy=False)     # every column is a new array


def _as_panel(data: Any) -> Panel:
    return data if isinstance(data, Panel) else build_panel(data)


def snapshot(data: Any, *, as_of: Any,
             window_months: int = ReportSettings.window_months) -> pd.DataFrame:
    """One row per client known at ``as_of``: recency, orders, revenue, regularity, trend.

    Parameters
    ----------
    data : Panel, or anything :func:`reportkit.build_panel` accepts
        A Dataset, a DataFrame of canonical transactions or a Parquet path is aggregated to a
        panel first; pass a :class:`~reportkit.panel.Panel` to take several snapshots.
    as_of : str, date or Timestamp
        The report date, inclusive: the state at the end of that day (a time of day is
        ignored). Only transactions dated on or before it are used.
    window_months : int, default 12
        Calendar months of the look-back window, ending with the ``as_of`` month
        (:attr:`ReportSettings.window_months <reportkit.config.ReportSettings>`).

    Returns
    -------
    DataFrame
        One row per client with a transaction on or before ``as_of``, plus the leads of the
        clients table (``created`` on or before ``as_of``, or unknown); sorted by client_id,
        index 0..n-1. Columns (see the module docstring for exact definitions):

        ``client_id`` (str), ``as_of`` (the day, datetime64[ns]); ``first_order``,
        ``last_order`` (first and last purchase day; NaT without purchase); ``recency_days``
        (as_of - last_order) and ``tenure_days`` (as_of - first_order), float, NaN without
        purchase; ``orders_window`` (int), ``revenue_window``, ``margin_window`` (with margin
        only) over the window; ``revenue_prev_window`` over the window before it;
        ``orders_total`` (int), ``revenue_total``, ``margin_total`` (with margin only) over all
        history up to as_of; ``interval_days`` = (last_order - first_order) /
        (orders_total - 1), NaN with fewer than 2 orders; ``active_months`` (int, window
        months with an order); ``cv`` (regularity of monthly revenue); ``aov`` =
        revenue_total / orders_total, NaN without orders; ``revenue_last3``,
        ``revenue_prev3`` (last 3 months incl. the as_of month, and the 3 before);
        ``trend`` = revenue_last3 / revenue_prev3 - 1, NaN unless revenue_prev3 > 0;
        ``best12_revenue``; ``is_lead`` (bool: listed in the clients table, no transaction up
        to as_of; leads have 0 orders, 0 revenue, NaN/NaT dates).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "client_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-10", "2024-03-05", "2024-03-25", "2024-03-01"]),
    ...     "amount": [100.0, 50.0, 70.0, 40.0]})
    >>> snap = snapshot(tx, as_of="2024-03-20")
    >>> snap[["client_id", "orders_total", "revenue_total", "recency_days", "interval_days"]]
      client_id  orders_total  revenue_total  recency_days  interval_days
    0         a             2          150.0          15.0           55.0
    1         b             1           40.0          19.0            NaN
    """
    window = _check_window(window_months)
    day, ts = _as_of_day(as_of)
    return _snapshot(_as_panel(data), day, ts, window)


def snapshots(data: Any, as_of_dates: Iterable[Any], *,
              window_months: int = ReportSettings.window_months) -> dict[pd.Timestamp,
                                                                         pd.DataFrame]:
    """Snapshots at several dates from one panel (built once when ``data`` is not a Panel).

    Parameters
    ----------
    data : Panel, or anything :func:`reportkit.build_panel` accepts
    as_of_dates : iterable of str, date or Timestamp
    window_months : int, default 12

    Returns
    -------
    dict of Timestamp to DataFrame
        ``{as_of day: snapshot(panel, as_of=day, window_months=window_months)}`` in the order
        given; concatenate with ``pd.concat(result.values(), ignore_index=True)`` (the
        ``as_of`` column tells them apart).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"client_id": ["a", "b"], "amount": [10.0, 20.0],
    ...                    "date": pd.to_datetime(["2024-01-15", "2024-02-15"])})
    >>> snaps = snapshots(tx, ["2024-01-31", "2024-02-29"])
    >>> [len(s) for s in snaps.values()]
    [1, 2]
    """
    window = _check_window(window_months)
    days = [_as_of_day(a) for a in as_of_dates]
    panel = _as_panel(data)
    return {ts: _snapshot(panel, day, ts, window) for day, ts in days}
