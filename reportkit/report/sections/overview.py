"""The base in figures: the summary tiles and the facts behind them (after page one's actions)."""

from __future__ import annotations

from .. import text as T
from ..view import AuditView
from ..words.audit import say
from .common import ESC, h, tiles


def render(audit: AuditView) -> str:
    lang, k = audit.lang, audit.kpis
    money = lambda v: T.fmt_money(v, lang) if v is not None else T.MISSING
    pct = lambda v: T.fmt_pct(v, lang) if v is not None else T.MISSING
    items = [
        (say("kpi.clients", lang), T.fmt_int(k["clients"], lang)),
        (say("kpi.active", lang), T.fmt_int(k["active_clients"], lang)),
        (say("kpi.revenue_12m", lang), money(k["revenue"])),
        (say("kpi.top20_share", lang), pct(k.get("top20_share"))),
        (say("kpi.churn_rate_12m", lang), pct(k.get("churn_rate_12m"))),
        (say("kpi.revenue_at_risk", lang), money(k.get("revenue_at_risk"))),
    ]
    parts = [
        h(2, "overview", lang),
        tiles(items),
        "<ul>",
    ]
    parts += [f"<li>{ESC(s)}</li>" for s in audit.findings()]
    parts.append("</ul>")
    return "".join(parts)
