"""Tests of reportkit.analysis.lifecycle: the eight-block matrix and the reactivation list.

Every expected value is worked out by hand below (dates and day counts are spelled out in the
comments) or by the slow reference implementation ``reference_blocks`` written here from the
rules in DESIGN.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportkit.io.config import LifecycleRules
from reportkit.errors import InputError, ParameterError
from reportkit.analysis.lifecycle import (REASONS, BLOCKS, Lifecycle, classify, full_months,
                                          reactivation_list)
from reportkit.report.words import lifecycle as W
from reportkit.report.text import count_phrase



def worded(lc, lang="en"):
    """The reasons of a lifecycle as the report words them, by client id."""
    return W.reasons(lc, lang).set_axis(lc.clients["client_id"])


def note_texts(lc, lang="en"):
    return W.notes(lc, lang)

AS_OF = pd.Timestamp("2024-06-30")
DAY = pd.Timedelta(days=1)


def row(cid, *, orders, first=None, last=None, silent=None, span=None, revenue_total=100.0,
        revenue_window=100.0, revenue_prev_window=None, best12=None, margin_window=None):
    """One snapshot row computed from plain facts (independently of reportkit.core.snapshot)."""
    if orders == 0:
        first = last = None
    else:
        if silent is not None:
            last = AS_OF - silent * DAY
        last = pd.Timestamp(last) if last is not None else pd.Timestamp(first)
        first = (last - span * DAY) if span is not None else pd.Timestamp(first)
    rec = {
        "client_id": cid, "as_of": AS_OF, "first_order": first, "last_order": last,
        "recency_days": (AS_OF - last).days if orders else np.nan,
        "tenure_days": (AS_OF - first).days if orders else np.nan,
        "orders_total": orders,
        "interval_days": (last - first).days / (orders - 1) if orders >= 2 else np.nan,
        "revenue_total": revenue_total if orders else 0.0,
        "revenue_window": revenue_window if orders else 0.0,
        "revenue_prev_window": (revenue_window if revenue_prev_window is None
                                else revenue_prev_window) if orders else 0.0,
        "best12_revenue": (best12 if best12 is not None else revenue_window) if orders else 0.0,
    }
    if margin_window is not None:
        rec["margin_window"] = margin_window
    return rec


def frame(rows):
    df = pd.DataFrame(rows)
    for c in ("first_order", "last_order"):
        df[c] = pd.to_datetime(df[c])
    return df


def blocks_of(lc: Lifecycle) -> dict:
    return dict(zip(lc.clients["client_id"], lc.clients["block"].astype(str)))


# --- the hand-worked base -------------------------------------------------------------------------

def hand_base():
    rows = [
        # 2 vs 3 orders
        row("w2", orders=2, first="2024-01-01", last="2024-05-21"),
        row("r3", orders=3, first="2023-04-17", last="2024-05-21"),        # 14 months, 40 days
        # 9 vs 10 orders (tenure 29 months)
        row("r9", orders=9, first="2022-01-01", last="2024-06-01"),
        row("p10", orders=10, first="2022-01-01", last="2024-06-01"),
        # tenure 11 vs 12 full months with 10 orders: 2023-07-01 → 2024-06-30 is 11 months and
        # 29 days; 2023-06-30 → 2024-06-30 is exactly 12 months
        row("t11", orders=10, first="2023-07-01", last="2024-06-01"),
        row("t12", orders=10, first="2023-06-30", last="2024-06-01"),
        # silent exactly 365 days (2023-07-01 → 2024-06-30; 2024 is a leap year) vs 366
        row("s365", orders=1, first="2023-07-01"),
        row("s366", orders=1, first="2023-06-30", revenue_total=1000.0),   # dead, rich
        # 3 × interval beats 365: 3 orders 300 days apart → interval 150 → limit 450
        row("iv400", orders=3, silent=400, span=300),
        row("iv450", orders=3, silent=450, span=300),
        row("iv451", orders=3, silent=451, span=300),
        # interval 150.5 (span 301) → limit 451.5: 451 alive, 452 dead
        row("ivf451", orders=3, silent=451, span=301),
        row("ivf452", orders=3, silent=452, span=301),
        # a short interval does not shorten the 365-day limit
        row("short", orders=5, silent=200, span=120),                    # interval 30
        # dead: reanimatable or lost
        row("d2", orders=2, silent=500, span=30),
        row("d1poor", orders=1, silent=500, revenue_total=10.0),
        row("dref", orders=5, silent=500, span=100),                    # refused flag
        row("dstat", orders=5, silent=500, span=100),                   # status "Отказ"
        # flags
        row("vip1", orders=5, silent=10, span=100),
        row("vipdead", orders=5, silent=600, span=100),
        row("key1", orders=2, silent=10, span=10),                      # key + vip flags
        row("vipcheap", orders=4, silent=10, span=90, revenue_window=5.0),
        # a lead that is in the snapshot (no orders)
        row("lead_s", orders=0),
    ]
    snap = frame(rows)
    clients = pd.DataFrame({
        "client_id": ["dref", "dstat", "vip1", "vipdead", "key1", "vipcheap", "lead_a", "lead_p",
                      "lead_future", "vip_lead", "r3"],
        "status": [None, "Отказ", None, None, None, None, " В работе ", "new", "в работе",
                   None, "customer"],
        "vip": [False, False, True, True, True, True, False, False, False, True, False],
        "key_account": [False, False, False, False, True, False, False, False, False, False,
                        False],
        "refused": [True, False, False, False, False, False, False, False, False, False, False],
        "created": pd.to_datetime(["2020-01-01"] * 8 + ["2024-07-05", "2020-01-01",
                                                        "2020-01-01"]),
        "name": ["D Ref", "D Stat", "Vip One", "Vip Dead", "Key One", "Vip Cheap", "Lead A",
                 "Lead P", "Lead F", "Vip Lead", "R Three"],
        "manager": ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann"],
    })
    return snap, clients


EXPECTED = {
    "w2": "working", "r3": "regular", "r9": "regular", "p10": "proven", "t11": "regular",
    "t12": "proven", "s365": "working", "s366": "dead_reanimatable", "iv400": "regular",
    "iv450": "regular", "iv451": "dead_reanimatable", "ivf451": "regular",
    "ivf452": "dead_reanimatable", "short": "regular", "d2": "dead_reanimatable",
    "d1poor": "dead_lost", "dref": "dead_lost", "dstat": "dead_lost", "vip1": "vip",
    "vipdead": "dead_reanimatable", "key1": "key", "vipcheap": "vip", "lead_s": "potential",
    "lead_a": "active", "lead_p": "potential", "vip_lead": "potential",
}


def test_every_boundary_by_hand():
    snap, clients = hand_base()
    lc = classify(snap, clients)
    assert blocks_of(lc) == EXPECTED


def test_every_client_in_exactly_one_block():
    snap, clients = hand_base()
    lc = classify(snap, clients)
    f = lc.clients
    # snapshot clients + clients-table leads, minus the card created after as_of
    expected_ids = set(snap["client_id"]) | set(clients["client_id"]) - {"lead_future"}
    assert set(f["client_id"]) == expected_ids
    assert f["client_id"].is_unique
    assert f["block"].notna().all() and set(f["block"].astype(str)) <= set(BLOCKS)
    assert int(lc.summary["n_clients"].sum()) == len(expected_ids)
    assert list(lc.summary["block"]) == list(BLOCKS)
    zones = dict(zip(f["block"].astype(str), f["zone"].astype(str)))
    assert zones["working"] == "birth" and zones["vip"] == "life"
    assert zones["dead_lost"] == "death" and zones["active"] == "birth"


def test_row_order_does_not_matter():
    snap, clients = hand_base()
    shuffled = snap.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a = blocks_of(classify(snap, clients))
    b = blocks_of(classify(shuffled, clients.sample(frac=1.0, random_state=4)))
    assert a == b


def test_inputs_are_not_mutated():
    snap, clients = hand_base()
    s0, c0 = snap.copy(), clients.copy()
    classify(snap, clients)
    pd.testing.assert_frame_equal(snap, s0)
    pd.testing.assert_frame_equal(clients, c0)


def test_reasons_in_english_and_russian():
    snap, clients = hand_base()
    lc = classify(snap, clients)
    assert set(lc.clients["reason"]) <= set(REASONS)
    en, ru = worded(lc), worded(lc, "ru")
    assert en["r3"] == "3 orders in 14 months; last 40 days ago"
    assert ru["r3"] == "3 заказа за 14 месяцев; последний 40 дней назад"
    assert en["s365"] == "1 order, 365 days ago"
    assert ru["s365"] == "1 заказ, 365 дней назад"
    # 10 orders since 2023-06-30: 12 months; last order 2024-06-01 is 29 days before as_of
    assert ru["t12"] == "10 заказов за 12 месяцев; последний 29 дней назад"
    assert en["lead_a"] == "agreed to work (status 'В работе'), no orders yet"
    assert ru["lead_a"] == "согласился работать (статус «В работе»), заказов пока нет"
    assert en["lead_s"] == "known, no orders yet"
    assert en["s366"] == ("silent 366 days, over the limit of 365 days; worth winning back: "
                          "lifetime revenue above the median")
    assert en["iv451"] == ("silent 451 days, longer than 3 × the usual interval (150 days); "
                           "worth winning back: 3 orders")
    assert ru["iv451"] == ("молчит 451 день, дольше 3 × обычного интервала (150 дней); "
                           "стоит вернуть: 3 заказа")
    assert en["d1poor"] == ("silent 500 days, over the limit of 365 days; lost: 1 order, "
                            "lifetime revenue not above the median")
    assert en["dref"].endswith("lost: refused")
    assert en["vip1"] == "VIP flag; 5 orders in 3 months; last 10 days ago"
    assert en["key1"].startswith("key account flag; 2 orders in ")


@pytest.mark.parametrize("n, expected", [
    (1, "1 заказ"), (2, "2 заказа"), (4, "4 заказа"), (5, "5 заказов"), (11, "11 заказов"),
    (12, "12 заказов"), (14, "14 заказов"), (21, "21 заказ"), (22, "22 заказа"),
    (25, "25 заказов"), (101, "101 заказ"), (111, "111 заказов"), (0, "0 заказов")])
def test_russian_plurals(n, expected):
    assert count_phrase(n, "ru", "order") == expected


def test_day_and_month_plurals():
    assert [count_phrase(k, "ru", "day") for k in (1, 3, 7, 21, 44)] == \
        ["1 день", "3 дня", "7 дней", "21 день", "44 дня"]
    assert [count_phrase(k, "ru", "month") for k in (1, 2, 5, 41)] == \
        ["1 месяц", "2 месяца", "5 месяцев", "41 месяц"]
    assert [count_phrase(k, "en", "order") for k in (1, 2)] == ["1 order", "2 orders"]


def test_full_months_matches_pandas_offsets():
    rng = np.random.default_rng(5)
    starts = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 2000, 300), unit="D")
    for end in (pd.Timestamp("2024-02-29"), pd.Timestamp("2024-06-30"),
                pd.Timestamp("2023-02-28"), pd.Timestamp("2024-03-31")):
        got = full_months(pd.Series(starts), end)
        for s, g in zip(starts, got):
            if s > end:
                continue
            m = 0   # the largest m with s + m months <= end (pandas clips to month ends)
            while s + pd.DateOffset(months=m + 1) <= end:
                m += 1
            assert g == m, (s, end)


def test_notes_without_status_and_vip_columns():
    snap, _ = hand_base()
    lc = classify(snap)                                  # no clients table
    assert [code for code, _ in lc.notes] == ["no_status_column", "no_vip_column", "key_derived"]
    assert any("No status column" in n and "potential" in n for n in note_texts(lc))
    assert any("vip block is empty" in n for n in note_texts(lc))
    assert (lc.clients["block"] == "active").sum() == 0
    assert any("Нет столбца статуса" in n for n in note_texts(lc, "ru"))


def test_card_created_after_as_of_is_left_out_with_a_note():
    snap, clients = hand_base()
    lc = classify(snap, clients)
    assert "lead_future" not in set(lc.clients["client_id"])
    assert ("cards_created_later", {"n": 1, "as_of": AS_OF}) in lc.notes
    assert any("created after 2024-06-30" in n for n in note_texts(lc))


def test_summary_by_hand():
    snap = frame([
        row("a", orders=1, silent=10, revenue_window=100.0),
        row("b", orders=2, silent=10, span=50, revenue_window=300.0),
        row("c", orders=3, silent=10, span=50, revenue_window=600.0),
        row("d", orders=0),
    ])
    lc = classify(snap)
    s = lc.summary.set_index("block")
    assert s.loc["working", "n_clients"] == 2 and s.loc["regular", "n_clients"] == 1
    assert s.loc["potential", "n_clients"] == 1 and s.loc["dead_lost", "n_clients"] == 0
    assert s.loc["working", "revenue"] == 400.0
    assert s.loc["working", "client_share"] == pytest.approx(0.5)
    assert s.loc["regular", "revenue_share"] == pytest.approx(0.6)
    assert lc.counts()["working"] == 2
    html = lc._repr_html_()
    assert "working" in html and "<table" in html
    assert "Lifecycle(" in repr(lc)


def test_vip_review():
    snap, clients = hand_base()
    lc = classify(snap, clients)
    assert set(lc.vip_review["reason"]) == {"vip_below_median", "vip_dead", "vip_no_orders"}
    review = W.vip_review(lc).set_index("client_id")
    # vip1 earns 100 = the median revenue over the window of the living base -> not listed;
    # vipcheap earns 5 < 100; vipdead is dead; vip_lead has no orders; key1 is key, still
    # VIP-flagged, but earns the median
    assert set(review.index) == {"vipcheap", "vipdead", "vip_lead"}
    assert review.loc["vipcheap", "reason"] == (
        "flagged VIP, revenue over the window 5 is below the median client's 100")
    assert review.loc["vipdead", "reason"] == "flagged VIP but dead: silent 600 days"
    assert review.loc["vip_lead", "reason"] == "flagged VIP but has no orders"
    assert any("VIP" in n and "to review" in n for n in note_texts(lc))


def test_vip_with_negative_margin_is_reviewed():
    snap = frame([row("v", orders=4, silent=10, span=90, revenue_window=500.0, margin_window=-5.0),
                  row("o", orders=4, silent=10, span=90, revenue_window=100.0, margin_window=5.0)])
    clients = pd.DataFrame({"client_id": ["v"], "vip": [True]})
    review = W.vip_review(classify(snap, clients))
    assert review["client_id"].tolist() == ["v"]
    assert review["reason"].iloc[0] == "flagged VIP, negative margin over the window"
    assert review["margin_window"].iloc[0] == -5.0


def derived_key_base():
    # all proven: 12 orders over 2 years; revenue over the window 500/300/150/50 (total 1000)
    def proven(cid, rev, prev=None, margin=None):
        return row(cid, orders=12, silent=10, span=700, revenue_window=rev,
                   revenue_prev_window=prev, margin_window=margin)
    return [proven("big", 500.0, prev=400.0), proven("mid", 300.0, prev=300.0),
            proven("small", 150.0, prev=100.0), proven("tiny", 50.0, prev=10.0)]


def test_derived_key_rule():
    # top 80 %: big (0 % before it), mid (50 % before it); small has 80 % before it -> not A
    snap = frame(derived_key_base())
    lc = classify(snap)
    assert blocks_of(lc) == {"big": "key", "mid": "key", "small": "proven", "tiny": "proven"}
    assert any("No key_account column" in n for n in note_texts(lc))
    assert lc.clients.set_index("client_id").loc["big", "reason"] == "key_top_share"
    reason = worded(lc)["big"]
    assert reason.startswith("proven, in the top 80% of revenue, not declining; 12 orders")
    ru = worded(lc, "ru")["big"]
    assert ru.startswith("проверенный, в топ-80\u202f% выручки, без спада; 12 заказов")


def test_derived_key_needs_no_decline_and_positive_margin():
    rows = derived_key_base()
    rows[0]["revenue_prev_window"] = 600.0          # big declined: 500 < 600
    for r, m in zip(rows, (10.0, -1.0, 5.0, 5.0)):  # mid has a negative margin
        r["margin_window"] = m
    lc = classify(frame(rows))
    assert blocks_of(lc) == {"big": "proven", "mid": "proven", "small": "proven",
                             "tiny": "proven"}


def test_derived_key_from_abc_frame_and_switches():
    snap = frame(derived_key_base())
    abc = pd.DataFrame({"client_id": ["tiny", "big"], "abc": ["A", "B"]})
    assert blocks_of(classify(snap, abc=abc))["tiny"] == "key"
    with_abc = classify(snap, abc=abc)
    assert worded(with_abc)["tiny"].startswith("proven, ABC class A, not declining;")
    assert any("of ABC class A" in n for n in note_texts(with_abc))
    assert blocks_of(classify(snap, abc=abc))["big"] == "proven"
    off = classify(snap, rules=LifecycleRules(derive_key=False))
    assert set(blocks_of(off).values()) == {"proven"}
    # a key_account column, even all False, replaces the derived rule
    clients = pd.DataFrame({"client_id": ["big"], "key_account": [False]})
    assert set(blocks_of(classify(snap, clients)).values()) == {"proven"}
    share = classify(snap, rules=LifecycleRules(key_revenue_share=0.5))
    assert blocks_of(share)["big"] == "key" and blocks_of(share)["mid"] == "proven"


def test_flags_given_as_text():
    snap = frame([row("a", orders=4, silent=10, span=90), row("b", orders=4, silent=10, span=90)])
    clients = pd.DataFrame({"client_id": ["a", "b"], "vip": ["Да", "нет"]})
    assert blocks_of(classify(snap, clients)) == {"a": "vip", "b": "regular"}


def test_custom_rules():
    snap, clients = hand_base()
    rules = LifecycleRules(regular_orders=2, dead_days=500, reanimatable_min_orders=3)
    got = blocks_of(classify(snap, clients, rules=rules))
    assert got["w2"] == "regular"                  # 2 orders now regular
    assert got["s366"] == "working"                # 366 days < 500
    assert got["d1poor"] == "working"              # silent exactly 500: not dead
    assert got["iv451"] == "regular"               # limit max(500, 450) = 500


# --- a slow reference on a random base ------------------------------------------------------------

def reference_blocks(snap: pd.DataFrame, clients: pd.DataFrame, rules: LifecycleRules) -> dict:
    """The rules of DESIGN.md applied client by client, in plain Python."""
    as_of = snap["as_of"].iloc[0]
    cl = clients.set_index("client_id")
    with_orders = snap[snap["orders_total"] > 0]
    median_total = float(np.median(with_orders["revenue_total"]))
    # derived key needs no key_account column; these clients have one -> flags only
    out = {}
    ids = list(snap["client_id"]) + [c for c in cl.index if c not in set(snap["client_id"])]
    snap_by_id = snap.set_index("client_id")
    for cid in ids:
        info = cl.loc[cid] if cid in cl.index else None
        status = (str(info["status"]).strip().lower()
                  if info is not None and isinstance(info["status"], str) else "")
        vip = bool(info["vip"]) if info is not None else False
        key = bool(info["key_account"]) if info is not None else False
        refused = (bool(info["refused"]) if info is not None else False) or \
            status in rules.refused_statuses
        if cid not in snap_by_id.index or snap_by_id.loc[cid, "orders_total"] == 0:
            out[cid] = "active" if status in rules.active_statuses else "potential"
            continue
        r = snap_by_id.loc[cid]
        n = r["orders_total"]
        limit = rules.dead_days
        if n >= 2 and rules.dead_interval_multiple * r["interval_days"] > limit:
            limit = rules.dead_interval_multiple * r["interval_days"]
        if r["recency_days"] > limit:
            good = n >= rules.reanimatable_min_orders or r["revenue_total"] > median_total
            out[cid] = "dead_reanimatable" if good and not refused else "dead_lost"
            continue
        if key:
            out[cid] = "key"
            continue
        if vip:
            out[cid] = "vip"
            continue
        months = 0
        while r["first_order"] + pd.DateOffset(months=months + 1) <= as_of:
            months += 1
        if n >= rules.proven_orders and months >= rules.proven_tenure_months:
            out[cid] = "proven"
        elif n >= rules.regular_orders:
            out[cid] = "regular"
        else:
            out[cid] = "working"
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_slow_reference_on_random_base(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(300):
        n = int(rng.choice([0, 1, 2, 3, 5, 9, 10, 11, 20]))
        if n == 0:
            rows.append(row(f"c{i}", orders=0))
            continue
        silent = int(rng.integers(0, 900))
        span = int(rng.integers(0, 1500)) if n > 1 else 0
        rows.append(row(f"c{i}", orders=n, silent=silent, span=span,
                        revenue_total=float(rng.integers(1, 50) * 10)))
    snap = frame(rows)
    ids = [f"c{i}" for i in range(0, 300, 2)] + [f"lead{i}" for i in range(20)]
    clients = pd.DataFrame({
        "client_id": ids,
        "status": rng.choice(["active", "Отказ", "new", None, "closed", "в работе"], len(ids)),
        "vip": rng.random(len(ids)) < 0.15,
        "key_account": rng.random(len(ids)) < 0.1,
        "refused": rng.random(len(ids)) < 0.1,
    })
    rules = LifecycleRules()
    assert blocks_of(classify(snap, clients, rules=rules)) == reference_blocks(snap, clients,
                                                                               rules)
    tight = LifecycleRules(regular_orders=2, proven_orders=5, proven_tenure_months=6,
                           dead_days=200, dead_interval_multiple=2.0, reanimatable_min_orders=3)
    assert blocks_of(classify(snap, clients, rules=tight)) == reference_blocks(snap, clients,
                                                                               tight)


# --- errors --------------------------------------------------------------------------------------

def test_errors():
    snap, clients = hand_base()
    with pytest.raises(InputError, match="interval_days"):
        classify(snap.drop(columns="interval_days"))
    with pytest.raises(InputError, match="repeats 1 client_id"):
        classify(pd.concat([snap, snap.iloc[[0]]]))
    with pytest.raises(InputError, match="one date"):
        classify(snap.assign(as_of=[AS_OF] * (len(snap) - 1) + [AS_OF - DAY]))
    with pytest.raises(InputError, match="clients table repeats"):
        classify(snap, pd.concat([clients, clients.iloc[[0]]]))
    with pytest.raises(InputError, match="no `client_id` column"):
        classify(snap, clients.rename(columns={"client_id": "id"}))
    with pytest.raises(ParameterError, match="`rules.dead_days` must be an integer >= 1"):
        classify(snap, rules=LifecycleRules(dead_days=0))
    with pytest.raises(ParameterError, match="`rules.key_revenue_share` must be"):
        classify(snap, rules=LifecycleRules(key_revenue_share=1.5))
    with pytest.raises(ParameterError, match="`lang` must be 'en' or 'ru', got 'de'"):
        W.reasons(classify(snap), "de")
    with pytest.raises(InputError, match="`abc` must be a DataFrame"):
        classify(snap, abc=pd.DataFrame({"client_id": ["a"]}))
    with pytest.raises(InputError, match="must be a DataFrame"):
        classify([1, 2, 3])


# --- reactivation list --------------------------------------------------------------------------

def reactivation_base():
    rows = [
        # own interval 51.5 (9 orders over 412 days), silent 120 > 51.5 -> listed
        row("a", orders=9, silent=120, span=412, revenue_total=9000.0, best12=6000.0),
        # interval 30 (4 orders over 90 days), silent 29 -> not listed
        row("b", orders=4, silent=29, span=90, revenue_total=400.0, best12=400.0),
        # interval 40 (3 orders over 80 days), silent 41 -> listed
        row("e", orders=3, silent=41, span=80, revenue_total=300.0, best12=300.0),
        # one order, silent 100 > the median interval of the repeat clients
        # (a 51.5, b 30, e 40, d 25, f 25) = 30
        row("c", orders=1, silent=100, revenue_total=200.0, best12=200.0),
        # dead, 5 orders -> dead_reanimatable -> listed
        row("d", orders=5, silent=400, span=100, revenue_total=5000.0, best12=7000.0),
        # dead_lost: one order, little revenue -> not listed
        row("l", orders=1, silent=500, revenue_total=1.0, best12=1.0),
        # interval 25 (3 orders over 50 days), silent 10 -> not listed
        row("f", orders=3, silent=10, span=50, revenue_total=500.0, best12=100.0),
        row("lead", orders=0),
    ]
    snap = frame(rows)
    clients = pd.DataFrame({"client_id": ["a", "d", "zz"], "name": ["Alpha", "Delta", "Zeta"],
                            "manager": ["Ann", "Bob", "Cy"]})
    return snap, clients


def test_reactivation_list_by_hand():
    snap, clients = reactivation_base()
    lc = classify(snap, clients)
    rl = reactivation_list(snap, lc, clients)
    assert list(rl.columns) == ["client_id", "name", "manager", "block", "last_order",
                                "recency_days", "usual_interval_days", "best12_revenue",
                                "revenue_total", "reason", "cycle_source"]
    assert rl["reason"].tolist() == ["winback_orders", "overdue", "overdue", "overdue"]
    assert rl["cycle_source"].tolist()[1:] == ["own", "own", "base"]
    rl = W.reactivation_list(rl, lc)
    # ranked by best12_revenue: d 7000, a 6000, e 300, c 200
    assert rl["client_id"].tolist() == ["d", "a", "e", "c"]
    r = rl.set_index("client_id")
    assert r.loc["a", "usual_interval_days"] == pytest.approx(51.5)
    assert r.loc["e", "usual_interval_days"] == pytest.approx(40.0)
    assert r.loc["c", "usual_interval_days"] == pytest.approx(30.0)
    assert r.loc["d", "usual_interval_days"] == pytest.approx(25.0)
    assert r.loc["a", "name"] == "Alpha" and r.loc["d", "manager"] == "Bob"
    assert pd.isna(r.loc["c", "name"])
    assert r.loc["a", "reason"] == "silent 120 days, usual cycle 52 days (own interval)"
    assert r.loc["c", "reason"] == "silent 100 days, usual cycle 30 days (base median; one order)"
    assert r.loc["d", "block"] == "dead_reanimatable"
    assert r.loc["d", "reason"].startswith("silent 400 days, over the limit of 365 days; worth")
    assert r.loc["a", "last_order"] == AS_OF - 120 * DAY
    ru = W.reactivation_list(reactivation_list(snap, lc, clients), lc, "ru")
    assert ru.set_index("client_id").loc["e", "reason"] == (
        "молчит 41 день при обычном цикле 40 дней (свой интервал)")


def test_reactivation_list_with_deal_cycle():
    snap, clients = reactivation_base()
    rules = LifecycleRules(deal_cycle_days=110)
    lc = classify(snap, clients, rules=rules)
    rl = W.reactivation_list(reactivation_list(snap, lc, clients, rules=rules), lc)
    # only a (120 > 110) among the living, plus the dead_reanimatable d
    assert rl["client_id"].tolist() == ["d", "a"]
    assert rl.set_index("client_id").loc["a", "reason"] == (
        "silent 120 days, usual cycle 110 days (deal cycle)")


def test_reactivation_list_errors():
    snap, clients = reactivation_base()
    lc = classify(snap, clients)
    with pytest.raises(InputError, match="best12_revenue"):
        reactivation_list(snap.drop(columns="best12_revenue"), lc)
    other = classify(snap.assign(as_of=AS_OF - DAY))
    with pytest.raises(InputError, match="classify the same snapshot"):
        reactivation_list(snap, other)
    with pytest.raises(InputError, match="must be the Lifecycle"):
        reactivation_list(snap, lc.clients)


# --- figures ------------------------------------------------------------------------------------

def test_lifecycle_ladder_figure():
    from matplotlib.figure import Figure

    from reportkit.report.plots_lifecycle import lifecycle_ladder

    snap, clients = hand_base()
    lc = classify(snap, clients)
    fig = lifecycle_ladder(lc)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Potential"
    assert ax.get_title() == "Lifecycle of the client base as of 2024-06-30"
    bars = sorted(ax.patches[:9], key=lambda p: -p.get_y())     # top bar first
    assert [int(round(b.get_width())) for b in bars] == lc.summary["n_clients"].tolist()
    fig_ru = lifecycle_ladder(lc.summary, value="revenue", lang="ru")
    assert "Жизненный цикл" in fig_ru.axes[0].get_title()
    with pytest.raises(ParameterError, match="`value` must be"):
        lifecycle_ladder(lc, value="margin")
    with pytest.raises(InputError, match="needs the DataFrame returned by classify"):
        lifecycle_ladder(pd.DataFrame({"x": [1]}))


# --- planted churners of the synthetic base -------------------------------------------------------

def test_planted_churners_are_dead_or_on_the_reactivation_list():
    """Each planted churner is checked at the first month end at least 90 days after its churn
    date (and before it comes back): it must be dead or on the reactivation list. Measured
    recall on this seed: 144 of 150 (96 %)."""
    from reportkit.core.panel import build_panel
    from reportkit.io.sample import make_base
    from reportkit.core.snapshot import snapshot

    base = make_base(600, 3, random_state=7)
    panel = build_panel(base.transactions, clients=base.clients)
    checks: dict[pd.Timestamp, list[str]] = {}
    for r in base.truth["churn"].itertuples():
        day = r.churn_date + pd.Timedelta(days=90) + pd.offsets.MonthEnd(0)
        if day > base.end or (pd.notna(r.reactivation_date) and day >= r.reactivation_date):
            continue
        checks.setdefault(day, []).append(r.client_id)
    found = total = 0
    for day, ids in checks.items():
        snap = snapshot(panel, as_of=day)
        lc = classify(snap, base.clients)
        listed = set(reactivation_list(snap, lc, base.clients)["client_id"])
        dead = set(lc.clients.loc[lc.clients["block"].astype(str).str.startswith("dead"),
                                "client_id"])
        found += sum(cid in listed or cid in dead for cid in ids)
        total += len(ids)
    assert total >= 100
    assert found / total >= 0.9, f"recall {found}/{total}"
