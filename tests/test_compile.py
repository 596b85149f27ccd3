"""The lazy compiler decides every combination exactly as the eager networkx compiler did.

The reference (tests/reference_decisions.py) is workreg 0.2's compiler: networkx's closure,
topological generations, transitive reduction and shortest paths.  The lazy compiler must give
the same Decision for every combination of the shipped policies and of generated ones, with
either of its two strategies, with and without named committees and originating committee.
"""

from __future__ import annotations

import gc
import itertools
import json
import random
import weakref

import pytest
from hypothesis import given, settings, strategies as st

from workreg.policy.compile import compile_policy, topological_order
from workreg.policy.compiled import FORM_FORMAT
from workreg.policy.decide import CompiledPolicy
from workreg.policy.load import load_policy, load_policy_text
from workreg.policy.registry import discover
from tests.generated_policies import chained_policy, policy_yaml, random_policy
from tests.reference_decisions import ReferenceDecider

#: (committees, originating) asked of every combination: none, per-committee gates, a body named
#: twice (one approval satisfies the other), and another originating committee.
ASKS = [
    ((), None),
    (("SPDM Working Group", "Alliance Committee"), None),
    (("Body 2", "Body 3 One"), "Body 1 Own"),
    (("Alliance Committee",), "Alliance Committee"),
]


def _compiled(policy) -> CompiledPolicy:
    # Through JSON, as the cache stores it.
    return CompiledPolicy.from_json(json.loads(json.dumps(compile_policy(policy).to_json())))


def _assert_same(compiled: CompiledPolicy, reference: ReferenceDecider, combos) -> int:
    count = 0
    for combo in combos:
        for committees, originating in ASKS:
            got = compiled.decide(combo, committees, originating)
            want = reference.decide(combo, committees, originating)
            assert got.to_dict() == want.to_dict(), (combo, committees, originating)
            assert got == want
            count += 1
    return count


def _all_combinations(kinds):
    return [c for n in range(1, len(kinds) + 1) for c in itertools.combinations(kinds, n)]


@pytest.mark.parametrize("found", discover(), ids=lambda f: f.ref)
def test_every_combination_of_the_shipped_policies(found):
    policy = load_policy(found.path)
    compiled = _compiled(policy)
    combos = _all_combinations(compiled.kinds)
    assert _assert_same(compiled, ReferenceDecider(policy), combos) == len(combos) * len(ASKS)


@pytest.mark.parametrize("found", discover(), ids=lambda f: f.ref)
def test_a_policy_no_one_holds_is_freed_without_the_cycle_collector(found):
    # A server swaps policies; one it drops should go at once, not wait for a full collection.
    compiled = _compiled(load_policy(found.path)).prepare()
    for combo in _all_combinations(compiled.kinds)[:64]:
        for committees, originating in ASKS:
            compiled.decide(combo, committees, originating)
    held = weakref.ref(compiled)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del compiled
        assert held() is None
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize("seed", range(40))
def test_every_combination_of_small_generated_policies(seed):
    rng = random.Random(seed)
    data = random_policy(kinds=rng.randint(1, 6), steps=rng.randint(2, 30), edges=rng.randint(0, 60), seed=seed,
                         roles=rng.randint(4, 6), requires_per_kind=rng.randint(1, 8))
    policy = load_policy_text(policy_yaml(data), f"generated-{seed}.yaml")
    compiled = _compiled(policy)
    _assert_same(compiled, ReferenceDecider(policy), _all_combinations(compiled.kinds))


@pytest.mark.parametrize("seed", range(30))
def test_every_combination_of_generated_policies_with_scoped_order(seed):
    """Edges scoped to change kinds, the policy's readings, kinds' own orders and parallel groups:
    the order that applies, whether the text states it, unordered gates and why a stage's gates
    share it, decided lazily exactly as networkx decides them over the edges that apply."""
    rng = random.Random(500 + seed)
    data = random_policy(kinds=rng.randint(1, 5), steps=rng.randint(2, 24), edges=rng.randint(0, 40), seed=seed,
                         roles=rng.randint(4, 6), requires_per_kind=rng.randint(1, 8), scoped=True)
    policy = load_policy_text(policy_yaml(data), f"scoped-{seed}.yaml")
    compiled = _compiled(policy)
    _assert_same(compiled, ReferenceDecider(policy), _all_combinations(compiled.kinds))


@pytest.mark.parametrize("seed", range(3))
def test_sampled_combinations_of_a_large_generated_policy(seed):
    policy = load_policy_text(policy_yaml(random_policy(64, 300, 600, seed=seed)), "large.yaml")
    compiled = _compiled(policy)
    rng = random.Random(seed)
    combos = [tuple(rng.sample(compiled.kinds, rng.randint(1, 8))) for _ in range(40)]
    _assert_same(compiled, ReferenceDecider(policy), combos)


