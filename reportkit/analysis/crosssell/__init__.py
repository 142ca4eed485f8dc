"""Cross-sell white space: for each client, the categories comparable clients buy and it does
not, valued, ranked, and backtested against what clients actually bought next.

What a client buys
------------------
A client *buys* a category when its net spend on it (returns netted) over the window
(``window_months``, 12) ending at the date is positive; the *active* clients are those with a
positive net spend over the window. Only active clients get recommendations and serve as peers.

Peers (the method, ``method="peers"``)
--------------------------------------
A client's peers are the other active clients of its cell, taken from the first level that
has at least ``min_peers`` (20) of them:

1. ``industry_size`` -- the same industry and size on the card;
2. ``abcxyz`` -- the same ABC×XYZ cell at the date (from a snapshot of the panel at that date,
   so that the backtest's cells are those known at its cut-off);
3. ``base`` -- every other active client.

For a category the client does not buy, *penetration* = the share of its peers who buy it and
*typical spend* = the median window spend of those peers who buy it (the median, not the
mean, so that one large buyer does not set the figure). The gap's expected value is::

    expected_value = penetration × typical_spend × p_stay,   p_stay = 1 − churn probability

(p_stay = 1 for a client the churn model did not score, or without a churn model). Penetration
is in the product because a category a third of the peers buy is less likely to be taken up
than one they all buy; without it the ranking would favour whatever is dearest. Gaps are
ranked by expected value and the best ``top_n`` (3) per client are kept; a category no peer
buys is never recommended.

Why peers by cell rather than nearest neighbours or item co-occurrence: a manager can say it
to the client ("62 % of construction firms of your size buy cable from us"), it uses what the
cards know about the client beyond its purchases, and it is a few ``np.bincount`` calls over a
client × category matrix. Item-based co-occurrence (``method="cooccurrence"``: the mean over
the client's categories i of P(buys j | buys i), × the buyers' median spend) is kept as an
alternative; benchmarks/bench_crosssell.py backtests both. On a base with planted affinities
(tests/test_crosssell.py: each industry buys its own pair of categories) both double the
popularity baseline's hit rate and value captured (at the cut-off after which the planted gaps
fill: peers 8.9 % hits, co-occurrence 9.0 %, popularity 4.4 %); on the bundled
sample and on ``make_base`` bases, where each client's favourite categories are drawn at random
whatever its industry, neither has a better hit rate than popularity (sample: peers 20.0 %,
co-occurrence 20.2 %, popularity 20.7 %) but both capture more value (+3 %, they rank by
value): the two methods are level within noise, so the explainable one is the default.

The backtest and the baselines
------------------------------
At each cut-off (the report date minus 6, 12, 18 months -- ``horizon_months`` × 1…
``n_cutoffs`` -- with at least ``min_history_months`` of sales before it) the method recommends
from the window before the cut-off (p_stay = 1: the churn probabilities are the report date's)
and the following ``horizon_months`` say what was bought: hit rate = the share of recommended
client × category pairs with a positive spend over the horizon; value captured = that spend;
share captured = value captured ÷ all the spend of those clients on categories they had not
bought. Beside it, the *popularity* baseline (the categories the most active clients buy, that
the client does not) and the *random* baseline (a seeded draw among the client's gaps), on the
same clients. The method *beats* the baseline when, cut-offs pooled, it captures more value
with a hit rate at least as high; when it does not, the recommendations are the popularity
baseline's (``summary["used"]``, note ``baseline_used``). Without a cut-off the method is used
untested (note ``no_backtest``).

Results are numbers and codes; :mod:`reportkit.report.words.crosssell` words them.

Modules: ``codes`` (settings, column names, codes, :class:`CrossSell`), ``matrix`` (the sales as
codes and the client × category spend), ``peers`` (cells, penetration, the methods' scores,
the top picks), ``backtest`` (cut-offs, cells at a date, the backtest table), ``api``
(:func:`cross_sell`).
"""

from __future__ import annotations

from .api import cross_sell
from .backtest import backtest, beats, cutoffs
from .codes import (
    ABCXYZ,
    ACTION_COLUMNS,
    ALL_CUTOFFS,
    ALSO_BOUGHT,
    BASE,
    CATEGORIES_BOUGHT,
    CLIENTS,
    COOCCURRENCE,
    CUTOFF,
    DEFAULT_SETTINGS,
    EXPECTED_VALUE,
    EXPECTED_VALUE_TOP,
    GAPS,
    HIT_RATE,
    HITS,
    INDUSTRY_SIZE,
    LEVELS,
    METHOD,
    METHODS,
    NEW_SPEND,
    P_STAY,
    PAIRS,
    PEER_CELL,
    PEER_LEVEL,
    PEERS,
    PEERS_BUY,
    PEERS_N,
    PENETRATION,
    POPULAR,
    POPULARITY,
    RANDOM,
    RANK,
    REASON,
    REASONS,
    SHARE_CAPTURED,
    TOP_CATEGORY,
    TYPICAL_SPEND,
    VALUE_CAPTURED,
    CrossSell,
    CrossSellSettings,
)
from .matrix import Sales, prepare, spend
from .peers import base_scores, card_cells, peer_scores, top

__all__ = [
    "ABCXYZ",
    "ACTION_COLUMNS",
    "ALL_CUTOFFS",
    "ALSO_BOUGHT",
    "BASE",
    "CATEGORIES_BOUGHT",
    "CLIENTS",
    "COOCCURRENCE",
    "CUTOFF",
    "DEFAULT_SETTINGS",
    "EXPECTED_VALUE",
    "EXPECTED_VALUE_TOP",
    "GAPS",
    "HITS",
    "HIT_RATE",
    "INDUSTRY_SIZE",
    "LEVELS",
    "METHOD",
    "METHODS",
    "NEW_SPEND",
    "PAIRS",
    "PEERS",
    "PEERS_BUY",
    "PEERS_N",
    "PEER_CELL",
    "PEER_LEVEL",
    "PENETRATION",
    "POPULAR",
    "POPULARITY",
    "P_STAY",
    "RANDOM",
    "RANK",
    "REASON",
    "REASONS",
    "SHARE_CAPTURED",
    "TOP_CATEGORY",
    "TYPICAL_SPEND",
    "VALUE_CAPTURED",
    "CrossSell",
    "CrossSellSettings",
    "Sales",
    "backtest",
    "base_scores",
    "beats",
    "card_cells",
    "cross_sell",
    "cutoffs",
    "peer_scores",
    "prepare",
    "spend",
    "top",
]
