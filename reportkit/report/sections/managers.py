"""The managers section of the audit report."""

from __future__ import annotations

from ...analysis.lifecycle import BLOCKS
from ...analysis.managers import OVERALL
from ...io import schema as S
from .. import text as T
from ..view import AuditView
from ..words import managers as WM
from ..words.audit import say
from ..words.managers import LABELS as ML
from .common import h, p, result_or_why, with_names

#: tasks overdue longer than this are probably stale (closed in life, open in the CRM)
STALE_DAYS = 365


def render(audit: AuditView) -> str:
    lang = audit.lang
    return "".join(
        [
            h(2, "managers", lang),
            result_or_why(audit, "managers", managers_html, "na.activities"),
            h(2, "nps", lang),
            result_or_why(audit, "nps", nps_html, "na.surveys"),
        ]
    )


def managers_html(audit: AuditView, mg) -> str:
    """Portfolio per manager, lifecycle mix per manager, forgotten clients, overdue tasks."""

    lang, summ = audit.lang, mg.summary
    parts = [p(n) for n in WM.notes(mg, lang)]
    # three narrow tables rather than one too wide for the page: portfolio, work, lifecycle
    portfolio = [
        c
        for c in (S.N_CLIENTS, S.REVENUE_WINDOW, S.REVENUE_SHARE, "A", "B", "C")
        if c in summ.columns
    ]
    work = [c for c in summ.columns if c not in BLOCKS and c not in portfolio and c != S.MANAGER]
    blocks = [b for b in BLOCKS if b in summ.columns and summ[b].sum() > 0]
    for key, cols in (
        ("managers.portfolio", portfolio),
        ("managers.work", work),
        ("managers.mix", blocks),
    ):
        if not cols:
            continue
        parts.append(p(say(key, lang)))
        table = WM.html_table(
            audit.shown(summ[[S.MANAGER, *cols]]),
            lang,
            max_rows=None,
            kinds={c: "int" for c in ("A", "B", "C", *BLOCKS)},
            values={S.MANAGER: "managers"},
        )
        parts.append(f'<div class="rk-compact">{table}</div>' if len(cols) > 7 else table)
    for key, frame, values in (
        (
            "forgotten",
            mg.forgotten,
            {S.MANAGER: "managers", S.BLOCK: "block", S.CELL: "managers"},
        ),
        ("overdue", audit.overdue_view(mg.overdue), {S.MANAGER: "managers"}),
    ):
        if not len(frame):
            continue
        parts.append(h(3, key, lang))
        if key == "overdue":
            stale = int((frame[S.DAYS_OVERDUE] > STALE_DAYS).sum())
            if stale:
                parts.append(p(say("overdue.stale", lang, n=T.fmt_int(stale, lang))))
        view = audit.shown(with_names(audit, frame.drop(columns=[S.ABC], errors="ignore")))
        parts.append(
            WM.html_table(view, lang, max_rows=20, values=values, kinds={S.CLIENT_ID: "id"})
        )
        parts.append(p(say("shown", lang), "rk-note"))
    return "".join(parts)


def nps_html(audit: AuditView, res) -> str:
    """NPS by dimension (counts, NPS, interval) and the detractors among class A."""

    lang, nps = audit.lang, res.table
    parts = [p(n) for n in WM.notes(nps, lang)]
    shown = WM.nps_display(nps, lang)
    few = nps.summary[S.TOO_FEW].to_numpy()
    num = lambda v: T.fmt_number(v, lang, decimals=1)
    interval = [
        ML[lang]["too_few_answers"] if f else f"{num(lo)} … {num(hi)}"
        for f, lo, hi in zip(few, nps.summary[S.CI_LOW], nps.summary[S.CI_HIGH])
    ]
    view = shown.drop(
        columns=[S.PROMOTER_SHARE, S.DETRACTOR_SHARE, S.CI_LOW, S.CI_HIGH], errors="ignore"
    )
    ci_col = say("nps.interval", lang)
    view[ci_col] = interval
    overall = view[S.DIMENSION].eq(OVERALL).to_numpy()
    dim = view[S.DIMENSION].map(lambda d: ML[lang].get(d, d))
    view[S.DIMENSION] = dim.where(dim.ne(dim.shift()), "")  # the dimension once per group
    view[S.GROUP] = view[S.GROUP].where(~overall, "")
    if audit.mask:  # the groups of the manager dimension are managers' names
        by_manager = (nps.summary[S.DIMENSION] == S.MANAGER).to_numpy()
        view.loc[by_manager, S.GROUP] = audit.shown_manager(
            view.loc[by_manager, S.GROUP]
        ).to_numpy()
    parts.append(
        WM.html_table(
            view,
            lang,
            max_rows=None,
            values={S.GROUP: "managers"},
            kinds={S.DIMENSION: "text", S.NPS: "text", ci_col: "text"},
        )
    )
    parts.append(h(3, "detractors_a", lang))
    det = res.detractors_a
    if len(det):
        parts.append(
            WM.html_table(
                audit.shown(with_names(audit, det)),
                lang,
                max_rows=25,
                values={S.MANAGER: "managers"},
                kinds={S.SCORE: "int", S.VALUE: "money", S.CLIENT_ID: "id"},
            )
        )
    else:
        parts.append(p(say("nps.none_a", lang)))
    return "".join(parts)
