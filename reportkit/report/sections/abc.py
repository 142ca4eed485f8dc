"""The abc section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...io import schema as S
from .. import text as T
from ..plots import pareto_curve
from .common import fig_html, h

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
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
