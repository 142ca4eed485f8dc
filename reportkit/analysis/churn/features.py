"""Examples and features: the cut-offs, the label, the population, the feature frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...core.snapshot import snapshot as make_snapshot
from ...errors import ParameterError
from ...io.schema import CLIENT_ID, INTERVAL_DAYS, ORDERS_TOTAL, RECENCY_DAYS
from ..btyd import BTYDForecast, fit_predict
from .codes import (
    CUTOFF,
    EXPECTED_PURCHASES,
    HORIZON_DAYS,
    LABEL,
    P_ALIVE,
    P_NO_PURCHASE,
    RECENCY_RATIO,
    SNAPSHOT_FEATURES,
)

# --- examples -------------------------------------------------------------------------------------


def _month_ends(panel, last: pd.Timestamp) -> list[pd.Timestamp]:
    first = pd.Timestamp(panel.start).normalize() + pd.offsets.MonthEnd(0)
    return list(pd.date_range(first, last, freq="ME"))


def fully_observed_cutoffs(
    panel, *, as_of, horizon_days: int = HORIZON_DAYS, n: int | None = None
) -> list[pd.Timestamp]:
    """Month-end cut-offs ``c`` with ``c + horizon_days <= as_of``, oldest first (the last ``n``).

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(start=pd.Timestamp("2023-01-10"))
    >>> [c.strftime("%Y-%m-%d") for c in fully_observed_cutoffs(p, as_of="2023-06-30", n=2)]
    ['2023-02-28', '2023-03-31']
    """
    as_of = pd.Timestamp(as_of)
    last = as_of - pd.Timedelta(days=horizon_days)
    cutoffs = [c for c in _month_ends(panel, last) if c + pd.Timedelta(days=horizon_days) <= as_of]
    return cutoffs[-n:] if n else cutoffs


def _next_order_day(panel, cutoff: pd.Timestamp, client_ids: pd.Series) -> np.ndarray:
    """First purchase day after the month of ``cutoff`` (a month end) for each client id, as days
    since 1970-01-01 (float); NaN when the client has none (or is not in the panel).

    One pass over the panel's rows (each client's rows together, months ascending): among the
    purchase months after the cut-off month, a client's first row is its earliest.
    """
    r = panel.rows
    after = (cutoff.year - 1970) * 12 + cutoff.month  # month number after the cut-off
    sel = np.flatnonzero((r.orders > 0) & (r.month >= after))
    code = r.code[sel]
    first = np.r_[True, code[1:] != code[:-1]] if len(code) else np.zeros(0, dtype=bool)
    day = np.full(len(panel.ids), np.nan)
    day[code[first]] = r.first_day[sel[first]]
    wanted = panel.id_index.get_indexer(client_ids.to_numpy())
    return np.where(wanted >= 0, day[wanted], np.nan)


def label_churn(
    panel, snapshot: pd.DataFrame, *, cutoff, horizon_days: int = HORIZON_DAYS
) -> pd.Series:
    """1 when the client places no order in ``(cutoff, cutoff + horizon_days]``, else 0.

    ``cutoff`` must be a month end (the panel is monthly); aligned with ``snapshot`` rows.
    """
    cutoff = pd.Timestamp(cutoff)
    if cutoff != cutoff + pd.offsets.MonthEnd(0):
        raise ParameterError(f"`cutoff` must be a month end, got {cutoff:%Y-%m-%d}")
    nxt = _next_order_day(panel, cutoff, snapshot[CLIENT_ID])
    last_day = (cutoff.normalize() - pd.Timestamp("1970-01-01")).days + horizon_days
    bought = nxt <= last_day  # False for NaN (no order after the cut-off)
    return pd.Series((~bought).astype("int8"), index=snapshot.index, name=LABEL)


def alive_population(
    snapshot: pd.DataFrame, *, dead_days: int = 365, dead_interval_multiple: float = 3.0
) -> pd.Series:
    """Clients with an order who are not dead (silent > max(dead_days, k × usual interval))."""
    orders = snapshot[ORDERS_TOTAL].fillna(0)
    limit = np.maximum(dead_days, dead_interval_multiple * snapshot[INTERVAL_DAYS].fillna(0))
    return (orders > 0) & (snapshot[RECENCY_DAYS] <= limit)


def bgnbd_forecast(
    snapshot: pd.DataFrame, horizon_days: int = HORIZON_DAYS, *, gamma_gamma: bool = False
) -> BTYDForecast | None:
    """BG/NBD fitted on every client of ``snapshot`` with a purchase, forecast over the horizon
    (:func:`reportkit.analysis.btyd.fit_predict`, in days); None when the snapshot cannot be
    read (the BG/NBD features are then missing)."""
    try:
        return fit_predict(snapshot, horizon_days, gamma_gamma=gamma_gamma)
    except Exception:  # noqa: BLE001 - odd data: the BG/NBD columns stay missing, nothing breaks
        return None


def _bgnbd_columns(
    snap: pd.DataFrame, horizon_days: int = HORIZON_DAYS, btyd: BTYDForecast | None = None
) -> pd.DataFrame:
    """BG/NBD P(alive), P(no purchase over the horizon), expected purchases of the rows of
    ``snap``, read by client_id from ``btyd`` (a forecast of the snapshot the rows come from)
    or from a fit on ``snap`` itself. NaN where the model could not be fitted (the baselines and
    the learned models cope with missing values)."""
    cols = [P_ALIVE, P_NO_PURCHASE, EXPECTED_PURCHASES]
    fc = btyd if btyd is not None else bgnbd_forecast(snap, horizon_days)
    try:
        if fc is None:
            raise ValueError("no BG/NBD forecast")
        # matched by id without copying the forecast of every client (10M rows at scale)
        got = fc.at(horizon_days).clients
        at = pd.Index(got[CLIENT_ID].to_numpy()).get_indexer(snap[CLIENT_ID].to_numpy())
        values = np.full((len(snap), len(cols)), np.nan)
        ok = at >= 0
        for j, col in enumerate(cols):
            values[ok, j] = got[col].to_numpy(dtype=float)[at[ok]]
    except Exception:  # noqa: BLE001 - odd data: the BG/NBD columns stay missing, nothing breaks
        values = np.full((len(snap), len(cols)), np.nan)
    return pd.DataFrame(values, index=snap.index, columns=cols)


def make_features(
    snap: pd.DataFrame, *, horizon_days: int = HORIZON_DAYS, btyd: BTYDForecast | None = None
) -> pd.DataFrame:
    """Feature frame for the rows of a snapshot: snapshot fields, recency relative to the usual
    interval and BG/NBD outputs. Index aligned with ``snap``.

    Parameters
    ----------
    snap : DataFrame
        Rows of a client snapshot (the population to score, or the examples of a cut-off).
    horizon_days : int, default 90
        The horizon of the BG/NBD forecasts (days).
    btyd : BTYDForecast, optional
        The BG/NBD fitted on the whole snapshot ``snap`` was taken from (:func:`bgnbd_forecast`);
        the model and the backtest pass it, so that the fit sees every client with a purchase
        and not only the rows scored. None: fitted on ``snap`` itself.

    Returns
    -------
    DataFrame
    """
    cols = [c for c in SNAPSHOT_FEATURES if c in snap.columns]
    X = snap[cols].astype("float64").copy()
    interval = snap[INTERVAL_DAYS].astype("float64")
    X[RECENCY_RATIO] = snap[RECENCY_DAYS] / interval.where(interval > 0)
    X = pd.concat([X, _bgnbd_columns(snap, horizon_days, btyd)], axis=1)
    return X.replace([np.inf, -np.inf], np.nan)


def build_examples(
    panel,
    *,
    cutoffs,
    horizon_days: int = HORIZON_DAYS,
    window_months: int = 12,
    dead_days: int = 365,
    dead_interval_multiple: float = 3.0,
    max_per_cutoff: int | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Training examples: one row per (cut-off, client alive at it), features and the label.

    Each cut-off's features come from the snapshot at that cut-off (only data up to it; the
    BG/NBD fitted on all its clients with a purchase); the label from the panel months after it.
    Returns columns ``cutoff``, ``client_id``, the features and ``churned`` (1 = no order
    within the horizon). With ``max_per_cutoff``, a cut-off with more alive clients keeps a
    seeded random sample of that many (a large base trains and backtests on a sample; every
    client is still scored).
    """

    frames = []
    for c in cutoffs:
        whole = make_snapshot(panel, as_of=c, window_months=window_months)
        pop = alive_population(
            whole, dead_days=dead_days, dead_interval_multiple=dead_interval_multiple
        )
        snap = whole.loc[pop].reset_index(drop=True)
        if snap.empty:
            continue
        if max_per_cutoff is not None and len(snap) > max_per_cutoff:
            rng = np.random.default_rng([random_state, int(pd.Timestamp(c).value // 10**9)])
            keep = np.sort(rng.choice(len(snap), size=max_per_cutoff, replace=False))
            snap = snap.iloc[keep].reset_index(drop=True)
        fc = bgnbd_forecast(whole, horizon_days)
        X = make_features(snap, horizon_days=horizon_days, btyd=fc)
        X.insert(0, CLIENT_ID, snap[CLIENT_ID].to_numpy())
        X.insert(0, CUTOFF, pd.Timestamp(c))
        X[LABEL] = label_churn(panel, snap, cutoff=c, horizon_days=horizon_days).to_numpy()
        frames.append(X)
    if not frames:
        return pd.DataFrame(columns=[CUTOFF, CLIENT_ID, LABEL])
    return pd.concat(frames, ignore_index=True)


def unusable_features(X: pd.DataFrame) -> dict[str, str]:
    """Columns of ``X`` that carry no information: ``"all missing"`` or ``"constant"`` (one
    value in every row). A column with one value and some missing rows is kept: whether the
    value is missing is information.

    >>> unusable_features(pd.DataFrame({"a": [1.0, 1.0], "b": [np.nan, np.nan],
    ...                                 "c": [1.0, np.nan], "d": [1.0, 2.0]}))
    {'a': 'constant', 'b': 'all missing'}
    """
    out = {}
    for col in X.columns:
        values = X[col]
        if values.isna().all():
            out[col] = "all missing"
        elif values.nunique(dropna=False) <= 1:
            out[col] = "constant"
    return out
