"""Expected revenue of each client over the next 12 months, and its backtest.

What the figure means
---------------------
``expected_revenue_12m`` is the revenue a client is expected to bring over the next
``horizon_days`` (365) days, net of returns, undiscounted. It is meant to be right on average
(the sum over a group of clients is that group's expected revenue) and per client (each figure
rests on the client's own purchases, not on the population's). Every client gets exactly one
method (column ``method``):

``bgnbd_gg`` -- repeat buyers (orders on at least two different days)
    Expected purchases × expected order value::

        E = E[purchases in the next h days | x, t_x, T]  (BG/NBD)
            × E[order value | x_m, m]                     (Gamma-Gamma)

    BG/NBD: x = orders - 1, t_x = days from the first to the last order, T = days from the
    first order to the report date, h = ``horizon_days``; fitted on every client with an order
    (one-order clients included: they inform the purchase process). Gamma-Gamma: m = the mean
    value of the client's *repeat* orders -- the first order is always left out, as lifetimes
    defines it -- and x_m the number of those orders; fitted on the repeat buyers only.
    With ``order_values="window"`` (default), a client that ordered both before and inside the
    look-back window uses the repeat orders of the window (m = revenue_window / orders_window,
    exact: all of them are repeat orders), because order values drift (prices, growing and
    shrinking clients) and the recent ones predict the next ones better -- in the backtests
    of benchmarks/backtest_value.py it lowers the mean absolute error per client by up to 9 %
    (nothing changes where no client ordered both before and inside the window). Otherwise (and
    with ``order_values="all"``) m = (revenue_total - v1) / (orders_total - 1) over all
    history, where v1, the first order's value, which the snapshot does not keep, is taken as
    the mean of the orders placed before the window (exact when there was one; on the bundled
    sample it agrees with lifetimes' exact repeat mean from the transactions with correlation
    0.99+) or, when every order is inside the window, as the client's mean order value
    (then m = aov: the one case where the first order stays in). A mean <= 0 (repeat orders
    netted away by returns) becomes the client's mean order value.

``single_order_shrunk`` -- clients with orders on one day only
    BG/NBD × Gamma-Gamma would give such a client the population's purchase rate and mean
    order value, whatever it bought; where most first buyers never come back that overstates
    them many times over. Instead, the client's own order, times what such clients brought
    in the following year::

        E = rho × v_shrunk × h / window_days
        v_shrunk = (v + k × m_segment) / (1 + k)

    v = the client's order value (its net revenue); m_segment = the average order value of its
    segment (revenue / orders of the segment's clients); k = ``value_shrinkage``, by default the
    Gamma-Gamma fit's own weight for a client seen once, k = (q - 1) / p (near 0 when orders of
    one client vary little compared with orders of different clients; 1 when the Gamma-Gamma
    model cannot be fitted). rho = revenue per unit of order value observed one year earlier,
    read from the same snapshot: the *cohort* is the clients that had exactly one order before
    the look-back window began; over the window they brought ``revenue_window``, so

        rho = sum of their revenue_window / sum of their v_shrunk (v = pre-window revenue)

    computed per band of the age of the single order (days since it: at the report date for the
    client, at the day before the window for the cohort; ``age_bands_days``) and per segment,
    a segment's rate pulled toward its band's with weight n / (n + c) (n = cohort clients of the
    segment in the band, c = ``rate_credibility``). An age band with fewer than ``min_cohort``
    cohort clients has no rate: its clients fall back to ``fallback_window``.

``fallback_window``
    The client's revenue over the last 12 months (``revenue_window``, at least 0, times
    h / window_days): when the models cannot be fitted, and for single-order clients whose age
    band has no cohort to learn from (a base with less than two years of history).

``no_orders`` / ``no_spend``
    0: leads and clients without an order; clients whose net revenue is <= 0.

Segments
--------
``segments`` is an optional label per client (region, industry, a size tier by potential, ...).
Without it the segment is the quintile of the average order value over the clients with a
spend: a single-order client's only measure of size is its one order, while its 12-month
revenue is that order when the order is less than a year old and 0 otherwise -- that would mix
age (already in the bands) with size. The cohort is sorted into the same quintiles by its
pre-window order. A label given by the caller is taken as the client's label now, for the
cohort too: a label computed from the last 12 months' revenue (ABC) would sort last year's
single-order clients by what they bought since; prefer labels that do not depend on it.

:func:`backtest_expected_revenue` re-runs the method at past cut-offs whose next
``horizon_days`` are fully observed and compares predicted with actual revenue per client,
beside two naive baselines: the last 12 months' revenue, and its mean over the segment.

Results carry numbers and codes only; the report layer words them.

The BG/NBD and Gamma-Gamma inputs come from :func:`reportkit.analysis.btyd.snapshot_summary`
(the definitions above, in days) and the fits from :func:`reportkit.analysis.btyd.fit_predict`,
the same fit the churn model's features read; ``expected_revenue(snapshot, btyd=...)`` reuses a
fit already made on the snapshot.

Modules: ``results`` (codes, :class:`ExpectedRevenue`, :class:`ValueBacktest`), ``inputs``
(parameters, segments, age bands), ``estimate`` (:func:`expected_revenue`), ``single`` (the
single-order clients' rates), ``backtest`` (:func:`backtest_expected_revenue`).
"""

from __future__ import annotations

from .backtest import backtest_expected_revenue
from .estimate import expected_revenue
from .inputs import default_segments
from .results import (
    ACTUAL,
    AGE_BAND,
    BACKTEST_METHODS,
    BGNBD_GG,
    CUTOFF,
    DECILE,
    EXPECTED_ORDER_VALUE,
    EXPECTED_PURCHASES,
    EXPECTED_REVENUE_12M,
    FALLBACK_WINDOW,
    LAST_12M,
    METHOD,
    METHODS,
    MODEL,
    NO_ORDERS,
    NO_SPEND,
    REVENUE_RATIO,
    SEGMENT,
    SEGMENT_MEAN,
    SINGLE_ORDER,
    ExpectedRevenue,
    ValueBacktest,
)

__all__ = [
    "ACTUAL",
    "AGE_BAND",
    "BACKTEST_METHODS",
    "BGNBD_GG",
    "CUTOFF",
    "DECILE",
    "EXPECTED_ORDER_VALUE",
    "EXPECTED_PURCHASES",
    "EXPECTED_REVENUE_12M",
    "FALLBACK_WINDOW",
    "LAST_12M",
    "METHOD",
    "METHODS",
    "MODEL",
    "NO_ORDERS",
    "NO_SPEND",
    "REVENUE_RATIO",
    "SEGMENT",
    "SEGMENT_MEAN",
    "SINGLE_ORDER",
    "ExpectedRevenue",
    "ValueBacktest",
    "backtest_expected_revenue",
    "default_segments",
    "expected_revenue",
]
