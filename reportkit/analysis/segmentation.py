"""Segmentations of the client snapshot: ABC, XYZ, the ABC×XYZ matrix, RFM, BCG and size tiers.

Every function takes the client snapshot (one row per client, see :mod:`reportkit.core.snapshot`)
and returns a :class:`SegmentResult`: ``clients`` (one row per client, same clients in the same
order as the snapshot, keyed by ``client_id``), ``summary`` (one row per class) and ``notes``
(plain sentences about anything unusual, e.g. a base made only of returns). :func:`segment_all`
runs them all and returns a :class:`Segments` whose ``to_frame()`` has one row per client with
every class.

Conventions shared by all segmentations
---------------------------------------
* Class values are machine values: ``A``/``B``/``C``, ``X``/``Y``/``Z``, and English snake_case
  names (``cash_cow``, ``at_risk``…); :data:`LABELS` translates them for display (en, ru).
* **Leads** (``is_lead``: known clients without any order) are class ``C`` in ABC and ``small``
  in size tiers (they bring no revenue), and ``none`` in XYZ, ABC×XYZ, RFM and BCG.
* **Shares of revenue** (or of margin) are shares of the *positive total*: the sum over clients
  whose value is above zero. Clients whose net value is zero or negative (only returns) are not
  ranked and count with the lowest class; their share is zero or negative. A base in which no
  client has a positive value puts every client in the lowest class, with a note.
* A missing amount (NaN) counts as zero.
* Pareto cut-offs (ABC, size tiers): clients are sorted by value, largest first, ties broken by
  ``client_id`` (ascending). A client belongs to the upper class when the cumulative share *before*
  it is below the cut-off: the client that crosses 80 % is A, a client that ends exactly at 80 %
  is A, the next one is B. Cumulative shares within 1e-9 of a cut-off count as on it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..errors import InputError, check_param
from ..io import schema as S
from ..io.config import SegmentationSettings

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

    def summaries(self) -> dict[str, pd.DataFrame]:
        """The summary table of every segmentation, by name."""
        return {name: getattr(self, name).summary for name in self._order}

    def to_frame(self) -> pd.DataFrame:
        """One row per client with every class (the "segments" action list).

        Returns
        -------
        DataFrame
            ``client_id, abc, xyz, abcxyz, r_score, f_score, m_score, rfm, rfm_segment, bcg,
            size_tier``, and ``share_of_wallet, unrealised_potential`` when the clients table
            carried ``potential``.
        """
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


# --- Pareto classes (ABC, size tiers) ----------------------------------------------------------
def _desc_order(value: np.ndarray, ids: pd.Series) -> np.ndarray:
    """Positions sorting ``value`` descending, ties by ``ids`` ascending.

    Only the clients whose value is tied with a neighbour have their ids sorted, so this stays
    fast on a million clients.
    """
    order = np.argsort(-value, kind="stable")
    vs = value[order]
    eq = vs[1:] == vs[:-1]
    if eq.any():
        tie = np.zeros(len(vs), dtype=bool)
        tie[1:] |= eq
        tie[:-1] |= eq
        pos = np.flatnonzero(tie)
        by_id = ids.iloc[order[pos]].argsort(kind="stable").to_numpy()
        id_rank = np.empty(len(pos), dtype=np.int64)
        id_rank[by_id] = np.arange(len(pos))
        within = np.lexsort((id_rank, -vs[pos]))
        order[pos] = order[pos][within]
    return order


def _pareto(
    value: np.ndarray,
    ids: pd.Series,
    cutoffs: tuple[float, float],
    cache: dict | None = None,
    key: str = "",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Class codes 0/1/2, share, cumulative share and positive total of ``value``.

    ``cache`` (a dict shared by ABC and size tiers in :func:`segment_all`) keeps the sort of
    ``value`` under ``key``, so the same column is sorted once.
    """
    n = len(value)
    codes = np.full(n, 2, dtype=np.int8)
    cum = np.full(n, np.nan)
    positive = value > 0
    if not positive.any():
        return codes, np.full(n, np.nan), cum, 0.0
    if cache is not None and key in cache:
        order, cs = cache[key]
    else:
        idx = np.flatnonzero(positive)
        order = idx[_desc_order(value[idx], ids.iloc[idx] if len(idx) < n else ids)]
        cs = np.cumsum(value[order])
        if cache is not None:
            cache[key] = (order, cs)
    total = float(cs[-1])
    before = np.concatenate(([0.0], cs[:-1]))
    tol = 1e-9 * total
    lo, hi = cutoffs
    codes[order] = np.where(
        before < lo * total - tol, 0, np.where(before < hi * total - tol, 1, 2)
    ).astype(np.int8)
    cum[order] = cs / total
    return codes, value / total, cum, total


def _ids(snapshot: pd.DataFrame) -> pd.Series:
    return snapshot[S.CLIENT_ID].reset_index(drop=True)


def _abc_core(
    snapshot: pd.DataFrame, by: str, cutoffs: tuple[float, float], cache: dict | None = None
) -> SegmentResult:
    col = S.REVENUE_WINDOW if by == "revenue" else S.MARGIN_WINDOW
    value = np.nan_to_num(_num(snapshot, col), nan=0.0)
    leads = _leads(snapshot)
    value[leads] = 0.0
    codes, share, cum, total = _pareto(value, _ids(snapshot), cutoffs, cache, col)
    notes: list[tuple[str, dict]] = []
    if total <= 0 and len(value):
        notes.append(("abc_nothing_positive", {"by": by}))
    elif value.sum() <= 0:
        notes.append(("abc_net_not_positive", {"by": by, "n": int((value > 0).sum())}))
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.VALUE: value,
            S.SHARE: share,
            S.CUM_SHARE: cum,
            S.ABC: _categorical(codes, ABC_CLASSES),
        }
    )
    summary = _summary(S.ABC, codes, ABC_CLASSES, {S.VALUE: value}, {S.VALUE_SHARE: S.VALUE})
    return SegmentResult("abc", clients, summary, tuple(notes), {"by": by, "cutoffs": cutoffs})


