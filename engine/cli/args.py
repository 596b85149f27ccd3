"""Arguments several subcommands share, defined once (no heavy imports: the parser is built at start-up)."""

from __future__ import annotations

import argparse


def add_policy_dir(parser: argparse.ArgumentParser) -> None:
    """``--policy-dir DIR`` (repeatable): more places to find ``NAME/VERSION.yaml`` policies."""
    parser.add_argument(
        "--policy-dir", action="append", default=[], metavar="DIR",
        help="also look for policies in DIR (laid out as DIR/NAME/VERSION.yaml); repeatable",
    )


def add_policy(parser: argparse.ArgumentParser, purpose: str = "policy to use") -> None:
    """``--policy NAME[@VERSION]`` (default: the newest dsp4003) and ``--policy-dir``."""
    parser.add_argument(
        "--policy", default="dsp4003", metavar="NAME[@VERSION]",
        help=f"{purpose}: NAME@VERSION, NAME (newest version) or a YAML file (default: dsp4003)",
    )
    add_policy_dir(parser)


def add_on(parser: argparse.ArgumentParser) -> None:
    """``--on YYYY-MM-DD``: use the version of the policy in force that day."""
    parser.add_argument(
        "--on", metavar="YYYY-MM-DD", default=None,
        help="use the version of the policy in force on this day (with --policy NAME, not NAME@VERSION)",
    )


def parse_day(value: str, option: str):
    """A command-line date as a ``datetime.date``; UsageError code ``bad-date`` when not a real YYYY-MM-DD."""
    import re
    from datetime import date

    from workreg.errors import UsageError

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} must be a date as YYYY-MM-DD, not '{value}'", code="bad-date") from exc


def policy_from_args(args: argparse.Namespace):
    """The compiled policy ``--policy``/``--policy-dir``/``--on`` name, and the InForce record when ``--on`` chose it."""
    from workreg.policy.registry import get_policy, policy_in_force

    on = getattr(args, "on", None)
    if on is None:
        return get_policy(args.policy, args.policy_dir), None
    return policy_in_force(args.policy, parse_day(on, "--on"), args.policy_dir)
