"""Classify the changes between two register versions into change kinds, and decide their approvals.

The classification rules are declared in the policy YAML and run on durable_rules through
:mod:`workreg.rules`.  A change no rule matches is *unclassified*: the policy does not say what
it needs, and the report says so rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Citation, Decision
from workreg.policy.reserved import EDITORIAL
from workreg.registers.diff import ChangeRecord, as_fact
from workreg.registers.vocabulary import Vocabulary

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

    rules = policy.table["classification"]
    if not records:
        return []
    if not rules:
        return [ClassifiedChange(r, None, None, None, None) for r in records]
    by_id = {rule["id"]: rule for rule in rules}
    ruleset = compile_rules(
        {"id": r["id"], "when": r["when"], "kind": r["kind"], "priority": r["priority"]} for r in rules
    )
    citations = policy.table["citations"]
    classified = []
    for record, match in zip(records, ruleset.classify([as_fact(r) for r in records])):
        if match is None:
            classified.append(ClassifiedChange(record, None, None, None, None))
            continue
        rule = by_id[match.rule_id]
        classified.append(ClassifiedChange(
            record, rule["kind"], rule["id"], Citation(*citations[rule["citation"]]), rule["interpretation"],
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
    if kinds is None:
        if policy is None:
            raise TypeError("affected_committees needs the policy, or the kinds whose committees count")
        kinds = policy.kinds_with_named_gates()
    kinds = frozenset(kinds)
    names: set[str] = set()
    for change in changes:
        if change.kind not in kinds:
            continue
        for name in change.record.committees:
            entity = vocabulary.entity(name)  # records name only bodies of this vocabulary
            if entity.kind == "committee":
                names.add(entity.name)
    return sorted(names)


def decide_changes(
    changes: list[ClassifiedChange], policy: CompiledPolicy, vocabulary: Vocabulary, originating: str | None = None
) -> Decision | None:
    """The combined decision for every classified, non-editorial change; None when there is none."""
    kinds = [c.kind for c in changes if c.kind and c.kind != EDITORIAL]
    if not kinds:
        return None
    return policy.decide(kinds, affected_committees(changes, vocabulary, policy), originating)
