"""Decide one combination of change kinds from a policy's compiled form, on first use.

The compiler (:mod:`workreg.policy.compile`) leaves, per change kind, what it requires, what it
does not and what it leaves open, and the precedence graph as a topological order of its steps.
This module turns that into a :class:`Combination` (the committee-independent part of a
decision) when a combination is first asked for.  It imports neither networkx nor pydantic.

Reachability is a bitset per step (a Python int over topological positions: bit ``i`` set when
the step at position ``i`` precedes it, directly or through other steps), built once per policy
in time linear in its edges times the words of a bitset.  A combination's gates are then ordered
as networkx's ``topological_generations`` of the closure restricted to them would order them,
its order edges are that restriction's transitive reduction, each explained by the citations
along a shortest path of the precedence graph (found by the same bidirectional search as
``networkx.shortest_path``, so ties resolve alike), and its other steps come in the
lexicographic topological order by file position.  A test compares every combination of the
shipped policies and of generated ones against those networkx calls.

Which order applies depends on the combination: an edge the policy scopes to some change kinds
(``applies_to``, the kinds whose clause states it) and the order a change kind reads into a
silent text (its ``order``, always an interpretation) order a decision only when it includes one
of those kinds; :class:`OrderSources` holds the index of the edges that apply and, beside it, the
index of the edges the text states, so that each order edge says whether the text states it.  A
gate that no applying edge relates to any other gate of the decision is *unordered*: it is left
out of the stages (a stage number would claim an order the text does not give).

Two strategies compute the same answers: pairwise over the combination's own k steps
(O(k²) bitset tests; fast for the few gates a decision usually has) and one pass over the
precedence graph between the first and last of them (O(V + E); for decisions with hundreds of
steps).  :func:`combine` picks the cheaper.
"""

from __future__ import annotations

import heapq
from typing import Iterable, NamedTuple

from workreg.policy.decision import KIND_STRENGTH


class Requirement(NamedTuple):
    """A step a change kind requires, with the approval kind it needs there (already resolved)."""

    step: str
    kind: str
    citation: int
    interpretation: str | None


class KindRules(NamedTuple):
    """What one change kind says: steps it requires, approvers it does not need, open points."""

    requires: tuple[Requirement, ...]
    not_required: tuple[tuple[str, int], ...]  # (approver role, citation)
    unspecified: tuple[tuple[str, str, int], ...]  # (topic, text, citation)


class CombinedRequirement(NamedTuple):
    """A step several change kinds may require: the strongest kind asked for, and who asks."""

    step: str
    kind: str
    citation: int
    required_by: tuple[str, ...]
    interpretation: str | None


class GateOrder(NamedTuple):
    """``before`` precedes ``after``; ``chain`` the citations along the precedence path between them;
    ``interpretation`` (None when the text states the order) and ``condition`` from the edges of the path."""

    before: str
    after: str
    chain: tuple[int, ...]
    interpretation: str | None = None
    condition: str | None = None


class Combination(NamedTuple):
    """The committee-independent decision for a set of change kinds (citations by index)."""

    changes: tuple[str, ...]
    required: tuple[CombinedRequirement, ...]  # gates, in stage order then file order
    steps: tuple[CombinedRequirement, ...]  # other steps, in precedence order
    stages: tuple[tuple[str, ...], ...]
    order: tuple[GateOrder, ...]
    not_required: tuple[tuple[str, int, tuple[str, ...]], ...]  # (approver, citation, changes)
    unspecified: tuple[tuple[str, str, int, tuple[str, ...]], ...]  # (topic, text, citation, changes)
    unordered: tuple[str, ...] = ()  # gates no applying edge relates to another gate, in file order


class OrderSources(NamedTuple):
    """What orders one combination's steps: every edge that applies, the ones the text states, and
    each edge's reading ``(interpretation, condition)`` (a stated edge's interpretation is None)."""

    index: "PrecedenceIndex"
    stated: "PrecedenceIndex"
    readings: dict[tuple[str, str], tuple[str | None, str | None]]


def _join(texts) -> str | None:
    found = [text for text in texts if text]
    if len(found) < 2:
        return found[0] if found else None
    return " ".join(dict.fromkeys(found))


