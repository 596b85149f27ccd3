"""The values a decision is made of: frozen, plain, and convertible to the documented JSON.

They are typed named tuples rather than dataclasses: a CLI query builds them in a process that
lives a few milliseconds, and ``dataclasses`` (with ``inspect``) costs more to import than the
whole query.
"""

from __future__ import annotations

from typing import Any, NamedTuple

#: Strength of approval kinds: when changes require one gate with different kinds, or one body
#: holds two gates of one stage, the stronger kind is the one reported.
KIND_STRENGTH = {"acknowledgement": 1, "approval": 2, "ballot": 3}


class Citation(NamedTuple):
    """A section of a published text and a short quote from it; ``source`` names the text
    (``DSP4003 1.2.0``), which for a reconstructed policy is not the version it encodes."""

    section: str
    quote: str
    source: str | None = None

    # One clause is one clause whichever policy cites it: equality and hashing ignore ``source``.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple) and len(other) >= 2:
            return (self[0], self[1]) == (other[0], other[1])
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self[0], self[1]))

    def __str__(self) -> str:
        return f'§{self.section} "{self.quote}"'

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "quote": self.quote, "source": self.source}


class Provenance(NamedTuple):
    """What a decision's policy is: the published text transcribed, or a reconstruction of one."""

    kind: str
    #: The version the policy encodes, e.g. ``DSP4003 1.1b``.
    document: str
    #: The published text its quotes come from, e.g. ``DSP4003 1.2.0``.
    quotes_from: str
    note: str | None = None
    basis: tuple[Citation, ...] = ()

    @property
    def reconstructed(self) -> bool:
        return self.kind == "reconstructed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "document": self.document, "quotes_from": self.quotes_from, "note": self.note,
            "basis": [citation.to_dict() for citation in self.basis],
        }


class RequiredApproval(NamedTuple):
    """A gate the change needs: who approves, how, and the clause that says so."""

    gate: str
    approver: str
    name: str
    kind: str
    citation: Citation
    required_by: tuple[str, ...]
    title: str
    satisfied_by: str | None = None
    interpretation: str | None = None
    #: Each requiring change's own clause, aligned with ``required_by`` (``citation`` is the one
    #: whose approval kind is reported).
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "approver": self.approver,
            "name": self.name,
            "kind": self.kind,
            "citation": self.citation.to_dict(),
            "citations": _by_change(self.required_by, self.citations),
            "required_by": list(self.required_by),
            "title": self.title,
            "satisfied_by": self.satisfied_by,
            "interpretation": self.interpretation,
        }


def _by_change(changes: tuple[str, ...], citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
    """``[{"change": ..., "section": ..., "quote": ..., "source": ...}, ...]``, one per requiring change."""
    return [{"change": change, **citation.to_dict()} for change, citation in zip(changes, citations)]


class NotRequired(NamedTuple):
    """An approver the source explicitly says the change does not need."""

    approver: str
    name: str
    citation: Citation
    changes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "approver": self.approver,
            "name": self.name,
            "citation": self.citation.to_dict(),
            "changes": list(self.changes),
        }


class UnspecifiedPoint(NamedTuple):
    """A question the source leaves open for this change."""

    topic: str
    text: str
    citation: Citation
    changes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "text": self.text,
            "citation": self.citation.to_dict(),
            "changes": list(self.changes),
        }


class Alternative(NamedTuple):
    """Another party the text names as able to perform a step (``or a member of ...``)."""

    actor: str
    name: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "name": self.name, "citation": self.citation.to_dict()}


class StepItem(NamedTuple):
    """A step around the approvals (drafting, scheduling, publishing, ...)."""

    step: str
    title: str
    actor: str
    name: str
    kind: str
    optional: bool
    citation: Citation
    required_by: tuple[str, ...]
    #: The policy's reading where the text is silent (e.g. who performs the step), else None.
    interpretation: str | None = None
    also_by: tuple[Alternative, ...] = ()
    #: Each requiring change's own clause, aligned with ``required_by``.
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "title": self.title,
            "actor": self.actor,
            "name": self.name,
            "kind": self.kind,
            "optional": self.optional,
            "citation": self.citation.to_dict(),
            "citations": _by_change(self.required_by, self.citations),
            "required_by": list(self.required_by),
            "interpretation": self.interpretation,
            "also_by": [item.to_dict() for item in self.also_by],
        }


