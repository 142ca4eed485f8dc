"""Tests of reportkit.analysis.dynamics: flows, revenue bridge, churn, trend, cohorts, migration.

Expected values come from a tiny base worked out by hand (dates spelled out below) and from a
slow day-by-day reference simulation written here from the definitions in DESIGN.md, run on
seeded random bases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportkit.report.words import dynamics as WD

from reportkit.io.config import LifecycleRules
from reportkit.analysis.dynamics import (BaseTrend, base_trend, cohort_trend, cohort_triangle,
                                cohorts, flows, migration_matrix, revenue_bridge)
from reportkit.errors import InputError, ParameterError
from reportkit.analysis.lifecycle import Lifecycle


# --- building panels in the test (independent of reportkit.core.panel) --------------------------------

def panel_of(tx: pd.DataFrame) -> pd.DataFrame:
    """Client-month panel with the panel's definitions: an order is a day with a purchase
    (amount > 0); first/last order day over purchase days (NaT in a month of returns only)."""
    tx = tx.copy()
    tx["month"] = tx["date"].dt.to_period("M").dt.to_timestamp()
    buy = tx[tx["amount"] > 0]
    g = tx.groupby(["client_id", "month"])
    gb = buy.groupby(["client_id", "month"])
    out = pd.DataFrame({"revenue": g["amount"].sum()})
    out["orders"] = gb["date"].nunique().reindex(out.index).fillna(0).astype("int64")
    out["first_order_day"] = gb["date"].min().reindex(out.index)
    out["last_order_day"] = gb["date"].max().reindex(out.index)
    return out.reset_index()


def random_transactions(seed: int, n_clients: int = 40, start: str = "2020-01-01",
                        end: str = "2023-12-31") -> pd.DataFrame:
    """Clients with different rhythms: frequent, regular, sparse, and bursty with long pauses;
    a few negative amounts (returns) on their own days."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    rows = []
    for c in range(n_clients):
        kind = int(rng.integers(0, 4))
        t = int(rng.integers(0, len(days) - 1))
        while t < len(days):
            amount = float(rng.integers(-20, 300))
            rows.append((f"c{c:03d}", days[t], amount if amount != 0 else 1.0))
            gap = {0: rng.integers(1, 60), 1: rng.integers(20, 200), 2: rng.integers(100, 700),
                   3: rng.integers(1, 30) if rng.random() < 0.9 else rng.integers(300, 900)}[kind]
            t += int(gap)
            if rng.random() < 0.03:
                break
    return pd.DataFrame(rows, columns=["client_id", "date", "amount"])


# --- the slow reference ------------------------------------------------------------------------

def period_of(day: pd.Timestamp, freq: str) -> pd.Period:
    return day.to_period("M" if freq == "M" else "Q")


