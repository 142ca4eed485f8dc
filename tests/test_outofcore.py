"""Transactions read out of core (#18): DuckDB scans Parquet or CSV parts, counts every line and
aggregates the panel; the result is that of the in-memory loader and panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.errors import InputError
from reportkit.io.reasons import BAD_AMOUNT, BAD_DATE, DUPLICATE_ROW, EARLY_DATE, MISSING_ID

MEMORY = {"load": {"engine": "memory", "reject_future": False}}
DUCKDB = {"load": {"engine": "duckdb", "reject_future": False}}


def messy_lines(seed: int = 7, n: int = 3000) -> pd.DataFrame:
    """Sales lines as an export has them (text): several orders a day, returns, lines repeated
    exactly, dd.mm.yyyy and ISO dates, decimal commas, and a few lines that must be rejected."""
    rng = np.random.default_rng(seed)
    client = rng.integers(0, 150, n)
    day = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    minute = pd.to_timedelta(rng.integers(0, 24 * 60, n), unit="min")
    amount = np.round(rng.lognormal(7, 1, n), 2)
    amount[rng.random(n) < 0.05] *= -1
    order = rng.integers(0, 1200, n)
    when = day + minute
    iso = rng.random(n) < 0.5
    dates = np.where(
        iso, when.strftime("%Y-%m-%d %H:%M:%S"), when.strftime("%d.%m.%Y %H:%M:%S")
    ).astype(object)
    comma = rng.random(n) < 0.5
    text_amount = np.where(
        comma,
        [f"{a:.2f}".replace(".", ",") for a in amount],
        [f"{a:.2f}" for a in amount],
    ).astype(object)
    frame = pd.DataFrame(
        {
            "Client": [f"K{c:05d}" for c in client],
            "Date": dates,
            "Amount": text_amount,
            "Order": [f"N-{o}" for o in order],
        }
    )
    frame.loc[rng.random(n) < 0.08, "Order"] = ""  # no order number: one order per day
    frame.loc[[3, 40], "Client"] = ""
    frame.loc[[5, 41, 42], "Date"] = ["31.02.2024", "n/a", ""]
    frame.loc[[7], "Amount"] = ["abc"]
    frame.loc[[9], "Date"] = ["01.01.1900"]
    repeats = frame.iloc[[100, 101, 102, 100]]  # four exact repeats of three lines
    return pd.concat([frame, repeats], ignore_index=True)


def write_parts(frame: pd.DataFrame, folder, kind: str, parts: int = 3) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(parts):
        part = frame.iloc[k::parts]
        if kind == "csv":
            part.to_csv(folder / f"part-{k}.csv", index=False, encoding="utf-8")
        else:
            part.to_parquet(folder / f"part-{k}.parquet", index=False)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_scan_counts_and_panel_equal_in_memory(tmp_path, kind):
    lines = messy_lines()
    write_parts(lines, tmp_path / "sales", kind)
    mem = rk.load(tmp_path, MEMORY)
    ooc = rk.load(tmp_path, DUCKDB)
    assert mem.transactions is not None and ooc.transactions is None and ooc.scan is not None
    rm, ro = mem.reports["transactions"], ooc.reports["transactions"]
    # worked out from messy_lines: 2 without a client, 3 dates that are no dates, 1 amount
    # that is no number, 1 date before 1980, 4 exact repeats (the lines carry order numbers)
    expected = {MISSING_ID: 2, BAD_DATE: 3, BAD_AMOUNT: 1, EARLY_DATE: 1, DUPLICATE_ROW: 4}
    assert ro.rejected_by_reason == rm.rejected_by_reason == expected
    assert ro.rows_read == rm.rows_read == 3004
    assert ro.rows_kept == rm.rows_kept == 3004 - 11
    assert ro.returns_count == rm.returns_count
    assert ro.returns_amount == pytest.approx(rm.returns_amount, abs=1e-6)
    assert ro.total_amount == pytest.approx(rm.total_amount, abs=1e-6)
    assert (ro.date_min, ro.date_max, ro.clients) == (rm.date_min, rm.date_max, rm.clients)
    pm, po = rk.build_panel(mem), rk.build_panel(ooc)
    pd.testing.assert_frame_equal(pm.frame, po.frame)
    assert (pm.start, pm.end, pm.n_clients) == (po.start, po.end, po.n_clients)
    # a mid-month cut-off aggregates its partial month from the files again
    pd.testing.assert_frame_equal(
        rk.snapshot(pm, as_of="2023-06-15"), rk.snapshot(po, as_of="2023-06-15")
    )


def test_revenue_by_hand(tmp_path):
    """Six lines worked by hand: a pays 100 + 50.5 in January (two lines of one order) and
    returns 20.25; b buys twice on one day without an order number (one order)."""
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "p1.csv").write_text(
        "client_id;date;amount;order_id\n"
        "a;05.01.2024;100;A1\na;05.01.2024;50,50;A1\na;20.01.2024;-20,25;\n",
        encoding="utf-8",
    )
    (tmp_path / "sales" / "p2.csv").write_text(
        "client_id;date;amount;order_id\nb;2024-02-03 10:00;1 000,00;\nb;2024-02-03 18:00;5;\n"
        ";2024-02-04;7;\n",
        encoding="utf-8",
    )
    ds = rk.load(tmp_path, DUCKDB)
    rep = ds.reports["transactions"]
    assert (rep.rows_read, rep.rows_kept, rep.rejected_by_reason) == (6, 5, {MISSING_ID: 1})
    assert rep.total_amount == pytest.approx(1135.25)
    assert (rep.returns_count, rep.returns_amount) == (1, pytest.approx(-20.25))
    f = rk.build_panel(ds).frame
    assert f["client_id"].tolist() == ["a", "b"]
    assert f["revenue"].tolist() == [130.25, 1005.0]
    assert f["orders"].tolist() == [1, 1]
    assert f["first_order_day"].astype(str).tolist() == ["2024-01-05", "2024-02-03"]


def test_auto_switches_by_size_and_glob(tmp_path):
    lines = messy_lines(n=400)
    write_parts(lines, tmp_path / "lake", "parquet", parts=4)
    small = rk.load(str(tmp_path / "lake" / "*.parquet"), {"load": {"reject_future": False}})
    assert small.transactions is not None  # 404 lines: in memory
    big = rk.load(
        str(tmp_path / "lake" / "*.parquet"),
        {"load": {"out_of_core_rows": 100, "reject_future": False}},
    )
    assert big.transactions is None and len(big.scan.files) == 4
    pd.testing.assert_frame_equal(rk.build_panel(small).frame, rk.build_panel(big).frame)


def test_refusals_name_file_and_fix(tmp_path):
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "p.csv").write_bytes(
        "Клиент;Дата;Сумма\nИванов;01.02.2024;100\n".encode("cp1251") * 20
    )
    with pytest.raises(InputError, match=r"(?s)p\.csv: not UTF-8.*iconv.*--engine memory"):
        rk.load(tmp_path, DUCKDB)
    (tmp_path / "sales" / "p.csv").write_text("who,when\nx,2024-01-01\n", encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"(?s)p\.csv: the transactions need 'client_id', 'date', 'amount'.*\[columns.transactions\]",
    ):
        rk.load(tmp_path, DUCKDB)


def test_malformed_csv_lines_are_counted(tmp_path):
    (tmp_path / "sales").mkdir()
    (tmp_path / "sales" / "p.csv").write_text(
        "client_id,date,amount\na,2024-01-05,10\nb,2024-01-06,20,extra,fields\nc,2024-01-07,30\n",
        encoding="utf-8",
    )
    rep = rk.load(tmp_path, DUCKDB).reports["transactions"]
    assert (rep.rows_read, rep.rows_kept) == (3, 2)
    assert rep.rejected_by_reason == {"malformed line (wrong number of fields)": 1}


def test_memory_engine_refused_for_a_scanned_dataset(tmp_path):
    write_parts(messy_lines(n=200), tmp_path / "sales", "parquet")
    ds = rk.load(tmp_path, DUCKDB)
    with pytest.raises(InputError, match=r"loaded out of core.*engine = \"memory\""):
        rk.build_panel(ds, engine="memory")


def test_audit_of_a_parquet_folder_out_of_core(tmp_path):
    """The sample base with its sales as Parquet parts: the audit read out of core gives the
    key figures of the audit read in memory (every one), and says which sections it leaves out."""
    import json
    import shutil

    sample = rk.sample_path()
    base = tmp_path / "base"
    (base / "sales").mkdir(parents=True)
    for f in sample.iterdir():
        if f.is_file() and f.suffix == ".csv" and not f.name.startswith(("продажи", "plan")):
            shutil.copy(f, base / f.name)
    sales = rk.load(sample).transactions
    for k in range(3):
        sales.iloc[k::3].to_parquet(base / "sales" / f"part-{k}.parquet", index=False)
    kpis = {}
    for engine in ("memory", "duckdb"):
        out = tmp_path / engine
        rk.report.audit(base, out=out, engine=engine, cache=tmp_path / "cache")
        kpis[engine] = json.loads(next(out.glob("audit_*/kpis.json")).read_text())
    assert kpis["duckdb"] == kpis["memory"]
    html = next((tmp_path / "duckdb").glob("audit_*.html")).read_text(encoding="utf-8")
    assert "the sales lines were read out of core" in html
    assert html.count("mismatch") == 0


def test_repeats_compare_every_column(tmp_path):
    """Two lines equal in client, date, amount and order but of different products are two
    lines; a line repeated in every column (in another part) is one, rejected once."""
    (tmp_path / "sales").mkdir()
    head = "client_id,date,amount,order_id,product\n"
    (tmp_path / "sales" / "p1.csv").write_text(
        head + "a,2024-01-05,10,N1,pen\na,2024-01-05,10,N1,ink\nb,2024-01-06,7,N2,pen\n",
        encoding="utf-8",
    )
    (tmp_path / "sales" / "p2.csv").write_text(head + "b,2024-01-06,7,N2,pen\n", encoding="utf-8")
    for cfg in (MEMORY, DUCKDB):
        ds = rk.load(tmp_path, cfg)
        rep = ds.reports["transactions"]
        assert (rep.rows_read, rep.rows_kept, rep.rejected_by_reason) == (4, 3, {DUPLICATE_ROW: 1})
        assert rk.build_panel(ds).frame["revenue"].tolist() == [20.0, 7.0]
