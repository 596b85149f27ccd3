"""Decisions made the way the first compiler made them: networkx over the precedence closure.

This is the eager compiler of workreg 0.2 (every combination decided with networkx's
topological generations, transitive reduction and shortest paths), reduced to deciding one
combination on request, and taught what a decision says since: only the order that applies to
its change kinds (edges scoped with ``applies_to``, a kind's own ``order``), whether the text
states each order edge, gates the order leaves unordered, why a stage's gates share it, and the
readings (interpretations) an answer rests on.  It is the reference the lazy compiler
(:mod:`workreg.policy.combine`) is tested against, for every combination of the shipped policies
and of generated ones.
"""

from __future__ import annotations

import networkx as nx

from workreg.policy.decision import (
    KIND_STRENGTH, Alternative, Citation, Conflict, ConflictClause, Decision, NotRequired, OrderEdge, ParallelStage, Provenance,
    RequiredApproval, StepItem, UnspecifiedPoint,
)
from workreg.policy.model import GATE_KINDS, Policy


def _join(*texts):
    found = list(dict.fromkeys(t for t in texts if t))
    return " ".join(found) or None


class ReferenceDecider:
    """Decide combinations of one policy as workreg 0.2's eager compiler did, with today's meaning."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.ref = policy.ref
        self.steps = {step.id: step for step in policy.steps}
        self.roles = {role.id: role for role in policy.roles}
        self.file_order = {step.id: index for index, step in enumerate(policy.steps)}
        self.kinds = {kind.id: kind for kind in policy.change_kinds}
        self.kind_order = [kind.id for kind in policy.change_kinds]
        source = policy.source
        self.quotes_from = policy.provenance.quotes_from or f"{source.document} {source.version}"

    def cite(self, c) -> Citation:
        return Citation(c.section, c.quote, self.quotes_from)

    def decide(self, changes, committees=(), originating=None) -> Decision:
        combo = tuple(sorted(set(changes), key=self.kind_order.index))
        names = tuple(dict.fromkeys(name.strip() for name in committees if name and name.strip()))
        return self._materialise(self._combine(combo), combo, names, originating.strip() if originating else None)

    def _graphs(self, combo):
        """Every edge that applies to ``combo`` (the kinds' own orders first, then the policy's
        readings, then what the text states: a pair's last edge gives its citation) and the stated ones."""
        wanted = set(combo)
        edges = [e for e in self.policy.precedence if not e.applies_to or wanted & set(e.applies_to)]
        own = [e for change in combo for e in self.kinds[change].order]
        direct, stated = nx.DiGraph(), nx.DiGraph()
        direct.add_nodes_from(self.steps)
        stated.add_nodes_from(self.steps)
        readings = {}
        for e in own + edges:
            if (e.before, e.after) not in readings or e.interpretation is None:
                readings[(e.before, e.after)] = (e.interpretation, e.condition)
        for e in own + [e for e in edges if e.interpretation] + [e for e in edges if not e.interpretation]:
            direct.add_edge(e.before, e.after, citation=e.citation)
        for e in edges:
            if not e.interpretation:
                stated.add_edge(e.before, e.after, citation=e.citation)
        return direct, stated, readings

    def _combine(self, combo) -> dict:
        steps, file_order = self.steps, self.file_order
        direct, stated, readings = self._graphs(combo)
        closure, stated_closure = nx.transitive_closure_dag(direct), nx.transitive_closure_dag(stated)
        required: dict[str, list] = {}
        for change in combo:
            for r in self.kinds[change].requirements:
                kind = r.kind or steps[r.step].kind
                entry = required.get(r.step)
                if entry is None:
                    required[r.step] = [kind, r.citation, [change], r.interpretation, [r.citation]]
                    continue
                entry[2].append(change)
                entry[4].append(r.citation)
                if KIND_STRENGTH.get(kind, 0) > KIND_STRENGTH.get(entry[0], 0):
                    entry[0], entry[1] = kind, r.citation
                entry[3] = entry[3] or r.interpretation
        gates = [s for s in required if steps[s].kind in GATE_KINDS]
        actions = [s for s in required if steps[s].kind not in GATE_KINDS]
        required_approvers = {steps[s].actor for s in gates}
        sub = closure.subgraph(gates)
        free = [g for g in gates if sub.degree(g) == 0] if len(gates) > 1 else []
        staged = sub.subgraph([g for g in gates if g not in free])
        stages = [sorted(g, key=file_order.__getitem__) for g in nx.topological_generations(staged)]
        position = {gate: index for index, stage in enumerate(stages) for gate in stage}
        free.sort(key=file_order.__getitem__)
        gates = sorted((g for g in gates if g not in free), key=lambda g: (position[g], file_order[g])) + free
        order = []
        for before, after in sorted(
            nx.transitive_reduction(staged).edges, key=lambda e: (position[e[0]], file_order[e[0]], file_order[e[1]])
        ):
            graph = stated if stated_closure.has_edge(before, after) else direct
            path = nx.shortest_path(graph, before, after)
            hops = list(zip(path, path[1:]))
            chain = [graph.edges[a, b]["citation"] for a, b in hops]
            interpretation = None if graph is stated else _join(*(readings[h][0] for h in hops))
            order.append((before, after, tuple(dict.fromkeys((c.section, c.quote) for c in chain)),
                          interpretation, _join(*(readings[h][1] for h in hops))))
        step_order = {s: i for i, s in enumerate(nx.lexicographical_topological_sort(
            closure.subgraph(actions), key=lambda s: f"{file_order[s]:06d}"))}
        actions.sort(key=step_order.__getitem__)
        not_required: dict[str, list] = {}
        unspecified: dict[str, list] = {}
        overruled: dict[str, list] = {}
        for change in combo:
            for n in self.kinds[change].not_required:
                if n.approver in required_approvers:
                    overruled.setdefault(n.approver, []).append((change, n.citation))
                    continue
                not_required.setdefault(n.approver, [n.approver, n.citation, []])[2].append(change)
            for u in self.kinds[change].unspecified:
                unspecified.setdefault(u.topic, [u.topic, u.text, u.citation, []])[3].append(change)
        conflicts = []
        for approver, saying in overruled.items():
            other: dict[str, list] = {}
            for gate in gates:
                if steps[gate].actor == approver:
                    for change, c in zip(required[gate][2], required[gate][4]):
                        other.setdefault(change, [])
                        if c not in other[change]:
                            other[change].append(c)
            conflicts.append(("not_required", (approver,), [(change, [c]) for change, c in saying],
                              list(other.items()), []))
        if len(combo) > 1:
            conflicts += self._order_conflicts(combo, order, required)
        return {
            "required": [[g, *required[g]] for g in gates],
            "steps": [[s, *required[s][:3], required[s][4]] for s in actions],
            "stages": stages, "unordered": free, "order": order,
            "not_required": list(not_required.values()), "unspecified": list(unspecified.values()),
            "conflicts": conflicts,
        }

    def _covers(self, kind, before, after) -> bool:
        """Whether ``kind`` alone orders ``before`` before ``after`` (networkx's closure of its graph)."""
        closures = self.__dict__.setdefault("_closures", {})
        if kind not in closures:
            closures[kind] = nx.transitive_closure_dag(self._graphs((kind,))[0])
        return closures[kind].has_edge(before, after)

    def _order_conflicts(self, combo, order, required):
        groups: dict[str, tuple[list, list]] = {}
        for edge in order:
            before, after = edge[0], edge[1]
            for gate in (before, after):
                if len(required[gate][2]) < 2:
                    continue
                for change in required[gate][2]:
                    if not self._covers(change, before, after):
                        gates, edges = groups.setdefault(change, ([], []))
                        if gate not in gates:
                            gates.append(gate)
                        if edge not in edges:
                            edges.append(edge)
        conflicts = []
        for silent in combo:
            if silent not in groups:
                continue
            gates, edges = groups[silent]
            stating = [c for c in combo if c != silent and any(self._covers(c, e[0], e[1]) for e in edges)]
            if not stating:
                stating = [c for gate in gates for c in required[gate][2] if c != silent]
            chains = list(dict.fromkeys(c for e in edges for c in e[2]))
            silent_clause = []
            for gate in gates:
                for change, c in zip(required[gate][2], required[gate][4]):
                    if change == silent and c not in silent_clause:
                        silent_clause.append(c)
            conflicts.append(("order", tuple(gates), [(c, chains) for c in dict.fromkeys(stating)],
                              [(silent, silent_clause)], edges))
        return conflicts

    def _actor_name(self, role: str, originating):
        info = self.roles[role]
        if originating and (info.designated or info.default is not None):
            return originating
        if info.default is not None:
            return self.roles[info.default].name
        return info.name

    def _reading(self, role: str, originating):
        info = self.roles[role]
        return info.interpretation if info.default is not None and not originating else None

    def _materialise(self, entry, changes, committees, originating) -> Decision:
        steps, roles = self.steps, self.roles

        def cite(c) -> Citation:
            return Citation(c[0], c[1], self.quotes_from) if isinstance(c, tuple) else self.cite(c)

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
        for stage in [*entry["stages"], entry["unordered"]]:
            for gate in sorted(stage, key=satisfier_first):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first:
                        satisfied[instance] = first[body]
                    else:
                        first[body] = instance
        reading_of = {i: self._reading(steps[gate].actor, originating) for gate in expansions for i, _ in expansions[gate]}
        required = []
        for gate, kind, citation, required_by, interpretation, cited in entry["required"]:
            step = steps[gate]
            for instance, name in expansions[gate]:
                required.append(RequiredApproval(
                    gate=instance, approver=step.actor, name=name, kind=kind, citation=cite(citation),
                    required_by=tuple(required_by), title=step.title, satisfied_by=satisfied.get(instance),
                    interpretation=_join(interpretation, reading_of[instance],
                                         reading_of.get(satisfied.get(instance, ""))),
                    citations=tuple(cite(c) for c in cited),
                ))
        stages = tuple(s for s in (
            tuple(i for gate in stage for i, _ in expansions[gate] if i not in satisfied) for stage in entry["stages"]
        ) if s)
        unordered = tuple(i for gate in entry["unordered"] for i, _ in expansions[gate] if i not in satisfied)
        order = tuple(
            OrderEdge(b, a, tuple(cite(c) for c in chain), interpretation, condition)
            for before, after, chain, interpretation, condition in entry["order"]
            for b, _ in expansions[before] for a, _ in expansions[after]
            if b not in satisfied and a not in satisfied
        )

        def alternatives(step):
            return tuple(
                Alternative(o.role, f"{o.qualifier} the {roles[o.role].name}" if o.qualifier else roles[o.role].name,
                            self.cite(o.citation))
                for o in step.also_by
            )

        step_items = tuple(
            StepItem(step=s, title=steps[s].title, actor=steps[s].actor,
                     name=self._actor_name(steps[s].actor, originating), kind=kind, optional=steps[s].optional,
                     citation=cite(citation), required_by=tuple(by),
                     interpretation=_join(steps[s].interpretation, self._reading(steps[s].actor, originating)),
                     also_by=alternatives(steps[s]), citations=tuple(cite(c) for c in cited))
            for s, kind, citation, by, cited in entry["steps"]
        )
        base = {i: gate for gate in expansions for i, _ in expansions[gate]}
        names = {item.gate: item.name for item in required}
        wanted = set(changes)
        groups = [g for g in self.policy.parallel if not g.applies_to or wanted & set(g.applies_to)]
        parallel = []
        for number, stage in enumerate(stages, 1):
            if len(stage) < 2:
                continue
            covering, loose = [], []
            for position, one in enumerate(stage):
                for other in stage[position + 1:]:
                    group = next((g for g in groups if {base[one], base[other]} <= set(g.steps)), None)
                    if group is None:
                        loose.append((one, other))
                    elif group not in covering:
                        covering.append(group)
            reading = _join(*(g.interpretation for g in covering))
            if loose:
                source = self.policy.source
                pairs = "; ".join(f"{names[a]} and {names[b]}" for a, b in loose)
                reading = _join(reading, f"{source.document} {source.version} gives no order between {pairs} and "
                                         "does not say they run together; workreg lists them in one stage.")
            parallel.append(ParallelStage(number, tuple(stage), tuple(self.cite(g.citation) for g in covering),
                                          _join(*(g.condition for g in covering)), reading))
        provenance = self.policy.provenance
        source = self.policy.source
        return Decision(
            policy=self.ref, changes=changes, required=tuple(required),
            not_required=tuple(NotRequired(a, roles[a].name, cite(c), tuple(by)) for a, c, by in entry["not_required"]),
            unspecified=tuple(UnspecifiedPoint(t, x, cite(c), tuple(by)) for t, x, c, by in entry["unspecified"]),
            stages=stages, order=order, steps=step_items, unordered=unordered, parallel=tuple(parallel),
            provenance=Provenance(provenance.kind, f"{source.document} {source.version}", self.quotes_from,
                                  provenance.note, tuple(self.cite(c) for c in provenance.basis)),
            # the source's "needs no approval" (requires: none), where nothing is required
            no_approval=() if required else tuple(
                self.cite(self.kinds[change].requires_none_citation) for change in changes
                if self.kinds[change].requires == "none" and self.kinds[change].requires_none_citation
            ),
            conflicts=tuple(self._conflict(c, cite) for c in entry["conflicts"]),
        )

    def _conflict(self, conflict, cite) -> Conflict:
        """The words of a conflict, as the decision documents them."""
        topic, subject, stating, other, edges = conflict
        label = f"{self.policy.source.document} {self.policy.source.version}"
        said = ", ".join(change for change, _ in stating)
        others = ", ".join(change for change, _ in other)

        def cites(citations):
            return tuple(cite(c) for c in citations)

        if topic == "not_required":
            approver = self.roles[subject[0]].name
            gates = "; ".join(s.title for s in self.policy.steps if s.actor == subject[0] and s.kind in GATE_KINDS)
            clauses = [ConflictClause(c, f"does not require the {approver}", cites(cs)) for c, cs in stating]
            clauses += [ConflictClause(c, f"requires {gates or approver}", cites(cs)) for c, cs in other]
            resolution = (f"{others}'s requirement wins: a request needs every approval any of its changes needs, "
                          f"so {said}'s \"not required\" does not waive it. Interpretation: {label} does not say "
                          "how a request of several changes is decided.")
        else:
            orders = "; ".join(f"{self.steps[e[0]].title} before {self.steps[e[1]].title}" for e in edges)
            titles = "; ".join(self.steps[g].title for g in subject)
            clauses = [ConflictClause(c, f"orders {orders}", cites(cs)) for c, cs in stating]
            clauses += [ConflictClause(c, f"requires {titles}, and states no such order", cites(cs))
                        for c, cs in other]
            shared = (f"one {titles} serves every change of the request, so it is" if len(subject) == 1
                      else f"the same gates ({titles}) serve every change of the request, so they are")
            resolution = (f"{said}'s order applies to {others} too: {shared} ordered as {said}'s clauses "
                          f"order it. Interpretation: {label} gives {others} no such order.")
        return Conflict(topic, tuple(subject), tuple(clauses), resolution)
