""":func:`forecast` and :func:`check_plan`: the grid built once, the forecast at the report
date, the backtest at the cut-offs before it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...core.panel import Panel, build_panel
from ...errors import InputError, check_param
from ...io import schema as S
from ...io.dataset import Dataset
from .backtest import BASELINES, backtest_records, backtest_table
from .grid import Grid, Rows, build_grid, row_status
from .levels import ALL, DIMENSIONS, client_levels, level_codes
from .model import CutoffForecast, baselines_at, forecast_at
from .months import last_complete, month_number, period_of
from .results import (
    DEFAULT_SETTINGS,
    NOTE_NOT_BACKTESTED,
    NOTE_PARTIAL_MONTH,
    Forecast,
    ForecastSettings,
)


def _inputs(
    data: Any, levels: pd.DataFrame | None, by: Any, as_of: pd.Timestamp
) -> tuple[Panel, pd.DataFrame | None, tuple[str, ...]]:
    dims: tuple[str, ...] = () if by is None else (by,) if isinstance(by, str) else tuple(by)
    check_param(all(d in DIMENSIONS for d in dims), "by", f"None or some of {DIMENSIONS}", by)
    if isinstance(data, Dataset):
        panel = build_panel(data)
        if dims and levels is None:
            levels = client_levels(data, as_of)
    else:
        check_param(isinstance(data, Panel), "data", "a Dataset or a Panel", type(data).__name__)
        panel = data
    if dims:
        check_param(
            levels is not None,
            "levels",
            "a table of each client's levels (reportkit.analysis.forecast.client_levels"
            "(dataset)) when a Panel is split `by` a dimension",
            None,
        )
        assert levels is not None
        missing = [d for d in dims if d not in levels.columns]
        if missing:
            raise InputError(
                f"The data have no {', '.join(missing)} to split the forecast by "
                f"(levels found: {', '.join(c for c in levels.columns if c in DIMENSIONS)})."
            )
    return panel, levels, dims


def _rows(panel: Panel, last: int, horizons: int, window: int) -> tuple[Rows, np.ndarray]:
    """The panel's rows up to month ``last`` with their statuses, and the mask that kept them."""
    r = panel.rows
    keep = r.month <= last
    rows = row_status(
        r.code[keep], r.month[keep], r.revenue[keep], last=last, max_lag=horizons, window=window
    )
    return rows, keep


def _summary(grid: Grid, fc: CutoffForecast, names, months: int, t: int) -> pd.DataFrame:
    n = len(names)
    h = np.arange(1, months + 1)
    bl = baselines_at(grid, t, months)
    out = pd.DataFrame(
        {
            "period": np.repeat([period_of(grid.m0 + t + k) for k in h], n),
            "level": np.tile(names, months),
            "expected": fc.expected[:months].ravel(),
            "low": fc.low[:months].ravel(),
            "high": fc.high[:months].ravel(),
            "retained": fc.retained[:months].ravel(),
            "reactivated": fc.reactivated[:months].ravel(),
            "new": fc.new[:months].ravel(),
            "sd": fc.sd[:months].ravel(),
            "dof": np.repeat(fc.dof[:months], n),
            **{b: bl[b].ravel() for b in BASELINES},
        }
    )
    out["last_year"] = out["same_month_ly"]
    if n > 1:
        cols = ["expected", "retained", "reactivated", "new", *BASELINES, "last_year"]
        tot = out.groupby("period", sort=False)[cols].sum(min_count=1).reset_index()
        tot = tot.assign(level=ALL, low=np.nan, high=np.nan, sd=np.nan, dof=np.nan)
        out = pd.concat([out, tot[out.columns]], ignore_index=True)
    return out


def _clients(
    ids: np.ndarray, rows: Rows, fc: CutoffForecast, codes: np.ndarray, names, t: int, months: int
) -> pd.DataFrame:
    """The base at the cut-off, client by client, with its expected revenue (see the package
    docstring)."""
    n_ids = len(ids)
    win = rows.mi >= t - rows.window + 1
    rev12 = np.bincount(rows.code[win], weights=rows.revenue[win], minlength=n_ids)
    active = np.bincount(rows.code[win], minlength=n_ids) > 0
    seen = np.bincount(rows.code, minlength=n_ids) > 0
    s = fc.season[:months, None]
    per_ret = np.nansum(fc.ret_rate[:months] * s, axis=0)
    per_rea = np.nansum(fc.rea_rate[:months] * s, axis=0)
    idx = np.flatnonzero(seen)
    lv = codes[idx]
    is_ret = active[idx]
    return pd.DataFrame(
        {
            S.CLIENT_ID: pd.Series(ids[idx], dtype=object),
            "level": names[lv],
            "status": np.where(is_ret, "retained", "reactivated"),
            "revenue_12m": rev12[idx],
            "expected": np.where(is_ret, rev12[idx] * per_ret[lv], per_rea[lv]),
        }
    )


