"""reportkit.report.text: the translation table, number formats and the report's table renderer."""

from __future__ import annotations

import importlib
import re
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd
import pytest

import reportkit.report.text as T
from reportkit.errors import ParameterError, ReportkitError

NNBSP = "\u202f"
MINUS = "\u2212"


@pytest.fixture(autouse=True)
def _clean_registry():
    """register() changes module state: restore it after each test."""
    saved, loaded = dict(T._REGISTERED), set(T._LOADED_PROVIDERS)
    yield
    T._REGISTERED.clear()
    T._REGISTERED.update(saved)
    T._LOADED_PROVIDERS.clear()
    T._LOADED_PROVIDERS.update(loaded)


# ----------------------------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------------------------
def test_every_key_has_both_languages_and_the_same_placeholders():
    assert len(T.TEXT) > 50
    for key, entry in T.TEXT.items():
        assert re.fullmatch(r"[a-z_]+\.[A-Za-z0-9_.]+", key), key
        assert set(entry) == {"en", "ru"}, key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        assert T.placeholders(entry["en"]) == T.placeholders(entry["ru"]), key
        if key not in ("block.vip", "col.abc", "col.xyz", "col.abcxyz"):
            assert entry["en"] != entry["ru"], f"{key} is not translated"


def test_t_fills_placeholders_and_explains_mistakes():
    assert T.t("report.contents") == "Contents"
    assert T.t("report.contents", "ru") == "Содержание"
    assert T.t("mask.client", "ru", code="AB12") == "Клиент AB12"
    with pytest.raises(ReportkitError, match=r"needs the value of \{code\}"):
        T.t("mask.client", "en")
    with pytest.raises(ReportkitError, match="Did you mean 'report.contents'"):
        T.t("report.content", "en")
    with pytest.raises(ParameterError, match='`lang` must be one of "en", "ru", got \'de\''):
        T.t("report.contents", "de")


def test_register_accepts_both_shapes_and_guards_conflicts():
    assert T.register({"en": {"a": "A {n}", "grp": {"b": "B"}},
                       "ru": {"a": "А {n}", "grp": {"b": "Б"}}}, namespace="t1") == 2
    assert T.t("t1.a", "ru", n=3) == "А 3" and T.t("t1.grp.b", "en") == "B"
    assert T.register({"c": {"en": "C", "ru": "Ц"}}, namespace="t1") == 1
    assert T.register({"c": {"en": "C", "ru": "Ц"}}, namespace="t1") == 0  # same text: no-op
    with pytest.raises(ReportkitError, match="already registered"):
        T.register({"c": {"en": "C2", "ru": "Ц2"}}, namespace="t1")
    assert T.register({"c": {"en": "C2", "ru": "Ц2"}}, namespace="t1", overwrite=True) == 1
    assert T.t("t1.c", "en") == "C2"
    with pytest.raises(ReportkitError, match="built into reportkit.report.text.TEXT"):
        T.register({"report.contents": {"en": "X", "ru": "Y"}}, overwrite=True)
    with pytest.raises(ReportkitError, match="placeholders"):
        T.register({"d": {"en": "{n} items", "ru": "штук"}}, namespace="t1")
    with pytest.raises(ReportkitError, match="not given in both languages"):
        T.register({"en": {"e": "E", "f": "F"}, "ru": {"e": "Е"}}, namespace="t1")
    with pytest.raises(ReportkitError, match="no 'ru' dict"):
        T.register({"en": {"e": "E"}}, namespace="t1")
    assert not T.has("t1.d")


def test_provider_labels_are_merged_lazily():
    """Every analysis module with a LABELS dict is reachable as t("<module>.<key>")."""
    T._LOADED_PROVIDERS.clear()
    for namespace, module_name in T.PROVIDERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # not written yet
        labels = getattr(module, "LABELS", None)
        if not labels:
            continue
        for key, entry in T._normalise(labels, namespace).items():
            assert T.has(f"{namespace}.{key}"), (namespace, key)
            for lang in T.LANGS:
                assert T._lookup(f"{namespace}.{key}")[lang] == entry[lang]
    T.register({"en": {"x": "X"}, "ru": {"x": "Х"}}, namespace="t2")
    assert "t2.x" in T.keys() and "report.contents" in T.keys()


