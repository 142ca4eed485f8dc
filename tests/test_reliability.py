"""Faults as input: reportkit reads only what it was given, echoes no arbitrary file content,
refuses an output folder it cannot write or another run holds, leaves no worker behind a killed
batch, and its writers leave whole files or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reportkit as rk
from reportkit.cli import main

SALES = "Клиент;Дата;Сумма\nA;05.03.2024;100\nB;06.03.2024;50\n"
SECRET = "DB_PASSWORD=hunter2-do-not-print\n"


@pytest.fixture()
def layout(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "продажи.csv").write_text(SALES, encoding="utf-8")
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "creds.csv").write_text(SECRET, encoding="utf-8")
    return data, secret / "creds.csv"


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_files_named_in_the_config_must_lie_inside_the_data_folder(layout, tmp_path, capsys):
    data, creds = layout
    cfg = tmp_path / "rk.toml"
    cfg.write_text('[files]\ntransactions = "../secret/creds.csv"\n', encoding="utf-8")
    code, err = _run(capsys, "check", str(data), "--config", str(cfg))
    assert code == 2
    assert "points outside the data folder" in err and "hunter2" not in err
    # a symlink inside the folder that leads out of it is outside too
    (data / "link.csv").symlink_to(creds)
    cfg.write_text('[files]\ntransactions = "link.csv"\n', encoding="utf-8")
    code, err = _run(capsys, "check", str(data), "--config", str(cfg))
    assert code == 2 and "points outside the data folder" in err and "hunter2" not in err


def test_a_file_that_is_no_table_is_never_echoed(layout, capsys):
    _, creds = layout
    code, err = _run(capsys, "check", str(creds))
    assert code == 2
    assert "does not look like a transactions table" in err and "hunter2" not in err
    assert "DB_PASSWORD" not in err


def test_contact_policy_outside_the_data_and_config_folders(layout, tmp_path, capsys):
    data, creds = layout
    cfg = tmp_path / "cfg" / "rk.toml"
    cfg.parent.mkdir()
    cfg.write_text(f'[segmentation]\ncontact_policy = "{creds}"\n', encoding="utf-8")
    code, err = _run(capsys, "audit", str(data), "--config", str(cfg), "--out",
                     str(tmp_path / "out"))
    assert code == 2
    assert "contact_policy" in err and "lies outside" in err and "hunter2" not in err
    assert not (tmp_path / "out").exists()          # refused before any work
    with pytest.raises(rk.ConfigError, match="lies outside"):
        rk.report.audit(data, config=str(cfg), out=tmp_path / "out2")


def test_an_output_folder_that_cannot_be_written_is_an_input_error(layout, tmp_path, capsys):
    data, _ = layout
    blocker = tmp_path / "report.txt"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    for out in (blocker, blocker / "sub"):
        code, err = _run(capsys, "audit", str(data), "--out", str(out))
        assert code == 2
        assert str(out) in err and "cannot write" in err


def test_an_unwritable_output_folder_is_found_before_the_data_is_read(layout, tmp_path, capsys,
                                                                      monkeypatch):
    """As root a read-only folder is still writable; a read-only file system is not: the probe
    that fails here stands for it."""
    data, _ = layout
    import reportkit.report.render as R

    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if ".reportkit-write-test" in str(path):
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(R.os, "open", refuse)
    loaded = []
    monkeypatch.setattr(R, "_load_data", lambda *a, **k: loaded.append(1))
    code, err = _run(capsys, "audit", str(data), "--out", str(tmp_path / "ro"))
    assert code == 2 and "Read-only file system" in err and not loaded


# --- runs beside each other, and killed runs ---------------------------------------------------


def test_a_second_run_into_a_held_folder_is_refused(layout, tmp_path, capsys):
    data, _ = layout
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (out / ".reportkit.lock").write_text(f"{holder.pid} 2026-12-07 10:00:00 UTC\n")
        code, err = _run(capsys, "audit", str(data), "--out", str(out))
        assert code == 2
        assert f"another reportkit run (pid {holder.pid}, started 2026-12-07 10:00:00 UTC)" in err
        assert sorted(p.name for p in out.iterdir()) == [".reportkit.lock"]   # nothing written
    finally:
        holder.kill()
        holder.wait()


def test_a_stale_lock_is_taken_over_and_released(tmp_path):
    from reportkit.report.render import LOCK_FILE, output_lock

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = tmp_path / LOCK_FILE
    lock.write_text(f"{dead.pid} 2026-12-07 09:00:00 UTC\n")
    with output_lock(tmp_path) as held:
        assert held.read_text().split()[0] == str(os.getpid())
        # another process sees a live holder and is refused
        code = ("import sys; from pathlib import Path; from reportkit.report.render import "
                "output_lock\nwith output_lock(Path(sys.argv[1])): pass")
        r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                           text=True)
        assert r.returncode != 0
        assert f"another reportkit run (pid {os.getpid()}" in r.stderr
    assert not lock.exists()


def test_a_lock_being_written_is_not_taken_for_stale(tmp_path):
    """A second run that finds the lock file still empty (the first has created it and not yet
    written its pid) must not take it over: it is refused. The same empty file left an hour
    ago by a crash is stale and taken over. The lock is created whole, by a hard link."""
    import reportkit as rk
    from reportkit.report.render import LOCK_FILE, output_lock

    lock = tmp_path / LOCK_FILE
    lock.write_text("")
    with pytest.raises(rk.OutputFolderError, match="another reportkit run"):
        with output_lock(tmp_path):
            pass
    assert lock.exists() and lock.read_text() == ""
    hour_ago = time.time() - 3600
    os.utime(lock, (hour_ago, hour_ago))
    with output_lock(tmp_path) as held:
        assert held.read_text().split()[0] == str(os.getpid())
        assert sorted(q.name for q in tmp_path.iterdir()) == [LOCK_FILE]   # no helper file left
    assert not lock.exists()


def test_kernels_talk_over_sockets_in_a_private_folder(tmp_path):
    """The kernel's IPC sockets are made in a temporary folder of the run, not in the
    notebook's working folder (where two runs into one output folder shared them)."""
    from reportkit.report.render import _kernel_manager_class

    km = _kernel_manager_class(str(tmp_path))()
    assert km.transport == "ipc" and km.ip == str(tmp_path / "kernel-ipc")


