"""One report: :func:`audit`, the client-base audit as of a date."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.dates import check_as_of, default_as_of
from ...errors import ParameterError, ReportError
from ...io.config import check_paths, load_config
from ...io.resources import data_path
from ...progress import PROGRESS
from .. import text as T
from ..mask import check_key_outside
from ..pipeline import check_data
from ..store import read_kpis
from .common import _check_lang, resolve_notebook
from .folder import (
    _keep_failed_notebook,
    _staging_folder,
    _swap_in,
    check_output_folder,
    output_lock,
)
from .inputs import _action_lists, _base_title, _load_data, _masked_note, _prepare_inputs
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
    """

    html: Path
    notebook: Path
    action_lists: dict[str, Path] = field(default_factory=dict)
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    as_of: str = ""
    notes: list[str] = field(default_factory=list)

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
        Show stable pseudonyms instead of client names, ids, phones, e-mails, tax ids and
        managers' names in the report and the action lists. The analysis runs on the real data,
        so every figure is the same as without ``mask``. The key: ``$REPORTKIT_MASK_KEY``, else
        a per-user key file (:func:`mask_key_path`), made on first use; never in ``out``.
    notebook : str or path, default "client_base_audit"
    kernel_name : str, optional
    allow_future : bool, default False
        Accept a report date more than a month after the end of the last transaction's month
        (otherwise an input error: such a report calls every client lost).

    Returns
    -------
    AuditResult
        ``out/audit_<as_of>.html``; the executed notebook, ``kpis.json`` and the action lists in
        ``out/audit_<as_of>/``. Nothing else stays in ``out``: the cached inputs live in the
        run's staging folder, removed when the run ends.

    Raises
    ------
    InputError
        Among others, data no audit can be drawn from
        (:func:`reportkit.report.pipeline.check_data`: every amount 0, one day of sales, fewer
        than 20 clients), before any notebook runs.
    """
    cfg = load_config(config)
    check_paths(cfg, data if data is not None else data_path("sample"))
    lang = lang or cfg.report.lang
    _check_lang(lang)
    out = Path(out)
    check_output_folder(out)
    with output_lock(out):
        nb_src = resolve_notebook(notebook)
        dataset = _load_data(data, cfg)

        stamp = (
            pd.Timestamp(default_as_of(dataset)) if as_of is None else _parse_date(as_of, "as_of")
        )
        check_as_of(dataset, stamp, allow_future=allow_future)

        notes = check_data(dataset, stamp)
        for note in notes:
            PROGRESS.stage(note)
        if mask:
            check_key_outside(out)
        as_of_text = stamp.strftime("%Y-%m-%d")
        title = _base_title(cfg, data, lang)
        name = f"audit_{as_of_text}"
        # the run is written into a staging folder and swapped in at the end: the report
        # folder holds the HTML, lists and key figures of one run, never a mix of two, and a
        # killed run leaves the previous report as it was (and a staging folder the next run
        # removes). The cached inputs (pickles of the data) live there too and go with it.
        stage = _staging_folder(out)
        try:
            inputs = _prepare_inputs(dataset, cfg, stage / "inputs")
            del dataset  # the notebook reads its own copy: one copy of the transactions at a time
            params = {
                "period": stamp.strftime("%Y-%m"),
                "as_of": as_of_text,
                "title": title,
                "mask": bool(mask),
                **inputs,
            }
            PROGRESS.stage(
                f"report as of {as_of_text}: running the notebook (one bar step per cell)"
            )
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
            period = f"{T.fmt_date(start, lang)} – {T.fmt_date(stamp, lang)}"
            html = render_html(
                executed,
                out=stage / f"{name}.html",
                title=title,
                period=period,
                lang=lang,
                subtitle=T.t("report.audit_title", lang),
                note=_masked_note(lang) if mask else None,
            )
            pdf_path = print_pdf(html) if pdf else None
            work = _swap_in(stage, out, name, [html] + ([pdf_path] if pdf_path else []))
            (out / f"{name}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure's
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        pdf_final = out / pdf_path.name if pdf_path else None
        return AuditResult(
            html=out / html.name,
            notebook=work / executed.name,
            action_lists=_action_lists(work),
            pdf=pdf_final,
            kpis=read_kpis(work),
            as_of=as_of_text,
            notes=notes,
        )
