"""Synthetic client bases with planted truth, and the committed sample under ``data/sample``.

:func:`make_base` generates the client base of a B2B distributor of building and industrial
supplies: sales lines, client cards, a manager activity log and NPS answers, as canonical
frames (column names from :mod:`reportkit.io.schema`), together with the *truth* that was planted
in them (who churned and when, which records are duplicates, which cards are leads, …), so that
the analyses can be measured against known answers.

:func:`write_base` writes a base as files in the style of a real CRM / accounting export
(Russian: cp1251, ``;``, decimal commas, ``dd.mm.yyyy``; English: UTF-8, ``,``, ISO dates) plus a
``truth/`` folder, so that :func:`reportkit.io.load` is exercised on the way back.

:func:`regenerate_sample` rewrites the committed sample ``data/sample`` (:data:`SAMPLE_ARGS`).

How the base is made (the numbers are the defaults of the generator, not parameters):

* **Clients.** ``n_clients`` distinct companies: 10 % *leads* that never order, the rest buyers
  with a purchase rhythm: ``monthly`` (25 %), ``quarterly`` (25 %), ``irregular`` (30 %) or
  ``one_off`` (20 %, a single order). About 35 % of the buyers already bought before the
  period, the others join at dates spread over the period. Order values are heavy-tailed
  (lognormal per client, a Pareto-boosted few large clients make most of the revenue); 20 % of
  the repeat buyers grow, 20 % decline.
* **Orders.** Order dates follow each client's rhythm (gamma-distributed intervals), fall on
  weekdays, and are seasonal (weak January and August, strong March, October, December: the
  order value for every client, the order frequency for irregular buyers); 1–4 lines per order,
  distinct products per order; prices rise ~7 % a year. About 2 % of the lines are *returns*:
  a later line of the same order and product with a negative quantity.
* **Churn.** About 25 % of ``n_clients`` (repeat buyers only) stop buying at a planted
  ``churn_date`` (their orders thin out and shrink over the 180 days before it); a quarter of
  them come back at a planted ``reactivation_date``.
* **Cards.** One card per client, except ~2 % of the buyers that have no card at all; ~3 % extra
  *duplicate* cards of existing buyers (same phone written differently, same e-mail in another
  case or with a space, same tax id, or a near-identical name); some of the original's later
  orders are booked on the duplicate's id. Cards are incomplete in realistic shares (15 % no
  phone, 30 % no e-mail, 20 % no tax id, 50 % no industry, 40 % no potential, …).
* **Flags.** ~2 % key accounts (the largest steady, non-churned clients), ~1.5 % VIPs (mostly
  large clients), including exactly one VIP that does not pay back (a handful of tiny orders).
* **Activities.** Calls, meetings, e-mails and tasks by 6 managers (one of them leaves more tasks
  undone), with overdue tasks and *forgotten* clients: good clients with no activity for
  200–400 days before the end.
* **Surveys.** NPS answers (0–10) in two waves a year; clients that churn within a year after
  answering are detractors far more often.

Names, phones, e-mails and tax ids are unique per distinct client, so only the planted duplicate
cards share a key; a few different sole proprietors have near-identical names (namesakes), as in
real bases. Bases beyond ~10,000 clients reuse company names with a number (``Вектор-2``).
Generation is vectorised: 2,000 clients × 3 years take well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import check_param
from .resources import data_path
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

#: the arguments that made the committed sample ``data/sample`` (see :func:`regenerate_sample`)
SAMPLE_ARGS: dict[str, object] = {
    "n_clients": 2000,
    "years": 3,
    "end": "2025-12-31",
    "random_state": 42,
    "lang": "ru",
}

# --- column names of the truth tables ---------------------------------------------------------
CHURN_DATE = "churn_date"
REACTIVATION_DATE = "reactivation_date"
CLIENT_ID_A = "client_id_a"
CLIENT_ID_B = "client_id_b"
KIND = "kind"
RHYTHM = "rhythm"
TREND_KIND = "trend"
HAS_CARD = "has_card"
LAST_ACTIVITY = "last_activity"

TRUTH_TABLES = (
    "churn",
    "duplicates",
    "leads",
    "vip_no_payback",
    "key_accounts",
    "profiles",
    "forgotten",
)
DUPLICATE_KINDS = ("phone", "email", "tax_id", "name")
RHYTHMS = ("lead", "monthly", "quarterly", "irregular", "one_off")

TRANSACTION_COLUMNS = (
    CLIENT_ID,
    DATE,
    ORDER_ID,
    PRODUCT,
    CATEGORY,
    QUANTITY,
    PRICE,
    AMOUNT,
    MARGIN,
    MANAGER,
    CHANNEL,
)
CLIENT_COLUMNS = (
    CLIENT_ID,
    NAME,
    PHONE,
    EMAIL,
    TAX_ID,
    REGION,
    INDUSTRY,
    SIZE,
    CONTACT_PERSON,
    CREATED,
    MANAGER,
    STATUS,
    VIP,
    KEY_ACCOUNT,
    POTENTIAL,
)
ACTIVITY_COLUMNS = (CLIENT_ID, CREATED, MANAGER, TYPE, DUE, DONE)
SURVEY_COLUMNS = (CLIENT_ID, DATE, SCORE)

# --- the generator's shares (documented in the module docstring) -------------------------------
_LEAD_SHARE = 0.10
_RHYTHM_P = {"monthly": 0.25, "quarterly": 0.25, "irregular": 0.30, "one_off": 0.20}
_EXISTING_SHARE = 0.35
_CHURN_SHARE = 0.25  # of n_clients
_REACTIVATED_SHARE = 0.25  # of the churners
_NO_CARD_SHARE = 0.02  # of n_clients
_DUPLICATE_SHARE = 0.03  # of n_clients
_RETURN_SHARE = 0.02  # of the lines
_KEY_SHARE = 0.02
_VIP_SHARE = 0.015
_FORGOTTEN_SHARE = 0.15  # of the good clients
_BLANKS = {
    PHONE: 0.15,
    EMAIL: 0.30,
    TAX_ID: 0.20,
    REGION: 0.10,
    INDUSTRY: 0.50,
    SIZE: 0.40,
    CONTACT_PERSON: 0.25,
    MANAGER: 0.05,
    STATUS: 0.05,
    POTENTIAL: 0.40,
}
_INVALID_TAX_SHARE = 0.02
#: relative order volume by calendar month (January … December)
_SEASON = np.array([0.65, 0.90, 1.20, 1.05, 0.95, 0.95, 0.90, 0.70, 1.05, 1.20, 1.10, 1.25])

# --- vocabulary --------------------------------------------------------------------------------
# Parallel lists: index i means the same thing in both languages, so that a seed gives the same
# base in English and in Russian (only the words differ).

_CATEGORIES = [  # (ru, en, margin rate, [(ru, en, base price)])
    (
        "Кабель",
        "Cable",
        0.18,
        [
            ("ВВГнг 3х1,5", "VVG cable 3x1.5", 5200),
            ("ВВГнг 3х2,5", "VVG cable 3x2.5", 8300),
            ("NYM 3х1,5", "NYM cable 3x1.5", 6100),
            ("ПВС 2х0,75", "PVS wire 2x0.75", 2400),
            ("ПуГВ 1х4", "PuGV wire 1x4", 3900),
            ("UTP 5e", "UTP cable cat 5e", 2900),
            ("КГ 4х6", "KG cable 4x6", 16500),
            ("Гофротруба 20 мм", "Conduit 20 mm", 900),
        ],
    ),
    (
        "Крепёж",
        "Fasteners",
        0.35,
        [
            ("Саморез 4,2х75", "Screw 4.2x75", 650),
            ("Дюбель 6х40", "Wall plug 6x40", 320),
            ("Анкер 10х100", "Anchor 10x100", 1400),
            ("Болт М10х50", "Bolt M10x50", 900),
            ("Гайка М10", "Nut M10", 280),
            ("Шайба 10", "Washer 10", 150),
            ("Хомут 100 мм", "Clamp 100 mm", 540),
            ("Шуруп 5х60", "Wood screw 5x60", 700),
        ],
    ),
    (
        "Инструмент",
        "Tools",
        0.28,
        [
            ("Дрель ударная", "Impact drill", 4800),
            ("Шуруповёрт 18В", "Cordless driver 18V", 7900),
            ("Перфоратор", "Rotary hammer SDS+", 9500),
            ("Болгарка 125 мм", "Angle grinder 125", 5200),
            ("Набор бит 32 шт", "Bit set 32 pcs", 850),
            ("Уровень 600 мм", "Spirit level 600", 1200),
            ("Рулетка 5 м", "Tape measure 5 m", 450),
            ("Ножовка", "Hacksaw", 600),
        ],
    ),
    (
        "Электрика",
        "Electrical",
        0.30,
        [
            ("Автомат 16А", "Breaker 16A", 320),
            ("Автомат 25А", "Breaker 25A", 340),
            ("УЗО 40А", "RCD 40A", 1900),
            ("Розетка двойная", "Double socket", 260),
            ("Выключатель", "Switch 1-gang", 180),
            ("Щиток 12 мод", "Panel 12 mod", 1100),
            ("Лампа LED 10Вт", "LED bulb 10W", 95),
            ("Светильник LED", "LED panel 36W", 1450),
        ],
    ),
    (
        "Сантехника",
        "Plumbing",
        0.26,
        [
            ("Труба ПП 20 мм", "PP pipe 20 mm", 110),
            ("Фитинг ПП 20 мм", "PP fitting 20 mm", 45),
            ("Кран шаровой 1/2", "Ball valve 1/2", 480),
            ("Смеситель", "Kitchen mixer", 3900),
            ("Унитаз-компакт", "Toilet", 8900),
            ("Радиатор 10 с.", "Radiator 10 sect", 7600),
            ("Подводка 60 см", "Flex hose 60 cm", 230),
            ("Сифон", "Sink trap", 350),
        ],
    ),
    (
        "Лакокраска",
        "Paints",
        0.32,
        [
            ("Краска ВД 10 л", "White paint 10 l", 2100),
            ("Эмаль ПФ-115", "Enamel 2.7 kg", 780),
            ("Грунтовка 10 л", "Primer 10 l", 950),
            ("Лак 2,5 л", "Floor varnish 2.5 l", 1600),
            ("Шпатлёвка 20 кг", "Filler 20 kg", 890),
            ("Валик 250 мм", "Roller 250 mm", 310),
            ("Кисть 50 мм", "Brush 50 mm", 90),
            ("Растворитель", "Thinner 1 l", 160),
        ],
    ),
    (
        "Спецодежда",
        "Workwear",
        0.40,
        [
            ("Перчатки х/б", "Cotton gloves", 25),
            ("Костюм рабочий", "Work suit", 2400),
            ("Ботинки рабочие", "Work boots", 3200),
            ("Каска защитная", "Hard hat", 420),
            ("Очки защитные", "Safety glasses", 180),
            ("Жилет сигнальный", "Hi-vis vest", 240),
            ("Респиратор", "Respirator", 90),
            ("Куртка зимняя", "Winter jacket", 4500),
        ],
    ),
    (
        "Хозтовары",
        "Household",
        0.33,
        [
            ("Мешки 120 л", "Bin bags 120 l", 180),
            ("Перчатки нитрил", "Nitrile gloves", 650),
            ("Моющее 5 л", "Detergent 5 l", 540),
            ("Туалетная бумага", "Toilet paper x12", 320),
            ("Полотенца", "Paper towels", 210),
            ("Ведро 12 л", "Bucket 12 l", 150),
            ("Швабра", "Mop", 380),
            ("Скотч", "Packing tape", 85),
        ],
    ),
]

_REGIONS = [  # (tax-office code, ru, en, share, landline code)
    ("77", "Москва", "Moscow", 0.26, "495"),
    ("78", "Санкт-Петербург", "Saint Petersburg", 0.14, "812"),
    ("50", "Московская область", "Moscow Oblast", 0.10, "498"),
    ("66", "Екатеринбург", "Yekaterinburg", 0.08, "343"),
    ("54", "Новосибирск", "Novosibirsk", 0.07, "383"),
    ("16", "Казань", "Kazan", 0.07, "843"),
    ("52", "Нижний Новгород", "Nizhny Novgorod", 0.06, "831"),
    ("23", "Краснодар", "Krasnodar", 0.06, "861"),
    ("02", "Уфа", "Ufa", 0.06, "347"),
    ("63", "Самара", "Samara", 0.05, "846"),
    ("61", "Ростов-на-Дону", "Rostov-on-Don", 0.05, "863"),
]

_WORDS = {
    "industry": (
        [
            "Строительство",
            "Розничная торговля",
            "Производство",
            "ЖКХ",
            "HoReCa",
            "Транспорт",
            "Госсектор",
            "Сельское хозяйство",
            "Медицина",
            "Образование",
        ],
        [
            "Construction",
            "Retail",
            "Manufacturing",
            "Utilities",
            "HoReCa",
            "Transport",
            "Public sector",
            "Agriculture",
            "Healthcare",
            "Education",
        ],
    ),
    "size": (["малый", "средний", "крупный"], ["small", "medium", "large"]),
    "status": (
        ["Потенциальный", "Активный", "Работаем", "Отказ"],
        ["lead", "active", "working", "refused"],
    ),
    "type": (["Звонок", "Встреча", "Письмо", "Задача"], ["call", "meeting", "email", "task"]),
    "channel": (
        ["Офис", "Сайт", "Выезд", "Маркетплейс"],
        ["office", "website", "field", "marketplace"],
    ),
    "manager": (
        ["Иванова М.", "Петров А.", "Смирнова О.", "Кузнецов Д.", "Соколова Е.", "Волков А."],
        ["M. Ivanova", "A. Petrov", "O. Smirnova", "D. Kuznetsov", "E. Sokolova", "A. Volkov"],
    ),
}
_ST_LEAD, _ST_ACTIVE, _ST_WORKING, _ST_REFUSED = range(4)
_MANAGER_P = np.array([0.20, 0.20, 0.18, 0.16, 0.14, 0.12])
_LAZY_MANAGER = 5
_CHANNEL_P = np.array([0.45, 0.30, 0.15, 0.10])
_TYPE_P = np.array([0.45, 0.15, 0.25, 0.15])

_RU_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
]
_RU_MALE = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Евгений",
    "Иван",
    "Михаил",
    "Николай",
    "Владимир",
    "Олег",
    "Игорь",
    "Павел",
    "Артём",
    "Роман",
]
_RU_FEMALE = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Екатерина",
    "Юлия",
    "Анастасия",
]
_RU_PATRONYMIC = [
    "Александрович",
    "Сергеевич",
    "Дмитриевич",
    "Андреевич",
    "Алексеевич",
    "Викторович",
    "Иванович",
    "Михайлович",
    "Николаевич",
    "Владимирович",
    "Петрович",
    "Юрьевич",
]
_EN_FIRST = [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Steven",
    "Paul",
    "Andrew",
    "Kevin",
    "Brian",
    "George",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Nancy",
    "Lisa",
    "Betty",
    "Sandra",
    "Ashley",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
]
_EN_LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Baker",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "Reed",
    "Bailey",
    "Bell",
    "Howard",
    "Ward",
    "Cox",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "Hughes",
]

_RU_WORDS = [
    "Ромашка",
    "Вектор",
    "Альфа",
    "Гранит",
    "Меридиан",
    "Орион",
    "Атлант",
    "Восход",
    "Заря",
    "Берёзка",
    "Ёлочка",
    "Звёздочка",
    "Клён",
    "Полёт",
    "Рассвет",
    "Радуга",
    "Сокол",
    "Северянка",
    "Магистраль",
    "Квадрат",
    "Эталон",
    "Фаворит",
    "Континент",
    "Сатурн",
    "Пилот",
    "Импульс",
    "Спектр",
    "Аврора",
    "Гарант",
    "Партнёр",
    "Лидер",
    "Успех",
    "Прогресс",
    "Монолит",
    "Кристалл",
    "Бриз",
    "Азимут",
    "Горизонт",
    "Оптима",
    "Сфера",
]
_RU_PREFIXES = [
    "Строй",
    "Техно",
    "Агро",
    "Энерго",
    "Пром",
    "Торг",
    "Мед",
    "Авто",
    "Электро",
    "Хим",
    "Лес",
    "Метал",
    "Сиб",
    "Урал",
    "Волга",
    "Нева",
    "Евро",
    "Гранд",
    "Мега",
    "Спец",
    "Инж",
    "Капитал",
    "Нефте",
    "Газ",
    "Транс",
    "Гидро",
    "Термо",
    "Эко",
    "Байкал",
    "Север",
]
_RU_SUFFIXES = [
    "ресурс",
    "снаб",
    "сервис",
    "торг",
    "комплект",
    "маш",
    "пром",
    "трейд",
    "строй",
    "монтаж",
    "альянс",
    "маркет",
    "проект",
    "систем",
    "инвест",
    "лайн",
    "групп",
    "опт",
    "логистик",
    "техника",
]
_RU_FORMS = (["ООО", "АО", "ПАО", "ЗАО"], [0.78, 0.13, 0.03, 0.06])
_EN_WORDS = [
    "Acme",
    "Summit",
    "Pioneer",
    "Atlas",
    "Apex",
    "Beacon",
    "Cedar",
    "Crescent",
    "Delta",
    "Eagle",
    "Evergreen",
    "Frontier",
    "Granite",
    "Harbor",
    "Horizon",
    "Keystone",
    "Liberty",
    "Maple",
    "Meridian",
    "Nova",
    "Pacific",
    "Patriot",
    "Pinnacle",
    "Prairie",
    "Sequoia",
    "Sterling",
    "Titan",
    "Vertex",
    "Zenith",
]
_EN_HEADS = [
    "North",
    "West",
    "Blue",
    "Red",
    "Green",
    "Silver",
    "Gold",
    "Iron",
    "Stone",
    "Oak",
    "Pine",
    "Sun",
    "Star",
]
_EN_TAILS = [
    "wind",
    "stone",
    "gate",
    "line",
    "field",
    "wood",
    "brook",
    "ridge",
    "point",
    "view",
    "crest",
]
_EN_TRADES = [
    "Supplies",
    "Trading",
    "Industries",
    "Logistics",
    "Systems",
    "Components",
    "Distribution",
    "Building",
    "Electric",
    "Hardware",
    "Tools",
    "Materials",
    "Services",
    "Solutions",
    "Engineering",
]
_EN_FORMS = (["LLC", "Inc.", "Ltd", "Corp."], [0.60, 0.15, 0.15, 0.10])

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "sch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
    )
)


def _translit(text: str) -> str:
    """Latin slug of a name: ``"ПромСнаб"`` → ``"promsnab"``."""
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return "".join(ch for ch in out if ch.isascii() and ch.isalnum())


# --- tax ids ------------------------------------------------------------------------------------

_INN10_W = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_W = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_W = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digits(digits: str) -> str:
    """The check digit(s) of a Russian tax id (INN) from its leading digits.

    Nine leading digits give the one check digit of a legal entity's 10-digit INN; ten give the
    two check digits of a sole proprietor's 12-digit INN.

    Examples
    --------
    >>> inn_check_digits("770708389")      # Sberbank, INN 7707083893
    '3'
    >>> inn_check_digits("5001007322")     # a sole proprietor, INN 500100732259
    '59'
    """
    d = [int(c) for c in digits]
    if len(d) == 9:
        return str(sum(w * x for w, x in zip(_INN10_W, d)) % 11 % 10)
    if len(d) == 10:
        c1 = sum(w * x for w, x in zip(_INN11_W, d)) % 11 % 10
        c2 = sum(w * x for w, x in zip(_INN12_W, d + [c1])) % 11 % 10
        return f"{c1}{c2}"
    check_param(False, "digits", "9 or 10 digits", digits)
    return ""  # pragma: no cover


def _inns(rng: np.random.Generator, region_codes: np.ndarray, is_person: np.ndarray) -> list[str]:
    """Unique valid INNs: 12 digits for sole proprietors, 10 for legal entities."""
    seen: set[str] = set()
    out = []
    for code, person in zip(region_codes, is_person):
        while True:
            body = (
                code
                + f"{rng.integers(1, 51):02d}"
                + "".join(map(str, rng.integers(0, 10, 6 if person else 5)))
            )
            inn = body + inn_check_digits(body)
            if inn not in seen:
                break
        seen.add(inn)
        out.append(inn)
    return out


# --- phones -------------------------------------------------------------------------------------


def _phone_styles(lang: str):
    def ru(d: str, style: int) -> str:
        a, b, c, e = d[:3], d[3:6], d[6:8], d[8:]
        return [
            f"+7 ({a}) {b}-{c}-{e}",
            f"8 {a} {b} {c}{e}",
            f"8{d}",
            f"+7{d}",
            f"8 ({a}) {b}-{c}-{e}",
            f"+7 {a} {b}-{c}-{e}",
        ][style]

    def en(d: str, style: int) -> str:
        a, b, c = d[:3], d[3:6], d[6:]
        return [
            f"+7 ({a}) {b}-{c[:2]}-{c[2:]}",
            f"+7 {a} {b} {c}",
            f"7{d}",
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
        ][style]

    return ru if lang == "ru" else en


_PHONE_STYLE_P = np.array([0.35, 0.15, 0.15, 0.15, 0.10, 0.10])


def normalize_phone(phone: object) -> str:
    """The last ten digits of a phone number (how duplicates by phone are defined here).

    >>> normalize_phone("+7 (912) 345-67-89"), normalize_phone("8 912 345 6789")
    ('9123456789', '9123456789')
    """
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return digits[-10:]


def normalize_email(email: object) -> str:
    """An e-mail without spaces, in lower case.

    >>> normalize_email(" Info @Romashka.RU")
    'info@romashka.ru'
    """
    return "".join(str(email).split()).lower()


# --- names ---------------------------------------------------------------------------------------


@dataclass
class _Name:
    """A client name in parts, so that variants of it can be written."""

    form: str  # legal form ("ООО", "LLC", "ИП", "sole proprietor")
    core: str  # "Ромашка", "Acme Supplies", "Иванов Сергей Петрович"
    person: bool  # a sole proprietor
    quotes: int  # 0 «», 1 "", 2 none (Russian companies only)
    form_last: bool = False
    upper: bool = False

    def text(self, lang: str) -> str:
        if lang == "ru":
            core = (
                self.core if self.person else ("«{}»", '"{}"', "{}")[self.quotes].format(self.core)
            )
            s = f"{core} {self.form}" if self.form_last else f"{self.form} {core}"
        elif self.person:
            s = f"{self.form}: {self.core}" if self.form_last else f"{self.core} ({self.form})"
        else:
            s = f"{self.core}, {self.form}" if self.form_last else f"{self.core} {self.form}"
        return s.upper() if self.upper else s


def _company_cores(rng: np.random.Generator, n: int, lang: str) -> list[str]:
    """``n`` distinct company names without legal form."""
    if lang == "ru":
        words = list(_RU_WORDS)
        two = [p + s for p in _RU_PREFIXES for s in _RU_SUFFIXES if not s.startswith(p.lower()[:3])]
        three = [
            p + q + s.capitalize()
            for p in _RU_PREFIXES
            for q in _RU_PREFIXES
            if p != q
            for s in _RU_SUFFIXES[:10]
            if s not in (p.lower(), q.lower())
        ]
        shares = (0.10, 0.35)
    else:  # "Acme Supplies", "Northgate Trading": every name is two words
        words = [f"{a} {b}" for a in _EN_WORDS for b in _EN_TRADES]
        two = [
            f"{h}{t} {b}"
            for h in _EN_HEADS
            for t in _EN_TAILS
            if h.lower() != t
            for b in _EN_TRADES[:8]
        ]
        three = [
            f"{h}{t} {b}"
            for h in _EN_HEADS
            for t in _EN_TAILS
            if h.lower() != t
            for b in _EN_TRADES[8:]
        ]
        shares = (0.15, 0.45)
    pools = [words, two, three]
    kind = rng.choice(3, size=n, p=[shares[0], shares[1], 1 - sum(shares)])
    out: list[str | None] = [None] * n
    overflow: list[int] = []
    for k, pool in enumerate(pools):
        idx = np.flatnonzero(kind == k)
        if k < 2 and len(idx) > len(pool):
            overflow.extend(idx[len(pool) :].tolist())
            idx = idx[: len(pool)]
        if k == 2:
            idx = np.concatenate([idx, np.asarray(overflow, dtype=int)])
        take = rng.permutation(len(pool))[: len(idx)]
        for i, j in zip(idx, take):
            out[i] = pool[j]
        if k == 2 and len(idx) > len(pool):  # very large bases: number the rest
            for t, i in enumerate(idx[len(pool) :]):
                out[i] = f"{pool[t % len(pool)]}-{t // len(pool) + 2}"
    return [str(x) for x in out]


def _person_names(
    rng: np.random.Generator, n: int, lang: str, *, unique: bool, short: bool = False
) -> list[str]:
    """Person names: "Иванов Сергей Петрович" (ru) or "John Smith" (en); short: "Иванов С."."""
    out: list[str] = []
    seen: set[str] = set()
    rounds = 0
    while len(out) < n:
        rounds += 1
        k = n - len(out) + (16 if unique else 0)
        female = rng.random(k) < 0.4
        u1, u2, u3 = rng.random(k), rng.random(k), rng.random(k)
        batch = []
        for f, a, b, c in zip(female, u1, u2, u3):
            if lang == "ru":
                sur = _RU_SURNAMES[int(a * len(_RU_SURNAMES))] + ("а" if f else "")
                firsts = _RU_FEMALE if f else _RU_MALE
                first = firsts[int(b * len(firsts))]
                pat = _RU_PATRONYMIC[int(c * len(_RU_PATRONYMIC))]
                pat = pat[:-2] + "на" if f else pat
                batch.append(f"{sur} {first[0]}." if short else f"{sur} {first} {pat}")
            else:
                first = _EN_FIRST[int(b * len(_EN_FIRST))]
                last = _EN_LAST[int(a * len(_EN_LAST))]
                batch.append(f"{first[0]}. {last}" if short else f"{first} {last}")
        for name in batch:
            if len(out) == n:
                break
            if unique and name in seen:
                if rounds < 50:
                    continue
                name = f"{name} {len(out) + 2}"  # very large bases: the name pool is used up
            seen.add(name)
            out.append(name)
    return out


def _typo(rng: np.random.Generator, word: str) -> str:
    """One typing error inside a word: two letters swapped, one dropped or one doubled."""
    letters = [
        i
        for i in range(1, len(word) - 1)
        if word[i].isalpha() and word[i + 1].isalpha() and word[i] != word[i + 1]
    ]
    if not letters:
        return word + word[-1]
    i = letters[rng.integers(len(letters))]
    how = rng.integers(3)
    if how == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _name_variant(rng: np.random.Generator, name: _Name, lang: str) -> _Name:
    """A near-identical way of writing the same name (quotes, word order, ё/е, case, a typo)."""
    base = name.text(lang)
    for _ in range(20):
        v = _Name(name.form, name.core, name.person, name.quotes, name.form_last, name.upper)
        ops = ["order", "case", "typo"]
        if lang == "ru" and not name.person:
            ops.append("quotes")
        if "ё" in name.core.lower():
            ops += ["yo", "yo"]
        for op in rng.choice(ops, size=rng.integers(1, 3), replace=False):
            if op == "quotes":
                v.quotes = int(rng.choice([q for q in range(3) if q != v.quotes]))
            elif op == "order":
                v.form_last = not v.form_last
            elif op == "case":
                v.upper = not v.upper
            elif op == "yo":
                v.core = v.core.replace("ё", "е").replace("Ё", "Е")
            elif op == "typo" and len(v.core) >= 6:
                words = v.core.split(" ")
                j = int(np.argmax([len(w) for w in words]))
                words[j] = _typo(rng, words[j])
                v.core = " ".join(words)
        if v.text(lang) != base:
            return v
    v = _Name(name.form, name.core, name.person, name.quotes, not name.form_last, name.upper)
    return v


# --- the base ------------------------------------------------------------------------------------


@dataclass
class SampleBase:
    """A synthetic client base and the truth planted in it (made by :func:`make_base`).

    Attributes
    ----------
    transactions : DataFrame
        One row per sales line, sorted by ``date`` then ``order_id``: ``client_id`` (str),
        ``date`` (datetime64[ns]), ``order_id`` (str), ``product``, ``category`` (str),
        ``quantity`` (float64, negative for returns), ``price`` (float64), ``amount`` (float64,
        ``quantity × price`` rounded to kopecks), ``margin`` (float64), ``manager``, ``channel``
        (str).
    clients : DataFrame
        One row per client card (duplicates included, clients without a card missing), sorted
        by ``client_id``: ``client_id``, ``name``, ``phone``, ``email``, ``tax_id``, ``region``,
        ``industry``, ``size``, ``contact_person`` (str, NaN when blank), ``created``
        (datetime64[ns]), ``manager``, ``status`` (str), ``vip``, ``key_account`` (bool),
        ``potential`` (float64, yearly revenue the client could bring; NaN when unknown).
    activities : DataFrame
        The managers' log: ``client_id``, ``created`` (datetime64[ns], with time), ``manager``,
        ``type`` (call / meeting / email / task, in the language), ``due`` (datetime64[ns]),
        ``done`` (bool).
    surveys : DataFrame
        NPS answers: ``client_id``, ``date`` (datetime64[ns]), ``score`` (float64, 0–10).
    truth : dict of str to DataFrame
        What was planted (client ids are those of the original cards):

        ``churn``
            ``client_id``, ``churn_date``, ``reactivation_date`` (NaT when the client did not
            come back). The client's last order before the gap is before ``churn_date``; it has
            no order on or after ``churn_date`` and before ``reactivation_date``, and orders on
            ``reactivation_date``. Only repeat buyers churn here (``one_off`` clients, which
            order once, are not listed).
        ``duplicates``
            ``client_id_a`` (the original card), ``client_id_b`` (the duplicate card),
            ``kind`` — the key they share: ``"phone"`` (same last ten digits), ``"email"``
            (same after removing spaces and lower-casing), ``"tax_id"`` (same digits) or
            ``"name"`` (the same name written differently: quotes, word order, ё/е, case, a
            typo). A duplicate's name may also resemble the original's whatever its kind.
        ``leads``
            ``client_id`` of the cards that never ordered (duplicate cards without bookings,
            which also have no orders, are not leads).
        ``vip_no_payback``
            ``client_id`` of the one VIP with tiny revenue.
        ``key_accounts``
            ``client_id`` of the cards flagged ``key_account``.
        ``profiles``
            One row per distinct client: ``client_id``, ``rhythm`` (lead / monthly /
            quarterly / irregular / one_off), ``trend`` (growth / decline / flat),
            ``has_card`` (bool).
        ``forgotten``
            ``client_id``, ``last_activity`` (datetime64[ns], NaT when never): good clients
            (top 20 % by revenue, buying in the last 90 days) left without any activity for
            200–400 days before the end.
    start, end : Timestamp
        First and last day of the period.
    lang : {"en", "ru"}
    random_state : int or None
    """

    transactions: pd.DataFrame
    clients: pd.DataFrame
    activities: pd.DataFrame
    surveys: pd.DataFrame
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    lang: str = "en"
    random_state: int | None = None

    def __repr__(self) -> str:
        period = f"{self.start:%Y-%m-%d}…{self.end:%Y-%m-%d}" if self.start is not None else "?"
        return (
            f"SampleBase(transactions={len(self.transactions):,} rows, "
            f"clients={len(self.clients):,}, activities={len(self.activities):,}, "
            f"surveys={len(self.surveys):,}, period={period}, lang={self.lang!r}, "
            f"random_state={self.random_state!r})"
        )


def _weekday(day: np.ndarray, start_dow: int) -> np.ndarray:
    """Move Saturdays and Sundays forward to Monday (day numbers from the start)."""
    dow = (start_dow + day) % 7
    return day + np.where(dow == 5, 2, np.where(dow == 6, 1, 0))


def _weekday_back(day: np.ndarray, start_dow: int) -> np.ndarray:
    """Move Saturdays and Sundays back to Friday."""
    dow = (start_dow + day) % 7
    return day - np.where(dow == 5, 1, np.where(dow == 6, 2, 0))


def _check_args(n_clients, years, end, random_state, lang) -> pd.Timestamp:
    check_param(
        isinstance(n_clients, (int, np.integer))
        and not isinstance(n_clients, bool)
        and n_clients >= 20,
        "n_clients",
        "an integer >= 20",
        n_clients,
    )
    check_param(
        isinstance(years, (int, np.integer)) and not isinstance(years, bool) and 1 <= years <= 20,
        "years",
        "an integer from 1 to 20",
        years,
    )
    check_param(lang in ("en", "ru"), "lang", "'en' or 'ru'", lang)
    check_param(
        random_state is None
        or (
            isinstance(random_state, (int, np.integer))
            and not isinstance(random_state, bool)
            and random_state >= 0
        ),
        "random_state",
        "a non-negative integer or None",
        random_state,
    )
    try:
        end_ts = pd.Timestamp(end)
    except (ValueError, TypeError):
        end_ts = pd.NaT
    check_param(
        end_ts is not pd.NaT and not pd.isna(end_ts), "end", "a date such as '2025-12-31'", end
    )
    if end_ts.tzinfo is not None:
        end_ts = end_ts.tz_localize(None)
    return end_ts.normalize()


def make_base(
    n_clients: int = 2000,
    years: int = 3,
    *,
    end: str | pd.Timestamp = "2025-12-31",
    random_state: int | None = 0,
    lang: str = "en",
) -> SampleBase:
    """Generate a synthetic B2B client base with planted truth.

    Parameters
    ----------
    n_clients : int, default 2000
        Distinct clients (companies), leads included. The clients table has about
        ``1.01 × n_clients`` rows: ~2 % of the buyers have no card, ~3 % duplicate cards are
        added.
    years : int, default 3
        Length of the period in years; it ends on ``end``.
    end : str or Timestamp, default "2025-12-31"
        Last day of the period (use it as the report's ``as_of``).
    random_state : int or None, default 0
        Seed of ``numpy.random.default_rng``; the same arguments give identical frames.
    lang : {"en", "ru"}, default "en"
        Language of names, products, statuses and other labels. The numbers do not depend on
        it: a seed gives the same base in both languages.

    Returns
    -------
    SampleBase
        ``transactions``, ``clients``, ``activities``, ``surveys`` (canonical columns, see
        :class:`SampleBase`) and ``truth`` (``churn``, ``duplicates``, ``leads``,
        ``vip_no_payback``, ``key_accounts``, ``profiles``, ``forgotten``).

    Examples
    --------
    >>> base = make_base(200, 1, random_state=1)
    >>> base.transactions.columns.tolist()
    ['client_id', 'date', 'order_id', 'product', 'category', 'quantity', 'price', 'amount', \
'margin', 'manager', 'channel']
    >>> bool(base.transactions["date"].between(base.start, base.end).all())
    True
    >>> sorted(base.truth)
    ['churn', 'duplicates', 'forgotten', 'key_accounts', 'leads', 'profiles', 'vip_no_payback']
    >>> bool(base.truth["leads"]["client_id"].isin(base.transactions["client_id"]).any())
    False
    """
    end_ts = _check_args(n_clients, years, end, random_state, lang)
    n = int(n_clients)
    start_ts = end_ts - pd.DateOffset(years=int(years)) + pd.Timedelta(days=1)
    span = int((end_ts - start_ts).days) + 1
    li = 0 if lang == "ru" else 1
    root = np.random.default_rng(random_state)
    (r_plan, r_orders, r_lines, r_cards, r_names, r_dups, r_acts, r_surv) = root.spawn(8)

    start_dow = start_ts.day_of_week
    months = pd.date_range(start_ts, periods=span + 60, freq="D").month.to_numpy() - 1

    plan = _plan(r_plan, n, span, start_dow)
    month_start = np.flatnonzero(pd.date_range(start_ts, periods=span + 60, freq="D").day == 1)
    orders = _orders(r_orders, plan, span, start_dow, months, month_start)
    lines = _lines(r_lines, orders, plan, span, start_dow)

    revenue = np.bincount(lines["client"], weights=lines[AMOUNT], minlength=n)
    cards = _cards(r_cards, r_names, plan, revenue, span, start_dow, lang)
    dups = _duplicates(r_dups, r_names, cards, plan, span, start_dow, lang)
    ids = _assign_ids(r_cards, plan, cards, dups)
    lines = _book_on_duplicates(r_dups, lines, plan, dups)
    activities, forgotten = _activities(r_acts, plan, cards, dups, lines, span, start_ts, start_dow)
    surveys = _surveys(r_surv, plan, span, start_ts, start_dow)

    # --- assemble the frames ------------------------------------------------------------------
    rid = ids["real"]  # id of each distinct client
    did = ids["dup"]  # id of each duplicate card
    order_ids = _order_ids(lines, lang)
    client_of_line = np.where(
        lines["dup"] >= 0, did[np.maximum(lines["dup"], 0)], rid[lines["client"]]
    )
    tx = pd.DataFrame(
        {
            CLIENT_ID: client_of_line.astype(object),
            DATE: (start_ts + pd.to_timedelta(lines["day"], unit="D")).astype("datetime64[ns]"),
            ORDER_ID: order_ids,
            PRODUCT: np.asarray([p[li] for c in _CATEGORIES for p in c[3]], dtype=object)[
                lines["product"]
            ],
            CATEGORY: np.asarray([c[li] for c in _CATEGORIES], dtype=object)[lines["product"] // 8],
            QUANTITY: lines[QUANTITY].astype("float64"),
            PRICE: lines[PRICE],
            AMOUNT: lines[AMOUNT],
            MARGIN: lines[MARGIN],
            MANAGER: np.asarray(_WORDS["manager"][li], dtype=object)[lines["manager"]],
            CHANNEL: np.asarray(_WORDS["channel"][li], dtype=object)[lines["channel"]],
        }
    )
    tx["_o"] = lines["order"]
    tx["_k"] = lines["k"]
    tx = tx.sort_values([DATE, "_o", "_k"], kind="stable").drop(columns=["_o", "_k"])
    tx = tx.reset_index(drop=True)
    for col in (CLIENT_ID, ORDER_ID, PRODUCT, CATEGORY, MANAGER, CHANNEL):
        tx[col] = tx[col].astype("str")

    clients = _clients_frame(cards, dups, rid, did, start_ts, li)
    acts = (
        pd.DataFrame(
            {
                CLIENT_ID: np.where(
                    activities["dup"] >= 0,
                    did[np.maximum(activities["dup"], 0)],
                    rid[activities["client"]],
                ).astype(object),
                CREATED: activities[CREATED],
                MANAGER: np.asarray(_WORDS["manager"][li], dtype=object)[activities["manager"]],
                TYPE: np.asarray(_WORDS["type"][li], dtype=object)[activities["type"]],
                DUE: activities[DUE],
                DONE: activities[DONE].astype(bool),
            }
        )
        .sort_values([CREATED, CLIENT_ID], kind="stable")
        .reset_index(drop=True)
    )
    for col in (CLIENT_ID, MANAGER, TYPE):
        acts[col] = acts[col].astype("str")
    surv = (
        pd.DataFrame(
            {
                CLIENT_ID: rid[surveys["client"]].astype(object),
                DATE: (start_ts + pd.to_timedelta(surveys["day"], unit="D")).astype(
                    "datetime64[ns]"
                ),
                SCORE: surveys[SCORE].astype("float64"),
            }
        )
        .sort_values([DATE, CLIENT_ID], kind="stable")
        .reset_index(drop=True)
    )
    surv[CLIENT_ID] = surv[CLIENT_ID].astype("str")

    truth = _truth(plan, cards, dups, rid, did, forgotten, start_ts)
    return SampleBase(
        transactions=tx,
        clients=clients,
        activities=acts,
        surveys=surv,
        truth=truth,
        start=start_ts,
        end=end_ts,
        lang=lang,
        random_state=None if random_state is None else int(random_state),
    )


# --- step 1: who the clients are ---------------------------------------------------------------


def _plan(rng: np.random.Generator, n: int, span: int, start_dow: int) -> dict[str, np.ndarray]:
    """Latent attributes of every distinct client (index 0 … n-1)."""
    rhythm = np.full(n, "lead", dtype=object)
    perm = rng.permutation(n)
    n_leads = round(_LEAD_SHARE * n)
    buyers = np.sort(perm[n_leads:])
    rhythm[buyers] = rng.choice(list(_RHYTHM_P), size=len(buyers), p=list(_RHYTHM_P.values()))
    is_buyer = rhythm != "lead"
    repeat = is_buyer & (rhythm != "one_off")

    interval = np.full(n, np.nan)
    shape = np.ones(n)
    for name, lo, hi, k in (("monthly", 30.4, 30.4, 1.0), ("quarterly", 91 * 0.9, 91 * 1.1, 10.0)):
        m = rhythm == name
        interval[m] = rng.uniform(lo, hi, m.sum())
        shape[m] = k
    m = rhythm == "irregular"
    interval[m] = np.exp(rng.uniform(np.log(30), np.log(130), m.sum()))
    shape[m] = 1.3

    existing = is_buyer & (rng.random(n) < _EXISTING_SHARE) & repeat
    first = np.full(n, -1, dtype=np.int64)
    phase = rng.random(n)
    first[existing] = np.floor(phase[existing] * interval[existing]).astype(np.int64)
    new = is_buyer & ~existing
    last_join = max(1, span - 45)
    first[new] = rng.integers(0, last_join, new.sum())
    one = rhythm == "one_off"
    first[one] = rng.integers(0, max(1, span - 3), one.sum())
    first[is_buyer] = _weekday(first[is_buyer], start_dow)
    first[is_buyer] = np.minimum(
        first[is_buyer], _weekday_back(np.full(is_buyer.sum(), span - 1), start_dow)
    )

    # order value: heavy tail, bigger orders from clients who order less often
    scale = np.exp(rng.normal(np.log(8000), 1.15, n))
    boost = rng.random(n) < 0.04
    scale[boost] *= 3 + rng.pareto(1.3, boost.sum()) * 4
    scale *= np.select(
        [rhythm == "quarterly", rhythm == "irregular", rhythm == "one_off"], [2.2, 1.3, 0.8], 1.0
    )
    noise = np.select([rhythm == "monthly", rhythm == "quarterly"], [0.18, 0.35], 0.5)
    season_power = np.where(rhythm == "monthly", 0.5, 0.8)

    trend = np.full(n, "flat", dtype=object)
    u = rng.random(n)
    trend[repeat & (u < 0.2)] = "growth"
    trend[repeat & (u >= 0.2) & (u < 0.4)] = "decline"
    slope = np.where(
        trend == "growth",
        rng.uniform(0.25, 0.6, n),
        np.where(trend == "decline", -rng.uniform(0.25, 0.6, n), 0.0),
    )

    # the VIP that does not pay back: a few tiny orders, never churns
    candidates = np.flatnonzero(repeat & (first < span // 2))
    vip0 = int(candidates[rng.integers(len(candidates))]) if len(candidates) else int(buyers[0])
    rhythm[vip0], interval[vip0], shape[vip0] = "irregular", 240.0, 2.0
    scale[vip0], noise[vip0], slope[vip0], trend[vip0] = 350.0, 0.3, 0.0, "flat"
    repeat = is_buyer & (rhythm != "one_off")

    # churn: a planted stop date, some come back
    churn = np.full(n, -1, dtype=np.int64)
    react = np.full(n, -1, dtype=np.int64)
    low = first + np.ceil(1.5 * np.nan_to_num(interval)).astype(np.int64) + 1
    eligible = np.flatnonzero(repeat & (low < span - 90))
    eligible = eligible[eligible != vip0]
    n_churn = min(len(eligible), round(_CHURN_SHARE * n))
    churners = np.sort(rng.choice(eligible, size=n_churn, replace=False))
    churn[churners] = rng.integers(low[churners], span - 90)
    churn[churners] = _weekday(churn[churners], start_dow)
    can_come_back = churners[churn[churners] + 120 < span - 45]
    n_back = min(len(can_come_back), round(_REACTIVATED_SHARE * n_churn))
    back = np.sort(rng.choice(can_come_back, size=n_back, replace=False))
    hi = np.minimum(churn[back] + 450, span - 45)
    react[back] = _weekday(rng.integers(churn[back] + 120, hi), start_dow)

    return {
        "rhythm": rhythm,
        "is_buyer": is_buyer,
        "repeat": repeat,
        "interval": interval,
        "shape": shape,
        "season_power": season_power,
        "first": first,
        "existing": existing,
        "scale": scale,
        "noise": noise,
        "trend": trend,
        "slope": slope,
        "churn": churn,
        "react": react,
        "vip0": np.array(vip0),
        "manager": rng.choice(6, size=n, p=_MANAGER_P),
        "channel": rng.choice(4, size=n, p=_CHANNEL_P),
        "price_factor": rng.uniform(0.9, 1.05, n),
        "margin_factor": rng.uniform(0.8, 1.2, n),
        "fav": np.stack([rng.permutation(8)[:3] for _ in range(n)]) if n else np.zeros((0, 3)),
        "region": rng.choice(len(_REGIONS), size=n, p=[r[3] for r in _REGIONS]),
    }


# --- step 2: orders ------------------------------------------------------------------------------


def _orders(
    rng: np.random.Generator,
    plan: dict,
    span: int,
    start_dow: int,
    months: np.ndarray,
    month_start: np.ndarray,
) -> dict[str, np.ndarray]:
    """Order days and values of every buyer."""
    rhythm, first, interval = plan["rhythm"], plan["first"], plan["interval"]
    churn, react, slope = plan["churn"], plan["react"], plan["slope"]
    # quarterly and irregular buyers: gamma-distributed intervals from the first order
    rep = np.flatnonzero(plan["repeat"] & (rhythm != "monthly"))
    expected = (span - first[rep]) / interval[rep]
    count = np.ceil(3 * expected).astype(np.int64) + 10
    owner = np.repeat(rep, count)
    starts = np.cumsum(count) - count
    pos = np.arange(len(owner)) - np.repeat(starts, count)
    gaps = rng.gamma(plan["shape"][owner], 1.0) * interval[owner] / plan["shape"][owner]
    gaps[pos == 0] = 0.0
    cs = np.cumsum(gaps)
    day = first[owner] + np.floor(cs - np.repeat(cs[starts], count)).astype(np.int64)
    # monthly buyers: one order a month around their own day of the month
    mon = np.flatnonzero(plan["repeat"] & (rhythm == "monthly"))
    pref = rng.integers(1, 22, len(mon))
    later = month_start[None, :] > first[mon][:, None] + 12
    m_owner = np.repeat(mon, later.sum(axis=1))
    m_pref = np.repeat(pref, later.sum(axis=1))
    m_start = np.broadcast_to(month_start, later.shape)[later]
    m_day = m_start + np.clip(m_pref + np.round(rng.normal(0, 2.5, len(m_start))), 0, 25).astype(
        np.int64
    )
    m_pos = (
        np.concatenate([np.arange(1, k + 1) for k in later.sum(axis=1)])
        if len(mon)
        else np.zeros(0, dtype=np.int64)
    )
    owner = np.concatenate([owner, mon, m_owner])
    pos = np.concatenate([pos, np.zeros(len(mon), dtype=np.int64), m_pos])
    day = np.concatenate([day, first[mon], m_day])
    keep = day < span
    owner, pos, day = owner[keep], pos[keep], day[keep]

    # thinning: seasonal frequency of irregular buyers, declining clients, the months before churn
    p = np.ones(len(day))
    irregular = rhythm[owner] == "irregular"
    p[irregular] *= _SEASON[months[day[irregular]]] / _SEASON.max()
    years_in = np.maximum(0, day - first[owner]) / 365.25
    p *= np.exp(np.minimum(0.0, slope[owner]) * 0.5 * years_in)
    c = churn[owner]
    before = (c >= 0) & (day < c) & (day >= c - 180)
    p[before] *= 1 - 0.45 * (day[before] - (c[before] - 180)) / 180
    keep = (rng.random(len(day)) < p) | (pos == 0)
    owner, day = owner[keep], day[keep]

    # weekdays only, inside the period, nothing in the churn gap
    day = _weekday(day, start_dow)
    c, r = churn[owner], react[owner]
    gap = (c >= 0) & (day >= c) & ((r < 0) | (day < r))
    keep = (day < span) & ~gap
    owner, day = owner[keep], day[keep]
    back = np.flatnonzero(react >= 0)
    one = np.flatnonzero(rhythm == "one_off")
    owner = np.concatenate([owner, back, one])
    day = np.concatenate([day, react[back], first[one]])
    key = np.unique(owner * (span + 400) + day)
    owner, day = key // (span + 400), key % (span + 400)
    order = np.lexsort((owner, day))
    owner, day = owner[order], day[order]

    # value: the client's scale × season × trend × the fade before churn × noise
    years_in = np.maximum(0, day - first[owner]) / 365.25
    value = (
        plan["scale"][owner]
        * _SEASON[months[day]] ** plan["season_power"][owner]
        * np.exp(slope[owner] * years_in)
        * np.exp(rng.normal(0.0, plan["noise"][owner]))
    )
    c, r = churn[owner], react[owner]
    fade = (c >= 0) & (day < c)
    value[fade] *= 1 - 0.5 * np.clip((day[fade] - (c[fade] - 180)) / 180, 0, 1)
    value[(r >= 0) & (day >= r)] *= 0.7
    nlines = rng.choice([1, 2, 3, 4], size=len(day), p=[0.28, 0.30, 0.24, 0.18])
    other = rng.random(len(day))
    channel = np.where(other < 0.8, plan["channel"][owner], rng.integers(0, 4, len(day)))
    manager = np.where(
        rng.random(len(day)) < 0.95, plan["manager"][owner], rng.integers(0, 6, len(day))
    )
    return {
        "client": owner,
        "day": day,
        "value": value,
        "nlines": nlines,
        "channel": channel,
        "manager": manager,
    }


# --- step 3: lines and returns -------------------------------------------------------------------


def _lines(
    rng: np.random.Generator, orders: dict, plan: dict, span: int, start_dow: int
) -> dict[str, np.ndarray]:
    """Sales lines (distinct products per order) and returns."""
    n_orders = len(orders["day"])
    n_products = sum(len(c[3]) for c in _CATEGORIES)
    base_price = np.array([p[2] for c in _CATEGORIES for p in c[3]], dtype=float)
    cat_margin = np.repeat([c[2] for c in _CATEGORIES], 8)
    client = orders["client"]

    # client preference: three favourite categories
    weight = np.ones((len(plan["rhythm"]), 8))
    if len(weight):
        rows = np.arange(len(weight))[:, None]
        weight[rows, plan["fav"]] = np.array([8.0, 4.0, 2.0])
    logw = np.log(np.repeat(weight, 8, axis=1))
    nl = orders["nlines"]
    line_order = np.repeat(np.arange(n_orders), nl)
    k = np.arange(len(line_order)) - np.repeat(np.cumsum(nl) - nl, nl)
    product = np.empty(len(line_order), dtype=np.int64)
    log_price = np.log(base_price)
    log_value = np.log(np.maximum(orders["value"], 1.0))
    chunk = 20000
    for lo in range(0, n_orders, chunk):  # Gumbel top-k: weighted, without replacement
        hi = min(n_orders, lo + chunk)
        dear = np.maximum(0.0, log_price[None, :] - log_value[lo:hi, None])  # dearer than order
        keys = logw[client[lo:hi]] - 3.0 * dear + rng.gumbel(size=(hi - lo, n_products))
        ranked = np.argsort(-keys, axis=1)[:, :4]
        sel = (line_order >= lo) & (line_order < hi)
        product[sel] = ranked[line_order[sel] - lo, k[sel]]

    day = orders["day"][line_order]
    owner = client[line_order]
    share = rng.exponential(1.0, len(line_order))
    share /= np.bincount(line_order, weights=share, minlength=n_orders)[line_order]
    target = orders["value"][line_order] * share
    price = np.round(base_price[product] * 1.07 ** (day / 365.25) * plan["price_factor"][owner], 2)
    qty = np.maximum(1, np.round(target / price))
    amount = np.round(qty * price, 2)
    rate = cat_margin[product] * plan["margin_factor"][owner] * rng.normal(1.0, 0.08, len(qty))
    margin = np.round(amount * rate, 2)

    # returns: a later line of the same order and product with a negative quantity
    n_lines = len(qty)
    n_ret = round(_RETURN_SHARE * n_lines / (1 - _RETURN_SHARE) * 1.08)
    pick = np.sort(rng.choice(n_lines, size=min(n_ret, n_lines), replace=False))
    rday = _weekday(day[pick] + rng.integers(3, 31, len(pick)), start_dow)
    c, r = plan["churn"][owner[pick]], plan["react"][owner[pick]]
    in_gap = (c >= 0) & (rday >= c) & ((r < 0) | (rday < r))
    ok = (rday < span) & ~in_gap
    pick, rday = pick[ok], rday[ok]
    rqty = -np.maximum(1, np.ceil(qty[pick] * rng.uniform(0.05, 1.0, len(pick))))
    ramount = np.round(rqty * price[pick], 2)
    rmargin = np.round(margin[pick] * rqty / qty[pick], 2)

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])

    return {
        "order": cat(line_order, line_order[pick]),
        "k": cat(k, k[pick] + 4),
        "client": cat(owner, owner[pick]),
        "dup": np.full(n_lines + len(pick), -1, dtype=np.int64),
        "day": cat(day, rday),
        "product": cat(product, product[pick]),
        QUANTITY: cat(qty, rqty),
        PRICE: cat(price, price[pick]),
        AMOUNT: cat(amount, ramount),
        MARGIN: cat(margin, rmargin),
        "manager": orders["manager"][cat(line_order, line_order[pick])],
        "channel": orders["channel"][cat(line_order, line_order[pick])],
        "order_day": orders["day"][cat(line_order, line_order[pick])],
        "is_return": cat(np.zeros(n_lines, bool), np.ones(len(pick), bool)),
    }


def _order_ids(lines: dict, lang: str) -> np.ndarray:
    """Document numbers in date order: ``012345`` (ru, 1C style) or ``INV-012345`` (en)."""
    orders = np.unique(lines["order"])
    number = np.empty(orders.max() + 1 if len(orders) else 0, dtype=np.int64)
    number[orders] = np.arange(len(orders)) + 1001  # orders are numbered by date already
    width = max(6, len(str(len(orders) + 1001)))
    fmt = f"{{:0{width}d}}" if lang == "ru" else f"INV-{{:0{width}d}}"
    text = np.array([fmt.format(x) for x in range(1001, 1001 + len(orders))], dtype=object)
    return text[number[lines["order"]] - 1001]


# --- step 4: client cards ------------------------------------------------------------------------


def _cards(
    rng: np.random.Generator,
    r_names: np.random.Generator,
    plan: dict,
    revenue: np.ndarray,
    span: int,
    start_dow: int,
    lang: str,
) -> dict:
    """Card contents of every distinct client (a card exists where ``has_card``)."""
    n = len(plan["rhythm"])
    is_buyer = plan["is_buyer"]
    vip0 = int(plan["vip0"])

    # who has no card: ordinary buyers
    pool = np.flatnonzero(is_buyer & (np.arange(n) != vip0))
    n_none = min(len(pool), round(_NO_CARD_SHARE * n))
    has_card = np.ones(n, bool)
    has_card[rng.choice(pool, size=n_none, replace=False)] = False

    # created: before the first order (long before for the old base), leads spread out
    created = np.empty(n, dtype=np.int64)
    old = plan["existing"]
    created[old] = -rng.integers(30, 5 * 365, old.sum())
    newb = is_buyer & ~old
    created[newb] = plan["first"][newb] - rng.integers(0, 60, newb.sum())
    leads = ~is_buyer
    created[leads] = rng.integers(-2 * 365, span - 10, leads.sum())
    created = _weekday(created, start_dow)
    created = np.where(is_buyer, np.minimum(created, plan["first"]), created)
    created = np.where(created > span - 1, _weekday_back(np.full(n, span - 1), start_dow), created)

    # revenue rank among buyers (for flags, size and potential)
    pct = np.zeros(n)
    if is_buyer.any():
        pct[is_buyer] = pd.Series(revenue[is_buyer]).rank(pct=True).to_numpy()
    active_days = np.maximum(90, np.where(is_buyer, span - np.maximum(plan["first"], 0), 365))
    yearly = revenue / active_days * 365.25

    # key accounts: the largest steady clients that did not churn
    steady = has_card & plan["repeat"] & (plan["churn"] < 0) & (np.arange(n) != vip0)
    n_key = max(1, round(_KEY_SHARE * n))
    key = np.zeros(n, bool)
    key[np.argsort(-np.where(steady, revenue, -1.0), kind="stable")[:n_key]] = True
    key &= steady
    # VIPs: mostly large clients, plus the one that does not pay back
    n_vip = max(1, round(_VIP_SHARE * n)) - 1
    big = np.flatnonzero(has_card & is_buyer & (pct >= 0.85) & (np.arange(n) != vip0))
    vip = np.zeros(n, bool)
    if n_vip and len(big):
        vip[rng.choice(big, size=min(n_vip, len(big)), replace=False)] = True
    vip[vip0] = True

    # names, people and e-mails (their own random stream: they depend on the language)
    person = rng.random(n) < 0.2
    cores = _company_cores(r_names, n, lang)
    ip_names = _person_names(r_names, int(person.sum()), lang, unique=True)
    forms, fp = _RU_FORMS if lang == "ru" else _EN_FORMS
    form_idx = r_names.choice(len(forms), size=n, p=fp)
    quotes = r_names.choice(3, size=n, p=[0.5, 0.35, 0.15])
    names: list[_Name] = []
    it = iter(ip_names)
    for i in range(n):
        if person[i]:
            names.append(_Name("ИП" if lang == "ru" else "sole proprietor", next(it), True, 2))
        else:
            names.append(_Name(forms[form_idx[i]], cores[i], False, int(quotes[i])))
    contacts = _person_names(r_names, n, lang, unique=False)
    emails = _emails(r_names, names, lang)

    region_code = np.array([_REGIONS[r][0] for r in plan["region"]])
    tax = np.array(_inns(rng, region_code, person), dtype=object)
    invalid = rng.random(n) < _INVALID_TAX_SHARE
    for j in np.flatnonzero(invalid):
        i = int(j)
        t = tax[i]
        tax[i] = t[:-1] + str((int(t[-1]) + 1 + int(rng.integers(0, 8))) % 10)
    phone_digits = _phone_numbers(rng, plan["region"])
    phone_style = rng.choice(6, size=n, p=_PHONE_STYLE_P)

    status = np.full(n, _ST_WORKING)
    u = rng.random(n)
    status[leads] = np.select(
        [u[leads] < 0.55, u[leads] < 0.80], [_ST_LEAD, _ST_ACTIVE], _ST_REFUSED
    )
    gone = (plan["churn"] >= 0) & (plan["react"] < 0)
    status[gone & (u < 0.3)] = _ST_REFUSED
    status[is_buyer & ~gone & (u > 0.92)] = _ST_ACTIVE
    size = np.select([pct >= 0.9, pct >= 0.6], [2, 1], 0)
    size[leads] = rng.choice(3, size=leads.sum(), p=[0.6, 0.3, 0.1])
    potential = np.where(
        is_buyer,
        yearly * rng.uniform(1.2, 3.5, n),
        np.exp(
            rng.normal(
                np.log(max(1.0, float(np.median(yearly[is_buyer])) if is_buyer.any() else 1e5)),
                0.8,
                n,
            )
        ),
    )
    potential[vip0] = max(potential[vip0], float(np.quantile(yearly[is_buyer], 0.9)) * 2)
    potential = np.round(potential, -4)

    blank = {col: rng.random(n) < share for col, share in _BLANKS.items()}
    blank[POTENTIAL][vip0] = False
    blank[POTENTIAL][key] = False

    return {
        "has_card": has_card,
        "created": created,
        "person": person,
        "names": names,
        "contacts": contacts,
        "emails": emails,
        "tax": tax,
        "phone_digits": phone_digits,
        "phone_style": phone_style,
        "status": status,
        "size": size,
        "potential": potential,
        "blank": blank,
        "key": key,
        "vip": vip,
        "revenue": revenue,
        "pct": pct,
        "industry": rng.integers(0, len(_WORDS["industry"][0]), n),
        "lang": lang,
        "region": plan["region"],
        "manager": plan["manager"],
    }


def _phone_numbers(rng: np.random.Generator, region: np.ndarray) -> list[str]:
    """Unique ten-digit numbers: mobiles (9xx) and landlines of the client's city."""
    seen: set[str] = set()
    out = []
    for r in region:
        while True:
            if rng.random() < 0.7:
                d = "9" + "".join(map(str, rng.integers(0, 10, 9)))
            else:
                d = (
                    _REGIONS[r][4]
                    + str(rng.integers(2, 10))
                    + "".join(map(str, rng.integers(0, 10, 6)))
                )
            if d not in seen:
                break
        seen.add(d)
        out.append(d)
    return out


def _emails(rng: np.random.Generator, names: list[_Name], lang: str) -> list[str]:
    """Unique lower-case e-mails: ``info@promsnab.ru``, ``s.ivanov@mail.ru``."""
    seen: set[str] = set()
    out = []
    boxes = (
        ["info", "sales", "zakupki", "office", "snab", "buh"]
        if lang == "ru"
        else ["info", "sales", "orders", "office", "purchasing", "accounts"]
    )
    free = (
        ["mail.ru", "yandex.ru", "gmail.com"]
        if lang == "ru"
        else ["gmail.com", "outlook.com", "yahoo.com"]
    )
    tld = ".ru" if lang == "ru" else ".com"
    for nm in names:
        if nm.person:
            parts = nm.core.split(" ")
            surname, first = (parts[0], parts[1]) if lang == "ru" else (parts[-1], parts[0])
            local = f"{_translit(first)[:1]}.{_translit(surname)}"
            domain = free[rng.integers(len(free))]
        else:
            local = boxes[rng.integers(len(boxes))]
            domain = _translit(nm.core) + tld
        email, k = f"{local}@{domain}", 1
        while email in seen:
            k += 1
            email = f"{local}{k}@{domain}"
        seen.add(email)
        out.append(email)
    return out


# --- step 5: duplicate cards ----------------------------------------------------------------------


def _duplicates(
    rng: np.random.Generator,
    r_names: np.random.Generator,
    cards: dict,
    plan: dict,
    span: int,
    start_dow: int,
    lang: str,
) -> dict:
    """Extra cards of existing buyers that share one key with the original."""
    n = len(plan["rhythm"])
    blank = cards["blank"]
    vip0 = int(plan["vip0"])
    n_dup = round(_DUPLICATE_SHARE * n)
    kinds = rng.choice(len(DUPLICATE_KINDS), size=n_dup, p=[0.30, 0.25, 0.20, 0.25])
    has_key = {
        "phone": ~blank[PHONE],
        "email": ~blank[EMAIL],
        "tax_id": ~blank[TAX_ID],
        "name": np.ones(n, bool),
    }
    taken = np.zeros(n, bool)
    base_ok = cards["has_card"] & plan["is_buyer"] & (np.arange(n) != vip0)
    orig = np.full(n_dup, -1, dtype=np.int64)
    for j in range(n_dup):
        ok = np.flatnonzero(base_ok & ~taken & has_key[DUPLICATE_KINDS[kinds[j]]])
        if len(ok):
            orig[j] = ok[rng.integers(len(ok))]
            taken[orig[j]] = True
    keep = orig >= 0
    orig, kinds = orig[keep], kinds[keep]
    m = len(orig)

    lo = np.maximum(cards["created"][orig] + 30, 0)
    hi = np.maximum(lo + 1, span - 30)
    created = _weekday(rng.integers(lo, hi), start_dow)
    created = np.minimum(created, _weekday_back(np.full(m, span - 1), start_dow))
    styles = cards["phone_style"][orig]
    new_style = (styles + rng.integers(1, 6, m)) % 6
    manager = np.where(
        rng.random(m) < 0.6,
        (plan["manager"][orig] + rng.integers(1, 6, m)) % 6,
        plan["manager"][orig],
    )
    look_alike = rng.random(m) < 0.5
    email_case = rng.integers(0, 3, m)
    books = rng.random(m) < 0.6
    names, emails = [], []
    # "Сергей Иванов (закупки)", "M. Morgan (accounts)": unlike the names of sole proprietors
    if lang == "ru":
        contact_names = [
            " ".join(x.split(" ")[:2][::-1]) for x in _person_names(r_names, m, lang, unique=True)
        ]
    else:  # surnames without repetition (short names that differ in one letter look alike)
        last = r_names.permutation(len(_EN_LAST))
        contact_names = [
            f"{_EN_FIRST[r_names.integers(len(_EN_FIRST))][0]}. {_EN_LAST[last[j % len(last)]]}"
            for j in range(m)
        ]
    depts = (
        ["закупки", "склад", "снабжение", "бухгалтерия"]
        if lang == "ru"
        else ["purchasing", "warehouse", "supply", "accounts"]
    )
    for j in range(m):
        o, kind = orig[j], DUPLICATE_KINDS[kinds[j]]
        nm = cards["names"][o]
        if kind == "name" or look_alike[j]:
            names.append(_name_variant(r_names, nm, lang).text(lang))
        else:  # a card made from a call: the contact's name and the department
            names.append(f"{contact_names[j]} ({depts[j % len(depts)]})")
        e = cards["emails"][o]
        if kind == "email":
            local, domain = e.split("@")
            e = [local.capitalize() + "@" + domain.capitalize(), local + " @" + domain, e.upper()][
                email_case[j]
            ]
        emails.append(e)
    return {
        "orig": orig,
        "kind": kinds,
        "created": created,
        "phone_style": new_style,
        "manager": manager,
        "names": names,
        "emails": emails,
        "books": books,
        "status": rng.choice([_ST_ACTIVE, _ST_LEAD, _ST_WORKING], size=m, p=[0.5, 0.3, 0.2]),
        "same_region": rng.random(m) < 0.7,
    }


def _assign_ids(
    rng: np.random.Generator, plan: dict, cards: dict, dups: dict
) -> dict[str, np.ndarray]:
    """Client ids numbered by card creation (``C00001`` …); ~5 % are old all-digit codes."""
    n, m = len(plan["rhythm"]), len(dups["orig"])
    created = np.concatenate([cards["created"], dups["created"]])
    order = np.lexsort((rng.random(n + m), created))
    number = np.empty(n + m, dtype=np.int64)
    number[order] = np.arange(1, n + m + 1)
    width = max(5, len(str(n + m)))
    ids = np.array([f"C{x:0{width}d}" for x in number], dtype=object)
    legacy = rng.random(n + m) < 0.05
    pool = max(99_900, 20 * int(legacy.sum()))
    codes = rng.choice(pool, size=int(legacy.sum()), replace=False) + 100
    w2 = max(6, len(str(pool + 100)))
    ids[legacy] = [f"{c:0{w2}d}" for c in codes]
    return {"real": ids[:n], "dup": ids[n:]}


def _book_on_duplicates(rng: np.random.Generator, lines: dict, plan: dict, dups: dict) -> dict:
    """Book some of the original's later orders (whole orders, returns included) on the copy."""
    dup_of = np.full(len(plan["rhythm"]), -1, dtype=np.int64)
    books = np.flatnonzero(dups["books"])
    dup_of[dups["orig"][books]] = books
    cand = dup_of[lines["client"]]
    ok = (cand >= 0) & (lines["order_day"] >= dups["created"][np.maximum(cand, 0)])
    orders = np.unique(lines["order"][ok])
    moved = orders[rng.random(len(orders)) < 0.4]
    sel = np.isin(lines["order"], moved)
    out = dict(lines)
    out["dup"] = lines["dup"].copy()
    out["dup"][sel] = cand[sel]
    return out


# --- step 6: activities and surveys --------------------------------------------------------------


def _activities(
    rng: np.random.Generator,
    plan: dict,
    cards: dict,
    dups: dict,
    lines: dict,
    span: int,
    start_ts: pd.Timestamp,
    start_dow: int,
) -> tuple[dict, pd.DataFrame]:
    """The managers' log, overdue tasks and forgotten clients."""
    n = len(plan["rhythm"])
    is_buyer, churn, react = plan["is_buyer"], plan["churn"], plan["react"]
    has_card = cards["has_card"]
    a0 = _weekday(np.maximum(cards["created"], 0), start_dow)
    a1 = np.full(n, span - 1, dtype=np.int64)
    gone = (churn >= 0) & (react < 0)
    a1[gone] = np.minimum(span - 1, churn[gone] + 90)
    a1[~is_buyer] = np.minimum(span - 1, a0[~is_buyer] + 150)

    last_day = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_day, lines["client"], lines["day"])
    good = has_card & is_buyer & (cards["pct"] >= 0.8) & (last_day >= span - 90)
    good_idx = np.flatnonzero(good)
    n_forgot = max(1, round(_FORGOTTEN_SHARE * len(good_idx))) if len(good_idx) else 0
    forgot = np.zeros(n, bool)
    forgot[rng.choice(good_idx, size=n_forgot, replace=False)] = True
    cut = span - 1 - rng.integers(200, 400, n)
    a1[forgot] = np.minimum(a1[forgot], cut[forgot])

    lazy = plan["manager"] == _LAZY_MANAGER
    rate = np.where(is_buyer, 0.04 + 0.3 * cards["pct"], 0.5) * np.where(lazy, 0.5, 1.0)
    months = np.maximum(0, a1 - a0 + 1) / 30.44
    count = np.where(has_card & (a1 >= a0), rng.poisson(rate * months), 0)
    owner = np.repeat(np.arange(n), count)
    day = rng.integers(a0[owner], a1[owner] + 1)
    # good clients that are looked after: at least one activity in the last 90 days
    cared = np.flatnonzero(good & ~forgot)
    owner = np.concatenate([owner, cared])
    day = np.concatenate([day, rng.integers(span - 90, span, len(cared))])
    day = np.maximum(_weekday_back(day, start_dow), a0[owner])
    dup_col = np.full(len(owner), -1, dtype=np.int64)
    # a few activities on duplicate cards
    m = len(dups["orig"])
    dcount = rng.integers(0, 3, m)
    downer = np.repeat(np.arange(m), dcount)
    dday = _weekday_back(rng.integers(dups["created"][downer], span), start_dow)
    dday = np.maximum(dday, dups["created"][downer])
    owner = np.concatenate([owner, dups["orig"][downer]])
    day = np.concatenate([day, dday])
    dup_col = np.concatenate([dup_col, downer])

    k = len(owner)
    minutes = rng.integers(9 * 60, 19 * 60, k)
    manager = np.where(
        dup_col >= 0, dups["manager"][np.maximum(dup_col, 0)], plan["manager"][owner]
    )
    manager = np.where(rng.random(k) < 0.95, manager, rng.integers(0, 6, k))
    typ = rng.choice(4, size=k, p=_TYPE_P)
    due_day = day + rng.choice([0, 1, 2, 3, 5, 7, 14], size=k)
    p_done = np.where(due_day < span - 1, np.where(manager == _LAZY_MANAGER, 0.65, 0.93), 0.25)
    done = rng.random(k) < p_done
    created = (
        start_ts + pd.to_timedelta(day, unit="D") + pd.to_timedelta(minutes, unit="min")
    ).to_numpy()
    frame = pd.DataFrame(
        {
            "client": owner,
            "dup": dup_col,
            CREATED: created,
            "manager": manager,
            "type": typ,
            DUE: (start_ts + pd.to_timedelta(due_day, unit="D")).to_numpy(),
            DONE: done,
        }
    )
    frame = frame.drop_duplicates(["client", "dup", CREATED]).reset_index(drop=True)
    frame[CREATED] = frame[CREATED].astype("datetime64[ns]")
    frame[DUE] = frame[DUE].astype("datetime64[ns]")

    own = frame[frame["dup"] < 0]
    last = own.groupby("client")[CREATED].max()
    fidx = np.flatnonzero(forgot)
    forgotten = pd.DataFrame(
        {"client": fidx, LAST_ACTIVITY: last.reindex(fidx).to_numpy(dtype="datetime64[ns]")}
    )
    return {c: frame[c].to_numpy() for c in frame.columns}, forgotten


