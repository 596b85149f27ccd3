"""The compiled policy as typed, frozen values: what :mod:`workreg.policy.compile` produces, the
cache stores (as JSON arrays) and :class:`workreg.policy.decide.CompiledPolicy` answers from.

Nothing outside ``workreg.policy`` reads the compiled form by key: callers use these named fields
or the accessors of :class:`~workreg.policy.decide.CompiledPolicy` (``role``, ``step``, ``kind``,
``gate_approver``, ``kind_title``, ``kind_citation``, ``source``, ...).

Every value is a named tuple (immutable, cheap to build: no ``dataclasses`` import on a query's
path), sequences are tuples and the few maps are read-only (:class:`types.MappingProxyType`).
A clause is stored once, in :attr:`PolicyForm.citations`, and referred to by its index (an
``int`` field named ``citation``); :meth:`~workreg.policy.decide.CompiledPolicy.citation` turns an
index into a :class:`~workreg.policy.decision.Citation`.

The parts, by field:

``PolicyForm``
    ``format`` (:data:`FORM_FORMAT`), ``ref`` (``NAME@VERSION``), ``policy`` (the name),
    ``version``, ``title``, ``source`` (:class:`SourceInfo`), ``provenance``
    (:class:`ProvenanceInfo`), ``roles`` (:class:`RoleInfo`, file order), ``steps``
    (:class:`StepInfo`, file order), ``phases`` (:class:`PhaseInfo`), ``vocabulary`` (the
    organization vocabulary the policy names bodies from, or None), ``review_cycle``
    (:class:`ReviewCycleInfo` or None), ``kinds`` (:class:`KindInfo`, file order: each change
    kind's title, clause, phrases, requirements, "not required" approvers, open points and own
    order), ``parallel`` (:class:`ParallelInfo`), ``classification`` (:class:`ClassificationInfo`),
    ``precedence`` (:class:`EdgeInfo`, file order), ``topological_order`` (every step id, in an
    order every edge respects), ``citations`` (``(section, quote)`` pairs), ``not_named``
    (:class:`NotNamedInfo`: vocabulary bodies this version does not name).
``EdgeInfo``
    ``before`` precedes ``after``, by clause ``citation``; ``applies_to`` the change kinds the
    edge is stated for (empty: all), ``interpretation`` (None when the text states it),
    ``condition``.  A change kind's own ``order`` uses the same value, ``applies_to`` its own id.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, NamedTuple

#: The layout of the compiled form; bump when it or the meaning of a field changes.
#: 5: typed named tuples (arrays in JSON) instead of a keyed dict.
#: 6: ``requires_none`` per kind, ``not_named`` per policy.
FORM_FORMAT = 6

Json = Any  # what json.loads returns


class EffectiveInfo(NamedTuple):
    """When a policy version took effect, and the clause that says so."""

    date: str
    section: str
    quote: str
    interpretation: str | None


class SourceInfo(NamedTuple):
    """The document a policy encodes: ``document`` ``version`` (e.g. DSP4003 1.2.0)."""

    document: str
    title: str
    version: str
    date: str | None
    status: str | None
    effective: EffectiveInfo | None

    @property
    def label(self) -> str:
        """``DSP4003 1.2.0``."""
        return f"{self.document} {self.version}"


class ProvenanceInfo(NamedTuple):
    """Published text or reconstruction; ``basis`` are citation indexes; ``quotes_from`` the text quoted."""

    kind: str
    note: str | None
    basis: tuple[int, ...]
    quotes_from: str | None


class RoleInfo(NamedTuple):
    """A role: its ``name``, the role that fills it by ``default`` (or None), one gate ``per_name``d
    body, whether the filling body is ``designated`` per register, other names (``aliases``) and
    the reading of who fills it by default (``interpretation``)."""

    id: str
    name: str
    default: str | None
    per_name: bool
    designated: bool
    aliases: tuple[str, ...]
    interpretation: str | None


class AlsoByInfo(NamedTuple):
    """Another role the text names as able to perform a step, how (``qualifier``), and the clause."""

    role: str
    qualifier: str | None
    citation: int


class StepInfo(NamedTuple):
    """A step: performed by ``actor`` (a role id), a ``gate`` when its ``kind`` is an approval kind;
    ``records`` the register section it records (or None)."""

    id: str
    title: str
    actor: str
    kind: str
    phase: str
    optional: bool
    gate: bool
    interpretation: str | None
    also_by: tuple[AlsoByInfo, ...]
    records: str | None
    citation: int


class PhaseInfo(NamedTuple):
    id: str
    title: str


class RequirementInfo(NamedTuple):
    """A step a change kind requires, with the approval ``kind`` it needs there (already resolved)."""

    step: str
    kind: str
    citation: int
    interpretation: str | None


class NotRequiredInfo(NamedTuple):
    """An approver (role id) a change kind explicitly does not need, and the clause."""

    approver: str
    citation: int


class UnspecifiedInfo(NamedTuple):
    """A point a change kind's text leaves open."""

    topic: str
    text: str
    citation: int