def test_label_translates_categories_and_passes_unknown_values_through():
    assert T.label("dead_reanimatable", "ru", "block") == "Ушедшие, можно вернуть"
    assert T.label("AX-new", "en", "block") == "AX-new"
    assert T.label(None, "en", "block") == T.MISSING


# ----------------------------------------------------------------------------------------------
# number formats: hand-worked values and a slow reference implementation
# ----------------------------------------------------------------------------------------------
def test_formats_by_hand():
    assert T.fmt_int(1234567) == "1,234,567"
    assert T.fmt_int(1234567, "ru") == f"1{NNBSP}234{NNBSP}567"
    assert T.fmt_int(-1000, "ru") == f"{MINUS}1{NNBSP}000"
    assert T.fmt_int(999) == "999" and T.fmt_int(0) == "0"
    assert T.fmt_number(1234.5678, "ru") == f"1{NNBSP}234,57"
    assert T.fmt_number(-0.004) == "0.00"  # rounds to zero: no minus sign
    assert T.fmt_money(1234.5, "ru", decimals=2) == f"1{NNBSP}234,50"
    assert T.fmt_money(1234.5, "en", currency="$") == "1,234\u00a0$"  # half to even
    assert T.fmt_money(float("nan")) == T.MISSING and T.fmt_int(None) == T.MISSING
    assert T.fmt_money(pd.NA) == T.MISSING
    assert T.fmt_money(float("-inf")) == f"{MINUS}∞"
    assert T.fmt_pct(0.5, "ru") == f"50,0{NNBSP}%"
    assert T.fmt_pct(0.12345, "en", decimals=2) == "12.35%"
    assert T.fmt_pct(-0.031) == f"{MINUS}3.1%"
    assert T.fmt_date(pd.Timestamp("2024-02-29"), "ru") == "29.02.2024"
    assert T.fmt_date("2024-02-29 13:05", "en") == "2024-02-29 13:05"
    assert T.fmt_date(pd.NaT) == T.MISSING
    assert T.fmt_period("2024-02", "ru") == "02.2024"
    with pytest.raises(ReportkitError, match="cannot format 'abc' as money"):
        T.fmt_money("abc")
    with pytest.raises(ParameterError, match="`decimals` must be an integer from 0 to 12"):
        T.fmt_number(1.0, decimals=-1)


def _reference(value: float, decimals: int, sep: str, point: str) -> str:
    """Slow, obvious: exact decimal value, round half to even, group digits by hand."""
    q = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    negative = q < 0 and q != 0
    digits = format(abs(q), "f")
    whole, _, frac = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sep.join(groups) + (point + frac if decimals else "")
    return (MINUS if negative else "") + text


def test_number_format_matches_reference_on_random_values():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(0, 1e6, 300), rng.normal(0, 10, 100),
                             rng.integers(-10**12, 10**12, 100).astype(float), [0.0, -0.0]])
    for v in values:
        for d in (0, 1, 2, 3):
            assert T.fmt_number(v, "en", decimals=d) == _reference(v, d, ",", "."), (v, d)
            assert T.fmt_number(v, "ru", decimals=d) == _reference(v, d, NNBSP, ","), (v, d)


