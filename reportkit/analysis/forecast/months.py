"""Months as integers (months since 1970-01) and as ``YYYY-MM`` text."""

from __future__ import annotations

import pandas as pd

_EPOCH_MONTH = 1970 * 12


def month_number(ts: pd.Timestamp) -> int:
    """The month of a day, as months since 1970-01."""
    return int(ts.year * 12 + ts.month - 1 - _EPOCH_MONTH)


def period_of(month: int) -> str:
    """Month number -> ``YYYY-MM``."""
    y, m = divmod(int(month) + _EPOCH_MONTH, 12)
    return f"{y:04d}-{m + 1:02d}"


def last_complete(day: pd.Timestamp) -> int:
    """The last month ``day`` completes: its own when it is the month's last day."""
    return month_number(day) - int(day != day + pd.offsets.MonthEnd(0))
