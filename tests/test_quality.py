"""Data quality: normalisation, duplicates, card completeness, reconciliation.

Expected values are worked out by hand in the comments, or by slow reference code in the test.
"""

from __future__ import annotations

import math
from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from reportkit.report.words import quality as WQ
from rapidfuzz import fuzz

from reportkit.io.config import QualitySettings, load_config
from reportkit.errors import InputError, MissingColumnError, ParameterError
from reportkit.analysis.quality import (CLIENT_BASE, LIST_OF_NAMES, PARTIAL_BASE, _name_candidates,
                               completeness, find_duplicates, inn_is_valid, inns_are_valid,
                               normalize_email, normalize_emails, normalize_name, normalize_names,
                               normalize_phone, normalize_phones, normalize_tax_id,
                               normalize_tax_ids, reconcile)


# --- phones ------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("8 (916) 123-45-67", "79161234567"),       # 8… and +7… are the same number
    ("+7 916 123 45 67", "79161234567"),
    ("7-916-123-45-67", "79161234567"),
    ("9161234567", "79161234567"),              # 10 digits starting with 9: leading 7
    (89161234567.0, "79161234567"),             # Excel number
    ("(495) 123-45-67", "74951234567"),         # area code without country code
    ("+7 495 123-45-67 доб. 123", "74951234567"),
    ("+7 495 123-45-67 доб.123", "74951234567"),
    ("8 495 1234567 ext 12", "74951234567"),
    ("8 495 1234567 x12", "74951234567"),
    ("8 495 1234567 #12", "74951234567"),
    ("8 495 1234567 (доб. 5)", "74951234567"),
    ("+44 20 7946 0958", "442079460958"),       # foreign numbers keep their digits
    ("0044 20 7946 0958", "442079460958"),      # international prefix 00 dropped
    ("нет; 8-916-123-45-67", "79161234567"),    # first usable number of several
    ("123-45-67", None),                        # too short: a local number
    ("", None), ("   ", None), ("-", None), (None, None), (float("nan"), None),
    ("8 000 000 00 00", None),                  # placeholder
])
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_normalize_phones_matches_scalar_and_keeps_index():
    raw = pd.Series(["8 916 123-45-67", None, "+7 916 1234567", "12", "8 916 123-45-67"],
                    index=[10, 11, 12, 13, 14])
    out = normalize_phones(raw)
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert out.tolist() == [normalize_phone(v) for v in raw]
    assert out.tolist() == ["79161234567", None, "79161234567", None, "79161234567"]


# --- e-mails -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("  Ivanov@Mail.RU ", "ivanov@mail.ru"),
    ("ivanov @mail.ru", "ivanov@mail.ru"),      # stray space
    ("mailto:Sales@Romashka.ru", "sales@romashka.ru"),
    ("<sales@romashka.ru>", "sales@romashka.ru"),
    ("a@x.ru; b@y.ru", "a@x.ru"),
    ("a@x.ru b@y.ru", "a@x.ru"),
    ("нет", None), ("ivanov.mail.ru", None), ("@mail.ru", None), ("ivanov@", None),
    (None, None), ("", None),
])
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected


def test_normalize_emails_series():
    assert normalize_emails(pd.Series(["A@B.ru", "-", None, " a@b.RU"])).tolist() == [
        "a@b.ru", None, None, "a@b.ru"]


# --- tax ids -----------------------------------------------------------------------------------

def test_inn_check_digits_by_hand():
    # 7707083893 (Sberbank), weights 2 4 10 3 5 9 4 6 8 over 7 7 0 7 0 8 3 8 9:
    # 14 + 28 + 0 + 21 + 0 + 72 + 12 + 48 + 72 = 267; 267 mod 11 = 3; 3 mod 10 = 3 = last digit.
    assert inn_is_valid("7707083893")
    assert not inn_is_valid("7707083894")
    # 123456789?: 2 + 8 + 30 + 12 + 25 + 54 + 28 + 48 + 72 = 279; 279 mod 11 = 4 -> 1234567894.
    assert inn_is_valid("1234567894")
    assert not inn_is_valid("1234567890")
    # 100000001?: 1·2 + 1·8 = 10; 10 mod 11 = 10; 10 mod 10 = 0 -> 1000000010 (the mod 10 step).
    assert inn_is_valid("1000000010")
    assert not inn_is_valid("1000000011")
    # 500100732259, digits 5 0 0 1 0 0 7 3 2 2 5 9:
    # 11th: weights 7 2 4 10 3 5 9 4 6 8 -> 35 + 0 + 0 + 10 + 0 + 0 + 63 + 12 + 12 + 16 = 148;
    #       148 mod 11 = 5 = 11th digit.
    # 12th: weights 3 7 2 4 10 3 5 9 4 6 8 -> 15 + 0 + 0 + 4 + 0 + 0 + 35 + 27 + 8 + 12 + 40 = 141;
    #       141 mod 11 = 9 = 12th digit.
    assert inn_is_valid("500100732259")
    assert not inn_is_valid("500100732258")       # 12th digit wrong
    assert not inn_is_valid("500100732269")       # 11th digit wrong
    assert inn_is_valid("7707 083-893")            # read as its digits
    assert not inn_is_valid("12345")
    assert not inn_is_valid(None)


