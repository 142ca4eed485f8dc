"""Stress: audits of the bundled sample killed at random moments; every report folder left must be
complete (the HTML, its folder with the notebook, key figures, manifest and every list it names)
or absent -- never half of one.

    python benchmarks/stress_kills.py              # 20 runs into one output folder
    python benchmarks/stress_kills.py --runs 5 --seed 3

The first run is not killed (it measures how long a run takes); each later run is SIGKILLed
(with its whole process group) at a random moment between 0 and 1.2 times that, or left to
finish when the moment falls past its end. After every run the folder is checked. Prints one
table (run, killed after, exit, state) and exits 1 when any state is ``BROKEN``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import reportkit as rk


def state(out: Path) -> str:
    """``complete``, ``absent`` or ``BROKEN: why`` for the report in ``out``."""
    pages = sorted(out.glob("audit_*.html"))
    folders = sorted(p for p in out.glob("audit_*") if p.is_dir())
    if not pages and not folders:
        return "absent"
    if len(pages) != 1 or len(folders) != 1 or pages[0].stem != folders[0].name:
        return f"BROKEN: pages {[p.name for p in pages]}, folders {[f.name for f in folders]}"
    page, folder = pages[0], folders[0]
    if not page.read_text(encoding="utf-8").rstrip().endswith("</html>"):
        return "BROKEN: the HTML is cut"
    for need in (f"{folder.name}.ipynb", "kpis.json", "action_lists.json"):
        if not (folder / need).is_file():
            return f"BROKEN: no {need}"
    try:
        manifest = json.loads((folder / "action_lists.json").read_text(encoding="utf-8"))
        json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        return f"BROKEN: {exc}"
    missing = [f for f in manifest.values() if not (folder / f).is_file()]
    if missing:
        return f"BROKEN: lists missing {missing}"
    stray = [p.name for p in out.rglob("*.tmp") if ".staging-" not in str(p)]
    return f"BROKEN: temporaries {stray}" if stray else "complete"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep the output folder")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    out = Path(tempfile.mkdtemp(prefix="rk-stress-")) / "out"
    cmd = [sys.executable, "-m", "reportkit", "audit", str(rk.sample_path()), "--out", str(out),
           "--quiet"]
    rows, took = [], None
    try:
        for run in range(args.runs):
            kill_at = None if took is None else rng.uniform(0, 1.2 * took)
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
            try:
                proc.wait(timeout=kill_at)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            elapsed = time.perf_counter() - t0
            if took is None:
                took = elapsed
            time.sleep(1.5)       # the kernel of a killed run notices its parent is gone
            rows.append({"run": run + 1,
                         "killed_after_s": "-" if kill_at is None or proc.returncode == 0
                         else round(kill_at, 1),
                         "exit": proc.returncode, "state": state(out)})
    finally:
        if not args.keep:
            shutil.rmtree(out.parent, ignore_errors=True)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    broken = table["state"].str.startswith("BROKEN")
    print(f"\n{len(table)} runs, {int((table['exit'] != 0).sum())} killed, "
          f"{int(broken.sum())} broken folders")
    return 1 if broken.any() else 0


if __name__ == "__main__":
    sys.exit(main())
