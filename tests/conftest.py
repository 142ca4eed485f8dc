"""Shared fixtures: tiny report notebooks and one rendered report for the whole session."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HOSTILE = "<script>alert(1)</script>"
TITLE = "Tiny & <Base>"
MADE_ON = "2024-07-01"


def make_notebook(path: Path, cells: list[tuple[str, str]], parameters: str) -> Path:
    """Write a notebook: a ``parameters`` cell, then ("md" | "code", source) cells."""
    nb = new_notebook()
    params = new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [new_markdown_cell(src) if kind == "md" else new_code_cell(src)
                           for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def tiny_report_notebook(path: Path) -> Path:
    """The brief's test notebook: markdown, a hostile DataFrame, a matplotlib figure, noise on
    stderr that must not reach the report."""
    return make_notebook(path, [
        ("md", "# Clients\n\nWho the clients are."),
        ("code", "import sys, warnings\nimport pandas as pd\nimport reportkit.report.text as T\n"
                 "warnings.warn('WARNING-NOISE')\nprint('STDERR-NOISE', file=sys.stderr)\n"
                 f"df = pd.DataFrame({{'name': [{HOSTILE!r}, 'Beta'], "
                 "'revenue': [1234567.4, -250.0]})\nT.table_html(df, lang)"),
        ("code", "df  # pandas' own HTML"),
        ("md", "## Revenue\n\n### By month"),
        ("code", "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                 "%matplotlib inline\nfig, ax = plt.subplots(figsize=(3, 2))\n"
                 "ax.plot([1, 3, 2])\nplt.show()"),
        ("md", "# Churn\n\nWho is leaving."),
        ("code", "print('visible output')"),
    ], parameters='period: str = "2024-01"  # YYYY-MM\nlang: str = "en"\n')


@pytest.fixture(scope="session")
def rendered_report(tmp_path_factory) -> tuple[Path, Path]:
    """(html, executed notebook) of the tiny notebook, executed once per test session."""
    from reportkit.report.render import render_html, run_notebook

    folder = tmp_path_factory.mktemp("rendered")
    src = tiny_report_notebook(folder / "tiny.ipynb")
    executed = run_notebook(src, {"period": "2024-06"}, output_dir=folder / "out",
                            lang="en", title=TITLE)
    html = render_html(executed, out=folder / "out" / "tiny.html", title=TITLE,
                       period="2024-06", lang="en", version="9.9.9", made_on=MADE_ON)
    return html, executed


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """The runs of the test session keep their cached inputs in a folder of their own, not in
    the user's cache directory (and the masking key stays where the tests put it)."""
    import os

    folder = tmp_path_factory.mktemp("xdg_cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
