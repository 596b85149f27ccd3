"""workreg.rules: the durable_rules adapter classifies like a plain-Python matcher, safely."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workreg.rules as rules_module
from workreg.errors import RulesError, WorkregError
from workreg.rules import Match, RuleSet, RuleSpec, compile_rules, live_sessions, registered_rulesets

POLICY_RULES = [
    {"id": "contact-change", "when": {"section": "points_of_contact"}, "kind": "contact_change"},
    {"id": "milestone-change", "when": {"section": "milestones", "change": ["added", "removed", "modified"]},
     "kind": "deliverable_adjustment"},
    {"id": "milestone-done-marker", "when": {"section": "milestones", "done_only": True},
     "kind": "editorial", "priority": 10},
    {"id": "scope-count", "when": {"section": "scope", "count": 3}, "kind": "scope_change"},
    {"id": "scope-any", "when": {"section": "scope"}, "kind": "scope_other"},
    {"id": "scope-any-again", "when": {"section": "scope"}, "kind": "scope_shadowed"},
]


@pytest.fixture(scope="module")
def policy() -> RuleSet:
    return RuleSet(POLICY_RULES)


def unique_rules(**extra_when):
    """Rules no other test registers, for tests that break or inspect their durable ruleset."""
    tag = uuid.uuid4().hex
    return RuleSet([{"id": "only", "when": {"tag": tag, **extra_when}, "kind": "k"}]), tag


@pytest.mark.parametrize(
    ("fact", "expected_rule"),
    [
        pytest.param({"section": "points_of_contact", "change": "modified", "done_only": False},
                     "contact-change", id="equality"),
        pytest.param({"section": "milestones", "change": "added"}, "milestone-change", id="any-of-first"),
        pytest.param({"section": "milestones", "change": "modified"}, "milestone-change", id="any-of-last"),
        pytest.param({"section": "milestones", "change": "renamed"}, None, id="any-of-miss"),
        pytest.param({"section": "milestones", "change": "modified", "done_only": True},
                     "milestone-done-marker", id="priority-beats-order"),
        pytest.param({"section": "milestones", "done_only": True}, "milestone-done-marker", id="boolean"),
        pytest.param({"section": "milestones", "change": "renamed", "done_only": False}, None,
                     id="boolean-false-misses"),
        pytest.param({"section": "milestones", "change": "x", "done_only": 1}, None, id="int-is-not-bool"),
        pytest.param({"section": "scope", "count": 3}, "scope-count", id="int-earlier-declared-wins"),
        pytest.param({"section": "scope", "count": 3.0}, "scope-count", id="float-equals-int"),
        pytest.param({"section": "scope", "count": "3"}, "scope-any", id="string-is-not-int"),
        pytest.param({"section": "scope", "count": True}, "scope-any", id="bool-is-not-int"),
        pytest.param({"section": "scope"}, "scope-any", id="tie-goes-to-earliest"),
        pytest.param({"section": None}, None, id="none-matches-nothing"),
        pytest.param({"section": "Milestones", "change": "added"}, None, id="case-sensitive"),
        pytest.param({}, None, id="empty-fact"),
        pytest.param({"unrelated": [1, 2]}, None, id="unreferenced-fields-ignored"),
    ],
)
def test_classify_single_fact(policy: RuleSet, fact, expected_rule):
    [result] = policy.classify([fact])
    assert (result.rule_id if result else None) == expected_rule


def test_match_reports_every_matching_rule_winner_first(policy: RuleSet):
    result = policy.classify_one({"section": "scope", "count": 3})
    assert result == Match(rule_id="scope-count", outcome="scope_change", priority=0,
                           matched=("scope-count", "scope-any", "scope-any-again"))


def test_many_facts_in_one_call_keep_their_order(policy: RuleSet):
    facts = [
        {"section": "points_of_contact"},
        {"section": "nowhere"},
        {"section": "milestones", "change": "removed"},
        {"section": "milestones", "change": "removed"},  # identical facts are still two answers
        {"section": "milestones", "change": "removed", "done_only": True},
    ] * 40
    results = policy.classify(facts)
    expected = ["contact-change", None, "milestone-change", "milestone-change", "milestone-done-marker"] * 40
    assert [r.rule_id if r else None for r in results] == expected
    assert live_sessions() == 0


def test_batches_larger_than_one_session(policy: RuleSet, monkeypatch):
    monkeypatch.setattr(rules_module, "MAX_FACTS_PER_SESSION", 7)
    facts = [{"section": "points_of_contact"} if n % 3 else {"section": "x"} for n in range(50)]
    results = policy.classify(facts)
    assert [bool(r) for r in results] == [bool(n % 3) for n in range(50)]
    assert live_sessions() == 0


def test_empty_input_and_empty_ruleset():
    assert RuleSet(POLICY_RULES).classify([]) == []
    assert RuleSet([]).classify([{"section": "x"}, {}]) == [None, None]


def test_awkward_field_names_and_values():
    # durable reads '.' as a path and reserves sid, id and $-names; values may hold anything.
    long_text = "x" * 100_000
    ruleset = RuleSet([
        {"id": "dotted", "when": {"a.b": 1, "sid": "s1", "id": "i", "$s": True}, "kind": "k1"},
        {"id": "text", "when": {"t": ["quote\"back\\slash", "nul\x00byte", "ünï ☃", "", long_text]},
         "kind": "k2"},
    ])
    facts = [{"a.b": 1, "sid": "s1", "id": "i", "$s": True}, {"a.b": 1, "sid": "s2", "id": "i", "$s": True},
             {"t": "quote\"back\\slash"}, {"t": "nul\x00byte"}, {"t": "nul"}, {"t": "ünï ☃"}, {"t": ""},
             {"t": long_text}, {"t": long_text[:-1]}, {"t": float("nan")}]
    assert [r.rule_id if r else None for r in ruleset.classify(facts)] == [
        "dotted", None, "text", "text", None, "text", "text", "text", None, None]


def test_same_rules_registered_twice_reuse_one_durable_ruleset():
    first = RuleSet(POLICY_RULES)
    first.classify([{"section": "scope"}])
    before = registered_rulesets()
    second = compile_rules([RuleSpec.from_mapping(rule, order=n) for n, rule in enumerate(POLICY_RULES)])
    assert second.ruleset_name == first.ruleset_name
    assert second.classify_one({"section": "scope"}).rule_id == "scope-any"
    assert registered_rulesets() == before


def test_outcomes_and_priorities_share_the_durable_ruleset_of_equal_conditions():
    base = [{"id": "a", "when": {"f": 1}, "kind": "one"}, {"id": "b", "when": {"f": [1, 2]}, "kind": "two"}]
    flipped = [dict(base[0], kind="uno"), dict(base[1], priority=5)]
    left, right = RuleSet(base), RuleSet(flipped)
    assert left.ruleset_name == right.ruleset_name
    assert left.classify_one({"f": 1}).outcome == "one"
    assert right.classify_one({"f": 1}).outcome == "two"


def test_two_different_rule_sets_in_one_process(policy: RuleSet):
    other = RuleSet([{"id": "by-change", "when": {"change": "added"}, "kind": "addition"}])
    assert other.ruleset_name != policy.ruleset_name
    fact = {"section": "milestones", "change": "added"}
    for _ in range(50):
        assert policy.classify_one(fact).outcome == "deliverable_adjustment"
        assert other.classify_one(fact).outcome == "addition"
    assert live_sessions() == 0


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        pytest.param([{"id": "r", "when": {}, "kind": "k"}], "'when' is empty", id="empty-when"),
        pytest.param([{"id": "r", "kind": "k"}], "'when' is missing", id="missing-when"),
        pytest.param([{"id": "r", "when": ["section"], "kind": "k"}], "must be a mapping", id="when-not-mapping"),
        pytest.param([{"id": "r", "when": {"s": None}, "kind": "k"}], "unsupported type null", id="null-value"),
        pytest.param([{"id": "r", "when": {"s": {"a": 1}}, "kind": "k"}], "unsupported type dict",
                     id="dict-value"),
        pytest.param([{"id": "r", "when": {"s": [1, [2]]}, "kind": "k"}], "unsupported type list",
                     id="nested-list"),
        pytest.param([{"id": "r", "when": {"s": []}, "kind": "k"}], "lists no values", id="empty-list"),
        pytest.param([{"id": "r", "when": {"s": float("nan")}, "kind": "k"}], "non-finite", id="nan"),
        pytest.param([{"id": "r", "when": {1: "x"}, "kind": "k"}], "field names", id="non-string-field"),
        pytest.param([{"id": "r", "when": {"s": 1}, "kind": "k"}, {"id": "r", "when": {"s": 2}, "kind": "k"}],
                     "duplicate rule id 'r'", id="duplicate-id"),
        pytest.param([{"id": "", "when": {"s": 1}, "kind": "k"}], "non-empty string", id="empty-id"),
        pytest.param([{"when": {"s": 1}, "kind": "k"}], "'id' is missing", id="missing-id"),
        pytest.param([{"id": "r", "when": {"s": 1}}], "kind) is missing", id="missing-kind"),
        pytest.param([{"id": "r", "when": {"s": 1}, "kind": ["k"]}], "hashable", id="unhashable-kind"),
        pytest.param([{"id": "r", "when": {"s": 1}, "kind": "k", "priority": "high"}], "priority must be",
                     id="priority-string"),
        pytest.param([{"id": "r", "when": {"s": 1}, "kind": "k", "priority": True}], "priority must be",
                     id="priority-bool"),
        pytest.param([{"id": "r", "when": {"s": 1}, "kind": "k", "prority": 2}], "unknown key 'prority'",
                     id="unknown-key"),
        pytest.param(["r"], "must be a mapping", id="rule-not-mapping"),
    ],
)
def test_invalid_rule_specs_raise_rules_error(rules, message):
    with pytest.raises(RulesError) as caught:
        RuleSet(rules)
    assert message in caught.value.message
    assert isinstance(caught.value, WorkregError)


def test_unknown_key_gets_a_hint():
    with pytest.raises(RulesError) as caught:
        RuleSet([{"id": "r", "when": {"s": 1}, "kind": "k", "prority": 2}])
    assert caught.value.hint == "did you mean 'priority'?"


def test_too_many_fields_is_refused_before_durable():
    with pytest.raises(RulesError, match="distinct fields"):
        RuleSet([{"id": f"r{n}", "when": {f"field{n}": n}, "kind": "k"} for n in range(rules_module.MAX_FIELDS + 1)])


@pytest.mark.parametrize("fact", [["section", "x"], "section", None])
def test_fact_that_is_not_a_mapping(policy: RuleSet, fact):
    with pytest.raises(RulesError, match="must be a mapping"):
        policy.classify([{"section": "scope"}, fact])


@pytest.mark.parametrize("value", [[1], {"a": 1}, b"bytes", object()])
def test_fact_with_non_scalar_value(policy: RuleSet, value):
    with pytest.raises(RulesError, match="unsupported value type"):
        policy.classify([{"section": value}])


def test_rule_spec_is_frozen_and_normalised():
    spec = RuleSpec(id="r", conditions={"s": ["a", "b", "a"], "n": [1, 1.0, True]}, outcome="k")
    assert spec.conditions == {"s": ("a", "b"), "n": (1, True)}
    with pytest.raises(TypeError):
        spec.conditions["s"] = "c"  # type: ignore[index]
    with pytest.raises(AttributeError):
        spec.id = "other"  # type: ignore[misc]
    assert hash(spec) == hash(RuleSpec(id="r", conditions={"s": ("a", "b"), "n": (1, True)}, outcome="k"))


def test_explicit_order_breaks_priority_ties():
    specs = [RuleSpec(id="late", conditions={"s": 1}, outcome="late", order=5),
             RuleSpec(id="early", conditions={"s": 1}, outcome="early", order=1)]
    assert RuleSet(specs).classify_one({"s": 1}).rule_id == "early"


def test_import_does_not_load_durable():
    code = "import sys, workreg.rules; print('durable' in sys.modules or 'durable_rules_engine' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"


def test_no_durable_timer_threads_are_started(policy: RuleSet):
    policy.classify([{"section": "scope"}])
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]


# ----------------------------------------------------------------- limits and failures

# Shapes that crashed or hung durable 2.0.28 when it was given any-of as $or or more
# than 250 rules; at the adapter's cap they must classify correctly. A subprocess, so
# a segfault fails this test instead of killing the run.
DURABLE_STRESS = """
import sys
from workreg.rules import RuleSet
shapes = {
    "any-of then equality": ([{"id": f"r{k}", "when": {"change": ["a", "b", "common"], "section": f"s{k}"},
                               "kind": "k"} for k in range(83)], {"change": "common", "section": "s7"}, 1),
    "shared any-of": ([{"id": f"r{k}", "when": {"change": [f"c{k}", "common"], "section": "x"}, "kind": "k"}
                       for k in range(125)], {"change": "common", "section": "x"}, 125),
    "two any-ofs": ([{"id": f"r{k}", "when": {"a": ["x1", "x2"], "b": [f"y{k}", f"z{k}"]}, "kind": "k"}
                     for k in range(62)], {"a": "x2", "b": "z0"}, 1),
    "identical": ([{"id": f"r{k}", "when": {"section": "x"}, "kind": "k"} for k in range(250)],
                  {"section": "x"}, 250),
    "wide root": ([{"id": f"r{k}", "when": {"change": f"c{k}", "section": "x"}, "kind": "k"}
                   for k in range(250)], {"change": "c249", "section": "x"}, 1),
}
for name, (rules, fact, expected) in shapes.items():
    ruleset = RuleSet(rules)
    for _ in range(3):
        results = ruleset.classify([fact] * 20 + [{"section": "nowhere"}])
        assert [len(r.matched) for r in results[:-1]] == [expected] * 20, name
        assert results[-1] is None, name
