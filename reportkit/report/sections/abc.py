"""The abc section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..plots import pareto_curve
from ..view import AuditView
from .common import fig_html, h


def render(audit: AuditView) -> str:
    lang, seg = audit.lang, audit.results.segments
    return "".join(
        [
            h(2, "abc", lang),
            fig_html(pareto_curve(seg.abc, lang=lang)),
            T.table_html(
                seg.abc.summary, lang, values={S.ABC: "segmentation"}, kinds={S.VALUE: "money"}
            ),
        ]
    )
