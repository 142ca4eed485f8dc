"""The quality section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..run import computed
from ..view import AuditView
from ..words import quality as WQ
from ..words.audit import say, verdict_text
from .common import h, na, p


def render(audit: AuditView) -> str:
    lang = audit.lang
    parts = [h(2, "quality", lang)]
    if audit.dataset.clients is None:
        return "".join(parts) + na(lang, say("na.clients", lang))
    comp = computed(audit.results.completeness)
    parts.append(h(3, "completeness", lang))
    if comp is not None:
        parts.append(p(say("f.verdict", lang, verdict=verdict_text(comp.verdict, lang))))
        parts.append(p(WQ.reason_text(comp, lang)))
        parts.append(
            T.table_html(
                WQ.groups_table(comp, lang),
                lang,
                values={S.CARD_GROUP: "quality.card_group"},
                labels={S.FIELD: T.t("col.fields", lang)},
            )
        )
    parts.append(audit.error_or_na("completeness", say("h.completeness", lang)))
    dups = computed(audit.results.duplicates)
    parts.append(h(3, "duplicates", lang))
    if dups is not None:
        parts.append(
            T.table_html(
                WQ.items_table(dups.summary, lang),
                lang,
                labels={S.VALUE: T.t("col.figure", lang)},
            )
        )
        if len(dups.clients):
            table = T.table_html(
                audit.shown(WQ.groups_view(dups.clients.head(30), lang)),
                lang,
                values={
                    S.CONFIDENCE: "quality.confidence",
                    S.GROUP_CONFIDENCE: "quality.confidence",
                },
            )
            # too wide for a portrait page: the window's width, a landscape page in print
            parts.append(f'<div class="rk-landscape">{table}</div>')
    parts.append(audit.error_or_na("duplicates", say("h.duplicates", lang)))
    return "".join(parts)
