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

import math

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from ...io.config import SegmentationSettings
from .base import (
    ABC_CLASSES,
    ABCXYZ_CELLS,
    BCG_CLASSES,
    NONE,
    RFM_SEGMENTS,
    SCORE_FREQUENCY,
    SCORE_MONETARY,
    SIZE_BY,
    SIZE_TIERS,
    XYZ_CLASSES,
    ABCXYZMatrix,
    SegmentResult,
    Segments,
    _check_cutoffs,
    _check_ids,
    _require,
)
from .pareto import _abc_core, _potential, _size_core, abc, size_tiers
from .regularity import _xyz_core, abc_xyz_matrix, xyz
from .scores import _bcg_core, _check_thresholds, _rfm_core, bcg, rfm

__all__ = [
    "ABCXYZ_CELLS",
    "ABC_CLASSES",
    "BCG_CLASSES",
    "NONE",
    "RFM_SEGMENTS",
    "SCORE_FREQUENCY",
    "SCORE_MONETARY",
    "SIZE_BY",
    "SIZE_TIERS",
    "XYZ_CLASSES",
    "ABCXYZMatrix",
    "SegmentResult",
    "Segments",
    "abc",
    "abc_xyz_matrix",
    "bcg",
    "rfm",
    "segment_all",
    "size_tiers",
    "xyz",
]


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
    s, abc_cut, size_cut, xyz_cut, edges = _checked_settings(settings)
    abc_col = S.REVENUE_WINDOW if s.abc_by == "revenue" else S.MARGIN_WINDOW
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
    # the ids as one text array that the six results share (each built its own copy from an
    # object column: 0.9 GB at 10M clients); a shallow copy, the snapshot is not changed
    raw = snapshot[S.CLIENT_ID].to_numpy()
    if raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=False) == "string":
        ids = pd.array(raw, dtype="str")
        snapshot = snapshot.assign(**{S.CLIENT_ID: ids})
    potential = _potential(clients, snapshot)
    cache: dict = {}  # ABC and size tiers on the same column share one sort
    a = _abc_core(snapshot, s.abc_by, abc_cut, cache)
    x = _xyz_core(snapshot, xyz_cut, s.min_tenure_months)
    m = abc_xyz_matrix(a, x)
    r = _rfm_core(snapshot, s.rfm_bins, edges)
    b = _bcg_core(snapshot, float(s.bcg_growth))
    z = _size_core(snapshot, size_cut, s.size_by, potential, cache)
    return Segments(abc=a, xyz=x, abcxyz=m, rfm=r, bcg=b, size=z)


def _checked_settings(
    settings: SegmentationSettings | None,
) -> tuple[
    SegmentationSettings,
    tuple[float, float],
    tuple[float, float],
    tuple[float, float],
    dict[str, np.ndarray],
]:
    """The settings of :func:`segment_all`, checked: (settings, ABC cut-offs, size cut-offs, XYZ
    cut-offs, RFM thresholds)."""
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
    check_param(
        s.size_by in SIZE_BY,
        "settings.size_by",
        f"one of {', '.join(map(repr, SIZE_BY))}",
        s.size_by,
    )
    return s, abc_cut, size_cut, (float(lo), float(hi)), edges
