"""The work register model: what a work register says, each piece keeping the line it came from.

Plain frozen dataclasses with slots: a large register is hundreds of thousands of these, and
building them must cost no more than a tuple (no validation on the hot path of ``show``, ``diff``
and ``lint``).  A register read back from YAML or JSON is validated at that edge instead
(:func:`workreg.registers.read.register_from_data`), where unknown keys are errors.

``line`` is the 1-based line of the source document (for ``.docx`` input: the 1-based position in
the paragraph/table-row sequence); None when not known.

Who the parties are and which section records the host's approval are the register template's
(:mod:`workreg.registers.template`): an item's ``organization`` is a party id of the template
(``partner``, or the host's id), and the approval record is written under the template's
approval section id.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import MISSING, dataclass, fields
from datetime import date
from itertools import repeat
from typing import Sequence

from workreg.registers.placeholders import placeholders_in

#: A ``YYYY-MM`` month, as :attr:`MonthText.year_month` holds it.
YEAR_MONTH = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")

# Validation of a model read from YAML/JSON (pydantic, at the edge) forbids unknown keys.
_FORBID = {"extra": "forbid"}


@dataclass(frozen=True, slots=True)
class Text:
    """A piece of document text and the line it came from."""

    __pydantic_config__ = _FORBID

    text: str
    line: int | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder tokens (``?``, ``xx/xx/2018``, ``<date>``, TBD ...) left in the text."""
        return placeholders_in(self.text)


@dataclass(frozen=True, slots=True)
class DateText(Text):
    """A date as written, and as a calendar date when it can be read as one."""

    value: date | None = None


@dataclass(frozen=True, slots=True)
class MonthText(Text):
    """A month as written (``The next review date is expected to be July 2016``) and as ``YYYY-MM``."""

    year_month: str | None = None

    def __post_init__(self) -> None:
        if self.year_month is not None and not YEAR_MONTH.fullmatch(self.year_month):
            raise ValueError(f"year_month '{self.year_month}' is not a month written YYYY-MM")


@dataclass(frozen=True, slots=True)
class Item(Text):
    """One bullet or paragraph of a section, with the sub-heading it sits under and whose it is."""

    group: str | None = None
    #: The party the item belongs to (a party id of the template), None when not said.
    organization: str | None = None
    #: The line introduces the lines after it (a sub-heading).
    label: bool = False


def items_of(texts: Sequence[str], lines: Sequence[int], group: str | None, organization: str | None) -> list[Item]:
    """``[Item(text, line, group, organization) for text, line in zip(texts, lines)]``, made a list at a time.

    A list section's items are most of a register's objects; the frozen dataclass's ``__init__`` is
    a Python call per item that sets each slot by ``object.__setattr__``.  Here ``object.__new__``
    and each slot's own descriptor are mapped over the whole list in C (Item has no
    ``__post_init__`` to skip; ``test_items_of_is_item`` compares the two)."""
    made = list(map(object.__new__, repeat(Item, len(texts))))
    slots = {**vars(Text), **vars(Item)}  # the slots' descriptors
    given = {"text": texts, "line": lines, "group": repeat(group), "organization": repeat(organization)}
    for field in fields(Item):  # every field, the others at their defaults (as __init__ sets them)
        if field.name in given:
            values = given[field.name]
        elif field.default is not MISSING:
            values = repeat(field.default)
        else:  # a field with no default (or a factory) that this shortcut would leave unset
            raise TypeError(f"items_of has no value for Item.{field.name}")
        deque(map(slots[field.name].__set__, made, values), maxlen=0)
    return made


@dataclass(frozen=True, slots=True)
class Organization:
    """One of the two organizations in the alliance."""

    __pydantic_config__ = _FORBID

    name: str
    abbreviation: str | None = None
    line: int | None = None
    description: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Organizations:
    """The ``Alliance Organizations`` statement: the partner and the host (the template's other party).

    Written out (YAML/JSON) with the host under the template's host id (``host.id``)."""

    __pydantic_config__ = _FORBID

    text: str
    line: int | None = None
    partner: Organization
    host: Organization