def abc(
    snapshot: pd.DataFrame, *, by: str = "revenue", cutoffs: Sequence[float] = (0.80, 0.95)
) -> SegmentResult:
    """ABC classes by revenue (or margin) over the window.

    Clients are sorted by value, largest first (ties by ``client_id``); A = the clients that make
    the first 80 % of the positive total, B = the next 15 %, C = the rest. The client that crosses
    a cut-off belongs to the upper class (one client with 85 % is A; a client ending exactly at
    80 % is A). Clients with zero or negative value, and leads, are C. If no client has a positive
    value (a base of returns only) everyone is C and ``notes`` says so.

    Parameters
    ----------
    snapshot : DataFrame
        The client snapshot; uses ``client_id``, ``revenue_window`` (or ``margin_window``) and
        ``is_lead`` (optional).
    by : {"revenue", "margin"}, default "revenue"
        ``revenue_window`` or ``margin_window`` (the latter exists only when the transactions carry
        a margin).
    cutoffs : (float, float), default (0.80, 0.95)
        Cumulative shares that close class A and class B.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id``; ``value`` (the amount ranked, NaN → 0, leads 0); ``share``
        (value / positive total, NaN when there is none); ``cum_share`` (cumulative share up to
        and including the client, NaN for clients with value <= 0); ``abc`` (A/B/C).
        ``summary``: ``abc, n_clients, client_share, value, value_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": ["a", "b", "c", "d"],
    ...                      "revenue_window": [50.0, 30.0, 15.0, 5.0]})
    >>> abc(snap).clients["abc"].tolist()
    ['A', 'A', 'B', 'C']
    """
    what = "abc()"
    check_param(by in ("revenue", "margin"), "by", "'revenue' or 'margin'", by)
    cut = _check_cutoffs(cutoffs, "cutoffs")
    if (
        by == "margin"
        and isinstance(snapshot, pd.DataFrame)
        and S.MARGIN_WINDOW not in snapshot.columns
    ):
        raise InputError(
            "abc(by='margin') needs the snapshot column margin_window, which exists "
            "only when the transactions carry a margin column; load transactions "
            "with a margin or use by='revenue'."
        )
    col = S.REVENUE_WINDOW if by == "revenue" else S.MARGIN_WINDOW
    _require(snapshot, [col], what)
    _check_ids(snapshot, what)
    return _abc_core(snapshot, by, cut)


# --- XYZ ----------------------------------------------------------------------------------------
def _xyz_core(
    snapshot: pd.DataFrame, cutoffs: tuple[float, float], min_tenure_months: int
) -> SegmentResult:
    cv = _num(snapshot, S.CV)
    revenue = _num(snapshot, S.REVENUE_WINDOW)
    first = pd.to_datetime(snapshot[S.FIRST_ORDER])
    as_of = pd.to_datetime(snapshot[S.AS_OF])
    no_orders = _leads(snapshot) | first.isna().to_numpy()
    young = (first + pd.DateOffset(months=min_tenure_months) > as_of).to_numpy(dtype=bool)
    lo, hi = cutoffs
    with np.errstate(invalid="ignore"):
        codes = np.where(cv < lo, 0, np.where(cv < hi, 1, 2))  # NaN → Z
        codes = np.where(cv < 0, 2, codes)  # negative CV → Z
    codes = np.where(young, 3, codes)
    codes = np.where(no_orders, 4, codes).astype(np.int8)
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.CV: cv,
            S.XYZ: _categorical(codes, XYZ_CLASSES),
        }
    )
    summary = _summary(
        S.XYZ, codes, XYZ_CLASSES, {S.REVENUE: revenue}, {S.REVENUE_SHARE: S.REVENUE}
    )
    notes: list[tuple[str, dict]] = []
    undefined = int(((codes == 2) & ~(cv >= hi)).sum())
    if undefined:
        notes.append(("xyz_undefined_are_z", {"n": undefined}))
    return SegmentResult(
        "xyz",
        clients,
        summary,
        tuple(notes),
        {"cutoffs": cutoffs, "min_tenure_months": min_tenure_months},
    )


