"""Check a work register against its policy and its template: placeholders, approvals, contacts, reviews.

What the process requires comes from the policy (a compiled policy, by default the default one),
each finding citing the policy's clause: the review interval and how strongly it applies
(``review_cycle``), and the record an approved register must hold (a step that ``records`` the
``board_approval`` section).  Which sections a register must have, what they are called and who
the host organization is come from the register template (:mod:`workreg.registers.template`).

Rules (stable ids) and severities:

==========================  ========  =====================================================================
rule                        severity  fires when
==========================  ========  =====================================================================
missing-section             error     a section the template requires is absent
placeholder                 error     a ``?``, ``…?``, ``xx/xx/2018``, ``<...>`` or TBD is left in the text,
                                      or a required section is empty
missing-board-resolution    error     a step of the policy records the board approval (resolution id and
                                      date) and the register lacks it
missing-contacts            error     an organization lists no real point of contact
review-overdue              warning   the register's own next review date has passed, or its last approval
                                      (else its date initiated) is older than the policy's review interval; the severity follows the policy's
                                      strength: must → error, should → warning, may → info (DSP4003 says
                                      "should": the register stays in force, so a warning)
milestone-without-timeframe warning   an open milestone has no timeframe or only TBD
process-version             warning   the register names a version of its process (``DSP4003 1.6.0``) other
                                      than the one the policy encodes (whose requirements these checks follow)
date-out-of-window          warning   a date (initiated, approved, next review) has a year outside the years
                                      workreg reads (1900-2999, :mod:`workreg.scalars`): ``0015`` is not
                                      taken for 2015; the date is not used for the review checks
unread-line                 info      a line workreg did not read into any field (listed, never dropped)
==========================  ========  =====================================================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Literal, Protocol

from workreg.registers.dates import add_months, date_out_of_window
from workreg.registers.model import DateText, Item, MonthText, WorkRegister
from workreg.registers.placeholders import is_to_be_determined, placeholders_in
from workreg.registers.template import Template, default_template

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Citation

Severity = Literal["error", "warning", "info"]

#: Rule id -> severity. Ids are stable: tools and policies refer to them.
RULES: dict[str, Severity] = {
    "missing-section": "error",
    "placeholder": "error",
    "missing-board-resolution": "error",
    "missing-contacts": "error",
    "review-overdue": "warning",
    "milestone-without-timeframe": "warning",
    "process-version": "warning",
    "date-out-of-window": "warning",
    "unread-line": "info",
}

#: How strongly a policy's review cycle applies → the severity of an overdue review.
STRENGTH_SEVERITY: dict[str, Severity] = {"must": "error", "should": "warning", "may": "info"}


@dataclass(frozen=True)
class Finding:
    """One problem found in a register."""

    file: str
    rule: str
    severity: Severity
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready object with keys file, rule, severity, message, line."""
        return {"file": self.file, "rule": self.rule, "severity": self.severity, "message": self.message,
                "line": self.line}


class Report(Protocol):
    """How a rule reports a finding: its rule id, message and line (the severity defaults to the rule's)."""

    def __call__(self, rule: str, message: str, line: int | None, severity: Severity | None = None) -> None: ...


