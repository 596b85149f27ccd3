"""BPMN 2.0 export of one decision's approval path, with diagram interchange so modelers open it as drawn.

One user task per approval the decision still needs (a gate satisfied by another gate of the same
body is not a task of its own: the process's documentation says which); the decision's stages in
sequence, a stage of several gates between a parallel split and a parallel join; an approval the
policy orders relative to no other gate runs on a branch of its own from the start.  Each task's
name is the gate's title and the approving body; its documentation and its ``workreg:gate``
extension element carry the gate id, the change kinds that require it and their clauses.

The XML is deterministic (same decision, same bytes) and valid against the BPMN 2.0 XSD; the
tests parse it with SpiffWorkflow and run it task by task.  Nothing here imports a BPMN library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from workreg.versions.exports_common import approval_citations, citation_text, ncname, policy_label

if TYPE_CHECKING:
    from workreg.policy.decision import Decision, RequiredApproval
    from workreg.versions.compare import LoadedPolicy

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
#: The namespace of workreg's extension elements (an identifier, not a fetched address).
WORKREG_NS = "urn:workreg:bpmn:1"

TASK_W, TASK_H = 150, 80
GATEWAY = 50
EVENT = 36
COLUMN = 210  # horizontal distance between the left edges of consecutive columns
ROW = 110  # vertical distance between rows
TOP = 80


class _Node(NamedTuple):
    id: str
    tag: str  # startEvent, endEvent, parallelGateway, userTask
    name: str
    column: int
    row: float
    documentation: str = ""
    extension: str = ""


def _box(node: _Node) -> tuple[float, float, float, float]:
    width, height = {"userTask": (TASK_W, TASK_H), "parallelGateway": (GATEWAY, GATEWAY)}.get(
        node.tag, (EVENT, EVENT))
    center_x = 100 + node.column * COLUMN + TASK_W / 2
    center_y = TOP + TASK_H / 2 + node.row * ROW
    return center_x - width / 2, center_y - height / 2, width, height


def _waypoints(source: _Node, target: _Node) -> list[tuple[float, float]]:
    """Right edge to left edge; an elbow through the gateway's top or bottom when the rows differ."""
    sx, sy, sw, sh = _box(source)
    tx, ty, tw, th = _box(target)
    s_mid, t_mid = sy + sh / 2, ty + th / 2
    if source.row == target.row:
        return [(sx + sw, s_mid), (tx, t_mid)]
    if source.tag == "parallelGateway" or source.tag == "startEvent":  # a split: leave downwards or upwards
        leave_y = sy + sh if t_mid > s_mid else sy
        return [(sx + sw / 2, leave_y), (sx + sw / 2, t_mid), (tx, t_mid)]
    enter_y = ty + th if s_mid > t_mid else ty  # a join: arrive from below or above
    return [(sx + sw, s_mid), (tx + tw / 2, s_mid), (tx + tw / 2, enter_y)]


def _task(item: "RequiredApproval", column: int, row: float, decision: "Decision",
          used: set[str]) -> _Node:
    task_id = ncname(f"Task_{item.gate}")
    while task_id in used:
        task_id += "_"
    used.add(task_id)
    citations = approval_citations(item)
    lines = [f"Gate: {item.gate}", f"Approver: {item.name} ({item.approver}), {item.kind}",
             "Required by: " + ", ".join(item.required_by)]
    lines += [citation_text(citation) for citation in citations]
    if item.interpretation:
        lines.append(f"Interpretation: {item.interpretation}")
    clauses = "".join(
        f"<workreg:clause section={quoteattr(c['section'])} source={quoteattr(c.get('source') or '')}>"
        f"{escape(c['quote'])}</workreg:clause>" for c in citations)
    extension = (f"<workreg:gate id={quoteattr(item.gate)} approver={quoteattr(item.approver)} "
                 f"kind={quoteattr(item.kind)} requiredBy={quoteattr(' '.join(item.required_by))}"
                 f"{' interpretation=' + quoteattr(item.interpretation) if item.interpretation else ''}>"
                 f"{clauses}</workreg:gate>")
    name = item.title if item.name in item.title else f"{item.title} ({item.name})"
    return _Node(task_id, "userTask", name, column, row, "\n".join(lines), extension)


