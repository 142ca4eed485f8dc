"""The client × category spend matrices every step reads: the sales factorised once, then the
net spend of each client on each category over any span of days (one ``np.bincount``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...io.schema import AMOUNT, CATEGORY, CLIENT_ID, DATE, MANAGER


@dataclass(frozen=True)
class Sales:
    """The sales lines as codes: ``client`` and ``category`` index :attr:`ids` and
    :attr:`categories`; ``day`` is days since the epoch."""

    ids: np.ndarray
    categories: np.ndarray
    client: np.ndarray
    category: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    #: per client, the manager of its latest sale (None without one)
    last_manager: np.ndarray | None = None
    #: :attr:`ids` as a string Series (what :meth:`positions` factorises)
    keys: pd.Series | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(clients, categories)."""
        return len(self.ids), len(self.categories)

    def lookup(self, frame: pd.DataFrame, column: str, missing: Any = None) -> np.ndarray:
        """``frame[column]`` for each client of :attr:`ids` (by ``client_id``, the first row of
        a repeated id), ``missing`` where the client is not in ``frame`` or the value is NA.

        >>> s = prepare(pd.DataFrame({"client_id": ["a", "b"], "category": ["x", "x"],
        ...     "date": pd.to_datetime(["2024-01-01"] * 2), "amount": [1.0, 2]}))
        >>> s.lookup(pd.DataFrame({"client_id": ["b", "b"], "v": [5, 6]}), "v").tolist()
        [None, 5]
        """
        return self.lookup_many(frame, [column], missing)[0]

    def positions(self, keys: pd.Series) -> np.ndarray:
        """For each client of :attr:`ids`, the position of its first row in ``keys`` (-1 when
        absent): one factorisation of the ids and the keys together, which is cheaper than an
        index lookup of string keys.

        >>> s = prepare(pd.DataFrame({"client_id": ["a", "b"], "category": ["x", "x"],
        ...     "date": pd.to_datetime(["2024-01-01"] * 2), "amount": [1.0, 2]}))
        >>> s.positions(pd.Series(["c", "b", "a", "b"])).tolist()
        [2, 1]
        """
        n = len(self.ids)
        mine = pd.Series(self.ids, dtype="str") if self.keys is None else self.keys
        both = pd.concat([mine, keys.astype("str")], ignore_index=True)
        code = pd.factorize(both, sort=False)[0][n:]
        found = np.flatnonzero(code < n)[::-1]  # the first row of a key is written last
        pos = np.full(n, -1, dtype=np.int64)
        pos[code[found]] = found
        return pos

    def lookup_many(
        self, frame: pd.DataFrame, columns: list[str], missing: Any = None
    ) -> list[np.ndarray]:
        """:meth:`lookup` of several columns (the ids matched once)."""
        pos = self.positions(frame[CLIENT_ID])
        hit = pos >= 0
        out = []
        for column in columns:
            values = frame[column].to_numpy(dtype=object)[pos[hit]]
            col = np.full(len(pos), missing, dtype=object)
            col[hit] = np.where(pd.isna(values), missing, values)
            out.append(col)
        return out


def prepare(transactions: pd.DataFrame) -> Sales:
    """Factorise the sales lines that have a client, a date, an amount and a category.

    >>> tx = pd.DataFrame({"client_id": ["b", "a", "b"], "category": ["x", "y", None],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 3), "amount": [1.0, 2, 3]})
    >>> s = prepare(tx)
    >>> list(s.ids), list(s.categories), s.client.tolist(), s.category.tolist()
    (['a', 'b'], ['x', 'y'], [1, 0], [0, 1])
    """
    tx = transactions[[CLIENT_ID, DATE, AMOUNT, CATEGORY]]
    amount = pd.to_numeric(tx[AMOUNT], errors="coerce").to_numpy(dtype=float)
    date = pd.to_datetime(tx[DATE], errors="coerce")
    ok = tx[CLIENT_ID].notna().to_numpy() & tx[CATEGORY].notna().to_numpy()
    ok &= np.isfinite(amount) & date.notna().to_numpy()
    client, ids = pd.factorize(tx[CLIENT_ID][ok].astype("str"), sort=True)
    category, cats = pd.factorize(tx[CATEGORY][ok].astype(str), sort=True)
    day = date[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
    client = client.astype(np.int64)
    last = None
    if MANAGER in transactions.columns:
        last = _last_manager(transactions[MANAGER][ok], client, day, len(ids))
    return Sales(
        np.asarray(ids, dtype=object),
        np.asarray(cats, dtype=object),
        client,
        category.astype(np.int64),
        day,
        amount[ok],
        last,
        pd.Series(ids, dtype="str"),
    )


def _last_manager(manager: pd.Series, client: np.ndarray, day: np.ndarray, n: int) -> np.ndarray:
    """Per client, the manager of its latest sale with a manager (the last such line when
    several share the day); None without one."""
    code, names = pd.factorize(manager)
    has = code >= 0
    c, d, m = client[has], day[has], code[has]
    out = np.full(n, None, dtype=object)
    if not len(c):
        return out
    latest = pd.Series(d).groupby(c).max()
    top = np.full(n, np.iinfo(np.int64).min)
    top[latest.index.to_numpy()] = latest.to_numpy()
    on_last = np.flatnonzero(d == top[c])[::-1]
    who, first = np.unique(c[on_last], return_index=True)
    out[who] = np.asarray(names, dtype=object)[m[on_last[first]]]
    return out


def day_of(ts: pd.Timestamp) -> int:
    """Days since the epoch of a date."""
    return int(np.datetime64(pd.Timestamp(ts).normalize(), "D").astype(np.int64))


def spend(sales: Sales, after: pd.Timestamp, until: pd.Timestamp) -> np.ndarray:
    """Net spend (clients × categories) over the days in (``after``, ``until``].

    >>> tx = pd.DataFrame({"client_id": ["a", "a", "b"], "category": ["x", "x", "y"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01"]),
    ...                    "amount": [1.0, 2, 3]})
    >>> spend(prepare(tx), pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-01")).tolist()
    [[2.0, 0.0], [0.0, 3.0]]
    """
    n, k = sales.shape
    sel = (sales.day > day_of(after)) & (sales.day <= day_of(until))
    flat = sales.client[sel] * k + sales.category[sel]
    out = np.bincount(flat, weights=sales.amount[sel], minlength=n * k)
    return np.round(out, 2).reshape(n, k)