def reference(tx: pd.DataFrame, *, as_of: str, freq: str = "M", dead_days: int = 365,
              multiple: float = 3.0) -> dict:
    """Walk every day of every client's life and record the events by period.

    A client is alive on a day if it has bought and (day − last purchase) <= max(dead_days,
    multiple × (last − first) / (purchases − 1)); the base at a period end counts alive clients.
    """
    as_of = pd.Timestamp(as_of)
    tx = tx[tx["date"] <= as_of]
    per = "M" if freq == "M" else "Q"
    last_period = as_of.to_period(per)
    if last_period.end_time.normalize() > as_of:
        last_period -= 1
    first_period = tx["date"].min().to_period(per)
    periods = pd.period_range(first_period, last_period, freq=per)
    zero = {p: 0 for p in periods}
    ev = {k: dict(zero) for k in ("new", "lost", "react")}
    lost_from_start = {p: set() for p in periods}   # clients of the starting base that died
    lost12 = {p: 0.0 for p in periods}
    alive_at_end = {p: 0 for p in periods}
    kind = {}                                  # (client, period) -> new / react
    cohort_of = {}
    all_days = pd.date_range(tx["date"].min(), as_of, freq="D")
    day_period = [period_of(d, freq) for d in all_days]
    period_end = [d == p.end_time.normalize() for d, p in zip(all_days, day_period)]
    for cid, g in tx.groupby("client_id"):
        buys = sorted(set(g.loc[g["amount"] > 0, "date"]))
        if not buys:
            continue
        cohort_of[cid] = period_of(buys[0], freq)
        buy_set = set(buys)
        rev_by_month = g.groupby(g["date"].dt.to_period("M"))["amount"].sum()
        n = 0
        first = last = None
        state = "N"
        alive_at_start_of = None
        prev_state_at_period_end = "N"
        for day, p, is_end in zip(all_days, day_period, period_end):
            if day in buy_set:
                n += 1
                first = first or day
                last = day
            if n == 0:
                new_state = "N"
            else:
                limit = dead_days
                if n >= 2:
                    limit = max(dead_days, multiple * (last - first).days / (n - 1))
                new_state = "D" if (day - last).days > limit else "A"
            if p in zero:
                if state == "N" and new_state == "A":
                    ev["new"][p] += 1
                    kind[(cid, p)] = "new"
                elif state == "A" and new_state == "D":
                    ev["lost"][p] += 1
                    lm = last.to_period("M")
                    lost12[p] += float(sum(v for m, v in rev_by_month.items()
                                           if lm - 11 <= m <= lm))
                    if prev_state_at_period_end == "A" and alive_at_start_of == p:
                        lost_from_start[p].add(cid)
                elif state == "D" and new_state == "A":
                    ev["react"][p] += 1
                    kind.setdefault((cid, p), "react")
            state = new_state
            if is_end:
                if p in zero and state == "A":
                    alive_at_end[p] += 1
                prev_state_at_period_end = state
                alive_at_start_of = p + 1
    base_end = [alive_at_end[p] for p in periods]
    base_start = [0] + base_end[:-1]
    return {"periods": [str(p) for p in periods], "base_start": base_start,
            "new": [ev["new"][p] for p in periods], "lost": [ev["lost"][p] for p in periods],
            "reactivated": [ev["react"][p] for p in periods],
            "retained": [s - len(lost_from_start[p]) for s, p in zip(base_start, periods)],
            "base_end": base_end, "revenue_lost_12m": [lost12[p] for p in periods],
            "kind": kind, "cohort_of": cohort_of, "tx": tx, "freq": freq,
            "period_list": list(periods)}


# --- the hand-worked base ------------------------------------------------------------------------

def hand_transactions() -> pd.DataFrame:
    # A: one order 2023-01-10 (100) -> dies 366 days later, 2024-01-11.
    # B: 2023-01-15 (10), 2023-02-15 (20), 2023-03-15 (30); interval 29.5 -> limit 365 ->
    #    dies 2024-03-15 (2023-03-15 + 366 days; 2024 is a leap year).
    # C: 2023-03-05 (50) -> dies 2024-03-05; comes back 2024-05-02 (70).
    return pd.DataFrame({
        "client_id": ["A", "B", "B", "B", "C", "C"],
        "date": pd.to_datetime(["2023-01-10", "2023-01-15", "2023-02-15", "2023-03-15",
                                "2023-03-05", "2024-05-02"]),
        "amount": [100.0, 10.0, 20.0, 30.0, 50.0, 70.0],
    })


def test_flows_by_hand():
    f = flows(panel_of(hand_transactions()), as_of="2024-06-30").set_index("period")
    assert list(f.index) == [str(p) for p in pd.period_range("2023-01", "2024-06", freq="M")]
    expected_base = {"2023-01": 2, "2023-02": 2, "2023-03": 3, "2023-12": 3, "2024-01": 2,
                     "2024-02": 2, "2024-03": 0, "2024-04": 0, "2024-05": 1, "2024-06": 1}
    for period, base in expected_base.items():
        assert f.loc[period, "base_end"] == base, period
    assert f["new"].sum() == 3 and f.loc["2023-01", "new"] == 2 and f.loc["2023-03", "new"] == 1
    assert f.loc["2024-01", "lost"] == 1 and f.loc["2024-03", "lost"] == 2
    assert f["lost"].sum() == 3
    assert f.loc["2024-05", "reactivated"] == 1 and f["reactivated"].sum() == 1
    assert f.loc["2024-03", "retained"] == 0 and f.loc["2024-02", "retained"] == 2
    assert f.loc["2024-01", "churn_rate"] == pytest.approx(1 / 3)
    assert f.loc["2024-03", "churn_rate"] == pytest.approx(1.0)
    assert np.isnan(f.loc["2024-04", "churn_rate"])          # empty base at the start
    # a year of lost clients over the base a year earlier:
    # 2024-01: lost Feb 2023 … Jan 2024 = 1, base at the end of Jan 2023 = 2
    assert f.loc["2024-01", "churn_rate_annual"] == pytest.approx(0.5)
    # 2024-03: lost Apr 2023 … Mar 2024 = 3, base at the end of Mar 2023 = 3
    assert f.loc["2024-03", "churn_rate_annual"] == pytest.approx(1.0)
    assert np.isnan(f.loc["2023-11", "churn_rate_annual"])   # less than a year of history
    # A's revenue in the 12 months to its last order: 100; B's: 60, C's: 50
    assert f.loc["2024-01", "revenue_lost_12m"] == 100.0
    assert f.loc["2024-03", "revenue_lost_12m"] == 110.0
    assert f.loc["2024-03", "period_start"] == pd.Timestamp("2024-03-01")
    assert f.loc["2024-03", "period_end"] == pd.Timestamp("2024-03-31")


