"""Split a document's lines into the sections of the register template, by heading.

Headings are recognised by meaning, not by the exact words of one register: numbering, Markdown
``#``/emphasis, trailing colons and case are ignored, and each section accepts several wordings.
Which wordings head which section is data: the register template
(:mod:`workreg.registers.template`, ``policies/vocabulary/dmtf-template.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import itemgetter, le
from typing import TYPE_CHECKING, NamedTuple

from workreg.registers.inline import clean

if TYPE_CHECKING:
    from workreg.registers.template import Template

_HEADING_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+")
_MAX_HEADING_LENGTH = 80


class Line(NamedTuple):
    """One document line: 1-based number and text (leading tabs kept, they mark table cells).

    A named tuple: a reader makes one per line of the document, and ``tuple.__new__`` makes them
    without a Python call each (see ``read.text_lines``)."""

    number: int
    text: str


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
    if text[:1] == "#":
        text = _HASHES.sub("", text)
    marked = "*" in text or "_" in text
    if marked:
        text = _OUTER_MARKS.sub("", text).strip()
    first = text[:1]
    if first.isdigit() or "A" <= first <= "Z":  # numbering starts with a digit or a capital, else none
        text = _HEADING_NUMBERING.sub("", text)
    text = text.rstrip(":").strip()
    if marked:
        text = _MARKS.sub("", text)
    if "&" in text:
        text = text.replace("&", " and ")
    return " ".join(text.split()).lower()


_HASHES = re.compile(r"^#+\s*")
_TEXT = itemgetter(1)  # a Line's text
_UNKNOWN = ""  # no section's id: a line whose heading is not remembered yet
_OUTER_MARKS = re.compile(r"^[*_]+|[*_]+$")
_MARKS = re.compile(r"[*_]+")


def heading_id(line: str, template: Template | None = None) -> str | None:
    """The template section a line is the heading of, or None when it is not a heading."""
    # Table cells (leading tab, or tab-separated) and long lines are never headings.
    if "|" in line or ("\t" in line and "\t" in line.rstrip()):
        return None
    if len(line) > _MAX_HEADING_LENGTH and len(line.strip()) > _MAX_HEADING_LENGTH:
        return None
    candidate = normalise_heading(line)
    if not candidate:
        return None
    return (template or _default()).heading_id(candidate)


def _default() -> Template:
    from workreg.registers.template import default_template

    return default_template()


def split_sections(lines: list[Line], template: Template | None = None) -> tuple[list[Line], list[RawSection]]:
    """The lines before the first heading (title block) and the template sections in document order.

    Each section is recognised once; a later line with the same heading text is body text.
    """
    template = template or _default()
    headed = template.heading_id
    remembered = template.line_headings
    if len(remembered) > template.LINE_MEMO:
        remembered.clear()
    texts = list(map(_TEXT, lines))
    # heading_id's own tests: a line longer than a heading once stripped (most of a long
    # register) is left out by C-level maps, without a Python step; table cells and rows below.
    fits = map(le, map(len, map(str.strip, texts)), repeat(_MAX_HEADING_LENGTH))
    heads: list[tuple[int, str]] = []  # (index, section) of each section's first heading
    seen: set[str] = set()
    for index in compress(count(), fits):
        text = texts[index]
        if "|" in text or ("\t" in text and "\t" in text.rstrip()):
            continue
        section = remembered.get(text, _UNKNOWN)
        if section == _UNKNOWN:
            candidate = normalise_heading(text)
            section = remembered[text] = headed(candidate) if candidate else None
        if section is not None and section not in seen:
            seen.add(section)
            heads.append((index, section))
    if not heads:
        return list(lines), []
    # Each section's body: the lines up to the next section's heading (a heading seen before is body text).
    ends = [index for index, _ in heads[1:]] + [len(lines)]
    sections = [RawSection(section, clean(lines[index].text), lines[index].number, list(lines[index + 1:end]))
                for (index, section), end in zip(heads, ends)]
    return list(lines[:heads[0][0]]), sections

