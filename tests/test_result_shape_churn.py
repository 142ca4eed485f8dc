"""One result shape for the churn, value and BTYD results, and the one BG/NBD + Gamma-Gamma entry
point (reportkit.analysis.btyd.fit_predict) they share.

The expected purchases of the shared entry point are checked against FHL's closed form (eq. 10,
the Gaussian hypergeometric function evaluated with scipy), on hand-set parameters and on the
fitted ones, and its fit against a BG/NBD fitted here on the sample snapshot's (x, t_x, T) in days
as the value module used to build them. Plus the hand-worked case of rfm_summary's purchase days.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special

import reportkit as rk
from reportkit.analysis.btyd import (
    BetaGeoModel,
    BTYDForecast,
    fit_predict,
    rfm_summary,
    snapshot_summary,
)
from reportkit.analysis.churn import ChurnModel, ChurnScores
from reportkit.analysis.result import AnalysisResult
from reportkit.analysis.value import backtest_expected_revenue, expected_revenue
from reportkit.errors import ModelWarning

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def sample():
    ds = rk.load(rk.sample_path())
    panel = rk.build_panel(ds)
    return ds, panel, rk.snapshot(panel, as_of=AS_OF)


def by_hand_summary(snap: pd.DataFrame) -> pd.DataFrame:
    """(x, t_x, T) in days as the value module built them before the shared entry point: clients
    with an order and usable dates; x = orders - 1 when the orders fall on two days or more,
    else 0; t_x = days from the first to the last order (at most T); T = tenure in days."""
    span = (snap["last_order"] - snap["first_order"]).dt.days.to_numpy(dtype=float)
    orders = snap["orders_total"].fillna(0).to_numpy(dtype=float)
    tenure = snap["tenure_days"].to_numpy(dtype=float)
    dated = (orders > 0) & (tenure >= 0) & (span >= 0)
    repeat = dated & (orders >= 2) & (span > 0)
    return pd.DataFrame({
        "client_id": snap["client_id"].to_numpy(),
        "x": np.where(repeat, orders - 1, 0.0),
        "tx": np.where(repeat, np.minimum(span, tenure), 0.0),
        "T": tenure,
        "dated": dated,
    })


def eq10(t, x, tx, T, r, alpha, a, b):
    """FHL (2005) eq. 10: E[purchases in (T, T+t] | x, t_x, T], with scipy's 2F1."""
    z = t / (alpha + T + t)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    top = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    dead = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
    return top / (1 + dead)


# --- one result shape ------------------------------------------------------------------------


def check_shape(result):
    assert isinstance(result, AnalysisResult)
    frame = result.to_frame()
    pd.testing.assert_frame_equal(frame, result.clients)
    assert frame is not result.clients
    frame.iloc[:, 0] = None  # a copy: writing to it leaves the result as it was
    assert result.clients.iloc[:, 0].notna().all()
    assert result.clients.columns[0] in ("client_id", "cutoff")
    assert isinstance(result.notes, list) and isinstance(result.params, dict)


def test_value_results_have_the_one_shape(sample):
    _, panel, snap = sample
    check_shape(expected_revenue(snap))
    check_shape(backtest_expected_revenue(panel, as_of=AS_OF, n_cutoffs=1))


def test_the_btyd_forecast_has_the_one_shape(sample):
    check_shape(fit_predict(sample[2], 365))


@pytest.fixture(scope="module")
def churn_model(sample):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return ChurnModel().fit(sample[1], as_of="2025-09-30")


