"""Words of the lifecycle: labels, the reason of every client, the VIP review, the reactivation
list and the notes of :func:`reportkit.analysis.lifecycle.classify`, in English and Russian."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...analysis.lifecycle import (
    LIMIT_BY_INTERVAL,
    OVERDUE,
    SILENCE_LIMIT_DAYS,
    TENURE_DAYS,
    TENURE_MONTHS,
    Lifecycle,
)
from ...errors import ReportkitError
from ...io.config import LifecycleRules
from ...io.schema import (
    CLIENT_ID,
    INTERVAL_DAYS,
    ORDERS_TOTAL,
    REASON,
    RECENCY_DAYS,
    REVENUE_WINDOW,
    STATUS,
    USUAL_INTERVAL_DAYS,
)
from ..text import count_phrase, fmt_date, fmt_money, fmt_pct
from . import check_lang, once_per_distinct

#: labels merged by :mod:`reportkit.report.text` under ``lifecycle.`` (``t("lifecycle.n_clients")``)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "n_clients": "Clients",
        "client_share": "Share of clients",
        "revenue_share": "Share of revenue",
        "usual_interval_days": "Usual cycle, days",
        "best12_revenue": "Best 12 months revenue",
        "reactivation_list": "Reactivation list",
        "vip_review": "VIP clients to review",
        "summary": "Lifecycle matrix",
    },
    "ru": {
        "n_clients": "Клиентов",
        "client_share": "Доля клиентов",
        "revenue_share": "Доля выручки",
        "usual_interval_days": "Обычный цикл, дней",
        "best12_revenue": "Выручка за лучшие 12 месяцев",
        "reactivation_list": "Список на реактивацию",
        "vip_review": "VIP-клиенты на проверку",
        "summary": "Матрица жизненного цикла",
    },
}

_CYCLE = {
    "en": {"own": "own interval", "deal": "deal cycle", "base": "base median; one order"},
    "ru": {"own": "свой интервал", "deal": "цикл сделки", "base": "медиана базы: один заказ"},
}


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _activity(row: Mapping[str, Any], lang: str) -> str:
    """'3 orders in 14 months; last 40 days ago'."""
    o, r = _int(row[ORDERS_TOTAL]), _int(row[RECENCY_DAYS])
    tm, td = _int(row[TENURE_MONTHS]), _int(row[TENURE_DAYS])
    if lang == "ru":
        ago = "сегодня" if r == 0 else count_phrase(r, "ru", "day") + " назад"
        if o == 1:
            return f"1 заказ, {ago}"
        span = count_phrase(tm, "ru", "month") if tm >= 1 else count_phrase(td, "ru", "day")
        return f"{count_phrase(o, 'ru', 'order')} за {span}; последний {ago}"
    ago = "today" if r == 0 else count_phrase(r, "en", "day") + " ago"
    if o == 1:
        return f"1 order, {ago}"
    span = count_phrase(tm, "en", "month") if tm >= 1 else count_phrase(td, "en", "day")
    return f"{count_phrase(o, 'en', 'order')} in {span}; last {ago}"


def _dead(code: str, row: Mapping[str, Any], lang: str, rules: LifecycleRules) -> str:
    r, lim = _int(row[RECENCY_DAYS]), _int(row[SILENCE_LIMIT_DAYS])
    iv = _int(np.round(row[INTERVAL_DAYS])) if pd.notna(row[INTERVAL_DAYS]) else 0
    o_txt = count_phrase(_int(row[ORDERS_TOTAL]), lang, "order")
    mult = f"{rules.dead_interval_multiple:g}"
    if lang == "ru":
        limit = (
            f"дольше {mult} × обычного интервала ({count_phrase(iv, 'ru', 'day')})"
            if row[LIMIT_BY_INTERVAL]
            else f"дольше порога {count_phrase(lim, 'ru', 'day')}"
        )
        verdict = {
            "winback_orders": "стоит вернуть: " + o_txt,
            "winback_revenue": "стоит вернуть: выручка за всё время выше медианы",
            "lost_refused": "потерян: отказ",
            "lost_low_value": f"потерян: {o_txt}, выручка за всё время не выше медианы",
        }[code]
        return f"молчит {count_phrase(r, 'ru', 'day')}, {limit}; {verdict}"
    limit = (
        f"longer than {mult} × the usual interval ({count_phrase(iv, 'en', 'day')})"
        if row[LIMIT_BY_INTERVAL]
        else f"over the limit of {count_phrase(lim, 'en', 'day')}"
    )
    verdict = {
        "winback_orders": "worth winning back: " + o_txt,
        "winback_revenue": "worth winning back: lifetime revenue above the median",
        "lost_refused": "lost: refused",
        "lost_low_value": f"lost: {o_txt}, lifetime revenue not above the median",
    }[code]
    return f"silent {count_phrase(r, 'en', 'day')}, {limit}; {verdict}"


def reason_text(row: Mapping[str, Any], lang: str, rules: LifecycleRules) -> str:
    """The reason of one row of :attr:`Lifecycle.clients` as a sentence in ``lang``."""
    code, ru = row[REASON], lang == "ru"
    status = "" if pd.isna(row[STATUS]) else str(row[STATUS])
    if code == "agreed_no_orders":
        return (
            f"согласился работать (статус «{status}»), заказов пока нет"
            if ru
            else f"agreed to work (status '{status}'), no orders yet"
        )
    if code in ("known_no_orders", "known_no_orders_refused"):
        text = "известен, заказов пока нет" if ru else "known, no orders yet"
        if status:
            text += f" (статус «{status}»)" if ru else f" (status '{status}')"
        if code == "known_no_orders_refused":
            text += "; отказ" if ru else "; refused"
        return text
    if code == "activity":
        return _activity(row, lang)
    if code == "vip_flag":
        return ("отметка VIP; " if ru else "VIP flag; ") + _activity(row, lang)
    if code == "key_flag":
        return ("отметка «ключевой клиент»; " if ru else "key account flag; ") + _activity(
            row, lang
        )
    if code == "key_class_a":
        return (
            "проверенный, класс A, без спада; " if ru else "proven, ABC class A, not declining; "
        ) + _activity(row, lang)
    if code == "key_top_share":
        share = fmt_pct(rules.key_revenue_share, lang, decimals=0)
        return (
            f"проверенный, в топ-{share} выручки, без спада; "
            if ru
            else f"proven, in the top {share} of revenue, not declining; "
        ) + _activity(row, lang)
    if code in ("winback_orders", "winback_revenue", "lost_refused", "lost_low_value"):
        return _dead(code, row, lang, rules)
    raise ReportkitError(f"unknown lifecycle reason code {code!r}")


def reasons(lifecycle: Lifecycle, lang: str = "en") -> pd.Series:
    """The reason of every client of ``lifecycle.clients`` in ``lang`` (indexed like the frame).

    >>> from reportkit.analysis.lifecycle import classify
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b", "c"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-04-17", "2024-05-21", None]),
    ...     "recency_days": [40, 40, None], "orders_total": [3, 1, 0],
    ...     "interval_days": [168.0, None, None], "revenue_total": [900.0, 100.0, 0.0],
    ...     "revenue_window": [600.0, 100.0, 0.0]})
    >>> reasons(classify(snap)).tolist()
    ['3 orders in 14 months; last 40 days ago', '1 order, 40 days ago', 'known, no orders yet']
    >>> reasons(classify(snap), "ru")[0]
    '3 заказа за 14 месяцев; последний 40 дней назад'
    """
    check_lang(lang)
    frame = lifecycle.clients
    texts = [reason_text(row, lang, lifecycle.rules) for row in frame.to_dict("records")]
    return pd.Series(texts, index=frame.index, dtype=object, name=REASON)


def vip_reason_text(row: Mapping[str, Any], lang: str) -> str:
    """The reason of one row of :attr:`Lifecycle.vip_review` in ``lang``."""
    code, ru = row[REASON], lang == "ru"
    if code == "vip_no_orders":
        return "отмечен VIP, но заказов нет" if ru else "flagged VIP but has no orders"
    if code == "vip_dead":
        days = _int(row[RECENCY_DAYS])
        return (
            f"отмечен VIP, но ушёл: молчит {count_phrase(days, 'ru', 'day')}"
            if ru
            else f"flagged VIP but dead: silent {days} days"
        )
    if code == "vip_no_revenue":
        return (
            "отмечен VIP, нет чистой выручки за окно"
            if ru
            else "flagged VIP, no net revenue over the window"
        )
    if code == "vip_negative_margin":
        return (
            "отмечен VIP, отрицательная маржа за окно"
            if ru
            else "flagged VIP, negative margin over the window"
        )
    if code == "vip_below_median":
        rev, med = row[REVENUE_WINDOW], row["median_revenue"]
        return (
            f"отмечен VIP, выручка за окно {fmt_money(rev, 'ru')} ниже, чем у "
            f"медианного клиента ({fmt_money(med, 'ru')})"
            if ru
            else f"flagged VIP, revenue over the window {fmt_money(rev)} is below the "
            f"median client's {fmt_money(med)}"
        )
    raise ReportkitError(f"unknown VIP review reason code {code!r}")


def vip_review(lifecycle: Lifecycle, lang: str = "en") -> pd.DataFrame:
    """:attr:`Lifecycle.vip_review` with its ``reason`` worded in ``lang`` (facts columns that
    only serve the wording dropped)."""
    check_lang(lang)
    review = lifecycle.vip_review.copy()
    review[REASON] = [vip_reason_text(row, lang) for row in review.to_dict("records")]
    return review.drop(columns=[RECENCY_DAYS, "median_revenue"])


def reactivation_reasons(
    reactivation: pd.DataFrame, lifecycle: Lifecycle, lang: str = "en"
) -> pd.Series:
    """The reason of every row of :func:`reportkit.analysis.lifecycle.reactivation_list`:
    "silent 120 days, usual cycle 52 days (own interval)" for an overdue client, the lifecycle's
    reason for a dead one worth winning back."""
    check_lang(lang)
    out = pd.Series("", index=reactivation.index, dtype=object, name=REASON)
    overdue = (reactivation[REASON] == OVERDUE).to_numpy()
    if overdue.any():
        # the words once per distinct (silence, cycle, source): a long list repeats them
        keys = pd.DataFrame(
            {
                "r": reactivation.loc[overdue, RECENCY_DAYS].astype("float64").round(),
                "c": np.round(
                    np.nan_to_num(
                        reactivation.loc[overdue, USUAL_INTERVAL_DAYS].to_numpy(dtype="float64")
                    )
                ),
                "s": reactivation.loc[overdue, "cycle_source"].astype(str).to_numpy(),
            },
            index=reactivation.index[overdue],
        )
        out[overdue] = once_per_distinct(
            keys, lambda r, c, src: _overdue_text(_int(r), _int(c), _CYCLE[lang][src], lang)
        )
    if (~overdue).any():
        # dead clients worth winning back: the lifecycle's reason of just those rows
        frame = lifecycle.clients
        ids = reactivation.loc[~overdue, CLIENT_ID].astype(str).to_numpy()
        rows = frame.set_index(frame[CLIENT_ID].astype(str)).loc[ids]
        out[~overdue] = [reason_text(row, lang, lifecycle.rules) for row in rows.to_dict("records")]
    return out


def _overdue_text(r: int, c: int, source: str, lang: str) -> str:
    if lang == "ru":
        return (
            f"молчит {count_phrase(r, 'ru', 'day')} при обычном цикле "
            f"{count_phrase(c, 'ru', 'day')} ({source})"
        )
    return (
        f"silent {count_phrase(r, 'en', 'day')}, usual cycle "
        f"{count_phrase(c, 'en', 'day')} ({source})"
    )


def reactivation_list(
    reactivation: pd.DataFrame, lifecycle: Lifecycle, lang: str = "en"
) -> pd.DataFrame:
    """The reactivation list as a manager reads it: the reason worded, ``cycle_source`` (folded
    into the reason) dropped."""
    out = reactivation.copy()
    out[REASON] = reactivation_reasons(reactivation, lifecycle, lang)
    return out.drop(columns=["cycle_source"])


def note_text(code: str, params: Mapping[str, Any], lang: str) -> str:
    """One note of :attr:`Lifecycle.notes` as a sentence in ``lang``."""
    ru = lang == "ru"
    if code == "cards_created_later":
        n, day = params["n"], params["as_of"]
        return (
            f"Не учтено карточек, созданных после {fmt_date(day, 'ru')}: {n}."
            if ru
            else f"{n} client card(s) created after {pd.Timestamp(day).date()} are left out."
        )
    if code == "no_status_column":
        return (
            "Нет столбца статуса: все клиенты без заказов считаются потенциальными "
            "(ни одного активного)."
            if ru
            else "No status column: every client without "
            "orders is counted as potential (none as active)."
        )
    if code == "no_vip_column":
        return (
            "Нет столбца с отметкой VIP: блок VIP пуст."
            if ru
            else "No vip column: the vip block is empty."
        )
    if code == "key_derived":
        top = params["top_share"]
        top_txt = fmt_pct(top, lang, decimals=0) if top is not None else None
        if ru:
            where = f"из топ-{top_txt} выручки за окно" if top_txt else "класса A по выручке"
            margin = " и с положительной маржой" if params["margin"] else ""
            return (
                f"Нет столбца «ключевой клиент»: ключевые — проверенные клиенты {where} без "
                f"спада выручки{margin}."
            )
        where = f"in the top {top_txt} of revenue over the window" if top_txt else "of ABC class A"
        margin = " and positive margin" if params["margin"] else ""
        return (
            f"No key_account column: key = proven clients {where} whose revenue did not "
            f"decline{margin}."
        )
    if code == "key_off":
        return (
            "Нет столбца «ключевой клиент», а вывод ключевых клиентов по правилам выключен: "
            "блок ключевых пуст."
            if ru
            else "No key_account column and derive_key is off: the key block is empty."
        )
    if code == "vip_not_paying":
        n = params["n"]
        return (
            f"VIP-клиентов, которые не окупаются: {n} (см. список VIP-клиентов на проверку)."
            if ru
            else f"{n} VIP client(s) do not pay back: see the VIP clients to review."
        )
    if code == "flagged_leads":
        n = params["n"]
        return (
            f"Отмеченных VIP/ключевых клиентов без заказов: {n}; они остаются в зоне рождения."
            if ru
            else f"{n} flagged VIP/key client(s) have no orders and stay in the birth zone."
        )
    raise ReportkitError(f"unknown lifecycle note code {code!r}")


def notes(lifecycle: Lifecycle, lang: str = "en") -> list[str]:
    """Every note of ``lifecycle`` as a sentence in ``lang``."""
    check_lang(lang)
    return [note_text(code, params, lang) for code, params in lifecycle.notes]


__all__ = [
    "LABELS",
    "note_text",
    "notes",
    "reactivation_list",
    "reactivation_reasons",
    "reason_text",
    "reasons",
    "vip_reason_text",
    "vip_review",
]