def _surveys(
    rng: np.random.Generator, plan: dict, span: int, start_ts: pd.Timestamp, start_dow: int
) -> dict[str, np.ndarray]:
    """NPS answers in two waves a year (mid-March, mid-September)."""
    churn, react, first = plan["churn"], plan["react"], plan["first"]
    buyers = np.flatnonzero(plan["is_buyer"])
    waves = []
    for year in range(start_ts.year, start_ts.year + 25):
        for month in (3, 9):
            d = (pd.Timestamp(year=year, month=month, day=15) - start_ts).days
            if 0 <= d < span:
                waves.append(d)
    owners, days = [], []
    for w in waves:
        c, r = churn[buyers], react[buyers]
        active = (first[buyers] <= w) & ~((c >= 0) & (c <= w) & ((r < 0) | (w < r)))
        active &= ~((plan["rhythm"][buyers] == "one_off") & (w - first[buyers] > 120))
        who = buyers[active & (rng.random(len(buyers)) < 0.3)]
        d = _weekday(w + rng.integers(0, 21, len(who)), start_dow)
        c, r = churn[who], react[who]
        ok = (d < span) & ~((c >= 0) & (d >= c) & ((r < 0) | (d < r)))
        owners.append(who[ok])
        days.append(d[ok])
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    day = np.concatenate(days) if days else np.zeros(0, dtype=np.int64)
    c = churn[owner]
    soon = (c > day) & (c <= day + 365)
    u = rng.random(len(owner))
    p_detr = np.where(soon, 0.55, 0.15)
    p_prom = np.where(soon, 0.20, 0.50)
    detr = rng.choice(7, size=len(owner), p=np.array([1, 1, 1, 2, 3, 5, 6]) / 19)
    passive = rng.integers(7, 9, len(owner))
    prom = rng.choice([9, 10], size=len(owner), p=[0.45, 0.55])
    score = np.where(u < p_detr, detr, np.where(u < p_detr + (1 - p_detr - p_prom), passive, prom))
    return {"client": owner, "day": day, SCORE: score}


