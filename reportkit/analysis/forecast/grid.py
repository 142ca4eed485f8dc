"""The month grid the forecast reads: revenue of every month split by the clients' status at
every earlier cut-off (lags 1 … 12), and the clients active, seen and new per month and level.

One pass over the panel's rows per lag (a ``searchsorted`` and a ``bincount``), so a backtest at
twelve cut-offs and twelve horizons reads the rows twelve times, not 144.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: a client's status at a cut-off: a purchase row in the 12 months up to it, older rows only,
#: or no row yet
RETAINED, REACTIVATED, NEW = 0, 1, 2
STATUSES = ("retained", "reactivated", "new")


@dataclass(frozen=True)
class Grid:
    """Month × level arrays (month index 0 = the first month of the data).

    Attributes
    ----------
    m0 : int
        The first month (months since 1970-01).
    rev : ndarray, shape (months, max_lag + 1, 3, levels)
        ``rev[m, d, s, l]``: revenue of month m from the clients of level l whose status at the
        end of month m - d was s.
    total : ndarray, shape (months, levels)
        Revenue per month and level.
    active, seen, first : ndarray, shape (months, levels)
        Clients active at the end of the month (a row in the 12 months up to it), seen by then
        (a row at all), and those whose first row is in the month.
    window : int
        The months that make a client active.
    """

    m0: int
    rev: np.ndarray
    total: np.ndarray
    active: np.ndarray
    seen: np.ndarray
    first: np.ndarray
    window: int

    @property
    def n_months(self) -> int:
        return int(self.total.shape[0])

    def calendar(self, m: np.ndarray | int) -> np.ndarray:
        """Calendar month 0 … 11 of month index ``m``."""
        return (np.asarray(m) + self.m0) % 12

    def trailing(self, t: int) -> np.ndarray:
        """Revenue per level over the ``window`` months up to month ``t``."""
        return self.total[max(0, t - self.window + 1) : t + 1].sum(axis=0)


@dataclass(frozen=True)
class Rows:
    """The client-month rows up to the cut-off and each row's status at the lags 1 … max_lag.

    ``code`` (client code), ``mi`` (month index from ``m0``), ``revenue``; ``status[d - 1]`` is
    the row's client's status at the end of month ``mi - d`` (:data:`RETAINED`, ...).
    """

    code: np.ndarray
    mi: np.ndarray
    revenue: np.ndarray
    status: np.ndarray
    m0: int
    n_months: int
    window: int


def row_status(
    code: np.ndarray,
    month: np.ndarray,
    revenue: np.ndarray,
    *,
    last: int,
    max_lag: int,
    window: int = 12,
) -> Rows:
    """The rows (sorted by client code, then month) with their statuses at every lag.

    One ``searchsorted`` per lag: the client's latest row at or before the cut-off decides
    (none: new; within ``window`` months: retained; older: lapsed, to be reactivated).
    ``last`` is the cut-off month (months since 1970-01): the grid runs up to it.
    """
    n = len(code)
    m0 = int(month.min()) if n else last
    mi = (month - m0).astype(np.int64)
    n_months = last - m0 + 1
    code = code.astype(np.int64)
    key = code * n_months + mi
    status = np.empty((max_lag, n), dtype=np.int8)
    for d in range(1, max_lag + 1):
        p = np.searchsorted(key, key - d, side="right") - 1
        pc = np.maximum(p, 0)
        same = (p >= 0) & (code[pc] == code)
        status[d - 1] = np.where(
            ~same, NEW, np.where(mi[pc] >= mi - d - window + 1, RETAINED, REACTIVATED)
        )
    return Rows(code, mi, revenue, status, m0, n_months, window)


def build_grid(rows: Rows, level: np.ndarray, n_levels: int) -> Grid:
    """The grid of ``rows`` split by ``level`` (each row's level code): bincounts only.

    Parameters
    ----------
    rows : Rows
        From :func:`row_status`.
    level : ndarray
        One level code per row.
    n_levels : int
    """
    mi, code, window, n_months = rows.mi, rows.code, rows.window, rows.n_months
    n, max_lag = len(code), rows.status.shape[0]
    lvl = level.astype(np.int64)
    rev = np.zeros(n_months * (max_lag + 1) * 3 * n_levels)
    for d in range(1, max_lag + 1):
        idx = ((mi * (max_lag + 1) + d) * 3 + rows.status[d - 1]) * n_levels + lvl
        rev += np.bincount(idx, weights=rows.revenue, minlength=rev.size)
    total = np.bincount(mi * n_levels + lvl, weights=rows.revenue, minlength=n_months * n_levels)
    start = np.r_[True, code[1:] != code[:-1]] if n else np.zeros(0, bool)
    end_of_client = np.r_[start[1:], True] if n else start
    nxt = np.r_[mi[1:], n_months] if n else mi
    stop = np.where(end_of_client, mi + window, np.minimum(mi + window, nxt))
    size = (n_months + window + 1) * n_levels
    diff = np.bincount(mi * n_levels + lvl, minlength=size) - np.bincount(
        stop * n_levels + lvl, minlength=size
    )
    active = np.cumsum(diff.reshape(-1, n_levels), axis=0)[:n_months]
    first = np.bincount(mi[start] * n_levels + lvl[start], minlength=n_months * n_levels)
    first = first.reshape(n_months, n_levels)
    return Grid(
        m0=rows.m0,
        rev=rev.reshape(n_months, max_lag + 1, 3, n_levels),
        total=total.reshape(n_months, n_levels),
        active=active.astype(np.float64),
        seen=np.cumsum(first, axis=0).astype(np.float64),
        first=first.astype(np.float64),
        window=window,
    )
