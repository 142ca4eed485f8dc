"""Out-of-core groundwork for #18: the client × month aggregation in three engines.

Usage::

    python benchmarks/bench_engines.py                     # 1M and 10M rows
    python benchmarks/bench_engines.py --rows 1000000 10000000 30000000
    python benchmarks/bench_engines.py --rows 30000000 --clients 30000   # fewer client-months
    python benchmarks/bench_engines.py --rows 30000000 --duckdb-limit 1GB --engines duckdb

For each size a transactions table (seeded, numpy; about one client per ten rows; columns
client_id (text), date (datetime), amount (about 2 % returns as negative amounts), order_id
(text)) is written as a Parquet folder of several files under ``benchmarks/_data/engines/``
(git-ignored, reused). The same aggregation then runs three ways, each in its own subprocess
so that the peak resident memory (VmHWM, imports included) is that engine's alone:

polars in memory   ``pl.read_parquet(folder)`` then ``group_by``
polars streaming   ``pl.scan_parquet(folder).group_by(...).collect(engine="streaming")``
duckdb             SQL over ``read_parquet('folder/*.parquet')`` with ``memory_limit='4GB'``
                   (``--duckdb-limit``) and a ``temp_directory`` for spill

Per client_id and month (the date truncated to the month): revenue = net sum(amount) (summed
exactly in cents), orders = count(distinct order_id) over rows with amount > 0, returns = sum
of the negative amounts, first and last sale day (min/max date of rows with amount > 0, null
in a month with returns only). This mirrors reportkit.core.aggregate._aggregate except: rows
with an empty or missing order_id (which count one order per day there), margin, NaN/infinite
amount checks, time zones, order ids told apart by hash there (the real strings here), the
span query and the client codes; ``returns`` is not a panel column (added for this comparison).

The three results are sorted and compared (money to the cent). Prints one table: rows,
clients, engine, seconds (wall clock of read + aggregate + fetch in the child), peak GB
(VmHWM of the child), identical (to polars in memory).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).resolve().parent / "_data" / "engines"
FILES = 8
ENGINES = ("polars in memory", "polars streaming", "duckdb")


# --- data -----------------------------------------------------------------------------------


def make_data(rows: int, clients: int, seed: int = 18) -> Path:
    """The Parquet folder of ``rows`` transactions (generated once, then reused)."""
    folder = DATA / (f"txn_{rows}" if clients == rows // 10 else f"txn_{rows}_c{clients}")
    if (folder / "_done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_orders = max(rows // 2, 1)  # about two lines per order
    start = np.datetime64("2022-01-01T00:00:00", "us").astype(np.int64)
    span = 3 * 365 * 86_400 * 1_000_000  # three years
    o_client = rng.integers(0, clients, n_orders)
    o_time = start + rng.integers(0, span, n_orders)
    line_order = np.sort(rng.integers(0, n_orders, rows))  # lines of one order are adjacent
    amount = np.round(rng.lognormal(3.5, 1.0, rows), 2)
    amount[rng.random(rows) < 0.02] *= -1  # returns
    per = -(-rows // FILES)
    for k in range(FILES):
        sl = slice(k * per, min((k + 1) * per, rows))
        idx = line_order[sl]
        pl.DataFrame(
            {
                "client_id": o_client[idx],
                "date": o_time[idx],
                "amount": amount[sl],
                "order_id": idx,
            }
        ).select(
            ("C" + pl.col("client_id").cast(pl.String).str.zfill(8)).alias("client_id"),
            pl.col("date").cast(pl.Datetime("us")),
            pl.col("amount"),
            ("O" + pl.col("order_id").cast(pl.String)).alias("order_id"),
        ).write_parquet(folder / f"part-{k:03d}.parquet")
    (folder / "_done").write_text("")
    return folder


# --- the three engines ----------------------------------------------------------------------


def _polars_query(lf: pl.LazyFrame) -> pl.LazyFrame:
    pos = pl.col("amount") > 0
    cents = (pl.col("amount") * 100).round().cast(pl.Int64)
    return lf.group_by("client_id", pl.col("date").dt.truncate("1mo").dt.date().alias("month")).agg(
        (cents.sum() / 100).alias("revenue"),
        pl.col("order_id").filter(pos).n_unique().cast(pl.Int64).alias("orders"),
        (cents.filter(pl.col("amount") < 0).sum() / 100).alias("returns"),
        pl.col("date").filter(pos).min().dt.date().alias("first_day"),
        pl.col("date").filter(pos).max().dt.date().alias("last_day"),
    )


_SQL = """
SELECT client_id,
       CAST(date_trunc('month', date) AS DATE) AS month,
       SUM(CAST(round(amount * 100) AS BIGINT)) / 100.0 AS revenue,
       COUNT(DISTINCT order_id) FILTER (WHERE amount > 0) AS orders,
       COALESCE(SUM(CAST(round(amount * 100) AS BIGINT)) FILTER (WHERE amount < 0), 0) / 100.0
           AS returns,
       CAST(MIN(date) FILTER (WHERE amount > 0) AS DATE) AS first_day,
       CAST(MAX(date) FILTER (WHERE amount > 0) AS DATE) AS last_day
