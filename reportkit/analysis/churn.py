"""Churn model: who is about to leave, how sure we are, how much revenue is at risk.

The model learns from the base's own past. For monthly cut-offs whose horizon is fully observed,
the snapshot at the cut-off (only data up to it) gives the features, and "no order within
``horizon_days`` after the cut-off" the label. The population at a cut-off is the clients with at
least one order who are not dead yet (DESIGN.md lifecycle rule).

The backtest is a time split with embargoes so that no label window overlaps a later set::

    train cut-offs  ...  c_train_last   (c + horizon <= c_cal)
    calibration     c_cal               (c_cal + horizon <= c_test)
    test            c_test              = the latest cut-off with a fully observed horizon

Candidates (logistic regression, histogram gradient boosting) and baselines (recency relative to
the usual interval; BG/NBD probability of no purchase over the horizon) are all calibrated on the
calibration cut-off and compared on the test cut-off. The scoring model is the best on the test
ROC AUC — a baseline when a baseline wins, and the model card says so. It is then refitted on
every example up to the calibration cut-off, recalibrated on the test cut-off, and applied to the
base at ``as_of``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ModelWarning, ParameterError, check_param
from ..io.schema import (
    CLIENT_ID,
    FIRST_ORDER,
    INTERVAL_DAYS,
    LAST_ORDER,
    ORDERS_TOTAL,
    RECENCY_DAYS,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    TENURE_DAYS,
)

# output columns
CUTOFF = "cutoff"
LABEL = "churned"
CHURN_PROBABILITY = "churn_probability"
BAND = "band"
EXPECTED_REVENUE_12M = "expected_revenue_12m"
REVENUE_AT_RISK = "revenue_at_risk"
EXPECTED_NEXT_ORDER = "expected_next_order"
RECENCY_RATIO = "recency_ratio"
P_ALIVE = "p_alive"
P_NO_PURCHASE = "p_no_purchase"
EXPECTED_PURCHASES = "expected_purchases"

#: snapshot fields used as features (those present are used)
SNAPSHOT_FEATURES = (
    "recency_days", "tenure_days", "orders_window", "orders_total", "revenue_window",
    "revenue_total", "revenue_prev_window", "interval_days", "active_months", "cv", "aov",
    "revenue_last3", "revenue_prev3", "trend", "best12_revenue", "margin_window",
)
DERIVED_FEATURES = (RECENCY_RATIO, P_ALIVE, P_NO_PURCHASE, EXPECTED_PURCHASES)

BASELINE_RECENCY = "baseline: recency vs usual interval"
BASELINE_BGNBD = "baseline: BG/NBD P(no purchase)"
LOGISTIC = "logistic regression"
BOOSTING = "gradient boosting"

BANDS = (("low", 0.0), ("medium", 0.3), ("high", 0.6))


# --- examples ---------------------------------------------------------------------------------------


def _month_ends(panel, last: pd.Timestamp) -> list[pd.Timestamp]:
    first = pd.Timestamp(panel.start).normalize() + pd.offsets.MonthEnd(0)
    return list(pd.date_range(first, last, freq="ME"))


def fully_observed_cutoffs(panel, *, as_of, horizon_days: int = 90, n: int | None = None
                           ) -> list[pd.Timestamp]:
    """Month-end cut-offs ``c`` with ``c + horizon_days <= as_of``, oldest first (the last ``n``).

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(start=pd.Timestamp("2023-01-10"))
    >>> [c.strftime("%Y-%m-%d") for c in fully_observed_cutoffs(p, as_of="2023-06-30", n=2)]
    ['2023-02-28', '2023-03-31']
    """
    as_of = pd.Timestamp(as_of)
    last = as_of - pd.Timedelta(days=horizon_days)
    cutoffs = [c for c in _month_ends(panel, last) if c + pd.Timedelta(days=horizon_days) <= as_of]
    return cutoffs[-n:] if n else cutoffs


def _next_order_day(panel, cutoff: pd.Timestamp, client_ids: pd.Series) -> np.ndarray:
    """First purchase day after the month of ``cutoff`` (a month end) for each client id, as days
    since 1970-01-01 (float); NaN when the client has none (or is not in the panel).

    One pass over the panel's rows (each client's rows together, months ascending): among the
    purchase months after the cut-off month, a client's first row is its earliest.
    """
    r = panel._rows
    after = (cutoff.year - 1970) * 12 + cutoff.month          # month number after the cut-off
    sel = np.flatnonzero((r.orders > 0) & (r.month >= after))
    code = r.code[sel]
    first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, dtype=bool)
    day = np.full(len(panel._ids), np.nan)
    day[code[first]] = r.first_day[sel[first]]
    wanted = panel._id_index.get_indexer(client_ids.to_numpy())
    return np.where(wanted >= 0, day[wanted], np.nan)


def label_churn(panel, snapshot: pd.DataFrame, *, cutoff, horizon_days: int = 90) -> pd.Series:
    """1 when the client places no order in ``(cutoff, cutoff + horizon_days]``, else 0.

    ``cutoff`` must be a month end (the panel is monthly); aligned with ``snapshot`` rows.
    """
    cutoff = pd.Timestamp(cutoff)
    if cutoff != cutoff + pd.offsets.MonthEnd(0):
        raise ParameterError(f"`cutoff` must be a month end, got {cutoff:%Y-%m-%d}")
    nxt = _next_order_day(panel, cutoff, snapshot[CLIENT_ID])
    last_day = (cutoff.normalize() - pd.Timestamp("1970-01-01")).days + horizon_days
    bought = nxt <= last_day                   # False for NaN (no order after the cut-off)
    return pd.Series((~bought).astype("int8"), index=snapshot.index, name=LABEL)


def alive_population(snapshot: pd.DataFrame, *, dead_days: int = 365,
                     dead_interval_multiple: float = 3.0) -> pd.Series:
    """Clients with an order who are not dead (silent > max(dead_days, k × usual interval))."""
    orders = snapshot[ORDERS_TOTAL].fillna(0)
    limit = np.maximum(dead_days, dead_interval_multiple * snapshot[INTERVAL_DAYS].fillna(0))
    return (orders > 0) & (snapshot[RECENCY_DAYS] <= limit)


def _bgnbd_columns(snap: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """BG/NBD P(alive), P(no purchase over the horizon), expected purchases — fitted on this
    snapshot's clients with an order (time in weeks)."""
    from .btyd import BetaGeoModel

    out = pd.DataFrame(index=snap.index, columns=[P_ALIVE, P_NO_PURCHASE, EXPECTED_PURCHASES],
                       dtype="float64")
    has = snap[ORDERS_TOTAL].fillna(0) > 0
    if has.sum() < 2:
        return out
    s = snap.loc[has]
    freq = (s[ORDERS_TOTAL] - 1).clip(lower=0).to_numpy(dtype=float)
    rec = ((s[LAST_ORDER] - s[FIRST_ORDER]).dt.days / 7.0).to_numpy(dtype=float)
    T = (s[TENURE_DAYS] / 7.0).to_numpy(dtype=float)
    rec = np.minimum(rec, T)
    rec = np.where(freq == 0, 0.0, rec)
    t = horizon_days / 7.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        model = BetaGeoModel().fit(freq, rec, T)
    out.loc[has, P_ALIVE] = model.p_alive(freq, rec, T)
    out.loc[has, P_NO_PURCHASE] = model.p_no_purchase(t, freq, rec, T)
    out.loc[has, EXPECTED_PURCHASES] = model.expected_purchases(t, freq, rec, T)
    return out


