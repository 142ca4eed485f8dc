"""Words of the data-quality results: the evidence of duplicate links, the problems of tax ids,
the notes and the verdict of card completeness, the summary and reconciliation items, and the
duplicates action list, in English and Russian (:mod:`reportkit.analysis.quality` returns codes
and figures only)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...analysis.quality import KEEP, PARAMS, Completeness, Duplicates
from ...errors import ReportkitError
from ...io.schema import ACTION, EVIDENCE, FIELD, ITEM, NOTE, PROBLEM, SURVIVOR
from ..text import label, load_reason
from . import check_lang

#: every sentence, item and category name of the data-quality results, merged by
#: :mod:`reportkit.report.text` under ``quality.`` (``t("quality.check.ok", "ru")``)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        # duplicates: evidence of a link
        "ev.tax_id": "tax id",
        "ev.email": "e-mail",
        "ev.phone": "phone",
        "ev.name": "name {score}",
        "ev.swapped": " (two letters swapped)",
        "ev.tax_ids_differ": "tax ids differ",
        "ev.phones_differ": "phones differ",
        "ev.emails_differ": "e-mails differ",
        "problem.length": "not 10 or 12 digits",
        "problem.check": "check digits do not match",
        "action.keep": "keep",
        "action.merge": "merge into {survivor}",
        # duplicates: summary items
        "dup.checked": "client records checked",
        "dup.phone": "records with a usable phone",
        "dup.email": "records with a usable e-mail",
        "dup.tax_id": "records with a tax id",
        "dup.invalid": "invalid tax ids (length or check digits)",
        "dup.name": "records with a name",
        "dup.shared": "shared values ignored (used by more than {limit} records)",
        "dup.pairs": "duplicate links (pairs)",
        "dup.groups": "duplicate groups",
        "dup.records": "records in duplicate groups",
        "dup.surplus": "surplus records (to merge into survivors)",
        "dup.conf.high": "groups of high confidence",
        "dup.conf.medium": "groups of medium confidence",
        "dup.conf.low": "groups of low confidence",
        "dup.oversized": "groups still larger than {size} records",
        "dup.revenue": "revenue of clients in duplicate groups",
        "dup.title": "Duplicate clients",
        "dup.largest": "Largest groups by revenue",
        "dup.generic": "Shared values ignored (generic)",
        "confidence.high": "high",
        "confidence.medium": "medium",
        "confidence.low": "low",
        # completeness: groups, fields, notes, reason, summary
        "card_group.business": "business",
        "card_group.contact": "contact",
        "card_group.analytic": "analytic",
        "card_group.history": "history",
        "field.industry": "industry",
        "field.region": "region",
        "field.size": "size",
        "field.potential": "potential",
        "field.phone": "phone",
        "field.email": "e-mail",
        "field.contact_person": "contact person",
        "field.decision_maker": "decision maker",
        "field.manager": "manager",
        "field.status": "status",
        "field.segment": "segment",
        "field.created": "creation date",
        "field.activities": "activities",
        "column.vip": "vip",
        "column.key_account": "key_account",
        "note.no_log": "no activity log given",
        "note.no_flags": "the file has no vip or key_account column",
        "note.flags_unused": "the {columns} column{s} flag no client (an unused flag column "
        "reads as all 'no')",
        "note.and": " and ",
        "note.no_column": "the file has no {field} column",
        "note.empty_column": "the {field} column is empty",
        "note.empty_share": "empty on {share} of cards",
        "reason.no_cards": "the clients table has no cards",
        "reason.client_base": "mean card completeness {score} (a client base from {need}) and "
        "contacts filled on {contacts} of cards (at least {need_contacts} "
        "needed)",
        "reason.list": "mean card completeness {score} is below {low}: the cards hold little "
        "beyond names",
        "reason.no_contacts": "mean card completeness {score} would make a client base, but "
        "contacts are filled on only {contacts} of cards (a client "
        "base needs {need_contacts})",
        "reason.partial": "mean card completeness {score}, between {low} (a list of names) "
        "and {need} (a client base)",
        "reason.missing": "; most often missing: {fields}",
        "comp.cards": "client cards",
        "comp.score": "mean card completeness",
        "comp.contacts": "cards with the contact group filled",
        "comp.all_groups": "cards with all four groups filled",
        "comp.orders_no_card": "clients with orders but no card",
        "comp.cards_no_orders": "cards without orders",
        "comp.verdict": "verdict",
        "comp.title": "Completeness of client cards",
        # reconciliation
        "section.rows": "rows",
        "section.returns": "returns",
        "section.revenue": "revenue",
        "section.clients": "clients",
        "check.ok": "ok",
        "check.mismatch": "mismatch",
        "rec.read": "{where}: rows read",
        "rec.where": "{table} ({file})",
        "rec.rejected_reason": "{table}: rejected — {reason}",
        "rec.rejected_sum": "{table}: rows rejected = sum of reasons",
        "rec.read_sum": "{table}: rows read = kept + rejected",
        "rec.kept_used": "{table}: rows kept = rows in the table used",
        "rec.returns_rows": "returns (negative amounts, kept and netted): rows",
        "rec.returns_amount": "returns amount",
        "rec.total": "total amount, net of returns",
        "rec.revenue_year": "revenue {year}",
        "rec.revenue_all": "revenue, all years",
        "rec.tx_clients": "clients in transactions",
        "rec.panel_clients": "clients in the panel = clients in transactions",
        "rec.missing_panel": "clients in transactions missing from the panel",
        "rec.extra_panel": "clients in the panel not in transactions",
        "rec.card_clients": "clients in the clients table",
        "rec.both": "clients in both",
        "rec.orders_no_card": "clients with orders but no card",
        "rec.cards_no_orders": "cards without orders",
    },
    "ru": {
        "ev.tax_id": "ИНН",
        "ev.email": "эл. почта",
        "ev.phone": "телефон",
        "ev.name": "название {score}",
        "ev.swapped": " (переставлены две буквы)",
        "ev.tax_ids_differ": "разные ИНН",
        "ev.phones_differ": "разные телефоны",
        "ev.emails_differ": "разные адреса эл. почты",
        "problem.length": "не 10 и не 12 цифр",
        "problem.check": "не сходятся контрольные цифры",
        "action.keep": "оставить",
        "action.merge": "объединить с {survivor}",
        "dup.checked": "проверено записей о клиентах",
        "dup.phone": "записей с пригодным телефоном",
        "dup.email": "записей с пригодной эл. почтой",
        "dup.tax_id": "записей с ИНН",
        "dup.invalid": "неверных ИНН (длина или контрольные цифры)",
        "dup.name": "записей с названием",
        "dup.shared": "общих значений пропущено (встречаются более чем в {limit} записях)",
        "dup.pairs": "связей между дублями (пар)",
        "dup.groups": "групп дублей",
        "dup.records": "записей в группах дублей",
        "dup.surplus": "лишних записей (объединить с основными)",
        "dup.conf.high": "групп с высокой уверенностью",
        "dup.conf.medium": "групп со средней уверенностью",
        "dup.conf.low": "групп с низкой уверенностью",
        "dup.oversized": "групп, всё ещё больших {size} записей",
        "dup.revenue": "выручка клиентов в группах дублей",
        "dup.title": "Дубли клиентов",
        "dup.largest": "Крупнейшие группы по выручке",
        "dup.generic": "Пропущенные общие значения",
        "confidence.high": "высокая",
        "confidence.medium": "средняя",
        "confidence.low": "низкая",
        "card_group.business": "деловые",
        "card_group.contact": "контакты",
        "card_group.analytic": "аналитика",
        "card_group.history": "история",
        "field.industry": "отрасль",
        "field.region": "регион",
        "field.size": "размер компании",
        "field.potential": "потенциал",
        "field.phone": "телефон",
        "field.email": "эл. почта",
        "field.contact_person": "контактное лицо",
        "field.decision_maker": "лицо, принимающее решения",
        "field.manager": "менеджер",
        "field.status": "статус",
        "field.segment": "сегмент (VIP, ключевой)",
        "field.created": "дата создания",
        "field.activities": "активности",
        "column.vip": "«VIP»",
        "column.key_account": "«ключевой клиент»",
        "note.no_log": "журнал активностей не передан",
        "note.no_flags": "в файле нет колонок «VIP» и «ключевой клиент»",
        "note.flags_unused": "в колонк{s} {columns} не отмечен ни один клиент (неиспользуемая "
        "колонка отметок читается как «нет»)",
        "note.and": " и ",
        "note.no_column": "в файле нет колонки «{field}»",
        "note.empty_column": "колонка «{field}» пуста",
        "note.empty_share": "пусто на {share} карточек",
        "reason.no_cards": "в таблице клиентов нет карточек",
        "reason.client_base": "средняя заполненность карточек {score} (клиентская база — от "
        "{need}), контакты заполнены на {contacts} карточек (нужно не "
        "меньше {need_contacts})",
        "reason.list": "средняя заполненность карточек {score} ниже {low}: в карточках почти "
        "ничего, кроме названий",
        "reason.no_contacts": "средняя заполненность карточек {score} достаточна для "
        "клиентской базы, но контакты заполнены только на {contacts} "
        "карточек (нужно {need_contacts})",
        "reason.partial": "средняя заполненность карточек {score} — между {low} (список "
        "названий) и {need} (клиентская база)",
        "reason.missing": "; чаще всего не заполнены: {fields}",
        "comp.cards": "карточек клиентов",
        "comp.score": "средняя заполненность карточек",
        "comp.contacts": "карточек с заполненными контактами",
        "comp.all_groups": "карточек, где заполнены все четыре группы",
        "comp.orders_no_card": "клиентов с заказами, но без карточки",
        "comp.cards_no_orders": "карточек без заказов",
        "comp.verdict": "вывод",
        "comp.title": "Заполненность карточек клиентов",
        "section.rows": "строки",
        "section.returns": "возвраты",
        "section.revenue": "выручка",
        "section.clients": "клиенты",
        "check.ok": "сходится",
        "check.mismatch": "расхождение",
        "rec.read": "{where}: прочитано строк",
        "rec.where": "{table} ({file})",
        "rec.rejected_reason": "{table}: отклонено — {reason}",
        "rec.rejected_sum": "{table}: отклонено строк = сумма по причинам",
        "rec.read_sum": "{table}: прочитано = принято + отклонено",
        "rec.kept_used": "{table}: принято строк = строк в используемой таблице",
        "rec.returns_rows": "возвраты (отрицательные суммы, учтены и взаимозачтены): строк",
        "rec.returns_amount": "сумма возвратов",
        "rec.total": "итоговая сумма за вычетом возвратов",
        "rec.revenue_year": "выручка за {year} год",
        "rec.revenue_all": "выручка за все годы",
        "rec.tx_clients": "клиентов в продажах",
        "rec.panel_clients": "клиентов в помесячной таблице = клиентов в продажах",
        "rec.missing_panel": "клиентов из продаж нет в помесячной таблице",
        "rec.extra_panel": "клиентов помесячной таблицы нет в продажах",
        "rec.card_clients": "клиентов в таблице клиентов",
        "rec.both": "клиентов и там, и там",
        "rec.orders_no_card": "клиентов с заказами, но без карточки",
        "rec.cards_no_orders": "карточек без заказов",
    },
}


def _say(key: str, lang: str, **fmt: Any) -> str:
    text = LABELS[lang][key]
    return text.format(**fmt) if fmt else text


def _decimal(value: float, lang: str, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "ru" else text


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def field_label(name: str, lang: str = "en") -> str:
    """The name of a card field in ``lang`` (``phone`` -> "phone" / "телефон")."""
    return LABELS[check_lang(lang)].get(f"field.{name}", name)


def _link(codes: str, lang: str) -> str:
    """One link's evidence codes ("tax_id,name=93,swapped") as words."""
    words: list[str] = []
    for code in str(codes).split(","):
        if not code:
            continue
        if code.startswith("name="):
            words.append(_say("ev.name", lang, score=code.split("=", 1)[1]))
        elif code == "swapped" and words:
            words[-1] += _say("ev.swapped", lang)
        elif f"ev.{code}" in LABELS[lang]:
            words.append(_say(f"ev.{code}", lang))
        else:
            words.append(code)
    return ", ".join(words)


