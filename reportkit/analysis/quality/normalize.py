"""Normalising the keys that identify a client: phones, e-mails, tax ids (INN), names.

The scalar functions read one cell; their Series versions work once per distinct value, so a
base of 100,000 records with repeated values costs a fraction of a second.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "inn_is_valid",
    "inns_are_valid",
    "normalize_email",
    "normalize_emails",
    "normalize_name",
    "normalize_names",
    "normalize_phone",
    "normalize_phones",
    "normalize_tax_id",
    "normalize_tax_ids",
]

# --- scalar helpers ------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A cell as stripped text; None for missing or blank. Integral floats lose their '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


def _map_unique(values: Any, func: Callable[[Any], Any]) -> pd.Series:
    """Apply ``func`` once per distinct value of a Series; missing values give None."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.empty(len(uniques), dtype=object)
    for k, u in enumerate(np.asarray(uniques, dtype=object)):
        mapped[k] = func(u)
    out = np.full(len(s), None, dtype=object)
    ok = codes >= 0
    out[ok] = mapped[codes[ok]]
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


# --- phones --------------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"[,;\n]|\s/\s|\s+или\s+|\s+or\s+", re.IGNORECASE)
_PHONE_EXT = re.compile(
    r"(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\s*[.:№]?\s*\d{1,6}\s*\)?\s*$",
    re.IGNORECASE,
)
_NON_DIGITS = re.compile(r"\D")


def _canonical_phone(digits: str) -> str | None:
    if digits.startswith("00"):  # international prefix 00
        digits = digits[2:]
    elif digits.startswith("810") and len(digits) > 12:  # Russian international prefix 8-10
        digits = digits[3:]
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] in "3489":  # Russian number without the country code
        digits = "7" + digits
    if not 10 <= len(digits) <= 15:
        return None
    if len(set(digits[1:])) == 1:  # a dummy number such as 7 000 000 00 00
        return None
    return digits


def normalize_phone(value: Any) -> str | None:
    """A phone number as digits only, Russian numbers as 11 digits starting with 7; None if unusable.

    Rules: extensions at the end ("доб. 123", "ext 12", "x12", "#12") are dropped; the 11-digit
    forms ``8 …`` and ``+7 …`` / ``7 …`` are the same number; a 10-digit number starting with 9
    (mobile) or 3, 4, 8 (area codes) is a Russian number written without the country code and
    gets a leading 7; an international ``00`` prefix is dropped. Fewer than 10 digits (a local
    number without its area code) or more than 15, and dummy numbers whose digits after the
    first are all the same, give None. A cell holding several numbers (separated by ``,`` ``;``
    `` / `` or "или") gives the first usable one.

    Examples
    --------
    >>> normalize_phone("8 (916) 123-45-67")
    '79161234567'
    >>> normalize_phone("+7 916 123 45 67 доб. 123")
    '79161234567'
    >>> normalize_phone("9161234567")
    '79161234567'
    >>> normalize_phone("(495) 123-45-67 ext 12")
    '74951234567'
    >>> normalize_phone("123-45-67") is None
    True
    >>> normalize_phone("нет; 8-916-123-45-67")
    '79161234567'
    """
    text = _text(value)
    if text is None:
        return None
    for part in _PHONE_SPLIT.split(text):
        part = _PHONE_EXT.sub("", part.strip())
        digits = _NON_DIGITS.sub("", part)
        if digits:
            phone = _canonical_phone(digits)
            if phone is not None:
                return phone
    return None


def normalize_phones(values: pd.Series) -> pd.Series:
    """:func:`normalize_phone` over a Series (object dtype, None where unusable).

    >>> normalize_phones(pd.Series(["8-916-123-45-67", None, "+7 916 1234567"])).tolist()
    ['79161234567', None, '79161234567']
    """
    return _map_unique(values, normalize_phone)


# --- e-mails -------------------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[,;]+")
_SPACES = re.compile(r"\s+")


def _one_email(part: str) -> str | None:
    part = part.strip().strip("<>()[]\"'.")
    part = part.removeprefix("mailto:")
    local, at, domain = part.partition("@")
    if at and local and domain and "@" not in domain and "." in domain:
        return part
    return None


