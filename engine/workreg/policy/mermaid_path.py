"""A decision's approval path as a Mermaid flowchart: what Markdown answers embed in a ```mermaid block.

Below the versions layer so that the Markdown of ``approvals`` and ``diff`` can draw it; the
whole-process and difference diagrams are in :mod:`workreg.versions.mermaid`, which shares the
helpers here.  Deterministic text, nothing imported to draw it.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Decision


def node_id(text: str) -> str:
    """A Mermaid node id: letters, digits and underscores, never a keyword such as ``end``."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def escape_text(text: str) -> str:
    """Label text inside double quotes: Mermaid's entity codes for the characters it would read."""
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", "<br/>"))


def label(*lines: str) -> str:
    """A quoted node label of one or more lines (empty lines left out)."""
    return '"' + "<br/>".join(escape_text(line) for line in lines if line) + '"'


def header(title: str) -> list[str]:
    """Front matter with the title (YAML: a JSON string is a YAML string whatever it holds) and the chart type."""
    return ["---", f"title: {json.dumps(escape_text(title), ensure_ascii=False)}", "---", "flowchart TB"]


def sections(item: Any) -> str:
    """``§3.2`` or ``§3.2, §4.1``: the sections an answer's clauses are in."""
    many = getattr(item, "citations", None) or [item.citation]
    return ", ".join(dict.fromkeys(f"§{citation.section}" for citation in many))


def policy_label(policy: "CompiledPolicy") -> str:
    """``DSP4003 1.2.0 (dsp4003@1.2.0)``, saying so when the version is a reconstruction."""
    record = policy.provenance_record
    text = f"{record.document} ({policy.ref})"
    if record.kind != "published":
        quotes = f", quotes from {record.quotes_from}" if record.quotes_from else ""
        text += f", {record.kind}: not a published text{quotes}"
    return text


def path_notes(decision: "Decision") -> list[str]:
    """What the text does not need or leaves open, as a note node beside the path."""
    notes = [f"Not required: {item.name} ({sections(item)})" for item in decision.not_required]
    if decision.unspecified:
        notes.append(f"{len(decision.unspecified)} point(s) not specified: see workreg approvals")
    return [f"    n__notes[{label(*notes)}]"] if notes else []


def approvals_mermaid(policy: "CompiledPolicy", decision: "Decision") -> str:
    """Only the approvals a decision needs, in stages, with the order between them and its clauses."""
    active = {item.gate: item for item in decision.required if item.satisfied_by is None}
    lines = header(f"Approval path of {', '.join(decision.changes)} · {policy_label(policy)}")

    def node(gate: str) -> str:
        item = active[gate]
        role = policy.role_name(item.approver)
        detail = [] if role == item.name else [f"as {role}"]
        detail.append(f"{item.kind} · {sections(item)}")
        if item.interpretation:
            detail.append("rests on an interpretation")
        return f"        {node_id(gate)}[{label(item.name, *detail)}]"

    for number, stage in enumerate(decision.stages, 1):
        gates = [gate for gate in stage if gate in active]
        if not gates:
            continue
        title = f"Stage {number}"
        for group in decision.parallel:
            if group.stage == number:
                title += " · together by interpretation" if group.interpretation else \
                    f" · in parallel {group.condition or ''}".rstrip()
        lines.append(f"    subgraph {node_id(f'stage_{number}')}[{label(title)}]")
        lines += [node(gate) for gate in gates]
        lines.append("    end")
    unordered = [gate for gate in decision.unordered if gate in active]
    if unordered:
        lines.append(f"    subgraph {node_id('unordered')}[{label('No order stated (any time)')}]")
        lines += [node(gate) for gate in unordered]
        lines.append("    end")
    for edge in decision.order:
        if edge.before not in active or edge.after not in active:
            continue
        clauses = "; ".join(dict.fromkeys(f"§{c.section}" for c in edge.citations))
        if edge.interpretation:
            clauses += " (interpretation)"
        arrow = "-.->" if edge.interpretation else "-->"
        lines.append(f"    {node_id(edge.before)} {arrow}|{label(clauses)}| {node_id(edge.after)}")
    if not active:
        lines.append(f"    n__none[{label(f'No approval named by {policy_label(policy)}')}]")
    lines += path_notes(decision)
    if active:
        lines += ["    classDef path fill:#dbe8fb,stroke:#1f5fbf,stroke-width:2px",
                  f"    class {','.join(node_id(gate) for gate in active)} path"]
    return "\n".join(lines) + "\n"


def fenced(source: str) -> str:
    """A Markdown ```mermaid block of ``source``."""
    return "```mermaid\n" + source.rstrip("\n") + "\n```\n"
