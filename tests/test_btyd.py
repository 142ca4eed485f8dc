"""BG/NBD and Gamma-Gamma (reportkit.analysis.btyd): likelihood and gradient against slow references,
parameter recovery on simulated bases, forecasts against closed forms and Monte Carlo,
agreement with lifetimes, odd bases, bad input, and rfm_summary."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

import reportkit.analysis.btyd as btyd
from reportkit.analysis.btyd import BetaGeoModel, GammaGammaModel, expected_revenue, rfm_summary
from reportkit.errors import InputError, ModelWarning, ParameterError
from reportkit.io.schema import FREQUENCY, MONETARY_VALUE, RECENCY, T_AGE

TRUE = dict(r=0.8, alpha=8.0, a=0.8, b=2.5)          # time unit: weeks


# --------------------------------------------------------------------------------------------
# reference implementations, written here from the model's definition
# --------------------------------------------------------------------------------------------

def simulate_bgnbd(n, r, alpha, a, b, T, rng):
    """Clients observed for T: rate ~ Gamma(r, scale 1/alpha), dropout p ~ Beta(a, b),
    exponential times between purchases, after each purchase out with probability p.
    Returns (frequency, recency, lam, p) — repeat purchases, time of the last one."""
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x, tx, t = np.zeros(n), np.zeros(n), np.zeros(n)
    act = np.arange(n)
    while act.size:
        t[act] += rng.exponential(1.0 / lam[act])
        act = act[t[act] <= T[act]]
        x[act] += 1
        tx[act] = t[act]
        act = act[rng.random(act.size) >= p[act]]       # survives this purchase
    return x, tx, lam, p


def purchases_while_alive(lam, p, horizon, rng):
    """Purchases in (0, horizon] of clients alive at 0 (rate lam, dropout p after each)."""
    y, t = np.zeros(lam.size), np.zeros(lam.size)
    act = np.arange(lam.size)
    while act.size:
        t[act] += rng.exponential(1.0 / lam[act])
        act = act[t[act] <= horizon]
        y[act] += 1
        act = act[rng.random(act.size) >= p[act]]
    return y


def slow_loglik(r, alpha, a, b, x, tx, T):
    """FHL (2005) eq. 6, one client at a time, with math.lgamma."""
    def lbeta(u, v):
        return math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)
    total = 0.0
    for xi, txi, Ti in zip(x, tx, T):
        common = math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha)
        t1 = lbeta(a, b + xi) - lbeta(a, b) - (r + xi) * math.log(alpha + Ti)
        if xi > 0:
            t2 = lbeta(a + 1, b + xi - 1) - lbeta(a, b) - (r + xi) * math.log(alpha + txi)
            hi = max(t1, t2)
            ll = common + hi + math.log(math.exp(t1 - hi) + math.exp(t2 - hi))
        else:
            ll = common + t1
        total += ll
    return total


def slow_p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return 1.0
    log_odds = math.log(a / (b + x - 1)) + (r + x) * math.log((alpha + T) / (alpha + tx))
    return 1.0 / (1.0 + math.exp(log_odds)) if log_odds < 700 else 0.0


def eq10(r, alpha, a, b, t, x, tx, T):
    """FHL (2005) eq. 10 with scipy's hyp2f1 (fine for moderate parameters, a away from 1)."""
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    den = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return num / den


@pytest.fixture(scope="module")
def base():
    """20,000 simulated clients, T uniform over 1–3 years in weeks (seeded)."""
    rng = np.random.default_rng(42)
    T = rng.uniform(52, 156, 20_000)
    x, tx, _, _ = simulate_bgnbd(T.size, **TRUE, T=T, rng=rng)
    return x, tx, T


@pytest.fixture(scope="module")
def fitted(base):
    return BetaGeoModel().fit(*base)


# --------------------------------------------------------------------------------------------
# likelihood and gradient
# --------------------------------------------------------------------------------------------

def small_sample(rng, n=300):
    T = rng.integers(0, 400, n).astype(float)
    x = np.where(rng.random(n) < 0.4, 0, rng.integers(1, 60, n)).astype(float)
    x[:3] = [250, 400, 1]                                     # large frequencies
    tx = np.where(x > 0, np.floor(T * rng.uniform(0, 1, n)), 0.0)
    rows = np.concatenate([np.arange(n), rng.integers(0, n, 100)])   # repeated patterns
    return x[rows], tx[rows], T[rows]


@pytest.mark.parametrize("params", [(0.24, 4.4, 0.79, 2.4), (3.0, 0.5, 12.0, 0.3),
                                    (0.05, 200.0, 0.02, 40.0)])
