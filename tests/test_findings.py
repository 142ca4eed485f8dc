"""The figures of the findings and of the summary are the sums of the tables they describe.

The audit of the bundled sample is built once in Python; every money figure quoted in a finding
is recomputed here from the action list the finding is about (the rows a manager receives) and
must appear, formatted as the report formats money, in that finding's sentence.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import reportkit as rk
from reportkit.report import text as T
from reportkit.report.pipeline import Audit


@pytest.fixture(scope="module", params=["en", "ru"])
def audit(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Audit.build(str(rk.sample_path()), lang=request.param)


def _finding(audit, *words):
    hits = [f for f in audit.findings() if all(w in f for w in words)]
    assert len(hits) == 1, (words, audit.findings())
    return hits[0]


def test_revenue_at_risk_is_the_sum_of_the_at_risk_list_and_a_minority(audit):
    lists = audit.action_lists()
    at_risk = lists["at_risk"]
    assert audit.kpis["revenue_at_risk"] == pytest.approx(at_risk["revenue_at_risk"].sum(),
                                                          rel=1e-12)
    # the headline is no longer most of the year's revenue (it was 54 % on this sample)
    assert audit.kpis["revenue_at_risk"] < 0.25 * audit.kpis["revenue"]
    # every client's risk is its probability times its expected revenue
    product = at_risk["churn_probability"] * at_risk["expected_revenue_12m"]
    assert (product - at_risk["revenue_at_risk"]).abs().max() < 1e-6


def _action(audit, code):
    hits = [a for a in audit.actions() if a["code"] == code]
    assert len(hits) == 1, (code, audit.actions())
    return hits[0]


def _revenue_12m(audit, ids) -> float:
    """The clients' revenue over the last 12 months, summed from the transactions themselves
    (not from the snapshot the actions read)."""
    tx = audit.dataset.transactions
    end = audit.as_of + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=12)
    window = tx[(tx["date"] >= start) & (tx["date"] < end) & tx["client_id"].isin(set(ids))]
    return float(window["amount"].sum())


def test_the_churn_action_quotes_the_clients_it_names(audit):
    lang = audit.lang
    at_risk = audit.action_lists()["at_risk"]
    high = at_risk[at_risk["band"] == "high"]
    action = _action(audit, "at_risk")
    sentence = action["text"]
    assert T.fmt_int(len(high), lang) in sentence
    assert T.fmt_money(high["revenue_at_risk"].sum(), lang) in sentence
    # its value is what these clients brought over the last 12 months
    assert action["value"] == pytest.approx(_revenue_12m(audit, high["client_id"]), rel=1e-9)
    assert T.fmt_money(action["value"], lang) in sentence
    # the whole list's figure is the summary card's, not repeated on page one
    assert T.fmt_money(at_risk["revenue_at_risk"].sum(), lang) not in sentence


def test_the_reactivation_and_forgotten_actions_quote_their_lists(audit):
    lang = audit.lang
    lists = audit.action_lists()
    react = lists["reactivation"]
    sentence = _action(audit, "reactivation")["text"]
    assert T.fmt_money(react["best12_revenue"].sum(), lang) in sentence
    assert T.fmt_int(len(react), lang) in sentence
    forgotten = lists["forgotten"]
    action = _action(audit, "forgotten")
    assert T.fmt_money(forgotten["revenue_window"].sum(), lang) in action["text"]
    assert action["value"] == pytest.approx(
        _revenue_12m(audit, forgotten["client_id"]), rel=1e-9
    )
    assert T.fmt_int(len(forgotten), lang) in action["text"]


def test_the_actions_are_ranked_by_money_clients_before_records(audit):
    actions = audit.actions()
    codes = [a["code"] for a in actions]
    # the sample has every list: at risk, forgotten, reactivation, detractors, cross-sell,
    # duplicates, overdue
    assert set(codes) == {"at_risk", "forgotten", "reactivation", "detractors_a", "cross_sell",
                          "duplicates", "overdue"}
    # the cross-sell action's money is the sum of the list the managers receive
    offers = audit.action_lists()["cross_sell"]
    value = next(a["value"] for a in actions if a["code"] == "cross_sell")
    assert value == pytest.approx(offers["expected_value"].sum(), rel=1e-9)
    clients = [a for a in actions if a["code"] not in ("duplicates", "overdue")]
    assert actions[: len(clients)] == clients
    values = [a["value"] for a in clients]
    assert values == sorted(values, reverse=True)


def test_the_managers_table_adds_up_to_the_revenue_at_risk(audit):
    table = audit.results.managers.summary
    assert table["revenue_at_risk"].sum() == pytest.approx(audit.kpis["revenue_at_risk"],
                                                           rel=1e-9)


def test_one_order_clients_no_longer_carry_most_of_the_risk(audit):
    """The issue's sample figures: 168 one-order clients carried 79.0 M of a 133.9 M "risk"
    while they earned 3.4 M in 12 months. Their expected revenue is now of the order of what
    they actually spend."""
    scores = audit.results.scores()
    snap = audit.results.snapshot.set_index("client_id")
    orders = snap.loc[scores["client_id"], "orders_total"].to_numpy()
    one = scores[orders == 1]
    spent = snap.loc[one["client_id"], "revenue_window"].clip(lower=0).sum()
    assert len(one) > 100
    assert one["expected_revenue_12m"].sum() < 2 * spent
    assert one["revenue_at_risk"].sum() < 0.1 * scores["revenue_at_risk"].sum()


def test_the_reasons_are_worded_as_row_by_row(audit):
    """The at-risk list's words are made once per distinct code and rounded facts; they are
    the same, client for client, as wording every row on its own."""
    from reportkit.report.words import churn as WC

    scores = audit.results.scores()
    by_row = []
    for row in scores.to_dict("records"):
        parts = [WC.reason_text(row[c], row, audit.lang) for c in ("reason_1", "reason_2")
                 if row[c] is not None and not pd.isna(row[c])]
        by_row.append("; ".join(parts))
    assert WC.reasons(scores, audit.lang).tolist() == by_row
    assert sum(bool(t) for t in by_row) > 0.9 * len(by_row)


def test_overdue_tasks_are_listed_from_the_most_recently_missed(audit):
    """A task three years late is most likely done or dead: the list and the section start with
    the freshest misses, and the section counts the stale ones (over a year)."""
    import html
    import re

    overdue = audit.action_lists()["overdue"]
    days = overdue["days_overdue"].tolist()
    assert days == sorted(days) and days[0] < days[-1]
    # the same tasks as the analysis found, only in another order
    found = audit.results.managers.overdue
    assert sorted(days) == sorted(found["days_overdue"].tolist())
    stale = sum(d > 365 for d in days)
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(audit.show("managers"))))
    assert T.fmt_int(stale, audit.lang) in text
    assert ("more than a year" if audit.lang == "en" else "больше чем на год") in text


def test_the_cross_sell_offers_by_category_add_up_to_the_list(audit):
    """The section's table per category: its clients add up to the offers (a client is offered
    a category once) and its values to the page-one figure."""
    import html
    import re

    offers = audit.action_lists()["cross_sell"]
    text = html.unescape(re.sub(r"<[^>]+>", " | ", str(audit.show("cross_sell"))))
    for category, rows in offers.groupby("category"):
        value = T.fmt_money(rows["expected_value"].sum(), audit.lang)
        n = T.fmt_int(rows["client_id"].nunique(), audit.lang)
        cells = r"[\s|]+"
        row = rf"\|\s*{re.escape(str(category))}{cells}{n}{cells}{re.escape(value)}{cells}"
        assert re.search(row, text), (category, n, value)
