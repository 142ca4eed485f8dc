"""The columnar loader against the slow row-by-row one it replaced, on generated messy files;
Excel beyond .xlsx; the repeated-row rule; broken files; progress on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
import reportkit.io.readers as readers
from reportkit.io.config import load_config
from reportkit.io.load import DUPLICATE_ROW, REPEATED_HEADER, load, read_table

import reference_load  # noqa: E402  (tests/ is on the path: the old loader, as the reference)

DATA = Path(__file__).parent / "data"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --- the columnar loader gives what the row-by-row loader gave ---------------------------------

_IDS = ["K1", "00002", "Ромашка", "", "  ", "K1", '"ООО ""Вектор"""', '"Acme; Inc."', "  K3 "]
_DATES = ["01.02.2024", "2024-02-30", "", "31.12.2023 10:00", "garbage", "2024-01-05",
          "45292", "5.3.2024", "2024-01-05T10:00:00+03:00", "01.01.1900"]
_AMOUNTS = ["1 000,5", "-5", "", "x", "12.5", "(3)", "1,234.5", "250,00-", "1 500 руб.",
            "€ 99,95", '"7,25"', "1.234.567", "0"]


def _messy_csv(rng: np.random.Generator, delim: str) -> str:
    n = int(rng.integers(5, 120))
    lines = []
    if rng.random() < 0.4:
        lines += ["Отчет о продажах за период", ""]
    lines.append(delim.join(["Дата", "Клиент", "Сумма", "Номер документа"]))
    for _ in range(n):
        cells = [rng.choice(_DATES), rng.choice(_IDS), rng.choice(_AMOUNTS),
                 f"Д-{int(rng.integers(0, n // 2 + 1))}"]
        if delim == ",":    # a comma inside an unquoted amount would split it
            cells[2] = cells[2].replace(",", ".") if not cells[2].startswith('"') else cells[2]
        r = rng.random()
        if r < 0.04:
            cells.append("junk")                 # malformed: a field too many
        elif r < 0.07:
            cells = cells[:2]                    # short: trailing fields missing
        elif r < 0.09:
            cells.append("")                     # a trailing empty field, as Excel writes
        elif r < 0.11:
            cells = ["Итого", "", "10000", ""]
        elif r < 0.13:
            cells = ["", "", "", ""]
        elif r < 0.15:
            cells[1] = '"двух-\nстрочный"'       # a quoted newline
        lines.append(delim.join(cells))
        if rng.random() < 0.03:
            lines.append("")                     # a blank line: not a row
        if rng.random() < 0.05 and len(lines) > 2:
            lines.append(lines[-1 if lines[-1] else -2])   # an exact repeat
    return "\n".join(lines) + ("\n" if rng.random() < 0.7 else "")


@pytest.mark.parametrize("categories", [False, True], ids=["text", "categories"])
@pytest.mark.parametrize("seed", range(40))
def test_columnar_loader_matches_the_row_by_row_reference(tmp_path, seed, categories,
                                                          monkeypatch):
    """Both ways the reader holds a column: as text, and as categories (what it does with the
    repetitive columns of a long file; here forced on every file)."""
    if categories:
        monkeypatch.setattr(readers, "_REPETITIVE_FROM", 1)
    rng = np.random.default_rng(seed)
    delim = [";", ",", "\t", "|"][seed % 4]
    encoding = ["cp1251", "utf-8", "utf-8-sig"][seed % 3]
    f = write(tmp_path / "t.csv", _messy_csv(rng, delim), encoding)
    cfg = {"load": {"drop_duplicate_rows": True}}
    try:
        ref, ref_report = reference_load.read_table(f, "transactions", reference_load.load_config(
            cfg))
    except rk.DataFileError as exc:
        with pytest.raises(rk.DataFileError, match="none of its"):
            read_table(f, "transactions", load_config(cfg))
        assert "none of its" in str(exc)
        return
    got, report = read_table(f, "transactions", load_config(cfg))
    cols = ["client_id", "date", "amount", "order_id"]
    pd.testing.assert_frame_equal(got[cols].astype({"client_id": object, "order_id": object}),
                                  ref[cols].astype({"client_id": object, "order_id": object}),
                                  check_dtype=False)
    assert (report.rows_read, report.rows_kept) == (ref_report.rows_read, ref_report.rows_kept)
    assert report.rejected_by_reason == ref_report.rejected_by_reason

    def rows(r):
        return sorted(zip(r.rejected["row"].astype(int), r.rejected["reason"]))
    assert rows(report) == rows(ref_report)
    assert report.total_amount == pytest.approx(ref_report.total_amount)


