"""Column kinds and the report's table renderer.

:func:`column_kind` tells how a column is formatted (money, whole numbers, shares, dates, flags,
ids, text); :func:`format_value` writes one value by its kind; :func:`table_html` renders a
DataFrame for the report.

In a rendered table every header and value is HTML-escaped; numbers are formatted for the
report's language and their cells carry the class ``rk-num`` (right-aligned, tabular figures by
the report's CSS); the cells of a text column with a value longer than 40 characters carry
``rk-long`` (the CSS gives them a minimum width, so sentences are not squeezed into a narrow
column).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ReportkitError, check_param
from ...io import schema as S
from .catalogue import has, label, t
from .formats import (
    MISSING,
    _check_lang,
    _is_missing,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_number,
    fmt_pct,
)

#: kinds understood by :func:`table_html` and :func:`reportkit.report.export.write_action_lists`
KINDS = ("money", "int", "number", "pct", "date", "datetime", "flag", "id", "text")
NUMERIC_KINDS = frozenset({"money", "int", "number", "pct"})
_MONEY_WORDS = (
    "revenue",
    "amount",
    "margin",
    "potential",
    "aov",
    "price",
    "value_at_risk",
    "at_risk_value",
    "money",
)
_PCT_WORDS = frozenset({"share", "rate", "pct", "percent", "probability", "prob", "wallet"})


def column_kind(name: Any, values: pd.Series, kinds: Mapping[str, str] | None = None) -> str:
    """How a column is formatted: one of :data:`KINDS`.

    An explicit ``kinds[name]`` wins; then the canonical kind from :mod:`reportkit.io.schema`;
    then the dtype, with names telling shares (a word ``share``, ``rate``, ``pct``,
    ``probability`` between underscores: ``churn_rate_12m``, ``revenue_share``) and money
    (``revenue…``, ``amount``, ``margin``…) apart from other numbers. A column of Python
    objects that are all numbers (counts beside amounts, as in a reconciliation table) is
    ``number``: its whole numbers print without decimals (:func:`format_value`).

    >>> column_kind("revenue_window", pd.Series([1.5]))
    'money'
    >>> column_kind("churn_rate", pd.Series([0.1]))
    'pct'
    >>> column_kind("orders", pd.Series([3]))
    'int'
    >>> column_kind("input", pd.Series([8011, 0.5, None], dtype=object))
    'number'
    """
    if kinds and name in kinds:
        kind = kinds[name]
        check_param(kind in KINDS, f"kinds[{name!r}]", f"one of {', '.join(KINDS)}", kind)
        return kind
    lname = str(name).lower()
    canonical = S.KINDS.get(lname)
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "flag"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        clean = values.dropna()
        if len(clean) and (clean.dt.normalize() != clean).any():
            return "datetime"
        return "date"
    if canonical == "id":
        return "id"
    if pd.api.types.is_numeric_dtype(dtype):
        if canonical == "money":
            return "money"
        if _PCT_WORDS & set(lname.split("_")):
            return "pct"
        if any(word in lname for word in _MONEY_WORDS):
            return "money"
        if pd.api.types.is_integer_dtype(dtype):
            return "int"
        return "number"
    if pd.api.types.is_object_dtype(dtype) and canonical is None and _all_numbers(values):
        return "number"
    return "text"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _all_numbers(values: pd.Series) -> bool:
    """Whether an object column holds numbers only (and at least one); stops at the first
    value that is not a number, so a text column costs one look."""
    seen = False
    for value in values:
        if _is_missing(value):
            continue
        if not _is_number(value):
            return False
        seen = True
    return seen


class Html(str):
    """A string of HTML that Jupyter displays as HTML (it has ``_repr_html_``)."""

    def _repr_html_(self) -> str:
        return str(self)


def format_value(
    value: Any,
    kind: str,
    lang: str = "en",
    *,
    decimals: int | None = None,
    namespace: str | None = None,
) -> str:
    """One value as text for the report, by kind (not escaped).

    A whole number (a Python or NumPy integer) of kind ``number`` prints without decimals
    unless ``decimals`` is given; a ``text`` value is translated with :func:`label` when a
    ``namespace`` is given.

    >>> format_value(0.5, "pct", "en")
    '50.0%'
    >>> format_value(8011, "number", "en"), format_value(8011.0, "number", "en")
    ('8,011', '8,011.00')
    >>> format_value(True, "flag", "ru")
    'да'
    """
    if _is_missing(value):
        return MISSING
    if kind == "money":
        return fmt_money(value, lang, decimals=0 if decimals is None else decimals)
    if kind == "int":
        return fmt_int(value, lang)
    if kind == "number":
        if (
            decimals is None
            and isinstance(value, (int, np.integer))
            and not isinstance(value, (bool, np.bool_))
        ):
            return fmt_int(value, lang)
        return fmt_number(value, lang, decimals=2 if decimals is None else decimals)
    if kind == "pct":
        return fmt_pct(value, lang, decimals=1 if decimals is None else decimals)
    if kind in ("date", "datetime"):
        return fmt_date(value, lang)
    if kind == "flag":
        return t("flag.yes" if bool(value) else "flag.no", lang)
    return label(value, lang, namespace) if namespace else str(value)


def table_html(
    df: pd.DataFrame,
    lang: str = "en",
    *,
    kinds: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    decimals: Mapping[str, int] | None = None,
    index: bool | None = None,
    max_rows: int | None = None,
    caption: str | None = None,
    namespace: str | None = None,
    align_right: Iterable[str] = (),
) -> Html:
    """Render a DataFrame as an HTML table for the report (escaped, formatted by column kind).

    Parameters
    ----------
    df : DataFrame
    lang : {"en", "ru"}, default "en"
    kinds : dict of column to kind, optional
        Overrides :func:`column_kind` (one of :data:`KINDS`).
    labels : dict of column to header text, optional
        Default: ``t("<namespace>.<column>")`` when ``namespace`` is given and that key
        exists, else ``t("col.<column>")`` when that key exists, else the column name.
    values : dict of column to namespace, optional
        Category columns whose values are translated with :func:`label`, e.g.
        ``{"block": "block"}``; a value without a translation is shown as it is.
    decimals : dict of column to int, optional
        Default 0 for money, 2 for numbers, 1 for percentages.
    index : bool or None, default None
        Show the index as the first column; None shows it unless it is a default RangeIndex.
    max_rows : int or None, default None
        Show only the first rows, with a note saying how many there are.
    caption : str, optional
    namespace : str, optional
        Where headers are looked up before ``col.``: ``namespace="dynamics"`` shows the column
        ``churn_rate`` as ``t("dynamics.churn_rate")``. Default None (``col.`` only).
    align_right : iterable of str, default ()
        Text columns (numbers already formatted as text) right-aligned like numbers.

    Returns
    -------
    Html
        ``<table class="rk-table">`` … (a ``str`` that Jupyter displays as HTML); with 9 or
        more columns the class is ``rk-table rk-wide`` (smaller type in the report's CSS).

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["<b>A</b>"], "revenue": [1234567.0]})
    >>> print(table_html(df, "en"))  # doctest: +NORMALIZE_WHITESPACE
    <table class="rk-table"><thead><tr><th>Client</th><th class="rk-num">Revenue</th></tr>
    </thead><tbody><tr><td>&lt;b&gt;A&lt;/b&gt;</td><td class="rk-num">1,234,567</td></tr>
    </tbody></table>
    """
    _check_lang(lang)
    frame, total = _rows_shown(df, index, max_rows)
    # many columns: smaller type (class rk-wide in the report's CSS) so the table fits the page
    wide = " rk-wide" if len(frame.columns) >= 9 else ""
    parts = [f'<table class="rk-table{wide}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    head, rows = _head_and_rows(
        frame, lang, kinds, labels or {}, values or {}, decimals or {}, namespace, set(align_right)
    )
    parts.append("<thead><tr>" + "".join(head) + "</tr>\n</thead><tbody>")
    parts.append("".join(rows))
    parts.append("</tbody></table>")
    if max_rows is not None and total > max_rows:
        note = t(
            "report.rows_shown", lang, shown=fmt_int(max_rows, lang), total=fmt_int(total, lang)
        )
        parts.append(f'<p class="rk-note">{html.escape(note)}</p>')
    return Html("".join(parts))


def _rows_shown(
    df: pd.DataFrame, index: bool | None, max_rows: int | None
) -> tuple[pd.DataFrame, int]:
    """The rows :func:`table_html` shows (the index a first column when shown, at most
    ``max_rows`` rows) and the number of rows there are."""
    if not isinstance(df, pd.DataFrame):
        raise ReportkitError(f"table_html needs a pandas DataFrame, got {type(df).__name__}")
    check_param(
        max_rows is None or (isinstance(max_rows, int) and max_rows >= 0),
        "max_rows",
        "None or a non-negative integer",
        max_rows,
    )
    show_index = index if index is not None else not isinstance(df.index, pd.RangeIndex)
    frame = df.reset_index() if show_index else df
    if show_index and frame.columns.duplicated().any():
        raise ReportkitError("table_html: the index name repeats a column name; rename one")
    total = len(frame)
    if max_rows is not None and total > max_rows:
        frame = frame.iloc[:max_rows]
    return frame, total


def _head_and_rows(
    frame: pd.DataFrame,
    lang: str,
    kinds: Mapping[str, str] | None,
    labels: Mapping[str, str],
    values: Mapping[str, str],
    decimals: Mapping[str, int],
    namespace: str | None,
    right: set[str],
) -> tuple[list[str], list[str]]:
    """The header cells and the body rows of :func:`table_html` (values formatted by kind)."""
    esc = html.escape
    col_kinds = [column_kind(c, frame[c], kinds) for c in frame.columns]
    texts = [
        [
            format_value(v, kind, lang, decimals=decimals.get(col), namespace=values.get(col))
            for v in frame.iloc[:, i].tolist()
        ]
        for i, (col, kind) in enumerate(zip(frame.columns, col_kinds))
    ]
    head, columns = [], []
    for col, kind, cells in zip(frame.columns, col_kinds, texts):
        text = labels.get(col) or _header(col, lang, namespace)
        numeric = kind in NUMERIC_KINDS or col in right
        cls = ' class="rk-num"' if numeric else ""
        head.append(f"<th{cls}>{esc(text)}</th>")
        # sentences (reasons, evidence, notes) get room to wrap: class rk-long, a minimum width
        if not numeric and any(len(c) > _LONG_TEXT for c in cells):
            cls = ' class="rk-long"'
        columns.append([f"<td{cls}>{esc(c)}</td>" for c in cells])
    rows = ["<tr>" + "".join(cells) + "</tr>\n" for cells in zip(*columns)] if columns else []
    return head, rows


_LONG_TEXT = 40  # characters: a text column with a longer value is "long" (class rk-long)


def _header(col: Any, lang: str, namespace: str | None) -> str:
    """The header of a column: ``<namespace>.<col>``, else ``col.<col>``, else the name."""
    for key in ((f"{namespace}.{col}",) if namespace else ()) + (f"col.{col}",):
        if has(key):
            return t(key, lang)
    return str(col)


def kpi_kind(key: str, value: Any) -> str:
    """Kind of a key figure in ``kpis.json`` (for the index page).

    >>> kpi_kind("churn_rate", 0.2), kpi_kind("revenue", 10.0), kpi_kind("clients", 3)
    ('pct', 'money', 'int')
    """
    series = pd.Series([value])
    kind = column_kind(key, series)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return "int"
    return kind
