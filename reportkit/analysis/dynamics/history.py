"""The panel history, read once: every client-month row and the life events derived from it
(births, deaths, revivals), on a grid of periods; and the period helpers the tables share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.panel import Panel, month_starts
from ...errors import InputError, check_param
from ...io.config import LifecycleRules
from ...io.schema import (
    CLIENT_ID,
    FIRST_ORDER_DAY,
    LAST_ORDER_DAY,
    MONTH,
    ORDERS,
    PERIOD,
    PERIOD_END,
    PERIOD_START,
    REVENUE,
)
from ...io.sql import NO_FIRST, NO_LAST

_PANEL_REQUIRED = (CLIENT_ID, MONTH, REVENUE, ORDERS, FIRST_ORDER_DAY, LAST_ORDER_DAY)
_FREQS = {"M": "M", "month": "M", "Q": "Q", "quarter": "Q"}
_EPOCH_YEAR = 1970
_NEVER = np.iinfo(np.int64).max // 4  # a day far beyond any data ("no next order")
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
    """The panel's rows up to ``as_of`` and the life events derived from them, on the grid of
    periods from the first month of data to the last period complete by ``as_of``."""
    if isinstance(panel, Panel):
        rows = _panel_rows(panel, as_of)
    else:
        rows = _sorted_rows(_read_rows(_panel_frame(panel), as_of))
    ev_idx = np.flatnonzero(rows.orders > 0)
    ev = _life_events(rows, ev_idx, rules)
    months, codes = rows.months, rows.codes
    p0, p_last, bounds = _grid(months, rows.as_of_day, freq)
    period_rows = months if freq == "M" else np.floor_divide(months, 3)
    return _History(
        freq=freq,
        ids=np.asarray(rows.ids, dtype=object),
        p0=p0,
        n_periods=p_last - p0 + 1,
        code=codes,
        rel=period_rows - p0,
        revenue=rows.revenue,
        orders=rows.orders,
        e_rev12=_revenue_12m(rows, ev_idx),
        bounds=bounds.astype(np.int64),
        **ev,
    )


@dataclass
class _Rows:
    """The panel's rows up to ``as_of``: client codes (``ids`` holds the id of each code),
    months since 1970-01, revenue, orders, first and last order day (day numbers)."""

    codes: np.ndarray
    ids: pd.Index
    months: np.ndarray
    revenue: np.ndarray
    orders: np.ndarray
    first: np.ndarray
    last: np.ndarray
    as_of_day: int


def _read_rows(frame: pd.DataFrame, as_of: pd.Timestamp) -> _Rows:
    """The panel's rows up to ``as_of``, checked (client codes not yet sorted)."""
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
    revenue = pd.to_numeric(frame[REVENUE], errors="coerce").to_numpy("float64")[keep]
    orders = pd.to_numeric(frame[ORDERS], errors="coerce").to_numpy("float64")[keep]
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
    return _Rows(
        codes=codes,
        ids=ids,
        months=months[keep],
        revenue=revenue,
        orders=orders,
        first=first_all[keep],
        last=last_all[keep],
        as_of_day=as_of_day,
    )


def _panel_rows(panel: Panel, as_of: pd.Timestamp) -> _Rows:
    """:func:`_read_rows` of a Panel, from its arrays: no frame of string ids is built (at 10M
    clients and 30M client-months the frame, its ids as text and their factorisation took
    more than 10 GB). The rows are already sorted by client and month, one per pair."""
    r = panel.rows
    as_of_day = int(_days(np.array([as_of.to_datetime64()]))[0])
    keep = r.month <= int(_months70(np.array([as_of_day]))[0])
    if not keep.any():
        raise InputError(
            f"the panel has no rows up to {as_of.date()}; check `as_of` and the "
            f"data (reportkit.build_panel)."
        )
    code = r.code[keep]
    used = np.flatnonzero(np.bincount(code, minlength=len(panel.ids)))
    # one copy per column, changed in place (at 30M client-months each copy is 240 MB)
    first = r.first_day[keep].astype(np.int64, copy=False)
    first[first == NO_FIRST] = _NAT
    last = r.last_day[keep].astype(np.int64, copy=False)
    last[last == NO_LAST] = _NAT
    return _Rows(
        codes=np.searchsorted(used, code).astype(np.int64, copy=False),
        ids=pd.Index(panel.ids[used], dtype=object),
        months=r.month[keep].astype(np.int64, copy=False),
        revenue=r.revenue[keep].astype(np.float64, copy=False),
        orders=r.orders[keep].astype(np.float64, copy=False),
        first=first,
        last=last,
        as_of_day=as_of_day,
    )


