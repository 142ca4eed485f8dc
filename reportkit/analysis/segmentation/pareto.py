"""Pareto classes: ABC by revenue or margin, and size tiers with the share of wallet."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from .base import (
    ABC_CLASSES,
    SIZE_BY,
    SIZE_TIERS,
    SegmentResult,
    _categorical,
    _check_cutoffs,
    _check_ids,
    _leads,
    _num,
    _require,
    _summary,
)


# --- Pareto classes (ABC, size tiers) ----------------------------------------------------------
def _desc_order(value: np.ndarray, ids: pd.Series) -> np.ndarray:
    """Positions sorting ``value`` descending, ties by ``ids`` ascending.

    Only the clients whose value is tied with a neighbour have their ids sorted, so this stays
    fast on a million clients.
    """
    order = np.argsort(-value, kind="stable")
    vs = value[order]
    eq = vs[1:] == vs[:-1]
    if eq.any():
        tie = np.zeros(len(vs), dtype=bool)
        tie[1:] |= eq
        tie[:-1] |= eq
        pos = np.flatnonzero(tie)
        by_id = ids.iloc[order[pos]].argsort(kind="stable").to_numpy()
        id_rank = np.empty(len(pos), dtype=np.int64)
        id_rank[by_id] = np.arange(len(pos))
        within = np.lexsort((id_rank, -vs[pos]))
        order[pos] = order[pos][within]
    return order


def _pareto(
    value: np.ndarray,
    ids: pd.Series,
    cutoffs: tuple[float, float],
    cache: dict | None = None,
    key: str = "",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Class codes 0/1/2, share, cumulative share and positive total of ``value``.

    ``cache`` (a dict shared by ABC and size tiers in :func:`segment_all`) keeps the sort of
    ``value`` under ``key``, so the same column is sorted once.
    """
    n = len(value)
    codes = np.full(n, 2, dtype=np.int8)
    cum = np.full(n, np.nan)
    positive = value > 0
    if not positive.any():
        return codes, np.full(n, np.nan), cum, 0.0
    if cache is not None and key in cache:
        order, cs = cache[key]
    else:
        idx = np.flatnonzero(positive)
        order = idx[_desc_order(value[idx], ids.iloc[idx] if len(idx) < n else ids)]
        cs = np.cumsum(value[order])
        if cache is not None:
            cache[key] = (order, cs)
    total = float(cs[-1])
    before = np.concatenate(([0.0], cs[:-1]))
    tol = 1e-9 * total
    lo, hi = cutoffs
    codes[order] = np.where(
        before < lo * total - tol, 0, np.where(before < hi * total - tol, 1, 2)
    ).astype(np.int8)
    cum[order] = cs / total
    return codes, value / total, cum, total


def _ids(snapshot: pd.DataFrame) -> pd.Series:
    return snapshot[S.CLIENT_ID].reset_index(drop=True)


def _abc_core(
    snapshot: pd.DataFrame, by: str, cutoffs: tuple[float, float], cache: dict | None = None
) -> SegmentResult:
    col = S.REVENUE_WINDOW if by == "revenue" else S.MARGIN_WINDOW
    value = np.nan_to_num(_num(snapshot, col), nan=0.0)
    leads = _leads(snapshot)
    value[leads] = 0.0
    codes, share, cum, total = _pareto(value, _ids(snapshot), cutoffs, cache, col)
    notes: list[tuple[str, dict]] = []
    if total <= 0 and len(value):
        notes.append(("abc_nothing_positive", {"by": by}))
    elif value.sum() <= 0:
        notes.append(("abc_net_not_positive", {"by": by, "n": int((value > 0).sum())}))
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.VALUE: value,
            S.SHARE: share,
            S.CUM_SHARE: cum,
            S.ABC: _categorical(codes, ABC_CLASSES),
        }
    )
    summary = _summary(S.ABC, codes, ABC_CLASSES, {S.VALUE: value}, {S.VALUE_SHARE: S.VALUE})
    return SegmentResult("abc", clients, summary, tuple(notes), {"by": by, "cutoffs": cutoffs})


