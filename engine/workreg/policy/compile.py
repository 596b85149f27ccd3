"""Compile a policy into its compiled form: what each change kind says, and the order of steps.

Compiling is linear in the size of the policy: per change kind its requirements (with the
approval kind resolved), the approvers it does not need and the points it leaves open; the
precedence edges with their citations and a topological order of the steps (a cycle is an
error here, once).  No combination of change kinds is decided here: :mod:`workreg.policy.combine`
derives a combination's decision on first use, and :class:`workreg.policy.decide.CompiledPolicy`
memoises it.  The result is a :class:`workreg.policy.compiled.PolicyForm` (typed, frozen; the
cache stores its JSON arrays); this module needs the validated pydantic model but not networkx.
"""

from __future__ import annotations

from types import MappingProxyType

from workreg.errors import PolicyError
from workreg.policy.compiled import (
    FORM_FORMAT, AlsoByInfo, ClassificationInfo, EdgeInfo, EffectiveInfo, KindInfo, NotRequiredInfo, ParallelInfo,
    NotNamedInfo, PhaseInfo, PolicyForm, ProvenanceInfo, RequirementInfo, ReviewCycleInfo, RoleInfo, SourceInfo,
    StepInfo, UnspecifiedInfo,
)
from workreg.policy.model import Citation, Policy
from workreg.policy.order import all_order_edges, topological_order


class _Citations:
    """Interns citations so the compiled form stores each once."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def ref(self, citation: Citation) -> int:
        key = (citation.section, citation.quote)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append((citation.section, citation.quote))
        return self._index[key]


def compile_policy(policy: Policy, *, file: str = "<policy>") -> PolicyForm:
    """The compiled form of a policy (see :mod:`workreg.policy.compiled` for its fields)."""
    step_ids = [step.id for step in policy.steps]
    # One topological order for every combination: every edge, scoped or a change kind's own
    # reading, so that the edges any combination uses respect it.
    topological = topological_order(step_ids, all_order_edges(policy))
    if topological is None:
        from workreg.policy.graph import cycle_error

        raise cycle_error(policy, file)
    citations = _Citations()
    steps = {step.id: step for step in policy.steps}
    source = policy.source
    effective = source.effective
    cycle = policy.review_cycle
    return PolicyForm(
        format=FORM_FORMAT, ref=policy.ref, policy=policy.policy, version=policy.version, title=policy.title,
        source=SourceInfo(
            source.document, source.title, source.version, source.date, source.status,
            None if effective is None else EffectiveInfo(
                effective.date, effective.citation.section, effective.citation.quote, effective.interpretation),
        ),
        provenance=ProvenanceInfo(
            policy.provenance.kind, policy.provenance.note,
            tuple(citations.ref(c) for c in policy.provenance.basis), policy.provenance.quotes_from,
        ),
        roles=tuple(
            RoleInfo(role.id, role.name, role.default, role.per_name, role.designated or role.default is not None,
                     tuple(role.aliases), role.interpretation)
            for role in policy.roles
        ),
        steps=tuple(
            StepInfo(step.id, step.title, step.actor, step.kind, step.phase, step.optional, step.is_gate,
                     step.interpretation,
                     tuple(AlsoByInfo(other.role, other.qualifier, citations.ref(other.citation))
                           for other in step.also_by),
                     step.records, citations.ref(step.citation))
            for step in policy.steps
        ),
        phases=tuple(PhaseInfo(phase.id, phase.title) for phase in policy.phases),
        vocabulary=policy.vocabulary,
        review_cycle=None if cycle is None else ReviewCycleInfo(
            cycle.interval_months, cycle.strength, cycle.performed_by, cycle.coordinated_by,
            citations.ref(cycle.citation)),
        # Per change kind: what it requires (the approval kind resolved), does not need, leaves open,
        # and where the text gives no order, its own reading (always an interpretation).
        kinds=tuple(
            KindInfo(
                kind.id, kind.title, citations.ref(kind.citation), tuple(kind.phrases),
                tuple(RequirementInfo(r.step, r.kind or steps[r.step].kind, citations.ref(r.citation), r.interpretation)
                      for r in kind.requirements),
                tuple(NotRequiredInfo(n.approver, citations.ref(n.citation)) for n in kind.not_required),
                tuple(UnspecifiedInfo(u.topic, u.text, citations.ref(u.citation)) for u in kind.unspecified),
                tuple(EdgeInfo(o.before, o.after, citations.ref(o.citation), (kind.id,), o.interpretation, o.condition)
                      for o in kind.order),
                # Where the source says the kind needs no approval at all ("requires: none").
                citations.ref(kind.requires_none_citation)
                if kind.requires == "none" and kind.requires_none_citation else None,
            )
            for kind in policy.change_kinds
        ),
        parallel=tuple(
            ParallelInfo(tuple(group.steps), group.condition, citations.ref(group.citation), tuple(group.applies_to),
                         group.interpretation)
            for group in policy.parallel
        ),
        classification=tuple(
            ClassificationInfo(
                rule.id, rule.description, MappingProxyType(dict(rule.when)), rule.kind, rule.priority,
                citations.ref(rule.citation), rule.interpretation,
            )
            for rule in policy.classification
        ),
        # The precedence graph: its edges in file order and a topological order of every step.
        precedence=tuple(
            EdgeInfo(edge.before, edge.after, citations.ref(edge.citation), tuple(edge.applies_to),
                     edge.interpretation, edge.condition)
            for edge in policy.precedence
        ),
        topological_order=tuple(topological),
        citations=tuple(citations.items),
        # Bodies of the vocabulary this version does not name (a reconstruction of an older text).
        not_named=tuple(NotNamedInfo(entry.body, citations.ref(entry.citation), entry.interpretation)
                        for entry in policy.not_named),
    )