FROM read_parquet('{glob}')
GROUP BY ALL
"""


def run_engine(engine: str, folder: Path, out: Path, limit: str) -> dict:
    """Run one engine (in this process), write its result to ``out``; time and peak memory."""
    t0 = time.perf_counter()
    if engine == "polars in memory":
        got = _polars_query(pl.read_parquet(folder / "*.parquet").lazy()).collect()
    elif engine == "polars streaming":
        got = _polars_query(pl.scan_parquet(folder / "*.parquet")).collect(engine="streaming")
    elif engine == "duckdb":
        import duckdb

        spill = tempfile.mkdtemp(prefix="spill_", dir=DATA)
        con = duckdb.connect()
        con.execute(f"SET memory_limit='{limit}'")
        con.execute(f"SET temp_directory='{spill}'")
        con.execute("SET preserve_insertion_order=false")
        con.execute("SET enable_progress_bar=false")
        got = pl.from_arrow(con.sql(_SQL.format(glob=folder / "*.parquet")).to_arrow_table())
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    else:
        raise ValueError(engine)
    seconds = time.perf_counter() - t0
    got.write_parquet(out)
    hwm = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM")
    )
    return {"seconds": seconds, "peak_gb": hwm / 1024**2, "rows": got.height}


# --- comparison and table -------------------------------------------------------------------


def _canonical(path: Path) -> pl.DataFrame:
    df = pl.read_parquet(path)
    return df.select(
        pl.col("client_id").cast(pl.String),
        pl.col("month").cast(pl.Date),
        (pl.col("revenue") * 100).round().cast(pl.Int64),
        pl.col("orders").cast(pl.Int64),
        (pl.col("returns").fill_null(0) * 100).round().cast(pl.Int64),
        pl.col("first_day").cast(pl.Date),
        pl.col("last_day").cast(pl.Date),
    ).sort("client_id", "month")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--clients", type=int, help="clients (default: rows / 10)")
    ap.add_argument("--duckdb-limit", default="4GB", help="DuckDB memory_limit")
    ap.add_argument("--engines", nargs="+", default=list(ENGINES))
    ap.add_argument(
        "--child", nargs=4, metavar=("ENGINE", "FOLDER", "OUT", "LIMIT"), help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.child:
        engine, folder, out, limit = args.child
        print(json.dumps(run_engine(engine, Path(folder), Path(out), limit)))
        return
    table = []
    for rows in args.rows:
        clients = args.clients or max(rows // 10, 1)
        folder = make_data(rows, clients)
        reference = None
        for engine in args.engines:
            out = DATA / f"result_{rows}_{clients}_{engine.replace(' ', '_')}.parquet"
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    engine,
                    str(folder),
                    str(out),
                    args.duckdb_limit,
                ],
                check=False,
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                print(proc.stderr, file=sys.stderr)
                table.append((rows, clients, engine, float("nan"), float("nan"), "failed"))
                continue
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            got = _canonical(out)
            if reference is None:
                reference = got
            same = "yes" if got.equals(reference) else "no"
            table.append((rows, clients, engine, res["seconds"], res["peak_gb"], same))
            print(
                f"{rows:>11,} {engine:<17} {res['seconds']:7.2f} s {res['peak_gb']:6.2f} GB "
                f"{res['rows']:,} client-months {same}",
                flush=True,
            )
    print()
    print(
        f"| {'rows':>11} | {'clients':>9} | {'engine':<17} | {'seconds':>7} | "
        f"{'peak GB':>7} | identical |"
    )
    print(f"|{'-' * 12}:|{'-' * 10}:|{'-' * 19}|{'-' * 8}:|{'-' * 8}:|-----------|")
    for rows, clients, engine, sec, gb, same in table:
        print(
            f"| {rows:>11,} | {clients:>9,} | {engine:<17} | {sec:7.2f} | {gb:7.2f} | {same:<9} |"
        )


if __name__ == "__main__":
    main()
