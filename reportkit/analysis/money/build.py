"""The one entry point of "where the money is": :func:`where_money`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import check_param
from ...io import schema as S
from .margin import low_margin
from .mix import mix_codes
from .pareto import pareto, top_summary
from .result import CLIENT_DIMENSIONS, LINE_DIMENSIONS, Money, MoneySettings

#: the sums of one item: over the window and the previous one
SUMS = ("revenue", "revenue_prev", "margin", "margin_prev")


def window(as_of: Any, window_months: int) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """(previous window's first day, window's first day, ``as_of``): the window is the
    ``window_months`` calendar months ending with the month of ``as_of`` (counted up to it),
    the previous window the same number of months before it.

    >>> [str(d.date()) for d in window("2025-06-15", 12)]
    ['2023-07-01', '2024-07-01', '2025-06-15']
    """
    check_param(
        isinstance(window_months, (int, np.integer))
        and not isinstance(window_months, bool)
        and window_months >= 1,
        "window_months",
        "a whole number of months >= 1",
        window_months,
    )
    end = parse_as_of(as_of)
    start = end.to_period("M").to_timestamp() - pd.DateOffset(months=int(window_months) - 1)
    return start - pd.DateOffset(months=int(window_months)), start, end


def _present(frame: pd.DataFrame | None, column: str) -> bool:
    return frame is not None and column in frame.columns and bool(frame[column].notna().any())


@dataclass(frozen=True)
class Lines:
    """The sales lines of the two windows, as codes (every string column factorized once).

    ``client`` codes the lines' clients (``clients`` holds the ids), ``now`` marks the lines of
    the window (the others are of the previous window), ``measures`` the four sums' weights
    (``revenue``, ``revenue_prev``, and with a margin ``margin``, ``margin_prev``: the amount
    or margin on the lines of that window, 0 on the others), ``dims`` the codes and items of
    each line dimension present (a missing value is an item of its own).
    """

    client: np.ndarray
    clients: pd.Index
    now: np.ndarray
    amount: np.ndarray
    measures: dict[str, np.ndarray]
    dims: dict[str, tuple[np.ndarray, pd.Index]]


def _codes(values: pd.Series, *, na_item: bool = True) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``values`` and the distinct values (in order of appearance)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=not na_item)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _lines(
    transactions: pd.DataFrame, prev_start: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp
) -> Lines:
    """The sales lines of the window and the previous one (see :class:`Lines`)."""
    dates = transactions[S.DATE]
    keep = ((dates >= prev_start) & (dates < end + pd.Timedelta(days=1))).to_numpy()
    tx = transactions.loc[keep]
    now = (tx[S.DATE] >= start).to_numpy()
    amount = tx[S.AMOUNT].fillna(0.0).to_numpy(dtype=float)
    measures = {"revenue": amount * now, "revenue_prev": amount * ~now}
    if _present(tx, S.MARGIN):
        margin = tx[S.MARGIN].fillna(0.0).to_numpy(dtype=float)
        measures |= {"margin": margin * now, "margin_prev": margin * ~now}
    client, clients = _codes(tx[S.CLIENT_ID])
    dims = {d: _codes(tx[d]) for d in LINE_DIMENSIONS if _present(tx, d)}
    return Lines(client, clients, now, amount, measures, dims)


def _sum_by(codes: np.ndarray, items: pd.Index, key: str, values: Mapping[str, np.ndarray]):
    """One row per item: ``key`` and the sum of each of ``values`` over the item's codes."""
    out = pd.DataFrame({key: items})
    for name, weights in values.items():
        out[name] = np.bincount(codes, weights=weights, minlength=len(items))[: len(items)]
    return out


def _by_client_dimension(
    per_client: pd.DataFrame, cards: pd.DataFrame, pos: np.ndarray, key: str
) -> pd.DataFrame:
    """The clients' sums added up by a column of the clients table (``cards``: one row per
    client, ``pos`` the row of each client of ``per_client``, -1 for none); a client without
    a card or a value counts under a missing item (NaN)."""
    codes, items = _codes(cards[key], na_item=False)
    per = np.where(pos >= 0, codes[np.maximum(pos, 0)], -1)
    missing = per < 0
    if missing.any():
        per = np.where(missing, len(items), per)
        items = items.append(pd.Index([np.nan], dtype=items.dtype))
    sums = {c: per_client[c].to_numpy() for c in SUMS if c in per_client.columns}
    out = _sum_by(per, items, key, sums)
    used = np.bincount(per, minlength=len(items)) > 0
    return out[used].reset_index(drop=True)


def _clients_table(per_client: pd.DataFrame, margin: bool, low_ids: set) -> pd.DataFrame:
    out = per_client[[S.CLIENT_ID, "revenue", "revenue_prev"]].copy()
    out["growth"] = out["revenue"] / out["revenue_prev"].where(out["revenue_prev"] > 0) - 1
    if margin:
        out["margin"] = per_client["margin"]
        out["margin_rate"] = out["margin"] / out["revenue"].where(out["revenue"] > 0)
        out["low_margin"] = out[S.CLIENT_ID].isin(low_ids)
    return out


