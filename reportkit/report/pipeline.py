"""The content of the reports: every analysis of one base as of one date, as report sections.

:class:`Audit` is the report layer's single object. ``Audit.build`` loads the data (or reads
what :func:`reportkit.report.render.audit` cached), builds the panel once, and runs the analyses —
snapshot, segmentation, lifecycle, dynamics, churn, data quality. ``Audit.show(name)`` returns one
section as HTML (heading, sentences, tables, figures), in English or Russian; the notebooks are
a parameters cell and one ``show`` call per cell. Numbers in sentences are produced here, from the
results, never typed into a notebook.

An analysis that cannot run on the data at hand (no clients table, too little history for a
churn model, …) leaves its section with a short sentence saying why — never a crash.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis import dynamics as D
from ..analysis import lifecycle as L
from ..analysis import quality as Q
from ..analysis.churn import BAND, EXPECTED_REVENUE_12M, REVENUE_AT_RISK, ChurnModel
from ..analysis.lifecycle import BLOCKS
from ..analysis.managers import (
    OVERALL,
    contact_days,
    detractors_a,
    has_managers,
    managers,
    nps_by,
)
from ..analysis.quality import reconcile
from ..analysis.segmentation import segment_all
from ..analysis.value import backtest_expected_revenue
from ..core.dates import check_as_of, default_as_of, month_end
from ..core.panel import build_panel
from ..core.snapshot import snapshot
from ..errors import InputError, ParameterError, ReportkitError
from ..io import schema as S
from ..io.config import Config, load_config, with_overrides
from ..io.dataset import Dataset
from ..io.load import load
from ..io.policy import NEW_CELL, POLICY_COLUMNS, load_contact_policy
from ..io.resources import data_path
from . import text as T
from .export import replaced, write_action_lists
from .mask import mask_frame, mask_key
from .plots import abcxyz_heatmap, bcg_scatter, pareto_curve, rfm_grid
from .plots_lifecycle import (
    churn_rate_chart,
    cohort_heatmap,
    flows_chart,
    lifecycle_ladder,
    migration_heatmap,
    revenue_bridge_chart,
)
from .store import ACTION_LISTS_FILE, read_cached, record_kpis
from .words import churn as WC
from .words import dynamics as WD
from .words import lifecycle as WL
from .words import managers as WM
from .words import quality as WQ
from .words import segmentation as SW
from .words.managers import LABELS as ML

ESC = html.escape

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.overview": "The base at a glance",
        "h.findings": "Findings",
        "h.data": "Data received",
        "h.abc": "ABC: who brings the money",
        "h.xyz": "XYZ and the ABC×XYZ matrix",
        "h.policy": "Contact policy per cell",
        "h.rfm": "RFM segments",
        "h.bcg": "Client BCG matrix",
        "h.size": "Size tiers and share of wallet",
        "h.lifecycle": "Lifecycle of the client base",
        "h.vip_review": "VIP clients to review",
        "h.dynamics": "Base dynamics",
        "h.migration": "Migration between blocks",
        "h.cohorts": "Cohorts",
        "h.churn": "Churn model",
        "h.at_risk": "Clients at risk",
        "h.reactivation": "Reactivation list",
        "h.quality": "Data quality of the base",
        "h.duplicates": "Duplicate clients",
        "h.completeness": "Card completeness",
        "h.reconciliation": "Reconciliation with the input",
        "h.managers": "Managers",
        "h.nps": "NPS",
        "h.period": "The period",
        "h.changes": "What changed",
        "h.new_entries": "New entries on the action lists",
        "kpi.clients": "Known clients",
        "kpi.active": "Bought in 12 months",
        "kpi.revenue_12m": "Revenue, 12 months",
        "kpi.top20_share": "Revenue from the top 20 %",
        "kpi.churn_rate_12m": "Lost in 12 months",
        "kpi.revenue_at_risk": "Revenue at risk",
        "kpi.revenue_period": "Revenue of the period",
        "kpi.base": "Clients in the base",
        "f.pareto": "{share} of revenue over the last 12 months comes from {clients} "
        "(class A, {client_share} of paying clients).",
        "f.top20": "The top 20 % of paying clients bring {share} of revenue.",
        "f.dead": "{dead} ({share} of those who ever bought) have stopped buying; "
        "{reanimatable} of them can be won back.",
        "f.dead_one": "{dead} ({share} of those who ever bought) has stopped buying; "
        "{reanimatable} of them can be won back.",
        "f.lost_year": "Over the last 12 months the base lost {lost}, {share} of the {base} it "
        "had a year ago.",
        "f.lost_period": "In {period} the base lost {lost} ({a_lost} of them class A, worth "
        "{revenue} over the year before).",
        "f.at_risk": "{n} are likely (60 %+) to place no order in the next {days}; they put "
        "{revenue} of expected revenue at risk, of the {total} at risk across all the clients "
        "scored.",
        "f.at_risk_one": "{n} is likely (60 %+) to place no order in the next {days}; this "
        "puts {revenue} of expected revenue at risk, of the {total} at risk across all the "
        "clients scored.",
        "f.reactivation": "{n} are silent longer than their usual cycle or have left but can "
        "be won back; at their best they brought {revenue} a year.",
        "f.reactivation_one": "{n} is silent longer than its usual cycle or has left but can "
        "be won back; at its best it brought {revenue} a year.",
        "f.duplicates": "{groups} of duplicate records ({records} that should be {clients}).",
        "f.verdict": "Card completeness: {verdict}.",
        "f.vip": "{n} do not pay back and should be reviewed.",
        "f.vip_one": "{n} does not pay back and should be reviewed.",
        "f.forgotten": "{n} (class A or B, or regular and better) have had no contact for "
        "longer than their contact policy allows; together they brought "
        "{revenue} over the last 12 months.",
        "f.forgotten_one": "{n} (class A or B, or regular and better) has had no contact for "
        "longer than its contact policy allows; it brought {revenue} over "
        "the last 12 months.",
        "f.overdue": "{n} in the activity log are overdue.",
        "f.overdue_one": "{n} in the activity log is overdue.",
        "f.nps": "NPS is {nps} from {n} answers ({low} to {high} at 95 % confidence).",
        "f.nps_few": "Only {n}: too few for an NPS.",
        "f.detractors_a": "{n} are detractors (gave 0–6): call them first.",
        "f.detractors_a_one": "{n} is a detractor (gave 0–6): call them first.",
        "noun.client": "client|clients",
        "noun.valuable_client": "valuable client|valuable clients",
        "noun.vip_client": "VIP client|VIP clients",
        "noun.a_client": "class A client|class A clients",
        "noun.group": "group|groups",
        "noun.record": "record|records",
        "noun.task": "task|tasks",
        "noun.answer": "survey answer|survey answers",
        "noun.day": "day|days",
        "noun.month": "month|months",
        "limits.short": "Read this first: the data cover only {months} ({start} – {end}). That "
        "is too short to tell how regularly clients buy, who is leaving or "
        "where the base is heading, so the sections on XYZ, the lifecycle, "
        "dynamics and churn cannot be relied on yet. The revenue ranking (ABC), "
        "the duplicates and the card completeness do not depend on the length "
        "of history.",
        "limits.few_clients": "Read this first: only {clients} had bought by {end}. Shares and "
        "segments of so few clients describe individual clients, not a "
        "client base: read the lists client by client rather than the "
        "percentages.",
        "masked": "Client names, client ids, contacts and managers' names in this report and "
        "its lists are pseudonyms; every figure is computed from the real data.",
        "why.history": "the purchase history before the report date is too short to train a "
        "model and test it on past months",
        "why.few_clients": "too few active clients to train a model on",
        "why.few_churners": "in past months too few clients left, or too few stayed, to learn from",
        "why.data": "the data are not sufficient for a churn model",
        "why.first_month": "the report date falls in the first month of the data, so there is "
        "no earlier month to compare with",
        "h.forgotten": "Forgotten clients",
        "h.overdue": "Overdue tasks",
        "h.detractors_a": "Detractors among class A clients",
        "h.nps_groups": "NPS by segment, lifecycle block and manager",
        "nps.none_a": "No class A client is a detractor.",
        "nps.interval": "95 % interval",
        "policy.allowed_days": "Longest gap without contact, days",
        "managers.mix": "Lifecycle blocks of each manager's clients:",
        "managers.portfolio": "Each manager's clients, their revenue over the last 12 months "
        "and their ABC classes:",
        "managers.work": "Work with the clients in the period and what is at stake:",
        "na": "Not available: {why}.",
        "na.clients": "no clients table was given",
        "na.activities": "no manager column or activity log was given",
        "na.surveys": "no surveys table was given",
        "na.not_built": "this section is not built by this version of reportkit",
        "na.error": "{what} could not be computed from these data",
        "data.table": "Table",
        "data.read": "Rows read",
        "data.kept": "Kept",
        "data.rejected": "Rejected",
        "data.reason": "Reason",
        "data.rows": "Rows",
        "data.file": "File",
        "data.returns": "{n} returns (negative amounts) were kept and netted: {amount}.",
        "data.returns_one": "{n} return (a negative amount) was kept and netted: {amount}.",
        "data.range": "Transactions from {start} to {end}; {clients} clients.",
        "churn.none": "No churn model: {why}. The reactivation list below is the rule-based "
        "list of clients to call.",
        "churn.card": "Scoring with {chosen}. Tested on clients alive at {test}, trained on "
        "cut-offs {train}; horizon {days} days.",
        "churn.baseline": "A simple baseline ranked churners best, so the report uses it.",
        "churn.not_backtested": "The history is too short to test a model on past months, so "
        "each client is scored by its purchase history alone (the "
        "chance of no order in the next {days} days), matched to what "
        "happened to the clients alive at {cal}. Not backtested.",
        "churn.dropped": "Left out of the model because they do not vary in the past months "
        "used for training: {features}.",
        "churn.constant": "the same for every client",
        "churn.all_missing": "not known for any client",
        "churn.failed": "Could not be fitted on these data and was skipped: {scorers}.",
        "h.value": "Expected revenue",
        "value.definition": "Revenue at risk is the chance of leaving times the client's "
        "expected revenue over the next 12 months. For a client who bought "
        "on several days that is the number of orders expected from its "
        "buying rhythm times its usual order value; for a client who bought "
        "once, its own order (pulled slightly toward clients of its size) "
        "times what last year's one-time buyers of the same age actually "
        "brought back the following year.",
        "value.backtest": "The same estimate made at {cutoff} for {clients} clients, against "
        "what they actually bought in the next 12 months:",
        "value.no_backtest": "The data do not yet hold 12 months after any earlier month end, "
        "so this estimate could not be checked against what happened.",
        "value.method": "Estimate",
        "value.model": "Expected revenue (this report)",
        "value.last_12m": "Revenue of the last 12 months",
        "value.segment_mean": "Average of clients with orders of similar size",
        "value.predicted": "Expected",
        "value.actual": "Actual",
        "value.total_error": "Error of the total",
        "value.mae": "Average error per client",
        "churn.calibrated": "Probabilities calibrated on a later cut-off than training: Brier "
        "score {before} before calibration, {after} after.",
        "m.metric": "Metric",
        "m.scorer": "Model",
        "m.roc_auc": "ROC AUC",
        "m.pr_auc": "PR AUC",
        "m.brier": "Brier score",
        "m.lift_top10": "Lift, top 10 %",
        "m.capture_top10": "Capture, top 10 %",
        "change.metric": "Figure",
        "change.now": "This period",
        "change.previous": "Previous period",
        "change.year_ago": "A year ago",
        "new.at_risk": "New in the high-risk band this period: {n}.",
        "new.reactivation": "New on the reactivation list this period: {n}.",
        "shown": "The full list is in the action lists beside this report.",
    },
    "ru": {
        "h.overview": "База в цифрах",
        "h.findings": "Выводы",
        "h.data": "Полученные данные",
        "h.abc": "ABC: кто приносит деньги",
        "h.xyz": "XYZ и матрица ABC×XYZ",
        "h.policy": "Политика контактов по ячейкам",
        "h.rfm": "RFM-сегменты",
        "h.bcg": "Матрица БКГ клиентов",
        "h.size": "Размер клиентов и доля кошелька",
        "h.lifecycle": "Жизненный цикл клиентской базы",
        "h.vip_review": "VIP-клиенты для пересмотра",
        "h.dynamics": "Динамика базы",
        "h.migration": "Переходы между блоками",
        "h.cohorts": "Когорты",
        "h.churn": "Модель оттока",
        "h.at_risk": "Клиенты под угрозой ухода",
        "h.reactivation": "Список для реактивации",
        "h.quality": "Качество клиентской базы",
        "h.duplicates": "Дубли клиентов",
        "h.completeness": "Заполненность карточек",
        "h.reconciliation": "Сверка с исходными данными",
        "h.managers": "Менеджеры",
        "h.nps": "NPS",
        "h.period": "Период",
        "h.changes": "Что изменилось",
        "h.new_entries": "Новые записи в списках действий",
        "kpi.clients": "Известных клиентов",
        "kpi.active": "Покупали за 12 месяцев",
        "kpi.revenue_12m": "Выручка за 12 месяцев",
        "kpi.top20_share": "Выручка от топ-20 %",
        "kpi.churn_rate_12m": "Ушло за 12 месяцев",
        "kpi.revenue_at_risk": "Выручка под угрозой",
        "kpi.revenue_period": "Выручка за период",
        "kpi.base": "Клиентов в базе",
        "f.pareto": "{share} выручки за последние 12 месяцев приносит класс A — {clients} "
        "({client_share} платящих клиентов).",
        "f.top20": "Топ-20 % платящих клиентов приносят {share} выручки.",
        "f.dead": "Перестали покупать: {dead} ({share} от когда-либо покупавших); из них "
        "можно вернуть: {reanimatable}.",
        "f.dead_one": "Перестали покупать: {dead} ({share} от когда-либо покупавших); из них "
        "можно вернуть: {reanimatable}.",
        "f.lost_year": "Потери базы за последние 12 месяцев: {lost} — {share} от базы годом "
        "ранее ({base}).",
        "f.lost_period": "Потери базы за {period}: {lost} (из них класса A — {a_lost}; их "
        "выручка за предыдущий год — {revenue}).",
        "f.at_risk": "С высокой вероятностью (60 %+) не сделают заказ в ближайшие {days}: "
        "{n}; под угрозой {revenue} ожидаемой выручки из {total} под угрозой по всем "
        "оценённым клиентам.",
        "f.at_risk_one": "С высокой вероятностью (60 %+) не сделают заказ в ближайшие {days}: "
        "{n}; под угрозой {revenue} ожидаемой выручки из {total} под угрозой по всем "
        "оценённым клиентам.",
        "f.reactivation": "Молчат дольше своего обычного цикла или ушли, но их можно вернуть: "
        "{n}; в лучший год они приносили {revenue}.",
        "f.reactivation_one": "Молчат дольше своего обычного цикла или ушли, но их можно "
        "вернуть: {n}; в лучший год они приносили {revenue}.",
        "f.duplicates": "{groups} дублирующихся записей ({records}; после объединения "
        "останется {clients}).",
        "f.verdict": "Заполненность карточек: {verdict}.",
        "f.vip": "Не окупаются и требуют пересмотра: {n}.",
        "f.vip_one": "Не окупаются и требуют пересмотра: {n}.",
        "f.forgotten": "Без контакта дольше, чем допускает политика контактов: {n} (класса A "
        "или B либо постоянных и выше); за последние 12 месяцев они принесли "
        "{revenue}.",
        "f.forgotten_one": "Без контакта дольше, чем допускает политика контактов: {n} "
        "(класса A или B либо постоянных и выше); за последние 12 месяцев "
        "он принёс {revenue}.",
        "f.overdue": "Просрочено в журнале активностей: {n}.",
        "f.overdue_one": "Просрочено в журнале активностей: {n}.",
        "f.nps": "NPS равен {nps} по {n} ответам (от {low} до {high} с доверием 95 %).",
        "f.nps_few": "Для NPS мало ответов на опросы: {n}.",
        "f.detractors_a": "Критики (оценки 0–6): {n} — им звонить в первую очередь.",
        "f.detractors_a_one": "Критики (оценки 0–6): {n} — ему звонить в первую очередь.",
        "noun.client": "клиент|клиента|клиентов",
        "noun.valuable_client": "ценный клиент|ценных клиента|ценных клиентов",
        "noun.vip_client": "VIP-клиент|VIP-клиента|VIP-клиентов",
        "noun.a_client": "клиент класса A|клиента класса A|клиентов класса A",
        "noun.group": "группа|группы|групп",
        "noun.record": "запись|записи|записей",
        "noun.task": "задача|задачи|задач",
        "noun.answer": "ответ|ответа|ответов",
        "noun.day": "день|дня|дней",
        "noun.month": "месяц|месяца|месяцев",
        "limits.short": "Прочтите сначала: данные охватывают только {months} ({start} – "
        "{end}). Этого мало, чтобы судить, насколько регулярно покупают "
        "клиенты, кто уходит и куда движется база, поэтому разделам XYZ, "
        "жизненного цикла, динамики и оттока пока нельзя доверять. Рейтинг по "
        "выручке (ABC), дубли и заполненность карточек от длины истории не "
        "зависят.",
        "limits.few_clients": "Прочтите сначала: к {end} в данных всего {clients} с покупками. Доли и "
        "сегменты так немногих клиентов описывают отдельных клиентов, а "
        "не клиентскую базу: читайте списки по клиентам, а не проценты.",
        "masked": "Названия и коды клиентов, контакты и имена менеджеров в этом отчёте и его "
        "списках заменены псевдонимами; все цифры рассчитаны по настоящим данным.",
        "why.history": "история покупок до даты отчёта слишком коротка, чтобы обучить модель "
        "и проверить её на прошлых месяцах",
        "why.few_clients": "слишком мало активных клиентов, чтобы обучить модель",
        "why.few_churners": "в прошлых месяцах слишком мало клиентов ушло или слишком мало "
        "осталось, чтобы на них учиться",
        "why.data": "данных недостаточно для модели оттока",
        "why.first_month": "дата отчёта приходится на первый месяц данных, и сравнивать не с чем",
        "h.forgotten": "Забытые клиенты",
        "h.overdue": "Просроченные задачи",
        "h.detractors_a": "Критики среди клиентов класса A",
        "h.nps_groups": "NPS по сегментам, блокам жизненного цикла и менеджерам",
        "nps.none_a": "Среди клиентов класса A критиков нет.",
        "nps.interval": "Интервал 95 %",
        "policy.allowed_days": "Наибольший перерыв без контакта, дней",
        "managers.mix": "Блоки жизненного цикла клиентов каждого менеджера:",
        "managers.portfolio": "Клиенты каждого менеджера, их выручка за последние 12 месяцев "
        "и классы ABC:",
        "managers.work": "Работа с клиентами за период и что поставлено на карту:",
        "na": "Нет данных: {why}.",
        "na.clients": "таблица клиентов не передана",
        "na.activities": "нет колонки менеджера и журнала активностей",
        "na.surveys": "таблица опросов не передана",
        "na.not_built": "этот раздел не строится в этой версии reportkit",
        "na.error": "{what}: по этим данным рассчитать не удалось",
        "data.table": "Таблица",
        "data.read": "Прочитано строк",
        "data.kept": "Принято",
        "data.rejected": "Отклонено",
        "data.reason": "Причина",
        "data.rows": "Строк",
        "data.file": "Файл",
        "data.returns": "Возвратов (отрицательных сумм) учтено и взаимозачтено: {n} на сумму "
        "{amount}.",
        "data.returns_one": "Возвратов (отрицательных сумм) учтено и взаимозачтено: {n} на "
        "сумму {amount}.",
        "data.range": "Продажи с {start} по {end}; клиентов: {clients}.",
        "churn.none": "Модель оттока не построена: {why}. Ниже — список для реактивации, "
        "построенный по правилам.",
        "churn.card": "Оценка: {chosen}. Проверка на клиентах на дату {test}, обучение на "
        "датах {train}; горизонт {days} дней.",
        "churn.baseline": "Простое базовое правило ранжирует уходящих лучше модели, поэтому "
        "отчёт использует его.",
        "churn.not_backtested": "История слишком коротка, чтобы проверить модель на прошлых "
        "месяцах, поэтому каждый клиент оценён только по истории его "
        "покупок (вероятность не сделать заказ в ближайшие {days} дней), "
        "сверенной с тем, что стало с клиентами на дату {cal}. Без "
        "проверки на прошлом.",
        "churn.dropped": "Не вошли в модель, потому что не меняются в прошлых месяцах, на "
        "которых она учится: {features}.",
        "churn.constant": "одинаково у всех клиентов",
        "churn.all_missing": "не известно ни для одного клиента",
        "churn.failed": "Не удалось построить на этих данных, пропущено: {scorers}.",
        "h.value": "Ожидаемая выручка",
        "value.definition": "Выручка под угрозой — это вероятность ухода, умноженная на "
        "ожидаемую выручку клиента за следующие 12 месяцев. Для клиента, "
        "покупавшего в разные дни, это ожидаемое по его ритму покупок число "
        "заказов, умноженное на его обычную сумму заказа; для клиента с "
        "одной покупкой — сумма этой покупки (немного подтянутая к клиентам "
        "его размера), умноженная на то, сколько прошлогодние разовые "
        "покупатели того же срока действительно принесли за следующий год.",
        "value.backtest": "Та же оценка, сделанная на {cutoff} для клиентов ({clients}), в "
        "сравнении с тем, что они на самом деле купили за следующие 12 "
        "месяцев:",
        "value.no_backtest": "В данных ещё нет 12 месяцев после какой-либо прошлой даты, "
        "поэтому оценку нельзя сверить с тем, что произошло.",
        "value.method": "Оценка",
        "value.model": "Ожидаемая выручка (этот отчёт)",
        "value.last_12m": "Выручка за последние 12 месяцев",
        "value.segment_mean": "Средняя по клиентам с похожей суммой заказа",
        "value.predicted": "Ожидалось",
        "value.actual": "Факт",
        "value.total_error": "Ошибка итога",
        "value.mae": "Средняя ошибка на клиента",
        "churn.calibrated": "Вероятности откалиброваны на более поздней дате, чем обучение: "
        "оценка Брайера {before} до калибровки, {after} после.",
        "m.metric": "Метрика",
        "m.scorer": "Модель",
        "m.roc_auc": "ROC AUC",
        "m.pr_auc": "PR AUC",
        "m.brier": "Оценка Брайера",
        "m.lift_top10": "Лифт, топ-10 %",
        "m.capture_top10": "Охват, топ-10 %",
        "change.metric": "Показатель",
        "change.now": "Этот период",
        "change.previous": "Прошлый период",
        "change.year_ago": "Год назад",
        "new.at_risk": "Новых клиентов в зоне высокого риска за период: {n}.",
        "new.reactivation": "Новых клиентов в списке для реактивации за период: {n}.",
        "shown": "Полный список — в списках действий рядом с отчётом.",
    },
}
T.register(LABELS, namespace="audit", overwrite=True)

#: scorer names and other English values from the analyses, for Russian reports
_VALUE_RU = {
    "baseline: recency vs usual interval": "базовое правило: давность против обычного интервала",
    "baseline: BG/NBD P(no purchase)": "базовое правило: BG/NBD P(нет покупки)",
    "logistic regression": "логистическая регрессия",
    "gradient boosting": "градиентный бустинг",
    "low": "низкий",
    "medium": "средний",
    "high": "высокий",
}

SECTIONS_AUDIT = (
    "overview",
    "data",
    "abc",
    "xyz",
    "rfm",
    "bcg",
    "size",
    "lifecycle",
    "dynamics",
    "churn",
    "reactivation",
    "quality",
    "managers",
)
SECTIONS_MONTHLY = ("period", "dynamics", "churn_new", "reactivation")


def _t(key: str, lang: str, **fmt) -> str:
    return T.t(f"audit.{key}", lang, **fmt)


def _plural_form(n: Any, lang: str) -> int:
    """Which form of a counted noun goes with ``n``: English 0 (one) / 1 (other); Russian
    0 (1, 21, 101 …), 1 (2–4, 22–24 …) or 2 (0, 5–20, 25 …)."""
    n = abs(int(n))
    if lang != "ru":
        return 0 if n == 1 else 1
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def _count(n: Any, noun: str, lang: str) -> str:
    """A number with its noun in the right form: "1 client", "3 clients", "3 клиента",
    "5 клиентов" (the forms are ``noun.<noun>`` of :data:`LABELS`)."""
    forms = _t(f"noun.{noun}", lang).split("|")
    return f"{T.fmt_int(n, lang)} {forms[min(_plural_form(n, lang), len(forms) - 1)]}"


def _tn(key: str, lang: str, count: Any, /, **fmt) -> str:
    """``_t`` with the sentence's verbs agreeing with ``count`` (``<key>_one`` for 1)."""
    if int(count) == 1 and T.has(f"audit.{key}_one"):
        key += "_one"
    return _t(key, lang, **fmt)


