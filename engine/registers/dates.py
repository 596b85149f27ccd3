"""Parse the dates work registers write by hand (``04/08/2015``, ``June 8, 2023``, ``July 2016``); never raises."""

from __future__ import annotations

import re
from datetime import date

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
_US_DATE = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{4})\b", re.I)
_DAY_MONTH_YEAR = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I)
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I)
_NUMERIC_MONTH_YEAR = re.compile(r"\b(?P<m>\d{1,2})/(?P<y>\d{4})\b")
_ISO_MONTH = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})\b")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
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
    if match:
        return f"{int(match['y']):04d}-{_MONTHS[match['month'].lower()]:02d}"
    for pattern in (_ISO_MONTH, _NUMERIC_MONTH_YEAR):
        match = pattern.search(text)
        if match and 1 <= int(match["m"]) <= 12:
            return f"{int(match['y']):04d}-{int(match['m']):02d}"
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        result = _safe_date(year, month, min(day.day, candidate))
        if result is not None:
            return result
    raise AssertionError("unreachable: day 28 exists in every month")
