"""Managers' work: the activity log up to the report day, the activities of the period, the
overdue tasks, and the forgotten clients (the rules are in :mod:`reportkit.analysis.managers`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...io import schema as S
from ..lifecycle import BLOCKS
from .common import (
    ATTENDED_BLOCKS,
    DEAD_BLOCKS,
    NO_MANAGER,
    OTHER_CELL,
    _Base,
    _Classes,
    _column_positions,
    _dates,
    _flags,
    _names,
    _obj,
    _table,
    _take,
)
from .contact import contact_days

#: the columns of :attr:`Managers.overdue` (and their types when it is empty)
_OVERDUE_COLUMNS: tuple[tuple[str, Any], ...] = (
    (S.CLIENT_ID, object),
    (S.MANAGER, object),
    (S.CREATED, "datetime64[ns]"),
    (S.DUE, "datetime64[ns]"),
    (S.DAYS_OVERDUE, "int64"),
)
#: the columns of :attr:`Managers.forgotten` (and their types when it is empty)
_FORGOTTEN_COLUMNS: tuple[tuple[str, Any], ...] = (
    (S.CLIENT_ID, object),
    (S.MANAGER, object),
    (S.BLOCK, object),
    (S.ABC, object),
    (S.CELL, object),
    (S.REVENUE_WINDOW, float),
    (S.LAST_ACTIVITY, "datetime64[ns]"),
    (S.DAYS_WITHOUT_CONTACT, "int64"),
    (S.ALLOWED_DAYS, "int64"),
)


def _empty(columns: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    """An empty table with these (column, dtype) pairs."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns})


def _activity_log(
    activities: pd.DataFrame | None, index: pd.Index, end: np.datetime64
) -> dict[str, np.ndarray] | None:
    """The activity log up to ``end`` (exclusive) as arrays: ``client_id``, ``pos`` (the
    client's position in ``index``, -1 when not in it), ``created``, ``day``, ``manager`` and,
    when the log has them, ``type``, ``due``, ``done``. None without a log."""
    if activities is None:
        return None
    raw = _table(activities, "activities", "activity log", [S.CLIENT_ID, S.CREATED])
    created = _dates(raw[S.CREATED], "activities", S.CREATED, allow_missing=False).to_numpy(
        "datetime64[ns]"
    )
    keep = created < end
    a_pos, a_ids = _column_positions(index, raw[S.CLIENT_ID], "activities")
    log = {
        S.CLIENT_ID: a_ids[keep],
        "pos": a_pos[keep],
        S.CREATED: created[keep],
        S.MANAGER: (
            _names(raw[S.MANAGER])[keep]
            if S.MANAGER in raw.columns
            else np.full(int(keep.sum()), None, dtype=object)
        ),
    }
    log["day"] = log[S.CREATED].astype("datetime64[D]").astype("datetime64[ns]")
    if S.TYPE in raw.columns:
        log[S.TYPE] = _obj(raw[S.TYPE])[keep]
    if S.DUE in raw.columns:
        log[S.DUE] = _dates(raw[S.DUE], "activities", S.DUE, allow_missing=True).to_numpy(
            "datetime64[ns]"
        )[keep]
        log[S.DONE] = (
            _flags(raw[S.DONE], "activities", S.DONE)[keep]
            if S.DONE in raw.columns
            else np.zeros(int(keep.sum()), bool)
        )
    return log


@dataclass
class _Work:
    """The log's lines as counted per manager: ``who`` (the manager on the line, else the
    client's), ``in_period``, ``late`` (overdue tasks); all None without a log. And the overdue
    list."""

    who: np.ndarray | None
    in_period: np.ndarray | None
    late: np.ndarray | None
    overdue: pd.DataFrame


def _overdue_list(
    log: dict[str, np.ndarray], who: np.ndarray, late: np.ndarray, due_day: np.ndarray, day: Any
) -> pd.DataFrame:
    """:attr:`Managers.overdue`: the ``late`` tasks, most overdue first."""
    order = np.lexsort((log[S.CREATED][late], log[S.CLIENT_ID][late].astype(str), due_day[late]))
    sel = np.flatnonzero(late)[order]
    overdue = pd.DataFrame(
        {
            S.CLIENT_ID: pd.Series(log[S.CLIENT_ID][sel], dtype=object),
            S.MANAGER: pd.Series(who[sel], dtype=object),
        }
    )
    if S.TYPE in log:
        overdue[S.TYPE] = pd.Series(log[S.TYPE][sel], dtype=object)
    overdue[S.CREATED] = log[S.CREATED][sel]
    overdue[S.DUE] = log[S.DUE][sel]
    overdue[S.DAYS_OVERDUE] = (
        (np.datetime64(day, "ns") - due_day[sel]).astype("timedelta64[D]").astype(np.int64)
    )
    return overdue