# --- step 7: frames ------------------------------------------------------------------------------


def _clients_frame(
    cards: dict, dups: dict, rid: np.ndarray, did: np.ndarray, start_ts: pd.Timestamp, li: int
) -> pd.DataFrame:
    lang = cards["lang"]
    phone_fmt = _phone_styles(lang)
    words = {k: np.asarray(v[li], dtype=object) for k, v in _WORDS.items()}
    idx = np.flatnonzero(cards["has_card"])
    blank = cards["blank"]

    def col(values, key=None):
        v = np.asarray(values, dtype=object)[idx]
        if key is not None:
            v = np.where(blank[key][idx], None, v)
        return v

    regions = np.array([r[1 + li] for r in _REGIONS], dtype=object)
    orig = pd.DataFrame(
        {
            CLIENT_ID: rid[idx],
            NAME: [cards["names"][i].text(lang) for i in idx],
            PHONE: col(
                [phone_fmt(d, s) for d, s in zip(cards["phone_digits"], cards["phone_style"])],
                PHONE,
            ),
            EMAIL: col(cards["emails"], EMAIL),
            TAX_ID: col(cards["tax"], TAX_ID),
            REGION: col(regions[cards["region"]], REGION),
            INDUSTRY: col(words["industry"][cards["industry"]], INDUSTRY),
            SIZE: col(words["size"][cards["size"]], SIZE),
            CONTACT_PERSON: col(cards["contacts"], CONTACT_PERSON),
            CREATED: cards["created"][idx],
            MANAGER: col(words["manager"][cards["manager"]], MANAGER),
            STATUS: col(words["status"][cards["status"]], STATUS),
            VIP: cards["vip"][idx],
            KEY_ACCOUNT: cards["key"][idx],
            POTENTIAL: np.where(blank[POTENTIAL][idx], np.nan, cards["potential"][idx]),
        }
    )
    o = dups["orig"]
    kind = np.array(DUPLICATE_KINDS, dtype=object)[dups["kind"]]
    m = len(o)
    dup = pd.DataFrame(
        {
            CLIENT_ID: did,
            NAME: dups["names"],
            PHONE: [
                phone_fmt(cards["phone_digits"][i], s) if k == "phone" else None
                for i, s, k in zip(o, dups["phone_style"], kind)
            ],
            EMAIL: [e if k == "email" else None for e, k in zip(dups["emails"], kind)],
            TAX_ID: [cards["tax"][i] if k == "tax_id" else None for i, k in zip(o, kind)],
            REGION: np.where(dups["same_region"], regions[cards["region"]][o], None),
            INDUSTRY: np.full(m, None, dtype=object),
            SIZE: np.full(m, None, dtype=object),
            CONTACT_PERSON: np.full(m, None, dtype=object),
            CREATED: dups["created"],
            MANAGER: words["manager"][dups["manager"]],
            STATUS: words["status"][dups["status"]],
            VIP: np.zeros(m, bool),
            KEY_ACCOUNT: np.zeros(m, bool),
            POTENTIAL: np.full(m, np.nan),
        }
    )
    out = pd.concat([orig, dup], ignore_index=True)
    out[CREATED] = start_ts + pd.to_timedelta(out[CREATED].to_numpy(dtype=np.int64), unit="D")
    out[CREATED] = out[CREATED].astype("datetime64[ns]")
    for c in (
        CLIENT_ID,
        NAME,
        PHONE,
        EMAIL,
        TAX_ID,
        REGION,
        INDUSTRY,
        SIZE,
        CONTACT_PERSON,
        MANAGER,
        STATUS,
    ):
        out[c] = out[c].astype("str")
    out[VIP] = out[VIP].astype(bool)
    out[KEY_ACCOUNT] = out[KEY_ACCOUNT].astype(bool)
    out[POTENTIAL] = out[POTENTIAL].astype("float64")
    return out.sort_values(CLIENT_ID, kind="stable").reset_index(drop=True)