def test_churn_scores_have_the_one_shape_and_share_one_fit(sample, churn_model, monkeypatch):
    from sklearn.base import BaseEstimator

    ds, panel, _ = sample
    snap = rk.snapshot(panel, as_of="2025-09-30")
    fits = []
    real_fit = BetaGeoModel.fit

    def counted(self, *args, **kwargs):
        fits.append(len(args[0]))
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(BetaGeoModel, "fit", counted)
    scores = churn_model.score_clients(snap, clients=ds.clients)
    # one BG/NBD fit on the snapshot's clients with a purchase serves the features and the
    # expected revenue
    assert fits == [int((snap["orders_total"] > 0).sum())]
    monkeypatch.undo()
    assert isinstance(scores, ChurnScores) and isinstance(churn_model, BaseEstimator)
    check_shape(scores)
    c = scores.clients
    assert scores.summary["clients"] == len(c)
    assert sum(scores.summary["bands"].values()) == len(c)
    assert scores.summary["revenue_at_risk"] == pytest.approx(c["revenue_at_risk"].sum())
    assert scores.params["horizon_days"] == 90
    # the expected revenue is the one value.expected_revenue gives on its own
    alone = expected_revenue(snap).clients.set_index("client_id")["expected_revenue_12m"]
    np.testing.assert_array_equal(c["expected_revenue_12m"].to_numpy(),
                                  alone.loc[c["client_id"]].to_numpy())


# --- the shared entry point against the closed form and the old day-based inputs ---------------


def test_hand_set_parameters_give_fhl_eq10(sample):
    snap = sample[2]
    fc = fit_predict(snap, 365)
    hand = BetaGeoModel()
    hand.params_ = {"r": 0.8, "alpha": 60.0, "a": 2.5, "b": 9.0}
    got = dataclasses.replace(fc, bgnbd=hand).at(180).clients
    ok = got["frequency"].notna().to_numpy()
    x, tx, T = (got.loc[ok, c].to_numpy() for c in ("frequency", "recency", "T"))
    expected = eq10(180.0, x, tx, T, **hand.params_)
    np.testing.assert_allclose(got.loc[ok, "expected_purchases"], expected, rtol=1e-8)
    # one client written out in full: x = 0 needs no P(alive) term
    one = got.loc[ok & (got["frequency"] == 0).to_numpy()].iloc[0]
    T0 = one["T"]
    z = 180 / (60 + T0 + 180)
    by_hand = (2.5 + 9 - 1) / 1.5 * (
        1 - ((60 + T0) / (60 + T0 + 180)) ** 0.8 * special.hyp2f1(0.8, 9.0, 10.5, z))
    assert one["expected_purchases"] == pytest.approx(by_hand, rel=1e-10)


def test_shared_entry_point_equals_the_old_day_based_value_path(sample):
    snap = sample[2]
    fc = fit_predict(snap, 365)
    s = by_hand_summary(snap)
    c = fc.clients
    assert (c["client_id"].to_numpy() == snap["client_id"].to_numpy()).all()
    dated = s["dated"].to_numpy()
    assert c["frequency"].notna().to_numpy().tolist() == dated.tolist()
    for ours, theirs in (("frequency", "x"), ("recency", "tx"), ("T", "T")):
        np.testing.assert_array_equal(c.loc[dated, ours].to_numpy(), s.loc[dated, theirs])
    # the fit is the BG/NBD of the clients with an order, in days
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        old = BetaGeoModel().fit(s.loc[dated, "x"], s.loc[dated, "tx"], s.loc[dated, "T"])
    assert fc.summary["bgnbd"] == old.params_
    # expected purchases over 365 days: the closed form on the fitted parameters
    x, tx, T = (s.loc[dated, col].to_numpy() for col in ("x", "tx", "T"))
    np.testing.assert_allclose(c.loc[dated, "expected_purchases"].to_numpy(),
                               eq10(365.0, x, tx, T, **old.params_), rtol=1e-6)
    # and the value module reads exactly these for its repeat buyers
    er = expected_revenue(snap)
    rep = (er.clients["method"] == "bgnbd_gg").to_numpy()
    assert rep.sum() > 1000
    np.testing.assert_array_equal(er.clients.loc[rep, "expected_purchases"].to_numpy(),
                                  c.loc[rep, "expected_purchases"].to_numpy())
    np.testing.assert_array_equal(er.clients.loc[rep, "expected_order_value"].to_numpy(),
                                  c.loc[rep, "expected_order_value"].to_numpy())


