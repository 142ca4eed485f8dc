"""Forecasts from both models: :func:`fit_predict` on a frame, :func:`expected_revenue` on arrays.

:func:`fit_predict` is the one way the package fits BG/NBD and Gamma-Gamma on its own data: the
churn model's features and the expected revenue of :mod:`reportkit.analysis.value` both read it,
in days, so that one snapshot needs one fit (:meth:`BTYDForecast.at` gives another horizon from
the same fit).

The BG/NBD is fitted on every client with a purchase (one-purchase clients included: they inform
the purchase process); the Gamma-Gamma on the clients with a repeat purchase and a positive mean
repeat-order value. Warnings of the fits are kept as notes (``model_fallback``); a fit that fails
on the data leaves its columns missing with a ``model_not_fitted`` note.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelWarning, ReportkitError, check_param
from ...io.schema import CLIENT_ID, FREQUENCY, MONETARY_VALUE, RECENCY, T_AGE
from .base import _check_penalizer, _wrap
from .bgnbd import BetaGeoModel
from .gamma_gamma import GammaGammaModel
from .summary import MONETARY_COUNT, snapshot_summary

# output columns of fit_predict
P_ALIVE = "p_alive"
P_NO_PURCHASE = "p_no_purchase"
EXPECTED_PURCHASES = "expected_purchases"
EXPECTED_ORDER_VALUE = "expected_order_value"
EXPECTED_REVENUE = "expected_revenue"
FORECAST_COLUMNS = (
    P_ALIVE,
    P_NO_PURCHASE,
    EXPECTED_PURCHASES,
    EXPECTED_ORDER_VALUE,
    EXPECTED_REVENUE,
)

#: the data problems a fit may meet: the forecast notes them and leaves its columns missing
FIT_ERRORS = (ReportkitError, ValueError, ArithmeticError, np.linalg.LinAlgError)


@dataclass
class BTYDForecast:
    """BG/NBD and Gamma-Gamma fitted on one base, and their forecasts per client.

    Attributes
    ----------
    clients : DataFrame
        One row per row of the input (same order): ``client_id``, the summary the models read
        (``frequency``, ``recency``, ``T`` in days, ``monetary_value``, ``monetary_count``),
        and over the next ``params["horizon_days"]`` days: ``p_alive``, ``p_no_purchase``,
        ``expected_purchases`` (BG/NBD), ``expected_order_value`` (Gamma-Gamma) and
        ``expected_revenue`` (their product, undiscounted). NaN where a client has no purchase
        to summarise or a model could not be fitted.
    summary : dict
        ``clients_fitted`` (rows the BG/NBD read), ``bgnbd`` and ``gamma_gamma`` (fitted
        parameters, or None), ``gg_population_mean`` (NaN without a Gamma-Gamma fit).
    notes : list of (code, params)
        ``too_few_clients`` {clients}: fewer than two clients with a purchase, nothing fitted;
        ``model_not_fitted`` {model, error}: ``bgnbd`` or ``gamma_gamma`` failed on the data;
        ``model_fallback`` {model, fallback}: a limiting case (see the models' ``fallback_``).
    params : dict
        ``horizon_days``, ``penalizer``, ``order_values``, ``gamma_gamma``.
    bgnbd : BetaGeoModel or None
    gamma_gamma : GammaGammaModel or None
    """

    clients: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    bgnbd: BetaGeoModel | None = None
    gamma_gamma: GammaGammaModel | None = None

    def to_frame(self) -> pd.DataFrame:
        """A copy of the per-client table :attr:`clients`."""
        return self.clients.copy()

    def at(self, horizon_days: float) -> BTYDForecast:
        """The same fitted models' forecasts over another horizon (in days); no refit."""
        _check_horizon(horizon_days)
        if horizon_days == self.params["horizon_days"]:
            return self
        summary = self.clients.drop(columns=list(FORECAST_COLUMNS))
        clients = _predict(summary, self.bgnbd, self.gamma_gamma, float(horizon_days))
        return replace(
            self, clients=clients, params={**self.params, "horizon_days": float(horizon_days)}
        )


def fit_predict(
    data: pd.DataFrame,
    horizon_days: float,
    *,
    penalizer: float = 0.0,
    order_values: str = "window",
    gamma_gamma: bool = True,
) -> BTYDForecast:
    """Fit BG/NBD (and Gamma-Gamma) on a base and forecast each client over ``horizon_days``.

    See the module docstring for what is fitted on which clients; nothing here raises because
    of the data (a failed fit leaves its columns missing, with a note).

    Parameters
    ----------
    data : DataFrame
        A client snapshot (:func:`reportkit.snapshot`; summarised by :func:`snapshot_summary`),
        or a summary in days with ``client_id``, ``frequency``, ``recency``, ``T`` and
        optionally ``monetary_value`` and ``monetary_count`` (:func:`rfm_summary` with
        ``freq="D"``; ``monetary_count`` defaults to ``frequency``).
    horizon_days : float
        The forecast horizon in days (>= 0).
    penalizer : float, default 0.0
        L2 penalty of both fits (see :class:`BetaGeoModel`).
    order_values : {"window", "all"}, default "window"
        For a snapshot: the repeat orders behind the mean order value (see
        :func:`snapshot_summary`).
    gamma_gamma : bool, default True
        Also fit the Gamma-Gamma spend model, when the data has monetary values (without it
        the order value and revenue columns are missing).

    Returns
    -------
    BTYDForecast

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"client_id": list("abcdef"),
    ...                         "frequency": [0, 2, 5, 1, 0, 3],
    ...                         "recency": [0, 30, 40, 5, 0, 60], "T": [50, 60, 45, 70, 20, 62],
    ...                         "monetary_value": [0, 20.0, 35.0, 12.0, 0, 18.0]})
    >>> fc = fit_predict(summary, 90)
    >>> fc.clients.columns.tolist()[-5:]
    ['p_alive', 'p_no_purchase', 'expected_purchases', 'expected_order_value', 'expected_revenue']
    >>> bool(fc.clients["expected_purchases"].gt(0).all())
    True
    """
    _check_horizon(horizon_days)
    _check_penalizer(penalizer)
    summary = _summary_of(data, order_values)
    x, tx, age = (summary[c].to_numpy(dtype=float) for c in (FREQUENCY, RECENCY, T_AGE))
    fit = np.isfinite(x) & np.isfinite(tx) & np.isfinite(age)
    n_fit = int(fit.sum())
    notes: list[tuple[str, dict[str, Any]]] = []
    bg = gg = None
    if n_fit < 2:
        notes.append(("too_few_clients", {"clients": n_fit}))
    else:
        bg = _fit("bgnbd", lambda: BetaGeoModel(penalizer).fit(x[fit], tx[fit], age[fit]), notes)
        if gamma_gamma and np.isfinite(summary[MONETARY_VALUE].to_numpy(dtype=float)[fit]).any():
            m = summary[MONETARY_VALUE].to_numpy(dtype=float)
            x_m = summary[MONETARY_COUNT].to_numpy(dtype=float)
            gg = _fit(
                "gamma_gamma", lambda: GammaGammaModel(penalizer).fit(x_m[fit], m[fit]), notes
            )
    clients = _predict(summary, bg, gg, float(horizon_days))
    params = {
        "horizon_days": float(horizon_days),
        "penalizer": float(penalizer),
        "order_values": order_values,
        "gamma_gamma": bool(gamma_gamma),
    }
    return BTYDForecast(clients, _facts(n_fit, bg, gg), notes, params, bg, gg)


def _facts(n_fit: int, bg: BetaGeoModel | None, gg: GammaGammaModel | None) -> dict[str, Any]:
    return {
        "clients_fitted": n_fit,
        "bgnbd": dict(bg.params_ or {}) if bg is not None else None,
        "gamma_gamma": dict(gg.params_ or {}) if gg is not None else None,
        "gg_population_mean": float(gg.population_mean_) if gg is not None else np.nan,
    }


def _check_horizon(horizon_days: Any) -> None:
    check_param(
        isinstance(horizon_days, (int, float, np.integer, np.floating))
        and not isinstance(horizon_days, bool)
        and math.isfinite(float(horizon_days))
        and horizon_days >= 0,
        "horizon_days",
        "a number of days >= 0",
        horizon_days,
    )


def _summary_of(data: Any, order_values: str) -> pd.DataFrame:
    """The summary frame of ``data``: a summary as given (monetary columns filled in) or the
    summary of a snapshot."""
    check_param(
        isinstance(data, pd.DataFrame),
        "data",
        "a snapshot or a summary DataFrame",
        type(data).__name__,
    )
    summary_cols = (CLIENT_ID, FREQUENCY, RECENCY, T_AGE)
    if not all(c in data.columns for c in summary_cols):
        return snapshot_summary(data, order_values=order_values)
    check_param(
        order_values in ("window", "all"), "order_values", "'window' or 'all'", order_values
    )
    out = data[list(summary_cols)].reset_index(drop=True)
    for col in (FREQUENCY, RECENCY, T_AGE):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    has_m = MONETARY_VALUE in data.columns
    out[MONETARY_VALUE] = data[MONETARY_VALUE].to_numpy(dtype=float) if has_m else np.nan
    out[MONETARY_COUNT] = (
        data[MONETARY_COUNT].to_numpy(dtype=float)
        if MONETARY_COUNT in data.columns
        else out[FREQUENCY].to_numpy()
    )
    return out


def _fit(name: str, fit: Callable[[], Any], notes: list) -> Any:
    """Run one model's fit; on a data problem note it and return None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ModelWarning)
            model = fit()
    except FIT_ERRORS as exc:
        notes.append(("model_not_fitted", {"model": name, "error": str(exc)}))
        return None
    if model.fallback_:
        notes.append(("model_fallback", {"model": name, "fallback": model.fallback_}))
    return model


def _predict(
    summary: pd.DataFrame,
    bg: BetaGeoModel | None,
    gg: GammaGammaModel | None,
    horizon_days: float,
) -> pd.DataFrame:
    """``summary`` with the forecast columns over ``horizon_days`` (NaN where not fitted)."""
    x, tx, age = (summary[c].to_numpy(dtype=float) for c in (FREQUENCY, RECENCY, T_AGE))
    fit = np.isfinite(x) & np.isfinite(tx) & np.isfinite(age)
    out = summary.copy()
    for col in FORECAST_COLUMNS:
        out[col] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        if bg is not None:
            args = (x[fit], tx[fit], age[fit])
            out.loc[fit, P_ALIVE] = np.asarray(bg.p_alive(*args), dtype=float)
            out.loc[fit, P_NO_PURCHASE] = np.asarray(bg.p_no_purchase(horizon_days, *args))
            out.loc[fit, EXPECTED_PURCHASES] = np.asarray(
                bg.expected_purchases(horizon_days, *args)
            )
        if gg is not None:
            x_m = summary[MONETARY_COUNT].to_numpy(dtype=float)[fit]
            m = summary[MONETARY_VALUE].to_numpy(dtype=float)[fit]
            out.loc[fit, EXPECTED_ORDER_VALUE] = np.asarray(gg.expected_order_value(x_m, m))
    out[EXPECTED_REVENUE] = out[EXPECTED_PURCHASES] * out[EXPECTED_ORDER_VALUE]
    return out


def expected_revenue(
    bgnbd: BetaGeoModel,
    gg: GammaGammaModel,
    t: Any,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
) -> Any:
    """Expected revenue of each client over the next ``t``: expected purchases × expected order
    value (no discounting — sum of undiscounted order values over the horizon).

    Parameters
    ----------
    bgnbd : BetaGeoModel
        Fitted; ``t`` is in its time unit.
    gg : GammaGammaModel
        Fitted.
    t : float or array-like
        Horizon.
    frequency, recency, T, monetary_value : array-like
        Per-client summary (see :func:`rfm_summary`).

    Returns
    -------
    ndarray, Series (index of a Series input) or float (scalar inputs)

    Examples
    --------
    >>> bg = BetaGeoModel().fit([0, 2, 5, 1, 0, 3], [0, 30, 40, 5, 0, 60], [50, 60, 45, 70, 20, 62])
    >>> gg = GammaGammaModel().fit([0, 1, 2, 3, 2, 4, 1, 1],
    ...                            [0.0, 10.0, -3.0, 30.0, 9.0, 11.0, 4.0, 25.0])
    >>> rev = expected_revenue(bg, gg, 30, [2], [55], [60], [30.0])
    >>> bool(rev[0] > 0)
    True
    """
    purchases = np.asarray(bgnbd.expected_purchases(t, frequency, recency, T), dtype=float)
    value = np.asarray(gg.expected_order_value(frequency, monetary_value), dtype=float)
    return _wrap(purchases * value, t, frequency, recency, T, monetary_value)
