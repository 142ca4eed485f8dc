"""The client-month panel: the one heavy aggregation over transactions.

Everything per period (snapshots, dynamics, churn cut-offs) is derived from the panel, so twelve
monthly reports or twenty training cut-offs do not rescan the transactions. The aggregation runs
in polars (lazily, straight from Parquet when given a path); everything after it is pandas/numpy.

Definitions
-----------
revenue
    Net amount of the month: returns (negative amounts) are netted. Summed exactly (in
    millionths, as integers), so the figure is the same whatever the number of threads.
orders
    Distinct ``order_id`` among the month's rows with ``amount > 0``. Without an ``order_id``
    column -- and for rows whose ``order_id`` is empty -- an order is a calendar day with a row
    of ``amount > 0``, so several lines of one day are one order. A return (``amount <= 0``)
    never makes an order by itself: a month with only returns has ``orders == 0``. An order whose
    lines fall in two calendar months counts in both. (Order ids are told apart by a 64-bit
    hash; two ids of one client and month sharing it -- odds about 1 in 3e19 -- count as one.)
first_order_day, last_order_day
    First and last day of the month with a purchase (a row with ``amount > 0``), normalised to
    midnight; NaT in a month with only returns (so that recency, tenure and the interval between
    orders are all measured on purchases, like ``orders``).
margin
    Sum of ``margin`` (missing values count as 0); only when the transactions carry it.

Snapshots in the middle of a month
----------------------------------
A snapshot ``as_of`` a day D uses the months before D's month from the panel. D's own month
comes from the panel too when D is the last day of the month or on or after the last
transaction (:attr:`Panel.start`/:attr:`Panel.end`); otherwise that one partial month is
aggregated on demand from the retained transaction source, filtered to the month up to D, and
cached per day. So a month-end ``as_of`` -- or any ``as_of`` after the data -- needs the monthly
panel only, and a mid-month cut-off costs one filtered aggregation of one month. (Keeping the
first/last transaction day per client-month, to skip the clients whose month does not
straddle D, was measured to add ~12 % to every build; the chosen way costs only mid-month
cut-offs.) The retained source is a polars frame holding a copy of the canonical columns (for
a pandas input), the polars frame itself, or the lazy Parquet scan (for a path: the file must
not change while the panel is in use; this is checked).

Memory and speed
----------------
Internally the panel is a set of numpy arrays sorted by (client code, month): int32 client
code into the sorted array of client ids, int32 month, float64 revenue/margin, int64 orders and
two int32 day numbers -- about 40 bytes per client-month. The aggregation, the sort and the
client codes all run in one polars query. :attr:`Panel.frame` is built on first use. Its
``client_id`` is an object column of Python strings shared between rows (8 bytes per row plus
one string per client); a Categorical would save little and changes ``value_counts`` and
``groupby`` behaviour for every downstream module, so it is not used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ..errors import InputError, MissingColumnError, ReportkitError
from ..io.dataset import Dataset
from ..io.schema import (
    AMOUNT,
    CLIENT_ID,
    CREATED,
    DATE,
    FIRST_ORDER_DAY,
    LAST_ORDER_DAY,
    MARGIN,
    MONTH,
    ORDER_ID,
    ORDERS,
    REVENUE,
)

__all__ = ["Panel", "build_panel"]

# private column names used inside the polars queries
_PURCHASE = "__purchase_date"
_ORDER_KEY = "__order_key"
_NO_ID = "__no_order_id"
_CODE = "__code"
_START = "__start"
_END = "__end"

_MAX_MONTHS = 1 << 15  # |months since 1970| must stay below this

NO_FIRST = np.iinfo(np.int32).max  # sentinel: no purchase in the month (first day)
NO_LAST = np.iinfo(np.int32).min  # sentinel: no purchase in the month (last day)


def _days_to_datetime(days: np.ndarray, missing: int | None = None) -> np.ndarray:
    """int day numbers (days since 1970-01-01) -> datetime64[ns], ``missing`` -> NaT."""
    out = days.astype("int64").astype("datetime64[D]").astype("datetime64[ns]")
    if missing is not None:
        out[days == missing] = np.datetime64("NaT")
    return out


def _months_to_datetime(months: np.ndarray) -> np.ndarray:
    """int month numbers (months since 1970-01) -> datetime64[ns] first day of the month."""
    return months.astype("int64").astype("datetime64[M]").astype("datetime64[ns]")


_EPOCH = pd.Timestamp("1970-01-01")


def month_of_day(day: int) -> int:
    return int(np.datetime64(int(day), "D").astype("datetime64[M]").astype("int64"))


def month_starts(m_lo: int, m_hi: int) -> np.ndarray:
    """First day (day number) of the months m_lo … m_hi (months since 1970-01)."""
    return (
        np.arange(m_lo, m_hi + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    )


@dataclass
class Rows:
    """Client-month rows as numpy arrays sorted by (code, month); code k is the k-th client id
    in lexical order. (reportkit.core.snapshot and reportkit.analysis.churn rely on that order.)"""

    code: np.ndarray
    month: np.ndarray
    revenue: np.ndarray
    orders: np.ndarray
    margin: np.ndarray | None
    first_day: np.ndarray  # first purchase day, NO_FIRST when none
    last_day: np.ndarray  # last purchase day, NO_LAST when none

    def __len__(self) -> int:
        return len(self.code)


# --- input normalisation --------------------------------------------------------------------


def _describe(data: Any) -> str:
    return f"a {type(data).__module__}.{type(data).__qualname__}"


def _to_lazy(data: Any) -> tuple[pl.LazyFrame, str, tuple | None]:
    """The transactions as a polars LazyFrame, a label for messages, and a file stamp."""
    if isinstance(data, Dataset):
        data = data.transactions
        if data is None:
            raise InputError(
                "the Dataset has no transactions table; load a folder or file that "
                "holds sales records (client_id, date, amount)."
            )
    if isinstance(data, pd.DataFrame):
        missing = [c for c in (CLIENT_ID, DATE, AMOUNT) if c not in data.columns]
        if missing:
            _raise_missing(missing, list(data.columns), "the transactions frame")
        cols = [c for c in (CLIENT_ID, DATE, AMOUNT, ORDER_ID, MARGIN) if c in data.columns]
        # a deep copy: the panel keeps the rows for mid-month snapshots and must not see later
        # in-place changes of the caller's frame
        frame = data[cols].copy(deep=True)
        try:
            return pl.from_pandas(frame).lazy(), "the transactions frame", None
        except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
            raise InputError(
                f"the transactions frame cannot be read ({exc}); columns must be "
                "client_id (text), date (datetime64), amount (numbers)."
            ) from None
    if isinstance(data, pl.DataFrame):
        return data.lazy(), "the transactions frame", None
    if isinstance(data, pl.LazyFrame):
        return data, "the transactions query", None
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        if not path.is_file():
            raise InputError(
                f"{path}: no such file; pass the path of a Parquet file of canonical "
                "transactions, or load other formats with reportkit.load()."
            )
        if path.suffix.lower() not in (".parquet", ".pq"):
            raise InputError(
                f"{path}: build_panel reads Parquet files only; load CSV or Excel "
                "files with reportkit.load() and pass the Dataset."
            )
        st = path.stat()
        return pl.scan_parquet(path), str(path), (str(path), st.st_mtime_ns, st.st_size)
    raise InputError(
        f"`data` must be a Dataset, a pandas or polars DataFrame of transactions, or "
        f"the path of a Parquet file, got {_describe(data)}"
    )


def _raise_missing(missing: list[str], present: list[str], label: str) -> None:
    raise MissingColumnError(
        f"{label}: required column(s) {', '.join(map(repr, missing))} not found (columns: "
        f"{', '.join(map(repr, present[:20]))}). Rename them to the canonical names "
        f"(client_id, date, amount) or load the raw file with reportkit.load(), which maps "
        f"common English and Russian headers."
    )


def _normalise(lf: pl.LazyFrame, label: str) -> tuple[pl.LazyFrame, bool, bool]:
    """Select and type the canonical columns; return (frame, has_order_id, has_margin)."""
    schema = lf.collect_schema()
    missing = [c for c in (CLIENT_ID, DATE, AMOUNT) if c not in schema]
    if missing:
        _raise_missing(missing, list(schema.names()), label)
    exprs = []
    cid = schema[CLIENT_ID]
    if cid == pl.String:
        exprs.append(pl.col(CLIENT_ID))
    elif cid.is_integer() or isinstance(cid, (pl.Categorical, pl.Enum)):
        exprs.append(pl.col(CLIENT_ID).cast(pl.String))
    else:
        raise InputError(
            f"{label}: column 'client_id' must hold text identifiers, got {cid}. "
            "Convert it to strings (ids such as '00123' must stay text)."
        )
    dt = schema[DATE]
    if isinstance(dt, pl.Datetime):
        date = pl.col(DATE)
        if dt.time_zone is not None:  # the local wall-clock date is the business date
            date = date.dt.replace_time_zone(None)
        exprs.append(date)
    elif dt == pl.Date:
        exprs.append(pl.col(DATE).cast(pl.Datetime("us")))
    else:
        raise InputError(
            f"{label}: column 'date' must hold dates (datetime64), got {dt}. "
            "Parse it first, e.g. with reportkit.load(), which reads dd.mm.yyyy and "
            "ISO dates."
        )
    amt = schema[AMOUNT]
    if not amt.is_numeric():
        raise InputError(
            f"{label}: column 'amount' must hold numbers (float64), got {amt}. "
            "Parse it first, e.g. with reportkit.load(), which reads decimal commas "
            "and thousands separators."
        )
    # a null amount becomes NaN so that it shows up in the sums and is reported
    exprs.append(pl.col(AMOUNT).cast(pl.Float64).fill_null(float("nan")))
    has_order = ORDER_ID in schema
    if has_order:
        exprs.append(pl.col(ORDER_ID).cast(pl.String))
    has_margin = MARGIN in schema
    if has_margin:
        if not schema[MARGIN].is_numeric():
            raise InputError(
                f"{label}: column 'margin' must hold numbers (float64), got {schema[MARGIN]}."
            )
        exprs.append(pl.col(MARGIN).cast(pl.Float64).fill_nan(None))
    return lf.select(exprs), has_order, has_margin


_MICRO = 1_000_000


def _exact_sum(column: str) -> pl.Expr:
    """A money sum that does not depend on the order of its terms: each value in millionths of
    the currency unit as a 128-bit integer, summed exactly, then back to float. A float sum
    taken by several threads differed in the last digits from run to run (and with the number
    of threads), and those digits reached the report. A NaN or infinite value makes the sum NaN
    (the caller reports the rows); missing values count 0."""
    col = pl.col(column)
    exact = (col * _MICRO).round().cast(pl.Int128, strict=False).sum().cast(pl.Float64) / _MICRO
    return pl.when(col.is_nan().any() | col.is_infinite().any()).then(float("nan")).otherwise(exact)


def _aggregate(
    lf: pl.LazyFrame, keys: list[str], has_order: bool, has_margin: bool, label: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Aggregate canonical transactions by ``keys`` (client_id and possibly month).

    Returns the keys plus ``revenue``, ``orders``, ``margin`` (with margin) and the first and
    last purchase day (int32 days since 1970-01-01, NO_FIRST / NO_LAST without one); and the
    first and last transaction dates of all rows.
    By month, ``month`` is the month number (months since 1970-01, int32), the rows are sorted
    by (client_id, month) and also hold the client code ``_CODE`` (0, 1, … in the order of
    client_id).
    """
    pos = pl.col(AMOUNT) > 0
    group = [pl.col(CLIENT_ID)]
    if MONTH in keys:  # months since 1970-01 (int32)
        group.append(
            (
                (pl.col(DATE).dt.year().cast(pl.Int32) - 1970) * 12
                + pl.col(DATE).dt.month().cast(pl.Int32)
                - 1
            ).alias(MONTH)
        )
    # n_unique counts a null as one more value: subtract it when present
    if has_order:
        has_id = pl.col(ORDER_ID).is_not_null() & (pl.col(ORDER_ID) != "")
        # distinct order ids are counted by their 64-bit hash: a per-group set of integers
        # instead of strings (measured 0.2 s less for 10 M lines). A miscount needs two
        # different ids of one client in one month with the same hash: odds of about 1 in
        # 3e19 per such pair (about 1e-12 for the whole 10 M-line benchmark).
        key = pl.when(pos & has_id).then(pl.col(ORDER_ID).hash()).alias(_ORDER_KEY)
    else:
        has_id = pl.lit(False)
        key = pl.when(pos).then(pl.col(DATE).dt.date()).alias(_ORDER_KEY)
    aggs = [
        _exact_sum(AMOUNT).alias(REVENUE),
        (pl.col(_ORDER_KEY).n_unique() - (pl.col(_ORDER_KEY).null_count() > 0).cast(pl.Int64))
        .cast(pl.Int64)
        .alias(ORDERS),
        # days since 1970-01-01 (int32), the sentinels when the month has no purchase
        pl.col(_PURCHASE).min().dt.date().cast(pl.Int32).fill_null(NO_FIRST).alias(FIRST_ORDER_DAY),
        pl.col(_PURCHASE).max().dt.date().cast(pl.Int32).fill_null(NO_LAST).alias(LAST_ORDER_DAY),
    ]
    if has_margin:
        aggs.append(_exact_sum(MARGIN).alias(MARGIN))
    try:
        query = (
            lf.with_columns(pl.when(pos).then(pl.col(DATE)).alias(_PURCHASE), key)
            .group_by(group)
            .agg(aggs)
        )
        if MONTH in keys:
            # sorting and coding the clients inside the query, where polars does it in
            # parallel, was measured as fast as every alternative tried: factorizing or sorting
            # the ids in pandas/arrow/numpy, or an integer sort on the id's hash followed by a
            # sort of the distinct ids and a move of whole clients (0.4 s faster in the query,
            # 0.4 s slower after it, for 10 M transactions / 3 M client-months on 2 cores)
            query = query.sort(CLIENT_ID, MONTH).with_columns(
                pl.col(CLIENT_ID).rle_id().cast(pl.Int32).alias(_CODE)
            )
        # the span of the data, and whether some purchases lack an order_id, in the same scan
        # (polars shares it between the two queries)
        span = lf.select(
            pl.col(DATE).min().alias(_START),
            pl.col(DATE).max().alias(_END),
            (pos & ~has_id).sum().alias(_NO_ID),
        )
        got, span_frame = pl.collect_all([query, span])
        if has_order and int(span_frame[_NO_ID][0]):
            # purchases without an order_id: one order per client and day (second pass, only
            # when such rows exist)
            days = (
                lf.filter(pos & ~has_id)
                .group_by(group)
                .agg(pl.col(DATE).dt.date().n_unique().cast(pl.Int64).alias(_NO_ID))
            )
            got = got.join(
                days.collect(), on=keys, how="left", nulls_equal=True, maintain_order="left"
            ).with_columns((pl.col(ORDERS) + pl.col(_NO_ID).fill_null(0)).alias(ORDERS))
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{label}: the transactions cannot be aggregated ({exc}).") from None
    return got, span_frame


