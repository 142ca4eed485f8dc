"""The panel's aggregation outside polars: DuckDB over files (out of core), Spark SQL in place.

Both run :data:`reportkit.io.sql.PANEL_SQL`, the one text of the aggregation, and return
what :func:`reportkit.core.aggregate._aggregate` returns, plus the row accounting.

DuckDB
    Runs with a memory limit (``[load] memory_limit``; default 40 % of the machine's memory, at
    most 8 GB) and spills to a temporary folder beside the system's temp folder (or
    ``[load] spill_dir``), so the peak follows the client-months, not the lines (measured in
    ``benchmarks/ENGINES.md``: 30M lines, 12M client-months, 1 GB limit: 1.68 GB peak). Chosen
    over polars' streaming engine, whose peak followed the lines and which has no limit to set.
Spark
    The user's DataFrame is registered as a temporary view and the same text runs through
    ``spark.sql``; only the client-month rows come back (as Arrow). Dates are read as the
    wall-clock time of the session's time zone (``spark.sql.session.timeZone``), the business's
    local time, for the months, the days and the span alike. The lines the out-of-core scan
    rejects for their values (no client id, no date, an unusable or implausible amount) are
    counted the same way; column types the in-memory panel refuses are refused before Spark
    runs anything. Exact duplicate lines are kept, as in memory.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import polars as pl

from ..errors import InputError
from ..io.reasons import _HUGE, BAD_AMOUNT, BAD_DATE, DUPLICATE_ROW, HUGE_AMOUNT, MISSING_ID
from ..io.scan import Scan, aggregate_scan
from ..io.schema import AMOUNT, CLIENT_ID, DATE, MARGIN, ORDER_ID
from ..io.sql import Accounting, from_result, panel_sql

__all__ = ["DuckDBSource", "SparkSource", "is_spark_frame"]


class DuckDBSource:
    """Transactions files scanned by DuckDB (see :mod:`reportkit.io.scan`)."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.label = scan.label
        self.has_order = scan.has_order
        self.has_margin = scan.has_margin
        self._stamp = scan.stamp()

    def changed(self) -> bool:
        try:
            return self.scan.stamp() != self._stamp
        except OSError:
            return True

    def months(self) -> tuple[pl.DataFrame, pl.DataFrame, Accounting]:
        """The client-month rows, the span, and how every line was used (the load's scan,
        used once, when it is kept; else a new scan)."""
        if self.scan.result is not None:
            got, span, acc = self.scan.result
            self.scan.result = None  # the dataset no longer holds the rows
            return got, span, acc
        return aggregate_scan(self.scan)

    def part(self, start: pd.Timestamp, end: pd.Timestamp) -> pl.DataFrame:
        """Per client, the lines dated ``start <= date < end`` (one month at most)."""
        return aggregate_scan(self.scan, start, end)[0]


def is_spark_frame(data: Any) -> bool:
    """Whether ``data`` is a PySpark DataFrame (told by its type, pyspark is not imported)."""
    mod = type(data).__module__
    return mod.startswith("pyspark.") and type(data).__name__ == "DataFrame"


_SPARK_INTEGERS = ("tinyint", "smallint", "int", "bigint")
_SPARK_NUMBERS = (*_SPARK_INTEGERS, "float", "double", "decimal")


def _check_spark_types(dtypes: dict[str, str]) -> None:
    """Refuse the column types the in-memory panel refuses (see
    :func:`reportkit.core.aggregate._normalise`): text ids or integers, dates or timestamps,
    numbers. Spark's ANSI mode (the default from Spark 4) would otherwise stop the whole query
    on the first value a cast cannot read, and a float id would become text such as "12.0".
    """
    label = "the Spark DataFrame"

    def base(name: str) -> str:
        return dtypes[name].split("(")[0].lower()

    if base(CLIENT_ID) not in ("string", "varchar", "char", *_SPARK_INTEGERS):
        raise InputError(
            f"{label}: column 'client_id' must hold text identifiers, got {dtypes[CLIENT_ID]}. "
            "Cast it to strings (ids such as '00123' must stay text)."
        )
    if base(DATE) not in ("timestamp", "timestamp_ntz", "date"):
        raise InputError(
            f"{label}: column 'date' must hold dates or timestamps, got {dtypes[DATE]}. "
            "Parse it first, e.g. with pyspark.sql.functions.to_timestamp."
        )
    for name in (AMOUNT, MARGIN):
        if name in dtypes and base(name) not in _SPARK_NUMBERS:
            raise InputError(
                f"{label}: column {name!r} must hold numbers, got {dtypes[name]}. Cast it "
                "to double first (decimal commas and thousands separators removed)."
            )


