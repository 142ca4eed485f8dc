"""Benchmark: loading exports — ``reportkit check FILE`` against polars, pyarrow and pandas
reading the same generated files with every column as text.

    python benchmarks/bench_load.py                  # 100k, 1M, 10M rows; the xlsx at 1M rows
    python benchmarks/bench_load.py --quick          # 100k rows only (the xlsx too)
    python benchmarks/bench_load.py --rows 1000000 --xlsx-rows 0    # one size, no xlsx
    python benchmarks/bench_load.py --readers polars reportkit --markdown

Files (seeded, cached in ``benchmarks/_data/exports/``, made by ``gen_exports.py``): the plain
UTF-8 CSV and the 1C-style cp1251 CSV of each size in ``--rows``, and the Russian .xlsx at
``--xlsx-rows``. Every reader runs in its own subprocess:

reportkit   ``reportkit check FILE`` (``reportkit.cli.main(["check", FILE])`` in ``python -c``)
polars      ``pl.read_csv(FILE, infer_schema=False)`` (cp1251: ``encoding="cp1251"``, which
            polars decodes in Python first, ``separator=";"``, ``skip_rows=2``);
            xlsx: ``pl.read_excel(FILE, engine="calamine")`` (header row 3, typed cells)
pyarrow     ``pyarrow.csv.read_csv`` with every column ``pa.string()`` (cp1251 transcoded by
            pyarrow)
pandas      ``pd.read_csv(FILE, dtype=str)``

``seconds`` is the wall time of the whole subprocess (interpreter start and imports included,
about 0.2-1 s); ``peak_GB`` the largest summed RSS of the process and its descendants, sampled
every 0.1 s (psutil when installed, else /proc, else ``ps``), or the process's own peak (VmHWM,
written to stderr at exit; a 0.1 s sampling misses the read of a small file) when that is
larger; ``ratio_to_polars`` the seconds over those of polars on the same file.
``status`` is ``ok``, ``exit N``, ``killed:time`` / ``killed:mem`` (past ``--cap-seconds`` /
``--cap-gb``; the whole process tree is killed), or the number of rows read when it is not
the number written. Prints one table (``--markdown`` for a Markdown table).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_exports as G

READERS = ["polars", "pyarrow", "pandas", "reportkit"]

# --- running one subprocess under caps, measuring its process tree -----------------------------

try:
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    psutil = None

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _table_proc() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss bytes) of every process, from /proc/<pid>/stat."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                s = fh.read()
        except OSError:
            continue          # ended meanwhile
        rest = s[s.rfind(b")") + 2:].split()   # fields 3.. (the name may hold spaces)
        out[int(d)] = (int(rest[1]), int(rest[21]) * _PAGE)
    return out


def _table_ps() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss bytes) from ``ps -eo pid,ppid,rss``."""
    lines = subprocess.run(["ps", "-eo", "pid,ppid,rss"], capture_output=True, check=False,
                           text=True).stdout.splitlines()[1:]
    out = {}
    for line in lines:
        f = line.split()
        if len(f) == 3:
            out[int(f[0])] = (int(f[1]), int(f[2]) * 1024)
    return out


def tree(root: int) -> tuple[list[int], int]:
    """The pids of ``root`` and its descendants, and their summed RSS in bytes."""
    if psutil is not None:
        try:
            p = psutil.Process(root)
            procs = [p] + p.children(recursive=True)
        except psutil.NoSuchProcess:
            return [], 0
        total = 0
        for q in procs:
            try:
                total += q.memory_info().rss
            except psutil.Error:
                pass
        return [q.pid for q in procs], total
    table = _table_proc() if os.path.isdir("/proc") else _table_ps()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    pids, todo = [], [root] if root in table else []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(kids.get(pid, []))
    return pids, sum(table[p][1] for p in pids)


