"""Segmentations: hand-worked cut-offs, slow reference implementations, invariance, errors."""

from __future__ import annotations

import math
import shutil
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from reportkit.io import schema as S
from reportkit.report.words import segmentation as seg_words
from reportkit.report.words.segmentation import LABELS
from reportkit.io.config import SegmentationSettings, load_config
from reportkit.errors import InputError, ParameterError
from reportkit.io.policy import (POLICY_CELLS, contact_policy, default_policy_path,
                              load_contact_policy)
from reportkit.analysis.segmentation import (ABC_CLASSES, ABCXYZ_CELLS, BCG_CLASSES, RFM_SEGMENTS,
                                    SIZE_TIERS, XYZ_CLASSES, SegmentResult, abc, abc_xyz_matrix,
                                    bcg, rfm, segment_all, size_tiers, xyz)

AS_OF = pd.Timestamp("2024-06-30")


def rev(values, ids=None, **extra) -> pd.DataFrame:
    """A snapshot with revenue only (enough for abc and size tiers)."""
    ids = ids or [f"c{i}" for i in range(len(values))]
    return pd.DataFrame({S.CLIENT_ID: ids, S.REVENUE_WINDOW: [float(v) for v in values],
                         **extra})


def classes(result: SegmentResult, column: str) -> dict:
    frame = result.clients
    return dict(zip(frame[S.CLIENT_ID], frame[column].astype(str)))


def full_snapshot(n: int, seed: int) -> pd.DataFrame:
    """A seeded synthetic snapshot with every column segment_all uses (ties on purpose)."""
    rng = np.random.default_rng(seed)
    lead = rng.random(n) < 0.1
    tenure = rng.integers(0, 1500, n)
    recency = np.minimum(rng.integers(0, 500, n), tenure)
    orders = np.where(recency > 365, 0, rng.integers(1, 8, n))
    revenue = np.where(orders > 0, rng.integers(1, 30, n) * 100.0, 0.0)
    revenue[rng.random(n) < 0.03] = -200.0
    snap = pd.DataFrame({
        S.CLIENT_ID: [f"id{i:05d}" for i in rng.permutation(n)],
        S.AS_OF: AS_OF,
        S.FIRST_ORDER: AS_OF - pd.to_timedelta(tenure, unit="D"),
        S.RECENCY_DAYS: recency.astype(float),
        S.ORDERS_WINDOW: orders.astype(float),
        S.REVENUE_WINDOW: revenue,
        S.REVENUE_PREV_WINDOW: np.where(rng.random(n) < 0.7, rng.integers(0, 30, n) * 100.0,
                                        0.0),
        S.MARGIN_WINDOW: revenue * 0.25,
        S.BEST12_REVENUE: np.abs(revenue) * 1.5,
        S.CV: np.where(orders > 0, rng.choice([0.2, 0.5, 0.7, 1.0, 1.5, np.nan], n), np.nan),
        S.IS_LEAD: lead,
    })
    snap.loc[lead, S.FIRST_ORDER] = pd.NaT
    snap.loc[lead, [S.RECENCY_DAYS, S.CV]] = np.nan
    snap.loc[lead, [S.ORDERS_WINDOW, S.REVENUE_WINDOW, S.REVENUE_PREV_WINDOW]] = 0.0
    return snap


# --- ABC: hand-worked cut-offs ------------------------------------------------------------------
def test_abc_client_exactly_at_80_percent_is_a_and_exactly_at_95_is_b():
    res = abc(rev([40, 40, 15, 5], ["a", "b", "c", "d"]))
    assert classes(res, S.ABC) == {"a": "A", "b": "A", "c": "B", "d": "C"}
    assert res.clients[S.SHARE].tolist() == pytest.approx([0.4, 0.4, 0.15, 0.05])
    assert res.clients[S.CUM_SHARE].tolist() == pytest.approx([0.4, 0.8, 0.95, 1.0])


def test_abc_client_crossing_a_cutoff_belongs_to_the_upper_class():
    res = abc(rev([85, 10, 5], ["big", "mid", "small"]))
    # big crosses 80 % → A; mid starts at 85 % (< 95 %) and crosses 95 % → B; small starts at 95 %
    assert classes(res, S.ABC) == {"big": "A", "mid": "B", "small": "C"}


def test_abc_ties_are_broken_by_client_id_whatever_the_row_order():
    # 60, then two clients with 20: the first of them (by id) ends at exactly 80 % → A
    snap = rev([20, 60, 20], ["b", "top", "a"])
    res = abc(snap)
    assert classes(res, S.ABC) == {"top": "A", "a": "A", "b": "B"}
    assert dict(zip(res.clients[S.CLIENT_ID], res.clients[S.CUM_SHARE])) == pytest.approx(
        {"top": 0.6, "a": 0.8, "b": 1.0})
    res2 = abc(snap.iloc[::-1])
    assert classes(res2, S.ABC) == classes(res, S.ABC)
    assert res2.clients[S.CLIENT_ID].tolist() == ["a", "top", "b"]   # the snapshot's order


def test_abc_one_client_is_a():
    res = abc(rev([123.0], ["only"]))
    assert classes(res, S.ABC) == {"only": "A"}
    assert res.clients[S.SHARE].item() == 1.0 and res.clients[S.CUM_SHARE].item() == 1.0


def test_abc_all_clients_equal():
    # five clients of 20 %: cumulative shares before each are 0, 20, 40, 60, 80 %
    res = abc(rev([7] * 5, ["e", "d", "c", "b", "a"]))
    assert classes(res, S.ABC) == {"a": "A", "b": "A", "c": "A", "d": "A", "e": "B"}


def test_abc_zero_revenue_and_leads_are_c():
    snap = rev([70, 30, 0, 0], ["a", "b", "zero", "lead"], is_lead=[False, False, False, True])
    res = abc(snap)
    assert classes(res, S.ABC) == {"a": "A", "b": "A", "zero": "C", "lead": "C"}
    c = res.clients.set_index(S.CLIENT_ID)
    assert c.loc["zero", S.SHARE] == 0.0 and np.isnan(c.loc["zero", S.CUM_SHARE])
    assert np.isnan(c.loc["lead", S.CUM_SHARE])


def test_abc_lead_with_revenue_value_counts_as_zero():
    snap = rev([50, 50], ["a", "lead"], is_lead=[False, True])
    res = abc(snap)
    assert classes(res, S.ABC) == {"a": "A", "lead": "C"}
    assert res.clients[S.VALUE].tolist() == [50.0, 0.0]


def test_abc_base_of_returns_only_is_all_c_with_a_note():
    res = abc(rev([-10, -5, 0], ["a", "b", "c"]))
    assert set(classes(res, S.ABC).values()) == {"C"}
    assert res.clients[S.SHARE].isna().all() and res.clients[S.CUM_SHARE].isna().all()
    assert any("no client has a positive revenue" in n for n in seg_words.notes(res))
    assert res.summary[S.VALUE_SHARE].isna().all()
    assert res.summary[S.N_CLIENTS].tolist() == [0, 0, 3]


