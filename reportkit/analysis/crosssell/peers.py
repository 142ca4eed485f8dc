"""Peers and scores: each active client's peer cell (industry × size, else ABC×XYZ, else the
whole base), the peers' penetration and typical spend per category, and the scores of the four
methods (peers, co-occurrence, popularity, random) as client × category matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...io.schema import CLIENT_ID, INDUSTRY, SIZE
from .codes import ABCXYZ, BASE, COOCCURRENCE, INDUSTRY_SIZE, PEERS, POPULARITY, RANDOM
from .matrix import Sales

#: the label of a client without a cell at a level
_NONE = -1


@dataclass(frozen=True)
class Scored:
    """A method's view of the active clients (rows of :attr:`rows`): ``score`` ranks the
    candidates (-inf where the category is not one), ``penetration`` and ``typical`` value
    them, ``level``/``cell``/``peers`` say where the figures come from."""

    rows: np.ndarray
    score: np.ndarray
    penetration: np.ndarray
    typical: np.ndarray
    level: np.ndarray
    cell: np.ndarray
    peers: np.ndarray


def card_cells(sales: Sales, clients: pd.DataFrame | None) -> pd.Series | None:
    """``industry × size`` per client of ``sales`` (None where either is missing); None
    without those columns.

    >>> from reportkit.analysis.crosssell.matrix import prepare
    >>> s = prepare(pd.DataFrame({"client_id": ["a", "b", "c"], "category": "x",
    ...     "date": pd.to_datetime(["2024-01-01"] * 3), "amount": 1.0}))
    >>> cards = pd.DataFrame({"client_id": ["a", "b"], "industry": ["Retail", None],
    ...                       "size": ["small", "large"]})
    >>> card_cells(s, cards).tolist()
    ['Retail × small', None, None]
    """
    if clients is None or not {INDUSTRY, SIZE} <= set(clients.columns):
        return None
    cards = clients.drop_duplicates(CLIENT_ID)
    ind, size = cards[INDUSTRY], cards[SIZE]
    label = (ind.astype(str) + " × " + size.astype(str)).where(ind.notna() & size.notna())
    return pd.Series(sales.lookup(cards.assign(_cell=label), "_cell"), dtype=object)


def _codes(labels: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for none) and the distinct labels."""
    if labels is None:
        return np.full(n, _NONE), np.array([], dtype=object)
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _stats(code: np.ndarray, n_cells: int, spend: np.ndarray, bought: np.ndarray, active):
    """Members, buyers (cells × categories) and the buyers' median spend, over active clients."""
    k = spend.shape[1]
    member = active & (code >= 0)
    members = np.bincount(code[member], minlength=n_cells)
    rows, cols = np.nonzero(bought & member[:, None])
    flat = code[rows] * k + cols
    buyers = np.bincount(flat, minlength=n_cells * k).reshape(n_cells, k)
    median = np.full(n_cells * k, np.nan)
    if len(flat):
        med = pd.Series(spend[rows, cols]).groupby(flat).median()
        median[med.index.to_numpy()] = med.to_numpy()
    return members, buyers, median.reshape(n_cells, k)


