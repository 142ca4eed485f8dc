"""The bcg section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..plots import bcg_scatter
from ..view import AuditView
from .common import fig_html, h


def render(audit: AuditView) -> str:
    lang, seg = audit.lang, audit.results.segments
    return "".join(
        [
            h(2, "bcg", lang),
            fig_html(bcg_scatter(seg.bcg, lang=lang)),
            T.table_html(seg.bcg.summary, lang, values={S.BCG: "segmentation"}),
        ]
    )