def test_leaving_and_coming_back_is_lost_then_reactivated_never_new_twice():
    f = flows(panel_of(hand_transactions()), as_of="2024-06-30")
    c_only = panel_of(hand_transactions().query("client_id == 'C'"))
    fc = flows(c_only, as_of="2024-06-30").set_index("period")
    assert fc["new"].sum() == 1 and fc["lost"].sum() == 1 and fc["reactivated"].sum() == 1
    assert fc.loc["2024-03", "lost"] == 1 and fc.loc["2024-05", "reactivated"] == 1
    assert f["new"].sum() == 3                                 # A, B, C once each


def test_start_and_quarters_by_hand():
    p = panel_of(hand_transactions())
    f = flows(p, as_of="2024-06-30", start="2024-01")
    assert f["period"].tolist() == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05",
                                    "2024-06"]
    assert f["base_start"].iloc[0] == 3                      # history before start counts
    q = flows(p, as_of="2024-06-30", freq="Q").set_index("period")
    assert list(q.index) == ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    assert q["base_end"].tolist() == [3, 3, 3, 3, 0, 1]
    assert q.loc["2024Q1", "lost"] == 3 and q.loc["2024Q2", "reactivated"] == 1
    # as_of in the middle of a quarter: the last complete quarter is shown
    q2 = flows(p, as_of="2024-05-31", freq="quarter")
    assert q2["period"].iloc[-1] == "2024Q1"


def test_data_after_as_of_is_ignored():
    p = panel_of(hand_transactions())
    f = flows(p, as_of="2024-04-30")
    assert f["period"].iloc[-1] == "2024-04" and f["reactivated"].sum() == 0
    assert f["base_end"].iloc[-1] == 0


def test_revenue_bridge_by_hand():
    b = revenue_bridge(panel_of(hand_transactions()), as_of="2024-06-30").set_index("period")
    # Feb 2023: B 20 (was 10), A 0 (was 100)
    assert b.loc["2023-02", "revenue"] == 20.0 and b.loc["2023-02", "revenue_prev"] == 110.0
    assert b.loc["2023-02", "revenue_new"] == 0.0
    assert b.loc["2023-02", "retained_growth"] == 10.0
    assert b.loc["2023-02", "retained_decline"] == 100.0
    assert b.loc["2023-02", "revenue_retained_prev"] == 110.0
    # Mar 2023: C is new (50), B grows 20 -> 30
    assert b.loc["2023-03", "revenue_new"] == 50.0
    assert b.loc["2023-03", "revenue_retained"] == 30.0
    assert b.loc["2023-03", "retained_growth"] == 10.0
    assert b.loc["2023-03", "retained_decline"] == 0.0
    # May 2024: C comes back
    assert b.loc["2024-05", "revenue_reactivated"] == 70.0
    assert b.loc["2024-05", "revenue_retained"] == 0.0
    assert b.loc["2023-01", "revenue_new"] == 110.0
    assert b.loc["2024-03", "revenue_lost_12m"] == 110.0


