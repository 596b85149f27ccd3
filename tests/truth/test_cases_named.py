"""Issue 17: a case waits only on bodies someone named."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main


def _open(capsys, tmp_path, *argv):
    code = main(["case", "open", *argv, "--db", str(tmp_path / "cases.db"), "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


@pytest.mark.parametrize("kind", ["deliverable_adjustment", "new_register"])
def test_a_per_committee_gate_with_no_name_is_asked_for_not_waited_on(capsys, tmp_path, kind):
    code, _, err = _open(capsys, tmp_path, "--change", kind)
    assert code == 2 and "names-needed" in err
    assert "--committee NAME" in err and "--no-affected-committees" in err
    assert '"any"' in err  # the clause that allows none


def test_none_named_says_which_clause_allows_none_and_the_case_can_complete(capsys, tmp_path):
    code, state, _ = _open(capsys, tmp_path, "--change", "deliverable_adjustment", "--no-affected-committees")
    assert code == 0
    gates = {g["gate"] for g in state["next"] + state["waiting"]}
    assert gates == {"originating_committee_ballot", "partner_approval"}
    note = next(n for n in state["notes"] if n["code"] == "none-named")
    assert note["gate"] == "affected_committee_ballot" and note["citations"][0]["section"] == "4"
    db = str(tmp_path / "cases.db")
    for gate in ("originating_committee_ballot", "partner_approval"):
        assert main(["case", "record", str(state["id"]), gate, "--outcome", "approved", "--date", "2026-01-05",
                     "--db", db]) == 0
    capsys.readouterr()
    assert main(["case", "status", str(state["id"]), "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["complete"] is True


def test_named_committees_need_no_flag_and_the_flag_then_has_no_effect(capsys, tmp_path):
    code, state, _ = _open(capsys, tmp_path, "--change", "deliverable_adjustment", "--committee", "Marketing Committee")
    assert code == 0
    assert "affected_committee_ballot:Marketing Committee" in {g["gate"] for g in state["next"]}
    code, _, err = _open(capsys, tmp_path, "--change", "deliverable_adjustment", "--committee", "Marketing Committee",
                         "--no-affected-committees")
    assert code == 2 and "option-without-effect" in err


def test_a_kind_without_per_committee_gates_needs_neither(capsys, tmp_path):
    assert _open(capsys, tmp_path, "--change", "removal")[0] == 0
    code, _, err = _open(capsys, tmp_path, "--change", "removal", "--no-affected-committees")
    assert code == 2 and "option-without-effect" in err
