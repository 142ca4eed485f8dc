"""Loading real exports: every quirk on a small file made here, and the row accounting."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.cli import main as cli_main
from reportkit.io.load import (BAD_AMOUNT, BAD_DATE, DUPLICATE_ROW, EMPTY_ROW, MALFORMED, MISSING_ID,
                            TOTAL_ROW, load, parse_dates, parse_money, read_table,
                            write_rejected)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --- CSV dialects -------------------------------------------------------------------------------


def test_cp1251_semicolon_decimal_comma(tmp_path):
    f = write(tmp_path / "продажи.csv",
              "Дата;Контрагент;Сумма документа\n"
              "31.01.2024;ООО Ромашка;1 234,56\n"
              "01.02.2024;ИП Иванов;99,9\n", encoding="cp1251")
    ds = load(f)
    t = ds.transactions
    assert t["client_id"].tolist() == ["ООО Ромашка", "ИП Иванов"]
    assert t["amount"].tolist() == [1234.56, 99.9]
    assert t["date"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]
    assert "cp1251" in ds.reports["transactions"].notes[0]


def test_utf8_bom_and_tab(tmp_path):
    f = write(tmp_path / "sales.tsv", "\ufeffCustomer ID\tInvoiceDate\tAmount\n"
              "00123\t2024-03-05 14:30:00\t$1,200.00\n")
    t = load(f).transactions
    assert list(t.columns[:3]) == ["client_id", "date", "amount"]
    assert t.loc[0, "client_id"] == "00123"          # leading zeros kept, BOM not in header
    assert t.loc[0, "date"] == pd.Timestamp("2024-03-05 14:30:00")
    assert t.loc[0, "amount"] == 1200.0


def test_comma_delimited_with_quotes(tmp_path):
    f = write(tmp_path / "t.csv", 'client,date,amount\n"Acme, Inc.",2024-01-02,"1,500.25"\n')
    t = load(f).transactions
    assert t.loc[0, "client_id"] == "Acme, Inc."
    assert t.loc[0, "amount"] == 1500.25


@pytest.mark.parametrize("cell, value", [
    ("1 234 567,89", 1234567.89),           # space thousands, decimal comma
    ("1\u00a0234,5", 1234.5),               # no-break space
    ("1\u202f234,5", 1234.5),               # narrow no-break space
    ("12'345.50", 12345.5),                 # apostrophe thousands (Swiss style)
    ("1.234.567,00", 1234567.0),            # dot thousands, comma decimal
    ("1,234,567.00", 1234567.0),
    ("1 500 ₽", 1500.0),
    ("1500 руб.", 1500.0),
    ("€ 99,95", 99.95),
    ("-250,00", -250.0),
    ("(250,00)", -250.0),                   # accounting negative
    ("250,00-", -250.0),                    # trailing minus (1C)
    ("0", 0.0),
])
def test_money_formats(cell, value):
    assert parse_money(pd.Series([cell, "10,5"]))[0] == pytest.approx(value)


def test_money_unreadable_is_nan():
    out = parse_money(pd.Series(["abc", "", "12,3,4x", "1.2.3,4,5"]))
    assert out.isna().all()


def test_money_comma_thousands_when_column_uses_dot_decimals():
    # "1,234" alone is ambiguous; in a column whose decimals are dots it is one thousand ...
    assert parse_money(pd.Series(["1,234", "5.50", "7.25"])).tolist() == [1234.0, 5.5, 7.25]
    # ... and in a column of decimal commas it is a bit more than one
    assert parse_money(pd.Series(["1,234", "5,50", "7,25"])).tolist() == [1.234, 5.5, 7.25]


@pytest.mark.parametrize("cell, expected", [
    ("31.12.2023", "2023-12-31 00:00"),
    ("31.12.2023 23:59", "2023-12-31 23:59"),
    ("31.12.2023 23:59:58", "2023-12-31 23:59"),
    ("2023-12-31", "2023-12-31 00:00"),
    ("2023-12-31 08:15:00", "2023-12-31 08:15"),
    ("2023-12-31T08:15:00", "2023-12-31 08:15"),
    ("31.12.23", "2023-12-31 00:00"),
    ("05/03/2024", "2024-03-05 00:00"),     # dayfirst by default
    ("45292", "2024-01-01 00:00"),          # Excel serial day number
])
def test_date_formats(cell, expected):
    got = parse_dates(pd.Series([cell]))[0]
    assert got.strftime("%Y-%m-%d %H:%M") == expected


def test_monthfirst_dates_by_config(tmp_path):
    f = write(tmp_path / "t.csv", "client,date,amount\nA,05/03/2024,1\n")
    t = load(f, {"load": {"dayfirst": False}}).transactions
    assert t.loc[0, "date"] == pd.Timestamp("2024-05-03")


# --- headers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client, date, amount", [
    ("Клиент", "Дата", "Сумма"),
    ("Контрагент", "Дата документа", "Сумма документа"),
    ("Покупатель", "дата", "СУММА"),
    ("Customer ID", "InvoiceDate", "Amount"),
    ("customer_id", "Order Date", "Revenue"),
])
def test_header_aliases(tmp_path, client, date, amount):
    f = write(tmp_path / "t.csv", f"{amount};{client};{date}\n10;K1;01.01.2024\n")
    t = load(f).transactions
    assert t.loc[0, ["client_id", "amount"]].tolist() == ["K1", 10.0]


def test_id_column_preferred_over_name_column(tmp_path):
    f = write(tmp_path / "t.csv", "Дата;Контрагент;Код контрагента;Сумма\n01.01.2024;ООО А;007;5\n")
    t = load(f).transactions
    assert t.loc[0, "client_id"] == "007"


def test_title_lines_above_header(tmp_path):
    f = write(tmp_path / "t.csv", "Отчет по продажам за 2024 год\n\nСформирован: 01.02.2025\n"
              "Дата;Клиент;Сумма\n01.01.2024;K1;5\n")
    ds = load(f)
    assert ds.transactions["client_id"].tolist() == ["K1"]
    assert ds.reports["transactions"].rows_read == 1
    assert any("row 4" in n for n in ds.reports["transactions"].notes)


def test_quantity_times_price(tmp_path):
    f = write(tmp_path / "t.csv", "client;date;Количество;Цена\nA;01.01.2024;3;2,50\n"
              "B;02.01.2024;-1;10\n")
    ds = load(f)
    assert ds.transactions["amount"].tolist() == [7.5, -10.0]
    assert any("amount =" in n for n in ds.reports["transactions"].notes)


def test_explicit_mapping_from_toml(tmp_path):
    f = write(tmp_path / "t.csv", "Плательщик;Когда;Оплачено\nA;01.01.2024;5\n")
    cfg = write(tmp_path / "rk.toml", '[columns.transactions]\nclient_id = "Плательщик"\n'
                'date = "Когда"\namount = "Оплачено"\n')
    t = load(f, cfg).transactions
    assert t.loc[0, ["client_id", "amount"]].tolist() == ["A", 5.0]


# --- Excel and Parquet ----------------------------------------------------------------------------------


def _xlsx(path, rows, sheet="Sheet1", extra_sheet=None):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    if extra_sheet:
        wb.create_sheet(extra_sheet)
    wb.save(path)
    return path


def test_xlsx_with_real_dates_and_numeric_ids(tmp_path):
    f = _xlsx(tmp_path / "sales.xlsx", [
        ["Дата", "Код клиента", "Сумма"],
        [dt.datetime(2024, 1, 31, 10, 0), 123, 1500.5],
        [dt.date(2024, 2, 1), "00124", "2 000,00"],
    ])
    t = load(f).transactions
    assert t["date"].tolist() == [pd.Timestamp("2024-01-31 10:00"), pd.Timestamp("2024-02-01")]
    assert t["client_id"].tolist() == ["123", "00124"]   # 123 not "123.0"; text id kept
    assert t["amount"].tolist() == [1500.5, 2000.0]


def test_xlsx_named_sheet(tmp_path):
    import openpyxl

    f = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Инфо"
    wb.active.append(["just notes"])
    ws = wb.create_sheet("Продажи")
    ws.append(["Дата", "Клиент", "Сумма"])
    ws.append([dt.datetime(2024, 5, 1), "K9", 10])
    wb.save(f)
    ds = load(f, {"load": {"sheet": "Продажи"}})
    assert ds.transactions["client_id"].tolist() == ["K9"]
    assert "Продажи" in ds.reports["transactions"].file


def test_xlsx_wrong_sheet_name(tmp_path):
    f = _xlsx(tmp_path / "b.xlsx", [["Дата", "Клиент", "Сумма"]], sheet="Data")
    with pytest.raises(rk.DataFileError, match=r"no sheet 'Sales'.*'Data'.*\[load\] sheet"):
        load(f, {"load": {"sheet": "Sales"}})


def test_parquet(tmp_path):
    f = tmp_path / "t.parquet"
    pd.DataFrame({"CustomerID": ["001", "002"], "InvoiceDate": pd.to_datetime(
        ["2024-01-01", "2024-01-02"]), "Amount": [1.5, -2.0]}).to_parquet(f)
    ds = load(f)
    assert ds.transactions["client_id"].tolist() == ["001", "002"]
    assert ds.reports["transactions"].returns_count == 1


# --- the load report ----------------------------------------------------------------------------------


MESSY = ("Дата;Клиент;Сумма;Номер документа\n"
         "01.02.2024;00123;1 234,50 руб.;A1\n"      # row 2 kept
         "02.02.2024;00123;-100,00;A2\n"            # row 3 kept (a return)
         ";;;\n"                                    # row 4 empty
         "xx;00124;5;A3\n"                          # row 5 bad date
         "03.02.2024;;5;A4\n"                       # row 6 no client
         "03.02.2024;00125;abc;A5\n"                # row 7 bad amount
         "01.02.2024;00123;1 234,50 руб.;A1\n"      # row 8 duplicate of row 2
         "04.02.2024;00126;7;A6;extra\n"            # row 9 malformed
         "05.02.2024;00127;10;A7\n"                 # row 10 kept
         "Итого;;10000;\n")                          # row 11 total


def test_load_report_counts_every_row(tmp_path):
    f = write(tmp_path / "t.csv", MESSY)
    ds = load(f)
    r = ds.reports["transactions"]
    assert (r.rows_read, r.rows_kept, r.rows_rejected) == (10, 3, 7)
    assert r.rejected_by_reason == {MALFORMED: 1, EMPTY_ROW: 1, TOTAL_ROW: 1, MISSING_ID: 1,
                                    BAD_DATE: 1, BAD_AMOUNT: 1, DUPLICATE_ROW: 1}
    rows = dict(zip(r.rejected["reason"], r.rejected["row"]))
    assert rows == {EMPTY_ROW: 4, BAD_DATE: 5, MISSING_ID: 6, BAD_AMOUNT: 7, DUPLICATE_ROW: 8,
                    MALFORMED: 9, TOTAL_ROW: 11}
    assert r.returns_count == 1 and r.returns_amount == -100.0
    assert r.total_amount == pytest.approx(1234.5 - 100 + 10)
    assert (r.date_min, r.date_max) == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-05"))
    assert r.clients == 2


def test_write_rejected(tmp_path):
    ds = load(write(tmp_path / "t.csv", MESSY))
    paths = write_rejected(ds, tmp_path / "out")
    back = pd.read_csv(paths["transactions"], encoding="utf-8-sig", dtype=str)
    assert len(back) == 7
    assert set(back["reason"]) >= {BAD_DATE, MALFORMED}
    assert back.loc[back["reason"] == BAD_DATE, "Клиент"].tolist() == ["00124"]


def test_duplicates_kept_when_configured(tmp_path):
    ds = load(write(tmp_path / "t.csv", MESSY), {"load": {"drop_duplicate_rows": False}})
    assert ds.reports["transactions"].rows_kept == 4


def _messy_frame(rng, n):
    ids = rng.choice(["", "K1", "00002", "Ромашка", "  ", "K1"], n)
    dates = rng.choice(["01.02.2024", "2024-02-30", "", "31.12.2023 10:00", "garbage",
                        "2024-01-05"], n)
    amounts = rng.choice(["1 000,5", "-5", "", "x", "12.5", "(3)", "1,234.5"], n)
    return ids, dates, amounts


@pytest.mark.parametrize("seed", range(12))
def test_kept_plus_rejected_equals_read_on_random_messy_input(tmp_path, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 80))
    ids, dates, amounts = _messy_frame(rng, n)
    lines = ["client;date;amount"]
    for i in range(n):
        extra = ";junk" if rng.random() < 0.05 else ""
        lines.append(f"{ids[i]};{dates[i]};{amounts[i]}{extra}")
    if rng.random() < 0.5:
        lines.append(lines[1])  # a repeated line
    lines.insert(int(rng.integers(1, len(lines))), ";;")
    f = write(tmp_path / "t.csv", "\n".join(lines) + "\n", encoding="cp1251")
    try:
        ds = load(f)
    except rk.DataFileError as exc:   # possible when nothing survives; it must say so
        assert "none of its" in str(exc)
        return
    r = ds.reports["transactions"]
    assert r.rows_kept + r.rows_rejected == r.rows_read == n + 1 + (len(lines) - n - 2)
    assert r.rows_kept == len(ds.transactions)
    assert sum(r.rejected_by_reason.values()) == r.rows_rejected
    # the slow, obvious count: a line is kept iff id, date and amount all read and not repeated
    assert ds.transactions["client_id"].str.len().min() > 0
    assert ds.transactions["date"].notna().all() and ds.transactions["amount"].notna().all()
    assert r.total_amount == pytest.approx(ds.transactions["amount"].sum())


# --- folders --------------------------------------------------------------------------------------------


def test_folder_with_russian_names(tmp_path):
    write(tmp_path / "продажи.csv", "Дата;Клиент;Сумма\n01.01.2024;K1;5\n", "cp1251")
    write(tmp_path / "клиенты.csv", "Код клиента;Наименование;VIP;Потенциал\nK1;ООО А;Да;1 000\n"
          "K2;ООО Б;нет;\nK2;ООО Б дубль;нет;\n", "cp1251")
    write(tmp_path / "задачи.csv", "Клиент;Дата создания;Срок;Выполнено\nK1;01.01.2024 10:00;"
          "05.01.2024;Нет\n", "cp1251")
    write(tmp_path / "опросы.csv", "Клиент;Дата;Оценка\nK1;01.01.2024;9\nK2;01.01.2024;11\n",
          "cp1251")
    (tmp_path / "README.md").write_text("not data")
    ds = load(tmp_path)
    assert ds.clients["vip"].tolist() == [True, False]
    assert ds.clients["potential"].iloc[0] == 1000.0
    assert ds.reports["clients"].rejected_by_reason == {
        "repeated client id (first record kept)": 1}
    assert ds.activities["done"].tolist() == [False]
    assert ds.activities["due"].tolist() == [pd.Timestamp("2024-01-05")]
    assert ds.surveys["score"].tolist() == [9.0]
    assert ds.reports["surveys"].rows_rejected == 1


def test_folder_without_transactions(tmp_path):
    write(tmp_path / "клиенты.csv", "Код;Наименование\nK1;А\n")
    with pytest.raises(rk.DataFileError, match=r"(?s)no transactions file.*\[files\]"):
        load(tmp_path)


def test_folder_with_two_candidate_files(tmp_path):
    write(tmp_path / "sales_2023.csv", "client,date,amount\nA,2024-01-01,1\n")
    write(tmp_path / "sales_2024.csv", "client,date,amount\nA,2024-01-01,1\n")
    with pytest.raises(rk.DataFileError, match=r"several files look like the transactions"):
        load(tmp_path)
    ds = load(tmp_path, {"files": {"transactions": "sales_2024.csv"}})
    assert len(ds.transactions) == 1


# --- errors -----------------------------------------------------------------------------------------------


def test_missing_column_error_names_everything(tmp_path):
    f = write(tmp_path / "t.csv", "Дата;Код клиентаа;Summa\n01.01.2024;A;1\n")
    with pytest.raises(rk.MissingColumnError) as info:
        load(f)
    msg = str(info.value)
    assert str(f) in msg and "`client_id` and `amount` columns" in msg
    assert "'Дата', 'Код клиентаа', 'Summa'" in msg                  # columns found
    assert "for `amount`: 'Summa'" in msg                             # suggestions
    assert "for `client_id`: 'Код клиентаа'" in msg
    assert ('[columns.transactions]\n    client_id = "Код клиентаа"\n    amount = "Summa"'
            in msg)                                                   # the config lines
    assert isinstance(info.value, ValueError)


def test_empty_file(tmp_path):
    with pytest.raises(rk.DataFileError, match=r"t\.csv: the file is empty"):
        load(write(tmp_path / "t.csv", ""))


def test_header_only(tmp_path):
    with pytest.raises(rk.DataFileError, match="header row but no data rows"):
        load(write(tmp_path / "t.csv", "client;date;amount\n"))


def test_no_date_parses(tmp_path):
    f = write(tmp_path / "t.csv", "client;date;amount\nA;soon;1\nB;later;2\n")
    with pytest.raises(rk.DataFileError, match=r"no value in the date column 'date'.*'soon'"):
        load(f)


def test_unknown_file_type(tmp_path):
    with pytest.raises(rk.DataFileError, match=r"unknown file type '\.doc'.*export it as \.csv"):
        load(write(tmp_path / "t.doc", "x"))


def test_broken_spreadsheet_is_an_input_error(tmp_path):
    with pytest.raises(rk.DataFileError, match=r"t\.xls: cannot open the spreadsheet.*save it "
                       r"again as \.xlsx"):
        load(write(tmp_path / "t.xls", "x"))


def test_config_mapping_to_absent_header(tmp_path):
    f = write(tmp_path / "t.csv", "client;date;Сумма\nA;01.01.2024;1\n")
    with pytest.raises(rk.ConfigError, match=r"amount = 'Summa'.*no such column.*'Сумма'"):
        load(f, {"columns": {"transactions": {"amount": "Summa"}}})


def test_cli_check_exit_codes(tmp_path, capsys):
    good = write(tmp_path / "t.csv", MESSY)
    assert cli_main(["check", str(good)]) == 0
    out = capsys.readouterr().out
    assert "rows read" in out and "10" in out and "unparseable date" in out
    bad = write(tmp_path / "bad.csv", "a;b\n1;2\n")
    assert cli_main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "needs `client_id`, `date` and `amount` columns" in err and "Traceback" not in err
    assert cli_main(["check", str(tmp_path / "missing.csv")]) == 2


def test_read_table_clients_only(tmp_path):
    f = write(tmp_path / "c.csv", "id;name;phone;created\n001;A;+7 912;01.01.2023\n")
    frame, report = read_table(f, "clients")
    assert frame.loc[0, "client_id"] == "001"
    assert frame.loc[0, "created"] == pd.Timestamp("2023-01-01")
    assert report.rows_kept == 1


# --- dates and amounts that exports get wrong -------------------------------------------------


def test_iso_date_times_with_a_zone_keep_their_local_day_and_time():
    """An offset is dropped, not applied, and never turns 2023-04-01 into 4 January."""
    got = parse_dates(pd.Series(["2023-04-01T17:02:00+03:00", "2023-04-01 17:02:00+03:00",
                                 "2023-04-01T17:02:00Z", "2023-04-20T23:30:00-04:00",
                                 "2023-04-01T17:02:00.250+0300", "2023-04-01T17:02"]))
    assert got.tolist() == [pd.Timestamp("2023-04-01 17:02"), pd.Timestamp("2023-04-01 17:02"),
                            pd.Timestamp("2023-04-01 17:02"), pd.Timestamp("2023-04-20 23:30"),
                            pd.Timestamp("2023-04-01 17:02:00.250"),
                            pd.Timestamp("2023-04-01 17:02")]


def test_slash_dates_take_one_order_per_column():
    """A US export (some days over 12) is read month first throughout; a Russian one (some
    first numbers over 12) day first; a date contradicting its column's order is unreadable,
    not read the other way round; with no evidence the configured order applies."""
    us = parse_dates(pd.Series(["07/01/2023", "03/25/2023", "12/31/2023", "01/02/2024",
                                "25/12/2023"]))
    assert us.tolist() == [pd.Timestamp("2023-07-01"), pd.Timestamp("2023-03-25"),
                           pd.Timestamp("2023-12-31"), pd.Timestamp("2024-01-02"), pd.NaT]
    ru = parse_dates(pd.Series(["07/01/2023", "25/03/2023", "01/02/2024"]))
    assert ru.tolist() == [pd.Timestamp("2023-01-07"), pd.Timestamp("2023-03-25"),
                           pd.Timestamp("2024-02-01")]
    ambiguous = ["03/04/2024", "05/06/2024"]
    assert parse_dates(pd.Series(ambiguous)).tolist() == [pd.Timestamp("2024-04-03"),
                                                          pd.Timestamp("2024-06-05")]
    assert parse_dates(pd.Series(ambiguous), dayfirst=False).tolist() == [
        pd.Timestamp("2024-03-04"), pd.Timestamp("2024-05-06")]


def test_placeholder_future_and_absurd_values_are_rejected_with_their_reason(tmp_path):
    """01.01.1900 (an empty Excel date), a year typed 2031 for 2021, and 1e308 (which would
    make every total infinite) are rejected, each with its own reason; the rest is kept."""
    future = (pd.Timestamp.today() + pd.Timedelta(days=400)).strftime("%d.%m.%Y")
    tomorrow = (pd.Timestamp.today() + pd.Timedelta(days=1)).strftime("%d.%m.%Y")
    f = write(tmp_path / "t.csv", "client;date;amount\n"
              "A;05.03.2024;100\nB;01.01.1900;50\nC;" + future + ";70\nD;06.03.2024;1e308\n"
              "E;07.03.2024;-1e15\nF;" + tomorrow + ";5\nG;31.12.1979;1\nH;01.01.1980;2\n")
    ds = load(f)
    rep = ds.reports["transactions"]
    assert sorted(ds.transactions["client_id"]) == ["A", "F", "H"]
    assert rep.rejected_by_reason == {"date before [load] earliest_date": 2,
                                      "date in the future": 1,
                                      "implausible amount (1e15 or more)": 2}
    assert rep.rows_kept + rep.rows_rejected == rep.rows_read == 8
    relaxed = load(f, {"load": {"earliest_date": "1899-01-01", "reject_future": False}})
    assert sorted(relaxed.transactions["client_id"]) == ["A", "B", "C", "F", "G", "H"]
    with pytest.raises(rk.ConfigError, match="earliest_date must be a date"):
        load(f, {"load": {"earliest_date": "someday"}})


def test_data_on_another_sheet_gets_the_sheet_option_in_the_message(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Свод"
    wb.active.append(["Менеджер", "Итого"])
    wb.active.append(["Петров", 100])
    sales = wb.create_sheet("Продажи")
    sales.append(["Клиент", "Дата", "Сумма"])
    sales.append(["A", "05.03.2024", 100])
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(rk.MissingColumnError,
                       match=r"(?s)another sheet.*'Продажи'.*sheet = \"Продажи\""):
        load(tmp_path / "book.xlsx")
    assert len(load(tmp_path / "book.xlsx", {"load": {"sheet": "Продажи"}}).transactions) == 1


def test_audit_as_of_before_the_data_is_an_input_error(tmp_path, capsys):
    f = write(tmp_path / "t.csv", "client;date;amount\nA;15.03.2024;1500\n")
    code = cli_main(["audit", str(f), "--as-of", "2024-01-31", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "before the first transaction (2024-03-15)" in capsys.readouterr().err


def test_a_repeated_header_is_reported_not_silently_dropped(tmp_path):
    f = write(tmp_path / "t.csv", "Клиент;Дата;Сумма;Сумма\nA;05.03.2024;100;7\n")
    ds = load(f)
    assert ds.transactions["amount"].tolist() == [100.0]
    notes = " ".join(ds.reports["transactions"].notes)
    assert "amount read from the first 'Сумма' column; 'Сумма (2)' ignored" in notes


def test_the_source_is_absolute_for_the_notebook_kernels(monkeypatch):
    """The README's `reportkit audit data/sample` gives a relative path; the kernels run in
    another folder, so the dataset keeps where its files are as an absolute path (the plan
    check finds plan.csv beside the sales through it)."""
    import reportkit as rk

    sample = rk.sample_path()
    monkeypatch.chdir(sample.parent)
    ds = rk.load(sample.name)
    assert ds.source.is_absolute() and ds.source == sample.resolve()
    assert (ds.source / "plan.csv").is_file()
