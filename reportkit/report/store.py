"""The files a report run hands from the command to its notebooks and back: the cached inputs
(dataset, panel, config; pickles, read only from reportkit's own staging folder) and the key
figures (``kpis.json``) the index page is built from."""

from __future__ import annotations

import json
import math
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import (
    ParameterError,
    ReportError,
)
from .export import replaced

#: the manifest of action lists written by :func:`reportkit.report.export.write_action_lists`
ACTION_LISTS_FILE = "action_lists.json"
#: the file a notebook writes its key figures to (see :func:`record_kpis`)
KPIS_FILE = "kpis.json"


# ----------------------------------------------------------------------------------------------
# key figures
# ----------------------------------------------------------------------------------------------
def _kpi_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`kpis[{key!r}]` must be a number, a string or None, got {value!r}"
        ) from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ParameterError(f"`kpis[{key!r}]` must be a finite number, got {value!r}")
    as_int = int(number)
    if number == as_int and not isinstance(value, float):
        return as_int
    # 6 decimals, as in the action lists: a sum over thousands of model outputs can differ in
    # its 16th digit between machines (BLAS threads), the file must not
    return round(number, 6)


def record_kpis(kpis: Mapping[str, Any], output_dir: str | os.PathLike = ".") -> None:
    """Save a notebook's key figures for the index page of the monthly batch.

    Parameters
    ----------
    kpis : dict of str to number, str or None
        E.g. ``{"clients": 812, "revenue": 1.2e6, "churn_rate": 0.031}``. Known keys get
        translated headers (``kpi.<key>`` in :mod:`reportkit.report.text`); NaN is saved as null.
    output_dir : path, default "."
        The notebook's ``output_dir`` parameter.

    Writes ``output_dir/kpis.json`` and returns None (so that a notebook cell ending with it
    shows nothing).

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> record_kpis({"clients": 3, "churn_rate": 0.25, "revenue": float("nan")}, d)
    >>> read_kpis(d)
    {'clients': 3, 'churn_rate': 0.25, 'revenue': None}
    """
    if not isinstance(kpis, Mapping):
        raise ParameterError(f"`kpis` must be a dict of key figures, got {type(kpis).__name__}")
    clean = {str(k): _kpi_value(str(k), v) for k, v in kpis.items()}
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with replaced(folder / KPIS_FILE) as tmp:
        tmp.write_text(json.dumps(clean, ensure_ascii=False, indent=1), encoding="utf-8")


def read_kpis(path: str | os.PathLike) -> dict[str, Any]:
    """The key figures saved by :func:`record_kpis` (a ``kpis.json`` or its folder); {} if none."""
    p = Path(path)
    if p.is_dir():
        p = p / KPIS_FILE
    if not p.is_file():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(
            f"{p} is not valid JSON ({exc}); delete it and re-run the report"
        ) from None
    return data if isinstance(data, dict) else {}


# ----------------------------------------------------------------------------------------------
# the shared cache
# ----------------------------------------------------------------------------------------------
def write_cached(obj: Any, path: str | os.PathLike) -> Path:
    """Pickle an object for the notebooks of a batch (written atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with replaced(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ReportError(
            f"cannot save {type(obj).__name__} to {path} for the notebooks: {exc}"
        ) from None
    except OSError as exc:  # a full disk, a read-only folder …
        raise ReportError(
            f"cannot write {path}: {exc.strerror or exc}. Free space or choose "
            "another output folder, and run again."
        ) from None
    return path


def read_cached(path: str | os.PathLike) -> Any:
    """Load what :func:`audit` / :func:`monthly` saved for the notebooks (dataset, panel,
    config) in the run's staging folder. Only ever point it at reportkit's own cached inputs:
    they are pickles."""
    p = Path(path)
    if not p.is_file():
        raise ReportError(
            f"cached input {p} does not exist; run the report through "
            "reportkit.report.render.audit()/monthly(), which write it"
        )
    with open(p, "rb") as fh:
        return pickle.load(fh)
