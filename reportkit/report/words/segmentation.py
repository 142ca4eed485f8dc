"""Words of the segmentations: class names and column headers, the notes of
:mod:`reportkit.analysis.segmentation`, and the contact policy of each ABC×XYZ cell, in English
and Russian."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.api import types as ptypes

from ...analysis.segmentation import ABCXYZ_CELLS, NONE, ABCXYZMatrix, SegmentResult
from ...errors import ReportkitError, check_param
from ...io import schema as S
from ...io.policy import NEW_CELL, POLICY_COLUMNS, contact_policy
from ..text import LANGS

#: display names of every class value and output column (merged by reportkit.report.text under
#: ``segmentation.``)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        # ABC, XYZ, ABC×XYZ
        "A": "A",
        "B": "B",
        "C": "C",
        "X": "X",
        "Y": "Y",
        "Z": "Z",
        **{c: c for c in ABCXYZ_CELLS if "_" not in c and c != NONE},
        "A_new": "A · new",
        "B_new": "B · new",
        "C_new": "C · new",
        "none": "No orders",
        # RFM
        "champions": "Champions",
        "loyal": "Loyal",
        "potential_loyalist": "Potential loyalists",
        "new": "New",
        "promising": "Promising",
        "need_attention": "Need attention",
        "about_to_sleep": "About to sleep",
        "at_risk": "At risk",
        "cant_lose": "Can't lose",
        "hibernating": "Hibernating",
        "lost": "Lost",
        # BCG
        "star": "Stars",
        "cash_cow": "Cash cows",
        "question_mark": "Question marks",
        "dog": "Dogs",
        # size tiers
        "large": "Large",
        "medium": "Medium",
        "small": "Small",
        # columns
        S.CLIENT_ID: "Client",
        S.ABC: "ABC",
        S.XYZ: "XYZ",
        S.ABCXYZ: "ABC×XYZ",
        S.R_SCORE: "R",
        S.F_SCORE: "F",
        S.M_SCORE: "M",
        S.RFM: "RFM",
        S.RFM_SEGMENT: "RFM segment",
        S.BCG: "BCG class",
        S.SIZE_TIER: "Size tier",
        S.SHARE_OF_WALLET: "Share of wallet",
        S.UNREALISED_POTENTIAL: "Unrealised potential",
        S.POTENTIAL: "Potential",
        S.N_CLIENTS: "Clients",
        S.CLIENT_SHARE: "Share of clients",
        S.VALUE: "Value",
        S.VALUE_SHARE: "Share of value",
        S.SHARE: "Share",
        S.CUM_SHARE: "Cumulative share",
        S.REVENUE: "Revenue",
        S.REVENUE_SHARE: "Share of revenue",
        S.REVENUE_WINDOW: "Revenue",
        S.REVENUE_PREV_WINDOW: "Revenue, previous window",
        S.ORDERS_WINDOW: "Orders",
        S.RECENCY_DAYS: "Days since last order",
        S.CV: "Variation (CV)",
        S.RELATIVE_SHARE: "Relative share (log10)",
        S.GROWTH: "Revenue growth",
        S.CELL: "Cell",
        S.OWNER: "Owner",
        S.MEETINGS: "Meetings",
        S.CALLS: "Calls",
        S.OFFER: "Offer",
    },
    "ru": {
        "A": "A",
        "B": "B",
        "C": "C",
        "X": "X",
        "Y": "Y",
        "Z": "Z",
        **{c: c for c in ABCXYZ_CELLS if "_" not in c and c != NONE},
        "A_new": "A · новые",
        "B_new": "B · новые",
        "C_new": "C · новые",
        "none": "Нет заказов",
        "champions": "Чемпионы",
        "loyal": "Лояльные",
        "potential_loyalist": "Потенциально лояльные",
        "new": "Новые",
        "promising": "Перспективные",
        "need_attention": "Требуют внимания",
        "about_to_sleep": "Засыпающие",
        "at_risk": "В зоне риска",
        "cant_lose": "Нельзя потерять",
        "hibernating": "Спящие",
        "lost": "Потерянные",
        "star": "Звёзды",
        "cash_cow": "Дойные коровы",
        "question_mark": "Трудные дети",
        "dog": "Собаки",
        "large": "Крупные",
        "medium": "Средние",
        "small": "Мелкие",
        S.CLIENT_ID: "Клиент",
        S.ABC: "ABC",
        S.XYZ: "XYZ",
        S.ABCXYZ: "ABC×XYZ",
        S.R_SCORE: "R",
        S.F_SCORE: "F",
        S.M_SCORE: "M",
        S.RFM: "RFM",
        S.RFM_SEGMENT: "RFM-сегмент",
        S.BCG: "Класс BCG",
        S.SIZE_TIER: "Размер",
        S.SHARE_OF_WALLET: "Доля кошелька",
        S.UNREALISED_POTENTIAL: "Нереализованный потенциал",
        S.POTENTIAL: "Потенциал",
        S.N_CLIENTS: "Клиенты",
        S.CLIENT_SHARE: "Доля клиентов",
        S.VALUE: "Объём",
        S.VALUE_SHARE: "Доля объёма",
        S.SHARE: "Доля",
        S.CUM_SHARE: "Накопленная доля",
        S.REVENUE: "Выручка",
        S.REVENUE_SHARE: "Доля выручки",
        S.REVENUE_WINDOW: "Выручка",
        S.REVENUE_PREV_WINDOW: "Выручка, прошлый период",
        S.ORDERS_WINDOW: "Заказы",
        S.RECENCY_DAYS: "Дней с последнего заказа",
        S.CV: "Коэффициент вариации",
        S.RELATIVE_SHARE: "Относительная доля (десятичный логарифм)",
        S.GROWTH: "Рост выручки",
        S.CELL: "Ячейка",
        S.OWNER: "Ответственный",
        S.MEETINGS: "Встречи",
        S.CALLS: "Звонки",
        S.OFFER: "Что предлагать",
    },
}

_TITLES = {
    "en": {
        "abc": "ABC analysis",
        "xyz": "XYZ analysis",
        "abcxyz": "ABC×XYZ matrix",
        "rfm": "RFM segments",
        "bcg": "Client BCG matrix",
        "size": "Size tiers",
        "notes": "Notes",
    },
    "ru": {
        "abc": "ABC-анализ",
        "xyz": "XYZ-анализ",
        "abcxyz": "Матрица ABC×XYZ",
        "rfm": "RFM-сегменты",
        "bcg": "BCG-матрица клиентов",
        "size": "Размер клиентов",
        "notes": "Примечания",
    },
}


def _check_lang(lang: str) -> str:
    check_param(lang in LANGS, "lang", "one of 'en', 'ru'", lang)
    return lang


_SHARE_COLUMNS = {
    S.SHARE,
    S.CUM_SHARE,
    S.CLIENT_SHARE,
    S.VALUE_SHARE,
    S.REVENUE_SHARE,
    S.SHARE_OF_WALLET,
}


def display(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A copy for display: class values and headers translated, shares as percentages."""
    labels = LABELS[_check_lang(lang)]
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if col in _SHARE_COLUMNS:
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f} %")
        elif ptypes.is_float_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
        elif (
            isinstance(s.dtype, pd.CategoricalDtype)
            or ptypes.is_object_dtype(s)
            or ptypes.is_string_dtype(s)
        ):
            out[col] = s.astype(object).map(lambda v: labels.get(v, v) if isinstance(v, str) else v)
    return out.rename(columns=lambda c: labels.get(c, c))


