"""The one result shape (issue #16) for the data-quality, manager and NPS results.

On a small base built by hand, every result of :mod:`reportkit.analysis.quality` and
:mod:`reportkit.analysis.managers` is an :class:`~reportkit.analysis.result.AnalysisResult`:
``clients`` has one row per client keyed by ``client_id``, ``to_frame()`` is a copy of it,
``notes`` are ``(code, params)`` pairs and ``params`` the settings used. The expected ids,
notes and settings are worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from reportkit.analysis.managers import Managers, NPSResult, managers, nps, nps_by
from reportkit.analysis.quality import Completeness, Duplicates, completeness, find_duplicates
from reportkit.analysis.result import AnalysisResult

AS_OF = "2024-06-30"


@pytest.fixture(scope="module")
def base():
    clients = pd.DataFrame({
        "client_id": ["C1", "C2", "C3", "C4"],
        "name": ["ООО «Ромашка»", "Ромашка", "Лютик", "Василёк"],
        # C1 and C2: the same phone written two ways -> one duplicate group of two records
        "phone": ["8 916 123-45-67", "+7 (916) 123 45 67", None, "8 495 000-11-22"],
        "email": [None, None, "info@lutik.ru", None],
        "manager": ["Ann", "Ann", "Bob", None],
    })
    tx = pd.DataFrame({"client_id": ["C1", "C2", "C2", "C3"],
                       "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-10",
                                               "2024-04-10"]),
                       "amount": [100.0, 30.0, 20.0, 10.0]})
    snap = pd.DataFrame({"client_id": ["C1", "C2", "C3", "C4"],
                         "revenue_window": [100.0, 50.0, 10.0, 0.0]})
    acts = pd.DataFrame({"client_id": ["C1", "C3"],
                         "created": pd.to_datetime(["2024-06-20", "2024-01-05"])})
    abc = pd.DataFrame({"client_id": ["C1", "C2", "C3", "C4"], "abc": ["A", "A", "B", "C"]})
    surveys = pd.DataFrame({
        "client_id": ["C1", "C1", "C2", "C3"],
        "date": pd.to_datetime(["2024-03-01", "2024-05-01", "2024-05-02", "2024-05-03"]),
        "score": [10, 3, 9, 7],
    })
    return {"clients": clients, "tx": tx, "snap": snap, "acts": acts, "abc": abc,
            "surveys": surveys}


@pytest.fixture(scope="module")
def results(base):
    m = managers(base["snap"], clients=base["clients"], activities=base["acts"], abc=base["abc"],
                 as_of=AS_OF)
    return {
        "duplicates": find_duplicates(base["clients"], transactions=base["tx"]),
        "completeness": completeness(base["clients"], transactions=base["tx"]),
        "managers": m,
        "nps": nps(base["surveys"], as_of=AS_OF, min_answers=1),
        "nps_by": nps_by(base["surveys"], {"manager": m}, as_of=AS_OF, min_answers=1),
    }


#: the clients each result lists, in its order: the duplicates' records in groups (the
#: survivor of C1/C2 is C2: two orders against one); every card; every snapshot client; the
#: clients who answered (one row each, their latest answer)
EXPECTED_IDS = {
    "duplicates": ["C1", "C2"],
    "completeness": ["C1", "C2", "C3", "C4"],
    "managers": ["C1", "C2", "C3", "C4"],
    "nps": ["C1", "C2", "C3"],
    "nps_by": ["C1", "C2", "C3"],
}
CLASSES = {"duplicates": Duplicates, "completeness": Completeness, "managers": Managers,
           "nps": NPSResult, "nps_by": NPSResult}


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_every_result_is_an_analysis_result(results, name):
    r = results[name]
    assert isinstance(r, CLASSES[name])
    assert isinstance(r, AnalysisResult)
    assert not isinstance(r.clients, AnalysisResult)  # a bare table is not a result


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_clients_one_row_per_client(results, name):
    clients = results[name].clients
    assert isinstance(clients, pd.DataFrame)
    assert "client_id" in clients.columns
    assert clients["client_id"].is_unique
    assert clients["client_id"].tolist() == EXPECTED_IDS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_to_frame_is_a_copy_of_clients(results, name):
    r = results[name]
    frame = r.to_frame()
    pd.testing.assert_frame_equal(frame, r.clients)
    assert frame is not r.clients
    frame.loc[frame.index[0], "client_id"] = "changed"
    assert r.clients["client_id"].iloc[0] == EXPECTED_IDS[name][0]


@pytest.mark.parametrize("name", sorted(EXPECTED_IDS))
def test_notes_are_codes_with_params(results, name):
    for note in results[name].notes:
        code, params = note
        assert isinstance(code, str) and code
        assert isinstance(params, Mapping)


def test_duplicates_fields(results):
    d = results["duplicates"]
    assert d.notes == ()
    # the default QualitySettings, the duplicate search's own settings only
    assert d.params == {"name_similarity": 92.0, "name_medium_similarity": 97.0,
                        "shared_key_limit": 5, "max_group_size": 20, "name_block_size": 500,
                        "name_window": 20, "common_word_min": 10}
    row = d.clients.set_index("client_id")
    assert row.loc["C1", "survivor"] == row.loc["C2", "survivor"] == "C2"
    assert row.loc["C1", "revenue"] == 100.0 and row.loc["C2", "revenue"] == 50.0
    assert (row["group_revenue"] == 150.0).all()
    # the action list: one row per record, the survivor first
    actions = d.action_list()
    assert actions[["client_id", "action"]].to_numpy().tolist() == [["C2", "keep"],
                                                                    ["C1", "merge"]]


def test_completeness_fields(results):
    c = results["completeness"]
    # fields the file does not have, in card order; segment: no vip / key_account column;
    # activities: no log given. Phone and e-mail are in the file and partly filled: no note.
    assert list(c.notes) == [
        ("note.no_column", {"field": "industry"}),
        ("note.no_column", {"field": "region"}),
        ("note.no_column", {"field": "size"}),
        ("note.no_column", {"field": "potential"}),
        ("note.no_column", {"field": "contact_person"}),
        ("note.no_column", {"field": "decision_maker"}),
        ("note.no_column", {"field": "status"}),
        ("note.no_flags", {}),
        ("note.no_column", {"field": "created"}),
        ("note.no_log", {}),
    ]
    assert c.params == {"group_filled_share": 0.5, "client_base_score": 0.6,
                        "client_base_contact_share": 0.5, "list_of_names_score": 0.3}
    # completeness = mean over the 4 groups of the share of fields present:
    # C1, C2: phone (contact 1/4), manager (analytic 1/3) -> (1/4 + 1/3) / 4 = 7/48;
    # C3: e-mail and manager, the same 7/48; C4: phone only -> (1/4) / 4 = 1/16
    got = c.clients.set_index("client_id")["completeness"]
    assert got.to_dict() == pytest.approx({"C1": 7 / 48, "C2": 7 / 48, "C3": 7 / 48,
                                           "C4": 1 / 16})
    # the action list: least complete first, ties by client_id
    assert c.action_list()["client_id"].tolist() == ["C4", "C1", "C2", "C3"]


def test_managers_fields(results):
    m = results["managers"]
    assert m.clients.columns.tolist() == ["client_id", "manager", "manager_source"]
    assert m.clients["manager"].tolist() == ["Ann", "Ann", "Bob", "(no manager)"]
    # the per-manager table stays the summary
    assert m.summary["manager"].tolist() == ["Ann", "Bob", "(no manager)"]
    assert m.summary["n_clients"].tolist() == [2, 1, 1]
    assert m.params["as_of"] == pd.Timestamp(AS_OF)
    assert m.params["period_start"] == pd.Timestamp("2024-06-01")
    assert m.params["allowed_days"]["AX"] == 30
    assert ("note.no_xyz", {}) in m.notes


def test_nps_fields(results):
    r = results["nps"]
    # latest answer per client: C1 3 (detractor), C2 9 (promoter), C3 7 (passive)
    assert r.clients[["client_id", "score", "nps_category"]].to_numpy().tolist() == [
        ["C1", 3.0, "detractor"], ["C2", 9.0, "promoter"], ["C3", 7.0, "passive"]]
    # one promoter, one detractor of three: NPS 0
    assert r.summary["nps"].tolist() == [0.0]
    assert r.params == {"as_of": pd.Timestamp(AS_OF), "min_answers": 1, "confidence": 0.95}
    # no answer after as_of; C1 answered twice
    assert r.notes == (("note.repeat_answers", {"n": 1}),)


def test_nps_by_managers_groups_by_manager(results):
    t = results["nps_by"].summary
    # Ann: C1 detractor, C2 promoter -> 0; Bob: C3 passive -> 0
    assert t[["dimension", "group", "n_answers"]].to_numpy().tolist() == [
        ["overall", "overall", 3], ["manager", "Ann", 2], ["manager", "Bob", 1]]
