"""reportkit — client-base audit reports from raw sales records.

>>> import reportkit as rk
>>> ds = rk.load(rk.sample_path())                      # doctest: +SKIP
>>> snap = rk.snapshot(ds, as_of="2024-06-30")          # doctest: +SKIP

Importing reportkit is light: papermill, nbconvert and seaborn are imported only by
``reportkit.report.render`` and ``reportkit.report.plots`` when they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

# the revenue forecast (#17): rk.forecast(panel_or_dataset, as_of=..., months=3, by="manager")
from .analysis.forecast import forecast
from .core.panel import Panel, build_panel
from .core.snapshot import snapshot
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
from .io.config import Config, load_config
from .io.dataset import Dataset

# Functions named like their modules are bound eagerly, so that `rk.load(...)` is the function
# even after `reportkit.io.load` (the module) has been imported somewhere.
from .io.load import LoadReport, load
from .io.resources import data_path
from .version import __version__

#: ``rk.<name>`` for the modules an analyst reaches for most, imported on first use (the
#: report layer pulls in matplotlib, papermill and nbconvert, which a plain load does not need).
_MODULES = {
    "schema": "io.schema",
    "config": "io.config",
    "sample": "io.sample",
    "columns": "io.columns",
    "dataset": "io.dataset",
    "policy": "io.policy",
    "resources": "io.resources",
    "panel": "core.panel",
    "segmentation": "analysis.segmentation",
    "lifecycle": "analysis.lifecycle",
    "dynamics": "analysis.dynamics",
    "churn": "analysis.churn",
    "btyd": "analysis.btyd",
    "quality": "analysis.quality",
    "managers": "analysis.managers",
    "text": "report.text",
    "plots": "report.plots",
    "pipeline": "report.pipeline",
    "export": "report.export",
    "render": "report.render",
    "report": "report",
    "cli": "cli",
    "errors": "errors",
    "progress": "progress",
}


def sample_path():
    """Folder of the bundled sample base (``data/sample``)."""
    return data_path("sample")


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{_MODULES[name]}")
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
    "forecast",
    "load",
    "load_config",
    "sample_path",
    "snapshot",
]
