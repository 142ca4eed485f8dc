"""The revenue forecast, its backtest and the plan check (#17).

A tiny base is forecast by hand with a slow, obvious implementation written here (loops over
clients and cut-offs); the identity retained + reactivated + new = total is checked at every
level of the sample; the 80 % interval's coverage is measured on generated bases; the plan
planted out of reach in the sample is flagged; the plan reader's errors name file, column,
rows and fix; the notebook runs under Papermill; the section reads in English and Russian.
"""

from __future__ import annotations

import re
import warnings

import nbformat
import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.analysis.forecast import ALL, check_plan, client_levels, forecast
from reportkit.errors import DataFileError, InputError, MissingColumnError, ParameterError
from reportkit.io.config import load_config
from reportkit.io.dataset import Dataset
from reportkit.io.load import find_files
from reportkit.io.plan import find_plan, read_plan
from reportkit.io.resources import data_path
from reportkit.io.sample import make_base
from reportkit.report.pipeline import Audit
from reportkit.report.render import run_notebook

AS_OF = "2024-12-31"


# --- a tiny base, forecast by hand ------------------------------------------------------------


def _months(start: str, end: str) -> list[pd.Timestamp]:
    return list(pd.date_range(start, end, freq="MS"))


def tiny_transactions() -> pd.DataFrame:
    """A buys 100 every month; B 50 a month until June 2024; C is new in June 2024 (30 a
    month); D bought 20 in January 2023 and comes back for 20 in March 2024. Manager: A, D Ann;
    B, C Bob."""
    rows = [("A", m, 100.0, "Ann") for m in _months("2023-01", "2024-12")]
    rows += [("B", m, 50.0, "Bob") for m in _months("2023-01", "2024-06")]
    rows += [("C", m, 30.0, "Bob") for m in _months("2024-06", "2024-12")]
    rows += [("D", pd.Timestamp("2023-01-01"), 20.0, "Ann"), ("D", pd.Timestamp("2024-03-01"), 20.0, "Ann")]
    tx = pd.DataFrame(rows, columns=["client_id", "date", "amount", "manager"])
    tx["date"] = tx["date"] + pd.Timedelta(days=9)
    return tx


def slow_forecast(tx: pd.DataFrame, as_of_month: pd.Period, h: int) -> dict[str, float]:
    """The model of reportkit.analysis.forecast, written out with loops (total only)."""
    rev = tx.assign(m=tx["date"].dt.to_period("M")).groupby(["client_id", "m"])["amount"].sum()
    clients = sorted(tx["client_id"].unique())
    start = tx["date"].dt.to_period("M").min()

    def revenue(c, m):
        return float(rev.get((c, m), 0.0))

    def month_total(m):
        return sum(revenue(c, m) for c in clients)

    def status(c, cut):
        months = [m for (cc, m) in rev.index if cc == c and m <= cut]
        if not months:
            return "new"
        return "retained" if max(months) >= cut - 11 else "reactivated"

    # seasonal index over the 24 months up to the cut-off
    window = [as_of_month - k for k in range(23, -1, -1) if as_of_month - k >= start]
    mean = np.mean([month_total(m) for m in window])
    by_cal = {}
    for m in window:
        by_cal.setdefault(m.month, []).append(month_total(m) / mean)
    season = {k: np.mean(v) for k, v in by_cal.items()}
    se = {k: (np.std(v, ddof=1) / np.sqrt(len(v)) if len(v) > 1 else 0.0) / season[k]
          for k, v in by_cal.items()}

    def trailing(c, cut):
        return sum(revenue(c, cut - k) for k in range(12))

    scen = {"retained": [], "reactivated": [], "new": []}
    target = as_of_month + h
    for k in range(12):
        cut = as_of_month - h - k
        if cut < start + 11:
            continue
        tm = cut + h
        s = season[tm.month]
        st = {c: status(c, cut) for c in clients}
        v = sum(trailing(c, cut) for c in clients if st[c] == "retained")
        lapsed = sum(st[c] == "reactivated" for c in clients)
        ret = sum(revenue(c, tm) for c in clients if st[c] == "retained") / v / s
        rea = (sum(revenue(c, tm) for c in clients if st[c] == "reactivated") / lapsed / s
               if lapsed else 0.0)
        new = sum(revenue(c, tm) for c in clients if st[c] == "new") / s
        now = {c: status(c, as_of_month) for c in clients}
        v_now = sum(trailing(c, as_of_month) for c in clients if now[c] == "retained")
        lap_now = sum(now[c] == "reactivated" for c in clients)
        st_t = season[target.month]
        scen["retained"].append(v_now * ret * st_t)
        scen["reactivated"].append(lap_now * rea * st_t)
        scen["new"].append(new * st_t)
    out = {k: float(np.mean(v)) for k, v in scen.items()}
    total = np.array(scen["retained"]) + np.array(scen["reactivated"]) + np.array(scen["new"])
    n = len(total)
    out["expected"] = out["retained"] + out["reactivated"] + out["new"]
    out["sd"] = float(np.sqrt(total.var(ddof=1) * (1 + 1 / n) + (total.mean() * se[target.month]) ** 2))
    out["n"] = n
    return out


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return Dataset(transactions=tiny_transactions())


