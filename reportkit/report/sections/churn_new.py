"""The churn_new section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..run import MonthlyExtras, computed
from ..view import AuditView
from ..words.audit import say
from .common import at_risk_table, h, p, reactivation_table


def render(audit: AuditView) -> str:
    lang = audit.lang
    parts = [h(2, "new_entries", lang)]
    extra = computed(audit.results.monthly) or MonthlyExtras()
    churn = computed(audit.results.churn)
    if churn and churn.scores is not None and extra.high_prev_ids is not None:
        sc = churn.scores.clients
        new = sc[(sc["band"] == "high") & ~sc[S.CLIENT_ID].isin(extra.high_prev_ids)]
        parts.append(p(say("new.at_risk", lang, n=T.fmt_int(len(new), lang))))
        if len(new):
            # too wide for a portrait page: the window's width, a landscape page in print
            parts.append(f'<div class="rk-landscape">{at_risk_table(audit, new)}</div>')
    react = computed(audit.results.reactivation)
    if react is not None and extra.reactivation_prev_ids is not None:
        new = react[~react[S.CLIENT_ID].isin(extra.reactivation_prev_ids)]
        parts.append(p(say("new.reactivation", lang, n=T.fmt_int(len(new), lang))))
        if len(new):
            parts.append(f'<div class="rk-landscape">{reactivation_table(audit, new)}</div>')
    parts.append(audit.error_or_na("monthly", say("h.new_entries", lang)))
    return "".join(parts)
