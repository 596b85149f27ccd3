"""Decide a property for every combination of change kinds, without enumerating them.

Why the reasoning is complete.  A combination S (a non-empty set of change kinds) is decided
from two parts of the compiled policy (:mod:`workreg.policy.combine`):

1. its requirements are the *union* of its kinds' requirements, so "S requires step g" is
   ``∃ k ∈ S: k requires g``: true for S, true for every superset of S (*monotone*);
2. its order is the reachability of the edges that apply to S — edges without ``applies_to``,
   edges scoped to a kind of S, and the own ``order`` of S's kinds — through any steps; a
   superset applies every edge S applies, so "a precedes b in S" is monotone too.

A property picks a family of combinations: those containing the kinds I of ``includes`` and none
of the kinds X of ``excludes`` (or the single combination ``exactly``).  The family's smallest
members are I itself (when I is not empty) or the single kinds outside X; its largest is every
kind outside X.  Hence:

- ``requires: g`` and ``order: [a, b]`` (both required, a before b) are monotone: they hold for
  the whole family iff they hold for its smallest members; a failing smallest member is a
  smallest counterexample (no smaller combination is in the family);
- ``not_requires: g`` is the negation of a monotone predicate: it holds for the whole family iff
  no kind outside X requires g; when it fails, I (if I already requires g) or I plus the first
  kind that requires g is a counterexample, and a smallest one (I alone does not break it).

So each property costs one decision of at most |I| + 1 kinds or one pass over the kinds, never
2^n of them.  ``tests/test_analysis.py`` checks every answer against enumeration of every
combination of policies of up to 12 kinds, generated at random.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workreg.analysis.facts import PolicyFacts, citation_at, combination, facts_of
from workreg.analysis.properties import Property
from workreg.analysis.reach import Reach
from workreg.errors import UsageError, did_you_mean


@dataclass(frozen=True)
class Target:
    """What a property names: a step, or a role standing for its gates."""

    name: str
    steps: tuple[str, ...]
    label: str  # for messages: "DMTF Board of Directors (board_approval)"


@dataclass
class PropertyResult:
    """A property decided over every combination it picks."""

    property: Property
    holds: bool
    why: str
    counterexample: tuple[str, ...] | None = None
    decision: dict | None = None
    clauses: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.property.id,
            "holds": self.holds,
            "counterexample": list(self.counterexample) if self.counterexample is not None else None,
            "why": self.why,
            "property": self.property.describe(),
            "citation": self.property.citation,
            "decision": self.decision,
            "clauses": self.clauses,
        }


def resolve_target(facts: PolicyFacts, name: str, where: str = "") -> Target:
    """A step id, or a role by id, name or alias (its gates); unknown names raise with a did-you-mean."""
    if name in facts.actors:
        return Target(name, (name,), f"{facts.step_titles[name]} ({name})")
    wanted = " ".join(name.replace("_", " ").split()).casefold()
    for role, role_name in facts.role_names.items():
        spellings = {role.replace("_", " "), role_name.casefold(), *(a.casefold() for a in facts.role_aliases[role])}
        if wanted in spellings or name == role:
            gates = facts.gates_of(role)
            label = f"{role_name} ({', '.join(gates) or 'no gate'})"
            return Target(role, gates, label)
    names = [*facts.actors, *facts.role_names, *facts.role_names.values()]
    raise UsageError(f"unknown step or role '{name}' in {facts.ref}{where}", code="unknown-name",
                     hint=did_you_mean(name, names) or "name a step id or a role (id, name or alias)")


def resolve_kinds(facts: PolicyFacts, kinds: tuple[str, ...], where: str = "") -> tuple[str, ...]:
    for kind in kinds:
        if kind not in facts.kind_titles:
            raise UsageError(f"unknown change kind '{kind}' in {facts.ref}{where}", code="unknown-change-kind",
                             hint=did_you_mean(kind, facts.kinds) or "known: " + ", ".join(facts.kinds))
    return kinds


def _in_order(facts: PolicyFacts, kinds) -> tuple[str, ...]:
    wanted = set(kinds)
    return tuple(kind for kind in facts.kinds if kind in wanted)


def required_steps(facts: PolicyFacts, kinds) -> set[str]:
    return {r.step for kind in kinds for r in facts.requirements[kind]}


def requires(facts: PolicyFacts, kinds, target: Target) -> bool:
    """Whether the combination ``kinds`` requires the target (a step of it)."""
    return bool(required_steps(facts, kinds).intersection(target.steps))


def ordered(facts: PolicyFacts, kinds, before: Target, after: Target) -> bool:
    """Whether ``kinds`` requires both targets and one step of ``before`` precedes one of ``after``."""
    needed = required_steps(facts, kinds)
    firsts = [s for s in before.steps if s in needed]
    seconds = [s for s in after.steps if s in needed]
    if not firsts or not seconds:
        return False
    reach = Reach(facts, kinds)
    return any(reach.precedes(a, b) for a in firsts for b in seconds)


def decision_summary(policy, kinds) -> dict:
    """The engine's own decision for a combination, as JSON: required gates with clauses, stages."""
    facts = facts_of(policy)
    entry = combination(policy, kinds)
    return {
        "changes": list(entry.changes),
        "required": [
            {"gate": item.step, "approver": facts.actors[item.step], "name": facts.role_names[facts.actors[item.step]],
             "kind": item.kind, "required_by": list(item.required_by),
             "citation": citation_at(policy, item.citation).to_dict()}
            for item in entry.required
        ],
        "stages": [list(stage) for stage in entry.stages],
        "unordered": list(entry.unordered),
    }


