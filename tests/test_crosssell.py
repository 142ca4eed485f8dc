"""Cross-sell white space (#17): peer penetration and gap values worked out by hand on a tiny
base, a generated base with planted category affinities where the peers' method must beat the
popularity baseline, the backtest's counting, and the section in English and Russian on the
bundled sample."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from test_russian import ALLOWED, CYRILLIC_WORD, LATIN_WORD, proper_names, visible_text, words

import reportkit as rk
from reportkit.analysis import crosssell as X
from reportkit.analysis.crosssell import CrossSellSettings, cross_sell
from reportkit.analysis.crosssell.backtest import evaluate
from reportkit.report.pipeline import Audit
from reportkit.report.words import crosssell as WX

# ----------------------------------------------------------------------------------------------
# a tiny base, by hand
# ----------------------------------------------------------------------------------------------
#: client -> {category: spend}; cells: r* are "Retail × small", f* are "Food × small"
TINY = {
    "r1": {"a": 100.0, "b": 300.0, "c": 40.0},
    "r2": {"a": 200.0, "b": 100.0},
    "r3": {"a": 50.0},
    "r4": {"a": 80.0, "b": 500.0},
    "f1": {"d": 10.0},
    "f2": {"a": 70.0, "d": 20.0},
}


def _tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(c, cat, v) for c, buys in TINY.items() for cat, v in buys.items()]
    tx = pd.DataFrame(rows, columns=["client_id", "category", "amount"])
    tx["date"] = pd.Timestamp("2024-06-10")
    tx["manager"] = "Bob"
    cards = pd.DataFrame(
        {
            "client_id": list(TINY),
            "name": [f"Client {c}" for c in TINY],
            "industry": ["Retail"] * 4 + ["Food"] * 2,
            "size": "small",
            "manager": ["Ann"] * 4 + [None] * 2,
        }
    )
    return tx, cards


@pytest.fixture(scope="module")
def tiny() -> X.CrossSell:
    tx, cards = _tiny()
    churn = pd.DataFrame({"client_id": ["r3"], "churn_probability": [0.25]})
    return cross_sell(
        tx, as_of="2024-06-30", clients=cards, churn=churn, settings=CrossSellSettings(min_peers=2)
    )


def _recs(result: X.CrossSell, client: str) -> list[tuple[str, float, float]]:
    r = result.recommendations
    r = r[r["client_id"] == client].sort_values("rank")
    return [
        (c, round(p, 6), round(v, 2))
        for c, p, v in zip(r["category"], r["penetration"], r["expected_value"], strict=True)
    ]


def test_peer_penetration_and_gap_value_by_hand(tiny):
    # r3's peers are r1, r2, r4: all buy b (median of 300, 100, 500 = 300), one buys c (40);
    # r3 stays with 1 - 0.25 = 0.75: b = 1 × 300 × 0.75, c = 1/3 × 40 × 0.75; nobody in the
    # cell buys d, so it is no candidate
    assert _recs(tiny, "r3") == [("b", 1.0, 225.0), ("c", round(1 / 3, 6), 10.0)]
    # r2 and r4 (not scored: they stay with 1) miss only c among what the cell buys
    assert _recs(tiny, "r2") == [("c", round(1 / 3, 6), 13.33)]
    assert _recs(tiny, "r1") == []  # it lacks only d, which no peer buys


def test_a_cell_too_small_falls_back_to_the_base(tiny):
    # Food × small has one other client (< 2): f1's peers are the five other active clients;
    # a: 5/5 × median(100, 200, 50, 80, 70) = 80; b: 3/5 × 300 = 180; c: 1/5 × 40 = 8
    assert _recs(tiny, "f1") == [("b", 0.6, 180.0), ("a", 1.0, 80.0), ("c", 0.2, 8.0)]
    c = tiny.clients.set_index("client_id")
    assert c.loc["f1", "peer_level"] == "base" and c.loc["f1", "peers"] == 5
    assert c.loc["r3", "peer_level"] == "industry_size"
    assert c.loc["r3", "peer_cell"] == "Retail × small" and c.loc["r3", "peers"] == 3
    assert c.loc["r3", "p_stay"] == 0.75 and c.loc["r3", "expected_value_top"] == 235.0


def test_too_little_history_means_no_backtest_and_the_method_is_used(tiny):
    assert tiny.backtest.empty
    assert tiny.summary["used"] == "peers" and tiny.summary["beats_baseline"] is None
    assert ("no_backtest", {"months": 6}) in tiny.notes
    assert tiny.summary["recommendations"] == 3 + 2 + 1 + 2 + 1  # f1, f2, r2, r3, r4


def test_the_action_list_per_manager(tiny):
    lst = tiny.action_list()
    assert list(lst.columns) == list(X.ACTION_COLUMNS)
    # the card's manager (Ann), else the manager of the latest sale (Bob)
    assert lst["manager"].tolist() == ["Ann"] * 4 + ["Bob"] * 5
    ann = lst[lst["manager"] == "Ann"]
    assert ann["expected_value"].tolist() == [225.0, 13.33, 13.33, 10.0]
    assert lst.loc[0, "name"] == "Client r3" and lst.loc[0, "reason"] == "peers_buy"
    worded = WX.action_list(lst, "en")
    assert worded.loc[0, "reason"] == (
        "Peers (Retail × small): 3; 100% of them buy b, typically 300 over 12 months."
    )
    ru = WX.action_list(lst, "ru", headers=True)
    assert "Почему" in ru.columns and ru.iloc[4, -1].startswith("Похожих клиентов (все активные")


# ----------------------------------------------------------------------------------------------
# the backtest's counting, by hand
# ----------------------------------------------------------------------------------------------
def test_backtest_counts_hits_and_value_by_hand():
    # three clients, categories a b c; before: x buys a, y buys a b, z buys a b c
    now = np.array([[5.0, 0, 0], [5, 5, 0], [5, 5, 5]])
    # after: x buys b (7) and c (3); y buys nothing new; z only what it had
    future = np.array([[0.0, 7, 3], [5, 0, 0], [1, 1, 1]])
    row = evaluate(now, future, [], "popularity", CrossSellSettings(top_n=1))
    # popularity: x gets b (2 of 2 others buy it), y gets c (1 of 2), z nothing
    assert row == {
        "method": "popularity",
        "clients": 2,
        "pairs": 2,
        "hits": 1,
        "value_captured": 7.0,
        "new_spend": 10.0,
    }


# ----------------------------------------------------------------------------------------------
# planted affinities
# ----------------------------------------------------------------------------------------------
#: industry -> (clients, its pair of categories); "g" everyone buys
PLANTED = {"X": (160, ("a", "b")), "Y": (160, ("c", "d")), "Z": (160, ("e", "f"))}
CATS = ("a", "b", "c", "d", "e", "f", "g")


def planted_base(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """24 months of monthly sales (2023-01 … 2024-12): each industry buys its pair of
    categories together, but 30 % of its clients lack the second one until July 2024, when
    70 % of those start buying it; 3 % foreign categories by chance (2 % more from July).
    Returns the transactions, the cards and which clients lacked their second category."""
    rng = np.random.default_rng(seed)
    ind = np.concatenate([[k] * n for k, (n, _) in PLANTED.items()])
    n, k = len(ind), len(CATS)
    col = {c: i for i, c in enumerate(CATS)}
    has = rng.random((n, k)) < 0.03
    has[:, col["g"]] = True
    lack = rng.random(n) < 0.3
    for name, (_, (first, second)) in PLANTED.items():
        mine = ind == name
        has[mine, col[first]] = True
        has[mine, col[second]] = ~lack[mine]
    later = has | (rng.random((n, k)) < 0.02)
    for name, (_, (_, second)) in PLANTED.items():
        mine = (ind == name) & lack
        later[mine, col[second]] = rng.random(mine.sum()) < 0.7
    months = pd.date_range("2023-01-01", periods=24, freq="MS") + pd.Timedelta(days=14)
    frames = []
    for m, day in enumerate(months):
        h = has if m < 18 else later
        ci, ki = np.nonzero(h & (rng.random((n, k)) < 0.7))
        frames.append(
            pd.DataFrame(
                {
                    "client_id": [f"P{i:04d}" for i in ci],
                    "category": np.asarray(CATS)[ki],
                    "date": day,
                    "amount": np.round(rng.lognormal(7, 0.3, len(ci)), 2),
                }
            )
        )
    tx = pd.concat(frames, ignore_index=True)
    cards = pd.DataFrame(
        {"client_id": [f"P{i:04d}" for i in range(n)], "industry": ind, "size": "small"}
    )
    return tx, cards, lack


@pytest.fixture(scope="module")
def planted():
    tx, cards, lack = planted_base()
    return cross_sell(tx, as_of="2024-12-31", clients=cards), cards, lack


def test_the_peers_beat_popularity_where_affinities_are_planted(planted):
    result, _, _ = planted
    t = result.backtest
    pooled = t[t["cutoff"] == "all"].set_index("method")
    assert list(pooled.index) == ["peers", "popularity", "random"]
    assert pooled.loc["peers", "hit_rate"] > 1.5 * pooled.loc["popularity", "hit_rate"]
    assert pooled.loc["peers", "value_captured"] > 1.5 * pooled.loc["popularity", "value_captured"]
    assert pooled.loc["peers", "hit_rate"] > pooled.loc["random", "hit_rate"]
    # the cut-off after which the gaps filled: most of the peers' first picks were bought
    first = t[(t["cutoff"] == pd.Timestamp("2024-06-30")) & (t["method"] == "peers")].iloc[0]
    assert first["hits"] >= 0.5 * 0.3 * 480 * 0.7
    assert result.summary["used"] == "peers" and result.summary["beats_baseline"] is True
    # 2023-06-30 would have less than 6 months of sales before it
    assert [str(c.date()) for c in t["cutoff"][:6:3]] == ["2024-06-30", "2023-12-31"]
    assert len(t) == 2 * 3 + 3


def test_planted_gaps_come_first(planted):
    result, cards, _ = planted
    tx = planted_base()[0]
    rec = result.recommendations
    first = rec[rec["rank"] == 1].set_index("client_id")["category"]
    industry = cards.set_index("client_id")["industry"]
    # the clients without their industry's second category over the last 12 months get it
    # first, from their cell (its peers buy it at about 79 %: 1 − 0.3 × 0.3)
    gap = {"X": "b", "Y": "d", "Z": "f"}
    year = tx[tx["date"] > pd.Timestamp("2023-12-31")]
    bought = set(zip(year["client_id"], year["category"], strict=True))
    lacking = [c for c in cards["client_id"] if (c, gap[industry[c]]) not in bought]
    assert len(lacking) > 20
    assert (first.reindex(lacking) == [gap[industry[c]] for c in lacking]).all()
    assert set(rec["peer_level"]) == {"industry_size"} and set(rec["reason"]) == {"peers_buy"}


# ----------------------------------------------------------------------------------------------
# the section on the bundled sample
# ----------------------------------------------------------------------------------------------
SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


@pytest.fixture(scope="module", params=["en", "ru"])
def sample_section(request, tmp_path_factory):
    audit = Audit.build(lang=request.param, output_dir=tmp_path_factory.mktemp("xsell"))
    return audit, audit.show("cross_sell")


def test_the_section_on_the_sample(sample_section):
    audit, fragment = sample_section
    result = audit.results.cross_sell
    assert isinstance(result, X.CrossSell)
    assert fragment.startswith('<h2 id="cross-sell">')
    text = visible_text(fragment)
    assert not SNAKE.findall(text)
    assert result.summary["churn_scored"] > 0 and (result.recommendations["p_stay"] < 1).any()
    # the backtest is shown, with the verdict that matches the figures
    assert len(result.backtest) == 12 and result.summary["beats_baseline"] is not None
    verdict = "verdict.beats" if result.summary["beats_baseline"] else "verdict.baseline"
    assert WX.say(verdict, audit.lang) in text
    if audit.lang == "ru":
        assert CYRILLIC_WORD.search(text)
        left = words(fragment, proper_names(audit, {}), LATIN_WORD) - ALLOWED
        assert not left, sorted(left)


def test_without_categories_the_section_says_why(tmp_path):
    data = rk.load(rk.sample_path())
    data = dataclasses.replace(data, transactions=data.transactions.drop(columns=["category"]))
    audit = Audit.build(data, lang="ru", output_dir=tmp_path, churn=False)
    assert audit.results.cross_sell is None
    fragment = audit.show("cross_sell")
    assert fragment.startswith('<h2 id="cross-sell">')
    assert (
        visible_text(fragment).split()
        == visible_text(f"{WX.say('h.cross_sell', 'ru')} {WX.say('na.columns', 'ru')}").split()
    )
