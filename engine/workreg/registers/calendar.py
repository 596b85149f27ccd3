"""The portfolio's review dates as an iCalendar (RFC 5545) feed: one all-day event per register's next review.

A calendar subscribes to it and shows when each register in force is due for its review: the
date the policy's review cycle gives (counted from the last approval on record) or, where no
approval is on record, the month the register itself states (the event falls on that month's
last day, and says so).  Superseded versions and registers whose review cannot be dated get no
event.  Each event's UID is stable for one register and one due date, so a re-published feed
updates the events a calendar already has rather than doubling them; its description carries
the clause and who performs and coordinates the review.  Written by hand (the format is small);
the tests read it back with the ``icalendar`` package.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workreg.registers.portfolio import Portfolio, Row

PRODID = "-//workreg//Work register reviews//EN"


def _escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded with CRLF and a space, never inside a UTF-8 sequence (§3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _due_day(row: "Row") -> date | None:
    """The day of the event: the due date, or the last day of a stated month."""
    if not row.review_due:
        return None
    if len(row.review_due) == 7:
        year, month = (int(part) for part in row.review_due.split("-"))
        return date(year, month, calendar.monthrange(year, month)[1])
    return date.fromisoformat(row.review_due)


def register_key(row: "Row") -> str:
    """What identifies one register across its versions: its partner (else its title), case-folded."""
    return (row.partner or row.title).strip().casefold()


def event_uid(row: "Row", due: date) -> str:
    """Stable for one register and one due date."""
    digest = hashlib.sha256(register_key(row).encode("utf-8")).hexdigest()[:16]
    return f"workreg-review-{digest}-{due:%Y%m%d}@workreg"


def _description(row: "Row", portfolio: "Portfolio", people: str) -> str:
    cycle = portfolio.cycle
    lines = [f"Register: {row.title}" + (f" (version {row.version})" if row.version else ""), f"File: {row.file}"]
    if row.review_basis == "policy" and cycle is not None and row.last_approval:
        lines.append(f"Due {cycle.interval_months} months after the last approval on record "
                     f"({row.last_approval['by']}, {row.last_approval['date']}).")
        lines.append(f"§{cycle.section} ({portfolio.policy}), a \"{cycle.strength}\": \"{cycle.quote}\"")
    elif row.review_basis == "register":
        lines.append(f"No approval on record: the register states its own review date, {row.review_due} "
                     "(the event is on that month's last day).")
    if people:
        lines.append(people)
    if row.overdue:
        lines.append(f"Overdue as of {portfolio.today.isoformat()}.")
    lines += [f"Note: {note}" for note in row.notes]
    return "\n".join(lines)


def portfolio_ics(portfolio: "Portfolio", *, people: str = "") -> str:
    """The iCalendar text of ``portfolio``'s review dates; ``people`` says who performs and coordinates reviews."""
    stamp = f"{portfolio.today:%Y%m%d}T000000Z"  # the day judged on, so the same input gives the same bytes
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_escape(f'Work register reviews ({portfolio.policy})')}"]
    for row in portfolio.rows:
        due = _due_day(row)
        if due is None or row.superseded_by is not None:
            continue
        name = row.partner or row.title
        summary = f"{'OVERDUE: ' if row.overdue else ''}Review of the {name} work register"
        lines += ["BEGIN:VEVENT", f"UID:{event_uid(row, due)}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{due:%Y%m%d}", f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
                  f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(_description(row, portfolio, people))}",
                  "CATEGORIES:work register review", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def review_people(policy) -> str:
    """``Performed by the Work Register Owner, coordinated by the VP of Alliances.`` from the policy's cycle."""
    cycle = policy.review_cycle
    if cycle is None:
        return ""
    parts = []
    if cycle.performed_by:
        parts.append(f"performed by the {policy.role_name(cycle.performed_by)}")
    if cycle.coordinated_by:
        parts.append(f"coordinated by the {policy.role_name(cycle.coordinated_by)}")
    return ("Review " + ", ".join(parts) + ".") if parts else ""
