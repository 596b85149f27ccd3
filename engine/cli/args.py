"""What every subcommand shares: the parser class, ``add_command`` (description + example), --policy.

No heavy imports: the whole parser is built at start-up.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Callable, NoReturn

from workreg.errors import UsageError, WorkregError, did_you_mean

FORMATS = ("text", "json", "markdown")


def report(error: WorkregError) -> int:
    """Print an error the workreg way on stderr; return its exit code."""
    from workreg.outputs import emit_error

    emit_error(str(error))
    return error.exit_code


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors the workreg way (exit 2, did-you-mean for subcommands)."""

    def __init__(self, *args, epilog_factory: Callable[[], str] | None = None, **kwargs) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.epilog_factory = epilog_factory

    def format_help(self) -> str:
        if self.epilog_factory is not None:
            # Computed only when help is asked for: it may need to load a policy.
            try:
                self.epilog = self.epilog_factory()
            except WorkregError as exc:
                self.epilog = f"(could not list them: {exc.message})"
            self.epilog_factory = None
        return super().format_help()

    def _print_message(self, message: str, file=None) -> None:  # noqa: D401 - argparse hook
        # Help, usage and --version go through workreg's writers: a closed or full stdout is a
        # one-line error, and text the terminal's encoding cannot hold is replaced, not a crash.
        if not message:
            return
        from workreg.outputs import emit, emit_error

        if file is sys.stderr:
            emit_error(message.rstrip("\n"))
        else:
            emit(message)

    def error(self, message: str) -> NoReturn:  # noqa: D401 - argparse hook
        hint = f"see '{self.prog} --help'"
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'?([\w-]+)'?", choice.group(2))
            close = did_you_mean(choice.group(1), options)
            if close and close.startswith("did you mean"):
                hint = close
        self.print_usage(sys.stderr)
        raise SystemExit(report(UsageError(message, code="usage", hint=hint)))


def add_command(subparsers, name: str, summary: str, *, example: str | list[str], details: str = "",
                epilog_factory: Callable[[], str] | None = None) -> Parser:
    """A subcommand with a one-line description, optional details, and examples under its --help."""
    examples = [example] if isinstance(example, str) else list(example)
    description = summary + (f"\n\n{details}" if details else "")
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    factory = None
    if epilog_factory is not None:
        def factory() -> str:
            return epilog_factory() + "\n\n" + epilog
    return subparsers.add_parser(name, help=summary, description=description, epilog=epilog,
                                 epilog_factory=factory)


def add_db(parser: argparse.ArgumentParser) -> None:
    """``--db URL``: the database of cases, tokens and the decision log."""
    parser.add_argument(
        "--db", metavar="URL", default=None,
        help="the database: a SQLite file (default $WORKREG_DB or ./workreg.db) or postgresql://...",
    )


def add_policy_dir(parser: argparse.ArgumentParser) -> None:
    """``--policy-dir DIR`` (repeatable): more places to find ``NAME/VERSION.yaml`` policies."""
    parser.add_argument(
        "--policy-dir", action="append", default=[], metavar="DIR",
        help="also look for policies in DIR (laid out as DIR/NAME/VERSION.yaml); repeatable",
    )


def add_policy(parser: argparse.ArgumentParser, purpose: str = "policy to use") -> None:
    """``--policy NAME[@VERSION]`` (default: the newest version of the default policy) and ``--policy-dir``."""
    from workreg.resources import DEFAULT_POLICY

    parser.add_argument(
        "--policy", default=DEFAULT_POLICY, metavar="NAME[@VERSION]",
        help=f"{purpose}: NAME@VERSION, NAME (newest version) or a YAML file (default: {DEFAULT_POLICY})",
    )
    add_policy_dir(parser)


def add_on(parser: argparse.ArgumentParser) -> None:
    """``--on YYYY-MM-DD``: use the version of the policy in force that day."""
    parser.add_argument(
        "--on", metavar="YYYY-MM-DD", default=None,
        help="use the version of the policy in force on this day (with --policy NAME, not NAME@VERSION)",
    )


def number_type(what: str, *, low: int = 0, high: int | None = None, identifier: bool = False) -> Callable[[str], int]:
    """An argparse ``type=`` reading a whole number through :mod:`workreg.scalars` (ASCII digits, bounded)."""
    def convert(value: str) -> int:
        from workreg.scalars import MAX_ID, parse_id, parse_int

        try:
            if identifier:
                return parse_id(value, what)
            return parse_int(value, what, low=low, high=MAX_ID if high is None else high)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(exc.message) from exc

    convert.__name__ = what  # argparse names the type in its messages
    return convert


def policy_from_args(args: argparse.Namespace):
    """The compiled policy ``--policy``/``--policy-dir``/``--on`` name, and the InForce record when ``--on`` chose it."""
    from workreg.api import get_policy, policy_in_force

    on = getattr(args, "on", None)
    if on is None:
        return get_policy(args.policy, args.policy_dir), None
    from workreg.scalars import parse_day

    return policy_in_force(args.policy, parse_day(on, "--on"), args.policy_dir)
