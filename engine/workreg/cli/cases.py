"""``workreg case ...`` (approval cases kept in a database) and ``workreg registers`` (the portfolio).

Handlers take the parsed ``args``, write through ``workreg.outputs.emit`` and return the exit code; refusals are
RecordRefused (exit 1), bad input a WorkregError (exit 2).  Heavy modules load inside the handlers.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workreg.cli.args import Parser, add_command, add_db, add_on, add_policy, add_policy_dir, number_type
from workreg.scalars import parse_day
from workreg.errors import UsageError
from workreg.outputs import emit

if TYPE_CHECKING:
    from workreg.cli.args import Subcommands


def _add_by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", metavar="NAME", default=None, help="who records this (default: your login name)")


#: A case id: ASCII digits, 1 to 2**63 - 1 (the database's range).
_case_id = number_type("a case id", identifier=True)


def _page_size(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 1000:
        raise argparse.ArgumentTypeError(f"--limit is a number from 1 to 1000, not '{value[:20]}'")
    return int(value)


def _cursor(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise argparse.ArgumentTypeError(f"--next takes the cursor a previous page printed, not '{value[:20]}'")
    return int(value)


def register_commands(subparsers: Subcommands) -> None:
    """Add ``case`` (with its subcommands) and ``registers`` to the main CLI."""
    case = add_command(
        subparsers, "case", "Approval cases: open one for a change, record its ballots and approvals, and ask what "
        "it is still waiting for.",
        details="A case is one change to one register moving through one policy version's approvals, kept as an "
        "append-only log in a database: a SQLite file (--db, $WORKREG_DB, else ./workreg.db) or PostgreSQL "
        "(--db postgresql://...).",
        example=["workreg case open --diff register-1.0.txt register-1.1.txt",
                 'workreg case record 1 originating_committee_ballot --outcome approved --date 2026-01-05',
                 "workreg case status 1 --format markdown"],
    )
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", parser_class=Parser)
    actions.required = True

    opened = add_command(
        actions, "open", "Open a case; the policy version, its content hash and its text are pinned to it.",
        example=["workreg case open --change scope_extension --committee \"Technical Committee\"",
                 "workreg case open --diff ocp-1.0.txt ocp-1.2.txt --db postgresql://workreg@db/workreg",
                 "workreg case open --register proposed.docx --on 2006-06-01"],
    )
    what = opened.add_mutually_exclusive_group(required=True)
    what.add_argument("--change", nargs="+", metavar="KIND", help="the change kinds (ids of the policy)")
    what.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"),
                      help="two versions of a register: their classified changes")
    what.add_argument("--register", metavar="FILE", help="a whole register proposed on its own")
    opened.add_argument("--committee", action="append", default=[], metavar="NAME",
                        help="a body with work in the change, for the policy's per-body gates (one gate each); repeatable")
    opened.add_argument("--no-affected-committees", action="store_true",
                        help="no body has work for the policy's per-body gates (its clause says \"any\" of them, which "
                             "may be none); without it or --committee, such a change is refused")
    opened.add_argument("--originating", metavar="NAME", help="the body filling the policy's defaulted role (e.g. the Originating Committee), when not its default")
    add_policy(opened, "policy the case follows")
    add_on(opened)
    opened.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                        help="extra organization vocabulary YAML (with --diff or --register)")
    opened.add_argument("--title", metavar="TEXT", help="a title for the case (default: from the register or kinds)")
    _add_by(opened)
    add_db(opened)
    opened.add_argument("--format", choices=("text", "json"), default="text")
    opened.set_defaults(handler=run_open)

    recorded = add_command(
        actions, "record", "Record a ballot or approval (exit 1, citing the clause, when the policy does not allow "
        "it now).",
        example=['workreg case record 1 board_approval --outcome approved --date 2023-07-24 '
                 '--ref "Board Resolution 2023-07-16"',
                 "workreg case record 1 originating_committee_ballot --outcome rejected --date 2026-02-01"],
    )
    recorded.add_argument("id", type=_case_id, metavar="ID")
    recorded.add_argument("gate", metavar="GATE", help="the gate id, as 'case status' lists it")
    recorded.add_argument("--outcome", required=True, choices=("approved", "rejected", "withdrawn"))
    recorded.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day it was held")
    recorded.add_argument("--ref", metavar="TEXT", help="a reference: ballot id, board resolution, minutes")
    recorded.add_argument("--note", metavar="TEXT")
    recorded.add_argument("--again", action="store_true",
                          help="the gate ended rejected or withdrawn and was held again")
    _add_by(recorded)
    add_db(recorded)
    recorded.add_argument("--format", choices=("text", "json"), default="text")
    recorded.set_defaults(handler=run_record)

    shown = add_command(
        actions, "status", "Done, next (may be held now), waiting (on what), and whether the case is complete.",
        example=["workreg case status 1", "workreg case status 1 --format markdown > agenda.md"],
    )
    shown.add_argument("id", type=_case_id, metavar="ID")
    add_db(shown)
    shown.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                       help="markdown: a checklist for a committee's agenda")
    shown.set_defaults(handler=run_status)

    listed = add_command(actions, "list", "Every case, with how far it is.",
                         example=["workreg case list --open", "workreg case list --format json"])
    listed.add_argument("--open", action="store_true", help="only cases not complete")
    listed.add_argument("--limit", type=_page_size, metavar="N", help="at most N cases (1 to 1000; default: all); "
                        "the next page's cursor is printed on stderr")
    listed.add_argument("--next", type=_cursor, default=0, metavar="CURSOR",
                        help="start after this cursor (what the previous page printed)")
    add_db(listed)
    listed.add_argument("--format", choices=("text", "json"), default="text")
    listed.set_defaults(handler=run_list)

    logged = add_command(actions, "log", "A case's audit trail: every event, who wrote it, when, under which "
                         "policy hash.", example="workreg case log 1")
    logged.add_argument("id", type=_case_id, metavar="ID")
    add_db(logged)
    logged.add_argument("--format", choices=("text", "json"), default="text")
    logged.set_defaults(handler=run_log)

    moved = add_command(actions, "migrate", "Move a case to another policy version and say which gates the move "
                        "adds and drops.", example="workreg case migrate 1 --policy dsp4003@1.2.0")
    moved.add_argument("id", type=_case_id, metavar="ID")
    moved.add_argument("--policy", required=True, metavar="NAME@VERSION", help="the version to move to")
    add_policy_dir(moved)
    _add_by(moved)
    add_db(moved)
    moved.add_argument("--format", choices=("text", "json"), default="text")
    moved.set_defaults(handler=run_migrate)

    registers = add_command(
        subparsers, "registers", "A portfolio of registers: approvals, next review due, overdue (exit 1), stale "
        "milestones.",
        details="One row per register: partner, version, board resolution, last approval, next review due (from "
        "the policy's review cycle), overdue, open milestones past their timeframe; then totals.",
        example=["workreg registers registers/*.docx", "workreg registers *.txt --today 2026-11-21 --format json",
                 "workreg registers registers/*.docx --format ics > reviews.ics"],
    )
    registers.add_argument("files", nargs="+", metavar="FILE", help="work register documents or models")
    registers.add_argument("--today", metavar="YYYY-MM-DD", default=None,
                           help="the date to check review deadlines against (default: today)")
    add_policy(registers, "policy whose review cycle applies")
    add_on(registers)
    registers.add_argument("--format", choices=("text", "json", "ics"), default="text",
                           help="text (default), json, or ics: an iCalendar feed of each register's next review")
    registers.set_defaults(handler=run_registers)


def _write_json(value: object) -> None:
    from workreg.outputs import format_json

    emit(format_json(value), json=True)


def _author(args: argparse.Namespace) -> str | None:
    from workreg.api import default_author

    return args.by if args.by else default_author()


def run_open(args: argparse.Namespace) -> int:
    """Open a case and print its status; 0."""
    from workreg.api import case_subject, open_case, pin_policy
    from workreg.cases.format import format_status_text
    from workreg.cli.args import policy_from_args

    policy, in_force = policy_from_args(args)
    if args.vocabulary and not (args.diff or args.register):
        raise UsageError("--vocabulary applies to --diff and --register", code="usage")
    subject = case_subject(policy, changes=args.change or (), diff=tuple(args.diff) if args.diff else None,
                           register=args.register, vocabulary_paths=args.vocabulary)
    pinned = pin_policy(policy)
    state = open_case(
        subject.changes, policy=pinned, committees=(*subject.committees, *args.committee),
        originating=args.originating, title=args.title or subject.title or None, subject=subject.description,
        as_of=in_force.to_dict() if in_force else None, db=args.db, by=_author(args),
        none_named=args.no_affected_committees,
    )
    if args.format == "json":
        _write_json(state.to_dict())
    else:
        if in_force is not None:
            emit(in_force.describe() + "\n", wrap=True)
        emit(f"Opened case {state.id}.\n", wrap=True)
        emit(format_status_text(state), wrap=True)
    return 0


def run_record(args: argparse.Namespace) -> int:
    """Record a gate's outcome; 0, or 1 (RecordRefused) when the policy does not allow it now."""
    from workreg.api import record_outcome
    from workreg.cases.format import format_status_text
    from workreg.api import held_on, recording_remarks
    from workreg.outputs import emit_error

    day = held_on(parse_day(args.date, "--date").isoformat())
    state = record_outcome(args.id, args.gate, args.outcome, day, ref=args.ref, note=args.note, again=args.again,
                           db=args.db, by=_author(args))
    for remark in recording_remarks(state, day):
        emit_error(f"case {state.id}: note: {remark}")
    if args.format == "json":
        _write_json(state.to_dict())
    else:
        emit(f"Recorded {args.gate}: {args.outcome} {day} (event {state.events[-1].seq}).\n", wrap=True)
        emit(format_status_text(state), wrap=True)
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Print where a case stands; 0."""
    from workreg.api import case_status
    from workreg.cases.format import format_status_markdown, format_status_text

    state = case_status(args.id, db=args.db)
    if args.format == "json":
        _write_json(state.to_dict())
    elif args.format == "markdown":
        emit(format_status_markdown(state))
    else:
        emit(format_status_text(state), wrap=True)
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print every case (or the open ones); 0."""
    from workreg.api import list_cases, list_cases_page
    from workreg.cases.format import format_list_text, list_row
    from workreg.outputs import emit_error

    if args.limit is None and not args.next:
        states, following = list_cases(open_only=args.open, db=args.db), None
    else:
        page = list_cases_page(after=args.next or 0, limit=args.limit or 100, open_only=args.open, db=args.db)
        states, following = list(page.states), page.next
    if following is not None:
        emit_error(f"more cases: --next {following}")
    if args.format == "json":
        _write_json([list_row(state) for state in states])
    else:
        emit(format_list_text(states), wrap=True)
    return 0


