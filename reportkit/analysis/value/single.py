"""Single-order clients: their own order × what last year's single-order clients brought.

See ``single_order_shrunk`` in the package docstring: the cohort (clients with exactly one order
before the look-back window) gives a revenue rate per band of the order's age and per segment,
the segment's rate pulled toward its band's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .inputs import _band_label, _band_of, _Base, _tier_labels


def _single_part(
    params: dict,
    d: _Base,
    single: np.ndarray,
    spend: np.ndarray,
    seg: np.ndarray,
    edges: np.ndarray,
    default_seg: bool,
    window_days: int,
    summary: dict,
    notes: list,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per single-order client: rho × v_shrunk (NaN without a rate), v_shrunk, rho, age band."""
    bands = params["age_bands_days"]
    k = params["value_shrinkage"]
    if k is None:
        gg = summary.get("gamma_gamma")
        k = 1.0 if not gg else max((gg["q"] - 1.0) / gg["p"], 0.0)
    summary["value_shrinkage"] = float(k)
    shrunk = _shrinker(seg[spend], d.revenue[spend], d.orders[spend], k)
    coh = _cohort(d, window_days, bands, edges if default_seg else None, seg, shrunk)
    summary["cohort_clients"] = len(coh)
    summary["cohort_returned"] = float(coh["back"].mean()) if len(coh) else np.nan
    summary["cohort_value"] = float(coh["v"].sum())
    summary["cohort_revenue"] = float(coh["f"].sum())
    band_rate, counts = _band_rates(coh, bands, params["min_cohort"])
    summary["band_rates"] = [
        {
            "band": _band_label(b, bands),
            "cohort_clients": int(counts[b]),
            "rate": float(band_rate[b]),
        }
        for b in counts.index
    ]
    cell_rate = _cell_rates(coh, band_rate, params["rate_credibility"])

    band = _band_of(d.tenure[single], bands)
    labels = seg[single]
    value = shrunk(d.revenue[single], labels)
    keys = pd.MultiIndex.from_arrays([band, labels], names=["band", "s"])
    rho = (
        cell_rate.reindex(keys).to_numpy(dtype=float)
        if len(cell_rate)
        else np.full(len(band), np.nan)
    )
    rate_of_band = band_rate.reindex(band).to_numpy(dtype=float)
    # a band without a rate gives no rate to its segments either
    rho = np.where(np.isfinite(rate_of_band), np.where(np.isfinite(rho), rho, rate_of_band), np.nan)
    _cohort_notes(len(coh), band[~np.isfinite(rho)], counts, params["min_cohort"], bands, notes)
    return rho * value, value, rho, band


def _shrinker(
    seg: np.ndarray, revenue: np.ndarray, orders: np.ndarray, k: float
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``shrunk(v, labels)``: an order value pulled toward its segment's average order value
    (revenue / orders of the segment's clients with a spend, given here) with weight k."""
    tot = pd.DataFrame({"s": seg, "r": revenue, "o": orders}).groupby("s")[["r", "o"]].sum()
    seg_mean = tot["r"] / tot["o"]
    all_mean = float(tot["r"].sum() / tot["o"].sum()) if len(tot) else np.nan

    def shrunk(v: np.ndarray, labels: np.ndarray) -> np.ndarray:
        target = pd.Series(labels).map(seg_mean).fillna(all_mean).to_numpy(dtype=float)
        target = np.where(np.isfinite(target), target, v)
        return (v + k * target) / (1.0 + k)

    return shrunk


def _cohort(
    d: _Base,
    window_days: int,
    bands: tuple[int, ...],
    edges: np.ndarray | None,
    seg: np.ndarray,
    shrunk: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> pd.DataFrame:
    """The cohort: clients with exactly one order before the window. Its value was the revenue
    before the window, its age is counted to the day before the window started; ``edges``
    (default segments) sort it by that value, else it keeps the clients' labels now."""
    v0 = d.revenue - d.revenue_w
    age0 = d.tenure - window_days
    cohort = ((d.orders - d.orders_w) == 1) & (v0 > 0) & np.isfinite(age0) & (age0 >= 0)
    seg_c = (_tier_labels(np.where(cohort, v0, np.nan), edges) if edges is not None else seg)[
        cohort
    ]
    return pd.DataFrame(
        {
            "band": _band_of(age0[cohort], bands),
            "s": seg_c,
            "v": shrunk(v0[cohort], seg_c),
            "f": d.revenue_w[cohort],
            "back": d.orders_w[cohort] > 0,
        }
    )


def _band_rates(
    coh: pd.DataFrame, bands: tuple[int, ...], min_cohort: int
) -> tuple[pd.Series, pd.Series]:
    """(rate per age band, cohort clients per band): revenue / shrunk value of the band's
    cohort, NaN for bands with fewer than ``min_cohort`` clients or no positive value."""
    bb = coh.groupby("band").agg(n=("v", "size"), v=("v", "sum"), f=("f", "sum"))
    bb = bb.reindex(range(len(bands) + 1)).fillna({"n": 0, "v": 0.0, "f": 0.0})
    ok = (bb["n"] >= min_cohort) & (bb["v"] > 0)
    return (bb["f"] / bb["v"]).clip(lower=0.0).where(ok), bb["n"]


def _cell_rates(coh: pd.DataFrame, band_rate: pd.Series, c: float) -> pd.Series:
    """Rate per (band, segment): the cell's own rate pulled toward its band's with weight
    n / (n + c)."""
    cells = coh.groupby(["band", "s"]).agg(n=("v", "size"), v=("v", "sum"), f=("f", "sum"))
    rb = band_rate.reindex(cells.index.get_level_values("band")).to_numpy()
    own = np.where(
        cells["v"] > 0, (cells["f"] / cells["v"].where(cells["v"] > 0)).clip(lower=0), rb
    )
    w = np.where(cells["n"] + c > 0, cells["n"] / (cells["n"] + c), 1.0)
    return pd.Series(w * own + (1.0 - w) * rb, index=cells.index)


def _cohort_notes(
    n_cohort: int,
    bands_without_rate: np.ndarray,
    counts: pd.Series,
    min_cohort: int,
    bands: tuple[int, ...],
    notes: list,
) -> None:
    if n_cohort < min_cohort:
        notes.append(
            ("no_single_order_history", {"cohort_clients": n_cohort, "min_cohort": int(min_cohort)})
        )
        return
    for b in sorted(set(bands_without_rate.tolist())):
        notes.append(
            (
                "band_without_cohort",
                {
                    "band": _band_label(b, bands),
                    "cohort_clients": int(counts[b]),
                    "min_cohort": int(min_cohort),
                },
            )
        )