def _all_sums(
    lines: Lines, clients: pd.DataFrame | None, prev_known: bool
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The sums per client and per item of every dimension present (NaN before the window
    when the data do not reach back to it)."""
    per_client = _sum_by(lines.client, lines.clients, S.CLIENT_ID, lines.measures)
    sums = {d: _sum_by(c, items, d, lines.measures) for d, (c, items) in lines.dims.items()}
    dims = [d for d in CLIENT_DIMENSIONS if _present(clients, d)]
    if dims and clients is not None:
        cards = clients.drop_duplicates(S.CLIENT_ID)
        pos = pd.Index(cards[S.CLIENT_ID]).get_indexer(lines.clients)
        for d in dims:
            sums[d] = _by_client_dimension(per_client, cards, pos, d)
    if not prev_known:
        for frame in (per_client, *sums.values()):
            frame[[c for c in ("revenue_prev", "margin_prev") if c in frame]] = np.nan
    return per_client, sums


def _mix(
    lines: Lines, segments: Mapping[str, pd.DataFrame] | None, notes: list
) -> pd.DataFrame | None:
    """What each segment buys over the window (None without categories or segments); the
    notes ``no_category`` and ``same_segments`` go to ``notes``."""
    if S.CATEGORY not in lines.dims:
        notes.append(("no_category", {}))
        return None
    if not segments:
        return None
    category, categories = lines.dims[S.CATEGORY]
    now = lines.now
    mix, twins = mix_codes(
        lines.client[now], lines.clients, category[now], categories, lines.amount[now], segments
    )
    notes += [("same_segments", {"name": a, "same_as": b}) for a, b in twins]
    return mix


def _margin_view(
    per_client: pd.DataFrame,
    sums: Mapping[str, pd.DataFrame],
    settings: MoneySettings,
    params: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The clients and the products that sell a lot at a low margin; their thresholds go to
    ``params`` (``clients_margin``, ``products_margin``)."""
    opts = {"top_quantile": settings.top_quantile, "low_fraction": settings.low_fraction}
    low_c, params["clients_margin"] = low_margin(per_client, S.CLIENT_ID, **opts)
    low_p = None
    if S.PRODUCT in sums:
        low_p, params["products_margin"] = low_margin(sums[S.PRODUCT], S.PRODUCT, **opts)
    return low_c, low_p


def where_money(
    transactions: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    *,
    as_of: Any,
    window_months: int = 12,
    segments: Mapping[str, pd.DataFrame] | None = None,
    settings: MoneySettings | None = None,
) -> Money:
    """Where the money is, over the window ending ``as_of`` (see the package docstring).

    Parameters
    ----------
    transactions : DataFrame
        The sales lines: ``client_id``, ``date``, ``amount`` and any of ``product``,
        ``category``, ``channel``, ``margin``.
    clients : DataFrame, optional
        The clients table, for ``region`` and ``industry`` (joined on ``client_id``).
    as_of : date
        The report date (inclusive).
    window_months : int, default 12
    segments : dict of str to DataFrame, optional
        The client segments whose purchases :func:`segment_mix` compares (client_id ->
        segment); none: no mix.
    settings : MoneySettings, optional

    Returns
    -------
    Money
    """
    settings = settings or MoneySettings()
    prev_start, start, end = window(as_of, window_months)
    lines = _lines(transactions, prev_start, start, end)
    margin = "margin" in lines.measures
    first = transactions[S.DATE].min()
    # growth needs the previous window in the data: they start in its first month
    prev_known = bool(pd.notna(first) and first < prev_start + pd.DateOffset(months=1))
    notes: list = []
    if not prev_known:
        notes.append(("no_previous", {"first": first}))
    if not margin:
        notes.append(("no_margin", {}))
    per_client, sums = _all_sums(lines, clients, prev_known)
    paretos = {d: pareto(v, d, cutoffs=settings.cutoffs) for d, v in sums.items()}
    if not paretos:
        notes.append(("no_dimensions", {}))
    summary = pd.DataFrame([top_summary(t, d) for d, t in paretos.items()])
    mix = _mix(lines, segments, notes)
    params: dict[str, Any] = {
        "as_of": end,
        "start": start,
        "prev_start": prev_start,
        "window_months": int(window_months),
        "prev_known": prev_known,
        "margin": margin,
        "cutoffs": tuple(settings.cutoffs),
        "top_quantile": settings.top_quantile,
        "low_fraction": settings.low_fraction,
    }
    low_c, low_p = _margin_view(per_client, sums, settings, params) if margin else (None, None)
    low_ids = set() if low_c is None else set(low_c[S.CLIENT_ID])
    return Money(
        clients=_clients_table(per_client, margin, low_ids),
        summary=summary,
        notes=tuple(notes),
        params=params,
        paretos=paretos,
        mix=mix,
        low_margin_clients=low_c,
        low_margin_products=low_p,
    )


__all__ = ["where_money", "window"]
