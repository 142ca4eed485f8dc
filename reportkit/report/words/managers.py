"""Words of the managers' and NPS results: column and value names, the notes, the HTML views,
in English and Russian (:mod:`reportkit.analysis.managers` returns codes and figures only)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...analysis.churn import REVENUE_AT_RISK
from ...analysis.lifecycle import BLOCKS
from ...analysis.managers import (
    DETRACTOR,
    NEW_CELL,
    NO_GROUP,
    NO_MANAGER,
    OTHER_CELL,
    OVERALL,
    PASSIVE,
    PROMOTER,
    SOURCE_ACTIVITIES,
    SOURCE_CLIENTS,
    SOURCE_NONE,
    SOURCE_TRANSACTIONS,
    Managers,
    NPSResult,
)
from ...io import schema as S
from ..text import fmt_date, fmt_number, fmt_pct, table_html
from . import check_lang

_BLOCK_EN = {
    "potential": "Potential",
    "active": "Active",
    "working": "Working",
    "regular": "Regular",
    "proven": "Proven",
    "vip": "VIP",
    "key": "Key",
    "dead_reanimatable": "Dead, can be reactivated",
    "dead_lost": "Dead, lost",
}
_BLOCK_RU = {
    "potential": "Потенциальные",
    "active": "Активные",
    "working": "Работающие",
    "regular": "Постоянные",
    "proven": "Проверенные",
    "vip": "VIP",
    "key": "Ключевые",
    "dead_reanimatable": "Ушедшие, можно вернуть",
    "dead_lost": "Ушедшие безвозвратно",
}


#: display names of every value and output column, and the texts of notes and headings (en, ru);
#: merged by :mod:`reportkit.report.text` under ``managers.`` (``t("managers.(no manager)", "ru")``)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        # values
        NO_MANAGER: "(no manager)",
        NO_GROUP: "(no group)",
        OVERALL: "All answers",
        PROMOTER: "Promoter",
        PASSIVE: "Passive",
        DETRACTOR: "Detractor",
        SOURCE_CLIENTS: "client card",
        SOURCE_TRANSACTIONS: "latest sale",
        SOURCE_ACTIVITIES: "latest activity",
        SOURCE_NONE: "none",
        OTHER_CELL: "unknown class",
        NEW_CELL: "new",
        "A": "Class A",
        "B": "Class B",
        "C": "Class C",
        **_BLOCK_EN,
        # columns
        S.CLIENT_ID: "Client ID",
        S.NAME: "Client",
        S.MANAGER: "Manager",
        S.MANAGER_SOURCE: "Manager taken from",
        S.N_CLIENTS: "Clients",
        S.REVENUE_WINDOW: "Revenue, 12 months",
        S.REVENUE_SHARE: "Share of revenue",
        S.N_ACTIVITIES: "Activities in the period",
        S.OVERDUE_TASKS: "Overdue tasks",
        S.N_FORGOTTEN: "Forgotten clients",
        S.N_LOST: "Lost in the period",
        REVENUE_AT_RISK: "Revenue at risk",
        S.RISK_SHARE: "Revenue at risk, share",
        S.ABC: "ABC",
        S.BLOCK: "Lifecycle block",
        S.CELL: "ABC×XYZ cell",
        S.LAST_ACTIVITY: "Last activity",
        S.DAYS_WITHOUT_CONTACT: "Days without contact",
        S.ALLOWED_DAYS: "Allowed gap, days",
        S.TYPE: "Type",
        S.CREATED: "Created",
        S.DUE: "Due",
        S.DAYS_OVERDUE: "Days overdue",
        S.DATE: "Date",
        S.SCORE: "Score",
        S.VALUE: "Revenue, 12 months",
        S.NPS_CATEGORY: "Answer",
        S.N_ANSWERS: "Answers",
        S.PROMOTERS: "Promoters (9–10)",
        S.PASSIVES: "Passives (7–8)",
        S.DETRACTORS: "Detractors (0–6)",
        S.PROMOTER_SHARE: "Promoters, share",
        S.DETRACTOR_SHARE: "Detractors, share",
        S.NPS: "NPS",
        S.NPS_SE: "Standard error",
        S.CI_LOW: "Lower bound",
        S.CI_HIGH: "Upper bound",
        S.TOO_FEW: "Too few answers",
        S.DIMENSION: "Grouped by",
        S.GROUP: "Group",
        # headings and texts
        "title.managers": "Managers",
        "title.forgotten": "Forgotten clients",
        "title.overdue": "Overdue tasks",
        "title.nps": "NPS",
        "title.detractors_a": "Detractors among class A clients",
        "too_few_answers": "too few answers",
        "note.no_manager_data": "No manager column and no activity log were given: every "
        "client is in the row “(no manager)”.",
        "note.no_manager": "Clients without a manager: {n} ({share}).",
        "note.fallback": "Clients without a manager on their card that take the manager of "
        "their latest sale: {n_tx}; of their latest activity: {n_act}.",
        "note.no_activities": "No activity log: activities, overdue tasks and forgotten clients "
        "are not computed.",
        "note.no_due": "The activity log has no due date: overdue tasks are not computed.",
        "note.no_classes": "Neither ABC classes nor lifecycle blocks were given: forgotten "
        "clients are not computed.",
        "note.no_xyz": "ABC classes without XYZ: each client is allowed the gap of the Y cell "
        "of its class.",
        "note.policy_no_days": "The contact policy table has no allowed_days column: the "
        "default gaps were used.",
        "note.never_contacted": "Forgotten clients with no activity at all: {n}; their gap is "
        "counted from their first order or from the start of the "
        "log ({log_start}), whichever is later.",
        "note.unknown_lost": "Ids of lost clients that are not in the snapshot (not counted): {n}.",
        "note.unknown_risk": "Clients of the churn scores that are not in the snapshot (not "
        "counted): {n}.",
        "note.later_answers": "Answers dated after {as_of} (not used): {n}.",
        "note.repeat_answers": "Clients who answered more than once: {n}; only the latest "
        "answer of each counts.",
        "note.too_few": "Groups with fewer than {min} answers: {n}; their NPS is not shown.",
    },
    "ru": {
        NO_MANAGER: "(без менеджера)",
        NO_GROUP: "(без группы)",
        OVERALL: "Все ответы",
        PROMOTER: "Промоутер",
        PASSIVE: "Нейтрал",
        DETRACTOR: "Критик",
        SOURCE_CLIENTS: "карточка клиента",
        SOURCE_TRANSACTIONS: "последняя продажа",
        SOURCE_ACTIVITIES: "последняя активность",
        SOURCE_NONE: "нет",
        OTHER_CELL: "класс неизвестен",
        NEW_CELL: "новые",
        "A": "Класс A",
        "B": "Класс B",
        "C": "Класс C",
        **_BLOCK_RU,
        S.CLIENT_ID: "Код клиента",
        S.NAME: "Клиент",
        S.MANAGER: "Менеджер",
        S.MANAGER_SOURCE: "Менеджер взят из",
        S.N_CLIENTS: "Клиентов",
        S.REVENUE_WINDOW: "Выручка за 12 месяцев",
        S.REVENUE_SHARE: "Доля выручки",
        S.N_ACTIVITIES: "Активностей за период",
        S.OVERDUE_TASKS: "Просроченных задач",
        S.N_FORGOTTEN: "Забытых клиентов",
        S.N_LOST: "Ушло за период",
        REVENUE_AT_RISK: "Выручка под угрозой",
        S.RISK_SHARE: "Доля выручки под угрозой",
        S.ABC: "ABC",
        S.BLOCK: "Блок жизненного цикла",
        S.CELL: "Ячейка ABC×XYZ",
        S.LAST_ACTIVITY: "Последняя активность",
        S.DAYS_WITHOUT_CONTACT: "Дней без контакта",
        S.ALLOWED_DAYS: "Допустимый перерыв, дней",
        S.TYPE: "Тип",
        S.CREATED: "Создана",
        S.DUE: "Срок",
        S.DAYS_OVERDUE: "Дней просрочки",
        S.DATE: "Дата",
        S.SCORE: "Оценка",
        S.VALUE: "Выручка за 12 месяцев",
        S.NPS_CATEGORY: "Ответ",
        S.N_ANSWERS: "Ответов",
        S.PROMOTERS: "Промоутеры (9–10)",
        S.PASSIVES: "Нейтралы (7–8)",
        S.DETRACTORS: "Критики (0–6)",
        S.PROMOTER_SHARE: "Доля промоутеров",
        S.DETRACTOR_SHARE: "Доля критиков",
        S.NPS: "NPS",
        S.NPS_SE: "Стандартная ошибка",
        S.CI_LOW: "Нижняя граница",
        S.CI_HIGH: "Верхняя граница",
        S.TOO_FEW: "Мало ответов",
        S.DIMENSION: "Разрез",
        S.GROUP: "Группа",
        "title.managers": "Менеджеры",
        "title.forgotten": "Забытые клиенты",
        "title.overdue": "Просроченные задачи",
        "title.nps": "NPS",
        "title.detractors_a": "Критики среди клиентов класса A",
        "too_few_answers": "мало ответов",
        "note.no_manager_data": "Нет ни колонки менеджера, ни журнала активностей: все клиенты "
        "в строке «(без менеджера)».",
        "note.no_manager": "Клиентов без менеджера: {n} ({share}).",
        "note.fallback": "Клиентам без менеджера в карточке назначен менеджер последней "
        "продажи: {n_tx}, последней активности: {n_act}.",
        "note.no_activities": "Журнала активностей нет: активности, просроченные задачи и "
        "забытые клиенты не считаются.",
        "note.no_due": "В журнале активностей нет срока: просроченные задачи не считаются.",
        "note.no_classes": "Не переданы ни классы ABC, ни блоки жизненного цикла: забытые "
        "клиенты не считаются.",
        "note.no_xyz": "Классы ABC без XYZ: каждому клиенту допускается перерыв ячейки Y его "
        "класса.",
        "note.policy_no_days": "В таблице политики контактов нет колонки allowed_days: "
        "использованы перерывы по умолчанию.",
        "note.never_contacted": "Забытых клиентов без единой активности: {n}; перерыв "
        "считается от первого заказа или от начала журнала "
        "({log_start}), что позже.",
        "note.unknown_lost": "Кодов ушедших клиентов нет в срезе, они не учтены: {n}.",
        "note.unknown_risk": "Клиентов из оценок оттока нет в срезе, они не учтены: {n}.",
        "note.later_answers": "Ответов позже {as_of} не учтено: {n}.",
        "note.repeat_answers": "Клиентов, ответивших несколько раз: {n}; учтён последний "
        "ответ каждого.",
        "note.too_few": "Групп, где меньше {min} ответов: {n}; их NPS не показан.",
    },
}


def _t(key: str, lang: str, **fmt: Any) -> str:
    return LABELS[lang][key].format(**fmt)


def note_text(code: str, params: Mapping[str, Any], lang: str = "en") -> str:
    """One note of a :class:`Managers` or :class:`NPSResult` as a sentence in ``lang``."""
    check_lang(lang)
    fmt = dict(params)
    if "share" in fmt:
        fmt["share"] = fmt_pct(fmt["share"], lang)
    for key in ("log_start", "as_of"):
        if key in fmt:
            fmt[key] = fmt_date(pd.Timestamp(fmt[key]), lang)
    return _t(code, lang, **fmt)


def notes(result: Managers | NPSResult | Any, lang: str = "en") -> list[str]:
    """Every note of a result as sentences in ``lang``."""
    return [note_text(code, params, lang) for code, params in result.notes]


def html_table(
    frame: pd.DataFrame,
    lang: str,
    *,
    max_rows: int | None = 20,
    values: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> str:

    labels = {c: LABELS[lang].get(c, str(c)) for c in frame.columns}
    return table_html(
        frame,
        lang,
        labels=labels,
        values=dict(values or {}),
        kinds=dict(kinds or {}),
        max_rows=max_rows,
        index=False,
    )


def managers_html(result: Managers, lang: str = "en", *, max_rows: int = 20) -> str:
    """The summary, the two lists (first ``max_rows`` rows) and the notes, as HTML."""
    check_lang(lang)
    kinds = {b: "int" for b in BLOCKS}  # "potential" would otherwise read as money
    kinds.update({c: "int" for c in ("A", "B", "C")})
    parts = [
        f"<div class='rk-managers'><h4>{html.escape(_t('title.managers', lang))}</h4>",
        html_table(
            result.summary, lang, max_rows=None, kinds=kinds, values={S.MANAGER: "managers"}
        ),
    ]
    for key, frame, values in (
        (
            "title.forgotten",
            result.forgotten,
            {S.MANAGER: "managers", S.BLOCK: "block", S.CELL: "managers"},
        ),
        ("title.overdue", result.overdue, {S.MANAGER: "managers"}),
    ):
        if len(frame):
            parts += [
                f"<h5>{html.escape(_t(key, lang))} ({len(frame):,})</h5>",
                html_table(
                    frame, lang, max_rows=max_rows, values=values, kinds={S.CLIENT_ID: "id"}
                ),
            ]
    texts = notes(result, lang)
    if texts:
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in texts) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


def nps_display(result: NPSResult, lang: str = "en") -> pd.DataFrame:
    """:attr:`NPSResult.summary` for people: NPS and bounds rounded, "too few answers" instead of
    NaN."""
    check_lang(lang)
    out = result.summary.drop(columns=[S.TOO_FEW, S.NPS_SE]).copy()
    few = result.summary[S.TOO_FEW].to_numpy()
    for col in (S.NPS, S.CI_LOW, S.CI_HIGH):
        out[col] = [
            _t("too_few_answers", lang) if f else fmt_number(v, lang, decimals=1)
            for f, v in zip(few, result.summary[col])
        ]
    return out


def nps_html(result: NPSResult, lang: str = "en") -> str:
    """The NPS table as HTML, with the notes."""
    check_lang(lang)
    values = {c: "managers" for c in (*result.group_columns, S.DIMENSION)}
    values.update({S.BLOCK: "block"} if S.BLOCK in result.group_columns else {})
    kinds = {c: "text" for c in (S.NPS, S.CI_LOW, S.CI_HIGH)}
    body = html_table(nps_display(result, lang), lang, max_rows=None, values=values, kinds=kinds)
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes(result, lang))
    return (
        f"<div class='rk-nps'><h4>{html.escape(_t('title.nps', lang))}</h4>{body}"
        + (f"<ul>{items}</ul>" if items else "")
        + "</div>"
    )


__all__ = ["LABELS", "html_table", "managers_html", "note_text", "notes", "nps_display", "nps_html"]
