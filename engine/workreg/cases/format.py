"""A case for people: status as text or as a Markdown agenda checklist, the list of cases, the log."""

from __future__ import annotations

from typing import Any, Sequence

from workreg.cases.events import Event, Migrated, Opened, Recorded
from workreg.cases.progress import CaseState, GateState
from workreg.policy.decision import Citation


def _clause(citation: Citation) -> str:
    return f"§{citation.section}" if citation.section[:1].isdigit() else citation.section


def _done_line(gate: GateState) -> str:
    if gate.status == "given":
        return f"given by {gate.given_by}"
    record = gate.record
    assert record is not None, "a gate done by its own record"
    text = f"{record.outcome} {record.date}"
    if record.again:
        text += " (held again)"
    if record.ref:
        text += f", {record.ref}"
    if record.by:
        text += f", by {record.by}"
    return text


def _waiting_line(gate: GateState) -> str:
    if gate.given_by:
        return f"given by {gate.given_by} once it is approved"
    parts = []
    for blocker in gate.waiting_on:
        clauses = ", ".join(dict.fromkeys(_clause(c) for c in blocker.citations))
        parts.append(f"{blocker.gate} ({blocker.status}" + (f"; {clauses})" if clauses else ")"))
    return "waits for " + "; ".join(parts)


def committee_readings(state: CaseState) -> list[str]:
    """For a case opened from register documents: why each committee was taken to have milestone work
    (the vocabulary's reading of a milestone's words), so a reading is never shown as the register's word."""
    read = state.subject.get("committees_read") or {}
    return [read[name] for name in state.committees if name in read]


def reconstruction_note(state: CaseState) -> str | None:
    """For a case under a reconstruction: that its gates and clauses are a reading, and whose words they quote."""
    record = state.decision.provenance
    if record is None or record.kind != "reconstructed":
        return None
    return (f"RECONSTRUCTED, NOT A PUBLISHED TEXT: {record.document} is not at hand; this case's gates are a "
            f"reading of {record.quotes_from} and its change history, and every clause quotes {record.quotes_from}.")


def header(state: CaseState) -> list[str]:
    lines = [f"Case {state.id}: {state.title}"]
    policy = f"Policy: {state.policy} (sha256 {state.policy_hash[:12]}, {state.provenance})"
    lines.append(policy)
    note = reconstruction_note(state)
    if note:
        lines.append(note)
    if state.as_of:
        lines.append(f"Chosen as of {state.as_of['on']}: in force from {state.as_of['effective']}"
                     + (f" until {state.as_of['until']}" if state.as_of.get("until") else ""))
    lines.append("Changes: " + ", ".join(state.changes))
    if state.committees:
        lines.append("Committees with milestone work: " + ", ".join(state.committees))
        for note in committee_readings(state):
            lines.append(f"  reading: {note}")
    return lines


def format_status_text(state: CaseState) -> str:
    """Done, next, waiting and stopped gates, then whether the case is complete."""
    lines = header(state)
    lines.append("Status: " + ("COMPLETE" if state.complete else "open"))
    sections = (
        ("Done", state.done, _done_line),
        ("Next (may be held now)", state.next, lambda g: f"{g.kind}, {_clause(g.citation)}"),
        ("Waiting", state.waiting, _waiting_line),
        ("Stopped", state.stopped, _done_line),
    )
    for heading, gates, describe in sections:
        if not gates:
            continue
        lines.append("")
        lines.append(f"{heading}:")
        for gate in gates:
            stage = f"[{gate.stage}] " if gate.stage else ""
            lines.append(f"  {stage}{gate.gate} ({gate.name}): {describe(gate)}")
            if gate.after_outcome is not None:
                note = gate.after_outcome
                lines.append(f"      not specified: {note.text} ({_clause(note.citation)} \"{note.citation.quote}\")")
            elif gate.status in ("rejected", "withdrawn"):
                lines.append(f"      the policy says nothing of what follows a {gate.status} gate")
    if state.notes:
        lines.append("")
        lines.append("Notes:")
        for remark in state.notes:
            clauses = "; ".join(dict.fromkeys(f"{_clause(c)} \"{c.quote}\"" for c in remark.citations))
            lines.append(f"  {remark.code}: {remark.text}" + (f" ({clauses})" if clauses else ""))
    if state.unspecified:
        lines.append("")
        lines.append(f"Not specified by the policy ({len(state.unspecified)}): see --format json or "
                     f"'workreg approvals {' '.join(state.changes)} --policy {state.policy}'")
    lines.append("")
    count = len(state.events)
    lines.append(f"{count} event{'s' if count != 1 else ''}; 'workreg case log {state.id}' shows the audit trail.")
    return "\n".join(lines) + "\n"


