"""The scorers: metrics, the candidates, the two baselines and the isotonic calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import (
    BASELINE_BGNBD,
    BASELINE_RECENCY,
    BASELINES,
    BOOSTING,
    LOGISTIC,
    P_NO_PURCHASE,
    RECENCY_RATIO,
)

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