def peer_scores(
    spend: np.ndarray,
    cells: list[pd.Series | None],
    min_peers: int,
) -> Scored:
    """The peers method: each active client's first level (of ``cells``, then the base) whose
    cell has at least ``min_peers`` other active clients; penetration = the share of those
    others who buy the category, typical spend = their buyers' median spend; score =
    penetration × typical spend (-inf where the client buys it or no peer does).

    >>> spend = np.array([[5.0, 1], [4, 0], [0, 2], [3, 0]])
    >>> s = peer_scores(spend, [], min_peers=2)
    >>> s.penetration[1].tolist(), s.typical[1].tolist(), s.score[1].tolist()
    ([0.6666666666666666, 0.6666666666666666], [4.0, 1.5], [-inf, 1.0])
    """
    n, k = spend.shape
    bought = spend > 0
    active = spend.sum(axis=1) > 0
    level = np.full(n, BASE, dtype=object)
    cell = np.full(n, "", dtype=object)
    pen = np.zeros((n, k))
    typical = np.full((n, k), np.nan)
    peers = np.zeros(n, dtype=np.int64)
    todo = active.copy()
    levels = [*zip((INDUSTRY_SIZE, ABCXYZ), cells, strict=False), (BASE, None)]
    for name, labels in levels:
        if name == BASE:
            code, uniques = np.where(active, 0, _NONE), np.array([""], dtype=object)
        else:
            code, uniques = _codes(labels, n)
        members, buyers, median = _stats(code, len(uniques), spend, bought, active)
        ok = todo & (code >= 0)
        ok[ok] = members[code[ok]] - 1 >= (min_peers if name != BASE else 1)
        c = code[ok]
        others = members[c] - 1
        pen[ok] = (buyers[c] - bought[ok]) / others[:, None]
        typical[ok] = median[c]
        level[ok], cell[ok], peers[ok] = name, uniques[c], others
        todo &= ~ok
    score = np.where(~bought & (pen > 0), pen * np.nan_to_num(typical), -np.inf)
    rows = np.flatnonzero(active & (peers > 0))
    return Scored(rows, score[rows], pen[rows], typical[rows], level[rows], cell[rows], peers[rows])


def base_scores(spend: np.ndarray, method: str, seed: int = 0) -> Scored:
    """The base-wide methods: ``popularity`` (score = the share of the other active clients who
    buy the category), ``cooccurrence`` (score = the mean over the client's categories i of
    P(buys j | buys i), × the buyers' median spend) or ``random`` (a seeded uniform draw).
    Penetration and typical spend are the whole base's; only categories the client does not
    buy and someone else does are candidates.

    >>> spend = np.array([[5.0, 1, 0], [4, 0, 0], [0, 2, 0], [3, 0, 7]])
    >>> s = base_scores(spend, "popularity")
    >>> s.score[1].round(3).tolist()
    [-inf, 0.667, 0.333]
    >>> base_scores(spend, "cooccurrence").score[2].round(3).tolist()
    [2.0, -inf, -inf]
    """
    base = peer_scores(spend, [], min_peers=1)
    bought = spend[base.rows] > 0
    candidate = np.isfinite(base.score)
    if method == POPULARITY:
        score = base.penetration
    elif method == RANDOM:
        score = np.random.default_rng(seed).random(bought.shape)
    elif method == COOCCURRENCE:
        b = bought.astype(float)
        together = b.T @ b  # together[i, j] = clients buying both
        cond = together / np.maximum(np.diag(together), 1)[:, None]  # P(j | i)
        prob = (b @ cond) / np.maximum(b.sum(axis=1), 1)[:, None]
        score = prob * np.nan_to_num(base.typical)
        candidate &= prob > 0
    else:
        raise ValueError(f"unknown method {method!r}")
    score = np.where(candidate, score, -np.inf)
    return Scored(
        base.rows, score, base.penetration, base.typical, base.level, base.cell, base.peers
    )


def scores(
    spend: np.ndarray, method: str, cells: list[pd.Series | None], min_peers: int, seed: int = 0
) -> Scored:
    """The scores of ``method`` (one of :data:`~reportkit.analysis.crosssell.codes.METHODS`)."""
    if method == PEERS:
        return peer_scores(spend, cells, min_peers)
    return base_scores(spend, method, seed)


def top(scored: Scored, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n`` best candidates per client: (row positions in ``scored``, category codes,
    rank 1…), best first; clients with fewer candidates get fewer.

    >>> s = Scored(np.array([7]), np.array([[1.0, -np.inf, 3, 2]]), *([None] * 5))
    >>> [a.tolist() for a in top(s, 2)]
    [[0, 0], [2, 3], [1, 2]]
    """
    if not len(scored.score):
        empty = np.array([], dtype=np.int64)
        return empty, empty, empty
    order = np.argsort(-scored.score, axis=1, kind="stable")[:, :n]
    ok = np.isfinite(np.take_along_axis(scored.score, order, axis=1))
    pos, rank = np.nonzero(ok)
    return pos, order[pos, rank], rank + 1