class SparkSource:
    """A PySpark DataFrame of canonical transactions, aggregated inside its Spark session."""

    def __init__(self, frame: Any) -> None:
        names = list(frame.columns)
        missing = [c for c in (CLIENT_ID, DATE, AMOUNT) if c not in names]
        if missing:
            raise InputError(
                f"the Spark DataFrame: required column(s) {', '.join(map(repr, missing))} not "
                f"found (columns: {', '.join(map(repr, names[:20]))}). Select or rename them "
                "to client_id, date, amount (optional order_id, margin) first."
            )
        _check_spark_types(dict(frame.dtypes))
        self.frame = frame
        self.label = "the Spark DataFrame"
        self.has_order = ORDER_ID in names
        self.has_margin = MARGIN in names
        self.view = f"rk_tx_{uuid.uuid4().hex[:12]}"

    def changed(self) -> bool:
        return False

    def _relation(self) -> str:
        """The lines as :data:`~reportkit.io.sql.PANEL_SQL` reads them, with the reasons of the
        out-of-core scan that apply to typed columns (see :func:`_check_spark_types`).

        Dates become TIMESTAMP_NTZ: the wall-clock time in the session's time zone, so that
        months, days and the span (returned as Arrow) are all the business's local time.
        """
        order = f"NULLIF(trim(CAST({ORDER_ID} AS STRING)), '')" if self.has_order else "NULL"
        margin = f"CAST({MARGIN} AS DOUBLE)" if self.has_margin else "CAST(NULL AS DOUBLE)"
        finite = "abs({0}) < double('infinity')"  # false for NaN and ±infinity
        return (
            "(SELECT rk_client, rk_date, rk_amount, CAST(rk_order AS STRING) AS rk_order, "
            f"CASE WHEN {finite.format('rk_margin')} THEN rk_margin END AS rk_margin, "
            f"CASE WHEN rk_client IS NULL OR rk_client = '' THEN '{MISSING_ID}' "
            f"WHEN rk_date IS NULL THEN '{BAD_DATE}' "
            f"WHEN rk_amount IS NULL OR NOT {finite.format('rk_amount')} THEN '{BAD_AMOUNT}' "
            f"WHEN abs(rk_amount) >= {_HUGE:.0f} THEN '{HUGE_AMOUNT}' END AS rk_reason, "
            "CAST(1 AS BIGINT) AS rk_copies FROM ("
            f"SELECT trim(CAST({CLIENT_ID} AS STRING)) AS rk_client, "
            f"CAST({DATE} AS TIMESTAMP_NTZ) AS rk_date, CAST({AMOUNT} AS DOUBLE) AS rk_amount, "
            f"{order} AS rk_order, {margin} AS rk_margin FROM {self.view}))"
        )

    def _run(self, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pl.DataFrame:
        session = self.frame.sparkSession
        self.frame.createOrReplaceTempView(self.view)
        try:
            out = session.sql(panel_sql(self._relation(), start, end))
            table = out.toArrow() if hasattr(out, "toArrow") else None
            result = pl.from_arrow(table) if table is not None else pl.from_pandas(out.toPandas())
        finally:
            session.catalog.dropTempView(self.view)
        assert isinstance(result, pl.DataFrame)
        return result

    def months(self) -> tuple[pl.DataFrame, pl.DataFrame, Accounting]:
        return from_result(self._run(None, None), self.has_margin, DUPLICATE_ROW)

    def part(self, start: pd.Timestamp, end: pd.Timestamp) -> pl.DataFrame:
        return from_result(self._run(start, end), self.has_margin, DUPLICATE_ROW)[0]
