"""Data quality of the client base: duplicate clients, card completeness, reconciliation.

Three questions an audit answers before any other number can be trusted:

* **Duplicates** — :func:`find_duplicates`: which client records are one client (same phone,
  e-mail or tax id, or a near-identical name), with the evidence of every link, a confidence,
  the record to keep and the revenue the records make together.
* **Completeness** — :func:`completeness`: are the client cards filled in (business, contact,
  analytic and history fields)? Is this a client base, a partial base or a list of names?
* **Reconciliation** — :func:`reconcile`: every input row and every cent accounted for, from the
  files to the panel the report is built on.

:func:`find_duplicates`, :func:`completeness` and :func:`reconcile` write no sentences: evidence,
problems, notes, reasons, summary and reconciliation items are codes with their figures
(``evidence`` "tax_id,name=93" ~ the linked id; a summary ``item`` "dup.shared" with ``params``
{"limit": 50}), worded in English and Russian by :mod:`reportkit.report.words.quality`.

:class:`Duplicates` and :class:`Completeness` take the one shape of an analysis result
(:class:`reportkit.analysis.result.AnalysisResult`): ``clients`` (the per-client table),
``summary``, ``notes``, ``params``, ``to_frame()``; their action lists are ``action_list()``.
:func:`reconcile` returns a table (no per-client rows).

The normalisation helpers are public: :func:`normalize_phone`, :func:`normalize_email`,
:func:`normalize_tax_id`, :func:`inn_is_valid`, :func:`normalize_name`, and their Series
versions :func:`normalize_phones`, :func:`normalize_emails`, :func:`normalize_tax_ids`,
:func:`inns_are_valid`, :func:`normalize_names` (these work once per distinct value, so a base
of 100,000 records with repeated values costs a fraction of a second).

The package's modules: :mod:`.normalize` (the keys), :mod:`.candidates` and :mod:`.duplicates`
(the duplicate search), :mod:`.cards` (card completeness), :mod:`.reconciliation`, and
:mod:`.common` (the input checks they share).
"""

from __future__ import annotations

# every name the module had before the split, and the private one the tests import
from .candidates import _name_candidates as _name_candidates
from .cards import (
    ACTIVITIES_FIELD,
    CLIENT_BASE,
    LIST_OF_NAMES,
    PARTIAL_BASE,
    SEGMENT_FIELD,
    Completeness,
    completeness,
)
from .common import PARAMS
from .duplicates import (
    EVIDENCE_CODES,
    HIGH,
    KEEP,
    LOW,
    MEDIUM,
    MERGE,
    PROBLEMS,
    Duplicates,
    find_duplicates,
)
from .normalize import (
    inn_is_valid,
    inns_are_valid,
    normalize_email,
    normalize_emails,
    normalize_name,
    normalize_names,
    normalize_phone,
    normalize_phones,
    normalize_tax_id,
    normalize_tax_ids,
)
from .reconciliation import MISMATCH, OK, reconcile

__all__ = [
    "ACTIVITIES_FIELD",
    "CLIENT_BASE",
    "EVIDENCE_CODES",
    "HIGH",
    "KEEP",
    "LIST_OF_NAMES",
    "LOW",
    "MEDIUM",
    "MERGE",
    "MISMATCH",
    "OK",
    "PARAMS",
    "PARTIAL_BASE",
    "PROBLEMS",
    "SEGMENT_FIELD",
    "Completeness",
    "Duplicates",
    "completeness",
    "find_duplicates",
    "inn_is_valid",
    "inns_are_valid",
    "normalize_email",
    "normalize_emails",
    "normalize_name",
    "normalize_names",
    "normalize_phone",
    "normalize_phones",
    "normalize_tax_id",
    "normalize_tax_ids",
    "reconcile",
]
