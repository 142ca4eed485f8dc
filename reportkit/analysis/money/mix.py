"""What each client segment buys: the categories' share of the segment's revenue, and their
penetration (the share of the segment's clients who bought the category in the window)."""

from __future__ import annotations

from collections.abc import Mapping

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


def _one(name: str, seg: pd.DataFrame, by_client: pd.DataFrame, categories: list) -> pd.DataFrame:
    """The mix of one segmentation (see :func:`segment_mix`)."""
    column = name if name in seg.columns else next(c for c in seg.columns if c != S.CLIENT_ID)
    seg = seg[[S.CLIENT_ID, column]].dropna().drop_duplicates(S.CLIENT_ID)
    order = _order(seg[column])
    seg = seg.assign(segment=seg[column].astype(object))[[S.CLIENT_ID, "segment"]]
    n_clients = seg.groupby("segment").size()
    lines = by_client.merge(seg, on=S.CLIENT_ID, how="inner")
    total = lines.groupby("segment")["revenue"].sum()
    per = lines.dropna(subset=[S.CATEGORY]).groupby(["segment", S.CATEGORY])
    grid = pd.MultiIndex.from_product([order, categories], names=["segment", S.CATEGORY])
    sums = per.agg(revenue=("revenue", "sum"), buyers=("bought", "sum")).reindex(grid)
    out = sums.fillna(0).reset_index()
    out.insert(0, "segmentation", name)
    out[S.N_CLIENTS] = out["segment"].map(n_clients).astype("int64")
    seg_total = out["segment"].map(total).astype(float)
    out["revenue_share"] = out["revenue"] / seg_total.where(seg_total > 0)
    out["buyers"] = out["buyers"].astype("int64")
    out["penetration"] = out["buyers"] / out[S.N_CLIENTS]
    return out[list(MIX_COLUMNS)]


def same_partition(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two segmentations (``client_id`` and one segment column each) group the same
    clients together: one is the other under other names (size tiers cut by the ABC rule on
    the same revenue are the ABC classes).

    >>> a = pd.DataFrame({"client_id": [1, 2, 3], "abc": ["A", "B", "B"]})
    >>> b = pd.DataFrame({"client_id": [1, 2, 3], "size_tier": ["large", "small", "small"]})
    >>> same_partition(a, b), same_partition(a, b.assign(size_tier=["large"] * 3))
    (True, False)
    """
    left, right = (f.drop_duplicates(S.CLIENT_ID) for f in (a, b))
    if len(left) != len(right):
        return False
    both = left.merge(right, on=S.CLIENT_ID, how="inner")
    if len(both) != len(left):
        return False
    ca = pd.factorize(both.iloc[:, 1], use_na_sentinel=False)[0].astype(np.int64)
    cb = pd.factorize(both.iloc[:, 2], use_na_sentinel=False)[0].astype(np.int64)
    n_pairs = len(np.unique(ca * (int(cb.max(initial=0)) + 1) + cb))
    return n_pairs == len(np.unique(ca)) == len(np.unique(cb))


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
        Clients without a segment are left out of that segmentation.

    Returns
    -------
    DataFrame
        One row per segmentation, segment and category (every category of the window for
        every segment, zeros included): ``segmentation``, ``segment``, ``category``,
        ``n_clients`` (the segment's clients, as given), ``revenue`` (net, of the window),
        ``revenue_share`` (of the segment's net revenue of the window over every category;
        NaN when that is not positive), ``buyers`` (the segment's clients with a purchase --
        a line of positive amount -- in the category) and ``penetration`` (buyers /
        n_clients).
    """
    amount = lines[S.AMOUNT].fillna(0.0)
    frame = pd.DataFrame(
        {
            S.CLIENT_ID: lines[S.CLIENT_ID].to_numpy(),
            S.CATEGORY: lines[S.CATEGORY].to_numpy(),
            "revenue": amount.to_numpy(),
            "bought": (amount > 0).to_numpy(),
        }
    )
    by_client = frame.groupby([S.CLIENT_ID, S.CATEGORY], dropna=False, sort=False).agg(
        revenue=("revenue", "sum"), bought=("bought", "any")
    )
    by_client = by_client.reset_index()
    categories = sorted(by_client[S.CATEGORY].dropna().unique(), key=str)
    parts = [_one(name, seg, by_client, categories) for name, seg in segments.items()]
    if not parts:
        return pd.DataFrame({c: np.array([], dtype=object) for c in MIX_COLUMNS})
    return pd.concat(parts, ignore_index=True)


__all__ = ["MIX_COLUMNS", "same_partition", "segment_mix"]
