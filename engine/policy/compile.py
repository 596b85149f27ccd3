"""Compile a policy into a decision table: every combination of change kinds, decided once.

The change space is finite (at most ``MAX_CHANGE_KINDS`` kinds, so at most 2**n - 1
combinations), so networkx runs here, once per policy content, and the table it produces is a
plain JSON-ready dict.  :mod:`workreg.policy.decide` answers queries from that table without importing
networkx or pydantic.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx

from workreg.errors import PolicyError
from workreg.policy.graph import precedence_closure, precedence_graph
from workreg.policy.decide import TABLE_FORMAT
from workreg.policy.model import GATE_KINDS, KIND_STRENGTH, Policy

MAX_CHANGE_KINDS = 12


class _Citations:
    """Interns citations so the table stores each once."""

    def __init__(self) -> None:
        self.items: list[list[str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def ref(self, citation) -> int:
        key = (citation.section, citation.quote)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append([citation.section, citation.quote])
        return self._index[key]


def combination_key(kinds) -> str:
    """The table key of a set of change kinds already in policy order."""
    return ",".join(kinds)


def compile_policy(policy: Policy, *, file: str = "<policy>") -> dict:
    """The decision table of a policy, as a JSON-ready dict (see :class:`workreg.policy.decide.CompiledPolicy`)."""
    if len(policy.change_kinds) > MAX_CHANGE_KINDS:
        raise PolicyError(
            f"{len(policy.change_kinds)} change kinds; at most {MAX_CHANGE_KINDS} can be enumerated",
            code="too-many-change-kinds", file=file,
        )
    try:
        closure = precedence_closure(policy)
    except ValueError as exc:
        raise PolicyError(str(exc), code="cycle", file=file) from exc
    direct = precedence_graph(policy)
    citations = _Citations()
    steps = {step.id: step for step in policy.steps}
    file_order = {step.id: index for index, step in enumerate(policy.steps)}
    kinds = [kind.id for kind in policy.change_kinds]

    table = {
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
            }
            for step in policy.steps
        },
        "kinds": {kind.id: kind.title for kind in policy.change_kinds},
        "kind_citations": {kind.id: citations.ref(kind.citation) for kind in policy.change_kinds},
        "parallel": [
            {"steps": list(group.steps), "condition": group.condition, "citation": citations.ref(group.citation)}
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
        "decisions": {},
        "citations": citations.items,
    }
    singles = {kind.id: _single(kind, citations) for kind in policy.change_kinds}
    for size in range(1, len(kinds) + 1):
        for combo in combinations(kinds, size):
            table["decisions"][combination_key(combo)] = _combine(
                combo, singles, steps, file_order, closure, direct, citations
            )
    return table


def _single(kind, citations: _Citations) -> dict:
    return {
        "requires": [
            (r.step, r.kind, citations.ref(r.citation), r.interpretation) for r in kind.requirements
        ],
        "not_required": [(n.approver, citations.ref(n.citation)) for n in kind.not_required],
        "unspecified": [(u.topic, u.text, citations.ref(u.citation)) for u in kind.unspecified],
    }


def _combine(combo, singles, steps, file_order, closure, direct, citations: _Citations) -> dict:
    """Union the requirements of several change kinds and order the gates they need."""
    required: dict[str, list] = {}  # step -> [kind, citation, required_by, interpretation]
    for change in combo:
        for step_id, kind_override, citation, interpretation in singles[change]["requires"]:
            kind = kind_override or steps[step_id].kind
            entry = required.get(step_id)
            if entry is None:
                required[step_id] = [kind, citation, [change], interpretation]
                continue
            entry[2].append(change)
            if KIND_STRENGTH.get(kind, 0) > KIND_STRENGTH.get(entry[0], 0):
                entry[0], entry[1] = kind, citation
            entry[3] = entry[3] or interpretation

    gates = [s for s in required if steps[s].kind in GATE_KINDS]
    actions = [s for s in required if steps[s].kind not in GATE_KINDS]
    required_approvers = {steps[s].actor for s in gates}

    sub = closure.subgraph(gates)
    stages = [
        sorted(generation, key=file_order.__getitem__) for generation in nx.topological_generations(sub)
    ]
    position = {gate: index for index, stage in enumerate(stages) for gate in stage}
    gates.sort(key=lambda g: (position[g], file_order[g]))

    order = []
    for before, after in sorted(
        nx.transitive_reduction(sub).edges, key=lambda e: (position[e[0]], file_order[e[0]], file_order[e[1]])
    ):
        path = nx.shortest_path(direct, before, after)
        chain = [citations.ref(direct.edges[a, b]["citation"]) for a, b in zip(path, path[1:])]
        order.append([before, after, list(dict.fromkeys(chain))])

    step_order = {s: i for i, s in enumerate(nx.lexicographical_topological_sort(
        closure.subgraph(actions), key=lambda s: f"{file_order[s]:06d}"))}
    actions.sort(key=step_order.__getitem__)

    not_required: dict[str, list] = {}
    unspecified: dict[str, list] = {}
    for change in combo:
        for approver, citation in singles[change]["not_required"]:
            if approver in required_approvers:
                continue  # another change in the same request requires it
            not_required.setdefault(approver, [approver, citation, []])[2].append(change)
        for topic, text, citation in singles[change]["unspecified"]:
            unspecified.setdefault(topic, [topic, text, citation, []])[3].append(change)

    return {
        "changes": list(combo),
        "required": [[g, *required[g]] for g in gates],
        "steps": [[s, *required[s][:3]] for s in actions],
        "stages": stages,
        "order": order,
        "not_required": list(not_required.values()),
        "unspecified": list(unspecified.values()),
    }
