"""The JSON contracts of the API's answers as pydantic models: the OpenAPI document types every success body.

Each model names the fields a client may rely on, with their types; the CLI prints the same JSON
(``--format json``), so these are its contracts too.  Models allow fields they do not name (a
later workreg may add some; a client should ignore what it does not know) and are checked against
real answers by tests/serve/test_contracts.py, so a field that changes type or disappears fails there.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """Every error: a stable ``code``, a message, and a hint when there is one."""

    code: str
    message: str
    hint: Optional[str] = None
    field: Optional[str] = None
    file: Optional[str] = None
    line: Optional[int] = None

    @classmethod
    def plain(cls, code: str, message: str) -> dict[str, Any]:
        """The body of an error that names no field, file or hint (every key present, in order)."""
        return cls(code=code, message=message).model_dump()


class Citation(_Answer):
    """A clause of the process document: its section and the words quoted."""

    section: str
    quote: str
    source: Optional[str] = None


class Provenance(_Answer):
    """Where a policy's text comes from (a published document, a reconstruction, ...)."""

    kind: str
    document: Optional[str] = None
    note: Optional[str] = None
    basis: list[Citation] = Field(default_factory=list)


class AsOf(_Answer):
    """Why this version was applied on a day: the version in force then, from when, on what authority."""

    on: str
    policy: str
    effective: Optional[str] = None
    until: Optional[str] = None
    provenance: Optional[str] = None
    citation: Optional[Citation] = None
    interpretation: Optional[str] = None


class RequiredGate(_Answer):
    """An approval (or ballot) the changes need, who gives it and the clause that says so."""

    gate: str
    approver: str
    name: str
    kind: str
    title: str
    citation: Citation
    required_by: list[str]
    satisfied_by: Optional[str] = None
    interpretation: Optional[str] = None


class NotRequired(_Answer):
    """An approval the policy says the changes do not need, with its clause."""

    approver: Optional[str] = None
    name: Optional[str] = None
    citation: Optional[Citation] = None
    changes: list[str] = Field(default_factory=list)


class Unspecified(_Answer):
    """A point the policy's text does not settle (workreg says so instead of guessing)."""

    topic: str
    text: str
    citation: Optional[Citation] = None
    changes: list[str] = Field(default_factory=list)


class OrderEdge(_Answer):
    before: str
    after: str
    citations: list[Citation] = Field(default_factory=list)
    interpretation: Optional[str] = None
    condition: Optional[Any] = None


class Step(_Answer):
    """An action (not an approval) the process asks for."""

    step: str
    title: str
    actor: str
    name: str
    kind: str
    optional: bool
    citation: Optional[Citation] = None
    required_by: list[str] = Field(default_factory=list)


class Decision(_Answer):
    """``POST /v1/approvals`` (and ``workreg approvals --format json``): the approvals a change needs and why."""

    policy: str
    changes: list[str]
    required: list[RequiredGate]
    not_required: list[NotRequired]
    unspecified: list[Unspecified]
    stages: list[list[str]] = Field(description="gates in order: each stage after the one before, together within")
    order: list[OrderEdge] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    unordered: list[str] = Field(default_factory=list, description="gates the policy states no order for")
    parallel: list[dict[str, Any]] = Field(default_factory=list)
    provenance: Optional[Provenance] = None
    committees: list[dict[str, Any]] = Field(default_factory=list)
    as_of: Optional[AsOf] = None


class Notice(_Answer):
    """A warning about the input (e.g. the register names another version of the process than the one applied)."""

    file: Optional[str] = None
    line: Optional[int] = None
    message: str


class ClassifiedChange(_Answer):
    """One change between two register versions, classified by the policy's rules."""

    kind: Optional[str] = Field(description="a change kind of the policy, 'editorial', or null when unclassified")
    section: Optional[str] = None
    change: str
    before: Optional[str] = None
    after: Optional[str] = None
    rule: Optional[str] = None
    line_old: Optional[int] = None
    line_new: Optional[int] = None
    citation: Optional[Citation] = None


