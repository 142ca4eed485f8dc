"""The expected revenue's codes and its two results: :class:`ExpectedRevenue` and
:class:`ValueBacktest`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...io.schema import (
    AS_OF,
    CLIENT_ID,
    FIRST_ORDER,
    LAST_ORDER,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    TENURE_DAYS,
)

# --- codes ------------------------------------------------------------------------------------

EXPECTED_REVENUE_12M = "expected_revenue_12m"
METHOD = "method"
SEGMENT = "segment"
AGE_BAND = "age_band"
EXPECTED_PURCHASES = "expected_purchases"
EXPECTED_ORDER_VALUE = "expected_order_value"
REVENUE_RATIO = "revenue_ratio"

BGNBD_GG = "bgnbd_gg"
SINGLE_ORDER = "single_order_shrunk"
FALLBACK_WINDOW = "fallback_window"
NO_ORDERS = "no_orders"
NO_SPEND = "no_spend"
METHODS = (BGNBD_GG, SINGLE_ORDER, FALLBACK_WINDOW, NO_ORDERS, NO_SPEND)

# backtest methods
MODEL = "model"
LAST_12M = "last_12m"
SEGMENT_MEAN = "segment_mean"
BACKTEST_METHODS = (MODEL, LAST_12M, SEGMENT_MEAN)

CUTOFF = "cutoff"
ACTUAL = "actual"
DECILE = "decile"

_REQUIRED = (
    CLIENT_ID,
    FIRST_ORDER,
    LAST_ORDER,
    TENURE_DAYS,
    ORDERS_TOTAL,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)
# without these the estimate degrades (no cohort, 365-day window) and says so in a note
_OPTIONAL = (AS_OF, ORDERS_WINDOW)
_NO_SEGMENT = "none"


# --- results ----------------------------------------------------------------------------------


@dataclass
class ExpectedRevenue:
    """Expected revenue per client over the horizon (see the module docstring).

    Attributes
    ----------
    clients : DataFrame
        One row per snapshot row (same order): ``client_id``, ``expected_revenue_12m``,
        ``method`` (one of :data:`METHODS`), ``segment`` (str), ``age_band`` (index of the age
        band for single-order clients, else -1), ``expected_purchases`` (BG/NBD, repeat
        buyers), ``expected_order_value`` (Gamma-Gamma for repeat buyers, the shrunk order
        value for single-order clients), ``revenue_ratio`` (rho × h / window_days, single-order
        clients); NaN where a column does not apply.
    summary : dict
        ``total`` (= the sum of ``clients.expected_revenue_12m``), ``n_clients``, per method
        ``n_<method>`` and ``total_<method>``; ``single_order_clients``,
        ``single_order_total``, ``single_order_revenue_window`` (their last-12-month revenue)
        and ``single_order_ratio`` (expected / last-12-month); ``cohort_clients``,
        ``cohort_returned`` (share of the cohort that ordered again in the window),
        ``cohort_value``, ``cohort_revenue``, ``band_rates`` (list of {band, cohort_clients,
        rate}), ``value_shrinkage`` (the k used); ``bgnbd`` and ``gamma_gamma`` (fitted
        parameters, or None), ``gg_population_mean``; ``as_of``, ``window_days``.
    notes : list of (code, params)
        ``model_not_fitted`` {model, error}: repeat buyers fell back to ``fallback_window``;
        ``model_fallback`` {model, fallback}: a BG/NBD or Gamma-Gamma limiting case (see
        :mod:`reportkit.analysis.btyd`); ``too_few_clients`` {clients};
        ``no_single_order_history`` {cohort_clients, min_cohort}: no cohort to learn from, every
        single-order client fell back; ``band_without_cohort`` {band, cohort_clients,
        min_cohort}; ``segments_missing`` {clients} (labelled ``"none"``);
        ``inconsistent_dates`` {clients}: orders without usable first/last order dates (fell
        back); ``mixed_as_of`` {dates}; ``as_of_missing`` {} (a 365-day window is assumed);
        ``column_missing`` {column}: ``as_of`` (365-day window assumed) or ``orders_window``
        (no cohort: single-order clients fall back; repeat means over all orders).
    params : dict
        The parameters used.
    """

    clients: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the per-client table :attr:`clients`."""
        return self.clients.copy()


@dataclass
class ValueBacktest:
    """Predicted against actual revenue at past cut-offs (see :func:`backtest_expected_revenue`).

    Attributes
    ----------
    table : DataFrame
        One row per method × cut-off: ``method`` (``model``, ``last_12m``, ``segment_mean``),
        ``cutoff``, ``n_clients``, ``predicted``, ``actual`` (sums), ``total_error`` (predicted /
        actual - 1), ``mae`` (mean absolute error per client), ``mae_vs_last_12m`` (MAE / the
        last-12-months baseline's MAE at that cut-off).
    deciles : DataFrame
        One row per method × cut-off × decile of the method's predicted value (1 = lowest,
        10 = highest; equal numbers of clients, ties broken by client order): ``n_clients``,
        ``predicted``, ``actual``, ``total_error``, ``mae``.
    clients : DataFrame
        Per cut-off and client: ``cutoff``, ``client_id``, ``actual`` and one column per method
        with its prediction, plus the model's ``method`` code (``model_method``).
    summary : dict
        ``cutoffs`` (list), and per method ``<method>_total_error`` (mean over cut-offs),
        ``<method>_abs_total_error`` (mean of |total error|), ``<method>_mae`` (mean MAE).
    notes : list of (code, params)
        ``no_observed_cutoff`` {as_of, horizon_days}; ``cutoff_not_observed`` {cutoff};
        ``cutoff_without_clients`` {cutoff} (before the data, or no client with an order);
        ``cutoff_failed`` {cutoff, error} (the snapshot refused the date); and the model's notes as
        ``("model_note", {"cutoff": …, "code": …, **params})``.
    params : dict
    """

    table: pd.DataFrame
    deciles: pd.DataFrame
    clients: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the per-cut-off, per-client table :attr:`clients`."""
        return self.clients.copy()