def _base(grid: Grid, names, t: int) -> pd.DataFrame:
    lo = max(0, t - 11)
    firsts = grid.first[lo : t + 1].sum(0)
    first_rev = grid.rev[lo : t + 1, 1, 2].sum(0) if grid.rev.shape[1] > 1 else np.zeros(len(names))
    return pd.DataFrame(
        {
            "level": names,
            "active": grid.active[t],
            "active_year_ago": grid.active[t - 12] if t >= 12 else np.nan,
            "lapsed": grid.seen[t] - grid.active[t],
            "new_per_month": firsts / (t - lo + 1),
            "first_month_value": np.divide(
                first_rev, firsts, out=np.full(len(names), np.nan), where=firsts > 0
            ),
            "revenue_12m": grid.trailing(t),
            "revenue_prev_12m": grid.trailing(t - 12) if t >= 12 else np.nan,
        }
    )


def forecast(
    data: Panel | Dataset,
    *,
    as_of: Any,
    months: int = 3,
    by: str | tuple[str, ...] | None = None,
    levels: pd.DataFrame | None = None,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> Forecast:
    """Bottom-up revenue forecast of the months after ``as_of``, with its backtest.

    Parameters
    ----------
    data : Dataset or Panel
        The sales (a Dataset gives the levels too).
    as_of : date-like
        The report date. The last month it completes is the cut-off (a date inside a month
        makes the previous month the cut-off; a note says so).
    months : int, default 3
        Months to forecast, 1 to 12.
    by : str or tuple of str, optional
        Split by ``manager``, ``segment``, ``channel`` or ``category`` (several: their
        combinations, written ``"A / B"``). None: the total only.
    levels : DataFrame, optional
        ``client_id`` and the ``by`` columns (:func:`client_levels`); taken from ``data`` when
        it is a Dataset.
    settings : ForecastSettings

    Returns
    -------
    Forecast

    Raises
    ------
    ParameterError
        A parameter out of range.
    InputError
        The data lack a ``by`` column, or hold too little history before ``as_of``.
    """
    check_param(isinstance(months, int) and 1 <= months <= 12, "months", "1 to 12", months)
    day = parse_as_of(as_of)
    panel, levels, dims = _inputs(data, levels, by, day)
    notes: list[tuple[str, dict[str, Any]]] = []
    last = last_complete(day)
    if last != month_number(day):
        notes.append((NOTE_PARTIAL_MONTH, {"month": period_of(last + 1)}))
    rows, _ = _rows(panel, last, max(months, 3), settings.window_months)
    return _forecast(panel.ids, rows, levels, dims, day, last, months, settings, notes)


def _forecast(
    ids: np.ndarray,
    rows: Rows,
    levels: pd.DataFrame | None,
    dims: tuple[str, ...],
    day: pd.Timestamp,
    last: int,
    months: int,
    settings: ForecastSettings,
    notes: list[tuple[str, dict[str, Any]]],
) -> Forecast:
    """:func:`forecast` on rows whose statuses are known (shared by several splits)."""
    codes, names = level_codes(ids, levels, dims)
    grid = build_grid(rows, codes[rows.code], len(names))
    t = last - grid.m0
    horizons = max(months, 3)
    kw: dict[str, Any] = {
        "history": settings.history,
        "min_history": settings.min_history,
        "coverage": settings.coverage,
    }
    fc = forecast_at(grid, t, horizons, **kw)
    if t < 0 or np.isnan(fc.expected[0]).all():
        raise InputError(
            f"Too little history before {day:%Y-%m-%d} to forecast: the rates need "
            f"{settings.window_months + settings.min_history} months of sales."
        )
    records = backtest_records(
        grid, t, names, cutoffs=settings.backtest_cutoffs, horizons=horizons, **kw
    )
    table = backtest_table(records, names, with_total=len(names) > 1)
    summary = _summary(grid, fc, names, months, t)
    notes = list(notes)
    shown = dict(zip(table["level"], table["shown"])) if len(table) else {}
    if not shown:
        notes.append((NOTE_NOT_BACKTESTED, {}))
    summary["shown"] = summary["level"].map(shown).fillna("forecast")
    pick = summary["shown"].to_numpy()
    summary["shown_value"] = [
        summary.at[i, "expected" if m == "forecast" else m] for i, m in enumerate(pick)
    ]
    records["cutoff"] = [period_of(grid.m0 + c) for c in records["cutoff"]]
    # levels no client of the data is at (the leads' "(none)") are left out
    gone = set(names[grid.seen[t] == 0])
    return Forecast(
        clients=_clients(ids, rows, fc, codes, names, t, months),
        summary=summary[~summary["level"].isin(gone)].reset_index(drop=True),
        backtest=table[~table["level"].isin(gone)].reset_index(drop=True),
        records=records[~records["level"].isin(gone)].reset_index(drop=True),
        base=_base(grid, names, t).query("level not in @gone").reset_index(drop=True),
        notes=notes,
        params={
            "as_of": day,
            "cutoff": period_of(last),
            "months": months,
            "by": dims,
            **settings.__dict__,
        },
    )


def enough_history(panel: Panel, as_of: Any, settings: ForecastSettings = DEFAULT_SETTINGS) -> bool:
    """Whether the sales before ``as_of`` are long enough to forecast the next month: a full
    window before the first past cut-off, and ``min_history`` past cut-offs.

    Parameters
    ----------
    panel : Panel
    as_of : date-like
    settings : ForecastSettings
    """
    if len(panel) == 0 or pd.isna(panel.start):
        return False
    last = last_complete(parse_as_of(as_of))
    span = last - month_number(pd.Timestamp(panel.start))
    return span >= settings.window_months - 1 + settings.min_history
