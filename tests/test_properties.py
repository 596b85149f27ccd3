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
# The order the text gives, reachable through any chain of steps (not only direct edges).
PRECEDES = nx.transitive_closure_dag(nx.DiGraph((e.before, e.after) for e in SOURCE.precedence))

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
    stage_of = {gate: i for i, stage in enumerate(decision.stages) for gate in stage}
    base = {gate: gate.split(":")[0] for gate in stage_of}
    for a in stage_of:
        for b in stage_of:
            if PRECEDES.has_edge(base[a], base[b]):
                assert stage_of[a] < stage_of[b], (a, b)
    # Each gate still to pass is in exactly one stage; satisfied ones in none.
    pending = [i.gate for i in decision.required if i.satisfied_by is None]
    assert sorted(pending) == sorted(stage_of)


@settings(max_examples=100, deadline=None)
@given(kind_sets)
def test_change_order_does_not_matter(kinds):
    forward = decide(POLICY, sorted(kinds))
    backward = decide(POLICY, sorted(kinds, reverse=True))
    assert forward.to_dict() == backward.to_dict()
