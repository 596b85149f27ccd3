"""Compare's, lint's and a case's results are typed, frozen values read through named fields, never by key.

Their JSON (``to_dict()``) is the documented contract; inside the package nobody reads it back by key.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from types import MappingProxyType

import pytest

from workreg.cli import main
from workreg.versions.compare import compare_policies, load_for_compare
from workreg.versions.comparison import Comparison

ENGINE = Path(__file__).resolve().parents[1] / "engine" / "workreg"

#: Keys only compare's JSON has: a read by one of them reads a comparison by key.
COMPARE_KEYS = frozenset({
    "equivalent", "policies", "history", "change_kinds", "combinations_compared", "exhaustive", "largest_combination",
    "differing_combinations", "decisions_more", "verdict", "verdicts", "decisions", "structure", "document_version",
    "order_changed", "order_added", "order_removed", "stages_from", "stages_to", "default_of", "basis",
    "basis_source", "rests_on",
})


def _key_of(node: ast.AST) -> object:
    """The constant key a node reads (``x["key"]``, ``x.get("key")``), else None; writes are not reads."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Constant):
        return node.slice.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop")
            and node.args and isinstance(node.args[0], ast.Constant)):
        return node.args[0].value
    return None


def _reads_by_key(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        key = _key_of(node)
        if key in COMPARE_KEYS:
            found.append((node.lineno, f"[{key!r}]"))
        # value.to_dict()["..."], value.as_dict().get(...): a typed result's JSON read back by key.
        if key is not None:
            inner = node.value if isinstance(node, ast.Subscript) else node.func.value
            if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
                    and inner.func.attr in ("to_dict", "as_dict")):
                found.append((node.lineno, f".{inner.func.attr}()[{key!r}]"))
    return found


def test_nothing_in_the_package_reads_a_result_by_key():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offenders += [f"{path.relative_to(ENGINE)}:{line}: {what}" for line, what in _reads_by_key(tree)]
    assert not offenders, "read results through their named fields (versions/comparison.py, ...):\n" + "\n".join(offenders)


def test_the_scan_finds_a_read_by_key():
    """The scan above is not vacuous: each way of reading a result by key is caught, and a write is not."""
    for code in ('result["equivalent"]', 'result["decisions"][0]["changes"]', 'entry.get("rests_on")',
                 'result["policies"]["to"]', 'state.to_dict()["next"]', 'finding.to_dict().get("rule")'):
        assert _reads_by_key(ast.parse(code)), code
    for code in ('body["rests_on"] = "text"', 'result.equivalent', 'policy["steps"]', 'state.to_dict()'):
        assert not _reads_by_key(ast.parse(code)), code


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare_policies(load_for_compare("dsp4003@1.0"), load_for_compare("dsp4003@1.2.0"))


def _walk(value, path="comparison"):
    yield path, value
    if isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{value._fields[index]}" if hasattr(value, "_fields") else f"{path}[{index}]")
    elif isinstance(value, MappingProxyType):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")


def test_a_comparison_is_frozen_all_the_way_down(comparison):
    assert comparison.decisions and comparison.structure and comparison.history
    for path, value in _walk(comparison):
        assert isinstance(value, (tuple, str, int, bool, float, MappingProxyType, type(None))), path
    with pytest.raises(AttributeError):
        comparison.structure[0].change = "removed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        comparison.old.roles["x"] = "y"  # type: ignore[index]


def test_its_json_is_the_commands_json(comparison, capsys):
    assert main(["compare", "dsp4003@1.0", "dsp4003@1.2.0", "--format", "json"]) == 1
    printed = capsys.readouterr().out
    assert json.loads(printed) == comparison.to_dict()
    assert json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n" == printed


def test_what_the_json_says_the_fields_say(comparison):
    body = comparison.to_dict()
    assert (body["from"], body["to"], body["equivalent"]) == (comparison.old.ref, comparison.new.ref, False)
    assert body["verdicts"] == dict(comparison.verdicts)
    assert [d["changes"] for d in body["decisions"]] == [list(d.changes) for d in comparison.decisions]
    assert [(e["element"], e["id"], e["rests_on"]) for e in body["structure"]] == [
        (e.element, e.id, e.rests_on) for e in comparison.structure]
    # Optional keys appear exactly when the field has something to say.
    for entry, typed in zip(body["structure"], comparison.structure):
        assert ("fields" in entry) == (typed.change == "changed")
        assert ("items" in entry) == bool(typed.items)
        assert ("role" in entry) == (typed.role is not None)
    for decision, typed_decision in zip(body["decisions"], comparison.decisions):
        assert ("stages_from" in decision) == (typed_decision.stages_from is not None)
        for approval, typed_approval in zip(decision["added"], typed_decision.added):
            assert ("default_of" in approval) == bool(typed_approval.default_of)


def test_lint_findings_are_typed_and_their_json_is_the_commands(capsys):
    from workreg.api import lint_register
    from workreg.registers.lint import Finding

    from datetime import date

    register = Path(__file__).resolve().parents[1] / "examples" / "registers" / "acme-1.0-draft.txt"
    findings = lint_register(register, file=str(register), today=date(2026, 1, 1))
    assert findings and all(isinstance(finding, Finding) for finding in findings)
    with pytest.raises(AttributeError):
        findings[0].rule = "changed"  # type: ignore[misc]
    main(["lint", str(register), "--today", "2026-01-01", "--format", "json"])
    assert json.loads(capsys.readouterr().out) == [finding.to_dict() for finding in findings]
