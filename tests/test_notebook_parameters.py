"""The report notebooks' parameters cells: Papermill reads every parameter without a warning,
and the thresholds an analyst changes most (ABC cut-offs, window, churn horizon, dead days,
duplicate similarity) reach the analyses when passed with ``-p``."""

from __future__ import annotations

import logging
import warnings

import nbformat
import pandas as pd
import pytest

import reportkit as rk
from reportkit.io.resources import data_path
from reportkit.report.pipeline import Audit
from reportkit.report.render import run_notebook

THRESHOLDS = {"abc_cutoffs": "str", "window_months": "int", "churn_horizon_days": "int",
              "dead_days": "int", "duplicate_similarity": "float"}


@pytest.mark.parametrize("name", ["client_base_audit", "monthly_report"])
def test_parameters_parse_without_a_warning(name, caplog):
    import papermill as pm

    path = data_path("notebooks", f"{name}.ipynb")
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    comments = [ln.split("#", 1)[1] for ln in cell.source.splitlines() if "#" in ln]
    assert not any("=" in c for c in comments)          # papermill skips such lines
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = pm.inspect_notebook(str(path))
    assert not [r for r in caplog.records if r.name.startswith("papermill")]
    assert {k: found[k]["inferred_type_name"] for k in THRESHOLDS} == THRESHOLDS
    assert "config" in found and "mask" in found


def test_thresholds_reach_the_analyses():
    """The same overrides the notebook builds: ABC at 0.5/0.9 puts fewer clients in class A,
    a 60-day horizon is the churn model's, 200 dead days make more clients dead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = Audit.build(str(rk.sample_path()), churn=False)
        changed = Audit.build(str(rk.sample_path()), churn=False, overrides={
            "segmentation": {"abc_cutoffs": [0.5, 0.9]}, "lifecycle": {"dead_days": 200},
            "churn": {"horizon_days": 60}})
    assert changed.config.churn.horizon_days == 60
    a_base = int((base.results.segments.abc.clients["abc"] == "A").sum())
    a_changed = int((changed.results.segments.abc.clients["abc"] == "A").sum())
    assert a_changed < a_base
    # class A: the clients that make the first half of positive revenue, counted by hand
    value = base.results.snapshot.set_index("client_id")["revenue_window"].clip(lower=0)
    ordered = value[value > 0].sort_values(ascending=False)
    before = ordered.cumsum().shift(fill_value=0.0) / ordered.sum()
    assert a_changed == int((before < 0.5).sum())
    dead = lambda a: int(a.results.lifecycle.clients["block"].astype(str)
                         .str.startswith("dead").sum())
    assert dead(changed) > dead(base)


@pytest.mark.slow
def test_the_audit_notebook_with_changed_thresholds(tmp_path):
    """Papermill with -p: the notebook runs without a warning and its churn card shows the
    horizon that was passed."""
    executed = run_notebook("client_base_audit", {"churn_horizon_days": 60, "window_months": 6,
                                                  "abc_cutoffs": "0.7, 0.9"},
                            output_dir=tmp_path, name="changed", timeout=300)
    nb = nbformat.read(executed, as_version=4)
    texts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                raise AssertionError(o["evalue"])
            texts.append(o.get("text", "") if o.get("output_type") == "stream"
                         else o.get("data", {}).get("text/html", ""))
    page = "\n".join(texts)
    assert "horizon 60 days" in page
    assert "[stderr]" not in page
    lists = pd.read_csv(tmp_path / "segments.csv", dtype=str)
    assert set(lists["abc"]) <= {"A", "B", "C"}
