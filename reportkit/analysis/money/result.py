"""The settings of "where the money is" and its result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..result import Note

#: the dimensions a Pareto is drawn along, in the report's order (those present in the data)
DIMENSIONS: tuple[str, ...] = ("product", "category", "channel", "region", "industry")
#: the dimensions read from the sales lines (the others come from the clients table)
LINE_DIMENSIONS: tuple[str, ...] = ("product", "category", "channel")
#: the dimensions read from the clients table, joined on ``client_id``
CLIENT_DIMENSIONS: tuple[str, ...] = ("region", "industry")


@dataclass(frozen=True)
class MoneySettings:
    """How the money is cut.

    Attributes
    ----------
    cutoffs : tuple of float, default (0.8, 0.95)
        The Pareto classes of the items: A make the first 80 % of the money, B up to 95 %, C
        the rest (the rule of the clients' ABC, see :mod:`reportkit.analysis.segmentation`).
    top_quantile : float, default 0.75
        "Sells a lot": revenue over the window at or above this quantile of the positive
        revenues of the items of its kind (the top quartile).
    low_fraction : float, default 1/3
        "Low margin": a margin rate below this fraction of the median margin rate of the items
        of its kind, or a negative margin.
    """

    cutoffs: tuple[float, float] = (0.8, 0.95)
    top_quantile: float = 0.75
    low_fraction: float = 1 / 3


@dataclass(frozen=True, repr=False, eq=False)
class Money:
    """Where the money is: the Paretos, what each segment buys, the low-margin sellers.

    Attributes
    ----------
    clients : DataFrame
        One row per client with a sales line in the window or the previous one, in the order
        of their first line: ``client_id``,
        ``revenue``, ``revenue_prev``, ``growth``, and with a margin ``margin``,
        ``margin_rate``, ``low_margin``.
    summary : DataFrame
        One row per dimension present: ``dimension``, ``n_items``, ``n_top`` (the A items),
        ``top_share``, ``revenue``, ``revenue_prev``, ``growth``, ``top_revenue``,
        ``top_revenue_prev``, ``top_growth``, ``top_growing`` (A items that grew or are new).
    notes : tuple of (code, params)
        ``no_dimensions``, ``no_previous`` (growth unknown), ``no_margin``, ``no_category``,
        ``same_segments`` (a segmentation left out of the mix: it repeats another).
    params : dict
        The window (``as_of``, ``start``, ``prev_start``, ``window_months``) and the settings,
        with the margin view's thresholds once computed.
    paretos : dict of str to DataFrame
        One table per dimension, see :func:`reportkit.analysis.money.pareto`.
    mix : DataFrame or None
        What each segment buys, see :func:`reportkit.analysis.money.segment_mix`.
    low_margin_clients, low_margin_products : DataFrame or None
        See :func:`reportkit.analysis.money.low_margin`; None without a margin.
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    notes: tuple[Note, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    paretos: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    mix: pd.DataFrame | None = None
    low_margin_clients: pd.DataFrame | None = None
    low_margin_products: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of ``clients``)."""
        return self.clients.copy()

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The dimensions present in the data, in the report's order."""
        return tuple(d for d in DIMENSIONS if d in self.paretos)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables for the workbook, by name: ``pareto_<dimension>``, ``segment_mix``,
        ``low_margin_clients``, ``low_margin_products`` (those computed)."""
        out = {f"pareto_{d}": self.paretos[d].copy() for d in self.dimensions}
        extra = {
            "segment_mix": self.mix,
            "low_margin_clients": self.low_margin_clients,
            "low_margin_products": self.low_margin_products,
        }
        out.update({k: v.copy() for k, v in extra.items() if v is not None})
        return out


__all__ = [
    "CLIENT_DIMENSIONS",
    "DIMENSIONS",
    "LINE_DIMENSIONS",
    "Money",
    "MoneySettings",
]
