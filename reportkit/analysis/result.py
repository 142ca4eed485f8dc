"""The one shape of an analysis result.

Every analysis returns an object with the same four attributes, so that a notebook, the report
and a test read any of them the same way:

``clients``
    The per-client table: one row per client, a ``client_id`` column first.
``summary``
    The analysis in a few rows (a DataFrame) or figures (a dict).
``notes``
    What the analysis assumed or could not do, as ``(code, params)`` pairs; the report layer
    words them (``reportkit.report.words``).
``params``
    The settings the analysis ran with.

``to_frame()`` always returns the per-client table (a copy of ``clients``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["AnalysisResult", "Note"]

#: A fact the report words: a code and the figures it rests on
Note = tuple[str, Mapping[str, Any]]


@runtime_checkable
class AnalysisResult(Protocol):
    """What every analysis result offers (see the module docstring)."""

    @property
    def clients(self) -> pd.DataFrame: ...

    @property
    def summary(self) -> Any: ...

    @property
    def notes(self) -> Sequence[Note]: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    def to_frame(self) -> pd.DataFrame: ...
