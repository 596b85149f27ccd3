"""``coverage``, ``gherkin`` and ``steps``: the Gherkin acceptance suites of a policy."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workreg.cli.args import add_command, add_policy_dir
from workreg.outputs import emit, emit_error

if TYPE_CHECKING:
    from pathlib import Path

    from workreg.cli.args import Subcommands


def _need_the_bdd_extra(command: str) -> None:
    """A clear usage error, not a traceback, where pytest-bdd (the extra ``workreg[bdd]``) is missing."""
    from importlib.util import find_spec

    from workreg.errors import UsageError

    missing = [name for name in ("pytest", "pytest_bdd") if find_spec(name) is None]
    if missing:
        raise UsageError(f"'workreg {command}' needs {' and '.join(m.replace('_', '-') for m in missing)}",
                         code="missing-extra", hint="install them with: pip install 'workreg[bdd]'")


def cmd_coverage(args: argparse.Namespace) -> int:
    from workreg.bdd.coverage import format_text, measure
    from workreg.outputs import format_json

    _need_the_bdd_extra("coverage")
    report = measure(args.policy, args.features, args.policy_dir, conftest=not args.no_conftest)
    if args.format == "json":
        emit(format_json(report.to_dict()), json=True)
    else:
        emit(format_text(report, args.features), wrap=True)
    return 1 if report.percent < args.fail_under or report.scenarios_failed else 0


def cmd_gherkin(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workreg.api import get_policy, policy_file
    from workreg.bdd.gherkin import opted_in, skeleton

    policy = get_policy(args.policy, args.policy_dir)
    path = policy_file(args.policy, args.policy_dir)
    text = skeleton(policy, policy_ref=_ref_in_feature(path, policy.ref, args.output))
    if args.output:
        from workreg.outputs import write_file

        write_file(args.output, text, exclusive=True)
        scenarios = text.count("\n  Scenario")
        emit_error(f"workreg: wrote {args.output} ({scenarios} scenarios for {policy.ref})")
        if not opted_in(Path(args.output).resolve().parent):
            emit_error("workreg: to run it with pytest, opt in to workreg's steps: add 'workreg = true' under "
                       "[pytest] in a pytest.ini beside it (or under [tool.pytest.ini_options] in pyproject.toml)")
    else:
        emit(text)
    return 0


def _ref_in_feature(path: str | Path, ref: str, output: str | None) -> str:
    """How the feature names its policy: ``NAME@VERSION`` when shipped, else the file's path relative to
    the feature, so that the feature runs beside its policy."""
    import os
    from pathlib import Path

    from workreg.resources import shipped_policies

    path = Path(path).resolve()
    if path.is_relative_to(Path(shipped_policies()).resolve()):
        return ref
    base = Path(output).resolve().parent if output else Path.cwd()
    return Path(os.path.relpath(path, base)).as_posix()


def cmd_steps(args: argparse.Namespace) -> int:
    _need_the_bdd_extra("steps")
    from workreg.bdd.vocabulary import markdown

    emit(markdown())
    return 0


def register_commands(commands: Subcommands) -> None:
    """Add ``coverage``, ``gherkin`` and ``steps``."""
    coverage = add_command(
        commands, "coverage",
        "Which clauses a policy cites are exercised by Gherkin scenarios (exit 1 under --fail-under).",
        details="Runs the scenarios under pytest, as 'pytest FEATURES' would: that runs the conftest.py files "
                "of FEATURES and of the folders above it (their code, with your rights). Use --no-conftest "
                "for features you do not trust (pytest's --noconftest); workreg's own steps need none.",
        example=["workreg coverage dsp4003@1.2.0 features/dsp4003", "workreg coverage my.yaml features/ --fail-under 80",
                 "workreg coverage dsp4003 downloaded/features --no-conftest"],
    )
    coverage.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME or a YAML file")
    coverage.add_argument("features", metavar="FEATURES", help="a folder of .feature files (or one file)")
    coverage.add_argument("--fail-under", type=float, default=100.0, metavar="PERCENT",
                          help="exit 1 when fewer clauses are covered (default 100)")
    add_policy_dir(coverage)
    coverage.add_argument("--no-conftest", action="store_true",
                          help="do not run any conftest.py (pytest --noconftest)")
    coverage.add_argument("--format", choices=("text", "json"), default="text")
    coverage.set_defaults(handler=cmd_coverage)

    gherkin = add_command(
        commands, "gherkin", "Write a starting .feature file from a policy's decisions.",
        example=["workreg gherkin dsp4003@1.2.0", "workreg gherkin my-policy.yaml -o my-policy.feature"],
    )
    gherkin.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME or a YAML file")
    gherkin.add_argument("-o", "--output", metavar="FILE", help="write to FILE (never overwrites); default stdout")
    add_policy_dir(gherkin)
    gherkin.set_defaults(handler=cmd_gherkin)

    steps = add_command(
        commands, "steps", "Print the Gherkin step vocabulary (Markdown).", example="workreg steps > STEPS.md",
    )
    steps.set_defaults(handler=cmd_steps)