def test_tiny_base_against_the_slow_implementation(tiny):
    from scipy import stats

    fc = forecast(tiny, as_of=AS_OF, months=3)
    s = fc.summary.set_index("period")
    for h, period in enumerate(["2025-01", "2025-02", "2025-03"], start=1):
        want = slow_forecast(tiny.transactions, pd.Period("2024-12", "M"), h)
        row = s.loc[period]
        for part in ("retained", "reactivated", "new", "expected", "sd"):
            assert row[part] == pytest.approx(want[part], rel=1e-9, abs=1e-9), (period, part)
        half = stats.t.ppf(0.9, want["n"] - 1) * want["sd"]
        assert row["high"] == pytest.approx(want["expected"] + half)
        assert row["low"] == pytest.approx(max(want["expected"] - half, 0.0))


def test_tiny_base_by_hand():
    """The first month by hand: at every past cut-off the clients active then are A and B
    (and C from June 2024); the retained revenue of the month after is A's 100 plus B's 50
    before July 2024 and C's 30 from June; over the trailing revenue of A, B (and C, D)."""
    ds = Dataset(transactions=tiny_transactions())
    fc = forecast(ds, as_of=AS_OF, months=1)
    # today's retained base: A 1200 + B 6 x 50 (Jan-Jun 2024) + C 7 x 30 + D 20 = 1730
    assert fc.clients.set_index("client_id")["revenue_12m"].to_dict() == {
        "A": 1200.0, "B": 300.0, "C": 210.0, "D": 20.0}
    # every client bought in 2024: nobody is lapsed, so nothing is expected back
    assert fc.summary["reactivated"].iloc[0] == 0.0
    assert set(fc.clients["status"]) == {"retained"}


def test_the_baselines_by_hand(tiny):
    fc = forecast(tiny, as_of=AS_OF, months=2)
    s = fc.summary.set_index("period")
    # same month last year: January 2024 = A 100 + B 50; February 2024 the same
    assert s.loc["2025-01", "same_month_ly"] == 150.0
    # the last 3 months: A 100 + C 30 each
    assert s.loc["2025-01", "mean_3m"] == 130.0
    # trend: 2024 (A 1200 + B 300 + C 210 + D 20 = 1730) over 2023 (A 1200 + B 600 + D 20)
    assert s.loc["2025-01", "ly_trend"] == pytest.approx(150.0 * 1730 / 1820)


def test_per_client_figures_sum_to_the_parts(tiny):
    fc = forecast(tiny, as_of=AS_OF, months=3, by="manager")
    parts = fc.summary[fc.summary["level"] != ALL].groupby("level")[["retained", "reactivated"]].sum()
    per_client = fc.clients.groupby("level")["expected"].sum()
    assert per_client.to_dict() == pytest.approx(parts.sum(axis=1).to_dict())


def test_a_plan_that_assumes_no_churn_is_flagged(tiny):
    """B left in June 2024: January 2024 brought 150 (A and B), the base now brings about
    A's 100 and C's 30. A plan of last year's 150 assumes nobody left; 120 does not."""
    plan = pd.DataFrame({"period": ["2025-01", "2025-02"], "amount": [150.0, 120.0]})
    res = check_plan(tiny, plan, as_of=AS_OF)
    got = res.summary.set_index("period")
    assert got.loc["2025-01", "last_year"] == 150.0
    assert got.loc["2025-01", "assumes_no_churn"]
    assert not got.loc["2025-02", "assumes_no_churn"]
    assert got.loc["2025-01", "gap"] == pytest.approx(150.0 - got.loc["2025-01", "expected"])


