"""Human output: aligned text tables and Markdown for decisions (JSON is ``Decision.to_dict``).

Every format says what the policy is (published text or reconstruction, and which text its quotes
come from), which gates the text leaves unordered, the condition or reading behind every stage
of several gates and every order, and every interpretation the answer rests on.
"""

from __future__ import annotations

import textwrap
from typing import Any, Iterable, Sequence

from workreg.outputs import fill, text_width
# Re-exported: the JSON and table presentation that cli/ and serve/ take from here, beside a decision's.
from workreg.outputs import format_json as format_json, table as table
from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Citation, Decision, RequiredApproval, StepItem
from workreg.policy.mermaid_path import approvals_mermaid, fenced

#: The stage label of a gate the policy orders relative to no other gate of the decision.
ANY_STAGE = "any"


def source_label(policy: CompiledPolicy) -> str:
    """``DSP4003 1.2.0`` (``DSP4003 1.1b (reconstructed)``): the text a policy encodes, for "not specified by ..."."""
    kind = policy.provenance.kind
    return policy.source.label + ("" if kind == "published" else f" ({kind})")


def provenance_banner(policy: CompiledPolicy) -> str:
    """One paragraph a reader cannot miss: published text, or a reconstruction and what it quotes."""
    record = policy.provenance_record
    if record.kind == "published":
        return f"Source: {record.document}, the published text; quotes are from it."
    what = "RECONSTRUCTED" if record.kind == "reconstructed" else record.kind.upper()
    return (f"{what}, NOT A PUBLISHED TEXT: {policy.ref} reconstructs {record.document}, which is not at hand, "
            f"from {record.quotes_from} and its change history (Appendix A). Every quote is {record.quotes_from} "
            f"text, not {record.document}; each difference from it is marked as an interpretation.")


def approver_label(policy: CompiledPolicy, item: RequiredApproval) -> str:
    """The approver as a reader wants it: the role, and the body filling it where they differ."""
    role = policy.role_name(item.approver)
    if policy.role(item.approver).per_name and ":" not in item.gate:
        return f"Each {role.lower()} (name with --committee)"
    if role != item.name:
        return f"{role} ({item.name})"
    return role


def stage_label(decision: Decision, gate: str) -> str:
    """``1``, ``2``, ... or ``any`` for a gate the policy leaves unordered."""
    stage = decision.stage_numbers().get(gate)
    return str(stage) if stage is not None else ANY_STAGE


def actor_label(step: StepItem) -> str:
    """Who performs a step: its actor and anyone the text names as able to instead."""
    return " or ".join([step.name, *(other.name for other in step.also_by)])


def active_gates(decision: Decision) -> list[RequiredApproval]:
    """The gates still to pass, in stage order, unordered ones last."""
    stage_of = decision.stage_numbers()
    active = [item for item in decision.required if item.satisfied_by is None]
    return sorted(active, key=lambda item: stage_of.get(item.gate, len(decision.stages) + 1))


def _names(decision: Decision, policy: CompiledPolicy, gates: Iterable[str]) -> str:
    by_gate = {item.gate: item for item in decision.required}
    return ", ".join(approver_label(policy, by_gate[gate]) if gate in by_gate else gate for gate in gates)


def _cite(citations: Sequence[Citation]) -> str:
    return "; ".join(f"§{c.section}" for c in citations)


def clause_sections(item: RequiredApproval | StepItem) -> str:
    """``§3.2, §4.1``: the clauses of every change kind that requires the gate or step, each once."""
    return ", ".join(dict.fromkeys(f"§{c.section}" for c in (item.citations or (item.citation,))))


def _askers(decision: Decision, item: RequiredApproval) -> list[tuple[Citation, str | None]]:
    """(clause, the change kind citing it) for every kind requiring ``item``; no kind named for a single change."""
    if len(decision.changes) < 2 or not item.citations:
        return [(item.citation, None)]
    return list(zip(item.citations, item.required_by))