def make_features(snap: pd.DataFrame, *, horizon_days: int = 90) -> pd.DataFrame:
    """Feature frame for a snapshot: snapshot fields, recency relative to the usual interval
    and BG/NBD outputs. Index aligned with ``snap``."""
    cols = [c for c in SNAPSHOT_FEATURES if c in snap.columns]
    X = snap[cols].astype("float64").copy()
    interval = snap[INTERVAL_DAYS].astype("float64")
    X[RECENCY_RATIO] = snap[RECENCY_DAYS] / interval.where(interval > 0)
    X = pd.concat([X, _bgnbd_columns(snap, horizon_days)], axis=1)
    return X.replace([np.inf, -np.inf], np.nan)


def build_examples(panel, *, cutoffs, horizon_days: int = 90, window_months: int = 12,
                   dead_days: int = 365, dead_interval_multiple: float = 3.0,
                   max_per_cutoff: int | None = None, random_state: int = 0) -> pd.DataFrame:
    """Training examples: one row per (cut-off, client alive at it), features and the label.

    Each cut-off's features come from the snapshot at that cut-off (only data up to it); the label
    from the panel months after it. Returns columns ``cutoff``, ``client_id``, the features and
    ``churned`` (1 = no order within the horizon). With ``max_per_cutoff``, a cut-off with more
    alive clients keeps a seeded random sample of that many (a large base trains and backtests
    on a sample; every client is still scored).
    """
    from ..core.snapshot import snapshot as make_snapshot

    frames = []
    for c in cutoffs:
        snap = make_snapshot(panel, as_of=c, window_months=window_months)
        pop = alive_population(snap, dead_days=dead_days,
                               dead_interval_multiple=dead_interval_multiple)
        snap = snap.loc[pop].reset_index(drop=True)
        if snap.empty:
            continue
        if max_per_cutoff is not None and len(snap) > max_per_cutoff:
            rng = np.random.default_rng([random_state, int(pd.Timestamp(c).value // 10**9)])
            keep = np.sort(rng.choice(len(snap), size=max_per_cutoff, replace=False))
            snap = snap.iloc[keep].reset_index(drop=True)
        X = make_features(snap, horizon_days=horizon_days)
        X.insert(0, CLIENT_ID, snap[CLIENT_ID].to_numpy())
        X.insert(0, CUTOFF, pd.Timestamp(c))
        X[LABEL] = label_churn(panel, snap, cutoff=c, horizon_days=horizon_days).to_numpy()
        frames.append(X)
    if not frames:
        return pd.DataFrame(columns=[CUTOFF, CLIENT_ID, LABEL])
    return pd.concat(frames, ignore_index=True)


# --- metrics --------------------------------------------------------------------------------------------


def top_decile_lift(y: np.ndarray, score: np.ndarray, share: float = 0.10) -> tuple[float, float]:
    """(lift, capture) in the top ``share`` of clients ranked by ``score`` (ties by order).

    lift = churn rate in the top share / overall churn rate; capture = share of all churners
    found in the top share.

    >>> top_decile_lift(np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]), np.arange(10)[::-1], 0.1)
    (5.0, 0.5)
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    k = max(1, round(n * share))
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    top = y[order[:k]]
    base = y.mean()
    if base == 0:
        return float("nan"), float("nan")
    return float(top.mean() / base), float(top.sum() / y.sum())


def evaluate(y, p) -> dict[str, float]:
    """ROC AUC, PR AUC, Brier score, lift and capture in the top 10 %."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(y)
    p = np.asarray(p, dtype=float)
    two = len(np.unique(y)) == 2
    lift, capture = top_decile_lift(y, p)
    return {
        "roc_auc": float(roc_auc_score(y, p)) if two else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if two else float("nan"),
        "brier": float(brier_score_loss(y, np.clip(p, 0, 1))),
        "lift_top10": lift,
        "capture_top10": capture,
    }


# --- candidates ---------------------------------------------------------------------------------------


def default_candidates(random_state: int = 0) -> dict:
    """The estimators compared by default: name -> scikit-learn pipeline (unfitted).

    Logistic regression is solved with ``newton-cholesky`` (few, exact Newton steps: the same
    optimum as lbfgs, reached in ~4 iterations instead of ~200 on a large base). Gradient
    boosting runs 100 iterations at learning rate 0.12: on synthetic bases of 2k-100k clients
    its test ROC AUC was within 0.001 of 200 iterations at 0.06, in half the time
    (benchmarks/bench_churn.py).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    def signed_log(X):
        return np.sign(X) * np.log1p(np.abs(X))

    return {
        LOGISTIC: make_pipeline(
            FunctionTransformer(signed_log, feature_names_out="one-to-one"),
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(), LogisticRegression(max_iter=2000, C=1.0, solver="newton-cholesky")),
        BOOSTING: HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.12, max_leaf_nodes=31, min_samples_leaf=40,
            l2_regularization=1.0, random_state=random_state),
    }


def _baseline_scores(X: pd.DataFrame) -> dict[str, np.ndarray]:
    ratio = X[RECENCY_RATIO].to_numpy(dtype=float)
    # one-order clients have no usual interval: rank them by recency in units of 90 days
    fallback = X["recency_days"].to_numpy(dtype=float) / 90.0
    ratio = np.where(np.isnan(ratio), fallback, ratio)
    pno = X[P_NO_PURCHASE].to_numpy(dtype=float)
    pno = np.where(np.isnan(pno), np.nanmedian(pno) if np.isfinite(pno).any() else 0.5, pno)
    return {BASELINE_RECENCY: ratio, BASELINE_BGNBD: pno}


class _Isotonic:
    """Isotonic calibration of a score fitted on a separate (later) cut-off."""

    def fit(self, score, y):
        from sklearn.isotonic import IsotonicRegression

        self.iso_ = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        self.iso_.fit(np.asarray(score, dtype=float), np.asarray(y, dtype=float))
        return self

    def transform(self, score):
        return self.iso_.predict(np.asarray(score, dtype=float))


def _raw_score(name: str, model, X: pd.DataFrame) -> np.ndarray:
    if name in (BASELINE_RECENCY, BASELINE_BGNBD):
        return _baseline_scores(X)[name]
    return model.predict_proba(X)[:, 1]


# --- the model --------------------------------------------------------------------------------------


@dataclass
class ModelCard:
    """What the churn model is, how it was tested, and how well it did."""

    status: str                                # "model", "baseline" or "insufficient data"
    chosen: str | None
    reason: str
    horizon_days: int
    as_of: pd.Timestamp
    train_cutoffs: list = field(default_factory=list)
    calibration_cutoff: pd.Timestamp | None = None
    test_cutoff: pd.Timestamp | None = None
    population: dict = field(default_factory=dict)
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    brier_uncalibrated: float | None = None
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        return self.metrics.copy()

    def summary_lines(self) -> list[str]:
        lines = [f"status: {self.status}; scoring with: {self.chosen or 'rules'}", self.reason,
                 f"horizon: {self.horizon_days} days; as of {self.as_of:%Y-%m-%d}"]
        if self.test_cutoff is not None:
            lines.append("train cut-offs: " + ", ".join(f"{c:%Y-%m}" for c in self.train_cutoffs)
                         + f"; calibration: {self.calibration_cutoff:%Y-%m}; test: "
                         f"{self.test_cutoff:%Y-%m}")
        for k, v in self.population.items():
            lines.append(f"{k}: {v:,}" if isinstance(v, (int, np.integer)) else f"{k}: {v}")
        return lines

    def __str__(self) -> str:
        text = "\n".join(self.summary_lines())
        if not self.metrics.empty:
            text += "\n" + self.metrics.round(3).to_string()
        return text

    def _repr_html_(self) -> str:
        from html import escape

        parts = ["<div class='rk-model-card'><ul>"]
        parts += [f"<li>{escape(line)}</li>" for line in self.summary_lines()]
        parts.append("</ul>")
        if not self.metrics.empty:
            parts.append(self.metrics.round(3).to_html(escape=True))
        if not self.importance.empty:
            parts.append(self.importance.head(10).round(4).to_html(index=False, escape=True))
        parts.append("</div>")
        return "".join(parts)


class ChurnModel:
    """Learn churn from the base's past, backtest it, and score the base.

    Parameters
    ----------
    horizon_days : int, default 90
        Churn = no order within this many days after the cut-off.
    n_cutoffs : int, default 6
        Monthly cut-offs used for training (before the calibration and test cut-offs).
    window_months : int, default 12
        Look-back window of the snapshots.
    candidates : dict of name -> estimator, optional
        scikit-learn classifiers with ``predict_proba``; default :func:`default_candidates`.
    features : list of str, optional
        Feature columns to use (default: every column of :func:`make_features`).
    min_clients : int, default 200
        Fewer alive clients at the test cut-off: no model is trained.
    min_churners : int, default 30
        Fewer churners in the training or the test examples: no model is trained.
    dead_days, dead_interval_multiple : int, float, default 365, 3.0
        The lifecycle's dead rule, which defines the population.
    max_examples_per_cutoff : int or None, default 30000
        A cut-off with more alive clients keeps a seeded random sample of this many examples
        (training, calibration and the backtest's test cut-off); the whole base is still scored.
        30,000 a cut-off is 180,000 training examples over six cut-offs: enough for a dozen
        features, and the fit no longer grows with the base. None uses every client.
    random_state : int, default 0

    Attributes
    ----------
    card_ : ModelCard
    examples_ : DataFrame
        Every example built (cut-off, client, features, label).
    chosen_ : str or None
        The name of the scorer in use ("insufficient data" -> None).
    """

    def __init__(self, *, horizon_days: int = 90, n_cutoffs: int = 6, window_months: int = 12,
                 candidates: dict | None = None, features: list[str] | None = None,
                 min_clients: int = 200, min_churners: int = 30, dead_days: int = 365,
                 dead_interval_multiple: float = 3.0,
                 max_examples_per_cutoff: int | None = 30_000, random_state: int = 0):
        self.horizon_days = horizon_days
        self.max_examples_per_cutoff = max_examples_per_cutoff
        self.n_cutoffs = n_cutoffs
        self.window_months = window_months
        self.candidates = candidates
        self.features = features
        self.min_clients = min_clients
        self.min_churners = min_churners
        self.dead_days = dead_days
        self.dead_interval_multiple = dead_interval_multiple
        self.random_state = random_state

    @classmethod
    def from_settings(cls, settings, lifecycle=None, *, window_months: int = 12, **kwargs):
        """Build from :class:`reportkit.io.config.ChurnSettings` (and LifecycleRules)."""
        extra = {}
        if lifecycle is not None:
            extra = {"dead_days": lifecycle.dead_days,
                     "dead_interval_multiple": lifecycle.dead_interval_multiple}
        return cls(horizon_days=settings.horizon_days, n_cutoffs=settings.n_cutoffs,
                   min_clients=settings.min_clients, min_churners=settings.min_churners,
                   max_examples_per_cutoff=settings.max_examples_per_cutoff,
                   random_state=settings.random_state, window_months=window_months,
                   **extra, **kwargs)

    def _check(self) -> None:
        check_param(isinstance(self.horizon_days, (int, np.integer)) and self.horizon_days >= 7,
                    "horizon_days", "an integer of at least 7", self.horizon_days)
        check_param(isinstance(self.n_cutoffs, (int, np.integer)) and self.n_cutoffs >= 1,
                    "n_cutoffs", "a positive integer", self.n_cutoffs)

    def _insufficient(self, why: str, as_of, **population) -> ChurnModel:
        self.chosen_ = None
        self.model_ = None
        self.calibrator_ = None
        self.card_ = ModelCard(status="insufficient data", chosen=None, reason=why,
                               horizon_days=self.horizon_days, as_of=pd.Timestamp(as_of),
                               population=population)
        return self

    def fit(self, panel, *, as_of) -> ChurnModel:
        """Build examples, backtest candidates and baselines, choose, calibrate, refit.

        Parameters
        ----------
        panel : Panel
            The client-month panel (:func:`reportkit.build_panel`).
        as_of : date
            The report date; only cut-offs whose horizon ends by ``as_of`` are used.
        """
        self._check()
        as_of = pd.Timestamp(as_of)
        self.as_of_ = as_of
        h = pd.Timedelta(days=self.horizon_days)
        all_cuts = fully_observed_cutoffs(panel, as_of=as_of, horizon_days=self.horizon_days)
        if not all_cuts:
            return self._insufficient(
                f"too little history: no month end before {as_of - h:%Y-%m-%d} "
                f"(as of minus the {self.horizon_days}-day horizon)", as_of)
        test_cut = all_cuts[-1]
        cal_cands = [c for c in all_cuts if c + h <= test_cut]
        if not cal_cands:
            return self._insufficient("too little history for a time-split backtest (needs a "
                                      "calibration cut-off a full horizon before the test one)",
                                      as_of)
        cal_cut = cal_cands[-1]
        train_cuts = [c for c in all_cuts if c + h <= cal_cut][-self.n_cutoffs:]
        if not train_cuts:
            return self._insufficient(
                "too little history: training needs cut-offs at least two horizons "
                f"({2 * self.horizon_days} days) before {test_cut:%Y-%m-%d}", as_of)
        cuts = [*train_cuts, cal_cut, test_cut]
        ex = build_examples(panel, cutoffs=cuts, horizon_days=self.horizon_days,
                            window_months=self.window_months, dead_days=self.dead_days,
                            dead_interval_multiple=self.dead_interval_multiple,
                            max_per_cutoff=self.max_examples_per_cutoff,
                            random_state=self.random_state)
        self.examples_ = ex
        available = [c for c in ex.columns if c not in (CUTOFF, CLIENT_ID, LABEL)]
        feats = [c for c in self.features if c in available] if self.features else available
        self.features_ = feats
        train = ex[ex[CUTOFF].isin(train_cuts)]
        cal = ex[ex[CUTOFF] == cal_cut]
        test = ex[ex[CUTOFF] == test_cut]
        population = {"clients at the test cut-off": len(test),
                      "churners at the test cut-off": int(test[LABEL].sum()) if len(test) else 0,
                      "training examples": len(train),
                      "churners in training": int(train[LABEL].sum()) if len(train) else 0}
        if len(test) < self.min_clients:
            return self._insufficient(
                f"too few clients: {len(test):,} alive at the test cut-off, the model needs "
                f"{self.min_clients:,}", as_of, **population)
        for name, part in (("training", train), ("calibration", cal), ("test", test)):
            n_churn = int(part[LABEL].sum())
            n_stay = int(len(part) - n_churn)
            if min(n_churn, n_stay) < self.min_churners:
                return self._insufficient(
                    f"too few churners or stayers in the {name} examples ({n_churn:,} churned, "
                    f"{n_stay:,} stayed; the model needs {self.min_churners} of each)", as_of,
                    **population)

        candidates = self.candidates if self.candidates is not None else default_candidates(
            self.random_state)
        rows, fitted, calibrators, uncal_brier, raw_tests = {}, {}, {}, {}, {}
        from sklearn.base import clone

        X_train, X_cal, X_test = train[feats], cal[feats], test[feats]
        for name in [BASELINE_RECENCY, BASELINE_BGNBD, *candidates]:
            model = None
            if name in candidates:
                model = clone(candidates[name]).fit(X_train, train[LABEL])
            raw_cal = _raw_score(name, model, X_cal)
            raw_test = _raw_score(name, model, X_test)
            calib = _Isotonic().fit(raw_cal, cal[LABEL])
            p_test = calib.transform(raw_test)
            metrics = evaluate(test[LABEL], p_test)
            # ranking metrics from the raw score (isotonic steps create ties)
            raw_metrics = evaluate(test[LABEL], raw_test)
            metrics["roc_auc"] = raw_metrics["roc_auc"]
            metrics["pr_auc"] = raw_metrics["pr_auc"]
            metrics["lift_top10"] = raw_metrics["lift_top10"]
            metrics["capture_top10"] = raw_metrics["capture_top10"]
            if name in candidates:
                uncal_brier[name] = raw_metrics["brier"]
            rows[name] = metrics
            fitted[name] = model
            calibrators[name] = calib
            raw_tests[name] = raw_test
        table = pd.DataFrame(rows).T
        table.index.name = "scorer"
        best_baseline = table.loc[[BASELINE_RECENCY, BASELINE_BGNBD], "roc_auc"].max()
        chosen = str(table["roc_auc"].idxmax())
        is_baseline = chosen in (BASELINE_RECENCY, BASELINE_BGNBD)
        table["chosen"] = table.index == chosen
        self.chosen_ = chosen
        self.backtest_ = table

        # importance of features for the chosen model on the test cut-off
        importance = pd.DataFrame(columns=["feature", "importance"])
        if not is_baseline:
            from sklearn.inspection import permutation_importance

            sample = test if len(test) <= 20000 else test.sample(20000,
                                                                 random_state=self.random_state)
            imp = permutation_importance(fitted[chosen], sample[feats], sample[LABEL],
                                         scoring="roc_auc", n_repeats=3,
                                         random_state=self.random_state, n_jobs=1)
            importance = pd.DataFrame({"feature": feats, "importance": imp.importances_mean}
                                      ).sort_values("importance", ascending=False,
                                                    ignore_index=True)

        # final scorer: refit on everything up to the calibration cut-off, calibrate on the test
        final_train = ex[ex[CUTOFF].isin([*train_cuts, cal_cut])]
        if is_baseline:
            self.model_ = None
        else:
            self.model_ = clone(candidates[chosen]).fit(final_train[feats], final_train[LABEL])
        self.calibrator_ = _Isotonic().fit(_raw_score(chosen, self.model_, X_test), test[LABEL])
        reliability = _reliability(test[LABEL].to_numpy(),
                                   calibrators[chosen].transform(raw_tests[chosen]))
        if is_baseline:
            reason = (f"a simple baseline ({chosen}) ranked churners best on the test cut-off "
                      f"(ROC AUC {table.loc[chosen, 'roc_auc']:.3f}); the report uses it")
        else:
            reason = (f"{chosen} ranked churners best on the test cut-off (ROC AUC "
                      f"{table.loc[chosen, 'roc_auc']:.3f} vs {best_baseline:.3f} for the best "
                      "baseline)")
        self.card_ = ModelCard(
            status="baseline" if is_baseline else "model", chosen=chosen, reason=reason,
            horizon_days=self.horizon_days, as_of=as_of, train_cutoffs=train_cuts,
            calibration_cutoff=cal_cut, test_cutoff=test_cut, population=population,
            metrics=table, brier_uncalibrated=uncal_brier.get(chosen), importance=importance,
            reliability=reliability)
        return self

    def predict_proba(self, snapshot: pd.DataFrame) -> pd.Series:
        """Calibrated churn probability for each row of a snapshot (NaN outside the population)."""
        if getattr(self, "chosen_", None) is None:
            raise ParameterError("the churn model has no scorer (insufficient data: "
                                 f"{self.card_.reason}); use the reactivation list instead")
        pop = alive_population(snapshot, dead_days=self.dead_days,
                               dead_interval_multiple=self.dead_interval_multiple)
        out = pd.Series(np.nan, index=snapshot.index, name=CHURN_PROBABILITY)
        if pop.any():
            X = make_features(snapshot.loc[pop], horizon_days=self.horizon_days)[self.features_]
            out[pop] = self.calibrator_.transform(_raw_score(self.chosen_, self.model_, X))
        return out

    def score(self, snapshot: pd.DataFrame, *, clients: pd.DataFrame | None = None
              ) -> pd.DataFrame:
        """Score the base: probability, band, expected revenue and revenue at risk.

        Returns
        -------
        DataFrame
            One row per client in the population (has ordered, not dead), ranked by revenue at
            risk: ``client_id``, ``churn_probability``, ``band`` (low < 0.3 <= medium < 0.6 <=
            high), ``expected_revenue_12m`` (BG/NBD × Gamma-Gamma over 52 weeks; the average
            of the last 12 months when that cannot be fitted), ``revenue_at_risk`` (probability ×
            expected revenue), ``last_order``, ``recency_days``, ``interval_days``,
            ``expected_next_order`` (last order + usual interval), ``revenue_window``, and
            ``name`` / ``manager`` when a clients table is given.
        """
        p = self.predict_proba(snapshot)
        pop = p.notna()
        s = snapshot.loc[pop]
        out = pd.DataFrame({CLIENT_ID: s[CLIENT_ID].to_numpy(),
                            CHURN_PROBABILITY: p[pop].to_numpy()})
        out[BAND] = pd.cut(out[CHURN_PROBABILITY], [-0.01, 0.3, 0.6, 1.01],
                           labels=[b for b, _ in BANDS], right=False).astype(str)
        out[EXPECTED_REVENUE_12M] = expected_revenue_12m(s).to_numpy()
        out[REVENUE_AT_RISK] = out[CHURN_PROBABILITY] * out[EXPECTED_REVENUE_12M]
        out[LAST_ORDER] = s[LAST_ORDER].to_numpy()
        out[RECENCY_DAYS] = s[RECENCY_DAYS].to_numpy()
        out[INTERVAL_DAYS] = s[INTERVAL_DAYS].to_numpy()
        out[EXPECTED_NEXT_ORDER] = (s[LAST_ORDER] + pd.to_timedelta(s[INTERVAL_DAYS], unit="D")
                                    ).to_numpy()
        out[REVENUE_WINDOW] = s[REVENUE_WINDOW].to_numpy()
        if clients is not None:
            extra = [c for c in ("name", "manager") if c in clients.columns]
            if extra:
                out = out.merge(clients[[CLIENT_ID, *extra]].drop_duplicates(CLIENT_ID),
                                on=CLIENT_ID, how="left")
        return out.sort_values([REVENUE_AT_RISK, CLIENT_ID], ascending=[False, True],
                               ignore_index=True)


def expected_revenue_12m(snapshot: pd.DataFrame) -> pd.Series:
    """Expected revenue over the next 52 weeks per snapshot row (BG/NBD × Gamma-Gamma).

    Falls back to the revenue of the last 12 months (with a ModelWarning) when the models cannot
    be fitted. Clients without an order get 0.
    """
    from .btyd import BetaGeoModel, GammaGammaModel

    out = pd.Series(0.0, index=snapshot.index)
    has = snapshot[ORDERS_TOTAL].fillna(0) > 0
    if has.sum() < 2:
        return out
    s = snapshot.loc[has]
    freq = (s[ORDERS_TOTAL] - 1).clip(lower=0).to_numpy(dtype=float)
    T = (s[TENURE_DAYS] / 7.0).to_numpy(dtype=float)
    rec = np.minimum(((s[LAST_ORDER] - s[FIRST_ORDER]).dt.days / 7.0).to_numpy(dtype=float), T)
    rec = np.where(freq == 0, 0.0, rec)
    monetary = (s[REVENUE_TOTAL] / s[ORDERS_TOTAL]).to_numpy(dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            bg = BetaGeoModel().fit(freq, rec, T)
            ok = (freq > 0) & (monetary > 0)
            gg = GammaGammaModel().fit(freq[ok], monetary[ok])
            purchases = bg.expected_purchases(52.0, freq, rec, T)
            value = gg.expected_order_value(freq, np.where(monetary > 0, monetary, 0.0))
        est = np.asarray(purchases, dtype=float) * np.asarray(value, dtype=float)
        if not np.all(np.isfinite(est)):
            raise FloatingPointError("non-finite expected revenue")
        out[has] = est
    except Exception as exc:  # noqa: BLE001 - a model that cannot be fitted must not break a report
        warnings.warn(f"expected revenue: BG/NBD × Gamma-Gamma could not be used ({exc}); "
                      "using the revenue of the last 12 months instead", ModelWarning,
                      stacklevel=2)
        out[has] = s[REVENUE_WINDOW].clip(lower=0).to_numpy()
    return out


def _reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Reliability curve: mean predicted vs observed churn rate in probability bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    df = pd.DataFrame({"bin": idx, "p": p, "y": y})
    g = df.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"),
                              clients=("y", "size")).reset_index(drop=True)
    return g


__all__ = [
    "ChurnModel",
    "ModelCard",
    "alive_population",
    "build_examples",
    "default_candidates",
    "evaluate",
    "expected_revenue_12m",
    "fully_observed_cutoffs",
    "label_churn",
    "make_features",
    "top_decile_lift",
]
