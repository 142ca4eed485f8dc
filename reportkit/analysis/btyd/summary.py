"""The per-client summary the models read, from transactions or from a client snapshot.

:func:`rfm_summary` computes it from transactions the way lifetimes'
``summary_data_from_transaction_data`` does (days or weeks); :func:`snapshot_summary` from a
client snapshot (:func:`reportkit.snapshot`), in days, for the report's own forecasts.

From a snapshot
---------------
Clients with a purchase and usable first/last order dates get:

``frequency``
    ``orders_total - 1``, or 0 when every order fell on one day (one purchase period, as
    lifetimes counts them);
``recency``
    days from the first to the last order (at most ``T``), 0 without a repeat purchase;
``T``
    ``tenure_days``: days from the first order to the snapshot's date;
``monetary_value``, ``monetary_count``
    the mean value of the client's *repeat* orders and how many orders it rests on (the
    Gamma-Gamma's m and x), 0 without a repeat purchase or with a net revenue <= 0. The
    snapshot does not keep the first order's value: it is taken as the mean of the orders
    placed before the look-back window (exact when there was one), or as the client's mean
    order value when every order is inside the window (then m is the mean order value, the one
    case where the first order stays in). With ``order_values="window"`` a client that ordered
    both before and inside the window uses its window orders (all repeat orders: exact). A mean
    <= 0 (repeat orders netted away by returns) becomes the client's mean order value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io.schema import (
    CLIENT_ID,
    DATE,
    FIRST_ORDER,
    FREQUENCY,
    LAST_ORDER,
    MONETARY_VALUE,
    ORDERS_TOTAL,
    ORDERS_WINDOW,
    RECENCY,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    T_AGE,
    TENURE_DAYS,
)
from .base import _check_bad

#: number of repeat orders behind ``monetary_value`` (the Gamma-Gamma's x; default: frequency)
MONETARY_COUNT = "monetary_count"

_FREQS = {"D": 1, "W": 7}
_NS_PER_DAY = 86_400 * 10**9
#: the snapshot columns :func:`snapshot_summary` reads (``orders_window`` is optional)
SNAPSHOT_COLUMNS = (
    CLIENT_ID,
    FIRST_ORDER,
    LAST_ORDER,
    TENURE_DAYS,
    ORDERS_TOTAL,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    client_col: str = CLIENT_ID,
    date_col: str = DATE,
    as_of: Any,
    freq: str = "D",
    amount_col: str | None = None,
) -> pd.DataFrame:
    """Per-client (frequency, recency, T) as lifetimes' ``summary_data_from_transaction_data``.

    Dates are cut to periods of ``freq`` (days, or weeks Monday–Sunday as pandas' ``"W"``
    periods); a client's purchases in one period count once. With ``amount_col``, a period is a
    purchase only when its net amount (purchases minus returns) is > 0: a day of returns only is
    no purchase (an unreadable amount counts as 0). frequency = distinct purchase periods - 1;
    recency = last period - first period; T = the period of ``as_of`` - first period, in units
    of ``freq``. Transactions dated after ``as_of`` are ignored (lifetimes keeps those that fall
    in the same week as ``as_of`` when freq="W"; here nothing later than ``as_of`` is used).

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction.
    client_col : str, default "client_id"
    date_col : str, default "date"
    as_of : date-like
        The report date (required).
    freq : {"D", "W"}, default "D"
    amount_col : str, optional
        If given, periods need a positive net amount to count, and the result has
        ``monetary_value``: the mean over the repeat periods of the amount per period (0
        without a repeat purchase), as lifetimes' ``monetary_value_col``.

    Returns
    -------
    DataFrame
        One row per client with a purchase on or before ``as_of``, sorted by client:
        ``client_col``, ``frequency``, ``recency``, ``T`` (floats), and ``monetary_value`` if
        ``amount_col`` is given.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11",
    ...                                            "2024-01-05"])})
    >>> rfm_summary(tx, as_of="2024-01-31")
      client_id  frequency  recency     T
    0         a        1.0     10.0  30.0
    1         b        0.0      0.0  26.0
    """
    check_param(freq in _FREQS, "freq", '"D" or "W"', freq)
    days, end_day = _transaction_days(transactions, client_col, date_col, amount_col, as_of)
    step = _FREQS[freq]
    # lifetimes' "W" periods start on Monday; day 4 since 1970-01-01 (a Thursday) is a Monday
    period = days if step == 1 else (days - 4) // 7 * 7 + 4
    end = end_day if step == 1 else (end_day - 4) // 7 * 7 + 4
    keep = days <= end_day
    frame = pd.DataFrame({"c": transactions[client_col].to_numpy()[keep], "p": period[keep]})
    if amount_col:
        frame["m"] = pd.to_numeric(transactions[amount_col], errors="coerce").to_numpy()[keep]
        per = frame.groupby(["c", "p"], sort=True)["m"].sum(min_count=0).reset_index()
        per = per[per["m"].to_numpy() > 0]  # a purchase period needs a positive net amount
    else:
        per = frame.drop_duplicates(["c", "p"]).sort_values(["c", "p"], kind="stable")
    g = per.groupby("c", sort=True)["p"]
    first, last, count = g.min(), g.max(), g.size()
    out = pd.DataFrame(
        {
            client_col: first.index.to_numpy(),
            FREQUENCY: (count.to_numpy() - 1).astype(float),
            RECENCY: ((last.to_numpy() - first.to_numpy()) / step).astype(float),
            T_AGE: ((end - first.to_numpy()) / step).astype(float),
        }
    )
    if amount_col:
        is_first = per["p"].to_numpy() == per["c"].map(first).to_numpy()
        rep = per.loc[~is_first].groupby("c", sort=True)["m"].mean()
        out[MONETARY_VALUE] = rep.reindex(first.index).fillna(0.0).to_numpy(dtype=float)
    return out


def _transaction_days(
    transactions: pd.DataFrame,
    client_col: str,
    date_col: str,
    amount_col: str | None,
    as_of: Any,
) -> tuple[np.ndarray, int]:
    """Check the transactions; return each row's day and the as-of day (days since 1970)."""
    where = "rfm_summary"
    if not isinstance(transactions, pd.DataFrame):
        raise InputError(
            f"{where}: `transactions` must be a DataFrame, got {type(transactions).__name__}."
        )
    cols = [client_col, date_col] + ([amount_col] if amount_col else [])
    missing = [c for c in cols if c not in transactions.columns]
    if missing:
        raise InputError(
            f"{where}: column(s) {', '.join(map(repr, missing))} not found; the "
            f"frame has {', '.join(map(repr, transactions.columns[:10]))}. Pass "
            "`client_col=`, `date_col=`, `amount_col=` to name them."
        )
    try:
        as_of_ts = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise InputError(f"{where}: `as_of` must be a date, got {as_of!r}.") from None
    if as_of_ts is pd.NaT:
        raise InputError(f"{where}: `as_of` must be a date, got {as_of!r}.")
    dates = pd.to_datetime(transactions[date_col], errors="coerce")
    bad = dates.isna().to_numpy() | transactions[client_col].isna().to_numpy()
    _check_bad(
        bad,
        where,
        f"a transaction with a missing `{client_col}` or an unreadable `{date_col}`",
        "drop or fix those rows first.",
    )
    if as_of_ts.tzinfo is not None or getattr(dates.dt, "tz", None) is not None:
        raise InputError(f"{where}: dates and `as_of` must be time-zone naive.")
    days = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64) // _NS_PER_DAY
    return days, as_of_ts.value // _NS_PER_DAY


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _days(values: pd.Series) -> np.ndarray:
    """Datetime column -> days since 1970 (float, NaN for NaT)."""
    d = pd.to_datetime(values, errors="coerce")
    out = np.full(len(d), np.nan)
    ok = d.notna().to_numpy()
    out[ok] = ((d[ok] - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)
    return out


def snapshot_summary(snapshot: pd.DataFrame, *, order_values: str = "window") -> pd.DataFrame:
    """The models' per-client summary read from a client snapshot, in days.

    One row per snapshot row (same order); the columns are defined in the module docstring.
    Rows without a purchase or with missing or inconsistent order dates have NaN in all five.

    Parameters
    ----------
    snapshot : DataFrame
        A client snapshot with the columns of :data:`SNAPSHOT_COLUMNS` (``orders_window``
        optional: without it every order counts as inside the window).
    order_values : {"window", "all"}, default "window"

    Returns
    -------
    DataFrame
        ``client_id``, ``frequency``, ``recency``, ``T``, ``monetary_value``,
        ``monetary_count``.

    Examples
    --------
    >>> import pandas as pd
    >>> import reportkit as rk
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2023-01-10", "2024-03-05", "2024-05-20",
    ...                                            "2024-04-01"]),
    ...                    "amount": [100.0, 120.0, 90.0, 40.0]})
    >>> snapshot_summary(rk.snapshot(tx, as_of="2024-06-30"))  # a's repeat orders: (120 + 90) / 2
      client_id  frequency  recency      T  monetary_value  monetary_count
    0         a        2.0    496.0  537.0           105.0             2.0
    1         b        0.0      0.0   90.0             0.0             0.0
    """
    check_param(
        order_values in ("window", "all"), "order_values", "'window' or 'all'", order_values
    )
    missing = [c for c in SNAPSHOT_COLUMNS if c not in snapshot.columns]
    if missing:
        raise InputError(
            f"snapshot_summary: the snapshot has no column(s) {', '.join(map(repr, missing))}."
        )

    def clean(col: str) -> np.ndarray:
        v = _num(snapshot, col)
        return np.where(np.isfinite(v), v, 0.0)

    orders, revenue = clean(ORDERS_TOTAL), clean(REVENUE_TOTAL)
    orders_w = clean(ORDERS_WINDOW) if ORDERS_WINDOW in snapshot.columns else orders
    tenure = _num(snapshot, TENURE_DAYS)
    span = _days(snapshot[LAST_ORDER]) - _days(snapshot[FIRST_ORDER])
    with np.errstate(invalid="ignore"):
        dated = (orders > 0) & (tenure >= 0) & (span >= 0)
    repeat = dated & (orders >= 2) & (span > 0)
    nan = np.full(len(snapshot), np.nan)
    x = np.where(dated, np.where(repeat, orders - 1.0, 0.0), nan)
    x_m, m = np.where(dated, 0.0, nan), np.where(dated, 0.0, nan)
    spend = repeat & (revenue > 0)
    x_m[spend], m[spend] = _repeat_mean(
        orders[spend],
        revenue[spend],
        orders_w[spend],
        clean(REVENUE_WINDOW)[spend],
        order_values == "window",
    )
    return pd.DataFrame(
        {
            CLIENT_ID: snapshot[CLIENT_ID].to_numpy(),
            FREQUENCY: x,
            RECENCY: np.where(dated, np.where(repeat, np.minimum(span, tenure), 0.0), nan),
            T_AGE: np.where(dated, tenure, nan),
            MONETARY_VALUE: m,
            MONETARY_COUNT: x_m,
        }
    )


def _repeat_mean(
    n: np.ndarray, rev: np.ndarray, n_w: np.ndarray, rev_w: np.ndarray, recent: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(number of repeat orders behind the mean, mean value of those repeat orders) of repeat
    buyers, from their orders and revenue in total and in the window (see
    :func:`snapshot_summary`)."""
    n_before = n - n_w
    aov = rev / n
    v1 = np.where(n_before > 0, (rev - rev_w) / np.maximum(n_before, 1.0), aov)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (rev - v1) / (n - 1.0)
    m = np.where(np.isfinite(m) & (m > 0), m, aov)
    x = n - 1.0
    if recent:
        use = (n_before > 0) & (n_w > 0) & (rev_w > 0)
        m = np.where(use, rev_w / np.maximum(n_w, 1.0), m)
        x = np.where(use, n_w, x)
    return x, m
