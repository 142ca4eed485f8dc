"""The number and date formats of each language, and nouns counted in the right form.

Number formats: ``1,234,567.5`` in English, ``1 234 567,5`` in Russian (a narrow no-break space
U+202F groups the thousands, a comma separates the decimals). Missing values print as ``—``.
Dates are ISO in English (``2024-06-30``) and ``30.06.2024`` in Russian; months and quarters
have their own forms (:func:`fmt_period`, :func:`fmt_month`). A count takes its noun in the form
the number asks for: English one/many, Russian one/few/many (:func:`count_phrase`).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ReportkitError, check_param

LANGS = ("en", "ru")
MISSING = "\u2014"  # em dash for a missing value
MINUS = "\u2212"  # typographic minus sign
NNBSP = "\u202f"  # narrow no-break space: Russian thousands separator
_SEPARATORS = {"en": (",", "."), "ru": (NNBSP, ",")}  # (thousands, decimal)


def _check_lang(lang: str) -> None:
    check_param(lang in LANGS, "lang", 'one of "en", "ru"', lang)


# ----------------------------------------------------------------------------------------------
# Counted nouns
# ----------------------------------------------------------------------------------------------
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "order": {"en": ("order", "orders"), "ru": ("заказ", "заказа", "заказов")},
    "day": {"en": ("day", "days"), "ru": ("день", "дня", "дней")},
    "month": {"en": ("month", "months"), "ru": ("месяц", "месяца", "месяцев")},
    "client": {"en": ("client", "clients"), "ru": ("клиент", "клиента", "клиентов")},
    "quarter": {"en": ("quarter", "quarters"), "ru": ("квартал", "квартала", "кварталов")},
}


@functools.lru_cache(maxsize=4096)
def plural_word(n: int, lang: str, noun: str) -> str:
    """The form of ``noun`` ("order", "day", "month", "client") that goes with the count ``n``.

    >>> plural_word(22, "ru", "client"), plural_word(1, "en", "client")
    ('клиента', 'client')
    """
    forms = _WORDS[noun][lang]
    k = abs(int(n))
    if lang == "en":
        return forms[0] if k == 1 else forms[1]
    if 11 <= k % 100 <= 14:
        return forms[2]
    if k % 10 == 1:
        return forms[0]
    if 2 <= k % 10 <= 4:
        return forms[1]
    return forms[2]


@functools.lru_cache(maxsize=16384)
def count_phrase(n: int, lang: str, noun: str) -> str:
    """A count with its noun in the right form: English one/many, Russian one/few/many.

    >>> [count_phrase(k, "ru", "order") for k in (1, 2, 5, 11, 21, 22, 112)]
    ['1 заказ', '2 заказа', '5 заказов', '11 заказов', '21 заказ', '22 заказа', '112 заказов']
    >>> count_phrase(1, "en", "day"), count_phrase(40, "en", "day")
    ('1 day', '40 days')
    """
    return f"{n} {plural_word(n, lang, noun)}"


# ----------------------------------------------------------------------------------------------
# Number and date formats
# ----------------------------------------------------------------------------------------------
def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _group(value: float, lang: str, decimals: int) -> str:
    _check_lang(lang)
    check_param(
        isinstance(decimals, (int, np.integer)) and 0 <= decimals <= 12,
        "decimals",
        "an integer from 0 to 12",
        decimals,
    )
    if math.isinf(value):
        return ("" if value > 0 else MINUS) + "∞"
    text = f"{abs(value):,.{decimals}f}"
    thousands, point = _SEPARATORS[lang]
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    negative = value < 0 and any(ch not in "0,." for ch in f"{abs(value):.{decimals}f}")
    return (MINUS if negative else "") + text


def _to_float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ReportkitError(f"cannot format {value!r} as {name}: it is not a number") from None


def fmt_number(value: Any, lang: str = "en", *, decimals: int = 2) -> str:
    """A number with thousands separators and ``decimals`` decimals (default 2).

    >>> fmt_number(1234.567, "en")
    '1,234.57'
    >>> fmt_number(1234.567, "ru") == "1\\u202f234,57"
    True
    """
    if _is_missing(value):
        return MISSING
    return _group(_to_float(value, "a number"), lang, decimals)


def fmt_int(value: Any, lang: str = "en") -> str:
    """A whole number with thousands separators ("1,234,567" / "1 234 567").

    >>> fmt_int(1234567, "en")
    '1,234,567'
    >>> fmt_int(-1234567, "ru") == "\\u22121\\u202f234\\u202f567"
    True
    """
    if _is_missing(value):
        return MISSING
    return _group(_to_float(value, "a whole number"), lang, 0)


def fmt_money(
    value: Any, lang: str = "en", *, decimals: int = 0, currency: str | None = None
) -> str:
    """An amount of money: thousands separators, ``decimals`` decimals (default 0), and the
    ``currency`` after a no-break space when given (default None: no currency sign).

    >>> fmt_money(1234567.4, "en")
    '1,234,567'
    >>> fmt_money(1234.5, "ru", decimals=2, currency="₽") == "1\\u202f234,50\\u00a0₽"
    True
    """
    if _is_missing(value):
        return MISSING
    text = _group(_to_float(value, "money"), lang, decimals)
    return f"{text}\u00a0{currency}" if currency else text


def fmt_pct(value: Any, lang: str = "en", *, decimals: int = 1) -> str:
    """A share (0.123) as a percentage: "12.3%" in English, "12,3 %" in Russian.

    >>> fmt_pct(0.1234, "en")
    '12.3%'
    >>> fmt_pct(0.1234, "ru") == "12,3\\u202f%"
    True
    """
    if _is_missing(value):
        return MISSING
    text = _group(_to_float(value, "a share") * 100, lang, decimals)
    return text + ("%" if lang == "en" else NNBSP + "%")


def fmt_date(value: Any, lang: str = "en") -> str:
    """A date: ISO "2024-06-30" in English, "30.06.2024" in Russian; a time of day is kept.

    >>> fmt_date("2024-06-30", "ru")
    '30.06.2024'
    """
    _check_lang(lang)
    if _is_missing(value):
        return MISSING
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ReportkitError(f"cannot format {value!r} as a date") from None
    day = ts.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")
    if (ts.hour, ts.minute, ts.second) != (0, 0, 0):
        day += ts.strftime(" %H:%M")
    return day


def fmt_period(value: Any, lang: str = "en") -> str:
    """A month or quarter period: "2024-06" / "2024Q2" in English, "06.2024" / "2 кв. 2024" in
    Russian.

    >>> fmt_period("2024-06", "ru"), fmt_period("2024Q2", "ru"), fmt_period("2024Q2", "en")
    ('06.2024', '2\xa0кв. 2024', '2024Q2')
    """
    _check_lang(lang)
    text = str(value)
    if "Q" in text.upper():
        q = pd.Period(text, freq="Q")
        return f"{q.year}Q{q.quarter}" if lang == "en" else f"{q.quarter}\u00a0кв. {q.year}"
    p = pd.Period(value, freq="M")
    return p.strftime("%Y-%m" if lang == "en" else "%m.%Y")


_COMPACT = {
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "k")),
    "ru": ((1e9, "\u00a0млрд"), (1e6, "\u00a0млн"), (1e3, "\u00a0тыс.")),
}


def fmt_compact(value: Any, lang: str = "en") -> str:
    """A large number in short form, for chart axes: "1.2M", "350k"; "1,2 млн", "350 тыс.".

    >>> fmt_compact(1_234_567, "en"), fmt_compact(-350_000, "ru"), fmt_compact(12, "en")
    ('1.2M', '−350\xa0тыс.', '12')
    """
    _check_lang(lang)
    v = float(value)
    for div, suffix in _COMPACT[lang]:
        if abs(v) >= div:
            digits = 1 if abs(v) < 10 * div else 0
            text = (
                f"{abs(v) / div:.{digits}f}".rstrip("0").rstrip(".")
                if digits
                else f"{abs(v) / div:.0f}"
            )
            if lang == "ru":
                text = text.replace(".", ",")
            return ("−" if v < 0 else "") + text + suffix
    return ("−" if v < 0 else "") + f"{abs(v):.0f}"


_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
}


def fmt_month(value: Any, lang: str = "en") -> str:
    """A month in words, for sentences: "December 2025", "декабрь 2025".

    >>> fmt_month("2025-12-31", "ru"), fmt_month("2024-06", "en")
    ('декабрь 2025', 'June 2024')
    """
    _check_lang(lang)
    p = pd.Period(value, freq="M")
    return f"{_MONTHS[lang][p.month - 1]} {p.year}"
