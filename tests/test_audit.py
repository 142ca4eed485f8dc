"""End to end: the real notebooks executed by Papermill and rendered to HTML, as a user runs them."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

import reportkit as rk
from reportkit.report.pipeline import Audit
from reportkit.cli import main as cli_main
from reportkit.io.sample import make_base, write_base

pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script>"


def visible_text(page: str) -> str:
    body = page[page.find("<body"):]
    body = re.sub(r"<style.*?</style>|<script.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def sample_audit(tmp_path_factory):
    """The README's main job: the audit of the bundled sample, through the CLI."""
    out = tmp_path_factory.mktemp("audit")
    assert cli_main(["audit", str(rk.sample_path()), "--out", str(out)]) == 0
    return out


def test_sample_audit_files(sample_audit):
    html_file = sample_audit / "audit_2025-12-31.html"
    assert html_file.is_file()
    assert html_file.stat().st_size < 5_000_000                  # issue: under 5 MB
    folder = sample_audit / "audit_2025-12-31"
    for name in ("at_risk", "reactivation", "duplicates", "segments"):
        assert (folder / f"{name}.csv").is_file()
    assert (folder / "action_lists.xlsx").is_file()
    kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["clients"] > 0 and kpis["revenue"] > 0


def test_sample_audit_content(sample_audit):
    page = (sample_audit / "audit_2025-12-31.html").read_text(encoding="utf-8")
    text = visible_text(page)
    for heading in ("What to do first", "The base in figures", "Data received",
                    "Appendix: how the figures were made",
                    "How far the churn model can be trusted", "ABC: who brings the money",
                    "XYZ and the ABC×XYZ matrix", "RFM segments", "Client BCG matrix",
                    "Lifecycle of the client base", "Base dynamics", "Churn model",
                    "Reactivation list", "Duplicate clients", "Card completeness"):
        assert heading in text, heading
    # a number from the input that the reader can check: every transaction row was read
    rows = rk.load(rk.sample_path()).reports["transactions"].rows_read
    assert f"{rows:,}" in text
    # 60 planted duplicate pairs -> 60 groups of 2 records
    truth = pd.read_csv(rk.sample_path() / "truth" / "duplicates.csv", dtype=str)
    assert re.search(rf"duplicate groups\s+{len(truth)}\s", text)
    # no code, no prompts, no outside requests
    assert "import reportkit" not in text and "Audit.build" not in text
    assert "In [" not in text
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', page)
    assert "cdn" not in page.lower() or "cdnjs" not in page.lower()


def _slow_nps(surveys: pd.DataFrame, as_of: str) -> tuple[float, int]:
    """NPS from the raw answers, the obvious way: each client's latest answer on or before
    as_of (the lowest score on a tie), promoters 9-10 minus detractors 0-6, in points."""
    latest: dict[str, tuple[pd.Timestamp, float]] = {}
    for cid, day, score in zip(surveys["client_id"], surveys["date"], surveys["score"]):
        day = pd.Timestamp(day).normalize()
        if day > pd.Timestamp(as_of):
            continue
        if cid not in latest or day > latest[cid][0] or (day == latest[cid][0]
                                                          and score < latest[cid][1]):
            latest[cid] = (day, score)
    scores = [sc for _, sc in latest.values()]
    pro = sum(1 for sc in scores if sc >= 9)
    det = sum(1 for sc in scores if sc <= 6)
    return 100.0 * (pro - det) / len(scores), len(scores)


def test_sample_audit_managers_and_nps(sample_audit):
    page = (sample_audit / "audit_2025-12-31.html").read_text(encoding="utf-8")
    text = visible_text(page)
    for heading in ("Managers", "Forgotten clients", "Overdue tasks", "NPS",
                    "Detractors among class A clients", "Contact policy per cell"):
        assert heading in text, heading
    surveys = rk.load(rk.sample_path()).surveys
    value, n = _slow_nps(surveys, "2025-12-31")
    assert f"NPS is {value:.1f} from {n:,} answers" in text
    # every manager of the client cards is a row of the managers' table
    clients = rk.load(rk.sample_path()).clients
    for name in clients["manager"].dropna().unique():
        assert html.escape(str(name)) in page


