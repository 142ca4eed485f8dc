"""Time the three analyses of #17 together on one generated base: where the money is, the
cross-sell white space and the bottom-up forecast with the plan check, as the audit runs them.

Usage::

    python benchmarks/bench_issue17.py [n_rows:n_clients ...]   # default 10000000:1000000

The base is the one ``bench_money.py`` generates (seeded numpy: 2000 products in 20 categories,
4 channels, 3 years, a margin on every line, 30 regions and 12 industries), plus a manager per
line and a size per client, so that every part has every dimension. The panel is built once
(the audit builds it anyway) and is not timed. Prints one table: stage, seconds, peak MB (the
growth of the process' peak resident memory over the stage). The issue's target: the three
together under 60 s at 10M rows / 1M clients.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_money import _peak_mb, _rss_mb, _strings, make  # noqa: E402

from reportkit.analysis.crosssell import cross_sell  # noqa: E402
from reportkit.analysis.forecast import audit_forecast, client_levels  # noqa: E402
from reportkit.analysis.money import where_money  # noqa: E402
from reportkit.core.panel import build_panel  # noqa: E402
from reportkit.io.dataset import Dataset  # noqa: E402

AS_OF = pd.Timestamp("2025-12-31")


def one(n_rows: int, n_clients: int) -> None:
    tx, clients, segments = make(n_rows, n_clients)
    rng = np.random.default_rng(1)
    tx["manager"] = _strings(rng.integers(0, 12, n_rows), "M", 12)
    clients["size"] = _strings(rng.integers(0, 3, n_clients), "S", 3)
    dataset = Dataset(transactions=tx, clients=clients)
    panel = build_panel(dataset)
    total = 0.0
    stages = (
        ("where the money is", lambda: where_money(tx, clients, as_of=AS_OF, segments=segments)),
        ("cross-sell", lambda: cross_sell(tx, as_of=AS_OF, clients=clients, panel=panel)),
        ("forecast + plan", lambda: audit_forecast(
            panel, as_of=AS_OF, levels=client_levels(dataset, AS_OF))),
    )
    for name, fn in stages:
        before = _rss_mb()
        t0 = time.perf_counter()
        fn()
        s = time.perf_counter() - t0
        total += s
        print(f"{n_rows:,}\t{n_clients:,}\t{name}\t{s:.1f}\t{max(_peak_mb() - before, 0):.0f}",
              flush=True)
    print(f"{n_rows:,}\t{n_clients:,}\tall three\t{total:.1f}\t", flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        one(int(argv[1]), int(argv[2]))
        return
    print("rows\tclients\tstage\tseconds\tpeak MB", flush=True)
    for size in argv or ["10000000:1000000"]:
        rows, clients = size.split(":")
        subprocess.run([sys.executable, __file__, "--one", rows, clients], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
