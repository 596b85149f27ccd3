"""Classify the changes between two register versions into change kinds, and decide their approvals.

The classification rules are declared in the policy YAML and run on durable_rules through
:mod:`workreg.rules`.  A change no rule matches is *unclassified*: the policy does not say what
it needs, and the report says so rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Mapping

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Citation, Decision, UnspecifiedPoint
from workreg.policy.reserved import EDITORIAL
from workreg.registers.diff import ChangeRecord, as_fact
from workreg.registers.vocabulary import NamedCommittee, Vocabulary

if TYPE_CHECKING:
    from workreg.policy.compiled import NotNamedInfo

__all__ = ["EDITORIAL", "ClassifiedChange", "affected_committees", "classify_changes", "decide_changes"]


@dataclass(frozen=True)
class ClassifiedChange:
    """A change record with the change kind its winning rule gave it (None: unclassified)."""

    record: ChangeRecord
    kind: str | None
    rule: str | None
    citation: Citation | None
    interpretation: str | None

    def to_dict(self) -> dict:
        record = self.record
        return {
            "kind": self.kind,
            "section": record.section,
            "change": record.change,
            "before": record.before,
            "after": record.after,
            "rule": self.rule,
            "line_old": record.line_old,
            "line_new": record.line_new,
            "committees": sorted(record.committees),
            "group": record.group,
            "citation": self.citation.to_dict() if self.citation else None,
            "interpretation": self.interpretation,
        }


def classify_changes(records: list[ChangeRecord], policy: CompiledPolicy) -> list[ClassifiedChange]:
    """Run the policy's classification rules over the change records."""
    from workreg.rules import compile_rules

    rules = policy.classification
    if not records:
        return []
    if not rules:
        return [ClassifiedChange(r, None, None, None, None) for r in records]
    by_id = {rule.id: rule for rule in rules}
    ruleset = compile_rules(
        {"id": r.id, "when": {k: list(v) if isinstance(v, tuple) else v for k, v in r.when.items()}, "kind": r.kind,
         "priority": r.priority} for r in rules
    )
    # A rule's answer depends only on the fields the rules test: records equal in those fields (most
    # records of a large diff: they differ in text and lines, which no shipped rule tests) are one
    # fact to durable_rules, classified once.
    tested = sorted({name for spec in ruleset.rules for name in spec.conditions})
    facts: list[dict[str, str | bool | int]] = []
    fact_of: dict[tuple, int] = {}
    positions = []
    for record in records:
        fact = as_fact(record)
        # The type is part of the key: the rules tell booleans from numbers (True is not 1).
        key = tuple((type(fact.get(name)), fact.get(name)) for name in tested)
        position = fact_of.get(key)
        if position is None:
            position = fact_of[key] = len(facts)
            facts.append(fact)
        positions.append(position)
    matches = ruleset.classify(facts)
    classified = []
    for record, match in zip(records, (matches[position] for position in positions)):
        if match is None:
            classified.append(ClassifiedChange(record, None, None, None, None))
            continue
        rule = by_id[match.rule_id]
        classified.append(ClassifiedChange(
            record, rule.kind, rule.id, policy.citation(rule.citation), rule.interpretation,
        ))
    return classified


def affected_committees(
    changes: list[ClassifiedChange], vocabulary: Vocabulary, policy: CompiledPolicy | None = None, *,
    kinds: Iterable[str] | None = None,
) -> list[str]:
    """The committees owning the changed milestones, for the changes of ``kinds``.

    Without ``kinds``, the policy says which: the kinds that require a gate of a per-name role
    (``per_name: true``: one gate per named body, e.g. each affected committee).  There is no
    built-in kind.  Working groups count for the committee they report to.
    """
    kinds = _counted_kinds("affected_committees", policy, kinds)
    absent = _not_named(policy)
    names: set[str] = set()
    for change in changes:
        if change.kind not in kinds:
            continue
        for name in change.record.committees:
            entity = vocabulary.entity(name)  # records name only bodies of this vocabulary
            if vocabulary.role(entity) == "committee" and entity.name not in absent:
                names.add(entity.name)
    return sorted(names)


def _counted_kinds(caller: str, policy: CompiledPolicy | None, kinds: Iterable[str] | None) -> frozenset[str]:
    """The kinds whose committees count: ``kinds`` as given, or the policy's kinds with per-name gates."""
    if kinds is not None:
        return frozenset(kinds)
    if policy is None:
        raise TypeError(f"{caller} needs the policy, or the kinds whose committees count")
    return frozenset(policy.kinds_with_named_gates())


