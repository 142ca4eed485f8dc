"""Running the report notebooks and turning them into self-contained HTML (and PDF).

The pieces, each usable alone:

- :func:`run_notebook` executes a parameterised notebook with Papermill in its own output folder;
  a failed run keeps the executed notebook and raises :class:`~reportkit.errors.ReportError`
  naming the failing cell and the saved notebook.
- :func:`render_html` renders an executed notebook with reportkit's nbconvert template
  (``templates/reportkit``): no code, no prompts, no stderr, a title block, a table of contents,
  print CSS, figures embedded, and no request to any other host.
- :func:`print_pdf` prints an HTML report to an A4 PDF with headless Chromium.
- :func:`audit` (one report as of a date) and :func:`monthly` (one report per month, run in
  parallel, plus ``index.html`` with the key figures and their trend) tie them together. The data
  is loaded and the client-month panel built **once** per call; both are saved in the run's
  staging folder (``<out>/.staging-<pid>…``, removed when the run ends, so no pickled data stays
  in the folder handed to the client) and the notebooks get their paths (``dataset_path``,
  ``panel_path``, ``config_path``) and read them with :func:`reportkit.report.store.read_cached`.
- :func:`reportkit.report.store.record_kpis` is what a notebook calls to leave its key figures for the index page.
- :func:`reportkit.report.mask.mask_frame` replaces client names, ids, phones, e-mails, tax ids and managers' names by
  stable pseudonyms. Masking happens at the edge: the analyses always run on the real data, and
  the report's tables and the action lists show the pseudonyms (``Audit.build(mask=True)``);
  the key comes from ``$REPORTKIT_MASK_KEY`` or a per-user file (:func:`mask_key`), never from
  the output folder.

Parameters every report notebook receives (declare the ones it uses in its ``parameters`` cell):
``period`` ("YYYY-MM"), ``as_of`` ("YYYY-MM-DD"), ``lang``, ``title``, ``dataset_path``,
``panel_path``, ``config_path``, ``output_dir`` (where to write ``kpis.json`` and action lists;
also the working directory) and ``mask`` (bool).
"""

from __future__ import annotations

import contextlib
import hashlib
import html as _html
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.dates import check_as_of, default_as_of
from ..core.panel import build_panel
from ..errors import (
    InputError,
    OutputFolderError,
    ParameterError,
    ReportError,
    ReportkitError,
    check_param,
)
from ..io import schema as S
from ..io.config import Config, check_paths, load_config
from ..io.dataset import Dataset
from ..io.load import load
from ..io.resources import data_path
from ..progress import PROGRESS
from ..version import __version__
from . import text as T
from .export import replaced
from .mask import check_key_outside
from .pipeline import check_data
from .store import ACTION_LISTS_FILE, KPIS_FILE, read_kpis, write_cached

#: the folder name of reportkit's nbconvert template inside ``data_path("templates")``
TEMPLATE_NAME = "reportkit"
#: cell tags whose cells never reach the HTML
REMOVE_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")
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
_OWN_KERNEL = "reportkit-python"


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
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


# ----------------------------------------------------------------------------------------------
# kernel
# ----------------------------------------------------------------------------------------------
def _spec_runs_this_python(argv: list[str]) -> bool:
    if not argv:
        return False
    exe = argv[0]
    # jupyter_client replaces a bare "python"/"python3"/"python3.X" by the launching interpreter
    bare = {
        "python",
        f"python{sys.version_info[0]}",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
    }
    if exe in bare:
        return True
    try:
        return Path(exe).resolve() == Path(sys.executable).resolve()
    except OSError:  # pragma: no cover - unreadable path
        return False


def _own_kernel_prefix() -> Path:
    tag = hashlib.sha256(sys.executable.encode()).hexdigest()[:10]
    user = getattr(os, "getuid", lambda: "user")()
    return Path(tempfile.gettempdir()) / f"reportkit-kernel-{user}-{tag}"


def _install_own_kernel() -> str:
    """Write a kernelspec for this interpreter into a private prefix and put it on JUPYTER_PATH."""
    try:
        from ipykernel.kernelspec import install
    except ImportError:
        raise ReportError(
            "no Jupyter kernel for this Python: ipykernel is not installed. "
            "Install it with `pip install ipykernel`."
        ) from None
    prefix = _own_kernel_prefix()
    share = prefix / "share" / "jupyter"
    spec_file = share / "kernels" / _OWN_KERNEL / "kernel.json"
    try:
        if not spec_file.is_file():
            install(kernel_name=_OWN_KERNEL, display_name="Python (reportkit)", prefix=str(prefix))
    except Exception as exc:  # noqa: BLE001 - any failure becomes one clear error
        raise ReportError(
            f"could not create a Jupyter kernel for {sys.executable} in {prefix} "
            f"({exc}); run `python -m ipykernel install --user` once, or pass "
            "kernel_name="
        ) from None
    paths = os.environ.get("JUPYTER_PATH", "")
    if str(share) not in paths.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(share), paths) if p)
    return _OWN_KERNEL


