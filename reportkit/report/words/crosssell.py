"""Words of the cross-sell white space (:mod:`reportkit.analysis.crosssell`): the section's
heading and sentences, the backtest table's headers and methods, and the reasons of the action
list, in English and Russian, merged by :mod:`reportkit.report.text` under ``crosssell.``.

A reason is worded from its code and the row's own figures (penetration, peers, the peers'
typical spend, the peer cell); :func:`action_list` words the per-manager list of
:meth:`reportkit.analysis.crosssell.CrossSell.action_list` for a language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis import crosssell as X
from ...io import schema as S
from .. import text as T
from .audit import count

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "h.cross_sell": "Cross-sell white space",
        "by_category": "The offers by category (a client is offered up to three):",
        "na.columns": "The sales lines carry no product category, so there is no white space "
        "to look for.",
        "na.out_of_core": "Not computed: the sales lines were read out of core (the base is too "
        "large to hold in memory), and the white space is found on the lines themselves.",
        "intro": "For each client who bought over the last {window}: the categories its peers "
        "buy and it does not. Peers are the other active clients of its industry and size, or "
        "of its ABC×XYZ cell when the card lacks them, or the whole base when a cell has fewer "
        "than {min_peers} of them. A gap is worth the share of peers who buy the category × "
        "the median spend of those who do × the client’s chance of staying (1 − its churn "
        "probability; 1 for a client the churn model did not score). The best {top} per "
        "client are listed.",
        "totals": "Clients with a recommendation: {n}; together the recommendations are worth "
        "{value} of expected spend over {window}.",
        "backtest": "Backtest: the recommendations made at past cut-offs, checked against what "
        "the clients bought over the next {horizon}. Hit rate is the share of recommended "
        "client–category pairs that were bought; value captured is what was spent on them, "
        "also as a share of all the spend on categories the clients had not bought before.",
        "verdict.beats": "Here the peers’ method beat the popularity baseline on both hit rate "
        "and value captured: the list is its.",
        "verdict.baseline": "On this base the peers’ method did not beat the popularity "
        "baseline (the most-bought categories the client does not buy yet) on both hit rate "
        "and value captured, so the list is the baseline’s.",
        "verdict.untested": "There is too little history before the report date for a "
        "backtest (at least {months} before a cut-off): the list is the peers’ method’s, "
        "untested.",
        "list": "The first {shown} of {total} recommendations, by expected value; the full "
        "list per manager is in the workbook.",
        "method.peers": "Peers",
        "method.cooccurrence": "Bought together",
        "method.popularity": "Popularity (baseline)",
        "method.random": "Random (baseline)",
        "cutoff.all": "All cut-offs",
        "cell.base": "all active clients",
        "cell.abcxyz": "ABC×XYZ cell {cell}",
        "cell.abcxyz_new": "class {abc}, new clients",
        "reason.peers_buy": "Peers ({cell}): {peers}; {penetration} of them buy {category}, "
        "typically {spend} over {window}.",
        "reason.popular": "{penetration} of the other {peers} active clients buy {category}, "
        "typically {spend} over {window}.",
        "reason.also_bought": "Clients who buy what it buys also buy {category} "
        "({penetration}), typically {spend} over {window}.",
        "cutoff": "Cut-off",
        "method": "Method",
        "clients": "Clients",
        "pairs": "Recommendations",
        "hits": "Bought",
        "hit_rate": "Hit rate",
        "value_captured": "Value captured",
        "share_captured": "Share of new-category spend",
        "client_id": "Client",
        "name": "Name",
        "manager": "Manager",
        "category": "Category",
        "expected_value": "Expected value",
        "penetration": "Peers who buy it",
        "reason": "Why",
    },
    "ru": {
        "h.cross_sell": "Что ещё могут купить клиенты",
        "by_category": "Предложения по категориям (клиенту — не больше трёх):",
        "na.columns": "В строках продаж нет категории товара, поэтому искать незанятые "
        "категории не из чего.",
        "na.out_of_core": "Не рассчитано: строки продаж прочитаны потоком, без загрузки в память "
        "(база слишком велика), а незанятые категории ищутся по самим строкам.",
        "intro": "Для каждого клиента, покупавшего за последние {window}, — категории, которые "
        "покупают похожие на него клиенты, а он нет. Похожие — другие активные клиенты той же "
        "отрасли и того же размера, а если в карточке их нет — той же ячейки ABC×XYZ, а если "
        "таких меньше {min_peers}, — вся база. Пробел оценивается так: доля похожих, "
        "покупающих категорию, × медианная сумма их покупок × вероятность, что клиент "
        "останется (1 − вероятность ухода; 1, если модель оттока клиента не оценивала). "
        "Для каждого клиента приводятся {top} лучших.",
        "totals": "Клиентов с рекомендациями: {n}; в сумме рекомендации стоят {value} "
        "ожидаемых покупок за {window}.",
        "backtest": "Проверка на истории: рекомендации, сделанные на прошлые даты среза, "
        "сравниваются с тем, что клиенты купили за следующие {horizon}. Доля попаданий — "
        "доля рекомендованных пар «клиент — категория», которые были куплены; выручка по "
        "рекомендациям — сумма этих покупок, в том числе как доля всей выручки категорий, "
        "которых клиенты раньше не покупали.",
        "verdict.beats": "Здесь метод похожих клиентов оказался лучше популярных категорий и "
        "по доле попаданий, и по выручке: список составлен им.",
        "verdict.baseline": "На этой базе метод похожих клиентов не оказался лучше популярных "
        "категорий (самых покупаемых категорий, которых у клиента ещё нет) одновременно по "
        "доле попаданий и по выручке, поэтому список составлен по популярным категориям.",
        "verdict.untested": "До даты отчёта слишком мало истории для проверки (нужно не "
        "меньше {months} до даты среза): список составлен методом похожих клиентов без "
        "проверки.",
        "list": "Первые {shown} из {total} рекомендаций по ожидаемой сумме; полный список по "
        "менеджерам — в рабочей книге.",
        "method.peers": "Похожие клиенты",
        "method.cooccurrence": "Покупают вместе",
        "method.popularity": "Популярные категории (база сравнения)",
        "method.random": "Случайный выбор (база сравнения)",
        "cutoff.all": "Все даты среза",
        "cell.base": "все активные клиенты",
        "cell.abcxyz": "ячейка ABC×XYZ {cell}",
        "cell.abcxyz_new": "класс {abc}, новые клиенты",
        "reason.peers_buy": "Похожих клиентов ({cell}): {peers}; из них {penetration} "
        "покупают «{category}», обычно на {spend} за {window}.",
        "reason.popular": "«{category}» покупают {penetration} других активных клиентов "
        "(всего их {peers}), обычно на {spend} за {window}.",
        "reason.also_bought": "Клиенты, покупающие то же, что и он, покупают и «{category}» "
        "({penetration}), обычно на {spend} за {window}.",
        "cutoff": "Дата среза",
        "method": "Метод",
        "clients": "Клиенты",
        "pairs": "Рекомендации",
        "hits": "Куплено",
        "hit_rate": "Доля попаданий",
        "value_captured": "Выручка по рекомендациям",
        "share_captured": "Доля выручки новых категорий",
        "client_id": "Клиент",
        "name": "Название",
        "manager": "Менеджер",
        "category": "Категория",
        "expected_value": "Ожидаемая сумма",
        "penetration": "Доля похожих, кто покупает",
        "reason": "Почему",
    },
}

T.register(LABELS, namespace="crosssell", overwrite=True)

#: the columns of the worded action list
LIST_COLUMNS = (
    S.MANAGER,
    S.CLIENT_ID,
    S.NAME,
    S.CATEGORY,
    X.EXPECTED_VALUE,
    X.PENETRATION,
    X.REASON,
)


def say(key: str, lang: str, **fmt: Any) -> str:
    """The sentence ``key`` of :data:`LABELS` in ``lang`` with its placeholders filled.

    >>> say("method.popularity", "en")
    'Popularity (baseline)'
    """
    if not T.has(f"crosssell.{key}"):  # the catalogue was reset since this module was imported
        T.register(LABELS, namespace="crosssell", overwrite=True)
    return T.t(f"crosssell.{key}", lang, **fmt)


def cell(level: str, label: Any, lang: str) -> str:
    """A peer cell as the report names it.

    >>> cell("abcxyz", "C_new", "en"), cell("abcxyz", "AX", "en"), cell("base", "", "en")
    ('class C, new clients', 'ABC×XYZ cell AX', 'all active clients')
    """
    if level == X.BASE:
        return say("cell.base", lang)
    text = str(label)
    if level == X.ABCXYZ:
        if text.endswith("_new"):
            return say("cell.abcxyz_new", lang, abc=text[:-4])
        return say("cell.abcxyz", lang, cell=text)
    return text


def reason(row: Any, lang: str, window_months: int = 12) -> str:
    """One recommendation's reason in a sentence, from its code and figures (a row of
    :meth:`~reportkit.analysis.crosssell.CrossSell.action_list`).

    >>> row = {"reason": "peers_buy", "peer_level": "industry_size", "peer_cell": "Retail × small",
    ...        "peers": 30, "penetration": 0.6, "category": "Paint", "typical_spend": 12000.0}
    >>> reason(row, "en")
    'Peers (Retail × small): 30; 60% of them buy Paint, typically 12,000 over 12 months.'
    """
    code = str(row[X.REASON])
    return say(
        f"reason.{code}",
        lang,
        cell=cell(str(row[X.PEER_LEVEL]), row[X.PEER_CELL], lang),
        peers=T.fmt_int(row[X.PEERS_N], lang),
        penetration=T.fmt_pct(row[X.PENETRATION], lang, decimals=0),
        category=str(row[S.CATEGORY]),
        spend=T.fmt_money(row[X.TYPICAL_SPEND], lang),
        window=count(window_months, "month", lang),
    )


def action_list(
    frame: pd.DataFrame, lang: str, *, window_months: int = 12, headers: bool = False
) -> pd.DataFrame:
    """The per-manager action list worded for ``lang``: :data:`LIST_COLUMNS`, the reason as a
    sentence (the figures it rests on leave the table); with ``headers`` the columns take
    their names in ``lang``.

    Parameters
    ----------
    frame : DataFrame
        :meth:`reportkit.analysis.crosssell.CrossSell.action_list`.
    lang : {"en", "ru"}
    window_months : int, default 12
        The window the peers' typical spend is over (``CrossSell.params["window_months"]``).
    headers : bool, default False
    """
    out = frame[list(LIST_COLUMNS)].copy()
    out[X.REASON] = [reason(r, lang, window_months) for r in frame.to_dict("records")]
    if headers:
        out = out.rename(columns={c: say(c, lang) for c in LIST_COLUMNS})
    return out
