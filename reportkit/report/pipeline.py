"""The content of the reports: every analysis of one base as of one date, as report sections.

:class:`Audit` is the report layer's single object. ``Audit.build`` loads the data (or reads
what :func:`reportkit.report.render.audit` cached), builds the panel once, and runs the analyses —
snapshot, segmentation, lifecycle, dynamics, churn, data quality. ``Audit.show(name)`` returns one
section as HTML (heading, sentences, tables, figures), in English or Russian; the notebooks are
a parameters cell and one ``show`` call per cell. Numbers in sentences are produced here, from the
results, never typed into a notebook.

An analysis that cannot run on the data at hand (no clients table, too little history for a
churn model, …) leaves its section with a short sentence saying why — never a crash.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis import dynamics as D
from ..analysis import lifecycle as L
from ..analysis import quality as Q
from ..analysis.churn import BAND, ChurnModel
from ..analysis.managers import (
    detractors_a,
    has_managers,
    managers,
    nps_by,
)
from ..analysis.quality import reconcile
from ..analysis.segmentation import segment_all
from ..analysis.value import backtest_expected_revenue
from ..core.dates import check_as_of, default_as_of, month_end
from ..core.panel import build_panel
from ..core.snapshot import snapshot
from ..errors import InputError, ParameterError, ReportkitError
from ..io import schema as S
from ..io.config import Config, load_config, with_overrides
from ..io.dataset import Dataset
from ..io.load import load
from ..io.policy import load_contact_policy
from ..io.resources import data_path
from . import findings as F
from . import text as T
from .export import replaced, with_client_names, write_action_lists
from .mask import mask_frame, mask_key
from .sections import RENDERERS
from .sections.common import na
from .store import ACTION_LISTS_FILE, read_cached, record_kpis
from .words import churn as WC
from .words import lifecycle as WL
from .words import quality as WQ
from .words.audit import LABELS, count, say

T.register(LABELS, namespace="audit", overwrite=True)


SECTIONS_AUDIT = (
    "verdict",
    "overview",
    "abc",
    "xyz",
    "rfm",
    "bcg",
    "size",
    "lifecycle",
    "dynamics",
    "churn",
    "reactivation",
    "quality",
    "managers",
    "appendix",
    "data",
    "model",
    "method",
)
SECTIONS_MONTHLY = ("period", "dynamics", "churn_new", "reactivation")


# --- guards: data no audit can be drawn from, and data a report must warn about ---------------

#: the fewest clients (with a transaction up to the report date) an audit is drawn from
MIN_CLIENTS = 20
#: months of history below which a report opens with what it cannot conclude
MIN_MONTHS = 3


def _source_name(dataset: Dataset) -> str:
    """The transactions file, for messages (the data's source, or a description)."""
    rep = (getattr(dataset, "reports", None) or {}).get(S.TRANSACTIONS)
    file = getattr(rep, "file", None)
    if file:
        return str(file)
    source = getattr(dataset, "source", None)
    return str(source) if source else "the transactions"


def _up_to(dataset: Dataset, as_of: Any) -> pd.DataFrame:
    tx = dataset.transactions
    if tx is None:
        return pd.DataFrame({S.CLIENT_ID: [], S.DATE: pd.to_datetime([]), S.AMOUNT: []})
    if as_of is None or as_of == "":
        return tx
    day_after = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return tx[tx[S.DATE] < day_after]


def _short(first: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Whether the days first … end (inclusive) cover less than MIN_MONTHS months."""
    return first + pd.DateOffset(months=MIN_MONTHS) > end + pd.Timedelta(days=1)


def check_data(dataset: Dataset, as_of: Any = None) -> list[str]:
    """Refuse data that no audit can be drawn from; say what a report on thin data cannot tell.

    Raises :class:`~reportkit.errors.InputError` (the command line's exit 2), naming the file,
    what is wrong and the fix, when -- counting the transactions up to ``as_of`` -- every
    amount is 0 (or no row is a sale, only returns), every sale is dated on one day, or fewer
    than :data:`MIN_CLIENTS` clients bought: a report on such data would print figures like
    "81 % of revenue comes from 1 client" that say nothing.

    Returns English sentences (for the terminal) when the data cover less than
    :data:`MIN_MONTHS` months: the report is still made, and opens with a paragraph saying what
    it cannot conclude (see :meth:`Audit.limits`).
    """
    file = _source_name(dataset)
    tx = _up_to(dataset, as_of)
    upto = "" if as_of is None or as_of == "" else f" up to {pd.Timestamp(as_of):%Y-%m-%d}"
    if not len(tx):
        raise InputError(
            f"{file}: no sales row was kept{upto}, so there is nothing to audit. "
            "Run `reportkit check` on the data to see why rows were rejected."
        )
    first, last = (
        pd.Timestamp(tx[S.DATE].min()).normalize(),
        pd.Timestamp(tx[S.DATE].max()).normalize(),
    )
    span = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    # the history the report stands on: from the first sale to the report date (or the last
    # sale, when the report date is later)
    end = pd.Timestamp(dataset.transactions[S.DATE].max()).normalize()
    if as_of is not None and as_of != "":
        end = min(end, pd.Timestamp(as_of).normalize())
    amount = pd.to_numeric(tx[S.AMOUNT], errors="coerce")
    if not (amount.fillna(0) != 0).any():
        raise InputError(
            f"{file}: every amount is 0 ({len(tx):,} rows{upto}), so there is no revenue to "
            "rank, segment or lose. Check that the amount column is the right one (name it in "
            'the config: [columns.transactions] amount = "…"; without an amount column the '
            "amount is quantity × price) and run again."
        )
    if not (amount > 0).any():
        raise InputError(
            f"{file}: no row{upto} has a positive amount (only returns), so there is no sale "
            "to analyse. Export the sales together with the returns and run again."
        )
    if first == last:
        raise InputError(
            f"{file}: every sale is dated {first:%Y-%m-%d}. One day of data says nothing about "
            "how often clients buy, who is leaving or how the base changes. Export the sales "
            f"of a longer period (at least {MIN_MONTHS} months, a year or more is best) and "
            "run again."
        )
    n = int(tx[S.CLIENT_ID].nunique())
    if n < MIN_CLIENTS:
        who = "1 client" if n == 1 else f"{n} clients"
        raise InputError(
            f"{file}: only {who} bought{upto} ({span}); an audit needs at least "
            f"{MIN_CLIENTS}, or its shares and segments describe single clients, not a client "
            "base. Export the whole client base (every client, not a selection) and run again."
        )
    if _short(first, end):
        return [
            (
                f"{file}: the sales cover only {first:%Y-%m-%d} – {end:%Y-%m-%d}, less than "
                f"{MIN_MONTHS} months; the "
                "report opens with what it cannot conclude (regularity, lifecycle, dynamics, "
                "churn)."
            )
        ]
    return []


@dataclass
class Audit:
    """Every analysis of one base as of one date, ready to be shown section by section.

    Build it with :meth:`Audit.build`; show sections with :meth:`show`.
    """

    dataset: Dataset
    panel: Any
    config: Config
    as_of: pd.Timestamp
    lang: str = "en"
    title: str = ""
    output_dir: Path = Path(".")
    #: show pseudonyms instead of the clients' and managers' names, contacts and ids in every
    #: section and action list (the analyses always run on the real data)
    mask: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)
    #: computed once on first use: the contact policy in force, the lifecycle at the previous
    #: period end, the clients lost in the period
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        data: Any = None,
        *,
        as_of: Any = None,
        config: Any = None,
        lang: str = "en",
        dataset_path: str = "",
        panel_path: str = "",
        config_path: str = "",
        output_dir: str | os.PathLike = ".",
        title: str = "",
        churn: bool = True,
        monthly: bool = False,
        mask: bool = False,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Audit:
        """Load (or read the cached inputs), build the panel and run every analysis.

        Parameters
        ----------
        data : path or Dataset, optional
            A transactions file or folder; default: the bundled sample base. Ignored when
            ``dataset_path`` is given.
        as_of : date, optional
            Default: the end of the last full month in the data.
        config : Config, path or dict, optional
        lang : {"en", "ru"}, default "en"
        dataset_path, panel_path, config_path : str, optional
            Inputs cached by :func:`reportkit.report.render.audit` / ``monthly`` (read instead of
            loading the data again).
        output_dir : path, default "."
            Where the action lists and ``kpis.json`` are written.
        churn : bool, default True
            Fit the churn model.
        monthly : bool, default False
            Also compute what the monthly report compares (previous period, a year ago).
        mask : bool, default False
            Show stable pseudonyms instead of client names, ids, phones, e-mails, tax ids and
            managers' names in the sections and the action lists (key:
            :func:`reportkit.report.render.mask_key`). The analyses and every figure are
            those of the real data.
        overrides : dict of section to settings, optional
            Settings that replace the config's, e.g. ``{"churn": {"horizon_days": 60}}``
            (checked like a config file's; see :func:`reportkit.io.config.with_overrides`).

        Raises
        ------
        InputError
            Data no audit can be drawn from (see :func:`check_data`), when the data are loaded
            here (inputs cached by ``render.audit``/``monthly`` were checked there).
        """

        if lang not in ("en", "ru"):
            raise ParameterError(f"`lang` must be 'en' or 'ru', got {lang!r}")
        cfg = read_cached(config_path) if config_path else load_config(config or None)
        cfg = with_overrides(cfg, overrides)
        if dataset_path:
            dataset = read_cached(dataset_path)
        elif isinstance(data, Dataset):
            dataset = data
        else:
            dataset = load(data or data_path("sample"), cfg)
        panel = read_cached(panel_path) if panel_path else build_panel(dataset)
        stamp = pd.Timestamp(default_as_of(dataset) if as_of in (None, "") else as_of).normalize()
        check_as_of(dataset, stamp)
        if not dataset_path:
            check_data(dataset, stamp)
        self = cls(
            dataset=dataset,
            panel=panel,
            config=cfg,
            as_of=stamp,
            lang=lang,
            title=title,
            output_dir=Path(output_dir),
            mask=bool(mask),
        )
        self._compute(churn=churn, monthly=monthly)
        return self

    def _guard(self, name: str, fn, *args, **kwargs):
        """Run an optional analysis; on failure keep the message for its section."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = fn(*args, **kwargs)
        except ReportkitError as exc:
            self.errors[name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - an analysis bug must not take the whole report down
            self.errors[name] = f"{type(exc).__name__}: {exc}"
        if name in self.errors:
            # the details are for whoever runs the report (stderr: the executed notebook keeps
            # them, the HTML does not); the report itself says it in a plain sentence
            warnings.warn(
                f"reportkit: {name} could not be computed: {self.errors[name]}",
                RuntimeWarning,
                stacklevel=2,
            )
            return None
        self.results[name] = value
        return value

    def _compute(self, *, churn: bool, monthly: bool) -> None:
        cfg, r = self.config, self.results
        clients = self.dataset.clients
        window = cfg.report.window_months
        snap = snapshot(self.panel, as_of=self.as_of, window_months=window)
        r["snapshot"] = snap
        self.policy_table()  # a broken contact policy file is an input error up front
        r["segments"] = segment_all(snap, settings=cfg.segmentation, clients=clients)
        abc_frame = r["segments"].abc.clients
        r["lifecycle"] = L.classify(snap, clients, rules=cfg.lifecycle, abc=abc_frame)
        period_end = month_end(self.as_of)
        self.period_end = period_end
        self._guard(
            "reactivation", L.reactivation_list, snap, r["lifecycle"], clients, rules=cfg.lifecycle
        )
        freq = "Q" if cfg.report.period == "quarter" else "M"
        if period_end < self.panel.start:
            # the report date lies in the data's first month: no month end to count flows at
            self.why()["dynamics"] = "why.first_month"
        else:
            # the migration compares with the previous period end: only when it is in the data
            before = period_end - pd.offsets.MonthEnd(3 if freq == "Q" else 1)
            self._guard(
                "dynamics",
                D.dynamics,
                self.panel,
                clients,
                as_of=period_end,
                freq=freq,
                rules=cfg.lifecycle,
                window_months=window,
                migration=bool(before >= self.panel.start),
            )
        prev_end = month_end(period_end - pd.offsets.MonthBegin(1))
        self.prev_end = prev_end
        if self.panel.start <= prev_end:
            prev = self._guard(
                "prev_snapshot", snapshot, self.panel, as_of=prev_end, window_months=window
            )
            if prev is not None:
                self._guard(
                    "prev_abc",
                    lambda: (
                        segment_all(prev, settings=cfg.segmentation, clients=clients).abc.clients
                    ),
                )
        if churn:
            self._guard("churn", self._fit_churn)
            # the expected 12-month revenue behind "revenue at risk", checked at the latest
            # cut-off whose next 12 months are in the data
            self._guard(
                "value_backtest",
                backtest_expected_revenue,
                self.panel,
                as_of=self.as_of,
                n_cutoffs=1,
            )
        if clients is not None:
            self._guard(
                "duplicates",
                Q.find_duplicates,
                clients,
                transactions=self.dataset.transactions,
                settings=cfg.quality,
            )
            self._guard(
                "completeness",
                Q.completeness,
                clients,
                transactions=self.dataset.transactions,
                activities=self.dataset.activities,
                settings=cfg.quality,
            )

        ds = self.dataset
        if has_managers(clients=clients, activities=ds.activities, transactions=ds.transactions):
            self._guard("managers", self._managers)
        if ds.surveys is not None:
            self._guard("nps", self._nps)

        self._guard(
            "reconciliation",
            reconcile,
            self.dataset.reports,
            self.dataset.transactions,
            self.panel,
            clients=clients,
        )
        if monthly:
            self._guard("monthly", self._monthly_extras)
        self.kpis = self._kpis()

    def _fit_churn(self):
        model = ChurnModel.from_settings(
            self.config.churn, self.config.lifecycle, window_months=self.config.report.window_months
        )
        model.fit(self.panel, as_of=self.as_of)
        scores = None
        if model.chosen_ is not None:
            scores = model.score_clients(self.results["snapshot"], clients=self.dataset.clients)
        return {"model": model, "scores": scores}

    def _managers(self):
        """Managers' portfolios, forgotten clients and overdue tasks as of the report date."""

        r = self.results
        churn = r.get("churn")
        scores = churn["scores"].clients if churn and churn["scores"] is not None else None
        policy = self.policy_table()
        if S.ALLOWED_DAYS not in policy.columns:
            policy = None
        lost = self.lost_this_period()
        return managers(
            r["snapshot"],
            clients=self.dataset.clients,
            activities=self.dataset.activities,
            transactions=self.dataset.transactions,
            lifecycle=r["lifecycle"],
            abc=r["segments"],
            policy=policy,
            churn_scores=scores,
            as_of=self.as_of,
            lost_ids=None if lost is None else lost[S.CLIENT_ID],
        )

    def policy_table(self) -> pd.DataFrame:
        """The contact policy in force: the config's file (``segmentation.contact_policy``), which
        may carry an ``allowed_days`` column for the forgotten-client check, else the default."""

        if "policy" not in self._cache:
            self._cache["policy"] = load_contact_policy(self.config.segmentation.contact_policy)
        return self._cache["policy"]

    def _nps(self):
        """NPS overall and by ABC class, RFM segment, lifecycle block and manager; detractors
        among class A clients."""

        r, surveys = self.results, self.dataset.surveys
        groups: dict[str, Any] = {S.ABC: r["segments"].abc, S.BLOCK: r["lifecycle"]}
        if r.get("managers") is not None:
            groups[S.MANAGER] = r["managers"]
        table = nps_by(surveys, groups, as_of=self.as_of)
        det = detractors_a(
            surveys,
            r["segments"].abc,
            as_of=self.as_of,
            clients=self.dataset.clients,
            managers=r.get("managers"),
        )
        return {"table": table, "detractors_a": det}

    def _monthly_extras(self):
        """Snapshots of the previous period end for the monthly comparison."""

        out = {}
        prev = self.results.get("prev_snapshot")
        if prev is None:
            return out
        clients = self.dataset.clients
        react_prev = L.reactivation_list(
            prev, self._previous_lifecycle(), clients, rules=self.config.lifecycle
        )
        out["reactivation_prev_ids"] = set(react_prev[S.CLIENT_ID])
        churn = self.results.get("churn")
        if churn and churn["scores"] is not None:
            p = churn["model"].predict_proba(prev)
            out["high_prev_ids"] = set(prev.loc[p >= 0.6, S.CLIENT_ID])
        year_ago = month_end(self.period_end - pd.DateOffset(years=1))
        if self.panel.start <= year_ago:
            out["year_ago_snapshot"] = snapshot(
                self.panel, as_of=year_ago, window_months=self.config.report.window_months
            )
        return out

    # --- key figures and findings ---------------------------------------------------------------

    def _kpis(self) -> dict[str, Any]:
        return F.kpis(self)

    def high_risk(self) -> pd.DataFrame | None:
        """The scored clients of the high band (probability 60 %+), the clients the finding on
        churn names."""
        churn = self.results.get("churn")
        if not churn or churn["scores"] is None:
            return None
        scores = churn["scores"].clients
        return scores[scores[BAND] == "high"]

    def actions(self) -> list[dict[str, Any]]:
        """What to do first, ranked by money (see :func:`reportkit.report.findings.actions`)."""
        return F.actions(self)

    def findings(self) -> list[str]:
        """The base in figures, in sentences (see :func:`reportkit.report.findings.findings`)."""
        return F.findings(self)

    def _previous_lifecycle(self):
        """The lifecycle at the previous period end (classified once; None without it)."""
        if "prev_lifecycle" not in self._cache:
            prev = self.results.get("prev_snapshot")
            self._cache["prev_lifecycle"] = (
                None
                if prev is None
                else L.classify(prev, self.dataset.clients, rules=self.config.lifecycle)
            )
        return self._cache["prev_lifecycle"]

    def lost_this_period(self) -> pd.DataFrame | None:
        """Clients who became dead in the report's period, with their ABC class and revenue
        over the 12 months before the period (from the previous period end's snapshot)."""
        if "lost" not in self._cache:
            self._cache["lost"] = self._lost_this_period()
        return self._cache["lost"]

    def _lost_this_period(self) -> pd.DataFrame | None:
        prev = self.results.get("prev_snapshot")
        prev_abc = self.results.get("prev_abc")
        if prev is None or prev_abc is None:
            return None
        before = self._previous_lifecycle().clients
        now = self.results["lifecycle"].clients
        alive_before = set(
            before.loc[
                ~before[S.BLOCK].astype(str).str.startswith("dead")
                & (
                    prev.set_index(S.CLIENT_ID)
                    .reindex(before[S.CLIENT_ID])[S.ORDERS_TOTAL]
                    .to_numpy()
                    > 0
                ),
                S.CLIENT_ID,
            ]
        )
        dead_now = set(now.loc[now[S.BLOCK].astype(str).str.startswith("dead"), S.CLIENT_ID])
        ids = sorted(alive_before & dead_now)
        abc = prev_abc.set_index(S.CLIENT_ID)
        out = pd.DataFrame({S.CLIENT_ID: ids})
        out["abc_before"] = abc[S.ABC].reindex(ids).astype(str).to_numpy()
        out["revenue_before"] = (
            prev.set_index(S.CLIENT_ID)[S.REVENUE_WINDOW].reindex(ids).to_numpy()
        )
        return out

    # --- action lists and kpis.json --------------------------------------------------------------

    def action_lists(self) -> dict[str, pd.DataFrame]:
        """The lists beside the report: at_risk, reactivation, duplicates, segments, … as they
        are written (with ``mask``: the clients and managers as pseudonyms, same rows)."""
        r = self.results
        lists: dict[str, pd.DataFrame] = {}
        churn = r.get("churn")
        if churn and churn["scores"] is not None:
            lists["at_risk"] = WC.at_risk_list(
                churn["scores"].clients, self.lang, horizon_days=self.config.churn.horizon_days
            )
        if r.get("reactivation") is not None:
            lists["reactivation"] = self.reactivation_view(r["reactivation"])
        if r.get("duplicates") is not None:
            lists["duplicates"] = WQ.duplicates_list(r["duplicates"], self.lang)
        if r.get("managers") is not None and len(r["managers"].forgotten):
            lists["forgotten"] = r["managers"].forgotten
        if r.get("managers") is not None and len(r["managers"].overdue):
            lists["overdue"] = r["managers"].overdue
        if r.get("nps") is not None and len(r["nps"]["detractors_a"]):
            lists["detractors_a"] = r["nps"]["detractors_a"]
        seg = r["segments"].to_frame()
        life = r["lifecycle"].clients[[S.CLIENT_ID, S.BLOCK, S.ZONE]]
        seg = seg.merge(life, on=S.CLIENT_ID, how="left")
        clients = self.dataset.clients
        if clients is not None:
            extra = [c for c in (S.NAME, S.MANAGER) if c in clients.columns]
            seg = (
                clients[[S.CLIENT_ID, *extra]]
                .drop_duplicates(S.CLIENT_ID)
                .merge(seg, on=S.CLIENT_ID, how="right")
            )
        lists["segments"] = seg
        # every list that has a client names it, beside its id (masked below with ``mask``)
        lists = with_client_names(lists, clients)
        return {name: self.shown(frame) for name, frame in lists.items()}

    def save(self) -> dict[str, Path]:
        """Write the action lists (CSV + XLSX) and ``kpis.json`` into ``output_dir``."""

        self.output_dir.mkdir(parents=True, exist_ok=True)
        paths = write_action_lists(self.action_lists(), self.output_dir, lang=self.lang)
        manifest = {k: Path(v).name for k, v in paths.items()}
        with replaced(self.output_dir / ACTION_LISTS_FILE) as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        record_kpis(
            {k: v for k, v in self.kpis.items() if v is not None and k != "as_of"}, self.output_dir
        )
        return paths

    # --- sections --------------------------------------------------------------------------------

    def show(self, section: str) -> T.Html:
        """One section of the report as HTML (heading, sentences, tables, figures)."""
        render = RENDERERS.get(section)
        if render is None:
            raise ParameterError(
                f"`section` must be one of {', '.join(sorted(RENDERERS))}, got {section!r}"
            )
        return T.Html(render(self))

    def error_or_na(self, name: str, what: str) -> str:
        """A plain sentence for an analysis that was not computed: why, when it is known (see
        :meth:`why`), else that it could not be computed from these data. The technical error
        is not for the client's report: it went to stderr (:meth:`_guard`)."""
        why = self.why().get(name)
        if why is not None:
            return na(self.lang, say(why, self.lang))
        if name in self.errors:
            return na(self.lang, say("na.error", self.lang, what=what))
        return ""

    def why(self) -> dict[str, str]:
        """Analyses left out on purpose: name -> the key of the plain reason shown instead."""
        return self._cache.setdefault("why", {})

    def churn_why(self, reason: str | None) -> str:
        """The churn model's reason for not scoring, as a plain sentence in the report's
        language (the model card's own reason is technical and English)."""
        text = str(reason or "")
        key = (
            "why.history"
            if text.startswith("too little history")
            else "why.few_clients"
            if text.startswith("too few clients")
            else "why.few_churners"
            if text.startswith("too few churners")
            else "why.data"
        )
        return say(key, self.lang)

    # --- masking at the edge: what the report and the action lists show ----------------------

    def _mask_key(self) -> bytes:
        if "mask_key" not in self._cache:
            self._cache["mask_key"] = mask_key()
        return self._cache["mask_key"]

    def shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` as a report table or an action list shows it: with ``mask``, the clients'
        names, ids, phones, e-mails, tax ids, contact persons and managers' names replaced by
        their stable pseudonyms; otherwise unchanged."""
        if not self.mask or not isinstance(frame, pd.DataFrame):
            return frame

        return mask_frame(frame, self._mask_key(), lang=self.lang, ids=True)

    def shown_manager(self, values: pd.Series) -> pd.Series:
        """Managers' names (one column) as shown: pseudonyms with ``mask``."""
        if not self.mask:
            return values

        return mask_frame(pd.DataFrame({S.MANAGER: values}), self._mask_key(), lang=self.lang)[
            S.MANAGER
        ]

    # --- what the data cannot tell ---------------------------------------------------------------

    def limits(self) -> list[str]:
        """Sentences that open the report when the data are too thin for some conclusions
        (less than :data:`MIN_MONTHS` months of sales, or fewer than :data:`MIN_CLIENTS`
        clients by the report date); empty otherwise."""
        if "limits" in self._cache:
            return self._cache["limits"]
        lang, out = self.lang, []
        tx = _up_to(self.dataset, self.as_of)
        if len(tx):
            first = pd.Timestamp(tx[S.DATE].min()).normalize()
            end = min(self.as_of, pd.Timestamp(self.dataset.transactions[S.DATE].max()).normalize())
            if _short(first, end):
                stop = end + pd.Timedelta(days=1)  # the history is first … end, both in
                months = (
                    (stop.year - first.year) * 12
                    + stop.month
                    - first.month
                    - (stop.day < first.day)
                )
                span = (
                    count(months, "month", lang)
                    if months >= 1
                    else count((end - first).days + 1, "day", lang)
                )
                out.append(
                    say(
                        "limits.short",
                        lang,
                        months=span,
                        start=T.fmt_date(first, lang),
                        end=T.fmt_date(end, lang),
                    )
                )
            n = int(tx[S.CLIENT_ID].nunique())
            if n < MIN_CLIENTS:
                out.append(
                    say(
                        "limits.few_clients",
                        lang,
                        clients=count(n, "client", lang),
                        end=T.fmt_date(self.as_of, lang),
                    )
                )
        self._cache["limits"] = out
        return out

    def reactivation_view(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The reactivation list with its reasons worded in the report's language."""
        return WL.reactivation_list(frame, self.results["lifecycle"], self.lang)

    # --- monthly ------------------------------------------------------------------------------------


__all__ = [
    "LABELS",
    "SECTIONS_AUDIT",
    "SECTIONS_MONTHLY",
    "Audit",
]