def test_loglik_matches_slow_per_client_formula(params):
    x, tx, T = small_sample(np.random.default_rng(1))
    ux, utx, uT, uw = btyd._unique_triples(x, tx, T, np.ones(x.size))
    assert uw.sum() == x.size and ux.size < x.size
    fast, _ = btyd._bg_loglik_grad(np.array(params), btyd._bg_data(ux, utx, uT, uw))
    slow = slow_loglik(*params, x, tx, T)
    assert fast == pytest.approx(slow, rel=1e-9, abs=1e-9)


def test_loglik_gammaln_path_for_huge_frequencies(monkeypatch):
    """Above _MAX_CUMSUM purchase periods the fit switches to gammaln differences."""
    x, tx, T = small_sample(np.random.default_rng(2), n=50)
    params = np.array([0.7, 3.0, 1.3, 2.2])
    slow = slow_loglik(*params, x, tx, T)
    monkeypatch.setattr(btyd.bgnbd_math, "_MAX_CUMSUM", 0)
    d = btyd._bg_data(x, tx, T, np.ones(x.size))
    assert d.tail.size == 0 and d.ux.size > 0
    fast, grad = btyd._bg_loglik_grad(params, d)
    assert fast == pytest.approx(slow, rel=1e-9)
    monkeypatch.setattr(btyd.bgnbd_math, "_MAX_CUMSUM", 10**6)
    _, grad_cumsum = btyd._bg_loglik_grad(params, btyd._bg_data(x, tx, T, np.ones(x.size)))
    np.testing.assert_allclose(grad, grad_cumsum, rtol=1e-8)


@pytest.mark.parametrize("penalizer", [0.0, 0.3])
def test_analytic_gradient_matches_finite_differences(penalizer):
    x, tx, T = small_sample(np.random.default_rng(3))
    ux, utx, uT, uw = btyd._unique_triples(x, tx, T, np.ones(x.size))
    d = btyd._bg_data(ux, utx / uT.max(), uT / uT.max(), uw)
    for theta in (np.log([0.24, 0.02, 0.79, 2.4]), np.log([2.0, 1.5, 0.1, 30.0])):
        _, grad = btyd._bg_objective(theta, d, penalizer)
        num = optimize.approx_fprime(theta, lambda th: btyd._bg_objective(th, d, penalizer)[0],
                                     1e-7)
        np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-7)
        # central differences, tighter
        h = 1e-5
        central = [(btyd._bg_objective(theta + h * e, d, penalizer)[0]
                    - btyd._bg_objective(theta - h * e, d, penalizer)[0]) / (2 * h)
                   for e in np.eye(4)]
        np.testing.assert_allclose(grad, central, rtol=1e-7, atol=1e-10)


def test_reported_log_likelihood_is_in_the_callers_time_unit(base, fitted):
    x, tx, T = (v[:2000] for v in base)
    m = BetaGeoModel().fit(x, tx, T)
    p = m.params_
    assert m.log_likelihood_ == pytest.approx(
        slow_loglik(p["r"], p["alpha"], p["a"], p["b"], x, tx, T), rel=1e-10)


# --------------------------------------------------------------------------------------------
# fitting
# --------------------------------------------------------------------------------------------

def test_parameter_recovery(fitted):
    # At this design (20,000 clients, 1–3 years of history) the fit's own standard errors are
    # about 1.2 % (r), 1.7 % (alpha), 3 % (a) and 4 % (b) of the values, so a 15 % band is at
    # least 3.5 standard errors for every parameter: sampling error alone will not break it.
    for name, value in TRUE.items():
        assert fitted.params_[name] == pytest.approx(value, rel=0.15), name
        assert fitted.standard_errors_[name] < 0.05 * value
    assert fitted.converged_ and fitted.fallback_ is None
    assert fitted.n_ == 20_000 and fitted.n_patterns_ == 20_000   # continuous recency


def test_weights_equal_repeated_rows_and_row_order_does_not_matter():
    rng = np.random.default_rng(5)
    T = rng.integers(10, 100, 3000).astype(float)
    x, tx, _, _ = simulate_bgnbd(T.size, **TRUE, T=T, rng=rng)
    tx = np.floor(tx)
    a = BetaGeoModel().fit(x, tx, T)
    ux, utx, uT, uw = btyd._unique_triples(x, tx, T, np.ones(x.size))
    b = BetaGeoModel().fit(ux, utx, uT, weights=uw)
    perm = rng.permutation(x.size)
    c = BetaGeoModel().fit(x[perm], tx[perm], T[perm])
    for name in TRUE:
        assert b.params_[name] == pytest.approx(a.params_[name], rel=1e-6)
        assert c.params_[name] == pytest.approx(a.params_[name], rel=1e-6)
    assert b.log_likelihood_ == pytest.approx(a.log_likelihood_, rel=1e-10)


