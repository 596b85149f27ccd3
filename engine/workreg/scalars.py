"""Whole numbers and dates from outside: one way in, with bounds.

Every integer and calendar day workreg takes from a command line, a URL, a form or a document
goes through here, so the same text means the same thing everywhere and nothing out of range
reaches a database, ``datetime`` or the arithmetic of a review cycle:

* **ASCII digits only.** ``str.isdigit()`` accepts ``²`` (which ``int()`` refuses) and ``٣``
  (which ``int()`` reads as 3); workreg reads ``0``-``9`` and nothing else.
* **Ids within the database's range**: ``1`` to ``2**63 - 1`` (SQLite's INTEGER and
  PostgreSQL's bigint); at most 19 digits are read, so no huge number is ever built.
* **Days as ``YYYY-MM-DD``** with the year in ``FIRST_YEAR``..``LAST_YEAR``; a day outside the
  window is refused, never read as another year.

Out of range is a :class:`~workreg.errors.UsageError` (exit 2 on the command line, 400 from the
server) or the error class the caller names (a 404 for an id in a URL path).  Imports nothing
heavy: the command line's parser uses it at start-up.
"""

from __future__ import annotations

from workreg.errors import UsageError, WorkregError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import date

#: The largest id a case, a decision or a log row can have: SQLite INTEGER and PostgreSQL bigint.
MAX_ID = 2**63 - 1
#: The first and last years workreg reads in a date (command line, server, register documents).
#: Work registers date from the 2000s; the window leaves room on both sides and keeps every date
#: and every review cycle computed from it far from ``datetime``'s limits (years 1 and 9999).
FIRST_YEAR = 1900
LAST_YEAR = 2999

_MAX_DIGITS = len(str(MAX_ID))


def is_ascii_number(text: object) -> bool:
    """Whether ``text`` is one or more of the ASCII digits 0-9 (``²``, ``٣`` and ``-1`` are not)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def parse_int(text: object, what: str, *, low: int = 0, high: int = MAX_ID,
              error: type[WorkregError] = UsageError, code: str = "bad-number", hint: str | None = None) -> int:
    """``text`` as a whole number from ``low`` to ``high``; ``error`` naming ``what`` otherwise."""
    if is_ascii_number(text):
        digits = str(text).lstrip("0") or "0"
        if len(digits) <= _MAX_DIGITS:
            value = int(digits)
            if low <= value <= high:
                return value
    shown = str(text)[:24] + ("…" if len(str(text)) > 24 else "")
    raise error(f"{what} must be a whole number from {low} to {high}, not '{shown}'", code=code,
                hint=hint or "write it with the digits 0-9")


def parse_id(text: object, what: str = "an id", *, error: type[WorkregError] = UsageError, code: str = "bad-id",
             hint: str | None = None) -> int:
    """A database id: a whole number from 1 to :data:`MAX_ID`."""
    return parse_int(text, what, low=1, high=MAX_ID, error=error, code=code, hint=hint)


def year_in_window(year: int) -> bool:
    """Whether workreg reads dates of this year (:data:`FIRST_YEAR` to :data:`LAST_YEAR`)."""
    return FIRST_YEAR <= year <= LAST_YEAR


def parse_day(text: object, what: str, *, error: type[WorkregError] = UsageError) -> date:
    """A calendar day written ``YYYY-MM-DD`` in ASCII digits, its year in the window; UsageError
    code ``bad-date`` (or ``error``) naming ``what`` otherwise."""
    from datetime import date

    problem = "a date as YYYY-MM-DD"
    if isinstance(text, str) and len(text) == 10 and text[4] == "-" and text[7] == "-" \
            and all(is_ascii_number(part) for part in (text[:4], text[5:7], text[8:])):
        try:
            day = date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            problem = "a real calendar date as YYYY-MM-DD"
        else:
            if year_in_window(day.year):
                return day
            problem = f"a date from {FIRST_YEAR} to {LAST_YEAR}"
    shown = str(text)[:24] + ("…" if len(str(text)) > 24 else "")
    raise error(f"{what} must be {problem}, not '{shown}'", code="bad-date",
                hint=f"workreg reads days as YYYY-MM-DD, years {FIRST_YEAR}-{LAST_YEAR}")
