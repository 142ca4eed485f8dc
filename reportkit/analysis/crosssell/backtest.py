"""The backtest: recommendations made at past cut-offs, checked against what the clients bought
over the following months, beside the popularity and random baselines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.dates import month_end
from ...core.snapshot import snapshot
from ..segmentation import abc, abc_xyz_matrix, xyz
from .codes import (
    ALL_CUTOFFS,
    CLIENTS,
    CUTOFF,
    HIT_RATE,
    HITS,
    METHOD,
    NEW_SPEND,
    PAIRS,
    POPULARITY,
    RANDOM,
    SHARE_CAPTURED,
    VALUE_CAPTURED,
    CrossSellSettings,
)
from .matrix import Sales, spend
from .peers import scores, top

_COLUMNS = [
    CUTOFF,
    METHOD,
    CLIENTS,
    PAIRS,
    HITS,
    HIT_RATE,
    VALUE_CAPTURED,
    NEW_SPEND,
    SHARE_CAPTURED,
]


def months_before(ts: pd.Timestamp, months: int) -> pd.Timestamp:
    """The month end ``months`` before the month end ``ts``."""
    return month_end(pd.Timestamp(ts) - pd.DateOffset(months=months))


def cutoffs(sales: Sales, as_of: pd.Timestamp, settings: CrossSellSettings) -> list[pd.Timestamp]:
    """The backtest's cut-offs, latest first: ``as_of`` minus 1, 2, … horizons (month ends)
    with at least ``min_history_months`` of sales before them."""
    if not len(sales.day):
        return []
    first = pd.Timestamp(np.datetime64(int(sales.day.min()), "D"))
    out = []
    for j in range(1, settings.n_cutoffs + 1):
        cut = months_before(as_of, j * settings.horizon_months)
        if cut - pd.DateOffset(months=settings.min_history_months) >= first - pd.Timedelta(days=1):
            out.append(cut)
    return out


def cells_at(
    sales: Sales, ts: pd.Timestamp, cards: pd.Series | None, panel, window: int
) -> list[pd.Series | None]:
    """The peer cells of every client as of ``ts``: industry × size (``cards``, from
    :func:`~reportkit.analysis.crosssell.peers.card_cells`), ABC×XYZ (a snapshot of ``panel``
    at ``ts``; leads and clients without a cell are None)."""
    if panel is None:
        return [cards, None]
    snap = snapshot(panel, as_of=ts, window_months=window)
    cell = abc_xyz_matrix(abc(snap), xyz(snap)).clients
    cell = cell.assign(abcxyz=cell["abcxyz"].astype(object).where(cell["abcxyz"] != "none"))
    return [cards, pd.Series(sales.lookup(cell, "abcxyz"), dtype=object)]


def evaluate(
    now: np.ndarray, future: np.ndarray, cells, method: str, settings: CrossSellSettings
) -> dict:
    """One row of the backtest: ``method``'s top picks from the spend ``now`` (the window
    before the cut-off) against the spend over the next horizon (``future``)."""
    scored = scores(now, method, cells, settings.min_peers, settings.seed)
    pos, cat, _ = top(scored, settings.top_n)
    got = future[scored.rows[pos], cat]
    seen = scored.rows
    new = (np.clip(future[seen], 0, None) * (now[seen] <= 0)).sum()
    return {
        METHOD: method,
        CLIENTS: len(np.unique(pos)),
        PAIRS: len(pos),
        HITS: int((got > 0).sum()),
        VALUE_CAPTURED: float(np.clip(got, 0, None).sum()),
        NEW_SPEND: float(new),
    }


def backtest(
    sales: Sales,
    *,
    as_of: pd.Timestamp,
    settings: CrossSellSettings,
    cards: pd.Series | None = None,
    panel=None,
) -> pd.DataFrame:
    """The backtest table (see :class:`~reportkit.analysis.crosssell.codes.CrossSell`): the
    method, the popularity and the random baseline at each cut-off, then pooled."""
    rows = []
    for cut in cutoffs(sales, as_of, settings):
        cells = cells_at(sales, cut, cards, panel, settings.window_months)
        now = spend(sales, months_before(cut, settings.window_months), cut)
        future = spend(sales, cut, months_before(cut, -settings.horizon_months))
        for method in dict.fromkeys((settings.method, POPULARITY, RANDOM)):
            rows.append({CUTOFF: cut, **evaluate(now, future, cells, method, settings)})
    table = pd.DataFrame(rows, columns=_COLUMNS[:5] + [VALUE_CAPTURED, NEW_SPEND])
    if len(table):
        pooled = (
            table.groupby(METHOD, sort=False)[[CLIENTS, PAIRS, HITS, VALUE_CAPTURED, NEW_SPEND]]
            .sum()
            .reset_index()
        )
        pooled.insert(0, CUTOFF, ALL_CUTOFFS)
        table = pd.concat([table.astype({CUTOFF: object}), pooled], ignore_index=True)
    table[HIT_RATE] = table[HITS] / table[PAIRS].where(table[PAIRS] > 0)
    table[SHARE_CAPTURED] = table[VALUE_CAPTURED] / table[NEW_SPEND].where(table[NEW_SPEND] > 0)
    return table[_COLUMNS]


def beats(table: pd.DataFrame, method: str) -> bool | None:
    """Whether ``method`` beat the popularity baseline over the pooled cut-offs: a higher
    value captured and a hit rate at least as high (None without a backtest).

    >>> t = pd.DataFrame({"cutoff": ["all", "all"], "method": ["peers", "popularity"],
    ...                   "hit_rate": [0.4, 0.3], "value_captured": [10.0, 9.0]})
    >>> beats(t, "peers"), beats(t.assign(hit_rate=[0.2, 0.3]), "peers")
    (True, False)
    """
    pooled = table[table[CUTOFF].astype(str) == ALL_CUTOFFS].set_index(METHOD)
    if method not in pooled.index or POPULARITY not in pooled.index:
        return None
    m, b = pooled.loc[method], pooled.loc[POPULARITY]
    if method == POPULARITY:
        return False
    return bool(m[VALUE_CAPTURED] > b[VALUE_CAPTURED] and m[HIT_RATE] >= b[HIT_RATE])
