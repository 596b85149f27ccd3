"""Mermaid flowcharts of a policy: the whole process, one decision's approval path, two versions' difference.

Mermaid is drawn by code hosts inside Markdown, so these are what ``approvals`` and ``diff``
embed in their Markdown output.  They carry what the Graphviz diagrams carry, in Mermaid's
vocabulary: a subgraph per phase (or per stage), gates as boxes and actions as rounded boxes,
solid arrows for the order the text states and dashed ones for readings, classes for the path
and for what a version adds, removes or changes.  The text is deterministic and needs nothing
installed.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Iterable

from workreg.errors import UsageError
from workreg.policy.mermaid_path import approvals_mermaid, header as _header, label as _label, \
    node_id as _id, path_notes as _path_notes
from workreg.versions.exports_common import policy_label

if TYPE_CHECKING:
    from workreg.versions.compare import LoadedPolicy

GATE_KINDS = ("ballot", "approval", "acknowledgement")
CLASSES = {
    "gate": "fill:#fff2c6,stroke:#333333",
    "action": "fill:#ffffff,stroke:#333333",
    "optional": "stroke-dasharray:4 3",
    "path": "fill:#dbe8fb,stroke:#1f5fbf,stroke-width:2px",
    "faded": "fill:#ffffff,stroke:#c4c4c4,color:#9a9a9a",
    "added": "fill:#dcf5e3,stroke:#1a7f37,stroke-width:2px",
    "removed": "fill:#fde2e1,stroke:#cf222e,stroke-width:2px,stroke-dasharray:4 3",
    "changed": "fill:#fff0d9,stroke:#bf6a02,stroke-width:2px",
}


def _step_order(*models) -> list[str]:
    """Step ids in precedence order, ties broken by id (Kahn's algorithm; ids where versions disagree)."""
    steps = sorted({step.id for model in models for step in model.steps})
    successors: dict[str, set[str]] = {step: set() for step in steps}
    for model in models:
        for edge in model.precedence:
            successors[edge.before].add(edge.after)
    indegree = {step: 0 for step in steps}
    for following in successors.values():
        for later in following:
            indegree[later] += 1
    ready = [step for step in steps if indegree[step] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        step = heapq.heappop(ready)
        order.append(step)
        for after in sorted(successors[step]):
            indegree[after] -= 1
            if indegree[after] == 0:
                heapq.heappush(ready, after)
    return order if len(order) == len(steps) else steps


def _class_lines(members: dict[str, list[str]]) -> list[str]:
    lines = [f"    classDef {name} {CLASSES[name]}" for name in CLASSES if members.get(name)]
    lines += [f"    class {','.join(nodes)} {name}" for name, nodes in members.items() if nodes]
    return lines


def _phases(*models) -> dict[str, str]:
    phases: dict[str, str] = {}
    for model in reversed(models):
        for phase in model.phases:
            phases.setdefault(phase.id, phase.title)
    return phases


def process_mermaid(loaded: "LoadedPolicy", changes: Iterable[str] = (), committees: Iterable[str] = ()) -> str:
    """The whole process in phases; with ``changes``, that decision's path highlighted."""
    model = loaded.model
    steps = {step.id: step for step in model.steps}
    roles = {role.id: role for role in model.roles}
    order = _step_order(model)
    changes = tuple(changes)
    decision = loaded.compiled.decide(changes, tuple(committees)) if changes else None
    title = f"{model.title} · {policy_label(loaded)}"
    if decision is not None:
        title += " · approval path of " + ", ".join(decision.changes)
    on_path: dict[str, str] = {}
    if decision is not None:
        stage = {gate.partition(":")[0]: number for number, gates in enumerate(decision.stages, 1) for gate in gates}
        for item in decision.required:
            base = item.gate.partition(":")[0]
            if item.satisfied_by:
                on_path[base] = f"satisfied by {item.satisfied_by}"
            elif base in stage:
                on_path[base] = f"stage {stage[base]}"
            else:
                on_path[base] = "no order stated"
        for step_item in decision.steps:
            on_path.setdefault(step_item.step, "step")
    lines = _header(title)
    members: dict[str, list[str]] = {name: [] for name in CLASSES}
    for phase, phase_title in _phases(model).items():
        inside = [step for step in order if steps[step].phase == phase]
        if not inside:
            continue
        lines.append(f'    subgraph {_id("phase_" + phase)}[{_label(phase_title)}]')
        for step_id in inside:
            step = steps[step_id]
            role = roles[step.actor]
            detail = [role.name + (" (each)" if role.per_name else "")]
            if step_id in on_path and on_path[step_id] != "step":
                detail.insert(0, on_path[step_id].upper())
            shape = ("[", "]") if step.kind in GATE_KINDS else ("(", ")")
            lines.append(f"        {_id(step_id)}{shape[0]}{_label(step.title, *detail)}{shape[1]}")
            members["gate" if step.kind in GATE_KINDS else "action"].append(_id(step_id))
            if step.optional:
                members["optional"].append(_id(step_id))
            if decision is not None:
                members["path" if step_id in on_path else "faded"].append(_id(step_id))
        lines.append("    end")
    position = {step: index for index, step in enumerate(order)}
    faded = []
    for index, edge in enumerate(sorted(model.precedence, key=lambda e: (position[e.before], position[e.after]))):
        arrow = "-.->" if edge.interpretation else "-->"
        lines.append(f"    {_id(edge.before)} {arrow} {_id(edge.after)}")
        # An order stated for other change kinds (a new register's, say) is not this decision's.
        applies = not edge.applies_to or bool(set(edge.applies_to) & set(changes))
        if decision is not None and not (applies and edge.before in on_path and edge.after in on_path):
            faded.append(str(index))
    if faded:
        lines.append(f"    linkStyle {','.join(faded)} stroke:#c4c4c4")
    if decision is not None:
        lines += _path_notes(decision)
    lines += _class_lines({name: nodes for name, nodes in members.items() if name != "path" or decision})
    return "\n".join(lines) + "\n"


def difference_mermaid(new: "LoadedPolicy", old: "LoadedPolicy") -> str:
    """What ``new`` changes from ``old``: the steps and order of both, classed added, removed or changed."""
    from workreg.versions.compare import compare_structure

    structure = compare_structure(old.model, new.model)
    status = {(entry.element, entry.id): entry.change for entry in structure}
    new_steps = {step.id: step for step in new.model.steps}
    old_steps = {step.id: step for step in old.model.steps}
    steps = {**old_steps, **new_steps}
    order = _step_order(new.model, old.model)
    lines = _header(f"{policy_label(new)} · changes from {policy_label(old)}")
    members: dict[str, list[str]] = {name: [] for name in CLASSES}
    for phase, phase_title in _phases(old.model, new.model).items():
        inside = [step for step in order if steps[step].phase == phase]
        if not inside:
            continue
        lines.append(f'    subgraph {_id("phase_" + phase)}[{_label(phase_title)}]')
        for step_id in inside:
            step = steps[step_id]
            state = status.get(("step", step_id), "same")
            shape = ("[", "]") if step.kind in GATE_KINDS else ("(", ")")
            top = [] if state == "same" else [state.upper()]
            lines.append(f"        {_id(step_id)}{shape[0]}{_label(*top, step.title)}{shape[1]}")
            members["gate" if step.kind in GATE_KINDS else "action"].append(_id(step_id))
            if state != "same":
                members[state].append(_id(step_id))
        lines.append("    end")
    edges = {(e.before, e.after) for e in old.model.precedence} | {(e.before, e.after) for e in new.model.precedence}
    position = {step: index for index, step in enumerate(order)}
    for before, after in sorted(edges, key=lambda e: (position[e[0]], position[e[1]])):
        state = status.get(("precedence", f"{before}->{after}"), "same")
        arrow = {"added": "==>", "removed": "-.->"}.get(state, "-->")
        label = f"|{state}|" if state != "same" else ""
        lines.append(f"    {_id(before)} {arrow}{label} {_id(after)}")
    others = [entry for entry in structure if entry.element not in ("step", "precedence")]
    if others:
        lines.append(f"    n__other[{_label(f'{len(others)} other difference(s): see workreg compare')}]")
    lines += _class_lines(members)
    return "\n".join(lines) + "\n"


def render_mermaid(loaded: "LoadedPolicy", *, changes: Iterable[str] = (), committees: Iterable[str] = (),
                   against: "LoadedPolicy | None" = None, approvals_only: bool = False) -> str:
    """The Mermaid source of the diagram ``workreg render`` would draw with the same options."""
    changes = tuple(changes)
    if against is not None:
        if changes or approvals_only:
            raise UsageError("--change and --approvals-only cannot be combined with --against", code="usage",
                             hint="draw the difference of two versions, or one decision's path")
        return difference_mermaid(loaded, against)
    if approvals_only:
        if not changes:
            raise UsageError("--approvals-only draws one decision: name its change kinds with --change",
                             code="usage", hint="e.g. workreg render dsp4003 --change scope_extension --approvals-only")
        return approvals_mermaid(loaded.compiled, loaded.compiled.decide(changes, tuple(committees)))
    return process_mermaid(loaded, changes, committees)

