"""Time the lifecycle classification, the reactivation list and the base dynamics.

Usage: ``python benchmarks/bench_lifecycle.py [n_clients ...]`` (default 10000 100000 1000000).

* classify / reactivation_list run on a synthetic snapshot of ``n_clients`` clients;
* flows / revenue_bridge / cohorts / dynamics (without migration) run on a synthetic
  client-month panel of the same clients over 36 months, about 6.5 client-months per client
  (so 10k / 100k / 1M clients ≈ 65k / 650k / 6.5M panel rows, the panel of roughly 0.2M / 2M /
  20M transactions).

Prints a table: stage, size (clients), rows (snapshot or panel rows), seconds, ratio (seconds
relative to the smallest size). Data are seeded and cached in ``benchmarks/_data/``
(git-ignored).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit import schema as S
from reportkit.analysis.dynamics import cohorts, dynamics, flows, revenue_bridge
from reportkit.analysis.lifecycle import classify, reactivation_list
from reportkit.report.words import lifecycle as lifecycle_words

DATA = Path(__file__).resolve().parent / "_data"
AS_OF = pd.Timestamp("2024-06-30")


def make_snapshot(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A snapshot with the column contract of reportkit.core.snapshot, and a clients table."""
    path = DATA / f"lifecycle_snapshot_{n}_{seed}.parquet"
    cpath = DATA / f"lifecycle_clients_{n}_{seed}.parquet"
    if path.is_file() and cpath.is_file():
        return pd.read_parquet(path), pd.read_parquet(cpath)
    rng = np.random.default_rng(seed)
    orders = np.where(rng.random(n) < 0.1, 0, rng.geometric(0.15, n))
    tenure = rng.integers(0, 2500, n)
    recency = np.minimum(rng.exponential(200, n).astype(int), tenure)
    has = orders > 0
    first = AS_OF - pd.to_timedelta(tenure, unit="D")
    last = AS_OF - pd.to_timedelta(recency, unit="D")
    rev_total = np.round(np.where(has, rng.lognormal(8, 1.5, n) * orders, 0.0), -1)
    rev_window = np.round(rev_total * rng.random(n) * (recency < 365), -1)
    snap = pd.DataFrame({
        S.CLIENT_ID: pd.Series([f"C{i:08d}" for i in rng.permutation(n)], dtype="str"),
        S.AS_OF: AS_OF,
        S.FIRST_ORDER: first.where(has),
        S.LAST_ORDER: last.where(has),
        S.RECENCY_DAYS: np.where(has, recency, np.nan),
        S.TENURE_DAYS: np.where(has, tenure, np.nan),
        S.REVENUE_WINDOW: rev_window,
        S.REVENUE_PREV_WINDOW: np.round(rev_window * rng.lognormal(0, 0.4, n), -1),
        S.ORDERS_TOTAL: orders,
        S.REVENUE_TOTAL: rev_total,
        S.INTERVAL_DAYS: np.where(orders > 1, (tenure - recency) / np.maximum(orders - 1, 1),
                                  np.nan),
        S.BEST12_REVENUE: np.maximum(rev_window, rev_total * 0.5),
        S.IS_LEAD: ~has,
    })
    pick = rng.random(n) < 0.5
    clients = pd.DataFrame({
        S.CLIENT_ID: snap[S.CLIENT_ID][pick].to_numpy(),
        S.NAME: [f"Client {i}" for i in range(int(pick.sum()))],
        S.MANAGER: rng.choice(["Ann", "Bob", "Cy", "Di"], int(pick.sum())),
        S.STATUS: rng.choice(["active", "working", "refused", "lead"], int(pick.sum())),
        S.VIP: rng.random(int(pick.sum())) < 0.02,
    })
    DATA.mkdir(parents=True, exist_ok=True)
    snap.to_parquet(path)
    clients.to_parquet(cpath)
    return snap, clients


def make_panel(n: int, seed: int = 0, months: int = 36) -> pd.DataFrame:
    """A client-month panel: each client buys in a random share of the months after its start,
    with pauses long enough to die and come back."""
    path = DATA / f"lifecycle_panel_{n}_{seed}.parquet"
    if path.is_file():
        return pd.read_parquet(path)
    rng = np.random.default_rng(seed)
    start = rng.integers(0, months, n)
    p = rng.beta(1.2, 2.0, n)
    pause_from = rng.integers(0, months + 24, n)
    pause_len = rng.integers(0, 20, n)
    m = np.arange(months)
    active = (rng.random((n, months)) < p[:, None]) & (m[None, :] >= start[:, None])
    active &= ~((m[None, :] >= pause_from[:, None])
                & (m[None, :] < (pause_from + pause_len)[:, None]))
    active[np.arange(n), start] = True
    client, month = np.nonzero(active)
    base = np.datetime64("2021-07", "M")
    month_start = (base + month.astype("timedelta64[M]")).astype("datetime64[D]")
    d1 = rng.integers(0, 28, len(month))
    d2 = np.minimum(d1 + rng.integers(0, 5, len(month)), 27)
    orders = 1 + (d2 > d1) * rng.integers(0, 3, len(month))
    ids = np.array([f"C{i:08d}" for i in range(n)], dtype=object)
    panel = pd.DataFrame({
        S.CLIENT_ID: ids[client],
        S.MONTH: month_start.astype("datetime64[ns]"),
        S.REVENUE: np.round(rng.lognormal(7, 1.2, len(month)), 2),
        S.ORDERS: orders.astype("int64"),
        S.FIRST_ORDER_DAY: (month_start + d1).astype("datetime64[ns]"),
        S.LAST_ORDER_DAY: (month_start + d2).astype("datetime64[ns]"),
    })
    DATA.mkdir(parents=True, exist_ok=True)
    panel.to_parquet(path)
    return panel


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(sizes: list[int]) -> None:
    rows = []
    for n in sizes:
        snap, clients = make_snapshot(n)
        lc = classify(snap, clients)
        stages = {
            "classify": (len(snap), lambda: classify(snap, clients)),
            "reasons worded (ru)": (len(snap), lambda: lifecycle_words.reasons(lc, "ru")),
            "reactivation_list": (len(snap), lambda: reactivation_list(snap, lc, clients)),
        }
        panel = make_panel(n)
        stages.update({
            "flows": (len(panel), lambda: flows(panel, as_of=AS_OF)),
            "revenue_bridge": (len(panel), lambda: revenue_bridge(panel, as_of=AS_OF)),
            "cohorts": (len(panel), lambda: cohorts(panel, as_of=AS_OF)),
            "dynamics (no migration)": (len(panel),
                                        lambda: dynamics(panel, as_of=AS_OF, migration=False)),
        })
        for stage, (size, fn) in stages.items():
            rows.append({"stage": stage, "size": n, "rows": size, "seconds": _time(fn)})
    table = pd.DataFrame(rows)
    smallest = table.groupby("stage")["seconds"].transform("first")
    table["ratio"] = (table["seconds"] / smallest).round(1)
    table["seconds"] = table["seconds"].round(3)
    print(table.sort_values(["stage", "size"]).to_string(index=False))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