def _truth(
    plan: dict,
    cards: dict,
    dups: dict,
    rid: np.ndarray,
    did: np.ndarray,
    forgotten: pd.DataFrame,
    start_ts: pd.Timestamp,
) -> dict[str, pd.DataFrame]:
    def dates(days: np.ndarray) -> pd.Series:
        s = pd.Series(start_ts + pd.to_timedelta(days, unit="D"))
        return s.where(pd.Series(days) >= 0).astype("datetime64[ns]")

    ch = np.flatnonzero(plan["churn"] >= 0)
    churn = pd.DataFrame(
        {
            CLIENT_ID: pd.Series(rid[ch], dtype="str"),
            CHURN_DATE: dates(plan["churn"][ch]),
            REACTIVATION_DATE: dates(plan["react"][ch]),
        }
    )
    duplicates = pd.DataFrame(
        {
            CLIENT_ID_A: pd.Series(rid[dups["orig"]], dtype="str"),
            CLIENT_ID_B: pd.Series(did, dtype="str"),
            KIND: pd.Series(np.array(DUPLICATE_KINDS, dtype=object)[dups["kind"]], dtype="str"),
        }
    )
    lead_idx = np.flatnonzero(~plan["is_buyer"])
    profiles = pd.DataFrame(
        {
            CLIENT_ID: pd.Series(rid, dtype="str"),
            RHYTHM: pd.Series(plan["rhythm"], dtype="str"),
            TREND_KIND: pd.Series(plan["trend"], dtype="str"),
            HAS_CARD: cards["has_card"].astype(bool),
        }
    )
    out = {
        "churn": churn,
        "duplicates": duplicates,
        "leads": pd.DataFrame({CLIENT_ID: pd.Series(rid[lead_idx], dtype="str")}),
        "vip_no_payback": pd.DataFrame(
            {CLIENT_ID: pd.Series([rid[int(plan["vip0"])]], dtype="str")}
        ),
        "key_accounts": pd.DataFrame(
            {CLIENT_ID: pd.Series(rid[np.flatnonzero(cards["key"])], dtype="str")}
        ),
        "profiles": profiles,
        "forgotten": pd.DataFrame(
            {
                CLIENT_ID: pd.Series(
                    rid[forgotten["client"].to_numpy(dtype=np.int64)], dtype="str"
                ),
                LAST_ACTIVITY: pd.Series(forgotten[LAST_ACTIVITY].to_numpy()).astype(
                    "datetime64[ns]"
                ),
            }
        ),
    }
    for name, frame in out.items():
        out[name] = frame.sort_values(list(frame.columns[:1]), kind="stable").reset_index(drop=True)
    return out


