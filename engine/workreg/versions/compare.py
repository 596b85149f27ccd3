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
explicitly"), the lines between the two versions that account for it.  The result is a plain
JSON-ready dict (see :func:`compare_policies`); :mod:`workreg.versions.compare_format` renders it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from workreg.analysis.facts import citation_at, facts_of
from workreg.policy.combine import Combination
from workreg.policy.decide import CompiledPolicy

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

def document_version_key(version: str) -> tuple:
    """Order document versions such as 1.0.1c < 1.1a < 1.1b < 1.2.0 (= 1.2)."""
    parts = []
    for part in version.split("."):
        match = re.match(r"^(\d*)(.*)$", part)
        digits, rest = match.group(1), match.group(2)
        parts.append((int(digits) if digits else 0, rest))
    while parts and parts[-1] == (0, ""):
        parts.pop()
    return tuple(parts)


def history_lines(policy: "Policy") -> list[tuple[str, dict]]:
    """``(version, citation)`` for each change-history line the policy's provenance cites.

    A change-history line is a basis citation whose quote begins "Version X" (whatever section of
    its document holds the history: DSP4003's Appendix A, another document's own).
    """
    lines = []
    for citation in policy.provenance.basis:
        match = _APPENDIX_LINE.match(citation.quote)
        if match:
            lines.append((match.group(1), {"section": citation.section, "quote": citation.quote}))
    return lines


def history_between(old: "Policy", new: "Policy") -> list[tuple[str, dict]]:
    """The history lines, cited by either policy, of versions after the older up to the newer."""
    low, high = sorted((old.source.version, new.source.version), key=document_version_key)
    low_key, high_key = document_version_key(low), document_version_key(high)
    found: dict[str, tuple[str, dict]] = {}
    for version, citation in history_lines(old) + history_lines(new):
        if low_key < document_version_key(version) <= high_key:
            found.setdefault(citation["quote"], (version, citation))
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


def _approvals(policy: CompiledPolicy, entry: Combination) -> dict[tuple[str, str, str], dict]:
    """The approvals a decision needs, keyed by (approver role, kind, gate)."""
    facts = facts_of(policy)
    result = {}
    for item in entry.required:
        approver = facts.actors[item.step]
        result[(approver, item.kind, item.step)] = {
            "approver": approver, "name": facts.role_names[approver], "kind": item.kind, "gate": item.step,
            "citation": citation_at(policy, item.citation).to_dict(),
        }
    return result


def _with_default_body(policy: CompiledPolicy, approvals: dict, key: tuple[str, str, str]) -> dict:
    """The approval, noting another approver of the decision that this body fills by default.

    (In DSP4003 1.2.0 the Originating Committee is the Alliance Committee unless named otherwise,
    so by default one body gives both approvals.)
    """
    defaults = facts_of(policy).role_defaults
    approval = dict(approvals[key])
    filled = sorted({other for other, _, _ in approvals if other != key[0] and defaults[other] == key[0]})
    if filled:
        approval["default_of"] = filled
    return approval


def _stages(policy: CompiledPolicy, entry: Combination) -> list[list[str]]:
    """Approver roles stage by stage (sorted within a stage: the order inside one is free)."""
    actors = facts_of(policy).actors
    return [sorted({actors[gate] for gate in stage}) for stage in entry.stages]


def _stage_of(stages: list[list[str]]) -> dict[str, int]:
    position: dict[str, int] = {}
    for index, stage in enumerate(stages):
        for approver in stage:
            position.setdefault(approver, index)
    return position


def _order_changed(stages_from: list[list[str]], stages_to: list[list[str]]) -> bool:
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


def decision_difference(old: CompiledPolicy, new: CompiledPolicy, combo: tuple[str, ...]) -> dict | None:
    """How the decisions of one combination differ (None when they do not): approvals added and dropped
    (approver, approval kind, gate), stages by approver, and the order of the gates both require."""
    old_entry, new_entry = old.combination(combo), new.combination(combo)
    before, after = _approvals(old, old_entry), _approvals(new, new_entry)
    stages_from, stages_to = _stages(old, old_entry), _stages(new, new_entry)
    shared = {gate for _, _, gate in before} & {gate for _, _, gate in after}
    was = {pair for pair in _precedence(old_entry) if set(pair) <= shared}
    now = {pair for pair in _precedence(new_entry) if set(pair) <= shared}
    added = [_with_default_body(new, after, key) for key in sorted(set(after) - set(before))]
    removed = [_with_default_body(old, before, key) for key in sorted(set(before) - set(after))]
    if not added and not removed and stages_from == stages_to and was == now:
        return None
    difference: dict[str, Any] = {
        "changes": list(combo),
        "added": added,
        "removed": removed,
        "order_changed": was != now or _order_changed(stages_from, stages_to),
        "order_added": [list(pair) for pair in sorted(now - was)],
        "order_removed": [list(pair) for pair in sorted(was - now)],
    }
    if stages_from != stages_to:
        difference["stages_from"] = stages_from
        difference["stages_to"] = stages_to
    return difference


