"""Transactions read out of core: a folder (or glob) of Parquet or CSV files scanned by DuckDB.

A base bigger than memory is never loaded: :func:`scan` reads only the files' headers and
types, maps them to the canonical columns like :func:`reportkit.io.load.read_table` does, and
describes the lines as one DuckDB ``SELECT`` (:meth:`Scan.relation`) that parses the values and
says why a line is rejected; :func:`aggregate_scan` runs the panel's aggregation
(:data:`reportkit.io.sql.PANEL_SQL`) over it with a memory limit and a spill folder, and the
row accounting comes from that same scan.

What is read the same way as in memory: the column mapping (English and Russian headers, the
config's ``[columns.transactions]``), client ids as trimmed text (integral numbers lose
``.0``), dates (typed, or text as ``yyyy-mm-dd[ hh:mm[:ss]]`` and ``dd.mm.yyyy[ hh:mm[:ss]]``,
``dd/mm/yyyy`` -- ``mm/dd/yyyy`` with ``dayfirst = false``), amounts (typed, or text with
spaces as thousands separators and a decimal comma or point), amount = quantity × price when
there is no amount column, the rejection reasons (missing client id, unparseable or
implausible date and amount) and exact repeats of a line (rejected when the lines carry an
order number, as in memory). What differs: a CSV must be UTF-8 (DuckDB reads no cp1251 without
an extension to download), lines with the wrong number of fields are counted as malformed but
not kept for the rejected-rows file, and only the transactions table is scanned (clients,
activities and surveys are loaded into memory as usual).
"""

from __future__ import annotations

import glob as globlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

from ..errors import DataFileError, InputError, MissingColumnError
from .columns import match_columns
from .config import Config
from .reasons import (
    _HUGE,
    BAD_AMOUNT,
    BAD_DATE,
    DUPLICATE_ROW,
    EARLY_DATE,
    FUTURE_DATE,
    HUGE_AMOUNT,
    MALFORMED,
    MISSING_ID,
)
from .schema import AMOUNT, CLIENT_ID, DATE, MARGIN, ORDER_ID, PRICE, QUANTITY, TRANSACTIONS
from .sql import Accounting, from_result, panel_sql

__all__ = ["Scan", "aggregate_scan", "default_memory_limit", "estimated_rows", "part_files", "scan"]

PARTS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".txt": "csv", ".tsv": "csv"}