class OrderEdge(NamedTuple):
    """``before`` completes before ``after``; the clauses that say so (a chain when derived).

    ``interpretation`` is None only when the text states this order for the decision's change
    kinds; ``condition`` is what the text attaches to it, if anything.
    """

    before: str
    after: str
    citations: tuple[Citation, ...]
    interpretation: str | None = None
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            "citations": [citation.to_dict() for citation in self.citations],
            "interpretation": self.interpretation,
            "condition": self.condition,
        }


class ParallelStage(NamedTuple):
    """A stage of several gates: the text's permission to run them together (with its condition),
    or the policy's reading (``interpretation``) where the text only gives no order between them."""

    stage: int
    gates: tuple[str, ...]
    citations: tuple[Citation, ...] = ()
    condition: str | None = None
    interpretation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "gates": list(self.gates),
            "citations": [citation.to_dict() for citation in self.citations],
            "condition": self.condition,
            "interpretation": self.interpretation,
        }


class ConflictClause(NamedTuple):
    """What one change kind of a request ``says`` about a conflict's subject, and its clauses."""

    change: str
    says: str
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "says": self.says, "citations": [c.to_dict() for c in self.citations]}


class Conflict(NamedTuple):
    """Change kinds of one request that disagree, and the rule that decides between them.

    ``topic`` is ``not_required`` (one kind says an approver is not required, another requires it:
    ``subject`` is that approver's role id) or ``order`` (one kind's clauses order gates another
    kind also requires and gives no order: ``subject`` are those gates).  ``clauses`` are every
    kind's words, ``resolution`` the rule workreg applies and why.
    """

    topic: str
    subject: tuple[str, ...]
    clauses: tuple[ConflictClause, ...]
    resolution: str

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "subject": list(self.subject),
                "clauses": [clause.to_dict() for clause in self.clauses], "resolution": self.resolution}


class Decision(NamedTuple):
    """What a set of changes needs under one policy: approvals in stages, with citations."""

    policy: str
    changes: tuple[str, ...]
    required: tuple[RequiredApproval, ...]
    not_required: tuple[NotRequired, ...]
    unspecified: tuple[UnspecifiedPoint, ...]
    stages: tuple[tuple[str, ...], ...]
    order: tuple[OrderEdge, ...]
    steps: tuple[StepItem, ...]
    #: Gates the policy orders relative to no other gate of the decision (not in any stage).
    unordered: tuple[str, ...] = ()
    #: One entry per stage of several gates: why they may run together.
    parallel: tuple[ParallelStage, ...] = ()
    provenance: Provenance | None = None
    #: Where the source says these changes need no approval at all (a kind's ``requires: none``), its
    #: clauses; empty when approvals are required or the source only names none.
    no_approval: tuple[Citation, ...] = ()
    #: Where the request's change kinds disagree (a "not required" overruled, an order one kind
    #: gives a gate another kind also requires), with every clause and the deciding rule.
    conflicts: tuple[Conflict, ...] = ()

    def stage_numbers(self) -> dict[str, int]:
        """Gate id → its stage, counting from 1 (satisfied gates have none)."""
        return {gate: number for number, stage in enumerate(self.stages, 1) for gate in stage}

    @property
    def approvers(self) -> tuple[str, ...]:
        """Approver role ids of the gates still to pass (not satisfied by another), in stage order."""
        position = self.stage_numbers()
        gates = sorted(
            (item for item in self.required if item.satisfied_by is None),
            key=lambda item: position.get(item.gate, len(position)),
        )
        return tuple(dict.fromkeys(item.approver for item in gates))

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON contract documented in the README."""
        return {
            "policy": self.policy,
            "changes": list(self.changes),
            "required": [item.to_dict() for item in self.required],
            "not_required": [item.to_dict() for item in self.not_required],
            "unspecified": [item.to_dict() for item in self.unspecified],
            "stages": [list(stage) for stage in self.stages],
            "order": [edge.to_dict() for edge in self.order],
            "steps": [item.to_dict() for item in self.steps],
            "unordered": list(self.unordered),
            "parallel": [item.to_dict() for item in self.parallel],
            "provenance": self.provenance.to_dict() if self.provenance else None,
            "no_approval": [citation.to_dict() for citation in self.no_approval],
            "conflicts": [conflict.to_dict() for conflict in self.conflicts],
        }
