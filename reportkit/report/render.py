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
  is loaded and the client-month panel built **once** per call; both are saved in
  ``<out>/.cache/`` and the notebooks get their paths (``dataset_path``, ``panel_path``,
  ``config_path``) and read them with :func:`read_cached`.
- :func:`record_kpis` is what a notebook calls to leave its key figures for the index page.
- :func:`mask_frame` replaces client names, phones, e-mails and tax ids by stable pseudonyms.

Parameters every report notebook receives (declare the ones it uses in its ``parameters`` cell):
``period`` ("YYYY-MM"), ``as_of`` ("YYYY-MM-DD"), ``lang``, ``title``, ``dataset_path``,
``panel_path``, ``config_path``, ``output_dir`` (where to write ``kpis.json`` and action lists;
also the working directory) and ``mask`` (bool).
"""

from __future__ import annotations

import contextlib
import hashlib
import html as _html
import json
import logging
import math
import os
import pickle
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.dates import check_as_of, default_as_of
from ..errors import (
    OutputFolderError,
    ParameterError,
    ReportError,
    ReportkitError,
    check_param,
)
from ..io import schema as S
from ..io.config import Config, check_paths, load_config
from ..io.dataset import Dataset
from ..io.resources import data_path
from ..progress import PROGRESS
from . import text as T
from .export import replaced

#: the folder name of reportkit's nbconvert template inside ``data_path("templates")``
TEMPLATE_NAME = "reportkit"
#: cell tags whose cells never reach the HTML
REMOVE_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")
#: the file a notebook writes its key figures to (see :func:`record_kpis`)
KPIS_FILE = "kpis.json"
#: the manifest of action lists written by :func:`reportkit.report.export.write_action_lists`
ACTION_LISTS_FILE = "action_lists.json"
#: environment variable holding the key of the pseudonyms (else ``<out>/.cache/mask.key``)
MASK_KEY_ENV = "REPORTKIT_MASK_KEY"
#: environment variable naming the Chromium executable to print PDFs with
CHROMIUM_ENV = "REPORTKIT_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium",)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-extensions", "--disable-default-apps",
                  "--mute-audio", "--hide-scrollbars")
_OWN_KERNEL = "reportkit-python"


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def _version() -> str:
    from ..version import __version__

    return __version__


def made_on_date() -> date:
    """The date printed as "made on": ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else
    today's date. It is metadata only; no figure of a report depends on it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
        except ValueError:
            raise ReportError(f"SOURCE_DATE_EPOCH must be a Unix time in seconds, got "
                              f"{epoch!r}; fix or unset it") from None
    return date.today()


def _check_lang(lang: str) -> None:
    check_param(lang in T.LANGS, "lang", 'one of "en", "ru"', lang)


def _tail(text: str, n: int = 400) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text if len(text) <= n else "…" + text[-n:]


