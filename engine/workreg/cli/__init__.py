"""The ``workreg`` command line: a thin layer over the public API, a module per command group.

Exit codes: 0 ok; 1 a check found problems; 2 usage or input error.  Errors print as
``file:line: code: message`` on stderr, never as a traceback.
"""

from __future__ import annotations

# Nothing else at the top: the console script imports this module before entry_point() can
# install its SIGINT handler, and an interrupt during a slow import would print a traceback.
import sys

#: The command groups, in the order ``workreg --help`` lists them.
GROUPS = ("workreg.cli.policy", "workreg.cli.registers", "workreg.cli.cases", "workreg.cli.versions",
          "workreg.cli.analysis", "workreg.cli.bdd", "workreg.cli.serve", "workreg.cli.completion")

#: The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def build_parser():
    """The argument parser of every ``workreg`` subcommand."""
    from importlib import import_module

    from workreg.cli.args import Parser

    parser = Parser(
        prog="workreg",
        description="Process policies as data: which approvals a change needs, in what order, and why.",
        epilog="Run 'workreg COMMAND --help' for a command's options and examples.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for group in GROUPS:
        import_module(group).register_commands(commands)
    return parser


def main(argv=None) -> int:
    """Run ``workreg`` with ``argv`` (default: the command line); return the exit code."""
    try:
        from workreg.cli.args import report
        from workreg.errors import WorkregError

        try:
            args = build_parser().parse_args(argv)
            width = getattr(args, "width", None)
            if width is not None:
                from workreg.outputs import force_width

                force_width(width)
            try:
                return args.handler(args)
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
    """Console-script entry: Ctrl-C from the first moment ends quietly (exit 130); exit with :func:`main`'s code.

    ``import workreg`` has installed the handler already when this process is the ``workreg``
    command; installed again here for a program that calls ``entry_point()`` under another name.
    """
    import _signal

    from workreg import _interrupted

    _signal.signal(_signal.SIGINT, _interrupted)
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
