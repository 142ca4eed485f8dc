"""The action lists as a client opens them (#15): the workbook for people (headers and category
values in the report's language, a codes sheet to read it back, ids and formula-like names as
text cells, rounded numbers, dates without a time), the CSV files for other systems (English
codes, quoted ids, the formula guard). Every file is read back the way others read it: openpyxl
and calamine (the Rust reader) for the workbook, the csv module for the CSV files."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from reportkit.report.export import with_client_names, write_action_lists
from reportkit.report.pipeline import Audit

#: the clients table the lists take their names from: an id with leading zeros, a name that
#: looks like a formula
CLIENTS = pd.DataFrame({
    "client_id": ["001893", "C2", "C3"],
    "name": ["=SUM(A1)", "ООО «Бета»", "Gamma; Ltd"],
})


def hand_made_lists() -> dict[str, pd.DataFrame]:
    """Lists shaped like the audit's, none of them with a client name of its own."""
    at_risk = pd.DataFrame({
        "client_id": ["001893", "C2"],
        "churn_probability": [0.2608695652173913, 0.5],
        "band": ["low", "medium"],
        "expected_revenue_12m": [12345.678, 99.4],
        "revenue_at_risk": [3220.61, 49.7],
        "interval_days": [84.6, 44.5],
        "expected_next_order": pd.to_datetime(["2026-02-22 14:24:00.000000000",
                                               "2025-08-27 10:17:08.571428568"]),
        "manager": ["Петров А.", "Иванова М."],
    })
    forgotten = pd.DataFrame({
        "client_id": ["C3"], "manager": ["Петров А."], "block": ["key"], "cell": ["AY"],
        "revenue_window": [1000000.49],
        "last_activity": pd.to_datetime(["2025-03-21 09:30"]),
        "days_without_contact": [285], "allowed_days": [30],
    })
    overdue = pd.DataFrame({
        "client_id": ["001893"], "manager": ["Петров А."], "type": ["Звонок"],
        "created": pd.to_datetime(["2023-01-06 15:55"]), "due": pd.to_datetime(["2023-01-06"]),
        "days_overdue": [1090],
    })
    segments = pd.DataFrame({
        "client_id": ["001893", "C2", "C3"],
        "rfm_segment": pd.Categorical(["champions", "at_risk", "champions"]),
        "bcg": ["star", "dog", "cash_cow"],
        "share_of_wallet": [0.924243, 0.004, 1.0],
        "block": pd.Categorical(["proven", "dead_lost", "key"]),
    })
    return {"at_risk": at_risk, "forgotten": forgotten, "overdue": overdue, "segments": segments}


