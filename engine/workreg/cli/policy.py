"""``approvals``, ``policies``, ``check`` and ``schema``: asking a policy, and checking one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workreg.cli.args import FORMATS, add_command, add_on, add_policy, add_policy_dir, report
from workreg.errors import WorkregError
from workreg.outputs import emit

if TYPE_CHECKING:
    from workreg.cli.args import Subcommands


def _default_kinds() -> str:
    from workreg.api import get_policy

    policy = get_policy()
    titles = policy.kind_titles
    width = max(len(kind) for kind in policy.kinds)
    lines = [f"change kinds of {policy.ref} (give an id or a title):"]
    lines += [f"  {kind.ljust(width)}  {titles[kind]}" for kind in policy.kinds]
    return "\n".join(lines)


def cmd_approvals(args: argparse.Namespace) -> int:
    from workreg.api import answer_approvals, load_vocabulary
    from workreg.cli.args import policy_from_args
    from workreg.policy.format import format_json, format_markdown, format_text

    policy, in_force = policy_from_args(args)
    vocabulary = load_vocabulary(*args.vocabulary) if args.committee or args.originating else None
    answer = answer_approvals(policy, args.kinds, committees=args.committee, originating=args.originating,
                              vocabulary=vocabulary, as_of=in_force.to_dict() if in_force else None)
    decision, notes = answer.decision, answer.notes
    if args.format == "json":
        emit(format_json(answer.to_dict()), json=True)
    elif args.format == "markdown":
        if in_force is not None:
            emit(f"> {in_force.describe()}\n\n")
        emit(format_markdown(policy, decision, notes=notes))
    else:
        if in_force is not None:
            emit(in_force.describe() + "\n", wrap=True)
        emit(format_text(policy, decision, notes=notes), wrap=True)
    return 0


def cmd_policies(args: argparse.Namespace) -> int:
    from workreg.api import list_policies
    from workreg.outputs import format_json, table

    rows, failures = list_policies(args.policy_dir)
    if args.format == "json":
        emit(format_json(rows), json=True)
    else:
        emit(table(
            ["Policy", "Provenance", "Title", "Path"],
            [[r["policy"], r["provenance"], r["title"], r["path"]] for r in rows],
        ) + "\n")
    for failure in failures:
        report(failure)
    return 2 if failures else 0


def cmd_check(args: argparse.Namespace) -> int:
    from workreg.api import check_policy_file
    from workreg.outputs import format_json

    findings: list[WorkregError] = []
    for path in args.files:
        problems = check_policy_file(path)
        findings.extend(problems)
        if not problems and args.format == "text":
            emit(f"{path}: ok\n")
    if args.format == "json":
        emit(format_json([f.as_dict() for f in findings]), json=True)
    else:
        for finding in findings:
            emit(f"{finding}\n", wrap=True)
    return 1 if findings else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from workreg.api import policy_schema
    from workreg.outputs import format_json

    emit(format_json(policy_schema()), json=True)
    return 0


def register_commands(commands: Subcommands) -> None:
    """Add ``approvals``, ``policies``, ``check`` and ``schema``."""
    approvals = add_command(
        commands, "approvals", "The approvals the given change kinds need under a policy, in order, with citations.",
        example=["workreg approvals scope_extension",
                 'workreg approvals "scope extension" --format json',
                 'workreg approvals deliverable_adjustment --committee "Technical Committee"',
                 "workreg approvals new_register --policy dsp4003@1.1",
                 "workreg approvals scope_extension --on 2006-06-01"],
        epilog_factory=_default_kinds,
    )
    approvals.add_argument("kinds", nargs="+", metavar="KIND",
                           help="change kinds, by id or title (e.g. scope_extension or \"scope extension\")")
    add_policy(approvals)
    approvals.add_argument(
        "--committee", action="append", default=[], metavar="NAME",
        help="a committee with milestone work (one gate each; a working group counts for its committee); "
        "repeatable; names are checked against the organization vocabulary",
    )
    approvals.add_argument(
        "--originating", metavar="NAME", help="the body filling the policy's defaulted role (e.g. the Originating Committee), when not its default",
    )
    approvals.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                           help="extra organization vocabulary YAML (extends policies/vocabulary/dmtf.yaml)")
    add_on(approvals)
    approvals.add_argument("--format", choices=FORMATS, default="text")
    approvals.set_defaults(handler=cmd_approvals)

    policies = add_command(
        commands, "policies", "List the policy versions shipped and found, with their provenance.",
        example=["workreg policies", "workreg policies --policy-dir my-policies --format json"],
    )
    add_policy_dir(policies)
    policies.add_argument("--format", choices=("text", "json"), default="text")
    policies.set_defaults(handler=cmd_policies)

    check = add_command(
        commands, "check", "Validate policy files: schema, ids, order cycles, gaps (exit 1 on findings).",
        example=["workreg check policies/dsp4003/1.2.0.yaml", "workreg check my-policy.yaml --format json"],
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_check)

    schema = add_command(
        commands, "schema", "Print the JSON Schema of policy files.",
        example="workreg schema > schema.json",
    )
    schema.set_defaults(handler=cmd_schema)
