"""The one resolver for package data: notebooks, templates and the bundled sample base.

In an installed wheel they live in ``reportkit/_data/<kind>``; in a source checkout (or an
editable install) at the top of the repository (``notebooks/``, ``templates/``,
``data/sample/``). Every other module finds them through :func:`data_path`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ..errors import ReportkitError

_CHECKOUT_DIRS = {"notebooks": "notebooks", "templates": "templates", "sample": "data/sample"}


def data_path(kind: str, *parts: str) -> Path:
    """Path of a packaged resource.

    Parameters
    ----------
    kind : {"notebooks", "templates", "sample"}
    *parts : path components inside that folder.

    Examples
    --------
    >>> data_path("sample").is_dir()
    True
    """
    if kind not in _CHECKOUT_DIRS:
        raise ReportkitError(f"`kind` must be one of {sorted(_CHECKOUT_DIRS)}, got {kind!r}")
    installed = Path(str(files("reportkit"))) / "_data" / kind
    checkout = Path(__file__).resolve().parents[2] / _CHECKOUT_DIRS[kind]
    for base in (installed, checkout):
        if base.is_dir():
            return base.joinpath(*parts)
    raise ReportkitError(
        f"reportkit's {kind} folder was not found (looked in {installed} and {checkout}); "
        "reinstall reportkit with `pip install --force-reinstall reportkit`."
    )