@pytest.mark.parametrize("raw, expected", [
    (" 7707 083 893 ", "7707083893"),
    ("7707083893/773601001", "7707083893"),        # INN/KPP in one cell
    (7707083893.0, "7707083893"),
    ("7707083893.0", "7707083893"),
    ("500100732259", "500100732259"),
    # 0274062111: 0·2 + 2·4 + 7·10 + 4·3 + 0·5 + 6·9 + 2·4 + 1·6 + 1·8 = 166; 166 mod 11 = 1
    # (valid); Excel dropped the leading zero of region 02 -> restored.
    ("274062111", "0274062111"),
    ("123456789", None),                            # 9 digits, no valid INN with a 0 in front
    ("7707083894", "7707083894"),                   # wrong check digit still normalised
    ("0000000000", None),                           # placeholder
    ("12345", None), ("", None), (None, None),
])
def test_normalize_tax_id(raw, expected):
    assert normalize_tax_id(raw) == expected


def test_tax_id_series_versions():
    raw = pd.Series(["7707083893", "77-07-08-38-93", "abc", None, "7707083894"])
    assert normalize_tax_ids(raw).tolist() == ["7707083893", "7707083893", None, None,
                                               "7707083894"]
    assert inns_are_valid(raw).tolist() == [True, True, False, False, False]


# --- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "ООО «Ромашка»", "Ромашка ООО", 'ООО "РОМАШКА"', "ооо ромашка",
    "Общество с ограниченной ответственностью «Ромашка»",
    "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ РОМАШКА", "ООО«Ромашка»", "Ромашка, ООО",
    "О.О.О. Ромашка", "ООО Ромашкa",  # the last one ends in a Latin "a"
])
def test_normalize_name_russian_legal_forms(raw):
    assert normalize_name(raw) == "ромашка"


@pytest.mark.parametrize("raw, expected", [
    ("Acme Ltd.", "acme"), ("ACME LLC", "acme"), ("Acme, Inc.", "acme"), ("Acme Corp", "acme"),
    ("Acme GmbH", "acme"), ("Acme Co.", "acme"), ("Acme Limited", "acme"),
    ("Acme Company", "acme"), ("Acme Limited Liability Company", "acme"),
    ("Smith & Sons Ltd", "smith sons"),
    ("ЗАО «Ёлка»", "елка"), ("Акционерное общество Ёлка", "елка"), ("ПАО Ёлка", "елка"),
    ("ОАО Ёлка", "елка"), ("АО Ёлка", "елка"), ("НКО Ёлка", "елка"),
    ("ИП Иванов Иван Иванович", "иван иванов иванович"),
    ("Индивидуальный предприниматель Иванов Иван Иванович", "иван иванов иванович"),
    ("Торговый дом «Альфа»", "альфа дом торговый"), ("Альфа Торговый Дом", "альфа дом торговый"),
    ("ООО", None), ("  ", None), (None, None),
])
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def test_normalize_names_series():
    assert normalize_names(pd.Series(["ИП Иванов", "Иванов ИП", None])).tolist() == [
        "иванов", "иванов", None]


# --- duplicates ----------------------------------------------------------------------------------

@pytest.fixture
def base():
    clients = pd.DataFrame({
        "client_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "name": ["ООО «Ромашка»", "Ромашка ООО", "Лютик", "Василёк", "ЗАО Василек", "Незабудка"],
        "phone": ["8 916 123-45-67", None, "+7 (916) 123 45 67", "8 495 000-11-22", None,
                  "8 903 765-43-21"],
        "email": [None, "info@romashka.ru", "INFO@romashka.ru ", None, None, None],
        "tax_id": ["7707083893", None, None, None, None, "7707083894"],
    })
    tx = pd.DataFrame({
        "client_id": ["C1", "C1", "C2", "C3", "C3", "C4", "C6"],
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
        "date": pd.to_datetime(["2023-01-10", "2023-02-10", "2023-03-10", "2023-04-10",
                                "2023-05-10", "2023-06-10", "2023-07-10"]),
        "amount": [100.0, 50.0, 300.0, -20.0, 40.0, 10.0, 5.0],
    })
    return clients, tx


def _groups_as_sets(d):
    return sorted(sorted(g) for g in d.clients.groupby("group_id")["client_id"].apply(list))


