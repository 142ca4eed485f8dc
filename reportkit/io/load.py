"""Loading real CRM and accounting exports into canonical tables, without losing a row.

:func:`load` reads a transactions file, or a folder of transactions / clients / activities /
surveys files (CSV, Excel, Parquet), maps their headers to canonical column names
(:mod:`reportkit.io.columns`), parses dates, money and flags the way Russian and English exports
write them, and accounts for every input row in a :class:`LoadReport`: kept, or rejected with a
reason and its row number. ``kept + rejected == read``, always.

Row numbers are those a person sees when opening the file in a spreadsheet: the header row is
row 1 (or lower, when title lines stand above it), the first data row the next one. The cell
parsers (text, money, dates, flags) are in :mod:`reportkit.io.cells`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from ..errors import ConfigError, DataFileError, InputError, MissingColumnError
from ..progress import PROGRESS
from .cells import (
    _dates,
    _flags,
    _money,
    _needs_text,
    _text,
    _text_expr,
    parse_dates,
    parse_flags,
    parse_ids,
    parse_money,
)
from .columns import closest_headers, match_columns, normalize_header, table_of_file
from .config import Config, load_config
from .dataset import Dataset, LoadReport
from .readers import DATA_SUFFIXES, RawTable, read_raw

# rejection reasons, in the order they are checked; a row gets the first that applies
from .reasons import (
    _HUGE,
    BAD_AMOUNT,
    BAD_DATE,
    BAD_SCORE,
    DUPLICATE_ROW,
    EARLY_DATE,
    EMPTY_ROW,
    FUTURE_DATE,
    HUGE_AMOUNT,
    MALFORMED,
    MISSING_ID,
    REPEATED_HEADER,
    REPEATED_ID,
    TOTAL_ROW,
)
from .scan import PARTS, Scan, aggregate_scan, estimated_rows, part_files, scan
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

_TOTAL_RE = r"(?i)^\s*(итого|всего|total|grand total|subtotal|итог)\b"


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


def find_files(folder: Path, config: Config, *, need_transactions: bool = True) -> dict[str, Path]:
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
    if TRANSACTIONS not in chosen and need_transactions:
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
    parts = transaction_parts(path, cfg)
    path = Path(path)
    if parts is None and not path.exists():
        raise DataFileError(
            f"{path}: no such file or folder. Check the path (relative paths "
            f"start from {Path.cwd()})."
        )
    if parts is None:
        files = find_files(path, cfg) if path.is_dir() else {TRANSACTIONS: path}
    else:
        files = find_files(path, cfg, need_transactions=False) if path.is_dir() else {}
        files.pop(TRANSACTIONS, None)
    tables: dict[str, pd.DataFrame | None] = {}
    reports: dict[str, LoadReport] = {}
    sc = None
    if parts is not None:
        tables[TRANSACTIONS], reports[TRANSACTIONS], sc = _read_parts(parts, cfg)
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
        source=(path if parts is None or path.exists() else parts[0].parent).resolve(),
        scan=sc,
    )


def transaction_parts(path: str | Path, config: Config) -> list[Path] | None:
    """The part files of the transactions when they come in parts, else None (one file).

    Parts are: the files of a glob (``"lake/sales/*.parquet"``); the Parquet or CSV files of a
    subfolder named like the transactions table (``sales/``, ``transactions/``, ``продажи/``)
    inside the data folder; or, in a folder where no file is named like a table, all its
    Parquet or CSV files (all of one kind). A single large file read out of core is one part.
    """
    text = str(path)
    if not Path(text).exists() and any(ch in text for ch in "*?["):
        files = part_files(text)
        if not files:
            raise DataFileError(f"{text}: no file matches this pattern.")
        return files
    p = Path(text)
    if p.is_file():
        if config.load.engine == "duckdb" and p.suffix.lower() in PARTS:
            return [p]
        big = config.load.engine == "auto" and p.suffix.lower() in (".parquet", ".pq", ".csv")
        if big and estimated_rows([p]) >= config.load.out_of_core_rows:
            return [p]
        return None
    if not p.is_dir():
        return None
    subs = [d for d in sorted(p.iterdir()) if d.is_dir() and table_of_file(d.name) == TRANSACTIONS]
    if subs and TRANSACTIONS not in config.files:
        return part_files(subs[0])
    named = [
        f
        for f in p.iterdir()
        if f.is_file() and f.suffix.lower() in DATA_SUFFIXES and table_of_file(f.stem)
    ]
    loose = part_files(p)
    if not named and not config.files and loose and len({f.suffix.lower() for f in loose}) == 1:
        return loose
    return None


def _read_parts(
    parts: list[Path], cfg: Config
) -> tuple[pd.DataFrame | None, LoadReport, Scan | None]:
    """The transactions of part files: out of core (DuckDB) or in memory, by [load] engine."""
    engine = cfg.load.engine
    if engine == "auto":
        engine = "duckdb" if estimated_rows(parts) >= cfg.load.out_of_core_rows else "memory"
    label = str(parts[0].parent) if len(parts) > 1 else str(parts[0])
    if engine == "duckdb":
        sc = scan(parts[0].parent if len(parts) > 1 else parts[0], cfg, files=parts)
        sc.result = aggregate_scan(sc)
        acc = sc.result[2]
        rep = LoadReport(table=TRANSACTIONS, file=label, columns=dict(sc.columns), notes=sc.notes)
        acc.fill(rep)
        if rep.rows_rejected:
            rep.notes.append(
                "rejected lines are counted by reason; out of core they are not listed one by one"
            )
        PROGRESS.stage(
            f"transactions: {rep.rows_kept:,} of {rep.rows_read:,} rows kept "
            f"({len(parts):,} files, read out of core)"
        )
        return None, rep, sc
    raws = [read_raw(part, TRANSACTIONS, cfg) for part in parts]
    if len(raws) == 1:
        raw = raws[0]
    else:  # one table: a line repeated in another part is a repeat too
        try:
            frame = pl.concat([r.frame for r in raws], how="diagonal_relaxed")
        except pl.exceptions.PolarsError as exc:
            raise DataFileError(
                f"{label}: the parts do not fit together as one table ({exc}). Give parts with "
                "the same columns."
            ) from None
        raw = RawTable(
            frame,
            np.concatenate([r.rows for r in raws]),
            [m for r in raws for m in r.malformed],
            label,
            [f"{len(parts):,} files read as one table"]
            + sorted({n for r in raws for n in r.notes}),
        )
        del raws
    mapping, computed_amount = _mapping(raw, TRANSACTIONS, cfg)
    kept, rep = _parse_table(raw, TRANSACTIONS, cfg, mapping, computed_amount)
    PROGRESS.stage(
        f"transactions: {rep.rows_kept:,} of {rep.rows_read:,} rows kept ({len(parts):,} files)"
    )
    return kept, rep, None


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
