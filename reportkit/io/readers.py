"""Reading table files as text columns: CSV/TXT/TSV with polars, Excel with calamine, Parquet.

Every reader returns a :class:`RawTable`: a polars frame of the file's columns (text for CSV and
Excel, typed for Parquet), the spreadsheet row number of each row, and the lines that could not
be split into the header's columns. Nothing here looks at what the values mean: that is
:mod:`reportkit.io.load`'s work.

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
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from ..errors import ConfigError, DataFileError
from ..progress import PROGRESS
from .columns import match_columns
from .config import Config, check_delimiter

__all__ = [
    "CSV_SUFFIXES",
    "DATA_SUFFIXES",
    "EXCEL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "RawTable",
    "read_raw",
]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DATA_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

_CHUNK = 1 << 24  # bytes per scanning step (16 MB)
_DECODE_CHUNK = 1 << 24  # bytes per transcoding step (16 MB)
_SAMPLE = 1 << 16  # bytes sniffed for the encoding, the delimiter and the header
_HEADER_SEARCH = 30  # the header is among the first 30 records
_MAX_EXTRA = 16  # fields beyond the header that are read to tell empty from not
# a column whose first block has at most one distinct value in two rows (dates, ids, products,
# managers, quantities) is held as categories from then on: 4 bytes a row instead of a 16-byte
# string view plus the text (a 10M-row, 10-column export: ~2 GB less while it is parsed)
_REPETITIVE_FROM = 1000


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
        raise DataFileError(
            f"{path}: no such file or folder. Check the path (relative paths "
            f"start from {Path.cwd()})."
        )
    if path.is_dir():
        raise DataFileError(
            f"{path}: a folder, not a table file. Give the folder itself as the "
            "data, or a file inside it."
        )
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, table, cfg)
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path, table, cfg)
        if suffix in PARQUET_SUFFIXES:
            return _read_parquet(path)
    except PermissionError:
        raise DataFileError(
            f"{path}: permission denied. Give the user running reportkit read "
            "access to the file, or copy it to a folder of yours."
        ) from None
    except OSError as exc:
        raise DataFileError(
            f"{path}: cannot read the file ({exc.strerror or exc}). Check "
            "that it is a local, readable file and that the disk has room "
            "for temporary files."
        ) from None
    raise DataFileError(
        f"{path}: unknown file type {suffix or '(no extension)'!r}. reportkit "
        "reads .csv, .txt, .tsv, .xlsx, .xlsm, .xls, .xlsb, .ods and .parquet "
        "files. Save or export it as .csv or .xlsx."
    )


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


def _undecodable(path: Path, label: str, offset: int, byte: int, tried: str) -> DataFileError:
    line = _line_of(path, offset)
    return DataFileError(
        f"{label}: byte 0x{byte:02X} at offset {offset:,} (line {line:,}) is not a character "
        f"in {tried}. The file is damaged there or uses another encoding: fix or delete that "
        f"line, or save the file again as UTF-8; if you know its encoding, name it in the "
        f'config ([load] encoding = "...").'
    )


def _transcode_file(path: Path, encoding: str, label: str, tmpdir: str) -> Path:
    """A multi-byte encoding (UTF-16) as a temporary UTF-8 file, 16 MB at a time."""
    out = Path(tmpdir) / "utf8.csv"
    dec = codecs.getincrementaldecoder(encoding)("strict")
    done = 0
    with open(path, "rb") as src, open(out, "wb") as dst:
        while True:
            block = src.read(_DECODE_CHUNK)
            pending = len(dec.getstate()[0])
            try:
                text = dec.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                raise _undecodable(
                    path, label, done - pending + exc.start, exc.object[exc.start], encoding
                ) from None
            dst.write(text.lstrip("\ufeff").encode("utf-8") if done == 0 else text.encode("utf-8"))
            if not block:
                break
            done += len(block)
    return out


def _single_byte(name: str) -> bool:
    """Whether every byte is one character and the ASCII bytes the scan looks for keep their
    meaning (cp1251, koi8-r, latin-1 …): such files are scanned as they are."""
    try:
        if len(bytes(range(256)).decode(name, errors="replace")) != 256:
            return False
        return bytes(range(128)).decode(name, errors="replace") == bytes(range(128)).decode("ascii")
    except LookupError:
        return False


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0::2], sample[1::2]
    if len(sample) >= 8:
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return None


def _valid_utf8(sample: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return False


@dataclass
class _Source:
    path: Path  # the file to scan (the input, or a UTF-8 copy of a UTF-16 file)
    start: int  # byte where the text starts (after a BOM)
    codec: str | None  # single-byte encoding to decode block by block; None for UTF-8
    name: str  # the encoding, for the notes
    detected: bool  # chosen by reportkit, not by the config


def _source(path: Path, cfg: Config, label: str, tmpdir: str) -> _Source:
    """What to scan and how to decode it."""
    with open(path, "rb") as fh:
        sample = fh.read(_SAMPLE)
    if not sample.strip():
        raise DataFileError(
            f"{label}: the file is empty. Export the table again with its header row and data rows."
        )
    if cfg.load.encoding:
        try:
            name = codecs.lookup(cfg.load.encoding).name
        except LookupError:
            raise ConfigError(
                f"{cfg.source or 'config'}: [load] encoding = "
                f"{cfg.load.encoding!r} is not an encoding Python knows; use e.g. "
                '"utf-8", "cp1251" or "utf-16", or remove the line to '
                "detect it."
            ) from None
        if name == "utf-8":
            bom = 3 if sample.startswith(codecs.BOM_UTF8) else 0
            return _Source(path, bom, None, cfg.load.encoding, False)
        if _single_byte(name):
            return _Source(path, 0, name, cfg.load.encoding, False)
        return _Source(
            _transcode_file(path, name, label, tmpdir), 0, None, cfg.load.encoding, False
        )
    if sample.startswith(codecs.BOM_UTF8):
        if not sample[3:].strip():
            raise DataFileError(
                f"{label}: the file holds only a byte-order mark (the 3 bytes "
                "Excel writes first) and no table. Export the table again."
            )
        return _Source(path, 3, None, "utf-8 with BOM", False)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if not sample[2:].replace(b"\x00", b"").strip():
            raise DataFileError(
                f"{label}: the file holds only a byte-order mark and no table. "
                "Export the table again."
            )
        return _Source(_transcode_file(path, "utf-16", label, tmpdir), 0, None, "utf-16", True)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return _Source(_transcode_file(path, utf16, label, tmpdir), 0, None, utf16, True)
    nul = sample.find(b"\x00")
    # a binary file (a zip, an image) is full of zero bytes; one stray zero in a damaged row of
    # a text export is not a reason to refuse the file
    if nul >= 0 and sample.count(b"\x00") > max(3, len(sample) // 1000):
        raise DataFileError(
            f"{label}: this is not a text table (it holds binary data: byte "
            f"0x00 at offset {nul:,}). Export the table from its program as CSV "
            "(UTF-8 or Windows-1251) or Excel, and give that file."
        )
    if _valid_utf8(sample):
        return _Source(path, 0, None, "utf-8", True)
    return _Source(path, 0, "cp1251", "cp1251", True)


# --- CSV: records -----------------------------------------------------------------------------


def _scan(
    a: np.ndarray, inside: bool, delim: int, quoting: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
    """The complete records of a buffer that starts at a record's start.

    Returns the offsets of the newlines that end records (not those inside double quotes), the
    index of each among all the buffer's newlines, the number of fields of each record, the
    number of newlines in the buffer, and whether the buffer ends inside quotes. A doubled
    quote inside a quoted field leaves the parity unchanged. Costs a few whole-buffer numpy
    passes: the positions of newlines, quotes and delimiters; counts between two offsets come
    from binary searches in the delimiters' positions.
    """
    nl = np.flatnonzero(a == 10)
    dl = np.flatnonzero(a == delim)

    def running(idx: np.ndarray) -> np.ndarray:
        """Delimiters at or before each offset."""
        return np.searchsorted(dl, idx, side="right")

    q = np.flatnonzero(a == 34) if quoting else nl[:0]
    quoted = bool(len(q)) or inside
    if quoted:
        keep = ((int(inside) + np.searchsorted(q, nl)) & 1) == 0
        ends, line_idx = nl[keep], np.flatnonzero(keep)
    else:
        ends, line_idx = nl, np.arange(len(nl))
    counts = np.diff(np.concatenate([[0], running(ends), [len(dl)]]))
    if quoted:  # take out the delimiters inside quoted spans
        parity = (int(inside) + np.arange(len(q))) & 1
        opens, closes = q[parity == 0], q[parity == 1]
        if inside:
            opens = np.concatenate([[-1], opens])
        if len(opens) > len(closes):
            closes = np.concatenate([closes, [len(a) - 1]])
        before = np.where(opens >= 0, running(np.maximum(opens, 0)), 0)
        rec = np.searchsorted(ends, np.maximum(opens, 0))
        counts -= np.bincount(
            rec, weights=running(closes) - before, minlength=len(ends) + 1
        ).astype(np.int64)
    fields = counts[:-1] + 1
    end_inside = bool((int(inside) + len(q)) & 1)
    return ends, line_idx, fields, len(nl), end_inside


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
    if cfg.load.delimiter:  # (a Config built in Python skips the file's checks)
        check_delimiter(cfg.load.delimiter, cfg.source or "config")
        return cfg.load.delimiter
    if path.suffix.lower() == ".tsv":
        return "\t"
    return _sniff_delimiter(sample)


class _Retry(Exception):
    """Read the file again another way (quotes ignored, or another encoding)."""


def _read_csv(path: Path, table: str, cfg: Config) -> RawTable:
    label = str(path)
    with tempfile.TemporaryDirectory(prefix="reportkit-") as tmpdir:
        src = _source(path, cfg, label, tmpdir)
        with open(src.path, "rb") as fh:
            fh.seek(src.start)
            sample = fh.read(_SAMPLE).decode(src.codec or "utf-8", errors="replace")
        delim = _delimiter(path, cfg, sample)
        notes: list[str] = []
        for quoting in (True, False):
            try:
                raw = _CsvReader(path, src, delim, quoting, label, table).read()
            except _Retry as why:
                if str(why) == "encoding":
                    src = _Source(path, 0, "cp1251", "cp1251", True)
                    try:
                        raw = _CsvReader(path, src, delim, quoting, label, table).read()
                    except _Retry:
                        continue
                else:
                    notes = ["double quotes ignored: they do not pair up in this file"]
                    continue
            shown = "tab" if delim == chr(9) else repr(delim)
            raw.notes = [f"read as {src.name}, delimiter {shown}", *notes, *raw.notes]
            return raw
    raise DataFileError(
        f"{label}: the lines cannot be split into fields consistently (quotes "
        "that open and never close?). Open the file in a spreadsheet program "
        "and save it again as CSV."
    )


class _CsvReader:
    """One pass over a CSV file: 16 MB of bytes at a time, scanned for its records, decoded to
    UTF-8 (single-byte encodings) and parsed by polars; only the complete records of a block are
    parsed, the rest starts the next block."""

    def __init__(self, path: Path, src: _Source, delim: str, quoting: bool, label: str, table: str):
        self.path, self.src, self.delim, self.quoting = path, src, delim, quoting
        self.label, self.table = label, table
        self.header: list[str] | None = None
        self.header_line = 0
        self.parts: list[pl.DataFrame] = []
        self.rows: list[np.ndarray] = []
        self.malformed: list[tuple[int, str]] = []
        self.short = 0
        self.repetitive: list[str] | None = None

    def read(self) -> RawTable:
        inside, lines_before, offset = False, 0, self.src.start
        carry = b""
        size = os.path.getsize(self.src.path)
        rows = 0
        with open(self.src.path, "rb") as fh, PROGRESS.reading(self.label, size) as shown:
            fh.seek(self.src.start)
            while True:
                shown(fh.tell(), rows)
                chunk = fh.read(_CHUNK)
                eof = not chunk
                data = carry + chunk if carry else chunk
                if eof and not data:
                    break
                a = np.frombuffer(data, dtype=np.uint8)
                ends, line_idx, fields, n_nl, _ = _scan(a, inside, ord(self.delim), self.quoting)
                if eof and (int(ends[-1]) + 1 if len(ends) else 0) < len(data):
                    # the last record has no newline
                    ends = np.append(ends, len(data))
                    line_idx = np.append(line_idx, n_nl)
                    fields = np.append(fields, self._tail_fields(a, ends))
                elif not eof and len(ends) <= _HEADER_SEARCH and self.header is None:
                    carry = data  # too few records yet to find the header: read more
                    continue
                if len(ends) == 0:
                    if eof:
                        break
                    carry = data  # a record longer than a chunk: read more
                    continue
                cut = int(ends[-1]) + 1
                block = data[:cut]
                lines = line_idx + lines_before + 1
                self._block(block, ends, lines, fields, offset)
                rows += len(ends)
                # the state at the start of the next block: outside quotes (a record ended)
                lines_before += int(np.count_nonzero(a[:cut] == 10)) if not eof else n_nl
                offset += cut
                carry = data[cut:]
                inside = False
                if eof:
                    break
        if self.header is None:
            raise DataFileError(
                f"{self.label}: the file is empty. Export the table again with "
                "its header row and data rows."
            )
        frame = (
            pl.concat(self.parts, how="vertical", rechunk=False)
            if self.parts
            else pl.DataFrame({h: pl.Series([], dtype=pl.String) for h in self.header})
        )
        line_numbers = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        notes = []
        if self.header_line > 1:
            notes.append(f"header found on row {self.header_line} (title lines above it skipped)")
        if self.short:
            notes.append(
                f"{self.short:,} rows had fewer fields than the header; the missing "
                "trailing fields were read as empty"
            )
        return RawTable(frame, line_numbers, self.malformed, self.label, notes)

    def _tail_fields(self, a: np.ndarray, ends: np.ndarray) -> int:
        start = int(ends[-2]) + 1 if len(ends) > 1 else 0
        tail = a[start:]
        tail = np.append(tail, np.uint8(10))
        return int(_scan(tail, False, ord(self.delim), self.quoting)[2][0]) if len(tail) else 1

    def _decode(self, block: bytes, offset: int) -> bytes:
        if self.src.codec is None:
            return block
        try:
            return block.decode(self.src.codec).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _undecodable(
                self.path, self.label, offset + exc.start, block[exc.start], self.src.codec
            ) from None

    def _record_text(self, block: bytes, ends: np.ndarray, i: int) -> str:
        start = int(ends[i - 1]) + 1 if i else 0
        text = block[start : int(ends[i])].decode(self.src.codec or "utf-8", errors="replace")
        return text.removesuffix("\r")

    def _block(
        self, block: bytes, ends: np.ndarray, lines: np.ndarray, fields: np.ndarray, offset: int
    ) -> None:
        first = 0
        if self.header is None:
            texts = [
                self._record_text(block, ends, i) for i in range(min(len(ends), _HEADER_SEARCH))
            ]
            split = _split_sample(texts, self.delim)
            head = header_index(split, self.table)
            header = [h.strip() for h in split[head]] if split else []
            if not any(header):
                raise DataFileError(
                    f"{self.label}: no header row found. The first row must hold the column names."
                )
            self.header = dedupe_headers(header)
            self.header_line = int(lines[head])
            first = head + 1
        if first >= len(ends):
            return
        width = len(self.header)
        fields, lines = fields[first:], lines[first:]
        start = int(ends[first - 1]) + 1 if first else 0
        extra = int(min(max(int(fields.max()) - width, 0), _MAX_EXTRA))
        names = self.header + [f"__extra{i}" for i in range(extra)]
        text = self._decode(block[start:], offset + start)
        try:
            frame = pl.read_csv(
                text,
                has_header=False,
                separator=self.delim,
                infer_schema=False,
                quote_char='"' if self.quoting else None,
                schema={f"c{i}": pl.String for i in range(len(names))},
                missing_columns="insert",
                truncate_ragged_lines=True,
                empty_string_is_null=False,
                raise_if_empty=False,
            )
        except pl.exceptions.ComputeError as exc:
            if "utf-8" in str(exc).lower() and self.src.detected and self.src.codec is None:
                raise _Retry("encoding") from None
            if self.src.codec is None and not self.src.detected and "utf-8" in str(exc).lower():
                bad = _first_bad_utf8(text)
                raise _undecodable(
                    self.path, self.label, offset + start + bad[0], bad[1], "UTF-8"
                ) from None
            raise _Retry("quotes") from None
        if len(frame) != len(fields):
            raise _Retry("quotes")
        frame.columns = names
        # blank lines are not rows: one field, nothing but spaces in it
        blank = (fields == 1) & (frame.get_column(names[0]).str.strip_chars() == "").to_numpy()
        long = fields > width
        if extra:
            filled = (
                frame.select(pl.any_horizontal([pl.col(c) != "" for c in names[width:]]))
                .to_series()
                .to_numpy()
            )
            long &= filled | (fields > width + _MAX_EXTRA)
            frame = frame.drop(names[width:])
        self.short += int(((fields < width) & ~blank).sum())
        for i in np.flatnonzero(long):
            self.malformed.append((int(lines[i]), self._record_text(block, ends, first + int(i))))
        keep = ~(blank | long)
        if not keep.all():
            frame = frame.filter(pl.Series(keep))
        if self.repetitive is None:
            self.repetitive = [
                c
                for c in self.header
                if len(frame) >= _REPETITIVE_FROM
                and frame.get_column(c).n_unique() <= len(frame) // 2
            ]
        if self.repetitive:
            frame = frame.with_columns(pl.col(self.repetitive).cast(pl.Categorical))
        self.parts.append(frame)
        self.rows.append(lines[keep].astype(np.int64))


def _first_bad_utf8(data: bytes) -> tuple[int, int]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, data[exc.start]
    return 0, 0


# --- Excel ------------------------------------------------------------------------------------


def _excel_first_row(path: Path, sheet: str) -> int:
    """0-based index of the sheet's first row that holds a value (calamine starts there)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        start = wb.get_sheet_by_name(sheet).start
        return int(start[0]) if start is not None else 0
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
    except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds for broken files
        raise DataFileError(
            f"{label}: cannot open the spreadsheet ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}). Open it in Excel "
            "or LibreOffice and save it again as .xlsx, or export the table as "
            ".csv."
        ) from None
    sheet = cfg.load.sheet
    if sheet is not None and sheet not in sheets:
        raise DataFileError(
            f"{label}: there is no sheet {sheet!r}; the workbook has "
            f"{', '.join(map(repr, sheets))}. Set [load] sheet to one of them."
        )
    name = sheet if sheet is not None else sheets[0]
    label = f"{path} [sheet {name!r}]"
    try:
        frame = book.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # noqa: BLE001 - calamine's own kinds
        raise DataFileError(
            f"{label}: cannot read the sheet ({type(exc).__name__}). Save the "
            "workbook again as .xlsx, or export the table as .csv."
        ) from None
    if frame.width == 0 or frame.height == 0:
        raise DataFileError(
            f"{label}: the sheet is empty. Choose the sheet with the data "
            "([load] sheet) or export the table again."
        )
    offset = _excel_first_row(path, name) if frame.height else 0
    frame = frame.with_columns(pl.all().str.strip_chars())
    top = frame.head(_HEADER_SEARCH).rows()
    as_text = [["" if c is None else c for c in r] for r in top]
    if not any(any(c for c in r) for r in as_text):
        raise DataFileError(
            f"{label}: the sheet is empty. Choose the sheet with the data "
            "([load] sheet) or export the table again."
        )
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
    except Exception as exc:  # noqa: BLE001 - pyarrow/polars kinds
        raise DataFileError(
            f"{label}: cannot read the Parquet file ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})."
        ) from None
    frame.columns = dedupe_headers([str(c) for c in frame.columns])
    return RawTable(
        frame, np.arange(2, len(frame) + 2, dtype=np.int64), [], label, ["read as Parquet"]
    )