def test_cohorts_by_hand():
    c = cohorts(panel_of(hand_transactions()), as_of="2024-06-30").set_index(["cohort", "age"])
    assert c.loc[("2023-01", 0), "cohort_size"] == 2
    assert c.loc[("2023-01", 0), "active_clients"] == 2
    assert c.loc[("2023-01", 0), "revenue"] == 110.0
    assert c.loc[("2023-01", 1), "retention"] == 0.5 and c.loc[("2023-01", 1), "revenue"] == 20.0
    assert c.loc[("2023-01", 3), "active_clients"] == 0
    assert c.loc[("2023-01", 17), "retention"] == 0.0      # June 2024 is age 17
    assert ("2023-01", 18) not in c.index                  # not observed yet
    assert c.loc[("2023-03", 14), "active_clients"] == 1   # C again in May 2024
    assert c.loc[("2023-03", 14), "revenue_per_client"] == 70.0
    assert c.loc[("2023-02", 0), "cohort_size"] == 0       # nobody started in Feb 2023
    assert np.isnan(c.loc[("2023-02", 0), "retention"])
    tri = cohort_triangle(c.reset_index())
    assert list(tri.index) == ["2023-01", "2023-03"]
    assert tri.loc["2023-03", 15] == 0.0 and np.isnan(tri.loc["2023-03", 16])
    q = cohorts(panel_of(hand_transactions()), as_of="2024-06-30", freq="Q")
    q = q.set_index(["cohort", "age"])
    assert q.loc[("2023Q1", 0), "cohort_size"] == 3 and q.loc[("2023Q1", 0), "revenue"] == 210.0
    assert q.loc[("2023Q1", 5), "retention"] == pytest.approx(1 / 3)
    assert q.loc[("2023Q1", 5), "revenue"] == 70.0


def test_cohort_trend_by_hand():
    rows = []
    # four cohorts of 10 clients; at age 1 the old ones keep 6 and 4, the new ones 3 and 1
    for cohort, active in (("2023-01", 6), ("2023-02", 4), ("2023-03", 3), ("2023-04", 1)):
        rows.append({"cohort": cohort, "age": 0, "cohort_size": 10, "active_clients": 10})
        rows.append({"cohort": cohort, "age": 1, "cohort_size": 10, "active_clients": active})
    t = cohort_trend(pd.DataFrame(rows), ages=(1, 5), recent=2).set_index("age")
    assert t.loc[1, "recent_retention"] == pytest.approx(0.2)
    assert t.loc[1, "older_retention"] == pytest.approx(0.5)
    assert t.loc[1, "verdict"] == "worse" and t.loc[1, "recent_cohorts"] == "2023-03…2023-04"
    assert t.loc[5, "verdict"] == "n/a"


# --- properties on random bases (against the slow reference) ------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_flows_match_reference_and_balance(seed):
    tx = random_transactions(seed)
    ref = reference(tx, as_of="2023-09-30")
    f = flows(panel_of(tx), as_of="2023-09-30")
    assert f["period"].tolist() == ref["periods"]
    for column in ("base_start", "new", "retained", "reactivated", "lost", "base_end"):
        assert f[column].tolist() == ref[column], column
    assert np.allclose(f["revenue_lost_12m"], ref["revenue_lost_12m"])
    assert (f["base_start"] + f["new"] + f["reactivated"] - f["lost"] == f["base_end"]).all()
    assert f["lost"].sum() > 0 and f["reactivated"].sum() > 0       # the test has teeth


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_quarterly_flows_with_tight_rules_match_reference(seed):
    tx = random_transactions(seed, n_clients=30)
    rules = LifecycleRules(dead_days=60, dead_interval_multiple=2.0)
    ref = reference(tx, as_of="2023-11-30", freq="Q", dead_days=60, multiple=2.0)
    f = flows(panel_of(tx), as_of="2023-11-30", freq="Q", rules=rules)
    assert f["period"].tolist() == ref["periods"]
    for column in ("base_start", "new", "retained", "reactivated", "lost", "base_end"):
        assert f[column].tolist() == ref[column], column
    assert (f["base_start"] + f["new"] + f["reactivated"] - f["lost"] == f["base_end"]).all()


