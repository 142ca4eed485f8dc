"""RFM scores and segments, and the client BCG matrix."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...errors import check_param
from ...io import schema as S
from .base import (
    _RFM_GRID_CODES,
    BCG_CLASSES,
    RFM_SEGMENTS,
    SCORE_FREQUENCY,
    SCORE_MONETARY,
    SegmentResult,
    _categorical,
    _check_ids,
    _leads,
    _num,
    _require,
    _summary,
)

# --- RFM ----------------------------------------------------------------------------------------
_RFM_KEYS = ("recency", "frequency", "monetary")


def _quantile_scores(x: np.ndarray, bins: int) -> np.ndarray:
    """Scores 1..bins from mid-rank percentiles; higher x → higher score; NaN → 1.

    score = ceil(bins × (rank − ½) / n) with the average rank of ties, so tied clients share a
    score, one client or an all-equal base gets the middle score ceil(bins / 2), and distinct
    values fill the scores evenly.
    """
    out = np.ones(len(x), dtype=np.int64)
    ok = ~np.isnan(x)
    n = int(ok.sum())
    if n == 0:
        return out
    rank = pd.Series(x[ok]).rank(method="average").to_numpy()
    # (2·rank − 1)·bins and 2n are exact integers in float64, so ceil is exact at the edges
    out[ok] = np.ceil((2.0 * rank - 1.0) * bins / (2.0 * n)).astype(np.int64)
    return np.clip(out, 1, bins)


def _threshold_scores(x: np.ndarray, edges: np.ndarray, lower_is_better: bool) -> np.ndarray:
    bins = len(edges) + 1
    if lower_is_better:  # recency: <= t1 → bins, (t1, t2] → bins − 1, …, > t_last → 1
        scores = bins - np.searchsorted(edges, x, side="left")
        return np.where(np.isnan(x), 1, scores)
    scores = 1 + np.searchsorted(edges, x, side="right")  # < t1 → 1, [t1, t2) → 2 …
    return np.where(np.isnan(x), 1, scores)


def _check_thresholds(thresholds: Mapping | None, bins: int) -> dict[str, np.ndarray]:
    if thresholds is None:
        return {}
    check_param(
        isinstance(thresholds, Mapping),
        "thresholds",
        "None or a mapping such as {'recency': [30, 90, 180, 365]}",
        thresholds,
    )
    out: dict[str, np.ndarray] = {}
    for key, edges in thresholds.items():
        check_param(
            key in _RFM_KEYS,
            "thresholds",
            "a mapping with keys 'recency', 'frequency', 'monetary'",
            dict(thresholds),
        )
        if edges is None:
            continue
        arr = None
        if isinstance(edges, Sequence | np.ndarray) and not isinstance(edges, str):
            try:
                arr = np.asarray(edges, dtype=float)
            except (TypeError, ValueError):
                arr = None
        ok = (
            arr is not None
            and arr.ndim == 1
            and len(arr) == bins - 1
            and bool(np.isfinite(arr).all())
            and bool((np.diff(arr) > 0).all())
        )
        check_param(
            ok,
            f"thresholds['{key}']",
            f"{bins - 1} increasing numbers (one less than bins={bins})",
            edges,
        )
        assert arr is not None
        out[key] = arr
    return out


def _rescale_to_5(scores: np.ndarray, bins: int) -> np.ndarray:
    """Map scores 1..bins onto 1..5 by bin centres: ceil(5·(2s − 1) / (2·bins))."""
    return np.ceil((2 * scores - 1) * 5 / (2 * bins)).astype(np.int64)


def _rfm_core(snapshot: pd.DataFrame, bins: int, edges: dict[str, np.ndarray]) -> SegmentResult:
    recency = _num(snapshot, S.RECENCY_DAYS)
    freq = np.nan_to_num(_num(snapshot, SCORE_FREQUENCY), nan=0.0)
    money = np.nan_to_num(_num(snapshot, SCORE_MONETARY), nan=0.0)
    scored = ~_leads(snapshot)
    n = len(snapshot)
    scores = {}
    for key, x, lower_better in (
        ("recency", recency, True),
        ("frequency", freq, False),
        ("monetary", money, False),
    ):
        xs = x[scored]
        if key in edges:
            s = _threshold_scores(xs, edges[key], lower_better)
        elif lower_better:
            s = _quantile_scores(-xs, bins)
        else:
            # F and M: no order (no revenue) in the window scores 1; the quantiles are taken
            # among the buyers, so that a one-order newcomer is not ranked against the silent
            s = np.ones(len(xs), dtype=np.int64)
            buyers = xs > 0
            s[buyers] = _quantile_scores(xs[buyers], bins)
        full = np.zeros(n, dtype=np.int64)
        full[scored] = s
        scores[key] = full
    r, f, m = scores["recency"], scores["frequency"], scores["monetary"]
    r5, f5, m5 = (_rescale_to_5(np.maximum(s, 1), bins) for s in (r, f, m))
    fm = (f5 + m5 + 1) // 2
    seg = np.where(scored, _RFM_GRID_CODES[r5 - 1, fm - 1], len(RFM_SEGMENTS) - 1)
    width = 1 if bins <= 9 else None
    combos = [
        f"{a}{b}{c}" if width else f"{a}-{b}-{c}"
        for a in range(1, bins + 1)
        for b in range(1, bins + 1)
        for c in range(1, bins + 1)
    ]
    rfm_code = np.where(scored, (r - 1) * bins * bins + (f - 1) * bins + (m - 1), -1)

    def nullable(s: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(np.where(scored, s, 0).astype(np.int8), ~scored)

    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.RECENCY_DAYS: recency,
            SCORE_FREQUENCY: freq,
            SCORE_MONETARY: money,
            S.R_SCORE: nullable(r),
            S.F_SCORE: nullable(f),
            S.M_SCORE: nullable(m),
            S.RFM: pd.Categorical.from_codes(rfm_code, categories=combos),
            S.RFM_SEGMENT: _categorical(seg, RFM_SEGMENTS),
        }
    )
    summary = _summary(
        S.RFM_SEGMENT,
        seg.astype(np.int64),
        RFM_SEGMENTS,
        {S.REVENUE: money},
        {S.REVENUE_SHARE: S.REVENUE},
    )
    return SegmentResult(
        "rfm",
        clients,
        summary,
        (),
        {"bins": bins, "thresholds": {k: tuple(v) for k, v in edges.items()}},
    )


def rfm(
    snapshot: pd.DataFrame,
    *,
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float] | None] | None = None,
) -> SegmentResult:
    """RFM scores (1 = worst, ``bins`` = best) and the named RFM segments.

    R from ``recency_days`` (fewer days = higher score), F from ``orders_window`` and M from
    ``revenue_window`` — F and M cover the same look-back window, so a client silent for longer
    than the window gets the lowest F and M of the base whatever its history (the lifecycle and
    the reactivation list look at the history).

    Quantile scores (the default) use mid-rank percentiles: ``score = ceil(bins × (rank − ½) /
    n)`` with the average rank of tied values. Tied clients share a score (so score groups can be
    uneven when many clients have, say, one order); a single client, or a base where everyone is
    equal, gets the middle score ``ceil(bins / 2)`` (3 of 5); ten distinct values get 1,1,2,2,…,5,5.
    F and M quantiles are taken among the clients with orders (revenue) in the window; clients
    with none score 1 — otherwise the silent clients fill the lowest scores and a newcomer with
    one order could never score F = 1, so the ``new`` segment would stay empty.
    Fixed thresholds replace the quantiles per dimension: ``bins − 1`` increasing numbers; for
    frequency and monetary a value ``v`` scores 1 + the number of thresholds ``<= v``; for recency
    a client scores ``bins`` when ``recency_days <= t1``, ``bins − 1`` when ``<= t2`` …, 1 above the
    last. A missing recency scores 1; missing orders or revenue count as 0.

    Segments (on the 1–5 scale; other ``bins`` are rescaled by bin centres,
    ``ceil(5 (2s − 1) / (2 bins))``) use R and FM = ceil((F + M) / 2)::

        R \\ FM  1               2                   3                   4          5
        5        new             potential_loyalist  potential_loyalist  champions  champions
        4        promising       potential_loyalist  potential_loyalist  loyal      loyal
        3        about_to_sleep  about_to_sleep      need_attention      loyal      loyal
        2        hibernating     hibernating         at_risk             at_risk    cant_lose
        1        lost            lost                at_risk             at_risk    cant_lose

    Leads are not scored: scores NA, ``rfm`` NaN and segment ``none``.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id, recency_days, orders_window, revenue_window`` and ``is_lead``
        (optional).
    bins : int, default 5
        Number of scores, from 2 to 10.
    thresholds : mapping or None, default None
        ``{"recency": [...], "frequency": [...], "monetary": [...]}``, each ``bins − 1``
        increasing numbers or None; dimensions not given use quantiles.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, recency_days, orders_window, revenue_window, r_score, f_score,
        m_score`` (Int8, NA for leads), ``rfm`` (code such as ``"545"``; ``"10-4-5"`` style when
        bins = 10), ``rfm_segment``. ``summary``: ``rfm_segment, n_clients, client_share,
        revenue, revenue_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": list("abcde"),
    ...                      "recency_days": [5, 20, 40, 200, 400],
    ...                      "orders_window": [12, 6, 4, 2, 1],
    ...                      "revenue_window": [900.0, 500.0, 300.0, 100.0, 50.0]})
    >>> res = rfm(snap)
    >>> res.clients["rfm"].tolist()
    ['555', '444', '333', '222', '111']
    >>> res.clients["rfm_segment"].tolist()
    ['champions', 'loyal', 'need_attention', 'hibernating', 'lost']
    """
    what = "rfm()"
    check_param(
        isinstance(bins, (int, np.integer)) and not isinstance(bins, bool) and 2 <= bins <= 10,
        "bins",
        "an integer from 2 to 10",
        bins,
    )
    edges = _check_thresholds(thresholds, int(bins))
    _require(snapshot, [S.RECENCY_DAYS, SCORE_FREQUENCY, SCORE_MONETARY], what)
    _check_ids(snapshot, what)
    return _rfm_core(snapshot, int(bins), edges)


# --- BCG ----------------------------------------------------------------------------------------
def _bcg_core(snapshot: pd.DataFrame, growth_threshold: float) -> SegmentResult:
    revenue = np.nan_to_num(_num(snapshot, S.REVENUE_WINDOW), nan=0.0)
    prev = np.nan_to_num(_num(snapshot, S.REVENUE_PREV_WINDOW), nan=0.0)
    leads = _leads(snapshot)
    positive = (revenue > 0) & ~leads
    rel = np.full(len(revenue), np.nan)
    growth = np.full(len(revenue), np.nan)
    notes: list[tuple[str, dict]] = []
    if positive.any():
        median = float(np.median(revenue[positive]))
        rel[positive] = np.log10(revenue[positive] / median)
    else:
        notes.append(("bcg_nothing_positive", {}))
    has_prev = prev > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        growth[has_prev] = revenue[has_prev] / prev[has_prev] - 1.0
    growing = np.where(has_prev, growth > growth_threshold, revenue > 0)
    high = positive & (rel >= 0)
    codes = np.where(high, np.where(growing, 0, 1), np.where(growing & positive, 2, 3))
    codes = np.where(leads, 4, codes).astype(np.int8)
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.REVENUE_WINDOW: revenue,
            S.REVENUE_PREV_WINDOW: prev,
            S.RELATIVE_SHARE: rel,
            S.GROWTH: growth,
            S.BCG: _categorical(codes, BCG_CLASSES),
        }
    )
    summary = _summary(
        S.BCG,
        codes,
        BCG_CLASSES,
        {S.REVENUE: revenue, S.REVENUE_PREV_WINDOW: prev},
        {S.REVENUE_SHARE: S.REVENUE},
    )
    new_growing = int((positive & ~has_prev).sum())
    if new_growing:
        notes.append(("bcg_new_count_as_growing", {"n": new_growing}))
    return SegmentResult(
        "bcg", clients, summary, tuple(notes), {"growth_threshold": growth_threshold}
    )


def bcg(snapshot: pd.DataFrame, *, growth_threshold: float = 0.0) -> SegmentResult:
    """The client BCG matrix: relative revenue share against revenue growth.

    x = ``log10(revenue_window / median)``, the median taken over clients with a positive revenue
    in the window; a client at or above the median (x >= 0) has a high share. y = growth =
    ``revenue_window / revenue_prev_window − 1``; a client is growing when growth >
    ``growth_threshold``. Clients with revenue now but none (<= 0) in the previous window — new
    or returning clients — have undefined growth (NaN) and count as growing. Classes: ``star``
    (high share, growing), ``cash_cow`` (high, not growing), ``question_mark`` (low, growing),
    ``dog`` (low, not growing). Clients with no positive revenue in the window are dogs; leads are
    ``none``.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id, revenue_window, revenue_prev_window`` and ``is_lead`` (optional).
    growth_threshold : float, default 0.0
        Growth that separates growing from not growing (0.1 = +10 %).

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, revenue_window, revenue_prev_window`` (NaN → 0),
        ``relative_share`` (NaN when revenue <= 0), ``growth`` (NaN when the previous revenue <=
        0), ``bcg``. ``summary``: ``bcg, n_clients, client_share, revenue,
        revenue_prev_window, revenue_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": list("abcd"),
    ...                      "revenue_window": [400.0, 300.0, 20.0, 10.0],
    ...                      "revenue_prev_window": [200.0, 600.0, 10.0, 40.0]})
    >>> bcg(snap).clients["bcg"].tolist()
    ['star', 'cash_cow', 'question_mark', 'dog']
    """
    what = "bcg()"
    check_param(
        isinstance(growth_threshold, (int, float, np.floating))
        and not isinstance(growth_threshold, bool)
        and math.isfinite(growth_threshold),
        "growth_threshold",
        "a finite number such as 0.0 or 0.1",
        growth_threshold,
    )
    _require(snapshot, [S.REVENUE_WINDOW, S.REVENUE_PREV_WINDOW], what)
    _check_ids(snapshot, what)
    return _bcg_core(snapshot, float(growth_threshold))
