"""Step 2 of the generator: the order days and values of every buyer."""

from __future__ import annotations

import numpy as np

from .shape import (
    _SEASON,
    _weekday,
)


def _orders(
    rng: np.random.Generator,
    plan: dict,
    span: int,
    start_dow: int,
    months: np.ndarray,
    month_start: np.ndarray,
) -> dict[str, np.ndarray]:
    """Order days and values of every buyer."""
    owner, pos, day = _rhythm_days(rng, plan, span, month_start)
    owner, day = _thinned(rng, plan, owner, pos, day, months)
    owner, day = _weekdays_outside_gaps(plan, owner, day, span, start_dow)
    value = _values(rng, plan, owner, day, months)
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


def _rhythm_days(
    rng: np.random.Generator, plan: dict, span: int, month_start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate orders of the repeat buyers, by their rhythm: the client, the order's position
    in the client's sequence (0 for the first order) and its day, inside the period."""
    rhythm, first, interval = plan["rhythm"], plan["first"], plan["interval"]
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
    return owner[keep], pos[keep], day[keep]


def _thinned(
    rng: np.random.Generator,
    plan: dict,
    owner: np.ndarray,
    pos: np.ndarray,
    day: np.ndarray,
    months: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Thinning: seasonal frequency of irregular buyers, declining clients, the months before
    churn (a client's first order always stays)."""
    first, churn, slope = plan["first"], plan["churn"], plan["slope"]
    p = np.ones(len(day))
    irregular = plan["rhythm"][owner] == "irregular"
    p[irregular] *= _SEASON[months[day[irregular]]] / _SEASON.max()
    years_in = np.maximum(0, day - first[owner]) / 365.25
    p *= np.exp(np.minimum(0.0, slope[owner]) * 0.5 * years_in)
    c = churn[owner]
    before = (c >= 0) & (day < c) & (day >= c - 180)
    p[before] *= 1 - 0.45 * (day[before] - (c[before] - 180)) / 180
    keep = (rng.random(len(day)) < p) | (pos == 0)
    return owner[keep], day[keep]


def _weekdays_outside_gaps(
    plan: dict, owner: np.ndarray, day: np.ndarray, span: int, start_dow: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weekdays only, inside the period, nothing in the churn gap; plus the order on the day of
    coming back and the one order of each one-off buyer; one order a client and day, sorted by
    day then client."""
    churn, react = plan["churn"], plan["react"]
    day = _weekday(day, start_dow)
    c, r = churn[owner], react[owner]
    gap = (c >= 0) & (day >= c) & ((r < 0) | (day < r))
    keep = (day < span) & ~gap
    owner, day = owner[keep], day[keep]
    back = np.flatnonzero(react >= 0)
    one = np.flatnonzero(plan["rhythm"] == "one_off")
    owner = np.concatenate([owner, back, one])
    day = np.concatenate([day, react[back], plan["first"][one]])
    key = np.unique(owner * (span + 400) + day)
    owner, day = key // (span + 400), key % (span + 400)
    order = np.lexsort((owner, day))
    return owner[order], day[order]


def _values(
    rng: np.random.Generator, plan: dict, owner: np.ndarray, day: np.ndarray, months: np.ndarray
) -> np.ndarray:
    """Order values: the client's scale × season × trend × the fade before churn × noise."""
    churn, react, slope = plan["churn"], plan["react"], plan["slope"]
    years_in = np.maximum(0, day - plan["first"][owner]) / 365.25
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
    return value