def normalize_email(value: Any) -> str | None:
    """An e-mail address lower-cased and trimmed; None without an ``@`` and a dotted domain.

    Stray spaces inside an address are removed ("ivanov @mail.ru"); a ``mailto:`` prefix and
    surrounding brackets or quotes are dropped; a cell with several addresses (separated by
    ``,``, ``;`` or spaces) gives the first one.

    Examples
    --------
    >>> normalize_email("  Ivanov@Mail.RU ")
    'ivanov@mail.ru'
    >>> normalize_email("ivanov @mail.ru")
    'ivanov@mail.ru'
    >>> normalize_email("<sales@romashka.ru>; info@romashka.ru")
    'sales@romashka.ru'
    >>> normalize_email("нет") is None
    True
    """
    text = _text(value)
    if text is None:
        return None
    for part in _EMAIL_SPLIT.split(text.lower()):
        compact = _SPACES.sub("", part)
        if compact.count("@") == 1:
            email = _one_email(compact)
            if email:
                return email
        for word in part.split():
            email = _one_email(word)
            if email:
                return email
    return None


def normalize_emails(values: pd.Series) -> pd.Series:
    """:func:`normalize_email` over a Series (object dtype, None where unusable).

    >>> normalize_emails(pd.Series(["A@B.ru", "-", None])).tolist()
    ['a@b.ru', None, None]
    """
    return _map_unique(values, normalize_email)


# --- tax ids (INN) --------------------------------------------------------------------------------

_INN_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_DIGIT_RUNS = re.compile(r"\d+")
_TRAILING_ZERO_DECIMALS = re.compile(r"\.0+$")


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10


def _inn_digits_valid(digits: str) -> bool:
    if len(digits) == 10:
        return _check_digit(digits, _INN_W10) == int(digits[9])
    if len(digits) == 12:
        return _check_digit(digits, _INN_W11) == int(digits[10]) and _check_digit(
            digits, _INN_W12
        ) == int(digits[11])
    return False


def inn_is_valid(value: Any) -> bool:
    """Whether a value is a Russian INN with correct check digits.

    The value is read as its digits (spaces and dashes ignored). A 10-digit INN (organisation):
    the 10th digit equals (Σ wᵢ·dᵢ mod 11) mod 10 over the first nine digits with weights
    2, 4, 10, 3, 5, 9, 4, 6, 8. A 12-digit INN (person): the 11th digit is the same sum over the
    first ten digits with weights 7, 2, 4, 10, 3, 5, 9, 4, 6, 8, and the 12th over the first
    eleven with weights 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8. Any other length is not valid.

    Examples
    --------
    >>> inn_is_valid("7707083893")       # Sberbank
    True
    >>> inn_is_valid("7707083894")
    False
    >>> inn_is_valid("500100732259")
    True
    >>> inn_is_valid("12345")
    False
    """
    text = _text(value)
    if text is None:
        return False
    digits = _NON_DIGITS.sub("", _TRAILING_ZERO_DECIMALS.sub("", text))
    return _inn_digits_valid(digits)


def normalize_tax_id(value: Any) -> str | None:
    """A tax id (INN) as its 10 or 12 digits; None when it cannot be one.

    Spaces, dashes and a trailing ``.0`` (Excel) are dropped. A cell holding the INN with the
    KPP ("7707083893/773601001") gives the INN. A 9- or 11-digit value that becomes a valid INN
    with a leading zero restored (Excel drops it: regions 01–09) gets it back. Placeholders made
    of one repeated digit ("0000000000") give None. The check digits are *not* required here
    (see :func:`inn_is_valid`): an invalid INN still identifies the records that share it.

    Examples
    --------
    >>> normalize_tax_id(" 7707 083 893 ")
    '7707083893'
    >>> normalize_tax_id("7707083893/773601001")
    '7707083893'
    >>> normalize_tax_id(7707083893.0)
    '7707083893'
    >>> normalize_tax_id("12345") is None
    True
    >>> normalize_tax_id("0000000000") is None
    True
    """
    text = _text(value)
    if text is None:
        return None
    text = _TRAILING_ZERO_DECIMALS.sub("", text)
    runs = _DIGIT_RUNS.findall(text)
    digits = "".join(runs)
    if len(digits) not in (10, 12):
        candidates = [r for r in runs if 9 <= len(r) <= 12]
        if candidates:
            digits = candidates[0]
    if len(digits) in (9, 11) and _inn_digits_valid("0" + digits):
        digits = "0" + digits
    if len(digits) not in (10, 12) or len(set(digits)) == 1:
        return None
    return digits


def normalize_tax_ids(values: pd.Series) -> pd.Series:
    """:func:`normalize_tax_id` over a Series (object dtype, None where unusable).

    >>> normalize_tax_ids(pd.Series(["7707083893", "77-07-08-38-93", "abc"])).tolist()
    ['7707083893', '7707083893', None]
    """
    return _map_unique(values, normalize_tax_id)


