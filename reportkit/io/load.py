"""Loading real CRM and accounting exports into canonical tables, without losing a row.

:func:`load` reads a transactions file, or a folder of transactions / clients / activities /
surveys files (CSV, Excel, Parquet), maps their headers to canonical column names
(:mod:`reportkit.io.columns`), parses dates, money and flags the way Russian and English exports
write them, and accounts for every input row in a :class:`LoadReport`: kept, or rejected with a
reason and its row number. ``kept + rejected == read``, always.

Row numbers are those a person sees when opening the file in a spreadsheet: the header row is
row 1 (or lower, when title lines stand above it), the first data row the next one.
"""

from __future__ import annotations

import difflib
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from ..errors import ConfigError, DataFileError, InputError, MissingColumnError
from ..progress import PROGRESS
from .columns import closest_headers, match_columns, normalize_header, table_of_file
from .config import Config, load_config
from .dataset import Dataset, LoadReport
from .readers import DATA_SUFFIXES, RawTable, read_raw
from .schema import (
    ACTIVITIES,
    AMOUNT,
    CLIENT_ID,
    CLIENTS,
    OPTIONAL,
    ORDER_ID,
    PRICE,
    QUANTITY,
    REQUIRED,
    SCORE,
    SURVEYS,
    TABLES,
    TRANSACTIONS,
    kind_of,
)

# rejection reasons, in the order they are checked; a row gets the first that applies
MALFORMED = "malformed line (wrong number of fields)"
EMPTY_ROW = "empty row"
REPEATED_HEADER = "the header row repeated"
TOTAL_ROW = "total row"
MISSING_ID = "missing client id"
BAD_DATE = "unparseable date"
BAD_AMOUNT = "unparseable amount"
BAD_SCORE = "score missing or outside 0–10"
EARLY_DATE = "date before [load] earliest_date"
FUTURE_DATE = "date in the future"
HUGE_AMOUNT = "implausible amount (1e15 or more)"
_HUGE = 1e15  # no sale is worth a quadrillion; 1e308 would make every total infinite
DUPLICATE_ROW = "exact duplicate row"
REPEATED_ID = "repeated client id (first record kept)"

_TRUE = {"1", "true", "yes", "y", "t", "x", "+", "да", "д", "истина", "v", "✓", "вип", "vip"}
_FALSE = {"0", "false", "no", "n", "f", "-", "нет", "н", "ложь", ""}


_TOTAL_RE = r"(?i)^\s*(итого|всего|total|grand total|subtotal|итог)\b"
_CURRENCY_RE = r"(?i)(руб\.?|р\.|₽|\$|€|£|¥|usd|rub|eur|грн|тенге|тг)"
_SPACES_RE = "[\\s\u00a0\u202f\u2009'’`]"


