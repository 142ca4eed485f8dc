"""Time "where the money is" (#17) on the sample base and on generated large bases.

Usage::

    python benchmarks/bench_money.py [n_rows:n_clients ...]   # default 1000000:100000 10000000:1000000

Prints one table: base, rows, clients, stage, seconds, peak MB. Stages: ``where_money`` (the
analysis: the Paretos of five dimensions, the mix of four segmentations, the margin view) and,
on the sample, ``section en`` / ``section ru`` (the section rendered from a built audit). Each
large base runs in a child process of its own; *peak MB* is the growth of the process' peak
resident memory over the stage (``ru_maxrss`` after it less the resident memory before it),
so the memory of the generated input itself is not counted.

The large bases are generated here with numpy (seeded), in the shape the loader gives: string
ids and names (pandas' ``str`` dtype), 2000 products in 20 categories, 4 channels, 3 years of
dates, a margin on every line, and a clients table with 30 regions and 12 industries (a few
missing). The segments (ABC class, lifecycle block, size tier, industry) are drawn at random:
the mix's cost does not depend on what they mean.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

import reportkit as rk
from reportkit.analysis.money import where_money
from reportkit.report.pipeline import Audit

AS_OF = "2025-12-31"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _strings(codes: np.ndarray, prefix: str, n: int) -> pd.Series:
    names = [f"{prefix}{i:07d}" for i in range(n)]
    return pd.Series(pd.Categorical.from_codes(codes, names)).astype("str")


def make(n_rows: int, n_clients: int, seed: int = 0):
    """(transactions, clients, segments) of a generated base (see the module docstring)."""
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.2, n_clients) + 1
    client = rng.choice(n_clients, n_rows, p=weights / weights.sum())
    product = rng.zipf(1.3, n_rows) % 2000
    days = rng.integers(0, 3 * 365, n_rows)
    amount = np.round(rng.lognormal(7, 1.2, n_rows), 2)
    amount[rng.random(n_rows) < 0.01] *= -1
    tx = pd.DataFrame({
        "client_id": _strings(client, "C", n_clients),
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": amount,
        "product": _strings(product, "P", 2000),
        "category": _strings(product % 20, "K", 20),
        "channel": _strings(rng.integers(0, 4, n_rows), "H", 4),
        "margin": np.round(amount * rng.normal(0.3, 0.1, n_rows), 2),
    })
    ids = _strings(np.arange(n_clients), "C", n_clients)
    region = rng.integers(0, 31, n_clients)
    clients = pd.DataFrame({
        "client_id": ids,
        "region": _strings(np.minimum(region, 29), "R", 30).where(region < 30),
        "industry": _strings(rng.integers(0, 12, n_clients), "I", 12),
    })
    segments = {
        "abc": pd.DataFrame({"client_id": ids, "abc": rng.choice(list("ABC"), n_clients)}),
        "block": pd.DataFrame({"client_id": ids, "block": rng.choice(
            ["working", "regular", "proven", "dead_lost"], n_clients)}),
        "size_tier": pd.DataFrame({"client_id": ids, "size_tier": rng.choice(
            ["large", "medium", "small"], n_clients)}),
        "industry": clients[["client_id", "industry"]],
    }
    return tx, clients, segments


def _stage(fn) -> tuple[float, float]:
    before = _rss_mb()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0, max(_peak_mb() - before, 0.0)


def one(n_rows: int, n_clients: int) -> None:
    """Time one generated base (in this process) and print its table row."""
    tx, clients, segments = make(n_rows, n_clients)
    s, mb = _stage(lambda: where_money(tx, clients, as_of=AS_OF, segments=segments))
    print(f"generated\t{n_rows}\t{n_clients}\twhere_money\t{s:.2f}\t{mb:.0f}", flush=True)


def sample() -> None:
    """Time the analysis and the section on the bundled sample."""
    data = rk.load(rk.sample_path())
    tx, clients = data.transactions, data.clients
    s, mb = _stage(lambda: where_money(tx, clients, as_of=AS_OF))
    n = tx["client_id"].nunique()
    print(f"sample\t{len(tx)}\t{n}\twhere_money\t{s:.2f}\t{mb:.0f}", flush=True)
    for lang in ("en", "ru"):
        audit = Audit.build(str(rk.sample_path()), lang=lang, churn=False)
        s, mb = _stage(lambda a=audit: a.show("money"))
        print(f"sample\t{len(tx)}\t{n}\tsection {lang}\t{s:.2f}\t{mb:.0f}", flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        one(int(argv[1]), int(argv[2]))
        return
    sizes = argv or ["1000000:100000", "10000000:1000000"]
    print("base\trows\tclients\tstage\tseconds\tpeak MB", flush=True)
    sample()
    for size in sizes:
        rows, clients = size.split(":")
        subprocess.run([sys.executable, __file__, "--one", rows, clients], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
