"""Reading table files as text columns: CSV/TXT/TSV with polars, Excel with calamine, Parquet.

Every reader returns a :class:`RawTable`: a polars frame of the file's columns (text for CSV and
Excel, typed for Parquet), the spreadsheet row number of each row, and the lines that could not
be split into the header's columns. Nothing here looks at what the values mean: that is
:mod:`reportkit.load`'s work.

CSV files are read in three vectorised passes, never a Python step per row:

1. **Bytes.** The encoding is decided from a BOM, a sample and, if needed, the whole file
   (UTF-8, UTF-8 with BOM, UTF-16, else Windows-1251); a file that is not UTF-8 is transcoded
   to a temporary UTF-8 file in 16 MB chunks, so memory holds at most one chunk of text.
2. **Records.** numpy scans the UTF-8 bytes (memory-mapped, 64 MB at a time) for newlines and
   delimiters outside quotes: where each record ends (its line number, as a spreadsheet shows
   it), and how many fields it has. Title lines above the header, blank lines, short and long
   records are known from this scan alone.
3. **Fields.** polars parses the records after the header with every column as text.

Row numbers are those a person sees when opening the file in a spreadsheet: the header row is
row 1 (or lower, when title lines stand above it), the first data row the next one.
"""

from __future__ import annotations

import codecs
import csv
import mmap
import os
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from .columns import match_columns
from .config import Config
from .errors import ConfigError, DataFileError

__all__ = ["RawTable", "read_raw", "CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES",
           "DATA_SUFFIXES"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DATA_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

_CHUNK = 1 << 26            # bytes per scanning step (64 MB)
_DECODE_CHUNK = 1 << 24     # bytes per transcoding step (16 MB)
_SAMPLE = 1 << 16           # bytes sniffed for the encoding, the delimiter and the header
_HEADER_SEARCH = 30         # the header is among the first 30 records
_MAX_EXTRA = 16             # fields beyond the header that are read to tell empty from not


@dataclass
class RawTable:
    """A file read as columns, before any parsing.

    frame : polars DataFrame
        One column per header (deduplicated names). CSV and Excel columns are text (null for an
        empty Excel cell); Parquet columns keep their types.
    rows : ndarray of int64
        Spreadsheet row number of each frame row.
    malformed : list of (row, text)
        Lines with more fields than the header (not in ``frame``).
    """

    frame: pl.DataFrame
    rows: np.ndarray
    malformed: list[tuple[int, str]]
    label: str
    notes: list[str]
    other_sheets: list[str] = field(default_factory=list)


def dedupe_headers(header: list[str]) -> list[str]:
    """Empty headers get a name, repeated ones a number: ``Сумма``, ``Сумма (2)``."""
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


def header_index(rows: list[list[str]], table: str) -> int:
    """Index of the header row among the first rows (title lines of exports stand above it)."""
    best, best_score = 0, 0
    for i, row in enumerate(rows[:_HEADER_SEARCH]):
        cells = [c for c in row if str(c).strip()]
        if not cells:
            continue
        score = len(match_columns([str(c) for c in cells], table))
        if score > best_score:
            best, best_score = i, score
    return best


def read_raw(path: Path, table: str, cfg: Config) -> RawTable:
    """Read one file by its type; a clear :class:`DataFileError` for anything unreadable."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise DataFileError(f"{path}: no such file or folder. Check the path (relative paths "
                            f"start from {Path.cwd()}).")
    if path.is_dir():
        raise DataFileError(f"{path}: a folder, not a table file. Give the folder itself as the "
                            "data, or a file inside it.")
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, table, cfg)
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path, table, cfg)
        if suffix in PARQUET_SUFFIXES:
            return _read_parquet(path)
    except PermissionError:
        raise DataFileError(f"{path}: permission denied. Give the user running reportkit read "
                            "access to the file, or copy it to a folder of yours.") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read the file ({exc.strerror or exc}). Check "
                            "that it is a local, readable file and that the disk has room "
                            "for temporary files.") from None
    raise DataFileError(f"{path}: unknown file type {suffix or '(no extension)'!r}. reportkit "
                        "reads .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb, .ods and .parquet "
                        "files. Save or export it as .csv or .xlsx.")


# --- CSV: bytes -----------------------------------------------------------------------------


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (counts newlines before it, in chunks)."""
    n = 0
    with open(path, "rb") as fh:
        done = 0
        while done < offset:
            block = fh.read(min(_CHUNK, offset - done))
            if not block:
                break
            n += block.count(b"\n")
            done += len(block)
    return n + 1


def _undecodable(path: Path, label: str, encoding: str, offset: int, byte: int,
                 tried: str) -> DataFileError:
    line = _line_of(path, offset)
    return DataFileError(
        f"{label}: byte 0x{byte:02X} at offset {offset:,} (line {line:,}) is not a character "
        f"in {tried}. The file is damaged there or uses another encoding: fix or delete that "
        f"line, or save the file again as UTF-8; if you know its encoding, name it in the "
        f"config ([load] encoding = \"...\").")


def _first_invalid_utf8(path: Path) -> tuple[int, int] | None:
    """(offset, byte) of the first byte that is not valid UTF-8, or None."""
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    done = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_DECODE_CHUNK)
            pending = len(dec.getstate()[0])
            try:
                dec.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                return done - pending + exc.start, exc.object[exc.start]
            if not block:
                return None
            done += len(block)


