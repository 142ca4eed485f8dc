"""The blocks and zones of the lifecycle, its reason codes, the :class:`Lifecycle` result and the
checks and helpers the classification and the reactivation list share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import InputError, check_param
from ...io.config import LifecycleRules
from ...io.load import parse_flags
from ...io.schema import (
    AS_OF,
    BLOCK,
    CLIENT_ID,
    FIRST_ORDER,
    INTERVAL_DAYS,
    N_CLIENTS,
    ORDERS_TOTAL,
    RECENCY_DAYS,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)

# --- blocks and zones ----------------------------------------------------------------------------
POTENTIAL = "potential"
ACTIVE = "active"
WORKING = "working"
REGULAR = "regular"
PROVEN = "proven"
VIP_BLOCK = "vip"
KEY = "key"
DEAD_REANIMATABLE = "dead_reanimatable"
DEAD_LOST = "dead_lost"

#: the blocks in canonical (ladder) order
BLOCKS: tuple[str, ...] = (
    POTENTIAL,
    ACTIVE,
    WORKING,
    REGULAR,
    PROVEN,
    VIP_BLOCK,
    KEY,
    DEAD_REANIMATABLE,
    DEAD_LOST,
)
BIRTH, LIFE, DEATH = "birth", "life", "death"
ZONES: tuple[str, ...] = (BIRTH, LIFE, DEATH)
ZONE_OF: dict[str, str] = {
    POTENTIAL: BIRTH,
    ACTIVE: BIRTH,
    WORKING: BIRTH,
    REGULAR: LIFE,
    PROVEN: LIFE,
    VIP_BLOCK: LIFE,
    KEY: LIFE,
    DEAD_REANIMATABLE: DEATH,
    DEAD_LOST: DEATH,
}
#: blocks of clients with at least one order that are not dead
LIVING_BLOCKS: tuple[str, ...] = (WORKING, REGULAR, PROVEN, VIP_BLOCK, KEY)


#: the default lifecycle rules (frozen: one shared instance)
_DEFAULT_RULES = LifecycleRules()


#: the reason codes of :attr:`Lifecycle.clients` (``reason``); the facts they rest on are columns
#: of the same row, and the report words them (:mod:`reportkit.report.reasons`)
REASONS: tuple[str, ...] = (
    "agreed_no_orders",  # active: a status that means "agreed to work", no orders yet
    "known_no_orders",  # potential: known, no orders (``status`` when there is one)
    "known_no_orders_refused",  # potential, flagged as refused
    "activity",  # working / regular / proven: orders, tenure, recency
    "vip_flag",  # vip: the VIP flag, then the activity
    "key_top_share",  # key: proven, in the top key_revenue_share of revenue, growing
    "key_class_a",  # key: proven, ABC class A, not declining
    "key_flag",  # key: the key-account flag
    "winback_orders",  # dead, worth winning back: enough orders
    "winback_revenue",  # dead, worth winning back: lifetime revenue above the median
    "lost_refused",  # dead and refused
    "lost_low_value",  # dead, few orders and lifetime revenue not above the median
)
#: the reason codes of :attr:`Lifecycle.vip_review`
VIP_REASONS: tuple[str, ...] = (
    "vip_no_orders",
    "vip_dead",
    "vip_no_revenue",
    "vip_negative_margin",
    "vip_below_median",
)
#: the reason codes :func:`reactivation_list` adds (``cycle_source`` says which cycle applied)
OVERDUE = "overdue"
CYCLE_SOURCES: tuple[str, ...] = ("own", "deal", "base")

#: per-client facts in :attr:`Lifecycle.clients` beside the reason
TENURE_DAYS = "tenure_days"
TENURE_MONTHS = "tenure_months"
SILENCE_LIMIT_DAYS = "silence_limit_days"
LIMIT_BY_INTERVAL = "limit_by_interval"
MEDIAN_REVENUE = "median_revenue"
CYCLE_SOURCE = "cycle_source"

_SNAPSHOT_REQUIRED = (
    CLIENT_ID,
    AS_OF,
    FIRST_ORDER,
    RECENCY_DAYS,
    ORDERS_TOTAL,
    INTERVAL_DAYS,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
)


# --- small helpers --------------------------------------------------------------------------------


def check_rules(rules: LifecycleRules) -> None:
    """Raise :class:`~reportkit.errors.ParameterError` when a lifecycle threshold is unusable."""
    check_param(isinstance(rules, LifecycleRules), "rules", "a LifecycleRules", rules)

    def is_int(v: object, lo: int) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and bool(v >= lo)

    check_param(
        is_int(rules.regular_orders, 1),
        "rules.regular_orders",
        "an integer >= 1",
        rules.regular_orders,
    )
    check_param(
        is_int(rules.proven_orders, 1),
        "rules.proven_orders",
        "an integer >= 1",
        rules.proven_orders,
    )
    check_param(
        is_int(rules.proven_tenure_months, 0),
        "rules.proven_tenure_months",
        "an integer >= 0",
        rules.proven_tenure_months,
    )
    check_param(
        is_int(rules.dead_days, 1), "rules.dead_days", "an integer >= 1 (days)", rules.dead_days
    )
    check_param(
        isinstance(rules.dead_interval_multiple, (int, float))
        and rules.dead_interval_multiple >= 0,
        "rules.dead_interval_multiple",
        "a number >= 0",
        rules.dead_interval_multiple,
    )
    check_param(
        is_int(rules.reanimatable_min_orders, 1),
        "rules.reanimatable_min_orders",
        "an integer >= 1",
        rules.reanimatable_min_orders,
    )
    check_param(
        rules.deal_cycle_days is None
        or (isinstance(rules.deal_cycle_days, (int, float)) and rules.deal_cycle_days > 0),
        "rules.deal_cycle_days",
        "None or a positive number of days",
        rules.deal_cycle_days,
    )
    check_param(
        isinstance(rules.key_revenue_share, (int, float)) and 0 < rules.key_revenue_share <= 1,
        "rules.key_revenue_share",
        "a share with 0 < share <= 1",
        rules.key_revenue_share,
    )


def full_months(start: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """Full calendar months from each start date to ``end`` (pandas month-offset rule).

    ``start + k months`` clips to the month's last day, so 31 Jan → 28 Feb is one month.

    >>> s = pd.Series(pd.to_datetime(["2023-06-30", "2023-07-01", "2023-01-31"]))
    >>> full_months(s, pd.Timestamp("2024-06-30")).tolist()
    [12.0, 11.0, 17.0]
    """
    start = pd.to_datetime(pd.Series(start).reset_index(drop=True))
    y1, m1, d1 = start.dt.year.to_numpy(), start.dt.month.to_numpy(), start.dt.day.to_numpy()
    months = (end.year - y1) * 12 + (end.month - m1)
    clipped_day = np.minimum(d1, end.days_in_month)
    months = months - (clipped_day > end.day)
    return months.astype("float64")


def _flags(clients: pd.DataFrame | None, column: str, ids: pd.Index) -> np.ndarray:
    """A bool per id from a yes/no column of the clients table (False when absent)."""
    if clients is None or column not in clients.columns:
        return np.zeros(len(ids), dtype=bool)
    col = clients[column]
    if pd.api.types.is_bool_dtype(col):
        values = col.fillna(False).astype(bool)
    elif pd.api.types.is_numeric_dtype(col):
        values = col.fillna(0).astype("float64") != 0
    else:
        values = parse_flags(col)[0]
    values = pd.Series(values.to_numpy(), index=clients.index)
    return values.reindex(ids, fill_value=False).to_numpy(dtype=bool)


def _prepare_clients(clients: pd.DataFrame | None) -> pd.DataFrame | None:
    if clients is None:
        return None
    if not isinstance(clients, pd.DataFrame):
        raise InputError(
            f"`clients` must be a DataFrame (the clients table) or None, "
            f"got {type(clients).__name__}."
        )
    if CLIENT_ID not in clients.columns:
        raise InputError(
            f"the clients table has no `{CLIENT_ID}` column (columns: "
            f"{', '.join(map(str, clients.columns))}); load it with reportkit.load "
            f"or rename the id column to `{CLIENT_ID}`."
        )
    ids = clients[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"the clients table repeats {dup.nunique()} client_id value(s) "
            f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); keep one row per "
            f"client (reportkit.load keeps the first record)."
        )
    out = clients.copy()
    out.index = pd.Index(ids, name=CLIENT_ID)
    return out


def _check_snapshot(
    snapshot: pd.DataFrame, required: tuple[str, ...], what: str
) -> tuple[pd.DataFrame, pd.Timestamp]:
    if not isinstance(snapshot, pd.DataFrame):
        raise InputError(
            f"`snapshot` must be a DataFrame from reportkit.snapshot(), "
            f"got {type(snapshot).__name__}."
        )
    missing = [c for c in required if c not in snapshot.columns]
    if missing:
        raise InputError(
            f"{what} needs the snapshot column(s) {', '.join(missing)}, which are "
            f"missing; build the snapshot with reportkit.snapshot(panel, as_of=...)."
        )
    ids = snapshot[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(
            f"the snapshot repeats {dup.nunique()} client_id value(s) "
            f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); a snapshot has one "
            f"row per client."
        )
    as_of_values = pd.to_datetime(snapshot[AS_OF]).dropna().unique()
    if len(as_of_values) != 1:
        raise InputError(
            f"the snapshot column `{AS_OF}` must hold one date, got "
            f"{len(as_of_values)} distinct values; classify one snapshot at a time."
        )
    return snapshot, pd.Timestamp(as_of_values[0])


# --- the result object ----------------------------------------------------------------------------


@dataclass
class Lifecycle:
    """The lifecycle matrix of a client base as of one date.

    Attributes
    ----------
    clients : DataFrame
        One row per known client: ``client_id``, ``block`` (categorical, canonical order),
        ``zone`` (birth / life / death), ``reason`` (a code of :data:`REASONS`),
        ``revenue_window`` and the facts the reason rests on: ``orders_total``,
        ``recency_days``, ``tenure_days``, ``tenure_months``, ``interval_days``,
        ``silence_limit_days`` (the silence after which the client counts as dead),
        ``limit_by_interval`` (that limit comes from the client's own interval), ``status``.
    summary : DataFrame
        One row per block in canonical order: ``block``, ``zone``, ``n_clients``,
        ``client_share``, ``revenue`` (revenue over the window), ``revenue_share``.
    vip_review : DataFrame
        VIP-flagged clients that do not pay back: ``client_id``, ``block``, ``revenue_window``
        (and ``margin_window`` when known), ``recency_days``, ``median_revenue`` (of the
        living base), ``reason`` (a code of :data:`VIP_REASONS`).
    notes : list of (code, params)
        What the classification assumed (missing columns, derived key clients, …).
    as_of : Timestamp
    rules : LifecycleRules
    params : dict
        ``{"rules": rules, "as_of": as_of}``: the settings the classification ran with.
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    vip_review: pd.DataFrame
    notes: list[tuple[str, dict]] = field(default_factory=list)
    as_of: pd.Timestamp | None = None
    rules: LifecycleRules = field(default_factory=LifecycleRules)

    @property
    def params(self) -> dict[str, object]:
        """The settings the classification ran with: ``rules`` and ``as_of``."""
        return {"rules": self.rules, "as_of": self.as_of}

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`clients`)."""
        return self.clients.copy()

    def counts(self) -> pd.Series:
        """Clients per block, in canonical order (zero blocks included)."""
        return self.summary.set_index(BLOCK)[N_CLIENTS]

    def __repr__(self) -> str:
        parts = ", ".join(f"{b}={n}" for b, n in self.counts().items() if n)
        day = self.as_of.date() if self.as_of is not None else None
        return f"Lifecycle(as_of={day}, clients={len(self.clients):,}: {parts})"

    def _repr_html_(self) -> str:
        day = self.as_of.date() if self.as_of is not None else ""
        return (
            f"<div class='rk-lifecycle'><strong>Lifecycle as of {day}</strong>"
            + self.summary.to_html(index=False, border=0, float_format="{:,.2f}".format)
            + "</div>"
        )
