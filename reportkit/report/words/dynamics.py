"""Words of the base dynamics: column labels, the trend sentence, the last period in one
sentence and the largest moves between lifecycle blocks, in English and Russian."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...analysis.dynamics import NONE, BaseTrend, Dynamics, Migration
from ...io.schema import BASE_END, BASE_START, CHURN_RATE, LOST, NEW, PERIOD, REACTIVATED
from ..text import (
    block_label,
    count_phrase,
    fmt_int,
    fmt_money,
    fmt_month,
    fmt_pct,
    fmt_period,
    plural_word,
)
from . import check_lang

#: labels merged by :mod:`reportkit.report.text` under ``dynamics.`` (``t("dynamics.base_start")``)
LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "period_start": "Period start",
        "period_end": "Period end",
        "base_start": "Base at start",
        "base_end": "Base at end",
        "churn_rate": "Churn rate",
        "churn_rate_annual": "Churn over the trailing year",
        "revenue_lost_12m": "Yearly revenue of lost clients",
        "revenue_prev": "Previous revenue",
        "revenue_new": "Revenue from new clients",
        "revenue_reactivated": "Revenue from reactivated clients",
        "revenue_retained": "Revenue from existing clients",
        "revenue_retained_prev": "Their previous revenue",
        "retained_growth": "Growth",
        "retained_decline": "Decline",
        "cohort": "Cohort",
        "age": "Age",
        "cohort_size": "Cohort size",
        "active_clients": "Clients buying",
        "retention": "Share still buying",
        "revenue_per_client": "Revenue per client",
        "block_from": "From",
        "block_to": "To",
        "revenue_from": "Revenue before",
        "revenue_to": "Revenue after",
        "trend": {
            "growing": "growing",
            "stagnating": "stagnating",
            "eroding": "eroding",
            "unknown": "too short to judge",
        },
        "verdict": {
            "worse": "newer cohorts hold worse",
            "better": "newer cohorts hold better",
            "similar": "newer cohorts hold about the same",
            "n/a": "not enough cohorts",
        },
    },
    "ru": {
        "period_start": "Начало периода",
        "period_end": "Конец периода",
        "base_start": "База на начало",
        "base_end": "База на конец",
        "churn_rate": "Доля ушедших",
        "churn_rate_annual": "Ушедшие за скользящий год",
        "revenue_lost_12m": "Годовая выручка ушедших",
        "revenue_prev": "Выручка прошлого периода",
        "revenue_new": "Выручка новых клиентов",
        "revenue_reactivated": "Выручка вернувшихся клиентов",
        "revenue_retained": "Выручка существующих клиентов",
        "revenue_retained_prev": "Их прошлая выручка",
        "retained_growth": "Рост",
        "retained_decline": "Спад",
        "cohort": "Когорта",
        "age": "Возраст",
        "cohort_size": "Размер когорты",
        "active_clients": "Покупающих клиентов",
        "retention": "Доля покупающих",
        "revenue_per_client": "Выручка на клиента",
        "block_from": "Из блока",
        "block_to": "В блок",
        "revenue_from": "Выручка до",
        "revenue_to": "Выручка после",
        "trend": {
            "growing": "растёт",
            "stagnating": "стоит на месте",
            "eroding": "сокращается",
            "unknown": "мало периодов для вывода",
        },
        "verdict": {
            "worse": "новые когорты удерживаются хуже",
            "better": "новые когорты удерживаются лучше",
            "similar": "новые когорты удерживаются так же",
            "n/a": "мало когорт для вывода",
        },
    },
}


def trend_text(trend: BaseTrend, lang: str = "en", *, before: int | None = None) -> str:
    """The base trend in one sentence.

    ``before`` is the base at the start of the first period the trend covers (the figure the
    summary calls "the base a year ago"); without it, the first period's end is quoted. No
    fitted percentage is printed: a straight line through a shrinking base can fall below
    -100 %, a change no base can make.

    >>> t = BaseTrend("eroding", 12, 1200, 1050, 1120.0, -13.6, -0.134, 0.012, 0.0004, 0.16,
    ...               0.05)
    >>> print(trend_text(t, before=1210))  # doctest: +NORMALIZE_WHITESPACE
    The base is shrinking: 1,210 → 1,050 clients over 12 months; on average 1.2% of the base
    is lost per month, 16.0% over the last year.
    """
    check_lang(lang)
    quarter = trend.freq == "Q"
    first = trend.base_first if before is None else before
    mean = fmt_pct(trend.churn_rate_mean, lang)
    annual = np.isfinite(trend.churn_rate_annual)
    if lang == "ru":
        words = {
            "growing": "растёт",
            "stagnating": "стабильна",
            "eroding": "сокращается",
            "unknown": "— периодов мало для вывода",
        }
        k = trend.periods
        unit = plural_word(k, "ru", "quarter" if quarter else "month")
        s = (
            f"База {words[trend.label]}: {fmt_int(first, 'ru')} → "
            f"{fmt_int(trend.base_last, 'ru')} {plural_word(trend.base_last, 'ru', 'client')} "
            f"за {k} {unit}; "
            f"в среднем за {'квартал' if quarter else 'месяц'} уходит {mean} базы"
        )
        if annual:
            s += f", за последний год — {fmt_pct(trend.churn_rate_annual, 'ru')}"
        return s + "."
    words = {
        "growing": "growing",
        "stagnating": "stable",
        "eroding": "shrinking",
        "unknown": "too short to judge",
    }
    unit = "quarter" if quarter else "month"
    s = (
        f"The base is {words[trend.label]}: {fmt_int(first)} → "
        f"{fmt_int(trend.base_last)} clients over {trend.periods} "
        f"{plural_word(trend.periods, 'en', unit)}; on average {mean} of the base is lost per "
        f"{unit}"
    )
    if annual:
        s += f", {fmt_pct(trend.churn_rate_annual)} over the last year"
    return s + "."


def block_or_none(block: str, lang: str = "en") -> str:
    """A block's name, or "not yet a client" for the migration's ``none``."""
    if block == NONE:
        return "not yet a client" if lang == "en" else "ещё не клиент"
    return block_label(block, lang)


def moves(migration: Migration, lang: str = "en", *, top: int = 5) -> list[str]:
    """Sentences about the largest moves between different blocks.

    >>> import pandas as pd
    >>> m = Migration(pd.DataFrame({
    ...     "block_from": ["regular"], "block_to": ["dead_reanimatable"], "n_clients": [14],
    ...     "revenue_from": [1200.0], "revenue_to": [0.0]}))
    >>> print(moves(m)[0])  # doctest: +NORMALIZE_WHITESPACE
    14 clients moved from Regular to Dead, can be reactivated
    (revenue over the previous window 1,200).
    """
    check_lang(lang)
    out = []
    for r in migration.largest_moves(top).itertuples(index=False):
        a = block_or_none(str(r.block_from), lang)
        b = block_or_none(str(r.block_to), lang)
        n = int(r.n_clients)
        if lang == "ru":
            verb = "перешёл" if n % 10 == 1 and n % 100 != 11 else "перешли"
            noun = count_phrase(n, "ru", "client")
            out.append(
                f"{noun} {verb} из «{a}» в «{b}» (выручка за предыдущее окно "
                f"{fmt_money(r.revenue_from, 'ru')})."
            )
        else:
            out.append(
                f"{count_phrase(n, 'en', 'client')} moved from {a} to {b} (revenue "
                f"over the previous window {fmt_money(r.revenue_from)})."
            )
    return out


def text(dyn: Dynamics, lang: str = "en") -> list[str]:
    """Sentences for the report: the trend, the last period, the largest moves."""
    check_lang(lang)
    flows = dyn.flows.tail(dyn.trend.periods)
    before = int(flows.iloc[0][BASE_START]) if len(flows) else None
    out = [trend_text(dyn.trend, lang, before=before)]
    if len(dyn.flows):
        r = dyn.flows.iloc[-1]
        # a month in words ("Декабрь 2025"), a quarter as fmt_period writes it
        label = fmt_month(r[PERIOD], lang) if dyn.trend.freq == "M" else fmt_period(r[PERIOD], lang)
        label = label[:1].upper() + label[1:]
        if lang == "ru":
            out.append(
                f"{label}: новых {fmt_int(r[NEW], 'ru')}, вернулось "
                f"{fmt_int(r[REACTIVATED], 'ru')}, ушло {fmt_int(r[LOST], 'ru')} "
                f"({fmt_pct(r[CHURN_RATE], 'ru')} базы на начало); в базе "
                f"{fmt_int(r[BASE_END], 'ru')} "
                f"{plural_word(int(r[BASE_END]), 'ru', 'client')}."
            )
        else:
            out.append(
                f"{label}: {fmt_int(r[NEW])} new, {fmt_int(r[REACTIVATED])} reactivated, "
                f"{fmt_int(r[LOST])} lost ({fmt_pct(r[CHURN_RATE])} of the base at the "
                f"start); {fmt_int(r[BASE_END])} "
                f"{plural_word(int(r[BASE_END]), 'en', 'client')} in the base."
            )
    if dyn.migration is not None:
        out.extend(moves(dyn.migration, lang, top=3))
    return out


__all__ = ["LABELS", "block_or_none", "moves", "text", "trend_text"]
