"""Text and Markdown reports of a register diff: each classified change, then the decision."""

from __future__ import annotations

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Decision
from workreg.policy.format import format_json, format_markdown, format_text, source_label, table
from workreg.registers.classify import EDITORIAL, ClassifiedChange


def _short(text: str | None, width: int = 44) -> str:
    if text is None:
        return "—"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(change: ClassifiedChange) -> str:
    record = change.record
    return f"{record.line_old or '-'}→{record.line_new or '-'}"


def _label(change: ClassifiedChange) -> str:
    return change.kind or "unclassified"


def _sorted(changes: list[ClassifiedChange]) -> list[ClassifiedChange]:
    order = {"editorial": 2, None: 1}
    return sorted(changes, key=lambda c: (order.get(c.kind, 0), c.kind or "", c.record.section,
                                          c.record.line_new or c.record.line_old or 0))


def format_diff_text(policy: CompiledPolicy, changes: list[ClassifiedChange], decision: Decision | None,
                     old: str, new: str) -> str:
    """Every change with its kind and rule, then what the changes need together."""
    out = [f"Changes from {old} to {new} ({policy.ref}):", ""]
    if not changes:
        out.append("  No changes.")
    else:
        out.append(table(
            ["Kind", "Section", "Change", "Lines", "Before", "After", "Rule"],
            [[_label(c), c.record.section, c.record.change, _line(c), _short(c.record.before),
              _short(c.record.after), c.rule or "—"] for c in _sorted(changes)],
        ))
    interpretations = {c.rule: c.interpretation for c in changes if c.interpretation}
    if interpretations:
        out += ["", "Interpretations applied:"]
        out += [f"  {rule}: {text}" for rule, text in sorted(interpretations.items())]
    unclassified = sorted({c.record.section for c in changes if c.kind is None})
    if unclassified:
        out += ["", f"Not specified by {source_label(policy)}: which approval a change to "
                    f"{', '.join(unclassified)} needs (no classification rule applies)."]
    out.append("")
    if decision is None:
        counted = [c for c in changes if c.kind == EDITORIAL]
        out.append("No approval needed: " + (
            f"the {len(counted)} change(s) are editorial." if counted and len(counted) == len(changes)
            else "no change is of a kind that needs one."))
        return "\n".join(out) + "\n"
    out.append(format_text(policy, decision))
    return "\n".join(out)


def format_diff_markdown(policy: CompiledPolicy, changes: list[ClassifiedChange], decision: Decision | None,
                         old: str, new: str) -> str:
    """The diff report as Markdown tables."""
    out = [f"## Changes from `{old}` to `{new}` ({policy.ref})", "",
           "| Kind | Section | Change | Before | After | Rule |", "|---|---|---|---|---|---|"]
    for c in _sorted(changes):
        cells = [_label(c), c.record.section, c.record.change, _short(c.record.before, 80),
                 _short(c.record.after, 80), c.rule or "—"]
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    out.append("")
    if decision is None:
        out.append("No approval needed.")
    else:
        out.append(format_markdown(policy, decision))
    return "\n".join(out) + ("" if decision else "\n")


def diff_json(old: str, new: str, policy: CompiledPolicy, changes: list[ClassifiedChange],
              decision: Decision | None, as_of: dict | None = None) -> str:
    """The JSON of ``workreg diff --format json`` and ``POST /v1/diff``: files, policy, changes, decision."""
    body = {
        "old": old, "new": new, "policy": policy.ref,
        "changes": [change.to_dict() for change in changes],
        "decision": decision.to_dict() if decision else None,
    }
    if as_of is not None:
        body["as_of"] = as_of
    return format_json(body)