@pytest.mark.slow
def test_a_killed_batch_leaves_no_worker_behind(tmp_path):
    """SIGKILL of `monthly --jobs 2`: its workers die with it (they would otherwise be
    re-parented to init and go on building periods)."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "reportkit", "monthly", str(rk.sample_path()),
                             "--from", "2025-01", "--to", "2025-06", "--jobs", "2", "--out",
                             str(out), "--quiet"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)

    def children(pid: int) -> list[int]:
        kids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == pid:
                    kids.append(int(entry))
        return kids

    deadline = time.time() + 60
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.5)
        workers = children(proc.pid)
    assert len(workers) >= 2, "the batch did not start its workers"
    time.sleep(2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(os.path.exists(f"/proc/{w}") and
                                         "Z" not in open(f"/proc/{w}/stat").read().split()[2]
                                         for w in workers if os.path.exists(f"/proc/{w}")):
        time.sleep(0.5)
    alive = [w for w in workers if os.path.exists(f"/proc/{w}")
             and open(f"/proc/{w}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
    assert alive == []


# --- odd characters and full disks in the writers -----------------------------------------------


def test_control_characters_and_huge_cells_do_not_stop_the_workbook(tmp_path):
    """A vertical tab in a name, a NUL in an id and a 40,000-character cell: the workbook is
    written (cells cleaned or cut, counted on its Notes sheet); the CSV keeps the text."""
    import openpyxl
    import pandas as pd

    from reportkit.report.export import write_action_lists

    df = pd.DataFrame({"client_id": ["A\x001", "B2"], "name": ["ООО\x0bРомашка", "x" * 40_000]})
    paths = write_action_lists({"segments": df}, tmp_path)
    wb = openpyxl.load_workbook(paths["workbook"], read_only=True)
    rows = list(wb["Segments"].iter_rows(values_only=True))
    assert rows[1] == ("A1", "ОООРомашка") and len(rows[2][1]) == 32_767
    notes = [r[0] for r in wb["Notes"].iter_rows(values_only=True)]
    assert notes == ["2 cells held control characters a spreadsheet cell cannot hold; they were "
                     "removed here (the CSV files keep them).",
                     "1 cells were longer than the 32,767 characters a cell holds and were cut "
                     "here (the CSV files keep them whole)."]
    back = pd.read_csv(paths["segments"], encoding="utf-8-sig", dtype=str)
    assert back["name"].tolist() == ["ООО\x0bРомашка", "x" * 40_000]


def test_a_full_disk_leaves_no_half_written_list(tmp_path, monkeypatch):
    import pandas as pd

    from reportkit.report.export import write_action_lists

    real = Path.open

    def half_then_full(self, mode="r", *args, **kwargs):
        fh = real(self, mode, *args, **kwargs)
        if "w" in mode and "segments.csv" in self.name:
            fh.write(b"client_id\r\n00")                               # half a file …
            fh.close()
            raise OSError(28, "No space left on device")               # … then the disk is full
        return fh

    df = pd.DataFrame({"client_id": ["001"], "revenue": [1.5]})
    monkeypatch.setattr(Path, "open", half_then_full)
    with pytest.raises(rk.ReportError, match="No space left on device"):
        write_action_lists({"segments": df}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == []            # no temporary, no half
    monkeypatch.setattr(Path, "open", real)
    paths = write_action_lists({"segments": df}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["action_lists.json",
                                                          "action_lists.xlsx", "segments.csv"]
    # the id quoted, the money to the unit (1.5 rounds away from zero)
    assert paths["segments"].read_text(encoding="utf-8-sig").splitlines()[1] == '"001",2'


def test_csv_floats_are_written_the_same_every_time(tmp_path):
    """A sum taken in another order differs in the last bits; the CSV shows the same text."""
    import pandas as pd

    from reportkit.report.export import write_action_lists

    a = pd.DataFrame({"client_id": ["1"], "revenue": [351527.71], "quantity": [351527.71]})
    b = pd.DataFrame({"client_id": ["1"], "revenue": [351527.7100000001],
                      "quantity": [351527.7100000001]})
    pa = write_action_lists({"x": a}, tmp_path / "a")["x"].read_bytes()
    pb = write_action_lists({"x": b}, tmp_path / "b")["x"].read_bytes()
    assert pa == pb and b'"1",351528,351527.71\r\n' in pa   # money to the unit, 2 decimals


@pytest.mark.slow
def test_a_killed_audit_leaves_the_previous_report_whole(tmp_path):
    """A run killed half-way changes nothing of the report already there (the new run writes
    into a staging folder); the next run removes the leftovers and swaps its report in."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reportkit", "audit", str(rk.sample_path()), "--out", str(out),
           "--quiet"]
    subprocess.run(cmd, check=True, capture_output=True)
    html = next(out.glob("audit_*.html"))
    folder = out / html.stem
    before = {p.relative_to(out): p.read_bytes() for p in [html, *folder.iterdir()]}

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob(".staging-*/*/*.ipynb")):
        time.sleep(0.2)
    assert list(out.glob(".staging-*")), "the second run did not start its notebook"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.relative_to(out): p.read_bytes() for p in [html, *folder.iterdir()]}
    assert after == before                        # the previous report, untouched
    assert (out / ".reportkit.lock").exists()     # the killed run's lock: stale from now on

    subprocess.run(cmd, check=True, capture_output=True)      # the re-run takes the stale lock
    names = sorted(p.name for p in out.iterdir())
    assert names == [folder.name, html.name]   # no staging, no cached inputs, no lock, no leftovers
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(k).name
                                                              for k in list(before)[1:])