def _text_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    """Cells as stripped text, '' for missing; integral floats (Excel, Parquet ids) lose '.0'."""
    c = pl.col(name)
    if dtype == pl.String:
        out = c.str.strip_chars()
    elif dtype.is_float():
        integral = c.is_finite() & (c == c.floor()) & (c.abs() < 1e18)
        out = (
            pl.when(integral)
            .then(c.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(c.cast(pl.String))
        )
    elif dtype in (pl.Datetime, pl.Date):
        out = c.cast(pl.String).str.replace("T", " ", literal=True)
    elif dtype == pl.Boolean:
        out = c.cast(pl.String)
    elif dtype == pl.Categorical:  # the reader's repetitive columns stay categories
        return c.cast(pl.String).str.strip_chars().fill_null("").cast(pl.Categorical).alias(name)
    else:
        out = c.cast(pl.String, strict=False).str.strip_chars()
    return out.fill_null("").alias(name)


# what str.strip() removes, as single characters (a cell starting or ending with one is stripped)
_EDGE_SPACES = [
    " ",
    "\t",
    "\r",
    "\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x85",
    "\u00a0",
    "\u1680",
    "\u2000",
    "\u2001",
    "\u2002",
    "\u2003",
    "\u2004",
    "\u2005",
    "\u2006",
    "\u2007",
    "\u2008",
    "\u2009",
    "\u200a",
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
]


def _needs_text(col: pl.Series) -> bool:
    """Whether :func:`_text_expr` would change the column (a text column without missing values
    and without spaces at either end is used as it is: no copy)."""
    if col.dtype == pl.Categorical:
        col = col.unique().cast(pl.String)  # the distinct values tell
    if col.dtype != pl.String or col.null_count() > 0:
        return True
    ends = col.str.slice(0, 1).is_in(_EDGE_SPACES) | col.str.slice(-1, 1).is_in(_EDGE_SPACES)
    return bool(ends.any())


def _text(col: pl.Series) -> pl.Series:
    """One column as :func:`_text_expr` makes it, as text (categories become strings)."""
    if col.dtype == pl.Categorical:
        col = col.cast(pl.String)
    if not _needs_text(col):
        return col
    return col.to_frame().select(_text_expr(col.name, col.dtype)).to_series()


def _clean_money(s: pl.Series) -> pl.Series:
    """Currency signs and words, spaces and thousands apostrophes out; (5) and 5- as -5."""
    c = pl.col("s")
    f = pl.DataFrame({"s": s}).select(
        c.str.replace_all(_CURRENCY_RE, "")
        .str.replace_all(_SPACES_RE, "")
        .str.replace_all("−", "-", literal=True)
        .str.replace_all("–", "-", literal=True)
    )
    f = f.select(
        pl.when(c.str.contains(r"^\(.*\)$"))
        .then(pl.lit("-") + c.str.slice(1, c.str.len_chars() - 2))
        .otherwise(c)
        .alias("s")
    )
    f = f.select(
        pl.when(c.str.contains(r"^[^-].*-$"))
        .then(pl.lit("-") + c.str.slice(0, c.str.len_chars() - 1))
        .otherwise(c)
        .str.strip_chars_end(".")
        .alias("s")
    )  # "руб." leaves nothing, "12." -> "12"
    return f.to_series()


def _resolve_marks(s: pl.Series, decimal: str) -> pl.Series:
    """Numbers with a comma or several dots: which mark is the decimal one."""
    c = pl.col("s")
    has_c, has_d = c.str.contains(",", literal=True), c.str.contains(".", literal=True)
    both = has_c & has_d
    last_c = c.str.contains(r",[^.]*$")  # the comma comes after the last dot
    only_c, only_d = has_c & ~has_d, has_d & ~has_c
    thousands_c = only_c & (
        (c.str.count_matches(",", literal=True) > 1)
        | (pl.lit(decimal == ".") & c.str.contains(r"^-?\d{1,3},\d{3}$"))
    )
    thousands_d = only_d & (
        (c.str.count_matches(".", literal=True) > 1)
        | (pl.lit(decimal == ",") & c.str.contains(r"^-?\d{1,3}\.\d{3}$"))
    )
    no_dots = c.str.replace_all(".", "", literal=True)
    no_commas = c.str.replace_all(",", "", literal=True)
    out = (
        pl.when(both & last_c)
        .then(no_dots.str.replace_all(",", ".", literal=True))
        .when(both)
        .then(no_commas)  # both marks: the last one is decimal
        .when(thousands_c)
        .then(no_commas)
        .when(only_c)
        .then(c.str.replace_all(",", ".", literal=True))
        .when(thousands_d)
        .then(no_dots)
        .otherwise(c)
    )
    return pl.DataFrame({"s": s}).select(out.alias("s")).to_series()


def _patch(s: pl.Series, mask: pl.Series, fn) -> pl.Series:
    """``fn`` applied to the rows of ``mask`` only (most rows of an export need no repair)."""
    idx = mask.fill_null(False).arg_true()
    if len(idx) == 0:
        return s
    if len(idx) == len(s):
        return fn(s)
    return s.scatter(idx, fn(s.gather(idx)))


def _per_category(col: pl.Series, parse, dtype: pl.DataType) -> pl.Series:
    """``parse(values, weights)`` run once per distinct value of a categorical column (weights:
    how many rows hold it) and spread back to the rows through the category codes."""
    counts = col.value_counts(name="__n")
    values = counts.get_column(col.name)
    parsed = parse(_text(values), counts.get_column("__n")).cast(dtype)
    codes = values.to_physical().to_numpy().astype(np.int64)
    at = np.zeros(int(codes.max()) + 1 if len(codes) else 1, dtype=np.int64)
    at[codes] = np.arange(len(codes))
    rows = col.to_physical()
    index = pl.Series(at[rows.fill_null(0).to_numpy().astype(np.int64)])
    out = parsed.gather(index)
    if rows.null_count():
        out = pl.select(pl.when(rows.is_not_null()).then(out)).to_series()
    return out.alias(col.name)


def _money(
    col: pl.Series, decimal: str | None = None, weights: pl.Series | None = None
) -> pl.Series:
    """Amounts as float64 (null where unreadable or empty); see :func:`parse_money`.
    ``weights`` counts the rows of each value when ``col`` holds distinct values."""
    if col.dtype.is_numeric():
        return col.cast(pl.Float64)
    if col.dtype == pl.Boolean:
        return pl.Series(col.name, [None] * len(col), dtype=pl.Float64)
    if col.dtype == pl.Categorical:
        return _per_category(col, lambda v, w: _money(v, decimal, w), pl.Float64())
    name = col.name
    s = _text(col).alias("s")
    w = weights if weights is not None else pl.Series([1] * 0, dtype=pl.Int64)

    def count(mask: pl.Series) -> int:
        return int(mask.sum()) if weights is None else int(w.filter(mask.fill_null(False)).sum())

    if decimal is None:  # the common case: plain numbers, one cast
        plain = _number(s)
        if (
            plain.null_count() == int((s == "").sum())
            and not s.str.contains(r"^-?\d{1,3}(\.\d{3})+$|[eE]").any()
        ):
            return plain.alias(name)
    s = _patch(s, s.str.contains(r"[^0-9.,-]|^[^-].*-$|\.$"), _clean_money)
    if decimal is None:  # the column's decimal mark, judged from unambiguous values
        comma = count(s.str.contains(r"^-?\d*,\d{1,2}$|^-?\d+,\d{4,}$"))
        dot = count(s.str.contains(r"^-?\d*\.\d{1,2}$|^-?\d+\.\d{4,}$"))
        decimal = "," if comma > dot else "."
    if decimal == ",":  # 12,50 is 12.50; leave the rest to the full rules
        simple = s.str.contains(r"^-?\d+,\d+$")
        s = _patch(s, simple, lambda v: v.str.replace(",", ".", literal=True))
        tricky = ~simple & (
            s.str.contains(",", literal=True)
            | s.str.contains(r"\..*\.")
            | s.str.contains(r"^-?\d{1,3}\.\d{3}$")
        )
    else:
        tricky = s.str.contains(",", literal=True) | s.str.contains(r"\..*\.")
    s = _patch(s, tricky, lambda v: _resolve_marks(v, decimal))
    return _number(s).alias(name)


def _number(s: pl.Series) -> pl.Series:
    """Text to float64 where it is a plain finite number (-12.5, .5, 1e3); null otherwise."""
    out = s.cast(pl.Float64, strict=False)
    return pl.select(pl.when(out.is_finite()).then(out)).to_series()


_DATE_FORMATS = [
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%y",
    "%d.%m.%y %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%d-%m-%Y %H:%M:%S",
]
# an ISO date-time with a zone: the zone is dropped, the local wall-clock time is the business
# time (as reportkit.core.panel does for zone-aware datetimes)
_ISO_ZONE = (
    r"^(\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"
)
_SLASH = r"^(\d{1,2})/(\d{1,2})/\d{2,4}\b"
_SLASH_DAYFIRST = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y"]
_SLASH_MONTHFIRST = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%y"]


def _slash_formats(s: pd.Series, dayfirst: bool, weights: pd.Series | None = None) -> list[str]:
    """The one order of the column's dd/mm/yyyy or mm/dd/yyyy dates.

    A date whose first number is over 12 can only be day first, one whose second number is over
    12 only month first; the column follows the more frequent of the two (``dayfirst`` when
    neither shows or they tie), so a US export is not read half one way and half the other.
    The dates that contradict the column's order stay unreadable. ``weights`` counts each value
    (the parser sees each distinct value once).

    >>> _slash_formats(pd.Series(["07/01/2023", "03/25/2023"]), True)[0]
    '%m/%d/%Y'
    >>> _slash_formats(pd.Series(["07/01/2023", "25/03/2023"]), False)[0]
    '%d/%m/%Y'
    """
    parts = s.str.extract(_SLASH)
    first, second = (pd.to_numeric(parts[k], errors="coerce") for k in (0, 1))
    w = weights.reindex(s.index) if weights is not None else pd.Series(1, index=s.index)
    day_first = int(w[(first > 12) & (second <= 12)].sum())
    month_first = int(w[(second > 12) & (first <= 12)].sum())
    if month_first > day_first or (month_first == day_first and not dayfirst):
        return _SLASH_MONTHFIRST
    return _SLASH_DAYFIRST


def _date_strings(s: pd.Series, dayfirst: bool, weights: pd.Series | None = None) -> pd.Series:
    """Distinct stripped date texts -> datetime64[ns] (NaT where unreadable or empty)."""
    result = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    s = s.str.replace(_ISO_ZONE, r"\1", regex=True)
    todo = s != ""
    for fmt in _DATE_FORMATS + _slash_formats(s[todo], dayfirst, weights):
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
                num[ok].round(6), unit="D"
            )
            todo = result.isna() & (s != "")
    # anything else pandas can read ("Jan 5, 2024", …); not a dd/mm or mm/dd date that does not
    # fit the column's order (it stays unreadable rather than being read the other way round)
    todo &= ~s.str.match(_SLASH)
    if todo.any():
        rest = s[todo]
        iso = rest.str.match(r"^\d{4}-")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(
                rest, errors="coerce", dayfirst=dayfirst, format="mixed", utc=True
            )
            if iso.any():  # year first is never day first
                parsed[iso] = pd.to_datetime(rest[iso], errors="coerce", format="mixed", utc=True)
        ok = parsed.notna()
        if ok.any():
            result[parsed.index[ok]] = parsed[ok].dt.tz_localize(None)
    return result