def _kind_changes(old: CompiledPolicy, new: CompiledPolicy) -> dict:
    before, after = facts_of(old), facts_of(new)
    return {
        "added": [{"id": k, "title": after.kind_titles[k]} for k in after.kinds if k not in before.kind_titles],
        "removed": [{"id": k, "title": before.kind_titles[k]} for k in before.kinds if k not in after.kind_titles],
    }


def compare_decisions(
    old: CompiledPolicy, new: CompiledPolicy, plan: ComparisonPlan | None = None,
) -> tuple[list[dict], dict]:
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

    decisions: list[dict]
    kinds: dict
    compared: int  # combinations covered: all 2^n - 1 of the common kinds when exhaustive
    exhaustive: bool
    largest: int
    differing: int  # combinations whose decisions differ (of those covered)
    verdict: str
    verdicts: dict[str, str]


def compare_all_decisions(old: CompiledPolicy, new: CompiledPolicy, listed: int | None = None) -> DecisionComparison:
    """Every combination of the common change kinds whose decision differs, by reasoning (complete at any size).

    :mod:`workreg.analysis.symbolic` finds them all as one function over the kinds; the smallest
    ``listed`` are decided and described (:func:`decision_difference`), the rest counted.  When
    the function outgrows its budget the comparison falls back to :func:`comparison_plan`'s
    enumeration and says it is not exhaustive.
    """
    from workreg.analysis.bdd import TooLarge
    from workreg.analysis.facts import facts_of
    from workreg.analysis.symbolic import compare_symbolically

    kinds = common_kinds(old, new)
    if listed is None:
        listed = MAX_LISTED_DECISIONS if len(kinds) <= 12 else MAX_LISTED_LARGE
    changes = _kind_changes(old, new)
    side_verdicts = {k["id"]: "added" for k in changes["added"]} | {k["id"]: "removed" for k in changes["removed"]}
    try:
        difference = compare_symbolically(facts_of(old), facts_of(new), kinds)
    except TooLarge:
        plan = comparison_plan(kinds)
        decisions, _ = compare_decisions(old, new, plan)
        differing = {kind: [d for d in decisions if kind in d["changes"]] for kind in kinds}
        verdicts = {kind: _verdict_of(found) for kind, found in differing.items()}
        return DecisionComparison(decisions[:listed], changes, plan.count, plan.exhaustive, plan.largest, len(decisions),
                                  _verdict_of(decisions), verdicts | side_verdicts)
    decisions = []
    for combo in difference.smallest(listed):
        found = decision_difference(old, new, combo)
        if found is None:  # the reasoning and the engine disagree: a bug, never a silent omission
            raise AssertionError(f"compare: {combo} found different by reasoning, alike by the engine")
        decisions.append(found)
    verdicts = {kind: difference.verdict(kind) for kind in kinds}
    return DecisionComparison(decisions, changes, (1 << len(kinds)) - 1, True, len(kinds), difference.count(),
                              difference.verdict(), verdicts | side_verdicts)


def _verdict_of(decisions: list[dict]) -> str:
    adds = any(d["added"] or d["order_added"] for d in decisions)
    drops = any(d["removed"] or d["order_removed"] for d in decisions)
    return {(False, False): "equivalent", (True, False): "stricter", (False, True): "looser"}.get((adds, drops),
                                                                                                "incomparable")


def unexplained_combinations(differences: list[dict]) -> list[dict]:
    """Combination differences that are not just the union of their single kinds' differences."""
    singles = {d["changes"][0]: d for d in differences if len(d["changes"]) == 1}
    unexplained = []
    for difference in differences:
        if len(difference["changes"]) == 1:
            continue
        parts = [singles[k] for k in difference["changes"] if k in singles]
        expected_added = {(a["approver"], a["kind"]) for p in parts for a in p["added"]}
        expected_removed = {(a["approver"], a["kind"]) for p in parts for a in p["removed"]}
        added = {(a["approver"], a["kind"]) for a in difference["added"]}
        removed = {(a["approver"], a["kind"]) for a in difference["removed"]}
        order_explained = not difference["order_changed"] or any(p["order_changed"] for p in parts)
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


def _elements(policy: "Policy") -> Iterator[tuple[str, str, dict, str]]:
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


