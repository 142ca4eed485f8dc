"""The forecast the audit report shows: the total, each dimension the data have, and the plan."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...core.dates import parse_as_of
from ...core.panel import Panel
from .api import _forecast, _rows
from .levels import DIMENSIONS, align_levels
from .months import last_complete, month_number, period_of
from .plan import judge_plan, plan_dimensions, plan_months
from .results import (
    DEFAULT_SETTINGS,
    NOTE_PARTIAL_MONTH,
    Forecast,
    ForecastReport,
    ForecastSettings,
)

TOTAL = "total"


def audit_forecast(
    panel: Panel,
    *,
    as_of: Any,
    levels: pd.DataFrame | None = None,
    months: int = 3,
    plan: pd.DataFrame | None = None,
    plan_source: str | None = None,
    plan_error: str | None = None,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> ForecastReport:
    """The forecast in total and by every dimension of ``levels``, and ``plan`` checked.

    Parameters
    ----------
    panel : Panel
    as_of : date-like
    levels : DataFrame, optional
        :func:`client_levels` of the data; None: the total only.
    months : int, default 3
        Months shown (more when the plan reaches further, up to 12).
    plan : DataFrame, optional
        :func:`reportkit.io.plan.read_plan`.
    plan_source, plan_error : str, optional
        Where the plan came from; why it could not be read.
    settings : ForecastSettings

    Returns
    -------
    ForecastReport
    """
    day = parse_as_of(as_of)
    last = last_complete(day)
    notes: list[tuple[str, dict[str, Any]]] = []
    if last != month_number(day):
        notes.append((NOTE_PARTIAL_MONTH, {"month": period_of(last + 1)}))
    if plan is not None:
        ahead = plan_months(plan, day)
        ahead = ahead[(ahead >= 1) & (ahead <= 12)]
        months = max(months, int(ahead.max()) if len(ahead) else 0)
    rows, _ = _rows(panel, last, max(months, 3), settings.window_months)
    dims = [d for d in DIMENSIONS if levels is not None and d in levels.columns]
    if levels is not None:  # looked up once for every split
        levels = align_levels(panel.ids, levels)
    splits: dict[str, Forecast] = {}
    for name, by in [(TOTAL, ()), *[(d, (d,)) for d in dims]]:
        splits[name] = _forecast(panel.ids, rows, levels, by, day, last, months, settings, notes)
    checked = None
    pd_dims = plan_dimensions(plan) if plan is not None else ()
    if plan is not None:
        key = TOTAL if not pd_dims else pd_dims[0] if len(pd_dims) == 1 else None
        fc = splits.get(key) if key else None
        if fc is None and all(d in dims for d in pd_dims):
            fc = _forecast(panel.ids, rows, levels, pd_dims, day, last, months, settings, notes)
        if fc is not None:
            checked = judge_plan(fc, plan, settings=settings)
    return ForecastReport(
        clients=splits[TOTAL].clients,
        summary=_stack({k: f.summary for k, f in splits.items()}),
        backtest=_stack({k: f.backtest for k, f in splits.items()}),
        splits=splits,
        plan=checked,
        plan_source=plan_source,
        plan_error=plan_error,
        notes=list(splits[TOTAL].notes),
        params=dict(splits[TOTAL].params, dimensions=tuple(dims), plan_dims=pd_dims),
    )


def _stack(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(
        [f.assign(dimension=k)[["dimension", *f.columns]] for k, f in frames.items()],
        ignore_index=True,
    )
