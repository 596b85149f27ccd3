"""The ``workreg`` command line: a thin layer over the public API, a module per command group.

Exit codes: 0 ok; 1 a check found problems; 2 usage or input error.  Errors print as
``file:line: code: message`` on stderr, never as a traceback.
"""

from __future__ import annotations

import sys
from typing import Sequence

from workreg import __version__
from workreg.cli.args import Parser, report
from workreg.errors import WorkregError

#: The command groups, in the order ``workreg --help`` lists them.
GROUPS = ("workreg.cli.policy", "workreg.cli.registers", "workreg.cli.versions", "workreg.cli.bdd")


def build_parser() -> Parser:
    """The argument parser of every ``workreg`` subcommand."""
    from importlib import import_module

    parser = Parser(
        prog="workreg",
        description="Process policies as data: which approvals a change needs, in what order, and why.",
        epilog="Run 'workreg COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"workreg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for group in GROUPS:
        import_module(group).register_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``workreg``; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except WorkregError as exc:
        return report(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def entry_point() -> None:
    """Console-script entry: exit with :func:`main`'s code."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
