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
from typing import TYPE_CHECKING, Any

from workreg.errors import UsageError, WorkregErrors, did_you_mean

if TYPE_CHECKING:
    from workreg.inputs import DocPath

# Validated by hand, not by pydantic: ``workreg analyze`` starts without importing it (a third of
# its cold start); :func:`properties_schema` is the same shape as JSON Schema.
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TOP = ("properties",)
_PROPERTY = ("id", "description", "citation", "for", "expect")
_FOR = ("includes", "excludes", "exactly")
_EXPECT = ("requires", "not_requires", "order")
_CITATION = ("section", "quote")


class _Problems:
    """The problems of one file, each at its line, reported together."""

    def __init__(self, file: str, lines: dict[DocPath, int]) -> None:
        self.file, self.lines = file, lines
        self.errors: list[UsageError] = []

    def add(self, path: tuple, message: str, hint: str | None = None) -> None:
        from workreg.inputs import field_text, line_for

        line, _ = line_for(path, self.lines)
        self.errors.append(UsageError(message, code="bad-properties", file=self.file, line=line,
                                      field=field_text(path) or None, hint=hint))

    def mapping(self, value: Any, path: tuple, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, got {type(value).__name__}")
            return None
        for key in value:
            if key not in allowed:
                self.add(path + (key,), f"unknown field '{key}'", did_you_mean(str(key), allowed))
        for key in required:
            if key not in value:
                self.add(path + (key,), f"missing required field '{key}'")
        return value

    def text(self, value: Any, path: tuple, limit: int = 600) -> str | None:
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            self.add(path, f"expected text of 1 to {limit} characters")
            return None
        return value

    def names(self, value: Any, path: tuple) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            self.add(path, "expected a list of change kind ids")
            return None
        return tuple(value)


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
    """Validated properties from parsed YAML/JSON data; every problem names the file, line and field."""
    if isinstance(data, dict) and "properties" not in data and {"policy", "steps"} <= set(data):
        raise UsageError("this is a policy, not a properties file", code="bad-properties", file=file, line=1,
                         hint="give the policy as POLICY and its properties (a 'properties:' list) with --properties")
    problems = _Problems(file, lines or {})
    top = problems.mapping(data, (), _TOP, _TOP)
    if top is None:
        raise UsageError("a properties file is a mapping with a 'properties' list", code="bad-properties",
                         file=file, line=1, hint="start the file with 'properties:'")
    items = top.get("properties")
    if "properties" in top and not isinstance(items, list):
        problems.add(("properties",), "expected a list of properties")
    found: list[Property] = []
    seen: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else ()):
        prop = _property(problems, item, ("properties", index), seen)
        if prop is not None:
            found.append(prop)
    if problems.errors:
        raise WorkregErrors(problems.errors)
    return tuple(found)


