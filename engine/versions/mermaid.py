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
import json
import re
from typing import TYPE_CHECKING, Iterable

from workreg.errors import UsageError
from workreg.versions.exports_common import policy_label, sections

if TYPE_CHECKING:
    from workreg.policy.decision import Decision
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


def _id(text: str) -> str:
    """A Mermaid node id: letters, digits and underscores, never a keyword such as ``end``."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _text(text: str) -> str:
    """Label text inside double quotes: Mermaid's entity codes for the characters it would read."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", "<br/>"))


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(_text(line) for line in lines if line) + '"'


def _step_order(*models) -> list[str]:
    """Step ids in precedence order, ties broken by id (Kahn's algorithm; ids where versions disagree)."""
    steps = sorted({step.id for model in models for step in model.steps})
    successors: dict[str, set[str]] = {step: set() for step in steps}
    for model in models:
        for edge in model.precedence:
            successors[edge.before].add(edge.after)
    indegree = {step: 0 for step in steps}
    for after in successors.values():
        for step in after:
            indegree[step] += 1
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


def _header(title: str) -> list[str]:
    # The front matter is YAML: a JSON string is a YAML string whatever the title holds.
    return ["---", f"title: {json.dumps(_text(title), ensure_ascii=False)}", "---", "flowchart TB"]


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
        for item in decision.steps:
            on_path.setdefault(item.step, "step")
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
    for edge in sorted(model.precedence, key=lambda e: (position[e.before], position[e.after])):
        arrow = "-.->" if edge.interpretation else "-->"
        lines.append(f"    {_id(edge.before)} {arrow} {_id(edge.after)}")
    if decision is not None:
        lines += _path_notes(decision)
    lines += _class_lines({name: nodes for name, nodes in members.items() if name != "path" or decision})
    return "\n".join(lines) + "\n"


def _path_notes(decision: "Decision") -> list[str]:
    """What the text does not need or leaves open, as a note node beside the path."""
    notes = [f"Not required: {item.name} ({sections(item)})" for item in decision.not_required]
    if decision.unspecified:
        notes.append(f"{len(decision.unspecified)} point(s) not specified: see workreg approvals")
    return [f"    n__notes[{_label(*notes)}]"] if notes else []


def approvals_mermaid(loaded: "LoadedPolicy", decision: "Decision") -> str:
    """Only the approvals a decision needs, in stages, with the order between them and its clauses."""
    active = {item.gate: item for item in decision.required if item.satisfied_by is None}
    title = f"Approval path of {', '.join(decision.changes)} · {policy_label(loaded)}"
    lines = _header(title)

    def node(gate: str) -> str:
        item = active[gate]
        role = loaded.compiled.role_name(item.approver)
        detail = [] if role == item.name else [f"as {role}"]
        detail.append(f"{item.kind} · {sections(item)}")
        if item.interpretation:
            detail.append("rests on an interpretation")
        return f"        {_id(gate)}[{_label(item.name, *detail)}]"

    for number, stage in enumerate(decision.stages, 1):
        gates = [gate for gate in stage if gate in active]
        if not gates:
            continue
        label = f"Stage {number}"
        for group in decision.parallel:
            if group.stage == number:
                label += " · together by interpretation" if group.interpretation else \
                    f" · in parallel {group.condition or ''}".rstrip()
        lines.append(f'    subgraph {_id(f"stage_{number}")}[{_label(label)}]')
        lines += [node(gate) for gate in gates]
        lines.append("    end")
    unordered = [gate for gate in decision.unordered if gate in active]
    if unordered:
        lines.append(f'    subgraph {_id("unordered")}[{_label("No order stated (any time)")}]')
        lines += [node(gate) for gate in unordered]
        lines.append("    end")
    for edge in decision.order:
        if edge.before not in active or edge.after not in active:
            continue
        clauses = "; ".join(dict.fromkeys(f"§{c.section}" for c in edge.citations))
        if edge.interpretation:
            clauses += " (interpretation)"
        arrow = "-.->" if edge.interpretation else "-->"
        lines.append(f"    {_id(edge.before)} {arrow}|{_label(clauses)}| {_id(edge.after)}")
    if not active:
        lines.append(f"    n__none[{_label(f'No approval named by {policy_label(loaded)}')}]")
    lines += _path_notes(decision)
    lines += _class_lines({"path": [_id(gate) for gate in active]})
    return "\n".join(lines) + "\n"


def difference_mermaid(new: "LoadedPolicy", old: "LoadedPolicy") -> str:
    """What ``new`` changes from ``old``: the steps and order of both, classed added, removed or changed."""
    from workreg.versions.compare import compare_structure

    structure = compare_structure(old.model, new.model)
    status = {(entry["element"], entry["id"]): entry["change"] for entry in structure}
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
    others = [entry for entry in structure if entry["element"] not in ("step", "precedence")]
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
        return approvals_mermaid(loaded, loaded.compiled.decide(changes, tuple(committees)))
    return process_mermaid(loaded, changes, committees)


def fenced(source: str) -> str:
    """A Markdown ```mermaid block of ``source``."""
    return "```mermaid\n" + source.rstrip("\n") + "\n```\n"
