"""Action lists as files: one CSV per list for other systems, one XLSX workbook for people.

:func:`write_action_lists` writes each list (who to call back, who to reactivate, which records
are duplicates, …) as ``<name>.csv`` and all of them as sheets of one ``action_lists.xlsx``.

**The workbook is for people.** Its headers and its category values are words in the report's
language (``Код клиента``, ``Блок жизненного цикла``, ``Проверенные``; the words are in
:mod:`reportkit.report.words.lists`), and a ``Codes`` sheet (``Коды``) maps every sheet's
headers back to the column codes and every category word back to its value code, so that a
program can read the workbook too. Ids are text cells (``001893`` keeps its zeros). Text that
begins like a formula (``=``, ``+``, ``-``, ``@``) is written as a text cell and shown as it is:
it is never a formula, and it carries no guard character. Frozen header row, column widths,
number formats: money in whole units with thousands separators, whole percents (the cell holds
the fraction, ``0.26`` shown as ``26%``), dates as dates.

**The CSV files are for other systems.** They keep stable English column codes and value codes
in every language (``client_id``, ``proven``); UTF-8 with a BOM, and in Russian ``;`` between
fields and a decimal comma, as Excel expects in a Russian locale. Ids are always quoted. Text
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
against formula injection; numbers (also negative ones) stay numbers. Quoting does not stop
Excel from reading ``"001893"`` as the number 1893 when a CSV is opened by double-click, and no
cell may become a formula to stop it: people read the workbook, and the report says so
(:func:`reportkit.report.words.lists.files_sentence`).

Both files hold the same rounded values (halves away from zero): money to the currency unit,
shares and probabilities to whole percents (``0.26``), other fractional numbers to 2 decimals,
days and scores to whole numbers (:data:`reportkit.report.words.lists.KINDS`), dates as days (a time of day, like the
expected next order's, is dropped).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, ReportError, check_param
from ..io import schema as S
from . import text as T
from .words import lists as WLI

#: the key of the workbook in the dict returned by :func:`write_action_lists`
WORKBOOK = "workbook"
WORKBOOK_FILE = "action_lists.xlsx"
MANIFEST_FILE = "action_lists.json"
#: rows per sheet of the workbook, which is for people: a longer list shows its first rows (the
#: lists are ranked) and the workbook's notes sheet says where the rest is (its CSV). Writing a
#: million rows cell by cell took minutes, and Excel stops at 1,048,576 rows anyway.
XLSX_MAX_ROWS = 100_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_NAME_OK = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_CSV = {"en": (",", "."), "ru": (";", ",")}  # (between fields, decimal sign)
#: decimals a number keeps in both files, by its kind: money to the currency unit, shares to
#: whole percents
DECIMALS = {"money": 0, "int": 0, "pct": 2, "number": 2}
#: decimals of any other float (a column of another kind given by the caller): the same text
#: every run (351527.71, not 351527.7100000001 from a sum taken in another order)
CSV_DECIMALS = 6
_XLSX_FORMATS = {"money": "#,##0", "int": "#,##0", "number": "#,##0.00", "pct": "0%"}
_XLSX_DATE = {"en": "yyyy-mm-dd", "ru": "dd.mm.yyyy"}
_CSV_CHUNK = 50_000  # rows formatted at a time


def neutralise(value: Any) -> Any:
    """A text value made safe from formula injection; anything else unchanged.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("-5"), neutralise(-5), neutralise("Alpha")
    ('\\'=HYPERLINK("x")', "'-5", -5, 'Alpha')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# ----------------------------------------------------------------------------------------------
# the lists as both files hold them
# ----------------------------------------------------------------------------------------------
def with_client_names(
    lists: Mapping[str, pd.DataFrame], clients: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """Every list that has a ``client_id`` with the client's ``name`` right after the id: taken
    from ``clients`` when the list has none (and ``clients`` has names), moved beside the id
    when the list has one. Lists without a client id are returned as they are.

    >>> lists = {"overdue": pd.DataFrame({"client_id": ["007", "9"], "due": [3, 4]})}
    >>> clients = pd.DataFrame({"client_id": ["007"], "name": ["Alpha"]})
    >>> with_client_names(lists, clients)["overdue"].columns.tolist()
    ['client_id', 'name', 'due']
    >>> with_client_names(lists, clients)["overdue"]["name"].tolist()
    ['Alpha', nan]
    """
    names = None
    if clients is not None and {S.CLIENT_ID, S.NAME} <= set(clients.columns):
        names = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[S.NAME]
    out = {}
    for key, frame in lists.items():
        if S.CLIENT_ID in frame.columns and (S.NAME in frame.columns or names is not None):
            name = frame[S.NAME] if S.NAME in frame.columns else frame[S.CLIENT_ID].map(names)
            frame = frame.drop(columns=[S.NAME], errors="ignore")
            frame.insert(list(frame.columns).index(S.CLIENT_ID) + 1, S.NAME, name.to_numpy())
        out[key] = frame
    return out


def _prepared(df: pd.DataFrame, kinds: Mapping[str, str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The frame with its index as a column when meaningful, and the kind of every column (the
    caller's ``kinds`` first, then the lists' own, then the name and the dtype)."""
    frame = df if isinstance(df.index, pd.RangeIndex) else df.reset_index()
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].tolist()
        raise ParameterError(f"an action list has repeated column names {dup}; rename them")
    merged = {**WLI.KINDS, **(kinds or {})}
    return frame, [T.column_kind(c, frame[c], merged) for c in frame.columns]


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as text (a number id without its decimal point: ``1893.0`` is ``1893``)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values

    def text(v: Any) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)

    missing = values.isna().to_numpy()
    texts = [None if m else text(v) for v, m in zip(values.tolist(), missing)]
    return pd.Series(texts, index=values.index, dtype=object)


def _round(values: pd.Series, decimals: int) -> pd.Series:
    """Floats rounded half away from zero, as people round money (1,234.50 is 1,235; numpy
    rounds halves to even), without a negative zero."""
    scale = 10.0**decimals
    arr = values.to_numpy(dtype="float64", na_value=np.nan)
    out = np.sign(arr) * np.floor(np.abs(arr) * scale + 0.5) / scale + 0.0
    return pd.Series(out, index=values.index, name=values.name)


def _rounded(frame: pd.DataFrame, col_kinds: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The values both files hold: ids as text, numbers rounded by kind (:data:`DECIMALS`),
    dates as days (kind ``datetime`` becomes ``date``)."""
    out, kinds = {}, []
    for col, kind in zip(frame.columns, col_kinds):
        values = frame[col]
        if kind == "id":
            values = _id_text(values)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            if getattr(values.dt, "tz", None) is not None:
                values = values.dt.tz_localize(None)  # the day where the time was recorded
            values, kind = values.dt.normalize(), "date"
        elif pd.api.types.is_float_dtype(values.dtype):
            values = _round(values, DECIMALS.get(kind, CSV_DECIMALS))
        out[col] = values
        kinds.append(kind)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns), kinds


@contextlib.contextmanager
def replaced(path: Path):
    """A temporary name beside ``path`` to write to: renamed over ``path`` when the block ends
    well, removed when it fails, so a reader sees the old file or the whole new one, never half
    of one (and a failed write leaves no temporary file behind)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# ----------------------------------------------------------------------------------------------
# CSV: codes, for other systems
# ----------------------------------------------------------------------------------------------
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a UTF-16 pair: UTF-8 cannot encode it


def _csv_text(value: Any, dec: str) -> str:
    """One value of a column of Python objects as CSV text (unquoted; empty when missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        return repr(round(float(value), CSV_DECIMALS) + 0.0).replace(".", dec)
    if isinstance(value, (datetime.date, np.datetime64)):
        day = pd.Timestamp(value)
        return "" if day is pd.NaT else day.strftime("%Y-%m-%d")
    return neutralise(_SURROGATE.sub("?", value if isinstance(value, str) else str(value)))


def _csv_column(col: pd.Series, kind: str, dec: str, special: re.Pattern) -> list[str]:
    """A column as CSV fields: numbers with the decimal sign of the language, dates as
    ``YYYY-MM-DD``, text guarded and quoted when it holds a separator, a quote or a line break
    (an id always)."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        texts = ["True" if v else "False" for v in col.fillna(False).astype(bool).tolist()]
    elif pd.api.types.is_integer_dtype(dtype):
        texts = col.astype(str).tolist()
    elif pd.api.types.is_float_dtype(dtype):
        arr = col.to_numpy(dtype="float64", na_value=np.nan)
        whole = DECIMALS.get(kind, CSV_DECIMALS) == 0
        texts = (np.char.mod("%.0f", arr) if whole else arr.astype(str)).tolist()
        if dec != "." and not whole:
            texts = [t.replace(".", dec) for t in texts]
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        texts = col.dt.strftime("%Y-%m-%d").tolist()
    else:
        always = kind == "id"
        return [
            '"' + t.replace('"', '""') + '"' if t and (always or special.search(t)) else t
            for t in (_csv_text(v, dec) for v in col.tolist())
        ]
    return ["" if m else t for t, m in zip(texts, col.isna().to_numpy())]


def _write_csv(frame: pd.DataFrame, col_kinds: list[str], path: Path, lang: str) -> None:
    """One list as CSV, ``_CSV_CHUNK`` rows at a time (a lone surrogate, which UTF-8 cannot
    encode, is written as ``?``)."""
    sep, dec = _CSV[lang]
    special = re.compile(f'[{re.escape(sep)}"\r\n]')
    header = [
        '"' + h.replace('"', '""') + '"' if special.search(h) else h
        for h in map(str, frame.columns)
    ]
    with path.open("wb") as fh:
        fh.write(codecs.BOM_UTF8 + (sep.join(header) + "\r\n").encode("utf-8", "replace"))
        for start in range(0, len(frame), _CSV_CHUNK):
            part = frame.iloc[start : start + _CSV_CHUNK]
            cols = [
                _csv_column(part[c], kind, dec, special) for c, kind in zip(part.columns, col_kinds)
            ]
            if len(cols) == 1:  # an empty field alone on its line is written "" (not a blank line)
                cols = [[t or '""' for t in cols[0]]]
            rows = [sep.join(r) for r in zip(*cols)] if cols else [""] * len(part)
            fh.write(("\r\n".join(rows) + "\r\n").encode("utf-8", "replace"))


# ----------------------------------------------------------------------------------------------
# XLSX: words, for people
# ----------------------------------------------------------------------------------------------
def _sheet_name(name: str, lang: str, taken: set[str]) -> str:
    base = T.t(f"action.{name}", lang) if T.has(f"action.{name}") else name
    base = _SHEET_BAD.sub("_", base).strip("'") or "list"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def _people(
    name: str, frame: pd.DataFrame, col_kinds: list[str], lang: str
) -> tuple[pd.DataFrame, list[str], list[tuple[str, str, str, str]]]:
    """The list as the workbook shows it: the headers and the category values as words in
    ``lang``; and the rows of the codes sheet that map them back (header, column code, value
    word, value code)."""
    headers, codes, out = [], [], {}
    for col, kind in zip(frame.columns, col_kinds):
        head = WLI.header(col, lang, name)
        headers.append(head)
        codes.append((head, str(col), "", ""))
        values = frame[col]
        words = {} if kind in T.NUMERIC_KINDS else WLI.value_words(col, values, lang)
        if words:
            table = {v: words[str(v)] for v in values.dropna().unique()}
            values = values.astype(object).map(table)
            codes += [(head, str(col), word, code) for code, word in words.items()]
        out[col] = values
    return pd.DataFrame(out, index=frame.index, columns=frame.columns), headers, codes


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            value = value.tz_convert(None)
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    return value


def _width(header: str, frame: pd.DataFrame, col: Any, kind: str, lang: str) -> float:
    sample = frame[col].head(200).tolist()
    lengths = [len(str(header))]
    decimals = 0 if kind in ("money", "pct") else None
    lengths += [len(T.format_value(v, kind, lang, decimals=decimals)) for v in sample]
    return float(min(max(max(lengths) + 2, 8), 60))


# control characters and lone surrogates (from a Parquet file, say): no cell can hold them
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


_CELL_MAX = 32_767  # characters a spreadsheet cell holds


def _xlsx_text(value: str, fixed: dict[str, int] | None = None) -> str:
    """Text as a cell holds it: a line break is a line feed; other control characters, which
    a cell cannot hold, are dropped, and text past 32,767 characters is cut -- both counted in
    ``fixed`` for the workbook's notes (the CSV files keep the text as it is)."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
        if fixed is not None:
            fixed["cleaned"] += 1
    if len(value) > _CELL_MAX:
        value = value[:_CELL_MAX]
        if fixed is not None:
            fixed["long"] += 1
    return value


def _xlsx_column(
    ws: Any, col: pd.Series, fixed: dict[str, int], day: Any = None
) -> tuple[list, Any]:
    """A column's cell values (None = empty) and the writer for them, decided once per column
    by its dtype; a column of mixed objects is dispatched value by value. Text is always a
    text cell (``write_string``): ``=SUM(A1)`` is shown as it is, never computed."""
    missing = col.isna().to_numpy()
    if pd.api.types.is_bool_dtype(col.dtype):
        values = [None if m else bool(v) for v, m in zip(col.tolist(), missing)]
        return values, ws.write_boolean
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64").tolist()
        return [None if m else v for v, m in zip(values, missing)], ws.write_number
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        values = col.dt.floor("us").dt.to_pydatetime().tolist()
        return [None if m else v for v, m in zip(values, missing)], ws.write_datetime
    if isinstance(col.dtype, (pd.StringDtype, pd.CategoricalDtype)) and (
        not isinstance(col.dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(col.cat.categories.dtype)
    ):
        values = col.astype(object).tolist()
        return [
            None if m else _xlsx_text(str(v), fixed) for v, m in zip(values, missing)
        ], lambda r, c, value, fmt: ws.write_string(r, c, value)

    def write_any(r: int, c: int, value: Any, fmt: Any) -> None:
        value = _cell_value(value)
        if value is None:
            return
        if isinstance(value, str):
            ws.write_string(r, c, _xlsx_text(value, fixed))
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value, fmt)
        elif isinstance(value, (datetime.datetime, datetime.date)):  # a day, as a date
            ws.write_datetime(r, c, datetime.date(value.year, value.month, value.day), day)
        else:
            ws.write_string(r, c, _xlsx_text(str(value), fixed))

    values = col.astype(object).tolist()
    return [None if m else v for v, m in zip(values, missing)], write_any


def _write_sheet(
    ws: Any,
    frame: pd.DataFrame,
    col_kinds: list[str],
    headers: list[str],
    style: Callable[..., Any],
    fixed: dict[str, int],
    lang: str,
) -> None:
    """One list on its sheet: a frozen bold header row, column widths, a number format per
    kind, then the rows (streamed: row by row, in order)."""
    ws.freeze_panes(1, 0)
    for i, (col, kind, head) in enumerate(zip(frame.columns, col_kinds, headers)):
        ws.set_column(i, i, _width(head, frame, col, kind, lang))
        props = {"bold": True, "bg_color": "#F3F5F7"}
        if kind in T.NUMERIC_KINDS:
            props["align"] = "right"
        ws.write_string(0, i, _xlsx_text(head), style(**props))
    day = style(num_format=_XLSX_DATE[lang])
    formats = [
        day
        if kind in ("date", "datetime")
        else style(num_format=_XLSX_FORMATS[kind])
        if kind in _XLSX_FORMATS
        else None
        for kind in col_kinds
    ]
    columns, writers = (
        zip(*[_xlsx_column(ws, frame[c], fixed, day) for c in frame.columns])
        if len(frame.columns)
        else ((), ())
    )
    for r, row in enumerate(zip(*columns), start=1):
        for c, value in enumerate(row):
            if value is not None:
                writers[c](r, c, value, formats[c])


def _write_table(ws: Any, rows: list[tuple[str, ...]], style: Callable[..., Any]) -> None:
    """A sheet of text: the first row a frozen bold header (the codes sheet)."""
    ws.freeze_panes(1, 0)
    for c in range(len(rows[0])):
        width = max(len(row[c]) for row in rows)
        ws.set_column(c, c, float(min(max(width + 2, 8), 60)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                fmt = style(bold=True, bg_color="#F3F5F7") if r == 0 else None
                ws.write_string(r, c, _xlsx_text(value), fmt)


def _write_xlsx(
    frames: dict[str, tuple[pd.DataFrame, list[str]]],
    path: Path,
    lang: str,
    max_rows: int | None = None,
) -> None:
    """The workbook, streamed row by row (xlsxwriter's constant-memory mode: each row goes to
    disk as it is written; about 2.5 times faster than openpyxl's write-only mode)."""
    import xlsxwriter

    max_rows = XLSX_MAX_ROWS if max_rows is None else max_rows
    with replaced(path) as tmp:
        _write_workbook(xlsxwriter, frames, tmp, lang, max_rows)


def _write_workbook(
    xlsxwriter: Any,
    frames: dict[str, tuple[pd.DataFrame, list[str]]],
    tmp: Path,
    lang: str,
    max_rows: int,
) -> None:
    """The sheets of the lists (in words), the codes sheet, and a notes sheet when a list was
    cut or a cell cleaned."""
    options = {"constant_memory": True, "strings_to_formulas": False}
    options |= {"strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(str(tmp), options)
    # a fixed creation stamp: the same lists give the same bytes on every run
    wb.set_properties({"created": datetime.datetime(2000, 1, 1)})
    styles: dict[tuple, Any] = {}

    def style(**props) -> Any:
        key = tuple(sorted(props.items()))
        if key not in styles:
            styles[key] = wb.add_format(props)
        return styles[key]

    taken: set[str] = set()
    notes: list[str] = []
    codes = [tuple(WLI.say(f"codes.{k}", lang) for k in _CODES_COLUMNS)]
    fixed = {"cleaned": 0, "long": 0}
    try:
        for name, (frame, col_kinds) in frames.items():
            title = _sheet_name(name, lang, taken)
            if len(frame) > max_rows:
                shown, total = T.fmt_int(max_rows, lang), T.fmt_int(len(frame), lang)
                file = f"{name}.csv"
                notes.append(
                    T.t("action.cut", lang, sheet=title, shown=shown, total=total, file=file)
                )
                frame = frame.iloc[:max_rows]
            frame, headers, rows = _people(name, frame, col_kinds, lang)
            codes += [(title, name, *row) for row in rows]
            _write_sheet(wb.add_worksheet(title), frame, col_kinds, headers, style, fixed, lang)
        ws = wb.add_worksheet(_sheet_name(WLI.say("codes.sheet", lang), lang, taken))
        _write_table(ws, codes, style)
        for key, count in fixed.items():
            if count:
                notes.append(T.t(f"action.{key}", lang, count=T.fmt_int(count, lang)))
        if notes:
            ws = wb.add_worksheet(_sheet_name(T.t("action.notes", lang), lang, taken))
            ws.set_column(0, 0, 120)
            for r, line in enumerate(notes):
                ws.write_string(r, 0, line)
    except BaseException:
        try:
            wb.close()
        except Exception:  # noqa: BLE001, S110 - the first error is the one to report
            pass
        raise
    wb.close()


#: the columns of the codes sheet (words ``codes.<key>`` of :mod:`reportkit.report.words.lists`)
_CODES_COLUMNS = ("title", "list", "header", "column", "value", "code")


# ----------------------------------------------------------------------------------------------
# both
# ----------------------------------------------------------------------------------------------
def _checked(
    lists: Any, lang: Any, kinds: Mapping[str, str] | None, workbook: Any
) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """The arguments of :func:`write_action_lists` checked; each list prepared and rounded."""
    check_param(lang in T.LANGS, "lang", 'one of "en", "ru"', lang)
    if not isinstance(lists, Mapping):
        raise ParameterError(
            f"`lists` must be a dict of name to DataFrame, got {type(lists).__name__}"
        )
    check_param(
        isinstance(workbook, str) and workbook.endswith(".xlsx") and "/" not in workbook,
        "workbook",
        "a file name ending in .xlsx",
        workbook,
    )
    frames: dict[str, tuple[pd.DataFrame, list[str]]] = {}
    for name, df in lists.items():
        check_param(
            isinstance(name, str) and bool(_NAME_OK.fullmatch(name)) and name != WORKBOOK,
            "the name of an action list",
            "letters, digits, '_', '.' or '-' (and not 'workbook')",
            name,
        )
        if not isinstance(df, pd.DataFrame):
            raise ParameterError(
                f"`lists[{name!r}]` must be a pandas DataFrame, got {type(df).__name__}"
            )
        frames[name] = _rounded(*_prepared(df, kinds))
    return frames


def write_action_lists(
    lists: Mapping[str, pd.DataFrame],
    out_dir: str | os.PathLike,
    *,
    lang: str = "en",
    kinds: Mapping[str, str] | None = None,
    workbook: str = WORKBOOK_FILE,
) -> dict[str, Path]:
    """Write action lists as CSV files (codes, for other systems) and one XLSX workbook (words,
    for people); see the module docstring for what each holds.

    Parameters
    ----------
    lists : dict of str to DataFrame
        Name (letters, digits, ``_ . -``; becomes the file name; ``action.<name>`` in
        :mod:`reportkit.report.text` gives the sheet title) to list. Column names are the codes
        of the CSV files; the workbook's headers are their words. A non-default index is
        written as the first columns.
    out_dir : path
        Created if missing.
    lang : {"en", "ru"}, default "en"
        The workbook's words. The CSV files: "en" ``,`` between fields and a decimal point;
        "ru" ``;`` and a decimal comma; both UTF-8 with a BOM, dates as ISO ``YYYY-MM-DD``. In
        the workbook, dates show as ``yyyy-mm-dd`` ("en") or ``dd.mm.yyyy`` ("ru").
    kinds : dict of column to kind, optional
        Overrides how a column is rounded and formatted (see
        :func:`reportkit.report.text.column_kind`: money ``#,##0``, int ``#,##0``, pct ``0%``,
        id: text).
    workbook : str, default "action_lists.xlsx"
        File name of the workbook.

    Returns
    -------
    dict of str to Path
        Each list's CSV under its name, the workbook under ``"workbook"``. A manifest
        ``action_lists.json`` (the same, as file names) is written beside them.

    Examples
    --------
    >>> import tempfile
    >>> df = pd.DataFrame({"client_id": ["001"], "name": ["=1+1"], "revenue": [-1234.56]})
    >>> paths = write_action_lists({"reactivation": df}, tempfile.mkdtemp(), lang="ru")
    >>> sorted(paths)
    ['reactivation', 'workbook']
    >>> paths["reactivation"].read_text(encoding="utf-8-sig").splitlines()
    ['client_id;name;revenue', '"001";\\'=1+1;-1235']
    """
    frames = _checked(lists, lang, kinds, workbook)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    try:
        for name, (frame, col_kinds) in frames.items():
            path = folder / f"{name}.csv"
            with replaced(path) as tmp:
                _write_csv(frame, col_kinds, tmp, lang)
            paths[name] = path
        if frames:
            _write_xlsx(frames, folder / workbook, lang)
            paths[WORKBOOK] = folder / workbook
        manifest = {k: p.name for k, p in paths.items()}
        with replaced(folder / MANIFEST_FILE) as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        raise ReportError(
            f"cannot write the action lists to {folder}: "
            f"{exc.strerror or exc}. Free space or choose another output "
            "folder, and run again."
        ) from None
    return paths


__all__ = ["FORMULA_PREFIXES", "WORKBOOK", "neutralise", "with_client_names", "write_action_lists"]
