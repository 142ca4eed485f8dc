"""Managers and NPS: who looks after which clients, how well, and what the clients say.

Managers — :func:`managers`
    One row per manager: clients and revenue, the ABC and lifecycle mix of the portfolio,
    activities logged in the period, overdue tasks, *forgotten* clients, clients lost in the
    period, and the revenue at risk. Plus the two action lists behind the counts:
    :attr:`Managers.forgotten` and :attr:`Managers.overdue`.
NPS — :func:`nps`, :func:`nps_by`, :func:`detractors_a`
    Net Promoter Score overall and by segment, lifecycle block, manager … with the number of
    answers and a confidence interval; groups with too few answers are flagged, not scored.

Rules (all exact and tested)
----------------------------
* **A client's manager** comes from the clients table (``manager`` on the card); for a client
  whose card names none, from its latest transaction on or before ``as_of`` that names one (on a
  day with several, the manager with the most lines that day, then the first by name); then from
  its latest activity on or before ``as_of`` that names one. Clients with none of these are the
  row :data:`NO_MANAGER` (``"(no manager)"``, shown as "(без менеджера)" in Russian). Every
  client of the snapshot is counted exactly once. Names are compared after trimming spaces.
* **Activities in the period**: activities created from ``period_start`` to ``as_of``, both days
  included; they count for the manager named on the activity, else for the client's manager.
* **Overdue tasks**: created on or before ``as_of``, due *before* ``as_of`` (a task due on
  ``as_of`` still has that day) and not done (a missing ``done`` counts as not done). They count
  for the manager named on the task, else for the client's manager.
* **Forgotten clients**: the clients worth a manager's time — class A or B, or a lifecycle block
  ``regular``, ``proven``, ``vip`` or ``key`` (dead clients excluded: they belong to the
  reactivation list) — whose days without contact are *more than* the gap their ABC×XYZ cell
  allows (:data:`DEFAULT_CONTACT_DAYS`; a gap equal to the allowed one is not forgotten). Days
  without contact = ``as_of`` − the day of the client's latest activity on or before ``as_of``
  (any type, done or not: a logged task shows the client is being worked on; undone ones are in
  the overdue list). A client with no activity at all is counted from its first order, or from the
  first day of the activity log when that is later (nobody can be blamed for the time before the
  log existed); without a first order either, it is forgotten. The cell is the client's ABC×XYZ
  cell (``A_new`` … ``C_new`` → ``new``); with ABC but no XYZ, the ``Y`` cell of its class; with
  no ABC class, :data:`OTHER_CELL`.
* **Revenue at risk**: the sum of the clients' ``revenue_at_risk`` (the churn model's score) and
  its share of the manager's revenue over the window.

NPS rules
---------
* Each client counts once, with its **latest answer** on or before ``as_of`` (all answers when
  ``as_of`` is None); of several answers on that same latest date, the lowest score.
* Promoters score 9–10, passives 7–8 (7 ≤ score < 9), detractors 0–6 (score < 7).
  NPS = 100 × (share of promoters − share of detractors), in points from −100 to 100.
* Standard error from the multinomial: var = (p_pro + p_det − (p_pro − p_det)²) / n, NPS points
  SE = 100 × sqrt(var); the interval is NPS ± z × SE (normal approximation, z for the
  two-sided ``confidence``), clipped to [−100, 100]. With few answers or a share near 0 or 1 the
  normal approximation is rough (a group of only promoters has SE 0); that is why groups below
  ``min_answers`` are not scored.
* A group with fewer than ``min_answers`` answers keeps its counts, but its shares, NPS and
  interval are NaN and ``too_few`` is True (shown as "too few answers").

The one result shape
--------------------
:class:`Managers` and :class:`NPSResult` are analysis results
(:class:`reportkit.analysis.result.AnalysisResult`): ``clients`` is the per-client table (who
manages whom; the answer used per client), ``summary`` the per-manager or per-group table,
``notes`` the codes, ``params`` the settings, ``to_frame()`` a copy of ``clients``.

The package's modules: :mod:`.portfolio` (:func:`managers`), :mod:`.assignment` (who manages
whom), :mod:`.activity` (activities, overdue tasks, forgotten clients), :mod:`.contact` (the
contact policy as days), :mod:`.survey` (NPS) and :mod:`.common` (values and input checks).
"""

from __future__ import annotations

from ...io.policy import NEW_CELL
from .common import (
    ATTENDED_BLOCKS,
    DEAD_BLOCKS,
    DETRACTOR,
    NO_GROUP,
    NO_MANAGER,
    NPS_CATEGORIES,
    OTHER_CELL,
    OVERALL,
    PASSIVE,
    PROMOTER,
    SOURCE_ACTIVITIES,
    SOURCE_CLIENTS,
    SOURCE_NONE,
    SOURCE_TRANSACTIONS,
)
from .contact import ALLOWED_DAYS_CELLS, DEFAULT_CONTACT_DAYS, contact_days
from .portfolio import Managers, has_managers, managers
from .survey import NPSResult, detractors_a, nps, nps_by

# every name the module had before the split (NEW_CELL included: the report's words import it
# from here)
__all__ = [
    "ALLOWED_DAYS_CELLS",
    "ATTENDED_BLOCKS",
    "DEAD_BLOCKS",
    "DEFAULT_CONTACT_DAYS",
    "DETRACTOR",
    "NEW_CELL",
    "NO_GROUP",
    "NO_MANAGER",
    "NPS_CATEGORIES",
    "OTHER_CELL",
    "OVERALL",
    "PASSIVE",
    "PROMOTER",
    "SOURCE_ACTIVITIES",
    "SOURCE_CLIENTS",
    "SOURCE_NONE",
    "SOURCE_TRANSACTIONS",
    "Managers",
    "NPSResult",
    "contact_days",
    "detractors_a",
    "has_managers",
    "managers",
    "nps",
    "nps_by",
]