#: the rows of the expected-revenue backtest the model card shows (the model and the two naive
#: estimates beside it)
_VALUE_METHODS = ("model", "last_12m", "segment_mean")


def _v(value: Any, lang: str) -> str:
    return _VALUE_RU.get(str(value), str(value)) if lang == "ru" else str(value)


def _fig_html(fig, *, width: int | None = None) -> str:
    """A matplotlib Figure as an embedded PNG (closed afterwards)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001, S110 - figures built without pyplot need no closing
        pass
    style = f' style="max-width:{width}px"' if width else ""
    return f'<img class="rk-figure" alt="" src="data:image/png;base64,{data}"{style}>'


def _h(level: int, key: str, lang: str) -> str:
    slug = key.replace(".", "-").replace("_", "-")
    return f'<h{level} id="{slug}">{ESC(_t("h." + key, lang))}</h{level}>'


def _p(text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<p{c}>{ESC(text)}</p>"


def _na(lang: str, why: str) -> str:
    return _p(_t("na", lang, why=why), "rk-note")


# --- guards: data no audit can be drawn from, and data a report must warn about ---------------

#: the fewest clients (with a transaction up to the report date) an audit is drawn from
MIN_CLIENTS = 20
#: months of history below which a report opens with what it cannot conclude
MIN_MONTHS = 3


def _source_name(dataset: Dataset) -> str:
    """The transactions file, for messages (the data's source, or a description)."""
    rep = (getattr(dataset, "reports", None) or {}).get(S.TRANSACTIONS)
    file = getattr(rep, "file", None)
    if file:
        return str(file)
    source = getattr(dataset, "source", None)
    return str(source) if source else "the transactions"


def _up_to(dataset: Dataset, as_of: Any) -> pd.DataFrame:
    tx = dataset.transactions
    if tx is None:
        return pd.DataFrame({S.CLIENT_ID: [], S.DATE: pd.to_datetime([]), S.AMOUNT: []})
    if as_of is None or as_of == "":
        return tx
    day_after = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return tx[tx[S.DATE] < day_after]


def _short(first: pd.Timestamp, end: pd.Timestamp) -> bool:
    """Whether the days first … end (inclusive) cover less than MIN_MONTHS months."""
    return first + pd.DateOffset(months=MIN_MONTHS) > end + pd.Timedelta(days=1)


def check_data(dataset: Dataset, as_of: Any = None) -> list[str]:
    """Refuse data that no audit can be drawn from; say what a report on thin data cannot tell.

    Raises :class:`~reportkit.errors.InputError` (the command line's exit 2), naming the file,
    what is wrong and the fix, when -- counting the transactions up to ``as_of`` -- every
    amount is 0 (or no row is a sale, only returns), every sale is dated on one day, or fewer
    than :data:`MIN_CLIENTS` clients bought: a report on such data would print figures like
    "81 % of revenue comes from 1 client" that say nothing.

    Returns English sentences (for the terminal) when the data cover less than
    :data:`MIN_MONTHS` months: the report is still made, and opens with a paragraph saying what
    it cannot conclude (see :meth:`Audit.limits`).
    """
    file = _source_name(dataset)
    tx = _up_to(dataset, as_of)
    upto = "" if as_of is None or as_of == "" else f" up to {pd.Timestamp(as_of):%Y-%m-%d}"
    if not len(tx):
        raise InputError(
            f"{file}: no sales row was kept{upto}, so there is nothing to audit. "
            "Run `reportkit check` on the data to see why rows were rejected."
        )
    first, last = (
        pd.Timestamp(tx[S.DATE].min()).normalize(),
        pd.Timestamp(tx[S.DATE].max()).normalize(),
    )
    span = f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    # the history the report stands on: from the first sale to the report date (or the last
    # sale, when the report date is later)
    end = pd.Timestamp(dataset.transactions[S.DATE].max()).normalize()
    if as_of is not None and as_of != "":
        end = min(end, pd.Timestamp(as_of).normalize())
    amount = pd.to_numeric(tx[S.AMOUNT], errors="coerce")
    if not (amount.fillna(0) != 0).any():
        raise InputError(
            f"{file}: every amount is 0 ({len(tx):,} rows{upto}), so there is no revenue to "
            "rank, segment or lose. Check that the amount column is the right one (name it in "
            'the config: [columns.transactions] amount = "…"; without an amount column the '
            "amount is quantity × price) and run again."
        )
    if not (amount > 0).any():
        raise InputError(
            f"{file}: no row{upto} has a positive amount (only returns), so there is no sale "
            "to analyse. Export the sales together with the returns and run again."
        )
    if first == last:
        raise InputError(
            f"{file}: every sale is dated {first:%Y-%m-%d}. One day of data says nothing about "
            "how often clients buy, who is leaving or how the base changes. Export the sales "
            f"of a longer period (at least {MIN_MONTHS} months, a year or more is best) and "
            "run again."
        )
    n = int(tx[S.CLIENT_ID].nunique())
    if n < MIN_CLIENTS:
        who = "1 client" if n == 1 else f"{n} clients"
        raise InputError(
            f"{file}: only {who} bought{upto} ({span}); an audit needs at least "
            f"{MIN_CLIENTS}, or its shares and segments describe single clients, not a client "
            "base. Export the whole client base (every client, not a selection) and run again."
        )
    if _short(first, end):
        return [
            (
                f"{file}: the sales cover only {first:%Y-%m-%d} – {end:%Y-%m-%d}, less than "
                f"{MIN_MONTHS} months; the "
                "report opens with what it cannot conclude (regularity, lifecycle, dynamics, "
                "churn)."
            )
        ]
    return []


@dataclass
class Audit:
    """Every analysis of one base as of one date, ready to be shown section by section.

    Build it with :meth:`Audit.build`; show sections with :meth:`show`.
    """

    dataset: Dataset
    panel: Any
    config: Config
    as_of: pd.Timestamp
    lang: str = "en"
    title: str = ""
    output_dir: Path = Path(".")
    #: show pseudonyms instead of the clients' and managers' names, contacts and ids in every
    #: section and action list (the analyses always run on the real data)
    mask: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)
    #: computed once on first use: the contact policy in force, the lifecycle at the previous
    #: period end, the clients lost in the period
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    # --- building -----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        data: Any = None,
        *,
        as_of: Any = None,
        config: Any = None,
        lang: str = "en",
        dataset_path: str = "",
        panel_path: str = "",
        config_path: str = "",
        output_dir: str | os.PathLike = ".",
        title: str = "",
        churn: bool = True,
        monthly: bool = False,
        mask: bool = False,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Audit:
        """Load (or read the cached inputs), build the panel and run every analysis.

        Parameters
        ----------
        data : path or Dataset, optional
            A transactions file or folder; default: the bundled sample base. Ignored when
            ``dataset_path`` is given.
        as_of : date, optional
            Default: the end of the last full month in the data.
        config : Config, path or dict, optional
        lang : {"en", "ru"}, default "en"
        dataset_path, panel_path, config_path : str, optional
            Inputs cached by :func:`reportkit.report.render.audit` / ``monthly`` (read instead of
            loading the data again).
        output_dir : path, default "."
            Where the action lists and ``kpis.json`` are written.
        churn : bool, default True
            Fit the churn model.
        monthly : bool, default False
            Also compute what the monthly report compares (previous period, a year ago).
        mask : bool, default False
            Show stable pseudonyms instead of client names, ids, phones, e-mails, tax ids and
            managers' names in the sections and the action lists (key:
            :func:`reportkit.report.render.mask_key`). The analyses and every figure are
            those of the real data.
        overrides : dict of section to settings, optional
            Settings that replace the config's, e.g. ``{"churn": {"horizon_days": 60}}``
            (checked like a config file's; see :func:`reportkit.io.config.with_overrides`).

        Raises
        ------
        InputError
            Data no audit can be drawn from (see :func:`check_data`), when the data are loaded
            here (inputs cached by ``render.audit``/``monthly`` were checked there).
        """

        if lang not in ("en", "ru"):
            raise ParameterError(f"`lang` must be 'en' or 'ru', got {lang!r}")
        cfg = read_cached(config_path) if config_path else load_config(config or None)
        cfg = with_overrides(cfg, overrides)
        if dataset_path:
            dataset = read_cached(dataset_path)
        elif isinstance(data, Dataset):
            dataset = data
        else:
            dataset = load(data or data_path("sample"), cfg)
        panel = read_cached(panel_path) if panel_path else build_panel(dataset)
        stamp = pd.Timestamp(default_as_of(dataset) if as_of in (None, "") else as_of).normalize()
        check_as_of(dataset, stamp)
        if not dataset_path:
            check_data(dataset, stamp)
        self = cls(
            dataset=dataset,
            panel=panel,
            config=cfg,
            as_of=stamp,
            lang=lang,
            title=title,
            output_dir=Path(output_dir),
            mask=bool(mask),
        )
        self._compute(churn=churn, monthly=monthly)
        return self

    def _guard(self, name: str, fn, *args, **kwargs):
        """Run an optional analysis; on failure keep the message for its section."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = fn(*args, **kwargs)
        except ReportkitError as exc:
            self.errors[name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - an analysis bug must not take the whole report down
            self.errors[name] = f"{type(exc).__name__}: {exc}"
        if name in self.errors:
            # the details are for whoever runs the report (stderr: the executed notebook keeps
            # them, the HTML does not); the report itself says it in a plain sentence
            warnings.warn(
                f"reportkit: {name} could not be computed: {self.errors[name]}",
                RuntimeWarning,
                stacklevel=2,
            )
            return None
        self.results[name] = value
        return value

    def _compute(self, *, churn: bool, monthly: bool) -> None:
        cfg, r = self.config, self.results
        clients = self.dataset.clients
        window = cfg.report.window_months
        snap = snapshot(self.panel, as_of=self.as_of, window_months=window)
        r["snapshot"] = snap
        self._policy_table()  # a broken contact policy file is an input error up front
        r["segments"] = segment_all(snap, settings=cfg.segmentation, clients=clients)
        abc_frame = r["segments"].abc.clients
        r["lifecycle"] = L.classify(snap, clients, rules=cfg.lifecycle, abc=abc_frame)
        period_end = month_end(self.as_of)
        self.period_end = period_end
        self._guard(
            "reactivation", L.reactivation_list, snap, r["lifecycle"], clients, rules=cfg.lifecycle
        )
        freq = "Q" if cfg.report.period == "quarter" else "M"
        if period_end < self.panel.start:
            # the report date lies in the data's first month: no month end to count flows at
            self._why()["dynamics"] = "why.first_month"
        else:
            # the migration compares with the previous period end: only when it is in the data
            before = period_end - pd.offsets.MonthEnd(3 if freq == "Q" else 1)
            self._guard(
                "dynamics",
                D.dynamics,
                self.panel,
                clients,
                as_of=period_end,
                freq=freq,
                rules=cfg.lifecycle,
                window_months=window,
                migration=bool(before >= self.panel.start),
            )
        prev_end = month_end(period_end - pd.offsets.MonthBegin(1))
        self.prev_end = prev_end
        if self.panel.start <= prev_end:
            prev = self._guard(
                "prev_snapshot", snapshot, self.panel, as_of=prev_end, window_months=window
            )
            if prev is not None:
                self._guard(
                    "prev_abc",
                    lambda: (
                        segment_all(prev, settings=cfg.segmentation, clients=clients).abc.clients
                    ),
                )
        if churn:
            self._guard("churn", self._fit_churn)
            # the expected 12-month revenue behind "revenue at risk", checked at the latest
            # cut-off whose next 12 months are in the data
            self._guard(
                "value_backtest",
                backtest_expected_revenue,
                self.panel,
                as_of=self.as_of,
                n_cutoffs=1,
            )
        if clients is not None:
            self._guard(
                "duplicates",
                Q.find_duplicates,
                clients,
                transactions=self.dataset.transactions,
                settings=cfg.quality,
            )
            self._guard(
                "completeness",
                Q.completeness,
                clients,
                transactions=self.dataset.transactions,
                activities=self.dataset.activities,
                settings=cfg.quality,
            )

        ds = self.dataset
        if has_managers(clients=clients, activities=ds.activities, transactions=ds.transactions):
            self._guard("managers", self._managers)
        if ds.surveys is not None:
            self._guard("nps", self._nps)

        self._guard(
            "reconciliation",
            reconcile,
            self.dataset.reports,
            self.dataset.transactions,
            self.panel,
            clients=clients,
        )
        if monthly:
            self._guard("monthly", self._monthly_extras)
        self.kpis = self._kpis()

    def _fit_churn(self):
        model = ChurnModel.from_settings(
            self.config.churn, self.config.lifecycle, window_months=self.config.report.window_months
        )
        model.fit(self.panel, as_of=self.as_of)
        scores = None
        if model.chosen_ is not None:
            scores = model.score_clients(self.results["snapshot"], clients=self.dataset.clients)
        return {"model": model, "scores": scores}

    def _managers(self):
        """Managers' portfolios, forgotten clients and overdue tasks as of the report date."""

        r = self.results
        churn = r.get("churn")
        scores = churn["scores"] if churn and churn["scores"] is not None else None
        policy = self._policy_table()
        if S.ALLOWED_DAYS not in policy.columns:
            policy = None
        lost = self.lost_this_period()
        return managers(
            r["snapshot"],
            clients=self.dataset.clients,
            activities=self.dataset.activities,
            transactions=self.dataset.transactions,
            lifecycle=r["lifecycle"],
            abc=r["segments"],
            policy=policy,
            churn_scores=scores,
            as_of=self.as_of,
            lost_ids=None if lost is None else lost[S.CLIENT_ID],
        )

    def _policy_table(self) -> pd.DataFrame:
        """The contact policy in force: the config's file (``segmentation.contact_policy``), which
        may carry an ``allowed_days`` column for the forgotten-client check, else the default."""

        if "policy" not in self._cache:
            self._cache["policy"] = load_contact_policy(self.config.segmentation.contact_policy)
        return self._cache["policy"]

    def _nps(self):
        """NPS overall and by ABC class, RFM segment, lifecycle block and manager; detractors
        among class A clients."""

        r, surveys = self.results, self.dataset.surveys
        groups: dict[str, Any] = {S.ABC: r["segments"].abc, S.BLOCK: r["lifecycle"]}
        if r.get("managers") is not None:
            groups[S.MANAGER] = r["managers"]
        table = nps_by(surveys, groups, as_of=self.as_of)
        det = detractors_a(
            surveys,
            r["segments"].abc,
            as_of=self.as_of,
            clients=self.dataset.clients,
            managers=r.get("managers"),
        )
        return {"table": table, "detractors_a": det}

    def _monthly_extras(self):
        """Snapshots of the previous period end for the monthly comparison."""

        out = {}
        prev = self.results.get("prev_snapshot")
        if prev is None:
            return out
        clients = self.dataset.clients
        react_prev = L.reactivation_list(
            prev, self._previous_lifecycle(), clients, rules=self.config.lifecycle
        )
        out["reactivation_prev_ids"] = set(react_prev[S.CLIENT_ID])
        churn = self.results.get("churn")
        if churn and churn["scores"] is not None:
            p = churn["model"].predict_proba(prev)
            out["high_prev_ids"] = set(prev.loc[p >= 0.6, S.CLIENT_ID])
        year_ago = month_end(self.period_end - pd.DateOffset(years=1))
        if self.panel.start <= year_ago:
            out["year_ago_snapshot"] = snapshot(
                self.panel, as_of=year_ago, window_months=self.config.report.window_months
            )
        return out

    # --- key figures and findings ---------------------------------------------------------------

    def _kpis(self) -> dict[str, Any]:
        r = self.results
        snap = r["snapshot"]
        paying = snap[S.REVENUE_WINDOW] > 0
        rev = snap.loc[paying, S.REVENUE_WINDOW].sort_values(ascending=False)
        total = float(rev.sum())
        top_n = int(np.ceil(0.2 * len(rev))) if len(rev) else 0
        k = {
            "as_of": self.as_of.strftime("%Y-%m-%d"),
            "clients": len(snap),
            "active_clients": int((snap[S.ORDERS_WINDOW] > 0).sum()),
            "revenue": total,
            "top20_share": float(rev.iloc[:top_n].sum() / total) if total > 0 else None,
        }
        dyn = r.get("dynamics")
        if dyn is not None and len(dyn.flows):
            f = dyn.flows
            last = f.iloc[-1]
            k["base"] = int(last[S.BASE_END])
            k["new_clients"] = int(last[S.NEW])
            k["lost_clients"] = int(last[S.LOST])
            k["reactivated_clients"] = int(last[S.REACTIVATED])
            k["churn_rate"] = float(last[S.CHURN_RATE]) if pd.notna(last[S.CHURN_RATE]) else None
            year = f.tail(12)
            base_year_ago = int(year.iloc[0][S.BASE_START])
            k["lost_12m"] = int(year[S.LOST].sum())
            k["base_year_ago"] = base_year_ago
            k["churn_rate_12m"] = (k["lost_12m"] / base_year_ago) if base_year_ago else None
            month = self.panel.frame
            in_period = month[S.MONTH] == self.period_end.to_period("M").start_time
            k["revenue_period"] = float(month.loc[in_period, S.REVENUE].sum())
        high = self.high_risk()
        if high is not None:
            # the summary's revenue at risk is the sum of the at-risk list (every scored
            # client), as the managers' table sums it per manager; the finding names the
            # high-risk clients and quotes their part of it
            scores = r["churn"]["scores"]
            k["revenue_at_risk"] = float(scores[REVENUE_AT_RISK].sum())
            k["expected_revenue_12m"] = float(scores[EXPECTED_REVENUE_12M].sum())
            k["high_risk_clients"] = len(high)
            k["revenue_at_risk_high"] = float(high[REVENUE_AT_RISK].sum())
        return k

    def high_risk(self) -> pd.DataFrame | None:
        """The scored clients of the high band (probability 60 %+), the clients the finding on
        churn names."""
        churn = self.results.get("churn")
        if not churn or churn["scores"] is None:
            return None
        scores = churn["scores"]
        return scores[scores[BAND] == "high"]

    def findings(self) -> list[str]:
        """Sentences that quote the numbers of this base (in the report's language)."""
        lang, r, k = self.lang, self.results, self.kpis
        out: list[str] = []
        money = lambda v: T.fmt_money(v, lang)
        pct = lambda v: T.fmt_pct(v, lang, decimals=0)
        abc = r["segments"].abc.clients
        a = abc[abc[S.ABC] == "A"]
        paying = int((abc["value"] > 0).sum()) if "value" in abc else 0
        if k["revenue"] > 0 and len(a) and paying:
            out.append(
                _t(
                    "f.pareto",
                    lang,
                    share=pct(a["value"].sum() / k["revenue"]),
                    clients=_count(len(a), "client", lang),
                    client_share=pct(len(a) / paying),
                )
            )
        if k.get("top20_share") is not None:
            out.append(_t("f.top20", lang, share=pct(k["top20_share"])))
        life = r["lifecycle"].frame
        ever = int((r["snapshot"][S.ORDERS_TOTAL] > 0).sum())
        dead = life[S.BLOCK].astype(str).str.startswith("dead")
        if ever:
            out.append(
                _tn(
                    "f.dead",
                    lang,
                    int(dead.sum()),
                    dead=_count(int(dead.sum()), "client", lang),
                    share=pct(dead.sum() / ever),
                    reanimatable=T.fmt_int(int((life[S.BLOCK] == "dead_reanimatable").sum()), lang),
                )
            )
        if k.get("churn_rate_12m") is not None:
            out.append(
                _t(
                    "f.lost_year",
                    lang,
                    lost=_count(k["lost_12m"], "client", lang),
                    share=pct(k["churn_rate_12m"]),
                    base=_count(k["base_year_ago"], "client", lang),
                )
            )
        lost = self.lost_this_period()
        if lost is not None:
            out.append(
                _t(
                    "f.lost_period",
                    lang,
                    period=T.fmt_month(self.period_end, lang),
                    lost=_count(len(lost), "client", lang),
                    a_lost=T.fmt_int(int((lost["abc_before"] == "A").sum()), lang),
                    revenue=money(lost["revenue_before"].sum()),
                )
            )
        high = self.high_risk()
        if high is not None:
            out.append(
                _tn(
                    "f.at_risk",
                    lang,
                    len(high),
                    n=_count(len(high), "client", lang),
                    days=_count(self.config.churn.horizon_days, "day", lang),
                    revenue=money(high[REVENUE_AT_RISK].sum()),
                    total=money(k["revenue_at_risk"]),
                )
            )
        react = r.get("reactivation")
        if react is not None and len(react):
            out.append(
                _tn(
                    "f.reactivation",
                    lang,
                    len(react),
                    n=_count(len(react), "client", lang),
                    revenue=money(react[S.BEST12_REVENUE].sum()),
                )
            )
        vip = r["lifecycle"].vip_review
        if len(vip):
            out.append(_tn("f.vip", lang, len(vip), n=_count(len(vip), "vip_client", lang)))
        dups = r.get("duplicates")
        if dups is not None and len(dups.groups):
            g = dups.groups
            n_groups = int(g["group_id"].nunique())
            out.append(
                _t(
                    "f.duplicates",
                    lang,
                    groups=_count(n_groups, "group", lang),
                    records=_count(len(g), "record", lang),
                    clients=_count(n_groups, "client", lang),
                )
            )
        comp = r.get("completeness")
        if comp is not None:
            out.append(_t("f.verdict", lang, verdict=_verdict_text(comp.verdict, lang)))
        mg = r.get("managers")
        if mg is not None and S.N_FORGOTTEN in mg.summary.columns:
            n_forgotten = len(mg.forgotten)
            out.append(
                _tn(
                    "f.forgotten",
                    lang,
                    n_forgotten,
                    n=_count(n_forgotten, "valuable_client", lang),
                    revenue=money(mg.forgotten[S.REVENUE_WINDOW].sum()),
                )
            )
        if mg is not None and len(mg.overdue):
            out.append(
                _tn("f.overdue", lang, len(mg.overdue), n=_count(len(mg.overdue), "task", lang))
            )
        nps = r.get("nps")
        if nps is not None:
            ov = nps["table"].overall.iloc[0]
            if bool(ov[S.TOO_FEW]):
                out.append(_t("f.nps_few", lang, n=_count(int(ov[S.N_ANSWERS]), "answer", lang)))
            else:
                num = lambda v: T.fmt_number(v, lang, decimals=1)
                out.append(
                    _t(
                        "f.nps",
                        lang,
                        nps=num(ov[S.NPS]),
                        n=T.fmt_int(int(ov[S.N_ANSWERS]), lang),
                        low=num(ov[S.CI_LOW]),
                        high=num(ov[S.CI_HIGH]),
                    )
                )
            if len(nps["detractors_a"]):
                n_det = len(nps["detractors_a"])
                out.append(_tn("f.detractors_a", lang, n_det, n=_count(n_det, "a_client", lang)))
        dyn = r.get("dynamics")
        if dyn is not None:
            out.append(WD.trend_text(dyn.trend, lang))
        return out

    def _previous_lifecycle(self):
        """The lifecycle at the previous period end (classified once; None without it)."""
        if "prev_lifecycle" not in self._cache:
            prev = self.results.get("prev_snapshot")
            self._cache["prev_lifecycle"] = (
                None
                if prev is None
                else L.classify(prev, self.dataset.clients, rules=self.config.lifecycle)
            )
        return self._cache["prev_lifecycle"]

    def lost_this_period(self) -> pd.DataFrame | None:
        """Clients who became dead in the report's period, with their ABC class and revenue
        over the 12 months before the period (from the previous period end's snapshot)."""
        if "lost" not in self._cache:
            self._cache["lost"] = self._lost_this_period()
        return self._cache["lost"]

    def _lost_this_period(self) -> pd.DataFrame | None:
        prev = self.results.get("prev_snapshot")
        prev_abc = self.results.get("prev_abc")
        if prev is None or prev_abc is None:
            return None
        before = self._previous_lifecycle().frame
        now = self.results["lifecycle"].frame
        alive_before = set(
            before.loc[
                ~before[S.BLOCK].astype(str).str.startswith("dead")
                & (
                    prev.set_index(S.CLIENT_ID)
                    .reindex(before[S.CLIENT_ID])[S.ORDERS_TOTAL]
                    .to_numpy()
                    > 0
                ),
                S.CLIENT_ID,
            ]
        )
        dead_now = set(now.loc[now[S.BLOCK].astype(str).str.startswith("dead"), S.CLIENT_ID])
        ids = sorted(alive_before & dead_now)
        abc = prev_abc.set_index(S.CLIENT_ID)
        out = pd.DataFrame({S.CLIENT_ID: ids})
        out["abc_before"] = abc[S.ABC].reindex(ids).astype(str).to_numpy()
        out["revenue_before"] = (
            prev.set_index(S.CLIENT_ID)[S.REVENUE_WINDOW].reindex(ids).to_numpy()
        )
        return out

    # --- action lists and kpis.json --------------------------------------------------------------

    def action_lists(self) -> dict[str, pd.DataFrame]:
        """The lists beside the report: at_risk, reactivation, duplicates, segments, … as they
        are written (with ``mask``: the clients and managers as pseudonyms, same rows)."""
        r = self.results
        lists: dict[str, pd.DataFrame] = {}
        churn = r.get("churn")
        if churn and churn["scores"] is not None:
            lists["at_risk"] = WC.at_risk_list(
                churn["scores"], self.lang, horizon_days=self.config.churn.horizon_days
            )
        if r.get("reactivation") is not None:
            lists["reactivation"] = self._reactivation_view(r["reactivation"])
        if r.get("duplicates") is not None:
            lists["duplicates"] = WQ.duplicates_list(r["duplicates"], self.lang)
        if r.get("managers") is not None and len(r["managers"].forgotten):
            lists["forgotten"] = r["managers"].forgotten
        if r.get("managers") is not None and len(r["managers"].overdue):
            lists["overdue"] = r["managers"].overdue
        if r.get("nps") is not None and len(r["nps"]["detractors_a"]):
            lists["detractors_a"] = r["nps"]["detractors_a"]
        seg = r["segments"].to_frame()
        life = r["lifecycle"].frame[[S.CLIENT_ID, S.BLOCK, S.ZONE]]
        seg = seg.merge(life, on=S.CLIENT_ID, how="left")
        clients = self.dataset.clients
        if clients is not None:
            extra = [c for c in (S.NAME, S.MANAGER) if c in clients.columns]
            seg = (
                clients[[S.CLIENT_ID, *extra]]
                .drop_duplicates(S.CLIENT_ID)
                .merge(seg, on=S.CLIENT_ID, how="right")
            )
        lists["segments"] = seg
        return {name: self._shown(frame) for name, frame in lists.items()}

    def save(self) -> dict[str, Path]:
        """Write the action lists (CSV + XLSX) and ``kpis.json`` into ``output_dir``."""

        self.output_dir.mkdir(parents=True, exist_ok=True)
        paths = write_action_lists(self.action_lists(), self.output_dir, lang=self.lang)
        manifest = {k: Path(v).name for k, v in paths.items()}
        with replaced(self.output_dir / ACTION_LISTS_FILE) as tmp:
            tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        record_kpis(
            {k: v for k, v in self.kpis.items() if v is not None and k != "as_of"}, self.output_dir
        )
        return paths

    # --- sections --------------------------------------------------------------------------------

    def show(self, section: str) -> T.Html:
        """One section of the report as HTML (heading, sentences, tables, figures)."""
        method = getattr(self, f"_section_{section}", None)
        if method is None:
            known = sorted(m[len("_section_") :] for m in dir(self) if m.startswith("_section_"))
            raise ParameterError(f"`section` must be one of {', '.join(known)}, got {section!r}")
        return T.Html(method())

    def _error_or_na(self, name: str, what: str) -> str:
        """A plain sentence for an analysis that was not computed: why, when it is known (see
        :meth:`_why`), else that it could not be computed from these data. The technical error
        is not for the client's report: it went to stderr (:meth:`_guard`)."""
        why = self._why().get(name)
        if why is not None:
            return _na(self.lang, _t(why, self.lang))
        if name in self.errors:
            return _na(self.lang, _t("na.error", self.lang, what=what))
        return ""

    def _why(self) -> dict[str, str]:
        """Analyses left out on purpose: name -> the key of the plain reason shown instead."""
        return self._cache.setdefault("why", {})

    def _churn_why(self, reason: str | None) -> str:
        """The churn model's reason for not scoring, as a plain sentence in the report's
        language (the model card's own reason is technical and English)."""
        text = str(reason or "")
        key = (
            "why.history"
            if text.startswith("too little history")
            else "why.few_clients"
            if text.startswith("too few clients")
            else "why.few_churners"
            if text.startswith("too few churners")
            else "why.data"
        )
        return _t(key, self.lang)

    # --- masking at the edge: what the report and the action lists show ----------------------

    def _mask_key(self) -> bytes:
        if "mask_key" not in self._cache:
            self._cache["mask_key"] = mask_key()
        return self._cache["mask_key"]

    def _shown(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` as a report table or an action list shows it: with ``mask``, the clients'
        names, ids, phones, e-mails, tax ids, contact persons and managers' names replaced by
        their stable pseudonyms; otherwise unchanged."""
        if not self.mask or not isinstance(frame, pd.DataFrame):
            return frame

        return mask_frame(frame, self._mask_key(), lang=self.lang, ids=True)

    def _shown_manager(self, values: pd.Series) -> pd.Series:
        """Managers' names (one column) as shown: pseudonyms with ``mask``."""
        if not self.mask:
            return values

        return mask_frame(pd.DataFrame({S.MANAGER: values}), self._mask_key(), lang=self.lang)[
            S.MANAGER
        ]

    # --- what the data cannot tell ---------------------------------------------------------------

    def limits(self) -> list[str]:
        """Sentences that open the report when the data are too thin for some conclusions
        (less than :data:`MIN_MONTHS` months of sales, or fewer than :data:`MIN_CLIENTS`
        clients by the report date); empty otherwise."""
        if "limits" in self._cache:
            return self._cache["limits"]
        lang, out = self.lang, []
        tx = _up_to(self.dataset, self.as_of)
        if len(tx):
            first = pd.Timestamp(tx[S.DATE].min()).normalize()
            end = min(self.as_of, pd.Timestamp(self.dataset.transactions[S.DATE].max()).normalize())
            if _short(first, end):
                stop = end + pd.Timedelta(days=1)  # the history is first … end, both in
                months = (
                    (stop.year - first.year) * 12
                    + stop.month
                    - first.month
                    - (stop.day < first.day)
                )
                span = (
                    _count(months, "month", lang)
                    if months >= 1
                    else _count((end - first).days + 1, "day", lang)
                )
                out.append(
                    _t(
                        "limits.short",
                        lang,
                        months=span,
                        start=T.fmt_date(first, lang),
                        end=T.fmt_date(end, lang),
                    )
                )
            n = int(tx[S.CLIENT_ID].nunique())
            if n < MIN_CLIENTS:
                out.append(
                    _t(
                        "limits.few_clients",
                        lang,
                        clients=_count(n, "client", lang),
                        end=T.fmt_date(self.as_of, lang),
                    )
                )
        self._cache["limits"] = out
        return out

    def _limits_html(self) -> str:
        return "".join(_p(s, "rk-note rk-limits") for s in self.limits())

    def _tiles(self, items: list[tuple[str, str]]) -> str:
        cells = "".join(
            f'<div class="rk-kpi"><div class="rk-kpi-value">{ESC(v)}</div>'
            f'<div class="rk-kpi-label">{ESC(label)}</div></div>'
            for label, v in items
        )
        return f'<div class="rk-kpis">{cells}</div>'

    def _section_overview(self) -> str:
        lang, k = self.lang, self.kpis
        money = lambda v: T.fmt_money(v, lang) if v is not None else T.MISSING
        pct = lambda v: T.fmt_pct(v, lang) if v is not None else T.MISSING
        tiles = [
            (_t("kpi.clients", lang), T.fmt_int(k["clients"], lang)),
            (_t("kpi.active", lang), T.fmt_int(k["active_clients"], lang)),
            (_t("kpi.revenue_12m", lang), money(k["revenue"])),
            (_t("kpi.top20_share", lang), pct(k.get("top20_share"))),
            (_t("kpi.churn_rate_12m", lang), pct(k.get("churn_rate_12m"))),
            (_t("kpi.revenue_at_risk", lang), money(k.get("revenue_at_risk"))),
        ]
        parts = [
            _h(2, "overview", lang),
            self._limits_html(),
            self._tiles(tiles),
            _h(3, "findings", lang),
            "<ul>",
        ]
        parts += [f"<li>{ESC(s)}</li>" for s in self.findings()]
        parts.append("</ul>")
        return "".join(parts)

    def _section_data(self) -> str:
        lang = self.lang
        parts = [_h(2, "data", lang)]
        rows, reasons = [], []
        for table, rep in self.dataset.reports.items():
            rows.append(
                {
                    _t("data.table", lang): T.label(table, lang, "table"),
                    _t("data.file", lang): Path(rep.file).name,
                    _t("data.read", lang): rep.rows_read,
                    _t("data.kept", lang): rep.rows_kept,
                    _t("data.rejected", lang): rep.rows_rejected,
                }
            )
            for reason, n in rep.rejected_by_reason.items():
                reasons.append(
                    {
                        _t("data.table", lang): T.label(table, lang, "table"),
                        _t("data.reason", lang): T.load_reason(reason, lang),
                        _t("data.rows", lang): n,
                    }
                )
        parts.append(
            T.table_html(
                pd.DataFrame(rows),
                lang,
                kinds={
                    _t("data.read", lang): "int",
                    _t("data.kept", lang): "int",
                    _t("data.rejected", lang): "int",
                },
            )
        )
        tr = self.dataset.reports.get(S.TRANSACTIONS)
        if tr is not None:
            parts.append(
                _p(
                    _t(
                        "data.range",
                        lang,
                        start=T.fmt_date(tr.date_min, lang),
                        end=T.fmt_date(tr.date_max, lang),
                        clients=T.fmt_int(tr.clients, lang),
                    )
                )
            )
            if tr.returns_count:
                parts.append(
                    _p(
                        _tn(
                            "data.returns",
                            lang,
                            tr.returns_count,
                            n=T.fmt_int(tr.returns_count, lang),
                            amount=T.fmt_money(tr.returns_amount, lang),
                        )
                    )
                )
        if reasons:
            parts.append(
                T.table_html(pd.DataFrame(reasons), lang, kinds={_t("data.rows", lang): "int"})
            )
        rec = self.results.get("reconciliation")
        parts.append(_h(3, "reconciliation", lang))
        if rec is not None:
            parts.append(
                T.table_html(
                    WQ.items_table(rec, lang),
                    lang,
                    values={S.SECTION: "quality.section", S.CHECK: "quality.check"},
                )
            )
        parts.append(self._error_or_na("reconciliation", _t("h.reconciliation", lang)))
        return "".join(parts)

    def _section_abc(self) -> str:
        lang, seg = self.lang, self.results["segments"]
        return "".join(
            [
                _h(2, "abc", lang),
                _fig_html(pareto_curve(seg.abc, lang=lang)),
                T.table_html(
                    seg.abc.summary, lang, values={S.ABC: "segmentation"}, kinds={S.VALUE: "money"}
                ),
            ]
        )

    def _section_xyz(self) -> str:
        lang, seg = self.lang, self.results["segments"]
        summary = seg.abcxyz.summary
        cell_policy = SW.policy_table(seg.abcxyz, lang, self.config.segmentation.contact_policy)
        texts = [c for c in POLICY_COLUMNS[2:] if c in cell_policy.columns]
        figures = summary
        parts = [
            _h(2, "xyz", lang),
            T.table_html(seg.xyz.summary, lang, values={S.XYZ: "segmentation"}),
            _fig_html(abcxyz_heatmap(seg.abcxyz, lang=lang)),
            T.table_html(
                figures,
                lang,
                values={S.ABC: "segmentation", S.XYZ: "segmentation", S.ABCXYZ: "segmentation"},
                kinds={S.VALUE: "money"},
            ),
        ]
        if texts:
            # the policy per cell, with the longest gap without contact that the forgotten-client
            # check of the managers section allows
            policy = summary[[S.ABCXYZ]].copy()
            key = policy[S.ABCXYZ].astype(str).where(summary[S.XYZ].astype(str) != "new", NEW_CELL)
            days, _ = contact_days(self._policy_table())
            policy[S.ALLOWED_DAYS] = key.map(days).astype("Int64")
            policy[texts] = cell_policy[texts]
            parts += [
                _h(3, "policy", lang),
                T.table_html(
                    policy,
                    lang,
                    values={S.ABCXYZ: "segmentation"},
                    labels={S.ALLOWED_DAYS: _t("policy.allowed_days", lang)},
                    kinds={S.ALLOWED_DAYS: "int"},
                ),
            ]
        return "".join(parts)

    def _section_rfm(self) -> str:
        lang, seg = self.lang, self.results["segments"]
        return "".join(
            [
                _h(2, "rfm", lang),
                _fig_html(rfm_grid(seg.rfm, lang=lang)),
                T.table_html(seg.rfm.summary, lang, values={S.RFM_SEGMENT: "segmentation"}),
            ]
        )

    def _section_bcg(self) -> str:
        lang, seg = self.lang, self.results["segments"]
        return "".join(
            [
                _h(2, "bcg", lang),
                _fig_html(bcg_scatter(seg.bcg, lang=lang)),
                T.table_html(seg.bcg.summary, lang, values={S.BCG: "segmentation"}),
            ]
        )

    def _section_size(self) -> str:
        lang, seg = self.lang, self.results["segments"]
        return "".join(
            [
                _h(2, "size", lang),
                T.table_html(
                    seg.size.summary,
                    lang,
                    values={S.SIZE_TIER: "segmentation"},
                    kinds={S.VALUE: "money"},
                ),
            ]
        )

    def _section_lifecycle(self) -> str:
        lang, life = self.lang, self.results["lifecycle"]
        parts = [
            _h(2, "lifecycle", lang),
            _fig_html(lifecycle_ladder(life, lang=lang)),
            T.table_html(life.summary, lang, values={S.BLOCK: "block", S.ZONE: "zone"}),
        ]
        parts += [_p(n, "rk-note") for n in WL.notes(life, lang)]
        if len(life.vip_review):
            parts += [
                _h(3, "vip_review", lang),
                T.table_html(
                    self._shown(self._named(WL.vip_review(life, lang))),
                    lang,
                    values={S.BLOCK: "block"},
                ),
            ]
        return "".join(parts)

    def _reactivation_view(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The reactivation list with its reasons worded in the report's language."""
        return WL.reactivation_list(frame, self.results["lifecycle"], self.lang)

    def _named(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Put the client's name beside its id when the clients table has one."""
        clients = self.dataset.clients
        if clients is None or S.NAME not in clients or S.NAME in frame or S.CLIENT_ID not in frame:
            return frame
        names = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[S.NAME]
        out = frame.copy()
        out.insert(1, S.NAME, out[S.CLIENT_ID].map(names))
        return out

    def _section_dynamics(self) -> str:
        lang, dyn = self.lang, self.results.get("dynamics")
        parts = [_h(2, "dynamics", lang)]
        if dyn is None:
            return "".join(parts) + self._error_or_na("dynamics", _t("h.dynamics", lang))
        parts += [_p(s) for s in WD.text(dyn, lang)]
        parts.append(_fig_html(flows_chart(dyn.flows, lang=lang)))
        frame = dyn.to_frame().tail(13)
        # two tables that fit the page: the flows of clients, then where the revenue came from
        flows = [
            "period",
            "base_start",
            "new",
            "reactivated",
            "lost",
            "base_end",
            "churn_rate",
            "churn_rate_annual",
        ]
        money = [
            "period",
            "revenue",
            "revenue_new",
            "revenue_reactivated",
            "retained_growth",
            "retained_decline",
            "revenue_lost_12m",
        ]
        parts.append(
            T.table_html(
                frame[[c for c in flows if c in frame.columns]], lang, namespace="dynamics"
            )
        )
        parts.append(_fig_html(revenue_bridge_chart(dyn.bridge, lang=lang)))
        parts.append(
            T.table_html(
                frame[[c for c in money if c in frame.columns]],
                lang,
                namespace="dynamics",
                kinds={c: "money" for c in money[1:]},
            )
        )
        parts.append(_fig_html(churn_rate_chart(dyn.flows, lang=lang)))
        if dyn.migration is not None:
            parts.append(_h(3, "migration", lang))
            parts.append(_fig_html(migration_heatmap(dyn.migration, lang=lang)))
        parts.append(_h(3, "cohorts", lang))
        parts.append(_fig_html(cohort_heatmap(dyn.cohorts, lang=lang)))
        return "".join(parts)

    def _section_churn(self) -> str:
        lang = self.lang
        parts = [_h(2, "churn", lang)]
        churn = self.results.get("churn")
        if churn is None:
            why = _t("why.data", lang) if "churn" in self.errors else _t("na.not_built", lang)
            return "".join(parts) + _p(_t("churn.none", lang, why=why), "rk-note")
        model, scores = churn["model"], churn["scores"]
        card = model.card_
        if scores is None:
            return "".join(parts) + _p(
                _t("churn.none", lang, why=self._churn_why(card.reason)), "rk-note"
            )
        if card.status == "not backtested":
            parts.append(
                _p(
                    _t(
                        "churn.not_backtested",
                        lang,
                        cal=T.fmt_date(card.calibration_cutoff, lang),
                        days=card.horizon_days,
                    )
                )
            )
        else:
            parts.append(
                _p(
                    _t(
                        "churn.card",
                        lang,
                        chosen=_v(card.chosen, lang),
                        test=T.fmt_date(card.test_cutoff, lang),
                        train=", ".join(T.fmt_period(c, lang) for c in card.train_cutoffs),
                        days=card.horizon_days,
                    )
                )
            )
        if card.dropped_features:
            parts.append(
                _p(
                    _t(
                        "churn.dropped",
                        lang,
                        features=", ".join(
                            f"{f} ({_t('churn.' + ('constant' if why == 'constant' else 'all_missing'), lang)})"
                            for f, why in card.dropped_features.items()
                        ),
                    ),
                    "rk-note",
                )
            )
        if card.failed:
            parts.append(
                _p(
                    _t(
                        "churn.failed",
                        lang,
                        scorers=", ".join(_v(name, lang) for name in card.failed),
                    ),
                    "rk-note",
                )
            )
        if card.status == "baseline":
            parts.append(_p(_t("churn.baseline", lang)))
        metrics = card.metrics.drop(columns=["chosen"], errors="ignore").copy()
        metrics.index = pd.Index([_v(i, lang) for i in metrics.index], name=_t("m.scorer", lang))
        metrics.columns = [
            _t(f"m.{c}", lang) if T.has(f"audit.m.{c}") else c for c in metrics.columns
        ]
        parts.append(
            T.table_html(
                metrics,
                lang,
                index=True,
                kinds={c: "number" for c in metrics.columns},
                decimals={c: 3 for c in metrics.columns},
            )
        )
        chosen_brier = card.metrics.loc[card.chosen, "brier"]
        if card.brier_uncalibrated is not None:
            parts.append(
                _p(
                    _t(
                        "churn.calibrated",
                        lang,
                        before=T.fmt_number(card.brier_uncalibrated, lang, decimals=3),
                        after=T.fmt_number(chosen_brier, lang, decimals=3),
                    )
                )
            )
        parts.append(_fig_html(_reliability_figure(card.reliability, lang)))
        parts += self._value_card()
        parts.append(_h(3, "at_risk", lang))
        top = WC.at_risk_list(scores.head(25), lang, horizon_days=card.horizon_days)
        top["band"] = top["band"].map(lambda b: _v(b, lang))
        # shown: the name beside the id, the expected next order as a day
        first = [c for c in (S.CLIENT_ID, S.NAME, S.MANAGER) if c in top.columns]
        top = top[first + [c for c in top.columns if c not in first]]
        top["expected_next_order"] = pd.to_datetime(top["expected_next_order"]).dt.normalize()
        parts.append(
            T.table_html(
                self._shown(top),
                lang,
                index=False,
                decimals={S.RECENCY_DAYS: 0, S.INTERVAL_DAYS: 0},
            )
        )
        parts.append(_p(_t("shown", lang), "rk-note"))
        return "".join(parts)

    def _value_card(self) -> list[str]:
        """What "expected revenue" means, and how it held up at the latest cut-off whose next
        12 months are in the data, beside the naive estimates."""
        lang = self.lang
        parts = [_h(3, "value", lang), _p(_t("value.definition", lang))]
        bt = self.results.get("value_backtest")
        if bt is None or not len(bt.table):
            return [*parts, _p(_t("value.no_backtest", lang), "rk-note")]
        table = bt.table[bt.table["method"].isin(_VALUE_METHODS)].copy()
        cutoff = table["cutoff"].max()
        table = table[table["cutoff"] == cutoff]
        view = pd.DataFrame(
            {
                _t("value.method", lang): [_t("value." + m, lang) for m in table["method"]],
                _t("value.predicted", lang): table["predicted"].to_numpy(),
                _t("value.actual", lang): table["actual"].to_numpy(),
                _t("value.total_error", lang): table["total_error"].to_numpy(),
                _t("value.mae", lang): table["mae"].to_numpy(),
            }
        )
        clients = int(table["n_clients"].iloc[0])
        parts.append(
            _p(
                _t(
                    "value.backtest",
                    lang,
                    cutoff=T.fmt_date(cutoff, lang),
                    clients=T.fmt_int(clients, lang),
                )
            )
        )
        parts.append(
            T.table_html(
                view,
                lang,
                kinds={
                    _t("value.predicted", lang): "money",
                    _t("value.actual", lang): "money",
                    _t("value.total_error", lang): "pct",
                    _t("value.mae", lang): "money",
                },
            )
        )
        return parts

    def _section_reactivation(self) -> str:
        lang = self.lang
        parts = [_h(2, "reactivation", lang)]
        react = self.results.get("reactivation")
        if react is None:
            return "".join(parts) + self._error_or_na("reactivation", _t("h.reactivation", lang))
        parts.append(
            T.table_html(
                self._shown(self._reactivation_view(react.head(25))),
                lang,
                values={S.BLOCK: "block"},
                decimals={S.RECENCY_DAYS: 0, S.USUAL_INTERVAL_DAYS: 0},
            )
        )
        parts.append(_p(_t("shown", lang), "rk-note"))
        return "".join(parts)

    def _section_quality(self) -> str:
        lang = self.lang
        parts = [_h(2, "quality", lang)]
        if self.dataset.clients is None:
            return "".join(parts) + _na(lang, _t("na.clients", lang))
        comp = self.results.get("completeness")
        parts.append(_h(3, "completeness", lang))
        if comp is not None:
            parts.append(_p(_t("f.verdict", lang, verdict=_verdict_text(comp.verdict, lang))))
            parts.append(_p(WQ.reason_text(comp, lang)))
            parts.append(
                T.table_html(
                    WQ.groups_table(comp, lang),
                    lang,
                    values={S.CARD_GROUP: "quality.card_group"},
                    labels={S.FIELD: T.t("col.fields", lang)},
                )
            )
        parts.append(self._error_or_na("completeness", _t("h.completeness", lang)))
        dups = self.results.get("duplicates")
        parts.append(_h(3, "duplicates", lang))
        if dups is not None:
            parts.append(
                T.table_html(
                    WQ.items_table(dups.summary, lang),
                    lang,
                    labels={S.VALUE: T.t("col.figure", lang)},
                )
            )
            if len(dups.groups):
                parts.append(
                    T.table_html(
                        self._shown(WQ.groups_view(dups.groups.head(30), lang)),
                        lang,
                        values={
                            S.CONFIDENCE: "quality.confidence",
                            S.GROUP_CONFIDENCE: "quality.confidence",
                        },
                    )
                )
        parts.append(self._error_or_na("duplicates", _t("h.duplicates", lang)))
        return "".join(parts)

    def _section_managers(self) -> str:
        lang = self.lang
        return "".join(
            [
                _h(2, "managers", lang),
                self._result_or_why("managers", self._managers_html, "na.activities"),
                _h(2, "nps", lang),
                self._result_or_why("nps", self._nps_html, "na.surveys"),
            ]
        )

    def _result_or_why(self, name: str, render, why: str) -> str:
        """``render(result)``; else the error that stopped it; else why it was not computed."""
        value = self.results.get(name)
        if value is not None:
            return render(value)
        if name in self.errors:
            return self._error_or_na(name, _t(f"h.{name}", self.lang))
        return _na(self.lang, _t(why, self.lang))

    def _with_names(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the client's name from the clients table right after ``client_id``."""
        clients = self.dataset.clients
        if clients is None or S.NAME not in clients.columns or S.NAME in frame.columns:
            return frame
        names = clients.drop_duplicates(S.CLIENT_ID).set_index(S.CLIENT_ID)[S.NAME]
        out = frame.copy()
        out.insert(1, S.NAME, out[S.CLIENT_ID].map(names))
        return out

    def _managers_html(self, mg) -> str:
        """Portfolio per manager, lifecycle mix per manager, forgotten clients, overdue tasks."""

        lang, summ = self.lang, mg.summary
        parts = [_p(n) for n in WM.notes(mg, lang)]
        # three narrow tables rather than one too wide for the page: portfolio, work, lifecycle
        portfolio = [
            c
            for c in (S.N_CLIENTS, S.REVENUE_WINDOW, S.REVENUE_SHARE, "A", "B", "C")
            if c in summ.columns
        ]
        work = [
            c for c in summ.columns if c not in BLOCKS and c not in portfolio and c != S.MANAGER
        ]
        blocks = [b for b in BLOCKS if b in summ.columns and summ[b].sum() > 0]
        for key, cols in (
            ("managers.portfolio", portfolio),
            ("managers.work", work),
            ("managers.mix", blocks),
        ):
            if not cols:
                continue
            parts.append(_p(_t(key, lang)))
            table = WM.html_table(
                self._shown(summ[[S.MANAGER, *cols]]),
                lang,
                max_rows=None,
                kinds={c: "int" for c in ("A", "B", "C", *BLOCKS)},
                values={S.MANAGER: "managers"},
            )
            parts.append(f'<div class="rk-compact">{table}</div>' if len(cols) > 7 else table)
        for key, frame, values in (
            (
                "forgotten",
                mg.forgotten,
                {S.MANAGER: "managers", S.BLOCK: "block", S.CELL: "managers"},
            ),
            ("overdue", mg.overdue, {S.MANAGER: "managers"}),
        ):
            if not len(frame):
                continue
            parts.append(_h(3, key, lang))
            view = self._shown(self._with_names(frame.drop(columns=[S.ABC], errors="ignore")))
            parts.append(
                WM.html_table(view, lang, max_rows=20, values=values, kinds={S.CLIENT_ID: "id"})
            )
            parts.append(_p(_t("shown", lang), "rk-note"))
        return "".join(parts)

    def _nps_html(self, res) -> str:
        """NPS by dimension (counts, NPS, interval) and the detractors among class A."""

        lang, nps = self.lang, res["table"]
        parts = [_p(n) for n in WM.notes(nps, lang)]
        shown = WM.nps_display(nps, lang)
        few = nps.table[S.TOO_FEW].to_numpy()
        num = lambda v: T.fmt_number(v, lang, decimals=1)
        interval = [
            ML[lang]["too_few_answers"] if f else f"{num(lo)} … {num(hi)}"
            for f, lo, hi in zip(few, nps.table[S.CI_LOW], nps.table[S.CI_HIGH])
        ]
        view = shown.drop(
            columns=[S.PROMOTER_SHARE, S.DETRACTOR_SHARE, S.CI_LOW, S.CI_HIGH], errors="ignore"
        )
        ci_col = _t("nps.interval", lang)
        view[ci_col] = interval
        overall = view[S.DIMENSION].eq(OVERALL).to_numpy()
        dim = view[S.DIMENSION].map(lambda d: ML[lang].get(d, d))
        view[S.DIMENSION] = dim.where(dim.ne(dim.shift()), "")  # the dimension once per group
        view[S.GROUP] = view[S.GROUP].where(~overall, "")
        if self.mask:  # the groups of the manager dimension are managers' names
            by_manager = (nps.table[S.DIMENSION] == S.MANAGER).to_numpy()
            view.loc[by_manager, S.GROUP] = self._shown_manager(
                view.loc[by_manager, S.GROUP]
            ).to_numpy()
        parts.append(
            WM.html_table(
                view,
                lang,
                max_rows=None,
                values={S.GROUP: "managers"},
                kinds={S.DIMENSION: "text", S.NPS: "text", ci_col: "text"},
            )
        )
        parts.append(_h(3, "detractors_a", lang))
        det = res["detractors_a"]
        if len(det):
            parts.append(
                WM.html_table(
                    self._shown(self._with_names(det)),
                    lang,
                    max_rows=25,
                    values={S.MANAGER: "managers"},
                    kinds={S.SCORE: "int", S.VALUE: "money", S.CLIENT_ID: "id"},
                )
            )
        else:
            parts.append(_p(_t("nps.none_a", lang)))
        return "".join(parts)

    # --- monthly ------------------------------------------------------------------------------------

    def _section_period(self) -> str:
        lang, k = self.lang, self.kpis
        parts = [_h(2, "period", lang), self._limits_html()]
        dyn = self.results.get("dynamics")
        money = lambda v: T.fmt_money(v, lang) if v is not None else T.MISSING
        tiles = [
            (_t("kpi.base", lang), T.fmt_int(k.get("base"), lang)),
            (_t("kpi.revenue_period", lang), money(k.get("revenue_period"))),
            (T.t("kpi.new_clients", lang), T.fmt_int(k.get("new_clients"), lang)),
            (T.t("kpi.lost_clients", lang), T.fmt_int(k.get("lost_clients"), lang)),
            (
                T.t("kpi.churn_rate", lang),
                T.fmt_pct(k.get("churn_rate"), lang)
                if k.get("churn_rate") is not None
                else T.MISSING,
            ),
            (_t("kpi.revenue_at_risk", lang), money(k.get("revenue_at_risk"))),
        ]
        parts.append(self._tiles(tiles))
        parts += [f"<p>{ESC(s)}</p>" for s in self.findings()[-3:]]
        if dyn is not None and len(dyn.flows):
            f = dyn.to_frame()
            cols = [S.BASE_END, S.NEW, S.REACTIVATED, S.LOST, S.CHURN_RATE]
            now = f.iloc[-1]
            prev = f.iloc[-2] if len(f) >= 2 else None
            year = f.iloc[-13] if len(f) >= 13 else None
            # counts as whole numbers, the churn rate as a percentage: cells formatted here
            cell = lambda c, v: T.fmt_pct(v, lang) if c == S.CHURN_RATE else T.fmt_int(v, lang)
            table = pd.DataFrame(
                {
                    _t("change.metric", lang): [T.label(c, lang, "dynamics") for c in cols],
                    _t("change.now", lang): [cell(c, now[c]) for c in cols],
                    _t("change.previous", lang): [
                        cell(c, prev[c] if prev is not None else np.nan) for c in cols
                    ],
                    _t("change.year_ago", lang): [
                        cell(c, year[c] if year is not None else np.nan) for c in cols
                    ],
                }
            )
            parts.append(_h(3, "changes", lang))
            parts.append(
                T.table_html(
                    table,
                    lang,
                    align_right=[
                        _t("change.now", lang),
                        _t("change.previous", lang),
                        _t("change.year_ago", lang),
                    ],
                )
            )
        return "".join(parts)

    def _section_churn_new(self) -> str:
        lang = self.lang
        parts = [_h(2, "new_entries", lang)]
        extra = self.results.get("monthly") or {}
        churn = self.results.get("churn")
        if churn and churn["scores"] is not None and "high_prev_ids" in extra:
            sc = churn["scores"]
            new = sc[(sc["band"] == "high") & ~sc[S.CLIENT_ID].isin(extra["high_prev_ids"])]
            parts.append(_p(_t("new.at_risk", lang, n=T.fmt_int(len(new), lang))))
            if len(new):
                view = WC.at_risk_list(
                    new.head(25), lang, horizon_days=self.config.churn.horizon_days
                )
                view["band"] = view["band"].map(lambda b: _v(b, lang))
                first = [c for c in (S.CLIENT_ID, S.NAME, S.MANAGER) if c in view.columns]
                view = view[first + [c for c in view.columns if c not in first]]
                view["expected_next_order"] = pd.to_datetime(
                    view["expected_next_order"]
                ).dt.normalize()
                parts.append(
                    T.table_html(
                        self._shown(view),
                        lang,
                        index=False,
                        decimals={S.RECENCY_DAYS: 0, S.INTERVAL_DAYS: 0},
                    )
                )
        react = self.results.get("reactivation")
        if react is not None and "reactivation_prev_ids" in extra:
            new = react[~react[S.CLIENT_ID].isin(extra["reactivation_prev_ids"])]
            parts.append(_p(_t("new.reactivation", lang, n=T.fmt_int(len(new), lang))))
            if len(new):
                parts.append(
                    T.table_html(
                        self._shown(self._reactivation_view(new.head(25))),
                        lang,
                        values={S.BLOCK: "block"},
                        index=False,
                        decimals={S.RECENCY_DAYS: 0, S.USUAL_INTERVAL_DAYS: 0},
                    )
                )
        parts.append(self._error_or_na("monthly", _t("h.new_entries", lang)))
        return "".join(parts)


def _verdict_text(verdict: str, lang: str) -> str:
    words = {
        "client_base": ("a client base", "клиентская база"),
        "partial_base": ("a partial client base", "частичная клиентская база"),
        "list_of_names": (
            "a list of names, not a client base",
            "список названий, а не клиентская база",
        ),
    }
    en, ru = words.get(verdict, (verdict, verdict))
    return ru if lang == "ru" else en


def _reliability_figure(rel: pd.DataFrame, lang: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2, 3.6))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls="--")
    if len(rel):
        ax.plot(rel["predicted"], rel["observed"], marker="o", color="#1f5fa8")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Прогноз вероятности ухода" if lang == "ru" else "Predicted churn probability")
    ax.set_ylabel("Доля ушедших" if lang == "ru" else "Observed churn rate")
    ax.set_title("Надёжность прогноза" if lang == "ru" else "Reliability")
    fig.tight_layout()
    return fig


__all__ = [
    "LABELS",
    "SECTIONS_AUDIT",
    "SECTIONS_MONTHLY",
    "Audit",
]
