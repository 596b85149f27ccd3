"""What DSP4003 1.2.0 requires for each change kind, written by hand from the text (not the YAML)."""

from __future__ import annotations

import pytest

from workreg.policy.decide import decide
from workreg.errors import UsageError

# change kind: (stages of approver roles, {approver: (kind, section)}, not required {approver: section},
#               unspecified topics that must be reported, approvers the text gives no place in the order)
EXPECTED = {
    # §3.2 "The draft Work Register is submitted for approval to the Originating Committee following
    # the normal ballot process."; §2.3 "The work register also needs approval by any committee which
    # has work identified in the Milestones section"; §3.2 "may be balloted in parallel in the
    # non-originating Committees at the discretion of the chair"; §3.2 "After the Originating Committee
    # has approved the Work Register, it is balloted for approval by the board."; §3.2 "Once the board
    # has approved the Work Register, the Work Register owner sends the approved Work Register to the
    # potential Alliance Partner organization. The potential Alliance Partner must acknowledge
    # acceptance of the Work Register."
    "new_register": (
        [{"originating_committee", "affected_committee"}, {"board"}, {"alliance_partner"}],
        {"originating_committee": ("ballot", "3.2"), "affected_committee": ("ballot", "2.3"),
         "board": ("ballot", "3.2"), "alliance_partner": ("acknowledgement", "3.2"),
         "alliance_committee": ("approval", "2.3")},
        {},
        set(),
        set(),
    ),
    # §4: "Work Register updates to adjust deliverables require approval of the Originating Committee,
    # any other affected committees and the Alliance Partner organization." No order is given.
    "deliverable_adjustment": (
        [],
        {"originating_committee": ("approval", "4"), "affected_committee": ("approval", "4"),
         "alliance_partner": ("approval", "4")},
        {},
        {"board_for_significant_adjustment", "update_order"},
        {"originating_committee", "affected_committee", "alliance_partner"},
    ),
    # §4: "requires the approval of the Originating Committee, the DMTF board, and the Alliance Partner
    # organization." No order is given: the partner has no place in it (the policy's reading puts the
    # Board after the committees, marked as an interpretation; see below).
    "scope_extension": (
        [{"originating_committee"}, {"board"}],
        {"originating_committee": ("approval", "4"), "board": ("approval", "4"),
         "alliance_partner": ("approval", "4")},
        {},
        {"affected_committees_for_scope", "update_order"},
        {"alliance_partner"},
    ),
    # §3.2: partner changes are re-balloted through the originating committee.
    "partner_revision": (
        [{"originating_committee"}],
        {"originating_committee": ("ballot", "3.2")},
        {},
        {"board_for_significant_revision"},
        set(),
    ),
    # §3.2: the board approves significant changes; "significant" is not defined.
    "significant_change": (
        [{"board"}],
        {"board": ("approval", "3.2")},
        {},
        {"significant_definition"},
        set(),
    ),
    # §3.2: representatives and their email addresses do not need the board; nobody else is named.
    "contact_change": ([], {}, {"board": "3.2"}, {"contact_change_approver"}, set()),
    # §4: at least every 24 months, performed by the owner; approvals follow from what changes.
    "periodic_review": ([], {}, {}, {"review_approvals"}, set()),
    # §4.1: removal requires board approval.
    "removal": ([{"board"}], {"board": ("approval", "4.1")}, {}, {"removal_other_approvers"}, set()),
}


@pytest.mark.parametrize("change", sorted(EXPECTED))
def test_each_change_kind_matches_the_text(dsp4003, change):
    stages, approvals, not_required, unspecified, unordered = EXPECTED[change]
    decision = decide(dsp4003, [change])
    by_gate = {item.gate: item for item in decision.required}
    assert [{by_gate[gate].approver for gate in stage} for stage in decision.stages] == stages
    assert {by_gate[gate].approver for gate in decision.unordered} == unordered
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


def test_committee_that_is_the_originating_committee_is_not_asked_twice(dsp4003):
    decision = decide(dsp4003, ["deliverable_adjustment"], committees=["alliance committee"])
    item = next(i for i in decision.required if i.gate == "affected_committee_ballot:alliance committee")
    assert item.satisfied_by == "originating_committee_ballot"


def test_named_committees_of_a_new_register_ballot_in_parallel_at_the_chairs_discretion(dsp4003):
    # §3.2: "If multiple Committees own deliverables in the draft Work Register, the Work Register may
    # be balloted in parallel in the non-originating Committees at the discretion of the chair."
    decision = decide(dsp4003, ["new_register"], committees=["Technical Committee", "Marketing Committee"])
    assert decision.stages[0] == (
        "originating_committee_ballot",
        "affected_committee_ballot:Technical Committee",
        "affected_committee_ballot:Marketing Committee",
    )
    [stage] = decision.parallel
    assert (stage.stage, stage.condition, stage.interpretation) == (1, "at the discretion of the chair", None)
    assert [c.section for c in stage.citations] == ["3.2"]
    assert "at the discretion of the chair" in stage.citations[0].quote


