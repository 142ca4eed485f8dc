"""The report's "Method" appendix and docs/method.md: the figures are those of the config used,
the words exist in both languages, no code name reaches the reader, the docs' defaults are the
code's."""

from __future__ import annotations

import html
import re
import sys
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import reportkit.report.text as T
from reportkit.io.config import Config, with_overrides
from reportkit.report.pipeline import Audit
from reportkit.report.sections import method
from reportkit.report.words.method import LABELS, TOPICS, say

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DOCS = Path(__file__).resolve().parents[1] / "docs"
NNBSP = "\u202f"
AS_OF = pd.Timestamp("2025-06-30")
#: a lower-case word joined by underscores: how the code names things, never the reader
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")

#: every figure of the appendix moved off its default
CHANGED = {
    "segmentation": {
        "abc_cutoffs": [0.7, 0.9],
        "xyz_cutoffs": [0.4, 1.5],
        "min_tenure_months": 4,
        "rfm_bins": 4,
        "bcg_growth": 0.1,
        "size_cutoffs": [0.75, 0.9],
    },
    "lifecycle": {
        "regular_orders": 4,
        "proven_orders": 12,
        "proven_tenure_months": 18,
        "dead_days": 300,
        "dead_interval_multiple": 2.5,
        "reanimatable_min_orders": 3,
    },
    "churn": {"horizon_days": 60, "n_cutoffs": 4, "min_clients": 1500},
    "quality": {
        "group_filled_share": 0.4,
        "client_base_score": 0.65,
        "client_base_contact_share": 0.45,
        "list_of_names_score": 0.25,
        "name_similarity": 88.5,
        "shared_key_limit": 7,
    },
    "report": {"window_months": 18, "period": "quarter"},
}
#: the other branches of the sentences: margin, fixed RFM thresholds for one score, best
#: 12 months, no derived key clients, a contact policy file
BRANCHES = {
    "segmentation": {
        "abc_by": "margin",
        "rfm_frequency": [1, 2, 4, 8],
        "size_by": "best12_revenue",
        "contact_policy": "policy.csv",
    },
    "lifecycle": {"derive_key": False},
}


def rendered(config: Config, lang: str) -> str:
    """The appendix's visible text (tags dropped, entities decoded) for a stand-in audit."""
    out = method.render(SimpleNamespace(config=config, lang=lang, as_of=AS_OF))
    return html.unescape(re.sub(r"<[^>]+>", " ", out))