def conflict_lines(
    policy: CompiledPolicy, decision: Decision,
) -> list[tuple[str, list[tuple[str, tuple[Citation, ...]]], str]]:
    """Per conflict: a heading, each kind's words with its clauses, and the rule that resolves it."""
    result = []
    for conflict in decision.conflicts:
        if conflict.topic == "not_required":
            heading = f"{policy.role_name(conflict.subject[0])}: not required by one change, required by another"
        else:
            heading = "Order of " + ", ".join(policy.step(gate).title for gate in conflict.subject) + \
                      ": stated for one change, not for another"
        clauses = [(f"{clause.change} {clause.says}", clause.citations) for clause in conflict.clauses]
        result.append((heading, clauses, conflict.resolution))
    return result


def stage_notes(policy: CompiledPolicy, decision: Decision) -> list[str]:
    """Why gates share a stage (the text's permission and its condition, or the policy's reading)
    and which gates have no stated place in the order."""
    notes = []
    for group in decision.parallel:
        names = _names(decision, policy, group.gates)
        if group.interpretation is None:
            text = f"Stage {group.stage} ({names}): {source_label(policy)} allows them in parallel ({_cite(group.citations)})"
            text += f", {group.condition}." if group.condition else "."
        else:
            text = f"Stage {group.stage} ({names}): interpretation: {group.interpretation}"
            if group.condition:
                text += f" Where the text allows parallel ballots, it is {group.condition} ({_cite(group.citations)})."
        notes.append(text)
    if decision.unordered:
        names = _names(decision, policy, decision.unordered)
        notes.append(f"No order stated ({names}): {source_label(policy)} gives no order for "
                     + ("this approval relative to the others." if len(decision.unordered) == 1
                        else "these approvals relative to the others or each other."))
    return notes


def _wrapped(text: str, indent: str = "  ", subsequent: str = "    ") -> str:
    return fill(text, text_width() - 4, initial_indent=indent, subsequent_indent=subsequent)


def _quote(text: str, width: int | None = None, indent: str = "       ") -> str:
    return fill(f'"{text}"', (width or text_width()) - 4, initial_indent=indent, subsequent_indent=indent + " ")


