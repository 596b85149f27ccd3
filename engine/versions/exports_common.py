"""What every export (BPMN, DMN, Mermaid) says the same way: a policy's label and a clause's text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workreg.versions.compare import LoadedPolicy


def approval_citations(item: Any) -> list[dict]:
    """The clauses of a required approval as JSON-ready dicts (one per change kind that cites one)."""
    many = getattr(item, "citations", None)
    if many:
        return [citation.to_dict() for citation in many]
    return [item.citation.to_dict()]


def citation_text(citation: dict) -> str:
    """``§4.1 "quote" (DSP4003 1.2.0)``."""
    source = f" ({citation['source']})" if citation.get("source") else ""
    return f"§{citation['section']} \"{citation['quote']}\"{source}"


def policy_label(loaded: "LoadedPolicy") -> str:
    """``DSP4003 1.2.0 (dsp4003@1.2.0)``, saying so when the version is a reconstruction."""
    source = loaded.model.source
    provenance = loaded.model.provenance
    label = f"{source.document} {source.version} ({loaded.compiled.ref})"
    if provenance.kind != "published":
        quotes = f", quotes from {provenance.quotes_from}" if provenance.quotes_from else ""
        label += f", {provenance.kind}: not a published text{quotes}"
    return label

