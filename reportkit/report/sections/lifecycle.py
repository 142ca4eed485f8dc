"""The lifecycle section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..plots_lifecycle import (
    lifecycle_ladder,
)
from ..view import AuditView
from ..words import lifecycle as WL
from .common import fig_html, h, named, p


def render(audit: AuditView) -> str:
    lang, life = audit.lang, audit.results.lifecycle
    parts = [
        h(2, "lifecycle", lang),
        fig_html(lifecycle_ladder(life, lang=lang)),
        T.table_html(life.summary, lang, values={S.BLOCK: "block", S.ZONE: "zone"}),
    ]
    parts += [p(n, "rk-note") for n in WL.notes(life, lang)]
    if len(life.vip_review):
        parts += [
            h(3, "vip_review", lang),
            T.table_html(
                audit.shown(named(audit, WL.vip_review(life, lang))),
                lang,
                values={S.BLOCK: "block"},
            ),
        ]
    return "".join(parts)
