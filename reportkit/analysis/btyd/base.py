"""What the BG/NBD and Gamma-Gamma models share: input checks, the optimiser, the summary face.

Parameters are fitted on the log scale inside ``[_LOG_LO, _LOG_HI]`` (time measured in units of
the largest T, money in units of the mean spend). A parameter that ends near a bound marks a
base whose maximum-likelihood fit is a limiting case of the model.
"""

from __future__ import annotations

import contextlib
import html
import math
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from scipy import optimize

from ...errors import InputError, check_param

_LOG_LO = math.log(1e-8)
_LOG_HI = math.log(1e8)
_NEAR = math.log(1e3)  # "near a bound": within a factor 1000 of it


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


def _check_penalizer(pen: Any) -> None:
    check_param(
        isinstance(pen, (int, float))
        and not isinstance(pen, bool)
        and math.isfinite(pen)
        and pen >= 0,
        "penalizer",
        "a number >= 0",
        pen,
    )


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


def _dot(u: np.ndarray, v: np.ndarray) -> float:
    """Inner product without BLAS (threaded BLAS is slow for one dot on a busy machine)."""
    return float(np.einsum("i,i->", u, v))


class MinimizeOptions(TypedDict):
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


def _finite_result(res: optimize.OptimizeResult) -> bool:
    return bool(np.isfinite(res.fun) and np.all(np.isfinite(res.x)))


def _converged(res: optimize.OptimizeResult) -> bool:
    """Converged, or stopped on a line-search "precision loss" (ABNORMAL) at a finite point."""
    if res.success:
        return True
    msg = str(res.message).upper()
    return _finite_result(res) and ("ABNORMAL" in msg or "PRECISION" in msg)


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