def _transcode(path: Path, encoding: str, label: str, skip: int, tmpdir: str) -> Path:
    """Write the file from byte ``skip`` on as UTF-8 into ``tmpdir``; a clear error on bytes the
    encoding does not define."""
    out = Path(tmpdir) / "utf8.csv"
    dec = codecs.getincrementaldecoder(encoding)("strict")
    done = skip
    with open(path, "rb") as src, open(out, "wb") as dst:
        src.seek(skip)
        while True:
            block = src.read(_DECODE_CHUNK)
            pending = len(dec.getstate()[0])
            try:
                text = dec.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _undecodable(path, label, encoding, done - pending + exc.start,
                                   exc.object[exc.start], encoding) from None
            dst.write(text.encode("utf-8"))
            if not block:
                break
            done += len(block)
    return out


def _is_binary(sample: bytes) -> int | None:
    """Offset of a NUL byte in a sample that is not UTF-16 text, else None."""
    pos = sample.find(b"\x00")
    return None if pos < 0 else pos


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 8:
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def _utf8_source(path: Path, cfg: Config, label: str, tmpdir: str
                 ) -> tuple[Path, int, str]:
    """A UTF-8 file to parse, the byte where its text starts (after a BOM) and the encoding's
    name for the notes."""
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    if not sample.strip():
        raise DataFileError(f"{label}: the file is empty. Export the table again with its header "
                            "row and data rows.")
    if cfg.load.encoding:
        try:
            name = codecs.lookup(cfg.load.encoding).name
        except LookupError:
            raise ConfigError(f"{cfg.source or 'config'}: [load] encoding = "
                              f"{cfg.load.encoding!r} is not an encoding Python knows; use e.g. "
                              "\"utf-8\", \"cp1251\" or \"utf-16\", or remove the line to "
                              "detect it.") from None
        if name == "utf-8":
            bad = _first_invalid_utf8(path)
            if bad:
                raise _undecodable(path, label, "utf-8", bad[0], bad[1], "UTF-8")
            return path, 3 if sample.startswith(codecs.BOM_UTF8) else 0, cfg.load.encoding
        return _transcode(path, name, label, 0, tmpdir), 0, cfg.load.encoding
    if sample.startswith(codecs.BOM_UTF8):
        if not sample[3:].strip():
            raise DataFileError(f"{label}: the file holds only a byte-order mark (the 3 bytes "
                                "Excel writes first) and no table. Export the table again.")
        bad = _first_invalid_utf8(path)
        if bad:
            raise _undecodable(path, label, "utf-8", bad[0], bad[1], "UTF-8")
        return path, 3, "utf-8 with BOM"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if len(sample.strip()) <= 2:
            raise DataFileError(f"{label}: the file holds only a byte-order mark and no table. "
                                "Export the table again.")
        return _transcode(path, "utf-16", label, 0, tmpdir), 0, "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return _transcode(path, utf16, label, 0, tmpdir), 0, utf16
    nul = _is_binary(sample)
    if nul is not None:
        raise DataFileError(f"{label}: this is not a text table (it holds binary data: byte "
                            f"0x00 at offset {nul:,}). Export the table from its program as CSV "
                            "(UTF-8 or Windows-1251) or Excel, and give that file.")
    bad = _first_invalid_utf8(path)
    if bad is None:
        return path, 0, "utf-8"
    return _transcode(path, "cp1251", label, 0, tmpdir), 0, "cp1251"


