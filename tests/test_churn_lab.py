"""notebooks/churn_lab.ipynb executed by Papermill on the bundled sample, with its defaults and
with changed parameters: it runs to the end without warnings and shows the model card, the
dropped features / failed candidates and the reasons of the top at-risk clients."""

from __future__ import annotations

import logging

import nbformat
import pytest

from reportkit.io.resources import data_path
from reportkit.report.render import run_notebook

pytestmark = pytest.mark.slow

NOTEBOOK = data_path("notebooks", "churn_lab.ipynb")
#: name -> (type, default) as written in the parameters cell
PARAMETERS = {"data": ("str", '""'), "as_of": ("str", '""'), "config": ("str", '""'),
              "horizon_days": ("int", "90"), "n_cutoffs": ("int", "6"),
              "random_state": ("int", "0"), "top": ("int", "20"), "lang": ("str", '"en"'),
              "output_dir": ("str", '"."')}


@pytest.fixture(autouse=True)
def one_thread_kernel(monkeypatch):
    """The kernel inherits one OpenMP/BLAS thread: on a shared 2-core machine gradient
    boosting's threads otherwise wait on each other (the results are the same)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")


def _outputs(nb) -> list[tuple[str, str]]:
    """(cell source's first line, text of every output) for each code cell."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                texts.append(f"[{o['name']}] {o['text']}")
            elif o.get("output_type") == "error":
                texts.append(f"[error] {o['ename']}: {o['evalue']}")
            else:
                data = o.get("data", {})
                texts.append(data.get("text/html") or data.get("text/plain") or "")
        out.append((cell.source.splitlines()[0] if cell.source else "", "\n".join(texts)))
    return out


def _run(tmp_path, name: str, parameters: dict) -> str:
    executed = run_notebook(NOTEBOOK, parameters, output_dir=tmp_path, name=name, timeout=120)
    nb = nbformat.read(executed, as_version=4)
    outputs = _outputs(nb)
    noise = [(src, text) for src, text in outputs
             if "[stderr]" in text or "[error]" in text or "Warning" in text]
    assert not noise, noise
    return "\n".join(text for _, text in outputs)


def test_the_parameters_cell_parses_cleanly(caplog):
    """Papermill reads every parameter with its type and default, and warns about nothing
    (a comment with an equals sign would make it skip the line)."""
    import papermill as pm

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")   # committed clean
    params_cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    comments = [ln.split("#", 1)[1] for ln in params_cell.source.splitlines() if "#" in ln]
    assert comments and not any("=" in c for c in comments)
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = pm.inspect_notebook(str(NOTEBOOK))
    assert not [r for r in caplog.records if r.name.startswith("papermill")]
    assert {k: (v["inferred_type_name"], v["default"]) for k, v in found.items()} == PARAMETERS


def test_churn_lab_with_its_defaults(tmp_path):
    text = _run(tmp_path, "defaults", {})
    assert "rk-model-card" in text and "status: model" in text
    assert "reasons per client" in text
    assert "reason_1" in text and "reason_2" in text
    assert "silent_longer_than_usual" in text or "single_order" in text
    assert "scorer" in text and "error" in text          # the (empty) failed-candidates table


def test_churn_lab_early_report_date_shows_dropped_features(tmp_path):
    """2023-11-30 on the sample, given as a folder with a config file: the training cut-offs
    fall in the first months (the date that used to crash); the card and the table list the
    dropped features."""
    import reportkit as rk

    config = tmp_path / "config.toml"
    config.write_text("[churn]\nhorizon_days = 90\n", encoding="utf-8")
    text = _run(tmp_path, "early", {"data": str(rk.sample_path()), "config": str(config),
                                    "as_of": "2023-11-30", "n_cutoffs": 3, "top": 5})
    assert "dropped features" in text
    assert "trend (all missing)" in text
    assert "revenue_prev3" in text and "all missing" in text


def test_churn_lab_short_history_and_another_horizon(tmp_path):
    """2023-06-30 with a 60-day horizon: too short for the backtest -> scored, not
    backtested; 2023-02-28 (no fully observed horizon) -> nothing scored, still runs."""
    text = _run(tmp_path, "short", {"as_of": "2023-06-30", "horizon_days": 60,
                                    "random_state": 1})
    assert "status: not backtested" in text
    assert "horizon: 60 days" in text
    assert "reason_1" in text
    text = _run(tmp_path, "none", {"as_of": "2023-02-28"})
    assert "status: insufficient data" in text and "nothing scored" in text
