"""The order of a policy's steps: every edge that may order a decision, and one order that respects them all.

Pure functions of the policy model, shared by :mod:`workreg.policy.compile` (which compiles the order)
and :mod:`workreg.policy.graph` (which names a cycle), so that neither imports the other; and the
ancestor bitsets the decider (:mod:`workreg.policy.combine`) and the analysis (:mod:`workreg.analysis.reach`)
both derive from an order.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workreg.policy.model import Policy


def topological_order(steps: list[str], edges: list[tuple[str, str]]) -> list[str] | None:
    """The steps in an order every edge respects, earliest in file order first; None on a cycle."""
    file_order = {step: index for index, step in enumerate(steps)}
    children: dict[str, list[str]] = {step: [] for step in steps}
    waiting = dict.fromkeys(steps, 0)
    for before, after in set(edges):
        children[before].append(after)
        waiting[after] += 1
    heap = [file_order[step] for step, count in waiting.items() if count == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        step = steps[heapq.heappop(heap)]
        order.append(step)
        for child in children[step]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(heap, file_order[child])
    return order if len(order) == len(steps) else None


def all_order_edges(policy: Policy) -> list[tuple[str, str]]:
    """Every ``(before, after)`` that may order some decision: precedence edges and kinds' own orders."""
    edges = [(edge.before, edge.after) for edge in policy.precedence]
    edges += [(edge.before, edge.after) for kind in policy.change_kinds for edge in kind.order]
    return edges


def ancestor_masks(preds: list[list[int]]) -> list[int]:
    """Per step (by topological position), the bitset of every step before it, from each step's direct predecessors."""
    ancestors = [0] * len(preds)
    for index, parents in enumerate(preds):
        bits = 0
        for parent in parents:
            bits |= ancestors[parent] | (1 << parent)
        ancestors[index] = bits
    return ancestors
