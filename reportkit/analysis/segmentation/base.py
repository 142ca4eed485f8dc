"""The classes of the segmentations (machine values), their result objects and the input checks
they share (see :mod:`reportkit.analysis.segmentation` for the conventions)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ...errors import InputError, check_param
from ...io import schema as S

# --- class values ---------------------------------------------------------------------------------
ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
XYZ_CLASSES: tuple[str, ...] = ("X", "Y", "Z", "new", "none")
#: ABC×XYZ cells in row-major order (A: X, Y, Z, new; then B, C), then ``none`` for leads
ABCXYZ_CELLS: tuple[str, ...] = tuple(
    f"{a}{x}" if x in "XYZ" else f"{a}_{x}" for a in ABC_CLASSES for x in ("X", "Y", "Z", "new")
) + ("none",)
#: RFM segments, best first; every scored client is in exactly one
RFM_SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
    "none",
)
BCG_CLASSES: tuple[str, ...] = ("star", "cash_cow", "question_mark", "dog", "none")
SIZE_TIERS: tuple[str, ...] = ("large", "medium", "small")
NONE = "none"
SCORE_FREQUENCY = S.ORDERS_WINDOW  # the snapshot column behind the F score
SCORE_MONETARY = S.REVENUE_WINDOW  # the snapshot column behind the M score
SIZE_BY: tuple[str, ...] = (S.REVENUE_WINDOW, S.BEST12_REVENUE, S.REVENUE_TOTAL, S.MARGIN_WINDOW)

#: RFM segment of every (R, FM) pair on the 1–5 scale; rows R = 1…5, columns FM = 1…5, where
#: FM = ceil((F + M) / 2). Rows read: R5 new | potential_loyalist ×2 | champions ×2 …
_RFM_GRID = np.array(
    [
        # FM = 1          FM = 2                FM = 3                FM = 4       FM = 5
        ["lost", "lost", "at_risk", "at_risk", "cant_lose"],  # R1
        ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],  # R2
        ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],  # R3
        ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],  # R4
        ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],  # R5
    ]
)
_RFM_GRID_CODES = np.vectorize(RFM_SEGMENTS.index)(_RFM_GRID).astype(np.int8)


@dataclass(frozen=True, repr=False, eq=False)
class SegmentResult:
    """One segmentation of the client base.

    Attributes
    ----------
    name : str
        ``"abc"``, ``"xyz"``, ``"abcxyz"``, ``"rfm"``, ``"bcg"`` or ``"size"``.
    clients : DataFrame
        One row per client of the snapshot, in the snapshot's order (columns: see the function
        that made it).
    summary : DataFrame
        One row per class, every class listed even when empty.
    notes : tuple of (code, params)
        Anything unusual in the data, as codes (worded by
        :mod:`reportkit.report.words.segmentation`).
    params : dict
        The options the segmentation ran with (e.g. ``cutoffs``), for figures and reports.
    """

    name: str
    clients: pd.DataFrame
    summary: pd.DataFrame
    notes: tuple[tuple[str, dict], ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy)."""
        return self.clients.copy()

    def _repr_html_(self) -> str:
        notes = "".join(
            f"<li>{html.escape(code)} {html.escape(str(params))}</li>"
            for code, params in self.notes
        )
        return (
            f"<h4>{html.escape(self.name)}</h4>"
            + self.summary.to_html(index=False, border=0)
            + (f"<ul>{notes}</ul>" if notes else "")
        )

    def __repr__(self) -> str:
        n = len(self.clients)
        return (
            f"<{type(self).__name__} {self.name}: {n} clients, {len(self.summary)} classes"
            + (f", {len(self.notes)} notes" if self.notes else "")
            + ">"
        )


