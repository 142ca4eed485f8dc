"""Data quality of the client base: duplicate clients, card completeness, reconciliation.

Three questions an audit answers before any other number can be trusted:

* **Duplicates** — :func:`find_duplicates`: which client records are one client (same phone,
  e-mail or tax id, or a near-identical name), with the evidence of every link, a confidence,
  the record to keep and the revenue the records make together.
* **Completeness** — :func:`completeness`: are the client cards filled in (business, contact,
  analytic and history fields)? Is this a client base, a partial base or a list of names?
* **Reconciliation** — :func:`reconcile`: every input row and every cent accounted for, from the
  files to the panel the report is built on.

:func:`find_duplicates`, :func:`completeness` and :func:`reconcile` write no sentences: evidence,
problems, notes, reasons, summary and reconciliation items are codes with their figures
(``evidence`` "tax_id,name=93" ~ the linked id; a summary ``item`` "dup.shared" with ``params``
{"limit": 50}), worded in English and Russian by :mod:`reportkit.report.words.quality`.

The normalisation helpers are public: :func:`normalize_phone`, :func:`normalize_email`,
:func:`normalize_tax_id`, :func:`inn_is_valid`, :func:`normalize_name`, and their Series
versions :func:`normalize_phones`, :func:`normalize_emails`, :func:`normalize_tax_ids`,
:func:`inns_are_valid`, :func:`normalize_names` (these work once per distinct value, so a base
of 100,000 records with repeated values costs a fraction of a second).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import InputError, MissingColumnError, check_param
from ..io.config import QualitySettings
from ..io.load import parse_flags, parse_ids
from ..io.schema import (
    ACTION,
    AMOUNT,
    ANALYTIC_FILLED,
    BUSINESS_FILLED,
    CARD_GROUP,
    CHECK,
    CLIENT_ID,
    CLIENT_ID_A,
    CLIENT_ID_B,
    COMPLETENESS,
    CONFIDENCE,
    CONTACT_FILLED,
    CONTACT_PERSON,
    CREATED,
    DATE,
    DECISION_MAKER,
    DIFFERENCE,
    EMAIL,
    EVIDENCE,
    FIELD,
    FIELDS_FILLED,
    FILLED,
    GROUP_CONFIDENCE,
    GROUP_ID,
    GROUP_REVENUE,
    GROUP_SIZE,
    GROUPS_FILLED,
    HAS_ORDERS,
    HISTORY_FILLED,
    IN_FILE,
    INDUSTRY,
    INPUT,
    ITEM,
    KEY,
    KEY_ACCOUNT,
    MANAGER,
    MISSING,
    MONTH,
    NAME,
    NAME_SCORE,
    NOTE,
    ORDER_ID,
    ORDERS,
    PHONE,
    POTENTIAL,
    PROBLEM,
    RECORDS,
    REGION,
    REPORT,
    REVENUE,
    SECTION,
    SHARE_FILLED,
    SIZE,
    STATUS,
    SURVIVOR,
    TAX_ID,
    VALUE,
    VIP,
)

__all__ = [
    "CLIENT_BASE",
    "HIGH",
    "LIST_OF_NAMES",
    "LOW",
    "MEDIUM",
    "PARTIAL_BASE",
    "Completeness",
    "Duplicates",
    "completeness",
    "find_duplicates",
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
    "reconcile",
]

HIGH, MEDIUM, LOW = "high", "medium", "low"
#: the actions of :meth:`Duplicates.to_frame`
KEEP, MERGE = "keep", "merge"
#: the codes of a link's ``evidence`` ("name=93": the names' similarity)
EVIDENCE_CODES = (
    "tax_id",
    "email",
    "phone",
    "name",
    "swapped",
    "tax_ids_differ",
    "phones_differ",
    "emails_differ",
)
#: the ``problem`` codes of an invalid tax id: not 10 or 12 digits, check digits do not match
PROBLEMS = ("length", "check")
PARAMS = "params"
_LEVEL_NAMES = {3: HIGH, 2: MEDIUM, 1: LOW}

CLIENT_BASE, PARTIAL_BASE, LIST_OF_NAMES = "client_base", "partial_base", "list_of_names"


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


# --- input checks --------------------------------------------------------------------------------


def _require_frame(frame: Any, what: str, argument: str, required: Iterable[str]) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame with the ``required`` columns; return it."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be the {what} table as a pandas DataFrame, got "
            f"{type(frame).__name__}. Load it with reportkit.load(...)."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(repr, map(str, frame.columns))) or "(none)"
        names = ", ".join(f"`{c}`" for c in missing)
        raise MissingColumnError(
            f"the {what} table (`{argument}`) has no {names} column; columns found: {found}. "
            f"Rename the column, or map it in the config: [columns.{what}] "
            f'{missing[0]} = "<header in your file>".'
        )
    return frame


def _client_ids(col: pd.Series, what: str) -> pd.Series:
    """Client ids as strings; raise when any is missing."""

    ids = parse_ids(col.reset_index(drop=True))
    empty = np.flatnonzero((ids == "").to_numpy())
    if len(empty):
        rows = ", ".join(str(i) for i in empty[:5])
        raise InputError(
            f"the {what} table has {len(empty):,} rows without a client_id (positions {rows}"
            f"{', …' if len(empty) > 5 else ''}); every row needs one. Fill them in or drop "
            "those rows (reportkit.load rejects them with a reason)."
        )
    return ids


def _clients_table(clients: Any) -> pd.DataFrame:
    """A private copy of the clients table with string ids, checked for repeated ids."""
    _require_frame(clients, "clients", "clients", [CLIENT_ID])
    cl = clients.reset_index(drop=True).copy()
    cl[CLIENT_ID] = _client_ids(cl[CLIENT_ID], "clients").to_numpy(object)
    dup = cl[CLIENT_ID].duplicated(keep=False)
    if dup.any():
        examples = ", ".join(map(repr, cl.loc[dup, CLIENT_ID].drop_duplicates().head(3)))
        raise InputError(
            f"the clients table has {int(dup.sum()):,} rows sharing a client_id (e.g. {examples}); "
            "each client needs one card. Keep one row per id (reportkit.load keeps the first)."
        )
    return cl


def _transactions_table(transactions: Any, argument: str = "transactions") -> pd.DataFrame:
    _require_frame(transactions, "transactions", argument, [CLIENT_ID, AMOUNT])
    tx = transactions.reset_index(drop=True)
    cols = [c for c in (CLIENT_ID, DATE, AMOUNT, ORDER_ID) if c in tx.columns]
    tx = tx[cols].copy()
    tx[CLIENT_ID] = _client_ids(tx[CLIENT_ID], "transactions").to_numpy(object)
    amount = pd.to_numeric(tx[AMOUNT], errors="coerce")
    bad = amount.isna() & tx[AMOUNT].notna()
    if bad.any():
        examples = ", ".join(map(repr, tx.loc[bad, AMOUNT].head(3)))
        raise InputError(
            f"the transactions table has {int(bad.sum()):,} amounts that are not numbers (e.g. "
            f"{examples}). Load the file with reportkit.load, which parses decimal commas and "
            "currency signs, or convert the `amount` column to numbers."
        )
    tx[AMOUNT] = amount.astype(float)
    return tx


def _check_settings(settings: Any) -> QualitySettings:
    if settings is None:
        return QualitySettings()
    if not isinstance(settings, QualitySettings):
        raise InputError(
            f"`settings` must be a reportkit.io.config.QualitySettings, got "
            f"{type(settings).__name__}."
        )
    s = settings
    check_param(
        0 < s.name_similarity <= 100, "name_similarity", "a score in (0, 100]", s.name_similarity
    )
    check_param(
        s.name_similarity <= s.name_medium_similarity <= 100,
        "name_medium_similarity",
        f"a score from name_similarity ({s.name_similarity}) to 100",
        s.name_medium_similarity,
    )
    check_param(s.shared_key_limit >= 2, "shared_key_limit", "an integer >= 2", s.shared_key_limit)
    check_param(s.max_group_size >= 2, "max_group_size", "an integer >= 2", s.max_group_size)
    check_param(s.name_block_size >= 2, "name_block_size", "an integer >= 2", s.name_block_size)
    check_param(s.name_window >= 1, "name_window", "an integer >= 1", s.name_window)
    check_param(
        0 < s.group_filled_share <= 1,
        "group_filled_share",
        "a share in (0, 1]",
        s.group_filled_share,
    )
    check_param(
        0 <= s.list_of_names_score <= s.client_base_score <= 1,
        "client_base_score",
        f"a share from list_of_names_score ({s.list_of_names_score}) to 1",
        s.client_base_score,
    )
    check_param(
        0 <= s.client_base_contact_share <= 1,
        "client_base_contact_share",
        "a share from 0 to 1",
        s.client_base_contact_share,
    )
    return s


def _orders_revenue(tx: pd.DataFrame) -> pd.DataFrame:
    """Per client: orders (distinct order_id, or distinct dates without one) and net revenue."""
    day = None
    if DATE in tx.columns:
        day = (
            tx[DATE].dt.normalize() if pd.api.types.is_datetime64_any_dtype(tx[DATE]) else tx[DATE]
        )
        day = "date:" + day.astype(str)
    if ORDER_ID in tx.columns:
        order = tx[ORDER_ID].astype(object).where(tx[ORDER_ID].notna())
        if day is not None:
            order = order.fillna(day)
    elif day is not None:
        order = day
    else:
        order = pd.Series(np.arange(len(tx)).astype(str), index=tx.index)
    frame = pd.DataFrame({CLIENT_ID: tx[CLIENT_ID], "_order": order, AMOUNT: tx[AMOUNT]})
    grouped = frame.groupby(CLIENT_ID, sort=False)
    out = pd.DataFrame({ORDERS: grouped["_order"].nunique(), REVENUE: grouped[AMOUNT].sum()})
    return out


def _html_table(frame: pd.DataFrame, max_rows: int = 20) -> str:
    return frame.head(max_rows).to_html(
        index=False, escape=True, na_rep="", float_format=lambda v: f"{v:,.2f}"
    )


# --- duplicates: candidate pairs ------------------------------------------------------------------


def _unique_ints(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (sort-based: numpy 2.4's hash-based
    ``np.unique`` is many times slower on millions of values)."""
    s = np.sort(np.asarray(values), kind="stable")
    if not len(s):
        return s
    return s[np.r_[True, s[1:] != s[:-1]]]