def test_the_panel_is_the_same_with_one_thread_or_several(tmp_path):
    """Money sums of the panel do not depend on the number of threads (they are exact)."""
    code = ("import sys, numpy as np, reportkit as rk\n"
            "p = rk.build_panel(rk.load(rk.sample_path()))\n"
            "f = p.frame\n"
            "np.save(sys.argv[1], np.stack([f['revenue'].to_numpy(), f['margin'].to_numpy()]))")
    got = []
    for threads in ("1", "2"):
        path = tmp_path / f"t{threads}.npy"
        env = {**os.environ, "POLARS_MAX_THREADS": threads}
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env)
        got.append(path.read_bytes())
    assert got[0] == got[1]


@pytest.mark.slow
def test_two_runs_with_different_thread_counts_give_the_same_bytes(tmp_path):
    """The sample audit with one thread and with two: every file the same byte for byte (the
    HTML, the lists, the workbook, the key figures); the executed notebooks differ only in
    their timing metadata and the folders their parameters name; cells and outputs are the
    same."""
    import json

    outs = []
    for threads in ("1", "2"):
        out = tmp_path / f"t{threads}"
        env = {**os.environ, "POLARS_MAX_THREADS": threads, "OMP_NUM_THREADS": threads}
        subprocess.run([sys.executable, "-m", "reportkit", "audit", str(rk.sample_path()),
                        "--out", str(out), "--quiet"], check=True, env=env, capture_output=True)
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*")
                   if p.is_file() and ".cache" not in p.parts)
    assert files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*")
                           if p.is_file() and ".cache" not in p.parts)
    assert any(f.suffix == ".xlsx" for f in files) and any(f.suffix == ".html" for f in files)
    for f in files:
        a, b = (o / f for o in outs)
        if f.suffix == ".ipynb":
            cells = [[(c["source"], c.get("outputs")) for c in json.loads(x.read_text())["cells"]
                      if "injected-parameters" not in c["metadata"].get("tags", [])]
                     for x in (a, b)]      # (the injected parameters name the two folders)
            assert cells[0] == cells[1], f
        else:
            assert a.read_bytes() == b.read_bytes(), f


