"""Two versions of a policy compared for every combination of their common change kinds at once.

The decision of a combination S, as ``compare`` reads it, is its *approvals* — the gates S
requires, each with its approver and the strongest approval kind any kind of S asks for — and
their *order* — which required gate precedes which under the edges that apply to S.  (Stages,
the order's transitive reduction and the unordered gates are functions of these, so two
decisions with the same approvals and order have the same stages.)  Each part is a boolean
function of the variables "S includes kind k", built as a BDD (:mod:`workreg.analysis.bdd`):

- "S requires gate g" is the disjunction of the kinds that require g (a union);
- "the approval kind of g in S is at least κ" is the disjunction of the kinds that require g
  with κ or stronger (the strongest wins);
- "edge e applies to S" is TRUE without ``applies_to``, else the disjunction of its kinds (a
  kind's own ``order``: that kind);
- "a precedes b in S" is the disjunction, over the edges into b, of "a precedes the edge's
  start" and "the edge applies" — computed in topological order; only for gates a and b on
  either side of an edge whose condition differs between the versions (elsewhere both versions
  have the same edges under the same conditions, so the same order).

The combinations whose decisions differ are the satisfying assignments of the disjunction, over
gates, of "the approvals of g differ", and over pairs of gates both versions require, of "the
order of a and b differs".  This is exact — every function above is the decision's own rule
written over all combinations at once — so the count is the number of differing combinations,
and listing the assignments fewest kinds first gives the smallest ones.  A per-kind verdict
(equivalent, stricter, looser, incomparable) restricts the same functions to the combinations
that include the kind: *stricter* when the newer version only adds approvals, stronger approval
kinds and order there, *looser* when it only takes them away.
"""

from __future__ import annotations

from dataclasses import dataclass

from workreg.analysis.bdd import BDD, FALSE, TRUE
from workreg.analysis.facts import PolicyFacts
from workreg.policy.decision import KIND_STRENGTH

#: Approval strengths, weakest first; 0 (any requirement at all) comes first.
LEVELS = sorted({0, *KIND_STRENGTH.values()})


@dataclass(frozen=True)
class Difference:
    """Every combination of the common kinds whose decision differs, as functions over the kinds."""

    bdd: BDD
    kinds: tuple[str, ...]
    adds: int  # the newer version requires a gate, a stronger approval or an order the older does not
    drops: int  # ... the older does and the newer does not

    @property
    def differs(self) -> int:
        return self.bdd.OR(self.adds, self.drops)

    def count(self) -> int:
        """How many non-empty combinations differ."""
        differs = self.differs
        return self.bdd.count(differs) - (1 if self.bdd.evaluate(differs, set()) else 0)

    def smallest(self, limit: int) -> list[tuple[str, ...]]:
        found = []
        for chosen in self.bdd.smallest(self.differs, limit + 1):
            if chosen:
                found.append(tuple(self.kinds[i] for i in chosen))
            if len(found) >= limit:
                break
        return found

    def includes(self, combination) -> bool:
        index = {kind: i for i, kind in enumerate(self.kinds)}
        return self.bdd.evaluate(self.differs, {index[k] for k in combination})

    def verdict(self, kind: str | None = None) -> str:
        """equivalent, stricter (the newer version only adds), looser (only takes away) or incomparable."""
        bdd = self.bdd
        scope = TRUE if kind is None else bdd.variable(self.kinds.index(kind))
        adds, drops = bdd.AND(self.adds, scope), bdd.AND(self.drops, scope)
        if kind is None:  # the empty combination is no combination
            nothing = bdd.NOT(bdd.any_of(range(len(self.kinds))))
            adds, drops = bdd.diff(adds, nothing), bdd.diff(drops, nothing)
        if adds == FALSE and drops == FALSE:
            return "equivalent"
        if drops == FALSE:
            return "stricter"
        if adds == FALSE:
            return "looser"
        return "incomparable"


