"""Reconciliation: every input row and every cent accounted for, from the files to the panel the
report is built on.

:func:`reconcile` returns one table (a DataFrame, not a result object: it has no per-client
rows). Each row is an item code with the figure on the input side (the load report, or the kept
transactions for the revenue per year), the same figure recomputed from the tables the report
uses, their difference and a check ("ok", "mismatch", or "" for rows that only inform).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from ...io.schema import (
    AMOUNT,
    CHECK,
    CLIENT_ID,
    DATE,
    DIFFERENCE,
    INPUT,
    ITEM,
    MONTH,
    REPORT,
    REVENUE,
    SECTION,
)
from .common import PARAMS, _client_ids, _require_frame, _transactions_table

__all__ = ["MISMATCH", "OK", "reconcile"]

OK, MISMATCH = "ok", "mismatch"
_CENT = 0.005


def _report_items(reports: Any) -> list[tuple[str, Any]]:
    if reports is None:
        return []
    if isinstance(reports, Mapping):
        return [(str(k), v) for k, v in reports.items()]
    if hasattr(reports, "rows_read"):
        return [(str(getattr(reports, "table", "transactions")), reports)]
    if isinstance(reports, Iterable) and not isinstance(reports, (str, bytes)):
        return [(str(getattr(r, "table", f"table {i + 1}")), r) for i, r in enumerate(reports)]
    raise InputError(
        f"`reports` must be a dict of table name to LoadReport (Dataset.reports), "
        f"a LoadReport or None, got {type(reports).__name__}."
    )


class _Rows:
    """The reconciliation's rows as they are added: section, (item, params), input, report,
    check."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, tuple[str, dict], Any, Any, str]] = []

    def add(
        self, section: str, item: tuple[str, dict], inp: Any, rep: Any = None, kind: str = "info"
    ) -> None:
        """A row; ``kind`` "count" or "money" checks ``rep`` against ``inp``, "info" does not."""
        check = ""
        if kind != "info" and rep is not None and inp is not None:
            if kind == "count":
                check = OK if int(inp) == int(rep) else MISMATCH
            else:
                check = OK if abs(float(rep) - float(inp)) < _CENT else MISMATCH
        self.rows.append((section, item, inp, rep, check))

    def frame(self) -> pd.DataFrame:
        """The rows as the table :func:`reconcile` returns."""
        rows = self.rows
        out = pd.DataFrame(
            {
                SECTION: [r[0] for r in rows],
                ITEM: [r[1][0] for r in rows],
                PARAMS: [r[1][1] for r in rows],
                INPUT: pd.Series([r[2] for r in rows], dtype=object),
                REPORT: pd.Series([r[3] for r in rows], dtype=object),
            }
        )
        diffs: list[Any] = []
        for inp, rep in zip(out[INPUT], out[REPORT]):
            if rep is None or inp is None:
                diffs.append(None)
            elif isinstance(inp, (int, np.integer)) and isinstance(rep, (int, np.integer)):
                diffs.append(int(rep) - int(inp))
            else:
                diffs.append(round(float(rep) - float(inp), 2) + 0.0)
        out[DIFFERENCE] = pd.Series(diffs, dtype=object)
        out[CHECK] = [r[4] for r in rows]
        return out


def _add_row_counts(
    rows: _Rows, reports: Any, tx: pd.DataFrame, clients: pd.DataFrame | None
) -> None:
    """The "rows" and "returns" sections: rows read, rejected and kept per table."""
    add = rows.add
    amount = tx[AMOUNT]
    for table_code, r in _report_items(reports):
        file = getattr(r, "file", None)
        on = {"table": table_code}
        read, kept, rejected = int(r.rows_read), int(r.rows_kept), int(r.rows_rejected)
        add("rows", ("rec.read", {**on, "file": PurePath(str(file)).name if file else None}), read)
        by_reason = dict(getattr(r, "rejected_by_reason", {}) or {})
        for reason, count in by_reason.items():
            add("rows", ("rec.rejected_reason", {**on, "reason": reason}), int(count))
        add(
            "rows",
            ("rec.rejected_sum", on),
            rejected,
            sum(int(c) for c in by_reason.values()),
            "count",
        )
        add("rows", ("rec.read_sum", on), read, kept + rejected, "count")
        if table_code == "transactions":
            add("rows", ("rec.kept_used", on), kept, len(tx), "count")
            neg = amount < 0
            add(
                "returns",
                ("rec.returns_rows", {}),
                int(getattr(r, "returns_count", 0)),
                int(neg.sum()),
                "count",
            )
            add(
                "returns",
                ("rec.returns_amount", {}),
                float(getattr(r, "returns_amount", 0.0)),
                float(amount[neg].sum()),
                "money",
            )
            add(
                "returns",
                ("rec.total", {}),
                float(getattr(r, "total_amount", 0.0)),
                float(amount.sum()),
                "money",
            )
        elif table_code == "clients" and clients is not None:
            add("rows", ("rec.kept_used", on), kept, len(clients), "count")