def test_time_unit_only_rescales_alpha(base):
    x, tx, T = (v[:5000] for v in base)
    weeks = BetaGeoModel().fit(x, tx, T)
    days = BetaGeoModel().fit(x, tx * 7, T * 7)
    assert days.params_["alpha"] == pytest.approx(7 * weeks.params_["alpha"], rel=1e-6)
    for name in ("r", "a", "b"):
        assert days.params_[name] == pytest.approx(weeks.params_[name], rel=1e-6)
    np.testing.assert_allclose(days.p_no_purchase(70, x, tx * 7, T * 7),
                               weeks.p_no_purchase(10, x, tx, T), rtol=1e-6)


def test_penalizer_shrinks_parameters(base):
    x, tx, T = (v[:5000] for v in base)
    free = BetaGeoModel().fit(x, tx, T)
    pen = BetaGeoModel(penalizer=0.1).fit(x, tx, T)
    assert pen.params_["b"] < free.params_["b"]
    assert pen.log_likelihood_ < free.log_likelihood_


def test_inputs_are_not_mutated(base):
    x, tx, T = (pd.Series(v[:500].copy()) for v in base)
    before = [s.copy() for s in (x, tx, T)]
    m = BetaGeoModel().fit(x, tx, T)
    m.p_alive(x, tx, T)
    m.expected_purchases(5, x, tx, T)
    for s, s0 in zip((x, tx, T), before):
        pd.testing.assert_series_equal(s, s0)


def test_precision_loss_at_a_finite_point_counts_as_converged():
    ok = optimize.OptimizeResult(success=False, message="ABNORMAL: ", fun=1.0,
                                 x=np.zeros(4), status=2)
    assert btyd._converged(ok)
    bad = optimize.OptimizeResult(success=False, message="ABNORMAL: ", fun=np.nan,
                                  x=np.zeros(4), status=2)
    assert not btyd._converged(bad)
    maxiter = optimize.OptimizeResult(success=False, fun=1.0, x=np.zeros(4), status=1,
                                      message="STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT")
    assert not btyd._converged(maxiter)


# --------------------------------------------------------------------------------------------
# forecasts
# --------------------------------------------------------------------------------------------

def test_p_alive_matches_slow_formula_including_large_values(fitted):
    p = fitted.params_
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.integers(0, 30, 200), [500, 800, 0, 1]]).astype(float)
    T = np.concatenate([rng.uniform(0, 300, 200), [1e5, 1e5, 1e5, 0.0]])
    tx = np.where(x > 0, T * rng.uniform(0, 1, x.size), 0.0)
    tx[-1] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)     # no overflow anywhere
        got = fitted.p_alive(x, tx, T)
    want = [slow_p_alive(p["r"], p["alpha"], p["a"], p["b"], *row) for row in zip(x, tx, T)]
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300)
    assert got[x == 0].tolist() == [1.0] * int((x == 0).sum())


def test_expected_purchases_matches_eq10_where_hyp2f1_is_reliable():
    m = BetaGeoModel()
    m.params_ = dict(r=0.8, alpha=8.0, a=1.7, b=2.5)    # a > 1, moderate x, t/(alpha+T) < 1
    rng = np.random.default_rng(7)
    x = rng.integers(0, 15, 200).astype(float)
    T = rng.uniform(10, 150, 200)
    tx = np.where(x > 0, T * rng.uniform(0, 1, 200), 0.0)
    for t in (1.0, 10.0):
        want = eq10(0.8, 8.0, 1.7, 2.5, t, x, tx, T)
        np.testing.assert_allclose(m.expected_purchases(t, x, tx, T), want, rtol=1e-9)


