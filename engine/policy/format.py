"""Human output: aligned text tables and Markdown for decisions (JSON is ``Decision.to_dict``)."""

from __future__ import annotations

import json
import textwrap
from typing import Sequence

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Decision, RequiredApproval


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """A plain aligned text table (no borders), one row a line."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(str(cell))) for w, cell in zip(widths, row)]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    for row in rows:
        lines.append(indent + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def source_label(policy: CompiledPolicy) -> str:
    """``DSP4003 1.2.0``: the document a policy encodes, for "not specified by ..." lines."""
    source = policy.table["source"]
    return f"{source['document']} {source['version']}"


def approver_label(policy: CompiledPolicy, item: RequiredApproval) -> str:
    """The approver as a reader wants it: the role, and the body filling it where they differ."""
    role = policy.role_name(item.approver)
    if policy.table["roles"][item.approver]["per_name"] and ":" not in item.gate:
        return f"Each {role.lower()} (name with --committee)"
    if role != item.name:
        return f"{role} ({item.name})"
    return role


def _quote(text: str, width: int = 96, indent: str = "       ") -> str:
    return textwrap.fill(f'"{text}"', width=width, initial_indent=indent, subsequent_indent=indent + " ")


def format_text(policy: CompiledPolicy, decision: Decision) -> str:
    """The decision as readable text: approvals in stages with their clauses, then the rest."""
    kinds = policy.table["kinds"]
    out = [
        f"{decision.policy}  {policy.title}",
        "Changes: " + ", ".join(f"{c} ({kinds[c]})" for c in decision.changes),
        "",
    ]
    stage_of = decision.stage_numbers()
    active = [item for item in decision.required if item.satisfied_by is None]
    active.sort(key=lambda item: stage_of.get(item.gate, 0))
    if active:
        out.append("Required approvals, in order (one stage may run in parallel):")
        out.append(table(
            ["Stage", "Approver", "Kind", "Clause", "Gate"],
            [[str(stage_of[i.gate]), approver_label(policy, i), i.kind, f"§{i.citation.section}", i.gate] for i in active],
        ))
        out.append("")
        out.append("Why:")
        by_citation: dict = {}
        for item in active:
            by_citation.setdefault(item.citation, []).append(item)
        for citation, items in by_citation.items():
            names = ", ".join(dict.fromkeys(approver_label(policy, item) for item in items))
            out.append(f"  {names}: §{citation.section}")
            out.append(_quote(citation.quote))
            for interpretation in dict.fromkeys(i.interpretation for i in items if i.interpretation):
                out.append(f"       interpretation: {interpretation}")
    else:
        out.append(f"Required approvals: none named by {source_label(policy)}.")
    satisfied = [item for item in decision.required if item.satisfied_by is not None]
    titles = {item.gate: item.title for item in decision.required}
    for item in satisfied:
        out.append(textwrap.fill(
            f"{item.title} (§{item.citation.section}): given by the {titles.get(item.satisfied_by, item.satisfied_by)}, "
            f"since the {item.name} is that body.", width=96, initial_indent="  Also: ", subsequent_indent="    ",
        ))
    if decision.order:
        out.append("")
        out.append("Order:")
        for edge in decision.order:
            clauses = "; ".join(f"§{c.section}" for c in edge.citations)
            out.append(f"  {edge.before} → {edge.after}  ({clauses})")
            for citation in edge.citations:
                out.append(_quote(citation.quote))
    out.append("")
    if decision.not_required:
        out.append("Not required:")
        for item in decision.not_required:
            out.append(f"  {item.name}: §{item.citation.section}")
            out.append(_quote(item.citation.quote))
    else:
        out.append("Not required: nothing stated as not required.")
    if decision.unspecified:
        out.append("")
        out.append(f"Not specified by {source_label(policy)}:")
        for point in decision.unspecified:
            out.append(textwrap.fill(
                f"- {point.text} (§{point.citation.section}, {point.topic})", width=96,
                initial_indent="  ", subsequent_indent="    ",
            ))
    if decision.steps:
        out.append("")
        out.append("Other steps, in order:")
        out.append(table(
            ["Step", "By", "Kind", "Clause"],
            [[s.title + (" (optional)" if s.optional else ""), s.name, s.kind, f"§{s.citation.section}"]
             for s in decision.steps],
        ))
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(policy: CompiledPolicy, decision: Decision) -> str:
    """The decision as a Markdown section with tables, for issues and minutes."""
    kinds = policy.table["kinds"]
    stage_of = decision.stage_numbers()
    out = [
        f"### Approvals for {', '.join(kinds[c] for c in decision.changes)} ({decision.policy})",
        "",
    ]
    active = sorted(
        (i for i in decision.required if i.satisfied_by is None), key=lambda i: stage_of.get(i.gate, 0)
    )
    if active:
        out += ["| Stage | Approver | Kind | Clause | Quote |", "|---|---|---|---|---|"]
        for i in active:
            out.append(
                f"| {stage_of[i.gate]} | {_md(approver_label(policy, i))} | {i.kind} | "
                f"§{i.citation.section} | {_md(i.citation.quote)} |"
            )
    else:
        out.append(f"No approval is named by {source_label(policy)}.")
    titles = {item.gate: item.title for item in decision.required}
    for item in decision.required:
        if item.satisfied_by:
            out.append("")
            out.append(
                f"{_md(item.title)} (§{item.citation.section}) is given by the "
                f"{_md(titles.get(item.satisfied_by, item.satisfied_by))}: the {_md(item.name)} is that body."
            )
    if decision.not_required:
        out += ["", "**Not required**", ""]
        for item in decision.not_required:
            out.append(f"- {_md(item.name)}: §{item.citation.section} “{_md(item.citation.quote)}”")
    if decision.unspecified:
        out += ["", f"**Not specified by {source_label(policy)}**", ""]
        for point in decision.unspecified:
            out.append(f"- {_md(point.text)} (§{point.citation.section})")
    return "\n".join(out) + "\n"


def format_json(data) -> str:
    """Stable JSON: two-space indent, keys in contract order, UTF-8 kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def approvals_json(decision: Decision, as_of: dict | None = None) -> str:
    """The JSON of ``workreg approvals --format json`` and ``POST /v1/approvals``; ``as_of`` when ``--on`` chose."""
    body = decision.to_dict()
    if as_of is not None:
        body["as_of"] = as_of
    return format_json(body)
