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
``summary_data_from_transaction_data`` does.

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

import contextlib
import html
import math
import warnings
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from scipy import optimize, special

from ..errors import InputError, ModelWarning, check_param
from ..io.schema import CLIENT_ID, DATE, FREQUENCY, MONETARY_VALUE, RECENCY, T_AGE

__all__ = ["BetaGeoModel", "GammaGammaModel", "expected_revenue", "rfm_summary"]

# Parameters are fitted on the log scale inside these bounds (time measured in units of the
# largest T, money in units of the mean spend). A parameter that ends near a bound marks a base
# whose maximum-likelihood fit is a limiting case of the model (see `_boundary_notes`).
_LOG_LO = math.log(1e-8)
_LOG_HI = math.log(1e8)
_NEAR = math.log(1e3)  # "near a bound": within a factor 1000 of it
# cumulative sums of log(r + k) are exact for whole frequencies; above this many purchase
# periods the fit switches to gammaln / digamma differences on the distinct frequencies
_MAX_CUMSUM = 1_000_000
_BG_NAMES = ("r", "alpha", "a", "b")
_GG_NAMES = ("p", "q", "v")


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------


def _as_float_array(value: Any, name: str, where: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{where}: `{name}` must be numbers, got values such as "
            f"{np.asarray(value).ravel()[:3].tolist()!r}."
        ) from None
    if arr.ndim > 1:
        raise InputError(f"{where}: `{name}` must be one-dimensional, got shape {arr.shape}.")
    return arr


def _positions(mask: np.ndarray, k: int = 5) -> str:
    idx = np.flatnonzero(mask)[:k]
    more = ", …" if mask.sum() > k else ""
    return ", ".join(str(i) for i in idx) + more


def _check_bad(bad: np.ndarray, where: str, what: str, fix: str) -> None:
    n = int(bad.sum())
    if n:
        noun = "client has" if n == 1 else "clients have"
        raise InputError(f"{where}: {n} {noun} {what} (positions {_positions(bad)}); {fix}")