def inns_are_valid(values: pd.Series) -> pd.Series:
    """:func:`inn_is_valid` over a Series (bool; missing values are not valid).

    >>> inns_are_valid(pd.Series(["7707083893", "7707083894", None])).tolist()
    [True, False, False]
    """
    return _map_unique(values, inn_is_valid).fillna(False).astype(bool)


# --- names ---------------------------------------------------------------------------------------

_QUOTES_BRACKETS = re.compile(r"[«»\"'“”„‘’`()\[\]{}_]")
_PUNCTUATION = re.compile(r"[^\w\s]")
_LEGAL_PHRASES = (
    "общество с ограниченной ответственностью",
    "открытое акционерное общество",
    "закрытое акционерное общество",
    "публичное акционерное общество",
    "непубличное акционерное общество",
    "акционерное общество",
    "индивидуальный предприниматель",
    "автономная некоммерческая организация",
    "некоммерческая организация",
    "limited liability company",
    "limited liability partnership",
    "public limited company",
    "sole proprietorship",
    "sole proprietor",
    "individual entrepreneur",
    "limited",
    "incorporated",
    "corporation",
    "company",
)
_LEGAL_PHRASES_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(p.replace(" ", r"\s+") for p in _LEGAL_PHRASES) + r")(?!\w)"
)
_LEGAL_TOKENS = frozenset(
    {
        "ооо",
        "оао",
        "зао",
        "пао",
        "ао",
        "ип",
        "нко",
        "ано",
        "ooo",
        "oao",
        "zao",
        "pao",
        "llc",
        "llp",
        "ltd",
        "inc",
        "gmbh",
        "corp",
        "co",
        "plc",
    }
)
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_LAT_TO_CYR = str.maketrans("aceopxykmhtb", "асеорхукмнтв")
_CYR_TO_LAT = str.maketrans("асеорхукмнтв", "aceopxykmhtb")


def _fix_mixed_script(token: str) -> str:
    """Latin look-alike letters in a Cyrillic word (and vice versa) become the word's script."""
    cyr = len(_CYRILLIC.findall(token))
    if not cyr:
        return token
    lat = len(_LATIN.findall(token))
    if not lat:
        return token
    return token.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)


def normalize_name(value: Any) -> str | None:
    """A client name reduced to what identifies it; None when nothing is left.

    Steps: case-folded; ``ё`` → ``е``; quotes «»"'“”, brackets and underscores become spaces;
    other punctuation is removed; Latin look-alike letters inside a Cyrillic word (and Cyrillic
    inside a Latin one) are replaced by the word's own script; legal forms are removed, both
    abbreviated (ООО, ОАО, ЗАО, ПАО, АО, ИП, НКО, АНО, LLC, Ltd, Inc, GmbH, Corp, Co, PLC) and
    spelled out (общество с ограниченной ответственностью, акционерное общество, индивидуальный
    предприниматель, limited, company …); whitespace is collapsed and the words are sorted, so
    word order does not matter.

    Examples
    --------
    >>> normalize_name('ООО «Ромашка»')
    'ромашка'
    >>> normalize_name('Общество с ограниченной ответственностью "РОМАШКА"')
    'ромашка'
    >>> normalize_name("Торговый дом Ёлка, ЗАО")
    'дом елка торговый'
    >>> normalize_name("Smith & Sons Ltd.")
    'smith sons'
    >>> normalize_name("ООО") is None
    True
    """
    text = _text(value)
    if text is None:
        return None
    text = text.casefold().replace("ё", "е")
    text = _QUOTES_BRACKETS.sub(" ", text)
    text = _PUNCTUATION.sub("", text)
    if _LATIN.search(text) and _CYRILLIC.search(text):
        text = " ".join(_fix_mixed_script(t) for t in text.split())
    text = _LEGAL_PHRASES_RE.sub(" ", text)
    tokens = sorted(t for t in text.split() if t not in _LEGAL_TOKENS)
    return " ".join(tokens) or None


def normalize_names(values: pd.Series) -> pd.Series:
    """:func:`normalize_name` over a Series (object dtype, None where nothing is left).

    >>> normalize_names(pd.Series(["ИП Иванов", "Иванов ИП", None])).tolist()
    ['иванов', 'иванов', None]
    """
    return _map_unique(values, normalize_name)
