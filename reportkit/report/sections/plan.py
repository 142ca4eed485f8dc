"""The forecast and plan section: the revenue of the next months from the base (in total and by
manager, segment, channel and category, each shown only where it beat the naive forecasts in
the backtest), and the sales plan checked line by line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...analysis.forecast import TOTAL, ForecastReport
from ...analysis.forecast.results import NOTE_OUT_OF_HORIZON, NOTE_PARTIAL_MONTH, NOTE_UNKNOWN_LEVEL
from .. import text as T
from ..run import computed
from ..view import AuditView
from ..words.plan import headers, level_word, say
from .common import ESC, p

#: the parts of the total's table, in the order shown
_TOTAL_COLUMNS = ("period", "expected", "low", "high", "retained", "reactivated", "new")


def _h(level: int, key: str, lang: str, **fmt) -> str:
    slug = key.replace(".", "-").replace("_", "-")
    return f'<h{level} id="{slug}">{ESC(say("h." + key, lang, **fmt))}</h{level}>'


def _pct(x: float, lang: str) -> str:
    return T.fmt_pct(x, lang, decimals=0)


def _money(x: float, lang: str) -> str:
    return T.fmt_money(x, lang)


def render(audit: AuditView) -> str:
    """The section (see the module docstring); one sentence when the forecast was not made."""
    lang = audit.lang
    parts = [_h(2, "plan", lang)]
    res = computed(audit.results.forecast)
    if res is None:
        failed = audit.error_or_na("forecast", say("h.plan", lang).lower())
        return "".join(parts) + (failed or p(say("na", lang), "rk-note"))
    total = res.splits[TOTAL]
    months = T.count_phrase(int(total.params["months"]), lang, "month")
    parts.append(
        p(say("intro", lang, months=months, cutoff=T.fmt_month(total.params["cutoff"], lang)))
    )
    for code, params in res.notes:
        if code == NOTE_PARTIAL_MONTH:
            parts.append(p(say("partial", lang, month=T.fmt_month(params["month"], lang))))
    parts.append(_h(3, "plan_total", lang))
    parts.append(_backtest_sentence(total.backtest.iloc[0], lang))
    table = total.summary[list(_TOTAL_COLUMNS)].assign(
        period=[T.fmt_month(x, lang) for x in total.summary["period"]]
    )
    money = {c: "money" for c in _TOTAL_COLUMNS[1:]}
    parts.append(T.table_html(table, lang, labels=headers(table.columns, lang), kinds=money))
    dims = [d for d in res.splits if d != TOTAL]
    if not dims:
        parts.append(p(say("no_levels", lang)))
    for dim in dims:
        parts.append(_levels_html(res, dim, lang, audit.shown_manager))
    parts.append(_plan_html(audit, res, lang))
    return "".join(parts)


def _backtest_sentence(row: pd.Series, lang: str) -> str:
    """The backtest of one level in a sentence, and which figure the report shows there."""
    best = str(row["best_baseline"])
    text = say(
        "backtest",
        lang,
        n=T.fmt_int(row["cutoffs"], lang),
        err=_pct(row["error_forecast"], lang),
        qerr=_pct(row["quarter_error_forecast"], lang),
        best=say(f"method.{best}", lang),
        berr=_pct(row[f"error_{best}"], lang),
        bqerr=_pct(row[f"quarter_error_{best}"], lang),
        cover=_pct(row["coverage"], lang),
    )
    shown = str(row["shown"])
    then = (
        say("total.forecast", lang)
        if shown == "forecast"
        else say("total.baseline", lang, best=say(f"method.{shown}", lang))
    )
    return p(f"{text} {then}")


def _levels_html(res: ForecastReport, dim: str, lang: str, audit_names) -> str:
    """One table per dimension: each level's figure shown per month, and the backtest errors."""
    fc = res.splits[dim]
    s = fc.summary
    wide = s.pivot(index="level", columns="period", values="shown_value")
    wide.columns = [T.fmt_month(c, lang) for c in wide.columns]
    bt = fc.backtest.set_index("level")
    best = [bt.at[lv, f"error_{bt.at[lv, 'best_baseline']}"] for lv in wide.index]
    out = wide.assign(
        shown=[say(f"method.{bt.at[lv, 'shown']}", lang) for lv in wide.index],
        error_forecast=bt.loc[wide.index, "error_forecast"].to_numpy(),
        error_best=best,
    )
    order = [lv for lv in out.index if lv != "(all)"] + [lv for lv in out.index if lv == "(all)"]
    out = out.loc[order].reset_index()
    names = [level_word(lv, lang) for lv in out["level"]]
    if dim == "manager":  # pseudonyms when the report is masked; the words stay words
        shown = audit_names(out["level"])
        names = [
            n if lv in ("(all)", "(none)") else s for lv, n, s in zip(out["level"], names, shown)
        ]
    out["level"] = names
    n_fc = int((bt.drop(index="(all)", errors="ignore")["shown"] == "forecast").sum())
    n = len(bt.drop(index="(all)", errors="ignore"))
    return "".join(
        [
            _h(3, "plan_levels", lang, dimension=say(f"dim.{dim}", lang)).replace(
                'id="plan-levels"', f'id="plan-{dim}"'
            ),
            p(say("levels", lang, n_fc=T.fmt_int(n_fc, lang), n=T.fmt_int(n, lang))),
            T.table_html(
                out,
                lang,
                labels=headers(out.columns, lang),
                kinds={c: "money" for c in wide.columns}
                | {"error_forecast": "pct", "error_best": "pct"},
            ),
        ]
    )


