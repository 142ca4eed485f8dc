"""Churn model: who is about to leave, how sure we are, why, and how much revenue is at risk.

The model learns from the base's own past. For monthly cut-offs whose horizon is fully observed,
the snapshot at the cut-off (only data up to it) gives the features, and "no order within
``horizon_days`` after the cut-off" the label. The population at a cut-off is the clients with at
least one order who are not dead yet (the lifecycle's rule for dead clients).

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

Never crashes, always scores when it can
----------------------------------------
:meth:`ChurnModel.fit` raises only for invalid parameters
(:class:`~reportkit.errors.ParameterError`), never because of the data. The card's ``status``
says what the data allowed:

* ``"model"`` / ``"baseline"`` — the backtest ran; the best scorer on the test cut-off is used.
* ``"not backtested"`` — the history is too short for the time split (no calibration cut-off a
  horizon before the test cut-off, no training cut-off a horizon before that) or there are too
  few churners or stayers for a learned model, but the latest fully observed cut-off has at least
  ``min_clients`` alive clients: every alive client is scored with the BG/NBD probability of no
  purchase within the horizon (:data:`BASELINE_BGNBD`), calibrated (isotonic) on that cut-off.
* ``"insufficient data"`` — no fully observed cut-off, or fewer than ``min_clients`` alive clients
  at the latest one: nothing is scored (the report falls back to its reactivation list).

Features that are constant or entirely missing in the training examples are dropped before any
candidate is fitted (``ModelCard.dropped_features``); a candidate that fails to fit or predict is
skipped and recorded with its error's first line (``ModelCard.failed``).

Why at risk
-----------
:meth:`ChurnModel.score_clients` gives every scored client the two reason codes
(``reason_1``, ``reason_2``, from :data:`REASON_CODES`) whose features raise its probability
most against a typical client of the scored population (the alive clients at ``as_of``):

* a logistic regression (any scikit-learn pipeline of transformers ending in a linear
  classifier): exact contributions ``coef_j × (z_ij − mean_i z_ij)`` on the standardised
  features, a missing-value indicator counted with its feature; they add up to the client's
  logit minus the population's mean logit;
* any other learned model: each feature in turn is replaced by its population median and the
  contribution is the change in the (uncalibrated) probability,
  ``p(x_i) − p(x_i with x_ij = median_j)``;
* the baselines: the recency ratio (recency / usual interval) and the BG/NBD P(no purchase),
  each as its percentile in the population minus 0.5.

Features are mapped to codes by :data:`FEATURE_REASONS` (a code per direction of the deviation);
the positive contributions of features sharing a code are added, and the two largest codes are
the reasons. A code is only given when the deviation is in the direction the code states and the
client's own figures agree with it: ``silent_longer_than_usual`` needs recency > usual interval
(a one-order client gets ``single_order`` instead), ``spend_down`` needs a negative
``spend_change`` or ``spend_change_3m``. A client with fewer than two such codes has NA for the
missing reasons. The codes (no words here — the report layer phrases them):

* ``silent_longer_than_usual`` — silent for longer than its usual interval between orders
  (wording: ``recency_days``, ``interval_days``);
* ``single_order`` — one order so far, no usual interval yet (``recency_days``);
* ``few_orders`` — fewer orders than a typical client (``orders_window``);
* ``rare_orders`` — a longer usual interval between orders than typical (``interval_days``);
* ``irregular_orders`` — monthly revenue more irregular than typical (CV);
* ``spend_down`` — spending less than before (``spend_change``: the window against the
  previous window; ``spend_change_3m``: the last 3 months against the 3 before);
* ``low_spend`` — spends less than a typical client (``revenue_window``);
* ``new_client`` — a shorter history with the company than typical (``tenure_days``);
* ``long_since_first_order`` — a longer history with the company than typical (``tenure_days``);
* ``low_p_alive`` — BG/NBD: unlikely to buy within the horizon (``p_no_purchase``).

Reproducible
------------
Every random choice is seeded from ``random_state``: the per-cut-off sampling, the candidates
(any ``random_state`` parameter left at None in a given candidate is set too), permutation
importance and its subsample. The same data and parameters give the same probabilities, byte for
byte.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from ..core.panel import Panel
from ..core.snapshot import snapshot as make_snapshot
from ..errors import ModelWarning, ParameterError, check_param
from ..io.schema import (
    CLIENT_ID,
    FIRST_ORDER,
    INTERVAL_DAYS,
    LAST_ORDER,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    RECENCY_DAYS,
    REVENUE_LAST3,
    REVENUE_PREV3,
    REVENUE_PREV_WINDOW,
    REVENUE_WINDOW,
    TENURE_DAYS,
)
from .btyd import BetaGeoModel
from .value import expected_revenue

#: default churn horizon in days: churn = no order within this many days
HORIZON_DAYS = 90

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
REASON_1 = "reason_1"
REASON_2 = "reason_2"
SPEND_CHANGE = "spend_change"  # revenue_window / revenue_prev_window - 1
SPEND_CHANGE_3M = "spend_change_3m"  # revenue_last3 / revenue_prev3 - 1 (the snapshot's trend)

#: snapshot fields used as features (those present are used)
SNAPSHOT_FEATURES = (
    "recency_days",
    "tenure_days",
    "orders_window",
    "orders_total",
    "revenue_window",
    "revenue_total",
    "revenue_prev_window",
    "interval_days",
    "active_months",
    "cv",
    "aov",
    "revenue_last3",
    "revenue_prev3",
    "trend",
    "best12_revenue",
    "margin_window",
)

BASELINE_RECENCY = "baseline: recency vs usual interval"
BASELINE_BGNBD = "baseline: BG/NBD P(no purchase)"
LOGISTIC = "logistic regression"
BOOSTING = "gradient boosting"
BASELINES = (BASELINE_RECENCY, BASELINE_BGNBD)

# card statuses
STATUS_MODEL = "model"
STATUS_BASELINE = "baseline"
STATUS_NOT_BACKTESTED = "not backtested"
STATUS_INSUFFICIENT = "insufficient data"

BANDS = (("low", 0.0), ("medium", 0.3), ("high", 0.6))

# --- reason codes (see the module docstring for their meaning) ---------------------------------
SILENT = "silent_longer_than_usual"
SINGLE_ORDER = "single_order"
FEW_ORDERS = "few_orders"
RARE_ORDERS = "rare_orders"
IRREGULAR_ORDERS = "irregular_orders"
SPEND_DOWN = "spend_down"
LOW_SPEND = "low_spend"
NEW_CLIENT = "new_client"
LONG_SINCE_FIRST_ORDER = "long_since_first_order"
LOW_P_ALIVE = "low_p_alive"

#: every code ``reason_1`` / ``reason_2`` can hold (ties between codes break in this order)
REASON_CODES = (
    SILENT,
    SINGLE_ORDER,
    FEW_ORDERS,
    RARE_ORDERS,
    IRREGULAR_ORDERS,
    SPEND_DOWN,
    LOW_SPEND,
    NEW_CLIENT,
    LONG_SINCE_FIRST_ORDER,
    LOW_P_ALIVE,
)

#: the deviation of a feature from a typical client that a code stands for: +1 = above typical,
#: -1 = below, "missing" = the client has no value; deviations without a code are no reason
FEATURE_REASONS: dict[str, dict] = {
    "recency_days": {+1: SILENT},
    RECENCY_RATIO: {+1: SILENT, "missing": SINGLE_ORDER},
    "interval_days": {+1: RARE_ORDERS, "missing": SINGLE_ORDER},
    "cv": {+1: IRREGULAR_ORDERS},
    "orders_window": {-1: FEW_ORDERS},
    "orders_total": {-1: FEW_ORDERS},
    "active_months": {-1: FEW_ORDERS},
    "revenue_window": {-1: LOW_SPEND},
    "revenue_total": {-1: LOW_SPEND},
    "revenue_last3": {-1: LOW_SPEND},
    "aov": {-1: LOW_SPEND},
    "best12_revenue": {-1: LOW_SPEND},
    "margin_window": {-1: LOW_SPEND},
    "revenue_prev_window": {+1: SPEND_DOWN},
    "revenue_prev3": {+1: SPEND_DOWN},
    "trend": {-1: SPEND_DOWN},
    "tenure_days": {+1: LONG_SINCE_FIRST_ORDER, -1: NEW_CLIENT},
    P_ALIVE: {-1: LOW_P_ALIVE},
    P_NO_PURCHASE: {+1: LOW_P_ALIVE},
    EXPECTED_PURCHASES: {-1: LOW_P_ALIVE},
}

_MISSING = 2  # direction code of a missing value (+1 above typical, -1 below, 0 equal)


# --- examples -------------------------------------------------------------------------------------


def _month_ends(panel, last: pd.Timestamp) -> list[pd.Timestamp]:
    first = pd.Timestamp(panel.start).normalize() + pd.offsets.MonthEnd(0)
    return list(pd.date_range(first, last, freq="ME"))


def fully_observed_cutoffs(
    panel, *, as_of, horizon_days: int = HORIZON_DAYS, n: int | None = None
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
    r = panel.rows
    after = (cutoff.year - 1970) * 12 + cutoff.month  # month number after the cut-off
    sel = np.flatnonzero((r.orders > 0) & (r.month >= after))
    code = r.code[sel]
    first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, dtype=bool)
    day = np.full(len(panel.ids), np.nan)
    day[code[first]] = r.first_day[sel[first]]
    wanted = panel.id_index.get_indexer(client_ids.to_numpy())
    return np.where(wanted >= 0, day[wanted], np.nan)


def label_churn(
    panel, snapshot: pd.DataFrame, *, cutoff, horizon_days: int = HORIZON_DAYS
) -> pd.Series:
    """1 when the client places no order in ``(cutoff, cutoff + horizon_days]``, else 0.

    ``cutoff`` must be a month end (the panel is monthly); aligned with ``snapshot`` rows.
    """
    cutoff = pd.Timestamp(cutoff)
    if cutoff != cutoff + pd.offsets.MonthEnd(0):
        raise ParameterError(f"`cutoff` must be a month end, got {cutoff:%Y-%m-%d}")
    nxt = _next_order_day(panel, cutoff, snapshot[CLIENT_ID])
    last_day = (cutoff.normalize() - pd.Timestamp("1970-01-01")).days + horizon_days
    bought = nxt <= last_day  # False for NaN (no order after the cut-off)
    return pd.Series((~bought).astype("int8"), index=snapshot.index, name=LABEL)


def alive_population(
    snapshot: pd.DataFrame, *, dead_days: int = 365, dead_interval_multiple: float = 3.0
) -> pd.Series:
    """Clients with an order who are not dead (silent > max(dead_days, k × usual interval))."""
    orders = snapshot[ORDERS_TOTAL].fillna(0)
    limit = np.maximum(dead_days, dead_interval_multiple * snapshot[INTERVAL_DAYS].fillna(0))
    return (orders > 0) & (snapshot[RECENCY_DAYS] <= limit)


def _bgnbd_columns(snap: pd.DataFrame, horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """BG/NBD P(alive), P(no purchase over the horizon), expected purchases — fitted on this
    snapshot's clients with an order (time in weeks). All NaN when the model cannot be fitted
    (the baselines and the learned models cope with missing values)."""

    out = pd.DataFrame(
        index=snap.index, columns=[P_ALIVE, P_NO_PURCHASE, EXPECTED_PURCHASES], dtype="float64"
    )
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            model = BetaGeoModel().fit(freq, rec, T)
            values = (
                model.p_alive(freq, rec, T),
                model.p_no_purchase(t, freq, rec, T),
                model.expected_purchases(t, freq, rec, T),
            )
    except Exception:  # noqa: BLE001 - odd data: the BG/NBD columns stay missing, nothing breaks
        return out
    for col, v in zip((P_ALIVE, P_NO_PURCHASE, EXPECTED_PURCHASES), values):
        out.loc[has, col] = np.asarray(v, dtype=float)
    return out


def make_features(snap: pd.DataFrame, *, horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """Feature frame for a snapshot: snapshot fields, recency relative to the usual interval
    and BG/NBD outputs. Index aligned with ``snap``."""
    cols = [c for c in SNAPSHOT_FEATURES if c in snap.columns]
    X = snap[cols].astype("float64").copy()
    interval = snap[INTERVAL_DAYS].astype("float64")
    X[RECENCY_RATIO] = snap[RECENCY_DAYS] / interval.where(interval > 0)
    X = pd.concat([X, _bgnbd_columns(snap, horizon_days)], axis=1)
    return X.replace([np.inf, -np.inf], np.nan)


def build_examples(
    panel,
    *,
    cutoffs,
    horizon_days: int = HORIZON_DAYS,
    window_months: int = 12,
    dead_days: int = 365,
    dead_interval_multiple: float = 3.0,
    max_per_cutoff: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Training examples: one row per (cut-off, client alive at it), features and the label.

    Each cut-off's features come from the snapshot at that cut-off (only data up to it); the label
    from the panel months after it. Returns columns ``cutoff``, ``client_id``, the features and
    ``churned`` (1 = no order within the horizon). With ``max_per_cutoff``, a cut-off with more
    alive clients keeps a seeded random sample of that many (a large base trains and backtests
    on a sample; every client is still scored).
    """

    frames = []
    for c in cutoffs:
        snap = make_snapshot(panel, as_of=c, window_months=window_months)
        pop = alive_population(
            snap, dead_days=dead_days, dead_interval_multiple=dead_interval_multiple
        )
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


