"""The one place the analysis reads a compiled policy: every fact it reasons from, as frozen values.

Everything in :mod:`workreg.analysis` (and the complete ``compare``) works on a
:class:`PolicyFacts`, never on the compiled policy itself, so that a change in how the compiled
form stores its parts touches this module alone: one small function per fact below.

The facts are the ones a combination's decision is made of (see :mod:`workreg.policy.combine`):

- per change kind, the steps it requires with the approval kind it needs there, the approvers it
  says are not required, the points it leaves open, and the order it reads in itself (``order``);
- per step, whether it is a gate (an approval) and who performs it;
- the precedence edges, each with the change kinds it is scoped to (``applies_to``; none: every
  combination), and the parallel groups with theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workreg.policy.decision import KIND_STRENGTH, Citation

if TYPE_CHECKING:
    from workreg.policy.combine import Combination
    from workreg.policy.decide import CompiledPolicy


@dataclass(frozen=True)
class Requirement:
    """A step a change kind requires, with the approval kind it needs there and the clause."""

    kind: str  # the change kind
    step: str
    approval: str  # ballot, approval, acknowledgement (or the step's own kind for an action)
    citation: Citation

    @property
    def strength(self) -> int:
        return KIND_STRENGTH.get(self.approval, 0)


@dataclass(frozen=True)
class NotRequired:
    """A change kind's statement that an approver is not required."""

    kind: str
    approver: str
    citation: Citation


@dataclass(frozen=True)
class OrderEdge:
    """``before`` completes before ``after`` in every combination that includes one of ``scope``.

    ``scope`` is empty for an edge that orders every combination; a precedence edge's
    ``applies_to``; a change kind's own ``order`` entry has that kind alone (``own`` names it).
    """

    before: str
    after: str
    scope: frozenset[str]
    citation: Citation
    interpretation: str | None
    own: str | None = None  # the change kind whose own order this is

    def applies(self, kinds: frozenset[str] | set[str]) -> bool:
        return not self.scope or not self.scope.isdisjoint(kinds)


@dataclass(frozen=True)
class ParallelGroup:
    """Steps the policy lets run together, in the combinations that include one of ``scope`` (empty: all)."""

    steps: tuple[str, ...]
    scope: frozenset[str]
    condition: str | None
    citation: Citation


@dataclass(frozen=True)
class PolicyFacts:
    """What the analysis reasons from, read once from a compiled policy."""

    ref: str
    document: str  # the published text, "DSP4003 1.2.0"
    kinds: tuple[str, ...]  # in policy order
    kind_titles: dict[str, str]
    kind_citations: dict[str, Citation]
    steps: tuple[str, ...]  # in file order
    step_titles: dict[str, str]
    gates: frozenset[str]
    actors: dict[str, str]  # step -> role
    role_names: dict[str, str]
    role_aliases: dict[str, tuple[str, ...]]
    role_defaults: dict[str, str | None]  # role -> the role that fills it by default
    requirements: dict[str, tuple[Requirement, ...]]  # per change kind
    not_required: dict[str, tuple[NotRequired, ...]]  # per change kind
    unspecified: dict[str, tuple[str, ...]]  # per change kind: the topics it leaves open
    requires_none: dict[str, Citation | None]  # per change kind: where the text says it needs nothing
    edges: tuple[OrderEdge, ...]  # precedence edges, then the kinds' own orders
    parallel: tuple[ParallelGroup, ...]
    topological: tuple[str, ...]  # an order of the steps every edge respects

    def requiring(self, step: str) -> tuple[Requirement, ...]:
        """Every requirement of ``step``, over all change kinds, in policy order."""
        return tuple(r for kind in self.kinds for r in self.requirements[kind] if r.step == step)

    def gates_of(self, role: str) -> tuple[str, ...]:
        """The gates ``role`` performs, in file order."""
        return tuple(step for step in self.steps if step in self.gates and self.actors[step] == role)


# -- one function per fact of the compiled form ----------------------------------------------------
# The compiled form is typed (:mod:`workreg.policy.compiled`, read through ``CompiledPolicy.form``);
# these functions are the only readers of it in the analysis.

def citation_at(policy: "CompiledPolicy", index: int) -> Citation:
    """The citation a decision refers to by index (``Combination`` items carry indexes)."""
    return policy.citation(index)


_citation = citation_at


