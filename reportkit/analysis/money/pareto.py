"""The Pareto (ABC) of one dimension: each item's revenue and margin, its class and growth."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...errors import check_param

#: a cumulative share within this of a cut-off counts as on it
EPS = 1e-9


def classes(value: np.ndarray, cutoffs: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Share and class (``A``/``B``/``C``) of each value, the values sorted largest first.

    Shares are of the positive total. An item is in the upper class when the cumulative share
    before it is below the cut-off (the item that crosses 80 % is A, the one after an item
    ending exactly on 80 % is B); items of zero or negative value are C.

    >>> classes(np.array([50.0, 30.0, 15.0, 5.0]), (0.8, 0.95))[1].tolist()
    ['A', 'A', 'B', 'C']
    """
    value = np.asarray(value, dtype=float)
    positive = np.where(value > 0, value, 0.0)
    total = positive.sum()
    share = value / total if total > 0 else np.zeros(len(value))
    before = (np.cumsum(positive) - positive) / total if total > 0 else np.ones(len(value))
    a, b = cutoffs
    out = np.where(before < a - EPS, "A", np.where(before < b - EPS, "B", "C"))
    return share, np.where(value > 0, out, "C")


def _growth(now: pd.Series, before: pd.Series) -> pd.Series:
    """``now / before - 1``; NaN where ``before`` is not positive (a new item)."""
    return (now / before.where(before > 0)) - 1


def pareto(
    values: pd.DataFrame, key: str, *, cutoffs: Sequence[float] = (0.8, 0.95)
) -> pd.DataFrame:
    """The Pareto of one dimension: items by revenue, largest first, with their class.

    Parameters
    ----------
    values : DataFrame
        One row per item: ``key``, ``revenue`` and ``revenue_prev`` (over the window and the
        previous one), optionally ``margin`` and ``margin_prev``.
    key : str
        The item column (``product``, ``channel``…).
    cutoffs : pair of float, default (0.8, 0.95)
        The A and B cut-offs of the cumulative share.

    Returns
    -------
    DataFrame
        ``key``, ``revenue``, ``revenue_share``, ``cum_share``, ``abc``, ``revenue_prev``,
        ``growth`` (NaN for an item without revenue before), ``new``; with a margin also
        ``margin``, ``margin_rate``, ``margin_share``, ``margin_abc`` (the class the item
        would have ranked by margin) and ``margin_growth``. Sorted by revenue, largest first,
        ties by item.
    """
    check_param(
        len(cutoffs) == 2 and 0 < cutoffs[0] <= cutoffs[1] <= 1,
        "cutoffs",
        "two shares 0 < a <= b <= 1",
        cutoffs,
    )
    frame = values.sort_values(["revenue", key], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    share, abc = classes(frame["revenue"].to_numpy(), cutoffs)
    out = pd.DataFrame({key: frame[key], "revenue": frame["revenue"], "revenue_share": share})
    out["cum_share"] = np.cumsum(np.where(share > 0, share, 0.0))
    out["abc"] = abc
    out["revenue_prev"] = frame["revenue_prev"]
    out["growth"] = _growth(frame["revenue"], frame["revenue_prev"])
    out["new"] = (frame["revenue_prev"] <= 0) & (frame["revenue"] > 0)
    if "margin" in frame.columns:
        margin = frame["margin"]
        out["margin"] = margin
        out["margin_rate"] = margin / frame["revenue"].where(frame["revenue"] > 0)
        by_margin = frame.sort_values(
            ["margin", key], ascending=[False, True], kind="stable"
        ).index.to_numpy()
        m_share, m_abc = classes(margin.to_numpy()[by_margin], cutoffs)
        out["margin_share"] = np.empty(len(frame))
        out.loc[by_margin, "margin_share"] = m_share
        out["margin_abc"] = np.empty(len(frame), dtype=object)
        out.loc[by_margin, "margin_abc"] = m_abc
        out["margin_growth"] = _growth(margin, frame["margin_prev"])
    return out


def top_summary(table: pd.DataFrame, key: str) -> dict:
    """The A items of one Pareto in figures: how many, their share, their growth together.

    Returns a dict: ``dimension``, ``n_items``, ``n_top``, ``top_share``, ``revenue``,
    ``revenue_prev``, ``growth``, ``top_revenue``, ``top_revenue_prev``, ``top_growth``,
    ``top_growing`` (A items that grew or are new).
    """
    top = table[table["abc"] == "A"]
    revenue, prev = float(table["revenue"].sum()), float(table["revenue_prev"].sum())
    t_revenue, t_prev = float(top["revenue"].sum()), float(top["revenue_prev"].sum())
    return {
        "dimension": key,
        "n_items": len(table),
        "n_top": len(top),
        "top_share": float(top["revenue_share"].sum()),
        "revenue": revenue,
        "revenue_prev": prev,
        "growth": revenue / prev - 1 if prev > 0 else np.nan,
        "top_revenue": t_revenue,
        "top_revenue_prev": t_prev,
        "top_growth": t_revenue / t_prev - 1 if t_prev > 0 else np.nan,
        "top_growing": int(((top["growth"] > 0) | top["new"]).sum()),
    }


__all__ = ["classes", "pareto", "top_summary"]
