"""The loaded input: canonical tables plus the load report of each (how every row was used)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .scan import Scan
from .schema import DATE, TRANSACTIONS


@dataclass
class LoadReport:
    """How every row of one input table was used.

    Attributes
    ----------
    table : str
        "transactions", "clients", "activities" or "surveys".
    file : str
        The file read (and the sheet, for Excel).
    rows_read, rows_kept, rows_rejected : int
        ``rows_kept + rows_rejected == rows_read``.
    rejected_by_reason : dict of str to int
    rejected : DataFrame
        The rejected rows as read (text), with ``row`` (spreadsheet row number) and ``reason``.
    columns : dict of str to str
        Canonical column -> header in the file.
    returns_count, returns_amount : int, float
        Negative-amount rows (kept and netted) and their total (transactions only).
    total_amount : float
        Net amount of the kept rows (transactions only).
    date_min, date_max : Timestamp or None
    clients : int
        Distinct client ids among the kept rows.
    notes : list of str
        What the loader decided (encoding, delimiter, computed columns, values it could not read
        in optional columns).
    """

    table: str
    file: str
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    columns: dict[str, str] = field(default_factory=dict)
    returns_count: int = 0
    returns_amount: float = 0.0
    total_amount: float = 0.0
    date_min: pd.Timestamp | None = None
    date_max: pd.Timestamp | None = None
    clients: int = 0
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: ``item``, ``value``."""
        rows = [
            ("file", self.file),
            ("rows read", self.rows_read),
            ("rows kept", self.rows_kept),
            ("rows rejected", self.rows_rejected),
        ]
        rows += [(f"  rejected: {r}", n) for r, n in self.rejected_by_reason.items()]
        if self.table == TRANSACTIONS:
            rows += [
                ("returns (negative amounts, kept and netted)", self.returns_count),
                ("returns amount", round(self.returns_amount, 2)),
                ("total amount (net)", round(self.total_amount, 2)),
            ]
        if self.date_min is not None:
            rows.append(("date range", f"{self.date_min:%Y-%m-%d} – {self.date_max:%Y-%m-%d}"))
        rows.append(("distinct clients", self.clients))
        return pd.DataFrame(rows, columns=["item", "value"])

    def write_rejected(self, path: str | Path) -> Path:
        """Write the rejected rows (as read, with row number and reason) to a UTF-8 CSV."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rejected.to_csv(path, index=False, encoding="utf-8-sig")
        return path

    def __str__(self) -> str:
        lines = [f"{self.table}: {self.file}"]
        for item, value in self.to_frame().itertuples(index=False):
            if item == "file":
                continue
            v = f"{value:,}" if isinstance(value, (int, np.integer)) else str(value)
            lines.append(f"  {item:<46} {v}")
        if self.columns:
            lines.append("  columns: " + ", ".join(f"{k} ← {v!r}" for k, v in self.columns.items()))
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, escape=True)


# --- parsing values: polars expressions on whole columns --------------------------------------


@dataclass
class Dataset:
    """Canonical tables of one client base (see :mod:`reportkit.io.schema` for their columns).

    Attributes
    ----------
    transactions : DataFrame or None
        ``client_id``, ``date``, ``amount`` and the optional columns found; sorted by date.
        None when the transactions were read out of core (see ``scan``).
    clients, activities, surveys : DataFrame or None
        None when the table was not given.
    reports : dict of str to LoadReport
        How every input row of each table was used or rejected.
    source : Path or None
        The file or folder the data came from.
    scan : Scan or None
        The transactions files when they are read out of core (``[load] engine``): the panel
        aggregates them with DuckDB and fills in the transactions' load report.
    """

    transactions: pd.DataFrame | None
    clients: pd.DataFrame | None = None
    activities: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    reports: dict[str, LoadReport] = field(default_factory=dict)
    source: Path | None = None
    scan: Scan | None = None

    def date_range(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The first and last transaction date (None when there is none); read out of core,
        from the scan's load report."""
        if self.transactions is not None:
            dates = self.transactions[DATE]
            if not len(dates) or dates.isna().all():
                return None, None
            return pd.Timestamp(dates.min()), pd.Timestamp(dates.max())
        rep = self.reports.get(TRANSACTIONS)
        return (rep.date_min, rep.date_max) if rep is not None else (None, None)

    def __repr__(self) -> str:
        if self.transactions is not None:
            parts = [f"transactions={len(self.transactions):,} rows"]
        else:
            parts = [f"transactions=out of core ({len(self.scan.files) if self.scan else 0} files)"]
        for name in ("clients", "activities", "surveys"):
            table = getattr(self, name)
            if table is not None:
                parts.append(f"{name}={len(table):,} rows")
        return f"Dataset({', '.join(parts)}, source={str(self.source)!r})"
