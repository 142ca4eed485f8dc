"""The lifecycle matrix of the client base and the reactivation list.

Every known client sits in exactly one of eight blocks (``dead`` split in two), each with a short
reason in English or Russian:

============== ======= =========================================================================
block          zone    rule (defaults from :class:`~reportkit.io.config.LifecycleRules`)
============== ======= =========================================================================
potential      birth   known (clients table or a lead), no orders, status not "agreed to work"
active         birth   no orders, ``status`` in ``active_statuses``
working        birth   1 – 2 orders (fewer than ``regular_orders``)
regular        life    3+ orders (``regular_orders``)
proven         life    10+ orders (``proven_orders``) and 12+ full months since the first order
                       (``proven_tenure_months``)
vip            life    ``vip`` flag in the clients table
key            life    ``key_account`` flag; without that column (and ``derive_key``): proven,
                       class A by revenue over the window (``abc`` or the top
                       ``key_revenue_share`` of revenue), revenue not below the previous window,
                       and a positive margin when margin is known
dead_*         death   silent longer than max(``dead_days``, ``dead_interval_multiple`` × usual
                       interval); ``dead_reanimatable`` with ``reanimatable_min_orders``+ orders
                       or lifetime revenue above the median client's, and not refused;
                       otherwise ``dead_lost``
============== ======= =========================================================================

Precedence, first match wins: no orders (active, else potential) → dead (a dead VIP is dead) →
key → vip → proven → regular → working. Flags only apply to clients with orders: a flagged lead
stays potential/active (and a flagged VIP lead is listed for review).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, check_param
from ..io.config import LifecycleRules
from ..io.load import parse_flags
from ..io.schema import (
    ABC,
    AS_OF,
    BEST12_REVENUE,
    BLOCK,
    CLIENT_ID,
    CLIENT_SHARE,
    CREATED,
    FIRST_ORDER,
    INTERVAL_DAYS,
    KEY_ACCOUNT,
    LAST_ORDER,
    MANAGER,
    MARGIN_WINDOW,
    N_CLIENTS,
    NAME,
    ORDERS_TOTAL,
    REASON,
    RECENCY_DAYS,
    REFUSED,
    REVENUE,
    REVENUE_PREV_WINDOW,
    REVENUE_SHARE,
    REVENUE_TOTAL,
    REVENUE_WINDOW,
    STATUS,
    USUAL_INTERVAL_DAYS,
    VIP,
    ZONE,
)
from ..report.text import fmt_date, fmt_int, fmt_money, fmt_pct, label

# --- blocks and zones ----------------------------------------------------------------------------
POTENTIAL = "potential"
ACTIVE = "active"
WORKING = "working"
REGULAR = "regular"
PROVEN = "proven"
VIP_BLOCK = "vip"
KEY = "key"
DEAD_REANIMATABLE = "dead_reanimatable"
DEAD_LOST = "dead_lost"

#: the blocks in canonical (ladder) order
BLOCKS: tuple[str, ...] = (POTENTIAL, ACTIVE, WORKING, REGULAR, PROVEN, VIP_BLOCK, KEY,
                           DEAD_REANIMATABLE, DEAD_LOST)
BIRTH, LIFE, DEATH = "birth", "life", "death"
ZONES: tuple[str, ...] = (BIRTH, LIFE, DEATH)
ZONE_OF: dict[str, str] = {
    POTENTIAL: BIRTH, ACTIVE: BIRTH, WORKING: BIRTH,
    REGULAR: LIFE, PROVEN: LIFE, VIP_BLOCK: LIFE, KEY: LIFE,
    DEAD_REANIMATABLE: DEATH, DEAD_LOST: DEATH,
}
#: blocks of clients with at least one order that are not dead
LIVING_BLOCKS: tuple[str, ...] = (WORKING, REGULAR, PROVEN, VIP_BLOCK, KEY)


#: the default lifecycle rules (frozen: one shared instance)
_DEFAULT_RULES = LifecycleRules()


def block_label(block: str, lang: str = "en") -> str:
    """Display name of a block (from :mod:`reportkit.report.text`).

    >>> block_label("dead_reanimatable"), block_label("regular", "ru")
    ('Dead, can be reactivated', 'Постоянные')
    """

    return label(block, lang, "block")


def zone_label(zone: str, lang: str = "en") -> str:
    """Display name of a zone (from :mod:`reportkit.report.text`)."""

    return label(zone, lang, "zone")


LANGS = ("en", "ru")

#: labels merged by :mod:`reportkit.report.text` under ``lifecycle.`` (``t("lifecycle.n_clients")``)
LABELS: dict[str, dict[str, str]] = {
    "en": {"n_clients": "Clients", "client_share": "Share of clients",
           "revenue_share": "Share of revenue", "usual_interval_days": "Usual cycle, days",
           "best12_revenue": "Best 12 months revenue", "reactivation_list": "Reactivation list",
           "vip_review": "VIP clients to review", "summary": "Lifecycle matrix"},
    "ru": {"n_clients": "Клиентов", "client_share": "Доля клиентов",
           "revenue_share": "Доля выручки", "usual_interval_days": "Обычный цикл, дней",
           "best12_revenue": "Выручка за лучшие 12 месяцев",
           "reactivation_list": "Список на реактивацию",
           "vip_review": "VIP-клиенты на проверку", "summary": "Матрица жизненного цикла"},
}

_SNAPSHOT_REQUIRED = (CLIENT_ID, AS_OF, FIRST_ORDER, RECENCY_DAYS, ORDERS_TOTAL, INTERVAL_DAYS,
                      REVENUE_TOTAL, REVENUE_WINDOW)


# --- small helpers --------------------------------------------------------------------------------

def check_rules(rules: LifecycleRules) -> None:
    """Raise :class:`~reportkit.errors.ParameterError` when a lifecycle threshold is unusable."""
    check_param(isinstance(rules, LifecycleRules), "rules", "a LifecycleRules", rules)

    def is_int(v: object, lo: int) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool) and bool(v >= lo)

    check_param(is_int(rules.regular_orders, 1), "rules.regular_orders",
                "an integer >= 1", rules.regular_orders)
    check_param(is_int(rules.proven_orders, 1), "rules.proven_orders", "an integer >= 1",
                rules.proven_orders)
    check_param(is_int(rules.proven_tenure_months, 0), "rules.proven_tenure_months",
                "an integer >= 0", rules.proven_tenure_months)
    check_param(is_int(rules.dead_days, 1), "rules.dead_days", "an integer >= 1 (days)",
                rules.dead_days)
    check_param(isinstance(rules.dead_interval_multiple, (int, float))
                and rules.dead_interval_multiple >= 0, "rules.dead_interval_multiple",
                "a number >= 0", rules.dead_interval_multiple)
    check_param(is_int(rules.reanimatable_min_orders, 1), "rules.reanimatable_min_orders",
                "an integer >= 1", rules.reanimatable_min_orders)
    check_param(rules.deal_cycle_days is None or (isinstance(rules.deal_cycle_days, (int, float))
                                                   and rules.deal_cycle_days > 0),
                "rules.deal_cycle_days", "None or a positive number of days",
                rules.deal_cycle_days)
    check_param(isinstance(rules.key_revenue_share, (int, float))
                and 0 < rules.key_revenue_share <= 1, "rules.key_revenue_share",
                "a share with 0 < share <= 1", rules.key_revenue_share)


def _check_lang(lang: str) -> None:
    check_param(lang in LANGS, "lang", "'en' or 'ru'", lang)


_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "order": {"en": ("order", "orders"), "ru": ("заказ", "заказа", "заказов")},
    "day": {"en": ("day", "days"), "ru": ("день", "дня", "дней")},
    "month": {"en": ("month", "months"), "ru": ("месяц", "месяца", "месяцев")},
    "client": {"en": ("client", "clients"), "ru": ("клиент", "клиента", "клиентов")},
    "quarter": {"en": ("quarter", "quarters"), "ru": ("квартал", "квартала", "кварталов")},
}


@functools.lru_cache(maxsize=4096)
def plural_word(n: int, lang: str, noun: str) -> str:
    """The form of ``noun`` ("order", "day", "month", "client") that goes with the count ``n``.

    >>> plural_word(22, "ru", "client"), plural_word(1, "en", "client")
    ('клиента', 'client')
    """
    forms = _WORDS[noun][lang]
    k = abs(int(n))
    if lang == "en":
        return forms[0] if k == 1 else forms[1]
    if 11 <= k % 100 <= 14:
        return forms[2]
    if k % 10 == 1:
        return forms[0]
    if 2 <= k % 10 <= 4:
        return forms[1]
    return forms[2]


@functools.lru_cache(maxsize=16384)
def count_phrase(n: int, lang: str, noun: str) -> str:
    """A count with its noun in the right form: English one/many, Russian one/few/many.

    >>> [count_phrase(k, "ru", "order") for k in (1, 2, 5, 11, 21, 22, 112)]
    ['1 заказ', '2 заказа', '5 заказов', '11 заказов', '21 заказ', '22 заказа', '112 заказов']
    >>> count_phrase(1, "en", "day"), count_phrase(40, "en", "day")
    ('1 day', '40 days')
    """
    return f"{n} {plural_word(n, lang, noun)}"


def full_months(start: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """Full calendar months from each start date to ``end`` (pandas month-offset rule).

    ``start + k months`` clips to the month's last day, so 31 Jan → 28 Feb is one month.

    >>> s = pd.Series(pd.to_datetime(["2023-06-30", "2023-07-01", "2023-01-31"]))
    >>> full_months(s, pd.Timestamp("2024-06-30")).tolist()
    [12.0, 11.0, 17.0]
    """
    start = pd.to_datetime(pd.Series(start).reset_index(drop=True))
    y1, m1, d1 = start.dt.year.to_numpy(), start.dt.month.to_numpy(), start.dt.day.to_numpy()
    months = (end.year - y1) * 12 + (end.month - m1)
    clipped_day = np.minimum(d1, end.days_in_month)
    months = months - (clipped_day > end.day)
    return months.astype("float64")


def _flags(clients: pd.DataFrame | None, column: str, ids: pd.Index) -> np.ndarray:
    """A bool per id from a yes/no column of the clients table (False when absent)."""
    if clients is None or column not in clients.columns:
        return np.zeros(len(ids), dtype=bool)
    col = clients[column]
    if pd.api.types.is_bool_dtype(col):
        values = col.fillna(False).astype(bool)
    elif pd.api.types.is_numeric_dtype(col):
        values = col.fillna(0).astype("float64") != 0
    else:

        values = parse_flags(col)[0]
    values = pd.Series(values.to_numpy(), index=clients.index)
    return values.reindex(ids, fill_value=False).to_numpy(dtype=bool)


def _prepare_clients(clients: pd.DataFrame | None) -> pd.DataFrame | None:
    if clients is None:
        return None
    if not isinstance(clients, pd.DataFrame):
        raise InputError(f"`clients` must be a DataFrame (the clients table) or None, "
                         f"got {type(clients).__name__}.")
    if CLIENT_ID not in clients.columns:
        raise InputError(f"the clients table has no `{CLIENT_ID}` column (columns: "
                         f"{', '.join(map(str, clients.columns))}); load it with reportkit.load "
                         f"or rename the id column to `{CLIENT_ID}`.")
    ids = clients[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(f"the clients table repeats {dup.nunique()} client_id value(s) "
                         f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); keep one row per "
                         f"client (reportkit.load keeps the first record).")
    out = clients.copy()
    out.index = pd.Index(ids, name=CLIENT_ID)
    return out


def _check_snapshot(snapshot: pd.DataFrame, required: tuple[str, ...], what: str
                    ) -> tuple[pd.DataFrame, pd.Timestamp]:
    if not isinstance(snapshot, pd.DataFrame):
        raise InputError(f"`snapshot` must be a DataFrame from reportkit.snapshot(), "
                         f"got {type(snapshot).__name__}.")
    missing = [c for c in required if c not in snapshot.columns]
    if missing:
        raise InputError(f"{what} needs the snapshot column(s) {', '.join(missing)}, which are "
                         f"missing; build the snapshot with reportkit.snapshot(panel, as_of=...).")
    ids = snapshot[CLIENT_ID].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(f"the snapshot repeats {dup.nunique()} client_id value(s) "
                         f"(e.g. {', '.join(map(repr, dup.unique()[:3]))}); a snapshot has one "
                         f"row per client.")
    as_of_values = pd.to_datetime(snapshot[AS_OF]).dropna().unique()
    if len(as_of_values) != 1:
        raise InputError(f"the snapshot column `{AS_OF}` must hold one date, got "
                         f"{len(as_of_values)} distinct values; classify one snapshot at a time.")
    return snapshot, pd.Timestamp(as_of_values[0])


# --- the result object ----------------------------------------------------------------------------

@dataclass
class Lifecycle:
    """The lifecycle matrix of a client base as of one date.

    Attributes
    ----------
    frame : DataFrame
        One row per known client: ``client_id``, ``block`` (categorical, canonical order),
        ``zone`` (birth / life / death), ``reason`` (text in ``lang``), ``revenue_window``.
    summary : DataFrame
        One row per block in canonical order: ``block``, ``zone``, ``n_clients``,
        ``client_share``, ``revenue`` (revenue over the window), ``revenue_share``.
    vip_review : DataFrame
        VIP-flagged clients that do not pay back: ``client_id``, ``block``, ``revenue_window``
        (and ``margin_window`` when known), ``reason``.
    notes : list of str
        What the classification assumed (missing columns, derived key clients, …).
    as_of : Timestamp
    lang : str
    rules : LifecycleRules
    """

    frame: pd.DataFrame
    summary: pd.DataFrame
    vip_review: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    as_of: pd.Timestamp | None = None
    lang: str = "en"
    rules: LifecycleRules = field(default_factory=LifecycleRules)

    def to_frame(self) -> pd.DataFrame:
        """The per-client table (a copy of :attr:`frame`)."""
        return self.frame.copy()

    def counts(self) -> pd.Series:
        """Clients per block, in canonical order (zero blocks included)."""
        return self.summary.set_index(BLOCK)[N_CLIENTS]

    def __repr__(self) -> str:
        parts = ", ".join(f"{b}={n}" for b, n in self.counts().items() if n)
        day = self.as_of.date() if self.as_of is not None else None
        return f"Lifecycle(as_of={day}, clients={len(self.frame):,}: {parts})"

    def _repr_html_(self) -> str:
        head = (("block", "zone", "clients", "share", "revenue", "revenue share")
                if self.lang == "en" else
                ("блок", "зона", "клиентов", "доля", "выручка", "доля выручки"))
        rows = []
        for r in self.summary.itertuples(index=False):
            rs = fmt_pct(r.revenue_share, self.lang)
            rows.append(
                f"<tr><td>{html.escape(block_label(r.block, self.lang))}</td>"
                f"<td>{html.escape(zone_label(r.zone, self.lang))}</td>"
                f"<td style='text-align:right'>{fmt_int(r.n_clients, self.lang)}</td>"
                f"<td style='text-align:right'>{fmt_pct(r.client_share, self.lang)}</td>"
                f"<td style='text-align:right'>{fmt_money(r.revenue, self.lang)}</td>"
                f"<td style='text-align:right'>{rs}</td></tr>")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        title = "Lifecycle as of" if self.lang == "en" else "Жизненный цикл на"
        day = self.as_of.date() if self.as_of is not None else ""
        return (f"<div class='rk-lifecycle'><strong>{title} {day}</strong>"
                f"<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


# --- classification -------------------------------------------------------------------------------

def classify(snapshot: pd.DataFrame, clients: pd.DataFrame | None = None, *,
             rules: LifecycleRules = _DEFAULT_RULES, abc: pd.DataFrame | None = None,
             lang: str = "en") -> Lifecycle:
    """Put every known client in exactly one lifecycle block, with the reason.

    Parameters
    ----------
    snapshot : DataFrame
        From :func:`reportkit.core.snapshot`: one row per client, with ``client_id``, ``as_of``,
        ``first_order``, ``recency_days``, ``orders_total``, ``interval_days``,
        ``revenue_total``, ``revenue_window``; optional ``revenue_prev_window`` and
        ``margin_window`` (used by the derived ``key`` rule). Rows with no orders are leads.
    clients : DataFrame, optional
        The clients table: ``client_id`` and optional ``status``, ``vip``, ``key_account``,
        ``refused``, ``created``. Clients in it but not in the snapshot are leads (no orders);
        leads ``created`` after ``as_of`` are left out.
    rules : LifecycleRules, default LifecycleRules()
        regular_orders=3, proven_orders=10, proven_tenure_months=12, dead_days=365,
        dead_interval_multiple=3.0, reanimatable_min_orders=2, derive_key=True,
        key_revenue_share=0.80, active_statuses, refused_statuses.
    abc : DataFrame, optional
        ``client_id`` and ``abc`` (from the segmentation); class ``A`` feeds the derived key rule
        instead of the top ``key_revenue_share`` of revenue over the window.
    lang : {"en", "ru"}, default "en"
        Language of ``reason`` and ``notes``.

    Returns
    -------
    Lifecycle
        ``frame`` (``client_id``, ``block``, ``zone``, ``reason``, ``revenue_window``),
        ``summary`` (``block``, ``zone``, ``n_clients``, ``client_share``, ``revenue``,
        ``revenue_share``), ``vip_review``, ``notes``.

    Notes
    -----
    Tenure is counted in full calendar months from the first order to ``as_of``. A client is dead
    when ``recency_days`` > max(dead_days, dead_interval_multiple × interval_days); with one
    order the interval is unknown and ``dead_days`` alone applies. "Above-median lifetime revenue"
    compares ``revenue_total`` with the median over clients with orders. Refused means the
    ``refused`` flag or a ``status`` in ``refused_statuses``.

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b", "c"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-04-17", "2024-05-21", None]),
    ...     "recency_days": [40, 40, None], "orders_total": [3, 1, 0],
    ...     "interval_days": [168.0, None, None], "revenue_total": [900.0, 100.0, 0.0],
    ...     "revenue_window": [600.0, 100.0, 0.0]})
    >>> lc = classify(snap)
    >>> lc.frame["block"].tolist()
    ['regular', 'working', 'potential']
    >>> lc.frame["reason"].tolist()
    ['3 orders in 14 months; last 40 days ago', '1 order, 40 days ago', 'known, no orders yet']
    >>> classify(snap, lang="ru").frame.loc[0, "reason"]
    '3 заказа за 14 месяцев; последний 40 дней назад'
    """
    check_rules(rules)
    _check_lang(lang)
    snapshot, as_of = _check_snapshot(snapshot, _SNAPSHOT_REQUIRED, "lifecycle.classify")
    cl = _prepare_clients(clients)
    ru = lang == "ru"
    notes: list[str] = []

    snap_ids = pd.Index(snapshot[CLIENT_ID].astype(str).to_numpy(), name=CLIENT_ID)
    extra = pd.Index([], dtype=object, name=CLIENT_ID)
    if cl is not None:
        extra = cl.index.difference(snap_ids, sort=False)
        if CREATED in cl.columns and len(extra):
            created = pd.to_datetime(cl.loc[extra, CREATED], errors="coerce")
            later = (created > as_of).to_numpy()
            if later.any():
                extra = extra[~later]
                notes.append(
                    f"{int(later.sum())} client card(s) created after {as_of.date()} are left out."
                    if not ru else
                    f"Не учтено карточек, созданных после {fmt_date(as_of, 'ru')}: "
                    f"{int(later.sum())}.")
    ids = snap_ids.append(extra)
    n_snap, n = len(snap_ids), len(ids)

    def col(name: str, fill: float = np.nan) -> np.ndarray:
        out = np.full(n, fill, dtype="float64")
        if name in snapshot.columns:
            out[:n_snap] = pd.to_numeric(snapshot[name], errors="coerce").to_numpy("float64",
                                                                                    na_value=np.nan)
        return out

    orders = np.nan_to_num(col(ORDERS_TOTAL, 0.0), nan=0.0)
    recency = col(RECENCY_DAYS)
    interval = col(INTERVAL_DAYS)
    revenue_total = np.nan_to_num(col(REVENUE_TOTAL, 0.0), nan=0.0)
    revenue_window = np.nan_to_num(col(REVENUE_WINDOW, 0.0), nan=0.0)
    has_margin = MARGIN_WINDOW in snapshot.columns
    margin_window = col(MARGIN_WINDOW)
    first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    first.iloc[:n_snap] = pd.to_datetime(snapshot[FIRST_ORDER]).to_numpy("datetime64[ns]")
    tenure_days = (as_of - first).dt.days.to_numpy("float64", na_value=np.nan)
    tenure_months = full_months(first, as_of)

    has_orders = orders > 0
    if (has_orders & np.isnan(recency)).any():
        bad = ids[has_orders & np.isnan(recency)]
        raise InputError(f"the snapshot has clients with orders but no `{RECENCY_DAYS}` "
                         f"(e.g. {', '.join(map(repr, bad[:3]))}); rebuild it with "
                         f"reportkit.core.snapshot.")

    # --- clients-table facts
    status_raw = pd.Series(pd.NA, index=ids, dtype="object")
    has_status = cl is not None and STATUS in cl.columns
    if cl is not None and has_status:
        status_raw = cl[STATUS].reindex(ids)
    status = status_raw.astype("string").str.strip().str.lower()
    is_active_status = status.isin([s.lower() for s in rules.active_statuses]).to_numpy(bool)
    is_refused_status = status.isin([s.lower() for s in rules.refused_statuses]).to_numpy(bool)
    vip = _flags(cl, VIP, ids)
    key_flag = _flags(cl, KEY_ACCOUNT, ids)
    refused = _flags(cl, REFUSED, ids) | is_refused_status

    if not has_status:
        notes.append("No status column: every client without orders is counted as potential "
                      "(none as active)." if not ru else
                      "Нет столбца статуса: все клиенты без заказов считаются потенциальными "
                      "(ни одного активного).")
    if cl is None or VIP not in cl.columns:
        notes.append("No vip column: the vip block is empty." if not ru else
                     "Нет столбца с отметкой VIP: блок VIP пуст.")

    # --- rules
    threshold = np.fmax(float(rules.dead_days), rules.dead_interval_multiple * interval)
    dead = has_orders & (recency > threshold)
    interval_rule = dead & (rules.dead_interval_multiple * interval > rules.dead_days)
    lifetime_median = float(np.median(revenue_total[has_orders])) if has_orders.any() else np.nan
    many_orders = orders >= rules.reanimatable_min_orders
    rich = revenue_total > lifetime_median
    reanimatable = dead & ~refused & (many_orders | rich)
    proven = (has_orders & (orders >= rules.proven_orders)
              & (tenure_months >= rules.proven_tenure_months))
    regular = has_orders & (orders >= rules.regular_orders)

    key_derived = np.zeros(n, dtype=bool)
    if cl is not None and KEY_ACCOUNT in cl.columns:
        key = key_flag
    elif rules.derive_key:
        if abc is not None:
            if not isinstance(abc, pd.DataFrame) or not {CLIENT_ID, ABC} <= set(abc.columns):
                raise InputError(f"`abc` must be a DataFrame with `{CLIENT_ID}` and `{ABC}` "
                                 f"columns (from reportkit.analysis.segmentation), got "
                                 f"{type(abc).__name__}.")
            a_class = (pd.Series(abc[ABC].astype(str).to_numpy(),
                                 index=abc[CLIENT_ID].astype(str)).groupby(level=0).first()
                       .reindex(ids).eq("A").to_numpy(bool))
        else:
            a_class = _top_share(ids, revenue_window, rules.key_revenue_share)
        not_declining = np.ones(n, dtype=bool)
        if REVENUE_PREV_WINDOW in snapshot.columns:
            prev = np.nan_to_num(col(REVENUE_PREV_WINDOW, 0.0), nan=0.0)
            not_declining = revenue_window >= prev
        profitable = (np.nan_to_num(margin_window, nan=0.0) > 0) if has_margin else True
        key_derived = proven & a_class & not_declining & profitable
        key = key_derived
        top = (fmt_pct(rules.key_revenue_share, lang, decimals=0) if abc is None else None)
        margin_en = " and positive margin" if has_margin else ""
        margin_ru = " и с положительной маржой" if has_margin else ""
        if ru:
            where = f"из топ-{top} выручки за окно" if top else "класса A по выручке"
            notes.append(f"Нет столбца «ключевой клиент»: ключевые — проверенные клиенты "
                         f"{where} без спада выручки{margin_ru}.")
        else:
            where = f"in the top {top} of revenue over the window" if top else "of ABC class A"
            notes.append(f"No key_account column: key = proven clients {where} whose revenue "
                         f"did not decline{margin_en}.")
    else:
        key = np.zeros(n, dtype=bool)
        notes.append("No key_account column and derive_key is off: the key block is empty."
                     if not ru else "Нет столбца «ключевой клиент», а вывод ключевых клиентов "
                     "по правилам выключен: блок ключевых пуст.")

    conditions = [~has_orders & is_active_status, ~has_orders, dead & reanimatable, dead,
                  key, vip, proven, regular]
    choices = [ACTIVE, POTENTIAL, DEAD_REANIMATABLE, DEAD_LOST, KEY, VIP_BLOCK, PROVEN, REGULAR]
    block = np.select(conditions, choices, default=WORKING)

    # --- reasons
    reason = _reasons(block, lang=lang, orders=orders, recency=recency, tenure_days=tenure_days,
                      tenure_months=tenure_months, threshold=threshold, interval=interval,
                      interval_rule=interval_rule, rules=rules, status_raw=status_raw,
                      refused=refused, many_orders=many_orders, rich=rich,
                      key_derived=key_derived, has_status=has_status, by_abc=abc is not None)

    block_cat = pd.Categorical(block, categories=BLOCKS)
    zone = np.array([ZONE_OF[b] for b in BLOCKS], dtype=object)[block_cat.codes]
    frame = pd.DataFrame({
        CLIENT_ID: ids.to_numpy(),
        BLOCK: block_cat,
        ZONE: pd.Categorical(zone, categories=ZONES),
        REASON: pd.array(reason, dtype="str"),
        REVENUE_WINDOW: revenue_window,
    })

    summary = _summary(frame)

    # --- VIP review
    base = has_orders & ~dead
    base_median = float(np.median(revenue_window[base])) if base.any() else np.nan
    review = _vip_review(ids, block, vip, has_orders, dead, recency, revenue_window,
                         margin_window if has_margin else None, base_median, lang)
    if len(review):
        notes.append(f"{len(review)} VIP client(s) do not pay back: see vip_review." if not ru
                     else f"VIP-клиентов, которые не окупаются: {len(review)} (см. список "
                     f"VIP-клиентов на проверку).")
    n_flag_leads = int(((vip | key_flag) & ~has_orders).sum())
    if n_flag_leads:
        notes.append(f"{n_flag_leads} flagged VIP/key client(s) have no orders and stay in the "
                     f"birth zone." if not ru else
                     f"Отмеченных VIP/ключевых клиентов без заказов: {n_flag_leads}; они остаются "
                     f"в зоне рождения.")
    return Lifecycle(frame=frame, summary=summary, vip_review=review, notes=notes, as_of=as_of,
                     lang=lang, rules=rules)


def _top_share(ids: pd.Index, revenue: np.ndarray, share: float) -> np.ndarray:
    """Clients that make the first ``share`` of positive revenue (the crossing client included).

    Ties are broken by client id so the result does not depend on row order.
    """
    out = np.zeros(len(ids), dtype=bool)
    pos = revenue > 0
    total = revenue[pos].sum()
    if total <= 0:
        return out
    idx = np.flatnonzero(pos)
    order = np.lexsort((ids.to_numpy()[idx].astype(str), -revenue[idx]))
    sorted_idx = idx[order]
    before = np.concatenate([[0.0], np.cumsum(revenue[sorted_idx])[:-1]]) / total
    out[sorted_idx[before < share - 1e-12]] = True
    return out


def _summary(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(BLOCK, observed=False)[REVENUE_WINDOW]
    counts = grouped.size().reindex(BLOCKS, fill_value=0)
    revenue = grouped.sum().reindex(BLOCKS, fill_value=0.0)
    total_n = int(counts.sum())
    total_rev = float(revenue.sum())
    return pd.DataFrame({
        BLOCK: list(BLOCKS),
        ZONE: [ZONE_OF[b] for b in BLOCKS],
        N_CLIENTS: counts.to_numpy(dtype="int64"),
        CLIENT_SHARE: counts.to_numpy(dtype="float64") / total_n if total_n else np.nan,
        REVENUE: revenue.to_numpy(dtype="float64"),
        REVENUE_SHARE: (revenue.to_numpy(dtype="float64") / total_rev) if total_rev else np.nan,
    })


def _reasons(block: np.ndarray, *, lang: str, orders, recency, tenure_days, tenure_months,
             threshold, interval, interval_rule, rules: LifecycleRules, status_raw: pd.Series,
             refused, many_orders, rich, key_derived, has_status: bool,
             by_abc: bool = False) -> np.ndarray:
    """The reason text of every client, in ``lang``."""
    ru = lang == "ru"
    out = np.empty(len(block), dtype=object)

    def ints(values: np.ndarray, mask: np.ndarray) -> list[int]:
        return np.nan_to_num(values[mask]).astype(np.int64).tolist()

    def activity(mask: np.ndarray) -> list[str]:
        """'3 orders in 14 months; last 40 days ago' for the masked clients."""
        texts = []
        for o, r, tm, td in zip(ints(orders, mask), ints(recency, mask),
                                ints(tenure_months, mask), ints(tenure_days, mask)):
            if ru:
                ago = "сегодня" if r == 0 else count_phrase(r, "ru", "day") + " назад"
                if o == 1:
                    texts.append(f"1 заказ, {ago}")
                else:
                    span = (count_phrase(tm, "ru", "month") if tm >= 1
                            else count_phrase(td, "ru", "day"))
                    texts.append(f"{count_phrase(o, 'ru', 'order')} за {span}; последний {ago}")
            else:
                ago = "today" if r == 0 else count_phrase(r, "en", "day") + " ago"
                if o == 1:
                    texts.append(f"1 order, {ago}")
                else:
                    span = (count_phrase(tm, "en", "month") if tm >= 1
                            else count_phrase(td, "en", "day"))
                    texts.append(f"{count_phrase(o, 'en', 'order')} in {span}; last {ago}")
        return texts

    def put(mask: np.ndarray, texts: list[str]) -> None:
        if len(texts):
            out[np.flatnonzero(mask)] = np.asarray(texts, dtype=object)

    # leads
    st = status_raw.astype("string").str.strip().fillna("").to_numpy(dtype=object)
    m = block == ACTIVE
    put(m, [f"согласился работать (статус «{x}»), заказов пока нет" if ru else
            f"agreed to work (status '{x}'), no orders yet" for x in st[m]])
    m = block == POTENTIAL
    base = "известен, заказов пока нет" if ru else "known, no orders yet"
    texts = []
    for x, ref in zip(st[m], refused[m]):
        t = base if not x else (f"{base} (статус «{x}»)" if ru else f"{base} (status '{x}')")
        if ref and x.lower() not in (s.lower() for s in rules.refused_statuses):
            t += "; отказ" if ru else "; refused"
        texts.append(t)
    put(m, texts)

    # living clients
    for b in (WORKING, REGULAR, PROVEN):
        m = block == b
        put(m, activity(m))
    m = block == VIP_BLOCK
    put(m, [("отметка VIP; " if ru else "VIP flag; ") + t for t in activity(m)])
    m = block == KEY
    share = fmt_pct(rules.key_revenue_share, lang, decimals=0)
    if by_abc:
        derived_txt = ("проверенный, класс A, без спада; " if ru
                       else "proven, ABC class A, not declining; ")
    else:
        derived_txt = (f"проверенный, в топ-{share} выручки, без спада; " if ru
                       else f"proven, in the top {share} of revenue, not declining; ")
    flag_txt = "отметка «ключевой клиент»; " if ru else "key account flag; "
    put(m, [(derived_txt if d else flag_txt) + t for d, t in zip(key_derived[m], activity(m))])

    # dead clients
    m = (block == DEAD_REANIMATABLE) | (block == DEAD_LOST)
    mult = f"{rules.dead_interval_multiple:g}"
    texts = []
    for r, lim, iv, by_iv, o, reanim, many, ref in zip(
            ints(recency, m), ints(np.floor(threshold), m), ints(np.round(interval), m),
            interval_rule[m], ints(orders, m), block[m] == DEAD_REANIMATABLE, many_orders[m],
            refused[m]):
        o_txt = count_phrase(o, lang, "order")
        if ru:
            limit = (f"дольше {mult} × обычного интервала ({count_phrase(iv, 'ru', 'day')})"
                     if by_iv else f"дольше порога {count_phrase(lim, 'ru', 'day')}")
            if reanim:
                verdict = ("стоит вернуть: " + o_txt if many
                           else "стоит вернуть: выручка за всё время выше медианы")
            else:
                verdict = ("потерян: отказ" if ref
                           else f"потерян: {o_txt}, выручка за всё время не выше медианы")
            texts.append(f"молчит {count_phrase(r, 'ru', 'day')}, {limit}; {verdict}")
        else:
            limit = (f"longer than {mult} × the usual interval ({count_phrase(iv, 'en', 'day')})"
                     if by_iv else f"over the limit of {count_phrase(lim, 'en', 'day')}")
            if reanim:
                verdict = ("worth winning back: " + o_txt if many
                           else "worth winning back: lifetime revenue above the median")
            else:
                verdict = ("lost: refused" if ref
                           else f"lost: {o_txt}, lifetime revenue not above the median")
            texts.append(f"silent {count_phrase(r, 'en', 'day')}, {limit}; {verdict}")
    put(m, texts)
    return out


def _vip_review(ids: pd.Index, block: np.ndarray, vip: np.ndarray, has_orders: np.ndarray,
                dead: np.ndarray, recency: np.ndarray, revenue_window: np.ndarray,
                margin_window: np.ndarray | None, base_median: float, lang: str) -> pd.DataFrame:
    ru = lang == "ru"
    cols = [CLIENT_ID, BLOCK, REVENUE_WINDOW] + ([MARGIN_WINDOW] if margin_window is not None
                                                 else []) + [REASON]
    idx = np.flatnonzero(vip)
    rows = []
    for i in idx:
        rev = revenue_window[i]
        marg = margin_window[i] if margin_window is not None else np.nan
        if not has_orders[i]:
            why = "flagged VIP but has no orders" if not ru else "отмечен VIP, но заказов нет"
        elif dead[i]:
            days = int(recency[i])
            why = (f"flagged VIP but dead: silent {days} days" if not ru else
                   f"отмечен VIP, но ушёл: молчит {count_phrase(days, 'ru', 'day')}")
        elif rev <= 0:
            why = ("flagged VIP, no net revenue over the window" if not ru else
                   "отмечен VIP, нет чистой выручки за окно")
        elif margin_window is not None and marg < 0:
            why = ("flagged VIP, negative margin over the window" if not ru else
                   "отмечен VIP, отрицательная маржа за окно")
        elif rev < base_median:
            why = (f"flagged VIP, revenue over the window {fmt_money(rev)} is below the "
                   f"median client's {fmt_money(base_median)}" if not ru else
                   f"отмечен VIP, выручка за окно {fmt_money(rev, 'ru')} ниже, чем у "
                   f"медианного клиента ({fmt_money(base_median, 'ru')})")
        else:
            continue
        row = {CLIENT_ID: ids[i], BLOCK: block[i], REVENUE_WINDOW: rev, REASON: why}
        if margin_window is not None:
            row[MARGIN_WINDOW] = marg
        rows.append(row)
    review = pd.DataFrame(rows, columns=cols)
    if len(review):
        review = review.sort_values([REVENUE_WINDOW, CLIENT_ID], kind="stable",
                                    ignore_index=True)
    review[BLOCK] = pd.Categorical(review[BLOCK], categories=BLOCKS)
    review[REVENUE_WINDOW] = review[REVENUE_WINDOW].astype("float64")
    return review


# --- reactivation list ----------------------------------------------------------------------------

_REACT_REQUIRED = (CLIENT_ID, AS_OF, LAST_ORDER, RECENCY_DAYS, INTERVAL_DAYS, ORDERS_TOTAL,
                   BEST12_REVENUE, REVENUE_TOTAL)


def reactivation_list(snapshot: pd.DataFrame, lifecycle: Lifecycle,
                      clients: pd.DataFrame | None = None, *,
                      rules: LifecycleRules = _DEFAULT_RULES, lang: str = "en"
                      ) -> pd.DataFrame:
    """Clients to call back: overdue against their purchase cycle, or dead but worth winning back.

    A client is listed when it is in a living block (working, regular, proven, vip, key) and
    silent for longer than its usual purchase cycle, or when it is ``dead_reanimatable``. The
    cycle is ``rules.deal_cycle_days`` when set; otherwise the client's own ``interval_days``;
    for one-order clients (no interval of their own) the median ``interval_days`` of the repeat
    clients in the snapshot (they are not listed when the base has no repeat clients).

    Parameters
    ----------
    snapshot : DataFrame
        From :func:`reportkit.core.snapshot` (``client_id``, ``as_of``, ``last_order``,
        ``recency_days``, ``interval_days``, ``orders_total``, ``best12_revenue``,
        ``revenue_total``).
    lifecycle : Lifecycle
        :func:`classify` of the same snapshot.
    clients : DataFrame, optional
        The clients table, for ``name`` and ``manager``.
    rules : LifecycleRules, default LifecycleRules()
        Only ``deal_cycle_days`` (default None) is used here.
    lang : {"en", "ru"}, default "en"

    Returns
    -------
    DataFrame
        Ranked by ``best12_revenue`` (then ``revenue_total``) descending: ``client_id``,
        ``name``, ``manager`` (missing when unknown), ``block``, ``last_order``,
        ``recency_days``, ``usual_interval_days`` (the cycle applied; NaN for dead clients
        listed as reanimatable without one), ``best12_revenue``, ``revenue_total``, ``reason``.

    Examples
    --------
    >>> snap = pd.DataFrame({
    ...     "client_id": ["a", "b"], "as_of": pd.Timestamp("2024-06-30"),
    ...     "first_order": pd.to_datetime(["2023-01-10", "2024-03-01"]),
    ...     "last_order": pd.to_datetime(["2024-03-02", "2024-06-01"]),
    ...     "recency_days": [120, 29], "orders_total": [9, 4], "interval_days": [51.5, 30.3],
    ...     "revenue_total": [9000.0, 400.0], "revenue_window": [5000.0, 400.0],
    ...     "best12_revenue": [6000.0, 400.0]})
    >>> rl = reactivation_list(snap, classify(snap))
    >>> rl[["client_id", "usual_interval_days"]].values.tolist()
    [['a', 51.5]]
    >>> rl.loc[0, "reason"]
    'silent 120 days, usual cycle 52 days (own interval)'
    """
    check_rules(rules)
    _check_lang(lang)
    if not isinstance(lifecycle, Lifecycle):
        raise InputError(f"`lifecycle` must be the Lifecycle returned by classify(), "
                         f"got {type(lifecycle).__name__}.")
    snapshot, as_of = _check_snapshot(snapshot, _REACT_REQUIRED, "reactivation_list")
    if lifecycle.as_of is not None and lifecycle.as_of != as_of:
        raise InputError(f"the lifecycle is as of {lifecycle.as_of.date()} but the snapshot as of "
                         f"{as_of.date()}; classify the same snapshot you pass here.")
    cl = _prepare_clients(clients)
    ru = lang == "ru"

    snap = pd.DataFrame({
        CLIENT_ID: snapshot[CLIENT_ID].astype(str).to_numpy(),
        LAST_ORDER: pd.to_datetime(snapshot[LAST_ORDER]).to_numpy("datetime64[ns]"),
        RECENCY_DAYS: pd.to_numeric(snapshot[RECENCY_DAYS], errors="coerce").to_numpy("float64"),
        INTERVAL_DAYS: pd.to_numeric(snapshot[INTERVAL_DAYS], errors="coerce").to_numpy("float64"),
        ORDERS_TOTAL: pd.to_numeric(snapshot[ORDERS_TOTAL], errors="coerce").fillna(0)
        .to_numpy("float64"),
        BEST12_REVENUE: pd.to_numeric(snapshot[BEST12_REVENUE], errors="coerce")
        .to_numpy("float64"),
        REVENUE_TOTAL: pd.to_numeric(snapshot[REVENUE_TOTAL], errors="coerce").to_numpy("float64"),
    })
    lc = lifecycle.frame[[CLIENT_ID, BLOCK, REASON]].astype({CLIENT_ID: str})
    snap = snap.merge(lc, on=CLIENT_ID, how="left", validate="one_to_one")
    if snap[BLOCK].isna().any():
        missing = snap.loc[snap[BLOCK].isna(), CLIENT_ID]
        raise InputError(f"{len(missing)} snapshot client(s) are not in the lifecycle (e.g. "
                         f"{', '.join(map(repr, missing[:3]))}); classify the same snapshot.")

    repeat = (snap[ORDERS_TOTAL] >= 2) & (snap[INTERVAL_DAYS] > 0)
    base_cycle = float(snap.loc[repeat, INTERVAL_DAYS].median()) if repeat.any() else np.nan
    if rules.deal_cycle_days is not None:
        cycle = np.full(len(snap), float(rules.deal_cycle_days))
        source = np.full(len(snap), "deal")
    else:
        own = snap[INTERVAL_DAYS].to_numpy()
        use_own = np.isfinite(own) & (own > 0)
        cycle = np.where(use_own, own, base_cycle)
        source = np.where(use_own, "own", "base")
    living = snap[BLOCK].isin(LIVING_BLOCKS).to_numpy()
    overdue = living & np.isfinite(cycle) & (snap[RECENCY_DAYS].to_numpy() > cycle)
    reanim = (snap[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    keep = overdue | reanim

    out = snap.loc[keep].copy()
    out[USUAL_INTERVAL_DAYS] = np.where(np.isfinite(cycle[keep]), cycle[keep], np.nan)
    src = source[keep]
    r = out[RECENCY_DAYS].to_numpy().astype(np.int64).tolist()
    c = np.round(np.nan_to_num(out[USUAL_INTERVAL_DAYS].to_numpy())).astype(np.int64).tolist()
    if ru:
        names = {"own": "свой интервал", "deal": "цикл сделки", "base": "медиана базы: один заказ"}
        overdue_txt = [f"молчит {count_phrase(ri, 'ru', 'day')} при обычном цикле "
                       f"{count_phrase(ci, 'ru', 'day')} ({names[si]})"
                       for ri, ci, si in zip(r, c, src)]
    else:
        names = {"own": "own interval", "deal": "deal cycle", "base": "base median; one order"}
        overdue_txt = [f"silent {count_phrase(ri, 'en', 'day')}, usual cycle "
                       f"{count_phrase(ci, 'en', 'day')} ({names[si]})"
                       for ri, ci, si in zip(r, c, src)]
    overdue_arr = np.asarray(overdue_txt, dtype=object) if len(r) else np.array([], dtype=object)
    is_dead = (out[BLOCK] == DEAD_REANIMATABLE).to_numpy()
    out[REASON] = np.where(is_dead, out[REASON].to_numpy(dtype=object), overdue_arr)

    for column in (NAME, MANAGER):
        if cl is not None and column in cl.columns:
            out[column] = cl[column].reindex(out[CLIENT_ID].to_numpy()).to_numpy(dtype=object)
        else:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="object")
    out = out.sort_values([BEST12_REVENUE, REVENUE_TOTAL, CLIENT_ID],
                          ascending=[False, False, True], kind="stable", na_position="last")
    columns = [CLIENT_ID, NAME, MANAGER, BLOCK, LAST_ORDER, RECENCY_DAYS, USUAL_INTERVAL_DAYS,
               BEST12_REVENUE, REVENUE_TOTAL, REASON]
    return out[columns].reset_index(drop=True)


__all__ = [
    "BLOCKS",
    "LABELS",
    "LIVING_BLOCKS",
    "ZONES",
    "ZONE_OF",
    "Lifecycle",
    "block_label",
    "check_rules",
    "classify",
    "count_phrase",
    "full_months",
    "plural_word",
    "reactivation_list",
    "zone_label",
]
