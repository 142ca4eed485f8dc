"""The audit pipeline: every analysis of one base as of one date, as typed results.

:func:`run_audit` takes a loaded :class:`~reportkit.io.dataset.Dataset`, its panel, a
:class:`~reportkit.io.config.Config` and the report date, runs the analyses in their order and
returns :class:`AuditResults`: one typed field per analysis. An analysis that could not be
computed holds :class:`Failed` with the reason (and, when it was left out on purpose, the key
of the plain sentence the report shows instead); an analysis that does not apply to the data
(no clients table, no surveys) holds ``None``. Nothing here words anything: the sections of
:mod:`reportkit.report.sections` read the results.

An analyst reruns one analysis with other settings and re-renders its section::

    results = run_audit(dataset, panel, config, as_of)
    results.segments = segment_all(results.snapshot, settings=other, clients=dataset.clients)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..analysis import dynamics as D
from ..analysis import lifecycle as L
from ..analysis import quality as Q
from ..analysis.churn import BAND, BANDS, ChurnModel, ChurnScores
from ..analysis.crosssell import CrossSell, cross_sell
from ..analysis.dynamics import Dynamics
from ..analysis.forecast import ForecastReport, audit_forecast, client_levels, enough_history
from ..analysis.lifecycle import Lifecycle
from ..analysis.managers import Managers, detractors_a, has_managers, managers, nps_by
from ..analysis.money import LINE_DIMENSIONS, Money, where_money
from ..analysis.quality import Completeness, Duplicates, reconcile
from ..analysis.segmentation import Segments, abc, segment_all
from ..analysis.value import ValueBacktest, backtest_expected_revenue
from ..core.dates import month_end
from ..core.snapshot import snapshot
from ..errors import InputError, ReportkitError
from ..io import schema as S
from ..io.config import Config
from ..io.dataset import Dataset
from ..io.plan import find_plan, read_plan
from ..io.policy import load_contact_policy

#: the churn probability from which a client is in the high band (the churn model's own cut-off)
HIGH_RISK = dict(BANDS)["high"]


@dataclass(frozen=True)
class Failed:
    """An analysis that was not computed.

    Attributes
    ----------
    reason : str
        What went wrong, for whoever runs the report (stderr and the executed notebook keep
        it; the report does not show it).
    why : str or None
        The key of the plain sentence the report shows instead, when the analysis was left
        out on purpose (e.g. ``"why.first_month"``); None for an error.
    """

    reason: str
    why: str | None = None


_T = TypeVar("_T")


def computed(value: _T | Failed | None) -> _T | None:
    """The result, or None when it failed or does not apply."""
    return None if isinstance(value, Failed) else value


@dataclass
class ChurnResult:
    """The fitted churn model and, when it could score, the scored clients."""

    model: ChurnModel
    scores: ChurnScores | None = None


@dataclass
class NPSReport:
    """NPS by group (overall, ABC class, lifecycle block, manager) and the class A detractors."""

    table: Any
    detractors_a: pd.DataFrame


@dataclass
class MonthlyExtras:
    """What the monthly report compares with: the previous period end's lists and a year ago."""

    reactivation_prev_ids: set | None = None
    high_prev_ids: set | None = None
    year_ago_snapshot: pd.DataFrame | None = None


