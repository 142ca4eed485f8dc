"""Figures of the lifecycle and base-dynamics sections (those of the segmentations are in
:mod:`reportkit.report.plots`).

Same conventions as :mod:`reportkit.report.plots`: every function returns a
:class:`matplotlib.figure.Figure` built on the Agg canvas without pyplot (nothing is shown or left
open), takes ``lang`` ("en" or "ru") for its texts, and draws into ``ax`` when one is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.dynamics import NONE, Migration, cohort_triangle
from ..analysis.lifecycle import BLOCKS, ZONE_OF, Lifecycle
from ..errors import InputError, check_param
from ..io import schema as S
from .text import block_label, fmt_compact, fmt_pct, fmt_period

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


ZONE_COLORS = {"birth": "#7fb3d5", "life": "#52be80", "death": "#cd6155"}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "ladder_title": "Lifecycle of the client base as of {day}",
        "ladder_clients": "Clients",
        "ladder_revenue": "Revenue over the window",
        "birth": "birth",
        "life": "life",
        "death": "death",
        "cohort_title": "Cohorts by first order: {what}",
        "cohort_x": "{unit}s since the first order",
        "cohort_y": "Cohort (first order)",
        "retention": "share still buying",
        "revenue_per_client": "revenue per client",
        "revenue": "revenue",
        "active_clients": "clients buying",
        "flows_title": "Clients gained and lost per {unit}",
        "new": "new",
        "reactivated": "reactivated",
        "lost": "lost",
        "base": "base (right axis)",
        "flows_y": "Clients",
        "base_y": "Clients in the base",
        "bridge_title": "Revenue bridge, {period}",
        "prev": "previous\nperiod",
        "prev_other": "previous revenue of\nnew/returning",
        "growth": "growth of\nexisting",
        "decline": "decline of\nexisting",
        "new_rev": "new\nclients",
        "react_rev": "reactivated\nclients",
        "now": "this\nperiod",
        "churn_title": "Churn rate per {unit}",
        "churn": "lost / base at the start",
        "churn_annual": "over the trailing year (right axis)",
        "migration_title": "Moves between lifecycle blocks, {a} → {b}",
        "from": "block at {a}",
        "to": "block at {b}",
        "none": "not yet a client",
        "month": "month",
        "quarter": "quarter",
    },
    "ru": {
        "ladder_title": "Жизненный цикл клиентской базы на {day}",
        "ladder_clients": "Клиенты",
        "ladder_revenue": "Выручка за окно",
        "birth": "зарождение",
        "life": "жизнь",
        "death": "уход",
        "cohort_title": "Когорты по первому заказу: {what}",
        "cohort_x": "{unit} с первого заказа",
        "cohort_y": "Когорта (первый заказ)",
        "retention": "доля покупающих",
        "revenue_per_client": "выручка на клиента",
        "revenue": "выручка",
        "active_clients": "покупающих клиентов",
        "flows_title": "Пришедшие и ушедшие клиенты по {unit}",
        "new": "новые",
        "reactivated": "вернувшиеся",
        "lost": "ушедшие",
        "base": "база (правая ось)",
        "flows_y": "Клиенты",
        "base_y": "Клиентов в базе",
        "bridge_title": "Мост выручки, {period}",
        "prev": "прошлый\nпериод",
        "prev_other": "прошлая выручка\nновых/вернувшихся",
        "growth": "рост\nсуществующих",
        "decline": "спад\nсуществующих",
        "new_rev": "новые\nклиенты",
        "react_rev": "вернувшиеся\nклиенты",
        "now": "этот\nпериод",
        "churn_title": "Доля ушедших клиентов по {unit}",
        "churn": "ушедшие / база на начало",
        "churn_annual": "за скользящий год (правая ось)",
        "migration_title": "Переходы между блоками, {a} → {b}",
        "from": "блок на {a}",
        "to": "блок на {b}",
        "none": "ещё не клиент",
        "month": "месяцам",
        "quarter": "кварталам",
    },
}
_UNIT_X = {"en": {"M": "Month", "Q": "Quarter"}, "ru": {"M": "Месяцев", "Q": "Кварталов"}}


def _t(lang: str, key: str, **kw: object) -> str:
    return _TEXT[lang][key].format(**kw)


def _check_lang(lang: str) -> None:
    check_param(lang in _TEXT, "lang", "one of 'en', 'ru'", lang)


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax  # type: ignore[return-value]  # an Axes on a subfigure is not drawn here
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _need(frame: object, columns: tuple[str, ...], func: str, source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame) or not set(columns) <= set(frame.columns):
        raise InputError(
            f"{func}() needs the DataFrame returned by {source}(), got {type(frame).__name__}."
        )
    return frame


def _freq_of(frame: pd.DataFrame) -> str:
    return "Q" if len(frame) and "Q" in str(frame[S.PERIOD].iloc[-1]) else "M"


def _tick_labels(ax, labels: list[str], max_ticks: int = 18) -> None:
    step = max(1, int(np.ceil(len(labels) / max_ticks)))
    ticks = list(range(0, len(labels), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([labels[i] for i in ticks], rotation=45, ha="right")


# --- lifecycle ------------------------------------------------------------------------------------


def lifecycle_ladder(
    lifecycle: Lifecycle | pd.DataFrame,
    *,
    value: str = "clients",
    lang: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """The eight blocks as a ladder: one bar per block, top to bottom, coloured by zone.

    Parameters
    ----------
    lifecycle : Lifecycle or DataFrame
        From :func:`reportkit.analysis.lifecycle.classify` (or its ``summary``).
    value : {"clients", "revenue"}, default "clients"
        Bar length: number of clients, or revenue over the window.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    _check_lang(lang)
    check_param(value in ("clients", "revenue"), "value", "'clients' or 'revenue'", value)
    summary = lifecycle.summary if isinstance(lifecycle, Lifecycle) else lifecycle
    summary = _need(summary, (S.BLOCK, S.N_CLIENTS, S.REVENUE), "lifecycle_ladder", "classify")
    s = summary.set_index(S.BLOCK).reindex(BLOCKS)
    column = S.N_CLIENTS if value == "clients" else S.REVENUE
    share_col = S.CLIENT_SHARE if value == "clients" else S.REVENUE_SHARE
    values = s[column].fillna(0).to_numpy(dtype=float)
    shares = (
        s[share_col].to_numpy(dtype=float)
        if share_col in s.columns
        else values / values.sum()
        if values.sum()
        else np.zeros(len(values))
    )
    fig, ax = _axes(ax, (8, 4.8))
    y = np.arange(len(BLOCKS))[::-1]
    colors = [ZONE_COLORS[ZONE_OF[b]] for b in BLOCKS]
    ax.barh(y, values, color=colors)
    ax.set_yticks(y)
    ax.set_yticklabels([block_label(b, lang) for b in BLOCKS])
    top = values.max() if len(values) and values.max() > 0 else 1.0
    for yi, v, sh in zip(y, values, shares):
        text = f"{v:,.0f}" + ("" if not np.isfinite(sh) else f"  ({sh:.0%})")
        if lang == "ru":
            text = text.replace(",", "\u202f")
        ax.text(v + top * 0.01, yi, text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel(_t(lang, "ladder_clients" if value == "clients" else "ladder_revenue"))
    day = ""
    if isinstance(lifecycle, Lifecycle) and lifecycle.as_of is not None:
        day = lifecycle.as_of.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")
    ax.set_title(_t(lang, "ladder_title", day=day).strip())
    from matplotlib.patches import Patch

    ax.legend(
        handles=[Patch(color=c, label=_t(lang, z)) for z, c in ZONE_COLORS.items()],
        loc="lower right",
        fontsize=8,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig


# --- cohorts --------------------------------------------------------------------------------------


def cohort_heatmap(
    cohorts: pd.DataFrame,
    *,
    value: str = S.RETENTION,
    max_age: int | None = 24,
    lang: str = "en",
    ax: Axes | None = None,
) -> Figure:
    """The retention triangle as a heat map (rows: cohorts, columns: age).

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`reportkit.analysis.dynamics.cohorts`.
    value : str, default "retention"
        ``retention``, ``revenue_per_client``, ``revenue`` or ``active_clients``.
    max_age : int or None, default 24
        Ages shown (older ages are cut for readability); None shows all.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    import seaborn as sns

    _check_lang(lang)
    check_param(
        value in (S.RETENTION, S.REVENUE_PER_CLIENT, S.REVENUE, S.ACTIVE_CLIENTS),
        "value",
        "'retention', 'revenue_per_client', 'revenue' or 'active_clients'",
        value,
    )
    cohorts = _need(cohorts, (S.COHORT, S.AGE, S.COHORT_SIZE), "cohort_heatmap", "cohorts")
    tri = cohort_triangle(cohorts, value=value)
    if max_age is not None:
        tri = tri.loc[:, [c for c in tri.columns if c <= max_age]]
    freq = "Q" if len(tri) and "Q" in str(tri.index[-1]) else "M"
    fig, ax = _axes(
        ax, (min(4 + 0.35 * max(tri.shape[1], 1), 14), min(2 + 0.28 * max(tri.shape[0], 1), 12))
    )
    pct = value == S.RETENTION
    annot = tri.shape[1] <= 16 and tri.shape[0] <= 30
    sns.heatmap(
        tri,
        ax=ax,
        cmap="YlGnBu",
        vmin=0,
        vmax=1 if pct else None,
        annot=annot,
        fmt=".0%" if pct else ".0f",
        annot_kws={"fontsize": 7},
        cbar_kws={"label": _t(lang, value)},
        mask=tri.isna(),
    )
    ax.set_xlabel(_t(lang, "cohort_x", unit=_UNIT_X[lang][freq]))
    ax.set_ylabel(_t(lang, "cohort_y"))
    ax.set_title(_t(lang, "cohort_title", what=_t(lang, value)))
    return fig


# --- flows, bridge, churn -------------------------------------------------------------------------


def flows_chart(flows: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """New and reactivated clients (up) and lost ones (down) per period, with the base as a line.

    Parameters
    ----------
    flows : DataFrame
        From :func:`reportkit.analysis.dynamics.flows`.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    _check_lang(lang)
    f = _need(flows, (S.PERIOD, S.NEW, S.REACTIVATED, S.LOST, S.BASE_END), "flows_chart", "flows")
    fig, ax = _axes(ax, (10, 4.5))
    x = np.arange(len(f))
    new, react, lost = (f[c].to_numpy(dtype=float) for c in (S.NEW, S.REACTIVATED, S.LOST))
    ax.bar(x, new, color=ZONE_COLORS["birth"], label=_t(lang, "new"))
    ax.bar(x, react, bottom=new, color=ZONE_COLORS["life"], label=_t(lang, "reactivated"))
    ax.bar(x, -lost, color=ZONE_COLORS["death"], label=_t(lang, "lost"))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(_t(lang, "flows_y"))
    twin = ax.twinx()
    twin.plot(
        x, f[S.BASE_END].to_numpy(dtype=float), color="#34495e", marker=".", label=_t(lang, "base")
    )
    twin.set_ylabel(_t(lang, "base_y"))
    twin.set_ylim(bottom=0)
    _tick_labels(ax, f[S.PERIOD].astype(str).tolist())
    handles = ax.get_legend_handles_labels()
    handles2 = twin.get_legend_handles_labels()
    ax.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="upper left", fontsize=8)
    unit = "month" if _freq_of(f) == "M" else "quarter"
    ax.set_title(_t(lang, "flows_title", unit=_t(lang, unit)))
    return fig


def revenue_bridge_chart(
    bridge: pd.DataFrame, *, period: str | None = None, lang: str = "en", ax: Axes | None = None
) -> Figure:
    """A waterfall from the previous period's revenue to this period's, for one period.

    Steps: previous revenue → (previous revenue of this period's new / reactivated clients,
    when not zero) → growth and decline of existing clients → new clients → reactivated clients
    → this period's revenue.

    Parameters
    ----------
    bridge : DataFrame
        From :func:`reportkit.analysis.dynamics.revenue_bridge`.
    period : str, optional
        Label of the period ("2024-06"); default the last one.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    _check_lang(lang)
    b = _need(
        bridge,
        (
            S.PERIOD,
            S.REVENUE,
            S.REVENUE_PREV,
            S.REVENUE_RETAINED_PREV,
            S.RETAINED_GROWTH,
            S.RETAINED_DECLINE,
            S.REVENUE_NEW,
            S.REVENUE_REACTIVATED,
        ),
        "revenue_bridge_chart",
        "revenue_bridge",
    )
    if len(b) == 0:
        raise InputError("revenue_bridge_chart() got an empty bridge; widen the periods.")
    if period is None:
        r = b.iloc[-1]
    else:
        hit = b[b[S.PERIOD].astype(str) == str(period)]
        check_param(
            len(hit) == 1,
            "period",
            f"one of the bridge's periods ({b[S.PERIOD].iloc[0]} … {b[S.PERIOD].iloc[-1]})",
            period,
        )
        r = hit.iloc[0]
    other = float(r[S.REVENUE_PREV] - r[S.REVENUE_RETAINED_PREV])
    steps = [("prev_other", -other)] if abs(other) > 1e-9 else []
    steps += [
        ("growth", float(r[S.RETAINED_GROWTH])),
        ("decline", -float(r[S.RETAINED_DECLINE])),
        ("new_rev", float(r[S.REVENUE_NEW])),
        ("react_rev", float(r[S.REVENUE_REACTIVATED])),
    ]
    fig, ax = _axes(ax, (9, 4.5))
    labels = [_t(lang, "prev")]
    bottoms, heights, colors = [0.0], [float(r[S.REVENUE_PREV])], ["#95a5a6"]
    level = float(r[S.REVENUE_PREV])
    for key, delta in steps:
        labels.append(_t(lang, key))
        bottoms.append(level if delta >= 0 else level + delta)
        heights.append(abs(delta))
        colors.append(ZONE_COLORS["life"] if delta >= 0 else ZONE_COLORS["death"])
        level += delta
    labels.append(_t(lang, "now"))
    bottoms.append(0.0)
    heights.append(float(r[S.REVENUE]))
    colors.append("#34495e")
    x = np.arange(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colors)
    top = max(b + h for b, h in zip(bottoms, heights)) or 1.0
    for xi, bottom, h in zip(x, bottoms, heights):
        text = f"{h:,.0f}".replace(",", "\u202f" if lang == "ru" else ",")
        ax.text(float(xi), bottom + h + top * 0.01, text, ha="center", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_compact(v, lang)))
    ax.set_title(_t(lang, "bridge_title", period=fmt_period(r[S.PERIOD], lang)))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def churn_rate_chart(flows: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Churn rate per period (lost / base at the start) and over the trailing year.

    Parameters
    ----------
    flows : DataFrame
        From :func:`reportkit.analysis.dynamics.flows`.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    from matplotlib.ticker import FuncFormatter

    _check_lang(lang)
    f = _need(flows, (S.PERIOD, S.CHURN_RATE, S.CHURN_RATE_ANNUAL), "churn_rate_chart", "flows")
    fig, ax = _axes(ax, (10, 4))
    x = np.arange(len(f))
    ax.plot(
        x,
        f[S.CHURN_RATE].to_numpy(dtype=float),
        color=ZONE_COLORS["death"],
        marker=".",
        label=_t(lang, "churn"),
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_pct(v, lang)))
    ax.set_ylim(bottom=0)
    twin = ax.twinx()
    twin.plot(
        x,
        f[S.CHURN_RATE_ANNUAL].to_numpy(dtype=float),
        color="#34495e",
        linestyle="--",
        label=_t(lang, "churn_annual"),
    )
    twin.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_pct(v, lang, decimals=0)))
    twin.set_ylim(bottom=0)
    _tick_labels(ax, f[S.PERIOD].astype(str).tolist())
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = twin.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    unit = "month" if _freq_of(f) == "M" else "quarter"
    ax.set_title(_t(lang, "churn_title", unit=_t(lang, unit)))
    return fig


def migration_heatmap(migration: Migration, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """The migration matrix (clients moving between blocks) as an annotated heat map.

    Parameters
    ----------
    migration : Migration
        From :func:`reportkit.analysis.dynamics.migration` or :func:`~reportkit.analysis.dynamics.migration_matrix`.
    lang : {"en", "ru"}, default "en"
    ax : matplotlib Axes, optional

    Returns
    -------
    Figure
    """
    import seaborn as sns

    _check_lang(lang)
    if not isinstance(migration, Migration):
        raise InputError(
            f"migration_heatmap() needs a Migration from reportkit.analysis.dynamics, got "
            f"{type(migration).__name__}."
        )
    m = migration.matrix()

    def name(b: str) -> str:
        return _t(lang, "none") if b == NONE else block_label(b, lang)

    m = m.rename(index=name, columns=name)
    fig, ax = _axes(ax, (9, 7))
    sns.heatmap(
        np.log1p(m),
        ax=ax,
        cmap="Blues",
        annot=m,
        fmt="d",
        cbar=False,
        annot_kws={"fontsize": 8},
        linewidths=0.5,
        linecolor="#eeeeee",
    )

    def day(ts) -> str:
        if ts is None:
            return "?"
        return ts.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")

    a, b = day(migration.before), day(migration.after)
    ax.set_xlabel(_t(lang, "to", b=b))
    ax.set_ylabel(_t(lang, "from", a=a))
    ax.set_title(_t(lang, "migration_title", a=a, b=b))
    return fig


__all__ = [
    "churn_rate_chart",
    "cohort_heatmap",
    "flows_chart",
    "lifecycle_ladder",
    "migration_heatmap",
    "revenue_bridge_chart",
]
