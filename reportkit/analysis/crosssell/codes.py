"""The cross-sell white space's settings, column names, codes and result (:class:`CrossSell`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...io.schema import CATEGORY, CLIENT_ID, MANAGER, NAME

# --- methods ----------------------------------------------------------------------------------

PEERS = "peers"  # the client's peer cell (industry × size, else ABC×XYZ, else the whole base)
COOCCURRENCE = "cooccurrence"  # what buyers of the client's categories also buy
POPULARITY = "popularity"  # the most-bought categories of the whole base
RANDOM = "random"  # a seeded random pick among the categories the client does not buy
METHODS = (PEERS, COOCCURRENCE, POPULARITY, RANDOM)

# --- peer levels (where a client's peers come from) -------------------------------------------

INDUSTRY_SIZE = "industry_size"
ABCXYZ = "abcxyz"
BASE = "base"
LEVELS = (INDUSTRY_SIZE, ABCXYZ, BASE)

# --- columns ----------------------------------------------------------------------------------

RANK = "rank"
PEER_LEVEL = "peer_level"
PEER_CELL = "peer_cell"
PEERS_N = "peers"
PENETRATION = "penetration"  # share of the peers who buy the category
TYPICAL_SPEND = "typical_spend"  # median spend over the window of the peers who buy it
P_STAY = "p_stay"  # 1 - churn probability (1 when the client was not scored)
EXPECTED_VALUE = "expected_value"  # penetration × typical_spend × p_stay
REASON = "reason"
CATEGORIES_BOUGHT = "categories_bought"
GAPS = "gaps"  # categories bought by at least one peer and not by the client
TOP_CATEGORY = "top_category"
EXPECTED_VALUE_TOP = "expected_value_top"  # sum over the client's recommendations

# backtest table
CUTOFF = "cutoff"
METHOD = "method"
CLIENTS = "clients"
PAIRS = "pairs"
HITS = "hits"
HIT_RATE = "hit_rate"
VALUE_CAPTURED = "value_captured"
NEW_SPEND = "new_spend"  # spend over the horizon in categories the clients did not buy before
SHARE_CAPTURED = "share_captured"
ALL_CUTOFFS = "all"

# --- reasons (worded by reportkit.report.words.crosssell from the row's columns) -------------

#: ``penetration`` of the client's ``peers`` (cell ``peer_cell`` of ``peer_level``) buy the
#: category, typically spending ``typical_spend`` over the window
PEERS_BUY = "peers_buy"
#: ``penetration`` of the base's other active clients (``peers``) buy the category
POPULAR = "popular"
#: buyers of the client's categories buy this one too (``penetration`` = that probability)
ALSO_BOUGHT = "also_bought"
REASONS = (PEERS_BUY, POPULAR, ALSO_BOUGHT)

#: the columns of :meth:`CrossSell.action_list` (a reason's figures are its own columns)
ACTION_COLUMNS = (
    MANAGER,
    CLIENT_ID,
    NAME,
    CATEGORY,
    EXPECTED_VALUE,
    PENETRATION,
    REASON,
    TYPICAL_SPEND,
    PEERS_N,
    PEER_LEVEL,
    PEER_CELL,
)


@dataclass(frozen=True)
class CrossSellSettings:
    """How the white space is found and checked (the defaults are the report's).

    Attributes
    ----------
    method : {"peers", "cooccurrence"}, default "peers"
        How a client's candidate categories are scored (see the package docstring).
    window_months : int, default 12
        A client buys a category when its net spend on it over the window ending at the date
        is positive; peers' typical spend is over the same window.
    horizon_months : int, default 6
        How long after a past cut-off the backtest looks for the purchase.
    n_cutoffs : int, default 3
        Backtest cut-offs: the report date minus 1, 2, … × ``horizon_months`` (month ends),
        as many as the data allow (a cut-off needs ``min_history_months`` of sales before it).
    min_history_months : int, default 6
    min_peers : int, default 20
        The fewest peers (other active clients of the cell) a cell needs to be used; a client
        of a smaller cell falls back to the next level (ABC×XYZ, then the whole base).
    top_n : int, default 3
        Recommendations per client.
    seed : int, default 0
        The random baseline's seed.
    """

    method: str = PEERS
    window_months: int = 12
    horizon_months: int = 6
    n_cutoffs: int = 3
    min_history_months: int = 6
    min_peers: int = 20
    top_n: int = 3
    seed: int = 0


#: the defaults, defined once
DEFAULT_SETTINGS = CrossSellSettings()


@dataclass
class CrossSell:
    """Each client's white space: what its peers buy and it does not, valued and backtested.

    Attributes
    ----------
    clients : DataFrame
        One row per active client (net spend over the window > 0; a base of one active
        client has no peers and no row): ``client_id``,
        ``peer_level`` (one of :data:`LEVELS`), ``peer_cell`` (the cell's label, "" for the
        base), ``peers`` (other active clients in it), ``categories_bought``, ``gaps``,
        ``p_stay``, ``top_category`` (None without a recommendation), ``expected_value_top``.
    recommendations : DataFrame
        Up to ``top_n`` rows per client, best first: ``client_id``, ``rank`` (1…),
        ``category``, ``expected_value``, ``typical_spend``, ``penetration``, ``p_stay``,
        ``peer_level``, ``peer_cell``, ``peers``, ``reason`` (code; its figures are the row's
        columns). Made by ``summary["used"]``.
    backtest : DataFrame
        One row per cut-off and method (then the cut-offs pooled, ``cutoff = "all"``):
        ``cutoff``, ``method``, ``clients``, ``pairs``, ``hits``, ``hit_rate``,
        ``value_captured``, ``new_spend``, ``share_captured``. Empty without a cut-off.
    summary : dict
        ``method`` (as set), ``used`` (the method the recommendations come from),
        ``beats_baseline`` (bool, None without a backtest), ``as_of``, ``clients``,
        ``recommended_clients``, ``recommendations``, ``expected_value``, ``categories``,
        ``levels`` (clients per peer level), ``churn_scored`` (clients with a churn
        probability).
    notes : list of (code, params)
        ``baseline_used`` {method, baseline}: the method did not beat the popularity baseline
        in the backtest, the recommendations are the baseline's; ``no_backtest``
        {months}: too little history before the report date for a cut-off;
        ``no_peer_cards`` {}: no clients table with industry and size (peers by ABC×XYZ or the
        base); ``no_cells`` {}: no ABC×XYZ cells either (peers are the whole base);
        ``no_churn`` {}: no churn probabilities, every client's chance of staying is taken as 1.
    params : dict
        The settings used.
    """

    clients: pd.DataFrame
    recommendations: pd.DataFrame
    backtest: pd.DataFrame
    summary: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    #: name and manager of each recommendation's client (row for row), for the action list
    contacts: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """A copy of the per-client table :attr:`clients`."""
        return self.clients.copy()

    def action_list(self) -> pd.DataFrame:
        """The recommendations per manager (codes, not words): :data:`ACTION_COLUMNS`
        (``manager``, ``client_id``, ``name``, ``category``, ``expected_value``,
        ``penetration``, ``reason`` and the reason's figures ``typical_spend``, ``peers``,
        ``peer_level``, ``peer_cell``); sorted by manager, then expected value (largest first).

        The manager and name are the client's card's (else the manager of its latest sale);
        missing ones are None. :func:`reportkit.report.words.crosssell.action_list` words it.
        """
        out = self.recommendations.copy()
        contacts = self.contacts
        for col in (NAME, MANAGER):
            if contacts is not None and col in contacts.columns and len(contacts) == len(out):
                out[col] = contacts[col].to_numpy(dtype=object)
            else:
                out[col] = None
        out = out.sort_values(
            [MANAGER, EXPECTED_VALUE, CLIENT_ID], ascending=[True, False, True], na_position="last"
        )
        return out[list(ACTION_COLUMNS)].reset_index(drop=True)