@dataclass
class AuditResults:
    """Every analysis of one audit, one typed field each (see the module docstring).

    ``snapshot``, ``segments`` and ``lifecycle`` are always computed (the audit cannot be
    drawn without them); every other field is the result, :class:`Failed`, or None when it
    does not apply to the data.
    """

    snapshot: pd.DataFrame
    segments: Segments
    lifecycle: Lifecycle
    #: the contact policy in force (an input the sections and the managers' check read)
    policy: pd.DataFrame
    period_end: pd.Timestamp
    prev_end: pd.Timestamp
    reactivation: pd.DataFrame | Failed | None = None
    dynamics: Dynamics | Failed | None = None
    prev_snapshot: pd.DataFrame | Failed | None = None
    prev_abc: pd.DataFrame | Failed | None = None
    prev_lifecycle: Lifecycle | None = None
    #: clients who became dead in the period: client_id, abc_before, revenue_before
    lost_in_period: pd.DataFrame | None = None
    churn: ChurnResult | Failed | None = None
    value_backtest: ValueBacktest | Failed | None = None
    duplicates: Duplicates | Failed | None = None
    completeness: Completeness | Failed | None = None
    managers: Managers | Failed | None = None
    nps: NPSReport | Failed | None = None
    reconciliation: pd.DataFrame | Failed | None = None
    monthly: MonthlyExtras | Failed | None = None
    #: where the money is (#17): None when the sales lines carry no product, category, channel
    money: Money | Failed | None = None
    #: the revenue forecast and the plan check (#17): None with under 15 months of sales
    forecast: ForecastReport | Failed | None = None
    #: the cross-sell white space (None when the sales carry no category)
    cross_sell: CrossSell | Failed | None = None

    def failed(self) -> dict[str, Failed]:
        """The analyses that were not computed: name -> :class:`Failed`."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), Failed)
        }

    def scores(self) -> pd.DataFrame | None:
        """The scored clients (the at-risk list), or None without a churn model that scored."""
        churn = computed(self.churn)
        return None if churn is None or churn.scores is None else churn.scores.clients

    def high_risk(self) -> pd.DataFrame | None:
        """The scored clients of the high band (probability 60 %+)."""
        scores = self.scores()
        return None if scores is None else scores[scores[BAND] == "high"]


def _guarded(name: str, fn, *args, **kwargs) -> Any:
    """Run an optional analysis; a failure becomes :class:`Failed` (and a warning on stderr,
    which the executed notebook keeps; the report says it in a plain sentence)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except ReportkitError as exc:
        reason = str(exc)
    except Exception as exc:  # noqa: BLE001 - an analysis bug must not take the whole report down
        reason = f"{type(exc).__name__}: {exc}"
    warnings.warn(f"reportkit: {name} could not be computed: {reason}", RuntimeWarning, 3)
    return Failed(reason)


def run_audit(
    dataset: Dataset,
    panel: Any,
    config: Config,
    as_of: pd.Timestamp,
    *,
    churn: bool = True,
    monthly: bool = False,
) -> AuditResults:
    """Every analysis of ``dataset`` as of ``as_of`` (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
    panel : Panel
        ``build_panel(dataset)``.
    config : Config
    as_of : Timestamp
        The report date (checked against the data by the caller).
    churn : bool, default True
        Fit the churn model and backtest the expected revenue.
    monthly : bool, default False
        Also compute what the monthly report compares with.

    Raises
    ------
    InputError
        A contact policy file that cannot be used (an input error, reported up front).
    """
    clients, window = dataset.clients, config.report.window_months
    snap = snapshot(panel, as_of=as_of, window_months=window)
    policy = load_contact_policy(config.segmentation.contact_policy)
    segments = segment_all(snap, settings=config.segmentation, clients=clients)
    life = L.classify(snap, clients, rules=config.lifecycle, abc=segments.abc.clients)
    period_end = month_end(as_of)
    r = AuditResults(
        snapshot=snap,
        segments=segments,
        lifecycle=life,
        policy=policy,
        period_end=period_end,
        prev_end=month_end(period_end - pd.offsets.MonthBegin(1)),
    )
    r.reactivation = _guarded(
        "reactivation", L.reactivation_list, snap, life, clients, rules=config.lifecycle
    )
    _base_over_time(r, dataset, panel, config, keep_previous=monthly)
    if churn:
        r.churn = _guarded("churn", _fit_churn, dataset, panel, config, as_of, snap)
        # the expected 12-month revenue behind "revenue at risk", checked at the latest
        # cut-off whose next 12 months are in the data
        r.value_backtest = _guarded(
            "value_backtest", backtest_expected_revenue, panel, as_of=as_of, n_cutoffs=1
        )
    _quality_and_people(r, dataset, panel, config, as_of)
    if monthly:
        r.monthly = _guarded("monthly", _monthly_extras, r, dataset, panel, config)
    else:
        # the audit's own sections (the monthly report does not show them)
        r.forecast = _guarded("forecast", _forecast, dataset, panel, as_of)
        _money(r, dataset, config, as_of)
        _cross_sell(r, dataset, panel, as_of)
    return r


