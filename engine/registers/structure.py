"""Split a document's lines into the sections of the DMTF work register template, by heading.

Headings are recognised by meaning, not by the exact words of one register: numbering, Markdown
``#``/emphasis, trailing colons and case are ignored, and each section accepts several wordings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workreg.registers.inline import clean

# Section id -> accepted heading wordings (full-match, on the normalised heading text).
HEADING_PATTERNS: dict[str, tuple[str, ...]] = {
    "organizations": (r"(alliance )?(partner )?organi[sz]ations?", r"alliance partners?( organi[sz]ations?)?"),
    "background": (r"background", r"history"),
    "partner_description": (
        r"(the )?alliance partner and (its|their) missions?",
        r"(alliance )?partner (description|mission|overview)",
        r"about the (alliance )?partner",
    ),
    "benefits": (
        r"(alliance |partnership )?(partnership )?benefits",
        r"benefits (of|to) (the )?(alliance|partnership)( partnership)?",
    ),
    "activities": (r"(alliance |planned |joint )?activities",),
    "limitations": (r"limitations?", r"restrictions?"),
    "milestones": (
        r"milestones?",
        r"milestones? ?(/|and) ?(dates?|deliverables?|timeframes?)",
        r"deliverables? ?(/|and) ?(dates?|timeframes?)",
    ),
    "access": (r"(information |document |specification )?access",),
    "documentation": (r"documentation( exchanged?)?", r"documents?( exchanged?)?"),
    "review_date": (r"(work register )?review( date)?", r"next review( date)?"),
    "points_of_contact": (
        r"resources identified( ?(/|and) ?points? of contacts?)?",
        r"points? of contacts?",
        r"contacts?",
    ),
    "corresponding_document": (r"corresponding\b.*\bdocuments?",),
    "board_approval": (
        r"approval by the (dmtf )?board( of directors)?",
        r"(dmtf )?board( of directors)? approval",
        r"board resolution",
    ),
    "additional_considerations": (r"(additional|other) considerations?",),
}

# One alternation per section: a heading candidate is tried against each section once.
_COMPILED = {
    section: re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    for section, patterns in HEADING_PATTERNS.items()
}

#: Template sections a register must have (DSP4003 1.2.0 template, 2004). Background, the partner
#: description, Limitations, Documentation and Additional Considerations came later or are optional.
REQUIRED_SECTIONS: tuple[str, ...] = (
    "organizations",
    "benefits",
    "activities",
    "milestones",
    "access",
    "review_date",
    "points_of_contact",
    "corresponding_document",
    "board_approval",
)

#: A document needs at least this many distinct template headings to count as a work register.
MIN_SECTIONS = 3

_HEADING_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+")
_MAX_HEADING_LENGTH = 80


@dataclass(frozen=True)
class Line:
    """One document line: 1-based number and text (leading tabs kept, they mark table cells)."""

    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class RawSection:
    """A template section found in the document: its id, heading as written, and body lines."""

    id: str
    heading: str
    line: int
    body: list[Line] = field(default_factory=list)


def normalise_heading(text: str) -> str:
    """Heading text reduced for matching: no Markdown marks, numbering, trailing colon, case."""
    text = text.strip()
    text = re.sub(r"^#+\s*", "", text)
    text = re.sub(r"^[*_]+|[*_]+$", "", text).strip()
    text = _HEADING_NUMBERING.sub("", text)
    text = text.rstrip(":").strip()
    text = re.sub(r"[*_]+", "", text)
    text = text.replace("&", " and ")
    return re.sub(r"\s+", " ", text).lower()


def heading_id(line: str) -> str | None:
    """The template section a line is the heading of, or None when it is not a heading."""
    # Table cells (leading tab, or tab-separated) and long lines are never headings.
    if "\t" in line.rstrip() or "|" in line or len(line.strip()) > _MAX_HEADING_LENGTH:
        return None
    candidate = normalise_heading(line)
    if not candidate:
        return None
    for section, pattern in _COMPILED.items():
        if pattern.fullmatch(candidate):
            return section
    return None


def split_sections(lines: list[Line]) -> tuple[list[Line], list[RawSection]]:
    """The lines before the first heading (title block) and the template sections in document order.

    Each section is recognised once; a later line with the same heading text is body text.
    """
    preamble: list[Line] = []
    sections: list[RawSection] = []
    seen: set[str] = set()
    for line in lines:
        section = heading_id(line.text)
        if section is not None and section not in seen:
            seen.add(section)
            sections.append(RawSection(section, clean(line.text), line.number))
        elif sections:
            sections[-1].body.append(line)
        else:
            preamble.append(line)
    return preamble, sections