@pytest.mark.parametrize("seed", range(25))
def test_both_strategies_agree(seed):
    """Pairwise over the decision's steps and one pass over the graph give the same combination."""
    from workreg.policy.combine import combine

    rng = random.Random(1000 + seed)
    data = random_policy(kinds=5, steps=rng.randint(2, 40), edges=rng.randint(0, 80), seed=seed,
                         requires_per_kind=rng.randint(1, 12))
    compiled = _compiled(load_policy_text(policy_yaml(data), "g.yaml"))
    is_gate = {s: info.gate for s, info in compiled.steps.items()}
    actor = {s: info.actor for s, info in compiled.steps.items()}
    for combo in _all_combinations(compiled.kinds):
        rules = {kind: compiled.kind_rules(kind) for kind in combo}
        results = [combine(combo, rules, is_gate, actor, compiled.precedence, pairwise) for pairwise in (True, False)]
        # The keys under which the policy shares a combination's parts are not part of its meaning.
        fast = compiled.combination(combo)._replace(gates_key=None, steps_key=None)
        assert results[0] == results[1] == fast, combo


def test_a_long_chain_matches_the_reference():
    policy = load_policy_text(policy_yaml(chained_policy(steps=90, kinds=3)), "chain.yaml")
    compiled = _compiled(policy)
    _assert_same(compiled, ReferenceDecider(policy), _all_combinations(compiled.kinds))
    decision = compiled.decide(compiled.kinds)
    assert len(decision.stages) == 60  # two gates of every three steps, one after the other


def test_a_chain_of_two_thousand_steps():
    """2,000 chained steps: compiled once, a decision of every gate in order, without networkx."""
    policy = load_policy_text(policy_yaml(chained_policy(steps=2000, kinds=8)), "chain.yaml")
    compiled = _compiled(policy)
    decision = compiled.decide(compiled.kinds)
    gates = [f"step_{i}" for i in range(2000) if i % 3 != 2]
    assert [stage for (stage,) in decision.stages] == gates
    assert [(edge.before, edge.after) for edge in decision.order] == list(zip(gates, gates[1:]))
    # The edge from step 1 to step 3 passes through the action step 2: both clauses cite it.
    assert [c.section for c in decision.order[1].citations] == ["4.1", "4.2"]
    assert [item.step for item in decision.steps] == [f"step_{i}" for i in range(2, 2000, 3)]


def test_compiled_form_is_linear_not_every_combination():
    policy = load_policy_text(policy_yaml(random_policy(64, 300, 600, seed=7)), "large.yaml")
    form = compile_policy(policy)
    assert form.format == FORM_FORMAT
    assert [kind.id for kind in form.kinds] == [kind.id for kind in policy.change_kinds]
    assert len(form.precedence) == len(policy.precedence)
    assert len(json.dumps(form.to_json())) < 600_000  # 2^64 - 1 combinations are never written down


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30))
def test_topological_order_respects_every_edge_or_reports_a_cycle(size, pairs):
    steps = [f"s{i}" for i in range(size)]
    edges = [(steps[a % size], steps[b % size]) for a, b in pairs if a % size != b % size]
    order = topological_order(steps, edges)
    import networkx as nx

    graph = nx.DiGraph(edges)
    graph.add_nodes_from(steps)
    if order is None:
        assert not nx.is_directed_acyclic_graph(graph)
    else:
        position = {step: i for i, step in enumerate(order)}
        assert sorted(order) == sorted(steps)
        assert all(position[a] < position[b] for a, b in edges)


def test_decisions_are_memoised_and_the_memo_is_bounded(monkeypatch):
    from workreg.policy import decide as decide_module

    compiled = _compiled(load_policy_text(policy_yaml(random_policy(10, 30, 40, seed=3)), "g.yaml"))
    first = compiled.decide(["kind_1", "kind_2"])
    assert compiled.decide(["kind_2", "kind_1", "kind_2"]) is first
    monkeypatch.setattr(decide_module, "MAX_MEMO", 4)
    for kind in compiled.kinds:
        compiled.decide([kind])
    assert len(compiled._memo) <= 4
    assert compiled.decide(["kind_1", "kind_2"]) == first


def test_many_change_kinds_compile_and_check(tmp_path):
    """No limit on change kinds: 64 kinds compile, check clean, and answer for any five."""
    from workreg.cli import main

    folder = tmp_path / "generated"
    folder.mkdir()
    (folder / "1.0.yaml").write_text(policy_yaml(random_policy(64, 300, 600, seed=0)))
    assert main(["check", str(folder / "1.0.yaml")]) == 0
    assert main(["approvals", "--policy-dir", str(tmp_path), "--policy", "generated@1.0", "--format", "json",
                 "kind_0", "kind_1", "kind_2", "kind_3", "kind_4"]) == 0


def test_compiling_needs_no_networkx():
    """Uncached, a query validates (pydantic) and compiles the policy, but networkx is never imported."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from workreg.cli import main; main(['approvals', 'scope_extension']); "
            "print('networkx' in sys.modules, 'pydantic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "WORKREG_CACHE_DIR": "off"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False True"
