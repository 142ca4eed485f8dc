"""The period section of the audit report."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...io import schema as S
from .. import text as T
from ..run import computed
from ..view import AuditView
from ..words.audit import say
from .common import ESC, h, limits_html, tiles


def render(audit: AuditView) -> str:
    lang, k = audit.lang, audit.kpis
    parts = [
        h(2, "period", lang),
        limits_html(
            audit,
        ),
    ]
    dyn = computed(audit.results.dynamics)
    money = lambda v: T.fmt_money(v, lang) if v is not None else T.MISSING
    items = [
        (say("kpi.base", lang), T.fmt_int(k.get("base"), lang)),
        (say("kpi.revenue_period", lang), money(k.get("revenue_period"))),
        (T.t("kpi.new_clients", lang), T.fmt_int(k.get("new_clients"), lang)),
        (T.t("kpi.lost_clients", lang), T.fmt_int(k.get("lost_clients"), lang)),
        (
            T.t("kpi.churn_rate", lang),
            T.fmt_pct(k.get("churn_rate"), lang) if k.get("churn_rate") is not None else T.MISSING,
        ),
        (say("kpi.revenue_at_risk", lang), money(k.get("revenue_at_risk"))),
    ]
    parts.append(tiles(items))
    parts += [f"<p>{ESC(s)}</p>" for s in audit.findings()[-3:]]
    if dyn is not None and len(dyn.flows):
        f = dyn.by_period()
        cols = [S.BASE_END, S.NEW, S.REACTIVATED, S.LOST, S.CHURN_RATE]
        now = f.iloc[-1]
        prev = f.iloc[-2] if len(f) >= 2 else None
        year = f.iloc[-13] if len(f) >= 13 else None
        # counts as whole numbers, the churn rate as a percentage: cells formatted here
        cell = lambda c, v: T.fmt_pct(v, lang) if c == S.CHURN_RATE else T.fmt_int(v, lang)
        table = pd.DataFrame(
            {
                say("change.metric", lang): [T.label(c, lang, "dynamics") for c in cols],
                say("change.now", lang): [cell(c, now[c]) for c in cols],
                say("change.previous", lang): [
                    cell(c, prev[c] if prev is not None else np.nan) for c in cols
                ],
                say("change.year_ago", lang): [
                    cell(c, year[c] if year is not None else np.nan) for c in cols
                ],
            }
        )
        parts.append(h(3, "changes", lang))
        parts.append(
            T.table_html(
                table,
                lang,
                align_right=[
                    say("change.now", lang),
                    say("change.previous", lang),
                    say("change.year_ago", lang),
                ],
            )
        )
    return "".join(parts)
