"""Words of the audit report itself: headings, summary tiles, findings, notes and the plain
sentences for what the data cannot tell, in English and Russian (merged by
:mod:`reportkit.report.text` under ``audit.``)."""

from __future__ import annotations

from typing import Any

from .. import text as T

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.overview": "The base in figures",
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
        "kpi.top20_share": "Revenue from the top 20%",
        "kpi.churn_rate_12m": "Lost in 12 months",
        "kpi.revenue_at_risk": "Revenue at risk",
        "kpi.revenue_period": "Revenue of the period",
        "churn.plain": "Each client who bought is given the chance of placing no order in the "
        "next {days}, from how its buying changed; the list below starts with the highest "
        "chances. How far the model can be trusted is in the appendix.",
        "m.plain_lift": "Of the 10% of clients the model rated riskiest on {date}, {rate} "
        "placed no order in the next {days} — {lift} times the rate of all clients ({base}).",
        "m.plain_capture": "Those 10% held {share} of all the clients who left.",
        "m.plain_auc": "Given one client who left and one who stayed, the model rated the one "
        "who left as riskier {times} times in 10.",
        "m.plain_brier": "Its probabilities are {skill} closer to what happened than giving "
        "every client the same average chance ({base}); the table gives the technical measures.",
        "size.same_as_abc": "The size tiers follow the ABC rule on the same revenue, so they are "
        "the ABC classes under another name (large = A, medium = B, small = C). The table adds "
        "what the ABC table does not show: the clients' purchasing potential, the share of it "
        "they spend with us and what is left.",
        "size.same_no_potential": "The size tiers follow the ABC rule on the same revenue, so "
        "they are the ABC classes under another name (large = A, medium = B, small = C); with "
        "no purchasing potential on the client cards there is no share of wallet to add.",
        "overdue.stale": "Listed from the most recently missed; {n} of them are overdue by "
        "more than a year and are probably done or dead: close them in the CRM.",
        "act.cross_sell": "Offer {n} the categories their peers buy and they do not ({offers} "
        "offers, at most 3 each): {revenue} expected over the next 12 months.",
        "act.cross_sell_one": "Offer {n} the categories its peers buy and it does not ({offers} "
        "offers): {revenue} expected over the next 12 months.",
        "h.verdict": "What to do first",
        "h.appendix": "Appendix: how the figures were made",
        "h.model": "How far the churn model can be trusted",
        "verdict.intro": "Ranked by the money involved. The lists overlap (a client can be both "
        "at risk and forgotten), so the figures are not to be added up.",
        "verdict.none": "Nothing on these data calls for action first.",
        "verdict.list": "the list: {file}, section “{section}”",
        "act.at_risk": "Call the {n} most likely (60%+) to place no order in the next {days}: "
        "they brought {revenue} over the last 12 months, and {risk} of next year's revenue is "
        "at risk with them.",
        "act.at_risk_one": "Call the {n} most likely (60%+) to place no order in the next "
        "{days}: it brought {revenue} over the last 12 months, and {risk} of next year's "
        "revenue is at risk with it.",
        "act.forgotten": "Get in touch with {n} nobody has contacted for longer than the "
        "contact policy allows: they brought {revenue} over the last 12 months.",
        "act.forgotten_one": "Get in touch with {n} nobody has contacted for longer than the "
        "contact policy allows: it brought {revenue} over the last 12 months.",
        "act.reactivation": "Win back {n}: {silent} silent for longer than their usual cycle "
        "and {left} that have left but can still be won back; in their best year they brought "
        "{revenue}.",
        "act.detractors_a": "Call {n} who gave 0–6 in the survey: they brought {revenue} over "
        "the last 12 months.",
        "act.detractors_a_one": "Call {n} who gave 0–6 in the survey: it brought {revenue} "
        "over the last 12 months.",
        "act.overdue": "Close {n} overdue in the activity log: their clients brought {revenue} "
        "over the last 12 months.",
        "act.duplicates": "Merge {records} into {clients}: {revenue} of revenue is split across "
        "duplicate records.",
        "f.class_a": "{share} of revenue over the last 12 months comes from class A: {clients}, "
        "{paying_share} of the {paying} who paid in that time ({known_share} of all {known} "
        "known clients, the share the ABC table shows).",
        "f.base_change": "The base is {trend}: {before} clients a year ago, {after} now; over "
        "the 12 months {new} came, {back} came back and {lost} were lost ({share} of the base a "
        "year ago).",
        "trend.growing": "growing",
        "trend.stagnating": "stable",
        "trend.eroding": "shrinking",
        "trend.unknown": "changing",
        "f.dead_split": "{dead} ({share} of those who ever bought) have stopped buying; "
        "{reanimatable} of them can still be won back (they are on the reactivation list).",
        "f.dead_split_one": "{dead} ({share} of those who ever bought) has stopped buying; "
        "{reanimatable} of them can still be won back (they are on the reactivation list).",
        "xyz.leads": "The matrix counts the {matrix} clients who ever bought; the {leads} who "
        "never did are class C in the ABC table ({abc_c} there, {matrix_c} here), with no XYZ "
        "class.",
        "kpi.base": "Clients in the base",
        "f.lost_period": "In {period} the base lost {lost} ({a_lost} of them class A, worth "
        "{revenue} over the year before).",
        "f.verdict": "Card completeness: {verdict}.",
        "f.vip": "{n} do not pay back and should be reviewed.",
        "f.vip_one": "{n} does not pay back and should be reviewed.",
        "f.nps": "NPS is {nps} from {n} answers ({low} to {high} at 95% confidence).",
        "f.nps_few": "Only {n}: too few for an NPS.",
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
        "nps.interval": "95% interval",
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
        "m.lift_top10": "Lift, top 10%",
        "m.capture_top10": "Capture, top 10%",
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
        "kpi.top20_share": "Выручка от топ-20\u202f%",
        "kpi.churn_rate_12m": "Ушло за 12 месяцев",
        "kpi.revenue_at_risk": "Выручка под угрозой",
        "kpi.revenue_period": "Выручка за период",
        "churn.plain": "Для каждого покупавшего клиента оценена вероятность, что он не сделает "
        "заказ в ближайшие {days}, по тому, как менялись его покупки; список ниже начинается с "
        "самых высоких вероятностей. Насколько можно доверять модели — в приложении.",
        "m.plain_lift": "Из 10\u202f% клиентов, которых модель на {date} сочла самыми рискованными, "
        "{rate} не сделали заказ в следующие {days} — в {lift} раза больше, чем среди всех "
        "клиентов ({base}).",
        "m.plain_capture": "На эти 10\u202f% пришлось {share} всех ушедших клиентов.",
        "m.plain_auc": "Из пары «ушедший — оставшийся» модель считала ушедшего более "
        "рискованным в {times} случаях из 10.",
        "m.plain_brier": "Её вероятности на {skill} ближе к тому, что произошло, чем одна и та "
        "же средняя вероятность для всех ({base}); технические меры — в таблице.",
        "act.at_risk_one": "Позвонить тем, кто с вероятностью 60\u202f%+ не сделает заказ в "
        "ближайшие {days}: {n}; за последние 12 месяцев он принёс {revenue}, под угрозой {risk} "
        "выручки следующего года.",
        "act.forgotten_one": "Связаться с теми, с кем не было контакта дольше, чем допускает "
        "политика контактов: {n}; за последние 12 месяцев он принёс {revenue}.",
        "act.detractors_a_one": "Позвонить тем, кто поставил 0–6 в опросе: {n}; за последние 12 "
        "месяцев он принёс {revenue}.",
        "f.dead_split_one": "Перестал покупать: {dead} ({share} от когда-либо покупавших); из "
        "них ещё можно вернуть {reanimatable} (они в списке для реактивации).",
        "size.same_as_abc": "Размеры клиентов считаются по тому же правилу и той же выручке, "
        "что и ABC, поэтому совпадают с классами ABC (крупные = A, средние = B, мелкие = C). "
        "Таблица добавляет то, чего нет в ABC: потенциал закупок клиентов, долю, которую они "
        "тратят у нас, и неосвоенный остаток.",
        "size.same_no_potential": "Размеры клиентов считаются по тому же правилу и той же "
        "выручке, что и ABC, поэтому совпадают с классами ABC (крупные = A, средние = B, "
        "мелкие = C); потенциала закупок в карточках нет, доли кошелька добавить нечего.",
        "overdue.stale": "Сначала — просроченные совсем недавно; из них {n} просрочены больше "
        "чем на год и, скорее всего, уже выполнены или неактуальны: закройте их в CRM.",
        "act.cross_sell": "Предложить клиентам категории, которые покупают похожие на них, а они "
        "нет: {n}, предложений — {offers} (не больше 3 на клиента); ожидается {revenue} за 12 "
        "месяцев.",
        "act.cross_sell_one": "Предложить клиенту категории, которые покупают похожие на него, а "
        "он нет: {n}, предложений — {offers}; ожидается {revenue} за 12 месяцев.",
        "h.verdict": "Что сделать в первую очередь",
        "h.appendix": "Приложение: как получены цифры",
        "h.model": "Насколько можно доверять модели оттока",
        "verdict.intro": "По убыванию суммы денег. Списки пересекаются (клиент может быть и под "
        "угрозой ухода, и забытым), поэтому суммы не складываются.",
        "verdict.none": "На этих данных нет действий, которые нужны в первую очередь.",
        "verdict.list": "список: {file}, раздел «{section}»",
        "act.at_risk": "Позвонить тем, кто с вероятностью 60\u202f%+ не сделает заказ в ближайшие "
        "{days}: {n}; за последние 12 месяцев они принесли {revenue}, под угрозой {risk} "
        "выручки следующего года.",
        "act.forgotten": "Связаться с теми, с кем не было контакта дольше, чем допускает "
        "политика контактов: {n}; за последние 12 месяцев они принесли {revenue}.",
        "act.reactivation": "Вернуть клиентов: {n} — {silent} молчат дольше своего обычного "
        "цикла, {left} ушли, но их ещё можно вернуть; в лучший год они приносили {revenue}.",
        "act.detractors_a": "Позвонить тем, кто поставил 0–6 в опросе: {n}; за последние 12 "
        "месяцев они принесли {revenue}.",
        "act.overdue": "Закрыть просроченные задачи в журнале активностей: {n}; их клиенты "
        "принесли {revenue} за последние 12 месяцев.",
        "act.duplicates": "Объединить дубли: {records} → {clients}; выручка {revenue} разнесена "
        "по дублирующимся записям.",
        "f.class_a": "{share} выручки за последние 12 месяцев приносит класс A: {clients} — "
        "{paying_share} из {paying}, плативших за это время ({known_share} от всех {known} "
        "известных клиентов — эту долю показывает таблица ABC).",
        "f.base_change": "База {trend}: год назад {before} клиентов, сейчас {after}; за 12 "
        "месяцев пришли {new}, вернулись {back}, ушли {lost} ({share} от базы годом ранее).",
        "trend.growing": "растёт",
        "trend.stagnating": "стабильна",
        "trend.eroding": "сокращается",
        "trend.unknown": "меняется",
        "f.dead_split": "Перестали покупать: {dead} ({share} от когда-либо покупавших); из них "
        "ещё можно вернуть {reanimatable} (они в списке для реактивации).",
        "xyz.leads": "Матрица считает {matrix} клиентов, которые хоть раз покупали; {leads} "
        "не покупавших ни разу входят в класс C таблицы ABC ({abc_c} там, {matrix_c} здесь) и "
        "класса XYZ не имеют.",
        "kpi.base": "Клиентов в базе",
        "f.lost_period": "Потери базы за {period}: {lost} (из них класса A — {a_lost}; их "
        "выручка за предыдущий год — {revenue}).",
        "f.verdict": "Заполненность карточек: {verdict}.",
        "f.vip": "Не окупаются и требуют пересмотра: {n}.",
        "f.vip_one": "Не окупаются и требуют пересмотра: {n}.",
        "f.nps": "NPS равен {nps} по {n} ответам (от {low} до {high} с доверием 95\u202f%).",
        "f.nps_few": "Для NPS мало ответов на опросы: {n}.",
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
        "nps.interval": "Интервал 95\u202f%",
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
        "m.lift_top10": "Лифт, топ-10\u202f%",
        "m.capture_top10": "Охват, топ-10\u202f%",
        "change.metric": "Показатель",
        "change.now": "Этот период",
        "change.previous": "Прошлый период",
        "change.year_ago": "Год назад",
        "new.at_risk": "Новых клиентов в зоне высокого риска за период: {n}.",
        "new.reactivation": "Новых клиентов в списке для реактивации за период: {n}.",
        "shown": "Полный список — в списках действий рядом с отчётом.",
    },
}