def test_duplicate_groups_evidence_and_revenue(base):
    clients, tx = base
    d = find_duplicates(clients, transactions=tx)
    # C1~C2 same normalised name, C1~C3 same phone, C2~C3 same e-mail; C4~C5 same name.
    assert _groups_as_sets(d) == [["C1", "C2", "C3"], ["C4", "C5"]]
    pairs = {(a, b): (WQ.evidence_text(e), c) for a, b, e, c in
             d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]].itertuples(
                 index=False)}
    assert d.pairs["evidence"].tolist() == ["name=100", "phone", "email", "name=100"]  # codes
    assert pairs == {("C1", "C2"): ("name 100", "medium"), ("C1", "C3"): ("phone", "high"),
                     ("C2", "C3"): ("e-mail", "high"), ("C4", "C5"): ("name 100", "medium")}
    g = d.clients.set_index("client_id")
    # revenue per record (returns netted): C1 100 + 50, C2 300, C3 -20 + 40; group 470.
    assert g.loc[["C1", "C2", "C3"], "revenue"].tolist() == [150.0, 300.0, 20.0]
    assert (g.loc[["C1", "C2", "C3"], "group_revenue"] == 470.0).all()
    assert g.loc[["C4", "C5"], "revenue"].tolist() == [10.0, 0.0]
    assert (g.loc[["C4", "C5"], "group_revenue"] == 10.0).all()
    # orders: distinct order ids; C1 and C3 tie at 2; C3's card has phone and e-mail, C1's
    # only a phone (the tax id is not a card field) -> C3 survives.
    assert g.loc[["C1", "C2", "C3"], "orders"].tolist() == [2, 1, 2]
    assert (g.loc[["C1", "C2", "C3"], "survivor"] == "C3").all()
    # the group with the most revenue is group 1
    assert g.loc["C1", "group_id"] == 1 and g.loc["C4", "group_id"] == 2
    # the high links alone hold C1, C2, C3 together; C4~C5 only by a medium link
    assert g.loc["C1", "group_confidence"] == "high"
    assert g.loc["C4", "group_confidence"] == "medium"
    assert g.loc["C2", "confidence"] == "high" and g.loc["C5", "confidence"] == "medium"
    shown = WQ.evidence_text(g.loc["C1", "evidence"])
    assert "phone ~ C3" in shown and "name 100 ~ C2" in shown
    assert d.n_groups == 2 and d.surplus_records == 3
    # C6's INN fails its check digit
    assert d.invalid_tax_ids["problem"].tolist() == ["check"]
    assert WQ.invalid_tax_ids(d.invalid_tax_ids).to_dict("records") == [
        {"client_id": "C6", "tax_id": "7707083894", "problem": "check digits do not match"}]
    assert dict(zip(d.summary["item"], d.summary["value"]))["dup.groups"] == 2
    worded = WQ.items_table(d.summary)
    summary = dict(zip(worded["item"], worded["value"]))
    assert summary["duplicate groups"] == 2
    assert summary["surplus records (to merge into survivors)"] == 3
    assert summary["revenue of clients in duplicate groups"] == 480.0


def test_action_list_and_html(base):
    clients, tx = base
    d = find_duplicates(clients, transactions=tx)
    assert d.action_list()["action"].tolist() == ["keep", "merge", "merge", "keep", "merge"]
    f = WQ.duplicates_list(d)
    # survivor first, then the others by revenue (C2 300, C1 150)
    assert f["client_id"].tolist() == ["C3", "C2", "C1", "C4", "C5"]
    assert f["action"].tolist() == ["keep", "merge into C3", "merge into C3", "keep",
                                    "merge into C4"]
    assert list(f.columns) == ["group_id", "client_id", "name", "action", "evidence",
                               "confidence", "group_confidence", "orders", "revenue",
                               "group_revenue"]
    html = d._repr_html_()
    assert "dup.groups" in html and "C3" in html
    assert "Duplicates(4 pairs, 2 groups, 3 surplus records)" == repr(d)


def test_html_is_escaped():
    clients = pd.DataFrame({"client_id": ["a", "b"], "name": ["<script>x</script>"] * 2})
    html = find_duplicates(clients)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_chain_of_pairs_makes_one_group():
    # A~B phone, B~C e-mail, C~D tax id: one group A, B, C, D; E stands alone.
    clients = pd.DataFrame({
        "client_id": ["A", "B", "C", "D", "E"],
        "phone": ["89161112233", "+79161112233", None, None, "89035554433"],
        "email": [None, "x@y.ru", "X@Y.RU", None, None],
        "tax_id": [None, None, "500100732259", "500100732259", None],
    })
    d = find_duplicates(clients)
    assert _groups_as_sets(d) == [["A", "B", "C", "D"]]
    assert set(zip(d.pairs["client_id_a"], d.pairs["client_id_b"])) == {
        ("A", "B"), ("B", "C"), ("C", "D")}
    assert (d.clients["group_confidence"] == "high").all()
    assert (d.clients["orders"].isna()).all() and d.clients["revenue"].isna().all()


@pytest.mark.parametrize("case, expected", [
    ("orders", "B"),       # B has 3 orders, A 1
    ("card", "A"),         # same orders; A's card has phone, e-mail and region, B only phone
    ("oldest", "B"),       # same orders and card; B created in 2019, A in 2021
    ("id", "A"),           # everything equal: the smaller client_id
])
def test_survivor_choice(case, expected):
    clients = pd.DataFrame({"client_id": ["A", "B"], "phone": ["89161112233", "89161112233"],
                            "created": pd.to_datetime(["2020-01-01", "2020-01-01"])})
    orders = {"A": 1, "B": 1}
    if case == "orders":
        orders = {"A": 1, "B": 3}
    if case == "card":
        clients["email"] = ["a@b.ru", None]
        clients["region"] = ["Москва", None]
    if case == "oldest":
        clients["created"] = pd.to_datetime(["2021-01-01", "2019-01-01"])
    rows = [(c, f"{c}{k}", 10.0) for c, n in orders.items() for k in range(n)]
    tx = pd.DataFrame(rows, columns=["client_id", "order_id", "amount"])
    tx["date"] = pd.Timestamp("2023-01-01")
    d = find_duplicates(clients, transactions=tx)
    assert (d.clients["survivor"] == expected).all()
    # the same answer whatever the row order
    d2 = find_duplicates(clients.iloc[::-1], transactions=tx.iloc[::-1])
    assert (d2.clients["survivor"] == expected).all()


