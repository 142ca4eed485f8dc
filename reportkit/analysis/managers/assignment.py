"""Who manages whom: each client's manager from its card, else its latest sale, else its latest
activity (the rules are in :mod:`reportkit.analysis.managers`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...io import schema as S
from .common import (
    NO_MANAGER,
    SOURCE_ACTIVITIES,
    SOURCE_CLIENTS,
    SOURCE_NONE,
    SOURCE_TRANSACTIONS,
    _Base,
    _column_positions,
    _dates,
    _ids,
    _names,
    _obj,
    _positions,
    _table,
)


def _latest_manager(pos: np.ndarray, names: np.ndarray, when: np.ndarray, n: int) -> np.ndarray:
    """Per client position 0..n-1, the manager of its latest row (None without one).

    Rows are (client position, manager name or None, datetime). On the latest day of a client,
    the manager with the most rows wins, then the first by name.
    """
    out = np.full(n, None, dtype=object)
    ok = (pos >= 0) & ~pd.isna(names) & ~np.isnat(when)
    if not ok.any():
        return out
    pos, names = pos[ok], names[ok]
    day = when[ok].astype("datetime64[D]").view("int64")
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, pos, day)
    on_last = day == last[pos]
    m_codes, m_uniq = pd.factorize(_obj(names[on_last]))
    m_uniq = _obj(m_uniq)
    alpha = np.empty(len(m_uniq), dtype=np.int64)  # rank of each name by name
    alpha[np.argsort(m_uniq.astype(str), kind="stable")] = np.arange(len(m_uniq))
    key = pos[on_last].astype(np.int64) * len(m_uniq) + m_codes
    pairs, count = np.unique(key, return_counts=True)  # (client, manager) → rows
    p, m = pairs // len(m_uniq), pairs % len(m_uniq)
    order = np.lexsort((alpha[m], -count, p))
    p, m = p[order], m[order]
    first = np.r_[True, p[1:] != p[:-1]]
    out[p[first]] = m_uniq[m[first]]
    return out


def _card_managers(clients: Any, index: pd.Index) -> np.ndarray | None:
    """Each client's manager on its card (a repeated id: its first card); None when the
    clients table names no managers at all (no table, or no ``manager`` column)."""
    if clients is None:
        return None
    cl = _table(clients, "clients", "clients table", [S.CLIENT_ID])
    if S.MANAGER not in cl.columns:
        return None
    pos = _positions(index, _ids(cl[S.CLIENT_ID], "clients"))
    names = _names(cl[S.MANAGER])
    found = np.full(len(index), None, dtype=object)
    ok = (pos >= 0) & ~pd.isna(names)
    found[pos[ok][::-1]] = names[ok][::-1]  # a repeated id: its first card
    return found


def _sale_managers(
    transactions: Any, index: pd.Index, manager: np.ndarray, end: np.datetime64
) -> np.ndarray | None:
    """The manager of the latest sale before ``end`` of each client still without one (None
    elsewhere); None when the transactions name no managers at all."""
    if transactions is None:
        return None
    tx = _table(transactions, "transactions", "transactions table", [S.CLIENT_ID, S.DATE])
    if S.MANAGER not in tx.columns:
        return None
    n = len(index)
    if not pd.isna(manager).any():
        return np.full(n, None, dtype=object)
    sel = tx[S.MANAGER].notna().to_numpy().copy()
    pos, _ = _column_positions(index, tx[S.CLIENT_ID], "transactions")
    sel &= pos >= 0
    sel[sel] = pd.isna(manager[pos[sel]])
    when = _dates(tx.loc[sel, S.DATE], "transactions", S.DATE, allow_missing=True).to_numpy(
        "datetime64[ns]"
    )
    ok = when < end
    return _latest_manager(pos[sel][ok], _names(tx.loc[sel, S.MANAGER])[ok], when[ok], n)


def _assign(
    base: _Base,
    clients: Any,
    transactions: Any,
    log: dict[str, np.ndarray] | None,
    end: np.datetime64,
    notes: list[tuple[str, dict]],
) -> tuple[np.ndarray, pd.DataFrame]:
    """(each client's manager, :data:`NO_MANAGER` when none; the table ``client_id``,
    ``manager``, ``manager_source``)."""
    n = len(base.ids)
    manager = np.full(n, None, dtype=object)
    source = np.full(n, SOURCE_NONE, dtype=object)

    def fill(found: np.ndarray | None, name: str) -> None:
        if found is not None:
            take = pd.isna(manager) & ~pd.isna(found)
            manager[take] = found[take]
            source[take] = name

    card = _card_managers(clients, base.index)
    fill(card, SOURCE_CLIENTS)
    sale = _sale_managers(transactions, base.index, manager, end)
    fill(sale, SOURCE_TRANSACTIONS)
    if log is not None and pd.isna(manager).any():
        fill(_latest_manager(log["pos"], log[S.MANAGER], log[S.CREATED], n), SOURCE_ACTIVITIES)
    any_source = card is not None or sale is not None or log is not None
    if not any_source:
        notes.append(("note.no_manager_data", {}))
    no_mgr = pd.isna(manager)
    manager[no_mgr] = NO_MANAGER
    n_tx, n_act = (
        int((source == SOURCE_TRANSACTIONS).sum()),
        int((source == SOURCE_ACTIVITIES).sum()),
    )
    if n_tx or n_act:
        notes.append(("note.fallback", {"n_tx": n_tx, "n_act": n_act}))
    if no_mgr.any() and any_source:
        notes.append(("note.no_manager", {"n": int(no_mgr.sum()), "share": float(no_mgr.mean())}))
    assignments = pd.DataFrame(
        {
            S.CLIENT_ID: pd.Series(base.ids, dtype=object),
            S.MANAGER: pd.Series(manager, dtype=object),
            S.MANAGER_SOURCE: pd.Series(source, dtype=object),
        }
    )
    return manager, assignments
