"""What the data-quality analyses share: the checks of their input tables and settings, the
orders and revenue per client, and the summary table of item codes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, MissingColumnError, check_param
from ...io.config import QualitySettings
from ...io.load import parse_ids
from ...io.schema import AMOUNT, CLIENT_ID, DATE, ITEM, ORDER_ID, ORDERS, REVENUE, VALUE

#: the column of a summary, a fields table or a reconciliation with the figures of its code
PARAMS = "params"

# --- input checks --------------------------------------------------------------------------------


def _require_frame(frame: Any, what: str, argument: str, required: Iterable[str]) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame with the ``required`` columns; return it."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be the {what} table as a pandas DataFrame, got "
            f"{type(frame).__name__}. Load it with reportkit.load(...)."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(repr, map(str, frame.columns))) or "(none)"
        names = ", ".join(f"`{c}`" for c in missing)
        raise MissingColumnError(
            f"the {what} table (`{argument}`) has no {names} column; columns found: {found}. "
            f"Rename the column, or map it in the config: [columns.{what}] "
            f'{missing[0]} = "<header in your file>".'
        )
    return frame


def _client_ids(col: pd.Series, what: str) -> pd.Series:
    """Client ids as strings; raise when any is missing."""

    ids = parse_ids(col.reset_index(drop=True))
    empty = np.flatnonzero((ids == "").to_numpy())
    if len(empty):
        rows = ", ".join(str(i) for i in empty[:5])
        raise InputError(
            f"the {what} table has {len(empty):,} rows without a client_id (positions {rows}"
            f"{', …' if len(empty) > 5 else ''}); every row needs one. Fill them in or drop "
            "those rows (reportkit.load rejects them with a reason)."
        )
    return ids


def _clients_table(clients: Any) -> pd.DataFrame:
    """A private copy of the clients table with string ids, checked for repeated ids."""
    _require_frame(clients, "clients", "clients", [CLIENT_ID])
    cl = clients.reset_index(drop=True).copy()
    cl[CLIENT_ID] = _client_ids(cl[CLIENT_ID], "clients").to_numpy(object)
    dup = cl[CLIENT_ID].duplicated(keep=False)
    if dup.any():
        examples = ", ".join(map(repr, cl.loc[dup, CLIENT_ID].drop_duplicates().head(3)))
        raise InputError(
            f"the clients table has {int(dup.sum()):,} rows sharing a client_id (e.g. {examples}); "
            "each client needs one card. Keep one row per id (reportkit.load keeps the first)."
        )
    return cl


def _transactions_table(transactions: Any, argument: str = "transactions") -> pd.DataFrame:
    _require_frame(transactions, "transactions", argument, [CLIENT_ID, AMOUNT])
    tx = transactions.reset_index(drop=True)
    cols = [c for c in (CLIENT_ID, DATE, AMOUNT, ORDER_ID) if c in tx.columns]
    tx = tx[cols].copy()
    tx[CLIENT_ID] = _client_ids(tx[CLIENT_ID], "transactions").to_numpy(object)
    amount = pd.to_numeric(tx[AMOUNT], errors="coerce")
    bad = amount.isna() & tx[AMOUNT].notna()
    if bad.any():
        examples = ", ".join(map(repr, tx.loc[bad, AMOUNT].head(3)))
        raise InputError(
            f"the transactions table has {int(bad.sum()):,} amounts that are not numbers (e.g. "
            f"{examples}). Load the file with reportkit.load, which parses decimal commas and "
            "currency signs, or convert the `amount` column to numbers."
        )
    tx[AMOUNT] = amount.astype(float)
    return tx


def _check_settings(settings: Any) -> QualitySettings:
    if settings is None:
        return QualitySettings()
    if not isinstance(settings, QualitySettings):
        raise InputError(
            f"`settings` must be a reportkit.io.config.QualitySettings, got "
            f"{type(settings).__name__}."
        )
    s = settings
    check_param(
        0 < s.name_similarity <= 100, "name_similarity", "a score in (0, 100]", s.name_similarity
    )
    check_param(
        s.name_similarity <= s.name_medium_similarity <= 100,
        "name_medium_similarity",
        f"a score from name_similarity ({s.name_similarity}) to 100",
        s.name_medium_similarity,
    )
    check_param(s.shared_key_limit >= 2, "shared_key_limit", "an integer >= 2", s.shared_key_limit)
    check_param(s.max_group_size >= 2, "max_group_size", "an integer >= 2", s.max_group_size)
    check_param(s.name_block_size >= 2, "name_block_size", "an integer >= 2", s.name_block_size)
    check_param(s.name_window >= 1, "name_window", "an integer >= 1", s.name_window)
    check_param(
        0 < s.group_filled_share <= 1,
        "group_filled_share",
        "a share in (0, 1]",
        s.group_filled_share,
    )
    check_param(
        0 <= s.list_of_names_score <= s.client_base_score <= 1,
        "client_base_score",
        f"a share from list_of_names_score ({s.list_of_names_score}) to 1",
        s.client_base_score,
    )
    check_param(
        0 <= s.client_base_contact_share <= 1,
        "client_base_contact_share",
        "a share from 0 to 1",
        s.client_base_contact_share,
    )
    return s


def _orders_revenue(tx: pd.DataFrame) -> pd.DataFrame:
    """Per client: orders (distinct order_id, or distinct dates without one) and net revenue."""
    day = None
    if DATE in tx.columns:
        day = (
            tx[DATE].dt.normalize() if pd.api.types.is_datetime64_any_dtype(tx[DATE]) else tx[DATE]
        )
        day = "date:" + day.astype(str)
    if ORDER_ID in tx.columns:
        order = tx[ORDER_ID].astype(object).where(tx[ORDER_ID].notna())
        if day is not None:
            order = order.fillna(day)
    elif day is not None:
        order = day
    else:
        order = pd.Series(np.arange(len(tx)).astype(str), index=tx.index)
    frame = pd.DataFrame({CLIENT_ID: tx[CLIENT_ID], "_order": order, AMOUNT: tx[AMOUNT]})
    grouped = frame.groupby(CLIENT_ID, sort=False)
    out = pd.DataFrame({ORDERS: grouped["_order"].nunique(), REVENUE: grouped[AMOUNT].sum()})
    return out


def _html_table(frame: pd.DataFrame, max_rows: int = 20) -> str:
    return frame.head(max_rows).to_html(
        index=False, escape=True, na_rep="", float_format=lambda v: f"{v:,.2f}"
    )


def _items(items: list[tuple[str, Any, dict]]) -> pd.DataFrame:
    """A summary table: ``item`` (a code), ``value``, ``params`` (the figures its words need)."""
    return pd.DataFrame(
        {
            ITEM: [i for i, _, _ in items],
            VALUE: pd.Series([v for _, v, _ in items], dtype=object),
            PARAMS: [p for _, _, p in items],
        }
    )


def _settings_used(settings: QualitySettings, names: Iterable[str]) -> dict[str, Any]:
    """The ``names`` settings of ``settings`` as a dict (a result's ``params``)."""
    values = dataclasses.asdict(settings)
    return {name: values[name] for name in names}