def unusable_features(X: pd.DataFrame) -> dict[str, str]:
    """Columns of ``X`` that carry no information: ``"all missing"`` or ``"constant"`` (one
    value in every row). A column with one value and some missing rows is kept: whether the
    value is missing is information.

    >>> unusable_features(pd.DataFrame({"a": [1.0, 1.0], "b": [np.nan, np.nan],
    ...                                 "c": [1.0, np.nan], "d": [1.0, 2.0]}))
    {'a': 'constant', 'b': 'all missing'}
    """
    out = {}
    for col in X.columns:
        values = X[col]
        if values.isna().all():
            out[col] = "all missing"
        elif values.nunique(dropna=False) <= 1:
            out[col] = "constant"
    return out


# --- metrics --------------------------------------------------------------------------------------


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


def _scorer_metrics(y, raw, calibrated) -> dict[str, float]:
    """Calibration metrics (Brier) from the calibrated probability, ranking metrics from the raw
    score (isotonic steps create ties)."""
    metrics = evaluate(y, calibrated)
    raw_metrics = evaluate(y, raw)
    for key in ("roc_auc", "pr_auc", "lift_top10", "capture_top10"):
        metrics[key] = raw_metrics[key]
    return metrics


# --- candidates -----------------------------------------------------------------------------------


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

    return {
        LOGISTIC: make_pipeline(
            FunctionTransformer(_signed_log, feature_names_out="one-to-one"),
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(max_iter=2000, C=1.0, solver="newton-cholesky"),
        ),
        BOOSTING: HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.12,
            max_leaf_nodes=31,
            min_samples_leaf=40,
            l2_regularization=1.0,
            random_state=random_state,
        ),
    }