def evidence_text(evidence: Any, lang: str = "en") -> str:
    """The ``evidence`` of a pair ("tax_id,name=93") or of a grouped record ("phone ~ C002;
    name=95 ~ C007; …") as words; the linked ids stay as they are.

    >>> evidence_text("tax_id,name=93,swapped")
    'tax id, name 93 (two letters swapped)'
    >>> evidence_text("phone ~ C002; name=95 ~ C007", "ru")
    'телефон ~ C002; название 95 ~ C007'
    """
    check_lang(lang)
    if evidence is None or (isinstance(evidence, float) and math.isnan(evidence)):
        return ""
    parts = []
    for part in str(evidence).split("; "):
        codes, sep, other = part.partition(" ~ ")
        parts.append(part if part == "…" else _link(codes, lang) + sep + other)
    return "; ".join(parts)


def item_text(code: str, params: Mapping[str, Any] | None, lang: str = "en") -> str:
    """A summary or reconciliation item (``dup.shared`` with ``{"limit": 5}``) as words."""
    check_lang(lang)
    params = dict(params or {})
    table = params.get("table")
    if table is not None:
        params["table"] = label(table, lang, "table") if lang != "en" else table
    if code == "rec.read":
        file = params.pop("file", None)
        where = (
            _say("rec.where", lang, table=params["table"], file=file) if file else params["table"]
        )
        return _say(code, lang, where=where)
    if code == "rec.rejected_reason":
        params["reason"] = load_reason(params["reason"], lang)
    if code not in LABELS[lang]:
        raise ReportkitError(f"unknown data-quality item {code!r}")
    return _say(code, lang, **params)


