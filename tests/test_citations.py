"""Every quote in the shipped policy is in DSP4003 1.2.0, in the section it cites."""

from __future__ import annotations

import re

import pytest

from workreg.policy.load import load_policy
from workreg.policy.model import iter_citations
from tests.conftest import SHIPPED_POLICY

HEADING = re.compile(r"^(\d+(?:\.\d+)*) [A-Z]", re.M)


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


CITATIONS = list(iter_citations(load_policy(SHIPPED_POLICY)))


def test_policy_has_citations():
    assert len(CITATIONS) > 60


@pytest.mark.parametrize("path,citation", CITATIONS, ids=[p for p, _ in CITATIONS])
def test_quote_is_in_the_cited_section(seeds, path, citation):
    sections = _sections((seeds / "dsp4003-1.2.0.txt").read_text(encoding="utf-8"))
    assert citation.section in sections, f"{path}: no section {citation.section}"
    text = _normal(sections[citation.section])
    for part in citation.quote.split("..."):
        assert _normal(part) in text, f"{path}: {part!r} not in §{citation.section}"