def find_kernel(kernel_name: str | None = None) -> str:
    """The name of the Jupyter kernel to run report notebooks with.

    With ``kernel_name`` given, checks that it exists. Otherwise uses ``python3`` when that
    kernel runs this interpreter, and else creates a kernelspec for this interpreter
    (``reportkit-python``) in a private folder put on ``JUPYTER_PATH``: no prior
    ``ipykernel install`` is needed.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    if kernel_name is not None:
        try:
            ksm.get_kernel_spec(kernel_name)
        except NoSuchKernel:
            known = sorted(ksm.find_kernel_specs())
            raise ReportError(
                f"Jupyter kernel {kernel_name!r} not found; known kernels: "
                f"{', '.join(known) or 'none'}. Pass kernel_name=None to use "
                "this Python."
            ) from None
        return kernel_name
    try:
        spec = ksm.get_kernel_spec("python3")
        if _spec_runs_this_python(list(spec.argv)):
            return "python3"
    except NoSuchKernel:
        pass
    return _install_own_kernel()


def _kernel_manager_class(ipc_dir: str | None = None) -> Any:
    """Kernel manager talking to the kernel over local IPC sockets on POSIX (no TCP port open,
    no "running over TCP without encryption" warning); the default manager elsewhere. The
    sockets live in ``ipc_dir`` (a private temporary folder of the run), never in the notebook's
    working folder, so two runs into one output folder cannot reach each other's kernel."""
    from jupyter_client import AsyncKernelManager

    if os.name != "posix":  # pragma: no cover - Windows has no IPC transport
        return AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            return os.path.join(ipc_dir, "kernel-ipc") if ipc_dir else "kernel-ipc"

    return IpcKernelManager


# ----------------------------------------------------------------------------------------------
# running one notebook
# ----------------------------------------------------------------------------------------------
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


# ----------------------------------------------------------------------------------------------
# rendering
# ----------------------------------------------------------------------------------------------
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.DOTALL)
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
TOC_MARKER = "<!--reportkit:toc-->"
_BODY_MARKER = '<div class="rk-body">'


def _slug(text: str) -> str:
    plain = _html.unescape(text)
    slug = re.sub(r"[^\w]+", "-", plain, flags=re.UNICODE).strip("-")
    return slug or "section"


def add_toc(page: str) -> str:
    """Fill the table of contents of a rendered report from its headings.

    Headings (markdown cells and HTML outputs alike) of the smallest level found and the level
    below are listed; headings without an id get one from their text; ids are made unique;
    the top-level headings get the class ``rk-section`` (a page break before each in print).
    Without headings the contents block is removed.
    """
    start = page.find(_BODY_MARKER)
    if start < 0 or TOC_MARKER not in page:
        return page
    head, body = page[:start], page[start:]
    found = list(_HEADING.finditer(body))
    if not found:
        return re.sub(r'<nav class="rk-toc".*?</nav>\s*', "", head, flags=re.DOTALL) + body
    top = min(int(m.group(1)) for m in found)
    seen: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []
    pieces: list[str] = []
    pos = 0
    for m in found:
        level, attrs, inner = int(m.group(1)), m.group(2) or "", m.group(3)
        id_match = _ID_ATTR.search(attrs)
        hid = id_match.group(1) if id_match else ""
        attrs = _ID_ATTR.sub("", attrs)
        text = _TAG.sub("", _ANCHOR.sub("", inner)).strip()
        new_id = hid or _slug(text)
        if new_id in seen:
            seen[new_id] += 1
            new_id = f"{new_id}-{seen[new_id]}"
        seen.setdefault(new_id, 1)
        if hid:
            inner = inner.replace(f'href="#{hid}"', f'href="#{new_id}"')
        if level == top:
            if "class=" in attrs:
                attrs = re.sub(r'class="([^"]*)"', r'class="\1 rk-section"', attrs, count=1)
            else:
                attrs = attrs + ' class="rk-section"'
        pieces.append(body[pos : m.start()])
        pieces.append(
            f'<h{level} id="{new_id}"{" " + attrs.strip() if attrs.strip() else ""}>'
            f"{inner}</h{level}>"
        )
        pos = m.end()
        if level <= top + 1:
            entries.append((level - top, new_id, text))
    pieces.append(body[pos:])
    html_items: list[str] = ["<ol>"]
    depth = 0
    for i, (rel, hid, text) in enumerate(entries):
        if rel > depth:
            html_items.append("<ol>")
            depth = 1
        elif rel < depth:
            html_items.append("</li></ol></li>")
            depth = 0
        elif i:
            html_items.append("</li>")
        html_items.append(f'<li><a href="#{_html.escape(hid, quote=True)}">{text}</a>')
    if entries:
        html_items.append("</li>")
    if depth:
        html_items.append("</ol></li>")
    html_items.append("</ol>")
    toc = "".join(html_items)
    return head.replace(TOC_MARKER, toc, 1) + "".join(pieces)


