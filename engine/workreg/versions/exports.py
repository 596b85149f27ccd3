"""One door for the text exports of ``workreg render``: BPMN 2.0, DMN 1.3 and Mermaid.

Graphviz formats (DOT, SVG, PNG) stay with the Graphviz renderer; this module picks the export
from ``--format`` or from the output file's suffix and checks that the options make sense for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from workreg.errors import UsageError

if TYPE_CHECKING:
    from workreg.versions.compare import LoadedPolicy

#: Export format → the file suffixes that name it.
EXPORT_SUFFIXES = {"bpmn": (".bpmn",), "dmn": (".dmn",), "mermaid": (".mmd", ".mermaid")}
#: Every ``render --format``: Graphviz's and the exports.
RENDER_FORMATS = ("dot", "svg", "png", *EXPORT_SUFFIXES)


def format_for(requested: str | None, output: str | None) -> str:
    """The format asked for with ``--format``, else the one ``-o FILE``'s suffix names, else DOT."""
    suffix = Path(output).suffix.lower() if output else ""
    by_suffix = next((name for name, suffixes in EXPORT_SUFFIXES.items() if suffix in suffixes), None)
    if by_suffix is None and suffix in (".dot", ".gv", ".svg", ".png"):
        by_suffix = {".gv": "dot"}.get(suffix, suffix[1:])
    if requested and by_suffix and requested != by_suffix and not (requested == "dot" and suffix == ".gv"):
        raise UsageError(f"--format {requested} does not match the output file '{output}'", code="bad-format",
                         hint=f"name a file ending in {_suffixes(requested)}, or drop --format")
    return requested or by_suffix or "dot"


def _suffixes(fmt: str) -> str:
    return " or ".join(EXPORT_SUFFIXES.get(fmt, (".gv", ".dot") if fmt == "dot" else (f".{fmt}",)))


def export_text(
    fmt: str, loaded: "LoadedPolicy", *, changes: Iterable[str] = (), committees: Iterable[str] = (),
    against: "LoadedPolicy | None" = None, approvals_only: bool = False,
) -> str:
    """The BPMN, DMN or Mermaid text of what ``workreg render`` was asked to draw."""
    changes = tuple(changes)
    if fmt == "mermaid":
        from workreg.versions.mermaid import render_mermaid

        return render_mermaid(loaded, changes=changes, committees=committees, against=against,
                              approvals_only=approvals_only)
    if against is not None:
        raise UsageError(f"--format {fmt} has no --against: it exports one policy", code="usage",
                         hint="draw a difference as DOT, SVG, PNG or Mermaid")
    if fmt == "bpmn":
        if not changes:
            raise UsageError("BPMN exports one decision's approval path: name its change kinds with --change",
                             code="usage", hint="e.g. workreg render dsp4003 --change scope_extension --format bpmn")
        from workreg.versions.bpmn import decision_bpmn

        return decision_bpmn(loaded, loaded.compiled.decide(changes, tuple(committees)))
    if fmt == "dmn":
        if changes or approvals_only:
            raise UsageError("DMN exports the whole policy's requirements: --change and --approvals-only do not apply",
                             code="usage", hint="e.g. workreg render dsp4003 --format dmn -o requirements.dmn")
        from workreg.versions.dmn import policy_dmn

        return policy_dmn(loaded)
    raise UsageError(f"unknown export format '{fmt}'", code="bad-format", hint="use " + ", ".join(RENDER_FORMATS))