def test_action_lists_read_back(sample_audit):
    folder = sample_audit / "audit_2025-12-31"
    seg = pd.read_csv(folder / "segments.csv", encoding="utf-8-sig", dtype={"client_id": str})
    snap = rk.snapshot(rk.build_panel(rk.load(rk.sample_path())), as_of="2025-12-31")
    assert sorted(seg["client_id"]) == sorted(snap["client_id"])   # every client, once
    assert set(seg["abc"].dropna()) <= {"A", "B", "C"}
    book = pd.read_excel(folder / "action_lists.xlsx", sheet_name=None)
    assert set(book) == {"At risk", "Reactivation", "Duplicates", "Segments",
                         "Forgotten clients", "Overdue tasks", "Detractors among A", "Cross-sell", "Codes"}
    # the clients the sample plants as forgotten (good clients with no activity for months) are listed
    forgotten = pd.read_csv(folder / "forgotten.csv", encoding="utf-8-sig",
                            dtype={"client_id": str})
    planted = pd.read_csv(rk.sample_path() / "truth" / "forgotten.csv", dtype=str)
    assert set(planted["client_id"]) <= set(forgotten["client_id"])
    assert len(book["Forgotten clients"]) == len(forgotten)
    # detractors among A: every row's latest answer is 0-6 and the client is class A
    det = pd.read_csv(folder / "detractors_a.csv", encoding="utf-8-sig", dtype={"client_id": str})
    a_ids = set(seg.loc[seg["abc"] == "A", "client_id"])
    assert len(det) and set(det["client_id"]) <= a_ids and (det["score"] <= 6).all()


@pytest.fixture(scope="module")
def hostile_base(tmp_path_factory):
    """A small Russian-style base where one client's name is an HTML injection."""
    base = make_base(400, 3, random_state=3, lang="ru")
    clients = base.clients.copy()
    pair = base.truth["duplicates"].iloc[0]          # duplicate groups are listed with names
    buyer = pair["client_id_a"]
    clients.loc[clients["client_id"].isin([pair["client_id_a"], pair["client_id_b"]]),
                "name"] = HOSTILE
    base.clients = clients
    folder = tmp_path_factory.mktemp("hostile")
    write_base(base, folder, lang="ru")
    return folder, buyer


def test_russian_report_escapes_names(hostile_base, tmp_path):
    folder, buyer = hostile_base
    result = rk.report.audit(folder, lang="ru", out=tmp_path)
    page = result.html.read_text(encoding="utf-8")
    assert HOSTILE not in page                          # never as markup
    assert html.escape(HOSTILE) in page or "&lt;script&gt;" in page
    text = visible_text(page)
    for heading in ("База в цифрах", "Что сделать в первую очередь", "Жизненный цикл клиентской базы",
                    "Динамика базы", "Список для реактивации"):
        assert heading in text
    # a small base: the churn model falls back and says why, the report still renders
    assert "Модель оттока" in text


def test_audit_object_sections_and_findings(hostile_base):
    folder, _ = hostile_base
    a = Audit.build(folder, lang="en", churn=False)
    assert a.as_of == pd.Timestamp("2025-12-31")
    for section in ("verdict", "overview", "data", "model", "appendix", "abc", "xyz", "rfm", "bcg", "size", "lifecycle",
                    "dynamics", "churn", "reactivation", "quality", "managers"):
        assert a.show(section).startswith("<h2")
    text = " ".join(a.findings())
    k = a.kpis
    assert f"{k['lost_12m']:,} were lost" in text
    # the KPI 'revenue' is the snapshot's 12-month revenue, recomputed here from transactions
    t = a.dataset.transactions
    window = t[(t["date"] > "2024-12-31") & (t["date"] <= "2025-12-31")]
    assert k["revenue"] == pytest.approx(window.loc[window.groupby("client_id")["amount"]
                                                    .transform("sum") > 0, "amount"].sum())
    with pytest.raises(rk.ParameterError, match="`section` must be one of"):
        a.show("nope")


