"""The files a report run hands from the command to its notebooks and back: the cached inputs
(dataset, panel, config) and the key figures (``kpis.json``) the index page is built from.

The cached inputs are pickles of the client's raw data, so they never lie in the output folder
handed to the client: they live in a per-user cache folder (:func:`cache_root`:
``$XDG_CACHE_HOME/reportkit``, else ``~/.cache/reportkit``, or the folder given as ``cache`` /
``--cache``), made readable by the user only. Inside it, one folder per output folder (a digest
of its path) holds one entry per input (a digest of the data files' names, sizes and times, the
config's values and the versions of reportkit and the libraries that made the pickles), so two
runs into two folders never share or clash, and a re-run on unchanged data reads the entry
instead of loading the data and building the panel again (:attr:`InputCache.hit`). A run keeps
only its own output folder's current entry: older entries of that folder are removed, and so
are the folders of output folders that no longer exist or were not used for
:data:`CACHE_KEEP_DAYS` days. Data passed in memory (a ``Dataset``) gets an entry of the run's
own, removed when the run ends.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import pickle
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import OutputFolderError, ParameterError, ReportError
from ..version import __version__
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
            f"cannot write {path}: {exc.strerror or exc}. Free space, or choose another "
            "cache folder (--cache), and run again."
        ) from None
    return path


def read_cached(path: str | os.PathLike) -> Any:
    """Load what :func:`audit` / :func:`monthly` saved for the notebooks (dataset, panel,
    config) in the cache folder. Only ever point it at reportkit's own cached inputs: they are
    pickles."""
    p = Path(path)
    if not p.is_file():
        raise ReportError(
            f"cached input {p} does not exist; run the report through "
            "reportkit.report.render.audit()/monthly(), which write it"
        )
    with open(p, "rb") as fh:
        return pickle.load(fh)


# ----------------------------------------------------------------------------------------------
# where the cached inputs live
# ----------------------------------------------------------------------------------------------
#: the cached inputs: notebook parameter -> file name in a cache entry
CACHED_FILES = {
    "dataset_path": "dataset.pkl",
    "panel_path": "panel.pkl",
    "config_path": "config.pkl",
}
#: written into an entry after its pickles: the entry is whole (it holds the input's digest)
COMPLETE_FILE = "complete"
#: in each output folder's cache folder: which output folder it serves
OWNER_FILE = "owner.json"
#: the cache folders of output folders unused this many days are removed by the next run
CACHE_KEEP_DAYS = 30
#: libraries whose objects are in the pickles: another version means another entry
_PICKLED_BY = ("pandas", "numpy", "polars", "pyarrow")


def cache_root(cache: str | os.PathLike | None = None) -> Path:
    """The folder the cached inputs are kept in.

    Parameters
    ----------
    cache : path, optional
        The folder to use (``--cache``). Default: ``$XDG_CACHE_HOME/reportkit`` when that
        variable holds an absolute path, else ``~/.cache/reportkit``.

    Returns
    -------
    Path

    Examples
    --------
    >>> str(cache_root("/tmp/rk-cache"))
    '/tmp/rk-cache'
    """
    if cache is not None:
        return Path(cache).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "reportkit"


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()


@functools.cache
def _code_stamp() -> str:
    """A digest of the code that makes the cached objects (reportkit's io and core layers:
    each file's path, size and time), so that a changed or reinstalled reportkit does not read
    a dataset or panel an older one made under the same version number."""
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for layer in ("io", "core") for p in (root / layer).rglob("*.py"))
    return _digest(
        [[p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    )


def _versions() -> dict[str, str]:
    found = {
        "python": ".".join(map(str, sys.version_info[:2])),
        "reportkit": __version__,
        "code": _code_stamp(),
    }
    for name in _PICKLED_BY:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def input_signature(data: Any, config: Any) -> str | None:
    """A digest of what the cached inputs are made from: the data's files (path, size and
    modification time of each; a folder's files recursively), the loaded config's values and
    the versions of Python, reportkit and the libraries whose objects are pickled. None for data
    that is no path (a ``Dataset`` held in memory): such inputs are not kept across runs.

    A file changed in place without its size or time changing is not noticed (the same
    assumption the monthly batch's freshness check makes).

    Parameters
    ----------
    data : path or Dataset
    config : Config
        The loaded config.

    Returns
    -------
    str or None
    """
    if not isinstance(data, (str, os.PathLike)):
        return None
    src = Path(data).resolve()
    if src.is_dir():
        files = sorted(p for p in src.rglob("*") if p.is_file())
    elif src.is_file():
        files = [src]
    else:
        return None
    stats = []
    for f in files:
        st = f.stat()
        stats.append(
            [f.relative_to(src).as_posix() if f != src else "", st.st_size, st.st_mtime_ns]
        )
    return _digest(
        {"data": str(src), "files": stats, "config": repr(config), "versions": _versions()}
    )


@dataclass
class InputCache:
    """The cache entry of one run: where its inputs are and whether they were already there.

    Attributes
    ----------
    folder : Path
        The entry: ``dataset.pkl``, ``panel.pkl``, ``config.pkl`` and ``complete``.
    hit : bool
        The entry was whole when the run opened it (an earlier run on the same output folder
        and the same input wrote it): the run reads it instead of loading and building.
    signature : str or None
        The input's digest (:func:`input_signature`); None for a run-private entry.
    """

    folder: Path
    hit: bool
    signature: str | None

    def paths(self) -> dict[str, str]:
        """The notebook parameters naming the cached files (``dataset_path`` …)."""
        return {key: str(self.folder / name) for key, name in CACHED_FILES.items()}

    def write(self, dataset: Any, panel: Any, config: Any) -> dict[str, str]:
        """Save the inputs, then mark the entry whole; returns :meth:`paths`."""
        paths = self.paths()
        for key, obj in (("dataset_path", dataset), ("panel_path", panel), ("config_path", config)):
            write_cached(obj, paths[key])
        if self.signature is not None:
            with replaced(self.folder / COMPLETE_FILE) as tmp:
                tmp.write_text(self.signature, encoding="utf-8")
        return paths

    def close(self) -> None:
        """End the run's use of the entry: a run-private entry (data in memory) is removed."""
        if self.signature is None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _whole(folder: Path, signature: str) -> bool:
    try:
        done = (folder / COMPLETE_FILE).read_text(encoding="utf-8") == signature
    except OSError:
        return False
    return done and all((folder / name).is_file() for name in CACHED_FILES.values())


def _prune(root: Path, mine: Path, keep: str) -> None:
    """Remove this output folder's other entries (older inputs, killed runs' private ones: the
    caller holds the output folder's lock) and the cache folders of output folders that are
    gone or were not used for :data:`CACHE_KEEP_DAYS` days."""
    for old in mine.iterdir():
        if old.name in (keep, OWNER_FILE):
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
    limit = time.time() - CACHE_KEEP_DAYS * 86400
    for other in root.iterdir():
        owner = other / OWNER_FILE
        if other == mine or not owner.is_file():
            continue  # not one of ours
        try:
            served = Path(json.loads(owner.read_text(encoding="utf-8"))["out"])
            stale = owner.stat().st_mtime < limit
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if stale or not served.is_dir():
            shutil.rmtree(other, ignore_errors=True)


def open_cache(
    out: str | os.PathLike, data: Any, config: Any, cache: str | os.PathLike | None = None
) -> InputCache:
    """The cache entry for a run of ``data`` with ``config`` into the output folder ``out``
    (call it holding ``out``'s lock).

    Parameters
    ----------
    out : path
        The output folder (it exists).
    data : path or Dataset
    config : Config
        The loaded config.
    cache : path, optional
        The cache folder (see :func:`cache_root`); it must not lie inside ``out``.

    Returns
    -------
    InputCache

    Raises
    ------
    OutputFolderError
        ``cache`` lies inside ``out``, or the cache folder cannot be created or written.
    """
    out_dir = Path(out).resolve()
    root = cache_root(cache)
    if cache is not None and root.resolve().is_relative_to(out_dir):
        raise OutputFolderError(
            f"the cache folder {root} lies inside the output folder {out_dir}, which is handed "
            "to the client; choose a cache folder outside it (--cache)"
        )
    signature = input_signature(data, config)
    mine = root / _digest(str(out_dir))[:16]
    folder = mine / (signature[:16] if signature else f"run-{os.getpid()}")
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        mine.mkdir(mode=0o700, exist_ok=True)
        _prune(root, mine, folder.name)
        with replaced(mine / OWNER_FILE) as tmp:
            tmp.write_text(json.dumps({"out": str(out_dir)}), encoding="utf-8")
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(
            f"cannot keep the cached inputs in {root}: {exc.strerror or exc}. Choose another "
            "cache folder with --cache (or set XDG_CACHE_HOME)."
        ) from None
    hit = signature is not None and _whole(folder, signature)
    return InputCache(folder=folder, hit=hit, signature=signature)