def test_abc_negative_clients_are_c_and_shares_are_of_the_positive_total():
    res = abc(rev([80, 20, -50], ["a", "b", "neg"]))
    assert classes(res, S.ABC) == {"a": "A", "b": "B", "neg": "C"}
    assert res.clients[S.SHARE].tolist() == pytest.approx([0.8, 0.2, -0.5])
    assert res.notes == ()
    res2 = abc(rev([10, -30], ["a", "neg"]))
    assert classes(res2, S.ABC) == {"a": "A", "neg": "C"}
    assert any("net revenue of the base is not positive" in n for n in seg_words.notes(res2))


def test_abc_summary_by_hand():
    res = abc(rev([40, 40, 15, 5]))
    s = res.summary
    assert s[S.ABC].tolist() == ["A", "B", "C"]
    assert s[S.N_CLIENTS].tolist() == [2, 1, 1]
    assert s[S.CLIENT_SHARE].tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert s[S.VALUE].tolist() == pytest.approx([80, 15, 5])
    assert s[S.VALUE_SHARE].tolist() == pytest.approx([0.8, 0.15, 0.05])


def test_abc_custom_cutoffs_and_margin():
    snap = rev([50, 30, 20], ["a", "b", "c"], margin_window=[1.0, 8.0, 1.0])
    assert classes(abc(snap, cutoffs=(0.5, 0.8)), S.ABC) == {"a": "A", "b": "B", "c": "C"}
    # margins 8, 1, 1 of 10: b ends at 80 % (A); a and c tie, a first (by id) from 80 to 90 %
    # (B), c starts at 90 % < 95 % (B)
    assert classes(abc(snap, by="margin"), S.ABC) == {"b": "A", "a": "B", "c": "B"}
    assert abc(snap, by="margin").params == {"by": "margin", "cutoffs": (0.8, 0.95)}


def _abc_reference(ids, values, lo=Fraction(8, 10), hi=Fraction(95, 100)):
    """Slow, exact ABC: integer amounts, Fractions, Python sort by (-value, id)."""
    out = {i: "C" for i in ids}
    pos = sorted(((v, i) for i, v in zip(ids, values) if v > 0), key=lambda t: (-t[0], t[1]))
    total = sum(v for v, _ in pos)
    before = 0
    for v, i in pos:
        share_before = Fraction(before, total)
        out[i] = "A" if share_before < lo else ("B" if share_before < hi else "C")
        before += v
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_abc_matches_a_slow_exact_reference_with_many_ties(seed):
    rng = np.random.default_rng(seed)
    n = 400
    values = (rng.integers(-2, 12, n) * 50).tolist()    # many ties, zeros and negatives
    ids = [f"k{j:03d}" for j in rng.permutation(n)]
    res = abc(rev(values, ids))
    assert classes(res, S.ABC) == _abc_reference(ids, values)


def test_abc_invariant_to_row_order_and_currency_scaling():
    snap = full_snapshot(600, seed=3)
    base = classes(abc(snap), S.ABC)
    shuffled = snap.sample(frac=1.0, random_state=7)
    res = abc(shuffled)
    assert classes(res, S.ABC) == base
    assert res.clients[S.CLIENT_ID].tolist() == shuffled[S.CLIENT_ID].tolist()
    scaled = snap.assign(**{S.REVENUE_WINDOW: snap[S.REVENUE_WINDOW] * 100})
    res100 = abc(scaled)
    assert classes(res100, S.ABC) == base
    np.testing.assert_allclose(res100.clients[S.SHARE], abc(snap).clients[S.SHARE])


def test_abc_every_client_in_exactly_one_class():
    snap = full_snapshot(500, seed=4)
    res = abc(snap)
    assert res.clients[S.ABC].notna().all()
    assert set(res.clients[S.ABC].astype(str)) <= set(ABC_CLASSES)
    assert res.summary[S.N_CLIENTS].sum() == len(snap)
    assert res.summary[S.VALUE].sum() == pytest.approx(
        snap.loc[~snap[S.IS_LEAD], S.REVENUE_WINDOW].sum())


def test_abc_errors():
    with pytest.raises(ParameterError, match=r"`cutoffs` must be two shares with 0 < first < "
                                             r"second <= 1.*got \(0\.95, 0\.8\)"):
        abc(rev([1]), cutoffs=(0.95, 0.8))
    with pytest.raises(ParameterError, match=r"`by` must be 'revenue' or 'margin', got 'units'"):
        abc(rev([1]), by="units")
    with pytest.raises(InputError, match=r"abc\(by='margin'\) needs the snapshot column "
                                         r"margin_window"):
        abc(rev([1]), by="margin")
    with pytest.raises(InputError, match=r"abc\(\) needs the snapshot column\(s\) "
                                         r"revenue_window.*reportkit\.snapshot"):
        abc(pd.DataFrame({S.CLIENT_ID: ["a"], "revenue": [1.0]}))
    with pytest.raises(InputError, match=r"one row per client, but 1 client_id values repeat "
                                         r"\(e\.g\. 'a'\)"):
        abc(rev([1, 2], ["a", "a"]))
    with pytest.raises(InputError, match=r"column revenue_window must be numeric, but 1 values "
                                         r"are not \(e\.g\. 'ten'\)"):
        abc(pd.DataFrame({S.CLIENT_ID: ["a", "b"], S.REVENUE_WINDOW: ["10", "ten"]}))
    with pytest.raises(InputError, match=r"needs the client snapshot as a DataFrame"):
        abc([1, 2, 3])


def test_abc_does_not_mutate_its_input():
    snap = rev([3, 1, 2], is_lead=[False, True, False])
    before = snap.copy()
    abc(snap)
    size_tiers(snap)
    pd.testing.assert_frame_equal(snap, before)


# --- XYZ ------------------------------------------------------------------------------------------
def xyz_snap(cv, first_order, *, as_of=AS_OF, lead=None, revenue=None):
    n = len(cv)
    return pd.DataFrame({
        S.CLIENT_ID: [f"c{i}" for i in range(n)], S.CV: cv,
        S.FIRST_ORDER: pd.to_datetime(first_order), S.AS_OF: as_of,
        S.REVENUE_WINDOW: revenue if revenue is not None else [100.0] * n,
        S.IS_LEAD: lead if lead is not None else [False] * n,
    })


def test_xyz_cv_boundaries_are_exclusive():
    cv = [0.0, 0.4999, 0.5, 0.9999, 1.0, 3.0, np.nan, -0.2]
    res = xyz(xyz_snap(cv, ["2020-01-01"] * len(cv)))
    assert res.clients[S.XYZ].astype(str).tolist() == ["X", "X", "Y", "Y", "Z", "Z", "Z", "Z"]
    assert any("without a defined variation" in n and "2 clients" in n for n in seg_words.notes(res))


