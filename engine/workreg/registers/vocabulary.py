"""The organization vocabulary (its bodies, what each owns, what each kind of body is) and register scope.

The shipped vocabulary is DMTF's (``policies/vocabulary/dmtf.yaml``).  What each kind of body
means to workreg is the file's too (``kinds``): a *committee* approves milestone work, work for a
*scope* body extends a register's scope, and the *governing* body stands above the committees
(named, never a committee with milestone work).  The engine knows these three roles, not the
kinds' names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain, compress, repeat
from operator import attrgetter, is_
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING, Iterable

from workreg.errors import PolicyError, UsageError, did_you_mean
from workreg.inputs import line_for, parse_yaml
from workreg.resources import shipped_vocabulary

if TYPE_CHECKING:
    from workreg.registers.model import WorkRegister

#: What a kind of body can be to workreg (a vocabulary file maps each of its kinds to one).
KIND_ROLES: tuple[str, ...] = ("governing", "committee", "scope")


@dataclass(frozen=True, slots=True)
class Entity:
    """A body of the organization and the words that, in a register, mean work for it."""

    name: str
    #: The kind of body, as the vocabulary file names it (its role: :meth:`Vocabulary.role`).
    kind: str
    reports_to: str | None = None
    aliases: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """Every word or phrase that refers to this body."""
        return (self.name, *self.aliases, *self.technologies, *self.terms)


@dataclass(frozen=True)
class NamedCommittee:
    """A name that brings in a DMTF committee's approval, and the committee: a body named on the
    command line or in a feature, or a word of a register's milestone (``found_in``)."""

    given: str
    committee: str
    #: The kind of body the name is (committee, working_group, forum, task_force).
    kind: str
    #: The vocabulary's name of the body named, when it is not the committee itself.
    body: str | None = None
    #: Where a register names it (``milestone 'DMTF announces ...' (line 57)``), when read from one.
    found_in: str | None = None

    @property
    def note(self) -> str | None:
        """Why this committee approves, for the output; None when a committee was named as itself."""
        if self.found_in is not None:
            via = f" ({self.body}, which reports to the {self.committee})" if self.body else ""
            return (f"{self.committee}: {self.found_in} names '{self.given}'{via}; the organization vocabulary "
                    f"makes that the {self.committee}'s work (a reading of the register, not a statement of it)")
        if self.body is None:
            return None
        what = self.kind.replace("_", " ")
        return (f"{self.given} is a {what}, not a committee: the {self.committee}, which it reports to in the "
                "organization vocabulary, approves its milestone work")

    def to_dict(self) -> dict:
        return {"given": self.given, "committee": self.committee, "kind": self.kind, "note": self.note}


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for all words: acronyms (no lower-case letter) case-sensitive, other words not."""
    alternatives = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word.strip()).replace(r"\ ", r"\s+")
        if not escaped:
            continue
        alternatives.append(escaped if word != word.lower() and word == word.upper() else f"(?i:{escaped})")
    if not alternatives:
        return None
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9])")


# The non-ASCII letters case-insensitive matching equates with ASCII ones (see the `re` docs):
# a text holding one is searched with every pattern, not through the index of first runs.
_ASCII_LOOKALIKES = re.compile("[\u0130\u0131\u017f\u212a]")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")
_NEVER = re.compile(r"(?!)")
_NONE: frozenset[str] = frozenset()  # shared by every text that mentions nothing
#: Joins texts for one search across all of them: neither a letter, a digit nor whitespace, so a
#: word's pattern (bounded by ``[A-Za-z0-9]``, its words joined by ``\s+``) never matches across two.
SEPARATOR = "\x00"


def _runs(text: str) -> list[str]:
    """The lower-case ASCII letter-and-digit runs of ``text``: a word's boundaries (``[A-Za-z0-9]``)
    fall between them, so a word can only match where the text has the word's first run."""
    return _ALNUM_RUN.findall(text.lower())