class PrecedenceIndex:
    """Reachability, generations, reductions and citation chains over a policy's precedence DAG."""

    def __init__(self, steps: Iterable[str], topological: Iterable[str], edges: Iterable[tuple[str, str, int]]) -> None:
        self.file_order = {step: index for index, step in enumerate(steps)}
        self.topological = order = list(topological)
        self.position = position = {step: index for index, step in enumerate(order)}
        size = len(order)
        preds: list[list[int]] = [[] for _ in range(size)]
        succs: list[list[int]] = [[] for _ in range(size)]
        # Adjacency by step id in first-insertion order, as networkx's DiGraph keeps it (the
        # bidirectional search's tie-breaking depends on it); a repeated edge keeps its first
        # place and its last citation.
        self.succ: dict[str, list[str]] = {step: [] for step in self.file_order}
        self.pred: dict[str, list[str]] = {step: [] for step in self.file_order}
        self.citation: dict[tuple[str, str], int] = {}
        for before, after, citation in edges:
            if (before, after) not in self.citation:
                self.succ[before].append(after)
                self.pred[after].append(before)
                preds[position[after]].append(position[before])
                succs[position[before]].append(position[after])
            self.citation[before, after] = citation
        self.preds, self.succs = preds, succs
        ancestors = [0] * size
        for index in range(size):
            bits = 0
            for parent in preds[index]:
                bits |= ancestors[parent] | (1 << parent)
            ancestors[index] = bits
        self.ancestors = ancestors
        self.edge_count = len(self.citation)
        self._chains: dict[tuple[str, str], tuple[int, ...]] = {}
        self._paths: dict[tuple[str, str], list[str]] = {}

    def precedes(self, before: str, after: str) -> bool:
        """Whether ``before`` comes before ``after`` through any chain of precedence."""
        return bool(self.ancestors[self.position[after]] >> self.position[before] & 1)

    # -- citation chains -------------------------------------------------------------------------

    def chain(self, before: str, after: str) -> tuple[int, ...]:
        """The citations along a shortest precedence path, each once, in path order (memoised)."""
        key = (before, after)
        found = self._chains.get(key)
        if found is None:
            path = self.path(before, after)
            citation = self.citation
            found = self._chains[key] = tuple(dict.fromkeys(citation[a, b] for a, b in zip(path, path[1:])))
        return found

    def path(self, before: str, after: str) -> list[str]:
        """The steps of a shortest precedence path from ``before`` to ``after`` (memoised)."""
        key = (before, after)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = self._shortest_path(before, after)
        return found

    def _shortest_path(self, source: str, target: str) -> list[str]:
        """networkx's ``bidirectional_shortest_path`` on the precedence graph (same ties, same path)."""
        if source == target:
            return [source]
        succ, pred_adj = self.succ, self.pred
        pred: dict[str, str | None] = {source: None}
        succ_of: dict[str, str | None] = {target: None}
        forward, reverse = [source], [target]
        meet = None
        while forward and reverse and meet is None:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for v in level:
                    for w in succ[v]:
                        if w not in pred:
                            forward.append(w)
                            pred[w] = v
                        if w in succ_of:
                            meet = w
                            break
                    if meet is not None:
                        break
            else:
                level, reverse = reverse, []
                for v in level:
                    for w in pred_adj[v]:
                        if w not in succ_of:
                            succ_of[w] = v
                            reverse.append(w)
                        if w in pred:
                            meet = w
                            break
                    if meet is not None:
                        break
        if meet is None:
            raise ValueError(f"no precedence path from {source!r} to {target!r}")
        path: list[str] = []
        node: str | None = meet
        while node is not None:
            path.append(node)
            node = pred[node]
        path.reverse()
        node = succ_of[path[-1]]
        while node is not None:
            path.append(node)
            node = succ_of[node]
        return path

    # -- pairwise strategy: O(k²) over the k steps of a decision ------------------------------

    def _gates_pairwise(self, gates: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
        # In topological order, a gate's generation is one more than the deepest required gate
        # above it, and its direct predecessors in the reduction are the required gates above
        # it that are above none of the others.
        position, ancestors = self.position, self.ancestors
        gate_at = {position[gate]: gate for gate in gates}
        mask = 0
        for index in gate_at:
            mask |= 1 << index
        depth_at: dict[int, int] = {}
        depth: dict[str, int] = {}
        pairs: list[tuple[str, str]] = []
        for index in sorted(gate_at):
            gate = gate_at[index]
            above = ancestors[index] & mask
            level = covered = 0
            bits = above
            while bits:
                low = bits & -bits
                parent = low.bit_length() - 1
                bits ^= low
                if depth_at[parent] >= level:
                    level = depth_at[parent] + 1
                covered |= ancestors[parent]
            depth_at[index] = depth[gate] = level
            direct = above & ~covered
            while direct:
                low = direct & -direct
                pairs.append((gate_at[low.bit_length() - 1], gate))
                direct ^= low
        return depth, pairs

    def _sorted_pairwise(self, steps: list[str]) -> list[str]:
        # Repeatedly the earliest step in the file with no step of ``steps`` left before it:
        # Kahn's algorithm with a priority queue, but without one (the first candidate is
        # nearly always free, since files tend to list steps in their order).
        position, ancestors = self.position, self.ancestors
        waiting = sorted(steps, key=self.file_order.__getitem__)
        left = 0
        for step in waiting:
            left |= 1 << position[step]
        result = []
        while waiting:
            for index, step in enumerate(waiting):
                if not ancestors[position[step]] & left:
                    break
            result.append(step)
            del waiting[index]
            left &= ~(1 << position[step])
        return result

    # -- graph strategy: one pass over the precedence graph between the first and last step --

    def _span(self, steps: list[str]) -> tuple[int, int]:
        positions = [self.position[step] for step in steps]
        return min(positions), max(positions)

    def _generations_graph(self, gates: list[str]) -> dict[str, int]:
        position, preds = self.position, self.preds
        low, high = self._span(gates)
        is_gate = {position[gate] for gate in gates}
        best: dict[int, int] = {}  # deepest required gate at or above a step (absent: none)
        depth: dict[str, int] = {}
        order = self.topological
        for index in range(low, high + 1):
            top = max((best.get(parent, -1) for parent in preds[index]), default=-1)
            if index in is_gate:
                best[index] = top + 1
                depth[order[index]] = top + 1
            elif top >= 0:
                best[index] = top
        return depth

    def _reduction_graph(self, gates: list[str]) -> list[tuple[str, str]]:
        position, preds, ancestors = self.position, self.preds, self.ancestors
        low, high = self._span(gates)
        mask = 0
        for gate in gates:
            mask |= 1 << position[gate]
        order = self.topological
        covered = [0] * (high - low + 1)  # required gates above some required gate above the step
        pairs = []
        for index in range(low, high + 1):
            bits = 0
            for parent in preds[index]:
                if parent >= low:
                    bits |= covered[parent - low]
                    if mask >> parent & 1:
                        bits |= ancestors[parent] & mask
            covered[index - low] = bits
            if mask >> index & 1:
                after = order[index]
                direct = ancestors[index] & mask & ~bits
                while direct:
                    lowest = direct & -direct
                    pairs.append((order[lowest.bit_length() - 1], after))
                    direct ^= lowest
        return pairs

    def _sorted_graph(self, steps: list[str]) -> list[str]:
        position, preds, succs, file_order = self.position, self.preds, self.succs, self.file_order
        low, high = self._span(steps)
        wanted = {position[step] for step in steps}
        order = self.topological
        # Kahn's algorithm over the steps between: steps not wanted pass as soon as they may,
        # wanted ones leave in file order, which is the lexicographic order of the closure.
        waiting = {index: sum(1 for parent in preds[index] if parent >= low) for index in range(low, high + 1)}
        heap: list[tuple[int, int]] = []
        passing: list[int] = []
        for index, count in waiting.items():
            if count == 0:
                if index in wanted:
                    heapq.heappush(heap, (file_order[order[index]], index))
                else:
                    passing.append(index)
        result = []
        while heap or passing:
            if passing:
                index = passing.pop()
            else:
                _, index = heapq.heappop(heap)
                result.append(order[index])
            for child in succs[index]:
                if child <= high:
                    waiting[child] -= 1
                    if waiting[child] == 0:
                        if child in wanted:
                            heapq.heappush(heap, (file_order[order[child]], child))
                        else:
                            passing.append(child)
        return result

    # -- choosing ---------------------------------------------------------------------------------

    def pairwise(self, count: int) -> bool:
        """Whether the pairwise strategy is cheaper for ``count`` steps than one pass over the graph.

        A pairwise test is one shift and mask; a step of the graph pass costs a few dictionary
        and list operations more, hence the factor.
        """
        return count * count <= 4 * (len(self.position) + self.edge_count)

    def order_gates(
        self, gates: list[str], pairwise: bool | None = None,
    ) -> tuple[dict[str, int], list[tuple[str, str]]]:
        """Of the closure restricted to ``gates``: each gate's topological generation (from 0),
        and the transitive reduction as (before, after) pairs."""
        if not gates:
            return {}, []
        use = self.pairwise(len(gates)) if pairwise is None else pairwise
        if use:
            return self._gates_pairwise(gates)
        return self._generations_graph(gates), self._reduction_graph(gates)

    def lexicographic(self, steps: list[str], pairwise: bool | None = None) -> list[str]:
        """``steps`` in topological order of the closure, earliest in file order first when free."""
        if len(steps) < 2:
            return list(steps)
        use = self.pairwise(len(steps)) if pairwise is None else pairwise
        return self._sorted_pairwise(steps) if use else self._sorted_graph(steps)


def combine(
    changes: tuple[str, ...], rules: dict[str, KindRules], is_gate: dict[str, bool], actor: dict[str, str],
    index: PrecedenceIndex, pairwise: bool | None = None, sources: OrderSources | None = None,
) -> Combination:
    """The decision for ``changes`` (in policy order): the union of their requirements, ordered.

    ``sources`` says which order applies to these changes and which of it the text states;
    without it every edge of ``index`` applies and is stated.
    """
    if sources is not None:
        index = sources.index
    required: dict[str, list] = {}  # step -> [kind, citation, required_by, interpretation]
    for change in changes:
        for requirement in rules[change].requires:
            entry = required.get(requirement.step)
            if entry is None:
                required[requirement.step] = [requirement.kind, requirement.citation, [change], requirement.interpretation]
                continue
            entry[2].append(change)
            if KIND_STRENGTH.get(requirement.kind, 0) > KIND_STRENGTH.get(entry[0], 0):
                entry[0], entry[1] = requirement.kind, requirement.citation
            entry[3] = entry[3] or requirement.interpretation

    gates = [step for step in required if is_gate[step]]
    actions = [step for step in required if not is_gate[step]]
    file_order = index.file_order

    depth, pairs = index.order_gates(gates, pairwise)
    # A gate in no pair of the reduction is related to no other gate (reachability survives the
    # reduction): the text gives it no place in the order.  A lone gate is simply the first stage.
    related = {gate for pair in pairs for gate in pair}
    free = [gate for gate in gates if gate not in related] if len(gates) > 1 else []
    staged = [gate for gate in gates if gate in related] if free else list(gates)
    staged.sort(key=lambda gate: (depth[gate], file_order[gate]))
    stages: list[list[str]] = []
    for gate in staged:
        if depth[gate] == len(stages):
            stages.append([])
        stages[depth[gate]].append(gate)
    free.sort(key=file_order.__getitem__)
    gates = staged + free
    pairs.sort(key=lambda pair: (depth[pair[0]], file_order[pair[0]], file_order[pair[1]]))
    order = tuple(_gate_order(before, after, index, sources) for before, after in pairs)
    actions = index.lexicographic(actions, pairwise)

    approvers = {actor[gate] for gate in gates}
    not_required: dict[str, tuple[str, int, list[str]]] = {}
    unspecified: dict[str, tuple[str, str, int, list[str]]] = {}
    for change in changes:
        kind_rules = rules[change]
        for approver, citation in kind_rules.not_required:
            if approver not in approvers:  # else another change of the request requires it
                not_required.setdefault(approver, (approver, citation, []))[2].append(change)
        for topic, text, citation in kind_rules.unspecified:
            unspecified.setdefault(topic, (topic, text, citation, []))[3].append(change)

    def combined(steps: list[str]) -> tuple[CombinedRequirement, ...]:
        result = []
        for step in steps:
            kind, citation, by, interpretation = required[step]
            result.append(CombinedRequirement(step, kind, citation, tuple(by), interpretation))
        return tuple(result)

    return Combination(
        changes,
        combined(gates),
        combined(actions),
        tuple(map(tuple, stages)),
        order,
        tuple((a, c, tuple(by)) for a, c, by in not_required.values()),
        tuple((t, x, c, tuple(by)) for t, x, c, by in unspecified.values()),
        tuple(free),
    )


def _gate_order(before: str, after: str, index: PrecedenceIndex, sources: OrderSources | None) -> GateOrder:
    """One order edge of a decision, explained: by the text's clauses when it states the order
    (through any path of stated edges), else by the policy's reading along the path it takes."""
    if sources is None:
        return GateOrder(before, after, index.chain(before, after))
    stated, readings = sources.stated, sources.readings
    if before in stated.position and after in stated.position and stated.precedes(before, after):
        path = stated.path(before, after)
        condition = _join(readings.get(hop, (None, None))[1] for hop in zip(path, path[1:]))
        return GateOrder(before, after, stated.chain(before, after), None, condition)
    path = index.path(before, after)
    hops = [readings.get(hop, (None, None)) for hop in zip(path, path[1:])]
    return GateOrder(before, after, index.chain(before, after), _join(h[0] for h in hops), _join(h[1] for h in hops))
