"""Time the client-month panel and the snapshot against hand-written alternatives.

Usage::

    python benchmarks/bench_panel.py                              # 10M transactions, 1M clients
    python benchmarks/bench_panel.py --rows 200000 --clients 20000 --repeat 1   # a quick run

Every stage starts from the same Parquet file of canonical transactions (generated, seeded,
cached in ``benchmarks/_data/``, git-ignored) and runs in its own subprocess, so that the peak
resident memory (VmHWM, imports included) is that of the stage alone; the time is the best of
``--repeat`` runs inside that subprocess. Prints a table: stage, size, seconds (wall clock),
ratio (to the polars reference), CPU seconds (all threads; steadier than the wall clock on a
shared machine) and their ratio, peak RSS, output rows; then the targets of the panel issue.

Stages
------
polars reference      hand-written polars lazy aggregation, Parquet -> client × month, the
                      panel's columns: net revenue, distinct order_id among purchases
                      (amount > 0), margin, first and last purchase date
polars, 4 columns     a lighter one (the reference of earlier runs): revenue, distinct
                      order_id and first/last date over all rows, no margin
duckdb                the reference's aggregation in DuckDB SQL, fetched as Arrow
pandas by hand        read the Parquet with pandas, the same aggregation by groupby
lifetimes summary     read with pandas + lifetimes.utils.summary_data_from_transaction_data
reportkit panel+snap  reportkit.build_panel(path) + reportkit.core.snapshot(panel, as_of)
reportkit +segments   the same + reportkit.analysis.segmentation.segment_all(snapshot) when it exists
12 snapshots          12 month-end snapshots from one built panel (panel build not timed)
mid-month snapshot    one mid-month snapshot from a built panel (aggregates that month once)
panel+snap from pandas  build_panel + snapshot from a pandas frame with object-dtype ids, as
                      reportkit.io.load returns it (reading the Parquet file not timed)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "_data"
START, END = "2022-01-01", "2024-12-31"
AS_OF = "2024-12-31"
MID_MONTH = "2024-11-15"


# --- data -----------------------------------------------------------------------------------


def make_transactions(rows: int, clients: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic canonical transactions over 2022-2024, sorted by date (seeded).

    Columns: ``client_id`` ("C0000042"; every client has at least one order), ``date``
    (datetime64[ns] with a time of day), ``amount`` (float64, lognormal line amounts; about 2 %
    of lines are returns: negative, dated 1-30 days after their order), ``order_id`` ("O123";
    1-n lines per order, geometric with mean 2.5), ``margin`` (float64, 10-40 % of the amount).
    Clients start over the three years (more of them early), stay for an exponential time and
    buy with lognormal intensities, so the base has one-off buyers and regular ones.
    """
    rng = np.random.default_rng(seed)
    t0 = np.datetime64(START, "s").astype(np.int64)
    t1 = (np.datetime64(END, "s") + 86399).astype(np.int64)
    span = t1 - t0
    c_start = t0 + (rng.random(clients) ** 1.5 * span).astype(np.int64)
    c_end = np.minimum(t1, c_start + rng.exponential(span * 0.8, clients).astype(np.int64))
    weight = rng.lognormal(0.0, 1.0, clients)
    lines_per_order = 2.5
    n_orders = int(rows / lines_per_order * 1.1) + clients + 10
    # every client has its first order; the other orders go to clients by weight
    oc = np.concatenate([np.arange(clients),
                         rng.choice(clients, n_orders - clients, p=weight / weight.sum())])
    first = np.arange(n_orders) < clients
    ot = np.where(first, c_start[oc], c_start[oc] + (rng.random(n_orders)
                                                      * (c_end[oc] - c_start[oc])).astype(np.int64))
    n_lines = rng.geometric(1 / lines_per_order, n_orders)
    cum = np.cumsum(n_lines)
    k = int(np.searchsorted(cum, rows))
    n_lines = n_lines[:k + 1].copy()
    n_lines[-1] -= cum[k] - rows
    oc, ot = oc[:k + 1], ot[:k + 1]
    line_order = np.repeat(np.arange(len(oc)), n_lines)
    amount = np.round(rng.lognormal(3.5, 1.0, rows), 2)
    returned = rng.random(rows) < 0.02
    amount[returned] *= -1
    t = np.minimum(ot[line_order] + np.where(returned, rng.integers(1, 30 * 86400, rows), 0), t1)
    margin = np.round(amount * rng.uniform(0.1, 0.4, rows), 2)
    order = np.argsort(t, kind="stable")
    client_txt = np.char.add("C", np.char.zfill(oc[line_order].astype(str), 7))
    order_txt = np.char.add("O", line_order.astype(str))
    return pd.DataFrame({
        "client_id": pd.array(client_txt[order], dtype="str"),
        "date": (t[order] * 1_000_000_000).astype("datetime64[ns]"),
        "amount": amount[order],
        "order_id": pd.array(order_txt[order], dtype="str"),
        "margin": margin[order],
    })


