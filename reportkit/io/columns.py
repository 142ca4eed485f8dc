"""Header aliases: how columns of real CRM and accounting exports map to canonical names.

Headers are compared after :func:`normalize_header` (lower case, ё→е, punctuation and spaces
removed), so "Дата документа", "дата_документа" and "ДАТА ДОКУМЕНТА" are the same header.
Within a column's alias list, earlier aliases win when a file has several matching headers
(an id column beats a name column for ``client_id``).
"""

from __future__ import annotations

import difflib
import re

from .schema import (
    ACTIVITIES,
    AMOUNT,
    CATEGORY,
    CHANNEL,
    CLIENT_ID,
    CLIENTS,
    CONTACT_PERSON,
    CREATED,
    DATE,
    DECISION_MAKER,
    DONE,
    DUE,
    EMAIL,
    INDUSTRY,
    KEY_ACCOUNT,
    MANAGER,
    MARGIN,
    NAME,
    ORDER_ID,
    PHONE,
    POTENTIAL,
    PRICE,
    PRODUCT,
    QUANTITY,
    REFUSED,
    REGION,
    SCORE,
    SIZE,
    STATUS,
    SURVEYS,
    TAX_ID,
    TRANSACTIONS,
    TYPE,
    VIP,
)


def normalize_header(text: object) -> str:
    """Canonical form of a header for matching.

    >>> normalize_header("  Дата Документа ")
    'датадокумента'
    >>> normalize_header("Customer_ID")
    'customerid'
    """
    s = str(text).strip().lower().replace("ё", "е")
    return re.sub(r"[\W_]+", "", s)


_CLIENT_IDS = [
    "client_id",
    "clientid",
    "client id",
    "customer id",
    "customerid",
    "customer_id",
    "client code",
    "customer code",
    "account id",
    "код клиента",
    "код контрагента",
    "код покупателя",
    "ид клиента",
    "id клиента",
    "клиент id",
    "client",
    "customer",
    "клиент",
    "контрагент",
    "покупатель",
    "заказчик",
    "account",
    "client name",
    "customer name",
]
_CLIENT_NAMES = [
    "name",
    "client name",
    "customer name",
    "company",
    "company name",
    "account name",
    "наименование",
    "название",
    "наименование клиента",
    "наименование контрагента",
    "полное наименование",
    "клиент",
    "контрагент",
    "организация",
    "компания",
]

