"""A bottom-up revenue forecast of the next 1–12 months, backtested, and a sales plan checked
against it.

The model
---------
At the report date's last complete month T every client that ever bought is either *retained*
(a transaction in the 12 months up to T), *lapsed* (older ones only) or not yet a client. The
revenue of a month T + h is split the same way:

``retained``
    the retained clients' revenue of the last 12 months × what, at past cut-offs, the clients
    active then brought h months later per unit of their trailing revenue;
``reactivated``
    the lapsed clients × what a lapsed client brought h months after a past cut-off;
``new``
    what clients unseen at a past cut-off brought h months later (the historical acquisition
    rate × the value of the new clients, as one figure).

The past cut-offs are T - h - k for k = 0 … 11 (every calendar month once); each rate is divided
by the seasonal index of its month (each calendar month's mean revenue over the 24 months up to
T, over the overall mean) and the forecast multiplied by the target month's. Each past cut-off
applied to today's base is one scenario; the expected value is their mean, and the 80 %
interval is a Student-t prediction interval, mean ± t(0.9, K-1) × sd over the K scenarios, with
sd² = the scenarios' variance × (1 + 1/K) + (mean × the relative standard error of the target
month's seasonal index)² (the index rests on two years: its error is the largest one the
scenarios miss) -- an analytic approximation whose coverage the backtest measures. Each level (a
manager, a segment, …) learns its own rates; the three parts sum to the total of each level, and
the sum of the levels is the ``(all)`` level. The per-client figures (``.clients``) are the
retained clients' trailing revenue × their level's rate and, for a lapsed client, its level's
rate per lapsed client: they sum to the retained and reactivated parts. The churn model and
:func:`reportkit.analysis.value.expected_revenue` are not used: a 12-month expected revenue
does not split into months, and re-fitting them at every backtest cut-off costs more than the
whole forecast; the observed rates carry the base's churn.

Levels: a client's manager, channel and category are the ones with the most of its revenue;
its segment is the clients table's ``size``. The backtest reads today's levels at past
cut-offs too (a client who moved between managers counts under the new one).

The backtest
------------
At each of the 12 month ends before T the forecast is made from the data up to it and compared
with what followed (WAPE: the sum of absolute errors over the sum of actuals, per month and per
quarter), beside three naive baselines: the same month a year earlier, the mean of the last 3
months, and the same month a year earlier × the growth of the last 12 months over the 12 before.
The report shows the forecast only at the levels where its monthly error beats the best
baseline's; elsewhere it shows that baseline (``shown``).

Modules: ``grid`` (the month × status × level arrays), ``model`` (the forecast at a cut-off and
the baselines), ``backtest``, ``levels``, ``results``, ``api`` (:func:`forecast`), ``plan``
(:func:`check_plan`), ``audit`` (what the report shows), ``months``.
"""

from __future__ import annotations

from .api import enough_history, forecast
from .audit import TOTAL, audit_forecast
from .backtest import BASELINES, METHODS
from .levels import ALL, DIMENSIONS, NO_LEVEL, SEGMENT_COLUMN, client_levels
from .plan import check_plan, judge_plan
from .results import (
    DEFAULT_SETTINGS,
    NOTE_NOT_BACKTESTED,
    NOTE_OUT_OF_HORIZON,
    NOTE_PARTIAL_MONTH,
    NOTE_SHORT_HISTORY,
    NOTE_UNKNOWN_LEVEL,
    Forecast,
    ForecastReport,
    ForecastSettings,
    PlanCheck,
)

__all__ = [
    "ALL",
    "BASELINES",
    "DEFAULT_SETTINGS",
    "DIMENSIONS",
    "METHODS",
    "NOTE_NOT_BACKTESTED",
    "NOTE_OUT_OF_HORIZON",
    "NOTE_PARTIAL_MONTH",
    "NOTE_SHORT_HISTORY",
    "NOTE_UNKNOWN_LEVEL",
    "NO_LEVEL",
    "SEGMENT_COLUMN",
    "TOTAL",
    "Forecast",
    "ForecastReport",
    "ForecastSettings",
    "PlanCheck",
    "audit_forecast",
    "check_plan",
    "client_levels",
    "enough_history",
    "forecast",
    "judge_plan",
]