@pytest.mark.parametrize("seed", [0, 3])
def test_revenue_bridge_matches_reference(seed):
    tx = random_transactions(seed)
    ref = reference(tx, as_of="2023-09-30")
    b = revenue_bridge(panel_of(tx), as_of="2023-09-30")
    t = ref["tx"].assign(period=ref["tx"]["date"].dt.to_period("M"))
    per_client = t.groupby(["client_id", "period"])["amount"].sum()
    periods = ref["period_list"]
    for i, p in enumerate(periods):
        cur = per_client.xs(p, level="period") if p in per_client.index.levels[1] else \
            pd.Series(dtype=float)
        prev = (per_client.xs(p - 1, level="period") if (p - 1) in per_client.index.levels[1]
                else pd.Series(dtype=float))
        ids = set(cur.index) | set(prev.index)
        new = react = ret = ret_prev = grow = decl = 0.0
        for cid in ids:
            c, q = float(cur.get(cid, 0.0)), float(prev.get(cid, 0.0))
            k = ref["kind"].get((cid, p))
            if k == "new":
                new += c
            elif k == "react":
                react += c
            else:
                ret += c
                ret_prev += q
                grow += max(c - q, 0.0)
                decl += max(q - c, 0.0)
        row = b.iloc[i]
        assert row["period"] == str(p)
        assert row["revenue"] == pytest.approx(float(cur.sum()))
        assert row["revenue_prev"] == pytest.approx(float(prev.sum()))
        assert row["revenue_new"] == pytest.approx(new)
        assert row["revenue_reactivated"] == pytest.approx(react)
        assert row["revenue_retained"] == pytest.approx(ret)
        assert row["revenue_retained_prev"] == pytest.approx(ret_prev)
        assert row["retained_growth"] == pytest.approx(grow)
        assert row["retained_decline"] == pytest.approx(decl)
    # the two identities of the bridge
    assert np.allclose(b["revenue"], b["revenue_new"] + b["revenue_reactivated"]
                       + b["revenue_retained"])
    assert np.allclose(b["revenue_retained"], b["revenue_retained_prev"] + b["retained_growth"]
                       - b["retained_decline"])


@pytest.mark.parametrize("seed", [1, 2])
def test_cohorts_match_reference(seed):
    tx = random_transactions(seed)
    ref = reference(tx, as_of="2023-12-31")
    c = cohorts(panel_of(tx), as_of="2023-12-31").set_index(["cohort", "age"])
    t = ref["tx"].assign(period=ref["tx"]["date"].dt.to_period("M"))
    periods = ref["period_list"]
    active, revenue, size = {}, {}, {}
    for cid, cohort in ref["cohort_of"].items():
        size[cohort] = size.get(cohort, 0) + 1
    for (cid, p), g in t.groupby(["client_id", "period"]):
        if cid not in ref["cohort_of"]:
            continue
        cell = (str(ref["cohort_of"][cid]), p.ordinal - ref["cohort_of"][cid].ordinal)
        if (g["amount"] > 0).any():
            active[cell] = active.get(cell, 0) + 1
        revenue[cell] = revenue.get(cell, 0.0) + float(g["amount"].sum())
    n_cells = 0
    for i, cohort in enumerate(periods):
        for age in range(len(periods) - i):
            cell = (str(cohort), age)
            got = c.loc[cell]
            assert got["cohort_size"] == size.get(cohort, 0)
            assert got["active_clients"] == active.get(cell, 0)
            assert got["revenue"] == pytest.approx(revenue.get(cell, 0.0))
            n_cells += 1
    assert len(c) == n_cells
    assert sum(active.values()) > 100                     # the test has teeth


def test_row_order_and_currency_scaling():
    p = panel_of(random_transactions(9))
    f1 = flows(p, as_of="2023-12-31")
    f2 = flows(p.sample(frac=1.0, random_state=1), as_of="2023-12-31")
    pd.testing.assert_frame_equal(f1, f2)
    b1 = revenue_bridge(p, as_of="2023-12-31")
    b2 = revenue_bridge(p.assign(revenue=p["revenue"] * 100), as_of="2023-12-31")
    money = ["revenue", "revenue_new", "retained_growth", "revenue_lost_12m"]
    assert np.allclose(b1[money] * 100, b2[money])


def test_inputs_are_not_mutated():
    p = panel_of(hand_transactions())
    p0 = p.copy()
    flows(p, as_of="2024-06-30")
    revenue_bridge(p, as_of="2024-06-30")
    cohorts(p, as_of="2024-06-30")
    pd.testing.assert_frame_equal(p, p0)


# --- base trend -----------------------------------------------------------------------------------

def trend_frame(base, churn=None):
    churn = churn if churn is not None else [0.02] * len(base)
    return pd.DataFrame({"period": [f"2024-{i + 1:02d}" for i in range(len(base))],
                         "base_end": base, "churn_rate": churn,
                         "churn_rate_annual": [np.nan] * (len(base) - 1) + [0.2]})


