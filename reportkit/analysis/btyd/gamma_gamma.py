"""``GammaGammaModel``: the spend model of Fader, Hardie and Lee (2005), "RFM and CLV", Journal
of Marketing Research 42(4), and Hardie's note 025.

Each order of a client is worth ``z ~ Gamma(p, nu)``; ``nu ~ Gamma(q, v)`` across clients.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import special

from ...errors import InputError, ModelWarning
from .base import (
    _LOG_HI,
    _LOG_LO,
    _NEAR,
    _as_float_array,
    _check_bad,
    _check_penalizer,
    _check_weights,
    _converged,
    _dot,
    _finite_result,
    _fmt,
    _minimize,
    _std_errors,
    _Summary,
    _wrap,
)

_GG_NAMES = ("p", "q", "v")


def _gg_loglik_grad(
    params: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Total Gamma-Gamma log-likelihood of mean spends m over x purchases, and its gradient.

    log L = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm+v)
          = lnG(px+q) - lnG(px) - lnG(q) - ln m - px·log1p(v/(xm)) - q·log1p(xm/v)
    """
    p, q, v = params
    px = p * x
    xm = x * m
    l1 = np.log1p(v / xm)
    l2 = np.log1p(xm / v)
    ll = _dot(w, special.gammaln(px + q) - special.gammaln(px) - np.log(m) - px * l1 - q * l2)
    ll -= w.sum() * special.gammaln(q)
    dpq = special.digamma(px + q)
    gp = _dot(w, x * (dpq - special.digamma(px) - l1))
    gq = _dot(w, dpq - l2) - w.sum() * special.digamma(q)
    gv = _dot(w, q / v - (px + q) / (xm + v))
    return float(ll), np.array([gp, gq, gv])


def _gg_objective(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray, penalizer: float
) -> tuple[float, np.ndarray]:
    params = np.exp(theta)
    ll, g = _gg_loglik_grad(params, x, m, w)
    W = w.sum()
    f = -ll / W + penalizer * float(params @ params)
    grad = -g * params / W + 2.0 * penalizer * params * params
    if not np.isfinite(f) or not np.all(np.isfinite(grad)):
        return np.inf, np.zeros_like(theta)
    return f, grad