def _dates(col: pl.Series, dayfirst: bool) -> pl.Series:
    """Dates as Datetime(ns), null where unreadable; each distinct text is parsed once."""
    if isinstance(col.dtype, pl.Datetime):
        out = col.dt.replace_time_zone(None) if col.dtype.time_zone else col
        return out.cast(pl.Datetime("ns")).alias(col.name)
    if col.dtype == pl.Date:
        return col.cast(pl.Datetime("ns")).alias(col.name)
    if col.dtype == pl.Categorical:

        def parse(values: pl.Series, weights: pl.Series) -> pl.Series:
            got = _date_strings(
                values.to_pandas().astype(object).astype(str), dayfirst, weights.to_pandas()
            )
            return pl.Series(got.to_numpy(), dtype=pl.Datetime("ns"))

        return _per_category(col, parse, pl.Datetime("ns"))
    s = _text(col)
    counts = s.value_counts(name="__n")
    values = counts.get_column(s.name).to_pandas().astype(object)
    parsed = _date_strings(values.astype(str), dayfirst, counts.get_column("__n").to_pandas())
    new = pl.Series(parsed.to_numpy(), dtype=pl.Datetime("ns"))
    return s.replace_strict(
        counts.get_column(s.name), new, default=None, return_dtype=pl.Datetime("ns")
    ).alias(col.name)