def _pairs_within_groups(codes: np.ndarray, max_size: int) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j), i < j by position, of elements sharing a code (codes < 0 ignored), in groups
    of 2 to ``max_size`` elements. Vectorised; the output has Σ k(k-1)/2 pairs."""
    valid = np.flatnonzero(codes >= 0)
    if len(valid) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = valid[np.argsort(codes[valid], kind="stable")]
    c = codes[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    sizes = np.diff(np.r_[starts, len(c)])
    keep = (sizes >= 2) & (sizes <= max_size)
    starts, sizes = starts[keep], sizes[keep]
    if not len(starts):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pos = np.repeat(starts, sizes) + (
        np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    end = np.repeat(starts + sizes, sizes)
    partners = end - pos - 1
    total = int(partners.sum())
    left = np.repeat(pos, partners)
    offset = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    right = left + 1 + offset
    return order[left].astype(np.int64), order[right].astype(np.int64)


def _exact_pairs(
    values: pd.Series, limit: int, key: str
) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str, int]]]:
    """Pairs of records sharing a value; values shared by more than ``limit`` records are
    generic and returned separately as (key, value, records)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    shared = [(key, str(uniques[k]), int(counts[k])) for k in np.flatnonzero(counts > limit)]
    i, j = _pairs_within_groups(codes, limit)
    return i, j, shared


