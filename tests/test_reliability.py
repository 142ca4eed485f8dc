"""Faults as input: reportkit reads only what it was given, echoes no arbitrary file content, and
an output folder it cannot write is an input error before any work."""

from __future__ import annotations

import os

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
    import reportkit.report as R

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
