"""The churn model across report dates and kinds of bases: it never raises, it scores whenever
a fully observed horizon and enough clients exist, and a model chosen by backtest is never worse
than the best baseline. Plus the hand-worked cases behind the dropped features and the reasons.

Bases: the bundled sample (every other month end, plus the months where the backtest first
becomes possible and where it used to crash) and four seeded synthetic bases built here — a
short history (9 months, 15,000 clients), strong seasonality, mostly one-time buyers, and long
B2B purchase cycles.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.analysis.churn import (
    BASELINE_BGNBD,
    BASELINES,
    LOGISTIC,
    REASON_1,
    REASON_2,
    REASON_CODES,
    ChurnModel,
    alive_population,
    explain,
    reason_codes,
)

HISTORY_TOO_SHORT = ("too little history", "too few clients")


# --- synthetic bases ------------------------------------------------------------------------------


def make_transactions(*, n_clients: int, start: str, months: int, seed: int,
                      one_off_share: float = 0.3, interval: tuple = (20, 90),
                      dropout: float = 0.08, season: list | None = None, cv: float = 0.5,
                      ) -> tuple[pd.DataFrame, pd.Timestamp]:
    """(transactions, last day). Each client's first order falls uniformly in the period;
    one-off buyers never order again; the others reorder after gamma-distributed gaps around
    their own mean interval (log-uniform in ``interval`` days, coefficient of variation ``cv``)
    and drop out after each order with probability ``dropout``. ``season`` (12 weights, one a
    calendar month) thins the reorders by month."""
    rng = np.random.default_rng(seed)
    start_ts = pd.Timestamp(start)
    end = start_ts + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    span = (end - start_ts).days + 1
    first = rng.integers(0, span, n_clients)
    one_off = rng.random(n_clients) < one_off_share
    mean_gap = np.exp(rng.uniform(np.log(interval[0]), np.log(interval[1]), n_clients))
    size = np.exp(rng.normal(np.log(100), 0.8, n_clients))
    shape = 1 / cv ** 2
    keep = None if season is None else np.asarray(season, dtype=float) / max(season)
    month_of_day = pd.date_range(start_ts, periods=span, freq="D").month.to_numpy() - 1
    clients, days = [], []
    for i in range(n_clients):
        t = int(first[i])
        clients.append(i)
        days.append(t)
        if one_off[i]:
            continue
        while rng.random() >= dropout:
            t += max(1, int(rng.gamma(shape, mean_gap[i] / shape)))
            if t >= span:
                break
            if keep is not None and rng.random() > keep[month_of_day[t]]:
                continue
            clients.append(i)
            days.append(t)
    c, d = np.array(clients), np.array(days)
    tx = pd.DataFrame({"client_id": [f"g{k:05d}" for k in c],
                       "date": start_ts + pd.to_timedelta(d, unit="D"),
                       "amount": np.round(size[c] * np.exp(rng.normal(0, 0.3, len(c))), 2)})
    return tx, end


BASES = {
    "short history (9 months, 15,000 clients)": {
        "n_clients": 15_000, "start": "2024-04-01", "months": 9, "seed": 11, "interval": (20, 60),
        "dropout": 0.05},
    "strong seasonality": {
        "n_clients": 1500, "start": "2022-01-01", "months": 36, "seed": 12, "interval": (15, 45),
        "dropout": 0.03,
        "season": [1, .6, .2, .05, .05, .05, .05, .05, .3, .8, 1, 1]},
    "mostly one-time buyers": {
        "n_clients": 3000, "start": "2023-01-01", "months": 24, "seed": 13, "one_off_share": 0.85,
        "interval": (30, 120), "dropout": 0.1},
    "long B2B cycles": {
        "n_clients": 800, "start": "2022-01-01", "months": 36, "seed": 14, "one_off_share": 0.05,
        "interval": (120, 365), "dropout": 0.05, "cv": 0.3},
}


def _sample_dates() -> list[pd.Timestamp]:
    every_other = list(pd.date_range("2023-01-31", "2025-12-31", freq="2ME"))
    special = [pd.Timestamp(d) for d in ("2023-04-30", "2023-05-31", "2023-11-30", "2023-12-31",
                                         "2024-04-30", "2025-12-31")]
    return sorted(set(every_other) | set(special))


@pytest.fixture(scope="module")
def one_thread():
    """BLAS/OpenMP pools limited to one thread: the machine is shared, timings stay sane."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def sweep(one_thread):
    """One row per (base, report date): status, scored share, chosen and best-baseline AUC."""
    started = time.perf_counter()
    panels = {"bundled sample": (rk.build_panel(rk.load(rk.sample_path())), _sample_dates())}
    for name, kw in BASES.items():
        tx, end = make_transactions(**kw)
        panel = rk.build_panel(tx)
        month_ends = pd.date_range(panel.start, end, freq="ME")
        # every month end of the short base; every third of the long ones (and the last)
        dates = list(month_ends) if kw["months"] <= 12 else sorted(
            set(month_ends[2::3]) | {month_ends[-1]})
        panels[name] = (panel, dates)
    rows = []
    for name, (panel, dates) in panels.items():
        for as_of in dates:
            model = ChurnModel()
            model.fit(panel, as_of=as_of)            # must never raise
            card = model.card_
            row = {"base": name, "as_of": as_of, "status": card.status, "chosen": model.chosen_,
                   "reason": card.reason, "scored_share": np.nan, "auc_chosen": np.nan,
                   "auc_best_baseline": np.nan, "failed": dict(card.failed)}
            if model.chosen_ is not None:
                snap = rk.snapshot(panel, as_of=as_of)
                alive = alive_population(snap)
                scores = model.score_clients(snap).clients
                scored = scores["churn_probability"].notna() & scores["churn_probability"].between(
                    0, 1)
                ids = set(scores.loc[scored, "client_id"])
                row["scored_share"] = np.mean([c in ids for c in snap.loc[alive, "client_id"]])
                row["reasons_ok"] = (scores[REASON_1].isin(REASON_CODES) | scores[REASON_1].isna()
                                     ).all() and (scores[REASON_2].isin(REASON_CODES)
                                                  | scores[REASON_2].isna()).all()
            if card.status in ("model", "baseline"):
                row["auc_chosen"] = card.metrics.loc[model.chosen_, "roc_auc"]
                row["auc_best_baseline"] = card.metrics.loc[
                    [b for b in BASELINES if b in card.metrics.index], "roc_auc"].max()
            rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["seconds"] = time.perf_counter() - started
    return table


