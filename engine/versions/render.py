"""Process diagrams of a policy with Graphviz: the whole process, one decision's path, two versions' difference.

The only module that imports :mod:`graphviz`, and only when a diagram is built.  DOT output is
deterministic (same policy content, same bytes): nodes and edges follow the precedence order with
ties broken by id, never the order of the YAML file, and nothing depends on time or paths.
SVG and PNG need Graphviz's ``dot`` program; DOT text does not.
"""

from __future__ import annotations

import html
import shutil
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from workreg.errors import RenderError, UsageError

if TYPE_CHECKING:
    import graphviz

    from workreg.versions.compare import LoadedPolicy

PHASES = ("proposal", "approval", "establishment", "update", "removal")
PHASE_TITLES = {
    "proposal": "Proposal", "approval": "Approval", "establishment": "Establishment",
    "update": "Update", "removal": "Removal",
}
OUTPUT_FORMATS = (".dot", ".gv", ".svg", ".png")
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


def _actor_lines(loaded: "LoadedPolicy", step) -> list[str]:
    """Who performs a step (naming the body that fills the role by default) and its clause."""
    roles = {role.id: role for role in loaded.model.roles}
    role = roles[step.actor]
    lines = _wrap(role.name + (" (each)" if role.per_name else ""), 30)
    if role.default:
        lines += _wrap(f"by default: {roles[role.default].name}", 30)
    kind = step.kind + (", optional" if step.optional else "")
    lines.append(f"{kind} · §{step.citation.section}")
    return lines


# -- order -----------------------------------------------------------------------------------

def _step_order(models) -> list[str]:
    """Step ids of one or more policies in precedence order, ties broken by id."""
    import networkx as nx

    graph = nx.DiGraph()
    for model in models:
        graph.add_nodes_from(step.id for step in model.steps)
        graph.add_edges_from((edge.before, edge.after) for edge in model.precedence)
    try:
        return list(nx.lexicographical_topological_sort(graph))
    except nx.NetworkXUnfeasible:  # two versions that order steps oppositely: fall back to ids
        return sorted(graph.nodes)


def _new_graph(title: str) -> "graphviz.Digraph":
    import graphviz

    graph = graphviz.Digraph("workreg")
    graph.attr(
        rankdir="TB", newrank="true", nodesep="0.35", ranksep="0.45", fontname=FONT, fontsize="16",
        labelloc="t", label=title, compound="true",
    )
    graph.attr("node", fontname=FONT, fontsize="11", shape="box", style="rounded,filled", margin="0.12,0.06")
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    return graph


def _title(loaded: "LoadedPolicy", extra: str = "") -> str:
    model = loaded.model
    source = model.source
    return (f"{model.title}\n{source.document} {source.version} ({model.ref}, "
            f"{model.provenance.kind}){extra}")


def _clusters(graph, order: list[str], phase_of: dict[str, str], add_node) -> None:
    """One cluster per phase, in process order; nodes inside in precedence order."""
    for phase in PHASES:
        members = [step for step in order if phase_of.get(step) == phase]
        if not members:
            continue
        with graph.subgraph(name=f"cluster_{phase}") as cluster:
            cluster.attr(label=PHASE_TITLES[phase], style="rounded,filled", fillcolor="#f6f8fa",
                         color="#d0d7de", fontsize="13", labeljust="l")
            for step in members:
                add_node(cluster, step)


def _gate_attrs(step) -> dict[str, str]:
    if step.kind in ("ballot", "approval", "acknowledgement"):
        attrs = {"shape": "box", "style": "filled", "fillcolor": GATE_FILL, "penwidth": "1.6"}
    else:
        attrs = {"style": "rounded,filled", "fillcolor": ACTION_FILL}
    if step.optional:
        attrs["style"] += ",dashed"
    return attrs


# -- the diagrams ----------------------------------------------------------------------------