class EdgeInfo(NamedTuple):
    """``before`` precedes ``after`` (see the module docstring)."""

    before: str
    after: str
    citation: int
    applies_to: tuple[str, ...]
    interpretation: str | None
    condition: str | None


class KindInfo(NamedTuple):
    """What one change kind says."""

    id: str
    title: str
    citation: int
    phrases: tuple[str, ...]
    requires: tuple[RequirementInfo, ...]
    not_required: tuple[NotRequiredInfo, ...]
    unspecified: tuple[UnspecifiedInfo, ...]
    #: The kind's own reading of an order the text does not give (always an interpretation).
    order: tuple[EdgeInfo, ...]
    #: Where the source says the kind needs no approval at all (``requires: none``): its clause.
    requires_none: int | None = None


class NotNamedInfo(NamedTuple):
    """A body of the vocabulary this version of the text does not name (a reconstruction of an older text)."""

    body: str
    citation: int
    interpretation: str | None


class ParallelInfo(NamedTuple):
    """Steps the text lets run together (for ``applies_to`` kinds; empty: all), on ``condition``."""

    steps: tuple[str, ...]
    condition: str | None
    citation: int
    applies_to: tuple[str, ...]
    interpretation: str | None


class ClassificationInfo(NamedTuple):
    """A rule mapping a register change record to a change kind (``editorial``: none)."""

    id: str
    description: str | None
    when: Mapping[str, Any]
    kind: str
    priority: int
    citation: int
    interpretation: str | None


class ReviewCycleInfo(NamedTuple):
    interval_months: int
    strength: str
    performed_by: str
    coordinated_by: str | None
    citation: int


class PolicyForm(NamedTuple):
    """A compiled policy (see the module docstring for each field)."""

    format: int
    ref: str
    policy: str
    version: str
    title: str
    source: SourceInfo
    provenance: ProvenanceInfo
    roles: tuple[RoleInfo, ...]
    steps: tuple[StepInfo, ...]
    phases: tuple[PhaseInfo, ...]
    vocabulary: str | None
    review_cycle: ReviewCycleInfo | None
    kinds: tuple[KindInfo, ...]
    parallel: tuple[ParallelInfo, ...]
    classification: tuple[ClassificationInfo, ...]
    precedence: tuple[EdgeInfo, ...]
    topological_order: tuple[str, ...]
    citations: tuple[tuple[str, str], ...]
    not_named: tuple[NotNamedInfo, ...] = ()

    def to_json(self) -> Json:
        """The form as nested JSON arrays (field order as declared); :func:`form_from_json` reads it back."""
        return _plain(self)


def _plain(value: Any) -> Json:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _strings(items: Json) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise TypeError("expected a list of strings")
    return tuple(items)


def _pair(row: Json) -> tuple[str, str]:
    first, second = row
    return first, second


def _when(clauses: Json) -> Mapping[str, Any]:
    return MappingProxyType({key: tuple(value) if isinstance(value, list) else value for key, value in clauses.items()})


#: Reads a JSON value into the field's declared type.
Reader = Callable[[Json], Any]
#: Field types stored in JSON as they are read back.
_AS_STORED = frozenset({"str", "int", "bool", "str | None", "int | None"})
#: Field types with a reader of their own (a class's fields are read by their declared types: :func:`_field_reader`).
_READERS: dict[str, Reader] = {"tuple[str, ...]": _strings, "tuple[int, ...]": tuple, "tuple[tuple[str, str], ...]":
                               lambda rows: tuple(_pair(row) for row in rows), "Mapping[str, Any]": _when}
_ROW_READERS: dict[type, Reader] = {}


