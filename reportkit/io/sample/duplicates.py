"""Step 5 of the generator: duplicate cards of existing buyers, client ids, and the orders
booked on the duplicates.
"""

from __future__ import annotations

import numpy as np

from ..schema import (
    EMAIL,
    PHONE,
    TAX_ID,
)
from .names import _EN_FIRST, _EN_LAST, _name_variant, _person_names
from .shape import (
    _DUPLICATE_SHARE,
    _ST_ACTIVE,
    _ST_LEAD,
    _ST_WORKING,
    DUPLICATE_KINDS,
    _weekday,
    _weekday_back,
)


def _duplicates(
    rng: np.random.Generator,
    r_names: np.random.Generator,
    cards: dict,
    plan: dict,
    span: int,
    start_dow: int,
    lang: str,
) -> dict:
    """Extra cards of existing buyers that share one key with the original."""
    orig, kinds = _originals(rng, cards, plan)
    m = len(orig)
    lo = np.maximum(cards["created"][orig] + 30, 0)
    hi = np.maximum(lo + 1, span - 30)
    created = _weekday(rng.integers(lo, hi), start_dow)
    created = np.minimum(created, _weekday_back(np.full(m, span - 1), start_dow))
    styles = cards["phone_style"][orig]
    new_style = (styles + rng.integers(1, 6, m)) % 6
    manager = np.where(
        rng.random(m) < 0.6,
        (plan["manager"][orig] + rng.integers(1, 6, m)) % 6,
        plan["manager"][orig],
    )
    look_alike = rng.random(m) < 0.5
    email_case = rng.integers(0, 3, m)
    books = rng.random(m) < 0.6
    names, emails = _names_and_emails(r_names, cards, orig, kinds, look_alike, email_case, lang)
    return {
        "orig": orig,
        "kind": kinds,
        "created": created,
        "phone_style": new_style,
        "manager": manager,
        "names": names,
        "emails": emails,
        "books": books,
        "status": rng.choice([_ST_ACTIVE, _ST_LEAD, _ST_WORKING], size=m, p=[0.5, 0.3, 0.2]),
        "same_region": rng.random(m) < 0.7,
    }


def _originals(rng: np.random.Generator, cards: dict, plan: dict) -> tuple[np.ndarray, np.ndarray]:
    """The original card of each duplicate (a distinct buyer with a card that has the key the
    duplicate shares) and the kind of key (index into ``DUPLICATE_KINDS``)."""
    n = len(plan["rhythm"])
    blank = cards["blank"]
    vip0 = int(plan["vip0"])
    n_dup = round(_DUPLICATE_SHARE * n)
    kinds = rng.choice(len(DUPLICATE_KINDS), size=n_dup, p=[0.30, 0.25, 0.20, 0.25])
    has_key = {
        "phone": ~blank[PHONE],
        "email": ~blank[EMAIL],
        "tax_id": ~blank[TAX_ID],
        "name": np.ones(n, bool),
    }
    taken = np.zeros(n, bool)
    base_ok = cards["has_card"] & plan["is_buyer"] & (np.arange(n) != vip0)
    orig = np.full(n_dup, -1, dtype=np.int64)
    for j in range(n_dup):
        ok = np.flatnonzero(base_ok & ~taken & has_key[DUPLICATE_KINDS[kinds[j]]])
        if len(ok):
            orig[j] = ok[rng.integers(len(ok))]
            taken[orig[j]] = True
    keep = orig >= 0
    return orig[keep], kinds[keep]


def _names_and_emails(
    r_names: np.random.Generator,
    cards: dict,
    orig: np.ndarray,
    kinds: np.ndarray,
    look_alike: np.ndarray,
    email_case: np.ndarray,
    lang: str,
) -> tuple[list[str], list[str]]:
    """The duplicates' names (the original's written differently, or a contact and a
    department) and e-mails (the original's, written differently for the e-mail kind)."""
    m = len(orig)
    names, emails = [], []
    # "Сергей Иванов (закупки)", "M. Morgan (accounts)": unlike the names of sole proprietors
    if lang == "ru":
        contact_names = [
            " ".join(x.split(" ")[:2][::-1]) for x in _person_names(r_names, m, lang, unique=True)
        ]
    else:  # surnames without repetition (short names that differ in one letter look alike)
        last = r_names.permutation(len(_EN_LAST))
        contact_names = [
            f"{_EN_FIRST[r_names.integers(len(_EN_FIRST))][0]}. {_EN_LAST[last[j % len(last)]]}"
            for j in range(m)
        ]
    depts = (
        ["закупки", "склад", "снабжение", "бухгалтерия"]
        if lang == "ru"
        else ["purchasing", "warehouse", "supply", "accounts"]
    )
    for j in range(m):
        o, kind = orig[j], DUPLICATE_KINDS[kinds[j]]
        nm = cards["names"][o]
        if kind == "name" or look_alike[j]:
            names.append(_name_variant(r_names, nm, lang).text(lang))
        else:  # a card made from a call: the contact's name and the department
            names.append(f"{contact_names[j]} ({depts[j % len(depts)]})")
        e = cards["emails"][o]
        if kind == "email":
            local, domain = e.split("@")
            e = [local.capitalize() + "@" + domain.capitalize(), local + " @" + domain, e.upper()][
                email_case[j]
            ]
        emails.append(e)
    return names, emails


def _assign_ids(
    rng: np.random.Generator, plan: dict, cards: dict, dups: dict
) -> dict[str, np.ndarray]:
    """Client ids numbered by card creation (``C00001`` …); ~5 % are old all-digit codes."""
    n, m = len(plan["rhythm"]), len(dups["orig"])
    created = np.concatenate([cards["created"], dups["created"]])
    order = np.lexsort((rng.random(n + m), created))
    number = np.empty(n + m, dtype=np.int64)
    number[order] = np.arange(1, n + m + 1)
    width = max(5, len(str(n + m)))
    ids = np.array([f"C{x:0{width}d}" for x in number], dtype=object)
    legacy = rng.random(n + m) < 0.05
    pool = max(99_900, 20 * int(legacy.sum()))
    codes = rng.choice(pool, size=int(legacy.sum()), replace=False) + 100
    w2 = max(6, len(str(pool + 100)))
    ids[legacy] = [f"{c:0{w2}d}" for c in codes]
    return {"real": ids[:n], "dup": ids[n:]}


def _book_on_duplicates(rng: np.random.Generator, lines: dict, plan: dict, dups: dict) -> dict:
    """Book some of the original's later orders (whole orders, returns included) on the copy."""
    dup_of = np.full(len(plan["rhythm"]), -1, dtype=np.int64)
    books = np.flatnonzero(dups["books"])
    dup_of[dups["orig"][books]] = books
    cand = dup_of[lines["client"]]
    ok = (cand >= 0) & (lines["order_day"] >= dups["created"][np.maximum(cand, 0)])
    orders = np.unique(lines["order"][ok])
    moved = orders[rng.random(len(orders)) < 0.4]
    sel = np.isin(lines["order"], moved)
    out = dict(lines)
    out["dup"] = lines["dup"].copy()
    out["dup"][sel] = cand[sel]
    return out
