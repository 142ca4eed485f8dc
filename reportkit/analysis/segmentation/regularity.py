"""XYZ classes by the regularity of monthly revenue, and the ABC×XYZ matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from .base import (
    ABC_CLASSES,
    ABCXYZ_CELLS,
    XYZ_CLASSES,
    ABCXYZMatrix,
    SegmentResult,
    _categorical,
    _check_ids,
    _leads,
    _num,
    _require,
    _summary,
)


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
    xyz_values = _aligned_xyz(fa, _frame_of(xyz, S.XYZ, "xyz"))
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
    notes: list[tuple[str, dict]] = []
    n_none = int((cell == len(ABCXYZ_CELLS) - 1).sum())
    if n_none:
        notes.append(("abcxyz_leads_left_out", {"n": n_none}))
    by = abc.params.get("by", "revenue") if isinstance(abc, SegmentResult) else "revenue"
    summary = _cell_summary(cell, value)
    return ABCXYZMatrix("abcxyz", clients, summary, tuple(notes), {"by": by})


def _aligned_xyz(fa: pd.DataFrame, fx: pd.DataFrame) -> pd.Series:
    """The XYZ classes of ``fx`` in the client order of ``fa`` (both are for the same clients)."""
    ids_a = fa[S.CLIENT_ID].reset_index(drop=True)
    xyz_values = fx[S.XYZ]
    if ids_a.equals(fx[S.CLIENT_ID].reset_index(drop=True)):
        return xyz_values
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
    return aligned


def _cell_summary(cell: np.ndarray, value: np.ndarray) -> pd.DataFrame:
    """Clients and value per cell of the matrix (12 rows; leads, cell ``none``, left out)."""
    in_matrix = cell < len(ABCXYZ_CELLS) - 1
    k = len(ABCXYZ_CELLS) - 1
    n = np.bincount(cell[in_matrix], minlength=k)[:k]
    v = np.bincount(cell[in_matrix], weights=value[in_matrix], minlength=k)[:k]
    pos_total = value[value > 0].sum()
    return pd.DataFrame(
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