def resolve_notebook(notebook: str | os.PathLike) -> Path:
    """The path of a notebook given by name (``"monthly_report"``, a packaged notebook) or path.

    Raises :class:`~reportkit.errors.ReportError` when neither exists.
    """
    path = Path(notebook)
    if path.suffix == ".ipynb" or path.parent != Path("."):
        if path.is_file():
            return path
        raise ReportError(f"notebook {path} does not exist; pass the path of an .ipynb file or "
                          "the name of a packaged notebook")
    packaged = data_path("notebooks", f"{path.name}.ipynb")
    if packaged.is_file():
        return packaged
    folder = data_path("notebooks")
    known = sorted(p.stem for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    raise ReportError(f"no packaged notebook named {path.name!r} in {folder}; known: "
                      f"{', '.join(known) or 'none'}. Pass a notebook path instead.")


# ----------------------------------------------------------------------------------------------
# kernel
# ----------------------------------------------------------------------------------------------
def _spec_runs_this_python(argv: list[str]) -> bool:
    if not argv:
        return False
    exe = argv[0]
    # jupyter_client replaces a bare "python"/"python3"/"python3.X" by the launching interpreter
    bare = {"python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"}
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
        raise ReportError("no Jupyter kernel for this Python: ipykernel is not installed. "
                          "Install it with `pip install ipykernel`.") from None
    prefix = _own_kernel_prefix()
    share = prefix / "share" / "jupyter"
    spec_file = share / "kernels" / _OWN_KERNEL / "kernel.json"
    try:
        if not spec_file.is_file():
            install(kernel_name=_OWN_KERNEL, display_name="Python (reportkit)",
                    prefix=str(prefix))
    except Exception as exc:  # noqa: BLE001 - any failure becomes one clear error
        raise ReportError(f"could not create a Jupyter kernel for {sys.executable} in {prefix} "
                          f"({exc}); run `python -m ipykernel install --user` once, or pass "
                          "kernel_name=") from None
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
            raise ReportError(f"Jupyter kernel {kernel_name!r} not found; known kernels: "
                              f"{', '.join(known) or 'none'}. Pass kernel_name=None to use "
                              "this Python.") from None
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


def run_notebook(notebook: str | os.PathLike, parameters: Mapping[str, Any] | None = None, *,
                 output_dir: str | os.PathLike, name: str | None = None, lang: str = "en",
                 title: str | None = None, kernel_name: str | None = None,
                 timeout: int | None = None) -> Path:
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
    return _execute(notebook, parameters or {}, extra, output_dir=output_dir, name=name,
                    kernel_name=kernel_name, timeout=timeout)


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


def _execute(notebook: str | os.PathLike, parameters: Mapping[str, Any],
             optional: Mapping[str, Any], *, output_dir: str | os.PathLike, name: str | None,
             kernel_name: str | None, timeout: int | None = None) -> Path:
    """Run a notebook; ``optional`` parameters are passed only if the notebook declares them
    (``output_dir`` None means the output folder)."""
    src = resolve_notebook(notebook)
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or src.stem
    check_param(isinstance(name, str) and bool(name) and "/" not in name and "\\" not in name,
                "name", "a file name without folders", name)
    out_nb = out_dir / f"{name}.ipynb"
    params = {str(k): _plain(v) for k, v in parameters.items()}
    declared = _declared(src)
    for key, value in optional.items():
        if key not in params and (declared is None or key in declared):
            params[key] = str(out_dir.resolve()) if key == "output_dir" and value is None \
                else _plain(value)
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
        pm.execute_notebook(str(src), str(out_nb), parameters=params, kernel_name=kernel,
                            language="python", cwd=str(out_dir), log_output=False,
                            progress_bar=PROGRESS.enabled, execution_timeout=timeout,
                            kernel_manager_class=_kernel_manager_class(ipc_dir))
    except PapermillExecutionError as exc:
        first = next((ln for ln in exc.source.splitlines() if ln.strip()), "").strip()
        raise ReportError(
            f"notebook {src.name} failed in {_failing_cell(src, exc.source)} "
            f"(In [{exc.exec_count}]: {first[:80]!r}): {exc.ename}: {_tail(exc.evalue, 300)}. "
            f"The executed notebook with the error is saved at {out_nb}") from None
    except ReportkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - kernel died, timeout, bad notebook …
        saved = f"; the partly executed notebook is at {out_nb}" if out_nb.exists() else ""
        raise ReportError(f"notebook {src.name} could not be run: {type(exc).__name__}: "
                          f"{_tail(exc, 300)}{saved}") from None
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
        pieces.append(body[pos:m.start()])
        pieces.append(f'<h{level} id="{new_id}"{" " + attrs.strip() if attrs.strip() else ""}>'
                      f"{inner}</h{level}>")
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
                cell.outputs = [o for o in cell.get("outputs", [])
                                if not (o.get("output_type") == "stream"
                                        and o.get("name") == "stderr")]
            return cell, resources

    c = TraitletsConfig()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove-input", "remove_input"}
    templates = data_path("templates")
    if not (templates / TEMPLATE_NAME / "index.html.j2").is_file():
        raise ReportError(f"reportkit's report template is missing from {templates}; reinstall "
                          "reportkit")
    exporter = HTMLExporter(config=c, template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(templates)], exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True, theme="light")
    exporter.register_preprocessor(DropStderrPreprocessor(), enabled=True)
    return exporter


