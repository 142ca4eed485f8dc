"""Why at risk: each feature's contribution to a client's risk, and the two reason codes."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ...io.schema import (
    INTERVAL_DAYS,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    RECENCY_DAYS,
    REVENUE_LAST3,
    REVENUE_PREV3,
    REVENUE_PREV_WINDOW,
    REVENUE_WINDOW,
)
from .codes import (
    _MISSING,
    BASELINE_BGNBD,
    BASELINE_RECENCY,
    BASELINES,
    FEATURE_REASONS,
    FEW_ORDERS,
    LOW_SPEND,
    P_NO_PURCHASE,
    REASON_1,
    REASON_2,
    REASON_CODES,
    RECENCY_RATIO,
    SILENT,
    SINGLE_ORDER,
    SPEND_CHANGE,
    SPEND_CHANGE_3M,
    SPEND_DOWN,
)
from .scorers import _baseline_scores

# --- why at risk ----------------------------------------------------------------------------------


def _direction(values: np.ndarray, typical: np.ndarray) -> np.ndarray:
    """+1 above typical, -1 below, 0 equal, ``_MISSING`` for a missing value (per cell)."""
    with np.errstate(invalid="ignore"):
        d = np.sign(values - typical)
    return np.where(np.isnan(values), _MISSING, np.nan_to_num(d, nan=0.0)).astype(np.int8)


def _linear_parts(model, features: list[str]):
    """(transformer, coefficients, owner feature index per column, indicator flag per column)
    when ``model`` is a pipeline of transformers ending in a binary linear classifier whose
    output columns all map back to ``features``; else None."""
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline) or len(model.steps) < 2:
        return None
    coef = getattr(model[-1], "coef_", None)
    if coef is None or np.ndim(coef) != 2 or np.shape(coef)[0] != 1:
        return None
    head = model[:-1]
    try:
        names = [str(n) for n in head.get_feature_names_out(features)]
    except Exception:  # noqa: BLE001 - no feature names: the model is explained locally instead
        return None
    where = {f: j for j, f in enumerate(features)}
    owner, indicator = [], []
    for name in names:
        base = name.removeprefix("missingindicator_")
        if base not in where:
            return None
        owner.append(where[base])
        indicator.append(name != base)
    if len(names) != np.shape(coef)[1]:
        return None
    return head, np.asarray(coef[0], dtype=float), np.array(owner), np.array(indicator)


def explain_reference(name: str, model, X: pd.DataFrame, features: list[str]) -> tuple[str, Any]:
    """What :func:`explain` compares each client with, computed once on the whole population
    ``X`` so that the population can then be explained block by block: the baselines'
    percentile contributions (whole frames), the linear model's mean transformed row, or the
    typical (median) value of each feature."""
    if name in BASELINES or model is None:
        return "baseline percentiles", _explain_baselines(X)
    Xf = X[features]
    parts = _linear_parts(model, features)
    if parts is not None:
        head = parts[0]
        total = None
        for lo in range(0, len(Xf), _EXPLAIN_ROWS):
            block = np.asarray(head.transform(Xf.iloc[lo : lo + _EXPLAIN_ROWS]), dtype=float)
            total = block.sum(axis=0) if total is None else total + block.sum(axis=0)
        if total is None:
            total = np.full(len(features), np.nan)
        return "exact linear contributions", total / max(len(Xf), 1)
    values = Xf.to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # median of an all-missing column
        typical = np.nanmedian(values, axis=0) if len(values) else np.full(len(features), np.nan)
    return "median replacement", typical


_EXPLAIN_ROWS = 1 << 19  # rows per block when the reference is computed over blocks


def _explain_baselines(X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    index = X.index
    scores = _baseline_scores(X)
    cols = [RECENCY_RATIO, P_NO_PURCHASE]
    values = {RECENCY_RATIO: scores[BASELINE_RECENCY], P_NO_PURCHASE: scores[BASELINE_BGNBD]}
    contrib = pd.DataFrame(
        {c: pd.Series(values[c], index=index).rank(pct=True) - 0.5 for c in cols}, index=index
    )
    raw = X[cols].to_numpy(dtype=float)
    direction = np.where(np.isnan(raw), _MISSING, np.sign(contrib.to_numpy())).astype(np.int8)
    return contrib, pd.DataFrame(direction, index=index, columns=cols)


def explain(
    name: str,
    model,
    X: pd.DataFrame,
    features: list[str],
    reference: tuple[str, Any] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Per-client contributions of each feature to the scorer's churn risk, against a typical
    client of the rows of ``X`` (the population).

    Parameters
    ----------
    name : str
        The scorer (:data:`BASELINE_RECENCY`, :data:`BASELINE_BGNBD` or a candidate's name).
    model : fitted estimator or None
        The candidate (None for a baseline).
    X : DataFrame
        The population's feature frame (:func:`make_features`), or a block of its rows when
        ``reference`` is given.
    features : list of str
        The columns the model was fitted on.
    reference : tuple, optional
        :func:`explain_reference` of the whole population, when ``X`` is a block of it.

    Returns
    -------
    (contributions, direction, method)
        ``contributions``: one row per row of ``X``, one column per explained feature; > 0 =
        the feature raises the client's risk above a typical client. ``direction``: same shape,
        +1 when the client's value is above typical, -1 below, 0 equal, 2 missing. ``method``:
        ``"exact linear contributions"``, ``"median replacement"`` or
        ``"baseline percentiles"`` (see the module docstring).
    """
    method, ref = (
        reference if reference is not None else explain_reference(name, model, X, features)
    )
    index = X.index
    if method == "baseline percentiles":
        contrib, direction = ref
        if reference is not None:
            contrib, direction = contrib.loc[index], direction.loc[index]
        return contrib, direction, method
    Xf = X[features]
    if method == "exact linear contributions":
        head, coef, owner, indicator = _linear_parts(model, features)
        Z = np.asarray(head.transform(Xf), dtype=float)
        dev = Z - ref
        cell = coef * dev
        contrib = np.zeros((len(X), len(features)))
        np.add.at(contrib.T, owner, cell.T)
        direction = np.zeros((len(X), len(features)), dtype=np.int8)
        value_cols = np.flatnonzero(~indicator)
        direction[:, owner[value_cols]] = np.sign(dev[:, value_cols]).astype(np.int8)
        direction[np.isnan(Xf.to_numpy(dtype=float))] = _MISSING
        return (
            pd.DataFrame(contrib, index=index, columns=features),
            pd.DataFrame(direction, index=index, columns=features),
            method,
        )
    typical = ref
    values = Xf.to_numpy(dtype=float)
    base = np.asarray(model.predict_proba(Xf)[:, 1], dtype=float)
    contrib = np.zeros((len(X), len(features)))
    work = Xf.copy()
    for j, f in enumerate(features):
        work[f] = typical[j]
        contrib[:, j] = base - np.asarray(model.predict_proba(work)[:, 1], dtype=float)
        work[f] = Xf[f]
    return (
        pd.DataFrame(contrib, index=index, columns=features),
        pd.DataFrame(_direction(values, typical), index=index, columns=features),
        method,
    )


