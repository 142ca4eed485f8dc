"""Every word of the reports in English and Russian, and the number formats of each language.

One translation table, :data:`TEXT`, holds every heading, label, category name and sentence the
report layer prints: ``TEXT["report.contents"] == {"en": "Contents", "ru": "Содержание"}``.
:func:`t` looks a key up and fills its placeholders. Other modules add their own labels with
:func:`register`; the analysis modules that define a ``LABELS`` dict (``{"en": {...}, "ru":
{...}}``, e.g. :mod:`reportkit.analysis.segmentation`) are merged lazily under their module name, so
``t("segmentation.champions", "ru")`` works without this module importing them up front.

Number formats: ``1,234,567.5`` in English, ``1 234 567,5`` in Russian (a narrow no-break space
U+202F groups the thousands, a comma separates the decimals). Missing values print as ``—``.
:func:`table_html` renders a DataFrame for the report: every value HTML-escaped, numbers
formatted per column kind and right-aligned through the CSS class ``rk-num``.
"""

from __future__ import annotations

import difflib
import functools
import html
import importlib
import math
import string
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ReportkitError, check_param
from ..io import schema as S

LANGS = ("en", "ru")
MISSING = "\u2014"  # em dash for a missing value
MINUS = "\u2212"  # typographic minus sign
NNBSP = "\u202f"  # narrow no-break space: Russian thousands separator
_SEPARATORS = {"en": (",", "."), "ru": (NNBSP, ",")}  # (thousands, decimal)