def test_xyz_tenure_exactly_three_months_is_not_new():
    first = ["2024-03-31",   # + 3 months = 30 June (end of month) → exactly 3 months: not new
             "2024-04-01",   # 2 months 29 days → new
             "2024-03-30",   # 3 months 1 day → not new
             "2024-06-30"]   # first order on the report date → new
    res = xyz(xyz_snap([0.2, 0.2, 0.7, 0.2], first))
    assert res.clients[S.XYZ].astype(str).tolist() == ["X", "new", "Y", "new"]
    feb = xyz(xyz_snap([0.2, 0.2], ["2024-11-30", "2024-12-01"],
                       as_of=pd.Timestamp("2025-02-28")))
    assert feb.clients[S.XYZ].astype(str).tolist() == ["X", "new"]
    off = xyz(xyz_snap([0.2, 0.2], ["2024-06-01", "2024-06-30"]), min_tenure_months=0)
    assert off.clients[S.XYZ].astype(str).tolist() == ["X", "X"]
    six = xyz(xyz_snap([0.2, 0.2], ["2023-12-31", "2024-01-01"]), min_tenure_months=6)
    assert six.clients[S.XYZ].astype(str).tolist() == ["X", "new"]


def test_xyz_leads_and_clients_without_first_order_are_none():
    snap = xyz_snap([np.nan, 0.3, np.nan], ["NaT", "2020-01-01", "NaT"],
                    lead=[True, False, False], revenue=[0.0, 10.0, 0.0])
    res = xyz(snap)
    assert res.clients[S.XYZ].astype(str).tolist() == ["none", "X", "none"]


def test_xyz_summary_and_custom_cutoffs():
    snap = xyz_snap([0.1, 0.3, 0.6, 2.0, 0.1], ["2020-01-01"] * 4 + ["2024-05-15"],
                    revenue=[100.0, 50.0, 30.0, 20.0, 5.0])
    res = xyz(snap, cutoffs=(0.25, 0.7))
    assert res.clients[S.XYZ].astype(str).tolist() == ["X", "Y", "Y", "Z", "new"]
    s = res.summary.set_index(S.XYZ)
    assert s.index.tolist() == list(XYZ_CLASSES)
    assert s[S.N_CLIENTS].tolist() == [1, 2, 1, 1, 0]
    assert s[S.REVENUE].tolist() == pytest.approx([100, 80, 20, 5, 0])
    assert s.loc["Y", S.REVENUE_SHARE] == pytest.approx(80 / 205)


def test_xyz_errors():
    snap = xyz_snap([0.1], ["2020-01-01"])
    with pytest.raises(ParameterError, match=r"`cutoffs` must be two numbers with 0 <= first < "
                                             r"second"):
        xyz(snap, cutoffs=(1.0, 0.5))
    with pytest.raises(ParameterError, match=r"`min_tenure_months` must be an integer >= 0, "
                                             r"got -1"):
        xyz(snap, min_tenure_months=-1)
    with pytest.raises(InputError, match=r"xyz\(\) needs the snapshot column\(s\) cv"):
        xyz(snap.drop(columns=S.CV))


# --- ABC × XYZ matrix and the contact policy -----------------------------------------------------
def matrix_fixture():
    snap = pd.DataFrame({
        S.CLIENT_ID: ["a", "b", "c", "d", "e", "lead"],
        S.REVENUE_WINDOW: [500.0, 300.0, 100.0, 60.0, 40.0, 0.0],
        S.CV: [0.2, 1.5, 0.7, np.nan, 0.1, np.nan],
        S.FIRST_ORDER: pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01", "2022-02-01",
                                       "2024-05-20", None]),
        S.AS_OF: AS_OF,
        S.IS_LEAD: [False] * 5 + [True],
    })
    return snap


def test_matrix_cells_by_hand():
    snap = matrix_fixture()
    # ABC: total 1000; a 50 % A, b ends at 80 % A, c starts at 80 % → B (ends 90), d starts 90 → B
    # (ends 96), e starts 96 → C, lead C.   XYZ: a X, b Z, c Y, d Z (no cv), e new, lead none.
    m = abc_xyz_matrix(abc(snap), xyz(snap))
    assert classes(m, S.ABCXYZ) == {"a": "AX", "b": "AZ", "c": "BY", "d": "BZ", "e": "C_new",
                                    "lead": "none"}
    cells = m.summary.set_index(S.ABCXYZ)
    assert cells.index.tolist() == list(ABCXYZ_CELLS[:-1])
    assert cells[S.N_CLIENTS].sum() == 5                      # the lead is not in the matrix
    assert cells.loc["AX", S.CLIENT_SHARE] == pytest.approx(1 / 5)
    assert cells.loc["AZ", S.VALUE_SHARE] == pytest.approx(0.3)
    assert cells.loc["C_new", S.VALUE] == 40.0
    assert cells.loc["CX", S.N_CLIENTS] == 0 and cells.loc["CX", S.VALUE_SHARE] == 0.0
    assert any("1 leads" in n for n in seg_words.notes(m))
    piv = m.pivot(S.N_CLIENTS)
    assert piv.shape == (3, 4)
    assert piv.index.tolist() == ["A", "B", "C"] and piv.columns.tolist() == ["X", "Y", "Z", "new"]
    assert piv.loc["B", "Z"] == 1 and piv.loc["C", "new"] == 1


def test_matrix_carries_the_contact_policy_in_english_and_russian():
    snap = matrix_fixture()
    matrix = abc_xyz_matrix(abc(snap), xyz(snap))
    assert S.OFFER not in matrix.summary.columns          # the analysis holds no words
    en = seg_words.policy_table(matrix).set_index(S.ABCXYZ)
    assert en.loc["AX", S.OWNER] == "Personal key-account manager"
    assert en.loc["AX", S.MEETINGS] == "Monthly meeting"
    assert en.loc["AX", S.CALLS] == "Weekly call"
    assert en.loc["CZ", S.OFFER] == "Automated mailings only"
    assert "find out why" in en.loc["AZ", S.OFFER]
    assert "second order" in en.loc["B_new", S.OFFER]       # the policy of the new column
    ru = seg_words.policy_table(matrix, "ru").set_index(S.ABCXYZ)
    assert ru.loc["AX", S.CALLS] == "Звонок раз в неделю"
    assert ru.loc["CZ", S.OFFER] == "Только автоматические рассылки"


