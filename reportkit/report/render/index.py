"""The index page of a monthly batch (:func:`write_index`).

The batch rebuilds it from what the output folder holds
(:func:`reportkit.report.render.periods.periods_on_disk`): every period report there, whichever
run built it, so a run of one month into the folder of a year keeps the other eleven listed.

The table is narrow, six columns: the period (linked to its report), the four figures of the
period page's first tiles — clients in the base, the period's revenue, lost clients, revenue at
risk (:data:`INDEX_FIGURES` names the ``kpis.json`` keys they are read from) — and the link to
the report, or for a period whose build failed, the error and a link to its executed notebook.
Everything wider stays on each period's page. A figure charts the four over the periods. The
page is self-contained (CSS inlined, figure embedded) and its links are relative to the folder.
"""

from __future__ import annotations

import base64
import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...io.resources import data_path
from .. import text as T
from ..export import replaced
from .common import TEMPLATE_NAME, _check_lang, _version, made_on_date
from .periods import PeriodResult, periods_on_disk

#: the index table's figures: (column, kind, the ``kpis.json`` keys it is read from, first found
#: first; the second of a pair serves notebooks that record only the general figure)
INDEX_FIGURES = (
    ("clients", "int", ("base", "clients")),
    ("revenue", "money", ("revenue_period", "revenue")),
    ("lost_clients", "int", ("lost_clients",)),
    ("revenue_at_risk", "money", ("revenue_at_risk",)),
)


def _kpi_label(key: str, lang: str) -> str:
    for candidate in (f"kpi.{key}", f"audit.kpi.{key}"):
        if T.has(candidate):
            return T.t(candidate, lang)
    return key


def _figure_value(kpis: dict[str, Any], keys: tuple[str, ...]) -> float:
    for key in keys:
        value = kpis.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float("nan")


def index_figures(periods: list[PeriodResult]) -> pd.DataFrame:
    """The index table's figures: one row per period, one column per :data:`INDEX_FIGURES`
    entry (NaN where the period's key figures lack it).

    Parameters
    ----------
    periods : list of PeriodResult

    Returns
    -------
    DataFrame
    """
    return pd.DataFrame(
        [[_figure_value(p.kpis, keys) for _, _, keys in INDEX_FIGURES] for p in periods],
        columns=[name for name, _, _ in INDEX_FIGURES],
        dtype=float,
    )


def _trend_figure(periods: list[str], table: pd.DataFrame, lang: str) -> str:
    """A PNG (data URI) charting the index's figures over the periods; "" if nothing to plot."""
    chosen = [(name, kind) for name, kind, _ in INDEX_FIGURES if table[name].notna().any()]
    if not chosen or len(periods) == 0:
        return ""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.2 * len(chosen), 2.6), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    _trend_axes(fig, periods, table, chosen, lang)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _trend_axes(fig, periods: list[str], table: pd.DataFrame, chosen, lang: str) -> list:
    """One small chart per figure; counts and money are drawn from zero (a trend axis that
    starts near the values makes a 2 % change look like a fall)."""
    from matplotlib.ticker import FuncFormatter

    x = list(range(len(periods)))
    step = max(1, len(periods) // 6)
    axes = []
    for i, (col, kind) in enumerate(chosen):
        ax = fig.add_subplot(1, len(chosen), i + 1)
        values = table[col].to_numpy(dtype=float)
        ax.plot(x, values, marker="o", color="#1f5f99")
        low, high = min(0.0, float(np.nanmin(values))), float(np.nanmax(values))
        # room above the highest point, so that it is not cut by the frame
        ax.set_ylim(low, high + 0.1 * (high - low) if high > low else high + 1)
        ax.set_title(_kpi_label(col, lang), fontsize=10)
        axis_kind = "number" if kind == "int" else kind
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos, k=axis_kind: T.format_value(v, k, lang, decimals=0))
        )
        ax.set_xticks(
            x[::step], [T.fmt_period(p, lang) for p in periods][::step], fontsize=8, rotation=30
        )
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(alpha=0.3)
        axes.append(ax)
    return axes


