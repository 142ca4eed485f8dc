"""The backtest: the forecast and the naive baselines at past cut-offs against what happened."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .grid import Grid
from .levels import ALL
from .model import baselines_at, forecast_at

#: the naive baselines, in the order the report lists them
BASELINES = ("same_month_ly", "mean_3m", "ly_trend")
METHODS = ("forecast", *BASELINES)


def backtest_records(
    grid: Grid,
    t: int,
    names: np.ndarray,
    *,
    cutoffs: int,
    horizons: int,
    history: int,
    min_history: int,
    coverage: float,
) -> pd.DataFrame:
    """One row per (past cut-off, horizon, level) whose month is observed by month ``t``.

    Columns: ``cutoff`` (month index), ``horizon``, ``level``, ``forecast``, ``low``, ``high``,
    ``actual`` and one column per baseline.
    """
    parts = []
    n_lev = len(names)
    for j in range(1, cutoffs + 1):
        tb = t - j
        hz = min(horizons, j)
        if tb < 0:
            break
        fc = forecast_at(grid, tb, hz, history=history, min_history=min_history, coverage=coverage)
        bl = baselines_at(grid, tb, hz)
        cols = {
            "cutoff": np.repeat(np.full(hz, tb), n_lev),
            "horizon": np.repeat(np.arange(1, hz + 1), n_lev),
            "level": np.tile(names, hz),
            "forecast": fc.expected.ravel(),
            "low": fc.low.ravel(),
            "high": fc.high.ravel(),
            "actual": grid.total[tb + 1 : tb + hz + 1].ravel(),
        }
        cols.update({b: bl[b].ravel() for b in BASELINES})
        parts.append(pd.DataFrame(cols))
    if not parts:
        return pd.DataFrame(
            columns=["cutoff", "horizon", "level", "forecast", "low", "high", "actual", *BASELINES]
        )
    return pd.concat(parts, ignore_index=True)


def _wape(pred: pd.Series, actual: pd.Series) -> float:
    den = float(actual.abs().sum())
    return float((pred - actual).abs().sum() / den) if den > 0 else np.nan


def _errors(rec: pd.DataFrame) -> dict[str, float]:
    """WAPE of each method over the records where the forecast and every baseline exist (the
    baselines missing everywhere are left out of that common set)."""
    present = [b for b in BASELINES if rec[b].notna().any()]
    ok = rec["forecast"].notna() & rec[present].notna().all(axis=1)
    r = rec[ok]
    out = {m: _wape(r[m], r["actual"]) if m in ("forecast", *present) else np.nan for m in METHODS}
    out["n"] = float(len(r))
    return out


def backtest_table(rec: pd.DataFrame, names: np.ndarray, with_total: bool) -> pd.DataFrame:
    """Per level (and the sum of the levels when ``with_total``): the error of each method per
    month and per quarter (the first three months after a cut-off, summed), the interval's
    coverage, and which figure the report shows (``shown``: the forecast only where its monthly
    error beats the best baseline's)."""
    value_cols = ["forecast", "actual", *BASELINES]
    frames = [rec]
    if with_total:
        tot = rec.groupby(["cutoff", "horizon"], sort=True)[value_cols].sum(min_count=1)
        tot = tot.reset_index().assign(level=ALL, low=np.nan, high=np.nan)
        frames.append(tot)
    allrec = pd.concat(frames, ignore_index=True)
    rows = []
    for level, r in allrec.groupby("level", sort=False):
        month = _errors(r)
        q = r[r["horizon"] <= 3]
        full = q.groupby("cutoff")["horizon"].transform("size") == 3
        qsum = q[full].groupby("cutoff")[value_cols].sum(min_count=3)
        quarter = _errors(qsum) if len(qsum) else dict.fromkeys((*METHODS, "n"), np.nan)
        inside = r["low"].notna() & r["actual"].notna()
        cover = (
            float(((r["actual"] >= r["low"]) & (r["actual"] <= r["high"]))[inside].mean())
            if inside.any()
            else np.nan
        )
        row = {
            "level": level,
            "cutoffs": r["cutoff"].nunique(),
            "points": month["n"],
            "quarters": quarter["n"],
            "coverage": cover,
        }
        row.update({f"error_{m}": month[m] for m in METHODS})
        row.update({f"quarter_error_{m}": quarter[m] for m in METHODS})
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    base_err = table[[f"error_{b}" for b in BASELINES]]
    best = base_err.fillna(np.inf).idxmin(axis=1).str.removeprefix("error_")
    table["best_baseline"] = best
    beat = table["error_forecast"] < base_err.min(axis=1)
    no_base = base_err.isna().all(axis=1)
    table["shown"] = np.where(beat | no_base, "forecast", best)
    return table