# --- files ---------------------------------------------------------------------------------------

#: file names and headers of the CRM-style export, per language
FILES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "ru": {
        TRANSACTIONS: (
            "продажи.csv",
            (
                "Дата",
                "Номер документа",
                "Клиент",
                "Номенклатура",
                "Категория",
                "Количество",
                "Цена",
                "Сумма",
                "Валовая прибыль",
                "Менеджер",
                "Канал",
            ),
        ),
        CLIENTS: (
            "клиенты.csv",
            (
                "Код клиента",
                "Наименование",
                "Телефон",
                "E-mail",
                "ИНН",
                "Регион",
                "Отрасль",
                "Размер",
                "Контактное лицо",
                "Дата создания",
                "Менеджер",
                "Статус",
                "VIP",
                "Ключевой клиент",
                "Потенциал",
            ),
        ),
        ACTIVITIES: (
            "задачи.csv",
            ("Клиент", "Дата создания", "Менеджер", "Тип", "Срок", "Выполнено"),
        ),
        SURVEYS: ("опросы.csv", ("Клиент", "Дата", "Оценка")),
    },
    "en": {
        TRANSACTIONS: (
            "transactions.csv",
            (
                "InvoiceDate",
                "InvoiceNo",
                "CustomerID",
                "Product",
                "Category",
                "Quantity",
                "Price",
                "Amount",
                "Margin",
                "Manager",
                "Channel",
            ),
        ),
        CLIENTS: (
            "clients.csv",
            (
                "CustomerID",
                "Name",
                "Phone",
                "Email",
                "TaxID",
                "Region",
                "Industry",
                "Size",
                "ContactPerson",
                "Created",
                "Manager",
                "Status",
                "VIP",
                "KeyAccount",
                "Potential",
            ),
        ),
        ACTIVITIES: ("activities.csv", ("CustomerID", "Created", "Manager", "Type", "Due", "Done")),
        SURVEYS: ("surveys.csv", ("CustomerID", "Date", "Score")),
    },
}
#: canonical columns in the order of the headers above
_FILE_COLUMNS = {
    TRANSACTIONS: (
        DATE,
        ORDER_ID,
        CLIENT_ID,
        PRODUCT,
        CATEGORY,
        QUANTITY,
        PRICE,
        AMOUNT,
        MARGIN,
        MANAGER,
        CHANNEL,
    ),
    CLIENTS: CLIENT_COLUMNS,
    ACTIVITIES: ACTIVITY_COLUMNS,
    SURVEYS: (CLIENT_ID, DATE, SCORE),
}
_DIALECT = {  # encoding, delimiter, line end, date, date with time, decimal mark, yes, no
    "ru": ("cp1251", ";", "\r\n", "%d.%m.%Y", "%d.%m.%Y %H:%M", ",", "Да", "Нет"),
    "en": ("utf-8", ",", "\n", "%Y-%m-%d", "%Y-%m-%d %H:%M", ".", "yes", "no"),
}
_MONEY = {PRICE, AMOUNT, MARGIN, POTENTIAL}
_NUMBER = {QUANTITY, SCORE}


