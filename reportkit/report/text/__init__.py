"""Every word of the reports in English and Russian, and the number formats of each language.

One translation table, :data:`TEXT`, holds every heading, label, category name and sentence the
report layer prints: ``TEXT["report.contents"] == {"en": "Contents", "ru": "Содержание"}``.
:func:`t` looks a key up and fills its placeholders. Other modules add their own labels with
:func:`register`; the words modules that define a ``LABELS`` dict (``{"en": {...}, "ru":
{...}}``, e.g. :mod:`reportkit.report.words.segmentation`) are merged lazily under their
namespace (:data:`PROVIDERS`), so ``t("segmentation.champions", "ru")`` works without this
package importing them up front.

Number formats: ``1,234,567.5`` in English, ``1 234 567,5`` in Russian (a narrow no-break space
U+202F groups the thousands, a comma separates the decimals). Missing values print as ``—``.
:func:`table_html` renders a DataFrame for the report: every value HTML-escaped, numbers
formatted per column kind and right-aligned through the CSS class ``rk-num``.

The package's modules: :mod:`.labels` (the built-in table :data:`TEXT`, the column headers
among it), :mod:`.catalogue` (lookup, placeholders, :func:`register`, the lazy providers),
:mod:`.formats` (numbers, dates, counted nouns) and :mod:`.table` (column kinds and the table
renderer). Every name is importable from here, as ``from reportkit.report import text as T``.
"""

from __future__ import annotations

# every name the module had before the split, and the private ones the tests use
from .catalogue import _LOADED_PROVIDERS as _LOADED_PROVIDERS
from .catalogue import _REGISTERED as _REGISTERED
from .catalogue import (
    PROVIDERS,
    block_label,
    has,
    keys,
    label,
    load_reason,
    placeholders,
    register,
    t,
)
from .catalogue import _lookup as _lookup
from .catalogue import _normalise as _normalise
from .formats import (
    LANGS,
    MINUS,
    MISSING,
    NNBSP,
    count_phrase,
    fmt_compact,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_month,
    fmt_number,
    fmt_pct,
    fmt_period,
    plural_word,
)
from .labels import TEXT
from .table import (
    KINDS,
    NUMERIC_KINDS,
    Html,
    column_kind,
    format_value,
    kpi_kind,
    table_html,
)

__all__ = [
    "KINDS",
    "LANGS",
    "MINUS",
    "MISSING",
    "NNBSP",
    "NUMERIC_KINDS",
    "PROVIDERS",
    "TEXT",
    "Html",
    "block_label",
    "column_kind",
    "count_phrase",
    "fmt_compact",
    "fmt_date",
    "fmt_int",
    "fmt_money",
    "fmt_month",
    "fmt_number",
    "fmt_pct",
    "fmt_period",
    "format_value",
    "has",
    "keys",
    "kpi_kind",
    "label",
    "load_reason",
    "placeholders",
    "plural_word",
    "register",
    "t",
    "table_html",
]