class GammaGammaModel(_Summary):
    """Gamma-Gamma model of the value of a client's orders (Fader, Hardie & Lee 2005).

    Each order of a client is worth ``z ~ Gamma(p, nu)``; ``nu ~ Gamma(q, v)`` across clients,
    so a client's mean order value is ``p/nu`` and the population mean is ``p·v/(q-1)``. The
    model assumes spend is independent of purchase frequency.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty ``penalizer × (p² + q² + v²)`` on the mean negative log-likelihood, with
        ``v`` measured in units of the mean spend of the fitted clients (lifetimes penalises
        ``v`` in currency units, so its penalty depends on the currency).

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``v`` (``v`` in the currency of monetary_value).
    standard_errors_, log_likelihood_, converged_, n_iter_ : as in :class:`BetaGeoModel`
    n_ : float
        Clients used (frequency > 0 and monetary_value > 0).
    excluded_ : dict
        Clients left out: ``{"frequency 0": …, "monetary_value <= 0": …}``.
    population_mean_ : float
        Mean order value of a client about whom nothing is known (``p·v/(q-1)``).
    fallback_ : str or None
        ``"q <= 1"`` when the fitted q is at most 1: the model's population mean is then
        infinite, so :meth:`expected_order_value` returns the weighted mean spend of the fitted
        clients for clients without purchases and each client's own mean otherwise (with a
        ModelWarning).
    warnings_ : list of str

    Examples
    --------
    >>> gg = GammaGammaModel().fit([0, 1, 2, 3, 2, 4, 1, 1],
    ...                            [0.0, 10.0, -3.0, 30.0, 9.0, 11.0, 4.0, 25.0])
    >>> gg.excluded_
    {'frequency 0': 1, 'monetary_value <= 0': 1}
    >>> bool(gg.expected_order_value(0, 0) == gg.population_mean_)
    True
    """

    _title = "Gamma-Gamma spend model (Fader, Hardie & Lee 2005)"
    _names = _GG_NAMES

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer
        self.params_: dict[str, float] | None = None

    def fit(self, frequency: Any, monetary_value: Any, *, weights: Any = None) -> GammaGammaModel:
        """Fit by maximum likelihood on clients with frequency > 0 and monetary_value > 0.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases (whole numbers) — the number of orders behind the mean value.
        monetary_value : array-like
            Mean value of those orders (lifetimes: mean of the repeat purchases); clients
            with frequency 0 or a value <= 0 are excluded and counted in ``excluded_``.
        weights : array-like, optional
            Number of clients with each (frequency, monetary_value); default 1 each.

        Returns
        -------
        GammaGammaModel
            ``self``, fitted.

        Raises
        ------
        InputError
            Empty input, a missing/negative/non-whole frequency, a missing monetary value for a
            client with purchases, or no client with frequency > 0 and monetary_value > 0.
        """
        where = "GammaGammaModel.fit"
        pen = self.penalizer
        _check_penalizer(pen)
        x, m = self._check(frequency, monetary_value, where)
        if x.size == 0:
            raise InputError(f"{where}: no clients (empty frequency and monetary_value).")
        w = _check_weights(weights, x.size, where)
        zero = x == 0
        nonpos = ~zero & (m <= 0)
        use = ~zero & ~nonpos & (w > 0)
        self.excluded_ = {"frequency 0": int(zero.sum()), "monetary_value <= 0": int(nonpos.sum())}
        if not use.any():
            raise InputError(
                f"{where}: no client with frequency > 0 and monetary_value > 0 "
                f"({self.excluded_['frequency 0']} with frequency 0, "
                f"{self.excluded_['monetary_value <= 0']} with monetary_value <= 0); the "
                "Gamma-Gamma model learns spend from repeat purchases — with none, use the mean "
                "order value instead."
            )
        xu, mu, wu = x[use], m[use], w[use]
        scale = _dot(wu, mu) / float(wu.sum())
        self.money_scale_ = scale
        self.n_ = float(wu.sum())
        self.warnings_: list[str] = []
        self.fallback_: str | None = None
        args = (xu, mu / scale, wu, pen)
        theta0 = np.log(np.array([1.0, 2.0, 1.0]))
        res = _minimize(
            _gg_objective,
            theta0,
            args,
            [(_LOG_LO, _LOG_HI)] * 3,
            ftol=1e-15,
            gtol=1e-10,
            maxiter=2000,
        )
        if not _finite_result(res):  # pragma: no cover - the bounded objective is finite
            raise FloatingPointError(
                f"{where}: the Gamma-Gamma likelihood is not finite ({res.message})"
            )
        self._set_result(res, args, scale)
        self._diagnose(res)
        return self

    def _set_result(self, res, args: tuple, scale: float) -> None:
        """Parameters (``v`` back in currency units), standard errors and likelihood."""
        theta = res.x
        params = np.exp(theta)
        ll, _ = _gg_loglik_grad(params, *args[:3])
        ses = _std_errors(_gg_objective, theta, args, self.n_) * params
        self.theta_ = theta
        self.params_ = {"p": float(params[0]), "q": float(params[1]), "v": float(params[2] * scale)}
        ses[2] *= scale
        self.standard_errors_ = dict(zip(_GG_NAMES, map(float, ses)))
        # density of the mean spend in currency units instead of units of `scale`
        self.log_likelihood_ = ll - self.n_ * math.log(scale)
        self.converged_ = _converged(res)
        self.n_iter_ = int(res.nit)
        self.sample_mean_ = scale

    def _diagnose(self, res) -> None:
        """The population mean (or the q <= 1 fallback) and the warnings on odd fits."""
        theta, scale = self.theta_, self.money_scale_
        params = self._params()
        p, q, v = params["p"], params["q"], params["v"]
        if not self.converged_:
            self._warn(f"L-BFGS-B did not converge ({res.message}) after {res.nit} iterations")
        if q <= 1.0:
            self.fallback_ = "q <= 1"
            self.population_mean_ = scale
            self._warn(
                f"q <= 1: q = {q:.3g}, so the model's population mean spend is infinite; "
                f"expected_order_value uses the clients' own mean spend and, for clients "
                f"without purchases, the observed mean {scale:.4g}"
            )
        else:
            self.population_mean_ = float(p * v / (q - 1.0))
        if _LOG_HI - theta[0] < _NEAR:
            self._warn(
                f"p = {p:.3g} is huge: the values of a client's orders barely vary (a "
                "limiting case of the model)"
            )
        if _LOG_HI - theta[1] < _NEAR:
            self._warn(
                f"q = {q:.3g} is huge: mean order values barely differ between "
                "clients (a limiting case of the model)"
            )
        if self.n_ < 3:
            self._warn(
                f"only {self.n_:.0f} client(s) with repeat purchases: the parameters are "
                "not identified and the forecasts are rough"
            )

    @staticmethod
    def _check(
        frequency: Any, monetary_value: Any, where: str, allow_empty: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        x = _as_float_array(frequency, "frequency", where)
        m = _as_float_array(monetary_value, "monetary_value", where)
        try:
            x, m = (np.atleast_1d(v).astype(float) for v in np.broadcast_arrays(x, m))
        except ValueError:
            raise InputError(
                f"{where}: frequency and monetary_value must have the same length, "
                f"got {x.size} and {m.size}."
            ) from None
        _check_bad(
            ~np.isfinite(x), where, "a missing or infinite frequency", "fill or drop them first."
        )
        _check_bad(x < 0, where, "a negative frequency", "frequency counts repeat purchases.")
        _check_bad(
            x != np.floor(x),
            where,
            "a frequency that is not a whole number",
            "frequency is the number of repeat purchases.",
        )
        _check_bad(
            (x > 0) & ~np.isfinite(m),
            where,
            "purchases but a missing or infinite monetary_value",
            "fill or drop them first (clients with frequency 0 may "
            "have any value; lifetimes uses 0).",
        )
        return x, m

    def _warn(self, msg: str) -> None:
        self.warnings_.append(msg)
        warnings.warn(f"GammaGammaModel.fit: {msg}.", ModelWarning, stacklevel=3)

    def expected_order_value(self, frequency: Any, monetary_value: Any) -> Any:
        """Expected value of a client's future orders, E[Z | x, m].

        ``(q-1)/(px+q-1) · p·v/(q-1) + px/(px+q-1) · m``: the client's own mean spend shrunk
        towards the population mean ``p·v/(q-1)``; clients the fit excludes (frequency 0, or
        monetary_value <= 0 or missing) get the population mean. See ``fallback_`` for q <= 1.

        Returns
        -------
        ndarray, Series (index of a Series input) or float (scalar inputs)
        """
        self._check_fitted("expected_order_value")
        x, m = self._check(frequency, monetary_value, "GammaGammaModel.expected_order_value")
        known = (x > 0) & (m > 0)
        out = np.full(x.shape, self.population_mean_)
        if self.fallback_ == "q <= 1":
            out[known] = m[known]
        else:
            params = self._params()
            p, q = params["p"], params["q"]
            px = p * x[known]
            weight = px / (px + q - 1.0)
            out[known] = (1.0 - weight) * self.population_mean_ + weight * m[known]
        return _wrap(out, frequency, monetary_value)

    def _extra_facts(self) -> list[tuple[str, str]]:
        return [
            ("excluded", ", ".join(f"{k}: {v:,}" for k, v in self.excluded_.items())),
            ("population mean order value", _fmt(self.population_mean_)),
        ]
