"""The estimate: :func:`expected_revenue` of each client of a snapshot (see the package
docstring for the methods).

>>> import pandas as pd
>>> import reportkit as rk
>>> tx = pd.DataFrame({"client_id": ["a", "a", "a", "b", "c"],
...                    "date": pd.to_datetime(["2024-01-10", "2024-03-05", "2024-05-20",
...                                            "2024-04-01", "2024-05-02"]),
...                    "amount": [100.0, 120.0, 90.0, 40.0, -5.0]})
>>> er = expected_revenue(rk.snapshot(tx, as_of="2024-06-30"))
>>> er.clients[["client_id", "method"]].values.tolist()
[['a', 'bgnbd_gg'], ['b', 'fallback_window'], ['c', 'no_orders']]
>>> bool(er.summary["total"] == er.clients["expected_revenue_12m"].sum())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import check_param
from ...io.schema import (
    AS_OF,
    CLIENT_ID,
)
from ..btyd import BTYDForecast, fit_predict
from ..btyd.forecast import FIT_ERRORS
from .inputs import (
    _Base,
    _check_params,
    _check_snapshot,
    _resolve_segments,
    _tier_edges,
    _tier_labels,
    _window_days,
)
from .results import (
    _OPTIONAL,
    AGE_BAND,
    BGNBD_GG,
    EXPECTED_ORDER_VALUE,
    EXPECTED_PURCHASES,
    EXPECTED_REVENUE_12M,
    FALLBACK_WINDOW,
    METHOD,
    METHODS,
    NO_ORDERS,
    NO_SPEND,
    REVENUE_RATIO,
    SEGMENT,
    SINGLE_ORDER,
    ExpectedRevenue,
)
from .single import _single_part


def expected_revenue(
    snapshot: pd.DataFrame,
    *,
    horizon_days: int = 365,
    segments: Any = None,
    window_months: int = 12,
    age_bands_days: tuple[int, ...] = (30, 91, 182, 365),
    value_shrinkage: float | None = None,
    rate_credibility: float = 20.0,
    min_cohort: int = 10,
    n_tiers: int = 5,
    order_values: str = "window",
    penalizer: float = 0.0,
    btyd: BTYDForecast | None = None,
) -> ExpectedRevenue:
    """Expected revenue of each client over the next ``horizon_days`` (see the module docstring).

    Parameters
    ----------
    snapshot : DataFrame
        A client snapshot (:func:`reportkit.snapshot`) at one ``as_of``.
    horizon_days : int, default 365
    segments : None, Series indexed by client_id, dict, array (one label per row) or callable
        A label per client, or a function of the snapshot returning one. None: quintiles of
        the average order value (:func:`default_segments`).
    window_months : int, default 12
        The look-back window the snapshot was taken with.
    age_bands_days : tuple of int, default (30, 91, 182, 365)
        Edges of the bands of age of a single order (days since it).
    value_shrinkage : float or None, default None
        k: weight of the segment's average order value against the client's own order. None:
        the Gamma-Gamma fit's own weight for one order, k = (q - 1) / p (0 when q <= 1; 1 when
        the Gamma-Gamma model cannot be fitted).
    rate_credibility : float, default 20.0
        c: cohort clients a segment needs for its rate to weigh as much as its band's.
    min_cohort : int, default 10
        Cohort clients an age band needs to have a rate.
    n_tiers : int, default 5
        Quantile tiers of the default segments.
    order_values : {"window", "all"}, default "window"
        Repeat orders behind a repeat buyer's mean order value: those of the look-back window
        (when the client also ordered before it), or all of them.
    penalizer : float, default 0.0
        L2 penalty of the BG/NBD and Gamma-Gamma fits.
    btyd : BTYDForecast, optional
        The models already fitted on this snapshot by
        :func:`reportkit.analysis.btyd.fit_predict` (with the same ``penalizer`` and
        ``order_values``), reused instead of fitting them again.

    Returns
    -------
    ExpectedRevenue

    Raises
    ------
    ParameterError
        A parameter out of range, ``snapshot`` is not a snapshot frame, or ``btyd`` is not a
        fit of it. Data problems never raise: the affected clients fall back
        (``fallback_window``) and a note says why.
    """
    model = {
        "age_bands_days": age_bands_days,
        "value_shrinkage": value_shrinkage,
        "rate_credibility": rate_credibility,
        "min_cohort": min_cohort,
        "n_tiers": n_tiers,
        "order_values": order_values,
        "penalizer": penalizer,
    }
    params = _check_params(horizon_days, window_months, model)
    params["segments"] = "given" if segments is not None else "aov_quantile"
    _check_snapshot(snapshot)
    _check_btyd(btyd, snapshot, params)
    notes: list[tuple[str, dict[str, Any]]] = []
    user_labels = _resolve_segments(segments, snapshot, notes)
    return _estimate(snapshot, params, user_labels, notes, btyd)


def _check_btyd(btyd: Any, snapshot: pd.DataFrame, params: dict) -> None:
    """``btyd`` is None or a fit of ``snapshot`` with the estimate's settings."""
    if btyd is None:
        return
    check_param(isinstance(btyd, BTYDForecast), "btyd", "a BTYDForecast", type(btyd).__name__)
    same = (
        btyd.params["penalizer"] == params["penalizer"]
        and btyd.params["order_values"] == params["order_values"]
        and btyd.params["gamma_gamma"]
        and len(btyd.clients) == len(snapshot)
        and bool((btyd.clients[CLIENT_ID].to_numpy() == snapshot[CLIENT_ID].to_numpy()).all())
    )
    check_param(
        same,
        "btyd",
        "fit_predict(snapshot) of this snapshot, with the Gamma-Gamma model and the same "
        "penalizer and order_values",
        "a fit of other clients or with other settings",
    )


