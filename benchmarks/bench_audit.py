"""Benchmark: ``reportkit audit FILE --out DIR`` end to end (load, panel, notebook in a Jupyter
kernel, HTML) on the generated plain CSV exports.

    python benchmarks/bench_audit.py                        # 100k, 1M and 10M rows
    python benchmarks/bench_audit.py --quick                # 100k rows only
    python benchmarks/bench_audit.py --rows 1000000 --cap-gb 8
    python benchmarks/bench_audit.py --file data.csv        # one given file instead

Each audit runs as ``reportkit audit FILE --out benchmarks/_data/audit_out/<rows>/``
(``<file stem>/`` with ``--file``; the folder is emptied first, so nothing is reused from an
earlier run). ``seconds`` is the wall time of the command, ``peak_GB`` the largest summed RSS
of its process tree (the Jupyter kernel included), sampled every 0.1 s; a run past
``--cap-seconds`` or ``--cap-gb`` is killed with its kernel and shown as ``killed:time`` /
``killed:mem``. ``clients`` is the audit's own count (``kpis.json``), or the generated count
when the audit did not finish. The input files are made by ``gen_exports.py`` (seeded, cached in
``benchmarks/_data/exports/``). Prints one table: file, rows, clients, seconds, peak_GB, exit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_exports as G
from bench_load import machine, reportkit_cmd, run_capped, show

OUT = Path(__file__).resolve().parent / "_data" / "audit_out"


def audit_clients(out: Path) -> int | None:
    """Distinct clients the audit reported (``kpis.json`` of the report it wrote)."""
    for kpis in sorted(out.glob("audit_*/kpis.json")):
        try:
            return int(json.loads(kpis.read_text(encoding="utf-8"))["clients"])
        except (ValueError, KeyError, TypeError):
            return None
    return None


def time_audit(path: Path, out: Path, cap_seconds: float, cap_gb: float) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    r = run_capped(reportkit_cmd("audit", str(path), "--out", str(out)), cap_seconds, cap_gb)
    if r.status != "ok" and r.stderr.strip():
        print(f"  audit of {path.name}: " + "\n  ".join(r.stderr.strip().splitlines()[-5:]),
              file=sys.stderr)
    return {"seconds": r.seconds, "peak_GB": r.peak_gb, "exit": r.status,
            "clients": audit_clients(out)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                    help="sizes of the plain CSV (default 100000 1000000 10000000)")
    ap.add_argument("--quick", action="store_true", help="100k rows only")
    ap.add_argument("--file", type=Path, help="time the audit of this file only")
    ap.add_argument("--cap-seconds", type=float, default=600, help="kill a run past this")
    ap.add_argument("--cap-gb", type=float, default=16, help="kill a run past this tree RSS")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)

    if args.file:
        if not args.file.is_file():
            ap.error(f"no such file: {args.file}")
        jobs = [(args.file.resolve(), None, OUT / args.file.stem)]
    else:
        sizes = [100_000] if args.quick else args.rows
        jobs = [(G.plain_csv(rows), rows, OUT / str(rows)) for rows in sizes]

    results = []
    for path, rows, out in jobs:
        res = time_audit(path, out, args.cap_seconds, args.cap_gb)
        if res["clients"] is None and rows is not None:
            res["clients"] = rows // 10          # what gen_exports wrote
        results.append({"file": path.name, "rows": rows, **res})
        print(f"  {path.name:<24} {res['seconds']:8.1f} s {res['peak_GB']:6.2f} GB  "
              f"{res['exit']}", file=sys.stderr, flush=True)

    table = pd.DataFrame(results)[["file", "rows", "clients", "seconds", "peak_GB", "exit"]]
    table = table.astype({"rows": "Int64", "clients": "Int64"})
    print(f"\nreportkit audit, end to end — {machine()}\n")
    print(show(table, args.markdown, {"seconds": ".1f", "peak_GB": ".2f"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
