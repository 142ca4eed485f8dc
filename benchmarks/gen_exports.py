"""Generated sales exports for the loading benchmarks: a plain CSV, a 1C-style Russian CSV and
the same Russian table as an .xlsx (seeded, cached in ``benchmarks/_data/exports/``).

Usage::

    python benchmarks/gen_exports.py                          # 100k, 1M and 10M rows
    python benchmarks/gen_exports.py --rows 100000 1000000    # chosen sizes
    python benchmarks/gen_exports.py --rows 1000000 --kinds plain russian

Importable from the other benchmark scripts (``sys.path[0]`` is ``benchmarks/`` when they run)::

    from gen_exports import plain_csv, russian_csv, russian_xlsx
    path = plain_csv(1_000_000)          # writes the file the first time, then returns it

Files (a file that already exists is not written again; delete it to regenerate):

``plain_{rows}.csv``
    UTF-8, ``,``, header ``client_id,date,amount,order_id``; ISO dates 2022-01-01..2024-12-31
    in date order; amounts with 2 decimals (lognormal, about 5 % negative = returns); order ids
    ``O000012345`` with 1-n lines per order (geometric, mean 2.5), client ids ``C0001234``.
``russian_{rows}.csv``
    cp1251, ``;``, CRLF, as 1C writes it: a title line ``Отчет о продажах`` and a blank line
    above the header ``Дата;Номер документа;Код клиента;Номенклатура;Группа;Количество;Цена;
    Сумма;Менеджер;Канал``; dates ``dd.mm.yyyy``, decimal commas, a space as the thousands
    separator in about half the rows (``1 234,50``); ~2000 products in 30 groups (some names
    hold double quotes, so those fields are quoted), 20 managers, 4 channels.
``russian_{rows}.xlsx``
    The same table (the same rows as ``russian_{rows}.csv``) on one sheet, title line and blank
    row included; dates are Excel dates, quantity / price / amount are numbers. Written with
    openpyxl's write-only (streaming) mode, about 2 minutes per million rows; at most
    1,048,573 rows (the sheet limit).

Every file has ``rows // 10`` distinct clients (each client has at least one order; the other
orders go to clients with skewed weights). Rows are made with numpy and formatted / written with
polars, in chunks of 1M rows: the 10M-row CSVs take about 5 s (plain) and 20 s (cp1251) and
less than 1 GB of memory.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).resolve().parent / "_data" / "exports"
SEED = 20240607
CHUNK = 1_000_000
LINES_PER_ORDER = 2.5
RETURN_SHARE = 0.05
FIRST_DAY = np.datetime64("2022-01-01", "D")
N_DAYS = int((np.datetime64("2024-12-31", "D") - FIRST_DAY).astype(int)) + 1   # 1096
EXCEL_MAX_ROWS = 1_048_576

PLAIN_HEADER = ["client_id", "date", "amount", "order_id"]
RU_TITLE = "Отчет о продажах"
RU_HEADER = ["Дата", "Номер документа", "Код клиента", "Номенклатура", "Группа", "Количество",
             "Цена", "Сумма", "Менеджер", "Канал"]
RU_SKIP_ROWS = 2           # title line + blank line above the header (CSV and xlsx alike)

# --- Russian vocabulary ----------------------------------------------------------------------

_GROUPS = {  # Группа -> product nouns
    "Лакокрасочные материалы": ["Краска фасадная", "Эмаль ПФ-115", "Грунтовка", "Лак яхтный"],
    "Сухие смеси": ["Штукатурка гипсовая", "Шпатлёвка финишная", "Наливной пол", "Цемент М500"],
    "Крепёж": ["Саморез по дереву", "Дюбель-гвоздь", "Анкерный болт", "Шуруп кровельный"],
    "Ручной инструмент": ["Молоток слесарный", "Отвёртка крестовая", "Ножовка по дереву",
                          "Уровень строительный"],
    "Электроинструмент": ["Дрель ударная", "Шуруповёрт аккумуляторный", "Перфоратор",
                          "Болгарка"],
    "Сантехника": ["Смеситель для кухни", "Унитаз компакт", "Раковина накладная",
                   "Сифон для ванны"],
    "Электрика": ["Кабель ВВГнг", "Розетка с заземлением", "Выключатель двухклавишный",
                  "Автомат защиты"],
    "Кровля": ["Металлочерепица", "Профнастил С8", "Гибкая черепица", "Водосток"],
    "Утеплители": ["Минеральная вата", "Пенополистирол", "Пеноплэкс", "Базальтовая плита"],
    "Гипсокартон и профили": ["Гипсокартон влагостойкий", "Профиль направляющий",
                              "Профиль стоечный", "Подвес прямой"],
    "Пиломатериалы": ["Доска обрезная", "Брус строганый", "Вагонка сосна", "Фанера ФК"],
    "Плитка": ["Плитка керамическая", "Керамогранит", "Мозаика стеклянная", "Бордюр"],
    "Клеи и герметики": ["Клей плиточный", "Герметик силиконовый", "Пена монтажная",
                         "Клей ПВА"],
    "Двери": ["Дверь межкомнатная", "Дверь входная", "Дверная ручка", "Петля дверная"],
    "Окна": ["Окно ПВХ", "Подоконник", "Откос оконный", "Москитная сетка"],
    "Напольные покрытия": ["Ламинат", "Линолеум", "Паркетная доска", "Плинтус напольный"],
    "Обои": ["Обои флизелиновые", "Обои виниловые", "Стеклохолст", "Клей обойный"],
    "Освещение": ["Светильник потолочный", "Лампа светодиодная", "Прожектор", "Люстра"],
    "Садовый инвентарь": ["Лопата штыковая", "Грабли веерные", "Шланг поливочный", "Тачка садовая"],
    "Спецодежда": ["Костюм рабочий", "Перчатки х/б", "Сапоги резиновые", "Жилет сигнальный"],
    "Средства защиты": ["Очки защитные", "Респиратор", "Каска строительная", "Наушники"],
    "Бытовая химия": ["Средство чистящее", "Растворитель 646", "Уайт-спирит", "Антисептик"],
    "Хозтовары": ["Ведро строительное", "Мешок для мусора", "Щётка-смётка", "Таз пластиковый"],
    "Трубы и фитинги": ["Труба полипропиленовая", "Муфта соединительная", "Угол 90°",
                        "Тройник"],
    "Отопление": ["Радиатор биметаллический", "Котёл газовый", "Терморегулятор",
                  "Кран шаровой"],
    "Вентиляция": ["Вентилятор вытяжной", "Решётка вентиляционная", "Воздуховод", "Клапан"],
    "Металлопрокат": ["Арматура А500С", "Уголок стальной", "Труба профильная",
                      "Лист оцинкованный"],
    "Лестницы и стремянки": ["Стремянка алюминиевая", "Лестница приставная",
                             "Лестница-трансформер", "Подмости"],
    "Упаковка": ["Плёнка стрейч", "Скотч малярный", "Коробка картонная", "Плёнка укрывная"],
    "Канцтовары": ["Карандаш строительный", "Маркер перманентный", "Рулетка 5 м",
                   "Нож канцелярский"],
}
_BRANDS = ["Текс", "Тиккурила", "Кнауф", "Волма", "Зубр", "Интерскол", "Основит", "Церезит",
           "Технониколь", "Изовер", "Сибртех", "Форман", "Эксперт", "Мастер", "Практик", "Стандарт"]
_VARIANTS = ["", "белый", "серый", "чёрный", "эконом", "стандарт", "премиум", "проф.",
             "малый", "большой", "усиленный", "для наружных работ"]
_MANAGERS = ["Иванов А.С.", "Петрова Е.В.", "Смирнов Д.А.", "Кузнецова О.Н.", "Попов И.И.",
             "Васильева Т.М.", "Соколов П.Р.", "Михайлова Н.Г.", "Новиков С.В.", "Фёдорова А.А.",
             "Морозов В.Е.", "Волкова Ю.С.", "Алексеев К.Д.", "Лебедева М.П.", "Семёнов Р.О.",
             "Егорова Л.Ф.", "Павлов Г.Б.", "Козлова И.Ю.", "Степанов Е.Н.", "Николаева Д.К."]
_CHANNELS = ["Опт", "Розница", "Интернет-магазин", "Дилеры"]
_CHANNEL_P = [0.45, 0.30, 0.15, 0.10]
N_PRODUCTS = 2000


def _rng(*key: int) -> np.random.Generator:
    return np.random.default_rng([SEED, *key])


def product_pool(n: int = N_PRODUCTS) -> pl.DataFrame:
    """``n`` distinct products: ``name`` (Cyrillic; about 1 in 4 holds a brand in double
    quotes), ``group`` (30 groups), ``price_cents`` (base price, lognormal by group)."""
    rng = _rng(0)
    groups = list(_GROUPS)
    nouns = [(g, noun) for g in groups for noun in _GROUPS[g]]
    space = len(nouns) * len(_BRANDS) * len(_VARIANTS)
    pick = rng.choice(space, n, replace=False)
    noun_i, rest = np.divmod(pick, len(_BRANDS) * len(_VARIANTS))
    brand_i, var_i = np.divmod(rest, len(_VARIANTS))
    quoted = rng.random(n) < 0.25
    article = rng.integers(10_000, 99_999, n)
    names, group_of = [], []
    for k in range(n):  # the pool only (2000 names), not the rows
        g, noun = nouns[noun_i[k]]
        brand = f'"{_BRANDS[brand_i[k]]}"' if quoted[k] else _BRANDS[brand_i[k]]
        name = " ".join(p for p in (noun, brand, _VARIANTS[var_i[k]]) if p)
        names.append(f"{name}, арт. {article[k]}")
        group_of.append(groups.index(g))
    group_median = rng.lognormal(6.0, 1.2, len(groups))          # ~400 rub, widely spread
    price = group_median[group_of] * rng.lognormal(0.0, 0.5, n)
    return pl.DataFrame({"name": names, "group": [groups[i] for i in group_of],
                         "price_cents": np.maximum(np.round(price * 100), 100).astype(np.int64)})


# --- the rows ---------------------------------------------------------------------------------


class _Orders:
    """Orders over the whole file, made chunk by chunk: every row belongs to an order (1-n
    lines, geometric with mean 2.5); all lines of an order share its client and date; dates
    rise with the row number (the file is in date order)."""

    def __init__(self, rows: int, kind: int):
        self.rows, self.kind, self.next_order = rows, kind, 0
        self.n_clients = max(rows // 10, 1)
        # client of the 1st, 4th, 7th, ... order: every client once, in a shuffled order
        self.cover = _rng(kind, rows, 999_999).permutation(self.n_clients)

    def chunk(self, start: int, stop: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n = stop - start
        new = rng.random(n) < 1 / LINES_PER_ORDER
        new[0] = True                                  # a chunk starts a new order
        pos = np.cumsum(new) - 1                       # row -> its order within the chunk
        head = np.flatnonzero(new)
        j = self.next_order + np.arange(len(head))     # global order numbers
        self.next_order += len(head)
        nc = self.n_clients
        skewed = np.minimum((rng.random(len(head)) ** 1.7 * nc).astype(np.int64), nc - 1)
        covered = (j % 3 == 0) & (j // 3 < nc)
        client = self.cover[np.where(covered, np.minimum(j // 3, nc - 1), skewed)]
        day = ((start + head + rng.random(len(head))) * (N_DAYS / self.rows)).astype(np.int64)
        return {"order": j[pos], "client": client[pos], "day": np.minimum(day, N_DAYS - 1)[pos],
                "head": head, "pos": pos, "n_orders": np.int64(len(head))}


def _chunks(rows: int, chunk: int = CHUNK):
    for k, start in enumerate(range(0, rows, chunk)):
        yield k, start, min(start + chunk, rows)


def _date_expr(col: str) -> pl.Expr:
    return (pl.col(col) + int(FIRST_DAY.astype(int))).cast(pl.Int32).cast(pl.Date)


def _padded(prefix: str, col: str, width: int) -> pl.Expr:
    return pl.concat_str([pl.lit(prefix), pl.col(col).cast(pl.String).str.zfill(width)])


def plain_frame(rows: int, start: int, stop: int, orders: _Orders) -> pl.DataFrame:
    """Rows ``start:stop`` of ``plain_{rows}.csv`` (call in order of ``start``)."""
    rng = _rng(1, rows, start)
    o = orders.chunk(start, stop, rng)
    n = stop - start
    amount = np.maximum(np.round(rng.lognormal(6.5, 1.3, n), 2), 0.5)
    amount[rng.random(n) < RETURN_SHARE] *= -1
    return pl.DataFrame({"c": o["client"], "d": o["day"], "amount": amount,
                         "o": o["order"]}).select(
        _padded("C", "c", 7).alias("client_id"), _date_expr("d").alias("date"),
        pl.col("amount"), _padded("O", "o", 9).alias("order_id"))


def _ru_money(col: str, spaced: str) -> pl.Expr:
    """Cents -> ``-1 234,50`` (space as thousands separator where ``spaced``) / ``-1234,50``."""
    a = pl.col(col).abs()
    whole = a // 100

    def z3(e: pl.Expr) -> pl.Expr:
        return e.cast(pl.String).str.zfill(3)

    grouped = (pl.when(whole >= 1_000_000)
               .then(pl.format("{} {} {}", whole // 1_000_000, z3((whole // 1000) % 1000),
                               z3(whole % 1000)))
               .when(whole >= 1000).then(pl.format("{} {}", whole // 1000, z3(whole % 1000)))
               .otherwise(whole.cast(pl.String)))
    intpart = pl.when(pl.col(spaced)).then(grouped).otherwise(whole.cast(pl.String))
    sign = pl.when(pl.col(col) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, intpart, pl.lit(","),
                          (a % 100).cast(pl.String).str.zfill(2)]).alias(col)


_POOL: pl.DataFrame | None = None


def _pool() -> pl.DataFrame:
    global _POOL
    if _POOL is None:
        _POOL = product_pool()
    return _POOL


def russian_frame(rows: int, start: int, stop: int, orders: _Orders) -> pl.DataFrame:
    """Rows ``start:stop`` of the Russian table, typed: ``Дата`` Date, ``Количество`` Int64,
    ``Цена`` / ``Сумма`` Int64 cents, text columns, and ``spaced`` (Boolean, the row's amounts
    are written with a thousands separator). Call in order of ``start``."""
    rng = _rng(2, rows, start)
    o = orders.chunk(start, stop, rng)
    n, k = stop - start, len(o["head"])
    pool = _pool()
    prod = np.minimum((rng.random(n) ** 2.0 * len(pool)).astype(np.int64), len(pool) - 1)
    qty = np.minimum(rng.geometric(0.25, n), 500).astype(np.int64)
    price = np.maximum(np.round(pool["price_cents"].to_numpy()[prod]
                                * rng.normal(1.0, 0.03, n)), 1).astype(np.int64)
    qty[rng.random(n) < RETURN_SHARE] *= -1
    channel = rng.choice(len(_CHANNELS), k, p=_CHANNEL_P)[o["pos"]]
    frame = pl.DataFrame({
        "d": o["day"], "o": o["order"], "c": o["client"], "prod": prod, "qty": qty,
        "price": price, "mgr": (o["client"] * 7 + 3) % len(_MANAGERS), "ch": channel,
        "spaced": rng.random(n) < 0.5})
    managers, channels = pl.Series(_MANAGERS), pl.Series(_CHANNELS)
    return frame.select(
        _date_expr("d").alias("Дата"), _padded("ЦБ-", "o", 8).alias("Номер документа"),
        _padded("К", "c", 7).alias("Код клиента"),
        pool["name"].gather(frame["prod"]).alias("Номенклатура"),
        pool["group"].gather(frame["prod"]).alias("Группа"),
        pl.col("qty").alias("Количество"), pl.col("price").alias("Цена"),
        (pl.col("qty") * pl.col("price")).alias("Сумма"),
        managers.gather(frame["mgr"]).alias("Менеджер"),
        channels.gather(frame["ch"]).alias("Канал"), pl.col("spaced"))


def _ru_text(frame: pl.DataFrame) -> pl.DataFrame:
    """The Russian table as the CSV shows it (all text)."""
    return frame.select(
        pl.col("Дата").dt.strftime("%d.%m.%Y"), "Номер документа", "Код клиента", "Номенклатура",
        "Группа", pl.col("Количество").cast(pl.String), _ru_money("Цена", "spaced"),
        _ru_money("Сумма", "spaced"), "Менеджер", "Канал")


# --- the files --------------------------------------------------------------------------------


def _write_once(path: Path, write) -> Path:
    """Run ``write(tmp_path)`` unless ``path`` exists; rename when it completes (cache)."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    print(f"  writing {path.name} …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"  wrote {path.name} in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    return path