def title(name: str, lang: str = "en") -> str:
    """The heading of one segmentation ("abc", "xyz", "abcxyz", "rfm", "bcg", "size")."""
    return _TITLES[_check_lang(lang)].get(name, name)


_BY = {
    "en": {
        "revenue": "revenue",
        "margin": "margin",
        S.REVENUE_WINDOW: "revenue",
        S.BEST12_REVENUE: "best 12 months' revenue",
        S.REVENUE_TOTAL: "lifetime revenue",
        S.MARGIN_WINDOW: "margin",
    },
    "ru": {
        "revenue": "выручки",
        "margin": "маржи",
        S.REVENUE_WINDOW: "выручки",
        S.BEST12_REVENUE: "выручки за лучшие 12 месяцев",
        S.REVENUE_TOTAL: "выручки за всё время",
        S.MARGIN_WINDOW: "маржи",
    },
}


def note_text(code: str, params: Mapping[str, Any], lang: str = "en") -> str:
    """One note of a segmentation as a sentence in ``lang``."""
    ru = _check_lang(lang) == "ru"
    by = _BY[lang].get(str(params.get("by", "revenue")), str(params.get("by", "")))
    n = params.get("n")
    texts = {
        "abc_nothing_positive": (
            (
                f"ABC: no client has a positive {by} in the window (the base holds only returns or "
                "zero amounts), so every client is C and shares are undefined."
            ),
            (
                f"ABC: ни у одного клиента нет положительной {by} за окно (в базе только возвраты "
                "или нулевые суммы), поэтому все клиенты — C, а доли не определены."
            ),
        ),
        "abc_net_not_positive": (
            (
                f"ABC: the net {by} of the base is not positive (returns exceed sales); classes are "
                f"computed on the {n} clients with a positive {by}."
            ),
            (
                f"ABC: чистая сумма {by} базы не положительна (возвраты больше продаж); классы "
                f"посчитаны по клиентам с положительной суммой: {n}."
            ),
        ),
        "xyz_undefined_are_z": (
            (
                f"XYZ: {n} clients without a defined variation of monthly revenue (no order in the "
                "window, or a net revenue that is not positive) are Z."
            ),
            (
                f"XYZ: клиентов без определённой вариации месячной выручки (нет заказов за окно или "
                f"чистая выручка не положительна): {n}; они отнесены к Z."
            ),
        ),
        "abcxyz_leads_left_out": (
            f"ABC×XYZ: {n} leads (clients without orders) are not in the matrix.",
            f"ABC×XYZ: клиенты без заказов ({n}) в матрицу не входят.",
        ),
        "bcg_nothing_positive": (
            (
                "BCG: no client has a positive revenue in the window; every client with orders is "
                "a dog."
            ),
            (
                "BCG: ни у одного клиента нет положительной выручки за окно; все клиенты с заказами "
                "— «собаки»."
            ),
        ),
        "bcg_new_count_as_growing": (
            (
                f"BCG: {n} clients with revenue now and none in the previous window count as "
                "growing (their growth is undefined)."
            ),
            (
                f"BCG: клиенты с выручкой сейчас и без выручки в прошлом окне ({n}) считаются "
                "растущими (их рост не определён)."
            ),
        ),
        "size_nothing_positive": (
            f"Size tiers: no client has a positive {by}; every client is small.",
            f"Размер: ни у одного клиента нет положительной {by}; все клиенты мелкие.",
        ),
        "wallet_no_potential": (
            "Share of wallet: the clients table has no positive potential.",
            "Доля кошелька: в таблице клиентов нет положительного потенциала.",
        ),
    }
    if code not in texts:
        raise ReportkitError(f"unknown segmentation note code {code!r}")
    return texts[code][1 if ru else 0]


def notes(result: SegmentResult | Any, lang: str = "en") -> list[str]:
    """Every note of a segmentation (or of :class:`Segments`) as a sentence in ``lang``."""
    return [note_text(code, params, lang) for code, params in result.notes]


def policy_table(
    matrix: ABCXYZMatrix, lang: str = "en", path: str | Path | pd.DataFrame | None = None
) -> pd.DataFrame:
    """The contact policy of every cell of the matrix in ``lang``: ``abcxyz`` and the policy's
    text columns (``owner, meetings, calls, offer``); the ``new`` column of each ABC class gets
    the policy of the ``new`` cell (empty when the table has none)."""
    table = contact_policy(_check_lang(lang), path=path).set_index(S.CELL)
    summary = matrix.summary
    key = summary[S.ABCXYZ].astype(str).where(summary[S.XYZ].astype(str) != "new", NEW_CELL)
    out = summary[[S.ABCXYZ]].copy()
    for col in POLICY_COLUMNS[2:]:
        values = key.map(table[col]) if col in table.columns else pd.Series("", index=key.index)
        out[col] = values.fillna("").astype(object).to_numpy()
    return out


__all__ = ["LABELS", "display", "note_text", "notes", "policy_table", "title"]