def data_path(rows: int, clients: int, seed: int) -> Path:
    path = DATA / f"panel_transactions_{rows}_{clients}_{seed}.parquet"
    if not path.is_file():
        DATA.mkdir(parents=True, exist_ok=True)
        make_transactions(rows, clients, seed).to_parquet(path, row_group_size=1_000_000)
    return path


# --- stages (each returns the number of output rows) ----------------------------------------


def polars_reference(path: str) -> int:
    """The panel's aggregation by hand: net revenue, orders (distinct order_id among the
    purchases, amount > 0), margin, first and last purchase date per client and month."""
    import polars as pl

    date, purchase = pl.col("date"), pl.col("amount") > 0
    order = pl.when(purchase).then(pl.col("order_id"))
    bought = pl.when(purchase).then(date)
    out = (pl.scan_parquet(path)
           .group_by("client_id", date.dt.truncate("1mo").alias("month"))
           .agg(pl.col("amount").sum().alias("revenue"),
                (order.n_unique() - order.null_count().gt(0).cast(pl.UInt32)).alias("orders"),
                pl.col("margin").sum().alias("margin"),
                bought.min().alias("first"), bought.max().alias("last"))
           .collect())
    return len(out)


def polars_four_columns(path: str) -> int:
    """A lighter aggregation (the reference of earlier runs): every row counts for the orders
    and the dates, no margin."""
    import polars as pl

    date = pl.col("date")
    out = (pl.scan_parquet(path)
           .group_by("client_id", date.dt.truncate("1mo").alias("month"))
           .agg(pl.col("amount").sum().alias("revenue"),
                pl.col("order_id").n_unique().alias("orders"),
                date.min().alias("first"), date.max().alias("last"))
           .collect())
    return len(out)


def duckdb_sql(path: str) -> int:
    import duckdb

    con = duckdb.connect()
    out = con.sql(f"""
        SELECT client_id, date_trunc('month', date) AS month, sum(amount) AS revenue,
               count(DISTINCT order_id) FILTER (WHERE amount > 0) AS orders,
               sum(margin) AS margin, min(date) FILTER (WHERE amount > 0) AS first,
               max(date) FILTER (WHERE amount > 0) AS last
        FROM read_parquet('{path}') GROUP BY ALL""").arrow()
    if hasattr(out, "read_all"):           # DuckDB >= 1.4 returns a RecordBatchReader
        out = out.read_all()
    return out.num_rows


def pandas_by_hand(path: str) -> int:
    tx = pd.read_parquet(path, columns=["client_id", "date", "amount", "order_id", "margin"])
    bought = tx["amount"] > 0
    tx["order"] = tx["order_id"].where(bought)
    tx["bought"] = tx["date"].where(bought)
    month = tx["date"].dt.to_period("M").rename("month")
    out = tx.groupby(["client_id", month]).agg(
        revenue=("amount", "sum"), orders=("order", "nunique"), margin=("margin", "sum"),
        first=("bought", "min"), last=("bought", "max"))
    return len(out)


def lifetimes_summary(path: str) -> int:
    from lifetimes.utils import summary_data_from_transaction_data

    tx = pd.read_parquet(path, columns=["client_id", "date", "amount"])
    out = summary_data_from_transaction_data(tx, "client_id", "date", monetary_value_col="amount",
                                             observation_period_end=AS_OF)
    return len(out)


def reportkit_panel_snapshot(path: str) -> int:
    from reportkit.core.panel import build_panel
    from reportkit.core.snapshot import snapshot

    return len(snapshot(build_panel(path), as_of=AS_OF))


def _segment_all():
    import reportkit.analysis.segmentation as seg

    return seg.segment_all if hasattr(seg, "segment_all") else None


def reportkit_with_segments(path: str) -> int:
    from reportkit.core.panel import build_panel
    from reportkit.core.snapshot import snapshot

    snap = snapshot(build_panel(path), as_of=AS_OF)
    segment_all = _segment_all()
    if segment_all is not None:
        segment_all(snap).to_frame()
    return len(snap)


_PANELS: dict = {}


def _built(path: str):
    from reportkit.core.panel import build_panel

    if path not in _PANELS:
        _PANELS[path] = build_panel(path)
    return _PANELS[path]


def twelve_snapshots(path: str) -> int:
    from reportkit.core.snapshot import snapshots

    panel = _built(path)
    ends = pd.date_range(end=AS_OF, periods=12, freq="ME")
    return sum(len(s) for s in snapshots(panel, list(ends)).values())


