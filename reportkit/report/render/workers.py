"""Building the periods of a monthly batch: one period per call (:func:`_run_period`, never raises),
run in worker processes whose numerical thread pools are capped and which die with the batch."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from ...errors import ReportError, ReportkitError
from .common import _tail
from .folder import _keep_failed_notebook, _swap_in
from .notebook import _execute
from .page import render_html
from .pdf import print_pdf

BUILD_FILE = "build.json"


def _run_period(job: dict[str, Any]) -> dict[str, Any]:
    """Run, render (and print) one period. Never raises: errors come back in the dict."""
    period = job["period"]
    work = Path(job["work"])
    html = Path(job["html"])
    nb_name = f"monthly_{period}"
    result: dict[str, Any] = {
        "period": period,
        "status": "failed",
        "html": None,
        "notebook": None,
        "pdf": None,
        "error": None,
    }
    out = html.parent
    # the period is built in a staging folder and swapped in when whole (as the audit): a
    # killed batch leaves each period either as it was or complete, never half of both
    stage = out / f".staging-{os.getpid()}-{period}"
    shutil.rmtree(stage, ignore_errors=True)
    try:
        stage.mkdir(parents=True)
        executed = _execute(
            job["notebook"],
            {},
            {**job["parameters"], "lang": job["lang"], "output_dir": None},
            output_dir=stage / nb_name,
            name=nb_name,
            kernel_name=job["kernel_name"],
        )
        staged = render_html(
            executed,
            out=stage / html.name,
            title=job["title"],
            period=job["period_text"],
            lang=job["lang"],
            made_on=job["made_on"],
            subtitle=job["subtitle"],
            note=job["note"],
        )
        files = [staged] + ([print_pdf(staged)] if job["pdf"] else [])
        (stage / nb_name / BUILD_FILE).write_text(job["signature"], encoding="utf-8")
        final = _swap_in(stage, out, nb_name, files)
        (out / f"{nb_name}.failed.ipynb").unlink(missing_ok=True)  # an earlier failure's
        result["notebook"] = str(final / executed.name)
        result["html"] = str(html)
        if job["pdf"]:
            result["pdf"] = str(out / files[1].name)
        result["status"] = "done"
    except Exception as exc:  # noqa: BLE001 - one period must not stop the others
        if isinstance(exc, ReportError):
            exc = _keep_failed_notebook(exc, stage / nb_name / f"{nb_name}.ipynb", out)
        message = (
            str(exc)
            if isinstance(exc, ReportkitError)
            else f"{type(exc).__name__}: {_tail(exc, 300)}"
        )
        result["error"] = message
        kept = out / f"{nb_name}.failed.ipynb"
        result["notebook"] = str(kept) if kept.is_file() else None
        html.unlink(missing_ok=True)
        (work / BUILD_FILE).unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return result


#: thread-pool sizes that numerical libraries (OpenMP, OpenBLAS, MKL …) read at start-up
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def _limit_threads(threads: int) -> None:
    """Worker initializer: cap the kernels' thread pools at ``threads`` (unless the user set them).

    Parallel periods each run a kernel; left alone, every kernel's OpenMP pool (scikit-learn's
    gradient boosting) takes all the cores, and pools that spin-wait on each other's cores made
    a 2-period batch on 2 cores take minutes instead of seconds. The kernels inherit this
    environment from the worker.
    """
    for name in THREAD_ENV:
        os.environ.setdefault(name, str(threads))
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch process dies (SIGKILL included), so that a
    killed ``monthly`` leaves no worker building periods behind it (its kernels follow: ipykernel
    exits when its parent goes)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: best effort
        pass


def _execute_all(jobs_list: list[dict], jobs: int | None, progress: bool) -> list[dict]:
    from tqdm.auto import tqdm

    workers = min(jobs or os.cpu_count() or 1, len(jobs_list))
    bar = tqdm(
        total=len(jobs_list),
        desc="reportkit monthly",
        unit="period",
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )
    done: list[dict] = []
    try:
        if workers <= 1:
            for job in jobs_list:
                done.append(_run_period(job))
                bar.update(1)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("spawn")
            threads = max(1, (os.cpu_count() or 1) // workers)
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_limit_threads, initargs=(threads,)
            )
            try:
                futures = {pool.submit(_run_period, job): job for job in jobs_list}
                for fut in as_completed(futures):
                    job = futures[fut]
                    try:
                        done.append(fut.result())
                    except Exception as exc:  # noqa: BLE001 - a worker died
                        done.append(
                            {
                                "period": job["period"],
                                "status": "failed",
                                "html": None,
                                "notebook": None,
                                "pdf": None,
                                "error": f"the worker process failed: "
                                f"{type(exc).__name__}: {_tail(exc, 200)}",
                            }
                        )
                    bar.update(1)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)  # e.g. Ctrl-C: stop queued work
                raise
            pool.shutdown(wait=True)
    finally:
        bar.close()
    return done
