"""The BG/NBD on arrays: its log-likelihood with the gradient, and the expected purchases.

The fit maximises the likelihood once per distinct (frequency, recency, T) triple, weighted by
its count. ``_MAX_CUMSUM`` switches the likelihood from exact cumulative sums of ``log(r + k)``
(whole frequencies up to that many purchase periods) to gammaln / digamma differences on the
distinct frequencies.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ...errors import ModelWarning
from .base import _dot

# cumulative sums of log(r + k) are exact for whole frequencies; above this many purchase
# periods the fit switches to gammaln / digamma differences on the distinct frequencies
_MAX_CUMSUM = 1_000_000


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
