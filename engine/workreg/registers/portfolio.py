"""A portfolio of work registers: approvals on record, the next review due, overdue, stale milestones.

The review interval comes from the policy's ``review_cycle`` (DSP4003 §4: "at a minimum of once
every 24 months"), counted from the last approval on record (the Board's or the partner's).  A
register with no approval on record is due by the review date it states, if any.  Open milestones
whose timeframe has passed are listed: the stagnation the policy's removal triggers name.  Where
several files are versions of one partner's register, the latest (by its dates) is the one in
force; the others are marked superseded and are not counted as overdue.  Documents that are not
work registers at all (a folder's other files) are skipped and listed; unreadable files are errors.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from workreg.errors import WorkregError
from workreg.registers.dates import add_months, parse_date, parse_year_month

#: The error code of a readable document that is not a work register (skipped, not an error, in a portfolio).
NOT_A_REGISTER = "not-a-register"

_QUARTER = re.compile(r"\bQ([1-4])\s*(?:of\s+)?(\d{4})\b", re.I)
_HALF = re.compile(r"\bH([12])\s*(\d{4})\b", re.I)
_YEAR = re.compile(r"^\s*(?:end of\s+)?(\d{4})\s*$", re.I)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def timeframe_end(text: str) -> date | None:
    """The last day a milestone timeframe covers (``Q3 2015`` → 2015-09-30, ``Oct 2018``, ``2016``); None when open-ended."""
    quarter = _QUARTER.search(text)
    if quarter:
        return _month_end(int(quarter[2]), int(quarter[1]) * 3)
    half = _HALF.search(text)
    if half:
        return _month_end(int(half[2]), int(half[1]) * 6)
    full = parse_date(text)
    if full is not None:
        return full
    month = parse_year_month(text)
    if month is not None:
        year, number = (int(part) for part in month.split("-"))
        return _month_end(year, number)
    whole_year = _YEAR.match(text)
    return date(int(whole_year[1]), 12, 31) if whole_year else None


@dataclass(frozen=True)
class ReviewCycle:
    """The policy's review cycle: every ``interval_months``, how strongly, and the clause."""

    interval_months: int
    strength: str
    section: str
    quote: str
    #: The text the clause is cited from: ``DSP4003 1.2.0``, or for a reconstruction the version it
    #: stands for and whose words the quote is (``DSP4003 1.0.1c, reconstructed; the words are DSP4003 1.2.0's``).
    source: str = ""

    def to_dict(self) -> dict:
        return {"interval_months": self.interval_months, "strength": self.strength,
                "citation": {"section": self.section, "quote": self.quote, "source": self.source or None}}


def review_cycle(policy) -> ReviewCycle | None:
    """The review cycle of a compiled policy (read from its validated file), or None when it has none."""
    from workreg.policy.load import load_policy

    cycle = load_policy(policy.file).review_cycle
    if cycle is None:
        return None
    record = policy.provenance_record
    source = (f"{record.document}, reconstructed; the words are {record.quotes_from}'s"
              if record.kind == "reconstructed" else record.quotes_from or record.document)
    return ReviewCycle(cycle.interval_months, cycle.strength, cycle.citation.section, cycle.citation.quote, source)