def _kind(policy: "CompiledPolicy", kind: str):
    return next(info for info in policy.form.kinds if info.id == kind)


def read_kinds(policy: "CompiledPolicy") -> tuple[str, ...]:
    return tuple(policy.kinds)


def read_kind_titles(policy: "CompiledPolicy") -> dict[str, str]:
    return dict(policy.kind_titles)


def read_kind_citations(policy: "CompiledPolicy") -> dict[str, Citation]:
    return {info.id: _citation(policy, info.citation) for info in policy.form.kinds}


def read_requirements(policy: "CompiledPolicy", kind: str) -> tuple[Requirement, ...]:
    return tuple(Requirement(kind, r.step, r.kind, _citation(policy, r.citation)) for r in _kind(policy, kind).requires)


def read_not_required(policy: "CompiledPolicy", kind: str) -> tuple[NotRequired, ...]:
    return tuple(NotRequired(kind, n.approver, _citation(policy, n.citation)) for n in _kind(policy, kind).not_required)


def read_unspecified(policy: "CompiledPolicy", kind: str) -> tuple[str, ...]:
    return tuple(point.topic for point in _kind(policy, kind).unspecified)


def read_requires_none(policy: "CompiledPolicy", kind: str) -> Citation | None:
    index = _kind(policy, kind).requires_none
    return None if index is None else _citation(policy, index)


def read_precedence(policy: "CompiledPolicy") -> tuple[OrderEdge, ...]:
    return tuple(
        OrderEdge(e.before, e.after, frozenset(e.applies_to), _citation(policy, e.citation), e.interpretation)
        for e in policy.form.precedence
    )


def read_own_order(policy: "CompiledPolicy", kind: str) -> tuple[OrderEdge, ...]:
    return tuple(
        OrderEdge(o.before, o.after, frozenset((kind,)), _citation(policy, o.citation), o.interpretation, own=kind)
        for o in _kind(policy, kind).order
    )


def read_parallel(policy: "CompiledPolicy") -> tuple[ParallelGroup, ...]:
    return tuple(
        ParallelGroup(tuple(g.steps), frozenset(g.applies_to), g.condition, _citation(policy, g.citation))
        for g in policy.form.parallel
    )


def read_topological(policy: "CompiledPolicy") -> tuple[str, ...]:
    return tuple(policy.form.topological_order)


def read_document(policy: "CompiledPolicy") -> str:
    source = policy.form.source
    return f"{source.document} {source.version}"


def combination(policy: "CompiledPolicy", kinds) -> "Combination":
    """The committee-independent decision the engine gives for these change kinds."""
    return policy.combination(kinds)


def facts_of(policy: "CompiledPolicy") -> PolicyFacts:
    """The facts of a compiled policy (memoised on it: a policy's facts never change)."""
    cached = getattr(policy, "_analysis_facts", None)
    if cached is not None:
        return cached
    kinds = read_kinds(policy)
    steps = {step.id: step for step in policy.form.steps}
    roles = {role.id: role for role in policy.form.roles}
    facts = PolicyFacts(
        ref=policy.ref,
        document=read_document(policy),
        kinds=kinds,
        kind_titles=read_kind_titles(policy),
        kind_citations=read_kind_citations(policy),
        steps=tuple(steps),
        step_titles={step: info.title for step, info in steps.items()},
        gates=frozenset(step for step, info in steps.items() if info.gate),
        actors={step: info.actor for step, info in steps.items()},
        role_names={role: info.name for role, info in roles.items()},
        role_aliases={role: tuple(info.aliases) for role, info in roles.items()},
        role_defaults={role: info.default for role, info in roles.items()},
        requirements={kind: read_requirements(policy, kind) for kind in kinds},
        not_required={kind: read_not_required(policy, kind) for kind in kinds},
        unspecified={kind: read_unspecified(policy, kind) for kind in kinds},
        requires_none={kind: read_requires_none(policy, kind) for kind in kinds},
        edges=read_precedence(policy) + tuple(edge for kind in kinds for edge in read_own_order(policy, kind)),
        parallel=read_parallel(policy),
        topological=read_topological(policy),
    )
    try:
        policy._analysis_facts = facts  # type: ignore[attr-defined]
    except AttributeError:  # a frozen compiled form: no memo, the facts are cheap to read again
        pass
    return facts