def _exporter(lang: str):
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor
    from traitlets.config import Config as TraitletsConfig

    class DropStderrPreprocessor(Preprocessor):
        """Remove stderr stream outputs (warnings, progress bars) from every code cell."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    c = TraitletsConfig()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input", "remove_input"}
    templates = data_path("templates")
    if not (templates / TEMPLATE_NAME / "index.html.j2").is_file():
        raise ReportError(
            f"reportkit's report template is missing from {templates}; reinstall reportkit"
        )
    exporter = HTMLExporter(
        config=c,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        theme="light",
    )
    exporter.register_preprocessor(DropStderrPreprocessor(), enabled=True)
    return exporter


def render_html(
    executed_notebook: str | os.PathLike,
    *,
    out: str | os.PathLike,
    title: str | None = None,
    period: str | None = None,
    lang: str | None = None,
    version: str | None = None,
    made_on: date | str | None = None,
    subtitle: str | None = None,
    note: str | None = None,
) -> Path:
    """Render an executed notebook to one self-contained HTML file.

    Parameters
    ----------
    executed_notebook : path
    out : path
        The HTML file to write (its folder is created).
    title : str, optional
        Name of the client base; default: the notebook's ``title`` parameter, else its name.
    period : str, optional
        Shown as "Period"; default: the notebook's ``period`` parameter, if any.
    lang : {"en", "ru"}, optional
        Default: the notebook's ``lang`` parameter, else "en".
    version : str, optional
        reportkit version printed in the title block and footer; default: this one.
    made_on : date or str, optional
        Default: :func:`made_on_date` (``SOURCE_DATE_EPOCH`` or today).
    subtitle : str, optional
        The small line above the title (the kind of report).
    note : str, optional
        A remark under the title block (e.g. that names are masked).

    Returns
    -------
    Path
        ``out``.
    """
    import nbformat

    nb_path = Path(executed_notebook)
    if not nb_path.is_file():
        raise ReportError(
            f"executed notebook {nb_path} does not exist; run it first with run_notebook()"
        )
    try:
        nb = nbformat.read(nb_path, as_version=4)
    except Exception as exc:  # noqa: BLE001
        raise ReportError(f"{nb_path} is not a readable notebook ({exc})") from None
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    lang = lang or params.get("lang") or "en"
    _check_lang(lang)
    title = title or params.get("title") or nb_path.stem
    period = period or params.get("period")
    version = version or _version()
    made = made_on if made_on is not None else made_on_date()
    meta = []
    if period:
        meta.append({"label": T.t("report.period", lang), "value": str(period)})
    meta.append(
        {
            "label": T.t("report.made_on", lang),
            "value": T.fmt_date(made, lang) if not isinstance(made, str) else made,
        }
    )
    meta.append({"label": "reportkit", "value": version})
    resources = {
        "metadata": {"name": title, "path": str(nb_path.parent)},
        "language_code": lang,
        "reportkit": {
            "lang": lang,
            "title": title,
            "kicker": subtitle or "",
            "meta": meta,
            "note": note or "",
            "contents_label": T.t("report.contents", lang),
            "made_with": T.t("report.made_with", lang, version=version),
            "version": version,
        },
    }
    try:
        body, _ = _exporter(lang).from_notebook_node(nb, resources=resources)
    except ReportkitError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ReportError(
            f"rendering {nb_path} to HTML failed: {type(exc).__name__}: {_tail(exc, 300)}"
        ) from None
    page = add_toc(body)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with replaced(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out


# ----------------------------------------------------------------------------------------------
# PDF
# ----------------------------------------------------------------------------------------------
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


# ----------------------------------------------------------------------------------------------
# data, panel and freshness
# ----------------------------------------------------------------------------------------------
LOCK_FILE = ".reportkit.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: an unreadable lock file younger than this is a run writing it, not a stale lock
_LOCK_WRITE_SECONDS = 30.0


def _create_lock(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text`` only if it does not exist, in one step: the text is
    written to a file of our own and hard-linked into place, so no other run can ever read the
    lock half-written. Filesystems without hard links fall back to an exclusive create."""
    own = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        own.write_text(text, encoding="utf-8")
        try:
            os.link(own, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # no hard links here
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return True
    finally:
        own.unlink(missing_ok=True)


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold ``out/.reportkit.lock`` (the holder's pid and start time) for one run: a second run
    into the same folder is refused with a message naming the holder; a lock whose process is
    gone (a killed run) is stale and taken over."""
    path = out / LOCK_FILE
    mine = f"{os.getpid()} {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n"
    for _ in range(3):
        if _create_lock(path, mine):
            break
        try:
            text = path.read_text(encoding="utf-8")
            age = time.time() - path.stat().st_mtime
        except OSError:
            continue  # gone meanwhile: try again
        pid_text, _, started = text.strip().partition(" ")
        pid = int(pid_text) if pid_text.isdigit() else None
        if pid is None and age < _LOCK_WRITE_SECONDS:
            pid, started = -1, "just now"  # a lock being written by a run that is starting
        if pid is not None and pid != os.getpid() and (pid == -1 or _alive(pid)):
            holder = "starting" if pid == -1 else f"pid {pid}"
            raise OutputFolderError(
                f"another reportkit run ({holder}, started {started or 'earlier'}) is "
                f"writing to {out}; wait for it to finish or choose another --out folder. "
                f"(If no such run exists, delete {path}.)"
            ) from None
        path.unlink(missing_ok=True)  # stale: the run that held it is gone
    else:  # pragma: no cover - another run keeps winning the race
        raise OutputFolderError(f"cannot take the lock {path}; another run is starting there.")
    try:
        yield path
    finally:
        try:
            if path.read_text(encoding="utf-8") == mine:
                path.unlink()
        except OSError:
            pass


def _clear_stale_staging(out: Path) -> None:
    """Remove the staging folders (and folders set aside) of runs that are gone (killed); the
    caller holds the output lock, so no live run of another process uses them."""
    for old in [*out.glob(".staging-*"), *out.glob(".old-*")]:
        pid = old.name.split("-")[1]
        if not (pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))):
            shutil.rmtree(old, ignore_errors=True)


def _staging_folder(out: Path) -> Path:
    """A fresh staging folder for this run inside ``out`` (stale ones removed first)."""
    _clear_stale_staging(out)
    stage = out / f".staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def _swap_in(stage: Path, out: Path, name: str, files: list[Path]) -> Path:
    """Move a finished run from the staging folder into ``out``: its folder replaces the old one
    (renamed aside, then removed), then each file replaces its old version."""
    final = out / name
    aside = out / f".old-{os.getpid()}-{name}"
    try:
        if final.exists():
            os.replace(final, aside)
        os.replace(stage / name, final)
        for f in files:
            os.replace(f, out / f.name)
    except OSError as exc:
        raise ReportError(
            f"cannot move the finished report into {out}: "
            f"{exc.strerror or exc}. The previous report, if any, is in "
            f"{aside}."
        ) from None
    shutil.rmtree(aside, ignore_errors=True)
    return final


def _keep_failed_notebook(exc: ReportError, notebook: Path, out: Path) -> ReportError:
    """A failed run's notebook, moved out of the staging folder so the message can point to
    it (the previous report stays in place)."""
    text = str(exc)
    if notebook.is_file():
        kept = out / f"{notebook.stem}.failed.ipynb"
        try:
            os.replace(notebook, kept)
            text = text.replace(str(notebook), str(kept))
        except OSError:
            pass
    return ReportError(text)


def check_output_folder(out: Path) -> None:
    """Create the output folder and write a probe file in it, before any work: a folder that
    cannot be written is an input error that names it (not a traceback after the data were
    loaded)."""
    probe = out / f".reportkit-write-test-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"x")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            why = "a file stands where the folder (or one of its parents) should be"
        raise OutputFolderError(
            f"cannot write the report to {out}: {why}. Choose another "
            "output folder with --out, or free or fix that one."
        ) from None


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


# ----------------------------------------------------------------------------------------------
# one report
# ----------------------------------------------------------------------------------------------
@dataclass
class AuditResult:
    """What :func:`audit` wrote.

    Attributes
    ----------
    html : Path
    notebook : Path
        The executed notebook.
    action_lists : dict of str to Path
        Each action list's CSV, and the workbook under ``"workbook"``.
    pdf : Path or None
    kpis : dict
    as_of : str
    notes : list of str
        What the report cannot conclude from these data (also its first paragraph), for the
        terminal; empty for data long and wide enough.
    """

    html: Path
    notebook: Path
    action_lists: dict[str, Path] = field(default_factory=dict)
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    as_of: str = ""
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"report:    {self.html}", f"notebook:  {self.notebook}"]
        if self.pdf:
            lines.append(f"pdf:       {self.pdf}")
        for name, path in self.action_lists.items():
            lines.append(f"list {name}: {path}")
        return "\n".join(lines)


def _parse_date(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        raise ParameterError(f"`{name}` must be a date like 2024-06-30, got {value!r}")
    return ts.normalize()


def audit(
    data: Any,
    *,
    as_of: Any = None,
    config: Any = None,
    lang: str | None = None,
    out: str | os.PathLike = "reports",
    pdf: bool = False,
    mask: bool = False,
    notebook: str | os.PathLike = "client_base_audit",
    kernel_name: str | None = None,
    allow_future: bool = False,
) -> AuditResult:
    """The client-base audit report as of a date.

    Parameters
    ----------
    data : path or Dataset
        A transactions file or a folder of table files (see :func:`reportkit.io.load`).
    as_of : date or str, optional
        Default: the end of the last full month in the data.
    config : Config, path or dict, optional
    lang : {"en", "ru"}, optional
        Default: ``config.report.lang`` ("en").
    out : path, default "reports"
    pdf : bool, default False
        Also print ``audit_<as_of>.pdf`` with Chromium.
    mask : bool, default False
        Show stable pseudonyms instead of client names, ids, phones, e-mails, tax ids and
        managers' names in the report and the action lists. The analysis runs on the real data,
        so every figure is the same as without ``mask``. The key: ``$REPORTKIT_MASK_KEY``, else
        a per-user key file (:func:`mask_key_path`), made on first use; never in ``out``.
    notebook : str or path, default "client_base_audit"
    kernel_name : str, optional
    allow_future : bool, default False
        Accept a report date more than a month after the end of the last transaction's month
        (otherwise an input error: such a report calls every client lost).

    Returns
    -------
    AuditResult
        ``out/audit_<as_of>.html``; the executed notebook, ``kpis.json`` and the action lists in
        ``out/audit_<as_of>/``. Nothing else stays in ``out``: the cached inputs live in the
        run's staging folder, removed when the run ends.

    Raises
    ------
    InputError
        Among others, data no audit can be drawn from
        (:func:`reportkit.report.pipeline.check_data`: every amount 0, one day of sales, fewer
        than 20 clients), before any notebook runs.
    """
    cfg = load_config(config)
    check_paths(cfg, data if data is not None else data_path("sample"))
    lang = lang or cfg.report.lang
    _check_lang(lang)
    out = Path(out)
    check_output_folder(out)
    with output_lock(out):
        nb_src = resolve_notebook(notebook)
        dataset = _load_data(data, cfg)

        stamp = (
            pd.Timestamp(default_as_of(dataset)) if as_of is None else _parse_date(as_of, "as_of")
        )
        check_as_of(dataset, stamp, allow_future=allow_future)

        notes = check_data(dataset, stamp)
        for note in notes:
            PROGRESS.stage(note)
        if mask:
            check_key_outside(out)
        as_of_text = stamp.strftime("%Y-%m-%d")
        title = _base_title(cfg, data, lang)
        name = f"audit_{as_of_text}"
        # the run is written into a staging folder and swapped in at the end: the report
        # folder holds the HTML, lists and key figures of one run, never a mix of two, and a
        # killed run leaves the previous report as it was (and a staging folder the next run
        # removes). The cached inputs (pickles of the data) live there too and go with it.
        stage = _staging_folder(out)
        try:
            inputs = _prepare_inputs(dataset, cfg, stage / "inputs")
            del dataset  # the notebook reads its own copy: one copy of the transactions at a time
            params = {
                "period": stamp.strftime("%Y-%m"),
                "as_of": as_of_text,
                "title": title,
                "mask": bool(mask),
                **inputs,
            }
            PROGRESS.stage(
                f"report as of {as_of_text}: running the notebook (one bar step per cell)"
            )
            try:
                executed = _execute(
                    nb_src,
                    {},
                    {**params, "lang": lang, "output_dir": None},
                    output_dir=stage / name,
                    name=name,
                    kernel_name=kernel_name,
                )
            except ReportError as exc:
                raise _keep_failed_notebook(exc, stage / name / f"{name}.ipynb", out) from None
            PROGRESS.stage("rendering the HTML report")
            start = stamp - pd.DateOffset(months=cfg.report.window_months) + pd.Timedelta(days=1)
            period = f"{T.fmt_date(start, lang)} – {T.fmt_date(stamp, lang)}"
            html = render_html(
                executed,
                out=stage / f"{name}.html",
                title=title,
                period=period,
                lang=lang,
                subtitle=T.t("report.audit_title", lang),
                note=_masked_note(lang) if mask else None,
            )
            pdf_path = print_pdf(html) if pdf else None
            work = _swap_in(stage, out, name, [html] + ([pdf_path] if pdf_path else []))
            (out / f"{name}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure's
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        pdf_final = out / pdf_path.name if pdf_path else None
        return AuditResult(
            html=out / html.name,
            notebook=work / executed.name,
            action_lists=_action_lists(work),
            pdf=pdf_final,
            kpis=read_kpis(work),
            as_of=as_of_text,
            notes=notes,
        )


# ----------------------------------------------------------------------------------------------
# the monthly batch
# ----------------------------------------------------------------------------------------------
@dataclass
class PeriodResult:
    """One period of a monthly batch: ``status`` is "done", "skipped" (up to date), "failed" or
    "outside_data" (a month after the last transaction's month or before the first transaction:
    not built, ``error`` says why)."""

    period: str
    status: str
    html: Path | None = None
    notebook: Path | None = None
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class MonthlyResult:
    """What :func:`monthly` did.

    Attributes
    ----------
    index : Path
        ``out/index.html``.
    periods : list of PeriodResult
        In period order.
    done, skipped, failed : list of str
        Periods ("YYYY-MM") built now, left as they were (up to date), or that failed.
    outside_data : list of str
        Requested periods outside the data, not built (and not on the index page).
    notes : list of str
        What the batch says besides: the months it did not build and why, and what thin data
        cannot tell (also printed on the terminal).
    """

    index: Path
    periods: list[PeriodResult]
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "done"]

    @property
    def skipped(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "skipped"]

    @property
    def failed(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "failed"]

    @property
    def outside_data(self) -> list[str]:
        return [p.period for p in self.periods if p.status == OUTSIDE]

    def __str__(self) -> str:
        lines = [
            f"index: {self.index}",
            (
                f"periods: {len(self.done)} built, {len(self.skipped)} up to date, "
                f"{len(self.failed)} failed"
                + (f", {len(self.outside_data)} outside the data" if self.outside_data else "")
            ),
        ]
        for p in self.periods:
            if p.status == "failed":
                lines.append(f"  {p.period} FAILED: {p.error}")
        return "\n".join(lines)


BUILD_FILE = "build.json"


def _build_signature(cfg: Config, notebook: Path, *, lang: str, mask: bool, pdf: bool) -> str:
    """What a period's report depends on besides the files: a change means rebuild."""
    what = {
        "lang": lang,
        "mask": bool(mask),
        "pdf": bool(pdf),
        "config": repr(cfg),
        "notebook": str(Path(notebook).resolve()),
        "version": _version(),
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def _period_paths(out: Path, period: str) -> tuple[Path, Path]:
    return out / f"monthly_{period}.html", out / f"monthly_{period}"


def _run_period(job: dict[str, Any]) -> dict[str, Any]:
    """Run, render (and print) one period. Never raises: errors come back in the dict."""
    period = job["period"]
    work = Path(job["work"])
    html = Path(job["html"])
    nb_name = f"monthly_{period}"
    result: dict[str, Any] = {
        "period": period,
        "status": "failed",
        "html": None,
        "notebook": None,
        "pdf": None,
        "error": None,
    }
    out = html.parent
    # the period is built in a staging folder and swapped in when whole (as the audit): a
    # killed batch leaves each period either as it was or complete, never half of both
    stage = out / f".staging-{os.getpid()}-{period}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        stage.mkdir(parents=True)
        executed = _execute(
            job["notebook"],
            {},
            {**job["parameters"], "lang": job["lang"], "output_dir": None},
            output_dir=stage / nb_name,
            name=nb_name,
            kernel_name=job["kernel_name"],
        )
        staged = render_html(
            executed,
            out=stage / html.name,
            title=job["title"],
            period=job["period_text"],
            lang=job["lang"],
            made_on=job["made_on"],
            subtitle=job["subtitle"],
            note=job["note"],
        )
        files = [staged] + ([print_pdf(staged)] if job["pdf"] else [])
        (stage / nb_name / BUILD_FILE).write_text(job["signature"], encoding="utf-8")
        final = _swap_in(stage, out, nb_name, files)
        (out / f"{nb_name}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure's
        result["notebook"] = str(final / executed.name)
        result["html"] = str(html)
        if job["pdf"]:
            result["pdf"] = str(out / files[1].name)
        result["status"] = "done"
    except Exception as exc:  # noqa: BLE001 - one period must not stop the others
        if isinstance(exc, ReportError):
            exc = _keep_failed_notebook(exc, stage / nb_name / f"{nb_name}.ipynb", out)
        message = (
            str(exc)
            if isinstance(exc, ReportkitError)
            else f"{type(exc).__name__}: {_tail(exc, 300)}"
        )
        result["error"] = message
        kept = out / f"{nb_name}.failed.ipynb"
        result["notebook"] = str(kept) if kept.is_file() else None
        html.unlink(missing_ok=True)
        (work / BUILD_FILE).unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return result


def _periods(start: Any, end: Any) -> list[pd.Period]:
    def parse(value: Any, name: str) -> pd.Period:
        if isinstance(value, pd.Period):
            return value.asfreq("M")
        if isinstance(value, (pd.Timestamp, datetime, date)):
            return pd.Timestamp(value).to_period("M")
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            raise ParameterError(f"`{name}` must be a month like 2024-06, got {value!r}")
        return pd.Period(text, freq="M")

    first, last = parse(start, "start"), parse(end, "end")
    if last < first:
        raise ParameterError(f"`end` must not be before `start`, got start={start!r}, end={end!r}")
    return list(pd.period_range(first, last, freq="M"))


def monthly(
    data: Any,
    *,
    start: Any,
    end: Any,
    config: Any = None,
    lang: str | None = None,
    out: str | os.PathLike = "reports",
    jobs: int | None = None,
    force: bool = False,
    pdf: bool = False,
    mask: bool = False,
    notebook: str | os.PathLike = "monthly_report",
    kernel_name: str | None = None,
    progress: bool | None = None,
) -> MonthlyResult:
    """One report per month from ``start`` to ``end`` and an index page.

    The data is loaded and the panel built once (and only if some period needs building), saved
    in the batch's staging folder (removed at the end) and shared by all notebooks. Periods run
    in parallel; one that fails does not stop the others. Months after the last transaction's
    month (or ending before the first transaction) are not built: they are noted in the result
    (``outside_data``, ``notes``) and on the terminal; when every requested month is outside
    the data, an :class:`~reportkit.errors.InputError` names the data's range.

    Parameters
    ----------
    data : path or Dataset
    start, end : str
        First and last period, "YYYY-MM" (inclusive).
    config : Config, path or dict, optional
    lang : {"en", "ru"}, optional
        Default: ``config.report.lang`` ("en").
    out : path, default "reports"
    jobs : int, optional
        Periods run at the same time; default ``os.cpu_count()``. 1 runs them in this process.
    force : bool, default False
        Rebuild every period. Without it a period is skipped when its HTML is newer than the
        data files, the config file and the notebook, and it was built with the same settings
        (language, mask, pdf, config values, notebook, reportkit version). Data passed as a
        Dataset (in memory) is always rebuilt.
    pdf : bool, default False
    mask : bool, default False
        Pseudonyms instead of clients' and managers' names, ids and contacts in the reports
        and lists; the figures are those of the real data (see :func:`audit`).
    notebook : str or path, default "monthly_report"
    kernel_name : str, optional
    progress : bool or None, default None
        Show a progress bar on stderr; None: as the command line decides (on a terminal, unless
        ``--quiet``), so the Python API shows nothing unless asked.

    Returns
    -------
    MonthlyResult
        ``out/monthly_YYYY-MM.html`` per period; its executed notebook, ``kpis.json`` and action
        lists in ``out/monthly_YYYY-MM/``; ``out/index.html``.
    """
    cfg = load_config(config)
    check_paths(cfg, data)
    lang = lang or cfg.report.lang
    _check_lang(lang)
    check_param(
        jobs is None or (isinstance(jobs, int) and jobs >= 1),
        "jobs",
        "None or a positive integer",
        jobs,
    )
    out = Path(out)
    check_output_folder(out)
    with output_lock(out):
        _clear_stale_staging(out)
        nb_src = resolve_notebook(notebook)
        periods = [str(p) for p in _periods(start, end)]
        inputs_time = _inputs_mtime(data, config, nb_src)
        signature = _build_signature(cfg, nb_src, lang=lang, mask=mask, pdf=pdf)
        results: dict[str, PeriodResult] = {}
        todo: list[str] = []
        for period in periods:
            html, work = _period_paths(out, period)
            fresh = (
                not force
                and inputs_time is not None
                and html.is_file()
                and html.stat().st_mtime > inputs_time
                and (work / KPIS_FILE).is_file()
                and (work / BUILD_FILE).is_file()
                and (work / BUILD_FILE).read_text(encoding="utf-8").strip() == signature
            )
            if fresh:
                saved = work / f"monthly_{period}.ipynb"
                results[period] = PeriodResult(
                    period,
                    "skipped",
                    html=html,
                    notebook=saved if saved.is_file() else None,
                    kpis=read_kpis(work),
                )
            else:
                todo.append(period)
        title = _base_title(cfg, data, lang)
        notes: list[str] = []
        # the inputs cached for the workers: in this run's staging area, removed at the end (a
        # killed batch's are removed by the next run into the folder)
        cache = out / f".staging-{os.getpid()}-inputs"
        try:
            if todo:
                dataset = _load_data(data, cfg)
                todo = _in_data(dataset, todo, periods, results, notes)
            if todo:
                last_end = pd.Period(todo[-1], freq="M").end_time.normalize()
                for note in check_data(dataset, min(last_end, _data_range(dataset)[1])):
                    notes.append(note)
                    PROGRESS.stage(note)
                if mask:
                    check_key_outside(out)
                inputs = _prepare_inputs(dataset, cfg, cache)
                del dataset
                _run_periods(
                    todo,
                    out,
                    results,
                    inputs,
                    nb_src=nb_src,
                    lang=lang,
                    title=title,
                    kernel_name=kernel_name,
                    pdf=pdf,
                    mask=mask,
                    signature=signature,
                    jobs=jobs,
                    progress=progress,
                )
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        ordered = [results[p] for p in periods]
        index = write_index(
            [r for r in ordered if r.status != OUTSIDE], out, lang=lang, title=title
        )
        return MonthlyResult(index=index, periods=ordered, notes=notes)


#: status of a requested month that lies outside the data (not built)
OUTSIDE = "outside_data"


def _data_range(dataset: Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Days of the first and last transaction."""
    dates = dataset.transactions[S.DATE]
    return pd.Timestamp(dates.min()).normalize(), pd.Timestamp(dates.max()).normalize()


def _in_data(
    dataset: Dataset,
    todo: list[str],
    periods: list[str],
    results: dict[str, PeriodResult],
    notes: list[str],
) -> list[str]:
    """The periods of ``todo`` within the data. Months after the last transaction's month (a
    report of nothing: revenue 0, every client at risk) or ending before the first transaction
    are not built: noted in ``results`` and ``notes`` (and on the terminal). Every requested
    month outside the data is an input error naming the data's range."""
    first, last = _data_range(dataset)
    span = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    after = [p for p in todo if pd.Period(p, freq="M") > last.to_period("M")]
    before = [p for p in todo if pd.Period(p, freq="M").end_time.normalize() < first]
    outside = set(after) | set(before)
    if outside and len(outside) == len(periods):
        raise InputError(
            f"every requested month ({periods[0]} – {periods[-1]}) lies outside "
            f"the data, which run from {span}: there is nothing to report. "
            f"Choose months from {first:%Y-%m} to {last:%Y-%m} (--from, --to)."
        )
    for months, where in ((after, "after"), (before, "before")):
        if not months:
            continue
        which = ", ".join(months)
        note = (
            f"{which}: {'is' if len(months) == 1 else 'are'} {where} the data ({span}), not built"
        )
        notes.append(note)
        PROGRESS.stage(note)
        for p in months:
            results[p] = PeriodResult(p, OUTSIDE, error=note)
    return [p for p in todo if p not in outside]


def _run_periods(
    todo: list[str],
    out: Path,
    results: dict[str, PeriodResult],
    inputs: dict[str, str],
    *,
    nb_src: Path,
    lang: str,
    title: str,
    kernel_name: str | None,
    pdf: bool,
    mask: bool,
    signature: str,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Build the periods of ``todo`` (in parallel) into ``results``."""
    kernel = find_kernel(kernel_name)
    made_on = made_on_date()
    jobs_list = []
    for period in todo:
        html, work = _period_paths(out, period)
        p = pd.Period(period, freq="M")
        as_of = p.end_time.normalize()
        jobs_list.append(
            {
                "period": period,
                "work": str(work),
                "html": str(html),
                "notebook": str(nb_src),
                "lang": lang,
                "title": title,
                "kernel_name": kernel,
                "pdf": pdf,
                "made_on": made_on,
                "signature": signature,
                "subtitle": T.t("report.monthly_title", lang),
                "note": _masked_note(lang) if mask else None,
                "period_text": f"{T.fmt_date(p.start_time, lang)} – {T.fmt_date(as_of, lang)}",
                "parameters": {
                    "period": period,
                    "as_of": as_of.strftime("%Y-%m-%d"),
                    "title": title,
                    "mask": bool(mask),
                    **inputs,
                },
            }
        )
    for raw in _execute_all(jobs_list, jobs, PROGRESS.enabled if progress is None else progress):
        period = raw["period"]
        results[period] = PeriodResult(
            period,
            raw["status"],
            html=Path(raw["html"]) if raw["html"] else None,
            notebook=Path(raw["notebook"]) if raw["notebook"] else None,
            pdf=Path(raw["pdf"]) if raw["pdf"] else None,
            kpis=read_kpis(_period_paths(out, period)[1]) if raw["status"] == "done" else {},
            error=raw["error"],
        )


#: thread-pool sizes that numerical libraries (OpenMP, OpenBLAS, MKL …) read at start-up
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def _limit_threads(threads: int) -> None:
    """Worker initializer: cap the kernels' thread pools at ``threads`` (unless the user set them).

    Parallel periods each run a kernel; left alone, every kernel's OpenMP pool (scikit-learn's
    gradient boosting) takes all the cores, and pools that spin-wait on each other's cores made
    a 2-period batch on 2 cores take minutes instead of seconds. The kernels inherit this
    environment from the worker.
    """
    for name in THREAD_ENV:
        os.environ.setdefault(name, str(threads))
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch process dies (SIGKILL included), so that a
    killed ``monthly`` leaves no worker building periods behind it (its kernels follow: ipykernel
    exits when its parent goes)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: best effort
        pass


def _execute_all(jobs_list: list[dict], jobs: int | None, progress: bool) -> list[dict]:
    from tqdm.auto import tqdm

    workers = min(jobs or os.cpu_count() or 1, len(jobs_list))
    bar = tqdm(
        total=len(jobs_list),
        desc="reportkit monthly",
        unit="period",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )
    done: list[dict] = []
    try:
        if workers <= 1:
            for job in jobs_list:
                done.append(_run_period(job))
                bar.update(1)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("spawn")
            threads = max(1, (os.cpu_count() or 1) // workers)
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_limit_threads, initargs=(threads,)
            )
            try:
                futures = {pool.submit(_run_period, job): job for job in jobs_list}
                for fut in as_completed(futures):
                    job = futures[fut]
                    try:
                        done.append(fut.result())
                    except Exception as exc:  # noqa: BLE001 - a worker died
                        done.append(
                            {
                                "period": job["period"],
                                "status": "failed",
                                "html": None,
                                "notebook": None,
                                "pdf": None,
                                "error": f"the worker process failed: "
                                f"{type(exc).__name__}: {_tail(exc, 200)}",
                            }
                        )
                    bar.update(1)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)  # e.g. Ctrl-C: stop queued work
                raise
            pool.shutdown(wait=True)
    finally:
        bar.close()
    return done


# ----------------------------------------------------------------------------------------------
# the index page
# ----------------------------------------------------------------------------------------------
def _kpi_label(key: str, lang: str) -> str:
    for candidate in (f"kpi.{key}", f"audit.kpi.{key}"):
        if T.has(candidate):
            return T.t(candidate, lang)
    return key


_TREND_ORDER = ("clients", "active_clients", "revenue", "churn_rate", "new_clients", "lost_clients")


def _trend_figure(periods: list[str], table: pd.DataFrame, lang: str) -> str:
    """A PNG (data URI) with up to four key figures over the periods; "" if nothing to plot."""
    numeric = [
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and table[c].notna().any()
    ]
    if not numeric or len(periods) == 0:
        return ""
    chosen = [c for c in _TREND_ORDER if c in numeric]
    chosen += [c for c in numeric if c not in chosen]
    chosen = chosen[:4]
    import base64

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(3.2 * len(chosen), 2.6), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    x = list(range(len(periods)))
    step = max(1, len(periods) // 6)
    for i, col in enumerate(chosen):
        ax = fig.add_subplot(1, len(chosen), i + 1)
        ax.plot(x, table[col].astype(float).to_numpy(), marker="o", color="#1f5f99")
        ax.set_title(_kpi_label(col, lang), fontsize=10)
        kind = T.kpi_kind(col, float(table[col].dropna().iloc[0]))
        ax.yaxis.set_major_formatter(
            FuncFormatter(
                lambda v, _pos, kind=kind: T.format_value(
                    v, kind if kind != "int" else "number", lang, decimals=0 if kind != "pct" else 1
                )
            )
        )
        ax.set_xticks(
            x[::step], [T.fmt_period(p, lang) for p in periods][::step], fontsize=8, rotation=30
        )
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def write_index(
    periods: list[PeriodResult],
    out: str | os.PathLike,
    *,
    lang: str = "en",
    title: str | None = None,
    made_on: date | None = None,
) -> Path:
    """Write ``out/index.html``: one row per period with its key figures, linked to its report;
    a failed period shows its error and a link to its executed notebook; a trend figure.
    Self-contained (CSS inlined, figure embedded), links relative to ``out``."""
    import jinja2
    import markupsafe

    _check_lang(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    labels = [p.period for p in periods]
    keys: list[str] = []
    for p in periods:
        keys.extend(k for k in p.kpis if k not in keys)
    table = pd.DataFrame([{k: p.kpis.get(k) for k in keys} for p in periods], columns=keys)
    for k in keys:
        converted = pd.to_numeric(table[k], errors="coerce")
        if converted.notna().sum() == table[k].notna().sum():
            table[k] = converted
    kinds = {
        k: T.kpi_kind(
            k,
            next(
                (
                    v
                    for v in table[k]
                    if v is not None and not (isinstance(v, float) and math.isnan(v))
                ),
                0,
            ),
        )
        for k in keys
    }

    def rel(path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return Path(os.path.relpath(Path(path).resolve(), out.resolve())).as_posix()
        except ValueError:  # pragma: no cover - other drive on Windows
            return Path(path).resolve().as_uri()

    headers = [
        {"text": T.t("col.period", lang), "num": False},
        {"text": T.t("index.status", lang), "num": False},
    ]
    headers += [{"text": _kpi_label(k, lang), "num": kinds[k] in T.NUMERIC_KINDS} for k in keys]
    rows = []
    for p, (_, krow) in zip(periods, table.iterrows()):
        failed = p.status == "failed"
        rows.append(
            {
                "period": p.period,
                "period_label": T.fmt_period(p.period, lang),
                "href": None if failed else rel(p.html),
                "status": T.t("index.failed" if failed else "index.done", lang),
                "failed": failed,
                "error": p.error or "",
                "notebook_href": rel(p.notebook) if failed else None,
                "notebook_label": T.t("index.notebook", lang),
                "cells": [
                    {
                        "text": T.format_value(krow[k], kinds[k], lang),
                        "num": kinds[k] in T.NUMERIC_KINDS,
                    }
                    for k in keys
                ],
            }
        )
    ok = [p for p in periods if p.status != "failed"]
    trend = (
        _trend_figure(
            [p.period for p in ok], table.loc[[p.status != "failed" for p in periods]], lang
        )
        if ok
        else ""
    )
    version = _version()
    made = made_on or made_on_date()
    page = {
        "lang": lang,
        "version": version,
        "title": title or T.t("index.title", lang),
        "kicker": T.t("index.title", lang),
        "meta": [
            {
                "label": T.t("report.period", lang),
                "value": f"{T.fmt_period(labels[0], lang)} – {T.fmt_period(labels[-1], lang)}"
                if labels
                else T.MISSING,
            },
            {"label": T.t("report.made_on", lang), "value": T.fmt_date(made, lang)},
            {"label": "reportkit", "value": version},
        ],
        "summary": T.t(
            "index.summary", lang, done=len(ok), total=len(periods), failed=len(periods) - len(ok)
        ),
        "trend_label": T.t("index.trend", lang),
        "periods_label": T.t("index.periods", lang),
        "made_with": T.t("report.made_with", lang, version=version),
    }
    folder = data_path("templates", TEMPLATE_NAME)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, keep_trailing_newline=True
    )
    css = (folder / "static" / "reportkit.css").read_text(encoding="utf-8")
    text = env.get_template("monthly_index.html.j2").render(
        page=page, css=markupsafe.Markup(css), figure=trend, headers=headers, rows=rows
    )
    path = out / "index.html"
    with replaced(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "AuditResult",
    "MonthlyResult",
    "PeriodResult",
    "add_toc",
    "audit",
    "find_chromium",
    "find_kernel",
    "made_on_date",
    "monthly",
    "print_pdf",
    "render_html",
    "resolve_notebook",
    "run_notebook",
    "write_index",
]
