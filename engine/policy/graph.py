"""The integrity checks ``workreg check`` runs on a policy, and its precedence as a networkx graph.

The graph's nodes are steps and its edges say which step precedes which.  Neither decisions (see
:mod:`workreg.policy.combine`) nor ``check`` of a sound policy import networkx: it names the
steps of a cycle when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workreg.policy.model import GATE_KINDS, Policy

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Finding:
    """One integrity problem of a policy graph."""

    code: str
    message: str
    path: tuple
    hint: str | None = None


def precedence_graph(policy: Policy) -> nx.DiGraph:
    """Steps and the precedence edges between them, each edge carrying its citation."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(step.id for step in policy.steps)
    for edge in policy.precedence:
        graph.add_edge(edge.before, edge.after, citation=edge.citation)
    return graph


def precedence_cycle(policy: Policy) -> list[str]:
    """A cycle of the precedence graph as steps, first repeated last; [] when there is none."""
    from workreg.policy.order import all_order_edges, topological_order

    steps = [step.id for step in policy.steps]
    if topological_order(steps, all_order_edges(policy)) is not None:
        return []
    import networkx as nx  # only to name the cycle, as every earlier version named it

    graph = precedence_graph(policy)
    graph.add_edges_from(all_order_edges(policy))  # a change kind's own order takes part too
    edges = nx.find_cycle(graph)
    return [edge[0] for edge in edges] + [edges[0][0]]


def integrity_findings(policy: Policy) -> list[Finding]:
    """Cycles in the order, change kinds with no gate and no explicit answer, unused gates."""
    findings: list[Finding] = []
    cycle = precedence_cycle(policy)
    if cycle:
        index = next(
            (i for i, edge in enumerate(policy.precedence) if edge.before == cycle[0] and edge.after == cycle[1]),
            0,
        )
        findings.append(Finding(
            "cycle", "the order of steps has a cycle: " + " → ".join(cycle), ("precedence", index),
            "remove one precedence edge of the cycle",
        ))
    gates = {step.id for step in policy.steps if step.is_gate}
    required_anywhere: set[str] = set()
    for index, kind in enumerate(policy.change_kinds):
        required = {requirement.step for requirement in kind.requirements}
        required_anywhere |= required
        if kind.requires != "none" and not (required & gates) and not kind.unspecified:
            findings.append(Finding(
                "no-gate", f"change kind '{kind.id}' requires no approval and says neither "
                "'requires: none' nor what is unspecified", ("change_kinds", index),
                "add the gates it requires, 'requires: none' with requires_none_citation, or an unspecified point",
            ))
    for index, step in enumerate(policy.steps):
        if step.is_gate and step.id not in required_anywhere:
            findings.append(Finding(
                "unreachable-gate", f"gate '{step.id}' is required by no change kind", ("steps", index),
                "require it from a change kind or remove it",
            ))
    if not cycle:
        findings += _parallel_contradictions(policy)
    findings += _kind_contradictions(policy)
    findings += _duplicates(policy)
    return findings


def _parallel_contradictions(policy: Policy) -> list[Finding]:
    """Parallel groups whose steps the precedence orders (directly or through other steps)."""
    after: dict[str, list[str]] = {}
    for edge in policy.precedence:
        after.setdefault(edge.before, []).append(edge.after)

    def reaches(start: str, goal: str) -> bool:
        seen, frontier = {start}, [start]
        while frontier:
            for following in after.get(frontier.pop(), ()):
                if following == goal:
                    return True
                if following not in seen:
                    seen.add(following)
                    frontier.append(following)
        return False

    findings = []
    for index, group in enumerate(policy.parallel):
        members = list(dict.fromkeys(group.steps))
        for position, first in enumerate(members):
            for second in members[position + 1:]:
                for before, later in ((first, second), (second, first)):
                    if reaches(before, later):
                        findings.append(Finding(
                            "parallel-contradicts-precedence",
                            f"steps '{first}' and '{second}' may run in parallel, but the precedence "
                            f"orders '{before}' before '{later}'", ("parallel", index),
                            "remove the step from the parallel group or the precedence edge that orders them",
                        ))
    return findings


def _kind_contradictions(policy: Policy) -> list[Finding]:
    """Change kinds that require an approval of a role and also say that role's approval is not required."""
    steps = {step.id: step for step in policy.steps}
    findings = []
    for index, kind in enumerate(policy.change_kinds):
        approving: dict[str, str] = {}
        for requirement in kind.requirements:
            step = steps.get(requirement.step)
            if step is not None and (requirement.kind or step.kind) in GATE_KINDS:
                approving.setdefault(step.actor, step.id)
        for position, entry in enumerate(kind.not_required):
            if entry.approver in approving:
                findings.append(Finding(
                    "contradiction",
                    f"change kind '{kind.id}' requires '{approving[entry.approver]}', an approval by "
                    f"'{entry.approver}', and also says that approval is not required",
                    ("change_kinds", index, "not_required", position),
                    "keep one of the two: the requirement or the not_required entry",
                ))
    return findings


def _duplicates(policy: Policy) -> list[Finding]:
    """The same requirement, not-required approver, unspecified topic, order edge or group member twice."""
    findings = []

    def once(values, path: tuple, what: str, code: str) -> None:
        seen: set = set()
        for position, value in enumerate(values):
            if value in seen:
                findings.append(Finding(code, f"{what} '{value}' is listed twice", path + (position,),
                                        "remove the repeated entry"))
            seen.add(value)

    for index, kind in enumerate(policy.change_kinds):
        base = ("change_kinds", index)
        once([r.step for r in kind.requirements], base + ("requires",), f"change kind '{kind.id}' requirement",
             "duplicate-requirement")
        once([n.approver for n in kind.not_required], base + ("not_required",),
             f"change kind '{kind.id}' not-required approver", "duplicate-requirement")
        once([u.topic for u in kind.unspecified], base + ("unspecified",),
             f"change kind '{kind.id}' unspecified topic", "duplicate-requirement")
    seen_edges: set = set()
    for index, edge in enumerate(policy.precedence):
        if (edge.before, edge.after) in seen_edges:
            findings.append(Finding("duplicate-precedence", f"the order '{edge.before}' before '{edge.after}' "
                                    "is listed twice", ("precedence", index), "remove the repeated entry"))
        seen_edges.add((edge.before, edge.after))
    for index, group in enumerate(policy.parallel):
        once(group.steps, ("parallel", index, "steps"), "parallel step", "duplicate-step")
    return findings