def test_matrix_matches_clients_by_id_not_by_row():
    snap = matrix_fixture()
    a = abc(snap)
    x_shuffled = xyz(snap).clients.iloc[[3, 0, 5, 1, 4, 2]]
    m = abc_xyz_matrix(a, x_shuffled)
    assert classes(m, S.ABCXYZ)["b"] == "AZ"
    assert m.clients[S.CLIENT_ID].tolist() == snap[S.CLIENT_ID].tolist()
    with pytest.raises(InputError, match=r"`abc` and `xyz` are not for the same clients"):
        abc_xyz_matrix(a, xyz(snap.iloc[:4]))
    with pytest.raises(InputError, match=r"`xyz` has no column xyz"):
        abc_xyz_matrix(a, a)
    bad = a.clients.assign(**{S.ABC: "D"})
    with pytest.raises(InputError, match=r"`abc` holds values outside A, B, C: \['D'\]"):
        abc_xyz_matrix(bad, xyz(snap))


def test_default_policy_table_is_complete():
    table = load_contact_policy()
    assert list(table.columns[:6]) == ["cell", "lang", "owner", "meetings", "calls", "offer"]
    for lang in ("en", "ru"):
        sub = table[table["lang"] == lang].set_index("cell")
        assert set(POLICY_CELLS) <= set(sub.index) and len(POLICY_CELLS) == 9
        for col in ("owner", "meetings", "calls", "offer"):
            assert (sub.loc[list(POLICY_CELLS), col].str.len() > 3).all(), (lang, col)
    ru = table[table["lang"] == "ru"]
    assert ru["offer"].str.contains("[а-я]", regex=True).all()
    # the policies differ: AX gets the most attention, CZ none
    en = contact_policy("en").set_index("cell")
    assert en.loc["CZ", "calls"] == "No calls" and en.loc["CZ", "meetings"] == "No meetings"
    assert len(set(en.loc[list(POLICY_CELLS), "offer"])) == 9


def test_policy_replaced_from_a_csv_in_the_config(tmp_path):
    custom = tmp_path / "policy.csv"
    text = default_policy_path().read_text(encoding="utf-8").replace(
        "Automated mailings only", "Quarterly newsletter")
    custom.write_text(text, encoding="utf-8")
    cfg = load_config({"segmentation": {"contact_policy": str(custom)}})
    seg = segment_all(full_snapshot(60, seed=1), settings=cfg.segmentation)
    cells = seg_words.policy_table(seg.abcxyz, "en", cfg.segmentation.contact_policy
                                   ).set_index(S.ABCXYZ)
    assert cells.loc["CZ", S.OFFER] == "Quarterly newsletter"
    # a Russian-only file written by Excel: ';' delimiter, cp1251
    ru = load_contact_policy().query("lang == 'ru'")
    excel = tmp_path / "policy_ru.csv"
    ru.to_csv(excel, sep=";", index=False, encoding="cp1251")
    m = abc_xyz_matrix(abc(matrix_fixture()), xyz(matrix_fixture()))
    ru_cells = seg_words.policy_table(m, "ru", excel).set_index(S.ABCXYZ)
    assert ru_cells.loc["AX", S.CALLS] == "Звонок раз в неделю"
    with pytest.raises(InputError, match=r"policy_ru\.csv has no texts for language 'en' "
                                         r"\(it has: ru\); add rows with lang = en"):
        seg_words.policy_table(m, "en", excel)


@pytest.mark.parametrize("edit, pattern", [
    (lambda t: t.drop(columns="offer"),
     r"bad\.csv has no column offer \(found: cell, lang, owner, meetings, calls\)\. The file "
     r"needs the columns cell, lang, owner, meetings, calls, offer"),
    (lambda t: t[~((t["cell"] == "CZ") & (t["lang"] == "ru"))],
     r"bad\.csv: language 'ru' has no row for cell CZ; add one row per missing cell"),
    (lambda t: t.assign(cell=t["cell"].replace({"BY": "DX"})),
     r"bad\.csv: unknown cell 'DX' \(row 6\), 'DX' \(row 16\); cells are AX, AY, AZ, BX, BY, BZ, CX, CY, CZ and "
     r"new"),
    (lambda t: pd.concat([t, t.iloc[[0]]]),
     r"bad\.csv: cell AX appears twice for language 'en' \(second time in row 22\)"),
])
def test_policy_csv_errors_name_the_file_and_the_fix(tmp_path, edit, pattern):
    bad = tmp_path / "bad.csv"
    edit(pd.read_csv(default_policy_path(), dtype=str)).to_csv(bad, index=False)
    with pytest.raises(InputError, match=pattern):
        load_contact_policy(bad)
    matrix = segment_all(full_snapshot(20, seed=0)).abcxyz
    with pytest.raises(InputError, match=pattern):
        seg_words.policy_table(matrix, "en", bad)


def test_policy_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"contact policy file .*nope\.csv does not exist; set "
                                         r"\[segmentation\] contact_policy"):
        load_contact_policy(tmp_path / "nope.csv")


def test_policy_cells_are_normalised(tmp_path):
    t = pd.read_csv(default_policy_path(), dtype=str)
    t["cell"] = t["cell"].str.lower().str.pad(4, side="right")
    t["lang"] = t["lang"].str.upper()
    got = load_contact_policy(t)
    assert set(got["cell"]) == set(POLICY_CELLS) | {"new"}
    assert set(got["lang"]) == {"en", "ru"}


# --- RFM ------------------------------------------------------------------------------------------
def rfm_snap(recency, orders, revenue, lead=None):
    n = len(recency)
    return pd.DataFrame({S.CLIENT_ID: [f"c{i}" for i in range(n)],
                         S.RECENCY_DAYS: [float(v) for v in recency],
                         S.ORDERS_WINDOW: [float(v) for v in orders],
                         S.REVENUE_WINDOW: [float(v) for v in revenue],
                         S.IS_LEAD: lead if lead is not None else [False] * n})


def scores(res):
    c = res.clients
    return list(zip(c[S.R_SCORE].tolist(), c[S.F_SCORE].tolist(), c[S.M_SCORE].tolist()))


def test_rfm_ten_distinct_values_fill_the_scores_evenly():
    res = rfm(rfm_snap(range(10, 0, -1), range(1, 11), range(100, 1100, 100)))
    # recency 10 … 1 days: the last client is the most recent; ranks 1..10 → ceil(5 (r − ½) / 10)
    expected = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert res.clients[S.R_SCORE].tolist() == expected
    assert res.clients[S.F_SCORE].tolist() == expected
    assert res.clients[S.M_SCORE].tolist() == expected


def test_rfm_ties_share_the_score_of_their_mid_rank():
    # orders 1, 1, 2, 3: average ranks 1.5, 1.5, 3, 4 of n = 4; score = ceil(5 (2r − 1) / 8)
    # → ceil(1.25) = 2, 2, ceil(3.125) = 4, ceil(4.375) = 5
    res = rfm(rfm_snap([5, 5, 5, 5], [1, 1, 2, 3], [10, 20, 30, 40]))
    assert res.clients[S.F_SCORE].tolist() == [2, 2, 4, 5]
    assert res.clients[S.R_SCORE].tolist() == [3, 3, 3, 3]    # all equal → the middle score
    assert res.clients[S.M_SCORE].tolist() == [1, 2, 4, 5]    # ceil(5/8), ceil(15/8) …


