"""The state of a case: a pure fold of its events over the decision of its pinned policy.

Nothing here knows DSP4003.  The gates a case needs, the stage of each, which gate precedes which
(and the clause that says so) and which gate is given by another of the same body all come from
:meth:`CompiledPolicy.decide`; what follows a rejection comes from the policy's ``outcomes``.
A gate *may be held* (is ``next``) when every gate the policy orders before it is approved; a
gate ``waiting`` names the gates it waits for and the clauses.  A gate that ended rejected or
withdrawn *stops*: what follows is whatever the policy says, and where it is silent the case
says so rather than inventing a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from workreg.cases.events import Event, Migrated, Opened, Recorded
from workreg.errors import CaseError, RecordRefused, did_you_mean
from workreg.policy.decision import Citation, Decision, RequiredApproval, UnspecifiedPoint

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy

@dataclass(frozen=True, slots=True)
class OutcomeNote:
    """What the policy says (or that it says nothing) about what follows an outcome."""

    outcome: str
    text: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "text": self.text, "citation": self.citation.to_dict()}


@dataclass(frozen=True, slots=True)
class GateRecord:
    """The outcome recorded for a gate: the event that counts (the latest for the gate)."""

    outcome: str
    date: str
    ref: str | None
    note: str | None
    by: str | None
    at: str
    seq: int
    again: bool
    policy_hash: str


@dataclass(frozen=True, slots=True)
class Blocker:
    """A gate not yet approved that the policy orders before another, and the clauses of that order."""

    gate: str
    status: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"gate": self.gate, "status": self.status, "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True, slots=True)
class GateState:
    """One gate of the case: who, which stage, and where it stands."""

    gate: str
    name: str
    approver: str
    kind: str
    title: str
    citation: Citation
    stage: int | None
    status: str
    record: GateRecord | None = None
    given_by: str | None = None
    waiting_on: tuple[Blocker, ...] = ()
    after_outcome: OutcomeNote | None = None

    def to_dict(self) -> dict[str, Any]:
        record = self.record
        return {
            "gate": self.gate, "name": self.name, "approver": self.approver, "kind": self.kind,
            "title": self.title, "stage": self.stage, "status": self.status,
            "citation": self.citation.to_dict(),
            "outcome": record.outcome if record else None,
            "date": record.date if record else None,
            "ref": record.ref if record else None,
            "by": record.by if record else None,
            "note": record.note if record else None,
            "seq": record.seq if record else None,
            "given_by": self.given_by,
            "waiting_on": [blocker.to_dict() for blocker in self.waiting_on],
            "unspecified": self.after_outcome.to_dict() if self.after_outcome else None,
        }


@dataclass(frozen=True, slots=True)
class Note:
    """Something the record shows that the policy would not expect (never a refusal)."""

    code: str
    gate: str | None
    text: str
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "gate": self.gate, "text": self.text,
                "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class CaseState:
    """Where a case stands: every gate's status, what the record shows, and the log it came from."""

    id: int
    title: str
    policy: str
    policy_hash: str
    provenance: str
    changes: tuple[str, ...]
    committees: tuple[str, ...]
    originating: str | None
    subject: Mapping[str, Any]
    as_of: Mapping[str, Any] | None
    opened_at: str
    opened_by: str | None
    gates: tuple[GateState, ...]
    unspecified: tuple[UnspecifiedPoint, ...]
    notes: tuple[Note, ...]
    events: tuple[Event, ...]
    decision: Decision

    def _with(self, *statuses: str) -> tuple[GateState, ...]:
        return tuple(gate for gate in self.gates if gate.status in statuses)

    @property
    def done(self) -> tuple[GateState, ...]:
        return self._with("approved", "given")

    @property
    def next(self) -> tuple[GateState, ...]:
        return self._with("next")

    @property
    def waiting(self) -> tuple[GateState, ...]:
        return self._with("waiting")

    @property
    def stopped(self) -> tuple[GateState, ...]:
        return self._with("rejected", "withdrawn")

    @property
    def complete(self) -> bool:
        return all(gate.status in ("approved", "given") for gate in self.gates)

    def gate(self, gate_id: str) -> GateState | None:
        return next((gate for gate in self.gates if gate.gate == gate_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``workreg case status --format json`` (documented in the README)."""
        return {
            "id": self.id, "title": self.title, "policy": self.policy, "policy_hash": self.policy_hash,
            "provenance": self.provenance,
            # Whose words the clauses are: for a reconstruction another version's (null when published).
            "quotes_from": (self.decision.provenance.quotes_from
                            if self.decision.provenance and self.decision.provenance.reconstructed else None),
            "as_of": dict(self.as_of) if self.as_of else None,
            "changes": list(self.changes), "committees": list(self.committees), "originating": self.originating,
            "subject": dict(self.subject), "opened_at": self.opened_at, "opened_by": self.opened_by,
            "complete": self.complete,
            "done": [gate.to_dict() for gate in self.done],
            "next": [gate.to_dict() for gate in self.next],
            "waiting": [gate.to_dict() for gate in self.waiting],
            "stopped": [gate.to_dict() for gate in self.stopped],
            "unspecified": [point.to_dict() for point in self.unspecified],
            "notes": [note.to_dict() for note in self.notes],
            "events": [event.to_dict() for event in self.events],
        }


#: The compiled policy of a content hash (the case's pinned text, compiled).
PolicyFor = Callable[[str], "CompiledPolicy"]
#: The policy's notes on outcomes other than approval, by outcome (read only when a gate stopped).
OutcomeNotesFor = Callable[[str], Mapping[str, OutcomeNote]]


def unnamed_gates(decision: Decision, policy: Any) -> tuple[Any, ...]:
    """The gates of a per-name role (one per body named) that stand for no named body: a case cannot
    wait on them, since nobody could hold them; the opener names the bodies or says there are none."""
    roles = policy.roles
    return tuple(item for item in decision.required
                 if item.approver in roles and roles[item.approver].per_name and ":" not in item.gate)


def without_gates(decision: Decision, gates: Iterable[str]) -> Decision:
    """The decision without ``gates``: out of the approvals, the stages, the order and the parallel groups."""
    drop = set(gates)
    if not drop:
        return decision
    kept = [tuple(g for g in stage if g not in drop) for stage in decision.stages]
    renumber = {old: new for new, old in enumerate((i for i, st in enumerate(kept, 1) if st), 1)}
    parallel = tuple(
        group._replace(stage=renumber[group.stage], gates=tuple(g for g in group.gates if g not in drop))
        for group in decision.parallel
        if group.stage in renumber and len([g for g in group.gates if g not in drop]) > 1
    )
    return decision._replace(
        required=tuple(i for i in decision.required if i.gate not in drop and i.satisfied_by not in drop),
        stages=tuple(stage for stage in kept if stage),
        order=tuple(e for e in decision.order if e.before not in drop and e.after not in drop),
        unordered=tuple(g for g in decision.unordered if g not in drop),
        parallel=parallel,
    )


def none_named_notes(gates: Any) -> tuple[Note, ...]:
    """Why the case does not wait on a per-name gate: the opener said no body has such work."""
    return tuple(
        Note("none-named", item.gate,
             f"no {item.name} named: the opener said there is none (--no-affected-committees); "
             "the clause's \"any\" is read as allowing none",
             (item.citation,))
        for item in gates
    )


def fold(events: Iterable[Event], policy_for: PolicyFor, outcome_notes_for: OutcomeNotesFor) -> CaseState:
    """The state of a case from its events (in sequence order) and its pinned policies."""
    events = tuple(events)
    if not events or not isinstance(events[0].payload, Opened):
        where = f"case {events[0].case_id}" if events else "a case"
        raise CaseError(f"{where} does not start with an 'opened' event", code="bad-event")
    opened: Opened = events[0].payload
    policy_hash = events[0].policy_hash
    policy_ref = opened.policy
    records: dict[str, GateRecord] = {}
    for event in events[1:]:
        payload = event.payload
        if isinstance(payload, Recorded):
            records[payload.gate] = GateRecord(
                payload.outcome, payload.date, payload.ref, payload.note, event.by, event.at, event.seq,
                payload.again, event.policy_hash,
            )
        elif isinstance(payload, Migrated):
            policy_hash, policy_ref = event.policy_hash, payload.policy
        elif isinstance(payload, Opened):
            raise CaseError(f"case {event.case_id} is opened twice (event {event.seq})", code="bad-event")
    policy = policy_for(policy_hash)
    decision = policy.decide(opened.changes, opened.committees, opened.originating)
    dropped = unnamed_gates(decision, policy) if opened.none_named else ()
    decision = without_gates(decision, (item.gate for item in dropped))
    gates, notes = progress(decision, records, lambda: outcome_notes_for(policy_hash))
    notes = none_named_notes(dropped) + notes
    return CaseState(
        id=events[0].case_id, title=opened.title, policy=policy_ref, policy_hash=policy_hash,
        provenance=policy.provenance.kind, changes=decision.changes, committees=opened.committees,
        originating=opened.originating, subject=opened.subject, as_of=opened.as_of,
        opened_at=events[0].at, opened_by=events[0].by, gates=gates, unspecified=decision.unspecified,
        notes=notes, events=events, decision=decision,
    )


def progress(
    decision: Decision, records: Mapping[str, GateRecord],
    outcome_notes: Callable[[], Mapping[str, OutcomeNote]] = dict,
) -> tuple[tuple[GateState, ...], tuple[Note, ...]]:
    """Every gate of ``decision`` with its status given the latest record of each gate, and notes."""
    stage_of = decision.stage_numbers()
    # Only an order the text states holds a gate back; the policy's reading of a silent text
    # (an order marked as an interpretation) is checked as a note, never a refusal.
    before = _predecessors(decision, stated_only=True)
    required = {item.gate: item for item in decision.required}

    def approved(gate: str) -> bool:
        satisfier = required[gate].satisfied_by
        if satisfier is not None:
            return approved(satisfier)
        record = records.get(gate)
        return record is not None and record.outcome == "approved"

    def status_of(gate: str) -> str:
        item = required[gate]
        if item.satisfied_by is not None:
            return "given" if approved(item.satisfied_by) else "waiting"
        record = records.get(gate)
        if record is not None:
            return record.outcome
        return "waiting" if any(not approved(g) for g in _ancestors(gate, before)) else "next"

    statuses = {gate: status_of(gate) for gate in required}
    notes_by_outcome: Mapping[str, OutcomeNote] | None = None
    gates = []
    order = sorted(required.values(), key=lambda item: (
        stage_of.get(item.satisfied_by or item.gate, len(stage_of) + 1), item.satisfied_by is not None,
    ))
    for item in order:
        status = statuses[item.gate]
        blockers: tuple[Blocker, ...] = ()
        if item.satisfied_by is not None and status == "waiting":
            blockers = (Blocker(item.satisfied_by, statuses[item.satisfied_by], ()),)
        elif status == "waiting":
            blockers = tuple(
                Blocker(gate, statuses[gate], chain) for gate, chain in _ancestors(item.gate, before).items()
                if not approved(gate)
            )
        after = None
        if status in ("rejected", "withdrawn"):
            if notes_by_outcome is None:
                notes_by_outcome = outcome_notes()
            after = notes_by_outcome.get(status)
        gates.append(GateState(
            gate=item.gate, name=item.name, approver=item.approver, kind=item.kind, title=item.title,
            citation=item.citation, stage=stage_of.get(item.gate), status=status,
            record=None if item.satisfied_by else records.get(item.gate), given_by=item.satisfied_by,
            waiting_on=blockers, after_outcome=after,
        ))
    notes = _notes(required, records, _predecessors(decision), approved, before)
    if not required:  # complete only vacuously: say so, with what the policy leaves open
        notes += (Note("no-approval-required", None, "the policy requires no approval for these changes"
                       + (f"; it leaves open: {', '.join(p.topic for p in decision.unspecified)}"
                          if decision.unspecified else "")),)
    return tuple(gates), notes


#: Gate → the gates the policy orders directly before it, each with the clauses of that order.
Predecessors = Mapping[str, list[tuple[str, tuple[Citation, ...]]]]


def _notes(required: Mapping[str, RequiredApproval], records: Mapping[str, GateRecord], before: Predecessors,
           approved: Callable[[str], bool], stated: Predecessors | None = None) -> tuple[Note, ...]:
    """Notes on the records; ``before`` every order of the decision, ``stated`` the text's (default: all)."""
    stated = before if stated is None else stated
    notes: list[Note] = []
    for gate, record in records.items():
        item = required.get(gate)
        if item is None:
            notes.append(Note("not-needed", gate, f"{gate} was recorded ({record.outcome}, {record.date}) but the "
                              "case's policy no longer needs it"))
            continue
        if item.satisfied_by is not None:
            notes.append(Note("given-by", gate, f"{gate} was recorded ({record.outcome}, {record.date}); under the "
                              f"case's policy it is given by {item.satisfied_by}"))
            continue
        if record.outcome != "approved":
            continue
        by_text = _ancestors(gate, stated)
        for earlier, chain in _ancestors(gate, before).items():
            if not approved(earlier):
                why = ("(recorded before the case moved to its policy)" if earlier in by_text
                       else "(an order the policy reads into the text: an interpretation, so recorded as asked)")
                notes.append(Note("out-of-order", gate, f"{gate} is approved but {earlier}, which the policy orders "
                                  f"first, is not {why}", chain))
        for earlier, chain in before.get(gate, ()):  # dates: against the gates directly before
            first = records.get(required[earlier].satisfied_by or earlier)
            if first is not None and first.outcome == "approved" and first.date > record.date:
                how = "" if earlier in by_text else " (by its reading of the text: an interpretation)"
                notes.append(Note("dated-before-predecessor", gate, f"{gate} is dated {record.date}, before "
                                  f"{first.date}, the date of {earlier}, which the policy orders first{how}", chain))
    return tuple(notes)


def _predecessors(decision: Decision, stated_only: bool = False) -> dict[str, list[tuple[str, tuple[Citation, ...]]]]:
    """Gate → the gates directly ordered before it (only the text's orders with ``stated_only``)."""
    before: dict[str, list[tuple[str, tuple[Citation, ...]]]] = {}
    for edge in decision.order:
        if stated_only and edge.interpretation:
            continue
        before.setdefault(edge.after, []).append((edge.before, edge.citations))
    return before





def _ancestors(gate: str, before: Predecessors) -> dict[str, tuple[Citation, ...]]:
    """Every gate ordered before ``gate``, nearest first, each with the clauses of one path to it."""
    found: dict[str, tuple[Citation, ...]] = {}
    frontier: list[tuple[str, tuple[Citation, ...]]] = [(gate, ())]
    while frontier:
        current, chain = frontier.pop(0)
        for earlier, citations in before.get(current, ()):
            if earlier not in found:
                found[earlier] = tuple(dict.fromkeys(citations + chain))
                frontier.append((earlier, found[earlier]))
    return found


def check_record(state: CaseState, gate: str, outcome: str, again: bool = False) -> None:
    """Raise RecordRefused (exit 1) unless the policy lets ``gate`` be recorded now with ``outcome``."""
    where = f"case {state.id}"
    current = state.gate(gate)
    if current is None:
        raise RecordRefused(
            f"the case does not need '{gate}' under {state.policy}", code="not-needed", file=where,
            hint=did_you_mean(gate, [g.gate for g in state.gates]),
        )
    if current.given_by is not None:
        raise RecordRefused(
            f"'{gate}' is given by '{current.given_by}' (the same body approves once); record '{current.given_by}'",
            code="given-by", file=where,
        )
    record = current.record
    if current.status in ("rejected", "withdrawn"):
        if not again:
            assert record is not None, "a gate that ended has the record it ended by"
            note = current.after_outcome
            raise RecordRefused(
                f"'{gate}' is already recorded: {record.outcome} on {record.date} (event {record.seq})",
                code="already-recorded", file=where,
                hint=(f"{note.text} ({note.citation}) " if note else "")
                + "If the body held it again, record that with --again.",
            )
        return
    if again:
        raise RecordRefused(
            f"--again records a gate held again after a rejection or withdrawal; '{gate}' is {current.status}",
            code="not-stopped", file=where,
        )
    if current.status == "approved":
        assert record is not None, "a gate that ended has the record it ended by"
        raise RecordRefused(
            f"'{gate}' is already recorded: approved on {record.date} (event {record.seq})",
            code="already-recorded", file=where,
        )
    if current.status == "waiting":
        reasons = "; ".join(
            f"{blocker.gate} ({blocker.status}): " + "; ".join(str(c) for c in blocker.citations)
            for blocker in current.waiting_on
        )
        raise RecordRefused(
            f"'{gate}' cannot be recorded yet: the policy orders first {reasons}", code="out-of-order", file=where,
            hint="may be held now: " + (", ".join(g.gate for g in state.next) or "nothing"),
        )
    if outcome not in ("approved", "rejected", "withdrawn"):
        raise RecordRefused(f"unknown outcome '{outcome}'", code="bad-outcome", file=where)