_ISO = ["%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
_ISO += ["%Y-%m-%d"]
_DOTS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y"]


def _q(name: str) -> str:
    """A quoted DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    """A quoted DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class Scan:
    """The transactions files of a base read out of core, and how their columns are read.

    Attributes
    ----------
    files : list of Path
        The part files (all Parquet or all CSV), sorted.
    kind : {"parquet", "csv"}
    label : str
        The folder or glob, for messages.
    columns : dict of str to str
        Canonical column -> header.
    types : dict of str to str
        Header -> DuckDB type of the column as read.
    delimiter : str or None
        A CSV's field separator.
    drop_duplicates : bool
        Whether exact repeats of a line are rejected.
    notes : list of str
    """

    files: list[Path]
    kind: str
    label: str
    columns: dict[str, str]
    types: dict[str, str]
    delimiter: str | None = None
    drop_duplicates: bool = False
    dayfirst: bool = True
    earliest_date: str = "1980-01-01"
    future_from: str | None = None
    notes: list[str] = field(default_factory=list)
    memory_limit: str | None = None
    spill_dir: str | None = None
    #: the aggregated rows of the load's scan (client-month rows, span, accounting), until the
    #: panel takes them
    result: tuple[pl.DataFrame, pl.DataFrame, Accounting] | None = field(default=None, repr=False)

    @property
    def has_order(self) -> bool:
        return ORDER_ID in self.columns

    @property
    def has_margin(self) -> bool:
        return MARGIN in self.columns

    def stamp(self) -> tuple:
        """(path, modification time, size) of every file, to tell a file changed."""
        out = []
        for p in self.files:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_size))
        return tuple(out)

    def source(self) -> str:
        """The DuckDB table function reading every file, all columns."""
        files = "[" + ", ".join(_s(str(p)) for p in self.files) + "]"
        if self.kind == "parquet":
            return f"read_parquet({files}, union_by_name = true)"
        return (
            f"read_csv({files}, header = true, all_varchar = true, delim = "
            f"{_s(self.delimiter or ',')}, quote = '\"', escape = '\"', "
            "ignore_errors = true, store_rejects = true, null_padding = false)"
        )

    def relation(self) -> str:
        """A DuckDB query of the lines as :data:`reportkit.core.sql.PANEL_SQL` reads them."""
        headers = list(self.types)
        cols = ", ".join(_q(h) for h in headers)
        used = ", ".join(_q(h) for h in dict.fromkeys(self.columns.values()))
        if self.drop_duplicates:
            # exact repeats: the lines whose hash (of every column) occurs more than once are
            # found by a grouping on one 64-bit integer, and only those are grouped by every
            # column (exactly, so a hash shared by two different lines merges nothing); the
            # others pass as they are. Grouping all lines by every column instead took a
            # 100M-line scan (7,839 repeats) 232 s; this way 103 s, 8.5 GB peak. The lines
            # are read again for each use instead of being held (NOT MATERIALIZED): holding
            # 100M lines took the aggregation from 66 s to 97 s at the memory limit.
            src = self.source()
            lines = (
                f"WITH rk_all AS NOT MATERIALIZED (SELECT *, hash({cols}) AS rk_h FROM {src}), "
                "rk_rep AS (SELECT rk_h FROM rk_all GROUP BY rk_h HAVING COUNT(*) > 1) "
                f"SELECT {used}, 1 AS rk_n FROM rk_all WHERE rk_h NOT IN (SELECT rk_h FROM rk_rep) "
                f"UNION ALL SELECT {used}, rk_n FROM (SELECT {cols}, COUNT(*) AS rk_n FROM "
                f"rk_all WHERE rk_h IN (SELECT rk_h FROM rk_rep) GROUP BY {cols})"
            )
        else:
            lines = f"SELECT {used}, 1 AS rk_n FROM {self.source()}"
        order = self._text(self.columns[ORDER_ID]) if self.has_order else "CAST(NULL AS VARCHAR)"
        margin = self._number(self.columns[MARGIN]) if self.has_margin else "CAST(NULL AS DOUBLE)"
        if AMOUNT in self.columns:
            amount = self._number(self.columns[AMOUNT])
        else:
            amount = (
                f"({self._number(self.columns[QUANTITY])} * {self._number(self.columns[PRICE])})"
            )
        parsed = (
            f"SELECT {self._id(self.columns[CLIENT_ID])} AS rk_client, "
            f"{self._date(self.columns[DATE])} AS rk_date, {amount} AS rk_amount, "
            f"{order} AS rk_order, {margin} AS rk_margin, CAST(rk_n AS BIGINT) AS rk_copies "
            f"FROM ({lines})"
        )
        future = (
            f"WHEN rk_date >= TIMESTAMP {_s(self.future_from)} THEN {_s(FUTURE_DATE)} "
            if self.future_from
            else ""
        )
        reason = (
            "CASE WHEN rk_client IS NULL OR rk_client = '' THEN " + _s(MISSING_ID) + " "
            f"WHEN rk_date IS NULL THEN {_s(BAD_DATE)} "
            f"WHEN rk_date < TIMESTAMP {_s(self.earliest_date)} THEN {_s(EARLY_DATE)} "
            f"{future}"
            f"WHEN rk_amount IS NULL OR isnan(rk_amount) OR isinf(rk_amount) THEN {_s(BAD_AMOUNT)} "
            f"WHEN abs(rk_amount) >= {_HUGE:.0f} THEN {_s(HUGE_AMOUNT)} END"
        )
        return (
            "SELECT rk_client, rk_date, rk_amount, rk_order, "
            f"CASE WHEN isnan(rk_margin) OR isinf(rk_margin) THEN NULL ELSE rk_margin END "
            f"AS rk_margin, {reason} AS rk_reason, rk_copies FROM ({parsed})"
        )

    # --- one column, read as in memory ---------------------------------------------------
    def _id(self, header: str) -> str:
        col, kind = _q(header), self.types[header].upper()
        if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
            return (
                f"CASE WHEN isfinite({col}) AND {col} = floor({col}) AND abs({col}) < 1e18 "
                f"THEN CAST(CAST({col} AS BIGINT) AS VARCHAR) ELSE CAST({col} AS VARCHAR) END"
            )
        return f"trim(CAST({col} AS VARCHAR))"

    def _text(self, header: str) -> str:
        return f"NULLIF(trim(CAST({_q(header)} AS VARCHAR)), '')"

    def _date(self, header: str) -> str:
        col, kind = _q(header), self.types[header].upper()
        if kind.startswith("TIMESTAMP") or kind == "DATE":
            return f"CAST({col} AS TIMESTAMP)"
        slash = ["%d/%m/%Y", "%d/%m/%Y %H:%M"] if self.dayfirst else ["%m/%d/%Y", "%m/%d/%Y %H:%M"]
        formats = "[" + ", ".join(_s(f) for f in _ISO + _DOTS + slash) + "]"
        return f"try_strptime(trim(CAST({col} AS VARCHAR)), {formats})"

    def _number(self, header: str) -> str:
        col, kind = _q(header), self.types[header].upper()
        if kind not in ("VARCHAR", "BLOB") and not kind.startswith("TIMESTAMP"):
            return f"TRY_CAST({col} AS DOUBLE)"
        # spaces, currency signs and quotes out; with both marks the last is the decimal one;
        # several commas are thousands separators, one comma is a decimal comma
        t = f"regexp_replace(CAST({col} AS VARCHAR), '[\\s\u00a0\u202f\u2009''’`₽$€£]', '', 'g')"
        return (
            f"TRY_CAST(CASE "
            f"WHEN strpos({t}, ',') > 0 AND strpos({t}, '.') > 0 THEN "
            f"  CASE WHEN strpos(reverse({t}), ',') < strpos(reverse({t}), '.') "
            f"       THEN replace(replace({t}, '.', ''), ',', '.') "
            f"       ELSE replace({t}, ',', '') END "
            f"WHEN length({t}) - length(replace({t}, ',', '')) > 1 THEN replace({t}, ',', '') "
            f"ELSE replace({t}, ',', '.') END AS DOUBLE)"
        )


