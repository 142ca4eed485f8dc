"""The xyz section of the audit report."""

from __future__ import annotations

from ...analysis.managers import contact_days
from ...io import schema as S
from ...io.policy import NEW_CELL, POLICY_COLUMNS
from .. import text as T
from ..plots import abcxyz_heatmap
from ..view import AuditView
from ..words import segmentation as SW
from ..words.audit import say
from .common import fig_html, h, p


def render(audit: AuditView) -> str:
    lang, seg = audit.lang, audit.results.segments
    summary = seg.abcxyz.summary
    cell_policy = SW.policy_table(seg.abcxyz, lang, audit.policy_table())
    texts = [c for c in POLICY_COLUMNS[2:] if c in cell_policy.columns]
    figures = summary
    parts = [
        h(2, "xyz", lang),
        leads_note(seg, lang),
        T.table_html(seg.xyz.summary, lang, values={S.XYZ: "segmentation"}),
        fig_html(abcxyz_heatmap(seg.abcxyz, lang=lang)),
        T.table_html(
            figures,
            lang,
            values={S.ABC: "segmentation", S.XYZ: "segmentation", S.ABCXYZ: "segmentation"},
            kinds={S.VALUE: "money"},
        ),
    ]
    if texts:
        # the policy per cell, with the longest gap without contact that the forgotten-client
        # check of the managers section allows
        policy = summary[[S.ABCXYZ]].copy()
        key = policy[S.ABCXYZ].astype(str).where(summary[S.XYZ].astype(str) != "new", NEW_CELL)
        days, _ = contact_days(audit.policy_table())
        policy[S.ALLOWED_DAYS] = key.map(days).astype("Int64")
        policy[texts] = cell_policy[texts]
        parts += [
            h(3, "policy", lang),
            T.table_html(
                policy,
                lang,
                values={S.ABCXYZ: "segmentation"},
                labels={S.ALLOWED_DAYS: say("policy.allowed_days", lang)},
                kinds={S.ALLOWED_DAYS: "int"},
            ),
        ]
    return "".join(parts)


def leads_note(seg, lang: str) -> str:
    """Why the matrix counts fewer clients than the ABC table (the clients who never bought
    are class C there and have no XYZ class), with both counts of class C."""
    matrix = seg.abcxyz.summary
    abc = seg.abc.summary
    in_matrix = int(matrix[S.N_CLIENTS].sum())
    leads = int(abc[S.N_CLIENTS].sum()) - in_matrix
    if leads <= 0:
        return ""
    abc_c = int(abc.loc[abc[S.ABC].astype(str) == "C", S.N_CLIENTS].sum())
    matrix_c = int(matrix.loc[matrix[S.ABC].astype(str) == "C", S.N_CLIENTS].sum())
    return p(
        say(
            "xyz.leads",
            lang,
            matrix=T.fmt_int(in_matrix, lang),
            leads=T.fmt_int(leads, lang),
            abc_c=T.fmt_int(abc_c, lang),
            matrix_c=T.fmt_int(matrix_c, lang),
        )
    )
