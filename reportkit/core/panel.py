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
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ..errors import InputError, ReportkitError
from ..io.config import Config, with_overrides
from ..io.dataset import Dataset
from ..io.load import load
from ..io.schema import (
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
    TRANSACTIONS,
)
from ..io.sql import Accounting
from .aggregate import (
    _CODE,
    _END,
    _START,
    NO_FIRST,
    NO_LAST,
    _aggregate,
    _bad_rows_error,
    _clients_table,
    _normalise,
    _to_lazy,
)
from .outofcore import DuckDBSource, SparkSource, is_spark_frame

__all__ = ["Panel", "build_panel"]

_MAX_MONTHS = 1 << 15  # |months since 1970| must stay below this


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
        source: pl.LazyFrame | DuckDBSource | SparkSource | None,
        stamp: tuple | None,
        label: str,
        accounting: Accounting | None = None,
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
        #: how every scanned line was used, when an out-of-core or Spark scan built the panel
        self.accounting = accounting
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
        lo = pd.Timestamp(np.datetime64(month_of_day(day), "M"))
        hi = pd.Timestamp(np.datetime64(day + 1, "D"))
        if isinstance(self._source, pl.LazyFrame):
            self._check_stamp()
            got, _ = _aggregate(
                self._source.filter(
                    (pl.col(DATE) >= lo.to_pydatetime()) & (pl.col(DATE) < hi.to_pydatetime())
                ),
                [CLIENT_ID],
                self._has_order,
                self.has_margin,
                self._label,
            )
        else:
            if self._source.changed():
                raise ReportkitError(
                    f"{self._label}: the files changed or disappeared after the panel was "
                    "built; call build_panel() again."
                )
            got = self._source.part(lo, hi)
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

    def _check_stamp(self) -> None:
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


def _known_ids(
    tx_ids: np.ndarray, code: np.ndarray, clients_table: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every known client id (of the transactions and of the clients table), sorted; the row
    codes into it; and per id whether the clients table lists it and its creation date."""
    if clients_table is None or not len(clients_table):
        n_ids = len(tx_ids)
        created = np.full(n_ids, np.datetime64("NaT"), dtype="datetime64[ns]")
        return tx_ids, code, np.zeros(n_ids, dtype=bool), created
    all_ids = pd.Index(tx_ids, dtype=object).union(
        pd.Index(clients_table[CLIENT_ID].to_numpy(), dtype=object)
    )
    ids = np.asarray(all_ids, dtype=object)
    code = all_ids.get_indexer(tx_ids).astype(np.int32)[code]
    n_ids = len(ids)
    in_clients = np.zeros(n_ids, dtype=bool)
    created = np.full(n_ids, np.datetime64("NaT"), dtype="datetime64[ns]")
    pos = all_ids.get_indexer(clients_table[CLIENT_ID].to_numpy())
    in_clients[pos] = True
    created[pos] = clients_table[CREATED].to_numpy()
    return ids, code, in_clients, created


def _typed_rows(code: np.ndarray, cols: dict[str, np.ndarray], has_margin: bool) -> Rows:
    """The columns of :func:`_client_rows` in the dtypes of :class:`Rows` (no copy when they
    already have them)."""
    return Rows(
        code=code,
        month=cols[MONTH].astype(np.int32, copy=False),
        revenue=cols[REVENUE].astype(np.float64, copy=False),
        orders=cols[ORDERS].astype(np.int64, copy=False),
        margin=cols[MARGIN].astype(np.float64, copy=False) if has_margin else None,
        first_day=cols[FIRST_ORDER_DAY].astype(np.int32, copy=False),
        last_day=cols[LAST_ORDER_DAY].astype(np.int32, copy=False),
    )


def build_panel(
    data: Any,
    *,
    clients: pd.DataFrame | pl.DataFrame | None = None,
    engine: str = "auto",
    memory_limit: str | None = None,
) -> Panel:
    """Aggregate transactions to one row per client and month.

    Parameters
    ----------
    data : Dataset, pandas or polars DataFrame, polars LazyFrame, PySpark DataFrame, or path
        Canonical transactions (``client_id``, ``date``, ``amount``; optional ``order_id``,
        ``margin``; other columns are ignored). A path to one Parquet file of canonical columns
        is scanned lazily by polars; any other path (a file, a folder, Parquet or CSV parts, a
        glob such as ``"lake/sales/*.parquet"``) is read as :func:`reportkit.load` reads it
        (headers mapped, values checked, repeats and bad rows rejected and counted), in
        memory or out of core by ``engine``. A Dataset also provides the clients table; one
        loaded out of core is aggregated by DuckDB and its load report's counts are filled
        in. A PySpark DataFrame is aggregated inside its Spark session (the same SQL text as
        DuckDB) and only the client-month rows come back.
    clients : DataFrame or None, default None
        Clients table (``client_id``, optional ``created``) whose clients without transactions
        become :attr:`Panel.leads`. None uses ``data.clients`` when ``data`` is a Dataset.
    engine : {"auto", "memory", "duckdb"}, default "auto"
        For a path: "memory" loads the lines; "duckdb" aggregates them out of core (memory
        follows the client-months, not the lines); "auto" takes DuckDB from
        ``[load] out_of_core_rows`` lines on (20 million). Ignored for frames.
    memory_limit : str, optional
        DuckDB's memory limit, such as "4GB" (default: 40 % of the machine's memory, at most
        8 GB); it spills to a temporary folder beyond it.

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
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
    source, data_in_memory = _sql_source(data, engine, memory_limit)
    if isinstance(data_in_memory, Dataset) and clients is None:
        clients = data_in_memory.clients  # a folder's clients table, read with its sales
    clients_table = _clients_table(clients)
    if source is None:
        return _polars_panel(data_in_memory, clients_table)
    got, span, acc = source.months()
    for ds in (data, data_in_memory):
        if isinstance(ds, Dataset) and ds.scan is not None:
            _fill_report(ds, acc)
    return _assemble(got, span, clients_table, source, None, source.label, acc)