VALUE_RU = {
    "baseline: recency vs usual interval": "базовое правило: давность против обычного интервала",
    "baseline: BG/NBD P(no purchase)": "базовое правило: BG/NBD P(нет покупки)",
    "logistic regression": "логистическая регрессия",
    "gradient boosting": "градиентный бустинг",
    "low": "низкий",
    "medium": "средний",
    "high": "высокий",
}


def say(key: str, lang: str, **fmt) -> str:
    return T.t(f"audit.{key}", lang, **fmt)


def plural_form(n: Any, lang: str) -> int:
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


def count(n: Any, noun: str, lang: str) -> str:
    """A number with its noun in the right form: "1 client", "3 clients", "3 клиента",
    "5 клиентов" (the forms are ``noun.<noun>`` of :data:`LABELS`)."""
    forms = say(f"noun.{noun}", lang).split("|")
    return f"{T.fmt_int(n, lang)} {forms[min(plural_form(n, lang), len(forms) - 1)]}"


def say_n(key: str, lang: str, count: Any, /, **fmt) -> str:
    """``say`` with the sentence's verbs agreeing with ``count`` (``<key>_one`` for 1)."""
    if int(count) == 1 and T.has(f"audit.{key}_one"):
        key += "_one"
    return say(key, lang, **fmt)


def value_word(value: Any, lang: str) -> str:
    return VALUE_RU.get(str(value), str(value)) if lang == "ru" else str(value)


def verdict_text(verdict: str, lang: str) -> str:
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


VALUE_METHODS = ("model", "last_12m", "segment_mean")
