"""The backtest: :func:`backtest_expected_revenue` at past cut-offs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ...core.dates import parse_as_of
from ...core.panel import Panel, build_panel
from ...core.snapshot import snapshot as take_snapshot
from ...errors import ReportkitError, check_param
from ...io.schema import CLIENT_ID, ORDERS_TOTAL, REVENUE_TOTAL, REVENUE_WINDOW
from .estimate import expected_revenue
from .inputs import MODEL_DEFAULTS, _check_params, _is_int, _num, _window_days
from .results import (
    ACTUAL,
    BACKTEST_METHODS,
    CUTOFF,
    DECILE,
    EXPECTED_REVENUE_12M,
    LAST_12M,
    METHOD,
    MODEL,
    SEGMENT,
    SEGMENT_MEAN,
    ValueBacktest,
)

_TABLE_COLUMNS = [
    "method",
    CUTOFF,
    "n_clients",
    "predicted",
    "actual",
    "total_error",
    "mae",
    "mae_vs_last_12m",
]
_DECILE_COLUMNS = [
    "method",
    CUTOFF,
    DECILE,
    "n_clients",
    "predicted",
    "actual",
    "total_error",
    "mae",
]


def backtest_expected_revenue(
    panel: Any,
    *,
    as_of: Any,
    cutoffs: Iterable[Any] | None = None,
    horizon_days: int = 365,
    n_cutoffs: int = 3,
    step_months: int = 6,
    segments: Any = None,
    window_months: int = 12,
    **model_params: Any,
) -> ValueBacktest:
    """Predicted against actual revenue over ``horizon_days`` after past cut-offs.

    At each cut-off ``c`` with ``c + horizon_days <= as_of`` the snapshot is taken at ``c``
    (only data up to it), :func:`expected_revenue` predicts, and the actual revenue of each
    client is its net revenue in ``(c, c + horizon_days]`` (snapshot revenue at the end minus at
    ``c``). Clients: those with at least one order at ``c`` (leads and clients who come later
    are predicted 0 by every method and left out). Baselines: ``last_12m`` = the client's
    revenue over the last 12 months (at least 0, scaled to the horizon); ``segment_mean`` = the
    mean of that over the client's segment.

    Parameters
    ----------
    panel : Panel, or anything :func:`reportkit.build_panel` accepts
    as_of : date
        The report date: actual revenue is read up to it.
    cutoffs : iterable of dates, optional
        Default: ``n_cutoffs`` month ends ``step_months`` apart, the last one the latest month
        end whose horizon is observed. Cut-offs whose horizon is not observed are dropped with a
        note.
    horizon_days, window_months : int
    n_cutoffs, step_months : int
        Default cut-offs.
    segments : None, callable or labels
        As in :func:`expected_revenue`; a callable receives the snapshot at each cut-off. Fixed
        labels are applied at every cut-off as they are.
    **model_params
        Passed to :func:`expected_revenue` (``age_bands_days``, ``value_shrinkage``, …).

    Returns
    -------
    ValueBacktest
        Empty tables with the note ``no_observed_cutoff`` when no cut-off is fully observed.
    """
    as_of_ts = parse_as_of(as_of)
    params = _backtest_params(
        as_of_ts, horizon_days, n_cutoffs, step_months, window_months, model_params
    )
    notes: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(panel, Panel):
        panel = build_panel(panel)
    h = pd.Timedelta(days=int(horizon_days))
    cuts = _cutoffs(panel, as_of_ts, cutoffs, h, n_cutoffs, step_months, notes)
    rows: list[dict[str, Any]] = []
    dec_rows: list[dict[str, Any]] = []
    per_client: list[pd.DataFrame] = []
    for c in cuts:
        done = _one_cutoff(panel, c, h, segments, window_months, model_params, notes)
        if done is not None:
            rows.extend(done[0])
            dec_rows.extend(done[1])
            per_client.append(done[2])
    table = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
    deciles = pd.DataFrame(dec_rows, columns=_DECILE_COLUMNS)
    clients = (
        pd.concat(per_client, ignore_index=True)
        if per_client
        else pd.DataFrame(columns=[CUTOFF, CLIENT_ID, ACTUAL, *BACKTEST_METHODS, "model_method"])
    )
    summary = _summary(table, notes, as_of_ts, int(horizon_days))
    return ValueBacktest(
        table=table, deciles=deciles, clients=clients, summary=summary, notes=notes, params=params
    )


def _summary(table: pd.DataFrame, notes: list, as_of_ts: pd.Timestamp, horizon_days: int) -> dict:
    """The backtest's summary: the cut-offs and the mean errors per method (a note when no
    cut-off was backtested)."""
    summary: dict[str, Any] = {"cutoffs": sorted(set(table[CUTOFF])) if len(table) else []}
    if table.empty:
        if not any(code == "cutoff_without_clients" for code, _ in notes):
            notes.append(("no_observed_cutoff", {"as_of": as_of_ts, "horizon_days": horizon_days}))
        return summary
    for name in BACKTEST_METHODS:
        t = table[table["method"] == name]
        summary[f"{name}_total_error"] = float(t["total_error"].mean())
        summary[f"{name}_abs_total_error"] = float(t["total_error"].abs().mean())
        summary[f"{name}_mae"] = float(t["mae"].mean())
    return summary


def _backtest_params(
    as_of_ts: pd.Timestamp,
    horizon_days: Any,
    n_cutoffs: Any,
    step_months: Any,
    window_months: Any,
    model_params: dict[str, Any],
) -> dict[str, Any]:
    """Check the backtest's parameters and the model's, once, before any work."""
    check_param(
        _is_int(horizon_days) and horizon_days >= 1,
        "horizon_days",
        "a positive integer (days)",
        horizon_days,
    )
    check_param(_is_int(n_cutoffs) and n_cutoffs >= 1, "n_cutoffs", "a positive integer", n_cutoffs)
    check_param(
        _is_int(step_months) and step_months >= 1, "step_months", "a positive integer", step_months
    )
    check_param(
        _is_int(window_months) and window_months >= 1,
        "window_months",
        "a positive integer",
        window_months,
    )
    unknown = sorted(set(model_params) - set(MODEL_DEFAULTS))
    check_param(not unknown, "model_params", f"keywords among {sorted(MODEL_DEFAULTS)}", unknown)
    mp = {**MODEL_DEFAULTS, **model_params}
    _check_params(horizon_days, window_months, mp)
    return {
        "as_of": as_of_ts,
        "horizon_days": int(horizon_days),
        "window_months": window_months,
        "n_cutoffs": n_cutoffs,
        "step_months": step_months,
        **mp,
    }


def _cutoffs(
    panel: Panel,
    as_of_ts: pd.Timestamp,
    cutoffs: Iterable[Any] | None,
    h: pd.Timedelta,
    n_cutoffs: int,
    step_months: int,
    notes: list,
) -> list[pd.Timestamp]:
    """The given cut-offs whose horizon is observed (a note for the others), or by default
    ``n_cutoffs`` month ends ``step_months`` apart, the last one observed."""
    if cutoffs is None:
        last = (as_of_ts - h).to_period("M")
        if (last.end_time.normalize() + h) > as_of_ts:
            last = last - 1
        cuts = [(last - step_months * i).end_time.normalize() for i in range(n_cutoffs)][::-1]
        first = panel.start
        return [c for c in cuts if first is not None and not pd.isna(first) and c >= first]
    check_param(
        not isinstance(cutoffs, (str, bytes)) and isinstance(cutoffs, Iterable),
        "cutoffs",
        "a list of dates",
        cutoffs,
    )
    kept = []
    for c in sorted({parse_as_of(c) for c in cutoffs}):
        if c + h <= as_of_ts:
            kept.append(c)
        else:
            notes.append(("cutoff_not_observed", {"cutoff": c}))
    return kept


def _one_cutoff(
    panel: Panel,
    c: pd.Timestamp,
    h: pd.Timedelta,
    segments: Any,
    window_months: int,
    model_params: dict[str, Any],
    notes: list,
) -> tuple[list[dict], list[dict], pd.DataFrame] | None:
    """(table rows, decile rows, per-client frame) of one cut-off; None (with a note) when the
    cut-off has no client or its snapshot fails."""
    start = panel.start
    if start is None or pd.isna(start) or c < start:  # no client had bought yet
        notes.append(("cutoff_without_clients", {"cutoff": c}))
        return None
    try:
        snap = take_snapshot(panel, as_of=c, window_months=window_months)
        later = take_snapshot(panel, as_of=c + h, window_months=window_months)
    except ReportkitError as exc:
        notes.append(("cutoff_failed", {"cutoff": c, "error": str(exc)}))
        return None
    pop = np.nan_to_num(_num(snap, ORDERS_TOTAL), nan=0.0) > 0
    if not pop.any():
        notes.append(("cutoff_without_clients", {"cutoff": c}))
        return None
    # each client's revenue by the horizon's end, matched by id (no copy of the later
    # snapshot, which is let go before the estimate: at 10M clients each is 1.5 GB)
    at = pd.Index(later[CLIENT_ID].to_numpy()).get_indexer(snap[CLIENT_ID].to_numpy())
    end_rev = _num(later, REVENUE_TOTAL)[np.maximum(at, 0)]
    del later
    end_rev[at < 0] = np.nan
    actual = np.nan_to_num(end_rev, nan=0.0) - np.nan_to_num(_num(snap, REVENUE_TOTAL), nan=0.0)
    del end_rev, at
    er = expected_revenue(
        snap, horizon_days=h.days, segments=segments, window_months=window_months, **model_params
    )
    notes.extend(("model_note", {"cutoff": c, "code": code, **p}) for code, p in er.notes)
    last12 = np.maximum(np.nan_to_num(_num(snap, REVENUE_WINDOW), nan=0.0), 0.0) * (
        h.days / _window_days(c, window_months)
    )
    seg = er.clients[SEGMENT].to_numpy()
    seg_mean = pd.Series(last12[pop]).groupby(seg[pop]).mean()
    segm = np.where(pop, pd.Series(seg).map(seg_mean).fillna(0.0).to_numpy(dtype=float), 0.0)
    preds = {MODEL: er.clients[EXPECTED_REVENUE_12M].to_numpy(dtype=float), LAST_12M: last12}
    preds[SEGMENT_MEAN] = segm
    a = actual[pop]
    frame = pd.DataFrame(
        {
            CUTOFF: c,
            CLIENT_ID: snap[CLIENT_ID].to_numpy()[pop],
            ACTUAL: a,
            **{k: v[pop] for k, v in preds.items()},
            "model_method": er.clients[METHOD].to_numpy()[pop],
        }
    )
    rows: list[dict[str, Any]] = []
    dec_rows: list[dict[str, Any]] = []
    for name in BACKTEST_METHODS:
        p = preds[name][pop]
        rows.append({"method": name, CUTOFF: c, **_metrics(p, a)})
        dec_rows.extend({"method": name, CUTOFF: c, **d} for d in _deciles(p, a))
    base_mae = rows[BACKTEST_METHODS.index(LAST_12M)]["mae"]
    for r in rows:
        r["mae_vs_last_12m"] = (r["mae"] / base_mae) if base_mae else np.nan
    return rows, dec_rows, frame


def _metrics(pred: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    sp, sa = float(pred.sum()), float(actual.sum())
    return {
        "n_clients": len(pred),
        "predicted": sp,
        "actual": sa,
        "total_error": (sp / sa - 1.0) if sa != 0 else np.nan,
        "mae": float(np.abs(pred - actual).mean()) if len(pred) else np.nan,
    }


def _deciles(pred: np.ndarray, actual: np.ndarray, k: int = 10) -> list[dict[str, Any]]:
    n = len(pred)
    if n == 0:
        return []
    order = np.argsort(pred, kind="stable")
    dec = np.empty(n, dtype=np.int64)
    dec[order] = np.arange(n) * k // n + 1
    out = []
    for d in range(1, k + 1):
        sel = dec == d
        if sel.any():
            out.append({DECILE: d, **_metrics(pred[sel], actual[sel])})
    return out