def test_rfm_tiny_bases():
    one = rfm(rfm_snap([30], [2], [500]))
    assert scores(one) == [(3, 3, 3)]
    assert one.clients[S.RFM].astype(str).tolist() == ["333"]
    assert one.clients[S.RFM_SEGMENT].astype(str).tolist() == ["need_attention"]
    two = rfm(rfm_snap([10, 90], [3, 1], [200, 100]))
    # ranks 1 and 2 of n = 2: ceil(5 × 1/4) = 2 and ceil(5 × 3/4) = 4
    assert scores(two) == [(4, 4, 4), (2, 2, 2)]
    equal = rfm(rfm_snap([7] * 4, [2] * 4, [50] * 4), bins=4)
    assert scores(equal) == [(2, 2, 2)] * 4                   # ceil(4 / 2)


def _score_reference(values, bins, higher_is_better=True):
    """Slow exact mid-rank score: (#less + (#equal + 1) / 2 − ½) / n, then ceil(bins × pct)."""
    vals = list(values) if higher_is_better else [-v for v in values]
    n = len(vals)
    out = []
    for v in vals:
        less = sum(1 for w in vals if w < v)
        equal = sum(1 for w in vals if w == v)
        pct = (Fraction(less) + Fraction(equal + 1, 2) - Fraction(1, 2)) / n
        out.append(max(1, math.ceil(bins * pct)))
    return out


@pytest.mark.parametrize("bins", [3, 5, 7])
def test_rfm_quantile_scores_match_a_slow_reference(bins):
    rng = np.random.default_rng(bins)
    n = 150
    recency = rng.integers(0, 40, n)
    orders = rng.integers(0, 6, n)
    revenue = rng.integers(-2, 30, n) * 10
    res = rfm(rfm_snap(recency, orders, revenue), bins=bins)
    assert res.clients[S.R_SCORE].tolist() == _score_reference(recency, bins, False)
    assert res.clients[S.F_SCORE].tolist() == _buyer_score_reference(orders, bins)
    assert res.clients[S.M_SCORE].tolist() == _buyer_score_reference(revenue, bins)


def _buyer_score_reference(values, bins):
    """F and M: 1 for no orders / no revenue in the window; the others ranked among themselves."""
    buyers = [v for v in values if v > 0]
    ranked = iter(_score_reference(buyers, bins))
    return [next(ranked) if v > 0 else 1 for v in values]


def test_rfm_one_order_newcomer_is_new_not_ranked_against_the_silent():
    # 4 silent clients (no order in the window) and 6 buyers; the newcomer bought once, last week.
    recency = [400, 500, 600, 700, 7, 20, 25, 30, 35, 40]
    orders = [0, 0, 0, 0, 1, 3, 4, 5, 6, 8]
    revenue = [0, 0, 0, 0, 50, 300, 400, 500, 600, 800]
    res = rfm(rfm_snap(recency, orders, revenue))
    c = res.clients
    # the 6 buyers ranked among themselves: ceil(5 (2r - 1) / 12) for r = 1..6 is
    # ceil(0.42, 1.25, 2.08, 2.92, 3.75, 4.58) = 1, 2, 3, 3, 4, 5; the silent clients score 1
    assert c[S.F_SCORE].tolist() == [1, 1, 1, 1, 1, 2, 3, 3, 4, 5]
    assert c[S.M_SCORE].tolist() == [1, 1, 1, 1, 1, 2, 3, 3, 4, 5]
    # most recent of all: R = 5 -> the grid's R5 / FM1 cell is "new"
    assert c[S.R_SCORE].iloc[4] == 5
    assert c[S.RFM_SEGMENT].iloc[4] == "new"


def test_rfm_fixed_thresholds():
    th = {"recency": [30, 90, 180, 365], "frequency": [2, 3, 5, 10], "monetary": [100, 1000,
                                                                                   5000, 20000]}
    res = rfm(rfm_snap([30, 31, 90, 91, 365, 366], [1, 2, 4, 5, 10, 0],
                       [99, 100, 999, 5000, 20000, -5]), thresholds=th)
    assert res.clients[S.R_SCORE].tolist() == [5, 4, 4, 3, 2, 1]
    assert res.clients[S.F_SCORE].tolist() == [1, 2, 3, 4, 5, 1]
    assert res.clients[S.M_SCORE].tolist() == [1, 2, 2, 4, 5, 1]
    # thresholds for one dimension only: the others stay quantiles
    mixed = rfm(rfm_snap([10, 400], [1, 3], [5, 50]), thresholds={"recency": [30, 90, 180, 365]})
    assert scores(mixed) == [(5, 2, 2), (1, 4, 4)]


def _force(r, f, m):
    """Clients whose scores under FORCE thresholds are exactly (r, f, m)."""
    return 6 - r, f, m


FORCE = {"recency": [1, 2, 3, 4], "frequency": [2, 3, 4, 5], "monetary": [2, 3, 4, 5]}


@pytest.mark.parametrize("rfm_scores, segment", [
    ((5, 5, 4), "champions"),          # FM = ceil(4.5) = 5
    ((4, 4, 5), "loyal"),
    ((3, 4, 4), "loyal"),
    ((5, 2, 3), "potential_loyalist"),  # FM = ceil(2.5) = 3
    ((5, 1, 1), "new"),
    ((4, 1, 1), "promising"),
    ((3, 3, 3), "need_attention"),
    ((3, 1, 2), "about_to_sleep"),
    ((2, 3, 4), "at_risk"),
    ((1, 5, 5), "cant_lose"),
    ((2, 5, 4), "cant_lose"),
    ((2, 1, 2), "hibernating"),
    ((1, 1, 1), "lost"),
    ((1, 2, 2), "lost"),
    ((1, 2, 3), "at_risk"),             # FM = ceil(2.5) = 3
])
def test_rfm_segment_map_by_hand(rfm_scores, segment):
    r, f, m = rfm_scores
    res = rfm(rfm_snap(*[[v] for v in _force(r, f, m)]), thresholds=FORCE)
    assert scores(res) == [(r, f, m)]
    assert res.clients[S.RFM_SEGMENT].astype(str).item() == segment


def test_rfm_every_score_combination_is_in_exactly_one_segment():
    combos = [(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)]
    rec, freq, mon = zip(*(_force(*c) for c in combos))
    res = rfm(rfm_snap(rec, freq, mon), thresholds=FORCE)
    assert scores(res) == combos
    seg = res.clients[S.RFM_SEGMENT].astype(str)
    assert seg.isin(RFM_SEGMENTS[:-1]).all()
    assert set(seg) == set(RFM_SEGMENTS[:-1])          # all 11 segments are reachable
    assert res.summary[S.N_CLIENTS].sum() == 125