def test_an_update_states_no_order_and_the_parallel_permission_is_the_new_registers(dsp4003):
    # §4 lists who approves an update that adjusts deliverables without an order, and §3.2's
    # permission to ballot in parallel is about "the draft Work Register": nothing is staged.
    decision = decide(dsp4003, ["deliverable_adjustment"], committees=["Technical Committee", "Marketing Committee"])
    assert decision.stages == () and decision.order == () and decision.parallel == ()
    assert set(decision.unordered) == {"originating_committee_ballot", "affected_committee_ballot:Technical Committee",
                                       "affected_committee_ballot:Marketing Committee", "partner_approval"}


def test_a_new_registers_order_is_stated_by_the_text(dsp4003):
    decision = decide(dsp4003, ["new_register"])
    assert [(e.before, e.after, [c.section for c in e.citations], e.interpretation) for e in decision.order] == [
        # §3.2 "After the Originating Committee has approved the Work Register, it is balloted for approval by the board."
        ("originating_committee_ballot", "board_approval", ["3.2"], None),
        # §2.3 "Once a Work Register has been approved at the Committee level by all involved Committees, the
        # Work Register is presented to the DMTF board of directors."
        ("affected_committee_ballot", "board_approval", ["2.3"], None),
        # §3.2 "Once the board has approved the Work Register, the Work Register owner sends the approved Work
        # Register to the potential Alliance Partner organization. The potential Alliance Partner must
        # acknowledge acceptance of the Work Register."
        ("board_approval", "partner_approval", ["3.2", "3.2"], None),
    ]
    assert "balloted for approval by the board" in decision.order[0].citations[0].quote


@pytest.mark.parametrize("changes", [
    ["scope_extension"], ["deliverable_adjustment"], ["deliverable_adjustment", "scope_extension"],
    ["deliverable_adjustment", "scope_extension", "significant_change", "contact_change"],
    ["partner_revision", "significant_change"],
])
def test_no_update_order_is_presented_as_the_texts(dsp4003, changes):
    # §4 and §3.2 give no order for the approvals of updates: every order a decision about them has
    # is the policy's reading, marked as an interpretation, and the partner has no place in it.
    decision = decide(dsp4003, changes, committees=["Technical Committee"])
    assert all(edge.interpretation for edge in decision.order), decision.order
    assert all(stage.interpretation for stage in decision.parallel), decision.parallel
    if "partner_approval" in {item.gate for item in decision.required}:
        assert "partner_approval" in decision.unordered


def test_the_policys_reading_of_an_updates_order_says_so(dsp4003):
    decision = decide(dsp4003, ["scope_extension"])
    [edge] = decision.order
    assert (edge.before, edge.after) == ("originating_committee_ballot", "board_approval")
    assert "§4 gives no order" in edge.interpretation
    assert [u.topic for u in decision.unspecified if u.topic == "update_order"] == ["update_order"]


def test_the_real_record_is_not_contradicted(dsp4003):
    # OCP's 2023 register (an update extending the scope to the PMCI and SPDM working groups) was
    # approved by OCP on June 8, 2023 and by the DMTF Board (resolution 2023-07-16) on 07/24/2023:
    # partner first.  No order the text states may put the Board before the partner.
    decision = decide(dsp4003, ["deliverable_adjustment", "scope_extension", "significant_change", "contact_change"],
                      committees=["Alliance Committee", "Marketing Committee"])
    stated = {(e.before, e.after) for e in decision.order if e.interpretation is None}
    assert ("board_approval", "partner_approval") not in stated
    assert "partner_approval" in decision.unordered


def test_the_default_originating_committee_is_an_interpretation(dsp4003):
    # §2.3: "One committee is designated as the Originating Committee ... This is most likely the
    # Alliance Committee."
    decision = decide(dsp4003, ["partner_revision"])
    [item] = decision.required
    assert item.name == "Alliance Committee" and "most likely" in item.interpretation
    named = decide(dsp4003, ["partner_revision"], originating="Technical Committee")
    assert named.required[0].name == "Technical Committee" and named.required[0].interpretation is None


def test_unnamed_actors_are_interpretations_and_alternatives_are_named(dsp4003):
    steps = {item.step: item for item in decide(dsp4003, ["new_register"]).steps}
    # §3.1 "it is sent to the Committees through the chairs" and §3.2 "are posted on the work register
    # public site": the text names nobody.
    assert steps["socialize"].interpretation and steps["publish"].interpretation
    # §3.2 "the Work Register owner sends the approved Work Register": named.
    assert steps["send_to_partner"].interpretation is None
    # §3.1 "Work Registers can be proposed by an external organization or by a board or leadership
    # member company within the DMTF."
    assert [a.actor for a in steps["propose"].also_by] == ["dmtf_member_company"]
    # §4.1 "The VP of Alliances or a member of the DMTF executive committee can also recommend ..."
    [removal] = decide(dsp4003, ["removal"]).steps
    assert removal.actor == "vp_alliances"
    assert [(a.actor, a.name) for a in removal.also_by] == [
        ("executive_committee", "a member of the DMTF Executive Committee")]


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