def test_generic_phone_links_nothing():
    # a call-centre number on 6 records (> shared_key_limit 5) links nothing and is listed;
    # on exactly 5 records it still makes one group.
    six = pd.DataFrame({"client_id": list("ABCDEF"), "phone": ["8 800 555-35-35"] * 6})
    d = find_duplicates(six)
    assert len(d.clients) == 0 and len(d.pairs) == 0
    assert d.shared_keys.to_dict("records") == [
        {"key": "phone", "value": "78005553535", "records": 6}]
    five = six.iloc[:5]
    assert _groups_as_sets(find_duplicates(five)) == [list("ABCDE")]
    assert len(find_duplicates(six, settings=QualitySettings(shared_key_limit=6)).clients) == 6


def test_different_valid_tax_ids_are_evidence_against():
    clients = pd.DataFrame({
        "client_id": ["X", "Y", "Z", "W"],
        "name": ["Альфа", "Альфа", "Бета", "Гамма"],
        "tax_id": ["7707083893", "500100732259", "7707083893", "500100732259"],
        "phone": [None, None, "89161112233", "89161112233"],
    })
    d = find_duplicates(clients)
    pairs = {(a, b): (WQ.evidence_text(e), c) for a, b, e, c in
             d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]].itertuples(
                 index=False)}
    # X~Y by name only but two legal entities: no link. X~Z same INN: high. Y~W same INN: high.
    # Z~W same phone, different INNs: kept, medium.
    assert ("X", "Y") not in pairs
    assert pairs[("X", "Z")] == ("tax id", "high")
    assert pairs[("W", "Z")] == ("phone, tax ids differ", "medium")


def test_name_links_confidence_and_contact_conflict():
    clients = pd.DataFrame({
        "client_id": ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"],
        "name": ["Магистраль Логистика Сервис", "Магистраль Логистика Сервиз",   # one letter
                 "Магистраль Логистика Сервис", "Магистраль Логистика Сервиз",
                 "Северный Ветер", "Северный Ветер",                               # equal
                 "Магистраль", "Мгаистраль"],                                       # swap
        "phone": [None, None, "89161112233", "89162223344", "89161112200", "89162223300",
                  None, None],
    })
    d = find_duplicates(clients)
    pairs = {(a, b): (WQ.evidence_text(e), c) for a, b, e, c in
             d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]].itertuples(
                 index=False)}
    # "логистика магистраль сервис" vs "…сервиз": one substitution in 27 letters,
    # ratio = (54 - 2) / 54 = 96.3 -> low (below 97)
    assert pairs[("a1", "a2")] == ("name 96", "low")
    # the same names with different phones: the low link is dropped
    assert ("b1", "b2") not in pairs
    # equal names (medium) with different phones: one level down, low
    assert pairs[("c1", "c2")] == ("name 100, phones differ", "low")
    # two swapped letters in a 10-letter name: ratio (20 - 2) / 20 = 90, still linked
    assert pairs[("d1", "d2")] == ("name 90 (two letters swapped)", "low")


def test_common_words_do_not_make_names_alike():
    # "логистик" is in 12 names (>= common_word_min 10): "ноор логистик" / "тоор логистик"
    # differ only in the other word, 1 letter of 4: ratio (8 - 2) / 8 = 75 < 92 -> no link,
    # although the whole names score (26 - 2) / 26 = 92.3.
    others = [f"Компания{i} Логистик" for i in "абвгдежзик"]
    clients = pd.DataFrame({"client_id": [f"x{i}" for i in range(12)],
                            "name": ["Ноор Логистик", "Тоор Логистик", *others]})
    d = find_duplicates(clients)
    assert len(d.pairs) == 0
    assert fuzz.ratio("логистик ноор", "логистик тоор") >= 92
    # with fewer such names the word is not common and the pair is linked
    d = find_duplicates(clients.iloc[:2])
    assert len(d.pairs) == 1


def test_typo_in_a_common_word_still_links():
    # "северный" and "логистик" are each in 11 names (common); "Северный Логистик" /
    # "Северный Логистк": the shared word is common, but the differing pair is a common word and
    # a rare variant of it (a typo): linked. Whole names "логистик северный" (17 letters) and
    # "логистк северный" (16): ratio 2 * 16 / 33 = 97.0 -> medium.
    words = ["альфа", "бетон", "вектор", "гранит", "дельта", "енисей", "жемчуг", "зенит",
             "искра", "корунд"]
    names = ([f"Северный {w}" for w in words] + [f"{w.upper()} Логистик" for w in words]
             + ["Северный Логистик", "Северный Логистк"])
    clients = pd.DataFrame({"client_id": [f"x{i:02d}" for i in range(len(names))],
                            "name": names})
    d = find_duplicates(clients)
    assert d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]].values.tolist() == [
        ["x20", "x21", "name=96", "low"]]
    assert normalize_name("John Davis (sole proprietor)") == "davis john"


