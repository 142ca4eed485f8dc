"""The client snapshot: one row per client as of a date, derived from the client-month panel.

A snapshot never rescans the transactions: it reads the panel's months before the ``as_of``
month as they are, and the ``as_of`` month up to ``as_of`` (see :mod:`reportkit.core.panel` for when
that one partial month is aggregated on demand). Any number of snapshots come from one panel.

Definitions (D = the ``as_of`` day, M = its month, W = ``window_months``)
-----------------------------------------------------------------------
* ``as_of`` is inclusive: the state at the end of day D; only transactions dated on or before D
  (any time of day) count. Transactions after D change nothing.
* The window is the W calendar months M-W+1 … M, month M counted up to D; the previous window
  the W months before it. ``last3`` = months M-2 … M, ``prev3`` = M-5 … M-3.
* Orders, first and last order are purchases (rows with amount > 0, see
  :mod:`reportkit.core.panel`); revenue is net of returns.
* ``cv``: over the months from max(M-W+1, month of the first order) to M, months without
  revenue counted as 0: population standard deviation / mean of the monthly net revenue. NaN
  when fewer than 2 months are observed, when the mean is <= 0, or without any order.
* ``best12_revenue``: the highest net revenue over 12 consecutive calendar months, over the
  windows ending in each month from the client's first transaction month to M (month M up to
  D). It is negative for a client whose only transactions are returns; 0 for leads.
* Clients: every client with a transaction on or before D -- a client whose only
  transactions are returns is there, with 0 orders, negative revenue and no first/last order
  -- plus the leads: clients of the clients table with no transaction up to D and a ``created``
  date on or before D (or none). ``is_lead`` marks them.
* A date before the first transaction leaves no client that has bought anything: :func:`snapshot`
  and :func:`snapshots` refuse it with an :class:`~reportkit.errors.InputError` naming the
  data's range, unless ``empty_ok=True`` (for code that walks back over the months and wants an
  empty "before" on purpose, e.g. the migration of the data's first month).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, check_param
from ..io.config import ReportSettings
from ..io.schema import (
    ACTIVE_MONTHS,
    AOV,
    AS_OF,
    BEST12_REVENUE,
    CLIENT_ID,
    CV,
    FIRST_ORDER,
    INTERVAL_DAYS,
    IS_LEAD,
    LAST_ORDER,
    MARGIN_TOTAL,
    MARGIN_WINDOW,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    RECENCY_DAYS,
    REVENUE_LAST3,
    REVENUE_PREV3,
    REVENUE_PREV_WINDOW,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    TENURE_DAYS,
    TREND,
)
from .dates import parse_as_of
from .panel import NO_FIRST, Panel, Rows, build_panel, month_of_day, month_starts

__all__ = ["snapshot", "snapshots"]

_EPOCH = pd.Timestamp("1970-01-01")


def _as_of_day(as_of: Any) -> tuple[int, pd.Timestamp]:
    """``as_of`` -> (days since 1970-01-01, the day as a Timestamp at midnight)."""
    ts = parse_as_of(as_of)
    return int((ts - _EPOCH).days), ts


def _check_window(window_months: Any) -> int:
    check_param(
        isinstance(window_months, (int, np.integer))
        and not isinstance(window_months, bool)
        and window_months >= 1,
        "window_months",
        "a positive integer",
        window_months,
    )
    return int(window_months)


_CHUNK_ROWS = 1 << 15  # rows per block: small temporaries, reused by the allocator
_THREADS = min(4, os.cpu_count() or 1)  # numpy releases the GIL in most of a block's work


def _best12(
    local: np.ndarray, month: np.ndarray, rev: np.ndarray, starts: np.ndarray, m_a: int
) -> np.ndarray:
    """Highest 12-consecutive-month revenue of each client of a block (one value per start).

    ``local``, ``month``, ``rev`` are rows grouped by client, months ascending, ``local`` the
    client's position in the block (0, 1, …) and ``starts`` the first row of each client. The
    sum over the window ending in month e only changes when e reaches a month with a row (the
    row enters) or a month 12 after a row (the row leaves), so its maximum is reached at one of
    those months; the leaving events only matter for negative rows.
    """
    size = len(local)
    # a key increasing along the rows: rows k apart are the same client less than 12 months
    # apart iff their keys differ by less than 12
    key = local.astype(np.int64) << 20  # months span < 2**16 (panel)
    key += month
    # windows ending at each row's month: add the client's rows of the 11 previous months
    # (whole-block passes while many rows qualify, then only the remaining candidates)
    s = rev.copy()
    cand = None
    for k in range(1, 12):
        if cand is None:
            ok = key[k:] - key[:-k] < 12
            count = int(np.count_nonzero(ok))
            if count == 0:
                break
            if count > size // 8:
                s[k:] += rev[:-k] * ok
                continue
            cand = np.flatnonzero(ok) + k
        else:
            cand = cand[cand >= k]
            cand = cand[key[cand] - key[cand - k] < 12]
            if len(cand) == 0:
                break
        s[cand] += rev[cand - k]
    best = np.maximum.reduceat(s, starts)
    # windows ending 12 months after a negative row (the row has just left the window)
    neg = np.flatnonzero((rev < 0) & (month + 12 <= m_a))
    if len(neg):
        t = np.zeros(len(neg))
        sel = np.arange(len(neg))
        for k in range(1, 13):
            j = neg[sel] + k
            ok = j < size
            sel, j = sel[ok], j[ok]
            ok = key[j] - key[neg[sel]] <= 12
            sel, j = sel[ok], j[ok]
            if len(sel) == 0:
                break
            t[sel] += rev[j]
        client = np.searchsorted(starts, neg, side="right") - 1
        np.fmax.at(best, client, t)
    return best


class _Stats:
    """The snapshot's columns for every client code (``col``), filled block by block (each
    block writes its own clients). A code without rows in the snapshot keeps the defaults of a
    lead: no order, zero revenue, NaN ratios, NaT dates."""

    def __init__(self, n: int, has_margin: bool) -> None:
        self.has_txn = np.zeros(n, dtype=bool)
        col: dict[str, np.ndarray] = {}
        for name in (FIRST_ORDER, LAST_ORDER):
            col[name] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        for name in (RECENCY_DAYS, TENURE_DAYS, INTERVAL_DAYS, CV, AOV, TREND):
            col[name] = np.full(n, np.nan)
        for name in (ORDERS_WINDOW, ORDERS_TOTAL, ACTIVE_MONTHS):
            col[name] = np.zeros(n, dtype=np.int64)
        sums = [
            REVENUE_WINDOW,
            REVENUE_PREV_WINDOW,
            REVENUE_TOTAL,
            REVENUE_LAST3,
            REVENUE_PREV3,
            BEST12_REVENUE,
        ]
        for name in sums + ([MARGIN_WINDOW, MARGIN_TOTAL] if has_margin else []):
            col[name] = np.zeros(n)
        self.col = col


def _blocks(code: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges of about _CHUNK_ROWS rows that never split a client (rows grouped by client)."""
    size = len(code)
    if size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    # cut at the first client that starts at or after each multiple of _CHUNK_ROWS
    at = np.searchsorted(starts, np.arange(0, size, _CHUNK_ROWS))
    cuts = np.unique(np.append(starts[at[at < len(starts)]], size))
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def _month_bins(window: int) -> tuple[np.ndarray, np.ndarray]:
    """Bins of "months back from the as_of month" and which bins make up each sum.

    Returns the bin of every number of months back up to 2 × window (and 6), the last one
    standing for "that many or more"; and a 0/1 matrix, one row per bin and one column per sum:
    all history, the window, the previous window, the last 3 months and the 3 before them.
    Every boundary of those ranges is a bin edge, so each range is a union of bins.
    """
    edges = np.array(sorted({3, 6, window, 2 * window}), dtype=np.int64)
    bin_of_back = np.searchsorted(edges, np.arange(edges[-1] + 1), side="right")
    lo = np.r_[0, edges]
    hi = np.r_[edges, np.iinfo(np.int64).max]
    ranges = [(0, np.iinfo(np.int64).max), (0, window), (window, 2 * window), (0, 3), (3, 6)]
    pick = np.array(
        [[a <= l and h <= b for a, b in ranges] for l, h in zip(lo, hi)], dtype=np.float64
    )
    return bin_of_back, pick


