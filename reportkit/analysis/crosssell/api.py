"""The entry point :func:`cross_sell`: backtest, choose, recommend at the report date."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import InputError
from ...io.schema import AMOUNT, CATEGORY, CLIENT_ID, DATE, MANAGER, NAME
from .backtest import backtest, beats, cells_at, months_before
from .codes import (
    ALSO_BOUGHT,
    CATEGORIES_BOUGHT,
    COOCCURRENCE,
    DEFAULT_SETTINGS,
    EXPECTED_VALUE,
    EXPECTED_VALUE_TOP,
    GAPS,
    LEVELS,
    P_STAY,
    PEER_CELL,
    PEER_LEVEL,
    PEERS,
    PEERS_BUY,
    PEERS_N,
    PENETRATION,
    POPULAR,
    POPULARITY,
    RANK,
    REASON,
    TOP_CATEGORY,
    TYPICAL_SPEND,
    CrossSell,
    CrossSellSettings,
)
from .matrix import Sales, prepare, spend
from .peers import Scored, card_cells, scores, top

_REASON = {PEERS: PEERS_BUY, POPULARITY: POPULAR, COOCCURRENCE: ALSO_BOUGHT}


def _p_stay(sales: Sales, churn: pd.DataFrame | None) -> np.ndarray:
    """1 − churn probability per client (1 where the client was not scored)."""
    if churn is None or "churn_probability" not in churn.columns:
        return np.ones(len(sales.ids))
    p = sales.lookup(churn, "churn_probability", np.nan).astype(float)
    return np.where(np.isfinite(p), 1.0 - np.clip(p, 0.0, 1.0), 1.0)


def _recommend(
    sales: Sales, scored: Scored, used: str, p_stay: np.ndarray, top_n: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """The top picks of ``scored`` as the long table of :attr:`CrossSell.recommendations`,
    and each pick's row position in ``scored``."""
    pos, cat, rank = top(scored, top_n)
    row = scored.rows[pos]
    pen, typical = scored.penetration[pos, cat], scored.typical[pos, cat]
    if used == COOCCURRENCE:  # the probability is the co-occurrence's, the spend the base's
        pen = scored.score[pos, cat] / np.where(typical > 0, typical, np.nan)
    out = pd.DataFrame(
        {
            CLIENT_ID: sales.ids[row],
            RANK: rank,
            CATEGORY: sales.categories[cat],
            EXPECTED_VALUE: np.round(pen * typical * p_stay[row], 2),
            TYPICAL_SPEND: typical,
            PENETRATION: pen,
            P_STAY: p_stay[row],
            PEER_LEVEL: scored.level[pos],
            PEER_CELL: scored.cell[pos],
            PEERS_N: scored.peers[pos],
            REASON: _REASON[used],
        }
    )
    return out, pos


def _clients(
    sales: Sales,
    now: np.ndarray,
    scored: Scored,
    rec: pd.DataFrame,
    pos: np.ndarray,
    p_stay: np.ndarray,
) -> pd.DataFrame:
    """One row per active client (see :class:`CrossSell`); ``pos`` = the recommendations' rows
    in ``scored``."""
    rows = scored.rows
    first = np.full(len(rows), None, dtype=object)
    best = rec[RANK].to_numpy() == 1
    first[pos[best]] = rec[CATEGORY].to_numpy(dtype=object)[best]
    total = np.bincount(pos, weights=rec[EXPECTED_VALUE].to_numpy(), minlength=len(rows))
    return pd.DataFrame(
        {
            CLIENT_ID: sales.ids[rows],
            PEER_LEVEL: scored.level,
            PEER_CELL: scored.cell,
            PEERS_N: scored.peers,
            CATEGORIES_BOUGHT: (now[rows] > 0).sum(axis=1),
            GAPS: np.isfinite(scored.score).sum(axis=1),
            P_STAY: p_stay[rows],
            TOP_CATEGORY: first,
            EXPECTED_VALUE_TOP: np.round(total, 2),
        }
    )


