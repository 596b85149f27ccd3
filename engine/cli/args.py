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
