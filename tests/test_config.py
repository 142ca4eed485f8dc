"""The config file: defaults, overrides, and an error for every bad key or value."""

from __future__ import annotations

import pytest

import reportkit as rk
from reportkit.cli import main as cli_main
from reportkit.io.config import Config, load_config


def test_defaults_match_design():
    cfg = Config()
    assert cfg.segmentation.abc_cutoffs == (0.80, 0.95)
    assert cfg.segmentation.xyz_cutoffs == (0.5, 1.0)
    assert cfg.segmentation.min_tenure_months == 3
    assert cfg.lifecycle.regular_orders == 3
    assert (cfg.lifecycle.proven_orders, cfg.lifecycle.proven_tenure_months) == (10, 12)
    assert (cfg.lifecycle.dead_days, cfg.lifecycle.dead_interval_multiple) == (365, 3.0)
    assert cfg.churn.horizon_days == 90
    assert cfg.report.window_months == 12


def test_toml_overrides(tmp_path):
    f = tmp_path / "rk.toml"
    f.write_text('[segmentation]\nabc_cutoffs = [0.7, 0.9]\n[churn]\nhorizon_days = 60\n'
                 '[report]\nlang = "ru"\n[files]\ntransactions = "s.csv"\n', encoding="utf-8")
    cfg = load_config(f)
    assert cfg.segmentation.abc_cutoffs == (0.7, 0.9)
    assert cfg.churn.horizon_days == 60
    assert cfg.report.lang == "ru"
    assert cfg.files == {"transactions": "s.csv"}
    assert cfg.source == str(f)


@pytest.mark.parametrize("data, pattern", [
    ({"segmentatoin": {}}, r"unknown section \[segmentatoin\]\. Did you mean `segmentation`"),
    ({"segmentation": {"abc_cutof": [0.8, 0.9]}},
     r"unknown key `abc_cutof` in section \[segmentation\]\. Did you mean `abc_cutoffs`"),
    ({"segmentation": {"abc_cutoffs": [0.9, 0.8]}}, r"abc_cutoffs must be two shares"),
    ({"segmentation": {"abc_cutoffs": "80/95"}}, r"abc_cutoffs must be a list"),
    ({"segmentation": {"abc_cutoffs": [0.8]}}, r"must be a list of 2 numbers"),
    ({"churn": {"horizon_days": "90"}}, r"\[churn\] horizon_days must be an integer, got '90'"),
    ({"churn": {"horizon_days": 0}}, r"horizon_days must be from 7 to 3650, got 0"),
    ({"load": {"dayfirst": "yes"}}, r"dayfirst must be true or false"),
    ({"report": {"lang": "de"}}, r"lang must be one of 'en', 'ru', got 'de'"),
    ({"columns": {"sales": {}}}, r"unknown table \[columns\.sales\]"),
    ({"columns": {"transactions": {"amout": "Sum"}}},
     r"unknown column `amout`.*Did you mean `amount`"),
    ({"files": {"transaction": "a.csv"}}, r"unknown table `transaction` in \[files\]"),
    ({"churn": 5}, r"`churn` must be a section"),
])
def test_config_errors(data, pattern):
    with pytest.raises(rk.ConfigError, match=pattern):
        load_config(data)


def test_config_errors_are_value_errors():
    with pytest.raises(ValueError):
        load_config({"report": {"lang": "de"}})


def test_bad_toml_and_missing_file(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text("[load\nsheet = 1", encoding="utf-8")
    with pytest.raises(rk.ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(f)
    with pytest.raises(rk.ConfigError, match=r"config file .*nope\.toml does not exist"):
        load_config(tmp_path / "nope.toml")


def test_cli_bad_config_exits_2(tmp_path, capsys):
    data = tmp_path / "t.csv"
    data.write_text("client,date,amount\nA,2024-01-01,1\n", encoding="utf-8")
    cfg = tmp_path / "rk.toml"
    cfg.write_text("[load]\nsheet_name = 'x'\n", encoding="utf-8")
    assert cli_main(["check", str(data), "--config", str(cfg)]) == 2
    assert "unknown key `sheet_name`" in capsys.readouterr().err


def test_readme_documents_every_config_key():
    """The README's config section names every section and key that the config accepts."""
    import dataclasses
    from pathlib import Path

    from reportkit.io.config import _SECTIONS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Config file"):readme.index("## Python")]
    for section, cls in _SECTIONS.items():
        assert f"[{section}]" in block
        for f in dataclasses.fields(cls):
            assert f"\n{f.name} = " in block, f"README lacks [{section}] {f.name}"
    assert "[files]" in block and "[columns.transactions]" in block


@pytest.mark.parametrize("toml, message", [
    ("[report]\nwindow_months = 0\n", r"\[report\] window_months must be from 1 to 120, got 0"),
    ("[segmentation]\nrfm_bins = 1\n", r"\[segmentation\] rfm_bins must be from 2 to 10, got 1"),
    ("[quality]\nname_similarity = 500\n", r"name_similarity must be from 0 to 100, got 500"),
    ("[quality]\nname_similarity = nan\n", r"name_similarity must be a finite number"),
    ("[lifecycle]\ndead_interval_multiple = inf\n", r"must be a finite number \(not nan or inf\)"),
    ("[segmentation]\nabc_cutoffs = [0.8, nan]\n", r"abc_cutoffs must be a list of numbers"),
    ("[load]\ndelimiter = \";;\"\n", r"delimiter must be one character"),
    ("[lifecycle]\nregular_orders = 5\nproven_orders = 3\n", r"proven_orders \(3\) must not be "
     r"below regular_orders \(5\)"),
    ("[segmentation]\nrfm_bins = 3\nrfm_frequency = [5, 2]\n",
     r"rfm_frequency must be 2 increasing numbers"),
])
def test_out_of_range_values_stop_before_any_work(tmp_path, capsys, toml, message):
    """A value the run cannot use is an input error (exit 2) when the config is read: `check`
    never gets to the data (the data path here does not even exist)."""
    from reportkit.cli import main

    cfg = tmp_path / "rk.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(rk.ConfigError, match=message):
        load_config(cfg)
    assert main(["check", str(tmp_path / "no-such-data"), "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "rk.toml" in err and "Traceback" not in err and "no such file" not in err