def _base_over_time(
    r: AuditResults, dataset: Dataset, panel: Any, config: Config, *, keep_previous: bool = False
) -> None:
    """Dynamics up to the period end; the clients lost in the period, from the previous period
    end's snapshot, ABC classes and lifecycle. Those three stay in ``r`` only with
    ``keep_previous`` (the monthly report reads them); the audit lets them go before the
    dynamics run: at 10M clients they are 3 GB. A monthly migration reuses the previous
    lifecycle and, when the report date is a month end, the snapshot of the report date."""
    clients, window = dataset.clients, config.report.window_months
    freq = "Q" if config.report.period == "quarter" else "M"
    prev, prev_life = None, None
    if panel.start <= r.prev_end:
        r.prev_snapshot = _guarded(
            "prev_snapshot", snapshot, panel, as_of=r.prev_end, window_months=window
        )
        prev = computed(r.prev_snapshot)
    if prev is not None:
        prev_life = computed(
            _guarded("prev_lifecycle", L.classify, prev, clients, rules=config.lifecycle)
        )
        s = config.segmentation
        got = _guarded("prev_abc", abc, prev, by=s.abc_by, cutoffs=s.abc_cutoffs)
        r.prev_abc = got if isinstance(got, Failed) else got.clients
        prev_abc = computed(r.prev_abc)
        if prev_abc is not None and prev_life is not None:
            r.lost_in_period = lost_in_period(prev, prev_abc, prev_life, r.lifecycle)
    if r.period_end < panel.start:
        # the report date lies in the data's first month: no month end to count flows at
        r.dynamics = Failed("the report date is in the data's first month", "why.first_month")
        _let_go_of_previous(r, prev_life, keep_previous)
        return
    # the migration compares with the previous period end: only when it is in the data
    before = r.period_end - pd.offsets.MonthEnd(3 if freq == "Q" else 1)
    migration: Any = bool(before >= panel.start)
    if migration and freq == "M" and prev_life is not None:
        migration = _guarded("dynamics", _migration_from, r, panel, clients, config, prev_life)
    _let_go_of_previous(r, prev_life, keep_previous)
    del prev, prev_life
    if isinstance(migration, Failed):
        r.dynamics = migration
        return
    r.dynamics = _guarded(
        "dynamics",
        D.dynamics,
        panel,
        clients,
        as_of=r.period_end,
        freq=freq,
        rules=config.lifecycle,
        window_months=window,
        migration=migration,
    )


def _migration_from(
    r: AuditResults, panel: Any, clients: Any, config: Config, prev_life: Lifecycle
) -> D.Migration:
    """The month's migration from the previous lifecycle to the period end's (classified
    without the ABC classes, as :func:`reportkit.analysis.dynamics.migration` does)."""
    now = r.snapshot
    if not len(now) or now[S.AS_OF].iloc[0] != r.period_end:
        now = snapshot(panel, as_of=r.period_end, window_months=config.report.window_months)
    after = L.classify(now, clients, rules=config.lifecycle)
    return D.migration_matrix(prev_life, after)


def _let_go_of_previous(r: AuditResults, prev_life: Lifecycle | None, keep: bool) -> None:
    """Keep the previous period's snapshot, ABC and lifecycle in ``r`` (``keep``), or let them
    go (their failures stay, the report says them)."""
    r.prev_lifecycle = prev_life if keep else None
    if not keep:
        for name in ("prev_snapshot", "prev_abc"):
            if not isinstance(getattr(r, name), Failed):
                setattr(r, name, None)


_DEAD = (L.DEAD_REANIMATABLE, L.DEAD_LOST)  # the two dead blocks