class DiffReport(_Answer):
    """``POST /v1/diff`` (and ``workreg diff --format json``): the classified changes, then the decision."""

    old: str
    new: str
    policy: str
    warnings: list[Notice] = Field(default_factory=list)
    changes: list[ClassifiedChange]
    decision: Optional[Decision] = Field(description="null when every change is editorial")
    as_of: Optional[AsOf] = None


class PolicyRow(_Answer):
    """One policy version served (``GET /v1/policies``; ``workreg policies --format json``)."""

    policy: str
    title: str
    provenance: Optional[str] = None
    change_kinds: list[str]


class Comparison(_Answer):
    """``POST /v1/compare`` (and ``workreg compare --format json``): what changed between two policy versions."""

    from_: str = Field(alias="from")
    to: str
    equivalent: bool
    change_kinds: dict[str, Any] = Field(default_factory=dict)
    decisions: list[dict[str, Any]] = Field(default_factory=list)
    structure: list[dict[str, Any]] = Field(default_factory=list)


class Blocker(_Answer):
    gate: str
    status: str
    citations: list[Citation] = Field(default_factory=list)


class CaseGate(_Answer):
    """A gate of a case: where it stands, its record when it has one, what it waits for."""

    gate: str
    name: str
    approver: str
    kind: str
    title: str
    stage: Optional[int] = None
    status: str = Field(description="next, waiting, given, approved, rejected or withdrawn")
    citation: Optional[Citation] = None
    outcome: Optional[str] = None
    date: Optional[str] = None
    ref: Optional[str] = None
    by: Optional[str] = None
    note: Optional[str] = None
    seq: Optional[int] = None
    given_by: Optional[str] = None
    waiting_on: list[Blocker] = Field(default_factory=list)


class Event(_Answer):
    """One event of a case's append-only log (``GET /v1/cases/{id}/log``)."""

    case: int
    seq: int
    kind: Literal["opened", "recorded", "migrated"]
    at: str
    by: Optional[str] = None
    policy_hash: str


class CaseStatus(_Answer):
    """``GET /v1/cases/{id}`` (and ``workreg case status --format json``): where a case stands."""

    id: int
    title: str
    policy: str
    policy_hash: str
    changes: list[str]
    committees: list[str]
    opened_at: str
    complete: bool
    done: list[CaseGate]
    next: list[CaseGate]
    waiting: list[CaseGate]
    stopped: list[CaseGate]
    unspecified: list[Unspecified] = Field(default_factory=list)
    notes: list[dict[str, Any]] = Field(default_factory=list)
    events: list[Event]


class CaseRow(_Answer):
    """One case of ``GET /v1/cases`` (``workreg case list --format json``)."""

    id: int
    title: str
    policy: str
    policy_hash: str
    changes: list[str]
    complete: bool
    opened_at: str
    done: list[str]
    next: list[str]
    waiting: list[str]
    stopped: list[str]


class Migration(_Answer):
    """``POST /v1/cases/{id}/migrate``: the gates the move adds and drops, and the case's status after it."""

    id: int
    from_: str = Field(alias="from")
    to: str
    added: list[str]
    dropped: list[str]
    records_dropped: list[str]
    status: CaseStatus


class LoggedDecision(_Answer):
    """One row of the decision log (``GET /v1/decisions``; ``workreg log --format json``)."""

    id: int = Field(description="the row id, also the paging cursor")
    decision_id: str
    at: str
    caller: str
    token_id: Optional[str] = None
    kind: Literal["approvals", "diff", "case.open", "case.record", "case.migrate"]
    policy: str
    policy_hash: str
    status: int
    input: dict[str, Any] = Field(description="what was asked; a diff's uploaded documents carry content_base64 "
                                              "for auditors only (null for other tokens)")
    result: Any = Field(description="the body served, exactly")


class Health(_Answer):
    status: Literal["ok"]
    version: str
    policies: list[str]
    decisions_logged_since_start: int
    public_read: bool
    worker: str = Field(description="this process's id (its decision ids start with it)")


#: Every answer model, by the name the OpenAPI document gives it (:class:`ErrorBody` apart: every error's).
ANSWERS: tuple[type[BaseModel], ...] = (Decision, DiffReport, PolicyRow, Comparison, CaseStatus, CaseRow, Event,
                                       Migration, LoggedDecision, Health)
