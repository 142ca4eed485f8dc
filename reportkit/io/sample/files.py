"""A sample base written as the files of a CRM / accounting export, and the committed sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...errors import check_param
from ..resources import data_path
from ..schema import (
    ACTIVITIES,
    AMOUNT,
    CATEGORY,
    CHANNEL,
    CLIENT_ID,
    CLIENTS,
    CREATED,
    DATE,
    MANAGER,
    MARGIN,
    ORDER_ID,
    POTENTIAL,
    PRICE,
    PRODUCT,
    QUANTITY,
    SCORE,
    SURVEYS,
    TRANSACTIONS,
)
from .base import SampleBase, make_base
from .sales_plan import write_plan
from .shape import (
    ACTIVITY_COLUMNS,
    CLIENT_COLUMNS,
    SAMPLE_ARGS,
)

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

    followed by the sales plan of the next quarter (``plan.csv`` and ``truth/plan.csv``,
    :func:`reportkit.io.sample.sales_plan.write_plan`). ``data/sample/README.md`` is written by
    hand and left alone.
    """
    if out is None:
        out = data_path("sample")
    args = dict(SAMPLE_ARGS)
    base = make_base(args.pop("n_clients"), args.pop("years"), **args)  # type: ignore[arg-type]
    paths = write_base(base, out, lang=str(SAMPLE_ARGS["lang"]))
    paths.update(write_plan(base.transactions, out))
    return paths