def part_files(path: str | Path) -> list[Path]:
    """The data files a folder or glob stands for (Parquet or CSV parts), sorted.

    A folder gives its Parquet and CSV files (hidden ones and Excel lock files left out); a
    string with ``*``, ``?`` or ``[`` is a glob; a file is itself.
    """
    text = str(path)
    if any(ch in text for ch in "*?[") and not Path(text).exists():
        files = sorted(Path(p) for p in globlib.glob(text, recursive=True) if Path(p).is_file())
    elif Path(text).is_dir():
        files = sorted(
            p
            for p in Path(text).iterdir()
            if p.is_file() and not p.name.startswith((".", "~$", "_")) and p.suffix.lower() in PARTS
        )
    else:
        files = [Path(text)]
    return files


def _kind(files: list[Path], label: str) -> str:
    kinds = {PARTS.get(p.suffix.lower()) for p in files}
    if not files:
        raise DataFileError(f"{label}: no Parquet or CSV file found there.")
    if len(files) == 1 and None in kinds:
        raise DataFileError(
            f"{label}: only Parquet and CSV files are scanned (this is "
            f"{files[0].suffix or 'no known kind'}); read Excel and other files with "
            "reportkit.load() and pass the Dataset."
        )
    if None in kinds or len(kinds) > 1:
        names = ", ".join(sorted({p.suffix for p in files}))
        raise DataFileError(
            f"{label}: the transactions parts must all be Parquet or all CSV files (found "
            f"{names}). Put other tables next to the parts' folder, not inside it."
        )
    return kinds.pop()  # type: ignore[return-value]


def estimated_rows(files: list[Path]) -> int:
    """The number of lines: exact for Parquet (from the files' footers), estimated for CSV
    from the first 1 MB of the first file."""
    kind = PARTS.get(files[0].suffix.lower()) if files else None
    if kind == "parquet":
        lst = "[" + ", ".join(_s(str(p)) for p in files) + "]"
        try:
            with duckdb.connect() as con:
                got = con.execute(
                    f"SELECT SUM(num_rows) FROM parquet_file_metadata({lst})"
                ).fetchone()
        except duckdb.Error:
            return 0
        return int(got[0] or 0) if got else 0
    total = sum(p.stat().st_size for p in files)
    with open(files[0], "rb") as fh:
        head = fh.read(1 << 20)
    lines = max(head.count(b"\n"), 1)
    return int(total / (len(head) / lines)) if head else 0