def lost_in_period(
    prev: pd.DataFrame, prev_abc: pd.DataFrame, before: Lifecycle, now: Lifecycle
) -> pd.DataFrame:
    """Clients alive (and who had bought) at the previous period end and dead now, with their
    ABC class and revenue over the 12 months before the period (sorted by client_id)."""
    b, n = before.clients, now.clients
    prev_ids = pd.Index(prev[S.CLIENT_ID].to_numpy())
    at = prev_ids.get_indexer(b[S.CLIENT_ID].to_numpy())
    orders = prev[S.ORDERS_TOTAL].to_numpy()
    bought = (at >= 0) & (orders[np.maximum(at, 0)] > 0)
    alive_before = b[S.CLIENT_ID].to_numpy()[~b[S.BLOCK].isin(_DEAD).to_numpy() & bought]
    dead_now = n[S.CLIENT_ID].to_numpy()[n[S.BLOCK].isin(_DEAD).to_numpy()]
    ids = np.sort(alive_before[pd.Index(dead_now).get_indexer(alive_before) >= 0].astype(object))
    out = pd.DataFrame({S.CLIENT_ID: ids})
    abc_at = pd.Index(prev_abc[S.CLIENT_ID].to_numpy()).get_indexer(ids)
    out["abc_before"] = _taken(prev_abc[S.ABC].astype(str).to_numpy(), abc_at)
    out["revenue_before"] = _taken(
        prev[S.REVENUE_WINDOW].to_numpy(dtype=float), prev_ids.get_indexer(ids)
    )
    return out


def _taken(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]``, missing (NaN) where ``at`` is -1."""
    out = values[np.maximum(at, 0)] if len(values) else np.full(len(at), np.nan, dtype=object)
    if (at < 0).any():
        out = out.astype(object if out.dtype.kind in "OUS" else float)
        out[at < 0] = np.nan
    return out


def _fit_churn(
    dataset: Dataset, panel: Any, config: Config, as_of: pd.Timestamp, snap: pd.DataFrame
) -> ChurnResult:
    model = ChurnModel.from_settings(
        config.churn, config.lifecycle, window_months=config.report.window_months
    )
    model.fit(panel, as_of=as_of)
    scores = None
    if model.chosen_ is not None:
        scores = model.score_clients(snap, clients=dataset.clients)
    return ChurnResult(model, scores)


def _quality_and_people(
    r: AuditResults, dataset: Dataset, panel: Any, config: Config, as_of: pd.Timestamp
) -> None:
    """Duplicates and card completeness, managers, NPS and the reconciliation with the input."""
    clients, tx = dataset.clients, dataset.transactions
    if clients is not None:
        r.duplicates = _guarded(
            "duplicates", Q.find_duplicates, clients, transactions=tx, settings=config.quality
        )
        r.completeness = _guarded(
            "completeness",
            Q.completeness,
            clients,
            transactions=tx,
            activities=dataset.activities,
            settings=config.quality,
        )
    if has_managers(clients=clients, activities=dataset.activities, transactions=tx):
        r.managers = _guarded("managers", _managers, r, dataset, as_of)
    if dataset.surveys is not None:
        r.nps = _guarded("nps", _nps, r, dataset, as_of)
    r.reconciliation = _guarded(
        "reconciliation", reconcile, dataset.reports, tx, panel, clients=clients
    )


def _managers(r: AuditResults, dataset: Dataset, as_of: pd.Timestamp) -> Managers:
    """Managers' portfolios, forgotten clients and overdue tasks as of the report date."""
    policy = r.policy if S.ALLOWED_DAYS in r.policy.columns else None
    lost = r.lost_in_period
    return managers(
        r.snapshot,
        clients=dataset.clients,
        activities=dataset.activities,
        transactions=dataset.transactions,
        lifecycle=r.lifecycle,
        abc=r.segments,
        policy=policy,
        churn_scores=r.scores(),
        as_of=as_of,
        lost_ids=None if lost is None else lost[S.CLIENT_ID],
    )


def _nps(r: AuditResults, dataset: Dataset, as_of: pd.Timestamp) -> NPSReport:
    """NPS overall and by ABC class, lifecycle block and manager; detractors among class A."""
    surveys, mg = dataset.surveys, computed(r.managers)
    groups: dict[str, Any] = {S.ABC: r.segments.abc, S.BLOCK: r.lifecycle}
    if mg is not None:
        groups[S.MANAGER] = mg
    table = nps_by(surveys, groups, as_of=as_of)
    det = detractors_a(surveys, r.segments.abc, as_of=as_of, clients=dataset.clients, managers=mg)
    return NPSReport(table, det)