def _name_candidates(
    names: np.ndarray, settings: QualitySettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j, score) of distinct names with ratio >= name_similarity, found in blocks.

    Blocking keys of a name: each of its words of 2+ letters, and the first and the last four
    letters of the name written without spaces (so a typo in a one-word name still meets its
    original). A block of up to ``name_block_size`` names is compared all against all with
    ``rapidfuzz.process.cdist``; a larger block (a common word) is sorted and each name compared
    with the next ``name_window`` names (sorted neighbourhood). The work therefore grows with
    the number of names times the block size, not with its square.
    """
    cutoff = float(settings.name_similarity)
    wide = min(cutoff, _SWAP_MIN_SCORE)  # low enough for a swap of two letters in 6 letters
    m = len(names)
    if m < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    key_rows: list[np.ndarray] = []
    key_vals: list[np.ndarray] = []
    tokens = [n.split() for n in names]
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=m)
    flat = np.fromiter((w for t in tokens for w in t), dtype=object, count=int(lengths.sum()))
    rows = np.repeat(np.arange(m), lengths)
    long_enough = np.fromiter((len(w) >= 2 for w in flat), dtype=bool, count=len(flat))
    key_rows.append(rows[long_enough])
    key_vals.append(np.char.add("w:", flat[long_enough].astype(str)).astype(object))
    condensed = [n.replace(" ", "") for n in names]
    key_rows.append(np.arange(m))
    key_vals.append(np.array(["p:" + c[:4] for c in condensed], dtype=object))
    key_rows.append(np.arange(m))
    key_vals.append(np.array(["s:" + c[-4:] for c in condensed], dtype=object))
    block_row = np.concatenate(key_rows)
    block_key = np.concatenate(key_vals)
    codes, _ = pd.factorize(block_key)
    sizes = np.bincount(codes)

    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    # small blocks: every pair, scored in one vectorised call
    small = sizes[codes] <= min(settings.name_block_size, 64)
    a, b = _pairs_within_groups(np.where(small, codes, -1), 64)
    if len(a):
        found_i.append(block_row[a])
        found_j.append(block_row[b])
    # larger blocks: all against all with one cdist per block, or sorted neighbourhood
    order = np.argsort(codes, kind="stable")
    bounds = np.r_[0, np.cumsum(sizes)]
    for code in np.flatnonzero(sizes > min(settings.name_block_size, 64)):
        members = _unique_ints(block_row[order[bounds[code] : bounds[code + 1]]])
        if len(members) < 2:
            continue
        strings = names[members]
        if len(members) <= settings.name_block_size:
            scores = process.cdist(
                strings, strings, scorer=fuzz.ratio, score_cutoff=wide, workers=-1, dtype=np.float32
            )
            ii, jj = np.nonzero(np.triu(scores >= wide, k=1))
            found_i.append(members[ii])
            found_j.append(members[jj])
        else:
            is_suffix = str(block_key[order[bounds[code]]]).startswith("s:")
            sort_by = [x[::-1] for x in strings] if is_suffix else list(strings)
            ranked = members[np.argsort(np.array(sort_by, dtype=object), kind="stable")]
            for w in range(1, min(settings.name_window, len(ranked) - 1) + 1):
                found_i.append(ranked[:-w])
                found_j.append(ranked[w:])
    if not found_i:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    i = np.concatenate(found_i)
    j = np.concatenate(found_j)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo != hi
    pair_code = _unique_ints(lo[keep].astype(np.int64) * m + hi[keep])
    lo, hi = pair_code // m, pair_code % m
    scores = process.cpdist(names[lo], names[hi], scorer=fuzz.ratio, workers=-1, dtype=np.float64)
    ok = scores >= cutoff
    for k in np.flatnonzero(~ok & (scores >= wide)):
        ok[k] = _one_swap(names[lo[k]], names[hi[k]])
    return lo[ok], hi[ok], scores[ok]


# --- duplicates: result ------------------------------------------------------------------------


@dataclass
class Duplicates:
    """Duplicate client records found by :func:`find_duplicates`.

    Attributes
    ----------
    pairs : DataFrame
        One row per link between two records: ``client_id_a``, ``client_id_b`` (a < b),
        ``evidence`` (the keys that matched, e.g. "tax_id, phone, name 96"; "tax ids differ"
        when both records carry different valid INNs), ``name_score`` (ratio 0–100 of the
        normalised names; NaN when a name is missing), ``confidence`` ("high", "medium",
        "low"), ``group_id`` (NaN when the link was dropped while splitting an oversized group).
    groups : DataFrame
        One row per record in a duplicate group: ``group_id`` (1 = the group with the most
        revenue), ``client_id``, ``name`` (when the table has names), ``survivor`` (client_id of
        the record to keep), ``evidence`` (its links: "phone ~ C002; name 95 ~ C007"),
        ``confidence`` (its strongest link), ``group_confidence`` (the weakest link the group
        needs to hold together), ``group_size``, ``orders``, ``revenue`` (net, per record),
        ``group_revenue`` (the group's total). ``orders`` and ``revenue`` are missing when no
        transactions were given.
    summary : DataFrame
        ``item``, ``value``: records checked, keys present, invalid tax ids, shared keys, pairs,
        groups, surplus records, revenue in duplicate groups.
    invalid_tax_ids : DataFrame
        ``client_id``, ``tax_id`` (as given), ``problem`` ("not 10 or 12 digits", "check digits
        do not match").
    shared_keys : DataFrame
        ``key``, ``value``, ``records``: generic values that linked nothing.
    settings : QualitySettings
    """

    pairs: pd.DataFrame
    groups: pd.DataFrame
    summary: pd.DataFrame
    invalid_tax_ids: pd.DataFrame
    shared_keys: pd.DataFrame
    settings: QualitySettings = field(default_factory=QualitySettings)

    @property
    def n_groups(self) -> int:
        """Number of duplicate groups."""
        return int(self.groups[GROUP_ID].nunique()) if len(self.groups) else 0

    @property
    def surplus_records(self) -> int:
        """Records that would disappear by merging each group into its survivor."""
        return len(self.groups) - self.n_groups

    def to_frame(self) -> pd.DataFrame:
        """The "duplicates" action list: one row per record, survivor first in each group.

        Columns: ``group_id``, ``client_id``, ``name`` (when known), ``action`` (``"keep"`` or
        ``"merge"``), ``survivor`` (the record to merge into), ``evidence`` (codes),
        ``confidence``, ``group_confidence``, ``orders``, ``revenue``, ``group_revenue``.
        """
        g = self.groups.copy()
        is_survivor = g[CLIENT_ID] == g[SURVIVOR]
        g[ACTION] = np.where(is_survivor, KEEP, MERGE)
        g["_first"] = ~is_survivor
        g = g.sort_values(
            [GROUP_ID, "_first", REVENUE, CLIENT_ID],
            ascending=[True, True, False, True],
            kind="stable",
        )
        cols = (
            [GROUP_ID, CLIENT_ID]
            + ([NAME] if NAME in g.columns else [])
            + [
                ACTION,
                SURVIVOR,
                EVIDENCE,
                CONFIDENCE,
                GROUP_CONFIDENCE,
                ORDERS,
                REVENUE,
                GROUP_REVENUE,
            ]
        )
        return g[cols].reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"Duplicates({len(self.pairs):,} pairs, {self.n_groups:,} groups, "
            f"{self.surplus_records:,} surplus records)"
        )

    def _repr_html_(self) -> str:
        parts = ['<div class="rk-duplicates">', _html_table(self.summary, 30)]
        if len(self.groups):
            parts.append(_html_table(self.to_frame(), 30))
        parts.append("</div>")
        return "\n".join(parts)


def _common_words(names: pd.Series, min_records: int) -> frozenset[str]:
    """Words of 2+ letters found in at least ``min_records`` names and 0.1 % of them."""
    words = names.dropna().str.split().explode()
    if not len(words):
        return frozenset()
    words = words[words.str.len() >= 2]
    pairs = pd.DataFrame({"row": words.index, "word": words.to_numpy()}).drop_duplicates()
    counts = pairs["word"].value_counts()
    threshold = max(min_records, 0.001 * names.notna().sum())
    return frozenset(counts.index[counts >= threshold])


_SWAP_MIN_SCORE = 80.0
_SWAP_MIN_LENGTH = 6


def _one_swap(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with two adjacent letters swapped ("магистраль" / "мгаистраль"),
    in a name of 6+ characters: a typo, rarely two different names.

    >>> _one_swap("магистраль", "мгаистраль"), _one_swap("магистраль", "магистрали")
    (True, False)
    """
    if len(a) != len(b) or len(a) < _SWAP_MIN_LENGTH or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def _names_compatible(a: str, b: str, common: frozenset[str], cutoff: float) -> bool:
    """Whether two similar (not equal) normalised names can be one name with a typo.

    A typo changes one word: the words the names do not share exactly must be at most one on
    each side (or the names differ only in spacing: "альфа строй" / "альфастрой"). When the
    words they share are all common words ("логистик", "торговый дом"), the differing words
    must themselves be near-identical ("ноор логистик" / "тоор логистик" are two companies) —
    unless the typo hit a common word (one of the two differing words is common, the other
    not: "materials westview" / "mateirals westview").
    """
    if a.replace(" ", "") == b.replace(" ", ""):
        return True
    ta, tb = a.split(), b.split()
    rest_a, rest_b = list(ta), list(tb)
    shared = []
    for t in ta:
        if t in rest_b:
            rest_b.remove(t)
            rest_a.remove(t)
            shared.append(t)
    if len(rest_a) > 1 or len(rest_b) > 1:
        return False
    if shared and all(t in common for t in shared) and rest_a and rest_b:
        x, y = rest_a[0], rest_b[0]
        if (x in common) != (y in common) or _one_swap(x, y):
            return True
        return fuzz.ratio(x, y) >= cutoff
    return True


def _component_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _card_fields_present(cl: pd.DataFrame, activity_ids: set[str] | None) -> pd.DataFrame:
    """Bool frame, one column per card field (see :func:`completeness`)."""
    out = {}
    for fields in _CARD_GROUPS.values():
        for name in fields:
            out[name] = _field_present(cl, name, activity_ids)[0]
    return pd.DataFrame(out, index=cl.index)


def find_duplicates(
    clients: pd.DataFrame,
    *,
    transactions: pd.DataFrame | None = None,
    settings: QualitySettings | None = None,
) -> Duplicates:
    """Find client records that are one client.

    Parameters
    ----------
    clients : DataFrame
        The clients table: ``client_id`` and any of ``name``, ``phone``, ``email``, ``tax_id``
        (plus card fields, used to choose the survivor, and ``created``).
    transactions : DataFrame, optional
        ``client_id``, ``amount`` (and ``order_id`` / ``date`` to count orders). Gives each
        record its orders and revenue; default None (no revenue, survivor by card and age).
    settings : QualitySettings, optional
        Default ``QualitySettings()``: name_similarity 92, name_medium_similarity 97,
        shared_key_limit 5, max_group_size 20, name_block_size 500, name_window 20.

    Returns
    -------
    Duplicates
        ``.pairs``, ``.groups``, ``.summary``, ``.invalid_tax_ids``, ``.shared_keys``,
        ``.to_frame()`` (the action list); see :class:`Duplicates` for every column.

    Notes
    -----
    *Links.* Two records are linked when their normalised phone, e-mail or tax id are equal
    (invalid INNs too: they are reported in ``invalid_tax_ids``), or when their normalised names
    (:func:`normalize_name`) are equal, score at least ``name_similarity`` with
    ``rapidfuzz.fuzz.ratio``, or differ by two swapped adjacent letters (6+ letters). A fuzzy
    (not equal) name must look like one name with a typo: the names may differ in one word
    only (or in spacing), and when the words they share are all common words of the base
    (in ``common_word_min`` names or more: "строй", "групп") the differing word itself must
    reach ``name_similarity`` — "Ноор Логистик" and "Тоор Логистик" are two companies.

    *Generic values.* A phone, e-mail, tax id or normalised name shared by more than
    ``shared_key_limit`` records (a call-centre number, info@ mailbox, "Розница") links nothing
    and is listed in ``shared_keys``, so it cannot chain unrelated clients together. A group
    that still grows beyond ``max_group_size`` records is split by dropping its low-confidence
    links, then its medium ones.

    *Confidence of a link.* High: equal valid tax id, e-mail or phone. Medium: equal invalid
    tax id, or name score >= ``name_medium_similarity``. Low: other name links. Evidence
    against a link: when both records carry valid tax ids that differ (two legal entities), a
    high link becomes medium and a name-only link is dropped; when a name-only link joins two
    records whose phones or e-mails differ (generic values aside), it loses one level (medium
    becomes low, low is dropped).

    *Groups* are the connected components of the links (A~B and B~C make one group A, B, C);
    ``group_confidence`` is the lowest level of links that still holds the whole group
    together. The survivor is the record with the most orders, then the most complete card
    (fields present, see :func:`completeness`), then the oldest (``created``, else first
    order), then the smallest client_id; the result does not depend on row order.

    *Blocking of names.* Each distinct name is compared only with names sharing a word, or its
    first or last four letters: blocks of up to 64 names are scored pair by pair in one
    vectorised call, blocks of up to ``name_block_size`` with ``rapidfuzz.process.cdist``, and
    larger blocks by sorted neighbourhood (each name with the next ``name_window``). The work
    grows with the number of names times the block size, not with its square: 100,000
    records take about 5 s of CPU.

    Examples
    --------
    >>> clients = pd.DataFrame({
    ...     "client_id": ["C1", "C2", "C3", "C4"],
    ...     "name": ["ООО «Ромашка»", "Ромашка ООО", "Лютик", "Василёк"],
    ...     "phone": ["8 916 123-45-67", None, "+7 (916) 123 45 67", "8 495 000-11-22"]})
    >>> tx = pd.DataFrame({"client_id": ["C1", "C2", "C2", "C3", "C4"],
    ...                    "amount": [100.0, 50.0, 25.0, 10.0, 7.0]})
    >>> d = find_duplicates(clients, transactions=tx)
    >>> d.groups[["group_id", "client_id", "survivor", "revenue", "group_revenue"]]
       group_id client_id survivor  revenue  group_revenue
    0         1        C1       C2    100.0          185.0
    1         1        C2       C2     75.0          185.0
    2         1        C3       C2     10.0          185.0
    >>> d.pairs[["client_id_a", "client_id_b", "evidence", "confidence"]]
      client_id_a client_id_b  evidence confidence
    0          C1          C2  name=100     medium
    1          C1          C3     phone       high
    """
    settings = _check_settings(settings)
    cl = _clients_table(clients)
    n = len(cl)
    ids = cl[CLIENT_ID].to_numpy(object)
    limit = int(settings.shared_key_limit)

    def column(name: str, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
        if name in cl.columns:
            return func(cl[name])
        return pd.Series([None] * n, dtype=object)

    phone = column(PHONE, normalize_phones)
    email = column(EMAIL, normalize_emails)
    tax = column(TAX_ID, normalize_tax_ids)
    tax_valid = (tax.notna() & inns_are_valid(tax)).to_numpy(bool)
    names = column(NAME, normalize_names)

    # invalid tax ids, as given
    if TAX_ID in cl.columns:
        raw_tax = cl[TAX_ID].map(_text)
        wrong_len = raw_tax.notna() & tax.isna()
        bad_check = tax.notna() & ~tax_valid
        bad = wrong_len | bad_check
        invalid = pd.DataFrame(
            {
                CLIENT_ID: cl.loc[bad, CLIENT_ID].to_numpy(object),
                TAX_ID: raw_tax[bad].to_numpy(object),
                PROBLEM: np.where(wrong_len[bad], "length", "check"),
            }
        )
    else:
        invalid = pd.DataFrame({CLIENT_ID: [], TAX_ID: [], PROBLEM: []}, dtype=object)

    # candidate pairs from each key
    parts: list[pd.DataFrame] = []
    shared: list[tuple[str, str, int]] = []
    for key, values in ((TAX_ID, tax), (EMAIL, email), (PHONE, phone), (NAME, names)):
        a, b, sh = _exact_pairs(values, limit, key)
        shared += sh
        parts.append(pd.DataFrame({"a": a, "b": b, "key": key}))
    name_values = names.to_numpy(object)
    if names.notna().any():
        uniq_codes, uniq = pd.factorize(names, use_na_sentinel=True)
        counts = np.bincount(uniq_codes[uniq_codes >= 0], minlength=len(uniq))
        usable = np.flatnonzero(
            (counts <= limit) & np.array([len(u) >= 4 for u in uniq], dtype=bool)
        )
        ui, uj, _ = _name_candidates(np.asarray(uniq, dtype=object)[usable], settings)
        if len(ui):
            # expand pairs of distinct names to pairs of records
            rows_of = pd.DataFrame({"code": uniq_codes, "row": np.arange(n)})
            rows_of = rows_of[rows_of["code"] >= 0]
            both_sides = (
                pd.DataFrame({"ci": usable[ui], "cj": usable[uj]})
                .merge(rows_of.rename(columns={"code": "ci", "row": "a"}), on="ci")
                .merge(rows_of.rename(columns={"code": "cj", "row": "b"}), on="cj")
            )
            parts.append(
                pd.DataFrame(
                    {
                        "a": both_sides["a"].to_numpy(np.int64),
                        "b": both_sides["b"].to_numpy(np.int64),
                        "key": "fuzzy",
                    }
                )
            )
    cand = pd.concat(parts, ignore_index=True)
    cand["lo"] = np.minimum(cand["a"], cand["b"]).astype(np.int64)
    cand["hi"] = np.maximum(cand["a"], cand["b"]).astype(np.int64)
    cand = cand.drop_duplicates(["lo", "hi", "key"])
    flags = (
        pd.crosstab([cand["lo"], cand["hi"]], cand["key"]).astype(bool)
        if len(cand)
        else pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["lo", "hi"]))
    )
    for key in (TAX_ID, EMAIL, PHONE, NAME):
        if key not in flags.columns:
            flags[key] = False
    lo = flags.index.get_level_values(0).to_numpy(np.int64)
    hi = flags.index.get_level_values(1).to_numpy(np.int64)

    # name score of every pair
    score = np.full(len(lo), np.nan)
    both = pd.notna(name_values[lo]) & pd.notna(name_values[hi]) if len(lo) else np.zeros(0, bool)
    if both.any():
        score[both] = process.cpdist(
            name_values[lo[both]],
            name_values[hi[both]],
            scorer=fuzz.ratio,
            workers=-1,
            dtype=np.float64,
        )
    tax_match = flags[TAX_ID].to_numpy(bool)
    email_match = flags[EMAIL].to_numpy(bool)
    phone_match = flags[PHONE].to_numpy(bool)
    name_match = np.nan_to_num(score, nan=-1.0) >= settings.name_similarity
    swapped = np.zeros(len(lo), dtype=bool)
    for k in np.flatnonzero(~name_match & (np.nan_to_num(score, nan=-1.0) >= _SWAP_MIN_SCORE)):
        swapped[k] = _one_swap(name_values[lo[k]], name_values[hi[k]])
    name_match |= swapped
    common = _common_words(names, settings.common_word_min)
    for k in np.flatnonzero(name_match & (score < 100)):
        if not _names_compatible(
            name_values[lo[k]], name_values[hi[k]], common, settings.name_similarity
        ):
            name_match[k] = False
    name_level = np.where(name_match, np.where(score >= settings.name_medium_similarity, 2, 1), 0)
    strong = (tax_match & tax_valid[lo]) | email_match | phone_match
    level = np.where(strong, 3, np.maximum(np.where(tax_match, 2, 0), name_level))
    # evidence against: different valid tax ids, different phones, different e-mails
    tax_values = tax.to_numpy(object)
    conflict = tax_valid[lo] & tax_valid[hi] & (tax_values[lo] != tax_values[hi])
    name_only = ~(tax_match | email_match | phone_match)
    generic = {key: {v for kk, v, _ in shared if kk == key} for key in (PHONE, EMAIL)}
    pv = phone.where(~phone.isin(generic[PHONE])).to_numpy(object)
    ev = email.where(~email.isin(generic[EMAIL])).to_numpy(object)
    phones_differ = pd.notna(pv[lo]) & pd.notna(pv[hi]) & (pv[lo] != pv[hi])
    emails_differ = pd.notna(ev[lo]) & pd.notna(ev[hi]) & (ev[lo] != ev[hi])
    contact_conflict = name_only & ~conflict & (phones_differ | emails_differ)
    level = np.where(conflict & name_only, 0, np.where(conflict & (level == 3), 2, level))
    level = np.where(contact_conflict, np.maximum(level - 1, 0), level)

    def evidence_text(k: int) -> str:
        """The link's evidence as codes (:data:`EVIDENCE_CODES`), "," between them."""
        codes = [
            w
            for w, f in ((TAX_ID, tax_match[k]), (EMAIL, email_match[k]), (PHONE, phone_match[k]))
            if f
        ]
        if name_match[k]:
            codes.append(f"name={math.floor(score[k]):d}")
            if swapped[k]:
                codes.append("swapped")
        if conflict[k]:
            codes.append("tax_ids_differ")
        if contact_conflict[k]:
            codes += [
                w
                for w, f in (
                    ("phones_differ", phones_differ[k]),
                    ("emails_differ", emails_differ[k]),
                )
                if f
            ]
        return ",".join(codes)

    keep = level > 0
    evidence = np.array([evidence_text(int(k)) for k in np.flatnonzero(keep)], dtype=object)
    lo, hi, level, score = lo[keep], hi[keep], level[keep], np.round(score[keep], 1)

    # groups: connected components, oversized ones split by dropping weak links
    comp = {lvl: _component_labels(n, lo[level >= lvl], hi[level >= lvl]) for lvl in (1, 2, 3)}
    label = comp[1].astype(np.int64)
    for lvl, offset in ((2, n), (3, 2 * n)):
        sizes = np.bincount(label)
        big = sizes[label] > settings.max_group_size
        label = np.where(big, comp[lvl] + offset, label)
    sizes = np.bincount(label)
    in_group = sizes[label] >= 2
    n_oversized = int(np.sum(np.bincount(label)[_unique_ints(label)] > settings.max_group_size))

    # orders, revenue, survivor
    if transactions is not None:
        tx = _transactions_table(transactions)
        per = _orders_revenue(tx).reindex(ids)
        orders = per[ORDERS].fillna(0).astype("Int64").to_numpy()
        revenue = per[REVENUE].fillna(0.0).to_numpy(float)
        dated = DATE in tx.columns and pd.api.types.is_datetime64_any_dtype(tx[DATE])
        first_order = (
            tx.groupby(CLIENT_ID)[DATE].min().reindex(ids).to_numpy()
            if dated
            else np.full(n, np.datetime64("NaT", "ns"))
        )
    else:
        orders = pd.array([pd.NA] * n, dtype="Int64")
        revenue = np.full(n, np.nan)
        first_order = np.full(n, np.datetime64("NaT", "ns"))
    card = np.zeros(n, dtype=int)  # fields present on the card, for records in groups only
    members = np.flatnonzero(in_group)
    if len(members):
        card[members] = _card_fields_present(cl.iloc[members], None).sum(axis=1).to_numpy(int)
    created = (
        pd.to_datetime(cl[CREATED], errors="coerce").to_numpy()
        if CREATED in cl.columns
        else np.full(n, np.datetime64("NaT", "ns"))
    )
    oldest = pd.Series(created).fillna(pd.Series(pd.to_datetime(first_order)))

    rec = pd.DataFrame(
        {
            "_row": np.arange(n),
            "_label": label,
            CLIENT_ID: ids,
            "_orders": pd.Series(orders).fillna(0).astype(int).to_numpy(),
            "_card": card,
            "_oldest": oldest.to_numpy(),
            REVENUE: revenue,
            ORDERS: orders,
        }
    )[in_group]
    rec = rec.sort_values(
        ["_label", "_orders", "_card", "_oldest", CLIENT_ID],
        ascending=[True, False, False, True, True],
        na_position="last",
        kind="stable",
    )
    rec[SURVIVOR] = rec.groupby("_label")[CLIENT_ID].transform("first")
    rec[GROUP_SIZE] = rec.groupby("_label")[CLIENT_ID].transform("size")
    rec[GROUP_REVENUE] = rec.groupby("_label")[REVENUE].transform("sum")
    if transactions is None:
        rec[GROUP_REVENUE] = np.nan
    # group ids: most revenue first, then largest, then smallest client_id
    first_id = rec.groupby("_label")[CLIENT_ID].transform("min")
    rank = (
        rec.assign(_first_id=first_id, _gr=rec[GROUP_REVENUE].fillna(0.0))
        .drop_duplicates("_label")
        .sort_values(
            ["_gr", GROUP_SIZE, "_first_id"], ascending=[False, False, True], kind="stable"
        )
    )
    group_of_label = pd.Series(np.arange(1, len(rank) + 1), index=rank["_label"].to_numpy())
    rec[GROUP_ID] = group_of_label.reindex(rec["_label"]).to_numpy()

    # links inside groups: per-record evidence and confidence; group confidence
    same = in_group[lo] & (label[lo] == label[hi])
    pair_group = np.full(len(lo), np.nan)
    pair_group[same] = group_of_label.reindex(label[lo[same]]).to_numpy(float)
    long = pd.DataFrame(
        {
            "_row": np.r_[lo[same], hi[same]],
            "_other": np.r_[hi[same], lo[same]],
            "_level": np.r_[level[same], level[same]],
            "_ev": np.r_[evidence[same], evidence[same]],
        }
    )
    long["_other_id"] = ids[long["_other"].to_numpy()]
    long["_text"] = long["_ev"] + " ~ " + long["_other_id"]
    long = long.sort_values(
        ["_row", "_level", "_other_id"], ascending=[True, False, True], kind="stable"
    )
    rec_evidence = long.groupby("_row")["_text"].agg(
        lambda t: "; ".join(t.iloc[:3]) + ("; …" if len(t) > 3 else "")
    )
    rec_level = long.groupby("_row")["_level"].max()
    rec[EVIDENCE] = rec_evidence.reindex(rec["_row"]).to_numpy(object)
    rec[CONFIDENCE] = rec_level.reindex(rec["_row"]).map(_LEVEL_NAMES).to_numpy(object)
    one3 = (
        pd.Series(comp[3][rec["_row"]], index=rec.index).groupby(rec["_label"]).transform("nunique")
        == 1
    )
    one2 = (
        pd.Series(comp[2][rec["_row"]], index=rec.index).groupby(rec["_label"]).transform("nunique")
        == 1
    )
    rec[GROUP_CONFIDENCE] = np.where(one3, HIGH, np.where(one2, MEDIUM, LOW))

    rec = rec.sort_values([GROUP_ID, CLIENT_ID], kind="stable")
    cols = [GROUP_ID, CLIENT_ID]
    if NAME in cl.columns:
        rec[NAME] = cl[NAME].to_numpy(object)[rec["_row"].to_numpy()]
        cols.append(NAME)
    cols += [
        SURVIVOR,
        EVIDENCE,
        CONFIDENCE,
        GROUP_CONFIDENCE,
        GROUP_SIZE,
        ORDERS,
        REVENUE,
        GROUP_REVENUE,
    ]
    groups = rec[cols].reset_index(drop=True)
    groups[GROUP_ID] = groups[GROUP_ID].astype(int)

    pairs = pd.DataFrame(
        {
            CLIENT_ID_A: ids[lo],
            CLIENT_ID_B: ids[hi],
            EVIDENCE: evidence,
            NAME_SCORE: score,
            CONFIDENCE: [_LEVEL_NAMES[v] for v in level],
            GROUP_ID: pair_group,
        }
    )
    swap = pairs[CLIENT_ID_A] > pairs[CLIENT_ID_B]
    pairs.loc[swap, [CLIENT_ID_A, CLIENT_ID_B]] = pairs.loc[
        swap, [CLIENT_ID_B, CLIENT_ID_A]
    ].to_numpy()
    pairs[GROUP_ID] = pairs[GROUP_ID].astype("Int64")
    pairs = pairs.sort_values(
        [GROUP_ID, CLIENT_ID_A, CLIENT_ID_B], kind="stable", na_position="last"
    ).reset_index(drop=True)

    shared_keys = (
        pd.DataFrame(shared, columns=[KEY, VALUE, RECORDS])
        .sort_values([RECORDS, KEY, VALUE], ascending=[False, True, True], kind="stable")
        .reset_index(drop=True)
    )

    n_groups = int(groups[GROUP_ID].nunique()) if len(groups) else 0
    first_rows = groups.drop_duplicates(GROUP_ID)
    items: list[tuple[str, Any, dict]] = [
        ("dup.checked", n, {}),
        ("dup.phone", int(phone.notna().sum()), {}),
        ("dup.email", int(email.notna().sum()), {}),
        ("dup.tax_id", int(tax.notna().sum()), {}),
        ("dup.invalid", len(invalid), {}),
        ("dup.name", int(names.notna().sum()), {}),
        ("dup.shared", len(shared_keys), {"limit": limit}),
        ("dup.pairs", len(pairs), {}),
        ("dup.groups", n_groups, {}),
        ("dup.records", len(groups), {}),
        ("dup.surplus", len(groups) - n_groups, {}),
    ]
    for conf in (HIGH, MEDIUM, LOW):
        items.append((f"dup.conf.{conf}", int((first_rows[GROUP_CONFIDENCE] == conf).sum()), {}))
    if n_oversized:
        items.append(("dup.oversized", n_oversized, {"size": settings.max_group_size}))
    if transactions is not None:
        items.append(("dup.revenue", float(first_rows[GROUP_REVENUE].sum()), {}))
    summary = _items(items)
    return Duplicates(
        pairs=pairs,
        groups=groups,
        summary=summary,
        invalid_tax_ids=invalid,
        shared_keys=shared_keys,
        settings=settings,
    )


def _items(items: list[tuple[str, Any, dict]]) -> pd.DataFrame:
    """A summary table: ``item`` (a code), ``value``, ``params`` (the figures its words need)."""
    return pd.DataFrame(
        {
            ITEM: [i for i, _, _ in items],
            VALUE: pd.Series([v for _, v, _ in items], dtype=object),
            PARAMS: [p for _, _, p in items],
        }
    )


# --- card completeness ----------------------------------------------------------------------------

#: card field "segment": the vip / key_account flags; "activities": entries in the activity log
SEGMENT_FIELD = "segment"
ACTIVITIES_FIELD = "activities"
_CARD_GROUPS: dict[str, tuple[str, ...]] = {
    "business": (INDUSTRY, REGION, SIZE, POTENTIAL),
    "contact": (PHONE, EMAIL, CONTACT_PERSON, DECISION_MAKER),
    "analytic": (MANAGER, STATUS, SEGMENT_FIELD),
    "history": (CREATED, ACTIVITIES_FIELD),
}
_GROUP_COLUMNS = {
    "business": BUSINESS_FILLED,
    "contact": CONTACT_FILLED,
    "analytic": ANALYTIC_FILLED,
    "history": HISTORY_FILLED,
}
_PLACEHOLDERS = frozenset(
    {
        "-",
        "--",
        "—",
        "–",
        "?",
        ".",
        "0",
        "n/a",
        "na",
        "none",
        "null",
        "nan",
        "nat",
        "нет",
        "не указан",
        "не указана",
        "не указано",
        "неизвестно",
        "нет данных",
        "unknown",
        "not specified",
    }
)


def _is_filled_text(value: Any) -> bool:
    text = _text(value)
    return text is not None and text.casefold() not in _PLACEHOLDERS


def _text_present(col: pd.Series) -> pd.Series:
    return _map_unique(col, _is_filled_text).fillna(False).astype(bool)


def _field_present(
    cl: pd.DataFrame, name: str, activity_ids: set[str] | None
) -> tuple[pd.Series, tuple[str, dict] | None]:
    """Bool Series of cards with the field present, and a note ``(code, params)`` when it is
    missing for all."""
    n = len(cl)
    none = pd.Series(False, index=cl.index)
    if name == ACTIVITIES_FIELD:
        if activity_ids is None:
            return none, ("note.no_log", {})
        return cl[CLIENT_ID].isin(activity_ids), None
    if name == SEGMENT_FIELD:
        present = none.copy()
        given = [c for c in (VIP, KEY_ACCOUNT) if c in cl.columns]
        if not given:
            return none, ("note.no_flags", {})
        used = []
        for c in given:
            flags = parse_flags(cl[c])[0]
            if flags.any():
                used.append(c)
                present |= cl[c].notna()
        if not used:
            return none, ("note.flags_unused", {"columns": given})
        return present, None
    if name not in cl.columns:
        return none, ("note.no_column", {"field": name})
    col = cl[name]
    if name == PHONE:
        present = normalize_phones(col).notna()
    elif name == EMAIL:
        present = normalize_emails(col).notna()
    elif name == POTENTIAL:
        present = pd.to_numeric(col, errors="coerce").fillna(0) > 0
    elif pd.api.types.is_datetime64_any_dtype(col):
        present = col.notna()
    else:
        present = _text_present(col)
    present = pd.Series(present.to_numpy(bool), index=cl.index)
    note = None if present.any() or n == 0 else ("note.empty_column", {"field": name})
    return present, note


@dataclass
class Completeness:
    """Completeness of the client cards, from :func:`completeness`.

    Attributes
    ----------
    per_client : DataFrame
        One row per card: ``client_id``, ``business_filled``, ``contact_filled``,
        ``analytic_filled``, ``history_filled`` (bool: at least ``group_filled_share`` of the
        group's fields present), ``groups_filled`` (0–4), ``fields_filled`` (0–13),
        ``completeness`` (0–1: the mean over the four groups of the share of fields present),
        ``missing`` (the missing fields, comma-separated), ``has_orders`` (bool; missing when no
        transactions were given).
    fields : DataFrame
        One row per field: ``card_group``, ``field``, ``in_file`` (bool), ``filled`` (cards),
        ``share_filled`` (0–1), ``note`` (a code: "note.no_column", "note.empty_share", …,
        empty when nothing is to be said) and ``params`` (its figures).
    groups : DataFrame
        One row per group: ``card_group``, ``field`` (its fields), ``filled`` (cards with the
        group filled), ``share_filled``.
    verdict : str
        "client_base", "partial_base" or "list_of_names".
    reason : (code, params)
        Why: ``reason.client_base`` / ``reason.list`` / ``reason.no_contacts`` /
        ``reason.partial`` / ``reason.no_cards`` with the figures (``score``, ``need``,
        ``low``, ``contacts``, ``need_contacts``) and ``missing``: the three fields most
        often missing as (field, note code, note params).
    summary : DataFrame
        ``item`` (a code), ``value``, ``params``: cards, mean completeness, clients with orders
        but no card, cards without orders, the verdict.
    orders_without_card, cards_without_orders : int or None
        None when no transactions were given.
    settings : QualitySettings
    """

    per_client: pd.DataFrame
    fields: pd.DataFrame
    groups: pd.DataFrame
    verdict: str
    reason: tuple[str, dict]
    summary: pd.DataFrame
    orders_without_card: int | None = None
    cards_without_orders: int | None = None
    settings: QualitySettings = field(default_factory=QualitySettings)

    @property
    def score(self) -> float:
        """Mean card completeness of the base (0–1; 0 for an empty table)."""
        return float(self.per_client[COMPLETENESS].mean()) if len(self.per_client) else 0.0

    def to_frame(self) -> pd.DataFrame:
        """The cards to complete: ``per_client`` sorted by completeness, least complete first."""
        return self.per_client.sort_values([COMPLETENESS, CLIENT_ID], kind="stable").reset_index(
            drop=True
        )

    def __repr__(self) -> str:
        return (
            f"Completeness({len(self.per_client):,} cards, score {self.score:.2f}, "
            f"verdict {self.verdict!r})"
        )

    def _repr_html_(self) -> str:
        return "\n".join(
            [
                '<div class="rk-completeness">',
                f"<p><b>{html.escape(self.verdict)}</b>: {html.escape(str(self.reason))}</p>",
                _html_table(self.groups),
                _html_table(self.fields, 30),
                "</div>",
            ]
        )


def completeness(
    clients: pd.DataFrame,
    *,
    transactions: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
    settings: QualitySettings | None = None,
) -> Completeness:
    """How complete the client cards are, and whether the base is a client base at all.

    The card has four groups of fields:

    ========  =================================================================
    business  industry, region, size, potential
    contact   phone, email, contact_person, decision_maker
    analytic  manager, status, segment (the vip / key_account flags)
    history   created, activities (the client has entries in the activity log)
    ========  =================================================================

    A field is present when the value is not empty and not a placeholder ("-", "нет", "n/a",
    "не указано", …); a phone or e-mail must be readable (:func:`normalize_phone`,
    :func:`normalize_email`); potential must be a positive number. Fields absent from the file
    count as missing for every card, with a note ("the file has no e-mail column"). A loaded
    flag column cannot tell "no" from "blank", so ``segment`` is present when the file has a
    vip or key_account column that flags at least one client; otherwise it is missing.

    A group is filled when at least ``group_filled_share`` (default 0.5) of its fields are
    present (2 of 4, 2 of 3, 1 of 2). The card's completeness is the mean over the four groups
    of the share of fields present (each group weighs a quarter).

    Verdict: "client_base" when the mean completeness is at least ``client_base_score``
    (default 0.6) and the contact group is filled on at least ``client_base_contact_share``
    (default 0.5) of the cards; "list_of_names" below ``list_of_names_score`` (default 0.3) or
    for an empty table; "partial_base" otherwise.

    Parameters
    ----------
    clients : DataFrame
        The clients table (``client_id`` and any card fields).
    transactions : DataFrame, optional
        ``client_id`` …; counts clients with orders but no card and cards without orders.
        Default None.
    activities : DataFrame, optional
        ``client_id`` …; the history group's ``activities`` field. Default None (missing).
    settings : QualitySettings, optional
        Default ``QualitySettings()``.

    Returns
    -------
    Completeness
        ``.per_client``, ``.fields``, ``.groups``, ``.verdict``, ``.reason``, ``.summary``,
        ``.to_frame()``; see :class:`Completeness` for every column.

    Examples
    --------
    >>> clients = pd.DataFrame({"client_id": ["1", "2"], "name": ["Альфа", "Бета"],
    ...                         "phone": ["89161234567", None], "region": ["Москва", None]})
    >>> c = completeness(clients)
    >>> c.per_client[["client_id", "contact_filled", "completeness"]]
      client_id  contact_filled  completeness
    0         1           False         0.125
    1         2           False         0.000
    >>> c.verdict
    'list_of_names'
    >>> c.reason[0], round(c.reason[1]["score"], 4)
    ('reason.list', 0.0625)
    """
    settings = _check_settings(settings)
    cl = _clients_table(clients)
    n = len(cl)
    activity_ids = None
    if activities is not None:
        _require_frame(activities, "activities", "activities", [CLIENT_ID])
        activity_ids = set(_client_ids(activities[CLIENT_ID], "activities"))

    per = pd.DataFrame({CLIENT_ID: cl[CLIENT_ID].to_numpy(object)})
    field_rows = []
    group_share = {}
    present_all = {}
    for group, names in _CARD_GROUPS.items():
        count = pd.Series(0, index=cl.index)
        for name in names:
            present, note = _field_present(cl, name, activity_ids)
            present_all[name] = present
            count += present.astype(int)
            in_file = (
                name in cl.columns
                if name not in (SEGMENT_FIELD, ACTIVITIES_FIELD)
                else (
                    any(c in cl.columns for c in (VIP, KEY_ACCOUNT))
                    if name == SEGMENT_FIELD
                    else activity_ids is not None
                )
            )
            filled = int(present.sum())
            if not note and n and filled < n:
                note = ("note.empty_share", {"share": 1 - filled / n})
            field_rows.append(
                (
                    group,
                    name,
                    bool(in_file),
                    filled,
                    filled / n if n else 0.0,
                    note[0] if note else "",
                    note[1] if note else {},
                )
            )
        share = count / len(names)
        group_share[group] = share
        per[_GROUP_COLUMNS[group]] = (share >= settings.group_filled_share - 1e-12).to_numpy()
    per[GROUPS_FILLED] = per[list(_GROUP_COLUMNS.values())].sum(axis=1).astype(int)
    present_frame = pd.DataFrame(present_all)
    per[FIELDS_FILLED] = present_frame.sum(axis=1).astype(int).to_numpy()
    per[COMPLETENESS] = (sum(group_share.values()) / len(group_share)).to_numpy(float)
    order = list(present_frame.columns)
    per[MISSING] = [
        ", ".join(f for f, p in zip(order, row) if not p) for row in present_frame.to_numpy(bool)
    ]

    fields = pd.DataFrame(
        field_rows, columns=[CARD_GROUP, FIELD, IN_FILE, FILLED, SHARE_FILLED, NOTE, PARAMS]
    )
    groups = pd.DataFrame(
        [
            (
                g,
                ", ".join(names),
                int(per[_GROUP_COLUMNS[g]].sum()),
                float(per[_GROUP_COLUMNS[g]].mean()) if n else 0.0,
            )
            for g, names in _CARD_GROUPS.items()
        ],
        columns=[CARD_GROUP, FIELD, FILLED, SHARE_FILLED],
    )

    orders_without_card = cards_without_orders = None
    if transactions is not None:
        _require_frame(transactions, "transactions", "transactions", [CLIENT_ID])
        tx_ids = set(_client_ids(transactions[CLIENT_ID], "transactions"))
        card_ids = set(per[CLIENT_ID])
        per[HAS_ORDERS] = per[CLIENT_ID].isin(tx_ids).to_numpy(bool)
        orders_without_card = len(tx_ids - card_ids)
        cards_without_orders = len(card_ids - tx_ids)
    else:
        per[HAS_ORDERS] = pd.array([pd.NA] * n, dtype="boolean")

    score = float(per[COMPLETENESS].mean()) if n else 0.0
    contact_share = float(per[CONTACT_FILLED].mean()) if n else 0.0
    s = settings
    figures: dict[str, Any] = {
        "score": score,
        "need": s.client_base_score,
        "low": s.list_of_names_score,
        "contacts": contact_share,
        "need_contacts": s.client_base_contact_share,
    }
    if n == 0:
        verdict, code = LIST_OF_NAMES, "reason.no_cards"
    elif score >= s.client_base_score and contact_share >= s.client_base_contact_share:
        verdict, code = CLIENT_BASE, "reason.client_base"
    elif score < s.list_of_names_score:
        verdict, code = LIST_OF_NAMES, "reason.list"
    else:
        verdict = PARTIAL_BASE
        code = "reason.no_contacts" if score >= s.client_base_score else "reason.partial"
    worst = (
        fields[fields[SHARE_FILLED] < 1].sort_values([SHARE_FILLED, FIELD], kind="stable").head(3)
    )
    figures["missing"] = [(r[FIELD], r[NOTE], r[PARAMS]) for _, r in worst.iterrows()] if n else []
    reason = (code, figures)
    items: list[tuple[str, Any, dict]] = [
        ("comp.cards", n, {}),
        ("comp.score", round(score, 4), {}),
        ("comp.contacts", int(per[CONTACT_FILLED].sum()), {}),
        ("comp.all_groups", int((per[GROUPS_FILLED] == 4).sum()), {}),
    ]
    if transactions is not None:
        items += [
            ("comp.orders_no_card", orders_without_card, {}),
            ("comp.cards_no_orders", cards_without_orders, {}),
        ]
    items.append(("comp.verdict", verdict, {}))
    summary = _items(items)
    return Completeness(
        per_client=per,
        fields=fields,
        groups=groups,
        verdict=verdict,
        reason=reason,
        summary=summary,
        orders_without_card=orders_without_card,
        cards_without_orders=cards_without_orders,
        settings=settings,
    )


# --- reconciliation -------------------------------------------------------------------------------

OK, MISMATCH = "ok", "mismatch"
_CENT = 0.005


def _report_items(reports: Any) -> list[tuple[str, Any]]:
    if reports is None:
        return []
    if isinstance(reports, Mapping):
        return [(str(k), v) for k, v in reports.items()]
    if hasattr(reports, "rows_read"):
        return [(str(getattr(reports, "table", "transactions")), reports)]
    if isinstance(reports, Iterable) and not isinstance(reports, (str, bytes)):
        return [(str(getattr(r, "table", f"table {i + 1}")), r) for i, r in enumerate(reports)]
    raise InputError(
        f"`reports` must be a dict of table name to LoadReport (Dataset.reports), "
        f"a LoadReport or None, got {type(reports).__name__}."
    )


def reconcile(
    reports: Any,
    transactions: pd.DataFrame,
    panel: Any = None,
    *,
    clients: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One table that ties the report to its input: rows, returns, revenue per year, clients.

    Parameters
    ----------
    reports : dict of str to LoadReport, a LoadReport, or None
        ``Dataset.reports``: for each table ``rows_read``, ``rows_kept``, ``rows_rejected``,
        ``rejected_by_reason``; for transactions also ``returns_count``, ``returns_amount``,
        ``total_amount``; the name of ``file`` (without its folder) is quoted when present.
    transactions : DataFrame
        The kept transactions the report uses: ``client_id``, ``date``, ``amount``.
    panel : Panel or DataFrame, optional
        The client-month panel (``panel.frame`` or the frame itself: ``client_id``, ``month``,
        ``revenue``); default None (the revenue rows then only show the input side).
    clients : DataFrame, optional
        The clients table; default None. Gives the clients rows (in transactions, in the
        clients table, in both, orders without a card, cards without orders).

    Returns
    -------
    DataFrame
        ``section`` ("rows", "returns", "revenue", "clients"), ``item`` (a code such as
        "rec.read"), ``params`` (the table, file, reason or year it names), ``input`` (the figure
        on the input side: load report, or kept transactions for revenue per year),
        ``report`` (the same figure recomputed from the tables the report uses: kept
        transactions, panel), ``difference`` (report − input), ``check`` ("ok", "mismatch", or
        "" for rows that only inform). Money is equal when it agrees to the cent
        (|difference| < 0.005); counts must be equal.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2023-05-01", "2024-01-02", "2024-02-03"]),
    ...                    "amount": [10.0, -2.5, 7.25]})
    >>> rep = SimpleNamespace(rows_read=4, rows_kept=3, rows_rejected=1,
    ...                       rejected_by_reason={"unparseable date": 1}, returns_count=1,
    ...                       returns_amount=-2.5, total_amount=14.75, file="sales.csv")
    >>> panel = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...                       "month": pd.to_datetime(["2023-05-01", "2024-01-01", "2024-02-01"]),
    ...                       "revenue": [10.0, -2.5, 7.25]})
    >>> t = reconcile({"transactions": rep}, tx, panel)
    >>> t[t["section"] == "revenue"][["item", "input", "report", "check"]].to_numpy().tolist()
    [['rec.revenue_year', 10.0, 10.0, 'ok'], ['rec.revenue_year', 4.75, 4.75, 'ok'], ['rec.revenue_all', 14.75, 14.75, 'ok']]
    >>> t[t["section"] == "revenue"]["params"].tolist()
    [{'year': 2023}, {'year': 2024}, {}]
    >>> sorted(set(t["check"]))
    ['', 'ok']
    >>> t["params"].iloc[0]
    {'table': 'transactions', 'file': 'sales.csv'}
    """
    _require_frame(transactions, "transactions", "transactions", [CLIENT_ID, DATE, AMOUNT])
    tx = _transactions_table(transactions)
    dates = pd.to_datetime(transactions[DATE].reset_index(drop=True), errors="coerce")
    if dates.isna().any():
        raise InputError(
            f"the transactions table has {int(dates.isna().sum()):,} rows without a readable "
            "date; reconcile the kept transactions (reportkit.load rejects such rows)."
        )
    rows: list[tuple[str, tuple[str, dict], Any, Any, str]] = []

    def add(
        section: str, item: tuple[str, dict], inp: Any, rep: Any = None, kind: str = "info"
    ) -> None:
        check = ""
        if kind != "info" and rep is not None and inp is not None:
            if kind == "count":
                check = OK if int(inp) == int(rep) else MISMATCH
            else:
                check = OK if abs(float(rep) - float(inp)) < _CENT else MISMATCH
        rows.append((section, item, inp, rep, check))

    amount = tx[AMOUNT]
    for table_code, r in _report_items(reports):
        file = getattr(r, "file", None)
        on = {"table": table_code}
        read, kept, rejected = int(r.rows_read), int(r.rows_kept), int(r.rows_rejected)
        add("rows", ("rec.read", {**on, "file": PurePath(str(file)).name if file else None}), read)
        by_reason = dict(getattr(r, "rejected_by_reason", {}) or {})
        for reason, count in by_reason.items():
            add("rows", ("rec.rejected_reason", {**on, "reason": reason}), int(count))
        add(
            "rows",
            ("rec.rejected_sum", on),
            rejected,
            sum(int(c) for c in by_reason.values()),
            "count",
        )
        add("rows", ("rec.read_sum", on), read, kept + rejected, "count")
        if table_code == "transactions":
            add("rows", ("rec.kept_used", on), kept, len(tx), "count")
            neg = amount < 0
            add(
                "returns",
                ("rec.returns_rows", {}),
                int(getattr(r, "returns_count", 0)),
                int(neg.sum()),
                "count",
            )
            add(
                "returns",
                ("rec.returns_amount", {}),
                float(getattr(r, "returns_amount", 0.0)),
                float(amount[neg].sum()),
                "money",
            )
            add(
                "returns",
                ("rec.total", {}),
                float(getattr(r, "total_amount", 0.0)),
                float(amount.sum()),
                "money",
            )
        elif table_code == "clients" and clients is not None:
            add("rows", ("rec.kept_used", on), kept, len(clients), "count")

    by_year_in = amount.groupby(dates.dt.year.to_numpy()).sum()
    frame = None
    if panel is not None:
        frame = panel if isinstance(panel, pd.DataFrame) else getattr(panel, "frame", None)
        _require_frame(frame, "panel", "panel.frame", [CLIENT_ID, MONTH, REVENUE])
        assert frame is not None
        months = pd.to_datetime(frame[MONTH], errors="coerce")
        by_year_panel = (
            pd.to_numeric(frame[REVENUE], errors="coerce")
            .fillna(0.0)
            .groupby(months.dt.year.to_numpy())
            .sum()
        )
    else:
        by_year_panel = pd.Series(dtype=float)
    years = sorted(set(by_year_in.index) | set(by_year_panel.index))
    for y in years:
        add(
            "revenue",
            ("rec.revenue_year", {"year": int(y)}),
            float(by_year_in.get(y, 0.0)),
            float(by_year_panel.get(y, 0.0)) if frame is not None else None,
            "money",
        )
    add(
        "revenue",
        ("rec.revenue_all", {}),
        float(amount.sum()),
        float(by_year_panel.sum()) if frame is not None else None,
        "money",
    )

    tx_ids = set(tx[CLIENT_ID])
    add("clients", ("rec.tx_clients", {}), len(tx_ids))
    if frame is not None:
        panel_ids = set(_client_ids(frame[CLIENT_ID], "panel"))
        add("clients", ("rec.panel_clients", {}), len(tx_ids), len(panel_ids), "count")
        add("clients", ("rec.missing_panel", {}), 0, len(tx_ids - panel_ids), "count")
        add("clients", ("rec.extra_panel", {}), 0, len(panel_ids - tx_ids), "count")
    if clients is not None:
        _require_frame(clients, "clients", "clients", [CLIENT_ID])
        card_ids = set(_client_ids(clients[CLIENT_ID], "clients"))
        add("clients", ("rec.card_clients", {}), len(card_ids))
        add("clients", ("rec.both", {}), len(tx_ids & card_ids))
        add("clients", ("rec.orders_no_card", {}), len(tx_ids - card_ids))
        add("clients", ("rec.cards_no_orders", {}), len(card_ids - tx_ids))

    out = pd.DataFrame(
        {
            SECTION: [r[0] for r in rows],
            ITEM: [r[1][0] for r in rows],
            PARAMS: [r[1][1] for r in rows],
            INPUT: pd.Series([r[2] for r in rows], dtype=object),
            REPORT: pd.Series([r[3] for r in rows], dtype=object),
        }
    )
    diffs: list[Any] = []
    for inp, rep in zip(out[INPUT], out[REPORT]):
        if rep is None or inp is None:
            diffs.append(None)
        elif isinstance(inp, (int, np.integer)) and isinstance(rep, (int, np.integer)):
            diffs.append(int(rep) - int(inp))
        else:
            diffs.append(round(float(rep) - float(inp), 2) + 0.0)
    out[DIFFERENCE] = pd.Series(diffs, dtype=object)
    out[CHECK] = [r[4] for r in rows]
    return out
