"""Synthetic client bases with planted truth, and the committed sample under ``data/sample``.

:func:`make_base` generates the client base of a B2B distributor of building and industrial
supplies: sales lines, client cards, a manager activity log and NPS answers, as canonical
frames (column names from :mod:`reportkit.io.schema`), together with the *truth* that was planted
in them (who churned and when, which records are duplicates, which cards are leads, …), so that
the analyses can be measured against known answers.

:func:`write_base` writes a base as files in the style of a real CRM / accounting export
(Russian: cp1251, ``;``, decimal commas, ``dd.mm.yyyy``; English: UTF-8, ``,``, ISO dates) plus a
``truth/`` folder, so that :func:`reportkit.io.load` is exercised on the way back.

:func:`regenerate_sample` rewrites the committed sample ``data/sample`` (:data:`SAMPLE_ARGS`).

The package, one module per step of the generator, each on its own random stream (run in this
order by :func:`make_base` in ``base``): ``plan`` (who the clients are), ``orders``, ``lines``
(and returns), ``cards``, ``duplicates`` (and the client ids), ``activities`` (and surveys),
``frames`` (the canonical frames and the truth). Beside them: ``shape`` (the public constants
and the shares below), ``vocabulary`` and ``names`` (the words), ``keys`` (tax ids, phones,
e-mails) and ``files`` (:func:`write_base`, :func:`regenerate_sample`).

How the base is made (the numbers are the defaults of the generator, not parameters):

* **Clients.** ``n_clients`` distinct companies: 10 % *leads* that never order, the rest buyers
  with a purchase rhythm: ``monthly`` (25 %), ``quarterly`` (25 %), ``irregular`` (30 %) or
  ``one_off`` (20 %, a single order). About 35 % of the buyers already bought before the
  period, the others join at dates spread over the period. Order values are heavy-tailed
  (lognormal per client, a Pareto-boosted few large clients make most of the revenue); 20 % of
  the repeat buyers grow, 20 % decline.
* **Orders.** Order dates follow each client's rhythm (gamma-distributed intervals), fall on
  weekdays, and are seasonal (weak January and August, strong March, October, December: the
  order value for every client, the order frequency for irregular buyers); 1–4 lines per order,
  distinct products per order; prices rise ~7 % a year. About 2 % of the lines are *returns*:
  a later line of the same order and product with a negative quantity.
* **Churn.** About 25 % of ``n_clients`` (repeat buyers only) stop buying at a planted
  ``churn_date`` (their orders thin out and shrink over the 180 days before it); a quarter of
  them come back at a planted ``reactivation_date``.
* **Cards.** One card per client, except ~2 % of the buyers that have no card at all; ~3 % extra
  *duplicate* cards of existing buyers (same phone written differently, same e-mail in another
  case or with a space, same tax id, or a near-identical name); some of the original's later
  orders are booked on the duplicate's id. Cards are incomplete in realistic shares (15 % no
  phone, 30 % no e-mail, 20 % no tax id, 50 % no industry, 40 % no potential, …).
* **Flags.** ~2 % key accounts (the largest steady, non-churned clients), ~1.5 % VIPs (mostly
  large clients), including exactly one VIP that does not pay back (a handful of tiny orders).
* **Activities.** Calls, meetings, e-mails and tasks by 6 managers (one of them leaves more tasks
  undone), with overdue tasks and *forgotten* clients: good clients with no activity for
  200–400 days before the end.
* **Surveys.** NPS answers (0–10) in two waves a year; clients that churn within a year after
  answering are detractors far more often.

Names, phones, e-mails and tax ids are unique per distinct client, so only the planted duplicate
cards share a key; a few different sole proprietors have near-identical names (namesakes), as in
real bases. Bases beyond ~10,000 clients reuse company names with a number (``Вектор-2``).
Generation is vectorised: 2,000 clients × 3 years take well under a second.
"""

from __future__ import annotations

from .base import SampleBase, make_base
from .files import FILES, regenerate_sample, write_base
from .keys import inn_check_digits, normalize_email, normalize_phone
from .shape import ACTIVITY_COLUMNS as ACTIVITY_COLUMNS
from .shape import CHURN_DATE as CHURN_DATE
from .shape import CLIENT_COLUMNS as CLIENT_COLUMNS
from .shape import CLIENT_ID_A as CLIENT_ID_A
from .shape import CLIENT_ID_B as CLIENT_ID_B
from .shape import DUPLICATE_KINDS, RHYTHMS, SAMPLE_ARGS, TRUTH_TABLES
from .shape import HAS_CARD as HAS_CARD
from .shape import KIND as KIND
from .shape import LAST_ACTIVITY as LAST_ACTIVITY
from .shape import REACTIVATION_DATE as REACTIVATION_DATE
from .shape import RHYTHM as RHYTHM
from .shape import SURVEY_COLUMNS as SURVEY_COLUMNS
from .shape import TRANSACTION_COLUMNS as TRANSACTION_COLUMNS
from .shape import TREND_KIND as TREND_KIND

# (the ``X as X`` imports above keep the truth tables' column names and the tables' column
# tuples reachable as ``reportkit.io.sample.X``, as before the package split, outside __all__)
__all__ = [
    "DUPLICATE_KINDS",
    "FILES",
    "RHYTHMS",
    "SAMPLE_ARGS",
    "TRUTH_TABLES",
    "SampleBase",
    "inn_check_digits",
    "make_base",
    "normalize_email",
    "normalize_phone",
    "regenerate_sample",
    "write_base",
]