def _signed_log(X):
    return np.sign(X) * np.log1p(np.abs(X))


def _seeded(estimator, random_state: int):
    """``estimator`` with every ``random_state`` parameter left at None set to ``random_state``
    (nested ones too: ``logisticregression__random_state``)."""
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # noqa: BLE001 - not a scikit-learn estimator: used as given
        return estimator
    fix = {
        k: random_state
        for k, v in params.items()
        if (k == "random_state" or k.endswith("__random_state")) and v is None
    }
    if fix:
        estimator.set_params(**fix)
    return estimator


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


def _raw_score(name: str, model, X: pd.DataFrame, features: list[str]) -> np.ndarray:
    """The uncalibrated score of scorer ``name``: baselines read the full feature frame ``X``,
    learned models its ``features`` columns."""
    if name in BASELINES:
        return _baseline_scores(X)[name]
    return np.asarray(model.predict_proba(X[features])[:, 1], dtype=float)


def _one_line(exc: BaseException) -> str:
    """``"TypeName: first line of the message"`` (at most 200 characters)."""
    text = str(exc).strip().splitlines()
    msg = f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")
    return msg if len(msg) <= 200 else msg[:199] + "…"


# --- why at risk ----------------------------------------------------------------------------------


def _direction(values: np.ndarray, typical: np.ndarray) -> np.ndarray:
    """+1 above typical, -1 below, 0 equal, ``_MISSING`` for a missing value (per cell)."""
    with np.errstate(invalid="ignore"):
        d = np.sign(values - typical)
    return np.where(np.isnan(values), _MISSING, np.nan_to_num(d, nan=0.0)).astype(np.int8)


def _linear_parts(model, features: list[str]):
    """(transformer, coefficients, owner feature index per column, indicator flag per column)
    when ``model`` is a pipeline of transformers ending in a binary linear classifier whose
    output columns all map back to ``features``; else None."""
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline) or len(model.steps) < 2:
        return None
    coef = getattr(model[-1], "coef_", None)
    if coef is None or np.ndim(coef) != 2 or np.shape(coef)[0] != 1:
        return None
    head = model[:-1]
    try:
        names = [str(n) for n in head.get_feature_names_out(features)]
    except Exception:  # noqa: BLE001 - no feature names: the model is explained locally instead
        return None
    where = {f: j for j, f in enumerate(features)}
    owner, indicator = [], []
    for name in names:
        base = name.removeprefix("missingindicator_")
        if base not in where:
            return None
        owner.append(where[base])
        indicator.append(name != base)
    if len(names) != np.shape(coef)[1]:
        return None
    return head, np.asarray(coef[0], dtype=float), np.array(owner), np.array(indicator)


