"""Broken policy files: each kind of breakage gets an exact ``file:line: code: message``."""

from __future__ import annotations

import re

import pytest

from workreg.cli import main
from workreg.inputs import MAX_POLICY_BYTES
from tests.conftest import FIXTURES

BASE = (FIXTURES / "policies" / "minimal.yaml").read_text()

# name: (text to replace in minimal.yaml, replacement, exact expected output of `workreg check`)
CASES = {
    "unknown_field": (
        "    title: Board approval\n", "    title: Board approval\n    titel: typo\n",
        "F:25: unknown-field: unknown field 'titel' (at steps[1].titel)\n    hint: did you mean 'title'?",
    ),
    "missing_field": (
        "    name: Board\n", "",
        "F:13: missing-field: missing required field 'name' (at roles[1].name)",
    ),
    "bad_enum_value": (
        "    kind: approval\n", "    kind: aproval\n",
        "F:26: bad-value: 'aproval' is not allowed; expected 'ballot', 'approval', 'acknowledgement', "
        "'action', 'recommendation' or 'review' (at steps[1].kind)\n    hint: did you mean 'approval'?",
    ),
    "unknown_actor": (
        "    actor: board\n", "    actor: bord\n",
        "F:25: unknown-role: unknown role 'bord' (at steps[1].actor)\n    hint: did you mean 'board'?",
    ),
    "unknown_step_in_requires": (
        "      - step: board_approval\n", "      - step: board_aproval\n",
        "F:40: unknown-step: unknown step 'board_aproval' (at change_kinds[0].requires[1].step)\n"
        "    hint: did you mean 'board_approval'?",
    ),
    "unknown_step_in_precedence": (
        "    after: board_approval\n", "    after: board_ballot\n",
        "F:31: unknown-step: unknown step 'board_ballot' (at precedence[0].after)\n"
        "    hint: did you mean 'board_approval'?",
    ),
    "unknown_not_required_approver": (
        "      - approver: board\n", "      - approver: boad\n",
        "F:49: unknown-role: unknown role 'boad' (at change_kinds[1].not_required[0].approver)\n"
        "    hint: did you mean 'board'?",
    ),
    "duplicate_id": (
        "  - id: small_fix\n", "  - id: new_thing\n",
        "F:42: duplicate-id: duplicate id 'new_thing' in change_kinds (at change_kinds[1].id)",
    ),
    "cycle": (
        "precedence:\n",
        'precedence:\n  - before: board_approval\n    after: committee_ballot\n    citation: {section: "2", quote: x}\n',
        "F:30: cycle: the order of steps has a cycle: board_approval → committee_ballot → board_approval; "
        "its edges: board_approval → committee_ballot at F:30 (precedence[0]), committee_ballot → board_approval "
        "at F:33 (precedence[1]) (at precedence[0])\n    hint: remove or reverse one precedence edge of the cycle",
    ),
    "bad_id": (
        "  - id: small_fix\n", "  - id: Small-Fix\n",
        "F:42: bad-id: 'Small-Fix' does not match ^[a-z][a-z0-9_]*$ (at change_kinds[1].id)\n"
        "    hint: ids are snake_case: lower-case letters, digits and underscores",
    ),
    "wrong_type_and_unknown_field_together": (
        "    requires:\n      - step: committee_ballot\n        citation: {section: \"3\"",
        "    requires: 7\n    xrequires:\n      - step: committee_ballot\n        citation: {section: \"3\"",
        "F:45: wrong-type: expected a list, got a number (at change_kinds[1].requires)\n"
        "F:47: unknown-field: unknown field 'xrequires' (at change_kinds[1].xrequires)\n"
        "    hint: did you mean 'requires'?",
    ),
    "unknown_field_inside_a_requirement": (
        "      - step: board_approval\n", "      - stepp: board_approval\n",
        "F:40: missing-field: missing required field 'step' (at change_kinds[0].requires[1].step)\n"
        "F:40: unknown-field: unknown field 'stepp' (at change_kinds[0].requires[1].stepp)\n"
        "    hint: did you mean 'step'?",
    ),
    "duplicate_key": (
        "title: Minimal approval process\nsource", "title: Minimal approval process\ntitle: Again\nsource",
        "F:5: duplicate-key: duplicate key 'title' (first at line 4) (at title)",
    ),
    "alias": (
        '    citation: {section: "1", quote: The committee approves.}\n  - id: board\n',
        '    citation: &c {section: "1", quote: The committee approves.}\n  - id: board\n    extra: *c\n',
        "F:14: yaml-alias: aliases (*name) are not allowed\n"
        "    hint: write the value out in full",
    ),
    "yaml_syntax": (
        "roles:\n", "roles:\n  - [unclosed\n",
        "F:11: yaml-syntax: while parsing a flow sequence expected ',' or ']', but got ':'",
    ),
    "change_kind_without_gate": (
        "    requires:\n      - step: committee_ballot\n        citation: {section: \"3\", quote: Small fixes need the committee.}\n",
        "",
        "F:42: no-gate: change kind 'small_fix' requires no approval and says neither 'requires: none' nor "
        "what is unspecified (at change_kinds[1])\n    hint: add the gates it requires, 'requires: none' with "
        "requires_none_citation, or an unspecified point",
    ),
    "unreachable_gate": (
        "      - step: board_approval\n        citation: {section: \"2\", quote: The board approves after the committee.}\n",
        "",
        "F:23: unreachable-gate: gate 'board_approval' is required by no change kind (at steps[1])\n"
        "    hint: require it from a change kind or remove it",
    ),
    "missing_quote": (
        "    citation: {section: \"3\", quote: Small fixes need no board.}\n    requires",
        "    citation: {section: \"3\"}\n    requires",
        "F:44: missing-field: missing required field 'quote' (at change_kinds[1].citation.quote)",
    ),
    "unknown_phase": (
        "    phase: approval\n", "    phase: aproval\n",
        "F:21: unknown-phase: unknown phase 'aproval' (at steps[0].phase)\n    hint: did you mean 'approval'?",
    ),
    "no_phases": (
        "phases:\n  - {id: approval, title: Approval, citation: {section: \"1\", quote: The committee approves.}}\n", "",
        "F:2: missing-field: missing required field 'phases' (at phases)",
    ),
    "not_a_mapping": (BASE, "- just\n- a list\n", "F:1: not-a-mapping: a policy file must be a mapping of fields"),
    "empty": (BASE, "# nothing here\n", "F:1: empty: empty file"),
    "python_tag": (
        "title: Minimal approval process\n", "title: !!python/object:os.system echo\n",
        "F:4: yaml-syntax: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_policy_reports_exact_errors(name, tmp_path, capsys):
    old, new, expected = CASES[name]
    assert old in BASE, f"case {name} no longer matches minimal.yaml"
    path = tmp_path / "F"
    path.write_text(BASE.replace(old, new, 1))
    code = main(["check", str(path)])
    out = capsys.readouterr()
    assert code == 1
    assert out.out.replace(str(tmp_path) + "/", "").rstrip("\n") == expected
    assert "Traceback" not in out.err


_ORDER = ("      - before: {}\n        after: {}\n        citation: {{section: \"3\", quote: x}}\n"
          "        interpretation: read so\n")


@pytest.mark.parametrize("with_precedence", [False, True])
def test_a_cycle_of_two_kinds_orders_names_each_edge_where_it_is_declared(tmp_path, capsys, with_precedence):
    """Two change kinds' ``order`` entries that contradict each other: the finding names both
    entries at their own lines (not an unrelated precedence edge), and the hint speaks of orders."""
    text = BASE
    if not with_precedence:
        text = text.replace("precedence:\n  - before: committee_ballot\n    after: board_approval\n"
                            '    citation: {section: "2", quote: The board approves after the committee.}\n', "")
    text = text.replace("  - id: small_fix\n", "    order:\n" + _ORDER.format("board_approval", "committee_ballot")
                        + "  - id: small_fix\n")
    text = text.replace("phases:\n", "    order:\n" + _ORDER.format("committee_ballot", "board_approval") + "phases:\n")
    path = tmp_path / "F"
    path.write_text(text)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.replace(str(tmp_path) + "/", "")
    lines = {number: line for number, line in enumerate(text.splitlines(), 1)}
    cycle = [line for line in out.splitlines() if ": cycle: " in line]
    assert len(cycle) == 1, out
    places = re.findall(r"(\w+ → \w+) at F:(\d+) \(([^)]*)\)", cycle[0])
    assert [field for _, _, field in places] == (
        ["precedence[0]", "change_kinds[0].order[0]"] if with_precedence
        else ["change_kinds[0].order[0]", "change_kinds[1].order[0]"])
    for edge, number, field in places:
        before, after = edge.split(" → ")
        assert lines[int(number)].strip() in (f"- before: {before}", f"before: {before}"), (number, lines[int(number)])
    assert "(at precedence[0])" not in cycle[0] or with_precedence
    hint = out.split("hint: ", 1)[1]
    assert "order" in hint and "'new_thing'" in hint and ("'small_fix'" in hint) != with_precedence


def test_minimal_policy_is_clean(capsys):
    assert main(["check", str(FIXTURES / "policies" / "minimal.yaml")]) == 0
    assert capsys.readouterr().out.endswith(": ok\n")


def test_several_files_report_together(tmp_path, capsys):
    broken = tmp_path / "b.yaml"
    broken.write_text(BASE.replace("    actor: board\n", "    actor: bord\n").replace("    name: Board\n", ""))
    code = main(["check", str(FIXTURES / "policies" / "minimal.yaml"), str(broken)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count(f"{broken}:") == 1  # schema errors stop before cross-references
    assert "minimal.yaml: ok" in out


def test_missing_file_is_an_input_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.yaml")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope.yaml'}: not-found: no such file"


def test_binary_and_huge_files_are_input_errors(tmp_path, capsys):
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"policy: x\x00\x01")
    assert main(["check", str(binary)]) == 2
    assert "not-text" in capsys.readouterr().err
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * (MAX_POLICY_BYTES + 1000))
    assert main(["check", str(huge)]) == 2
    assert "too-large" in capsys.readouterr().err


def test_json_findings(tmp_path, capsys):
    import json

    path = tmp_path / "F"
    path.write_text(BASE.replace("    actor: board\n", "    actor: bord\n"))
    assert main(["check", "--format", "json", str(path)]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert findings == [{
        "file": str(path), "line": 25, "code": "unknown-role", "message": "unknown role 'bord'",
        "field": "steps[1].actor", "hint": "did you mean 'board'?",
    }]
