"""Human-readable rendering of a WorkRegister for ``workreg show``."""

from __future__ import annotations

from workreg.registers.model import Item, WorkRegister


def _at(line: int | None) -> str:
    return f"{line:>4}  " if line is not None else "   -  "


def _items(title: str, items: tuple[Item, ...]) -> list[str]:
    if not items:
        return []
    lines = [f"{title}:"]
    for item in items:
        owner = f"[{item.organization}] " if item.organization else ""
        # Sub-headings sit at the left, the items under them are indented.
        lines.append(f"  {_at(item.line)}{'' if item.label else '  '}{owner}{item.text}")
    return lines + [""]


def render_text(register: WorkRegister) -> str:
    """The register as indented text: key facts first, then sections with source line numbers."""
    out = [register.title.text, "=" * min(len(register.title.text), 79)]
    facts: list[tuple[str, str, int | None]] = []
    if register.version:
        facts.append(("version", register.version.text, register.version.line))
    if register.date_initiated:
        parsed = register.date_initiated.value
        facts.append(("date", register.date_initiated.text + (f" ({parsed.isoformat()})" if parsed else ""),
                      register.date_initiated.line))
    if register.organizations:
        partner = register.organizations.partner
        name = partner.name + (f" ({partner.abbreviation})" if partner.abbreviation else "")
        facts.append(("partner", name, partner.line))
    if register.process:
        process = register.process
        facts.append(("process", f"{process.document} {process.version or '(no version given)'}", process.line))
    if register.review_date:
        month = register.review_date.year_month
        facts.append(("next review", register.review_date.text + (f" ({month})" if month else ""),
                      register.review_date.line))
    document = register.corresponding_document
    if document and document.approval_date:
        parsed = document.approval_date.value
        facts.append(("partner approval", document.approval_date.text + (f" ({parsed.isoformat()})" if parsed else ""),
                      document.approval_date.line))
    approval = register.approval
    if approval:
        resolution = approval.resolution.text if approval.resolution else "(none)"
        when = approval.date.text if approval.date else "(no date)"
        facts.append(("board resolution", f"{resolution} on {when}", approval.line))
    for label, value, line in facts:
        out.append(f"{label + ':':<18}{value}" + (f"  [line {line}]" if line is not None else ""))
    out.append("sections:         " + ", ".join(heading.id for heading in register.sections))
    out.append("")
    if register.introduction:
        out += ["Introduction:", f"  {_at(register.introduction.line)}{register.introduction.text}", ""]
    out += _items("Background", register.background)
    out += _items("Benefits", register.benefits)
    out += _items("Activities", register.activities)
    out += _items("Limitations", register.limitations)
    if register.milestones:
        out.append("Milestones:")
        for milestone in register.milestones:
            status = "done" if milestone.done else "open"
            groups = f"  {{{', '.join(milestone.groups)}}}" if milestone.groups else ""
            out.append(f"  {_at(milestone.line)}[{status}] {milestone.deliverable or '(none)'}"
                       f" | {milestone.timeframe or '(no timeframe)'}{groups}")
        out.append("")
    out += _items("Access", register.access)
    out += _items("Documentation", register.documentation)
    if register.points_of_contact:
        out.append("Points of contact:")
        for contact in register.points_of_contact:
            parts = [part for part in (contact.name, contact.role) if part]
            who = ", ".join(parts) or contact.text
            email = f" <{contact.email}>" if contact.email else ""
            out.append(f"  {_at(contact.line)}[{contact.organization or '?'}] {who}{email}")
        out.append("")
    out += _items("Additional considerations", register.additional_considerations)
    if register.unread:
        out.append(f"Not read (workreg did not understand these {len(register.unread)} line(s)):")
        out += [f"  {_at(line.line)}{line.text}" for line in register.unread]
    return "\n".join(out).rstrip() + "\n"