def _format_column(s: pd.Series, column: str, table: str, lang: str) -> pd.Series:
    """Cells of one column as the export writes them (text; blanks as empty strings)."""
    _, _, _, dfmt, dtfmt, dec, yes, no = _DIALECT[lang]
    if pd.api.types.is_datetime64_any_dtype(s):
        fmt = dtfmt if (table == ACTIVITIES and column == CREATED) else dfmt
        return s.dt.strftime(fmt).fillna("").astype(object)
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: yes, False: no}).astype(object)
    if column in _MONEY or column in _NUMBER:
        fmt = "{:.2f}" if column in _MONEY else "{:.0f}"
        out = s.map(lambda v: "" if pd.isna(v) else fmt.format(v)).astype(object)
        return out.str.replace(".", dec, regex=False) if dec != "." else out
    return s.astype(object).where(s.notna(), "")


def _write_csv(frame: pd.DataFrame, path: Path, table: str, lang: str) -> Path:
    encoding, sep, eol, *_ = _DIALECT[lang]
    _, headers = FILES[lang][table]
    columns = _FILE_COLUMNS[table]
    out = pd.DataFrame(
        {h: _format_column(frame[c], c, table, lang) for h, c in zip(headers, columns)}
    )
    text = out.to_csv(index=False, sep=sep, lineterminator=eol)
    path.write_bytes(text.encode(encoding))
    return path


