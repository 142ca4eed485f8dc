"""The results: :class:`Forecast` and :class:`PlanCheck` (the one shape of
:mod:`reportkit.analysis.result`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: notes (codes) the report words
NOTE_NOT_BACKTESTED = "not_backtested"
NOTE_SHORT_HISTORY = "short_history"
NOTE_PARTIAL_MONTH = "partial_month"
NOTE_OUT_OF_HORIZON = "plan_out_of_horizon"
NOTE_UNKNOWN_LEVEL = "plan_unknown_level"


@dataclass(frozen=True)
class ForecastSettings:
    """Settings of the forecast (the defaults are the report's).

    Attributes
    ----------
    history : int
        Past cut-offs each horizon's rates are learnt from (12: every calendar month once).
    min_history : int
        Fewest past cut-offs a horizon needs to be forecast.
    backtest_cutoffs : int
        Past cut-offs of the backtest (the last months before the report date).
    coverage : float
        Probability the interval is meant to hold (0.8: from the 10th to the 90th percentile).
    window_months : int
        Months with a purchase row that make a client active at a cut-off.
    unrealistic_below : float
        A plan line whose probability of being met is below this is flagged unrealistic.
    """

    history: int = 12
    min_history: int = 3
    backtest_cutoffs: int = 12
    coverage: float = 0.8
    window_months: int = 12
    unrealistic_below: float = 0.1


DEFAULT_SETTINGS = ForecastSettings()


@dataclass
class Forecast:
    """A bottom-up revenue forecast by level, with its backtest.

    Attributes
    ----------
    clients : DataFrame
        One row per client of the base at the cut-off: ``client_id``, ``level``, ``status``
        (``retained`` / ``reactivated``), ``revenue_12m`` and ``expected`` (its expected revenue
        over the forecast months; new clients are not clients yet and are not listed).
    summary : DataFrame
        One row per (``period``, ``level``): ``expected``, ``low``, ``high``, the parts
        ``retained``, ``reactivated``, ``new`` (they sum to ``expected``), ``sd``, ``dof``, the
        baselines, ``last_year``, ``shown`` (which figure the report shows) and ``shown_value``.
        With ``by``, the sum of the levels is the level ``(all)`` (no interval).
    backtest : DataFrame
        Per level: the errors (WAPE) per month and per quarter of the forecast and of each
        baseline, the interval's coverage, ``best_baseline`` and ``shown``.
    records : DataFrame
        The backtest's points: cut-off, horizon, level, forecast, interval, actual, baselines.
    base : DataFrame
        Per level: clients active now and a year earlier, lapsed clients, new clients per
        month and the first-month revenue of a new client over the last 12 months, revenue of
        the last 12 months and of the 12 before.
    notes : list of (code, params)
    params : dict
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    backtest: pd.DataFrame
    records: pd.DataFrame
    base: pd.DataFrame
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`clients`."""
        return self.clients.copy()

    @property
    def frame(self) -> pd.DataFrame:
        """The forecast as period × level × (expected, low, high)."""
        return self.summary[["period", "level", "expected", "low", "high"]]

    @property
    def coverage(self) -> float:
        """Share of the backtest's monthly outcomes inside their interval (every level)."""
        r = self.records
        ok = r["low"].notna() & r["actual"].notna()
        inside = (r["actual"] >= r["low"]) & (r["actual"] <= r["high"])
        return float(inside[ok].mean()) if ok.any() else float("nan")


@dataclass
class PlanCheck:
    """A sales plan checked against the forecast.

    Attributes
    ----------
    clients : DataFrame
        The forecast's clients.
    summary : DataFrame
        One row per plan line: its ``period``, level columns and ``amount``, then ``level``,
        ``expected``, ``low``, ``high``, ``probability`` (of the amount being reached or
        beaten), ``gap`` (amount - expected), ``last_year``, ``existing_base`` (expected from
        the clients of the base), ``new_expected``, ``new_per_month`` (new clients a month,
        usually), ``first_month_value``, ``extra_new_clients`` (new clients the gap needs on
        top of the usual ones at their first-month revenue), ``shown`` (the figure the
        backtest trusts at the level), ``unrealistic`` and ``assumes_no_churn`` (the plan asks
        at least last year's revenue while the existing base is expected to bring less).
    forecast : Forecast
    notes, params
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    forecast: Forecast
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`clients`."""
        return self.clients.copy()


@dataclass
class ForecastReport:
    """What the audit's section reads: the forecast in total and by each dimension the data
    have, and the plan checked when there is one.

    Attributes
    ----------
    clients : DataFrame
        The total forecast's clients.
    summary, backtest : DataFrame
        The splits' tables one under the other, a first column ``dimension`` (``total`` or the
        dimension).
    splits : dict of str to Forecast
        ``"total"`` and each dimension.
    plan : PlanCheck or None
    plan_source, plan_error : str or None
        The plan's file, and why it could not be read (the forecast stands without it).
    notes, params
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    backtest: pd.DataFrame
    splits: dict[str, Forecast]
    plan: PlanCheck | None = None
    plan_source: str | None = None
    plan_error: str | None = None
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`clients`."""
        return self.clients.copy()