def test_a_full_disk_while_caching_the_inputs(tmp_path, capsys, monkeypatch):
    """The disk fills while the loaded data is saved for the notebook: one sentence (exit 1),
    and no temporary file left to keep the disk full."""
    import pickle

    import reportkit.report.store as ST
    from reportkit.io.sample import make_base, write_base

    data = tmp_path / "data"                # a base an audit can be drawn from (20+ clients)
    write_base(make_base(30, 1, random_state=0), data)

    def full(obj, fh, protocol=None):
        fh.write(b"x" * 1000)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ST.pickle, "dump", full)
    code, err = _run(capsys, "audit", str(data), "--out", str(tmp_path / "out"))
    monkeypatch.setattr(ST.pickle, "dump", pickle.dump)
    assert code == 1 and "No space left on device" in err and "dataset.pkl" in err
    assert not list((tmp_path / "out").rglob("*.tmp"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == []    # no staging left
    assert not (tmp_path / "out" / ".reportkit.lock").exists()


@pytest.mark.slow
def test_a_rerun_after_a_killed_batch_finishes_the_work(tmp_path):
    """Kill `monthly` half-way, run it again: every period ends built, the periods finished
    before the kill are kept (not rebuilt), and nothing is left but the reports."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reportkit", "monthly", str(rk.sample_path()), "--from",
           "2025-01", "--to", "2025-04", "--jobs", "2", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob("monthly_*.html")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.name: p.stat().st_mtime_ns for p in out.glob("monthly_*.html")}
    assert done_before, "no period finished before the kill"
    time.sleep(1.5)
    subprocess.run(cmd, check=True, capture_output=True)
    pages = sorted(p.name for p in out.glob("monthly_*.html"))
    assert pages == [f"monthly_2025-0{m}.html" for m in range(1, 5)]
    for name, stamp in done_before.items():
        assert (out / name).stat().st_mtime_ns == stamp          # kept, not rebuilt
    assert not list(out.glob(".staging-*")) and not list(out.glob(".old-*"))
    assert not (out / ".reportkit.lock").exists()


@pytest.mark.slow
def test_two_audits_started_together_into_one_folder(tmp_path):
    """One builds the report, the other is refused with a sentence naming the first; the folder
    holds one whole report."""
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "reportkit", "audit", str(rk.sample_path()), "--out", str(out),
           "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "another reportkit run (pid" in refused and "Traceback" not in refused
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and not (out / ".reportkit.lock").exists()      # the report only


@pytest.mark.slow
def test_control_characters_in_the_data_do_not_stop_the_audit(tmp_path):
    """A vertical tab in a client's name and a NUL inside a document number (a damaged
    export): the rows load, the audit finishes, the workbook says what it cleaned."""
    import shutil as sh

    import openpyxl

    data = tmp_path / "data"
    sh.copytree(rk.sample_path(), data, ignore=sh.ignore_patterns("truth", "README.md"))
    clients = data / "клиенты.csv"
    raw = clients.read_bytes()
    first = raw.index(b"\n") + 1
    row_end = raw.index(b"\n", first)
    row = raw[first:row_end]
    cid, name, rest = row.split(b";", 2)
    raw = raw[:first] + cid + b";" + name[:3] + b"\x0b" + name[3:] + b";" + rest + raw[row_end:]
    clients.write_bytes(raw)
    sales = data / "продажи.csv"
    text = sales.read_bytes()
    second = text.index(b"\n") + 1
    sales.write_bytes(text[:second] + text[second:].replace(b";", b";\x00", 1))
    ds = rk.load(data)
    assert ds.reports["clients"].rows_rejected == 0
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "reportkit", "audit", str(data), "--out", str(out),
                        "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    book = next(out.glob("audit_*/action_lists.xlsx"))
    wb = openpyxl.load_workbook(book, read_only=True)
    assert "Notes" in wb.sheetnames
    notes = " ".join(str(r[0]) for r in wb["Notes"].iter_rows(values_only=True))
    assert "control characters" in notes


def test_a_report_date_far_after_the_data_is_an_input_error(layout, tmp_path, capsys,
                                                            monkeypatch):
    """--as-of 2099-01-01 on data of March 2024: exit 2 with the data's range (the report
    would call every client lost); --allow-future lets it through; a date within a month of
    the data's last month is fine."""
    import pandas as pd

    from reportkit.report.pipeline import check_as_of

    data, _ = layout
    code, err = _run(capsys, "audit", str(data), "--as-of", "2099-01-01", "--out",
                     str(tmp_path / "out"))
    assert code == 2
    assert "more than a month after the data (2024-03-05 – 2024-03-06)" in err
    assert "--allow-future" in err
    ds = rk.load(data)
    check_as_of(ds, pd.Timestamp("2024-04-30"), allow_future=False)       # one period after
    with pytest.raises(rk.InputError, match="more than a month after"):
        check_as_of(ds, pd.Timestamp("2024-05-01"), allow_future=False)
    check_as_of(ds, pd.Timestamp("2099-01-01"), allow_future=True)
