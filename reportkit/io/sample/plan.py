"""Step 1 of the generator: who the clients are (rhythm, first order, order value, trend, churn)."""

from __future__ import annotations

import numpy as np

from .shape import (
    _CHANNEL_P,
    _CHURN_SHARE,
    _EXISTING_SHARE,
    _LEAD_SHARE,
    _MANAGER_P,
    _REACTIVATED_SHARE,
    _RHYTHM_P,
    _weekday,
    _weekday_back,
)
from .vocabulary import _REGIONS


def _plan(rng: np.random.Generator, n: int, span: int, start_dow: int) -> dict[str, np.ndarray]:
    """Latent attributes of every distinct client (index 0 … n-1)."""
    rhythm, buyers, interval, shape = _rhythms(rng, n)
    is_buyer = rhythm != "lead"
    repeat = is_buyer & (rhythm != "one_off")
    existing, first = _first_days(rng, rhythm, interval, repeat, span, start_dow)
    scale, noise, season_power = _order_scale(rng, rhythm)
    trend, slope = _trends(rng, repeat)

    # the VIP that does not pay back: a few tiny orders, never churns
    candidates = np.flatnonzero(repeat & (first < span // 2))
    vip0 = int(candidates[rng.integers(len(candidates))]) if len(candidates) else int(buyers[0])
    rhythm[vip0], interval[vip0], shape[vip0] = "irregular", 240.0, 2.0
    scale[vip0], noise[vip0], slope[vip0], trend[vip0] = 350.0, 0.3, 0.0, "flat"
    repeat = is_buyer & (rhythm != "one_off")
    churn, react = _churn(rng, repeat, first, interval, vip0, span, start_dow)

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


def _rhythms(
    rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each client's rhythm (``lead`` for the leads), the buyers, and the mean interval between
    orders and the gamma shape of the intervals (NaN and 1 where there is no rhythm)."""
    rhythm = np.full(n, "lead", dtype=object)
    perm = rng.permutation(n)
    n_leads = round(_LEAD_SHARE * n)
    buyers = np.sort(perm[n_leads:])
    rhythm[buyers] = rng.choice(list(_RHYTHM_P), size=len(buyers), p=list(_RHYTHM_P.values()))

    interval = np.full(n, np.nan)
    shape = np.ones(n)
    for name, lo, hi, k in (("monthly", 30.4, 30.4, 1.0), ("quarterly", 91 * 0.9, 91 * 1.1, 10.0)):
        m = rhythm == name
        interval[m] = rng.uniform(lo, hi, m.sum())
        shape[m] = k
    m = rhythm == "irregular"
    interval[m] = np.exp(rng.uniform(np.log(30), np.log(130), m.sum()))
    shape[m] = 1.3
    return rhythm, buyers, interval, shape


def _first_days(
    rng: np.random.Generator,
    rhythm: np.ndarray,
    interval: np.ndarray,
    repeat: np.ndarray,
    span: int,
    start_dow: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Who already bought before the period, and the day of each buyer's first order in it
    (a weekday; -1 for the leads)."""
    n = len(rhythm)
    is_buyer = rhythm != "lead"
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
    return existing, first


def _order_scale(
    rng: np.random.Generator, rhythm: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order value: heavy tail, bigger orders from clients who order less often; its noise and
    how strongly the season moves it."""
    n = len(rhythm)
    scale = np.exp(rng.normal(np.log(8000), 1.15, n))
    boost = rng.random(n) < 0.04
    scale[boost] *= 3 + rng.pareto(1.3, boost.sum()) * 4
    scale *= np.select(
        [rhythm == "quarterly", rhythm == "irregular", rhythm == "one_off"], [2.2, 1.3, 0.8], 1.0
    )
    noise = np.select([rhythm == "monthly", rhythm == "quarterly"], [0.18, 0.35], 0.5)
    season_power = np.where(rhythm == "monthly", 0.5, 0.8)
    return scale, noise, season_power


def _trends(rng: np.random.Generator, repeat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Growth, decline or flat for each client, and the yearly log-slope of its order value."""
    n = len(repeat)
    trend = np.full(n, "flat", dtype=object)
    u = rng.random(n)
    trend[repeat & (u < 0.2)] = "growth"
    trend[repeat & (u >= 0.2) & (u < 0.4)] = "decline"
    slope = np.where(
        trend == "growth",
        rng.uniform(0.25, 0.6, n),
        np.where(trend == "decline", -rng.uniform(0.25, 0.6, n), 0.0),
    )
    return trend, slope


def _churn(
    rng: np.random.Generator,
    repeat: np.ndarray,
    first: np.ndarray,
    interval: np.ndarray,
    vip0: int,
    span: int,
    start_dow: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Churn: a planted stop day for some repeat buyers, and the day some of them come back
    (-1 where none)."""
    n = len(repeat)
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
    return churn, react