def _element_map(policy: "Policy") -> dict[tuple[str, str], tuple[dict, str]]:
    return {(element, key): (_canonical(content), label) for element, key, content, label in _elements(policy)}


def _item_key(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in _ITEM_KEYS:
            if isinstance(item.get(key), str):
                return item[key]
    elif isinstance(item, str):
        return item
    return None


def _item_changes(old: Any, new: Any) -> dict | None:
    """Items added to or removed from a list field, by their id (step, topic, ...); None if not a list."""
    old = old if isinstance(old, list) else [] if old in (None, "none") else None
    new = new if isinstance(new, list) else [] if new in (None, "none") else None
    if old is None or new is None:
        return None
    before = {_item_key(item) for item in old} - {None}
    after = {_item_key(item) for item in new} - {None}
    if not before and not after:
        return None
    return {"added": sorted(after - before), "removed": sorted(before - after)}


def _basis(contents: list[dict], between: list[tuple[str, dict]]) -> tuple[list[dict], str]:
    """The history lines behind one difference: those the element's notes name, else all between."""
    named = set()
    for content in contents:
        named |= set(_NAMED_LINE.findall(json.dumps(content, ensure_ascii=False)))
    specific = [citation for version, citation in between if version in named]
    if specific:
        return specific, "element"
    return [citation for _, citation in between], "versions"


def compare_structure(old: "Policy", new: "Policy") -> list[dict]:
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
        entry: dict[str, Any] = {
            "element": element,
            "id": identifier,
            "change": "added" if old_content is None else "removed" if new_content is None else "changed",
            "label": new_label if new_label is not None else old_label,
        }
        if old_content is not None and new_content is not None:
            fields = sorted(
                name for name in set(old_content) | set(new_content)
                if old_content.get(name) != new_content.get(name)
            )
            entry["fields"] = fields
            entry["values"] = {
                name: {"from": old_content.get(name), "to": new_content.get(name)}
                for name in fields
                if isinstance(old_content.get(name), _SCALAR) and isinstance(new_content.get(name), _SCALAR)
            }
            items = {
                name: changed for name in fields
                if (changed := _item_changes(old_content.get(name), new_content.get(name)))
            }
            if items:
                entry["items"] = items
        if element == "constraint":
            entry["role"] = present[-1]["role"]
        citation = (new_content or old_content).get("citation")
        if citation:
            entry["citation"] = {"section": citation["section"], "quote": citation["quote"]}
        entry["basis"], entry["basis_source"] = _basis(present, between)
        changes.append(entry)
    return changes


# -- the whole comparison ----------------------------------------------------------------------

def compare_policies(old: LoadedPolicy, new: LoadedPolicy) -> dict:
    """The JSON-ready comparison of two policy versions (the contract documented in the README).

    ``from``/``to`` are the policy refs; ``equivalent`` is true when no decision, change kind or
    structural element differs; ``decisions`` lists every compared combination of common change
    kinds whose approvals or order differ (``combinations_compared`` of them, ``exhaustive`` when
    that is all of them, else those of up to ``largest_combination`` kinds); ``change_kinds`` the
    kinds only one version knows;
    ``structure`` the structural differences; ``history`` the change-history lines between them.
    """
    found = compare_all_decisions(old.compiled, new.compiled)
    decisions, kinds = found.decisions, found.kinds
    structure = compare_structure(old.model, new.model)
    result = {
        "from": old.compiled.ref,
        "to": new.compiled.ref,
        "equivalent": not decisions and not kinds["added"] and not kinds["removed"] and not structure,
        "policies": {side: _about(loaded) for side, loaded in (("from", old), ("to", new))},
        "history": [citation for _, citation in history_between(old.model, new.model)],
        "change_kinds": kinds,
        "combinations_compared": found.compared,
        "exhaustive": found.exhaustive,
        "largest_combination": found.largest,
        "differing_combinations": found.differing,
        "decisions_more": found.differing - len(decisions),
        "verdict": found.verdict,
        "verdicts": found.verdicts,
        "decisions": decisions,
        "structure": structure,
    }
    from workreg.versions.grounds import mark_grounds

    return mark_grounds(result)


def _about(loaded: LoadedPolicy) -> dict:
    source = loaded.model.source
    return {
        "ref": loaded.compiled.ref,
        "document": source.document,
        "document_version": source.version,
        "date": source.date,
        "provenance": loaded.model.provenance.kind,
        "roles": {role.id: role.name for role in loaded.model.roles},
        "steps": {step.id: step.title for step in loaded.model.steps},
        "actors": {step.id: step.actor for step in loaded.model.steps},
        "change_kinds": {kind.id: kind.title for kind in loaded.model.change_kinds},
    }
