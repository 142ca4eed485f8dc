"""The contact policy as days: how long each ABC×XYZ cell may go without contact before its
client counts as forgotten (:func:`contact_days`, :data:`DEFAULT_CONTACT_DAYS`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io import schema as S
from ...io.policy import NEW_CELL, POLICY_CELLS
from .common import OTHER_CELL, _table

__all__ = ["ALLOWED_DAYS_CELLS", "DEFAULT_CONTACT_DAYS", "contact_days"]

#: cells that :func:`contact_days` and a ``policy`` mapping may name
ALLOWED_DAYS_CELLS: tuple[str, ...] = (*POLICY_CELLS, NEW_CELL, OTHER_CELL)

#: The longest gap without any contact (days) that each ABC×XYZ cell allows before its client
#: counts as forgotten. The packaged contact policy (``reportkit/policy_abcxyz.csv``) states
#: call and meeting frequencies only as text ("Weekly call", "Quarterly call"), so the numbers
#: live here; they are deliberately looser than the target frequency (the list flags neglect,
#: not one missed call): AX (weekly calls, monthly meetings), AY and BX (calls every two weeks)
#: 30 days; AZ (monthly calls, quarterly meetings) and BY (monthly calls) 60; BZ and CX
#: (quarterly calls) 90; CY (calls twice a year) and CZ (no calls; only regular+ CZ clients are
#: checked at all) 180; ``new`` (a call after each of the first orders) 30; ``other`` (ABC class
#: unknown) 90. Override per cell with ``policy={"AX": 14}`` or an ``allowed_days`` column in the
#: policy table.
DEFAULT_CONTACT_DAYS: dict[str, int] = {
    "AX": 30,
    "AY": 30,
    "BX": 30,
    "AZ": 60,
    "BY": 60,
    "BZ": 90,
    "CX": 90,
    "CY": 180,
    "CZ": 180,
    NEW_CELL: 30,
    OTHER_CELL: 90,
}


# --- the contact policy as days ------------------------------------------------------------------
def contact_days(
    policy: Mapping[str, Any] | pd.DataFrame | None = None,
) -> tuple[dict[str, int], bool]:
    """The allowed gap without contact per cell, and whether ``policy`` supplied any days.

    Parameters
    ----------
    policy : dict, DataFrame or None, default None
        None: :data:`DEFAULT_CONTACT_DAYS`. A dict ``{cell: days}`` overrides those cells (cells
        ``AX`` … ``CZ``, ``new``, ``other``). A DataFrame — a contact policy table
        (:func:`reportkit.io.policy.load_contact_policy`) — overrides the cells of its
        ``allowed_days`` column (one value per cell across its languages); a table without that
        column leaves the defaults (the second value is then False).

    Returns
    -------
    (dict of str to int, bool)
        Days per cell for every cell of :data:`ALLOWED_DAYS_CELLS`; True when ``policy`` gave
        days.

    Examples
    --------
    >>> days, given = contact_days({"AX": 14})
    >>> days["AX"], days["CZ"], given
    (14, 180, True)
    """
    days = dict(DEFAULT_CONTACT_DAYS)
    if policy is None:
        return days, False
    if isinstance(policy, pd.DataFrame):
        if S.ALLOWED_DAYS not in policy.columns:
            return days, False
        _table(policy, "policy", "contact policy table", [S.CELL])
        sub = policy[[S.CELL, S.ALLOWED_DAYS]].dropna()
        cells = sub[S.CELL].astype(str).str.strip()
        cells = cells.where(cells.str.lower().isin([NEW_CELL, OTHER_CELL]), cells.str.upper())
        cells = cells.str.lower().where(cells.str.lower().isin([NEW_CELL, OTHER_CELL]), cells)
        values = pd.to_numeric(sub[S.ALLOWED_DAYS], errors="coerce")
        per_cell = pd.DataFrame({S.CELL: cells.to_numpy(), "d": values.to_numpy()})
        clash = per_cell.groupby(S.CELL)["d"].nunique(dropna=False)
        if (clash > 1).any():
            cell = clash.index[clash.to_numpy() > 1][0]
            raise InputError(
                f"`policy`: cell {cell} has different allowed_days in different "
                "rows (languages); give one number of days per cell."
            )
        policy = dict(zip(per_cell[S.CELL], per_cell["d"]))
    if not isinstance(policy, Mapping):
        raise InputError(
            "`policy` must be a dict {cell: days}, a contact policy table with an "
            f"allowed_days column, or None, got {type(policy).__name__}."
        )
    for cell, value in policy.items():
        check_param(
            cell in ALLOWED_DAYS_CELLS,
            "policy cell",
            f"one of {', '.join(ALLOWED_DAYS_CELLS)}",
            cell,
        )
        ok = (
            isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
            and float(value).is_integer()
        )
        check_param(ok, f"policy[{cell!r}]", "a whole number of days >= 0", value)
        days[cell] = int(value)
    return days, True
