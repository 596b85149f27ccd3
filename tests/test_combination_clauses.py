"""Combinations keep every clause: a gate several kinds require cites each, and kinds that disagree
(a "not required" overruled, an order one kind gives a gate another also requires) are reported as
conflicts with both clauses and the deciding rule, in every format (issue 17)."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main
from workreg.policy.registry import get_policy


def _run(capsys, *args: str) -> str:
    assert main(["approvals", *args]) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def policy():
    return get_policy("dsp4003@1.2.0")


def test_the_board_gate_of_a_new_register_and_a_removal_cites_both_kinds(policy):
    decision = policy.decide(["new_register", "removal"])
    board = next(item for item in decision.required if item.gate == "board_approval")
    assert board.required_by == ("new_register", "removal")
    assert [c.section for c in board.citations] == ["3.2", "4.1"]
    assert board.to_dict()["citations"][1] == {
        "change": "removal", "section": "4.1", "quote": "Alliance Partner removal requires DMTF board approval.",
        "source": "DSP4003 1.2.0"}


def test_the_new_register_order_is_not_applied_to_a_removal_silently(policy):
    decision = policy.decide(["new_register", "removal"])
    (conflict,) = decision.conflicts
    assert conflict.topic == "order" and conflict.subject == ("board_approval",)
    stating, silent = conflict.clauses
    assert stating.change == "new_register" and "3.2" in {c.section for c in stating.citations}
    assert silent.change == "removal" and [c.section for c in silent.citations] == ["4.1"]
    assert "states no such order" in silent.says
    assert "new_register's order applies to removal" in conflict.resolution
    assert "Interpretation" in conflict.resolution


def test_a_not_required_that_another_kind_contradicts_is_a_conflict(policy):
    decision = policy.decide(["scope_extension", "contact_change"])
    assert "board" not in {item.approver for item in decision.not_required}
    (conflict,) = decision.conflicts
    assert conflict.topic == "not_required" and conflict.subject == ("board",)
    said, required = conflict.clauses
    assert (said.change, [c.section for c in said.citations]) == ("contact_change", ["3.2"])
    assert "does not require" in said.says
    assert (required.change, [c.section for c in required.citations]) == ("scope_extension", ["4"])
    assert conflict.resolution.startswith("scope_extension's requirement wins")


def test_one_kind_alone_has_no_conflict(policy):
    for kind in policy.kinds:
        assert policy.decide([kind]).conflicts == ()


@pytest.mark.parametrize("changes,must", [
    (["new_register", "removal"], ["§3.2, §4.1", "§4.1 (removal)", "Conflicts between the changes",
                                    "removal requires DMTF Board approval, and states no such order",
                                    "new_register's order applies to removal too"]),
    (["scope_extension", "contact_change"], ["Conflicts between the changes",
                                             "contact_change does not require the DMTF Board of Directors",
                                             "scope_extension's requirement wins"]),
])
def test_text_and_markdown_say_so(capsys, changes, must):
    text = " ".join(_run(capsys, *changes).split())
    markdown = " ".join(_run(capsys, "--format", "markdown", *changes).split())
    for phrase in must:
        assert phrase in text, phrase
        if phrase != "§4.1 (removal)":
            assert phrase in markdown, phrase
    assert "**Conflicts between the changes**" in markdown


def test_json_carries_the_clauses_and_the_conflict(capsys):
    data = json.loads(_run(capsys, "--format", "json", "scope_extension", "contact_change"))
    (conflict,) = data["conflicts"]
    assert conflict["topic"] == "not_required" and conflict["subject"] == ["board"]
    assert [clause["change"] for clause in conflict["clauses"]] == ["contact_change", "scope_extension"]
    assert all(clause["citations"] for clause in conflict["clauses"])
    data = json.loads(_run(capsys, "--format", "json", "new_register", "removal"))
    board = next(item for item in data["required"] if item["gate"] == "board_approval")
    assert [(c["change"], c["section"]) for c in board["citations"]] == [("new_register", "3.2"), ("removal", "4.1")]
    assert [c["topic"] for c in data["conflicts"]] == ["order"]
