"""Process diagrams of a policy as Graphviz DOT: the whole process, one decision's path, two versions' difference.

Drawn from the compiled policy (:mod:`workreg.policy.compiled`), so a diagram needs neither the
validated model nor pydantic once the policy is cached; the difference of two versions also reads
their models (what changed).  The DOT text is written here (:class:`DotGraph`, byte for byte what
the :mod:`graphviz` package writes); :mod:`graphviz` is imported only to lay out SVG and PNG, which
need Graphviz's ``dot`` program.  DOT output is deterministic (same policy content, same bytes):
nodes and edges follow the precedence order with ties broken by id, never the order of the YAML
file, and nothing depends on time or paths.
"""

from __future__ import annotations

import html
import re
import textwrap
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from workreg.errors import RenderError, UsageError

if TYPE_CHECKING:
    from workreg.policy.compiled import StepInfo
    from workreg.policy.decide import CompiledPolicy
    from workreg.versions.compare import LoadedPolicy
    from workreg.versions.comparison import Clause, StructureChange

OUTPUT_FORMATS = (".dot", ".gv", ".svg", ".png")
#: Graphviz layout directions: top to bottom (the default) or left to right (landscape, for slides).
RANKDIRS = ("TB", "LR")
INSTALL_HINT = (
    "install Graphviz for the 'dot' program: 'apt-get install graphviz' on Debian/Ubuntu, "
    "'brew install graphviz' on macOS; or write DOT with -o FILE.dot"
)

FONT = "Helvetica"
GATE_FILL = "#fff2c6"  # approvals stand out from the actions around them
ACTION_FILL = "#ffffff"
HIGHLIGHT = "#1f5fbf"
HIGHLIGHT_FILL = "#dbe8fb"
FADED = "#c4c4c4"
FADED_TEXT = "#9a9a9a"
STATUS_STYLE = {  # --against: how added, removed and changed elements look
    "added": {"color": "#1a7f37", "fillcolor": "#dcf5e3", "penwidth": "2.2"},
    "removed": {"color": "#cf222e", "fillcolor": "#fde2e1", "penwidth": "2.2", "style_extra": "dashed"},
    "changed": {"color": "#bf6a02", "fillcolor": "#fff0d9", "penwidth": "2.2"},
    "same": {"color": "#8c8c8c", "fillcolor": "#ffffff", "penwidth": "1"},
}


# -- DOT text --------------------------------------------------------------------------------

# The quoting rules of the graphviz package (graphviz.quoting, 0.20 and 0.21), so that the text is
# the same bytes it writes: an HTML-like label ``<...>`` stays as it is, a plain id or number too
# (unless it is a DOT keyword), anything else is quoted with its double quotes escaped.
_HTML_STRING = re.compile(r"<.*>$", re.DOTALL)
_PLAIN_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_QUOTE_WITH_BACKSLASHES = re.compile(r'(?P<escaped_backslashes>(?:\\{2})*)\\?(?P<literal_quote>")')


def _quote(identifier: str) -> str:
    """A DOT id for ``identifier``: quoted when it is neither an HTML-like label nor a plain id."""
    if _HTML_STRING.match(identifier):
        return identifier
    if not _PLAIN_ID.match(identifier) or identifier.lower() in _KEYWORDS:
        return '"' + _QUOTE_WITH_BACKSLASHES.sub(r"\g<escaped_backslashes>\\\g<literal_quote>", identifier) + '"'
    return identifier


def _quote_edge(identifier: str) -> str:
    """An edge's end, ``node[:port[:compass]]``, each part quoted as needed."""
    node, _, rest = identifier.partition(":")
    parts = [_quote(node)]
    if rest:
        port, _, compass = rest.partition(":")
        parts.append(_quote(port))
        if compass:
            parts.append(compass)
    return ":".join(parts)


def _attributes(label: str | None, attrs: dict[str, str]) -> str:
    """``label=...`` first, then the other attributes by name (None values left out)."""
    items = [f"label={_quote(label)}"] if label is not None else []
    items += [f"{_quote(key)}={_quote(value)}" for key, value in sorted(attrs.items()) if value is not None]
    return " ".join(items)


