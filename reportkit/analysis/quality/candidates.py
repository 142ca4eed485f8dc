"""Duplicates, the candidate pairs: records sharing a key, names close enough to be one name.

Each distinct name is compared only with names sharing a word, or its first or last four
letters: blocks of up to 64 names are scored pair by pair in one vectorised call, blocks of up
to ``name_block_size`` with ``rapidfuzz.process.cdist``, and larger blocks by sorted
neighbourhood (each name with the next ``name_window``). The work grows with the number of
names times the block size, not with its square.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ...io.config import QualitySettings

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