def _kill(root: int, pids: list[int]) -> None:
    """SIGKILL the process group of ``root`` (a session of its own) and each of ``pids`` (its
    descendants, some of which may have left the group)."""
    for pid in [root, *pids]:
        try:
            if pid == root:
                os.killpg(root, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass
class Run:
    """One capped subprocess: wall seconds, peak GB of the tree, status, output."""

    seconds: float
    peak_gb: float
    status: str           # "ok", "exit N", "killed:time", "killed:mem"
    returncode: int | None
    stdout: str
    stderr: str


def run_capped(cmd: list[str], cap_seconds: float = 600, cap_gb: float = 16,
               interval: float = 0.1, cwd: str | Path | None = None) -> Run:
    """Run ``cmd`` in a new session; sample the summed RSS of its process tree every
    ``interval`` s; kill the whole tree (the process group and every descendant found, such as a
    Jupyter kernel in a session of its own) past ``cap_seconds`` or ``cap_gb``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        done, end = threading.Event(), {}

        def reap() -> None:  # blocks until the process ends: the wall time to the millisecond
            end["status"] = os.waitpid(p.pid, 0)[1]
            end["time"] = time.perf_counter()
            done.set()

        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        threading.Thread(target=reap, daemon=True).start()
        peak, why = 0, None
        while not done.is_set():
            pids, rss = tree(p.pid)
            peak = max(peak, rss)
            if rss > cap_gb * 2**30:
                why = "killed:mem"
            elif time.perf_counter() - t0 > cap_seconds:
                why = "killed:time"
            if why:
                _kill(p.pid, pids)
                done.wait()
                break
            done.wait(interval)
        seconds = end["time"] - t0
        p.returncode = code = os.waitstatus_to_exitcode(end["status"])   # reaped by reap()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    hwm = re.findall(r"^@@VmHWM (\d+)$", stderr, flags=re.MULTILINE)
    if hwm:   # the process's own peak, which a 0.1 s sampling misses in short runs
        peak = max(peak, int(hwm[-1]) * 1024)
        stderr = re.sub(r"^@@VmHWM \d+\n?", "", stderr, flags=re.MULTILINE)
    status = why or ("ok" if code == 0 else f"exit {code}")
    return Run(seconds, peak / 2**30, status, code, stdout, stderr)


# Prepended to the Python code run in a subprocess: at exit the process writes its peak RSS
# (VmHWM, Linux) to stderr. (The rusage of a child is no use: its maxrss starts at this
# process's, copied at the fork.)
_HWM = ("import atexit as _a, sys as _s\n"
        "def _hwm():\n"
        "    try:\n"
        "        with open('/proc/self/status') as fh:\n"
        "            kb = [ln.split()[1] for ln in fh if ln.startswith('VmHWM:')]\n"
        "        _s.stderr.write('\\n@@VmHWM %s\\n' % kb[0]); _s.stderr.flush()\n"
        "    except (OSError, IndexError):\n"
        "        pass\n"
        "_a.register(_hwm)\n")


def python_cmd(code: str, *args: str) -> list[str]:
    """``python -c CODE ARGS…`` that reports its own peak RSS to :func:`run_capped`."""
    return [sys.executable, "-c", _HWM + code, *args]


def reportkit_cmd(*args: str) -> list[str]:
    """``reportkit ARGS…`` (what the console script runs: ``sys.exit(main())``), reporting its
    peak RSS to :func:`run_capped`."""
    return python_cmd("import sys\nfrom reportkit.cli import main\nsys.exit(main(sys.argv[1:]))",
                      *args)


# --- the readers -------------------------------------------------------------------------------

def _csv_options(kind: str) -> dict:
    if kind == "russian":
        return {"sep": ";", "skip": G.RU_SKIP_ROWS, "encoding": "cp1251", "header": G.RU_HEADER}
    return {"sep": ",", "skip": 0, "encoding": "utf-8", "header": G.PLAIN_HEADER}


def reader_cmd(reader: str, path: Path, kind: str) -> list[str]:
    """The command line that reads ``path`` (kind "plain", "russian" or "xlsx") and prints the
    number of rows read."""
    if reader == "reportkit":
        return reportkit_cmd("check", str(path))
    f = str(path)
    if kind == "xlsx":
        if reader != "polars":
            raise ValueError(f"no {reader} reader for xlsx")
        code = ("import polars as pl\n"
                f"df = pl.read_excel({f!r}, engine='calamine', "
                f"read_options={{'header_row': {G.RU_SKIP_ROWS}}})\n"
                "print(df.height)")
        return python_cmd(code)
    o = _csv_options(kind)
    if reader == "polars":
        enc = "" if o["encoding"] == "utf-8" else f", encoding={o['encoding']!r}"
        code = ("import polars as pl\n"
                f"df = pl.read_csv({f!r}, infer_schema=False, separator={o['sep']!r}, "
                f"skip_rows={o['skip']}{enc})\n"
                "print(df.height)")
    elif reader == "pyarrow":
        code = ("import pyarrow as pa, pyarrow.csv as pc\n"
                f"t = pc.read_csv({f!r}, read_options=pc.ReadOptions(encoding={o['encoding']!r}, "
                f"skip_rows={o['skip']}), parse_options=pc.ParseOptions(delimiter={o['sep']!r}), "
                f"convert_options=pc.ConvertOptions(column_types={{c: pa.string() for c in "
                f"{o['header']!r}}}))\n"
                "print(t.num_rows)")
    elif reader == "pandas":
        code = ("import pandas as pd\n"
                f"df = pd.read_csv({f!r}, dtype=str, sep={o['sep']!r}, skiprows={o['skip']}, "
                f"encoding={o['encoding']!r})\n"
                "print(len(df))")
    else:
        raise ValueError(reader)
    return python_cmd(code)


def rows_read(reader: str, stdout: str) -> int | None:
    """Rows the reader reports: the last line of the baselines, 'rows read' of reportkit."""
    if reader == "reportkit":
        m = re.search(r"rows read\s+([\d,]+)", stdout)
        return int(m.group(1).replace(",", "")) if m else None
    last = stdout.strip().splitlines()[-1:] or [""]
    return int(last[0]) if last[0].isdigit() else None


def warm(path: Path) -> None:
    """Read the file once so that every reader finds it in the page cache."""
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass


# --- the table ---------------------------------------------------------------------------------

def show(table: pd.DataFrame, markdown: bool = False, floats: dict[str, str] | None = None
         ) -> str:
    """The table as text (pandas ``to_string``) or as a Markdown table."""
    floats = floats or {}
    cells = table.copy()
    for col, fmt in floats.items():
        cells[col] = ["-" if pd.isna(v) else format(v, fmt) for v in table[col]]
    for col in cells.columns:
        if col not in floats and pd.api.types.is_integer_dtype(table[col]):
            cells[col] = ["-" if pd.isna(v) else f"{int(v):,}" for v in table[col]]
    cells = cells.astype(str)
    if not markdown:
        return cells.to_string(index=False)
    right = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    lines = ["| " + " | ".join(cells.columns) + " |",
             "|" + "|".join("---:" if c in right else "---" for c in cells.columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines)


def machine() -> str:
    import polars
    import pyarrow

    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem = float("nan")
    return (f"{os.cpu_count()} cores, {mem:.0f} GB RAM; python {sys.version.split()[0]}, "
            f"polars {polars.__version__}, pyarrow {pyarrow.__version__}, "
            f"pandas {pd.__version__}; memory sampled with "
            f"{'psutil' if psutil else '/proc' if os.path.isdir('/proc') else 'ps'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000],
                    help="CSV sizes (default 100000 1000000 10000000)")
    ap.add_argument("--xlsx-rows", type=int, default=None,
                    help="size of the xlsx file (default 1000000; --quick: 100000; 0: none)")
    ap.add_argument("--quick", action="store_true", help="100k rows only (CSV and xlsx)")
    ap.add_argument("--kinds", nargs="+", choices=["plain", "russian"],
                    default=["plain", "russian"], help="CSV files (default both)")
    ap.add_argument("--readers", nargs="+", choices=READERS, default=READERS,
                    help="readers to run (default all; the xlsx has polars and reportkit)")
    ap.add_argument("--cap-seconds", type=float, default=600, help="kill a run past this")
    ap.add_argument("--cap-gb", type=float, default=16, help="kill a run past this tree RSS")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)
    sizes = [100_000] if args.quick else args.rows
    xlsx_rows = args.xlsx_rows if args.xlsx_rows is not None else (
        100_000 if args.quick else 1_000_000)

    files: list[tuple[str, int, Path]] = []
    for rows in sizes:
        for kind in args.kinds:
            files.append((kind, rows, G.KINDS[kind](rows)))
    if xlsx_rows:
        files.append(("xlsx", xlsx_rows, G.russian_xlsx(xlsx_rows)))

    results = []
    for kind, rows, path in files:
        warm(path)
        readers = [r for r in args.readers if kind != "xlsx" or r in ("polars", "reportkit")]
        for reader in readers:
            r = run_capped(reader_cmd(reader, path, kind), args.cap_seconds, args.cap_gb)
            status = r.status
            if status == "ok":
                n = rows_read(reader, r.stdout)
                if n != rows:
                    status = f"read {n:,} rows" if n is not None else "rows not reported"
            elif r.stderr.strip():
                print(f"  {reader} on {path.name}: {r.stderr.strip().splitlines()[-1]}",
                      file=sys.stderr)
            results.append({"file": path.name, "rows": rows, "reader": reader,
                            "seconds": r.seconds, "peak_GB": r.peak_gb, "status": status})
            print(f"  {path.name:<24} {reader:<10} {r.seconds:8.2f} s {r.peak_gb:6.2f} GB  "
                  f"{status}", file=sys.stderr, flush=True)

    table = pd.DataFrame(results)
    ref = {row.file: row.seconds for row in table.itertuples()
           if row.reader == "polars" and row.status == "ok"}
    table["ratio_to_polars"] = [
        s / ref[f] if f in ref and st == "ok" else float("nan")
        for f, s, st in zip(table["file"], table["seconds"], table["status"])]
    table = table[["file", "rows", "reader", "seconds", "peak_GB", "ratio_to_polars", "status"]]
    print(f"\nreportkit check vs. plain readers — {machine()}\n")
    print(show(table, args.markdown,
               {"seconds": ".2f", "peak_GB": ".2f", "ratio_to_polars": ".1f"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
