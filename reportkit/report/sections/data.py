"""The data section of the audit report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...io import schema as S
from .. import text as T
from ..run import computed
from ..view import AuditView
from ..words import quality as WQ
from ..words.audit import say, say_n
from .common import h, p


def render(audit: AuditView) -> str:
    lang = audit.lang
    parts = [h(2, "data", lang)]
    rows, reasons = [], []
    for table, rep in audit.dataset.reports.items():
        rows.append(
            {
                say("data.table", lang): T.label(table, lang, "table"),
                say("data.file", lang): Path(rep.file).name,
                say("data.read", lang): rep.rows_read,
                say("data.kept", lang): rep.rows_kept,
                say("data.rejected", lang): rep.rows_rejected,
            }
        )
        for reason, n in rep.rejected_by_reason.items():
            reasons.append(
                {
                    say("data.table", lang): T.label(table, lang, "table"),
                    say("data.reason", lang): T.load_reason(reason, lang),
                    say("data.rows", lang): n,
                }
            )
    parts.append(
        T.table_html(
            pd.DataFrame(rows),
            lang,
            kinds={
                say("data.read", lang): "int",
                say("data.kept", lang): "int",
                say("data.rejected", lang): "int",
            },
        )
    )
    tr = audit.dataset.reports.get(S.TRANSACTIONS)
    if tr is not None:
        parts.append(
            p(
                say(
                    "data.range",
                    lang,
                    start=T.fmt_date(tr.date_min, lang),
                    end=T.fmt_date(tr.date_max, lang),
                    clients=T.fmt_int(tr.clients, lang),
                )
            )
        )
        if tr.returns_count:
            parts.append(
                p(
                    say_n(
                        "data.returns",
                        lang,
                        tr.returns_count,
                        n=T.fmt_int(tr.returns_count, lang),
                        amount=T.fmt_money(tr.returns_amount, lang),
                    )
                )
            )
    if reasons:
        parts.append(
            T.table_html(pd.DataFrame(reasons), lang, kinds={say("data.rows", lang): "int"})
        )
    rec = computed(audit.results.reconciliation)
    parts.append(h(3, "reconciliation", lang))
    if rec is not None:
        parts.append(
            T.table_html(
                WQ.items_table(rec, lang),
                lang,
                values={S.SECTION: "quality.section", S.CHECK: "quality.check"},
            )
        )
    parts.append(audit.error_or_na("reconciliation", say("h.reconciliation", lang)))
    return "".join(parts)