def _cite(citation) -> dict:
    return citation.to_dict()


def check_property(policy, prop: Property) -> PropertyResult:
    """Decide ``prop`` for every combination it picks (see the module docstring for why this is complete)."""
    facts = facts_of(policy)
    where = f" (property '{prop.id}')"
    if prop.exactly is not None:
        resolve_kinds(facts, prop.exactly, where)
    resolve_kinds(facts, prop.includes, where)
    resolve_kinds(facts, prop.excludes, where)
    targets = tuple(resolve_target(facts, name, where) for name in prop.targets)
    clash = set(prop.includes) & set(prop.excludes)
    if clash:
        raise UsageError(f"property '{prop.id}' includes and excludes {', '.join(sorted(clash))}: it picks no "
                         "combination", code="empty-family")
    includes = _in_order(facts, prop.exactly if prop.exactly is not None else prop.includes)
    allowed = includes if prop.exactly is not None else _in_order(facts, set(facts.kinds) - set(prop.excludes))
    if not allowed:
        raise UsageError(f"property '{prop.id}' excludes every change kind: it picks no combination", code="empty-family")
    exact = prop.exactly is not None

    def fail(kinds: tuple[str, ...], why: str, clauses: list[dict]) -> PropertyResult:
        return PropertyResult(prop, False, why, kinds, decision_summary(policy, kinds), clauses)

    if prop.expect in ("requires", "order"):
        # Monotone: decide at the family's smallest members.
        smallest = [includes] if includes else [(kind,) for kind in allowed]
        test = (lambda kinds: requires(facts, kinds, targets[0])) if prop.expect == "requires" else \
            (lambda kinds: ordered(facts, kinds, targets[0], targets[1]))
        for kinds in smallest:
            if not test(kinds):
                return fail(kinds, *_why_not(facts, kinds, prop, targets))
        return PropertyResult(prop, True, _why_holds(facts, includes, allowed, prop, targets, exact))
    # not_requires: the negation of a monotone predicate; decide at the largest member.
    target = targets[0]
    if includes and requires(facts, includes, target):
        return fail(includes, *_why_required(facts, includes, target))
    if not exact:
        for kind in allowed:
            if kind not in includes and requires(facts, (kind,), target):
                kinds = _in_order(facts, (*includes, kind))
                return fail(kinds, *_why_required(facts, kinds, target))
    if exact:
        return PropertyResult(prop, True, f"{_names(includes)} does not require {target.label}: none of its kinds does")
    scope = "no kind it may include" if prop.excludes else "no change kind"
    return PropertyResult(prop, True, f"{scope} requires {target.label}; a combination requires only what its "
                                      "kinds require")


def _names(kinds) -> str:
    return " + ".join(kinds)