def render_html(executed_notebook: str | os.PathLike, *, out: str | os.PathLike,
                title: str | None = None, period: str | None = None, lang: str | None = None,
                version: str | None = None, made_on: date | str | None = None,
                subtitle: str | None = None, note: str | None = None) -> Path:
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
        raise ReportError(f"executed notebook {nb_path} does not exist; run it first with "
                          "run_notebook()")
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
    meta.append({"label": T.t("report.made_on", lang),
                 "value": T.fmt_date(made, lang) if not isinstance(made, str) else made})
    meta.append({"label": "reportkit", "value": version})
    resources = {
        "metadata": {"name": title, "path": str(nb_path.parent)},
        "language_code": lang,
        "reportkit": {
            "lang": lang, "title": title, "kicker": subtitle or "", "meta": meta,
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
        raise ReportError(f"rendering {nb_path} to HTML failed: {type(exc).__name__}: "
                          f"{_tail(exc, 300)}") from None
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
    raise ReportError("printing to PDF needs Chromium, which was not found (looked for "
                      f"/usr/bin/chromium and {', '.join(CHROMIUM_NAMES)} on PATH). Install it "
                      "with `apt-get install chromium` (Debian/Ubuntu), or set "
                      f"{CHROMIUM_ENV} to its path.")


def print_pdf(html_file: str | os.PathLike, pdf: str | os.PathLike | None = None, *,
              timeout: int = 180) -> Path:
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
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={target}", src.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not print {src.name} within {timeout} s") from None
        except OSError as exc:
            raise ReportError(f"could not start Chromium ({browser}): {exc}") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        raise ReportError(f"Chromium failed to print {src.name} to PDF (exit code "
                          f"{done.returncode}): {_tail(done.stderr, 400)}")
    return target


# ----------------------------------------------------------------------------------------------
# key figures
# ----------------------------------------------------------------------------------------------
def _kpi_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"`kpis[{key!r}]` must be a number, a string or None, got "
                             f"{value!r}") from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ParameterError(f"`kpis[{key!r}]` must be a finite number, got {value!r}")
    as_int = int(number)
    return as_int if number == as_int and not isinstance(value, float) else number


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
        raise ReportError(f"{p} is not valid JSON ({exc}); delete it and re-run the report"
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
        raise ReportError(f"cannot save {type(obj).__name__} to {path} for the notebooks: "
                          f"{exc}") from None
    except OSError as exc:      # a full disk, a read-only folder …
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}. Free space or choose "
                          "another output folder, and run again.") from None
    return path


def read_cached(path: str | os.PathLike) -> Any:
    """Load what :func:`audit` / :func:`monthly` saved for the notebooks (dataset, panel,
    config). Only ever point it at reportkit's own ``.cache`` files: they are pickles."""
    p = Path(path)
    if not p.is_file():
        raise ReportError(f"cached input {p} does not exist; run the report through "
                          "reportkit.report.render.audit()/monthly(), which write it")
    with open(p, "rb") as fh:
        return pickle.load(fh)


# ----------------------------------------------------------------------------------------------
# masking
# ----------------------------------------------------------------------------------------------
def mask_key(out: str | os.PathLike) -> bytes:
    """The key of the pseudonyms: ``$REPORTKIT_MASK_KEY`` if set, else a random key kept in
    ``<out>/.cache/mask.key`` (made on first use), so pseudonyms stay the same across runs and
    periods written to the same folder."""
    env = os.environ.get(MASK_KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = Path(out) / ".cache" / "mask.key"
    if path.is_file():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16).encode()
    path.write_bytes(key)
    return key


