"""Buy-till-you-die models: BG/NBD (purchases and dropout) and Gamma-Gamma (spend per order).

Both models work on the classic per-client summary of a purchase history:

frequency (``x``)
    number of *repeat* purchases: purchase periods after the first one (a whole number);
recency (``t_x``)
    time from the first to the last purchase (0 for clients without a repeat purchase);
T
    the client's age: time from the first purchase to the as-of date;
monetary_value (``m``)
    mean value of the repeat purchases (Gamma-Gamma only).

Time is in whatever unit the caller chose (days, weeks, …); use the same unit for recency, T
and every horizon ``t`` passed to a model, and read the fitted ``alpha`` in that unit.
:func:`rfm_summary` computes the summary from transactions the way lifetimes'
``summary_data_from_transaction_data`` does; :func:`snapshot_summary` from a client snapshot.

:func:`fit_predict` is the package's one entry point to both models: a snapshot (or a summary)
in, one row per client out (``p_alive``, ``p_no_purchase``, ``expected_purchases``,
``expected_order_value``, ``expected_revenue`` over a horizon in days) with the fitted models.
The churn model's features and the expected revenue of :mod:`reportkit.analysis.value` both
read it, so both see the same fit of a snapshot, in days.

Modules: ``base`` (input checks, optimiser, the models' summary face), ``bgnbd_math`` (the
BG/NBD likelihood and expectation on arrays), ``bgnbd``, ``gamma_gamma``, ``summary``
(:func:`rfm_summary`, :func:`snapshot_summary`), ``forecast`` (:func:`fit_predict`).

``BetaGeoModel`` is the BG/NBD of Fader, Hardie and Lee (2005), "Counting your customers the
easy way", Marketing Science 24(2): while alive a client buys at rate ``lambda ~ Gamma(r,
alpha)``; after every purchase it drops out with probability ``p ~ Beta(a, b)``.
``GammaGammaModel`` is the spend model of Fader, Hardie and Lee (2005), "RFM and CLV",
Journal of Marketing Research 42(4), and Hardie's note 025.

>>> from reportkit.analysis.btyd import BetaGeoModel
>>> m = BetaGeoModel().fit(frequency=[0, 2, 5, 1, 0, 3], recency=[0, 30, 40, 5, 0, 60],
...                        T=[50, 60, 45, 70, 20, 62])          # days
>>> sorted(m.params_)
['a', 'alpha', 'b', 'r']
>>> risk = m.p_no_purchase(90, [0, 3], [0, 60], [50, 62])    # no purchase in the next 90 days
>>> bool(0 < risk[1] < risk[0] < 1)
True
"""

from __future__ import annotations

from .base import _converged as _converged
from .bgnbd import BetaGeoModel
from .bgnbd_math import _bg_data as _bg_data
from .bgnbd_math import _bg_loglik_grad as _bg_loglik_grad
from .bgnbd_math import _bg_objective as _bg_objective
from .bgnbd_math import _unique_triples as _unique_triples
from .forecast import (
    EXPECTED_ORDER_VALUE,
    EXPECTED_PURCHASES,
    EXPECTED_REVENUE,
    P_ALIVE,
    P_NO_PURCHASE,
    BTYDForecast,
    expected_revenue,
    fit_predict,
)
from .gamma_gamma import GammaGammaModel
from .gamma_gamma import _gg_loglik_grad as _gg_loglik_grad
from .summary import MONETARY_COUNT, rfm_summary, snapshot_summary

__all__ = [
    "EXPECTED_ORDER_VALUE",
    "EXPECTED_PURCHASES",
    "EXPECTED_REVENUE",
    "MONETARY_COUNT",
    "P_ALIVE",
    "P_NO_PURCHASE",
    "BTYDForecast",
    "BetaGeoModel",
    "GammaGammaModel",
    "expected_revenue",
    "fit_predict",
    "rfm_summary",
    "snapshot_summary",
]
