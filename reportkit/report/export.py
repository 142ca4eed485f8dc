"""Action lists as files a manager opens in Excel: one CSV per list and one XLSX workbook.

:func:`write_action_lists` writes each list (who to call back, who to reactivate, which records
are duplicates, …) as ``<name>.csv`` — UTF-8 with a BOM; in Russian with ``;`` between fields and
a decimal comma, as Excel expects in a Russian locale — and all of them as sheets of one
``action_lists.xlsx``: frozen header row, column widths, number formats (money with thousands
separators, dates as dates, percentages).

Text cells that begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
neutralised against formula injection by a leading ``'`` in both files; numbers (also negative
ones) stay numbers.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, ReportError, check_param
from . import text as T

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
_CSV = {"en": {"sep": ",", "decimal": "."}, "ru": {"sep": ";", "decimal": ","}}
_XLSX_FORMATS = {
    "money": "#,##0.00",
    "int": "#,##0",
    "number": "#,##0.00",
    "pct": "0.0%",
    "datetime": "yyyy-mm-dd hh:mm",
}
_XLSX_DATE = {"en": "yyyy-mm-dd", "ru": "dd.mm.yyyy"}


def neutralise(value: Any) -> Any:
    """A text value made safe from formula injection; anything else unchanged.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("-5"), neutralise(-5), neutralise("Alpha")
    ('\\'=HYPERLINK("x")', "'-5", -5, 'Alpha')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _prepared(df: pd.DataFrame, kinds: Mapping[str, str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The frame with its index as a column when meaningful, and the kind of every column."""
    frame = df if isinstance(df.index, pd.RangeIndex) else df.reset_index()
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].tolist()
        raise ParameterError(f"an action list has repeated column names {dup}; rename them")
    return frame, [T.column_kind(c, frame[c], kinds) for c in frame.columns]


_SURROGATE = re.compile("[\ud800-\udfff]")  # half a UTF-16 pair: UTF-8 cannot encode it


def _text_safe(col: pd.Series) -> pd.Series:
    if (
        pd.api.types.is_numeric_dtype(col.dtype)
        or pd.api.types.is_bool_dtype(col.dtype)
        or pd.api.types.is_datetime64_any_dtype(col.dtype)
    ):
        return col
    values = [
        neutralise(_SURROGATE.sub("?", v)) if isinstance(v, str) else v
        for v in col.astype(object).tolist()
    ]
    return pd.Series(values, index=col.index, dtype=object)


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


#: decimals a float keeps in a CSV list: enough for any amount or probability, and the same
#: text every run (351527.71, not 351527.7100000001 from a sum taken in another order)
CSV_DECIMALS = 6


def _csv_frame(frame: pd.DataFrame, col_kinds: list[str]) -> pd.DataFrame:
    out = {}
    for col, kind in zip(frame.columns, col_kinds):
        values = frame[col]
        if pd.api.types.is_float_dtype(values.dtype):
            out[col] = values.round(CSV_DECIMALS)
            continue
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
            values = values.dt.strftime(fmt).astype(object).where(values.notna(), None)
        else:
            values = _text_safe(values)
        out[col] = values
    return pd.DataFrame(out, columns=frame.columns)


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
    return neutralise(value)


def _width(header: str, frame: pd.DataFrame, col: Any, kind: str, lang: str) -> float:
    sample = frame[col].head(200).tolist()
    lengths = [len(str(header))]
    lengths += [
        len(T.format_value(v, kind, lang, decimals=2 if kind == "money" else None)) for v in sample
    ]
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


