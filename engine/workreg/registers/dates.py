"""Parse the dates work registers write by hand (``04/08/2015``, ``June 8, 2023``, ``July 2016``); never raises.

Years are read within :data:`workreg.scalars.FIRST_YEAR`..``LAST_YEAR``.  A year written with
two digits (``04/08/15``) is 2000 + those digits, as registers write them; a year written with
four digits is that year, and outside the window the date is not read at all (``0015`` is never
taken for 2015, nor ``9998`` used to compute a review date): :func:`date_out_of_window` names
such a date for ``workreg lint``.
"""

from __future__ import annotations

import re
from datetime import date

from workreg.scalars import year_in_window

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# Registers are DMTF (US) documents: numeric dates are month/day/year.
# ASCII digits only (re.ASCII): int() would read "٢٠١٥" as 2015, and "²" not at all.
_US_DATE = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b", re.ASCII)
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", re.ASCII)
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{4})\b", re.I | re.ASCII)
_DAY_MONTH_YEAR = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I | re.ASCII)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I | re.ASCII)
_NUMERIC_MONTH_YEAR = re.compile(r"\b(?P<m>\d{1,2})/(?P<y>\d{4})\b", re.ASCII)
_ISO_MONTH = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})\b", re.ASCII)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)  # "15" is 2015; "0015" is the year 15


def _safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or its year is outside the window."""
    if not year_in_window(year):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_out_of_window(text: str) -> str | None:
    """The first date written in ``text`` whose year lies outside the years workreg reads, as
    written (``01/02/0015``, ``June 8, 9998``), or None.  Such a date is not read as any day."""
    for pattern in (_US_DATE, _ISO_DATE, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR, _MONTH_YEAR, _NUMERIC_MONTH_YEAR, _ISO_MONTH):
        for match in pattern.finditer(text):
            if not year_in_window(_year(match["y"])):
                return match.group(0)
    return None


def parse_date(text: str) -> date | None:
    """The first full calendar date written in ``text``, or None when there is none (or it is invalid)."""
    candidates: list[tuple[int, date | None]] = []
    for pattern in (_US_DATE, _ISO_DATE):
        match = pattern.search(text)
        if match:
            candidates.append(
                (match.start(), _safe_date(_year(match["y"]), int(match["m"]), int(match["d"])))
            )
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        match = pattern.search(text)
        if match:
            month = _MONTHS[match["month"].lower()]
            candidates.append((match.start(), _safe_date(int(match["y"]), month, int(match["d"]))))
    valid = sorted((start, value) for start, value in candidates if value is not None)
    return valid[0][1] if valid else None


def parse_year_month(text: str) -> str | None:
    """The first month written in ``text`` as ``YYYY-MM`` (from a full date or ``July 2016``), or None."""
    full = parse_date(text)
    if full is not None:
        return f"{full.year:04d}-{full.month:02d}"
    match = _MONTH_YEAR.search(text)
    if match and year_in_window(int(match["y"])):
        return f"{int(match['y']):04d}-{_MONTHS[match['month'].lower()]:02d}"
    for pattern in (_ISO_MONTH, _NUMERIC_MONTH_YEAR):
        match = pattern.search(text)
        if match and 1 <= int(match["m"]) <= 12 and year_in_window(int(match["y"])):
            return f"{int(match['y']):04d}-{int(match['m']):02d}"
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month, and to ``date.min``
    or ``date.max`` beyond the calendar's ends (a review due after the year 9999 is never due)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = 31
    while last > 28:
        try:
            date(year, month, last)
            break
        except ValueError:
            last -= 1
    return date(year, month, min(day.day, last))