def _contacts(sales: Sales, clients: pd.DataFrame | None, rows: np.ndarray) -> pd.DataFrame:
    """The name and manager of the client at each of ``rows`` of ``sales`` (one row per
    recommendation): the card's, else the manager of the latest sale."""
    n = len(sales.ids)
    name, manager = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    if clients is not None:
        cols = [c for c in (NAME, MANAGER) if c in clients.columns]
        found = dict(zip(cols, sales.lookup_many(clients, cols), strict=True))
        name = found.get(NAME, name)
        manager = found.get(MANAGER, manager)
    if sales.last_manager is not None:
        manager = np.where(pd.isna(manager), sales.last_manager, manager)
    return pd.DataFrame({NAME: name[rows], MANAGER: manager[rows]})


def _notes(
    won: bool | None, cells: list, churn: pd.DataFrame | None, settings: CrossSellSettings
) -> list[tuple[str, dict[str, Any]]]:
    """What the result assumed or could not do (see :class:`CrossSell`)."""
    notes: list[tuple[str, dict[str, Any]]] = []
    if won is False:
        notes.append(("baseline_used", {"method": settings.method, "baseline": POPULARITY}))
    if won is None:
        notes.append(("no_backtest", {"months": settings.min_history_months}))
    if cells[0] is None or cells[0].isna().all():
        notes.append(("no_peer_cards", {}))
    if cells[1] is None:
        notes.append(("no_cells", {}))
    if churn is None:
        notes.append(("no_churn", {}))
    return notes


def cross_sell(
    transactions: pd.DataFrame,
    *,
    as_of: Any,
    clients: pd.DataFrame | None = None,
    panel: Any = None,
    churn: pd.DataFrame | None = None,
    settings: CrossSellSettings = DEFAULT_SETTINGS,
) -> CrossSell:
    """Each active client's white space as of ``as_of`` (see the package docstring).

    Parameters
    ----------
    transactions : DataFrame
        Sales lines: ``client_id``, ``date``, ``amount``, ``category`` (``manager`` for the
        action list, optional).
    as_of : date
        The report date (inclusive); the backtest's cut-offs are before it.
    clients : DataFrame, optional
        The cards: ``industry`` and ``size`` make the first peer level; ``name`` and
        ``manager`` go on the action list.
    panel : Panel, optional
        ``build_panel(dataset)``: the ABC×XYZ cells at each date (the second level).
    churn : DataFrame, optional
        ``client_id``, ``churn_probability`` (the audit's scores); without it every client's
        chance of staying is 1.
    settings : CrossSellSettings, default DEFAULT_SETTINGS

    Returns
    -------
    CrossSell

    Raises
    ------
    InputError
        The transactions lack a column it needs.
    """
    missing = [c for c in (CLIENT_ID, DATE, AMOUNT, CATEGORY) if c not in transactions.columns]
    if missing:
        raise InputError(f"cross-sell needs the columns {missing}")
    if settings.method not in (PEERS, COOCCURRENCE):
        raise InputError(f"cross-sell method {settings.method!r}: use 'peers' or 'cooccurrence'")
    ts = parse_as_of(as_of)
    sales = prepare(transactions)
    cards = card_cells(sales, clients)
    table = backtest(sales, as_of=ts, settings=settings, cards=cards, panel=panel)
    won = beats(table, settings.method)
    used = POPULARITY if won is False else settings.method
    cells = cells_at(sales, ts, cards, panel, settings.window_months)
    now = spend(sales, months_before(ts, settings.window_months), ts)
    scored = scores(now, used, cells, settings.min_peers, settings.seed)
    p_stay = _p_stay(sales, churn)
    rec, pos = _recommend(sales, scored, used, p_stay, settings.top_n)
    frame = _clients(sales, now, scored, rec, pos, p_stay)
    summary = {
        "method": settings.method,
        "used": used,
        "beats_baseline": won,
        "as_of": ts,
        "clients": len(frame),
        "recommended_clients": int(rec[CLIENT_ID].nunique()),
        "recommendations": len(rec),
        "expected_value": float(rec[EXPECTED_VALUE].sum()),
        "categories": len(sales.categories),
        "levels": {lv: int((frame[PEER_LEVEL] == lv).sum()) for lv in LEVELS},
        "churn_scored": 0
        if churn is None
        else int(frame[CLIENT_ID].isin(churn[CLIENT_ID].astype(str)).sum()),
    }
    return CrossSell(
        clients=frame,
        recommendations=rec,
        backtest=table,
        summary=summary,
        notes=_notes(won, cells, churn, settings),
        params=asdict(settings),
        contacts=_contacts(sales, clients, scored.rows[pos]),
    )
