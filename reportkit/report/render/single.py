"""One report: :func:`audit`, the client-base audit as of a date.

The run holds the output folder's lock; it reads its inputs from the cache entry of this output
folder and input (or loads them and fills it), writes its notebook, lists, key figures and HTML
into a staging folder, and swaps them in at the end: the report folder holds one run, never a
mix of two, and a killed run leaves the previous report as it was (and a staging folder the
next run removes).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.dates import check_as_of, default_as_of
from ...errors import ParameterError, ReportError
from ...io.resources import data_path
from ...progress import PROGRESS
from .. import text as T
from ..mask import check_key_outside
from ..pipeline import check_data
from ..store import InputCache, open_cache, read_kpis
from .common import resolve_notebook
from .folder import (
    _keep_failed_notebook,
    _staging_folder,
    _swap_in,
    check_output_folder,
    output_lock,
)
from .inputs import (
    _action_lists,
    _base_title,
    _masked_note,
    _prepare_inputs,
    _read_or_load,
    _settings,
    release_memory,
)
from .notebook import _execute
from .page import render_html
from .pdf import print_pdf


@dataclass
class AuditResult:
    """What :func:`audit` wrote.

    Attributes
    ----------
    html : Path
    notebook : Path
        The executed notebook.
    action_lists : dict of str to Path
        Each action list's CSV, and the workbook under ``"workbook"``.
    pdf : Path or None
    kpis : dict
    as_of : str
    notes : list of str
        What the report cannot conclude from these data (also its first paragraph), for the
        terminal; empty for data long and wide enough.
    cache_hit : bool
        The data and the panel were read from the cache an earlier run on the same output
        folder and input left (not loaded and built again).
    """

    html: Path
    notebook: Path
    action_lists: dict[str, Path] = field(default_factory=dict)
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    as_of: str = ""
    notes: list[str] = field(default_factory=list)
    cache_hit: bool = False

    def __str__(self) -> str:
        lines = [f"report:    {self.html}", f"notebook:  {self.notebook}"]
        if self.pdf:
            lines.append(f"pdf:       {self.pdf}")
        for name, path in self.action_lists.items():
            lines.append(f"list {name}: {path}")
        return "\n".join(lines)


def _parse_date(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ParameterError(f"`{name}` must be a date like 2024-06-30, got {value!r}")
    return ts.normalize()


def audit(
    data: Any,
    *,
    as_of: Any = None,
    config: Any = None,
    lang: str | None = None,
    out: str | os.PathLike = "reports",
    pdf: bool = False,
    mask: bool = False,
    notebook: str | os.PathLike = "client_base_audit",
    kernel_name: str | None = None,
    allow_future: bool = False,
    cache: str | os.PathLike | None = None,
    title: str | None = None,
    engine: str | None = None,
) -> AuditResult:
    """The client-base audit report as of a date.

    Parameters
    ----------
    data : path or Dataset
        A transactions file or a folder of table files (see :func:`reportkit.io.load`).
    as_of : date or str, optional
        Default: the end of the last full month in the data.
    config : Config, path or dict, optional
    lang : {"en", "ru"}, optional
        Default: ``config.report.lang`` ("en").
    out : path, default "reports"
    pdf : bool, default False
        Also print ``audit_<as_of>.pdf`` with Chromium.
    mask : bool, default False
        Stable pseudonyms for clients, managers and contacts (key:
        :func:`reportkit.report.mask.mask_key`, never in ``out``); the figures stay real.
    notebook : str or path, default "client_base_audit"
    kernel_name : str, optional
    allow_future : bool, default False
        Accept a report date more than a month after the end of the last transaction's month
        (otherwise an input error: such a report calls every client lost).
    cache : path, optional
        Where the loaded data and panel are kept for the notebook and re-runs, never inside
        ``out``; default :func:`reportkit.report.store.cache_root` (per user).
    title : str, optional
        The company's name for the title block; default ``[report] title``, else the folder's.
    engine : {"auto", "memory", "duckdb"}, optional
        Replaces ``[load] engine``: "duckdb" reads Parquet or CSV parts out of core.

    Returns
    -------
    AuditResult
        ``out/audit_<as_of>.html``; the executed notebook, ``kpis.json`` and the action lists in
        ``out/audit_<as_of>/``. Nothing else stays in ``out``.

    Raises
    ------
    InputError
        Data no audit can be drawn from (:func:`reportkit.report.pipeline.check_data`).
    """
    cfg, lang = _settings(
        config, lang, data if data is not None else data_path("sample"), title, engine
    )
    out = Path(out)
    check_output_folder(out)
    with output_lock(out):
        nb_src = resolve_notebook(notebook)
        entry = open_cache(out, data, cfg, cache)
        try:
            inputs, stamp, notes = _checked_inputs(
                data, cfg, entry, out, as_of=as_of, allow_future=allow_future, mask=mask
            )
            release_memory()  # the data and the panel are the kernel's now
            result = _write_audit(
                out,
                nb_src,
                inputs,
                cfg,
                stamp,
                title=_base_title(cfg, data, lang),
                lang=lang,
                mask=mask,
                pdf=pdf,
                kernel_name=kernel_name,
            )
        finally:
            entry.close()
        result.notes, result.cache_hit = notes, entry.hit
        return result


def _checked_inputs(
    data: Any,
    cfg: Any,
    entry: InputCache,
    out: Path,
    *,
    as_of: Any,
    allow_future: bool,
    mask: bool,
) -> tuple[dict[str, str], pd.Timestamp, list[str]]:
    """The notebook's inputs (read from the cache entry, or loaded and saved there), the report
    date, and what the data cannot tell; every check on the data made before any notebook."""
    dataset = _read_or_load(data, cfg, entry)
    stamp = pd.Timestamp(default_as_of(dataset)) if as_of is None else _parse_date(as_of, "as_of")
    check_as_of(dataset, stamp, allow_future=allow_future)
    notes = check_data(dataset, stamp)
    for note in notes:
        PROGRESS.stage(note)
    if mask:
        check_key_outside(out)
    inputs = _prepare_inputs(dataset, cfg, entry)
    return inputs, stamp, notes  # the notebook reads its own copy of the data


def _write_audit(
    out: Path,
    nb_src: Path,
    inputs: dict[str, str],
    cfg: Any,
    stamp: pd.Timestamp,
    *,
    title: str,
    lang: str,
    mask: bool,
    pdf: bool,
    kernel_name: str | None,
) -> AuditResult:
    """Run the notebook and render it in a staging folder, then swap the report into ``out``."""
    as_of_text = stamp.strftime("%Y-%m-%d")
    name = f"audit_{as_of_text}"
    stage = _staging_folder(out)
    try:
        params = {
            "period": stamp.strftime("%Y-%m"),
            "as_of": as_of_text,
            "title": title,
            "mask": bool(mask),
            **inputs,
        }
        PROGRESS.stage(f"report as of {as_of_text}: running the notebook (one bar step per cell)")
        try:
            executed = _execute(
                nb_src,
                {},
                {**params, "lang": lang, "output_dir": None},
                output_dir=stage / name,
                name=name,
                kernel_name=kernel_name,
            )
        except ReportError as exc:
            raise _keep_failed_notebook(exc, stage / name / f"{name}.ipynb", out) from None
        PROGRESS.stage("rendering the HTML report")
        start = stamp - pd.DateOffset(months=cfg.report.window_months) + pd.Timedelta(days=1)
        html = render_html(
            executed,
            out=stage / f"{name}.html",
            title=title,
            period=f"{T.fmt_date(start, lang)} – {T.fmt_date(stamp, lang)}",
            lang=lang,
            subtitle=T.t("report.audit_title", lang),
            note=_masked_note(lang) if mask else None,
        )
        pdf_path = print_pdf(html) if pdf else None
        work = _swap_in(stage, out, name, [html] + ([pdf_path] if pdf_path else []))
        (out / f"{name}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure's
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return AuditResult(
        html=out / html.name,
        notebook=work / executed.name,
        action_lists=_action_lists(work),
        pdf=out / pdf_path.name if pdf_path else None,
        kpis=read_kpis(work),
        as_of=as_of_text,
    )