def _check_summary(
    frequency: Any, recency: Any, T: Any, where: str, allow_empty: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate (frequency, recency, T); return them as float arrays of one length."""
    x = _as_float_array(frequency, "frequency", where)
    tx = _as_float_array(recency, "recency", where)
    age = _as_float_array(T, "T", where)
    try:
        x, tx, age = np.broadcast_arrays(x, tx, age)
    except ValueError:
        raise InputError(
            f"{where}: frequency, recency and T must have the same length, got "
            f"{x.size}, {tx.size} and {age.size}."
        ) from None
    x, tx, age = (np.atleast_1d(v).astype(float) for v in (x, tx, age))
    if x.size == 0 and not allow_empty:
        raise InputError(
            f"{where}: no clients (empty frequency, recency and T); a fit needs "
            "at least one client with a first purchase."
        )
    for name, v in (("frequency", x), ("recency", tx), ("T", age)):
        _check_bad(
            ~np.isfinite(v),
            where,
            f"a missing or infinite {name}",
            "fill or drop them before fitting.",
        )
        _check_bad(
            v < 0,
            where,
            f"a negative {name}",
            "frequency, recency and T count purchases and time since the first purchase "
            "and cannot be negative.",
        )
    _check_bad(
        x != np.floor(x),
        where,
        "a frequency that is not a whole number",
        "frequency is the number of repeat purchases (purchase periods after the first).",
    )
    _check_bad(
        tx > age * (1 + 1e-12) + 1e-12,
        where,
        "recency > T",
        "recency (first to last purchase) cannot exceed T (first purchase to as-of); "
        "check that both use the same time unit and as-of date.",
    )
    _check_bad(
        (x == 0) & (tx > 0),
        where,
        "frequency 0 with recency > 0",
        "a client without repeat purchases has recency 0 (lifetimes' convention).",
    )
    return x, np.minimum(tx, age), age


def _check_weights(weights: Any, n: int, where: str) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = _as_float_array(weights, "weights", where)
    if w.shape != (n,):
        raise InputError(f"{where}: `weights` must have one value per client ({n}), got {w.size}.")
    _check_bad(
        ~np.isfinite(w) | (w < 0),
        where,
        "a missing, infinite or negative weight",
        "weights count clients with the same (frequency, recency, T) and must be >= 0.",
    )
    if not w.sum() > 0:
        raise InputError(f"{where}: all weights are 0; at least one client must count.")
    return w


def _wrap(result: np.ndarray, *inputs: Any) -> Any:
    """Return a Series (index of the first Series input), a float (all scalar) or an array."""
    for v in inputs:
        if isinstance(v, pd.Series) and len(v) == result.size:
            return pd.Series(result, index=v.index)
    if all(np.ndim(v) == 0 for v in inputs):
        return float(result.reshape(-1)[0])
    return result


# ---------------------------------------------------------------------------------------------
# BG/NBD likelihood on unique (frequency, recency, T) triples
# ---------------------------------------------------------------------------------------------


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Inner product without BLAS (threaded BLAS is slow for one dot on a busy machine)."""
    return float(np.einsum("i,i->", u, v))


def _unique_triples(
    x: np.ndarray, tx: np.ndarray, age: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (x, t_x, T) rows and the total weight of each."""
    cx, _ux = pd.factorize(x)
    cr, ur = pd.factorize(tx)
    ct, ut = pd.factorize(age)
    k1, _ = pd.factorize(cx.astype(np.int64) * len(ur) + cr)
    key, _ = pd.factorize(k1.astype(np.int64) * len(ut) + ct)
    n = int(key.max()) + 1
    first = np.empty(n, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    uw = np.bincount(key, weights=w, minlength=n)
    keep = uw > 0
    first = first[keep]
    return x[first], tx[first], age[first], uw[keep]


@dataclass
class _BGData:
    """Sufficient pieces of the BG/NBD log-likelihood (time already scaled)."""

    W: float  # total weight (clients)
    max_x: int
    tail: np.ndarray  # tail[k] = weight of clients with x > k, k = 0 … max_x-1
    ks: np.ndarray  # 0 … max_x-1 as float
    ux: np.ndarray  # distinct frequencies > 0 and their weights (gammaln path)
    wx: np.ndarray
    ut: np.ndarray  # distinct T, weight and weight×x at each
    wt: np.ndarray
    xt: np.ndarray
    xr: np.ndarray  # repeaters (x > 0): x, x-1 (int), t_x, T, T - t_x, weight
    xr_1: np.ndarray
    txr: np.ndarray
    tr: np.ndarray
    dr: np.ndarray
    wr: np.ndarray
    n_patterns: int


def _bg_data(x: np.ndarray, tx: np.ndarray, age: np.ndarray, w: np.ndarray) -> _BGData:
    xi = x.astype(np.int64)
    max_x = int(xi.max())
    W = float(w.sum())
    wx: np.ndarray  # float weights (np.bincount's stub types every result as intp)
    if max_x <= _MAX_CUMSUM:
        cnt = np.bincount(xi, weights=w, minlength=max_x + 1)
        tail = W - np.cumsum(cnt)[:-1]
        ks = np.arange(max_x, dtype=float)
        ux = wx = np.empty(0)
    else:
        tail = ks = np.empty(0)
        codes, uniq = pd.factorize(xi[xi > 0])
        ux = uniq.astype(float)
        wx = np.bincount(codes, weights=w[xi > 0], minlength=len(uniq))
    codes, ut = pd.factorize(age)
    wt = np.bincount(codes, weights=w, minlength=len(ut))
    xt = np.bincount(codes, weights=w * x, minlength=len(ut))
    rep = xi > 0
    return _BGData(
        W=W,
        max_x=max_x,
        tail=tail,
        ks=ks,
        ux=ux,
        wx=wx,
        ut=np.asarray(ut, float),
        wt=wt,
        xt=xt,
        xr=x[rep],
        xr_1=xi[rep] - 1,
        txr=tx[rep],
        tr=age[rep],
        dr=age[rep] - tx[rep],
        wr=w[rep],
        n_patterns=len(x),
    )


def _bg_loglik_grad(params: np.ndarray, d: _BGData) -> tuple[float, np.ndarray]:
    """Total BG/NBD log-likelihood and its gradient in (r, alpha, a, b).

    log L_i = [lnG(r+x) - lnG(r)] + [lnB(a, b+x) - lnB(a, b)] + r ln(alpha)
              - (r+x) ln(alpha+T) + softplus(z),   z = 0 for x = 0 (no second term), else
    z = ln a - ln(b+x-1) + (r+x) ln((alpha+T)/(alpha+t_x)); 1 - expit(z) is P(alive).
    """
    r, alpha, a, b = params
    grad = np.zeros(4)
    if d.max_x <= _MAX_CUMSUM:
        # lnG(r+x)-lnG(r) = sum_{k<x} ln(r+k); lnB(a,b+x)-lnB(a,b) = -sum_{k<x} log1p(a/(b+k))
        bk = b + d.ks
        abk = a + bk
        log_bk = np.log(bk)
        ll = _dot(d.tail, np.log(r + d.ks) - np.log1p(a / bk))
        grad[0] = _dot(d.tail, 1.0 / (r + d.ks))
        grad[2] = -_dot(d.tail, 1.0 / abk)
        grad[3] = _dot(d.tail, a / (bk * abk))
        log_bx1 = log_bk[d.xr_1]
        inv_bx1 = 1.0 / bk[d.xr_1]
    else:
        ux, wx = d.ux, d.wx
        ll = _dot(
            wx,
            special.gammaln(r + ux)
            - special.gammaln(r)
            + special.betaln(a, b + ux)
            - special.betaln(a, b),
        )
        grad[0] = _dot(wx, special.digamma(r + ux) - special.digamma(r))
        grad[2] = _dot(wx, special.digamma(a + b) - special.digamma(a + b + ux))
        grad[3] = _dot(
            wx,
            special.digamma(b + ux)
            - special.digamma(b)
            + special.digamma(a + b)
            - special.digamma(a + b + ux),
        )
        bx1 = b + d.xr - 1.0
        log_bx1 = np.log(bx1)
        inv_bx1 = 1.0 / bx1
    log_at = np.log(alpha + d.ut)
    ll += d.W * r * math.log(alpha) - _dot(r * d.wt + d.xt, log_at)
    grad[0] += d.W * math.log(alpha) - _dot(d.wt, log_at)
    grad[1] += d.W * r / alpha - _dot(r * d.wt + d.xt, 1.0 / (alpha + d.ut))
    if d.xr.size:
        atx = alpha + d.txr
        lr = np.log1p(d.dr / atx)
        rx = r + d.xr
        z = (math.log(a) - log_bx1) + rx * lr
        # softplus(z) = log(1 + e^z) and expit(z) = e^z / (1 + e^z), with z capped at 700 so
        # that e^z stays finite (softplus gets the excess back linearly)
        ez = np.exp(np.minimum(z, 700.0))
        one_ez = 1.0 + ez
        ll += _dot(d.wr, np.log(one_ez)) + _dot(d.wr, np.maximum(z - 700.0, 0.0))
        ws = d.wr * (ez / one_ez)
        grad[0] += _dot(ws, lr)
        grad[1] -= _dot(ws * rx, d.dr / (atx * (alpha + d.tr)))
        grad[2] += ws.sum() / a
        grad[3] -= _dot(ws, inv_bx1)
    return float(ll), grad


def _bg_objective(theta: np.ndarray, d: _BGData, penalizer: float) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (+ L2 penalty on the parameters) and its gradient in
    log-parameters — the function the optimiser minimises."""
    params = np.exp(theta)
    ll, g = _bg_loglik_grad(params, d)
    f = -ll / d.W + penalizer * float(params @ params)
    grad = -g * params / d.W + 2.0 * penalizer * params * params
    if not np.isfinite(f) or not np.all(np.isfinite(grad)):
        return np.inf, np.zeros_like(theta)
    return f, grad


def _start_bg(d: _BGData) -> np.ndarray:
    """Starting log-parameters: r = 1, alpha from the mean repeat-purchase rate, a = 1,
    b from the share of clients whose last purchase is long ago."""
    rate = float(d.xt.sum() / max(_dot(d.wt, d.ut), 1e-12))
    rate = min(max(rate, 1e-6), 1e6)
    return np.log(np.array([1.0, 1.0 / rate, 1.0, 3.0]))


class _MinimizeOptions(TypedDict):
    ftol: float
    gtol: float
    maxiter: int


def _minimize(
    fun,
    theta0: np.ndarray,
    args: tuple,
    bounds: list[tuple[float, float]],
    ftol: float,
    gtol: float,
    maxiter: int,
) -> optimize.OptimizeResult:
    # L-BFGS-B calls BLAS on 4-vectors; a multi-threaded BLAS makes each call milliseconds
    # slower on a busy machine, so BLAS is held to one thread during the optimisation.
    with _one_blas_thread():
        return optimize.minimize(
            fun,
            theta0,
            args=args,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"ftol": ftol, "gtol": gtol, "maxiter": maxiter, "maxls": 50},
        )


def _one_blas_thread() -> contextlib.AbstractContextManager:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _hessian(fun, theta: np.ndarray, args: tuple, h: float = 1e-5) -> np.ndarray:
    """Central-difference Hessian of `fun` (which returns value and analytic gradient)."""
    k = theta.size
    H = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = h
        H[i] = (fun(theta + e, *args)[1] - fun(theta - e, *args)[1]) / (2 * h)
    return (H + H.T) / 2


def _std_errors(fun, theta: np.ndarray, args: tuple, n: float) -> np.ndarray:
    """Standard errors of the log-parameters from the observed information (mean objective ×
    n clients); NaN where the information is singular (a parameter at a bound)."""
    try:
        H = _hessian(fun, theta, args) * n
        cov = np.linalg.inv(H)
        var = np.diag(cov)
    except (np.linalg.LinAlgError, FloatingPointError):
        return np.full(theta.size, np.nan)
    with np.errstate(invalid="ignore"):
        return np.where(var > 0, np.sqrt(np.abs(var)), np.nan)


def _fmt(value: float) -> str:
    return f"{value:.4g}" if np.isfinite(value) else "nan"


class _Summary:
    """The text and HTML face shared by both models."""

    _title = ""
    _names: tuple[str, ...] = ()
    # set by the subclasses' __init__ and fit
    penalizer: float
    params_: dict[str, float] | None
    standard_errors_: dict[str, float]
    n_: float
    log_likelihood_: float
    converged_: bool
    n_iter_: int
    fallback_: str | None
    warnings_: list[str]

    def _check_fitted(self, what: str) -> None:
        if getattr(self, "params_", None) is None:
            raise InputError(
                f"{type(self).__name__}.{what}: the model is not fitted yet; call "
                f"`.fit(...)` first."
            )

    def _params(self) -> dict[str, float]:
        """``params_`` of a fitted model, for methods that have called `_check_fitted`."""
        params = self.params_
        if params is None:  # pragma: no cover - the public methods check first
            raise InputError(
                f"{type(self).__name__}: the model is not fitted yet; call `.fit(...)` first."
            )
        return params

    @property
    def summary(self) -> pd.DataFrame:
        """Fitted parameters: ``coef`` and ``se(coef)`` (from the observed information; NaN
        for a parameter at a bound) with ``n``, ``log_likelihood``, ``converged``, ``n_iter``
        and ``fallback`` in ``summary.attrs``."""
        self._check_fitted("summary")
        params = self._params()
        df = pd.DataFrame(
            {
                "coef": [params[k] for k in self._names],
                "se(coef)": [self.standard_errors_[k] for k in self._names],
            },
            index=pd.Index(self._names, name="parameter"),
        )
        df.attrs.update(self._facts())
        return df

    def _facts(self) -> dict[str, Any]:
        return {
            "n": self.n_,
            "log_likelihood": self.log_likelihood_,
            "converged": self.converged_,
            "n_iter": self.n_iter_,
            "fallback": self.fallback_,
        }

    def _fact_lines(self) -> list[tuple[str, str]]:
        rows = [
            ("clients", f"{self.n_:,.0f}"),
            ("log-likelihood", f"{self.log_likelihood_:,.4f}"),
            ("converged", f"{self.converged_} ({self.n_iter_} iterations)"),
        ]
        rows += [(k, v) for k, v in self._extra_facts()]
        rows.append(("fallback", self.fallback_ or "none"))
        return rows

    def _extra_facts(self) -> list[tuple[str, str]]:
        return []

    def __repr__(self) -> str:
        args = f"penalizer={self.penalizer!r}"
        params: dict[str, float] | None = getattr(self, "params_", None)
        if params is None:
            return f"{type(self).__name__}({args})"
        p = ", ".join(f"{k}={_fmt(params[k])}" for k in self._names)
        return (
            f"<{type(self).__name__}({args}) fitted on {self.n_:,.0f} clients: {p}; "
            f"log-likelihood {self.log_likelihood_:.4f}; converged {self.converged_}"
            + (f"; fallback: {self.fallback_}" if self.fallback_ else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        name = html.escape(type(self).__name__)
        params: dict[str, float] | None = getattr(self, "params_", None)
        if params is None:
            return f"<p><b>{name}</b> (not fitted)</p>"
        rows = "".join(
            f"<tr><th>{k}</th><td>{_fmt(params[k])}</td>"
            f"<td>{_fmt(self.standard_errors_[k])}</td></tr>"
            for k in self._names
        )
        facts = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in self._fact_lines()
        )
        return (
            f'<div class="reportkit-model"><p><b>{name}</b> — {html.escape(self._title)}'
            f"</p><table><thead><tr><th>parameter</th><th>coef</th><th>se(coef)</th></tr>"
            f"</thead><tbody>{rows}</tbody></table><table><tbody>{facts}</tbody></table>"
            f"</div>"
        )


# ---------------------------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------------------------


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
        check_param(
            isinstance(pen, (int, float))
            and not isinstance(pen, bool)
            and math.isfinite(pen)
            and pen >= 0,
            "penalizer",
            "a number >= 0",
            pen,
        )
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
        bounds = [(_LOG_LO, _LOG_HI)] * 4
        opts: _MinimizeOptions = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000}

        if d.xr.size == 0 or uT.max() == 0:
            why = (
                f"all {self.n_:,.0f} clients have frequency 0"
                if d.xr.size == 0
                else f"all {self.n_:,.0f} clients made their first purchase at the as-of date "
                "(T = 0)"
            )
            self._set_result(
                np.array([_LOG_LO, 0.0, 0.0, 0.0]), d, scale, pen, nit=0, converged=True
            )
            self._note(
                "no repeat purchases",
                f"{why}, so neither the purchase rate nor the dropout can be estimated; "
                "using the no-repeat limit (r = 1e-8, a = b = 1: P(alive) = 1 without "
                "repeat purchases, expected purchases ≈ 0, P(no purchase) ≈ 1)",
            )
            return self

        res = _minimize(_bg_objective, _start_bg(d), (d, pen), bounds, **opts)
        nit = res.nit
        if not _finite_result(res):
            diag = (
                f"L-BFGS-B stopped with {res.message!r} at log-parameters "
                f"{np.round(res.x, 3).tolist()}, objective {res.fun!r}"
            )
            pen = max(pen, 0.1)
            res = _minimize(_bg_objective, _start_bg(d), (d, pen), bounds, **opts)
            nit += res.nit
            if _finite_result(res):
                self._set_result(res.x, d, scale, pen, nit, _converged(res))
                self._note(
                    f"penalized (penalizer={pen})",
                    f"the likelihood could not be optimised ({diag}); refitted with "
                    f"penalizer={pen}",
                )
                return self
            # last resort, always finite: a no-dropout NBD with an exponential rate prior
            # (r = 1) whose mean is the observed repeat-purchase rate
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

        theta = res.x
        mean_p = math.exp(theta[2]) / (math.exp(theta[2]) + math.exp(theta[3]))
        if mean_p < 1e-4 and (theta[2] - _LOG_LO < _NEAR or _LOG_HI - theta[3] < _NEAR):
            # dropout probability a/(a+b) pushed to 0: refit the NBD (a -> lower bound)
            nbd_bounds = [(_LOG_LO, _LOG_HI), (_LOG_LO, _LOG_HI), (_LOG_LO, _LOG_LO), (0.0, 0.0)]
            start = theta.copy()
            start[2:] = (_LOG_LO, 0.0)
            res_nbd = _minimize(_bg_objective, start, (d, pen), nbd_bounds, **opts)
            nit += res_nbd.nit
            if _finite_result(res_nbd):
                res = res_nbd
                self._set_result(res.x, d, scale, pen, nit, _converged(res))
                self.fallback_ = "no dropout (NBD)"
                self._warn(
                    f"no dropout (NBD): the BG/NBD fit drove the mean dropout probability "
                    f"a/(a+b) to {mean_p:.2g} — the clients keep buying; refitted as the "
                    "Poisson-Gamma NBD without dropout (a = 1e-8, b = 1; P(alive) ≈ 1)"
                )
                self._boundary_notes(res.x[:2])
                return self
        self._set_result(theta, d, scale, pen, nit, _converged(res))
        if not self.converged_:
            self._warn(
                f"L-BFGS-B did not converge ({res.message}) after {nit} iterations; the "
                "parameters are the best found"
            )
        self._boundary_notes(theta)
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


def _finite_result(res: optimize.OptimizeResult) -> bool:
    return bool(np.isfinite(res.fun) and np.all(np.isfinite(res.x)))


def _converged(res: optimize.OptimizeResult) -> bool:
    """Converged, or stopped on a line-search "precision loss" (ABNORMAL) at a finite point."""
    if res.success:
        return True
    msg = str(res.message).upper()
    return _finite_result(res) and ("ABNORMAL" in msg or "PRECISION" in msg)


def _expected_if_alive(
    t: np.ndarray,
    x: np.ndarray,
    age: np.ndarray,
    r: float,
    alpha: float,
    a: float,
    b: float,
    rtol: float = 1e-13,
    max_terms: int = 100_000,
) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T] for the BG/NBD, as a sum of positive terms.

    Given alive, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x) independently. Without
    dropout the purchases in t would be N ~ NegBin(r+x, z = t/(alpha+T+t)); with it they are
    min(N, G), G the purchase after which the client drops out, so
    E = sum_n P(N = n) · S_n,  S_n = sum_{j=1..n} E[(1-p)^(j-1)] = sum_j B(a, b+x+j-1)/B(a, b+x).
    This equals FHL's eq. 10 (a Gaussian hypergeometric function), without its cancellation for
    a near 1 and the overflow of 2F1 for large x, T or t. Terms are summed until the remainder
    is below ``rtol`` of the sum.
    """
    out = np.zeros(x.size)
    s = t / (alpha + age)
    act = np.flatnonzero(s > 0)
    k, bx, ss = r + x[act], b + x[act], s[act]
    log_z = np.log(ss) - np.log1p(ss)
    z = np.exp(log_z)
    log_pmf = -k * np.log1p(ss)  # log P(N = 0)
    S = np.zeros(act.size)
    log_d = np.zeros(act.size)  # log E[(1-p)^(n-1)]
    E = np.zeros(act.size)
    cdf = np.exp(log_pmf)  # P(N <= n)
    n = 0
    while act.size:
        n += 1
        log_pmf += np.log((k + (n - 1)) / n) + log_z
        S += np.exp(log_d)
        log_d -= np.log1p(a / (bx + (n - 1)))
        pmf = np.exp(log_pmf)
        E += pmf * S
        cdf += pmf
        if n % 8 and n < max_terms:
            continue
        rho = (k + n) / (n + 1) * z  # P(N = n+1) / P(N = n), falling once < 1
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = pmf * (S * rho / (1 - rho) + rho / (1 - rho) ** 2)
        done = (rho < 1) & (rest <= rtol * E)
        if n >= max_terms:
            # the rest of the distribution of N lies beyond max_terms: count it with S_n
            # (S grows with n, so this is a lower bound; t/(alpha+T) is absurdly large here)
            warnings.warn(
                f"BetaGeoModel.expected_purchases: {int((~done).sum())} client(s) "
                f"need more than {max_terms} terms (t/(alpha+T) up to "
                f"{ss[~done].max():.3g}); their expectations are lower bounds",
                ModelWarning,
                stacklevel=4,
            )
            E += np.maximum(1.0 - cdf, 0.0) * S
            done[:] = True
        if done.any():
            out[act[done]] = E[done]
            keep = ~done
            act, k, bx, ss, log_z, z = act[keep], k[keep], bx[keep], ss[keep], log_z[keep], z[keep]
            log_pmf, S, log_d, E, cdf = log_pmf[keep], S[keep], log_d[keep], E[keep], cdf[keep]
    return out


# ---------------------------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------------------------


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
        check_param(
            isinstance(pen, (int, float))
            and not isinstance(pen, bool)
            and math.isfinite(pen)
            and pen >= 0,
            "penalizer",
            "a number >= 0",
            pen,
        )
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
        ms = mu / scale
        bounds = [(_LOG_LO, _LOG_HI)] * 3
        theta0 = np.log(np.array([1.0, 2.0, 1.0]))
        res = _minimize(
            _gg_objective, theta0, (xu, ms, wu, pen), bounds, ftol=1e-15, gtol=1e-10, maxiter=2000
        )
        nit = res.nit
        if not _finite_result(res):  # pragma: no cover - the bounded objective is finite
            raise FloatingPointError(
                f"{where}: the Gamma-Gamma likelihood is not finite ({res.message})"
            )
        theta = res.x
        params = np.exp(theta)
        ll, _ = _gg_loglik_grad(params, xu, ms, wu)
        ses = _std_errors(_gg_objective, theta, (xu, ms, wu, pen), self.n_) * params
        self.theta_ = theta
        self.params_ = {"p": float(params[0]), "q": float(params[1]), "v": float(params[2] * scale)}
        ses[2] *= scale
        self.standard_errors_ = dict(zip(_GG_NAMES, map(float, ses)))
        # density of the mean spend in currency units instead of units of `scale`
        self.log_likelihood_ = ll - self.n_ * math.log(scale)
        self.converged_ = _converged(res)
        self.n_iter_ = int(nit)
        self.sample_mean_ = scale
        p, q, v = params[0], params[1], self.params_["v"]
        if not self.converged_:
            self._warn(f"L-BFGS-B did not converge ({res.message}) after {nit} iterations")
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
                f"q = {params[1]:.3g} is huge: mean order values barely differ between "
                "clients (a limiting case of the model)"
            )
        if self.n_ < 3:
            self._warn(
                f"only {self.n_:.0f} client(s) with repeat purchases: the parameters are "
                "not identified and the forecasts are rough"
            )
        return self

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


# ---------------------------------------------------------------------------------------------
# summary from transactions
# ---------------------------------------------------------------------------------------------

_FREQS = {"D": 1, "W": 7}
_NS_PER_DAY = 86_400 * 10**9


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    client_col: str = CLIENT_ID,
    date_col: str = DATE,
    as_of: Any,
    freq: str = "D",
    amount_col: str | None = None,
) -> pd.DataFrame:
    """Per-client (frequency, recency, T) as lifetimes' ``summary_data_from_transaction_data``.

    Dates are cut to periods of ``freq`` (days, or weeks Monday–Sunday as pandas' ``"W"``
    periods); a client's purchases in one period count once. frequency = distinct purchase
    periods - 1; recency = last period - first period; T = the period of ``as_of`` - first
    period, in units of ``freq``. Transactions dated after ``as_of`` are ignored (lifetimes
    keeps those that fall in the same week as ``as_of`` when freq="W"; here nothing later than
    ``as_of`` is used).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    client_col : str, default "client_id"
    date_col : str, default "date"
    as_of : date-like
        The report date (required).
    freq : {"D", "W"}, default "D"
    amount_col : str, optional
        If given, adds ``monetary_value``: the mean over the repeat periods of the amount per
        period (0 without a repeat purchase), as lifetimes' ``monetary_value_col``.

    Returns
    -------
    DataFrame
        One row per client with a transaction on or before ``as_of``, sorted by client:
        ``client_col``, ``frequency``, ``recency``, ``T`` (floats), and ``monetary_value`` if
        ``amount_col`` is given.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11",
    ...                                            "2024-01-05"])})
    >>> rfm_summary(tx, as_of="2024-01-31")
      client_id  frequency  recency     T
    0         a        1.0     10.0  30.0
    1         b        0.0      0.0  26.0
    """
    where = "rfm_summary"
    check_param(freq in _FREQS, "freq", '"D" or "W"', freq)
    if not isinstance(transactions, pd.DataFrame):
        raise InputError(
            f"{where}: `transactions` must be a DataFrame, got {type(transactions).__name__}."
        )
    cols = [client_col, date_col] + ([amount_col] if amount_col else [])
    missing = [c for c in cols if c not in transactions.columns]
    if missing:
        raise InputError(
            f"{where}: column(s) {', '.join(map(repr, missing))} not found; the "
            f"frame has {', '.join(map(repr, transactions.columns[:10]))}. Pass "
            "`client_col=`, `date_col=`, `amount_col=` to name them."
        )
    try:
        as_of_ts = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise InputError(f"{where}: `as_of` must be a date, got {as_of!r}.") from None
    if as_of_ts is pd.NaT:
        raise InputError(f"{where}: `as_of` must be a date, got {as_of!r}.")
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    bad = dates.isna().to_numpy() | transactions[client_col].isna().to_numpy()
    _check_bad(
        bad,
        where,
        f"a transaction with a missing `{client_col}` or an unreadable `{date_col}`",
        "drop or fix those rows first.",
    )
    if as_of_ts.tzinfo is not None or getattr(dates.dt, "tz", None) is not None:
        raise InputError(f"{where}: dates and `as_of` must be time-zone naive.")
    days = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64) // _NS_PER_DAY
    end_day = as_of_ts.value // _NS_PER_DAY
    step = _FREQS[freq]
    # lifetimes' "W" periods start on Monday; day 4 since 1970-01-01 (a Thursday) is a Monday
    period = days if step == 1 else (days - 4) // 7 * 7 + 4
    end = end_day if step == 1 else (end_day - 4) // 7 * 7 + 4
    keep = days <= end_day
    frame = pd.DataFrame({"c": transactions[client_col].to_numpy()[keep], "p": period[keep]})
    if amount_col:
        frame["m"] = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy()[keep]
        per = frame.groupby(["c", "p"], sort=True)["m"].sum(min_count=0).reset_index()
    else:
        per = frame.drop_duplicates(["c", "p"]).sort_values(["c", "p"], kind="stable")
    g = per.groupby("c", sort=True)["p"]
    first, last, count = g.min(), g.max(), g.size()
    out = pd.DataFrame(
        {
            client_col: first.index.to_numpy(),
            FREQUENCY: (count.to_numpy() - 1).astype(float),
            RECENCY: (last.to_numpy() - first.to_numpy()) / step,
            T_AGE: (end - first.to_numpy()) / step,
        }
    )
    out[RECENCY] = out[RECENCY].astype(float)
    out[T_AGE] = out[T_AGE].astype(float)
    if amount_col:
        is_first = per["p"].to_numpy() == per["c"].map(first).to_numpy()
        rep = per.loc[~is_first].groupby("c", sort=True)["m"].mean()
        out[MONETARY_VALUE] = rep.reindex(first.index).fillna(0.0).to_numpy(dtype=float)
    return out