# ----------------------------------------------------------------------------------------------
# The translation table
# ----------------------------------------------------------------------------------------------
TEXT: dict[str, dict[str, str]] = {
    # title block, contents, footer
    "report.audit_title": {"en": "Client base audit", "ru": "Аудит клиентской базы"},
    "report.monthly_title": {"en": "Client base report", "ru": "Отчёт по клиентской базе"},
    "report.contents": {"en": "Contents", "ru": "Содержание"},
    "report.client_base": {"en": "Client base", "ru": "Клиентская база"},
    "report.period": {"en": "Period", "ru": "Период"},
    "report.as_of": {"en": "As of", "ru": "По состоянию на"},
    "report.made_on": {"en": "Made on", "ru": "Дата формирования"},
    "report.made_with": {
        "en": "Made with reportkit {version}",
        "ru": "Сформировано reportkit {version}",
    },
    "report.masked": {
        "en": "Client names and contacts in this report are pseudonyms.",
        "ru": "Названия клиентов и контакты в этом отчёте заменены псевдонимами.",
    },
    "report.rows_shown": {
        "en": "First {shown} of {total} rows.",
        "ru": "Первые {shown} из {total} строк.",
    },
    # the index page of the monthly batch
    "index.title": {"en": "Monthly reports", "ru": "Ежемесячные отчёты"},
    "index.periods": {"en": "Periods", "ru": "Периоды"},
    "index.trend": {"en": "Trend", "ru": "Динамика"},
    "index.status": {"en": "Status", "ru": "Статус"},
    "index.report": {"en": "Report", "ru": "Отчёт"},
    "index.open": {"en": "open", "ru": "открыть"},
    "index.done": {"en": "done", "ru": "готов"},
    "index.failed": {"en": "failed", "ru": "ошибка"},
    "index.notebook": {"en": "executed notebook", "ru": "выполненный блокнот"},
    "index.summary": {
        "en": "{done} of {total} periods built, {failed} failed.",
        "ru": "Построено периодов: {done} из {total}, с ошибкой: {failed}.",
    },
    # key figures (kpis.json keys)
    "kpi.clients": {"en": "Clients", "ru": "Клиенты"},
    "kpi.active_clients": {"en": "Active clients", "ru": "Активные клиенты"},
    "kpi.new_clients": {"en": "New clients", "ru": "Новые клиенты"},
    "kpi.retained_clients": {"en": "Retained clients", "ru": "Сохранённые клиенты"},
    "kpi.reactivated_clients": {"en": "Reactivated clients", "ru": "Вернувшиеся клиенты"},
    "kpi.lost_clients": {"en": "Lost clients", "ru": "Ушедшие клиенты"},
    "kpi.revenue": {"en": "Revenue", "ru": "Выручка"},
    "kpi.revenue_new": {"en": "Revenue from new clients", "ru": "Выручка от новых клиентов"},
    "kpi.churn_rate": {"en": "Churn rate", "ru": "Доля ушедших"},
    "kpi.revenue_at_risk": {"en": "Revenue at risk", "ru": "Выручка под угрозой"},
    "kpi.orders": {"en": "Orders", "ru": "Заказы"},
    "kpi.base": {"en": "Clients in the base", "ru": "Клиентов в базе"},
    "kpi.top20_share": {"en": "Revenue from the top 20 %", "ru": "Выручка от топ-20 %"},
    "kpi.lost_12m": {"en": "Lost in 12 months", "ru": "Ушли за 12 месяцев"},
    "kpi.base_year_ago": {"en": "Base a year ago", "ru": "База год назад"},
    "kpi.churn_rate_12m": {"en": "Churn rate, 12 months", "ru": "Доля ушедших за 12 месяцев"},
    "kpi.revenue_period": {"en": "Revenue of the period", "ru": "Выручка за период"},
    "kpi.revenue_12m": {"en": "Revenue, 12 months", "ru": "Выручка за 12 месяцев"},
    "kpi.high_risk_clients": {"en": "Clients at high risk", "ru": "Клиенты с высоким риском"},
    # lifecycle blocks and zones
    "block.potential": {"en": "Potential", "ru": "Потенциальные"},
    "block.active": {"en": "Active", "ru": "Активные"},
    "block.working": {"en": "Working", "ru": "Работающие"},
    "block.regular": {"en": "Regular", "ru": "Постоянные"},
    "block.proven": {"en": "Proven", "ru": "Проверенные"},
    "block.vip": {"en": "VIP", "ru": "VIP"},
    "block.key": {"en": "Key", "ru": "Ключевые"},
    "block.dead": {"en": "Dead", "ru": "Ушедшие"},
    "block.dead_reanimatable": {"en": "Dead, can be reactivated", "ru": "Ушедшие, можно вернуть"},
    "block.dead_lost": {"en": "Dead, lost", "ru": "Ушедшие безвозвратно"},
    "zone.birth": {"en": "Birth", "ru": "Зарождение"},
    "zone.life": {"en": "Life", "ru": "Жизнь"},
    "zone.death": {"en": "Death", "ru": "Уход"},
    # base dynamics
    "dynamics.new": {"en": "New", "ru": "Новые"},
    "dynamics.retained": {"en": "Retained", "ru": "Сохранённые"},
    "dynamics.reactivated": {"en": "Reactivated", "ru": "Вернувшиеся"},
    "dynamics.lost": {"en": "Lost", "ru": "Ушедшие"},
    "sentence.base_lost": {
        "en": "{lost} of {total} clients ({share}) left the base this period.",
        "ru": "За период ушли {lost} из {total} клиентов ({share}).",
    },
    # action lists (file and sheet names)
    "action.reactivation": {"en": "Reactivation", "ru": "Реактивация"},
    "action.at_risk": {"en": "At risk", "ru": "Под угрозой ухода"},
    "action.duplicates": {"en": "Duplicates", "ru": "Дубли"},
    "action.segments": {"en": "Segments", "ru": "Сегменты"},
    "action.callback": {"en": "Call back", "ru": "Перезвонить"},
    "action.forgotten": {"en": "Forgotten clients", "ru": "Забытые клиенты"},
    "action.overdue": {"en": "Overdue tasks", "ru": "Просроченные задачи"},
    "action.detractors_a": {"en": "Detractors among A", "ru": "Критики среди A"},
    "action.notes": {"en": "Notes", "ru": "Примечания"},
    "action.cleaned": {
        "en": "{count} cells held control characters a spreadsheet cell cannot "
        "hold; they were removed here (the CSV files keep them).",
        "ru": "В ячейках ({count}) были управляющие символы, которых ячейка "
        "таблицы не хранит; здесь они удалены (в файлах CSV они есть).",
    },
    "action.long": {
        "en": "{count} cells were longer than the 32,767 characters a cell holds "
        "and were cut here (the CSV files keep them whole).",
        "ru": "Ячейки ({count}) длиннее 32 767 символов, которые вмещает ячейка, "
        "здесь обрезаны (в файлах CSV они целиком).",
    },
    "action.cut": {
        "en": "Sheet “{sheet}” shows the first {shown} of {total} rows (the list is "
        "ranked, the most important first); every row is in {file}.",
        "ru": "На листе «{sheet}» первые {shown} из {total} строк (список упорядочен, "
        "важнейшие сверху); все строки — в файле {file}.",
    },
    # column headers
    "col.client_id": {"en": "Client ID", "ru": "Код клиента"},
    "col.name": {"en": "Client", "ru": "Клиент"},
    "col.phone": {"en": "Phone", "ru": "Телефон"},
    "col.email": {"en": "E-mail", "ru": "Эл. почта"},
    "col.tax_id": {"en": "Tax ID", "ru": "ИНН"},
    "col.manager": {"en": "Manager", "ru": "Менеджер"},
    "col.region": {"en": "Region", "ru": "Регион"},
    "col.industry": {"en": "Industry", "ru": "Отрасль"},
    "col.date": {"en": "Date", "ru": "Дата"},
    "col.amount": {"en": "Amount", "ru": "Сумма"},
    "col.revenue": {"en": "Revenue", "ru": "Выручка"},
    "col.margin": {"en": "Margin", "ru": "Маржа"},
    "col.orders": {"en": "Orders", "ru": "Заказы"},
    "col.month": {"en": "Month", "ru": "Месяц"},
    "col.period": {"en": "Period", "ru": "Период"},
    "col.first_order": {"en": "First order", "ru": "Первый заказ"},
    "col.last_order": {"en": "Last order", "ru": "Последний заказ"},
    "col.recency_days": {"en": "Days since last order", "ru": "Дней с последнего заказа"},
    "col.revenue_window": {"en": "Revenue, 12 months", "ru": "Выручка за 12 месяцев"},
    "col.revenue_total": {"en": "Revenue, lifetime", "ru": "Выручка за всё время"},
    "col.interval_days": {"en": "Usual interval, days", "ru": "Обычный интервал, дней"},
    "col.block": {"en": "Lifecycle block", "ru": "Блок жизненного цикла"},
    "col.zone": {"en": "Zone", "ru": "Зона"},
    "col.reason": {"en": "Reason", "ru": "Причина"},
    "col.abc": {"en": "ABC", "ru": "ABC"},
    "col.xyz": {"en": "XYZ", "ru": "XYZ"},
    "col.abcxyz": {"en": "ABC×XYZ", "ru": "ABC×XYZ"},
    "col.rfm_segment": {"en": "RFM segment", "ru": "RFM-сегмент"},
    "col.share_of_wallet": {"en": "Share of wallet", "ru": "Доля кошелька"},
    # every other output column shown in a report (schema constants and the churn scores);
    # "churn_rate", "vip" and "note" are left to their modules' labels (dynamics.churn_rate, …)
    # -- input tables
    "col.order_id": {"en": "Order", "ru": "Заказ"},
    "col.quantity": {"en": "Quantity", "ru": "Количество"},
    "col.price": {"en": "Price", "ru": "Цена"},
    "col.product": {"en": "Product", "ru": "Товар"},
    "col.category": {"en": "Category", "ru": "Категория"},
    "col.channel": {"en": "Channel", "ru": "Канал"},
    "col.size": {"en": "Company size", "ru": "Размер компании"},
    "col.contact_person": {"en": "Contact person", "ru": "Контактное лицо"},
    "col.decision_maker": {"en": "Decision maker", "ru": "Лицо, принимающее решения"},
    "col.created": {"en": "Created", "ru": "Дата создания"},
    "col.status": {"en": "Status", "ru": "Статус"},
    "col.key_account": {"en": "Key account", "ru": "Ключевой клиент"},
    "col.refused": {"en": "Refused", "ru": "Отказ"},
    "col.potential": {"en": "Potential", "ru": "Потенциал"},
    "col.type": {"en": "Type", "ru": "Тип"},
    "col.due": {"en": "Due", "ru": "Срок"},
    "col.done": {"en": "Done", "ru": "Выполнено"},
    "col.score": {"en": "Score", "ru": "Оценка"},
    "col.first_order_day": {"en": "First order in the month", "ru": "Первый заказ в месяце"},
    "col.last_order_day": {"en": "Last order in the month", "ru": "Последний заказ в месяце"},
    # -- data quality
    "col.group_id": {"en": "Group", "ru": "Группа"},
    "col.client_id_a": {"en": "Client ID (first)", "ru": "Код клиента (первый)"},
    "col.client_id_b": {"en": "Client ID (second)", "ru": "Код клиента (второй)"},
    "col.evidence": {"en": "Evidence", "ru": "Совпадения"},
    "col.name_score": {"en": "Name similarity", "ru": "Сходство названий"},
    "col.confidence": {"en": "Confidence", "ru": "Уверенность"},
    "col.group_confidence": {"en": "Group confidence", "ru": "Уверенность по группе"},
    "col.group_size": {"en": "Records in the group", "ru": "Записей в группе"},
    "col.survivor": {"en": "Record to keep", "ru": "Оставить запись"},
    "col.action": {"en": "Action", "ru": "Действие"},
    "col.group_revenue": {"en": "Revenue of the group", "ru": "Выручка группы"},
    "col.key": {"en": "Key", "ru": "Ключ"},
    "col.value": {"en": "Value", "ru": "Объём"},
    "col.figure": {"en": "Figure", "ru": "Значение"},
    "col.records": {"en": "Records", "ru": "Записей"},
    "col.problem": {"en": "Problem", "ru": "Проблема"},
    "col.field": {"en": "Field", "ru": "Поле"},
    "col.fields": {"en": "Fields", "ru": "Поля"},
    "col.card_group": {"en": "Group of fields", "ru": "Группа полей"},
    "col.in_file": {"en": "In the file", "ru": "Есть в файле"},
    "col.filled": {"en": "Cards filled", "ru": "Заполнено карточек"},
    "col.share_filled": {"en": "Share filled", "ru": "Доля заполненных"},
    "col.fields_filled": {"en": "Fields filled", "ru": "Заполнено полей"},
    "col.groups_filled": {"en": "Groups filled", "ru": "Заполнено групп"},
    "col.completeness": {"en": "Completeness", "ru": "Заполненность"},
    "col.missing": {"en": "Missing fields", "ru": "Незаполненные поля"},
    "col.has_orders": {"en": "Has orders", "ru": "Есть заказы"},
    "col.business_filled": {"en": "Business fields filled", "ru": "Деловые поля заполнены"},
    "col.contact_filled": {"en": "Contacts filled", "ru": "Контакты заполнены"},
    "col.analytic_filled": {"en": "Analytic fields filled", "ru": "Аналитика заполнена"},
    "col.history_filled": {"en": "History filled", "ru": "История заполнена"},
    "col.item": {"en": "Item", "ru": "Показатель"},
    "col.section": {"en": "Section", "ru": "Раздел"},
    "col.input": {"en": "Input", "ru": "Исходные данные"},
    "col.report": {"en": "Report", "ru": "В отчёте"},
    "col.difference": {"en": "Difference", "ru": "Разница"},
    "col.check": {"en": "Check", "ru": "Проверка"},
    # -- client snapshot
    "col.as_of": {"en": "As of", "ru": "На дату"},
    "col.tenure_days": {"en": "Days since first order", "ru": "Дней с первого заказа"},
    "col.orders_window": {"en": "Orders, 12 months", "ru": "Заказов за 12 месяцев"},
    "col.orders_total": {"en": "Orders, lifetime", "ru": "Заказов за всё время"},
    "col.revenue_prev_window": {
        "en": "Revenue, previous 12 months",
        "ru": "Выручка за предыдущие 12 месяцев",
    },
    "col.margin_window": {"en": "Margin, 12 months", "ru": "Маржа за 12 месяцев"},
    "col.margin_total": {"en": "Margin, lifetime", "ru": "Маржа за всё время"},
    "col.active_months": {"en": "Months with orders", "ru": "Месяцев с заказами"},
    "col.cv": {
        "en": "Variation of monthly revenue (CV)",
        "ru": "Коэффициент вариации месячной выручки",
    },
    "col.aov": {"en": "Average order", "ru": "Средний заказ"},
    "col.revenue_last3": {"en": "Revenue, last 3 months", "ru": "Выручка за последние 3 месяца"},
    "col.revenue_prev3": {"en": "Revenue, 3 months before", "ru": "Выручка за 3 месяца до них"},
    "col.trend": {"en": "Trend", "ru": "Тренд"},
    "col.best12_revenue": {"en": "Best 12 months revenue", "ru": "Выручка за лучшие 12 месяцев"},
    "col.is_lead": {"en": "No orders yet", "ru": "Ещё без заказов"},
    # -- segmentation
    "col.r_score": {"en": "R (recency)", "ru": "R (давность)"},
    "col.f_score": {"en": "F (frequency)", "ru": "F (частота)"},
    "col.m_score": {"en": "M (money)", "ru": "M (деньги)"},
    "col.rfm": {"en": "RFM code", "ru": "RFM-код"},
    "col.bcg": {"en": "BCG class", "ru": "Класс БКГ"},
    "col.size_tier": {"en": "Size tier", "ru": "Размер"},
    "col.unrealised_potential": {"en": "Unrealised potential", "ru": "Нереализованный потенциал"},
    "col.share": {"en": "Share", "ru": "Доля"},
    "col.cum_share": {"en": "Cumulative share", "ru": "Накопленная доля"},
    "col.relative_share": {
        "en": "Relative share (log scale)",
        "ru": "Относительная доля (логарифм)",
    },
    "col.growth": {"en": "Revenue growth", "ru": "Рост выручки"},
    "col.value_share": {"en": "Share of value", "ru": "Доля объёма"},
    "col.cell": {"en": "Cell", "ru": "Ячейка"},
    "col.lang": {"en": "Language", "ru": "Язык"},
    "col.owner": {"en": "Owner", "ru": "Ответственный"},
    "col.meetings": {"en": "Meetings", "ru": "Встречи"},
    "col.calls": {"en": "Calls", "ru": "Звонки"},
    "col.offer": {"en": "What to offer", "ru": "Что предлагать"},
    # -- lifecycle
    "col.n_clients": {"en": "Clients", "ru": "Клиентов"},
    "col.client_share": {"en": "Share of clients", "ru": "Доля клиентов"},
    "col.revenue_share": {"en": "Share of revenue", "ru": "Доля выручки"},
    "col.usual_interval_days": {"en": "Usual cycle, days", "ru": "Обычный цикл, дней"},
    "col.block_from": {"en": "From block", "ru": "Из блока"},
    "col.block_to": {"en": "To block", "ru": "В блок"},
    "col.revenue_from": {"en": "Revenue before", "ru": "Выручка до"},
    "col.revenue_to": {"en": "Revenue after", "ru": "Выручка после"},
    # -- base dynamics
    "col.period_start": {"en": "Period start", "ru": "Начало периода"},
    "col.period_end": {"en": "Period end", "ru": "Конец периода"},
    "col.base_start": {"en": "Base at start", "ru": "База на начало"},
    "col.new": {"en": "New", "ru": "Новые"},
    "col.retained": {"en": "Retained", "ru": "Сохранённые"},
    "col.reactivated": {"en": "Reactivated", "ru": "Вернувшиеся"},
    "col.lost": {"en": "Lost", "ru": "Ушедшие"},
    "col.base_end": {"en": "Base at end", "ru": "База на конец"},
    "col.churn_rate_annual": {
        "en": "Churn over the trailing year",
        "ru": "Доля ушедших за скользящий год",
    },
    "col.revenue_prev": {"en": "Revenue of the previous period", "ru": "Выручка прошлого периода"},
    "col.revenue_new": {"en": "Revenue from new clients", "ru": "Выручка новых клиентов"},
    "col.revenue_reactivated": {
        "en": "Revenue from reactivated clients",
        "ru": "Выручка вернувшихся клиентов",
    },
    "col.revenue_retained": {
        "en": "Revenue from existing clients",
        "ru": "Выручка существующих клиентов",
    },
    "col.revenue_retained_prev": {"en": "Their previous revenue", "ru": "Их прошлая выручка"},
    "col.retained_growth": {
        "en": "Growth of existing clients",
        "ru": "Рост у существующих клиентов",
    },
    "col.retained_decline": {
        "en": "Decline of existing clients",
        "ru": "Спад у существующих клиентов",
    },
    "col.revenue_lost_12m": {
        "en": "Yearly revenue of lost clients",
        "ru": "Годовая выручка ушедших",
    },
    "col.cohort": {"en": "Cohort", "ru": "Когорта"},
    "col.age": {"en": "Age, periods", "ru": "Возраст, периодов"},
    "col.cohort_size": {"en": "Cohort size", "ru": "Размер когорты"},
    "col.active_clients": {"en": "Clients buying", "ru": "Покупающих клиентов"},
    "col.retention": {"en": "Share still buying", "ru": "Доля покупающих"},
    "col.revenue_per_client": {"en": "Revenue per client", "ru": "Выручка на клиента"},
    # -- churn model (reportkit.analysis.churn)
    "col.churn_probability": {"en": "Churn probability", "ru": "Вероятность ухода"},
    "col.band": {"en": "Risk", "ru": "Риск"},
    "col.expected_revenue_12m": {
        "en": "Expected revenue, 12 months",
        "ru": "Ожидаемая выручка за 12 месяцев",
    },
    "col.revenue_at_risk": {"en": "Revenue at risk", "ru": "Выручка под угрозой"},
    "col.expected_next_order": {"en": "Expected next order", "ru": "Ожидаемый следующий заказ"},
    "col.recency_ratio": {"en": "Silence / usual interval", "ru": "Молчание / обычный интервал"},
    "col.p_alive": {
        "en": "Probability still buying (BG/NBD)",
        "ru": "Вероятность, что клиент ещё покупает (BG/NBD)",
    },
    "col.p_no_purchase": {"en": "Probability of no purchase", "ru": "Вероятность без покупки"},
    "col.expected_purchases": {"en": "Expected purchases", "ru": "Ожидаемых покупок"},
    # -- managers and NPS
    "col.manager_source": {"en": "Manager taken from", "ru": "Откуда менеджер"},
    "col.n_activities": {"en": "Activities", "ru": "Активностей"},
    "col.overdue_tasks": {"en": "Overdue tasks", "ru": "Просроченных задач"},
    "col.n_forgotten": {"en": "Forgotten clients", "ru": "Забытых клиентов"},
    "col.n_lost": {"en": "Clients lost", "ru": "Ушедших клиентов"},
    "col.risk_share": {"en": "Share of revenue at risk", "ru": "Доля выручки под угрозой"},
    "col.last_activity": {"en": "Last activity", "ru": "Последняя активность"},
    "col.days_without_contact": {"en": "Days without contact", "ru": "Дней без контакта"},
    "col.allowed_days": {"en": "Allowed days without contact", "ru": "Допустимо дней без контакта"},
    "col.days_overdue": {"en": "Days overdue", "ru": "Дней просрочки"},
    "col.n_answers": {"en": "Answers", "ru": "Ответов"},
    "col.promoters": {"en": "Promoters", "ru": "Промоутеры"},
    "col.passives": {"en": "Passives", "ru": "Нейтральные"},
    "col.detractors": {"en": "Detractors", "ru": "Критики"},
    "col.promoter_share": {"en": "Share of promoters", "ru": "Доля промоутеров"},
    "col.detractor_share": {"en": "Share of detractors", "ru": "Доля критиков"},
    "col.nps": {"en": "NPS", "ru": "Индекс NPS"},
    "col.nps_se": {"en": "NPS standard error", "ru": "Стандартная ошибка NPS"},
    "col.ci_low": {"en": "Lower bound", "ru": "Нижняя граница"},
    "col.ci_high": {"en": "Upper bound", "ru": "Верхняя граница"},
    "col.too_few": {"en": "Too few answers", "ru": "Мало ответов"},
    "col.nps_category": {"en": "NPS category", "ru": "Категория NPS"},
    "col.dimension": {"en": "Grouped by", "ru": "Разрез"},
    "col.group": {"en": "Group", "ru": "Группа"},
    # -- buy-till-you-die summary (lifetimes' names)
    "col.frequency": {"en": "Repeat purchases", "ru": "Повторных покупок"},
    "col.recency": {"en": "First to last purchase", "ru": "От первой до последней покупки"},
    "col.monetary_value": {"en": "Mean repeat purchase", "ru": "Средняя повторная покупка"},
    # input tables by name (report section "Data received", reconciliation)
    "table.transactions": {"en": "transactions", "ru": "продажи"},
    "table.clients": {"en": "clients", "ru": "клиенты"},
    "table.activities": {"en": "activities", "ru": "активности"},
    "table.surveys": {"en": "surveys", "ru": "опросы"},
    # why the loader rejected a row: the English text is reportkit.io.load's reason word for word
    # (see load_reason)
    "load.malformed": {
        "en": "malformed line (wrong number of fields)",
        "ru": "испорченная строка (не то число полей)",
    },
    "load.empty_row": {"en": "empty row", "ru": "пустая строка"},
    "load.repeated_header": {"en": "the header row repeated", "ru": "повтор строки заголовков"},
    "load.total_row": {"en": "total row", "ru": "строка итогов"},
    "load.missing_id": {"en": "missing client id", "ru": "нет кода клиента"},
    "load.bad_date": {"en": "unparseable date", "ru": "нечитаемая дата"},
    "load.bad_amount": {"en": "unparseable amount", "ru": "нечитаемая сумма"},
    "load.early_date": {
        "en": "date before [load] earliest_date",
        "ru": "дата раньше самой ранней допустимой",
    },
    "load.future_date": {"en": "date in the future", "ru": "дата в будущем"},
    "load.huge_amount": {
        "en": "implausible amount (1e15 or more)",
        "ru": "неправдоподобная сумма (10¹⁵ и больше)",
    },
    "load.bad_score": {"en": "score missing or outside 0–10", "ru": "оценки нет или она вне 0–10"},
    "load.duplicate_row": {"en": "exact duplicate row", "ru": "точный дубль строки"},
    "load.repeated_id": {
        "en": "repeated client id (first record kept)",
        "ru": "повтор кода клиента (оставлена первая запись)",
    },
    # flags
    "flag.yes": {"en": "yes", "ru": "да"},
    "flag.no": {"en": "no", "ru": "нет"},
    # pseudonyms (reportkit.report.render.mask_frame)
    "mask.client": {"en": "Client {code}", "ru": "Клиент {code}"},
    "mask.person": {"en": "Person {code}", "ru": "Контакт {code}"},
    "mask.manager": {"en": "Manager {code}", "ru": "Менеджер {code}"},
    "mask.id": {"en": "C-{code}", "ru": "К-{code}"},
}