ALIASES: dict[str, dict[str, list[str]]] = {
    TRANSACTIONS: {
        CLIENT_ID: _CLIENT_IDS,
        DATE: [
            "date",
            "invoicedate",
            "invoice date",
            "order date",
            "orderdate",
            "transaction date",
            "sale date",
            "document date",
            "posting date",
            "created",
            "дата",
            "дата документа",
            "дата заказа",
            "дата продажи",
            "дата реализации",
            "дата отгрузки",
            "дата счета",
            "период",
            "дата операции",
        ],
        AMOUNT: [
            "amount",
            "sum",
            "total",
            "revenue",
            "sales",
            "net amount",
            "line total",
            "amount total",
            "value",
            "turnover",
            "сумма",
            "сумма документа",
            "сумма продажи",
            "выручка",
            "сумма с ндс",
            "сумма без ндс",
            "стоимость",
            "итого",
            "оборот",
            "сумма заказа",
            "сумма реализации",
            "продажи",
        ],
        ORDER_ID: [
            "order_id",
            "order id",
            "orderid",
            "invoiceno",
            "invoice no",
            "invoice",
            "invoice number",
            "order number",
            "order",
            "document",
            "document number",
            "номер документа",
            "номер заказа",
            "номер",
            "документ",
            "заказ",
            "номер счета",
            "счет",
            "накладная",
            "номер накладной",
        ],
        QUANTITY: ["quantity", "qty", "units", "количество", "кол-во", "кол во", "колво"],
        PRICE: ["price", "unit price", "unitprice", "цена", "цена за единицу", "цена продажи"],
        PRODUCT: [
            "product",
            "item",
            "sku",
            "description",
            "stockcode",
            "product name",
            "номенклатура",
            "товар",
            "продукт",
            "артикул",
            "наименование товара",
            "услуга",
        ],
        CATEGORY: [
            "category",
            "product category",
            "group",
            "product group",
            "категория",
            "группа",
            "группа товаров",
            "товарная группа",
            "категория товара",
        ],
        MARGIN: [
            "margin",
            "gross margin",
            "gross profit",
            "profit",
            "маржа",
            "валовая прибыль",
            "прибыль",
            "наценка",
            "маржинальность",
        ],
        MANAGER: [
            "manager",
            "sales manager",
            "salesperson",
            "sales rep",
            "owner",
            "responsible",
            "менеджер",
            "ответственный",
            "продавец",
            "торговый представитель",
        ],
        CHANNEL: ["channel", "sales channel", "source", "канал", "канал продаж", "источник"],
    },
    CLIENTS: {
        CLIENT_ID: [
            "client_id",
            "clientid",
            "client id",
            "customer id",
            "customerid",
            "client code",
            "customer code",
            "account id",
            "id",
            "code",
            "код клиента",
            "код контрагента",
            "код",
            "ид",
            "id клиента",
            "идентификатор",
            "client",
            "customer",
            "клиент",
            "контрагент",
        ],
        NAME: _CLIENT_NAMES,
        PHONE: [
            "phone",
            "telephone",
            "phone number",
            "mobile",
            "tel",
            "телефон",
            "тел",
            "мобильный",
            "телефоны",
            "контактный телефон",
            "номер телефона",
        ],
        EMAIL: [
            "email",
            "e-mail",
            "mail",
            "email address",
            "электронная почта",
            "почта",
            "эл почта",
            "емейл",
            "e-mail адрес",
        ],
        TAX_ID: [
            "tax_id",
            "tax id",
            "taxid",
            "inn",
            "vat",
            "vat number",
            "tin",
            "инн",
            "инн клиента",
            "инн контрагента",
        ],
        REGION: ["region", "city", "area", "territory", "регион", "город", "область", "территория"],
        INDUSTRY: [
            "industry",
            "sector",
            "segment",
            "отрасль",
            "сфера деятельности",
            "сфера",
            "вид деятельности",
        ],
        SIZE: [
            "size",
            "company size",
            "employees",
            "размер",
            "размер компании",
            "численность",
            "сотрудников",
        ],
        CONTACT_PERSON: [
            "contact_person",
            "contact person",
            "contact",
            "контактное лицо",
            "контакт",
            "фио",
            "контактное лицо фио",
        ],
        DECISION_MAKER: ["decision_maker", "decision maker", "лпр", "лицо принимающее решение"],
        CREATED: [
            "created",
            "created at",
            "created date",
            "creation date",
            "date created",
            "registration date",
            "дата создания",
            "дата регистрации",
            "создан",
            "дата добавления",
        ],
        MANAGER: [
            "manager",
            "account manager",
            "owner",
            "responsible",
            "менеджер",
            "ответственный",
            "ответственный менеджер",
        ],
        STATUS: ["status", "stage", "state", "статус", "стадия", "состояние", "этап"],
        VIP: ["vip", "is vip", "vip client", "вип", "vip клиент"],
        KEY_ACCOUNT: [
            "key_account",
            "key account",
            "keyaccount",
            "key client",
            "strategic",
            "ключевой клиент",
            "ключевой",
            "стратегический",
        ],
        REFUSED: ["refused", "refusal", "отказ", "отказался"],
        POTENTIAL: [
            "potential",
            "potential revenue",
            "wallet",
            "budget",
            "потенциал",
            "потенциал клиента",
            "бюджет",
        ],
    },
    ACTIVITIES: {
        CLIENT_ID: _CLIENT_IDS,
        CREATED: [
            "created",
            "date",
            "created at",
            "activity date",
            "дата создания",
            "дата",
            "создано",
            "дата активности",
            "дата события",
        ],
        MANAGER: [
            "manager",
            "owner",
            "responsible",
            "assignee",
            "менеджер",
            "ответственный",
            "исполнитель",
        ],
        TYPE: ["type", "activity type", "kind", "тип", "вид", "тип активности", "тип задачи"],
        DUE: [
            "due",
            "due date",
            "deadline",
            "срок",
            "крайний срок",
            "срок исполнения",
            "дедлайн",
            "дата исполнения",
        ],
        DONE: [
            "done",
            "completed",
            "closed",
            "is done",
            "выполнено",
            "выполнена",
            "завершено",
            "закрыто",
            "статус выполнения",
        ],
    },
    SURVEYS: {
        CLIENT_ID: _CLIENT_IDS,
        DATE: [
            "date",
            "survey date",
            "response date",
            "answered",
            "дата",
            "дата опроса",
            "дата ответа",
        ],
        SCORE: ["score", "nps", "nps score", "rating", "оценка", "балл", "nps оценка"],
    },
}