def write_index(
    periods: list[PeriodResult] | None,
    out: str | os.PathLike,
    *,
    lang: str = "en",
    title: str | None = None,
    made_on: date | None = None,
) -> Path:
    """Write ``out/index.html``: one row per period (see the module's description).

    Parameters
    ----------
    periods : list of PeriodResult or None
        The rows, in order; None: every period ``out`` holds
        (:func:`~reportkit.report.render.periods.periods_on_disk`), as :func:`monthly` writes it.
    out : path
        The output folder; links are relative to it.
    lang : {"en", "ru"}, default "en"
    title : str, optional
        Name of the client base; default: "Monthly reports".
    made_on : date, optional
        Default: :func:`made_on_date`.

    Returns
    -------
    Path
        ``out/index.html``, written whole or not at all.
    """
    import jinja2
    import markupsafe

    _check_lang(lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if periods is None:
        periods = periods_on_disk(out)
    table = index_figures(periods)
    ok = [p.status != "failed" for p in periods]
    trend = _trend_figure(
        [p.period for p, good in zip(periods, ok) if good],
        table.loc[ok].reset_index(drop=True),
        lang,
    )
    headers = [{"text": T.t("col.period", lang), "num": False}]
    headers += [{"text": _kpi_label(name, lang), "num": True} for name, _, _ in INDEX_FIGURES]
    headers.append({"text": T.t("index.report", lang), "num": False})
    folder = data_path("templates", TEMPLATE_NAME)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, keep_trailing_newline=True
    )
    css = (folder / "static" / "reportkit.css").read_text(encoding="utf-8")
    text = env.get_template("monthly_index.html.j2").render(
        page=_page(periods, lang, title, made_on),
        css=markupsafe.Markup(css),
        figure=trend,
        headers=headers,
        rows=_rows(periods, table, out, lang),
    )
    path = out / "index.html"
    with replaced(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _relative(path: Path | None, out: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(os.path.relpath(Path(path).resolve(), out.resolve())).as_posix()
    except ValueError:  # pragma: no cover - other drive on Windows
        return Path(path).resolve().as_uri()


def _rows(
    periods: list[PeriodResult], table: pd.DataFrame, out: Path, lang: str
) -> list[dict[str, Any]]:
    """The table's rows, every value formatted (the template escapes them)."""
    rows = []
    for p, (_, figures) in zip(periods, table.iterrows()):
        failed = p.status == "failed"
        rows.append(
            {
                "period": p.period,
                "period_label": T.fmt_period(p.period, lang),
                "href": None if failed else _relative(p.html, out),
                "cells": [
                    T.format_value(figures[name], kind, lang) for name, kind, _ in INDEX_FIGURES
                ],
                "failed": failed,
                "status": T.t("index.failed", lang),
                "error": p.error or "",
                "notebook_href": _relative(p.notebook, out) if failed else None,
                "notebook_label": T.t("index.notebook", lang),
                "open_label": T.t("index.open", lang),
            }
        )
    return rows


def _page(
    periods: list[PeriodResult], lang: str, title: str | None, made_on: date | None
) -> dict[str, Any]:
    """The title block and the labels of the page."""
    version = _version()
    done = sum(p.status != "failed" for p in periods)
    span = (
        f"{T.fmt_period(periods[0].period, lang)} – {T.fmt_period(periods[-1].period, lang)}"
        if periods
        else T.MISSING
    )
    return {
        "lang": lang,
        "version": version,
        "title": title or T.t("index.title", lang),
        "kicker": T.t("index.title", lang),
        "meta": [
            {"label": T.t("report.period", lang), "value": span},
            {
                "label": T.t("report.made_on", lang),
                "value": T.fmt_date(made_on or made_on_date(), lang),
            },
            {"label": "reportkit", "value": version},
        ],
        "summary": T.t(
            "index.summary", lang, done=done, total=len(periods), failed=len(periods) - done
        ),
        "trend_label": T.t("index.trend", lang),
        "periods_label": T.t("index.periods", lang),
        "made_with": T.t("report.made_with", lang, version=version),
    }