def run_log(args: argparse.Namespace) -> int:
    """Print a case's events; 0."""
    from workreg.api import case_log
    from workreg.cases.format import format_log_text

    events = case_log(args.id, db=args.db)
    if args.format == "json":
        _write_json([event.to_dict() for event in events])
    else:
        emit(format_log_text(events), wrap=True)
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    """Move a case to another policy version and print what that adds and drops; 0."""
    from workreg.api import migrate_case, pin_policy
    from workreg.cases.format import format_status_text

    pinned = pin_policy(args.policy, args.policy_dir)
    report = migrate_case(args.id, pinned, db=args.db, by=_author(args))
    if args.format == "json":
        _write_json(report.to_dict())
        return 0
    lines = [f"Case {report.case_id} moved from {report.from_policy} to {report.to_policy}."]
    lines.append("Adds: " + (", ".join(report.added) or "nothing"))
    lines.append("Drops: " + (", ".join(report.dropped) or "nothing"))
    if report.reopened:
        lines.append("Reopens (done before, not under the new version): " + ", ".join(report.reopened))
    if report.records_dropped:
        lines.append("Recorded gates no longer needed (kept in the log): " + ", ".join(report.records_dropped))
    if report.was_complete != report.state.complete:
        lines.append("Status: " + ("complete before, open now" if report.was_complete else "open before, complete now"))
    emit("\n".join(lines) + "\n\n" + format_status_text(report.state), wrap=True)
    return 0


def run_registers(args: argparse.Namespace) -> int:
    """Print the portfolio; 1 when any register is overdue for review."""
    from datetime import date

    from workreg.api import register_portfolio
    from workreg.cli.args import policy_from_args
    from workreg.errors import WorkregErrors
    from workreg.registers.portfolio import format_portfolio_text

    today = parse_day(args.today, "--today") if args.today else date.today()
    policy, in_force = policy_from_args(args)
    result, failures = register_portfolio(args.files, today=today, policy=policy)
    if args.format == "json":
        _write_json(result.rows_dict())
    elif args.format == "ics":
        from workreg.api import review_calendar

        emit(review_calendar(result, policy))
    else:
        if in_force is not None:
            emit(in_force.describe() + "\n", wrap=True)
        emit(format_portfolio_text(result), wrap=True)
    if failures:
        raise failures[0] if len(failures) == 1 else WorkregErrors(failures)
    return 1 if result.overdue else 0
