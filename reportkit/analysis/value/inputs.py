"""The expected revenue's inputs: parameter checks, the snapshot's columns, segments, age bands."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import check_param
from ...io.schema import (
    CLIENT_ID,
    FREQUENCY,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    TENURE_DAYS,
)
from ..btyd import snapshot_summary
from .results import _NO_SEGMENT, _REQUIRED, SEGMENT

# --- parameters -------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (
        isinstance(v, (int, float, np.integer, np.floating))
        and not isinstance(v, bool)
        and math.isfinite(float(v))
    )


#: the estimate's parameters and their defaults (the backtest passes them through)
MODEL_DEFAULTS: dict[str, Any] = {
    "age_bands_days": (30, 91, 182, 365),
    "value_shrinkage": None,
    "rate_credibility": 20.0,
    "min_cohort": 10,
    "n_tiers": 5,
    "order_values": "window",
    "penalizer": 0.0,
}


def _check_params(horizon_days: Any, window_months: Any, model: Mapping[str, Any]) -> dict:
    """Check the estimate's parameters; return them as :func:`expected_revenue` records them
    (``model``: the keywords of :data:`MODEL_DEFAULTS`)."""
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
    bands, k, c = model["age_bands_days"], model["value_shrinkage"], model["rate_credibility"]
    ok = (
        isinstance(bands, (list, tuple))
        and all(_is_int(b) and b >= 1 for b in bands)
        and all(a < b for a, b in itertools.pairwise(bands))
    )
    check_param(
        ok,
        "age_bands_days",
        "increasing positive integers (days), e.g. (30, 91, 182, 365)",
        bands,
    )
    check_param(k is None or (_is_num(k) and k >= 0), "value_shrinkage", "None or a number >= 0", k)
    check_param(_is_num(c) and c >= 0, "rate_credibility", "a number >= 0", c)
    min_cohort, n_tiers = model["min_cohort"], model["n_tiers"]
    check_param(
        _is_int(min_cohort) and min_cohort >= 1, "min_cohort", "a positive integer", min_cohort
    )
    check_param(
        _is_int(n_tiers) and 1 <= n_tiers <= 20, "n_tiers", "an integer from 1 to 20", n_tiers
    )
    order_values, pen = model["order_values"], model["penalizer"]
    check_param(
        order_values in ("window", "all"), "order_values", "'window' or 'all'", order_values
    )
    check_param(_is_num(pen) and pen >= 0, "penalizer", "a number >= 0", pen)
    return {
        "horizon_days": int(horizon_days),
        "window_months": int(window_months),
        "age_bands_days": tuple(int(b) for b in bands),
        "value_shrinkage": None if k is None else float(k),
        "rate_credibility": float(c),
        "min_cohort": int(min_cohort),
        "n_tiers": int(n_tiers),
        "order_values": order_values,
        "penalizer": float(pen),
    }


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


@dataclass
class _Base:
    """The snapshot's columns as clean float arrays (non-finite -> 0 for sums, NaN for times),
    and the models' summary of it (:func:`reportkit.analysis.btyd.snapshot_summary`)."""

    orders: np.ndarray
    orders_w: np.ndarray
    revenue: np.ndarray
    revenue_w: np.ndarray
    tenure: np.ndarray
    summary: pd.DataFrame
    dated: np.ndarray  # a purchase with usable first and last order dates
    repeat_days: np.ndarray  # orders on at least two days (a BG/NBD frequency > 0)

    @classmethod
    def of(cls, snapshot: pd.DataFrame, order_values: str) -> _Base:
        def clean(col: str) -> np.ndarray:
            v = _num(snapshot, col)
            return np.where(np.isfinite(v), v, 0.0)

        orders = clean(ORDERS_TOTAL)
        # without orders_window every order counts as inside the window: no cohort, and the
        # repeat-order mean is the mean order value
        orders_w = clean(ORDERS_WINDOW) if ORDERS_WINDOW in snapshot.columns else orders
        summary = snapshot_summary(snapshot, order_values=order_values)
        frequency = summary[FREQUENCY].to_numpy(dtype=float)
        return cls(
            orders=orders,
            orders_w=orders_w,
            revenue=clean(REVENUE_TOTAL),
            revenue_w=clean(REVENUE_WINDOW),
            tenure=_num(snapshot, TENURE_DAYS),
            summary=summary,
            dated=np.isfinite(frequency),
            repeat_days=np.nan_to_num(frequency, nan=0.0) > 0,
        )