def _sorted_rows(rows: _Rows) -> _Rows:
    """The rows sorted by (client, month), checked for one row per client and month."""
    codes, months = rows.codes, rows.months
    sort_key = codes.astype(np.int64) * (int(months.max() - months.min()) + 1) + (
        months - months.min()
    )
    if len(sort_key) > 1 and not (sort_key[1:] >= sort_key[:-1]).all():
        order = np.argsort(sort_key, kind="stable")
        rows = _Rows(
            codes=codes[order],
            ids=rows.ids,
            months=months[order],
            revenue=rows.revenue[order],
            orders=rows.orders[order],
            first=rows.first[order],
            last=rows.last[order],
            as_of_day=rows.as_of_day,
        )
        codes, months = rows.codes, rows.months
    same = (codes[1:] == codes[:-1]) & (months[1:] == months[:-1])
    if same.any():
        i = np.flatnonzero(same)[:3]
        raise InputError(
            f"the panel has {int(same.sum())} repeated client-month rows (e.g. "
            f"client {rows.ids[codes[i[0]]]!r}); it must hold one row per client and "
            f"month — build it with reportkit.build_panel."
        )
    return rows


def _order_days(rows: _Rows, ev_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last order day of the order rows, checked to lie inside the row's month."""
    e_first = rows.first[ev_idx]
    e_last = rows.last[ev_idx]
    if (e_first == _NAT).any() or (e_last == _NAT).any():
        raise InputError(
            "the panel has months with orders but no first/last order day; rebuild "
            "it with reportkit.build_panel(dataset)."
        )
    months = rows.months
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
            f"not inside the row's month (e.g. client {rows.ids[rows.codes[j]]!r}); rebuild "
            f"it with reportkit.build_panel."
        )
    return e_first, e_last


def _life_events(rows: _Rows, ev_idx: np.ndarray, rules: LifecycleRules) -> dict[str, np.ndarray]:
    """The ``e_*`` fields of :class:`_History` but ``e_rev12``: per order row, the cumulative
    orders, first order day and usual interval as of it, and from them the death rule."""
    e_first, e_last = _order_days(rows, ev_idx)
    e_code = rows.codes[ev_idx]
    e_orders = rows.orders[ev_idx]
    n_ev = len(ev_idx)
    e_birth = np.ones(n_ev, dtype=bool)
    e_birth[1:] = e_code[1:] != e_code[:-1]
    group = np.cumsum(e_birth) - 1
    starts = np.flatnonzero(e_birth)
    cum = np.cumsum(e_orders)
    cum = cum - (cum[starts] - e_orders[starts])[group]
    client_first = e_first[starts][group]
    del group
    with np.errstate(invalid="ignore", divide="ignore"):
        interval = np.where(cum > 1, (e_last - client_first) / np.maximum(cum - 1, 1), np.nan)
    del cum, client_first
    limit = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * interval)
    del interval
    e_death = e_last + np.floor(limit).astype(np.int64) + 1
    del limit
    last_of_client = np.ones(n_ev, dtype=bool)
    last_of_client[:-1] = e_code[1:] != e_code[:-1]
    next_first = np.full(n_ev, _NEVER, dtype=np.int64)
    next_first[:-1] = e_first[1:]
    next_first[last_of_client] = _NEVER
    e_dies = next_first > e_death
    e_revival = np.zeros(n_ev, dtype=bool)
    e_revival[1:] = e_dies[:-1] & ~last_of_client[:-1]
    return {
        "e_code": e_code,
        "e_first": e_first,
        "e_last": e_last,
        "e_stop": np.minimum(next_first, e_death),
        "e_dies": e_dies,
        "e_death": e_death,
        "e_birth": e_birth,
        "e_revival": e_revival,
    }


def _revenue_12m(rows: _Rows, ev_idx: np.ndarray) -> np.ndarray:
    """Revenue of the 12 months up to each order row's month (all rows, returns included)."""
    codes, months, revenue = rows.codes, rows.months, rows.revenue
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
    return crev[ev_idx] - np.where(lo >= 0, crev[np.maximum(lo, 0)], 0.0)


def _grid(months: np.ndarray, as_of_day: int, freq: str) -> tuple[int, int, np.ndarray]:
    """The period grid: from the first month of data to the last period complete by ``as_of``
    (first and last period number, and the first day of each period and of the one after)."""
    period_rows = months if freq == "M" else np.floor_divide(months, 3)
    p_last = int(_period_of_days(np.array([as_of_day]), freq)[0])
    _, last_end = _period_start_end(np.array([p_last]), freq)
    if last_end[0].astype(np.int64) > as_of_day:
        p_last -= 1  # the as_of quarter is not complete
    p0 = min(int(period_rows.min()), p_last)
    bounds, _ = _period_start_end(np.arange(p0, p_last + 2), freq)
    return p0, p_last, bounds


def _count(rel: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Per-period totals of events at period offsets ``rel`` (offsets outside 0…n−1 dropped)."""
    ok = (rel >= 0) & (rel < n)
    if weights is None:
        return np.bincount(rel[ok], minlength=n)[:n].astype(np.int64)
    return np.bincount(rel[ok], weights=weights[ok], minlength=n)[:n]


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