def explain(
    name: str, model, X: pd.DataFrame, features: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Per-client contributions of each feature to the scorer's churn risk, against a typical
    client of the rows of ``X`` (the population).

    Parameters
    ----------
    name : str
        The scorer (:data:`BASELINE_RECENCY`, :data:`BASELINE_BGNBD` or a candidate's name).
    model : fitted estimator or None
        The candidate (None for a baseline).
    X : DataFrame
        The population's feature frame (:func:`make_features`).
    features : list of str
        The columns the model was fitted on.

    Returns
    -------
    (contributions, direction, method)
        ``contributions``: one row per row of ``X``, one column per explained feature; > 0 =
        the feature raises the client's risk above a typical client. ``direction``: same shape,
        +1 when the client's value is above typical, -1 below, 0 equal, 2 missing. ``method``:
        ``"exact linear contributions"``, ``"median replacement"`` or
        ``"baseline percentiles"`` (see the module docstring).
    """
    index = X.index
    if name in BASELINES or model is None:
        scores = _baseline_scores(X)
        cols = [RECENCY_RATIO, P_NO_PURCHASE]
        values = {RECENCY_RATIO: scores[BASELINE_RECENCY], P_NO_PURCHASE: scores[BASELINE_BGNBD]}
        contrib = pd.DataFrame(
            {c: pd.Series(values[c], index=index).rank(pct=True) - 0.5 for c in cols}, index=index
        )
        raw = X[cols].to_numpy(dtype=float)
        direction = np.where(np.isnan(raw), _MISSING, np.sign(contrib.to_numpy())).astype(np.int8)
        return contrib, pd.DataFrame(direction, index=index, columns=cols), "baseline percentiles"
    Xf = X[features]
    parts = _linear_parts(model, features)
    if parts is not None:
        head, coef, owner, indicator = parts
        Z = np.asarray(head.transform(Xf), dtype=float)
        dev = Z - Z.mean(axis=0)
        cell = coef * dev
        contrib = np.zeros((len(X), len(features)))
        np.add.at(contrib.T, owner, cell.T)
        direction = np.zeros((len(X), len(features)), dtype=np.int8)
        value_cols = np.flatnonzero(~indicator)
        direction[:, owner[value_cols]] = np.sign(dev[:, value_cols]).astype(np.int8)
        direction[np.isnan(Xf.to_numpy(dtype=float))] = _MISSING
        return (
            pd.DataFrame(contrib, index=index, columns=features),
            pd.DataFrame(direction, index=index, columns=features),
            "exact linear contributions",
        )
    values = Xf.to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # median of an all-missing column
        typical = np.nanmedian(values, axis=0) if len(values) else np.full(len(features), np.nan)
    base = np.asarray(model.predict_proba(Xf)[:, 1], dtype=float)
    contrib = np.zeros((len(X), len(features)))
    work = Xf.copy()
    for j, f in enumerate(features):
        work[f] = typical[j]
        contrib[:, j] = base - np.asarray(model.predict_proba(work)[:, 1], dtype=float)
        work[f] = Xf[f]
    return (
        pd.DataFrame(contrib, index=index, columns=features),
        pd.DataFrame(_direction(values, typical), index=index, columns=features),
        "median replacement",
    )


def reason_codes(
    contributions: pd.DataFrame, direction: pd.DataFrame, facts: pd.DataFrame
) -> pd.DataFrame:
    """The two main reasons (codes of :data:`REASON_CODES`) per row.

    Parameters
    ----------
    contributions, direction : DataFrame
        From :func:`explain` (same index and columns).
    facts : DataFrame
        Same index: ``orders_total``, ``recency_days``, ``interval_days``, ``spend_change``,
        ``spend_change_3m`` — to keep only codes the client's own figures agree with.

    Returns
    -------
    DataFrame
        ``reason_1``, ``reason_2``: object columns, None where fewer reasons exist.

    Examples
    --------
    >>> c = pd.DataFrame({"recency_days": [0.8, 0.5], "orders_window": [0.3, -0.2],
    ...                   "tenure_days": [0.1, 0.4]})
    >>> d = pd.DataFrame({"recency_days": [1, 1], "orders_window": [-1, 1],
    ...                   "tenure_days": [-1, 1]})
    >>> f = pd.DataFrame({"orders_total": [4, 1], "recency_days": [120.0, 200.0],
    ...                   "interval_days": [30.0, np.nan], "spend_change": [np.nan, np.nan],
    ...                   "spend_change_3m": [np.nan, np.nan]})
    >>> reason_codes(c, d, f)
                       reason_1                reason_2
    0  silent_longer_than_usual              few_orders
    1              single_order  long_since_first_order
    """
    n = len(contributions)
    codes = np.array(REASON_CODES, dtype=object)
    col = {c: k for k, c in enumerate(REASON_CODES)}
    total = np.zeros((n, len(REASON_CODES)))
    single = facts[ORDERS_TOTAL].fillna(0).to_numpy(dtype=float) <= 1
    recency = facts[RECENCY_DAYS].to_numpy(dtype=float)
    interval = facts[INTERVAL_DAYS].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        silent_ok = recency > interval
        falling = (facts[SPEND_CHANGE].to_numpy(dtype=float) < 0) | (
            facts[SPEND_CHANGE_3M].to_numpy(dtype=float) < 0
        )
        # "low spend" and "few orders" only for a client below the population's median of its
        # last 12 months (when the facts carry them): a large client whose recent quarter
        # dipped is not "low spend"
        low_spend = _below_median(facts, REVENUE_WINDOW, n)
        few_orders = _below_median(facts, ORDERS_WINDOW, n)
    for feature in contributions.columns:
        rules = FEATURE_REASONS.get(feature)
        if not rules:
            continue
        c = contributions[feature].to_numpy(dtype=float)
        d = direction[feature].to_numpy()
        for key, code in rules.items():
            want = _MISSING if key == "missing" else key
            hit = (d == want) & (c > 0)
            target = np.full(n, col[code])
            if code in (SILENT, FEW_ORDERS):
                target = np.where(single, col[SINGLE_ORDER], target)
            if code == SILENT:
                hit &= single | silent_ok
            elif code == SPEND_DOWN:
                hit &= falling
            elif code == LOW_SPEND:
                hit &= low_spend
            elif code == FEW_ORDERS:
                hit &= single | few_orders
            elif code == SINGLE_ORDER:
                hit &= single
            rows = np.flatnonzero(hit)
            np.add.at(total, (rows, target[rows]), c[rows])
    order = np.argsort(-total, axis=1, kind="stable")[:, :2]
    best = np.take_along_axis(total, order, axis=1)
    picked = np.where(best > 0, codes[order], np.array(None, dtype=object))
    return pd.DataFrame(
        {REASON_1: picked[:, 0] if n else [], REASON_2: picked[:, 1] if n else []},
        index=contributions.index,
        dtype=object,
    )


# --- the model ------------------------------------------------------------------------------------


@dataclass
class ModelCard:
    """What the churn model is, how it was tested, and how well it did.

    ``status`` is ``"model"`` (a learned candidate won the backtest), ``"baseline"`` (a baseline
    won), ``"not backtested"`` (too little history or too few churners for the time split:
    BG/NBD calibrated on the latest fully observed cut-off; ``metrics`` are then measured on that
    cut-off, where the calibration was fitted — the ranking figures are honest, BG/NBD never
    sees a label, the Brier score is in-sample) or ``"insufficient data"`` (nothing scored).
    ``dropped_features`` maps each feature left out to ``"constant"`` or ``"all missing"`` (in
    the training examples); ``failed`` maps each scorer (or step) that failed to its error's
    first line; ``reasons_method`` says how the per-client reasons are computed.
    """

    status: str  # see STATUS_* and the class docstring
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
    dropped_features: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)
    reasons_method: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.metrics.copy()

    def summary_lines(self) -> list[str]:
        lines = [
            f"status: {self.status}; scoring with: {self.chosen or 'rules'}",
            self.reason,
            f"horizon: {self.horizon_days} days; as of {self.as_of:%Y-%m-%d}",
        ]
        if self.test_cutoff is not None:
            lines.append(
                "train cut-offs: "
                + ", ".join(f"{c:%Y-%m}" for c in self.train_cutoffs)
                + f"; calibration: {self.calibration_cutoff:%Y-%m}; test: "
                f"{self.test_cutoff:%Y-%m}"
            )
        elif self.calibration_cutoff is not None:
            lines.append(
                f"calibration: {self.calibration_cutoff:%Y-%m} (no held-out test "
                "cut-off; the figures below are measured on the calibration cut-off)"
            )
        for k, v in self.population.items():
            lines.append(f"{k}: {v:,}" if isinstance(v, (int, np.integer)) else f"{k}: {v}")
        if self.dropped_features:
            lines.append(
                "dropped features (constant or all missing in the training examples): "
                + ", ".join(f"{f} ({why})" for f, why in self.dropped_features.items())
            )
        if self.failed:
            lines.append(
                "failed and skipped: "
                + "; ".join(f"{name}: {msg}" for name, msg in self.failed.items())
            )
        if self.reasons_method:
            lines.append(f"reasons per client: {self.reasons_method}")
        return lines

    def __str__(self) -> str:
        text = "\n".join(self.summary_lines())
        if not self.metrics.empty:
            text += "\n" + self.metrics.round(3).to_string()
        return text

    def _repr_html_(self) -> str:

        parts = ["<div class='rk-model-card'><ul>"]
        parts += [f"<li>{escape(line)}</li>" for line in self.summary_lines()]
        parts.append("</ul>")
        if not self.metrics.empty:
            parts.append(self.metrics.round(3).to_html(escape=True))
        if not self.importance.empty:
            parts.append(self.importance.head(10).round(4).to_html(index=False, escape=True))
        parts.append("</div>")
        return "".join(parts)


def _int_param(value, minimum: int) -> bool:
    return (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and bool(value >= minimum)
    )


class ChurnModel(BaseEstimator):
    """Learn churn from the base's past, backtest it, and score the base.

    A scikit-learn estimator: the constructor only stores the parameters (``get_params``,
    ``set_params`` and :func:`sklearn.base.clone` work); :meth:`predict_proba`,
    :meth:`contributions` and :meth:`score_clients` raise
    :class:`~sklearn.exceptions.NotFittedError` before :meth:`fit`.

    Parameters
    ----------
    horizon_days : int, default 90 (:data:`HORIZON_DAYS`)
        Churn = no order within this many days after the cut-off.
    n_cutoffs : int, default 6
        Monthly cut-offs used for training (before the calibration and test cut-offs).
    window_months : int, default 12
        Look-back window of the snapshots.
    candidates : dict of name -> estimator, optional
        scikit-learn classifiers with ``predict_proba``; default :func:`default_candidates`.
        Each is cloned before fitting; a ``random_state`` left at None is set to
        ``random_state``.
    features : list of str, optional
        Feature columns for the learned candidates (default: every column of
        :func:`make_features`). The baselines always read the recency ratio and the BG/NBD
        probability.
    min_clients : int, default 200
        Fewer alive clients at the latest fully observed cut-off: nothing is scored.
    min_churners : int, default 30
        Fewer churners (or stayers) in the training, calibration or test examples: no learned
        model; the base is scored with BG/NBD, calibrated but not backtested.
    dead_days, dead_interval_multiple : int, float, default 365, 3.0
        The lifecycle's dead rule, which defines the population.
    max_examples_per_cutoff : int or None, default 30000
        A cut-off with more alive clients keeps a seeded random sample of this many examples
        (training, calibration and the backtest's test cut-off); the whole base is still scored.
        30,000 a cut-off is 180,000 training examples over six cut-offs: enough for a dozen
        features, and the fit no longer grows with the base. None uses every client.
    random_state : int, default 0
        Seeds every random choice (sampling, candidates, permutation importance).

    Attributes
    ----------
    card_ : ModelCard
    examples_ : DataFrame
        Every example built (cut-off, client, features, label).
    chosen_ : str or None
        The name of the scorer in use ("insufficient data" -> None).
    features_ : list of str
        The features of the learned candidates (after dropping the unusable ones).
    backtest_ : DataFrame
        The card's metrics table (empty without a backtest).
    """

    def __init__(
        self,
        *,
        horizon_days: int = HORIZON_DAYS,
        n_cutoffs: int = 6,
        window_months: int = 12,
        candidates: dict | None = None,
        features: list[str] | None = None,
        min_clients: int = 200,
        min_churners: int = 30,
        dead_days: int = 365,
        dead_interval_multiple: float = 3.0,
        max_examples_per_cutoff: int | None = 30_000,
        random_state: int = 0,
    ):
        self.horizon_days = horizon_days
        self.n_cutoffs = n_cutoffs
        self.window_months = window_months
        self.candidates = candidates
        self.features = features
        self.min_clients = min_clients
        self.min_churners = min_churners
        self.dead_days = dead_days
        self.dead_interval_multiple = dead_interval_multiple
        self.max_examples_per_cutoff = max_examples_per_cutoff
        self.random_state = random_state

    @classmethod
    def from_settings(cls, settings, lifecycle=None, *, window_months: int = 12, **kwargs):
        """Build from :class:`reportkit.io.config.ChurnSettings` (and LifecycleRules)."""
        extra = {}
        if lifecycle is not None:
            extra = {
                "dead_days": lifecycle.dead_days,
                "dead_interval_multiple": lifecycle.dead_interval_multiple,
            }
        return cls(
            horizon_days=settings.horizon_days,
            n_cutoffs=settings.n_cutoffs,
            min_clients=settings.min_clients,
            min_churners=settings.min_churners,
            max_examples_per_cutoff=settings.max_examples_per_cutoff,
            random_state=settings.random_state,
            window_months=window_months,
            **extra,
            **kwargs,
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "card_")

    def _check(self) -> None:
        check_param(
            _int_param(self.horizon_days, 7),
            "horizon_days",
            "an integer of at least 7",
            self.horizon_days,
        )
        check_param(
            _int_param(self.n_cutoffs, 1), "n_cutoffs", "a positive integer", self.n_cutoffs
        )
        check_param(
            _int_param(self.window_months, 1),
            "window_months",
            "a positive integer",
            self.window_months,
        )
        check_param(
            _int_param(self.min_clients, 1), "min_clients", "a positive integer", self.min_clients
        )
        check_param(
            _int_param(self.min_churners, 1),
            "min_churners",
            "a positive integer",
            self.min_churners,
        )
        check_param(
            _int_param(self.dead_days, 1), "dead_days", "a positive integer", self.dead_days
        )
        check_param(
            isinstance(self.dead_interval_multiple, (int, float, np.number))
            and not isinstance(self.dead_interval_multiple, bool)
            and np.isfinite(self.dead_interval_multiple)
            and self.dead_interval_multiple > 0,
            "dead_interval_multiple",
            "a positive number",
            self.dead_interval_multiple,
        )
        check_param(
            self.max_examples_per_cutoff is None or _int_param(self.max_examples_per_cutoff, 1),
            "max_examples_per_cutoff",
            "a positive integer or None",
            self.max_examples_per_cutoff,
        )
        check_param(
            _int_param(self.random_state, 0),
            "random_state",
            "a non-negative integer",
            self.random_state,
        )
        check_param(
            self.features is None
            or (
                not isinstance(self.features, str)
                and all(isinstance(f, str) for f in self.features)
            ),
            "features",
            "a list of column names or None",
            self.features,
        )
        cands = self.candidates
        check_param(
            cands is None
            or (
                isinstance(cands, dict)
                and all(
                    isinstance(k, str)
                    and k not in BASELINES
                    and hasattr(v, "fit")
                    and hasattr(v, "predict_proba")
                    for k, v in cands.items()
                )
            ),
            "candidates",
            "a dict of name -> classifier with fit and predict_proba (names other than the "
            "baselines')",
            cands,
        )

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                "This ChurnModel instance is not fitted yet. Call 'fit' with "
                "a panel and as_of before using this method."
            )

    def _start(self, as_of: pd.Timestamp) -> None:
        """Forget a previous fit."""
        for name in (
            "card_",
            "examples_",
            "backtest_",
            "model_",
            "calibrator_",
            "chosen_",
            "features_",
        ):
            self.__dict__.pop(name, None)
        self.as_of_ = as_of
        self.chosen_: str | None = None
        self.model_ = None
        self.calibrator_: _Isotonic | None = None
        self.features_: list[str] = []
        self.backtest_ = pd.DataFrame()
        self.examples_ = pd.DataFrame(columns=[CUTOFF, CLIENT_ID, LABEL])
        self.dropped_features_: dict[str, str] = {}
        self.failed_: dict[str, str] = {}

    def _insufficient(self, why: str, as_of, **population) -> ChurnModel:
        self.chosen_ = None
        self.model_ = None
        self.calibrator_ = None
        self.card_ = ModelCard(
            status=STATUS_INSUFFICIENT,
            chosen=None,
            reason=why,
            horizon_days=self.horizon_days,
            as_of=pd.Timestamp(as_of),
            population=population,
            dropped_features=self.dropped_features_,
            failed=self.failed_,
        )
        return self

    def fit(self, panel, *, as_of) -> ChurnModel:
        """Build examples, backtest candidates and baselines, choose, calibrate, refit.

        Never raises because of the data (see the module docstring): the card's ``status``
        says what could be done. Raises :class:`~reportkit.errors.ParameterError` for invalid
        parameters.

        Parameters
        ----------
        panel : Panel
            The client-month panel (:func:`reportkit.build_panel`).
        as_of : date
            The report date; only cut-offs whose horizon ends by ``as_of`` are used.
        """

        self._check()
        check_param(
            isinstance(panel, Panel),
            "panel",
            "a Panel (reportkit.build_panel)",
            type(panel).__name__,
        )
        try:
            as_of = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            as_of = pd.NaT
        check_param(
            isinstance(as_of, pd.Timestamp) and not pd.isna(as_of), "as_of", "a date", as_of
        )
        self._start(as_of)
        try:
            return self._fit(panel, as_of)
        except Exception as exc:  # noqa: BLE001 - a data problem must never break a report
            return self._insufficient(
                f"the churn model could not be built ({_one_line(exc)})", as_of
            )

    def _fit(self, panel, as_of: pd.Timestamp) -> ChurnModel:
        h = pd.Timedelta(days=self.horizon_days)
        all_cuts = fully_observed_cutoffs(panel, as_of=as_of, horizon_days=self.horizon_days)
        if not all_cuts:
            return self._insufficient(
                f"too little history: no month end before {as_of - h:%Y-%m-%d} "
                f"(as of minus the {self.horizon_days}-day horizon)",
                as_of,
            )
        test_cut = all_cuts[-1]
        cal_cands = [c for c in all_cuts if c + h <= test_cut]
        cal_cut = cal_cands[-1] if cal_cands else None
        train_cuts = (
            [c for c in all_cuts if c + h <= cal_cut][-self.n_cutoffs :]
            if cal_cut is not None
            else []
        )
        cuts = [*train_cuts, cal_cut, test_cut] if train_cuts else [test_cut]
        ex = build_examples(
            panel,
            cutoffs=cuts,
            horizon_days=self.horizon_days,
            window_months=self.window_months,
            dead_days=self.dead_days,
            dead_interval_multiple=self.dead_interval_multiple,
            max_per_cutoff=self.max_examples_per_cutoff,
            random_state=self.random_state,
        )
        self.examples_ = ex
        test = ex[ex[CUTOFF] == test_cut]
        short = None
        if cal_cut is None:
            short = (
                "too little history for a time-split backtest (needs a calibration cut-off "
                "a full horizon before the test one)"
            )
        elif not train_cuts:
            short = (
                "too little history for a time-split backtest: training needs cut-offs at "
                f"least two horizons ({2 * self.horizon_days} days) before "
                f"{test_cut:%Y-%m-%d}"
            )
        if len(test) < self.min_clients:
            return self._insufficient(
                f"too few clients: {len(test):,} alive at the latest fully observed cut-off "
                f"({test_cut:%Y-%m-%d}), the model needs {self.min_clients:,}"
                + (f"; and {short}" if short else ""),
                as_of,
                **{"clients at the test cut-off": len(test)},
            )
        if short:
            return self._not_backtested(test, as_of, short)
        train = ex[ex[CUTOFF].isin(train_cuts)]
        cal = ex[ex[CUTOFF] == cal_cut]
        population = {
            "clients at the test cut-off": len(test),
            "churners at the test cut-off": int(test[LABEL].sum()),
            "training examples": len(train),
            "churners in training": int(train[LABEL].sum()),
        }
        for name, part in (("training", train), ("calibration", cal), ("test", test)):
            n_churn = int(part[LABEL].sum())
            n_stay = int(len(part) - n_churn)
            if min(n_churn, n_stay) < self.min_churners:
                return self._not_backtested(
                    test,
                    as_of,
                    f"too few churners or stayers in the {name} examples for a "
                    f"learned model ({n_churn:,} churned, {n_stay:,} stayed; it needs "
                    f"{self.min_churners} of each)",
                )
        return self._backtest(ex, train_cuts, cal_cut, test_cut, as_of, population)

    def _not_backtested(self, latest: pd.DataFrame, as_of: pd.Timestamp, why: str) -> ChurnModel:
        """Score with BG/NBD P(no purchase), isotonic-calibrated on the latest fully observed
        cut-off (``latest``: its examples)."""
        cut = pd.Timestamp(latest[CUTOFF].iloc[0])
        y = latest[LABEL].to_numpy()
        population = {
            "clients at the calibration cut-off": len(latest),
            "churners at the calibration cut-off": int(y.sum()),
        }
        rows = {}
        calibrators = {}
        for name in BASELINES:
            try:
                raw = _raw_score(name, None, latest, [])
                calibrators[name] = _Isotonic().fit(raw, y)
                rows[name] = _scorer_metrics(y, raw, calibrators[name].transform(raw))
            except Exception as exc:  # noqa: BLE001 - recorded in the card
                self.failed_[name] = _one_line(exc)
        chosen = BASELINE_BGNBD
        if chosen not in calibrators:
            return self._insufficient(
                f"{why}; and the BG/NBD fallback failed ({self.failed_.get(chosen)})",
                as_of,
                **population,
            )
        table = pd.DataFrame(rows).T
        table.index.name = "scorer"
        table["chosen"] = table.index == chosen
        self.chosen_ = chosen
        self.model_ = None
        self.calibrator_ = calibrators[chosen]
        self.features_ = []
        self.backtest_ = table
        reason = (
            f"not backtested: {why}. Every alive client is scored with the BG/NBD "
            f"probability of no purchase within {self.horizon_days} days, calibrated "
            f"(isotonic) on the latest fully observed cut-off ({cut:%Y-%m-%d})"
        )
        self.card_ = ModelCard(
            status=STATUS_NOT_BACKTESTED,
            chosen=chosen,
            reason=reason,
            horizon_days=self.horizon_days,
            as_of=as_of,
            calibration_cutoff=cut,
            population=population,
            metrics=table,
            dropped_features=self.dropped_features_,
            failed=self.failed_,
            reasons_method=_REASONS_METHOD["baseline percentiles"],
        )
        return self

    def _candidates(self) -> dict:
        from sklearn.base import clone

        given = (
            self.candidates
            if self.candidates is not None
            else default_candidates(self.random_state)
        )
        return {name: _seeded(clone(est), self.random_state) for name, est in given.items()}

    def _backtest(
        self, ex: pd.DataFrame, train_cuts, cal_cut, test_cut, as_of, population
    ) -> ChurnModel:
        from sklearn.base import clone

        train = ex[ex[CUTOFF].isin(train_cuts)]
        cal = ex[ex[CUTOFF] == cal_cut]
        test = ex[ex[CUTOFF] == test_cut]
        available = [c for c in ex.columns if c not in (CUTOFF, CLIENT_ID, LABEL)]
        wanted = [c for c in self.features if c in available] if self.features else available
        self.dropped_features_.update(unusable_features(train[wanted]))
        feats = [c for c in wanted if c not in self.dropped_features_]
        self.features_ = feats
        candidates = self._candidates()

        rows, fitted, calibrators, uncal_brier, raw_tests = {}, {}, {}, {}, {}
        for name in [*BASELINES, *candidates]:
            try:
                model = None
                if name in candidates:
                    if not feats:
                        raise ValueError("no usable feature (all constant or missing)")
                    model = clone(candidates[name]).fit(train[feats], train[LABEL])
                raw_cal = _raw_score(name, model, cal, feats)
                raw_test = _raw_score(name, model, test, feats)
                if not (np.isfinite(raw_cal).all() and np.isfinite(raw_test).all()):
                    raise ValueError("non-finite scores")
                calib = _Isotonic().fit(raw_cal, cal[LABEL])
                metrics = _scorer_metrics(test[LABEL], raw_test, calib.transform(raw_test))
            except Exception as exc:  # noqa: BLE001 - a failing scorer is skipped, not fatal
                self.failed_[name] = _one_line(exc)
                continue
            if name in candidates:
                uncal_brier[name] = evaluate(test[LABEL], raw_test)["brier"]
            rows[name] = metrics
            fitted[name] = model
            calibrators[name] = calib
            raw_tests[name] = raw_test
        table = pd.DataFrame(rows).T
        if table.empty or not table["roc_auc"].notna().any():
            return self._not_backtested(test, as_of, "no scorer could be backtested")
        table.index.name = "scorer"
        done_baselines = [b for b in BASELINES if b in table.index]
        best_baseline = table.loc[done_baselines, "roc_auc"].max() if done_baselines else np.nan
        chosen = str(table["roc_auc"].idxmax())
        is_baseline = chosen in BASELINES
        table["chosen"] = table.index == chosen
        self.chosen_ = chosen
        self.backtest_ = table

        # importance of features for the chosen model on the test cut-off
        importance = pd.DataFrame(columns=["feature", "importance"])
        if not is_baseline:
            from sklearn.inspection import permutation_importance

            sample = (
                test if len(test) <= 20000 else test.sample(20000, random_state=self.random_state)
            )
            try:
                imp = permutation_importance(
                    fitted[chosen],
                    sample[feats],
                    sample[LABEL],
                    scoring="roc_auc",
                    n_repeats=3,
                    random_state=self.random_state,
                    n_jobs=1,
                )
                importance = pd.DataFrame(
                    {"feature": feats, "importance": imp.importances_mean}
                ).sort_values("importance", ascending=False, ignore_index=True)
            except Exception as exc:  # noqa: BLE001 - the card says so; scoring goes on
                self.failed_["permutation importance"] = _one_line(exc)

        # final scorer: refit on everything up to the calibration cut-off, calibrate on the test
        self.model_ = None
        if not is_baseline:
            final_train = ex[ex[CUTOFF].isin([*train_cuts, cal_cut])]
            try:
                self.model_ = clone(candidates[chosen]).fit(final_train[feats], final_train[LABEL])
                raw = _raw_score(chosen, self.model_, test, feats)
                if not np.isfinite(raw).all():
                    raise ValueError("non-finite scores")
            except Exception as exc:  # noqa: BLE001 - keep the model fitted for the backtest
                self.failed_[f"{chosen} (final refit)"] = _one_line(exc)
                self.model_ = fitted[chosen]
        self.calibrator_ = _Isotonic().fit(
            _raw_score(chosen, self.model_, test, feats), test[LABEL]
        )
        reliability = _reliability(
            test[LABEL].to_numpy(), calibrators[chosen].transform(raw_tests[chosen])
        )
        if is_baseline:
            reason = (
                f"a simple baseline ({chosen}) ranked churners best on the test cut-off "
                f"(ROC AUC {table.loc[chosen, 'roc_auc']:.3f}); the report uses it"
            )
        else:
            reason = (
                f"{chosen} ranked churners best on the test cut-off (ROC AUC "
                f"{table.loc[chosen, 'roc_auc']:.3f} vs {best_baseline:.3f} for the best "
                "baseline)"
            )
        method = (
            "baseline percentiles"
            if is_baseline
            else "exact linear contributions"
            if _linear_parts(self.model_, feats) is not None
            else "median replacement"
        )
        self.card_ = ModelCard(
            status=STATUS_BASELINE if is_baseline else STATUS_MODEL,
            chosen=chosen,
            reason=reason,
            horizon_days=self.horizon_days,
            as_of=as_of,
            train_cutoffs=train_cuts,
            calibration_cutoff=cal_cut,
            test_cutoff=test_cut,
            population=population,
            metrics=table,
            brier_uncalibrated=uncal_brier.get(chosen),
            importance=importance,
            reliability=reliability,
            dropped_features=self.dropped_features_,
            failed=self.failed_,
            reasons_method=_REASONS_METHOD[method],
        )
        return self

    # --- scoring ----------------------------------------------------------------------------------

    def _chosen(self) -> str:
        """The chosen scorer; ParameterError when the fit found insufficient data."""
        if self.chosen_ is None:
            raise ParameterError(
                "the churn model has no scorer (insufficient data: "
                f"{self.card_.reason}); use the reactivation list instead"
            )
        return self.chosen_

    def _scored(self, snapshot: pd.DataFrame):
        """(alive mask, feature frame of the alive rows, calibrated probability)."""
        self._check_fitted()
        chosen = self._chosen()
        pop = alive_population(
            snapshot, dead_days=self.dead_days, dead_interval_multiple=self.dead_interval_multiple
        )
        X = make_features(snapshot.loc[pop], horizon_days=self.horizon_days)
        p = np.zeros(0)
        if len(X):
            assert self.calibrator_ is not None  # fitted together with chosen_
            p = self.calibrator_.transform(_raw_score(chosen, self.model_, X, self.features_))
        return pop, X, p

    def predict_proba(self, snapshot: pd.DataFrame) -> pd.Series:
        """Calibrated churn probability for each row of a snapshot (NaN outside the population).

        Raises NotFittedError before :meth:`fit`, ParameterError when the fit found
        insufficient data.
        """
        pop, _, p = self._scored(snapshot)
        out = pd.Series(np.nan, index=snapshot.index, name=CHURN_PROBABILITY)
        out[pop.to_numpy()] = p
        return out

    def contributions(self, snapshot: pd.DataFrame) -> pd.DataFrame:
        """Per-feature contributions to each alive client's risk against a typical client of
        the snapshot's population (see :func:`explain`); index = the alive rows of
        ``snapshot``."""
        _, X, _ = self._scored(snapshot)
        return explain(self._chosen(), self.model_, X, self.features_)[0]

    def score_clients(
        self, snapshot: pd.DataFrame, *, clients: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Score the base: probability, band, expected revenue, revenue at risk and reasons.

        Returns
        -------
        DataFrame
            One row per client in the population (has ordered, not dead), ranked by revenue at
            risk: ``client_id``, ``churn_probability``, ``band`` (low < 0.3 <= medium < 0.6 <=
            high), ``expected_revenue_12m`` (:func:`reportkit.analysis.value.expected_revenue`,
            estimated on the whole snapshot), ``revenue_at_risk`` (probability × expected
            revenue), ``reason_1``, ``reason_2`` (codes of :data:`REASON_CODES`, None
            when fewer reasons exist), ``last_order``, ``recency_days``, ``interval_days``,
            ``expected_next_order`` (last order + usual interval), ``orders_window``,
            ``tenure_days``, ``revenue_window``, ``spend_change`` (revenue_window /
            revenue_prev_window - 1), ``spend_change_3m`` (last 3 months / the 3 before - 1),
            ``p_no_purchase`` (BG/NBD, over the horizon), and ``name`` / ``manager`` when a
            clients table is given.
        """
        pop, X, p = self._scored(snapshot)
        s = snapshot.loc[pop]
        out = pd.DataFrame({CLIENT_ID: s[CLIENT_ID].to_numpy(), CHURN_PROBABILITY: p})
        out[BAND] = pd.cut(
            out[CHURN_PROBABILITY],
            [-0.01, 0.3, 0.6, 1.01],
            labels=[b for b, _ in BANDS],
            right=False,
        ).astype(str)
        value = expected_revenue(snapshot).clients.set_index(CLIENT_ID)[EXPECTED_REVENUE_12M]
        out[EXPECTED_REVENUE_12M] = value.reindex(s[CLIENT_ID].to_numpy()).fillna(0.0).to_numpy()
        out[REVENUE_AT_RISK] = out[CHURN_PROBABILITY] * out[EXPECTED_REVENUE_12M]
        facts = _facts(s, X)
        if len(s):
            contrib, direction, _ = explain(self._chosen(), self.model_, X, self.features_)
            reasons = reason_codes(contrib, direction, facts)
        else:
            reasons = pd.DataFrame({REASON_1: [], REASON_2: []}, dtype=object)
        out[REASON_1] = reasons[REASON_1].to_numpy()
        out[REASON_2] = reasons[REASON_2].to_numpy()
        out[LAST_ORDER] = s[LAST_ORDER].to_numpy()
        out[RECENCY_DAYS] = s[RECENCY_DAYS].to_numpy()
        out[INTERVAL_DAYS] = s[INTERVAL_DAYS].to_numpy()
        out[EXPECTED_NEXT_ORDER] = (
            s[LAST_ORDER] + pd.to_timedelta(s[INTERVAL_DAYS], unit="D")
        ).to_numpy()
        out[ORDERS_WINDOW] = s[ORDERS_WINDOW].to_numpy()
        out[TENURE_DAYS] = s[TENURE_DAYS].to_numpy()
        out[REVENUE_WINDOW] = s[REVENUE_WINDOW].to_numpy()
        out[SPEND_CHANGE] = facts[SPEND_CHANGE].to_numpy()
        out[SPEND_CHANGE_3M] = facts[SPEND_CHANGE_3M].to_numpy()
        out[P_NO_PURCHASE] = X[P_NO_PURCHASE].to_numpy()
        if clients is not None:
            extra = [c for c in ("name", "manager") if c in clients.columns]
            if extra:
                out = out.merge(
                    clients[[CLIENT_ID, *extra]].drop_duplicates(CLIENT_ID),
                    on=CLIENT_ID,
                    how="left",
                )
        return out.sort_values(
            [REVENUE_AT_RISK, CLIENT_ID], ascending=[False, True], ignore_index=True
        )


_REASONS_METHOD = {
    "exact linear contributions": "exact contributions coef × (z − population mean of z) of "
    "the standardised features",
    "median replacement": "change in the model's probability when one feature at a time is "
    "replaced by the population median",
    "baseline percentiles": "percentile in the population of the recency ratio and of the "
    "BG/NBD P(no purchase)",
}


def _ratio_change(now: pd.Series, before: pd.Series) -> pd.Series:
    before = before.astype("float64")
    return (now.astype("float64") / before.where(before > 0) - 1).replace([np.inf, -np.inf], np.nan)


def _below_median(facts: pd.DataFrame, column: str, n: int) -> np.ndarray:
    """Rows whose ``column`` is below the median over the rows (all True without the column)."""
    if column not in facts.columns:
        return np.ones(n, dtype=bool)
    values = facts[column].to_numpy(dtype=float)
    if not np.isfinite(values).any():
        return np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        return values < np.nanmedian(values)


def _facts(s: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    """The client's own figures that the reason codes are checked against (index of ``s``)."""

    def col(name):
        return s[name] if name in s.columns else pd.Series(np.nan, index=s.index)

    return pd.DataFrame(
        {
            ORDERS_TOTAL: col(ORDERS_TOTAL).astype("float64"),
            RECENCY_DAYS: col(RECENCY_DAYS).astype("float64"),
            INTERVAL_DAYS: col(INTERVAL_DAYS).astype("float64"),
            SPEND_CHANGE: _ratio_change(col(REVENUE_WINDOW), col(REVENUE_PREV_WINDOW)),
            SPEND_CHANGE_3M: _ratio_change(col(REVENUE_LAST3), col(REVENUE_PREV3)),
            REVENUE_WINDOW: col(REVENUE_WINDOW).astype("float64"),
            ORDERS_WINDOW: col(ORDERS_WINDOW).astype("float64"),
        },
        index=s.index,
    )


def _reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Reliability curve: mean predicted vs observed churn rate in probability bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    df = pd.DataFrame({"bin": idx, "p": p, "y": y})
    g = (
        df.groupby("bin")
        .agg(predicted=("p", "mean"), observed=("y", "mean"), clients=("y", "size"))
        .reset_index(drop=True)
    )
    return g


__all__ = [
    "FEATURE_REASONS",
    "HORIZON_DAYS",
    "REASON_CODES",
    "ChurnModel",
    "ModelCard",
    "alive_population",
    "build_examples",
    "default_candidates",
    "evaluate",
    "explain",
    "fully_observed_cutoffs",
    "label_churn",
    "make_features",
    "reason_codes",
    "top_decile_lift",
    "unusable_features",
]