HEADERS = {
    "en": {
        "at_risk": ["Client ID", "Client", "Churn probability", "Risk",
                    "Expected revenue, 12 months", "Revenue at risk", "Usual interval, days",
                    "Expected next order", "Manager"],
        "forgotten": ["Client ID", "Client", "Manager", "Lifecycle block", "ABC×XYZ cell",
                      "Revenue, 12 months", "Last activity", "Days without contact",
                      "Allowed days without contact"],
        "overdue": ["Client ID", "Client", "Manager", "Task type", "Task created", "Due",
                    "Days overdue"],
        "segments": ["Client ID", "Client", "RFM segment", "BCG class", "Share of wallet",
                     "Lifecycle block"],
    },
    "ru": {
        "at_risk": ["Код клиента", "Клиент", "Вероятность ухода", "Риск",
                    "Ожидаемая выручка за 12 месяцев", "Выручка под угрозой",
                    "Обычный интервал, дней", "Ожидаемый следующий заказ", "Менеджер"],
        "forgotten": ["Код клиента", "Клиент", "Менеджер", "Блок жизненного цикла",
                      "Ячейка ABC×XYZ", "Выручка за 12 месяцев", "Последняя активность",
                      "Дней без контакта", "Допустимо дней без контакта"],
        "overdue": ["Код клиента", "Клиент", "Менеджер", "Тип задачи", "Задача создана", "Срок",
                    "Дней просрочки"],
        "segments": ["Код клиента", "Клиент", "RFM-сегмент", "Класс БКГ", "Доля кошелька",
                     "Блок жизненного цикла"],
    },
}
CODES = {
    "at_risk": ["client_id", "name", "churn_probability", "band", "expected_revenue_12m",
                "revenue_at_risk", "interval_days", "expected_next_order", "manager"],
    "forgotten": ["client_id", "name", "manager", "block", "cell", "revenue_window",
                  "last_activity", "days_without_contact", "allowed_days"],
    "overdue": ["client_id", "name", "manager", "type", "created", "due", "days_overdue"],
    "segments": ["client_id", "name", "rfm_segment", "bcg", "share_of_wallet", "block"],
}
SHEETS = {
    "en": {"at_risk": "At risk", "forgotten": "Forgotten clients", "overdue": "Overdue tasks",
           "segments": "Segments", "codes": "Codes"},
    "ru": {"at_risk": "Под угрозой ухода", "forgotten": "Забытые клиенты",
           "overdue": "Просроченные задачи", "segments": "Сегменты", "codes": "Коды"},
}
#: the category words of the hand-made lists: (list, column, code) -> word, by language
WORDS = {
    "en": {("at_risk", "band", "low"): "low", ("at_risk", "band", "medium"): "medium",
           ("forgotten", "block", "key"): "Key", ("forgotten", "cell", "AY"): "AY",
           ("segments", "rfm_segment", "champions"): "Champions",
           ("segments", "rfm_segment", "at_risk"): "At risk",
           ("segments", "bcg", "star"): "Stars", ("segments", "bcg", "dog"): "Dogs",
           ("segments", "bcg", "cash_cow"): "Cash cows",
           ("segments", "block", "proven"): "Proven",
           ("segments", "block", "dead_lost"): "Dead, lost",
           ("segments", "block", "key"): "Key"},
    "ru": {("at_risk", "band", "low"): "низкий", ("at_risk", "band", "medium"): "средний",
           ("forgotten", "block", "key"): "Ключевые", ("forgotten", "cell", "AY"): "AY",
           ("segments", "rfm_segment", "champions"): "Чемпионы",
           ("segments", "rfm_segment", "at_risk"): "В зоне риска",
           ("segments", "bcg", "star"): "Звёзды", ("segments", "bcg", "dog"): "Собаки",
           ("segments", "bcg", "cash_cow"): "Дойные коровы",
           ("segments", "block", "proven"): "Проверенные",
           ("segments", "block", "dead_lost"): "Ушедшие безвозвратно",
           ("segments", "block", "key"): "Ключевые"},
}


@pytest.fixture(scope="module", params=["en", "ru"])
def written(request, tmp_path_factory) -> tuple[str, dict[str, Path]]:
    lang = request.param
    lists = with_client_names(hand_made_lists(), CLIENTS)
    return lang, write_action_lists(lists, tmp_path_factory.mktemp(f"lists_{lang}"), lang=lang)


def csv_rows(path: Path, lang: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(text.splitlines(), delimiter=";" if lang == "ru" else ","))


def sheet_xml(book: Path, index: int) -> str:
    with zipfile.ZipFile(book) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_workbook_headers_are_words_and_the_csv_headers_codes(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths["workbook"])
    assert book.sheetnames == list(SHEETS[lang].values())          # the codes sheet last
    fast = CalamineWorkbook.from_path(str(paths["workbook"]))
    for name, headers in HEADERS[lang].items():
        ws = book[SHEETS[lang][name]]
        assert [c.value for c in ws[1]] == headers, name
        assert fast.get_sheet_by_name(SHEETS[lang][name]).to_python()[0] == headers
        assert csv_rows(paths[name], lang)[0] == CODES[name]       # the same in ru


def test_every_list_with_a_client_names_it(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths["workbook"])
    names = dict(zip(CLIENTS["client_id"], CLIENTS["name"]))
    for name in CODES:
        rows = csv_rows(paths[name], lang)
        assert rows[0][:2] == ["client_id", "name"], name
        ws = book[SHEETS[lang][name]]
        for r, row in enumerate(rows[1:], start=2):
            # the CSV guards the formula-like name; the workbook shows it as it is
            assert row[1] == ("'" if names[row[0]].startswith("=") else "") + names[row[0]]
            assert ws.cell(row=r, column=2).value == names[row[0]]


