"""Duplicates, the links: the normalised keys of every record, the candidate pairs that share
one, and for each pair what matched, what speaks against it and its level of confidence (the
rules are in :mod:`reportkit.analysis.quality.duplicates`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ...io.config import QualitySettings
from ...io.schema import CLIENT_ID, EMAIL, NAME, PHONE, PROBLEM, TAX_ID
from .candidates import (
    _SWAP_MIN_SCORE,
    _common_words,
    _exact_pairs,
    _name_candidates,
    _names_compatible,
    _one_swap,
)
from .normalize import (
    _text,
    inns_are_valid,
    normalize_emails,
    normalize_names,
    normalize_phones,
    normalize_tax_ids,
)

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


@dataclass
class _Keys:
    """The normalised keys of every record, by position (None where unusable)."""

    phone: pd.Series
    email: pd.Series
    tax: pd.Series
    tax_valid: np.ndarray
    names: pd.Series


def _keys(cl: pd.DataFrame) -> _Keys:
    """Phones, e-mails, tax ids and names of ``cl`` normalised (all None for a missing column)."""
    n = len(cl)

    def column(name: str, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
        if name in cl.columns:
            return func(cl[name])
        return pd.Series([None] * n, dtype=object)

    phone = column(PHONE, normalize_phones)
    email = column(EMAIL, normalize_emails)
    tax = column(TAX_ID, normalize_tax_ids)
    tax_valid = (tax.notna() & inns_are_valid(tax)).to_numpy(bool)
    return _Keys(phone, email, tax, tax_valid, column(NAME, normalize_names))


def _invalid_tax_ids(cl: pd.DataFrame, keys: _Keys) -> pd.DataFrame:
    """The invalid tax ids, as given: ``client_id``, ``tax_id``, ``problem``."""
    if TAX_ID not in cl.columns:
        return pd.DataFrame({CLIENT_ID: [], TAX_ID: [], PROBLEM: []}, dtype=object)
    tax = keys.tax
    raw_tax = cl[TAX_ID].map(_text)
    wrong_len = raw_tax.notna() & tax.isna()
    bad_check = tax.notna() & ~keys.tax_valid
    bad = wrong_len | bad_check
    return pd.DataFrame(
        {
            CLIENT_ID: cl.loc[bad, CLIENT_ID].to_numpy(object),
            TAX_ID: raw_tax[bad].to_numpy(object),
            PROBLEM: np.where(wrong_len[bad], "length", "check"),
        }
    )


def _fuzzy_pairs(names: pd.Series, limit: int, settings: QualitySettings) -> pd.DataFrame | None:
    """Pairs of records (``a``, ``b``, key "fuzzy") whose distinct names are close."""
    if not names.notna().any():
        return None
    uniq_codes, uniq = pd.factorize(names, use_na_sentinel=True)
    counts = np.bincount(uniq_codes[uniq_codes >= 0], minlength=len(uniq))
    usable = np.flatnonzero((counts <= limit) & np.array([len(u) >= 4 for u in uniq], dtype=bool))
    ui, uj, _ = _name_candidates(np.asarray(uniq, dtype=object)[usable], settings)
    if not len(ui):
        return None
    # expand pairs of distinct names to pairs of records
    rows_of = pd.DataFrame({"code": uniq_codes, "row": np.arange(len(names))})
    rows_of = rows_of[rows_of["code"] >= 0]
    both_sides = (
        pd.DataFrame({"ci": usable[ui], "cj": usable[uj]})
        .merge(rows_of.rename(columns={"code": "ci", "row": "a"}), on="ci")
        .merge(rows_of.rename(columns={"code": "cj", "row": "b"}), on="cj")
    )
    return pd.DataFrame(
        {
            "a": both_sides["a"].to_numpy(np.int64),
            "b": both_sides["b"].to_numpy(np.int64),
            "key": "fuzzy",
        }
    )


def _candidates(
    keys: _Keys, limit: int, settings: QualitySettings
) -> tuple[pd.DataFrame, list[tuple[str, str, int]]]:
    """(the candidate pairs: a bool column per key that matched, indexed by (lo, hi) record
    positions; the generic values as (key, value, records))."""
    parts: list[pd.DataFrame] = []
    shared: list[tuple[str, str, int]] = []
    for key, values in (
        (TAX_ID, keys.tax),
        (EMAIL, keys.email),
        (PHONE, keys.phone),
        (NAME, keys.names),
    ):
        a, b, sh = _exact_pairs(values, limit, key)
        shared += sh
        parts.append(pd.DataFrame({"a": a, "b": b, "key": key}))
    fuzzy = _fuzzy_pairs(keys.names, limit, settings)
    if fuzzy is not None:
        parts.append(fuzzy)
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
    return flags, shared


@dataclass
class _Links:
    """Every candidate pair (``lo`` < ``hi``, record positions) with what matched, what
    conflicts and its level (3 high, 2 medium, 1 low, 0 dropped)."""

    lo: np.ndarray
    hi: np.ndarray
    score: np.ndarray
    tax_match: np.ndarray
    email_match: np.ndarray
    phone_match: np.ndarray
    name_match: np.ndarray
    swapped: np.ndarray
    conflict: np.ndarray
    contact_conflict: np.ndarray
    phones_differ: np.ndarray
    emails_differ: np.ndarray
    level: np.ndarray

    def evidence(self, k: int) -> str:
        """The link's evidence as codes (:data:`EVIDENCE_CODES`), "," between them."""
        codes = [
            w
            for w, f in (
                (TAX_ID, self.tax_match[k]),
                (EMAIL, self.email_match[k]),
                (PHONE, self.phone_match[k]),
            )
            if f
        ]
        if self.name_match[k]:
            codes.append(f"name={math.floor(self.score[k]):d}")
            if self.swapped[k]:
                codes.append("swapped")
        if self.conflict[k]:
            codes.append("tax_ids_differ")
        if self.contact_conflict[k]:
            codes += [
                w
                for w, f in (
                    ("phones_differ", self.phones_differ[k]),
                    ("emails_differ", self.emails_differ[k]),
                )
                if f
            ]
        return ",".join(codes)