@dataclass(frozen=True, repr=False, eq=False)
class ABCXYZMatrix(SegmentResult):
    """The ABC×XYZ matrix: ``summary`` is the cell table (12 rows: 9 cells + new per ABC class)."""

    def pivot(self, values: str = S.CLIENT_SHARE) -> pd.DataFrame:
        """The matrix as a 3 × 4 table: rows A, B, C; columns X, Y, Z, new.

        Parameters
        ----------
        values : str, default "client_share"
            A numeric column of ``summary``: ``n_clients``, ``client_share``, ``value`` or
            ``value_share``.
        """
        check_param(
            values in (S.N_CLIENTS, S.CLIENT_SHARE, S.VALUE, S.VALUE_SHARE),
            "values",
            "one of 'n_clients', 'client_share', 'value', 'value_share'",
            values,
        )
        table = self.summary.pivot(index=S.ABC, columns=S.XYZ, values=values)
        return table.reindex(index=list(ABC_CLASSES), columns=["X", "Y", "Z", "new"])


@dataclass(frozen=True, repr=False, eq=False)
class Segments:
    """Every segmentation of one snapshot (made by :func:`segment_all`).

    Attributes
    ----------
    abc, xyz, abcxyz, rfm, bcg, size : SegmentResult
        The single segmentations (``abcxyz`` is an :class:`ABCXYZMatrix`).
    clients : DataFrame
        One row per client with every class (see :meth:`to_frame`).
    summary : dict of str to DataFrame
        The summary table of every segmentation, by name (as :meth:`summaries`).
    notes : tuple of (code, params)
        The notes of every segmentation, in order.
    params : dict of str to dict
        The options of every segmentation, by name.
    """

    abc: SegmentResult
    xyz: SegmentResult
    abcxyz: ABCXYZMatrix
    rfm: SegmentResult
    bcg: SegmentResult
    size: SegmentResult
    _order: tuple[str, ...] = field(
        default=("abc", "xyz", "abcxyz", "rfm", "bcg", "size"), init=False
    )

    @property
    def notes(self) -> tuple[tuple[str, dict], ...]:
        """The notes of every segmentation, in order."""
        return tuple(note for name in self._order for note in getattr(self, name).notes)

    @property
    def summary(self) -> dict[str, pd.DataFrame]:
        """The summary table of every segmentation, by name."""
        return self.summaries()

    @property
    def params(self) -> dict[str, Mapping[str, object]]:
        """The options of every segmentation, by name."""
        return {name: getattr(self, name).params for name in self._order}

    def summaries(self) -> dict[str, pd.DataFrame]:
        """The summary table of every segmentation, by name."""
        return {name: getattr(self, name).summary for name in self._order}

    @cached_property
    def clients(self) -> pd.DataFrame:
        """One row per client with every class (built once; :meth:`to_frame` gives a copy)."""
        out = pd.DataFrame({S.CLIENT_ID: self.abc.clients[S.CLIENT_ID].array})
        out[S.ABC] = self.abc.clients[S.ABC].array
        out[S.XYZ] = self.xyz.clients[S.XYZ].array
        out[S.ABCXYZ] = self.abcxyz.clients[S.ABCXYZ].array
        for col in (S.R_SCORE, S.F_SCORE, S.M_SCORE, S.RFM, S.RFM_SEGMENT):
            out[col] = self.rfm.clients[col].array
        out[S.BCG] = self.bcg.clients[S.BCG].array
        out[S.SIZE_TIER] = self.size.clients[S.SIZE_TIER].array
        for col in (S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL):
            if col in self.size.clients.columns:
                out[col] = self.size.clients[col].array
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per client with every class (the "segments" action list; a copy of
        :attr:`clients`).

        Returns
        -------
        DataFrame
            ``client_id, abc, xyz, abcxyz, r_score, f_score, m_score, rfm, rfm_segment, bcg,
            size_tier``, and ``share_of_wallet, unrealised_potential`` when the clients table
            carried ``potential``.
        """
        return self.clients.copy()

    def _repr_html_(self) -> str:
        parts = [getattr(self, name)._repr_html_() for name in self._order]
        return "".join(parts)

    def __repr__(self) -> str:
        return f"<Segments of {len(self.abc.clients)} clients: {', '.join(self._order)}>"


# --- input checks ---------------------------------------------------------------------------------
def _require(snapshot: object, columns: Sequence[str], what: str) -> pd.DataFrame:
    if not isinstance(snapshot, pd.DataFrame):
        raise InputError(
            f"{what} needs the client snapshot as a DataFrame (made by "
            f"reportkit.core.snapshot), got {type(snapshot).__name__}."
        )
    missing = [c for c in (S.CLIENT_ID, *columns) if c not in snapshot.columns]
    if missing:
        have = ", ".join(map(str, snapshot.columns[:25])) + (
            ", …" if len(snapshot.columns) > 25 else ""
        )
        raise InputError(
            f"{what} needs the snapshot column(s) {', '.join(missing)}, which the "
            f"snapshot does not have (it has: {have}). Build the snapshot with "
            "reportkit.snapshot(...) or add the column(s)."
        )
    return snapshot


def _check_ids(snapshot: pd.DataFrame, what: str) -> None:
    ids = snapshot[S.CLIENT_ID]
    if ids.isna().any():
        rows = np.flatnonzero(ids.isna().to_numpy())[:3].tolist()
        raise InputError(
            f"{what}: the snapshot has {int(ids.isna().sum())} rows without a "
            f"client_id (rows {rows}); drop them or fill the client_id."
        )
    if ids.nunique(dropna=False) == len(ids):
        return
    dup = ids.duplicated()
    if dup.any():
        examples = ", ".join(map(repr, ids[dup].unique()[:3].tolist()))
        raise InputError(
            f"{what}: the snapshot must have one row per client, but "
            f"{int(dup.sum())} client_id values repeat (e.g. {examples}); build it "
            "with reportkit.snapshot(...), which makes one row per client."
        )


def _num(frame: pd.DataFrame, col: str, where: str = "snapshot") -> np.ndarray:
    s = frame[col]
    if not (ptypes.is_numeric_dtype(s) or ptypes.is_bool_dtype(s)):
        conv = pd.to_numeric(s, errors="coerce")
        bad = conv.isna() & s.notna()
        if bad.any():
            examples = ", ".join(repr(v) for v in s[bad].head(3).tolist())
            raise InputError(
                f"{where} column {col} must be numeric, but {int(bad.sum())} values "
                f"are not (e.g. {examples}); fix them or rebuild the snapshot."
            )
        s = conv
    return s.to_numpy(dtype=float, na_value=np.nan)


def _leads(snapshot: pd.DataFrame) -> np.ndarray:
    if S.IS_LEAD not in snapshot.columns:
        return np.zeros(len(snapshot), dtype=bool)
    s = snapshot[S.IS_LEAD]
    if not (ptypes.is_bool_dtype(s) or ptypes.is_numeric_dtype(s)):
        raise InputError(
            f"snapshot column {S.IS_LEAD} must be true/false, got dtype {s.dtype}; "
            "rebuild the snapshot with reportkit.snapshot(...)."
        )
    return s.fillna(False).to_numpy(dtype=bool)


def _check_cutoffs(cutoffs: Any, name: str) -> tuple[float, float]:
    ok = (
        isinstance(cutoffs, Sequence)
        and not isinstance(cutoffs, str)
        and len(cutoffs) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cutoffs)
        and 0 < cutoffs[0] < cutoffs[1] <= 1
    )
    check_param(ok, name, "two shares with 0 < first < second <= 1, e.g. (0.8, 0.95)", cutoffs)
    return float(cutoffs[0]), float(cutoffs[1])


def _categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int8), categories=list(categories))


def _summary(
    class_col: str,
    codes: np.ndarray,
    categories: Sequence[str],
    amounts: Mapping[str, np.ndarray],
    shares: Mapping[str, str],
) -> pd.DataFrame:
    """Counts and sums per class (every class listed). ``shares`` maps share column → amount
    column; shares are of the positive total of that amount."""
    k = len(categories)
    n = np.bincount(codes, minlength=k)[:k]
    out = pd.DataFrame({class_col: list(categories), S.N_CLIENTS: n.astype(np.int64)})
    total_n = len(codes)
    out[S.CLIENT_SHARE] = n / total_n if total_n else np.nan
    for col, values in amounts.items():
        v = np.nan_to_num(values, nan=0.0)
        out[col] = np.bincount(codes, weights=v, minlength=k)[:k]
    for share_col, amount_col in shares.items():
        v = np.nan_to_num(amounts[amount_col], nan=0.0)
        pos_total = v[v > 0].sum()
        out[share_col] = out[amount_col] / pos_total if pos_total > 0 else np.nan
    return out
