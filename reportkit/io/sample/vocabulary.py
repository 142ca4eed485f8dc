"""The words of a sample base: products and their categories, regions, and the labels of
industries, sizes, statuses, activity types, channels and managers, in Russian and English.
"""

from __future__ import annotations

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
