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
    ``spark.sql``; only the client-month rows come back (as Arrow). Dates are read in the
    session's time zone (``spark.sql.session.timeZone``), the business's local time.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import polars as pl

from ..errors import InputError
from ..io.reasons import BAD_AMOUNT, BAD_DATE, DUPLICATE_ROW, MISSING_ID
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
        self.frame = frame
        self.label = "the Spark DataFrame"
        self.has_order = ORDER_ID in names
        self.has_margin = MARGIN in names
        self.view = f"rk_tx_{uuid.uuid4().hex[:12]}"

    def changed(self) -> bool:
        return False

    def _relation(self) -> str:
        order = f"NULLIF(trim(CAST({ORDER_ID} AS STRING)), '')" if self.has_order else "NULL"
        margin = f"CAST({MARGIN} AS DOUBLE)" if self.has_margin else "CAST(NULL AS DOUBLE)"
        return (
            "(SELECT rk_client, rk_date, rk_amount, CAST(rk_order AS STRING) AS rk_order, "
            "CASE WHEN isnan(rk_margin) THEN NULL ELSE rk_margin END AS rk_margin, "
            f"CASE WHEN rk_client IS NULL OR rk_client = '' THEN '{MISSING_ID}' "
            f"WHEN rk_date IS NULL THEN '{BAD_DATE}' "
            f"WHEN rk_amount IS NULL OR isnan(rk_amount) "
            f"OR abs(rk_amount) = double('infinity') THEN '{BAD_AMOUNT}' END AS rk_reason, "
            "CAST(1 AS BIGINT) AS rk_copies FROM ("
            f"SELECT trim(CAST({CLIENT_ID} AS STRING)) AS rk_client, "
            f"CAST({DATE} AS TIMESTAMP) AS rk_date, CAST({AMOUNT} AS DOUBLE) AS rk_amount, "
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
