"""The periods of a monthly batch: what one period's build came to (:class:`PeriodResult`), where
its files are, and the months a batch asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ParameterError


@dataclass
class PeriodResult:
    """One period of a monthly batch: ``status`` is "done", "skipped" (up to date), "failed" or
    "outside_data" (a month after the last transaction's month or before the first transaction:
    not built, ``error`` says why)."""

    period: str
    status: str
    html: Path | None = None
    notebook: Path | None = None
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


#: status of a requested month that lies outside the data (not built)
OUTSIDE = "outside_data"


def _period_paths(out: Path, period: str) -> tuple[Path, Path]:
    return out / f"monthly_{period}.html", out / f"monthly_{period}"


def _periods(start: Any, end: Any) -> list[pd.Period]:
    def parse(value: Any, name: str) -> pd.Period:
        if isinstance(value, pd.Period):
            return value.asfreq("M")
        if isinstance(value, (pd.Timestamp, datetime, date)):
            return pd.Timestamp(value).to_period("M")
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            raise ParameterError(f"`{name}` must be a month like 2024-06, got {value!r}")
        return pd.Period(text, freq="M")

    first, last = parse(start, "start"), parse(end, "end")
    if last < first:
        raise ParameterError(f"`end` must not be before `start`, got start={start!r}, end={end!r}")
    return list(pd.period_range(first, last, freq="M"))