def abc(
    snapshot: pd.DataFrame, *, by: str = "revenue", cutoffs: Sequence[float] = (0.80, 0.95)
) -> SegmentResult:
    """ABC classes by revenue (or margin) over the window.

    Clients are sorted by value, largest first (ties by ``client_id``); A = the clients that make
    the first 80 % of the positive total, B = the next 15 %, C = the rest. The client that crosses
    a cut-off belongs to the upper class (one client with 85 % is A; a client ending exactly at
    80 % is A). Clients with zero or negative value, and leads, are C. If no client has a positive
    value (a base of returns only) everyone is C and ``notes`` says so.

    Parameters
    ----------
    snapshot : DataFrame
        The client snapshot; uses ``client_id``, ``revenue_window`` (or ``margin_window``) and
        ``is_lead`` (optional).
    by : {"revenue", "margin"}, default "revenue"
        ``revenue_window`` or ``margin_window`` (the latter exists only when the transactions carry
        a margin).
    cutoffs : (float, float), default (0.80, 0.95)
        Cumulative shares that close class A and class B.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id``; ``value`` (the amount ranked, NaN → 0, leads 0); ``share``
        (value / positive total, NaN when there is none); ``cum_share`` (cumulative share up to
        and including the client, NaN for clients with value <= 0); ``abc`` (A/B/C).
        ``summary``: ``abc, n_clients, client_share, value, value_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": ["a", "b", "c", "d"],
    ...                      "revenue_window": [50.0, 30.0, 15.0, 5.0]})
    >>> abc(snap).clients["abc"].tolist()
    ['A', 'A', 'B', 'C']
    """
    what = "abc()"
    check_param(by in ("revenue", "margin"), "by", "'revenue' or 'margin'", by)
    cut = _check_cutoffs(cutoffs, "cutoffs")
    if (
        by == "margin"
        and isinstance(snapshot, pd.DataFrame)
        and S.MARGIN_WINDOW not in snapshot.columns
    ):
        raise InputError(
            "abc(by='margin') needs the snapshot column margin_window, which exists "
            "only when the transactions carry a margin column; load transactions "
            "with a margin or use by='revenue'."
        )
    col = S.REVENUE_WINDOW if by == "revenue" else S.MARGIN_WINDOW
    _require(snapshot, [col], what)
    _check_ids(snapshot, what)
    return _abc_core(snapshot, by, cut)


# --- size tiers and share of wallet -------------------------------------------------------------
def _potential(clients: pd.DataFrame | None, snapshot: pd.DataFrame) -> np.ndarray | None:
    if clients is None:
        return None
    if not isinstance(clients, pd.DataFrame):
        raise InputError(
            f"`clients` must be the clients table (a DataFrame) or None, got "
            f"{type(clients).__name__}."
        )
    if S.CLIENT_ID not in clients.columns:
        raise InputError(
            "`clients` has no client_id column; pass the clients table of the "
            "Dataset (reportkit.load(...).clients)."
        )
    if S.POTENTIAL not in clients.columns:
        return None
    pot = _num(clients, S.POTENTIAL, where="clients")
    ids = clients[S.CLIENT_ID]
    known = ~np.isnan(pot)
    dup = ids[known].duplicated()
    if dup.any():
        examples = ", ".join(map(repr, ids[known][dup].unique()[:3].tolist()))
        raise InputError(
            f"clients table: {int(dup.sum())} client_id values with a potential "
            f"repeat (e.g. {examples}); keep one potential per client."
        )
    return _lookup(snapshot[S.CLIENT_ID], ids[known], pot[known])


