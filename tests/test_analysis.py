"""``workreg analyze`` and the complete ``compare``: reasoning checked against enumeration.

Every answer the analysis gives by reasoning (properties, built-in checks, the combinations two
versions decide differently) is compared with enumerating every combination of generated
policies of up to 12 change kinds, decided by the engine itself.
"""

from __future__ import annotations

import itertools
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.generated_policies import random_policy
from workreg.analysis import analyze
from workreg.analysis.checks import run_checks
from workreg.analysis.facts import facts_of
from workreg.analysis.properties import Property, parse_properties
from workreg.analysis.reach import Reach
from workreg.analysis.reasoning import check_property
from workreg.errors import UsageError, WorkregError
from workreg.policy.compile import compile_policy
from workreg.policy.compiled import form_from_json
from workreg.policy.decide import CompiledPolicy
from workreg.policy.load import load_policy_text
from workreg.versions.compare import compare_all_decisions, decision_difference


def compiled(policy: dict) -> CompiledPolicy:
    import yaml

    model = load_policy_text(yaml.safe_dump(policy, sort_keys=False))
    return CompiledPolicy(form_from_json(json.loads(json.dumps(compile_policy(model).to_json()))))


def every_combination(kinds):
    for size in range(1, len(kinds) + 1):
        yield from itertools.combinations(kinds, size)


def required(policy: CompiledPolicy, combo) -> set[str]:
    entry = policy.combination(combo)
    return {item.step for item in entry.required} | {item.step for item in entry.steps}


def precedes(policy: CompiledPolicy, combo, before: str, after: str) -> bool:
    return policy.order_sources(policy.canonical_changes(combo)).applying.precedes(before, after)


def breaks(policy: CompiledPolicy, prop: Property, combo, targets) -> bool:
    """Whether ``combo`` breaks ``prop``, by the engine's own decision."""
    needed = required(policy, combo)
    if prop.expect == "requires":
        return not needed.intersection(targets[0])
    if prop.expect == "not_requires":
        return bool(needed.intersection(targets[0]))
    firsts, seconds = needed.intersection(targets[0]), needed.intersection(targets[1])
    return not any(precedes(policy, combo, a, b) for a in firsts for b in seconds)


def family(policy: CompiledPolicy, prop: Property):
    if prop.exactly is not None:
        return [tuple(k for k in policy.kinds if k in prop.exactly)]
    return [c for c in every_combination(policy.kinds)
            if set(prop.includes) <= set(c) and not set(prop.excludes) & set(c)]


def small_policy(kinds: int, seed: int) -> dict:
    return random_policy(kinds, steps=max(6, 2 * kinds), edges=3 * kinds, seed=seed, roles=4, requires_per_kind=3,
                         scoped=True)


@st.composite
def policies_and_properties(draw):
    kinds = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 10_000))
    policy = compiled(small_policy(kinds, seed))
    facts = facts_of(policy)
    names = list(facts.steps) + list(facts.role_names)
    props = []
    for index in range(draw(st.integers(1, 4))):
        exactly = None
        includes = tuple(draw(st.lists(st.sampled_from(policy.kinds), max_size=2, unique=True)))
        excludes = tuple(k for k in draw(st.lists(st.sampled_from(policy.kinds), max_size=2, unique=True))
                         if k not in includes)
        if draw(st.booleans()) and draw(st.booleans()):
            exactly, includes, excludes = tuple(draw(st.lists(st.sampled_from(policy.kinds), min_size=1, max_size=3,
                                                              unique=True))), (), ()
        if exactly is None and not set(policy.kinds) - set(excludes):
            excludes = ()
        expect = draw(st.sampled_from(["requires", "not_requires", "order"]))
        targets = tuple(draw(st.sampled_from(names)) for _ in range(2 if expect == "order" else 1))
        props.append(Property(f"p{index}", includes, excludes, exactly, expect, targets))
    return policy, props


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies_and_properties())
def test_properties_agree_with_enumeration(case):
    from workreg.analysis.reasoning import resolve_target

    policy, props = case
    facts = facts_of(policy)
    for prop in props:
        result = check_property(policy, prop)
        targets = [set(resolve_target(facts, name).steps) for name in prop.targets]
        breaking = [combo for combo in family(policy, prop) if breaks(policy, prop, combo, targets)]
        assert result.holds == (not breaking), (prop, result.why, breaking[:3])
        if breaking:
            counter = result.counterexample
            assert counter in breaking, (prop, counter)
            assert len(counter) == min(len(c) for c in breaking), (prop, counter, breaking[:3])
            assert result.decision["changes"] == list(counter)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 9), st.integers(0, 10_000))
