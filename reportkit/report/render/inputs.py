"""What a run gives its notebooks: the data loaded and the panel built once, cached for them outside
the output folder (:func:`reportkit.report.store.open_cache`) and read back by a re-run on the
same input; the report's title; the action lists a report folder holds."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
from pathlib import Path
from typing import Any

from ...core.panel import build_panel
from ...io.config import Config, check_paths, load_config, with_overrides
from ...io.dataset import Dataset
from ...io.load import load
from ...progress import PROGRESS
from .. import text as T
from ..store import ACTION_LISTS_FILE, InputCache, read_cached
from .common import _check_lang


def _settings(
    config: Any,
    lang: str | None,
    data_folder: Any,
    title: str | None = None,
    engine: str | None = None,
) -> tuple[Config, str]:
    """The run's config, loaded and checked (the files it names lie beside ``data_folder``;
    ``title``, when given, replaces ``[report] title``, ``engine`` ``[load] engine``), and its
    language (``lang``, else the config's)."""
    cfg = load_config(config)
    if title:
        cfg = with_overrides(cfg, {"report": {"title": str(title)}})
    if engine:
        cfg = with_overrides(cfg, {"load": {"engine": str(engine)}})
    check_paths(cfg, data_folder)
    lang = lang or cfg.report.lang
    _check_lang(lang)
    return cfg, lang


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


def _read_or_load(data: Any, cfg: Config, entry: InputCache) -> Dataset:
    """The dataset: read from the cache entry when an earlier run left it whole there, else
    loaded (unless given as a Dataset)."""
    if entry.hit:
        PROGRESS.stage(f"data and panel read from the cache ({entry.folder})")
        dataset: Dataset = read_cached(entry.paths()["dataset_path"])
        return dataset
    return _load_data(data, cfg)


def _prepare_inputs(data: Any, cfg: Config, entry: InputCache) -> dict[str, str]:
    """The notebooks' inputs: the paths of the cached dataset, panel and config in ``entry``
    (outside the output folder). When the entry is whole (a re-run on the same input) nothing
    is done; else the data are loaded (unless given as a Dataset) and the panel built, once, and
    both saved with the config. The data are saved as they are: masking happens where the
    report and the lists are written."""
    if entry.hit:
        return entry.paths()
    dataset = _load_data(data, cfg)
    return entry.write(dataset, _build_panel(dataset), cfg)


def release_memory() -> None:
    """Hand the memory of data no longer referenced back to the system: the run loads the data
    and builds the panel once, saves them for the notebook's kernel, which reads its own copy;
    without this the run kept 1.6-4 GB of a 100M-line scan beside the kernel, with it 0.35 GB.
    ``malloc_trim`` is skipped where the C library has none."""
    gc.collect()
    try:  # Arrow's pool keeps freed blocks for reuse: 1.2 GB after a 100M-line scan
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except ImportError:  # pragma: no cover - pyarrow comes with the data libraries
        pass
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc
        pass


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
