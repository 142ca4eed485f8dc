"""The churn section of the audit report: who is likely to leave, in plain words; how far the
model can be trusted is in the appendix (:mod:`.model`)."""

from __future__ import annotations

from ..run import computed
from ..view import AuditView
from ..words.audit import count, say
from .common import at_risk_table, h, p


def render(audit: AuditView) -> str:
    lang = audit.lang
    parts = [h(2, "churn", lang)]
    churn = computed(audit.results.churn)
    if churn is None:
        why = say("why.data", lang) if "churn" in audit.errors else say("na.not_built", lang)
        return "".join(parts) + p(say("churn.none", lang, why=why), "rk-note")
    model, scores = churn.model, churn.scores
    if scores is None:
        return "".join(parts) + p(
            say("churn.none", lang, why=audit.churn_why(model.card_.reason)), "rk-note"
        )
    parts.append(p(say("churn.plain", lang, days=count(model.card_.horizon_days, "day", lang))))
    # the list is too wide for a portrait page: rk-landscape (the window's width, a landscape page)
    parts.append('<div class="rk-landscape">')
    parts.append(h(3, "at_risk", lang))
    parts.append(at_risk_table(audit, scores.clients))
    parts.append(p(say("shown", lang), "rk-note"))
    parts.append("</div>")
    return "".join(parts)
