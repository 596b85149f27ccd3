"""What the ``workreg case`` commands do: each one transaction on the store, checked against the pinned policy.

A case pins the policy it was opened under three ways: its ref (``dsp4003@1.2.0``), the SHA-256 of
the policy file's text, and the text itself (stored once per hash).  Its state is always folded
from the stored text, so editing or deleting the YAML later never changes an open case; moving it
to another version is an explicit :func:`migrate_case`.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from workreg.cases import MAX_PAGE, PAGE_SIZE
from workreg.cases.events import OUTCOMES, Event, Migrated, Opened, Recorded
from workreg.cases.progress import CaseState, OutcomeNote, check_record, fold
from workreg.cases.store import Store, Transaction, now, open_store
from workreg.errors import CaseError, RecordRefused, UsageError
from workreg.policy.decision import Citation

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy


def policy_hash(text: str) -> str:
    """The content hash a case pins: SHA-256 of the policy file's text (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_author() -> str | None:
    """Who writes an event when ``--by`` is not given: the login name, when there is one."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        return None


@dataclass(frozen=True)
class PinnedPolicy:
    """A policy as a case pins it: ref, content hash, text."""

    ref: str
    digest: str
    text: str

    def compiled(self) -> CompiledPolicy:
        """The pinned text compiled (memoised by hash for the process, as the fold's are)."""
        policy = PolicyCache._compiled.get(self.digest)
        if policy is None:
            from workreg.policy.registry import compile_text

            policy = PolicyCache._compiled[self.digest] = compile_text(self.text, f"{self.ref} (pinned {self.digest[:12]})")
        return policy

    @classmethod
    def of(cls, compiled: CompiledPolicy) -> "PinnedPolicy":
        """The pin of a compiled policy loaded from its file."""
        from workreg.inputs import read_policy_text

        if compiled.file is None:
            raise UsageError(f"{compiled.ref} was not loaded from a file; it cannot be pinned", code="not-pinnable")
        text = read_policy_text(compiled.file)
        return cls(compiled.ref, policy_hash(text), text)


class PolicyCache:
    """Compiled pinned policies by hash (compiled from the stored text, memoised for the process)."""

    # Shared by every instance: a hash names one text, so what was compiled for one transaction
    # holds for all (the text is checked against its hash before it is first compiled).
    _compiled: dict[str, CompiledPolicy] = {}
    _outcomes: dict[str, Mapping[str, OutcomeNote]] = {}

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def compiled(self, digest: str) -> CompiledPolicy:
        policy = self._compiled.get(digest)
        if policy is None:
            from workreg.policy.registry import compile_text

            ref, text = self.tx.policy_text(digest)
            if policy_hash(text) != digest:
                raise CaseError(f"the pinned text of {ref} does not match its hash {digest[:12]}",
                                code="bad-event", hint="the database was edited outside workreg")
            policy = self._compiled[digest] = compile_text(text, f"{ref} (pinned {digest[:12]})")
        return policy

    def outcome_notes(self, digest: str) -> Mapping[str, OutcomeNote]:
        notes = self._outcomes.get(digest)
        if notes is None:
            from workreg.policy.load import load_policy_text

            ref, text = self.tx.policy_text(digest)
            model = load_policy_text(text, f"{ref} (pinned {digest[:12]})")
            notes = self._outcomes[digest] = {
                note.outcome: OutcomeNote(note.outcome, note.unspecified,
                                          Citation(note.citation.section, note.citation.quote))
                for note in model.outcomes
            }
        return notes

    def fold(self, events: Iterable[Event]) -> CaseState:
        return fold(events, self.compiled, self.outcome_notes)


#: Called inside a write's transaction, before it commits, with the result (a CaseState or MigrationReport)
#: and the refusal when the policy refused a record: ``workreg serve`` writes its decision log row there,
#: so the row and the event commit together or not at all.
Audit = Callable[[Transaction, object, "RecordRefused | None"], None]


def _state(tx: Transaction, case_id: int, through: int | None = None) -> CaseState:
    events = tx.events(case_id)
    if through is not None:
        events = [event for event in events if event.seq <= through]
    if not events:
        raise CaseError(f"no case {case_id} in this database", code="unknown-case", file=f"case {case_id}")
    return PolicyCache(tx).fold(events)


def open_case(
    store: Store, pinned: PinnedPolicy, *, changes: Iterable[str], committees: Iterable[str] = (),
    originating: str | None = None, title: str | None = None, subject: Mapping[str, Any] | None = None,
    as_of: Mapping[str, Any] | None = None, by: str | None = None, audit: Audit | None = None, none_named: bool = False,
) -> CaseState:
    """Open a case for ``changes`` under the pinned policy; the new case's state.

    A case waits only on bodies someone named: where the changes need a per-name gate (one per
    affected committee) and no body is named, the opener names them (``committees``) or says there
    are none (``none_named``); else UsageError ``names-needed``.
    """
    compiled = pinned.compiled()
    kinds = compiled.canonical_changes(changes)
    named = tuple(dict.fromkeys(c.strip() for c in committees if c and c.strip()))
    decision = compiled.decide(kinds, named, originating)  # an unknown kind or bad committee fails first
    _check_names(compiled, decision, none_named)
    payload = Opened(
        policy=pinned.ref, title=title or ", ".join(kinds), changes=kinds, committees=named,
        originating=originating, subject=dict(subject or {"from": "change"}), as_of=dict(as_of) if as_of else None,
        none_named=none_named,
    )
    with store.write() as tx:
        tx.put_policy(pinned.digest, pinned.ref, pinned.text)
        case_id = tx.new_case(now())
        tx.append(case_id, payload, by=by, policy_hash=pinned.digest)
        state = _state(tx, case_id)
        if audit is not None:
            audit(tx, state, None)
        return state


def _check_names(compiled: Any, decision: Any, none_named: bool) -> None:
    """Refuse to open a case that would wait on a body nobody named (or a 'none' that changes nothing)."""
    from workreg.cases.progress import unnamed_gates

    unnamed = unnamed_gates(decision, compiled)
    if none_named and not unnamed:
        named = any(i.approver in compiled.roles and compiled.role(i.approver).per_name for i in decision.required)
        raise UsageError(
            "--no-affected-committees says no body has work for the per-name gates, but "
            + ("bodies are named for them" if named else f"{', '.join(decision.changes)} need(s) no such gate"),
            code="option-without-effect", hint="leave it out" + (", or leave out --committee" if named else ""),
        )
    if unnamed and not none_named:
        item = unnamed[0]
        raise UsageError(
            f"{', '.join(decision.changes)} need(s) the approval of each {item.name} (§{item.citation.section} "
            f"\"{item.citation.quote}\"), and none is named: the case would wait on a body nobody can hold",
            code="names-needed",
            hint=f"name each one with --committee NAME, or say there is none with --no-affected-committees "
                 f"(§{item.citation.section} says \"any\", which may be none)",
        )


def record(
    store: Store, case_id: int, gate: str, outcome: str, day: str, *, ref: str | None = None,
    note: str | None = None, by: str | None = None, again: bool = False, audit: Audit | None = None,
) -> CaseState:
    """Record a gate's outcome if the case's policy allows it now (else RecordRefused, exit 1).

    With ``audit``, a refusal is audited and committed (nothing else is written) before it is raised.
    """
    if outcome not in OUTCOMES:
        raise UsageError(f"unknown outcome '{outcome}'", code="bad-outcome", hint="one of " + ", ".join(OUTCOMES))
    day = held_on(day)
    refused: RecordRefused | None = None
    with store.write() as tx:
        if not tx.lock_case(case_id):
            raise CaseError(f"no case {case_id} in this database", code="unknown-case", file=f"case {case_id}")
        state = _state(tx, case_id)
        try:
            check_record(state, gate, outcome, again)
        except RecordRefused as exc:
            if audit is None:
                raise
            audit(tx, state, exc)
            refused = exc
        else:
            tx.append(case_id, Recorded(gate, outcome, day, ref, note, again), by=by, policy_hash=state.policy_hash)
            state = _state(tx, case_id)
            if audit is not None:
                audit(tx, state, None)
    if refused is not None:
        raise refused
    return state


#: A gate is recorded for the day it was held: at most this many days after today (UTC), which
#: leaves room for the time zones of the world and nothing more.
FUTURE_DAYS = 1


def held_on(day: str) -> str:
    """The day a gate was held, checked: ``YYYY-MM-DD`` in the years workreg reads
    (:mod:`workreg.scalars`) and not after tomorrow (UTC); UsageError otherwise."""
    from datetime import datetime, timedelta, timezone

    from workreg.scalars import parse_day

    held = parse_day(day, "the day the gate was held")
    horizon = datetime.now(timezone.utc).date() + timedelta(days=FUTURE_DAYS)
    if held > horizon:
        raise UsageError(f"the day the gate was held, {held.isoformat()}, is in the future (today is "
                         f"{(horizon - timedelta(days=FUTURE_DAYS)).isoformat()} UTC)", code="date-in-future",
                         hint="record a ballot or approval on or after the day it was held, with that day")
    return held.isoformat()


def date_remarks(state: CaseState, day: str) -> list[str]:
    """What is unusual about a recorded day, for the record's reader: a day before the case was
    opened is recorded as given (a case may be opened for a change already under way) and flagged."""
    opened = state.opened_at[:10]
    if day < opened:
        return [f"{day} is before case {state.id} was opened ({opened}); recorded as given"]
    return []


def status(store: Store, case_id: int, *, through: int | None = None) -> CaseState:
    """The state of one case (as it stood after its event ``through``, when given)."""
    with store.read() as tx:
        return _state(tx, case_id, through)


def pinned(store: Store, digest: str) -> PinnedPolicy:
    """The policy text pinned under ``digest`` (by a case or a logged decision), checked against its hash."""
    with store.read() as tx:
        ref, text = tx.policy_text(digest)
    if policy_hash(text) != digest:
        raise CaseError(f"the pinned text of {ref} does not match its hash {digest[:12]}",
                        code="bad-event", hint="the database was edited outside workreg")
    return PinnedPolicy(ref, digest, text)


def log(store: Store, case_id: int) -> list[Event]:
    """A case's events, oldest first."""
    with store.read() as tx:
        events = tx.events(case_id)
    if not events:
        raise CaseError(f"no case {case_id} in this database", code="unknown-case", file=f"case {case_id}")
    return events


def list_cases(store: Store, *, open_only: bool = False) -> list[CaseState]:
    """Every case's state (only those not complete with ``open_only``), by id."""
    with store.read() as tx:
        cache = PolicyCache(tx)
        states = [cache.fold(events) for _, events in sorted(tx.all_events().items())]
    return [state for state in states if not (open_only and state.complete)]




@dataclass(frozen=True)
class CasePage:
    """Some cases in id order and the cursor of the next page (None when these are the last)."""

    states: tuple[CaseState, ...]
    next: int | None


def list_cases_page(store: Store, *, after: int = 0, limit: int = PAGE_SIZE, open_only: bool = False) -> CasePage:
    """Up to ``limit`` cases with ids above ``after`` (only those not complete with ``open_only``), and where the
    next page starts: work in proportion to the page, not to the database."""
    limit = max(1, min(int(limit), MAX_PAGE))
    states: list[CaseState] = []
    cursor = after
    with store.read() as tx:
        cache = PolicyCache(tx)
        while len(states) < limit:
            ids = tx.case_ids(cursor, limit)
            if not ids:
                return CasePage(tuple(states), None)
            events = tx.events_between(ids[0], ids[-1])
            for case_id in ids:
                cursor = case_id
                if case_id not in events:
                    continue
                state = cache.fold(events[case_id])
                if not (open_only and state.complete):
                    states.append(state)
                    if len(states) == limit:
                        break
        more = bool(tx.case_ids(cursor, 1))
    return CasePage(tuple(states), cursor if more else None)


@dataclass(frozen=True)
class MigrationReport:
    """What moving a case to another policy version added and dropped."""

    case_id: int
    from_policy: str
    to_policy: str
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    records_dropped: tuple[str, ...]
    state: CaseState
    #: Gates done (approved or given) before the move that are not done after it, e.g. a gate
    #: another gate of the same body gave under the old version and no longer gives.
    reopened: tuple[str, ...] = ()
    #: Whether the case was complete before the move (``state.complete`` says whether it is now).
    was_complete: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case_id, "from": self.from_policy, "to": self.to_policy, "added": list(self.added),
            "dropped": list(self.dropped), "records_dropped": list(self.records_dropped),
            "reopened": list(self.reopened), "was_complete": self.was_complete,
            "status": self.state.to_dict(),
        }