def _add_revenue(
    rows: _Rows, tx: pd.DataFrame, dates: pd.Series, panel: Any
) -> pd.DataFrame | None:
    """The "revenue" section: revenue per year and in all; returns the panel's frame."""
    amount = tx[AMOUNT]
    by_year_in = amount.groupby(dates.dt.year.to_numpy()).sum()
    frame = None
    if panel is not None:
        frame = panel if isinstance(panel, pd.DataFrame) else getattr(panel, "frame", None)
        _require_frame(frame, "panel", "panel.frame", [CLIENT_ID, MONTH, REVENUE])
        assert frame is not None
        months = pd.to_datetime(frame[MONTH], errors="coerce")
        by_year_panel = (
            pd.to_numeric(frame[REVENUE], errors="coerce")
            .fillna(0.0)
            .groupby(months.dt.year.to_numpy())
            .sum()
        )
    else:
        by_year_panel = pd.Series(dtype=float)
    years = sorted(set(by_year_in.index) | set(by_year_panel.index))
    for y in years:
        rows.add(
            "revenue",
            ("rec.revenue_year", {"year": int(y)}),
            float(by_year_in.get(y, 0.0)),
            float(by_year_panel.get(y, 0.0)) if frame is not None else None,
            "money",
        )
    rows.add(
        "revenue",
        ("rec.revenue_all", {}),
        float(amount.sum()),
        float(by_year_panel.sum()) if frame is not None else None,
        "money",
    )
    return frame


def _add_clients(
    rows: _Rows, tx: pd.DataFrame, frame: pd.DataFrame | None, clients: pd.DataFrame | None
) -> None:
    """The "clients" section: clients in transactions, in the panel, in the clients table."""
    add = rows.add
    tx_ids = set(tx[CLIENT_ID])
    add("clients", ("rec.tx_clients", {}), len(tx_ids))
    if frame is not None:
        panel_ids = set(_client_ids(frame[CLIENT_ID], "panel"))
        add("clients", ("rec.panel_clients", {}), len(tx_ids), len(panel_ids), "count")
        add("clients", ("rec.missing_panel", {}), 0, len(tx_ids - panel_ids), "count")
        add("clients", ("rec.extra_panel", {}), 0, len(panel_ids - tx_ids), "count")
    if clients is not None:
        _require_frame(clients, "clients", "clients", [CLIENT_ID])
        card_ids = set(_client_ids(clients[CLIENT_ID], "clients"))
        add("clients", ("rec.card_clients", {}), len(card_ids))
        add("clients", ("rec.both", {}), len(tx_ids & card_ids))
        add("clients", ("rec.orders_no_card", {}), len(tx_ids - card_ids))
        add("clients", ("rec.cards_no_orders", {}), len(card_ids - tx_ids))


