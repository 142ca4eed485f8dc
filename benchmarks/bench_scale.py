"""Benchmark for #18: how reportkit's cost grows from 100k to 100M transactions, stage by stage,
beside a user's usual alternatives on the same files.

Usage::

    python benchmarks/bench_scale.py                          # 100k, 1M and 10M rows
    python benchmarks/bench_scale.py --sizes 100k             # quick
    python benchmarks/bench_scale.py --sizes 100M --reuse-results     # add 100M to a run
    python benchmarks/bench_scale.py --stages panel segments --engines duckdb
    python benchmarks/bench_scale.py --generate-only --sizes 10M 100M # only write the data

Prints one table and writes ``benchmarks/RESULTS.md`` (machine, date, data, the table, the
log-log slopes, notes), ``benchmarks/scale.png`` (time against rows, log-log) and
``benchmarks/_data/scale/results.json`` (every measurement; ``--reuse-results`` merges a run
into it, a new measurement replacing the one of the same size, stage and engine); each
child's stderr goes to ``benchmarks/_data/scale/logs/<size>_<stage>_<engine>.log``.

Data (seeded, made once, cached in ``benchmarks/_data/scale/<size>/``, git-ignored; a folder
without its ``_done.json`` marker is made again): canonical transactions ``client_id``
(``C00001234``), ``date`` (a time of day on 2023-01-01 .. 2025-12-31), ``amount`` (2 decimals,
about 2 % of lines negative = returns), ``order_id`` (``O0000012345``, 2 lines per order on
average), one client per 10 rows. Each client is active over a span of its own (start uniform,
length exponential, mean 540 days) with 1 + a skewed (lognormal-weighted) share of the orders.
Written as ``parquet/part-NNN.parquet`` and ``csv/part-NNN.csv`` (UTF-8, header
``client_id,date,amount,order_id``, ``YYYY-MM-DD HH:MM:SS``), 8 to 64 parts of about 1.5M rows,
each part a range of clients made, written and freed in turn (under 1 GB at any size).

Stages (``--stages``; each measurement in a child process of its own, which runs this script
with a hidden ``--child`` argument and prints its result as JSON). ``E`` is each of
``--engines`` (default ``memory duckdb``); ``AS_OF`` is 2025-12-31:

load            ``rk.load(<csv folder>, config={"load": {"engine": E}})``
panel           ``rk.build_panel(<parquet folder>, engine=E)``
snapshot        panel, then ``rk.snapshot(panel, as_of=AS_OF)``
segments        panel, snapshot, ``rk.segmentation.segment_all(snap)`` (ABC, XYZ, ABC×XYZ, RFM,
                BCG, size tiers)
lifecycle       panel, snapshot, ``rk.lifecycle.classify(snap)``, ``rk.dynamics.dynamics(panel,
                as_of=AS_OF, start="2024-01")`` (24 month ends)
btyd            panel, snapshot, ``rk.btyd.fit_predict(snap, 365)`` (BG/NBD + Gamma-Gamma)
churn           panel, snapshot, ``ChurnModel.from_settings(<default config>).fit(panel,
                as_of=AS_OF)`` (the backtest over the cut-offs), ``score_clients(snap)``
audit           ``reportkit audit <parquet folder> --engine E --out <tmp>`` (the CLI)
pandas-by-hand  ``pd.read_parquet(<folder>)``, ``groupby([client_id, month])``: revenue sum,
                orders nunique, first and last date
duckdb-by-hand  one SQL query over ``read_parquet('<folder>/*.parquet')`` grouped by client
                and month (default DuckDB settings, progress bar off), fetched as pandas
lifetimes       ``pd.read_parquet``, ``lifetimes.utils.summary_data_from_transaction_data``
                (up to 10M rows; larger sizes are shown as ``not run: > 10M``)

``seconds`` is the wall time of the work in the child (imports and interpreter start left out;
the parts are in the note), for ``audit`` the wall time of the whole command. ``peak GB`` is
the child's VmHWM read from ``/proc/self/status`` at its end (imports included); for ``audit``
the largest summed RSS of the command's process tree (the Jupyter kernel included) polled every
0.5 s, or the command's own VmHWM when larger. A child running past ``--time-limit`` (1800 s)
or while the machine's available memory (``MemAvailable``) falls under ``--min-available-gb``
(2 GB), polled every 0.5 s, is killed with its whole tree and shown as ``killed (time)`` /
``killed (memory)``; a stage that raises is shown as ``error: <message>``.

The slope is the least-squares slope of log10(seconds) on log10(rows) over the sizes from 1M
rows up (two sizes at least) per stage and engine: 1.0 means time proportional to the rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from importlib import metadata
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_load import _kill, python_cmd, tree

DATA = HERE / "_data" / "scale"
RESULTS_JSON = DATA / "results.json"
LOGS = DATA / "logs"  # each child's stderr (tracebacks of the errors)
RESULTS_MD = HERE / "RESULTS.md"
PLOT = HERE / "scale.png"

SEED = 18
FIRST_DAY = np.datetime64("2023-01-01", "D")
N_DAYS = int((np.datetime64("2025-12-31", "D") - FIRST_DAY).astype(int)) + 1  # 1096
AS_OF = "2025-12-31"
DYNAMICS_START = "2024-01"  # 24 month ends up to AS_OF
ROWS_PER_PART = 1_500_000
RETURN_SHARE = 0.02
LIFETIMES_MAX_ROWS = 10_000_000

ENGINE_STAGES = ["load", "panel", "snapshot", "segments", "lifecycle", "btyd", "churn", "audit"]
BY_HAND = ["pandas-by-hand", "duckdb-by-hand", "lifetimes"]
STAGES = ENGINE_STAGES + BY_HAND
NO_ENGINE = "-"
RESULT = "@@RESULT "  # the line of the child's output that holds its result
ENGINE_ORDER = ["auto", "memory", "streaming", "duckdb", NO_ENGINE]
_RK = ["reportkit", "reportkit.core.panel", "reportkit.core.snapshot"]
PRELOAD = {
    "load": ["reportkit", "reportkit.io.load"],
    "segments": [*_RK, "reportkit.analysis.segmentation"],
    "lifecycle": [*_RK, "reportkit.analysis.lifecycle", "reportkit.analysis.dynamics"],
    "btyd": [*_RK, "reportkit.analysis.btyd"],
    "churn": [*_RK, "reportkit.analysis.churn"],
    "pandas-by-hand": ["pandas", "pyarrow.parquet"],
    "duckdb-by-hand": ["pandas", "duckdb"],
    "lifetimes": ["pandas", "pyarrow.parquet", "lifetimes.utils"],
}


# --- sizes ------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """``"100k"`` -> 100000, ``"1M"`` -> 1000000, ``"2.5M"``, ``"250000"``."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 10**3, "m": 10**6, "g": 10**9}.get(t[-1:], 1)
    number = t[:-1] if scale > 1 else t
    try:
        rows = round(float(number) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 100k, 1M)") from None
    if rows < 1000:
        raise argparse.ArgumentTypeError(f"size {text!r}: at least 1000 rows")
    return rows


