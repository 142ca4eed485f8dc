"""Words of "where the money is" (:mod:`reportkit.analysis.money`): the section's headings,
sentences and column headers in English and Russian, merged by :mod:`reportkit.report.text`
under ``money.``."""

from __future__ import annotations

from .. import text as T

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.money": "Where the money is",
        "h.pareto": "Revenue by {dimension}",
        "h.mix": "What each segment buys",
        "h.margin": "Large sales at a low margin",
        "dim.product": "product",
        "dim.category": "category",
        "dim.channel": "channel",
        "dim.region": "region",
        "dim.industry": "industry",
        "items.product": "Products",
        "items.category": "Categories",
        "items.channel": "Channels",
        "items.region": "Regions",
        "items.industry": "Industries",
        "hidden": "This section needs the products, categories or sales channels on the sales "
        "lines; these data have none of them.",
        "hidden.out_of_core": "Not computed: the sales lines were read out of core (the base is "
        "too large to hold in memory), and this section needs the lines themselves. Run the "
        "audit on a part of the base (one region, one year) with --engine memory to see it.",
        "none": "No figures: the data have no products, categories, channels, regions or "
        "industries.",
        "window": "Over the report's window, {start} to {end}, against the same number of "
        "months before it, {prev_start} to {prev_end}. Class A items make the first {a} of "
        "the money, B the next ones up to {b}, C the rest.",
        "no_previous": "The data start on {first}, after the previous window begins: growth "
        "is not shown.",
        "top": "{items}: {n_top} of {n_items} make {share} of revenue.",
        "top.grew": "Together they grew by {growth} on the previous window; {growing} of "
        "{n_top} grow or are new.",
        "top.fell": "Together they fell by {growth} on the previous window; {growing} of "
        "{n_top} grow or are new.",
        "top.more": "The table shows the first {shown} of {n_items}; the workbook has them all.",
        "unknown": "(not given)",
        "mix": "Share of revenue: the category's part of the segment's revenue over the "
        "window. Penetration: the share of the segment's clients who bought the category in "
        "the window (every client of the segment counts, also those who bought nothing).",
        "same_segments": "{name} group the clients exactly as {same_as} here: not repeated.",
        "same.abc": "the ABC classes",
        "same.block": "the lifecycle blocks",
        "same.size_tier": "The size tiers",
        "same.industry": "The industries",
        "mix.share": "{segmentation}: share of revenue",
        "mix.penetration": "{segmentation}: penetration",
        "seg.abc": "ABC class",
        "seg.block": "Lifecycle block",
        "seg.size_tier": "Size tier",
        "seg.industry": "Industry",
        "margin": "Selling a lot: revenue over the window in the top quartile ({clients} or "
        "more for a client, {products} or more for a product). Low margin: a margin rate "
        "below a third of the median rate ({client_low} for clients, median {client_median}; "
        "{product_low} for products, median {product_median}), or a negative margin. Margin "
        "given up: what the median rate would have earned less what was earned.",
        "margin.clients_none": "No client in the top revenue quartile has a low or negative "
        "margin.",
        "margin.products_none": "No product in the top revenue quartile has a low or "
        "negative margin.",
        "margin.clients": "Clients",
        "margin.products": "Products",
        "no_margin": "The sales lines carry no margin: the margin columns and the margin "
        "view are left out.",
        "col.item": "Item",
        "col.product": "Product",
        "col.category": "Category",
        "col.channel": "Channel",
        "col.region": "Region",
        "col.industry": "Industry",
        "col.revenue": "Revenue",
        "col.revenue_share": "Share",
        "col.cum_share": "Cumulative share",
        "col.abc": "Class",
        "col.revenue_prev": "Revenue, previous window",
        "col.growth": "Growth",
        "col.margin": "Margin",
        "col.margin_rate": "Margin rate",
        "col.margin_abc": "Class by margin",
        "col.margin_gap": "Margin given up",
    },
    "ru": {
        "h.money": "Где деньги",
        "h.pareto": "Выручка по {dimension}",
        "h.mix": "Что покупает каждый сегмент",
        "h.margin": "Крупные продажи с низкой маржой",
        "dim.product": "товарам",
        "dim.category": "категориям",
        "dim.channel": "каналам продаж",
        "dim.region": "регионам",
        "dim.industry": "отраслям",
        "items.product": "Товары",
        "items.category": "Категории",
        "items.channel": "Каналы продаж",
        "items.region": "Регионы",
        "items.industry": "Отрасли",
        "hidden": "Для этого раздела в строках продаж нужны товары, категории или каналы "
        "продаж; в этих данных их нет.",
        "hidden.out_of_core": "Не рассчитано: строки продаж прочитаны потоком, без загрузки в "
        "память (база слишком велика), а этому разделу нужны сами строки. Чтобы увидеть его, "
        "постройте отчёт по части базы (один регион, один год) с --engine memory.",
        "none": "Нет цифр: в данных нет ни товаров, ни категорий, ни каналов, ни регионов, ни "
        "отраслей.",
        "window": "За окно отчёта, с {start} по {end}, в сравнении с тем же числом месяцев "
        "перед ним, с {prev_start} по {prev_end}. Позиции класса A дают первые {a} денег, "
        "B — следующие, до {b}, C — остальное.",
        "no_previous": "Данные начинаются {first}, позже начала предыдущего окна: рост не показан.",
        "top": "{items}: на {n_top} из {n_items} приходится {share} выручки.",
        "top.grew": "Вместе их выручка выросла на {growth} к предыдущему окну; растут или "
        "новые — {growing} из {n_top}.",
        "top.fell": "Вместе их выручка снизилась на {growth} к предыдущему окну; растут или "
        "новые — {growing} из {n_top}.",
        "top.more": "В таблице первые {shown} из {n_items}; в рабочей книге — все.",
        "unknown": "(не указано)",
        "mix": "Доля выручки — часть выручки сегмента за окно, которую дала категория. "
        "Проникновение — доля клиентов сегмента, купивших категорию в окне (считаются все "
        "клиенты сегмента, и те, кто ничего не купил).",
        "same_segments": "{name} здесь делят базу так же, как {same_as}: не повторяем.",
        "same.abc": "классы ABC",
        "same.block": "этапы жизненного цикла",
        "same.size_tier": "Размеры клиентов",
        "same.industry": "Отрасли",
        "mix.share": "{segmentation}: доля выручки",
        "mix.penetration": "{segmentation}: проникновение",
        "seg.abc": "Класс ABC",
        "seg.block": "Этап жизненного цикла",
        "seg.size_tier": "Размер клиента",
        "seg.industry": "Отрасль",
        "margin": "Продаёт много: выручка за окно в верхней четверти (от {clients} для "
        "клиента, от {products} для товара). Низкая маржа: норма маржи ниже трети медианной "
        "({client_low} для клиентов при медиане {client_median}; {product_low} для товаров "
        "при медиане {product_median}) или отрицательная маржа. Упущенная маржа — сколько "
        "принесла бы медианная норма, за вычетом того, что принесено.",
        "margin.clients_none": "Ни у одного клиента из верхней четверти по выручке нет "
        "низкой или отрицательной маржи.",
        "margin.products_none": "Ни у одного товара из верхней четверти по выручке нет "
        "низкой или отрицательной маржи.",
        "margin.clients": "Клиенты",
        "margin.products": "Товары",
        "no_margin": "В строках продаж нет маржи: столбцы маржи и список продаж с низкой "
        "маржой не показаны.",
        "col.item": "Позиция",
        "col.product": "Товар",
        "col.category": "Категория",
        "col.channel": "Канал",
        "col.region": "Регион",
        "col.industry": "Отрасль",
        "col.revenue": "Выручка",
        "col.revenue_share": "Доля",
        "col.cum_share": "Накопленная доля",
        "col.abc": "Класс",
        "col.revenue_prev": "Выручка, прошлое окно",
        "col.growth": "Рост",
        "col.margin": "Маржа",
        "col.margin_rate": "Норма маржи",
        "col.margin_abc": "Класс по марже",
        "col.margin_gap": "Упущенная маржа",
    },
}

T.register(LABELS, namespace="money", overwrite=True)


def say(key: str, lang: str, **fmt) -> str:
    """The text of ``money.<key>`` in ``lang`` with its placeholders filled.

    >>> say("h.money", "ru")
    'Где деньги'
    """
    if not T.has(f"money.{key}"):  # the catalogue was reset since this module was imported
        T.register(LABELS, namespace="money", overwrite=True)
    return T.t(f"money.{key}", lang, **fmt)


def headers(columns, lang: str) -> dict[str, str]:
    """The report's header of each column that has one (``money.col.<column>``)."""
    return {c: say(f"col.{c}", lang) for c in columns if T.has(f"money.col.{c}")}


__all__ = ["LABELS", "headers", "say"]