def _mac(key: bytes, text: str) -> bytes:
    """Keyed hash (BLAKE2b in its MAC mode) of a text; keys longer than 64 bytes are hashed."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    return hashlib.blake2b(text.encode("utf-8"), key=key, digest_size=16).digest()


def _norm_phone(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    return digits[-10:] if len(digits) >= 10 else digits


def _norm_text(v: str) -> str:
    return re.sub(r"\s+", " ", v).strip().lower()


_MASK_RULES = {
    # column: how its pseudonym looks (names are keyed on the client id, the rest on the value)
    S.NAME: "client",
    S.CONTACT_PERSON: "person",
    S.DECISION_MAKER: "person",
    S.PHONE: "phone",
    S.EMAIL: "email",
    S.TAX_ID: "tax_id",
}
_KINDS = ("client", "person", "phone", "email", "tax_id")


def _pseudonymiser(kind: str, key: bytes, lang: str):
    """A function value -> pseudonym for one kind (the text template is looked up once)."""
    if kind == "client" or kind == "person":
        prefix = T.t(f"mask.{kind}", lang, code="\x00").split("\x00")
        salt, norm = (("client:", str) if kind == "client" else ("person:", _norm_text))
        return lambda v: prefix[0] + _mac(key, salt + norm(v)).hex()[:8].upper() + prefix[1]
    if kind == "phone":
        return lambda v: "+000 " + str(int.from_bytes(_mac(key, "phone:" + _norm_phone(v))[:8],
                                                       "big") % 10**8).zfill(8)
    if kind == "email":
        return lambda v: f"client-{_mac(key, 'email:' + _norm_text(v)).hex()[:8]}@masked.invalid"
    if kind == "tax_id":
        return lambda v: "00" + str(int.from_bytes(_mac(key, "tax:" + re.sub(r"\s", "", v))[:8],
                                                    "big") % 10**8).zfill(8)
    raise ParameterError(f"`kind` must be one of {', '.join(_KINDS)}, got {kind!r}")


def pseudonym(value: Any, key: bytes | str, *, kind: str = "client", lang: str = "en") -> str:
    """The stable pseudonym of one value (a client id for ``kind="client"``).

    >>> pseudonym("C001", b"k", lang="en") == pseudonym("C001", b"k", lang="en")
    True
    >>> pseudonym("C001", b"k", lang="ru").startswith("Клиент ")
    True
    """
    _check_lang(lang)
    k = key.encode("utf-8") if isinstance(key, str) else key
    return _pseudonymiser(kind, k, lang)(str(value))


def mask_frame(df: pd.DataFrame, key: bytes | str, *, lang: str = "en",
               columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Replace client names, contact persons, phones, e-mails and tax ids by pseudonyms.

    Names become "Client 4F2A9C1D" ("Клиент 4F2A9C1D"), a keyed hash (BLAKE2b MAC) of the
    ``client_id`` of the row (of the name itself when the frame has no ``client_id``): the same
    client gets the same pseudonym in every period and list for the same key. Phones, e-mails,
    tax ids and contact persons are keyed on their own normalised value, so records sharing a
    phone still share it after masking (duplicate search keeps working). Missing values stay
    missing; other columns are untouched; the input is not modified.

    Parameters
    ----------
    df : DataFrame
    key : bytes or str
        The secret key (see :func:`mask_key`).
    lang : {"en", "ru"}, default "en"
    columns : dict of column to canonical column, optional
        For frames with other headers (e.g. the rejected rows of a load report):
        ``{"Наименование": "name"}``. Default: the canonical names.

    Returns
    -------
    DataFrame
        A copy with the same columns.

    Examples
    --------
    >>> df = pd.DataFrame({"client_id": ["1", "2"], "name": ["Alpha LLC", None],
    ...                    "phone": ["+7 (495) 123-45-67", "84951234567"]})
    >>> m = mask_frame(df, b"secret")
    >>> m["name"].iloc[0].startswith("Client "), pd.isna(m["name"].iloc[1])
    (True, True)
    >>> m["phone"].iloc[0] == m["phone"].iloc[1]
    True
    """
    _check_lang(lang)
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`df` must be a pandas DataFrame, got {type(df).__name__}")
    k = key.encode("utf-8") if isinstance(key, str) else key
    check_param(isinstance(k, bytes) and len(k) > 0, "key", "a non-empty key", key)
    mapping = dict(columns) if columns is not None else {c: c for c in _MASK_RULES}
    id_col = next((c for c, canon in mapping.items() if canon == S.CLIENT_ID and c in df),
                  S.CLIENT_ID if S.CLIENT_ID in df else None)
    out = df.copy()
    for col, canon in mapping.items():
        if col not in out.columns or canon not in _MASK_RULES:
            continue
        kind = _MASK_RULES[canon]
        values = out[col]
        present = values.notna() & (values.astype(str).str.strip() != "")
        if kind == "client" and id_col is not None:
            keys = out[id_col].astype(str)
            present &= out[id_col].notna()
        else:
            keys = values.astype(str)
        uniq = pd.unique(keys[present])
        make = _pseudonymiser(kind, k, lang)
        table = {u: make(u) for u in uniq}
        new = values.astype(object).where(~present, keys.map(table))
        out[col] = new.where(present, values.astype(object))
    return out