@dataclass
class _Out:
    """The per-client columns of the result, filled in part by part."""

    value: np.ndarray
    method: np.ndarray
    purchases: np.ndarray
    order_value: np.ndarray
    ratio: np.ndarray
    band: np.ndarray

    @classmethod
    def empty(cls, n: int) -> _Out:
        return cls(
            value=np.zeros(n),
            method=np.full(n, NO_ORDERS, dtype=object),
            purchases=np.full(n, np.nan),
            order_value=np.full(n, np.nan),
            ratio=np.full(n, np.nan),
            band=np.full(n, -1, dtype=np.int64),
        )

    def fall_back(self, rows: np.ndarray, window_fb: np.ndarray) -> None:
        """``rows`` get the last 12 months' revenue (``fallback_window``)."""
        self.method[rows] = FALLBACK_WINDOW
        self.value[rows] = window_fb[rows]


def _report_window(snapshot: pd.DataFrame, params: dict, notes: list) -> tuple[Any, int]:
    """(the snapshot's as_of or None, days of its look-back window), with notes on both."""
    for col in _OPTIONAL:
        if col not in snapshot.columns:
            notes.append(("column_missing", {"column": col}))
    as_of_col = snapshot[AS_OF] if AS_OF in snapshot.columns else pd.Series([], dtype=object)
    as_of_values = pd.to_datetime(as_of_col, errors="coerce").dropna().unique()
    if len(as_of_values) > 1:
        notes.append(("mixed_as_of", {"dates": len(as_of_values)}))
    as_of = pd.Timestamp(as_of_values.max()) if len(as_of_values) else None
    if as_of is None and len(snapshot) and AS_OF in snapshot.columns:
        notes.append(("as_of_missing", {}))
    window_days = _window_days(as_of, params["window_months"]) if as_of is not None else 365
    return as_of, window_days