def test_expected_purchases_near_a_equal_1_and_large_history():
    """Eq. 10 divides by a - 1; the positive-term sum has no trouble at a = 1 and is
    continuous through it; large frequency and T stay finite."""
    vals = []
    for a in (1 - 1e-4, 1.0, 1 + 1e-4):
        m = BetaGeoModel()
        m.params_ = dict(r=0.8, alpha=8.0, a=a, b=2.5)
        vals.append(m.expected_purchases(10.0, [3, 0], [40.0, 0.0], [60.0, 60.0]))
    np.testing.assert_allclose(vals[1], vals[0], rtol=1e-4)
    np.testing.assert_allclose(vals[1], vals[2], rtol=1e-4)
    m.params_ = dict(r=0.8, alpha=8.0, a=0.6, b=3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        big = m.expected_purchases(52.0, [600.0, 600.0], [1e5, 5e4], [1e5, 1e5])
    k_s = (0.8 + 600) * 52 / (8 + 1e5)                     # no-dropout (NBD) upper bound
    assert np.all(np.isfinite(big)) and big[0] <= k_s and big[0] > 0.5 * k_s
    assert big[1] < 1e-12                                  # silent half its life: dead


def test_forecasts_for_clients_without_repeat_purchase_match_forward_simulation():
    """x = 0 fixes the whole history (recency 0), so simulating many clients for T and
    keeping those without a repeat purchase samples exactly the conditional distribution."""
    rng = np.random.default_rng(8)
    n, T0, t = 300_000, 20.0, 10.0
    x, _, lam, p = simulate_bgnbd(n, **TRUE, T=np.full(n, T0), rng=rng)
    keep = x == 0
    y = purchases_while_alive(lam[keep], p[keep], t, rng)   # x = 0: alive at T0 for sure
    m = BetaGeoModel()
    m.params_ = dict(TRUE)
    p0 = m.p_no_purchase(t, 0, 0, T0)
    se = math.sqrt(p0 * (1 - p0) / keep.sum())
    assert abs((y == 0).mean() - p0) < 4 * se
    e0 = m.expected_purchases(t, 0, 0, T0)
    assert abs(y.mean() - e0) < 4 * y.std() / math.sqrt(y.size)
    assert m.p_alive(0, 0, T0) == 1.0


def test_forecasts_for_repeat_buyers_match_importance_sampling():
    """Weight prior draws of (lambda, p) by the likelihood of the history (x, t_x, T), split
    into 'alive at T' and 'died after the last purchase', and simulate the future."""
    rng = np.random.default_rng(9)
    n = 400_000
    lam = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], n)
    p = rng.beta(TRUE["a"], TRUE["b"], n)
    m = BetaGeoModel()
    m.params_ = dict(TRUE)
    t = 8.0
    for x, tx, T in ((3, 15.0, 20.0), (6, 30.0, 60.0)):
        alive = (1 - p) ** x * lam ** x * np.exp(-lam * T)
        dead = p * (1 - p) ** (x - 1) * lam ** x * np.exp(-lam * tx)
        w = alive + dead
        y = purchases_while_alive(lam, p, t, rng)
        wn = w / w.sum()

        def check(f, got):
            """Self-normalised importance-sampling estimate of E[f] and its standard error."""
            est = float((wn * f).sum())
            se = math.sqrt(float((wn ** 2 * (f - est) ** 2).sum()))
            assert abs(got - est) < 4 * se, (x, got, est, se)
            assert se < 0.02 * max(est, 0.05)          # the check has teeth

        check(alive / w, m.p_alive(x, tx, T))
        check((alive * (y == 0) + dead) / w, m.p_no_purchase(t, x, tx, T))
        check(alive * y / w, m.expected_purchases(t, x, tx, T))


def test_p_no_purchase_formula_and_churn_ranking(fitted):
    p = fitted.params_
    x, tx, T, t = 4.0, 30.0, 80.0, 13.0
    pa = slow_p_alive(p["r"], p["alpha"], p["a"], p["b"], x, tx, T)
    want = (1 - pa) + pa * ((p["alpha"] + T) / (p["alpha"] + T + t)) ** (p["r"] + x)
    assert fitted.p_no_purchase(t, x, tx, T) == pytest.approx(want, rel=1e-12)
    # two one-time buyers: p_alive says 1 for both, p_no_purchase ranks the older one riskier
    assert fitted.p_alive([0, 0], [0, 0], [5, 150]).tolist() == [1.0, 1.0]
    young, old = fitted.p_no_purchase(t, [0, 0], [0, 0], [5, 150])
    assert old > young
    assert fitted.p_no_purchase(0.0, x, tx, T) == pytest.approx(1.0)
    assert fitted.expected_purchases(0.0, x, tx, T) == 0.0


def test_outputs_follow_the_input_type(fitted):
    idx = pd.Index(["c1", "c2", "c3"], name="client_id")
    x = pd.Series([0.0, 2.0, 5.0], index=idx)
    tx = pd.Series([0.0, 20.0, 50.0], index=idx)
    T = pd.Series([30.0, 40.0, 60.0], index=idx)
    s = fitted.p_no_purchase(4.0, x, tx, T)
    assert isinstance(s, pd.Series) and s.index.equals(idx)
    assert isinstance(fitted.expected_purchases(4.0, x.to_numpy(), tx.to_numpy(),
                                                T.to_numpy()), np.ndarray)
    assert isinstance(fitted.p_alive(2, 20.0, 40.0), float)


