"""Benchmark: the churn model end to end — examples, backtest, calibration and scoring.

    python benchmarks/bench_churn.py                   # 100,000 clients (~2M transactions)
    python benchmarks/bench_churn.py --clients 10000   # quick run
    python benchmarks/bench_churn.py --threads 1       # BLAS/OpenMP pools limited to 1 thread
    python benchmarks/bench_churn.py --profile /tmp/churn.prof   # also save a cProfile

The base is ``reportkit.io.sample.make_base(clients, 3, random_state=seed)`` (three years ending
2025-12-31, with planted churners); its transactions, clients and churn truth are cached as
Parquet in ``benchmarks/_data/`` (git-ignored), so the generator runs once per size and seed.
The report date is the end of the base. Timed: ``build_panel``, then ``ChurnModel().fit`` and
``ChurnModel.score`` exactly as the report calls them; the stages inside are measured by
wrapping the functions they call (exclusive time: a stage's own time, without the stages it
calls). Prints the stages of the issue (stage, seconds, share of the total) and the total
against the target (60 s for 100k clients / 2M transactions on a 2-core machine), the same in
detail (section, stage, size, calls, seconds, share), the backtest table (ROC AUC etc. of
the chosen scorer and the baselines on the test cut-off) and the ROC AUC of the scores
against the planted churners.

Gradient boosting and the BLAS run in thread pools (OpenMP, OpenBLAS). On a machine that
other processes keep busy, a pool with as many threads as cores waits for descheduled
threads at every barrier: on the shared 2-core development machine the boosting fits were
5-10x slower with 2 threads than with 1. The load average is printed with the figures;
``--threads 1`` shows the figures without that effect.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import importlib
import os
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import pandas as pd

import reportkit as rk
import reportkit.analysis.churn as churn
import reportkit.analysis.churn.backtest as churn_backtest
import reportkit.analysis.churn.features as churn_features
import reportkit.analysis.churn.model as churn_model
import reportkit.analysis.churn.scorers as churn_scorers
from reportkit.analysis.btyd import BetaGeoModel, GammaGammaModel
from reportkit.io.schema import CLIENT_ID

# the module, not the function that reportkit re-exports under the same name
snapshot_module = importlib.import_module("reportkit.core.snapshot")

DATA = Path(__file__).resolve().parent / "_data"
TARGET_SECONDS = 60.0
YEARS = 3


class Stages:
    """Exclusive wall-clock time per stage; stages nest (a stage's time excludes its children)."""

    def __init__(self) -> None:
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self._stack: list[list] = []
        self._section = ""
        self._undo: list[tuple[object, str, object]] = []

    @contextlib.contextmanager
    def section(self, name: str):
        old, self._section = self._section, name
        try:
            yield
        finally:
            self._section = old

    @contextlib.contextmanager
    def stage(self, label: str):
        key = (self._section, label)
        self._stack.append([key, 0.0])
        t0 = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - t0
            _, children = self._stack.pop()
            self.seconds[key] += elapsed - children
            self.calls[key] += 1
            if self._stack:
                self._stack[-1][1] += elapsed

    def wrap(self, owner: object, attr: str, label: str) -> None:
        """Time every call of ``owner.attr`` (a module function or a class method) as ``label``."""
        fn = getattr(owner, attr)

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            with self.stage(label):
                return fn(*args, **kwargs)

        setattr(owner, attr, timed)
        self._undo.append((owner, attr, fn))

    def unwrap(self) -> None:
        for owner, attr, fn in reversed(self._undo):
            setattr(owner, attr, fn)
        self._undo.clear()

    @property
    def total(self) -> float:
        return float(sum(self.seconds.values()))


def load_base(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float | None]:
    """Transactions, clients and churn truth of ``make_base(n, 3, random_state=seed)``, cached."""
    DATA.mkdir(parents=True, exist_ok=True)
    paths = {name: DATA / f"churn_{name}_{n}_{seed}.parquet"
             for name in ("transactions", "clients", "truth")}
    generated = None
    if not all(p.exists() for p in paths.values()):
        t0 = time.perf_counter()
        base = rk.sample.make_base(n, YEARS, random_state=seed)
        generated = time.perf_counter() - t0
        base.transactions.to_parquet(paths["transactions"], index=False)
        base.clients.to_parquet(paths["clients"], index=False)
        base.truth["churn"].to_parquet(paths["truth"], index=False)
    return (*(pd.read_parquet(p) for p in paths.values()), generated)


def instrument(stages: Stages) -> None:
    """Wrap the functions that ChurnModel.fit and ChurnModel.score call, one label each."""
    from sklearn import inspection
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    # the churn package's modules call each other's functions by their own names: each is
    # wrapped where it is called
    stages.wrap(churn_backtest, "build_examples", "build_examples: other (features, concat)")
    stages.wrap(snapshot_module, "snapshot", "snapshots")
    stages.wrap(churn_features, "label_churn", "build_examples: labels")
    stages.wrap(churn_features, "alive_population", "population (alive clients)")
    stages.wrap(churn_model, "alive_population", "population (alive clients)")
    stages.wrap(churn_features, "_bgnbd_columns", "BG/NBD predictions")
    stages.wrap(BetaGeoModel, "fit", "BG/NBD fits")
    stages.wrap(GammaGammaModel, "fit", "Gamma-Gamma fit")
    stages.wrap(Pipeline, "fit", f"candidate fits: {churn.LOGISTIC}")
    stages.wrap(HistGradientBoostingClassifier, "fit", f"candidate fits: {churn.BOOSTING}")
    stages.wrap(inspection, "permutation_importance", "permutation importance")
    stages.wrap(churn._Isotonic, "fit", "calibration")
    stages.wrap(churn._Isotonic, "transform", "calibration")
    stages.wrap(churn_backtest, "_reliability", "calibration")
    stages.wrap(churn_backtest, "evaluate", "backtest metrics")
    stages.wrap(churn_scorers, "evaluate", "backtest metrics")
    stages.wrap(churn_model, "expected_revenue", "expected revenue: other")


def planted_auc(scores: pd.DataFrame, truth: pd.DataFrame, as_of: pd.Timestamp,
                horizon_days: int) -> tuple[float, int]:
    """ROC AUC of the churn probability for planted churners gone at ``as_of`` (the same rule
    as tests/test_churn.py: churned by as_of and not back within the horizon) vs stayers."""
    from sklearn.metrics import roc_auc_score

    t = truth.set_index(CLIENT_ID)
    cd = scores[CLIENT_ID].map(t["churn_date"])
    rd = scores[CLIENT_ID].map(t["reactivation_date"])
    h = pd.Timedelta(days=horizon_days)
    gone = cd.notna() & (cd <= as_of) & (rd.isna() | (rd > as_of + h))
    stays = cd.isna() | (cd > as_of + h)
    keep = (gone | stays).to_numpy()
    if gone[keep].nunique() < 2:
        return float("nan"), int(gone.sum())
    return float(roc_auc_score(gone[keep], scores.loc[keep, churn.CHURN_PROBABILITY])), \
        int(gone.sum())


def run(args: argparse.Namespace) -> int:
    n = args.clients
    tx, clients, truth, generated = load_base(n, args.seed)
    as_of = pd.Timestamp(tx["date"].max()).normalize() + pd.offsets.MonthEnd(0)
    stages = Stages()
    instrument(stages)          # imports scikit-learn: its OpenMP runtime is loaded from here on
    from threadpoolctl import threadpool_info, threadpool_limits

    # threadpoolctl limits only the libraries already loaded, hence after instrument()
    limiter = threadpool_limits(args.threads) if args.threads else contextlib.nullcontext()
    profiler = cProfile.Profile() if args.profile else None

    load_before = os.getloadavg()
    with limiter, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pools = ", ".join(sorted({f"{p['user_api']} {p['num_threads']}"
                                  for p in threadpool_info()}))
        try:
            if profiler:
                profiler.enable()
            with stages.section("panel"), stages.stage("build_panel"):
                panel = rk.build_panel(tx, clients=clients)
            with stages.section("fit"), stages.stage("ChurnModel.fit: other"):
                model = churn.ChurnModel(random_state=args.seed).fit(panel, as_of=as_of)
            with stages.section("score"), stages.stage("score: other"):
                snap = snapshot_module.snapshot(panel, as_of=as_of)
                scores = model.score_clients(snap, clients=clients).clients
            if profiler:
                profiler.disable()
        finally:
            stages.unwrap()

    card = model.card_
    pop = card.population
    n_train = pop.get("training examples", 0)
    n_test = pop.get("clients at the test cut-off", 0)
    n_cuts = len(card.train_cutoffs) + 2 if card.test_cutoff is not None else 0
    sizes = {
        ("panel", "build_panel"): f"{len(tx):,} rows",
        ("fit", "snapshots"): f"{n_cuts} cut-offs",
        ("fit", "build_examples: labels"): f"{len(model.examples_):,} examples",
        ("fit", f"candidate fits: {churn.LOGISTIC}"): f"{n_train:,} rows",
        ("fit", f"candidate fits: {churn.BOOSTING}"): f"{n_train:,} + final refit",
        ("fit", "permutation importance"): f"{min(n_test, 20000):,} rows",
        ("score", "snapshots"): "1 (as of)",
        ("score", "score: other"): f"{len(scores):,} clients",
    }
    for key in stages.seconds:
        if key[1] in ("BG/NBD fits", "Gamma-Gamma fit"):
            sizes[key] = f"{stages.calls[key]} fit(s)"
    # the stages of the issue: every measured stage belongs to one of them
    groups = {
        "build_panel": ("build_panel",),
        "build_examples (snapshots, labels, BG/NBD features)": (
            "snapshots", "population (alive clients)", "build_examples: labels",
            "build_examples: other (features, concat)", "BG/NBD predictions"),
        "BG/NBD fits (one per cut-off)": ("BG/NBD fits",),
        "candidate fits (backtest + final refit)": (
            f"candidate fits: {churn.LOGISTIC}", f"candidate fits: {churn.BOOSTING}"),
        "permutation importance": ("permutation importance",),
        "calibration": ("calibration",),
        "backtest predictions and metrics": ("backtest metrics", "ChurnModel.fit: other"),
    }
    summary: dict[str, float] = defaultdict(float)
    for (section, label), secs in stages.seconds.items():
        if section == "score":
            summary["scoring with expected revenue"] += secs
            continue
        group = next(g for g, labels in groups.items() if label in labels)
        summary[group] += secs
    summary = {g: summary[g] for g in [*groups, "scoring with expected revenue"] if g in summary}
    total = stages.total
    load = os.getloadavg()
    print(f"\nChurn benchmark — make_base({n:,}, {YEARS}, random_state={args.seed}): "
          f"{len(tx):,} transactions, {panel.n_clients:,} clients with a transaction, as of "
          f"{as_of:%Y-%m-%d}" + (f"; base generated in {generated:.1f} s (cached now)"
                                  if generated is not None else " (cached base)"))
    print(f"thread pools: {pools}" + (f" (limited by --threads {args.threads})"
                                      if args.threads else " (as configured)")
          + f"; load average before/after: {load_before[0]:.1f} / {load[0]:.1f} on "
          f"{os.cpu_count()} CPUs")
    print(f"\n{'stage':<52}{'seconds':>9}{'ratio':>8}")
    for group, secs in summary.items():
        print(f"{group:<52}{secs:>9.2f}{secs / total:>8.1%}")
    verdict = "within" if total <= TARGET_SECONDS else "OVER"
    print(f"{'total':<52}{total:>9.2f}{total / TARGET_SECONDS:>8.2f}  x target")
    print(f"\ntotal {total:.1f} s vs target {TARGET_SECONDS:.0f} s (100k clients / 2M "
          f"transactions): {verdict} target" + ("" if n == 100_000 else
                                                f" (this run: {n:,} clients)"))
    print("ratio = share of the total; wall clock, one run. In detail (exclusive times):")
    print(f"\n{'section':<8}{'stage':<42}{'size':>24}{'calls':>6}{'seconds':>9}{'ratio':>7}")
    for key, secs in stages.seconds.items():
        section, label = key
        print(f"{section:<8}{label:<42}{sizes.get(key, ''):>24}{stages.calls[key]:>6}"
              f"{secs:>9.2f}{secs / total:>7.1%}")

    print("\n" + "\n".join(card.summary_lines()))
    if not card.metrics.empty:
        print("\nbacktest on the test cut-off:")
        print(card.metrics.round(3).to_string())
    auc, n_gone = planted_auc(scores, truth, as_of, model.horizon_days)
    print(f"\nROC AUC of the scores against the planted churners at {as_of:%Y-%m-%d}: "
          f"{auc:.3f} ({n_gone:,} planted churners gone among {len(scores):,} scored)")
    if not card.importance.empty:
        top = card.importance.head(5)
        print("top features (permutation importance, ROC AUC drop): " + ", ".join(
            f"{f} {v:.3f}" for f, v in zip(top["feature"], top["importance"])))
    for w in caught:
        print(f"warning: {w.category.__name__}: {w.message}")
    if profiler:
        profiler.dump_stats(args.profile)
        print(f"\ncProfile saved to {args.profile}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=100_000,
                    help="clients of the synthetic base (default 100,000: ~2M transactions)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=0,
                    help="limit BLAS/OpenMP thread pools to this many threads (default: as is)")
    ap.add_argument("--profile", metavar="PATH", help="save a cProfile of the timed part")
    args = ap.parse_args(argv)
    if args.clients < 500:
        ap.error(f"--clients must be at least 500, got {args.clients}")
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