@dataclass(frozen=True)
class Row:
    """One register of the portfolio."""

    file: str
    partner: str | None
    title: str
    version: str | None
    date: str | None
    board_resolution: str | None
    board_date: str | None
    partner_approval: str | None
    last_approval: dict | None
    review_stated: str | None
    review_due: str | None
    review_basis: str | None
    overdue: bool
    stale_milestones: tuple[dict, ...]
    superseded_by: str | None = None
    policy: str = ""
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """One object of ``workreg registers --format json`` (documented in the README)."""
        return {
            "file": self.file, "partner": self.partner, "title": self.title, "version": self.version,
            "date": self.date, "board_resolution": self.board_resolution, "board_date": self.board_date,
            "partner_approval": self.partner_approval, "last_approval": self.last_approval,
            "review_stated": self.review_stated, "review_due": self.review_due, "review_basis": self.review_basis,
            "overdue": self.overdue, "stale_milestones": list(self.stale_milestones),
            "superseded_by": self.superseded_by, "policy": self.policy, "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Portfolio:
    """Every readable register's row, the date they were judged on, and the cycle applied."""

    today: date
    policy: str
    cycle: ReviewCycle | None
    rows: tuple[Row, ...]
    #: Files that are not work registers at all (a folder's other documents); reported, not counted.
    skipped: tuple[str, ...] = ()

    @property
    def overdue(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.overdue)

    def rows_dict(self) -> list[dict]:
        return [row.to_dict() for row in self.rows]

    def totals(self) -> dict:
        current = [row for row in self.rows if row.superseded_by is None]
        return {
            "registers": len(self.rows), "skipped": len(self.skipped), "current": len(current), "superseded": len(self.rows) - len(current),
            "overdue": len(self.overdue),
            "with_stale_milestones": sum(1 for row in current if row.stale_milestones),
            "no_board_resolution": sum(1 for row in current if not row.board_resolution),
        }


def _real(text) -> str | None:
    """The text of a field unless it is empty or a placeholder (``<resolution ID>``, ``xx/xx/2018``)."""
    if text is None or not text.text.strip() or text.placeholders:
        return None
    return text.text.strip()


def _row(file: str, register, cycle: ReviewCycle | None, today: date, policy_ref: str) -> Row:
    board = register.approval
    board_resolution = _real(board.resolution) if board and board.resolution else None
    board_date = board.date.value if board and board.date and board.date.value else None
    document = register.corresponding_document
    partner_date = document.approval_date.value if document and document.approval_date and document.approval_date.value else None
    approvals = [(d, who) for d, who in ((board_date, "board"), (partner_date, "partner")) if d is not None]
    last = max(approvals) if approvals else None
    stated = register.review_date.year_month if register.review_date else None
    notes: list[str] = []
    if last is not None and cycle is not None:
        cycle_due = add_months(last[0], cycle.interval_months).isoformat()
        due: str | None = cycle_due
        basis: str | None = "policy"
        overdue = today.isoformat() > cycle_due
        if stated and stated > cycle_due[:7]:
            notes.append(f"the stated review date {stated} is later than the policy's cycle allows ({cycle_due})")
    elif stated:
        due, basis = stated, "register"
        overdue = (today.year, today.month) > tuple(int(p) for p in stated.split("-"))
        notes.append("no approval on record; due by the review date the register states")
    else:
        due, basis, overdue = None, None, False
        notes.append("no approval on record and no review date stated: the review cannot be dated")
    stale = []
    for milestone in register.milestones:
        if milestone.done or not milestone.deliverable.strip():
            continue
        end = timeframe_end(milestone.timeframe)
        if end is not None and end < today:
            stale.append({"deliverable": milestone.deliverable, "timeframe": milestone.timeframe,
                          "ended": end.isoformat(), "line": milestone.line})
    return Row(
        file=file, partner=register.partner_name, title=register.title.text,
        version=register.version.text if register.version else None,
        date=register.date_initiated.value.isoformat() if register.date_initiated and register.date_initiated.value else None,
        board_resolution=board_resolution, board_date=board_date.isoformat() if board_date else None,
        partner_approval=partner_date.isoformat() if partner_date else None,
        last_approval={"date": last[0].isoformat(), "by": last[1]} if last else None,
        review_stated=stated, review_due=due, review_basis=basis, overdue=overdue,
        stale_milestones=tuple(stale), policy=policy_ref, notes=tuple(notes),
    )


def _supersede(rows: list[Row], registers: list) -> list[Row]:
    """Mark all but the latest version of each partner's register as superseded (not overdue).

    A register's versions are the registers sharing a partner name or abbreviation with it.  The latest of
    them is the latest register under any of its keys, so one pass keeps the latest per key and a second looks
    each register's keys up: linear in the number of registers (a portfolio of 3,000 files stays quick).
    """
    from dataclasses import replace

    def partner_keys(register) -> set[str]:
        organizations = register.organizations
        if organizations is None:
            return set()
        partner = organizations.partner
        return {name.casefold() for name in (partner.name, partner.abbreviation) if name}

    def recency(index: int) -> tuple:
        row = rows[index]
        return (row.last_approval["date"] if row.last_approval else "", row.date or "", index)

    keys = [partner_keys(register) for register in registers]
    latest_by_key: dict[str, int] = {}
    for index, own in enumerate(keys):
        for key in own:
            best = latest_by_key.get(key)
            if best is None or recency(index) > recency(best):
                latest_by_key[key] = index
    result = list(rows)
    for index, own in enumerate(keys):
        if not own:
            continue
        latest = max((latest_by_key[key] for key in own), key=recency)
        if latest != index:
            result[index] = replace(rows[index], superseded_by=rows[latest].file, overdue=False,
                                    notes=rows[index].notes + (f"superseded by {rows[latest].file}",))
    return result


def portfolio(files: Iterable[str], policy, today: date) -> tuple[Portfolio, list[WorkregError]]:
    """The portfolio of ``files`` as of ``today`` under ``policy``'s review cycle, and the files that failed."""
    from workreg.registers.read import read_register

    cycle = review_cycle(policy)
    rows: list[Row] = []
    registers = []
    failures: list[WorkregError] = []
    skipped: list[str] = []
    for file in files:
        try:
            register = read_register(file)
        except WorkregError as error:
            if error.code == NOT_A_REGISTER:
                skipped.append(str(file))
            else:
                failures.append(error)
            continue
        registers.append(register)
        rows.append(_row(str(file), register, cycle, today, policy.ref))
    return Portfolio(today, policy.ref, cycle, tuple(_supersede(rows, registers)), tuple(skipped)), failures


def format_portfolio_text(result: Portfolio) -> str:
    """A table of registers, the totals, and the clause behind the review cycle."""
    from workreg.outputs import table

    rows = []
    for row in result.rows:
        last = f"{row.last_approval['date']} ({row.last_approval['by']})" if row.last_approval else "-"
        board = (row.board_resolution or "-") + (f" on {row.board_date}" if row.board_date else "")
        due = row.review_due or "-"
        if row.superseded_by:
            state, stale = "superseded", "-"
        else:
            state, stale = ("OVERDUE" if row.overdue else "ok"), str(len(row.stale_milestones))
        rows.append([Path(row.file).name, row.partner or "-", row.version or "-", board, last, due, state, stale])
    lines = [f"Registers as of {result.today.isoformat()} (review cycle of {result.policy})",
             table(["File", "Partner", "Version", "Board resolution", "Last approval", "Review due", "Review",
                    "Stale milestones"], rows)]
    for row in result.rows:
        if row.superseded_by:
            lines.append(f"  {Path(row.file).name}: superseded by {Path(row.superseded_by).name} (the same partner's "
                         "later register)")
        for milestone in row.stale_milestones if not row.superseded_by else ():
            lines.append(f"  {Path(row.file).name}:{milestone['line']}: open milestone past its timeframe "
                         f"({milestone['timeframe']}, ended {milestone['ended']}): {milestone['deliverable']}")
    totals = result.totals()
    for skipped in result.skipped:
        lines.append(f"  {skipped}: skipped, not a work register")
    lines.append("")
    lines.append(f"{totals['registers']} registers ({totals['superseded']} superseded): {totals['overdue']} overdue, "
                 f"{totals['with_stale_milestones']} with stale milestones, "
                 f"{totals['no_board_resolution']} without a board resolution")
    if result.cycle is not None:
        cycle = result.cycle
        clause = f"§{cycle.section}" if cycle.section[:1].isdigit() else cycle.section
        source = f"{cycle.source} " if cycle.source else ""
        lines.append(f"Review due: the last approval + {cycle.interval_months} months, because the policy says updates "
                     f"\"{cycle.strength}\" be done at least every {cycle.interval_months} months ({source}{clause} "
                     f"\"{cycle.quote}\"); a register with no approval on record is due by the review date it "
                     "states itself (the register's own date, not the policy's rule).")
    else:
        lines.append(f"{result.policy} has no review cycle: review dates are the registers' own.")
    return "\n".join(lines) + "\n"
