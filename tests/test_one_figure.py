"""One figure per fact: every number the audit quotes in more than one place has one value.

The sample audit's sections (the HTML the notebook shows, in English and Russian) are read as
text; for each fact the test finds every place that quotes it — a summary tile, a finding, a
section's sentence, a table — and checks that they all carry the same value, and that this is
the value worked out here from the tables themselves (not from the figure the report keeps).
"""

from __future__ import annotations

import html
import re
import warnings

import pytest

import reportkit as rk
from reportkit.report.pipeline import SECTIONS_AUDIT, Audit

NUM = r"(\d{1,3}(?:[,\s\u00a0\u202f]\d{3})*)"
PCT = r"(\d+(?:[.,]\d)?\s?%)"


@pytest.fixture(scope="module", params=["en", "ru"])
def report(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        audit = Audit.build(str(rk.sample_path()), lang=request.param)
        page = "".join(str(audit.show(s)) for s in SECTIONS_AUDIT)
    page = re.sub(r"<img[^>]*>", "", page)
    text = html.unescape(re.sub(r"<[^>]+>", " | ", page))
    return audit, re.sub(r"(\s*\|\s*)+", " | ", text)


def _int(s: str) -> int:
    return int(re.sub(r"[^\d]", "", s))


def _pct(s: str) -> float:
    return float(s.replace("%", "").replace(",", ".").strip())


def _quoted(text: str, patterns: list[str], parse) -> list:
    """The value of every place one of ``patterns`` matches (each must match at least once)."""
    values = []
    for pattern in patterns:
        found = re.findall(pattern, text)
        assert found, f"not quoted: {pattern}"
        values += [parse(f) for f in found]
    return values


FACTS = {
    # fact: (English patterns, Russian patterns, parse)
    "known_clients": (
        [NUM + r" \| Known clients", r"of all " + NUM + " known clients"],
        [NUM + r" \| Известных клиентов", r"от всех " + NUM + " известных"],
        _int,
    ),
    "paying_clients": (
        [NUM + r" \| Bought in 12 months", r"of the " + NUM + " who paid"],
        [NUM + r" \| Покупали за 12 месяцев", r"из " + NUM + ", плативших"],
        _int,
    ),
    "class_a_clients": (
        [r"class A: " + NUM + " clients", r"\| A \| " + NUM + r" \|"],
        [r"класс A: " + NUM + " клиент", r"\| A \| " + NUM + r" \|"],
        _int,
    ),
    "class_a_share_of_known": (
        [r"\(" + PCT + " of all", r"\| A \| \d+ \| " + PCT],
        [r"\(" + PCT + " от всех", r"\| A \| \d+ \| " + PCT],
        _pct,
    ),
    "base_year_ago": (
        [NUM + " clients a year ago", r"The base is \w+: " + NUM + " →"],
        [r"год назад " + NUM + " клиент", r"База \w+: " + NUM + " →"],
        _int,
    ),
    "base_now": (
        [NUM + " now;", "→ " + NUM + " clients over", NUM + " clients in the base"],
        [r"сейчас " + NUM + ";", "→ " + NUM + " клиент", r"в базе " + NUM + " клиент"],
        _int,
    ),
    "lost_12m_share": (
        [PCT + r" \| Lost in 12 months", r"\(" + PCT + " of the base a year ago",
         PCT + " over the last year"],
        [PCT + r" \| Ушло за 12 месяцев", r"\(" + PCT + " от базы годом ранее",
         r"за последний год — " + PCT],
        _pct,
    ),
    "reanimatable": (
        [NUM + " of them can still be won back", r"and " + NUM + " that have left"],
        [r"ещё можно вернуть " + NUM, NUM + r" ушли, но"],
        _int,
    ),
}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_each_fact_has_one_value_everywhere_it_is_quoted(report, fact):
    audit, text = report
    en, ru, parse = FACTS[fact]
    values = _quoted(text, ru if audit.lang == "ru" else en, parse)
    assert len(set(values)) == 1, (fact, values)
    value = values[0]
    # ... and it is the value of the tables themselves
    snap = audit.results.snapshot
    flows = audit.results.dynamics.flows
    year = flows.tail(12)
    abc = audit.results.segments.abc.clients
    life = audit.results.lifecycle.clients
    expected = {
        "known_clients": len(snap),
        "paying_clients": int((snap["orders_window"] > 0).sum()),
        "class_a_clients": int((abc["abc"] == "A").sum()),
        "class_a_share_of_known": round(100 * (abc["abc"] == "A").sum() / len(abc), 1),
        "base_year_ago": int(year["base_start"].iloc[0]),
        "base_now": int(flows["base_end"].iloc[-1]),
        "lost_12m_share": round(100 * year["lost"].sum() / year["base_start"].iloc[0], 1),
        "reanimatable": int((life["block"] == "dead_reanimatable").sum()),
    }[fact]
    assert value == pytest.approx(expected), (fact, value, expected)


def test_the_base_flows_add_up(report):
    """The base a year ago, plus the new and returning clients, less the lost ones, is the base
    now: the sentence that quotes the four figures can be checked by the reader."""
    audit, _ = report
    k = audit.kpis
    assert k["base_year_ago"] + k["new_12m"] + k["reactivated_12m"] - k["lost_12m"] == k["base"]


def test_size_tiers_do_not_repeat_the_abc_table(report):
    """On the sample the size tiers are the ABC classes (same rule, same revenue): the section
    says so and shows only the potential and the share of wallet, not the counts again."""
    audit, _ = report
    text = html.unescape(re.sub(r"<[^>]+>", " | ", str(audit.show("size"))))
    abc = audit.results.segments.abc.summary
    size = audit.results.segments.size.summary
    assert list(size["n_clients"]) == list(abc["n_clients"])      # the premise, from the tables
    assert ("large = A" if audit.lang == "en" else "крупные = A") in text
    for n in abc["n_clients"]:
        assert not re.search(rf"\|\s*{n:,}\s*\|".replace(",", "[,\\s\u00a0\u202f]?"), text)