def xyz(
    snapshot: pd.DataFrame, *, cutoffs: Sequence[float] = (0.5, 1.0), min_tenure_months: int = 3
) -> SegmentResult:
    """XYZ classes by the regularity of monthly revenue over the window.

    X if ``cv < 0.5``, Y if ``cv < 1.0``, otherwise Z (cut-offs are exclusive: a CV of exactly
    0.5 is Y). Z also takes every client whose CV is undefined (NaN) or negative — clients with
    no order in the window, or whose net revenue in it is not positive: they buy nothing
    regularly. Clients whose first order is less than ``min_tenure_months`` calendar months before
    ``as_of`` are ``new`` (first order 31 March, as of 30 June: 3 months, not new). Leads (and
    clients without a first order) are ``none``.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id, cv, first_order, as_of, revenue_window`` and ``is_lead`` (optional).
    cutoffs : (float, float), default (0.5, 1.0)
        CV that closes X and Y.
    min_tenure_months : int, default 3
        Younger clients are ``new``; 0 turns this off.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, cv, xyz`` (X/Y/Z/new/none). ``summary``: ``xyz, n_clients,
        client_share, revenue, revenue_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": ["a", "b", "c"], "cv": [0.2, 0.5, float("nan")],
    ...                      "first_order": pd.to_datetime(["2023-01-05"] * 3),
    ...                      "as_of": pd.Timestamp("2024-06-30"),
    ...                      "revenue_window": [100.0, 50.0, 0.0]})
    >>> xyz(snap).clients["xyz"].tolist()
    ['X', 'Y', 'Z']
    """
    what = "xyz()"
    ok = (
        isinstance(cutoffs, Sequence)
        and not isinstance(cutoffs, str)
        and len(cutoffs) == 2
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cutoffs)
        and 0 <= cutoffs[0] < cutoffs[1]
    )
    check_param(ok, "cutoffs", "two numbers with 0 <= first < second, e.g. (0.5, 1.0)", cutoffs)
    check_param(
        isinstance(min_tenure_months, (int, np.integer))
        and not isinstance(min_tenure_months, bool)
        and min_tenure_months >= 0,
        "min_tenure_months",
        "an integer >= 0",
        min_tenure_months,
    )
    _require(snapshot, [S.CV, S.FIRST_ORDER, S.AS_OF, S.REVENUE_WINDOW], what)
    _check_ids(snapshot, what)
    return _xyz_core(snapshot, (float(cutoffs[0]), float(cutoffs[1])), int(min_tenure_months))


# --- ABC × XYZ ----------------------------------------------------------------------------------
def _frame_of(result: SegmentResult | pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    frame = result.clients if isinstance(result, SegmentResult) else result
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"`{name}` must be the result of {name}() or its to_frame(), got "
            f"{type(result).__name__}."
        )
    missing = [c for c in (S.CLIENT_ID, column) if c not in frame.columns]
    if missing:
        raise InputError(
            f"`{name}` has no column {', '.join(missing)}; pass the result of "
            f"{name}() or its to_frame()."
        )
    return frame


def _codes_of(values: pd.Series, categories: Sequence[str], name: str) -> np.ndarray:
    target = pd.Index(list(categories))
    if isinstance(values.dtype, pd.CategoricalDtype):  # fast path: map the categories only
        cat_map = np.append(target.get_indexer(values.cat.categories.astype(object)), -1)
        codes = cat_map[values.cat.codes.to_numpy()]
    else:
        codes = target.get_indexer(values.astype(object))
    if (codes < 0).any():
        bad = values[codes < 0].astype(object).unique()[:3].tolist()
        raise InputError(
            f"`{name}` holds values outside {', '.join(categories)}: {bad}; pass the "
            f"result of {name}() unchanged."
        )
    return codes


def abc_xyz_matrix(
    abc: SegmentResult | pd.DataFrame, xyz: SegmentResult | pd.DataFrame
) -> ABCXYZMatrix:
    """Cross ABC with XYZ: clients and value per cell (the report adds each cell's contact
    policy, :mod:`reportkit.io.policy`).

    Nine cells AX … CZ plus a ``new`` column per ABC class (clients too young for XYZ). Leads
    (XYZ ``none``) are left out of the matrix; shares of clients are of the clients in the matrix,
    shares of value of the positive total of ABC's value (revenue unless ABC ran by margin).

    Parameters
    ----------
    abc, xyz : SegmentResult or DataFrame
        Results of :func:`abc` and :func:`xyz` (or their ``to_frame()``) for the same clients;
        matched by ``client_id``.

    Returns
    -------
    ABCXYZMatrix
        ``clients``: ``client_id, abc, xyz, abcxyz`` (AX … CZ, A_new/B_new/C_new, none) in the
        order of ``abc``. ``summary`` (12 rows, A: X, Y, Z, new, then B, C): ``abc, xyz,
        abcxyz, n_clients, client_share, value, value_share``.
        ``pivot(values)`` gives the 3 × 4 view.

    Examples
    --------
    >>> a = pd.DataFrame({"client_id": ["a", "b"], "abc": ["A", "C"], "value": [90.0, 10.0]})
    >>> x = pd.DataFrame({"client_id": ["b", "a"], "xyz": ["Z", "X"]})
    >>> m = abc_xyz_matrix(a, x)
    >>> m.clients["abcxyz"].tolist()
    ['AX', 'CZ']
    >>> m.pivot("value_share").loc["A", "X"]
    np.float64(0.9)
    """
    fa = _frame_of(abc, S.ABC, "abc")
    fx = _frame_of(xyz, S.XYZ, "xyz")
    ids_a = fa[S.CLIENT_ID].reset_index(drop=True)
    xyz_values = fx[S.XYZ]
    if not ids_a.equals(fx[S.CLIENT_ID].reset_index(drop=True)):
        ids_x = fx[S.CLIENT_ID]
        if ids_x.duplicated().any():
            raise InputError(
                "`xyz` repeats client_id values; pass the result of xyz() for the "
                "same snapshot as abc()."
            )
        aligned = pd.Series(xyz_values.to_numpy(dtype=object), index=ids_x.to_numpy()).reindex(
            ids_a.to_numpy()
        )
        if aligned.isna().any() or len(fx) != len(fa):
            raise InputError(
                "`abc` and `xyz` are not for the same clients (e.g. "
                f"{ids_a[aligned.isna().to_numpy()].head(3).tolist()} are missing "
                "from xyz); compute both from the same snapshot."
            )
        xyz_values = aligned
    a_codes = _codes_of(fa[S.ABC], ABC_CLASSES, "abc")
    x_codes = _codes_of(pd.Series(xyz_values.to_numpy()), XYZ_CLASSES, "xyz")
    cell = np.where(x_codes == 4, len(ABCXYZ_CELLS) - 1, a_codes * 4 + x_codes).astype(np.int8)
    if S.VALUE in fa.columns:
        value = np.nan_to_num(_num(fa, S.VALUE, "abc"), nan=0.0)
    else:
        value = np.zeros(len(fa))
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: fa[S.CLIENT_ID].array,
            S.ABC: _categorical(a_codes, ABC_CLASSES),
            S.XYZ: _categorical(x_codes, XYZ_CLASSES),
            S.ABCXYZ: _categorical(cell, ABCXYZ_CELLS),
        }
    )
    in_matrix = cell < len(ABCXYZ_CELLS) - 1
    k = len(ABCXYZ_CELLS) - 1
    n = np.bincount(cell[in_matrix], minlength=k)[:k]
    v = np.bincount(cell[in_matrix], weights=value[in_matrix], minlength=k)[:k]
    pos_total = value[value > 0].sum()
    summary = pd.DataFrame(
        {
            S.ABC: [c[0] for c in ABCXYZ_CELLS[:k]],
            S.XYZ: [c[1:] if "_" not in c else "new" for c in ABCXYZ_CELLS[:k]],
            S.ABCXYZ: list(ABCXYZ_CELLS[:k]),
            S.N_CLIENTS: n.astype(np.int64),
            S.CLIENT_SHARE: n / n.sum() if n.sum() else np.full(k, np.nan),
            S.VALUE: v,
            S.VALUE_SHARE: v / pos_total if pos_total > 0 else np.full(k, np.nan),
        }
    )
    notes: list[tuple[str, dict]] = []
    n_none = int((~in_matrix).sum())
    if n_none:
        notes.append(("abcxyz_leads_left_out", {"n": n_none}))
    by = abc.params.get("by", "revenue") if isinstance(abc, SegmentResult) else "revenue"
    return ABCXYZMatrix("abcxyz", clients, summary, tuple(notes), {"by": by})


