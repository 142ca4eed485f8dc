"""Page one of the audit report: what to do first, ranked by the money involved."""

from __future__ import annotations

from ..export import WORKBOOK_FILE
from ..view import AuditView
from ..words import crosssell as XS
from ..words.audit import say
from ..words.lists import files_sentence
from .common import ESC, h, limits_html, p

#: the most actions page one lists (the rest are in their sections)
MAX_ACTIONS = 5

#: action -> the key of the heading of the section that carries it out
SECTION_HEADING = {
    "at_risk": "at_risk",
    "forgotten": "forgotten",
    "reactivation": "reactivation",
    "detractors_a": "detractors_a",
    "cross_sell": "cross_sell",
    "overdue": "overdue",
    "duplicates": "duplicates",
}


def render(audit: AuditView) -> str:
    """What the data cannot tell (when they are thin), then the ranked actions (at most
    :data:`MAX_ACTIONS`), each linked to the section that lists its clients."""
    lang = audit.lang
    actions = audit.actions()[:MAX_ACTIONS]
    parts = [h(2, "verdict", lang), limits_html(audit)]
    if not actions:
        return "".join(parts) + p(say("verdict.none", lang))
    parts.append(p(say("verdict.intro", lang), "rk-note"))
    items = []
    for action in actions:
        heading = SECTION_HEADING[action["code"]]
        title = (
            XS.say("h.cross_sell", lang) if heading == "cross_sell" else say("h." + heading, lang)
        )
        where = say("verdict.list", lang, file=WORKBOOK_FILE, section=title)
        anchor = action["section"]
        items.append(
            f"<li><strong>{ESC(action['text'])}</strong> "
            f'<a href="#{ESC(anchor)}">{ESC(where)}</a></li>'
        )
    parts.append('<ol class="rk-verdict">' + "".join(items) + "</ol>")
    parts.append(p(files_sentence(lang), "rk-note"))
    return "".join(parts)
