"""``BetaGeoModel``: the BG/NBD of Fader, Hardie and Lee (2005), "Counting your customers the
easy way", Marketing Science 24(2).

While alive a client buys at rate ``lambda ~ Gamma(r, alpha)``; after every purchase it drops
out with probability ``p ~ Beta(a, b)``.
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
    MinimizeOptions,
    _as_float_array,
    _check_penalizer,
    _check_summary,
    _check_weights,
    _converged,
    _dot,
    _finite_result,
    _minimize,
    _std_errors,
    _Summary,
    _wrap,
)
from .bgnbd_math import (
    _bg_data,
    _bg_loglik_grad,
    _bg_objective,
    _BGData,
    _expected_if_alive,
    _start_bg,
    _unique_triples,
)

_BG_NAMES = ("r", "alpha", "a", "b")
_BOUNDS = [(_LOG_LO, _LOG_HI)] * 4
_OPTIONS: MinimizeOptions = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000}


def _refit_nbd(d: _BGData, pen: float, theta: np.ndarray):
    """The NBD without dropout (a at its lower bound, b = 1), started from ``theta``."""
    nbd_bounds = [(_LOG_LO, _LOG_HI), (_LOG_LO, _LOG_HI), (_LOG_LO, _LOG_LO), (0.0, 0.0)]
    start = theta.copy()
    start[2:] = (_LOG_LO, 0.0)
    return _minimize(_bg_objective, start, (d, pen), nbd_bounds, **_OPTIONS)


class BetaGeoModel(_Summary):
    """BG/NBD model of repeat purchases and silent dropout (Fader, Hardie & Lee 2005).

    While alive, a client buys at a Poisson rate ``lambda ~ Gamma(shape=r, rate=alpha)``;
    after each purchase it drops out for good with probability ``p ~ Beta(a, b)``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty ``penalizer × (r² + alpha² + a² + b²)`` added to the mean negative
        log-likelihood, like lifetimes' ``penalizer_coef`` (alpha is measured in units of the
        largest T, as in lifetimes, so the penalty does not depend on the time unit). Small
        values (0.001–0.1) stabilise fits on small or odd bases.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (in the caller's time unit), ``a``, ``b``.
    standard_errors_ : dict
        Standard errors of the parameters (observed information; NaN at a bound).
    log_likelihood_ : float
        Total log-likelihood at the optimum (without the penalty).
    converged_ : bool
        The optimiser stopped at a finite optimum: L-BFGS-B converged, or stopped on scipy's
        "precision loss"/ABNORMAL_TERMINATION line-search condition at a finite point, which is
        a fit (the likelihood cannot be improved within floating-point precision).
    n_iter_ : int
        L-BFGS-B iterations (all attempts).
    n_ : float
        Number of clients (sum of weights); ``n_patterns_`` distinct (frequency, recency, T).
    fallback_ : str or None
        None for an ordinary fit, else what was done instead (each also raises a
        :class:`~reportkit.errors.ModelWarning` with the diagnostics):

        * ``"no repeat purchases"`` — every client has frequency 0 (or every T is 0): nothing
          identifies the purchase rate or the dropout. The fit is the limit the likelihood
          points to: ``r`` at its lower bound (1e-8), ``alpha`` = the largest T (1 if all T
          are 0), ``a = b = 1``, so P(alive) is 1, expected purchases ≈ 0 and
          P(no purchase) ≈ 1.
        * ``"no dropout (NBD)"`` — the dropout probability went to 0 (steady buyers): the
          model was refitted as the Poisson-Gamma NBD without dropout (``a`` = 1e-8, ``b`` = 1,
          so P(alive) ≈ 1 and the forecasts are the NBD's).
        * ``"penalized (penalizer=0.1)"`` — the likelihood could not be optimised (a
          non-finite value): the model was refitted with ``penalizer = 0.1``.
        * ``"moment NBD"`` — even that failed: a no-dropout NBD with ``r = 1`` and the mean
          matched to the observed repeat-purchase rate (``converged_`` is False).

        Fits that end near a bound for other reasons (e.g. no rate heterogeneity: ``r`` and
        ``alpha`` very large) are kept and only warned about; they are the limiting models.
    warnings_ : list of str
        The diagnostics that were raised as ModelWarning.

    Notes
    -----
    Time is in the caller's unit: days, weeks, … — recency, T and the horizons ``t`` of the
    forecasts must share it. The fit maximises the likelihood once per distinct (frequency,
    recency, T) triple, weighted by its count, with L-BFGS-B on log-parameters and the exact
    analytic gradient. The model gives P(alive) = 1 to every client without a repeat purchase,
    so **rank churn risk with** :meth:`p_no_purchase`, **not with 1 - p_alive**.

    Examples
    --------
    >>> m = BetaGeoModel().fit([0, 2, 5, 1, 0, 3], [0, 30, 40, 5, 0, 60], [50, 60, 45, 70, 20, 62])
    >>> m.converged_
    True
    >>> bool(m.p_alive(0, 0, 50) == 1.0)
    True
    >>> p = m.p_no_purchase(30, [2, 2], [55, 10], [60, 60])
    >>> bool(p[0] < p[1])      # the client who bought recently is less likely to stay silent
    True
    """

    _title = "BG/NBD (Fader, Hardie & Lee 2005)"
    _names = _BG_NAMES

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer
        self.params_: dict[str, float] | None = None

    # -- fit ----------------------------------------------------------------------------------
    def fit(self, frequency: Any, recency: Any, T: Any, *, weights: Any = None) -> BetaGeoModel:
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like of float
            Repeat purchases (whole numbers), time from the first to the last purchase, age
            (time from the first purchase to the as-of date), one value per client, all in
            the same time unit.
        weights : array-like of float, optional
            Number of clients with each (frequency, recency, T); default 1 each.

        Returns
        -------
        BetaGeoModel
            ``self``, fitted.

        Raises
        ------
        InputError
            Empty input, a missing/infinite/negative value, a non-whole frequency,
            recency > T, or frequency 0 with recency > 0 (the message counts the clients).
        """
        where = "BetaGeoModel.fit"
        pen = self.penalizer
        _check_penalizer(pen)
        x, tx, age = _check_summary(frequency, recency, T, where)
        w = _check_weights(weights, x.size, where)
        ux, utx, uT, uw = _unique_triples(x, tx, age, w)
        scale = float(uT.max()) if uT.max() > 0 else 1.0
        d = _bg_data(ux, utx / scale, uT / scale, uw)
        self.n_ = float(uw.sum())
        self.n_patterns_ = d.n_patterns
        self.time_scale_ = scale
        self.warnings_: list[str] = []
        self.fallback_: str | None = None
        if d.xr.size == 0 or uT.max() == 0:
            return self._fit_no_repeat(d, scale, pen)
        res = _minimize(_bg_objective, _start_bg(d), (d, pen), _BOUNDS, **_OPTIONS)
        if not _finite_result(res):
            return self._fit_penalized(d, scale, pen, res)
        theta, nit = res.x, res.nit
        mean_p = math.exp(theta[2]) / (math.exp(theta[2]) + math.exp(theta[3]))
        if mean_p < 1e-4 and (theta[2] - _LOG_LO < _NEAR or _LOG_HI - theta[3] < _NEAR):
            # dropout probability a/(a+b) pushed to 0: refit the NBD (a -> lower bound)
            res_nbd = _refit_nbd(d, pen, theta)
            nit += res_nbd.nit
            if _finite_result(res_nbd):
                return self._set_nbd(res_nbd.x, d, scale, pen, nit, _converged(res_nbd), mean_p)
        self._set_result(theta, d, scale, pen, nit, _converged(res))
        if not self.converged_:
            self._warn(
                f"L-BFGS-B did not converge ({res.message}) after {nit} iterations; the "
                "parameters are the best found"
            )
        self._boundary_notes(theta)
        return self

    def _fit_no_repeat(self, d: _BGData, scale: float, pen: float) -> BetaGeoModel:
        """The no-repeat limit: every client has frequency 0 (or every T is 0)."""
        why = (
            f"all {self.n_:,.0f} clients have frequency 0"
            if d.xr.size == 0
            else f"all {self.n_:,.0f} clients made their first purchase at the as-of date (T = 0)"
        )
        self._set_result(np.array([_LOG_LO, 0.0, 0.0, 0.0]), d, scale, pen, nit=0, converged=True)
        self._note(
            "no repeat purchases",
            f"{why}, so neither the purchase rate nor the dropout can be estimated; "
            "using the no-repeat limit (r = 1e-8, a = b = 1: P(alive) = 1 without "
            "repeat purchases, expected purchases ≈ 0, P(no purchase) ≈ 1)",
        )
        return self

    def _fit_penalized(self, d: _BGData, scale: float, pen: float, res) -> BetaGeoModel:
        """The likelihood gave no finite optimum: refit with penalizer 0.1, else a moment NBD."""
        diag = (
            f"L-BFGS-B stopped with {res.message!r} at log-parameters "
            f"{np.round(res.x, 3).tolist()}, objective {res.fun!r}"
        )
        nit = res.nit
        pen = max(pen, 0.1)
        res = _minimize(_bg_objective, _start_bg(d), (d, pen), _BOUNDS, **_OPTIONS)
        nit += res.nit
        if _finite_result(res):
            self._set_result(res.x, d, scale, pen, nit, _converged(res))
            self._note(
                f"penalized (penalizer={pen})",
                f"the likelihood could not be optimised ({diag}); refitted with penalizer={pen}",
            )
            return self
        # last resort, always finite: a no-dropout NBD with an exponential rate prior (r = 1)
        # whose mean is the observed repeat-purchase rate
        theta = _start_bg(d)
        theta[2:] = (_LOG_LO, 0.0)
        self._set_result(theta, d, scale, pen, nit, converged=False)
        self._note(
            "moment NBD",
            f"the likelihood could not be optimised ({diag}), not even with "
            f"penalizer={pen}; using a no-dropout NBD matched to the mean "
            "repeat-purchase rate (r = 1, a = 1e-8, b = 1)",
        )
        return self

    def _set_nbd(
        self,
        theta: np.ndarray,
        d: _BGData,
        scale: float,
        pen: float,
        nit: int,
        converged: bool,
        mean_p: float,
    ) -> BetaGeoModel:
        """Keep the NBD refit (no dropout) of a fit whose dropout probability went to 0."""
        self._set_result(theta, d, scale, pen, nit, converged)
        self.fallback_ = "no dropout (NBD)"
        self._warn(
            f"no dropout (NBD): the BG/NBD fit drove the mean dropout probability "
            f"a/(a+b) to {mean_p:.2g} — the clients keep buying; refitted as the "
            "Poisson-Gamma NBD without dropout (a = 1e-8, b = 1; P(alive) ≈ 1)"
        )
        self._boundary_notes(theta[:2])
        return self

    def _set_result(
        self, theta: np.ndarray, d: _BGData, scale: float, pen: float, nit: int, converged: bool
    ) -> None:
        params = np.exp(theta)
        ll, _ = _bg_loglik_grad(params, d)
        ses = _std_errors(_bg_objective, theta, (d, pen), d.W) * params
        self.theta_ = theta
        self.params_ = {
            "r": float(params[0]),
            "alpha": float(params[1] * scale),
            "a": float(params[2]),
            "b": float(params[3]),
        }
        ses[1] *= scale
        self.standard_errors_ = dict(zip(_BG_NAMES, map(float, ses)))
        self.log_likelihood_ = ll + self._loglik_unit_shift(d, scale)
        self.converged_ = bool(converged)
        self.n_iter_ = int(nit)

    @staticmethod
    def _loglik_unit_shift(d: _BGData, scale: float) -> float:
        # The likelihood of (x, t_x, T) is a density in t_x: measured in the caller's unit
        # instead of units of max T it changes by -x·ln(scale) per repeater (x > 0).
        return -_dot(d.wr, d.xr) * math.log(scale) if d.xr.size else 0.0

    def _warn(self, msg: str) -> None:
        self.warnings_.append(msg)
        warnings.warn(f"BetaGeoModel.fit: {msg}.", ModelWarning, stacklevel=3)

    def _note(self, fallback: str, msg: str) -> None:
        self.fallback_ = fallback
        self._warn(f"{fallback}: {msg}")

    def _boundary_notes(self, theta: np.ndarray) -> None:
        notes = []
        if _LOG_HI - theta[0] < _NEAR:
            notes.append(
                f"r = {math.exp(theta[0]):.3g} is huge: purchase rates are practically "
                "the same for every client (no heterogeneity; the Poisson limit)"
            )
        if theta[0] - _LOG_LO < _NEAR:
            notes.append(
                f"r = {math.exp(theta[0]):.3g} is tiny: almost no client is expected to buy again"
            )
        if self.n_patterns_ < 4:
            notes.append(
                f"only {self.n_patterns_} distinct (frequency, recency, T) "
                f"pattern(s) for 4 parameters: the parameters are not identified and "
                "the forecasts are rough"
            )
        for note in notes:
            self._warn(note)

    # -- forecasts -------------------------------------------------------------------------------
    def _inputs(self, what: str, frequency: Any, recency: Any, T: Any):
        self._check_fitted(what)
        return _check_summary(frequency, recency, T, f"BetaGeoModel.{what}", allow_empty=True)

    def _log_odds_dead(self, x: np.ndarray, tx: np.ndarray, age: np.ndarray) -> np.ndarray:
        """z with P(alive) = expit(-z); -inf for clients without a repeat purchase."""
        p = self._params()
        r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
        rep = x > 0
        z = np.full(x.shape, -np.inf)
        xr = x[rep]
        z[rep] = (
            math.log(a)
            - np.log(b + xr - 1.0)
            + (r + xr) * np.log1p((age[rep] - tx[rep]) / (alpha + tx[rep]))
        )
        return z

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """Probability that each client is still alive at T.

        ``1 / (1 + [x > 0] · a/(b+x-1) · ((alpha+T)/(alpha+t_x))^(r+x))`` — 1 for every client
        without a repeat purchase (the BG/NBD only lets a client drop out after a purchase), so
        use :meth:`p_no_purchase` to rank churn risk.

        Returns
        -------
        ndarray, Series (index of a Series input) or float (scalar inputs)
        """
        x, tx, age = self._inputs("p_alive", frequency, recency, T)
        return _wrap(special.expit(-self._log_odds_dead(x, tx, age)), frequency, recency, T)

    def _t(self, t: Any, n: int, what: str) -> np.ndarray:
        tt = _as_float_array(t, "t", f"BetaGeoModel.{what}")
        bad = ~np.isfinite(tt) | (tt < 0)
        if bad.any():
            raise InputError(
                f"BetaGeoModel.{what}: the horizon `t` must be finite and >= 0, "
                f"got {tt[bad].ravel()[:3].tolist()}."
            )
        try:
            return np.broadcast_to(tt, (n,)).astype(float)
        except ValueError:
            raise InputError(
                f"BetaGeoModel.{what}: `t` must be one number or one per client "
                f"({n}), got {tt.size}."
            ) from None

    def p_no_purchase(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Probability of no purchase in (T, T + t] — the churn risk over a horizon ``t``.

        ``P = (1 - P(alive)) + P(alive) · ((alpha+T)/(alpha+T+t))^(r+x)``: a dead client buys
        nothing; given alive, the rate's posterior is Gamma(r+x, alpha+T) and dropout can only
        follow a purchase, so the chance of no purchase is the Gamma mean of exp(-lambda·t).

        Parameters
        ----------
        t : float or array-like
            Horizon in the fit's time unit (one value, or one per client).
        frequency, recency, T : array-like

        Returns
        -------
        ndarray, Series (index of a Series input) or float (scalar inputs)
        """
        x, tx, age = self._inputs("p_no_purchase", frequency, recency, T)
        tt = self._t(t, x.size, "p_no_purchase")
        p = self._params()
        alive = special.expit(-self._log_odds_dead(x, tx, age))
        buy_if_alive = -np.expm1(-(p["r"] + x) * np.log1p(tt / (p["alpha"] + age)))
        return _wrap(1.0 - alive * buy_if_alive, t, frequency, recency, T)

    def expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Expected number of purchases in (T, T + t] for each client (FHL 2005, eq. 10).

        ``P(alive) · E[purchases | alive]``, the conditional expectation of eq. 10, computed as
        ``sum_n P(N = n) · sum_{j<=n} E[(1-p)^(j-1)]`` with N ~ NegBin(r+x, t/(alpha+T+t)) the
        purchases without dropout and p ~ Beta(a, b+x) the posterior dropout probability: a
        sum of positive terms that stays exact where eq. 10's hypergeometric function overflows
        or cancels (large frequency or T, a near 1).

        Parameters
        ----------
        t : float or array-like
            Horizon in the fit's time unit (one value, or one per client).
        frequency, recency, T : array-like

        Returns
        -------
        ndarray, Series (index of a Series input) or float (scalar inputs)
        """
        x, tx, age = self._inputs("expected_purchases", frequency, recency, T)
        tt = self._t(t, x.size, "expected_purchases")
        p = self._params()
        alive = special.expit(-self._log_odds_dead(x, tx, age))
        if_alive = _expected_if_alive(tt, x, age, p["r"], p["alpha"], p["a"], p["b"])
        return _wrap(alive * if_alive, t, frequency, recency, T)

    def _extra_facts(self) -> list[tuple[str, str]]:
        return [
            ("distinct (frequency, recency, T)", f"{self.n_patterns_:,}"),
            ("time unit of alpha", "the unit of recency and T"),
        ]
