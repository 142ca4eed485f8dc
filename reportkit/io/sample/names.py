"""Client, person and company names of a sample base, and the ways a name is written again.

Russian and English word lists; :class:`_Name` keeps a name in parts so that a duplicate card
can write it differently (quotes, word order, ё/е, case, a typo: :func:`_name_variant`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
