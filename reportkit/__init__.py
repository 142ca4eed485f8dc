"""reportkit — client-base audit reports from raw sales records.

>>> import reportkit as rk
>>> ds = rk.load(rk.sample_path())                      # doctest: +SKIP
>>> snap = rk.snapshot(ds, as_of="2024-06-30")          # doctest: +SKIP

Importing reportkit is light: papermill, nbconvert and seaborn are imported only by
``reportkit.report`` and ``reportkit.plots`` when they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .config import Config, load_config
from .dataset import Dataset
from .errors import (
    ConfigError,
    DataFileError,
    InputError,
    MissingColumnError,
    OutputFolderError,
    ParameterError,
    ReportError,
    ReportkitError,
)

# Functions named like their modules are bound eagerly, so that `rk.load(...)` is the function
# even after `reportkit.load` (the module) has been imported somewhere.
from .load import LoadReport, load
from .panel import Panel, build_panel
from .snapshot import snapshot

__version__ = "0.1.0"

_SUBMODULES = {
    "load", "schema", "config", "panel", "snapshot", "segmentation", "lifecycle", "dynamics",
    "churn", "btyd", "quality", "managers", "plots", "text", "report", "cli", "sample",
    "resources", "export", "audit", "policy", "columns", "dataset", "errors",
}
_LAZY_FUNCTIONS = {
}


def sample_path():
    """Folder of the bundled sample base (``data/sample``)."""
    from .resources import data_path

    return data_path("sample")


def __getattr__(name: str) -> Any:
    if name in _LAZY_FUNCTIONS:
        module, attr = _LAZY_FUNCTIONS[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'reportkit' has no attribute {name!r}")


__all__ = [
    "Config",
    "ConfigError",
    "DataFileError",
    "Dataset",
    "InputError",
    "LoadReport",
    "MissingColumnError",
    "OutputFolderError",
    "Panel",
    "ParameterError",
    "ReportError",
    "ReportkitError",
    "__version__",
    "build_panel",
    "load",
    "load_config",
    "sample_path",
    "snapshot",
]
