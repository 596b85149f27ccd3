"""Decisions made the way the first compiler made them: networkx over the precedence closure.

This is the eager compiler of workreg 0.2 (every combination decided with networkx's
topological generations, transitive reduction and shortest paths), reduced to deciding one
combination on request.  It is the reference the lazy compiler (:mod:`workreg.policy.combine`)
is tested against, for every combination of the shipped policies and of generated ones.
"""

from __future__ import annotations

import networkx as nx

from workreg.policy.decision import (
    KIND_STRENGTH, Citation, Decision, NotRequired, OrderEdge, RequiredApproval, StepItem, UnspecifiedPoint,
)
from workreg.policy.model import GATE_KINDS, Policy


class ReferenceDecider:
    """Decide combinations of one policy as workreg 0.2's eager compiler did."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.ref = policy.ref
        self.direct = nx.DiGraph()
        self.direct.add_nodes_from(step.id for step in policy.steps)
        for edge in policy.precedence:
            self.direct.add_edge(edge.before, edge.after, citation=edge.citation)
        self.closure = nx.transitive_closure_dag(self.direct)
        self.steps = {step.id: step for step in policy.steps}
        self.roles = {role.id: role for role in policy.roles}
        self.file_order = {step.id: index for index, step in enumerate(policy.steps)}
        self.kinds = {kind.id: kind for kind in policy.change_kinds}
        self.kind_order = [kind.id for kind in policy.change_kinds]

    def decide(self, changes, committees=(), originating=None) -> Decision:
        combo = tuple(sorted(set(changes), key=self.kind_order.index))
        names = tuple(dict.fromkeys(name.strip() for name in committees if name and name.strip()))
        return self._materialise(self._combine(combo), combo, names, originating.strip() if originating else None)

    def _combine(self, combo) -> dict:
        steps, file_order, closure, direct = self.steps, self.file_order, self.closure, self.direct
        required: dict[str, list] = {}
        for change in combo:
            for r in self.kinds[change].requirements:
                kind = r.kind or steps[r.step].kind
                entry = required.get(r.step)
                if entry is None:
                    required[r.step] = [kind, r.citation, [change], r.interpretation]
                    continue
                entry[2].append(change)
                if KIND_STRENGTH.get(kind, 0) > KIND_STRENGTH.get(entry[0], 0):
                    entry[0], entry[1] = kind, r.citation
                entry[3] = entry[3] or r.interpretation
        gates = [s for s in required if steps[s].kind in GATE_KINDS]
        actions = [s for s in required if steps[s].kind not in GATE_KINDS]
        required_approvers = {steps[s].actor for s in gates}
        sub = closure.subgraph(gates)
        stages = [sorted(g, key=file_order.__getitem__) for g in nx.topological_generations(sub)]
        position = {gate: index for index, stage in enumerate(stages) for gate in stage}
        gates.sort(key=lambda g: (position[g], file_order[g]))
        order = []
        for before, after in sorted(
            nx.transitive_reduction(sub).edges, key=lambda e: (position[e[0]], file_order[e[0]], file_order[e[1]])
        ):
            path = nx.shortest_path(direct, before, after)
            chain = [direct.edges[a, b]["citation"] for a, b in zip(path, path[1:])]
            order.append((before, after, tuple(dict.fromkeys((c.section, c.quote) for c in chain))))
        step_order = {s: i for i, s in enumerate(nx.lexicographical_topological_sort(
            closure.subgraph(actions), key=lambda s: f"{file_order[s]:06d}"))}
        actions.sort(key=step_order.__getitem__)
        not_required: dict[str, list] = {}
        unspecified: dict[str, list] = {}
        for change in combo:
            for n in self.kinds[change].not_required:
                if n.approver in required_approvers:
                    continue
                not_required.setdefault(n.approver, [n.approver, n.citation, []])[2].append(change)
            for u in self.kinds[change].unspecified:
                unspecified.setdefault(u.topic, [u.topic, u.text, u.citation, []])[3].append(change)
        return {
            "required": [[g, *required[g]] for g in gates],
            "steps": [[s, *required[s][:3]] for s in actions],
            "stages": stages, "order": order,
            "not_required": list(not_required.values()), "unspecified": list(unspecified.values()),
        }

    def _actor_name(self, role: str, originating):
        info = self.roles[role]
        if info.default is not None:
            return originating or self.roles[info.default].name
        return info.name

    def _materialise(self, entry, changes, committees, originating) -> Decision:
        steps, roles = self.steps, self.roles

        def cite(c) -> Citation:
            return Citation(*c) if isinstance(c, tuple) else Citation(c.section, c.quote)

        expansions = {}
        for gate, *_ in entry["required"]:
            actor = steps[gate].actor
            if roles[actor].per_name and committees:
                expansions[gate] = [(f"{gate}:{name}", name) for name in committees]
            else:
                expansions[gate] = [(gate, self._actor_name(actor, originating))]
        kind_of = {gate: kind for gate, kind, *_ in entry["required"]}

        def satisfier_first(gate):
            return (roles[steps[gate].actor].per_name, -KIND_STRENGTH.get(kind_of[gate], 0), gate)

        satisfied, first = {}, {}
        for stage in entry["stages"]:
            for gate in sorted(stage, key=satisfier_first):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first:
                        satisfied[instance] = first[body]
                    else:
                        first[body] = instance
        required = []
        for gate, kind, citation, required_by, interpretation in entry["required"]:
            step = steps[gate]
            for instance, name in expansions[gate]:
                required.append(RequiredApproval(
                    gate=instance, approver=step.actor, name=name, kind=kind, citation=cite(citation),
                    required_by=tuple(required_by), title=step.title, satisfied_by=satisfied.get(instance),
                    interpretation=interpretation,
                ))
        stages = tuple(s for s in (
            tuple(i for gate in stage for i, _ in expansions[gate] if i not in satisfied) for stage in entry["stages"]
        ) if s)
        order = tuple(
            OrderEdge(b, a, tuple(cite(c) for c in chain))
            for before, after, chain in entry["order"]
            for b, _ in expansions[before] for a, _ in expansions[after]
            if b not in satisfied and a not in satisfied
        )
        step_items = tuple(
            StepItem(step=s, title=steps[s].title, actor=steps[s].actor,
                     name=self._actor_name(steps[s].actor, originating), kind=kind, optional=steps[s].optional,
                     citation=cite(citation), required_by=tuple(by))
            for s, kind, citation, by in entry["steps"]
        )
        return Decision(
            policy=self.ref, changes=changes, required=tuple(required),
            not_required=tuple(NotRequired(a, roles[a].name, cite(c), tuple(by)) for a, c, by in entry["not_required"]),
            unspecified=tuple(UnspecifiedPoint(t, x, cite(c), tuple(by)) for t, x, c, by in entry["unspecified"]),
            stages=stages, order=order, steps=step_items,
        )