# --------------------------------------------------------------------------------------------
# odd bases: a fit with a warning or a documented fallback, never a crash
# --------------------------------------------------------------------------------------------

def fit_warns(*args, **kwargs):
    with pytest.warns(ModelWarning) as rec:
        m = BetaGeoModel(**kwargs).fit(*args)
    for v in m.params_.values():
        assert math.isfinite(v) and v > 0
    return m, " ".join(str(w.message) for w in rec)


def check_forecasts(m, x, tx, T):
    x, tx, T = (np.asarray(v, float) for v in (x, tx, T))
    pa = m.p_alive(x, tx, T)
    pn = m.p_no_purchase(10.0, x, tx, T)
    ep = m.expected_purchases(10.0, x, tx, T)
    for v in (pa, pn, ep):
        assert np.all(np.isfinite(v))
    assert np.all((pa >= 0) & (pa <= 1) & (pn >= 0) & (pn <= 1) & (ep >= 0))
    return pa, pn, ep


def test_steady_buyers_without_dropout_fall_back_to_nbd():
    T = np.random.default_rng(10).integers(20, 200, 300).astype(float)
    x = np.floor(T / 7)                    # one purchase a week, nobody leaves
    tx = 7 * x
    m, msg = fit_warns(x, tx, T)
    assert m.fallback_ == "no dropout (NBD)" and "no dropout" in msg
    assert m.params_["a"] == pytest.approx(1e-8)
    pa, pn, ep = check_forecasts(m, x, tx, T)
    assert pa.min() > 0.999
    # a weekly buyer is expected to buy ~10/7 times in 10 days' worth of weeks
    np.testing.assert_allclose(ep, 10 / 7, rtol=0.05)


def test_everyone_buys_once():
    T = np.arange(1.0, 301.0)
    m, msg = fit_warns(np.zeros(300), np.zeros(300), T)
    assert m.fallback_ == "no repeat purchases" and "frequency 0" in msg
    pa, pn, ep = check_forecasts(m, np.zeros(300), np.zeros(300), T)
    assert pa.min() == 1.0 and pn.min() > 0.999 and ep.max() < 1e-6


@pytest.mark.parametrize("x, tx, T", [([3], [40.0], [50.0]), ([0], [0.0], [50.0]),
                                      ([2] * 50, [30.0] * 50, [60.0] * 50),
                                      ([0, 0, 1], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0])])
def test_single_client_identical_rows_and_zero_ages(x, tx, T):
    m, msg = fit_warns(x, tx, T)
    assert "not identified" in msg or m.fallback_ == "no repeat purchases"
    check_forecasts(m, x, tx, T)


def test_lifetimes_style_failure_gives_penalized_then_moment_fallback(monkeypatch, base):
    x, tx, T = (v[:1000] for v in base)
    real = btyd._bg_objective

    def broken_unless_penalized(theta, d, penalizer):
        return real(theta, d, penalizer) if penalizer > 0 else (np.nan, np.zeros(4))

    monkeypatch.setattr(btyd.bgnbd, "_bg_objective", broken_unless_penalized)
    m, msg = fit_warns(x, tx, T)
    assert m.fallback_ == "penalized (penalizer=0.1)" and "could not be optimised" in msg
    check_forecasts(m, x, tx, T)

    monkeypatch.setattr(btyd.bgnbd, "_bg_objective", lambda th, d, pen: (np.nan, np.zeros(4)))
    m, msg = fit_warns(x, tx, T)
    assert m.fallback_ == "moment NBD" and not m.converged_
    # r = 1 and r/alpha = the mean repeat-purchase rate sum(x) / sum(T)
    assert m.params_["r"] / m.params_["alpha"] == pytest.approx(x.sum() / T.sum(), rel=1e-9)
    check_forecasts(m, x, tx, T)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("x, tx, T, pattern", [
    ([], [], [], r"no clients"),
    ([1, 2, 0], [5.0, 12.0, 0.0], [10.0, 11.0, 3.0], r"1 client has recency > T \(positions 1\)"),
    ([0, 0, 1], [2.0, 1.0, 1.0], [5.0, 5.0, 5.0], r"2 clients have frequency 0 with recency > 0"),
    ([-1, 0], [0.0, 0.0], [3.0, 4.0], r"1 client has a negative frequency"),
    ([1, 0], [1.0, 0.0], [3.0, -4.0], r"1 client has a negative T"),
    ([1, np.nan, 2], [1.0, 0.0, 1.0], [3.0, 4.0, 4.0], r"missing or infinite frequency"),
    ([1.5, 0], [1.0, 0.0], [3.0, 4.0], r"not a whole number"),
    ([1, 0], [1.0, 0.0], [3.0, 4.0, 5.0], r"same length"),
    (["a", "b"], [1.0, 0.0], [3.0, 4.0], r"`frequency` must be numbers"),
])
def test_bad_input_raises_input_error(x, tx, T, pattern):
    with pytest.raises(InputError, match=pattern):
        BetaGeoModel().fit(x, tx, T)


