"""The monthly batch: :func:`monthly`, one report per month and the index page.

A requested period is skipped (left as it is) when its HTML is newer than the data files, the
config file and the notebook and it was built with the same settings (language, mask, pdf,
config values, notebook, reportkit version); data passed as a Dataset (in memory) is always
rebuilt, and ``force`` rebuilds every period.

The data is loaded and the panel built once (and only if some period needs building), kept in
the cache entry of this output folder and input (outside the output folder; a re-run on the
same input reads it instead) and shared by all notebooks. Periods run in parallel; one that
fails does not stop the others. Months after the last transaction's month (or ending before the
first transaction) are not built: they are noted in the result (``outside_data``, ``notes``)
and on the terminal; when every requested month is outside the data, an
:class:`~reportkit.errors.InputError` names the data's range.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import InputError, check_param
from ...io.config import Config
from ...io.dataset import Dataset
from ...progress import PROGRESS
from .. import text as T
from ..mask import check_key_outside
from ..pipeline import check_data
from ..store import KPIS_FILE, open_cache, read_kpis
from .common import _version, made_on_date, resolve_notebook
from .folder import _clear_stale_staging, check_output_folder, output_lock
from .index import write_index
from .inputs import (
    _base_title,
    _inputs_mtime,
    _masked_note,
    _prepare_inputs,
    _read_or_load,
    _settings,
    release_memory,
)
from .kernel import find_kernel
from .periods import OUTSIDE, PeriodResult, _period_paths, _periods, periods_on_disk
from .workers import BUILD_FILE, _execute_all


@dataclass
class MonthlyResult:
    """What :func:`monthly` did.

    Attributes
    ----------
    index : Path
        ``out/index.html``.
    periods : list of PeriodResult
        In period order.
    done, skipped, failed : list of str
        Periods ("YYYY-MM") built now, left as they were (up to date), or that failed.
    outside_data : list of str
        Requested periods outside the data, not built (and not on the index page, unless an
        earlier run built them).
    notes : list of str
        What the batch says besides: the months it did not build and why, and what thin data
        cannot tell (also printed on the terminal).
    cache_hit : bool or None
        The data and the panel were read from the cache an earlier run on the same output
        folder and input left (True) or loaded and built (False); None when no period needed
        building.
    """

    index: Path
    periods: list[PeriodResult]
    notes: list[str] = field(default_factory=list)
    cache_hit: bool | None = None

    @property
    def done(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "done"]

    @property
    def skipped(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "skipped"]

    @property
    def failed(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "failed"]

    @property
    def outside_data(self) -> list[str]:
        return [p.period for p in self.periods if p.status == OUTSIDE]

    def __str__(self) -> str:
        lines = [
            f"index: {self.index}",
            (
                f"periods: {len(self.done)} built, {len(self.skipped)} up to date, "
                f"{len(self.failed)} failed"
                + (f", {len(self.outside_data)} outside the data" if self.outside_data else "")
            ),
        ]
        for p in self.periods:
            if p.status == "failed":
                lines.append(f"  {p.period} FAILED: {p.error}")
        return "\n".join(lines)


def _build_signature(cfg: Config, notebook: Path, *, lang: str, mask: bool, pdf: bool) -> str:
    """What a period's report depends on besides the files: a change means rebuild."""
    what = {
        "lang": lang,
        "mask": bool(mask),
        "pdf": bool(pdf),
        "config": repr(cfg),
        "notebook": str(Path(notebook).resolve()),
        "version": _version(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


#: what ``jobs`` must be
_JOBS = "None or a positive integer"


def monthly(
    data: Any,
    *,
    start: Any,
    end: Any,
    config: Any = None,
    lang: str | None = None,
    out: str | os.PathLike = "reports",
    jobs: int | None = None,
    force: bool = False,
    pdf: bool = False,
    mask: bool = False,
    notebook: str | os.PathLike = "monthly_report",
    kernel_name: str | None = None,
    progress: bool | None = None,
    cache: str | os.PathLike | None = None,
    title: str | None = None,
    engine: str | None = None,
) -> MonthlyResult:
    """One report per month from ``start`` to ``end`` and the index page (see the module's
    description for what is built, skipped and cached).

    Parameters
    ----------
    data : path or Dataset
    start, end : str
        First and last period, "YYYY-MM" (inclusive).
    config : Config, path or dict, optional
    lang : {"en", "ru"}, optional
        Default: ``config.report.lang`` ("en").
    out : path, default "reports"
    jobs : int, optional
        Periods run at the same time; default ``os.cpu_count()``. 1 runs them in this process.
    force : bool, default False
        Rebuild every period, also those up to date (see the module's description).
    pdf : bool, default False
    mask : bool, default False
        Pseudonyms for clients and managers in the reports and lists (see :func:`audit`).
    notebook : str or path, default "monthly_report"
    kernel_name : str, optional
    progress : bool or None, default None
        A progress bar on stderr; None: only on the command line's terminal (not ``--quiet``).
    cache : path, optional
        Where the loaded data and panel are kept (see :func:`audit`); never inside ``out``.
    title : str, optional
        The company's name in the title blocks and the index.
    engine : {"auto", "memory", "duckdb"}, optional
        Replaces ``[load] engine``: "duckdb" reads Parquet or CSV parts out of core.

    Returns
    -------
    MonthlyResult
        ``out/monthly_YYYY-MM.html`` per period; its executed notebook, ``kpis.json`` and action
        lists in ``out/monthly_YYYY-MM/``; ``out/index.html``, listing every period in ``out``
        (:mod:`reportkit.report.render.index`).
    """
    cfg, lang = _settings(config, lang, data, title, engine)
    check_param(jobs is None or (isinstance(jobs, int) and jobs >= 1), "jobs", _JOBS, jobs)
    out = Path(out)
    check_output_folder(out)
    with output_lock(out):
        _clear_stale_staging(out)
        nb_src = resolve_notebook(notebook)
        periods = [str(p) for p in _periods(start, end)]
        signature = _build_signature(cfg, nb_src, lang=lang, mask=mask, pdf=pdf)
        results, todo = _plan(out, periods, _inputs_mtime(data, config, nb_src), signature, force)
        title = _base_title(cfg, data, lang)
        notes: list[str] = []
        run = {
            "nb_src": nb_src,
            "lang": lang,
            "title": title,
            "kernel_name": kernel_name,
            "pdf": pdf,
            "signature": signature,
            "jobs": jobs,
            "progress": progress,
        }
        hit = _build(todo, periods, results, notes, out, data, cfg, cache=cache, mask=mask, run=run)
        ordered = [results[p] for p in periods]
        # every period in the folder, not only this run's
        index = write_index(periods_on_disk(out, ordered), out, lang=lang, title=title)
        return MonthlyResult(index=index, periods=ordered, notes=notes, cache_hit=hit)


def _plan(
    out: Path, periods: list[str], inputs_time: float | None, signature: str, force: bool
) -> tuple[dict[str, PeriodResult], list[str]]:
    """The periods already up to date (as "skipped" results) and those to build."""
    results: dict[str, PeriodResult] = {}
    todo: list[str] = []
    for period in periods:
        html, work = _period_paths(out, period)
        fresh = (
            not force
            and inputs_time is not None
            and html.is_file()
            and html.stat().st_mtime > inputs_time
            and (work / KPIS_FILE).is_file()
            and (work / BUILD_FILE).is_file()
            and (work / BUILD_FILE).read_text(encoding="utf-8").strip() == signature
        )
        if fresh:
            saved = work / f"monthly_{period}.ipynb"
            results[period] = PeriodResult(
                period,
                "skipped",
                html=html,
                notebook=saved if saved.is_file() else None,
                kpis=read_kpis(work),
            )
        else:
            todo.append(period)
    return results, todo


def _build(
    todo: list[str],
    periods: list[str],
    results: dict[str, PeriodResult],
    notes: list[str],
    out: Path,
    data: Any,
    cfg: Config,
    *,
    cache: str | os.PathLike | None,
    mask: bool,
    run: dict[str, Any],
) -> bool | None:
    """Build the periods of ``todo`` that lie in the data (into ``results``, what is said into
    ``notes``) from the inputs of the cache entry (read, or loaded and saved there); returns
    whether the entry was whole already (a cache hit), None when there is nothing to build."""
    if not todo:
        return None
    entry = open_cache(out, data, cfg, cache)
    try:
        dataset = _read_or_load(data, cfg, entry)
        todo = _in_data(dataset, todo, periods, results, notes)
        if not todo:
            return entry.hit
        last_end = pd.Period(todo[-1], freq="M").end_time.normalize()
        for note in check_data(dataset, min(last_end, _data_range(dataset)[1])):
            notes.append(note)
            PROGRESS.stage(note)
        if mask:
            check_key_outside(out)
        inputs = _prepare_inputs(dataset, cfg, entry)
        del dataset
        release_memory()  # the data and the panel are the kernels' now
        _run_periods(todo, out, results, inputs, mask=mask, **run)
    finally:
        entry.close()
    return entry.hit


def _data_range(dataset: Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Days of the first and last transaction."""
    first, last = dataset.date_range()
    return pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()


def _in_data(
    dataset: Dataset,
    todo: list[str],
    periods: list[str],
    results: dict[str, PeriodResult],
    notes: list[str],
) -> list[str]:
    """The periods of ``todo`` within the data. Months after the last transaction's month (a
    report of nothing: revenue 0, every client at risk) or ending before the first transaction
    are not built: noted in ``results`` and ``notes`` (and on the terminal). Every requested
    month outside the data is an input error naming the data's range."""
    first, last = _data_range(dataset)
    span = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    after = [p for p in todo if pd.Period(p, freq="M") > last.to_period("M")]
    before = [p for p in todo if pd.Period(p, freq="M").end_time.normalize() < first]
    outside = set(after) | set(before)
    if outside and len(outside) == len(periods):
        raise InputError(
            f"every requested month ({periods[0]} – {periods[-1]}) lies outside "
            f"the data, which run from {span}: there is nothing to report. "
            f"Choose months from {first:%Y-%m} to {last:%Y-%m} (--from, --to)."
        )
    for months, where in ((after, "after"), (before, "before")):
        if not months:
            continue
        which = ", ".join(months)
        note = (
            f"{which}: {'is' if len(months) == 1 else 'are'} {where} the data ({span}), not built"
        )
        notes.append(note)
        PROGRESS.stage(note)
        for p in months:
            results[p] = PeriodResult(p, OUTSIDE, error=note)
    return [p for p in todo if p not in outside]


def _run_periods(
    todo: list[str],
    out: Path,
    results: dict[str, PeriodResult],
    inputs: dict[str, str],
    *,
    nb_src: Path,
    lang: str,
    title: str,
    kernel_name: str | None,
    pdf: bool,
    mask: bool,
    signature: str,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Build the periods of ``todo`` (in parallel) into ``results``."""
    kernel = find_kernel(kernel_name)
    made_on = made_on_date()
    jobs_list = []
    for period in todo:
        html, work = _period_paths(out, period)
        p = pd.Period(period, freq="M")
        as_of = p.end_time.normalize()
        jobs_list.append(
            {
                "period": period,
                "work": str(work),
                "html": str(html),
                "notebook": str(nb_src),
                "lang": lang,
                "title": title,
                "kernel_name": kernel,
                "pdf": pdf,
                "made_on": made_on,
                "signature": signature,
                "subtitle": T.t("report.monthly_title", lang),
                "note": _masked_note(lang) if mask else None,
                "period_text": f"{T.fmt_date(p.start_time, lang)} – {T.fmt_date(as_of, lang)}",
                "parameters": {
                    "period": period,
                    "as_of": as_of.strftime("%Y-%m-%d"),
                    "title": title,
                    "mask": bool(mask),
                    **inputs,
                },
            }
        )
    for raw in _execute_all(jobs_list, jobs, PROGRESS.enabled if progress is None else progress):
        period = raw["period"]
        results[period] = PeriodResult(
            period,
            raw["status"],
            html=Path(raw["html"]) if raw["html"] else None,
            notebook=Path(raw["notebook"]) if raw["notebook"] else None,
            pdf=Path(raw["pdf"]) if raw["pdf"] else None,
            kpis=read_kpis(_period_paths(out, period)[1]) if raw["status"] == "done" else {},
            error=raw["error"],
        )
