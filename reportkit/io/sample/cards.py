"""Step 4 of the generator: the client cards (created, flags, names, keys, status, blanks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import (
    POTENTIAL,
)
from .keys import _PHONE_STYLE_P, _emails, _inns, _phone_numbers
from .names import _EN_FORMS, _RU_FORMS, _company_cores, _Name, _person_names
from .shape import (
    _BLANKS,
    _INVALID_TAX_SHARE,
    _KEY_SHARE,
    _NO_CARD_SHARE,
    _ST_ACTIVE,
    _ST_LEAD,
    _ST_REFUSED,
    _ST_WORKING,
    _VIP_SHARE,
    _weekday,
    _weekday_back,
)
from .vocabulary import _REGIONS, _WORDS


def _cards(
    rng: np.random.Generator,
    r_names: np.random.Generator,
    plan: dict,
    revenue: np.ndarray,
    span: int,
    start_dow: int,
    lang: str,
) -> dict:
    """Card contents of every distinct client (a card exists where ``has_card``)."""
    n = len(plan["rhythm"])
    is_buyer = plan["is_buyer"]
    vip0 = int(plan["vip0"])

    # who has no card: ordinary buyers
    pool = np.flatnonzero(is_buyer & (np.arange(n) != vip0))
    n_none = min(len(pool), round(_NO_CARD_SHARE * n))
    has_card = np.ones(n, bool)
    has_card[rng.choice(pool, size=n_none, replace=False)] = False
    created = _created(rng, plan, span, start_dow)

    # revenue rank among buyers (for flags, size and potential)
    pct = np.zeros(n)
    if is_buyer.any():
        pct[is_buyer] = pd.Series(revenue[is_buyer]).rank(pct=True).to_numpy()
    active_days = np.maximum(90, np.where(is_buyer, span - np.maximum(plan["first"], 0), 365))
    yearly = revenue / active_days * 365.25
    key, vip = _key_and_vip(rng, plan, has_card, revenue, pct)

    # names, people and e-mails (their own random stream: they depend on the language)
    person = rng.random(n) < 0.2
    names, contacts, emails = _names(r_names, person, lang)
    tax = _tax_ids(rng, plan["region"], person)
    phone_digits = _phone_numbers(rng, plan["region"])
    phone_style = rng.choice(6, size=n, p=_PHONE_STYLE_P)

    status = _status(rng, plan)
    size = np.select([pct >= 0.9, pct >= 0.6], [2, 1], 0)
    size[~is_buyer] = rng.choice(3, size=(~is_buyer).sum(), p=[0.6, 0.3, 0.1])
    potential = _potential(rng, is_buyer, yearly, vip0)

    blank = {col: rng.random(n) < share for col, share in _BLANKS.items()}
    blank[POTENTIAL][vip0] = False
    blank[POTENTIAL][key] = False

    return {
        "has_card": has_card,
        "created": created,
        "person": person,
        "names": names,
        "contacts": contacts,
        "emails": emails,
        "tax": tax,
        "phone_digits": phone_digits,
        "phone_style": phone_style,
        "status": status,
        "size": size,
        "potential": potential,
        "blank": blank,
        "key": key,
        "vip": vip,
        "revenue": revenue,
        "pct": pct,
        "industry": rng.integers(0, len(_WORDS["industry"][0]), n),
        "lang": lang,
        "region": plan["region"],
        "manager": plan["manager"],
    }


def _created(rng: np.random.Generator, plan: dict, span: int, start_dow: int) -> np.ndarray:
    """Card creation days: before the first order (long before for the old base), leads spread
    out; weekdays inside the period."""
    n = len(plan["rhythm"])
    is_buyer = plan["is_buyer"]
    created = np.empty(n, dtype=np.int64)
    old = plan["existing"]
    created[old] = -rng.integers(30, 5 * 365, old.sum())
    newb = is_buyer & ~old
    created[newb] = plan["first"][newb] - rng.integers(0, 60, newb.sum())
    leads = ~is_buyer
    created[leads] = rng.integers(-2 * 365, span - 10, leads.sum())
    created = _weekday(created, start_dow)
    created = np.where(is_buyer, np.minimum(created, plan["first"]), created)
    return np.where(created > span - 1, _weekday_back(np.full(n, span - 1), start_dow), created)


def _key_and_vip(
    rng: np.random.Generator, plan: dict, has_card: np.ndarray, revenue: np.ndarray, pct: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The key-account and VIP flags."""
    n = len(plan["rhythm"])
    vip0 = int(plan["vip0"])
    # key accounts: the largest steady clients that did not churn
    steady = has_card & plan["repeat"] & (plan["churn"] < 0) & (np.arange(n) != vip0)
    n_key = max(1, round(_KEY_SHARE * n))
    key = np.zeros(n, bool)
    key[np.argsort(-np.where(steady, revenue, -1.0), kind="stable")[:n_key]] = True
    key &= steady
    # VIPs: mostly large clients, plus the one that does not pay back
    n_vip = max(1, round(_VIP_SHARE * n)) - 1
    big = np.flatnonzero(has_card & plan["is_buyer"] & (pct >= 0.85) & (np.arange(n) != vip0))
    vip = np.zeros(n, bool)
    if n_vip and len(big):
        vip[rng.choice(big, size=min(n_vip, len(big)), replace=False)] = True
    vip[vip0] = True
    return key, vip