print("ok")
"""


def test_largest_allowed_rule_sets_do_not_crash_durable():
    output = subprocess.run([sys.executable, "-c", DURABLE_STRESS], capture_output=True, text=True, timeout=120)
    assert output.returncode == 0, output.stderr[-2000:]
    assert output.stdout.strip() == "ok"


def test_too_many_value_combinations_is_refused_before_durable():
    rules = [{"id": f"r{k}", "when": {"a": ["x", "y", "z"], "b": [k, -k - 1]}, "kind": "k"} for k in range(42)]
    with pytest.raises(RulesError, match="252 value combinations") as caught:
        RuleSet(rules)
    assert caught.value.code == "rules-limit"
    RuleSet(rules[:41])  # 246 combinations: allowed



def test_session_cap_refuses_before_touching_durable(monkeypatch):
    ruleset, tag = unique_rules()
    ruleset.classify([{"tag": tag}])
    registered = rules_module._registered[ruleset.ruleset_name]
    leaked = {f"leaked{n}" for n in range(rules_module.MAX_LIVE_SESSIONS)}
    monkeypatch.setattr(registered, "live_sessions", set(leaked))
    host = rules_module._durable_host()
    monkeypatch.setattr(host, "assert_facts", lambda *a, **k: pytest.fail("durable was touched"))
    with pytest.raises(RulesError, match="could not be deleted") as caught:
        ruleset.classify([{"tag": tag}])
    assert caught.value.code == "rules-limit"


def test_failed_delete_is_reported_and_counted(monkeypatch):
    ruleset, tag = unique_rules()
    host = rules_module._durable_host()

    def refuse_delete(*args, **kwargs):
        raise RuntimeError("nope")

    monkeypatch.setattr(host, "delete_state", refuse_delete)
    with pytest.raises(RulesError, match="could not delete session") as caught:
        ruleset.classify([{"tag": tag}])
    assert isinstance(caught.value.__cause__, RuntimeError)
    registered = rules_module._registered[ruleset.ruleset_name]
    assert len(registered.live_sessions) == 1
    monkeypatch.undo()
    # Clean up for the suite-wide live-session checks: the session really exists in durable.
    for sid in list(registered.live_sessions):
        assert rules_module._delete_session(host, registered, sid) is None
    assert live_sessions() == 0


def test_durable_memory_error_marks_ruleset_broken_and_never_touches_the_session(monkeypatch):
    ruleset, tag = unique_rules()
    ruleset.classify([{"tag": tag}])
    host = rules_module._durable_host()

    def out_of_sessions(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(host, "assert_facts", out_of_sessions)
    monkeypatch.setattr(host, "delete_state", lambda *a, **k: pytest.fail("deleting a failed session segfaults"))
    with pytest.raises(RulesError, match="could not open a session") as caught:
        ruleset.classify([{"tag": tag}])
    assert isinstance(caught.value.__cause__, MemoryError)
    monkeypatch.undo()
    with pytest.raises(RulesError, match="unusable"):
        ruleset.classify([{"tag": tag}])
    # The failed session stays counted: it is live as far as durable's limit is concerned.
    rules_module._registered[ruleset.ruleset_name].live_sessions.clear()


def test_durable_exception_becomes_rules_error(monkeypatch):
    ruleset, tag = unique_rules()
    host = rules_module._durable_host()

    def engine_error(*args, **kwargs):
        raise ValueError("Could not assert facts, error code: 201")

    monkeypatch.setattr(host, "assert_facts", engine_error)
    with pytest.raises(RulesError, match="error code: 201") as caught:
        ruleset.classify([{"tag": tag}])
    assert isinstance(caught.value.__cause__, ValueError)
    assert live_sessions() == 0  # deleted in finally even though assert failed


def test_missing_results_are_an_error_not_a_no_match(monkeypatch):
    ruleset, tag = unique_rules()
    real_run_session = rules_module._run_session

    def lose_one_fact(registered, messages):
        hits, seen = real_run_session(registered, messages)
        return hits, seen[1:]

    monkeypatch.setattr(rules_module, "_run_session", lose_one_fact)
    with pytest.raises(RulesError, match="partial answer"):
        ruleset.classify([{"tag": tag}, {"tag": "other"}])


# ----------------------------------------------------------------- concurrency and long runs


def test_thread_safety_several_threads(policy: RuleSet):
    other = RuleSet([{"id": "by-change", "when": {"change": ["added", "removed"]}, "kind": "addition"}])
    cases = [
        (policy, {"section": "milestones", "change": "added", "done_only": True}, "milestone-done-marker"),
        (policy, {"section": "milestones", "change": "added"}, "milestone-change"),
        (policy, {"section": "nowhere"}, None),
        (other, {"section": "milestones", "change": "removed"}, "by-change"),
    ]
    failures: list[str] = []
    start = threading.Barrier(6)

    def worker(seed: int) -> None:
        start.wait()
        for n in range(600):
            ruleset, fact, expected = cases[(seed + n) % len(cases)]
            batch = ruleset.classify([fact, fact])
            got = [r.rule_id if r else None for r in batch]
            if got != [expected, expected]:
                failures.append(f"thread {seed} call {n}: {got} != {expected}")

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert live_sessions() == 0


def test_long_run_twenty_thousand_calls(policy: RuleSet):
    cases = [
        ({"section": "points_of_contact", "change": "modified"}, "contact-change"),
        ({"section": "milestones", "change": "removed"}, "milestone-change"),
        ({"section": "milestones", "change": "removed", "done_only": True}, "milestone-done-marker"),
        ({"section": "scope", "count": 3}, "scope-count"),
        ({"section": "elsewhere"}, None),
    ]
    wrong = 0
    for n in range(20_000):
        fact, expected = cases[n % len(cases)]
        result = policy.classify([fact])[0]
        if (result.rule_id if result else None) != expected:
            wrong += 1
    assert wrong == 0
    assert live_sessions() == 0  # (its speed is the benchmark's durable_rules soak row, not a test)


# ----------------------------------------------------------------- property: agrees with plain Python

FIELDS = ["section", "change", "done_only", "count"]
VALUES = st.one_of(
    st.sampled_from(["a", "b", "", "A", 0, 1, 2, 1.0, 2.5, -1, True, False]),
    st.text(max_size=3),
    st.integers(-3, 3),
)


def same_value(fact_value, condition_value) -> bool:
    """Python ``==``, except that a boolean only equals a boolean and None equals nothing."""
    if fact_value is None:
        return False
    if isinstance(fact_value, bool) or isinstance(condition_value, bool):
        return type(fact_value) is type(condition_value) and fact_value == condition_value
    return fact_value == condition_value  # 1 == 1.0, "1" != 1, nan != anything


def reference_matches(rules: list[dict], fact: dict) -> list[str]:
    """Every matching rule id, winner first: the semantics written the obvious way."""
    matching = []
    for position, rule in enumerate(rules):
        ok = True
        for name, wanted in rule["when"].items():
            options = wanted if isinstance(wanted, list) else [wanted]
            if name not in fact or not any(same_value(fact[name], option) for option in options):
                ok = False
                break
        if ok:
            matching.append((-rule.get("priority", 0), position, rule["id"]))
    return [rule_id for _, _, rule_id in sorted(matching)]


rule_strategy = st.fixed_dictionaries(
    {
        "when": st.dictionaries(st.sampled_from(FIELDS),
                                st.one_of(VALUES, st.lists(VALUES, min_size=1, max_size=3)),
                                min_size=1, max_size=3),
        "priority": st.integers(-1, 2),
    }
)
fact_strategy = st.dictionaries(st.sampled_from(FIELDS + ["unused"]),
                                st.one_of(VALUES, st.none(), st.just(float("nan"))), max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=st.lists(rule_strategy, min_size=1, max_size=6), facts=st.lists(fact_strategy, max_size=8),
       data=st.data())
def test_classify_agrees_with_reference_matcher(rules, facts, data):
    # Reuse values from the rules in the facts so matches are common, not accidental.
    condition_values = [v for rule in rules for w in rule["when"].values() for v in (w if isinstance(w, list) else [w])]
    for fact in facts:
        for name in list(fact)[:2]:
            if data.draw(st.booleans()):
                fact[name] = data.draw(st.sampled_from(condition_values))
    named = [{"id": f"rule{n}", "when": rule["when"], "kind": f"kind{n}", "priority": rule["priority"]}
             for n, rule in enumerate(rules)]
    results = RuleSet(named).classify(facts)
    for fact, result in zip(facts, results):
        expected = reference_matches(named, fact)
        assert (result.matched if result else ()) == tuple(expected), fact
        if result:
            assert result.rule_id == expected[0]
            assert result.outcome == "kind" + expected[0][len("rule"):]
    assert live_sessions() == 0


def test_real_session_limit_is_a_rules_error_not_a_segfault():
    # The other limit tests fake the leaked sessions; this one leaks real durable sessions up to
    # the adapter's cap (deletes made to fail), in a child process so a segfault would show as
    # a signal instead of killing the test run, and checks the next call is a clean RulesError.
    code = """
import sys
import workreg.rules as rules
from workreg.errors import RulesError
ruleset = rules.RuleSet([{"id": "r", "when": {"tag": "x"}, "kind": "k"}])
ruleset.classify([{"tag": "x"}])
host = rules._durable_host()
real_delete = host.delete_state
def keep(*args, **kwargs):
    raise RuntimeError("kept")
host.delete_state = keep
for _ in range(rules.MAX_LIVE_SESSIONS):
    try:
        ruleset.classify([{"tag": "x"}])
    except RulesError:
        pass
assert rules.live_sessions() == rules.MAX_LIVE_SESSIONS, rules.live_sessions()
host.delete_state = real_delete
try:
    ruleset.classify([{"tag": "x"}])
except RulesError as error:
    print(error.code)
    sys.exit(0)
sys.exit("no RulesError at the session limit")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert result.stdout.strip() == "rules-limit"