#: contributions up to this size are rounding noise, not a reason (a client at the population's
#: mean differs from it by 1e-17 or so, depending on the order the mean was summed in)
_NOISE = 1e-9


def reason_codes(
    contributions: pd.DataFrame,
    direction: pd.DataFrame,
    facts: pd.DataFrame,
    medians: dict[str, float | None] | None = None,
) -> pd.DataFrame:
    """The two main reasons (codes of :data:`REASON_CODES`) per row.

    Parameters
    ----------
    contributions, direction : DataFrame
        From :func:`explain` (same index and columns).
    facts : DataFrame
        Same index: ``orders_total``, ``recency_days``, ``interval_days``, ``spend_change``,
        ``spend_change_3m`` — to keep only codes the client's own figures agree with.
    medians : dict, optional
        :func:`facts_medians` of the whole population, when the rows are a block of it
        (default: the medians of ``facts``).

    Returns
    -------
    DataFrame
        ``reason_1``, ``reason_2``: object columns, None where fewer reasons exist.

    Examples
    --------
    >>> c = pd.DataFrame({"recency_days": [0.8, 0.5], "orders_window": [0.3, -0.2],
    ...                   "tenure_days": [0.1, 0.4]})
    >>> d = pd.DataFrame({"recency_days": [1, 1], "orders_window": [-1, 1],
    ...                   "tenure_days": [-1, 1]})
    >>> f = pd.DataFrame({"orders_total": [4, 1], "recency_days": [120.0, 200.0],
    ...                   "interval_days": [30.0, np.nan], "spend_change": [np.nan, np.nan],
    ...                   "spend_change_3m": [np.nan, np.nan]})
    >>> reason_codes(c, d, f)
                       reason_1                reason_2
    0  silent_longer_than_usual              few_orders
    1              single_order  long_since_first_order
    """
    n = len(contributions)
    codes = np.array(REASON_CODES, dtype=object)
    col = {c: k for k, c in enumerate(REASON_CODES)}
    total = np.zeros((n, len(REASON_CODES)))
    agree = _agreement(facts, n, medians)
    single = agree[SINGLE_ORDER]
    for feature in contributions.columns:
        rules = FEATURE_REASONS.get(feature)
        if not rules:
            continue
        c = contributions[feature].to_numpy(dtype=float)
        d = direction[feature].to_numpy()
        for key, code in rules.items():
            want = _MISSING if key == "missing" else key
            hit = (d == want) & (c > _NOISE)
            target = np.full(n, col[code])
            if code in (SILENT, FEW_ORDERS):
                # a one-order client is silent or has few orders because it ordered once
                target = np.where(single, col[SINGLE_ORDER], target)
                hit &= single | agree[code]
            elif code in agree:
                hit &= agree[code]
            rows = np.flatnonzero(hit)
            np.add.at(total, (rows, target[rows]), c[rows])
    order = np.argsort(-total, axis=1, kind="stable")[:, :2]
    best = np.take_along_axis(total, order, axis=1)
    picked = np.where(best > _NOISE, codes[order], np.array(None, dtype=object))
    return pd.DataFrame(
        {REASON_1: picked[:, 0] if n else [], REASON_2: picked[:, 1] if n else []},
        index=contributions.index,
        dtype=object,
    )