def test_rfm_other_bin_counts_are_rescaled_and_coded():
    th3 = {"recency": [1, 2], "frequency": [2, 3], "monetary": [2, 3]}
    res = rfm(rfm_snap([1, 3, 2], [3, 1, 2], [3, 1, 2]), bins=3, thresholds=th3)
    # 3-bin scores 1, 2, 3 map to 1, 3, 5 on the 5-level map
    assert scores(res) == [(3, 3, 3), (1, 1, 1), (2, 2, 2)]
    assert res.clients[S.RFM_SEGMENT].astype(str).tolist() == ["champions", "lost",
                                                               "need_attention"]
    ten = rfm(rfm_snap(range(20), range(20), range(20)), bins=10)
    assert ten.clients[S.RFM].astype(str).iloc[0] == "10-1-1"
    assert ten.clients[S.R_SCORE].max() == 10


def test_rfm_leads_are_not_scored():
    res = rfm(rfm_snap([np.nan, 10, 20], [0, 2, 1], [0, 300, 100], lead=[True, False, False]))
    c = res.clients
    assert c[S.R_SCORE].isna().tolist() == [True, False, False]
    assert str(c[S.R_SCORE].dtype) == "Int8"
    assert c[S.RFM_SEGMENT].astype(str).tolist()[0] == "none"
    assert pd.isna(c[S.RFM].iloc[0])
    # the lead does not take part in the quantiles: two scored clients → scores 4 and 2
    assert scores(res)[1:] == [(4, 4, 4), (2, 2, 2)]
    s = res.summary.set_index(S.RFM_SEGMENT)
    assert s.loc["none", S.N_CLIENTS] == 1 and s[S.N_CLIENTS].sum() == 3
    assert s.loc["loyal", S.REVENUE] == 300.0 and s.loc["loyal", S.REVENUE_SHARE] == 0.75


def test_rfm_invariant_to_row_order_and_scaling():
    snap = full_snapshot(400, seed=5)
    base = rfm(snap).clients.set_index(S.CLIENT_ID)
    shuffled = rfm(snap.sample(frac=1, random_state=3)).clients.set_index(S.CLIENT_ID)
    scaled = rfm(snap.assign(**{S.REVENUE_WINDOW: snap[S.REVENUE_WINDOW] * 100})
                 ).clients.set_index(S.CLIENT_ID)
    for other in (shuffled.loc[base.index], scaled):
        for col in (S.R_SCORE, S.F_SCORE, S.M_SCORE, S.RFM_SEGMENT):
            assert other[col].astype(str).tolist() == base[col].astype(str).tolist()


def test_rfm_errors():
    snap = rfm_snap([1], [1], [1])
    with pytest.raises(ParameterError, match=r"`bins` must be an integer from 2 to 10, got 11"):
        rfm(snap, bins=11)
    with pytest.raises(ParameterError, match=r"`thresholds\['recency'\]` must be 4 increasing "
                                             r"numbers \(one less than bins=5\), got \[90, 30"):
        rfm(snap, thresholds={"recency": [90, 30, 180, 365]})
    with pytest.raises(ParameterError, match=r"`thresholds\['monetary'\]` must be 2 increasing"):
        rfm(snap, bins=3, thresholds={"monetary": [1, 2, 3, 4]})
    with pytest.raises(ParameterError, match=r"`thresholds` must be a mapping with keys "
                                             r"'recency', 'frequency', 'monetary'"):
        rfm(snap, thresholds={"r": [1, 2, 3, 4]})
    with pytest.raises(InputError, match=r"rfm\(\) needs the snapshot column\(s\) "
                                         r"orders_window"):
        rfm(snap.drop(columns=S.ORDERS_WINDOW))


# --- BCG ------------------------------------------------------------------------------------------
def bcg_snap(revenue, prev, lead=None):
    n = len(revenue)
    return pd.DataFrame({S.CLIENT_ID: [f"c{i}" for i in range(n)],
                         S.REVENUE_WINDOW: [float(v) for v in revenue],
                         S.REVENUE_PREV_WINDOW: [float(v) for v in prev],
                         S.IS_LEAD: lead if lead is not None else [False] * n})


def test_bcg_quadrants_by_hand():
    # positive revenues 1000, 100, 100, 10, 50, 40 → median 75
    snap = bcg_snap([1000, 100, 100, 10, 50, 40, 0, -20, 0],
                    [500, 100, 0, 5, 100, 0, 80, 10, 0],
                    lead=[False] * 8 + [True])
    res = bcg(snap)
    c = res.clients
    assert c[S.BCG].astype(str).tolist() == [
        "star",            # above the median, +100 %
        "cash_cow",        # above, growth exactly 0 → not growing
        "star",            # above, no previous revenue → growing
        "question_mark",   # below, +100 %
        "dog",             # below, −50 %
        "question_mark",   # below, no previous revenue → growing
        "dog",             # no revenue now
        "dog",             # net returns now
        "none",            # lead
    ]
    assert c[S.RELATIVE_SHARE].iloc[0] == pytest.approx(math.log10(1000 / 75))
    assert c[S.RELATIVE_SHARE].iloc[6:].isna().all()
    assert c[S.GROWTH].iloc[:2].tolist() == pytest.approx([1.0, 0.0])
    assert np.isnan(c[S.GROWTH].iloc[2]) and np.isnan(c[S.GROWTH].iloc[5])
    assert c[S.GROWTH].iloc[6] == pytest.approx(-1.0)
    s = res.summary.set_index(S.BCG)
    assert s[S.N_CLIENTS].tolist() == [2, 1, 2, 3, 1]
    assert s.loc["star", S.REVENUE] == 1100.0
    assert s.loc["star", S.REVENUE_SHARE] == pytest.approx(1100 / 1300)
    assert any("2 clients with revenue now and none" in n for n in seg_words.notes(res))


def test_bcg_client_exactly_at_the_median_has_a_high_share_and_threshold_is_strict():
    res = bcg(bcg_snap([10, 20, 30], [10, 10, 10]))         # median 20
    assert res.clients[S.BCG].astype(str).tolist() == ["dog", "star", "star"]
    assert res.clients[S.RELATIVE_SHARE].iloc[1] == 0.0
    res = bcg(bcg_snap([10, 20, 30], [10, 10, 10]), growth_threshold=1.0)  # +100 % is not > 1
    assert res.clients[S.BCG].astype(str).tolist() == ["dog", "cash_cow", "star"]


