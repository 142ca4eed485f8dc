"""The transactions as a polars query, and the one aggregation the panel is made of.

:func:`_to_lazy` takes what :func:`reportkit.core.panel.build_panel` is given (a Dataset, a
pandas or polars frame, a lazy query or a Parquet path) to a polars LazyFrame, and
:func:`_normalise` selects and types the canonical columns; :func:`_aggregate` sums them by
client (and month) in one polars query. The definitions of revenue, orders and the purchase
days are those of :mod:`reportkit.core.panel` (its module docstring); :func:`_clients_table`
reads the clients table whose clients without transactions become the panel's leads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from ..errors import InputError, MissingColumnError
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
from ..io.sql import _CODE, _END, _START, NO_FIRST, NO_LAST

# private column names used inside the polars queries
_PURCHASE = "__purchase_date"
_ORDER_KEY = "__order_key"
_NO_ID = "__no_order_id"


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
    """A money sum that does not depend on the order of its terms, in millionths of the
    currency unit (:func:`_from_micros` divides): each value as a 128-bit integer, summed
    exactly, then back to float. A float sum taken by several threads differed in the last
    digits from run to run (and with the number of threads), and those digits reached the
    report. A NaN or infinite value makes the sum NaN (the caller reports the rows); missing
    values count 0. Values are rounded half away from zero, as SQL's ROUND does."""
    col = pl.col(column)
    exact = (
        (col * _MICRO)
        .round(0, mode="half_away_from_zero")
        .cast(pl.Int128, strict=False)
        .sum()
        .cast(pl.Float64)
    )
    return pl.when(col.is_nan().any() | col.is_infinite().any()).then(float("nan")).otherwise(exact)


def _from_micros(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The sums of :func:`_exact_sum` in currency units, divided by numpy: polars divides a
    column by a constant as a multiplication by its inverse (-30100000 × 1e-6 gives
    -30.099999999999998), where a true division gives -30.1 like DuckDB and Spark SQL."""
    return frame.with_columns(
        pl.Series(c, frame.get_column(c).to_numpy() / _MICRO) for c in columns if c in frame.columns
    )


def _order_key(pos: pl.Expr, has_order: bool) -> tuple[pl.Expr, pl.Expr]:
    """Whether a row has an order id, and the key whose distinct values are a group's orders
    (null for a row that makes no order: a return, or a purchase without an order id)."""
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
    return has_id, key


def _sums(has_margin: bool) -> list[pl.Expr]:
    """The aggregations of a group: revenue, orders, first and last purchase day, margin."""
    aggs = [
        _exact_sum(AMOUNT).alias(REVENUE),
        # n_unique counts a null as one more value: subtract it when present
        (pl.col(_ORDER_KEY).n_unique() - (pl.col(_ORDER_KEY).null_count() > 0).cast(pl.Int64))
        .cast(pl.Int64)
        .alias(ORDERS),
        # days since 1970-01-01 (int32), the sentinels when the month has no purchase
        pl.col(_PURCHASE).min().dt.date().cast(pl.Int32).fill_null(NO_FIRST).alias(FIRST_ORDER_DAY),
        pl.col(_PURCHASE).max().dt.date().cast(pl.Int32).fill_null(NO_LAST).alias(LAST_ORDER_DAY),
    ]
    if has_margin:
        aggs.append(_exact_sum(MARGIN).alias(MARGIN))
    return aggs


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
    has_id, key = _order_key(pos, has_order)
    aggs = _sums(has_margin)
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
        got = _from_micros(got, [REVENUE, MARGIN])
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