@dataclass(frozen=True, slots=True)
class Milestone:
    """One row of the milestone table."""

    __pydantic_config__ = _FORBID

    deliverable: str
    timeframe: str = ""
    done: bool = False
    #: The vocabulary's bodies the milestone involves and the committees they report to (sorted).
    groups: tuple[str, ...] = ()
    line: int | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder tokens in the deliverable or the timeframe."""
        return placeholders_in(self.deliverable) + placeholders_in(self.timeframe)


@dataclass(frozen=True, slots=True)
class Contact:
    """A point of contact as listed under its organization."""

    __pydantic_config__ = _FORBID

    text: str
    line: int | None = None
    #: The party the contact is listed for (a party id of the template).
    organization: str | None = None
    #: The label the contact is listed under, e.g. 'OCP'.
    group: str | None = None
    name: str | None = None
    role: str | None = None
    email: str | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder tokens in the contact line."""
        return placeholders_in(self.text)

    @property
    def is_real(self) -> bool:
        """True when the contact names someone or something reachable, not a placeholder."""
        return not self.placeholders and bool(self.name or self.email or self.role)


@dataclass(frozen=True, slots=True)
class CorrespondingDocument:
    """The partner's corresponding document statement and the partner's approval date."""

    __pydantic_config__ = _FORBID

    text: str
    line: int | None = None
    approval_date: DateText | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    """The host's approval of the register (the template's approval section): the id of the record
    that approved it (a resolution) and its date."""

    __pydantic_config__ = _FORBID

    text: str
    line: int | None = None
    resolution: Text | None = None
    date: DateText | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessReference:
    """The process document a register names as its own (``... can be found in DSP4003 ... 1.6.0.pdf``)."""

    __pydantic_config__ = _FORBID

    #: The document id, e.g. "DSP4003".
    document: str
    #: Its version as written, e.g. "1.6.0"; None when not given.
    version: str | None = None
    text: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SectionHeading:
    """A template section the document has (its id in the template), with its heading as written."""

    __pydantic_config__ = _FORBID

    id: str
    heading: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class WorkRegister:
    """An alliance partner work register, read by the sections of a register template."""

    __pydantic_config__ = _FORBID

    title: Text
    version: Text | None = None
    date_initiated: DateText | None = None
    #: The paragraph between the title block and the first section heading.
    introduction: Text | None = None
    #: The process document (and version) the register names for its review and update.
    process: ProcessReference | None = None
    organizations: Organizations | None = None
    sections: tuple[SectionHeading, ...] = ()
    background: tuple[Item, ...] = ()
    benefits: tuple[Item, ...] = ()
    activities: tuple[Item, ...] = ()
    limitations: tuple[Item, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    access: tuple[Item, ...] = ()
    documentation: tuple[Item, ...] = ()
    review_date: MonthText | None = None
    points_of_contact: tuple[Contact, ...] = ()
    corresponding_document: CorrespondingDocument | None = None
    #: The host's approval (written out under the template's approval section id).
    approval: Approval | None = None
    additional_considerations: tuple[Item, ...] = ()
    #: Lines of the document workreg did not read into any field (listed, never dropped).
    unread: tuple[Text, ...] = ()

    def has_section(self, section: str) -> bool:
        """True when the document has the template section ``section``."""
        return any(heading.id == section for heading in self.sections)

    def heading(self, section: str) -> SectionHeading | None:
        """The heading of template section ``section``, or None when absent."""
        return next((heading for heading in self.sections if heading.id == section), None)

    @property
    def partner_name(self) -> str | None:
        """The alliance partner's short name (abbreviation when known)."""
        if self.organizations is None:
            return None
        partner = self.organizations.partner
        return partner.abbreviation or partner.name


def field_names(cls: type) -> tuple[str, ...]:
    """The fields of a model class, in order (cached on first use)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(item.name for item in fields(cls))
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def as_data(node: object) -> object:
    """A model (or part of one) as plain JSON data: fields in order, tuples as lists, dates ISO."""
    if isinstance(node, tuple):
        return [as_data(item) for item in node]
    if isinstance(node, date):
        return node.isoformat()
    names = _FIELD_NAMES.get(type(node)) if not isinstance(node, (str, int, float, bool)) else None
    if names is None and hasattr(node, "__dataclass_fields__"):
        names = field_names(type(node))
    if names is None:
        return node
    return {name: as_data(getattr(node, name)) for name in names}
