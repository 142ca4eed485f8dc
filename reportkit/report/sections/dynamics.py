"""The dynamics section of the audit report."""

from __future__ import annotations

from .. import text as T
from ..plots_lifecycle import (
    churn_rate_chart,
    cohort_heatmap,
    flows_chart,
    migration_heatmap,
    revenue_bridge_chart,
)
from ..run import computed
from ..view import AuditView
from ..words import dynamics as WD
from ..words.audit import say
from .common import fig_html, h, p


def render(audit: AuditView) -> str:
    lang, dyn = audit.lang, computed(audit.results.dynamics)
    parts = [h(2, "dynamics", lang)]
    if dyn is None:
        return "".join(parts) + audit.error_or_na("dynamics", say("h.dynamics", lang))
    parts += [p(s) for s in WD.text(dyn, lang)]
    parts.append(fig_html(flows_chart(dyn.flows, lang=lang)))
    frame = dyn.by_period().tail(13)
    # two tables that fit the page: the flows of clients, then where the revenue came from
    flows = [
        "period",
        "base_start",
        "new",
        "reactivated",
        "lost",
        "base_end",
        "churn_rate",
        "churn_rate_annual",
    ]
    money = [
        "period",
        "revenue",
        "revenue_new",
        "revenue_reactivated",
        "retained_growth",
        "retained_decline",
        "revenue_lost_12m",
    ]
    parts.append(
        T.table_html(frame[[c for c in flows if c in frame.columns]], lang, namespace="dynamics")
    )
    parts.append(fig_html(revenue_bridge_chart(dyn.bridge, lang=lang)))
    parts.append(
        T.table_html(
            frame[[c for c in money if c in frame.columns]],
            lang,
            namespace="dynamics",
            kinds={c: "money" for c in money[1:]},
        )
    )
    parts.append(fig_html(churn_rate_chart(dyn.flows, lang=lang)))
    if dyn.migration is not None:
        parts.append(h(3, "migration", lang))
        parts.append(fig_html(migration_heatmap(dyn.migration, lang=lang)))
    parts.append(h(3, "cohorts", lang))
    parts.append(fig_html(cohort_heatmap(dyn.cohorts, lang=lang)))
    return "".join(parts)