# --- CSV: records -----------------------------------------------------------------------------


@dataclass
class _Records:
    ends: np.ndarray        # byte offset of each record's end (its newline, or the file's end)
    starts: np.ndarray      # byte offset of each record's first byte
    lines: np.ndarray       # line number on which each record ends (1-based)
    fields: np.ndarray      # number of fields of each record


def _scan_records(buf, start: int, delim: int, quoting: bool) -> _Records:
    """Record boundaries and field counts of a UTF-8 buffer, from byte ``start``.

    A newline or a delimiter inside double quotes does not count (quotes are counted from
    ``start``; a doubled quote inside a quoted field leaves the parity unchanged).
    """
    size = len(buf)
    ends_parts, lines_parts, fields_parts = [], [], []
    quotes_before = 0       # quotes seen before the current chunk
    newlines_before = 0     # newlines seen before the current chunk (for line numbers)
    pending = 0             # delimiters of the record that runs into the next chunk
    for off in range(start, size, _CHUNK):
        n = min(_CHUNK, size - off)
        a = np.frombuffer(buf, dtype=np.uint8, count=n, offset=off)
        nl = np.flatnonzero(a == 10)
        dl = np.flatnonzero(a == delim)
        if quoting:
            q = np.flatnonzero(a == 34)
            if len(q) or quotes_before & 1:
                inside_nl = (quotes_before + np.searchsorted(q, nl)) & 1
                inside_dl = (quotes_before + np.searchsorted(q, dl)) & 1
                nl_out = nl[inside_nl == 0]
                dl = dl[inside_dl == 0]
                line_idx = np.flatnonzero(inside_nl == 0)
            else:
                nl_out, line_idx = nl, np.arange(len(nl))
            quotes_before += len(q)
        else:
            nl_out, line_idx = nl, np.arange(len(nl))
        # delimiters per record: bin by the record-ending newline at or after each delimiter
        rec = np.searchsorted(nl_out, dl)
        counts = np.bincount(rec, minlength=len(nl_out) + 1)
        counts[0] += pending
        pending = int(counts[-1])
        ends_parts.append(nl_out.astype(np.int64) + off)
        lines_parts.append(line_idx.astype(np.int64) + newlines_before + 1)
        fields_parts.append(counts[:-1] + 1)
        newlines_before += len(nl)
    ends = np.concatenate(ends_parts) if ends_parts else np.zeros(0, np.int64)
    lines = np.concatenate(lines_parts) if lines_parts else np.zeros(0, np.int64)
    fields = np.concatenate(fields_parts) if fields_parts else np.zeros(0, np.int64)
    last = int(ends[-1]) + 1 if len(ends) else start
    if last < size:     # a last record without a newline
        ends = np.append(ends, size)
        lines = np.append(lines, newlines_before + 1)
        fields = np.append(fields, pending + 1)
    starts = np.concatenate([[start], ends[:-1] + 1]) if len(ends) else np.zeros(0, np.int64)
    return _Records(ends, starts.astype(np.int64), lines, fields.astype(np.int64))


