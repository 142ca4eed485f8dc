"""The monthly index page: it lists every period report the output folder holds (whichever run
built it), in a narrow table of six columns — period, clients, revenue, lost, at risk, link —
whose figures are each period's own key figures, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import reportkit.report.render as R
import reportkit.report.store as ST

#: the six column headers, by language
HEADERS = {
    "en": ["Period", "Clients", "Revenue", "Lost clients", "Revenue at risk", "Report"],
    "ru": ["Период", "Клиенты", "Выручка", "Ушедшие клиенты", "Выручка под угрозой", "Отчёт"],
}
NNBSP = "\u202f"          # the Russian thousands separator
DASH = "\u2014"           # a missing figure


def _headers(page: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    return re.findall(r"<th[^>]*>([^<]*)</th>", head)


def _rows(page: str) -> dict[str, list[str]]:
    """Each row's cells as text (tags dropped), by period."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    rows = {}
    for period, cells in re.findall(r'<tr id="period-([^"]+)">(.*?)</tr>', body, re.S):
        rows[period] = [re.sub(r"<[^>]+>", "", c).strip()
                        for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
    return rows


def _period(out: Path, period: str, kpis: dict) -> None:
    (out / f"monthly_{period}.html").write_text(f"<p>{period}</p>", encoding="utf-8")
    ST.record_kpis(kpis, out / f"monthly_{period}")


def _failed(out: Path, period: str) -> Path:
    nb = {"cells": [{"cell_type": "code", "source": "x", "outputs": [
        {"output_type": "error", "ename": "ValueError", "evalue": "\x1b[31mno data\x1b[0m",
         "traceback": []}]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = out / f"monthly_{period}.failed.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder a year of runs left: two months with the monthly notebook's key figures, one
    with only the general ones (another notebook), one whose last build failed, and files that
    are no monthly report."""
    out = tmp_path / "reports"
    out.mkdir()
    _period(out, "2025-03", {"clients": 900, "base": 412, "revenue": 9_000_000.0,
                             "revenue_period": 812_345.6, "lost_clients": 7,
                             "revenue_at_risk": 123_456.7, "churn_rate": 0.017})
    _period(out, "2025-01", {"clients": 880, "base": 400, "revenue": 8_800_000.0,
                             "revenue_period": 700_000.0, "lost_clients": 12})
    _period(out, "2025-02", {"clients": 35, "revenue": 1_234.0})
    _failed(out, "2025-04")
    (out / "monthly_2025-13.html").write_text("not a month", encoding="utf-8")
    (out / "audit_2025-03-31.html").write_text("an audit", encoding="utf-8")
    (out / "monthly_2025-05").mkdir()             # a folder without its report: not listed
    return out


def test_the_index_lists_every_period_in_the_folder(folder):
    page = R.write_index(None, folder, lang="en", title="Base").read_text(encoding="utf-8")
    assert _headers(page) == HEADERS["en"]
    rows = _rows(page)
    assert list(rows) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert all(len(cells) == 6 for cells in rows.values())
    # the base and the period's revenue, as on the period page's tiles; else the general ones
    assert rows["2025-03"] == ["2025-03", "412", "812,346", "7", "123,457", "open"]
    assert rows["2025-01"] == ["2025-01", "400", "700,000", "12", DASH, "open"]
    assert rows["2025-02"] == ["2025-02", "35", "1,234", DASH, DASH, "open"]
    # the failed month: its error read from its notebook, a link to it
    assert rows["2025-04"][:5] == ["2025-04", DASH, DASH, DASH, DASH]
    assert "failed" in rows["2025-04"][5] and "ValueError: no data" in rows["2025-04"][5]
    assert 'href="monthly_2025-04.failed.ipynb"' in page
    assert '<a href="monthly_2025-03.html">open</a>' in page
    assert "3 of 4 periods built, 1 failed." in page
    assert "<dt>Period</dt><dd>2025-01 – 2025-04</dd>" in page
    assert page.count('<img src="data:image/png;base64,') == 1


def test_the_index_in_russian_has_the_same_six_columns(folder):
    page = R.write_index(None, folder, lang="ru").read_text(encoding="utf-8")
    assert _headers(page) == HEADERS["ru"]
    rows = _rows(page)
    assert rows["2025-03"] == ["03.2025", "412", f"812{NNBSP}346", "7", f"123{NNBSP}457",
                               "открыть"]
    assert all(len(cells) == 6 for cells in rows.values())


def test_this_runs_error_is_preferred_to_the_notebooks(folder):
    known = [R.PeriodResult("2025-04", "failed", error="notebook failed in cell 3: ValueError")]
    found = R.periods_on_disk(folder, known)
    assert [(p.period, p.status) for p in found] == [
        ("2025-01", "done"), ("2025-02", "done"), ("2025-03", "done"), ("2025-04", "failed")]
    assert found[3].error == "notebook failed in cell 3: ValueError"
    assert R.periods_on_disk(folder)[3].error == "ValueError: no data"
    assert found[2].kpis["lost_clients"] == 7 and found[2].html == folder / "monthly_2025-03.html"
    # a report beside an old failure's notebook: the report counts
    _failed(folder, "2025-03")
    assert R.periods_on_disk(folder)[2].status == "done"
    # a damaged kpis.json: the row has no figures, the index is still written
    (folder / "monthly_2025-01" / "kpis.json").write_text("{broken", encoding="utf-8")
    assert R.periods_on_disk(folder)[0].kpis == {}
    assert _rows(R.write_index(None, folder).read_text("utf-8"))["2025-01"][1:5] == [DASH] * 4


# ----------------------------------------------------------------------------------------------
# the monthly batch, run twice into one folder
# ----------------------------------------------------------------------------------------------
#: the period page's tile labels of the four figures, by language
TILES = {
    "en": ["Clients in the base", "Revenue of the period", "Lost clients", "Revenue at risk"],
    "ru": ["Клиентов в базе", "Выручка за период", "Ушедшие клиенты", "Выручка под угрозой"],
}


def _tile(page: str, label: str) -> str:
    return re.search(rf'rk-kpi-value">([^<]*)</div><div class="rk-kpi-label">{label}<',
                     page).group(1)


def _grouped(value: float, sep: str) -> str:
    return f"{round(value):,}".replace(",", sep)


@pytest.mark.slow
def test_a_run_of_one_month_keeps_the_others_on_the_index(tmp_path):
    """Three months (English), then the last one again (Russian) into the same folder: the
    index lists the three, each row carries the figures of its own period's page and
    ``kpis.json``, six columns in both languages."""
    from reportkit.io.sample import make_base, write_base

    base = tmp_path / "base"
    write_base(make_base(250, 2, random_state=11), base)
    out, cache = tmp_path / "out", tmp_path / "cache"
    months = ["2025-10", "2025-11", "2025-12"]
    first = R.monthly(base, start=months[0], end=months[-1], out=out, jobs=2, cache=cache)
    assert first.done == months
    page = first.index.read_text(encoding="utf-8")
    assert _headers(page) == HEADERS["en"] and list(_rows(page)) == months

    again = R.monthly(base, start="2025-12", end="2025-12", out=out, lang="ru", cache=cache)
    assert again.done == ["2025-12"] and again.cache_hit is True
    page = again.index.read_text(encoding="utf-8")
    rows = _rows(page)
    assert _headers(page) == HEADERS["ru"]
    assert list(rows) == months and all(len(cells) == 6 for cells in rows.values())
    for month in months:
        period_page = (out / f"monthly_{month}.html").read_text(encoding="utf-8")
        lang = "ru" if month == "2025-12" else "en"       # the page as its own run wrote it
        shown = [_tile(period_page, label) for label in TILES[lang]]
        # figures formatted in Russian on the index: compare the digits
        assert [re.sub(r"\D", "", c) for c in rows[month][1:5]] == [
            re.sub(r"\D", "", c) for c in shown], month
        kpis = json.loads((out / f"monthly_{month}" / "kpis.json").read_text(encoding="utf-8"))
        assert rows[month][1] == _grouped(kpis["base"], NNBSP)
        assert rows[month][2] == _grouped(kpis["revenue_period"], NNBSP)
        assert rows[month][3] == _grouped(kpis["lost_clients"], NNBSP)
        assert rows[month][5] == "открыть"
    assert re.search(r'<a href="monthly_2025-10.html">10.2025</a>', page)


def test_index_trends_are_drawn_from_zero():
    """Clients 1,000 -> 1,020 and revenue 5.0 M -> 5.1 M: each chart's axis starts at zero, so a
    2 % change does not look like a fall (a negative revenue would lower the floor)."""
    from matplotlib.figure import Figure

    from reportkit.report.render.index import INDEX_FIGURES, _trend_axes

    periods = ["2025-01", "2025-02", "2025-03"]
    table = pd.DataFrame({"clients": [1000, 1010, 1020],
                          "revenue": [5.0e6, -1.0e5, 5.1e6],
                          "lost_clients": [30, 25, 28],
                          "revenue_at_risk": [7.0e5, 7.2e5, 7.1e5]})
    chosen = [(name, kind) for name, kind, _ in INDEX_FIGURES]
    axes = _trend_axes(Figure(), periods, table, chosen, "en")
    floors = {name: ax.get_ylim()[0] for (name, _), ax in zip(chosen, axes)}
    assert floors["clients"] == 0 and floors["lost_clients"] == 0
    assert floors["revenue_at_risk"] == 0
    assert floors["revenue"] <= -1.0e5
