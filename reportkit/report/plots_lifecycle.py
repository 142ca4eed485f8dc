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
        "churn_mean": "mean of the last {span}",
        "churn_from": "no rate before {period}: a client counts as lost after a year of history",
        "churn_none": "no rate yet: a client counts as lost after a year of history",
        "flows_first": "{period} is left out: the data starts there, so every client counts as new",
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
        "churn_mean": "среднее за последние {span}",
        "churn_from": "до {period} доли нет: ушедшим клиент считается после года истории",
        "churn_none": "доли пока нет: ушедшим клиент считается после года истории",
        "flows_first": "{period} не показан: с него начинаются данные, и все клиенты в нём новые",
        "migration_title": "Переходы между блоками, {a} → {b}",
        "from": "блок на {a}",
        "to": "блок на {b}",
        "none": "ещё не клиент",
        "month": "месяцам",
        "quarter": "кварталам",
    },
}
_UNIT_X = {"en": {"M": "Month", "Q": "Quarter"}, "ru": {"M": "Месяцев", "Q": "Кварталов"}}
#: the span of the churn rate's trailing mean: a year of periods
_SPAN = {"en": {"M": "12 months", "Q": "4 quarters"}, "ru": {"M": "12 месяцев", "Q": "4 квартала"}}
#: periods in a year: the window of the churn rate's trailing mean
_YEAR = {"M": 12, "Q": 4}


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

    The period where the data starts (its base at the start is 0) is left out, and the x-axis
    label says so: every client counts as new there, and its bar would dwarf the others. The
    legend is drawn under the axes, where no bar can run into it.

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
    f, left_out = _without_data_start(f)
    own = ax is None
    fig, ax = _axes(ax, (10, 4.8))
    x = np.arange(len(f))
    new, react, lost = (f[c].to_numpy(dtype=float) for c in (S.NEW, S.REACTIVATED, S.LOST))
    ax.bar(x, new, color=ZONE_COLORS["birth"], label=_t(lang, "new"))
    ax.bar(x, react, bottom=new, color=ZONE_COLORS["life"], label=_t(lang, "reactivated"))
    ax.bar(x, -lost, color=ZONE_COLORS["death"], label=_t(lang, "lost"))
    ax.axhline(0, color="black", linewidth=0.6)
    # room above the tallest bar (and below the longest loss); zero stays the floor without one
    top, bottom = float(np.max(new + react, initial=0.0)), -float(np.max(lost, initial=0.0))
    pad = 0.06 * ((top - bottom) or 1.0)
    ax.set_ylim(bottom - pad if bottom < 0 else 0.0, top + pad)
    ax.set_ylabel(_t(lang, "flows_y"))
    twin = ax.twinx()
    twin.plot(
        x, f[S.BASE_END].to_numpy(dtype=float), color="#34495e", marker=".", label=_t(lang, "base")
    )
    twin.set_ylabel(_t(lang, "base_y"))
    twin.set_ylim(bottom=0)
    _tick_labels(ax, f[S.PERIOD].astype(str).tolist())
    if left_out is not None:
        ax.set_xlabel(_t(lang, "flows_first", period=left_out), fontsize=8, color="#59636e")
    handles, labels = ax.get_legend_handles_labels()
    handles2, labels2 = twin.get_legend_handles_labels()
    _legend_below(fig, ax, handles + handles2, labels + labels2, own=own)
    unit = "month" if _freq_of(f) == "M" else "quarter"
    ax.set_title(_t(lang, "flows_title", unit=_t(lang, unit)))
    return fig


