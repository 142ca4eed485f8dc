"""Small helpers the rest of :mod:`reportkit.report.render` shares: the version and the
"made on" date printed in a report, the language check, message tails, where a notebook is."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

from ...errors import ReportError, check_param
from ...io.resources import data_path
from ...version import __version__
from .. import text as T

#: the folder name of reportkit's nbconvert template inside ``data_path("templates")``
TEMPLATE_NAME = "reportkit"


def _version() -> str:

    return __version__


def made_on_date() -> date:
    """The date printed as "made on": ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else
    today's date. It is metadata only; no figure of a report depends on it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
        except ValueError:
            raise ReportError(
                f"SOURCE_DATE_EPOCH must be a Unix time in seconds, got {epoch!r}; fix or unset it"
            ) from None
    return date.today()


def _check_lang(lang: str) -> None:
    check_param(lang in T.LANGS, "lang", 'one of "en", "ru"', lang)


def _tail(value: object, n: int = 400) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(value)).strip()
    return text if len(text) <= n else "…" + text[-n:]


def resolve_notebook(notebook: str | os.PathLike) -> Path:
    """The path of a notebook given by name (``"monthly_report"``, a packaged notebook) or path.

    Raises :class:`~reportkit.errors.ReportError` when neither exists.
    """
    path = Path(notebook)
    if path.suffix == ".ipynb" or path.parent != Path("."):
        if path.is_file():
            return path
        raise ReportError(
            f"notebook {path} does not exist; pass the path of an .ipynb file or "
            "the name of a packaged notebook"
        )
    packaged = data_path("notebooks", f"{path.name}.ipynb")
    if packaged.is_file():
        return packaged
    folder = data_path("notebooks")
    known = sorted(p.stem for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    raise ReportError(
        f"no packaged notebook named {path.name!r} in {folder}; known: "
        f"{', '.join(known) or 'none'}. Pass a notebook path instead."
    )