def _names(
    r_names: np.random.Generator, person: np.ndarray, lang: str
) -> tuple[list[_Name], list[str], list[str]]:
    """Client names (sole proprietors where ``person``), contact persons and e-mails."""
    n = len(person)
    cores = _company_cores(r_names, n, lang)
    ip_names = _person_names(r_names, int(person.sum()), lang, unique=True)
    forms, fp = _RU_FORMS if lang == "ru" else _EN_FORMS
    form_idx = r_names.choice(len(forms), size=n, p=fp)
    quotes = r_names.choice(3, size=n, p=[0.5, 0.35, 0.15])
    names: list[_Name] = []
    it = iter(ip_names)
    for i in range(n):
        if person[i]:
            names.append(_Name("ИП" if lang == "ru" else "sole proprietor", next(it), True, 2))
        else:
            names.append(_Name(forms[form_idx[i]], cores[i], False, int(quotes[i])))
    contacts = _person_names(r_names, n, lang, unique=False)
    emails = _emails(r_names, names, lang)
    return names, contacts, emails


def _tax_ids(rng: np.random.Generator, region: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Tax ids of the clients' regions; a few with a wrong check digit."""
    n = len(person)
    region_code = np.array([_REGIONS[r][0] for r in region])
    tax = np.array(_inns(rng, region_code, person), dtype=object)
    invalid = rng.random(n) < _INVALID_TAX_SHARE
    for j in np.flatnonzero(invalid):
        i = int(j)
        t = tax[i]
        tax[i] = t[:-1] + str((int(t[-1]) + 1 + int(rng.integers(0, 8))) % 10)
    return tax


def _status(rng: np.random.Generator, plan: dict) -> np.ndarray:
    """Card status codes: leads are leads, active or refused; some churned clients refused."""
    n = len(plan["rhythm"])
    is_buyer = plan["is_buyer"]
    leads = ~is_buyer
    status = np.full(n, _ST_WORKING)
    u = rng.random(n)
    status[leads] = np.select(
        [u[leads] < 0.55, u[leads] < 0.80], [_ST_LEAD, _ST_ACTIVE], _ST_REFUSED
    )
    gone = (plan["churn"] >= 0) & (plan["react"] < 0)
    status[gone & (u < 0.3)] = _ST_REFUSED
    status[is_buyer & ~gone & (u > 0.92)] = _ST_ACTIVE
    return status


def _potential(
    rng: np.random.Generator, is_buyer: np.ndarray, yearly: np.ndarray, vip0: int
) -> np.ndarray:
    """Yearly revenue a client could bring, rounded to ten thousands: a multiple of a buyer's
    own, lognormal around the median buyer's for leads; high for the VIP that does not pay
    back."""
    n = len(is_buyer)
    potential = np.where(
        is_buyer,
        yearly * rng.uniform(1.2, 3.5, n),
        np.exp(
            rng.normal(
                np.log(max(1.0, float(np.median(yearly[is_buyer])) if is_buyer.any() else 1e5)),
                0.8,
                n,
            )
        ),
    )
    potential[vip0] = max(potential[vip0], float(np.quantile(yearly[is_buyer], 0.9)) * 2)
    return np.round(potential, -4)
