"""A sales plan: where it is in the data folder, read and checked, with errors that name the
file, the column, the rows and the fix.

The plan is a small table, one line per month (and optionally per manager, segment or
channel)::

    period,manager,amount
    2026-01,Иванова М.,2500000
    2026-01,Петров А.,3100000

``period`` is ``YYYY-MM`` (an Excel date cell is read as its month); ``amount`` a number (a
decimal comma and spaces between thousands are accepted). Headers may be English or Russian
(:data:`HEADERS`). CSV files are UTF-8 (with or without a BOM) or cp1251, delimited by ``,``,
``;`` or a tab; Excel files are read from their first sheet. The loader of the sales data
(:func:`reportkit.io.load.find_files`) does not recognise a plan's file name and leaves it
alone.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..errors import DataFileError, MissingColumnError

#: the file names (without suffix, any case) taken for a plan
PLAN_NAMES = ("plan", "план", "sales_plan", "план_продаж")
PLAN_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")
#: canonical column -> the headers read as it (compared case-insensitively)
HEADERS: dict[str, tuple[str, ...]] = {
    "period": ("period", "month", "период", "месяц"),
    "manager": ("manager", "менеджер"),
    "segment": ("segment", "сегмент"),
    "channel": ("channel", "канал"),
    "amount": ("amount", "plan", "sum", "сумма", "план"),
}
LEVEL_COLUMNS = ("manager", "segment", "channel")


def find_plan(folder: str | Path, name: str | None = None) -> Path | None:
    """The plan file of a data folder: ``name`` when given, else a file named like
    :data:`PLAN_NAMES`; None when there is none.

    Raises
    ------
    DataFileError
        ``name`` is not a file of the folder, or several files look like a plan.
    """
    folder = Path(folder)
    if name is not None:
        path = folder / name
        if not path.is_file() or not path.resolve().is_relative_to(folder.resolve()):
            raise DataFileError(
                f"{folder}: the plan file {name!r} is not in the folder. Put it there or "
                "name a file that is."
            )
        return path
    found = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES and p.stem.casefold() in PLAN_NAMES
    )
    if len(found) > 1:
        raise DataFileError(
            f"{folder}: several files look like a sales plan: "
            f"{', '.join(p.name for p in found)}. Keep one of them in the folder."
        )
    return found[0] if found else None


def _text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataFileError(f"{path}: not UTF-8 or cp1251 text. Save the plan as CSV in UTF-8.")


def _raw(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xls"):
        try:
            return pd.read_excel(path, dtype=object, engine="calamine")
        except Exception as exc:
            raise DataFileError(f"{path}: cannot be read as Excel ({exc}).") from exc
    text = _text(path)
    if not text.strip():
        raise DataFileError(f"{path}: the file is empty. A plan needs a header and lines.")
    first = text.splitlines()[0]
    delim = max((";", ",", "\t"), key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    rows = [r for r in rows if any(c.strip() for c in r)]
    header, body = rows[0], rows[1:]
    width = len(header)
    ragged = [i + 2 for i, r in enumerate(body) if len(r) != width]
    if ragged:
        raise DataFileError(
            f"{path}: rows {_rows(ragged)} do not have the {width} cells of the header "
            f"(delimiter {delim!r}). Fix those rows."
        )
    return pd.DataFrame(body, columns=header, dtype=object)


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def _columns(path: Path, raw: pd.DataFrame) -> dict[str, str]:
    """Header in the file -> canonical column; raises on unknown or missing columns."""
    alias = {a: c for c, names in HEADERS.items() for a in names}
    mapping: dict[str, str] = {}
    for h in raw.columns:
        key = str(h).strip().casefold()
        if key not in alias:
            raise DataFileError(
                f"{path}: column {str(h)!r} is not one a plan can have. Columns: period "
                "(YYYY-MM), optionally manager / segment / channel, and amount. Rename or "
                "remove it."
            )
        if alias[key] in mapping.values():
            raise DataFileError(f"{path}: two columns mean {alias[key]!r}. Keep one.")
        mapping[h] = alias[key]
    for need in ("period", "amount"):
        if need not in mapping.values():
            raise MissingColumnError(
                f"{path}: no {need!r} column (headers found: {', '.join(map(str, raw.columns))}). "
                f"Add a column {need!r}"
                + (" with months as YYYY-MM." if need == "period" else " with the planned sum.")
            )
    return mapping


def _period(col: pd.Series) -> pd.Series:
    """Cells -> ``YYYY-MM`` text, None where the cell is not a month."""

    def one(v: object) -> str | None:
        if isinstance(v, pd.Timestamp) or hasattr(v, "strftime"):
            return pd.Timestamp(v).strftime("%Y-%m")
        s = str(v).strip()
        if (
            len(s) == 7
            and s[4] == "-"
            and s[:4].isdigit()
            and s[5:].isdigit()
            and 1 <= int(s[5:]) <= 12
        ):
            return s
        return None

    return col.map(one)


def _amount(col: pd.Series) -> pd.Series:
    text = col.astype(str).str.replace("\u00a0", "").str.replace("\u202f", "")
    text = text.str.replace(" ", "").str.replace(",", ".")
    return pd.to_numeric(text.where(col.notna(), ""), errors="coerce")


def read_plan(path: str | Path) -> pd.DataFrame:
    """Read and check a plan file (see the module docstring).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        ``period`` (text ``YYYY-MM``), the level columns the file has (text), ``amount``
        (float), in the file's order; ``attrs["source"]`` is the path.

    Raises
    ------
    DataFileError
        A cell or a line that cannot be used; the message names the file, the column, the rows
        (as numbered in the file, the header being row 1) and the fix.
    MissingColumnError
        No ``period`` or no ``amount`` column.
    """
    path = Path(path)
    raw = _raw(path)
    if raw.empty:
        raise DataFileError(f"{path}: the plan has a header but no lines. Add the plan's lines.")
    mapping = _columns(path, raw)
    df = raw.rename(columns=mapping)
    line = pd.Series(range(2, len(df) + 2), index=df.index)
    out = pd.DataFrame(index=df.index)
    out["period"] = _period(df["period"])
    bad = line[out["period"].isna()].tolist()
    if bad:
        raise DataFileError(
            f"{path}: column 'period' (header {_header(mapping, 'period')!r}), rows "
            f"{_rows(bad)}: not a month as YYYY-MM. Write the month like 2026-01."
        )
    for col in LEVEL_COLUMNS:
        if col in df.columns:
            values = df[col].astype(object)
            empty = values.isna() | (values.astype(str).str.strip() == "")
            if empty.any():
                raise DataFileError(
                    f"{path}: column {col!r} (header {_header(mapping, col)!r}), rows "
                    f"{_rows(line[empty].tolist())}: empty. Fill in the {col} of every line, "
                    f"or drop the column for a plan that is not split by {col}."
                )
            out[col] = values.astype(str).str.strip()
    out["amount"] = _amount(df["amount"])
    bad = line[out["amount"].isna() | (out["amount"] < 0)].tolist()
    if bad:
        raise DataFileError(
            f"{path}: column 'amount' (header {_header(mapping, 'amount')!r}), rows "
            f"{_rows(bad)}: not a sum of money >= 0. Write a number such as 2500000 or "
            "2 500 000,50."
        )
    keys = [c for c in out.columns if c != "amount"]
    dup = out.duplicated(keys, keep=False)
    if dup.any():
        raise DataFileError(
            f"{path}: rows {_rows(line[dup].tolist())} plan the same {' / '.join(keys)} twice. "
            "Keep one line for each, or add them up."
        )
    out = out.reset_index(drop=True)
    out.attrs["source"] = str(path)
    return out


def _header(mapping: dict[str, str], column: str) -> str:
    return next(str(h) for h, c in mapping.items() if c == column)


__all__ = ["HEADERS", "LEVEL_COLUMNS", "PLAN_NAMES", "find_plan", "read_plan"]