def test_sections_without_their_data_say_so(hostile_base, tmp_path):
    """Only a transactions file: quality, managers and NPS hide with a sentence, no crash."""
    folder, _ = hostile_base
    sales = next(p for p in folder.iterdir() if p.name.startswith("продажи"))
    only = tmp_path / "sales.csv"
    only.write_bytes(sales.read_bytes())
    has_manager = "manager" in rk.load(only).transactions.columns
    fragment = lambda h: html.unescape(re.sub(r"<[^>]+>", " ", str(h)))  # noqa: E731
    a = Audit.build(only, lang="en", churn=False)
    assert "Not available: no clients table was given." in fragment(a.show("quality"))
    managers = fragment(a.show("managers"))
    assert "Not available: no surveys table was given." in managers
    if not has_manager:
        assert "Not available: no manager column or activity log was given." in managers
    assert not a.errors
    assert not any("NPS" in f for f in a.findings())
    ru = Audit.build(only, lang="ru", churn=False)
    assert "Нет данных: таблица опросов не передана." in fragment(ru.show("managers"))


def test_contact_policy_file_sets_the_allowed_gaps(hostile_base, tmp_path):
    """A policy CSV from the config with an allowed_days column drives the forgotten check."""
    folder, _ = hostile_base
    from reportkit.io.policy import default_policy_path

    policy = pd.read_csv(default_policy_path())
    default = Audit.build(folder, lang="en", churn=False)
    assert len(default.results.managers.forgotten) > 0
    policy["allowed_days"] = 100_000                     # nobody is silent that long
    path = tmp_path / "policy.csv"
    policy.to_csv(path, index=False)
    a = Audit.build(folder, lang="en", churn=False,
                    config={"segmentation": {"contact_policy": str(path)}})
    assert len(a.results.managers.forgotten) == 0
    assert "100,000" in visible_text("<body>" + str(a.show("xyz")))


def test_monthly_batch_with_index(hostile_base, tmp_path):
    folder, _ = hostile_base
    # the company's name as the title (the command line's --title), escaped where it is shown
    title = "Acme & Sons <Ltd>"
    assert cli_main(["monthly", str(folder), "--from", "2025-10", "--to", "2025-11",
                     "--out", str(tmp_path), "--jobs", "2", "--title", title]) == 0
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "monthly_2025-10.html" in index and "monthly_2025-11.html" in index
    page = (tmp_path / "monthly_2025-11.html").read_text(encoding="utf-8")
    assert "What changed" in visible_text(page)
    for html_page in (index, page):
        assert html.escape(title) in html_page and title not in html_page
    assert "<h1" in page and html.escape(title) in page.split("<h1", 1)[1].split("</h1>")[0]


@pytest.mark.browser
def test_sample_audit_in_headless_chromium(sample_audit, tmp_path):
    from test_browser import _open

    page = sample_audit / "audit_2025-12-31.html"
    url = page.resolve().as_uri()
    shot = tmp_path / "sample_audit.png"
    requests, console, errors, dialogs, facts = _open(url, shot)
    assert [u for u in requests if not u.startswith("data:")] == [url]   # offline: nothing else
    assert console == [] and errors == [] and dialogs == []
    assert facts["images"] and all(ok and width > 0 for ok, width in facts["images"])
    assert facts["tocTargets"] and all(facts["tocTargets"])
    assert shot.stat().st_size > 50_000


def test_an_analysis_rerun_by_hand_reaches_its_section_and_the_figures(hostile_base):
    """The analyst's loop: rerun the segmentation with other ABC cut-offs and re-render only its
    section; the summary's class A count follows after refresh()."""
    from dataclasses import replace

    from reportkit.analysis.segmentation import segment_all

    folder, _ = hostile_base
    a = Audit.build(folder, lang="en", churn=False)
    r = a.results
    before = int((r.segments.abc.clients["abc"] == "A").sum())
    settings = replace(a.config.segmentation, abc_cutoffs=(0.5, 0.8))
    r.segments = segment_all(r.snapshot, settings=settings, clients=a.dataset.clients)
    after = int((r.segments.abc.clients["abc"] == "A").sum())
    # by hand: class A is the fewest paying clients whose revenue reaches half of the total
    value = r.snapshot["revenue_window"].clip(lower=0).sort_values(ascending=False)
    share = value.cumsum() / value.sum()
    assert after == int((share.shift(fill_value=0) < 0.5).sum()) and after < before
    table = html.unescape(re.sub(r"<[^>]+>", " ", str(a.show("abc"))))
    assert re.search(rf"\bA\s+{after:,}\s", table)
    assert a.refresh().kpis["class_a_clients"] == after
