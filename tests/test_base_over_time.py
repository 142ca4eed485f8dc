"""The audit's base over time (dynamics, migration, the clients lost in the period) reuses the
previous period's snapshot and lifecycle instead of recomputing them; these tests tie what it
keeps to independent, slow computations of the same figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reportkit as rk
from reportkit.analysis import dynamics as D
from reportkit.analysis import lifecycle as L
from reportkit.analysis.segmentation import segment_all
from reportkit.core.snapshot import snapshot
from reportkit.io.config import load_config
from reportkit.report.run import run_audit


@pytest.fixture(scope="module")
def sample():
    cfg = load_config(None)
    dataset = rk.load(rk.sample_path(), cfg)
    panel = rk.build_panel(dataset)
    return dataset, panel, cfg


def _slow_lost(panel, clients, cfg, prev_end, now_life):
    """The clients alive (with an order) at the previous month end and dead now, by sets."""
    prev = snapshot(panel, as_of=prev_end, window_months=cfg.report.window_months)
    before = L.classify(prev, clients, rules=cfg.lifecycle).clients
    prev_abc = segment_all(prev, settings=cfg.segmentation, clients=clients).abc.clients
    orders = dict(zip(prev["client_id"], prev["orders_total"]))
    revenue = dict(zip(prev["client_id"], prev["revenue_window"]))
    classes = dict(zip(prev_abc["client_id"], prev_abc["abc"].astype(str)))
    alive = {
        c
        for c, b in zip(before["client_id"], before["block"].astype(str))
        if not b.startswith("dead") and orders.get(c, 0) > 0
    }
    dead = {
        c
        for c, b in zip(now_life.clients["client_id"], now_life.clients["block"].astype(str))
        if b.startswith("dead")
    }
    ids = sorted(alive & dead)
    return pd.DataFrame(
        {
            "client_id": ids,
            "abc_before": [classes[c] for c in ids],
            "revenue_before": [revenue[c] for c in ids],
        }
    )


@pytest.mark.parametrize("as_of", ["2025-12-31", "2025-12-17"])
def test_audit_lost_and_migration_equal_independent_computations(sample, as_of):
    dataset, panel, cfg = sample
    stamp = pd.Timestamp(as_of)
    r = run_audit(dataset, panel, cfg, stamp, churn=False)
    # the clients lost in the period, against sets built from fresh snapshots
    want = _slow_lost(panel, dataset.clients, cfg, r.prev_end, r.lifecycle)
    assert len(want) > 0
    pd.testing.assert_frame_equal(r.lost_in_period.reset_index(drop=True), want, check_dtype=False)
    # the migration, against dynamics' own (two fresh snapshots and classifications)
    own = D.migration(
        panel,
        dataset.clients,
        as_of=r.period_end,
        rules=cfg.lifecycle,
        window_months=cfg.report.window_months,
    )
    got = r.dynamics.migration
    pd.testing.assert_frame_equal(got.summary, own.summary)
    pd.testing.assert_frame_equal(
        got.clients.sort_values("client_id", ignore_index=True),
        own.clients.sort_values("client_id", ignore_index=True),
    )
    assert got.before == own.before and got.after == own.after
    # the audit lets the previous period's tables go; the monthly report keeps them
    assert r.prev_snapshot is None and r.prev_abc is None and r.prev_lifecycle is None


def test_monthly_keeps_the_previous_period(sample):
    dataset, panel, cfg = sample
    r = run_audit(dataset, panel, cfg, pd.Timestamp("2025-12-31"), churn=False, monthly=True)
    prev = snapshot(panel, as_of=r.prev_end, window_months=cfg.report.window_months)
    pd.testing.assert_frame_equal(r.prev_snapshot, prev)
    assert len(r.prev_lifecycle.clients) == len(prev)
    assert r.monthly.reactivation_prev_ids is not None


def test_revenue_bridge_in_client_blocks_equals_one_pass(sample, monkeypatch):
    """The bridge is summed block by block of whole clients; cut into blocks of a few rows it
    gives the totals of one pass (to float rounding), on monthly and quarterly grids."""
    from reportkit.analysis.dynamics import periods

    _, panel, _ = sample
    for freq in ("M", "Q"):
        one = D.revenue_bridge(panel, as_of="2025-12-31", freq=freq)
        monkeypatch.setattr(periods, "_BLOCK_ROWS", 7)
        code = np.repeat(np.arange(50), 3)  # 50 clients, 3 rows each
        blocks = periods._client_blocks(code, 7)
        # by hand: the 7th row is client 2's first, so the first block ends before it (row 6)
        assert blocks[:2] == [(0, 6), (6, 12)] and blocks[-1][1] == 150
        assert all(b == c for (_, b), (c, _) in zip(blocks, blocks[1:], strict=False))
        assert all(code[a] != code[a - 1] for a, _ in blocks[1:])  # cut between clients
        cut = D.revenue_bridge(panel, as_of="2025-12-31", freq=freq)
        monkeypatch.setattr(periods, "_BLOCK_ROWS", 1 << 22)
        pd.testing.assert_frame_equal(cut, one, check_exact=False, rtol=1e-12, atol=1e-6)
        assert one["revenue"].sum() > 0