def test_sweep_never_raises_and_never_hides_an_error(sweep):
    # fit() returned for every date (the fixture ran); none fell into the catch-all
    assert len(sweep) >= 60
    assert (sweep["base"] == "bundled sample").sum() >= 20
    assert not sweep["reason"].str.contains("could not be built").any()
    assert sweep["failed"].map(len).sum() == 0          # no candidate failed on these bases


def test_sweep_scores_whenever_it_can(sweep):
    # insufficient data only for no fully observed horizon or too few clients
    none = sweep[sweep["status"] == "insufficient data"]
    assert none["reason"].str.startswith(HISTORY_TOO_SHORT).all()
    scored = sweep[sweep["chosen"].notna()]
    assert (scored["scored_share"] >= 0.99).all(), scored.loc[scored["scored_share"] < 0.99]
    assert scored["reasons_ok"].all()
    # every base is scored at its last date; each kind of outcome is exercised
    last = sweep.groupby("base")["as_of"].transform("max") == sweep["as_of"]
    assert sweep.loc[last, "chosen"].notna().all()
    assert {"insufficient data", "not backtested", "baseline", "model"} <= set(sweep["status"])


def test_short_history_is_scored_not_backtested(sweep):
    """9 months of history and 15,000 clients: too short for the backtest, scored anyway."""
    short = sweep[sweep["base"].str.startswith("short history")].set_index("as_of")
    assert short.loc[pd.Timestamp("2024-12-31"), "status"] == "not backtested"
    assert short.loc[pd.Timestamp("2024-12-31"), "chosen"] == BASELINE_BGNBD
    assert short.loc[pd.Timestamp("2024-12-31"), "scored_share"] == 1.0
    # 2024-06-30: no month end 90 days back inside the data -> nothing to calibrate on
    assert short.loc[pd.Timestamp("2024-06-30"), "status"] == "insufficient data"