def _why_required(facts: PolicyFacts, kinds, target: Target) -> tuple[str, list[dict]]:
    by = [r for kind in kinds for r in facts.requirements[kind] if r.step in target.steps]
    first = by[0]
    why = (f"{_names(kinds)} requires {target.label}: {first.kind} requires {first.step} "
           f"(§{first.citation.section})")
    return why, [_cite(r.citation) | {"kind": r.kind, "step": r.step} for r in by]


def _why_not(facts: PolicyFacts, kinds, prop: Property, targets: tuple[Target, ...]) -> tuple[str, list[dict]]:
    needed = required_steps(facts, kinds)
    missing = [t for t in targets if not needed.intersection(t.steps)]
    if missing:
        target = missing[0]
        others = sorted({r.kind for step in target.steps for r in facts.requiring(step)}, key=facts.kinds.index)
        why = f"{_names(kinds)} does not require {target.label}: none of its kinds requires it"
        why += f" (kinds that do: {', '.join(others)})" if others else " (no change kind requires it)"
        return why, [_cite(facts.kind_citations[kind]) | {"kind": kind} for kind in kinds]
    before, after = targets
    # Both required, not ordered: which edges would order them, and why they do not apply here.
    everything = Reach(facts)
    firsts = [s for s in before.steps if s in needed]
    seconds = [s for s in after.steps if s in needed]
    chains = [everything.path(a, b) for a in firsts for b in seconds if everything.precedes(a, b)]
    reversed_order = Reach(facts, kinds)
    if any(reversed_order.precedes(b, a) for a in firsts for b in seconds):
        why = f"in {_names(kinds)} {after.label} comes before {before.label}"
        return why, []
    why = f"in {_names(kinds)} no order that applies puts {before.label} before {after.label}"
    clauses = []
    if chains:
        idle = [edge for edge in chains[0] if not edge.applies(set(kinds))]
        scopes = sorted({kind for edge in idle for kind in edge.scope}, key=facts.kinds.index)
        why += f"; the order that would put them so applies only with {' or '.join(scopes)}"
        clauses = [_cite(edge.citation) | {"before": edge.before, "after": edge.after,
                                           "applies_to": sorted(edge.scope)} for edge in idle]
    return why, clauses


def _why_holds(facts: PolicyFacts, includes, allowed, prop: Property, targets, exact: bool) -> str:
    if prop.expect == "requires":
        target = targets[0]
        if includes:
            by = [r for kind in includes for r in facts.requirements[kind] if r.step in target.steps][0]
            tail = "" if exact else "; every combination that includes it requires the union of its kinds' requirements"
            return f"{by.kind} requires {target.label} (§{by.citation.section}){tail}"
        return f"every change kind{' it may include' if prop.excludes else ''} requires {target.label}"
    before, after = targets
    if includes:
        reach = Reach(facts, includes)
        needed = required_steps(facts, includes)
        pairs = [(a, b) for a in before.steps for b in after.steps if a in needed and b in needed and reach.precedes(a, b)]
        chain = reach.path(*pairs[0])
        sections = ", ".join(dict.fromkeys(f"§{edge.citation.section}" for edge in chain))
        tail = "" if exact else "; more kinds only add requirements and order"
        return f"{_names(includes)} requires both and orders {pairs[0][0]} before {pairs[0][1]} ({sections}){tail}"
    return f"every change kind{' it may include' if prop.excludes else ''} requires both, in this order"


@dataclass(frozen=True)
class Claim:
    """A property stated about a policy's own steps and roles (a Gherkin step's claim), decided, and the clauses
    of the included kinds' requirements of its targets (what the claim covers)."""

    result: PropertyResult
    covered: tuple[str, ...]


def check_claim(policy, includes: tuple[str, ...], excludes: tuple[str, ...], expect: str,
                names: tuple[str, ...]) -> Claim:
    """Decide that every combination with ``includes`` and none of ``excludes`` ``expect``s the named steps or roles."""
    facts = facts_of(policy)
    targets = tuple(resolve_target(facts, name.strip()).name for name in names)
    prop = Property("bdd", includes, excludes, None, expect, targets)
    result = check_property(policy, prop)
    steps = {step for name in targets for step in resolve_target(facts, name).steps}
    covered = tuple(r.citation.section for kind in includes for r in facts.requirements[kind] if r.step in steps)
    return Claim(result, covered)
