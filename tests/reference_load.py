"""The loader as it was before the columnar rewrite (row by row: the csv module, pandas cell
conversions), kept as the slow reference the columnar loader is checked against on generated
messy files (tests/test_load_columnar.py). Not used by the package.

Original docstring: loading real CRM and accounting exports into canonical tables, without losing a row.

:func:`load` reads a transactions file, or a folder of transactions / clients / activities /
surveys files (CSV, Excel, Parquet), maps their headers to canonical column names
(:mod:`reportkit.io.columns`), parses dates, money and flags the way Russian and English exports
write them, and accounts for every input row in a :class:`LoadReport`: kept, or rejected with a
reason and its row number. ``kept + rejected == read``, always.

Row numbers are those a person sees when opening the file in a spreadsheet: the header row is
row 1 (or lower, when title lines stand above it), the first data row the next one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.io.columns import closest_headers, match_columns, normalize_header, table_of_file
from reportkit.io.config import Config, load_config
from reportkit.io.dataset import Dataset
from reportkit.errors import ConfigError, DataFileError, InputError, MissingColumnError
from reportkit.io.schema import (ACTIVITIES, AMOUNT, CLIENT_ID, CLIENTS, OPTIONAL, PRICE, QUANTITY, REQUIRED,
                     SCORE, SURVEYS, TABLES, TRANSACTIONS, kind_of)

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DATA_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

# rejection reasons, in the order they are checked; a row gets the first that applies
MALFORMED = "malformed line (wrong number of fields)"
EMPTY_ROW = "empty row"
TOTAL_ROW = "total row"
MISSING_ID = "missing client id"
BAD_DATE = "unparseable date"
BAD_AMOUNT = "unparseable amount"
BAD_SCORE = "score missing or outside 0–10"
EARLY_DATE = "date before [load] earliest_date"
FUTURE_DATE = "date in the future"
HUGE_AMOUNT = "implausible amount (1e15 or more)"
_HUGE = 1e15            # no sale is worth a quadrillion; 1e308 would make every total infinite
DUPLICATE_ROW = "exact duplicate row"
REPEATED_ID = "repeated client id (first record kept)"

_TOTAL_WORDS = re.compile(r"^\s*(итого|всего|total|grand total|subtotal|итог)\b", re.I)
_CURRENCY = re.compile(r"(?i)(руб\.?|р\.|₽|\$|€|£|¥|usd|rub|eur|грн|тенге|тг)")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’`]")
_TRUE = {"1", "true", "yes", "y", "t", "x", "+", "да", "д", "истина", "v", "✓", "вип", "vip"}
_FALSE = {"0", "false", "no", "n", "f", "-", "нет", "н", "ложь", ""}


@dataclass
class LoadReport:
    """How every row of one input table was used.

    Attributes
    ----------
    table : str
        "transactions", "clients", "activities" or "surveys".
    file : str
        The file read (and the sheet, for Excel).
    rows_read, rows_kept, rows_rejected : int
        ``rows_kept + rows_rejected == rows_read``.
    rejected_by_reason : dict of str to int
    rejected : DataFrame
        The rejected rows as read (text), with ``row`` (spreadsheet row number) and ``reason``.
    columns : dict of str to str
        Canonical column -> header in the file.
    returns_count, returns_amount : int, float
        Negative-amount rows (kept and netted) and their total (transactions only).
    total_amount : float
        Net amount of the kept rows (transactions only).
    date_min, date_max : Timestamp or None
    clients : int
        Distinct client ids among the kept rows.
    notes : list of str
        What the loader decided (encoding, delimiter, computed columns, values it could not read
        in optional columns).
    """

    table: str
    file: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    columns: dict[str, str] = field(default_factory=dict)
    returns_count: int = 0
    returns_amount: float = 0.0
    total_amount: float = 0.0
    date_min: pd.Timestamp | None = None
    date_max: pd.Timestamp | None = None
    clients: int = 0
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: ``item``, ``value``."""
        rows = [("file", self.file), ("rows read", self.rows_read),
                ("rows kept", self.rows_kept), ("rows rejected", self.rows_rejected)]
        rows += [(f"  rejected: {r}", n) for r, n in self.rejected_by_reason.items()]
        if self.table == TRANSACTIONS:
            rows += [("returns (negative amounts, kept and netted)", self.returns_count),
                     ("returns amount", round(self.returns_amount, 2)),
                     ("total amount (net)", round(self.total_amount, 2))]
        if self.date_min is not None:
            rows.append(("date range", f"{self.date_min:%Y-%m-%d} – {self.date_max:%Y-%m-%d}"))
        rows.append(("distinct clients", self.clients))
        return pd.DataFrame(rows, columns=["item", "value"])

    def write_rejected(self, path: str | Path) -> Path:
        """Write the rejected rows (as read, with row number and reason) to a UTF-8 CSV."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rejected.to_csv(path, index=False, encoding="utf-8-sig")
        return path

    def __str__(self) -> str:
        lines = [f"{self.table}: {self.file}"]
        for item, value in self.to_frame().itertuples(index=False):
            if item == "file":
                continue
            v = f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)
            lines.append(f"  {item:<46} {v}")
        if self.columns:
            lines.append("  columns: " + ", ".join(f"{k} ← {v!r}" for k, v in self.columns.items()))
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, escape=True)


# --- reading files ---------------------------------------------------------------------------


@dataclass
class _Raw:
    """A file read as text cells, before any parsing."""

    frame: pd.DataFrame          # all columns object dtype (or typed, for Parquet / Excel)
    rows: np.ndarray             # spreadsheet row number of each frame row
    malformed: list[tuple[int | None, str]]
    label: str
    notes: list[str]
    other_sheets: list[str] = field(default_factory=list)   # Excel: the sheets not read


def _decode(data: bytes, encoding: str | None, label: str) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataFileError(f"{label}: cannot decode the file as {encoding} ({exc}). Remove "
                                "[load] encoding from the config to detect it.") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251"), "cp1251"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1.0
    for d in (";", "\t", ",", "|"):
        counts = [len(next(csv.reader([ln], delimiter=d))) - 1 for ln in lines]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        # the delimiter that splits most lines into the same number of fields
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (1 + min(mode, 20) / 100)
        if score > best_score:
            best, best_score = d, score
    return best


def _header_row(rows: list[list[str]], table: str) -> int:
    """Index of the header row among the first rows (title lines of exports stand above it)."""
    best, best_score = 0, 0
    for i, row in enumerate(rows[:30]):
        cells = [c for c in row if str(c).strip()]
        if not cells:
            continue
        score = len(match_columns([str(c) for c in cells], table))
        if score > best_score:
            best, best_score = i, score
    return best


def _read_csv(path: Path, table: str, cfg: Config) -> _Raw:
    label = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise DataFileError(f"{label}: the file is empty. Export the table again with its header "
                            "row and data rows.")
    text, encoding = _decode(data, cfg.load.encoding, label)
    delim = cfg.load.delimiter or ("\t" if path.suffix.lower() == ".tsv" else
                                   _sniff_delimiter(text))
    notes = [f"read as {encoding}, delimiter {'tab' if delim == chr(9) else repr(delim)}"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    lines: list[list[str]] = []
    line_no: list[int] = []
    for row in reader:
        lines.append(row)
        line_no.append(reader.line_num)
    head = _header_row(lines, table)
    header = [h.strip() for h in lines[head]]
    if not any(header):
        raise DataFileError(f"{label}: no header row found. The first row must hold the column "
                            "names.")
    header = _dedupe_headers(header)
    width = len(header)
    good: list[list[str]] = []
    rows: list[int] = []
    malformed: list[tuple[int | None, str]] = []
    short = 0
    for row, ln in zip(lines[head + 1:], line_no[head + 1:]):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line: not a row
        if len(row) == width:
            good.append(row)
        elif len(row) > width and not any(c.strip() for c in row[width:]):
            good.append(row[:width])  # trailing empty fields, as Excel writes them
        elif len(row) < width:
            good.append(row + [""] * (width - len(row)))  # trailing empty fields left out
            short += 1
        else:
            malformed.append((ln, delim.join(row)))
            continue
        rows.append(ln)
    frame = pd.DataFrame(good, columns=header, dtype=object) if good else pd.DataFrame(
        columns=header, dtype=object)
    if head:
        notes.append(f"header found on row {line_no[head]} (title lines above it skipped)")
    if short:
        notes.append(f"{short:,} rows had fewer fields than the header; the missing trailing "
                     "fields were read as empty")
    return _Raw(frame, np.asarray(rows, dtype=np.int64), malformed, label, notes)


def _dedupe_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def _read_excel(path: Path, table: str, cfg: Config) -> _Raw:
    import openpyxl

    label = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise DataFileError(f"{label}: cannot open the Excel file ({type(exc).__name__}: {exc}). "
                            "Save it again as .xlsx from Excel.") from None
    try:
        sheet = cfg.load.sheet
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataFileError(
                f"{label}: there is no sheet {sheet!r}; the workbook has "
                f"{', '.join(map(repr, wb.sheetnames))}. Set [load] sheet to one of them.")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        label = f"{path} [sheet {ws.title!r}]"
        sheet_names = list(wb.sheetnames)
        values = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    values = [r for r in values]
    if not any(any(c is not None and str(c).strip() for c in r) for r in values):
        raise DataFileError(f"{label}: the sheet is empty. Choose the sheet with the data "
                            "([load] sheet) or export the table again.")
    as_text = [["" if c is None else str(c) for c in r] for r in values]
    head = _header_row(as_text, table)
    header = _dedupe_headers([str(c).strip() if c is not None else "" for c in values[head]])
    width = len(header)
    good, rows = [], []
    for i, r in enumerate(values[head + 1:], start=head + 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in r):
            continue
        r = (r + [None] * width)[:width]
        good.append(r)
        rows.append(i)
    frame = pd.DataFrame(good, columns=header, dtype=object) if good else pd.DataFrame(
        columns=header, dtype=object)
    notes = [f"read sheet {ws.title!r}"]
    if head:
        notes.append(f"header found on row {head + 1} (title lines above it skipped)")
    others = [name for name in sheet_names if name != ws.title]
    return _Raw(frame, np.asarray(rows, dtype=np.int64), [], label, notes, others)


def _read_parquet(path: Path) -> _Raw:
    label = str(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise DataFileError(f"{label}: cannot read the Parquet file ({type(exc).__name__}: "
                            f"{exc}).") from None
    frame.columns = [str(c) for c in frame.columns]
    return _Raw(frame.reset_index(drop=True), np.arange(2, len(frame) + 2, dtype=np.int64), [],
                label, ["read as Parquet"])


def _read_any(path: Path, table: str, cfg: Config) -> _Raw:
    suffix = path.suffix.lower()
    if not path.exists():
        raise DataFileError(f"{path}: no such file or folder. Check the path (relative paths "
                            f"start from {Path.cwd()}).")
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, table, cfg)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, table, cfg)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)
    hint = {".xls": " Save it as .xlsx in Excel.",
            ".ods": " Save it as .xlsx (File → Save as… → Excel 2007-365) or as .csv.",
            ".xlsb": " Save it as .xlsx in Excel."}.get(suffix, " Save or export it as .csv "
                                                        "or .xlsx.")
    raise DataFileError(f"{path}: unknown file type {suffix or '(no extension)'!r}. reportkit "
                        f"reads .csv, .txt, .tsv, .xlsx, .xlsm and .parquet files.{hint}")


# --- parsing values ---------------------------------------------------------------------------


def _as_text(col: pd.Series) -> pd.Series:
    """Cells as stripped strings; missing -> ''. Integral floats (Excel ids) lose their '.0'."""
    if col.dtype == object:
        def conv(v):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return ""
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            if isinstance(v, (pd.Timestamp,)) or hasattr(v, "isoformat"):
                return v.isoformat(sep=" ") if hasattr(v, "hour") else v.isoformat()
            return str(v)
        return col.map(conv).str.strip()
    if pd.api.types.is_float_dtype(col):
        out = col.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer()
                                                       else repr(float(v))))
        return out.astype(object)
    return col.astype("string").fillna("").astype(object).str.strip()


def parse_ids(col: pd.Series) -> pd.Series:
    """Identifiers as strings ('00123' stays '00123'); missing -> ''.

    >>> parse_ids(pd.Series(["00123", " 45 ", None, 7.0])).tolist()
    ['00123', '45', '', '7']
    """
    return _as_text(col)


def parse_money(col: pd.Series, *, decimal: str | None = None) -> pd.Series:
    """Parse amounts as exports write them; unreadable -> NaN, empty -> NaN.

    Handles decimal commas, thousands separators (spaces, no-break spaces, apostrophes, commas or
    dots), currency signs and words (₽, руб., $, €), negatives as ``-5``, ``5-`` or ``(5)``.

    >>> parse_money(pd.Series(["1 234,50", "1,234.50", "€ 12", "(7,5)", "abc", "12'000", "1.234.567"])).tolist()
    [1234.5, 1234.5, 12.0, -7.5, nan, 12000.0, 1234567.0]
    """
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.astype("float64")
    s = _as_text(col)
    s = s.str.replace(_CURRENCY, "", regex=True).str.replace(_SPACES, "", regex=True)
    s = s.str.replace("−", "-", regex=False).str.replace("–", "-", regex=False)
    paren = s.str.match(r"^\(.*\)$")
    s = s.where(~paren, "-" + s.str.slice(1, -1))
    trail = s.str.match(r"^[^-].*-$")
    s = s.where(~trail, "-" + s.str.slice(0, -1))
    s = s.str.rstrip(".")  # "руб." leaves nothing, "12." -> "12"
    has_c = s.str.contains(",", regex=False)
    has_d = s.str.contains(".", regex=False)
    if decimal is None:  # the column's decimal mark, judged from unambiguous values
        comma_dec = s.str.match(r"^-?\d*,\d{1,2}$|^-?\d+,\d{4,}$").sum()
        dot_dec = s.str.match(r"^-?\d*\.\d{1,2}$|^-?\d+\.\d{4,}$").sum()
        decimal = "," if comma_dec > dot_dec else "."
    both = has_c & has_d
    last_c = s.str.rfind(",") > s.str.rfind(".")
    out = s.copy()
    # both marks: the last one is the decimal mark
    m = both & last_c
    out[m] = s[m].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    m = both & ~last_c
    out[m] = s[m].str.replace(",", "", regex=False)
    # one kind of mark
    only_c = has_c & ~has_d
    multi_c = s.str.count(",") > 1
    thousands_c = only_c & (multi_c | ((decimal == ".") & s.str.match(r"^-?\d{1,3},\d{3}$")))
    out[thousands_c] = s[thousands_c].str.replace(",", "", regex=False)
    dec_c = only_c & ~thousands_c
    out[dec_c] = s[dec_c].str.replace(",", ".", regex=False)
    only_d = has_d & ~has_c
    thousands_d = only_d & ((s.str.count(r"\.") > 1) |
                            ((decimal == ",") & s.str.match(r"^-?\d{1,3}\.\d{3}$")))
    out[thousands_d] = s[thousands_d].str.replace(".", "", regex=False)
    out = out.where(out.str.match(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"), "")
    return pd.to_numeric(out.replace("", np.nan), errors="coerce").astype("float64")


_DATE_FORMATS = ["%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%y", "%d.%m.%y %H:%M",
                 "%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                 "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
                 "%Y/%m/%d", "%d-%m-%Y", "%d-%m-%Y %H:%M:%S"]
# an ISO date-time with a zone: the zone is dropped, the local wall-clock time is the business
# time (as reportkit.core.panel does for zone-aware datetimes)
_ISO_ZONE = r"^(\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"
_SLASH = r"^(\d{1,2})/(\d{1,2})/\d{2,4}\b"
_SLASH_DAYFIRST = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y"]
_SLASH_MONTHFIRST = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%y"]


def _slash_formats(s: pd.Series, dayfirst: bool) -> list[str]:
    """The one order of the column's dd/mm/yyyy or mm/dd/yyyy dates.

    A date whose first number is over 12 can only be day first, one whose second number is over
    12 only month first; the column follows the more frequent of the two (``dayfirst`` when
    neither shows or they tie), so a US export is not read half one way and half the other.
    The dates that contradict the column's order stay unreadable.

    >>> _slash_formats(pd.Series(["07/01/2023", "03/25/2023"]), True)[0]
    '%m/%d/%Y'
    >>> _slash_formats(pd.Series(["07/01/2023", "25/03/2023"]), False)[0]
    '%d/%m/%Y'
    """
    parts = s.str.extract(_SLASH)
    first, second = (pd.to_numeric(parts[k], errors="coerce") for k in (0, 1))
    day_first = int(((first > 12) & (second <= 12)).sum())
    month_first = int(((second > 12) & (first <= 12)).sum())
    if month_first > day_first or (month_first == day_first and not dayfirst):
        return _SLASH_MONTHFIRST
    return _SLASH_DAYFIRST


def parse_dates(col: pd.Series, *, dayfirst: bool = True) -> pd.Series:
    """Parse dates as exports write them; unreadable or empty -> NaT.

    ``dd.mm.yyyy`` and ``yyyy-mm-dd``, with or without a time (an ISO time zone is dropped: the
    local wall-clock time counts), ``dd/mm/yyyy`` or ``mm/dd/yyyy`` (one order per column: the
    one its dates show, else ``dd/mm`` unless ``dayfirst=False``), real Excel dates and Excel
    serial day numbers.

    >>> parse_dates(pd.Series(["31.01.2024", "2024-02-01 10:30", "05/03/2024", "x"])).dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-31', '2024-02-01', '2024-03-05', nan]
    """
    if pd.api.types.is_datetime64_any_dtype(col):
        out = col
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.astype("datetime64[ns]")
    result = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    if col.dtype == object:  # Excel gives datetime objects mixed with text
        is_dt = col.map(lambda v: isinstance(v, (pd.Timestamp,)) or (
            hasattr(v, "year") and hasattr(v, "month") and hasattr(v, "day")))
        if is_dt.any():
            result[is_dt] = pd.to_datetime(col[is_dt].astype(object), errors="coerce")
    s = _as_text(col)
    s = s.str.replace(_ISO_ZONE, r"\1", regex=True)
    todo = result.isna() & (s != "")
    for fmt in _DATE_FORMATS + _slash_formats(s[todo], dayfirst):
        if not todo.any():
            break
        parsed = pd.to_datetime(s[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            result[parsed.index[ok]] = parsed[ok]
            todo = result.isna() & (s != "")
    if todo.any():  # Excel serial day numbers (1900 system), e.g. 45292 = 2024-01-01
        num = pd.to_numeric(s[todo], errors="coerce")
        ok = num.between(20000, 80000)
        if ok.any():
            result[num.index[ok]] = pd.Timestamp("1899-12-30") + pd.to_timedelta(
                num[ok].round(6), unit="D")
            todo = result.isna() & (s != "")
    # anything else pandas can read ("Jan 5, 2024", …); not a dd/mm or mm/dd date that does not
    # fit the column's order (it stays unreadable rather than being read the other way round)
    todo &= ~s.str.match(_SLASH)
    if todo.any():
        rest = s[todo]
        iso = rest.str.match(r"^\d{4}-")
        parsed = pd.to_datetime(rest, errors="coerce", dayfirst=dayfirst, format="mixed",
                                utc=True)
        if iso.any():   # year first is never day first
            parsed[iso] = pd.to_datetime(rest[iso], errors="coerce", format="mixed", utc=True)
        ok = parsed.notna()
        if ok.any():
            result[parsed.index[ok]] = parsed[ok].dt.tz_localize(None)
    return result


def parse_flags(col: pd.Series) -> tuple[pd.Series, int]:
    """Yes/no cells (Да/Нет, yes/no, 1/0, true/false, x) as bool; returns (flags, unreadable).

    >>> parse_flags(pd.Series(["Да", "нет", "", "1", "maybe"]))[0].tolist()
    [True, False, False, True, False]
    """
    if pd.api.types.is_bool_dtype(col):
        return col.fillna(False).astype(bool), 0
    s = _as_text(col).str.lower().str.strip(" .")
    true = s.isin(_TRUE)
    unknown = ~true & ~s.isin(_FALSE)
    return true, int(unknown.sum())


# --- one table -----------------------------------------------------------------------------------


def _missing_column_error(label: str, table: str, missing: list[str], headers: list[str]
                          ) -> InputError:
    lines, guesses = [], []
    for canon in missing:
        close = closest_headers(canon, table, headers)
        lines.append(f"    {canon} = \"{close[0] if close else '<the header in your file>'}\"")
        if close:
            guesses.append(f"for `{canon}`: {', '.join(map(repr, close))}")
    quoted = [f"`{c}`" for c in missing]
    names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    guess = f" Closest headers {'; '.join(guesses)}." if guesses else ""
    return MissingColumnError(
        f"{label}: the {table} table needs {'a ' if len(missing) == 1 else ''}{names} "
        f"column{'s' if len(missing) > 1 else ''}, but none of its headers is known as "
        f"{'one' if len(missing) == 1 else 'them'}. Columns found: "
        f"{', '.join(map(repr, headers)) or '(none)'}.{guess} Map "
        f"{'it' if len(missing) == 1 else 'them'} in a config file (--config reportkit.toml):"
        f"\n\n    [columns.{table}]\n" + "\n".join(lines) + "\n")


def read_table(path: str | Path, table: str, config: Config | None = None
               ) -> tuple[pd.DataFrame, LoadReport]:
    """Read one table from one file: canonical columns and its load report.

    Parameters
    ----------
    path : str or Path
        A .csv/.txt/.tsv, .xlsx/.xlsm or .parquet file.
    table : {"transactions", "clients", "activities", "surveys"}
    config : Config, optional
        Column mapping ([columns.<table>]) and reading options ([load]).

    Returns
    -------
    frame : DataFrame
        The kept rows with the canonical columns found (see :mod:`reportkit.io.schema`).
    report : LoadReport
    """
    cfg = load_config(config)
    path = Path(path)
    raw = _read_any(path, table, cfg)
    headers = [str(c) for c in raw.frame.columns]
    explicit = cfg.columns.get(table, {})
    for canon, header in explicit.items():
        if header not in headers:
            close = difflib_close(header, headers)
            raise ConfigError(
                f"{cfg.source or 'config'}: [columns.{table}] {canon} = {header!r}, but "
                f"{raw.label} has no such column.{close} Columns found: "
                f"{', '.join(map(repr, headers))}.")
    mapping = match_columns(headers, table, explicit)
    report = LoadReport(table=table, file=raw.label, notes=list(raw.notes))
    computed_amount = False
    if table == TRANSACTIONS and AMOUNT not in mapping and QUANTITY in mapping and PRICE in mapping:
        computed_amount = True
    missing = [c for c in REQUIRED[table]
               if c not in mapping and not (c == AMOUNT and computed_amount)]
    if missing:
        error = _missing_column_error(raw.label, table, missing, headers)
        if raw.other_sheets:
            names = ", ".join(map(repr, raw.other_sheets))
            error = MissingColumnError(
                f"{str(error).rstrip()}\n\nIf the table is on another sheet of the workbook "
                f"({names}), name it in the config instead:\n\n    [load]\n    sheet = "
                f"\"{raw.other_sheets[0]}\"\n")
        raise error
    report.columns = dict(mapping)
    for canon, header in mapping.items():      # a header the file repeats: say which one is used
        twins = [h for h in headers if h != header and re.sub(r" \(\d+\)$", "", h) == header]
        if twins:
            report.notes.append(f"{canon} read from the first {header!r} column; "
                                f"{', '.join(map(repr, twins))} ignored (map another with "
                                f"[columns.{table}] {canon} = \"<header>\")")
    src = raw.frame
    n = len(src)
    reason = pd.Series("", index=src.index, dtype=object)

    def reject(mask: pd.Series, why: str) -> None:
        mask = mask & (reason == "")
        reason[mask] = why

    text_all = src.apply(_as_text) if n else src
    empty = (text_all == "").all(axis=1) if n else pd.Series(False, index=src.index)
    reject(empty, EMPTY_ROW)
    first_cells = text_all.iloc[:, :3].agg(" ".join, axis=1) if n and text_all.shape[1] else \
        pd.Series("", index=src.index)
    ids = parse_ids(src[mapping[CLIENT_ID]]) if n else pd.Series([], dtype=object)
    total = first_cells.str.match(_TOTAL_WORDS) & (
        (ids == "") | ids.str.match(_TOTAL_WORDS))
    reject(total, TOTAL_ROW)
    reject(ids == "", MISSING_ID)
    out = pd.DataFrame({CLIENT_ID: ids.astype(object)}, index=src.index)

    for canon in REQUIRED[table] + OPTIONAL[table]:
        if canon == CLIENT_ID or canon not in mapping:
            continue
        col = src[mapping[canon]]
        kind = kind_of(canon)
        if kind == "date":
            parsed = parse_dates(col, dayfirst=cfg.load.dayfirst)
            given = _as_text(col) != ""
            if canon in REQUIRED[table]:
                if n and parsed.notna().sum() == 0 and given.any():
                    examples = ", ".join(repr(v) for v in _as_text(col)[given].head(3))
                    raise DataFileError(
                        f"{raw.label}: no value in the date column {mapping[canon]!r} could be "
                        f"read as a date (examples: {examples}). Write dates as dd.mm.yyyy or "
                        "yyyy-mm-dd, or map another column: [columns."
                        f"{table}] {canon} = \"<header>\".")
                reject(parsed.isna(), BAD_DATE)
                if table == TRANSACTIONS:
                    reject(parsed < pd.Timestamp(cfg.load.earliest_date), EARLY_DATE)
                    if cfg.load.reject_future:
                        tomorrow = pd.Timestamp.today().normalize() + pd.Timedelta(days=2)
                        reject(parsed >= tomorrow, FUTURE_DATE)
            else:
                bad = int((parsed.isna() & given).sum())
                if bad:
                    report.notes.append(f"{bad:,} unreadable values in optional column "
                                        f"{mapping[canon]!r} left empty")
            out[canon] = parsed
        elif kind in ("money", "number"):
            parsed = parse_money(col)
            given = _as_text(col) != ""
            if canon == AMOUNT:
                reject(parsed.isna(), BAD_AMOUNT)
                reject(parsed.abs() >= _HUGE, HUGE_AMOUNT)
            elif canon == SCORE:
                reject(parsed.isna() | ~parsed.between(0, 10), BAD_SCORE)
            else:
                bad = int((parsed.isna() & given).sum())
                if bad:
                    report.notes.append(f"{bad:,} unreadable values in optional column "
                                        f"{mapping[canon]!r} left empty")
            out[canon] = parsed
        elif kind == "flag":
            flags, unknown = parse_flags(col)
            if unknown:
                report.notes.append(f"{unknown:,} values in {mapping[canon]!r} read as 'no' "
                                    "(not yes/no, да/нет, 1/0)")
            out[canon] = flags.astype(bool)
        else:
            out[canon] = _as_text(col).replace("", None) if kind == "text" else parse_ids(col)
    if computed_amount:
        out[AMOUNT] = out[QUANTITY] * out[PRICE]
        reject(out[AMOUNT].isna(), BAD_AMOUNT)
        report.notes.append(f"no amount column: amount = {mapping[QUANTITY]!r} × "
                            f"{mapping[PRICE]!r}")
    if cfg.load.drop_duplicate_rows and n and table != CLIENTS:
        dup = text_all.duplicated(keep="first")
        reject(dup, DUPLICATE_ROW)
    if table == CLIENTS and n:
        rep = out[CLIENT_ID].where(reason == "").duplicated(keep="first") & (reason == "")
        reject(rep, REPEATED_ID)

    keep = reason == ""
    rejected = text_all.loc[~keep].copy() if n else text_all.copy()
    rejected.insert(0, "row", raw.rows[~keep.to_numpy()] if n else [])
    rejected.insert(1, "reason", reason[~keep])
    if raw.malformed:
        bad = pd.DataFrame({"row": [r for r, _ in raw.malformed], "reason": MALFORMED,
                            "line": [t for _, t in raw.malformed]})
        rejected = pd.concat([rejected, bad], ignore_index=True)
    report.rejected = rejected.reset_index(drop=True)
    report.rows_read = n + len(raw.malformed)
    report.rows_kept = int(keep.sum())
    report.rows_rejected = len(report.rejected)
    counts = report.rejected["reason"].value_counts() if len(report.rejected) else {}
    order = [MALFORMED, EMPTY_ROW, TOTAL_ROW, MISSING_ID, BAD_DATE, EARLY_DATE, FUTURE_DATE,
             BAD_AMOUNT, HUGE_AMOUNT, BAD_SCORE, DUPLICATE_ROW, REPEATED_ID]
    report.rejected_by_reason = {r: int(counts[r]) for r in order if r in counts}
    assert sum(report.rejected_by_reason.values()) == len(report.rejected)
    assert report.rows_kept + report.rows_rejected == report.rows_read

    frame = out.loc[keep].reset_index(drop=True)
    if table == TRANSACTIONS:
        frame = frame.sort_values(_first_date_col(table), kind="stable").reset_index(drop=True)
        neg = frame[AMOUNT] < 0
        report.returns_count = int(neg.sum())
        report.returns_amount = float(frame.loc[neg, AMOUNT].sum())
        report.total_amount = float(frame[AMOUNT].sum())
    date_col = _first_date_col(table)
    if date_col and date_col in frame and frame[date_col].notna().any():
        report.date_min = frame[date_col].min()
        report.date_max = frame[date_col].max()
    report.clients = int(frame[CLIENT_ID].nunique())
    if n and report.rows_kept == 0:
        main = max(report.rejected_by_reason, key=report.rejected_by_reason.get)
        raise DataFileError(
            f"{raw.label}: none of its {report.rows_read:,} rows can be used (most common "
            f"reason: {main}, {report.rejected_by_reason[main]:,} rows; first rows: "
            f"{', '.join(map(str, report.rejected['row'].head(5)))}). Check the column mapping "
            f"({', '.join(f'{k} ← {v!r}' for k, v in mapping.items())}).")
    if n == 0 and not raw.malformed:
        raise DataFileError(f"{raw.label}: the file has a header row but no data rows. Export "
                            "the table again with its rows (check the export's date filter), "
                            "or point to the file that holds them.")
    return frame, report


def _first_date_col(table: str) -> str | None:
    return {TRANSACTIONS: "date", SURVEYS: "date", ACTIVITIES: "created", CLIENTS: "created"}.get(
        table)


def difflib_close(word: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


# --- the folder ------------------------------------------------------------------------------------


def find_files(folder: Path, config: Config) -> dict[str, Path]:
    """Which file of a folder holds which table (by [files] in the config, else by name)."""
    found: dict[str, list[Path]] = {t: [] for t in TABLES}
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and p.suffix.lower() in DATA_SUFFIXES)
    chosen: dict[str, Path] = {}
    for table, name in config.files.items():
        p = folder / name
        if not p.is_file():
            raise ConfigError(f"{config.source or 'config'}: [files] {table} = {name!r}, but "
                              f"{folder} has no such file. Files there: "
                              f"{', '.join(f.name for f in files) or '(none)'}.")
        chosen[table] = p
    for p in files:
        if p in chosen.values():
            continue
        t = table_of_file(p.stem)
        if t and t not in chosen:
            found[t].append(p)
    for t, paths in found.items():
        if t in chosen or not paths:
            continue
        if len(paths) > 1:
            raise DataFileError(
                f"{folder}: several files look like the {t} table: "
                f"{', '.join(p.name for p in paths)}. Say which one in the config:\n\n"
                f"    [files]\n    {t} = \"{paths[0].name}\"\n")
        chosen[t] = paths[0]
    if TRANSACTIONS not in chosen:
        others = [p.name for p in files if p not in chosen.values()]
        raise DataFileError(
            f"{folder}: no transactions file found (files there: "
            f"{', '.join(p.name for p in files) or 'none readable'}). Name it like "
            "sales.csv / transactions.xlsx / продажи.csv, or say which file it is in the config:"
            f"\n\n    [files]\n    transactions = \"{others[0] if others else 'sales.csv'}\"\n")
    return chosen


def load(path: str | Path, config: Config | str | Path | dict | None = None) -> Dataset:
    """Load a client base from a transactions file or a folder of table files.

    Parameters
    ----------
    path : str or Path
        A transactions file (.csv, .txt, .tsv, .xlsx, .xlsm, .parquet), or a folder holding a
        transactions file and optionally clients, activities and surveys files, recognised by
        their names in English or Russian (``sales.csv``, ``клиенты.xlsx``, ``задачи.csv`` …) or
        named in the config's ``[files]`` section.
    config : Config, path of a TOML file, dict or None
        Column mappings and reading options; None uses the defaults.

    Returns
    -------
    Dataset
        Canonical tables and a :class:`LoadReport` per table in ``Dataset.reports``.

    Examples
    --------
    >>> import reportkit as rk
    >>> ds = rk.load(rk.sample_path())
    >>> r = ds.reports["transactions"]
    >>> r.rows_kept + r.rows_rejected == r.rows_read
    True
    """
    cfg = load_config(config)
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{path}: no such file or folder. Check the path (relative paths "
                            f"start from {Path.cwd()}).")
    files = find_files(path, cfg) if path.is_dir() else {TRANSACTIONS: path}
    tables: dict[str, pd.DataFrame] = {}
    reports: dict[str, LoadReport] = {}
    for table in TABLES:
        if table in files:
            tables[table], reports[table] = read_table(files[table], table, cfg)
    return Dataset(transactions=tables[TRANSACTIONS], clients=tables.get(CLIENTS),
                   activities=tables.get(ACTIVITIES), surveys=tables.get(SURVEYS),
                   reports=reports, source=path)


def write_rejected(dataset: Dataset, out_dir: str | Path) -> dict[str, Path]:
    """Write each table's rejected rows to ``out_dir/rejected_<table>.csv`` (only non-empty)."""
    out = {}
    for table, report in dataset.reports.items():
        if report.rows_rejected:
            out[table] = report.write_rejected(Path(out_dir) / f"rejected_{table}.csv")
    return out


__all__ = ["LoadReport", "load", "read_table", "find_files", "write_rejected", "parse_money",
           "parse_dates", "parse_flags", "parse_ids", "normalize_header"]
