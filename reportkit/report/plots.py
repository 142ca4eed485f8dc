"""Figures of the report (matplotlib / seaborn), one function per figure, grouped by section.

Every function returns a :class:`matplotlib.figure.Figure` and takes ``lang`` ("en" or "ru") for
its texts. Figures are built on the non-interactive Agg canvas directly, without pyplot: nothing
is shown, nothing stays open in pyplot's figure manager (no ``plt.close`` needed, no duplicate
display in Jupyter), and it works the same on a headless server. In a notebook, a returned
figure displays once as the cell's output; ``fig.savefig(path)`` writes it to a file.

Functions that accept ``ax`` draw into an existing axes instead (and return its figure).

``import reportkit`` does not import this module; matplotlib and seaborn load only when a
figure is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis.segmentation import ABCXYZMatrix, SegmentResult
from ..errors import InputError, check_param
from ..io import schema as S
from .text import fmt_compact, fmt_int, fmt_pct
from .words.segmentation import LABELS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# --- common helpers -------------------------------------------------------------------------------
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "pareto_title": "Pareto curve: {a:.0%} of clients make {va:.0%} of {value}",
        "pareto_x": "Share of clients with {value} (largest first)",
        "pareto_y": "Cumulative share of {value}",
        "revenue": "revenue",
        "margin": "margin",
        "heat_title": "ABC×XYZ: share of clients / share of {value}",
        "heat_x": "XYZ (regularity of purchases)",
        "heat_y": "ABC ({value})",
        "heat_cbar": "Share of {value}",
        "heat_cbar_clients": "Share of clients",
        "rfm_title": "RFM: {what} by recency and frequency score",
        "rfm_x": "Frequency score (F)",
        "rfm_y": "Recency score (R)",
        "clients": "clients",
        "rfm_revenue": "revenue",
        "bcg_title": "Client BCG matrix",
        "bcg_x": "Revenue relative to the median client (log scale)",
        "bcg_y": "Revenue growth vs the previous window",
        "bcg_new": "no revenue in the previous window (at the top)",
        "bcg_sample": "a random sample of {k} of {n} clients",
    },
    "ru": {
        "pareto_title": "Кривая Парето: {a:.0%} клиентов дают {va:.0%} {value}",
        "pareto_x": "Доля клиентов с {value_ins} (от крупных к мелким)",
        "pareto_y": "Накопленная доля {value}",
        "revenue": "выручки",
        "margin": "маржи",
        "revenue_ins": "выручкой",
        "margin_ins": "маржой",
        "heat_title": "ABC×XYZ: доля клиентов / доля {value}",
        "heat_x": "XYZ (регулярность покупок)",
        "heat_y": "ABC ({value_nom})",
        "revenue_nom": "выручка",
        "margin_nom": "маржа",
        "heat_cbar": "Доля {value}",
        "heat_cbar_clients": "Доля клиентов",
        "rfm_title": "RFM: {what} по давности и частоте",
        "rfm_x": "Частота (F)",
        "rfm_y": "Давность (R)",
        "clients": "клиенты",
        "rfm_revenue": "выручка",
        "bcg_title": "BCG-матрица клиентов",
        "bcg_x": "Выручка относительно медианного клиента (лог. шкала)",
        "bcg_y": "Рост выручки к прошлому периоду",
        "bcg_new": "не было выручки в прошлом периоде (вверху)",
        "bcg_sample": "случайная выборка: {k} из {n} клиентов",
    },
}
_TEXT["en"].update(
    {
        "revenue_ins": "revenue",
        "margin_ins": "margin",
        "revenue_nom": "revenue",
        "margin_nom": "margin",
    }
)


def _text(lang: str, key: str, **kw: object) -> str:
    return _TEXT[lang][key].format(**kw)


def _value_words(lang: str, by: str) -> dict[str, str]:
    by = by if by in ("revenue", "margin") else "revenue"
    return {
        "value": _TEXT[lang][by],
        "value_ins": _TEXT[lang][f"{by}_ins"],
        "value_nom": _TEXT[lang][f"{by}_nom"],
    }


def _check_lang(lang: str) -> None:
    check_param(lang in _TEXT, "lang", "one of 'en', 'ru'", lang)


def _labels(lang: str) -> Mapping[str, str]:

    return LABELS[lang]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new Agg figure with one axes (no pyplot), or the figure of ``ax``."""
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]  # an Axes on a subfigure is not drawn here
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _frame(result: object, columns: tuple[str, ...], func: str, source: str) -> pd.DataFrame:

    frame = result.clients if isinstance(result, SegmentResult) else result
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{func}() needs the result of {source}() (or its to_frame()), got "
            f"{type(result).__name__}."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{func}() needs the column(s) {', '.join(missing)}; pass the result of "
            f"{source}() (or its to_frame())."
        )
    return frame


