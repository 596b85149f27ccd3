"""Inline text clean-up shared by the parser and the diff: Markdown marks, bullets, done markers."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, compress, count, repeat
from operator import and_, itemgetter, not_, or_
from typing import Sequence

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_STRONG = (re.compile(r"\*\*(.+?)\*\*"), re.compile(r"__(.+?)__"))
_EMPHASIS = (
    re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"),
)
_STRAY_ASTERISKS = re.compile(r"^\*+(?=\S)|(?<=\S)\*+$")
_BULLET = re.compile(r"^\s*(?:[-*+•◦▪‣–—·]|\d{1,2}[.)]|\(?[a-z][.)])\s+")
_WHITESPACE = re.compile(r"\s+")
_MARKUP_CHARS = re.compile(r"[\[<*_]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})

# A completion marker at the end of a milestone: "- done", "(done)", "[x]", "- completed", a tick.
_DONE = re.compile(
    r"\s*(?:[-–—:]\s*(?:done|completed?)|\((?:done|completed?)\)|\[(?:done|completed?|x)\]|[✓✔])\s*\.?\s*$",
    re.IGNORECASE,
)
_DONE_ALONE = re.compile(r"\s*(?:done|completed?|[✓✔])\s*\.?\s*", re.IGNORECASE)


def is_bullet(text: str) -> bool:
    """True when the line starts with a list marker (``-``, ``*``, ``•``, ``1.`` ...)."""
    return _BULLET.match(text) is not None


def strip_bullet(text: str) -> str:
    """The line without its list marker."""
    return _BULLET.sub("", text, count=1)


def strip_markup(text: str) -> str:
    """Text without Markdown links, autolink brackets and emphasis, whitespace collapsed."""
    if "[" not in text and "<" not in text and "*" not in text and "_" not in text:
        # Most lines: nothing for the patterns below to remove.  str.split() splits at exactly
        # the characters ``\s`` matches (str.isspace), without a regular expression.
        return " ".join(text.split())
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    for pattern in _STRONG + _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return _STRAY_ASTERISKS.sub("", text).strip()


def clean(text: str) -> str:
    """A document line as content: no heading marks, bullet or Markdown; single spaces."""
    text = text.strip()
    if text[:1] == "#":
        text = _MARKDOWN_HEADING.sub("", text)
    bullet = _BULLET.match(text)
    return strip_markup(text[bullet.end():] if bullet else text)


def clean_line(text: str) -> tuple[str, bool]:
    """``(clean(text), is_bullet(text))``, the list marker matched once (a list section's every line
    asks both)."""
    text = text.strip()
    first = text[:1]
    if first == "#":
        return clean(text), False  # a list marker never follows a heading's marks in the raw line
    if first == "-" and text[1:2].isspace():
        # The usual marker, without the pattern: _BULLET matches "-" and then all the whitespace
        # after it (its \s is str.isspace), which lstrip removes.
        text = text[1:].lstrip()
        bullet = True
    else:
        marker = _BULLET.match(text)
        bullet = marker is not None
        if marker is not None:
            text = text[marker.end():]
    if "[" not in text and "<" not in text and "*" not in text and "_" not in text:
        return " ".join(text.split()), bullet  # strip_markup's own shortcut
    return strip_markup(text), bullet


# What sends a line to the per-line steps in the batch functions below: markup, heading marks, and
# whitespace other than single spaces between words (every other ASCII character str.isspace and
# the patterns' \s accept).  Non-ASCII lines always take the per-line steps.
_ODD = ("[", "<", "*", "_", "#", "  ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def odd_lines(texts: Sequence[str], joined: str) -> set[int] | None:
    """Indexes of the ``texts`` that are not plain: non-ASCII, or holding markup, heading marks, or
    whitespace other than single spaces (a space at either end is the caller's to test: a test of
    each text's ends is cheaper than a search for a space beside a line break).  ``joined`` is
    ``"\n".join(texts)``; None when a text holds a line break itself (then every text is odd).

    One C-level search of ``joined`` per odd character, not a Python step per text: on most
    registers they find nothing."""
    if joined.count("\n") != len(texts) - 1:
        return None
    odd: set[int] = set()
    if not joined.isascii():
        odd.update(index for index, text in enumerate(texts) if not text.isascii())
    places: list[int] = []  # of an odd character in ``joined``
    for needle in _ODD:
        place = joined.find(needle)
        while place >= 0:
            places.append(place)
            place = joined.find(needle, place + 1)
    if places:
        starts = line_starts(texts)
        odd.update(bisect_right(starts, place) - 1 for place in places)
    return odd


def line_starts(texts: Sequence[str]) -> list[int]:
    """Where each of ``texts`` starts in ``"\n".join(texts)``."""
    return [end - len(text) + index for index, (text, end) in enumerate(zip(texts, accumulate(map(len, texts))))]


def clean_lines(lines: Sequence[tuple[int, str]]) -> tuple[list[int], list[str], list[bool]]:
    """The numbers, :func:`clean_line` texts and bullet flags of the ``(number, text)`` lines that
    are not blank, in order.

    A list section's lines are mostly ``- `` and plain text (see :func:`odd_lines`), whose
    clean_line is the text after the marker: those are sliced by one C-level map, and only the
    others take clean_line's steps (a Python call each, about a microsecond)."""
    if not lines:
        return [], [], []
    all_numbers, all_texts = zip(*lines)
    kept = list(map(and_, map(bool, all_texts), map(not_, map(str.isspace, all_texts))))
    numbers, texts = list(compress(all_numbers, kept)), list(compress(all_texts, kept))
    odd = odd_lines(texts, "\n".join(texts))
    # "- " then a plain text that ends in no space (it starts with none: that would be two).
    plain = list(map(and_, map(str.startswith, texts, repeat("- ")), map(not_, map(str.endswith, texts, repeat(" ")))))
    for index in range(len(texts)) if odd is None else odd:
        plain[index] = False
    cleaned = list(map(itemgetter(slice(2, None)), texts))
    bullets = [True] * len(texts)
    for index in compress(count(), map(not_, plain)):
        cleaned[index], bullets[index] = clean_line(texts[index])
    return numbers, cleaned, bullets


def strip_markup_each(texts: Sequence[str]) -> list[str]:
    """``[strip_markup(text) for text in texts]``: a plain text (see :func:`odd_lines`) without a
    space at either end is its own answer, found by C-level searches and maps; only the others
    take strip_markup's steps."""
    odd = odd_lines(texts, "\n".join(texts))
    if odd is None:
        return list(map(strip_markup, texts))
    done = list(texts)
    for index in compress(count(), map(or_, map(str.startswith, texts, repeat(" ")),
                                       map(str.endswith, texts, repeat(" ")))):
        odd.add(index)
    for index in odd:
        done[index] = strip_markup(texts[index])
    return done


def _may_be_done(text: str) -> bool:
    """False when ``text`` cannot end in a done marker: every marker ends in one of _DONE_ENDINGS,
    then at most one full stop and whitespace.  Spares the two patterns on almost every text."""
    tail = text.rstrip()
    if tail.endswith("."):
        tail = tail[:-1].rstrip()
    return tail[-11:].lower().endswith(_DONE_ENDINGS)


_DONE_ENDINGS = tuple(f"{word}{close}" for word in ("done", "complete", "completed") for close in ("", ")", "]")) + (
    "x]", "✓", "✔")
#: How a plain text (see odd_lines, so ASCII with single spaces) that may end in a done marker
#: ends: an ending of one, then perhaps a full stop, perhaps after a space.
PLAIN_DONE_TAILS = tuple(ending + stop for ending in _DONE_ENDINGS if ending.isascii() for stop in ("", ".", " ."))


def split_done(text: str) -> tuple[str, bool]:
    """``(text without its done marker, whether it had one)``."""
    if not _may_be_done(text):
        return text.strip(), False
    if _DONE_ALONE.fullmatch(text):
        return "", True
    stripped = _DONE.sub("", text)
    return stripped.strip(), stripped != text


def comparable(text: str) -> str:
    """Text normalised for comparison: no markup, bullets or done marker; plain quotes and dashes."""
    text = clean(text)  # whitespace collapsed and stripped already
    if not text.isascii():
        text = text.translate(_QUOTES)
    if not _may_be_done(text):
        return text
    text, _ = split_done(text)
    return " ".join(text.split())
