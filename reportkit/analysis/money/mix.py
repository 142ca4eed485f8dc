"""What each client segment buys: the categories' share of the segment's revenue, and their
penetration (the share of the segment's clients who bought the category in the window)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...io import schema as S

#: the columns of :func:`segment_mix`
MIX_COLUMNS = (
    "segmentation",
    "segment",
    S.CATEGORY,
    S.N_CLIENTS,
    "revenue",
    "revenue_share",
    "buyers",
    "penetration",
)


def _order(values: pd.Series) -> list:
    """The segments in their own order: a categorical's categories, else sorted."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique(), key=str)


@dataclass(frozen=True)
class _Segmentation:
    """One segmentation, coded once: each row's client id, its segment's code (-1: no
    segment, or a repeated client), the segments in their order."""

    name: str
    ids: pd.Series
    codes: np.ndarray
    order: list

    @classmethod
    def of(cls, name: str, frame: pd.DataFrame) -> _Segmentation:
        column = (
            name if name in frame.columns else next(c for c in frame.columns if c != S.CLIENT_ID)
        )
        values = frame[column]
        order = _order(values)
        raw, uniques = pd.factorize(values)
        where = pd.Index(order).get_indexer(pd.Index(uniques)) if len(uniques) else raw[:0]
        codes = np.where(raw >= 0, where[np.maximum(raw, 0)], -1).astype(np.int64)
        ids = frame[S.CLIENT_ID].reset_index(drop=True)
        if not ids.is_unique:
            codes[ids.duplicated().to_numpy()] = -1
        return cls(name, ids, codes, order)


def _aligned(a: _Segmentation, b: _Segmentation) -> np.ndarray | None:
    """``b``'s codes in the order of ``a``'s rows; None when they do not have the same clients."""
    if len(a.ids) == len(b.ids) and a.ids.equals(b.ids):
        return b.codes
    pos = pd.Index(b.ids[b.codes >= 0]).get_indexer(a.ids[a.codes >= 0])
    if (pos < 0).any() or (a.codes >= 0).sum() != (b.codes >= 0).sum():
        return None
    out = np.full(len(a.ids), -1, dtype=np.int64)
    out[a.codes >= 0] = b.codes[b.codes >= 0][pos]
    return out


def _same(a: _Segmentation, b: _Segmentation) -> bool:
    cb = _aligned(a, b)
    if cb is None:
        return False
    ca, keep = a.codes, a.codes >= 0
    if not np.array_equal(keep, cb >= 0):
        return False
    ca, cb = ca[keep], cb[keep]
    n_pairs = len(np.unique(ca * (int(cb.max(initial=0)) + 1) + cb))
    return n_pairs == len(np.unique(ca)) == len(np.unique(cb))