def _without_data_start(f: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The flows without the leading periods whose base at the start is 0 (the data starts
    there: every client is new), and the last period left out (None when none is).

    A period is kept when it is the only one left."""
    if S.BASE_START not in f.columns or len(f) < 2:
        return f, None
    empty = f[S.BASE_START].to_numpy(dtype=float) == 0
    lead = int(np.argmin(empty)) if not empty.all() else len(f) - 1
    if lead == 0:
        return f, None
    return f.iloc[lead:], str(f[S.PERIOD].iloc[lead - 1])


def _legend_below(fig: Figure, ax: Axes, handles: list, labels: list, *, own: bool) -> None:
    """One legend for the figure under its axes (``own``: a figure made here, whose layout
    makes room for it); in an axes the caller gave, the corner with the fewest points."""
    if own:
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=len(labels),
            fontsize=8,
            frameon=False,
        )
    else:
        ax.legend(handles, labels, loc="best", fontsize=8)


def revenue_bridge_chart(
    bridge: pd.DataFrame, *, period: str | None = None, lang: str = "en", ax: Axes | None = None
) -> Figure:
    """A waterfall from the previous period's revenue to this period's, for one period.

    Steps: previous revenue → (previous revenue of this period's new / reactivated clients,
    when not zero) → growth and decline of existing clients → new clients → reactivated clients
    → this period's revenue. The money axis starts at zero (below it only when revenue was
    negative).

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
    from matplotlib.ticker import FuncFormatter

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
    r = _bridge_row(b, period)
    labels, bottoms, heights, colors = _bridge_bars(r, lang)
    fig, ax = _axes(ax, (9, 4.5))
    x = np.arange(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colors)
    top = max(b + h for b, h in zip(bottoms, heights)) or 1.0
    for xi, bottom, h in zip(x, bottoms, heights):
        text = f"{h:,.0f}".replace(",", "\u202f" if lang == "ru" else ",")
        ax.text(float(xi), bottom + h + top * 0.01, text, ha="center", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(bottom=min(0.0, *bottoms))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_compact(v, lang)))
    ax.set_title(_t(lang, "bridge_title", period=fmt_period(r[S.PERIOD], lang)))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _bridge_row(b: pd.DataFrame, period: str | None) -> pd.Series:
    """The bridge's row of ``period`` (default the last one)."""
    if len(b) == 0:
        raise InputError("revenue_bridge_chart() got an empty bridge; widen the periods.")
    if period is None:
        return b.iloc[-1]
    hit = b[b[S.PERIOD].astype(str) == str(period)]
    check_param(
        len(hit) == 1,
        "period",
        f"one of the bridge's periods ({b[S.PERIOD].iloc[0]} … {b[S.PERIOD].iloc[-1]})",
        period,
    )
    return hit.iloc[0]


def _bridge_bars(r: pd.Series, lang: str) -> tuple[list[str], list[float], list[float], list[str]]:
    """Labels, bottoms, heights and colours of the waterfall's bars for one bridge row."""
    other = float(r[S.REVENUE_PREV] - r[S.REVENUE_RETAINED_PREV])
    steps = [("prev_other", -other)] if abs(other) > 1e-9 else []
    steps += [
        ("growth", float(r[S.RETAINED_GROWTH])),
        ("decline", -float(r[S.RETAINED_DECLINE])),
        ("new_rev", float(r[S.REVENUE_NEW])),
        ("react_rev", float(r[S.REVENUE_REACTIVATED])),
    ]
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
    return labels, bottoms, heights, colors


def churn_rate_chart(flows: pd.DataFrame, *, lang: str = "en", ax: Axes | None = None) -> Figure:
    """Churn rate per period (lost / base at the start) and its mean over the last year, on one
    axis that starts at zero.

    A period's rate is drawn only where it is defined: from the first period with a
    trailing-year rate, i.e. after a year of history (before that a client who stopped buying
    cannot yet count as lost, and the rate would read 0 %). Earlier periods are gaps. The dashed
    line is the mean of the last 12 monthly (4 quarterly) rates, where all of them are defined.

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
    freq = _freq_of(f)
    rate, mean = _churn_series(f, _YEAR[freq])
    own = ax is None
    fig, ax = _axes(ax, (10, 4.2))
    x = np.arange(len(f))
    ax.plot(x, rate, color=ZONE_COLORS["death"], marker=".", label=_t(lang, "churn"))
    ax.plot(
        x,
        mean,
        color="#34495e",
        linestyle="--",
        label=_t(lang, "churn_mean", span=_SPAN[lang][freq]),
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_pct(v, lang)))
    ax.set_ylim(bottom=0)
    ax.set_xlim(-0.5, len(f) - 0.5)
    _tick_labels(ax, f[S.PERIOD].astype(str).tolist())
    defined = np.flatnonzero(f[S.CHURN_RATE_ANNUAL].notna().to_numpy())
    if len(defined) == 0 or defined[0] > 0:
        note = (
            _t(lang, "churn_from", period=f[S.PERIOD].iloc[defined[0]])
            if len(defined)
            else _t(lang, "churn_none")
        )
        ax.set_xlabel(note, fontsize=8, color="#59636e")
    handles, labels = ax.get_legend_handles_labels()
    _legend_below(fig, ax, handles, labels, own=own)
    unit = "month" if freq == "M" else "quarter"
    ax.set_title(_t(lang, "churn_title", unit=_t(lang, unit)))
    return fig


def _churn_series(f: pd.DataFrame, year: int) -> tuple[np.ndarray, np.ndarray]:
    """The churn rate per period, NaN where it is not yet defined (no trailing-year rate: less
    than a year of history) or where the base was empty, and the mean of the last ``year``
    rates (NaN unless all of them are defined)."""
    rate = f[S.CHURN_RATE].astype(float).where(f[S.CHURN_RATE_ANNUAL].notna())
    mean = rate.rolling(year, min_periods=year).mean()
    return rate.to_numpy(dtype=float), mean.to_numpy(dtype=float)


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
