"""What a run gives its notebooks: the data loaded and the panel built once, cached for them; the
report's title; the action lists a report folder holds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ...core.panel import build_panel
from ...io.config import Config
from ...io.dataset import Dataset
from ...io.load import load
from .. import text as T
from ..store import ACTION_LISTS_FILE, write_cached


def _load_data(data: Any, cfg: Config) -> Dataset:
    if isinstance(data, Dataset):
        return data
    return load(data, cfg)


def _build_panel(dataset: Dataset) -> Any:
    return build_panel(dataset)


def _inputs_mtime(data: Any, config: Any, notebook: Path) -> float | None:
    """Newest modification time of the data files, the config file and the notebook."""
    times = [notebook.stat().st_mtime]
    if isinstance(data, Dataset):  # held in memory: may differ from its source file
        return None
    src = Path(data)
    if src.is_dir():
        files = [p for p in src.rglob("*") if p.is_file()]
        if not files:
            return None
        times.extend(p.stat().st_mtime for p in files)
    elif src.is_file():
        times.append(src.stat().st_mtime)
    else:
        return None
    if isinstance(config, (str, os.PathLike)) and Path(config).is_file():
        times.append(Path(config).stat().st_mtime)
    return max(times)


def _base_title(cfg: Config, data: Any, lang: str) -> str:
    if cfg.report.title:
        return cfg.report.title
    source = data.source if isinstance(data, Dataset) else data
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        return (p.name if p.is_dir() else p.stem) or T.t("report.client_base", lang)
    return T.t("report.client_base", lang)


def _prepare_inputs(data: Any, cfg: Config, cache: Path) -> dict[str, str]:
    """Load the data (unless given as a Dataset) and build the panel: once; save both and the
    config into ``cache`` (a folder of the run's staging area) for the notebooks. The data are
    saved as they are: masking happens where the report and the lists are written."""
    dataset = _load_data(data, cfg)
    panel = _build_panel(dataset)
    return {
        "dataset_path": str(write_cached(dataset, cache / "dataset.pkl").resolve()),
        "panel_path": str(write_cached(panel, cache / "panel.pkl").resolve()),
        "config_path": str(write_cached(cfg, cache / "config.pkl").resolve()),
    }


def _masked_note(lang: str) -> str:
    """The remark under the title block of a masked report."""

    return T.t("audit.masked", lang)


def _action_lists(folder: Path) -> dict[str, Path]:
    manifest = folder / ACTION_LISTS_FILE
    if not manifest.is_file():
        return {}
    try:
        names = json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return {k: folder / v for k, v in names.items() if (folder / v).is_file()}
