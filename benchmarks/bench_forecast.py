"""Time the revenue forecast and the plan check (#17) on the sample and on a large base.

Usage: ``python benchmarks/bench_forecast.py [n_clients ...]`` (default 1000000: about 10M
sales lines over three years). Prints a table: base, stage, seconds, peak memory of the stage
(MB: the process's resident-set high-water mark over the stage, reset before it through
``/proc/self/clear_refs``; Linux only), and the process's peak RSS.

Stages: ``levels`` (each client's manager, channel, category and segment from the sales),
``audit_forecast`` (what the report computes: the total and the four dimensions, each with its
12-cut-off backtest, and the plan checked by manager), ``forecast total`` (``rk.forecast`` of
the total alone, from the panel). The large base is generated here with numpy (seeded; the
sample generator's per-client Python steps would take longer than the forecast): clients join
over three years, buy in a month with their own probability, stop at a random month for 40 %
of them, and each sale names a manager, a channel and a category.
"""

from __future__ import annotations

import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

import reportkit as rk
from reportkit.analysis.forecast import audit_forecast, client_levels, forecast
from reportkit.io.dataset import Dataset
from reportkit.io.plan import find_plan, read_plan

AS_OF = "2025-12-31"


def make_large(n: int, seed: int = 0) -> Dataset:
    """About 10 sales lines per client over 2023-2025 (seeded)."""
    rng = np.random.default_rng(seed)
    months = 36
    start = rng.integers(-12, months, n).clip(0)
    stop = np.where(rng.random(n) < 0.4, rng.integers(0, months + 12, n), months + 12)
    stop = np.maximum(stop, start + 1)
    p_buy = rng.beta(2.0, 2.0, n)
    span = np.minimum(stop, months) - start
    k = rng.binomial(span.clip(0), p_buy)  # purchase months per client
    client = np.repeat(np.arange(n), k)
    month = start[client] + (rng.random(len(client)) * span[client]).astype(np.int64)
    season = 1 + 0.25 * np.sin(2 * np.pi * (month % 12) / 12)
    amount = np.round(rng.lognormal(9, 1.0, len(client)) * season, 2)
    day = (
        (np.datetime64("2023-01", "M") + month.astype("timedelta64[M]")).astype("datetime64[D]")
        + rng.integers(0, 28, len(client)).astype("timedelta64[D]")
    )
    ids = np.char.add("C", np.arange(n).astype(str)).astype(object)
    managers = np.array([f"M{i}" for i in range(20)], dtype=object)
    tx = pd.DataFrame(
        {
            "client_id": ids[client],
            "date": day.astype("datetime64[ns]"),
            "amount": amount,
            "manager": managers[(client * 7) % 20],
            "channel": np.array(["office", "web", "field", "market"], dtype=object)[
                rng.integers(0, 4, len(client))
            ],
            "category": np.array([f"cat{i}" for i in range(8)], dtype=object)[
                rng.integers(0, 8, len(client))
            ],
        }
    )
    clients = pd.DataFrame(
        {
            "client_id": ids,
            "size": np.array(["small", "medium", "large"], dtype=object)[rng.integers(0, 3, n)],
        }
    )
    return Dataset(transactions=tx, clients=clients)


def _hwm_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stage(rows: list, base: str, name: str, fn):
    with open("/proc/self/clear_refs", "w") as f:  # reset the high-water mark to the RSS now
        f.write("5")
    t = time.perf_counter()
    out = fn()
    sec = time.perf_counter() - t
    rows.append((base, name, sec, _hwm_mb()))
    return out


def run(base: str, ds: Dataset, plan: pd.DataFrame | None, rows: list) -> None:
    panel = rk.build_panel(ds)
    levels = _stage(rows, base, "levels", lambda: client_levels(ds, AS_OF))
    _stage(
        rows,
        base,
        "audit_forecast",
        lambda: audit_forecast(panel, as_of=AS_OF, levels=levels, plan=plan),
    )
    _stage(rows, base, "forecast total", lambda: forecast(panel, as_of=AS_OF, months=3))
    rows.append((base, "(lines, clients)", float(len(ds.transactions)), float(panel.n_clients)))


def main(sizes: list[int]) -> None:
    warnings.simplefilter("ignore")
    rows: list = []
    sample = rk.load(rk.sample_path())
    plan = read_plan(find_plan(rk.sample_path()))
    run("sample", sample, plan, rows)
    for n in sizes:
        t = time.perf_counter()
        ds = make_large(n)
        print(f"generated {len(ds.transactions):,} lines of {n:,} clients in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
        big_plan = pd.DataFrame(
            {"period": ["2026-01", "2026-02"], "manager": ["M1", "M2"], "amount": [1e7, 1e7]}
        )
        run(f"{n:,} clients", ds, big_plan, rows)
    print(f"{'base':<18}{'stage':<20}{'seconds':>12}{'peak MB':>12}")
    for base, name, sec, peak in rows:
        if name.startswith("("):
            print(f"{base:<18}{name:<20}{sec:>12,.0f}{peak:>12,.0f}")
        else:
            print(f"{base:<18}{name:<20}{sec:>12.2f}{peak:>12.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:,.0f} MB")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000_000])
