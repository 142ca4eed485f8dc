"""The lifecycle matrix of the client base and the reactivation list.

Every known client sits in exactly one of eight blocks (``dead`` split in two), each with a short
reason in English or Russian:

============== ======= =========================================================================
block          zone    rule (defaults from :class:`~reportkit.io.config.LifecycleRules`)
============== ======= =========================================================================
potential      birth   known (clients table or a lead), no orders, status not "agreed to work"
active         birth   no orders, ``status`` in ``active_statuses``
working        birth   1 – 2 orders (fewer than ``regular_orders``)
regular        life    3+ orders (``regular_orders``)
proven         life    10+ orders (``proven_orders``) and 12+ full months since the first order
                       (``proven_tenure_months``)
vip            life    ``vip`` flag in the clients table
key            life    ``key_account`` flag; without that column (and ``derive_key``): proven,
                       class A by revenue over the window (``abc`` or the top
                       ``key_revenue_share`` of revenue), revenue not below the previous window,
                       and a positive margin when margin is known
dead_*         death   silent longer than max(``dead_days``, ``dead_interval_multiple`` × usual
                       interval); ``dead_reanimatable`` with ``reanimatable_min_orders``+ orders
                       or lifetime revenue above the median client's, and not refused;
                       otherwise ``dead_lost``
============== ======= =========================================================================

Precedence, first match wins: no orders (active, else potential) → dead (a dead VIP is dead) →
key → vip → proven → regular → working. Flags only apply to clients with orders: a flagged lead
stays potential/active (and a flagged VIP lead is listed for review).

Tenure is counted in full calendar months from the first order to ``as_of``. A client is dead
when ``recency_days`` > max(dead_days, dead_interval_multiple × interval_days); with one order the
interval is unknown and ``dead_days`` alone applies. "Above-median lifetime revenue" compares
``revenue_total`` with the median over clients with orders. Refused means the ``refused`` flag or
a ``status`` in ``refused_statuses``.

:func:`classify` returns a :class:`Lifecycle` (``clients``: one row per known client with its
block and reason; ``summary``: one row per block; ``vip_review``; ``notes``; ``params``).
:func:`reactivation_list` returns the clients to call back as a DataFrame: it is an action list
(see :mod:`reportkit.analysis.lifecycle.reactivation`).
"""

from __future__ import annotations

from .base import (
    ACTIVE,
    BIRTH,
    BLOCKS,
    CYCLE_SOURCE,
    CYCLE_SOURCES,
    DEAD_LOST,
    DEAD_REANIMATABLE,
    DEATH,
    KEY,
    LIFE,
    LIMIT_BY_INTERVAL,
    LIVING_BLOCKS,
    MEDIAN_REVENUE,
    OVERDUE,
    POTENTIAL,
    PROVEN,
    REASONS,
    REGULAR,
    SILENCE_LIMIT_DAYS,
    TENURE_DAYS,
    TENURE_MONTHS,
    VIP_BLOCK,
    VIP_REASONS,
    WORKING,
    ZONE_OF,
    ZONES,
    Lifecycle,
    check_rules,
    full_months,
)
from .blocks import classify
from .reactivation import reactivation_list

__all__ = [
    "ACTIVE",
    "BIRTH",
    "BLOCKS",
    "CYCLE_SOURCE",
    "CYCLE_SOURCES",
    "DEAD_LOST",
    "DEAD_REANIMATABLE",
    "DEATH",
    "KEY",
    "LIFE",
    "LIMIT_BY_INTERVAL",
    "LIVING_BLOCKS",
    "MEDIAN_REVENUE",
    "OVERDUE",
    "POTENTIAL",
    "PROVEN",
    "REASONS",
    "REGULAR",
    "SILENCE_LIMIT_DAYS",
    "TENURE_DAYS",
    "TENURE_MONTHS",
    "VIP_BLOCK",
    "VIP_REASONS",
    "WORKING",
    "ZONES",
    "ZONE_OF",
    "Lifecycle",
    "check_rules",
    "classify",
    "full_months",
    "reactivation_list",
]
