"""Time the segmentations and their figures on synthetic client snapshots.

Usage: ``python benchmarks/bench_segmentation.py [n_clients ...]`` (default 10000 100000 1000000).
Prints a table: stage, size (clients), seconds, ratio (seconds relative to the smallest size).
The synthetic snapshot is seeded and cached in ``benchmarks/_data/`` (git-ignored).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit import schema as S
from reportkit.analysis.segmentation import abc, bcg, rfm, segment_all, size_tiers, xyz

DATA = Path(__file__).resolve().parent / "_data"


def make_snapshot(n: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic snapshot with the column contract of reportkit.core.snapshot (seeded)."""
    path = DATA / f"segmentation_snapshot_{n}_{seed}.parquet"
    if path.is_file():
        return pd.read_parquet(path)
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp("2024-06-30")
    lead = rng.random(n) < 0.1
    tenure = rng.integers(0, 2000, n)
    recency = np.minimum(rng.exponential(150, n).astype(int), tenure)
    orders = np.where(recency > 365, 0, rng.geometric(0.3, n))
    rev = np.round(np.where(orders > 0, rng.lognormal(8, 1.5, n) * orders, 0.0), -1)
    rev[rng.random(n) < 0.005] *= -0.1   # a few net returns
    snap = pd.DataFrame({
        S.CLIENT_ID: pd.Series([f"C{i:08d}" for i in rng.permutation(n)], dtype="str"),
        S.AS_OF: as_of,
        S.FIRST_ORDER: as_of - pd.to_timedelta(tenure, unit="D"),
        S.LAST_ORDER: as_of - pd.to_timedelta(recency, unit="D"),
        S.RECENCY_DAYS: recency.astype(float),
        S.TENURE_DAYS: tenure.astype(float),
        S.ORDERS_WINDOW: orders.astype(float),
        S.REVENUE_WINDOW: rev,
        S.REVENUE_PREV_WINDOW: np.round(rev * rng.lognormal(0, 0.5, n) * (rng.random(n) < 0.8),
                                        -1),
        S.CV: np.where(orders > 0, rng.gamma(2.0, 0.5, n), np.nan),
        S.IS_LEAD: lead,
    })
    for col in (S.FIRST_ORDER, S.LAST_ORDER):
        snap.loc[lead, col] = pd.NaT
    snap.loc[lead, [S.RECENCY_DAYS, S.TENURE_DAYS, S.CV]] = np.nan
    snap.loc[lead, [S.ORDERS_WINDOW, S.REVENUE_WINDOW, S.REVENUE_PREV_WINDOW]] = 0.0
    DATA.mkdir(parents=True, exist_ok=True)
    snap.to_parquet(path)
    return snap


def _time(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        snap = make_snapshot(n)
        crm = pd.DataFrame({S.CLIENT_ID: snap[S.CLIENT_ID].sample(frac=0.5, random_state=1),
                            S.POTENTIAL: 50_000.0})
        stages = {
            "abc": lambda: abc(snap),
            "xyz": lambda: xyz(snap),
            "rfm": lambda: rfm(snap),
            "bcg": lambda: bcg(snap),
            "size_tiers+potential": lambda: size_tiers(snap, clients=crm),
            "segment_all": lambda: segment_all(snap, clients=crm),
            "segment_all.to_frame": lambda: segment_all(snap, clients=crm).to_frame(),
        }
        if "--plots" in sys.argv:
            from reportkit import plots

            seg = segment_all(snap)

            def figures():
                import matplotlib.pyplot as plt

                for fig in (plots.pareto_curve(seg.abc), plots.abcxyz_heatmap(seg.abcxyz),
                            plots.rfm_grid(seg.rfm), plots.bcg_scatter(seg.bcg)):
                    fig.savefig(DATA / "bench_fig.png")
                    plt.close(fig)

            stages["plots (4 figures, png)"] = figures
        for stage, fn in stages.items():
            rows.append((stage, n, _time(fn, repeat=2 if n <= 100_000 else 1)))
    table = pd.DataFrame(rows, columns=["stage", "size", "seconds"])
    base = table.groupby("stage")["seconds"].transform("first")
    table["ratio"] = (table["seconds"] / base).round(1)
    table["seconds"] = table["seconds"].round(3)
    print(table.to_string(index=False))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    main(args or [10_000, 100_000, 1_000_000])