def _lookup(keys: pd.Series, ids: pd.Series, values: np.ndarray) -> np.ndarray:
    """``values`` of ``ids`` (unique) for every key; NaN where a key is not among ``ids``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # a C++ hash join, several times faster than pandas reindex on a million strings
        key_arr, id_arr = (
            pa.array(s.array if hasattr(s.array, "__arrow_array__") else s.to_numpy())
            for s in (keys, ids)
        )
        if id_arr.type != key_arr.type:
            id_arr = id_arr.cast(key_arr.type)
        pos = pc.index_in(key_arr, value_set=id_arr).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, TypeError, ValueError):
        series = pd.Series(values, index=ids.to_numpy())
        return series.reindex(keys.to_numpy()).to_numpy(dtype=float)
    pos = np.asarray(pos, dtype=float)
    found = ~np.isnan(pos)
    out = np.full(len(keys), np.nan)
    out[found] = values[pos[found].astype(np.int64)]
    return out


def _size_core(
    snapshot: pd.DataFrame,
    cutoffs: tuple[float, float],
    by: str,
    potential: np.ndarray | None,
    cache: dict | None = None,
) -> SegmentResult:
    value = np.nan_to_num(_num(snapshot, by), nan=0.0)
    leads = _leads(snapshot)
    value[leads] = 0.0
    codes, share, cum, total = _pareto(value, _ids(snapshot), cutoffs, cache, by)
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.VALUE: value,
            S.SHARE: share,
            S.CUM_SHARE: cum,
            S.SIZE_TIER: _categorical(codes, SIZE_TIERS),
        }
    )
    amounts: dict[str, np.ndarray] = {S.VALUE: value}
    notes: list[tuple[str, dict]] = []
    if total <= 0 and len(value):
        notes.append(("size_nothing_positive", {"by": by}))
    if potential is not None:
        revenue = np.nan_to_num(_num(snapshot, S.REVENUE_WINDOW), nan=0.0)
        known = potential > 0
        pot = np.where(known, potential, np.nan)
        with np.errstate(invalid="ignore"):
            sow = np.where(known, revenue / pot, np.nan)
            unreal = np.where(known, np.maximum(pot - np.maximum(revenue, 0.0), 0.0), np.nan)
        clients[S.POTENTIAL] = pot
        clients[S.SHARE_OF_WALLET] = sow
        clients[S.UNREALISED_POTENTIAL] = unreal
        amounts[S.POTENTIAL] = pot
        amounts["_revenue_with_potential"] = np.where(known, revenue, 0.0)
        amounts[S.UNREALISED_POTENTIAL] = unreal
        if not known.any():
            notes.append(("wallet_no_potential", {}))
    summary = _summary(S.SIZE_TIER, codes, SIZE_TIERS, amounts, {S.VALUE_SHARE: S.VALUE})
    if potential is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            summary[S.SHARE_OF_WALLET] = np.where(
                summary[S.POTENTIAL] > 0,
                summary["_revenue_with_potential"] / summary[S.POTENTIAL],
                np.nan,
            )
        summary = summary.drop(columns="_revenue_with_potential")
        cols = [c for c in summary.columns if c not in (S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL)]
        summary = summary[cols + [S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL]]
    return SegmentResult("size", clients, summary, tuple(notes), {"by": by, "cutoffs": cutoffs})


def size_tiers(
    snapshot: pd.DataFrame,
    *,
    cutoffs: Sequence[float] = (0.80, 0.95),
    by: str = S.REVENUE_WINDOW,
    clients: pd.DataFrame | None = None,
) -> SegmentResult:
    """Large / medium / small clients by cumulative share, and share of wallet.

    Tiers follow the ABC rule on ``by``: large = the clients making the first 80 % of the
    positive total, medium = the next 15 %, small = the rest (and leads). When ``clients``
    carries ``potential`` (the client's annual purchasing potential, assumed comparable with
    the window's revenue), ``share_of_wallet = revenue_window / potential`` (may exceed 1 when the
    potential is understated) and ``unrealised_potential = max(potential − max(revenue_window, 0),
    0)``: returns do not make the unrealised potential larger than the potential. A potential that
    is missing or <= 0 leaves both NaN.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id``, the ``by`` column, ``revenue_window`` (for share of wallet) and
        ``is_lead`` (optional).
    cutoffs : (float, float), default (0.80, 0.95)
        Cumulative shares closing the large and medium tiers.
    by : str, default "revenue_window"
        One of ``revenue_window``, ``best12_revenue``, ``revenue_total``, ``margin_window``.
    clients : DataFrame or None, default None
        The clients table; only ``client_id`` and ``potential`` are used.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, value, share, cum_share, size_tier`` and, with a potential,
        ``potential, share_of_wallet, unrealised_potential``. ``summary``: ``size_tier,
        n_clients, client_share, value, value_share`` and, with a potential, ``potential``
        (sum), ``share_of_wallet`` (revenue of the clients with a potential / their potential),
        ``unrealised_potential`` (sum).

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                      "revenue_window": [80.0, 15.0, 5.0]})
    >>> crm = pd.DataFrame({"client_id": ["a", "b"], "potential": [100.0, 60.0]})
    >>> res = size_tiers(snap, clients=crm)
    >>> res.clients[["size_tier", "share_of_wallet", "unrealised_potential"]].values.tolist()
    [['large', 0.8, 20.0], ['medium', 0.25, 45.0], ['small', nan, nan]]
    """
    what = "size_tiers()"
    cut = _check_cutoffs(cutoffs, "cutoffs")
    check_param(by in SIZE_BY, "by", f"one of {', '.join(map(repr, SIZE_BY))}", by)
    _require(snapshot, [by, S.REVENUE_WINDOW], what)
    _check_ids(snapshot, what)
    return _size_core(snapshot, cut, by, _potential(clients, snapshot))
