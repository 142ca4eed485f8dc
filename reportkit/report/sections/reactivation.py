"""The reactivation section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...io import schema as S
from .. import text as T
from ..words.audit import say
from .common import h, p

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
    lang = audit.lang
    parts = [h(2, "reactivation", lang)]
    react = audit.results.get("reactivation")
    if react is None:
        return "".join(parts) + audit.error_or_na("reactivation", say("h.reactivation", lang))
    parts.append(
        T.table_html(
            audit.shown(audit.reactivation_view(react.head(25))),
            lang,
            values={S.BLOCK: "block"},
            decimals={S.RECENCY_DAYS: 0, S.USUAL_INTERVAL_DAYS: 0},
        )
    )
    parts.append(p(say("shown", lang), "rk-note"))
    return "".join(parts)
