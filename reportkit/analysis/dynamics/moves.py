"""Migration: the moves of clients between lifecycle blocks from one date to a later one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ...core.dates import parse_as_of
from ...core.snapshot import snapshot
from ...errors import InputError, check_param
from ...io.config import LifecycleRules
from ...io.schema import (
    BLOCK,
    BLOCK_FROM,
    BLOCK_TO,
    CLIENT_ID,
    N_CLIENTS,
    REVENUE_FROM,
    REVENUE_TO,
    REVENUE_WINDOW,
)
from ..lifecycle import BLOCKS, Lifecycle, classify
from .history import (
    _DEFAULT_RULES,
    _freq,
)
from .trend import _no_clients

NONE = "none"  # migration: not a client at that date


# --- migration ------------------------------------------------------------------------------------


@dataclass
class Migration:
    """Moves of clients between lifecycle blocks from one date to a later one.

    Attributes
    ----------
    summary : DataFrame
        The moves: non-empty cells only, in block order: ``block_from`` (``none`` = not yet
        known at the earlier date), ``block_to``, ``n_clients``, ``revenue_from`` (their revenue
        over the window as of the earlier date), ``revenue_to`` (as of the later date).
    before, after : Timestamp
    clients : DataFrame
        One row per client known at either date, by ``client_id``: ``client_id``,
        ``block_from``, ``block_to``, ``revenue_from``, ``revenue_to`` (``none`` and 0 where the
        client was not known). Empty (a ``client_id`` column only) when the moves were given
        without it.
    notes : tuple of (code, params)
        None so far.
    params : dict
        The settings: the ``rules`` of the later classification; :func:`migration` adds
        ``freq`` and ``window_months``.
    """

    summary: pd.DataFrame
    before: pd.Timestamp | None = None
    after: pd.Timestamp | None = None
    clients: pd.DataFrame = field(default_factory=_no_clients)
    notes: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)

    def matrix(self, value: str = N_CLIENTS) -> pd.DataFrame:
        """Full matrix (rows: block at the earlier date, columns: at the later date).

        ``value`` is ``n_clients``, ``revenue_from`` or ``revenue_to``. The ``none`` row (new
        clients and leads) is always there; a ``none`` column only when a client disappeared.
        """
        check_param(
            value in (N_CLIENTS, REVENUE_FROM, REVENUE_TO),
            "value",
            "'n_clients', 'revenue_from' or 'revenue_to'",
            value,
        )
        rows = [NONE, *BLOCKS]
        cols = list(BLOCKS) + ([NONE] if (self.summary[BLOCK_TO] == NONE).any() else [])
        m = self.summary.pivot_table(
            index=BLOCK_FROM, columns=BLOCK_TO, values=value, aggfunc="sum", observed=False
        )
        m = m.reindex(index=rows, columns=cols).fillna(0)
        m.index.name, m.columns.name = BLOCK_FROM, BLOCK_TO
        return m.astype("int64") if value == N_CLIENTS else m

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`)."""
        return self.clients.copy()

    def largest_moves(self, top: int = 5) -> pd.DataFrame:
        """The ``top`` largest moves between different blocks (by clients, then revenue)."""
        f = self.summary
        moved = f[f[BLOCK_FROM].astype(str) != f[BLOCK_TO].astype(str)]
        return moved.sort_values([N_CLIENTS, REVENUE_FROM], ascending=False).head(top)

    def _repr_html_(self) -> str:
        return self.matrix().to_html()