def label(rows: int) -> str:
    """The short name of a size: 100k, 1M, 10M, 100M (else the number)."""
    for unit, scale in (("M", 10**6), ("k", 10**3)):
        if rows % scale == 0:
            return f"{rows // scale}{unit}"
    return str(rows)


# --- data ---------------------------------------------------------------------------------------


def n_parts(rows: int) -> int:
    """Files per format: about 1.5M rows each, 8 at least, 64 at most."""
    return int(min(64, max(8, round(rows / ROWS_PER_PART))))


def _part_frame(rows: int, k: int, parts: int) -> pl.DataFrame:
    """Part ``k`` of ``parts``: the transactions of its range of clients (sorted by date)."""
    clients = rows // 10
    c0, c1 = clients * k // parts, clients * (k + 1) // parts
    r0, r1 = rows * k // parts, rows * (k + 1) // parts
    nc, nr = c1 - c0, r1 - r0
    rng = np.random.default_rng([SEED, rows, k])
    n_orders = max(nr // 2, nc)
    # every client has one order, the others go to clients with skewed weights
    weight = rng.lognormal(0.0, 1.0, nc)
    extra = rng.choice(nc, n_orders - nc, p=weight / weight.sum())
    per_client = 1 + np.bincount(extra, minlength=nc)
    o_client = np.repeat(np.arange(nc), per_client)
    # each client buys over a span of its own
    first = rng.integers(0, N_DAYS, nc)
    last = np.minimum(first + 1 + rng.exponential(540.0, nc).astype(np.int64), N_DAYS)
    span = (last - first)[o_client]
    o_day = first[o_client] + (rng.random(n_orders) * span).astype(np.int64)
    o_usec = (o_day * 86_400 + rng.integers(8 * 3600, 21 * 3600, n_orders)) * 1_000_000
    # 1 line per order plus the remaining lines spread at random: 2 lines per order on average
    lines = 1 + np.bincount(rng.integers(0, n_orders, nr - n_orders), minlength=n_orders)
    line_order = np.repeat(np.arange(n_orders), lines)
    amount = np.maximum(np.round(rng.lognormal(3.5, 1.0, nr), 2), 0.01)
    amount[rng.random(nr) < RETURN_SHARE] *= -1
    start_us = FIRST_DAY.astype("datetime64[us]").astype(np.int64)
    order_base = k * (-(-rows // parts))  # order ids unique across parts
    return (
        pl.DataFrame(
            {
                "client_id": c0 + o_client[line_order],
                "date": start_us + o_usec[line_order],
                "amount": amount,
                "order_id": order_base + line_order,
            }
        )
        .select(
            ("C" + pl.col("client_id").cast(pl.String).str.zfill(8)).alias("client_id"),
            pl.col("date").cast(pl.Datetime("us")),
            pl.col("amount"),
            ("O" + pl.col("order_id").cast(pl.String).str.zfill(10)).alias("order_id"),
        )
        .sort("date")
    )


def make_data(rows: int) -> dict:
    """The data of one size (made the first time): folder, Parquet and CSV folders, facts."""
    folder = DATA / label(rows)
    done = folder / "_done.json"
    if done.exists():
        return {**json.loads(done.read_text()), "folder": str(folder), "made": False}
    shutil.rmtree(folder, ignore_errors=True)  # a run killed half-way
    (folder / "parquet").mkdir(parents=True)
    (folder / "csv").mkdir()
    parts = n_parts(rows)
    t0 = time.perf_counter()
    for k in range(parts):
        df = _part_frame(rows, k, parts)
        df.write_parquet(folder / "parquet" / f"part-{k:03d}.parquet")
        df.write_csv(
            folder / "csv" / f"part-{k:03d}.csv",
            datetime_format="%Y-%m-%d %H:%M:%S",
            float_precision=2,
        )
        del df
        print(f"  {label(rows)}: part {k + 1}/{parts}", file=sys.stderr, flush=True)
    facts = {
        "rows": rows,
        "clients": rows // 10,
        "parts": parts,
        "seed": SEED,
        "seconds": round(time.perf_counter() - t0, 1),
        "parquet_mb": round(_size_mb(folder / "parquet"), 1),
        "csv_mb": round(_size_mb(folder / "csv"), 1),
    }
    done.write_text(json.dumps(facts))
    return {**facts, "folder": str(folder), "made": True}


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 2**20


def warm(folder: Path) -> None:
    """Read every file of ``folder`` once so that each child finds them in the page cache."""
    for p in sorted(folder.iterdir()):
        with open(p, "rb") as fh:
            while fh.read(1 << 24):
                pass


# --- the stages (run in the child) -------------------------------------------------------------


class Clock:
    """Named parts of the work, in seconds."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.t0 = time.perf_counter()

    def lap(self, name: str, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.parts[name] = time.perf_counter() - t
        return out


def _stage_reportkit(stage: str, engine: str, folder: Path, clock: Clock) -> str:
    """Run one reportkit stage; return a short note."""
    import reportkit as rk

    if stage == "load":
        ds = clock.lap("load", rk.load, str(folder / "csv"), config={"load": {"engine": engine}})
        r = ds.reports["transactions"]
        return f"{r.rows_kept:,} of {r.rows_read:,} rows kept"
    panel = clock.lap("panel", rk.build_panel, str(folder / "parquet"), engine=engine)
    if stage == "panel":
        return f"{len(panel):,} client-months"
    snap = clock.lap("snapshot", rk.snapshot, panel, as_of=AS_OF)
    if stage == "segments":
        clock.lap("segments", rk.segmentation.segment_all, snap)
    elif stage == "lifecycle":
        clock.lap("lifecycle", rk.lifecycle.classify, snap)
        dyn = clock.lap("dynamics", rk.dynamics.dynamics, panel, as_of=AS_OF, start=DYNAMICS_START)
        return f"{len(dyn.flows)} periods"
    elif stage == "btyd":
        clock.lap("btyd", rk.btyd.fit_predict, snap, 365)
    elif stage == "churn":
        cfg = rk.load_config(None)
        model = rk.churn.ChurnModel.from_settings(cfg.churn, cfg.lifecycle)
        clock.lap("fit", model.fit, panel, as_of=AS_OF)
        if model.chosen_ is not None:
            clock.lap("score", model.score_clients, snap)
        return f"chosen: {model.chosen_}"
    elif stage != "snapshot":
        raise ValueError(f"unknown stage {stage!r}")
    return f"{len(snap):,} clients"


_SQL = """
SELECT client_id,
       date_trunc('month', date) AS month,
       sum(amount) AS revenue,
       count(DISTINCT order_id) AS orders,
       min(date) AS first_date,
       max(date) AS last_date
FROM read_parquet('{glob}')
GROUP BY client_id, month
"""


def _stage_by_hand(stage: str, folder: Path, clock: Clock) -> str:
    """Run one of the users' alternatives on the Parquet folder; return a short note."""
    import pandas as pd

    parquet = folder / "parquet"
    if stage == "duckdb-by-hand":
        import duckdb

        con = duckdb.connect()
        con.execute("SET enable_progress_bar=false")  # it writes to stdout
        got = clock.lap("query", lambda: con.sql(_SQL.format(glob=parquet / "*.parquet")).df())
        return f"{len(got):,} client-months"
    df = clock.lap("read", pd.read_parquet, parquet)
    if stage == "pandas-by-hand":

        def by_hand() -> pd.DataFrame:
            month = df["date"].dt.to_period("M").rename("month")
            return df.groupby([df["client_id"], month]).agg(
                revenue=("amount", "sum"),
                orders=("order_id", "nunique"),
                first_date=("date", "min"),
                last_date=("date", "max"),
            )

        got = clock.lap("groupby", by_hand)
        return f"{len(got):,} client-months"
    if stage == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data

        got = clock.lap(
            "summary",
            summary_data_from_transaction_data,
            df,
            "client_id",
            "date",
            monetary_value_col="amount",
            observation_period_end=AS_OF,
            freq="D",
        )
        return f"{len(got):,} clients"
    raise ValueError(f"unknown stage {stage!r}")


def _vmhwm_gb(pid: int | str = "self") -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = [int(line.split()[1]) for line in text.splitlines() if line.startswith("VmHWM:")]
    return kb[0] / 2**20 if kb else None


def child(stage: str, engine: str, folder: Path) -> dict:
    """One measurement, in this process: seconds, parts, peak GB, note or error."""
    import importlib

    # everything the stage imports is imported before the clock starts
    for name in PRELOAD.get(stage, ["reportkit"]):
        importlib.import_module(name)
    clock = Clock()
    out: dict = {}
    try:
        if stage in BY_HAND:
            out["note"] = _stage_by_hand(stage, folder, clock)
        else:
            out["note"] = _stage_reportkit(stage, engine, folder, clock)
    except Exception as exc:  # noqa: BLE001 - every failure is a result of the benchmark
        msg = " ".join(str(exc).split()) or "(no message)"
        out["error"] = f"{type(exc).__name__}: {msg}"
        traceback.print_exc()
    out["seconds"] = time.perf_counter() - clock.t0
    out["parts"] = clock.parts
    out["peak_gb"] = _vmhwm_gb()
    return out


# --- running a child under the caps ------------------------------------------------------------


def _mem_available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return math.inf


def run_capped(cmd: list[str], time_limit: float, min_available_gb: float) -> dict:
    """Run ``cmd`` in a session of its own; poll every 0.5 s the machine's available memory
    and the summed RSS of the command's process tree; kill the tree past ``time_limit`` or
    under ``min_available_gb``. Returns wall seconds, tree peak GB, status, stdout, stderr."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT, start_new_session=True)
        peak, why = 0, None
        while True:
            try:
                p.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                pass
            pids, rss = tree(p.pid)
            peak = max(peak, rss)
            if _mem_available_gb() < min_available_gb:
                why = "killed (memory)"
            elif time.perf_counter() - t0 > time_limit:
                why = "killed (time)"
            if why:
                _kill(p.pid, pids)
                p.wait()
                break
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode(errors="replace") for f in (out, err))
    status = why or ("ok" if p.returncode == 0 else f"exit {p.returncode}")
    return {
        "seconds": seconds,
        "tree_gb": peak / 2**30,
        "status": status,
        "stdout": stdout,
        "stderr": stderr,
    }


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def measure(stage: str, engine: str, data: dict, args: argparse.Namespace) -> dict:
    """One row of the table: run the stage in a child (the CLI for ``audit``)."""
    folder = Path(data["folder"])
    row = {
        "rows": data["rows"],
        "clients": data["clients"],
        "stage": stage,
        "engine": engine,
        "seconds": None,
        "peak_gb": None,
        "status": "ok",
        "note": "",
        "parts": {},
        "measured": dt.datetime.now().isoformat(timespec="seconds"),
    }
    if stage == "lifetimes" and data["rows"] > LIFETIMES_MAX_ROWS:
        row["status"] = "not run: > 10M"
        return row
    if stage == "audit":
        out = DATA / "audit_out" / f"{label(data['rows'])}_{engine}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        code = "import sys\nfrom reportkit.cli import main\nsys.exit(main(sys.argv[1:]))"
        cmd = python_cmd(
            code, "audit", str(folder / "parquet"), "--engine", engine, "--out", str(out)
        )
    else:
        cmd = [sys.executable, __file__, "--child", stage, engine, str(folder)]
    r = run_capped(cmd, args.time_limit, args.min_available_gb)
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / f"{label(data['rows'])}_{stage}_{engine}.log").write_text(r["stderr"])
    if r["status"].startswith("killed"):
        row.update(status=r["status"], peak_gb=r["tree_gb"], seconds=r["seconds"])
        return row
    if stage == "audit":
        hwm = [int(x.split()[1]) for x in r["stderr"].splitlines() if x.startswith("@@VmHWM ")]
        own = hwm[-1] / 2**20 if hwm else 0.0
        row.update(seconds=r["seconds"], peak_gb=max(r["tree_gb"], own))
        if r["status"] != "ok":
            err = [x for x in r["stderr"].splitlines() if not x.startswith("@@VmHWM")]
            row.update(status="error", note=_last_line("\n".join(err)) or r["status"])
        return row
    found = [x for x in r["stdout"].splitlines() if x.startswith(RESULT)]
    try:
        res = json.loads(found[-1][len(RESULT) :])
    except (IndexError, json.JSONDecodeError):
        row.update(status="error", note=_last_line(r["stderr"]) or r["status"])
        return row
    row.update(seconds=res["seconds"], peak_gb=res["peak_gb"], parts=res["parts"])
    if "error" in res:
        row.update(status="error", note=res["error"])
    else:
        row["note"] = res["note"]
    return row


# --- results: table, slopes, plot, RESULTS.md ---------------------------------------------------


def _order(stage: str, engine: str) -> tuple:
    """Stages in their order, engines in ENGINE_ORDER (unknown names last)."""
    s = STAGES.index(stage) if stage in STAGES else len(STAGES)
    e = ENGINE_ORDER.index(engine) if engine in ENGINE_ORDER else len(ENGINE_ORDER)
    return (s, stage, e, engine)


def _key(r: dict) -> tuple:
    return (r["rows"], *_order(r["stage"], r["engine"]))


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """``old`` with ``new`` added, a new row replacing the old one of the same size, stage and
    engine; sorted by size, stage, engine."""
    got = {(r["rows"], r["stage"], r["engine"]): r for r in old}
    got.update({(r["rows"], r["stage"], r["engine"]): r for r in new})
    return sorted(got.values(), key=_key)


def _cells(r: dict) -> list[str]:
    status = r["status"]
    parts = " + ".join(f"{k} {v:.2f}" for k, v in r.get("parts", {}).items())
    if status == "ok":
        seconds = f"{r['seconds']:.2f}"
        note = "; ".join(filter(None, [parts if len(r.get("parts", {})) > 1 else "", r["note"]]))
    elif status == "error":
        seconds, note = "error", f"error: {r['note']}"
    else:  # killed (time|memory), not run: > 10M
        seconds, note = status, ""
        if status.startswith("killed"):
            note = f"after {r['seconds']:.0f} s"
    peak = "-" if r["peak_gb"] is None else f"{r['peak_gb']:.2f}"
    if status.startswith("killed") and r["peak_gb"] is not None:
        peak = f">= {peak}"
    note = note.replace("|", "\\|")
    return [f"{r['rows']:,}", f"{r['clients']:,}", r["stage"], r["engine"], seconds, peak, note]


def table(rows: list[dict]) -> str:
    """The results as a Markdown table."""
    head = ["size (rows)", "clients", "stage", "engine", "seconds", "peak GB", "note"]
    lines = ["| " + " | ".join(head) + " |", "|---:|---:|---|---|---:|---:|---|"]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def slopes(rows: list[dict]) -> list[tuple[str, str, list[int], float]]:
    """Per stage and engine: the sizes used and the least-squares slope of log10(seconds) on
    log10(rows) from 1M rows up (two sizes at least, successful runs only)."""
    groups: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for r in rows:
        if r["status"] == "ok" and r["rows"] >= 1_000_000 and r["seconds"] > 0:
            groups.setdefault((r["stage"], r["engine"]), []).append((r["rows"], r["seconds"]))
    out = []
    for (stage, engine), pts in groups.items():
        pts.sort()
        if len(pts) >= 2:
            x = np.log10([p[0] for p in pts])
            y = np.log10([p[1] for p in pts])
            out.append((stage, engine, [p[0] for p in pts], float(np.polyfit(x, y, 1)[0])))
    return sorted(out, key=lambda s: _order(s[0], s[1]))


def slope_table(found: list[tuple[str, str, list[int], float]]) -> str:
    if not found:
        return "(no stage has successful runs at two sizes from 1M rows up)"
    lines = ["| stage | engine | sizes | log-log slope |", "|---|---|---|---:|"]
    lines += [
        f"| {s} | {e} | {', '.join(label(n) for n in sizes)} | {k:.2f} |"
        for s, e, sizes, k in found
    ]
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> bool:
    """Time against rows, log-log, one line per stage and engine; False when nothing ran."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lines: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for r in rows:
        if r["status"] == "ok" and r["seconds"] > 0:
            lines.setdefault((r["stage"], r["engine"]), []).append((r["rows"], r["seconds"]))
    if not lines:
        return False
    fig, ax = plt.subplots(figsize=(10, 6))
    # one colour per stage, one line style and marker per engine
    colours = [*plt.get_cmap("tab10").colors, "black", "grey"]
    style = {"memory": ("-", "o"), "duckdb": ("--", "s"), NO_ENGINE: (":", "^")}
    for stage, engine in sorted(lines, key=lambda k: _order(*k)):
        pts = sorted(lines[(stage, engine)])
        line, marker = style.get(engine, ("-.", "x"))
        ax.plot(
            [p[0] for p in pts],
            [p[1] for p in pts],
            linestyle=line,
            marker=marker,
            color=colours[_order(stage, engine)[0] % len(colours)],
            label=stage if engine == NO_ENGINE else f"{stage} ({engine})",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("transactions (rows)")
    ax.set_ylabel("seconds")
    ax.set_title("reportkit stages and by-hand alternatives: time against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """The machine and software, one fact a line."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    osname = platform.platform()
    try:
        rel = Path("/etc/os-release").read_text()
        pretty = [
            ln.split("=", 1)[1].strip('"')
            for ln in rel.splitlines()
            if ln.startswith("PRETTY_NAME=")
        ]
        if pretty:
            osname = f"{pretty[0]} (Linux {platform.release()})"
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    versions = ", ".join(
        f"{n} {_version(n)}" for n in ("polars", "duckdb", "pandas", "numpy", "lifetimes")
    )
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores (shared with other work)",
        f"RAM: {ram:.1f} GB",
        f"OS: {osname}",
        f"Python {platform.python_version()}; {versions}",
        f"reportkit {_version('reportkit')} at commit {commit or 'unknown'}",
    ]


def data_table(datas: list[dict]) -> str:
    lines = [
        "| rows | clients | files per format | Parquet MB | CSV MB | generated in s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {d['rows']:,} | {d['clients']:,} | {d['parts']} | {d['parquet_mb']:,.0f} | "
        f"{d['csv_mb']:,.0f} | {d['seconds']:.0f} |"
        for d in sorted(datas, key=lambda d: d["rows"])
    ]
    return "\n".join(lines)


def write_results_md(rows: list[dict], datas: list[dict], found: list, plotted: bool) -> None:
    text = [
        "# Scale benchmark (#18)",
        "",
        (
            "Written by `python benchmarks/bench_scale.py` (see its docstring for what each stage "
            "calls); do not edit by hand."
        ),
        "",
        f"Date: {dt.date.today().isoformat()}",
        "",
        *[f"- {line}" for line in machine()],
        "",
        "## Data",
        "",
        (
            "Seeded, one client per 10 rows, ~2 lines per order, ~2 % returns, 2023-01-01 .. "
            "2025-12-31; the same rows as a Parquet folder and a CSV folder."
        ),
        "",
        data_table(datas),
        "",
        "## Results",
        "",
        table(rows),
        "",
        "## Growth: log-log slope of seconds against rows, from 1M rows up",
        "",
        slope_table(found),
        "",
        *(["![time against rows](scale.png)", ""] if plotted else []),
        "## Notes",
        "",
        (
            "- seconds: wall time of the work in a child process of its own (interpreter start and "
            "imports left out; the parts in the note); audit: the whole `reportkit audit` command."
        ),
        (
            "- peak GB: the child's VmHWM (imports included); audit: the largest summed RSS of the "
            "command's process tree (Jupyter kernel included), polled every 0.5 s, or the "
            "command's own VmHWM when larger."
        ),
        (
            "- Stages after the panel include building it (its time is the `panel` part); the "
            "engine only changes how the panel is built."
        ),
        (
            "- killed (time) / killed (memory): past the time limit, or the machine's available "
            "memory fell under the floor (the peak shown is the last one polled)."
        ),
        "- lifetimes runs up to 10M rows only (`not run: > 10M` above that).",
        (
            "- duckdb by hand: default settings (memory limit 80 % of RAM, all cores), the "
            "progress bar off."
        ),
        "- One run per measurement on shared cores: expect ±10-25 % between runs.",
        "",
    ]
    RESULTS_MD.write_text("\n".join(text), encoding="utf-8")


# --- main ----------------------------------------------------------------------------------------


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes",
        nargs="+",
        type=parse_size,
        default=[10**5, 10**6, 10**7],
        help="rows: 100k 1M 10M (default) 100M",
    )
    ap.add_argument(
        "--stages",
        nargs="+",
        choices=STAGES,
        default=STAGES,
        metavar="STAGE",
        help=f"stages to run (default all: {' '.join(STAGES)})",
    )
    ap.add_argument(
        "--engines",
        nargs="+",
        default=["memory", "duckdb"],
        help="panel engines for the reportkit stages (default memory duckdb)",
    )
    ap.add_argument("--time-limit", type=float, default=1800, help="seconds per child")
    ap.add_argument(
        "--min-available-gb",
        type=float,
        default=2.0,
        help="kill a child when the machine's available memory falls under this",
    )
    ap.add_argument(
        "--reuse-results",
        action="store_true",
        help=f"merge with the earlier {RESULTS_JSON.relative_to(ROOT)}",
    )
    ap.add_argument("--generate-only", action="store_true", help="only make the data")
    ap.add_argument(
        "--child", nargs=3, metavar=("STAGE", "ENGINE", "FOLDER"), help=argparse.SUPPRESS
    )
    return ap.parse_args(argv)


def _load_results() -> list[dict]:
    if RESULTS_JSON.exists():
        return json.loads(RESULTS_JSON.read_text())
    return []


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.child:
        stage, engine, folder = args.child
        print(RESULT + json.dumps(child(stage, engine, Path(folder))), flush=True)
        return 0
    datas = {}
    for rows in sorted(set(args.sizes)):
        d = datas[rows] = make_data(rows)
        how = "generated now" if d["made"] else "cached"
        print(
            f"data {label(rows)}: {d['rows']:,} rows, {d['clients']:,} clients, "
            f"{d['parts']} files, Parquet {d['parquet_mb']:,.0f} MB, CSV {d['csv_mb']:,.0f} "
            f"MB; generation took {d['seconds']:.1f} s ({how})",
            flush=True,
        )
    if args.generate_only:
        return 0
    earlier = _load_results() if args.reuse_results else []
    new: list[dict] = []
    for rows, d in datas.items():
        needs_csv = "load" in args.stages
        warm(Path(d["folder"]) / "parquet")
        if needs_csv:
            warm(Path(d["folder"]) / "csv")
        for stage in args.stages:
            for engine in args.engines if stage in ENGINE_STAGES else [NO_ENGINE]:
                print(f"  {label(rows)} {stage} {engine} ...", end=" ", file=sys.stderr, flush=True)
                r = measure(stage, engine, d, args)
                new.append(r)
                RESULTS_JSON.write_text(json.dumps(merge(earlier, new), indent=1))
                print(" | ".join(_cells(r)[4:]), file=sys.stderr, flush=True)
    rows_all = merge(earlier, new)
    sizes_all = {r["rows"] for r in rows_all}
    facts = [make_data(n) for n in sorted(sizes_all) if (DATA / label(n) / "_done.json").exists()]
    found = slopes(rows_all)
    plotted = plot(rows_all, PLOT)
    write_results_md(rows_all, facts, found, plotted)
    print()
    print(table(rows_all))
    print()
    print(slope_table(found))
    print(
        f"\nwrote {RESULTS_MD.relative_to(ROOT)}"
        + (f", {PLOT.relative_to(ROOT)}" if plotted else "")
        + f", {RESULTS_JSON.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