_REASONS_METHOD = {
    "exact linear contributions": "exact contributions coef × (z − population mean of z) of "
    "the standardised features",
    "median replacement": "change in the model's probability when one feature at a time is "
    "replaced by the population median",
    "baseline percentiles": "percentile in the population of the recency ratio and of the "
    "BG/NBD P(no purchase)",
}


def _agreement(
    facts: pd.DataFrame, n: int, medians: dict[str, float | None] | None = None
) -> dict[str, np.ndarray]:
    """Per code, the rows whose own figures agree with it (codes without a rule: every row)."""
    recency = facts[RECENCY_DAYS].to_numpy(dtype=float)
    interval = facts[INTERVAL_DAYS].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return {
            SINGLE_ORDER: facts[ORDERS_TOTAL].fillna(0).to_numpy(dtype=float) <= 1,
            SILENT: recency > interval,
            SPEND_DOWN: (facts[SPEND_CHANGE].to_numpy(dtype=float) < 0)
            | (facts[SPEND_CHANGE_3M].to_numpy(dtype=float) < 0),
            # "low spend" and "few orders" only for a client below the population's median of
            # its last 12 months (when the facts carry them): a large client whose recent
            # quarter dipped is not "low spend"
            LOW_SPEND: _below_median(facts, REVENUE_WINDOW, n, medians),
            FEW_ORDERS: _below_median(facts, ORDERS_WINDOW, n, medians),
        }


def _ratio_change(now: pd.Series, before: pd.Series) -> pd.Series:
    before = before.astype("float64")
    return (now.astype("float64") / before.where(before > 0) - 1).replace([np.inf, -np.inf], np.nan)


def facts_medians(facts: pd.DataFrame) -> dict[str, float | None]:
    """The population's medians "low spend" and "few orders" compare with (None: the column
    is missing or has no finite value, and every row agrees)."""
    out: dict[str, float | None] = {}
    for column in (REVENUE_WINDOW, ORDERS_WINDOW):
        values = facts[column].to_numpy(dtype=float) if column in facts.columns else np.zeros(0)
        out[column] = float(np.nanmedian(values)) if np.isfinite(values).any() else None
    return out


def _below_median(
    facts: pd.DataFrame, column: str, n: int, medians: dict[str, float | None] | None = None
) -> np.ndarray:
    """Rows whose ``column`` is below the median over the rows, or over the population when
    ``medians`` (:func:`facts_medians`) is given (all True without the column)."""
    median = (medians if medians is not None else facts_medians(facts)).get(column)
    if median is None or column not in facts.columns:
        return np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        return facts[column].to_numpy(dtype=float) < median


def _facts(s: pd.DataFrame, X: pd.DataFrame) -> pd.DataFrame:
    """The client's own figures that the reason codes are checked against (index of ``s``)."""

    def col(name):
        return s[name] if name in s.columns else pd.Series(np.nan, index=s.index)

    return pd.DataFrame(
        {
            ORDERS_TOTAL: col(ORDERS_TOTAL).astype("float64"),
            RECENCY_DAYS: col(RECENCY_DAYS).astype("float64"),
            INTERVAL_DAYS: col(INTERVAL_DAYS).astype("float64"),
            SPEND_CHANGE: _ratio_change(col(REVENUE_WINDOW), col(REVENUE_PREV_WINDOW)),
            SPEND_CHANGE_3M: _ratio_change(col(REVENUE_LAST3), col(REVENUE_PREV3)),
            REVENUE_WINDOW: col(REVENUE_WINDOW).astype("float64"),
            ORDERS_WINDOW: col(ORDERS_WINDOW).astype("float64"),
        },
        index=s.index,
    )
