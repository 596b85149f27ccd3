"""The ``compare``, ``render`` and ``diagrams`` subcommands: policy versions side by side.

Handlers import their modules when run, so building the parser stays light (no pydantic,
networkx or graphviz at import time).
"""

from __future__ import annotations

import argparse
import sys

COMPARE_FORMATS = ("text", "json", "markdown")


def _policy_dir_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy-dir", action="append", default=[], metavar="DIR",
        help="also look for policies in DIR (laid out as DIR/NAME/VERSION.yaml); repeatable",
    )


def cmd_compare(args: argparse.Namespace) -> int:
    """Print the comparison; exit 0 when equivalent, 1 when different (like ``git diff --exit-code``)."""
    from .compare import compare_policies, load_for_compare
    from .compare_format import format_compare_markdown, format_compare_text
    from .output import format_json

    result = compare_policies(
        load_for_compare(args.old, args.policy_dir), load_for_compare(args.new, args.policy_dir)
    )
    if args.format == "json":
        sys.stdout.write(format_json(result))
    elif args.format == "markdown":
        sys.stdout.write(format_compare_markdown(result))
    else:
        sys.stdout.write(format_compare_text(result))
    return 0 if result["equivalent"] else 1


def register_commands(subparsers) -> None:
    """Add ``compare``, ``render`` and ``diagrams`` to the ``workreg`` subparsers."""
    compare = subparsers.add_parser(
        "compare", help="what changed between two policy versions (exit 1 when they differ)",
        description="Compare two policy versions by meaning: the approvals every combination of change "
                    "kinds needs, and the roles, steps, order and rules, with the change history behind "
                    "each difference.  Exit 0 when equivalent, 1 when different, 2 on error.",
    )
    compare.add_argument("old", metavar="OLD", help="older policy: NAME@VERSION or a YAML file")
    compare.add_argument("new", metavar="NEW", help="newer policy: NAME@VERSION or a YAML file")
    compare.add_argument("--format", choices=COMPARE_FORMATS, default="text")
    _policy_dir_arg(compare)
    compare.set_defaults(handler=cmd_compare)
