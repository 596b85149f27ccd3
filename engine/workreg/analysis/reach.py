"""Reachability over the order edges that apply to a set of change kinds (bitsets over steps).

A combination's order is the reachability of the edges that apply to it (:mod:`workreg.policy.combine`):
edges without ``applies_to``, edges scoped to one of its kinds, and its kinds' own orders, through
any steps, required or not.  More kinds never remove an edge, so reachability only grows with
the combination: the monotonicity every argument of :mod:`workreg.analysis` rests on.
"""

from __future__ import annotations

from typing import Iterable

from workreg.analysis.facts import OrderEdge, PolicyFacts
from workreg.policy.order import ancestor_masks


class Reach:
    """Which step precedes which under the edges that apply to ``kinds`` (None: every edge)."""

    def __init__(self, facts: PolicyFacts, kinds: Iterable[str] | None = None) -> None:
        chosen = None if kinds is None else frozenset(kinds)
        self.position = position = {step: index for index, step in enumerate(facts.topological)}
        size = len(position)
        preds: list[list[int]] = [[] for _ in range(size)]
        self.edges: list[OrderEdge] = []
        for edge in facts.edges:
            if chosen is None or not edge.scope or not edge.scope.isdisjoint(chosen):
                preds[position[edge.after]].append(position[edge.before])
                self.edges.append(edge)
        ancestors = ancestor_masks(preds)
        descendants = [0] * size
        for index in range(size - 1, -1, -1):
            for parent in preds[index]:
                descendants[parent] |= descendants[index] | (1 << index)
        self.ancestors, self.descendants = ancestors, descendants

    def precedes(self, before: str, after: str) -> bool:
        """Whether ``before`` completes before ``after`` (through any chain of applying edges)."""
        return bool(self.ancestors[self.position[after]] >> self.position[before] & 1)

    def mask(self, steps: Iterable[str]) -> int:
        bits = 0
        for step in steps:
            bits |= 1 << self.position[step]
        return bits

    def between(self, before: str, after: str, required: int) -> bool:
        """Whether an edge ``before → after`` lies on a chain from one step of ``required`` to another."""
        up = self.ancestors[self.position[before]] | (1 << self.position[before])
        down = self.descendants[self.position[after]] | (1 << self.position[after])
        return bool(up & required) and bool(down & required)

    def path(self, before: str, after: str) -> list[OrderEdge]:
        """The edges of one chain from ``before`` to ``after`` (empty when there is none)."""
        if not self.precedes(before, after):
            return []
        into: dict[str, list[OrderEdge]] = {}
        for edge in self.edges:
            into.setdefault(edge.after, []).append(edge)
        chain: list[OrderEdge] = []
        node = after
        while node != before:
            edge = next(e for e in into[node] if e.before == before or self.precedes(before, e.before))
            chain.append(edge)
            node = edge.before
        return chain[::-1]