def test_scan_is_the_same_in_any_chunk_size(tmp_path, monkeypatch):
    """Records that straddle two blocks (and quotes open across them) are read whole."""
    rng = np.random.default_rng(7)
    f = write(tmp_path / "t.csv", _messy_csv(rng, ";"), "cp1251")
    whole = read_table(f, "transactions")
    for chunk in (3, 17, 64):
        monkeypatch.setattr(readers, "_CHUNK", chunk)
        part = read_table(f, "transactions")
        pd.testing.assert_frame_equal(part[0], whole[0])
        pd.testing.assert_frame_equal(part[1].rejected, whole[1].rejected)


def test_header_repeated_among_the_rows(tmp_path):
    f = write(tmp_path / "t.csv", "Дата;Клиент;Сумма\n01.02.2024;A;5\nДата;Клиент;Сумма\n"
              "02.02.2024;B;7\n")
    r = load(f).reports["transactions"]
    assert (r.rows_read, r.rows_kept) == (3, 2)
    assert r.rejected_by_reason == {REPEATED_HEADER: 1}
    assert r.rejected["row"].tolist() == [3]


# --- Excel beyond .xlsx -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["продажи.xls", "продажи.ods"])
def test_xls_and_ods(name):
    """Excel 97-2003 (written by xlwt) and OpenDocument (written by odfpy) files, with a title
    above the header, real dates, a numeric id and text amounts."""
    ds = load(DATA / name)
    t = ds.transactions
    assert t["client_id"].tolist() == ["00123", "124", "00125"]
    assert t["date"].tolist() == [pd.Timestamp("2024-01-31 10:00"), pd.Timestamp("2024-02-01"),
                                  pd.Timestamp("2024-03-05")]
    assert t["amount"].tolist() == [1500.5, 2000.0, -300.0]
    r = ds.reports["transactions"]
    assert "header found on row 3" in " ".join(r.notes)
    assert "Продажи" in r.file


def test_a_folder_with_an_xls_file_is_found(tmp_path):
    (tmp_path / "продажи.xls").write_bytes((DATA / "продажи.xls").read_bytes())
    assert len(load(tmp_path).transactions) == 3


def test_excel_rows_are_numbered_as_the_spreadsheet_shows_them(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([])                                # row 1 empty: calamine starts at row 2
    ws.append(["Клиент", "Дата", "Сумма"])        # row 2
    ws.append(["A", "05.03.2024", 100])           # row 3
    ws.append([])                                 # row 4 blank: not a row
    ws.append(["B", "не дата", 100])              # row 5
    wb.save(tmp_path / "s.xlsx")
    r = load(tmp_path / "s.xlsx").reports["transactions"]
    assert (r.rows_read, r.rows_kept) == (2, 1)
    assert r.rejected["row"].tolist() == [5]


# --- exact repeated rows -------------------------------------------------------------------------


def test_repeated_rows_without_an_order_number_are_purchases(tmp_path):
    """Same client, day and amount twice, no order number: two purchases, kept and noted."""
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма\nA;05.03.2024;100\nA;05.03.2024;100\n"
              "B;06.03.2024;7,5\nB;06.03.2024;7,5\nB;06.03.2024;7,5\n")
    ds = load(f)
    r = ds.reports["transactions"]
    assert (r.rows_kept, r.rows_rejected) == (5, 0)
    assert ds.transactions["amount"].sum() == pytest.approx(222.5)
    note = next(n for n in r.notes if "repeat an earlier row" in n)
    assert note.startswith("3 rows repeat an earlier row exactly (amount 115.00)")
    assert "drop_duplicate_rows = true" in note
    dropped = load(f, {"load": {"drop_duplicate_rows": True}}).reports["transactions"]
    assert dropped.rejected_by_reason == {DUPLICATE_ROW: 3}


def test_repeated_rows_with_an_order_number_are_rejected(tmp_path):
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма;Номер документа\nA;05.03.2024;100;Д-1\n"
              "A;05.03.2024;100;Д-1\nA;05.03.2024;100;Д-2\n")
    r = load(f).reports["transactions"]
    assert r.rejected_by_reason == {DUPLICATE_ROW: 1}
    assert r.rejected["row"].tolist() == [3]
    kept = load(f, {"load": {"drop_duplicate_rows": False}}).reports["transactions"]
    assert kept.rows_kept == 3 and any("repeat an earlier row" in n for n in kept.notes)


# --- broken files: exit 2 and a sentence -----------------------------------------------------