def migrate_case(store: Store, case_id: int, pinned: PinnedPolicy, *, by: str | None = None,
                 audit: Audit | None = None) -> MigrationReport:
    """Move a case to another pinned policy version: a ``migrated`` event, and what the move adds or drops."""
    target = pinned.compiled()
    with store.write() as tx:
        if not tx.lock_case(case_id):
            raise CaseError(f"no case {case_id} in this database", code="unknown-case", file=f"case {case_id}")
        before = _state(tx, case_id)
        if before.policy_hash == pinned.digest:
            raise RecordRefused(f"the case is already pinned to {pinned.ref} ({pinned.digest[:12]})",
                                code="same-policy", file=f"case {case_id}")
        opened = before.events[0].payload
        assert isinstance(opened, Opened), "fold() checked that a case starts with its 'opened' event"
        target.decide(opened.changes, opened.committees, opened.originating)  # the kinds must exist there
        old_gates = {gate.gate for gate in before.gates}
        new_gates = {item.gate for item in target.decide(opened.changes, opened.committees, opened.originating).required}
        added = tuple(sorted(new_gates - old_gates))
        dropped = tuple(sorted(old_gates - new_gates))
        recorded = {gate.gate for gate in before.gates if gate.record is not None}
        tx.put_policy(pinned.digest, pinned.ref, pinned.text)
        tx.append(case_id, Migrated(before.policy, before.policy_hash, pinned.ref, added, dropped),
                  by=by, policy_hash=pinned.digest)
        after = _state(tx, case_id)
        done_before = {gate.gate for gate in before.gates if gate.status in ("approved", "given")}
        reopened = tuple(gate.gate for gate in after.gates
                         if gate.gate in done_before and gate.status not in ("approved", "given"))
        report = MigrationReport(case_id, before.policy, pinned.ref, added, dropped,
                                 tuple(sorted(recorded & set(dropped))), after, reopened, before.complete)
        if audit is not None:
            audit(tx, report, None)
    return report


def connect(url: str | None, *, create: bool) -> Store:
    """The case store at ``url`` (``--db``; else ``WORKREG_DB``; else ``./workreg.db``)."""
    return open_store(url, create=create)
