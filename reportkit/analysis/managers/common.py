"""What the manager and NPS analyses share: the values that name a group (no manager, no
group, the overall row, the NPS categories), the checks of their input tables, and the ABC
classes and lifecycle blocks read from their results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, MissingColumnError, check_param
from ...io import schema as S
from ...io.load import parse_ids
from ...io.policy import NEW_CELL, POLICY_CELLS
from ..lifecycle import BLOCKS, DEAD_LOST, DEAD_REANIMATABLE, KEY, PROVEN, REGULAR, VIP_BLOCK
from ..segmentation import ABC_CLASSES, SegmentResult, Segments

# --- values -------------------------------------------------------------------------------------
#: the manager value of clients that have none (a row of its own, always last)
NO_MANAGER = "(no manager)"
#: the group value of answers whose client is not in the grouping frame
NO_GROUP = "(no group)"
#: the dimension and group value of the all-answers row of :func:`nps_by`
OVERALL = "overall"
#: the cell of clients whose ABC class is unknown (not in ``abc``, or no ``abc`` given)
OTHER_CELL = "other"
PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
NPS_CATEGORIES: tuple[str, ...] = (PROMOTER, PASSIVE, DETRACTOR)
#: values of ``manager_source``
SOURCE_CLIENTS, SOURCE_TRANSACTIONS, SOURCE_ACTIVITIES, SOURCE_NONE = (
    "clients",
    "transactions",
    "activities",
    "none",
)
#: blocks whose clients are worth a manager's regular attention (besides classes A and B)
ATTENDED_BLOCKS: tuple[str, ...] = (REGULAR, PROVEN, VIP_BLOCK, KEY)
DEAD_BLOCKS: tuple[str, ...] = (DEAD_REANIMATABLE, DEAD_LOST)


# --- input checks ---------------------------------------------------------------------------------
def _day(value: Any, name: str) -> pd.Timestamp:
    """A date parameter as a Timestamp at midnight (tz dropped)."""
    ts = pd.NaT
    if isinstance(value, (str, pd.Timestamp, np.datetime64)) or hasattr(value, "year"):
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            ts = pd.NaT
    check_param(ts is not pd.NaT, name, "a date such as '2024-06-30' or a Timestamp", value)
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    return ts.normalize().as_unit("ns")


def _table(frame: Any, argument: str, what: str, required: Iterable[str]) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame with the ``required`` columns; return it."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`{argument}` must be the {what} as a pandas DataFrame, got {type(frame).__name__}."
        )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "(none)"
        raise MissingColumnError(
            f"`{argument}` ({what}) has no column {', '.join(f'`{c}`' for c in missing)} "
            f"(columns found: {found}). Rename the column, or load the table with "
            "reportkit.load, which maps common English and Russian headers."
        )
    return frame


def _ids(col: pd.Series, argument: str) -> np.ndarray:
    """Client ids as an object array of str; missing ids raise."""
    if pd.api.types.is_string_dtype(col) and (
        col.dtype != object or pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty")
    ):
        missing = col.isna().to_numpy()
        values = col.to_numpy(dtype=object, na_value=None)
    else:
        values = parse_ids(col.reset_index(drop=True)).to_numpy(dtype=object)
        missing = values == ""
    if missing.any():
        pos = np.flatnonzero(missing)
        raise InputError(
            f"`{argument}` has {len(pos):,} rows without a client_id (positions "
            f"{', '.join(map(str, pos[:5]))}); every row needs one. Fill them in or "
            "drop those rows."
        )
    return values


def _dates(col: pd.Series, argument: str, column: str, *, allow_missing: bool) -> pd.Series:
    """A date column as datetime64[ns] (tz dropped); unreadable values raise."""
    if pd.api.types.is_datetime64_any_dtype(col):
        out = col
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
    else:
        out = pd.to_datetime(col, errors="coerce", format="ISO8601")
        bad = out.isna() & col.notna()
        if bad.any():
            pos = np.flatnonzero(bad.to_numpy())
            raise InputError(
                f"`{argument}`: column `{column}` has {len(pos):,} values that are "
                f"not dates (e.g. {col.iloc[pos[0]]!r} at position {pos[0]}); load "
                "the table with reportkit.load or convert the column to dates."
            )
    out = out.astype("datetime64[ns]")
    if not allow_missing and out.isna().any():
        pos = np.flatnonzero(out.isna().to_numpy())
        raise InputError(
            f"`{argument}`: column `{column}` is empty in {len(pos):,} rows "
            f"(positions {', '.join(map(str, pos[:5]))}); every row needs a date. "
            "Fill them in or drop those rows."
        )
    return out


def _names(col: pd.Series) -> np.ndarray:
    """Manager names trimmed, inner spaces collapsed, as an object array; blank → None."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    clean = np.array([" ".join(str(v).split()) or None for v in uniques] + [None], dtype=object)
    return clean[codes]  # code -1 (missing) picks the trailing None


