"""The keys a duplicate card may share: tax ids (INN with valid check digits), phones and e-mails,
unique per distinct client, and the normalisations that define a duplicate by phone or e-mail.
"""

from __future__ import annotations

import numpy as np

from ...errors import check_param
from .names import _Name, _translit
from .vocabulary import _REGIONS

_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_W = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digits(digits: str) -> str:
    """The check digit(s) of a Russian tax id (INN) from its leading digits.

    Nine leading digits give the one check digit of a legal entity's 10-digit INN; ten give the
    two check digits of a sole proprietor's 12-digit INN.

    Examples
    --------
    >>> inn_check_digits("770708389")      # Sberbank, INN 7707083893
    '3'
    >>> inn_check_digits("5001007322")     # a sole proprietor, INN 500100732259
    '59'
    """
    d = [int(c) for c in digits]
    if len(d) == 9:
        return str(sum(w * x for w, x in zip(_INN10_W, d)) % 11 % 10)
    if len(d) == 10:
        c1 = sum(w * x for w, x in zip(_INN11_W, d)) % 11 % 10
        c2 = sum(w * x for w, x in zip(_INN12_W, d + [c1])) % 11 % 10
        return f"{c1}{c2}"
    check_param(False, "digits", "9 or 10 digits", digits)
    return ""  # pragma: no cover


def _inns(rng: np.random.Generator, region_codes: np.ndarray, is_person: np.ndarray) -> list[str]:
    """Unique valid INNs: 12 digits for sole proprietors, 10 for legal entities."""
    seen: set[str] = set()
    out = []
    for code, person in zip(region_codes, is_person):
        while True:
            body = (
                code
                + f"{rng.integers(1, 51):02d}"
                + "".join(map(str, rng.integers(0, 10, 6 if person else 5)))
            )
            inn = body + inn_check_digits(body)
            if inn not in seen:
                break
        seen.add(inn)
        out.append(inn)
    return out


def _phone_styles(lang: str):
    def ru(d: str, style: int) -> str:
        a, b, c, e = d[:3], d[3:6], d[6:8], d[8:]
        return [
            f"+7 ({a}) {b}-{c}-{e}",
            f"8 {a} {b} {c}{e}",
            f"8{d}",
            f"+7{d}",
            f"8 ({a}) {b}-{c}-{e}",
            f"+7 {a} {b}-{c}-{e}",
        ][style]

    def en(d: str, style: int) -> str:
        a, b, c = d[:3], d[3:6], d[6:]
        return [
            f"+7 ({a}) {b}-{c[:2]}-{c[2:]}",
            f"+7 {a} {b} {c}",
            f"7{d}",
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
        ][style]

    return ru if lang == "ru" else en


_PHONE_STYLE_P = np.array([0.35, 0.15, 0.15, 0.15, 0.10, 0.10])


def normalize_phone(phone: object) -> str:
    """The last ten digits of a phone number (how duplicates by phone are defined here).

    >>> normalize_phone("+7 (912) 345-67-89"), normalize_phone("8 912 345 6789")
    ('9123456789', '9123456789')
    """
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return digits[-10:]


def normalize_email(email: object) -> str:
    """An e-mail without spaces, in lower case.

    >>> normalize_email(" Info @Romashka.RU")
    'info@romashka.ru'
    """
    return "".join(str(email).split()).lower()


def _phone_numbers(rng: np.random.Generator, region: np.ndarray) -> list[str]:
    """Unique ten-digit numbers: mobiles (9xx) and landlines of the client's city."""
    seen: set[str] = set()
    out = []
    for r in region:
        while True:
            if rng.random() < 0.7:
                d = "9" + "".join(map(str, rng.integers(0, 10, 9)))
            else:
                d = (
                    _REGIONS[r][4]
                    + str(rng.integers(2, 10))
                    + "".join(map(str, rng.integers(0, 10, 6)))
                )
            if d not in seen:
                break
        seen.add(d)
        out.append(d)
    return out


def _emails(rng: np.random.Generator, names: list[_Name], lang: str) -> list[str]:
    """Unique lower-case e-mails: ``info@promsnab.ru``, ``s.ivanov@mail.ru``."""
    seen: set[str] = set()
    out = []
    boxes = (
        ["info", "sales", "zakupki", "office", "snab", "buh"]
        if lang == "ru"
        else ["info", "sales", "orders", "office", "purchasing", "accounts"]
    )
    free = (
        ["mail.ru", "yandex.ru", "gmail.com"]
        if lang == "ru"
        else ["gmail.com", "outlook.com", "yahoo.com"]
    )
    tld = ".ru" if lang == "ru" else ".com"
    for nm in names:
        if nm.person:
            parts = nm.core.split(" ")
            surname, first = (parts[0], parts[1]) if lang == "ru" else (parts[-1], parts[0])
            local = f"{_translit(first)[:1]}.{_translit(surname)}"
            domain = free[rng.integers(len(free))]
        else:
            local = boxes[rng.integers(len(boxes))]
            domain = _translit(nm.core) + tld
        email, k = f"{local}@{domain}", 1
        while email in seen:
            k += 1
            email = f"{local}{k}@{domain}"
        seen.add(email)
        out.append(email)
    return out