def test_checks_agree_with_enumeration(kinds, seed):
    policy = compiled(small_policy(kinds, seed))
    facts = facts_of(policy)
    checks = {check.id: check for check in run_checks(facts)}
    combos = list(every_combination(policy.kinds))
    reaches = {combo: Reach(facts, combo) for combo in combos}
    needed = {combo: required(policy, combo) for combo in combos}
    # Gates no combination reaches.
    reached = set().union(*needed.values())
    unreachable = {f["steps"][0] for f in checks["unreachable-gate"].findings}
    assert unreachable == {g for g in facts.gates if g not in reached}
    # Order edges that order nothing in any combination they apply to.
    dead = {(f["steps"][0], f["steps"][1]) for f in checks["dead-order"].findings}
    idle = set()
    for edge in facts.edges:
        if not any(edge.applies(set(c)) and reaches[c].between(edge.before, edge.after, reaches[c].mask(needed[c]))
                   for c in combos):
            idle.add((edge.before, edge.after))
    assert dead == idle
    # Parallel groups an order separates in every combination they apply to.
    separated = {tuple(f["steps"]) for f in checks["separated-parallel"].findings}
    expected = set()
    for group in facts.parallel:
        applying = [c for c in combos if not group.scope or group.scope & set(c)]
        for i, a in enumerate(group.steps):
            for b in group.steps[i + 1:]:
                if applying and all(reaches[c].precedes(a, b) or reaches[c].precedes(b, a) for c in applying):
                    expected.add((a, b))
    assert separated == expected
    # Imported order: every finding is real (minimal witness orders the pair; the kind alone does not).
    for finding in checks["imported-order"].findings:
        a, b = finding["steps"]
        witness = tuple(finding["combination"])
        assert reaches[witness].precedes(a, b)
        owner = finding["message"].split()[0]  # the kind whose gates they are
        assert not reaches[(owner,)].precedes(a, b) and not reaches[(owner,)].precedes(b, a)
        for kind in witness:
            if kind != owner:  # minimal: without any other kind of it, the order is gone
                assert not Reach(facts, tuple(k for k in witness if k != kind)).precedes(a, b)


def mutated(policy: dict, seed: int) -> dict:
    """A second version: requirements and approval kinds changed, edges added, dropped and rescoped."""
    rng = random.Random(seed)
    new = json.loads(json.dumps(policy))
    new["version"] = "2.0"
    kinds = [k["id"] for k in new["change_kinds"]]
    gates = [s["id"] for s in new["steps"] if s["kind"] in ("ballot", "approval", "acknowledgement")]
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        kind = rng.choice(new["change_kinds"])
        if roll < 0.25 and isinstance(kind.get("requires"), list) and kind["requires"]:
            requirement = rng.choice(kind["requires"])
            if requirement["step"] in gates:
                requirement["kind"] = rng.choice(["ballot", "approval", "acknowledgement"])
        elif roll < 0.4 and isinstance(kind.get("requires"), list) and len(kind["requires"]) > 1:
            kind["requires"].pop(rng.randrange(len(kind["requires"])))
        elif roll < 0.6 and new["precedence"]:
            edge = rng.choice(new["precedence"])
            edge["applies_to"] = rng.sample(kinds, rng.randint(1, min(2, len(kinds))))
        elif roll < 0.7 and new["precedence"]:
            new["precedence"].pop(rng.randrange(len(new["precedence"])))
        elif roll < 0.78 and any(k.get("order") for k in new["change_kinds"]):
            owner = rng.choice([k for k in new["change_kinds"] if k.get("order")])
            owner["order"].pop()  # a kind's own reading of the order dropped
            if not owner["order"]:
                del owner["order"]
        elif roll < 0.84:
            step = rng.choice(new["steps"])  # another body performs a step
            step["actor"] = rng.choice([r["id"] for r in new["roles"]])
        else:  # an edge scoped to a third kind, in the existing order (no cycle)
            edge = dict(rng.choice(policy["precedence"])) if policy["precedence"] else None
            if edge:
                edge = {"before": edge["before"], "after": edge["after"], "applies_to": [rng.choice(kinds)],
                        "citation": {"section": "9", "quote": "New order."}}
                if (edge["before"], edge["after"]) not in {(e["before"], e["after"]) for e in new["precedence"]}:
                    new["precedence"].append(edge)
    _keep_gates_required(new)
    return new