def _monthly_extras(r: AuditResults, dataset: Dataset, panel: Any, config: Config) -> MonthlyExtras:
    """The previous period end's reactivation list and high-risk clients, a year ago's
    snapshot: what the monthly report compares with."""
    out = MonthlyExtras()
    prev = computed(r.prev_snapshot)
    if prev is None or r.prev_lifecycle is None:
        return out
    react_prev = L.reactivation_list(
        prev, r.prev_lifecycle, dataset.clients, rules=config.lifecycle
    )
    out.reactivation_prev_ids = set(react_prev[S.CLIENT_ID])
    churn = computed(r.churn)
    if churn is not None and churn.scores is not None:
        p = churn.model.predict_proba(prev)
        out.high_prev_ids = set(prev.loc[p >= HIGH_RISK, S.CLIENT_ID])
    year_ago = month_end(r.period_end - pd.DateOffset(years=1))
    if panel.start <= year_ago:
        out.year_ago_snapshot = snapshot(
            panel, as_of=year_ago, window_months=config.report.window_months
        )
    return out


def _money(r: AuditResults, dataset: Dataset, config: Config, as_of: pd.Timestamp) -> None:
    """Where the money is (#17): the Paretos, what each segment buys, the low-margin sales;
    only when the sales lines carry a product, a category or a channel."""
    tx, clients = dataset.transactions, dataset.clients
    if tx is None or not any(c in tx.columns and tx[c].notna().any() for c in LINE_DIMENSIONS):
        return
    segments = {
        S.ABC: r.segments.abc.clients[[S.CLIENT_ID, S.ABC]],
        S.BLOCK: r.lifecycle.clients[[S.CLIENT_ID, S.BLOCK]],
        S.SIZE_TIER: r.segments.size.clients[[S.CLIENT_ID, S.SIZE_TIER]],
    }
    if clients is not None and S.INDUSTRY in clients.columns:
        segments[S.INDUSTRY] = clients[[S.CLIENT_ID, S.INDUSTRY]]
    r.money = _guarded(
        "money",
        where_money,
        tx,
        clients,
        as_of=as_of,
        window_months=config.report.window_months,
        segments=segments,
    )


def _forecast(dataset: Dataset, panel: Any, as_of: pd.Timestamp) -> ForecastReport | None:
    """The revenue forecast by every dimension the data have, and the plan of the data folder
    checked (#17); a plan that cannot be read is reported in the section, not raised. None
    when the sales are too short to forecast."""
    if not enough_history(panel, as_of):
        return None
    plan, error, path = None, None, None
    folder = dataset.source
    if folder is not None and Path(folder).is_dir():
        try:
            path = find_plan(folder)
            plan = read_plan(path) if path is not None else None
        except InputError as exc:
            error = str(exc)
    levels = client_levels(dataset, as_of) if dataset.transactions is not None else None
    return audit_forecast(
        panel,
        as_of=as_of,
        levels=levels,
        plan=plan,
        plan_source=None if path is None else str(path),
        plan_error=error,
    )


def _cross_sell(r: AuditResults, dataset: Dataset, panel: Any, as_of: pd.Timestamp) -> None:
    """The categories each client's peers buy and it does not (#17), when the sales carry a
    category; valued with the churn model's probabilities when it scored."""
    if dataset.transactions is not None and S.CATEGORY in dataset.transactions.columns:
        r.cross_sell = _guarded(
            "cross_sell",
            cross_sell,
            dataset.transactions,
            as_of=as_of,
            clients=dataset.clients,
            panel=panel,
            churn=r.scores(),
        )


__all__ = [
    "AuditResults",
    "ChurnResult",
    "Failed",
    "MonthlyExtras",
    "NPSReport",
    "computed",
    "lost_in_period",
    "run_audit",
]