def test_base_trend_rule_by_hand():
    # slope 4 per month, mean 106: fitted change 4 × 3 / 106 = 0.113 > 0.05
    t = base_trend(trend_frame([100, 104, 108, 112]))
    assert t.label == "growing" and t.slope == pytest.approx(4.0)
    assert t.relative_change == pytest.approx(12 / 106)
    # slope −0.3, mean 100: change −0.009 -> stagnating
    assert base_trend(trend_frame([100, 101, 99, 100])).label == "stagnating"
    assert base_trend(trend_frame([120, 110, 100, 90])).label == "eroding"
    assert base_trend(trend_frame([100, 90])).label == "unknown"
    # only the last `periods` rows count
    assert base_trend(trend_frame([50, 60, 100, 100, 100]), periods=3).label == "stagnating"
    c = base_trend(trend_frame([100] * 4, churn=[0.01, 0.02, 0.03, 0.04]))
    assert c.churn_rate_mean == pytest.approx(0.025) and c.churn_rate_slope == pytest.approx(0.01)
    assert c.churn_rate_annual == pytest.approx(0.2)


def test_base_trend_text():
    t = base_trend(trend_frame([120, 110, 100, 90]))
    assert WD.trend_text(t).startswith("The base is shrinking: 120 → 90 clients over 4 months")
    assert WD.trend_text(t, "ru").startswith("База сокращается: 120 → 90 клиентов за 4 месяца")
    assert "20.0% over the last year" in WD.trend_text(t)
    assert isinstance(t.summary, pd.DataFrame) and t.summary["label"].iloc[0] == "eroding"


def test_base_trend_on_flows():
    f = flows(panel_of(random_transactions(2)), as_of="2023-12-31")
    t = base_trend(f)
    assert isinstance(t, BaseTrend) and t.periods == 12
    assert t.base_last == f["base_end"].iloc[-1]


# --- migration ------------------------------------------------------------------------------------

def lifecycle(as_of, rows):
    frame = pd.DataFrame(rows, columns=["client_id", "block", "revenue_window"])
    frame["block"] = pd.Categorical(frame["block"])
    frame["zone"] = "life"
    frame["reason"] = ""
    return Lifecycle(clients=frame, summary=pd.DataFrame(), vip_review=pd.DataFrame(),
                     as_of=pd.Timestamp(as_of))


def test_migration_matrix_by_hand():
    before = lifecycle("2024-05-31", [("x", "regular", 100.0), ("y", "regular", 300.0),
                                      ("u", "regular", 50.0), ("z", "working", 20.0),
                                      ("w", "potential", 0.0)])
    after = lifecycle("2024-06-30", [("x", "regular", 110.0), ("y", "dead_reanimatable", 0.0),
                                     ("u", "dead_reanimatable", 0.0), ("z", "regular", 40.0),
                                     ("w", "working", 10.0), ("v", "working", 5.0)])
    m = migration_matrix(before, after)
    cells = {(r.block_from, r.block_to): (r.n_clients, r.revenue_from, r.revenue_to)
             for r in m.summary.itertuples()}
    assert cells == {("regular", "regular"): (1, 100.0, 110.0),
                     ("regular", "dead_reanimatable"): (2, 350.0, 0.0),
                     ("working", "regular"): (1, 20.0, 40.0),
                     ("potential", "working"): (1, 0.0, 10.0),
                     ("none", "working"): (1, 0.0, 5.0)}
    counts = m.matrix()
    assert counts.shape == (10, 9)                   # "none" + 9 blocks, 9 blocks
    assert counts.loc["regular", "dead_reanimatable"] == 2
    assert counts.to_numpy().sum() == 6
    assert m.matrix("revenue_from").loc["regular", "dead_reanimatable"] == 350.0
    assert WD.moves(m)[0] == ("2 clients moved from Regular to Dead, can be reactivated (revenue "
                            "over the previous window 350).")
    assert WD.moves(m, "ru")[0] == ("2 клиента перешли из «Постоянные» в «Ушедшие, можно "
                                     "вернуть» (выручка за предыдущее окно 350).")
    assert "<table" in m._repr_html_() and "dead_reanimatable" in m._repr_html_()
    with pytest.raises(InputError, match="earlier lifecycle first"):
        migration_matrix(after, before)
    with pytest.raises(InputError, match="must be a Lifecycle"):
        migration_matrix(before.clients, after)