def test_ids_are_text_and_a_formula_like_name_a_text_cell(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths["workbook"])
    ws = book[SHEETS[lang]["at_risk"]]
    assert ws["A2"].value == "001893" and ws["A2"].data_type == "s"
    assert ws["B2"].value == "=SUM(A1)" and ws["B2"].data_type == "s"   # not a formula
    # the file itself: the first sheet holds no formula at all, and no guard character
    xml = sheet_xml(paths["workbook"], 1)
    assert "<f>" not in xml and "<f " not in xml and "'=SUM" not in xml
    cell = re.search(r'<c r="B2"[^>]*>.*?</c>', xml).group(0)
    assert 't="inlineStr"' in cell and "<t>=SUM(A1)</t>" in cell      # a string, as it is
    fast = CalamineWorkbook.from_path(str(paths["workbook"]))
    row = fast.get_sheet_by_name(SHEETS[lang]["at_risk"]).to_python()[1]
    assert row[:2] == ["001893", "=SUM(A1)"]
    # the CSV: the id quoted (the raw line), the name guarded
    sep = ";" if lang == "ru" else ","
    line = paths["at_risk"].read_bytes().decode("utf-8-sig").split("\r\n")[1]
    assert line.startswith(f"\"001893\"{sep}'=SUM(A1){sep}")
    segments = paths["segments"].read_bytes().decode("utf-8-sig").split("\r\n")
    assert [s.split(sep)[0] for s in segments[1:4]] == ['"001893"', '"C2"', '"C3"']
    # a name with the separator in it is quoted as CSV quotes any text
    name = '"Gamma; Ltd"' if lang == "ru" else "Gamma; Ltd"
    assert segments[3].startswith(f'"C3"{sep}{name}{sep}')


def test_numbers_are_rounded_and_dates_are_days(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths["workbook"])
    ws = book[SHEETS[lang]["at_risk"]]
    date_format = "dd.mm.yyyy" if lang == "ru" else "yyyy-mm-dd"
    # 0.2608695652173913 -> 26 %: the cell holds 0.26 and shows it as a whole percent
    assert ws["C2"].value == 0.26 and ws["C2"].number_format == "0%"
    # money to the currency unit: 12,345.678 -> 12,346; 3,220.61 -> 3,221; 99.4 -> 99
    assert [ws["E2"].value, ws["F2"].value, ws["E3"].value] == [12346, 3221, 99]
    assert ws["E2"].number_format == "#,##0"
    assert [ws["G2"].value, ws["G3"].value] == [85, 45]            # whole days, halves up
    # the expected next order: the day, without its time of day
    assert ws["H2"].value == datetime.datetime(2026, 2, 22) and ws["H2"].is_date
    assert ws["H2"].number_format == date_format
    fast = CalamineWorkbook.from_path(str(paths["workbook"])).get_sheet_by_name(
        SHEETS[lang]["at_risk"]).to_python()
    assert fast[1][2] == 0.26 and fast[1][4:7] == [12346, 3221, 85]
    assert fast[1][7] == datetime.date(2026, 2, 22) and fast[2][7] == datetime.date(2025, 8, 27)
    rows = csv_rows(paths["at_risk"], lang)
    comma = (lambda s: s.replace(".", ",")) if lang == "ru" else (lambda s: s)
    assert rows[1][2:8] == [comma("0.26"), "low", "12346", "3221", "85", "2026-02-22"]
    assert rows[2][2:8] == [comma("0.5"), "medium", "99", "50", "45", "2025-08-27"]
    forgotten = csv_rows(paths["forgotten"], lang)
    assert forgotten[1][5:7] == ["1000000", "2025-03-21"]
    overdue = csv_rows(paths["overdue"], lang)
    assert overdue[1][4:6] == ["2023-01-06", "2023-01-06"]
    seg = book[SHEETS[lang]["segments"]]
    assert [seg.cell(row=r, column=5).value for r in (2, 3, 4)] == [0.92, 0.0, 1.0]
    assert seg["E2"].number_format == "0%"


def test_category_values_are_words_in_the_workbook_and_codes_in_the_csv(written):
    lang, paths = written
    book = openpyxl.load_workbook(paths["workbook"])
    for (name, column, code), word in WORDS[lang].items():
        col = CODES[name].index(column)
        rows = csv_rows(paths[name], lang)
        at = [r for r, row in enumerate(rows[1:], start=2) if row[col] == code]
        assert at, (name, column, code)
        ws = book[SHEETS[lang][name]]
        assert {ws.cell(row=r, column=col + 1).value for r in at} == {word}


