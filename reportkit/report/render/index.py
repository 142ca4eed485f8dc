"""The index page of a monthly batch (:func:`write_index`): one row per period with its key figures,
linked to its report, and their trend."""

from __future__ import annotations

import io
import math
import os
from datetime import date
from pathlib import Path

import pandas as pd

from ...io.resources import data_path
from .. import text as T
from ..export import replaced
from .common import TEMPLATE_NAME, _check_lang, _version, made_on_date
from .periods import PeriodResult


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
