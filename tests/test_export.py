"""reportkit.report.export: action lists as CSV (en/ru) and one XLSX workbook."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from reportkit.errors import ParameterError
from reportkit.report.export import neutralise, write_action_lists

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3", "@SUM(A1)", "\tTab", "\rCR"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "client_id": ["007", "C2", "C3"],
        "name": ["Alpha; \"quoted\"", "Бета, запятая", None],
        "revenue": [1234567.25, -250.5, np.nan],
        "orders": [3, 0, 12],
        "share": [0.25, 0.5, 0.125],
        "last_order": pd.to_datetime(["2024-02-29", "2023-12-31", None]),
        "vip": [True, False, True],
    })


def test_neutralise():
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    assert neutralise("Alpha") == "Alpha" and neutralise(-3) == -3 and neutralise(None) is None
    assert neutralise("a=b") == "a=b"


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    """``frame()`` as both files hold it: money to the unit (halves away from zero: -250.5 is
    -251), shares to whole percents (0.125 is 0.13)."""
    return df.assign(revenue=[1234567.0, -251.0, np.nan], share=[0.25, 0.5, 0.13])


def test_csv_round_trip_en(tmp_path):
    df = frame()
    paths = write_action_lists({"reactivation": df}, tmp_path, lang="en")
    raw = paths["reactivation"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "client_id,name,revenue,orders,share,last_order,vip"
    assert lines[1] == '"007","Alpha; ""quoted""",1234567,3,0.25,2024-02-29,True'
    assert lines[3] == '"C3",,,12,0.13,,True'
    back = pd.read_csv(paths["reactivation"], encoding="utf-8-sig", dtype={"client_id": str},
                       parse_dates=["last_order"])
    pd.testing.assert_frame_equal(back, rounded(df), check_dtype=False)
    assert back["orders"].dtype == np.int64 and back["vip"].dtype == bool


def test_csv_ru_uses_semicolons_and_decimal_commas(tmp_path):
    df = frame()
    paths = write_action_lists({"reactivation": df}, tmp_path, lang="ru")
    lines = paths["reactivation"].read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0] == "client_id;name;revenue;orders;share;last_order;vip"
    assert lines[1] == '"007";"Alpha; ""quoted""";1234567;3;0,25;2024-02-29;True'
    assert lines[2] == '"C2";Бета, запятая;-251;0;0,5;2023-12-31;False'
    back = pd.read_csv(paths["reactivation"], encoding="utf-8-sig", sep=";", decimal=",",
                       dtype={"client_id": str}, parse_dates=["last_order"])
    pd.testing.assert_frame_equal(back, rounded(df), check_dtype=False)


