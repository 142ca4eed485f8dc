"""An HTML report printed to an A4 PDF with headless Chromium (:func:`print_pdf`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...errors import ReportError
from .common import _tail

#: environment variable naming the Chromium executable to print PDFs with
CHROMIUM_ENV = "REPORTKIT_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium",)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
)


def find_chromium() -> str:
    """Path of a Chromium (``$REPORTKIT_CHROMIUM``, ``/usr/bin/chromium``, or on ``PATH``)."""
    env = os.environ.get(CHROMIUM_ENV)
    if env:
        if Path(env).is_file() or shutil.which(env):
            return shutil.which(env) or env
        raise ReportError(f"{CHROMIUM_ENV}={env!r} is not an executable; fix or unset it")
    for path in CHROMIUM_PATHS:
        if Path(path).is_file():
            return path
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError(
        "printing to PDF needs Chromium, which was not found (looked for "
        f"/usr/bin/chromium and {', '.join(CHROMIUM_NAMES)} on PATH). Install it "
        "with `apt-get install chromium` (Debian/Ubuntu), or set "
        f"{CHROMIUM_ENV} to its path."
    )


def print_pdf(
    html_file: str | os.PathLike, pdf: str | os.PathLike | None = None, *, timeout: int = 180
) -> Path:
    """Print an HTML report to an A4 PDF (its print CSS) with headless Chromium.

    Parameters
    ----------
    html_file : path
    pdf : path, optional
        Default: the HTML's path with ``.pdf``.
    timeout : int, default 180
        Seconds to wait for Chromium.
    """
    src = Path(html_file).resolve()
    if not src.is_file():
        raise ReportError(f"cannot print {src} to PDF: the file does not exist")
    target = Path(pdf) if pdf is not None else src.with_suffix(".pdf")
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="reportkit-chromium-") as profile:
        cmd = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            src.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print {src.name} within {timeout} s") from None
        except OSError as exc:
            raise ReportError(f"could not start Chromium ({browser}): {exc}") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise ReportError(
            f"Chromium failed to print {src.name} to PDF (exit code "
            f"{done.returncode}): {_tail(done.stderr, 400)}"
        )
    return target
