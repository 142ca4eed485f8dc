"""Tests of reportkit.analysis.managers: managers per client, activities, overdue, forgotten, NPS.

Expected values are worked out by hand on tiny frames (the arithmetic is in the comments) or by
a slow, obvious reference implementation written here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from reportkit.report.words import managers as WM

from reportkit import managers as M
from reportkit import schema as S
from reportkit.errors import InputError, MissingColumnError, ParameterError

AS_OF = "2024-06-30"
D = pd.Timestamp


def snap(ids, revenue=None, first_order=None):
    n = len(ids)
    out = pd.DataFrame({S.CLIENT_ID: list(ids),
                        S.REVENUE_WINDOW: [100.0] * n if revenue is None else list(revenue)})
    if first_order is not None:
        out[S.FIRST_ORDER] = pd.to_datetime(first_order)
    return out


def acts(rows, **extra):
    """rows: (client_id, created[, manager])."""
    frame = pd.DataFrame({S.CLIENT_ID: [r[0] for r in rows],
                          S.CREATED: pd.to_datetime([r[1] for r in rows], format="ISO8601")})
    if any(len(r) > 2 for r in rows):
        frame[S.MANAGER] = [r[2] if len(r) > 2 else None for r in rows]
    for k, v in extra.items():
        frame[k] = v
    return frame


def row(result, manager):
    s = result.summary
    return s[s[S.MANAGER] == manager].iloc[0]


# --- who manages whom -----------------------------------------------------------------------------
def test_manager_from_card_then_latest_sale_then_latest_activity():
    sn = snap(["a", "c", "d", "e", "f", "g", "h"])
    clients = pd.DataFrame({S.CLIENT_ID: ["a", "c", "d", "e", "f"],
                            S.MANAGER: ["Ann", None, "  Ann  ", "", None]})
    tx = pd.DataFrame({
        S.CLIENT_ID: ["a", "c", "c", "c", "g", "g", "g", "h", "h"],
        S.DATE: pd.to_datetime(["2024-06-01", "2024-05-01", "2024-06-10", "2024-07-05",
                                "2024-06-01", "2024-06-01", "2024-06-01", "2024-06-02",
                                "2024-06-02"]),
        S.AMOUNT: 1.0,
        S.MANAGER: ["Zed", "Bob", "Cid", "Dan", "Eve", "Ann", "Eve", "Zed", "Ann"],
    })
    ac = acts([("e", "2024-03-01 10:00", "Ivy"), ("e", "2024-06-30 18:00", "Joe"),
               ("e", "2024-07-02 09:00", "Kim"), ("f", "2024-05-01", None)])
    m = M.managers(sn, clients=clients, transactions=tx, activities=ac, as_of=AS_OF)
    got = m.clients.set_index(S.CLIENT_ID)
    # a: its card (not the sale's Zed); c: latest sale on or before as_of (Cid, not Dan of July);
    # d: card, trimmed; e: blank card, no sale → latest activity on or before as_of (Joe);
    # f: nothing names a manager; g: two lines by Eve, one by Ann that day → Eve;
    # h: one line each by Zed and Ann on the same day → first by name, Ann
    assert got[S.MANAGER].to_dict() == {"a": "Ann", "c": "Cid", "d": "Ann", "e": "Joe",
                                        "f": M.NO_MANAGER, "g": "Eve", "h": "Ann"}
    assert got[S.MANAGER_SOURCE].to_dict() == {
        "a": "clients", "c": "transactions", "d": "clients", "e": "activities", "f": "none",
        "g": "transactions", "h": "transactions"}


def test_manager_taken_from_transactions_when_clients_table_has_no_manager_column():
    sn = snap(["a", "b"])
    clients = pd.DataFrame({S.CLIENT_ID: ["a", "b"], S.NAME: ["A Ltd", "B Ltd"]})
    tx = pd.DataFrame({S.CLIENT_ID: ["a", "b", "b"], S.AMOUNT: 5.0,
                       S.DATE: pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                       S.MANAGER: ["Ann", "Ann", "Bob"]})
    m = M.managers(sn, clients=clients, transactions=tx, as_of=AS_OF)
    assert dict(zip(m.clients[S.CLIENT_ID], m.clients[S.MANAGER])) == {"a": "Ann",
                                                                               "b": "Bob"}
    assert m.summary[S.MANAGER].tolist() == ["Ann", "Bob"]


def test_clients_with_no_manager_are_a_row_of_their_own_last():
    sn = snap(["a", "b", "c"], revenue=[10.0, 500.0, 20.0])
    clients = pd.DataFrame({S.CLIENT_ID: ["a", "b", "c"], S.MANAGER: ["Ann", None, "Bob"]})
    m = M.managers(sn, clients=clients, as_of=AS_OF)
    s = m.summary
    # ordered by revenue, but (no manager) last even with the most revenue
    assert s[S.MANAGER].tolist() == ["Bob", "Ann", M.NO_MANAGER]
    assert s[S.N_CLIENTS].tolist() == [1, 1, 1]
    assert s[S.REVENUE_WINDOW].tolist() == [20.0, 10.0, 500.0]
    assert s[S.REVENUE_SHARE].tolist() == pytest.approx([20 / 530, 10 / 530, 500 / 530])
    assert WM.LABELS["en"][M.NO_MANAGER] == "(no manager)"
    assert WM.LABELS["ru"][M.NO_MANAGER] == "(без менеджера)"
    from reportkit import text as T

    assert T.t("managers.(no manager)", "ru") == "(без менеджера)"
    assert "(без менеджера)" in WM.managers_html(m, "ru")


def test_every_client_counted_once_across_managers():
    rng = np.random.default_rng(7)
    ids = [f"c{i:03d}" for i in range(300)]
    names = np.array(["Ann", "Bob", "Cid", None], dtype=object)
    clients = pd.DataFrame({S.CLIENT_ID: ids[:250], S.MANAGER: names[rng.integers(0, 4, 250)]})
    tx = pd.DataFrame({S.CLIENT_ID: rng.choice(ids, 2000), S.AMOUNT: 1.0,
                       S.DATE: D("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, 2000), "D"),
                       S.MANAGER: names[rng.integers(0, 4, 2000)]})
    sn = snap(ids, revenue=rng.uniform(0, 1000, 300))
    m = M.managers(sn, clients=clients, transactions=tx, as_of=AS_OF)
    assert m.summary[S.N_CLIENTS].sum() == 300
    assert m.summary[S.REVENUE_WINDOW].sum() == pytest.approx(sn[S.REVENUE_WINDOW].sum())
    assert m.clients[S.CLIENT_ID].tolist() == ids
    assert m.summary[S.MANAGER].is_unique


# --- activities in the period and overdue tasks ---------------------------------------------------
def test_activities_in_period_boundaries_and_attribution():
    sn = snap(["a", "b"])
    clients = pd.DataFrame({S.CLIENT_ID: ["a", "b"], S.MANAGER: ["Ann", "Bob"]})
    ac = acts([("a", "2024-05-31 23:59"),            # before the period
               ("a", "2024-06-01 00:00"),            # first minute of the period: counts
               ("a", "2024-06-30 23:59", "Bob"),     # last day, logged by Bob: counts for Bob
               ("b", "2024-07-01 00:00"),            # after as_of
               ("b", "2024-06-15 12:00"),
               ("zz", "2024-06-20 12:00")])          # unknown client, no manager on the log
    m = M.managers(sn, clients=clients, activities=ac, as_of=AS_OF)
    assert m.period_start == D("2024-06-01")
    assert row(m, "Ann")[S.N_ACTIVITIES] == 1
    assert row(m, "Bob")[S.N_ACTIVITIES] == 2
    assert row(m, M.NO_MANAGER)[S.N_ACTIVITIES] == 1
    assert row(m, M.NO_MANAGER)[S.N_CLIENTS] == 0
    m2 = M.managers(sn, clients=clients, activities=ac, as_of=AS_OF, period_start="2024-05-31")
    assert row(m2, "Ann")[S.N_ACTIVITIES] == 2


def test_overdue_boundaries():
    sn = snap(["a", "b"])
    clients = pd.DataFrame({S.CLIENT_ID: ["a", "b"], S.MANAGER: ["Ann", "Bob"]})
    ac = acts([("a", "2024-06-20 10:00"),   # due yesterday, not done → overdue 1 day
               ("a", "2024-06-20 11:00"),   # due on as_of → not overdue
               ("a", "2024-06-20 12:00"),   # due yesterday but done
               ("a", "2024-07-01 09:00"),   # created after as_of
               ("b", "2024-06-01 10:00"),   # no due date
               ("b", "2024-06-01 11:00", "Cid"),  # done unknown → not done; Cid's task
               ("b", "2024-06-30 23:00")],  # created on as_of, due in the past (typo) → overdue
              **{S.DUE: pd.to_datetime(["2024-06-29", "2024-06-30 00:00", "2024-06-29",
                                        "2024-06-01", None, "2024-06-20 15:00", "2024-06-28"],
                                       format="ISO8601"),
                 S.DONE: pd.array([False, False, True, False, False, None, False],
                                  dtype="boolean"),
                 S.TYPE: ["call", "call", "call", "task", "task", "meeting", "call"]})
    m = M.managers(sn, clients=clients, activities=ac, as_of=AS_OF)
    od = m.overdue
    # most overdue first: Cid's (30 − 20 = 10 days), b's (2 days), a's (1 day)
    assert od[S.DAYS_OVERDUE].tolist() == [10, 2, 1]
    assert od[S.MANAGER].tolist() == ["Cid", "Bob", "Ann"]
    assert od[S.TYPE].tolist() == ["meeting", "call", "call"]
    assert row(m, "Ann")[S.OVERDUE_TASKS] == 1
    assert row(m, "Bob")[S.OVERDUE_TASKS] == 1
    assert row(m, "Cid")[S.OVERDUE_TASKS] == 1
    assert row(m, "Cid")[S.N_CLIENTS] == 0


# --- forgotten clients ----------------------------------------------------------------------------
@pytest.fixture
def forgotten_case():
    ids = ["ax30", "ax31", "cy_reg", "c_work", "a_dead", "never_old", "never_new", "b45", "bz"]
    first = ["2023-01-10", "2023-01-10", "2023-01-10", "2023-01-10", "2022-01-10",
             "2023-06-15", "2024-06-10", "2023-01-10", "2023-01-10"]
    sn = snap(ids, revenue=[900, 800, 50, 40, 30, 700, 600, 300, 200], first_order=first)
    abc = pd.DataFrame({S.CLIENT_ID: ids,
                        S.ABC: ["A", "A", "C", "C", "A", "A", "A", "B", "B"],
                        S.XYZ: ["X", "X", "Y", "Z", "Z", "Y", "new", "Y", "Z"]})
    life = pd.DataFrame({S.CLIENT_ID: ids,
                         S.BLOCK: ["key", "proven", "regular", "working", "dead_lost",
                                   "working", "working", "regular", "regular"]})
    ac = acts([("ax30", "2024-05-31 17:45"),   # 30 days before as_of: allowed (AX 30)
               ("ax30", "2024-07-10 10:00"),   # after as_of: ignored
               ("ax31", "2024-05-30 08:00"),   # 31 days: forgotten
               ("cy_reg", "2024-01-02 10:00"),  # 180 days (Jan 2 → Jun 30): CY allows 180;
                                                # also the first day of the log
               ("c_work", "2024-03-01 10:00"),  # class C and only working: not checked
               ("a_dead", "2024-03-02 10:00"),  # dead: belongs to the reactivation list
               ("b45", "2024-05-16 10:00"),     # 45 days, BY allows 60
               ("bz", "2024-03-01 10:00")])     # 121 days, BZ allows 90
    clients = pd.DataFrame({S.CLIENT_ID: ids, S.MANAGER: ["Ann"] * 5 + ["Bob"] * 4})
    return sn, abc, life, ac, clients


def test_forgotten_boundaries(forgotten_case):
    sn, abc, life, ac, clients = forgotten_case
    m = M.managers(sn, clients=clients, activities=ac, abc=abc, lifecycle=life, as_of=AS_OF)
    f = m.forgotten.set_index(S.CLIENT_ID)
    # never_old: no activity; its first order (15 Jun 2023) is before the log's first day
    # (2 Jan 2024), so the gap runs from 2 Jan: 180 days > AY 30.
    # never_new: first order 10 Jun 2024, 20 days ≤ new 30.
    assert list(f.index) == ["ax31", "never_old", "bz"]        # largest revenue first
    assert f.loc["ax31", S.DAYS_WITHOUT_CONTACT] == 31
    assert f.loc["ax31", S.ALLOWED_DAYS] == 30
    assert f.loc["ax31", S.LAST_ACTIVITY] == D("2024-05-30")
    assert f.loc["never_old", S.DAYS_WITHOUT_CONTACT] == 180
    assert pd.isna(f.loc["never_old", S.LAST_ACTIVITY])
    assert f.loc["bz", S.DAYS_WITHOUT_CONTACT] == 121
    assert f.loc["bz", S.ALLOWED_DAYS] == 90
    assert f.loc["bz", S.CELL] == "BZ"
    assert f.loc["bz", S.BLOCK] == "regular"
    assert row(m, "Ann")[S.N_FORGOTTEN] == 1
    assert row(m, "Bob")[S.N_FORGOTTEN] == 2


def test_forgotten_policy_override_and_abc_without_xyz(forgotten_case):
    sn, abc, life, ac, clients = forgotten_case
    m = M.managers(sn, activities=ac, abc=abc, lifecycle=life, as_of=AS_OF,
                   policy={"AX": 29, "BY": 44, "CY": 179})
    got = set(m.forgotten[S.CLIENT_ID])
    assert {"ax30", "b45", "cy_reg"} <= got          # 30 > 29, 45 > 44, 180 > 179
    # ABC only: every client gets the Y cell of its class (A 30, B 60, C 180)
    m2 = M.managers(sn, activities=ac, abc=abc[[S.CLIENT_ID, S.ABC]], as_of=AS_OF)
    f2 = m2.forgotten.set_index(S.CLIENT_ID)
    assert f2[S.CELL].to_dict() == {"ax31": "AY", "never_old": "AY", "bz": "BY",
                                    "a_dead": "AY"}
    # without lifecycle blocks the dead A client is checked (its gap 120 days > 30) and c_work
    # stays out (class C); cy_reg is C and only regular+ would bring it in
    assert "a_dead" in f2.index and "cy_reg" not in f2.index
    assert any("Y cell" in n for n in WM.notes(m2))


def test_forgotten_by_lifecycle_only_uses_the_other_cell(forgotten_case):
    sn, abc, life, ac, clients = forgotten_case
    m = M.managers(sn, activities=ac, lifecycle=life, as_of=AS_OF)
    f = m.forgotten.set_index(S.CLIENT_ID)
    # regular+ blocks only: ax30 (30), ax31 (31), cy_reg (180), b45 (45), bz (121) against 90
    assert sorted(f.index) == ["bz", "cy_reg"]
    assert set(f[S.ALLOWED_DAYS]) == {90}


def test_policy_table_with_allowed_days_column():
    from reportkit.io.policy import load_contact_policy

    table = load_contact_policy()
    days, given = M.contact_days(table)
    assert days == M.DEFAULT_CONTACT_DAYS and given is False
    table = table.assign(**{S.ALLOWED_DAYS: np.where(table[S.CELL] == "AX", 7, np.nan)})
    days, given = M.contact_days(table)
    assert days["AX"] == 7 and days["AY"] == 30 and given is True
    clash = table.copy()
    clash.loc[(clash[S.CELL] == "AX") & (clash[S.LANG] == "ru"), S.ALLOWED_DAYS] = 8
    with pytest.raises(InputError, match="AX has different allowed_days"):
        M.contact_days(clash)
    with pytest.raises(ParameterError, match="`policy cell` must be one of"):
        M.contact_days({"XX": 10})
    with pytest.raises(ParameterError, match=r"`policy\['AX'\]` must be a whole number"):
        M.contact_days({"AX": -1})


# --- mixes, lost clients, revenue at risk ---------------------------------------------------------
def test_mixes_lost_and_revenue_at_risk():
    sn = snap(["a", "b", "c", "d"], revenue=[600.0, 300.0, 100.0, 0.0])
    clients = pd.DataFrame({S.CLIENT_ID: list("abcd"), S.MANAGER: ["Ann", "Ann", "Bob", "Bob"]})
    abc = pd.DataFrame({S.CLIENT_ID: list("abcd"), S.ABC: ["A", "B", "C", "C"]})
    life = pd.DataFrame({S.CLIENT_ID: list("abcd"),
                         S.BLOCK: ["key", "regular", "regular", "dead_lost"]})
    risk = pd.DataFrame({S.CLIENT_ID: ["a", "c", "zz"], "revenue_at_risk": [60.0, 50.0, 1.0]})
    m = M.managers(sn, clients=clients, abc=abc, lifecycle=life, churn_scores=risk,
                   lost_ids=["d", "zz"], as_of=AS_OF)
    ann, bob = row(m, "Ann"), row(m, "Bob")
    assert (ann["A"], ann["B"], ann["C"]) == (1, 1, 0)
    assert (bob["A"], bob["B"], bob["C"]) == (0, 0, 2)
    assert (ann["key"], ann["regular"], ann["dead_lost"]) == (1, 1, 0)
    assert (bob["regular"], bob["dead_lost"], bob["potential"]) == (1, 1, 0)
    assert (ann[S.N_LOST], bob[S.N_LOST]) == (0, 1)
    assert ann["revenue_at_risk"] == 60.0 and bob["revenue_at_risk"] == 50.0
    assert ann[S.RISK_SHARE] == pytest.approx(60 / 900)
    assert bob[S.RISK_SHARE] == pytest.approx(50 / 100)
    assert any("not in the snapshot" in n for n in WM.notes(m))      # zz, twice
    # no activity log: no activity columns, and a note says so
    assert S.N_ACTIVITIES not in m.summary.columns
    assert any("No activity log" in n for n in WM.notes(m))


def test_inputs_not_mutated_and_row_order_invariant(forgotten_case):
    sn, abc, life, ac, clients = forgotten_case
    before = [x.copy() for x in (sn, abc, life, ac, clients)]
    m1 = M.managers(sn, clients=clients, activities=ac, abc=abc, lifecycle=life, as_of=AS_OF)
    for x, y in zip(before, (sn, abc, life, ac, clients)):
        pd.testing.assert_frame_equal(x, y)
    shuffle = lambda f: f.sample(frac=1.0, random_state=3)          # noqa: E731
    m2 = M.managers(shuffle(sn), clients=shuffle(clients), activities=shuffle(ac),
                    abc=shuffle(abc), lifecycle=shuffle(life), as_of=AS_OF)
    pd.testing.assert_frame_equal(m1.summary, m2.summary)
    pd.testing.assert_frame_equal(m1.forgotten, m2.forgotten)


def test_managers_errors():
    sn = snap(["a"])
    with pytest.raises(ParameterError, match="`as_of` must be a date"):
        M.managers(sn, as_of="not a date")
    with pytest.raises(MissingColumnError, match="`activities`.*no column `created`"):
        M.managers(sn, activities=pd.DataFrame({S.CLIENT_ID: ["a"]}), as_of=AS_OF)
    with pytest.raises(MissingColumnError, match="`snapshot`.*`revenue_window`"):
        M.managers(pd.DataFrame({S.CLIENT_ID: ["a"]}), as_of=AS_OF)
    with pytest.raises(InputError, match="snapshot` is as of 2024-05-31 but as_of=2024-06-30"):
        M.managers(sn.assign(**{S.AS_OF: D("2024-05-31")}), as_of=AS_OF)
    with pytest.raises(InputError, match="classes are A, B, C"):
        M.managers(sn, abc=pd.DataFrame({S.CLIENT_ID: ["a"], S.ABC: ["D"]}), as_of=AS_OF)
    with pytest.raises(InputError, match="blocks are potential"):
        M.managers(sn, lifecycle=pd.DataFrame({S.CLIENT_ID: ["a"], S.BLOCK: ["alive"]}),
                   as_of=AS_OF)
    with pytest.raises(InputError, match="`activities`: column `created` has 1 values that are "
                                         "not dates"):
        M.managers(sn, activities=pd.DataFrame({S.CLIENT_ID: ["a"], S.CREATED: ["soon"]}),
                   as_of=AS_OF)
    with pytest.raises(InputError, match="`lost_ids` must be a collection"):
        M.managers(sn, lost_ids="a", as_of=AS_OF)
    with pytest.raises(ParameterError, match="`period_start` must be a date on or before"):
        M.managers(sn, period_start="2024-07-01", as_of=AS_OF)
    with pytest.raises(InputError, match="must hold true/false values"):
        M.managers(sn, activities=pd.DataFrame({S.CLIENT_ID: ["a"], S.CREATED: [D(AS_OF)],
                                                S.DUE: [D(AS_OF)], S.DONE: ["maybe"]}),
                   as_of=AS_OF)


def test_has_managers():
    assert M.has_managers(activities=pd.DataFrame({S.CLIENT_ID: [], S.CREATED: []}))
    assert not M.has_managers(transactions=pd.DataFrame({S.CLIENT_ID: ["a"],
                                                         S.MANAGER: [None]}))


# --- NPS ------------------------------------------------------------------------------------------
def answers(scores, ids=None, date="2024-03-15"):
    ids = ids or [f"c{i}" for i in range(len(scores))]
    return pd.DataFrame({S.CLIENT_ID: ids, S.DATE: pd.to_datetime(date), S.SCORE: scores})


def test_nps_hand_worked_with_interval():
    # 4 promoters (9, 10), 3 passives (7, 8), 3 detractors (0–6) of 10 answers:
    # NPS = 40 % − 30 % = 10 points; var = (0.4 + 0.3 − 0.1²) / 10 = 0.069;
    # SE = 100 × √0.069 = 26.2679 points; z(95 %) = 1.959964 → 10 ± 51.4840
    r = M.nps(answers([10, 9, 9, 10, 8, 7, 8, 3, 6, 0]))
    o = r.overall.iloc[0]
    assert (o[S.N_ANSWERS], o[S.PROMOTERS], o[S.PASSIVES], o[S.DETRACTORS]) == (10, 4, 3, 3)
    assert o[S.NPS] == pytest.approx(10.0)
    assert o[S.NPS_SE] == pytest.approx(26.2679, abs=1e-4)
    assert o[S.CI_LOW] == pytest.approx(10 - 1.959964 * 26.2679, abs=1e-3)
    assert o[S.CI_HIGH] == pytest.approx(61.4840, abs=1e-3)
    assert not o[S.TOO_FEW]
    assert r.value == pytest.approx(10.0)
    # 90 % interval: z = 1.644854
    r90 = M.nps(answers([10, 9, 9, 10, 8, 7, 8, 3, 6, 0]), confidence=0.90)
    assert r90.overall[S.CI_HIGH].iloc[0] == pytest.approx(10 + 1.644854 * 26.2679, abs=1e-3)


def test_nps_category_boundaries_and_clipped_interval():
    r = M.nps(answers([6, 6.5, 7, 8.9, 9]), min_answers=1)
    assert r.clients[S.NPS_CATEGORY].tolist() == ["detractor", "detractor", "passive",
                                                  "passive", "promoter"]
    # 9 promoters, 1 detractor: NPS 80, SE = 100·√((1 − 0.64)/10) = 18.97 → upper 117 → 100
    r = M.nps(answers([10] * 9 + [0]))
    assert r.value == pytest.approx(80.0)
    assert r.overall[S.CI_HIGH].iloc[0] == 100.0
    assert r.overall[S.CI_LOW].iloc[0] == pytest.approx(80 - 1.959964 * 18.9737, abs=1e-3)


def test_nps_latest_answer_per_client():
    sv = pd.DataFrame({
        S.CLIENT_ID: ["a", "a", "b", "b", "c"],
        S.DATE: pd.to_datetime(["2024-03-15", "2024-09-16", "2024-03-15", "2024-03-15",
                                "2024-10-01"]),
        S.SCORE: [2, 10, 9, 5, 10]})
    r = M.nps(sv, min_answers=1)
    # a: the September 10; b: two answers the same day → the lower, 5; c: 10
    assert dict(zip(r.clients[S.CLIENT_ID], r.clients[S.SCORE])) == {"a": 10, "b": 5, "c": 10}
    assert r.value == pytest.approx(100 * (2 - 1) / 3)
    # as of 30 June: a's March 2 counts, c has not answered yet
    r = M.nps(sv, as_of="2024-06-30", min_answers=1)
    assert dict(zip(r.clients[S.CLIENT_ID], r.clients[S.SCORE])) == {"a": 2, "b": 5}
    assert r.value == -100.0
    assert any("after" in n for n in WM.notes(r))


def test_nps_too_few_answers_is_flagged_not_scored():
    sv = answers([10] * 9 + [0] * 10,
                 ids=[f"x{i}" for i in range(9)] + [f"y{i}" for i in range(10)])
    groups = pd.DataFrame({S.CLIENT_ID: [f"x{i}" for i in range(9)] + [f"y{i}" for i in range(10)],
                           "segment": ["X"] * 9 + ["Y"] * 10})
    r = M.nps(sv, by=groups)                      # default min_answers = 10
    t = r.summary.set_index("segment")
    assert t.loc["X", S.TOO_FEW] and t.loc["X", S.N_ANSWERS] == 9
    assert math.isnan(t.loc["X", S.NPS]) and math.isnan(t.loc["X", S.CI_LOW])
    assert t.loc["X", S.PROMOTERS] == 9
    assert not t.loc["Y", S.TOO_FEW] and t.loc["Y", S.NPS] == -100.0
    shown = WM.nps_display(r).set_index("segment")
    assert shown.loc["X", S.NPS] == "too few answers"
    assert "мало ответов" in WM.nps_html(r, "ru")
    assert r.value == pytest.approx(100 * (9 - 10) / 19)


def test_nps_by_with_clients_outside_the_grouping():
    sv = answers([10, 9, 0, 8], ids=["a", "b", "c", "d"])
    seg = pd.DataFrame({S.CLIENT_ID: ["a", "b", "c"],
                        S.ABC: pd.Categorical(["B", "A", "B"], categories=["A", "B", "C"])})
    mg = pd.DataFrame({S.CLIENT_ID: ["a", "b", "c", "d"], "who": ["Ann", "Ann", "Bob", None]})
    r = M.nps_by(sv, {"abc": seg, "manager": mg}, min_answers=1)
    t = r.summary
    assert t[S.DIMENSION].tolist() == ["overall", "abc", "abc", "abc", "manager", "manager",
                                       "manager"]
    assert t[S.GROUP].tolist() == ["overall", "A", "B", M.NO_GROUP, "Ann", "Bob", M.NO_GROUP]
    assert t[S.N_ANSWERS].tolist() == [4, 1, 2, 1, 2, 1, 1]
    # B: a (10) and c (0) → 50 − 50 = 0; Ann: a, b promoters → 100
    assert t[S.NPS].tolist() == pytest.approx([25.0, 100.0, 0.0, 0.0, 100.0, -100.0, 0.0])
    for dim in ("abc", "manager"):
        assert t.loc[t[S.DIMENSION] == dim, S.N_ANSWERS].sum() == 4


def test_nps_matches_a_slow_reference():
    rng = np.random.default_rng(42)
    n = 400
    sv = pd.DataFrame({S.CLIENT_ID: rng.choice([f"c{i}" for i in range(150)], n),
                       S.DATE: D("2023-01-01") + pd.to_timedelta(rng.integers(0, 600, n), "D"),
                       S.SCORE: rng.integers(0, 11, n).astype(float)})
    groups = pd.DataFrame({S.CLIENT_ID: [f"c{i}" for i in range(150)],
                           "g": rng.choice(["p", "q", "r"], 150)})
    as_of = D("2024-06-30")
    # reference: per client, the latest answer on or before as_of (ties: the lowest score)
    latest = {}
    for cid, d, s in sv.itertuples(index=False):
        if d > as_of:
            continue
        if cid not in latest or d > latest[cid][0] or (d == latest[cid][0] and s < latest[cid][1]):
            latest[cid] = (d, s)
    group_of = dict(zip(groups[S.CLIENT_ID], groups["g"]))
    r = M.nps(sv, as_of=as_of, by=groups, min_answers=5)
    for g in ("p", "q", "r"):
        scores = [s for cid, (d, s) in latest.items() if group_of[cid] == g]
        pro = sum(s >= 9 for s in scores) / len(scores)
        det = sum(s <= 6 for s in scores) / len(scores)
        se = 100 * math.sqrt((pro + det - (pro - det) ** 2) / len(scores))
        got = r.summary.set_index("g").loc[g]
        assert got[S.N_ANSWERS] == len(scores)
        assert got[S.NPS] == pytest.approx(100 * (pro - det))
        assert got[S.NPS_SE] == pytest.approx(se)


def test_detractors_a():
    sv = pd.DataFrame({S.CLIENT_ID: ["a", "a", "b", "c", "d"],
                       S.DATE: pd.to_datetime(["2024-01-10", "2024-03-15", "2024-03-15",
                                               "2024-03-15", "2024-03-15"]),
                       S.SCORE: [9, 4, 2, 10, 6]})
    seg = pd.DataFrame({S.CLIENT_ID: list("abcd"), S.ABC: ["A", "C", "A", "A"],
                        S.VALUE: [100.0, 900.0, 800.0, 500.0]})
    clients = pd.DataFrame({S.CLIENT_ID: list("abcd"), S.NAME: ["Alfa", "Beta", "Gamma", "Delta"],
                            S.MANAGER: ["Ann", "Bob", "Cid", "Dan"]})
    out = M.detractors_a(sv, seg, clients=clients)
    # a's latest is 4 (detractor), d scored 6 (detractor); b is C; c is a promoter
    assert out[S.CLIENT_ID].tolist() == ["d", "a"]                 # larger value first
    assert out[S.NAME].tolist() == ["Delta", "Alfa"]
    assert out[S.MANAGER].tolist() == ["Dan", "Ann"]
    assert out[S.SCORE].tolist() == [6.0, 4.0]


def test_nps_errors():
    with pytest.raises(InputError, match="outside 0–10"):
        M.nps(answers([5, 11]))
    with pytest.raises(InputError, match="outside 0–10"):
        M.nps(answers([5, None]))
    with pytest.raises(MissingColumnError, match="`surveys`.*no column `score`"):
        M.nps(pd.DataFrame({S.CLIENT_ID: ["a"], S.DATE: [D(AS_OF)]}))
    with pytest.raises(ParameterError, match="`min_answers` must be an integer >= 1, got 0"):
        M.nps(answers([5]), min_answers=0)
    with pytest.raises(ParameterError, match="`confidence` must be a number between 0 and 1"):
        M.nps(answers([5]), confidence=95)
    with pytest.raises(InputError, match="repeats client_id"):
        M.nps(answers([5, 6]), by=pd.DataFrame({S.CLIENT_ID: ["c0", "c0"], "g": [1, 2]}))
    with pytest.raises(InputError, match="non-empty dict"):
        M.nps_by(answers([5]), {})
    with pytest.raises(InputError, match="name the dict key after the group column"):
        M.nps_by(answers([5]), {"seg": pd.DataFrame({S.CLIENT_ID: ["c0"], "x": [1], "y": [2]})})


def test_labels_cover_every_output_column_and_value(forgotten_case):
    sn, abc, life, ac, clients = forgotten_case
    risk = pd.DataFrame({S.CLIENT_ID: ["ax30"], "revenue_at_risk": [1.0]})
    m = M.managers(sn, clients=clients, activities=ac.assign(**{S.DUE: ac[S.CREATED]}), abc=abc,
                   lifecycle=life, churn_scores=risk, lost_ids=[], as_of=AS_OF)
    r = M.nps_by(answers([10, 0]), {"abc": abc[[S.CLIENT_ID, S.ABC]]})
    columns = (set(m.summary.columns) - {"A", "B", "C"}) | set(m.forgotten.columns) \
        | set(m.overdue.columns) | set(m.clients.columns) | set(r.summary.columns) \
        | set(r.clients.columns)
    values = {M.NO_MANAGER, M.NO_GROUP, M.OVERALL, *M.NPS_CATEGORIES, "A", "B", "C",
              "clients", "transactions", "activities", "none"}
    for lang in ("en", "ru"):
        missing = (columns | values) - set(WM.LABELS[lang])
        assert not missing, (lang, missing)


# --- the sample base ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample():
    import reportkit as rk
    from reportkit.analysis.lifecycle import classify
    from reportkit.analysis.segmentation import segment_all

    ds = rk.load(rk.sample_path())
    as_of = "2025-12-31"
    sn = rk.snapshot(ds, as_of=as_of)
    seg = segment_all(sn)
    lc = classify(sn, ds.clients)
    m = M.managers(sn, clients=ds.clients, activities=ds.activities,
                   transactions=ds.transactions, lifecycle=lc, abc=seg, as_of=as_of)
    return ds, sn, seg, lc, m


def test_sample_base_planted_forgotten_and_overdue(sample):
    from reportkit.io.resources import data_path

    ds, sn, seg, lc, m = sample
    truth = pd.read_csv(data_path("sample") / "truth" / "forgotten.csv",
                        dtype={S.CLIENT_ID: str})
    found = set(m.forgotten[S.CLIENT_ID])
    recall = truth[S.CLIENT_ID].isin(found).mean()
    assert recall >= 0.95, recall
    # the README of the sample: 699 tasks overdue at 2025-12-31; the lazy manager leaves most
    assert len(m.overdue) == 699
    assert m.summary.set_index(S.MANAGER)[S.OVERDUE_TASKS].idxmax() == "Волков А."
    assert m.summary[S.N_CLIENTS].sum() == len(sn)
    assert m.clients[S.CLIENT_ID].is_unique


def test_sample_base_nps(sample):
    ds, sn, seg, lc, m = sample
    r = M.nps_by(ds.surveys, {"abc": seg.abc, "block": lc, "manager": m}, as_of="2025-12-31")
    t = r.summary
    n = int(t.loc[t[S.DIMENSION] == "overall", S.N_ANSWERS].iloc[0])
    assert n == ds.surveys[S.CLIENT_ID].nunique()
    for dim in ("abc", "block", "manager"):
        assert t.loc[t[S.DIMENSION] == dim, S.N_ANSWERS].sum() == n
    # the generator makes clients who later churn detractors far more often: dead clients that
    # can be won back score worse than key clients
    blocks = t[t[S.DIMENSION] == "block"].set_index(S.GROUP)
    assert blocks.loc["dead_reanimatable", S.NPS] < blocks.loc["key", S.NPS]