def test_parameters_and_short_history(tiny):
    with pytest.raises(ParameterError, match="months"):
        forecast(tiny, as_of=AS_OF, months=13)
    with pytest.raises(ParameterError, match="by"):
        forecast(tiny, as_of=AS_OF, by="region")
    with pytest.raises(InputError, match="Too little history"):
        forecast(tiny, as_of="2023-06-30")
    with pytest.raises(InputError, match="segment"):
        forecast(tiny, as_of=AS_OF, by="segment")
    panel = rk.build_panel(tiny)
    with pytest.raises(ParameterError, match="levels"):
        forecast(panel, as_of=AS_OF, by="manager")
    fc = forecast(panel, as_of="2024-12-15", months=1)
    assert ("partial_month", {"month": "2024-12"}) in fc.notes
    assert fc.summary["period"].tolist() == ["2024-12"]


# --- the sample -------------------------------------------------------------------------------

SAMPLE_AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return rk.load(rk.sample_path())


@pytest.mark.parametrize("by", [None, "manager", "segment", "channel", "category"])
def test_the_parts_add_up_at_every_level(sample, by):
    fc = rk.forecast(sample, as_of=SAMPLE_AS_OF, months=3, by=by)
    s = fc.summary
    assert np.allclose(s["retained"] + s["reactivated"] + s["new"], s["expected"])
    assert (s["low"].dropna() <= s["expected"][s["low"].notna()]).all()
    assert (s["high"].dropna() >= s["expected"][s["high"].notna()]).all()
    if by is not None:
        levels = s[s["level"] != ALL].groupby("period")[["expected", "new"]].sum()
        total = s[s["level"] == ALL].set_index("period")[["expected", "new"]]
        assert np.allclose(levels.loc[total.index], total)
        assert set(fc.backtest["level"]) == set(s["level"])
    # the frame the API promises: period x level x (expected, low, high)
    assert fc.frame.columns.tolist() == ["period", "level", "expected", "low", "high"]
    assert sorted(set(fc.frame["period"])) == ["2026-01", "2026-02", "2026-03"]
    # shown: the forecast only where its backtest error beats every baseline's
    bt = fc.backtest.set_index("level")
    for level, row in bt.iterrows():
        errors = [row[f"error_{b}"] for b in ("same_month_ly", "mean_3m", "ly_trend")]
        beats = row["error_forecast"] < np.nanmin(errors)
        assert (row["shown"] == "forecast") == beats, level


def test_the_backtest_by_hand_on_the_sample(sample):
    """The monthly and quarterly errors recomputed from the backtest's own points."""
    fc = rk.forecast(sample, as_of=SAMPLE_AS_OF, months=3)
    rec = fc.records
    assert rec["cutoff"].nunique() == 12 and rec["cutoff"].max() == "2025-11"
    ok = rec[["forecast", "same_month_ly", "mean_3m", "ly_trend"]].notna().all(axis=1)
    r = rec[ok]
    wape = lambda col: (r[col] - r["actual"]).abs().sum() / r["actual"].abs().sum()  # noqa: E731
    row = fc.backtest.iloc[0]
    for m in ("forecast", "same_month_ly", "mean_3m", "ly_trend"):
        assert row[f"error_{m}"] == pytest.approx(wape(m))
    # the actual of each point is the month's revenue in the sales
    tx = sample.transactions
    month_rev = tx.groupby(tx["date"].dt.to_period("M").astype(str))["amount"].sum()
    first = rec.iloc[0]
    target = str(pd.Period(first["cutoff"], "M") + int(first["horizon"]))
    assert first["actual"] == pytest.approx(month_rev[target])
    print("\nsample backtest (WAPE per month / per quarter):",
          {k: round(float(row[k]), 3) for k in row.index if "error" in k}, "coverage",
          round(float(row["coverage"]), 2))


def test_interval_coverage_on_generated_bases():
    """Over the backtests of three generated bases, in total and by manager, the 80 % interval
    holds about 80 % of the outcomes (measured: 0.88 of 693 on these seeds)."""
    inside = []
    for seed in (1, 2, 3):
        b = make_base(1500, 3, end="2025-12-31", random_state=seed, lang="en")
        ds = Dataset(transactions=b.transactions, clients=b.clients)
        for by in (None, "manager"):
            rec = forecast(ds, as_of="2025-12-31", months=3, by=by).records
            rec = rec[rec["low"].notna()]
            inside.append(((rec["actual"] >= rec["low"]) & (rec["actual"] <= rec["high"])).to_numpy())
    share = float(np.concatenate(inside).mean())
    print(f"\n80 % interval coverage on generated bases: {share:.3f} of {sum(map(len, inside))}")
    assert 0.7 <= share <= 0.9


