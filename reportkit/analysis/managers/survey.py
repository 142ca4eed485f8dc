"""NPS: the Net Promoter Score overall and by group, with the number of answers and a confidence
interval (:func:`nps`, :func:`nps_by`), and the class A detractors to call first
(:func:`detractors_a`). The rules are in :mod:`reportkit.analysis.managers`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from ..result import Note
from .common import (
    DETRACTOR,
    NO_GROUP,
    OVERALL,
    PASSIVE,
    PROMOTER,
    _abc_frame,
    _abc_source,
    _dates,
    _day,
    _ids,
    _names,
    _table,
)
from .portfolio import Managers

__all__ = ["NPSResult", "detractors_a", "nps", "nps_by"]


def _check_nps_params(min_answers: Any, confidence: Any) -> None:
    check_param(
        isinstance(min_answers, (int, np.integer))
        and not isinstance(min_answers, bool)
        and min_answers >= 1,
        "min_answers",
        "an integer >= 1",
        min_answers,
    )
    check_param(
        isinstance(confidence, (int, float, np.floating))
        and not isinstance(confidence, bool)
        and 0 < confidence < 1,
        "confidence",
        "a number between 0 and 1 (exclusive), e.g. 0.95",
        confidence,
    )


def _latest_answers(surveys: Any, as_of: Any) -> tuple[pd.DataFrame, int, int, pd.Timestamp | None]:
    """(latest answer per client, answers after as_of, clients with several answers, as_of)."""
    sv = _table(surveys, "surveys", "survey answers", [S.CLIENT_ID, S.DATE, S.SCORE])
    ids = _ids(sv[S.CLIENT_ID], "surveys")
    dates = _dates(sv[S.DATE], "surveys", S.DATE, allow_missing=False)
    raw = sv[S.SCORE]
    score = (
        pd.to_numeric(raw, errors="coerce")
        if not pd.api.types.is_bool_dtype(raw)
        else pd.Series(np.nan, index=raw.index)
    )
    bad = (score.isna() | (score < 0) | (score > 10)).to_numpy()
    if bad.any():
        pos = np.flatnonzero(bad)
        examples = ", ".join(f"{raw.iloc[i]!r} (position {i})" for i in pos[:3])
        raise InputError(
            f"`surveys`: column `score` has {len(pos):,} values that are missing or "
            f"outside 0–10 (e.g. {examples}); NPS answers are scores from 0 to 10. "
            "Fix or drop those rows (reportkit.load rejects them with a reason)."
        )
    day = None if as_of is None else _day(as_of, "as_of")
    frame = pd.DataFrame(
        {S.CLIENT_ID: ids, S.DATE: dates.to_numpy(), S.SCORE: score.to_numpy(dtype=float)}
    )
    n_later = 0
    if day is not None:
        keep = (frame[S.DATE] < day + pd.Timedelta(days=1)).to_numpy()
        n_later = int((~keep).sum())
        frame = frame[keep]
    n_repeat = int((frame[S.CLIENT_ID].value_counts() > 1).sum())
    frame = frame.sort_values(
        [S.CLIENT_ID, S.DATE, S.SCORE], ascending=[True, False, True], kind="stable"
    )
    frame = frame.drop_duplicates(S.CLIENT_ID, keep="first").reset_index(drop=True)
    s = frame[S.SCORE].to_numpy()
    frame[S.NPS_CATEGORY] = np.where(s >= 9, PROMOTER, np.where(s >= 7, PASSIVE, DETRACTOR))
    return frame, n_later, n_repeat, day


def _stats(
    category: pd.Series, keys: list[np.ndarray] | None, min_answers: int, confidence: float
) -> pd.DataFrame:
    """Counts, shares, NPS, SE and interval per group (one row when ``keys`` is None)."""
    dummies = pd.DataFrame(
        {
            S.PROMOTERS: (category == PROMOTER).to_numpy(np.int64),
            S.PASSIVES: (category == PASSIVE).to_numpy(np.int64),
            S.DETRACTORS: (category == DETRACTOR).to_numpy(np.int64),
        }
    )
    if keys is None:
        counts = dummies.sum().to_frame().T
    else:
        counts = dummies.groupby(keys, sort=False, dropna=False).sum()
    n = counts.sum(axis=1).to_numpy(np.int64)
    pro = counts[S.PROMOTERS].to_numpy(float)
    det = counts[S.DETRACTORS].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pro, p_det = pro / n, det / n
        score = (pro - det) / n
        se = np.sqrt(np.maximum(p_pro + p_det - score**2, 0.0) / n)
    z = NormalDist().inv_cdf(1 - (1 - float(confidence)) / 2)
    few = n < min_answers
    out = pd.DataFrame(
        {
            S.N_ANSWERS: n,
            S.PROMOTERS: counts[S.PROMOTERS].to_numpy(np.int64),
            S.PASSIVES: counts[S.PASSIVES].to_numpy(np.int64),
            S.DETRACTORS: counts[S.DETRACTORS].to_numpy(np.int64),
            S.PROMOTER_SHARE: np.where(few, np.nan, p_pro),
            S.DETRACTOR_SHARE: np.where(few, np.nan, p_det),
            S.NPS: np.where(few, np.nan, 100 * score),
            S.NPS_SE: np.where(few, np.nan, 100 * se),
            S.CI_LOW: np.where(few, np.nan, np.clip(100 * (score - z * se), -100, 100)),
            S.CI_HIGH: np.where(few, np.nan, np.clip(100 * (score + z * se), -100, 100)),
            S.TOO_FEW: few,
        },
        index=counts.index,
    )
    return out


def _group_values(by: Any, argument: str, column: str | None = None) -> pd.DataFrame:
    """A grouping as a frame ``client_id`` + group column(s), ids unique."""
    obj = by
    if isinstance(by, Managers):
        obj = by.clients  # who manages whom: the manager column
        if column is None and S.MANAGER in obj.columns:
            column = S.MANAGER
    elif not isinstance(by, pd.DataFrame) and isinstance(
        getattr(by, "clients", None), pd.DataFrame
    ):
        # SegmentResult → its class column (abc, xyz, …), Lifecycle → block
        obj = by.clients
        default = getattr(by, "name", None) or S.BLOCK
        if column is None and default in obj.columns:
            column = default
    frame = _table(obj, argument, "grouping (client_id and the group column)", [S.CLIENT_ID])
    if column is not None:
        if column in frame.columns:
            cols = [column]
        else:
            others = [c for c in frame.columns if c != S.CLIENT_ID]
            if len(others) != 1:
                raise InputError(
                    f"`{argument}` has no column `{column}` and {len(others)} other "
                    "columns besides client_id; name the dict key after the group "
                    "column or pass a frame with client_id and one group column."
                )
            cols = others
    else:
        cols = [c for c in frame.columns if c != S.CLIENT_ID]
        if not cols:
            raise InputError(
                f"`{argument}` has only client_id; add the group column(s), e.g. "
                "abc, block or manager."
            )
    out = pd.DataFrame({S.CLIENT_ID: _ids(frame[S.CLIENT_ID], argument)})
    for c in cols:
        out[c] = frame[c].to_numpy()
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            out[c] = frame[c].array
    if out[S.CLIENT_ID].duplicated().any():
        dup = out.loc[out[S.CLIENT_ID].duplicated(), S.CLIENT_ID].head(3).tolist()
        raise InputError(
            f"`{argument}` repeats client_id values (e.g. {dup}); each client belongs to one group."
        )
    return out


def _grouped(
    answers: pd.DataFrame, groups: pd.DataFrame, min_answers: int, confidence: float
) -> tuple[pd.DataFrame, list[str]]:
    cols = [c for c in groups.columns if c != S.CLIENT_ID]
    merged = answers[[S.CLIENT_ID, S.NPS_CATEGORY]].merge(groups, on=S.CLIENT_ID, how="left")
    keys = []
    orders = []
    for c in cols:
        col = merged[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            order = [str(v) for v in col.cat.categories]
        else:
            order = sorted({str(v) for v in col.dropna().unique()})
        vals = (
            col.astype(object)
            .where(col.notna(), None)
            .map(lambda v: NO_GROUP if v is None else str(v), na_action=None)
        )
        keys.append(vals.to_numpy(dtype=object))
        orders.append({v: i for i, v in enumerate([*order, NO_GROUP])})
    table = _stats(merged[S.NPS_CATEGORY], keys, min_answers, confidence)
    table.index.names = cols
    table = table.reset_index()
    rank = [table[c].map(o).to_numpy() for c, o in zip(cols, orders)]
    table = table.iloc[np.lexsort(rank[::-1])].reset_index(drop=True)
    return table, cols


@dataclass(repr=False, eq=False)
class NPSResult:
    """Net Promoter Score overall and per group (made by :func:`nps` or :func:`nps_by`).

    Attributes
    ----------
    summary : DataFrame
        One row per group (the group column(s) first), or the single overall row; columns in
        :func:`nps`.
    overall : DataFrame
        The all-answers row (same statistics columns).
    clients : DataFrame
        The per-client table: the answer used per client, ``client_id, date, score,
        nps_category``.
    group_columns : tuple of str
        The group columns of ``summary`` (empty for the overall row).
    notes : tuple of (code, params)
    as_of : Timestamp or None
    min_answers : int
    confidence : float
    """

    summary: pd.DataFrame
    overall: pd.DataFrame
    clients: pd.DataFrame
    group_columns: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    as_of: pd.Timestamp | None = None
    min_answers: int = 10
    confidence: float = 0.95

    @property
    def value(self) -> float:
        """The overall NPS in points (NaN with too few answers)."""
        return float(self.overall[S.NPS].iloc[0])

    @property
    def params(self) -> dict[str, Any]:
        """The settings used: ``as_of``, ``min_answers``, ``confidence``."""
        return {"as_of": self.as_of, "min_answers": self.min_answers, "confidence": self.confidence}

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`); the per-group one is
        :attr:`summary`."""
        return self.clients.copy()

    def _repr_html_(self) -> str:
        return self.summary.to_html(index=False, border=0)

    def __repr__(self) -> str:
        v = self.value
        shown = "too few answers" if math.isnan(v) else f"{v:.1f}"
        return (
            f"<NPSResult: NPS {shown} from {int(self.overall[S.N_ANSWERS].iloc[0]):,} "
            f"answers, {len(self.summary)} rows>"
        )