def test_oversized_group_is_split_by_dropping_weak_links():
    # A-B same phone, C-D same phone (high); B~C same name (medium; phones differ -> low).
    clients = pd.DataFrame({"client_id": list("ABCD"),
                            "name": ["Альфа", "Бета", "Бета", "Гамма"],
                            "phone": ["89161112233", "89161112233", "89035554433",
                                      "89035554433"]})
    assert _groups_as_sets(find_duplicates(clients)) == [list("ABCD")]
    d = find_duplicates(clients, settings=QualitySettings(max_group_size=3))
    assert _groups_as_sets(d) == [["A", "B"], ["C", "D"]]
    bc = d.pairs[(d.pairs["client_id_a"] == "B") & (d.pairs["client_id_b"] == "C")]
    assert bc["group_id"].isna().all()


def test_duplicates_invariant_to_row_order_and_inputs_untouched(base):
    clients, tx = base
    before_c, before_t = clients.copy(), tx.copy()
    d1 = find_duplicates(clients, transactions=tx)
    pd.testing.assert_frame_equal(clients, before_c)
    pd.testing.assert_frame_equal(tx, before_t)
    shuffled = clients.sample(frac=1.0, random_state=3).set_axis(list("pqrstu"))
    d2 = find_duplicates(shuffled, transactions=tx.sample(frac=1.0, random_state=4))
    pd.testing.assert_frame_equal(d1.clients, d2.clients)
    pd.testing.assert_frame_equal(d1.pairs, d2.pairs)


def test_duplicates_edge_inputs():
    empty = find_duplicates(pd.DataFrame({"client_id": pd.Series([], dtype=object)}))
    assert len(empty.clients) == 0 and len(empty.pairs) == 0
    ids_only = find_duplicates(pd.DataFrame({"client_id": [1, 2, 3]}))  # numeric ids are fine
    assert len(ids_only.clients) == 0


