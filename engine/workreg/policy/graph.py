"""The integrity checks ``workreg check`` runs on a policy, and its precedence as a networkx graph.

Nodes are change kinds, steps and roles; edges say which steps a change kind requires, who
acts at each step, and which step precedes which.  Neither decisions (see
:mod:`workreg.policy.combine`) nor ``check`` import networkx (only :func:`policy_graph` and
:func:`precedence_graph` do); every check here is linear in the policy, or close to it
(see docs/bad-input.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from workreg.errors import PolicyError
from workreg.policy.model import GATE_KINDS, Policy

if TYPE_CHECKING:
    import networkx as nx

    from workreg.inputs import DocPath


@dataclass(frozen=True)
class Finding:
    """One integrity problem of a policy graph."""

    code: str
    message: str
    path: DocPath
    hint: str | None = None
    #: Other places the problem is made of: ``(what, document path)`` each (a cycle's edges).
    places: tuple[tuple[str, DocPath], ...] = ()


def precedence_graph(policy: Policy) -> nx.DiGraph:
    """Steps and the precedence edges between them, each edge carrying its citation."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(step.id for step in policy.steps)
    for edge in policy.precedence:
        graph.add_edge(edge.before, edge.after, citation=edge.citation)
    return graph


def order_declarations(policy: Policy) -> dict[tuple[str, str], DocPath]:
    """Every ordering edge ``(before, after)`` and the document path of its first declaration:
    a precedence entry, else a change kind's own ``order`` entry (file order)."""
    declared: dict[tuple[str, str], DocPath] = {}
    for index, edge in enumerate(policy.precedence):
        declared.setdefault((edge.before, edge.after), ("precedence", index))
    for kind_index, kind in enumerate(policy.change_kinds):
        for position, own in enumerate(kind.order):
            declared.setdefault((own.before, own.after), ("change_kinds", kind_index, "order", position))
    return declared


def cycle_edges(policy: Policy) -> list[tuple[str, str, DocPath]]:
    """A cycle of the order (precedence and every kind's own order) as ``(before, after, path)``
    edges, each with where it is declared, starting at the edge declared first; [] when acyclic.

    An iterative depth-first search over steps in file order: linear in steps and edges.
    """
    declared = order_declarations(policy)
    following: dict[str, list[str]] = {}
    for before, after in declared:
        following.setdefault(before, []).append(after)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for root in [step.id for step in policy.steps] + list(following):
        if state.get(root):
            continue
        path, iterators = [root], [iter(following.get(root, ()))]
        state[root] = 1
        while path:
            child = next(iterators[-1], None)
            if child is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(child) == 1:
                steps = path[path.index(child):] + [child]
                edges = [(a, b, declared[(a, b)]) for a, b in zip(steps, steps[1:])]
                first = min(range(len(edges)), key=lambda i: _declaration_rank(edges[i][2]))
                return edges[first:] + edges[:first]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                iterators.append(iter(following.get(child, ())))
    return []


def _declaration_rank(path: DocPath) -> tuple[int, int, int]:
    return (0, path[1], 0) if path[0] == "precedence" else (1, path[1], path[3])


def precedence_cycle(policy: Policy) -> list[str]:
    """A cycle of the order as steps, first repeated last; [] when there is none."""
    edges = cycle_edges(policy)
    return [before for before, _, _ in edges] + [edges[0][0]] if edges else []


def _cycle_finding(policy: Policy, edges: list[tuple[str, str, DocPath]]) -> Finding:
    steps = [before for before, _, _ in edges] + [edges[0][0]]
    kinds = list(dict.fromkeys(policy.change_kinds[path[1]].id for _, _, path in edges if path[0] == "change_kinds"))
    in_precedence = any(path[0] == "precedence" for _, _, path in edges)
    if not kinds:
        hint = "remove or reverse one precedence edge of the cycle"
    else:
        named = " and ".join(f"'{kind}'" for kind in kinds)
        whose = f"change kind {named}'s order" if len(kinds) == 1 else f"the orders of change kinds {named}"
        against = " and the precedence" if in_precedence else ""
        hint = (f"{whose}{against} put these steps in opposite orders, and a change of "
                f"{'that kind' if len(kinds) == 1 else 'those kinds'} would need them all: "
                "remove or reverse one of these order entries")
    return Finding(
        "cycle", "the order of steps has a cycle: " + " → ".join(steps), edges[0][2], hint,
        places=tuple((f"{before} → {after}", path) for before, after, path in edges),
    )


def cycle_error(policy: Policy, file: str, lines: dict[DocPath, int] | None = None) -> PolicyError:
    """The cycle of a policy's order as one error: at its first edge, naming every edge where it is
    declared (``file:line`` when the document's line map is given, else the field)."""
    finding = _cycle_finding(policy, cycle_edges(policy))
    return finding_error(finding, file, lines or {})


