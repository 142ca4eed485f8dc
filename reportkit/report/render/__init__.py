"""Running the report notebooks and turning them into self-contained HTML (and PDF).

The pieces, each usable alone:

- :func:`run_notebook` executes a parameterised notebook with Papermill in its own output folder;
  a failed run keeps the executed notebook and raises :class:`~reportkit.errors.ReportError`
  naming the failing cell and the saved notebook.
- :func:`render_html` renders an executed notebook with reportkit's nbconvert template
  (``templates/reportkit``): no code, no prompts, no stderr, a title block, a table of contents,
  print CSS, figures embedded, and no request to any other host.
- :func:`print_pdf` prints an HTML report to an A4 PDF with headless Chromium.
- :func:`audit` (one report as of a date) and :func:`monthly` (one report per month, run in
  parallel, plus ``index.html`` with the key figures and their trend) tie them together. The data
  is loaded and the client-month panel built **once** per call; both are kept in a per-user cache
  folder outside the output folder (:func:`reportkit.report.store.open_cache`, one entry per
  output folder and input, so a re-run on the same data reads them instead of loading again;
  no pickled data is ever in the folder handed to the client) and the notebooks get their paths
  (``dataset_path``, ``panel_path``, ``config_path``) and read them with
  :func:`reportkit.report.store.read_cached`.
- :func:`reportkit.report.store.record_kpis` is what a notebook calls to leave its key figures for the index page.
- :func:`reportkit.report.mask.mask_frame` replaces client names, ids, phones, e-mails, tax ids and
  managers' names by stable pseudonyms. Masking happens at the edge: the analyses always run on
  the real data, and the report's tables and the action lists show the pseudonyms
  (``Audit.build(mask=True)``); the key comes from ``$REPORTKIT_MASK_KEY`` or a per-user file
  (:func:`reportkit.report.mask.mask_key`), never from the output folder.

Parameters every report notebook receives (declare the ones it uses in its ``parameters`` cell):
``period`` ("YYYY-MM"), ``as_of`` ("YYYY-MM-DD"), ``lang``, ``title``, ``dataset_path``,
``panel_path``, ``config_path``, ``output_dir`` (where to write ``kpis.json`` and action lists;
also the working directory) and ``mask`` (bool).

The modules: ``common`` (shared helpers), ``kernel`` and ``notebook`` (running one notebook),
``page`` (the HTML and its contents), ``pdf``, ``folder`` (the output folder's lock and staging),
``inputs`` (the data and panel handed to the notebooks), ``single`` (:func:`audit`), ``periods``,
``workers`` and ``batch`` (:func:`monthly`), ``index`` (the index page). Every name the flat
module ``reportkit.report.render`` had is importable from here as before, and assigning one here
(``monkeypatch.setattr(render, "_build_panel", …)``) rebinds it in the modules that use it.
"""

# ruff: noqa: F401 - the names below are the flat module's namespace, re-exported as they were
# (``os`` included: tests patch ``render.os.open``)
from __future__ import annotations

import os
import sys
import types

from ..store import ACTION_LISTS_FILE, KPIS_FILE, read_kpis, write_cached
from . import (
    batch,
    common,
    folder,
    index,
    inputs,
    kernel,
    notebook,
    page,
    pdf,
    periods,
    single,
    workers,
)
from .batch import MonthlyResult, _build_signature, _data_range, _in_data, _run_periods, monthly
from .common import TEMPLATE_NAME, _check_lang, _tail, _version, made_on_date, resolve_notebook
from .folder import (
    LOCK_FILE,
    _alive,
    _clear_stale_staging,
    _create_lock,
    _keep_failed_notebook,
    _staging_folder,
    _swap_in,
    check_output_folder,
    output_lock,
)
from .index import INDEX_FIGURES, _kpi_label, _trend_figure, index_figures, write_index
from .inputs import (
    _action_lists,
    _base_title,
    _build_panel,
    _inputs_mtime,
    _load_data,
    _masked_note,
    _prepare_inputs,
)
from .kernel import (
    _install_own_kernel,
    _kernel_manager_class,
    _own_kernel_prefix,
    _spec_runs_this_python,
    find_kernel,
)
from .notebook import _declared, _execute, _failing_cell, _plain, run_notebook
from .page import REMOVE_CELL_TAGS, TOC_MARKER, add_toc, render_html
from .pdf import (
    CHROMIUM_ENV,
    CHROMIUM_FLAGS,
    CHROMIUM_NAMES,
    CHROMIUM_PATHS,
    find_chromium,
    print_pdf,
)
from .periods import OUTSIDE, PeriodResult, _period_paths, _periods, periods_on_disk
from .single import AuditResult, _parse_date, audit
from .workers import (
    BUILD_FILE,
    THREAD_ENV,
    _die_with_parent,
    _execute_all,
    _limit_threads,
    _run_period,
)

_SUBMODULES = (
    batch,
    common,
    folder,
    index,
    inputs,
    kernel,
    notebook,
    page,
    pdf,
    periods,
    single,
    workers,
)
_UNSET = object()


class _ForwardingModule(types.ModuleType):
    """This package as a module whose assignments reach the submodules: setting a name that a
    submodule holds too (the same object) rebinds it there, so that patching
    ``reportkit.report.render.<name>`` changes what the code calling it sees, as it did when
    ``render`` was one module."""

    def __setattr__(self, name: str, value: object) -> None:
        old = self.__dict__.get(name, _UNSET)
        if old is not _UNSET and not isinstance(old, types.ModuleType):
            for module in _SUBMODULES:
                if module.__dict__.get(name, _UNSET) is old:
                    setattr(module, name, value)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _ForwardingModule

__all__ = [
    "AuditResult",
    "MonthlyResult",
    "PeriodResult",
    "add_toc",
    "audit",
    "find_chromium",
    "find_kernel",
    "made_on_date",
    "monthly",
    "periods_on_disk",
    "print_pdf",
    "render_html",
    "resolve_notebook",
    "run_notebook",
    "write_index",
]
