"""The policy file model: what a YAML policy may say, validated by pydantic (``extra="forbid"``).

A policy encodes one version of a process document (for example DSP4003 1.2.0) as roles,
steps (approval gates and other actions), the order between steps, change kinds with what
each requires, and classification rules for register diffs.  Every normative element carries
the clause it comes from.  Where the document is silent, the policy says so (``unspecified``)
instead of inventing an answer; where a policy adds an interpretation it marks it as one.

Cheap to load for an uncached command: the annotations are objects when each class is made (no
``from __future__ import annotations``, which would have pydantic compile and evaluate every field's
annotation from its text), and the validator is built once, for :class:`Policy` as a whole, when
the first policy is validated (``defer_build``), not once per class at import.
"""

import re
from typing import Any, Iterator, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workreg.policy.decision import KIND_STRENGTH  # noqa: F401 - re-exported for the compiler

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_-]*$"

#: Step kinds that are approvals ("gates"); the others are actions around them.
GATE_KINDS = ("ballot", "approval", "acknowledgement")

Scalar = Union[str, int, bool]
#: What a classification rule's condition field may equal: one value, or any of several.
Condition = Union[Scalar, tuple[Scalar, ...]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Citation(Strict):
    """Where a rule comes from: a section of the source document and a short quote."""

    section: str = Field(min_length=1, description='Section of the source, e.g. "3.2" or "Appendix A".')
    quote: str = Field(min_length=1, max_length=600, description="A short verbatim quote.")

    @field_validator("section")
    @classmethod
    def _no_section_sign(cls, value: str) -> str:
        return value.lstrip("§").strip()


class Effective(Strict):
    """The day a policy version took effect (what ``--on DATE`` chooses by), and the clause behind it."""

    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO 8601 date, YYYY-MM-DD.")
    citation: Citation
    interpretation: str | None = None

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        from datetime import date

        date.fromisoformat(value)  # ValueError (a validation error) for 2007-02-30
        return value


class Source(Strict):
    """The document a policy encodes."""

    document: str = Field(min_length=1, description='Document id, e.g. "DSP4003".')
    title: str = Field(min_length=1)
    version: str = Field(min_length=1)
    date: str | None = Field(default=None, description="Publication date, ISO 8601.")
    status: str | None = None
    effective: Effective | None = Field(
        default=None, description="When this version took effect; `--on DATE` picks the version in force."
    )


class Provenance(Strict):
    """How the policy was obtained: transcribed from the published text, or reconstructed."""

    kind: Literal["published", "reconstructed", "draft"] = "published"
    note: str | None = None
    basis: tuple[Citation, ...] = Field(
        default=(), description="Lines of the source (e.g. its change history) the reconstruction rests on."
    )
    quotes_from: str | None = Field(
        default=None,
        description='The published text the citations quote when it is not the source itself, e.g. "DSP4003 '
        '1.2.0" for a reconstruction of an earlier version.',
    )

    @model_validator(mode="after")
    def _reconstruction_needs_basis(self) -> "Provenance":
        if self.kind == "reconstructed" and not self.basis:
            raise ValueError("a reconstructed policy must cite the basis it rests on")
        return self


class Constraint(Strict):
    """A condition a role must satisfy (e.g. the owner is an active Alliance Committee member)."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    citation: Citation
    interpretation: str | None = None


class Duty(Strict):
    """What a role does, as its clause says it: who (the role), does what (a verb), to what (its object).

    The Gherkin step "the role of X is to ..." compares a statement's verb and object with these, not
    with the words of the quote, so "to approve the work register" is not taken for "shepherding them
    through the process of getting the work register approved" (§2.7).
    """

    does: str = Field(min_length=1, description='The verb, in its base form, as the clause says it: "shepherd", '
                      '"help define", "be responsible for".')
    what: str = Field(min_length=1, description="What the role does it to or about, in the clause's words.")
    citation: Citation
    interpretation: str | None = None


class Role(Strict):
    """A party in the process: a body that approves, or a person or group that acts."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    description: str | None = None
    citation: Citation
    designated: bool = Field(
        default=False,
        description="The body filling this role is designated for each register (named with --originating); "
        "implied by `default`.",
    )
    default: str | None = Field(
        default=None, description="Id of the role that fills this one unless told otherwise (implies designated)."
    )
    default_citation: Citation | None = None
    per_name: bool = Field(
        default=False, description="One instance per named body (e.g. each affected committee)."
    )
    aliases: tuple[str, ...] = Field(
        default=(), description='Other names a feature file may use for the role, e.g. "DMTF Board".'
    )
    responsibilities: tuple[Citation, ...] = ()
    duties: tuple[Duty, ...] = Field(
        default=(), description="What the role does (verb and object, each cited): what the role step checks."
    )
    constraints: tuple[Constraint, ...] = ()
    interpretation: str | None = None


class Phase(Strict):
    """A phase of the process as the policy's document divides it (diagrams group steps by phase)."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    citation: Citation


class AlsoBy(Strict):
    """Another party the source names as able to perform a step (``or a member of ...``)."""

    role: str = Field(pattern=ID_PATTERN)
    qualifier: str | None = Field(
        default=None, description='How the role takes part, e.g. "a member of" (the DMTF Executive Committee).'
    )
    citation: Citation


class Step(Strict):
    """One step of the process; steps of kind ballot, approval or acknowledgement are gates."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    actor: str = Field(pattern=ID_PATTERN, description="Role id that performs the step.")
    kind: Literal["ballot", "approval", "acknowledgement", "action", "recommendation", "review"]
    phase: str = Field(pattern=ID_PATTERN, description="Id of the phase of the process the step belongs to.")
    records: str | None = Field(
        default=None, pattern=ID_PATTERN,
        description="The section of a work register this step records (a section id of the register "
        "template, e.g. board_approval); lint reports an approved register that lacks it.",
    )
    optional: bool = False
    citation: Citation
    also_by: tuple[AlsoBy, ...] = Field(
        default=(), description="Others the source names as able to perform the step instead of the actor."
    )
    note: str | None = None
    interpretation: str | None = None

    @property
    def is_gate(self) -> bool:
        return self.kind in GATE_KINDS


class Precedence(Strict):
    """``before`` must complete before ``after`` starts (for the change kinds in ``applies_to``)."""

    before: str = Field(pattern=ID_PATTERN)
    after: str = Field(pattern=ID_PATTERN)
    applies_to: tuple[str, ...] = Field(
        default=(),
        description="Change kind ids whose clause states this order; the edge orders a decision only when it "
        "includes one of them.  Empty: every change kind.",
    )
    citation: Citation
    condition: str | None = None
    interpretation: str | None = None


class Parallel(Strict):
    """Steps the source explicitly allows to run at the same time (for the change kinds in ``applies_to``)."""

    steps: tuple[str, ...] = Field(min_length=2)
    applies_to: tuple[str, ...] = Field(
        default=(), description="Change kind ids the permission is stated for; empty: every change kind."
    )
    citation: Citation
    condition: str | None = None
    interpretation: str | None = None


class Requirement(Strict):
    """A change kind requires this step; ``kind`` overrides the step's kind for this change."""

    step: str = Field(pattern=ID_PATTERN)
    kind: Literal["ballot", "approval", "acknowledgement", "action", "recommendation", "review"] | None = None
    citation: Citation
    interpretation: str | None = None


class NotRequired(Strict):
    """The source says this approver's approval is *not* needed for the change."""

    approver: str = Field(pattern=ID_PATTERN)
    citation: Citation


class Unspecified(Strict):
    """A point the source leaves open; the engine reports it instead of guessing."""

    topic: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    citation: Citation


class KindOrder(Strict):
    """An order a change kind's policy reads into a text that gives none: always an interpretation."""

    before: str = Field(pattern=ID_PATTERN)
    after: str = Field(pattern=ID_PATTERN)
    citation: Citation
    condition: str | None = None
    interpretation: str = Field(
        min_length=1, description="Why the policy orders these steps although the text does not (required)."
    )


class OutcomeNote(Strict):
    """What the source says, or leaves open, about a gate that ends other than in approval."""

    outcome: Literal["rejected", "withdrawn"]
    unspecified: str = Field(min_length=1, description="What the source leaves open about what follows.")
    citation: Citation


class ChangeKind(Strict):
    """A kind of change to a work register and what it requires."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str | None = None
    citation: Citation
    requires: Union[tuple[Requirement, ...], Literal["none"]] = Field(
        default=(), description='The steps it requires, or "none" when the source says nothing is required.'
    )
    requires_none_citation: Citation | None = None
    phrases: tuple[str, ...] = Field(
        default=(), description="How the process's own words say this change happens (\"the update adjusts the "
        "deliverables\"); a Gherkin 'When' step may name the change kind by one (or begin with one).",
    )
    not_required: tuple[NotRequired, ...] = ()
    unspecified: tuple[Unspecified, ...] = ()
    order: tuple[KindOrder, ...] = Field(
        default=(),
        description="How this kind's steps are ordered where the text gives no order: the policy's reading, "
        "each marked as an interpretation (applies when the decision includes this kind).",
    )

    @model_validator(mode="after")
    def _none_needs_citation(self) -> "ChangeKind":
        if self.requires == "none" and self.requires_none_citation is None:
            raise ValueError('requires: none needs requires_none_citation saying where the source says so')
        return self

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return () if self.requires == "none" else self.requires


class ReviewCycle(Strict):
    """How often a register should be updated."""

    interval_months: int = Field(gt=0, le=240)
    strength: Literal["must", "should", "may"]
    performed_by: str = Field(pattern=ID_PATTERN)
    coordinated_by: str | None = Field(default=None, pattern=ID_PATTERN)
    citation: Citation


class RemovalTrigger(Strict):
    """A reason the source gives for removing an alliance partner."""

    id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1)
    recommended_by: tuple[str, ...] = Field(default=(), description="Role ids that may recommend removal.")
    citation: Citation


class NotNamed(Strict):
    """A body of the organization vocabulary that this version of the text does not name.

    A reconstruction of an older version says so of a body a later version added (DSP4003 1.1 and the
    Alliance Committee, which 1.2.0 "Added ... explicitly"): no approval is ever given to it by reading a
    register's words with the vocabulary, and the output says why.
    """

    body: str = Field(min_length=1, description="The body's name in the organization vocabulary.")
    citation: Citation
    interpretation: str | None = None


class ClassificationRule(Strict):
    """Maps a register change record to a change kind (or to ``editorial``: no approval)."""

    id: str = Field(pattern=RULE_ID_PATTERN)
    description: str | None = None
    when: dict[str, Condition] = Field(min_length=1)
    kind: str = Field(pattern=ID_PATTERN, description='A change kind id, or "editorial".')
    priority: int = 0
    citation: Citation
    interpretation: str | None = None

    @field_validator("when")
    @classmethod
    def _field_names(cls, value: dict[str, Condition]) -> dict[str, Condition]:
        for key in value:
            if not re.match(ID_PATTERN, key):
                raise ValueError(f"condition field {key!r} must be a snake_case name")
        return value


class Policy(Strict):
    """One version of a process document, as a cited policy graph."""

    policy: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description='Policy name, e.g. "dsp4003".')
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    title: str = Field(min_length=1)
    source: Source
    provenance: Provenance = Provenance()
    roles: tuple[Role, ...] = Field(min_length=1)
    vocabulary: str | None = Field(
        default=None, pattern=ID_PATTERN,
        description="The organization vocabulary that names the bodies of this process (policies/vocabulary/"
        "NAME.yaml, e.g. dmtf): --committee and --originating names are checked against it. Without it, "
        "names are taken as given.",
    )
    not_named: tuple[NotNamed, ...] = Field(
        default=(), description="Bodies of the organization vocabulary this version does not name: a register's "
        "words never bring them in as approvers.",
    )
    phases: tuple[Phase, ...] = Field(
        min_length=1, description="The phases of the process, in order; every step names one of them."
    )
    steps: tuple[Step, ...] = Field(min_length=1)
    precedence: tuple[Precedence, ...] = ()
    parallel: tuple[Parallel, ...] = ()
    change_kinds: tuple[ChangeKind, ...] = Field(min_length=1)
    review_cycle: ReviewCycle | None = None
    removal_triggers: tuple[RemovalTrigger, ...] = ()
    classification: tuple[ClassificationRule, ...] = ()
    outcomes: tuple[OutcomeNote, ...] = Field(
        default=(), description="What follows a rejected or withdrawn gate, or that the source does not say."
    )

    @field_validator("outcomes")
    @classmethod
    def _one_note_per_outcome(cls, value: tuple[OutcomeNote, ...]) -> tuple[OutcomeNote, ...]:
        seen = [note.outcome for note in value]
        for outcome in set(seen):
            if seen.count(outcome) > 1:
                raise ValueError(f"outcome '{outcome}' is described more than once")
        return value

    @property
    def ref(self) -> str:
        """The policy's address, ``NAME@VERSION``."""
        return f"{self.policy}@{self.version}"


def iter_citations(node: object, path: str = "policy") -> Iterator[tuple[str, Citation]]:
    """Every citation in a policy (or part of one), with its field path."""
    if isinstance(node, Citation):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_citations(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from iter_citations(item, f"{path}[{index}]")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file, for YAML editors (``workreg schema``)."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "workreg policy"
    return schema
