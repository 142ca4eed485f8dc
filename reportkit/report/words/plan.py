"""Words of the forecast and plan section (:mod:`reportkit.report.sections.plan`), English and
Russian, merged by :mod:`reportkit.report.text` under ``plan.``."""

from __future__ import annotations

from .. import text as T

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.plan": "Revenue forecast and the sales plan",
        "h.plan_total": "The forecast in total",
        "h.plan_levels": "By {dimension}",
        "h.plan_check": "The sales plan",
        "intro": "Revenue of the next {months} from the clients the base has, month by month: "
        "the clients who bought in the last 12 months at the rate such clients kept buying "
        "at, the lapsed ones at the rate they came back, and new clients at the historical "
        "rate; seasons as in the last two years. The last month counted is {cutoff}; the "
        "range is where the month's revenue falls four times in five.",
        "partial": "The report date falls inside {month}: the forecast starts with that "
        "month, counted whole.",
        "backtest": "Checked at {n} past month ends against what followed, the forecast was "
        "off by {err} a month and {qerr} over a quarter; the best naive forecast ({best}) by "
        "{berr} and {bqerr}. The range held {cover} of the outcomes.",
        "total.forecast": "In total the forecast beats the naive ones, so the report shows it.",
        "total.baseline": "In total the forecast does not beat {best}: the report shows that "
        "instead.",
        "levels": "The forecast is shown where it beat the best naive forecast at the same "
        "level in the checks ({n_fc} of {n}); elsewhere the column “Shown” names the naive "
        "forecast shown instead.",
        "no_levels": "The sales carry no manager, segment, channel or category: the forecast "
        "is given in total only.",
        "plan.none": "No sales plan in the data folder (a file named plan.csv or план.xlsx "
        "with the columns period, amount and optionally manager, segment, channel): nothing "
        "to check.",
        "plan.error": "The sales plan could not be read: {error}",
        "plan.levels": "The plan is split by {dimension}, which the sales do not carry: its "
        "lines cannot be checked.",
        "plan.intro": "The plan {file} has {n} lines: {n_bad} unlikely to be met (less than "
        "{p} chance), {n_churn} ask at least last year's revenue while the clients already in "
        "the base are expected to bring less (a plan that assumes no churn). The chances and "
        "the expected figures below come from the bottom-up forecast at every level, also "
        "where a naive forecast is shown above instead (a naive forecast has no spread to "
        "give a chance), so the two can differ.",
        "plan.line_no_new": "{period}, {level}: the plan asks {amount}, the base is expected to "
        "bring {expected} ({prob} chance to reach the plan). The gap of {gap} cannot be priced "
        "in new clients: none was won at this level in the last year.",
        "plan.line": "{period}, {level}: the plan asks {amount}, the base is expected to bring "
        "{expected} ({prob} chance to reach the plan). The gap of {gap} would take {extra} new "
        "clients in the month at a new client's usual first-month purchase, on top of the "
        "usual {usual}.",
        "plan.out_of_horizon": "Lines of {periods} are outside the 12 months the forecast "
        "covers and are not checked.",
        "plan.unknown_level": "No client of the base is at {levels}: those lines cannot be "
        "checked.",
        "na": "The forecast could not be made from these data: it needs at least 15 months "
        "of sales before the report date.",
        "method.forecast": "forecast",
        "method.same_month_ly": "same month last year",
        "method.mean_3m": "mean of the last 3 months",
        "method.ly_trend": "last year × trend",
        "dim.manager": "manager",
        "dim.segment": "segment",
        "dim.channel": "channel",
        "dim.category": "category",
        "level.(all)": "All",
        "level.(none)": "Not set",
        "flag.unrealistic": "Out of reach",
        "flag.assumes_no_churn": "Assumes no churn",
        "flag.both": "Out of reach; assumes no churn",
        "flag.ok": "",
        "col.period": "Month",
        "col.level": "Level",
        "col.expected": "Expected",
        "col.low": "From",
        "col.high": "To",
        "col.retained": "Clients kept",
        "col.reactivated": "Clients back",
        "col.new": "New clients",
        "col.shown": "Shown",
        "col.error_forecast": "Forecast error",
        "col.error_best": "Best naive error",
        "col.amount": "Plan",
        "col.probability": "Chance",
        "col.gap": "Gap",
        "col.extra_new_clients": "New clients needed",
        "col.flag": "Flag",
    },
    "ru": {
        "h.plan": "Прогноз выручки и план продаж",
        "h.plan_total": "Прогноз в целом",
        "h.plan_levels": "В разрезе: {dimension}",
        "h.plan_check": "План продаж",
        "intro": "Выручка на {months} вперёд от клиентов, которые есть в базе, по месяцам: "
        "клиенты с покупками за последние 12 месяцев — с той долей, с какой такие клиенты "
        "продолжали покупать, ушедшие — с той, с какой они возвращались, новые — в "
        "привычном темпе; сезонность — как в последние два года. Последний учтённый месяц — "
        "{cutoff}; диапазон — где выручка месяца оказывается в четырёх случаях из пяти.",
        "partial": "Дата отчёта внутри месяца ({month}): прогноз начинается с этого месяца "
        "целиком.",
        "backtest": "Проверка на {n} прошлых концах месяцев против того, что было потом: "
        "прогноз ошибался на {err} за месяц и на {qerr} за квартал, лучший наивный прогноз "
        "({best}) — на {berr} и {bqerr}. В диапазон попало {cover} исходов.",
        "total.forecast": "В целом прогноз точнее наивных, поэтому отчёт показывает его.",
        "total.baseline": "В целом прогноз не точнее наивного ({best}): отчёт показывает его.",
        "levels": "Прогноз показан там, где при проверке он был точнее лучшего наивного на том "
        "же уровне ({n_fc} из {n}); в остальных строках столбец «Показано» называет наивный "
        "прогноз, показанный вместо него.",
        "no_levels": "В продажах нет менеджера, сегмента, канала или категории: прогноз дан "
        "только в целом.",
        "plan.none": "В папке данных нет плана продаж (файл план.csv или план.xlsx со "
        "столбцами Период, Сумма и, если нужно, Менеджер, Сегмент, Канал): проверять нечего.",
        "plan.error": "План продаж не прочитан: {error}",
        "plan.levels": "План разбит по разрезу «{dimension}», которого нет в продажах: его "
        "строки не проверить.",
        "plan.intro": "В плане ({file}) строк: {n}; маловероятных (шанс меньше {p}): {n_bad}; "
        "требующих не меньше прошлогодней выручки, когда клиенты базы, по прогнозу, принесут "
        "меньше (план без учёта оттока): {n_churn}. Шансы и ожидаемые суммы ниже — из прогноза "
        "от клиентов на любом уровне, в том числе там, где выше показан наивный прогноз (у "
        "наивного прогноза нет разброса, чтобы оценить шанс), поэтому цифры могут различаться.",
        "plan.line_no_new": "{period}, {level}: план — {amount}, от базы ожидается {expected} "
        "(шанс выполнить — {prob}). Разрыв {gap} не пересчитать в новых клиентов: за последний "
        "год на этом уровне новых клиентов не было.",
        "plan.line": "{period}, {level}: план — {amount}, от базы ожидается {expected} (шанс "
        "выполнить — {prob}). Разрыв {gap} потребовал бы новых клиентов в месяце: {extra} "
        "при обычной первой покупке нового клиента, сверх обычных {usual}.",
        "plan.out_of_horizon": "Строки за {periods} лежат за 12 месяцами прогноза и не проверены.",
        "plan.unknown_level": "В базе нет клиентов уровня {levels}: эти строки не проверить.",
        "na": "Прогноз по этим данным не построить: нужно не меньше 15 месяцев продаж до "
        "даты отчёта.",
        "method.forecast": "прогноз",
        "method.same_month_ly": "тот же месяц год назад",
        "method.mean_3m": "среднее за 3 месяца",
        "method.ly_trend": "прошлый год × тренд",
        "dim.manager": "менеджер",
        "dim.segment": "сегмент",
        "dim.channel": "канал",
        "dim.category": "категория",
        "level.(all)": "Все",
        "level.(none)": "Не указан",
        "flag.unrealistic": "Недостижим",
        "flag.assumes_no_churn": "Без учёта оттока",
        "flag.both": "Недостижим; без учёта оттока",
        "flag.ok": "",
        "col.period": "Месяц",
        "col.level": "Уровень",
        "col.expected": "Ожидается",
        "col.low": "От",
        "col.high": "До",
        "col.retained": "Удержанные",
        "col.reactivated": "Вернувшиеся",
        "col.new": "Новые",
        "col.shown": "Показано",
        "col.error_forecast": "Ошибка прогноза",
        "col.error_best": "Ошибка лучшего наивного",
        "col.amount": "План",
        "col.probability": "Шанс",
        "col.gap": "Разрыв",
        "col.extra_new_clients": "Нужно новых клиентов",
        "col.flag": "Отметка",
    },
}

T.register(LABELS, namespace="plan", overwrite=True)


def say(key: str, lang: str, **fmt) -> str:
    """The sentence ``key`` of :data:`LABELS` in ``lang`` with its placeholders filled.

    >>> say("h.plan", "ru")
    'Прогноз выручки и план продаж'
    """
    if not T.has(f"plan.{key}"):  # the catalogue was reset since this module was imported
        T.register(LABELS, namespace="plan", overwrite=True)
    return T.t(f"plan.{key}", lang, **fmt)


def level_word(level: str, lang: str) -> str:
    """A level as the report writes it: the total and a missing value in words."""
    return say(f"level.{level}", lang) if T.has(f"plan.level.{level}") else level


def headers(columns, lang: str) -> dict[str, str]:
    """Column headers of the section's tables."""
    return {c: say(f"col.{c}", lang) for c in columns if T.has(f"plan.col.{c}")}


__all__ = ["LABELS", "headers", "level_word", "say"]
