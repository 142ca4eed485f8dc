"""An executed notebook rendered to one self-contained HTML file with reportkit's nbconvert template
(:func:`render_html`), and its table of contents filled from its headings (:func:`add_toc`)."""

from __future__ import annotations

import html as _html
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from ...errors import ReportError, ReportkitError
from ...io.resources import data_path
from .. import text as T
from ..export import replaced
from .common import TEMPLATE_NAME, _check_lang, _tail, _version, made_on_date

#: cell tags whose cells never reach the HTML
REMOVE_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell")


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
    nb_path = Path(executed_notebook)
    nb = _read_executed(nb_path)
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    lang = lang or params.get("lang") or "en"
    _check_lang(lang)
    title = title or params.get("title") or nb_path.stem
    resources = {
        "metadata": {"name": title, "path": str(nb_path.parent)},
        "language_code": lang,
        "reportkit": _title_block(
            title,
            period or params.get("period"),
            lang,
            version or _version(),
            made_on if made_on is not None else made_on_date(),
            subtitle=subtitle,
            note=note,
        ),
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


def _read_executed(nb_path: Path) -> Any:
    """The executed notebook at ``nb_path`` (a clear error when it is missing or unreadable)."""
    import nbformat

    if not nb_path.is_file():
        raise ReportError(
            f"executed notebook {nb_path} does not exist; run it first with run_notebook()"
        )
    try:
        return nbformat.read(nb_path, as_version=4)
    except Exception as exc:  # noqa: BLE001
        raise ReportError(f"{nb_path} is not a readable notebook ({exc})") from None


def _title_block(
    title: str,
    period: Any,
    lang: str,
    version: str,
    made: date | str,
    *,
    subtitle: str | None,
    note: str | None,
) -> dict[str, Any]:
    """What the template's title block, contents and footer show (``resources["reportkit"]``)."""
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
    return {
        "lang": lang,
        "title": title,
        "kicker": subtitle or "",
        "meta": meta,
        "note": note or "",
        "contents_label": T.t("report.contents", lang),
        "made_with": T.t("report.made_with", lang, version=version),
        "version": version,
    }
