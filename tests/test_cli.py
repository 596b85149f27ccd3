"""The command line: exit codes, output formats, and the JSON contract (golden files)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workreg.cli import main
from tests.conftest import FIXTURES, ROOT

GOLDEN = ROOT / "tests" / "golden"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; WORKREG_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("WORKREG_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs; WORKREG_UPDATE_GOLDEN=1 to accept"


@pytest.mark.parametrize("fmt,suffix", [("json", "json"), ("text", "txt"), ("markdown", "md")])
@pytest.mark.parametrize("kind", ["scope_extension", "contact_change", "removal", "new_register"])
def test_approvals_output_is_golden(capsys, kind, fmt, suffix):
    code, out, err = run(capsys, "approvals", kind, "--format", fmt)
    assert code == 0 and err == ""
    golden(f"approvals-{kind}.{suffix}", out)


def test_json_contract_keys(capsys):
    code, out, _ = run(capsys, "approvals", "scope_extension", "--format", "json")
    data = json.loads(out)
    assert list(data) == ["policy", "changes", "required", "not_required", "unspecified", "stages", "order", "steps",
                          "unordered", "parallel", "provenance", "no_approval", "conflicts", "committees"]
    assert data["policy"] == "dsp4003@1.2.0"
    assert data["changes"] == ["scope_extension"]
    assert {"gate", "approver", "name", "kind", "citation"} <= set(data["required"][0])
    assert set(data["required"][0]["citation"]) == {"section", "quote", "source"}
    assert data["required"][0]["citation"]["source"] == "DSP4003 1.2.0"
    assert data["provenance"]["kind"] == "published"


def test_scope_extension_text_names_approvers_with_section_4_and_no_stated_place_for_the_partner(capsys):
    # §4: "requires the approval of the Originating Committee, the DMTF board, and the Alliance Partner
    # organization" — no order.  The policy's reading (the Board after the committee) says so.
    _, out, _ = run(capsys, "approvals", "scope_extension")
    lines = [line for line in out.splitlines() if line.strip().split(" ")[0] in ("1", "2", "any")]
    assert [line.split()[0] for line in lines] == ["1", "2", "any"]
    assert "Originating Committee" in lines[0] and "Board" in lines[1] and "Alliance Partner" in lines[2]
    assert all("§4" in line for line in lines)
    assert "No order stated (Alliance Partner): DSP4003 1.2.0 gives no order" in out
    assert "interpretation: §4 gives no order for an update" in out


def test_contact_change_says_board_not_required_and_nobody_named(capsys):
    _, out, _ = run(capsys, "approvals", "contact_change")
    assert "Required approvals: none named by DSP4003 1.2.0." in out
    assert "Not required:\n  DMTF Board of Directors: §3.2" in out
    assert "names no approver" in out


def test_removal_names_the_board(capsys):
    _, out, _ = run(capsys, "approvals", "removal")
    assert "DMTF Board of Directors" in out and "§4.1" in out


def test_committees_and_originating(capsys):
    code, out, _ = run(capsys, "approvals", "new_register", "--committee", "Marketing Committee",
                       "--originating", "Technical Committee", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["stages"][0] == [
        "originating_committee_ballot", "affected_committee_ballot:Marketing Committee", "alliance_committee_approval",
    ]


@pytest.mark.parametrize("argv,code,message", [
    (["approvals", "scope-extention"], 2, "workreg: unknown-change-kind: unknown change kind 'scope-extention' in "
     "dsp4003@1.2.0\n    hint: did you mean 'scope_extension'?"),
    (["approvals", "removal", "--policy", "dsp4002"], 2, "workreg: unknown-policy: unknown policy 'dsp4002'\n"
     "    hint: did you mean 'dsp4003'?"),
    (["approvals", "removal", "--policy", "dsp4003@9"], 2, "workreg: unknown-policy-version: policy 'dsp4003' has "
     "no version '9'"),
    (["approvals"], 2, "workreg: usage: the following arguments are required: KIND"),
    (["nope"], 2, "workreg: usage: argument COMMAND: invalid choice: 'nope'"),
    (["approvals", "removal", "--format", "xml"], 2, "workreg: usage: argument --format: invalid choice: 'xml'"),
])
def test_usage_errors_exit_2_without_traceback(capsys, argv, code, message):
    got, out, err = run(capsys, *argv)
    assert got == code
    assert message in err
    assert "Traceback" not in err


def test_policies_lists_shipped_and_extra_dirs(capsys, tmp_path):
    extra = tmp_path / "mine" / "mini"
    extra.mkdir(parents=True)
    (extra / "1.0.yaml").write_text((FIXTURES / "policies" / "minimal.yaml").read_text())
    code, out, _ = run(capsys, "policies", "--policy-dir", str(tmp_path / "mine"), "--format", "json")
    refs = [row["policy"] for row in json.loads(out)]
    assert code == 0
    assert "dsp4003@1.2.0" in refs and "mini@1.0" in refs
    code, out, _ = run(capsys, "approvals", "new_thing", "--policy", "mini@1.0", "--policy-dir", str(tmp_path / "mine"))
    assert code == 0 and "Committee" in out and "Board" in out


def test_policy_given_as_a_file(capsys):
    code, out, _ = run(capsys, "approvals", "small_fix", "--policy", str(FIXTURES / "policies" / "minimal.yaml"))
    assert code == 0 and "Not required:\n  Board: §3" in out


def test_check_shipped_policies_clean(capsys):
    files = sorted(str(p) for p in (ROOT / "policies" / "dsp4003").glob("*.yaml") if p.name != "properties.yaml")
    code, out, _ = run(capsys, "check", *files)
    assert code == 0, out


def test_schema_is_json_schema_and_committed_copy_is_current(capsys):
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "workreg policy" and "change_kinds" in schema["properties"]
    golden_path = ROOT / "policies" / "schema.json"
    if os.environ.get("WORKREG_UPDATE_GOLDEN") == "1":
        golden_path.write_text(out, encoding="utf-8")
    assert golden_path.read_text(encoding="utf-8") == out, "policies/schema.json is stale: workreg schema > it"


def test_console_entry_point_runs_in_a_fresh_process():
    result = subprocess.run([sys.executable, "-m", "workreg", "approvals", "removal", "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stages"] == [["board_approval"]]


def test_query_path_does_not_import_heavy_modules():
    code = ("import sys; from workreg.cli import main; main(['approvals','removal']); "
            "print('heavy=' + ','.join(m for m in ('networkx','pydantic','yaml','graphviz','durable','docx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ})
    assert result.returncode == 0, result.stderr
    # The first run may compile (cache miss); the second must not need the heavy modules.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "heavy="