def test_the_codes_sheet_maps_the_workbook_back_to_the_codes(written):
    lang, paths = written
    fast = CalamineWorkbook.from_path(str(paths["workbook"]))
    rows = fast.get_sheet_by_name(SHEETS[lang]["codes"]).to_python()
    head = {"en": ["Sheet", "List", "Header", "Column code", "Value", "Value code"],
            "ru": ["Лист", "Список", "Заголовок", "Код столбца", "Значение", "Код значения"]}
    assert rows[0] == head[lang]
    body = [tuple(r) for r in rows[1:]]
    for name, codes in CODES.items():
        title = SHEETS[lang][name]
        columns = [(h, c) for t, n, h, c, v, code in body if t == title and v == ""]
        assert columns == list(zip(HEADERS[lang][name], codes))
        assert all(n == name for t, n, *_ in body if t == title)
    values = {(n, c, code): v for t, n, h, c, v, code in body if v != ""}
    assert values == WORDS[lang]
    # read back through the codes sheet, the workbook is the CSV: ids, names' text, codes
    for name, codes in CODES.items():
        sheet = fast.get_sheet_by_name(SHEETS[lang][name]).to_python()
        to_code = {h: c for t, n, h, c, v, code in body if t == SHEETS[lang][name] and v == ""}
        assert [to_code[h] for h in sheet[0]] == codes
        back = {(c, v): code for (n, c, code), v in values.items() if n == name}
        rows = csv_rows(paths[name], lang)
        for column in ("client_id", "block", "band", "rfm_segment", "bcg", "cell"):
            if column in codes:
                i = codes.index(column)
                got = [back.get((column, row[i]), row[i]) for row in sheet[1:]]
                assert got == [row[i] for row in rows[1:]], (name, column)


# ----------------------------------------------------------------------------------------------
# the sample base through the audit: every list that has a client names it (masked with mask)
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_audit() -> Audit:
    return Audit.build(lang="ru", churn=True)


def test_the_audits_lists_name_every_client(sample_audit, tmp_path):
    lists = sample_audit.action_lists()
    assert {"forgotten", "overdue", "at_risk", "segments"} <= set(lists)
    clients = sample_audit.dataset.clients.drop_duplicates("client_id").set_index("client_id")
    for name, frame in lists.items():
        at = list(frame.columns).index("client_id")
        assert frame.columns[at + 1] == "name", name              # the name beside the id
        real = clients["name"].reindex(frame["client_id"])
        if name != "duplicates":   # the duplicates list names each record as it was found
            assert frame["name"].fillna("").tolist() == real.fillna("").tolist(), name
    paths = write_action_lists(lists, tmp_path, lang="ru")
    book = CalamineWorkbook.from_path(str(paths["workbook"]))
    titles = {"at_risk": "Под угрозой ухода", "reactivation": "Реактивация", "duplicates": "Дубли",
              "forgotten": "Забытые клиенты", "overdue": "Просроченные задачи",
              "detractors_a": "Критики среди A", "segments": "Сегменты"}
    for name, title in titles.items():
        sheet = book.get_sheet_by_name(title).to_python()
        at = sheet[0].index("Код клиента")
        assert sheet[0][at + 1] == "Клиент", name
        assert all(isinstance(row[at], str) and row[at] for row in sheet[1:]), name
    seg = book.get_sheet_by_name("Сегменты").to_python()
    assert "001893" in [row[0] for row in seg]                # the sample's id with zeros
    first = paths["segments"].read_bytes().decode("utf-8-sig").split("\r\n")[1]
    assert re.match(r'"[^";]+";', first)                      # the id quoted


def test_masked_lists_name_clients_by_pseudonym(sample_audit, monkeypatch):
    monkeypatch.setenv("REPORTKIT_MASK_KEY", "a key of the test")
    masked = dataclasses.replace(sample_audit, mask=True).action_lists()
    plain = sample_audit.action_lists()
    for name in ("forgotten", "overdue"):
        shown, real = masked[name], plain[name]
        assert len(shown) == len(real) and list(shown.columns) == list(real.columns)
        assert shown["name"].dropna().str.fullmatch(r"Клиент [0-9A-F]{8}").all(), name
        assert shown["client_id"].str.fullmatch(r"К-[0-9A-F]{8}").all(), name
        # the same client: its name's code is its id's code
        named = shown[shown["name"].notna()]
        assert len(named) and (named["name"].str[-8:] == named["client_id"].str[-8:]).all()
        assert not set(shown["name"].dropna()) & set(real["name"].dropna())
