"""The size section of the audit report: share of wallet by size tier."""

from __future__ import annotations

from ...io import schema as S
from .. import text as T
from ..view import AuditView
from ..words.audit import say
from .common import h, p

#: what the size table adds to the ABC table: the potential, the share of it spent with us
WALLET = ("potential", "share_of_wallet", "unrealised_potential")


def render(audit: AuditView) -> str:
    """The size tiers; when they are the ABC classes under another name (the same rule on the
    same revenue), one sentence says so and the table shows only what ABC does not: the
    clients' potential, the share of it they spend and what is left."""
    lang, seg = audit.lang, audit.results.segments
    summary = seg.size.summary
    parts = [h(2, "size", lang)]
    same = [int(n) for n in summary[S.N_CLIENTS]] == [int(n) for n in seg.abc.summary[S.N_CLIENTS]]
    if same:
        wallet = [c for c in WALLET if c in summary.columns]
        parts.append(p(say("size.same_as_abc" if wallet else "size.same_no_potential", lang)))
        if not wallet:
            return "".join(parts)
        summary = summary[[S.SIZE_TIER, *wallet]]
    parts.append(
        T.table_html(
            summary,
            lang,
            values={S.SIZE_TIER: "segmentation"},
            kinds={S.VALUE: "money", "potential": "money", "unrealised_potential": "money"},
        )
    )
    return "".join(parts)