def _not_named(policy: CompiledPolicy | None) -> Mapping[str, NotNamedInfo]:
    """The bodies of the vocabulary the policy's version of the text does not name (``not_named``)."""
    return MappingProxyType({}) if policy is None else policy.not_named


def committee_evidence(
    changes: list[ClassifiedChange], vocabulary: Vocabulary, policy: CompiledPolicy | None = None, *,
    kinds: Iterable[str] | None = None,
) -> list[NamedCommittee]:
    """For each committee :func:`affected_committees` names, the first milestone word that names it
    (for the same ``kinds``, by default the policy's kinds with per-name gates)."""
    kinds = _counted_kinds("committee_evidence", policy, kinds)
    absent = _not_named(policy)
    found: dict[str, NamedCommittee] = {}
    for change in changes:
        if change.kind not in kinds:
            continue
        record = change.record
        if found.keys() >= record.committees:
            continue  # every committee it could give evidence for has its first already
        text = record.after if record.after is not None else record.before or ""
        deliverable = text.split(" | ")[0]
        line = record.line_new if record.after is not None else record.line_old
        where = f"milestone '{deliverable}'" + (f" (line {line})" if line else "")
        for body, word in sorted(vocabulary.mentions(deliverable).items()):
            for name in vocabulary.involved_in(body):
                entity = vocabulary.entity(name)
                if vocabulary.role(entity) != "committee" or name in found or name not in record.committees \
                        or name in absent:
                    continue
                mentioned = vocabulary.entity(body)
                found[name] = NamedCommittee(word, name, mentioned.kind, None if body == name else body, where)
    return [found[name] for name in sorted(found)]


def bodies_left_out(
    changes: list[ClassifiedChange], vocabulary: Vocabulary, policy: CompiledPolicy
) -> tuple[UnspecifiedPoint, ...]:
    """One open point per body a milestone's words name that the policy's version does not name.

    A reconstruction of an older text (DSP4003 1.1) has no body a later version added (the Alliance
    Committee): the vocabulary, which is today's organization, would give it milestone work, so the
    answer says why it is not asked instead of dropping it silently.
    """
    absent = _not_named(policy)
    if not absent:
        return ()
    kinds = policy.kinds_with_named_gates()
    points: dict[str, UnspecifiedPoint] = {}
    for change in changes:
        if change.kind not in kinds:
            continue
        for name in sorted(change.record.committees):
            entity = vocabulary.entity(name)
            if entity.name not in absent or entity.name in points:
                continue
            entry = absent[entity.name]
            record = change.record
            text = record.after if record.after is not None else record.before or ""
            line = record.line_new if record.after is not None else record.line_old
            where = f"milestone '{text.split(' | ')[0]}'" + (f" (line {line})" if line else "")
            source = policy.provenance_record.document
            reading = f" {entry.interpretation}" if entry.interpretation else ""
            points[entity.name] = UnspecifiedPoint(
                f"not_named:{entity.name}",
                f"{where} is work of the {entity.name} by the organization vocabulary, but {source}"
                f"{' (reconstructed)' if policy.provenance_record.kind == 'reconstructed' else ''} does not name the "
                f"{entity.name}, so it is not asked to approve; name it with --committee if it must.{reading}",
                policy.citation(entry.citation), (change.kind,),
            )
    return tuple(points[name] for name in sorted(points))


def decide_changes(
    changes: list[ClassifiedChange], policy: CompiledPolicy, vocabulary: Vocabulary, originating: str | None = None
) -> Decision | None:
    """The combined decision for every classified, non-editorial change; None when there is none.

    A committee brought in by a milestone's words carries that reading as the interpretation of
    its approval: the register names the words, the vocabulary makes them the committee's work.
    """
    kinds = [c.kind for c in changes if c.kind and c.kind != EDITORIAL]
    if not kinds:
        return None
    decision = policy.decide(kinds, affected_committees(changes, vocabulary, policy), originating)
    left_out = bodies_left_out(changes, vocabulary, policy)
    if left_out:
        decision = decision._replace(unspecified=decision.unspecified + left_out)
    evidence = {item.committee: item.note for item in committee_evidence(changes, vocabulary, policy)}
    if not evidence:
        return decision
    required = tuple(
        item._replace(interpretation=" ".join(t for t in (item.interpretation, evidence[item.name]) if t))
        if policy.role(item.approver).per_name and item.name in evidence else item
        for item in decision.required
    )
    return decision._replace(required=required)
