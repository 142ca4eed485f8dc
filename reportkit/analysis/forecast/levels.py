"""Which level of each dimension a client belongs to: manager, segment, channel, category."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
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


def _dominant(tx: pd.DataFrame, column: str) -> pd.Series:
    """Per client, the value of ``column`` with the most revenue (ties: the first by name)."""
    t = tx[[S.CLIENT_ID, column, S.AMOUNT]].dropna(subset=[column])
    t = t[t[column].astype(str).str.strip() != ""]
    sums = t.groupby([S.CLIENT_ID, column], sort=True, observed=True)[S.AMOUNT].sum()
    sums = sums.reset_index().sort_values(
        [S.CLIENT_ID, S.AMOUNT], ascending=[True, False], kind="stable"
    )
    first = sums.drop_duplicates(S.CLIENT_ID)
    return pd.Series(first[column].astype(str).to_numpy(), index=first[S.CLIENT_ID].to_numpy())


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
    if as_of is not None:
        tx = tx[tx[S.DATE] <= parse_as_of(as_of)]
    ids = pd.Index(pd.unique(tx[S.CLIENT_ID].astype(object)), name=S.CLIENT_ID)
    out = pd.DataFrame(index=ids)
    for dim in ("manager", "channel", "category"):
        if dim in tx.columns and tx[dim].notna().any():
            out[dim] = _dominant(tx, dim).reindex(ids)
    clients = dataset.clients
    if clients is not None and SEGMENT_COLUMN in clients.columns:
        seg = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[SEGMENT_COLUMN]
        if seg.notna().any():
            out["segment"] = seg.reindex(ids).astype(object)
    return out.reset_index()


def level_codes(
    ids: np.ndarray, levels: pd.DataFrame | None, by: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Level code per client id of ``ids`` and the level names (``ALL`` when ``by`` is empty).

    A client missing from ``levels`` or without a value is at ``NO_LEVEL``.
    """
    if not by:
        return np.zeros(len(ids), dtype=np.int64), np.array([ALL], dtype=object)
    assert levels is not None
    lv = levels.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)
    parts = []
    for dim in by:
        col = lv[dim].reindex(pd.Index(ids, dtype=object)).astype(object)
        col = col.where(col.notna() & (col.astype(str).str.strip() != ""), NO_LEVEL)
        parts.append(col.astype(str).to_numpy())
    names = parts[0]
    for extra in parts[1:]:
        names = np.char.add(np.char.add(names.astype(str), JOIN), extra.astype(str))
    codes, uniq = pd.factorize(pd.Series(names, dtype=object), sort=True)
    return codes.astype(np.int64), np.asarray(uniq, dtype=object)