def _layout(decision: "Decision") -> tuple[list[_Node], list[tuple[_Node, _Node]]]:
    """The flow's nodes with their column and row, and its sequence flows."""
    by_gate = {item.gate: item for item in decision.required if item.satisfied_by is None}
    nodes: list[_Node] = []
    flows: list[tuple[_Node, _Node]] = []
    used: set[str] = set()
    start = _Node("StartEvent", "startEvent", "Change proposed", 0, 0)
    nodes.append(start)
    unordered = [gate for gate in decision.unordered if gate in by_gate]
    stages = [[gate for gate in stage if gate in by_gate] for stage in decision.stages]
    stages = [stage for stage in stages if stage]
    column = 1
    head = start
    fork = None
    if unordered and stages:
        fork = _Node("Gateway_fork", "parallelGateway", "", column, 0)
        nodes.append(fork)
        flows.append((start, fork))
        head, column = fork, column + 1
    for number, stage in enumerate(stages, 1):
        if len(stage) == 1:
            task = _task(by_gate[stage[0]], column, 0, decision, used)
            nodes.append(task)
            flows.append((head, task))
            head, column = task, column + 1
            continue
        split = _Node(f"Gateway_stage{number}_split", "parallelGateway", f"Stage {number}", column, 0)
        join = _Node(f"Gateway_stage{number}_join", "parallelGateway", "", column + 2, 0)
        nodes.append(split)
        flows.append((head, split))
        for index, gate in enumerate(stage):
            task = _task(by_gate[gate], column + 1, index - (len(stage) - 1) / 2, decision, used)
            nodes.append(task)
            flows += [(split, task), (task, join)]
        nodes.append(join)
        head, column = join, column + 3
    lowest = max((node.row for node in nodes), default=0)
    if unordered:
        if fork is None:  # nothing ordered: every approval on a branch of its own from the start
            fork = start if len(unordered) == 1 else _Node("Gateway_fork", "parallelGateway", "", column, 0)
            if fork is not start:
                nodes.append(fork)
                flows.append((start, fork))
                column += 1
            lowest = -1
        branch_column = fork.column + 1
        tasks = [_task(by_gate[gate], branch_column, lowest + 1 + index, decision, used)
                 for index, gate in enumerate(unordered)]
        column = max(column, branch_column + 1)
        if len(tasks) == 1 and fork is start:
            nodes.append(tasks[0])
            flows.append((start, tasks[0]))
            head = tasks[0]
        else:
            join = _Node("Gateway_join", "parallelGateway", "", column, 0)
            for task in tasks:
                nodes.append(task)
                flows += [(fork, task), (task, join)]
            if head is not fork:
                flows.append((head, join))
            nodes.append(join)
            head, column = join, column + 1
    end = _Node("EndEvent", "endEvent", "Approvals complete", column, 0)
    nodes.append(end)
    flows.append((head, end))
    return nodes, flows


def decision_bpmn(loaded: "LoadedPolicy", decision: "Decision") -> str:
    """The BPMN 2.0 XML of ``decision``'s approval path under ``loaded``'s policy."""
    nodes, flows = _layout(decision)
    kinds = ", ".join(decision.changes)
    process_id = ncname("Process_" + "_".join(decision.changes))
    satisfied = [item for item in decision.required if item.satisfied_by is not None]
    about = [f"Approval path of {kinds} under {policy_label(loaded)}."]
    about += [f"{item.title}: satisfied by {item.satisfied_by} (same body)." for item in satisfied]
    about += [f"Not required: {item.name} ({citation_text(item.citation.to_dict())})." for item in decision.not_required]
    about += [f"Not specified: {item.text} ({citation_text(item.citation.to_dict())})." for item in decision.unspecified]
    if decision.steps:
        about.append("Other steps of the change (not drawn): " + "; ".join(
            f"{item.title} ({item.name})" for item in decision.steps) + ".")
    if not any(node.tag == "userTask" for node in nodes):
        about.append(f"No approval named by {policy_label(loaded)}.")

    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, list[str]] = {}
    flow_ids = []
    for index, (source, target) in enumerate(flows, 1):
        flow_id = f"Flow_{index}"
        flow_ids.append(flow_id)
        outgoing.setdefault(source.id, []).append(flow_id)
        incoming.setdefault(target.id, []).append(flow_id)

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:bpmndi="{BPMNDI_NS}" xmlns:dc="{DC_NS}" '
           f'xmlns:di="{DI_NS}" xmlns:workreg="{WORKREG_NS}" id="Definitions_workreg" '
           f'targetNamespace="{WORKREG_NS}" exporter="workreg" exporterVersion="{_version()}">',
           f'  <bpmn:process id="{process_id}" name={quoteattr(f"{kinds} ({loaded.compiled.ref})")} '
           f'isExecutable="true">',
           f"    <bpmn:documentation>{escape(chr(10).join(about))}</bpmn:documentation>"]
    for node in nodes:
        name = f" name={quoteattr(node.name)}" if node.name else ""
        out.append(f'    <bpmn:{node.tag} id="{node.id}"{name}>')
        if node.documentation:
            out.append(f"      <bpmn:documentation>{escape(node.documentation)}</bpmn:documentation>")
        if node.extension:
            out.append(f"      <bpmn:extensionElements>{node.extension}</bpmn:extensionElements>")
        out += [f"      <bpmn:incoming>{flow}</bpmn:incoming>" for flow in incoming.get(node.id, [])]
        out += [f"      <bpmn:outgoing>{flow}</bpmn:outgoing>" for flow in outgoing.get(node.id, [])]
        out.append(f"    </bpmn:{node.tag}>")
    for flow_id, (source, target) in zip(flow_ids, flows):
        out.append(f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source.id}" targetRef="{target.id}" />')
    out.append("  </bpmn:process>")
    out.append('  <bpmndi:BPMNDiagram id="Diagram_1">')
    out.append(f'    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="{process_id}">')
    for node in nodes:
        x, y, w, h = _box(node)
        out.append(f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}">')
        out.append(f'        <dc:Bounds x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" />')
        if node.tag != "userTask" and node.name:
            out.append(f'        <bpmndi:BPMNLabel><dc:Bounds x="{x - 20:g}" y="{y + h + 5:g}" '
                       f'width="{w + 40:g}" height="14" /></bpmndi:BPMNLabel>')
        out.append("      </bpmndi:BPMNShape>")
    for flow_id, (source, target) in zip(flow_ids, flows):
        out.append(f'      <bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">')
        out += [f'        <di:waypoint x="{x:g}" y="{y:g}" />' for x, y in _waypoints(source, target)]
        out.append("      </bpmndi:BPMNEdge>")
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


def user_task_gates(xml: str) -> dict[str, str]:
    """Task id → gate id of a BPMN document this module wrote (for tests and round trips)."""
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(xml)
    found = {}
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        gate = task.find(f".//{{{WORKREG_NS}}}gate")
        if gate is not None:
            found[task.get("id", "")] = gate.get("id", "")
    return found


def _version() -> str:
    from workreg import __version__

    return __version__