def process_diagram(
    loaded: "LoadedPolicy", changes: Iterable[str] = (), committees: Iterable[str] = (),
) -> "graphviz.Digraph":
    """The whole process; with ``changes``, that decision's approval path highlighted in stages."""
    model = loaded.model
    steps = {step.id: step for step in model.steps}
    order = _step_order([model])
    changes = tuple(changes)
    committees = tuple(dict.fromkeys(c.strip() for c in committees if c and c.strip()))
    decision = loaded.compiled.decide(changes, committees) if changes else None
    extra = ""
    if decision is not None:
        titles = loaded.compiled.table["kinds"]
        extra = "\nApproval path for: " + ", ".join(titles[c] for c in sorted(decision.changes))
        if not decision.stages:
            extra += f"\nNo approval named by {model.source.document} {model.source.version}"
        for item in decision.not_required:
            extra += f"\nNot required: {item.name} (§{item.citation.section})"
        if decision.unspecified:
            extra += f"\n{len(decision.unspecified)} point(s) not specified: see workreg approvals"
    graph = _new_graph(_title(loaded, extra))

    # Per-committee gates become one node per named committee.
    instances: dict[str, list[tuple[str, str | None]]] = {}
    roles = {role.id: role for role in model.roles}
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
            required_as[node] = f"{item.kind} · §{item.citation.section}"
            if item.satisfied_by:
                satisfied[node] = _node_id(item.satisfied_by, instances)
        for item in decision.steps:
            on_path.add(item.step)
            required_as[item.step] = f"{item.kind}{', optional' if item.optional else ''} · §{item.citation.section}"

    def add_node(cluster, step_id: str) -> None:
        step = steps[step_id]
        for node, committee in instances[step_id]:
            attrs = _gate_attrs(step)
            lines = _actor_lines(loaded, step)
            if committee:
                lines[0] = committee
            if node in required_as:  # how this decision requires the step, and where it says so
                lines[-1] = required_as[node]
            top = None
            if decision is not None:
                if node in on_path:
                    attrs.update(color=HIGHLIGHT, penwidth="2.6")
                    if step.is_gate:
                        attrs["fillcolor"] = HIGHLIGHT_FILL
                    if node in stage_of:
                        top = f"Stage {stage_of[node]}"
                    elif node in satisfied:
                        top = f"Satisfied by {steps[satisfied[node].split('__')[0]].title} (same body)"
                        attrs["style"] += ",dashed"
                else:
                    attrs.update(color=FADED, fontcolor=FADED_TEXT, fillcolor="#ffffff", penwidth="1")
            color = HIGHLIGHT if top else None
            cluster.node(node, _label(step.title, lines, top=top, color=color), **attrs)

    _clusters(graph, order, {s: steps[s].phase for s in steps}, add_node)

    position = {step: index for index, step in enumerate(order)}
    edges = sorted(model.precedence, key=lambda e: (position[e.before], position[e.after]))
    drawn: set[tuple[str, str]] = set()
    for edge in edges:
        for tail, _ in instances[edge.before]:
            for head, _ in instances[edge.after]:
                attrs = {"color": "#57606a"}
                if decision is not None:
                    if tail in on_path and head in on_path:
                        attrs = {"color": HIGHLIGHT, "penwidth": "2.4"}
                    else:
                        attrs = {"color": FADED}
                if edge.interpretation:
                    attrs["style"] = "dashed"
                graph.edge(tail, head, **attrs)
                drawn.add((tail, head))
    if decision is not None:
        # Order the decision implies through steps it leaves out: drawn, but not used for layout.
        highlighted = {edge for edge in drawn if edge[0] in on_path and edge[1] in on_path}
        implied = sorted({(_node_id(item.before, instances), _node_id(item.after, instances))
                          for item in decision.order})
        for tail, head in implied:
            if not _reaches(highlighted, tail, head):
                graph.edge(tail, head, color=HIGHLIGHT, penwidth="2.4", style="dotted", constraint="false",
                           xlabel="then")
    _legend(graph, highlighted=decision is not None)
    return graph


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
        items.append(({"color": "#ffffff", "fillcolor": "#ffffff"}, "", "dashed arrow: order workreg infers"))
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


