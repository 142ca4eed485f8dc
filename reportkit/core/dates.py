"""Report dates: the one parser of ``as_of`` and the rules that tie a report date to the data.

Every module that takes an ``as_of`` parses it here, so that a date is understood (and refused)
the same way everywhere.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ParameterError, check_param
from ..io.dataset import Dataset

__all__ = ["check_as_of", "default_as_of", "month_end", "parse_as_of", "period_end"]


def parse_as_of(as_of: Any, *, month_end: bool = False) -> pd.Timestamp:
    """``as_of`` (a date string, ``datetime.date``, ``numpy.datetime64`` or Timestamp) -> a naive
    Timestamp at midnight; with ``month_end`` it must be the last day of a month.

    >>> parse_as_of("2024-06-30 15:00")
    Timestamp('2024-06-30 00:00:00')
    >>> parse_as_of("2024-06-15", month_end=True)
    Traceback (most recent call last):
    ...
    reportkit.errors.ParameterError: `as_of` must be the last day of a month (the panel is monthly), e.g. '2024-06-30', got '2024-06-15'
    """
    ts = pd.NaT
    if isinstance(as_of, (str, _dt.date, np.datetime64)):
        try:
            ts = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            ts = pd.NaT
    check_param(
        ts is not pd.NaT and not pd.isna(ts),
        "as_of",
        "a date such as '2024-06-30' or a Timestamp",
        as_of,
    )
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    try:
        ts = ts.normalize().as_unit("ns")
    except (OverflowError, ValueError):
        check_param(False, "as_of", "a date between 1678 and 2261", as_of)
    if month_end:
        check_param(
            ts.is_month_end,
            "as_of",
            "the last day of a month (the panel is monthly), e.g. '2024-06-30'",
            as_of,
        )
    return ts


def month_end(ts: pd.Timestamp) -> pd.Timestamp:
    """The last month end on or before ``ts``."""
    ts = pd.Timestamp(ts).normalize()
    end = (ts + pd.offsets.MonthEnd(0)).normalize()
    return end if end == ts else (ts - pd.offsets.MonthEnd(1)).normalize()


def default_as_of(dataset: Dataset) -> str:
    """The default report date: the end of the last full month in the transactions (the last
    transaction date itself when it is a month end); the last transaction date when the data
    lie within one month that is not over, so that the report is never dated before its data.

    >>> def ds(*days):
    ...     return Dataset(transactions=pd.DataFrame({"date": pd.to_datetime(days)}))
    >>> default_as_of(ds("2024-01-10", "2024-03-15")), default_as_of(ds("2024-03-15"))
    ('2024-02-29', '2024-03-15')
    """
    first, last = dataset.date_range()
    if first is None or last is None or pd.isna(last):
        raise InputError(
            "the transactions are empty: there is no date to report as of; load a "
            "file with dated sales rows or pass as_of."
        )
    last = pd.Timestamp(last).normalize()
    end = month_end(last)
    if end < pd.Timestamp(first).normalize():
        end = last
    return end.strftime("%Y-%m-%d")


def check_as_of(dataset: Dataset, stamp: pd.Timestamp, *, allow_future: bool = True) -> None:
    """An as-of date before the first transaction leaves nothing to report on, and one more than
    a month after the end of the last transaction's month would call every client lost: both
    are input errors (the second unless ``allow_future``)."""
    first, last = dataset.date_range()
    if first is not None and pd.notna(first) and stamp < pd.Timestamp(first).normalize():
        raise InputError(
            f"as_of {stamp:%Y-%m-%d} is before the first transaction "
            f"({pd.Timestamp(first):%Y-%m-%d}): there is nothing to report on yet; "
            "choose a later date (--as-of)."
        )
    if allow_future or last is None or pd.isna(last):
        return
    limit = (pd.Timestamp(last).to_period("M") + 1).end_time.normalize()
    if stamp > limit:
        raise InputError(
            f"as_of {stamp:%Y-%m-%d} is more than a month after the data "
            f"({pd.Timestamp(first):%Y-%m-%d} – {pd.Timestamp(last):%Y-%m-%d}): the "
            "report would count every client as lost. Choose a date within the "
            "data (--as-of), or add --allow-future if that is what you mean."
        )


def period_end(period: str) -> str:
    """The last day of a "YYYY-MM" period.

    >>> period_end("2024-02")
    '2024-02-29'
    """
    try:
        return pd.Period(period, freq="M").end_time.strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        raise ParameterError(f"`period` must be a month like 2024-06, got {period!r}") from None
