"""The chart fixes of the report (#15): what the figures draw, checked on flows and bridges
written out by hand.

- churn rate per month: one y-axis from zero; months before the rate is defined (no
  trailing-year rate yet) are gaps (NaN), not 0 %; the dashed line is the mean of the last 12
  monthly rates;
- clients gained and lost: the period where the data starts (base at the start 0: everyone is
  new) is left out and the axis label says so; the legend sits outside the axes;
- count and money axes start at zero.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reportkit import schema as S
from reportkit.report.plots_lifecycle import churn_rate_chart, flows_chart, revenue_bridge_chart

NAN = float("nan")


def months(first: str, n: int) -> list[str]:
    return [str(p) for p in pd.period_range(first, periods=n, freq="M")]


def churn_flows() -> pd.DataFrame:
    """26 months from 2023-01: the first 12 have no trailing-year rate (the analysis reports
    their churn rate as 0); then 14 months of known rates, one of them a genuine 0."""
    defined = [0.01, 0.02, 0.03, 0.0, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12, 0.13, 0.14]
    return pd.DataFrame({
        S.PERIOD: months("2023-01", 26),
        S.CHURN_RATE: [0.0] * 12 + defined,
        S.CHURN_RATE_ANNUAL: [NAN] * 12 + [0.2] * 14,
    })


def test_churn_rate_months_without_a_rate_are_gaps_on_one_axis_from_zero():
    f = churn_flows()
    fig = churn_rate_chart(f)
    assert len(fig.axes) == 1  # no second y-axis
    ax = fig.axes[0]
    rate, mean = (np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines())
    # the first 12 months are gaps, not 0 %
    assert np.isnan(rate[:12]).all()
    assert rate[12:].tolist() == pytest.approx(
        [0.01, 0.02, 0.03, 0.0, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11, 0.12, 0.13, 0.14])
    assert rate[15] == 0.0  # a month with a rate and no loss stays 0
    # the mean of the last 12 monthly rates, only where all 12 are defined: months 24, 25, 26
    assert np.isnan(mean[:23]).all()
    assert mean[23] == pytest.approx(0.74 / 12)  # 0.01 + 0.02 + 0.03 + 0 + 0.05 + … + 0.12
    assert mean[24] == pytest.approx((0.74 - 0.01 + 0.13) / 12)
    assert mean[25] == pytest.approx((0.74 - 0.01 - 0.02 + 0.13 + 0.14) / 12)
    assert ax.get_ylim()[0] == 0
    assert ax.get_xlabel() == (
        "no rate before 2024-01: a client counts as lost after a year of history")
    assert ax.get_legend() is None and len(fig.legends) == 1  # under the axes
    ru = churn_rate_chart(f, lang="ru").axes[0]
    assert ru.get_xlabel().startswith("до 2024-01 доли нет")


def test_churn_rate_with_a_year_of_history_has_no_gap_and_no_note():
    f = churn_flows().iloc[12:].reset_index(drop=True)
    ax = churn_rate_chart(f).axes[0]
    rate = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    assert not np.isnan(rate).any()
    assert ax.get_xlabel() == ""


def test_churn_rate_quarterly_mean_spans_four_quarters():
    f = pd.DataFrame({
        S.PERIOD: ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"],
        S.CHURN_RATE: [0.0, 0.0, 0.04, 0.08, 0.02, 0.06],
        S.CHURN_RATE_ANNUAL: [NAN, NAN, 0.3, 0.3, 0.3, 0.3],
    })
    fig = churn_rate_chart(f)
    rate, mean = (np.asarray(line.get_ydata(), dtype=float) for line in fig.axes[0].get_lines())
    assert np.isnan(rate[:2]).all() and rate[2:].tolist() == pytest.approx([0.04, 0.08, 0.02, 0.06])
    assert np.isnan(mean[:5]).all() and mean[5] == pytest.approx(0.05)  # (4 + 8 + 2 + 6) / 4 %
    assert fig.axes[0].get_lines()[1].get_label() == "mean of the last 4 quarters"


def gained_lost() -> pd.DataFrame:
    """Four months; the data starts in the first (nobody in the base at its start)."""
    return pd.DataFrame({
        S.PERIOD: months("2024-01", 4),
        S.BASE_START: [0, 300, 320, 330],
        S.NEW: [300, 30, 20, 10],
        S.REACTIVATED: [0, 0, 2, 1],
        S.LOST: [0, 10, 12, 5],
        S.BASE_END: [300, 320, 330, 336],
    })


def _bars(ax) -> list[tuple[float, float]]:
    """(x centre, height with sign) of the bars drawn, in drawing order."""
    return [(round(p.get_x() + p.get_width() / 2, 6), round(p.get_height(), 6))
            for p in ax.patches]


def test_flows_chart_leaves_out_the_period_where_the_data_starts():
    fig = flows_chart(gained_lost())
    ax = fig.axes[0]
    # three months drawn (x 0, 1, 2): new, then reactivated on top, then lost downwards
    assert _bars(ax) == [(0, 30), (1, 20), (2, 10), (0, 0), (1, 2), (2, 1),
                         (0, -10), (1, -12), (2, -5)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-02", "2024-03", "2024-04"]
    assert ax.get_xlabel() == (
        "2024-01 is left out: the data starts there, so every client counts as new")
    base = fig.axes[1]
    assert base.get_lines()[0].get_ydata().tolist() == [320, 330, 336]
    assert base.get_ylim()[0] == 0  # the base, a count, from zero
    # the tallest bar leaves room above it
    assert ax.get_ylim()[1] > 30


def test_flows_chart_count_axis_floor_is_zero_without_losses():
    f = gained_lost().assign(**{S.LOST: 0})
    f[S.BASE_END] = f[S.BASE_START] + f[S.NEW] + f[S.REACTIVATED]
    ax = flows_chart(f).axes[0]
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] > 30


def test_flows_chart_legend_is_outside_the_axes():
    fig = flows_chart(gained_lost(), lang="ru")
    ax = fig.axes[0]
    assert ax.get_legend() is None and len(fig.legends) == 1
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    legend = fig.legends[0].get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    assert legend.y1 <= frame.y0  # wholly under the plotting area: no bar can reach it
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["новые", "вернувшиеся", "ушедшие", "база (правая ось)"]


def test_flows_chart_keeps_a_first_period_with_a_base():
    f = gained_lost().iloc[1:].reset_index(drop=True)
    ax = flows_chart(f).axes[0]
    assert len(ax.get_xticklabels()) == 3 and ax.get_xlabel() == ""
    # a single period where the data starts is drawn rather than nothing
    one = flows_chart(gained_lost().iloc[:1]).axes[0]
    assert _bars(one)[0] == (0, 300)


def test_flows_chart_into_a_given_axes_keeps_its_legend_there():
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    assert flows_chart(gained_lost(), ax=ax) is fig
    assert ax.get_legend() is not None and not fig.legends


def test_revenue_bridge_money_axis_starts_at_zero():
    bridge = pd.DataFrame({
        S.PERIOD: ["2024-06"], S.REVENUE: [1100.0], S.REVENUE_PREV: [1000.0],
        S.REVENUE_RETAINED_PREV: [1000.0], S.RETAINED_GROWTH: [200.0],
        S.RETAINED_DECLINE: [150.0], S.REVENUE_NEW: [50.0], S.REVENUE_REACTIVATED: [0.0],
    })
    ax = revenue_bridge_chart(bridge).axes[0]
    # previous 1000, growth 1000→1200, decline 1200→1050, new 1050→1100, reactivated 0, 1100
    assert [(round(p.get_y(), 6), round(p.get_height(), 6)) for p in ax.patches] == [
        (0, 1000), (1000, 200), (1050, 150), (1050, 50), (1100, 0), (0, 1100)]
    assert ax.get_ylim()[0] == 0
    assert math.isclose(ax.get_ylim()[1], 1200 * 1.05) or ax.get_ylim()[1] > 1200
