"""The compiled policy is a typed, frozen value read through named fields, never by key outside policy/."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from types import MappingProxyType

import pytest

from workreg.policy.compile import compile_policy
from workreg.policy.compiled import PolicyForm, form_from_json
from workreg.policy.decide import CompiledPolicy
from workreg.policy.load import load_policy
from workreg.policy.registry import discover

ENGINE = Path(__file__).resolve().parents[1] / "engine" / "workreg"

#: Keys only the old dict-shaped compiled policy had: a subscript by one of them reads it by key.
COMPILED_KEYS = frozenset({"per_name", "kind_citations", "topological_order", "designated", "also_by", "rules",
                           "classification", "phrases", "vocabulary", "review_cycle"})


def _outside_policy() -> list[Path]:
    return [path for path in sorted(ENGINE.rglob("*.py")) if "policy" not in path.relative_to(ENGINE).parts[:1]]


def _reads_by_key(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        # policy.table[...], policy.table.get(...): the old dict; compiled.form[...]: the form by position.
        if isinstance(node, ast.Attribute) and node.attr == "table" and not isinstance(node.ctx, ast.Store):
            found.append((node.lineno, ".table"))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "form":
            found.append((node.lineno, ".form[...]"))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in COMPILED_KEYS:
            found.append((node.lineno, f"[{node.slice.value!r}]"))
    return found


def test_nothing_outside_policy_reads_the_compiled_policy_by_key():
    offenders = []
    for path in _outside_policy():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offenders += [f"{path.relative_to(ENGINE)}:{line}: {what}" for line, what in _reads_by_key(tree)]
    assert not offenders, "read the compiled policy through CompiledPolicy's accessors:\n" + "\n".join(offenders)


def test_the_scan_finds_a_read_by_key():
    """The scan above is not vacuous: each way of reading the old dict is caught."""
    for code in ('policy.table["roles"]["x"]', 'policy.table.get("vocabulary")', 'info["per_name"]',
                 'compiled.form[7]'):
        assert _reads_by_key(ast.parse(code)), code


def _walk(value, path="form"):
    yield path, value
    if isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]" if not hasattr(value, "_fields") else f"{path}.{value._fields[index]}")
    elif isinstance(value, MappingProxyType):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")


@pytest.mark.parametrize("found", discover(), ids=lambda f: f.ref)
def test_the_compiled_form_is_frozen_and_round_trips_through_json(found):
    form = compile_policy(load_policy(found.path))
    assert isinstance(form, PolicyForm)
    for path, value in _walk(form):
        assert isinstance(value, (tuple, str, int, bool, float, MappingProxyType, type(None))), path
    again = form_from_json(json.loads(json.dumps(form.to_json())))
    assert again == form
    compiled = CompiledPolicy(again)
    assert not hasattr(compiled, "table")
    with pytest.raises(TypeError):
        compiled["roles"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        form.roles[0].name = "changed"  # type: ignore[misc]


def test_accessors_answer_what_callers_ask():
    from workreg.policy.registry import get_policy

    policy = get_policy("dsp4003@1.2.0")
    assert policy.role("affected_committee").per_name is True
    assert policy.gate_approver("board_approval").name == "DMTF Board of Directors"
    assert policy.gate_approver("affected_committee_ballot:SPDM Working Group").id == "affected_committee"
    assert [r.step for r in policy.kind("removal").requires] == ["removal_recommendation", "board_approval"]
    assert policy.kind_title("removal") == "Alliance partner removal"
    assert policy.kind_citation("removal").section == "4.1"
    assert policy.source.label == "DSP4003 1.2.0"
    assert policy.vocabulary
    assert policy.provenance.kind == "published"


@pytest.mark.parametrize("bad", [[], [4], {"format": 5}, [5, "ref"], "form"])
def test_a_payload_that_does_not_fit_is_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        form_from_json(bad)