def _keep_gates_required(policy: dict) -> None:
    """`check` wants every gate required by some kind; a dropped requirement may leave one out."""
    required = {r["step"] for k in policy["change_kinds"] if isinstance(k.get("requires"), list) for r in k["requires"]}
    for step in policy["steps"]:
        if step["kind"] in ("ballot", "approval", "acknowledgement") and step["id"] not in required:
            kind = next(k for k in policy["change_kinds"] if isinstance(k.get("requires"), list))
            kind["requires"].append({"step": step["id"], "citation": {"section": "9", "quote": "Needed."}})
            actor = step["actor"]
            kind["not_required"] = [n for n in kind.get("not_required", []) if n["approver"] != actor]
            if not kind["not_required"]:
                kind.pop("not_required")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 10), st.integers(0, 10_000), st.integers(0, 10_000))
def test_compare_finds_exactly_the_combinations_that_differ(kinds, seed, change):
    base = small_policy(kinds, seed)
    old, new = compiled(base), compiled(mutated(base, change))
    found = compare_all_decisions(old, new, listed=1 << kinds)
    differing = [c for c in every_combination(new.kinds) if decision_difference(old, new, c) is not None]
    assert found.exhaustive and found.differing == len(differing)
    assert sorted(d.changes for d in found.decisions) == sorted(differing)
    sizes = [len(d.changes) for d in found.decisions]
    assert sizes == sorted(sizes), "smallest first"


def three_kind_difference(kinds: int = 64) -> tuple[dict, dict]:
    """Two versions that differ only when three kinds meet: an order between a gate of kind_0 and a gate of
    kind_1 that applies only when kind_2 is present, added in the newer version."""
    base = random_policy(kinds, 300, 600, seed=11, scoped=True, roles=300)
    base["steps"] += [
        {"id": "gate_x", "title": "Gate X", "actor": "role_0", "kind": "approval", "phase": "approval",
         "citation": {"section": "9.1", "quote": "X approves."}},
        {"id": "gate_y", "title": "Gate Y", "actor": "role_2", "kind": "approval", "phase": "approval",
         "citation": {"section": "9.2", "quote": "Y approves."}},
    ]
    base["change_kinds"][0]["requires"] = [{"step": "gate_x", "citation": {"section": "9.1", "quote": "X approves."}}]
    base["change_kinds"][1]["requires"] = [{"step": "gate_y", "citation": {"section": "9.2", "quote": "Y approves."}}]
    _keep_gates_required(base)
    new = json.loads(json.dumps(base))
    new["version"] = "2.0"
    new["precedence"].append({"before": "gate_x", "after": "gate_y", "applies_to": ["kind_2"],
                              "citation": {"section": "9.3", "quote": "With kind 2, X before Y."}})
    return base, new


def test_compare_finds_a_difference_only_three_kinds_show():
    old, new = (compiled(p) for p in three_kind_difference())
    found = compare_all_decisions(old, new)
    assert found.exhaustive
    first = found.decisions[0]
    assert first.changes == ("kind_0", "kind_1", "kind_2")
    assert first.order_added == (("gate_x", "gate_y"),)
    assert all({"kind_0", "kind_1", "kind_2"} <= set(d.changes) for d in found.decisions)
    assert found.differing == 2 ** 61  # every combination with the three, and nothing else
    assert found.verdicts["kind_2"] == "stricter"


# -- the shipped policies ---------------------------------------------------------------------------

def test_dsp4003_analysis_finds_the_scope_extension_order_reading(dsp4003):
    result = analyze(dsp4003)
    checks = {check.id: check for check in result.checks}
    assert result.holds
    foreign = checks["order-needs-other-kinds"].findings
    assert [f["steps"] for f in foreign] == [["affected_committee_ballot", "board_approval"]]
    overridden = checks["overridden-not-required"].findings
    assert overridden[0]["combination"] == ["new_register", "contact_change"]


@pytest.fixture(scope="module")
def dsp4003():
    from workreg.policy.registry import get_policy

    return get_policy("dsp4003@1.2.0")


