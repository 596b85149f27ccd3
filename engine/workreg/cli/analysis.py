"""The ``analyze`` subcommand: what a policy guarantees over every combination of its change kinds.

The handler imports the analysis when run, so building the parser stays light.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from workreg.cli.args import add_command, add_policy_dir
from workreg.outputs import emit

if TYPE_CHECKING:
    from workreg.cli.args import Subcommands


def cmd_analyze(args: argparse.Namespace) -> int:
    """Print the analysis; exit 0 when everything holds, 1 with counterexamples or warnings."""
    from workreg.analysis.format import format_analysis_text
    from workreg.api import analyze_policy, load_properties
    from workreg.outputs import format_json

    properties = load_properties(args.properties) if args.properties else ()
    result = analyze_policy(args.policy, properties, args.policy_dir)
    if args.format == "json":
        emit(format_json(result.to_dict()), json=True)
    else:
        emit(format_analysis_text(result), wrap=True)
    return 0 if result.holds else 1


def register_commands(subparsers: Subcommands) -> None:
    """Add ``analyze`` to the ``workreg`` subparsers."""
    analyze = add_command(
        subparsers, "analyze", "Prove or refute what a policy guarantees, over every combination of change kinds.",
        details="Runs the built-in checks (kinds that say nothing, gates no combination reaches, order that never "
                "applies, overridden statements, parallel groups an order separates, ...) and the properties of "
                "--properties FILE, each decided for all 2^n - 1 combinations by reasoning over the policy's "
                "structure, not by enumerating them. A failing property shows a smallest counterexample with its "
                "decision and clauses. Exit 0 when everything holds, 1 with counterexamples or warnings, 2 on "
                "bad input.",
        example=["workreg analyze dsp4003@1.2.0 --properties policies/dsp4003/properties.yaml",
                 "workreg analyze rfc@2.0 --properties policies/rfc/properties.yaml --format json"],
    )
    analyze.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME (newest) or a YAML file")
    analyze.add_argument("--properties", metavar="FILE",
                         help="YAML file of properties to decide (schema: policies/properties.schema.json)")
    analyze.add_argument("--format", choices=("text", "json"), default="text")
    add_policy_dir(analyze)
    analyze.set_defaults(handler=cmd_analyze)
