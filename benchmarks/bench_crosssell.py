"""Time the cross-sell white space (#17) and compare its methods' backtests.

Usage: ``python benchmarks/bench_crosssell.py [n_clients ...]`` (default: the bundled sample and
``make_base(1_000_000, 2)``, about 13M sales lines). For each base: the seconds and the peak
memory (tracemalloc, numpy included; a second run, as tracing slows it) of ``cross_sell`` with the peers' method (its backtest at
three cut-offs with their ABC×XYZ snapshots included; the panel is the audit's and is built
beforehand), then the pooled backtest of the peers, the co-occurrence, the popularity and the
random picks: hit rate and value captured in the top 3 per client.
"""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc

import pandas as pd

import reportkit as rk
from reportkit.analysis.crosssell import CrossSellSettings, cross_sell
from reportkit.core.dates import default_as_of
from reportkit.core.panel import build_panel
from reportkit.io.sample import make_base


def _base(n: str):
    if n == "sample":
        data = rk.load(rk.sample_path())
        return "sample", data.transactions, data.clients, build_panel(data)
    base = make_base(int(n), 2, random_state=0)
    data = rk.io.dataset.Dataset(base.transactions, base.clients)
    del base  # the activities, surveys and truth are not used
    gc.collect()
    return f"make_base({int(n):,}, 2)", data.transactions, data.clients, build_panel(data)


def _run(tx, clients, panel, as_of, method: str):
    """The result, its seconds (untraced), and the peak GB of a second, traced run (the
    peers' method only; NaN for the other)."""
    settings = CrossSellSettings(method=method)
    t = time.perf_counter()
    result = cross_sell(tx, as_of=as_of, clients=clients, panel=panel, settings=settings)
    seconds = time.perf_counter() - t
    if method != "peers":
        return result, seconds, float("nan")
    tracemalloc.start()
    cross_sell(tx, as_of=as_of, clients=clients, panel=panel, settings=settings)
    peak = tracemalloc.get_traced_memory()[1] / 2**30
    tracemalloc.stop()
    return result, seconds, peak


def main(sizes: list[str]) -> None:
    timing, compare = [], []
    for n in sizes:
        name, tx, clients, panel = _base(n)
        as_of = pd.Timestamp(default_as_of(rk.io.dataset.Dataset(tx, clients)))
        for method in ("peers", "cooccurrence"):
            result, seconds, peak = _run(tx, clients, panel, as_of, method)
            timing.append(
                {
                    "base": name,
                    "rows": len(tx),
                    "clients": tx["client_id"].nunique(),
                    "method": method,
                    "seconds": round(seconds, 2),
                    "peak_GB": round(peak, 3),
                }
            )
            t = result.backtest
            pooled = t[t["cutoff"].astype(str) == "all"]
            for _, row in pooled.iterrows():
                if method == "cooccurrence" and row["method"] != "cooccurrence":
                    continue
                compare.append(
                    {
                        "base": name,
                        "cutoffs": (len(t) - len(pooled)) // len(pooled),
                        "method": row["method"],
                        "pairs": row["pairs"],
                        "hit_rate": round(row["hit_rate"], 4),
                        "value_captured": round(row["value_captured"]),
                        "share_captured": round(row["share_captured"], 4),
                    }
                )
            print(f"{name} {method}: {seconds:.2f} s, {peak:.3f} GB", flush=True)
    print("\nCross-sell timing (cross_sell(), the backtest included)")
    print(pd.DataFrame(timing).to_string(index=False))
    print("\nBacktest, cut-offs pooled (top 3 per client, next 6 months)")
    print(pd.DataFrame(compare).to_string(index=False))


if __name__ == "__main__":
    main(sys.argv[1:] or ["sample", "1000000"])
