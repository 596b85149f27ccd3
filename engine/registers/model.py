"""The work register model: what a DSP4003 work register says, each piece keeping the line it came from.

Every model is frozen and forbids unknown keys, so a register read back from YAML or JSON is either
exactly what was written or an error. ``line`` is the 1-based line of the source document (for
``.docx`` input: the 1-based position in the paragraph/table-row sequence); None when not known.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workreg.registers.placeholders import placeholders_in

OrganizationRole = Literal["partner", "dmtf"]

SectionId = Literal[
    "organizations",
    "background",
    "partner_description",
    "benefits",
    "activities",
    "limitations",
    "milestones",
    "access",
    "documentation",
    "review_date",
    "points_of_contact",
    "corresponding_document",
    "board_approval",
    "additional_considerations",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Frozen):
    """A piece of document text and the line it came from."""

    text: str
    line: int | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder tokens (``?``, ``xx/xx/2018``, ``<date>``, TBD ...) left in the text."""
        return placeholders_in(self.text)


class DateText(Text):
    """A date as written, and as a calendar date when it can be read as one."""

    value: date | None = None


class MonthText(Text):
    """A month as written (``The next review date is expected to be July 2016``) and as ``YYYY-MM``."""

    year_month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


class Item(Text):
    """One bullet or paragraph of a section, with the sub-heading it sits under and whose it is."""

    group: str | None = None
    organization: OrganizationRole | None = None
    label: bool = Field(default=False, description="the line introduces the lines after it (a sub-heading)")


class Organization(_Frozen):
    """One of the two organizations in the alliance."""

    name: str
    abbreviation: str | None = None
    line: int | None = None
    description: tuple[Item, ...] = ()


class Organizations(_Frozen):
    """The ``Alliance Organizations`` statement: the partner and DMTF."""

    text: str
    line: int | None = None
    partner: Organization
    dmtf: Organization


class Milestone(_Frozen):
    """One row of the milestone table."""

    deliverable: str
    timeframe: str = ""
    done: bool = False
    groups: tuple[str, ...] = Field(
        default=(), description="DMTF working groups, forums and committees the milestone involves (sorted)"
    )
    line: int | None = None

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder tokens in the deliverable or the timeframe."""
        return placeholders_in(self.deliverable) + placeholders_in(self.timeframe)


class Contact(_Frozen):
    """A point of contact as listed under its organization."""

    text: str
    line: int | None = None
    organization: OrganizationRole | None = None
    group: str | None = Field(default=None, description="the label the contact is listed under, e.g. 'OCP'")
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


class CorrespondingDocument(_Frozen):
    """The partner's corresponding document statement and the partner's approval date."""

    text: str
    line: int | None = None
    approval_date: DateText | None = None


class BoardApproval(_Frozen):
    """The DMTF Board of Directors approval: resolution id and date."""

    text: str
    line: int | None = None
    resolution: Text | None = None
    date: DateText | None = None


class ProcessReference(_Frozen):
    """The process document a register names as its own (``... can be found in DSP4003 ... 1.6.0.pdf``)."""

    document: str = Field(description='The document id, e.g. "DSP4003".')
    version: str | None = Field(default=None, description='Its version as written, e.g. "1.6.0"; None when not given.')
    text: str
    line: int | None = None


class SectionHeading(_Frozen):
    """A template section the document has, with its heading as written."""

    id: SectionId
    heading: str
    line: int | None = None


class WorkRegister(_Frozen):
    """A DSP4003 alliance partner work register."""

    title: Text
    version: Text | None = None
    date_initiated: DateText | None = None
    introduction: Text | None = Field(
        default=None, description="the paragraph between the title block and the first section heading"
    )
    process: ProcessReference | None = Field(
        default=None, description="the process document (and version) the register names for its review and update"
    )
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
    board_approval: BoardApproval | None = None
    additional_considerations: tuple[Item, ...] = ()
    unread: tuple[Text, ...] = Field(
        default=(), description="lines of the document workreg did not read into any field (listed, never dropped)"
    )

    def has_section(self, section: str) -> bool:
        """True when the document has the template section ``section`` (a SectionId)."""
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
