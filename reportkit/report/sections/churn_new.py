"""The churn_new section of the audit report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...io import schema as S
from .. import text as T
from ..words import churn as WC
from ..words.audit import say, value_word
from .common import h, p

if TYPE_CHECKING:
    from ..pipeline import Audit


def render(audit: Audit) -> str:
    lang = audit.lang
    parts = [h(2, "new_entries", lang)]
    extra = audit.results.get("monthly") or {}
    churn = audit.results.get("churn")
    if churn and churn["scores"] is not None and "high_prev_ids" in extra:
        sc = churn["scores"]
        new = sc[(sc["band"] == "high") & ~sc[S.CLIENT_ID].isin(extra["high_prev_ids"])]
        parts.append(p(say("new.at_risk", lang, n=T.fmt_int(len(new), lang))))
        if len(new):
            view = WC.at_risk_list(new.head(25), lang, horizon_days=audit.config.churn.horizon_days)
            view["band"] = view["band"].map(lambda b: value_word(b, lang))
            first = [c for c in (S.CLIENT_ID, S.NAME, S.MANAGER) if c in view.columns]
            view = view[first + [c for c in view.columns if c not in first]]
            view["expected_next_order"] = pd.to_datetime(view["expected_next_order"]).dt.normalize()
            parts.append(
                T.table_html(
                    audit.shown(view),
                    lang,
                    index=False,
                    decimals={S.RECENCY_DAYS: 0, S.INTERVAL_DAYS: 0},
                )
            )
    react = audit.results.get("reactivation")
    if react is not None and "reactivation_prev_ids" in extra:
        new = react[~react[S.CLIENT_ID].isin(extra["reactivation_prev_ids"])]
        parts.append(p(say("new.reactivation", lang, n=T.fmt_int(len(new), lang))))
        if len(new):
            parts.append(
                T.table_html(
                    audit.shown(audit.reactivation_view(new.head(25))),
                    lang,
                    values={S.BLOCK: "block"},
                    index=False,
                    decimals={S.RECENCY_DAYS: 0, S.USUAL_INTERVAL_DAYS: 0},
                )
            )
    parts.append(audit.error_or_na("monthly", say("h.new_entries", lang)))
    return "".join(parts)
