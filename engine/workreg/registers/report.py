"""Text and Markdown reports of a register diff: the decision (who approves, in what order), then each change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workreg.policy.decide import CompiledPolicy
from workreg.policy.decision import Decision
from workreg.policy.format import checklist, format_markdown, format_text, provenance_banner, source_label, table
from workreg.policy.reserved import EDITORIAL, UNCLASSIFIED
from workreg.registers.classify import ClassifiedChange

if TYPE_CHECKING:
    from workreg.registers.result import RegisterDiff


def _short(text: str | None, width: int = 44) -> str:
    if text is None:
        return "—"
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(change: ClassifiedChange) -> str:
    record = change.record
    return f"{record.line_old or '-'}→{record.line_new or '-'}"


def _label(change: ClassifiedChange) -> str:
    return change.kind or UNCLASSIFIED


def _sorted(changes: list[ClassifiedChange]) -> list[ClassifiedChange]:
    order = {EDITORIAL: 2, None: 1}
    return sorted(changes, key=lambda c: (order.get(c.kind, 0), c.kind or "", c.record.section,
                                          c.record.line_new or c.record.line_old or 0))


def _decision_summary(decision: Decision | None, changes: list[ClassifiedChange]) -> str:
    """What the changes need when none needs a named approval, no stronger than the policy says it."""
    if decision is not None:
        return ""
    if not changes:
        return "No approval needed: the two versions do not differ."
    unclassified = [c for c in changes if c.kind is None]
    if unclassified:
        return (f"No approval is named for the classified changes, but {len(unclassified)} change(s) are "
                "unclassified: the policy does not say what they need (listed below).")
    counted = [c for c in changes if c.kind == EDITORIAL]
    return "No approval needed: " + (
        f"the {len(counted)} change(s) are editorial." if len(counted) == len(changes)
        else "no change is of a kind that needs one.")


def format_diff_text(policy: CompiledPolicy, result: RegisterDiff, old: str, new: str) -> str:
    """What the changes need (who must approve, in what order) first, then every change with its rule."""
    changes = list(result.changes)
    decision = result.decision
    out = [f"Changes from {old} to {new} ({policy.ref}):"]
    out += [f"  {notice}" for notice in result.warnings]
    out.append("")
    if decision is None:
        out += [provenance_banner(policy), "", _decision_summary(decision, changes)]
    else:
        # How milestone words brought committees in is each such approval's interpretation.
        out.append(format_text(policy, decision).rstrip("\n"))
    out += ["", f"The changes ({len(changes)}):", ""]
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
    return "\n".join(out) + "\n"


def format_diff_markdown(policy: CompiledPolicy, result: RegisterDiff, old: str, new: str) -> str:
    """The diff report as Markdown: the decision first, then the changes, ending in a checklist."""
    changes = list(result.changes)
    decision = result.decision
    out = [f"## Changes from `{old}` to `{new}` ({policy.ref})", ""]
    out += [f"> **Warning**: {notice}" for notice in result.warnings]
    if result.warnings:
        out.append("")
    if decision is None:
        out += [provenance_banner(policy), "", _decision_summary(decision, changes), ""]
    else:
        out += [format_markdown(policy, decision, with_checklist=False).rstrip("\n"), ""]
    out += [f"### The changes ({len(changes)})", "",
            "| Kind | Section | Change | Before | After | Rule |", "|---|---|---|---|---|---|"]
    for c in _sorted(changes):
        cells = [_label(c), c.record.section, c.record.change, _short(c.record.before, 80),
                 _short(c.record.after, 80), c.rule or "—"]
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    interpretations = {c.rule: c.interpretation for c in changes if c.interpretation}
    if interpretations:
        out += ["", "**Interpretations applied**", ""]
        out += [f"- `{rule}`: {text}" for rule, text in sorted(interpretations.items())]
    unclassified = sorted({c.record.section for c in changes if c.kind is None})
    if unclassified:
        out += ["", f"Not specified by {source_label(policy)}: which approval a change to "
                    f"{', '.join(unclassified)} needs (no classification rule applies)."]
    tasks = checklist(policy, decision) if decision is not None else []
    if tasks:
        out += ["", "**Checklist**", "", *tasks]
    return "\n".join(out) + "\n"
