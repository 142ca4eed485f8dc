"""Words of the churn model: why a client is at risk, in English and Russian.

The model returns two reason codes per scored client (``reason_1``, ``reason_2``, from
:data:`reportkit.analysis.churn.REASON_CODES`) and the facts they rest on as columns of the same
row; a manager reads one sentence: "silent 95 days, usually orders every 30; spend down 60 % on
the previous quarter".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...analysis import churn as C
from ...errors import ReportkitError, check_param
from ...io.schema import INTERVAL_DAYS, ORDERS_WINDOW, RECENCY_DAYS, REVENUE_WINDOW, TENURE_DAYS
from ..text import count_phrase, fmt_money, fmt_pct

REASON = "reason"


def _check_lang(lang: str) -> str:
    check_param(lang in ("en", "ru"), "lang", "'en' or 'ru'", lang)
    return lang


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else round(float(value))


def _days(n: int | None, lang: str) -> str:
    return count_phrase(n or 0, lang, "day")


def reason_text(
    code: str, row: Mapping[str, Any], lang: str = "en", *, horizon_days: int = 90
) -> str:
    """One reason of one scored client as words.

    >>> reason_text("silent_longer_than_usual", {"recency_days": 95, "interval_days": 30.2})
    'silent 95 days, usually orders every 30 days'
    >>> reason_text("spend_down", {"spend_change_3m": -0.6, "spend_change": -0.1})
    'spend down 60% on the previous quarter'
    """
    ru = _check_lang(lang) == "ru"
    recency, interval = _int(row.get(RECENCY_DAYS)), _int(row.get(INTERVAL_DAYS))
    if code == C.SILENT:
        if interval:
            return (
                f"молчит {_days(recency, 'ru')}, обычно заказывает раз в {_days(interval, 'ru')}"
                if ru
                else f"silent {_days(recency, 'en')}, usually orders every {_days(interval, 'en')}"
            )
        return f"молчит {_days(recency, 'ru')}" if ru else f"silent {_days(recency, 'en')}"
    if code == C.SINGLE_ORDER:
        return (
            f"один заказ, {_days(recency, 'ru')} назад"
            if ru
            else f"a single order, {_days(recency, 'en')} ago"
        )
    if code == C.FEW_ORDERS:
        n = _int(row.get(ORDERS_WINDOW)) or 0
        return (
            f"всего {count_phrase(n, 'ru', 'order')} за 12 месяцев"
            if ru
            else f"only {count_phrase(n, 'en', 'order')} in 12 months"
        )
    if code == C.RARE_ORDERS:
        return (
            f"заказывает редко: раз в {_days(interval, 'ru')}"
            if ru
            else f"orders rarely: every {_days(interval, 'en')}"
        )
    if code == C.IRREGULAR_ORDERS:
        return "заказывает нерегулярно" if ru else "orders irregularly"
    if code == C.SPEND_DOWN:
        q, y = row.get(C.SPEND_CHANGE_3M), row.get(C.SPEND_CHANGE)
        if q is not None and pd.notna(q) and q < 0:
            drop = fmt_pct(-float(q), lang, decimals=0)
            return (
                f"выручка за 3 месяца упала на {drop} к трём предыдущим"
                if ru
                else f"spend down {drop} on the previous quarter"
            )
        if y is not None and pd.notna(y) and y < 0:
            drop = fmt_pct(-float(y), lang, decimals=0)
            return (
                f"выручка за 12 месяцев упала на {drop} к прошлому году"
                if ru
                else f"spend down {drop} on the previous year"
            )
        return "выручка снижается" if ru else "spend falling"
    if code == C.LOW_SPEND:
        money = fmt_money(row.get(REVENUE_WINDOW), lang)
        return (
            f"всего {money} выручки за 12 месяцев"
            if ru
            else f"only {money} of revenue in 12 months"
        )
    if code == C.NEW_CLIENT:
        tenure = _int(row.get(TENURE_DAYS))
        return (
            f"новый клиент: первый заказ {_days(tenure, 'ru')} назад"
            if ru
            else f"new client: first order {_days(tenure, 'en')} ago"
        )
    if code == C.LONG_SINCE_FIRST_ORDER:
        tenure = _int(row.get(TENURE_DAYS))
        return (
            f"первый заказ был {_days(tenure, 'ru')} назад"
            if ru
            else f"first order {_days(tenure, 'en')} ago"
        )
    if code == C.LOW_P_ALIVE:
        p = row.get(C.P_NO_PURCHASE)
        share = fmt_pct(float(p), lang, decimals=0) if p is not None and pd.notna(p) else "—"
        return (
            f"по истории покупок вероятность не заказать за {horizon_days} дней — {share}"
            if ru
            else f"by its purchase history, {share} chance of no order in {horizon_days} days"
        )
    raise ReportkitError(f"unknown churn reason code {code!r}")


def reasons(scores: pd.DataFrame, lang: str = "en", *, horizon_days: int = 90) -> pd.Series:
    """The two reasons of every scored client joined in one sentence ("…; …"), empty when the
    model gave none."""
    _check_lang(lang)
    out = []
    for row in scores.to_dict("records"):
        parts = [
            reason_text(row[c], row, lang, horizon_days=horizon_days)
            for c in (C.REASON_1, C.REASON_2)
            if c in row and row[c] is not None and not pd.isna(row[c])
        ]
        out.append("; ".join(parts))
    return pd.Series(out, index=scores.index, dtype=object, name=REASON)


#: the columns of the scores that only serve the wording (the codes and the raw changes)
_WORDING_ONLY = (C.REASON_1, C.REASON_2, C.SPEND_CHANGE, C.SPEND_CHANGE_3M, C.P_NO_PURCHASE)


def at_risk_list(scores: pd.DataFrame, lang: str = "en", *, horizon_days: int = 90) -> pd.DataFrame:
    """The clients at risk as a manager reads them: the two reasons as one ``reason`` sentence
    right after the money columns, the codes and the raw changes behind it dropped."""
    out = scores.drop(columns=[c for c in _WORDING_ONLY if c in scores.columns])
    position = (
        list(out.columns).index(C.REVENUE_AT_RISK) + 1
        if C.REVENUE_AT_RISK in out.columns
        else len(out.columns)
    )
    out.insert(position, REASON, reasons(scores, lang, horizon_days=horizon_days).to_numpy())
    return out


__all__ = ["at_risk_list", "reason_text", "reasons"]