# --- RFM ----------------------------------------------------------------------------------------
_RFM_KEYS = ("recency", "frequency", "monetary")


def _quantile_scores(x: np.ndarray, bins: int) -> np.ndarray:
    """Scores 1..bins from mid-rank percentiles; higher x → higher score; NaN → 1.

    score = ceil(bins × (rank − ½) / n) with the average rank of ties, so tied clients share a
    score, one client or an all-equal base gets the middle score ceil(bins / 2), and distinct
    values fill the scores evenly.
    """
    out = np.ones(len(x), dtype=np.int64)
    ok = ~np.isnan(x)
    n = int(ok.sum())
    if n == 0:
        return out
    rank = pd.Series(x[ok]).rank(method="average").to_numpy()
    # (2·rank − 1)·bins and 2n are exact integers in float64, so ceil is exact at the edges
    out[ok] = np.ceil((2.0 * rank - 1.0) * bins / (2.0 * n)).astype(np.int64)
    return np.clip(out, 1, bins)


def _threshold_scores(x: np.ndarray, edges: np.ndarray, lower_is_better: bool) -> np.ndarray:
    bins = len(edges) + 1
    if lower_is_better:  # recency: <= t1 → bins, (t1, t2] → bins − 1, …, > t_last → 1
        scores = bins - np.searchsorted(edges, x, side="left")
        return np.where(np.isnan(x), 1, scores)
    scores = 1 + np.searchsorted(edges, x, side="right")  # < t1 → 1, [t1, t2) → 2 …
    return np.where(np.isnan(x), 1, scores)


def _check_thresholds(thresholds: Mapping | None, bins: int) -> dict[str, np.ndarray]:
    if thresholds is None:
        return {}
    check_param(
        isinstance(thresholds, Mapping),
        "thresholds",
        "None or a mapping such as {'recency': [30, 90, 180, 365]}",
        thresholds,
    )
    out: dict[str, np.ndarray] = {}
    for key, edges in thresholds.items():
        check_param(
            key in _RFM_KEYS,
            "thresholds",
            "a mapping with keys 'recency', 'frequency', 'monetary'",
            dict(thresholds),
        )
        if edges is None:
            continue
        arr = None
        if isinstance(edges, Sequence | np.ndarray) and not isinstance(edges, str):
            try:
                arr = np.asarray(edges, dtype=float)
            except (TypeError, ValueError):
                arr = None
        ok = (
            arr is not None
            and arr.ndim == 1
            and len(arr) == bins - 1
            and bool(np.isfinite(arr).all())
            and bool((np.diff(arr) > 0).all())
        )
        check_param(
            ok,
            f"thresholds['{key}']",
            f"{bins - 1} increasing numbers (one less than bins={bins})",
            edges,
        )
        assert arr is not None
        out[key] = arr
    return out


def _rescale_to_5(scores: np.ndarray, bins: int) -> np.ndarray:
    """Map scores 1..bins onto 1..5 by bin centres: ceil(5·(2s − 1) / (2·bins))."""
    return np.ceil((2 * scores - 1) * 5 / (2 * bins)).astype(np.int64)


