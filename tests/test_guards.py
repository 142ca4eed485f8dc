"""Guards: data no audit can be drawn from is refused (exit 2, a sentence naming the file, what
is wrong and the fix); thin data give a report that first says what it cannot conclude;
months after the data are not built; a snapshot before the data is an error naming its range;
counts agree with their nouns; no developer hint reaches a client's report."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import reportkit as rk
import reportkit.report.pipeline as P
from reportkit.cli import main
from reportkit.io.sample import make_base, write_base
from reportkit.report.store import read_kpis


def _sales(folder: Path, rows: list[tuple[str, str, float]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "client_id,date,amount\n" + "".join(f"{c},{d},{a}\n" for c, d, a in rows)
    (folder / "sales.csv").write_text(text, encoding="utf-8")
    return folder


def _monthly_rows(n_clients: int, months: int, *, start: str = "2024-01",
                  amount=lambda i, m: 100.0 * (i + 1)) -> list[tuple[str, str, float]]:
    """Client i buys on day 1 + i % 27 of each of ``months`` months from ``start``."""
    first = pd.Period(start, freq="M")
    return [(f"K{i:03d}", (first + m).start_time.replace(day=1 + i % 27).strftime("%Y-%m-%d"),
             amount(i, m)) for m in range(months) for i in range(n_clients)]


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _nothing_written(out: Path) -> bool:
    return not out.exists() or sorted(p.name for p in out.iterdir()) == []


# --- data no audit can be drawn from: exit 2 before any notebook runs ------------------------

def test_fifteen_clients_is_an_input_error(tmp_path, capsys):
    data = _sales(tmp_path / "data", _monthly_rows(15, 12))
    out = tmp_path / "out"
    code, err = _run(capsys, "audit", str(data), "--out", str(out))
    assert code == 2
    # (the report date: the end of the last full month, 2024-11-30)
    assert "sales.csv: only 15 clients bought up to 2024-11-30 (2024-01-01 – 2024-11-15)" in err
    assert "needs at least 20" in err and "Export the whole client base" in err
    assert _nothing_written(out)
    # the Python API refuses the same data with the same sentence
    with pytest.raises(rk.InputError, match="only 15 clients bought"):
        P.Audit.build(data, churn=False)


def test_all_amounts_zero_is_an_input_error(tmp_path, capsys):
    data = _sales(tmp_path / "data", _monthly_rows(30, 6, amount=lambda i, m: 0.0))
    out = tmp_path / "out"
    code, err = _run(capsys, "audit", str(data), "--out", str(out))
    assert code == 2
    assert "sales.csv: every amount is 0 (150 rows up to 2024-05-31)" in err
    assert "[columns.transactions] amount" in err
    assert _nothing_written(out)


def test_one_day_of_data_is_an_input_error(tmp_path, capsys):
    data = _sales(tmp_path / "data", [(f"K{i:03d}", "2024-05-10", 10.0 + i) for i in range(40)])
    out = tmp_path / "out"
    code, err = _run(capsys, "audit", str(data), "--out", str(out))
    assert code == 2
    assert "sales.csv: every sale is dated 2024-05-10" in err
    assert "at least 3 months" in err
    assert _nothing_written(out)


def test_a_report_date_far_after_the_data_still_exits_2(tmp_path, capsys):
    data = _sales(tmp_path / "data", _monthly_rows(25, 6))
    code, err = _run(capsys, "audit", str(data), "--as-of", "2030-01-31", "--out",
                     str(tmp_path / "out"))
    assert code == 2 and "more than a month after the data" in err


# --- thin data: the report says first what it cannot conclude --------------------------------

def test_two_months_of_data_open_the_report_with_what_cannot_be_concluded(tmp_path):
    data = _sales(tmp_path / "data", _monthly_rows(25, 2, start="2024-05"))
    ds = rk.load(data)
    assert P.check_data(ds, pd.Timestamp("2024-06-30")) == [(
        f"{ds.reports['transactions'].file}: the sales cover only 2024-05-01 – 2024-06-25, "
        "less than 3 months; the report opens with what it cannot conclude (regularity, "
        "lifecycle, dynamics, churn).")]
    # the report as of the end of the last full month (May): one month of history
    en = ("Read this first: the data cover only 1 month (2024-05-01 – 2024-05-31). That is "
          "too short to tell")
    ru = "Прочтите сначала: данные охватывают только 1 месяц (01.05.2024 – 31.05.2024)."
    for lang, words in (("en", en), ("ru", ru)):
        a = P.Audit.build(ds, lang=lang, churn=False)
        page_one = str(a.show("verdict"))   # the report opens with it
        first = re.search(r"</h2><p[^>]*>(.*?)</p>", page_one).group(1)
        assert html.unescape(first).startswith(words), first
        assert "rk-limits" in page_one
        assert str(a.show("period")).count("rk-limits") == 1
    # a year of data: nothing to warn about
    long = rk.load(_sales(tmp_path / "long", _monthly_rows(25, 12)))
    assert P.check_data(long) == []
    assert P.Audit.build(long, churn=False).limits() == []


# --- months after the data -------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_base(tmp_path_factory) -> Path:
    """60 clients over a year ending in March 2025 (the last sale falls in March)."""
    folder = tmp_path_factory.mktemp("small_base")
    write_base(make_base(60, 1, end="2025-03-31", random_state=7), folder)
    return folder


def test_all_requested_months_after_the_data_exit_2_with_the_range(small_base, tmp_path,
                                                                   capsys):
    last = rk.load(small_base).transactions["date"].max()
    out = tmp_path / "out"
    code, err = _run(capsys, "monthly", str(small_base), "--from", "2025-06", "--to", "2025-08",
                     "--out", str(out))
    assert code == 2
    assert "every requested month (2025-06 – 2025-08) lies outside the data" in err
    assert f"– {last:%Y-%m-%d}" in err and "Choose months from 2024-04 to 2025-03" in err
    assert not list(out.glob("monthly_*")) and not (out / "index.html").exists()


@pytest.mark.slow
def test_months_after_the_data_are_skipped_with_a_message(small_base, tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _run(capsys, "monthly", str(small_base), "--from", "2025-03", "--to", "2025-05",
                     "--jobs", "2", "--out", str(out))
    assert code == 0, err
    assert re.search(r"reportkit monthly: 2025-04, 2025-05: are after the data \(2024-04-\d\d – "
                     r"2025-03-\d\d\), not built", err)
    assert sorted(p.name for p in out.glob("monthly_*.html")) == ["monthly_2025-03.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "monthly_2025-03.html" in index and "2025-04" not in index
    kpis = read_kpis(out / "monthly_2025-03")
    assert kpis["revenue_period"] > 0
    # no pickled inputs, no staging area left in the folder handed over
    assert not (out / ".cache").exists() and not list(out.glob(".staging-*"))
    # the same in Python: the skipped months are in the result
    res = rk.report.monthly(small_base, start="2025-03", end="2025-05", out=out,
                            progress=False)
    assert res.outside_data == ["2025-04", "2025-05"] and res.skipped == ["2025-03"]
    assert any("after the data" in n for n in res.notes) and not res.failed


# --- snapshot before the data ------------------------------------------------------------------

def test_snapshot_before_the_data_raises_naming_the_range():
    tx = pd.DataFrame({"client_id": ["a", "b"], "amount": [10.0, 20.0],
                       "date": pd.to_datetime(["2024-01-15", "2024-02-15"])})
    panel = rk.build_panel(tx)
    with pytest.raises(rk.InputError) as info:
        rk.snapshot(panel, as_of="2023-12-31")
    message = str(info.value)
    assert "as_of 2023-12-31 is before the data (2024-01-15 – 2024-02-15)" in message
    assert "Choose a date from 2024-01-15 on" in message
    with pytest.raises(rk.InputError, match="before the data"):
        rk.core.snapshot.snapshots(panel, ["2024-01-31", "2023-06-30"])
    assert len(rk.snapshot(panel, as_of="2023-12-31", empty_ok=True)) == 0
    assert len(rk.snapshot(panel, as_of="2024-01-15")) == 1            # the first day is in


# --- words: counts agree with their nouns; plain sentences only --------------------------------

def test_counts_agree_with_their_nouns():
    from reportkit.report.words.audit import count as c
    assert [c(n, "client", "en") for n in (1, 2, 21)] == ["1 client", "2 clients", "21 clients"]
    assert [c(n, "client", "ru") for n in (1, 3, 5, 11, 21, 22, 112)] == [
        "1 клиент", "3 клиента", "5 клиентов", "11 клиентов", "21 клиент", "22 клиента",
        "112 клиентов"]


@pytest.fixture(scope="module")
def one_big_client(tmp_path_factory):
    """25 clients over 8 months; one of them brings almost all the revenue."""
    folder = tmp_path_factory.mktemp("big_one")
    rows = _monthly_rows(25, 8, amount=lambda i, m: 100_000.0 if i == 0 else 50.0 + i)
    (folder / "clients.csv").write_text("client_id,name,phone\n" + "".join(
        f"K{i:03d},Company {i} LLC,+7 900 000-00-{i:02d}\n" for i in range(25)),
        encoding="utf-8")
    return _sales(folder, rows)


def test_one_class_a_client_is_one_client(one_big_client):
    en = P.Audit.build(one_big_client, lang="en", churn=False)
    text = " ".join(en.findings())
    assert re.search(r"of revenue over the last 12 months comes from class A: 1 client, ", text)
    assert not re.search(r"\b1 clients\b", text)
    ru = " ".join(P.Audit.build(one_big_client, lang="ru", churn=False).findings())
    assert "приносит класс A: 1 клиент — " in ru and "1 клиентов" not in ru


def test_no_developer_hint_reaches_the_report(one_big_client, monkeypatch):
    """An analysis that fails with a developer's message, and a churn model without enough
    clients: the report says it in plain words; the details go to a warning (stderr)."""
    import reportkit.analysis.quality as Q

    def broken(*args, **kwargs):
        raise rk.InputError("the panel has no rows up to 2024-01-31; check `as_of` and the data "
                            "(reportkit.build_panel).")

    monkeypatch.setattr(Q, "find_duplicates", broken)
    for lang, plain, why in (
            ("en", "Duplicate clients could not be computed from these data.",
             "No churn model: too few active clients to train a model on."),
            ("ru", "Дубли клиентов: по этим данным рассчитать не удалось.",
             "Модель оттока не построена: слишком мало активных клиентов, чтобы обучить модель.")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            a = P.Audit.build(one_big_client, lang=lang)
        assert any("check `as_of`" in str(w.message) for w in caught)
        page = "".join(str(a.show(s)) for s in P.SECTIONS_AUDIT)
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", page)))
        assert plain in text and why in text
        for hint in ("`", "reportkit.", "as_of", "build_panel", "cut-off", "Error"):
            assert hint not in text, hint