def test_a_shared_fit_gives_the_same_expected_revenue(sample):
    snap = sample[2]
    shared = fit_predict(snap, 90)
    pd.testing.assert_frame_equal(expected_revenue(snap, btyd=shared).clients,
                                  expected_revenue(snap).clients)
    with pytest.raises(rk.ParameterError, match="btyd"):
        expected_revenue(snap, btyd=shared, penalizer=0.1)
    with pytest.raises(rk.ParameterError, match="btyd"):
        expected_revenue(snap.iloc[:100], btyd=shared)


def test_forecast_of_a_summary_and_of_odd_bases():
    summary = pd.DataFrame({"client_id": ["a", "b"], "frequency": [0.0, 2.0],
                            "recency": [0.0, 30.0], "T": [40.0, 50.0]})
    fc = fit_predict(summary, 30)
    assert fc.gamma_gamma is None and fc.clients["expected_order_value"].isna().all()
    assert fc.clients["expected_purchases"].notna().all()
    one = fit_predict(summary.iloc[:1], 30)
    assert one.notes == [("too_few_clients", {"clients": 1})] and one.bgnbd is None
    assert one.clients["p_alive"].isna().all()
    assert isinstance(one, BTYDForecast)


# --- rfm_summary: a purchase day needs a positive net amount --------------------------------------


def test_rfm_summary_return_days_are_no_purchases():
    tx = pd.DataFrame({
        "client_id": ["a", "a", "a", "a", "a", "a", "b", "c", "c", "c"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-10",
                                "2024-01-20", "2024-01-20", "2024-01-03", "2024-01-02",
                                "2024-01-02", "2024-01-15"]),
        "amount": [100.0, -30.0, 50.0, -20.0, 10.0, -40.0, -15.0, 20.0, -20.0, 40.0],
    })
    out = rfm_summary(tx, as_of="2024-01-31", amount_col="amount")
    # a: 1 Jan (+100) and 10 Jan (+50 - 20 = +30) are purchases; 5 Jan (a return) and 20 Jan
    #    (+10 - 40 = -30) are not -> one repeat day worth 30, 9 days after the first, T = 30
    # b: returns only -> no purchase, no row
    # c: 2 Jan nets to 0 -> no purchase; the first purchase is 15 Jan -> T = 16
    assert out.to_dict("list") == {"client_id": ["a", "c"], "frequency": [1.0, 0.0],
                                   "recency": [9.0, 0.0], "T": [30.0, 16.0],
                                   "monetary_value": [30.0, 0.0]}
    # without amounts every day with a transaction counts, as before
    days = rfm_summary(tx, as_of="2024-01-31")
    assert days["frequency"].tolist() == [3.0, 0.0, 1.0]


def test_snapshot_summary_by_hand():
    tx = pd.DataFrame({
        "client_id": ["a", "a", "a", "b", "b", "c"],
        "date": pd.to_datetime(["2023-03-01", "2024-02-01", "2024-05-01", "2024-06-01",
                                "2024-06-01", "2024-01-10"]),
        "amount": [50.0, 80.0, 100.0, 30.0, 20.0, -10.0],
        "order_id": ["1", "2", "3", "4", "5", "6"],
    })
    s = snapshot_summary(rk.snapshot(tx, as_of="2024-06-30")).set_index("client_id")
    # a: 3 orders on 3 days -> x = 2; 2023-03-01 -> 2024-05-01 = 427 days; T = 487 days; the
    #    first order is before the window (2023-07-01 ...), so the repeat orders are the
    #    window's two: (80 + 100) / 2 = 90
    assert s.loc["a"].tolist() == [2.0, 427.0, 487.0, 90.0, 2.0]
    # b: two orders on one day -> one purchase period: x = 0
    assert s.loc["b"].tolist() == [0.0, 0.0, 29.0, 0.0, 0.0]
    # c: returns only -> no purchase
    assert s.loc["c"].isna().all()
    s_all = snapshot_summary(rk.snapshot(tx, as_of="2024-06-30"), order_values="all")
    # all history: (revenue - first order) / (orders - 1) = (230 - 50) / 2 = 90 as well
    assert s_all.set_index("client_id").loc["a", "monetary_value"] == 90.0
