"""Compare two versions of a policy by meaning: what each change needs, and what the policy says.

Two parts, both independent of how the YAML is written (key order, list order, quoting, comments):

- *decisions*: for every combination of change kinds both versions know — all 2^n - 1 of them,
  at any n — whether the newer version requires other approvals (approver, approval kind, gate)
  or orders the gates both require differently.  This is decided by reasoning, not enumeration
  (:mod:`workreg.analysis.symbolic`: a combination's requirements are the union of its kinds',
  its order the edges its kinds switch on, both written as functions over the kinds), so the
  comparison is exhaustive: it counts every differing combination (``differing_combinations``),
  lists the smallest (``decisions``, :data:`MAX_LISTED_DECISIONS`) and says how many more
  (``decisions_more``), with a verdict per kind (equivalent, stricter, looser, incomparable).
  Only when the functions outgrow their budget does it fall back to enumerating the
  combinations of up to as many kinds as fit in :data:`MAX_COMPARED_COMBINATIONS` and say it is
  not exhaustive (``exhaustive: false``);
- *structure*: roles, constraints, phases, steps, precedence, parallel groups, change kinds,
  classification rules, removal triggers and the review cycle added, removed or changed.

Each structural difference carries the element's clause and, where the policies' provenance cites
their change history (Appendix A lines such as "Version 1.2.0 ... Added Alliance Committee
explicitly"), the lines between the two versions that account for it.  The result is a typed, frozen
:class:`~workreg.versions.comparison.Comparison` whose ``to_dict()`` is the documented JSON (see
:func:`compare_policies`); :mod:`workreg.versions.compare_format` renders it as text and Markdown.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from workreg.analysis.facts import citation_at, facts_of
from workreg.policy.combine import Combination
from workreg.policy.decide import CompiledPolicy
from workreg.versions.comparison import (
    NOTHING, ApprovalChange, Clause, Comparison, DecisionDifference, ItemChanges, KindChange, KindChanges, PolicySide,
    StructureChange, ValueChange,
)

if TYPE_CHECKING:  # pydantic stays out of this module's import
    from workreg.policy.model import Policy

#: The kinds of structural element, in report order.
ELEMENTS = (
    "role", "constraint", "phase", "step", "precedence", "parallel", "change_kind", "classification",
    "removal_trigger", "review_cycle",
)
_APPENDIX_LINE = re.compile(r"^Version (\S+)\s")
# How an element's notes name the change-history line they rest on: "Appendix A, Version 1.2.0".
_NAMED_LINE = re.compile(r"\bVersion (\d[\w.]*\w)")
_SCALAR = (str, int, float, bool, type(None))
# What identifies an item of a list field (a requirement by its step, an open point by its topic).
_ITEM_KEYS = ("id", "step", "topic", "approver")


@dataclass(frozen=True)
class LoadedPolicy:
    """One side of a comparison: the compiled policy and the validated model."""

    compiled: CompiledPolicy
    model: "Policy"
    path: Path


def load_for_compare(ref: str, extra_dirs: Iterable[str | Path] = ()) -> LoadedPolicy:
    """Resolve ``NAME@VERSION`` (or a file) and load both its compiled form and its model."""
    from workreg.policy.registry import check_label, resolve

    found = resolve(ref, tuple(str(d) for d in extra_dirs))
    loaded = load_policy_file(found.path)
    check_label(found, loaded.compiled.name, loaded.compiled.version)
    return loaded


def load_policy_file(path: Path) -> LoadedPolicy:
    """A policy file's compiled form (cached) and validated model."""
    from workreg.policy.load import load_policy
    from workreg.policy.registry import compile_file

    return LoadedPolicy(compile_file(path), load_policy(path), path)


# -- the change history (lines "Version X ..." the provenance cites) ----------------------------

_VERSION_PART = re.compile(r"^(\d*)(.*)$")


