"""Benchmark: the report machinery — action-list export, table rendering, masking, notebook
execution and rendering, and the monthly batch run serially and in parallel.

    python benchmarks/bench_report.py            # full sizes (1M-row masks, 200k-row lists)
    python benchmarks/bench_report.py --quick    # small sizes, for development
    python benchmarks/bench_report.py --no-sample  # skip the audit of the bundled sample

Prints one table: stage, size, seconds, ratio. For the size-scaled stages ``ratio`` is the time
relative to the first size of the same stage (≈ the size ratio means linear scaling); for the
monthly batch it is the time relative to ``jobs=1`` (below 1 = the parallel run is faster).
Generated data (seeded) goes to benchmarks/_data/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import reportkit.report.render as R
import reportkit.report.text as T
from reportkit.report.export import write_action_lists

DATA = Path(__file__).resolve().parent / "_data" / "report"


def clients_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", np.arange(n).astype(str))
    return pd.DataFrame({
        "client_id": ids,
        "name": np.char.add("Company ", rng.integers(0, n, n).astype(str)),
        "phone": np.char.add("+7 900 ", rng.integers(1_000_000, 9_999_999, n).astype(str)),
        "email": np.char.add(np.char.add("c", rng.integers(0, n, n).astype(str)), "@mail.ru"),
        "revenue_window": rng.lognormal(10, 2, n).round(2),
        "orders_total": rng.integers(0, 50, n),
        "churn_probability": rng.random(n),
        "last_order": pd.Timestamp("2024-06-30") - pd.to_timedelta(rng.integers(0, 900, n),
                                                                   unit="D"),
    })


def timed(fn, *args, **kwargs) -> float:
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t0


def tiny_notebook(path: Path) -> Path:
    nb = new_notebook()
    params = new_code_cell('period: str = "2024-01"\npanel_path: str = ""\noutput_dir: str = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_markdown_cell("# Period"),
                new_code_cell("import pandas as pd\nimport reportkit.report.render as R\n"
                              "frame = R.read_cached(panel_path).frame\n"
                              "m = frame[frame['month'] == pd.Timestamp(period + '-01')]\n"
                              "R.record_kpis({'clients': m['client_id'].nunique(), "
                              "'revenue': float(m['revenue'].sum())}, output_dir)\nm.head()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def tiny_base(folder: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    n = 5000
    tx = pd.DataFrame({
        "client_id": np.char.add("C", rng.integers(0, 500, n).astype(str)),
        "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
                 ).strftime("%Y-%m-%d"),
        "amount": rng.lognormal(6, 1, n).round(2),
    })
    folder.mkdir(parents=True, exist_ok=True)
    tx.to_csv(folder / "transactions.csv", index=False)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes")
    ap.add_argument("--no-sample", action="store_true", help="skip the sample-base audit")
    ap.add_argument("--periods", type=int, default=6, help="periods of the monthly batch")
    args = ap.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, float, float]] = []

    def add(stage: str, sizes, fn):
        first = None
        for size in sizes:
            sec = fn(size)
            first = first or sec
            rows.append((stage, f"{size:,}", sec, sec / first))
            print(f"  {stage:<34} {size:>12,} {sec:9.3f}", file=sys.stderr)

    list_sizes = (2_000, 20_000) if args.quick else (20_000, 200_000)
    mask_sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    html_sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    big = clients_frame(max(mask_sizes), seed=1)

    add("write_action_lists csv+xlsx (en)", list_sizes, lambda n: timed(
        write_action_lists, {"reactivation": big.head(n)}, DATA / f"lists_{n}", lang="en"))
    add("write_action_lists csv+xlsx (ru)", list_sizes[:1], lambda n: timed(
        write_action_lists, {"reactivation": big.head(n)}, DATA / f"lists_ru_{n}", lang="ru"))
    add("table_html (ru)", html_sizes, lambda n: timed(T.table_html, big.head(n), "ru"))
    add("mask_frame", mask_sizes, lambda n: timed(R.mask_frame, big.head(n), b"bench-key"))

    # one notebook: kernel start + execution, then rendering
    work = DATA / "nb"
    shutil.rmtree(work, ignore_errors=True)
    base = tiny_base(DATA / "base")
    from reportkit.io.load import load

    ds = load(base)
    tx = ds.transactions
    panel_frame = (tx.assign(month=tx["date"].dt.to_period("M").dt.to_timestamp())
                   .groupby(["client_id", "month"], as_index=False)["amount"].sum()
                   .rename(columns={"amount": "revenue"}))
    from types import SimpleNamespace

    panel_path = R.write_cached(SimpleNamespace(frame=panel_frame), work / "panel.pkl")
    nb = tiny_notebook(work / "tiny.ipynb")
    t0 = time.perf_counter()
    executed = R.run_notebook(nb, {"period": "2023-06", "panel_path": str(panel_path)},
                              output_dir=work / "out")
    rows.append(("run_notebook (tiny, kernel start)", "1", time.perf_counter() - t0, 1.0))
    t0 = time.perf_counter()
    R.render_html(executed, out=work / "tiny.html", made_on="2024-01-01")
    rows.append(("render_html (tiny)", "1", time.perf_counter() - t0, 1.0))

    # the monthly batch: serial vs parallel, with a stand-in panel (the notebook only reads it)
    R._build_panel = lambda dataset: SimpleNamespace(frame=panel_frame)  # noqa: SLF001
    end = (pd.Period("2023-01", freq="M") + args.periods - 1).strftime("%Y-%m")
    serial = None
    for jobs in (1, 2):
        out = DATA / f"monthly_jobs{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        res = R.monthly(base, start="2023-01", end=end, out=out, jobs=jobs, notebook=nb,
                        progress=False)
        sec = time.perf_counter() - t0
        assert not res.failed, res
        serial = serial or sec
        rows.append((f"monthly tiny notebook, jobs={jobs}", f"{args.periods} periods", sec,
                     sec / serial))
    t0 = time.perf_counter()
    res = R.monthly(base, start="2023-01", end=end, out=DATA / "monthly_jobs2", jobs=2,
                    notebook=nb, progress=False)
    rows.append(("monthly re-run (all up to date)", f"{args.periods} periods",
                 time.perf_counter() - t0, 1.0))
    assert len(res.skipped) == args.periods

    if not args.no_sample:
        import importlib

        import reportkit

        importlib.reload(R)  # the real panel builder again
        try:
            sample = reportkit.sample_path()
            out = DATA / "audit_sample"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            res = R.audit(sample, out=out)
            rows.append(("audit, bundled sample (real notebook)", "1", time.perf_counter() - t0,
                         1.0))
            t0 = time.perf_counter()
            R.print_pdf(res.html)
            rows.append(("print_pdf, sample audit", "1", time.perf_counter() - t0, 1.0))
            # the target: 12 monthly reports of the sample with 2 jobs, under 2 minutes
            out = DATA / "monthly_sample"
            shutil.rmtree(out, ignore_errors=True)
            t0 = time.perf_counter()
            mres = R.monthly(sample, start="2025-01", end="2025-12", out=out, jobs=2,
                             progress=False)
            sec = time.perf_counter() - t0
            if mres.failed:
                print(f"monthly sample batch: failed periods {mres.failed}", file=sys.stderr)
            rows.append(("monthly, bundled sample (real nb), jobs=2", "12 periods", sec, 1.0))
        except Exception as exc:  # noqa: BLE001 - report what could not be measured
            print(f"sample audit not measured: {type(exc).__name__}: {exc}", file=sys.stderr)

    print(f"\nreportkit report machinery — {os.cpu_count()} cores\n")
    print(f"{'stage':<40} {'size':>14} {'seconds':>9} {'ratio':>7}")
    for stage, size, sec, ratio in rows:
        print(f"{stage:<40} {size:>14} {sec:9.3f} {ratio:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