def _field_reader(annotation: str) -> Reader | None:
    """How to read a field declared ``annotation`` (a string: annotations are postponed); None: as stored."""
    if annotation in _AS_STORED:
        return None
    if annotation in _READERS:
        return _READERS[annotation]
    if annotation.endswith(" | None"):
        inner = _field_reader(annotation.removesuffix(" | None"))
        if inner is not None:
            return lambda value: None if value is None else inner(value)
    elif annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        item = _field_reader(annotation[len("tuple["):-len(", ...]")])
        if item is not None:
            return lambda rows: tuple(map(item, rows))
    else:
        value_class = globals().get(annotation)
        if isinstance(value_class, type) and issubclass(value_class, tuple) and hasattr(value_class, "_fields"):
            return _row_reader(value_class)
    raise TypeError(f"the compiled form has no reader for a field of type {annotation!r}")


def _row_reader(value_class: type[tuple[Any, ...]]) -> Reader:
    """A reader of one named tuple from its JSON array: every field by its declared type, the length checked."""
    reader = _ROW_READERS.get(value_class)
    if reader is not None:
        return reader
    # NamedTuple keeps a postponed annotation as a ForwardRef (or as the string, by Python version).
    declared = {name: str(getattr(annotation, "__forward_arg__", annotation))
                for name, annotation in value_class.__annotations__.items()}
    fields: tuple[str, ...] = getattr(value_class, "_fields")
    readers = [_field_reader(declared[name]) for name in fields]
    converted = [(index, field) for index, field in enumerate(readers) if field is not None]
    make = getattr(value_class, "_make")  # TypeError unless the row has exactly one value per field

    def read(row: Json) -> Any:
        if not isinstance(row, list):
            raise TypeError(f"expected a {value_class.__name__} as a JSON array")
        values = row.copy()
        for index, field in converted:
            values[index] = field(values[index])
        return make(values)

    _ROW_READERS[value_class] = read
    return read


def form_from_json(data: Json) -> PolicyForm:
    """The typed form from :meth:`PolicyForm.to_json`'s arrays; TypeError or ValueError when it does not fit."""
    return check_form(_form(data))


def check_form(form: PolicyForm) -> PolicyForm:
    """``form`` when every reference in it resolves (citations, steps, roles, kinds); else ValueError.

    Linear in the form; it keeps a payload that parses but does not hold together (another build's
    entry, an edit that kept the checksum) from failing later, in the middle of a decision.
    """
    citations = len(form.citations)
    steps = {step.id for step in form.steps}
    roles = {role.id for role in form.roles}
    kinds = {kind.id for kind in form.kinds}

    def cited(index: int) -> None:
        if not isinstance(index, int) or not 0 <= index < citations:
            raise ValueError(f"citation {index!r} out of range")

    def known(value: str, names: set[str], what: str) -> None:
        if value not in names:
            raise ValueError(f"unknown {what} {value!r}")

    for index in form.provenance.basis:
        cited(index)
    for role in form.roles:
        if role.default is not None:
            known(role.default, roles, "role")
    for step in form.steps:
        known(step.actor, roles, "role")
        cited(step.citation)
        for other in step.also_by:
            known(other.role, roles, "role")
            cited(other.citation)
    for entry in form.not_named:
        cited(entry.citation)
    for kind in form.kinds:
        cited(kind.citation)
        if kind.requires_none is not None:
            cited(kind.requires_none)
        for requirement in kind.requires:
            known(requirement.step, steps, "step")
            cited(requirement.citation)
        for point in kind.unspecified:
            cited(point.citation)
        for item in kind.not_required:
            cited(item.citation)
            known(item.approver, roles, "role")
    for edge in (*form.precedence, *(edge for kind in form.kinds for edge in kind.order)):
        known(edge.before, steps, "step")
        known(edge.after, steps, "step")
        cited(edge.citation)
        for kind_id in edge.applies_to:
            known(kind_id, kinds, "change kind")
    for group in form.parallel:
        cited(group.citation)
        for step_id in group.steps:
            known(step_id, steps, "step")
    for rule in form.classification:
        cited(rule.citation)
    if form.review_cycle is not None:
        cited(form.review_cycle.citation)
    if sorted(form.topological_order) != sorted(steps):
        raise ValueError("the topological order does not list every step once")
    return form


def _form(data: Json) -> PolicyForm:
    if not isinstance(data, list) or not data or data[0] != FORM_FORMAT:
        found = data[0] if isinstance(data, list) and data else None
        raise ValueError(f"compiled form format {found!r}; this workreg reads {FORM_FORMAT}")
    form: PolicyForm = _row_reader(PolicyForm)(data)
    return form