def _utf8_or_refuse(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            raise DataFileError(
                f"{path}: not UTF-8 text (byte {exc.start}); the out-of-core engine reads "
                "UTF-8 CSV and Parquet only. Convert it (iconv -f cp1251 -t utf-8 IN > OUT), "
                "export Parquet, or read it in memory with --engine memory."
            ) from None


def _delimiter(path: Path, cfg: Config) -> str:
    if cfg.load.delimiter:
        return cfg.load.delimiter
    with open(path, "rb") as fh:
        head = fh.read(1 << 16).decode("utf-8", errors="replace")
    lines = [ln for ln in head.splitlines()[:50] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (";", "\t", ",", "|")}
    return max(counts, key=lambda d: counts[d])


def scan(path: str | Path, config: Config, *, files: list[Path] | None = None) -> Scan:
    """Describe the transactions parts of ``path`` (a folder or glob of Parquet or CSV files)
    for the out-of-core engine: map their headers, read their types. Nothing else is read.

    Raises
    ------
    DataFileError
        No part, mixed kinds, a CSV that is not UTF-8, a file DuckDB cannot read.
    MissingColumnError
        No header is known as a client id, a date or an amount.
    """
    files = part_files(path) if files is None else files
    label = str(path)
    kind = _kind(files, label)
    delim = None
    if kind == "csv":
        for p in files[:3]:
            _utf8_or_refuse(p)
        delim = _delimiter(files[0], config)
    probe = Scan(files, kind, label, {}, {}, delimiter=delim)
    try:
        with duckdb.connect() as con:
            described = con.execute(f"DESCRIBE SELECT * FROM {probe.source()}").fetchall()
    except duckdb.Error as exc:
        raise DataFileError(
            f"{label}: cannot read the {kind} files ({str(exc).splitlines()[0]})."
        ) from None
    types = {str(r[0]): str(r[1]) for r in described}
    headers = list(types)
    explicit = config.columns.get(TRANSACTIONS, {})
    mapping = match_columns(headers, TRANSACTIONS, explicit)
    computed = AMOUNT not in mapping and QUANTITY in mapping and PRICE in mapping
    missing = [c for c in (CLIENT_ID, DATE, AMOUNT) if c not in mapping]
    if computed:
        missing.remove(AMOUNT)
    if missing:
        raise MissingColumnError(
            f"{label}: the transactions need {', '.join(map(repr, missing))} column(s), but no "
            f"header is known as one (columns: {', '.join(map(repr, headers))}). Map them in "
            "the config:\n\n    [columns.transactions]\n"
            + "\n".join(f'    {c} = "<the header in your files>"' for c in missing)
            + "\n"
        )
    drop = config.load.drop_duplicate_rows
    if drop is None:
        drop = ORDER_ID in mapping
    future = None
    if config.load.reject_future:
        future = f"{pd.Timestamp.today().normalize() + pd.Timedelta(days=2):%Y-%m-%d}"
    notes = [f"read out of core: {len(files):,} {kind} file(s)"]
    if computed:
        notes.append(f"no amount column: amount = {mapping[QUANTITY]!r} × {mapping[PRICE]!r}")
    return Scan(
        files=files,
        kind=kind,
        label=label,
        columns=dict(mapping),
        types=types,
        delimiter=delim,
        drop_duplicates=bool(drop),
        dayfirst=config.load.dayfirst,
        earliest_date=config.load.earliest_date,
        future_from=future,
        notes=notes,
        memory_limit=config.load.memory_limit,
        spill_dir=config.load.spill_dir,
    )


def default_memory_limit() -> str:
    """40 % of the machine's memory, at most 8 GB (DuckDB's own default is 80 %)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        total = 8 << 30
    return f"{max(min(int(total * 0.4), 8 << 30) >> 20, 256)}MB"


def _run(
    sc: Scan, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> tuple[pl.DataFrame, int]:
    """:data:`reportkit.io.sql.PANEL_SQL` over the scan's lines in DuckDB, with the memory
    limit and a spill folder removed afterwards; and the number of malformed CSV lines."""
    spill = tempfile.mkdtemp(prefix="reportkit-spill-", dir=sc.spill_dir)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"SET memory_limit = '{sc.memory_limit or default_memory_limit()}'")
        con.execute(f"SET temp_directory = {_s(spill)}")
        con.execute("SET preserve_insertion_order = false")
        relation = con.sql(panel_sql(f"({sc.relation()})", start, end))
        assert relation is not None
        result = pl.from_arrow(relation.arrow().read_all())
        malformed = 0
        if sc.kind == "csv":
            got = con.execute(
                "SELECT COUNT(DISTINCT (scan_id, file_id, line)) FROM reject_errors"
            ).fetchone()
            malformed = int(got[0]) if got else 0
    except duckdb.Error as exc:
        raise InputError(
            f"{sc.label}: the out-of-core scan failed ({str(exc).splitlines()[0]}). If memory "
            "ran out, set a lower [load] memory_limit, or a spill folder with room "
            "([load] spill_dir)."
        ) from None
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    assert isinstance(result, pl.DataFrame)
    return result, malformed


def aggregate_scan(
    sc: Scan, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, Accounting]:
    """Read, check and aggregate the lines of ``sc`` in one DuckDB scan: the client-month
    rows (as :func:`reportkit.io.sql.from_result` shapes them), the span, and how every line
    was used. ``start``/``end`` restrict it to ``start <= date < end``."""
    result, malformed = _run(sc, start, end)
    got, span, acc = from_result(result, sc.has_margin, DUPLICATE_ROW)
    if malformed:
        acc.rejected_by_reason[MALFORMED] = malformed
        acc.rows_read += malformed
    return got, span, acc
