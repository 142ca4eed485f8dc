"""Masking at the edge: the analysis runs on the real data, so a masked report and its lists
give the same figures and row counts as the real ones; only what they show of clients and
managers is replaced by stable pseudonyms. The key never lies in the output folder, and no
pickled data stays there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import reportkit as rk
import reportkit.report.mask as M
import reportkit.report.render as R
import reportkit.report.store as ST
from reportkit.cli import main
from reportkit.io.sample import make_base, write_base

KEY_ENV = M.MASK_KEY_ENV


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("masking_base")
    write_base(make_base(250, 2, random_state=11), folder)
    return folder


@pytest.fixture(scope="module")
def config_home(tmp_path_factory):
    """A private $XDG_CONFIG_HOME for the per-user key (the kernels inherit it)."""
    home = tmp_path_factory.mktemp("xdg")
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CONFIG_HOME", str(home))
    mp.delenv(KEY_ENV, raising=False)
    yield home
    mp.undo()


@pytest.fixture(scope="module")
def runs(base, config_home, tmp_path_factory):
    """The same audit unmasked (Python) and masked (the command line's --mask)."""
    plain_out = tmp_path_factory.mktemp("plain")
    masked_out = tmp_path_factory.mktemp("masked")
    plain = rk.report.audit(base, out=plain_out)
    assert main(["audit", str(base), "--out", str(masked_out), "--mask", "--quiet"]) == 0
    masked_html = next(masked_out.glob("audit_*.html"))
    return plain, masked_out, masked_html, masked_out / masked_html.stem


def _visible(path: Path) -> str:
    """The text of an HTML report without its embedded images (base64 holds digit runs)."""
    return re.sub(r'src="data:[^"]*"', "", path.read_text(encoding="utf-8"))


def _lists_text(folder: Path) -> str:
    import openpyxl

    parts = [p.read_text(encoding="utf-8-sig") for p in sorted(folder.glob("*.csv"))]
    book = openpyxl.load_workbook(folder / "action_lists.xlsx", read_only=True)
    for ws in book.worksheets:
        parts += [str(v) for row in ws.iter_rows(values_only=True) for v in row
                  if v is not None]
    return "\n".join(parts)


def _secrets(base: Path) -> dict[str, set[str]]:
    """Real client names, phones, e-mails, tax ids, contact persons and managers' names."""
    ds = rk.load(base)
    found: dict[str, set[str]] = {}
    for frame in (ds.clients, ds.transactions, ds.activities):
        for col in ("name", "phone", "email", "tax_id", "contact_person", "manager"):
            if frame is not None and col in frame.columns:
                values = {str(v).strip() for v in frame[col].dropna()}
                found.setdefault(col, set()).update(v for v in values if len(v) >= 5)
    return found


def test_masked_and_real_reports_give_the_same_figures(runs):
    plain, _, _, masked_folder = runs
    masked_kpis = ST.read_kpis(masked_folder)
    assert masked_kpis == plain.kpis and len(plain.kpis) > 10   # every key figure, same value
    plain_lists = {k: v for k, v in plain.action_lists.items() if k != "workbook"}
    assert set(plain_lists) >= {"reactivation", "duplicates", "segments", "forgotten",
                                "overdue", "detractors_a"}
    for name, path in plain_lists.items():
        real = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        shown = pd.read_csv(masked_folder / path.name, encoding="utf-8-sig", dtype=str)
        assert len(shown) == len(real) and list(shown.columns) == list(real.columns), name
    # the duplicate groups found on the real names, phones and e-mails: all of them
    page = _visible(plain.html)
    cell = r"duplicate groups(?:\s|<[^>]+>)+"                  # the row of the summary table
    groups = re.search(cell + r"(\d+)<", page).group(1)
    assert re.search(cell + rf"{groups}<", _visible(next(masked_folder.parent.glob(
        "audit_*.html"))))


def test_no_real_client_or_manager_reaches_the_masked_report(runs, base):
    plain, _, masked_html, masked_folder = runs
    secrets = _secrets(base)
    real_page, real_lists = _visible(plain.html), _lists_text(plain.html.with_suffix(""))
    page, lists = _visible(masked_html), _lists_text(masked_folder)
    for col, values in secrets.items():
        leaked = sorted(v for v in values if v in page or v in lists)
        assert not leaked, (col, leaked[:5])
    # … while the real report shows them (so the check above means something)
    assert any(v in real_page for v in secrets["manager"])
    assert any(v in real_lists for v in secrets["name"])
    assert "pseudonyms" in page and "Manager " in page


def test_pseudonyms_are_stable_and_the_key_stays_out_of_the_folder(runs, config_home):
    plain, masked_out, _, masked_folder = runs
    key_file = config_home / "reportkit" / "mask.key"
    key = key_file.read_bytes().strip()
    assert (key_file.stat().st_mode & 0o777) == 0o600
    # the same key gives the same pseudonym: the masked list is the real one, id for id
    real = pd.read_csv(plain.action_lists["segments"], encoding="utf-8-sig", dtype=str)
    shown = pd.read_csv(masked_folder / "segments.csv", encoding="utf-8-sig", dtype=str)
    assert shown["client_id"].tolist() == [M.pseudonym(c, key, kind="id")
                                           for c in real["client_id"]]
    assert shown["name"].dropna().str.fullmatch(r"Client [0-9A-F]{8}").all()
    # no key, no pickles, no staging in the folder handed to the client
    for out in (masked_out, plain.html.parent):
        files = [p for p in out.rglob("*") if p.is_file()]
        assert not any(p.name == "mask.key" or p.suffix == ".pkl" for p in files)
        assert not (out / ".cache").exists() and not list(out.glob(".staging-*"))
        assert not any(key in p.read_bytes() for p in files)


@pytest.mark.slow
def test_a_masked_month_uses_the_same_pseudonyms(runs, base, tmp_path):
    """The monthly report of the audit's month (same date, same key): the same lists, the same
    pseudonyms; the notebook's ``mask`` parameter is honoured."""
    plain, _, _, masked_folder = runs
    period = plain.as_of[:7]                    # the audit is as of the end of this month
    res = rk.report.monthly(base, start=period, end=period, out=tmp_path, mask=True,
                            progress=False)
    assert res.done == [period]
    month = tmp_path / f"monthly_{period}"
    nb = json.loads((month / f"monthly_{period}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["mask"] is True
    a = pd.read_csv(masked_folder / "reactivation.csv", encoding="utf-8-sig", dtype=str)
    b = pd.read_csv(month / "reactivation.csv", encoding="utf-8-sig", dtype=str)
    assert sorted(a["client_id"]) == sorted(b["client_id"])
    assert a["client_id"].str.fullmatch(r"C-[0-9A-F]{8}").all()
    assert not (tmp_path / ".cache").exists() and not list(tmp_path.glob(".staging-*"))


def test_mask_frame_masks_managers_ids_and_the_ids_inside_texts():
    df = pd.DataFrame({
        "client_id": ["C1", "C2", "C3"], "name": ["Alpha", "Beta", None],
        "manager": ["I. Petrov", "(no manager)", "i. petrov "],
        "survivor": ["C1", "C1", "C3"],
        "evidence": ["phone ~ C2", "name 97 ~ C1; phone ~ C3; …", None],
        "action": ["keep", "merge into C1", "объединить с C3"],
        "revenue": [1.0, 2.0, 3.0]})
    m = M.mask_frame(df, b"k", ids=True)

    def idp(c: str) -> str:
        return M.pseudonym(c, b"k", kind="id")

    assert m["client_id"].tolist() == [idp("C1"), idp("C2"), idp("C3")]
    assert m["name"][0] == "Client " + idp("C1")[2:] and pd.isna(m["name"][2])
    assert m["manager"][0] == m["manager"][2] == M.pseudonym("I. Petrov", b"k", kind="manager")
    assert m["manager"][0].startswith("Manager ") and m["manager"][1] == "(no manager)"
    assert m["evidence"].tolist()[:2] == [f"phone ~ {idp('C2')}",
                                          f"name 97 ~ {idp('C1')}; phone ~ {idp('C3')}; …"]
    assert m["action"].tolist() == ["keep", f"merge into {idp('C1')}",
                                    f"объединить с {idp('C3')}"]
    assert m["revenue"].tolist() == [1.0, 2.0, 3.0]
    assert M.mask_frame(df, b"k")["client_id"].tolist() == ["C1", "C2", "C3"]  # ids: opt-in
    ru = M.mask_frame(df, b"k", lang="ru", ids=True)
    assert ru["client_id"][0] == "К-" + idp("C1")[2:] and ru["manager"][0].startswith("Менеджер ")


def test_a_key_file_inside_the_output_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    out = tmp_path / "out"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(out / "cfg"))
    with pytest.raises(rk.OutputFolderError, match="would lie inside the output folder"):
        M.check_key_outside(out)
    assert not (out / "cfg").exists()