_STATS_DOC = """``n_answers`` (clients answering), ``promoters``, ``passives``, ``detractors``
        (counts), ``promoter_share``, ``detractor_share`` (0–1), ``nps`` (points, −100 … 100),
        ``nps_se`` (points), ``ci_low``, ``ci_high`` (points), ``too_few`` (bool; shares, NPS,
        SE and bounds are NaN when True)"""


def nps(
    surveys: pd.DataFrame,
    *,
    as_of: Any = None,
    by: Any = None,
    min_answers: int = 10,
    confidence: float = 0.95,
) -> NPSResult:
    """Net Promoter Score with its confidence interval, overall or per group.

    Rules (latest answer per client, categories, standard error) are in the module docstring.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    as_of : str, date, Timestamp or None, default None
        Use answers dated on or before this day; None uses every answer.
    by : DataFrame, SegmentResult, Lifecycle, Managers or None, default None
        ``client_id`` and the group column(s) (e.g. ``abc``, ``block``, ``manager``); an object
        by its ``clients`` / ``frame`` table (Managers: by ``manager``; else every column besides
        ``client_id`` groups). Answers of clients not in it form the group ``(no group)``.
    min_answers : int, default 10
        Groups (and the overall row) with fewer answers are not scored.
    confidence : float, default 0.95
        Two-sided level of the interval.

    Returns
    -------
    NPSResult
        ``summary``: the group column(s) (values as text, ordered as their categories or
        sorted, ``(no group)`` last), then {stats}. Without ``by`` it is the one overall row.
        ``overall``, ``clients`` (``client_id, date, score, nps_category``), ``notes``.

    Raises
    ------
    InputError
        Missing columns, scores missing or outside 0–10, dates that are not dates, a grouping
        that repeats clients.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": list("abcdefghij"),
    ...                    "date": pd.Timestamp("2024-03-15"),
    ...                    "score": [10, 9, 9, 10, 8, 7, 8, 3, 6, 0]})
    >>> r = nps(sv)
    >>> r.value
    10.0
    >>> round(float(r.overall["ci_low"].iloc[0]), 1), round(float(r.overall["ci_high"].iloc[0]), 1)
    (-41.5, 61.5)
    """
    _check_nps_params(min_answers, confidence)
    answers, n_later, n_repeat, day = _latest_answers(surveys, as_of)
    notes: list[tuple[str, dict]] = []
    if n_later:
        notes.append(("note.later_answers", {"n": n_later, "as_of": day}))
    if n_repeat:
        notes.append(("note.repeat_answers", {"n": n_repeat}))
    overall = _stats(answers[S.NPS_CATEGORY], None, min_answers, confidence).reset_index(drop=True)
    cols: list[str] = []
    if by is None:
        table = overall.copy()
    else:
        groups = _group_values(by, "by")
        table, cols = _grouped(answers, groups, min_answers, confidence)
        n_few = int(table[S.TOO_FEW].sum())
        if n_few:
            notes.append(("note.too_few", {"n": n_few, "min": min_answers}))
    return NPSResult(
        summary=table,
        overall=overall,
        clients=answers,
        group_columns=tuple(cols),
        notes=tuple(notes),
        as_of=day,
        min_answers=int(min_answers),
        confidence=float(confidence),
    )