def format_text(policy: CompiledPolicy, decision: Decision, *, notes: Sequence[str] = ()) -> str:
    """The decision as readable text: provenance, approvals in stages with their clauses, then the rest."""
    kinds = policy.kind_titles
    record = policy.provenance_record
    out = [
        f"{decision.policy}  {policy.title}",
        fill(provenance_banner(policy), text_width() - 4, subsequent_indent="    "),
        "Changes: " + ", ".join(f"{c} ({kinds[c]})" for c in decision.changes),
    ]
    out += [_wrapped("Note: " + note, indent="", subsequent="    ") for note in notes]
    out.append("")
    active = active_gates(decision)
    if active:
        heading = "Required approvals, in order" if decision.stages else "Required approvals"
        out.append(heading + (f" ({ANY_STAGE}: no order stated):" if decision.unordered else ":"))
        out.append(table(
            ["Stage", "Approver", "Kind", "Clause", "Gate"],
            [[stage_label(decision, i.gate), approver_label(policy, i), i.kind, clause_sections(i), i.gate]
             for i in active],
            whole=(4,),
        ))
        out += [_wrapped(note) for note in stage_notes(policy, decision)]
        out.append("")
        out.append("Why" + ("" if record.kind == "published" else f" (quotes from {record.quotes_from})") + ":")
        by_citation: dict[Citation, tuple[list[RequiredApproval], list[str]]] = {}
        for item in active:
            for citation, change in _askers(decision, item):
                entry = by_citation.setdefault(citation, ([], []))
                entry[0].append(item)
                if change is not None and change not in entry[1]:
                    entry[1].append(change)
        for citation, (items, changes) in by_citation.items():
            names = ", ".join(dict.fromkeys(approver_label(policy, item) for item in items))
            for_changes = f" ({', '.join(changes)})" if changes else ""
            out.append(f"  {names}: §{citation.section}{for_changes}")
            out.append(_quote(citation.quote))
            for interpretation in dict.fromkeys(i.interpretation for i in items if i.interpretation):
                whose = [approver_label(policy, i) for i in items if i.interpretation == interpretation]
                label = "interpretation" if len(whose) == len(items) else f"interpretation ({', '.join(whose)})"
                out.append(_wrapped(f"{label}: {interpretation}", indent="       ", subsequent="         "))
    else:
        if decision.no_approval:
            out.append(f"Required approvals: none: {source_label(policy)} says no approval is needed.")
            out += [f"  §{c.section}" + "\n" + _quote(c.quote) for c in decision.no_approval]
        else:
            out.append(f"Required approvals: none named by {source_label(policy)}.")
    titles = {item.gate: item.title for item in decision.required}
    for item in decision.required:
        giver = item.satisfied_by
        if giver is None:
            continue
        text = (f"{item.title} (§{item.citation.section}): given by the {titles.get(giver, giver)}, "
                f"since the {item.name} is that body.")
        if item.interpretation:
            text += f" Interpretation: {item.interpretation}"
        out.append(_wrapped(text, indent="  Also: "))
    if decision.order:
        out.append("")
        out.append("Order:")
        for edge in decision.order:
            out.append(f"  {edge.before} → {edge.after}  ({_cite(edge.citations)})")
            for citation in edge.citations:
                out.append(_quote(citation.quote))
            if edge.condition:
                out.append(_wrapped(f"condition: {edge.condition}", indent="       ", subsequent="         "))
            if edge.interpretation:
                out.append(_wrapped(f"interpretation: {edge.interpretation}", indent="       ", subsequent="         "))
    if decision.conflicts:
        out.append("")
        out.append("Conflicts between the changes:")
        for heading, clauses, resolution in conflict_lines(policy, decision):
            out.append(_wrapped(heading, indent="  ", subsequent="    "))
            for says, citations in clauses:
                out.append(_wrapped(f"{says} ({_cite(citations)})", indent="    ", subsequent="      "))
                out += [_quote(citation.quote) for citation in citations]
            out.append(_wrapped(f"resolved: {resolution}", indent="    ", subsequent="      "))
    out.append("")
    if decision.not_required:
        out.append("Not required:")
        for excused in decision.not_required:
            out.append(f"  {excused.name}: §{excused.citation.section}")
            out.append(_quote(excused.citation.quote))
    else:
        out.append("Not required: nothing stated as not required.")
    if decision.unspecified:
        out.append("")
        out.append(f"Not specified by {source_label(policy)}:")
        for point in decision.unspecified:
            out.append(_wrapped(f"- {point.text} (§{point.citation.section}, {point.topic})"))
    if decision.steps:
        out.append("")
        out.append("Other steps, in order:")
        out.append(table(
            ["Step", "By", "Kind", "Clause"],
            [[s.title + (" (optional)" if s.optional else ""), actor_label(s) + (" *" if s.interpretation else ""),
              s.kind, f"§{s.citation.section}"] for s in decision.steps],
        ))
        for step in decision.steps:
            if step.interpretation:
                out.append(_wrapped(f"* {step.title}: interpretation: {step.interpretation}"))
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def checklist(policy: CompiledPolicy, decision: Decision) -> list[str]:
    """One Markdown task per approval still to pass, in stage order, to paste into a ballot or an issue."""
    lines = []
    for item in active_gates(decision):
        stage = stage_label(decision, item.gate)
        when = f"Stage {stage}" if stage != ANY_STAGE else "Any stage (no order stated)"
        line = f"- [ ] {when}: {_md(approver_label(policy, item))} — {item.kind} (§{item.citation.section})"
        if item.interpretation:
            line += " — interpretation"
        lines.append(line)
    return lines


