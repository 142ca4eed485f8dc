"""Base dynamics per period: flows of clients, the revenue bridge, churn, cohorts and migration.

Everything is computed from the client-month panel (:func:`reportkit.build_panel`), never from
the transactions, and only from months up to ``as_of`` (a month end).

Definitions (the rules are those of :class:`~reportkit.io.config.LifecycleRules`):

* A client **dies** on the first day its silence exceeds max(``dead_days``,
  ``dead_interval_multiple`` × its usual interval), the usual interval being
  (last order − first order) / (orders − 1) as of its last order — exactly the ``dead`` rule of
  :func:`reportkit.analysis.lifecycle.classify` on a snapshot taken that day.
* The **base** at a period end is every client with at least one order so far who is not dead on
  that day (the living blocks working, regular, proven, vip, key of the lifecycle).
* Per period: **new** = first order ever in the period; **lost** = died in the period;
  **reactivated** = ordered in the period after having died; **retained** = in the base at the
  start and not lost during the period. The identity
  ``base_start + new + reactivated − lost = base_end`` is checked for every period (the events
  are counted, so a client dying and coming back in one period is lost and reactivated once
  each). A client who leaves and comes back is lost, then reactivated — never new twice.
* Order dates come from the panel's first and last order day of each month, so the timing of
  orders inside one month is not seen; with ``dead_days`` of a month or more this changes nothing.

The results and their per-client tables
---------------------------------------
The period tables (:func:`flows`, :func:`revenue_bridge`, :func:`cohorts`) are DataFrames, one
row per period (or cohort and age). The result objects have the shape every analysis shares
(:class:`reportkit.analysis.result.AnalysisResult`); their ``clients`` is the per-client table
they rest on:

* :class:`Migration` — one row per client known at either date: ``client_id``, ``block_from``,
  ``block_to`` (``none`` = not a client at that date), ``revenue_from``, ``revenue_to``. Its
  ``summary`` is the table of moves (one row per non-empty from → to cell).
* :class:`Dynamics` — the clients of its migration: each client's move between the previous
  period end and ``as_of``. A client gained moves from ``none``, ``potential``, ``active`` or a
  ``dead_*`` block into a living one (working, regular, proven, vip, key); a client lost moves
  from a living block into a ``dead_*`` one. These moves compare two snapshots, where
  :func:`flows` counts the events in between (a client dying and coming back within the period
  is lost and reactivated there, and stays in its block here). Without a migration
  (``migration=False``) it is an empty frame with a ``client_id`` column. The period tables keep their names (``flows``, ``bridge``, ``cohorts``,
  ``cohort_trend``, and :meth:`Dynamics.by_period` for flows and bridge side by side); its
  ``summary`` is the trend's.
* :class:`BaseTrend` — rests on the flows, a table of periods, and on no client: ``clients`` is an
  empty frame with a ``client_id`` column; the figures are its attributes and, as one row,
  its ``summary``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ...core.dates import parse_as_of
from ...io.config import LifecycleRules
from ...io.schema import BASE_END, BASE_START, CHURN_RATE, LOST, NEW, PERIOD, REACTIVATED
from ..lifecycle import check_rules
from .history import _DEFAULT_RULES, _freq, _history
from .moves import NONE, Migration, migration, migration_matrix
from .periods import _bridge, _flows, flows, revenue_bridge
from .retention import _cohorts, cohort_trend, cohort_triangle, cohorts
from .trend import BaseTrend, _no_clients, base_trend

_migration = migration  # `dynamics(migration=...)` shadows the name

__all__ = [
    "NONE",
    "BaseTrend",
    "Dynamics",
    "Migration",
    "base_trend",
    "cohort_trend",
    "cohort_triangle",
    "cohorts",
    "dynamics",
    "flows",
    "migration",
    "migration_matrix",
    "revenue_bridge",
]


# --- everything at once ---------------------------------------------------------------------------


@dataclass
class Dynamics:
    """Base dynamics of one report: flows, revenue bridge, trend, cohorts and migration.

    Attributes
    ----------
    flows, bridge, cohorts : DataFrame
        As returned by :func:`flows`, :func:`revenue_bridge` and :func:`cohorts`.
    trend : BaseTrend
    cohort_trend : DataFrame
        From :func:`cohort_trend`.
    migration : Migration or None
        None when it was not requested (``migration=False``).
    as_of : Timestamp
    notes : tuple of (code, params)
        The notes of the trend and the migration (none so far).
    params : dict
        The settings: ``start``, ``freq``, ``rules``, ``trend_periods``, ``migration``,
        ``window_months``.
    clients : DataFrame
        The migration's clients (each client's move from the previous period end to ``as_of``);
        an empty frame with a ``client_id`` column without a migration.
    summary : DataFrame
        The base trend's figures, one row (:attr:`BaseTrend.summary`).
    """

    flows: pd.DataFrame
    bridge: pd.DataFrame
    trend: BaseTrend
    cohorts: pd.DataFrame
    cohort_trend: pd.DataFrame
    migration: Migration | None
    as_of: pd.Timestamp
    notes: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def clients(self) -> pd.DataFrame:
        """Each client's move between blocks (the migration's ``clients``), or an empty frame
        with a ``client_id`` column when the migration was not computed."""
        return self.migration.clients if self.migration is not None else _no_clients()

    @property
    def summary(self) -> pd.DataFrame:
        """The base trend's figures as one row."""
        return self.trend.summary

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`)."""
        return self.clients.copy()

    def by_period(self) -> pd.DataFrame:
        """Flows and the revenue bridge side by side, one row per period."""
        extra = [c for c in self.bridge.columns if c not in self.flows.columns]
        return self.flows.merge(self.bridge[[PERIOD, *extra]], on=PERIOD, how="left")

    def _repr_html_(self) -> str:
        tail = self.flows.tail(12)[
            [PERIOD, BASE_START, NEW, REACTIVATED, LOST, BASE_END, CHURN_RATE]
        ]
        return f"<div class='rk-dynamics'>{tail.to_html(index=False)}</div>"


def dynamics(
    panel,
    clients: pd.DataFrame | None = None,
    *,
    as_of,
    start=None,
    freq: str = "M",
    rules: LifecycleRules = _DEFAULT_RULES,
    trend_periods: int = 12,
    migration: bool | Migration = True,
    window_months: int = 12,
) -> Dynamics:
    """Flows, revenue bridge, base trend, cohorts and migration in one call (one pass over the
    panel; two snapshots for the migration).

    Parameters
    ----------
    panel : Panel
        From :func:`reportkit.build_panel` (a panel frame works too with ``migration=False``).
    clients : DataFrame, optional
        The clients table, for the migration's lifecycle blocks.
    as_of, start, freq, rules
        As in :func:`flows` (``start`` also limits the cohorts shown).
    trend_periods : int, default 12
        Periods used by :func:`base_trend`.
    migration : bool or Migration, default True
        Compute the migration matrix from the previous period end to ``as_of``; or the
        migration already computed (:func:`migration_matrix` of lifecycles at those dates, when
        the caller has them: two snapshots and two classifications fewer).
    window_months : int, default 12
        Look-back window of the migration's snapshots.

    Returns
    -------
    Dynamics
    """
    check_rules(rules)
    freq = _freq(freq)
    day = parse_as_of(as_of, month_end=True)
    h = _history(panel, as_of=day, freq=freq, rules=rules)
    f = _flows(h, start)
    c = _cohorts(h, start)
    mig = None
    if isinstance(migration, Migration):
        mig = replace(
            migration, params={"rules": rules, "freq": freq, "window_months": window_months}
        )
    elif migration:
        mig = _migration(
            panel, clients, as_of=day, freq=freq, rules=rules, window_months=window_months
        )
    trend = base_trend(f, periods=trend_periods)
    return Dynamics(
        flows=f,
        bridge=_bridge(h, start),
        trend=trend,
        cohorts=c,
        cohort_trend=cohort_trend(c),
        migration=mig,
        as_of=day,
        notes=tuple(trend.notes) + (tuple(mig.notes) if mig is not None else ()),
        params={
            "start": start,
            "freq": freq,
            "rules": rules,
            "trend_periods": trend_periods,
            "migration": migration is not False,
            "window_months": window_months,
        },
    )
