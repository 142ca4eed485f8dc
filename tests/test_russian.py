"""A Russian report has no English words left in it; an English one has no Russian words.

The issue: "every heading, label, category name and sentence of text comes from one translation
table; a Russian report has no English words left in it except proper names". The end-to-end
tests build :class:`reportkit.report.pipeline.Audit` on a small seeded base, render every section, strip
the markup and look for Latin (or Cyrillic) words. Proper names come from the data (client
names, managers, client ids, file names) and are removed first; the abbreviations a Russian
report may keep are listed in ``ALLOWED``. The unit tests below check the pieces on tiny
frames whose answers are written out by hand.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import reportkit.analysis.quality as Q
import reportkit.io.schema as S
import reportkit.report.text as T
from reportkit.report.pipeline import SECTIONS_AUDIT, SECTIONS_MONTHLY, Audit
from reportkit.errors import ParameterError
from reportkit.analysis.lifecycle import classify
from reportkit.report.words import lifecycle as lifecycle_words
from reportkit.report.words import quality as WQ
from reportkit.io.load import (BAD_AMOUNT, BAD_DATE, BAD_SCORE, DUPLICATE_ROW, EMPTY_ROW, MALFORMED,
                            MISSING_ID, REPEATED_HEADER, REPEATED_ID, TOTAL_ROW)
from reportkit.io.sample import make_base, write_base

NNBSP = "\u202f"

#: Latin words a Russian report may keep: abbreviations and names of methods
ALLOWED = frozenset({
    "ABC", "XYZ", "RFM", "VIP", "NPS", "BCG", "ROC", "AUC", "PR", "BG", "NBD", "CSV", "XLSX",
    "reportkit", "e-mail", "Excel", "CRM",
    "A", "B", "C", "X", "Y", "Z",                      # ABC and XYZ classes
    "AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ",  # cells of the ABC×XYZ matrix
    "R", "F", "M",                                     # the RFM scores
    "P",                                               # P(…): a probability, in a model name
})
SECTIONS = tuple(dict.fromkeys(SECTIONS_AUDIT + SECTIONS_MONTHLY))   # each section once
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")


def visible_text(fragment: str) -> str:
    """The text a reader sees: no tags, styles, scripts or embedded image data."""
    text = re.sub(r"<style.*?</style>|<script.*?</script>", " ", fragment, flags=re.S)
    text = re.sub(r'src="data:[^"]*"', "", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def proper_names(audit: Audit, files: dict) -> list[str]:
    """Names from the data, longest first (so a name is removed before its parts)."""
    # the files the report names (page one names the workbook its lists are in)
    names: set[str] = {Path(p).name for p in files.values()} | {"action_lists.xlsx", "docs/method.ru.md", "docs/method.md"}
    clients, tx = audit.dataset.clients, audit.dataset.transactions
    for frame in (clients, tx):
        # the data's own names: clients, managers, products, categories, channels, regions
        for column in (S.CLIENT_ID, S.NAME, S.MANAGER, "product", "category", "channel",
                       "region", "industry"):
            if frame is not None and column in frame.columns:
                names |= {str(v).strip() for v in frame[column].dropna()}
    return sorted((n for n in names if n), key=len, reverse=True)


def words(fragment: str, names: list[str], pattern: re.Pattern) -> set[str]:
    text = visible_text(fragment)
    for name in names:
        text = text.replace(name, " ")
    return set(pattern.findall(text))


def _build(tmp_path_factory, lang: str):
    """The audit of a small seeded base in ``lang``, every section rendered once, and the
    proper names of its data."""
    folder = tmp_path_factory.mktemp(f"base_{lang}")
    files = write_base(make_base(400, 3, random_state=3, lang=lang), folder, lang=lang)
    # two training cut-offs instead of six: the churn section is complete, the fit quick
    audit = Audit.build(folder, lang=lang, monthly=True, output_dir=folder / "out",
                        config={"churn": {"n_cutoffs": 2}})
    assert audit.results.scores() is not None and not audit.errors
    return audit, {s: audit.show(s) for s in SECTIONS}, proper_names(audit, files)


@pytest.fixture(scope="module")
def russian(tmp_path_factory):
    return _build(tmp_path_factory, "ru")


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return _build(tmp_path_factory, "en")


# ----------------------------------------------------------------------------------------------
# whole reports
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("section", SECTIONS)
def test_russian_sections_have_no_english_words(russian, section):
    _, shown, names = russian
    fragment = shown[section]
    assert fragment.startswith("<h2")
    assert CYRILLIC_WORD.search(visible_text(fragment))          # the section says something
    left = words(fragment, names, LATIN_WORD) - ALLOWED
    assert not left, f"English words in the Russian section {section!r}: {sorted(left)}"


def test_russian_report_shows_translated_tables(russian):
    """The sections the issue named: headers and category values in Russian."""
    audit, shown, _ = russian
    data, quality = visible_text(shown["data"]), visible_text(shown["quality"])
    for text in ("Раздел", "Показатель", "Исходные данные", "В отчёте", "Разница", "Проверка",
                 "сходится", "продажи (продажи.csv): прочитано строк"):
        assert text in data
    assert "/" not in data.split("Сверка с исходными данными")[1]   # file names, no folders
    for text in ("Совпадения", "Уверенность", "Оставить запись", "Группа полей", "деловые",
                 "средняя заполненность карточек"):
        assert text in quality
    xyz = visible_text(shown["xyz"])
    for text in ("Ответственный", "Встречи", "Звонки", "Что предлагать", "A · новые"):
        assert text in xyz
    dynamics = visible_text(shown["dynamics"])
    assert "База на начало" in dynamics and "Доля ушедших" in dynamics
    if audit.results.scores() is not None:
        churn = visible_text(shown["churn"])
        for text in ("Вероятность ухода", "Риск", "Выручка под угрозой", "Модель"):
            assert text in churn


def test_english_sections_have_no_russian_words(english):
    _, shown, names = english
    for section, fragment in shown.items():
        left = words(fragment, names, CYRILLIC_WORD)
        assert not left, f"Russian words in the English section {section!r}: {sorted(left)}"
    # …and the same tables read as English, not as column names
    text = visible_text(shown["abc"]) + visible_text(shown["dynamics"])
    assert "Share of clients" in text and "n_clients" not in text
    assert "Base at start" in text and "base_start" not in text


# ----------------------------------------------------------------------------------------------
# the translation table
# ----------------------------------------------------------------------------------------------
def latin_words(text: str) -> set[str]:
    return set(LATIN_WORD.findall(re.sub(r"\{[a-z_]+\}", " ", text))) - ALLOWED


def _flat(labels: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in labels.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


@pytest.mark.parametrize("module", ["report.text", "report.pipeline", "report.words.quality",
                                    "report.words.lifecycle", "report.words.dynamics",
                                    "report.words.segmentation"])
def test_russian_labels_have_no_english_words(module):
    import importlib

    mod = importlib.import_module(f"reportkit.{module}")
    ru = ({k: v["ru"] for k, v in mod.TEXT.items()} if module == "report.text"
          else _flat(mod.LABELS["ru"]))
    bad = {key: text for key, text in ru.items() if latin_words(text)}
    assert not bad


def test_every_schema_column_has_a_header():
    """Every output column name of reportkit.io.schema has a ``col.`` header in both languages.
    Three have none on purpose (test_text pins them as raw names in its fragment snapshot):
    ``churn_rate`` is shown through the ``dynamics.`` labels, ``vip`` and ``note`` are not
    shown in a report table."""
    columns = {v for k, v in vars(S).items() if k.isupper() and isinstance(v, str)
               and k not in ("TRANSACTIONS", "CLIENTS", "ACTIVITIES", "SURVEYS", "T_AGE")}
    columns -= {S.CHURN_RATE, S.VIP, S.NOTE}
    missing = sorted(c for c in columns if not T.has(f"col.{c}"))
    assert not missing
    assert T.t("dynamics.churn_rate", "ru") == "Доля ушедших"


def test_every_load_reason_is_translated():
    reasons = [MALFORMED, EMPTY_ROW, REPEATED_HEADER, TOTAL_ROW, MISSING_ID, BAD_DATE,
               BAD_AMOUNT, BAD_SCORE, DUPLICATE_ROW, REPEATED_ID]
    for reason in reasons:
        assert T.load_reason(reason, "en") == reason
        ru = T.load_reason(reason, "ru")
        assert ru != reason and not latin_words(ru), reason
    assert T.load_reason("unparseable date", "ru") == "нечитаемая дата"
    assert T.load_reason("a reason from the future", "ru") == "a reason from the future"


# ----------------------------------------------------------------------------------------------
# table_html: headers, category values, numbers in object columns, long text
# ----------------------------------------------------------------------------------------------
def test_table_html_translates_headers_and_values():
    df = pd.DataFrame({"section": ["rows", "revenue"], "check": ["ok", "mismatch"],
                       "n_clients": [1, 2], "churn_rate": [0.5, 0.25]})
    out = T.table_html(df, "ru", values={"section": "quality.section", "check": "quality.check"},
                       namespace="dynamics")
    assert ("<thead><tr><th>Раздел</th><th>Проверка</th><th class=\"rk-num\">Клиентов</th>"
            "<th class=\"rk-num\">Доля ушедших</th></tr>") in out
    assert "<td>строки</td><td>сходится</td>" in out
    assert "<td>выручка</td><td>расхождение</td>" in out
    # without a namespace the header of churn_rate stays its name (no col.churn_rate key)
    assert "<th class=\"rk-num\">churn_rate</th>" in T.table_html(df, "ru")


def test_table_html_numbers_in_an_object_column():
    """A reconciliation column holds counts and amounts side by side (object dtype)."""
    df = pd.DataFrame({"input": pd.Series([8011, 1234.5, None], dtype=object),
                       "item": ["a", "b", "c"]})
    out = T.table_html(df, "ru")
    assert f'<td class="rk-num">8{NNBSP}011</td>' in out
    assert f'<td class="rk-num">1{NNBSP}234,50</td>' in out
    assert f'<td class="rk-num">{T.MISSING}</td>' in out
    assert "<td>a</td>" in out


def test_table_html_right_alignment_and_long_text():
    df = pd.DataFrame({"shown": ["12,5 %", "3"], "why": ["short", "x" * 41]})
    out = T.table_html(df, "ru", align_right=["shown"])
    assert '<th class="rk-num">shown</th>' in out and '<td class="rk-num">12,5 %</td>' in out
    assert '<td class="rk-long">short</td>' in out and f'<td class="rk-long">{"x" * 41}</td>' in out
    assert "rk-long" not in T.table_html(df.assign(why=["short", "x" * 40]), "ru")


# ----------------------------------------------------------------------------------------------
# reportkit.analysis.quality in Russian (English stays the default: tests/test_quality.py)
# ----------------------------------------------------------------------------------------------
@pytest.fixture()
def tiny_load():
    tx = pd.DataFrame({"client_id": ["a", "a", "b"],
                       "date": pd.to_datetime(["2023-05-01", "2024-01-02", "2024-02-03"]),
                       "amount": [10.0, -2.5, 7.25]})
    rep = SimpleNamespace(rows_read=5, rows_kept=3, rows_rejected=2,
                          rejected_by_reason={"unparseable date": 2}, returns_count=1,
                          returns_amount=-2.5, total_amount=14.75,
                          file="/some/folder/продажи.csv")
    panel = pd.DataFrame({"client_id": ["a", "a", "b"],
                          "month": pd.to_datetime(["2023-05-01", "2024-01-01", "2024-02-01"]),
                          "revenue": [10.0, -2.5, 7.25]})
    return tx, rep, panel


def test_reconcile_in_russian(tiny_load):
    tx, rep, panel = tiny_load
    table = Q.reconcile({"transactions": rep}, tx, panel)
    ru, en = WQ.items_table(table, "ru"), WQ.items_table(table, "en")
    assert ru["item"].tolist() == [
        "продажи (продажи.csv): прочитано строк",
        "продажи: отклонено — нечитаемая дата",
        "продажи: отклонено строк = сумма по причинам",
        "продажи: прочитано = принято + отклонено",
        "продажи: принято строк = строк в используемой таблице",
        "возвраты (отрицательные суммы, учтены и взаимозачтены): строк",
        "сумма возвратов",
        "итоговая сумма за вычетом возвратов",
        "выручка за 2023 год", "выручка за 2024 год", "выручка за все годы",
        "клиентов в продажах",
        "клиентов в помесячной таблице = клиентов в продажах",
        "клиентов из продаж нет в помесячной таблице",
        "клиентов помесячной таблицы нет в продажах",
    ]
    assert en["item"].iloc[0] == "transactions (продажи.csv): rows read"   # name, no folder
    # the figures and codes do not depend on the language
    assert ru.drop(columns="item").equals(en.drop(columns="item"))
    assert ru["check"].tolist() == ["", "", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok",
                                    "ok", "", "ok", "ok", "ok"]


def test_duplicates_in_russian():
    clients = pd.DataFrame({
        "client_id": ["C1", "C2", "C3", "C4"],
        "name": ["ООО «Ромашка»", "Ромашка ООО", "Лютик", "Василёк"],
        "phone": ["8 916 123-45-67", None, "+7 (916) 123 45 67", "8 495 000-11-22"],
        "tax_id": [None, None, "123", None]})
    d = Q.find_duplicates(clients)
    pairs = d.pairs.assign(evidence=[WQ.evidence_text(e, "ru") for e in d.pairs["evidence"]])
    # C1 and C2: the same normalised name ("ромашка"); C1 and C3: the same phone
    assert pairs[["client_id_a", "client_id_b", "evidence", "confidence"]].values.tolist() == [
        ["C1", "C2", "название 100", "medium"], ["C1", "C3", "телефон", "high"]]
    assert WQ.invalid_tax_ids(d.invalid_tax_ids, "ru")["problem"].tolist() == [
        "не 10 и не 12 цифр"]
    summary = WQ.items_table(d.summary, "ru")
    items = dict(zip(summary["item"], summary["value"]))
    assert items["проверено записей о клиентах"] == 4
    assert items["групп дублей"] == 1 and items["лишних записей (объединить с основными)"] == 2
    shown = WQ.duplicates_list(d, "ru")
    actions = dict(zip(shown["client_id"], shown["action"]))
    survivor = d.clients["survivor"].iloc[0]
    assert actions[survivor] == "оставить"
    assert {a for c, a in actions.items() if c != survivor} == {f"объединить с {survivor}"}
    assert [WQ.evidence_text(e) for e in d.pairs["evidence"]] == ["name 100", "phone"]


def test_completeness_in_russian():
    # two cards: a phone on one, a region on one; no other field in the file
    clients = pd.DataFrame({"client_id": ["1", "2"], "name": ["Альфа", "Бета"],
                            "phone": ["89161234567", None], "region": ["Москва", None]})
    c = Q.completeness(clients)
    reason = WQ.reason_text(c, "ru")
    # card 1: business 1/4, contact 1/4, analytic 0/3, history 0/2 -> 0.125; card 2: 0
    assert c.verdict == "list_of_names"
    assert reason.startswith("средняя заполненность карточек 0,06 ниже 0,30: в карточках "
                               "почти ничего, кроме названий; чаще всего не заполнены: ")
    notes = dict(zip(c.fields["field"], WQ.fields_table(c, "ru")["note"]))
    assert notes["email"] == "в файле нет колонки «эл. почта»"
    assert notes["segment"] == "в файле нет колонок «VIP» и «ключевой клиент»"
    assert notes["activities"] == "журнал активностей не передан"
    assert notes["phone"] == "пусто на 50 % карточек"
    assert WQ.groups_table(c, "ru")["field"].tolist()[0] == (
        "отрасль, регион, размер компании, потенциал")
    assert c.groups["card_group"].tolist() == ["business", "contact", "analytic", "history"]
    assert not latin_words(reason) and not any(latin_words(n) for n in notes.values())
    flags = clients.assign(vip=[False, False], key_account=[False, False])
    unused = dict(zip(*WQ.fields_table(Q.completeness(flags), "ru")[["field", "note"]].T.values))
    assert unused["segment"].startswith("в колонках «VIP» и «ключевой клиент» не отмечен ни "
                                        "один клиент")


def test_lang_is_checked():
    one = pd.DataFrame({"client_id": ["1"]})
    with pytest.raises(ParameterError, match="`lang` must be 'en' or 'ru', got 'de'"):
        WQ.reason_text(Q.completeness(one), "de")
    with pytest.raises(ParameterError, match="`lang` must be 'en' or 'ru', got 'de'"):
        WQ.duplicates_list(Q.find_duplicates(one), "de")


# ----------------------------------------------------------------------------------------------
# lifecycle notes
# ----------------------------------------------------------------------------------------------
def test_lifecycle_notes_in_russian_have_no_english_words():
    snap = pd.DataFrame({
        "client_id": ["a", "b"], "as_of": pd.Timestamp("2024-06-30"),
        "first_order": pd.to_datetime(["2023-01-10", "2024-05-01"]),
        "last_order": pd.to_datetime(["2024-06-01", "2024-05-01"]),
        "recency_days": [29.0, 60.0], "orders_total": [12.0, 1.0],
        "interval_days": [45.0, float("nan")], "revenue_total": [5000.0, 100.0],
        "revenue_window": [3000.0, 100.0]})
    created = pd.to_datetime(["2023-01-01", "2024-01-01", "2024-07-15"])
    clients = pd.DataFrame({"client_id": ["a", "b", "c"], "created": created})
    notes = lifecycle_words.notes(classify(snap, clients), "ru")
    # no status, vip or key_account column; card "c" is created after the report date
    assert "Не учтено карточек, созданных после 30.06.2024: 1." in notes
    assert "Нет столбца с отметкой VIP: блок VIP пуст." in notes
    assert any(n.startswith("Нет столбца «ключевой клиент»") for n in notes)
    for note in notes:
        assert not latin_words(note), note
