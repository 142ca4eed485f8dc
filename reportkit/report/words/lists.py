"""Words of the action lists: the workbook's column headers and category values in English and
Russian, the kind of the list columns whose name does not tell it, the codes sheet and the
sentence that says which file is for whom.

The workbook ``action_lists.xlsx`` is for people: its headers and its category values
(lifecycle block, risk band, RFM segment, BCG class, …) are words in the report's language, and
its codes sheet maps each of them back to the code the CSV files keep. The CSV files are for
other systems: English column codes and value codes in every language (see
:mod:`reportkit.report.export`).

A header is looked up as ``<list>.<column>`` in :data:`LABELS` (a column that means something
particular in one list, like the survey date of the detractors), then as the report's own
``col.<column>`` of :mod:`reportkit.report.text`; a column without either keeps its code.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ...io import schema as S
from .. import text as T
from . import check_lang

#: the words of the lists that the report's ``col.*`` headers do not give: a column's header in
#: one list (``detractors_a.date``), the risk bands, the codes sheet, the files sentence
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "detractors_a.date": "Survey date",
        "detractors_a.value": "Value (ABC)",
        "forgotten.cell": "ABC×XYZ cell",
        "overdue.type": "Task type",
        "overdue.created": "Task created",
        "cross_sell.expected_value": "Expected value, 12 months",
        "cross_sell.penetration": "Bought by peers",
        "band.low": "low",
        "band.medium": "medium",
        "band.high": "high",
        "codes.sheet": "Codes",
        "codes.title": "Sheet",
        "codes.list": "List",
        "codes.header": "Header",
        "codes.column": "Column code",
        "codes.value": "Value",
        "codes.code": "Value code",
        "files": "Read the lists in the workbook action_lists.xlsx; the CSV files, with English "
        "column and value codes, are for other systems (Excel drops the leading zeros of ids "
        "in a CSV opened by double-click).",
    },
    "ru": {
        "detractors_a.date": "Дата опроса",
        "detractors_a.value": "Объём (ABC)",
        "forgotten.cell": "Ячейка ABC×XYZ",
        "overdue.type": "Тип задачи",
        "overdue.created": "Задача создана",
        "cross_sell.expected_value": "Ожидаемая ценность за 12 месяцев",
        "cross_sell.penetration": "Покупают похожие клиенты",
        "band.low": "низкий",
        "band.medium": "средний",
        "band.high": "высокий",
        "codes.sheet": "Коды",
        "codes.title": "Лист",
        "codes.list": "Список",
        "codes.header": "Заголовок",
        "codes.column": "Код столбца",
        "codes.value": "Значение",
        "codes.code": "Код значения",
        "files": "Списки удобно читать в книге action_lists.xlsx; файлы CSV с английскими "
        "кодами столбцов и значений — для других систем (Excel, открывая CSV двойным "
        "щелчком, отбрасывает ведущие нули в кодах клиентов).",
    },
}

#: where the words of a category column's values are: a namespace of
#: :func:`reportkit.report.text.label`, or ``band`` in :data:`LABELS`
VALUE_WORDS: dict[str, str] = {
    S.ABC: "segmentation",
    S.XYZ: "segmentation",
    S.ABCXYZ: "segmentation",
    S.CELL: "segmentation",
    S.RFM_SEGMENT: "segmentation",
    S.BCG: "segmentation",
    S.SIZE_TIER: "segmentation",
    S.BLOCK: "block",
    S.ZONE: "zone",
    "band": "band",
    "confidence": "quality.confidence",
    "group_confidence": "quality.confidence",
}

#: the kind (:data:`reportkit.report.text.KINDS`) of list columns whose name or dtype does not
#: tell it: days are whole days, an NPS score is a whole number, the ABC value is money, the
#: duplicates' other ids are ids
KINDS: dict[str, str] = {
    S.RECENCY_DAYS: "int",
    S.INTERVAL_DAYS: "int",
    S.USUAL_INTERVAL_DAYS: "int",
    S.TENURE_DAYS: "int",
    S.DAYS_WITHOUT_CONTACT: "int",
    S.ALLOWED_DAYS: "int",
    S.DAYS_OVERDUE: "int",
    S.SCORE: "int",
    S.VALUE: "money",
    S.CLIENT_ID_A: "id",
    S.CLIENT_ID_B: "id",
    S.SURVIVOR: "id",
    "expected_value": "money",
    "penetration": "pct",
}


def say(key: str, lang: str) -> str:
    """A word of :data:`LABELS` in ``lang``.

    >>> say("codes.sheet", "ru")
    'Коды'
    """
    return LABELS[check_lang(lang)][key]


def header(column: object, lang: str, list_name: str = "") -> str:
    """The header of a list column in the workbook.

    >>> header("client_id", "ru"), header("date", "en", "detractors_a"), header("xyz_new", "en")
    ('Код клиента', 'Survey date', 'xyz_new')
    """
    words = LABELS[check_lang(lang)]
    if f"{list_name}.{column}" in words:
        return words[f"{list_name}.{column}"]
    return T.t(f"col.{column}", lang) if T.has(f"col.{column}") else str(column)


def value_words(column: object, values: Iterable, lang: str) -> dict[str, str]:
    """Each distinct present value of a category column with its word in ``lang`` (empty for a
    column whose values are not categories: names, reasons, the data's own task types).

    >>> value_words("block", ["proven", "key", "proven", None], "ru")
    {'proven': 'Проверенные', 'key': 'Ключевые'}
    >>> value_words("band", ["low"], "en"), value_words("name", ["Alpha"], "ru")
    ({'low': 'low'}, {})
    """
    check_lang(lang)
    namespace = VALUE_WORDS.get(str(column))
    if namespace is None:
        return {}
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes = [str(v) for v in series.dropna().unique()]
    if namespace == "band":
        return {c: LABELS[lang].get(f"band.{c}", c) for c in codes}
    return {c: T.label(c, lang, namespace) for c in codes}


def files_sentence(lang: str) -> str:
    """The sentence that tells the reader which file is for whom: the workbook for people, the
    CSV files for other systems."""
    return say("files", lang)


__all__ = ["KINDS", "LABELS", "VALUE_WORDS", "files_sentence", "header", "say", "value_words"]
