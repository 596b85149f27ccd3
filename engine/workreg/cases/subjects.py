"""What a case is about, found from register documents: the change kinds and the committees with milestone work.

Both come from the policy: ``--diff OLD NEW`` classifies the changes between two versions with the
policy's classification rules; ``--register FILE`` presents a whole register as one change record
(section ``register``, change ``added``) for the policy's rules to classify (DSP4003's policies
classify it as a new register).  Committees are those owning milestones the classified changes
touch (through the organization vocabulary).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from workreg.errors import UsageError

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy
    from workreg.registers.classify import ClassifiedChange


@dataclass(frozen=True)
class Subject:
    """The changes a case is opened for, the committees they involve, and where they came from."""

    changes: tuple[str, ...]
    committees: tuple[str, ...]
    description: dict[str, Any]
    title: str


def _non_editorial(classified: list[ClassifiedChange], what: str) -> list[ClassifiedChange]:
    from workreg.registers.classify import EDITORIAL

    unclassified = [c for c in classified if c.kind is None]
    kinds = [c for c in classified if c.kind and c.kind != EDITORIAL]
    if not kinds:
        raise UsageError(
            f"{what}: no change needing approval ({len(classified)} changes, {len(unclassified)} unclassified)",
            code="nothing-to-approve", hint="give the change kinds with --change KIND",
        )
    return kinds


def _kinds(changes: list[ClassifiedChange]) -> tuple[str, ...]:
    """The change kinds of classified changes, in order, without repeats."""
    return tuple(dict.fromkeys(c.kind for c in changes if c.kind))


def from_diff(old: str, new: str, policy: CompiledPolicy, vocabulary_paths: Sequence[str] = ()) -> Subject:
    """The classified changes between two register versions and the committees owning changed milestones."""
    from workreg.registers.classify import affected_committees, classify_changes, committee_evidence
    from workreg.registers.diff import diff_registers
    from workreg.registers.read import read_register
    from workreg.registers.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(*vocabulary_paths)
    before = read_register(old, vocabulary=vocabulary)
    after = read_register(new, vocabulary=vocabulary)
    classified = classify_changes(diff_registers(before, after, vocabulary), policy)
    kinds = _non_editorial(classified, f"{old} → {new}")
    # Committees count for the kinds whose rules matched milestone records (policy-driven, not by name).
    milestone_kinds = tuple({c.kind for c in kinds if c.kind and c.record.section == "milestones"})
    committees = affected_committees(classified, vocabulary, policy, kinds=milestone_kinds)
    # Which committee has milestone work is read from the milestones' words: a reading, kept with the case.
    readings = {item.committee: item.note for item in committee_evidence(classified, vocabulary, policy,
                                                                         kinds=milestone_kinds)}
    name = after.partner_name or Path(new).stem
    old_version = before.version.text if before.version else Path(old).stem
    new_version = after.version.text if after.version else Path(new).stem
    return Subject(
        changes=_kinds(kinds), committees=tuple(committees),
        description={"from": "diff", "old": str(old), "new": str(new),
                     "unclassified": sum(1 for c in classified if c.kind is None),
                     "committees_read": {name: readings[name] for name in committees if readings.get(name)}},
        title=f"{name} work register: {old_version} → {new_version}",
    )


def from_register(path: str, policy: CompiledPolicy, vocabulary_paths: Sequence[str] = ()) -> Subject:
    """A whole register proposed on its own, classified by the policy, and the committees owning its milestones."""
    from workreg.registers.classify import classify_changes
    from workreg.registers.diff import ChangeRecord
    from workreg.registers.read import read_register
    from workreg.registers.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(*vocabulary_paths)
    register = read_register(path, vocabulary=vocabulary)
    owners: set[str] = set()
    for milestone in register.milestones:
        if not milestone.done:
            owners.update(vocabulary.involved_in(milestone.deliverable))
    record = ChangeRecord(section="register", change="added", before=None, after=register.title.text,
                          line_new=register.title.line, committees=frozenset(owners))
    classified = classify_changes([record], policy)
    if classified[0].kind is None:
        raise UsageError(
            f"{policy.ref} has no classification rule for a whole register (section: register, change: added)",
            code="unclassified-register", file=str(path), hint="give the change kinds with --change KIND",
        )
    kinds = _non_editorial(classified, str(path))
    absent = policy.not_named
    committees = sorted(name for name in owners if vocabulary.is_committee(name) and name not in absent)
    name = register.partner_name or Path(path).stem
    version = f" {register.version.text}" if register.version else ""
    reading = ("read from the milestones' words with the organization vocabulary (a reading of the register, "
               "not a statement of it)")
    return Subject(
        changes=_kinds(kinds), committees=tuple(committees),
        description={"from": "register", "register": str(path),
                     "committees_read": {committee: f"{committee}: {reading}" for committee in committees}},
        title=f"{name} work register{version}",
    )