def mask_dataset(dataset: Dataset, key: bytes | str, *, lang: str = "en") -> Dataset:
    """:func:`mask_frame` applied to every table of a Dataset and to the rejected rows of its
    load reports (whose headers are the file's own), so nothing unmasked reaches a report."""
    tables = {}
    for name in ("transactions", "clients", "activities", "surveys"):
        table = getattr(dataset, name)
        tables[name] = None if table is None else mask_frame(table, key, lang=lang)
    reports = {}
    for name, rep in (dataset.reports or {}).items():
        rejected = getattr(rep, "rejected", None)
        cols = getattr(rep, "columns", {}) or {}
        if isinstance(rejected, pd.DataFrame) and len(rejected):
            mapping = {header: canon for canon, header in cols.items()
                       if canon in _MASK_RULES or canon == S.CLIENT_ID}
            rep = replace(rep, rejected=mask_frame(rejected, key, lang=lang, columns=mapping))
        reports[name] = rep
    return replace(dataset, reports=reports, **tables)


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


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold ``out/.reportkit.lock`` (the holder's pid and start time) for one run: a second run
    into the same folder is refused with a message naming the holder; a lock whose process is
    gone (a killed run) is stale and taken over."""
    path = out / LOCK_FILE
    mine = f"{os.getpid()} {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n"
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid_text, _, started = path.read_text(encoding="utf-8").strip().partition(" ")
                pid = int(pid_text)
            except (OSError, ValueError):
                pid, started = None, ""
            if pid is not None and pid != os.getpid() and _alive(pid):
                raise OutputFolderError(
                    f"another reportkit run (pid {pid}, started {started or 'earlier'}) is "
                    f"writing to {out}; wait for it to finish or choose another --out folder. "
                    f"(If no such run exists, delete {path}.)") from None
            path.unlink(missing_ok=True)        # stale: the run that held it is gone
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(mine)
        break
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
        raise ReportError(f"cannot move the finished report into {out}: "
                          f"{exc.strerror or exc}. The previous report, if any, is in "
                          f"{aside}.") from None
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
        raise OutputFolderError(f"cannot write the report to {out}: {why}. Choose another "
                                "output folder with --out, or free or fix that one.") from None


def _load_data(data: Any, cfg: Config) -> Dataset:
    if isinstance(data, Dataset):
        return data
    from ..io.load import load

    return load(data, cfg)


def _build_panel(dataset: Dataset) -> Any:
    try:
        from ..core.panel import build_panel
    except ImportError as exc:
        raise ReportError(f"the client-month panel cannot be built: {exc}") from None
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


def _prepare_inputs(data: Any, cfg: Config, out: Path, *, mask: bool, lang: str
                    ) -> dict[str, str]:
    """Load the data, mask it, build the panel: once; save all three for the notebooks."""
    dataset = _load_data(data, cfg)
    if mask:
        dataset = mask_dataset(dataset, mask_key(out), lang=lang)
    panel = _build_panel(dataset)
    cache = out / ".cache"
    return {
        "dataset_path": str(write_cached(dataset, cache / "dataset.pkl").resolve()),
        "panel_path": str(write_cached(panel, cache / "panel.pkl").resolve()),
        "config_path": str(write_cached(cfg, cache / "config.pkl").resolve()),
    }


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
    """

    html: Path
    notebook: Path
    action_lists: dict[str, Path] = field(default_factory=dict)
    pdf: Path | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    as_of: str = ""

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


def audit(data: Any, *, as_of: Any = None, config: Any = None, lang: str | None = None,
          out: str | os.PathLike = "reports", pdf: bool = False, mask: bool = False,
          notebook: str | os.PathLike = "client_base_audit", kernel_name: str | None = None,
          allow_future: bool = False) -> AuditResult:
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
        Replace names, phones, e-mails and tax ids by pseudonyms before the notebook runs.
    notebook : str or path, default "client_base_audit"
    kernel_name : str, optional
    allow_future : bool, default False
        Accept a report date more than a month after the end of the last transaction's month
        (otherwise an input error: such a report calls every client lost).

    Returns
    -------
    AuditResult
        ``out/audit_<as_of>.html``; the executed notebook, ``kpis.json`` and the action lists in
        ``out/audit_<as_of>/``.
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

        stamp = (pd.Timestamp(default_as_of(dataset)) if as_of is None
                 else _parse_date(as_of, "as_of"))
        check_as_of(dataset, stamp, allow_future=allow_future)
        as_of_text = stamp.strftime("%Y-%m-%d")
        title = _base_title(cfg, data, lang)
        inputs = _prepare_inputs(dataset, cfg, out, mask=mask, lang=lang)
        del dataset     # the notebook reads its own copy: one copy of the transactions at a time
        params = {"period": stamp.strftime("%Y-%m"), "as_of": as_of_text, "title": title,
                  "mask": bool(mask), **inputs}
        name = f"audit_{as_of_text}"
        # the run is written into a staging folder and swapped in at the end: the report
        # folder holds the HTML, lists and key figures of one run, never a mix of two, and a
        # killed run leaves the previous report as it was (and a staging folder the next run
        # removes)
        stage = _staging_folder(out)
        try:
            PROGRESS.stage(f"report as of {as_of_text}: running the notebook (one bar step per "
                           "cell)")
            try:
                executed = _execute(nb_src, {}, {**params, "lang": lang, "output_dir": None},
                                    output_dir=stage / name, name=name,
                                    kernel_name=kernel_name)
            except ReportError as exc:
                raise _keep_failed_notebook(exc, stage / name / f"{name}.ipynb", out) from None
            PROGRESS.stage("rendering the HTML report")
            start = (stamp - pd.DateOffset(months=cfg.report.window_months)
                     + pd.Timedelta(days=1))
            period = f"{T.fmt_date(start, lang)} – {T.fmt_date(stamp, lang)}"
            html = render_html(executed, out=stage / f"{name}.html", title=title,
                               period=period, lang=lang,
                               subtitle=T.t("report.audit_title", lang),
                               note=T.t("report.masked", lang) if mask else None)
            pdf_path = print_pdf(html) if pdf else None
            work = _swap_in(stage, out, name, [html] + ([pdf_path] if pdf_path else []))
            (out / f"{name}.failed.ipynb").unlink(missing_ok=True)     # an earlier failure's
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        pdf_final = out / pdf_path.name if pdf_path else None
        return AuditResult(html=out / html.name, notebook=work / executed.name,
                           action_lists=_action_lists(work), pdf=pdf_final,
                           kpis=read_kpis(work), as_of=as_of_text)


# ----------------------------------------------------------------------------------------------
# the monthly batch
# ----------------------------------------------------------------------------------------------
@dataclass
class PeriodResult:
    """One period of a monthly batch: ``status`` is "done", "skipped" (up to date) or "failed"."""

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
    """

    index: Path
    periods: list[PeriodResult]

    @property
    def done(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "done"]

    @property
    def skipped(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "skipped"]

    @property
    def failed(self) -> list[str]:
        return [p.period for p in self.periods if p.status == "failed"]

    def __str__(self) -> str:
        lines = [f"index: {self.index}",
                 (f"periods: {len(self.done)} built, {len(self.skipped)} up to date, "
                  f"{len(self.failed)} failed")]
        for p in self.periods:
            if p.status == "failed":
                lines.append(f"  {p.period} FAILED: {p.error}")
        return "\n".join(lines)


BUILD_FILE = "build.json"


def _build_signature(cfg: Config, notebook: Path, *, lang: str, mask: bool, pdf: bool) -> str:
    """What a period's report depends on besides the files: a change means rebuild."""
    what = {"lang": lang, "mask": bool(mask), "pdf": bool(pdf), "config": repr(cfg),
            "notebook": str(Path(notebook).resolve()), "version": _version()}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def _period_paths(out: Path, period: str) -> tuple[Path, Path]:
    return out / f"monthly_{period}.html", out / f"monthly_{period}"


def _run_period(job: dict[str, Any]) -> dict[str, Any]:
    """Run, render (and print) one period. Never raises: errors come back in the dict."""
    period = job["period"]
    work = Path(job["work"])
    html = Path(job["html"])
    nb_name = f"monthly_{period}"
    result: dict[str, Any] = {"period": period, "status": "failed", "html": None,
                              "notebook": None, "pdf": None, "error": None}
    out = html.parent
    # the period is built in a staging folder and swapped in when whole (as the audit): a
    # killed batch leaves each period either as it was or complete, never half of both
    stage = out / f".staging-{os.getpid()}-{period}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        stage.mkdir(parents=True)
        executed = _execute(job["notebook"], {},
                            {**job["parameters"], "lang": job["lang"], "output_dir": None},
                            output_dir=stage / nb_name, name=nb_name,
                            kernel_name=job["kernel_name"])
        staged = render_html(executed, out=stage / html.name, title=job["title"],
                             period=job["period_text"], lang=job["lang"],
                             made_on=job["made_on"], subtitle=job["subtitle"], note=job["note"])
        files = [staged] + ([print_pdf(staged)] if job["pdf"] else [])
        (stage / nb_name / BUILD_FILE).write_text(job["signature"], encoding="utf-8")
        final = _swap_in(stage, out, nb_name, files)
        (out / f"{nb_name}.failed.ipynb").unlink(missing_ok=True)   # an earlier failure's
        result["notebook"] = str(final / executed.name)
        result["html"] = str(html)
        if job["pdf"]:
            result["pdf"] = str(out / files[1].name)
        result["status"] = "done"
    except Exception as exc:  # noqa: BLE001 - one period must not stop the others
        if isinstance(exc, ReportError):
            exc = _keep_failed_notebook(exc, stage / nb_name / f"{nb_name}.ipynb", out)
        message = str(exc) if isinstance(exc, ReportkitError) else \
            f"{type(exc).__name__}: {_tail(exc, 300)}"
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
        raise ParameterError(f"`end` must not be before `start`, got start={start!r}, "
                             f"end={end!r}")
    return list(pd.period_range(first, last, freq="M"))


def monthly(data: Any, *, start: Any, end: Any, config: Any = None, lang: str | None = None,
            out: str | os.PathLike = "reports", jobs: int | None = None, force: bool = False,
            pdf: bool = False, mask: bool = False, notebook: str | os.PathLike = "monthly_report",
            kernel_name: str | None = None, progress: bool | None = None) -> MonthlyResult:
    """One report per month from ``start`` to ``end`` and an index page.

    The data is loaded and the panel built once (and only if some period needs building), saved
    in ``out/.cache/`` and shared by all notebooks. Periods run in parallel; one that fails does
    not stop the others.

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
    check_param(jobs is None or (isinstance(jobs, int) and jobs >= 1), "jobs",
                "None or a positive integer", jobs)
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
            fresh = (not force and inputs_time is not None and html.is_file()
                     and html.stat().st_mtime > inputs_time and (work / KPIS_FILE).is_file()
                     and (work / BUILD_FILE).is_file()
                     and (work / BUILD_FILE).read_text(encoding="utf-8").strip() == signature)
            if fresh:
                saved = work / f"monthly_{period}.ipynb"
                results[period] = PeriodResult(period, "skipped", html=html,
                                               notebook=saved if saved.is_file() else None,
                                               kpis=read_kpis(work))
            else:
                todo.append(period)
        title = _base_title(cfg, data, lang)
        if todo:
            inputs = _prepare_inputs(data, cfg, out, mask=mask, lang=lang)
            kernel = find_kernel(kernel_name)
            made_on = made_on_date()
            jobs_list = []
            for period in todo:
                html, work = _period_paths(out, period)
                p = pd.Period(period, freq="M")
                as_of = p.end_time.normalize()
                jobs_list.append({
                    "period": period, "work": str(work), "html": str(html),
                    "notebook": str(nb_src), "lang": lang, "title": title,
                    "kernel_name": kernel, "pdf": pdf, "made_on": made_on, "signature": signature,
                    "subtitle": T.t("report.monthly_title", lang),
                    "note": T.t("report.masked", lang) if mask else None,
                    "period_text": f"{T.fmt_date(p.start_time, lang)} – {T.fmt_date(as_of, lang)}",
                    "parameters": {"period": period, "as_of": as_of.strftime("%Y-%m-%d"),
                                   "title": title, "mask": bool(mask), **inputs},
                })
            for raw in _execute_all(jobs_list, jobs,
                                    PROGRESS.enabled if progress is None else progress):
                period = raw["period"]
                results[period] = PeriodResult(
                    period, raw["status"],
                    html=Path(raw["html"]) if raw["html"] else None,
                    notebook=Path(raw["notebook"]) if raw["notebook"] else None,
                    pdf=Path(raw["pdf"]) if raw["pdf"] else None,
                    kpis=read_kpis(_period_paths(out, period)[1]) if raw["status"] == "done"
                    else {},
                    error=raw["error"])
        ordered = [results[p] for p in periods]
        index = write_index(ordered, out, lang=lang, title=title)
        return MonthlyResult(index=index, periods=ordered)


#: thread-pool sizes that numerical libraries (OpenMP, OpenBLAS, MKL …) read at start-up
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


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
        libc.prctl(1, int(signal.SIGKILL))      # PR_SET_PDEATHSIG
        if os.getppid() == 1:                   # the parent died before the call
            os._exit(1)
    except (OSError, AttributeError):           # pragma: no cover - no prctl: best effort
        pass


def _execute_all(jobs_list: list[dict], jobs: int | None, progress: bool) -> list[dict]:
    from tqdm.auto import tqdm

    workers = min(jobs or os.cpu_count() or 1, len(jobs_list))
    bar = tqdm(total=len(jobs_list), desc="reportkit monthly", unit="period", file=sys.stderr,
               disable=not progress, leave=False)
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
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                       initializer=_limit_threads, initargs=(threads,))
            try:
                futures = {pool.submit(_run_period, job): job for job in jobs_list}
                for fut in as_completed(futures):
                    job = futures[fut]
                    try:
                        done.append(fut.result())
                    except Exception as exc:  # noqa: BLE001 - a worker died
                        done.append({"period": job["period"], "status": "failed", "html": None,
                                     "notebook": None, "pdf": None,
                                     "error": f"the worker process failed: "
                                              f"{type(exc).__name__}: {_tail(exc, 200)}"})
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


_TREND_ORDER = ("clients", "active_clients", "revenue", "churn_rate", "new_clients",
                "lost_clients")


def _trend_figure(periods: list[str], table: pd.DataFrame, lang: str) -> str:
    """A PNG (data URI) with up to four key figures over the periods; "" if nothing to plot."""
    numeric = [c for c in table.columns
               if pd.api.types.is_numeric_dtype(table[c]) and table[c].notna().any()]
    if not numeric or len(periods) == 0:
        return ""
    chosen = [c for c in _TREND_ORDER if c in numeric]
    chosen += [c for c in numeric if c not in chosen]
    chosen = chosen[:4]
    import base64
    import io

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
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _pos, kind=kind: T.format_value(v, kind if kind != "int" else "number",
                                                      lang, decimals=0 if kind != "pct" else 1)))
        ax.set_xticks(x[::step], [T.fmt_period(p, lang) for p in periods][::step], fontsize=8,
                      rotation=30)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def write_index(periods: list[PeriodResult], out: str | os.PathLike, *, lang: str = "en",
                title: str | None = None, made_on: date | None = None) -> Path:
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
    kinds = {k: T.kpi_kind(k, next((v for v in table[k] if v is not None and not (
        isinstance(v, float) and math.isnan(v))), 0)) for k in keys}

    def rel(path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return Path(os.path.relpath(Path(path).resolve(), out.resolve())).as_posix()
        except ValueError:  # pragma: no cover - other drive on Windows
            return Path(path).resolve().as_uri()

    headers = [{"text": T.t("col.period", lang), "num": False},
               {"text": T.t("index.status", lang), "num": False}]
    headers += [{"text": _kpi_label(k, lang), "num": kinds[k] in T.NUMERIC_KINDS}
                for k in keys]
    rows = []
    for p, (_, krow) in zip(periods, table.iterrows()):
        failed = p.status == "failed"
        rows.append({
            "period": p.period, "period_label": T.fmt_period(p.period, lang),
            "href": None if failed else rel(p.html),
            "status": T.t("index.failed" if failed else "index.done", lang),
            "failed": failed, "error": p.error or "",
            "notebook_href": rel(p.notebook) if failed else None,
            "notebook_label": T.t("index.notebook", lang),
            "cells": [{"text": T.format_value(krow[k], kinds[k], lang),
                       "num": kinds[k] in T.NUMERIC_KINDS} for k in keys],
        })
    ok = [p for p in periods if p.status != "failed"]
    trend = _trend_figure([p.period for p in ok],
                          table.loc[[p.status != "failed" for p in periods]], lang) \
        if ok else ""
    version = _version()
    made = made_on or made_on_date()
    page = {
        "lang": lang, "version": version,
        "title": title or T.t("index.title", lang),
        "kicker": T.t("index.title", lang),
        "meta": [{"label": T.t("report.period", lang),
                  "value": f"{T.fmt_period(labels[0], lang)} – {T.fmt_period(labels[-1], lang)}"
                  if labels else T.MISSING},
                 {"label": T.t("report.made_on", lang), "value": T.fmt_date(made, lang)},
                 {"label": "reportkit", "value": version}],
        "summary": T.t("index.summary", lang, done=len(ok), total=len(periods),
                       failed=len(periods) - len(ok)),
        "trend_label": T.t("index.trend", lang), "periods_label": T.t("index.periods", lang),
        "made_with": T.t("report.made_with", lang, version=version),
    }
    folder = data_path("templates", TEMPLATE_NAME)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             keep_trailing_newline=True)
    css = (folder / "static" / "reportkit.css").read_text(encoding="utf-8")
    text = env.get_template("monthly_index.html.j2").render(
        page=page, css=markupsafe.Markup(css), figure=trend, headers=headers,
        rows=rows)
    path = out / "index.html"
    with replaced(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "AuditResult", "MonthlyResult", "PeriodResult", "add_toc", "audit", "find_chromium",
    "find_kernel", "made_on_date", "mask_dataset", "mask_frame", "mask_key", "monthly",
    "print_pdf", "pseudonym", "read_cached", "read_kpis", "record_kpis", "render_html",
    "resolve_notebook", "run_notebook", "write_cached", "write_index",
]
