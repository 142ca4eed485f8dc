"""The cross-sell section: what else each client could buy (the categories its peers buy and
it does not), the backtest that says whether the peers' method is worth following, and the
first rows of the per-manager list.

Hidden with one sentence when the sales lines carry no category.
"""

from __future__ import annotations

from ...analysis import crosssell as X
from ...io import schema as S
from .. import text as T
from ..run import Failed
from ..view import AuditView
from ..words.audit import count
from ..words.crosssell import action_list, say
from .common import ESC, p

#: rows of the list the section shows (the workbook has them all)
SHOWN = 25

_ID = "cross-sell"


def _backtest(result: X.CrossSell, lang: str) -> str:
    """The backtest table with the methods and the pooled row worded."""
    table = result.backtest.drop(columns=[X.NEW_SPEND]).copy()
    pooled = table[X.CUTOFF].astype(str) == X.ALL_CUTOFFS
    table[X.CUTOFF] = [
        say("cutoff.all", lang) if all_ else T.fmt_date(c, lang)
        for c, all_ in zip(table[X.CUTOFF], pooled, strict=True)
    ]
    table[X.METHOD] = [say(f"method.{m}", lang) for m in table[X.METHOD]]
    return T.table_html(
        table,
        lang,
        index=False,
        namespace="crosssell",
        kinds={
            X.CUTOFF: "text",
            X.METHOD: "text",
            X.HIT_RATE: "pct",
            X.SHARE_CAPTURED: "pct",
            X.VALUE_CAPTURED: "money",
        },
    )


def _verdict(result: X.CrossSell, lang: str) -> str:
    won = result.summary["beats_baseline"]
    if won is None:
        months = count(result.params["min_history_months"], "month", lang)
        return say("verdict.untested", lang, months=months)
    return say("verdict.beats" if won else "verdict.baseline", lang)


def _by_category(result: X.CrossSell, lang: str) -> str:
    """The offers per category: clients offered, their expected value, the peers' penetration
    (the list itself repeats a category for every client it is offered to)."""
    rec = result.recommendations
    table = (
        rec.groupby(S.CATEGORY, sort=False)
        .agg(
            n_clients=(S.CLIENT_ID, "nunique"),
            expected_value=(X.EXPECTED_VALUE, "sum"),
            penetration=(X.PENETRATION, "mean"),
        )
        .sort_values("expected_value", ascending=False, kind="stable")
        .reset_index()
    )
    return p(say("by_category", lang)) + T.table_html(
        table,
        lang,
        index=False,
        namespace="crosssell",
        kinds={"n_clients": "int", X.PENETRATION: "pct", X.EXPECTED_VALUE: "money"},
    )


def _list(audit: AuditView, result: X.CrossSell) -> str:
    lang = audit.lang
    full = result.action_list()
    top = full.sort_values(X.EXPECTED_VALUE, ascending=False, kind="stable").head(SHOWN)
    view = action_list(top, lang, window_months=result.params["window_months"])
    view = audit.shown(view)
    return p(
        say("list", lang, shown=T.fmt_int(len(view), lang), total=T.fmt_int(len(full), lang))
    ) + (
        T.table_html(
            view,
            lang,
            index=False,
            namespace="crosssell",
            kinds={X.PENETRATION: "pct", X.EXPECTED_VALUE: "money", X.REASON: "text"},
        )
    )


def _body(audit: AuditView, result: X.CrossSell) -> str:
    lang, prm, s = audit.lang, result.params, result.summary
    window = count(prm["window_months"], "month", lang)
    parts = [
        p(
            say(
                "intro",
                lang,
                window=window,
                min_peers=T.fmt_int(prm["min_peers"], lang),
                top=T.fmt_int(prm["top_n"], lang),
            )
        ),
        p(
            say(
                "totals",
                lang,
                n=T.fmt_int(s["recommended_clients"], lang),
                value=T.fmt_money(s["expected_value"], lang),
                window=window,
            )
        ),
    ]
    if len(result.backtest):
        horizon = count(prm["horizon_months"], "month", lang)
        parts += [p(say("backtest", lang, horizon=horizon)), _backtest(result, lang)]
    parts.append(p(_verdict(result, lang)))
    if len(result.recommendations):
        parts.append(_by_category(result, lang))
        parts.append(_list(audit, result))
    return "".join(parts)


def render(audit: AuditView) -> str:
    """The cross-sell section of ``audit``: its heading, how the white space is found and
    valued, the backtest and the first rows of the list (or why it is not there)."""
    lang = audit.lang
    head = f'<h2 id="{_ID}">{ESC(say("h.cross_sell", lang))}</h2>'
    value = audit.results.cross_sell
    if isinstance(value, Failed):
        return head + audit.error_or_na("cross_sell", say("h.cross_sell", lang))
    if value is None and audit.dataset.transactions is None:
        return head + p(say("na.out_of_core", lang), "rk-note")
    if value is None:
        return head + na_columns(lang)
    return head + _body(audit, value)


def na_columns(lang: str) -> str:
    """The one sentence shown instead of the section when the data lack a category."""
    return p(say("na.columns", lang), "rk-note")


__all__ = ["SHOWN", "render"]