def _write_truth(frame: pd.DataFrame, path: Path) -> Path:
    out = pd.DataFrame(
        {
            c: (
                frame[c].dt.strftime("%Y-%m-%d").fillna("")
                if pd.api.types.is_datetime64_any_dtype(frame[c])
                else frame[c].map({True: "true", False: "false"})
                if pd.api.types.is_bool_dtype(frame[c])
                else frame[c].astype(object).where(frame[c].notna(), "")
            )
            for c in frame.columns
        }
    )
    path.write_bytes(out.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path


def write_base(base: SampleBase, out: str | Path, *, lang: str = "en") -> dict[str, Path]:
    """Write a base as CRM / accounting export files, with its truth in ``out/truth/``.

    Parameters
    ----------
    base : SampleBase
        Made by :func:`make_base` (its labels keep the language it was made in).
    out : str or Path
        Output folder, created if needed; files of the same names are overwritten.
    lang : {"en", "ru"}, default "en"
        The export format.

        ``"ru"``: ``продажи.csv``, ``клиенты.csv``, ``задачи.csv``, ``опросы.csv``; cp1251,
        delimiter ``;``, CRLF line ends, decimal comma (``12345,67``), dates ``dd.mm.yyyy``
        (activity ``created`` as ``dd.mm.yyyy hh:mm``), flags ``Да`` / ``Нет``, Russian
        headers (:data:`FILES`).

        ``"en"``: ``transactions.csv``, ``clients.csv``, ``activities.csv``, ``surveys.csv``;
        UTF-8, ``,``, LF, ISO dates (``yyyy-mm-dd``, ``yyyy-mm-dd hh:mm``), flags ``yes`` /
        ``no``, headers such as ``InvoiceDate,InvoiceNo,CustomerID,…``.

        Blanks are empty cells. The truth tables are always UTF-8 CSV with ``,`` and ISO
        dates: ``truth/<name>.csv`` for each name in ``base.truth``.

    Returns
    -------
    dict of str to Path
        ``"transactions"``, ``"clients"``, ``"activities"``, ``"surveys"`` and
        ``"truth/<name>"`` for each truth table, to the files written.

    Examples
    --------
    >>> import tempfile, reportkit as rk
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_base(make_base(100, 1), tmp, lang="ru")
    ...     ds = rk.load(tmp)
    ...     sorted(p.name for p in paths.values())[:4]
    ['churn.csv', 'duplicates.csv', 'forgotten.csv', 'key_accounts.csv']
    >>> paths["transactions"].name
    'продажи.csv'
    """
    check_param(isinstance(base, SampleBase), "base", "a SampleBase made by make_base", base)
    check_param(lang in ("en", "ru"), "lang", "'en' or 'ru'", lang)
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for table in (TRANSACTIONS, CLIENTS, ACTIVITIES, SURVEYS):
        frame = getattr(base, table)
        paths[table] = _write_csv(frame, out / FILES[lang][table][0], table, lang)
    for name, frame in base.truth.items():
        paths[f"truth/{name}"] = _write_truth(frame, out / "truth" / f"{name}.csv")
    return paths


def regenerate_sample(out: str | Path | None = None) -> dict[str, Path]:
    """Write the committed sample base (:data:`SAMPLE_ARGS`) to ``out``.

    ``out`` defaults to the bundled sample folder (``data/sample`` in a checkout). The committed
    files are exactly::

        write_base(make_base(2000, 3, end="2025-12-31", random_state=42, lang="ru"),
                   "data/sample", lang="ru")

    ``data/sample/README.md`` is written by hand and left alone.
    """
    if out is None:
        out = data_path("sample")
    args = dict(SAMPLE_ARGS)
    base = make_base(args.pop("n_clients"), args.pop("years"), **args)  # type: ignore[arg-type]
    return write_base(base, out, lang=str(SAMPLE_ARGS["lang"]))


__all__ = [
    "DUPLICATE_KINDS",
    "FILES",
    "RHYTHMS",
    "SAMPLE_ARGS",
    "TRUTH_TABLES",
    "SampleBase",
    "inn_check_digits",
    "make_base",
    "normalize_email",
    "normalize_phone",
    "regenerate_sample",
    "write_base",
]
