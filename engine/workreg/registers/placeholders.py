"""Recognise the placeholders that template-derived work registers leave behind (``?``, ``xx/xx/2018``, ``<date>``, TBD)."""

from __future__ import annotations

import re

# Each pattern finds one kind of placeholder token; order matters only for reporting.
_PLACEHOLDER_PATTERNS: tuple[re.Pattern[str], ...] = (
    # "…?" or "...?" — an unfinished sentence the author meant to come back to.
    re.compile(r"(?:…|\.\.\.)\s?\?"),
    # A lone question mark standing for a value (not one ending a question).
    re.compile(r"(?<![^\s(\[|])\?+(?![^\s)\]|.,;:])"),
    # Date templates such as xx/xx/2018, XX/XX/XXXX, mm/dd/yyyy.
    re.compile(r"\b(?:[xX]{1,2}|mm|MM|dd|DD)/(?:[xX]{1,2}|dd|DD|mm|MM)(?:/(?:\d{2,4}|[xX]{2,4}|yyyy|YYYY|yy))?\b"),
    # Angle-bracket fields such as <resolution ID> or <date> (not <http://...> autolinks or emails).
    re.compile(r"<[A-Za-z][A-Za-z0-9 _'-]{0,40}>"),
    # "To be determined/announced" markers; upper case only, as written in templates.
    re.compile(r"\b(?:TBD|TBA|TBC)\b"),
)


def placeholders_in(text: str) -> tuple[str, ...]:
    """The placeholder tokens in ``text``, in order of appearance (empty when the text is real content)."""
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for pattern in _PLACEHOLDER_PATTERNS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            # "…?" also contains a lone "?"; report the longer token only.
            if any(span.start < other.stop and other.start < span.stop for other in taken):
                continue
            taken.append(span)
            found.append((match.start(), match.group(0)))
    return tuple(token for _, token in sorted(found))


def is_to_be_determined(text: str) -> bool:
    """True when ``text`` is only a TBD/TBA marker (a value explicitly left open)."""
    return re.fullmatch(r"\s*(?:TBD|TBA|TBC|to be (?:determined|decided|announced))\.?\s*", text, re.I) is not None