def items_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A summary (duplicates, completeness) or the reconciliation with its ``item`` worded and
    the ``params`` behind the words dropped."""
    out = frame.copy()
    out[ITEM] = [item_text(c, p, lang) for c, p in zip(frame[ITEM], frame[PARAMS])]
    return out.drop(columns=[PARAMS])


def note_text(code: str, params: Mapping[str, Any], lang: str = "en") -> str:
    """A note of a completeness field ("note.no_column" with ``{"field": "email"}``)."""
    check_lang(lang)
    if not code:
        return ""
    if code == "note.flags_unused":
        given = list(params["columns"])
        plural = {"en": ("", "s"), "ru": ("е", "ах")}[lang][len(given) > 1]
        columns = _say("note.and", lang).join(_say(f"column.{c}", lang) for c in given)
        return _say(code, lang, columns=columns, s=plural)
    if code in ("note.no_column", "note.empty_column"):
        return _say(code, lang, field=field_label(params["field"], lang))
    if code == "note.empty_share":
        return _say(code, lang, share=_pct(params["share"]))
    return _say(code, lang)


def reason_text(completeness: Completeness, lang: str = "en") -> str:
    """Why the base is a client base, a partial base or a list of names, with the figures.

    >>> from reportkit.analysis.quality import completeness
    >>> clients = pd.DataFrame({"client_id": ["1", "2"], "name": ["Альфа", "Бета"],
    ...                         "phone": ["89161234567", None], "region": ["Москва", None]})
    >>> reason_text(completeness(clients), "ru").split(":")[0]
    'средняя заполненность карточек 0,06 ниже 0,30'
    """
    check_lang(lang)
    code, f = completeness.reason
    figures = {
        "score": _decimal(f["score"], lang),
        "need": _decimal(f["need"], lang),
        "low": _decimal(f["low"], lang),
        "contacts": _pct(f["contacts"]),
        "need_contacts": _pct(f["need_contacts"]),
    }
    text = _say(code, lang, **figures)
    missing = f.get("missing") or []
    if missing:
        named = []
        for name, note, params in missing:
            shown = field_label(name, lang)
            words = note_text(note, params, lang)
            named.append(f"{shown} ({words})" if words else shown)
        text += _say("reason.missing", lang, fields=", ".join(named))
    return text


def fields_table(completeness: Completeness, lang: str = "en") -> pd.DataFrame:
    """:attr:`Completeness.fields` with its notes worded."""
    out = completeness.fields.copy()
    out[NOTE] = [note_text(c, p, lang) for c, p in zip(out[NOTE], out[PARAMS])]
    return out.drop(columns=[PARAMS])


def groups_table(completeness: Completeness, lang: str = "en") -> pd.DataFrame:
    """:attr:`Completeness.groups` with the fields of each group by their names in ``lang``."""
    out = completeness.groups.copy()
    out[FIELD] = [", ".join(field_label(f, lang) for f in str(v).split(", ")) for v in out[FIELD]]
    return out


def action_text(action: str, survivor: Any, lang: str = "en") -> str:
    """ "keep" / "merge into C002" ("оставить" / "объединить с C002")."""
    if action == KEEP:
        return _say("action.keep", lang)
    return _say("action.merge", lang, survivor=survivor)


def duplicates_list(duplicates: Duplicates, lang: str = "en") -> pd.DataFrame:
    """The duplicates action list as a manager reads it: the action and the evidence worded
    (the survivor named in the action)."""
    check_lang(lang)
    out = duplicates.action_list()
    out[ACTION] = [action_text(a, s, lang) for a, s in zip(out[ACTION], out[SURVIVOR])]
    out[EVIDENCE] = [evidence_text(e, lang) for e in out[EVIDENCE]]
    return out.drop(columns=[SURVIVOR])


def groups_view(groups: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows of :attr:`Duplicates.clients` with their evidence worded."""
    out = groups.copy()
    out[EVIDENCE] = [evidence_text(e, lang) for e in out[EVIDENCE]]
    return out


def invalid_tax_ids(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:attr:`Duplicates.invalid_tax_ids` with the problem worded."""
    out = frame.copy()
    out[PROBLEM] = [_say(f"problem.{p}", lang) for p in out[PROBLEM]]
    return out


__all__ = [
    "LABELS",
    "action_text",
    "duplicates_list",
    "evidence_text",
    "field_label",
    "fields_table",
    "groups_table",
    "groups_view",
    "invalid_tax_ids",
    "item_text",
    "items_table",
    "note_text",
    "reason_text",
]