def _bad_rows_error(lf: pl.LazyFrame, label: str) -> InputError:
    """Count the unusable rows (error path only) and say how to fix them."""
    lf = lf.with_row_index("__row")
    checks = {
        "no client_id": pl.col(CLIENT_ID).is_null() | (pl.col(CLIENT_ID) == ""),
        "no date": pl.col(DATE).is_null(),
        "no amount": pl.col(AMOUNT).is_nan(),
        "an infinite amount": pl.col(AMOUNT).is_infinite(),
    }
    parts = []
    for what, cond in checks.items():
        rows = lf.filter(cond).select("__row").collect()["__row"]
        if len(rows):
            parts.append(
                f"{len(rows):,} rows with {what} (rows {', '.join(map(str, rows[:5]))}"
                f"{', …' if len(rows) > 5 else ''}, counted from 0)"
            )
    if not parts:  # pragma: no cover - every way to get here is one of the checks
        parts.append("rows that cannot be aggregated")
    return InputError(
        f"{label}: {'; '.join(parts)}. Every transaction needs a client_id, a "
        "date and an amount; load the raw file with reportkit.load(), which "
        "rejects such rows and reports them, or drop them first."
    )


def _clients_table(clients: Any) -> pd.DataFrame | None:
    """(client_id, created) of the clients table, one row per client, or None."""
    if clients is None:
        return None
    if isinstance(clients, pl.DataFrame):
        clients = clients.to_pandas()
    if not isinstance(clients, pd.DataFrame):
        raise InputError(
            f"`clients` must be a pandas or polars DataFrame with a client_id "
            f"column, or None, got {_describe(clients)}"
        )
    if CLIENT_ID not in clients.columns:
        _raise_missing([CLIENT_ID], list(clients.columns), "the clients table")
    ids = clients[CLIENT_ID]
    bad = ids.isna() | (ids.astype("str") == "")
    if bad.any():
        rows = list(clients.index[bad.to_numpy()][:5])
        raise InputError(
            f"the clients table: {int(bad.sum()):,} rows have no client_id (index "
            f"{', '.join(map(str, rows))}). Drop them or load the file with "
            "reportkit.load()."
        )
    if CREATED in clients.columns:
        created = clients[CREATED]
        if not pd.api.types.is_datetime64_any_dtype(created):
            raise InputError(
                f"the clients table: column 'created' must hold dates "
                f"(datetime64), got {created.dtype}. Parse it first, e.g. with "
                "reportkit.load()."
            )
        if getattr(created.dt, "tz", None) is not None:
            created = created.dt.tz_localize(None)
        created = created.astype("datetime64[ns]")
    else:
        created = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
    table = pd.DataFrame(
        {CLIENT_ID: ids.astype("str").to_numpy(dtype=object), CREATED: created.to_numpy()}
    )
    # a client listed twice keeps its earliest creation date
    return table.groupby(CLIENT_ID, sort=True, dropna=False)[CREATED].min().reset_index()