@dataclass(frozen=True)
class _Frame:
    """What every block of one snapshot shares: the as_of day and month, the window, the bins
    of :func:`_month_bins` and the first days of the window's months."""

    day: int
    m_a: int
    window: int
    bin_of_back: np.ndarray
    pick: np.ndarray
    window_starts: np.ndarray

    @classmethod
    def of(cls, day: int, window: int) -> _Frame:
        m_a = month_of_day(day)
        return cls(day, m_a, window, *_month_bins(window), month_starts(m_a - window + 1, m_a))


def _fill_block(st: _Stats, r: Rows, lo: int, hi: int, fr: _Frame) -> None:
    """Compute the columns of the clients of the rows lo:hi (whole clients) into ``st``."""
    day, m_a, window = fr.day, fr.m_a, fr.window
    code = r.code[lo:hi]
    month = r.month[lo:hi].astype(np.int64)
    rev = r.revenue[lo:hi]
    orders = r.orders[lo:hi]
    new_client = np.r_[True, code[1:] != code[:-1]]
    starts = np.flatnonzero(new_client)
    local = np.cumsum(new_client) - 1  # the client's position in the block
    n = len(starts)
    codes = code[starts]  # the clients' codes (where the results go)
    out: np.ndarray | slice = codes
    if int(codes[-1]) - int(codes[0]) + 1 == n:  # no lead between them: a slice writes faster
        out = slice(int(codes[0]), int(codes[-1]) + 1)
    nan = np.nan

    st.has_txn[out] = True
    first = np.minimum.reduceat(r.first_day[lo:hi], starts).astype(np.int64)
    last = np.maximum.reduceat(r.last_day[lo:hi], starts).astype(np.int64)
    has_order = first != NO_FIRST
    # purchase days; the sentinels of clients without a purchase become NaT
    first_dt = np.where(has_order, first, 0).astype("datetime64[D]").astype("datetime64[ns]")
    first_dt[~has_order] = np.datetime64("NaT")
    last_dt = np.where(has_order, last, 0).astype("datetime64[D]").astype("datetime64[ns]")
    last_dt[~has_order] = np.datetime64("NaT")
    st.col[FIRST_ORDER][out] = first_dt
    st.col[LAST_ORDER][out] = last_dt
    st.col[RECENCY_DAYS][out] = np.where(has_order, day - last, nan)
    st.col[TENURE_DAYS][out] = np.where(has_order, day - first, nan)

    # every sum over months in one pass per value: sum by (client, bin of months back), then
    # add up the bins of each range
    bin_of_back, pick = fr.bin_of_back, fr.pick
    nb = pick.shape[0]
    # months back from the as_of month (>= 0), capped where the bins end
    back = np.minimum(m_a - month, len(bin_of_back) - 1)
    cell = local * nb + bin_of_back[back]

    def by_range(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=values, minlength=n * nb).reshape(n, nb) @ pick

    rv = by_range(rev)
    od = np.rint(by_range(orders.astype(np.float64))).astype(np.int64)
    for k, name in enumerate(
        (REVENUE_TOTAL, REVENUE_WINDOW, REVENUE_PREV_WINDOW, REVENUE_LAST3, REVENUE_PREV3)
    ):
        st.col[name][out] = rv[:, k]
    st.col[ORDERS_TOTAL][out] = od[:, 0]
    st.col[ORDERS_WINDOW][out] = od[:, 1]
    active = by_range((orders > 0).astype(np.float64))[:, 1]
    st.col[ACTIVE_MONTHS][out] = np.rint(active).astype(np.int64)
    if r.margin is not None:
        mg = by_range(r.margin[lo:hi])
        st.col[MARGIN_TOTAL][out] = mg[:, 0]
        st.col[MARGIN_WINDOW][out] = mg[:, 1]
    total, count = rv[:, 0], od[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        st.col[INTERVAL_DAYS][out] = np.where(count >= 2, (last - first) / (count - 1), nan)
        st.col[AOV][out] = np.where(count > 0, total / count, nan)
        st.col[TREND][out] = np.where(rv[:, 4] > 0, rv[:, 3] / rv[:, 4] - 1, nan)

    # cv of monthly revenue from max(window start, first order month) to the as_of month
    start = m_a - window + np.searchsorted(fr.window_starts, first, side="right")
    start = np.maximum(start, m_a - window + 1)
    n_months = (m_a - start + 1).astype(np.float64)
    in_range = (has_order[local] & (month >= start[local])).astype(np.float64)
    mean = np.bincount(local, weights=rev * in_range, minlength=n) / n_months
    dev = (rev - mean[local]) * in_range
    # float64 with weights (np.bincount's stub types every result as intp)
    squares: np.ndarray = np.bincount(local, weights=dev * dev, minlength=n)
    squares += (n_months - np.bincount(local, weights=in_range, minlength=n)) * mean * mean
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.sqrt(squares / n_months) / mean
    cv[~(has_order & (n_months >= 2) & (mean > 0))] = np.nan
    st.col[CV][out] = cv

    st.col[BEST12_REVENUE][out] = _best12(local, month, rev, starts, m_a)


def _snapshot(panel: Panel, day: int, ts: pd.Timestamp, window: int) -> pd.DataFrame:
    r = panel.rows_as_of(day)
    n = len(panel.ids)
    has_margin = r.margin is not None
    st = _Stats(n, has_margin)
    # block by block: the temporaries stay small (cache-friendly, and reused by the memory
    # allocator instead of fresh pages for every whole-column temporary), and blocks of whole
    # clients write disjoint parts of the results, so threads can share them (measured:
    # 1 M clients, 3 M client-months on 2 cores: 1.1 s -> 0.3 s right after a build)
    fr = _Frame.of(day, window)
    blocks = _blocks(r.code)
    if _THREADS > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(_THREADS) as pool:
            list(pool.map(lambda b: _fill_block(st, r, b[0], b[1], fr), blocks))
    else:
        for lo, hi in blocks:
            _fill_block(st, r, lo, hi, fr)

    known = st.has_txn
    if panel._in_clients.any():
        created = panel._created
        created_ok = np.isnat(created) | (created.astype("datetime64[D]").astype(np.int64) <= day)
        known = st.has_txn | (panel._in_clients & created_ok)
    idx = np.flatnonzero(known)
    if len(idx) == n:  # every client is in: the columns are used as they are

        def take(a: np.ndarray) -> np.ndarray:
            return a
    else:

        def take(a: np.ndarray) -> np.ndarray:
            return a[idx]

    cols: dict[str, Any] = {
        CLIENT_ID: pd.Series(take(panel.ids), dtype=object, copy=True),
        AS_OF: np.full(len(idx), ts.to_datetime64(), dtype="datetime64[ns]"),
    }
    for name in _COLUMNS:
        if has_margin or name not in (MARGIN_WINDOW, MARGIN_TOTAL):
            cols[name] = take(st.col[name])
    cols[IS_LEAD] = ~take(st.has_txn)
    # every column is this function's own array: no copy needed
    return pd.DataFrame(cols, copy=False)


# the snapshot's columns after client_id and as_of, in order (is_lead last)
_COLUMNS = (
    FIRST_ORDER,
    LAST_ORDER,
    RECENCY_DAYS,
    TENURE_DAYS,
    ORDERS_WINDOW,
    REVENUE_WINDOW,
    MARGIN_WINDOW,
    REVENUE_PREV_WINDOW,
    ORDERS_TOTAL,
    REVENUE_TOTAL,
    MARGIN_TOTAL,
    INTERVAL_DAYS,
    ACTIVE_MONTHS,
    CV,
    AOV,
    REVENUE_LAST3,
    REVENUE_PREV3,
    TREND,
    BEST12_REVENUE,
)


def _as_panel(data: Any) -> Panel:
    return data if isinstance(data, Panel) else build_panel(data)


def _check_in_data(panel: Panel, ts: pd.Timestamp) -> None:
    """Refuse a date that leaves no client with a transaction: before the first transaction, or
    a panel without any (the message names the data's range and the fix)."""
    if not len(panel) or pd.isna(panel.start):
        raise InputError(
            f"as_of {ts:%Y-%m-%d}: the data hold no transaction, so there is no "
            "client to describe. Load a file with dated sales rows."
        )
    if ts < panel.start:
        raise InputError(
            f"as_of {ts:%Y-%m-%d} is before the data ({panel.start:%Y-%m-%d} – "
            f"{panel.end:%Y-%m-%d}): no client had bought anything yet. Choose a date from "
            f'{panel.start:%Y-%m-%d} on (e.g. as_of="{panel.end:%Y-%m-%d}"), or pass '
            "empty_ok=True to get the (empty) snapshot anyway."
        )


def snapshot(
    data: Any,
    *,
    as_of: Any,
    window_months: int = ReportSettings.window_months,
    empty_ok: bool = False,
) -> pd.DataFrame:
    """One row per client known at ``as_of``: recency, orders, revenue, regularity, trend.

    Parameters
    ----------
    data : Panel, or anything :func:`reportkit.build_panel` accepts
        A Dataset, a DataFrame of canonical transactions or a Parquet path is aggregated to a
        panel first; pass a :class:`~reportkit.core.panel.Panel` to take several snapshots.
    as_of : str, date or Timestamp
        The report date, inclusive: the state at the end of that day (a time of day is
        ignored). Only transactions dated on or before it are used.
    window_months : int, default 12
        Calendar months of the look-back window, ending with the ``as_of`` month
        (:attr:`ReportSettings.window_months <reportkit.io.config.ReportSettings>`).
    empty_ok : bool, default False
        Accept an ``as_of`` before the first transaction (the snapshot then holds only the
        leads, or no row). Without it such a date is an error.

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

    Raises
    ------
    InputError
        ``as_of`` is before the first transaction (unless ``empty_ok``): the message names the
        data's range.
    """
    window = _check_window(window_months)
    day, ts = _as_of_day(as_of)
    panel = _as_panel(data)
    if not empty_ok:
        _check_in_data(panel, ts)
    return _snapshot(panel, day, ts, window)


def snapshots(
    data: Any,
    as_of_dates: Iterable[Any],
    *,
    window_months: int = ReportSettings.window_months,
    empty_ok: bool = False,
) -> dict[pd.Timestamp, pd.DataFrame]:
    """Snapshots at several dates from one panel (built once when ``data`` is not a Panel).

    Parameters
    ----------
    data : Panel, or anything :func:`reportkit.build_panel` accepts
    as_of_dates : iterable of str, date or Timestamp
    window_months : int, default 12
    empty_ok : bool, default False
        As in :func:`snapshot`: accept dates before the first transaction.

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
    if not empty_ok:
        for _, ts in days:
            _check_in_data(panel, ts)
    return {ts: _snapshot(panel, day, ts, window) for day, ts in days}
