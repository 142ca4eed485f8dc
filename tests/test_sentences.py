"""Every sentence of the audit, fed shrinking, growing and almost empty bases.

Three bases are cut from the bundled sample: one whose new clients stop a year before the
report date (the base shrinks), one made only of the clients who arrived in the last 18 months
(it grows from nothing) and one where, but for 25 clients, nobody bought in the last year. Each
is audited in English and Russian, every section is read as text, and nothing impossible may
be printed: no percentage below -100 %, no negative count of clients, no nan / inf / None, no
unfilled {placeholder}, no internal identifier.
"""

from __future__ import annotations

import html
import re
import warnings

import pandas as pd
import pytest

import reportkit as rk
from reportkit.report.pipeline import SECTIONS_AUDIT, Audit

AS_OF = pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rk.load(rk.sample_path())


def _cut(sample, kind: str):
    tx = sample.transactions
    first = tx.groupby("client_id")["date"].transform("min")
    if kind == "shrinking":
        keep = first < AS_OF - pd.DateOffset(years=1)
    elif kind == "growing":
        keep = first >= AS_OF - pd.DateOffset(months=18)
    else:  # "almost empty": the last year's sales of all but 25 clients removed
        recent = tx["date"] > AS_OF - pd.DateOffset(years=1)
        few = set(tx.loc[recent, "client_id"].drop_duplicates().sort_values().head(25))
        keep = ~recent | tx["client_id"].isin(few)
    return type(sample)(
        transactions=tx[keep].reset_index(drop=True),
        clients=sample.clients,
        activities=sample.activities,
        surveys=sample.surveys,
        source=sample.source,
    )


def _text(audit) -> str:
    page = "".join(str(audit.show(s)) for s in SECTIONS_AUDIT)
    page = re.sub(r"<img[^>]*>", "", page)
    # table cells are data (ids, names), the words around them are what is checked
    page = re.sub(r"<t[dh][^>]*>.*?</t[dh]>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\S+\.(?:xlsx|csv)\b", " ", text)  # file names are not words


IMPOSSIBLE = [
    (r"[−-]\s?(?:[1-9]\d{2,}|100)(?:[.,]\d+)?\s?%", "a change of -100 % or below"),
    (r"[−-]\d[\d,\s]*\s(?:clients?|клиент)", "a negative count of clients"),
    (r"\b(?:nan|NaN|inf|None|NaT)\b", "a missing value printed"),
    (r"\{[a-z_]+\}", "an unfilled placeholder"),
    (r"\b[a-z]+_[a-z_]+\b", "an internal identifier"),
]


@pytest.mark.parametrize("kind", ["shrinking", "growing", "almost_empty"])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_sentence_prints_the_impossible(sample, kind, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        audit = Audit.build(_cut(sample, kind), as_of=AS_OF, lang=lang, churn=False)
        text = _text(audit)
    for pattern, what in IMPOSSIBLE:
        found = re.findall(pattern, text)
        assert not found, (kind, lang, what, found[:5])
    if kind == "shrinking":
        k = audit.kpis
        assert k["new_12m"] == 0 and k["base"] < k["base_year_ago"]
        words = "shrinking" if lang == "en" else "сокращается"
        assert words in text
