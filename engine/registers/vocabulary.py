"""The DMTF organization vocabulary (committees, working groups, forums, what each owns) and register scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workreg.errors import PolicyError, UsageError, did_you_mean
from workreg.inputs import line_for, parse_yaml, read_text
from workreg.resources import shipped_vocabulary

if TYPE_CHECKING:
    from workreg.registers.model import WorkRegister

EntityKind = Literal["board", "committee", "working_group", "forum", "task_force"]
#: Kinds that make up a register's scope (DSP4003 §4: extending to "additional DMTF working groups").
SCOPE_KINDS: frozenset[str] = frozenset({"working_group", "forum", "task_force"})


class Entity(BaseModel):
    """A DMTF body and the words that, in a register, mean work for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: EntityKind
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


class _VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[Entity]


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


def _runs(text: str) -> list[str]:
    """The lower-case ASCII letter-and-digit runs of ``text``: a word's boundaries (``[A-Za-z0-9]``)
    fall between them, so a word can only match where the text has the word's first run."""
    return _ALNUM_RUN.findall(text.lower())


class Vocabulary:
    """Validated entities with compiled matchers; immutable once built."""

    #: Texts whose mentions are remembered (a diff asks for the same texts several times).
    MEMO = 1 << 17

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: dict[str, Entity] = {entity.name: entity for entity in entities}
        self._patterns = {name: _pattern(entity.words) for name, entity in self._entities.items()}
        # A word can only match where the text has the word's first letter-and-digit run, so an
        # index of first runs names the few entities worth searching for in a text.
        self._by_run: dict[str, set[str]] = {}
        self._always: set[str] = set()
        for name, entity in self._entities.items():
            if self._patterns[name] is None:
                continue
            for word in entity.words:
                runs = _runs(word.strip())
                if runs:
                    self._by_run.setdefault(runs[0], set()).add(name)
                elif word.strip():
                    self._always.add(name)
        self._mentions: dict[str, frozenset[str]] = {}
        # Any first run, as a whole run: a text without one mentions no entity (one search in C
        # instead of splitting every text into runs; most texts of a large register mention none).
        firsts = sorted(self._by_run, key=len, reverse=True)
        self._any_first_run = re.compile(
            r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, firsts)) + r")(?![a-z0-9])"
        ) if firsts else None

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
            known = sorted(e.name for e in self._entities.values() if e.kind != "board")
            hint = "known: " + ", ".join(known) + "; add others with a vocabulary file (--vocabulary)"
        raise UsageError(f"unknown {what} '{name}' (not in the organization vocabulary)",
                         code="unknown-committee", hint=hint)

    def committee(self, name: str) -> NamedCommittee:
        """The committee that approves for a body named by the user: the body itself when a committee,
        else the committee its working group, forum or task force reports to (UsageError otherwise)."""
        entity = self.lookup(name, what="committee")
        if entity.kind == "committee":
            return NamedCommittee(name, entity.name, entity.kind)
        if entity.kind == "board":
            raise UsageError(
                f"'{name}' is the Board, not a committee with milestone work", code="not-a-committee",
                hint="name the committees whose work is in the Milestones section",
            )
        current = entity
        while current.kind != "committee":
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
        if entity.kind != "committee":
            body = self.committee(name) if entity.kind != "board" else None
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
            if _ASCII_LOOKALIKES.search(text):
                candidates = {name for name, pattern in self._patterns.items() if pattern}
            elif not self._always and (self._any_first_run is None or not self._any_first_run.search(text.lower())):
                candidates = set()
            else:
                candidates = set(self._always)
                for run in set(_runs(text)):
                    candidates |= self._by_run.get(run, set())
            found = frozenset(name for name in candidates if self._patterns[name].search(text))
            if len(self._mentions) >= self.MEMO:
                self._mentions.clear()
            self._mentions[text] = found
        return found

    def groups_in(self, text: str) -> frozenset[str]:
        """Working groups, forums and task forces ``text`` refers to."""
        return frozenset(name for name in self.mentioned_in(text) if self._entities[name].kind in SCOPE_KINDS)

    def mentions(self, text: str) -> dict[str, str]:
        """Each entity ``text`` refers to, with the word or phrase that refers to it (the first found)."""
        found: dict[str, str] = {}
        for name, pattern in self._patterns.items():
            match = pattern.search(text) if pattern else None
            if match:
                found[name] = match.group(0)
        return found

    def involved_in(self, text: str) -> tuple[str, ...]:
        """Bodies ``text`` refers to plus the committees they report to (not the Board), sorted."""
        involved: set[str] = set()
        for name in self.mentioned_in(text):
            while name is not None and name not in involved:
                entity = self._entities[name]
                if entity.kind == "board" and involved:
                    break
                involved.add(name)
                name = entity.reports_to
        return tuple(sorted(involved))


def _read_entities(path: Path) -> list[tuple[Entity, int | None]]:
    text = read_text(path, error=PolicyError, what="vocabulary YAML")
    data, lines = parse_yaml(text, str(path), error=PolicyError)
    try:
        parsed = _VocabularyFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise PolicyError(
            f"invalid vocabulary: {first['msg']}",
            code="bad-vocabulary",
            file=str(path),
            line=line_for(first["loc"], lines)[0],
            field=location or None,
        ) from exc
    return [
        (entity, lines.get(("entities", index))) for index, entity in enumerate(parsed.entities)
    ]


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

    merged = existing.model_copy(update={
        "reports_to": entity.reports_to or existing.reports_to,
        "aliases": union(existing.aliases, entity.aliases),
        "technologies": union(existing.technologies, entity.technologies),
        "terms": union(existing.terms, entity.terms),
    })
    into[entity.name] = (merged, file, line)


def load_vocabulary(*extra_paths: str | Path) -> Vocabulary:
    """The shipped DMTF vocabulary extended by ``extra_paths`` (YAML); PolicyError with file:line when invalid."""
    if not extra_paths:
        return _default_vocabulary()
    return _load((shipped_vocabulary(), *(Path(path) for path in extra_paths)))


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    return _load((shipped_vocabulary(),))


def _load(paths: tuple[Path, ...]) -> Vocabulary:
    merged: dict[str, tuple[Entity, str, int | None]] = {}
    for path in paths:
        for entity, line in _read_entities(path):
            _merge(merged, entity, str(path), line)
    for entity, file, line in merged.values():
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
    return Vocabulary(entity for entity, _, _ in merged.values())


def scope_texts(register: WorkRegister) -> list[str]:
    """The register texts that define its scope: benefits, activities, milestones, documentation, contacts."""
    texts = [item.text for item in (*register.benefits, *register.activities, *register.documentation)]
    texts += [milestone.deliverable for milestone in register.milestones]
    texts += [contact.text for contact in register.points_of_contact]
    return texts


def scope_of(register: WorkRegister, vocabulary: Vocabulary) -> frozenset[str]:
    """The DMTF working groups/forums (named for the technologies they own) the register involves."""
    return frozenset().union(*(vocabulary.groups_in(text) for text in scope_texts(register)))
