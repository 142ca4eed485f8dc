"""What the churn model says about itself (:class:`ModelCard`) and the scored base
(:class:`ChurnScores`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd


@dataclass
class ModelCard:
    """What the churn model is, how it was tested, and how well it did.

    ``status`` is ``"model"`` (a learned candidate won the backtest), ``"baseline"`` (a baseline
    won), ``"not backtested"`` (too little history or too few churners for the time split:
    BG/NBD calibrated on the latest fully observed cut-off; ``metrics`` are then measured on that
    cut-off, where the calibration was fitted — the ranking figures are honest, BG/NBD never
    sees a label, the Brier score is in-sample) or ``"insufficient data"`` (nothing scored).
    ``dropped_features`` maps each feature left out to ``"constant"`` or ``"all missing"`` (in
    the training examples); ``failed`` maps each scorer (or step) that failed to its error's
    first line; ``reasons_method`` says how the per-client reasons are computed.
    """

    status: str  # see STATUS_* and the class docstring
    chosen: str | None
    reason: str
    horizon_days: int
    as_of: pd.Timestamp
    train_cutoffs: list = field(default_factory=list)
    calibration_cutoff: pd.Timestamp | None = None
    test_cutoff: pd.Timestamp | None = None
    population: dict = field(default_factory=dict)
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    brier_uncalibrated: float | None = None
    importance: pd.DataFrame = field(default_factory=pd.DataFrame)
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped_features: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)
    reasons_method: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.metrics.copy()

    def summary_lines(self) -> list[str]:
        lines = [
            f"status: {self.status}; scoring with: {self.chosen or 'rules'}",
            self.reason,
            f"horizon: {self.horizon_days} days; as of {self.as_of:%Y-%m-%d}",
        ]
        if self.test_cutoff is not None:
            lines.append(
                "train cut-offs: "
                + ", ".join(f"{c:%Y-%m}" for c in self.train_cutoffs)
                + f"; calibration: {self.calibration_cutoff:%Y-%m}; test: "
                f"{self.test_cutoff:%Y-%m}"
            )
        elif self.calibration_cutoff is not None:
            lines.append(
                f"calibration: {self.calibration_cutoff:%Y-%m} (no held-out test "
                "cut-off; the figures below are measured on the calibration cut-off)"
            )
        for k, v in self.population.items():
            lines.append(f"{k}: {v:,}" if isinstance(v, (int, np.integer)) else f"{k}: {v}")
        if self.dropped_features:
            lines.append(
                "dropped features (constant or all missing in the training examples): "
                + ", ".join(f"{f} ({why})" for f, why in self.dropped_features.items())
            )
        if self.failed:
            lines.append(
                "failed and skipped: "
                + "; ".join(f"{name}: {msg}" for name, msg in self.failed.items())
            )
        if self.reasons_method:
            lines.append(f"reasons per client: {self.reasons_method}")
        return lines

    def __str__(self) -> str:
        text = "\n".join(self.summary_lines())
        if not self.metrics.empty:
            text += "\n" + self.metrics.round(3).to_string()
        return text

    def _repr_html_(self) -> str:

        parts = ["<div class='rk-model-card'><ul>"]
        parts += [f"<li>{escape(line)}</li>" for line in self.summary_lines()]
        parts.append("</ul>")
        if not self.metrics.empty:
            parts.append(self.metrics.round(3).to_html(escape=True))
        if not self.importance.empty:
            parts.append(self.importance.head(10).round(4).to_html(index=False, escape=True))
        parts.append("</div>")
        return "".join(parts)


@dataclass
class ChurnScores:
    """The scored base (:meth:`ChurnModel.score_clients`), in the one result shape.

    Attributes
    ----------
    clients : DataFrame
        One row per scored client (has ordered, not dead), ranked by revenue at risk (see
        :meth:`ChurnModel.score_clients` for the columns).
    summary : dict
        ``clients`` (scored), ``bands`` ({band: clients}), ``expected_revenue_12m`` and
        ``revenue_at_risk`` (sums over the scored clients), ``scorer`` and ``status`` (the
        model card's).
    notes : list of (code, params)
        What the expected revenue behind ``revenue_at_risk`` assumed or could not do (the codes
        of :class:`reportkit.analysis.value.ExpectedRevenue`).
    params : dict
        ``horizon_days`` (the churn horizon) and ``as_of`` (the model's report date).
    """

    clients: pd.DataFrame
    summary: dict
    notes: list = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the per-client table :attr:`clients`."""
        return self.clients.copy()
