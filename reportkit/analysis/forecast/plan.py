"""A sales plan checked against the forecast: how likely each line is, the gap, the new clients
it needs, and the plans that assume no churn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...core.panel import Panel
from ...io.dataset import Dataset
from .api import forecast
from .levels import ALL, JOIN
from .months import last_complete
from .results import (
    DEFAULT_SETTINGS,
    NOTE_OUT_OF_HORIZON,
    NOTE_UNKNOWN_LEVEL,
    Forecast,
    ForecastSettings,
    PlanCheck,
)

#: the plan's columns that name a level, in the order a level is written
PLAN_DIMENSIONS = ("manager", "segment", "channel")


def plan_dimensions(plan: pd.DataFrame) -> tuple[str, ...]:
    """The level columns a plan has."""
    return tuple(d for d in PLAN_DIMENSIONS if d in plan.columns)


def plan_months(plan: pd.DataFrame, as_of: Any) -> pd.Series:
    """Months between the report date's last complete month and each line's period."""
    last = last_complete(parse_as_of(as_of))
    when = pd.to_datetime(plan["period"], format="%Y-%m")
    return (when.dt.year * 12 + when.dt.month - 1 - 1970 * 12) - last


def check_plan(
    data: Panel | Dataset,
    plan: pd.DataFrame,
    *,
    as_of: Any,
    levels: pd.DataFrame | None = None,
    settings: ForecastSettings = DEFAULT_SETTINGS,
) -> PlanCheck:
    """How likely each line of a sales plan is to be met, given the base (see :class:`PlanCheck`).

    Parameters
    ----------
    data : Dataset or Panel
    plan : DataFrame
        ``period`` (``YYYY-MM``), optionally ``manager`` / ``segment`` / ``channel``, and
        ``amount`` (:func:`reportkit.io.plan.read_plan`).
    as_of : date-like
    levels : DataFrame, optional
        As for :func:`forecast`.
    settings : ForecastSettings

    Returns
    -------
    PlanCheck
    """
    ahead = plan_months(plan, as_of)
    inside = ahead[(ahead >= 1) & (ahead <= 12)]
    months = int(inside.max()) if len(inside) else 1
    dims = plan_dimensions(plan)
    fc = forecast(
        data, as_of=as_of, months=months, by=dims or None, levels=levels, settings=settings
    )
    return judge_plan(fc, plan, settings=settings)


def judge_plan(
    fc: Forecast, plan: pd.DataFrame, *, settings: ForecastSettings = DEFAULT_SETTINGS
) -> PlanCheck:
    """A plan against a forecast already made at the plan's levels (``fc.params["by"]`` equal to
    the plan's level columns) and over its months.

    Parameters
    ----------
    fc : Forecast
    plan : DataFrame
        As for :func:`check_plan`.
    settings : ForecastSettings

    Returns
    -------
    PlanCheck
    """
    dims = plan_dimensions(plan)
    notes: list[tuple[str, dict[str, Any]]] = []
    ahead = plan_months(plan, fc.params["as_of"])
    outside = ~((ahead >= 1) & (ahead <= fc.params["months"]))
    if outside.any():
        bad = sorted(set(plan.loc[outside, "period"].astype(str)))
        notes.append((NOTE_OUT_OF_HORIZON, {"periods": ", ".join(bad)}))
    lines = plan.copy()
    lines["level"] = lines[list(dims)].astype(str).agg(JOIN.join, axis=1) if dims else ALL
    unknown = sorted(set(lines["level"]) - set(fc.summary["level"]))
    if unknown:
        notes.append((NOTE_UNKNOWN_LEVEL, {"levels": ", ".join(unknown)}))
    cols = [
        "period",
        "level",
        "expected",
        "low",
        "high",
        "sd",
        "dof",
        "retained",
        "reactivated",
        "new",
        "last_year",
        "shown",
    ]
    out = lines.merge(fc.summary[cols], on=["period", "level"], how="left")
    base = fc.base[["level", "new_per_month", "first_month_value"]]
    out = out.merge(base, on="level", how="left")
    return PlanCheck(
        clients=fc.clients,
        summary=_judge(out, settings),
        forecast=fc,
        notes=notes + list(fc.notes),
        params=dict(fc.params, plan_dims=dims),
    )


def _judge(out: pd.DataFrame, settings: ForecastSettings) -> pd.DataFrame:
    """Probability, gap, the new clients the gap needs, and the flags of each plan line."""
    from scipy import stats  # heavy: imported where used, so that `import reportkit` stays light

    z = ((out["amount"] - out["expected"]) / out["sd"]).to_numpy(float)
    dof = np.maximum(out["dof"].fillna(1).to_numpy(float), 1)
    out["probability"] = stats.t.sf(z, dof)
    out["gap"] = out["amount"] - out["expected"]
    out["existing_base"] = out["retained"] + out["reactivated"]
    out["new_expected"] = out["new"]
    value = out["first_month_value"].to_numpy(float)
    out["extra_new_clients"] = np.divide(
        out["gap"].clip(lower=0).to_numpy(float),
        value,
        out=np.full(len(out), np.nan),
        where=value > 0,
    )
    out["unrealistic"] = out["probability"] < settings.unrealistic_below
    out["assumes_no_churn"] = (out["amount"] >= out["last_year"]) & (
        out["existing_base"] < out["last_year"]
    )
    return out.drop(columns=["sd", "dof", "retained", "reactivated", "new"])


__all__ = ["PLAN_DIMENSIONS", "check_plan", "judge_plan", "plan_dimensions"]
