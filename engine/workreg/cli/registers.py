"""``workreg show`` and ``workreg lint``: argparse subcommands the main CLI adds with ``register_commands``.

Handlers take the parsed ``args``, write to ``sys.stdout`` and return the exit code; bad input raises a
WorkregError (the main CLI prints it and exits 2). Heavy modules are imported inside the handlers so
that building the parser stays fast.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workreg.cli.args import add_command, add_on, add_policy, add_policy_dir
from workreg.errors import WorkregError, WorkregErrors
from workreg.outputs import emit

if TYPE_CHECKING:  # datetime is imported when a date is parsed, not by every command's start-up
    from datetime import date

    from workreg.cli.args import Subcommands


def register_commands(subparsers: Subcommands) -> None:
    """Add the ``show`` and ``lint`` subcommands to the main CLI's subparsers."""
    show = add_command(
        subparsers, "show", "Read a work register (.txt, .md, .docx, or a .yaml/.json model) and print what "
        "workreg understood of it.",
        example=["workreg show register.docx", "workreg show register.txt --format yaml > register.yaml"],
    )
    show.add_argument("file", metavar="FILE", help="the work register document or model")
    show.add_argument("--format", choices=("text", "json", "yaml"), default="text",
                      help="text for people; json/yaml is the register model (readable back by workreg)")
    show.set_defaults(handler=run_show)

    diff = add_command(
        subparsers, "diff", "Classify the changes between two versions of a register and decide the approvals "
        "they need.",
        details="Diffs the two versions section by section, classifies each change with the policy's rules, "
        "and prints the approvals the changes need together: who must approve and in what order first, "
        "then the changes.  Without --policy, the version of the process the new register names is applied "
        "when workreg has it (else the newest, with a warning).  With --exit-code, exits 1 when the changes "
        "need any approval and 0 when they need none (for CI gates).",
        example=["workreg diff register-1.0.docx register-1.1.docx",
                 "workreg diff old.txt new.txt --format markdown > ballot.md",
                 "workreg diff old.txt new.txt --exit-code > /dev/null || echo 'needs approval'"],
    )
    diff.add_argument("old", metavar="OLD", help="the approved (earlier) version")
    diff.add_argument("new", metavar="NEW", help="the proposed (later) version")
    diff.add_argument(
        "--policy", default=None, metavar="NAME[@VERSION]",
        help="policy whose classification rules and approvals apply: NAME@VERSION, NAME or a YAML file "
        "(default: the version of the process the new register names, when workreg has it; else the default policy)",
    )
    add_policy_dir(diff)
    add_on(diff)
    diff.add_argument("--exit-code", action="store_true",
                      help="exit 1 when the changes need any approval, 0 when they need none")
    diff.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                      help="extra organization vocabulary YAML (extends policies/vocabulary/dmtf.yaml)")
    diff.add_argument("--originating", metavar="NAME", help="the body filling the policy's defaulted role (e.g. the Originating Committee), when not its default")
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.set_defaults(handler=run_diff)

    lint = add_command(
        subparsers, "lint", "Check work registers for placeholders, missing sections, approvals, contacts "
        "and overdue reviews (exit 1 when any finding is an error).",
        example=["workreg lint register.docx", "workreg lint registers/*.txt --today 2026-11-21 --format json"],
    )
    lint.add_argument("files", nargs="+", metavar="FILE", help="work register documents or models")
    add_policy(lint, "policy whose review cycle and required records apply (and whose clauses are cited)")
    lint.add_argument("--today", metavar="YYYY-MM-DD", default=None,
                      help="the date to check review deadlines against (default: today)")
    lint.add_argument("--format", choices=("text", "json"), default="text",
                      help="text: file:line: severity: rule: message; json: a list of finding objects")
    lint.set_defaults(handler=run_lint)


def parse_today(value: str | None) -> date:
    """``--today`` as a date (today when None); WorkregError code ``bad-date`` when not YYYY-MM-DD."""
    from datetime import date

    from workreg.scalars import parse_day

    return date.today() if value is None else parse_day(value, "--today")


def run_diff(args: argparse.Namespace) -> int:
    """Print the approvals the changes between two registers need, then the changes; 0 (or, with
    --exit-code, 1 when any approval is needed)."""
    from workreg.api import diff_registers, get_policy, load_vocabulary, name_committees, policy_in_force
    from workreg.scalars import parse_day
    from workreg.outputs import format_json
    from workreg.registers.report import format_diff_markdown, format_diff_text
    from workreg.resources import DEFAULT_POLICY
    from workreg.scalars import parse_day

    vocabulary = load_vocabulary(*args.vocabulary)
    _, originating = name_committees((), args.originating, vocabulary=vocabulary)
    policy, in_force = None, None
    if args.on is not None:  # the version in force that day, as asked
        policy, in_force = policy_in_force(args.policy or DEFAULT_POLICY, parse_day(args.on, "--on"), args.policy_dir)
    elif args.policy:
        policy = get_policy(args.policy, args.policy_dir)
    result = diff_registers(args.old, args.new, policy=policy, vocabulary=vocabulary, originating=originating,
                            policy_dirs=args.policy_dir)
    compiled = policy or get_policy(result.policy, args.policy_dir)
    if args.format == "json":
        emit(format_json(result.report(args.old, args.new, in_force.to_dict() if in_force else None)), json=True)
    elif args.format == "markdown":
        if in_force is not None:
            emit(f"> {in_force.describe()}\n\n")
        emit(format_diff_markdown(compiled, result, args.old, args.new))
    else:
        if in_force is not None:
            emit(in_force.describe() + "\n", wrap=True)
        emit(format_diff_text(compiled, result, args.old, args.new), wrap=True)
    return 1 if args.exit_code and result.needs_approval else 0


def run_show(args: argparse.Namespace) -> int:
    """Print one register as text, JSON or YAML; 0."""
    from workreg.api import dump_register, read_register
    from workreg.registers.show_text import render_text

    register = read_register(args.file)
    if args.format == "text":
        emit(render_text(register), wrap=True)
    else:
        emit(dump_register(register, args.format), json=args.format == "json")
    return 0


def run_lint(args: argparse.Namespace) -> int:
    """Print the findings of every file; 1 when any is an error, else 0. Unreadable files raise after the rest."""
    from workreg.api import lint_failed, lint_register, read_register
    from workreg.cli.args import policy_from_args
    from workreg.registers.lint import format_json, format_text

    today = parse_today(args.today)
    policy, _ = policy_from_args(args)
    findings = []
    failures: list[WorkregError] = []
    for file in args.files:
        try:
            register = read_register(file)
        except WorkregError as error:
            failures.append(error)
            continue
        findings += lint_register(register, today=today, file=file, policy=policy)
    if args.format == "json":
        emit(format_json(findings), json=True)
    else:
        emit(format_text(findings), wrap=True)
    if failures:
        raise failures[0] if len(failures) == 1 else WorkregErrors(failures)
    return 1 if lint_failed(findings) else 0
