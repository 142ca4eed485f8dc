"""Cohorts: the retention triangle, and whether newer cohorts hold worse than older ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import InputError, check_param
from ...io.config import LifecycleRules
from ...io.schema import (
    ACTIVE_CLIENTS,
    AGE,
    COHORT,
    COHORT_SIZE,
    RETENTION,
    REVENUE,
    REVENUE_PER_CLIENT,
)
from .history import (
    _birth_rel,
    _client_periods,
    _freq,
    _History,
    _history,
    _period_index,
    _period_labels,
)

# --- cohorts --------------------------------------------------------------------------------------


def cohorts(panel, *, as_of, freq: str = "M", start=None) -> pd.DataFrame:
    """The retention triangle: clients grouped by the period of their first order.

    Parameters
    ----------
    panel : Panel or DataFrame
        As in :func:`flows`.
    as_of : date-like
        Last day of a month; only periods complete by then are used.
    freq : {"M", "Q"}, default "M"
    start : str or date-like, optional
        First cohort to show; default the first period of the panel.

    Returns
    -------
    DataFrame
        One row per cohort and age (every age observed by ``as_of``, zeros included):
        ``cohort`` (period label of the first order), ``age`` (periods since the first order,
        0 = the first period), ``cohort_size`` (clients whose first order was in the cohort
        period), ``active_clients`` (of them, clients with an order in that period),
        ``retention`` (active_clients / cohort_size; 1.0 at age 0), ``revenue`` (the cohort's
        revenue in that period), ``revenue_per_client`` (revenue / cohort_size).

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "c"],
    ...     "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01"]),
    ...     "revenue": [10.0, 5.0, 20.0, 8.0], "orders": [1, 1, 1, 1],
    ...     "first_order_day": pd.to_datetime(["2024-01-03", "2024-02-03", "2024-01-09",
    ...                                         "2024-02-11"]),
    ...     "last_order_day": pd.to_datetime(["2024-01-03", "2024-02-03", "2024-01-09",
    ...                                        "2024-02-11"])})
    >>> c = cohorts(panel, as_of="2024-02-29")
    >>> c[["cohort", "age", "cohort_size", "active_clients", "retention", "revenue"]]
        cohort  age  cohort_size  active_clients  retention  revenue
    0  2024-01    0            2               2        1.0     30.0
    1  2024-01    1            2               1        0.5      5.0
    2  2024-02    0            1               1        1.0      8.0
    """
    freq = _freq(freq)
    h = _history(panel, as_of=parse_as_of(as_of, month_end=True), freq=freq, rules=LifecycleRules())
    return _cohorts(h, start)


def _cohorts(h: _History, start) -> pd.DataFrame:
    n = h.n_periods
    code, rel, rev, orders = _client_periods(h)
    birth = _birth_rel(h)
    size = np.bincount(birth[birth >= 0], minlength=n)[:n]
    c = birth[code]
    age = rel - c
    ok = (c >= 0) & (age >= 0) & (rel < n)
    cell = c[ok] * n + age[ok]
    active = np.bincount(cell[orders[ok] > 0], minlength=n * n)
    revenue = np.bincount(cell, weights=rev[ok], minlength=n * n)
    first, _ = _period_index(h, start)
    cohort_idx, age_idx = [], []
    for k in range(first, n):
        ages = np.arange(0, n - k)
        cohort_idx.append(np.full(len(ages), k))
        age_idx.append(ages)
    ci = np.concatenate(cohort_idx) if cohort_idx else np.array([], dtype=np.int64)
    ai = np.concatenate(age_idx) if age_idx else np.array([], dtype=np.int64)
    cells = ci * n + ai
    sizes = size[ci]
    labels = np.asarray(_period_labels(np.arange(h.p0, h.p0 + n), h.freq), dtype=object)
    out = pd.DataFrame(
        {
            COHORT: labels[ci] if len(ci) else np.array([], dtype=object),
            AGE: ai.astype(np.int64),
            COHORT_SIZE: sizes.astype(np.int64),
            ACTIVE_CLIENTS: active[cells].astype(np.int64),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out[RETENTION] = np.where(sizes > 0, out[ACTIVE_CLIENTS] / np.maximum(sizes, 1), np.nan)
        out[REVENUE] = revenue[cells].astype("float64")
        out[REVENUE_PER_CLIENT] = np.where(sizes > 0, out[REVENUE] / np.maximum(sizes, 1), np.nan)
    return out


def cohort_triangle(cohorts: pd.DataFrame, value: str = RETENTION) -> pd.DataFrame:
    """The cohorts frame as a triangle: one row per cohort, one column per age.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`cohorts`.
    value : str, default "retention"
        Any numeric column of it (``active_clients``, ``revenue``, ``revenue_per_client`` …).

    Returns
    -------
    DataFrame
        Index ``cohort``, columns ``age``; ages not yet observed are NaN. Empty cohorts (no new
        clients that period) are dropped.
    """
    if not isinstance(cohorts, pd.DataFrame) or not {COHORT, AGE} <= set(cohorts.columns):
        raise InputError(
            "`cohorts` must be the DataFrame returned by reportkit.analysis.dynamics.cohorts()."
        )
    check_param(
        value in cohorts.columns and value not in (COHORT, AGE),
        "value",
        f"one of {', '.join(c for c in cohorts.columns if c not in (COHORT, AGE))}",
        value,
    )
    kept = cohorts[cohorts[COHORT_SIZE] > 0]
    return kept.pivot(index=COHORT, columns=AGE, values=value)


def cohort_trend(
    cohorts: pd.DataFrame,
    *,
    ages: tuple[int, ...] = (1, 3, 6, 12),
    recent: int = 6,
    tolerance: float = 0.02,
) -> pd.DataFrame:
    """Do newer cohorts hold worse than older ones?

    For each age, pooled retention (active clients / cohort size) of the ``recent`` newest
    cohorts that have reached that age is compared with the pooled retention of all older
    cohorts. A difference below ``−tolerance`` is "worse", above ``+tolerance`` "better",
    otherwise "similar"; "n/a" when either group is empty.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`cohorts`.
    ages : tuple of int, default (1, 3, 6, 12)
    recent : int, default 6
    tolerance : float, default 0.02

    Returns
    -------
    DataFrame
        ``age``, ``recent_cohorts`` ("2024-01…2024-06"), ``recent_retention``,
        ``older_retention``, ``difference`` (recent − older), ``verdict``.
    """
    if not isinstance(cohorts, pd.DataFrame) or not {
        COHORT,
        AGE,
        ACTIVE_CLIENTS,
        COHORT_SIZE,
    } <= set(cohorts.columns):
        raise InputError(
            "`cohorts` must be the DataFrame returned by reportkit.analysis.dynamics.cohorts()."
        )
    check_param(
        isinstance(recent, (int, np.integer)) and recent >= 1, "recent", "an integer >= 1", recent
    )
    rows = []
    for age in ages:
        at = cohorts[(cohorts[AGE] == age) & (cohorts[COHORT_SIZE] > 0)].sort_values(COHORT)
        new, old = at.tail(recent), at.iloc[: max(len(at) - recent, 0)]

        def pooled(part: pd.DataFrame) -> float:
            size = part[COHORT_SIZE].sum()
            return float(part[ACTIVE_CLIENTS].sum() / size) if size else float("nan")

        r_new, r_old = pooled(new), pooled(old)
        diff = r_new - r_old
        if not np.isfinite(diff):
            verdict = "n/a"
        elif diff < -tolerance:
            verdict = "worse"
        elif diff > tolerance:
            verdict = "better"
        else:
            verdict = "similar"
        span = f"{new[COHORT].iloc[0]}…{new[COHORT].iloc[-1]}" if len(new) else ""
        rows.append(
            {
                AGE: age,
                "recent_cohorts": span,
                "recent_retention": r_new,
                "older_retention": r_old,
                "difference": diff,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)