class DotGraph:
    """A directed graph's DOT statements, in the order they are added (the graphviz package's
    ``Digraph`` API as far as the diagrams use it: ``attr``, ``node``, ``edge``, ``subgraph``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.body: list[str] = []

    def attr(self, kw: str | None = None, **attrs: str) -> None:
        """A graph attribute statement (``kw`` None), or the defaults of every ``node`` or ``edge``."""
        if attrs:
            listed = _attributes(None, attrs)
            self.body.append(f"\t{listed}\n" if kw is None else f"\t{kw} [{listed}]\n")

    def node(self, name: str, label: str | None = None, **attrs: str) -> None:
        listed = _attributes(label, attrs)
        self.body.append(f"\t{_quote(name)}{f' [{listed}]' if listed else ''}\n")

    def edge(self, tail: str, head: str, label: str | None = None, **attrs: str) -> None:
        listed = _attributes(label, attrs)
        self.body.append(f"\t{_quote_edge(tail)} -> {_quote_edge(head)}{f' [{listed}]' if listed else ''}\n")

    @contextmanager
    def subgraph(self, name: str) -> Iterator[DotGraph]:
        """A subgraph (a cluster when its name starts with ``cluster``), added when the block ends."""
        inner = DotGraph(name)
        yield inner
        self.body += [f"\t{line}" for line in inner.lines("subgraph ")]

    def lines(self, head: str = "digraph ") -> list[str]:
        return [f"{head}{_quote(self.name)} {{\n", *self.body, "}\n"]

    @property
    def source(self) -> str:
        """The DOT text."""
        return "".join(self.lines())


# -- labels ----------------------------------------------------------------------------------

def _wrap(text: str, width: int = 26) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _label(title: str, lines: Iterable[str], *, top: str | None = None, color: str | None = None) -> str:
    """An HTML-like node label: optional top line, the title in bold, then small detail lines."""
    font = f' color="{color}"' if color else ""
    parts = []
    if top:
        parts += [f'<font point-size="10"{font}><b>{_escape(line)}</b></font>' for line in _wrap(top, 30)]
    parts.append("<br/>".join(f"<b>{_escape(line)}</b>" for line in _wrap(title)))
    for line in lines:
        parts.append(f'<font point-size="9"{font}>{_escape(line)}</font>')
    return "<" + "<br/>".join(parts) + ">"


def _actor_lines(policy: CompiledPolicy, step: StepInfo) -> list[str]:
    """Who performs a step (naming the body that fills the role by default, and who else may) and its clause."""
    roles = policy.roles
    role = roles[step.actor]
    lines = _wrap(role.name + (" (each)" if role.per_name else ""), 30)
    for other in step.also_by:
        name = roles[other.role].name
        lines += _wrap(f"or {other.qualifier} the {name}" if other.qualifier else f"or {name}", 30)
    if role.default:
        lines += _wrap(f"most likely: {roles[role.default].name} (interpretation)", 30)
    if step.interpretation:
        lines.append("who acts: interpretation")
    kind = step.kind + (", optional" if step.optional else "")
    lines.append(f"{kind} · §{policy.citation(step.citation).section}")
    return lines


# -- order -----------------------------------------------------------------------------------

def _step_order(policies: Iterable[CompiledPolicy]) -> list[str]:
    """Step ids of one or more policies in precedence order, ties broken by id (Kahn's algorithm
    with the smallest id first, as networkx's ``lexicographical_topological_sort``)."""
    import heapq

    nodes: dict[str, None] = {}
    edges: dict[tuple[str, str], None] = {}
    for policy in policies:
        nodes.update(dict.fromkeys(policy.steps))
        for edge in policy.form.precedence:
            nodes.update(dict.fromkeys((edge.before, edge.after)))
            edges[edge.before, edge.after] = None
    children: dict[str, list[str]] = {node: [] for node in nodes}
    waiting = dict.fromkeys(nodes, 0)
    for before, after in edges:
        children[before].append(after)
        waiting[after] += 1
    ready = [node for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in children[node]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    # Two versions that order steps oppositely (a cycle): fall back to ids.
    return order if len(order) == len(nodes) else sorted(nodes)


def _new_graph(title: str, rankdir: str = "TB") -> DotGraph:
    if rankdir not in RANKDIRS:
        raise UsageError(f"unknown layout direction '{rankdir}'", code="bad-rankdir",
                         hint="use " + " or ".join(RANKDIRS))
    graph = DotGraph("workreg")
    graph.attr(
        rankdir=rankdir, newrank="true", nodesep="0.35", ranksep="0.45", fontname=FONT, fontsize="16",
        labelloc="t", label=title, compound="true",
    )
    graph.attr("node", fontname=FONT, fontsize="11", shape="box", style="rounded,filled", margin="0.12,0.06")
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    return graph


def _title(policy: CompiledPolicy, extra: str = "") -> str:
    """The policy as a reader names it, and what it is: the published text, or a reconstruction."""
    return f"{policy.title}\n{_what(policy)}{extra}"


def _what(policy: CompiledPolicy) -> str:
    source = policy.source
    provenance = policy.form.provenance
    if provenance.kind == "published":
        return f"{source.document} {source.version}, the published text"
    quotes = f" (quotes are {provenance.quotes_from})" if provenance.quotes_from else ""
    return f"{source.document} {source.version}: {provenance.kind.upper()}, not a published text{quotes}"


def _phases(*policies: CompiledPolicy) -> dict[str, str]:
    """Phase id → title, in the order the policies declare them (the newest policy's first)."""
    phases: dict[str, str] = {}
    for policy in reversed(policies):
        for phase in policy.form.phases:
            phases.setdefault(phase.id, phase.title)
    return phases


def _clusters(graph, order: list[str], phase_of: dict[str, str], phases: dict[str, str], add_node) -> None:
    """One cluster per phase, in the order the policy declares its phases; nodes inside in precedence order.

    (The order of phases is the one list of a policy whose order means something: the document's.)
    """
    for phase, title in phases.items():
        members = [step for step in order if phase_of.get(step) == phase]
        if not members:
            continue
        with graph.subgraph(name=f"cluster_{phase}") as cluster:
            cluster.attr(label=title, style="rounded,filled", fillcolor="#f6f8fa",
                         color="#d0d7de", fontsize="13", labeljust="l")
            for step in members:
                add_node(cluster, step)


def _gate_attrs(step: StepInfo) -> dict[str, str]:
    if step.kind in ("ballot", "approval", "acknowledgement"):
        attrs = {"shape": "box", "style": "filled", "fillcolor": GATE_FILL, "penwidth": "1.6"}
    else:
        attrs = {"style": "rounded,filled", "fillcolor": ACTION_FILL}
    if step.optional:
        attrs["style"] += ",dashed"
    return attrs


# -- the diagrams ----------------------------------------------------------------------------

def _path_notes(policy: CompiledPolicy, decision) -> str:
    """Title lines of a decision's path: what it is for, and what the text leaves open or does not need."""
    titles = policy.kind_titles
    extra = "\nApproval path: " + ", ".join(titles[c] for c in decision.changes)
    if not decision.stages and not decision.unordered:
        extra += f"\nNo approval named by {policy.source.document} {policy.source.version}"
    for item in decision.not_required:
        extra += f"\nNot required: {item.name} (§{item.citation.section})"
    if decision.unordered:
        extra += f"\nNo order stated for: {_gate_names(decision, decision.unordered)}"
    if decision.unspecified:
        extra += f"\n{len(decision.unspecified)} point(s) not specified: see workreg approvals"
    return extra


def _gate_names(decision, gates: Iterable[str]) -> str:
    names = {item.gate: item.name for item in decision.required}
    return ", ".join(names.get(gate, gate) for gate in gates)


def _stage_label(decision, stage: int) -> str:
    """``Stage 1``, with the text's condition for running its gates together, or that it is a reading."""
    label = f"Stage {stage}"
    for group in decision.parallel:
        if group.stage == stage:
            if group.interpretation:
                label += " · together by interpretation"
            elif group.condition:
                label += f" · in parallel {group.condition} (§{group.citations[0].section})" if group.citations \
                    else f" · in parallel {group.condition}"
    return label


def process_diagram(
    policy: CompiledPolicy, changes: Iterable[str] = (), committees: Iterable[str] = (), *, rankdir: str = "TB",
) -> DotGraph:
    """The whole process; with ``changes``, that decision's approval path highlighted in stages."""
    steps = policy.steps
    order = _step_order([policy])
    changes = tuple(changes)
    committees = tuple(dict.fromkeys(c.strip() for c in committees if c and c.strip()))
    decision = policy.decide(changes, committees) if changes else None
    graph = _new_graph(_title(policy, _path_notes(policy, decision) if decision is not None else ""), rankdir)

    # Per-committee gates become one node per named committee.
    instances: dict[str, list[tuple[str, str | None]]] = {}
    roles = policy.roles
    for step_id in order:
        if committees and roles[steps[step_id].actor].per_name:
            instances[step_id] = [(f"{step_id}__{index}", name) for index, name in enumerate(committees, 1)]
        else:
            instances[step_id] = [(step_id, None)]

    stage_of: dict[str, int] = {}
    satisfied: dict[str, str] = {}
    on_path: set[str] = set()
    required_as: dict[str, str] = {}  # gate node -> "kind · §clause" of the decision's requirement
    if decision is not None:
        for index, stage in enumerate(decision.stages, 1):
            for gate in stage:
                stage_of[_node_id(gate, instances)] = index
        for item in decision.required:
            node = _node_id(item.gate, instances)
            on_path.add(node)
            reading = " · interpretation" if item.interpretation else ""
            required_as[node] = f"{item.kind} · §{item.citation.section}{reading}"
            if item.satisfied_by:
                satisfied[node] = _node_id(item.satisfied_by, instances)
        for step in decision.steps:
            on_path.add(step.step)
            required_as[step.step] = f"{step.kind}{', optional' if step.optional else ''} · §{step.citation.section}"

    def add_node(cluster, step_id: str) -> None:
        step = steps[step_id]
        for node, committee in instances[step_id]:
            attrs = _gate_attrs(step)
            lines = _actor_lines(policy, step)
            if committee:
                lines[0] = committee
            if node in required_as:  # how this decision requires the step, and where it says so
                lines[-1] = required_as[node]
            top = None
            if decision is not None:
                if node in on_path:
                    attrs.update(color=HIGHLIGHT, penwidth="2.6")
                    if step.gate:
                        attrs["fillcolor"] = HIGHLIGHT_FILL
                    if node in stage_of:
                        top = _stage_label(decision, stage_of[node])
                    elif decision.unordered and any(_node_id(g, instances) == node for g in decision.unordered):
                        top = "No order stated"
                    elif node in satisfied:
                        top = f"Satisfied by {steps[satisfied[node].split('__')[0]].title} (same body)"
                        attrs["style"] += ",dashed"
                else:
                    attrs.update(color=FADED, fontcolor=FADED_TEXT, fillcolor="#ffffff", penwidth="1")
            color = HIGHLIGHT if top else None
            cluster.node(node, _label(step.title, lines, top=top, color=color), **attrs)

    _clusters(graph, order, {s: steps[s].phase for s in steps}, _phases(policy), add_node)

    position = {step: index for index, step in enumerate(order)}
    edges = sorted(policy.form.precedence, key=lambda e: (position[e.before], position[e.after]))
    drawn: set[tuple[str, str]] = set()
    active_edges: set[tuple[str, str]] = set()
    for edge in edges:
        # An order stated for other change kinds (a new register's, say) is not this decision's.
        applies = decision is None or not edge.applies_to or bool(set(edge.applies_to) & set(decision.changes))
        for tail, _ in instances[edge.before]:
            for head, _ in instances[edge.after]:
                attrs = {"color": "#57606a"}
                if decision is not None:
                    if applies and tail in on_path and head in on_path:
                        attrs = {"color": HIGHLIGHT, "penwidth": "2.4"}
                    else:
                        attrs = {"color": FADED}
                if edge.interpretation:
                    attrs["style"] = "dashed"
                graph.edge(tail, head, **attrs)
                drawn.add((tail, head))
                if applies:
                    active_edges.add((tail, head))
    if decision is not None:
        # Order the decision implies through steps it leaves out, or reads into a text that gives
        # none: drawn, but not used for layout.
        highlighted = {(tail, head) for tail, head in drawn if tail in on_path and head in on_path}
        highlighted = {edge for edge in highlighted if edge in active_edges}
        implied = sorted({(_node_id(item.before, instances), _node_id(item.after, instances), bool(item.interpretation))
                          for item in decision.order})
        for tail, head, interpreted in implied:
            if interpreted and (tail, head) not in highlighted:
                graph.edge(tail, head, color=HIGHLIGHT, penwidth="2.4", style="dashed", constraint="false",
                           xlabel="interpretation")
            elif not interpreted and not _reaches(highlighted, tail, head):
                graph.edge(tail, head, color=HIGHLIGHT, penwidth="2.4", style="dotted", constraint="false",
                           xlabel="then")
    _legend(graph, highlighted=decision is not None)
    return graph


def approvals_diagram(
    policy: CompiledPolicy, changes: Iterable[str], committees: Iterable[str] = (), *, rankdir: str = "TB",
) -> DotGraph:
    """Only the gates a decision needs, in their stages, and the order between them: for slides."""
    changes = tuple(changes)
    if not changes:
        raise UsageError("--approvals-only draws one decision: name its change kinds with --change",
                         code="usage", hint="e.g. workreg render dsp4003 --change scope_extension --approvals-only")
    committees = tuple(dict.fromkeys(c.strip() for c in committees if c and c.strip()))
    decision = policy.decide(changes, committees)
    graph = _new_graph(_title(policy, _path_notes(policy, decision)), rankdir)
    active = [item for item in decision.required if item.satisfied_by is None]
    by_gate = {item.gate: item for item in active}
    def node(cluster, item) -> None:
        role = policy.role_name(item.approver)
        lines = [] if role == item.name else _wrap(f"as {role}", 30)
        lines.append(f"{item.kind} · §{item.citation.section}")
        if item.interpretation:
            lines.append("rests on an interpretation")
        attrs = {"shape": "box", "style": "filled", "fillcolor": HIGHLIGHT_FILL, "color": HIGHLIGHT, "penwidth": "2"}
        if item.interpretation:
            attrs["style"] += ",dashed"
        cluster.node(_safe_id(item.gate), _label(item.name, lines), **attrs)

    for number, stage in enumerate(decision.stages, 1):
        with graph.subgraph(name=f"cluster_stage_{number}") as cluster:
            cluster.attr(label=_stage_label(decision, number), style="rounded,filled", fillcolor="#f6f8fa",
                         color="#d0d7de", fontsize="13", labeljust="l")
            for gate in stage:
                node(cluster, by_gate[gate])
    if decision.unordered:
        with graph.subgraph(name="cluster_unordered") as cluster:
            cluster.attr(label="No order stated (any time)", style="rounded,dashed", color="#8c8c8c",
                         fontsize="13", labeljust="l")
            for gate in decision.unordered:
                node(cluster, by_gate[gate])
    for edge in decision.order:
        sections = dict.fromkeys(f"§{c.section}" for c in edge.citations)
        attrs = {"color": HIGHLIGHT, "penwidth": "2", "label": "; ".join(sections)}
        if edge.interpretation:
            attrs.update(style="dashed", label=attrs["label"] + " (interpretation)")
        graph.edge(_safe_id(edge.before), _safe_id(edge.after), **attrs)
    if not active:
        graph.node("none", f"No approval named by {policy.source.document} {policy.source.version}",
                   shape="plaintext")
    return graph


def _safe_id(gate: str) -> str:
    """A DOT node id for a gate id (``affected_committee_ballot:Technical Committee``)."""
    return "".join(char if char.isalnum() else "_" for char in gate)


def _reaches(edges: set[tuple[str, str]], tail: str, head: str) -> bool:
    """Whether ``head`` can be reached from ``tail`` along ``edges``."""
    seen, frontier = {tail}, [tail]
    while frontier:
        node = frontier.pop()
        for before, after in edges:
            if before == node and after not in seen:
                if after == head:
                    return True
                seen.add(after)
                frontier.append(after)
    return False


def _node_id(gate: str, instances: dict[str, list[tuple[str, str | None]]]) -> str:
    """The node of a decision's gate id (``gate`` or ``gate:Committee``)."""
    base, _, committee = gate.partition(":")
    for node, name in instances.get(base, [(base, None)]):
        if name == committee or not committee:
            return node
    return base


def _legend(graph, *, highlighted: bool = False, statuses: bool = False) -> None:
    """A compact key in one node: gate, action, optional (and the path), or a difference's colours."""
    if statuses:
        items = [
            (STATUS_STYLE["added"], "", "added in this version"),
            (STATUS_STYLE["removed"], "dashed", "removed in this version"),
            (STATUS_STYLE["changed"], "", "changed"),
            (STATUS_STYLE["same"], "", "unchanged"),
        ]
    else:
        items = [
            ({"color": "#000000", "fillcolor": GATE_FILL}, "", "approval (gate)"),
            ({"color": "#000000", "fillcolor": ACTION_FILL}, "rounded", "action"),
            ({"color": "#000000", "fillcolor": ACTION_FILL}, "rounded,dashed", "optional step"),
        ]
        if highlighted:
            items.append(({"color": HIGHLIGHT, "fillcolor": HIGHLIGHT_FILL}, "", "on the approval path"))
        items.append(({"color": "#ffffff", "fillcolor": "#ffffff"}, "",
                      "solid arrow: order the text states (for the change kinds its clause covers)"))
        items.append(({"color": "#ffffff", "fillcolor": "#ffffff"}, "", "dashed arrow: order the policy infers (interpretation)"))
        if highlighted:
            items.append(({"color": "#ffffff", "fillcolor": "#ffffff"}, "",
                          "dotted arrow: order through skipped steps"))
    rows = "".join(
        f'<tr><td border="1" color="{style["color"]}" bgcolor="{style["fillcolor"]}"'
        f'{f" style={chr(34)}{cell}{chr(34)}" if cell else ""}>{_escape(text)}</td></tr>'
        for style, cell, text in items
    )
    label = f'<<table border="0" cellspacing="4" cellpadding="4"><tr><td><b>Legend</b></td></tr>{rows}</table>>'
    graph.node("legend", label, shape="plaintext", style="", fontsize="9")


def difference_diagram(new: "LoadedPolicy", old: "LoadedPolicy", *, rankdir: str = "TB") -> DotGraph:
    """What ``new`` changes from ``old``: added green, removed red dashed, changed orange."""
    from workreg.versions.compare import compare_structure
    from workreg.versions.compare_format import describe

    structure = compare_structure(old.model, new.model)
    status = {(e.element, e.id): e.change for e in structure}
    newer, older = new.compiled, old.compiled
    new_steps, old_steps = newer.steps, older.steps
    order = _step_order([newer, older])
    title = _title(newer, f"\nchanges from {_what(older)}")
    graph = _new_graph(title, rankdir)
    names = _names_of(newer, older)

    def add_node(cluster, step_id: str) -> None:
        source = newer if step_id in new_steps else older
        step = (new_steps if step_id in new_steps else old_steps)[step_id]
        state = status.get(("step", step_id), "same")
        attrs = _gate_attrs(step)
        style = STATUS_STYLE[state]
        attrs.update(color=style["color"], penwidth=style["penwidth"])
        if state != "same":
            attrs["fillcolor"] = style["fillcolor"]
        if "style_extra" in style:
            attrs["style"] += "," + style["style_extra"]
        top = None if state == "same" else state.upper()
        lines = _actor_lines(source, step)
        if state == "changed":
            entry = next(e for e in structure if e.element == "step" and e.id == step_id)
            lines += _wrap(describe(entry, names)[len(entry.label.rstrip(".")) + 2:], 34)
        cluster.node(step_id, _label(step.title, lines, top=top, color=style["color"] if top else None), **attrs)

    phases = {**{s: old_steps[s].phase for s in old_steps}, **{s: new_steps[s].phase for s in new_steps}}
    _clusters(graph, order, phases, _phases(older, newer), add_node)

    position = {step: index for index, step in enumerate(order)}
    edges = {(e.before, e.after): e for e in older.form.precedence}
    edges.update({(e.before, e.after): e for e in newer.form.precedence})
    for before, after in sorted(edges, key=lambda e: (position[e[0]], position[e[1]])):
        state = status.get(("precedence", f"{before}->{after}"), "same")
        style = STATUS_STYLE[state]
        attrs = {"color": style["color"], "penwidth": style["penwidth"]}
        if "style_extra" in style:
            attrs["style"] = style["style_extra"]
        graph.edge(before, after, **attrs)

    others = [e for e in structure if e.element not in ("step", "precedence")]
    if others:
        graph.node("other_changes", _changes_table(others, names), shape="plaintext", style="")
        # Above the process, so the table's height does not stretch the first phase.
        for step in order:
            if not any(after == step for _, after in edges):
                graph.edge("other_changes", step, style="invis")
    _legend(graph, statuses=True)
    return graph


def _changes_table(entries: list["StructureChange"], names: dict[str, str]) -> str:
    """The differences that are not steps or order, as one HTML table, coloured by status."""
    from workreg.versions.compare_format import describe

    rows = ['<tr><td colspan="3" align="left"><font point-size="13">'
            'Roles, constraints, change kinds and rules</font></td></tr>']
    for entry in entries:
        style = STATUS_STYLE[entry.change]
        what = describe(entry, names)
        label = entry.label.rstrip(".")
        if entry.element == "constraint":  # "Role must now satisfy: ..." under the role's name
            label = entry.label.partition(": ")[0]
            what = what[len(label) + 1:]
        elif what.startswith(label + ": "):
            what = what[len(label) + 2:]
        else:
            what = ""
        detail = "<br/>".join(_escape(line) for line in _wrap(what, 48)) if what else ""
        basis = ", ".join(_basis_mark(c) for c in entry.basis)
        rows.append(
            f'<tr><td border="1" color="{style["color"]}" bgcolor="{style["fillcolor"]}"'
            f'{" style=" + chr(34) + "dashed" + chr(34) if "style_extra" in style else ""}>'
            f'<font color="{style["color"]}"><b>{entry.change}</b></font><br/>'
            f'<font point-size="9">{_escape(entry.element.replace("_", " "))}</font></td>'
            f'<td align="left" balign="left"><b>{"<br/>".join(_escape(x) for x in _wrap(label, 40))}</b>'
            f'{"<br/>" + f"<font point-size={chr(34)}9{chr(34)}>{detail}</font>" if detail else ""}</td>'
            f'<td><font point-size="9">{_escape(basis)}</font></td></tr>'
        )
    return '<<table border="0" cellspacing="3" cellpadding="4">' + "".join(rows) + "</table>>"


def _basis_mark(line: "Clause") -> str:
    """``App. A 1.2.0`` from a change-history line "Version 1.2.0 ..." of Appendix A, for a compact reference."""
    section = line.section
    short = "App. " + section.split(" ", 1)[1] if section.startswith("Appendix ") else f"§{section}"
    return f"{short} {line.quote.split()[1]}"


def _names_of(*policies: CompiledPolicy) -> dict[str, str]:
    names: dict[str, str] = {}
    for policy in reversed(policies):
        names.update({role.id: role.name for role in policy.roles.values()})
        names.update({step.id: step.title for step in policy.steps.values()})
        names.update(policy.kind_titles)
    return names


# -- output ----------------------------------------------------------------------------------

def render_dot(
    policy: "CompiledPolicy | LoadedPolicy", *, changes: Iterable[str] = (), committees: Iterable[str] = (),
    against: "LoadedPolicy | None" = None, rankdir: str = "TB", approvals_only: bool = False,
) -> str:
    """The DOT source of a policy's diagram (process, decision path, approvals only, or difference from
    ``against``: that one, which reads both versions' models, takes ``policy`` as a LoadedPolicy too)."""
    if against is not None:
        if tuple(changes) or approvals_only:
            raise UsageError("--change and --approvals-only cannot be combined with --against", code="usage",
                             hint="draw the difference of two versions, or one decision's path")
        from workreg.versions.compare import LoadedPolicy

        if not isinstance(policy, LoadedPolicy):
            raise TypeError("the difference of two versions reads their models: give both as LoadedPolicy")
        return difference_diagram(policy, against, rankdir=rankdir).source
    from workreg.policy.decide import CompiledPolicy

    compiled = policy if isinstance(policy, CompiledPolicy) else policy.compiled
    if approvals_only:
        return approvals_diagram(compiled, changes, committees, rankdir=rankdir).source
    return process_diagram(compiled, changes, committees, rankdir=rankdir).source


def dot_to(source: str, fmt: str) -> bytes:
    """Lay out DOT ``source`` as ``svg`` or ``png`` with Graphviz's ``dot`` program."""
    import shutil

    if shutil.which("dot") is None:
        raise RenderError("the Graphviz 'dot' program is not installed", code="graphviz-missing", hint=INSTALL_HINT)
    import graphviz

    try:
        return graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise RenderError("the Graphviz 'dot' program is not installed", code="graphviz-missing",
                          hint=INSTALL_HINT) from exc
    except graphviz.CalledProcessError as exc:
        raise RenderError(f"dot failed: {exc.stderr.decode('utf-8', 'replace').strip() if exc.stderr else exc}",
                          code="graphviz-failed") from exc


def write_diagram(source: str, path: str | Path) -> None:
    """Write DOT ``source`` to ``path`` as DOT, SVG or PNG, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise UsageError(f"cannot write '{suffix or path.name}' diagrams", code="bad-format", file=str(path),
                         hint="use a file ending in " + ", ".join(OUTPUT_FORMATS))
    from workreg.outputs import write_file

    data = source.encode("utf-8") if suffix in (".dot", ".gv") else dot_to(source, suffix[1:])
    write_file(path, data)
