"""Where the money is (#17): the Paretos, what each segment buys, the low-margin sellers, and
the section in English and Russian.

Every expected figure below is worked out by hand from the tiny bases written out here.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.analysis.money import (
    MoneySettings,
    classes,
    low_margin,
    pareto,
    same_partition,
    segment_mix,
    where_money,
    window,
)
from reportkit.report.pipeline import Audit

AS_OF = "2024-12-31"  # window 2024-01-01 … 2024-12-31, previous 2023-01-01 … 2023-12-31


def _tx(rows):
    cols = ["client_id", "date", "amount", "product", "category", "channel", "margin"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


#: products P1..P4 (categories X: P1, P2; Y: P3, P4), channels web (c1) and office (c2, c3)
BASE = _tx([
    ("c1", "2022-12-31", 500.0, "P1", "X", "web", 100.0),   # before the previous window
    ("c1", "2023-01-15", 25.0, "P1", "X", "web", 5.0),
    ("c1", "2023-02-01", 10.0, "P4", "Y", "web", 4.0),
    ("c3", "2023-06-01", 40.0, "P2", "X", "office", 12.0),
    ("c3", "2024-02-01", 15.0, "P3", "Y", "office", -3.0),
    ("c1", "2024-03-01", 30.0, "P1", "X", "web", 9.0),
    ("c2", "2024-05-01", 20.0, "P1", "X", "office", 6.0),
    ("c2", "2024-06-01", 35.0, "P2", "X", "office", 12.0),
    ("c2", "2024-07-01", -5.0, "P2", "X", "office", -2.0),   # a return, netted
    ("c1", "2024-12-31", 5.0, "P4", "Y", "web", 2.0),       # on the report date: counted
    ("c1", "2025-01-01", 1000.0, "P1", "X", "web", 300.0),  # after it: not counted
])
CLIENTS = pd.DataFrame({"client_id": ["c1", "c2"], "region": ["North", "South"],
                        "industry": ["Retail", "Retail"]})   # c3 has no card


@pytest.fixture(scope="module")
def money():
    return where_money(BASE, CLIENTS, as_of=AS_OF, window_months=12)


def test_the_window_and_the_previous_one():
    assert window(AS_OF, 12) == (pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01"),
                                 pd.Timestamp("2024-12-31"))
    # mid-month: the month of as_of counts up to it, 3 months back, 3 before
    assert window("2024-06-15", 3) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01"),
                                       pd.Timestamp("2024-06-15"))


def test_classes_on_and_across_the_cutoffs():
    # shares .5 .3 .15 .05: P2 ends exactly on 80 % (A), the next starts on it (B)
    share, abc = classes(np.array([50.0, 30.0, 15.0, 5.0]), (0.8, 0.95))
    assert share.tolist() == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert abc.tolist() == ["A", "A", "B", "C"]
    # a negative value is C with a negative share of the positive total (10)
    share, abc = classes(np.array([10.0, -2.0]), (0.8, 0.95))
    assert abc.tolist() == ["A", "C"] and share.tolist() == pytest.approx([1.0, -0.2])


def test_product_pareto_by_hand(money):
    t = money.paretos["product"]
    assert t["product"].tolist() == ["P1", "P2", "P3", "P4"]
    assert t["revenue"].tolist() == [50.0, 30.0, 15.0, 5.0]   # P2: 35 - 5
    assert t["revenue_share"].tolist() == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert t["cum_share"].tolist() == pytest.approx([0.5, 0.8, 0.95, 1.0])
    assert t["abc"].tolist() == ["A", "A", "B", "C"]
    assert t["revenue_prev"].tolist() == [25.0, 40.0, 0.0, 10.0]
    assert t["growth"].iloc[[0, 1, 3]].tolist() == pytest.approx([1.0, -0.25, -0.5])
    assert np.isnan(t["growth"].iloc[2]) and t["new"].tolist() == [False, False, True, False]
    # margins 15, 10, -3, 2: ranked by margin P1, P2, P4, P3 over a positive total of 27
    assert t["margin"].tolist() == [15.0, 10.0, -3.0, 2.0]
    assert t["margin_rate"].tolist() == pytest.approx([0.3, 1 / 3, -0.2, 0.4])
    assert t["margin_share"].tolist() == pytest.approx([15 / 27, 10 / 27, -3 / 27, 2 / 27])
    assert t["margin_abc"].tolist() == ["A", "A", "C", "B"]
    assert t["margin_growth"].iloc[0] == pytest.approx(15 / 5 - 1)


def test_the_items_that_make_80_percent_and_whether_they_grow(money):
    s = money.summary.set_index("dimension")
    assert list(s.index) == ["product", "category", "channel", "region", "industry"]
    p = s.loc["product"]
    assert (p["n_items"], p["n_top"], p["top_share"]) == (4, 2, pytest.approx(0.8))
    assert p["top_revenue"] == 80 and p["top_revenue_prev"] == 65
    assert p["top_growth"] == pytest.approx(80 / 65 - 1)
    assert p["top_growing"] == 1                        # P1 grows, P2 falls
    assert p["growth"] == pytest.approx(100 / 75 - 1)
    c = money.paretos["category"]
    assert c["category"].tolist() == ["X", "Y"] and c["abc"].tolist() == ["A", "B"]
    assert c["revenue"].tolist() == [80.0, 20.0] and c["revenue_prev"].tolist() == [65.0, 10.0]
    ch = money.paretos["channel"]
    assert ch["channel"].tolist() == ["office", "web"] and ch["abc"].tolist() == ["A", "A"]
    assert ch["growth"].tolist() == pytest.approx([65 / 40 - 1, 0.0])


def test_region_and_industry_come_from_the_clients_table(money):
    r = money.paretos["region"]
    # c2 (South) 50 new, c1 (North) 35 = 35 before, c3 (no card) 15 against 40
    assert r["region"].iloc[:2].tolist() == ["South", "North"] and pd.isna(r["region"].iloc[2])
    assert r["revenue"].tolist() == [50.0, 35.0, 15.0]
    assert r["abc"].tolist() == ["A", "A", "B"]
    assert r["new"].tolist() == [True, False, False]
    i = money.paretos["industry"]
    assert i["revenue"].tolist() == [85.0, 15.0] and i["abc"].tolist() == ["A", "B"]


def test_clients_table_and_tables(money):
    c = money.clients.set_index("client_id")
    assert c["revenue"].to_dict() == {"c1": 35.0, "c2": 50.0, "c3": 15.0}
    assert c["revenue_prev"].to_dict() == {"c1": 35.0, "c2": 0.0, "c3": 40.0}
    assert c.loc["c3", "growth"] == pytest.approx(15 / 40 - 1)
    assert money.to_frame().equals(money.clients)
    assert set(money.tables()) == {"pareto_product", "pareto_category", "pareto_channel",
                                   "pareto_region", "pareto_industry", "low_margin_clients",
                                   "low_margin_products"}
    assert money.notes == () and money.params["prev_known"]


def test_only_the_dimensions_present():
    base = BASE.drop(columns=["channel", "margin"]).assign(product=np.nan)
    m = where_money(base, None, as_of=AS_OF)
    assert m.dimensions == ("category",)
    assert ("no_margin", {}) in m.notes and m.low_margin_clients is None
    none = where_money(BASE[["client_id", "date", "amount"]], None, as_of=AS_OF)
    assert not none.paretos and ("no_dimensions", {}) in none.notes


def test_growth_unknown_when_the_data_start_after_the_previous_window():
    late = BASE[BASE["date"] >= "2023-03-01"]            # starts in the previous window's 3rd month
    m = where_money(late, None, as_of=AS_OF)
    assert m.notes[0][0] == "no_previous" and m.notes[0][1]["first"] == pd.Timestamp("2023-06-01")
    assert m.paretos["product"]["growth"].isna().all()
    assert m.paretos["product"]["revenue"].tolist() == [50.0, 30.0, 15.0, 5.0]


# --- what each segment buys -------------------------------------------------------------------
MIX_LINES = pd.DataFrame({
    "client_id": ["c1", "c1", "c2", "c3", "c3", "c5"],
    "category": ["X", "Y", "X", "Y", "X", "X"],
    "amount": [10.0, 5.0, 20.0, 30.0, -4.0, 7.0],   # c3 only returned X; c5 has no segment
})


def test_segment_mix_shares_and_penetration_by_hand():
    abc = pd.DataFrame({"client_id": ["c1", "c2", "c3", "c4"], "abc": ["A", "A", "B", "B"]})
    industry = pd.DataFrame({"client_id": ["c1", "c2", "c3"],
                             "industry": ["Retail", None, "Retail"]})
    mix = segment_mix(MIX_LINES, {"abc": abc, "industry": industry})
    got = mix.set_index(["segmentation", "segment", "category"])
    # A: c1 and c2; X 10 + 20, Y 5, of 35; both bought X, c1 bought Y
    a_x, a_y = got.loc[("abc", "A", "X")], got.loc[("abc", "A", "Y")]
    assert (a_x["n_clients"], a_x["revenue"], a_x["buyers"]) == (2, 30.0, 2)
    assert a_x["revenue_share"] == pytest.approx(30 / 35) and a_x["penetration"] == 1.0
    assert a_y["revenue_share"] == pytest.approx(5 / 35) and a_y["penetration"] == 0.5
    # B: c3 and c4 (bought nothing); X is c3's return only: -4 of 26, nobody bought it
    b_x, b_y = got.loc[("abc", "B", "X")], got.loc[("abc", "B", "Y")]
    assert (b_x["n_clients"], b_x["revenue"], b_x["buyers"], b_x["penetration"]) == (2, -4, 0, 0)
    assert b_x["revenue_share"] == pytest.approx(-4 / 26)
    assert b_y["revenue_share"] == pytest.approx(30 / 26) and b_y["penetration"] == 0.5
    # industry: c2 has none and is left out; Retail = c1, c3: X 10 - 4, Y 5 + 30
    r_x, r_y = got.loc[("industry", "Retail", "X")], got.loc[("industry", "Retail", "Y")]
    assert (r_x["n_clients"], r_x["revenue"], r_x["buyers"], r_x["penetration"]) == (2, 6, 1, 0.5)
    assert r_y["revenue_share"] == pytest.approx(35 / 41) and r_y["penetration"] == 1.0
    assert len(mix) == 6                               # 3 segments × 2 categories


def test_a_segmentation_that_repeats_another_is_left_out():
    abc = pd.DataFrame({"client_id": ["c1", "c2", "c3"], "abc": ["A", "A", "B"]})
    size = pd.DataFrame({"client_id": ["c1", "c2", "c3"], "size_tier": ["large", "large", "small"]})
    other = size.assign(size_tier=["large", "small", "small"])
    assert same_partition(abc, size) and not same_partition(abc, other)
    m = where_money(BASE, None, as_of=AS_OF, segments={"abc": abc, "size_tier": size})
    assert ("same_segments", {"name": "size_tier", "same_as": "abc"}) in m.notes
    assert set(m.mix["segmentation"]) == {"abc"}
    # through where_money: A = c1, c2 bought X (P1, P2) and c1 bought Y (P4) in the window
    got = m.mix.set_index(["segment", "category"])
    assert got.loc[("A", "X"), "revenue"] == 80 and got.loc[("A", "Y"), "penetration"] == 0.5
    assert got.loc[("B", "Y"), "revenue"] == 15 and got.loc[("B", "X"), "buyers"] == 0


# --- the margin view --------------------------------------------------------------------------
#: P1 (c1) sells a lot at 2 %, P5 (c5) at a loss; c2 buys P2 and P3
MARGIN_BASE = _tx([
    ("c1", "2024-02-01", 100.0, "P1", "X", "web", 2.0),
    ("c2", "2024-03-01", 80.0, "P2", "X", "web", 24.0),
    ("c2", "2024-03-02", 20.0, "P3", "X", "web", 6.0),
    ("c3", "2024-04-01", 20.0, "P3", "X", "web", 6.0),
    ("c4", "2024-05-01", 10.0, "P4", "X", "web", 4.0),
    ("c5", "2024-06-01", 90.0, "P5", "X", "web", -9.0),
])


def test_low_margin_products_and_clients_by_hand():
    m = where_money(MARGIN_BASE, None, as_of=AS_OF)
    # products 100, 80, 40, 10, 90: the 75th percentile of [10, 40, 80, 90, 100] is 90;
    # rates .02, .3, .3, .4, -.1: median .3, low below .1
    prod = m.low_margin_products
    assert prod["product"].tolist() == ["P5", "P1"]
    assert prod["margin_gap"].tolist() == pytest.approx([90 * 0.3 + 9, 100 * 0.3 - 2])
    assert prod["margin_rate"].tolist() == pytest.approx([-0.1, 0.02])
    fig = m.params["products_margin"]
    assert fig["min_revenue"] == 90 and fig["median_rate"] == pytest.approx(0.3)
    assert fig["low_rate"] == pytest.approx(0.1)
    # clients 100, 100, 20, 10, 90: the 75th percentile is 100, so c5's loss on 90 is not
    # "a lot"; c1 (2 %) is flagged, c2 (30 %) is not
    cl = m.low_margin_clients
    assert cl["client_id"].tolist() == ["c1"]
    assert cl["margin_gap"].iloc[0] == pytest.approx(28.0)
    assert m.clients.set_index("client_id")["low_margin"].to_dict() == {
        "c1": True, "c2": False, "c3": False, "c4": False, "c5": False}
    # the data start in the window: growth unknown
    assert m.notes[0][0] == "no_previous"


def test_low_margin_settings():
    v = pd.DataFrame({"product": ["a", "b", "c"], "revenue": [100.0, 50.0, 10.0],
                      "margin": [20.0, 15.0, 3.0]})
    # rates .2 .3 .3: median .3; with half of it (.15) as the bar nothing is low …
    table, _ = low_margin(v, "product", top_quantile=0.0, low_fraction=0.5)
    assert table.empty
    # … with the whole median, a (20 %) is low and sells the most
    table, fig = low_margin(v, "product", top_quantile=0.5, low_fraction=1.0)
    assert table["product"].tolist() == ["a"] and fig["min_revenue"] == 50
    m = where_money(MARGIN_BASE, None, as_of=AS_OF,
                    settings=MoneySettings(top_quantile=0.0, low_fraction=1 / 3))
    assert m.low_margin_clients["client_id"].tolist() == ["c5", "c1"]


def test_pareto_checks_its_cutoffs():
    with pytest.raises(rk.errors.ParameterError):
        pareto(pd.DataFrame({"k": ["a"], "revenue": [1.0], "revenue_prev": [0.0]}), "k",
               cutoffs=(0.9, 0.8))


# --- the section ------------------------------------------------------------------------------
ALLOWED = {"ABC", "A", "B", "C", "VIP"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _data_names(audit) -> list[str]:
    """The names that come from the data (products, places, clients…), longest first."""
    names = set()
    for frame in (audit.dataset.transactions, audit.dataset.clients):
        for col in ("client_id", "name", "manager", "product", "category", "channel", "region",
                    "industry"):
            if frame is not None and col in frame.columns:
                names |= {str(v) for v in frame[col].dropna().unique()}
    return sorted(names, key=len, reverse=True)


@pytest.fixture(scope="module", params=["en", "ru"])
def sample_audit(request):
    return Audit.build(str(rk.sample_path()), lang=request.param, churn=False)


def test_section_on_the_sample(sample_audit):
    a = sample_audit
    fragment = str(a.show("money"))
    assert fragment.startswith('<h2 id="money">')
    text = _text(fragment)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "snake_case identifiers in the text"
    m = a.results.money
    assert set(m.dimensions) == {"product", "category", "channel", "region", "industry"}
    for name in _data_names(a):
        text = text.replace(name, " ")
    if a.lang == "ru":
        assert "Где деньги" in text and "Проникновение" in text
        left = set(LATIN.findall(text)) - ALLOWED
        assert not left, f"English words in the Russian section: {sorted(left)}"
    else:
        assert "Where the money is" in text and "Penetration" in text
        assert not re.search(r"[А-Яа-яЁё]", text)
    # the figures of the sentence are those of the summary
    row = m.summary.set_index("dimension").loc["category"]
    share = rk.report.text.fmt_pct(row["top_share"], a.lang)
    assert share in _text(fragment)


def test_section_is_hidden_without_products_categories_or_channels(tmp_path):
    tx = rk.load(rk.sample_path()).transactions[["client_id", "date", "amount"]]
    path = tmp_path / "sales.csv"
    tx.to_csv(path, index=False)
    a = Audit.build(path, lang="en", churn=False)
    assert a.results.money is None
    fragment = _text(str(a.show("money")))
    assert "Where the money is" in fragment and "none of them" in fragment
    assert len(re.findall(r"<p", str(a.show("money")))) == 1


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_section_lists_the_planted_low_margin_sellers(lang):
    """The margin tables and the note on growth, on the tiny margin base (a stand-in audit)."""
    from types import SimpleNamespace

    from reportkit.report.run import AuditResults
    from reportkit.report.sections import money as section

    clients = pd.DataFrame({"client_id": ["c1", "c2"], "name": ["Alpha", "Beta"]})
    m = where_money(MARGIN_BASE, clients, as_of=AS_OF)
    audit = SimpleNamespace(
        lang=lang, dataset=SimpleNamespace(transactions=MARGIN_BASE, clients=clients),
        results=SimpleNamespace(money=m), shown=lambda frame: frame)
    assert "money" in {f for f in AuditResults.__dataclass_fields__}
    text = re.sub(r"\s+", " ", _text(section.render(audit)))
    rows = re.findall(r"<tr>(.*?)</tr>", section.render(audit))
    cells = [re.sub(r"<[^>]+>", "|", r) for r in rows]
    assert any("c1|" in c and "Alpha" in c for c in cells)      # the client with its name
    assert any("P5|" in c for c in cells) and any("P1|" in c for c in cells)
    assert not any("c5|" in c for c in cells)                   # 90 is not "a lot" for a client
    if lang == "en":
        assert "The data start on 2024-02-01" in text and "Margin given up" in text
        assert "90 or more for a product" in text and "median 30.0%" in text
    else:
        assert "Данные начинаются 01.02.2024" in text and "Упущенная маржа" in text
        assert "от 90 для товара" in text


def test_result_shape_and_a_failed_analysis(money):
    """Money has the one shape of an analysis result; a failed one is said in a plain sentence."""
    from types import SimpleNamespace

    from reportkit.analysis.result import AnalysisResult
    from reportkit.report.run import Failed
    from reportkit.report.sections import money as section

    assert isinstance(money, AnalysisResult)
    assert list(money.clients.columns)[0] == "client_id" and money.clients["client_id"].is_unique
    seen = []
    audit = SimpleNamespace(
        lang="en", dataset=SimpleNamespace(transactions=BASE, clients=None),
        results=SimpleNamespace(money=Failed("boom")),
        error_or_na=lambda name, what: seen.append((name, what)) or "<p>not computed</p>")
    out = section.render(audit)
    assert out == '<h2 id="money">Where the money is</h2><p>not computed</p>'
    assert seen == [("money", "Where the money is")]
