"""Decide one combination of change kinds from a policy's compiled form, on first use.

The compiler (:mod:`workreg.policy.compile`) leaves, per change kind, what it requires, what it
does not and what it leaves open, and the precedence graph as a topological order of its steps.
This module turns that into a :class:`Combination` (the committee-independent part of a
decision) when a combination is first asked for.  It imports neither networkx nor pydantic.

:class:`Combiner` (one per policy) derives a combination from bitsets: a bit per change kind, per
kind the mask of the steps it requires, per step the mask of the kinds requiring it.  A request's
steps are the OR of its kinds' masks; each step's entry depends only on which of the request's
kinds require it, and the order of a set of gates only on that set and the order that applies,
so each is derived once and shared by every combination that has it (:class:`GateLayout`).

Reachability is a bitset per step (a Python int over topological positions: bit ``i`` set when
the step at position ``i`` precedes it).  The edges that order every change kind have bitsets for
every step, built once (:class:`PrecedenceIndex`).  An edge the policy scopes to some change kinds
(``applies_to``, the kinds whose clause states it) and the order a change kind reads into a silent
text (its ``order``, always an interpretation) order a decision only when it includes one of those
kinds: :class:`EdgeCatalogue` indexes them per kind, and a request's :class:`ScopedReach` adds
their reachability on demand, for the steps the decision asks about only — no policy-wide index is
rebuilt per combination.  :class:`OrderSources` holds the order that applies, the part the text
states (so that each order edge says whether the text states it) and each edge's reading.

A combination's gates are ordered as networkx's ``topological_generations`` of the closure
restricted to them would order them, its order edges are that restriction's transitive reduction,
each explained by the citations along a shortest path of the precedence graph (found by the same
bidirectional search as ``networkx.shortest_path``, over adjacency in the same order, so ties
resolve alike), and its other steps come in the lexicographic topological order by file position.
A gate that no applying edge relates to any other gate of the decision is *unordered*: it is left
out of the stages (a stage number would claim an order the text does not give).

A gate several kinds require cites each kind's clause; kinds that disagree (a "not required" that
another kind's requirement overrules, an order one kind's clauses give a gate another kind also
requires and does not order) are reported as :class:`KindConflict`.

:func:`combine` is the same derivation written plainly (pairwise over the combination's own steps,
or one pass over the precedence graph for decisions with hundreds of steps); a test compares it,
the :class:`Combiner` and a networkx reference on every combination of the shipped policies and of
generated ones.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence

from workreg.policy.compiled import KindInfo, PolicyForm
from workreg.policy.decision import KIND_STRENGTH
from workreg.policy.order import ancestor_masks


class CombinedRequirement(NamedTuple):
    """A step several change kinds may require: the strongest kind asked for and its clause
    (``citation``), who asks (``required_by``) and each asker's own clause (``citations``, aligned
    with ``required_by``)."""

    step: str
    kind: str
    citation: int
    required_by: tuple[str, ...]
    interpretation: str | None
    citations: tuple[int, ...] = ()


class GateOrder(NamedTuple):
    """``before`` precedes ``after``; ``chain`` the citations along the precedence path between them;
    ``interpretation`` (None when the text states the order) and ``condition`` from the edges of the path."""

    before: str
    after: str
    chain: tuple[int, ...]
    interpretation: str | None = None
    condition: str | None = None


class CombinedNotRequired(NamedTuple):
    """An approver the ``changes`` say they do not need, by clause ``citation``."""

    approver: str
    citation: int
    changes: tuple[str, ...]


class CombinedUnspecified(NamedTuple):
    """A point ``changes`` leave open (the first change's ``text`` and clause)."""

    topic: str
    text: str
    citation: int
    changes: tuple[str, ...]


class KindClause(NamedTuple):
    """One change kind's clause about a conflict's subject."""

    change: str
    citations: tuple[int, ...]


class KindConflict(NamedTuple):
    """Change kinds of one request that disagree about ``subject``.

    ``topic`` ``not_required``: ``stating`` say the approver ``subject[0]`` is not required,
    ``other`` require a gate of it (the requirement wins).  ``topic`` ``order``: ``stating`` order
    the gates ``subject`` (``edges``, the decision's order edges concerned), ``other`` (one kind)
    requires them and states no such order (one gate serves both, so the order applies to it).
    """

    topic: str
    subject: tuple[str, ...]
    stating: tuple[KindClause, ...]
    other: tuple[KindClause, ...]
    edges: tuple[GateOrder, ...] = ()


class Combination(NamedTuple):
    """The committee-independent decision for a set of change kinds (citations by index)."""

    changes: tuple[str, ...]
    required: tuple[CombinedRequirement, ...]  # gates, in stage order then file order
    steps: tuple[CombinedRequirement, ...]  # other steps, in precedence order
    stages: tuple[tuple[str, ...], ...]
    order: tuple[GateOrder, ...]
    not_required: tuple[CombinedNotRequired, ...]
    unspecified: tuple[CombinedUnspecified, ...]
    unordered: tuple[str, ...] = ()  # gates no applying edge relates to another gate, in file order
    conflicts: tuple[KindConflict, ...] = ()
    #: Cheap keys of the gates' part (``required``, ``stages``, ``order``, ``unordered``) and of
    #: ``steps``: equal for combinations whose parts are equal (None: not known to be shared).
    gates_key: Any = None
    steps_key: Any = None


class Readings(Protocol):
    def get(self, pair: tuple[str, str], default: tuple[str | None, str | None]) -> tuple[str | None, str | None]: ...


class OrderSources(NamedTuple):
    """What orders one combination's steps: every edge that applies (``applying``), the ones the
    text states (``stated``), and each edge's reading ``(interpretation, condition)`` (a stated
    edge's interpretation is None)."""

    applying: "Reach"
    stated: "Reach"
    readings: Readings


def _join(texts: Iterable[str | None]) -> str | None:
    found = [text for text in texts if text]
    if len(found) < 2:
        return found[0] if found else None
    return " ".join(dict.fromkeys(found))


class Ancestors(Protocol):
    def __getitem__(self, position: int) -> int: ...


class Reach:
    """Reachability, generations, reductions and citation chains over a precedence DAG.

    Subclasses give ``file_order``, ``position``, ``topological``, ``ancestors`` (a bitset per
    topological position), ``successors``/``predecessors`` (adjacency in first-insertion order, as
    networkx's DiGraph keeps it: the bidirectional search's tie-breaking depends on it) and
    ``citation_of`` (a pair's clause: the last edge given for it).
    """

    file_order: Mapping[str, int]
    position: Mapping[str, int]
    topological: Sequence[str]
    ancestors: Ancestors

    def __init__(self) -> None:
        self._chains: dict[tuple[str, str], tuple[int, ...]] = {}
        self._paths: dict[tuple[str, str], list[str]] = {}

    def successors(self, step: str) -> list[str]:
        raise NotImplementedError

    def predecessors(self, step: str) -> list[str]:
        raise NotImplementedError

    def citation_of(self, before: str, after: str) -> int:
        raise NotImplementedError

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
            citation = self.citation_of
            if len(path) == 2:  # one edge: its citation
                found = self._chains[key] = (citation(before, after),)
            else:
                found = self._chains[key] = tuple(dict.fromkeys([citation(a, b) for a, b in zip(path, path[1:])]))
        return found

    def path(self, before: str, after: str) -> list[str]:
        """The steps of a shortest precedence path from ``before`` to ``after`` (memoised)."""
        key = (before, after)
        found = self._paths.get(key)
        if found is None:
            # An edge between them is the only path of one step: no search (most order edges are).
            found = self._paths[key] = [before, after] if self.has_edge(before, after) else self._shortest_path(before, after)
        return found

    def has_edge(self, before: str, after: str) -> bool:
        """Whether an edge of this order goes from ``before`` straight to ``after``."""
        raise NotImplementedError

    def prefetch(self, steps: list[str]) -> None:
        """Derive the ancestors of ``steps`` now, together (an order that derives them on demand)."""

    def _shortest_path(self, source: str, target: str) -> list[str]:
        """networkx's ``bidirectional_shortest_path`` on the precedence graph (same ties, same path)."""
        if source == target:
            return [source]
        successors, predecessors = self.successors, self.predecessors
        pred: dict[str, str | None] = {source: None}
        succ_of: dict[str, str | None] = {target: None}
        forward, reverse = [source], [target]
        meet = None
        while forward and reverse and meet is None:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for v in level:
                    for w in successors(v):
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
                    for w in predecessors(v):
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

    # -- ordering (pairwise, on the ancestor bitsets) ---------------------------------------------------

    def order_gates(
        self, gates: list[str], pairwise: bool | None = None,
    ) -> tuple[dict[str, int], list[tuple[str, str]]]:
        """Of the closure restricted to ``gates``: each gate's topological generation (from 0),
        and the transitive reduction as (before, after) pairs."""
        if not gates:
            return {}, []
        return self._gates_pairwise(gates)

    def lexicographic(self, steps: list[str], pairwise: bool | None = None) -> list[str]:
        """``steps`` in topological order of the closure, earliest in file order first when free."""
        if len(steps) < 2:
            return list(steps)
        return self._sorted_pairwise(steps)




class PrecedenceIndex(Reach):
    """A fixed set of edges over every step: ancestor bitsets for all of them, built once (in time
    linear in the edges times the words of a bitset)."""

    def __init__(self, steps: Iterable[str], topological: Iterable[str], edges: Iterable[tuple[str, str, int]]) -> None:
        super().__init__()
        self.file_order = {step: index for index, step in enumerate(steps)}
        self.topological = order = list(topological)
        self.position = position = {step: index for index, step in enumerate(order)}
        size = len(order)
        preds: list[list[int]] = [[] for _ in range(size)]
        succs: list[list[int]] = [[] for _ in range(size)]
        # Adjacency by step id in first-insertion order; a repeated edge keeps its first place
        # and its last citation.
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
        self.ancestors = ancestor_masks(preds)
        self.edge_count = len(self.citation)

    def successors(self, step: str) -> list[str]:
        return self.succ[step]

    def predecessors(self, step: str) -> list[str]:
        return self.pred[step]

    def citation_of(self, before: str, after: str) -> int:
        return self.citation[before, after]

    def has_edge(self, before: str, after: str) -> bool:
        return (before, after) in self.citation

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
        """:meth:`Reach.order_gates`, by one pass over the graph where that is cheaper (or asked for)."""
        if gates and not (self.pairwise(len(gates)) if pairwise is None else pairwise):
            return self._generations_graph(gates), self._reduction_graph(gates)
        return super().order_gates(gates)

    def lexicographic(self, steps: list[str], pairwise: bool | None = None) -> list[str]:
        """:meth:`Reach.lexicographic`, by one pass over the graph where that is cheaper (or asked for)."""
        if len(steps) > 1 and not (self.pairwise(len(steps)) if pairwise is None else pairwise):
            return self._sorted_graph(steps)
        return super().lexicographic(steps)


class ScopedEdge(NamedTuple):
    """An order edge with the change kinds it ``scope``s to (None: every kind)."""

    before: str
    after: str
    citation: int
    scope: frozenset[str] | None
    interpretation: str | None
    condition: str | None


class EdgeCatalogue:
    """A policy's order edges (in the order they are given), indexed once for every combination.

    ``base`` holds the edges that order every change kind, with ancestor bitsets for every step;
    a combination whose kinds scope more edges gets a :class:`ScopedReach` over it that adds those
    edges' reachability on demand, for the steps the decision asks about only: no policy-wide
    index is rebuilt per combination.
    """

    def __init__(self, sequence: Sequence[ScopedEdge], base: PrecedenceIndex) -> None:
        self.base = base
        position = base.position
        self.succ: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
        self.pred: dict[str, list[tuple[str, frozenset[str] | None]]] = {}
        self.pairs: dict[tuple[str, str], list[tuple[frozenset[str] | None, int]]] = {}
        #: Per change kind, the (before, after) topological positions of the edges scoped to it.
        self.by_kind: dict[str, list[tuple[int, int]]] = {}
        for edge in sequence:
            self.succ.setdefault(edge.before, []).append((edge.after, edge.scope))
            self.pred.setdefault(edge.after, []).append((edge.before, edge.scope))
            self.pairs.setdefault((edge.before, edge.after), []).append((edge.scope, edge.citation))
            if edge.scope is not None:
                for kind in edge.scope:
                    self.by_kind.setdefault(kind, []).append((position[edge.before], position[edge.after]))
        #: Per change kind, its scoped edges as target position -> source positions (each once), and
        #: the targets as a bitset: a request's view ORs these instead of walking every edge again.
        self.into_of_kind: dict[str, dict[int, list[int]]] = {}
        self.targets_of_kind: dict[str, int] = {}
        for kind, edges in self.by_kind.items():
            into: dict[int, list[int]] = {}
            for source, target in dict.fromkeys(edges):
                into.setdefault(target, []).append(source)
            self.into_of_kind[kind] = into
            targets = 0
            for target in into:
                targets |= 1 << target
            self.targets_of_kind[kind] = targets
        #: Per change kind, the sources of its scoped edges as a bitset (the steps whose successors it changes).
        self.sources_of_kind: dict[str, int] = {}
        for kind, edges in self.by_kind.items():
            sources = 0
            for source, _ in edges:
                sources |= 1 << source
            self.sources_of_kind[kind] = sources

    def view(self, kinds: frozenset[str]) -> Reach:
        """The order that applies when the request includes ``kinds`` (the base when it scopes nothing)."""
        if kinds.isdisjoint(self.by_kind):
            return self.base
        return ScopedReach(self, kinds)


def _applies(scope: frozenset[str] | None, kinds: frozenset[str]) -> bool:
    return scope is None or not scope.isdisjoint(kinds)


def _applicable(candidates: Iterable[tuple[str, frozenset[str] | None]], kinds: frozenset[str]) -> list[str]:
    result: list[str] = []
    for step, scope in candidates:
        if (scope is None or not scope.isdisjoint(kinds)) and step not in result:
            result.append(step)
    return result


class _ScopedAncestors(dict[int, int]):
    """Ancestor bitsets under the base edges plus some scoped ones, computed per step on demand.

    A step's ancestors are its base ancestors and, for every scoped edge ``p → q`` whose ``q`` is
    the step or one of those, ``p`` and ``p``'s own ancestors (found the same way): the work is
    the scoped edges that reach the steps asked about, not the policy's size.  A dict of the ones
    known (a known step is a plain look-up, no Python call); ``__missing__`` derives the others.
    The scoped edges are read from each kind's own index (shared by every request, never merged
    or copied per request).
    """

    __slots__ = ("base", "intos", "targets", "into_bits")

    def __init__(self, base: Ancestors, intos: list[dict[int, list[int]]], targets: int) -> None:
        super().__init__()
        self.base, self.intos, self.targets = base, intos, targets
        self.into_bits: dict[int, int] = {}

    def __missing__(self, position: int) -> int:
        self.fill((position,))
        return self[position]

    def fill(self, positions: Iterable[int]) -> None:
        """Derive the ancestors of ``positions`` (and of the scoped edges' sources they depend on).

        Per step, its scoped targets latest first: the sources of a target have closed ancestor
        sets, so an earlier target inside them adds nothing and is skipped, sources and all (in a
        deep order most are).  A target whose sources are not known yet suspends the step until
        they are (an explicit stack: positions only decrease along it, so it ends).
        """
        base, intos, targets, memo, into_bits = self.base, self.intos, self.targets, self, self.into_bits
        for position in positions:
            if position in memo:
                continue
            stack = [[position, (base[position] | 1 << position) & targets, 0]]
            while stack:
                frame = stack[-1]
                node, hits, covered = frame
                missing = -1
                while hits:  # the targets not yet covered, latest first
                    target = hits.bit_length() - 1
                    extra = into_bits.get(target)
                    if extra is None:
                        extra = 0
                        for into in intos:
                            for parent in into.get(target, ()):
                                known = memo.get(parent)
                                if known is None:
                                    missing = parent
                                    break
                                extra |= known | 1 << parent
                            if missing >= 0:
                                break
                        if missing >= 0:
                            break
                        into_bits[target] = extra
                    if extra & ~covered:
                        covered |= extra
                        hits &= ~covered
                    hits ^= 1 << target
                if missing >= 0:
                    frame[1], frame[2] = hits, covered
                    stack.append([missing, (base[missing] | 1 << missing) & targets, 0])
                else:
                    memo[node] = base[node] | covered
                    stack.pop()


class ScopedReach(Reach):
    """The base order of an :class:`EdgeCatalogue` plus the edges scoped to ``kinds``."""

    def __init__(self, catalogue: EdgeCatalogue, kinds: frozenset[str]) -> None:
        super().__init__()
        base = catalogue.base
        self.file_order, self.position, self.topological = base.file_order, base.position, base.topological
        self._catalogue, self._kinds = catalogue, kinds
        # The kinds' scoped edges: each kind's own index, read in turn (any order: the union is the same).
        intos = []
        targets = sources = 0
        for kind in kinds.intersection(catalogue.into_of_kind):
            intos.append(catalogue.into_of_kind[kind])
            targets |= catalogue.targets_of_kind[kind]
            sources |= catalogue.sources_of_kind[kind]
        self._targets, self._sources = targets, sources
        self._base_citation, self._base_succ, self._base_pred = base.citation, base.succ, base.pred
        self.ancestors = self._scoped = _ScopedAncestors(base.ancestors, intos, targets)
        self._succ: dict[str, list[str]] = {}
        self._pred: dict[str, list[str]] = {}

    def order_gates(
        self, gates: list[str], pairwise: bool | None = None,
    ) -> tuple[dict[str, int], list[tuple[str, str]]]:
        position = self.position
        self._scoped.fill([position[gate] for gate in gates])  # one walk for them all, not one per gate
        return super().order_gates(gates, pairwise)

    def lexicographic(self, steps: list[str], pairwise: bool | None = None) -> list[str]:
        position = self.position
        self._scoped.fill([position[step] for step in steps])
        return super().lexicographic(steps, pairwise)

    def prefetch(self, steps: list[str]) -> None:
        position = self.position
        self._scoped.fill([position[step] for step in steps])

    def successors(self, step: str) -> list[str]:
        found = self._succ.get(step)
        if found is None:
            if not self._sources >> self.position[step] & 1:  # no scoped edge of these kinds leaves it
                return self._base_succ[step]
            found = self._succ[step] = _applicable(self._catalogue.succ.get(step, ()), self._kinds)
        return found

    def predecessors(self, step: str) -> list[str]:
        found = self._pred.get(step)
        if found is None:
            if not self._targets >> self.position[step] & 1:  # no scoped edge of these kinds enters it
                return self._base_pred[step]
            found = self._pred[step] = _applicable(self._catalogue.pred.get(step, ()), self._kinds)
        return found

    def citation_of(self, before: str, after: str) -> int:
        given = self._catalogue.pairs[before, after]
        scope, citation = given[-1]
        if scope is None:  # the pair's last edge orders every kind: it gives the citation
            return citation
        for scope, citation in reversed(given):
            if _applies(scope, self._kinds):
                return citation
        raise KeyError((before, after))

    def has_edge(self, before: str, after: str) -> bool:
        if (before, after) in self._base_citation:  # an edge that orders every kind: no scope to test
            return True
        return any(_applies(scope, self._kinds) for scope, _ in self._catalogue.pairs.get((before, after), ()))


class ScopedReadings:
    """Each applying edge's reading ``(interpretation, condition)``: a stated edge's wins over a
    kind's own reading or the policy's for the same pair."""

    def __init__(self, occurrences: Mapping[tuple[str, str], list[tuple[frozenset[str] | None, str | None, str | None]]],
                 kinds: frozenset[str]) -> None:
        self._occurrences, self._kinds = occurrences, kinds
        self._memo: dict[tuple[str, str], tuple[str | None, str | None] | None] = {}

    def get(self, pair: tuple[str, str], default: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
        if pair in self._memo:
            found = self._memo[pair]
        else:
            found = None
            for scope, interpretation, condition in self._occurrences.get(pair, ()):
                if _applies(scope, self._kinds) and (found is None or interpretation is None):
                    found = (interpretation, condition)
            self._memo[pair] = found
        return default if found is None else found



class OrderScopes:
    """A policy's order edges and, per set of scoping kinds, the order that applies (built on first use).

    Owned by the compiled policy and lent to its :class:`Combiner`: it holds nothing of either, so
    a policy no one refers to is freed at once, without waiting for the cyclic garbage collector.
    """

    def __init__(self, form: PolicyForm, limit: int) -> None:
        self.form, self.limit = form, limit
        #: The change kinds whose presence changes a decision's order: those an edge is scoped to,
        #: and those with an order of their own.
        self.scoping_kinds = frozenset(kind for edge in form.precedence for kind in edge.applies_to) | frozenset(
            kind.id for kind in form.kinds if kind.order)
        self._catalogues: tuple[EdgeCatalogue, EdgeCatalogue, Mapping[tuple[str, str], list[Any]]] | None = None
        self._sources: dict[frozenset[str], OrderSources] = {}
        self._covered: dict[tuple[str, str, str], bool] = {}

    def catalogues(self) -> tuple[EdgeCatalogue, EdgeCatalogue, Mapping[tuple[str, str], list[Any]]]:
        """Every order edge (kinds' own readings first, then the policy's readings, then what the
        text states: a pair's last edge gives its citation), and the stated ones, each indexed once."""
        if self._catalogues is None:
            form = self.form

            def scoped(edge: Any) -> ScopedEdge:
                scope = frozenset(edge.applies_to) if edge.applies_to else None
                return ScopedEdge(edge.before, edge.after, edge.citation, scope, edge.interpretation, edge.condition)

            own = [scoped(edge) for kind in form.kinds for edge in kind.order]
            precedence = [scoped(edge) for edge in form.precedence]
            stated = [edge for edge in precedence if edge.interpretation is None]
            every = own + [edge for edge in precedence if edge.interpretation is not None] + stated
            steps, topological = [step.id for step in form.steps], form.topological_order
            base = PrecedenceIndex(steps, topological,
                                   ((e.before, e.after, e.citation) for e in every if e.scope is None))
            stated_base = PrecedenceIndex(steps, topological,
                                          ((e.before, e.after, e.citation) for e in stated if e.scope is None))
            occurrences: dict[tuple[str, str], list[Any]] = {}
            for edge in own + precedence:
                occurrences.setdefault((edge.before, edge.after), []).append(
                    (edge.scope, edge.interpretation, edge.condition))
            self._catalogues = (EdgeCatalogue(every, base), EdgeCatalogue(stated, stated_base), occurrences)
        return self._catalogues

    def sources(self, changes: Iterable[str]) -> OrderSources:
        """The order that applies to these change kinds (edges scoped to them, their own readings),
        and the part of it the text states; one view per distinct set of scoping kinds, which adds
        the scoped edges' reachability on demand (no policy-wide index is rebuilt)."""
        key = self.scoping_kinds.intersection(changes)
        found = self._sources.get(key)
        if found is None:
            if len(self._sources) >= self.limit:  # every set of scoping kinds is a view: bounded
                self._sources.clear()
            every, stated, occurrences = self.catalogues()
            found = self._sources[key] = OrderSources(every.view(key), stated.view(key), ScopedReadings(occurrences, key))
        return found

    def covers(self, kind: str, before: str, after: str) -> bool:
        """Whether ``kind`` alone orders ``before`` before ``after`` (the base order, its scoped edges, its own)."""
        key = (kind, before, after)
        found = self._covered.get(key)
        if found is None:
            if len(self._covered) >= self.limit:
                self._covered.clear()
            found = self._covered[key] = self.sources((kind,)).applying.precedes(before, after)
        return found

def combine(
    changes: tuple[str, ...], rules: Mapping[str, KindInfo], is_gate: Mapping[str, bool], actor: Mapping[str, str],
    index: Reach, pairwise: bool | None = None, sources: OrderSources | None = None,
    covers: Callable[[str, str, str], bool] | None = None,
) -> Combination:
    """The decision for ``changes`` (in policy order): the union of their requirements, ordered.

    ``sources`` says which order applies to these changes and which of it the text states;
    without it every edge of ``index`` applies and is stated.  ``covers(kind, before, after)``
    says whether one kind's own order puts ``before`` first; with it, an order a shared gate gets
    from one kind but not from another is reported as a conflict (see :class:`KindConflict`).
    """
    if sources is not None:
        index = sources.applying
    required: dict[str, list[Any]] = {}  # step -> [kind, citation, required_by, interpretation, citations]
    for change in changes:
        for step, kind, citation, interpretation in rules[change].requires:
            entry = required.get(step)
            if entry is None:
                required[step] = [kind, citation, [change], interpretation, [citation]]
                continue
            entry[2].append(change)
            entry[4].append(citation)
            if KIND_STRENGTH.get(kind, 0) > KIND_STRENGTH.get(entry[0], 0):
                entry[0], entry[1] = kind, citation
            entry[3] = entry[3] or interpretation

    gates = [step for step in required if is_gate[step]]
    actions = [step for step in required if not is_gate[step]]
    file_order = index.file_order

    depth, pairs = index.order_gates(gates, pairwise)
    staged, stages, free = _stages(gates, depth, pairs, file_order)
    gates = staged + free
    order = tuple(_gate_order(before, after, index, sources) for before, after in pairs)
    actions = index.lexicographic(actions, pairwise)

    not_required, unspecified, overruled = _kind_notes(changes, rules, {actor[gate] for gate in gates})
    new = tuple.__new__  # what a named tuple's __new__ calls, without its Python frame
    items = {}
    for step, (kind, citation, by, interpretation, cited) in required.items():
        items[step] = new(CombinedRequirement, (step, kind, citation, tuple(by), interpretation, tuple(cited)))
    conflicts = _not_required_conflicts(overruled, (items[gate] for gate in gates), actor) if overruled else []
    if covers is not None and len(changes) > 1 and order:
        conflicts += _order_conflicts(changes, order, items, covers)
    return new(Combination, (
        changes,
        tuple(items[gate] for gate in gates),
        tuple(items[step] for step in actions),
        stages,
        order,
        not_required,
        unspecified,
        tuple(free),
        tuple(conflicts),
        None,
        None,
    ))


def _stages(
    gates: list[str], depth: Mapping[str, int], pairs: list[tuple[str, str]], file_order: Mapping[str, int],
) -> tuple[list[str], tuple[tuple[str, ...], ...], list[str]]:
    """The staged gates (in stage order), the stages and the unordered gates (in file order) of a set
    of gates, from their generations and reduction; sorts ``pairs`` into the order edges' order."""
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
    pairs.sort(key=lambda pair: (depth[pair[0]], file_order[pair[0]], file_order[pair[1]]))
    return staged, tuple(map(tuple, stages)), free


def _kind_notes(
    changes: tuple[str, ...], rules: Mapping[str, KindInfo], approvers: set[str] | frozenset[str],
) -> tuple[tuple[CombinedNotRequired, ...], tuple[CombinedUnspecified, ...], dict[str, list[tuple[str, int]]]]:
    """What the changes say is not required (unless ``approvers``, the decision's, include it: then
    it is overruled, approver -> (change, clause)) and leave open, each grouped by its subject."""
    not_required: dict[str, tuple[str, int, list[str]]] = {}
    overruled: dict[str, list[tuple[str, int]]] = {}
    unspecified: dict[str, tuple[str, str, int, list[str]]] = {}
    for change in changes:
        kind_rules = rules[change]
        for approver, citation in kind_rules.not_required:
            if approver in approvers:  # another change of the request requires it: a conflict
                overruled.setdefault(approver, []).append((change, citation))
            else:
                not_required.setdefault(approver, (approver, citation, []))[2].append(change)
        for topic, text, citation in kind_rules.unspecified:
            unspecified.setdefault(topic, (topic, text, citation, []))[3].append(change)
    new = tuple.__new__  # what a named tuple's __new__ calls, without its Python frame
    return (tuple(new(CombinedNotRequired, (a, c, tuple(by))) for a, c, by in not_required.values()),
            tuple(new(CombinedUnspecified, (t, x, c, tuple(by))) for t, x, c, by in unspecified.values()),
            overruled)


class GateLayout(NamedTuple):
    """How one set of gates is ordered under one order: gates (stage order, then unordered ones),
    stages, the unordered gates and the order edges (the closure's transitive reduction)."""

    gates: tuple[str, ...]
    stages: tuple[tuple[str, ...], ...]
    unordered: tuple[str, ...]
    order: tuple[GateOrder, ...]


class Combiner:
    """Decides combinations from per-kind and per-step bitsets (what :func:`combine` does, faster).

    Built once per policy: a bit per change kind and per step; per kind the steps it requires (a
    mask over file positions), the approvers of the gates among them and what it says is not
    required or leaves open; per step the kinds requiring it.  A combination's steps are the OR of
    its kinds' masks.  Its gates' entries and layout depend only on which of its kinds require a
    gate and which scope the order (``request & gate_key_bits``, one int), its other steps on which
    require one of those and which scope (``request & step_key_bits``): each is derived once and
    shared by every combination that has it.  A "not required" or open point several kinds share
    is built once per set of kinds saying it.  A first decision therefore costs about the steps in
    its answer, and a few ORs and look-ups for the parts shared with earlier ones.
    """

    def __init__(self, kinds: Sequence[KindInfo], steps: Sequence[str], is_gate: Mapping[str, bool],
                 actor: Mapping[str, str], scoping: frozenset[str],
                 sources: Callable[[tuple[str, ...]], OrderSources], covers: Callable[[str, str, str], bool],
                 limit: int) -> None:
        self.rules = {kind.id: kind for kind in kinds}
        self.kind_bit = {kind.id: 1 << index for index, kind in enumerate(kinds)}
        self.kind_order = [kind.id for kind in kinds]
        self.steps = tuple(steps)
        self.actor, self.scoping, self.sources, self.covers, self.limit = actor, scoping, sources, covers, limit
        self.step_index = index_of = {step: index for index, step in enumerate(self.steps)}
        self.gate_mask = 0
        for index, step in enumerate(self.steps):
            if is_gate[step]:
                self.gate_mask |= 1 << index
        self.kinds_of_step = [0] * len(self.steps)
        #: (step position, kind) -> the requirement (the first one the kind lists for the step)
        self.requirement: dict[tuple[int, str], tuple[str, int, str | None]] = {}
        role_bit: dict[str, int] = {}
        for role in dict.fromkeys([*actor.values(), *(a for kind in kinds for a, _ in kind.not_required)]):
            role_bit[role] = 1 << len(role_bit)
        #: Per kind: its bit, the steps it requires, the approvers of the gates among them.
        self.masks: dict[str, tuple[int, int, int]] = {}
        scoping_bits = gate_kinds = step_kinds = 0
        for kind in kinds:
            bit, mask, approvers = self.kind_bit[kind.id], 0, 0
            for step, approval, citation, interpretation in kind.requires:
                position = index_of[step]
                mask |= 1 << position
                if is_gate[step]:
                    approvers |= role_bit[actor[step]]
                self.kinds_of_step[position] |= bit
                self.requirement.setdefault((position, kind.id), (approval, citation, interpretation))
            self.masks[kind.id] = (bit, mask, approvers)
            if mask & self.gate_mask:
                gate_kinds |= bit
            if mask & ~self.gate_mask:
                step_kinds |= bit
            if kind.id in scoping:
                scoping_bits |= bit
        # The gates' entries and layout are functions of the kinds requiring a gate and the kinds
        # scoping the order; the other steps' of the kinds requiring one and the scoping kinds.
        self.gate_key_bits, self.step_key_bits = gate_kinds | scoping_bits, step_kinds | scoping_bits
        # What the kinds requiring an approver's gates say about it depends on which of them the request
        # holds; for an approver of several gates also on the gates' order (the whole gates' key, all bits).
        gates_of: dict[str, list[int]] = {}
        for position, step in enumerate(self.steps):
            if is_gate[step]:
                gates_of.setdefault(actor[step], []).append(position)
        self.approver_kinds: dict[str, int] = {
            role: self.kinds_of_step[positions[0]] if len(positions) == 1 else -1 for role, positions in gates_of.items()}
        # A combination's conflicts: of its gates' key and of the kinds saying some approver is not required.
        self.conflict_key_bits = self.gate_key_bits
        for kind in kinds:
            if kind.not_required:
                self.conflict_key_bits |= self.kind_bit[kind.id]
        self.scoping_bits = scoping_bits
        # Per kind, what it says is not required and leaves open, with the kinds saying the same
        # subject (one entry per subject and kind, or the plain derivation of :func:`_kind_notes`).
        holders: dict[tuple[str, str], int] = {}
        self.simple_notes = True
        for kind in kinds:
            said = [("not_required", approver) for approver, _ in kind.not_required]
            said += [("unspecified", topic) for topic, _, _ in kind.unspecified]
            if len(set(said)) < len(said):
                self.simple_notes = False
            for subject in said:
                holders[subject] = holders.get(subject, 0) | self.kind_bit[kind.id]
        self.noted_kinds = 0
        #: Per kind: its "not required" entries, its open points, and (when no other kind leaves one of
        #: them open, so that they read the same in every combination) those open points built once.
        self.notes: dict[str, tuple[tuple[tuple[str, int, int, int], ...], tuple[tuple[str, str, int, int], ...],
                                    tuple[CombinedUnspecified, ...] | None]] = {}
        for kind in kinds:
            bit = self.kind_bit[kind.id]
            alone = all(holders["unspecified", topic] == bit for topic, _, _ in kind.unspecified)
            self.notes[kind.id] = (
                tuple((approver, role_bit[approver], holders["not_required", approver], citation)
                      for approver, citation in kind.not_required),
                tuple((topic, text, holders["unspecified", topic], citation) for topic, text, citation in kind.unspecified),
                tuple(CombinedUnspecified(topic, text, citation, (kind.id,)) for topic, text, citation in kind.unspecified)
                if alone else None,
            )
            if kind.not_required or kind.unspecified:
                self.noted_kinds |= self.kind_bit[kind.id]
        self._items: dict[tuple[int, int], CombinedRequirement] = {}
        self._layouts: dict[tuple[int, int], tuple[GateLayout, list[int]]] = {}
        #: ((before, after), scoping kinds' bits) -> the order edge explained (shared by that scope's layouts)
        self._gate_orders: dict[tuple[tuple[str, str], int], GateOrder] = {}
        self._actions: dict[tuple[int, int], list[int]] = {}
        self._gates: dict[int, tuple[GateLayout, tuple[CombinedRequirement, ...]]] = {}
        self._entries: dict[int, tuple[CombinedRequirement, ...]] = {}
        self._grouped: dict[tuple[str, str, int], Any] = {}
        self._covers_known: dict[tuple[str, str], tuple[int, int]] = {}
        self._silent_groups: dict[int, list[Any]] = {}
        self._conflict_sets: dict[int, tuple[KindConflict, ...]] = {}
        self._gate_conflicts: dict[int, tuple[KindConflict, ...]] = {}
        self._order_conflict: dict[tuple[int, int, int], KindConflict] = {}
        self._overruled: dict[tuple[str, int, tuple[tuple[str, int], ...]], tuple[Any, KindConflict]] = {}
        self._others: dict[tuple[int, str], tuple[KindClause, ...]] = {}
        self._clause_sets: dict[tuple[KindClause, ...], tuple[KindClause, ...]] = {}
        self._interned: dict[KindConflict, KindConflict] = {}

    def _item(self, position: int, by: int) -> CombinedRequirement:
        """The entry of the step at ``position`` required by the kinds in the bitset ``by``."""
        key = (position, by)
        found = self._items.get(key)
        if found is None:
            kinds = self._kinds_in(by)  # by its bits: a request has a few kinds, a policy may have many
            strongest, citation, interpretation = self.requirement[position, kinds[0]]
            cited = [citation]
            for kind in kinds[1:]:
                approval, cite, reading = self.requirement[position, kind]
                cited.append(cite)
                if KIND_STRENGTH.get(approval, 0) > KIND_STRENGTH.get(strongest, 0):
                    strongest, citation = approval, cite
                interpretation = interpretation or reading
            if len(self._items) >= self.limit:
                self._items.clear()
            found = self._items[key] = CombinedRequirement(
                self.steps[position], strongest, citation, kinds, interpretation, tuple(cited))
        return found

    def _positions(self, mask: int) -> list[int]:
        positions = []
        while mask:
            low = mask & -mask
            positions.append(low.bit_length() - 1)
            mask ^= low
        return positions

    def _kinds_in(self, bits: int) -> tuple[str, ...]:
        """The change kinds of a bitset, in policy order."""
        return tuple([self.kind_order[position] for position in self._positions(bits)])

    def _layout(self, mask: int, scope: int, changes: tuple[str, ...]) -> tuple[GateLayout, list[int]]:
        """The layout of the gates ``mask`` under the order of the scoping kinds ``scope``, and the
        gates' positions in its order (derived once per gates and scope)."""
        key = (mask, scope)
        found = self._layouts.get(key)
        if found is None:
            sources = self.sources(changes)
            index = sources.applying
            gates = [self.steps[p] for p in self._positions(mask)]
            depth, pairs = index.order_gates(gates)
            staged, stages, free = _stages(gates, depth, pairs, index.file_order)
            # An order edge reads the same in every layout of this scope that has it: explained once.
            explained, order = self._gate_orders, []
            unexplained = [pair for pair in pairs if (pair, scope) not in explained]
            if unexplained:  # whether the text states each: one walk for the stated order's ancestors
                sources.stated.prefetch(list(dict.fromkeys(after for _, after in unexplained)))
                if len(explained) >= self.limit:
                    explained.clear()
                for before, after in unexplained:
                    explained[(before, after), scope] = _gate_order(before, after, index, sources)
            for pair in pairs:
                order.append(explained[pair, scope])
            if len(self._layouts) >= self.limit:
                self._layouts.clear()
            step_index = self.step_index
            found = self._layouts[key] = (
                GateLayout(tuple(staged + free), stages, tuple(free), tuple(order)),
                [step_index[gate] for gate in staged + free])
        return found

    def _ordered_actions(self, mask: int, scope: int, changes: tuple[str, ...]) -> list[int]:
        """The positions of the other steps ``mask`` in precedence order (derived once per steps and scope)."""
        key = (mask, scope)
        found = self._actions.get(key)
        if found is None:
            sources = self.sources(changes)
            if len(self._actions) >= self.limit:
                self._actions.clear()
            step_index = self.step_index
            found = self._actions[key] = [step_index[step] for step in sources.applying.lexicographic(
                [self.steps[p] for p in self._positions(mask)])]
        return found

    def _cover_mask(self, before: str, after: str, request: int) -> int:
        """The kinds of ``request`` that alone order ``before`` before ``after`` (a bitset; memoised per kind)."""
        key = (before, after)
        known, covered = self._covers_known.get(key, (0, 0))
        missing = request & ~known
        if missing:
            for kind in self.kind_order:
                bit = self.kind_bit[kind]
                if missing & bit and self.covers(kind, before, after):
                    covered |= bit
            known |= missing
            self._covers_known[key] = (known, covered)
        return covered & request

    def _order_conflicts(self, request: int, layout: GateLayout, gates: tuple[CombinedRequirement, ...],
                         gates_key: int) -> list[KindConflict]:
        """:func:`_order_conflicts` with bitsets: who is silent about which gates and edges depends only
        on the gates' key (derived once for every combination sharing it); what the rest of the
        request says about those edges is a few ORs, and each conflict is built once per its words."""
        groups = self._silent_groups.get(gates_key)
        if groups is None:
            groups = self._silent_groups_of(layout, gates, gates_key)
        if not groups:
            return []
        conflicts = []
        cover_mask, known = self._cover_mask, self._order_conflict
        for silent_bit, silent, pairs, subject, edges, chains, silent_clause, together, asked in groups:
            # ``asked``: the kinds asked so far whether they alone order one of these edges, and those that do.
            missing = request & ~asked[0]
            if missing:
                for before, after in pairs:
                    asked[1] |= cover_mask(before, after, missing)
                asked[0] |= missing
            stating = asked[1] & request & ~silent_bit
            key = (gates_key, silent_bit, stating)
            conflict = known.get(key)
            if conflict is None:
                saying = self._kinds_in(stating) if stating else together  # else only several kinds together order it
                if len(known) >= self.limit:
                    known.clear()
                conflict = known[key] = self._intern([KindConflict(
                    "order", subject, tuple(KindClause(change, chains) for change in saying),
                    (KindClause(silent, silent_clause),), edges)])[0]
            conflicts.append(conflict)
        return conflicts

    def _silent_groups_of(
        self, layout: GateLayout, gates: tuple[CombinedRequirement, ...], gates_key: int,
    ) -> list[tuple[int, str, list[tuple[str, str]], tuple[str, ...], tuple[GateOrder, ...], tuple[int, ...],
                    tuple[int, ...], tuple[str, ...], list[int]]]:
        """Per kind silent about an order its gates get from another kind (in policy order): its bit, id,
        the edges' pairs, the gates and edges concerned, their chains' citations, its own clauses
        about those gates, the other kinds requiring them (when no single kind states the order), and
        (filled as requests come) the kinds asked whether they order those edges and those that do."""
        required = {entry.step: entry for entry in gates}
        kinds_of_step, step_index, cover_mask = self.kinds_of_step, self.step_index, self._cover_mask
        # Per silent kind (by its bit: bit order is policy order), the gates and edges concerned, in order.
        grouped: dict[int, tuple[list[str], list[GateOrder]]] = {}
        for edge in layout.order:
            before, after = edge.before, edge.after
            by_before = kinds_of_step[step_index[before]] & gates_key
            by_after = kinds_of_step[step_index[after]] & gates_key
            shared = (by_before if by_before & (by_before - 1) else 0) | (by_after if by_after & (by_after - 1) else 0)
            if not shared:  # each gate required by one kind only: nobody is silent about it
                continue
            covered = cover_mask(before, after, shared)
            for gate, by in ((before, by_before), (after, by_after)):
                silent_kinds = by & ~covered if by & (by - 1) else 0
                while silent_kinds:
                    low = silent_kinds & -silent_kinds
                    silent_kinds ^= low
                    subject, edges = grouped.setdefault(low, ([], []))
                    if gate not in subject:
                        subject.append(gate)
                    if edge not in edges:
                        edges.append(edge)
        groups = []
        kind_order = self.kind_order
        for silent_bit in sorted(grouped):
            silent = kind_order[silent_bit.bit_length() - 1]
            subject, edges = grouped[silent_bit]
            # Plain loops (each once, in order), not generators: this runs on a first decision.
            together: dict[str, None] = {}  # the other kinds requiring these gates
            silent_clause: dict[int, None] = {}  # the silent kind's own clauses about them
            for gate in subject:
                entry = required[gate]
                for change, citation in zip(entry.required_by, entry.citations):
                    if change == silent:
                        silent_clause[citation] = None
                    else:
                        together[change] = None
            pairs = []
            chains: dict[int, None] = {}
            for edge in edges:
                pairs.append((edge.before, edge.after))
                for citation in edge.chain:
                    chains[citation] = None
            groups.append((silent_bit, silent, pairs, tuple(subject), tuple(edges), tuple(chains),
                           tuple(silent_clause), tuple(together), [0, 0]))
        if len(self._silent_groups) >= self.limit:
            self._silent_groups.clear()
        self._silent_groups[gates_key] = groups
        return groups

    def combine(self, changes: tuple[str, ...]) -> Combination:
        """The decision for ``changes`` (in policy order), as :func:`combine` gives it."""
        request = steps = approvers = 0
        masks = self.masks
        for change in changes:
            bit, mask, approving = masks[change]
            request |= bit
            steps |= mask
            approvers |= approving
        gates_key = request & self.gate_key_bits
        found = self._gates.get(gates_key)
        if found is None:
            found = self._gate_entries(changes, request, steps, gates_key)
        layout, gates = found
        steps_key = request & self.step_key_bits
        actions = self._entries.get(steps_key)
        if actions is None:
            actions = self._step_entries(changes, request, steps, steps_key)
        if request & self.noted_kinds:
            not_required, unspecified, overruled = self._notes(changes, request, approvers, layout)
        else:
            not_required, unspecified, overruled = (), (), None
        # The conflicts depend only on the gates' key and the kinds saying "not required": derived once
        # per such key (the order conflicts once per gates' key, see :meth:`_gate_conflicts`).
        conflicts_key = request & self.conflict_key_bits
        conflicts = self._conflict_sets.get(conflicts_key)
        if conflicts is None:
            ordered = self._gate_conflicts.get(gates_key)
            if ordered is None:
                ordered = self._gate_conflicts_of(request, layout, gates, gates_key)
            conflicts = tuple(self._overruled_conflicts(overruled, gates, gates_key)) + ordered if overruled else ordered
            if len(self._conflict_sets) >= self.limit:
                self._conflict_sets.clear()
            self._conflict_sets[conflicts_key] = conflicts
        return tuple.__new__(Combination, (
            changes, gates, actions, layout.stages, layout.order, not_required, unspecified,
            layout.unordered, conflicts, gates_key, steps_key,
        ))

    def _gate_conflicts_of(self, request: int, layout: GateLayout, gates: tuple[CombinedRequirement, ...],
                           gates_key: int) -> tuple[KindConflict, ...]:
        """The order conflicts of a gates' key (its first request's: they depend on nothing else).

        The kinds that alone order an edge some kind requiring its gates is silent about are scoping
        kinds (the base order orders every kind alike, so it leaves no kind silent), and the scoping
        kinds are part of the gates' key; a request whose gates' key holds one gate kind has no gate
        that two kinds require.
        """
        ordered: tuple[KindConflict, ...] = ()
        if request & (request - 1) and layout.order:  # several kinds, and an order among their gates
            ordered = tuple(self._order_conflicts(request, layout, gates, gates_key))
        if len(self._gate_conflicts) >= self.limit:
            self._gate_conflicts.clear()
        self._gate_conflicts[gates_key] = ordered
        return ordered

    def _gate_entries(self, changes: tuple[str, ...], request: int, steps: int,
                      gates_key: int) -> tuple[GateLayout, tuple[CombinedRequirement, ...]]:
        """The layout and entries of a combination's gates (shared by every combination with its gates' key)."""
        layout, positions = self._layout(steps & self.gate_mask, request & self.scoping_bits, changes)
        kinds_of_step, item = self.kinds_of_step, self._item
        if len(self._gates) >= self.limit:
            self._gates.clear()
        found = self._gates[gates_key] = (layout, tuple([item(p, kinds_of_step[p] & request) for p in positions]))
        return found

    def _step_entries(self, changes: tuple[str, ...], request: int, steps: int,
                      steps_key: int) -> tuple[CombinedRequirement, ...]:
        """The entries of a combination's other steps, in order (shared by every combination with its steps' key)."""
        positions = self._ordered_actions(steps & ~self.gate_mask, request & self.scoping_bits, changes)
        kinds_of_step, item = self.kinds_of_step, self._item
        if len(self._entries) >= self.limit:
            self._entries.clear()
        found = self._entries[steps_key] = tuple([item(p, kinds_of_step[p] & request) for p in positions])
        return found

    def _notes(
        self, changes: tuple[str, ...], request: int, approvers: int, layout: GateLayout,
    ) -> tuple[tuple[CombinedNotRequired, ...], tuple[CombinedUnspecified, ...], dict[str, list[tuple[str, int]]] | None]:
        """:func:`_kind_notes` from per-kind entries: a subject is listed where the first kind of the
        request saying it comes, with every kind of the request saying it (built once per such set)."""
        if not self.simple_notes:  # a kind names one subject twice: the plain derivation
            actor = self.actor
            return _kind_notes(changes, self.rules, {actor[gate] for gate in layout.gates})
        not_required: list[CombinedNotRequired] = []
        unspecified: list[CombinedUnspecified] = []
        overruled: dict[str, list[tuple[str, int]]] | None = None
        grouped, kind_bit, notes = self._grouped, self.kind_bit, self.notes
        new = tuple.__new__
        for change in changes:
            bit = kind_bit[change]
            refusals, open_points, own = notes[change]
            for approver, approver_bit, holders, citation in refusals:
                if approver_bit & approvers:  # another change of the request requires it: a conflict
                    if overruled is None:
                        overruled = {}
                    overruled.setdefault(approver, []).append((change, citation))
                    continue
                saying = holders & request
                if saying & -saying == bit:  # the first kind of the request saying it
                    key = ("not_required", approver, saying)
                    entry = grouped.get(key)
                    if entry is None:
                        entry = grouped[key] = new(CombinedNotRequired, (approver, citation, self._kinds_in(saying)))
                    not_required.append(entry)
            if own is not None:
                unspecified += own
                continue
            for topic, text, holders, citation in open_points:
                saying = holders & request
                if saying & -saying == bit:
                    key = ("unspecified", topic, saying)
                    entry = grouped.get(key)
                    if entry is None:
                        entry = grouped[key] = new(CombinedUnspecified, (topic, text, citation, self._kinds_in(saying)))
                    unspecified.append(entry)
        if len(grouped) >= self.limit:
            grouped.clear()
        return tuple(not_required), tuple(unspecified), overruled

    def _overruled_conflicts(self, overruled: dict[str, list[tuple[str, int]]], gates: tuple[CombinedRequirement, ...],
                             gates_key: int) -> list[KindConflict]:
        """:func:`_not_required_conflicts` in parts: what the kinds requiring an approver's gates say
        (once per those kinds, see :attr:`approver_kinds`; equal ones as one object), and each conflict
        once per those clauses and what the other kinds say."""
        conflicts = []
        others, known, deciding = self._others, self._overruled, self.approver_kinds
        for approver, saying in overruled.items():
            other_key = (gates_key & deciding[approver], approver)
            other = others.get(other_key)
            if other is None:
                cited: dict[str, list[int]] = {}
                for item in gates:
                    if self.actor[item.step] == approver:
                        for change, citation in zip(item.required_by, item.citations):
                            cited.setdefault(change, []).append(citation)
                clauses = tuple(KindClause(change, tuple(dict.fromkeys(c))) for change, c in cited.items())
                if len(others) >= self.limit:
                    others.clear()
                    self._clause_sets.clear()
                other = others[other_key] = self._clause_sets.setdefault(clauses, clauses)
            key = (approver, id(other), tuple(saying))
            found = known.get(key)
            if found is None or found[0] is not other:  # the entry holds ``other``: its id is not reused
                if len(known) >= self.limit:
                    known.clear()
                found = known[key] = (other, self._intern([KindConflict(
                    "not_required", (approver,), tuple(KindClause(change, (citation,)) for change, citation in saying),
                    other)])[0])
            conflicts.append(found[1])
        return conflicts

    def _intern(self, conflicts: list[KindConflict]) -> list[KindConflict]:
        """Equal conflicts as one object, so that what is derived from one (its words) can be found by identity."""
        interned = self._interned
        if len(interned) >= self.limit:
            interned.clear()
        return [interned.setdefault(conflict, conflict) for conflict in conflicts]


def _order_conflicts(
    changes: tuple[str, ...], order: tuple[GateOrder, ...], required: Mapping[str, CombinedRequirement],
    covers: Callable[[str, str, str], bool],
) -> list[KindConflict]:
    """Gates several kinds require, ordered by one kind's clauses and not by another's: one conflict
    per kind that states no such order, with its gates concerned and the order edges."""
    groups: dict[str, tuple[list[str], list[GateOrder]]] = {}
    for edge in order:
        for gate in (edge.before, edge.after):
            by = required[gate].required_by
            if len(by) < 2:
                continue
            for change in by:
                if not covers(change, edge.before, edge.after):
                    gates, edges = groups.setdefault(change, ([], []))
                    if gate not in gates:
                        gates.append(gate)
                    if edge not in edges:
                        edges.append(edge)
    conflicts = []
    for silent in changes:
        if silent not in groups:
            continue
        gates, edges = groups[silent]
        stating = [change for change in changes if change != silent
                   and any(covers(change, edge.before, edge.after) for edge in edges)]
        if not stating:  # the order comes only from several kinds together
            stating = [change for gate in gates for change in required[gate].required_by if change != silent]
        chains = tuple(dict.fromkeys(c for edge in edges for c in edge.chain))
        silent_clause = tuple(dict.fromkeys(
            c for gate in gates for change, c in zip(required[gate].required_by, required[gate].citations)
            if change == silent))
        conflicts.append(KindConflict(
            "order", tuple(gates), tuple(KindClause(change, chains) for change in dict.fromkeys(stating)),
            (KindClause(silent, silent_clause),), tuple(edges),
        ))
    return conflicts


def _not_required_conflicts(
    overruled: Mapping[str, list[tuple[str, int]]], gates: Iterable[CombinedRequirement], actor: Mapping[str, str],
) -> list[KindConflict]:
    """An approver one kind says is not required and another kind requires a gate of."""
    conflicts = []
    gates = list(gates)
    for approver, saying in overruled.items():
        other: dict[str, list[int]] = {}
        for item in gates:
            if actor[item.step] == approver:
                for change, citation in zip(item.required_by, item.citations):
                    other.setdefault(change, []).append(citation)
        conflicts.append(KindConflict(
            "not_required", (approver,), tuple(KindClause(change, (citation,)) for change, citation in saying),
            tuple(KindClause(change, tuple(dict.fromkeys(cited))) for change, cited in other.items()),
        ))
    return conflicts


def _gate_order(before: str, after: str, index: Reach, sources: OrderSources | None) -> GateOrder:
    """One order edge of a decision, explained: by the text's clauses when it states the order
    (through any path of stated edges), else by the policy's reading along the path it takes."""
    if sources is None:
        return GateOrder(before, after, index.chain(before, after))
    stated, get = sources.stated, sources.readings.get
    if stated.precedes(before, after):
        path = stated.path(before, after)
        if len(path) == 2:  # one edge (most order edges): its reading, no join
            condition = get((before, after), _NO_READING)[1] or None  # as _join reads an empty text
        else:
            condition = _join([get(hop, _NO_READING)[1] for hop in zip(path, path[1:])])
        return tuple.__new__(GateOrder, (before, after, stated.chain(before, after), None, condition))
    path = index.path(before, after)
    if len(path) == 2:
        interpretation, condition = get((before, after), _NO_READING)
        interpretation, condition = interpretation or None, condition or None
    else:
        hops = [get(hop, _NO_READING) for hop in zip(path, path[1:])]
        interpretation, condition = _join([h[0] for h in hops]), _join([h[1] for h in hops])
    return tuple.__new__(GateOrder, (before, after, index.chain(before, after), interpretation, condition))


#: An edge without a reading of its own.
_NO_READING: tuple[str | None, str | None] = (None, None)
