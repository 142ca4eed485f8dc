"""The client × category spend matrices every step reads: the sales factorised once, then the
net spend of each client on each category over any span of days (one ``np.bincount``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...io.schema import AMOUNT, CATEGORY, CLIENT_ID, DATE


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

    @property
    def shape(self) -> tuple[int, int]:
        """(clients, categories)."""
        return len(self.ids), len(self.categories)


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
    client, ids = pd.factorize(tx[CLIENT_ID][ok].astype(str), sort=True)
    category, cats = pd.factorize(tx[CATEGORY][ok].astype(str), sort=True)
    day = date[ok].to_numpy().astype("datetime64[D]").astype(np.int64)
    return Sales(
        np.asarray(ids, dtype=object),
        np.asarray(cats, dtype=object),
        client.astype(np.int64),
        category.astype(np.int64),
        day,
        amount[ok],
    )


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