def _flags(col: pd.Series, argument: str, column: str) -> np.ndarray:
    """A true/false column as a bool array; missing → False."""
    if pd.api.types.is_bool_dtype(col) and col.dtype != object:
        return col.fillna(False).to_numpy(dtype=bool)
    try:
        return col.astype("boolean").fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):
        bad = col.dropna().astype(object)
        bad = bad[~bad.map(lambda v: isinstance(v, (bool, np.bool_)) or v in (0, 1))]
        raise InputError(
            f"`{argument}`: column `{column}` must hold true/false values, got "
            f"{bad.head(3).tolist()}; load the table with reportkit.load (it reads "
            "Да/Нет, yes/no, 1/0) or convert the column to bool."
        ) from None


# --- arrays ---------------------------------------------------------------------------------------
def _obj(values: Any) -> np.ndarray:
    """An object array (pandas would otherwise turn strings into its arrow-backed ``str``)."""
    return np.asarray(values, dtype=object)


def _positions(index: pd.Index, ids: np.ndarray) -> np.ndarray:
    """Position of each id in ``index`` (an object Index), -1 when absent."""
    return index.get_indexer(pd.Index(ids, dtype=object))


def _take(values: np.ndarray, pos: np.ndarray, missing: Any = None) -> np.ndarray:
    """``values[pos]`` as an object array, ``missing`` where ``pos`` is -1."""
    out = np.full(len(pos), missing, dtype=object)
    ok = pos >= 0
    out[ok] = values[pos[ok]]
    return out


def _column_positions(
    index: pd.Index, col: pd.Series, argument: str
) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``index`` of each row's client_id or -1, the ids as an object array).

    Works once per distinct id, so a column of millions of rows is not converted row by row.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    if (codes < 0).any():
        _ids(col, argument)  # raises, naming the rows without an id
    distinct = _ids(
        pd.Series(uniques, dtype=object) if len(uniques) else pd.Series([], dtype=object), argument
    )
    return _positions(index, distinct)[codes], distinct[codes]


# --- classes and blocks ---------------------------------------------------------------------------
def _abc_source(abc: Any) -> pd.DataFrame:
    """The per-client frame behind an ABC argument (Segments, SegmentResult or DataFrame)."""

    if isinstance(abc, Segments):
        return (
            abc.abcxyz.clients.assign(**{S.VALUE: abc.abc.clients[S.VALUE].to_numpy()})
            if S.VALUE in abc.abc.clients.columns
            else abc.abcxyz.clients
        )
    if isinstance(abc, SegmentResult):
        return abc.clients
    return abc


