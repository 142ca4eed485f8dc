"""The one entry point of "where the money is": :func:`where_money`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...errors import check_param
from ...io import schema as S
from .margin import low_margin
from .mix import same_partition, segment_mix
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


def _sums(lines: pd.DataFrame, key: str, margin: bool) -> pd.DataFrame:
    """One row per item of ``key``: revenue and margin over the window and the previous one."""
    measures = ["amount", "margin"] if margin else ["amount"]
    grouped = lines.groupby([key, "_now"], dropna=False, sort=False, observed=True)[measures]
    wide = grouped.sum().unstack("_now", fill_value=0.0)
    out = pd.DataFrame(index=wide.index)
    for measure, name in (("amount", "revenue"), ("margin", "margin")):
        if measure in measures:
            for now, suffix in ((True, ""), (False, "_prev")):
                col = (measure, now)
                out[name + suffix] = wide[col].astype(float) if col in wide.columns else 0.0
    return out.rename_axis(key).reset_index()


def _by_client_dimension(per_client: pd.DataFrame, clients: pd.DataFrame, key: str) -> pd.DataFrame:
    """The clients' sums added up by a column of the clients table (NaN: no value)."""
    cards = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[key]
    frame = per_client.assign(**{key: per_client[S.CLIENT_ID].map(cards)})
    cols = [c for c in SUMS if c in frame.columns]
    return frame.groupby(key, dropna=False, sort=False)[cols].sum().reset_index()


def _lines(
    transactions: pd.DataFrame, prev_start: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """The sales lines of the two windows with ``_now`` (in the window, not the one before)."""
    dates = transactions[S.DATE]
    keep = (dates >= prev_start) & (dates < end + pd.Timedelta(days=1))
    cols = [c for c in (S.CLIENT_ID, S.AMOUNT, S.MARGIN, *LINE_DIMENSIONS) if c in transactions]
    lines = transactions.loc[keep, cols]
    lines = lines.assign(amount=lines[S.AMOUNT].fillna(0.0), _now=(dates[keep] >= start).to_numpy())
    if S.MARGIN in lines.columns:
        lines[S.MARGIN] = lines[S.MARGIN].fillna(0.0)
    return lines


def _clients_table(per_client: pd.DataFrame, margin: bool, low_ids: set) -> pd.DataFrame:
    out = per_client[[S.CLIENT_ID, "revenue", "revenue_prev"]].copy()
    out["growth"] = out["revenue"] / out["revenue_prev"].where(out["revenue_prev"] > 0) - 1
    if margin:
        out["margin"] = per_client["margin"]
        out["margin_rate"] = out["margin"] / out["revenue"].where(out["revenue"] > 0)
        out["low_margin"] = out[S.CLIENT_ID].isin(low_ids)
    return out.sort_values(S.CLIENT_ID, kind="stable").reset_index(drop=True)


def _distinct(segments: Mapping[str, pd.DataFrame], notes: list) -> dict[str, pd.DataFrame]:
    """The segmentations, less those that repeat an earlier one under other names (noted as
    ``same_segments`` with ``name`` and ``same_as``)."""
    kept: dict[str, pd.DataFrame] = {}
    for name, frame in segments.items():
        twin = next((k for k, v in kept.items() if same_partition(v, frame)), None)
        if twin is None:
            kept[name] = frame
        else:
            notes.append(("same_segments", {"name": name, "same_as": twin}))
    return kept


def _all_sums(
    lines: pd.DataFrame, clients: pd.DataFrame | None, margin: bool, prev_known: bool
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The sums per client and per item of every dimension present (NaN before the window
    when the data do not reach back to it)."""
    per_client = _sums(lines, S.CLIENT_ID, margin)
    sums = {d: _sums(lines, d, margin) for d in LINE_DIMENSIONS if _present(lines, d)}
    for d in CLIENT_DIMENSIONS:
        if _present(clients, d):
            sums[d] = _by_client_dimension(per_client, clients, d)
    if not prev_known:
        for frame in (per_client, *sums.values()):
            frame[[c for c in ("revenue_prev", "margin_prev") if c in frame]] = np.nan
    return per_client, sums


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
    margin = _present(lines, S.MARGIN)
    first = transactions[S.DATE].min()
    # growth needs the previous window in the data: they start in its first month
    prev_known = bool(pd.notna(first) and first < prev_start + pd.DateOffset(months=1))
    notes: list = []
    if not prev_known:
        notes.append(("no_previous", {"first": first}))
    if not margin:
        notes.append(("no_margin", {}))
    per_client, sums = _all_sums(lines, clients, margin, prev_known)
    paretos = {d: pareto(v, d, cutoffs=settings.cutoffs) for d, v in sums.items()}
    if not paretos:
        notes.append(("no_dimensions", {}))
    summary = pd.DataFrame([top_summary(t, d) for d, t in paretos.items()])
    mix = None
    if S.CATEGORY in sums and segments:
        kept = _distinct(segments, notes)
        mix = segment_mix(lines.loc[lines["_now"]], kept)
    elif S.CATEGORY not in sums:
        notes.append(("no_category", {}))
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