def _property(problems: _Problems, item: Any, path: tuple, seen: set[str]) -> Property | None:
    before = len(problems.errors)
    entry = problems.mapping(item, path, _PROPERTY, ("id", "expect"))
    if entry is None:
        return None
    ident = entry.get("id")
    if "id" in entry and (not isinstance(ident, str) or not _ID.match(ident)):
        problems.add(path + ("id",), "an id is lower-case letters, digits, '-' and '_'")
    elif isinstance(ident, str) and ident in seen:
        problems.add(path + ("id",), f"property id '{ident}' is used twice")
    seen.add(str(ident))
    description = problems.text(entry["description"], path + ("description",), 2000) if "description" in entry else None
    citation = None
    if "citation" in entry:
        cited = problems.mapping(entry["citation"], path + ("citation",), _CITATION, _CITATION)
        if cited is not None and all(key in cited for key in _CITATION):
            citation = {"section": problems.text(cited["section"], path + ("citation", "section"), 100),
                        "quote": problems.text(cited["quote"], path + ("citation", "quote"))}
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    exactly = None
    scope = problems.mapping(entry.get("for") or {}, path + ("for",), _FOR)
    if scope is not None:
        includes = problems.names(scope.get("includes", []), path + ("for", "includes")) or ()
        excludes = problems.names(scope.get("excludes", []), path + ("for", "excludes")) or ()
        if "exactly" in scope:
            exactly = problems.names(scope["exactly"], path + ("for", "exactly"))
            if exactly is not None and not exactly:
                problems.add(path + ("for", "exactly"), "'exactly' needs at least one change kind")
            if includes or excludes:
                problems.add(path + ("for",), "'exactly' names one combination; it does not combine with "
                                              "'includes' or 'excludes'")
    expect = "requires"
    targets: tuple[str, ...] = ()
    wanted = problems.mapping(entry.get("expect"), path + ("expect",), _EXPECT) if "expect" in entry else None
    if wanted is not None:
        given = [key for key in _EXPECT if key in wanted]
        if len(given) != 1:
            problems.add(path + ("expect",), "expect says exactly one of requires, not_requires, order" +
                         (f" (got {', '.join(given)})" if given else ""))
        else:
            expect = given[0]
            value = wanted[expect]
            if expect == "order":
                if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) and v for v in value):
                    problems.add(path + ("expect", "order"), "order is [BEFORE, AFTER]: two step or role names")
                else:
                    targets = tuple(value)
            elif not isinstance(value, str) or not value:
                problems.add(path + ("expect", expect), "expected the name of a step or a role")
            else:
                targets = (value,)
    if len(problems.errors) > before:
        return None
    assert isinstance(ident, str)  # required, and checked above
    return Property(ident, includes, excludes, exactly, expect, targets, description, citation,
                    problems.lines.get(path))


def load_properties(path: str | Path) -> tuple[Property, ...]:
    """Read and validate a properties file (YAML or JSON, bounded and safe like a policy)."""
    from workreg.inputs import display_name, parse_yaml, read_text

    file = display_name(path)
    text = read_text(path, error=UsageError, what="properties YAML")
    data, lines = parse_yaml(text, file, error=UsageError)
    return parse_properties(data, file, lines)


def properties_schema() -> dict:
    """The JSON Schema of a properties file, for editors (``policies/properties.schema.json``)."""
    names = {"type": "array", "items": {"type": "string", "minLength": 1}}
    target = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "workreg properties",
        "description": "Properties a policy should guarantee, decided by 'workreg analyze POLICY --properties FILE' "
                       "for every combination of change kinds.",
        "type": "object", "additionalProperties": False, "required": ["properties"],
        "properties": {"properties": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "expect"],
            "properties": {
                "id": {"type": "string", "pattern": _ID.pattern, "description": "The property's id, unique in the file."},
                "description": {"type": "string", "description": "The property in words."},
                "citation": {"type": "object", "additionalProperties": False, "required": ["section", "quote"],
                             "description": "The clause the property restates.",
                             "properties": {"section": {"type": "string", "minLength": 1},
                                            "quote": {"type": "string", "minLength": 1, "maxLength": 600}}},
                "for": {"type": "object", "additionalProperties": False,
                        "description": "Which combinations of change kinds (empty: every combination).",
                        "properties": {
                            "includes": names | {"description": "Every combination that includes all of these."},
                            "excludes": names | {"description": "... and none of these."},
                            "exactly": names | {"minItems": 1, "description": "Only the combination of exactly these."},
                        },
                        "not": {"anyOf": [{"required": ["exactly", "includes"]}, {"required": ["exactly", "excludes"]}]}},
                "expect": {"type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
                           "description": "What must hold in every combination picked: exactly one of these.",
                           "properties": {
                               "requires": target | {"description": "A step, or a role (one of its gates), is required."},
                               "not_requires": target | {"description": "A step or role (any of its gates) is never required."},
                               "order": {"type": "array", "items": target, "minItems": 2, "maxItems": 2,
                                         "description": "[BEFORE, AFTER]: both required, BEFORE completes first."},
                           }},
            },
        }}},
    }