nps.__doc__ = (nps.__doc__ or "").replace("{stats}", _STATS_DOC)


def nps_by(
    surveys: pd.DataFrame,
    groups: Mapping[str, Any],
    *,
    as_of: Any = None,
    min_answers: int = 10,
    confidence: float = 0.95,
) -> NPSResult:
    """NPS overall and along several groupings at once, in one long table.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    groups : dict of str to DataFrame (or SegmentResult, Lifecycle, Managers)
        Name of the grouping → a frame with ``client_id`` and the group column. The column
        named like the key is used (``{"abc": segments.abc, "block": lifecycle, "manager":
        managers_result}``); otherwise the frame must have exactly one column besides
        ``client_id``.
    as_of, min_answers, confidence
        As in :func:`nps` (defaults None, 10, 0.95).

    Returns
    -------
    NPSResult
        ``summary``: ``dimension`` (``overall``, then each key of ``groups`` in order),
        ``group`` (the group value as text; ``overall`` for the first row, ``(no group)`` for
        answers outside the grouping), then {stats}.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": ["a", "b", "c"], "date": pd.Timestamp("2024-03-15"),
    ...                    "score": [10, 9, 2]})
    >>> seg = pd.DataFrame({"client_id": ["a", "b", "c"], "abc": ["A", "A", "B"]})
    >>> t = nps_by(sv, {"abc": seg}, min_answers=2).summary
    >>> t[["dimension", "group", "n_answers", "nps"]].round(1)
      dimension    group  n_answers    nps
    0   overall  overall          3   33.3
    1       abc        A          2  100.0
    2       abc        B          1    NaN
    """
    _check_nps_params(min_answers, confidence)
    if not isinstance(groups, Mapping) or not groups:
        raise InputError(
            "`groups` must be a non-empty dict {name: frame}, e.g. "
            "{'abc': segments.abc, 'block': lifecycle}; got "
            f"{type(groups).__name__}."
        )
    base = nps(surveys, as_of=as_of, min_answers=min_answers, confidence=confidence)
    first = base.overall.copy()
    first.insert(0, S.GROUP, OVERALL)
    first.insert(0, S.DIMENSION, OVERALL)
    parts = [first]
    n_few = 0
    for name, frame in groups.items():
        check_param(isinstance(name, str) and name != "", "groups key", "a non-empty string", name)
        g = _group_values(frame, f"groups[{name!r}]", column=name)
        table, cols = _grouped(base.clients, g, min_answers, confidence)
        n_few += int(table[S.TOO_FEW].sum())
        table = table.rename(columns={cols[0]: S.GROUP})
        table.insert(0, S.DIMENSION, name)
        parts.append(table)
    table = pd.concat(parts, ignore_index=True)
    table[S.GROUP] = table[S.GROUP].astype(object)
    notes = list(base.notes)
    if n_few:
        notes.append(("note.too_few", {"n": n_few, "min": min_answers}))
    return NPSResult(
        summary=table,
        overall=base.overall,
        clients=base.clients,
        group_columns=(S.DIMENSION, S.GROUP),
        notes=tuple(notes),
        as_of=base.as_of,
        min_answers=int(min_answers),
        confidence=float(confidence),
    )


