"""Step 6 of the generator: the managers' activity log (with overdue tasks and forgotten
clients) and the NPS surveys.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import (
    CREATED,
    DONE,
    DUE,
    SCORE,
)
from .shape import (
    _FORGOTTEN_SHARE,
    _LAZY_MANAGER,
    _TYPE_P,
    LAST_ACTIVITY,
    _weekday,
    _weekday_back,
)


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
    a0, a1, good, forgot = _windows(rng, plan, cards, lines, span, start_dow)
    owner, day, dup_col = _activity_days(
        rng, plan, cards, dups, (a0, a1), good, forgot, span, start_dow
    )
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


def _windows(
    rng: np.random.Generator, plan: dict, cards: dict, lines: dict, span: int, start_dow: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first and last day a client's card may get activities (``a0``, ``a1``); the good
    clients (top 20 % by revenue, buying in the last 90 days) and the forgotten ones among
    them, whose activities stop 200–400 days before the end."""
    n = len(plan["rhythm"])
    is_buyer, churn, react = plan["is_buyer"], plan["churn"], plan["react"]
    a0 = _weekday(np.maximum(cards["created"], 0), start_dow)
    a1 = np.full(n, span - 1, dtype=np.int64)
    gone = (churn >= 0) & (react < 0)
    a1[gone] = np.minimum(span - 1, churn[gone] + 90)
    a1[~is_buyer] = np.minimum(span - 1, a0[~is_buyer] + 150)

    last_day = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_day, lines["client"], lines["day"])
    good = cards["has_card"] & is_buyer & (cards["pct"] >= 0.8) & (last_day >= span - 90)
    good_idx = np.flatnonzero(good)
    n_forgot = max(1, round(_FORGOTTEN_SHARE * len(good_idx))) if len(good_idx) else 0
    forgot = np.zeros(n, bool)
    forgot[rng.choice(good_idx, size=n_forgot, replace=False)] = True
    cut = span - 1 - rng.integers(200, 400, n)
    a1[forgot] = np.minimum(a1[forgot], cut[forgot])
    return a0, a1, good, forgot


def _activity_days(
    rng: np.random.Generator,
    plan: dict,
    cards: dict,
    dups: dict,
    window: tuple[np.ndarray, np.ndarray],
    good: np.ndarray,
    forgot: np.ndarray,
    span: int,
    start_dow: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The client, day and duplicate card (-1 for the client's own card) of every activity: a
    Poisson number per card inside its window, more for larger clients and fewer for the lazy
    manager's, one recent activity for every good client not forgotten, a few on duplicates."""
    a0, a1 = window
    n = len(plan["rhythm"])
    is_buyer = plan["is_buyer"]
    lazy = plan["manager"] == _LAZY_MANAGER
    rate = np.where(is_buyer, 0.04 + 0.3 * cards["pct"], 0.5) * np.where(lazy, 0.5, 1.0)
    months = np.maximum(0, a1 - a0 + 1) / 30.44
    count = np.where(cards["has_card"] & (a1 >= a0), rng.poisson(rate * months), 0)
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
    return owner, day, dup_col


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
