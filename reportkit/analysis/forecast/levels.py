"""Which level of each dimension a client belongs to: manager, segment, channel, category."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import InputError
from ...io import schema as S
from ...io.dataset import Dataset

#: the dimensions a forecast can be split by; ``segment`` is a column of the clients table
DIMENSIONS = ("manager", "segment", "channel", "category")
#: the clients table's column read as the segment
SEGMENT_COLUMN = S.SIZE
#: the level of a client without one (no such value on its sales or card)
NO_LEVEL = "(none)"
#: the level that stands for every client (the total)
ALL = "(all)"
#: how a level of several dimensions is written
JOIN = " / "


def _dominant(
    client: np.ndarray, n_clients: int, values: pd.Series, amount: np.ndarray
) -> np.ndarray:
    """Per client code 0 … n_clients - 1, the value with the most revenue (ties: the first by
    name); None for a client without a value. Integer codes and one sort: no groupby on text."""
    codes, uniq = pd.factorize(values, sort=True)  # sorted: a lower code is the first by name
    text = np.asarray(uniq, dtype=object)
    blank = np.array([str(v).strip() == "" for v in text], dtype=bool)
    ok = codes >= 0
    ok[ok] = ~blank[codes[ok]]
    out = np.full(n_clients, None, dtype=object)
    if not ok.any():
        return out
    k = len(text)
    key = client[ok].astype(np.int64) * k + codes[ok]
    inverse, pairs = pd.factorize(key)  # hashing, not sorting the lines
    sums = np.bincount(inverse, weights=amount[ok])
    order = np.argsort(pairs, kind="stable")  # the pairs by client, then by value name
    pairs, sums = pairs[order], sums[order]
    c, v = pairs // k, pairs % k
    start = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    best = np.repeat(np.maximum.reduceat(sums, start), np.diff(np.r_[start, len(c)]))
    top = np.flatnonzero(sums == best)  # the first per client is the first by name
    first = top[np.r_[True, c[top][1:] != c[top][:-1]]]
    out[c[first]] = text[v[first]].astype(str)
    return out


def client_levels(dataset: Dataset, as_of: Any = None) -> pd.DataFrame:
    """Each client's manager, channel and category (the one with the most revenue on its sales
    up to ``as_of``) and segment (the clients table's ``size``), where the data have them.

    Parameters
    ----------
    dataset : Dataset
    as_of : date-like, optional
        Only sales on or before it count; all of them when None.

    Returns
    -------
    DataFrame
        ``client_id`` and one column per dimension found (strings).
    """
    tx = dataset.transactions
    if tx is None:
        raise InputError(
            "the transactions were read out of core: the levels need their lines; load them "
            'with [load] engine = "memory".'
        )
    if as_of is not None:
        tx = tx[tx[S.DATE] <= parse_as_of(as_of)]
    client, uniq = pd.factorize(tx[S.CLIENT_ID])
    ids = pd.Index(np.asarray(uniq, dtype=object), name=S.CLIENT_ID)
    amount = pd.to_numeric(tx[S.AMOUNT], errors="coerce").fillna(0.0).to_numpy(np.float64)
    out = pd.DataFrame(index=ids)
    for dim in ("manager", "channel", "category"):
        if dim in tx.columns and tx[dim].notna().any():
            out[dim] = _dominant(client, len(ids), tx[dim], amount)
    clients = dataset.clients
    if clients is not None and SEGMENT_COLUMN in clients.columns:
        seg = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[SEGMENT_COLUMN]
        if seg.notna().any():
            out["segment"] = seg.reindex(ids).astype(object)
    return out.reset_index()


def align_levels(ids: np.ndarray, levels: pd.DataFrame) -> pd.DataFrame:
    """``levels`` one row per id of ``ids``, in that order (a client it lacks: all missing), so
    that :func:`level_codes` of several splits looks the ids up once."""
    lv = levels.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)
    return lv.reindex(pd.Index(ids, dtype=object))


def _one(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and sorted names of one dimension; a missing or blank value is ``NO_LEVEL``."""
    codes, uniq = pd.factorize(col, sort=True)
    names = np.array([str(v).strip() for v in uniq], dtype=object)
    blank = names == ""
    names = np.append(names, NO_LEVEL)
    codes = np.where(codes < 0, len(names) - 1, codes)
    codes = np.where(np.append(blank, False)[codes], len(names) - 1, codes)
    return codes.astype(np.int64), names


def level_codes(
    ids: np.ndarray, levels: pd.DataFrame | None, by: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Level code per client id of ``ids`` and the level names, sorted (``ALL`` when ``by`` is
    empty).

    ``levels`` is a table with ``client_id`` and the ``by`` columns, or one already aligned to
    ``ids`` (:func:`align_levels`). A client missing from it or without a value is at
    ``NO_LEVEL``; several dimensions make combined levels ``"A / B"``.
    """
    if not by:
        return np.zeros(len(ids), dtype=np.int64), np.array([ALL], dtype=object)
    if levels is None:
        raise ValueError("levels are needed to split by a dimension")
    lv = levels if S.CLIENT_ID not in levels.columns else align_levels(ids, levels)
    codes, names = _one(lv[by[0]])
    for dim in by[1:]:
        more, more_names = _one(lv[dim])
        key = codes * len(more_names) + more
        pairs, codes = np.unique(key, return_inverse=True)
        names = np.array(
            [
                f"{names[p // len(more_names)]}{JOIN}{more_names[p % len(more_names)]}"
                for p in pairs
            ],
            dtype=object,
        )
    # drop the names no client has and keep the order by name
    used, codes = np.unique(codes, return_inverse=True)
    names = names[used]
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes].astype(np.int64), names[order]