def difference_diagram(new: "LoadedPolicy", old: "LoadedPolicy") -> "graphviz.Digraph":
    """What ``new`` changes from ``old``: added green, removed red dashed, changed orange."""
    from workreg.versions.compare import compare_structure
    from workreg.versions.compare_format import describe

    structure = compare_structure(old.model, new.model)
    status = {(e["element"], e["id"]): e["change"] for e in structure}
    new_steps = {step.id: step for step in new.model.steps}
    old_steps = {step.id: step for step in old.model.steps}
    order = _step_order([new.model, old.model])
    title = _title(new, f"\nchanges from {old.model.ref} ({old.model.source.document} "
                        f"{old.model.source.version}, {old.model.provenance.kind})")
    graph = _new_graph(title)
    names = _names_of(new, old)

    def add_node(cluster, step_id: str) -> None:
        source = new if step_id in new_steps else old
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
            entry = next(e for e in structure if e["element"] == "step" and e["id"] == step_id)
            lines += _wrap(describe(entry, names)[len(entry["label"].rstrip(".")) + 2:], 34)
        cluster.node(step_id, _label(step.title, lines, top=top, color=style["color"] if top else None), **attrs)

    phases = {**{s: old_steps[s].phase for s in old_steps}, **{s: new_steps[s].phase for s in new_steps}}
    _clusters(graph, order, phases, add_node)

    position = {step: index for index, step in enumerate(order)}
    edges = {(e.before, e.after): e for e in old.model.precedence}
    edges.update({(e.before, e.after): e for e in new.model.precedence})
    for before, after in sorted(edges, key=lambda e: (position[e[0]], position[e[1]])):
        state = status.get(("precedence", f"{before}->{after}"), "same")
        style = STATUS_STYLE[state]
        attrs = {"color": style["color"], "penwidth": style["penwidth"]}
        if "style_extra" in style:
            attrs["style"] = style["style_extra"]
        graph.edge(before, after, **attrs)

    others = [e for e in structure if e["element"] not in ("step", "precedence")]
    if others:
        graph.node("other_changes", _changes_table(others, names), shape="plaintext", style="")
        # Above the process, so the table's height does not stretch the first phase.
        for step in order:
            if not any(after == step for _, after in edges):
                graph.edge("other_changes", step, style="invis")
    _legend(graph, statuses=True)
    return graph


def _changes_table(entries: list[dict], names: dict[str, str]) -> str:
    """The differences that are not steps or order, as one HTML table, coloured by status."""
    from workreg.versions.compare_format import describe

    rows = ['<tr><td colspan="3" align="left"><font point-size="13">'
            'Roles, constraints, change kinds and rules</font></td></tr>']
    for entry in entries:
        style = STATUS_STYLE[entry["change"]]
        what = describe(entry, names)
        label = entry["label"].rstrip(".")
        if entry["element"] == "constraint":  # "Role must now satisfy: ..." under the role's name
            label = entry["label"].partition(": ")[0]
            what = what[len(label) + 1:]
        elif what.startswith(label + ": "):
            what = what[len(label) + 2:]
        else:
            what = ""
        detail = "<br/>".join(_escape(line) for line in _wrap(what, 48)) if what else ""
        basis = ", ".join(_basis_mark(c["quote"]) for c in entry["basis"])
        rows.append(
            f'<tr><td border="1" color="{style["color"]}" bgcolor="{style["fillcolor"]}"'
            f'{" style=" + chr(34) + "dashed" + chr(34) if "style_extra" in style else ""}>'
            f'<font color="{style["color"]}"><b>{entry["change"]}</b></font><br/>'
            f'<font point-size="9">{_escape(entry["element"].replace("_", " "))}</font></td>'
            f'<td align="left" balign="left"><b>{"<br/>".join(_escape(x) for x in _wrap(label, 40))}</b>'
            f'{"<br/>" + f"<font point-size={chr(34)}9{chr(34)}>{detail}</font>" if detail else ""}</td>'
            f'<td><font point-size="9">{_escape(basis)}</font></td></tr>'
        )
    return '<<table border="0" cellspacing="3" cellpadding="4">' + "".join(rows) + "</table>>"


def _basis_mark(quote: str) -> str:
    """``App. A 1.2.0`` from an Appendix A line "Version 1.2.0 ...", for a compact reference."""
    return "App. A " + quote.split()[1]


def _names_of(*loaded: "LoadedPolicy") -> dict[str, str]:
    names: dict[str, str] = {}
    for policy in reversed(loaded):
        names.update({role.id: role.name for role in policy.model.roles})
        names.update({step.id: step.title for step in policy.model.steps})
        names.update({kind.id: kind.title for kind in policy.model.change_kinds})
    return names


# -- output ----------------------------------------------------------------------------------

def render_dot(
    loaded: "LoadedPolicy", *, changes: Iterable[str] = (), committees: Iterable[str] = (),
    against: "LoadedPolicy | None" = None,
) -> str:
    """The DOT source of a policy's diagram (process, decision path, or difference from ``against``)."""
    if against is not None:
        if tuple(changes):
            raise UsageError("--change and --against cannot be combined", code="usage",
                             hint="draw the difference of two versions, or one decision's path")
        return difference_diagram(loaded, against).source
    return process_diagram(loaded, changes, committees).source


def dot_to(source: str, fmt: str) -> bytes:
    """Lay out DOT ``source`` as ``svg`` or ``png`` with Graphviz's ``dot`` program."""
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
