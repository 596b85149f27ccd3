"""Classifying register diffs with the policy's rules (on durable_rules) and deciding their approvals."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main
from workreg.registers.classify import classify_changes, decide_changes
from workreg.registers.diff import diff_registers
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary
from workreg.policy.registry import get_policy

BASE_NAME = "esa-1.0.txt"

# name: (edits to esa-1.0, expected kinds of the changes, expected approver stages or None, approvers
#        with no stated place in the order: §4 lists an update's approvals without an order)
CASES = {
    "contacts_only": (
        [("Dana Smith, dana.smith@example.org", "Lee Wong, lee.wong@example.org")],
        {"contact_change"}, [], set(),
    ),
    "milestone_timeframe": (
        [("ESA publishes a Redfish storage profile\tQ4 2020", "ESA publishes a Redfish storage profile\tQ2 2021")],
        {"deliverable_adjustment"},
        [], {"originating_committee", "affected_committee", "alliance_partner"},
    ),
    "milestone_done": (
        [("DMTF announces work register\tQ2 2020", "DMTF announces work register - done\tQ2 2020")],
        {"editorial"}, None, set(),
    ),
    "scope_extension": (
        [("- Joint meetings", "- Joint meetings\n- Joint SPDM security reviews")],
        {"scope_extension", None},
        [{"originating_committee"}, {"board"}], {"alliance_partner"},
    ),
    "limitations_added": (
        [("Milestones / Dates", "Limitations\n\nESA will not produce conflicting standards.\n\nMilestones / Dates")],
        {"significant_change"}, [{"board"}], set(),
    ),
    "editorial_only": (
        [("Version 1.0 draft 2", "Version 1.0"), ("January 2022", "March 2022"),
         ("Date Initiated: 01/10/2020", "Date Initiated: 02/10/2020")],
        {"editorial"}, None, set(),
    ),
}


@pytest.fixture(scope="module")
def policy():
    return get_policy("dsp4003@1.2.0")


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def _variant(fixtures, tmp_path, edits):
    text = (fixtures / BASE_NAME).read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "new.txt"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_and_its_decision(fixtures, tmp_path, policy, vocabulary, name):
    edits, kinds, stages, unordered = CASES[name]
    old = read_register(fixtures / BASE_NAME)
    new = read_register(_variant(fixtures, tmp_path, edits))
    changes = classify_changes(diff_registers(old, new, vocabulary), policy)
    assert {c.kind for c in changes} == kinds
    decision = decide_changes(changes, policy, vocabulary)
    if stages is None:
        assert decision is None
        return
    by_gate = {i.gate: i for i in decision.required}
    assert [{by_gate[g].approver for g in stage} for stage in decision.stages] == stages
    assert {by_gate[g].approver for g in decision.unordered} == unordered


def test_contact_change_needs_no_board(fixtures, tmp_path, capsys):
    new = _variant(fixtures, tmp_path, CASES["contacts_only"][0])
    assert main(["diff", str(fixtures / BASE_NAME), str(new), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {c["kind"] for c in report["changes"]} == {"contact_change"}
    assert report["decision"]["required"] == []
    assert [n["approver"] for n in report["decision"]["not_required"]] == ["board"]


def test_milestone_owner_becomes_an_affected_committee(fixtures, tmp_path, policy, vocabulary):
    new = read_register(_variant(fixtures, tmp_path, CASES["milestone_timeframe"][0]))
    changes = classify_changes(diff_registers(read_register(fixtures / BASE_NAME), new, vocabulary), policy)
    decision = decide_changes(changes, policy, vocabulary)
    assert "affected_committee_ballot:Technical Committee" in decision.unordered
    # The register names 'Redfish'; that it is the Technical Committee's work is the vocabulary's reading.
    item = next(i for i in decision.required if i.gate == "affected_committee_ballot:Technical Committee")
    assert "names 'Redfish'" in item.interpretation and "not a statement of it" in item.interpretation


def test_significant_change_rule_is_marked_as_interpretation(fixtures, tmp_path, policy, vocabulary):
    new = read_register(_variant(fixtures, tmp_path, CASES["limitations_added"][0]))
    changes = classify_changes(diff_registers(read_register(fixtures / BASE_NAME), new, vocabulary), policy)
    assert all(c.rule == "terms-change" and "does not define" in c.interpretation for c in changes)


def test_json_contract_decision_equals_approvals_output(fixtures, tmp_path, capsys):
    new = _variant(fixtures, tmp_path, CASES["milestone_timeframe"][0] + CASES["scope_extension"][0])
    assert main(["diff", str(fixtures / BASE_NAME), str(new), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"kind", "section", "before", "after", "rule"} <= set(report["changes"][0])
    kinds = report["decision"]["changes"]
    argv = ["approvals", *kinds, "--format", "json"]
    for gate in report["decision"]["stages"][0]:
        if gate.startswith("affected_committee_ballot:"):
            argv += ["--committee", gate.split(":", 1)[1]]
    assert main(argv) == 0
    approvals = json.loads(capsys.readouterr().out)
    decision = report["decision"]
    assert list(approvals) == list(decision)
    # The same answer; the diff adds how the register's words brought the committee in.
    for key in ("changes", "stages", "order", "unordered", "parallel", "not_required", "unspecified", "steps"):
        assert approvals[key] == decision[key], key
    by_gate = {item["gate"]: item for item in approvals["required"]}
    for item in decision["required"]:
        expected = dict(by_gate[item["gate"]])
        if item["gate"].startswith("affected_committee_ballot:"):
            assert "names 'Redfish' (Redfish Forum, which reports to the Technical Committee)" in item["interpretation"]
            expected["interpretation"] = item["interpretation"]
        assert item == expected
    assert [(c["given"], c["committee"], c["kind"]) for c in decision["committees"]] == [
        ("Redfish", "Technical Committee", "forum")]


def test_editorial_only_text_report(fixtures, tmp_path, capsys):
    new = _variant(fixtures, tmp_path, CASES["editorial_only"][0])
    assert main(["diff", str(fixtures / BASE_NAME), str(new)]) == 0
    out = capsys.readouterr().out
    assert "No approval needed: the 3 change(s) are editorial." in out


def test_unreadable_input_is_exit_2(fixtures, tmp_path, capsys):
    assert main(["diff", str(fixtures / BASE_NAME), str(tmp_path / "missing.txt")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_ocp_1_0_draft_to_1_2_needs_committees_board_and_partner(seeds, capsys):
    code = main(["diff", str(seeds / "work-register-ocp-1.0-draft1.txt"), str(seeds / "work-register-ocp-1.2.txt"),
                 "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    kinds = {c["kind"] for c in report["changes"]}
    assert {"contact_change", "deliverable_adjustment", "scope_extension"} <= kinds
    scope = {c["after"] for c in report["changes"] if c["kind"] == "scope_extension"}
    assert scope == {"PMCI Working Group", "SPDM Working Group"}
    approvers = [{r["approver"] for r in report["decision"]["required"] if r["gate"] in stage}
                 for stage in report["decision"]["stages"]]
    assert approvers == [{"originating_committee", "affected_committee"}, {"board"}]
    assert report["decision"]["unordered"] == ["partner_approval"]
    # The Marketing Committee comes in because a milestone says "announces": a reading, marked.
    marketing = next(r for r in report["decision"]["required"] if r["name"] == "Marketing Committee")
    assert "names 'announces'" in marketing["interpretation"]
    milestone_rule = next(c for c in report["changes"] if c["rule"] == "milestone-change")
    assert "organization vocabulary" in milestone_rule["interpretation"]
