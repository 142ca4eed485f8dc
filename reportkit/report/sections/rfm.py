"""The rfm section of the audit report."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..plots import rfm_grid
from ..view import AuditView
from .common import fig_html, h


def render(audit: AuditView) -> str:
    lang, seg = audit.lang, audit.results.segments
    return "".join(
        [
            h(2, "rfm", lang),
            fig_html(rfm_grid(seg.rfm, lang=lang)),
            T.table_html(seg.rfm.summary, lang, values={S.RFM_SEGMENT: "segmentation"}),
        ]
    )
