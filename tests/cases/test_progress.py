"""The fold: a case's state from its events and its policy's decision, and what may be recorded next."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.cases.events import Event, Migrated, Opened, Recorded
from workreg.cases.progress import OutcomeNote, check_record, fold
from workreg.errors import CaseError, RecordRefused
from workreg.policy.decision import Citation
from workreg.policy.registry import get_policy
from tests.conftest import FIXTURES

POLICY_DIR = FIXTURES / "policies" / "cases"
REJECTION = OutcomeNote("rejected", "RELAY 1.0 does not say what follows a rejected ballot.",
                        Citation("4", "The Board approves after the office and every panel."))


def relay(version: str = "1.0"):
    return get_policy(f"relay@{version}", [POLICY_DIR])


def case(*records, changes=("big",), committees=("P1", "P2"), version="1.0"):
    """The state of a case of the relay policy with these (gate, outcome, date[, again]) records."""
    policies = {"h1": relay("1.0"), "h2": relay("2.0")}
    events = [Event(1, 1, "2026-01-01T00:00:00Z", "tester", "h1" if version == "1.0" else "h2",
                    Opened(f"relay@{version}", "t", tuple(changes), tuple(committees)))]
    for seq, (gate, outcome, day, *again) in enumerate(records, 2):
        events.append(Event(1, seq, "2026-01-02T00:00:00Z", "tester", events[0].policy_hash,
                            Recorded(gate, outcome, day, again=bool(again))))
    return fold(events, policies.__getitem__, lambda digest: {"rejected": REJECTION})


def statuses(state):
    return {gate.gate: gate.status for gate in state.gates}


@pytest.mark.parametrize("records,expected", [
    ((), {"office_ballot": "next", "panel_ballot:P1": "next", "panel_ballot:P2": "next",
          "council_approval": "waiting", "board_approval": "waiting", "partner_ack": "waiting"}),
    ((("office_ballot", "approved", "2026-02-01"),),
     {"office_ballot": "approved", "council_approval": "given", "panel_ballot:P1": "next",
      "board_approval": "waiting"}),
    ((("office_ballot", "approved", "2026-02-01"), ("panel_ballot:P1", "approved", "2026-02-02"),
      ("panel_ballot:P2", "approved", "2026-02-03")),
     {"board_approval": "next", "partner_ack": "waiting"}),
    ((("office_ballot", "approved", "2026-02-01"), ("panel_ballot:P1", "rejected", "2026-02-02")),
     {"panel_ballot:P1": "rejected", "panel_ballot:P2": "next", "board_approval": "waiting"}),
    ((("office_ballot", "withdrawn", "2026-02-01"),),
     {"office_ballot": "withdrawn", "council_approval": "waiting"}),
    ((("panel_ballot:P1", "rejected", "2026-02-02"), ("panel_ballot:P1", "approved", "2026-03-02", True)),
     {"panel_ballot:P1": "approved"}),
])
def test_statuses_follow_the_policy_order(records, expected):
    got = statuses(case(*records))
    assert {gate: got[gate] for gate in expected} == expected


def test_complete_only_when_every_gate_is_approved_or_given():
    steps = [("office_ballot", "approved", "2026-02-01"), ("panel_ballot:P1", "approved", "2026-02-02"),
             ("panel_ballot:P2", "approved", "2026-02-02"), ("board_approval", "approved", "2026-03-01"),
             ("partner_ack", "approved", "2026-04-01")]
    for count in range(len(steps)):
        assert not case(*steps[:count]).complete
    state = case(*steps)
    assert state.complete and not state.next and not state.waiting
    assert {g.gate for g in state.done} == {"office_ballot", "council_approval", "panel_ballot:P1",
                                            "panel_ballot:P2", "board_approval", "partner_ack"}


def test_waiting_names_the_gates_and_clauses():
    board = case(("office_ballot", "approved", "2026-02-01")).gate("board_approval")
    assert [(b.gate, b.status) for b in board.waiting_on] == [("panel_ballot:P1", "next"), ("panel_ballot:P2", "next")]
    assert board.waiting_on[0].citations == (Citation("4", "The Board approves after the office and every panel."),)
    partner = case().gate("partner_ack")  # transitive: the partner waits for the board and, through it, the rest
    assert {b.gate for b in partner.waiting_on} == {"board_approval", "office_ballot", "panel_ballot:P1",
                                                     "panel_ballot:P2"}
    assert len(next(b for b in partner.waiting_on if b.gate == "office_ballot").citations) == 2


@pytest.mark.parametrize("records,gate,outcome,again,code", [
    ((), "board_approval", "approved", False, "out-of-order"),
    ((), "board_approval", "rejected", False, "out-of-order"),
    ((), "partner_ack", "approved", False, "out-of-order"),
    ((), "file_result", "approved", False, "not-needed"),       # an action, not a gate
    ((), "nonsense", "approved", False, "not-needed"),
    ((), "council_approval", "approved", False, "given-by"),
    ((("office_ballot", "approved", "2026-02-01"),), "office_ballot", "approved", False, "already-recorded"),
    ((("office_ballot", "rejected", "2026-02-01"),), "office_ballot", "approved", False, "already-recorded"),
    ((), "office_ballot", "approved", True, "not-stopped"),
])
def test_refusals(records, gate, outcome, again, code):
    with pytest.raises(RecordRefused) as refused:
        check_record(case(*records), gate, outcome, again)
    assert refused.value.code == code and refused.value.exit_code == 1


def test_out_of_order_refusal_cites_the_clause():
    with pytest.raises(RecordRefused) as refused:
        check_record(case(("office_ballot", "approved", "2026-02-01")), "board_approval", "approved")
    message = str(refused.value)
    assert "panel_ballot:P1" in message and '§4 "The Board approves after the office and every panel."' in message
    assert "office_ballot" not in message.split("hint")[0]  # approved gates do not block


@pytest.mark.parametrize("records,gate,outcome,again", [
    ((), "office_ballot", "approved", False),
    ((), "panel_ballot:P2", "withdrawn", False),
    ((("office_ballot", "rejected", "2026-02-01"),), "office_ballot", "approved", True),
])
def test_allowed(records, gate, outcome, again):
    check_record(case(*records), gate, outcome, again)


def test_rejection_reports_what_the_policy_leaves_open():
    state = case(("office_ballot", "rejected", "2026-02-01"))
    stopped = state.stopped[0]
    assert stopped.gate == "office_ballot" and stopped.after_outcome == REJECTION
    assert state.to_dict()["stopped"][0]["unspecified"]["text"].startswith("RELAY 1.0 does not say")
    withdrawn = case(("office_ballot", "withdrawn", "2026-02-01")).stopped[0]
    assert withdrawn.after_outcome is None  # the policy has no note on withdrawal: nothing is invented


def test_dates_before_a_predecessor_are_noted_not_refused():
    state = case(("office_ballot", "approved", "2026-02-01"), ("panel_ballot:P1", "approved", "2026-02-01"),
                 ("panel_ballot:P2", "approved", "2026-02-01"), ("board_approval", "approved", "2026-03-01"),
                 ("partner_ack", "approved", "2026-01-15"))
    assert state.complete
    assert [(n.code, n.gate) for n in state.notes] == [("dated-before-predecessor", "partner_ack")]


def test_migration_switches_the_decision_and_keeps_the_records():
    policies = {"h1": relay("1.0"), "h2": relay("2.0")}
    events = [
        Event(1, 1, "t", None, "h1", Opened("relay@1.0", "t", ("big",), ("P1",))),
        Event(1, 2, "t", None, "h1", Recorded("office_ballot", "approved", "2026-02-01")),
        Event(1, 3, "t", None, "h1", Recorded("panel_ballot:P1", "approved", "2026-02-01")),
        Event(1, 4, "t", None, "h1", Recorded("board_approval", "approved", "2026-03-01")),
        Event(1, 5, "t", None, "h2", Migrated("relay@1.0", "h1", "relay@2.0", ("audit",), ("council_approval",))),
    ]
    state = fold(events, policies.__getitem__, lambda digest: {})
    assert state.policy == "relay@2.0" and state.policy_hash == "h2"
    assert statuses(state) == {"office_ballot": "approved", "panel_ballot:P1": "approved", "audit": "next",
                               "board_approval": "approved", "partner_ack": "waiting"}
    assert [(n.code, n.gate) for n in state.notes] == [("out-of-order", "board_approval")]


@pytest.mark.parametrize("events", [
    [],
    [Event(1, 1, "t", None, "h1", Recorded("office_ballot", "approved", "2026-02-01"))],
    [Event(1, 1, "t", None, "h1", Opened("relay@1.0", "t", ("big",))),
     Event(1, 2, "t", None, "h1", Opened("relay@1.0", "t", ("big",)))],
])
def test_a_log_that_does_not_start_with_one_opening_is_an_error(events):
    with pytest.raises(CaseError) as error:
        fold(events, {"h1": relay()}.__getitem__, lambda digest: {})
    assert error.value.code == "bad-event"


GATES = ["office_ballot", "council_approval", "panel_ballot:P1", "panel_ballot:P2", "board_approval",
         "partner_ack", "file_result"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(GATES), st.sampled_from(["approved", "rejected", "withdrawn"]),
                          st.booleans()), max_size=14))
def test_no_accepted_sequence_has_an_approval_before_its_predecessors(attempts):
    """Whatever is attempted, what check_record accepts never approves a gate before the gates ordered first."""
    accepted = []
    for gate, outcome, again in attempts:
        try:
            check_record(case(*accepted), gate, outcome, again)
        except RecordRefused:
            continue
        accepted.append((gate, outcome, "2026-02-01", again) if again else (gate, outcome, "2026-02-01"))
    state = case(*accepted)
    assert not [n for n in state.notes if n.code == "out-of-order"]
    approved_at = {}
    for index, (gate, outcome, *_) in enumerate(accepted):
        if outcome == "approved":
            approved_at[gate] = index
    for edge in state.decision.order:
        if edge.after in approved_at:
            satisfier = edge.before
            assert satisfier in approved_at and approved_at[satisfier] < approved_at[edge.after]


@pytest.mark.parametrize("extra,fragment", [
    ("outcomes:\n  - {outcome: rejected, unspecified: a, citation: {section: '1', quote: q}}\n"
     "  - {outcome: rejected, unspecified: b, citation: {section: '1', quote: q}}\n", "more than once"),
    ("outcomes:\n  - {outcome: vetoed, unspecified: a, citation: {section: '1', quote: q}}\n", "outcome"),
])
def test_policy_outcome_notes_are_validated(extra, fragment):
    from workreg.errors import WorkregError
    from workreg.policy.load import load_policy_text

    text = (FIXTURES / "policies" / "minimal.yaml").read_text(encoding="utf-8") + extra
    with pytest.raises(WorkregError) as error:
        load_policy_text(text, "bad.yaml")
    assert fragment in str(error.value)


@pytest.mark.parametrize("effective,valid", [
    ("2007-02-28", True), ("2007-02-30", False), ("2007-1-2", False), ("October 2, 2007", False),
])
def test_effective_dates_are_real_iso_dates(effective, valid):
    from workreg.errors import WorkregError
    from workreg.policy.load import load_policy_text

    text = (FIXTURES / "policies" / "minimal.yaml").read_text(encoding="utf-8").replace(
        '  version: "1.0"\n', f'  version: "1.0"\n  effective:\n    date: "{effective}"\n'
        '    citation: {section: "1", quote: q}\n', 1)
    if valid:
        assert load_policy_text(text, "ok.yaml").source.effective.date == effective
        return
    with pytest.raises(WorkregError):
        load_policy_text(text, "bad.yaml")


def test_a_case_needing_no_approval_says_so():
    state = case(changes=("small",))
    assert [g.gate for g in state.gates] == ["office_ballot"]
    from workreg.policy.registry import get_policy as policy

    dsp = policy("dsp4003@1.2.0")
    events = [Event(1, 1, "t", None, "h", Opened("dsp4003@1.2.0", "t", ("contact_change",)))]
    state = fold(events, {"h": dsp}.__getitem__, lambda digest: {})
    assert state.gates == () and state.complete
    assert state.notes[0].code == "no-approval-required" and "contact_change_approver" in state.notes[0].text