def _rfm_core(snapshot: pd.DataFrame, bins: int, edges: dict[str, np.ndarray]) -> SegmentResult:
    recency = _num(snapshot, S.RECENCY_DAYS)
    freq = np.nan_to_num(_num(snapshot, SCORE_FREQUENCY), nan=0.0)
    money = np.nan_to_num(_num(snapshot, SCORE_MONETARY), nan=0.0)
    scored = ~_leads(snapshot)
    n = len(snapshot)
    scores = {}
    for key, x, lower_better in (
        ("recency", recency, True),
        ("frequency", freq, False),
        ("monetary", money, False),
    ):
        xs = x[scored]
        if key in edges:
            s = _threshold_scores(xs, edges[key], lower_better)
        elif lower_better:
            s = _quantile_scores(-xs, bins)
        else:
            # F and M: no order (no revenue) in the window scores 1; the quantiles are taken
            # among the buyers, so that a one-order newcomer is not ranked against the silent
            s = np.ones(len(xs), dtype=np.int64)
            buyers = xs > 0
            s[buyers] = _quantile_scores(xs[buyers], bins)
        full = np.zeros(n, dtype=np.int64)
        full[scored] = s
        scores[key] = full
    r, f, m = scores["recency"], scores["frequency"], scores["monetary"]
    r5, f5, m5 = (_rescale_to_5(np.maximum(s, 1), bins) for s in (r, f, m))
    fm = (f5 + m5 + 1) // 2
    seg = np.where(scored, _RFM_GRID_CODES[r5 - 1, fm - 1], len(RFM_SEGMENTS) - 1)
    width = 1 if bins <= 9 else None
    combos = [
        f"{a}{b}{c}" if width else f"{a}-{b}-{c}"
        for a in range(1, bins + 1)
        for b in range(1, bins + 1)
        for c in range(1, bins + 1)
    ]
    rfm_code = np.where(scored, (r - 1) * bins * bins + (f - 1) * bins + (m - 1), -1)

    def nullable(s: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(np.where(scored, s, 0).astype(np.int8), ~scored)

    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.RECENCY_DAYS: recency,
            SCORE_FREQUENCY: freq,
            SCORE_MONETARY: money,
            S.R_SCORE: nullable(r),
            S.F_SCORE: nullable(f),
            S.M_SCORE: nullable(m),
            S.RFM: pd.Categorical.from_codes(rfm_code, categories=combos),
            S.RFM_SEGMENT: _categorical(seg, RFM_SEGMENTS),
        }
    )
    summary = _summary(
        S.RFM_SEGMENT,
        seg.astype(np.int64),
        RFM_SEGMENTS,
        {S.REVENUE: money},
        {S.REVENUE_SHARE: S.REVENUE},
    )
    return SegmentResult(
        "rfm",
        clients,
        summary,
        (),
        {"bins": bins, "thresholds": {k: tuple(v) for k, v in edges.items()}},
    )


def rfm(
    snapshot: pd.DataFrame,
    *,
    bins: int = 5,
    thresholds: Mapping[str, Sequence[float] | None] | None = None,
) -> SegmentResult:
    """RFM scores (1 = worst, ``bins`` = best) and the named RFM segments.

    R from ``recency_days`` (fewer days = higher score), F from ``orders_window`` and M from
    ``revenue_window`` — F and M cover the same look-back window, so a client silent for longer
    than the window gets the lowest F and M of the base whatever its history (the lifecycle and
    the reactivation list look at the history).

    Quantile scores (the default) use mid-rank percentiles: ``score = ceil(bins × (rank − ½) /
    n)`` with the average rank of tied values. Tied clients share a score (so score groups can be
    uneven when many clients have, say, one order); a single client, or a base where everyone is
    equal, gets the middle score ``ceil(bins / 2)`` (3 of 5); ten distinct values get 1,1,2,2,…,5,5.
    F and M quantiles are taken among the clients with orders (revenue) in the window; clients
    with none score 1 — otherwise the silent clients fill the lowest scores and a newcomer with
    one order could never score F = 1, so the ``new`` segment would stay empty.
    Fixed thresholds replace the quantiles per dimension: ``bins − 1`` increasing numbers; for
    frequency and monetary a value ``v`` scores 1 + the number of thresholds ``<= v``; for recency
    a client scores ``bins`` when ``recency_days <= t1``, ``bins − 1`` when ``<= t2`` …, 1 above the
    last. A missing recency scores 1; missing orders or revenue count as 0.

    Segments (on the 1–5 scale; other ``bins`` are rescaled by bin centres,
    ``ceil(5 (2s − 1) / (2 bins))``) use R and FM = ceil((F + M) / 2)::

        R \\ FM  1               2                   3                   4          5
        5        new             potential_loyalist  potential_loyalist  champions  champions
        4        promising       potential_loyalist  potential_loyalist  loyal      loyal
        3        about_to_sleep  about_to_sleep      need_attention      loyal      loyal
        2        hibernating     hibernating         at_risk             at_risk    cant_lose
        1        lost            lost                at_risk             at_risk    cant_lose

    Leads are not scored: scores NA, ``rfm`` NaN and segment ``none``.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id, recency_days, orders_window, revenue_window`` and ``is_lead``
        (optional).
    bins : int, default 5
        Number of scores, from 2 to 10.
    thresholds : mapping or None, default None
        ``{"recency": [...], "frequency": [...], "monetary": [...]}``, each ``bins − 1``
        increasing numbers or None; dimensions not given use quantiles.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, recency_days, orders_window, revenue_window, r_score, f_score,
        m_score`` (Int8, NA for leads), ``rfm`` (code such as ``"545"``; ``"10-4-5"`` style when
        bins = 10), ``rfm_segment``. ``summary``: ``rfm_segment, n_clients, client_share,
        revenue, revenue_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": list("abcde"),
    ...                      "recency_days": [5, 20, 40, 200, 400],
    ...                      "orders_window": [12, 6, 4, 2, 1],
    ...                      "revenue_window": [900.0, 500.0, 300.0, 100.0, 50.0]})
    >>> res = rfm(snap)
    >>> res.clients["rfm"].tolist()
    ['555', '444', '333', '222', '111']
    >>> res.clients["rfm_segment"].tolist()
    ['champions', 'loyal', 'need_attention', 'hibernating', 'lost']
    """
    what = "rfm()"
    check_param(
        isinstance(bins, (int, np.integer)) and not isinstance(bins, bool) and 2 <= bins <= 10,
        "bins",
        "an integer from 2 to 10",
        bins,
    )
    edges = _check_thresholds(thresholds, int(bins))
    _require(snapshot, [S.RECENCY_DAYS, SCORE_FREQUENCY, SCORE_MONETARY], what)
    _check_ids(snapshot, what)
    return _rfm_core(snapshot, int(bins), edges)


