"""Words of the report's appendix "Method": one to three sentences per topic, in English and
Russian, merged by :mod:`reportkit.report.text` under ``method.``.

The sentences summarise ``docs/method.md`` (``docs/method.ru.md``); their ``{placeholders}`` take
the figures of the configuration the report was built with, formatted by
:mod:`reportkit.report.sections.method` (shares as percentages, days and months with their
noun). A placeholder that needs a Russian case is placed where the counted form of
:func:`reportkit.report.words.audit.count` is the right one ("за 90 дней", "365 дней; 3 ×").
"""

from __future__ import annotations

from .. import text as T

#: the topics of the appendix, in the order the report shows them
TOPICS: tuple[str, ...] = (
    "data",
    "abc",
    "xyz",
    "rfm",
    "bcg",
    "size",
    "lifecycle",
    "dynamics",
    "churn",
    "value",
    "quality",
    "managers",
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.method": "Method",
        "col.topic": "Topic",
        "col.rule": "How it is counted",
        "topic.data": "Data",
        "topic.abc": "ABC",
        "topic.xyz": "XYZ and the ABC×XYZ matrix",
        "topic.rfm": "RFM",
        "topic.bcg": "Client BCG matrix",
        "topic.size": "Size tiers",
        "topic.lifecycle": "Lifecycle",
        "topic.dynamics": "Base dynamics",
        "topic.churn": "Churn",
        "topic.value": "Revenue at risk",
        "topic.quality": "Data quality",
        "topic.managers": "Managers and NPS",
        "data": "A client is an id in the sales data; a card without any purchase is a lead. "
        "Sales are rows with a positive amount; returns (negative amounts) are netted against "
        "revenue. The report date is {as_of}, inclusive; “over the window” means over the "
        "{window} ending with its month.",
        "by.revenue": "revenue",
        "by.margin": "margin",
        "abc": "Paying clients are ranked by {by} over the window: class A are those making up "
        "the first {a} of it, B the next ones up to {b}, C the rest, together with the clients "
        "who paid nothing over the window and the leads.",
        "xyz": "Regularity is the coefficient of variation of monthly revenue over the window: "
        "X below {x}, Y below {y}, Z from {y} and clients without a purchase in the window. "
        "Clients whose first purchase is less than {tenure} before the report date are new, "
        "too young to classify. The matrix leaves out the leads, so it counts fewer clients "
        "than the ABC table.",
        "rfm.quantiles": "by quantiles of the base",
        "rfm.fixed": "by the thresholds set in the configuration",
        "rfm.mixed": "by the thresholds set in the configuration where given, otherwise by "
        "quantiles of the base",
        "rfm": "Recency, frequency (orders over the window) and monetary value (revenue over "
        "the window) are each scored from 1 to {bins} {how}; the named segments follow from "
        "the recency score and the mean of the other two.",
        "bcg": "Share: revenue over the window against the median paying client (at or above "
        "it is high). Growth: against the window before; a client grows above {growth}, and "
        "one without revenue before counts as growing. Stars grow with a high share, cash cows "
        "do not; question marks grow with a low share, dogs do not.",
        "measure.revenue_window": "revenue over the window",
        "measure.best12_revenue": "the best 12 consecutive months’ revenue",
        "measure.revenue_total": "all-time revenue",
        "measure.margin_window": "margin over the window",
        "size": "Large clients make up the first {large} of {measure}, medium the next ones up "
        "to {medium}, small the rest and the leads.",
        "key.derived": "flagged on the card, or else proven class A clients whose revenue is "
        "not falling",
        "key.flag": "flagged on the card",
        "lifecycle": "Birth: potential (no purchase yet), active (no purchase, agreed to work), "
        "working (fewer than {regular} orders). Life: regular ({regular} orders or more), "
        "proven ({proven} orders or more and {tenure} or more since the first), VIP and key "
        "({key_rule}). Death: silent longer than max({dead}, {multiple} × the client’s usual "
        "interval between orders); such a client can be won back with {reanimatable} orders "
        "or more or lifetime revenue above the median, unless it refused.",
        "period.month": "month",
        "period.quarter": "quarter",
        "dynamics": "The base at a {period} end is every client who has bought and is not "
        "dead. In each {period} a client can be new (first purchase ever), lost (silent past "
        "its limit) or reactivated (bought again after having left); churn rate = lost ÷ base "
        "at the start of the {period}. Over twelve months: base a year ago + new − lost + "
        "reactivated = base now.",
        "churn": "A client churns when it places no order within {horizon} after a month end. "
        "Candidate models and simple rules learn from past month ends (up to {cutoffs} for "
        "training), are calibrated on a later one and compared on the latest whose outcome is "
        "known; the best at ranking churners is used. Risk is low below {medium}, medium from "
        "{medium}, high from {high}; each client gets the two reasons that raise its risk "
        "most. With fewer than {min_clients} living clients no model is built.",
        "value": "Expected 12-month revenue: for repeat buyers, the purchases expected from "
        "their rhythm (BG/NBD) × their usual order (Gamma-Gamma); for one-time buyers, their "
        "order × what last year’s one-time buyers of the same age brought back; otherwise the "
        "last 12 months’ revenue. Revenue at risk = churn probability × expected revenue, "
        "summed over every scored client.",
        "quality": "A group of card fields is filled when at least {filled} of its fields "
        "are. The base is a client base when cards are at least {base} complete on average "
        "and at least {contacts} of them have their contacts filled, a list of names below "
        "{names}, a partial base in between. Duplicates: an equal phone, e-mail or tax number "
        "(INN, check digits verified), or names scoring at least {similarity} out of 100 in "
        "similarity; a value on more than {shared} records links nothing. The record kept has "
        "the most orders, then the fullest card, then is the oldest.",
        "days.default": "{low} to {high} days depending on the cell",
        "days.policy": "as the contact policy file sets them, by default {low} to {high} days",
        "managers": "Forgotten clients: class A or B, or regular and better, with no contact "
        "for longer than their ABC×XYZ cell allows ({days}). Overdue tasks: due before the "
        "report date and not done. NPS: each client’s latest answer; promoters score 9–10, "
        "detractors 0–6; NPS = % promoters − % detractors; groups with fewer than {answers} "
        "answers are not scored.",
        "more": "Every definition, with the setting that changes it, is in docs/method.md of "
        "the reportkit repository.",
    },
    "ru": {
        "h.method": "Методика",
        "col.topic": "Тема",
        "col.rule": "Как считается",
        "topic.data": "Данные",
        "topic.abc": "ABC",
        "topic.xyz": "XYZ и матрица ABC×XYZ",
        "topic.rfm": "RFM",
        "topic.bcg": "Матрица БКГ клиентов",
        "topic.size": "Размер клиентов",
        "topic.lifecycle": "Жизненный цикл",
        "topic.dynamics": "Динамика базы",
        "topic.churn": "Отток",
        "topic.value": "Выручка под угрозой",
        "topic.quality": "Качество данных",
        "topic.managers": "Менеджеры и NPS",
        "data": "Клиент — идентификатор в данных о продажах; карточка без единой покупки — "
        "лид. Продажи — строки с положительной суммой; возвраты (отрицательные суммы) "
        "вычитаются из выручки. Дата отчёта — {as_of}, включительно; «за окно» — за {window}, "
        "заканчивая месяцем этой даты.",
        "by.revenue": "выручке",
        "by.margin": "марже",
        "abc": "Платящие клиенты ранжируются по {by} за окно: класс A — те, кто даёт первые "
        "{a}, B — следующие, до {b}, C — остальные, а также клиенты, ничего не оплатившие за "
        "окно, и лиды.",
        "xyz": "Регулярность — коэффициент вариации месячной выручки за окно: X — меньше {x}, "
        "Y — меньше {y}, Z — от {y}, а также клиенты без покупок в окне. Клиенты, впервые "
        "купившие позже, чем за {tenure} до даты отчёта, — новые: классифицировать их рано. "
        "Лиды в матрицу не входят, поэтому клиентов в ней меньше, чем в таблице ABC.",
        "rfm.quantiles": "по квантилям базы",
        "rfm.fixed": "по порогам из конфигурации",
        "rfm.mixed": "по порогам из конфигурации, где они заданы, иначе по квантилям базы",
        "rfm": "Давность, частота (заказы за окно) и денежная ценность (выручка за окно) "
        "оцениваются от 1 до {bins} {how}; сегменты определяются оценкой давности и средним "
        "двух других оценок.",
        "bcg": "Доля: выручка за окно относительно медианного платящего клиента (на уровне "
        "медианы и выше — высокая). Рост: относительно предыдущего окна; клиент растёт, если "
        "рост выше {growth}, а клиент без выручки в прошлом окне считается растущим. Звёзды "
        "растут при высокой доле, дойные коровы — нет; трудные дети растут при низкой доле, "
        "собаки — нет.",
        "measure.revenue_window": "выручки за окно",
        "measure.best12_revenue": "выручки за лучшие 12 месяцев подряд",
        "measure.revenue_total": "выручки за всё время",
        "measure.margin_window": "маржи за окно",
        "size": "Крупные клиенты дают первые {large} {measure}, средние — следующие, до "
        "{medium}, мелкие — остальные, включая лидов.",
        "key.derived": "по отметке в карточке, а без неё — проверенные клиенты класса A, чья "
        "выручка не падает",
        "key.flag": "по отметке в карточке",
        "lifecycle": "Зарождение: потенциальные (покупок ещё нет), активные (покупок нет, "
        "согласились работать), работающие (заказов меньше {regular}). Жизнь: постоянные "
        "(заказов {regular} и больше), проверенные (заказов {proven} и больше, с первого — "
        "{tenure} и больше), VIP и ключевые ({key_rule}). Уход: молчание дольше "
        "большего из двух сроков: {dead} или {multiple} × обычный интервал между заказами "
        "клиента; такого клиента можно вернуть, "
        "если заказов {reanimatable} и больше или выручка за всё время выше медианной и он не "
        "отказался от работы.",
        "period.month": "месяца",
        "period.quarter": "квартала",
        "dynamics": "База на конец {period} — все клиенты, которые покупали и не ушли. В "
        "течение {period} клиент может стать новым (первая покупка), ушедшим (молчание "
        "превысило его предел) или вернувшимся (снова купил после ухода); отток = ушедшие ÷ "
        "база на начало {period}. За двенадцать месяцев: база год назад + новые − ушедшие + "
        "вернувшиеся = база сейчас.",
        "churn": "Отток — ни одного заказа за {horizon} после конца месяца. Модели-кандидаты и "
        "простые правила учатся на прошлых концах месяцев (до {cutoffs} для обучения), "
        "калибруются на более позднем и сравниваются на последнем, по которому исход уже "
        "известен; используется тот, кто лучше ранжирует уходящих. Риск низкий — до "
        "{medium}, средний — от {medium}, высокий — от {high}; каждый клиент получает две "
        "причины, сильнее всего повышающие риск. Если живых клиентов меньше {min_clients}, "
        "модель не строится.",
        "value": "Ожидаемая выручка на 12 месяцев: для повторных покупателей — ожидаемое по их "
        "ритму число покупок (BG/NBD) × обычный заказ (модель Гамма-Гамма); для разовых — их заказ × "
        "то, что принесли прошлогодние разовые покупатели того же «возраста»; иначе — выручка "
        "за последние 12 месяцев. Выручка под угрозой = вероятность ухода × ожидаемая "
        "выручка, в сумме по всем оценённым клиентам.",
        "quality": "Группа полей карточки считается заполненной, если заполнено не меньше "
        "{filled} её полей. База — клиентская, если средняя заполненность карточек не ниже "
        "{base}, а контакты заполнены не меньше чем в {contacts} карточек; список названий — "
        "при заполненности ниже {names}; частичная база — между ними. Дубли: совпадающие "
        "телефон, e-mail или ИНН (с проверкой контрольных цифр) либо названия, похожие не "
        "меньше чем на {similarity} из 100; значение, встречающееся больше чем в {shared} "
        "записях, ничего не связывает. Остаётся запись с наибольшим "
        "числом заказов, затем с самой полной карточкой, затем самая старая.",
        "days.default": "от {low} до {high} дней в зависимости от ячейки",
        "days.policy": "как задано в файле политики контактов, по умолчанию от {low} до {high} "
        "дней",
        "managers": "Забытые клиенты — класса A или B либо постоянные и выше, без контакта "
        "дольше, чем допускает их ячейка ABC×XYZ ({days}). Просроченные задачи — со сроком "
        "раньше даты отчёта и не выполненные. NPS: последний ответ каждого клиента; "
        "промоутеры — 9–10, критики — 0–6; NPS = % промоутеров − % критиков; группы, где "
        "ответов меньше {answers}, не оцениваются.",
        "more": "Все определения и ключи настроек, которые их меняют, — в файле "
        "docs/method.ru.md репозитория reportkit (на английском — docs/method.md).",
    },
}

T.register(LABELS, namespace="method", overwrite=True)


def say(key: str, lang: str, **fmt) -> str:
    """The sentence ``key`` of :data:`LABELS` in ``lang`` with its placeholders filled.

    >>> say("h.method", "ru")
    'Методика'
    """
    if not T.has(f"method.{key}"):  # the catalogue was reset since this module was imported
        T.register(LABELS, namespace="method", overwrite=True)
    return T.t(f"method.{key}", lang, **fmt)
