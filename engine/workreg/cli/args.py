"""What every subcommand shares: the parser class, ``add_command`` (description + example), --policy.

No heavy imports: the whole parser is built at start-up.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, NoReturn

from workreg.errors import UsageError, WorkregError, did_you_mean

if TYPE_CHECKING:
    from typing import TypeAlias

    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.registry import InForce

FORMATS = ("text", "json", "markdown")


def report(error: WorkregError) -> int:
    """Print an error the workreg way on stderr; return its exit code."""
    from workreg.outputs import emit_error

    emit_error(str(error))
    return error.exit_code


def _width(value: str) -> int:
    """``--width N``: columns to wrap human text to (0: never wrap), ASCII digits only."""
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        raise argparse.ArgumentTypeError(f"expected a number of columns (0 never wraps), not '{value}'")
    return int(value)


def help_width() -> int:
    """The width argparse's help formatter takes by default, ``shutil.get_terminal_size().columns - 2``,
    found without importing shutil: argparse makes a formatter for every argument a command declares,
    and shutil brings in the bz2, lzma and zlib modules for a command that prints no help at all."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns - 2


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors the workreg way: exit 2, with a did-you-mean for
    subcommands and options, the choices when one is missing; ``--version`` and ``--width`` on
    every (sub)command."""

    def __init__(self, *args: Any, listing: Callable[[], str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        #: What the command's help lists before its examples (e.g. the change kinds), computed
        #: only when asked for: it may need to load a policy.
        self.listing = listing
        self._listed = False
        from workreg import __version__

        self.add_argument("--version", action="version", version=f"workreg {__version__}",
                          help="print workreg's version and exit")
        # SUPPRESS: a subcommand's parser must not overwrite a --width given before the subcommand.
        self.add_argument("--width", type=_width, default=argparse.SUPPRESS, metavar="N",
                          help="wrap text output to N columns (0: never); by default text wraps only "
                               "on a terminal, and piped output is one record per line")

    def _get_formatter(self) -> argparse.HelpFormatter:  # noqa: D401 - argparse hook
        # Every argparse formatter takes a width; typeshed's protocol for formatter_class names only prog.
        make_formatter: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return make_formatter(prog=self.prog, width=help_width())

    def format_help(self) -> str:
        if self.listing is not None and not self._listed:
            try:
                listed = self.listing()
            except WorkregError as exc:
                listed = f"(could not list them: {exc.message})"
            self.epilog = listed + ("\n\n" + self.epilog if self.epilog else "")
            self._listed = True
        return super().format_help()

    def _print_message(self, message: str, file: object = None) -> None:  # noqa: D401 - argparse hook
        # Help, usage and --version go through workreg's writers: a closed or full stdout is a
        # one-line error, and text the terminal's encoding cannot hold is replaced, not a crash.
        if not message:
            return
        from workreg.outputs import emit, emit_error

        if file is sys.stderr:
            emit_error(message.rstrip("\n"))
        else:
            emit(message)

    def _subcommands(self) -> dict[str, Parser] | None:
        """This parser's subcommands (name → parser), or None for a parser without any."""
        if self._subparsers is None:
            return None
        for action in self._subparsers._group_actions:  # noqa: SLF001 - argparse has no public list
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                return dict(action.choices)
        return None

    def option_strings(self) -> list[str]:
        """Every option this parser takes (``--committee``, ``-o``, ...)."""
        return [option for action in self._actions for option in action.option_strings]

    def parse_known_args(  # noqa: D401 - argparse's overloads return the namespace given, hence Any
            self, args: Iterable[str] | None = None, namespace: Any = None) -> tuple[Any, list[str]]:
        namespace, extras = super().parse_known_args(args, namespace)
        # A leaf command reports its own unknown options (with its usage and a did-you-mean)
        # instead of leaving them to the top-level parser, which knows none of its options.
        if extras and self._subcommands() is None:
            unknown = next((extra for extra in extras if extra.startswith("-") and extra != "-"), None)
            if unknown is not None:
                name = unknown.split("=", 1)[0]
                close = did_you_mean(name, [o for o in self.option_strings() if o.startswith("--")]) \
                    if name.startswith("--") else None
                hint = close if close and close.startswith("did you mean") else f"see '{self.prog} --help'"
                self._fail(f"unknown option '{name}'", hint)
            self._fail("unrecognized arguments: " + " ".join(extras), f"see '{self.prog} --help'")
        return namespace, extras

    def error(self, message: str) -> NoReturn:  # noqa: D401 - argparse hook
        hint = f"see '{self.prog} --help'"
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"'?([\w-]+)'?", choice.group(2))
            close = did_you_mean(choice.group(1), options)
            if close and close.startswith("did you mean"):
                hint = close
        elif message.startswith("the following arguments are required"):
            hint = self._missing_hint() or hint
        self._fail(message, hint)

    def _missing_hint(self) -> str | None:
        """What to give where a required argument is missing: the subcommands, or the listing
        (e.g. the change kinds of the default policy) that the command's help shows."""
        commands = self._subcommands()
        if commands:
            return f"give one of: {', '.join(commands)} (see '{self.prog} --help')"
        if self.listing is not None:
            try:
                return self.listing().replace("\n", "\n    ")
            except WorkregError:
                return None
        return None

    def _fail(self, message: str, hint: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise SystemExit(report(UsageError(message, code="usage", hint=hint)))


if TYPE_CHECKING:
    #: What ``add_subparsers()`` returns: the action each command's parser is added to.
    Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


def add_command(subparsers: Subcommands, name: str, summary: str, *, example: str | list[str], details: str = "",
                epilog_factory: Callable[[], str] | None = None) -> Parser:
    """A subcommand with a one-line description, optional details, and examples under its --help;
    ``epilog_factory`` lists what the command takes (shown in --help, and when it is missing)."""
    examples = [example] if isinstance(example, str) else list(example)
    description = summary + (f"\n\n{details}" if details else "")
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples)
    return subparsers.add_parser(name, help=summary, description=description, epilog=epilog,
                                 listing=epilog_factory)


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


def policy_from_args(args: argparse.Namespace) -> tuple[CompiledPolicy, InForce | None]:
    """The compiled policy ``--policy``/``--policy-dir``/``--on`` name, and the InForce record when ``--on`` chose it."""
    from workreg.api import get_policy, policy_in_force

    on = getattr(args, "on", None)
    if on is None:
        return get_policy(args.policy, args.policy_dir), None
    from workreg.scalars import parse_day

    return policy_in_force(args.policy, parse_day(on, "--on"), args.policy_dir)