#: file-name keywords that tell which table a file in a folder holds
FILE_KEYWORDS: dict[str, list[str]] = {
    TRANSACTIONS: [
        "transaction",
        "sales",
        "sale",
        "orders",
        "order",
        "invoice",
        "deals",
        "продаж",
        "реализац",
        "заказ",
        "отгрузк",
        "сделк",
        "транзакц",
        "выручк",
    ],
    CLIENTS: [
        "client",
        "customer",
        "account",
        "contact",
        "клиент",
        "контрагент",
        "покупател",
        "заказчик",
    ],
    ACTIVITIES: [
        "activit",
        "task",
        "event",
        "call",
        "задач",
        "активност",
        "событ",
        "звонк",
        "дела",
        "действ",
    ],
    SURVEYS: ["survey", "nps", "feedback", "опрос", "анкет", "оценк", "отзыв"],
}


def match_columns(
    headers: list[str], table: str, explicit: dict[str, str] | None = None
) -> dict[str, str]:
    """Map canonical column names to headers of a file.

    Explicit mappings (from the config) win; then aliases in order of preference. A header is
    used for one canonical column only.

    >>> match_columns(["Дата", "Клиент", "Сумма"], "transactions")
    {'client_id': 'Клиент', 'date': 'Дата', 'amount': 'Сумма'}
    """
    explicit = explicit or {}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalize_header(h), h)
    for canon, header in explicit.items():
        mapping[canon] = header
        used.add(header)
    aliases = ALIASES[table]
    # first pass: exact canonical names; then aliases by preference
    for canon in aliases:
        if canon in mapping:
            continue
        for alias in [canon, *aliases[canon]]:
            found = by_norm.get(normalize_header(alias))
            if found is not None and found not in used:
                mapping[canon] = found
                used.add(found)
                break
    return mapping


def closest_headers(canon: str, table: str, headers: list[str], n: int = 3) -> list[str]:
    """Headers of a file that look most like a canonical column (for error messages)."""
    norm = {normalize_header(h): h for h in headers}
    scores: dict[str, float] = {}
    for alias in [canon, *ALIASES[table].get(canon, [])]:
        a = normalize_header(alias)
        for nh, h in norm.items():
            if not nh:
                continue
            score = difflib.SequenceMatcher(None, a, nh).ratio()
            if min(len(a), len(nh)) >= 3 and (a in nh or nh in a):
                score = max(score, 0.8)
            scores[h] = max(scores.get(h, 0.0), score)
    ranked = sorted((s, h) for h, s in scores.items() if s >= 0.5)
    return [h for s, h in sorted(ranked, key=lambda x: (-x[0], x[1]))][:n]


def table_of_file(stem: str) -> str | None:
    """Which table a file holds, judged from its name (None when unknown).

    >>> table_of_file("Продажи_2024")
    'transactions'
    >>> table_of_file("customers")
    'clients'
    """
    s = stem.lower().replace("ё", "е")
    hits = [t for t, words in FILE_KEYWORDS.items() if any(w in s for w in words)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:  # e.g. "client_orders": the more specific (earlier keyword position) wins
        pos = {t: min(s.find(w) for w in FILE_KEYWORDS[t] if w in s) for t in hits}
        # a file named after transactions of clients is transactions
        if TRANSACTIONS in hits:
            return TRANSACTIONS
        return min(hits, key=lambda t: pos[t])
    return None