def format_status_markdown(state: CaseState) -> str:
    """The case as a checklist for a committee's agenda."""
    lines = [f"## Case {state.id}: {state.title}", ""]
    lines.append(f"- Policy: `{state.policy}` (sha256 `{state.policy_hash[:12]}`, {state.provenance})")
    note = reconstruction_note(state)
    if note:
        lines.append(f"- **{note}**")
    lines.append("- Changes: " + ", ".join(f"`{c}`" for c in state.changes))
    if state.committees:
        lines.append("- Committees with milestone work: " + ", ".join(state.committees))
        for note in committee_readings(state):
            lines.append(f"  - *reading:* {note}")
    lines.append("- Status: " + ("**complete**" if state.complete else "open"))
    lines.append("")
    for gate in state.gates:
        checked = "x" if gate.status in ("approved", "given") else " "
        stage = f"stage {gate.stage}, " if gate.stage else ""
        if gate.status in ("approved", "given", "rejected", "withdrawn"):
            state_text = _done_line(gate)
        elif gate.status == "next":
            state_text = "**may be held now**"
        else:
            state_text = _waiting_line(gate)
        lines.append(f"- [{checked}] **{gate.title}** — {gate.name} ({gate.kind}, {stage}"
                     f"{_clause(gate.citation)}): {state_text}")
        if gate.after_outcome is not None:
            lines.append(f"  - Not specified: {gate.after_outcome.text} ({_clause(gate.after_outcome.citation)})")
    if state.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"- {note.code}: {note.text}" for note in state.notes)
    return "\n".join(lines) + "\n"


def format_list_text(states: Sequence[CaseState]) -> str:
    from workreg.outputs import table

    if not states:
        return "no cases\n"
    rows = []
    for state in states:
        progress = f"{len(state.done)}/{len(state.gates)}"
        where = "complete" if state.complete else (
            "stopped: " + ", ".join(g.gate for g in state.stopped) if state.stopped
            else "next: " + ", ".join(g.gate for g in state.next)
        )
        rows.append([str(state.id), state.title, state.policy, progress, where])
    return table(["Case", "Title", "Policy", "Done", "Where"], rows) + "\n"


def list_row(state: CaseState) -> dict[str, Any]:
    """One row of ``workreg case list --format json``."""
    return {
        "id": state.id, "title": state.title, "policy": state.policy, "policy_hash": state.policy_hash,
        "changes": list(state.changes), "complete": state.complete, "opened_at": state.opened_at,
        "done": [g.gate for g in state.done], "next": [g.gate for g in state.next],
        "waiting": [g.gate for g in state.waiting], "stopped": [g.gate for g in state.stopped],
    }


def describe_event(event: Event) -> str:
    payload = event.payload
    if isinstance(payload, Opened):
        what = f"opened under {payload.policy}: {', '.join(payload.changes)}"
        if payload.committees:
            what += f" (committees: {', '.join(payload.committees)})"
    elif isinstance(payload, Recorded):
        what = f"{payload.gate} {payload.outcome} {payload.date}" + (" (held again)" if payload.again else "")
        what += f", {payload.ref}" if payload.ref else ""
        what += f" — {payload.note}" if payload.note else ""
    elif isinstance(payload, Migrated):
        what = f"migrated {payload.from_policy} → {payload.policy}"
        what += f"; adds {', '.join(payload.added)}" if payload.added else ""
        what += f"; drops {', '.join(payload.dropped)}" if payload.dropped else ""
    else:  # pragma: no cover - every payload kind is handled above
        what = event.kind
    return f"#{event.seq}  {event.at}  {event.by or '-'}  {event.policy_hash[:12]}  {what}"


def format_log_text(events: Sequence[Event]) -> str:
    return "\n".join(describe_event(event) for event in events) + "\n"