def finding_error(finding: Finding, file: str, lines: dict[DocPath, int]) -> PolicyError:
    """A finding as ``file:line: code: message``; a cycle's edges each with their own place."""
    from workreg.inputs import field_text, line_for

    def place(path: DocPath) -> str:
        line = line_for(path, lines)[0]
        return f"{file}:{line} ({field_text(path)})" if line else field_text(path)

    message = finding.message
    if finding.places:
        message += "; its edges: " + ", ".join(f"{what} at {place(path)}" for what, path in finding.places)
    return PolicyError(message, code=finding.code, file=file, line=line_for(finding.path, lines)[0],
                       field=field_text(finding.path), hint=finding.hint)


def integrity_findings(policy: Policy) -> list[Finding]:
    """Cycles in the order, change kinds with no gate and no explicit answer, unused gates."""
    findings: list[Finding] = []
    cycle = cycle_edges(policy)
    if cycle:
        findings.append(_cycle_finding(policy, cycle))
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


#: Group members whose reachability one pass over the precedence carries (bits of one integer).
_MEMBERS_PER_PASS = 4096


def _parallel_contradictions(policy: Policy) -> list[Finding]:
    """Parallel groups whose steps the precedence orders (directly or through other steps).

    One finding per member some other member of its group precedes, naming the member listed
    first.  Reachability travels as bitsets (an int, a bit per group member) along one
    topological order of the precedence: each pass costs one OR per edge, and a pass carries
    up to ``_MEMBERS_PER_PASS`` members, so the work is linear in the policy for any number and
    size of groups up to that many members in all (and grows by a pass per that many beyond).
    The caller has checked that the order has no cycle.
    """
    members: list[tuple[int, str]] = []  # (group index, step) for every bit
    for index, group in enumerate(policy.parallel):
        members += [(index, step) for step in dict.fromkeys(group.steps)]
    if not members:
        return []
    order, parents = _topological(policy)
    findings: list[Finding] = []
    for start in range(0, len(members), _MEMBERS_PER_PASS):
        batch = members[start:start + _MEMBERS_PER_PASS]
        own: dict[str, int] = {}
        group_mask: dict[int, int] = {}
        for bit, (index, step) in enumerate(batch):
            own[step] = own.get(step, 0) | (1 << bit)
            group_mask[index] = group_mask.get(index, 0) | (1 << bit)
        reached: dict[str, int] = {}  # the member bits that precede each step
        for step in order:
            bits = 0
            for parent in parents.get(step, ()):
                bits |= reached.get(parent, 0) | own.get(parent, 0)
            if bits:
                reached[step] = bits
        for bit, (index, step) in enumerate(batch):
            earlier = reached.get(step, 0) & group_mask[index]
            if not earlier:
                continue
            first = _lowest_bit(earlier)
            before = batch[first][1]
            more = earlier.bit_count() - 1
            also = f" (and {more} other member{'s' if more > 1 else ''} of the group)" if more else ""
            findings.append(Finding(
                "parallel-contradicts-precedence",
                f"steps '{before}' and '{step}' may run in parallel, but the precedence "
                f"orders '{before}'{also} before '{step}'", ("parallel", index),
                "remove the step from the parallel group or the precedence edge that orders them",
            ))
    findings.sort(key=lambda finding: finding.path[1])  # group by group, as the file lists them
    return findings


def _lowest_bit(bits: int) -> int:
    return (bits & -bits).bit_length() - 1


def _topological(policy: Policy) -> tuple[list[str], dict[str, list[str]]]:
    """The steps in an order the precedence respects, and each step's direct predecessors."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    waiting: dict[str, int] = {step.id: 0 for step in policy.steps}
    for before, after in dict.fromkeys((edge.before, edge.after) for edge in policy.precedence):
        parents.setdefault(after, []).append(before)
        children.setdefault(before, []).append(after)
        waiting[after] = waiting.get(after, 0) + 1
        waiting.setdefault(before, 0)
    ready = [step for step, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        step = ready.pop()
        order.append(step)
        for child in children.get(step, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return order, parents


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

    def once(values: Iterable[str], path: DocPath, what: str, code: str) -> None:
        seen: set[str] = set()
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
    seen_edges: set[tuple[str, str]] = set()
    for index, edge in enumerate(policy.precedence):
        if (edge.before, edge.after) in seen_edges:
            findings.append(Finding("duplicate-precedence", f"the order '{edge.before}' before '{edge.after}' "
                                    "is listed twice", ("precedence", index), "remove the repeated entry"))
        seen_edges.add((edge.before, edge.after))
    for index, group in enumerate(policy.parallel):
        once(group.steps, ("parallel", index, "steps"), "parallel step", "duplicate-step")
    return findings