def test_sample_dates_that_used_to_crash_are_backtested(sweep):
    sample = sweep[sweep["base"] == "bundled sample"].set_index("as_of")
    for day in ("2023-11-30", "2023-12-31"):
        assert sample.loc[pd.Timestamp(day), "status"] in ("model", "baseline")


def test_a_model_chosen_by_backtest_beats_the_best_baseline(sweep):
    backtested = sweep[sweep["status"].isin(["model", "baseline"])]
    assert len(backtested) >= 20
    assert (backtested["auc_chosen"] >= backtested["auc_best_baseline"]).all()
    learned = backtested[backtested["status"] == "model"]
    assert not learned.empty
    assert (learned["auc_chosen"] > learned["auc_best_baseline"]).all()


def test_sweep_summary(sweep):
    """Prints what the sweep saw (run with -s); the figures are asserted above."""
    print(f"\nchurn sweep: {len(sweep)} fits in {sweep.attrs['seconds']:.1f} s")
    summary = sweep.groupby("base").agg(
        dates=("as_of", "size"), scored=("chosen", lambda s: int(s.notna().sum())),
        min_scored_share=("scored_share", "min"), auc_chosen=("auc_chosen", "mean"),
        auc_best_baseline=("auc_best_baseline", "mean"))
    print(summary.round(3).to_string())
    assert summary["dates"].sum() == len(sweep)


# --- dropped features, by hand --------------------------------------------------------------------


def test_dropped_features_by_hand(one_thread):
    """History from 2024-01-01, report date 2024-11-30, horizon 90 days: the test cut-off is
    2024-08-31 (+90 d = 11-29), the calibration cut-off 2024-05-31 (<= 08-31 - 90 d = 06-02) and
    the training cut-offs 2024-01-31 and 2024-02-29 (<= 05-31 - 90 d = 03-02). At those two
    cut-offs nobody has revenue in the 12 months before the window (``revenue_prev_window`` = 0
    for all) nor in the 3 months before the last 3 (``revenue_prev3`` = 0 for all), so ``trend``
    = last3 / prev3 - 1 is missing for all. No margin column: no ``margin_window``."""
    tx, _ = make_transactions(n_clients=900, start="2024-01-01", months=11, seed=5,
                              interval=(15, 60), dropout=0.06)
    panel = rk.build_panel(tx)
    model = ChurnModel(min_churners=10).fit(panel, as_of="2024-11-30")
    card = model.card_
    assert card.train_cutoffs == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-29")]
    assert card.dropped_features == {"revenue_prev_window": "constant",
                                     "revenue_prev3": "constant", "trend": "all missing"}
    assert not set(card.dropped_features) & set(model.features_)
    assert "margin_window" not in model.features_
    assert card.status in ("model", "baseline") and card.failed == {}
    # both learned candidates were fitted and backtested despite the empty columns
    assert {LOGISTIC, "gradient boosting"} <= set(card.metrics.index)
    text = str(card)
    assert "dropped features" in text and "trend (all missing)" in text
    assert "revenue_prev3 (constant)" in card._repr_html_()


# --- reasons, by hand -----------------------------------------------------------------------------


def _facts(orders_total, recency, interval, spend=None, spend3=None) -> pd.DataFrame:
    n = len(orders_total)
    nan = [np.nan] * n
    return pd.DataFrame({"orders_total": orders_total, "recency_days": recency,
                         "interval_days": interval, "spend_change": spend or nan,
                         "spend_change_3m": spend3 or nan}, dtype="float64")


