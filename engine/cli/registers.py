"""``workreg show`` and ``workreg lint``: argparse subcommands the main CLI adds with ``register_commands``.

Handlers take the parsed ``args``, write to ``sys.stdout`` and return the exit code; bad input raises a
WorkregError (the main CLI prints it and exits 2). Heavy modules are imported inside the handlers so
that building the parser stays fast.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from workreg.cli.args import add_on, add_policy
from workreg.errors import UsageError, WorkregError, WorkregErrors


def register_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``show`` and ``lint`` subcommands to the main CLI's subparsers."""
    show = subparsers.add_parser(
        "show",
        help="read a work register and print what workreg understood of it",
        description="Read a work register (.txt, .md, .docx, or a .yaml/.json model) and print it.",
    )
    show.add_argument("file", metavar="FILE", help="the work register document or model")
    show.add_argument("--format", choices=("text", "json", "yaml"), default="text",
                      help="text for people; json/yaml is the register model (readable back by workreg)")
    show.set_defaults(handler=run_show)

    diff = subparsers.add_parser(
        "diff",
        help="classify the changes between two versions of a register and decide the approvals they need",
        description="Diff two versions of a work register section by section, classify each change with the "
        "policy's rules, and print the approvals the changes need together.",
    )
    diff.add_argument("old", metavar="OLD", help="the approved (earlier) version")
    diff.add_argument("new", metavar="NEW", help="the proposed (later) version")
    add_policy(diff, "policy whose classification rules and approvals apply")
    add_on(diff)
    diff.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                      help="extra organization vocabulary YAML (extends policies/vocabulary/dmtf.yaml)")
    diff.add_argument("--originating", metavar="NAME", help="the Originating Committee, when not the default")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.set_defaults(handler=run_diff)

    lint = subparsers.add_parser(
        "lint",
        help="check work registers against DSP4003 and the work register template",
        description="Check work registers for placeholders, missing sections, approvals, contacts and "
        "overdue reviews. Exit status 1 when any finding is an error.",
    )
    lint.add_argument("files", nargs="+", metavar="FILE", help="work register documents or models")
    lint.add_argument("--today", metavar="YYYY-MM-DD", default=None,
                      help="the date to check review deadlines against (default: today)")
    lint.add_argument("--format", choices=("text", "json"), default="text",
                      help="text: file:line: severity: rule: message; json: a list of finding objects")
    lint.set_defaults(handler=run_lint)


def parse_today(value: str | None) -> date:
    """``--today`` as a date (today when None); WorkregError code ``bad-date`` when not YYYY-MM-DD."""
    if value is None:
        return date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--today must be a date as YYYY-MM-DD, not '{value}'", code="bad-date") from exc


def run_diff(args: argparse.Namespace) -> int:
    """Print the classified changes between two registers and the approvals they need; 0."""
    from workreg.registers.classify import classify_changes, decide_changes
    from workreg.registers.diff import diff_registers
    from workreg.registers.read import read_register
    from workreg.registers.report import diff_json, format_diff_markdown, format_diff_text
    from workreg.registers.vocabulary import load_vocabulary
    from workreg.cli.args import policy_from_args

    policy, in_force = policy_from_args(args)
    vocabulary = load_vocabulary(*args.vocabulary)
    old = read_register(args.old, vocabulary=vocabulary)
    new = read_register(args.new, vocabulary=vocabulary)
    changes = classify_changes(diff_registers(old, new, vocabulary), policy)
    decision = decide_changes(changes, policy, vocabulary, args.originating)
    if args.format == "json":
        sys.stdout.write(diff_json(args.old, args.new, policy, changes, decision,
                                   in_force.to_dict() if in_force else None))
    elif args.format == "markdown":
        if in_force is not None:
            sys.stdout.write(f"> {in_force.describe()}\n\n")
        sys.stdout.write(format_diff_markdown(policy, changes, decision, args.old, args.new))
    else:
        if in_force is not None:
            sys.stdout.write(in_force.describe() + "\n")
        sys.stdout.write(format_diff_text(policy, changes, decision, args.old, args.new))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one register as text, JSON or YAML; 0."""
    from workreg.registers.read import dump_register, read_register
    from workreg.registers.render import render_text

    register = read_register(args.file)
    if args.format == "text":
        sys.stdout.write(render_text(register))
    else:
        sys.stdout.write(dump_register(register, args.format))
    return 0


def run_lint(args: argparse.Namespace) -> int:
    """Print the findings of every file; 1 when any is an error, else 0. Unreadable files raise after the rest."""
    from workreg.registers.lint import format_json, format_text, has_errors, lint_register
    from workreg.registers.read import read_register

    today = parse_today(args.today)
    findings = []
    failures: list[WorkregError] = []
    for file in args.files:
        try:
            register = read_register(file)
        except WorkregError as error:
            failures.append(error)
            continue
        findings += lint_register(register, today=today, file=file)
    sys.stdout.write(format_json(findings) if args.format == "json" else format_text(findings))
    if failures:
        raise failures[0] if len(failures) == 1 else WorkregErrors(failures)
    return 1 if has_errors(findings) else 0
