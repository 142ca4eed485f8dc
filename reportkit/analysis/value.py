"""Expected revenue of each client over the next 12 months, and its backtest.

What the figure means
---------------------
``expected_revenue_12m`` is the revenue a client is expected to bring over the next
``horizon_days`` (365) days, net of returns, undiscounted. It is meant to be right on average
(the sum over a group of clients is that group's expected revenue) and per client (each figure
rests on the client's own purchases, not on the population's). Every client gets exactly one
method (column ``method``):

``bgnbd_gg`` -- repeat buyers (orders on at least two different days)
    Expected purchases × expected order value::

        E = E[purchases in the next h days | x, t_x, T]  (BG/NBD)
            × E[order value | x_m, m]                     (Gamma-Gamma)

    BG/NBD: x = orders - 1, t_x = days from the first to the last order, T = days from the
    first order to the report date, h = ``horizon_days``; fitted on every client with an order
    (one-order clients included: they inform the purchase process). Gamma-Gamma: m = the mean
    value of the client's *repeat* orders -- the first order is always left out, as lifetimes
    defines it -- and x_m the number of those orders; fitted on the repeat buyers only.
    With ``order_values="window"`` (default), a client that ordered both before and inside the
    look-back window uses the repeat orders of the window (m = revenue_window / orders_window,
    exact: all of them are repeat orders), because order values drift (prices, growing and
    shrinking clients) and the recent ones predict the next ones better -- in the backtests
    of benchmarks/backtest_value.py it lowers the mean absolute error per client by up to 9 %
    (nothing changes where no client ordered both before and inside the window). Otherwise (and
    with ``order_values="all"``) m = (revenue_total - v1) / (orders_total - 1) over all
    history, where v1, the first order's value, which the snapshot does not keep, is taken as
    the mean of the orders placed before the window (exact when there was one; on the bundled
    sample it agrees with lifetimes' exact repeat mean from the transactions with correlation
    0.99+) or, when every order is inside the window, as the client's mean order value
    (then m = aov: the one case where the first order stays in). A mean <= 0 (repeat orders
    netted away by returns) becomes the client's mean order value.

``single_order_shrunk`` -- clients with orders on one day only
    BG/NBD × Gamma-Gamma would give such a client the population's purchase rate and mean
    order value, whatever it bought; where most first buyers never come back that overstates
    them many times over. Instead, the client's own order, times what such clients brought
    in the following year::

        E = rho × v_shrunk × h / window_days
        v_shrunk = (v + k × m_segment) / (1 + k)

    v = the client's order value (its net revenue); m_segment = the average order value of its
    segment (revenue / orders of the segment's clients); k = ``value_shrinkage``, by default the
    Gamma-Gamma fit's own weight for a client seen once, k = (q - 1) / p (near 0 when orders of
    one client vary little compared with orders of different clients; 1 when the Gamma-Gamma
    model cannot be fitted). rho = revenue per unit of order value observed one year earlier,
    read from the same snapshot: the *cohort* is the clients that had exactly one order before
    the look-back window began; over the window they brought ``revenue_window``, so

        rho = sum of their revenue_window / sum of their v_shrunk (v = pre-window revenue)

    computed per band of the age of the single order (days since it: at the report date for the
    client, at the day before the window for the cohort; ``age_bands_days``) and per segment,
    a segment's rate pulled toward its band's with weight n / (n + c) (n = cohort clients of the
    segment in the band, c = ``rate_credibility``). An age band with fewer than ``min_cohort``
    cohort clients has no rate: its clients fall back to ``fallback_window``.

``fallback_window``
    The client's revenue over the last 12 months (``revenue_window``, at least 0, times
    h / window_days): when the models cannot be fitted, and for single-order clients whose age
    band has no cohort to learn from (a base with less than two years of history).

``no_orders`` / ``no_spend``
    0: leads and clients without an order; clients whose net revenue is <= 0.

Segments
--------
``segments`` is an optional label per client (region, industry, a size tier by potential, ...).
Without it the segment is the quintile of the average order value over the clients with a
spend: a single-order client's only measure of size is its one order, while its 12-month
revenue is that order when the order is less than a year old and 0 otherwise -- that would mix
age (already in the bands) with size. The cohort is sorted into the same quintiles by its
pre-window order. A label given by the caller is taken as the client's label now, for the
cohort too: a label computed from the last 12 months' revenue (ABC) would sort last year's
single-order clients by what they bought since; prefer labels that do not depend on it.

:func:`backtest_expected_revenue` re-runs the method at past cut-offs whose next
``horizon_days`` are fully observed and compares predicted with actual revenue per client,
beside two naive baselines: the last 12 months' revenue, and its mean over the segment.

Results carry numbers and codes only; the report layer words them.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.dates import parse_as_of
from ..core.panel import Panel, build_panel
from ..core.snapshot import snapshot as take_snapshot
from ..errors import ModelWarning, ReportkitError, check_param
from ..io.schema import (
    AS_OF,
    CLIENT_ID,
    FIRST_ORDER,
    LAST_ORDER,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    TENURE_DAYS,
)
from .btyd import BetaGeoModel, GammaGammaModel

__all__ = [
    "BGNBD_GG",
    "EXPECTED_REVENUE_12M",
    "FALLBACK_WINDOW",
    "METHODS",
    "NO_ORDERS",
    "NO_SPEND",
    "SINGLE_ORDER",
    "ExpectedRevenue",
    "ValueBacktest",
    "backtest_expected_revenue",
    "default_segments",
    "expected_revenue",
]

# --- codes ------------------------------------------------------------------------------------

EXPECTED_REVENUE_12M = "expected_revenue_12m"
METHOD = "method"
SEGMENT = "segment"
AGE_BAND = "age_band"
EXPECTED_PURCHASES = "expected_purchases"
EXPECTED_ORDER_VALUE = "expected_order_value"
REVENUE_RATIO = "revenue_ratio"

BGNBD_GG = "bgnbd_gg"
SINGLE_ORDER = "single_order_shrunk"
FALLBACK_WINDOW = "fallback_window"
NO_ORDERS = "no_orders"
NO_SPEND = "no_spend"
METHODS = (BGNBD_GG, SINGLE_ORDER, FALLBACK_WINDOW, NO_ORDERS, NO_SPEND)

# backtest methods
MODEL = "model"
LAST_12M = "last_12m"
SEGMENT_MEAN = "segment_mean"
BACKTEST_METHODS = (MODEL, LAST_12M, SEGMENT_MEAN)

CUTOFF = "cutoff"
ACTUAL = "actual"
DECILE = "decile"

_REQUIRED = (
    CLIENT_ID,
    FIRST_ORDER,
    LAST_ORDER,
    TENURE_DAYS,
    ORDERS_TOTAL,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)
# without these the estimate degrades (no cohort, 365-day window) and says so in a note
_OPTIONAL = (AS_OF, ORDERS_WINDOW)
_NO_SEGMENT = "none"


# --- results ----------------------------------------------------------------------------------


@dataclass
class ExpectedRevenue:
    """Expected revenue per client over the horizon (see the module docstring).

    Attributes
    ----------
    clients : DataFrame
        One row per snapshot row (same order): ``client_id``, ``expected_revenue_12m``,
        ``method`` (one of :data:`METHODS`), ``segment`` (str), ``age_band`` (index of the age
        band for single-order clients, else -1), ``expected_purchases`` (BG/NBD, repeat
        buyers), ``expected_order_value`` (Gamma-Gamma for repeat buyers, the shrunk order
        value for single-order clients), ``revenue_ratio`` (rho × h / window_days, single-order
        clients); NaN where a column does not apply.
    summary : dict
        ``total`` (= the sum of ``clients.expected_revenue_12m``), ``n_clients``, per method
        ``n_<method>`` and ``total_<method>``; ``single_order_clients``,
        ``single_order_total``, ``single_order_revenue_window`` (their last-12-month revenue)
        and ``single_order_ratio`` (expected / last-12-month); ``cohort_clients``,
        ``cohort_returned`` (share of the cohort that ordered again in the window),
        ``cohort_value``, ``cohort_revenue``, ``band_rates`` (list of {band, cohort_clients,
        rate}), ``value_shrinkage`` (the k used); ``bgnbd`` and ``gamma_gamma`` (fitted
        parameters, or None), ``gg_population_mean``; ``as_of``, ``window_days``.
    notes : list of (code, params)
        ``model_not_fitted`` {model, error}: repeat buyers fell back to ``fallback_window``;
        ``model_fallback`` {model, fallback}: a BG/NBD or Gamma-Gamma limiting case (see
        :mod:`reportkit.analysis.btyd`); ``too_few_clients`` {clients};
        ``no_single_order_history`` {cohort_clients, min_cohort}: no cohort to learn from, every
        single-order client fell back; ``band_without_cohort`` {band, cohort_clients,
        min_cohort}; ``segments_missing`` {clients} (labelled ``"none"``);
        ``inconsistent_dates`` {clients}: orders without usable first/last order dates (fell
        back); ``mixed_as_of`` {dates}; ``as_of_missing`` {} (a 365-day window is assumed);
        ``column_missing`` {column}: ``as_of`` (365-day window assumed) or ``orders_window``
        (no cohort: single-order clients fall back; repeat means over all orders).
    params : dict
        The parameters used.
    """

    clients: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-client table :attr:`clients`."""
        return self.clients


