"""The one result shape (#16) for the segmentation, lifecycle and dynamics results.

Every result is an :class:`~reportkit.analysis.result.AnalysisResult`: ``clients`` (one row per
client, ``client_id``), ``summary``, ``notes`` ((code, params) pairs), ``params`` and
``to_frame()``, a copy of ``clients``. The base is four clients spelled out by hand:

* ``a`` buys 100 on the 5th of every month from January 2023 to June 2024 (18 orders);
* ``b`` buys 10 once, on 15 June 2023: 351 days of silence on 31 May 2024, 381 on 30 June 2024,
  so it dies (dead_days 365) between the two month ends;
* ``c`` buys 50 once, on 10 June 2024: not a client yet on 31 May 2024;
* ``d`` buys 40 on 1 September, 1 October and 1 November 2023, then stops (interval 30.5 days).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest

from reportkit.analysis.dynamics import BaseTrend, Dynamics, Migration, dynamics, migration
from reportkit.analysis.dynamics import migration_matrix
from reportkit.analysis.lifecycle import Lifecycle, classify, reactivation_list
from reportkit.analysis.result import AnalysisResult
from reportkit.analysis.segmentation import ABCXYZMatrix, SegmentResult, Segments, segment_all
from reportkit.core.panel import build_panel
from reportkit.core.snapshot import snapshot
from reportkit.io.config import LifecycleRules

AS_OF = "2024-06-30"
PREVIOUS = "2024-05-31"
IDS = {"a", "b", "c", "d"}
#: no derived key clients, so that every block below follows from the orders alone
RULES = LifecycleRules(derive_key=False)


def transactions() -> pd.DataFrame:
    rows = [("a", d, 100.0) for d in pd.date_range("2023-01-01", "2024-06-01", freq="MS")
            + pd.Timedelta(days=4)]
    rows += [("b", pd.Timestamp("2023-06-15"), 10.0), ("c", pd.Timestamp("2024-06-10"), 50.0)]
    rows += [("d", pd.Timestamp(f"2023-{m:02d}-01"), 40.0) for m in (9, 10, 11)]
    return pd.DataFrame(rows, columns=["client_id", "date", "amount"])


@pytest.fixture(scope="module")
def base():
    tx = transactions()
    assert len(tx[tx["client_id"] == "a"]) == 18
    panel = build_panel(tx)
    snap = snapshot(panel, as_of=AS_OF)
    return panel, snap


@pytest.fixture(scope="module")
def results(base):
    panel, snap = base
    seg = segment_all(snap)
    lc = classify(snap, rules=RULES)
    return {
        "segments": seg,
        **{name: getattr(seg, name) for name in ("abc", "xyz", "abcxyz", "rfm", "bcg", "size")},
        "lifecycle": lc,
        "migration": migration(panel, as_of=AS_OF, rules=RULES),
        "dynamics": dynamics(panel, as_of=AS_OF, start="2024-01", rules=RULES),
        "dynamics_no_migration": dynamics(panel, as_of=AS_OF, start="2024-01", rules=RULES,
                                          migration=False),
    }


PER_CLIENT = ["segments", "abc", "xyz", "abcxyz", "rfm", "bcg", "size", "lifecycle",
              "migration", "dynamics"]
ALL = [*PER_CLIENT, "dynamics_no_migration", "trend"]


def result_of(results, name):
    return results["dynamics"].trend if name == "trend" else results[name]


@pytest.mark.parametrize("name", ALL)
def test_every_result_has_the_shape(results, name):
    r = result_of(results, name)
    assert isinstance(r, AnalysisResult)
    assert isinstance(r.clients, pd.DataFrame)
    assert isinstance(r.params, Mapping)
    for note in r.notes:
        code, params = note
        assert isinstance(code, str) and isinstance(params, Mapping)


@pytest.mark.parametrize("name", PER_CLIENT)
def test_clients_one_row_per_client(results, name):
    clients = result_of(results, name).clients
    assert clients.columns[0] == "client_id"
    assert clients["client_id"].is_unique
    assert set(clients["client_id"]) == IDS
    assert len(clients) == 4


@pytest.mark.parametrize("name", ["dynamics_no_migration", "trend"])
def test_results_without_a_client_table_have_an_empty_one(results, name):
    clients = result_of(results, name).clients
    assert list(clients.columns) == ["client_id"] and len(clients) == 0


@pytest.mark.parametrize("name", ALL)
def test_to_frame_is_a_copy_of_clients(results, name):
    r = result_of(results, name)
    frame = r.to_frame()
    pd.testing.assert_frame_equal(frame, r.clients)
    assert frame is not r.clients
    before = r.clients.copy()
    frame["scribble"] = 1
    if len(frame):
        frame.iloc[0, 0] = "zzz"
    pd.testing.assert_frame_equal(r.clients, before)
    assert "scribble" not in r.clients.columns


def test_the_classes_are_the_ones_worked_out_by_hand(results):
    # revenue over the window to 30 June 2024: a 1200, d 120, c 50, b 0 (positive total 1370);
    # a alone makes 87.6 % (A), d ends at 96.4 %, crossing 95 % (B), then c and b are C
    abc = results["abc"].clients.set_index("client_id")["abc"].astype(str).to_dict()
    assert abc == {"a": "A", "b": "C", "c": "C", "d": "B"}
    seg = results["segments"]
    assert isinstance(seg, Segments) and isinstance(seg.abcxyz, ABCXYZMatrix)
    assert all(isinstance(getattr(seg, n), SegmentResult) for n in ("abc", "rfm", "size"))
    # the bundle's clients are the single segmentations side by side, in the snapshot's order
    assert seg.clients["abc"].astype(str).tolist() == results["abc"].clients["abc"].astype(
        str).tolist()
    assert seg.params["abc"] == {"by": "revenue", "cutoffs": (0.8, 0.95)}
    assert set(seg.summary) == {"abc", "xyz", "abcxyz", "rfm", "bcg", "size"}


def test_lifecycle_clients_and_params(results):
    lc = results["lifecycle"]
    assert isinstance(lc, Lifecycle)
    # a: 18 orders, 17 full months -> proven; b silent 381 days, one order of 10 (the median
    # lifetime revenue is (50 + 120) / 2 = 85) -> dead_lost; c one order -> working; d 3 orders
    blocks = lc.clients.set_index("client_id")["block"].astype(str).to_dict()
    assert blocks == {"a": "proven", "b": "dead_lost", "c": "working", "d": "regular"}
    assert lc.params["rules"] is RULES and lc.params["as_of"] == pd.Timestamp(AS_OF)


def test_migration_clients_are_each_clients_move(results):
    m = results["migration"]
    assert isinstance(m, Migration)
    moves = {r.client_id: (str(r.block_from), str(r.block_to), r.revenue_from, r.revenue_to)
             for r in m.clients.itertuples()}
    assert {k: v[:2] for k, v in moves.items()} == {
        "a": ("proven", "proven"), "b": ("working", "dead_lost"),
        "c": ("none", "working"), "d": ("regular", "regular")}
    # revenue over the 12 months to each date: June 2023 - May 2024, then July 2023 - June 2024
    assert moves["a"][2:] == (1200.0, 1200.0)
    assert moves["b"][2:] == (10.0, 0.0)
    assert moves["c"][2:] == (0.0, 50.0)
    assert moves["d"][2:] == (120.0, 120.0)
    # the summary counts the same moves per cell
    cells = {(str(r.block_from), str(r.block_to)): r.n_clients for r in m.summary.itertuples()}
    assert cells == {("none", "working"): 1, ("working", "dead_lost"): 1,
                     ("regular", "regular"): 1, ("proven", "proven"): 1}
    assert m.before == pd.Timestamp(PREVIOUS)
    assert m.params == {"rules": RULES, "freq": "M", "window_months": 12}


def test_migration_matrix_of_two_lifecycles_has_the_clients(base):
    panel, snap = base
    before = classify(snapshot(panel, as_of=PREVIOUS), rules=RULES)
    m = migration_matrix(before, classify(snap, rules=RULES))
    assert set(m.clients["client_id"]) == IDS and m.params == {"rules": RULES}
    # given only the moves, the per-client table is empty
    bare = Migration(m.summary)
    assert isinstance(bare, AnalysisResult) and len(bare.clients) == 0


def test_dynamics_rests_on_the_migration(results):
    d = results["dynamics"]
    assert isinstance(d, Dynamics)
    pd.testing.assert_frame_equal(d.clients, d.migration.clients)
    pd.testing.assert_frame_equal(d.summary, d.trend.summary)
    assert d.params["rules"] is RULES and d.params["freq"] == "M"
    # the period tables keep their names: six months, January to June 2024
    assert d.by_period()["period"].tolist() == [f"2024-{m:02d}" for m in range(1, 7)]
    assert d.flows["base_end"].iloc[-1] == 3  # a, c, d (b died in June)


def test_base_trend_summary_holds_its_figures(results):
    t = results["dynamics"].trend
    assert isinstance(t, BaseTrend)
    row = t.summary.iloc[0]
    assert row["label"] == t.label and row["base_last"] == 3 and row["periods"] == 6
    assert t.params == {"periods": 12, "tolerance": 0.05}


def test_reactivation_list_is_an_action_list(base, results):
    # a DataFrame (one row per client to call), not a result: d is overdue (silent 242 days
    # against its own 30.5-day cycle); a (25 days against 30.4) and c (20 days against the
    # base's median 30.5) are not; b is dead and not worth winning back
    _, snap = base
    rl = reactivation_list(snap, results["lifecycle"], rules=RULES)
    assert isinstance(rl, pd.DataFrame) and not isinstance(rl, AnalysisResult)
    assert rl["client_id"].tolist() == ["d"]
    assert rl.loc[0, "reason"] == "overdue" and rl.loc[0, "cycle_source"] == "own"
    assert rl.loc[0, "usual_interval_days"] == pytest.approx(30.5)
    assert rl.loc[0, "recency_days"] == 242
    assert np.isfinite(rl["best12_revenue"]).all()