#: modules whose ``LABELS`` dict is merged under their own name on first use
PROVIDERS: dict[str, str] = {
    "audit": "reportkit.report.words.audit",
    "segmentation": "reportkit.report.words.segmentation",
    "lifecycle": "reportkit.report.words.lifecycle",
    "dynamics": "reportkit.report.words.dynamics",
    "quality": "reportkit.report.words.quality",
    "managers": "reportkit.report.words.managers",
}

_REGISTERED: dict[str, dict[str, str]] = {}
_LOADED_PROVIDERS: set[str] = set()


def _check_lang(lang: str) -> None:
    check_param(lang in LANGS, "lang", 'one of "en", "ru"', lang)


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a text.

    >>> sorted(placeholders("{lost} of {total} clients"))
    ['lost', 'total']
    """
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _flatten(mapping: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in mapping.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = value
    return out


def _normalise(labels: Mapping, where: str) -> dict[str, dict[str, str]]:
    """Turn ``{"en": {...}, "ru": {...}}`` or ``{key: {"en":..., "ru":...}}`` into the latter."""
    if not isinstance(labels, Mapping) or not labels:
        raise ReportkitError(f"{where}: labels must be a non-empty dict, got {labels!r}")
    if set(labels) <= set(LANGS):  # language first, possibly nested
        flat = {
            lang: _flatten(labels[lang])
            for lang in LANGS
            if lang in labels and isinstance(labels[lang], Mapping)
        }
        for lang in LANGS:
            if lang not in flat:
                raise ReportkitError(
                    f"{where}: labels have no {lang!r} dict; give every label "
                    "in both English and Russian"
                )
        missing = set(flat["en"]) ^ set(flat["ru"])
        if missing:
            raise ReportkitError(
                f"{where}: labels {sorted(missing)[:5]} are not given in both "
                "languages; add the missing translations"
            )
        return {key: {"en": flat["en"][key], "ru": flat["ru"][key]} for key in flat["en"]}
    out = {}
    for key, entry in labels.items():
        if not (isinstance(entry, Mapping) and set(entry) >= set(LANGS)):
            raise ReportkitError(
                f"{where}: label {key!r} must be a dict with 'en' and 'ru' texts, got {entry!r}"
            )
        out[str(key)] = {lang: entry[lang] for lang in LANGS}
    return out


def _validate(key: str, entry: Mapping[str, str], where: str) -> None:
    for lang in LANGS:
        if not isinstance(entry.get(lang), str):
            raise ReportkitError(
                f"{where}: label {key!r} has no {lang!r} text (got "
                f"{entry.get(lang)!r}); give it a string in both languages"
            )
    if placeholders(entry["en"]) != placeholders(entry["ru"]):
        raise ReportkitError(
            f"{where}: label {key!r} has placeholders {sorted(placeholders(entry['en']))} in "
            f"English but {sorted(placeholders(entry['ru']))} in Russian; make them the same"
        )


def register(labels: Mapping, *, namespace: str | None = None, overwrite: bool = False) -> int:
    """Merge labels into the translation table.

    Parameters
    ----------
    labels : dict
        Either ``{"en": {key: text}, "ru": {key: text}}`` (nested dicts become dotted keys) or
        ``{key: {"en": text, "ru": text}}``.
    namespace : str or None, default None
        Prefix of every key: ``namespace="segmentation"`` registers ``"segmentation.<key>"``.
    overwrite : bool, default False
        Replace a key that is already registered with a different text. Without it such a
        conflict raises :class:`~reportkit.errors.ReportkitError`; the built-in :data:`TEXT`
        keys can never be replaced.

    Returns
    -------
    int
        The number of keys added or replaced.

    Examples
    --------
    >>> register({"en": {"champions": "Champions"}, "ru": {"champions": "Чемпионы"}},
    ...          namespace="example")
    1
    >>> t("example.champions", "ru")
    'Чемпионы'
    """
    where = f"register(namespace={namespace!r})"
    entries = _normalise(labels, where)
    prefix = f"{namespace}." if namespace else ""
    changed = 0
    for key, entry in entries.items():
        _validate(key, entry, where)
        full = prefix + key
        if full in TEXT:
            if dict(entry) == TEXT[full]:
                continue
            raise ReportkitError(
                f"{where}: key {full!r} is built into reportkit.report.text.TEXT; "
                "use another key or a namespace"
            )
        old = _REGISTERED.get(full)
        if old is not None and old != dict(entry) and not overwrite:
            raise ReportkitError(
                f"{where}: key {full!r} is already registered as {old!r}; "
                "pass overwrite=True to replace it"
            )
        if old != dict(entry):
            _REGISTERED[full] = dict(entry)
            changed += 1
    return changed


def _load_provider(namespace: str) -> None:
    if namespace in _LOADED_PROVIDERS or namespace not in PROVIDERS:
        return
    _LOADED_PROVIDERS.add(namespace)
    try:
        module = importlib.import_module(PROVIDERS[namespace])
    except ImportError:
        return
    labels = getattr(module, "LABELS", None)
    if labels:
        register(labels, namespace=namespace, overwrite=True)


def _lookup(key: str) -> dict[str, str] | None:
    entry = TEXT.get(key) or _REGISTERED.get(key)
    if entry is None and "." in key:
        _load_provider(key.split(".", 1)[0])
        entry = _REGISTERED.get(key)
    return entry


def has(key: str) -> bool:
    """Whether ``key`` is in the translation table (loading its provider module if needed)."""
    return _lookup(key) is not None


def keys() -> list[str]:
    """Every key known so far (built-in and registered), sorted."""
    return sorted(set(TEXT) | set(_REGISTERED))


def t(key: str, lang: str = "en", **fmt: Any) -> str:
    """The text of ``key`` in ``lang``, with its placeholders filled from ``fmt``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT` or a registered one, e.g. ``"report.contents"``.
    lang : {"en", "ru"}, default "en"
    **fmt
        Values of the placeholders; format numbers first (:func:`fmt_int`, :func:`fmt_pct`).

    Examples
    --------
    >>> t("report.contents", "ru")
    'Содержание'
    >>> t("sentence.base_lost", "en", lost="12", total="120", share="10.0%")
    '12 of 120 clients (10.0%) left the base this period.'
    """
    _check_lang(lang)
    entry = _lookup(key)
    if entry is None:
        close = difflib.get_close_matches(key, keys(), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ReportkitError(
            f"unknown text key {key!r}.{hint} Add it to reportkit.report.text.TEXT "
            "(in English and Russian) or register() it."
        )
    text = entry[lang]
    try:
        return text.format(**fmt) if fmt or placeholders(text) else text
    except KeyError as exc:
        raise ReportkitError(
            f"text {key!r} needs the value of {{{exc.args[0]}}}; pass {exc.args[0]}=... to t()"
        ) from None


def label(value: Any, lang: str = "en", namespace: str | None = None) -> str:
    """Display name of a category value, or the value itself when it has no translation.

    >>> label("dead_lost", "en", "block")
    'Dead, lost'
    >>> label("AX", "ru", "segmentation_example")
    'AX'
    """
    _check_lang(lang)
    if _is_missing(value):
        return MISSING
    key = f"{namespace}.{value}" if namespace else str(value)
    entry = _lookup(key)
    return entry[lang] if entry else str(value)


def load_reason(reason: str, lang: str = "en") -> str:
    """A reason of :mod:`reportkit.io.load` for rejecting a row, in ``lang``; a reason without a
    ``load.*`` translation is returned as it is.

    >>> load_reason("unparseable date", "ru")
    'нечитаемая дата'
    >>> load_reason("something new", "ru")
    'something new'
    """
    _check_lang(lang)
    for key, entry in TEXT.items():
        if key.startswith("load.") and entry["en"] == reason:
            return entry[lang]
    return str(reason)


# ----------------------------------------------------------------------------------------------
# Counted nouns and category names
# ----------------------------------------------------------------------------------------------
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "order": {"en": ("order", "orders"), "ru": ("заказ", "заказа", "заказов")},
    "day": {"en": ("day", "days"), "ru": ("день", "дня", "дней")},
    "month": {"en": ("month", "months"), "ru": ("месяц", "месяца", "месяцев")},
    "client": {"en": ("client", "clients"), "ru": ("клиент", "клиента", "клиентов")},
    "quarter": {"en": ("quarter", "quarters"), "ru": ("квартал", "квартала", "кварталов")},
}


@functools.lru_cache(maxsize=4096)
def plural_word(n: int, lang: str, noun: str) -> str:
    """The form of ``noun`` ("order", "day", "month", "client") that goes with the count ``n``.

    >>> plural_word(22, "ru", "client"), plural_word(1, "en", "client")
    ('клиента', 'client')
    """
    forms = _WORDS[noun][lang]
    k = abs(int(n))
    if lang == "en":
        return forms[0] if k == 1 else forms[1]
    if 11 <= k % 100 <= 14:
        return forms[2]
    if k % 10 == 1:
        return forms[0]
    if 2 <= k % 10 <= 4:
        return forms[1]
    return forms[2]


@functools.lru_cache(maxsize=16384)
def count_phrase(n: int, lang: str, noun: str) -> str:
    """A count with its noun in the right form: English one/many, Russian one/few/many.

    >>> [count_phrase(k, "ru", "order") for k in (1, 2, 5, 11, 21, 22, 112)]
    ['1 заказ', '2 заказа', '5 заказов', '11 заказов', '21 заказ', '22 заказа', '112 заказов']
    >>> count_phrase(1, "en", "day"), count_phrase(40, "en", "day")
    ('1 day', '40 days')
    """
    return f"{n} {plural_word(n, lang, noun)}"


def block_label(block: str, lang: str = "en") -> str:
    """Display name of a lifecycle block.

    >>> block_label("dead_reanimatable"), block_label("regular", "ru")
    ('Dead, can be reactivated', 'Постоянные')
    """

    return label(block, lang, "block")


# ----------------------------------------------------------------------------------------------
# Number and date formats
# ----------------------------------------------------------------------------------------------
def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _group(value: float, lang: str, decimals: int) -> str:
    _check_lang(lang)
    check_param(
        isinstance(decimals, (int, np.integer)) and 0 <= decimals <= 12,
        "decimals",
        "an integer from 0 to 12",
        decimals,
    )
    if math.isinf(value):
        return ("" if value > 0 else MINUS) + "∞"
    text = f"{abs(value):,.{decimals}f}"
    thousands, point = _SEPARATORS[lang]
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    negative = value < 0 and any(ch not in "0,." for ch in f"{abs(value):.{decimals}f}")
    return (MINUS if negative else "") + text


def _to_float(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ReportkitError(f"cannot format {value!r} as {name}: it is not a number") from None


def fmt_number(value: Any, lang: str = "en", *, decimals: int = 2) -> str:
    """A number with thousands separators and ``decimals`` decimals (default 2).

    >>> fmt_number(1234.567, "en")
    '1,234.57'
    >>> fmt_number(1234.567, "ru") == "1\\u202f234,57"
    True
    """
    if _is_missing(value):
        return MISSING
    return _group(_to_float(value, "a number"), lang, decimals)


def fmt_int(value: Any, lang: str = "en") -> str:
    """A whole number with thousands separators ("1,234,567" / "1 234 567").

    >>> fmt_int(1234567, "en")
    '1,234,567'
    >>> fmt_int(-1234567, "ru") == "\\u22121\\u202f234\\u202f567"
    True
    """
    if _is_missing(value):
        return MISSING
    return _group(_to_float(value, "a whole number"), lang, 0)


def fmt_money(
    value: Any, lang: str = "en", *, decimals: int = 0, currency: str | None = None
) -> str:
    """An amount of money: thousands separators, ``decimals`` decimals (default 0), and the
    ``currency`` after a no-break space when given (default None: no currency sign).

    >>> fmt_money(1234567.4, "en")
    '1,234,567'
    >>> fmt_money(1234.5, "ru", decimals=2, currency="₽") == "1\\u202f234,50\\u00a0₽"
    True
    """
    if _is_missing(value):
        return MISSING
    text = _group(_to_float(value, "money"), lang, decimals)
    return f"{text}\u00a0{currency}" if currency else text


def fmt_pct(value: Any, lang: str = "en", *, decimals: int = 1) -> str:
    """A share (0.123) as a percentage: "12.3%" in English, "12,3 %" in Russian.

    >>> fmt_pct(0.1234, "en")
    '12.3%'
    >>> fmt_pct(0.1234, "ru") == "12,3\\u202f%"
    True
    """
    if _is_missing(value):
        return MISSING
    text = _group(_to_float(value, "a share") * 100, lang, decimals)
    return text + ("%" if lang == "en" else NNBSP + "%")


def fmt_date(value: Any, lang: str = "en") -> str:
    """A date: ISO "2024-06-30" in English, "30.06.2024" in Russian; a time of day is kept.

    >>> fmt_date("2024-06-30", "ru")
    '30.06.2024'
    """
    _check_lang(lang)
    if _is_missing(value):
        return MISSING
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ReportkitError(f"cannot format {value!r} as a date") from None
    day = ts.strftime("%Y-%m-%d" if lang == "en" else "%d.%m.%Y")
    if (ts.hour, ts.minute, ts.second) != (0, 0, 0):
        day += ts.strftime(" %H:%M")
    return day


def fmt_period(value: Any, lang: str = "en") -> str:
    """A month or quarter period: "2024-06" / "2024Q2" in English, "06.2024" / "2 кв. 2024" in
    Russian.

    >>> fmt_period("2024-06", "ru"), fmt_period("2024Q2", "ru"), fmt_period("2024Q2", "en")
    ('06.2024', '2\xa0кв. 2024', '2024Q2')
    """
    _check_lang(lang)
    text = str(value)
    if "Q" in text.upper():
        q = pd.Period(text, freq="Q")
        return f"{q.year}Q{q.quarter}" if lang == "en" else f"{q.quarter}\u00a0кв. {q.year}"
    p = pd.Period(value, freq="M")
    return p.strftime("%Y-%m" if lang == "en" else "%m.%Y")


_COMPACT = {
    "en": ((1e9, "B"), (1e6, "M"), (1e3, "k")),
    "ru": ((1e9, "\u00a0млрд"), (1e6, "\u00a0млн"), (1e3, "\u00a0тыс.")),
}


def fmt_compact(value: Any, lang: str = "en") -> str:
    """A large number in short form, for chart axes: "1.2M", "350k"; "1,2 млн", "350 тыс.".

    >>> fmt_compact(1_234_567, "en"), fmt_compact(-350_000, "ru"), fmt_compact(12, "en")
    ('1.2M', '−350\xa0тыс.', '12')
    """
    _check_lang(lang)
    v = float(value)
    for div, suffix in _COMPACT[lang]:
        if abs(v) >= div:
            digits = 1 if abs(v) < 10 * div else 0
            text = (
                f"{abs(v) / div:.{digits}f}".rstrip("0").rstrip(".")
                if digits
                else f"{abs(v) / div:.0f}"
            )
            if lang == "ru":
                text = text.replace(".", ",")
            return ("−" if v < 0 else "") + text + suffix
    return ("−" if v < 0 else "") + f"{abs(v):.0f}"


_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
}


def fmt_month(value: Any, lang: str = "en") -> str:
    """A month in words, for sentences: "December 2025", "декабрь 2025".

    >>> fmt_month("2025-12-31", "ru"), fmt_month("2024-06", "en")
    ('декабрь 2025', 'June 2024')
    """
    _check_lang(lang)
    p = pd.Period(value, freq="M")
    return f"{_MONTHS[lang][p.month - 1]} {p.year}"


# ----------------------------------------------------------------------------------------------
# Column kinds and the report's table renderer
# ----------------------------------------------------------------------------------------------
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
    """Render a DataFrame as an HTML table for the report.

    Every header and value is HTML-escaped; numbers are formatted for ``lang`` and their cells
    carry the class ``rk-num`` (right-aligned, tabular figures by the report's CSS); the cells
    of a text column with a value longer than 40 characters carry ``rk-long`` (the CSS gives
    them a minimum width, so sentences are not squeezed into a narrow column).

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
    labels = labels or {}
    values = values or {}
    decimals = decimals or {}
    esc = html.escape
    right = set(align_right)
    col_kinds = [column_kind(c, frame[c], kinds) for c in frame.columns]
    texts = [
        [
            format_value(v, kind, lang, decimals=decimals.get(col), namespace=values.get(col))
            for v in frame.iloc[:, i].tolist()
        ]
        for i, (col, kind) in enumerate(zip(frame.columns, col_kinds))
    ]
    # many columns: smaller type (class rk-wide in the report's CSS) so the table fits the page
    wide = " rk-wide" if len(frame.columns) >= 9 else ""
    parts = [f'<table class="rk-table{wide}">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
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
    parts.append("<thead><tr>" + "".join(head) + "</tr>\n</thead><tbody>")
    rows = ["<tr>" + "".join(cells) + "</tr>\n" for cells in zip(*columns)] if columns else []
    parts.append("".join(rows))
    parts.append("</tbody></table>")
    if max_rows is not None and total > max_rows:
        note = t(
            "report.rows_shown", lang, shown=fmt_int(max_rows, lang), total=fmt_int(total, lang)
        )
        parts.append(f'<p class="rk-note">{esc(note)}</p>')
    return Html("".join(parts))


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


__all__ = [
    "KINDS",
    "LANGS",
    "MISSING",
    "PROVIDERS",
    "TEXT",
    "Html",
    "column_kind",
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
    "register",
    "t",
    "table_html",
]