def _xlsx_column(ws: Any, col: pd.Series, fixed: dict[str, int]) -> tuple[list, Any]:
    """A column's cell values (None = empty) and the writer for them, decided once per column
    by its dtype; a column of mixed objects is dispatched value by value."""
    missing = col.isna().to_numpy()
    if pd.api.types.is_bool_dtype(col.dtype):
        values = [None if m else bool(v) for v, m in zip(col.tolist(), missing)]
        return values, ws.write_boolean
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.astype("float64").round(CSV_DECIMALS).tolist()  # as in the CSV files
        return [None if m else v for v, m in zip(values, missing)], ws.write_number
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        if getattr(col.dt, "tz", None) is not None:
            col = col.dt.tz_convert(None)
        values = col.dt.floor("us").dt.to_pydatetime().tolist()
        return [None if m else v for v, m in zip(values, missing)], ws.write_datetime
    if isinstance(col.dtype, (pd.StringDtype, pd.CategoricalDtype)) and (
        not isinstance(col.dtype, pd.CategoricalDtype)
        or pd.api.types.is_string_dtype(col.cat.categories.dtype)
    ):
        values = col.astype(object).tolist()
        return [
            None if m else _xlsx_text(neutralise(str(v)), fixed) for v, m in zip(values, missing)
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
        elif isinstance(value, (datetime.datetime, datetime.date)):
            ws.write_datetime(r, c, value, fmt)
        else:
            ws.write_string(r, c, _xlsx_text(str(value), fixed))

    values = col.astype(object).tolist()
    return [None if m else v for v, m in zip(values, missing)], write_any


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
    wb = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    # a fixed creation stamp: the same lists give the same bytes on every run
    wb.set_properties({"created": datetime.datetime(2000, 1, 1)})
    taken: set[str] = set()
    styles: dict[tuple, Any] = {}

    def style(**props) -> Any:
        key = tuple(sorted(props.items()))
        if key not in styles:
            styles[key] = wb.add_format(props)
        return styles[key]

    notes = []
    fixed = {"cleaned": 0, "long": 0}
    try:
        for name, (frame, col_kinds) in frames.items():
            title = _sheet_name(name, lang, taken)
            ws = wb.add_worksheet(title)
            if len(frame) > max_rows:
                notes.append(
                    T.t(
                        "action.cut",
                        lang,
                        sheet=title,
                        shown=T.fmt_int(max_rows, lang),
                        total=T.fmt_int(len(frame), lang),
                        file=f"{name}.csv",
                    )
                )
                frame = frame.iloc[:max_rows]
            ws.freeze_panes(1, 0)
            for i, (col, kind) in enumerate(zip(frame.columns, col_kinds)):
                ws.set_column(i, i, _width(str(col), frame, col, kind, lang))
                head = {"bold": True, "bg_color": "#F3F5F7"}
                if kind in T.NUMERIC_KINDS:
                    head["align"] = "right"
                ws.write_string(0, i, str(col), style(**head))
            formats = [
                style(num_format=_XLSX_DATE[lang] if kind == "date" else _XLSX_FORMATS[kind])
                if kind == "date" or kind in _XLSX_FORMATS
                else None
                for kind in col_kinds
            ]
            columns, writers = (
                zip(*[_xlsx_column(ws, frame[c], fixed) for c in frame.columns])
                if len(frame.columns)
                else ((), ())
            )
            for r, row in enumerate(zip(*columns), start=1):
                for c, value in enumerate(row):
                    if value is not None:
                        writers[c](r, c, value, formats[c])
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


def write_action_lists(
    lists: Mapping[str, pd.DataFrame],
    out_dir: str | os.PathLike,
    *,
    lang: str = "en",
    kinds: Mapping[str, str] | None = None,
    workbook: str = WORKBOOK_FILE,
) -> dict[str, Path]:
    """Write action lists as CSV files and one XLSX workbook.

    Parameters
    ----------
    lists : dict of str to DataFrame
        Name (letters, digits, ``_ . -``; becomes the file name; ``action.<name>`` in
        :mod:`reportkit.report.text` gives the sheet title) to list. Column names are written as they
        are; a non-default index is written as the first columns.
    out_dir : path
        Created if missing.
    lang : {"en", "ru"}, default "en"
        "en": ``,`` between fields and a decimal point; "ru": ``;`` and a decimal comma. Both
        UTF-8 with a BOM, dates as ISO ``YYYY-MM-DD``. In the workbook, dates show as
        ``yyyy-mm-dd`` ("en") or ``dd.mm.yyyy`` ("ru").
    kinds : dict of column to kind, optional
        Overrides how a column is formatted in the workbook (see
        :func:`reportkit.report.text.column_kind`: money ``#,##0.00``, int ``#,##0``, pct ``0.0%``).
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
    >>> df = pd.DataFrame({"client_id": ["001"], "name": ["=1+1"], "revenue": [-1234.5]})
    >>> paths = write_action_lists({"reactivation": df}, tempfile.mkdtemp(), lang="ru")
    >>> sorted(paths)
    ['reactivation', 'workbook']
    >>> paths["reactivation"].read_text(encoding="utf-8-sig").splitlines()
    ['client_id;name;revenue', "001;'=1+1;-1234,5"]
    """
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
        frames[name] = _prepared(df, kinds)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    try:
        for name, (frame, col_kinds) in frames.items():
            path = folder / f"{name}.csv"
            with replaced(path) as tmp:
                # (a lone surrogate, which UTF-8 cannot encode, is written as "?")
                _csv_frame(frame, col_kinds).to_csv(
                    tmp,
                    index=False,
                    encoding="utf-8-sig",
                    errors="replace",
                    lineterminator="\r\n",
                    **_CSV[lang],
                )
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


__all__ = ["FORMULA_PREFIXES", "WORKBOOK", "neutralise", "write_action_lists"]