def migration_matrix(before: Lifecycle, after: Lifecycle) -> Migration:
    """Count the clients (and their revenue) moving between blocks from ``before`` to ``after``.

    Parameters
    ----------
    before, after : Lifecycle
        :func:`reportkit.analysis.lifecycle.classify` at two dates (``after`` the later).

    Returns
    -------
    Migration
        ``summary`` (the moves) with ``block_from``, ``block_to``, ``n_clients``,
        ``revenue_from``, ``revenue_to``; ``clients``, each client's ``block_from``,
        ``block_to``, ``revenue_from``, ``revenue_to``; ``matrix()`` for the full table;
        ``largest_moves()``.
    """
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, Lifecycle):
            raise InputError(
                f"`{name}` must be a Lifecycle from reportkit.analysis.lifecycle.classify(), "
                f"got {type(value).__name__}."
            )
    if before.as_of is not None and after.as_of is not None and before.as_of > after.as_of:
        raise InputError(
            f"`before` ({before.as_of.date()}) is later than `after` "
            f"({after.as_of.date()}); pass the earlier lifecycle first."
        )
    a = before.clients[[CLIENT_ID, BLOCK, REVENUE_WINDOW]].rename(
        columns={BLOCK: BLOCK_FROM, REVENUE_WINDOW: REVENUE_FROM}
    )
    b = after.clients[[CLIENT_ID, BLOCK, REVENUE_WINDOW]].rename(
        columns={BLOCK: BLOCK_TO, REVENUE_WINDOW: REVENUE_TO}
    )
    m = a.merge(b, on=CLIENT_ID, how="outer")
    cats = [NONE, *BLOCKS]
    for column in (BLOCK_FROM, BLOCK_TO):
        m[column] = pd.Categorical(
            m[column].astype("object").where(m[column].notna(), NONE), categories=cats
        )
    m[[REVENUE_FROM, REVENUE_TO]] = m[[REVENUE_FROM, REVENUE_TO]].fillna(0.0)
    g = m.groupby([BLOCK_FROM, BLOCK_TO], observed=True)
    frame = g.agg(
        **{
            N_CLIENTS: (CLIENT_ID, "size"),
            REVENUE_FROM: (REVENUE_FROM, "sum"),
            REVENUE_TO: (REVENUE_TO, "sum"),
        }
    ).reset_index()
    frame[N_CLIENTS] = frame[N_CLIENTS].astype("int64")
    frame = frame.sort_values([BLOCK_FROM, BLOCK_TO], ignore_index=True)
    return Migration(
        summary=frame,
        before=before.as_of,
        after=after.as_of,
        clients=m,
        params={"rules": after.rules},
    )


def migration(
    panel,
    clients: pd.DataFrame | None = None,
    *,
    as_of,
    previous=None,
    freq: str = "M",
    rules: LifecycleRules = _DEFAULT_RULES,
    window_months: int = 12,
) -> Migration:
    """The migration matrix between the end of the previous period and ``as_of``.

    Takes one snapshot per date from the panel (:func:`reportkit.core.snapshot`), classifies both
    with :func:`reportkit.analysis.lifecycle.classify` and counts the moves. The clients table (flags,
    status) is the current one for both dates.

    Parameters
    ----------
    panel : Panel
        From :func:`reportkit.build_panel`.
    clients : DataFrame, optional
        The clients table (see :func:`reportkit.analysis.lifecycle.classify`).
    as_of : date-like
        The later date (a month end).
    previous : date-like, optional
        The earlier date; default the end of the period before the one ending at ``as_of``
        (a month, or three months with ``freq="Q"``).
    freq : {"M", "Q"}, default "M"
    rules : LifecycleRules, default LifecycleRules()
    window_months : int, default 12
        Look-back window of both snapshots.

    Returns
    -------
    Migration
    """

    freq = _freq(freq)
    after_day = parse_as_of(as_of, month_end=True)
    if previous is None:
        before_day = (after_day - pd.offsets.MonthEnd(1 if freq == "M" else 3)).normalize()
    else:
        before_day = parse_as_of(previous, month_end=True)
    check_param(
        before_day < after_day,
        "previous",
        f"a month end before as_of ({after_day.date()})",
        previous,
    )
    snap_before = snapshot(panel, as_of=before_day, window_months=window_months, empty_ok=True)
    snap_after = snapshot(panel, as_of=after_day, window_months=window_months)
    lc_before = classify(snap_before, clients, rules=rules)
    lc_after = classify(snap_after, clients, rules=rules)
    moves = migration_matrix(lc_before, lc_after)
    return replace(moves, params={"rules": rules, "freq": freq, "window_months": window_months})