# --- BCG ----------------------------------------------------------------------------------------
def _bcg_core(snapshot: pd.DataFrame, growth_threshold: float) -> SegmentResult:
    revenue = np.nan_to_num(_num(snapshot, S.REVENUE_WINDOW), nan=0.0)
    prev = np.nan_to_num(_num(snapshot, S.REVENUE_PREV_WINDOW), nan=0.0)
    leads = _leads(snapshot)
    positive = (revenue > 0) & ~leads
    rel = np.full(len(revenue), np.nan)
    growth = np.full(len(revenue), np.nan)
    notes: list[tuple[str, dict]] = []
    if positive.any():
        median = float(np.median(revenue[positive]))
        rel[positive] = np.log10(revenue[positive] / median)
    else:
        notes.append(("bcg_nothing_positive", {}))
    has_prev = prev > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        growth[has_prev] = revenue[has_prev] / prev[has_prev] - 1.0
    growing = np.where(has_prev, growth > growth_threshold, revenue > 0)
    high = positive & (rel >= 0)
    codes = np.where(high, np.where(growing, 0, 1), np.where(growing & positive, 2, 3))
    codes = np.where(leads, 4, codes).astype(np.int8)
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.REVENUE_WINDOW: revenue,
            S.REVENUE_PREV_WINDOW: prev,
            S.RELATIVE_SHARE: rel,
            S.GROWTH: growth,
            S.BCG: _categorical(codes, BCG_CLASSES),
        }
    )
    summary = _summary(
        S.BCG,
        codes,
        BCG_CLASSES,
        {S.REVENUE: revenue, S.REVENUE_PREV_WINDOW: prev},
        {S.REVENUE_SHARE: S.REVENUE},
    )
    new_growing = int((positive & ~has_prev).sum())
    if new_growing:
        notes.append(("bcg_new_count_as_growing", {"n": new_growing}))
    return SegmentResult(
        "bcg", clients, summary, tuple(notes), {"growth_threshold": growth_threshold}
    )


def bcg(snapshot: pd.DataFrame, *, growth_threshold: float = 0.0) -> SegmentResult:
    """The client BCG matrix: relative revenue share against revenue growth.

    x = ``log10(revenue_window / median)``, the median taken over clients with a positive revenue
    in the window; a client at or above the median (x >= 0) has a high share. y = growth =
    ``revenue_window / revenue_prev_window − 1``; a client is growing when growth >
    ``growth_threshold``. Clients with revenue now but none (<= 0) in the previous window — new
    or returning clients — have undefined growth (NaN) and count as growing. Classes: ``star``
    (high share, growing), ``cash_cow`` (high, not growing), ``question_mark`` (low, growing),
    ``dog`` (low, not growing). Clients with no positive revenue in the window are dogs; leads are
    ``none``.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id, revenue_window, revenue_prev_window`` and ``is_lead`` (optional).
    growth_threshold : float, default 0.0
        Growth that separates growing from not growing (0.1 = +10 %).

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, revenue_window, revenue_prev_window`` (NaN → 0),
        ``relative_share`` (NaN when revenue <= 0), ``growth`` (NaN when the previous revenue <=
        0), ``bcg``. ``summary``: ``bcg, n_clients, client_share, revenue,
        revenue_prev_window, revenue_share``.

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": list("abcd"),
    ...                      "revenue_window": [400.0, 300.0, 20.0, 10.0],
    ...                      "revenue_prev_window": [200.0, 600.0, 10.0, 40.0]})
    >>> bcg(snap).clients["bcg"].tolist()
    ['star', 'cash_cow', 'question_mark', 'dog']
    """
    what = "bcg()"
    check_param(
        isinstance(growth_threshold, (int, float, np.floating))
        and not isinstance(growth_threshold, bool)
        and math.isfinite(growth_threshold),
        "growth_threshold",
        "a finite number such as 0.0 or 0.1",
        growth_threshold,
    )
    _require(snapshot, [S.REVENUE_WINDOW, S.REVENUE_PREV_WINDOW], what)
    _check_ids(snapshot, what)
    return _bcg_core(snapshot, float(growth_threshold))


# --- size tiers and share of wallet -------------------------------------------------------------
def _potential(clients: pd.DataFrame | None, snapshot: pd.DataFrame) -> np.ndarray | None:
    if clients is None:
        return None
    if not isinstance(clients, pd.DataFrame):
        raise InputError(
            f"`clients` must be the clients table (a DataFrame) or None, got "
            f"{type(clients).__name__}."
        )
    if S.CLIENT_ID not in clients.columns:
        raise InputError(
            "`clients` has no client_id column; pass the clients table of the "
            "Dataset (reportkit.load(...).clients)."
        )
    if S.POTENTIAL not in clients.columns:
        return None
    pot = _num(clients, S.POTENTIAL, where="clients")
    ids = clients[S.CLIENT_ID]
    known = ~np.isnan(pot)
    dup = ids[known].duplicated()
    if dup.any():
        examples = ", ".join(map(repr, ids[known][dup].unique()[:3].tolist()))
        raise InputError(
            f"clients table: {int(dup.sum())} client_id values with a potential "
            f"repeat (e.g. {examples}); keep one potential per client."
        )
    return _lookup(snapshot[S.CLIENT_ID], ids[known], pot[known])