# ----------------------------------------------------------------------------------------------
# column kinds and table_html
# ----------------------------------------------------------------------------------------------
def test_column_kind():
    assert T.column_kind("client_id", pd.Series(["1"])) == "id"
    assert T.column_kind("amount", pd.Series([1.0])) == "money"
    assert T.column_kind("margin_total", pd.Series([1.0])) == "money"
    assert T.column_kind("revenue_share", pd.Series([0.1])) == "pct"  # a share of revenue
    assert T.column_kind("churn_rate_12m", pd.Series([0.1])) == "pct"
    assert T.column_kind("revenue_at_risk", pd.Series([0.1])) == "money"
    assert T.column_kind("shareholder", pd.Series([0.1])) == "number"
    assert T.column_kind("client_share", pd.Series([0.1])) == "pct"
    assert T.column_kind("probability", pd.Series([0.1])) == "pct"
    assert T.column_kind("cv", pd.Series([0.1])) == "number"
    assert T.column_kind("orders", pd.Series([1])) == "int"
    assert T.column_kind("vip", pd.Series([True])) == "flag"
    assert T.column_kind("date", pd.to_datetime(pd.Series(["2024-01-01"]))) == "date"
    assert T.column_kind("at", pd.to_datetime(pd.Series(["2024-01-01 10:00"]))) == "datetime"
    assert T.column_kind("name", pd.Series(["x"])) == "text"
    assert T.column_kind("x", pd.Series([1.0]), {"x": "pct"}) == "pct"
    with pytest.raises(ParameterError, match=r"`kinds\['x'\]` must be one of"):
        T.column_kind("x", pd.Series([1.0]), {"x": "percent"})


def test_table_html_fragment():
    df = pd.DataFrame({"client_id": ["007"], "name": ["<script>alert(1)</script>"],
                       "block": ["dead_lost"], "revenue": [1234567.6], "orders": [3],
                       "churn_rate": [0.25], "last_order": pd.to_datetime(["2024-02-29"]),
                       "vip": [True], "note": [None], "<b>": ["x"]})
    out = T.table_html(df, "ru", values={"block": "block"})
    assert isinstance(out, T.Html) and out._repr_html_() == str(out)
    assert out == (
        '<table class="rk-table rk-wide"><thead><tr><th>Код клиента</th><th>Клиент</th>'
        '<th>Блок жизненного цикла</th><th class="rk-num">Выручка</th>'
        '<th class="rk-num">Заказы</th><th class="rk-num">churn_rate</th>'
        '<th>Последний заказ</th><th>vip</th><th>note</th><th>&lt;b&gt;</th></tr>\n'
        '</thead><tbody><tr><td>007</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>'
        '<td>Ушедшие безвозвратно</td>'
        f'<td class="rk-num">1{NNBSP}234{NNBSP}568</td><td class="rk-num">3</td>'
        f'<td class="rk-num">25,0{NNBSP}%</td><td>29.02.2024</td><td>да</td>'
        f'<td>{T.MISSING}</td><td>x</td></tr>\n</tbody></table>')


def test_table_html_options():
    df = pd.DataFrame({"revenue": [1.0, 2.0, 3.0]}, index=pd.Index(["a", "b", "c"], name="k"))
    out = T.table_html(df, "en", max_rows=2, labels={"revenue": "R & D"}, caption="Top <2>",
                       decimals={"revenue": 2})
    assert "<caption>Top &lt;2&gt;</caption>" in out
    assert "<th>k</th>" in out and '<th class="rk-num">R &amp; D</th>' in out
    assert out.count("<tr>") == 3 and '<td class="rk-num">2.00</td>' in out
    assert "3.00" not in out and '<p class="rk-note">First 2 of 3 rows.</p>' in out
    assert "<th>k</th>" not in T.table_html(df, "en", index=False)
    assert "<tbody></tbody>" in T.table_html(df.iloc[:0], "en")
    with pytest.raises(ReportkitError, match="needs a pandas DataFrame"):
        T.table_html([1, 2], "en")


def test_kpi_kind():
    assert T.kpi_kind("clients", 12.0) == "int"
    assert T.kpi_kind("revenue", 12.0) == "money"
    assert T.kpi_kind("churn_rate", 0.1) == "pct"
    assert T.kpi_kind("cv", 0.5) == "number"
