"""The output folder: its lock (one run at a time), the staging folders a run writes into and
swaps in when whole, and the write check made before any work."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from ...errors import OutputFolderError, ReportError

LOCK_FILE = ".reportkit.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: an unreadable lock file younger than this is a run writing it, not a stale lock
_LOCK_WRITE_SECONDS = 30.0


def _create_lock(path: Path, text: str) -> bool:
    """Create ``path`` holding ``text`` only if it does not exist, in one step: the text is
    written to a file of our own and hard-linked into place, so no other run can ever read the
    lock half-written. Filesystems without hard links fall back to an exclusive create."""
    own = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        own.write_text(text, encoding="utf-8")
        try:
            os.link(own, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # no hard links here
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return True
    finally:
        own.unlink(missing_ok=True)


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold ``out/.reportkit.lock`` (the holder's pid and start time) for one run: a second run
    into the same folder is refused with a message naming the holder; a lock whose process is
    gone (a killed run) is stale and taken over."""
    path = out / LOCK_FILE
    mine = f"{os.getpid()} {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n"
    for _ in range(3):
        if _create_lock(path, mine):
            break
        try:
            text = path.read_text(encoding="utf-8")
            age = time.time() - path.stat().st_mtime
        except OSError:
            continue  # gone meanwhile: try again
        pid_text, _, started = text.strip().partition(" ")
        pid = int(pid_text) if pid_text.isdigit() else None
        if pid is None and age < _LOCK_WRITE_SECONDS:
            pid, started = -1, "just now"  # a lock being written by a run that is starting
        if pid is not None and pid != os.getpid() and (pid == -1 or _alive(pid)):
            holder = "starting" if pid == -1 else f"pid {pid}"
            raise OutputFolderError(
                f"another reportkit run ({holder}, started {started or 'earlier'}) is "
                f"writing to {out}; wait for it to finish or choose another --out folder. "
                f"(If no such run exists, delete {path}.)"
            ) from None
        path.unlink(missing_ok=True)  # stale: the run that held it is gone
    else:  # pragma: no cover - another run keeps winning the race
        raise OutputFolderError(f"cannot take the lock {path}; another run is starting there.")
    try:
        yield path
    finally:
        try:
            if path.read_text(encoding="utf-8") == mine:
                path.unlink()
        except OSError:
            pass


def _clear_stale_staging(out: Path) -> None:
    """Remove the staging folders (and folders set aside) of runs that are gone (killed); the
    caller holds the output lock, so no live run of another process uses them."""
    for old in [*out.glob(".staging-*"), *out.glob(".old-*")]:
        pid = old.name.split("-")[1]
        if not (pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))):
            shutil.rmtree(old, ignore_errors=True)


def _staging_folder(out: Path) -> Path:
    """A fresh staging folder for this run inside ``out`` (stale ones removed first)."""
    _clear_stale_staging(out)
    stage = out / f".staging-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def _swap_in(stage: Path, out: Path, name: str, files: list[Path]) -> Path:
    """Move a finished run from the staging folder into ``out``: its folder replaces the old one
    (renamed aside, then removed), then each file replaces its old version."""
    final = out / name
    aside = out / f".old-{os.getpid()}-{name}"
    try:
        if final.exists():
            os.replace(final, aside)
        os.replace(stage / name, final)
        for f in files:
            os.replace(f, out / f.name)
    except OSError as exc:
        raise ReportError(
            f"cannot move the finished report into {out}: "
            f"{exc.strerror or exc}. The previous report, if any, is in "
            f"{aside}."
        ) from None
    shutil.rmtree(aside, ignore_errors=True)
    return final


def _keep_failed_notebook(exc: ReportError, notebook: Path, out: Path) -> ReportError:
    """A failed run's notebook, moved out of the staging folder so the message can point to
    it (the previous report stays in place)."""
    text = str(exc)
    if notebook.is_file():
        kept = out / f"{notebook.stem}.failed.ipynb"
        try:
            os.replace(notebook, kept)
            text = text.replace(str(notebook), str(kept))
        except OSError:
            pass
    return ReportError(text)


def check_output_folder(out: Path) -> None:
    """Create the output folder and write a probe file in it, before any work: a folder that
    cannot be written is an input error that names it (not a traceback after the data were
    loaded)."""
    probe = out / f".reportkit-write-test-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"x")
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            why = "a file stands where the folder (or one of its parents) should be"
        raise OutputFolderError(
            f"cannot write the report to {out}: {why}. Choose another "
            "output folder with --out, or free or fix that one."
        ) from None
