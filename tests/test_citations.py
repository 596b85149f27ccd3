"""Every quote in the shipped policy is in DSP4003 1.2.0, in the section it cites."""

from __future__ import annotations

import re

import pytest

from engine.load import load_policy
from conftest import SHIPPED_POLICY

HEADING = re.compile(r"^(\d+(?:\.\d+)*) [A-Z]", re.M)


def _citations(node, path="policy"):
    if hasattr(type(node), "model_fields"):
        if set(type(node).model_fields) == {"section", "quote"}:
            yield path, node
            return
        for name in type(node).model_fields:
            yield from _citations(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from _citations(item, f"{path}[{index}]")


def _sections(text: str) -> dict[str, str]:
    body = text[text.index("1 DMTF Work Register\n\nThe DMTF"):]  # skip the table of contents
    appendix = body.index("Appendix A")
    marks = [(m.group(1), m.start()) for m in HEADING.finditer(body[:appendix])]
    sections = {}
    for (name, start), (_, end) in zip(marks, marks[1:] + [("", appendix)]):
        sections[name] = body[start:end]
    sections["Appendix A"] = body[appendix:]
    return sections


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


CITATIONS = list(_citations(load_policy(SHIPPED_POLICY)))


def test_policy_has_citations():
    assert len(CITATIONS) > 60


@pytest.mark.parametrize("path,citation", CITATIONS, ids=[p for p, _ in CITATIONS])
def test_quote_is_in_the_cited_section(seeds, path, citation):
    sections = _sections((seeds / "dsp4003-1.2.0.txt").read_text(encoding="utf-8"))
    assert citation.section in sections, f"{path}: no section {citation.section}"
    text = _normal(sections[citation.section])
    for part in citation.quote.split("..."):
        assert _normal(part) in text, f"{path}: {part!r} not in §{citation.section}"