def _estimate(
    snapshot: pd.DataFrame,
    params: dict,
    user_labels: np.ndarray | None,
    notes: list,
    btyd: BTYDForecast | None,
) -> ExpectedRevenue:
    d = _Base.of(snapshot, params["order_values"])
    as_of, window_days = _report_window(snapshot, params, notes)
    scale = params["horizon_days"] / window_days
    o = _Out.empty(len(snapshot))
    has = d.orders > 0
    o.method[has & (d.revenue <= 0)] = NO_SPEND
    spend = has & (d.revenue > 0)
    # orders on one day only make one purchase period (lifetimes' frequency 0)
    repeat = spend & d.dated & d.repeat_days
    single = spend & d.dated & ~repeat
    window_fb = np.maximum(d.revenue_w, 0.0) * scale
    broken = spend & ~d.dated
    if broken.any():
        o.fall_back(broken, window_fb)
        notes.append(("inconsistent_dates", {"clients": int(broken.sum())}))
    aov = np.where(spend, d.revenue / np.where(has, d.orders, 1.0), np.nan)
    edges = _tier_edges(aov, params["n_tiers"])
    seg = user_labels if user_labels is not None else _tier_labels(aov, edges)
    summary: dict[str, Any] = {
        "as_of": as_of,
        "window_days": window_days,
        "bgnbd": None,
        "gamma_gamma": None,
        "gg_population_mean": np.nan,
    }
    if repeat.any():
        _apply_repeat(o, params, d, repeat, window_fb, btyd, summary, notes)
    summary["cohort_clients"] = 0
    if single.any():
        est, val, rho, band = _single_part(
            params, d, single, spend, seg, edges, user_labels is None, window_days, summary, notes
        )
        idx = np.flatnonzero(single)
        have = np.isfinite(est)
        o.value[idx[have]] = est[have] * scale
        o.method[idx[have]] = SINGLE_ORDER
        o.order_value[idx[have]] = val[have]
        o.ratio[idx[have]] = rho[have] * scale
        o.band[idx] = band
        o.fall_back(idx[~have], window_fb)
    return _result(snapshot, o, seg, d, single, summary, notes, params)


def _apply_repeat(
    o: _Out,
    params: dict,
    d: _Base,
    repeat: np.ndarray,
    window_fb: np.ndarray,
    btyd: BTYDForecast | None,
    summary: dict,
    notes: list,
) -> None:
    """Repeat buyers: BG/NBD × Gamma-Gamma, or the window fallback when the models fail."""
    n_fit = int(d.dated.sum())
    if n_fit < 2:
        notes.append(("too_few_clients", {"clients": n_fit}))
        o.fall_back(repeat, window_fb)
        return
    h = params["horizon_days"]
    try:
        fc = (
            btyd.at(h)
            if btyd is not None
            else fit_predict(d.summary, h, penalizer=params["penalizer"])
        )
        error = next((p["error"] for code, p in fc.notes if code == "model_not_fitted"), None)
        if error is None:
            c = fc.clients
            ep = c[EXPECTED_PURCHASES].to_numpy(dtype=float)[repeat]
            value = c[EXPECTED_ORDER_VALUE].to_numpy(dtype=float)[repeat]
            notes.extend(note for note in fc.notes if note[0] == "model_fallback")
            for key in ("bgnbd", "gamma_gamma", "gg_population_mean"):
                summary[key] = fc.summary[key]
            est = ep * value
            if not np.all(np.isfinite(est)):
                raise FloatingPointError("non-finite expected revenue")
    except FIT_ERRORS as exc:
        error = str(exc)
    if error is not None:
        notes.append(("model_not_fitted", {"model": "bgnbd_gg", "error": error}))
        o.fall_back(repeat, window_fb)
        return
    o.value[repeat], o.purchases[repeat], o.order_value[repeat] = est, ep, value
    o.method[repeat] = BGNBD_GG


def _result(
    snapshot: pd.DataFrame,
    o: _Out,
    seg: np.ndarray,
    d: _Base,
    single: np.ndarray,
    summary: dict,
    notes: list,
    params: dict,
) -> ExpectedRevenue:
    """The result: the per-client table and the totals of the summary."""
    clients = pd.DataFrame(
        {
            CLIENT_ID: snapshot[CLIENT_ID].to_numpy(),
            EXPECTED_REVENUE_12M: o.value,
            METHOD: o.method,
            SEGMENT: seg,
            AGE_BAND: o.band,
            EXPECTED_PURCHASES: o.purchases,
            EXPECTED_ORDER_VALUE: o.order_value,
            REVENUE_RATIO: o.ratio,
        }
    )
    out = o.value
    summary["total"] = float(out.sum())
    summary["n_clients"] = len(snapshot)
    for m in METHODS:
        sel = o.method == m
        summary[f"n_{m}"] = int(sel.sum())
        summary[f"total_{m}"] = float(out[sel].sum())
    past = float(np.maximum(d.revenue_w[single], 0.0).sum())
    summary["single_order_clients"] = int(single.sum())
    summary["single_order_total"] = float(out[single].sum())
    summary["single_order_revenue_window"] = past
    summary["single_order_ratio"] = float(out[single].sum() / past) if past > 0 else np.nan
    return ExpectedRevenue(clients=clients, summary=summary, notes=notes, params=params)