def document_version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order document versions such as 1.0.1c < 1.1a < 1.1b < 1.2.0 (= 1.2)."""
    parts = []
    for part in version.split("."):
        match = _VERSION_PART.match(part)
        digits, rest = match.groups() if match else ("", part)  # (it matches any part without a line break)
        parts.append((int(digits) if digits else 0, rest))
    while parts and parts[-1] == (0, ""):
        parts.pop()
    return tuple(parts)


def history_lines(policy: "Policy") -> list[tuple[str, Clause]]:
    """``(version, line)`` for each change-history line the policy's provenance cites.

    A change-history line is a basis citation whose quote begins "Version X" (whatever section of
    its document holds the history: DSP4003's Appendix A, another document's own).
    """
    lines = []
    for citation in policy.provenance.basis:
        match = _APPENDIX_LINE.match(citation.quote)
        if match:
            lines.append((match.group(1), Clause(citation.section, citation.quote)))
    return lines


def history_between(old: "Policy", new: "Policy") -> list[tuple[str, Clause]]:
    """The history lines, cited by either policy, of versions after the older up to the newer."""
    low, high = sorted((old.source.version, new.source.version), key=document_version_key)
    low_key, high_key = document_version_key(low), document_version_key(high)
    found: dict[str, tuple[str, Clause]] = {}
    for version, line in history_lines(old) + history_lines(new):
        if low_key < document_version_key(version) <= high_key:
            found.setdefault(line.quote, (version, line))
    return sorted(found.values(), key=lambda line: document_version_key(line[0]))


# -- decisions ---------------------------------------------------------------------------------

#: Compare every combination of the change kinds both versions know while there are at most
#: this many (12 kinds: 4,095); beyond, every combination of up to as many kinds as fit in this
#: budget, at least all singles and pairs, and the result says it is not exhaustive.
MAX_COMPARED_COMBINATIONS = 4096


@dataclass(frozen=True)
class ComparisonPlan:
    """Which combinations of the common change kinds are compared."""

    kinds: tuple[str, ...]
    largest: int  # combinations of 1 .. largest kinds
    count: int
    exhaustive: bool

    def combinations(self) -> Iterator[tuple[str, ...]]:
        """The combinations, smallest first, each in the order of ``kinds``."""
        for size in range(1, self.largest + 1):
            yield from itertools.combinations(self.kinds, size)


def comparison_plan(kinds: Iterable[str], budget: int = MAX_COMPARED_COMBINATIONS) -> ComparisonPlan:
    """Every combination of ``kinds`` when there are at most ``budget``, else all up to the largest size that fits.

    Singles and pairs are always compared, whatever the budget: what one kind needs, and how
    two kinds' gates are ordered against each other, are what a combination is made of.
    """
    kinds = tuple(kinds)
    largest = count = 0
    while largest < len(kinds):
        more = math.comb(len(kinds), largest + 1)
        if largest >= 2 and count + more > budget:
            break
        largest += 1
        count += more
    return ComparisonPlan(kinds, largest, count, largest == len(kinds))


def _approvals(policy: CompiledPolicy, entry: Combination) -> dict[tuple[str, str, str], ApprovalChange]:
    """The approvals a decision needs, keyed by (approver role, kind, gate)."""
    facts = facts_of(policy)
    result = {}
    for item in entry.required:
        approver = facts.actors[item.step]
        result[(approver, item.kind, item.step)] = ApprovalChange(
            approver, facts.role_names[approver], item.kind, item.step, citation_at(policy, item.citation))
    return result


def _with_default_body(policy: CompiledPolicy, approvals: Mapping[tuple[str, str, str], ApprovalChange],
                       key: tuple[str, str, str]) -> ApprovalChange:
    """The approval, noting another approver of the decision that this body fills by default.

    (In DSP4003 1.2.0 the Originating Committee is the Alliance Committee unless named otherwise,
    so by default one body gives both approvals.)
    """
    defaults = facts_of(policy).role_defaults
    filled = sorted({other for other, _, _ in approvals if other != key[0] and defaults[other] == key[0]})
    return approvals[key]._replace(default_of=tuple(filled))


#: Approver roles stage by stage: a decision's order as compare reads it.
Stages = tuple[tuple[str, ...], ...]


def _stages(policy: CompiledPolicy, entry: Combination) -> Stages:
    """Approver roles stage by stage (sorted within a stage: the order inside one is free)."""
    actors = facts_of(policy).actors
    return tuple(tuple(sorted({actors[gate] for gate in stage})) for stage in entry.stages)


def _stage_of(stages: Stages) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, stage in enumerate(stages):
        for approver in stage:
            position.setdefault(approver, index)
    return position


def _order_changed(stages_from: Stages, stages_to: Stages) -> bool:
    """Whether two approvers both versions require are ordered differently."""
    before, after = _stage_of(stages_from), _stage_of(stages_to)
    common = sorted(set(before) & set(after))
    for index, first in enumerate(common):
        for second in common[index + 1:]:
            old = (before[first] > before[second]) - (before[first] < before[second])
            new = (after[first] > after[second]) - (after[first] < after[second])
            if old != new:
                return True
    return False


def _precedence(entry: Combination) -> set[tuple[str, str]]:
    """Which required gate precedes which (the closure of the decision's order)."""
    after: dict[str, set[str]] = {}
    for edge in entry.order:
        after.setdefault(edge.before, set()).add(edge.after)
    pairs = set()
    for start in after:
        stack, seen = list(after[start]), set()
        while stack:
            gate = stack.pop()
            if gate not in seen:
                seen.add(gate)
                stack.extend(after.get(gate, ()))
        pairs |= {(start, gate) for gate in seen}
    return pairs


def common_kinds(old: CompiledPolicy, new: CompiledPolicy) -> tuple[str, ...]:
    """The change kinds both versions know, in the newer version's order."""
    known = set(old.kinds)
    return tuple(kind for kind in new.kinds if kind in known)


def decision_difference(old: CompiledPolicy, new: CompiledPolicy, combo: tuple[str, ...]) -> DecisionDifference | None:
    """How the decisions of one combination differ (None when they do not): approvals added and dropped
    (approver, approval kind, gate), stages by approver, and the order of the gates both require."""
    old_entry, new_entry = old.combination(combo), new.combination(combo)
    before, after = _approvals(old, old_entry), _approvals(new, new_entry)
    stages_from, stages_to = _stages(old, old_entry), _stages(new, new_entry)
    shared = {gate for _, _, gate in before} & {gate for _, _, gate in after}
    was = {pair for pair in _precedence(old_entry) if set(pair) <= shared}
    now = {pair for pair in _precedence(new_entry) if set(pair) <= shared}
    added = tuple(_with_default_body(new, after, key) for key in sorted(set(after) - set(before)))
    removed = tuple(_with_default_body(old, before, key) for key in sorted(set(before) - set(after)))
    if not added and not removed and stages_from == stages_to and was == now:
        return None
    restaged = stages_from != stages_to
    return DecisionDifference(
        changes=tuple(combo), added=added, removed=removed,
        order_changed=was != now or _order_changed(stages_from, stages_to),
        order_added=tuple(sorted(now - was)), order_removed=tuple(sorted(was - now)),
        stages_from=stages_from if restaged else None, stages_to=stages_to if restaged else None,
    )


def _kind_changes(old: CompiledPolicy, new: CompiledPolicy) -> KindChanges:
    before, after = facts_of(old), facts_of(new)
    return KindChanges(
        added=tuple(KindChange(k, after.kind_titles[k]) for k in after.kinds if k not in before.kind_titles),
        removed=tuple(KindChange(k, before.kind_titles[k]) for k in before.kinds if k not in after.kind_titles),
    )


def compare_decisions(
    old: CompiledPolicy, new: CompiledPolicy, plan: ComparisonPlan | None = None,
) -> tuple[list[DecisionDifference], KindChanges]:
    """Differences for the combinations of change kinds both know (``plan``, by enumeration); and the kinds only one knows.

    The enumeration :func:`compare_all_decisions` falls back to, and the reference its reasoning is tested against.
    """
    plan = plan or comparison_plan(common_kinds(old, new))
    differences = [d for combo in plan.combinations() if (d := decision_difference(old, new, combo)) is not None]
    return differences, _kind_changes(old, new)


#: Differing combinations listed in full, smallest first; the rest are counted (``decisions_more``).
#: Every one while there are at most 12 common kinds (a reader can take 128 rows); past that,
#: where a combination can hold dozens of kinds, the 16 smallest.
MAX_LISTED_DECISIONS = 128
MAX_LISTED_LARGE = 16


@dataclass(frozen=True)
class DecisionComparison:
    """The decisions part of a comparison."""

    decisions: tuple[DecisionDifference, ...]
    kinds: KindChanges
    compared: int  # combinations covered: all 2^n - 1 of the common kinds when exhaustive
    exhaustive: bool
    largest: int
    differing: int  # combinations whose decisions differ (of those covered)
    verdict: str
    verdicts: Mapping[str, str]


def compare_all_decisions(old: CompiledPolicy, new: CompiledPolicy, listed: int | None = None) -> DecisionComparison:
    """Every combination of the common change kinds whose decision differs, by reasoning (complete at any size).

    :mod:`workreg.analysis.symbolic` finds them all as one function over the kinds; the smallest
    ``listed`` are decided and described (:func:`decision_difference`), the rest counted.  When
    the function outgrows its budget the comparison falls back to :func:`comparison_plan`'s
    enumeration and says it is not exhaustive.
    """
    from workreg.analysis.bdd import TooLarge
    from workreg.analysis.symbolic import compare_symbolically

    kinds = common_kinds(old, new)
    if listed is None:
        listed = MAX_LISTED_DECISIONS if len(kinds) <= 12 else MAX_LISTED_LARGE
    changes = _kind_changes(old, new)
    side_verdicts = {k.id: "added" for k in changes.added} | {k.id: "removed" for k in changes.removed}
    try:
        difference = compare_symbolically(facts_of(old), facts_of(new), kinds)
    except TooLarge:
        plan = comparison_plan(kinds)
        found, _ = compare_decisions(old, new, plan)
        differing = {kind: [d for d in found if kind in d.changes] for kind in kinds}
        verdicts = {kind: _verdict_of(of_kind) for kind, of_kind in differing.items()}
        return DecisionComparison(tuple(found[:listed]), changes, plan.count, plan.exhaustive, plan.largest, len(found),
                                  _verdict_of(found), MappingProxyType(verdicts | side_verdicts))
    decisions = []
    for combo in difference.smallest(listed):
        described = decision_difference(old, new, combo)
        if described is None:  # the reasoning and the engine disagree: a bug, never a silent omission
            raise AssertionError(f"compare: {combo} found different by reasoning, alike by the engine")
        decisions.append(described)
    verdicts = {kind: difference.verdict(kind) for kind in kinds}
    return DecisionComparison(tuple(decisions), changes, (1 << len(kinds)) - 1, True, len(kinds), difference.count(),
                              difference.verdict(), MappingProxyType(verdicts | side_verdicts))


def _verdict_of(decisions: Iterable[DecisionDifference]) -> str:
    found = tuple(decisions)
    adds = any(d.added or d.order_added for d in found)
    drops = any(d.removed or d.order_removed for d in found)
    return {(False, False): "equivalent", (True, False): "stricter", (False, True): "looser"}.get((adds, drops),
                                                                                                "incomparable")


def unexplained_combinations(differences: Iterable[DecisionDifference]) -> list[DecisionDifference]:
    """Combination differences that are not just the union of their single kinds' differences."""
    differences = tuple(differences)
    singles = {d.changes[0]: d for d in differences if len(d.changes) == 1}
    unexplained = []
    for difference in differences:
        if len(difference.changes) == 1:
            continue
        parts = [singles[k] for k in difference.changes if k in singles]
        expected_added = {(a.approver, a.kind) for p in parts for a in p.added}
        expected_removed = {(a.approver, a.kind) for p in parts for a in p.removed}
        added = {(a.approver, a.kind) for a in difference.added}
        removed = {(a.approver, a.kind) for a in difference.removed}
        order_explained = not difference.order_changed or any(p.order_changed for p in parts)
        if added != expected_added or removed != expected_removed or not order_explained:
            unexplained.append(difference)
    return unexplained


# -- structure ---------------------------------------------------------------------------------

def _canonical(value: Any) -> Any:
    """The value with every list sorted: no list in a policy carries meaning in its order."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _elements(policy: "Policy") -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """``(element, id, content, label)`` for every structural element of a policy."""
    roles = {role.id: role.name for role in policy.roles}
    for role in policy.roles:
        yield "role", role.id, role.model_dump(mode="json", exclude={"constraints"}), role.name
        for constraint in role.constraints:
            content = constraint.model_dump(mode="json") | {"role": role.id}
            yield "constraint", constraint.id, content, f"{role.name}: {constraint.text}"
    for phase in policy.phases:
        yield "phase", phase.id, phase.model_dump(mode="json"), phase.title
    steps = {step.id: step.title for step in policy.steps}
    for step in policy.steps:
        yield "step", step.id, step.model_dump(mode="json"), step.title
    for edge in policy.precedence:
        label = f"{steps.get(edge.before, edge.before)} before {steps.get(edge.after, edge.after)}"
        yield "precedence", f"{edge.before}->{edge.after}", edge.model_dump(mode="json"), label
    for group in policy.parallel:
        key = "|".join(sorted(group.steps))
        yield "parallel", key, group.model_dump(mode="json"), " in parallel with ".join(
            steps.get(s, s) for s in sorted(group.steps))
    for kind in policy.change_kinds:
        yield "change_kind", kind.id, kind.model_dump(mode="json"), kind.title
    for rule in policy.classification:
        yield "classification", rule.id, rule.model_dump(mode="json"), rule.description or rule.id
    for trigger in policy.removal_triggers:
        yield "removal_trigger", trigger.id, trigger.model_dump(mode="json"), trigger.text
    if policy.review_cycle is not None:
        cycle = policy.review_cycle
        label = f"every {cycle.interval_months} months ({cycle.strength}), by {roles.get(cycle.performed_by)}"
        yield "review_cycle", "review_cycle", cycle.model_dump(mode="json"), label


def _element_map(policy: "Policy") -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    return {(element, key): (_canonical(content), label) for element, key, content, label in _elements(policy)}


def _item_key(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _ITEM_KEYS:
            if isinstance(item.get(key), str):
                return str(item[key])
    elif isinstance(item, str):
        return item
    return None


def _as_list(value: Any) -> list[Any] | None:
    """A list field's items: an absent one (or ``none``) holds none; None when the value is not a list."""
    return value if isinstance(value, list) else [] if value in (None, "none") else None


def _item_changes(old: Any, new: Any) -> ItemChanges | None:
    """Items added to or removed from a list field, by their id (step, topic, ...); None if not a list."""
    old_items, new_items = _as_list(old), _as_list(new)
    if old_items is None or new_items is None:
        return None
    before = {key for item in old_items if (key := _item_key(item)) is not None}
    after = {key for item in new_items if (key := _item_key(item)) is not None}
    if not before and not after:
        return None
    return ItemChanges(tuple(sorted(after - before)), tuple(sorted(before - after)))


def _basis(contents: list[dict[str, Any]], between: list[tuple[str, Clause]]) -> tuple[tuple[Clause, ...], str]:
    """The history lines behind one difference: those the element's notes name, else all between."""
    named = set()
    for content in contents:
        named |= set(_NAMED_LINE.findall(json.dumps(content, ensure_ascii=False)))
    specific = tuple(line for version, line in between if version in named)
    if specific:
        return specific, "element"
    return tuple(line for _, line in between), "versions"


FieldChanges = tuple[tuple[str, ...], Mapping[str, ValueChange], Mapping[str, ItemChanges]]


def _changed_fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> FieldChanges:
    """``fields``, ``values`` and ``items`` of an element both versions have: what differs, field by field
    (nothing for an element only one version has)."""
    if old is None or new is None:
        return (), NOTHING, NOTHING
    fields = tuple(sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name)))
    values = {name: ValueChange(old.get(name), new.get(name)) for name in fields
              if isinstance(old.get(name), _SCALAR) and isinstance(new.get(name), _SCALAR)}
    items = {name: changed for name in fields if (changed := _item_changes(old.get(name), new.get(name)))}
    return fields, MappingProxyType(values), MappingProxyType(items) if items else NOTHING


