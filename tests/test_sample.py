"""The synthetic base: reproducible, the planted truth holds, the files are real-export-like.

Every check recomputes what it asserts from the generated rows with code written here (a
checksum, a normaliser, an ABC split), never from the generator's internals.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

import reportkit as rk
from reportkit.cli import main as cli_main
from reportkit.errors import ParameterError
from reportkit.io.resources import data_path
from reportkit.io.sample import SampleBase, make_base, regenerate_sample, write_base

N = 2000


@pytest.fixture(scope="module")
def base() -> SampleBase:
    return make_base(N, 3, random_state=7, lang="ru")


@pytest.fixture(scope="module")
def tx(base) -> pd.DataFrame:
    """Transactions with ``real``: the id of the original card (duplicates mapped back)."""
    d = base.truth["duplicates"]
    to_orig = dict(zip(d["client_id_b"], d["client_id_a"]))
    t = base.transactions
    return t.assign(real=t["client_id"].map(lambda c: to_orig.get(c, c)))


@pytest.fixture(scope="module")
def revenue(tx) -> pd.Series:
    return tx.groupby("real")["amount"].sum()


# --- independent references ------------------------------------------------------------------


def inn_is_valid(inn: str) -> bool:
    """Russian INN checksum, written out from the published rule."""
    if not re.fullmatch(r"\d{10}|\d{12}", inn):
        return False
    d = list(map(int, inn))

    def check(weights, digits):
        return sum(w * x for w, x in zip(weights, digits)) % 11 % 10

    if len(d) == 10:
        return check([2, 4, 10, 3, 5, 9, 4, 6, 8], d[:9]) == d[9]
    return (check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8], d[:10]) == d[10]
            and check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], d[:11]) == d[11])


def test_reference_inn_checksum_on_real_numbers():
    assert inn_is_valid("7707083893")      # Sberbank
    assert inn_is_valid("7736207543")      # Yandex
    assert inn_is_valid("500100732259")    # a sole proprietor
    assert not inn_is_valid("7707083894")


_FORMS = r"\b(ооо|ао|пао|зао|ип|llc|inc|ltd|corp|sole proprietor)\b"


def name_key(name: str) -> str:
    s = name.lower().replace("ё", "е")
    s = re.sub(r"[«»\"'.,:()]", " ", s)
    s = re.sub(_FORMS, " ", s)
    return " ".join(s.split())


def digits10(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-10:]


# --- reproducibility and shape -------------------------------------------------------------------


def _assert_same(a: SampleBase, b: SampleBase) -> None:
    for table in ("transactions", "clients", "activities", "surveys"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert a.truth.keys() == b.truth.keys()
    for name in a.truth:
        pd.testing.assert_frame_equal(a.truth[name], b.truth[name])


def test_same_arguments_same_base_other_seed_other_base():
    a = make_base(150, 2, random_state=5)
    _assert_same(a, make_base(150, 2, random_state=5))
    c = make_base(150, 2, random_state=6)
    assert not a.transactions[["date", "amount"]].equals(c.transactions[["date", "amount"]])


def test_language_changes_words_not_numbers():
    en, ru = make_base(150, 2, random_state=3, lang="en"), make_base(150, 2, random_state=3,
                                                                     lang="ru")
    for col in ("client_id", "date", "quantity", "price", "amount", "margin"):
        assert en.transactions[col].equals(ru.transactions[col]), col
    assert en.transactions["category"].iloc[0] != ru.transactions["category"].iloc[0]
    assert set(ru.clients["status"].dropna()) <= {"Потенциальный", "Активный", "Работаем", "Отказ"}
    assert set(en.clients["status"].dropna()) <= {"lead", "active", "working", "refused"}


def test_columns_and_dtypes(base):
    t = base.transactions
    assert list(t.columns) == ["client_id", "date", "order_id", "product", "category",
                               "quantity", "price", "amount", "margin", "manager", "channel"]
    assert list(base.clients.columns) == [
        "client_id", "name", "phone", "email", "tax_id", "region", "industry", "size",
        "contact_person", "created", "manager", "status", "vip", "key_account", "potential"]
    assert list(base.activities.columns) == ["client_id", "created", "manager", "type", "due",
                                             "done"]
    assert list(base.surveys.columns) == ["client_id", "date", "score"]
    frames = {"t": t, "c": base.clients, "a": base.activities, "s": base.surveys}
    for key, cols in {"t": ["date"], "c": ["created"], "a": ["created", "due"],
                      "s": ["date"]}.items():
        for col in cols:
            assert frames[key][col].dtype == "datetime64[ns]", (key, col)
    for col in ("quantity", "price", "amount", "margin"):
        assert t[col].dtype == "float64"
    assert base.clients["potential"].dtype == "float64"
    assert base.surveys["score"].dtype == "float64"
    for col in ("vip", "key_account"):
        assert base.clients[col].dtype == bool
    assert base.activities["done"].dtype == bool
    for frame, col in ((t, "client_id"), (t, "order_id"), (base.clients, "client_id"),
                       (base.clients, "tax_id")):
        assert all(isinstance(v, str) for v in frame[col].dropna()), col


def test_size_and_speed_of_the_default_scale(base):
    assert 40_000 <= len(base.transactions) <= 70_000
    assert base.start == pd.Timestamp("2023-01-01") and base.end == pd.Timestamp("2025-12-31")
    assert base.transactions["date"].between(base.start, base.end).all()
    assert base.surveys["date"].between(base.start, base.end).all()


def test_no_exact_duplicate_rows(base):
    # the loader rejects exact repeats; the generator must not make any by accident
    for table in ("transactions", "activities", "surveys"):
        assert not getattr(base, table).duplicated().any(), table


# --- transactions -------------------------------------------------------------------------------


def test_amount_is_quantity_times_price_in_kopecks(base):
    t = base.transactions
    expected = np.array([round(q * p, 2) for q, p in zip(t["quantity"], t["price"])])
    assert np.allclose(t["amount"].to_numpy(), expected, atol=0.005)
    assert (t["quantity"] == np.round(t["quantity"])).all()


def test_orders_have_one_to_four_lines_with_distinct_products(base):
    sales = base.transactions[base.transactions["amount"] > 0]
    per_order = sales.groupby("order_id")["product"].agg(["size", "nunique"])
    assert per_order["size"].between(1, 4).all()
    assert (per_order["size"] == per_order["nunique"]).all()
    assert set(per_order["size"]) == {1, 2, 3, 4}
    # one client and one date per order (returns aside)
    assert (sales.groupby("order_id")[["client_id", "date"]].nunique() == 1).all().all()


def test_returns_are_later_negative_lines_of_an_earlier_order(base):
    t = base.transactions
    ret = t[t["quantity"] < 0]
    assert 0.01 <= len(ret) / len(t) <= 0.03
    assert (ret["amount"] < 0).all()
    sales = t[t["quantity"] > 0].set_index(["order_id", "product"])
    orig = sales.loc[list(zip(ret["order_id"], ret["product"]))]
    assert (orig["date"].to_numpy() < ret["date"].to_numpy()).all()
    assert (-ret["quantity"].to_numpy() <= orig["quantity"].to_numpy()).all()
    assert (orig["client_id"].to_numpy() == ret["client_id"].to_numpy()).all()


def test_a_few_clients_make_most_revenue(revenue):
    rev = revenue[revenue > 0].sort_values(ascending=False)
    share_before = (rev.cumsum() - rev) / rev.sum()     # revenue share of the larger clients
    a_share = (share_before < 0.80).mean()
    assert 0.15 <= a_share <= 0.25


def test_seasonality_weak_january_august_strong_march_october_december(tx):
    by_month = tx.groupby(tx["date"].dt.month)["amount"].sum()
    weak = by_month[[1, 8]].mean()
    strong = by_month[[3, 10, 12]].mean()
    assert weak < 0.75 * strong
    assert by_month[1] < by_month.drop(1).mean()


def test_new_clients_join_throughout(tx, base):
    first = tx.groupby("real")["date"].min()
    per_year = first.dt.year.value_counts(normalize=True)
    assert set(per_year.index) == {2023, 2024, 2025}
    assert (per_year >= 0.15).all()


def test_rhythms_show_in_the_intervals(tx, base):
    prof = base.truth["profiles"].set_index("client_id")["rhythm"]
    days = tx[tx["amount"] > 0].drop_duplicates(["real", "date"]).sort_values(["real", "date"])
    gap = days.groupby("real")["date"].diff().dt.days
    med = gap.groupby(days["real"]).median().dropna()
    rhythm = prof.reindex(med.index)
    assert 25 <= med[rhythm == "monthly"].median() <= 36
    assert 75 <= med[rhythm == "quarterly"].median() <= 105
    one_off = prof[prof == "one_off"].index
    sales = tx[tx["amount"] > 0]
    assert (sales[sales["real"].isin(one_off)].groupby("real")["date"].nunique() == 1).all()


def test_growth_and_decline(tx, base):
    trend = base.truth["profiles"].set_index("client_id")["trend"]
    year = tx.groupby(["real", tx["date"].dt.year])["amount"].sum().unstack(fill_value=0.0)
    both = year[(year[2023] > 0) & (year[2025] > 0)]
    churned = set(base.truth["churn"]["client_id"])
    both = both[~both.index.isin(churned)]
    ratio = both[2025] / both[2023]
    t = trend.reindex(ratio.index)
    assert ratio[t == "growth"].median() > 1.3
    assert ratio[t == "decline"].median() < 0.8


# --- planted truth -------------------------------------------------------------------------------


def test_churners_are_silent_between_churn_and_reactivation(tx, base):
    churn = base.truth["churn"]
    assert 0.20 <= len(churn) / N <= 0.30
    back = churn["reactivation_date"].notna()
    assert 0.15 <= back.mean() <= 0.35
    t = tx.merge(churn, left_on="real", right_on="client_id", suffixes=("", "_c"))
    in_gap = (t["date"] >= t["churn_date"]) & (
        t["reactivation_date"].isna() | (t["date"] < t["reactivation_date"]))
    assert not in_gap.any()
    before = t[t["date"] < t["churn_date"]].groupby("real").size()
    assert set(before.index) == set(churn["client_id"])      # every churner bought before
    on_return = t[t["date"] == t["reactivation_date"]]["real"].unique()
    assert set(on_return) == set(churn.loc[back, "client_id"])
    assert (churn["reactivation_date"].dropna() > churn.loc[back, "churn_date"]).all()


def test_leads_never_order_and_make_a_tenth_of_the_cards(tx, base):
    leads = base.truth["leads"]["client_id"]
    assert not leads.isin(tx["real"]).any()
    assert leads.isin(base.clients["client_id"]).all()
    assert 0.08 <= len(leads) / len(base.clients) <= 0.12


def test_the_vip_that_does_not_pay_back(revenue, base):
    (vip0,) = base.truth["vip_no_payback"]["client_id"]
    cards = base.clients.set_index("client_id")
    assert cards.loc[vip0, "vip"]
    others = cards.index[cards["vip"] & (cards.index != vip0)]
    assert len(others) >= 10
    assert 0 < revenue[vip0] < 0.01 * revenue.reindex(others).median()
    assert revenue[vip0] < 0.05 * revenue[revenue > 0].median()


def test_key_accounts_are_flagged_large_and_loyal(revenue, base):
    key = set(base.truth["key_accounts"]["client_id"])
    assert key == set(base.clients.loc[base.clients["key_account"], "client_id"])
    assert 0.01 <= len(key) / N <= 0.03
    assert not key & set(base.truth["churn"]["client_id"])
    assert revenue.reindex(list(key)).min() > revenue[revenue > 0].quantile(0.9)


def test_duplicates_share_the_stated_key(base):
    dup = base.truth["duplicates"]
    cards = base.clients.set_index("client_id")
    assert cards.index.is_unique
    assert 0.02 <= len(dup) / N <= 0.04
    assert set(dup["kind"]) == {"phone", "email", "tax_id", "name"}
    assert dup["client_id_a"].is_unique and dup["client_id_b"].is_unique
    for a, b, kind in dup.itertuples(index=False):
        ca, cb = cards.loc[a], cards.loc[b]
        if kind == "phone":
            assert digits10(ca["phone"]) == digits10(cb["phone"])
            assert ca["phone"] != cb["phone"]                     # written differently
        elif kind == "email":
            assert "".join(ca["email"].split()).lower() == "".join(cb["email"].split()).lower()
            assert ca["email"] != cb["email"]
        elif kind == "tax_id":
            assert ca["tax_id"] == cb["tax_id"]
        else:
            assert ca["name"] != cb["name"]
            assert fuzz.ratio(name_key(ca["name"]), name_key(cb["name"])) >= 85


def test_no_key_is_shared_by_unrelated_cards(base):
    c = base.clients
    pairs = set(map(tuple, base.truth["duplicates"][["client_id_a", "client_id_b"]].values))
    for col, norm in (("phone", digits10), ("email", lambda e: "".join(e.split()).lower()),
                      ("tax_id", str)):
        keyed = c.dropna(subset=[col]).assign(key=lambda f: f[col].map(norm))
        for _, group in keyed.groupby("key"):
            if len(group) > 1:
                assert len(group) == 2 and tuple(group["client_id"]) in pairs | {
                    p[::-1] for p in pairs}, col


def test_some_orders_are_booked_on_duplicate_cards(base):
    dup_ids = set(base.truth["duplicates"]["client_id_b"])
    assert base.transactions["client_id"].isin(dup_ids).sum() > 0


def test_some_buyers_have_no_card(tx, base):
    no_card = set(tx["real"]) - set(base.clients["client_id"])
    assert 0.01 <= len(no_card) / N <= 0.03
    prof = base.truth["profiles"].set_index("client_id")
    assert no_card == set(prof.index[~prof["has_card"]])


# --- client cards --------------------------------------------------------------------------------


def test_cards_are_incomplete_in_realistic_shares(base):
    blank = base.clients.isna().mean()
    assert 0.10 <= blank["phone"] <= 0.22
    assert 0.24 <= blank["email"] <= 0.38
    assert 0.43 <= blank["industry"] <= 0.60
    assert blank["name"] == 0 and blank["client_id"] == 0 and blank["created"] == 0
    share = base.clients["potential"].notna().mean()
    assert 0.5 <= share <= 0.7


def test_tax_ids_mostly_valid_inn_ten_or_twelve_digits(base):
    c = base.clients.dropna(subset=["tax_id"])
    valid = c["tax_id"].map(inn_is_valid)
    assert 0.9 <= valid.mean() < 1.0                     # a few invalid ones
    person = c["name"].str.contains(r"\bИП\b")
    assert (c.loc[person, "tax_id"].str.len() == 12).all()
    assert (c.loc[~person, "tax_id"].str.len() == 10).all()
    assert c["tax_id"].str.startswith("0").any()         # "02…" from Bashkortostan


def test_russian_names_and_phone_styles(base):
    names = base.clients["name"]
    assert names.str.contains("«").any() and names.str.contains('"').any()
    assert names.str.startswith("ИП ").any() and names.str.startswith("ООО ").any()
    phones = base.clients["phone"].dropna()
    styles = phones.str.replace(r"\d", "9", regex=True).unique()
    assert len(styles) >= 4
    assert phones.map(digits10).str.len().eq(10).all()


def test_client_ids_keep_leading_zeros(base):
    ids = base.clients["client_id"]
    assert ids.str.fullmatch(r"C\d{5}").mean() > 0.9
    digits = ids[ids.str.fullmatch(r"\d+")]
    assert len(digits) > 0 and digits.str.startswith("0").all()


def test_english_names():
    c = make_base(200, 1, random_state=2, lang="en").clients
    assert c["name"].str.contains(r" (?:LLC|Inc\.|Ltd|Corp\.)$").mean() > 0.6
    assert not c["name"].str.contains("[а-яА-Я]").any()


# --- activities and surveys ----------------------------------------------------------------------


def test_managers_overdue_tasks_and_forgotten_clients(tx, base):
    a = base.activities
    assert 5 <= a["manager"].nunique() <= 8
    overdue = (a["due"] < base.end) & ~a["done"]
    assert 0.02 <= overdue.mean() <= 0.25
    assert a["created"].between(base.start, base.end + pd.Timedelta(days=1)).all()
    assert (a["created"].dt.hour.between(9, 18)).all()
    forgotten = base.truth["forgotten"]
    assert len(forgotten) >= 5
    last = a.groupby("client_id")["created"].max()
    for cid in forgotten["client_id"]:
        assert cid not in last.index or last[cid] <= base.end - pd.Timedelta(days=180)
    recent = tx[tx["date"] > base.end - pd.Timedelta(days=90)]["real"]
    assert forgotten["client_id"].isin(recent).all()          # still buying, but nobody calls


def test_detractors_churn_more(base):
    s = base.surveys
    assert s["score"].between(0, 10).all() and (s["score"] == s["score"].round()).all()
    churn = base.truth["churn"].set_index("client_id")["churn_date"]
    c = s["client_id"].map(churn)
    churned_soon = (c > s["date"]) & (c <= s["date"] + pd.Timedelta(days=365))
    detractor, promoter = s["score"] <= 6, s["score"] >= 9
    assert churned_soon[detractor].mean() > 2 * churned_soon[promoter].mean()


# --- files ---------------------------------------------------------------------------------------


RU_HEADERS = {
    "продажи.csv": "Дата;Номер документа;Клиент;Номенклатура;Категория;Количество;Цена;Сумма;"
                   "Валовая прибыль;Менеджер;Канал",
    "клиенты.csv": "Код клиента;Наименование;Телефон;E-mail;ИНН;Регион;Отрасль;Размер;"
                   "Контактное лицо;Дата создания;Менеджер;Статус;VIP;Ключевой клиент;Потенциал",
    "задачи.csv": "Клиент;Дата создания;Менеджер;Тип;Срок;Выполнено",
    "опросы.csv": "Клиент;Дата;Оценка",
}
EN_HEADERS = {
    "transactions.csv": "InvoiceDate,InvoiceNo,CustomerID,Product,Category,Quantity,Price,Amount,"
                        "Margin,Manager,Channel",
    "clients.csv": "CustomerID,Name,Phone,Email,TaxID,Region,Industry,Size,ContactPerson,"
                   "Created,Manager,Status,VIP,KeyAccount,Potential",
    "activities.csv": "CustomerID,Created,Manager,Type,Due,Done",
    "surveys.csv": "CustomerID,Date,Score",
}
TRUTH_FILES = {"churn.csv", "duplicates.csv", "leads.csv", "vip_no_payback.csv",
               "key_accounts.csv", "profiles.csv", "forgotten.csv"}


@pytest.fixture(scope="module")
def small_ru():
    return make_base(120, 2, random_state=11, lang="ru")


def test_russian_export_format(small_ru, tmp_path):
    paths = write_base(small_ru, tmp_path, lang="ru")
    assert {p.name for k, p in paths.items() if not k.startswith("truth/")} == set(RU_HEADERS)
    for name, header in RU_HEADERS.items():
        raw = (tmp_path / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")                     # really cp1251, not UTF-8
        text = raw.decode("cp1251")
        assert text.split("\r\n")[0] == header
    sales = (tmp_path / "продажи.csv").read_bytes().decode("cp1251").split("\r\n")
    first = sales[1].split(";")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", first[0])
    assert re.fullmatch(r"-?\d+,\d\d", first[7])       # amount with a decimal comma
    acts = (tmp_path / "задачи.csv").read_bytes().decode("cp1251").split("\r\n")[1].split(";")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", acts[1])
    assert acts[5] in ("Да", "Нет")
    cards = (tmp_path / "клиенты.csv").read_bytes().decode("cp1251")
    assert ";Да;" in cards and ";Нет;" in cards
    assert {p.name for p in (tmp_path / "truth").iterdir()} == TRUTH_FILES
    churn = (tmp_path / "truth" / "churn.csv").read_text(encoding="utf-8").splitlines()
    assert churn[0] == "client_id,churn_date,reactivation_date"
    assert re.fullmatch(r"[^,]+,\d{4}-\d\d-\d\d,(\d{4}-\d\d-\d\d)?", churn[1])


def test_english_export_format(tmp_path):
    b = make_base(120, 2, random_state=11, lang="en")
    write_base(b, tmp_path, lang="en")
    for name, header in EN_HEADERS.items():
        text = (tmp_path / name).read_bytes().decode("utf-8")
        assert text.split("\n")[0] == header
        assert "\r" not in text
    row = (tmp_path / "transactions.csv").read_text(encoding="utf-8").split("\n")[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", row[0]) and re.fullmatch(r"-?\d+\.\d\d", row[7])
    acts = (tmp_path / "activities.csv").read_text(encoding="utf-8").split("\n")[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", acts[1]) and acts[5] in ("yes", "no")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_loader_reads_back_every_value(lang, tmp_path):
    b = make_base(120, 2, random_state=11, lang=lang)
    write_base(b, tmp_path, lang=lang)
    ds = rk.load(tmp_path)
    for table in ("transactions", "clients", "activities", "surveys"):
        report = ds.reports[table]
        assert report.rows_rejected == 0, (table, report.rejected_by_reason)
        got = getattr(ds, table)
        exp = getattr(b, table)
        got = got[list(exp.columns)]
        if table == "clients":
            got = got.sort_values("client_id").reset_index(drop=True)
        # the loader may keep ids as object; values must be identical
        pd.testing.assert_frame_equal(got, exp, check_dtype=False)


def test_committed_sample_is_a_fresh_generation(tmp_path):
    committed = data_path("sample")
    fresh = regenerate_sample(tmp_path)
    for key, path in fresh.items():
        rel = path.relative_to(tmp_path)
        assert (committed / rel).read_bytes() == path.read_bytes(), f"{rel} differs"
    made = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    there = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    assert there - made == {Path("README.md")}
    total = sum(p.stat().st_size for p in committed.rglob("*") if p.is_file())
    assert total < 5_500_000


def test_committed_sample_loads(tmp_path):
    ds = rk.load(rk.sample_path())
    assert all(r.rows_rejected == 0 for r in ds.reports.values())
    assert ds.transactions["client_id"].str.fullmatch(r"\d+").any()   # "0…" ids kept as text


def test_cli_sample_command(tmp_path, capsys):
    out = tmp_path / "base"
    assert cli_main(["sample", str(out), "--clients", "40", "--years", "1", "--seed", "3",
                     "--lang", "ru"]) == 0
    assert (out / "продажи.csv").is_file() and (out / "truth" / "churn.csv").is_file()
    assert "продажи.csv" in capsys.readouterr().out


# --- parameter errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, pattern", [
    ({"n_clients": 5}, r"`n_clients` must be an integer >= 20, got 5"),
    ({"n_clients": 100.0}, r"`n_clients` must be an integer >= 20, got 100\.0"),
    ({"years": 0}, r"`years` must be an integer from 1 to 20, got 0"),
    ({"lang": "de"}, r"`lang` must be 'en' or 'ru', got 'de'"),
    ({"end": "someday"}, r"`end` must be a date such as '2025-12-31', got 'someday'"),
    ({"random_state": -1}, r"`random_state` must be a non-negative integer or None, got -1"),
])
def test_parameter_errors(kwargs, pattern):
    with pytest.raises(ParameterError, match=pattern):
        make_base(**kwargs)


def test_write_base_errors(tmp_path, small_ru):
    with pytest.raises(ParameterError, match=r"`lang` must be 'en' or 'ru', got 'fr'"):
        write_base(small_ru, tmp_path, lang="fr")
    with pytest.raises(ParameterError, match=r"`base` must be a SampleBase"):
        write_base("base", tmp_path)


def test_end_date_moves_the_period():
    b = make_base(60, 1, end="2024-06-30", random_state=1)
    assert b.start == pd.Timestamp("2023-07-01") and b.end == pd.Timestamp("2024-06-30")
    assert b.transactions["date"].between(b.start, b.end).all()