def plain_csv(rows: int) -> Path:
    """``plain_{rows}.csv`` (written the first time)."""
    def write(tmp: Path) -> None:
        orders = _Orders(rows, 1)
        with open(tmp, "wb") as fh:
            for k, start, stop in _chunks(rows):
                plain_frame(rows, start, stop, orders).write_csv(
                    fh, include_header=k == 0, float_precision=2)

    return _write_once(DATA / f"plain_{rows}.csv", write)


def russian_csv(rows: int) -> Path:
    """``russian_{rows}.csv`` (cp1251, written the first time)."""
    def write(tmp: Path) -> None:
        orders = _Orders(rows, 2)
        with open(tmp, "wb") as fh:
            fh.write(f"{RU_TITLE}\r\n\r\n{';'.join(RU_HEADER)}\r\n".encode("cp1251"))
            for _, start, stop in _chunks(rows):
                buf = io.BytesIO()
                _ru_text(russian_frame(rows, start, stop, orders)).write_csv(
                    buf, include_header=False, separator=";", line_terminator="\r\n")
                fh.write(buf.getvalue().decode("utf-8").encode("cp1251"))

    return _write_once(DATA / f"russian_{rows}.csv", write)


def russian_xlsx(rows: int) -> Path:
    """``russian_{rows}.xlsx`` (the rows of ``russian_{rows}.csv``; written the first time)."""
    if rows + RU_SKIP_ROWS + 1 > EXCEL_MAX_ROWS:
        raise ValueError(f"{rows:,} rows do not fit on one sheet (at most "
                         f"{EXCEL_MAX_ROWS - RU_SKIP_ROWS - 1:,})")

    def write(tmp: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Продажи")
        ws.append([RU_TITLE])
        ws.append([])
        ws.append(RU_HEADER)
        orders = _Orders(rows, 2)

        def cell(value, fmt):
            c = WriteOnlyCell(ws, value=value)
            c.number_format = fmt
            return c

        for _, start, stop in _chunks(rows):
            f = russian_frame(rows, start, stop, orders)
            cols = [f["Дата"].to_list()] + [f[c].to_list() for c in RU_HEADER[1:6]] + [
                (f["Цена"] / 100).to_list(), (f["Сумма"] / 100).to_list(),
                f["Менеджер"].to_list(), f["Канал"].to_list()]
            del f
            for d, doc, cl, name, grp, q, p, s, m, ch in zip(*cols):  # openpyxl takes rows
                ws.append([cell(d, "DD.MM.YYYY"), doc, cl, name, grp, q,
                           cell(p, "#,##0.00"), cell(s, "#,##0.00"), m, ch])
        wb.save(tmp)

    return _write_once(DATA / f"russian_{rows}.xlsx", write)


KINDS = {"plain": plain_csv, "russian": russian_csv, "xlsx": russian_xlsx}
NAMES = {"plain": "plain_{}.csv", "russian": "russian_{}.csv", "xlsx": "russian_{}.xlsx"}


def path_of(kind: str, rows: int) -> Path:
    """Where ``KINDS[kind](rows)`` writes its file (it may not exist yet)."""
    return DATA / NAMES[kind].format(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                    help="sizes to build (default 100000 1000000 10000000)")
    ap.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS),
                    help="files to build (default all; xlsx only up to the sheet limit)")
    args = ap.parse_args(argv)
    print(f"{'file':<28} {'rows':>12} {'seconds':>9} {'MB':>9}")
    for rows in args.rows:
        for kind in args.kinds:
            if kind == "xlsx" and rows + RU_SKIP_ROWS + 1 > EXCEL_MAX_ROWS:
                print(f"{'russian_' + str(rows) + '.xlsx':<28} {rows:>12,}   skipped: more rows "
                      "than a sheet holds")
                continue
            cached = path_of(kind, rows).is_file()
            t0 = time.perf_counter()
            path = KINDS[kind](rows)
            sec = time.perf_counter() - t0
            print(f"{path.name:<28} {rows:>12,} {sec:9.2f} {path.stat().st_size / 2**20:9.1f}"
                  + ("  (cached)" if cached else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