class _Patterns(Mapping):
    """Each entity's pattern (None for an entity without words), compiled when first asked for."""

    def __init__(self, entities: dict[str, Entity]) -> None:
        self._entities = entities
        self._compiled: dict[str, re.Pattern[str] | None] = {}

    def __getitem__(self, name: str) -> re.Pattern[str] | None:
        try:
            return self._compiled[name]
        except KeyError:
            pattern = self._compiled[name] = _pattern(self._entities[name].words)
            return pattern

    def __iter__(self):
        return iter(self._entities)

    def __len__(self) -> int:
        return len(self._entities)


class Vocabulary:
    """Validated entities with compiled matchers; immutable once built."""

    #: Texts whose mentions are remembered (a diff asks for the same texts several times).
    MEMO = 1 << 17

    def __init__(self, entities: Iterable[Entity], kinds: dict[str, str] | None = None) -> None:
        self._entities: dict[str, Entity] = {entity.name: entity for entity in entities}
        #: Each kind of body and its role (governing, committee, scope).
        self.kinds: dict[str, str] = dict(kinds or {})
        #: Kinds whose bodies make up a register's scope.
        self.scope_kinds: frozenset[str] = frozenset(kind for kind, role in self.kinds.items() if role == "scope")
        # Compiled on first use: a command asks for a few entities, and compiling all costs more
        # than a short diff.
        self._patterns = _Patterns(self._entities)
        # A word can only match where the text has the word's first letter-and-digit run, so an
        # index of first runs names the few entities worth searching for in a text.
        self._by_run: dict[str, set[str]] = {}
        self._always: set[str] = set()
        for name, entity in self._entities.items():
            if not any(word.strip() for word in entity.words):
                continue
            for word in entity.words:
                runs = _runs(word.strip())
                if runs:
                    self._by_run.setdefault(runs[0], set()).add(name)
                elif word.strip():
                    self._always.add(name)
        self._mentions: dict[str, frozenset[str]] = {}
        # Texts joined by SEPARATOR are searched as one when no word has it (none does: it is NUL).
        self._separable = not any(SEPARATOR in word for entity in self._entities.values() for word in entity.words)
        # The first runs of all entity words, each matched as a whole run of a lower-cased text.
        firsts = sorted(self._by_run, key=len, reverse=True)
        self._any_first_run = re.compile(
            r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, firsts)) + r")(?![a-z0-9])"
        ) if firsts else None

    def role(self, entity: Entity) -> str | None:
        """What the entity's kind is to workreg: governing, committee or scope."""
        return self.kinds.get(entity.kind)

    def is_committee(self, name: str) -> bool:
        """True when the body called ``name`` is a committee (of a kind whose role is committee)."""
        return self.kinds.get(self._entities[name].kind) == "committee"

    @property
    def entities(self) -> tuple[Entity, ...]:
        """All entities, in file order."""
        return tuple(self._entities.values())

    def entity(self, name: str) -> Entity:
        """The entity called ``name``; PolicyError with a suggestion when unknown."""
        try:
            return self._entities[name]
        except KeyError:
            raise PolicyError(
                f"unknown body '{name}' in the organization vocabulary", code="unknown-entity",
                hint=did_you_mean(name, self._entities),
            ) from None

    def lookup(self, name: str, *, what: str = "DMTF body") -> Entity:
        """The entity a name means: its name or an alias, in any case and spacing; UsageError when unknown."""
        wanted = " ".join(name.split()).casefold()
        wanted = wanted[4:] if wanted.startswith("the ") else wanted
        names: dict[str, str] = {}
        for entity in self._entities.values():
            for word in (entity.name, *entity.aliases):
                names.setdefault(" ".join(word.split()).casefold(), entity.name)
        if wanted in names:
            return self._entities[names[wanted]]
        close = did_you_mean(wanted, names)
        if close and close.startswith("did you mean"):
            hint = f"did you mean '{names[close.split(chr(39))[1]]}'?"
        else:
            known = sorted(e.name for e in self._entities.values() if self.role(e) != "governing")
            hint = "known: " + ", ".join(known) + "; add others with a vocabulary file (--vocabulary)"
        raise UsageError(f"unknown {what} '{name}' (not in the organization vocabulary)",
                         code="unknown-committee", hint=hint)

    def committee(self, name: str) -> NamedCommittee:
        """The committee that approves for a body named by the user: the body itself when a committee,
        else the committee its working group, forum or task force reports to (UsageError otherwise)."""
        entity = self.lookup(name, what="committee")
        if self.role(entity) == "committee":
            return NamedCommittee(name, entity.name, entity.kind)
        if self.role(entity) == "governing":
            raise UsageError(
                f"'{name}' is the {entity.name}, not a committee with milestone work", code="not-a-committee",
                hint="name the committees whose work is in the Milestones section",
            )
        current = entity
        while self.role(current) != "committee":
            if current.reports_to is None:
                raise UsageError(
                    f"'{name}' is a {entity.kind.replace('_', ' ')} that reports to no committee in the "
                    "organization vocabulary", code="not-a-committee",
                    hint="add 'reports_to' for it in a vocabulary file (--vocabulary)",
                )
            current = self._entities[current.reports_to]
        return NamedCommittee(name, current.name, entity.kind, entity.name)

    def originating(self, name: str) -> str:
        """The committee named to fill a role designated per register (``--originating``)."""
        entity = self.lookup(name, what="committee")
        if self.role(entity) != "committee":
            body = self.committee(name) if self.role(entity) != "governing" else None
            raise UsageError(
                f"'{name}' is a {entity.kind.replace('_', ' ')}, not a committee; the body designated for a "
                "register (--originating) is a committee",
                code="not-a-committee",
                hint=f"did you mean the {body.committee}, which it reports to?" if body else None,
            )
        return entity.name

    def mentioned_in(self, text: str) -> frozenset[str]:
        """Names of the entities ``text`` refers to (by name, alias, technology or term)."""
        found = self._mentions.get(text)
        if found is None:
            found = frozenset(name for name in self._candidates(text) if self._finds(name, text)) or _NONE
            if len(self._mentions) >= self.MEMO:
                self._mentions.clear()
            self._mentions[text] = found
        return found

    def _finds(self, name: str, text: str) -> bool:
        """True when the entity ``name``'s pattern matches in ``text`` (never for one without words)."""
        pattern = self._patterns[name]
        return pattern is not None and pattern.search(text) is not None

    def _candidates(self, text: str) -> set[str]:
        """The entities whose patterns can match in ``text`` (a superset of those that do)."""
        if _ASCII_LOOKALIKES.search(text):
            return {name for name, pattern in self._patterns.items() if pattern}
        # The first runs of entity words the text has (whole runs: a word's boundaries fall
        # between runs), found in one pass; then only those entities' patterns are searched.
        candidates = set(self._always)
        if self._any_first_run is not None:
            for run in set(self._any_first_run.findall(text.lower())):
                candidates |= self._by_run[run]
        return candidates

    def groups_in_any(self, texts: Iterable[str]) -> frozenset[str]:
        """The scope bodies any of ``texts`` refers to: the union of :meth:`groups_in` over them,
        found by one search of the texts joined (its answer not remembered: a diff asks once; the
        texts whose own mentions are remembered are not searched again)."""
        texts = list(texts)
        # The texts whose mentions are remembered (a register's milestones, read before) need no search.
        remembered = list(map(self._mentions.get, texts))
        known = frozenset().union(*filter(None, remembered))
        texts = list(compress(texts, map(is_, remembered, repeat(None))))
        joined = SEPARATOR.join(texts)
        if self._separable and joined.count(SEPARATOR) == len(texts) - 1:  # (else a text holds one)
            found = frozenset(
                name for name in self._candidates(joined)
                if self._entities[name].kind in self.scope_kinds and self._finds(name, joined)
            )
        else:
            found = frozenset().union(*(self.groups_in(text) for text in texts))
        return found | frozenset(name for name in known if self._entities[name].kind in self.scope_kinds)

    def pattern(self, name: str) -> re.Pattern[str]:
        """The pattern that finds the entity ``name``'s words in a text (a never-matching one when it has none)."""
        return self._patterns.get(name) or _NEVER

    def groups_in(self, text: str) -> frozenset[str]:
        """Working groups, forums and task forces (bodies of a scope kind) ``text`` refers to."""
        mentioned = self.mentioned_in(text)
        if not mentioned:
            return mentioned
        return frozenset(name for name in mentioned if self._entities[name].kind in self.scope_kinds)

    def mentions(self, text: str) -> dict[str, str]:
        """Each entity ``text`` refers to, with the word or phrase that refers to it (the first found)."""
        found: dict[str, str] = {}
        candidates = self._candidates(text)
        for name in self._entities:  # in file order, as searching every pattern would find them
            if name in candidates:
                pattern = self._patterns[name]
                match = pattern.search(text) if pattern else None
                if match:
                    found[name] = match.group(0)
        return found

    def involved_in(self, text: str) -> tuple[str, ...]:
        """Bodies ``text`` refers to plus the committees they report to (not the governing body), sorted."""
        involved: set[str] = set()
        for mentioned in self.mentioned_in(text):
            name: str | None = mentioned
            while name is not None and name not in involved:
                entity = self._entities[name]
                if involved and self.role(entity) == "governing":
                    break
                involved.add(name)
                name = entity.reports_to
        return tuple(sorted(involved))


