"""The churn model's names: its horizon, output columns, scorers, statuses, bands and the reason
codes with the feature deviations they stand for (see the package docstring)."""

from __future__ import annotations

from ..btyd import EXPECTED_PURCHASES, P_ALIVE, P_NO_PURCHASE
from ..value import EXPECTED_REVENUE_12M

#: default churn horizon in days: churn = no order within this many days
HORIZON_DAYS = 90

# output columns
CUTOFF = "cutoff"
LABEL = "churned"
CHURN_PROBABILITY = "churn_probability"
BAND = "band"
REVENUE_AT_RISK = "revenue_at_risk"
EXPECTED_NEXT_ORDER = "expected_next_order"
RECENCY_RATIO = "recency_ratio"
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
]