def _work(
    log: dict[str, np.ndarray] | None,
    manager: np.ndarray,
    day: pd.Timestamp,
    start: pd.Timestamp,
    notes: list[tuple[str, dict]],
) -> _Work:
    """Activities in the period and overdue tasks, counted for the manager on the log line."""
    if log is None:
        notes.append(("note.no_activities", {}))
        return _Work(None, None, None, _empty(_OVERDUE_COLUMNS))
    fallback = _take(manager, log["pos"], NO_MANAGER)
    who = np.where(pd.isna(log[S.MANAGER]), fallback, log[S.MANAGER])
    in_period = log["day"] >= np.datetime64(start, "ns")
    if S.DUE not in log:
        notes.append(("note.no_due", {}))
        return _Work(who, in_period, np.zeros(len(who), bool), _empty(_OVERDUE_COLUMNS))
    due_day = log[S.DUE].astype("datetime64[D]").astype("datetime64[ns]")
    late = ~np.isnat(due_day) & (due_day < np.datetime64(day, "ns")) & ~log[S.DONE]
    return _Work(who, in_period, late, _overdue_list(log, who, late, due_day, day))


def _eligible(classes: _Classes, n: int) -> np.ndarray:
    """The clients worth a manager's time: class A or B, or an attended block, not dead."""
    eligible = np.zeros(n, bool)
    if classes.cls_code is not None:
        eligible |= (classes.cls_code == 0) | (classes.cls_code == 1)
    if classes.block_code is not None:
        eligible |= np.isin(classes.block_code, [BLOCKS.index(b) for b in ATTENDED_BLOCKS])
        eligible &= ~np.isin(classes.block_code, [BLOCKS.index(b) for b in DEAD_BLOCKS])
    return eligible


def _days_without_contact(
    log: dict[str, np.ndarray], base: _Base, day: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, Any, np.ndarray]:
    """(the day of each client's latest activity, NaT when never; whether never; the log's first
    day; the days without contact, NaN when unknown)."""
    n = len(base.ids)
    known = log["pos"] >= 0
    last_i8 = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    np.maximum.at(last_i8, log["pos"][known], log["day"][known].view(np.int64))
    last = last_i8.view("datetime64[ns]")
    never = np.isnat(last)
    log_start = log["day"].min() if len(log["day"]) else np.datetime64("NaT", "ns")
    since = np.where(never, base.first_order, last)
    if not np.isnat(log_start):
        since = np.where(never & ~np.isnat(since) & (since < log_start), log_start, since)
    gap = np.asarray(np.datetime64(day, "ns") - since).astype("timedelta64[D]").astype("float64")
    gap[np.isnat(since)] = np.nan
    return last, never, log_start, gap


def _forgotten(
    log: dict[str, np.ndarray] | None,
    base: _Base,
    manager: np.ndarray,
    classes: _Classes,
    days_used: dict[str, int],
    day: pd.Timestamp,
    notes: list[tuple[str, dict]],
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """(:attr:`Managers.forgotten`, whether each client is forgotten: None when that cannot be
    told, without a log or without classes and blocks)."""
    if log is None:
        return _empty(_FORGOTTEN_COLUMNS), None
    if classes.cls is None and classes.block is None:
        notes.append(("note.no_classes", {}))
        return _empty(_FORGOTTEN_COLUMNS), None
    n, ids, revenue, cell = len(base.ids), base.ids, base.revenue, classes.cell
    last, never, log_start, gap = _days_without_contact(log, base, day)
    key = (
        np.full(n, OTHER_CELL, dtype=object)
        if cell is None
        else np.where(pd.isna(cell), OTHER_CELL, cell)
    )
    allowed = pd.Series(key, dtype=object).map(days_used).to_numpy(dtype=np.int64)
    is_forgotten = _eligible(classes, n) & (np.isnan(gap) | (gap > allowed))
    sel = np.flatnonzero(is_forgotten)
    sel = sel[np.lexsort((ids[sel].astype(str), -revenue[sel]))]  # largest revenue first
    none = np.full(len(sel), None, dtype=object)
    forgotten = pd.DataFrame(
        {
            S.CLIENT_ID: pd.Series(ids[sel], dtype=object),
            S.MANAGER: pd.Series(manager[sel], dtype=object),
            S.BLOCK: pd.Series(
                classes.block[sel] if classes.block is not None else none, dtype=object
            ),
            S.ABC: pd.Series(classes.cls[sel] if classes.cls is not None else none, dtype=object),
            S.CELL: pd.Series(key[sel], dtype=object),
            S.REVENUE_WINDOW: revenue[sel],
            S.LAST_ACTIVITY: last[sel],
            S.DAYS_WITHOUT_CONTACT: (
                gap[sel].astype(np.int64)
                if not np.isnan(gap[sel]).any()
                else pd.array(gap[sel], dtype="Int64")
            ),
            S.ALLOWED_DAYS: allowed[sel],
        }
    )
    n_never = int(never[sel].sum())
    if n_never:
        notes.append(("note.never_contacted", {"n": n_never, "log_start": pd.Timestamp(log_start)}))
    return forgotten, is_forgotten


def _neglect(
    log: dict[str, np.ndarray] | None,
    base: _Base,
    manager: np.ndarray,
    classes: _Classes,
    policy: Mapping[str, Any] | pd.DataFrame | None,
    day: pd.Timestamp,
    notes: list[tuple[str, dict]],
) -> tuple[dict[str, int], pd.DataFrame, np.ndarray | None]:
    """(the days allowed per cell, the forgotten clients, whether each client is forgotten)."""
    days_used, days_given = contact_days(policy)
    if isinstance(policy, pd.DataFrame) and not days_given:
        notes.append(("note.policy_no_days", {}))
    forgotten, is_forgotten = _forgotten(log, base, manager, classes, days_used, day, notes)
    return days_used, forgotten, is_forgotten