def test_bad_parameters_weights_and_unfitted_use():
    with pytest.raises(ParameterError, match=r"`penalizer` must be a number >= 0, got -1"):
        BetaGeoModel(penalizer=-1).fit([1], [1.0], [2.0])
    with pytest.raises(InputError, match=r"negative weight"):
        BetaGeoModel().fit([1, 0], [1.0, 0.0], [2.0, 3.0], weights=[1, -1])
    with pytest.raises(InputError, match=r"all weights are 0"):
        BetaGeoModel().fit([1, 0], [1.0, 0.0], [2.0, 3.0], weights=[0, 0])
    with pytest.raises(InputError, match=r"not fitted yet"):
        BetaGeoModel().p_alive([1], [1.0], [2.0])
    m = BetaGeoModel().fit([0, 2, 5, 1, 0, 3], [0, 30, 40, 5, 0, 60], [50, 60, 45, 70, 20, 62])
    with pytest.raises(InputError, match=r"recency > T"):
        m.p_alive([2], [70.0], [60.0])
    with pytest.raises(InputError, match=r"horizon `t` must be finite and >= 0"):
        m.expected_purchases(-1.0, [2], [30.0], [60.0])


# --------------------------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------------------------

def test_summary_and_html(fitted):
    s = fitted.summary
    assert list(s.index) == ["r", "alpha", "a", "b"] and list(s.columns) == ["coef", "se(coef)"]
    assert s.loc["alpha", "coef"] == fitted.params_["alpha"]
    assert s.attrs["n"] == 20_000 and s.attrs["converged"] is True
    html = fitted._repr_html_()
    for needle in ("BetaGeoModel", "<th>alpha</th>", "log-likelihood", "20,000", "converged",
                   f"{fitted.params_['r']:.4g}"):
        assert needle in html
    assert "fitted on 20,000 clients" in repr(fitted)
    assert "not fitted" in BetaGeoModel()._repr_html_()


# --------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------

def simulate_gg(n, p, q, v, rng, mean_orders=1.0):
    """Order values z ~ Gamma(p, rate nu), nu ~ Gamma(q, rate v); the mean of x orders of a
    client is Gamma(p·x, rate nu·x)."""
    x = rng.poisson(mean_orders, n) + 1.0
    nu = rng.gamma(q, 1.0 / v, n)
    return x, rng.gamma(p * x, 1.0 / (nu * x))


def test_gamma_gamma_recovery_and_expected_value():
    rng = np.random.default_rng(11)
    x, m = simulate_gg(50_000, 6.0, 4.0, 15.0, rng)
    gg = GammaGammaModel().fit(x, m)
    # at this design the standard errors are about 2.7 % (p), 1.2 % (q), 4 % (v) of the
    # values: 15 % is more than 3.5 standard errors
    for name, value in dict(p=6.0, q=4.0, v=15.0).items():
        assert gg.params_[name] == pytest.approx(value, rel=0.15), name
        assert gg.standard_errors_[name] < 0.05 * value
    p, q, v = (gg.params_[k] for k in "pqv")
    assert gg.population_mean_ == pytest.approx(p * v / (q - 1), rel=1e-12)
    # the conditional expectation: own mean shrunk towards the population mean
    w = p * 3 / (p * 3 + q - 1)
    assert gg.expected_order_value(3, 40.0) == pytest.approx(w * 40 + (1 - w) * p * v / (q - 1))
    assert gg.expected_order_value(0, 0.0) == gg.population_mean_
    assert gg.expected_order_value(2, -5.0) == gg.population_mean_   # excluded kind of client