def same_partition(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two segmentations (``client_id`` and one segment column each) group the same
    clients together: one is the other under other names (size tiers cut by the ABC rule on
    the same revenue are the ABC classes).

    >>> a = pd.DataFrame({"client_id": [1, 2, 3], "abc": ["A", "B", "B"]})
    >>> b = pd.DataFrame({"client_id": [1, 2, 3], "size_tier": ["large", "small", "small"]})
    >>> same_partition(a, b), same_partition(a, b.assign(size_tier=["large"] * 3))
    (True, False)
    """
    return _same(_Segmentation.of("", a), _Segmentation.of("", b))


class _Positions:
    """Where each segmentation's clients are among the lines' clients, looked up once per
    distinct column of ids (the segmentations of one snapshot share theirs)."""

    def __init__(self, clients: pd.Index) -> None:
        self.clients = clients
        self.seen: list[tuple[pd.Series, np.ndarray]] = []

    def __call__(self, ids: pd.Series) -> np.ndarray:
        for known, pos in self.seen:
            if len(known) == len(ids) and known.equals(ids):
                return pos
        pos = self.clients.get_indexer(ids)
        self.seen.append((ids, pos))
        return pos


def _one(
    seg: _Segmentation,
    positions: _Positions,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    client_revenue: np.ndarray,
    categories: pd.Index,
) -> pd.DataFrame:
    """The mix of one segmentation (see :func:`segment_mix`)."""
    n_seg, n_cat = len(seg.order), len(categories)
    has = seg.codes >= 0
    n_clients = np.bincount(seg.codes[has], minlength=n_seg)
    # each of the lines' clients -> its segment (-1: none)
    of_client = np.full(len(positions.clients), -1, dtype=np.int64)
    pos = positions(seg.ids)
    found = has & (pos >= 0)
    of_client[pos[found]] = seg.codes[found]
    known = of_client >= 0
    total = np.bincount(of_client[known], weights=client_revenue[known], minlength=n_seg)
    p_client, p_cat, p_revenue, p_bought = pairs
    p_seg = of_client[p_client]
    keep = p_seg >= 0
    cell = p_seg[keep] * n_cat + p_cat[keep]
    revenue = np.bincount(cell, weights=p_revenue[keep], minlength=n_seg * n_cat)
    buyers = np.bincount(cell, weights=p_bought[keep], minlength=n_seg * n_cat)
    out = pd.DataFrame(
        {
            "segmentation": seg.name,
            "segment": np.repeat(np.array(seg.order, dtype=object), n_cat),
            S.CATEGORY: np.tile(categories.to_numpy(dtype=object), n_seg),
            S.N_CLIENTS: np.repeat(n_clients, n_cat).astype("int64"),
            "revenue": revenue,
        }
    )
    seg_total = np.repeat(total, n_cat)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["revenue_share"] = np.where(seg_total > 0, revenue / seg_total, np.nan)
    out["buyers"] = buyers.round().astype("int64")
    out["penetration"] = out["buyers"] / out[S.N_CLIENTS]
    return out[list(MIX_COLUMNS)]


def _pairs(
    client: np.ndarray, category: np.ndarray, categories: pd.Index, amount: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], pd.Index]:
    """(client, category, revenue, bought) of every client and named category with a line,
    and the named categories in alphabetical order (the codes of the pairs)."""
    named = np.asarray(~pd.isna(categories), dtype=bool)
    valid = category >= 0
    valid[valid] = named[category[valid]]
    kept = np.flatnonzero(named)
    order = kept[np.argsort(categories[kept].astype(str).to_numpy(), kind="stable")]
    new_code = np.full(len(categories), -1, dtype=np.int64)
    new_code[order] = np.arange(len(order))
    n_cat = max(len(order), 1)
    key = client[valid] * n_cat + new_code[category[valid]]
    uniq, inverse = np.unique(key, return_inverse=True)
    pairs = (
        uniq // n_cat,
        uniq % n_cat,
        np.bincount(inverse, weights=amount[valid], minlength=len(uniq)),
        np.bincount(inverse, weights=(amount[valid] > 0), minlength=len(uniq)) > 0,
    )
    return pairs, pd.Index(categories[order])


def mix_codes(
    client: np.ndarray,
    clients: pd.Index,
    category: np.ndarray,
    categories: pd.Index,
    amount: np.ndarray,
    segments: Mapping[str, pd.DataFrame],
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """:func:`segment_mix` of lines given as codes: ``clients[client]`` is each line's client,
    ``categories[category]`` its category (a missing category: a code of a missing value, or
    -1), ``amount`` its amount (NaN as 0). A segmentation that groups the clients exactly as
    an earlier one is left out; returns the mix and the (left out, same as) pairs."""
    amount = np.nan_to_num(np.asarray(amount, dtype=float))
    pairs, names = _pairs(client, category, categories, amount)
    client_revenue = np.bincount(client, weights=amount, minlength=len(clients))
    kept: list[_Segmentation] = []
    twins: list[tuple[str, str]] = []
    for name, frame in segments.items():
        seg = _Segmentation.of(name, frame)
        twin = next((k.name for k in kept if _same(k, seg)), None)
        if twin is None:
            kept.append(seg)
        else:
            twins.append((name, twin))
    positions = _Positions(clients)
    parts = [_one(seg, positions, pairs, client_revenue, names) for seg in kept]
    if not parts:
        return pd.DataFrame({c: np.array([], dtype=object) for c in MIX_COLUMNS}), twins
    return pd.concat(parts, ignore_index=True), twins


def segment_mix(lines: pd.DataFrame, segments: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """What each segment buys, category by category, over the window.

    Parameters
    ----------
    lines : DataFrame
        The sales lines of the window: ``client_id``, ``category``, ``amount``.
    segments : dict of str to DataFrame
        Segmentation name -> one row per client: ``client_id`` and the client's segment (the
        column named as the segmentation, else the other column): e.g. ``{"abc":
        abc.clients[["client_id", "abc"]], "block": ..., "size_tier": ..., "industry": ...}``.
        Clients without a segment are left out of that segmentation; a segmentation that
        groups the clients exactly as an earlier one (:func:`same_partition`) is left out.

    Returns
    -------
    DataFrame
        One row per segmentation, segment and category (every category of the window for
        every segment, zeros included; categories in alphabetical order): ``segmentation``,
        ``segment``, ``category``, ``n_clients`` (the segment's clients, as given),
        ``revenue`` (net, of the window), ``revenue_share`` (of the segment's net revenue of
        the window over every category, lines without a category included; NaN when that is
        not positive), ``buyers`` (the segment's clients with a purchase -- a line of
        positive amount -- in the category) and ``penetration`` (buyers / n_clients).
    """
    client, clients = pd.factorize(lines[S.CLIENT_ID])
    category, categories = pd.factorize(lines[S.CATEGORY])
    mix, _ = mix_codes(
        client.astype(np.int64),
        pd.Index(clients),
        category.astype(np.int64),
        pd.Index(categories),
        lines[S.AMOUNT].to_numpy(dtype=float),
        segments,
    )
    return mix


__all__ = ["MIX_COLUMNS", "mix_codes", "same_partition", "segment_mix"]
