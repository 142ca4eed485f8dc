"""The periods of a monthly batch: what one period's build came to (:class:`PeriodResult`), where
its files are, the months a batch asks for, and the periods an output folder holds
(:func:`periods_on_disk`, what the index page lists)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ParameterError, ReportError
from ..store import read_kpis


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


#: a period's report, or the notebook of its failed build, in the output folder
_PERIOD_FILE = re.compile(r"monthly_(\d{4}-(?:0[1-9]|1[0-2]))(\.html|\.failed\.ipynb)")


def _notebook_error(notebook: Path) -> str:
    """The error a failed notebook shows ("KeyError: 'x'"); "" when it cannot be read."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
                    return re.sub(r"\x1b\[[0-9;]*m", "", text).strip(": ")
    except (OSError, ValueError, AttributeError):
        pass
    return ""


def _saved_kpis(folder: Path) -> dict[str, Any]:
    try:
        return read_kpis(folder)
    except ReportError:  # a damaged kpis.json: the row shows no figures, the index is written
        return {}


def periods_on_disk(out: Path, known: Iterable[PeriodResult] = ()) -> list[PeriodResult]:
    """Every period an output folder holds, in period order, whichever run built it.

    A period with a report (``monthly_YYYY-MM.html``) is "done", its key figures read from
    ``monthly_YYYY-MM/kpis.json``; a period without one whose last build failed (it left
    ``monthly_YYYY-MM.failed.ipynb``) is "failed", with the error ``known`` (this run's
    results) gives for it, else the error its notebook shows.

    Parameters
    ----------
    out : Path
        The output folder of the monthly batch.
    known : iterable of PeriodResult, optional
        This run's results.

    Returns
    -------
    list of PeriodResult
    """
    found: dict[str, bool] = {}
    for path in Path(out).iterdir():
        match = _PERIOD_FILE.fullmatch(path.name)
        if match and path.is_file():
            found[match.group(1)] = found.get(match.group(1), False) or match.group(2) == ".html"
    errors = {r.period: r.error for r in known if r.status == "failed" and r.error}
    rows = []
    for period in sorted(found):
        html, work = _period_paths(Path(out), period)
        if found[period]:
            saved = work / f"monthly_{period}.ipynb"
            rows.append(
                PeriodResult(
                    period,
                    "done",
                    html=html,
                    kpis=_saved_kpis(work),
                    notebook=saved if saved.is_file() else None,
                )
            )
        else:
            failed = Path(out) / f"monthly_{period}.failed.ipynb"
            error = errors.get(period) or _notebook_error(failed)
            rows.append(PeriodResult(period, "failed", notebook=failed, error=error))
    return rows