def _flags(col: pl.Series) -> tuple[pl.Series, int]:
    if col.dtype == pl.Boolean:
        return col.fill_null(False), 0
    s = _text(col).str.to_lowercase().str.strip_chars(" .")
    true = s.is_in(sorted(_TRUE))
    unknown = int((~true & ~s.is_in(sorted(_FALSE))).sum())
    return true.alias(col.name), unknown


def _to_polars(col: pd.Series) -> pl.Series:
    """A pandas column for the polars parsers (object columns as text)."""
    if col.dtype == object:
        return pl.Series(str(col.name), _as_text(col).to_numpy(dtype=object), dtype=pl.String)
    return pl.Series(str(col.name), col.reset_index(drop=True))


def _as_text(col: pd.Series) -> pd.Series:
    """pandas cells as stripped strings; missing -> ''. Integral floats lose their '.0'."""
    if isinstance(col.dtype, pd.StringDtype):  # pandas 3 text: stays vectorised
        return col.fillna("").str.strip()
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        return col.fillna("").astype(object).str.strip()
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
        out = col.map(
            lambda v: (
                "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
            )
        )
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
    The decimal mark is decided per column from the values that can only be read one way.

    >>> parse_money(pd.Series(["1 234,50", "1,234.50", "€ 12", "(7,5)", "abc", "12'000", "1.234.567"])).tolist()
    [1234.5, 1234.5, 12.0, -7.5, nan, 12000.0, 1234567.0]
    """
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.astype("float64")
    out = _money(_to_polars(col), decimal).to_numpy()
    return pd.Series(out.astype("float64"), index=col.index, name=col.name)


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
    out = _dates(_to_polars(col), dayfirst).to_pandas()
    return pd.Series(out.to_numpy(), index=col.index, name=col.name).astype("datetime64[ns]")


def parse_flags(col: pd.Series) -> tuple[pd.Series, int]:
    """Yes/no cells (Да/Нет, yes/no, 1/0, true/false, x) as bool; returns (flags, unreadable).

    >>> parse_flags(pd.Series(["Да", "нет", "", "1", "maybe"]))[0].tolist()
    [True, False, False, True, False]
    """
    if pd.api.types.is_bool_dtype(col):
        return col.fillna(False).astype(bool), 0
    flags, unknown = _flags(_to_polars(col))
    return pd.Series(flags.to_numpy(), index=col.index, name=col.name), unknown


# --- one table -----------------------------------------------------------------------------------


def _looks_like_a_table(headers: list[str]) -> bool:
    """Whether a file's first line may be quoted in a message: it has several columns or a
    header reportkit knows. A one-field line that is no known header may be anything (a
    password file named in a config): it is never echoed."""
    return len(headers) >= 2 or any(match_columns(headers, t) for t in TABLES)


def _missing_column_error(
    label: str, table: str, missing: list[str], headers: list[str]
) -> InputError:
    if not _looks_like_a_table(headers):
        return MissingColumnError(
            f"{label}: this does not look like a {table} table: its first line is one field "
            "that is no known header (not shown here). Give the export of the table, with a "
            "header row such as Date;Client;Amount (Дата;Клиент;Сумма)."
        )
    lines, guesses = [], []
    for canon in missing:
        close = closest_headers(canon, table, headers)
        lines.append(f'    {canon} = "{close[0] if close else "<the header in your file>"}"')
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
        f"\n\n    [columns.{table}]\n" + "\n".join(lines) + "\n"
    )


def _mapping(raw: RawTable, table: str, cfg: Config) -> tuple[dict[str, str], bool]:
    """Canonical column -> header, and whether the amount is computed as quantity × price."""
    headers = list(raw.frame.columns)
    explicit = cfg.columns.get(table, {})
    for canon, header in explicit.items():
        if header not in headers:
            close = difflib_close(header, headers)
            found = (
                f" Columns found: {', '.join(map(repr, headers))}."
                if _looks_like_a_table(headers)
                else ""
            )
            raise ConfigError(
                f"{cfg.source or 'config'}: [columns.{table}] {canon} = {header!r}, but "
                f"{raw.label} has no such column.{close if found else ''}{found}"
            )
    mapping = match_columns(headers, table, explicit)
    computed = (
        table == TRANSACTIONS and AMOUNT not in mapping and QUANTITY in mapping and PRICE in mapping
    )
    missing = [c for c in REQUIRED[table] if c not in mapping and not (c == AMOUNT and computed)]
    if missing:
        error = _missing_column_error(raw.label, table, missing, headers)
        if raw.other_sheets:
            names = ", ".join(map(repr, raw.other_sheets))
            error = MissingColumnError(
                f"{str(error).rstrip()}\n\nIf the table is on another sheet of the workbook "
                f"({names}), name it in the config instead:\n\n    [load]\n    sheet = "
                f'"{raw.other_sheets[0]}"\n'
            )
        raise error
    return mapping, computed


def _to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """The kept rows as the canonical pandas frame, converted one column at a time (each polars
    column is released once converted). Text columns stay Arrow strings where pandas has them
    (pandas 3: one buffer per column, not one Python object per cell)."""
    out = {}
    for name in list(frame.columns):
        col = frame.get_column(name)
        frame = frame.drop(name)
        if col.dtype == pl.Datetime:
            col = col.cast(pl.Datetime("ns"))
        values = col.to_pandas()
        del col
        if values.dtype == object and kind_of(name) == "text":
            values = values.where(values.notna(), None)
        out[name] = values
    return pd.DataFrame(out, copy=False)


class _Reasons:
    """The first rejection reason of each row, in the order the checks are made."""

    def __init__(self, n: int):
        self.codes = np.zeros(n, dtype=np.int8)  # 0 = kept
        self.names: list[str] = []

    def reject(self, mask, why: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if why not in self.names:
            self.names.append(why)
        hit = mask & (self.codes == 0)
        self.codes[hit] = self.names.index(why) + 1

    @property
    def kept(self) -> np.ndarray:
        return self.codes == 0

    def of_rejected(self) -> np.ndarray:
        names = np.asarray([""] + self.names, dtype=object)
        return names[self.codes[self.codes > 0]]


def _np(mask: pl.Series) -> np.ndarray:
    return mask.fill_null(False).to_numpy()


def read_table(
    path: str | Path, table: str, config: Config | None = None
) -> tuple[pd.DataFrame, LoadReport]:
    """Read one table from one file: canonical columns and its load report.

    Parameters
    ----------
    path : str or Path
        A .csv/.txt/.tsv, .xlsx/.xlsm/.xls/.xlsb/.ods or .parquet file.
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
    raw = read_raw(path, table, cfg)
    mapping, computed_amount = _mapping(raw, table, cfg)
    frame, report = _parse_table(raw, table, cfg, mapping, computed_amount)
    return frame, report