def _lookup(keys: pd.Series, ids: pd.Series, values: np.ndarray) -> np.ndarray:
    """``values`` of ``ids`` (unique) for every key; NaN where a key is not among ``ids``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # a C++ hash join, several times faster than pandas reindex on a million strings
        key_arr, id_arr = (
            pa.array(s.array if hasattr(s.array, "__arrow_array__") else s.to_numpy())
            for s in (keys, ids)
        )
        if id_arr.type != key_arr.type:
            id_arr = id_arr.cast(key_arr.type)
        pos = pc.index_in(key_arr, value_set=id_arr).to_numpy(zero_copy_only=False)
    except (pa.ArrowException, TypeError, ValueError):
        series = pd.Series(values, index=ids.to_numpy())
        return series.reindex(keys.to_numpy()).to_numpy(dtype=float)
    pos = np.asarray(pos, dtype=float)
    found = ~np.isnan(pos)
    out = np.full(len(keys), np.nan)
    out[found] = values[pos[found].astype(np.int64)]
    return out


def _size_core(
    snapshot: pd.DataFrame,
    cutoffs: tuple[float, float],
    by: str,
    potential: np.ndarray | None,
    cache: dict | None = None,
) -> SegmentResult:
    value = np.nan_to_num(_num(snapshot, by), nan=0.0)
    leads = _leads(snapshot)
    value[leads] = 0.0
    codes, share, cum, total = _pareto(value, _ids(snapshot), cutoffs, cache, by)
    clients = pd.DataFrame(
        {
            S.CLIENT_ID: snapshot[S.CLIENT_ID].array,
            S.VALUE: value,
            S.SHARE: share,
            S.CUM_SHARE: cum,
            S.SIZE_TIER: _categorical(codes, SIZE_TIERS),
        }
    )
    amounts: dict[str, np.ndarray] = {S.VALUE: value}
    notes: list[tuple[str, dict]] = []
    if total <= 0 and len(value):
        notes.append(("size_nothing_positive", {"by": by}))
    if potential is not None:
        revenue = np.nan_to_num(_num(snapshot, S.REVENUE_WINDOW), nan=0.0)
        known = potential > 0
        pot = np.where(known, potential, np.nan)
        with np.errstate(invalid="ignore"):
            sow = np.where(known, revenue / pot, np.nan)
            unreal = np.where(known, np.maximum(pot - np.maximum(revenue, 0.0), 0.0), np.nan)
        clients[S.POTENTIAL] = pot
        clients[S.SHARE_OF_WALLET] = sow
        clients[S.UNREALISED_POTENTIAL] = unreal
        amounts[S.POTENTIAL] = pot
        amounts["_revenue_with_potential"] = np.where(known, revenue, 0.0)
        amounts[S.UNREALISED_POTENTIAL] = unreal
        if not known.any():
            notes.append(("wallet_no_potential", {}))
    summary = _summary(S.SIZE_TIER, codes, SIZE_TIERS, amounts, {S.VALUE_SHARE: S.VALUE})
    if potential is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            summary[S.SHARE_OF_WALLET] = np.where(
                summary[S.POTENTIAL] > 0,
                summary["_revenue_with_potential"] / summary[S.POTENTIAL],
                np.nan,
            )
        summary = summary.drop(columns="_revenue_with_potential")
        cols = [c for c in summary.columns if c not in (S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL)]
        summary = summary[cols + [S.SHARE_OF_WALLET, S.UNREALISED_POTENTIAL]]
    return SegmentResult("size", clients, summary, tuple(notes), {"by": by, "cutoffs": cutoffs})


def size_tiers(
    snapshot: pd.DataFrame,
    *,
    cutoffs: Sequence[float] = (0.80, 0.95),
    by: str = S.REVENUE_WINDOW,
    clients: pd.DataFrame | None = None,
) -> SegmentResult:
    """Large / medium / small clients by cumulative share, and share of wallet.

    Tiers follow the ABC rule on ``by``: large = the clients making the first 80 % of the
    positive total, medium = the next 15 %, small = the rest (and leads). When ``clients``
    carries ``potential`` (the client's annual purchasing potential, assumed comparable with
    the window's revenue), ``share_of_wallet = revenue_window / potential`` (may exceed 1 when the
    potential is understated) and ``unrealised_potential = max(potential − max(revenue_window, 0),
    0)``: returns do not make the unrealised potential larger than the potential. A potential that
    is missing or <= 0 leaves both NaN.

    Parameters
    ----------
    snapshot : DataFrame
        Uses ``client_id``, the ``by`` column, ``revenue_window`` (for share of wallet) and
        ``is_lead`` (optional).
    cutoffs : (float, float), default (0.80, 0.95)
        Cumulative shares closing the large and medium tiers.
    by : str, default "revenue_window"
        One of ``revenue_window``, ``best12_revenue``, ``revenue_total``, ``margin_window``.
    clients : DataFrame or None, default None
        The clients table; only ``client_id`` and ``potential`` are used.

    Returns
    -------
    SegmentResult
        ``clients``: ``client_id, value, share, cum_share, size_tier`` and, with a potential,
        ``potential, share_of_wallet, unrealised_potential``. ``summary``: ``size_tier,
        n_clients, client_share, value, value_share`` and, with a potential, ``potential``
        (sum), ``share_of_wallet`` (revenue of the clients with a potential / their potential),
        ``unrealised_potential`` (sum).

    Examples
    --------
    >>> snap = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                      "revenue_window": [80.0, 15.0, 5.0]})
    >>> crm = pd.DataFrame({"client_id": ["a", "b"], "potential": [100.0, 60.0]})
    >>> res = size_tiers(snap, clients=crm)
    >>> res.clients[["size_tier", "share_of_wallet", "unrealised_potential"]].values.tolist()
    [['large', 0.8, 20.0], ['medium', 0.25, 45.0], ['small', nan, nan]]
    """
    what = "size_tiers()"
    cut = _check_cutoffs(cutoffs, "cutoffs")
    check_param(by in SIZE_BY, "by", f"one of {', '.join(map(repr, SIZE_BY))}", by)
    _require(snapshot, [by, S.REVENUE_WINDOW], what)
    _check_ids(snapshot, what)
    return _size_core(snapshot, cut, by, _potential(clients, snapshot))


# --- everything at once -------------------------------------------------------------------------
def segment_all(
    snapshot: pd.DataFrame,
    *,
    settings: SegmentationSettings | None = None,
    clients: pd.DataFrame | None = None,
) -> Segments:
    """Run every segmentation on one snapshot.

    Parameters
    ----------
    snapshot : DataFrame
        The client snapshot (all columns used by :func:`abc`, :func:`xyz`, :func:`rfm`,
        :func:`bcg` and :func:`size_tiers`).
    settings : SegmentationSettings or None, default None
        None uses ``SegmentationSettings()``: ABC by revenue with cut-offs (0.80, 0.95), XYZ
        (0.5, 1.0) with 3 months' minimum tenure, 5 RFM quantile scores, BCG growth threshold 0,
        size cut-offs (0.80, 0.95) on ``size_by = "revenue_window"`` (``contact_policy`` is
        used by the report, not here).
    clients : DataFrame or None, default None
        The clients table, for share of wallet (``potential``).

    Returns
    -------
    Segments
        ``abc, xyz, abcxyz, rfm, bcg, size`` results; ``to_frame()`` has one row per client:
        ``client_id, abc, xyz, abcxyz, r_score, f_score, m_score, rfm, rfm_segment, bcg,
        size_tier`` (+ ``share_of_wallet, unrealised_potential`` with a potential).

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b", "c"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2022-01-10", "2023-03-01", "2024-05-02"]),
    ...     "recency_days": [10, 60, 59], "orders_window": [12, 3, 1],
    ...     "revenue_window": [800.0, 150.0, 50.0], "revenue_prev_window": [700.0, 300.0, 0.0],
    ...     "cv": [0.3, 1.4, 3.3], "is_lead": [False, False, False]})
    >>> segment_all(snap).to_frame()[["client_id", "abcxyz", "rfm_segment", "bcg"]]
      client_id abcxyz     rfm_segment            bcg
    0         a     AX       champions           star
    1         b     BZ         at_risk       cash_cow
    2         c  C_new  about_to_sleep  question_mark
    """
    what = "segment_all()"
    s = SegmentationSettings() if settings is None else settings
    if not isinstance(s, SegmentationSettings):
        raise InputError(
            f"`settings` must be a SegmentationSettings (e.g. "
            f"load_config(path).segmentation), got {type(s).__name__}."
        )
    check_param(
        s.abc_by in ("revenue", "margin"), "settings.abc_by", "'revenue' or 'margin'", s.abc_by
    )
    abc_cut = _check_cutoffs(s.abc_cutoffs, "settings.abc_cutoffs")
    size_cut = _check_cutoffs(s.size_cutoffs, "settings.size_cutoffs")
    lo, hi = s.xyz_cutoffs
    check_param(
        0 <= lo < hi, "settings.xyz_cutoffs", "two numbers with 0 <= first < second", s.xyz_cutoffs
    )
    check_param(
        isinstance(s.min_tenure_months, int) and s.min_tenure_months >= 0,
        "settings.min_tenure_months",
        "an integer >= 0",
        s.min_tenure_months,
    )
    check_param(
        isinstance(s.rfm_bins, int) and 2 <= s.rfm_bins <= 10,
        "settings.rfm_bins",
        "an integer from 2 to 10",
        s.rfm_bins,
    )
    edges = _check_thresholds(
        {"recency": s.rfm_recency_days, "frequency": s.rfm_frequency, "monetary": s.rfm_monetary},
        s.rfm_bins,
    )
    check_param(math.isfinite(s.bcg_growth), "settings.bcg_growth", "a finite number", s.bcg_growth)
    abc_col = S.REVENUE_WINDOW if s.abc_by == "revenue" else S.MARGIN_WINDOW
    check_param(
        s.size_by in SIZE_BY,
        "settings.size_by",
        f"one of {', '.join(map(repr, SIZE_BY))}",
        s.size_by,
    )
    _require(
        snapshot,
        [
            abc_col,
            S.CV,
            S.FIRST_ORDER,
            S.AS_OF,
            S.REVENUE_WINDOW,
            S.REVENUE_PREV_WINDOW,
            S.RECENCY_DAYS,
            S.ORDERS_WINDOW,
            s.size_by,
        ],
        what,
    )
    _check_ids(snapshot, what)
    potential = _potential(clients, snapshot)
    cache: dict = {}  # ABC and size tiers on the same column share one sort
    a = _abc_core(snapshot, s.abc_by, abc_cut, cache)
    x = _xyz_core(snapshot, (float(lo), float(hi)), s.min_tenure_months)
    m = abc_xyz_matrix(a, x)
    r = _rfm_core(snapshot, s.rfm_bins, edges)
    b = _bcg_core(snapshot, float(s.bcg_growth))
    z = _size_core(snapshot, size_cut, s.size_by, potential, cache)
    return Segments(abc=a, xyz=x, abcxyz=m, rfm=r, bcg=b, size=z)