def test_xlsx_round_trip_and_formats(tmp_path):
    df = frame()
    other = pd.DataFrame({"client_id": ["9"], "potential": [10.0]})
    paths = write_action_lists({"reactivation": df, "unknown_list": other}, tmp_path,
                               lang="ru")
    assert set(paths) == {"reactivation", "unknown_list", "workbook"}
    assert paths["workbook"].name == "action_lists.xlsx"
    assert json.loads((tmp_path / "action_lists.json").read_text(encoding="utf-8")) == {
        "reactivation": "reactivation.csv", "unknown_list": "unknown_list.csv",
        "workbook": "action_lists.xlsx"}
    back = pd.read_excel(paths["workbook"], sheet_name=None, dtype={"Код клиента": str})
    assert list(back) == ["Реактивация", "unknown_list", "Коды"]
    # the headers are words of the report's language (a column without one keeps its code)
    headers = ["Код клиента", "Клиент", "Выручка", "Заказы", "Доля", "Последний заказ", "vip"]
    expected = rounded(df).set_axis(headers, axis=1)
    pd.testing.assert_frame_equal(back["Реактивация"], expected, check_dtype=False)
    got = back["Реактивация"]
    assert got["Заказы"].dtype == np.int64 and got["vip"].dtype == bool
    assert pd.api.types.is_datetime64_any_dtype(got["Последний заказ"])
    codes = back["Коды"]
    assert codes.columns.tolist() == ["Лист", "Список", "Заголовок", "Код столбца", "Значение",
                                      "Код значения"]
    mine = codes[codes["Лист"] == "Реактивация"]
    assert mine["Заголовок"].tolist() == headers
    assert mine["Код столбца"].tolist() == list(df.columns)

    wb = load_workbook(paths["workbook"])
    ws = wb["Реактивация"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == headers and ws["A1"].font.bold
    assert ws["A2"].value == "007" and ws["A2"].data_type == "s"
    assert ws["C2"].value == 1234567 and ws["C2"].number_format == "#,##0"
    assert ws["C3"].value == -251 and ws["C3"].data_type == "n"
    assert ws["C4"].value is None
    assert ws["D2"].number_format == "#,##0"
    assert ws["E2"].value == 0.25 and ws["E2"].number_format == "0%"
    assert ws["F2"].is_date and ws["F2"].number_format == "dd.mm.yyyy"
    assert ws.column_dimensions["A"].width >= 8 and ws.column_dimensions["B"].width >= 16
    en = write_action_lists({"reactivation": df}, tmp_path / "en", lang="en")
    ws_en = load_workbook(en["workbook"])["Reactivation"]
    assert ws_en["F2"].number_format == "yyyy-mm-dd"


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    """The CSV guards formula-like text with a leading '; the workbook needs no guard: such
    text is a text cell, shown as it is and never computed."""
    df = pd.DataFrame({"name": HOSTILE, "amount": [-1.25, -2.0, -3.0, 4.0, 5.0, 6.0],
                       "code": ["-3", "x", "y", "z", "w", "v"]})
    paths = write_action_lists({"duplicates": df}, tmp_path, lang="en")
    back = pd.read_csv(paths["duplicates"], encoding="utf-8-sig", dtype={"code": str},
                       keep_default_na=False)
    assert back["name"].tolist() == ["'" + v for v in HOSTILE]
    assert back["amount"].tolist() == [-1, -2, -3, 4, 5, 6]    # money, to the unit
    assert back["code"][0] == "'-3"
    ws = load_workbook(paths["workbook"])["Duplicates"]
    names = [ws.cell(row=r, column=1) for r in range(2, 8)]
    # (XML turns a stored carriage return into a line feed when the file is read)
    assert [c.value for c in names] == [v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" for c in names)  # text, never a formula
    assert ws.cell(row=2, column=3).value == "-3" and ws.cell(row=2, column=3).data_type == "s"
    assert [ws.cell(row=r, column=2).value for r in range(2, 5)] == [-1, -2, -3]
    assert all(ws.cell(row=r, column=2).data_type == "n" for r in range(2, 8))
    assert df["name"].tolist() == HOSTILE  # the input is not modified


def test_index_and_sheet_names(tmp_path):
    df = pd.DataFrame({"revenue": [1.0]}, index=pd.Index(["C1"], name="client_id"))
    long = "a" * 40
    paths = write_action_lists({"at_risk": df, long: df, "a" * 41: df}, tmp_path)
    back = pd.read_csv(paths["at_risk"], encoding="utf-8-sig")
    assert back.columns.tolist() == ["client_id", "revenue"]
    wb = load_workbook(paths["workbook"])
    assert wb.sheetnames == ["At risk", "a" * 31, "a" * 27 + " (2)", "Codes"]


def test_errors(tmp_path):
    df = pd.DataFrame({"x": [1]})
    with pytest.raises(ParameterError, match="the name of an action list` must be letters"):
        write_action_lists({"../evil": df}, tmp_path)
    with pytest.raises(ParameterError, match="and not 'workbook'"):
        write_action_lists({"workbook": df}, tmp_path)
    with pytest.raises(ParameterError, match=r"`lists\['a'\]` must be a pandas DataFrame"):
        write_action_lists({"a": [1]}, tmp_path)
    with pytest.raises(ParameterError, match="`lang` must be one of"):
        write_action_lists({"a": df}, tmp_path, lang="de")
    assert write_action_lists({}, tmp_path / "empty") == {}


def test_a_long_list_is_cut_in_the_workbook_and_whole_in_its_csv(tmp_path, monkeypatch):
    """The workbook is for people: a list longer than XLSX_MAX_ROWS shows its first rows and a
    notes sheet says where the rest is; the CSV keeps every row."""
    import openpyxl

    import reportkit.report.export as E

    monkeypatch.setattr(E, "XLSX_MAX_ROWS", 10)
    df = pd.DataFrame({"client_id": [f"{i:03d}" for i in range(25)], "revenue": range(25)})
    paths = E.write_action_lists({"segments": df, "reactivation": df.head(4)}, tmp_path,
                                 lang="ru")
    wb = openpyxl.load_workbook(paths["workbook"], read_only=True)
    assert wb.sheetnames == ["Сегменты", "Реактивация", "Коды", "Примечания"]
    seg = [r for r in wb["Сегменты"].iter_rows(values_only=True)]
    assert len(seg) == 11 and seg[-1][0] == "009"
    assert len(list(wb["Реактивация"].iter_rows(values_only=True))) == 5
    notes = [r[0] for r in wb["Примечания"].iter_rows(values_only=True)]
    assert notes == ["На листе «Сегменты» первые 10 из 25 строк (список упорядочен, важнейшие "
                     "сверху); все строки — в файле segments.csv."]
    back = pd.read_csv(paths["segments"], sep=";", encoding="utf-8-sig", dtype=str)
    assert len(back) == 25
