"""The built-in checks ``workreg analyze`` runs on every policy, each decided for every combination.

Each check is a question about all 2^n - 1 combinations answered from the policy's structure, by
the two monotonicity facts of :mod:`workreg.analysis.reasoning` (a combination's requirements are
the union of its kinds'; more kinds only add order edges):

- ``silent-kind`` (warning): a change kind that requires nothing, does not say so (``requires:
  none`` with its clause), says no approver is not required and leaves nothing open — asked
  alone, its answer is empty;
- ``unreachable-gate`` (warning): a gate no change kind requires; since requirements are a union,
  no combination reaches it;
- ``dead-order`` (warning): an order edge that lies between two required steps in no combination.
  Decided at the combination of every kind, the largest: it applies every edge and requires every
  step any combination does, so an edge idle there is idle everywhere;
- ``order-needs-other-kinds`` (info): an edge scoped to some kinds (``applies_to``) that orders
  nothing in the combinations of those kinds alone, only when other kinds bring the steps — its
  scope names kinds that never require both ends; a minimal combination where it does order is shown;
- ``imported-order`` (info): two gates one kind requires, unordered when that kind is decided
  alone, ordered once other kinds join (their scoped edges or own order reach into its decision):
  the combination's stages differ from the union of its kinds'. A minimal such combination is shown;
- ``shadowed-requirement`` (info): a kind requires a step with a weaker approval (an
  acknowledgement) than another kind does (an approval); in every combination with both, the
  stronger one, with its clause, is what the decision shows;
- ``overridden-not-required`` (info): a kind says an approver is not required, another requires
  one of its gates; in every combination with both, the approver is required (a requirement wins);
- ``contradictory-order`` (warning): an order in some combination that contradicts itself. None can:
  every edge of the policy together is acyclic (the compiler refuses a cycle), so the edges any
  combination applies are too; the check states that argument;
- ``separated-parallel`` (warning): a parallel group two of whose steps an order separates in every
  combination the group applies to (decided at the group's smallest combinations, one kind each).

Checks with severity ``warning`` make ``workreg analyze`` exit 1; ``info`` findings are for a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from workreg.analysis.facts import OrderEdge, PolicyFacts
from workreg.analysis.reach import Reach

#: Findings of one check explained with a witness combination; the rest are counted.
MAX_WITNESSED = 10


@dataclass
class CheckResult:
    id: str
    severity: str  # warning, info
    title: str
    why: str
    findings: list[dict] = field(default_factory=list)
    more: int = 0  # findings beyond those listed

    @property
    def holds(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "holds": self.holds, "title": self.title, "why": self.why,
                "findings": self.findings, "more": self.more}


def _finding(message: str, combination=None, steps=(), clauses=()) -> dict:
    return {"message": message, "combination": list(combination) if combination is not None else None,
            "steps": list(steps), "clauses": [dict(c) for c in clauses]}


def _cite(citation, **extra) -> dict:
    return citation.to_dict() | extra


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _in_order(facts: PolicyFacts, kinds) -> list[str]:
    wanted = set(kinds)
    return [kind for kind in facts.kinds if kind in wanted]


def _required(facts: PolicyFacts, kinds) -> set[str]:
    return {r.step for kind in kinds for r in facts.requirements[kind]}


def _shrink(facts: PolicyFacts, start: list[str], keep: set[str], holds: Callable[[list[str]], bool],
            candidates: set[str] | None = None) -> list[str]:
    """A minimal combination (no kind can be left out) containing ``keep`` for a monotone ``holds``."""
    current = [k for k in start if candidates is None or k in candidates or k in keep]
    if not holds(current):
        current = list(start)
    for kind in list(current):
        if kind in keep:
            continue
        trial = [k for k in current if k != kind]
        if trial and holds(trial):
            current = trial
    return _in_order(facts, current)


def silent_kinds(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("silent-kind", "warning", "Change kinds that require nothing and say nothing",
                         "a kind's answer alone is its own requirements, not-required approvers and open points")
    for kind in facts.kinds:
        if not facts.requirements[kind] and not facts.not_required[kind] and not facts.unspecified[kind] \
                and facts.requires_none[kind] is None:
            result.findings.append(_finding(
                f"{kind} requires nothing, says no approver is not required and leaves nothing open: asked alone "
                "its answer is empty", [kind], clauses=[_cite(facts.kind_citations[kind], kind=kind)]))
    return result


def unreachable_gates(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("unreachable-gate", "warning", "Gates no combination reaches",
                         "a combination requires only what its kinds require, so a gate no kind requires is never asked for")
    required = _required(facts, facts.kinds)
    for step in facts.steps:
        if step in facts.gates and step not in required:
            result.findings.append(_finding(f"no change kind requires {step} ({facts.step_titles[step]})",
                                            steps=[step]))
    return result


def _edge_label(edge: OrderEdge) -> str:
    own = f" ({edge.own}'s own order)" if edge.own else (f" (applies to {', '.join(sorted(edge.scope))})" if edge.scope else "")
    return f"{edge.before} → {edge.after}{own}"


def order_edges(facts: PolicyFacts) -> tuple[CheckResult, CheckResult]:
    dead = CheckResult("dead-order", "warning", "Order edges that never apply",
                       "decided at the combination of every kind, which applies every edge and requires every step "
                       "any combination requires")
    foreign = CheckResult("order-needs-other-kinds", "info", "Scoped order edges whose kinds never require both ends",
                          "the kinds an edge is scoped to, together, require no steps on both sides of it; it orders "
                          "only when other kinds bring them")
    everything = Reach(facts)
    every_required = everything.mask(_required(facts, facts.kinds))
    for edge in facts.edges:
        if not everything.between(edge.before, edge.after, every_required):
            dead.findings.append(_finding(
                f"{_edge_label(edge)} lies between no two required steps in any combination", steps=[edge.before, edge.after],
                clauses=[_cite(edge.citation)]))
            continue
        if not edge.scope:
            continue
        scope = _in_order(facts, edge.scope)
        alone = Reach(facts, scope)
        if alone.between(edge.before, edge.after, alone.mask(_required(facts, scope))):
            continue
        if len(foreign.findings) >= MAX_WITNESSED:
            foreign.more += 1
            continue

        def orders(kinds: list[str], edge=edge) -> bool:
            reach = Reach(facts, kinds)
            return edge.applies(set(kinds)) and reach.between(edge.before, edge.after, reach.mask(_required(facts, kinds)))

        # Only kinds that require a step on either side of the edge, or scope an edge there, can help.
        up = everything.ancestors[everything.position[edge.before]] | (1 << everything.position[edge.before])
        down = everything.descendants[everything.position[edge.after]] | (1 << everything.position[edge.after])
        around = up | down
        helpers = {kind for kind in facts.kinds
                   if any(around >> everything.position[r.step] & 1 for r in facts.requirements[kind])}
        helpers |= {k for other in everything.edges if other.scope and around >> everything.position[other.after] & 1
                    for k in other.scope}
        witness = _shrink(facts, _in_order(facts, helpers | set(scope[:1])), set(scope[:1]), orders)
        foreign.findings.append(_finding(
            f"{_edge_label(edge)}: {', '.join(scope)} never require{'s' if len(scope) == 1 else ''} steps on both "
            f"sides of it; it orders only with "
            f"other kinds, e.g. {' + '.join(witness)}", witness, [edge.before, edge.after], [_cite(edge.citation)]))
    return dead, foreign


def imported_order(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("imported-order", "info", "Combinations whose order is more than the union of their kinds'",
                         "a kind's gates, unordered when it is decided alone, that other kinds' scoped edges or own "
                         "order put in order")
    everything = Reach(facts)
    for kind in facts.kinds:
        gates = [r.step for r in facts.requirements[kind] if r.step in facts.gates]
        if len(gates) < 2:
            continue
        alone = Reach(facts, (kind,))
        for a in gates:
            for b in gates:
                if a == b or alone.precedes(a, b) or alone.precedes(b, a) or not everything.precedes(a, b):
                    continue
                if len(result.findings) >= MAX_WITNESSED:
                    result.more += 1
                    continue
                # Only kinds scoping an edge between a and b can help; shrink from them.
                up = everything.descendants[everything.position[a]] | (1 << everything.position[a])
                down = everything.ancestors[everything.position[b]] | (1 << everything.position[b])
                between = up & down
                helpers = {k for edge in everything.edges if edge.scope
                           and between >> everything.position[edge.before] & 1
                           and between >> everything.position[edge.after] & 1 for k in edge.scope}

                def orders(kinds: list[str], a=a, b=b) -> bool:
                    return Reach(facts, kinds).precedes(a, b)

                witness = _shrink(facts, _in_order(facts, helpers | {kind}), {kind}, orders)
                chain = Reach(facts, witness).path(a, b)
                scoped = [edge for edge in chain if edge.scope and kind not in edge.scope]
                result.findings.append(_finding(
                    f"{kind} alone leaves {a} and {b} unordered; with {' + '.join(k for k in witness if k != kind)} "
                    f"{a} comes before {b}", witness, [a, b], [_cite(edge.citation, before=edge.before, after=edge.after,
                                                                     applies_to=sorted(edge.scope)) for edge in scoped]))
    return result


def shadowed_requirements(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("shadowed-requirement", "info", "Requirements another kind's stronger one overrides",
                         "a combination needs each step once, with the strongest approval any of its kinds asks for")
    for kind in facts.kinds:
        for weak in facts.requirements[kind]:
            if weak.step not in facts.gates:
                continue
            for other in facts.requiring(weak.step):
                if other.kind != kind and other.strength > weak.strength:
                    result.findings.append(_finding(
                        f"{kind} requires {weak.step} as {weak.approval} (§{weak.citation.section}); in every "
                        f"combination with {other.kind} it is {_a(other.approval)} (§{other.citation.section})",
                        _in_order(facts, (kind, other.kind)), [weak.step],
                        [_cite(weak.citation, kind=kind), _cite(other.citation, kind=other.kind)]))
                    break
    return result


def overridden_not_required(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("overridden-not-required", "info", "\"Not required\" statements another kind overrides",
                         "a combination requires what any of its kinds requires; a kind's \"not required\" holds only "
                         "where no other kind of the combination requires that approver")
    for kind in facts.kinds:
        for statement in facts.not_required[kind]:
            gates = set(facts.gates_of(statement.approver))
            others = [r for other in facts.kinds if other != kind for r in facts.requirements[other] if r.step in gates]
            if not others:
                continue
            first = others[0]
            kinds = sorted({r.kind for r in others}, key=facts.kinds.index)
            result.findings.append(_finding(
                f"{kind} says {facts.role_names[statement.approver]} is not required (§{statement.citation.section}); "
                f"with {', '.join(kinds)} it is ({first.kind}: {first.step}, §{first.citation.section})",
                _in_order(facts, (kind, first.kind)), [first.step],
                [_cite(statement.citation, kind=kind), _cite(first.citation, kind=first.kind)]))
    return result


def contradictory_order(facts: PolicyFacts) -> CheckResult:
    return CheckResult("contradictory-order", "warning", "Combinations whose order contradicts itself",
                       "every order edge of the policy together is acyclic (the compiler refuses a cycle), and a "
                       "combination applies a subset of them, so no combination's order can contradict itself")


def separated_parallel(facts: PolicyFacts) -> CheckResult:
    result = CheckResult("separated-parallel", "warning", "Parallel groups an order always separates",
                         "a group applies to a combination that includes one of its kinds (any, when unscoped); "
                         "order only grows with more kinds, so a pair ordered in each smallest such combination is "
                         "ordered in all of them")
    smallest = [(kind,) for kind in _in_order(facts, set().union(*(g.scope for g in facts.parallel)))]
    reaches = {kinds: Reach(facts, kinds) for kinds in smallest}
    for group in facts.parallel:
        minimal = [(k,) for k in _in_order(facts, group.scope)] if group.scope else [(k,) for k in facts.kinds]
        for index, a in enumerate(group.steps):
            for b in group.steps[index + 1:]:
                separated = True
                for kinds in minimal:
                    reach = reaches.get(kinds) or reaches.setdefault(kinds, Reach(facts, kinds))
                    if not (reach.precedes(a, b) or reach.precedes(b, a)):
                        separated = False
                        break
                if separated:
                    first, second = (a, b) if Reach(facts, minimal[0]).precedes(a, b) else (b, a)
                    edges = Reach(facts, minimal[0]).path(first, second)
                    result.findings.append(_finding(
                        f"{a} and {b} may run in parallel (§{group.citation.section}), but {first} always "
                        f"precedes {second}", minimal[0], [a, b],
                        [_cite(group.citation)] + [_cite(e.citation, before=e.before, after=e.after) for e in edges]))
    return result


def run_checks(facts: PolicyFacts) -> list[CheckResult]:
    """Every built-in check, in report order."""
    dead, foreign = order_edges(facts)
    return [silent_kinds(facts), unreachable_gates(facts), dead, foreign, imported_order(facts),
            shadowed_requirements(facts), overridden_not_required(facts), contradictory_order(facts),
            separated_parallel(facts)]
