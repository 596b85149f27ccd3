"""What every export (BPMN, DMN, Mermaid) says the same way: a policy's label and a clause's text."""

from __future__ import annotations

import re
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
    from workreg.policy.mermaid_path import policy_label as label

    return label(loaded.compiled)


def ncname(text: str) -> str:
    """An XML NCName (an id BPMN and DMN accept) from a gate or kind id (``affected_committee_ballot:Technical
    Committee``)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return name if re.match(r"[A-Za-z_]", name) else f"_{name}"
