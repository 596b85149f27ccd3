"""Properties of decisions: combining change kinds is a union, and stages respect every precedence."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings, strategies as st

from workreg.policy.decide import decide
from workreg.policy.load import load_policy
from workreg.policy.model import KIND_STRENGTH
from workreg.policy.registry import get_policy
from tests.conftest import SHIPPED_POLICY

POLICY = get_policy("dsp4003@1.2.0")
SOURCE = load_policy(SHIPPED_POLICY)
KINDS = {kind.id: kind for kind in SOURCE.change_kinds}


def precedes(kinds) -> nx.DiGraph:
    """The order that applies to these change kinds (edges scoped to them or to none, and their own
    readings), reachable through any chain of steps (not only direct edges)."""
    edges = [(e.before, e.after) for e in SOURCE.precedence if not e.applies_to or set(e.applies_to) & set(kinds)]
    edges += [(e.before, e.after) for kind in kinds for e in KINDS[kind].order]
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(step.id for step in SOURCE.steps)
    return nx.transitive_closure_dag(graph)

kind_sets = st.sets(st.sampled_from(POLICY.kinds), min_size=1)
committees = st.lists(st.sampled_from(["PMCI Working Group", "SPDM Working Group", "Redfish Forum"]),
                      unique=True, max_size=3)


@settings(max_examples=300, deadline=None)
@given(kind_sets)
def test_combination_is_the_union_of_single_kinds(kinds):
    combined = decide(POLICY, kinds)
    singles = [decide(POLICY, [kind]) for kind in kinds]
    expected_gates: dict[str, str] = {}
    for single in singles:
        for item in single.required:
            known = expected_gates.get(item.gate)
            if known is None or KIND_STRENGTH[item.kind] > KIND_STRENGTH[known]:
                expected_gates[item.gate] = item.kind
    assert {i.gate: i.kind for i in combined.required} == expected_gates
    required_approvers = {i.approver for i in combined.required}
    assert {n.approver for n in combined.not_required} == {
        n.approver for s in singles for n in s.not_required if n.approver not in required_approvers
    }
    assert {u.topic for u in combined.unspecified} == {u.topic for s in singles for u in s.unspecified}
    assert {s.step for s in combined.steps} == {s.step for single in singles for s in single.steps}


@settings(max_examples=300, deadline=None)
@given(kind_sets, committees)
def test_stages_respect_every_precedence(kinds, names):
    decision = decide(POLICY, kinds, committees=names)
    order = precedes(kinds)
    stage_of = {gate: i for i, stage in enumerate(decision.stages) for gate in stage}
    pending = [i.gate for i in decision.required if i.satisfied_by is None]
    base = {gate: gate.split(":")[0] for gate in pending}
    for a in stage_of:
        for b in stage_of:
            if order.has_edge(base[a], base[b]):
                assert stage_of[a] < stage_of[b], (a, b)
    # A gate left out of the stages is one no order relates to any other gate of the decision.
    for a in decision.unordered:
        assert not any(order.has_edge(base[a], base[b]) or order.has_edge(base[b], base[a])
                       for b in pending if b != a), a
    # Each gate still to pass is in exactly one stage or unordered; satisfied ones in neither.
    assert sorted(pending) == sorted([*stage_of, *decision.unordered])
    assert not set(stage_of) & set(decision.unordered)


@settings(max_examples=100, deadline=None)
@given(kind_sets)
def test_change_order_does_not_matter(kinds):
    forward = decide(POLICY, sorted(kinds))
    backward = decide(POLICY, sorted(kinds, reverse=True))
    assert forward.to_dict() == backward.to_dict()
