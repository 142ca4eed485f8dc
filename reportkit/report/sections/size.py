"""The size section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...io import schema as S
from .. import text as T
from .common import h

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
    lang, seg = audit.lang, audit.results.segments
    return "".join(
        [
            h(2, "size", lang),
            T.table_html(
                seg.size.summary,
                lang,
                values={S.SIZE_TIER: "segmentation"},
                kinds={S.VALUE: "money"},
            ),
        ]
    )
