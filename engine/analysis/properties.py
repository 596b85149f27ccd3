"""Properties a policy should guarantee, as a YAML file beside it (``properties.yaml``).

The file's shape::

    properties:
      - id: scope-needs-board                      # unique, kebab- or snake-case
        description: An update that extends the scope goes to the Board.   # optional
        citation: {section: "4", quote: "..."}     # optional: the clause the property restates
        for: {includes: [scope_extension]}         # which combinations (below)
        expect: {requires: board_approval}         # what must hold in each of them

``for`` picks combinations of change kinds: ``includes`` (every combination that has all of
these kinds), ``excludes`` (and none of these), or ``exactly`` (the one combination of these
kinds); an empty or missing ``for`` means every combination.  ``expect`` says one thing:
``requires: NAME`` (a step, or a role: one of its gates, is required), ``not_requires: NAME``
(never required), or ``order: [BEFORE, AFTER]`` (both required, and the first completes before
the second).  A role may be named by its id, name or alias.  ``workreg analyze`` decides each
property for every combination the ``for`` picks (:mod:`workreg.analysis.reasoning`).

:func:`properties_schema` is the JSON Schema of the file (``policies/properties.schema.json``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workreg.errors import UsageError, WorkregErrors

_ID = r"^[a-z0-9][a-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class CitationModel(_Strict):
    section: str = Field(min_length=1, description='Section of the source the property restates, e.g. "4".')
    quote: str = Field(min_length=1, max_length=600, description="A short verbatim quote of that section.")


class ForModel(_Strict):
    """Which combinations of change kinds a property speaks of."""

    includes: tuple[str, ...] = Field(default=(), description="Every combination that includes all of these kinds.")
    excludes: tuple[str, ...] = Field(default=(), description="... and none of these kinds.")
    exactly: tuple[str, ...] | None = Field(default=None, description="Only the combination of exactly these kinds.")

    @model_validator(mode="after")
    def _one_form(self) -> "ForModel":
        if self.exactly is not None and (self.includes or self.excludes):
            raise ValueError("'exactly' names one combination; it does not combine with 'includes' or 'excludes'")
        if self.exactly is not None and not self.exactly:
            raise ValueError("'exactly' needs at least one change kind")
        return self


class ExpectModel(_Strict):
    """What must hold in every combination picked: exactly one of the fields."""

    requires: str | None = Field(default=None, description="A step or role (one of its gates) that is required.")
    not_requires: str | None = Field(default=None, description="A step or role (any of its gates) that is never required.")
    order: tuple[str, str] | None = Field(
        default=None, description="[BEFORE, AFTER]: both required, BEFORE completes before AFTER (steps or roles).")

    @model_validator(mode="after")
    def _exactly_one(self) -> "ExpectModel":
        given = [name for name in ("requires", "not_requires", "order") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("expect says exactly one of requires, not_requires, order" +
                             (f" (got {', '.join(given)})" if given else ""))
        return self


class PropertyModel(_Strict):
    id: str = Field(pattern=_ID, description="The property's id, unique in the file.")
    description: str | None = Field(default=None, description="The property in words.")
    citation: CitationModel | None = Field(default=None, description="The clause the property restates.")
    for_: ForModel = Field(default_factory=ForModel, alias="for", description="Which combinations it speaks of.")
    expect: ExpectModel


class PropertiesFile(_Strict):
    """A file of properties a policy should guarantee (``workreg analyze POLICY --properties FILE``)."""

    properties: tuple[PropertyModel, ...] = Field(description="The properties, each decided over every combination.")

    @model_validator(mode="after")
    def _unique(self) -> "PropertiesFile":
        seen: set[str] = set()
        for item in self.properties:
            if item.id in seen:
                raise ValueError(f"property id '{item.id}' is used twice")
            seen.add(item.id)
        return self


@dataclass(frozen=True)
class Property:
    """One property, as the analysis decides it."""

    id: str
    includes: tuple[str, ...]
    excludes: tuple[str, ...]
    exactly: tuple[str, ...] | None
    expect: str  # requires, not_requires, order
    targets: tuple[str, ...]  # one name, or [before, after] for order
    description: str | None = None
    citation: dict | None = None
    line: int | None = None

    @staticmethod
    def of(model: PropertyModel, line: int | None = None) -> "Property":
        expect = next(name for name in ("requires", "not_requires", "order") if getattr(model.expect, name) is not None)
        value = getattr(model.expect, expect)
        return Property(
            model.id, model.for_.includes, model.for_.excludes, model.for_.exactly, expect,
            tuple(value) if isinstance(value, tuple) else (value,), model.description,
            model.citation.model_dump() if model.citation else None, line,
        )

    def describe(self) -> str:
        """The property in words, as a heading for text output."""
        if self.exactly is not None:
            scope = "the combination " + " + ".join(self.exactly)
        elif self.includes:
            scope = "every combination that includes " + " + ".join(self.includes)
        else:
            scope = "every combination"
        if self.excludes:
            scope += " and none of " + ", ".join(self.excludes)
        if self.expect == "order":
            what = f"orders {self.targets[0]} before {self.targets[1]}"
        else:
            what = ("requires " if self.expect == "requires" else "does not require ") + self.targets[0]
        return f"{scope} {what}"


def parse_properties(data: Any, file: str = "<properties>", lines: dict | None = None) -> tuple[Property, ...]:
    """Validated properties from parsed YAML/JSON data; errors name the file, line and field."""
    from workreg.inputs import field_text, line_for

    lines = lines or {}
    if not isinstance(data, dict):
        raise UsageError("a properties file is a mapping with a 'properties' list", code="bad-properties",
                         file=file, line=1, hint="start the file with 'properties:'")
    try:
        parsed = PropertiesFile.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = tuple(part for part in error["loc"] if isinstance(part, int) or re.match(r"^[a-z_]+$", str(part)))
            line, _ = line_for(loc, lines)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown field '{loc[-1]}'"
            elif error["type"] == "missing":
                message = f"missing required field '{loc[-1]}'"
            errors.append(UsageError(message, code="bad-properties", file=file, line=line,
                                     field=field_text(loc) or None, hint=_hint(error)))
        raise WorkregErrors(errors) from exc
    return tuple(Property.of(item, lines.get(("properties", index))) for index, item in enumerate(parsed.properties))


def _hint(error: dict) -> str | None:
    if error["type"] == "extra_forbidden":
        from workreg.errors import did_you_mean

        return did_you_mean(str(error["loc"][-1]), ["properties", "id", "description", "citation", "for", "expect",
                                                    "includes", "excludes", "exactly", "requires", "not_requires",
                                                    "order", "section", "quote"])
    return None


def load_properties(path: str | Path) -> tuple[Property, ...]:
    """Read and validate a properties file (YAML or JSON, bounded and safe like a policy)."""
    from workreg.inputs import display_name, parse_yaml, read_text

    file = display_name(path)
    text = read_text(path, error=UsageError, what="properties YAML")
    data, lines = parse_yaml(text, file, error=UsageError)
    return parse_properties(data, file, lines)


def properties_schema() -> dict:
    """The JSON Schema of a properties file, for editors (``policies/properties.schema.json``)."""
    schema = PropertiesFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "workreg properties"
    return schema