def test_gamma_gamma_loglik_and_gradient():
    rng = np.random.default_rng(12)
    x, m = simulate_gg(200, 3.0, 5.0, 10.0, rng)
    params = np.array([2.5, 4.0, 12.0])
    ll, grad = btyd._gg_loglik_grad(params, x, m, np.ones(x.size))
    p, q, v = params
    slow = sum(math.lgamma(p * xi + q) - math.lgamma(p * xi) - math.lgamma(q) + q * math.log(v)
               + (p * xi - 1) * math.log(mi) + p * xi * math.log(xi)
               - (p * xi + q) * math.log(xi * mi + v) for xi, mi in zip(x, m))
    assert ll == pytest.approx(slow, rel=1e-10)
    num = optimize.approx_fprime(params, lambda th: btyd._gg_loglik_grad(th, x, m,
                                                                         np.ones(x.size))[0], 1e-6)
    np.testing.assert_allclose(grad, num, rtol=1e-4)


def test_gamma_gamma_exclusions_fallback_and_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)      # an ordinary small fit: no warning
        gg = GammaGammaModel().fit([0, 1, 2, 3, 2, 4, 1, 1],
                                   [0.0, 10.0, -3.0, 30.0, 9.0, 11.0, 4.0, 25.0])
    assert gg.excluded_ == {"frequency 0": 1, "monetary_value <= 0": 1} and gg.n_ == 6
    with pytest.warns(ModelWarning, match=r"p = .* is huge: the values of a client's orders"):
        GammaGammaModel().fit([1, 3, 2, 5, 4], [20.0, 35.0, 18.0, 40.0, 25.0])
    with pytest.raises(InputError, match=r"no client with frequency > 0 and monetary_value > 0"):
        GammaGammaModel().fit([0, 0, 1], [0.0, 0.0, -1.0])
    with pytest.raises(InputError, match=r"1 client has purchases but a missing"):
        GammaGammaModel().fit([1, 2], [np.nan, 3.0])
    with pytest.raises(InputError, match=r"not fitted yet"):
        GammaGammaModel().expected_order_value([1], [3.0])
    # heavy-tailed spend between clients: q < 1, the model's population mean is infinite
    rng = np.random.default_rng(13)
    x, m = simulate_gg(3000, 5.0, 0.7, 15.0, rng, mean_orders=3.0)
    with pytest.warns(ModelWarning, match=r"q <= 1"):
        gg = GammaGammaModel().fit(x, m)
    assert gg.fallback_ == "q <= 1" and gg.population_mean_ == pytest.approx(m.mean())
    assert gg.expected_order_value([0, 2], [0.0, 55.0]).tolist() == [gg.population_mean_, 55.0]
    assert "GammaGammaModel" in gg._repr_html_() and "q &lt;= 1" in gg._repr_html_()


def test_expected_revenue_is_purchases_times_order_value(fitted):
    gg = GammaGammaModel().fit([0, 1, 2, 3, 2, 4, 1, 1],
                               [0.0, 10.0, -3.0, 30.0, 9.0, 11.0, 4.0, 25.0])
    idx = pd.Index([10, 20])
    x, tx, T, m = (pd.Series(v, index=idx) for v in ([2.0, 0.0], [30.0, 0.0], [50.0, 20.0],
                                                      [30.0, 0.0]))
    rev = expected_revenue(fitted, gg, 26.0, x, tx, T, m)
    assert isinstance(rev, pd.Series) and rev.index.equals(idx)
    want = (fitted.expected_purchases(26.0, x, tx, T) * gg.expected_order_value(x, m))
    np.testing.assert_allclose(rev.to_numpy(), want.to_numpy(), rtol=1e-12)


# --------------------------------------------------------------------------------------------
# against lifetimes (optional bench extra)
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lifetimes():
    lt = pytest.importorskip("lifetimes")
    return lt


@pytest.mark.parametrize("penalizer", [0.0, 0.01])
def test_bgnbd_matches_lifetimes(lifetimes, penalizer):
    rng = np.random.default_rng(14)
    T = rng.integers(0, 730, 5000).astype(float)
    x, tx, _, _ = simulate_bgnbd(T.size, 0.5, 40.0, 0.6, 3.0, T=T + 0.999, rng=rng)
    tx = np.minimum(np.floor(tx), T)
    tx[x == 0] = 0
    ours = BetaGeoModel(penalizer=penalizer).fit(x, tx, T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lifetimes.BetaGeoFitter(penalizer_coef=penalizer).fit(x, tx, T)
    for name in TRUE:
        assert ours.params_[name] == pytest.approx(theirs.params_[name], rel=1e-4), name
    for name in TRUE:
        assert ours.standard_errors_[name] == pytest.approx(theirs.standard_errors_[name],
                                                            rel=1e-2)
    sel = slice(0, 300)
    np.testing.assert_allclose(
        ours.p_alive(x[sel], tx[sel], T[sel]),
        theirs.conditional_probability_alive(x[sel], tx[sel], T[sel]), rtol=1e-3)
    np.testing.assert_allclose(
        ours.expected_purchases(30.0, x[sel], tx[sel], T[sel]),
        theirs.conditional_expected_number_of_purchases_up_to_time(30.0, x[sel], tx[sel],
                                                                   T[sel]), rtol=1e-3)


def test_gamma_gamma_matches_lifetimes(lifetimes):
    x, m = simulate_gg(5000, 6.0, 4.0, 15.0, np.random.default_rng(15), mean_orders=2.0)
    ours = GammaGammaModel().fit(x, m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lifetimes.GammaGammaFitter().fit(x, m)
    for name in "pqv":
        assert ours.params_[name] == pytest.approx(theirs.params_[name], rel=1e-4), name
    np.testing.assert_allclose(ours.expected_order_value(x[:100], m[:100]),
                               theirs.conditional_expected_average_profit(x[:100], m[:100]),
                               rtol=1e-4)


def random_transactions(rng, n=4000, clients=400):
    return pd.DataFrame({
        "client_id": rng.integers(0, clients, n).astype(str),
        "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D")
                 + pd.to_timedelta(rng.integers(0, 86_400, n), unit="s")),
        "amount": rng.gamma(2.0, 50.0, n).round(2),
    })


