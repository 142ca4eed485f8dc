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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.dates import check_as_of, default_as_of
from ..core.panel import build_panel
from ..errors import InputError, ParameterError
from ..io import schema as S
from ..io.config import Config, load_config, with_overrides
from ..io.dataset import Dataset
from ..io.load import load
from ..io.resources import data_path
from . import findings as F
from . import text as T
from .export import replaced, with_client_names, write_action_lists
from .mask import mask_frame, mask_key
from .run import AuditResults, Failed, computed, run_audit
from .sections import RENDERERS
from .sections.common import na
from .store import ACTION_LISTS_FILE, read_cached, record_kpis
from .words import churn as WC
from .words import crosssell as WX
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
    "money",
    "cross_sell",
    "plan",
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
    if tx is None and dataset.scan is not None:  # read out of core: the scan's figures
        return _scanned_lines(dataset)
    if tx is None:
        return pd.DataFrame({S.CLIENT_ID: [], S.DATE: pd.to_datetime([]), S.AMOUNT: []})
    if as_of is None or as_of == "":
        return tx
    day_after = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return tx[tx[S.DATE] < day_after]


def _scanned_lines(dataset: Dataset) -> pd.DataFrame:
    """Transactions read out of core, as the checks of :func:`check_data` read them: two lines
    per client (its first and last transaction date, the net total on the first), from the
    load report's figures -- the lines themselves are not in memory."""
    rep = dataset.reports.get(S.TRANSACTIONS)
    if rep is None or not rep.rows_kept or rep.date_min is None:
        return pd.DataFrame({S.CLIENT_ID: [], S.DATE: pd.to_datetime([]), S.AMOUNT: []})
    n = max(int(rep.clients), 1)
    ids = np.arange(n).astype(str)
    return pd.DataFrame(
        {
            S.CLIENT_ID: np.concatenate([ids, ids]),
            S.DATE: [rep.date_min] * n + [rep.date_max] * n,
            S.AMOUNT: [rep.total_amount - rep.returns_amount] + [0.0] * (2 * n - 1),
        }
    )


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
    end = pd.Timestamp(dataset.date_range()[1]).normalize()
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
    #: every analysis, one typed field each (see :class:`reportkit.report.run.AuditResults`)
    results: AuditResults
    lang: str = "en"
    title: str = ""
    output_dir: Path = Path(".")
    #: show pseudonyms instead of the clients' and managers' names, contacts and ids in every
    #: section and action list (the analyses always run on the real data)
    mask: bool = False
    kpis: dict[str, Any] = field(default_factory=dict)
    #: computed once on first use: the limits sentences, the masking key
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
        churn, monthly : bool, default True, False
            Fit the churn model; also compute what the monthly report compares with.
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
            results=run_audit(dataset, panel, cfg, stamp, churn=churn, monthly=monthly),
            lang=lang,
            title=title,
            output_dir=Path(output_dir),
            mask=bool(mask),
        )
        self.kpis = F.kpis(self)
        return self

    def refresh(self) -> Audit:
        """Recompute the key figures after an analysis was rerun by hand, e.g. with other ABC
        cut-offs, so that its section and the summary agree::

            r = audit.results
            r.segments = segment_all(r.snapshot, settings=other, clients=audit.dataset.clients)
            audit.refresh().show("abc")
        """
        self.kpis = F.kpis(self)
        return self

    # --- what the sections read ------------------------------------------------------------------

    @property
    def period_end(self) -> pd.Timestamp:
        """The end of the report's month."""
        return self.results.period_end

    @property
    def prev_end(self) -> pd.Timestamp:
        """The end of the month before the report's."""
        return self.results.prev_end

    @property
    def errors(self) -> dict[str, str]:
        """Analyses that failed: name -> the technical reason (on stderr, not in the report)."""
        return {n: f.reason for n, f in self.results.failed().items() if f.why is None}

    def policy_table(self) -> pd.DataFrame:
        """The contact policy in force: the config's file (``segmentation.contact_policy``), which
        may carry an ``allowed_days`` column for the forgotten-client check, else the default."""
        return self.results.policy

    # --- key figures and findings ---------------------------------------------------------------

    def high_risk(self) -> pd.DataFrame | None:
        """The scored clients of the high band (probability 60 %+), the clients the finding on
        churn names."""
        return self.results.high_risk()

    def actions(self) -> list[dict[str, Any]]:
        """What to do first, ranked by money (see :func:`reportkit.report.findings.actions`)."""
        return F.actions(self)

    def findings(self) -> list[str]:
        """The base in figures, in sentences (see :func:`reportkit.report.findings.findings`)."""
        return F.findings(self)

    def lost_this_period(self) -> pd.DataFrame | None:
        """Clients who became dead in the report's period, with their ABC class and revenue
        over the 12 months before the period (from the previous period end's snapshot)."""
        return self.results.lost_in_period

    # --- action lists and kpis.json --------------------------------------------------------------

    def action_lists(self) -> dict[str, pd.DataFrame]:
        """The lists beside the report: at_risk, reactivation, duplicates, segments, … as they
        are written (with ``mask``: the clients and managers as pseudonyms, same rows)."""
        r = self.results
        lists: dict[str, pd.DataFrame] = {}
        scores = r.scores()
        if scores is not None:
            lists["at_risk"] = WC.at_risk_list(
                scores, self.lang, horizon_days=self.config.churn.horizon_days
            )
        react, dups, mg, nps = (
            computed(r.reactivation),
            computed(r.duplicates),
            computed(r.managers),
            computed(r.nps),
        )
        if react is not None:
            lists["reactivation"] = self.reactivation_view(react)
        if dups is not None:
            lists["duplicates"] = WQ.duplicates_list(dups, self.lang)
        if mg is not None and len(mg.forgotten):
            lists["forgotten"] = mg.forgotten
        if mg is not None and len(mg.overdue):
            lists["overdue"] = self.overdue_view(mg.overdue)
        if nps is not None and len(nps.detractors_a):
            lists["detractors_a"] = nps.detractors_a
        xs = computed(r.cross_sell)
        if xs is not None and len(xs.recommendations):
            lists["cross_sell"] = WX.action_list(
                xs.action_list(), self.lang, window_months=xs.params["window_months"]
            )
        seg = r.segments.to_frame()
        life = r.lifecycle.clients[[S.CLIENT_ID, S.BLOCK, S.ZONE]]
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
        """A plain sentence for an analysis that was not computed: why, when it was left out on
        purpose, else that it could not be computed from these data. The technical error is
        not for the client's report: it went to stderr."""
        failed = getattr(self.results, name, None)
        if not isinstance(failed, Failed):
            return ""
        if failed.why is not None:
            return na(self.lang, say(failed.why, self.lang))
        return na(self.lang, say("na.error", self.lang, what=what))

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
            end = min(self.as_of, pd.Timestamp(self.dataset.date_range()[1]).normalize())
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

    def overdue_view(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The overdue tasks as a manager works through them: the most recently missed first
        (a task three years late is most likely done or dead; the analysis keeps them all)."""
        return frame.sort_values(S.DAYS_OVERDUE, kind="stable").reset_index(drop=True)

    def reactivation_view(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The reactivation list with its reasons worded in the report's language."""
        return WL.reactivation_list(frame, self.results.lifecycle, self.lang)

    # --- monthly ------------------------------------------------------------------------------------


__all__ = [
    "LABELS",
    "SECTIONS_AUDIT",
    "SECTIONS_MONTHLY",
    "Audit",
]
