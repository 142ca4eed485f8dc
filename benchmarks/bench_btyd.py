"""Benchmark: BG/NBD fit of reportkit against lifetimes' BetaGeoFitter on the same base.

    python benchmarks/bench_btyd.py                  # 1,000,000 clients, days and weeks
    python benchmarks/bench_btyd.py --clients 50000  # quick run
    python benchmarks/bench_btyd.py --no-lifetimes   # reportkit only

A seeded BG/NBD simulation (r = 0.5, alpha = 40 days, a = 0.6, b = 3; first purchases spread
over four years before the as-of date) gives each client's purchase days. From them come the
transactions (one row per purchase, cached in benchmarks/_data/) and the per-client (frequency,
recency, T) in days and in weeks — realistic bases: 1M clients have about 650k distinct
triples in days and 225k in weeks. ``rfm_summary`` is timed on the transactions and checked
against the simulator's own summary; then both libraries fit the same per-client arrays
(lifetimes as it is usually called, one row per client). Prints two tables: stages (stage,
size, seconds, ratio) and the comparison (clients, distinct triples, seconds, speed-up, largest
relative parameter difference).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from reportkit.analysis.btyd import BetaGeoModel, rfm_summary
from reportkit.io.schema import FREQUENCY, RECENCY, T_AGE

DATA = Path(__file__).resolve().parent / "_data"
START = pd.Timestamp("2020-01-06")          # a Monday: day d is in week d // 7
YEARS = 4
PARAMS = dict(r=0.5, alpha=40.0, a=0.6, b=3.0)


def simulate(n: int, seed: int) -> dict[str, np.ndarray]:
    """Purchase days of n BG/NBD clients; day 0 = START, the as-of date is day 365·YEARS."""
    rng = np.random.default_rng(seed)
    end = 365 * YEARS
    d0 = rng.integers(0, end + 1, n)
    lam = rng.gamma(PARAMS["r"], 1 / PARAMS["alpha"], n)
    p = rng.beta(PARAMS["a"], PARAMS["b"], n)
    t = d0 + rng.random(n)
    clients, days = [np.arange(n)], [d0]
    act = np.arange(n)
    while act.size:
        t[act] += rng.exponential(1 / lam[act])
        day = np.floor(t[act]).astype(np.int64)
        inside = day <= end
        act, day = act[inside], day[inside]
        clients.append(act)
        days.append(day)
        act = act[rng.random(act.size) >= p[act]]
    return {"client": np.concatenate(clients), "day": np.concatenate(days),
            "d0": d0, "end": np.array(end)}


def summaries(sim: dict[str, np.ndarray], n: int) -> dict[str, tuple[np.ndarray, ...]]:
    """(frequency, recency, T) per client in days and in weeks, from the purchase days."""
    out = {}
    for freq, step in (("D", 1), ("W", 7)):
        period = sim["day"] // step
        key = np.unique(sim["client"].astype(np.int64) * (10**6) + period)
        client, per = key // 10**6, key % 10**6
        count = np.bincount(client, minlength=n)
        last = np.zeros(n, dtype=np.int64)
        np.maximum.at(last, client, per)
        first = sim["d0"] // step
        out[freq] = ((count - 1).astype(float), (last - first).astype(float),
                     (int(sim["end"]) // step - first).astype(float))
    return out


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--freq", choices=["D", "W", "both"], default="both")
    ap.add_argument("--no-lifetimes", action="store_true", help="time reportkit only")
    args = ap.parse_args(argv)
    n = args.clients
    stages: list[tuple[str, str, float, str]] = []

    DATA.mkdir(parents=True, exist_ok=True)
    cache = DATA / f"btyd_transactions_{n}_{args.seed}.parquet"
    sim, secs = timed(lambda: simulate(n, args.seed))
    stages.append(("simulate purchases", f"{n:,} clients", secs, ""))
    if not cache.exists():
        rng = np.random.default_rng(args.seed + 1)
        tx = pd.DataFrame({"client_id": sim["client"],
                           "date": START + pd.to_timedelta(sim["day"], unit="D")
                           + pd.to_timedelta(rng.integers(0, 86_400, sim["day"].size),
                                             unit="s")})
        tx.to_parquet(cache, index=False)
    tx = pd.read_parquet(cache)
    as_of = START + pd.Timedelta(days=int(sim["end"]))
    truth = summaries(sim, n)

    freqs = ["D", "W"] if args.freq == "both" else [args.freq]
    rows = []
    for freq in freqs:
        summ, secs = timed(lambda: rfm_summary(tx, as_of=as_of, freq=freq))
        stages.append((f"rfm_summary freq={freq}", f"{len(tx):,} rows", secs, ""))
        x, tx_, T = truth[freq]
        order = summ["client_id"].to_numpy()
        for col, want in zip((FREQUENCY, RECENCY, T_AGE), (x, tx_, T)):
            if not np.array_equal(summ[col].to_numpy(), want[order]):
                print(f"rfm_summary {col} ({freq}) differs from the simulator", file=sys.stderr)
                return 1
        ours, t_ours = timed(lambda: BetaGeoModel().fit(x, tx_, T))
        stages.append((f"reportkit fit freq={freq}", f"{n:,} clients", t_ours, "1.0"))
        t_lt, diff = float("nan"), float("nan")
        if not args.no_lifetimes:
            from lifetimes import BetaGeoFitter

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs, t_lt = timed(lambda: BetaGeoFitter().fit(x, tx_, T))
            diff = max(abs(ours.params_[k] / theirs.params_[k] - 1) for k in PARAMS)
            stages.append((f"lifetimes fit freq={freq}", f"{n:,} clients", t_lt,
                           f"{t_lt / t_ours:.1f}"))
        rows.append((freq, n, ours.n_patterns_, t_ours, t_lt, t_lt / t_ours, diff,
                     ours.n_iter_, ours.converged_,
                     ", ".join(f"{k}={ours.params_[k]:.4g}" for k in PARAMS)))

    print(f"\nBG/NBD benchmark — seed {args.seed}, true parameters (days) "
          + ", ".join(f"{k}={v}" for k, v in PARAMS.items()))
    print(f"\n{'stage':<26}{'size':>20}{'seconds':>10}{'ratio':>8}")
    for stage, size, secs, ratio in stages:
        print(f"{stage:<26}{size:>20}{secs:>10.2f}{ratio:>8}")
    print(f"\n{'unit':<5}{'clients':>11}{'triples':>10}{'reportkit s':>13}{'lifetimes s':>13}"
          f"{'ratio':>8}{'max rel diff':>14}{'iter':>6}  fitted parameters")
    for unit, nn, trip, t1, t2, ratio, diff, nit, conv, params in rows:
        print(f"{unit:<5}{nn:>11,}{trip:>10,}{t1:>13.2f}{t2:>13.2f}{ratio:>8.1f}{diff:>14.2e}"
              f"{nit:>6}  {params}{'' if conv else ' (not converged)'}")
    print("\nratio = lifetimes seconds / reportkit seconds (wall clock, one run each; "
          "fits include input checks, de-duplication and standard errors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