def _parse_table(
    raw: RawTable, table: str, cfg: Config, mapping: dict[str, str], computed_amount: bool
) -> tuple[pd.DataFrame, LoadReport]:
    headers = list(raw.frame.columns)
    report = LoadReport(table=table, file=raw.label, notes=list(raw.notes), columns=dict(mapping))
    for canon, header in mapping.items():  # a header the file repeats: say which one is used
        twins = [h for h in headers if h != header and re.sub(r" \(\d+\)$", "", h) == header]
        if twins:
            report.notes.append(
                f"{canon} read from the first {header!r} column; "
                f"{', '.join(map(repr, twins))} ignored (map another with "
                f'[columns.{table}] {canon} = "<header>")'
            )
    src = raw.frame
    n = src.height
    text = (
        src.select(
            [
                _text_expr(c, src.schema[c]) if _needs_text(src.get_column(c)) else pl.col(c)
                for c in headers
            ]
        )
        if n
        else src.select([pl.col(c).cast(pl.String) for c in headers])
    )
    del src
    raw.frame = text
    reasons = _Reasons(n)
    reasons.reject(_np(text.select(pl.all_horizontal(pl.all() == "")).to_series()), EMPTY_ROW)
    # a header the file repeats among its rows (exports glued together, page headers)
    if n and len(headers) > 1:
        same = pl.all_horizontal([pl.col(h) == h for h in headers])
        reasons.reject(_np(text.select(same).to_series()), REPEATED_HEADER)
    ids = _text(text.get_column(mapping[CLIENT_ID]))
    first = text.select(pl.concat_str(pl.col(headers[:3]), separator=" ")).to_series()
    total = first.str.contains(_TOTAL_RE) & ((ids == "") | ids.str.contains(_TOTAL_RE))
    reasons.reject(_np(total), TOTAL_ROW)
    reasons.reject(_np(ids == ""), MISSING_ID)
    out: dict[str, pl.Series] = {CLIENT_ID: ids.alias(CLIENT_ID)}
    for canon in REQUIRED[table] + OPTIONAL[table]:
        if canon == CLIENT_ID or canon not in mapping:
            continue
        out[canon] = _parse_column(
            text.get_column(mapping[canon]), canon, table, cfg, raw, reasons, report, n
        )
    if computed_amount:
        out[AMOUNT] = (out[QUANTITY] * out[PRICE]).alias(AMOUNT)
        reasons.reject(_np(out[AMOUNT].is_null()), BAD_AMOUNT)
        report.notes.append(
            f"no amount column: amount = {mapping[QUANTITY]!r} × {mapping[PRICE]!r}"
        )
    if n and table != CLIENTS:
        _repeated_rows(text, table, cfg, mapping, out, reasons, report)
    if table == CLIENTS and n:
        kept_ids = pl.select(pl.when(pl.Series(reasons.kept)).then(ids)).to_series()
        rep = ~kept_ids.is_first_distinct() & kept_ids.is_not_null()
        reasons.reject(_np(rep), REPEATED_ID)
    return _finish(raw, text, out, reasons, report, mapping, table, n)