def test_bcg_invariant_to_scaling_and_errors():
    snap = full_snapshot(300, seed=6)
    base = bcg(snap).clients[S.BCG].astype(str).tolist()
    scaled = snap.assign(**{c: snap[c] * 100 for c in (S.REVENUE_WINDOW, S.REVENUE_PREV_WINDOW)})
    assert bcg(scaled).clients[S.BCG].astype(str).tolist() == base
    all_zero = bcg(bcg_snap([0, 0], [5, 0]))
    assert all_zero.clients[S.BCG].astype(str).tolist() == ["dog", "dog"]
    assert any("no client has a positive revenue" in n for n in seg_words.notes(all_zero))
    with pytest.raises(ParameterError, match=r"`growth_threshold` must be a finite number"):
        bcg(snap, growth_threshold=float("nan"))
    with pytest.raises(InputError, match=r"bcg\(\) needs the snapshot column\(s\) "
                                         r"revenue_prev_window"):
        bcg(snap.drop(columns=S.REVENUE_PREV_WINDOW))


# --- size tiers and share of wallet --------------------------------------------------------------
def test_size_tiers_and_share_of_wallet_by_hand():
    snap = rev([600, 250, 100, 50, -20, 0], ["a", "b", "c", "d", "e", "lead"],
               is_lead=[False] * 5 + [True])
    crm = pd.DataFrame({S.CLIENT_ID: ["b", "a", "c", "e", "lead", "other"],
                        S.POTENTIAL: [500.0, 1000.0, 0.0, 100.0, 300.0, 50.0]})
    res = size_tiers(snap, clients=crm)
    c = res.clients.set_index(S.CLIENT_ID)
    # positive total 1000: a 60 % (large), b to 85 % (large: starts at 60), c 85→95 (medium),
    # d starts at 95 % (small), e returns (small), lead (small)
    assert c[S.SIZE_TIER].astype(str).to_dict() == {
        "a": "large", "b": "large", "c": "medium", "d": "small", "e": "small", "lead": "small"}
    assert c.loc["a", S.SHARE_OF_WALLET] == pytest.approx(0.6)
    assert c.loc["a", S.UNREALISED_POTENTIAL] == 400.0
    assert c.loc["b", S.SHARE_OF_WALLET] == pytest.approx(0.5)
    assert c.loc["b", S.UNREALISED_POTENTIAL] == 250.0
    assert np.isnan(c.loc["c", S.SHARE_OF_WALLET])          # potential 0 → unknown
    assert np.isnan(c.loc["d", S.SHARE_OF_WALLET])          # not in the clients table
    assert c.loc["e", S.SHARE_OF_WALLET] == pytest.approx(-0.2)
    assert c.loc["e", S.UNREALISED_POTENTIAL] == 100.0      # returns don't add to it
    assert c.loc["lead", S.SHARE_OF_WALLET] == 0.0
    assert c.loc["lead", S.UNREALISED_POTENTIAL] == 300.0
    s = res.summary.set_index(S.SIZE_TIER)
    assert s[S.N_CLIENTS].tolist() == [2, 1, 3]
    assert s[S.VALUE].tolist() == pytest.approx([850, 100, 30])
    assert s.loc["large", S.POTENTIAL] == 1500.0
    assert s.loc["large", S.SHARE_OF_WALLET] == pytest.approx(850 / 1500)
    assert s.loc["large", S.UNREALISED_POTENTIAL] == 650.0
    assert s.loc["small", S.POTENTIAL] == 400.0
    assert s.loc["small", S.SHARE_OF_WALLET] == pytest.approx(-20 / 400)
    assert s.loc["small", S.UNREALISED_POTENTIAL] == 400.0
    assert np.isnan(s.loc["medium", S.SHARE_OF_WALLET])


def test_size_tiers_revenue_above_potential_and_other_criteria():
    snap = rev([300, 100], ["a", "b"], best12_revenue=[100.0, 900.0])
    crm = pd.DataFrame({S.CLIENT_ID: ["a"], S.POTENTIAL: [200.0]})
    res = size_tiers(snap, clients=crm)
    c = res.clients.set_index(S.CLIENT_ID)
    assert c.loc["a", S.SHARE_OF_WALLET] == 1.5 and c.loc["a", S.UNREALISED_POTENTIAL] == 0.0
    by_best = size_tiers(snap, by=S.BEST12_REVENUE)
    assert classes(by_best, S.SIZE_TIER) == {"b": "large", "a": "medium"}
    no_pot = size_tiers(snap, clients=pd.DataFrame({S.CLIENT_ID: ["a"]}))
    assert S.SHARE_OF_WALLET not in no_pot.clients.columns
    assert S.POTENTIAL not in no_pot.summary.columns


def test_size_tiers_errors():
    snap = rev([1, 2])
    with pytest.raises(ParameterError, match=r"`by` must be one of 'revenue_window', "
                                             r"'best12_revenue'"):
        size_tiers(snap, by="orders")
    dup = pd.DataFrame({S.CLIENT_ID: ["c0", "c0"], S.POTENTIAL: [1.0, 2.0]})
    with pytest.raises(InputError, match=r"clients table: 1 client_id values with a potential "
                                         r"repeat \(e\.g\. 'c0'\)"):
        size_tiers(snap, clients=dup)
    text = pd.DataFrame({S.CLIENT_ID: ["c0"], S.POTENTIAL: ["lots"]})
    with pytest.raises(InputError, match=r"clients column potential must be numeric"):
        size_tiers(snap, clients=text)
    with pytest.raises(InputError, match=r"`clients` has no client_id column"):
        size_tiers(snap, clients=pd.DataFrame({"id": ["c0"]}))


# --- segment_all ----------------------------------------------------------------------------------
def test_segment_all_frame_one_row_per_client_with_every_class():
    snap = full_snapshot(300, seed=8)
    crm = pd.DataFrame({S.CLIENT_ID: snap[S.CLIENT_ID].iloc[::3], S.POTENTIAL: 5000.0})
    seg = segment_all(snap, clients=crm)
    frame = seg.to_frame()
    assert frame.columns.tolist() == [
        S.CLIENT_ID, S.ABC, S.XYZ, S.ABCXYZ, S.R_SCORE, S.F_SCORE, S.M_SCORE, S.RFM,
        S.RFM_SEGMENT, S.BCG, S.SIZE_TIER, S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL]
    assert frame[S.CLIENT_ID].tolist() == snap[S.CLIENT_ID].tolist()
    for col, values in ((S.ABC, ABC_CLASSES), (S.XYZ, XYZ_CLASSES), (S.ABCXYZ, ABCXYZ_CELLS),
                        (S.RFM_SEGMENT, RFM_SEGMENTS), (S.BCG, BCG_CLASSES),
                        (S.SIZE_TIER, SIZE_TIERS)):
        assert frame[col].notna().all() and frame[col].astype(str).isin(values).all(), col
    # consistent with the single functions
    assert frame[S.ABC].astype(str).tolist() == abc(snap).clients[S.ABC].astype(str).tolist()
    assert frame[S.RFM_SEGMENT].astype(str).tolist() == \
        rfm(snap).clients[S.RFM_SEGMENT].astype(str).tolist()
    alone = size_tiers(snap, clients=crm).clients       # shares the sort with ABC in segment_all
    assert frame[S.SIZE_TIER].astype(str).tolist() == alone[S.SIZE_TIER].astype(str).tolist()
    np.testing.assert_array_equal(frame[S.SHARE_OF_WALLET], alone[S.SHARE_OF_WALLET])
    # abcxyz is the concatenation of abc and xyz (leads: none)
    expected = [("none" if x == "none" else (a + x if x in "XYZ" else f"{a}_new"))
                for a, x in zip(frame[S.ABC].astype(str), frame[S.XYZ].astype(str))]
    assert frame[S.ABCXYZ].astype(str).tolist() == expected
    assert set(seg.summaries()) == {"abc", "xyz", "abcxyz", "rfm", "bcg", "size"}


