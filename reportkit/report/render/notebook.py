"""Running one parameterised notebook with Papermill (:func:`run_notebook`): only the parameters
the notebook declares are passed, and a failure names the cell and where the executed notebook is."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ReportError, ReportkitError, check_param
from ...progress import PROGRESS
from .common import _check_lang, _tail, resolve_notebook
from .kernel import _kernel_manager_class, find_kernel


def _plain(value: Any) -> Any:
    """Parameters as Papermill can write them into a cell."""
    if isinstance(value, os.PathLike):
        return str(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _failing_cell(source_nb: Path, source: str) -> str:
    try:
        import nbformat

        nb = nbformat.read(source_nb, as_version=4)
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type == "code" and cell.source == source:
                return f"cell {i}"
    except Exception:  # noqa: BLE001, S110 - only for the message
        pass
    return "a cell"


def run_notebook(
    notebook: str | os.PathLike,
    parameters: Mapping[str, Any] | None = None,
    *,
    output_dir: str | os.PathLike,
    name: str | None = None,
    lang: str = "en",
    title: str | None = None,
    kernel_name: str | None = None,
    timeout: int | None = None,
) -> Path:
    """Execute a report notebook with Papermill.

    Parameters
    ----------
    notebook : str or path
        A packaged notebook's name (``"client_base_audit"``) or the path of an ``.ipynb``.
    parameters : dict, optional
        Injected after the cell tagged ``parameters``. ``lang``, ``title`` and ``output_dir``
        (the output folder) are added when the notebook declares them and they are not given.
    output_dir : path
        Where the executed notebook is saved; also the working directory of the kernel.
    name : str, optional
        File name (without ``.ipynb``) of the executed notebook; default: the notebook's name.
    lang : {"en", "ru"}, default "en"
    title : str, optional
    kernel_name : str, optional
        Default: see :func:`find_kernel`.
    timeout : int, optional
        Seconds a cell may run; default None (no limit).

    Returns
    -------
    Path
        The executed notebook.

    Raises
    ------
    ReportError
        The notebook failed: the message names the cell, the error and where the executed
        notebook (with the error in it) was saved.
    """
    _check_lang(lang)
    extra = {"lang": lang, "output_dir": None}
    if title is not None:
        extra["title"] = title
    return _execute(
        notebook,
        parameters or {},
        extra,
        output_dir=output_dir,
        name=name,
        kernel_name=kernel_name,
        timeout=timeout,
    )


def _declared(src: Path) -> set[str] | None:
    """Parameters declared in the notebook's ``parameters`` cell (None if it has none)."""
    import nbformat

    try:
        nb = nbformat.read(src, as_version=4)
    except Exception as exc:  # noqa: BLE001
        raise ReportError(f"{src} is not a readable notebook ({exc})") from None
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return None
    names = set()
    for line in cell.source.splitlines():
        m = re.match(r"\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=", line)
        if m:
            names.add(m.group(1))
    return names


def _execute(
    notebook: str | os.PathLike,
    parameters: Mapping[str, Any],
    optional: Mapping[str, Any],
    *,
    output_dir: str | os.PathLike,
    name: str | None,
    kernel_name: str | None,
    timeout: int | None = None,
) -> Path:
    """Run a notebook; ``optional`` parameters are passed only if the notebook declares them
    (``output_dir`` None means the output folder)."""
    src = resolve_notebook(notebook)
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or src.stem
    check_param(
        isinstance(name, str) and bool(name) and "/" not in name and "\\" not in name,
        "name",
        "a file name without folders",
        name,
    )
    out_nb = out_dir / f"{name}.ipynb"
    params = {str(k): _plain(v) for k, v in parameters.items()}
    declared = _declared(src)
    for key, value in optional.items():
        if key not in params and (declared is None or key in declared):
            params[key] = (
                str(out_dir.resolve()) if key == "output_dir" and value is None else _plain(value)
            )
    kernel = find_kernel(kernel_name)

    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    # papermill warns about parameter lines its own parser cannot read and about parameters it
    # thinks are unknown; only declared parameters are passed here, so that is noise
    pm_logger = logging.getLogger("papermill")
    level = pm_logger.level
    pm_logger.setLevel(logging.ERROR)
    ipc_dir = tempfile.mkdtemp(prefix="rk-kernel-")
    try:
        pm.execute_notebook(
            str(src),
            str(out_nb),
            parameters=params,
            kernel_name=kernel,
            language="python",
            cwd=str(out_dir),
            log_output=False,
            progress_bar=PROGRESS.enabled,
            execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(ipc_dir),
        )
    except PapermillExecutionError as exc:
        first = next((ln for ln in exc.source.splitlines() if ln.strip()), "").strip()
        raise ReportError(
            f"notebook {src.name} failed in {_failing_cell(src, exc.source)} "
            f"(In [{exc.exec_count}]: {first[:80]!r}): {exc.ename}: {_tail(exc.evalue, 300)}. "
            f"The executed notebook with the error is saved at {out_nb}"
        ) from None
    except ReportkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - kernel died, timeout, bad notebook …
        saved = f"; the partly executed notebook is at {out_nb}" if out_nb.exists() else ""
        raise ReportError(
            f"notebook {src.name} could not be run: {type(exc).__name__}: {_tail(exc, 300)}{saved}"
        ) from None
    finally:
        pm_logger.setLevel(level)
        shutil.rmtree(ipc_dir, ignore_errors=True)
    return out_nb