@pytest.mark.parametrize("freq, as_of", [("D", "2024-02-10"), ("W", "2024-02-10"),
                                         ("D", "2023-09-15")])
def test_rfm_summary_matches_lifetimes(lifetimes, freq, as_of):
    tx = random_transactions(np.random.default_rng(16))
    ours = rfm_summary(tx, as_of=as_of, freq=freq, amount_col="amount").set_index("client_id")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lifetimes.utils.summary_data_from_transaction_data(
            tx, "client_id", "date", monetary_value_col="amount",
            observation_period_end=as_of, freq=freq).sort_index()
    assert ours.index.tolist() == theirs.index.tolist()
    for col in (FREQUENCY, RECENCY, T_AGE, MONETARY_VALUE):
        np.testing.assert_allclose(ours[col].to_numpy(), theirs[col].to_numpy(), atol=1e-9)


# --------------------------------------------------------------------------------------------
# rfm_summary by hand
# --------------------------------------------------------------------------------------------

def test_rfm_summary_by_hand():
    tx = pd.DataFrame({
        "client": ["a", "a", "a", "a", "b", "c"],
        "when": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-03 00:00",
                                "2024-01-15 00:00", "2024-01-10 00:00", "2024-02-01 00:00"]),
        "sum": [10.0, 5.0, 20.0, 30.0, 7.0, 99.0],
    })
    as_of = "2024-01-17"           # a Wednesday; c's purchase comes later and is ignored
    days = rfm_summary(tx, client_col="client", date_col="when", as_of=as_of, amount_col="sum")
    # a: distinct days 1, 3, 15 Jan -> 2 repeats, last - first = 14, as_of - first = 16;
    #    repeat days are worth 20 and 30 -> 25 (the first day's 15 is not counted)
    # b: one day, 10 Jan -> T = 7
    assert days.to_dict("list") == {"client": ["a", "b"], FREQUENCY: [2.0, 0.0],
                                    RECENCY: [14.0, 0.0], T_AGE: [16.0, 7.0],
                                    MONETARY_VALUE: [25.0, 0.0]}
    weeks = rfm_summary(tx, client_col="client", date_col="when", as_of=as_of, freq="W")
    # weeks start on Monday: 1 Jan (Mon) and 3 Jan share week 0, 15 Jan is week 2 and as_of
    # is in week 2; b's 10 Jan (Wed) is in week 1
    assert weeks.to_dict("list") == {"client": ["a", "b"], FREQUENCY: [1.0, 0.0],
                                     RECENCY: [2.0, 0.0], T_AGE: [2.0, 1.0]}


def test_rfm_summary_errors():
    tx = pd.DataFrame({"client_id": ["a"], "date": [pd.Timestamp("2024-01-01")]})
    with pytest.raises(ParameterError, match=r'`freq` must be "D" or "W", got \'M\''):
        rfm_summary(tx, as_of="2024-02-01", freq="M")
    with pytest.raises(InputError, match=r"column\(s\) 'amount' not found"):
        rfm_summary(tx, as_of="2024-02-01", amount_col="amount")
    with pytest.raises(InputError, match=r"`as_of` must be a date"):
        rfm_summary(tx, as_of="not a date")
    bad = pd.DataFrame({"client_id": ["a", None], "date": ["2024-01-01", "2024-01-02"]})
    with pytest.raises(InputError, match=r"1 client has a transaction with a missing"):
        rfm_summary(bad, as_of="2024-02-01")
