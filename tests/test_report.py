"""reportkit.report.render: running notebooks, the HTML template, the monthly batch, masking, PDF."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

import reportkit.report.mask as M
import reportkit.report.render as R
import reportkit.report.store as ST
from reportkit.io.config import load_config
from reportkit.errors import ParameterError, ReportError

from conftest import HOSTILE, MADE_ON, make_notebook

EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


# ----------------------------------------------------------------------------------------------
# tiny data: three clients over three months (worked by hand)
#   2024-01: C1 100 + 50, C2 200            -> 2 clients, revenue 350
#   2024-02: C3 70                          -> (the notebook fails for this period)
#   2024-03: C2 300, C3 -20 (return), C1 10 -> 3 clients, revenue 290
# last transaction 2024-03-15 -> the last full month ends 2024-02-29
# ----------------------------------------------------------------------------------------------
TRANSACTIONS = """client_id,date,amount
C1,2024-01-05,100
C1,2024-01-20,50
C2,2024-01-10,200
C3,2024-02-01,70
C2,2024-03-03,300
C3,2024-03-15,-20
C1,2024-03-10,10
"""
CLIENTS = """client_id,name,phone,email
C1,Alpha Trading,+7 (495) 111-22-33,alpha@example.com
C2,Beta Steel,84951112233,beta@example.com
C3,Gamma Foods,+7 900 000-00-00,gamma@example.com
"""
NAMES = ("Alpha Trading", "Beta Steel", "Gamma Foods")


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    # three clients worked by hand: below the audit's minimum of clients (an input error for a
    # real base); these tests are about the batch machinery, so the minimum is lowered
    import reportkit.report.pipeline as P

    monkeypatch.setattr(P, "MIN_CLIENTS", 1)
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    (folder / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    old = time.time() - 3600  # data older than anything the test writes
    for p in folder.iterdir():
        os.utime(p, (old, old))
    return folder


@pytest.fixture
def stand_in_panel(monkeypatch):
    """A tiny client-month panel instead of reportkit.core.panel (built by other code); counts calls."""
    calls = []

    def build(dataset):
        calls.append(1)
        tx = dataset.transactions
        frame = (tx.assign(month=tx["date"].dt.to_period("M").dt.to_timestamp())
                 .groupby(["client_id", "month"], as_index=False)["amount"].sum()
                 .rename(columns={"amount": "revenue"}))
        return SimpleNamespace(frame=frame)

    monkeypatch.setattr(R, "_build_panel", build)
    return calls


PARAMS = ('period: str = "2024-01"  # YYYY-MM\nas_of: str = "2024-01-31"\nlang: str = "en"\n'
          'title: str = "base"\npanel_path: str = ""\ndataset_path: str = ""\n'
          'output_dir: str = "."\nmask: bool = False\n')


def monthly_notebook(path: Path) -> Path:
    return make_notebook(path, [
        ("code", "import pandas as pd\nimport reportkit.report.store as ST\n"
                 "panel = ST.read_cached(panel_path)\n"
                 "m = panel.frame[panel.frame['month'] == pd.Timestamp(period + '-01')]"),
        ("md", "# Base"),
        ("code", "if period == '2024-02':\n    raise ValueError('planted failure in ' + period)"),
        ("code", "ST.record_kpis({'clients': int(m['client_id'].nunique()),\n"
                 "               'revenue': float(m['revenue'].sum())}, output_dir)"),
    ], PARAMS)


# ----------------------------------------------------------------------------------------------
# the rendered report (one execution, shared with test_browser)
# ----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_rendered_report_has_title_block_toc_and_no_code(rendered_report):
    html_path, executed = rendered_report
    page = html_path.read_text(encoding="utf-8")
    # title block: escaped title, period, the date passed in, the version passed in
    assert '<h1 class="rk-title">Tiny &amp; &lt;Base&gt;</h1>' in page
    assert "<dt>Period</dt><dd>2024-06</dd>" in page
    assert f"<dt>Made on</dt><dd>{MADE_ON}</dd>" in page
    assert "<dd>9.9.9</dd>" in page and "Made with reportkit 9.9.9" in page
    assert '<html lang="en">' in page
    # table of contents: the two top-level sections, the subsection nested under the first
    toc = re.search(r'<nav[^>]*class="rk-toc".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="#([^"]+)">([^<]+)</a>', toc) == [
        ("Clients", "Clients"), ("Revenue", "Revenue"), ("Churn", "Churn")]
    assert re.search(r'<ol><li><a href="#Clients">Clients</a><ol><li><a href="#Revenue">', toc)
    assert 'id="Churn" class="rk-section"' in page and 'id="Clients" class="rk-section"' in page
    assert 'id="Revenue" class="rk-section"' not in page
    # no code, no prompts, no stderr, no scripts
    for code in ("import pandas", "table_html(", "plt.subplots", "print(", "period: str"):
        assert code not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "STDERR-NOISE" not in page and "WARNING-NOISE" not in page
    assert "visible output" in page
    assert "<script" not in page.lower()
    # self-contained: figure embedded, no reference to another host anywhere
    assert re.search(r'<img[^>]+src="data:image/png;base64,', page)
    assert not EXTERNAL.findall(page)
    assert not re.search(r"https?://", page)
    assert "@import" not in page
    # the hostile client name is text, in both table renderers
    assert HOSTILE not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    # numbers formatted by the package and right-aligned by class
    assert '<td class="rk-num">1,234,567</td>' in page
    assert '<td class="rk-num">\u2212250</td>' in page
    # the executed notebook keeps the parameters that were injected
    nb = nbformat.read(executed, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["period"] == "2024-06"


@pytest.mark.slow
def test_failing_notebook_raises_naming_the_cell_and_keeps_the_notebook(tmp_path):
    nb = make_notebook(tmp_path / "bad.ipynb", [
        ("md", "# Title"),
        ("code", "x = 1\nraise KeyError('planted')"),
        ("code", "print('never')"),
    ], 'lang: str = "en"\n')
    with pytest.raises(ReportError) as info:
        R.run_notebook(nb, {}, output_dir=tmp_path / "out", name="bad_run")
    saved = tmp_path / "out" / "bad_run.ipynb"
    message = str(info.value)
    assert "bad.ipynb failed in cell 3 (In [" in message and "'x = 1'" in message
    assert "KeyError: 'planted'" in message and str(saved) in message
    executed = nbformat.read(saved, as_version=4)
    failing = [c for c in executed.cells if c.cell_type == "code" and c.source.startswith("x = 1")]
    assert failing[0].outputs[0]["ename"] == "KeyError"


def test_add_toc_on_a_fragment():
    page = ('<nav class="rk-toc"><h2>Contents</h2><!--reportkit:toc--></nav>'
            '<div class="rk-body"><h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2>'
            '<h3 id="x">x &amp; y</h3><h4 id="deep">deep</h4><h2 id="A">A</h2>'
            '<h2 class="out">Сводка &amp; итоги</h2></div>')
    out = R.add_toc(page)
    assert ('<ol><li><a href="#A">A</a><ol><li><a href="#x">x &amp; y</a></li></ol></li>'
            '<li><a href="#A-2">A</a></li><li><a href="#Сводка-итоги">Сводка &amp; итоги</a>'
            '</li></ol>') in out
    assert '<h2 id="Сводка-итоги" class="out rk-section">' in out
    assert '<h2 id="A-2" class="rk-section">A</h2>' in out
    assert '<a class="anchor-link" href="#A">' in out
    assert "deep</a>" not in out  # two levels below the top are not listed
    bare = R.add_toc('<nav class="rk-toc" aria-label="C"><!--reportkit:toc--></nav>\n'
                     '<div class="rk-body"><p>no headings</p></div>')
    assert "rk-toc" not in bare and "<p>no headings</p>" in bare


# ----------------------------------------------------------------------------------------------
# the monthly batch: three periods, one failing, re-runs
# ----------------------------------------------------------------------------------------------
def _row(index_html: str, period: str) -> str:
    return re.search(rf'<tr id="period-{period}">(.*?)</tr>', index_html, re.S).group(1)


@pytest.mark.slow
def test_monthly_batch_with_a_failing_period(tmp_path, data_dir, stand_in_panel):
    nb = monthly_notebook(tmp_path / "monthly.ipynb")
    out = tmp_path / "reports"
    res = R.monthly(data_dir, start="2024-01", end="2024-03", out=out, jobs=2, notebook=nb,
                    progress=False)
    assert res.done == ["2024-01", "2024-03"]
    assert res.failed == ["2024-02"]
    assert res.skipped == []
    assert len(stand_in_panel) == 1  # loaded and built once for all periods
    # the cached inputs lived in the batch's staging area and are gone with it
    assert not (out / ".cache").exists() and not list(out.glob(".staging-*"))
    for period in ("2024-01", "2024-03"):
        assert (out / f"monthly_{period}.html").is_file()
    assert not (out / "monthly_2024-02.html").exists()
    # the failure names the cell and keeps the executed notebook (beside the reports: the
    # period was built in a staging folder)
    bad = res.periods[1]
    assert "cell 4" in bad.error and "planted failure in 2024-02" in bad.error
    assert bad.notebook == out / "monthly_2024-02.failed.ipynb"
    assert str(bad.notebook) in bad.error
    saved = nbformat.read(bad.notebook, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in saved.cells if c.cell_type == "code"
               for o in c.get("outputs", []))
    # the index: KPIs worked out by hand, links, the failure with its notebook
    index = res.index.read_text(encoding="utf-8")
    jan, feb, mar = (_row(index, p) for p in ("2024-01", "2024-02", "2024-03"))
    assert '<a href="monthly_2024-01.html">2024-01</a>' in jan
    # clients, revenue, lost, at risk: the notebook records no lost clients, no revenue at risk
    assert re.findall(r'<td class="rk-num">([^<]*)</td>', jan) == ["2", "350", "\u2014", "\u2014"]
    assert re.findall(r'<td class="rk-num">([^<]*)</td>', mar) == ["3", "290", "\u2014", "\u2014"]
    assert "monthly_2024-02.html" not in feb
    assert "planted failure in 2024-02" in feb
    assert 'href="monthly_2024-02.failed.ipynb"' in feb
    assert "rk-status-failed" in feb
    assert re.search(r'<img src="data:image/png;base64,', index)
    assert not EXTERNAL.findall(index)

    # re-run: fresh periods are skipped, the failed one is tried again
    before = {p: (out / f"monthly_{p}.html").stat().st_mtime_ns for p in ("2024-01", "2024-03")}
    res2 = R.monthly(data_dir, start="2024-01", end="2024-03", out=out, jobs=2, notebook=nb,
                     progress=False)
    assert res2.skipped == ["2024-01", "2024-03"] and res2.failed == ["2024-02"]
    assert {p: (out / f"monthly_{p}.html").stat().st_mtime_ns for p in before} == before
    assert res2.periods[0].kpis == {"clients": 2, "revenue": 350.0}

    # force rebuilds a fresh period
    res3 = R.monthly(data_dir, start="2024-03", end="2024-03", out=out, jobs=1, notebook=nb,
                     force=True, progress=False)
    assert res3.done == ["2024-03"]
    assert (out / "monthly_2024-03.html").stat().st_mtime_ns > before["2024-03"]


def test_monthly_rebuilds_when_the_data_is_newer(tmp_path, data_dir, monkeypatch):
    nb = monthly_notebook(tmp_path / "monthly.ipynb")
    out = tmp_path / "reports"
    html, work = out / "monthly_2024-01.html", out / "monthly_2024-01"
    work.mkdir(parents=True)
    html.write_text("old report", encoding="utf-8")
    ST.record_kpis({"clients": 2}, work)
    (work / "build.json").write_text(R._build_signature(
        load_config(None), nb, lang="en", mask=False, pdf=False), encoding="utf-8")
    asked = []

    def prepare(*args, **kwargs):
        asked.append(1)
        raise RuntimeError("would rebuild")

    monkeypatch.setattr(R, "_prepare_inputs", prepare)
    res = R.monthly(data_dir, start="2024-01", end="2024-01", out=out, notebook=nb,
                    progress=False)  # report newer than data and notebook: nothing to do
    assert res.skipped == ["2024-01"] and asked == []
    with pytest.raises(RuntimeError, match="would rebuild"):  # other settings: rebuild
        R.monthly(data_dir, start="2024-01", end="2024-01", out=out, notebook=nb,
                  progress=False, lang="ru")
    with pytest.raises(RuntimeError, match="would rebuild"):
        R.monthly(data_dir, start="2024-01", end="2024-01", out=out, notebook=nb,
                  progress=False, config={"report": {"window_months": 6}})
    with pytest.raises(RuntimeError, match="would rebuild"):
        R.monthly(data_dir, start="2024-01", end="2024-01", out=out, notebook=nb,
                  progress=False, force=True)
    future = time.time() + 60
    os.utime(data_dir / "clients.csv", (future, future))
    with pytest.raises(RuntimeError, match="would rebuild"):
        R.monthly(data_dir, start="2024-01", end="2024-01", out=out, notebook=nb,
                  progress=False)


def test_monthly_parameter_errors(tmp_path, data_dir):
    nb = monthly_notebook(tmp_path / "monthly.ipynb")
    with pytest.raises(ParameterError, match="`end` must not be before `start`"):
        R.monthly(data_dir, start="2024-03", end="2024-01", out=tmp_path, notebook=nb)
    with pytest.raises(ParameterError, match="`start` must be a month like 2024-06"):
        R.monthly(data_dir, start="June", end="2024-01", out=tmp_path, notebook=nb)
    with pytest.raises(ParameterError, match="`jobs` must be None or a positive integer"):
        R.monthly(data_dir, start="2024-01", end="2024-01", out=tmp_path, notebook=nb, jobs=0)
    with pytest.raises(ReportError, match="no packaged notebook named 'nope'"):
        R.monthly(data_dir, start="2024-01", end="2024-01", out=tmp_path, notebook="nope")


def test_write_index_by_hand(tmp_path):
    periods = [
        R.PeriodResult("2024-01", "done", html=tmp_path / "monthly_2024-01.html",
                       kpis={"clients": 1200, "revenue": 1234567.4, "churn_rate": 0.25,
                             "lost_clients": 31, "revenue_at_risk": 98765.4}),
        R.PeriodResult("2024-02", "failed", notebook=tmp_path / "m" / "monthly_2024-02.ipynb",
                       error="boom <b>bold</b>"),
    ]
    page = R.write_index(periods, tmp_path, lang="ru", title="База", made_on=pd.Timestamp(
        "2024-03-05")).read_text(encoding="utf-8")
    jan = _row(page, "2024-01")
    assert re.findall(r'<td class="rk-num">([^<]*)</td>', jan) == [
        "1\u202f200", "1\u202f234\u202f567", "31", "98\u202f765"]
    assert '<a href="monthly_2024-01.html">01.2024</a>' in jan
    feb = _row(page, "2024-02")
    assert "boom &lt;b&gt;bold&lt;/b&gt;" in feb and 'href="m/monthly_2024-02.ipynb"' in feb
    assert re.findall(r'<td class="rk-num">([^<]*)</td>', feb) == ["\u2014"] * 4
    assert "<dd>05.03.2024</dd>" in page and '<html lang="ru">' in page
    assert "Ушедшие клиенты" in page and "Выручка под угрозой" in page  # translated headers
    assert "25,0\u202f%" not in page   # the churn rate stays on the period's page


# ----------------------------------------------------------------------------------------------
# the audit, masked, in Russian
# ----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_audit_masked_in_russian(tmp_path, data_dir, stand_in_panel, monkeypatch):
    """The notebook gets the real data and ``mask``; it masks what it shows and writes (as
    the packaged notebooks do through Audit.build(mask=True)); the key is per user."""
    monkeypatch.delenv(M.MASK_KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    nb = make_notebook(tmp_path / "audit.ipynb", [
        ("code", "import reportkit.report.mask as M, reportkit.report.store as ST, reportkit.report.export as E, reportkit.report.text as T\n"
                 "ds = ST.read_cached(dataset_path)\n"
                 "shown = M.mask_frame(ds.clients, M.mask_key(), lang=lang, ids=True) if mask "
                 "else ds.clients\n"
                 "E.write_action_lists({'reactivation': shown}, output_dir, lang=lang)\n"
                 "ST.record_kpis({'clients': len(ds.clients), 'as_of': as_of}, output_dir)"),
        ("md", "# Клиенты"),
        ("code", "T.table_html(shown, lang)"),
    ], PARAMS)
    out = tmp_path / "reports"
    res = R.audit(data_dir, lang="ru", out=out, mask=True, notebook=nb)
    assert res.as_of == "2024-02-29"
    assert res.html == out / "audit_2024-02-29.html"
    assert res.kpis == {"clients": 3, "as_of": "2024-02-29"}
    assert set(res.action_lists) == {"reactivation", "workbook"}
    key = (tmp_path / "config" / "reportkit" / "mask.key").read_bytes().strip()
    assert not list(out.rglob("mask.key")) and not (out / ".cache").exists()
    page = res.html.read_text(encoding="utf-8")
    csv = res.action_lists["reactivation"].read_text(encoding="utf-8-sig")
    for text in (page, csv):
        for name in NAMES + ("111-22-33", "alpha@example.com"):
            assert name not in text
    for cid in ("C1", "C2", "C3"):
        for kind in ("client", "id"):
            assert M.pseudonym(cid, key, kind=kind, lang="ru") in csv
            assert M.pseudonym(cid, key, kind=kind, lang="ru") in page
        assert f">{cid}<" not in page and f'\r\n"{cid}";' not in csv   # (ids are quoted)
    assert "Аудит клиентской базы" in page and '<html lang="ru">' in page
    assert "заменены псевдонимами" in page
    assert "<dt>Период</dt><dd>01.03.2023 – 29.02.2024</dd>" in page


def test_default_as_of_is_the_end_of_the_last_full_month():
    from reportkit.io.dataset import Dataset

    def ds(last):
        return Dataset(transactions=pd.DataFrame({"date": pd.to_datetime(
            ["2023-12-01 00:00", last], format="ISO8601")}))

    from reportkit.report.pipeline import default_as_of   # the one helper the report and the audit use

    assert pd.Timestamp(default_as_of(ds("2024-03-15 00:00"))) == pd.Timestamp("2024-02-29")
    assert pd.Timestamp(default_as_of(ds("2024-03-31 18:00"))) == pd.Timestamp("2024-03-31")
    assert pd.Timestamp(default_as_of(ds("2024-03-01 00:00"))) == pd.Timestamp("2024-02-29")


# ----------------------------------------------------------------------------------------------
# masking
# ----------------------------------------------------------------------------------------------
def test_mask_frame_is_stable_keyed_and_leaves_the_input_alone():
    df = pd.DataFrame({"client_id": ["C1", "C2", "C3"],
                       "name": ["Alpha", "Alpha", None],
                       "phone": ["+7 (495) 111-22-33", "84951112233", ""],
                       "email": ["A@x.ru ", "a@x.ru", "b@x.ru"],
                       "tax_id": ["7701", "7702", None],
                       "revenue": [1.0, 2.0, 3.0]})
    copy = df.copy()
    a = M.mask_frame(df, b"key-1")
    pd.testing.assert_frame_equal(df, copy)
    pd.testing.assert_frame_equal(a, M.mask_frame(df, "key-1"))  # stable, str key == bytes
    b = M.mask_frame(df, b"key-2")
    # names are keyed on the client id: same name, different clients -> different pseudonyms
    assert a["name"][0] != a["name"][1] and a["name"][0] != b["name"][0]
    assert re.fullmatch(r"Client [0-9A-F]{8}", a["name"][0])
    assert pd.isna(a["name"][2]) and a["phone"][2] == "" and pd.isna(a["tax_id"][2])
    # contacts are keyed on their normalised value: shared phones/e-mails stay shared
    assert a["phone"][0] == a["phone"][1] and a["email"][0] == a["email"][1]
    assert a["tax_id"][0] != a["tax_id"][1]
    assert "111" not in a["phone"][0] and "x.ru" not in a["email"][0]
    assert a["revenue"].tolist() == [1.0, 2.0, 3.0] and list(a.columns) == list(df.columns)
    ru = M.mask_frame(df, b"key-1", lang="ru")
    assert ru["name"][0] == "Клиент " + a["name"][0].split()[1]
    # the same client keeps its pseudonym in another period's frame
    other = M.mask_frame(pd.DataFrame({"client_id": ["C3", "C1"], "name": ["x", "y"]}),
                         b"key-1")
    assert other["name"][1] == a["name"][0]


def test_mask_dataset_masks_rejected_rows_too():
    from reportkit.io.dataset import Dataset
    from reportkit.io.load import LoadReport

    rep = LoadReport(table="clients", file="c.csv", rows_read=2, rows_kept=1, rows_rejected=1,
                     rejected=pd.DataFrame({"Код": [""], "Наименование": ["Secret LLC"],
                                            "row": [3], "reason": ["missing client id"]}),
                     columns={"client_id": "Код", "name": "Наименование"})
    ds = Dataset(transactions=pd.DataFrame({"client_id": ["1"], "date": pd.to_datetime(
        ["2024-01-01"]), "amount": [1.0]}),
        clients=pd.DataFrame({"client_id": ["1"], "name": ["Open LLC"]}),
        reports={"clients": rep})
    masked = M.mask_dataset(ds, b"k")
    assert masked.clients["name"][0] == M.pseudonym("1", b"k")
    assert "Secret LLC" not in masked.reports["clients"].rejected.to_string()
    assert ds.clients["name"][0] == "Open LLC"  # input untouched


def test_mask_key_is_kept_per_user_outside_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(M.MASK_KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = tmp_path / "config" / "reportkit" / "mask.key"
    assert M.mask_key_path() == path
    first = M.mask_key()
    assert len(first) == 32 and M.mask_key() == first
    assert path.read_bytes().strip() == first and (path.stat().st_mode & 0o777) == 0o600
    monkeypatch.setenv(M.MASK_KEY_ENV, "from-env")
    assert M.mask_key() == b"from-env"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(M.MASK_KEY_ENV)
    assert M.mask_key_path() == tmp_path / "home" / ".config" / "reportkit" / "mask.key"
    with pytest.raises(TypeError):
        M.mask_key(tmp_path)        # no longer takes the output folder


# ----------------------------------------------------------------------------------------------
# kernel, key figures, notebooks, PDF
# ----------------------------------------------------------------------------------------------
def test_find_kernel_creates_a_kernelspec_for_this_python(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setattr(R, "_spec_runs_this_python", lambda argv: False)
    monkeypatch.setattr(R, "_own_kernel_prefix", lambda: tmp_path / "prefix")
    monkeypatch.setenv("JUPYTER_PATH", "")
    name = R.find_kernel()
    assert name == "reportkit-python"
    spec = json.loads((tmp_path / "prefix" / "share" / "jupyter" / "kernels" / name /
                       "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert KernelSpecManager().get_kernel_spec(name).argv[0] == sys.executable
    assert R.find_kernel("reportkit-python") == name
    with pytest.raises(ReportError, match="Jupyter kernel 'no-such-kernel' not found"):
        R.find_kernel("no-such-kernel")


def test_record_kpis_checks_values(tmp_path):
    import numpy as np

    ST.record_kpis({"clients": np.int64(5), "revenue": np.float64(2.5), "label": "x",
                   "rate": float("nan")}, tmp_path)
    assert ST.read_kpis(tmp_path / "kpis.json") == {"clients": 5, "revenue": 2.5, "label": "x",
                                                   "rate": None}
    with pytest.raises(ParameterError, match=r"`kpis\['bad'\]` must be a number"):
        ST.record_kpis({"bad": [1, 2]}, tmp_path)
    with pytest.raises(ParameterError, match="finite"):
        ST.record_kpis({"bad": float("inf")}, tmp_path)
    assert ST.read_kpis(tmp_path / "nowhere") == {}


def test_resolve_notebook_errors(tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        R.resolve_notebook(tmp_path / "missing.ipynb")
    with pytest.raises(ReportError, match="no packaged notebook named 'missing'"):
        R.resolve_notebook("missing")


def test_render_html_needs_an_executed_notebook(tmp_path):
    with pytest.raises(ReportError, match="does not exist; run it first"):
        R.render_html(tmp_path / "none.ipynb", out=tmp_path / "x.html")


def test_missing_chromium_says_how_to_install(monkeypatch):
    monkeypatch.delenv(R.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(R, "CHROMIUM_PATHS", ())
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ReportError, match="apt-get install chromium"):
        R.find_chromium()
    monkeypatch.setenv(R.CHROMIUM_ENV, "/no/such/browser")
    with pytest.raises(ReportError, match="REPORTKIT_CHROMIUM"):
        R.find_chromium()


@pytest.mark.slow
@pytest.mark.browser
def test_print_pdf_is_a4(rendered_report, tmp_path):
    R.find_chromium()  # fails with the install hint when Chromium is missing
    html, _ = rendered_report
    pdf = R.print_pdf(html, tmp_path / "report.pdf")
    assert pdf == (tmp_path / "report.pdf").resolve()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    # the print CSS asks for A4: 595 x 842 points (210 x 297 mm)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1
                         for w, h in boxes)
    # a page for the title and contents, then one per top-level section (Clients, Churn)
    assert len(boxes) >= 3


def test_parallel_workers_cap_the_kernels_thread_pools(monkeypatch):
    # 2 cores, 2 jobs -> each worker (and the kernel it starts) gets 1 thread per pool; a value
    # the user set is kept
    for name in R.THREAD_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    R._limit_threads(1)
    assert os.environ["OMP_NUM_THREADS"] == "1"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert os.environ["MKL_NUM_THREADS"] == "3"
