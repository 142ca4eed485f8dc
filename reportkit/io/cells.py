"""Cells as exports write them, read into typed columns: text, money, dates and yes/no flags.

The parsers of :mod:`reportkit.io.load`, column at a time and in polars: ids and texts are
stripped (integral floats from Excel or Parquet lose their ``.0``), amounts are read with
either decimal mark (decided per column from the values that can only be read one way),
thousands separators, currency signs and the ways accountants write a negative, dates in the
Russian, ISO, slash and Excel forms (each distinct text parsed once), flags in Russian and
English. The ``parse_*`` functions are their pandas faces, also reachable as
``reportkit.io.load.parse_*``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl

_TRUE = {"1", "true", "yes", "y", "t", "x", "+", "да", "д", "истина", "v", "✓", "вип", "vip"}
_FALSE = {"0", "false", "no", "n", "f", "-", "нет", "н", "ложь", ""}

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


__all__ = ["parse_dates", "parse_flags", "parse_ids", "parse_money"]
