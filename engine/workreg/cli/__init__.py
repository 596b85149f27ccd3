"""The ``workreg`` command line: a thin layer over the public API, a module per command group.

Exit codes: 0 ok; 1 a check found problems; 2 usage or input error.  Errors print as
``file:line: code: message`` on stderr, never as a traceback.
"""

from __future__ import annotations

# Nothing else at the top: the console script imports this module before entry_point() can
# install its SIGINT handler, and an interrupt during a slow import would print a traceback.
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

    from workreg.cli.args import Parser

#: The command groups, in the order ``workreg --help`` lists them.
GROUPS = ("workreg.cli.policy", "workreg.cli.registers", "workreg.cli.cases", "workreg.cli.versions",
          "workreg.cli.analysis", "workreg.cli.bdd", "workreg.cli.serve", "workreg.cli.completion")

#: Each command and the group that adds it (tests/test_cli_start.py checks this against the groups):
#: a command line that names its command builds that group's parsers alone, not all thirty.
COMMANDS = {
    **dict.fromkeys(("approvals", "policies", "check", "schema"), "workreg.cli.policy"),
    **dict.fromkeys(("show", "diff", "lint"), "workreg.cli.registers"),
    **dict.fromkeys(("case", "registers"), "workreg.cli.cases"),
    **dict.fromkeys(("compare", "render", "diagrams"), "workreg.cli.versions"),
    "analyze": "workreg.cli.analysis",
    **dict.fromkeys(("coverage", "gherkin", "steps"), "workreg.cli.bdd"),
    **dict.fromkeys(("serve", "token", "log"), "workreg.cli.serve"),
    "completion": "workreg.cli.completion",
}

#: The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def build_parser(command: str | None = None) -> Parser:
    """The argument parser of every ``workreg`` subcommand; with ``command`` (a key of
    :data:`COMMANDS`), of the commands of its group only: all a run of that command parses."""
    from importlib import import_module

    from workreg.cli.args import Parser

    parser = Parser(
        prog="workreg",
        description="Process policies as data: which approvals a change needs, in what order, and why.",
        epilog="Run 'workreg COMMAND --help' for a command's options and examples.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for group in (COMMANDS[command],) if command in COMMANDS else GROUPS:
        import_module(group).register_commands(commands)
    return parser


def command_named(argv: list[str]) -> str | None:
    """The command ``argv`` names when nothing before it needs the whole parser, else None.

    Only ``--width N`` may come first: help, ``--version``, an abbreviated or unknown option and
    an unknown command go to the whole parser, which answers them as it always has.
    """
    position = 0
    while position < len(argv):
        word = argv[position]
        if word == "--width":
            position += 2
        elif word.startswith("--width="):
            position += 1
        elif word.startswith("-"):
            return None
        else:
            return word if word in COMMANDS else None
    return None


def main(argv: Iterable[str] | None = None) -> int:
    """Run ``workreg`` with ``argv`` (default: the command line); return the exit code."""
    try:
        from workreg.cli.args import report
        from workreg.errors import WorkregError

        try:
            argv = sys.argv[1:] if argv is None else list(argv)
            args = build_parser(command_named(argv)).parse_args(argv)
            width = getattr(args, "width", None)
            if width is not None:
                from workreg.outputs import force_width

                force_width(width)
            try:
                code: int = args.handler(args)
                return code
            finally:
                if width is not None:
                    force_width(None)
        except WorkregError as exc:
            return report(exc)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        return INTERRUPTED
    except BaseException:
        # An interrupt inside a library's own start-up (an extension module importing its C API)
        # can come out as that library's error (ImportError, a Rust panic): still just Ctrl-C.
        from workreg import _interrupts

        if _interrupts:
            return INTERRUPTED
        raise


def entry_point() -> None:
    """Console-script entry: Ctrl-C from the first moment ends quietly (exit 130); exit with :func:`main`'s code
    (the process ends here: its garbage collector is frozen first, see :func:`_settle_before_exit`).

    ``import workreg`` has installed the handler already when this process is the ``workreg``
    command; installed again here for a program that calls ``entry_point()`` under another name.
    """
    import _signal

    from workreg import _interrupted

    _signal.signal(_signal.SIGINT, _interrupted)
    if command_named(sys.argv[1:]) not in LONG_RUNNING:
        _collect_less_often()
    code = main()
    _settle_before_exit()
    sys.exit(code)


#: Commands that run until stopped: they keep the interpreter's usual collection thresholds.
LONG_RUNNING = frozenset({"serve"})
#: Container allocations between two young collections in a command's process (the interpreter's default is 700).
COMMAND_GEN0_THRESHOLD = 100_000


def _collect_less_often() -> None:
    """Run the cyclic garbage collector's young collections a hundred times less often in a command's process.

    A command imports its modules and builds its values in a few tens of milliseconds: at the default
    threshold that is some thirty young collections scanning objects that all stay alive (about 9 ms
    of CPU of a register diff's 79 ms, measured in-process).  Garbage in cycles still goes, a
    collection per 100,000 allocations, and the older generations keep their own thresholds.
    """
    import gc

    _, older, oldest = gc.get_threshold()
    gc.set_threshold(COMMAND_GEN0_THRESHOLD, older, oldest)


def _settle_before_exit() -> None:
    """Collect the command's garbage now (its finalizers run as usual), then freeze what is still alive.

    The interpreter's shutdown runs full collections over every object still alive, all of which
    are about to go with the process: for a command that validated a policy (pydantic's schemas,
    PyYAML) a tenth or more of its time, for a cached query several milliseconds.  Frozen
    objects are left out of those collections; nothing the command wrote is waiting on them (every
    output is flushed as it is written, files and databases are closed by their ``with`` blocks).
    """
    import gc

    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    entry_point()
