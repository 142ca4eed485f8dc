"""What the audit concludes: the key figures, the actions ranked by money (page one) and the
facts of the base in sentences — each figure computed once and quoted from here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..analysis.churn import EXPECTED_REVENUE_12M, REVENUE_AT_RISK
from ..io import schema as S
from . import text as T
from .run import computed
from .view import AuditView
from .words.audit import count, say, say_n, verdict_text


def kpis(audit: AuditView) -> dict[str, Any]:
    r = audit.results
    snap = r.snapshot
    paying = snap[S.REVENUE_WINDOW] > 0
    rev = snap.loc[paying, S.REVENUE_WINDOW].sort_values(ascending=False)
    total = float(rev.sum())
    top_n = int(np.ceil(0.2 * len(rev))) if len(rev) else 0
    k = {
        "as_of": audit.as_of.strftime("%Y-%m-%d"),
        "clients": len(snap),
        "active_clients": int((snap[S.ORDERS_WINDOW] > 0).sum()),
        "revenue": total,
        "top20_share": float(rev.iloc[:top_n].sum() / total) if total > 0 else None,
    }
    abc = r.segments.abc.clients
    class_a = abc[abc[S.ABC] == "A"]
    k["class_a_clients"] = len(class_a)
    k["class_a_revenue_share"] = (
        float(class_a["value"].sum() / total) if total > 0 and "value" in abc else None
    )
    dyn = computed(r.dynamics)
    if dyn is not None and len(dyn.flows):
        f = dyn.flows
        last = f.iloc[-1]
        k["base"] = int(last[S.BASE_END])
        k["new_clients"] = int(last[S.NEW])
        k["lost_clients"] = int(last[S.LOST])
        k["reactivated_clients"] = int(last[S.REACTIVATED])
        k["churn_rate"] = float(last[S.CHURN_RATE]) if pd.notna(last[S.CHURN_RATE]) else None
        year = f.tail(12)
        base_year_ago = int(year.iloc[0][S.BASE_START])
        k["lost_12m"] = int(year[S.LOST].sum())
        k["base_year_ago"] = base_year_ago
        k["churn_rate_12m"] = (k["lost_12m"] / base_year_ago) if base_year_ago else None
        k["new_12m"] = int(year[S.NEW].sum())
        k["reactivated_12m"] = int(year[S.REACTIVATED].sum())
        k["revenue_period"] = _month_revenue(audit.panel, audit.period_end)
    high, scores = r.high_risk(), r.scores()
    if high is not None and scores is not None:
        # the summary's revenue at risk is the sum of the at-risk list (every scored
        # client), as the managers' table sums it per manager; the finding names the
        # high-risk clients and quotes their part of it
        k["revenue_at_risk"] = float(scores[REVENUE_AT_RISK].sum())
        k["expected_revenue_12m"] = float(scores[EXPECTED_REVENUE_12M].sum())
        k["high_risk_clients"] = len(high)
        k["revenue_at_risk_high"] = float(high[REVENUE_AT_RISK].sum())
    return k


def _month_revenue(panel: Any, day: pd.Timestamp) -> float:
    """The panel's revenue of the month of ``day``, from its arrays (a Panel) or its frame;
    the frame of a 10M-client panel (30M rows with a string each) is not built for it."""
    rows = getattr(panel, "rows", None)
    if rows is not None:
        month = (day.year - 1970) * 12 + day.month - 1
        return float(rows.revenue[rows.month == month].sum())
    frame = panel if isinstance(panel, pd.DataFrame) else panel.frame
    in_period = frame[S.MONTH] == day.to_period("M").start_time
    return float(frame.loc[in_period, S.REVENUE].sum())


#: the actions that tidy records rather than win or keep clients: ranked after those
TIDY = ("duplicates", "overdue")


def actions(audit: AuditView) -> list[dict[str, Any]]:
    """What to do first: one entry per action list that has clients, ranked by money.

    Each entry: ``code`` (``at_risk``, ``forgotten``, ``reactivation``, ``detractors_a``,
    ``cross_sell``, ``overdue``, ``duplicates``), ``value`` (the money the sentence quotes: the
    clients' revenue over the last 12 months; for the reactivation list, their best 12 months;
    for cross-sell, the expected value of the offers; for duplicates, the revenue split across
    the duplicate records), ``text`` (the sentence in
    the report's language), ``list`` (the action list that carries it out) and ``section``
    (the id of the report section that shows it). The clients to win or keep come first,
    largest money first, then the records to tidy (:data:`TIDY`): a clean-up is never ranked
    above a client who is leaving. The lists overlap: the values are not to be added up.
    """
    lang = audit.lang
    out = []
    rev = audit.results.snapshot.set_index(S.CLIENT_ID)[S.REVENUE_WINDOW]
    for code, value, size, section, fmt in _client_actions(audit, rev) + _tidy_actions(audit, rev):
        text = say_n(f"act.{code}", lang, size, revenue=T.fmt_money(value, lang), **fmt)
        out.append({"code": code, "value": value, "text": text, "list": code, "section": section})
    return sorted(out, key=lambda a: (a["code"] in TIDY, -a["value"]))


_Action = tuple[str, float, int, str, dict[str, Any]]


def _revenue_of(revenue: pd.Series, ids: pd.Series) -> float:
    """The clients' revenue over the report's window (each client once); ``revenue`` is the
    snapshot's window revenue by client id, indexed once per call of :func:`actions`."""
    return float(revenue.reindex(pd.unique(ids)).fillna(0).sum())


def _client_actions(audit: AuditView, rev: pd.Series) -> list[_Action]:
    """The clients to keep (at risk, forgotten, detractors) and to win back."""
    lang, r = audit.lang, audit.results
    out: list[_Action] = []
    high = audit.high_risk()
    if high is not None and len(high):
        fmt = {
            "n": count(len(high), "client", lang),
            "days": count(audit.config.churn.horizon_days, "day", lang),
            "risk": T.fmt_money(high[REVENUE_AT_RISK].sum(), lang),
        }
        out.append(("at_risk", _revenue_of(rev, high[S.CLIENT_ID]), len(high), "at-risk", fmt))
    mg = computed(r.managers)
    if mg is not None and len(mg.forgotten):
        n, ids = len(mg.forgotten), mg.forgotten[S.CLIENT_ID]
        fmt = {"n": count(n, "valuable_client", lang)}
        out.append(("forgotten", _revenue_of(rev, ids), n, "forgotten", fmt))
    react = computed(r.reactivation)
    if react is not None and len(react):
        left = int((react[S.BLOCK].astype(str) == "dead_reanimatable").sum())
        fmt = {
            "n": count(len(react), "client", lang),
            "silent": T.fmt_int(len(react) - left, lang),
            "left": T.fmt_int(left, lang),
        }
        best = float(react[S.BEST12_REVENUE].sum())
        out.append(("reactivation", best, len(react), "reactivation", fmt))
    nps = computed(r.nps)
    if nps is not None and len(nps.detractors_a):
        ids = nps.detractors_a[S.CLIENT_ID]
        n = int(ids.nunique())
        fmt = {"n": count(n, "a_client", lang)}
        out.append(("detractors_a", _revenue_of(rev, ids), n, "detractors-a", fmt))
    xs = computed(r.cross_sell)
    if xs is not None and len(xs.recommendations):
        rec = xs.recommendations
        n = int(rec[S.CLIENT_ID].nunique())
        fmt = {"n": count(n, "client", lang), "offers": T.fmt_int(len(rec), lang)}
        out.append(("cross_sell", float(rec["expected_value"].sum()), n, "cross-sell", fmt))
    return out


def _tidy_actions(audit: AuditView, rev: pd.Series) -> list[_Action]:
    """The records to tidy: overdue tasks, duplicate client records."""
    lang, r = audit.lang, audit.results
    out: list[_Action] = []
    mg = computed(r.managers)
    if mg is not None and len(mg.overdue):
        n = len(mg.overdue)
        value = _revenue_of(rev, mg.overdue[S.CLIENT_ID])
        out.append(("overdue", value, n, "overdue", {"n": count(n, "task", lang)}))
    dups = computed(r.duplicates)
    if dups is not None and len(dups.clients):
        g = dups.clients
        n_groups = int(g["group_id"].nunique())
        value = float(g[S.REVENUE].sum()) if S.REVENUE in g else 0.0
        fmt = {
            "records": count(len(g), "record", lang),
            "clients": count(n_groups, "client", lang),
        }
        out.append(("duplicates", value, len(g), "duplicates", fmt))
    return out


def findings(audit: AuditView) -> list[str]:
    """The base in figures: sentences that quote the numbers of this base (in the report's
    language). Every figure a sentence shares with the summary tiles or another section
    comes from :attr:`kpis` or the same result; the actions are in :func:`actions`."""
    lang, r = audit.lang, audit.results
    money = lambda v: T.fmt_money(v, lang)
    pct = lambda v: T.fmt_pct(v, lang, decimals=0)
    out: list[str] = []
    out += _money_and_base(audit)
    life = r.lifecycle.clients
    ever = int((r.snapshot[S.ORDERS_TOTAL] > 0).sum())
    dead = life[S.BLOCK].astype(str).str.startswith("dead")
    if ever:
        out.append(
            say_n(
                "f.dead_split",
                lang,
                int(dead.sum()),
                dead=count(int(dead.sum()), "client", lang),
                share=pct(dead.sum() / ever),
                reanimatable=T.fmt_int(int((life[S.BLOCK] == "dead_reanimatable").sum()), lang),
            )
        )
    lost = audit.lost_this_period()
    if lost is not None:
        out.append(
            say(
                "f.lost_period",
                lang,
                period=T.fmt_month(audit.period_end, lang),
                lost=count(len(lost), "client", lang),
                a_lost=T.fmt_int(int((lost["abc_before"] == "A").sum()), lang),
                revenue=money(lost["revenue_before"].sum()),
            )
        )
    vip = r.lifecycle.vip_review
    if len(vip):
        out.append(say_n("f.vip", lang, len(vip), n=count(len(vip), "vip_client", lang)))
    comp = computed(r.completeness)
    if comp is not None:
        out.append(say("f.verdict", lang, verdict=verdict_text(comp.verdict, lang)))
    nps = computed(r.nps)
    if nps is not None:
        ov = nps.table.overall.iloc[0]
        if bool(ov[S.TOO_FEW]):
            out.append(say("f.nps_few", lang, n=count(int(ov[S.N_ANSWERS]), "answer", lang)))
        else:
            num = lambda v: T.fmt_number(v, lang, decimals=1)
            out.append(
                say(
                    "f.nps",
                    lang,
                    nps=num(ov[S.NPS]),
                    n=T.fmt_int(int(ov[S.N_ANSWERS]), lang),
                    low=num(ov[S.CI_LOW]),
                    high=num(ov[S.CI_HIGH]),
                )
            )
    return out


def _money_and_base(audit: AuditView) -> list[str]:
    """Who brings the money (class A, on two bases, both named) and how the base changed over
    the year (a year ago + new + back - lost = now)."""
    lang, r, k = audit.lang, audit.results, audit.kpis
    pct = lambda v: T.fmt_pct(v, lang, decimals=0)
    out: list[str] = []
    if k.get("class_a_clients") and k["revenue"] > 0:
        out.append(
            say(
                "f.class_a",
                lang,
                share=pct(k["class_a_revenue_share"]),
                clients=count(k["class_a_clients"], "client", lang),
                paying_share=pct(k["class_a_clients"] / k["active_clients"]),
                paying=T.fmt_int(k["active_clients"], lang),
                known_share=T.fmt_pct(k["class_a_clients"] / k["clients"], lang),
                known=T.fmt_int(k["clients"], lang),
            )
        )
    dyn = computed(r.dynamics)
    if k.get("base_year_ago") is not None and dyn is not None:
        out.append(
            say(
                "f.base_change",
                lang,
                trend=say(f"trend.{dyn.trend.label}", lang),
                before=T.fmt_int(k["base_year_ago"], lang),
                after=T.fmt_int(k["base"], lang),
                new=T.fmt_int(k["new_12m"], lang),
                back=T.fmt_int(k["reactivated_12m"], lang),
                lost=T.fmt_int(k["lost_12m"], lang),
                share=T.fmt_pct(k["churn_rate_12m"], lang),
            )
        )
    return out
