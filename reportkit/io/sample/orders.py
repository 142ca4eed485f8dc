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
