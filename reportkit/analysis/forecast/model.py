"""The forecast at one cut-off, read from the :class:`~.grid.Grid` (see the package docstring).

For a horizon h the rates are learnt at the past cut-offs T - h - k (k = 0 … ``history`` - 1)
whose month T - k is observed: what the clients active at such a cut-off brought h months later
per unit of their trailing revenue, what its lapsed clients brought per lapsed client, and what
clients not yet seen brought -- each divided by the seasonal index of its month. Applied to the
base at T, each past cut-off gives one scenario; the expected value is their mean and the
interval spreads the scenarios' dispersion as a Student-t prediction interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .grid import NEW, REACTIVATED, RETAINED, Grid


@dataclass(frozen=True)
class CutoffForecast:
    """The forecast at one cut-off: arrays of shape (horizons, levels).

    ``retained``, ``reactivated``, ``new`` and ``expected`` (their sum) are expected revenue;
    ``sd`` the prediction standard deviation, ``dof`` its degrees of freedom (per horizon),
    ``low`` / ``high`` the interval; ``ret_rate`` and ``rea_rate`` the deseasonalised rates,
    ``season`` the seasonal index of each target month. A horizon without enough history is NaN.
    """

    cutoff: int
    retained: np.ndarray
    reactivated: np.ndarray
    new: np.ndarray
    expected: np.ndarray
    sd: np.ndarray
    dof: np.ndarray
    low: np.ndarray
    high: np.ndarray
    ret_rate: np.ndarray
    rea_rate: np.ndarray
    season: np.ndarray


def seasonal_index(grid: Grid, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal index of the 12 calendar months, from the (up to) 24 months up to ``t``, and
    its relative standard error.

    Each calendar month's mean revenue over the mean of all those months; its standard error
    is that of the mean of the month's yearly ratios (0 for a month seen once). 1 and 0
    everywhere with less than 12 months of history or no positive revenue.
    """
    lo = max(0, t - 23)
    flat = (np.ones(12), np.zeros(12))
    if t - lo + 1 < 12:
        return flat
    months = np.arange(lo, t + 1)
    rev = grid.total[lo : t + 1].sum(axis=1)
    cal = grid.calendar(months)
    n = np.bincount(cal, minlength=12)
    mean = rev.mean()
    per = np.bincount(cal, weights=rev, minlength=12) / n
    if mean <= 0 or not np.all(per > 0):
        return flat
    ratio = rev / mean
    sq = np.bincount(cal, weights=(ratio - (per / mean)[cal]) ** 2, minlength=12)
    var = np.divide(sq, (n - 1) * n, out=np.zeros(12), where=n > 1)
    return per / mean, np.sqrt(var) / (per / mean)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros_like(num, dtype=np.float64), where=den > 0)


def forecast_at(
    grid: Grid, t: int, horizons: int, *, history: int, min_history: int, coverage: float
) -> CutoffForecast:
    """Forecast months t + 1 … t + ``horizons`` from the grid up to month index ``t``."""
    n_lev = grid.total.shape[1]
    shape = (horizons, n_lev)
    out = {k: np.full(shape, np.nan) for k in ("ret", "rea", "new", "sd", "rr", "ar")}
    dof = np.zeros(horizons)
    season, season_se = seasonal_index(grid, t)
    cal_target = grid.calendar(t + np.arange(1, horizons + 1))
    s_target, se_target = season[cal_target], season_se[cal_target]
    base_v = grid.trailing(t)
    lapsed = grid.seen[t] - grid.active[t]
    earliest = grid.window - 1  # a cut-off needs a full window before it
    for h in range(1, horizons + 1):
        past = t - h - np.arange(history)
        past = past[past >= earliest]
        if len(past) < min_history or h >= grid.rev.shape[1]:
            continue
        target = past + h
        s = season[grid.calendar(target)][:, None]
        v_past = np.stack([grid.trailing(int(p)) for p in past])
        lap_past = grid.seen[past] - grid.active[past]
        ret_rate = _ratio(grid.rev[target, h, RETAINED], v_past) / s
        rea_rate = _ratio(grid.rev[target, h, REACTIVATED], lap_past) / s
        new_val = grid.rev[target, h, NEW] / s
        k = s_target[h - 1]
        ret, rea, new = base_v * ret_rate * k, lapsed * rea_rate * k, new_val * k
        scen = ret + rea + new
        i = h - 1
        out["ret"][i], out["rea"][i], out["new"][i] = ret.mean(0), rea.mean(0), new.mean(0)
        out["rr"][i], out["ar"][i] = ret_rate.mean(0), rea_rate.mean(0)
        # the scenarios' spread, the error of their mean, and that of the target month's index
        spread = scen.std(0, ddof=1) ** 2 * (1 + 1 / len(past))
        out["sd"][i] = np.sqrt(spread + (scen.mean(0) * se_target[i]) ** 2)
        dof[i] = len(past) - 1
    from scipy import stats  # heavy: imported where used, so that `import reportkit` stays light

    expected = out["ret"] + out["rea"] + out["new"]
    with np.errstate(invalid="ignore"):
        z = stats.t.ppf(0.5 + coverage / 2, np.maximum(dof, 1))[:, None]
    low = expected - z * out["sd"]
    low = np.where(expected >= 0, np.maximum(low, 0.0), low)
    return CutoffForecast(
        cutoff=t,
        retained=out["ret"],
        reactivated=out["rea"],
        new=out["new"],
        expected=expected,
        sd=out["sd"],
        dof=dof,
        low=low,
        high=expected + z * out["sd"],
        ret_rate=out["rr"],
        rea_rate=out["ar"],
        season=s_target,
    )


def baselines_at(grid: Grid, t: int, horizons: int) -> dict[str, np.ndarray]:
    """The naive forecasts of months t + 1 … t + ``horizons`` (NaN where the data are short).

    ``same_month_ly``: the month a year earlier. ``mean_3m``: the mean of the last 3 months.
    ``ly_trend``: the month a year earlier × the last 12 months' revenue over the 12 before.
    """
    n_lev = grid.total.shape[1]
    h = np.arange(1, horizons + 1)
    ly_idx = t + h - 12
    ly = np.full((horizons, n_lev), np.nan)
    ok = (ly_idx >= 0) & (ly_idx < grid.n_months)
    ly[ok] = grid.total[ly_idx[ok]]
    mean3 = np.full((horizons, n_lev), np.nan)
    if t >= 2:
        mean3[:] = grid.total[t - 2 : t + 1].mean(axis=0)
    trend = np.full((horizons, n_lev), np.nan)
    if t >= 23:
        last, before = grid.total[t - 11 : t + 1].sum(0), grid.total[t - 23 : t - 11].sum(0)
        g = np.divide(last, before, out=np.full(n_lev, np.nan), where=before > 0)
        trend = ly * g
    return {"same_month_ly": ly, "mean_3m": mean3, "ly_trend": trend}
