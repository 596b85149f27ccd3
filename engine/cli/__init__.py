"""The ``workreg`` command line: a thin layer over the Python API.

Exit codes: 0 ok; 1 a check found problems; 2 usage or input error.  Errors print as
``file:line: code: message`` on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from workreg import __version__
from workreg.cli.args import add_on, add_policy, add_policy_dir
from workreg.errors import UsageError, WorkregError

FORMATS = ("text", "json", "markdown")


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors the workreg way (exit 2, ``workreg: usage: ...``)."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        self.print_usage(sys.stderr)
        raise SystemExit(_report(UsageError(message, code="usage", hint=f"see '{self.prog} --help'")))


def _report(error: WorkregError) -> int:
    print(error, file=sys.stderr)
    return error.exit_code


def cmd_approvals(args: argparse.Namespace) -> int:
    from workreg.cli.args import policy_from_args
    from workreg.policy.decide import decide
    from workreg.policy.format import approvals_json, format_markdown, format_text

    policy, in_force = policy_from_args(args)
    decision = decide(policy, args.kinds, committees=args.committee, originating=args.originating)
    if args.format == "json":
        sys.stdout.write(approvals_json(decision, in_force.to_dict() if in_force else None))
    elif args.format == "markdown":
        if in_force is not None:
            sys.stdout.write(f"> {in_force.describe()}\n\n")
        sys.stdout.write(format_markdown(policy, decision))
    else:
        if in_force is not None:
            sys.stdout.write(in_force.describe() + "\n")
        sys.stdout.write(format_text(policy, decision))
    return 0


def cmd_policies(args: argparse.Namespace) -> int:
    from workreg.api import list_policies
    from workreg.policy.format import format_json, table

    rows, failures = list_policies(args.policy_dir)
    if args.format == "json":
        sys.stdout.write(format_json(rows))
    else:
        sys.stdout.write(table(
            ["Policy", "Provenance", "Title", "Path"],
            [[r["policy"], r["provenance"], r["title"], r["path"]] for r in rows],
        ) + "\n")
    for failure in failures:
        _report(failure)
    return 2 if failures else 0


def cmd_check(args: argparse.Namespace) -> int:
    from workreg.policy.check import check_policy_file
    from workreg.policy.format import format_json

    findings: list[WorkregError] = []
    for path in args.files:
        problems = check_policy_file(path)
        findings.extend(problems)
        if not problems and args.format == "text":
            print(f"{path}: ok")
    if args.format == "json":
        sys.stdout.write(format_json([f.as_dict() for f in findings]))
    else:
        for finding in findings:
            print(finding)
    return 1 if findings else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from workreg.policy.model import json_schema
    from workreg.policy.format import format_json

    sys.stdout.write(format_json(json_schema()))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from workreg.bdd.coverage import format_text, measure
    from workreg.policy.format import format_json

    report = measure(args.policy, args.features, args.policy_dir)
    if args.format == "json":
        sys.stdout.write(format_json(report.to_dict()))
    else:
        sys.stdout.write(format_text(report, args.features))
    return 1 if report.percent < args.fail_under or report.scenarios_failed else 0


def cmd_gherkin(args: argparse.Namespace) -> int:
    from workreg.bdd.gherkin import skeleton
    from workreg.policy.registry import get_policy

    text = skeleton(get_policy(args.policy, args.policy_dir))
    if args.output:
        try:
            with open(args.output, "x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError as exc:
            raise UsageError("file exists; not overwriting it", code="exists", file=args.output) from exc
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror}", code="unwritable", file=args.output) from exc
        except ValueError as exc:  # open() refuses names with NUL bytes
            raise UsageError(f"not a usable file name: {exc}", code="bad-path",
                             file=repr(args.output)[1:-1]) from exc
    else:
        sys.stdout.write(text)
    return 0


def cmd_steps(args: argparse.Namespace) -> int:
    from workreg.bdd.vocabulary import markdown

    sys.stdout.write(markdown())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every ``workreg`` subcommand."""
    parser = _Parser(
        prog="workreg",
        description="DMTF work register policies as data: which approvals a change needs, and why.",
    )
    parser.add_argument("--version", action="version", version=f"workreg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    approvals = commands.add_parser(
        "approvals", help="the approvals a change needs, in order, with clause citations",
        description="The approvals the given change kinds need under a policy, in order, with citations.",
    )
    approvals.add_argument("kinds", nargs="+", metavar="KIND", help="change kind ids, e.g. scope_extension")
    add_policy(approvals)
    approvals.add_argument(
        "--committee", action="append", default=[], metavar="NAME",
        help="an affected committee with milestone work (one gate each); repeatable",
    )
    approvals.add_argument(
        "--originating", metavar="NAME", help="the Originating Committee, when not the policy's default",
    )
    add_on(approvals)
    approvals.add_argument("--format", choices=FORMATS, default="text")
    approvals.set_defaults(handler=cmd_approvals)

    policies = commands.add_parser("policies", help="list the policies shipped and found")
    add_policy_dir(policies)
    policies.add_argument("--format", choices=("text", "json"), default="text")
    policies.set_defaults(handler=cmd_policies)

    check = commands.add_parser(
        "check", help="validate policy files: schema, ids, order cycles, gaps (exit 1 on findings)",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_check)

    schema = commands.add_parser("schema", help="print the JSON Schema of policy files")
    schema.set_defaults(handler=cmd_schema)

    coverage = commands.add_parser(
        "coverage", help="which clauses a policy cites are exercised by Gherkin scenarios (exit 1 under --fail-under)",
    )
    coverage.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME or a YAML file")
    coverage.add_argument("features", metavar="FEATURES", help="a folder of .feature files (or one file)")
    coverage.add_argument("--fail-under", type=float, default=100.0, metavar="PERCENT",
                          help="exit 1 when fewer clauses are covered (default 100)")
    add_policy_dir(coverage)
    coverage.add_argument("--format", choices=("text", "json"), default="text")
    coverage.set_defaults(handler=cmd_coverage)

    gherkin = commands.add_parser("gherkin", help="write a starting .feature file from a policy's decisions")
    gherkin.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME or a YAML file")
    gherkin.add_argument("-o", "--output", metavar="FILE", help="write to FILE (never overwrites); default stdout")
    add_policy_dir(gherkin)
    gherkin.set_defaults(handler=cmd_gherkin)

    steps = commands.add_parser("steps", help="print the Gherkin step vocabulary (Markdown)")
    steps.set_defaults(handler=cmd_steps)

    from workreg.cli.registers import register_commands as register_register_commands

    register_register_commands(commands)

    from workreg.cli.versions import register_commands as register_version_commands

    register_version_commands(commands)

    from workreg.cli.cases import register_commands as register_case_commands

    register_case_commands(commands)

    from workreg.cli.serve import register_commands as register_serve_commands

    register_serve_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``workreg``; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except WorkregError as exc:
        return _report(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def entry_point() -> None:
    """Console-script entry: exit with :func:`main`'s code."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