def _params(result: object) -> Mapping[str, Any]:
    return getattr(result, "params", {}) or {}


def _percent_axis(axis, lang: str = "en", decimals: int = 0) -> None:
    """Tick labels as percentages written the report's way ("80%", "80 %")."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_pct(v, lang, decimals=decimals)))


# --- segmentation ---------------------------------------------------------------------------------
def pareto_curve(
    abc: SegmentResult | pd.DataFrame,
    *,
    lang: str = "en",
    cutoffs: tuple[float, float] | None = None,
    max_points: int = 2000,
    ax: Axes | None = None,
) -> Figure:
    """The Pareto (ABC) curve with the A/B/C cut-offs.

    x = share of the clients with a positive value, largest first; y = their cumulative share of
    the value. Dashed lines mark the cut-offs, the areas are labelled A, B, C.

    Parameters
    ----------
    abc : SegmentResult or DataFrame
        The result of :func:`reportkit.analysis.segmentation.abc` (columns ``value, cum_share, abc``).
    lang : {"en", "ru"}, default "en"
    cutoffs : (float, float) or None, default None
        None takes the cut-offs ABC ran with (``abc.params``), else (0.80, 0.95).
    max_points : int, default 2000
        The curve is drawn through at most this many points (the class boundaries are exact).
    ax : matplotlib Axes or None, default None

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_lang(lang)
    frame = _frame(abc, (S.VALUE, S.CUM_SHARE, S.ABC), "pareto_curve", "abc")
    params = _params(abc)
    cut: tuple[float, ...] = tuple(cutoffs or params.get("cutoffs") or (0.80, 0.95))
    words = _value_words(lang, str(params.get("by", "revenue")))
    fig, ax = _axes(ax, (7, 4.5))
    ranked = frame.loc[frame[S.VALUE] > 0, [S.CUM_SHARE, S.ABC]].sort_values(S.CUM_SHARE)
    n = len(ranked)
    if n:
        y = np.concatenate(([0.0], ranked[S.CUM_SHARE].to_numpy(dtype=float)))
        x = np.arange(n + 1) / n
        classes = ranked[S.ABC].astype(str).to_numpy()
        keep = np.unique(
            np.concatenate((np.linspace(0, n, min(n + 1, max_points)).astype(int), [n]))
        )
        ax.plot(x[keep], y[keep], color="#1f4e79", lw=2)
        # exact class boundaries: the last client of A and of B
        bounds = []
        for cls in ("A", "B"):
            pos = np.flatnonzero(classes == cls)
            if len(pos):
                bounds.append((cls, (pos[-1] + 1) / n, y[pos[-1] + 1]))
        prev_x = 0.0
        for cls, bx, by in bounds:
            ax.plot([bx, bx], [0, by], ls=":", color="grey", lw=1)
            ax.plot([0, bx], [by, by], ls=":", color="grey", lw=1)
            ax.text((prev_x + bx) / 2, 0.04, cls, ha="center", fontsize=12, weight="bold")
            prev_x = bx
        ax.text((prev_x + 1) / 2, 0.04, "C", ha="center", fontsize=12, weight="bold")
        a_x, a_y = (bounds[0][1], bounds[0][2]) if bounds and bounds[0][0] == "A" else (0.0, 0.0)
        ax.set_title(_text(lang, "pareto_title", a=a_x, va=a_y, **words))
    for c in cut:
        ax.axhline(c, ls="--", color="#c00000", lw=1)
        ax.text(
            1.0, c, f" {c:.0%}", va="center", ha="left", color="#c00000", fontsize=9, clip_on=False
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    _percent_axis(ax.xaxis, lang)
    _percent_axis(ax.yaxis, lang)
    ax.set_xlabel(_text(lang, "pareto_x", **words))
    ax.set_ylabel(_text(lang, "pareto_y", **words))
    ax.grid(alpha=0.3)
    return fig


def abcxyz_heatmap(
    matrix: ABCXYZMatrix, *, lang: str = "en", color: str = "value_share", ax: Axes | None = None
) -> Figure:
    """The ABC×XYZ matrix as a heat map: each cell shows its share of clients and of value.

    Rows A, B, C; columns X, Y, Z and new (clients too young for XYZ). Leads are not in the
    matrix.

    Parameters
    ----------
    matrix : ABCXYZMatrix
        The result of :func:`reportkit.analysis.segmentation.abc_xyz_matrix`.
    lang : {"en", "ru"}, default "en"
    color : {"value_share", "client_share"}, default "value_share"
        What the colour shows.
    ax : matplotlib Axes or None, default None

    Returns
    -------
    matplotlib.figure.Figure
    """
    import seaborn as sns

    _check_lang(lang)
    check_param(
        color in (S.VALUE_SHARE, S.CLIENT_SHARE), "color", "'value_share' or 'client_share'", color
    )
    if not isinstance(matrix, ABCXYZMatrix):
        raise InputError(
            f"abcxyz_heatmap() needs the result of abc_xyz_matrix(), got {type(matrix).__name__}."
        )
    words = _value_words(lang, str(_params(matrix).get("by", "revenue")))
    labels = _labels(lang)
    clients = matrix.pivot(S.CLIENT_SHARE).fillna(0.0)
    value = matrix.pivot(S.VALUE_SHARE).fillna(0.0)
    shown = value if color == S.VALUE_SHARE else clients
    annot = np.empty(shown.shape, dtype=object)
    for i in range(shown.shape[0]):
        for j in range(shown.shape[1]):
            annot[i, j] = (
                f"{fmt_pct(clients.iat[i, j], lang, decimals=1)}\n"
                f"{fmt_pct(value.iat[i, j], lang, decimals=1)}"
            )
    fig, ax = _axes(ax, (7, 4.5))
    cbar_label = (
        _text(lang, "heat_cbar", **words)
        if color == S.VALUE_SHARE
        else _text(lang, "heat_cbar_clients")
    )
    sns.heatmap(
        shown,
        annot=annot,
        fmt="",
        cmap="Blues",
        vmin=0,
        linewidths=1,
        linecolor="white",
        ax=ax,
        cbar_kws={"label": cbar_label},
    )
    colorbar = ax.collections[0].colorbar
    if colorbar is not None:
        _percent_axis(colorbar.ax.yaxis, lang)
    ax.set_xticklabels([labels.get(c, c) for c in shown.columns], rotation=0)
    ax.set_yticklabels([labels.get(c, c) for c in shown.index], rotation=0)
    ax.set_xlabel(_text(lang, "heat_x"))
    ax.set_ylabel(_text(lang, "heat_y", **words))
    ax.set_title(_text(lang, "heat_title", **words))
    return fig


def rfm_grid(
    rfm: SegmentResult | pd.DataFrame,
    *,
    color: str = "clients",
    lang: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """The RFM grid: recency score (rows, best on top) × frequency score (columns).

    Each cell is annotated with its number of clients (``color="clients"``) or revenue
    (``color="revenue"``), and coloured by the same. Leads (not scored) are left out.

    Parameters
    ----------
    rfm : SegmentResult or DataFrame
        The result of :func:`reportkit.analysis.segmentation.rfm` (``r_score, f_score, revenue_window``).
    color : {"clients", "revenue"}, default "clients"
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes or None, default None

    Returns
    -------
    matplotlib.figure.Figure
    """
    import seaborn as sns

    _check_lang(lang)
    check_param(color in ("clients", "revenue"), "color", "'clients' or 'revenue'", color)
    frame = _frame(rfm, (S.R_SCORE, S.F_SCORE, S.REVENUE_WINDOW), "rfm_grid", "rfm")
    scored = frame[frame[S.R_SCORE].notna() & frame[S.F_SCORE].notna()]
    bins = int(
        _params(rfm).get("bins")
        or max(5, int(scored[S.R_SCORE].max() or 0), int(scored[S.F_SCORE].max() or 0))
    )
    r = scored[S.R_SCORE].to_numpy(dtype=np.int64) - 1
    f = scored[S.F_SCORE].to_numpy(dtype=np.int64) - 1
    cell = r * bins + f
    if color == "clients":
        values = np.bincount(cell, minlength=bins * bins).astype(float)
        fmt = lambda v: fmt_int(v, lang)
    else:
        rev = np.nan_to_num(scored[S.REVENUE_WINDOW].to_numpy(dtype=float), nan=0.0)
        values = np.bincount(cell, weights=rev, minlength=bins * bins)
        fmt = lambda v: fmt_compact(v, lang)
    grid = pd.DataFrame(
        values.reshape(bins, bins), index=range(1, bins + 1), columns=range(1, bins + 1)
    ).iloc[::-1]
    annot = grid.map(fmt).to_numpy()
    fig, ax = _axes(ax, (6, 5))
    what = _TEXT[lang]["clients" if color == "clients" else "rfm_revenue"]
    sns.heatmap(
        grid,
        annot=annot,
        fmt="",
        cmap="YlGnBu",
        linewidths=1,
        linecolor="white",
        ax=ax,
        cbar_kws={"label": what},
    )
    ax.set_xlabel(_text(lang, "rfm_x"))
    ax.set_ylabel(_text(lang, "rfm_y"))
    ax.set_title(_text(lang, "rfm_title", what=what))
    ax.tick_params(axis="y", rotation=0)
    return fig


_BCG_COLORS = {
    "star": "#2e7d32",
    "cash_cow": "#1565c0",
    "question_mark": "#ef6c00",
    "dog": "#757575",
}


def bcg_scatter(
    bcg: SegmentResult | pd.DataFrame,
    *,
    lang: str = "en",
    growth_threshold: float | None = None,
    max_points: int = 5000,
    random_state: int = 0,
    ax: Axes | None = None,
) -> Figure:
    """The client BCG matrix as a scatter: revenue relative to the median (log x) × growth.

    Clients without revenue in the window (not on a log axis) and leads are left out; clients
    without revenue in the previous window (undefined growth, counted as growing) are drawn as
    triangles at the top. Growth above the 98th percentile is drawn at the top edge.

    Parameters
    ----------
    bcg : SegmentResult or DataFrame
        The result of :func:`reportkit.analysis.segmentation.bcg`.
    lang : {"en", "ru"}, default "en"
    growth_threshold : float or None, default None
        The horizontal line; None takes the threshold BCG ran with, else 0.
    max_points : int, default 5000
        Larger bases are drawn as a random sample of this many clients (quadrant lines and the
        classes still come from every client).
    random_state : int, default 0
        Seed of that sample.
    ax : matplotlib Axes or None, default None

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_lang(lang)
    check_param(
        isinstance(max_points, int) and max_points > 0,
        "max_points",
        "a positive integer",
        max_points,
    )
    frame = _frame(bcg, (S.RELATIVE_SHARE, S.GROWTH, S.BCG), "bcg_scatter", "bcg")
    threshold = (
        growth_threshold
        if growth_threshold is not None
        else float(_params(bcg).get("growth_threshold", 0.0))
    )
    labels = _labels(lang)
    data = frame.loc[frame[S.RELATIVE_SHARE].notna(), [S.RELATIVE_SHARE, S.GROWTH, S.BCG]]
    n_all = len(data)
    if n_all > max_points:
        data = data.sample(n=max_points, random_state=random_state)
    plot, top = _bcg_points(data, threshold, labels)
    fig, ax = _axes(ax, (7, 6))
    _bcg_draw_points(ax, plot, labels, lang)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", lw=1)
    ax.axhline(threshold, color="black", lw=1)
    ax.set_ylim(min(-1.05, threshold - 0.1), top * 1.2 + 0.1)
    _percent_axis(ax.yaxis, lang)
    _bcg_quadrant_names(ax, labels)
    ax.set_xlabel(_text(lang, "bcg_x"))
    ax.set_ylabel(_text(lang, "bcg_y"))
    ax.set_title(_bcg_title(lang, n_all, max_points))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False, fontsize=9
        )
    return fig


def _bcg_points(
    data: pd.DataFrame, threshold: float, labels: Mapping[str, str]
) -> tuple[pd.DataFrame, float]:
    """The points of the BCG scatter (x, y, class name, undefined growth) and the top edge:
    growth above the 98th percentile, and undefined growth, are drawn at the top edge."""
    x = np.power(10.0, data[S.RELATIVE_SHARE].to_numpy(dtype=float))
    growth = data[S.GROWTH].to_numpy(dtype=float)
    finite = growth[np.isfinite(growth)]
    top = max(1.0, float(np.quantile(finite, 0.98)) if len(finite) else 1.0, threshold + 0.5)
    undefined = np.isnan(growth)
    y = np.where(undefined, top, np.minimum(growth, top))
    classes = data[S.BCG].astype(str).to_numpy()
    plot = pd.DataFrame(
        {"x": x, "y": y, "cls": [labels.get(c, c) for c in classes], "undefined": undefined}
    )
    return plot, top


def _bcg_draw_points(ax: Axes, plot: pd.DataFrame, labels: Mapping[str, str], lang: str) -> None:
    """Dots coloured by class; clients without a previous window as triangles."""
    import seaborn as sns

    if not len(plot):
        return
    palette = {labels.get(k, k): v for k, v in _BCG_COLORS.items()}
    order = [labels.get(k, k) for k in _BCG_COLORS if labels.get(k, k) in set(plot["cls"])]
    sns.scatterplot(
        data=plot[~plot["undefined"]],
        x="x",
        y="y",
        hue="cls",
        hue_order=order,
        palette=palette,
        s=14,
        alpha=0.6,
        linewidth=0,
        ax=ax,
    )
    if plot["undefined"].any():
        sub = plot[plot["undefined"]]
        ax.scatter(
            sub["x"],
            sub["y"],
            marker="^",
            s=18,
            alpha=0.6,
            c=[palette.get(c, "grey") for c in sub["cls"]],
            label=_text(lang, "bcg_new"),
        )


def _bcg_quadrant_names(ax: Axes, labels: Mapping[str, str]) -> None:
    """The names of the four quadrants in the corners of the axes."""
    for key, (hx, vy) in {
        "star": (0.98, 0.97),
        "cash_cow": (0.98, 0.03),
        "question_mark": (0.02, 0.97),
        "dog": (0.02, 0.03),
    }.items():
        ax.text(
            hx,
            vy,
            labels.get(key, key),
            transform=ax.transAxes,
            fontsize=11,
            weight="bold",
            ha="right" if hx > 0.5 else "left",
            va="top" if vy > 0.5 else "bottom",
            color=_BCG_COLORS[key],
            alpha=0.8,
        )


def _bcg_title(lang: str, n_all: int, max_points: int) -> str:
    """The title, with a second line saying so when the points are a sample."""
    title = _text(lang, "bcg_title")
    if n_all > max_points:
        sep = "," if lang == "en" else "\u00a0"
        title += "\n" + _text(
            lang,
            "bcg_sample",
            k=f"{max_points:,}".replace(",", sep),
            n=f"{n_all:,}".replace(",", sep),
        )
    return title