def lint_register(
    register: WorkRegister, *, today: date, file: str = "<register>", policy: CompiledPolicy | None = None,
    template: Template | None = None,
) -> list[Finding]:
    """Every finding for ``register`` as of ``today``, ordered by line then rule.

    ``policy`` (default: the default policy) says what the process requires, with its clauses;
    ``template`` (default: the shipped one) which sections a register has.
    """
    if policy is None:
        from workreg.policy.registry import DEFAULT_POLICY, get_policy

        policy = get_policy(DEFAULT_POLICY)
    template = template or default_template()
    findings: list[Finding] = []

    def report(rule: str, message: str, line: int | None, severity: Severity | None = None) -> None:
        findings.append(Finding(file=file, rule=rule, severity=severity or RULES[rule], message=message, line=line))

    _missing_sections(register, template, report)
    _placeholders(register, template, report)
    _board_resolution(register, policy, template, report)
    _contacts(register, template, report)
    _dates_out_of_window(register, report)
    _review(register, today, policy, report)
    _timeframes(register, report)
    _process_version(register, policy, report)
    for line in register.unread:
        report("unread-line", f"workreg did not understand this line, so no rule checked it: '{line.text}'", line.line)
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda finding: (finding.line or 0, finding.rule))


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is error-level."""
    return any(finding.severity == "error" for finding in findings)


def format_text(findings: Iterable[Finding]) -> str:
    """``file:line: severity: rule: message`` lines (``file:`` alone when the line is unknown)."""
    lines = []
    for finding in findings:
        where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
        lines.append(f"{where}: {finding.severity}: {finding.rule}: {finding.message}")
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(findings: Iterable[Finding]) -> str:
    """A JSON list of objects with keys file, rule, severity, message, line."""
    return json.dumps([finding.to_dict() for finding in findings], indent=2, ensure_ascii=False) + "\n"


# --- rules ---------------------------------------------------------------------------------------


def _cite(policy: CompiledPolicy, citation: Citation) -> str:
    """The clause, credited to the text it quotes: a reconstruction's words are another version's."""
    return f"({cite_clause(policy, citation)})"


def cite_clause(policy: CompiledPolicy, citation: Citation) -> str:
    """``DSP4003 1.2.0 §3.2: "..."``; for a reconstruction ``DSP4003 1.0.1c (reconstructed; the words are
    DSP4003 1.2.0's) §3.2: "..."`` — never another version's words credited to one nobody has."""
    source = policy.source
    record = policy.provenance_record
    if record.kind == "reconstructed":
        return (f'{source.document} {source.version} (reconstructed; the words are {record.quotes_from}\'s) '
                f'§{citation.section}: "{citation.quote}"')
    return f'{source.document} {source.version} §{citation.section}: "{citation.quote}"'


def _missing_sections(register: WorkRegister, template: Template, report: Report) -> None:
    for section in template.required:
        if not register.has_section(section):
            report("missing-section", f"required section '{template.title(section)}' is missing", None)


def _placeholder_message(where: str, tokens: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{token}'" for token in dict.fromkeys(tokens))
    return f"placeholder {quoted} in {where}"


def _placeholders(register: WorkRegister, template: Template, report: Report) -> None:
    def check(where: str, text: str | None, line: int | None) -> None:
        tokens = placeholders_in(text or "")
        if tokens:
            report("placeholder", _placeholder_message(where, tokens), line)

    check("title", register.title.text, register.title.line)
    if register.version:
        check("version", register.version.text, register.version.line)
    if register.date_initiated:
        check("date initiated", register.date_initiated.text, register.date_initiated.line)
    if register.organizations:
        check("alliance organizations", register.organizations.text, register.organizations.line)
        for organization in (register.organizations.partner, register.organizations.host):
            for item in organization.description:
                check(f"the description of {organization.abbreviation or organization.name}", item.text, item.line)
    sections: dict[str, tuple[Item, ...]] = {
        "background": register.background,
        "benefits": register.benefits,
        "activities": register.activities,
        "limitations": register.limitations,
        "access": register.access,
        "documentation": register.documentation,
        "additional_considerations": register.additional_considerations,
    }
    for section, items in sections.items():
        for item in items:
            check(section.replace("_", " "), item.text, item.line)
    for milestone in register.milestones:
        tokens = placeholders_in(milestone.deliverable)
        if not is_to_be_determined(milestone.timeframe):
            tokens += placeholders_in(milestone.timeframe)
        if tokens:
            what = f"milestone '{milestone.deliverable}'" if milestone.deliverable else "a milestone row with no deliverable"
            report("placeholder", _placeholder_message(what, tokens), milestone.line)
    for contact in register.points_of_contact:
        check(f"points of contact ({contact.group or 'no organization'})", contact.text, contact.line)
    if register.review_date:
        check("review date", register.review_date.text, register.review_date.line)
    if register.corresponding_document:
        check("corresponding document", register.corresponding_document.text, register.corresponding_document.line)
    if register.approval:
        check("board approval", register.approval.text, register.approval.line)
    _empty_sections(register, template, report)


def _empty_sections(register: WorkRegister, template: Template, report: Report) -> None:
    content = {
        "organizations": register.organizations is not None,
        "benefits": any(not item.label for item in register.benefits),
        "activities": any(not item.label for item in register.activities),
        "milestones": bool(register.milestones),
        "access": bool(register.access),
        "review_date": bool(register.review_date and register.review_date.text),
        "points_of_contact": bool(register.points_of_contact),
        "corresponding_document": bool(register.corresponding_document and register.corresponding_document.text),
        template.approval: bool(register.approval and register.approval.text),
    }
    for section in template.required:
        heading = register.heading(section)
        if heading is not None and not content[section]:
            report("placeholder", f"required section '{heading.heading.rstrip(':')}' is empty", heading.line)


def _board_resolution(register: WorkRegister, policy: CompiledPolicy, template: Template, report: Report) -> None:
    recorded_by = policy.records().get(template.approval)
    if recorded_by is None:
        return  # the policy asks no register to record a board approval
    cite = _cite(policy, recorded_by[1])
    title = template.title(template.approval)
    approval = register.approval
    if approval is None:
        report("missing-board-resolution", f"'{title}' not recorded {cite}", None)
        return
    missing = []
    if approval.resolution is None or approval.resolution.placeholders:
        missing.append("resolution id")
    if approval.date is None or approval.date.placeholders or approval.date.value is None:
        missing.append("approval date")
    if missing:
        report("missing-board-resolution", f"'{title}': {' and '.join(missing)} not recorded {cite}", approval.line)


def _contacts(register: WorkRegister, template: Template, report: Report) -> None:
    heading = register.heading("points_of_contact")
    if heading is None:
        return
    partner = register.partner_name or "the partner"
    for role, name in ((template.parties.partner, partner), (template.parties.host, template.host.name)):
        listed = [contact for contact in register.points_of_contact if contact.organization == role]
        if not any(contact.is_real for contact in listed):
            line = listed[0].line if listed else heading.line
            report("missing-contacts", f"no real point of contact listed for {name}", line)


def _dated_fields(register: WorkRegister) -> list[tuple[str, DateText | MonthText | None]]:
    document = register.corresponding_document
    return [("date initiated", register.date_initiated),
            ("board approval date", register.approval.date if register.approval else None),
            ("partner approval date", document.approval_date if document else None),
            ("next review date", register.review_date)]


def _in_window(value: date | None) -> date | None:
    from workreg.scalars import year_in_window

    return value if value is not None and year_in_window(value.year) else None


def _dates_out_of_window(register: WorkRegister, report: Report) -> None:
    from workreg.scalars import FIRST_YEAR, LAST_YEAR, year_in_window

    for what, field in _dated_fields(register):
        if field is None:
            continue
        value = getattr(field, "value", None)
        month = getattr(field, "year_month", None)
        if value is not None and not year_in_window(value.year):
            written = field.text or value.isoformat()
        elif month is not None and not year_in_window(int(month[:4])):
            written = field.text or month
        elif value is None and month is None:
            written = date_out_of_window(field.text)
        else:
            written = None
        if written:
            report("date-out-of-window", f"the {what} '{written}' has a year outside {FIRST_YEAR}-{LAST_YEAR}; "
                   "workreg does not read it as any day (nor as 20xx)", field.line)


def _review(register: WorkRegister, today: date, policy: CompiledPolicy, report: Report) -> None:
    """Two different grounds, each said as what it is: the register's own next review date (the
    register's statement), and the policy's review cycle (DSP4003 §4: a "should")."""
    reasons: list[str] = []
    line: int | None = None
    review = register.review_date
    if review is not None and review.year_month is not None:
        year, month = (int(part) for part in review.year_month.split("-"))
        if _in_window(date(year, month, 1)) and (today.year, today.month) > (year, month):
            reasons.append(f"the register's own next review date ({review.year_month}) has passed")
            line = review.line
    approvals: list[tuple[date, int | None, str]] = []  # dates outside the window are findings of their own
    if register.approval and register.approval.date and (day := _in_window(register.approval.date.value)):
        approvals.append((day, register.approval.date.line, "board approval"))
    document = register.corresponding_document
    if document and document.approval_date and (day := _in_window(document.approval_date.value)):
        approvals.append((day, document.approval_date.line, "partner approval"))
    initiated_only = False
    if not approvals and register.date_initiated and (day := _in_window(register.date_initiated.value)):
        approvals.append((day, register.date_initiated.line, "date initiated"))
        initiated_only = True
    cycle = policy.review_cycle
    if approvals and cycle is not None:
        last, last_line, what = max(approvals, key=lambda approval: approval[0])
        if today > add_months(last, cycle.interval_months):
            since = (f"no approval is recorded and the register's date initiated ({last.isoformat()})"
                     if initiated_only else f"the last approval ({what} {last.isoformat()})")
            reasons.append(
                f"{since} is more than {cycle.interval_months} months old, and the policy says updates "
                f"{cycle.strength} be done at least every {cycle.interval_months} months {_cite(policy, cycle.citation)}"
            )
            line = line or last_line
    if reasons:
        report(
            "review-overdue",
            "review overdue as of " + today.isoformat() + ": " + "; ".join(reasons),
            line,
            STRENGTH_SEVERITY[cycle.strength] if cycle is not None else None,
        )


def _timeframes(register: WorkRegister, report: Report) -> None:
    for milestone in register.milestones:
        if milestone.done or not milestone.deliverable:
            continue
        if not milestone.timeframe.strip() or is_to_be_determined(milestone.timeframe):
            written = f" ('{milestone.timeframe}')" if milestone.timeframe.strip() else ""
            report(
                "milestone-without-timeframe",
                f"milestone '{milestone.deliverable}' has no timeframe{written}",
                milestone.line,
            )


def _process_version(register: WorkRegister, policy: CompiledPolicy, report: Report) -> None:
    process = register.process
    if process is None or not process.version:
        return
    document, version = policy.source.document.upper(), policy.source.version

    def parts(text: str) -> list[str]:  # 1.2 and 1.2.0 are one version
        items = text.lower().split(".")
        while len(items) > 1 and items[-1] == "0":
            items.pop()
        return items

    if process.document.upper() != document or parts(process.version) != parts(version):
        record = policy.provenance_record
        what = f" (reconstructed from {record.quotes_from})" if record.kind == "reconstructed" else ""
        report("process-version", f"the register names {process.document} {process.version} as its process; "
               f"these checks follow {document} {version}{what}", process.line)