def test_exact_logistic_contributions_by_hand():
    """A scaler z = (x - 0) / (10, 1) and coefficients (2, -1): over the population
    recency 10, 20, 60 -> z 1, 2, 6 (mean 3) and orders 5, 3, 1 -> z 5, 3, 1 (mean 3), so the
    contributions are 2 × (z - 3) = -4, -2, 6 and -1 × (z - 3) = -2, 0, 2."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    feats = ["recency_days", "orders_window"]
    X = pd.DataFrame({"recency_days": [10.0, 20.0, 60.0], "orders_window": [5.0, 3.0, 1.0]})
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, [0, 1, 1])
    pipe[0].mean_ = np.array([0.0, 0.0])
    pipe[0].scale_ = np.array([10.0, 1.0])
    pipe[-1].coef_ = np.array([[2.0, -1.0]])
    pipe[-1].intercept_ = np.array([0.5])
    contrib, direction, method = explain(LOGISTIC, pipe, X, feats)
    assert method == "exact linear contributions"
    np.testing.assert_allclose(contrib["recency_days"], [-4.0, -2.0, 6.0])
    np.testing.assert_allclose(contrib["orders_window"], [-2.0, 0.0, 2.0])
    assert direction["recency_days"].tolist() == [-1, -1, 1]
    assert direction["orders_window"].tolist() == [1, 0, -1]
    # logit = 2 z_r - z_o + 0.5 = -2.5, 1.5, 11.5 (mean 3.5): the contributions add up to it
    logit = np.log(pipe.predict_proba(X)[:, 1] / pipe.predict_proba(X)[:, 0])
    np.testing.assert_allclose(contrib.sum(axis=1), logit - logit.mean(), atol=1e-9)
    np.testing.assert_allclose(logit, [-2.5, 1.5, 11.5], atol=1e-9)
    # client 3: silent 60 days against a usual 20 (+6), fewer orders (+2); 1 and 2: no reason
    reasons = reason_codes(contrib, direction, _facts([5, 3, 2], [10, 20, 60], [30, 30, 20]))
    assert reasons.iloc[2].tolist() == ["silent_longer_than_usual", "few_orders"]
    assert reasons.iloc[0].isna().all() and reasons.iloc[1].isna().all()


class _RecencyOnly:
    """p = 0.1 + 0.001 × recency_days (clipped), whatever the other features."""

    def fit(self, X, y):
        return self

    def predict_proba(self, X):
        p = np.clip(0.1 + 0.001 * X["recency_days"].to_numpy(dtype=float), 0, 1)
        return np.column_stack([1 - p, p])


def test_median_replacement_by_hand():
    """Population recency 10, 20, 60 (median 20): replacing it by 20 changes p by
    0.001 × (x - 20) = -0.01, 0, +0.04; the order count changes nothing."""
    X = pd.DataFrame({"recency_days": [10.0, 20.0, 60.0], "orders_window": [5.0, 3.0, 1.0]})
    contrib, direction, method = explain("a model", _RecencyOnly(), X,
                                         ["recency_days", "orders_window"])
    assert method == "median replacement"
    np.testing.assert_allclose(contrib["recency_days"], [-0.01, 0.0, 0.04], atol=1e-12)
    np.testing.assert_allclose(contrib["orders_window"], [0.0, 0.0, 0.0], atol=1e-12)
    reasons = reason_codes(contrib, direction, _facts([5, 3, 2], [10, 20, 60], [30, 30, 20]))
    assert reasons.iloc[2].tolist() == ["silent_longer_than_usual", None]
    assert reasons.iloc[:2].isna().all().all()


def test_baseline_reasons_by_hand():
    """Baselines: percentiles of the recency ratio (recency / 90 for a one-order client) and of
    P(no purchase). Ratios 0.5, 1, 3 and 200/90 = 2.2 -> percentiles .25 .5 1 .75;
    P(no purchase) .2 .5 .9 .7 -> .25 .5 1 .75; minus 0.5 each."""
    X = pd.DataFrame({"recency_days": [15.0, 30.0, 90.0, 200.0],
                      "recency_ratio": [0.5, 1.0, 3.0, np.nan],
                      "p_no_purchase": [0.2, 0.5, 0.9, 0.7]})
    contrib, direction, method = explain(BASELINE_BGNBD, None, X, [])
    assert method == "baseline percentiles"
    np.testing.assert_allclose(contrib["recency_ratio"], [-0.25, 0.0, 0.5, 0.25])
    np.testing.assert_allclose(contrib["p_no_purchase"], [-0.25, 0.0, 0.5, 0.25])
    reasons = reason_codes(contrib, direction,
                           _facts([4, 3, 5, 1], [15, 30, 90, 200], [30, 30, 30, np.nan]))
    assert reasons.iloc[2].tolist() == ["silent_longer_than_usual", "low_p_alive"]
    assert reasons.iloc[3].tolist() == ["single_order", "low_p_alive"]
    assert reasons.iloc[0].isna().all() and reasons.iloc[1].isna().all()


def test_reason_codes_only_when_the_figures_agree():
    """A raised risk from recency is ``silent_longer_than_usual`` only when recency > usual
    interval; from spend only ``spend_down`` when a spend change is negative; a one-order
    client's ``few_orders`` is ``single_order``; same-code contributions add up."""
    contrib = pd.DataFrame({"recency_days": [0.5, 0.5, 0.5], "recency_ratio": [0.4, 0.4, 0.0],
                            "trend": [0.3, 0.3, 0.3], "revenue_prev3": [0.2, 0.0, 0.0],
                            "orders_total": [0.1, 0.1, 0.6]})
    direction = pd.DataFrame({"recency_days": [1, 1, 1], "recency_ratio": [1, 1, 2],
                              "trend": [-1, -1, -1], "revenue_prev3": [1, 1, 1],
                              "orders_total": [-1, -1, -1]})
    facts = _facts([6, 6, 1], [90, 20, 200], [30, 30, np.nan], spend3=[-0.5, 0.2, np.nan])
    reasons = reason_codes(contrib, direction, facts)
    # 1: silent 0.5 + 0.4 = 0.9, spend down 0.3 + 0.2 = 0.5
    assert reasons.iloc[0].tolist() == ["silent_longer_than_usual", "spend_down"]
    # 2: recency 20 < usual 30 and spend up: only few orders is left
    assert reasons.iloc[1].tolist() == ["few_orders", None]
    # 3: one order: recency and order count both read as single_order (0.5 + 0.6)
    assert reasons.iloc[2].tolist() == ["single_order", None]


def test_low_spend_and_few_orders_only_below_the_median():
    """"Low spend" / "few orders" only for a client below the median of the scored clients'
    last 12 months: a large client whose recent quarter dipped gets no "low spend"."""
    contrib = pd.DataFrame({"revenue_last3": [0.4, 0.4, 0.4], "orders_window": [0.2, 0.2, 0.2]})
    direction = pd.DataFrame({"revenue_last3": [-1, -1, -1], "orders_window": [-1, -1, -1]})
    facts = _facts([6, 6, 6], [20, 20, 20], [30, 30, 30])
    facts["revenue_window"] = [5_000_000.0, 1_000.0, 20_000.0]     # median 20,000
    facts["orders_window"] = [12.0, 2.0, 5.0]                       # median 5
    reasons = reason_codes(contrib, direction, facts)
    assert reasons.iloc[0].tolist() == [None, None]                 # the large, busy client
    assert reasons.iloc[1].tolist() == ["low_spend", "few_orders"]  # below both medians
    assert reasons.iloc[2].tolist() == [None, None]                 # at the medians