def _check(path, capsys, *extra):
    from reportkit.cli import main

    code = main(["check", str(path), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_binary_file_named_csv(tmp_path, capsys):
    f = tmp_path / "sales.csv"
    f.write_bytes(bytes(range(256)) * 40)
    code, err = _check(f, capsys)
    assert code == 2
    assert "sales.csv: this is not a text table" in err and "offset 0" in err


def test_a_byte_cp1251_does_not_define(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_bytes("Клиент;Дата;Сумма\nА;05.03.2024;1\n".encode("cp1251") + b"\x98;06.03.2024;2\n")
    code, err = _check(f, capsys)
    assert code == 2
    assert "byte 0x98 at offset" in err and "(line 3)" in err and "[load] encoding" in err


def test_a_file_holding_only_a_bom(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_bytes(b"\xef\xbb\xbf")
    code, err = _check(f, capsys)
    assert code == 2 and "only a byte-order mark" in err


def test_a_field_longer_than_the_csv_module_takes(tmp_path):
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма;Комментарий\nA;05.03.2024;1;" + "x" * 200_000
              + "\nB;06.03.2024;2;ok\n")
    ds = load(f)
    assert ds.transactions["client_id"].tolist() == ["A", "B"]


def test_a_delimiter_of_two_characters_is_a_config_error(tmp_path, capsys):
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма\nA;05.03.2024;1\n")
    cfg = write(tmp_path / "rk.toml", '[load]\ndelimiter = ";;"\n')
    code, err = _check(f, capsys, "--config", str(cfg))
    assert code == 2 and "delimiter must be one character" in err


def test_utf16_with_and_without_bom(tmp_path):
    text = "Клиент\tДата\tСумма\nА\t05.03.2024\t1,5\n"
    for enc in ("utf-16", "utf-16-le"):
        f = write(tmp_path / f"t_{enc}.txt", text, enc)
        ds = load(f)
        assert ds.transactions["client_id"].tolist() == ["А"]
        assert ds.transactions["amount"].tolist() == [1.5]


def test_cp1251_after_a_utf8_looking_start(tmp_path):
    """The first 64 KB are plain ASCII; Cyrillic (cp1251) appears further down."""
    head = "client;date;amount\n" + "A;05.03.2024;1\n" * 6000
    f = tmp_path / "t.csv"
    f.write_bytes(head.encode("ascii") + "Ромашка;06.03.2024;2\n".encode("cp1251"))
    ds = load(f)
    assert ds.transactions["client_id"].iloc[-1] == "Ромашка"
    assert "cp1251" in ds.reports["transactions"].notes[0]


# --- progress -----------------------------------------------------------------------------------


def _run_check(path: Path, *, tty: bool, quiet: bool = False) -> str:
    cmd = [sys.executable, "-m", "reportkit", "check", str(path)] + (["--quiet"] if quiet else [])
    if not tty:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    main, child = pty.openpty()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    out = b""
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    assert proc.wait() == 0
    os.close(main)
    return out.decode("utf-8", errors="replace")


def test_progress_on_a_terminal_and_not_otherwise(tmp_path):
    f = write(tmp_path / "sales.csv", "client;date;amount\n" + "A;05.03.2024;1\n" * 2000)
    shown = _run_check(f, tty=True)
    assert "reading " in shown and "transactions: 2,000 of 2,000 rows kept" in shown
    assert " s] " in shown                       # the elapsed time
    assert _run_check(f, tty=False) == ""
    assert _run_check(f, tty=True, quiet=True) == ""


def test_the_python_api_prints_nothing(tmp_path, capsys):
    f = write(tmp_path / "sales.csv", "client;date;amount\nA;05.03.2024;1\n")
    load(f)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_long_tables_keep_repeated_text_as_categories(tmp_path, monkeypatch):
    """A text column with at most one distinct value in ten rows (managers, products) is a
    pandas Categorical in a long table; a column of mostly distinct values stays text."""
    import importlib

    L = importlib.import_module("reportkit.io.load")   # (reportkit.load is also the function)

    monkeypatch.setattr(L, "_CATEGORICAL_FROM", 20)
    rows = [f"A{i};05.03.2024;{i};{['Иванов', 'Петров'][i % 2]};товар {i}" for i in range(40)]
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма;Менеджер;Номенклатура\n"
              + "\n".join(rows) + "\n")
    t = load(f).transactions
    assert isinstance(t["manager"].dtype, pd.CategoricalDtype)
    assert t["manager"].tolist() == ["Иванов", "Петров"] * 20
    assert not isinstance(t["product"].dtype, pd.CategoricalDtype)
    assert t["product"].tolist() == [f"товар {i}" for i in range(40)]