def _pandas_frame(path: str) -> pd.DataFrame:
    """The transactions as reportkit.io.load returns them: pandas, ids as object strings."""
    if path not in _PANELS:
        tx = pd.read_parquet(path)
        for col in ("client_id", "order_id"):
            tx[col] = tx[col].astype(object)
        _PANELS[path] = tx
    return _PANELS[path]


def panel_from_pandas(path: str) -> int:
    from reportkit.core.panel import build_panel
    from reportkit.core.snapshot import snapshot

    return len(snapshot(build_panel(_pandas_frame(path)), as_of=AS_OF))


def mid_month_snapshot(path: str) -> int:
    from reportkit.core.snapshot import snapshot

    panel = _built(path)
    panel._partials.clear()            # time the aggregation of the partial month every run
    return len(snapshot(panel, as_of=MID_MONTH))


STAGES = {
    "polars reference": polars_reference,
    "polars, 4 columns": polars_four_columns,
    "duckdb": duckdb_sql,
    "pandas by hand": pandas_by_hand,
    "lifetimes summary": lifetimes_summary,
    "reportkit panel+snap": reportkit_panel_snapshot,
    "reportkit +segments": reportkit_with_segments,
    "12 snapshots": twelve_snapshots,
    "mid-month snapshot": mid_month_snapshot,
    "panel+snap from pandas": panel_from_pandas,
}
_PREPARE = {"12 snapshots": _built, "mid-month snapshot": _built,
            "panel+snap from pandas": _pandas_frame}


def run_stage(name: str, path: str, repeat: int) -> dict:
    """Run one stage ``repeat`` times in this process; best time, peak RSS, output rows."""
    fn = STAGES[name]
    if name in _PREPARE:
        _PREPARE[name](path)
    best, cpu, rows = float("inf"), float("inf"), 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        rows = fn(path)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return {"seconds": best, "cpu": cpu, "rss_mb": peak_rss_mb(), "rows": rows}


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    VmHWM from /proc (Linux) belongs to this program only; ``ru_maxrss`` would also carry
    the peak of the parent that forked it (it survives exec), e.g. the data generation.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip", nargs="*", default=[], help="stage names to skip")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage:                         # inside a subprocess
        print(json.dumps(run_stage(args.stage, args.path, args.repeat)))
        return

    t0 = time.perf_counter()
    path = data_path(args.rows, args.clients, args.seed)
    print(f"data: {path.name} ({path.stat().st_size / 2**20:,.0f} MB, "
          f"{time.perf_counter() - t0:.1f} s to get)")
    if _segment_all() is None:
        print("reportkit.analysis.segmentation.segment_all not found: '+segments' times panel+snapshot only")
    size = f"{args.rows:,} tx / {args.clients:,} clients"
    results: dict[str, dict] = {}
    for name in STAGES:
        if name in args.skip:
            continue
        proc = subprocess.run([sys.executable, __file__, "--stage", name, "--path", str(path),
                               "--repeat", str(args.repeat)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-2000:]}")
            continue
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])

    ref = results.get("polars reference", {}).get("seconds")
    ref_cpu = results.get("polars reference", {}).get("cpu")
    print(f"\n{'stage':<24} {'size':<32} {'seconds':>8} {'ratio':>6} {'cpu s':>7} "
          f"{'cpu ratio':>9} {'peak RSS MB':>12} {'rows out':>11}")
    for name, r in results.items():
        ratio = f"{r['seconds'] / ref:6.2f}" if ref else "     -"
        cpu_ratio = f"{r['cpu'] / ref_cpu:9.2f}" if ref_cpu else "        -"
        print(f"{name:<24} {size:<32} {r['seconds']:8.2f} {ratio} {r['cpu']:7.2f} {cpu_ratio} "
              f"{r['rss_mb']:12,.0f} {r['rows']:11,}")

    rk = results.get("reportkit panel+snap", {}).get("seconds")
    print()
    if rk and ref:
        rk_cpu = results["reportkit panel+snap"]["cpu"]
        print(f"panel+snapshot / polars reference = {rk / ref:.2f} wall-clock, "
              f"{rk_cpu / ref_cpu:.2f} CPU time  (target <= 2)")
        light = results.get("polars, 4 columns", {}).get("seconds")
        if light:
            print(f"panel+snapshot / polars, 4 columns = {rk / light:.2f} wall-clock")
    if rk and "lifetimes summary" in results:
        print(f"lifetimes / panel+snapshot        = "
              f"{results['lifetimes summary']['seconds'] / rk:.2f}  (target >= 3)")
    if "reportkit +segments" in results:
        full = results["reportkit +segments"]
        print(f"panel+snapshot+segments            = {full['seconds']:.2f} s, peak RSS "
              f"{full['rss_mb'] / 1024:.2f} GB  (target < 20 s, < 6 GB)")


if __name__ == "__main__":
    main()
