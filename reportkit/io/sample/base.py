"""The sample base (:class:`SampleBase`) and its generator (:func:`make_base`), which runs the
steps of the sibling modules in order and assembles their frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import check_param
from ..schema import (
    AMOUNT,
)
from .activities import _activities, _surveys
from .cards import _cards
from .duplicates import _assign_ids, _book_on_duplicates, _duplicates
from .frames import (
    _activities_frame,
    _clients_frame,
    _surveys_frame,
    _transactions_frame,
    _truth,
)
from .lines import _lines
from .orders import _orders
from .plan import _plan


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
    start_ts = end_ts - pd.DateOffset(years=int(years)) + pd.Timedelta(days=1)
    li = 0 if lang == "ru" else 1
    g = _generate(int(n_clients), start_ts, end_ts, random_state, lang)
    rid = g.ids["real"]  # id of each distinct client
    did = g.ids["dup"]  # id of each duplicate card
    return SampleBase(
        transactions=_transactions_frame(g.lines, rid, did, start_ts, lang),
        clients=_clients_frame(g.cards, g.dups, rid, did, start_ts, li),
        activities=_activities_frame(g.activities, rid, did, li),
        surveys=_surveys_frame(g.surveys, rid, start_ts),
        truth=_truth(g.plan, g.cards, g.dups, rid, did, g.forgotten, start_ts),
        start=start_ts,
        end=end_ts,
        lang=lang,
        random_state=None if random_state is None else int(random_state),
    )


@dataclass
class _Generated:
    """What the steps of the generator made, before it becomes frames (see :func:`_generate`)."""

    plan: dict
    cards: dict
    dups: dict
    ids: dict[str, np.ndarray]
    lines: dict
    activities: dict
    forgotten: pd.DataFrame
    surveys: dict[str, np.ndarray]


def _generate(
    n: int, start_ts: pd.Timestamp, end_ts: pd.Timestamp, random_state: int | None, lang: str
) -> _Generated:
    """Run the steps of the generator in order, each on its own random stream."""
    span = int((end_ts - start_ts).days) + 1
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
    return _Generated(plan, cards, dups, ids, lines, activities, forgotten, surveys)
