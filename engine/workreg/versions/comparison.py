"""The values a comparison of two policy versions is made of: frozen, named, and convertible to the documented JSON.

:func:`workreg.versions.compare.compare_policies` builds a :class:`Comparison`; its ``to_dict()`` is the JSON of
``workreg compare --format json`` and ``POST /v1/compare`` (a stable contract: key order and which keys appear
are part of it, so each ``to_dict`` writes them exactly as the README documents).  Like the values of a
decision (:mod:`workreg.policy.decision`) they are typed named tuples, sequences are tuples and maps are
read-only (:class:`types.MappingProxyType`).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Union

from workreg.policy.decision import Citation

#: A field value compared as a whole (a number, a name, a flag); lists and objects are compared by item.
Scalar = Union[str, int, float, bool, None]

#: An empty read-only map: the default of the maps below.
NOTHING: Mapping[str, Any] = MappingProxyType({})


class Clause(NamedTuple):
    """A section and a quote: an element's clause, or a change-history line ("Version 1.2.0 ... Added ...")."""

    section: str
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "quote": self.quote}


class ApprovalChange(NamedTuple):
    """An approval one version's decision needs and the other's does not: who, how, at which gate, by which clause."""

    approver: str
    name: str
    kind: str
    gate: str
    citation: Citation
    #: Other approvers of the decision this body fills by default (one vote gives both approvals).
    default_of: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"approver": self.approver, "name": self.name, "kind": self.kind, "gate": self.gate,
                                "citation": self.citation.to_dict()}
        if self.default_of:
            body["default_of"] = list(self.default_of)
        return body


class DecisionDifference(NamedTuple):
    """How the decisions of one combination of change kinds differ between the versions."""

    changes: tuple[str, ...]
    added: tuple[ApprovalChange, ...]
    removed: tuple[ApprovalChange, ...]
    order_changed: bool
    #: ``(before, after)`` gate pairs ordered in the newer version only, and in the older only.
    order_added: tuple[tuple[str, str], ...]
    order_removed: tuple[tuple[str, str], ...]
    #: Approver roles stage by stage in each version; None when the stages are the same.
    stages_from: tuple[tuple[str, ...], ...] | None = None
    stages_to: tuple[tuple[str, ...], ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "changes": list(self.changes),
            "added": [approval.to_dict() for approval in self.added],
            "removed": [approval.to_dict() for approval in self.removed],
            "order_changed": self.order_changed,
            "order_added": [list(pair) for pair in self.order_added],
            "order_removed": [list(pair) for pair in self.order_removed],
        }
        if self.stages_from is not None and self.stages_to is not None:
            body["stages_from"] = [list(stage) for stage in self.stages_from]
            body["stages_to"] = [list(stage) for stage in self.stages_to]
        return body


class KindChange(NamedTuple):
    """A change kind only one version knows."""

    id: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title}


class KindChanges(NamedTuple):
    """The change kinds the newer version adds and those it drops."""

    added: tuple[KindChange, ...]
    removed: tuple[KindChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"added": [kind.to_dict() for kind in self.added], "removed": [kind.to_dict() for kind in self.removed]}


class ValueChange(NamedTuple):
    """A field's value in the older version and in the newer."""

    old: Scalar
    new: Scalar

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.old, "to": self.new}


class ItemChanges(NamedTuple):
    """Items of a list field added and removed, by their id (a requirement by its step, an open point by its topic)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"added": list(self.added), "removed": list(self.removed)}


class StructureChange(NamedTuple):
    """A structural element (role, step, precedence, ...) added, removed or changed, and what accounts for it."""

    element: str
    id: str
    #: ``added``, ``removed`` or ``changed``.
    change: str
    label: str
    #: The change-history lines behind it, and whether the element's notes name them (``element``) or they are
    #: all the lines between the versions (``versions``).
    basis: tuple[Clause, ...]
    basis_source: str
    #: Of a changed element: the fields that differ, the old and new value of each scalar one, the items of each
    #: list one.
    fields: tuple[str, ...] = ()
    values: Mapping[str, ValueChange] = NOTHING
    items: Mapping[str, ItemChanges] = NOTHING
    #: The role a constraint belongs to.
    role: str | None = None
    citation: Clause | None = None
    #: ``history``, ``reading`` or ``text`` (:func:`workreg.versions.grounds.mark_grounds`); None until marked.
    rests_on: str | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"element": self.element, "id": self.id, "change": self.change, "label": self.label}
        if self.change == "changed":
            body["fields"] = list(self.fields)
            body["values"] = {name: value.to_dict() for name, value in self.values.items()}
            if self.items:
                body["items"] = {name: items.to_dict() for name, items in self.items.items()}
        if self.role is not None:
            body["role"] = self.role
        if self.citation is not None:
            body["citation"] = self.citation.to_dict()
        body["basis"] = [line.to_dict() for line in self.basis]
        body["basis_source"] = self.basis_source
        if self.rests_on is not None:
            body["rests_on"] = self.rests_on
        return body


class PolicySide(NamedTuple):
    """One version compared: its ref, the document it encodes, and the names of its roles, steps and change kinds."""

    ref: str
    document: str
    document_version: str
    date: str | None
    provenance: str
    roles: Mapping[str, str]
    steps: Mapping[str, str]
    #: Who performs each step: step id → role id.
    actors: Mapping[str, str]
    change_kinds: Mapping[str, str]

    @property
    def reconstructed(self) -> bool:
        return self.provenance == "reconstructed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "document": self.document, "document_version": self.document_version, "date": self.date,
            "provenance": self.provenance, "roles": dict(self.roles), "steps": dict(self.steps),
            "actors": dict(self.actors), "change_kinds": dict(self.change_kinds),
        }


class Comparison(NamedTuple):
    """Two policy versions compared by meaning: decisions, change kinds, structure, and the history between them."""

    old: PolicySide
    new: PolicySide
    #: The change-history lines, cited by either version, of the versions after the older up to the newer.
    history: tuple[Clause, ...]
    change_kinds: KindChanges
    #: Combinations of the common change kinds covered: all 2^n - 1 when ``exhaustive``, else those of up to
    #: ``largest_combination`` kinds.
    combinations_compared: int
    exhaustive: bool
    largest_combination: int
    differing_combinations: int
    #: Differing combinations counted but not listed in ``decisions``.
    decisions_more: int
    #: ``equivalent``, ``stricter``, ``looser`` or ``incomparable``: overall, and per change kind.
    verdict: str
    verdicts: Mapping[str, str]
    #: The smallest differing combinations, smallest first.
    decisions: tuple[DecisionDifference, ...]
    structure: tuple[StructureChange, ...]

    @property
    def equivalent(self) -> bool:
        """No decision, change kind or structural element differs."""
        return not (self.decisions or self.change_kinds.added or self.change_kinds.removed or self.structure)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``workreg compare --format json`` (the contract documented in the README)."""
        return {
            "from": self.old.ref,
            "to": self.new.ref,
            "equivalent": self.equivalent,
            "policies": {"from": self.old.to_dict(), "to": self.new.to_dict()},
            "history": [line.to_dict() for line in self.history],
            "change_kinds": self.change_kinds.to_dict(),
            "combinations_compared": self.combinations_compared,
            "exhaustive": self.exhaustive,
            "largest_combination": self.largest_combination,
            "differing_combinations": self.differing_combinations,
            "decisions_more": self.decisions_more,
            "verdict": self.verdict,
            "verdicts": dict(self.verdicts),
            "decisions": [difference.to_dict() for difference in self.decisions],
            "structure": [entry.to_dict() for entry in self.structure],
        }