def _name_scores(name_values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``fuzz.ratio`` of the two names of every pair; NaN when a name is missing."""
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
    return score


def _name_links(
    keys: _Keys, lo: np.ndarray, hi: np.ndarray, score: np.ndarray, settings: QualitySettings
) -> tuple[np.ndarray, np.ndarray]:
    """(the pairs whose names link them, the pairs whose names differ by a swap of letters)."""
    name_values = keys.names.to_numpy(object)
    name_match = np.nan_to_num(score, nan=-1.0) >= settings.name_similarity
    swapped = np.zeros(len(lo), dtype=bool)
    for k in np.flatnonzero(~name_match & (np.nan_to_num(score, nan=-1.0) >= _SWAP_MIN_SCORE)):
        swapped[k] = _one_swap(name_values[lo[k]], name_values[hi[k]])
    name_match |= swapped
    common = _common_words(keys.names, settings.common_word_min)
    for k in np.flatnonzero(name_match & (score < 100)):
        if not _names_compatible(
            name_values[lo[k]], name_values[hi[k]], common, settings.name_similarity
        ):
            name_match[k] = False
    return name_match, swapped


def _links(
    flags: pd.DataFrame,
    keys: _Keys,
    shared: list[tuple[str, str, int]],
    settings: QualitySettings,
) -> _Links:
    """The links of the candidate pairs: the keys that match, the evidence against, the level."""
    lo = flags.index.get_level_values(0).to_numpy(np.int64)
    hi = flags.index.get_level_values(1).to_numpy(np.int64)
    score = _name_scores(keys.names.to_numpy(object), lo, hi)
    tax_match = flags[TAX_ID].to_numpy(bool)
    email_match = flags[EMAIL].to_numpy(bool)
    phone_match = flags[PHONE].to_numpy(bool)
    name_match, swapped = _name_links(keys, lo, hi, score, settings)
    name_level = np.where(name_match, np.where(score >= settings.name_medium_similarity, 2, 1), 0)
    tax_valid = keys.tax_valid
    strong = (tax_match & tax_valid[lo]) | email_match | phone_match
    level = np.where(strong, 3, np.maximum(np.where(tax_match, 2, 0), name_level))
    # evidence against: different valid tax ids, different phones, different e-mails
    tax_values = keys.tax.to_numpy(object)
    conflict = tax_valid[lo] & tax_valid[hi] & (tax_values[lo] != tax_values[hi])
    name_only = ~(tax_match | email_match | phone_match)
    generic = {key: {v for kk, v, _ in shared if kk == key} for key in (PHONE, EMAIL)}
    pv = keys.phone.where(~keys.phone.isin(generic[PHONE])).to_numpy(object)
    ev = keys.email.where(~keys.email.isin(generic[EMAIL])).to_numpy(object)
    phones_differ = pd.notna(pv[lo]) & pd.notna(pv[hi]) & (pv[lo] != pv[hi])
    emails_differ = pd.notna(ev[lo]) & pd.notna(ev[hi]) & (ev[lo] != ev[hi])
    contact_conflict = name_only & ~conflict & (phones_differ | emails_differ)
    level = np.where(conflict & name_only, 0, np.where(conflict & (level == 3), 2, level))
    level = np.where(contact_conflict, np.maximum(level - 1, 0), level)
    return _Links(
        lo=lo,
        hi=hi,
        score=score,
        tax_match=tax_match,
        email_match=email_match,
        phone_match=phone_match,
        name_match=name_match,
        swapped=swapped,
        conflict=conflict,
        contact_conflict=contact_conflict,
        phones_differ=phones_differ,
        emails_differ=emails_differ,
        level=level,
    )