def test_the_planted_plan_line_is_flagged(sample):
    folder = rk.sample_path()
    path = find_plan(folder)
    assert path is not None and path.name == "plan.csv"
    plan = read_plan(path)
    truth = pd.read_csv(folder / "truth" / "plan.csv", dtype={"period": str})
    res = check_plan(sample, plan, as_of=SAMPLE_AS_OF)
    flagged = res.summary[res.summary["unrealistic"]]
    assert flagged[["period", "manager"]].values.tolist() == truth[["period", "manager"]].values.tolist()
    assert flagged["amount"].tolist() == truth["amount"].tolist()
    # the gap and the new clients it needs, from the line's own figures
    line = flagged.iloc[0]
    assert line["gap"] == pytest.approx(line["amount"] - line["expected"])
    assert line["extra_new_clients"] == pytest.approx(line["gap"] / line["first_month_value"])
    assert (res.summary["probability"].between(0, 1)).all()


def test_the_loader_ignores_the_plan_file(sample):
    found = find_files(rk.sample_path(), load_config())
    assert "plan.csv" not in {p.name for p in found.values()}
    assert all(r.rows_rejected == 0 for r in sample.reports.values())


# --- the plan reader --------------------------------------------------------------------------


def _plan(tmp_path, text: str, name: str = "plan.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_plan_reader_reads_both_dialects(tmp_path):
    en = read_plan(_plan(tmp_path, "period,manager,amount\n2026-01,Ann,1000\n2026-02,Ann,1500.5\n"))
    assert en.to_dict("list") == {"period": ["2026-01", "2026-02"], "manager": ["Ann", "Ann"],
                                  "amount": [1000.0, 1500.5]}
    ru = read_plan(_plan(tmp_path, "Месяц;Канал;Сумма\r\n2026-01;Офис;1 000 000,50\r\n",
                         name="план.csv", encoding="cp1251"))
    assert ru.to_dict("list") == {"period": ["2026-01"], "channel": ["Офис"], "amount": [1000000.5]}
    xlsx = tmp_path / "план.xlsx"
    pd.DataFrame({"Период": [pd.Timestamp("2026-03-01")], "Сумма": [10]}).to_excel(xlsx, index=False)
    assert read_plan(xlsx).to_dict("list") == {"period": ["2026-03"], "amount": [10.0]}


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("period,amount\n2026-01,5\n2026-13,5\n2026-03,x\n", DataFileError,
         r"plan\.csv: column 'period' \(header 'period'\), rows 3: not a month as YYYY-MM\. "
         r"Write the month like 2026-01\."),
        ("period,amount\n2026-01,5\n2026-02,-1\n2026-03,x\n", DataFileError,
         r"column 'amount' \(header 'amount'\), rows 3, 4: not a sum of money >= 0"),
        ("period,manager,amount\n2026-01,,5\n", DataFileError,
         r"column 'manager' \(header 'manager'\), rows 2: empty\. Fill in the manager"),
        ("period,amount\n2026-01,5\n2026-01,6\n", DataFileError,
         r"rows 2, 3 plan the same period twice\. Keep one line for each, or add them up\."),
        ("period,region,amount\n2026-01,N,5\n", DataFileError,
         r"column 'region' is not one a plan can have\. .* Rename or remove it\."),
        ("month,manager\n2026-01,Ann\n", MissingColumnError,
         r"no 'amount' column \(headers found: month, manager\)\. Add a column 'amount'"),
        ("period,amount\n2026-01,5,7\n", DataFileError,
         r"rows 2 do not have the 2 cells of the header"),
        ("period,amount\n", DataFileError, r"a header but no lines"),
    ],
)
def test_plan_reader_errors(tmp_path, text, error, message):
    path = _plan(tmp_path, text)
    with pytest.raises(error, match=message) as info:
        read_plan(path)
    assert str(path) in str(info.value)


def test_find_plan(tmp_path):
    assert find_plan(tmp_path) is None
    _plan(tmp_path, "period,amount\n2026-01,5\n", name="PLAN.csv")
    assert find_plan(tmp_path).name == "PLAN.csv"
    _plan(tmp_path, "period,amount\n2026-01,5\n", name="план.txt")
    with pytest.raises(DataFileError, match="several files look like a sales plan"):
        find_plan(tmp_path)
    assert find_plan(tmp_path, "план.txt").name == "план.txt"
    with pytest.raises(DataFileError, match="not in the folder"):
        find_plan(tmp_path, "../elsewhere.csv")


