"""Backtest of the 12-month expected revenue per client (reportkit.analysis.value).

    python benchmarks/backtest_value.py                 # the sample + 2 seeded generated bases
    python benchmarks/backtest_value.py --cutoffs 6     # more cut-offs (6 months apart)

For each base: at past month-end cut-offs whose next 365 days are fully observed before the
report date, the snapshot at the cut-off predicts each client's revenue over the next 365 days
and is compared with what the client actually bought. Methods: ``model`` (BG/NBD × Gamma-Gamma
for repeat buyers, the single-order rule for one-order clients), ``model_all`` (the same with
the Gamma-Gamma mean over all repeat orders, ``order_values="all"``), the baselines
``last_12m`` and ``segment_mean`` (its total is last_12m's by construction), and ``churn_v1`` --
the figure the report used before (``reportkit.analysis.churn.expected_revenue_12m`` as it was,
rebuilt here: BG/NBD × Gamma-Gamma for every client, first order in the mean). Prints one table per base
(method, cut-off, predicted and actual totals, total error, MAE, MAE relative to last_12m and to
the model), the model's calibration by decile of prediction, and the single-order check at the
report date. Writes nothing.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import reportkit as rk
from reportkit.analysis.btyd import BetaGeoModel, GammaGammaModel
from reportkit.analysis.value import backtest_expected_revenue, expected_revenue
from reportkit.errors import ModelWarning
from reportkit.io.sample import make_base

REPORT_DATE = "2025-12-31"


def _issue_figure(snap: pd.DataFrame) -> pd.Series:
    """The figure of the issue, as churn.expected_revenue_12m computed it (rebuilt here, so that
    the comparison survives changes to churn): BG/NBD × Gamma-Gamma for every client with an
    order, in weeks, with a mean order value that includes the first order."""
    out = pd.Series(0.0, index=snap["client_id"].to_numpy())
    has = (snap["orders_total"] > 0).to_numpy()
    s = snap[has]
    freq = (s["orders_total"] - 1).to_numpy(float)
    T = (s["tenure_days"] / 7).to_numpy(float)
    rec = np.minimum(((s["last_order"] - s["first_order"]).dt.days / 7).to_numpy(float), T)
    rec = np.where(freq == 0, 0.0, rec)
    mon = (s["revenue_total"] / s["orders_total"]).to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        bg = BetaGeoModel().fit(freq, rec, T)
        ok = (freq > 0) & (mon > 0)
        gg = GammaGammaModel().fit(freq[ok], mon[ok])
        out[has] = bg.expected_purchases(52.0, freq, rec, T) * gg.expected_order_value(
            freq, np.where(mon > 0, mon, 0.0))
    return out


def _old_method(panel, bt) -> pd.DataFrame:
    """The report's previous figure at the backtest's cut-offs."""
    rows = []
    for cut, g in bt.clients.groupby("cutoff"):
        old = _issue_figure(rk.snapshot(panel, as_of=cut))
        p = old.reindex(g["client_id"].to_numpy()).fillna(0.0).to_numpy()
        a = g["actual"].to_numpy()
        rows.append({"method": "churn_v1", "cutoff": cut, "n_clients": len(a),
                     "predicted": p.sum(), "actual": a.sum(), "total_error": p.sum() / a.sum() - 1,
                     "mae": np.abs(p - a).mean()})
    return pd.DataFrame(rows)


def _print_base(name: str, panel, as_of: str, n_cutoffs: int) -> dict:
    t0 = time.perf_counter()
    bt = backtest_expected_revenue(panel, as_of=as_of, n_cutoffs=n_cutoffs, step_months=6)
    secs = time.perf_counter() - t0
    print(f"\n=== {name}: {panel!r}")
    notes = [f"{p.get('code', c)}@{p['cutoff']:%Y-%m}" + (f" ({p['band']})" if "band" in p else "")
             if "cutoff" in p else c for c, p in bt.notes]
    print(f"    report date {as_of}; backtest {secs:.1f} s; notes: {'; '.join(notes) or 'none'}")
    if bt.table.empty:
        print("    no fully observed cut-off")
        return {}
    # the same model with the Gamma-Gamma mean over all repeat orders (lifetimes' whole history)
    bt_all = backtest_expected_revenue(panel, as_of=as_of, n_cutoffs=n_cutoffs, step_months=6,
                                       order_values="all")
    all_rows = bt_all.table[bt_all.table["method"] == "model"].assign(method="model_all")
    table = pd.concat([bt.table.drop(columns="mae_vs_last_12m"),
                       all_rows.drop(columns="mae_vs_last_12m"), _old_method(panel, bt)],
                      ignore_index=True)
    base = table[table["method"] == "last_12m"].set_index("cutoff")["mae"]
    model = table[table["method"] == "model"].set_index("cutoff")["mae"]
    table["mae_vs_last_12m"] = table["mae"] / table["cutoff"].map(base)
    table["mae_vs_model"] = table["mae"] / table["cutoff"].map(model)
    order = {"model": 0, "model_all": 1, "last_12m": 2, "segment_mean": 3, "churn_v1": 4}
    table = table.sort_values(["cutoff", "method"], key=lambda s: s.map(order)
                              if s.name == "method" else s, kind="stable")
    print(f"    {'method':<13} {'cut-off':<10} {'clients':>7} {'predicted':>13} {'actual':>13} "
          f"{'total err':>9} {'MAE':>10} {'MAE/last12':>10} {'MAE/model':>9}")
    for r in table.itertuples():
        print(f"    {r.method:<13} {r.cutoff:%Y-%m-%d} {r.n_clients:>7,} {r.predicted:>13,.0f} "
              f"{r.actual:>13,.0f} {r.total_error:>+9.1%} {r.mae:>10,.0f} "
              f"{r.mae_vs_last_12m:>10.3f} {r.mae_vs_model:>9.3f}")
    dec = bt.deciles[bt.deciles["method"] == "model"]
    piv = dec.pivot(index="decile", columns="cutoff", values="total_error")
    print("    model: total error by decile of predicted value (1 = lowest)")
    print("      decile " + " ".join(f"{c:%Y-%m-%d}" for c in piv.columns))
    for d, row in piv.iterrows():
        print(f"      {d:>6} " + " ".join(f"{v:>+10.1%}" for v in row))
    snap = rk.snapshot(panel, as_of=as_of)
    er = expected_revenue(snap)
    s = er.summary
    print(f"    at {as_of}: expected total {s['total']:,.0f}; single-order clients "
          f"{s['single_order_clients']:,}: expected {s['single_order_total']:,.0f} vs their "
          f"last-12-month revenue {s['single_order_revenue_window']:,.0f} "
          f"(x{s['single_order_ratio']:.2f}); cohort {s['cohort_clients']:,} clients, "
          f"{s['cohort_returned']:.0%} came back")
    print("    single-order rate by age band: " + ", ".join(
        f"{r['band']} d: {r['rate']:.2f} (n={r['cohort_clients']})" for r in s["band_rates"]))
    return {"name": name, "table": table}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cutoffs", type=int, default=3, help="cut-offs per base (6 months apart)")
    args = ap.parse_args()
    pd.set_option("display.width", 200)
    ds = rk.load(rk.sample_path())
    _print_base("bundled sample", rk.build_panel(ds), REPORT_DATE, args.cutoffs)
    for seed, n, years in ((1, 2000, 3), (2, 3000, 4)):
        base = make_base(n, years, end=REPORT_DATE, random_state=seed)
        panel = rk.build_panel(base.transactions, clients=base.clients)
        _print_base(f"make_base({n}, {years}, random_state={seed})", panel, REPORT_DATE,
                    args.cutoffs)


if __name__ == "__main__":
    main()