@dataclass
class ValueBacktest:
    """Predicted against actual revenue at past cut-offs (see :func:`backtest_expected_revenue`).

    Attributes
    ----------
    table : DataFrame
        One row per method × cut-off: ``method`` (``model``, ``last_12m``, ``segment_mean``),
        ``cutoff``, ``n_clients``, ``predicted``, ``actual`` (sums), ``total_error`` (predicted /
        actual - 1), ``mae`` (mean absolute error per client), ``mae_vs_last_12m`` (MAE / the
        last-12-months baseline's MAE at that cut-off).
    deciles : DataFrame
        One row per method × cut-off × decile of the method's predicted value (1 = lowest,
        10 = highest; equal numbers of clients, ties broken by client order): ``n_clients``,
        ``predicted``, ``actual``, ``total_error``, ``mae``.
    clients : DataFrame
        Per cut-off and client: ``cutoff``, ``client_id``, ``actual`` and one column per method
        with its prediction, plus the model's ``method`` code (``model_method``).
    summary : dict
        ``cutoffs`` (list), and per method ``<method>_total_error`` (mean over cut-offs),
        ``<method>_abs_total_error`` (mean of |total error|), ``<method>_mae`` (mean MAE).
    notes : list of (code, params)
        ``no_observed_cutoff`` {as_of, horizon_days}; ``cutoff_not_observed`` {cutoff};
        ``cutoff_without_clients`` {cutoff} (before the data, or no client with an order);
        ``cutoff_failed`` {cutoff, error} (the snapshot refused the date); and the model's notes as
        ``("model_note", {"cutoff": …, "code": …, **params})``.
    params : dict
    """

    table: pd.DataFrame
    deciles: pd.DataFrame
    clients: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-cut-off, per-client table :attr:`clients`."""
        return self.clients


# --- parameters -------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (
        isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, bool)
        and math.isfinite(float(v))
    )


def _check_params(
    horizon_days: Any,
    window_months: Any,
    age_bands_days: Any,
    value_shrinkage: Any,
    rate_credibility: Any,
    min_cohort: Any,
    n_tiers: Any,
    order_values: Any,
    penalizer: Any,
) -> tuple[int, ...]:
    check_param(
        _is_int(horizon_days) and horizon_days >= 1,
        "horizon_days",
        "a positive integer (days)",
        horizon_days,
    )
    check_param(
        _is_int(window_months) and window_months >= 1,
        "window_months",
        "a positive integer (the snapshot's look-back window)",
        window_months,
    )
    ok = (
        isinstance(age_bands_days, (list, tuple))
        and all(_is_int(b) and b >= 1 for b in age_bands_days)
        and all(a < b for a, b in itertools.pairwise(age_bands_days))
    )
    check_param(
        ok,
        "age_bands_days",
        "increasing positive integers (days), e.g. (30, 91, 182, 365)",
        age_bands_days,
    )
    check_param(
        value_shrinkage is None or (_is_num(value_shrinkage) and value_shrinkage >= 0),
        "value_shrinkage",
        "None or a number >= 0",
        value_shrinkage,
    )
    check_param(
        _is_num(rate_credibility) and rate_credibility >= 0,
        "rate_credibility",
        "a number >= 0",
        rate_credibility,
    )
    check_param(
        _is_int(min_cohort) and min_cohort >= 1, "min_cohort", "a positive integer", min_cohort
    )
    check_param(
        _is_int(n_tiers) and 1 <= n_tiers <= 20, "n_tiers", "an integer from 1 to 20", n_tiers
    )
    check_param(
        order_values in ("window", "all"), "order_values", "'window' or 'all'", order_values
    )
    check_param(_is_num(penalizer) and penalizer >= 0, "penalizer", "a number >= 0", penalizer)
    return tuple(int(b) for b in age_bands_days)


def _check_snapshot(snapshot: Any) -> None:
    check_param(
        isinstance(snapshot, pd.DataFrame),
        "snapshot",
        "a snapshot DataFrame (reportkit.snapshot)",
        type(snapshot).__name__,
    )
    missing = [c for c in _REQUIRED if c not in snapshot.columns]
    check_param(
        not missing,
        "snapshot",
        f"a snapshot with the columns {', '.join(_REQUIRED)}",
        f"a frame without {', '.join(missing)}",
    )


# --- helpers ----------------------------------------------------------------------------------


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _days(values: pd.Series) -> np.ndarray:
    """Datetime column -> days since 1970 (float, NaN for NaT)."""
    d = pd.to_datetime(values, errors="coerce")
    out = np.full(len(d), np.nan)
    ok = d.notna().to_numpy()
    out[ok] = ((d[ok] - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)
    return out


def _window_days(as_of: pd.Timestamp, window_months: int) -> int:
    """Days of the look-back window: calendar months M-W+1 … M, month M up to ``as_of``."""
    start = (as_of.to_period("M") - (window_months - 1)).start_time
    return int((as_of.normalize() - start).days) + 1


def default_segments(snapshot: pd.DataFrame, n_tiers: int = 5) -> pd.Series:
    """Quintile (``n_tiers`` quantiles) of the average order value among clients with orders.

    Labels ``"q1"`` (smallest orders) … ``"q5"``; ``"none"`` without an order or with a net
    revenue <= 0. Aligned with the snapshot's rows.
    """
    _check_snapshot(snapshot)
    check_param(
        _is_int(n_tiers) and 1 <= n_tiers <= 20, "n_tiers", "an integer from 1 to 20", n_tiers
    )
    value = _order_value(snapshot)
    edges = _tier_edges(value, n_tiers)
    return pd.Series(_tier_labels(value, edges), index=snapshot.index, name=SEGMENT)


def _order_value(snapshot: pd.DataFrame) -> np.ndarray:
    orders = _num(snapshot, ORDERS_TOTAL)
    revenue = _num(snapshot, REVENUE_TOTAL)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where((orders > 0) & (revenue > 0), revenue / orders, np.nan)
    return v


def _tier_edges(value: np.ndarray, n_tiers: int) -> np.ndarray:
    ok = value[np.isfinite(value)]
    if n_tiers <= 1 or ok.size == 0:
        return np.zeros(0)
    return np.quantile(ok, np.arange(1, n_tiers) / n_tiers)


def _tier_labels(value: np.ndarray, edges: np.ndarray) -> np.ndarray:
    tier = np.searchsorted(edges, np.nan_to_num(value, nan=0.0), side="right")
    names = np.array([f"q{t + 1}" for t in range(len(edges) + 1)], dtype=object)
    labels = names[tier]
    labels[~np.isfinite(value)] = _NO_SEGMENT
    return labels


def _resolve_segments(segments: Any, snapshot: pd.DataFrame, notes: list) -> np.ndarray | None:
    """Labels aligned with the snapshot rows (str), or None for the default segments.

    A Series or dict is keyed by client_id; an array has one label per row; a callable gets the
    snapshot and may return either (a Series on the snapshot's index is read row by row).
    """
    if segments is None:
        return None
    row_aligned = False
    if callable(segments):
        segments = segments(snapshot)
        row_aligned = isinstance(segments, pd.Series) and segments.index.equals(snapshot.index)
    if isinstance(segments, Mapping):
        segments = pd.Series(segments, dtype=object)
    if isinstance(segments, pd.Series) and not row_aligned:
        check_param(
            segments.index.is_unique,
            "segments",
            "one label per client (a Series indexed by client_id)",
            "a Series with a repeated client_id",
        )
        labels = segments.reindex(snapshot[CLIENT_ID].to_numpy())
    elif isinstance(segments, pd.Series):
        labels = segments
    else:
        check_param(
            isinstance(segments, (list, tuple, np.ndarray, pd.Index, pd.Categorical)),
            "segments",
            "None, a Series indexed by client_id, a dict, one label per "
            "snapshot row, or a function of the snapshot",
            type(segments).__name__,
        )
        check_param(
            len(segments) == len(snapshot),
            "segments",
            f"one label per snapshot row ({len(snapshot)})",
            f"{len(segments)} labels",
        )
        labels = pd.Series(np.asarray(segments, dtype=object))
    miss = pd.isna(labels).to_numpy()
    if miss.any():
        notes.append(("segments_missing", {"clients": int(miss.sum())}))
    out = labels.astype(str).to_numpy(dtype=object)
    out[miss] = _NO_SEGMENT
    return out


def _band_of(age: np.ndarray, bands: tuple[int, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(bands, dtype=float), age, side="right")


def _band_label(b: int, bands: tuple[int, ...]) -> str:
    lo = 0 if b == 0 else bands[b - 1]
    return f"{lo}-{bands[b]}" if b < len(bands) else f"{lo}+"


# --- the estimate -----------------------------------------------------------------------------


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

    Returns
    -------
    ExpectedRevenue

    Raises
    ------
    ParameterError
        A parameter out of range, or ``snapshot`` is not a snapshot frame. Data problems never
        raise: the affected clients fall back (``fallback_window``) and a note says why.

    Examples
    --------
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
    bands = _check_params(
        horizon_days,
        window_months,
        age_bands_days,
        value_shrinkage,
        rate_credibility,
        min_cohort,
        n_tiers,
        order_values,
        penalizer,
    )
    _check_snapshot(snapshot)
    params = {
        "horizon_days": int(horizon_days),
        "window_months": int(window_months),
        "age_bands_days": bands,
        "value_shrinkage": None if value_shrinkage is None else float(value_shrinkage),
        "rate_credibility": float(rate_credibility),
        "min_cohort": int(min_cohort),
        "n_tiers": int(n_tiers),
        "order_values": order_values,
        "penalizer": float(penalizer),
        "segments": "given" if segments is not None else "aov_quantile",
    }
    notes: list[tuple[str, dict[str, Any]]] = []
    user_labels = _resolve_segments(segments, snapshot, notes)
    return _estimate(snapshot, params, bands, user_labels, notes)


@dataclass
class _Base:
    """The snapshot's columns as clean float arrays (non-finite -> 0 for sums, NaN for times)."""

    orders: np.ndarray
    orders_w: np.ndarray
    revenue: np.ndarray
    revenue_w: np.ndarray
    tenure: np.ndarray
    span: np.ndarray  # days from the first to the last order (NaN without)

    @classmethod
    def of(cls, snapshot: pd.DataFrame) -> _Base:
        def clean(col: str) -> np.ndarray:
            v = _num(snapshot, col)
            return np.where(np.isfinite(v), v, 0.0)

        orders = clean(ORDERS_TOTAL)
        # without orders_window every order counts as inside the window: no cohort, and the
        # repeat-order mean is the mean order value
        orders_w = clean(ORDERS_WINDOW) if ORDERS_WINDOW in snapshot.columns else orders
        return cls(
            orders=orders,
            orders_w=orders_w,
            revenue=clean(REVENUE_TOTAL),
            revenue_w=clean(REVENUE_WINDOW),
            tenure=_num(snapshot, TENURE_DAYS),
            span=_days(snapshot[LAST_ORDER]) - _days(snapshot[FIRST_ORDER]),
        )


def _estimate(
    snapshot: pd.DataFrame,
    params: dict,
    bands: tuple[int, ...],
    user_labels: np.ndarray | None,
    notes: list,
) -> ExpectedRevenue:
    h = params["horizon_days"]
    n = len(snapshot)
    d = _Base.of(snapshot)

    for col in _OPTIONAL:
        if col not in snapshot.columns:
            notes.append(("column_missing", {"column": col}))
    as_of_col = snapshot[AS_OF] if AS_OF in snapshot.columns else pd.Series([], dtype=object)
    as_of_values = pd.to_datetime(as_of_col, errors="coerce").dropna().unique()
    if len(as_of_values) > 1:
        notes.append(("mixed_as_of", {"dates": len(as_of_values)}))
    as_of = pd.Timestamp(as_of_values.max()) if len(as_of_values) else None
    if as_of is None and n and AS_OF in snapshot.columns:
        notes.append(("as_of_missing", {}))
    window_days = _window_days(as_of, params["window_months"]) if as_of is not None else 365
    scale = h / window_days

    out = np.zeros(n)
    method = np.full(n, NO_ORDERS, dtype=object)
    purchases = np.full(n, np.nan)
    order_value = np.full(n, np.nan)
    ratio = np.full(n, np.nan)
    band_col = np.full(n, -1, dtype=np.int64)

    has = d.orders > 0
    dated = has & np.isfinite(d.tenure) & np.isfinite(d.span) & (d.tenure >= 0) & (d.span >= 0)
    method[has & (d.revenue <= 0)] = NO_SPEND
    spend = has & (d.revenue > 0)
    # orders on one day only make one purchase period (lifetimes' frequency 0)
    repeat = spend & dated & (d.orders >= 2) & (d.span > 0)
    single = spend & dated & ~repeat
    window_fb = np.maximum(d.revenue_w, 0.0) * scale
    broken = spend & ~dated
    if broken.any():
        method[broken] = FALLBACK_WINDOW
        out[broken] = window_fb[broken]
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

    # --- repeat buyers: BG/NBD × Gamma-Gamma ----------------------------------------------------
    if repeat.any():
        ok = False
        n_fit = int(dated.sum())
        if n_fit < 2:
            notes.append(("too_few_clients", {"clients": n_fit}))
        else:
            try:
                est, ep, value = _repeat_part(params, d, repeat, dated, h, summary, notes)
                out[repeat], purchases[repeat], order_value[repeat] = est, ep, value
                ok = True
            except (ReportkitError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
                notes.append(("model_not_fitted", {"model": "bgnbd_gg", "error": str(exc)}))
        if ok:
            method[repeat] = BGNBD_GG
        else:
            method[repeat] = FALLBACK_WINDOW
            out[repeat] = window_fb[repeat]

    # --- single-order clients: own order × the rate of last year's single-order clients --------
    summary["cohort_clients"] = 0
    if single.any():
        idx = np.flatnonzero(single)
        est, val, rho, band = _single_part(
            params,
            bands,
            d,
            single,
            spend,
            seg,
            aov,
            edges,
            user_labels is None,
            window_days,
            summary,
            notes,
        )
        have = np.isfinite(est)
        out[idx[have]] = est[have] * scale
        method[idx[have]] = SINGLE_ORDER
        order_value[idx[have]] = val[have]
        ratio[idx[have]] = rho[have] * scale
        band_col[idx] = band
        out[idx[~have]] = window_fb[idx[~have]]
        method[idx[~have]] = FALLBACK_WINDOW

    clients = pd.DataFrame(
        {
            CLIENT_ID: snapshot[CLIENT_ID].to_numpy(),
            EXPECTED_REVENUE_12M: out,
            METHOD: method,
            SEGMENT: seg,
            AGE_BAND: band_col,
            EXPECTED_PURCHASES: purchases,
            EXPECTED_ORDER_VALUE: order_value,
            REVENUE_RATIO: ratio,
        }
    )
    summary["total"] = float(out.sum())
    summary["n_clients"] = int(n)
    for m in METHODS:
        sel = method == m
        summary[f"n_{m}"] = int(sel.sum())
        summary[f"total_{m}"] = float(out[sel].sum())
    past = float(np.maximum(d.revenue_w[single], 0.0).sum())
    summary["single_order_clients"] = int(single.sum())
    summary["single_order_total"] = float(out[single].sum())
    summary["single_order_revenue_window"] = past
    summary["single_order_ratio"] = float(out[single].sum() / past) if past > 0 else np.nan
    return ExpectedRevenue(clients=clients, summary=summary, notes=notes, params=params)


def _repeat_mean(d: _Base, sel: np.ndarray, recent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Gamma-Gamma inputs of the clients ``sel``: (number of repeat orders behind the mean, mean
    value of those repeat orders -- the first order excluded, as lifetimes defines it).

    All history: the first order's value is the mean of the orders before the window (exact when
    there was one), or the client's mean order value when every order is in the window. With
    ``recent``, a client that ordered both before and in the window uses its window orders
    (all of them repeat orders: exact). A mean <= 0 (repeat orders netted away by returns)
    becomes the client's mean order value.
    """
    n, rev = d.orders[sel], d.revenue[sel]
    n_w, rev_w = d.orders_w[sel], d.revenue_w[sel]
    n_before = n - n_w
    aov = rev / n
    v1 = np.where(n_before > 0, (rev - rev_w) / np.maximum(n_before, 1.0), aov)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (rev - v1) / (n - 1.0)
    m = np.where(np.isfinite(m) & (m > 0), m, aov)
    x = n - 1.0
    if recent:
        use = (n_before > 0) & (n_w > 0) & (rev_w > 0)
        m = np.where(use, rev_w / np.maximum(n_w, 1.0), m)
        x = np.where(use, n_w, x)
    return x, m


def _repeat_part(
    params: dict,
    d: _Base,
    repeat: np.ndarray,
    fit_rows: np.ndarray,
    h: int,
    summary: dict,
    notes: list,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pen = params["penalizer"]
    x_all = np.where(repeat, d.orders - 1.0, 0.0)
    rec_all = np.where(repeat, np.minimum(d.span, d.tenure), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        # every client with an order informs the purchase process, one-order clients included
        bg = BetaGeoModel(penalizer=pen).fit(x_all[fit_rows], rec_all[fit_rows], d.tenure[fit_rows])
        x, rec, T = x_all[repeat], rec_all[repeat], d.tenure[repeat]
        ep = np.asarray(bg.expected_purchases(h, x, rec, T), dtype=float)
        x_m, m = _repeat_mean(d, repeat, params["order_values"] == "window")
        gg = GammaGammaModel(penalizer=pen).fit(x_m, m)
        value = np.asarray(gg.expected_order_value(x_m, m), dtype=float)
    for name, model in (("bgnbd", bg), ("gamma_gamma", gg)):
        if model.fallback_:
            notes.append(("model_fallback", {"model": name, "fallback": model.fallback_}))
    summary["bgnbd"] = dict(bg.params_ or {})
    summary["gamma_gamma"] = dict(gg.params_ or {})
    summary["gg_population_mean"] = float(gg.population_mean_)
    est = ep * value
    if not np.all(np.isfinite(est)):
        raise FloatingPointError("non-finite expected revenue")
    return est, ep, value


def _single_part(
    params: dict,
    bands: tuple[int, ...],
    d: _Base,
    single: np.ndarray,
    spend: np.ndarray,
    seg: np.ndarray,
    aov: np.ndarray,
    edges: np.ndarray,
    default_seg: bool,
    window_days: int,
    summary: dict,
    notes: list,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per single-order client: rho × v_shrunk (NaN without a rate), v_shrunk, rho, age band."""
    k = params["value_shrinkage"]
    if k is None:
        gg = summary.get("gamma_gamma")
        k = 1.0 if not gg else max((gg["q"] - 1.0) / gg["p"], 0.0)
    summary["value_shrinkage"] = float(k)
    c = params["rate_credibility"]
    min_cohort = params["min_cohort"]

    # the segments' average order value (revenue / orders of their clients with a spend)
    tot = (
        pd.DataFrame({"s": seg[spend], "r": d.revenue[spend], "o": d.orders[spend]})
        .groupby("s")[["r", "o"]]
        .sum()
    )
    seg_mean = tot["r"] / tot["o"]
    all_mean = float(tot["r"].sum() / tot["o"].sum()) if len(tot) else np.nan

    def shrunk(v: np.ndarray, labels: np.ndarray) -> np.ndarray:
        target = pd.Series(labels).map(seg_mean).fillna(all_mean).to_numpy(dtype=float)
        target = np.where(np.isfinite(target), target, v)
        return (v + k * target) / (1.0 + k)

    # the cohort: clients with exactly one order before the window; its value was the revenue
    # before the window, its age is counted to the day before the window started
    v0 = d.revenue - d.revenue_w
    age0 = d.tenure - window_days
    cohort = ((d.orders - d.orders_w) == 1) & (v0 > 0) & np.isfinite(age0) & (age0 >= 0)
    seg_c = (_tier_labels(np.where(cohort, v0, np.nan), edges) if default_seg else seg)[cohort]
    coh = pd.DataFrame(
        {
            "band": _band_of(age0[cohort], bands),
            "s": seg_c,
            "v": shrunk(v0[cohort], seg_c),
            "f": d.revenue_w[cohort],
            "back": d.orders_w[cohort] > 0,
        }
    )
    summary["cohort_clients"] = len(coh)
    summary["cohort_returned"] = float(coh["back"].mean()) if len(coh) else np.nan
    summary["cohort_value"] = float(coh["v"].sum())
    summary["cohort_revenue"] = float(coh["f"].sum())

    # rate per age band (bands with at least min_cohort cohort clients and a positive value)
    bb = coh.groupby("band").agg(n=("v", "size"), v=("v", "sum"), f=("f", "sum"))
    bb = bb.reindex(range(len(bands) + 1)).fillna({"n": 0, "v": 0.0, "f": 0.0})
    ok = (bb["n"] >= min_cohort) & (bb["v"] > 0)
    band_rate = (bb["f"] / bb["v"]).clip(lower=0.0).where(ok)
    summary["band_rates"] = [
        {
            "band": _band_label(b, bands),
            "cohort_clients": int(bb.loc[b, "n"]),
            "rate": float(band_rate[b]),
        }
        for b in bb.index
    ]
    # rate per (band, segment): own rate pulled toward the band's with weight n / (n + c)
    cells = coh.groupby(["band", "s"]).agg(n=("v", "size"), v=("v", "sum"), f=("f", "sum"))
    rb = band_rate.reindex(cells.index.get_level_values("band")).to_numpy()
    own = np.where(
        cells["v"] > 0, (cells["f"] / cells["v"].where(cells["v"] > 0)).clip(lower=0), rb
    )
    w = np.where(cells["n"] + c > 0, cells["n"] / (cells["n"] + c), 1.0)
    cell_rate = pd.Series(w * own + (1.0 - w) * rb, index=cells.index)

    band = _band_of(d.tenure[single], bands)
    labels = seg[single]
    value = shrunk(d.revenue[single], labels)
    keys = pd.MultiIndex.from_arrays([band, labels], names=["band", "s"])
    rho = (
        cell_rate.reindex(keys).to_numpy(dtype=float)
        if len(cell_rate)
        else np.full(len(band), np.nan)
    )
    rate_of_band = band_rate.reindex(band).to_numpy(dtype=float)
    # a band without a rate gives no rate to its segments either
    rho = np.where(np.isfinite(rate_of_band), np.where(np.isfinite(rho), rho, rate_of_band), np.nan)
    missing = sorted(set(band[~np.isfinite(rho)].tolist()))
    if len(coh) < min_cohort:
        notes.append(
            ("no_single_order_history", {"cohort_clients": len(coh), "min_cohort": int(min_cohort)})
        )
    else:
        for b in missing:
            notes.append(
                (
                    "band_without_cohort",
                    {
                        "band": _band_label(b, bands),
                        "cohort_clients": int(bb.loc[b, "n"]),
                        "min_cohort": int(min_cohort),
                    },
                )
            )
    return rho * value, value, rho, band


# --- backtest ---------------------------------------------------------------------------------


def backtest_expected_revenue(
    panel: Any,
    *,
    as_of: Any,
    cutoffs: Iterable[Any] | None = None,
    horizon_days: int = 365,
    n_cutoffs: int = 3,
    step_months: int = 6,
    segments: Any = None,
    window_months: int = 12,
    **model_params: Any,
) -> ValueBacktest:
    """Predicted against actual revenue over ``horizon_days`` after past cut-offs.

    At each cut-off ``c`` with ``c + horizon_days <= as_of`` the snapshot is taken at ``c``
    (only data up to it), :func:`expected_revenue` predicts, and the actual revenue of each
    client is its net revenue in ``(c, c + horizon_days]`` (snapshot revenue at the end minus at
    ``c``). Clients: those with at least one order at ``c`` (leads and clients who come later
    are predicted 0 by every method and left out). Baselines: ``last_12m`` = the client's
    revenue over the last 12 months (at least 0, scaled to the horizon); ``segment_mean`` = the
    mean of that over the client's segment.

    Parameters
    ----------
    panel : Panel, or anything :func:`reportkit.build_panel` accepts
    as_of : date
        The report date: actual revenue is read up to it.
    cutoffs : iterable of dates, optional
        Default: ``n_cutoffs`` month ends ``step_months`` apart, the last one the latest month
        end whose horizon is observed. Cut-offs whose horizon is not observed are dropped with a
        note.
    horizon_days, window_months : int
    n_cutoffs, step_months : int
        Default cut-offs.
    segments : None, callable or labels
        As in :func:`expected_revenue`; a callable receives the snapshot at each cut-off. Fixed
        labels are applied at every cut-off as they are.
    **model_params
        Passed to :func:`expected_revenue` (``age_bands_days``, ``value_shrinkage``, …).

    Returns
    -------
    ValueBacktest
        Empty tables with the note ``no_observed_cutoff`` when no cut-off is fully observed.
    """
    as_of_ts = parse_as_of(as_of)
    check_param(
        _is_int(horizon_days) and horizon_days >= 1,
        "horizon_days",
        "a positive integer (days)",
        horizon_days,
    )
    check_param(_is_int(n_cutoffs) and n_cutoffs >= 1, "n_cutoffs", "a positive integer", n_cutoffs)
    check_param(
        _is_int(step_months) and step_months >= 1, "step_months", "a positive integer", step_months
    )
    check_param(
        _is_int(window_months) and window_months >= 1,
        "window_months",
        "a positive integer",
        window_months,
    )
    allowed = {
        "age_bands_days",
        "value_shrinkage",
        "rate_credibility",
        "min_cohort",
        "n_tiers",
        "order_values",
        "penalizer",
    }
    unknown = sorted(set(model_params) - allowed)
    check_param(not unknown, "model_params", f"keywords among {sorted(allowed)}", unknown)
    # validate the model's parameters once, before any work
    defaults = {
        "age_bands_days": (30, 91, 182, 365),
        "value_shrinkage": None,
        "rate_credibility": 20.0,
        "min_cohort": 10,
        "n_tiers": 5,
        "order_values": "window",
        "penalizer": 0.0,
    }
    mp = {**defaults, **model_params}
    _check_params(
        horizon_days,
        window_months,
        mp["age_bands_days"],
        mp["value_shrinkage"],
        mp["rate_credibility"],
        mp["min_cohort"],
        mp["n_tiers"],
        mp["order_values"],
        mp["penalizer"],
    )
    params = {
        "as_of": as_of_ts,
        "horizon_days": int(horizon_days),
        "window_months": window_months,
        "n_cutoffs": n_cutoffs,
        "step_months": step_months,
        **mp,
    }
    notes: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(panel, Panel):
        panel = build_panel(panel)
    h = pd.Timedelta(days=int(horizon_days))

    if cutoffs is None:
        last = (as_of_ts - h).to_period("M")
        if (last.end_time.normalize() + h) > as_of_ts:
            last = last - 1
        cuts = [(last - step_months * i).end_time.normalize() for i in range(n_cutoffs)][::-1]
        first = panel.start
        cuts = [c for c in cuts if first is not None and not pd.isna(first) and c >= first]
    else:
        check_param(
            not isinstance(cutoffs, (str, bytes)) and isinstance(cutoffs, Iterable),
            "cutoffs",
            "a list of dates",
            cutoffs,
        )
        cuts = sorted({parse_as_of(c) for c in cutoffs})
        kept = []
        for c in cuts:
            if c + h <= as_of_ts:
                kept.append(c)
            else:
                notes.append(("cutoff_not_observed", {"cutoff": c}))
        cuts = kept

    rows: list[dict[str, Any]] = []
    dec_rows: list[dict[str, Any]] = []
    per_client: list[pd.DataFrame] = []
    start = panel.start
    for c in cuts:
        if start is None or pd.isna(start) or c < start:  # no client had bought yet
            notes.append(("cutoff_without_clients", {"cutoff": c}))
            continue
        try:
            snap = take_snapshot(panel, as_of=c, window_months=window_months)
            later = take_snapshot(panel, as_of=c + h, window_months=window_months)
        except ReportkitError as exc:
            notes.append(("cutoff_failed", {"cutoff": c, "error": str(exc)}))
            continue
        pop = np.nan_to_num(_num(snap, ORDERS_TOTAL), nan=0.0) > 0
        if not pop.any():
            notes.append(("cutoff_without_clients", {"cutoff": c}))
            continue
        end_rev = later.set_index(CLIENT_ID)[REVENUE_TOTAL]
        actual = end_rev.reindex(snap[CLIENT_ID].to_numpy()).fillna(0.0).to_numpy(
            dtype=float
        ) - np.nan_to_num(_num(snap, REVENUE_TOTAL), nan=0.0)
        er = expected_revenue(
            snap,
            horizon_days=int(horizon_days),
            segments=segments,
            window_months=window_months,
            **model_params,
        )
        for code, p in er.notes:
            notes.append(("model_note", {"cutoff": c, "code": code, **p}))
        scale = int(horizon_days) / _window_days(c, window_months)
        last12 = np.maximum(np.nan_to_num(_num(snap, REVENUE_WINDOW), nan=0.0), 0.0) * scale
        seg = er.clients[SEGMENT].to_numpy()
        seg_mean = pd.Series(last12[pop]).groupby(seg[pop]).mean()
        segm = np.where(pop, pd.Series(seg).map(seg_mean).fillna(0.0).to_numpy(dtype=float), 0.0)
        preds = {
            MODEL: er.clients[EXPECTED_REVENUE_12M].to_numpy(dtype=float),
            LAST_12M: last12,
            SEGMENT_MEAN: segm,
        }
        a = actual[pop]
        frame = pd.DataFrame(
            {
                CUTOFF: c,
                CLIENT_ID: snap[CLIENT_ID].to_numpy()[pop],
                ACTUAL: a,
                **{k: v[pop] for k, v in preds.items()},
                "model_method": er.clients[METHOD].to_numpy()[pop],
            }
        )
        per_client.append(frame)
        base_mae = None
        for name in BACKTEST_METHODS:
            p = preds[name][pop]
            row = _metrics(p, a)
            if name == LAST_12M:
                base_mae = row["mae"]
            rows.append({"method": name, CUTOFF: c, **row})
            dec_rows.extend({"method": name, CUTOFF: c, **d} for d in _deciles(p, a))
        for r in rows:
            if r[CUTOFF] == c:
                r["mae_vs_last_12m"] = (r["mae"] / base_mae) if base_mae else np.nan

    table_cols = [
        "method",
        CUTOFF,
        "n_clients",
        "predicted",
        "actual",
        "total_error",
        "mae",
        "mae_vs_last_12m",
    ]
    dec_cols = ["method", CUTOFF, DECILE, "n_clients", "predicted", "actual", "total_error", "mae"]
    table = pd.DataFrame(rows, columns=table_cols)
    deciles = pd.DataFrame(dec_rows, columns=dec_cols)
    clients = (
        pd.concat(per_client, ignore_index=True)
        if per_client
        else pd.DataFrame(columns=[CUTOFF, CLIENT_ID, ACTUAL, *BACKTEST_METHODS, "model_method"])
    )
    summary: dict[str, Any] = {"cutoffs": sorted(set(table[CUTOFF])) if len(table) else []}
    if table.empty:
        if not any(code == "cutoff_without_clients" for code, _ in notes):
            notes.append(
                ("no_observed_cutoff", {"as_of": as_of_ts, "horizon_days": int(horizon_days)})
            )
    else:
        for name in BACKTEST_METHODS:
            t = table[table["method"] == name]
            summary[f"{name}_total_error"] = float(t["total_error"].mean())
            summary[f"{name}_abs_total_error"] = float(t["total_error"].abs().mean())
            summary[f"{name}_mae"] = float(t["mae"].mean())
    return ValueBacktest(
        table=table, deciles=deciles, clients=clients, summary=summary, notes=notes, params=params
    )


def _metrics(pred: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    sp, sa = float(pred.sum()), float(actual.sum())
    return {
        "n_clients": len(pred),
        "predicted": sp,
        "actual": sa,
        "total_error": (sp / sa - 1.0) if sa != 0 else np.nan,
        "mae": float(np.abs(pred - actual).mean()) if len(pred) else np.nan,
    }


def _deciles(pred: np.ndarray, actual: np.ndarray, k: int = 10) -> list[dict[str, Any]]:
    n = len(pred)
    if n == 0:
        return []
    order = np.argsort(pred, kind="stable")
    dec = np.empty(n, dtype=np.int64)
    dec[order] = np.arange(n) * k // n + 1
    out = []
    for d in range(1, k + 1):
        sel = dec == d
        if sel.any():
            out.append({DECILE: d, **_metrics(pred[sel], actual[sel])})
    return out