def _record_text(buf, recs: _Records, i: int) -> str:
    end = int(recs.ends[i])
    text = bytes(buf[int(recs.starts[i]):end]).decode("utf-8", errors="replace")
    return text[:-1] if text.endswith("\r") else text


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


def _split_sample(texts: list[str], delim: str) -> list[list[str]]:
    old = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        return [next(csv.reader([t], delimiter=delim), []) for t in texts]
    finally:
        csv.field_size_limit(old)


def _delimiter(path: Path, cfg: Config, sample: str) -> str:
    if cfg.load.delimiter:
        d = cfg.load.delimiter
        if len(d) != 1 or d in "\"\r\n" or len(d.encode("utf-8")) != 1:
            raise ConfigError(f"{cfg.source or 'config'}: [load] delimiter must be one "
                              f"character such as \";\" or \",\" (\"\\t\" for tab), got {d!r}.")
        return d
    if path.suffix.lower() == ".tsv":
        return "\t"
    return _sniff_delimiter(sample)


def _read_csv(path: Path, table: str, cfg: Config) -> RawTable:
    label = str(path)
    with ExitStack() as stack:
        tmpdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="reportkit-"))
        src, start, encoding = _utf8_source(path, cfg, label, tmpdir)
        fh = stack.enter_context(open(src, "rb"))
        if os.fstat(fh.fileno()).st_size == 0:
            raise DataFileError(f"{label}: the file is empty. Export the table again with its "
                                "header row and data rows.")
        buf = stack.enter_context(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        sample = bytes(buf[start:start + _SAMPLE]).decode("utf-8", errors="replace")
        delim = _delimiter(path, cfg, sample)
        return _parse_csv(buf, src, start, delim, encoding, label, table)


def _parse_csv(buf, src: Path, start: int, delim: str, encoding: str, label: str,
               table: str) -> RawTable:
    notes = [f"read as {encoding}, delimiter {'tab' if delim == chr(9) else repr(delim)}"]
    recs = _scan_records(buf, start, ord(delim), quoting=True)
    frame = None
    for quoting in (True, False):
        if not quoting:
            recs = _scan_records(buf, start, ord(delim), quoting=False)
        first = [_record_text(buf, recs, i) for i in range(min(len(recs.ends), _HEADER_SEARCH))]
        split = _split_sample(first, delim)
        head = header_index(split, table)
        header = [h.strip() for h in split[head]] if split else []
        if not any(header):
            raise DataFileError(f"{label}: no header row found. The first row must hold the "
                                "column names.")
        header = dedupe_headers(header)
        width = len(header)
        data = slice(head + 1, None)
        fields = recs.fields[data]
        extra = int(min(max(int(fields.max()) - width, 0), _MAX_EXTRA)) if len(fields) else 0
        names = header + [f"__extra{i}" for i in range(extra)]
        if len(fields) == 0:
            frame = pl.DataFrame({h: pl.Series([], dtype=pl.String) for h in names})
            break
        try:
            frame = pl.read_csv(
                src, has_header=False, separator=delim, infer_schema=False,
                skip_lines=int(recs.lines[head]), quote_char='"' if quoting else None,
                schema={f"c{i}": pl.String for i in range(len(names))},
                missing_columns="insert", truncate_ragged_lines=True,
                empty_string_is_null=False, raise_if_empty=False)
        except pl.exceptions.PolarsError:
            frame = None
        if frame is not None and len(frame) == len(fields):
            frame.columns = names
            break
        if not quoting:
            raise DataFileError(
                f"{label}: the lines cannot be split into fields consistently (quotes that "
                "open and never close?). Open the file in a spreadsheet program and save it "
                "again as CSV.")
        frame = None
        notes.append("double quotes ignored: they do not pair up in this file")
    assert frame is not None
    lines = recs.lines[data]
    # blank lines are not rows: one field, nothing but spaces in it
    first = frame.get_column(header[0])
    blank = (fields == 1) & (first.str.strip_chars() == "").to_numpy()
    long = fields > width
    if extra:
        some = pl.any_horizontal([pl.col(c) != "" for c in names[width:]])
        filled = frame.select(some).to_series().to_numpy()
        long &= filled | (fields > width + _MAX_EXTRA)
        frame = frame.drop(names[width:])
    else:
        long[:] = False
    short = int(((fields < width) & ~blank).sum())
    malformed = [(int(lines[i]), _record_text(buf, recs, head + 1 + int(i)))
                 for i in np.flatnonzero(long)]
    keep = ~(blank | long)
    if not keep.all():
        frame = frame.filter(pl.Series(keep))
    if head:
        notes.append(f"header found on row {int(recs.lines[head])} (title lines above it "
                     "skipped)")
    if short:
        notes.append(f"{short:,} rows had fewer fields than the header; the missing trailing "
                     "fields were read as empty")
    return RawTable(frame, lines[keep].astype(np.int64), malformed, label, notes)


# --- Excel ------------------------------------------------------------------------------------


def _excel_first_row(path: Path, sheet: str) -> int:
    """0-based index of the sheet's first row that holds a value (calamine starts there)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return int(wb.get_sheet_by_name(sheet).start[0])
    finally:
        close = getattr(wb, "close", None)
        if close:
            close()


def _read_excel(path: Path, table: str, cfg: Config) -> RawTable:
    import fastexcel

    label = str(path)
    try:
        book = fastexcel.read_excel(str(path))
        sheets = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own kinds for broken files
        raise DataFileError(f"{label}: cannot open the spreadsheet ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else ''}). Open it in Excel "
                            "or LibreOffice and save it again as .xlsx, or export the table as "
                            ".csv.") from None
    sheet = cfg.load.sheet
    if sheet is not None and sheet not in sheets:
        raise DataFileError(
            f"{label}: there is no sheet {sheet!r}; the workbook has "
            f"{', '.join(map(repr, sheets))}. Set [load] sheet to one of them.")
    name = sheet if sheet is not None else sheets[0]
    label = f"{path} [sheet {name!r}]"
    try:
        frame = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        raise DataFileError(f"{label}: cannot read the sheet ({type(exc).__name__}). Save the "
                            "workbook again as .xlsx, or export the table as .csv.") from None
    if frame.width == 0 or frame.height == 0:
        raise DataFileError(f"{label}: the sheet is empty. Choose the sheet with the data "
                            "([load] sheet) or export the table again.")
    offset = _excel_first_row(path, name) if frame.height else 0
    frame = frame.with_columns(pl.all().str.strip_chars())
    top = frame.head(_HEADER_SEARCH).rows()
    as_text = [["" if c is None else c for c in r] for r in top]
    if not any(any(c for c in r) for r in as_text):
        raise DataFileError(f"{label}: the sheet is empty. Choose the sheet with the data "
                            "([load] sheet) or export the table again.")
    head = header_index(as_text, table)
    header = dedupe_headers(as_text[head])
    body = frame.slice(head + 1)
    body.columns = header
    rows = np.arange(len(body), dtype=np.int64) + offset + head + 2
    blank = body.select(pl.all_horizontal(pl.all().is_null() | (pl.all() == ""))).to_series()
    keep = ~blank.to_numpy()
    body = body.filter(pl.Series(keep)).with_columns(pl.all().fill_null(""))
    notes = [f"read sheet {name!r}"]
    if head or offset:
        notes.append(f"header found on row {offset + head + 1} (title lines above it skipped)")
    return RawTable(body, rows[keep], [], label, notes, [s for s in sheets if s != name])


# --- Parquet ----------------------------------------------------------------------------------


def _read_parquet(path: Path) -> RawTable:
    label = str(path)
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise DataFileError(f"{label}: cannot read the Parquet file ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else ''}).") from None
    frame.columns = dedupe_headers([str(c) for c in frame.columns])
    return RawTable(frame, np.arange(2, len(frame) + 2, dtype=np.int64), [], label,
                    ["read as Parquet"])
