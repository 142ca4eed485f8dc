"""The base trend: whether the base grows, stagnates or erodes over the last periods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io.schema import (
    BASE_END,
    CHURN_RATE,
    CHURN_RATE_ANNUAL,
    CLIENT_ID,
    PERIOD,
)


def _no_clients() -> pd.DataFrame:
    """The per-client table of a result that rests on no client: no rows, a ``client_id``."""
    return pd.DataFrame({CLIENT_ID: pd.Series([], dtype="str")})


# --- base trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseTrend:
    """Whether the base grows, stagnates or erodes over the last periods.

    Attributes
    ----------
    label : {"growing", "stagnating", "eroding", "unknown"}
        ``unknown`` with fewer than 3 periods.
    periods : int
        Number of periods used.
    base_first, base_last : int
        Base at the end of the first and the last period used.
    mean_base : float
    slope : float
        Least-squares slope of the base size per period.
    relative_change : float
        slope × (periods − 1) / mean_base: the fitted change over the window, as a share.
    churn_rate_mean : float
        Mean churn rate per period over the window.
    churn_rate_slope : float
        Least-squares slope of the churn rate per period (> 0: churn is rising).
    churn_rate_annual : float
        The last ``churn_rate_annual`` (NaN without a year of history).
    tolerance : float
    freq : str
    notes : tuple of (code, params)
        None so far.
    params : dict
        The settings: ``periods`` (asked for) and ``tolerance``.
    summary : DataFrame
        The figures above (``label`` … ``freq``) as one row.
    clients : DataFrame
        Empty, with a ``client_id`` column: the trend rests on the flows, a table of periods,
        not on a per-client table.
    """

    label: str
    periods: int
    base_first: int
    base_last: int
    mean_base: float
    slope: float
    relative_change: float
    churn_rate_mean: float
    churn_rate_slope: float
    churn_rate_annual: float
    tolerance: float
    freq: str = "M"
    notes: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def clients(self) -> pd.DataFrame:
        """No rows, a ``client_id`` column (the trend rests on no per-client table)."""
        return _no_clients()

    @property
    def summary(self) -> pd.DataFrame:
        """The figures (``label`` … ``freq``) as a one-row frame."""
        figures = [f.name for f in fields(self) if f.name not in ("notes", "params")]
        return pd.DataFrame([{name: getattr(self, name) for name in figures}])

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`: empty)."""
        return self.clients.copy()


def _slope(y: np.ndarray) -> float:
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return float("nan")
    x = np.arange(len(y), dtype="float64")[ok]
    return float(np.polyfit(x, y[ok], 1)[0])


def _label(n: int, relative_change: float, tolerance: float) -> str:
    """The trend's label from the fitted change over ``n`` periods (see :func:`base_trend`)."""
    if n < 3 or not np.isfinite(relative_change):
        return "unknown"
    if relative_change > tolerance:
        return "growing"
    if relative_change < -tolerance:
        return "eroding"
    return "stagnating"


def base_trend(flows: pd.DataFrame, *, periods: int = 12, tolerance: float = 0.05) -> BaseTrend:
    """Classify the base over the last ``periods`` rows of :func:`flows`.

    Rule: fit a straight line to ``base_end`` over the last ``periods`` periods; the fitted change
    over the window relative to the mean base, slope × (n − 1) / mean, above ``+tolerance`` is
    **growing**, below ``−tolerance`` **eroding**, otherwise **stagnating**; fewer than 3 periods
    give **unknown**.

    Parameters
    ----------
    flows : DataFrame
        From :func:`flows`.
    periods : int, default 12
    tolerance : float, default 0.05

    Returns
    -------
    BaseTrend

    Examples
    --------
    >>> f = pd.DataFrame({"base_end": [100, 104, 108, 112], "churn_rate": [0.02] * 4,
    ...                   "churn_rate_annual": [float("nan")] * 4})
    >>> t = base_trend(f)
    >>> t.label, round(t.relative_change, 3)
    ('growing', 0.113)
    """
    check_param(
        isinstance(periods, (int, np.integer)) and periods >= 2,
        "periods",
        "an integer >= 2",
        periods,
    )
    check_param(
        isinstance(tolerance, (int, float)) and tolerance >= 0,
        "tolerance",
        "a number >= 0",
        tolerance,
    )
    if not isinstance(flows, pd.DataFrame) or not {BASE_END, CHURN_RATE} <= set(flows.columns):
        raise InputError(
            "`flows` must be the DataFrame returned by reportkit.analysis.dynamics.flows()."
        )
    tail = flows.tail(periods)
    base = tail[BASE_END].to_numpy("float64")
    churn = tail[CHURN_RATE].to_numpy("float64")
    n = len(base)
    mean = float(base.mean()) if n else float("nan")
    slope = _slope(base) if n >= 2 else float("nan")
    rel = slope * (n - 1) / mean if n >= 2 and mean > 0 else float("nan")
    annual = (
        float(tail[CHURN_RATE_ANNUAL].iloc[-1])
        if CHURN_RATE_ANNUAL in tail.columns and n
        else float("nan")
    )
    freq = "M"
    if PERIOD in tail.columns and n and "Q" in str(tail[PERIOD].iloc[-1]):
        freq = "Q"
    return BaseTrend(
        label=_label(n, rel, tolerance),
        periods=n,
        base_first=int(base[0]) if n else 0,
        base_last=int(base[-1]) if n else 0,
        mean_base=mean,
        slope=slope,
        relative_change=rel,
        churn_rate_mean=float(np.nanmean(churn)) if np.isfinite(churn).any() else float("nan"),
        churn_rate_slope=_slope(churn),
        churn_rate_annual=annual,
        tolerance=float(tolerance),
        freq=freq,
        params={"periods": int(periods), "tolerance": float(tolerance)},
    )