nps_by.__doc__ = (nps_by.__doc__ or "").replace("{stats}", _STATS_DOC)


def _add_names_and_managers(out: pd.DataFrame, clients: Any, managers: Any) -> None:
    """Add ``name`` (from the cards) and ``manager`` (from ``managers``, else the cards) to the
    rows of ``out`` (by ``client_id``) when they are known."""
    mgr = None
    if managers is not None:
        g = _group_values(managers, "managers", column=S.MANAGER)
        mgr = pd.Series(g.iloc[:, 1].to_numpy(dtype=object), index=g[S.CLIENT_ID].to_numpy())
    if clients is not None:
        cl = _table(clients, "clients", "clients table", [S.CLIENT_ID])
        cl_ids = _ids(cl[S.CLIENT_ID], "clients")
        if S.NAME in cl.columns:
            names = pd.Series(cl[S.NAME].to_numpy(dtype=object), index=cl_ids)
            names = names[~names.index.duplicated()]
            out[S.NAME] = names.reindex(out[S.CLIENT_ID]).to_numpy(dtype=object)
        if mgr is None and S.MANAGER in cl.columns:
            mgr = pd.Series(_names(cl[S.MANAGER]), index=pd.Index(cl_ids, dtype=object))
            mgr = mgr[~mgr.index.duplicated()]
    if mgr is not None:
        out[S.MANAGER] = mgr.reindex(out[S.CLIENT_ID]).to_numpy(dtype=object)