def squeeze(text: str) -> str:
    """Runs of spaces and line breaks as one space (the no-break spaces of numbers kept)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


# --- the figures of the config used -----------------------------------------------------------
def test_default_figures_in_english():
    text = squeeze(rendered(Config(), "en"))
    for part in (
        "The report date is 2025-06-30",
        "over the 12 months ending with its month",
        "class A are those making up the first 80% of it, B the next ones up to 95%",
        "X below 0.5, Y below 1, Z from 1",
        "less than 3 months before the report date",
        "scored from 1 to 5 by quantiles of the base",
        "a client grows above 0%",
        "the first 80% of revenue over the window, medium the next ones up to 95%",
        "working (fewer than 3 orders)",
        "proven (10 orders or more and 12 months or more since the first)",
        "flagged on the card, or else proven class A clients",
        "max(365 days, 3 × the client’s usual interval between orders)",
        "won back with 2 orders or more",
        "The base at a month end",
        "no order within 90 days after a month end",
        "(up to 6 for training)",
        "low below 30%, medium from 30%, high from 60%",
        "fewer than 200 living clients",
        "at least 50% of its fields",
        "at least 60% complete on average and at least 50% of them",
        "a list of names below 30%",
        "at least 92 out of 100",
        "more than 5 records",
        "(30 to 180 days depending on the cell)",
        "fewer than 10 answers",
        "docs/method.md",
    ):
        assert part in text, part


def test_changed_figures_in_english():
    text = squeeze(rendered(with_overrides(Config(), CHANGED), "en"))
    for part in (
        "over the 18 months ending with its month",
        "the first 70% of it, B the next ones up to 90%",
        "X below 0.4, Y below 1.5, Z from 1.5",
        "less than 4 months before the report date",
        "scored from 1 to 4 by quantiles",
        "a client grows above 10%",
        "the first 75% of revenue over the window, medium the next ones up to 90%",
        "working (fewer than 4 orders)",
        "proven (12 orders or more and 18 months or more since the first)",
        "max(300 days, 2.5 × the client’s",
        "won back with 3 orders or more",
        "The base at a quarter end",
        "at the start of the quarter",
        "no order within 60 days after a month end",
        "(up to 4 for training)",
        "fewer than 1,500 living clients",
        "at least 40% of its fields",
        "at least 65% complete on average and at least 45% of them",
        "a list of names below 25%",
        "at least 88.5 out of 100",
        "more than 7 records",
    ):
        assert part in text, part
    # no default figure is left behind
    for stale in ("80%", "95%", "0.5,", "90 days", "365 days", "12 months or more", "92 out"):
        assert stale not in text, stale


def test_changed_figures_in_russian():
    text = squeeze(rendered(with_overrides(Config(), CHANGED), "ru"))
    for part in (
        "Дата отчёта — 30.06.2025",
        "«за окно» — за 18 месяцев",
        f"класс A — те, кто даёт первые 70{NNBSP}%, B — следующие, до 90{NNBSP}%",
        "X — меньше 0,4, Y — меньше 1,5, Z — от 1,5",
        "позже, чем за 4 месяца до даты отчёта",
        "от 1 до 4 по квантилям базы",
        f"рост выше 10{NNBSP}%",
        f"первые 75{NNBSP}% выручки за окно, средние — следующие, до 90{NNBSP}%",
        "работающие (заказов меньше 4)",
        "проверенные (заказов 12 и больше, с первого — 18 месяцев и больше)",
        "большего из двух сроков: 300 дней или 2,5 × обычный интервал",
        "если заказов 3 и больше",
        "База на конец квартала",
        "на начало квартала",
        "ни одного заказа за 60 дней после конца месяца",
        "(до 4 для обучения)",
        f"низкий — до 30{NNBSP}%, средний — от 30{NNBSP}%, высокий — от 60{NNBSP}%",
        f"меньше 1{NNBSP}500, модель",
        f"не меньше 40{NNBSP}% её полей",
        f"не ниже 65{NNBSP}%, а контакты заполнены не меньше чем в 45{NNBSP}% карточек",
        f"ниже 25{NNBSP}%",
        "не меньше чем на 88,5 из 100",
        "больше чем в 7 записях",
        "docs/method.ru.md",
    ):
        assert part in text, part
    for stale in (f"80{NNBSP}%", f"95{NNBSP}%", "0,5", "90 дней", "365 дней", "92 из"):
        assert stale not in text, stale


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_other_branches(lang):
    text = squeeze(rendered(with_overrides(Config(), BRANCHES), lang))
    expected = {
        "en": (
            "ranked by margin over the window",
            "by the thresholds set in the configuration where given, otherwise by quantiles",
            "of the best 12 consecutive months’ revenue",
            "VIP and key (flagged on the card)",
            "as the contact policy file sets them, by default 30 to 180 days",
        ),
        "ru": (
            "ранжируются по марже за окно",
            "по порогам из конфигурации, где они заданы, иначе по квантилям базы",
            "выручки за лучшие 12 месяцев подряд",
            "VIP и ключевые (по отметке в карточке)",
            "как задано в файле политики контактов, по умолчанию от 30 до 180 дней",
        ),
    }[lang]
    for part in expected:
        assert part in text, part
    every = {
        "rfm_recency_days": [30, 60, 120],
        "rfm_frequency": [1, 2, 4],
        "rfm_monetary": [10, 100, 1000],
        "rfm_bins": 4,
    }
    fixed = squeeze(rendered(with_overrides(Config(), {"segmentation": every}), lang))
    assert say("rfm.fixed", lang) + ";" in fixed


# --- words -------------------------------------------------------------------------------------
def test_every_label_in_both_languages_with_the_same_placeholders():
    assert set(LABELS["en"]) == set(LABELS["ru"])
    for key in LABELS["en"]:
        en, ru = LABELS["en"][key], LABELS["ru"][key]
        assert en.strip() and ru.strip(), key
        assert T.placeholders(en) == T.placeholders(ru), key
        if key not in ("topic.abc", "topic.rfm"):
            assert en != ru, f"{key} is not translated"
    for topic in TOPICS:
        assert f"topic.{topic}" in LABELS["en"] and topic in LABELS["en"], topic


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("overrides", [{}, CHANGED, BRANCHES], ids=["default", "changed", "other"])
def test_no_code_name_reaches_the_reader(lang, overrides):
    text = rendered(with_overrides(Config(), overrides), lang)
    assert SNAKE.findall(text) == []
    for name in ("client_base", "vip_review", "decision_maker", "dead_reanimatable", "dead_lost"):
        assert name not in text
    for sentence in LABELS[lang].values():  # nor any sentence not shown here (placeholders aside)
        assert SNAKE.findall(re.sub(r"\{\w+\}", "", sentence)) == []


def test_the_words_survive_a_reset_catalogue(monkeypatch):
    monkeypatch.setattr(T.catalogue, "_REGISTERED", {})  # the registry lives there
    assert say("h.method", "ru") == "Методика"


# --- through a real audit --------------------------------------------------------------------
@pytest.fixture(scope="module")
def audit() -> Audit:
    return Audit.build(lang="en", churn=False, overrides={"churn": {"horizon_days": 60}})


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_section_of_an_audit(audit, lang, monkeypatch):
    monkeypatch.setattr(audit, "lang", lang)
    out = method.render(audit)
    assert out.startswith('<h2 id="method">' + ("Method" if lang == "en" else "Методика"))
    assert out.count("<tr>") == 1 + len(TOPICS)
    text = squeeze(html.unescape(re.sub(r"<[^>]+>", " ", out)))
    day = "2025-12-31" if lang == "en" else "31.12.2025"
    horizon = "within 60 days" if lang == "en" else "за 60 дней"
    assert day in text and horizon in text
    assert SNAKE.findall(text) == []


# --- the document ------------------------------------------------------------------------------
def _defaults() -> dict[str, dict[str, object]]:
    """Every setting's default, section by section, read from ``Config()``."""
    sections = ("load", "segmentation", "lifecycle", "churn", "quality", "report")
    parts = {section: getattr(Config(), section) for section in sections}
    return {
        section: {f.name: getattr(part, f.name) for f in fields(part)}
        for section, part in parts.items()
    }


@pytest.mark.parametrize("name", ["method.md", "method.ru.md"])
def test_the_documents_name_real_settings_with_their_defaults(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 320   # short enough to read in one sitting: a page per topic at most
    defaults = _defaults()
    # `[section] key` names a setting that exists
    named = [
        pair
        for pair in re.findall(r"`\[(\w+)\] (\w+)", text)
        if pair not in (("section", "key"), ("раздел", "ключ"))  # how a setting is written
    ]
    assert len(named) >= 15
    for section, key in named:
        assert key in defaults[section], (section, key)
    # `key = value` of a number, a flag or a list of numbers is the default
    checked = 0
    for key, value in re.findall(r"`(?:\[\w+\] )?(\w+) = ([^`\"]+)`", text):
        owners = [s for s, keys in defaults.items() if key in keys]
        assert len(owners) == 1, key
        default = defaults[owners[0]][key]
        given = tomllib.loads(f"v = {value}")["v"]
        assert (list(default) if isinstance(default, tuple) else default) == given, key
        checked += 1
    assert checked >= 20
    # the appendix points here, and the two documents point to each other
    other = "method.ru.md" if name == "method.md" else "method.md"
    assert f"docs/{other}" in text
