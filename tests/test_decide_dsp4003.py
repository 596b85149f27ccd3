"""What DSP4003 1.2.0 requires for each change kind, written by hand from the text (not the YAML)."""

from __future__ import annotations

import pytest

from workreg.policy.decide import decide
from workreg.errors import UsageError

# change kind: (stages of approver roles, {approver: (kind, section)}, not required {approver: section},
#               unspecified topics that must be reported)
EXPECTED = {
    # §3.2 originating committee ballot; §2.3 committees with milestone work; §3.2 parallel at the chair's
    # discretion; §3.2 board after the originating committee; §3.2 partner acknowledges after the board.
    "new_register": (
        [{"originating_committee", "affected_committee"}, {"board"}, {"alliance_partner"}],
        {"originating_committee": ("ballot", "3.2"), "affected_committee": ("ballot", "2.3"),
         "board": ("ballot", "3.2"), "alliance_partner": ("acknowledgement", "3.2"),
         "alliance_committee": ("approval", "2.3")},
        {},
        set(),
    ),
    # §4: originating committee, any other affected committees and the partner.
    "deliverable_adjustment": (
        [{"originating_committee", "affected_committee"}, {"alliance_partner"}],
        {"originating_committee": ("approval", "4"), "affected_committee": ("approval", "4"),
         "alliance_partner": ("approval", "4")},
        {},
        {"board_for_significant_adjustment", "update_order"},
    ),
    # §4: originating committee, the board and the partner.
    "scope_extension": (
        [{"originating_committee"}, {"board"}, {"alliance_partner"}],
        {"originating_committee": ("approval", "4"), "board": ("approval", "4"),
         "alliance_partner": ("approval", "4")},
        {},
        {"affected_committees_for_scope"},
    ),
    # §3.2: partner changes are re-balloted through the originating committee.
    "partner_revision": (
        [{"originating_committee"}],
        {"originating_committee": ("ballot", "3.2")},
        {},
        {"board_for_significant_revision"},
    ),
    # §3.2: the board approves significant changes; "significant" is not defined.
    "significant_change": (
        [{"board"}],
        {"board": ("approval", "3.2")},
        {},
        {"significant_definition"},
    ),
    # §3.2: representatives and their email addresses do not need the board; nobody else is named.
    "contact_change": ([], {}, {"board": "3.2"}, {"contact_change_approver"}),
    # §4: at least every 24 months, performed by the owner; approvals follow from what changes.
    "periodic_review": ([], {}, {}, {"review_approvals"}),
    # §4.1: removal requires board approval.
    "removal": ([{"board"}], {"board": ("approval", "4.1")}, {}, {"removal_other_approvers"}),
}


@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_each_change_kind_matches_the_text(dsp4003, change):
    stages, approvals, not_required, unspecified = EXPECTED[change]
    decision = decide(dsp4003, [change])
    by_gate = {item.gate: item for item in decision.required}
    assert [{by_gate[gate].approver for gate in stage} for stage in decision.stages] == stages
    assert {i.approver: (i.kind, i.citation.section) for i in decision.required} == approvals
    assert {n.approver: n.citation.section for n in decision.not_required} == not_required
    assert unspecified <= {u.topic for u in decision.unspecified}
    assert decision.changes == (change,)


def test_every_shipped_change_kind_has_an_expectation(dsp4003):
    assert set(dsp4003.kinds) == set(EXPECTED)


def test_scope_extension_order_names_originating_committee_board_partner(dsp4003):
    decision = decide(dsp4003, ["scope_extension"])
    assert decision.approvers == ("originating_committee", "board", "alliance_partner")
    assert [i.name for i in decision.required] == ["Alliance Committee", "DMTF Board of Directors", "Alliance Partner"]


def test_alliance_committee_as_originating_committee_approves_once(dsp4003):
    decision = decide(dsp4003, ["new_register"])
    folded = next(i for i in decision.required if i.approver == "alliance_committee")
    assert folded.satisfied_by == "originating_committee_ballot"
    assert "alliance_committee_approval" not in {g for stage in decision.stages for g in stage}


def test_another_originating_committee_adds_the_alliance_committee_approval(dsp4003):
    decision = decide(dsp4003, ["new_register"], originating="Technical Committee")
    by_gate = {i.gate: i for i in decision.required}
    assert by_gate["originating_committee_ballot"].name == "Technical Committee"
    assert by_gate["alliance_committee_approval"].satisfied_by is None
    assert decision.stages[0] == ("originating_committee_ballot", "affected_committee_ballot",
                                  "alliance_committee_approval")


def test_named_committees_get_one_gate_each_in_parallel(dsp4003):
    decision = decide(dsp4003, ["deliverable_adjustment"], committees=["PMCI Working Group", "SPDM Working Group"])
    assert decision.stages[0] == (
        "originating_committee_ballot",
        "affected_committee_ballot:PMCI Working Group",
        "affected_committee_ballot:SPDM Working Group",
    )
    assert decision.stages[1] == ("partner_approval",)
    assert {e.before for e in decision.order if e.after == "partner_approval"} == set(decision.stages[0])


def test_committee_that_is_the_originating_committee_is_not_asked_twice(dsp4003):
    decision = decide(dsp4003, ["deliverable_adjustment"], committees=["alliance committee"])
    item = next(i for i in decision.required if i.gate == "affected_committee_ballot:alliance committee")
    assert item.satisfied_by == "originating_committee_ballot"


def test_combined_changes_order_together(dsp4003):
    decision = decide(dsp4003, ["contact_change", "deliverable_adjustment", "scope_extension"])
    assert decision.changes == ("deliverable_adjustment", "scope_extension", "contact_change")
    assert [set(s) for s in decision.stages] == [
        {"originating_committee_ballot", "affected_committee_ballot"}, {"board_approval"}, {"partner_approval"},
    ]
    # The board is required by the scope extension, so the contact change's "not required" gives way.
    assert decision.not_required == ()


def test_board_path_through_left_out_gates_keeps_partner_last(dsp4003):
    # Deliverable adjustments leave the board out; the committees still precede the partner.
    decision = decide(dsp4003, ["deliverable_adjustment"])
    assert decision.stages[-1] == ("partner_approval",)


def test_order_is_explained_by_clauses(dsp4003):
    decision = decide(dsp4003, ["scope_extension"])
    edge = next(e for e in decision.order if e.before == "originating_committee_ballot")
    assert edge.after == "board_approval"
    assert edge.citations[0].section == "3.2"
    assert "balloted for approval by the board" in edge.citations[0].quote


@pytest.mark.parametrize("bad", [["scope-extention"], [], ["removal", "nope"]])
def test_unknown_change_kinds_are_usage_errors(dsp4003, bad):
    with pytest.raises(UsageError) as info:
        decide(dsp4003, bad)
    assert info.value.exit_code == 2


def test_did_you_mean_for_change_kinds(dsp4003):
    with pytest.raises(UsageError, match="unknown change kind 'scope-extention'") as info:
        decide(dsp4003, ["scope-extention"])
    assert info.value.hint == "did you mean 'scope_extension'?"


def test_decisions_are_memoised_and_frozen(dsp4003):
    first = decide(dsp4003, ["removal"])
    assert decide(dsp4003, ("removal",)) is first
    with pytest.raises(AttributeError):
        first.policy = "x"  # type: ignore[misc]
