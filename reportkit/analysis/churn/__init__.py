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

Modules
-------
``codes`` (the horizon, column names, scorers, statuses, reason codes), ``features`` (cut-offs,
labels, population, features; the BG/NBD read from :func:`reportkit.analysis.btyd.fit_predict`,
fitted in days on every client of the snapshot with a purchase), ``scorers`` (metrics,
candidates, baselines, calibration), ``reasons`` (why at risk), ``card`` (:class:`ModelCard`,
:class:`ChurnScores`), ``backtest`` (the steps of the fit), ``model`` (:class:`ChurnModel`).
"""

from __future__ import annotations

from .backtest import _FitSteps as _FitSteps
from .card import ChurnScores, ModelCard
from .codes import (
    BAND,
    BANDS,
    BASELINE_BGNBD,
    BASELINE_RECENCY,
    BASELINES,
    BOOSTING,
    CHURN_PROBABILITY,
    CUTOFF,
    EXPECTED_NEXT_ORDER,
    EXPECTED_PURCHASES,
    EXPECTED_REVENUE_12M,
    FEATURE_REASONS,
    FEW_ORDERS,
    HORIZON_DAYS,
    IRREGULAR_ORDERS,
    LABEL,
    LOGISTIC,
    LONG_SINCE_FIRST_ORDER,
    LOW_P_ALIVE,
    LOW_SPEND,
    NEW_CLIENT,
    P_ALIVE,
    P_NO_PURCHASE,
    RARE_ORDERS,
    REASON_1,
    REASON_2,
    REASON_CODES,
    RECENCY_RATIO,
    REVENUE_AT_RISK,
    SILENT,
    SINGLE_ORDER,
    SNAPSHOT_FEATURES,
    SPEND_CHANGE,
    SPEND_CHANGE_3M,
    SPEND_DOWN,
    STATUS_BASELINE,
    STATUS_INSUFFICIENT,
    STATUS_MODEL,
    STATUS_NOT_BACKTESTED,
)
from .features import _bgnbd_columns as _bgnbd_columns
from .features import (
    alive_population,
    bgnbd_forecast,
    build_examples,
    fully_observed_cutoffs,
    label_churn,
    make_features,
    unusable_features,
)
from .model import ChurnModel
from .reasons import _facts as _facts
from .reasons import explain, reason_codes
from .scorers import _Isotonic as _Isotonic
from .scorers import _raw_score as _raw_score
from .scorers import _reliability as _reliability
from .scorers import default_candidates, evaluate, top_decile_lift

__all__ = [
    "BAND",
    "BANDS",
    "BASELINES",
    "BASELINE_BGNBD",
    "BASELINE_RECENCY",
    "BOOSTING",
    "CHURN_PROBABILITY",
    "CUTOFF",
    "EXPECTED_NEXT_ORDER",
    "EXPECTED_PURCHASES",
    "EXPECTED_REVENUE_12M",
    "FEATURE_REASONS",
    "FEW_ORDERS",
    "HORIZON_DAYS",
    "IRREGULAR_ORDERS",
    "LABEL",
    "LOGISTIC",
    "LONG_SINCE_FIRST_ORDER",
    "LOW_P_ALIVE",
    "LOW_SPEND",
    "NEW_CLIENT",
    "P_ALIVE",
    "P_NO_PURCHASE",
    "RARE_ORDERS",
    "REASON_1",
    "REASON_2",
    "REASON_CODES",
    "RECENCY_RATIO",
    "REVENUE_AT_RISK",
    "SILENT",
    "SINGLE_ORDER",
    "SNAPSHOT_FEATURES",
    "SPEND_CHANGE",
    "SPEND_CHANGE_3M",
    "SPEND_DOWN",
    "STATUS_BASELINE",
    "STATUS_INSUFFICIENT",
    "STATUS_MODEL",
    "STATUS_NOT_BACKTESTED",
    "ChurnModel",
    "ChurnScores",
    "ModelCard",
    "alive_population",
    "bgnbd_forecast",
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
