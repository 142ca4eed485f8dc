"""Words of the churn model: why a client is at risk, in English and Russian.

The model returns two reason codes per scored client (``reason_1``, ``reason_2``, from
:data:`reportkit.analysis.churn.REASON_CODES`) and the facts they rest on as columns of the same
row; a manager reads one sentence: "silent 95 days, usually orders every 30; spend down 60 % on
the previous quarter".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from ...analysis import churn as C
from ...errors import ReportkitError
from ...io.schema import INTERVAL_DAYS, ORDERS_WINDOW, RECENCY_DAYS, REVENUE_WINDOW, TENURE_DAYS
from ..text import count_phrase, fmt_money, fmt_pct
from . import check_lang, once_per_distinct

REASON = "reason"


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else round(float(value))


def _days(n: int | None, lang: str) -> str:
    return count_phrase(n or 0, lang, "day")


def _silent(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    recency, interval = _int(row.get(RECENCY_DAYS)), _int(row.get(INTERVAL_DAYS))
    if interval:
        return (
            f"молчит {_days(recency, 'ru')}, обычно заказывает раз в {_days(interval, 'ru')}"
            if ru
            else f"silent {_days(recency, 'en')}, usually orders every {_days(interval, 'en')}"
        )
    return f"молчит {_days(recency, 'ru')}" if ru else f"silent {_days(recency, 'en')}"


def _single_order(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    recency = _int(row.get(RECENCY_DAYS))
    return (
        f"один заказ, {_days(recency, 'ru')} назад"
        if ru
        else f"a single order, {_days(recency, 'en')} ago"
    )


def _few_orders(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    n = _int(row.get(ORDERS_WINDOW)) or 0
    return (
        f"всего {count_phrase(n, 'ru', 'order')} за 12 месяцев"
        if ru
        else f"only {count_phrase(n, 'en', 'order')} in 12 months"
    )


def _rare_orders(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    interval = _int(row.get(INTERVAL_DAYS))
    return (
        f"заказывает редко: раз в {_days(interval, 'ru')}"
        if ru
        else f"orders rarely: every {_days(interval, 'en')}"
    )


def _irregular_orders(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    return "заказывает нерегулярно" if ru else "orders irregularly"


def _spend_down(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    lang = "ru" if ru else "en"
    q, y = row.get(C.SPEND_CHANGE_3M), row.get(C.SPEND_CHANGE)
    # a change that rounds to 0 % is no drop to speak of
    if q is not None and pd.notna(q) and q < -0.005:
        drop = fmt_pct(-float(q), lang, decimals=0)
        return (
            f"выручка за 3 месяца упала на {drop} к трём предыдущим"
            if ru
            else f"spend down {drop} on the previous quarter"
        )
    if y is not None and pd.notna(y) and y < -0.005:
        drop = fmt_pct(-float(y), lang, decimals=0)
        return (
            f"выручка за 12 месяцев упала на {drop} к прошлому году"
            if ru
            else f"spend down {drop} on the previous year"
        )
    return "выручка снижается" if ru else "spend falling"


def _low_spend(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    money = fmt_money(row.get(REVENUE_WINDOW), "ru" if ru else "en")
    return f"всего {money} выручки за 12 месяцев" if ru else f"only {money} of revenue in 12 months"


def _new_client(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    tenure = _int(row.get(TENURE_DAYS))
    return (
        f"новый клиент: первый заказ {_days(tenure, 'ru')} назад"
        if ru
        else f"new client: first order {_days(tenure, 'en')} ago"
    )


def _long_since_first_order(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    tenure = _int(row.get(TENURE_DAYS))
    return (
        f"первый заказ был {_days(tenure, 'ru')} назад"
        if ru
        else f"first order {_days(tenure, 'en')} ago"
    )


def _low_p_alive(row: Mapping[str, Any], ru: bool, horizon_days: int) -> str:
    p = row.get(C.P_NO_PURCHASE)
    lang = "ru" if ru else "en"
    share = fmt_pct(float(p), lang, decimals=0) if p is not None and pd.notna(p) else "—"
    return (
        f"по истории покупок вероятность не заказать за {horizon_days} дней — {share}"
        if ru
        else f"by its purchase history, {share} chance of no order in {horizon_days} days"
    )


#: the words of each reason code: ``(row, ru, horizon_days) -> sentence``
_WORDS: dict[str, Callable[[Mapping[str, Any], bool, int], str]] = {
    C.SILENT: _silent,
    C.SINGLE_ORDER: _single_order,
    C.FEW_ORDERS: _few_orders,
    C.RARE_ORDERS: _rare_orders,
    C.IRREGULAR_ORDERS: _irregular_orders,
    C.SPEND_DOWN: _spend_down,
    C.LOW_SPEND: _low_spend,
    C.NEW_CLIENT: _new_client,
    C.LONG_SINCE_FIRST_ORDER: _long_since_first_order,
    C.LOW_P_ALIVE: _low_p_alive,
}


def reason_text(
    code: str, row: Mapping[str, Any], lang: str = "en", *, horizon_days: int = 90
) -> str:
    """One reason of one scored client as words.

    >>> reason_text("silent_longer_than_usual", {"recency_days": 95, "interval_days": 30.2})
    'silent 95 days, usually orders every 30 days'
    >>> reason_text("spend_down", {"spend_change_3m": -0.6, "spend_change": -0.1})
    'spend down 60% on the previous quarter'
    """
    ru = check_lang(lang) == "ru"
    words = _WORDS.get(code)
    if words is None:
        raise ReportkitError(f"unknown churn reason code {code!r}")
    return words(row, ru, horizon_days)


#: the facts each reason's words use, rounded as they are shown (the words are made once per
#: distinct combination: a base of a million clients has a few thousand)
_FACTS: dict[str, tuple[tuple[str, int], ...]] = {
    C.SILENT: ((RECENCY_DAYS, 0), (INTERVAL_DAYS, 0)),
    C.SINGLE_ORDER: ((RECENCY_DAYS, 0),),
    C.FEW_ORDERS: ((ORDERS_WINDOW, 0),),
    C.RARE_ORDERS: ((INTERVAL_DAYS, 0),),
    C.IRREGULAR_ORDERS: (),
    C.SPEND_DOWN: ((C.SPEND_CHANGE_3M, 2), (C.SPEND_CHANGE, 2)),
    C.LOW_SPEND: ((REVENUE_WINDOW, 0),),
    C.NEW_CLIENT: ((TENURE_DAYS, 0),),
    C.LONG_SINCE_FIRST_ORDER: ((TENURE_DAYS, 0),),
    C.LOW_P_ALIVE: ((C.P_NO_PURCHASE, 2),),
}


def _one_column(scores: pd.DataFrame, column: str, lang: str, horizon_days: int) -> pd.Series:
    """The words of one reason column, made once per distinct code and rounded facts."""
    out = pd.Series("", index=scores.index, dtype=object)
    codes = scores[column]
    for code in pd.unique(codes.dropna()):
        rows = codes == code
        facts = [(name, digits) for name, digits in _FACTS.get(code, ()) if name in scores]
        keys = pd.DataFrame(
            {
                name: scores.loc[rows, name].astype("float64").round(digits)
                for name, digits in facts
            },
            index=scores.index[rows],
        )
        names = [name for name, _ in facts]
        out[rows] = (
            once_per_distinct(
                keys,
                lambda *values, code=code, names=names: reason_text(
                    code, dict(zip(names, values)), lang, horizon_days=horizon_days
                ),
            )
            if facts
            else reason_text(code, {}, lang, horizon_days=horizon_days)
        )
    return out


def reasons(scores: pd.DataFrame, lang: str = "en", *, horizon_days: int = 90) -> pd.Series:
    """The two reasons of every scored client joined in one sentence ("…; …"), empty when the
    model gave none."""
    check_lang(lang)
    parts = [
        _one_column(scores, c, lang, horizon_days) for c in (C.REASON_1, C.REASON_2) if c in scores
    ]
    if not parts:
        return pd.Series("", index=scores.index, dtype=object, name=REASON)
    text = parts[0]
    for more in parts[1:]:
        text = text.where(more == "", text + "; " + more).where(text != "", more)
    return pd.Series(text.to_numpy(), index=scores.index, dtype=object, name=REASON)


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