def test_segment_all_follows_the_settings():
    snap = full_snapshot(200, seed=9)
    st = SegmentationSettings(abc_by="margin", abc_cutoffs=(0.5, 0.9), xyz_cutoffs=(0.6, 1.2),
                              min_tenure_months=6, rfm_bins=3, rfm_recency_days=(30.0, 180.0),
                              bcg_growth=0.25, size_cutoffs=(0.7, 0.9),
                              size_by=S.BEST12_REVENUE)
    seg = segment_all(snap, settings=st)
    assert seg.abc.clients[S.ABC].astype(str).tolist() == \
        abc(snap, by="margin", cutoffs=(0.5, 0.9)).clients[S.ABC].astype(str).tolist()
    assert seg.xyz.clients[S.XYZ].astype(str).tolist() == \
        xyz(snap, cutoffs=(0.6, 1.2), min_tenure_months=6).clients[S.XYZ].astype(str).tolist()
    assert seg.rfm.clients[S.R_SCORE].tolist() == rfm(
        snap, bins=3, thresholds={"recency": [30, 180]}).clients[S.R_SCORE].tolist()
    assert seg.bcg.clients[S.BCG].astype(str).tolist() == \
        bcg(snap, growth_threshold=0.25).clients[S.BCG].astype(str).tolist()
    assert seg.size.clients[S.SIZE_TIER].astype(str).tolist() == size_tiers(
        snap, cutoffs=(0.7, 0.9), by=S.BEST12_REVENUE).clients[S.SIZE_TIER].astype(str).tolist()
    assert seg.abcxyz.params == {"by": "margin"}


def test_segment_all_errors_and_html():
    snap = full_snapshot(50, seed=10)
    with pytest.raises(InputError, match=r"`settings` must be a SegmentationSettings"):
        segment_all(snap, settings={"abc_cutoffs": (0.8, 0.95)})
    with pytest.raises(ParameterError, match=r"`settings.abc_cutoffs` must be two shares"):
        segment_all(snap, settings=SegmentationSettings(abc_cutoffs=(0.8, 1.5)))
    with pytest.raises(ParameterError, match=r"`lang` must be one of 'en', 'ru', got 'de'"):
        seg_words.display(segment_all(snap).abc.summary, "de")
    with pytest.raises(InputError, match=r"segment_all\(\) needs the snapshot column\(s\) cv"):
        segment_all(snap.drop(columns=S.CV))
    seg = segment_all(snap)
    page = seg._repr_html_()
    assert "abcxyz" in page and "client_share" in page and "champions" in page
    assert "<table" in page
    shown = seg_words.display(seg.rfm.summary, "ru")
    assert "Доля клиентов" in shown.columns and "Чемпионы" in set(shown.iloc[:, 0])
    assert seg_words.title("abcxyz", "ru") == "Матрица ABC×XYZ"
    assert repr(seg).startswith("<Segments of 50 clients")


def test_labels_cover_every_class_in_both_languages():
    assert set(LABELS) == {"en", "ru"}
    assert set(LABELS["en"]) == set(LABELS["ru"])
    for values in (ABC_CLASSES, XYZ_CLASSES, ABCXYZ_CELLS, RFM_SEGMENTS, BCG_CLASSES, SIZE_TIERS):
        for v in values:
            assert LABELS["en"][v] and LABELS["ru"][v], v
    assert LABELS["ru"]["cant_lose"] == "Нельзя потерять"
    assert LABELS["en"]["cash_cow"] == "Cash cows"


def test_segment_all_copes_with_a_copied_policy_file(tmp_path):
    # the config may point at a copy of the default file: identical results
    copy = tmp_path / "p.csv"
    shutil.copy(default_policy_path(), copy)
    snap = full_snapshot(40, seed=11)
    a = segment_all(snap).abcxyz.summary
    b = segment_all(snap, settings=SegmentationSettings(contact_policy=str(copy))).abcxyz.summary
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("snap_dtype, crm_dtype", [
    ("str", "object"), ("object", "str"), ("string", "str"), ("object", "object")])
def test_share_of_wallet_matches_ids_whatever_their_string_dtype(snap_dtype, crm_dtype):
    snap = rev([100, 50, 10], ["a", "b", "c"])
    snap[S.CLIENT_ID] = snap[S.CLIENT_ID].astype(snap_dtype)
    crm = pd.DataFrame({S.CLIENT_ID: pd.Series(["c", "a", "zz"], dtype=crm_dtype),
                        S.POTENTIAL: [20.0, 400.0, 5.0]})
    res = size_tiers(snap, clients=crm)
    np.testing.assert_allclose(res.clients[S.SHARE_OF_WALLET], [0.25, np.nan, 0.5])
    np.testing.assert_allclose(res.clients[S.UNREALISED_POTENTIAL], [300.0, np.nan, 10.0])


def test_sample_base_against_its_planted_rhythms():
    """On the bundled sample (made by reportkit.io.sample with planted truth): leads are 'none',
    one-off buyers are never X, and most active monthly buyers are X or Y."""
    import reportkit as rk

    ds = rk.load(rk.sample_path())
    snap = rk.snapshot(ds, as_of="2025-12-31")
    frame = segment_all(snap, clients=ds.clients).to_frame()
    truth = pd.read_csv(rk.sample_path() / "truth" / "profiles.csv", dtype=str)
    both = truth.merge(frame, on=S.CLIENT_ID, validate="one_to_one")
    assert len(both) == len(truth)
    xyz_of = both[S.XYZ].astype(str)
    assert (xyz_of[both["rhythm"] == "lead"] == "none").all()
    assert (both.loc[both["rhythm"] == "lead", S.RFM_SEGMENT].astype(str) == "none").all()
    assert not (xyz_of[both["rhythm"] == "one_off"] == "X").any()
    monthly = both[(both["rhythm"] == "monthly") & (xyz_of != "new")]
    monthly_active = monthly[monthly[S.R_SCORE] >= 3]
    assert (monthly_active[S.XYZ].astype(str).isin(["X", "Y"])).mean() > 0.6