def _rand_names(rng, n):
    syll = ["ал", "бе", "ви", "ро", "ма", "ка", "ти", "не", "со", "ру", "ла", "пе"]
    words = ["".join(rng.choice(syll, rng.integers(2, 4))) for _ in range(n)]
    tails = ["строй", "сервис", "трейд", ""]
    names = [f"{w} {tails[rng.integers(4)]}".strip() for w in words]
    typos = []
    for nm in names[: n // 3]:
        i = int(rng.integers(1, len(nm)))
        typos.append(nm[:i] + nm[i + 1:] if nm[i] != " " else nm + "а")
    return sorted(set(normalize_name(x) for x in names + typos) - {None})


def test_name_blocking_against_brute_force():
    rng = np.random.default_rng(7)
    names = np.array(_rand_names(rng, 300), dtype=object)
    s = QualitySettings()
    lo, hi, score = _name_candidates(names, s)
    found = set(zip(lo.tolist(), hi.tolist()))

    def keys(n):
        c = n.replace(" ", "")
        return {"w:" + w for w in n.split() if len(w) >= 2} | {"p:" + c[:4], "s:" + c[-4:]}

    def swap(a, b):
        d = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return (len(a) == len(b) >= 6 and len(d) == 2 and d[1] == d[0] + 1
                and a[d[0]] == b[d[1]] and a[d[1]] == b[d[0]])

    brute = {(i, j) for i, j in combinations(range(len(names)), 2)
             if fuzz.ratio(names[i], names[j]) >= s.name_similarity or swap(names[i], names[j])}
    reachable = {(i, j) for i, j in brute if keys(names[i]) & keys(names[j])}
    assert found <= brute                       # never a pair below the threshold
    assert found == reachable                   # every pair sharing a block is found
    assert len(found) > 20
    # tiny blocks: the sorted-neighbourhood path still returns only true candidates
    lo2, hi2, _ = _name_candidates(names, QualitySettings(name_block_size=2, name_window=3))
    assert set(zip(lo2.tolist(), hi2.tolist())) <= brute


def test_duplicates_errors():
    with pytest.raises(MissingColumnError, match=r"clients table .* has no `client_id` column; "
                                                 r"columns found: 'id', 'name'"):
        find_duplicates(pd.DataFrame({"id": [1], "name": ["a"]}))
    with pytest.raises(InputError, match=r"`clients` must be the clients table as a pandas "
                                         r"DataFrame, got list"):
        find_duplicates([{"client_id": 1}])
    with pytest.raises(InputError, match=r"2 rows sharing a client_id \(e.g. 'a'\)"):
        find_duplicates(pd.DataFrame({"client_id": ["a", "a", "b"]}))
    with pytest.raises(InputError, match=r"1 rows without a client_id \(positions 1\)"):
        find_duplicates(pd.DataFrame({"client_id": ["a", None]}))
    with pytest.raises(ParameterError, match=r"`name_similarity` must be a score in \(0, 100\], "
                                             r"got 120"):
        find_duplicates(pd.DataFrame({"client_id": ["a"]}),
                        settings=QualitySettings(name_similarity=120))
    with pytest.raises(ParameterError, match=r"`shared_key_limit` must be an integer >= 2"):
        find_duplicates(pd.DataFrame({"client_id": ["a"]}),
                        settings=QualitySettings(shared_key_limit=1))
    with pytest.raises(MissingColumnError, match=r"transactions table .* has no `amount`"):
        find_duplicates(pd.DataFrame({"client_id": ["a"]}),
                        transactions=pd.DataFrame({"client_id": ["a"]}))
    with pytest.raises(InputError, match=r"amounts that are not numbers \(e.g. '1 200,50'\)"):
        find_duplicates(pd.DataFrame({"client_id": ["a"]}),
                        transactions=pd.DataFrame({"client_id": ["a"], "amount": ["1 200,50"]}))


def test_quality_settings_from_config():
    cfg = load_config({"quality": {"shared_key_limit": 3, "name_similarity": 90}})
    assert cfg.quality.shared_key_limit == 3 and cfg.quality.name_similarity == 90.0


# --- completeness ------------------------------------------------------------------------------

@pytest.fixture
def cards():
    return pd.DataFrame({
        "client_id": ["K1", "K2"],
        "industry": ["IT", "-"], "region": ["Москва", None], "size": ["малый", "средний"],
        "potential": [1e6, 0.0],
        "phone": ["8 916 111-22-33", "123"], "email": ["a@b.ru", "нет"],
        "contact_person": ["Иван", "Мария"], "decision_maker": ["Пётр", None],
        "manager": ["Анна", None], "status": ["active", "lead"], "vip": [True, False],
        "created": pd.to_datetime(["2020-01-01", None]),
    })


def test_completeness_per_client_by_hand(cards):
    acts = pd.DataFrame({"client_id": ["K1", "K1"],
                         "created": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    tx = pd.DataFrame({"client_id": ["K1", "K9"], "amount": [1.0, 2.0]})
    c = completeness(cards, transactions=tx, activities=acts)
    p = c.clients.set_index("client_id")
    # K1: every field present -> 4 groups, 13 fields, score 1.
    assert p.loc["K1", "groups_filled"] == 4 and p.loc["K1", "fields_filled"] == 13
    assert p.loc["K1", "completeness"] == pytest.approx(1.0)
    # K2: business: size only (industry "-", region empty, potential 0) -> 1/4, not filled;
    # contact: contact_person only (phone "123" unreadable, e-mail "нет") -> 1/4, not filled;
    # analytic: status, segment (vip column in use) -> 2/3, filled; history: 0/2.
    # score = (1/4 + 1/4 + 2/3 + 0) / 4 = 0.2916…
    assert p.loc["K2", ["business_filled", "contact_filled", "analytic_filled",
                        "history_filled"]].tolist() == [False, False, True, False]
    assert p.loc["K2", "fields_filled"] == 4
    assert p.loc["K2", "completeness"] == pytest.approx((0.25 + 0.25 + 2 / 3 + 0) / 4)
    assert p.loc["K2", "missing"] == ("industry, region, potential, phone, email, "
                                      "decision_maker, manager, created, activities")
    # mean (1 + 0.2917) / 2 = 0.646 >= 0.6 and contacts on 1 of 2 cards (50 %) -> client base
    assert c.verdict == CLIENT_BASE
    assert c.score == pytest.approx((1 + (0.25 + 0.25 + 2 / 3) / 4) / 2)
    assert "mean card completeness 0.65" in WQ.reason_text(c)
    assert p["has_orders"].tolist() == [True, False]
    assert (c.orders_without_card, c.cards_without_orders) == (1, 1)   # K9 / K2
    f = WQ.fields_table(c).set_index("field")
    assert f.loc["industry", "filled"] == 1 and f.loc["industry", "share_filled"] == 0.5
    assert f.loc["segment", "filled"] == 2
    assert f.loc["decision_maker", "note"] == "empty on 50 % of cards"
    g = c.groups.set_index("card_group")
    assert g["filled"].tolist() == [1, 1, 2, 1]                 # business contact analytic history
    assert list(c.action_list()["client_id"]) == ["K2", "K1"]     # least complete first
    assert "client_base" in c._repr_html_()


def test_list_of_names_says_which_columns_are_missing():
    names = pd.DataFrame({"client_id": ["1", "2", "3"], "name": ["Альфа", "Бета", "Гамма"]})
    c = completeness(names)
    assert c.verdict == LIST_OF_NAMES
    assert (c.clients["completeness"] == 0).all()
    notes = dict(zip(c.fields["field"], WQ.fields_table(c)["note"]))
    assert notes["email"] == "the file has no e-mail column"
    assert notes["segment"] == "the file has no vip or key_account column"
    assert notes["activities"] == "no activity log given"
    assert not c.fields["in_file"].any()
    assert "below 0.30" in WQ.reason_text(c) and "the file has no" in WQ.reason_text(c)
    assert c.clients["has_orders"].isna().all()


def test_partial_base_and_configurable_thresholds():
    # business 2/4, contact 2/4, analytic 1/3 (manager), history 0/2:
    # score = (0.5 + 0.5 + 1/3 + 0) / 4 = 1/3 -> between 0.3 and 0.6: partial
    df = pd.DataFrame({"client_id": ["1", "2"], "industry": ["a", "b"], "region": ["x", "y"],
                       "phone": ["89161112233", "89161112234"], "email": ["a@b.ru", "c@d.ru"],
                       "manager": ["M", "N"]})
    c = completeness(df)
    assert c.score == pytest.approx(1 / 3)
    assert c.verdict == PARTIAL_BASE and "between 0.30 (a list of names) and 0.60" in WQ.reason_text(c)
    c = completeness(df, settings=QualitySettings(client_base_score=0.3,
                                                  list_of_names_score=0.1))
    assert c.verdict == CLIENT_BASE
    # a group filled only at 3 of 4 fields: contact 2/4 is no longer filled
    c = completeness(df, settings=QualitySettings(group_filled_share=0.75))
    assert not c.clients["contact_filled"].any()


def test_no_contacts_is_not_a_client_base():
    # business 4/4, analytic 2/3 (manager, status), history 1/2 (created), contact 0/4:
    # score = (1 + 0 + 2/3 + 1/2) / 4 = 0.5417 -> partial; with client_base_score 0.5 the
    # score is enough but no card has contacts -> still partial, and the reason says why
    df = pd.DataFrame({"client_id": ["1"], "industry": ["a"], "region": ["b"], "size": ["c"],
                       "potential": [5.0], "manager": ["m"], "status": ["s"],
                       "created": pd.to_datetime(["2020-01-01"])})
    c = completeness(df, settings=QualitySettings(client_base_score=0.5))
    assert c.score == pytest.approx((1 + 0 + 2 / 3 + 0.5) / 4)
    assert c.verdict == PARTIAL_BASE
    assert "contacts are filled on only 0 % of cards" in WQ.reason_text(c)


def test_unused_flag_column_counts_as_missing():
    df = pd.DataFrame({"client_id": ["1", "2"], "vip": [False, False],
                       "key_account": [False, False]})
    c = completeness(df)
    f = WQ.fields_table(c).set_index("field")
    assert f.loc["segment", "filled"] == 0 and f.loc["segment", "in_file"]
    assert "flag no client" in f.loc["segment", "note"]


def test_completeness_empty_and_errors():
    c = completeness(pd.DataFrame({"client_id": pd.Series([], dtype=object)}))
    assert c.verdict == LIST_OF_NAMES and WQ.reason_text(c) == "the clients table has no cards"
    with pytest.raises(MissingColumnError, match="has no `client_id` column"):
        completeness(pd.DataFrame({"name": ["a"]}))
    with pytest.raises(MissingColumnError, match=r"activities table \(`activities`\) has no "
                                                 r"`client_id` column"):
        completeness(pd.DataFrame({"client_id": ["a"]}), activities=pd.DataFrame({"x": [1]}))
    with pytest.raises(ParameterError, match="`client_base_score` must be a share from "
                                             "list_of_names_score"):
        completeness(pd.DataFrame({"client_id": ["a"]}),
                     settings=QualitySettings(client_base_score=0.2, list_of_names_score=0.3))


# --- reconciliation ----------------------------------------------------------------------------

def _report(**kw):
    base = dict(rows_read=0, rows_kept=0, rows_rejected=0, rejected_by_reason={},
                returns_count=0, returns_amount=0.0, total_amount=0.0, file="sales.csv")
    base.update(kw)
    return SimpleNamespace(**base)


def test_reconcile_by_hand():
    tx = pd.DataFrame({"client_id": ["a", "a", "b"],
                       "date": pd.to_datetime(["2023-05-01", "2024-01-02", "2024-02-03"]),
                       "amount": [10.0, -2.5, 7.25]})
    rep = _report(rows_read=5, rows_kept=3, rows_rejected=2,
                  rejected_by_reason={"unparseable date": 1, "total row": 1},
                  returns_count=1, returns_amount=-2.5, total_amount=14.75)
    clients = pd.DataFrame({"client_id": ["a", "c"]})
    panel = SimpleNamespace(frame=pd.DataFrame({
        "client_id": ["a", "a", "b"],
        "month": pd.to_datetime(["2023-05-01", "2024-01-01", "2024-02-01"]),
        "revenue": [10.0, -2.5, 7.25]}))
    t = reconcile({"transactions": rep, "clients": _report(rows_read=2, rows_kept=2)}, tx,
                  panel, clients=clients)
    assert t["item"].iloc[0] == "rec.read"
    assert t["params"].iloc[0] == {"table": "transactions", "file": "sales.csv"}
    t = WQ.items_table(t)
    r = t.set_index("item")
    assert r.loc["transactions (sales.csv): rows read", "input"] == 5
    assert r.loc["transactions: rejected — total row", "input"] == 1
    assert r.loc["revenue 2023", ["input", "report", "check"]].tolist() == [10.0, 10.0, "ok"]
    assert r.loc["revenue 2024", ["input", "report", "check"]].tolist() == [4.75, 4.75, "ok"]
    assert r.loc["revenue, all years", "input"] == 14.75
    assert r.loc["clients in transactions", "input"] == 2
    assert r.loc["clients in both", "input"] == 1               # a
    assert r.loc["clients with orders but no card", "input"] == 1   # b
    assert r.loc["cards without orders", "input"] == 1           # c
    assert not (t["check"] == "mismatch").any()
    assert list(t.columns) == ["section", "item", "input", "report", "difference", "check"]
    assert set(t["section"]) == {"rows", "returns", "revenue", "clients"}


def _messy(seed: int):
    rng = np.random.default_rng(seed)
    n = 3000
    ids = np.array([f"{i:05d}" for i in rng.integers(0, 400, n)], dtype=object)
    amount = np.round(rng.lognormal(8, 2, n) * rng.choice([1, -1], n, p=[0.93, 0.07]), 2)
    amount[rng.random(n) < 0.03] = 0.0                                 # zero lines
    amount[rng.random(n) < 0.01] *= 1e4                                # a few huge ones
    amount = amount + np.round(rng.random(n) / 1000, 4)               # sub-cent parts
    dates = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    tx = pd.DataFrame({"client_id": ids, "date": dates, "amount": amount})
    return tx.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reconcile_random_messy_inputs_to_the_cent(seed):
    tx = _messy(seed)
    # independent panel: a loop over rows, summed with math.fsum per client and month
    cells: dict[tuple[str, pd.Timestamp], list[float]] = {}
    for cid, d, a in tx.itertuples(index=False):
        cells.setdefault((cid, pd.Timestamp(d.year, d.month, 1)), []).append(a)
    frame = pd.DataFrame([(c, m, math.fsum(v)) for (c, m), v in cells.items()],
                         columns=["client_id", "month", "revenue"])
    neg = tx["amount"] < 0
    rep = _report(rows_read=len(tx) + 7, rows_kept=len(tx), rows_rejected=7,
                  rejected_by_reason={"unparseable amount": 4, "missing client id": 3},
                  returns_count=int(neg.sum()), returns_amount=math.fsum(tx["amount"][neg]),
                  total_amount=math.fsum(tx["amount"]))
    t = WQ.items_table(reconcile({"transactions": rep}, tx, SimpleNamespace(frame=frame)))
    assert (t.loc[t["check"] != "", "check"] == "ok").all()
    by_year = {}
    for d, a in zip(tx["date"], tx["amount"]):
        by_year.setdefault(d.year, []).append(a)
    r = t.set_index("item")
    for year, values in by_year.items():
        assert r.loc[f"revenue {year}", "input"] == pytest.approx(math.fsum(values), abs=1e-6)
    # one cent more in one panel cell: that year (and the total) no longer reconcile
    bad = frame.copy()
    bad.loc[0, "revenue"] += 0.01
    t = WQ.items_table(reconcile({"transactions": rep}, tx, SimpleNamespace(frame=bad)))
    year = bad.loc[0, "month"].year
    r = t.set_index("item")
    assert r.loc[f"revenue {year}", "check"] == "mismatch"
    assert r.loc["revenue, all years", "check"] == "mismatch"
    assert r.loc[f"revenue {year}", "difference"] == pytest.approx(0.01)
    # a tenth of a cent is within the cent
    ok = frame.copy()
    ok.loc[0, "revenue"] += 0.001
    t = reconcile({"transactions": rep}, tx, ok)                 # a bare DataFrame works too
    assert (t.loc[t["check"] != "", "check"] == "ok").all()


def test_reconcile_flags_lost_rows_and_clients():
    tx = _messy(5)
    rep = _report(rows_read=len(tx) + 1, rows_kept=len(tx) + 1, rows_rejected=1,
                  rejected_by_reason={"empty row": 1}, total_amount=float(tx["amount"].sum()),
                  returns_count=int((tx["amount"] < 0).sum()),
                  returns_amount=float(tx.loc[tx["amount"] < 0, "amount"].sum()))
    frame = (tx.assign(month=tx["date"].dt.to_period("M").dt.to_timestamp())
             .groupby(["client_id", "month"], as_index=False)["amount"].sum()
             .rename(columns={"amount": "revenue"}))
    frame = frame[frame["client_id"] != frame["client_id"].iloc[0]]      # one client lost
    t = WQ.items_table(reconcile({"transactions": rep}, tx, frame)).set_index("item")
    assert t.loc["transactions: rows read = kept + rejected", "check"] == "mismatch"
    assert t.loc["transactions: rows kept = rows in the table used", "check"] == "mismatch"
    assert t.loc["transactions: rows kept = rows in the table used", "difference"] == -1
    assert t.loc["clients in transactions missing from the panel", "check"] == "mismatch"
    assert t.loc["clients in transactions missing from the panel", "difference"] == 1
    assert t.loc["clients in the panel not in transactions", "check"] == "ok"


def test_reconcile_errors():
    tx = pd.DataFrame({"client_id": ["a"], "date": pd.to_datetime(["2024-01-01"]),
                       "amount": [1.0]})
    with pytest.raises(MissingColumnError, match=r"transactions table .* has no `date` column"):
        reconcile(None, tx.drop(columns="date"))
    with pytest.raises(MissingColumnError, match=r"panel table \(`panel.frame`\) has no "
                                                 r"`revenue` column"):
        reconcile(None, tx, SimpleNamespace(frame=tx.rename(columns={"date": "month"})))
    with pytest.raises(InputError, match=r"`reports` must be a dict of table name to LoadReport"):
        reconcile(42, tx)
    with pytest.raises(InputError, match="rows without a readable date"):
        reconcile(None, tx.assign(date=pd.NaT))
    t = reconcile(None, tx)                           # no load reports: the table still works
    assert t["section"].tolist() == ["revenue", "revenue", "clients"]