def _plan_html(audit: AuditView, res: ForecastReport, lang: str) -> str:
    """The plan checked: a sentence, the lines out of reach in words, the table of lines."""
    parts = [_h(3, "plan_check", lang)]
    if res.plan_error is not None:
        return "".join(parts) + p(say("plan.error", lang, error=res.plan_error), "rk-note")
    if res.plan is None:
        key = "plan.none" if res.plan_source is None else "plan.levels"
        named = ", ".join(say(f"dim.{d}", lang) for d in res.params.get("plan_dims", ()))
        return "".join(parts) + p(say(key, lang, dimension=named), "rk-note")
    lines = res.plan.summary
    dims = list(res.plan.params["plan_dims"])
    checked = lines[lines["expected"].notna()]
    parts.append(
        p(
            say(
                "plan.intro",
                lang,
                file=Path(str(res.plan_source)).name,
                n=T.fmt_int(len(lines), lang),
                n_bad=T.fmt_int(int(checked["unrealistic"].sum()), lang),
                p=_pct(res.plan.params["unrealistic_below"], lang),
                n_churn=T.fmt_int(int(checked["assumes_no_churn"].sum()), lang),
            )
        )
    )
    for code, params in res.plan.notes:
        if code in (NOTE_OUT_OF_HORIZON, NOTE_UNKNOWN_LEVEL):
            parts.append(p(say(f"plan.{code.removeprefix('plan_')}", lang, **params), "rk-note"))
    for _, row in checked[checked["unrealistic"]].iterrows():
        parts.append(p(_line_sentence(audit, row, lang)))
    table = pd.DataFrame({"period": [T.fmt_month(x, lang) for x in lines["period"]]})
    for d in dims:
        table[d] = audit.shown_manager(lines[d]).to_numpy() if d == "manager" else lines[d]
    flag = [
        "both" if u and c else "unrealistic" if u else "assumes_no_churn" if c else "ok"
        for u, c in zip(lines["unrealistic"], lines["assumes_no_churn"])
    ]
    for c in ("amount", "expected", "probability", "gap", "extra_new_clients"):
        table[c] = lines[c].to_numpy()
    table["flag"] = [say(f"flag.{f}", lang) for f in flag]
    labels = headers(table.columns, lang) | {d: say(f"dim.{d}", lang).capitalize() for d in dims}
    parts.append(
        T.table_html(
            table,
            lang,
            labels=labels,
            kinds={
                "amount": "money",
                "expected": "money",
                "gap": "money",
                "probability": "pct",
                "extra_new_clients": "int",
            },
        )
    )
    return "".join(parts)


def _line_sentence(audit: AuditView, row: pd.Series, lang: str) -> str:
    """One line of the plan out of reach, in words."""
    dims = [d for d in ("manager", "segment", "channel") if d in row.index]
    names = [
        str(audit.shown_manager(pd.Series([row[d]])).iloc[0]) if d == "manager" else str(row[d])
        for d in dims
    ]
    extra = float(row["extra_new_clients"])
    return say(
        "plan.line" if np.isfinite(extra) else "plan.line_no_new",
        lang,
        period=T.fmt_month(row["period"], lang),
        level=" / ".join(names) if names else level_word("(all)", lang),
        amount=_money(row["amount"], lang),
        expected=_money(row["expected"], lang),
        prob=_pct(row["probability"], lang),
        gap=_money(row["gap"], lang),
        extra=T.fmt_int(round(extra), lang) if np.isfinite(extra) else "",
        usual=T.fmt_number(row["new_per_month"], lang, decimals=1),
    )