#: a text column of a table this long, with at most one distinct value in ten rows (products,
#: categories, managers, channels), is kept as a pandas Categorical: 1-4 bytes a row instead of
#: a string a row (a 10M-row export's four such columns: ~1.5 GB less)
_CATEGORICAL_FROM = 100_000


def _parse_column(
    col: pl.Series,
    canon: str,
    table: str,
    cfg: Config,
    raw: RawTable,
    reasons: _Reasons,
    report: LoadReport,
    n: int,
) -> pl.Series:
    kind = kind_of(canon)
    header = col.name
    if kind == "date":
        parsed = _dates(col, cfg.load.dayfirst)
        given = col != ""
        if canon in REQUIRED[table]:
            if n and parsed.null_count() == n and given.any():
                examples = ", ".join(repr(v) for v in col.filter(given).head(3).to_list())
                raise DataFileError(
                    f"{raw.label}: no value in the date column {header!r} could be read as a "
                    f"date (examples: {examples}). Write dates as dd.mm.yyyy or yyyy-mm-dd, or "
                    f'map another column: [columns.{table}] {canon} = "<header>".'
                )
            reasons.reject(_np(parsed.is_null()), BAD_DATE)
            if table == TRANSACTIONS:
                reasons.reject(_np(parsed < pd.Timestamp(cfg.load.earliest_date)), EARLY_DATE)
                if cfg.load.reject_future:
                    tomorrow = pd.Timestamp.today().normalize() + pd.Timedelta(days=2)
                    reasons.reject(_np(parsed >= tomorrow), FUTURE_DATE)
        else:
            bad = int((parsed.is_null() & given).sum())
            if bad:
                report.notes.append(
                    f"{bad:,} unreadable values in optional column {header!r} left empty"
                )
        return parsed.alias(canon)
    if kind in ("money", "number"):
        parsed = _money(col)
        if canon == AMOUNT:
            reasons.reject(_np(parsed.is_null()), BAD_AMOUNT)
            reasons.reject(_np(parsed.abs() >= _HUGE), HUGE_AMOUNT)
        elif canon == SCORE:
            reasons.reject(_np(parsed.is_null() | ~parsed.is_between(0, 10)), BAD_SCORE)
        else:
            bad = int((parsed.is_null() & (col != "")).sum())
            if bad:
                report.notes.append(
                    f"{bad:,} unreadable values in optional column {header!r} left empty"
                )
        return parsed.alias(canon)
    if kind == "flag":
        flags, unknown = _flags(col)
        if unknown:
            report.notes.append(
                f"{unknown:,} values in {header!r} read as 'no' (not yes/no, да/нет, 1/0)"
            )
        return flags.alias(canon)
    if kind == "text":
        text = pl.select(pl.when(col != "").then(col)).to_series().alias(canon)
        if n >= _CATEGORICAL_FROM and text.n_unique() <= n // 10:
            return text.cast(pl.Categorical)  # products, managers …: a code a row
        return text.cast(pl.String)
    return _text(col).alias(canon)


