"""The bcg section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...io import schema as S
from .. import text as T
from ..plots import bcg_scatter
from .common import fig_html, h

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
    lang, seg = audit.lang, audit.results.segments
    return "".join(
        [
            h(2, "bcg", lang),
            fig_html(bcg_scatter(seg.bcg, lang=lang)),
            T.table_html(seg.bcg.summary, lang, values={S.BCG: "segmentation"}),
        ]
    )
