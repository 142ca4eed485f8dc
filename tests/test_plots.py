"""Figures: each builds on a small base, has the expected labels and cells, and is closed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import matplotlib.pyplot as plt
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from reportkit import plots
from reportkit import schema as S
from reportkit.errors import InputError, ParameterError
from reportkit.analysis.segmentation import abc, bcg, rfm, segment_all

AS_OF = pd.Timestamp("2024-06-30")


@pytest.fixture(autouse=True)
def no_figure_left_open():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a figure was left open in pyplot"
    plt.close("all")


@pytest.fixture(scope="module")
def seg():
    rng = np.random.default_rng(42)
    n = 120
    lead = np.arange(n) % 10 == 0
    tenure = rng.integers(10, 1200, n)
    revenue = np.where(lead, 0.0, np.round(rng.lognormal(7, 1.2, n), -1))
    snap = pd.DataFrame({
        S.CLIENT_ID: [f"c{i:03d}" for i in range(n)], S.AS_OF: AS_OF,
        S.FIRST_ORDER: AS_OF - pd.to_timedelta(tenure, unit="D"),
        S.RECENCY_DAYS: np.minimum(rng.integers(0, 400, n), tenure).astype(float),
        S.ORDERS_WINDOW: np.where(lead, 0, rng.integers(1, 9, n)).astype(float),
        S.REVENUE_WINDOW: revenue,
        S.REVENUE_PREV_WINDOW: np.where(rng.random(n) < 0.8, revenue * rng.lognormal(0, .5, n),
                                        0.0),
        S.CV: np.where(lead, np.nan, rng.gamma(2.0, 0.5, n)), S.IS_LEAD: lead,
    })
    snap.loc[lead, S.FIRST_ORDER] = pd.NaT
    return segment_all(snap)


def close(fig: Figure) -> None:
    plt.close(fig)


@pytest.mark.parametrize("lang, xlabel, ylabel", [
    ("en", "Share of clients with revenue (largest first)", "Cumulative share of revenue"),
    ("ru", "Доля клиентов с выручкой (от крупных к мелким)", "Накопленная доля выручки"),
])
def test_pareto_curve(seg, lang, xlabel, ylabel):
    fig = plots.pareto_curve(seg.abc, lang=lang)
    ax = fig.axes[0]
    assert isinstance(fig, Figure)
    assert ax.get_xlabel() == xlabel and ax.get_ylabel() == ylabel
    # the curve, then 2 × 2 dotted class boundaries (A and B); cut-offs as horizontal lines
    curve = ax.lines[0]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert x[0] == 0 and y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert np.all(np.diff(y) >= 0)
    hlines = [ln.get_ydata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
    assert hlines == pytest.approx([0.8, 0.95])
    texts = {t.get_text() for t in ax.texts}
    assert {"A", "B", "C"} <= texts
    a_share = (seg.abc.clients[S.ABC] == "A").sum() / (seg.abc.clients[S.VALUE] > 0).sum()
    assert f"{a_share:.0%}" in ax.get_title()
    close(fig)


def test_pareto_curve_on_a_base_of_returns_only_and_custom_cutoffs():
    snap = pd.DataFrame({S.CLIENT_ID: ["a", "b"], S.REVENUE_WINDOW: [-5.0, 0.0]})
    fig = plots.pareto_curve(abc(snap), cutoffs=(0.7, 0.9))
    hlines = [ln.get_ydata()[0] for ln in fig.axes[0].lines if ln.get_linestyle() == "--"]
    assert hlines == pytest.approx([0.7, 0.9])
    close(fig)


@pytest.mark.parametrize("lang, col_labels", [
    ("en", ["X", "Y", "Z", "New"]), ("ru", ["X", "Y", "Z", "Новые"]),
])
def test_abcxyz_heatmap(seg, lang, col_labels):
    fig = plots.abcxyz_heatmap(seg.abcxyz, lang=lang)
    ax = fig.axes[0]
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    assert mesh.get_array().size == 12                       # 3 ABC rows × (X, Y, Z, new)
    assert [t.get_text() for t in ax.get_xticklabels()] == col_labels
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    cells = seg.abcxyz.summary.set_index(S.ABCXYZ)
    annotations = [t.get_text() for t in ax.texts]
    assert len(annotations) == 12
    ax_cell = cells.loc["AX"]
    expected = f"{ax_cell[S.CLIENT_SHARE]:.1%}\n{ax_cell[S.VALUE_SHARE]:.1%}"
    if lang == "ru":   # a decimal comma and a narrow no-break space before the sign
        expected = expected.replace(".", ",").replace("%", "\u202f%")
    assert annotations[0] == expected
    np.testing.assert_allclose(mesh.get_array().reshape(3, 4),
                               seg.abcxyz.pivot(S.VALUE_SHARE).to_numpy())
    assert ax.get_xlabel() == ("XYZ (regularity of purchases)" if lang == "en"
                               else "XYZ (регулярность покупок)")
    close(fig)


def test_abcxyz_heatmap_by_client_share_and_errors(seg):
    fig = plots.abcxyz_heatmap(seg.abcxyz, color="client_share")
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
    np.testing.assert_allclose(mesh.get_array().reshape(3, 4),
                               seg.abcxyz.pivot(S.CLIENT_SHARE).to_numpy())
    close(fig)
    with pytest.raises(ParameterError, match=r"`color` must be 'value_share' or 'client_share'"):
        plots.abcxyz_heatmap(seg.abcxyz, color="revenue")
    with pytest.raises(InputError, match=r"abcxyz_heatmap\(\) needs the result of "
                                         r"abc_xyz_matrix\(\)"):
        plots.abcxyz_heatmap(seg.abc)


@pytest.mark.parametrize("color", ["clients", "revenue"])
def test_rfm_grid(seg, color):
    fig = plots.rfm_grid(seg.rfm, color=color)
    ax = fig.axes[0]
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    values = mesh.get_array().reshape(5, 5)
    scored = seg.rfm.clients.dropna(subset=[S.R_SCORE])
    if color == "clients":
        assert values.sum() == len(scored)
        # top row = R 5, first column = F 1
        top_left = ((scored[S.R_SCORE] == 5) & (scored[S.F_SCORE] == 1)).sum()
        assert values[0, 0] == top_left
    else:
        assert values.sum() == pytest.approx(scored[S.REVENUE_WINDOW].sum())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]
    assert ax.get_xlabel() == "Frequency score (F)" and ax.get_ylabel() == "Recency score (R)"
    assert len(ax.texts) == 25
    close(fig)


def test_rfm_grid_other_bins_and_russian():
    snap = pd.DataFrame({S.CLIENT_ID: list("abcd"), S.RECENCY_DAYS: [1.0, 5, 9, 20],
                         S.ORDERS_WINDOW: [4.0, 3, 2, 1], S.REVENUE_WINDOW: [9.0, 5, 3, 1]})
    fig = plots.rfm_grid(rfm(snap, bins=3), lang="ru")
    ax = fig.axes[0]
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    assert mesh.get_array().size == 9
    assert ax.get_ylabel() == "Давность (R)"
    close(fig)
    with pytest.raises(ParameterError, match=r"`color` must be 'clients' or 'revenue'"):
        plots.rfm_grid(rfm(snap), color="margin")


def test_bcg_scatter(seg):
    fig = plots.bcg_scatter(seg.bcg, lang="ru")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "Выручка относительно медианного клиента (лог. шкала)"
    texts = {t.get_text() for t in ax.texts}
    assert {"Звёзды", "Дойные коровы", "Трудные дети", "Собаки"} <= texts
    plotted = sum(len(c.get_offsets()) for c in ax.collections)
    assert plotted == seg.bcg.clients[S.RELATIVE_SHARE].notna().sum()
    close(fig)


def test_bcg_scatter_samples_large_bases_and_draws_into_given_axes(seg):
    fig = plots.bcg_scatter(seg.bcg, max_points=30)
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == 30
    assert "a random sample of 30 of" in ax.get_title()
    close(fig)
    host = Figure()
    ax2 = host.add_subplot()
    assert plots.bcg_scatter(seg.bcg, ax=ax2) is host
    close(host)


def test_bcg_scatter_without_positive_revenue():
    snap = pd.DataFrame({S.CLIENT_ID: ["a"], S.REVENUE_WINDOW: [0.0],
                         S.REVENUE_PREV_WINDOW: [10.0]})
    fig = plots.bcg_scatter(bcg(snap))
    assert fig.axes[0].get_xscale() == "log"
    close(fig)


def test_figures_render_to_png(seg, tmp_path):
    for i, fig in enumerate((plots.pareto_curve(seg.abc), plots.abcxyz_heatmap(seg.abcxyz),
                             plots.rfm_grid(seg.rfm), plots.bcg_scatter(seg.bcg))):
        path = tmp_path / f"f{i}.png"
        fig.savefig(path, dpi=40)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        close(fig)


def test_bad_inputs():
    with pytest.raises(InputError, match=r"pareto_curve\(\) needs the result of abc\(\)"):
        plots.pareto_curve([1, 2])
    with pytest.raises(InputError, match=r"bcg_scatter\(\) needs the column\(s\) "
                                         r"relative_share, growth, bcg"):
        plots.bcg_scatter(pd.DataFrame({S.CLIENT_ID: ["a"]}))
    with pytest.raises(ParameterError, match=r"`lang` must be one of 'en', 'ru', got 'fr'"):
        plots.pareto_curve(pd.DataFrame(), lang="fr")


def test_import_reportkit_does_not_import_plots():
    code = ("import sys, reportkit; "
            "bad = [m for m in ('reportkit.report.plots', 'seaborn', 'matplotlib.pyplot') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
