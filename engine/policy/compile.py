"""Compile a policy into its compiled form: what each change kind says, and the order of steps.

Compiling is linear in the size of the policy: per change kind its requirements (with the
approval kind resolved), the approvers it does not need and the points it leaves open; the
precedence edges with their citations and a topological order of the steps (a cycle is an
error here, once).  No combination of change kinds is decided here: :mod:`workreg.policy.combine`
derives a combination's decision on first use, and :class:`workreg.policy.decide.CompiledPolicy`
memoises it.  The result is a plain JSON-ready dict (the payload the cache stores); this
module needs the validated pydantic model but not networkx.
"""

from __future__ import annotations

import heapq

from workreg.errors import PolicyError
from workreg.policy.decide import TABLE_FORMAT
from workreg.policy.model import Policy


class _Citations:
    """Interns citations so the compiled form stores each once."""

    def __init__(self) -> None:
        self.items: list[list[str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def ref(self, citation) -> int:
        key = (citation.section, citation.quote)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append([citation.section, citation.quote])
        return self._index[key]


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


def compile_policy(policy: Policy, *, file: str = "<policy>") -> dict:
    """The compiled form of a policy, as a JSON-ready dict (see :class:`workreg.policy.decide.CompiledPolicy`)."""
    step_ids = [step.id for step in policy.steps]
    # One topological order for every combination: every edge, scoped or a change kind's own
    # reading, so that the edges any combination uses respect it.
    topological = topological_order(step_ids, all_order_edges(policy))
    if topological is None:
        from workreg.policy.graph import precedence_cycle

        raise PolicyError("precedence has a cycle: " + " → ".join(precedence_cycle(policy)), code="cycle", file=file)
    citations = _Citations()
    steps = {step.id: step for step in policy.steps}

    return {
        "format": TABLE_FORMAT,
        "ref": policy.ref,
        "policy": policy.policy,
        "version": policy.version,
        "title": policy.title,
        "source": policy.source.model_dump(),
        "provenance": {
            "kind": policy.provenance.kind,
            "note": policy.provenance.note,
            "basis": [citations.ref(c) for c in policy.provenance.basis],
            "quotes_from": policy.provenance.quotes_from,
        },
        "roles": {
            role.id: {
                "name": role.name, "default": role.default, "per_name": role.per_name,
                "designated": role.designated or role.default is not None,
                "aliases": list(role.aliases),
                # A default reading of who fills the role ("most likely the Alliance Committee").
                "interpretation": role.interpretation,
            }
            for role in policy.roles
        },
        "steps": {
            step.id: {
                "title": step.title, "actor": step.actor, "kind": step.kind, "phase": step.phase,
                "optional": step.optional, "gate": step.is_gate, "interpretation": step.interpretation,
                "also_by": [[other.role, other.qualifier, citations.ref(other.citation)] for other in step.also_by],
                "records": step.records, "citation": citations.ref(step.citation),
            }
            for step in policy.steps
        },
        "phases": {phase.id: phase.title for phase in policy.phases},
        "vocabulary": policy.vocabulary,
        "review_cycle": None if policy.review_cycle is None else {
            "interval_months": policy.review_cycle.interval_months,
            "strength": policy.review_cycle.strength,
            "performed_by": policy.review_cycle.performed_by,
            "coordinated_by": policy.review_cycle.coordinated_by,
            "citation": citations.ref(policy.review_cycle.citation),
        },
        "kinds": {kind.id: kind.title for kind in policy.change_kinds},
        "kind_citations": {kind.id: citations.ref(kind.citation) for kind in policy.change_kinds},
        "phrases": {kind.id: list(kind.phrases) for kind in policy.change_kinds if kind.phrases},
        "parallel": [
            {"steps": list(group.steps), "condition": group.condition, "citation": citations.ref(group.citation),
             "applies_to": list(group.applies_to), "interpretation": group.interpretation}
            for group in policy.parallel
        ],
        "classification": [
            {
                "id": rule.id, "description": rule.description,
                "when": {k: list(v) if isinstance(v, tuple) else v for k, v in rule.when.items()},
                "kind": rule.kind, "priority": rule.priority, "citation": citations.ref(rule.citation),
                "interpretation": rule.interpretation,
            }
            for rule in policy.classification
        ],
        # Per change kind: what it requires (the approval kind resolved), does not need, leaves open.
        "rules": {
            kind.id: {
                "requires": [
                    {
                        "step": r.step, "kind": r.kind or steps[r.step].kind,
                        "citation": citations.ref(r.citation), "interpretation": r.interpretation,
                    }
                    for r in kind.requirements
                ],
                "not_required": [
                    {"approver": n.approver, "citation": citations.ref(n.citation)} for n in kind.not_required
                ],
                "unspecified": [
                    {"topic": u.topic, "text": u.text, "citation": citations.ref(u.citation)} for u in kind.unspecified
                ],
                # `requires: none`, where the text says so explicitly (its clause), else None.
                "requires_none": citations.ref(kind.requires_none_citation)
                if kind.requires == "none" and kind.requires_none_citation is not None else None,
                # Where the text gives no order: the kind's own reading (always an interpretation).
                "order": [
                    {"before": o.before, "after": o.after, "citation": citations.ref(o.citation),
                     "interpretation": o.interpretation, "condition": o.condition}
                    for o in kind.order
                ],
            }
            for kind in policy.change_kinds
        },
        # The precedence graph: its edges in file order (one object each, so an edge can carry
        # more than its citation) and a topological order of every step.
        "precedence": [
            {"before": edge.before, "after": edge.after, "citation": citations.ref(edge.citation),
             "applies_to": list(edge.applies_to), "interpretation": edge.interpretation, "condition": edge.condition}
            for edge in policy.precedence
        ],
        "topological_order": topological,
        "citations": citations.items,
    }