# --- errors ---------------------------------------------------------------------------------------

def test_errors():
    p = panel_of(hand_transactions())
    with pytest.raises(ParameterError, match="`as_of` must be the last day of a month"):
        flows(p, as_of="2024-06-15")
    with pytest.raises(ParameterError, match="`freq` must be 'M'"):
        flows(p, as_of="2024-06-30", freq="W")
    with pytest.raises(ParameterError, match="`start` must be"):
        flows(p, as_of="2024-06-30", start="2025-01")
    with pytest.raises(InputError, match="no column"):
        flows(p.drop(columns="orders"), as_of="2024-06-30")
    with pytest.raises(InputError, match="repeated client-month rows"):
        flows(pd.concat([p, p.iloc[[0]]]), as_of="2024-06-30")
    with pytest.raises(InputError, match="must be a Panel"):
        cohorts([1, 2], as_of="2024-06-30")
    bad = p.copy()
    bad.loc[0, "first_order_day"] = pd.Timestamp("2022-01-01")
    with pytest.raises(InputError, match="not inside the row's month"):
        flows(bad, as_of="2024-06-30")
    with pytest.raises(ParameterError, match="`value` must be one of"):
        cohort_triangle(cohorts(p, as_of="2024-06-30"), value="nope")
    with pytest.raises(InputError, match="flows()"):
        base_trend(pd.DataFrame({"x": [1]}))
    with pytest.raises(ParameterError, match="`rules.dead_days`"):
        flows(p, as_of="2024-06-30", rules=LifecycleRules(dead_days=0))


# --- figures ------------------------------------------------------------------------------------

def test_dynamics_figures():
    from matplotlib.figure import Figure

    from reportkit.report.plots_lifecycle import (churn_rate_chart, cohort_heatmap, flows_chart,
                                           migration_heatmap, revenue_bridge_chart)

    p = panel_of(hand_transactions())
    f = flows(p, as_of="2024-06-30")
    b = revenue_bridge(p, as_of="2024-06-30")
    c = cohorts(p, as_of="2024-06-30")
    for lang in ("en", "ru"):
        figs = [flows_chart(f, lang=lang), churn_rate_chart(f, lang=lang),
                revenue_bridge_chart(b, lang=lang), revenue_bridge_chart(b, period="2023-03"),
                cohort_heatmap(c, lang=lang), cohort_heatmap(c, value="revenue_per_client")]
        assert all(isinstance(fig, Figure) for fig in figs)
    assert flows_chart(f).axes[0].get_title() == "Clients gained and lost per month"
    # the waterfall for March 2023: previous 20, growth 10, decline 0, new 50, reactivated 0, 80
    ax = revenue_bridge_chart(b, period="2023-03").axes[0]
    heights = [round(r.get_height(), 6) for r in ax.patches]
    assert heights == [20.0, 10.0, 0.0, 50.0, 0.0, 80.0]
    assert ax.get_title() == "Revenue bridge, 2023-03"
    before = lifecycle("2024-05-31", [("x", "regular", 1.0)])
    after = lifecycle("2024-06-30", [("x", "dead_lost", 0.0)])
    fig = migration_heatmap(migration_matrix(before, after), lang="ru")
    assert "Переходы" in fig.axes[0].get_title()
    with pytest.raises(ParameterError, match="`period` must be one of the bridge's periods"):
        revenue_bridge_chart(b, period="1999-01")
    with pytest.raises(InputError, match="needs a Migration"):
        migration_heatmap(pd.DataFrame())


# --- consistency with reportkit.core.snapshot + reportkit.analysis.lifecycle ------------------------------------

@pytest.mark.parametrize("seed", [11, 12])
def test_base_matches_classify_of_snapshots(seed):
    """The base at each period end = clients in a living block of classify(snapshot(...))."""
    from reportkit.analysis.lifecycle import LIVING_BLOCKS, classify
    from reportkit.core.panel import build_panel
    from reportkit.core.snapshot import snapshot

    tx = random_transactions(seed, n_clients=60)
    panel = build_panel(tx)
    f = flows(panel, as_of="2023-12-31", start="2022-01").set_index("period")
    for end in ("2022-03-31", "2022-12-31", "2023-06-30", "2023-12-31"):
        lc = classify(snapshot(panel, as_of=end))
        living = int(lc.clients["block"].isin(LIVING_BLOCKS).sum())
        assert f.loc[end[:7], "base_end"] == living, end
    # the panel object and its frame give the same answer
    pd.testing.assert_frame_equal(f.reset_index(),
                                  flows(panel.frame, as_of="2023-12-31", start="2022-01"))


