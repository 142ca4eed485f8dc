"""The reactivation section of the audit report."""

from __future__ import annotations

from ..run import computed
from ..view import AuditView
from ..words.audit import say
from .common import h, p, reactivation_table


def render(audit: AuditView) -> str:
    lang = audit.lang
    parts = [h(2, "reactivation", lang)]
    react = computed(audit.results.reactivation)
    if react is None:
        return "".join(parts) + audit.error_or_na("reactivation", say("h.reactivation", lang))
    # the list is too wide for a portrait page: rk-landscape (the window's width, a landscape
    # page); the heading stays in the text column
    parts.append('<div class="rk-landscape">' + reactivation_table(audit, react))
    parts.append(p(say("shown", lang), "rk-note") + "</div>")
    return "".join(parts)
