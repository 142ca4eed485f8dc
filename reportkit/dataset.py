"""The loaded input: canonical tables plus the load report of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .load import LoadReport


@dataclass
class Dataset:
    """Canonical tables of one client base (see :mod:`reportkit.schema` for their columns).

    Attributes
    ----------
    transactions : DataFrame
        ``client_id``, ``date``, ``amount`` and the optional columns found; sorted by date.
    clients, activities, surveys : DataFrame or None
        None when the table was not given.
    reports : dict of str to LoadReport
        How every input row of each table was used or rejected.
    source : Path or None
        The file or folder the data came from.
    """

    transactions: pd.DataFrame
    clients: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    reports: dict[str, LoadReport] = field(default_factory=dict)
    source: Path | None = None

    def __repr__(self) -> str:
        parts = [f"transactions={len(self.transactions):,} rows"]
        for name in ("clients", "activities", "surveys"):
            table = getattr(self, name)
            if table is not None:
                parts.append(f"{name}={len(table):,} rows")
        return f"Dataset({', '.join(parts)}, source={str(self.source)!r})"
