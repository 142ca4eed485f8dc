"""The margin view: who and what sells a lot at a low or negative margin.

"A lot" is revenue over the window in the top quartile of the positive revenues of the items
of its kind (clients, or products): at or above their 75th percentile (linear interpolation,
numpy's default). "Low" is a margin rate (margin / revenue) below a third of the median margin
rate of those items, or a negative margin. Both fractions are settings
(:class:`~reportkit.analysis.money.MoneySettings`). The margin given up is what the item would
have earned at the median rate less what it earned: ``revenue × median rate − margin``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: the columns of :func:`low_margin` after the item column
LOW_MARGIN_COLUMNS = ("revenue", "margin", "margin_rate", "margin_gap")


def low_margin(
    values: pd.DataFrame, key: str, *, top_quantile: float = 0.75, low_fraction: float = 1 / 3
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The items that sell a lot at a low or negative margin (see the module docstring).

    Parameters
    ----------
    values : DataFrame
        One row per item: ``key``, ``revenue`` and ``margin`` over the window.
    key : str
        The item column (``client_id``, ``product``).
    top_quantile : float, default 0.75
        The revenue quantile from which an item sells a lot.
    low_fraction : float, default 1/3
        The fraction of the median margin rate under which a margin rate is low.

    Returns
    -------
    table : DataFrame
        The flagged items: ``key``, ``revenue``, ``margin``, ``margin_rate``, ``margin_gap``
        (the margin given up against the median rate), largest gap first.
    figures : dict
        ``median_rate``, ``low_rate`` (the rate under which a margin is low), ``min_revenue``
        (the revenue from which an item sells a lot), ``n_items`` (items with revenue).

    Examples
    --------
    >>> v = pd.DataFrame({"product": list("abcd"), "revenue": [100.0, 90, 10, 10],
    ...                   "margin": [5.0, 30, 3, 3]})
    >>> table, figures = low_margin(v, "product")
    >>> table["product"].tolist(), figures["median_rate"]
    (['a'], 0.3)
    """
    sold = values[values["revenue"] > 0]
    rate = sold["margin"] / sold["revenue"]
    median = float(rate.median()) if len(sold) else np.nan
    low_rate = max(median, 0.0) * low_fraction if len(sold) else np.nan
    min_revenue = float(np.quantile(sold["revenue"], top_quantile)) if len(sold) else np.nan
    flagged = (sold["revenue"] >= min_revenue) & ((sold["margin"] < 0) | (rate < low_rate))
    out = sold.loc[flagged, [key, "revenue", "margin"]].copy()
    out["margin_rate"] = rate[flagged]
    out["margin_gap"] = out["revenue"] * median - out["margin"]
    out = out.sort_values(["margin_gap", key], ascending=[False, True], kind="stable")
    figures = {
        "median_rate": median,
        "low_rate": low_rate,
        "min_revenue": min_revenue,
        "n_items": len(sold),
    }
    return out.reset_index(drop=True), figures


__all__ = ["LOW_MARGIN_COLUMNS", "low_margin"]