def _decode(col: pd.Series, func: Any) -> np.ndarray:
    """``func`` applied once per distinct value of ``col`` (None for missing); object array."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    mapped = [func(v) for v in _obj(uniques)] + [func(None)]
    out = np.empty(len(mapped), dtype=object)
    out[:] = mapped
    return out[codes]


def _abc_frame(abc: Any) -> tuple[dict[str, np.ndarray], bool]:
    """({client_id, abc, cell: object arrays}, whether XYZ was known) from an ABC argument."""

    frame = _table(_abc_source(abc), "abc", "ABC classes (client_id, abc)", [S.CLIENT_ID, S.ABC])
    ids = _ids(frame[S.CLIENT_ID], "abc")
    cls = _decode(frame[S.ABC], lambda v: v)
    bad = [v for v in pd.unique(cls[~pd.isna(cls)]) if v not in ABC_CLASSES]
    if bad:
        raise InputError(
            f"`abc`: column `abc` holds {bad[:3]}; classes are A, B, C. Pass the "
            "result of reportkit.analysis.segmentation.abc() or its clients table."
        )
    has_xyz = True
    if S.ABCXYZ in frame.columns:
        cell = _decode(
            frame[S.ABCXYZ],
            lambda v: (
                NEW_CELL
                if isinstance(v, str) and v.endswith("_new")
                else (v if v in POLICY_CELLS else None)
            ),
        )
    elif S.XYZ in frame.columns:
        x = _decode(frame[S.XYZ], lambda v: v if v in ("X", "Y", "Z", "new") else None)
        known = ~pd.isna(cls) & ~pd.isna(x)
        cell = np.full(len(ids), None, dtype=object)
        cell[known] = cls[known] + x[known]
        cell[x == "new"] = NEW_CELL
    else:
        has_xyz = False
        cell = np.full(len(ids), None, dtype=object)
        cell[~pd.isna(cls)] = cls[~pd.isna(cls)] + "Y"
    if pd.Index(ids, dtype=object).has_duplicates:
        raise InputError("`abc` repeats client_id values; pass the ABC classes of one snapshot.")
    return {S.CLIENT_ID: ids, S.ABC: cls, S.CELL: cell}, has_xyz


def _block_frame(lifecycle: Any) -> dict[str, np.ndarray]:
    """{client_id, block: object arrays} from a Lifecycle or a frame."""
    frame = getattr(lifecycle, "clients", lifecycle)
    frame = _table(
        frame, "lifecycle", "lifecycle blocks (client_id, block)", [S.CLIENT_ID, S.BLOCK]
    )
    ids = _ids(frame[S.CLIENT_ID], "lifecycle")
    block = _decode(frame[S.BLOCK], lambda v: v)
    bad = [v for v in pd.unique(block[~pd.isna(block)]) if v not in BLOCKS]
    if bad:
        raise InputError(
            f"`lifecycle`: column `block` holds {bad[:3]}; blocks are "
            f"{', '.join(BLOCKS)}. Pass the result of reportkit.analysis.lifecycle.classify()."
        )
    if pd.Index(ids, dtype=object).has_duplicates:
        raise InputError("`lifecycle` repeats client_id values; pass the blocks of one snapshot.")
    return {S.CLIENT_ID: ids, S.BLOCK: block}


@dataclass
class _Classes:
    """Each snapshot client's ABC class and policy cell, lifecycle block, and their codes (the
    class's position in A, B, C; the block's in :data:`BLOCKS`); None when not given."""

    cls: np.ndarray | None = None
    cls_code: np.ndarray | None = None
    cell: np.ndarray | None = None
    block: np.ndarray | None = None
    block_code: np.ndarray | None = None


def _classes(abc: Any, lifecycle: Any, ids: np.ndarray, notes: list[tuple[str, dict]]) -> _Classes:
    """The classes and blocks of the clients ``ids`` (by their position)."""
    out = _Classes()
    if abc is not None:
        af, has_xyz = _abc_frame(abc)
        pos = _positions(pd.Index(af[S.CLIENT_ID], dtype=object), ids)
        out.cls, out.cell = _take(af[S.ABC], pos), _take(af[S.CELL], pos)
        out.cls_code = pd.Categorical(out.cls, categories=["A", "B", "C"]).codes
        if not has_xyz:
            notes.append(("note.no_xyz", {}))
    if lifecycle is not None:
        bf = _block_frame(lifecycle)
        pos = _positions(pd.Index(bf[S.CLIENT_ID], dtype=object), ids)
        out.block = _take(bf[S.BLOCK], pos)
        out.block_code = pd.Categorical(out.block, categories=list(BLOCKS)).codes
    return out


# --- the clients counted ------------------------------------------------------------------------
@dataclass
class _Base:
    """The clients counted, the snapshot's, by position: ids, revenue over the window, first
    order day (NaT when unknown)."""

    ids: np.ndarray
    index: pd.Index
    revenue: np.ndarray
    first_order: np.ndarray


def _base(snapshot: Any, day: pd.Timestamp) -> _Base:
    """The snapshot's clients, checked: unique ids, taken at ``day``."""
    snap = _table(snapshot, "snapshot", "client snapshot", [S.CLIENT_ID, S.REVENUE_WINDOW])
    ids = _ids(snap[S.CLIENT_ID], "snapshot")
    index = pd.Index(ids, dtype=object, name=S.CLIENT_ID)
    if index.has_duplicates:
        raise InputError(
            "`snapshot` repeats client_id values; pass one snapshot "
            "(reportkit.core.snapshot) with one row per client."
        )
    if S.AS_OF in snap.columns and len(snap):
        snap_days = pd.to_datetime(snap[S.AS_OF]).dt.normalize().dropna().unique()
        if len(snap_days) and (len(snap_days) > 1 or pd.Timestamp(snap_days[0]) != day):
            raise InputError(
                f"`snapshot` is as of {pd.Timestamp(snap_days[0]).date()} but "
                f"as_of={day.date()}; take the snapshot at the report date "
                "(reportkit.snapshot(..., as_of=as_of))."
            )
    n = len(ids)
    revenue = pd.to_numeric(snap[S.REVENUE_WINDOW], errors="coerce").fillna(0.0).to_numpy(float)
    first_order = (
        _dates(snap[S.FIRST_ORDER], "snapshot", S.FIRST_ORDER, allow_missing=True)
        .dt.normalize()
        .to_numpy("datetime64[ns]")
        if S.FIRST_ORDER in snap.columns
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    return _Base(ids=ids, index=index, revenue=revenue, first_order=first_order)