def _repeats(text: pl.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row in every column. Rows are compared by a 64-bit hash first;
    only the rows whose hash repeats are compared cell by cell."""
    hashes = text.hash_rows(seed=0)
    candidate = _np(hashes.is_duplicated())
    repeat = np.zeros(text.height, dtype=bool)
    if candidate.any():
        idx = np.flatnonzero(candidate)
        sub = text[idx]
        repeat[idx] = _np(~sub.select(pl.struct(pl.all()).is_first_distinct()).to_series())
    return repeat


def _repeated_rows(
    text: pl.DataFrame,
    table: str,
    cfg: Config,
    mapping: dict[str, str],
    out: dict[str, pl.Series],
    reasons: _Reasons,
    report: LoadReport,
) -> None:
    """Rows that repeat an earlier row exactly: rejected when the row carries an order number
    (or the config says so); kept as separate purchases otherwise, with a note."""
    repeat = _repeats(text)
    if not repeat.any():
        return
    drop = cfg.load.drop_duplicate_rows
    if drop is None:
        drop = table != TRANSACTIONS or ORDER_ID in mapping
    if drop:
        reasons.reject(repeat, DUPLICATE_ROW)
        return
    if table != TRANSACTIONS:
        return
    kept = repeat & reasons.kept
    count = int(kept.sum())
    if count:
        amount = float(np.nansum(out[AMOUNT].to_numpy()[kept]))
        why = (
            "[load] drop_duplicate_rows = false"
            if cfg.load.drop_duplicate_rows is False
            else "the file has no order or document number to tell a repeat from a second purchase"
        )
        report.notes.append(
            f"{count:,} rows repeat an earlier row exactly (amount "
            f"{amount:,.2f}); kept as separate purchases because {why}. Set "
            "[load] drop_duplicate_rows = true to drop them"
        )


def _finish(
    raw: RawTable,
    text: pl.DataFrame,
    out: dict[str, pl.Series],
    reasons: _Reasons,
    report: LoadReport,
    mapping: dict[str, str],
    table: str,
    n: int,
) -> tuple[pd.DataFrame, LoadReport]:
    keep = reasons.kept
    bad_rows = ~keep
    rejected = text.filter(pl.Series(bad_rows)).to_pandas() if n else text.to_pandas()
    rejected.insert(0, "row", raw.rows[bad_rows] if n else np.zeros(0, np.int64))
    rejected.insert(1, "reason", reasons.of_rejected() if n else np.zeros(0, object))
    if raw.malformed:
        bad = pd.DataFrame(
            {
                "row": [r for r, _ in raw.malformed],
                "reason": MALFORMED,
                "line": [t for _, t in raw.malformed],
            }
        )
        rejected = pd.concat([rejected, bad], ignore_index=True)
    report.rejected = rejected.reset_index(drop=True)
    report.rows_read = n + len(raw.malformed)
    report.rows_kept = int(keep.sum())
    report.rows_rejected = len(report.rejected)
    counts = report.rejected["reason"].value_counts() if len(report.rejected) else {}
    order = [
        MALFORMED,
        EMPTY_ROW,
        REPEATED_HEADER,
        TOTAL_ROW,
        MISSING_ID,
        BAD_DATE,
        EARLY_DATE,
        FUTURE_DATE,
        BAD_AMOUNT,
        HUGE_AMOUNT,
        BAD_SCORE,
        DUPLICATE_ROW,
        REPEATED_ID,
    ]
    report.rejected_by_reason = {r: int(counts[r]) for r in order if r in counts}
    assert sum(report.rejected_by_reason.values()) == len(report.rejected)
    assert report.rows_kept + report.rows_rejected == report.rows_read
    if n and report.rows_kept == 0:
        main = max(report.rejected_by_reason, key=lambda r: report.rejected_by_reason[r])
        raise DataFileError(
            f"{raw.label}: none of its {report.rows_read:,} rows can be used (most common "
            f"reason: {main}, {report.rejected_by_reason[main]:,} rows; first rows: "
            f"{', '.join(map(str, report.rejected['row'].head(5)))}). Check the column mapping "
            f"({', '.join(f'{k} ← {v!r}' for k, v in mapping.items())})."
        )
    if n == 0 and not raw.malformed:
        raise DataFileError(
            f"{raw.label}: the file has a header row but no data rows. Export "
            "the table again with its rows (check the export's date filter), "
            "or point to the file that holds them."
        )
    raw.frame = None  # type: ignore[assignment]  # the raw text is released before the typed frame is built
    del text
    kept = pl.DataFrame(list(out.values())).filter(pl.Series(keep))
    out.clear()
    date_col = _first_date_col(table)
    if table == TRANSACTIONS:
        kept = kept.sort(date_col, maintain_order=True, nulls_last=True)
        amount = kept.get_column(AMOUNT)
        neg = amount < 0
        report.returns_count = int(neg.sum())
        report.returns_amount = float(amount.filter(neg).sum())
        report.total_amount = float(amount.sum())
    if date_col and date_col in kept.columns and kept.get_column(date_col).null_count() < len(kept):
        report.date_min = pd.Timestamp(kept.get_column(date_col).min())
        report.date_max = pd.Timestamp(kept.get_column(date_col).max())
    report.clients = int(kept.get_column(CLIENT_ID).n_unique())
    return _to_pandas(kept), report


def _first_date_col(table: str) -> str | None:
    return {TRANSACTIONS: "date", SURVEYS: "date", ACTIVITIES: "created", CLIENTS: "created"}.get(
        table
    )


def difflib_close(word: str, choices: list[str]) -> str:

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


# --- the folder ------------------------------------------------------------------------------------


def find_files(folder: Path, config: Config) -> dict[str, Path]:
    """Which file of a folder holds which table (by [files] in the config, else by name)."""
    found: dict[str, list[Path]] = {t: [] for t in TABLES}
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in DATA_SUFFIXES
    )
    chosen: dict[str, Path] = {}
    root = folder.resolve()
    for table, name in config.files.items():
        p = folder / name
        if not p.resolve().is_relative_to(root):
            raise ConfigError(
                f"{config.source or 'config'}: [files] {table} = {name!r} points "
                f"outside the data folder {folder}; reportkit reads only the "
                "files inside the folder it is given. Copy the file into the "
                "folder and name it there."
            )
        if not p.is_file():
            raise ConfigError(
                f"{config.source or 'config'}: [files] {table} = {name!r}, but "
                f"{folder} has no such file. Files there: "
                f"{', '.join(f.name for f in files) or '(none)'}."
            )
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
                f'    [files]\n    {t} = "{paths[0].name}"\n'
            )
        chosen[t] = paths[0]
    if TRANSACTIONS not in chosen:
        others = [p.name for p in files if p not in chosen.values()]
        raise DataFileError(
            f"{folder}: no transactions file found (files there: "
            f"{', '.join(p.name for p in files) or 'none readable'}). Name it like "
            "sales.csv / transactions.xlsx / продажи.csv, or say which file it is in the config:"
            f'\n\n    [files]\n    transactions = "{others[0] if others else "sales.csv"}"\n'
        )
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
        raise DataFileError(
            f"{path}: no such file or folder. Check the path (relative paths "
            f"start from {Path.cwd()})."
        )
    files = find_files(path, cfg) if path.is_dir() else {TRANSACTIONS: path}
    tables: dict[str, pd.DataFrame] = {}
    reports: dict[str, LoadReport] = {}
    for table in TABLES:
        if table in files:
            tables[table], reports[table] = read_table(files[table], table, cfg)
            r = reports[table]
            PROGRESS.stage(
                f"{table}: {r.rows_kept:,} of {r.rows_read:,} rows kept ({files[table].name})"
            )
    return Dataset(
        transactions=tables[TRANSACTIONS],
        clients=tables.get(CLIENTS),
        activities=tables.get(ACTIVITIES),
        surveys=tables.get(SURVEYS),
        reports=reports,
        source=path,
    )


def write_rejected(dataset: Dataset, out_dir: str | Path) -> dict[str, Path]:
    """Write each table's rejected rows to ``out_dir/rejected_<table>.csv`` (only non-empty)."""
    out = {}
    for table, report in dataset.reports.items():
        if report.rows_rejected:
            out[table] = report.write_rejected(Path(out_dir) / f"rejected_{table}.csv")
    return out


__all__ = [
    "LoadReport",
    "find_files",
    "load",
    "normalize_header",
    "parse_dates",
    "parse_flags",
    "parse_ids",
    "parse_money",
    "read_table",
    "write_rejected",
]