def test_migration_from_panel_matches_cross_tab_of_two_classifications():
    from reportkit.analysis.dynamics import migration
    from reportkit.analysis.lifecycle import classify
    from reportkit.core.panel import build_panel
    from reportkit.core.snapshot import snapshot

    tx = random_transactions(13, n_clients=80)
    panel = build_panel(tx)
    m = migration(panel, as_of="2023-06-30")
    assert m.before == pd.Timestamp("2023-05-31") and m.after == pd.Timestamp("2023-06-30")
    a = classify(snapshot(panel, as_of="2023-05-31")).clients.set_index("client_id")["block"]
    b = classify(snapshot(panel, as_of="2023-06-30")).clients.set_index("client_id")["block"]
    both = pd.DataFrame({"a": a.astype(str), "b": b.astype(str)}).fillna("none")
    expected = both.groupby(["a", "b"]).size().to_dict()
    got = {(r.block_from, r.block_to): r.n_clients for r in m.summary.itertuples()}
    assert got == expected
    q = migration(panel, as_of="2023-06-30", freq="Q")
    assert q.before == pd.Timestamp("2023-03-31")
    with pytest.raises(ParameterError, match="`previous` must be a month end before as_of"):
        migration(panel, as_of="2023-06-30", previous="2023-07-31")


def test_dynamics_bundle():
    from reportkit.analysis.dynamics import Dynamics, dynamics
    from reportkit.core.panel import build_panel

    panel = build_panel(random_transactions(14, n_clients=80))
    d = dynamics(panel, as_of="2023-12-31", start="2023-01")
    assert isinstance(d, Dynamics)
    pd.testing.assert_frame_equal(d.flows, flows(panel, as_of="2023-12-31", start="2023-01"))
    pd.testing.assert_frame_equal(d.bridge, revenue_bridge(panel, as_of="2023-12-31",
                                                           start="2023-01"))
    pd.testing.assert_frame_equal(d.cohorts, cohorts(panel, as_of="2023-12-31", start="2023-01"))
    assert d.trend == base_trend(d.flows)
    assert d.migration is not None and d.migration.after == pd.Timestamp("2023-12-31")
    r = d.flows.iloc[-1]
    assert WD.text(d)[1].startswith(f"December 2023: {r['new']} new, {r['reactivated']} reactivated, "
                                  f"{r['lost']} lost")
    assert WD.text(d, "ru")[0].startswith("База ")
    wide = d.by_period()
    assert len(wide) == 12 and {"base_end", "revenue_new"} <= set(wide.columns)
    assert "<table" in d._repr_html_() and "churn_rate" in d._repr_html_()
    assert dynamics(panel.frame, as_of="2023-12-31", migration=False).migration is None


def test_labels_for_the_report_text():
    from reportkit.report.text import t

    assert t("dynamics.base_start", "ru") == "База на начало"
    assert t("dynamics.trend.eroding", "en") == "eroding"
    assert t("lifecycle.usual_interval_days", "en") == "Usual cycle, days"


def test_empty_panel_up_to_as_of():
    p = panel_of(hand_transactions())
    with pytest.raises(InputError, match="no rows up to 2022-12-31"):
        flows(p, as_of="2022-12-31")


@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-06-30", "2024-03-31"])
@pytest.mark.parametrize("freq", ["M", "Q"])
def test_history_from_panel_arrays_equals_history_from_frame(as_of, freq):
    """The history read from a Panel's arrays (no frame of text ids: #18, 10M clients) is the
    one read from its frame, field by field (the slow, obvious path)."""
    import dataclasses

    import reportkit as rk
    from reportkit.analysis.dynamics import history as H
    from reportkit.io.config import LifecycleRules

    panel = rk.build_panel(rk.load(rk.sample_path()))
    day = pd.Timestamp(as_of)
    a = H._history(panel, as_of=day, freq=freq, rules=LifecycleRules())
    b = H._history(panel.frame, as_of=day, freq=freq, rules=LifecycleRules())
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f.name
        elif isinstance(x, pd.Index):
            assert x.equals(y), f.name
        else:
            assert x == y, f.name