def format_markdown(policy: CompiledPolicy, decision: Decision, *, notes: Sequence[str] = (), heading: str = "###",
                    with_checklist: bool = True) -> str:
    """The decision as a Markdown section with tables, ending in a checklist, for issues and minutes."""
    kinds = policy.kind_titles
    record = policy.provenance_record
    out = [
        f"{heading} Approvals for {', '.join(kinds[c] for c in decision.changes)} ({decision.policy})",
        "",
        (f"> **{provenance_banner(policy)}**" if record.kind != "published" else provenance_banner(policy)),
        "",
    ]
    for note in notes:
        out += [f"> Note: {_md(note)}", ""]
    active = active_gates(decision)
    if active:
        out += ["| Stage | Approver | Kind | Clause | Quote |", "|---|---|---|---|---|"]
        for i in active:
            quotes = "<br>".join(
                _md(f"{change}: {citation.quote}" if change else citation.quote)
                for citation, change in _askers(decision, i))
            out.append(
                f"| {stage_label(decision, i.gate)} | {_md(approver_label(policy, i))} | {i.kind} | "
                f"{clause_sections(i)} | {quotes} |"
            )
        for note in stage_notes(policy, decision):
            out += ["", _md(note)]
        out += ["", fenced(approvals_mermaid(policy, decision)).rstrip("\n")]
    else:
        if decision.no_approval:
            out.append(f"No approval is needed: {source_label(policy)} says so ("
                       + "; ".join(f"§{c.section} \"{_md(c.quote)}\"" for c in decision.no_approval) + ").")
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
    interpretations = [(approver_label(policy, i), i.interpretation) for i in active if i.interpretation]
    interpretations += [(item.title, item.interpretation) for item in decision.required
                        if item.satisfied_by and item.interpretation]
    if interpretations:
        out += ["", "**Interpretations**", ""]
        out += [f"- {_md(who)}: {_md(text)}" for who, text in dict.fromkeys(interpretations)]
    if decision.order:
        out += ["", "**Order**", ""]
        for edge in decision.order:
            quotes = "; ".join(f"§{c.section} “{_md(c.quote)}”" for c in edge.citations)
            line = f"- {_md(_names(decision, policy, [edge.before]))} before {_md(_names(decision, policy, [edge.after]))}: {quotes}"
            if edge.condition:
                line += f" — condition: {_md(edge.condition)}"
            if edge.interpretation:
                line += f" — interpretation: {_md(edge.interpretation)}"
            out.append(line)
    if decision.conflicts:
        out += ["", "**Conflicts between the changes**", ""]
        for heading, clauses, resolution in conflict_lines(policy, decision):
            out.append(f"- {_md(heading)}")
            out += [f"  - {_md(says)}: " + "; ".join(f"§{c.section} “{_md(c.quote)}”" for c in citations)
                    for says, citations in clauses]
            out.append(f"  - Resolved: {_md(resolution)}")
    if decision.not_required:
        out += ["", "**Not required**", ""]
        for excused in decision.not_required:
            out.append(f"- {_md(excused.name)}: §{excused.citation.section} “{_md(excused.citation.quote)}”")
    if decision.unspecified:
        out += ["", f"**Not specified by {source_label(policy)}**", ""]
        for point in decision.unspecified:
            out.append(f"- {_md(point.text)} (§{point.citation.section})")
    if decision.steps:
        out += ["", "**Other steps, in order**", "", "| Step | By | Kind | Clause | Interpretation |", "|---|---|---|---|---|"]
        for s in decision.steps:
            out.append(f"| {_md(s.title + (' (optional)' if s.optional else ''))} | {_md(actor_label(s))} | {s.kind} | "
                       f"§{s.citation.section} | {_md(s.interpretation or '—')} |")
    tasks = checklist(policy, decision) if with_checklist else []
    if tasks:
        out += ["", "**Checklist**", "", *tasks]
    return "\n".join(out) + "\n"


def approvals_json(policy: CompiledPolicy, decision: Decision, named: Sequence[Any] = ()) -> dict[str, Any]:
    """``workreg approvals --format json``: the decision, and how each --committee name was read."""
    return {**decision.to_dict(), "committees": [item.to_dict() for item in named]}