# --- the notebook and the section -------------------------------------------------------------


def test_plan_check_notebook_runs(tmp_path):
    executed = run_notebook(data_path("notebooks", "plan_check.ipynb"), {"by": "channel"},
                            output_dir=tmp_path, timeout=300)
    nb = nbformat.read(executed, as_version=4)
    texts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o.get("evalue")
            texts.append(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
    page = "\n".join(texts)
    assert "Офис" in page and "plan.csv" in page and "True" in page   # the flagged line


LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@pytest.fixture(scope="module")
def sections() -> dict[str, str]:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lang in ("en", "ru"):
            audit = Audit.build(str(rk.sample_path()), as_of=SAMPLE_AS_OF, lang=lang, churn=False)
            out[lang] = str(audit.show("plan"))
    return out


def _text(fragment: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_section_reads_in_both_languages(sections, lang):
    page = sections[lang]
    assert page.startswith('<h2 id="plan">')
    text = _text(page)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    assert "(all)" not in text and "(none)" not in text
    # the planted line, in words: Смирнова О., February 2026
    month = {"en": "February 2026", "ru": "февраль 2026"}[lang]
    assert f"{month}, Смирнова О.:" in text
    if lang == "ru":
        left = set(LATIN.findall(text.replace("plan.csv", " "))) - {"ABC"}
        assert not left, left
    else:
        assert "Revenue forecast and the sales plan" in text


def test_enough_history_is_where_the_forecast_starts(tiny):
    """Sales from January 2023: 15 months (to March 2024) give the first month's three past
    cut-offs a full year before them; February 2024 is one short, and the audit leaves the
    section out with one sentence instead of a failure."""
    from reportkit.analysis.forecast import enough_history

    panel = rk.build_panel(tiny)
    assert enough_history(panel, "2024-03-31") and not enough_history(panel, "2024-02-29")
    assert len(forecast(panel, as_of="2024-03-31", months=1).summary) == 1
    # an audit needs 20 clients: twenty more who buy 10 every month
    more = [(f"E{i:02d}", m + pd.Timedelta(days=9), 10.0, "Ann")
            for i in range(20) for m in _months("2023-01", "2024-02")]
    tx = pd.concat([tiny.transactions, pd.DataFrame(more, columns=tiny.transactions.columns)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        short = Audit.build(Dataset(transactions=tx), as_of="2024-02-29", churn=False)
    assert short.results.forecast is None
    assert "15 months" in _text(str(short.show("plan")))


def test_client_levels_by_hand():
    """A client's manager is the one with the most of its revenue (a tie: the first by name);
    a client whose sales name nobody has none; sales after ``as_of`` do not count."""
    tx = pd.DataFrame({
        "client_id": ["a", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(["2024-01-05"] * 5 + ["2024-03-01"]),
        "amount": [5.0, 5.0, 3.0, 1.0, 2.0, 9.0],
        "manager": ["Zed", "Amy", "Bob", None, "Bob", "Zed"],
        "channel": ["web", "web", "office", "web", "office", "web"],
    })
    lv = client_levels(Dataset(transactions=tx), as_of="2024-01-31").set_index("client_id")
    assert lv.loc["a", "manager"] == "Amy" and lv.loc["c", "manager"] == "Bob"
    assert pd.isna(lv.loc["b", "manager"])
    assert lv["channel"].to_dict() == {"a": "web", "b": "web", "c": "office"}
    assert "segment" not in lv.columns and "category" not in lv.columns


def test_a_plan_that_cannot_be_read_is_said_in_the_section(tmp_path):
    """The forecast stands; the section quotes the reader's error (file, column, rows, fix)."""
    import shutil

    folder = tmp_path / "base"
    shutil.copytree(rk.sample_path(), folder, ignore=shutil.ignore_patterns("truth", "README.md"))
    (folder / "plan.csv").write_text("period,amount\n2026-01,100\n2026-1,200\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        audit = Audit.build(str(folder), as_of=SAMPLE_AS_OF, lang="en", churn=False)
    res = audit.results.forecast
    assert res.plan is None and "rows 3: not a month as YYYY-MM" in res.plan_error
    text = _text(str(audit.show("plan")))
    assert "The sales plan could not be read:" in text and "plan.csv: column 'period'" in text
    assert "January 2026" in text   # the forecast itself is shown