class _Side:
    """One version's approvals and order as functions over the common kinds."""

    def __init__(self, bdd: BDD, facts: PolicyFacts, index: dict[str, int]) -> None:
        self.bdd, self.facts, self.index = bdd, facts, index
        self.at_least: dict[str, dict[int, int]] = {}  # gate -> strength -> "required with at least it"
        for gate in facts.gates:
            by_level: dict[int, list[int]] = {}
            for requirement in facts.requiring(gate):
                if requirement.kind in index:
                    by_level.setdefault(requirement.strength, []).append(index[requirement.kind])
            if by_level:
                self.at_least[gate] = {
                    level: bdd.any_of(i for strength, kinds in by_level.items() if strength >= level for i in kinds)
                    for level in LEVELS
                }
        # Edge conditions, one per (before, after): the disjunction of its edges' scopes.
        self.condition: dict[tuple[str, str], int] = {}
        for edge in facts.edges:
            scope = [index[k] for k in edge.scope if k in index]
            applies = TRUE if not edge.scope else bdd.any_of(scope)
            pair = (edge.before, edge.after)
            self.condition[pair] = bdd.OR(self.condition.get(pair, FALSE), applies)
        self.into: dict[str, list[tuple[str, int]]] = {}
        for (before, after), applies in self.condition.items():
            if applies != FALSE:
                self.into.setdefault(after, []).append((before, applies))
        self.position = {step: i for i, step in enumerate(facts.topological)}

    def required(self, gate: str) -> int:
        levels = self.at_least.get(gate)
        return levels[LEVELS[0]] if levels else FALSE

    def reach_from(self, source: str, wanted: set[str]) -> dict[str, int]:
        """Per step of ``wanted`` after ``source``: the combinations in which ``source`` precedes it."""
        bdd, position = self.bdd, self.position
        if source not in position:
            return {}
        reach: dict[str, int] = {source: TRUE}
        for step in self.facts.topological[position[source] + 1:]:
            value = FALSE
            for before, applies in self.into.get(step, ()):
                start = reach.get(before, FALSE)
                if start != FALSE:
                    value = bdd.OR(value, bdd.AND(start, applies))
            if value != FALSE:
                reach[step] = value
        return {step: value for step, value in reach.items() if step in wanted and step != source}


def compare_symbolically(old: PolicyFacts, new: PolicyFacts, kinds: tuple[str, ...],
                         max_nodes: int = 1_000_000) -> Difference:
    """Every combination of ``kinds`` (both versions know them) whose approvals or order differ."""
    bdd = BDD(len(kinds), max_nodes)
    index = {kind: i for i, kind in enumerate(kinds)}
    before, after = _Side(bdd, old, index), _Side(bdd, new, index)
    adds = drops = FALSE
    same_gates: list[str] = []
    for gate in sorted(set(before.at_least) | set(after.at_least)):
        if gate in before.at_least and gate in after.at_least and old.actors[gate] == new.actors[gate]:
            same_gates.append(gate)
            old_levels, new_levels = before.at_least[gate], after.at_least[gate]
            for level in LEVELS:  # at some strength one version reaches and the other does not
                adds = bdd.OR(adds, bdd.diff(new_levels[level], old_levels[level]))
                drops = bdd.OR(drops, bdd.diff(old_levels[level], new_levels[level]))
        else:  # a gate of one version only, or of another approver: its approval is added or dropped
            adds = bdd.OR(adds, after.required(gate))
            drops = bdd.OR(drops, before.required(gate))
    # Order: only across an edge whose condition differs can the versions order two gates differently.
    changed = [pair for pair in set(before.condition) | set(after.condition)
               if before.condition.get(pair, FALSE) != after.condition.get(pair, FALSE)]
    if changed and same_gates:
        sources, targets = _around(old, new, changed, set(same_gates))
        both = {gate: bdd.AND(before.required(gate), after.required(gate)) for gate in sources | targets}
        for source in sorted(sources):
            reach_old = before.reach_from(source, targets)
            reach_new = after.reach_from(source, targets)
            for target in sorted(set(reach_old) | set(reach_new)):
                was, now = reach_old.get(target, FALSE), reach_new.get(target, FALSE)
                if was == now:
                    continue
                needed = bdd.AND(both[source], both[target])
                adds = bdd.OR(adds, bdd.AND(needed, bdd.diff(now, was)))
                drops = bdd.OR(drops, bdd.AND(needed, bdd.diff(was, now)))
    return Difference(bdd, kinds, adds, drops)


def _around(old: PolicyFacts, new: PolicyFacts, changed, gates: set[str]) -> tuple[set[str], set[str]]:
    """Gates before a changed edge's start and gates after its end, in the union of both versions' edges."""
    into: dict[str, set[str]] = {}
    out: dict[str, set[str]] = {}
    for facts in (old, new):
        for edge in facts.edges:
            into.setdefault(edge.after, set()).add(edge.before)
            out.setdefault(edge.before, set()).add(edge.after)

    def closure(starts, graph) -> set[str]:
        seen, stack = set(starts), list(starts)
        while stack:
            for nxt in graph.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    sources = closure({before for before, _ in changed}, into) & gates
    targets = closure({after for _, after in changed}, out) & gates
    return sources, targets