def _reconcile_scanned(reports: Any, panel: Any, clients: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`reconcile` of transactions read out of core: rows per reason from the scan, its
    net total and clients against the panel's."""
    rows = _Rows()
    add = rows.add
    arrays = getattr(panel, "rows", None)
    if arrays is not None:  # a Panel: its arrays, not a frame of 30M rows with a string each
        total, n = float(np.sum(arrays.revenue)), int(panel.n_clients)
    else:
        frame = panel if isinstance(panel, pd.DataFrame) else getattr(panel, "frame", None)
        _require_frame(frame, "panel", "panel.frame", [CLIENT_ID, MONTH, REVENUE])
        assert frame is not None
        total = float(pd.to_numeric(frame[REVENUE]).sum())
        n = len(set(frame[CLIENT_ID]))
    for table_code, r in _report_items(reports):
        on = {"table": table_code}
        file = getattr(r, "file", None)
        read, kept, rejected = int(r.rows_read), int(r.rows_kept), int(r.rows_rejected)
        add("rows", ("rec.read", {**on, "file": PurePath(str(file)).name if file else None}), read)
        by_reason = dict(getattr(r, "rejected_by_reason", {}) or {})
        for reason, count in by_reason.items():
            add("rows", ("rec.rejected_reason", {**on, "reason": reason}), int(count))
        add("rows", ("rec.rejected_sum", on), rejected, sum(by_reason.values()), "count")
        add("rows", ("rec.read_sum", on), read, kept + rejected, "count")
        if table_code == "transactions":
            add("returns", ("rec.returns_rows", {}), int(r.returns_count))
            add("returns", ("rec.returns_amount", {}), float(r.returns_amount))
            add("revenue", ("rec.revenue_all", {}), float(r.total_amount), total, "money")
            add("clients", ("rec.tx_clients", {}), int(r.clients))
            add("clients", ("rec.panel_clients", {}), int(r.clients), n, "count")
        elif table_code == "clients" and clients is not None:
            add("rows", ("rec.kept_used", on), kept, len(clients), "count")
    return rows.frame()


def reconcile(
    reports: Any,
    transactions: pd.DataFrame | None,
    panel: Any = None,
    *,
    clients: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One table that ties the report to its input: rows, returns, revenue per year, clients.

    Parameters
    ----------
    reports : dict of str to LoadReport, a LoadReport, or None
        ``Dataset.reports``: for each table ``rows_read``, ``rows_kept``, ``rows_rejected``,
        ``rejected_by_reason``; for transactions also ``returns_count``, ``returns_amount``,
        ``total_amount``; the name of ``file`` (without its folder) is quoted when present.
    transactions : DataFrame or None
        The kept transactions the report uses: ``client_id``, ``date``, ``amount``. None when
        they were read out of core: the load report's counts (from the scan) are checked
        against the panel (revenue, returns, clients).
    panel : Panel or DataFrame, optional
        The client-month panel (``panel.frame`` or the frame itself: ``client_id``, ``month``,
        ``revenue``); default None (the revenue rows then only show the input side).
    clients : DataFrame, optional
        The clients table; default None. Gives the clients rows (in transactions, in the
        clients table, in both, orders without a card, cards without orders).

    Returns
    -------
    DataFrame
        ``section`` ("rows", "returns", "revenue", "clients"), ``item`` (a code such as
        "rec.read"), ``params`` (the table, file, reason or year it names), ``input`` (the figure
        on the input side: load report, or kept transactions for revenue per year),
        ``report`` (the same figure recomputed from the tables the report uses: kept
        transactions, panel), ``difference`` (report − input), ``check`` ("ok", "mismatch", or
        "" for rows that only inform). Money is equal when it agrees to the cent
        (|difference| < 0.005); counts must be equal.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> tx = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2023-05-01", "2024-01-02", "2024-02-03"]),
    ...                    "amount": [10.0, -2.5, 7.25]})
    >>> rep = SimpleNamespace(rows_read=4, rows_kept=3, rows_rejected=1,
    ...                       rejected_by_reason={"unparseable date": 1}, returns_count=1,
    ...                       returns_amount=-2.5, total_amount=14.75, file="sales.csv")
    >>> panel = pd.DataFrame({"client_id": ["a", "a", "b"],
    ...                       "month": pd.to_datetime(["2023-05-01", "2024-01-01", "2024-02-01"]),
    ...                       "revenue": [10.0, -2.5, 7.25]})
    >>> t = reconcile({"transactions": rep}, tx, panel)
    >>> t[t["section"] == "revenue"][["item", "input", "report", "check"]].to_numpy().tolist()
    [['rec.revenue_year', 10.0, 10.0, 'ok'], ['rec.revenue_year', 4.75, 4.75, 'ok'], ['rec.revenue_all', 14.75, 14.75, 'ok']]
    >>> t[t["section"] == "revenue"]["params"].tolist()
    [{'year': 2023}, {'year': 2024}, {}]
    >>> sorted(set(t["check"]))
    ['', 'ok']
    >>> t["params"].iloc[0]
    {'table': 'transactions', 'file': 'sales.csv'}
    """
    if transactions is None:  # read out of core: the load report against the panel
        return _reconcile_scanned(reports, panel, clients)
    _require_frame(transactions, "transactions", "transactions", [CLIENT_ID, DATE, AMOUNT])
    tx = _transactions_table(transactions)
    dates = pd.to_datetime(transactions[DATE].reset_index(drop=True), errors="coerce")
    if dates.isna().any():
        raise InputError(
            f"the transactions table has {int(dates.isna().sum()):,} rows without a readable "
            "date; reconcile the kept transactions (reportkit.load rejects such rows)."
        )
    rows = _Rows()
    _add_row_counts(rows, reports, tx, clients)
    frame = _add_revenue(rows, tx, dates, panel)
    _add_clients(rows, tx, frame, clients)
    return rows.frame()
