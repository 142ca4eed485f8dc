"""What a report section (and the findings) may read of an audit: the :class:`AuditView`
protocol.

The sections and :mod:`reportkit.report.findings` are written against this protocol, not
against :class:`reportkit.report.pipeline.Audit`, so that the pipeline imports the sections and
nothing imports back up, not even for type hints. ``Audit`` satisfies it; a test or a notebook
can hand a section any object that does.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd

from ..io.config import Config
from ..io.dataset import Dataset
from .run import AuditResults


class AuditView(Protocol):
    """An audit as its sections read it: the results, the language, the figures, masking."""

    dataset: Dataset
    panel: Any
    config: Config
    as_of: pd.Timestamp
    results: AuditResults
    lang: str
    mask: bool
    kpis: dict[str, Any]

    @property
    def period_end(self) -> pd.Timestamp: ...

    @property
    def errors(self) -> dict[str, str]: ...

    def policy_table(self) -> pd.DataFrame: ...

    def high_risk(self) -> pd.DataFrame | None: ...

    def lost_this_period(self) -> pd.DataFrame | None: ...

    def actions(self) -> list[dict[str, Any]]: ...

    def findings(self) -> list[str]: ...

    def limits(self) -> list[str]: ...

    def shown(self, frame: pd.DataFrame) -> pd.DataFrame: ...

    def shown_manager(self, values: pd.Series) -> pd.Series: ...

    def error_or_na(self, name: str, what: str) -> str: ...

    def churn_why(self, reason: str | None) -> str: ...

    def reactivation_view(self, frame: pd.DataFrame) -> pd.DataFrame: ...

    def overdue_view(self, frame: pd.DataFrame) -> pd.DataFrame: ...


__all__ = ["AuditView"]
