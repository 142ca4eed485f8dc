"""Where the money is: which products, categories, channels, regions and industries make the
revenue and the margin, which client segments buy what, and who sells a lot at a low margin.

:func:`where_money` reads the sales lines over the report's window (the ``window_months``
calendar months ending with the month of ``as_of``, counted up to it) and the previous window
of the same length, and returns a :class:`Money`:

* **Paretos** (:func:`pareto`): for each dimension present in the data -- ``product``,
  ``category``, ``channel`` from the sales lines, ``region``, ``industry`` from the clients
  table joined on ``client_id`` -- every item's net revenue (and margin, when the lines carry
  one), its share, the cumulative share and its class: A, the few items that make the first
  80 % of the money, B up to 95 %, C the rest (the rule of the clients' ABC). Each item's
  growth is its revenue over the window against the previous window (NaN for a new item, and
  for every item when the data do not reach back to the previous window's first month).
* **Segment mix** (:func:`segment_mix`): what each client segment (ABC class, lifecycle block,
  size tier, industry -- the frames are passed in, ``client_id`` -> segment) buys: each
  category's share of the segment's revenue and its penetration, the share of the segment's
  clients who bought the category in the window.
* **Margin view** (:func:`low_margin`): clients and products that sell a lot (revenue in the
  top quartile of their kind) at a low margin (a margin rate below a third of the median rate
  of their kind) or a negative one.

A segmentation that groups the clients exactly as an earlier one (size tiers cut by the ABC
rule on the same revenue are the ABC classes) is left out of the mix with a note.

Nothing here words anything: the notes are codes (``no_previous``, ``no_margin``,
``no_category``, ``no_dimensions``, ``same_segments``), worded by :mod:`reportkit.report.words.money`.
"""

from __future__ import annotations

from .build import where_money, window
from .margin import LOW_MARGIN_COLUMNS, low_margin
from .mix import MIX_COLUMNS, same_partition, segment_mix
from .pareto import classes, pareto, top_summary
from .result import CLIENT_DIMENSIONS, DIMENSIONS, LINE_DIMENSIONS, Money, MoneySettings

__all__ = [
    "CLIENT_DIMENSIONS",
    "DIMENSIONS",
    "LINE_DIMENSIONS",
    "LOW_MARGIN_COLUMNS",
    "MIX_COLUMNS",
    "Money",
    "MoneySettings",
    "classes",
    "low_margin",
    "pareto",
    "same_partition",
    "segment_mix",
    "top_summary",
    "where_money",
    "window",
]