#: the engines of :func:`build_panel`
ENGINES = ("auto", "memory", "duckdb")


def _sql_source(
    data: Any, engine: str, memory_limit: str | None
) -> tuple[DuckDBSource | SparkSource | None, Any]:
    """The SQL engine that aggregates ``data`` (None for the in-memory polars query), and
    the data for the polars query (a folder read in memory becomes a lazy scan of its parts)."""
    if is_spark_frame(data):
        return SparkSource(data), None
    if isinstance(data, Dataset) and data.scan is not None:
        if engine == "memory":
            raise InputError(
                f"{data.scan.label}: this Dataset was loaded out of core (its lines are not in "
                'memory); load it again with [load] engine = "memory" to aggregate in memory.'
            )
        if memory_limit:
            data.scan.memory_limit = memory_limit
        return DuckDBSource(data.scan), None
    if not isinstance(data, (str, os.PathLike)):
        return None, data
    text = os.fspath(data)
    if engine != "duckdb" and os.path.isfile(text) and text.lower().endswith((".parquet", ".pq")):
        return None, data  # one Parquet file of canonical columns: polars scans it lazily
    if not os.path.exists(text) and not any(ch in text for ch in "*?["):
        raise InputError(
            f"{text}: no such file or folder; pass a Parquet file, a folder of Parquet or "
            "CSV parts, or a glob such as 'lake/sales/*.parquet'."
        )
    # read as reportkit.load reads files (the headers mapped, values checked, rows counted),
    # in memory or out of core
    overrides: dict[str, Any] = {"engine": engine}
    if memory_limit:
        overrides["memory_limit"] = memory_limit
    dataset = load(text, with_overrides(Config(), {"load": overrides}))
    if dataset.scan is not None:
        return DuckDBSource(dataset.scan), dataset
    return None, dataset


def _fill_report(dataset: Dataset, acc: Accounting) -> None:
    """The transactions' load report completed with the counts of the out-of-core scan."""
    rep = dataset.reports.get(TRANSACTIONS)
    if rep is None:
        return
    acc.fill(rep)


def _polars_panel(data: Any, clients_table: pd.DataFrame | None) -> Panel:
    raw, label, stamp = _to_lazy(data)
    lf, has_order, has_margin = _normalise(raw, label)
    got, span = _aggregate(lf, [CLIENT_ID, MONTH], has_order, has_margin, label)
    bad_keys = got[CLIENT_ID].is_null() | (got[CLIENT_ID] == "") | got[MONTH].is_null()
    if bool(bad_keys.any()) or not bool(got[REVENUE].is_finite().all()):
        raise _bad_rows_error(lf, label)
    return _assemble(got, span, clients_table, lf, stamp, label, None, has_order, has_margin)


def _assemble(
    got: pl.DataFrame,
    span: pl.DataFrame,
    clients_table: pd.DataFrame | None,
    source: Any,
    stamp: tuple | None,
    label: str,
    acc: Accounting | None,
    has_order: bool | None = None,
    has_margin: bool | None = None,
) -> Panel:
    """The Panel of the aggregated rows (sorted by client and month, with client codes)."""
    if has_order is None:
        has_order, has_margin = source.has_order, source.has_margin
    assert has_margin is not None
    code, tx_ids, cols = _client_rows(got, has_margin)
    ids, code, in_clients, created = _known_ids(tx_ids, code, clients_table)
    rows = _typed_rows(code, cols, has_margin)
    start, end = (
        pd.Timestamp(span[c][0]).normalize() if len(rows) else pd.NaT for c in (_START, _END)
    )
    has_txn = np.zeros(len(ids), dtype=bool)
    has_txn[rows.code] = True
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
        source=source,
        stamp=stamp,
        label=label,
        accounting=acc,
    )