# --- the panel ------------------------------------------------------------------------------


class Panel:
    """Client × month aggregation of the transactions; build it with :func:`build_panel`.

    Attributes
    ----------
    frame : DataFrame
        One row per (client, month) with at least one transaction, sorted by client_id and
        month: ``client_id`` (str), ``month`` (datetime64[ns], first day of the month),
        ``revenue`` (net, returns netted), ``orders`` (int64), ``margin`` (only when the
        transactions carry it), ``first_order_day`` and ``last_order_day`` (datetime64[ns], NaT
        in a month with returns only). See the module docstring for the exact definitions.
    leads : DataFrame
        Clients of the clients table with no transaction at all: ``client_id``, ``created``.
    has_margin : bool
        Whether the transactions carry a margin.
    orders_from : {"order_id", "date"}
        What an order is: a distinct order_id, or a distinct day with a purchase.
    start, end : Timestamp
        Days of the first and last transaction (NaT when there is none).
    n_clients : int
        Clients with at least one transaction.
    """

    def __init__(
        self,
        *,
        ids: np.ndarray,
        rows: Rows,
        start: pd.Timestamp,
        end: pd.Timestamp,
        has_txn: np.ndarray,
        in_clients: np.ndarray,
        created: np.ndarray,
        has_order: bool,
        has_margin: bool,
        source: pl.LazyFrame | None,
        stamp: tuple | None,
        label: str,
    ) -> None:
        self._ids = ids  # sorted object array of every known client id
        self._rows = rows
        self._has_txn = has_txn  # per id
        self._in_clients = in_clients  # per id: listed in the clients table
        self._created = created  # per id: datetime64[ns], NaT when unknown
        self._has_order = has_order
        self.has_margin = has_margin
        self._source = source
        self._stamp = stamp
        self._label = label
        self._partials: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
        self.start = start
        self.end = end
        self._end_day = int((end - _EPOCH).days) if len(rows) else None

    # -- public views ----------------------------------------------------------------------
    @property
    def orders_from(self) -> str:
        return ORDER_ID if self._has_order else DATE

    @property
    def n_clients(self) -> int:
        return int(self._has_txn.sum())

    # --- the internal API of core.snapshot and the analyses (read only) ----------------------
    @property
    def rows(self) -> Rows:
        """Every client-month row, each client's rows together and months ascending (codes
        index :attr:`ids`)."""
        return self._rows

    @property
    def ids(self) -> np.ndarray:
        """Every known client id, sorted (the codes of :attr:`rows` index it)."""
        return self._ids

    @property
    def id_index(self) -> pd.Index:
        """:attr:`ids` as an Index, to find the code of a client id."""
        return self._id_index

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        span = f"{self.start:%Y-%m-%d} … {self.end:%Y-%m-%d}" if len(self) else "no transactions"
        return (
            f"Panel({len(self):,} client-months, {self.n_clients:,} clients, "
            f"{int((self._in_clients & ~self._has_txn).sum()):,} leads, {span}, "
            f"orders from {self.orders_from}{', with margin' if self.has_margin else ''})"
        )

    @cached_property
    def frame(self) -> pd.DataFrame:
        r = self._rows
        cols: dict[str, Any] = {
            CLIENT_ID: pd.Series(self._ids[r.code], dtype=object),
            MONTH: _months_to_datetime(r.month),
            REVENUE: r.revenue.copy(),
            ORDERS: r.orders.copy(),
        }
        if r.margin is not None:
            cols[MARGIN] = r.margin.copy()
        cols[FIRST_ORDER_DAY] = _days_to_datetime(r.first_day, NO_FIRST)
        cols[LAST_ORDER_DAY] = _days_to_datetime(r.last_day, NO_LAST)
        return pd.DataFrame(cols, copy=False)

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`frame`."""
        return self.frame.copy()

    @cached_property
    def leads(self) -> pd.DataFrame:
        idx = np.flatnonzero(self._in_clients & ~self._has_txn)
        return pd.DataFrame(
            {CLIENT_ID: pd.Series(self._ids[idx], dtype=object), CREATED: self._created[idx]}
        )

    # -- rows as of a day (used by reportkit.core.snapshot) --------------------------------------
    def rows_as_of(self, day: int) -> Rows:
        """The rows of the transactions dated on or before ``day`` (days since 1970-01-01).

        The months before the month of ``day`` as they are; that month itself as it is when
        ``day`` is its last day or on or after the last transaction, otherwise aggregated up
        to ``day`` from the retained transactions (once per day, cached).
        """
        r = self._rows
        m_a = month_of_day(day)
        complete = self._end_day is None or day >= self._end_day or month_of_day(day + 1) != m_a
        if complete and (len(r) == 0 or int(r.month.max()) <= m_a):
            return r  # every row counts, as it is (read only)
        idx = np.flatnonzero(r.month <= m_a)
        out = Rows(
            code=r.code[idx],
            month=r.month[idx],
            revenue=r.revenue[idx],
            orders=r.orders[idx],
            margin=None if r.margin is None else r.margin[idx],
            first_day=r.first_day[idx],
            last_day=r.last_day[idx],
        )
        if complete:
            return out
        current = np.flatnonzero(out.month == m_a)
        codes, part = self._partial(day)
        j = np.minimum(np.searchsorted(codes, out.code[current]), max(len(codes) - 1, 0))
        found = (codes[j] == out.code[current]) if len(codes) else np.zeros(len(current), bool)
        if int(found.sum()) != len(codes):
            raise ReportkitError(
                f"{self._label}: the transactions changed after the panel was built (the month "
                f"up to {np.datetime64(day, 'D')} does not match the panel); call build_panel() "
                "again."
            )
        pos, j = current[found], j[found]
        out.revenue[pos] = part[REVENUE][j]
        out.orders[pos] = part[ORDERS][j]
        out.first_day[pos] = part[FIRST_ORDER_DAY][j]
        out.last_day[pos] = part[LAST_ORDER_DAY][j]
        if out.margin is not None:
            out.margin[pos] = part[MARGIN][j]
        drop = current[~found]  # clients whose month starts after `day`
        if len(drop):
            keep = np.ones(len(out), dtype=bool)
            keep[drop] = False
            out = Rows(
                code=out.code[keep],
                month=out.month[keep],
                revenue=out.revenue[keep],
                orders=out.orders[keep],
                margin=None if out.margin is None else out.margin[keep],
                first_day=out.first_day[keep],
                last_day=out.last_day[keep],
            )
        return out

    def _partial(self, day: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Aggregate the month of ``day`` up to ``day`` from the retained source, cached."""
        if day in self._partials:
            return self._partials[day]
        if self._source is None:  # pragma: no cover - panels always keep their source
            raise ReportkitError("this panel keeps no transactions; build it with build_panel().")
        if self._stamp is not None:
            path, mtime, size = self._stamp
            try:
                st = os.stat(path)
                changed = (st.st_mtime_ns, st.st_size) != (mtime, size)
            except OSError:
                changed = True
            if changed:
                raise ReportkitError(
                    f"{path}: the file changed or disappeared after the panel "
                    "was built; call build_panel() again."
                )
        lo = pd.Timestamp(np.datetime64(month_of_day(day), "M")).to_pydatetime()
        hi = pd.Timestamp(np.datetime64(day + 1, "D")).to_pydatetime()
        got, _ = _aggregate(
            self._source.filter((pl.col(DATE) >= lo) & (pl.col(DATE) < hi)),
            [CLIENT_ID],
            self._has_order,
            self.has_margin,
            self._label,
        )
        codes = self._id_index.get_indexer(got[CLIENT_ID].to_pandas())
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        part = {
            REVENUE: got[REVENUE].to_numpy()[order],
            ORDERS: got[ORDERS].to_numpy()[order],
            FIRST_ORDER_DAY: got[FIRST_ORDER_DAY].to_numpy()[order],
            LAST_ORDER_DAY: got[LAST_ORDER_DAY].to_numpy()[order],
        }
        if self.has_margin:
            part[MARGIN] = got[MARGIN].to_numpy()[order]
        self._partials[day] = (codes, part)
        return codes, part

    @cached_property
    def _id_index(self) -> pd.Index:
        return pd.Index(self._ids, dtype=object)