def detractors_a(
    surveys: pd.DataFrame,
    abc: Any,
    *,
    as_of: Any = None,
    clients: pd.DataFrame | None = None,
    managers: Any = None,
) -> pd.DataFrame:
    """Class A clients whose latest answer is a detractor's (0–6): the calls to make first.

    Parameters
    ----------
    surveys : DataFrame
        ``client_id``, ``date``, ``score`` (0–10).
    abc : SegmentResult, Segments or DataFrame
        ABC classes: ``client_id``, ``abc`` (and ``value``, the revenue ranked, when present).
    as_of : str, date, Timestamp or None, default None
        Use answers dated on or before this day (latest answer per client, as in :func:`nps`).
    clients : DataFrame, optional
        Adds ``name`` (and ``manager`` unless ``managers`` is given) from the client cards.
    managers : Managers or DataFrame, optional
        :func:`managers` result or a frame ``client_id, manager``: adds ``manager``.

    Returns
    -------
    DataFrame
        ``client_id``, ``name`` (with ``clients``), ``manager`` (when known), ``date``,
        ``score``, ``value`` (when ``abc`` has it); largest value first, then lowest score.

    Examples
    --------
    >>> sv = pd.DataFrame({"client_id": ["a", "a", "b", "c"],
    ...                    "date": pd.to_datetime(["2024-01-10", "2024-03-15", "2024-03-15",
    ...                                            "2024-03-15"]),
    ...                    "score": [9, 4, 2, 10]})
    >>> seg = pd.DataFrame({"client_id": ["a", "b", "c"], "abc": ["A", "C", "A"]})
    >>> detractors_a(sv, seg)
      client_id       date  score
    0         a 2024-03-15    4.0
    """
    answers, _, _, _ = _latest_answers(surveys, as_of)
    af, _ = _abc_frame(abc)
    frame = _abc_source(abc)
    value = None
    if S.VALUE in frame.columns:
        value = pd.Series(
            pd.to_numeric(frame[S.VALUE], errors="coerce").to_numpy(float),
            index=pd.Index(af[S.CLIENT_ID], dtype=object),
        )
    a_ids = set(af[S.CLIENT_ID][af[S.ABC] == "A"])
    sel = answers[
        (answers[S.NPS_CATEGORY] == DETRACTOR) & answers[S.CLIENT_ID].isin(a_ids)
    ].reset_index(drop=True)
    out = pd.DataFrame({S.CLIENT_ID: sel[S.CLIENT_ID].to_numpy(dtype=object)})
    _add_names_and_managers(out, clients, managers)
    out[S.DATE] = sel[S.DATE].to_numpy()
    out[S.SCORE] = sel[S.SCORE].to_numpy()
    if value is not None:
        out[S.VALUE] = value.reindex(out[S.CLIENT_ID]).to_numpy()
        out = out.sort_values(
            [S.VALUE, S.SCORE, S.CLIENT_ID],
            ascending=[False, True, True],
            kind="stable",
            ignore_index=True,
        )
    else:
        out = out.sort_values([S.SCORE, S.CLIENT_ID], kind="stable", ignore_index=True)
    return out
