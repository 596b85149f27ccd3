"""The ``compare``, ``render`` and ``diagrams`` subcommands: policy versions side by side.

Handlers import their modules when run, so building the parser stays light (no pydantic,
networkx or graphviz at import time).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from workreg.cli.args import add_command, add_policy_dir
from workreg.errors import UsageError
from workreg.outputs import emit, emit_error

if TYPE_CHECKING:
    from workreg.cli.args import Subcommands

COMPARE_FORMATS = ("text", "json", "markdown")
#: ``render --format`` (kept here so that building the parser imports no exporter).
RENDER_FORMATS_CHOICES = ("dot", "svg", "png", "bpmn", "dmn", "mermaid")


def cmd_compare(args: argparse.Namespace) -> int:
    """Print the comparison; exit 0 when equivalent, 1 when different (like ``git diff --exit-code``)."""
    from workreg.api import compare_policies
    from workreg.outputs import format_json
    from workreg.versions.compare_format import format_compare_markdown, format_compare_text

    result = compare_policies(args.old, args.new, args.policy_dir)
    if args.format == "json":
        emit(format_json(result.to_dict()), json=True)
    elif args.format == "markdown":
        emit(format_compare_markdown(result))
    else:
        emit(format_compare_text(result), wrap=True)
    return 0 if result.equivalent else 1


def cmd_render(args: argparse.Namespace) -> int:
    """Write the diagram as DOT to stdout, or to ``-o FILE`` as .dot, .svg or .png."""
    from workreg.api import draw_policy, drawing_format, load_vocabulary, write_diagram

    fmt = drawing_format(args.format, args.output)
    vocabulary = load_vocabulary(*args.vocabulary) if args.committee else None
    drawing = draw_policy(args.policy, changes=args.change, committees=args.committee, against=args.against,
                          rankdir=args.rankdir, approvals_only=args.approvals_only, vocabulary=vocabulary,
                          check_committees=True, policy_dirs=args.policy_dir, fmt=fmt)
    for note in drawing.notes:
        emit_error(f"workreg: note: {note}")
    if fmt in ("bpmn", "dmn", "mermaid"):
        if args.output:
            from workreg.outputs import write_file

            write_file(Path(args.output), drawing.source.encode("utf-8"))
            emit_error(f"workreg: wrote {args.output} ({drawing.policy})")
        else:
            emit(drawing.source)
        return 0
    if args.output:
        write_diagram(drawing.source, args.output)
        emit_error(f"workreg: wrote {args.output} ({drawing.policy})")
    elif fmt != "dot":
        raise UsageError(f"--format {fmt} is an image: write it to a file with -o FILE.{fmt}", code="usage",
                         hint=f"e.g. -o diagram.{fmt}")
    else:
        emit(drawing.source)
    return 0


def cmd_diagrams(args: argparse.Namespace) -> int:
    """Regenerate the diagrams folder: DOT and SVG of every diagram, and its README index."""
    from workreg.api import write_diagrams

    written = write_diagrams(args.out, args.policy_dir)
    emit(f"{args.out}: {len(written)} files written\n")
    return 0


def register_commands(subparsers: Subcommands) -> None:
    """Add ``compare``, ``render`` and ``diagrams`` to the ``workreg`` subparsers."""
    compare = add_command(
        subparsers, "compare", "What changed between two policy versions (exit 1 when they differ).",
        details="Compares by meaning: the approvals every combination of change kinds needs, and the roles, "
                "steps, order and rules, with the change history behind each difference.  Exit 0 when "
                "equivalent, 1 when different, 2 on error.",
        example=["workreg compare dsp4003@1.1 dsp4003@1.2.0", "workreg compare old.yaml new.yaml --format json"],
    )
    compare.add_argument("old", metavar="OLD", help="older policy: NAME@VERSION or a YAML file")
    compare.add_argument("new", metavar="NEW", help="newer policy: NAME@VERSION or a YAML file")
    compare.add_argument("--format", choices=COMPARE_FORMATS, default="text")
    add_policy_dir(compare)
    compare.set_defaults(handler=cmd_compare)

    render = add_command(
        subparsers, "render", "Draw a policy's process, one decision's approval path, or two versions' difference.",
        details="The whole process in phases; with --change the approval path of those change kinds in "
                "stages; with --against the difference from another version.  DOT goes to stdout unless -o "
                "names a .dot, .svg or .png file (SVG and PNG need Graphviz's 'dot' program).  Exports for "
                "other tools: --format bpmn (one decision's approvals as a BPMN 2.0 process), dmn (the "
                "policy's requirements as a DMN 1.3 decision table), mermaid (any of the diagrams above).",
        example=["workreg render dsp4003@1.2.0 -o process.svg",
                 "workreg render dsp4003 --change scope_extension -o scope.png",
                 "workreg render dsp4003 --change new_register --approvals-only --rankdir LR -o slide.png",
                 "workreg render dsp4003@1.2.0 --against dsp4003@1.1 > difference.dot",
                 "workreg render dsp4003 --change scope_extension --format bpmn -o scope.bpmn",
                 "workreg render dsp4003 --format dmn -o requirements.dmn",
                 "workreg render dsp4003 --change new_register --approvals-only --format mermaid"],
    )
    render.add_argument("policy", metavar="POLICY", help="NAME@VERSION, NAME (newest) or a YAML file")
    render.add_argument("--change", action="append", default=[], metavar="KIND",
                        help="highlight the approval path of this change kind; repeatable")
    render.add_argument("--committee", action="append", default=[], metavar="NAME",
                        help="a body with work in the change, for the policy's per-body gates (one gate each); repeatable")
    render.add_argument("--vocabulary", action="append", default=[], metavar="FILE",
                        help="extra organization vocabulary YAML, to check --committee names against")
    render.add_argument("--against", metavar="OTHER", help="draw what POLICY changes from OTHER")
    render.add_argument("--rankdir", choices=("TB", "LR"), default="TB",
                        help="layout direction: TB top to bottom (default), LR left to right (landscape, for slides)")
    render.add_argument("--approvals-only", action="store_true",
                        help="with --change: only the approvals and their order, in stages (no other steps)")
    render.add_argument("--format", choices=RENDER_FORMATS_CHOICES, default=None,
                        help="dot (default), svg or png (Graphviz); bpmn (BPMN 2.0 of one decision's approvals, "
                             "for Camunda Modeler or bpmn.io), dmn (DMN 1.3 decision table of the policy's "
                             "requirements) or mermaid (for Markdown); by default the -o file's suffix decides")
    render.add_argument("-o", "--output", metavar="FILE",
                        help="write FILE.dot, .svg, .png, .bpmn, .dmn or .mmd")
    add_policy_dir(render)
    render.set_defaults(handler=cmd_render)

    diagrams = add_command(
        subparsers, "diagrams", "Regenerate the diagrams folder: every version, approval path and difference.",
        details="Writes the SVG and DOT of every shipped policy version, of every change kind's approval path "
                "in the newest version and of each adjacent pair of versions' difference, plus a README.md "
                "showing them all.  Needs Graphviz's 'dot' program.",
        example="workreg diagrams --out diagrams",
    )
    diagrams.add_argument("--out", default="diagrams", metavar="DIR", help="output folder (default: diagrams)")
    add_policy_dir(diagrams)
    diagrams.set_defaults(handler=cmd_diagrams)
