"""The register template as data: its sections, how each is headed, and who keeps the registers.

The shipped template (``policies/vocabulary/dmtf-template.yaml``, beside the organization
vocabulary) says which wordings head each section of a register, which sections a register must
have, how many headings make a document a register, and the organization on the other side of
every register (its names, as registers write them), the ids of the two parties, and the section
that records the host's approval.  The section ids are those of the register model
(:mod:`workreg.registers.model`, :data:`MODEL_SECTIONS`) plus the approval section the file names;
the file must head every one of them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from workreg.errors import PolicyError, did_you_mean
from workreg.inputs import field_text, line_for, parse_yaml

#: The sections the register model reads by their ids (every template heads each of them); the
#: section that records the host's approval is the template's own (``approval:`` in the file).
MODEL_SECTIONS: tuple[str, ...] = (
    "organizations", "background", "partner_description", "benefits", "activities", "limitations",
    "milestones", "access", "documentation", "review_date", "points_of_contact", "corresponding_document",
    "additional_considerations",
)


class Parties(NamedTuple):
    """The ids of the two parties of a register, as items, contacts and the model file carry them."""

    partner: str
    host: str


class Host(NamedTuple):
    """The organization that keeps the registers: short name, full name, abbreviation, and the prefix
    of its documents' ids (a register naming ``DSP4003 1.2.0`` names its process so)."""

    name: str
    full_name: str
    abbreviation: str
    document_prefix: str | None = None


class Section(NamedTuple):
    """A section of the template: its id, heading as the template writes it, whether it is required."""

    id: str
    title: str
    required: bool
    pattern: re.Pattern[str]


class Template:
    """A validated register template with compiled heading patterns; immutable once built."""

    def __init__(self, name: str, host: Host, min_sections: int, sections: tuple[Section, ...],
                 parties: Parties, approval: str) -> None:
        self.name = name
        self.host = host
        self.parties = parties
        #: The id of the section that records the host's approval (the model's ``approval``).
        self.approval = approval
        self.min_sections = min_sections
        self.sections = sections
        self.by_id = {section.id: section for section in sections}
        self.required: tuple[str, ...] = tuple(section.id for section in sections if section.required)
        names = sorted({host.name, host.full_name, host.abbreviation}, key=len, reverse=True)
        #: Any of the host's names, as a register writes them (any case, any spacing).
        self.host_names = re.compile(
            "|".join(r"\b" + r"\s+".join(map(re.escape, name.split())) + r"\b" for name in names), re.IGNORECASE
        )
        self._headings = _one_pattern(sections)
        #: The section each line text read so far heads (None: none), see structure.split_sections:
        #: the two versions of a diff share most lines.  Emptied past LINE_MEMO texts.
        self.line_headings: dict[str, str | None] = {}

    #: Line texts whose heading is remembered.
    LINE_MEMO = 1 << 17

    def title(self, section: str) -> str:
        """The heading of a section as the template writes it."""
        return self.by_id[section].title

    def heading_id(self, candidate: str) -> str | None:
        """The section a normalised heading text heads, or None (the first section, in template
        order, whose wordings match the whole text)."""
        if self._headings is not None:
            match = self._headings.fullmatch(candidate)
            return self.sections[int(match.lastgroup[1:])].id if match and match.lastgroup else None
        for section in self.sections:
            if section.pattern.fullmatch(candidate):
                return section.id
        return None


def _one_pattern(sections: tuple[Section, ...]) -> re.Pattern[str] | None:
    """Every section's wordings as one alternation (one match per line instead of one per section);
    None when the wordings cannot be joined (named groups of their own), then each is tried in turn.
    Alternatives are tried in order, so the first section that matches the whole text wins, as before."""
    try:
        return re.compile("|".join(f"(?P<s{index}>{section.pattern.pattern})" for index, section in enumerate(sections)))
    except re.error:
        return None


def _problem(message: str, file: str, lines: dict, loc: tuple) -> PolicyError:
    return PolicyError(message, code="bad-template", file=file, line=line_for(loc, lines)[0],
                       field=field_text(loc) or None)


def load_template(path: str | Path) -> Template:
    """A register template file; PolicyError naming file and line when it is not a valid one."""
    from workreg.registers.validated import validated_data

    data, _ = validated_data(path, "template", _validate)
    return _build(data)


def _build(data: dict) -> Template:
    """The template of a validated file's data (see :func:`_validate`)."""
    sections = tuple(
        Section(entry["id"], entry["title"], entry["required"],
                re.compile("|".join(f"(?:{heading})" for heading in entry["headings"])))
        for entry in data["sections"]
    )
    host = Host(**data["host"])
    return Template(data["name"], host, data["min_sections"], sections, Parties(**data["parties"]), data["approval"])


def _validate(text: str, file: str) -> dict:
    """A template file's data, validated: its shape (pydantic), section ids and heading patterns."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class _Host(_Strict):
        name: str = Field(min_length=1)
        full_name: str = Field(min_length=1)
        abbreviation: str = Field(min_length=1)
        document_prefix: str | None = Field(default=None, pattern=r"^[A-Za-z]+$")

    class _Section(_Strict):
        id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        title: str = Field(min_length=1)
        required: bool = False
        headings: tuple[str, ...] = Field(min_length=1)

    class _Parties(_Strict):
        partner: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        host: str = Field(pattern=r"^[a-z][a-z0-9_]*$")

    class _File(_Strict):
        name: str = Field(min_length=1)
        host: _Host
        parties: _Parties
        approval: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        min_sections: int = Field(ge=1, le=len(MODEL_SECTIONS) + 1)
        sections: tuple[_Section, ...]

    data, lines = parse_yaml(text, file, error=PolicyError)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise _problem(f"invalid template: {first['msg']}", file, lines, tuple(first["loc"])) from exc
    if parsed.parties.partner == parsed.parties.host:
        raise _problem("the two parties need two ids", file, lines, ("parties", "host"))
    if parsed.approval in MODEL_SECTIONS:
        raise _problem(f"'{parsed.approval}' is a section the model reads otherwise; the approval section needs "
                       "an id of its own", file, lines, ("approval",))
    known = (*MODEL_SECTIONS, parsed.approval)
    seen: set[str] = set()
    for index, entry in enumerate(parsed.sections):
        if entry.id not in known:
            raise PolicyError(f"unknown section '{entry.id}'", code="unknown-section", file=file,
                              line=line_for(("sections", index, "id"), lines)[0], field=f"sections[{index}].id",
                              hint=did_you_mean(entry.id, known))
        if entry.id in seen:
            raise _problem(f"section '{entry.id}' is headed twice", file, lines, ("sections", index, "id"))
        seen.add(entry.id)
        try:
            re.compile("|".join(f"(?:{heading})" for heading in entry.headings))
        except re.error as exc:
            raise _problem(f"heading of '{entry.id}' is not a regular expression: {exc}", file, lines,
                           ("sections", index, "headings")) from exc
    missing = [section for section in known if section not in seen]
    if missing:
        raise _problem("the template does not head the section(s) " + ", ".join(missing), file, lines, ("sections",))
    return parsed.model_dump(mode="json")


@lru_cache(maxsize=1)
def default_template() -> Template:
    """The template shipped with workreg (the DMTF Work Register Template)."""
    from workreg.resources import shipped_template

    return load_template(shipped_template())
