"""Turn a document's lines (from any reader) into a WorkRegister, following the template's sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress, count
from operator import and_, attrgetter, not_
from typing import Callable

from workreg.errors import RegisterError
from workreg.registers.dates import parse_date, parse_year_month
from workreg.registers.inline import clean, clean_lines, is_bullet, split_done, strip_markup, strip_markup_each
from workreg.registers.model import (
    Approval,
    Contact,
    CorrespondingDocument,
    DateText,
    Item,
    Milestone,
    MonthText,
    Organization,
    Organizations,
    ProcessReference,
    SectionHeading,
    Text,
    WorkRegister,
    field_names,
    items_of,
)
from workreg.registers.structure import Line, RawSection, split_sections
from workreg.registers.template import Parties, Template, default_template

GroupsOf = Callable[[str], tuple[str, ...]]

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9&.-]{1,11})\)")
_VERSION = re.compile(r"\bVersion\s*:?\s*(?P<version>\S.*?)\s*$", re.IGNORECASE)


def _process_pattern(prefix: str) -> re.Pattern[str]:
    """A host document named with its version: "DSP4003 1.6.0.pdf", "DSP4003_1.6.0", "DSP4003 version 1.2.0"
    (``prefix`` is the host's document prefix, from the register template)."""
    return re.compile(
        rf"(?<![A-Za-z0-9])(?P<document>{re.escape(prefix)})[\s_-]?(?P<number>\d{{4}})(?![0-9])"
        r"(?:[\s_-]*(?:v(?:ersion)?\s*)?(?P<version>\d+(?:\.\d+)+[a-z]?)(?![\d.]*\d))?",
        re.IGNORECASE,
    )
_DATE_LINE = re.compile(r"^\s*Date(?:\s+Initiated)?\s*:?\s*(?P<date>\S.*?)\s*$", re.IGNORECASE)
_TERMINAL_PUNCTUATION = tuple(".!?;,)")
_LABEL_SUBJECT_END = re.compile(
    r"\s+(?:will|would|can|could|may|shall|should|is|are|has|have|to|provides?|makes?|benefits?)\b|:"
)
# Words that make a comma-separated part of a contact line a role rather than a person's name.
_ROLE_WORDS = frozenset(
    """chair chairs co-chair vice president vp director manager officer lead leader head alliances
    alliance liaison community technical secretary treasurer member members board contacts contact
    list mail-list mailing team committee group forum executive engineer architect chief coordinator
    representative founder program project marketing office""".split()
)


@dataclass(frozen=True)
class _Partner:
    """What the parser knows of the partner's names, to tell whose a sub-heading is.

    ``host`` matches the names of the organization on the other side (the template's host);
    ``parties`` are the ids the template gives the two sides.
    """

    name: str | None
    abbreviation: str | None
    host: re.Pattern[str]
    parties: Parties

    def named_in(self, subject: str) -> bool:
        if self.abbreviation and re.search(rf"\b{re.escape(self.abbreviation)}\b", subject):
            return True
        if self.name and self.name.lower() in subject.lower():
            return True
        initials = "".join(word[0] for word in (self.name or "").split() if word[:1].isupper())
        if len(initials) >= 2 and re.search(rf"\b{re.escape(initials)}\b", subject):
            return True
        compact = re.sub(r"[^a-z0-9]", "", subject.lower())
        full = re.sub(r"[^a-z0-9]", "", (self.name or "").lower())
        # "OpenCompute" for "Open Compute Project": a run-together prefix of the name.
        return len(compact) >= 4 and bool(full) and full.startswith(compact)


def parse_lines(
    lines: list[Line], *, file: str, fallback_title: str, groups_of: GroupsOf, template: Template | None = None,
) -> WorkRegister:
    """The work register written in ``lines``; RegisterError when they are not a work register.

    ``template`` (default: the shipped one) says how sections are headed and who the host is.
    """
    template = template or default_template()
    preamble, sections = split_sections(lines, template)
    if len({section.id for section in sections}) < template.min_sections:
        found = ", ".join(section.heading for section in sections) or "none"
        raise RegisterError(
            f"not a work register: found {len(sections)} of the template's section headings ({found})",
            code="not-a-register",
            file=file,
            hint=f"a register written from the {template.name} has headings such as "
            + ", ".join(template.title(section) for section in template.required),
        )
    by_id = {section.id: section for section in sections}
    # Lines read into no field of the model but understood all the same (headings, table
    # headers, sub-headings, labels); every other line the model does not keep is listed as unread.
    seen: set[int] = {section.line for section in sections}
    title, version, date_initiated, introduction = _title_block(preamble, fallback_title, seen)
    partner = _partner_names(by_id.get("organizations"), title.text, lines, template)
    organizations = _organizations(by_id, partner, title, template, seen)
    process = _process(preamble, by_id, seen, template)

    def items(section_id: str) -> tuple[Item, ...]:
        section = by_id.get(section_id)
        return tuple(_items(section.body, partner)) if section else ()

    register = WorkRegister(
        title=title,
        version=version,
        date_initiated=date_initiated,
        introduction=introduction,
        process=process,
        organizations=organizations,
        sections=tuple(
            SectionHeading(id=section.id, heading=section.heading, line=section.line) for section in sections
        ),
        background=items("background"),
        benefits=items("benefits"),
        activities=items("activities"),
        limitations=items("limitations"),
        milestones=tuple(_milestones(by_id["milestones"].body, groups_of, seen)) if "milestones" in by_id else (),
        access=items("access"),
        documentation=items("documentation"),
        review_date=_review_date(by_id.get("review_date")),
        points_of_contact=tuple(_contacts(items("points_of_contact"), partner, seen)),
        corresponding_document=_corresponding_document(by_id.get("corresponding_document"), seen),
        approval=_approval(by_id.get(template.approval), seen),
        additional_considerations=items("additional_considerations"),
    )
    understood = seen
    _model_lines(register, understood)
    unread = []
    for number, raw in lines:
        if number not in understood:
            text = clean(raw)
            if text:
                unread.append(Text(text=text, line=number))
    return replace(register, unread=tuple(unread)) if unread else register


# Models whose only line is their own (no parts with lines of their own).
_FLAT = frozenset({Text, DateText, MonthText, Item, Milestone, Contact, SectionHeading})
_LINE = attrgetter("line")


def _model_lines(node: object, found: set[int] | None = None) -> set[int]:
    """Every line number a model (or part of one) keeps, added to ``found`` (and returned)."""
    found = set() if found is None else found
    if isinstance(node, tuple):
        if set(map(type, node)) <= _FLAT:
            # Most of a register: rows and items without parts, their lines taken in C.
            found.update(map(_LINE, node))
            found.discard(None)  # (a part without a line)
            return found
        for item in node:
            if type(item) in _FLAT:
                if item.line is not None:
                    found.add(item.line)
            elif hasattr(item, "__dataclass_fields__"):
                _model_lines(item, found)
        return found
    for name in field_names(type(node)):
        value = getattr(node, name)
        if name == "line":
            if value is not None:
                found.add(value)
        elif isinstance(value, tuple) or hasattr(value, "__dataclass_fields__"):
            _model_lines(value, found)
    return found


# --- title block ---------------------------------------------------------------------------------


def _title_block(
    preamble: list[Line], fallback_title: str, seen: set[int],
) -> tuple[Text, Text | None, DateText | None, Text | None]:
    """Title, version, date and the introduction: the paragraph(s) of the preamble after them."""
    title: Text | None = None
    version: Text | None = None
    date_initiated: DateText | None = None
    introduction: list[tuple[str, int]] = []
    for line in preamble:
        text = clean(line.text)
        if not text:
            continue
        date_match = _DATE_LINE.match(text)
        if date_match and date_initiated is None:
            written = date_match["date"]
            date_initiated = DateText(text=written, line=line.number, value=parse_date(written))
            continue
        version_match = _VERSION.search(text)
        if version_match and version is None:
            version = Text(text=version_match["version"], line=line.number)
            text = text[: version_match.start()].strip()
            seen.add(line.number)
        if not text:
            continue
        if title is None:
            title = Text(text=text, line=line.number)
        elif _comparable_title(text) == _comparable_title(title.text):
            seen.add(line.number)  # Word's exports repeat the title (header, first page, body)
        else:
            introduction.append((text, line.number))
    intro = Text(text=" ".join(text for text, _ in introduction), line=introduction[0][1]) if introduction else None
    return title or Text(text=fallback_title), version, date_initiated, intro


def _comparable_title(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _process(
    preamble: list[Line], by_id: dict[str, RawSection], seen: set[int], template: Template,
) -> ProcessReference | None:
    """The process document the register names for its review (``... can be found in DSP4003 ...``)."""
    if not template.host.document_prefix:
        return None
    pattern = _process_pattern(template.host.document_prefix)
    places = [*preamble, *(by_id["review_date"].body if "review_date" in by_id else ())]
    found: list[tuple[re.Match, Line]] = []
    for line in places:
        for match in pattern.finditer(line.text):
            found.append((match, line))
            seen.add(line.number)
    if not found:
        return None
    match, line = next(((m, l) for m, l in found if m["version"]), found[0])
    return ProcessReference(
        document=f"{match['document'].upper()}{match['number']}", version=match["version"],
        text=clean(line.text), line=line.number,
    )


# --- organizations -------------------------------------------------------------------------------


def _statement(section: RawSection | None, host: re.Pattern[str]) -> Line | None:
    """The ``X and the <host>`` line of the organizations section."""
    if section is None:
        return None
    for line in section.body:
        text = clean(line.text)
        if text and host.search(text) and re.search(r"\s(?:and|&)\s", text):
            return line
    return None


def _partner_names(section: RawSection | None, title: str, lines: list[Line], template: Template) -> _Partner:
    name: str | None = None
    abbreviation: str | None = None
    host = template.host_names
    # The title names both sides: "OFA/DMTF Work Register" or "DMTF / OFA Work Register".
    host_abbreviation = re.escape(template.host.abbreviation)
    statement = _statement(section, host)
    if statement is not None:
        parts = re.split(r"\s+(?:and|&)\s+", clean(statement.text).rstrip("."))
        partner_parts = [part for part in parts if not host.search(part)]
        if partner_parts:
            written = " and ".join(partner_parts)
            match = _ABBREVIATION.search(written)
            if match:
                abbreviation = match.group(1)
                written = written[: match.start()] + written[match.end() :]
            name = re.sub(r"^(?:the)\s+", "", written.strip(), flags=re.IGNORECASE).strip(" ,")
    if name is None:
        match = re.match(rf"\s*(.+?)\s*/\s*(?:the\s+)?{host_abbreviation}\b", title) or re.match(
            rf"\s*{host_abbreviation}\s*/\s*(.+?)\s+Work Register", title, re.IGNORECASE
        )
        if match:
            name = match.group(1).strip()
    if name and abbreviation is None:
        if re.fullmatch(r"[A-Z][A-Z0-9&-]{1,11}", name):
            abbreviation = name
        else:
            written = re.escape(name).replace(r"\ ", r"\s+")
            for line in lines:
                match = re.search(written + r"\s*\(([A-Z][A-Za-z0-9&.-]{1,11})\)", line.text)
                if match:
                    abbreviation = match.group(1)
                    break
            else:
                match = re.match(rf"\s*([A-Z][A-Z0-9&-]{{1,11}})\s*/\s*(?:the\s+)?{host_abbreviation}\b", title)
                if match:
                    abbreviation = match.group(1)
    return _Partner(name=name, abbreviation=abbreviation, host=host, parties=template.parties)


def _organizations(
    by_id: dict[str, RawSection], partner: _Partner, title: Text, template: Template, seen: set[int],
) -> Organizations | None:
    section = by_id.get("organizations")
    statement = _statement(section, partner.host)
    if partner.name is None:
        return None
    partner_description: list[Item] = []
    host_description: list[Item] = []
    if section is not None:
        current: list[Item] | None = None
        for line in section.body:
            text = clean(line.text)
            if not text or line is statement:
                continue
            if _is_subheading(text):
                # "Open Compute Project" / "DMTF": a description of one organization follows.
                seen.add(line.number)
                if partner.host.search(text) and not partner.named_in(text):
                    current = host_description
                else:
                    current = partner_description
                continue
            if current is not None:
                current.append(Item(text=text, line=line.number))
    if "partner_description" in by_id:
        partner_description.extend(_items(by_id["partner_description"].body, partner))
    host = template.host
    host_name = host.name
    if statement is not None and re.search(r"\s+".join(map(re.escape, host.full_name.split())), statement.text, re.I):
        host_name = host.full_name
    return Organizations(
        text=clean(statement.text) if statement is not None else title.text,
        line=statement.number if statement is not None else title.line,
        partner=Organization(
            name=partner.name,
            abbreviation=partner.abbreviation,
            line=statement.number if statement is not None else title.line,
            description=tuple(partner_description),
        ),
        host=Organization(
            name=host_name,
            abbreviation=host.abbreviation,
            line=statement.number if statement is not None else None,
            description=tuple(host_description),
        ),
    )


def _is_subheading(text: str) -> bool:
    """A short line without sentence punctuation, such as an organization's name above its description."""
    return len(text.split()) <= 8 and not text.endswith(_TERMINAL_PUNCTUATION) and not is_bullet(text)


# --- list sections -------------------------------------------------------------------------------


_THE_FOLLOWING = re.compile(r"\bthe following\b", re.IGNORECASE)


def _is_label(text: str, next_is_bullet: bool) -> bool:
    """A line that introduces the lines after it: ``OCP:``, ``DMTF will benefit from:``, ``Checklist``."""
    words = len(text.split())
    if text.endswith(":") and words <= 25:
        return True
    if _THE_FOLLOWING.search(text):
        return True
    return next_is_bullet and words <= 8 and not text.endswith(_TERMINAL_PUNCTUATION)


def _organization_of(label: str, partner: _Partner) -> str | None:
    """Whose items a label introduces: the partner's or the host's party id, or None (both, or not said)."""
    subject = _LABEL_SUBJECT_END.split(label, maxsplit=1)[0]
    subject = re.sub(r"^(?:the|for|from)\s+", "", subject.strip(), flags=re.IGNORECASE)
    by_host = bool(partner.host.search(subject))
    by_partner = partner.named_in(subject) or bool(re.search(r"\bpartner\b", subject, re.IGNORECASE))
    if by_host and not by_partner:
        return partner.parties.host
    if by_partner and not by_host:
        return partner.parties.partner
    return None


def _items(body: list[Line], partner: _Partner) -> list[Item]:
    # Each non-blank line cleaned once, with whether it is a bullet (a label is known by the next one).
    numbers, texts, bullets = clean_lines(body)
    items: list[Item] = []
    group: str | None = None
    organization: str | None = None
    last = len(texts) - 1
    # Runs of bullets with text (most lines) are items of the group before them, made a run at a
    # time (model.items_of); the lines between runs are looked at one by one.
    others = compress(count(), map(not_, map(and_, bullets, map(bool, texts))))
    start = 0
    for index in (*others, len(texts)):
        if index > start:
            items += items_of(texts[start:index], numbers[start:index], group, organization)
        start = index + 1
        if index > last:
            break
        number, text = numbers[index], texts[index]
        if not text:
            continue
        if not bullets[index] and _is_label(text, index < last and bullets[index + 1]):
            group = text.rstrip(":").strip()
            organization = _organization_of(group, partner)
            items.append(Item(text, number, group, organization, True))
            continue
        items.append(Item(text, number, group, organization))  # positional: a third cheaper
    return items


# --- milestones ----------------------------------------------------------------------------------

_HEADER_DELIVERABLE = re.compile(r"milestone|deliverable|activity|description", re.IGNORECASE)
_HEADER_TIMEFRAME = re.compile(r"time ?frame|date|when|target|schedule", re.IGNORECASE)
_MARKDOWN_SEPARATOR = re.compile(r"^[\s|:-]+$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TRAILING_TIMEFRAME = re.compile(
    r"^(?P<deliverable>.*?)\s*(?:[-–—:]\s*|\()\s*(?P<timeframe>Q[1-4]\s*\d{4}|H[12]\s*\d{4}|[A-Z][a-z]+\.? \d{4}"
    r"|\d{1,2}/\d{4}|\d{4}|TBD|TBA|On-?going)\)?\s*$"
)


def _table_rows(body: list[Line], seen: set[int]) -> list[tuple[int, list[str]]]:
    """Rows of the milestone table: tab-separated lines, one-cell-per-line blocks, or Markdown pipes."""
    rows: list[tuple[int, list[str]]] = []
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        if pending:
            rows.append((pending[0][0], [cell for _, cell in pending]))
            pending.clear()

    for line in body:
        raw = line.text
        if "\t" in raw:
            seen.add(line.number)
            cells = raw.split("\t")
            if raw.startswith("\t"):
                cells = cells[1:]
            if len(cells) >= 2:
                flush()
                rows.append((line.number, cells))
            else:
                # Word's text export puts each cell of a row on its own tab-indented line.
                pending.append((line.number, cells[0]))
        elif _PIPE_ROW.match(raw):
            seen.add(line.number)
            flush()
            if not _MARKDOWN_SEPARATOR.match(raw):
                rows.append((line.number, raw.strip().strip("|").split("|")))
        else:
            flush()
    flush()
    # Every cell's markup stripped at once (most cells are plain text: see strip_markup_each).
    cells = strip_markup_each([cell for _, row in rows for cell in row])
    stripped: list[tuple[int, list[str]]] = []
    start = 0
    for number, row in rows:
        stripped.append((number, cells[start:start + len(row)]))
        start += len(row)
    return stripped


def _milestones(body: list[Line], groups_of: GroupsOf, seen: set[int]) -> list[Milestone]:
    rows = _table_rows(body, seen)
    if not rows:
        return _bulleted_milestones(body, groups_of)
    deliverable_column, timeframe_column = 0, 1
    milestones: list[Milestone] = []
    for number, cells in rows:
        if not any(cells):
            continue
        if not milestones and len(cells) >= 2:
            deliverable_header = next((i for i, cell in enumerate(cells) if _HEADER_DELIVERABLE.search(cell)), None)
            timeframe_header = next(
                (i for i, cell in enumerate(cells) if i != deliverable_header and _HEADER_TIMEFRAME.search(cell)),
                None,
            )
            if deliverable_header is not None and timeframe_header is not None:
                deliverable_column, timeframe_column = deliverable_header, timeframe_header
                continue
        deliverable = cells[deliverable_column] if deliverable_column < len(cells) else ""
        timeframe = cells[timeframe_column] if timeframe_column < len(cells) else ""
        milestones.append(_milestone(deliverable, timeframe, number, groups_of))
    return milestones


def _milestone(deliverable: str, timeframe: str, line: int, groups_of: GroupsOf) -> Milestone:
    deliverable, done_in_deliverable = split_done(deliverable)
    timeframe, done_in_timeframe = split_done(timeframe)
    # Positional (deliverable, timeframe, done, groups, line): a third cheaper, once per table row.
    return Milestone(deliverable, timeframe, done_in_deliverable or done_in_timeframe, groups_of(deliverable), line)


def _bulleted_milestones(body: list[Line], groups_of: GroupsOf) -> list[Milestone]:
    """Milestones written as a bullet list (``- Spec review - Q3 2024``) when there is no table."""
    milestones: list[Milestone] = []
    for line in body:
        if not is_bullet(line.text):
            continue
        text = clean(line.text)
        text, done = split_done(text)
        match = _TRAILING_TIMEFRAME.match(text)
        deliverable, timeframe = (match["deliverable"], match["timeframe"]) if match else (text, "")
        milestone = _milestone(deliverable, timeframe, line.number, groups_of)
        milestones.append(replace(milestone, done=True) if done else milestone)
    return milestones


# --- single-statement sections ---------------------------------------------------------------------


def _first_text(section: RawSection, seen: set[int] | None = None) -> tuple[str, int | None]:
    """The section's text as one statement (all its lines), and its first line."""
    lines = [(clean(line.text), line.number) for line in section.body if clean(line.text)]
    if seen is not None:
        seen.update(number for _, number in lines)
    if not lines:
        return "", None
    return " ".join(text for text, _ in lines), lines[0][1]


def _review_date(section: RawSection | None) -> MonthText | None:
    if section is None:
        return None
    for line in section.body:
        text = clean(line.text)
        month = parse_year_month(text) if text else None
        if month is not None:
            return MonthText(text=text, line=line.number, year_month=month)
    text, number = _first_text(section)
    return MonthText(text=text, line=number if number is not None else section.line)


# The date after "on" (or "dated"), up to the end of the sentence: "on July 20, 2015." / "on <date>."
_ON_DATE = r"\b(?:on|dated)\s+(?P<date><[^>]*>|.+?)\s*(?:\.(?:\s|$)|;|$)"


def _corresponding_document(section: RawSection | None, seen: set[int]) -> CorrespondingDocument | None:
    if section is None:
        return None
    text, number = _first_text(section, seen)
    approval: DateText | None = None
    match = re.search(r"\bapproved\b.*?" + _ON_DATE, text, re.IGNORECASE)
    if match:
        approval = DateText(text=match["date"], line=number, value=parse_date(match["date"]))
    return CorrespondingDocument(text=text, line=number if number is not None else section.line, approval_date=approval)


def _approval(section: RawSection | None, seen: set[int]) -> Approval | None:
    """The host's approval record: ``Board Resolution 2020-03-01 on March 9, 2020``."""
    if section is None:
        return None
    text, number = _first_text(section, seen)
    resolution: Text | None = None
    approval_date: DateText | None = None
    match = re.search(r"\bresolution\s*(?:id|number|no\.?|#)?\s*:?\s*(?P<id><[^>]*>|[^\s,;]+)", text, re.IGNORECASE)
    rest = text
    if match:
        resolution = Text(text=match["id"].rstrip("."), line=number)
        rest = text[match.end() :]
    date_match = re.search(_ON_DATE, rest, re.IGNORECASE)
    if date_match:
        approval_date = DateText(text=date_match["date"], line=number, value=parse_date(date_match["date"]))
    return Approval(
        text=text, line=number if number is not None else section.line, resolution=resolution, date=approval_date
    )


# --- contacts ------------------------------------------------------------------------------------


_MAILTO = re.compile(r"\bmailto:")
_EMPTY_BRACKETS = re.compile(r"[(<\[]\s*[)>\]]")
_CONTACT_PARTS = re.compile(r"\s*[,;]\s*|\s+[-–—]\s+")
_AND = re.compile(r"\s+(?:and|&)\s+")
_NAME_WORD = re.compile(r"[A-Z][a-zA-Z'’.-]*")


def _looks_like_person(part: str) -> bool:
    """``Jeff Autor`` or ``Jeff Autor and Paul Vancil``, not ``VP of Alliances`` or ``OCP CTO``."""
    people = _AND.split(part)
    for person in people:
        tokens = person.split()
        if not 2 <= len(tokens) <= 4:
            return False
        for token in tokens:
            if not _NAME_WORD.fullmatch(token):
                return False
            if token.lower().strip(".'") in _ROLE_WORDS:
                return False
            # An all-capitals word (CTO, PM, VP, IT) is a title or organization, not a name.
            if len(token) >= 2 and token.isupper() and not token.endswith("."):
                return False
    return True


@lru_cache(maxsize=1 << 14)
def parse_contact(text: str) -> tuple[str | None, str | None, str | None]:
    """``(name, role, email)`` of a contact line such as ``Role, Name (email)`` or ``A and B (email)``."""
    # Remembered: the two versions of a diff share most contact lines, each a dozen patterns.
    email_match = _EMAIL.search(text)
    email = email_match.group(0) if email_match else None
    rest = text
    if email:
        rest = rest.replace(email, " ")
    if "mailto:" in rest:
        rest = _MAILTO.sub(" ", rest)
    rest = _EMPTY_BRACKETS.sub(" ", rest)
    parts = [part for part in (whole.strip(" ,;:-–—()<>") for whole in _CONTACT_PARTS.split(rest)) if part]
    names = [part for part in parts if _looks_like_person(part)]
    roles = [part for part in parts if part not in names]
    return (", ".join(names) or None, ", ".join(roles) or None, email)


def _may_hold_placeholder(text: str) -> bool:
    """False when ``text`` has none of the characters every placeholder has (a question mark, a
    slash, an angle bracket, or "TB" of TBD/TBA/TBC): spares the placeholder patterns on most lines."""
    return "?" in text or "/" in text or "<" in text or "TB" in text


def _contacts(items: tuple[Item, ...], partner: _Partner, seen: set[int]) -> list[Contact]:
    contacts: list[Contact] = []
    for item in items:
        if item.label and item.line is not None:
            seen.add(item.line)  # "OCP:", "DMTF:": whose contacts follow
        if item.label or (item.group is None and not _EMAIL.search(item.text)):
            continue
        organization = item.organization
        if organization is None and item.group is not None and not partner.host.search(item.group):
            organization = partner.parties.partner
        if _may_hold_placeholder(item.text) and item.placeholders:
            name = role = email = None
        else:
            name, role, email = parse_contact(item.text)
        contacts.append(
            Contact(
                text=item.text, line=item.line, organization=organization, group=item.group,
                name=name, role=role, email=email,
            )
        )
    return contacts


__all__ = ["parse_lines", "parse_contact"]
