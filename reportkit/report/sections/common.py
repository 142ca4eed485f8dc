"""What the sections of the audit report share: headings, paragraphs, figures, the summary
tiles, and the client names beside ids."""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from ...io import schema as S
from .. import text as T
from ..run import Failed
from ..view import AuditView
from ..words import churn as WC
from ..words.audit import say, value_word

ESC = html.escape


def fig_html(fig, *, width: int | None = None) -> str:
    """A matplotlib Figure as an embedded PNG (closed afterwards)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001, S110 - figures built without pyplot need no closing
        pass
    style = f' style="max-width:{width}px"' if width else ""
    return f'<img class="rk-figure" alt="" src="data:image/png;base64,{data}"{style}>'


def h(level: int, key: str, lang: str) -> str:
    slug = key.replace(".", "-").replace("_", "-")
    return f'<h{level} id="{slug}">{ESC(say("h." + key, lang))}</h{level}>'


def p(text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<p{c}>{ESC(text)}</p>"


def na(lang: str, why: str) -> str:
    return p(say("na", lang, why=why), "rk-note")


def tiles(items: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<div class="rk-kpi"><div class="rk-kpi-value">{ESC(v)}</div>'
        f'<div class="rk-kpi-label">{ESC(label)}</div></div>'
        for label, v in items
    )
    return f'<div class="rk-kpis">{cells}</div>'


def limits_html(audit: AuditView) -> str:
    return "".join(p(s, "rk-note rk-limits") for s in audit.limits())


def named(audit: AuditView, frame: pd.DataFrame) -> pd.DataFrame:
    """Put the client's name beside its id when the clients table has one."""
    clients = audit.dataset.clients
    if clients is None or S.NAME not in clients or S.NAME in frame or S.CLIENT_ID not in frame:
        return frame
    names = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[S.NAME]
    out = frame.copy()
    out.insert(1, S.NAME, out[S.CLIENT_ID].map(names))
    return out


def with_names(audit: AuditView, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the client's name from the clients table right after ``client_id``."""
    clients = audit.dataset.clients
    if clients is None or S.NAME not in clients.columns or S.NAME in frame.columns:
        return frame
    names = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[S.NAME]
    out = frame.copy()
    out.insert(1, S.NAME, out[S.CLIENT_ID].map(names))
    return out


def result_or_why(audit: AuditView, name: str, render, why: str) -> str:
    """``render(audit, result)``; else the error that stopped it; else why it was not computed."""
    value = getattr(audit.results, name)
    if isinstance(value, Failed):
        return audit.error_or_na(name, say(f"h.{name}", audit.lang))
    if value is not None:
        return render(audit, value)
    return na(audit.lang, say(why, audit.lang))


def at_risk_table(audit: AuditView, scores: pd.DataFrame) -> str:
    """The first 25 clients of the at-risk list as the report shows them: the reasons worded,
    the name beside the id, the expected next order as a day (pseudonyms with ``mask``)."""
    lang = audit.lang
    view = WC.at_risk_list(scores.head(25), lang, horizon_days=audit.config.churn.horizon_days)
    view["band"] = view["band"].map(lambda b: value_word(b, lang))
    first = [c for c in (S.CLIENT_ID, S.NAME, S.MANAGER) if c in view.columns]
    view = view[first + [c for c in view.columns if c not in first]]
    view["expected_next_order"] = pd.to_datetime(view["expected_next_order"]).dt.normalize()
    return T.table_html(
        audit.shown(view), lang, index=False, decimals={S.RECENCY_DAYS: 0, S.INTERVAL_DAYS: 0}
    )


def reactivation_table(audit: AuditView, frame: pd.DataFrame) -> str:
    """The first 25 rows of the reactivation list with their reasons worded."""
    return T.table_html(
        audit.shown(audit.reactivation_view(frame.head(25))),
        audit.lang,
        values={S.BLOCK: "block"},
        index=False,
        decimals={S.RECENCY_DAYS: 0, S.USUAL_INTERVAL_DAYS: 0},
    )