def compare_structure(old: "Policy", new: "Policy") -> list[StructureChange]:
    """Structural elements added, removed or changed from ``old`` to ``new``, in report order."""
    before, after = _element_map(old), _element_map(new)
    between = history_between(old, new)
    rank = {element: index for index, element in enumerate(ELEMENTS)}
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: (rank[k[0]], k[1])):
        element, identifier = key
        old_content, old_label = before.get(key, (None, None))
        new_content, new_label = after.get(key, (None, None))
        if old_content == new_content:
            continue
        present = [c for c in (old_content, new_content) if c is not None]
        citation = (new_content or old_content or {}).get("citation")
        basis, basis_source = _basis(present, between)
        fields, values, items = _changed_fields(old_content, new_content)
        changes.append(StructureChange(
            element=element, id=identifier,
            change="added" if old_content is None else "removed" if new_content is None else "changed",
            label=new_label if new_label is not None else old_label or "",
            basis=basis, basis_source=basis_source, fields=fields, values=values, items=items,
            role=present[-1]["role"] if element == "constraint" else None,
            citation=Clause(citation["section"], citation["quote"]) if citation else None,
        ))
    return changes


# -- the whole comparison ----------------------------------------------------------------------

def compare_policies(old: LoadedPolicy, new: LoadedPolicy) -> Comparison:
    """The comparison of two policy versions; its ``to_dict()`` is the JSON contract documented in the README.

    ``from``/``to`` are the policy refs; ``equivalent`` is true when no decision, change kind or
    structural element differs; ``decisions`` lists every compared combination of common change
    kinds whose approvals or order differ (``combinations_compared`` of them, ``exhaustive`` when
    that is all of them, else those of up to ``largest_combination`` kinds); ``change_kinds`` the
    kinds only one version knows;
    ``structure`` the structural differences; ``history`` the change-history lines between them.
    """
    from workreg.versions.grounds import mark_grounds

    found = compare_all_decisions(old.compiled, new.compiled)
    sides = _about(old), _about(new)
    history = tuple(line for _, line in history_between(old.model, new.model))
    return Comparison(
        old=sides[0], new=sides[1], history=history, change_kinds=found.kinds,
        combinations_compared=found.compared, exhaustive=found.exhaustive, largest_combination=found.largest,
        differing_combinations=found.differing, decisions_more=found.differing - len(found.decisions),
        verdict=found.verdict, verdicts=found.verdicts, decisions=found.decisions,
        structure=mark_grounds(compare_structure(old.model, new.model), sides, history),
    )


def _about(loaded: LoadedPolicy) -> PolicySide:
    model = loaded.model
    return PolicySide(
        ref=loaded.compiled.ref, document=model.source.document, document_version=model.source.version,
        date=model.source.date, provenance=model.provenance.kind,
        roles=MappingProxyType({role.id: role.name for role in model.roles}),
        steps=MappingProxyType({step.id: step.title for step in model.steps}),
        actors=MappingProxyType({step.id: step.actor for step in model.steps}),
        change_kinds=MappingProxyType({kind.id: kind.title for kind in model.change_kinds}),
    )
