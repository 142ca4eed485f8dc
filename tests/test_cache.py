"""The cached inputs live outside the output folder: a per-user cache folder (or ``--cache``),
one entry per output folder and input, read again by a re-run on the same input; the output
folder handed to the client holds the reports and the lists and nothing else."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

import reportkit as rk
import reportkit.report.render as R
import reportkit.report.store as ST
from reportkit.cli import main
from reportkit.io.config import load_config

from conftest import make_notebook


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A private $XDG_CACHE_HOME (the kernels and workers inherit it)."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


# ----------------------------------------------------------------------------------------------
# where the cache is, how entries are keyed and kept
# ----------------------------------------------------------------------------------------------
def test_the_cache_folder_is_per_user_or_the_one_given(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ST.cache_root() == tmp_path / "xdg" / "reportkit"
    assert ST.cache_root(tmp_path / "mine") == tmp_path / "mine"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")      # not absolute: ignored (XDG spec)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ST.cache_root() == tmp_path / "home" / ".cache" / "reportkit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ST.cache_root() == tmp_path / "home" / ".cache" / "reportkit"


def _data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "sales.csv").write_text("client_id,date,amount\nA,2024-01-05,10\n", "utf-8")
    return folder


def test_entries_are_kept_per_output_folder_and_input(tmp_path, cache_home):
    data, cfg = _data(tmp_path), load_config(None)
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    out_a.mkdir()
    out_b.mkdir()
    first = ST.open_cache(out_a, data, cfg)
    assert not first.hit
    assert first.folder.parent.parent == cache_home / "reportkit"
    assert (cache_home / "reportkit").stat().st_mode & 0o777 == 0o700   # the user's only
    paths = first.write({"rows": 1}, {"panel": 2}, cfg)
    assert set(paths) == {"dataset_path", "panel_path", "config_path"}
    assert ST.read_cached(paths["panel_path"]) == {"panel": 2}

    again = ST.open_cache(out_a, data, cfg)                # same folder, same input: a hit
    assert again.hit and again.folder == first.folder and again.paths() == paths
    other = ST.open_cache(out_b, data, cfg)                # another output folder: its own
    assert not other.hit and other.folder.parent != first.folder.parent
    changed = ST.open_cache(out_a, data, load_config({"report": {"window_months": 6}}))
    assert not changed.hit and changed.folder != first.folder          # other config values
    assert not first.folder.exists()        # the folder's older entry is removed

    ST.open_cache(out_a, data, cfg).write({"rows": 1}, {"panel": 2}, cfg)
    later = time.time() + 5
    os.utime(data / "sales.csv", (later, later))           # the data changed: a new entry
    assert not ST.open_cache(out_a, data, cfg).hit


def test_data_held_in_memory_gets_an_entry_of_the_run_removed_at_its_end(tmp_path, cache_home):
    out = tmp_path / "out"
    out.mkdir()
    dataset = rk.load(_data(tmp_path))
    entry = ST.open_cache(out, dataset, load_config(None))
    assert not entry.hit and entry.folder.name == f"run-{os.getpid()}"
    entry.write(dataset, {"panel": 1}, None)
    assert not ST.open_cache(out, dataset, load_config(None)).hit      # never reused
    entry.close()
    assert not entry.folder.exists()


def test_a_half_written_entry_is_no_hit(tmp_path, cache_home, monkeypatch):
    """The disk fills while the panel is saved: the entry is not marked whole, so the next run
    loads and writes again instead of reading a missing panel."""
    data, cfg = _data(tmp_path), load_config(None)
    out = tmp_path / "out"
    out.mkdir()
    real = pickle.dump
    calls = []

    def full_on_the_second(obj, fh, protocol=None):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(obj, fh, protocol=protocol)

    monkeypatch.setattr(ST.pickle, "dump", full_on_the_second)
    entry = ST.open_cache(out, data, cfg)
    with pytest.raises(rk.ReportError, match="No space left on device"):
        entry.write({"rows": 1}, {"panel": 2}, cfg)
    monkeypatch.setattr(ST.pickle, "dump", real)
    assert sorted(p.name for p in entry.folder.iterdir()) == ["dataset.pkl"]   # no temporary
    assert not ST.open_cache(out, data, cfg).hit


def test_folders_of_gone_or_long_unused_output_folders_are_removed(tmp_path, cache_home):
    data, cfg = _data(tmp_path), load_config(None)
    root = cache_home / "reportkit"
    gone, old, kept, now = (tmp_path / n for n in ("gone", "old", "kept", "now"))
    entries = {}
    for out in (gone, old, kept):
        out.mkdir()
        entries[out] = ST.open_cache(out, data, cfg)
        entries[out].write({"rows": 1}, {"panel": 2}, cfg)
    gone.rmdir()
    long_ago = time.time() - (ST.CACHE_KEEP_DAYS + 1) * 86400
    os.utime(entries[old].folder.parent / ST.OWNER_FILE, (long_ago, long_ago))
    foreign = root / "not-ours"
    foreign.mkdir()
    now.mkdir()
    ST.open_cache(now, data, cfg)
    assert not entries[gone].folder.parent.exists()
    assert not entries[old].folder.parent.exists()
    assert entries[kept].folder.is_dir() and ST.open_cache(kept, data, cfg).hit
    assert foreign.is_dir()                      # not a folder of ours: left alone


def test_a_cache_folder_inside_the_output_folder_is_refused(tmp_path, capsys):
    data = _data(tmp_path)
    out = tmp_path / "out"
    code = main(["audit", str(data), "--out", str(out), "--cache", str(out / "cache"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "lies inside the output folder" in err and "--cache" in err
    assert sorted(out.iterdir()) == []           # nothing written there, no lock left


# ----------------------------------------------------------------------------------------------
# a re-run reads the cache; the output folder holds the deliverable only
# ----------------------------------------------------------------------------------------------
PARAMS = ('period: str = "2024-01"\nas_of: str = "2024-01-31"\nlang: str = "en"\n'
          'title: str = "base"\npanel_path: str = ""\ndataset_path: str = ""\n'
          'config_path: str = ""\noutput_dir: str = "."\nmask: bool = False\n')


@pytest.mark.slow
def test_a_rerun_reads_the_cached_inputs(tmp_path, cache_home, monkeypatch):
    """Two audits of the same data into the same folder: the second reads the entry the first
    wrote (its hit signal; the pickles keep their times; the data are not loaded again); a
    notebook sees the same data either way."""
    import reportkit.report.pipeline as P

    monkeypatch.setattr(P, "MIN_CLIENTS", 1)
    data = tmp_path / "data"
    data.mkdir()
    (data / "transactions.csv").write_text(
        "client_id,date,amount\nC1,2024-01-05,100\nC2,2024-01-10,200\nC1,2024-02-03,50\n",
        encoding="utf-8")
    nb = make_notebook(tmp_path / "audit.ipynb", [
        ("code", "import reportkit.report.store as ST\nds = ST.read_cached(dataset_path)\n"
                 "ST.record_kpis({'rows': len(ds.transactions)}, output_dir)"),
        ("md", "# Rows"),
    ], PARAMS)
    out = tmp_path / "out"
    first = R.audit(data, out=out, notebook=nb)
    assert first.cache_hit is False and first.kpis == {"rows": 3}
    pickles = sorted((cache_home / "reportkit").rglob("*.pkl"))
    assert [p.name for p in pickles] == ["config.pkl", "dataset.pkl", "panel.pkl"]
    stamps = [p.stat().st_mtime_ns for p in pickles]

    loads = []
    real_load = R._load_data
    monkeypatch.setattr(R, "_load_data", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    second = R.audit(data, out=out, notebook=nb)
    assert second.cache_hit is True and second.kpis == {"rows": 3}
    assert loads == []
    assert [p.stat().st_mtime_ns for p in pickles] == stamps
    assert sorted(p.name for p in out.iterdir()) == ["audit_2024-01-31", "audit_2024-01-31.html"]


def _every_file(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


@pytest.mark.slow
def test_the_output_folder_holds_the_deliverable_only(tmp_path):
    """An audit and a monthly batch (the packaged notebooks, ``--cache`` given) into one folder:
    every file in it is a report, the index, a report's notebook and key figures, or a list;
    no hidden file, no pickle, no key, no lock. The batch read the inputs the audit cached."""
    from reportkit.io.sample import make_base, write_base

    base = tmp_path / "base"
    write_base(make_base(250, 2, random_state=11), base)
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert main(["audit", str(base), "--out", str(out), "--cache", str(cache), "--quiet"]) == 0
    batch = R.monthly(base, start="2025-12", end="2025-12", out=out, jobs=1, cache=cache)
    assert batch.done == ["2025-12"] and batch.cache_hit is True
    files = _every_file(out)
    assert not [f for f in files if any(part.startswith(".") for part in f.split("/"))]
    audit = next(out.glob("audit_*.html")).stem                  # as of the last full month
    lists = {"action_lists.json", "action_lists.xlsx", "kpis.json"}
    expected = {f"{audit}.html", "index.html", "monthly_2025-12.html"}
    for folder in (audit, "monthly_2025-12"):
        names = {f.split("/")[1] for f in files if f.startswith(folder + "/")}
        csvs = {n for n in names if n.endswith(".csv")}
        assert {"segments.csv", "reactivation.csv"} <= csvs
        extra = {"build.json"} if folder.startswith("monthly") else set()
        assert names == lists | csvs | extra | {f"{folder}.ipynb"}, folder
        expected |= {f"{folder}/{n}" for n in names}
    assert set(files) == expected
    for f in files:
        assert not (out / f).read_bytes().startswith(b"\x80"), f      # no pickle by any name
    # the pickles are in the cache folder given, one entry for this folder and these data
    assert sorted(p.name for p in cache.rglob("*.pkl")) == ["config.pkl", "dataset.pkl",
                                                            "panel.pkl"]


def test_a_changed_reportkit_does_not_read_the_old_cache(tmp_path):
    """The entry's key covers the code that makes the cached dataset and panel: a reportkit
    whose io or core files changed (or were reinstalled) under the same version number makes a
    new entry instead of reading objects an older one pickled."""
    import os

    import reportkit as rk
    from reportkit.io.config import load_config

    cfg = load_config(None)
    ST._code_stamp.cache_clear()
    before = ST.input_signature(rk.sample_path(), cfg)
    assert before == ST.input_signature(rk.sample_path(), cfg)      # stable while nothing moves
    module = Path(rk.__file__).parent / "io" / "schema.py"
    st = module.stat()
    try:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        ST._code_stamp.cache_clear()
        assert ST.input_signature(rk.sample_path(), cfg) != before
    finally:
        os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
        ST._code_stamp.cache_clear()
    assert ST.input_signature(rk.sample_path(), cfg) == before