def _validate_file(text: str, file: str) -> dict:
    """A vocabulary file's data, validated (pydantic): kinds, entities and each entity's line."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class _Entity(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        name: str = Field(min_length=1)
        kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        reports_to: str | None = None
        aliases: tuple[str, ...] = ()
        technologies: tuple[str, ...] = ()
        terms: tuple[str, ...] = ()

    class _File(BaseModel):
        model_config = ConfigDict(extra="forbid")

        kinds: dict[str, str] = {}
        entities: list[_Entity]

    data, lines = parse_yaml(text, file, error=PolicyError)
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        location = ".".join(str(part) for part in first["loc"])
        raise PolicyError(
            f"invalid vocabulary: {first['msg']}",
            code="bad-vocabulary",
            file=file,
            line=line_for(first["loc"], lines)[0],
            field=location or None,
        ) from exc
    for kind, role in parsed.kinds.items():
        if role not in KIND_ROLES:
            raise PolicyError(
                f"invalid vocabulary: kind '{kind}' has the role '{role}'; a kind's role is one of "
                + ", ".join(KIND_ROLES), code="bad-vocabulary", file=file, line=lines.get(("kinds", kind)),
                field=f"kinds.{kind}", hint=did_you_mean(role, KIND_ROLES),
            )
    return {
        "kinds": dict(parsed.kinds),
        "role_lines": {kind: lines.get(("kinds", kind)) for kind in parsed.kinds},
        "entities": [entity.model_dump(mode="json") for entity in parsed.entities],
        "lines": [lines.get(("entities", index)) for index in range(len(parsed.entities))],
        "kind_lines": [lines.get(("entities", index, "kind")) for index in range(len(parsed.entities))],
    }


def _read_file(path: Path) -> dict:
    from workreg.registers.validated import validated_data

    data, _ = validated_data(path, "vocabulary", _validate_file)
    return data


def _entity(data: dict) -> Entity:
    return Entity(
        name=data["name"], kind=data["kind"], reports_to=data.get("reports_to"),
        aliases=tuple(data.get("aliases", ())), technologies=tuple(data.get("technologies", ())),
        terms=tuple(data.get("terms", ())),
    )


def _merge(into: dict[str, tuple[Entity, str, int | None]], entity: Entity, file: str, line: int | None) -> None:
    known = into.get(entity.name)
    if known is None:
        into[entity.name] = (entity, file, line)
        return
    existing = known[0]
    if entity.kind != existing.kind:
        raise PolicyError(
            f"'{entity.name}' is a {existing.kind} in {known[1]}, cannot redefine it as a {entity.kind}",
            code="bad-vocabulary", file=file, line=line,
        )

    def union(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
        return old + tuple(word for word in new if word not in old)

    merged = replace(
        existing,
        reports_to=entity.reports_to or existing.reports_to,
        aliases=union(existing.aliases, entity.aliases),
        technologies=union(existing.technologies, entity.technologies),
        terms=union(existing.terms, entity.terms),
    )
    into[entity.name] = (merged, file, line)


def load_vocabulary(*extra_paths: str | Path) -> Vocabulary:
    """The shipped vocabulary extended by ``extra_paths`` (YAML); PolicyError with file:line when invalid."""
    if not extra_paths:
        return _default_vocabulary()
    return _load((shipped_vocabulary(), *(Path(path) for path in extra_paths)))


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    return _load((shipped_vocabulary(),))


def _load(paths: tuple[Path, ...]) -> Vocabulary:
    merged: dict[str, tuple[Entity, str, int | None]] = {}
    kinds: dict[str, tuple[str, str]] = {}
    kind_lines: dict[tuple[str, str], int | None] = {}
    for path in paths:
        data = _read_file(path)
        for kind, role in data["kinds"].items():
            if kind in kinds and kinds[kind][0] != role:
                raise PolicyError(
                    f"kind '{kind}' is a {kinds[kind][0]} kind in {kinds[kind][1]}, cannot make it a {role} kind",
                    code="bad-vocabulary", file=str(path), line=data["role_lines"].get(kind),
                )
            kinds[kind] = (role, str(path))
        for entity, line, kind_line in zip(data["entities"], data["lines"], data["kind_lines"]):
            _merge(merged, _entity(entity), str(path), line)
            kind_lines[(entity["name"], str(path))] = kind_line
    for entity, file, line in merged.values():
        if entity.kind not in kinds:
            raise PolicyError(
                f"invalid vocabulary: '{entity.name}' is of kind '{entity.kind}', which no vocabulary file "
                "declares under 'kinds'", code="unknown-kind", file=file,
                line=kind_lines.get((entity.name, file)) or line, hint=did_you_mean(entity.kind, kinds),
            )
        if entity.reports_to is not None and entity.reports_to not in merged:
            raise PolicyError(
                f"'{entity.name}' reports to unknown body '{entity.reports_to}'",
                code="unknown-entity", file=file, line=line,
                hint=did_you_mean(entity.reports_to, merged),
            )
    for entity, file, line in merged.values():
        seen: list[str] = []
        name: str | None = entity.name
        while name is not None:
            if name in seen:
                raise PolicyError(
                    "reports_to forms a cycle: " + " -> ".join([*seen, name]),
                    code="bad-vocabulary", file=file, line=line,
                )
            seen.append(name)
            name = merged[name][0].reports_to
    return Vocabulary((entity for entity, _, _ in merged.values()), {kind: role for kind, (role, _) in kinds.items()})


def scope_texts(register: WorkRegister) -> list[str]:
    """The register texts that define its scope: benefits, activities, milestones, documentation, contacts."""
    # (Taken by C-level maps: a large register has a text per line.)
    texts = list(map(_TEXT, chain(register.benefits, register.activities, register.documentation)))
    texts += map(_DELIVERABLE, register.milestones)
    texts += map(_TEXT, register.points_of_contact)
    return texts


_TEXT, _DELIVERABLE = attrgetter("text"), attrgetter("deliverable")


def scope_of(register: WorkRegister, vocabulary: Vocabulary) -> frozenset[str]:
    """The DMTF working groups/forums (named for the technologies they own) the register involves."""
    return frozenset().union(*(vocabulary.groups_in(text) for text in scope_texts(register)))