def test_issue_example_property_fails_with_the_smallest_counterexample(dsp4003):
    props = parse_properties({"properties": [
        {"id": "scope-needs-board", "for": {"includes": ["scope_extension"]}, "expect": {"requires": "board_approval"}},
        {"id": "adjustments-stay-with-committees",
         "for": {"includes": ["deliverable_adjustment"], "excludes": ["scope_extension", "new_register"]},
         "expect": {"not_requires": "board_approval"}},
    ]})
    first, second = analyze(dsp4003, props).to_dict()["properties"]
    assert first["holds"] and first["counterexample"] is None
    assert not second["holds"]
    assert second["counterexample"] == ["deliverable_adjustment", "significant_change"]
    assert second["clauses"][0]["section"] == "3.2"
    assert "board_approval" in {g["gate"] for g in second["decision"]["required"]}


@pytest.mark.parametrize("data, code", [
    ({"properties": [{"id": "x", "expect": {}}]}, "bad-properties"),
    ({"properties": [{"id": "x", "expect": {"requires": "a", "not_requires": "b"}}]}, "bad-properties"),
    ({"properties": [{"id": "x", "expect": {"require": "board"}}]}, "bad-properties"),
    ({"properties": [{"id": "x", "for": {"exactly": ["a"], "includes": ["b"]}, "expect": {"requires": "a"}}]},
     "bad-properties"),
    ([], "bad-properties"),
])
def test_bad_properties_files_are_clear_errors(data, code):
    with pytest.raises(WorkregError) as caught:
        parse_properties(data, "props.yaml")
    assert caught.value.code == code


@pytest.mark.parametrize("prop, code", [
    ({"id": "x", "for": {"includes": ["scope_extenssion"]}, "expect": {"requires": "board"}}, "unknown-change-kind"),
    ({"id": "x", "expect": {"requires": "bord_approval"}}, "unknown-name"),
    ({"id": "x", "for": {"includes": ["removal"], "excludes": ["removal"]}, "expect": {"requires": "board"}},
     "empty-family"),
])
def test_properties_naming_unknown_things_are_usage_errors(dsp4003, prop, code):
    (parsed,) = parse_properties({"properties": [prop]})
    with pytest.raises(UsageError) as caught:
        check_property(dsp4003, parsed)
    assert caught.value.code == code
    if code != "empty-family":
        assert "did you mean" in (caught.value.hint or "")


def test_roles_are_named_by_id_name_or_alias(dsp4003):
    for name in ("board", "DMTF Board", "DMTF Board of Directors", "board_approval"):
        (parsed,) = parse_properties({"properties": [
            {"id": "x", "for": {"includes": ["removal"]}, "expect": {"requires": name}}]})
        assert check_property(dsp4003, parsed).holds, name


def test_a_property_step_fails_with_the_smallest_counterexample(tmp_path):
    from tests.test_bdd import pytest_in

    (tmp_path / "props.feature").write_text(
        "Feature: properties\n  Scenario: contact changes never reach the Board\n"
        '    Given the policy "dsp4003@1.2.0"\n'
        "    Then every change that includes contact_change does not need the DMTF Board\n", encoding="utf-8")
    result = pytest_in(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "counterexample: new_register + contact_change" in result.stdout
    assert '§3.2 "After the Originating Committee has approved the Work Register' in result.stdout


def test_compare_falls_back_to_a_bounded_enumeration_and_says_so(monkeypatch):
    import workreg.analysis.symbolic as symbolic
    from workreg.analysis.bdd import TooLarge

    def too_large(*args, **kwargs):
        raise TooLarge("more than 0 nodes")

    monkeypatch.setattr(symbolic, "compare_symbolically", too_large)
    base = small_policy(13, 4)
    old, new = compiled(base), compiled(mutated(base, 9))
    found = compare_all_decisions(old, new)
    assert not found.exhaustive and found.largest == 6 and found.compared == 4095
    assert found.verdict in ("equivalent", "stricter", "looser", "incomparable")


def test_bdd_counts_and_lists_smallest_first():
    from workreg.analysis.bdd import BDD

    bdd = BDD(4)
    x = [bdd.variable(i) for i in range(4)]
    f = bdd.OR(bdd.AND(x[0], x[1]), x[3])  # {0,1} or {3}
    assert bdd.count(f) == sum(1 for m in range(16) if (m & 3 == 3) or (m & 8))
    assert list(bdd.smallest(f, 3)) == [(3,), (0, 1), (0, 3)]
    assert bdd.XOR(f, f) == 0 and bdd.NOT(bdd.NOT(f)) == f