_ROW_COLUMNS = (MONTH, REVENUE, ORDERS, MARGIN, FIRST_ORDER_DAY, LAST_ORDER_DAY)


def _client_rows(
    got: pl.DataFrame, has_margin: bool
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The client codes of the sorted rows of :func:`_aggregate` by month, the sorted ids
    (object array), and the columns month, revenue, orders, margin (with margin), first and
    last purchase day as numpy arrays."""
    names = [c for c in _ROW_COLUMNS if c != MARGIN or has_margin]
    columns = {c: got[c].to_numpy() for c in names}
    if len(got) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=object), columns
    month = columns[MONTH]
    if int(month.min()) <= -_MAX_MONTHS or int(month.max()) >= _MAX_MONTHS:
        raise InputError(
            "the transactions have dates more than 2,700 years from 1970; check the date column."
        )
    code = got[_CODE].to_numpy()
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    return code, np.asarray(got[CLIENT_ID].gather(starts).to_numpy(), dtype=object), columns


def build_panel(data: Any, *, clients: pd.DataFrame | pl.DataFrame | None = None) -> Panel:
    """Aggregate transactions to one row per client and month.

    Parameters
    ----------
    data : Dataset, pandas or polars DataFrame, polars LazyFrame, or path
        Canonical transactions (``client_id``, ``date``, ``amount``; optional ``order_id``,
        ``margin``; other columns are ignored). A path must be a Parquet file; it is scanned
        lazily with polars. A Dataset also provides the clients table.
    clients : DataFrame or None, default None
        Clients table (``client_id``, optional ``created``) whose clients without transactions
        become :attr:`Panel.leads`. None uses ``data.clients`` when ``data`` is a Dataset.

    Returns
    -------
    Panel
        ``Panel.frame`` holds ``client_id``, ``month``, ``revenue``, ``orders``, ``margin``
        (only with margin), ``first_order_day``, ``last_order_day``; see :class:`Panel` and the
        module docstring for the exact definitions (returns netted; orders counted from rows
        with ``amount > 0``; days of purchases, normalised to midnight).

    Raises
    ------
    InputError
        Missing columns, wrongly typed columns, or rows without client_id, date or amount.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "client_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-05 10:00", "2024-01-05 12:00", "2024-01-20 09:00",
    ...                             "2024-02-03 18:30"]),
    ...     "amount": [100.0, 50.0, -30.0, 80.0]})
    >>> panel = build_panel(tx)
    >>> panel.frame
      client_id      month  revenue  orders first_order_day last_order_day
    0         a 2024-01-01    120.0       1      2024-01-05     2024-01-05
    1         b 2024-02-01     80.0       1      2024-02-03     2024-02-03
    >>> len(panel), panel.orders_from, str(panel.end.date())
    (2, 'date', '2024-02-03')
    """
    if isinstance(data, Dataset) and clients is None:
        clients = data.clients
    raw, label, stamp = _to_lazy(data)
    lf, has_order, has_margin = _normalise(raw, label)
    clients_table = _clients_table(clients)

    got, span = _aggregate(lf, [CLIENT_ID, MONTH], has_order, has_margin, label)
    bad_keys = got[CLIENT_ID].is_null() | (got[CLIENT_ID] == "") | got[MONTH].is_null()
    if bool(bad_keys.any()) or not bool(got[REVENUE].is_finite().all()):
        raise _bad_rows_error(lf, label)

    code, tx_ids, cols = _client_rows(got, has_margin)
    if clients_table is not None and len(clients_table):
        all_ids = pd.Index(tx_ids, dtype=object).union(
            pd.Index(clients_table[CLIENT_ID].to_numpy(), dtype=object)
        )
        ids = np.asarray(all_ids, dtype=object)
        code = all_ids.get_indexer(tx_ids).astype(np.int32)[code]
    else:
        ids = tx_ids
    n_ids = len(ids)

    rows = Rows(
        code=code,
        month=cols[MONTH].astype(np.int32, copy=False),
        revenue=cols[REVENUE].astype(np.float64, copy=False),
        orders=cols[ORDERS].astype(np.int64, copy=False),
        margin=cols[MARGIN].astype(np.float64, copy=False) if has_margin else None,
        first_day=cols[FIRST_ORDER_DAY].astype(np.int32, copy=False),
        last_day=cols[LAST_ORDER_DAY].astype(np.int32, copy=False),
    )
    start, end = (
        pd.Timestamp(span[c][0]).normalize() if len(rows) else pd.NaT for c in (_START, _END)
    )

    has_txn = np.zeros(n_ids, dtype=bool)
    has_txn[rows.code] = True
    in_clients = np.zeros(n_ids, dtype=bool)
    created = np.full(n_ids, np.datetime64("NaT"), dtype="datetime64[ns]")
    if clients_table is not None and len(clients_table):
        pos = all_ids.get_indexer(clients_table[CLIENT_ID].to_numpy())
        in_clients[pos] = True
        created[pos] = clients_table[CREATED].to_numpy()
    return Panel(
        ids=ids,
        rows=rows,
        start=start,
        end=end,
        has_txn=has_txn,
        in_clients=in_clients,
        created=created,
        has_order=has_order,
        has_margin=has_margin,
        source=lf,
        stamp=stamp,
        label=label,
    )
