"""The Gherkin plugin and step library, as a user meets them: plain pytest on a folder of features."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from workreg.bdd.vocabulary import markdown
from workreg.cli import main
from tests.conftest import FIXTURES, ROOT, SHIPPED_POLICY

FEATURES = ROOT / "features"
PLUGIN_INSTALLED = any(ep.value == "workreg.bdd.optin" for ep in entry_points(group="pytest11"))
needs_install = pytest.mark.skipif(not PLUGIN_INSTALLED, reason="workreg is not installed (pip install -e .)")

MINI_FEATURE = """\
Feature: My own process
  Scenario: New things need the committee, then the board
    Given the policy "mini.yaml"
    When the change is "new_thing"
    Then the approvals are, in order:
      | stage | approver  | kind     | clause |
      | 1     | Committee | ballot   | §1     |
      | 2     | Board     | approval | §2     |
    And the Board follows the Committee

  Scenario: Small fixes do not need the board
    Given the policy "mini.yaml"
    When the change is "Small fix"
    Then the Board need not approve
    And the Committee must ballot
"""


#: The one line a project adds to its pytest configuration to use workreg's steps.
OPT_IN = "[pytest]\nworkreg = true\n"


def pytest_in(folder: Path, *args: str, opt_in: bool = True) -> subprocess.CompletedProcess:
    if opt_in and not (folder / "pyproject.toml").exists() and not (folder / "pytest.ini").exists():
        (folder / "pytest.ini").write_text(OPT_IN)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=folder,
                          capture_output=True, text=True)


@needs_install
def test_a_folder_with_only_a_feature_and_a_policy_runs_under_plain_pytest(tmp_path):
    (tmp_path / "mini.feature").write_text(MINI_FEATURE)
    shutil.copy(FIXTURES / "policies" / "minimal.yaml", tmp_path / "mini.yaml")
    result = pytest_in(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


@needs_install
def test_without_the_opt_in_line_feature_files_are_not_collected(tmp_path):
    (tmp_path / "mini.feature").write_text(MINI_FEATURE)
    shutil.copy(FIXTURES / "policies" / "minimal.yaml", tmp_path / "mini.yaml")
    result = pytest_in(tmp_path, opt_in=False)
    assert result.returncode == 5, result.stdout + result.stderr  # pytest's "no tests collected"
    assert "collected 0 items" in result.stdout


@needs_install
def test_a_conftest_line_opts_in_too(tmp_path):
    (tmp_path / "mini.feature").write_text(MINI_FEATURE)
    shutil.copy(FIXTURES / "policies" / "minimal.yaml", tmp_path / "mini.yaml")
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["workreg.bdd.plugin"]\n')
    result = pytest_in(tmp_path, opt_in=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


@needs_install
def test_breaking_a_gate_turns_named_scenarios_red_with_the_decision(tmp_path):
    shutil.copy(FEATURES / "dsp4003" / "updates.feature", tmp_path)
    broken = SHIPPED_POLICY.read_text()
    board_for_scope = (
        "      - step: board_approval\n        kind: approval\n        citation:\n          section: \"4\"\n"
        "          quote: requires the approval of the Originating Committee, the DMTF board, and the Alliance "
        "Partner organization\n"
    )
    assert board_for_scope in broken
    (tmp_path / "dsp4003").mkdir()
    (tmp_path / "dsp4003" / "1.2.0.yaml").write_text(broken.replace(board_for_scope, "", 1))
    result = pytest_in(tmp_path, "-rf")
    assert result.returncode == 1
    failed = sorted(line for line in result.stdout.splitlines() if line.startswith("FAILED"))
    assert [line.split("::")[1].split(" ")[0] for line in failed] == [
        "test_extending_the_scope_needs_the_originating_committee_the_board_and_the_partner_in_no_stated_order",
        "test_several_changes_in_one_update_are_approved_together",
    ]
    assert "expected: the DMTF Board must approve" in result.stdout
    assert "got: decision of dsp4003@1.2.0 for scope_extension:" in result.stdout
    assert 'no stated order: Alliance Partner (alliance_partner) approval, §4 "requires the approval' in result.stdout


@needs_install
@pytest.mark.parametrize("policy", ["dsp4003@1.2.0", "rfc.yaml"])
def test_generated_skeleton_runs_green_beside_its_policy(tmp_path, capsys, policy):
    # `workreg gherkin rfc.yaml -o gen.feature` in the policy's folder: the feature names the file
    # as it lies beside it, and gherkin says how to opt the folder in.
    ref = policy
    if policy.endswith(".yaml"):
        shutil.copy(FIXTURES / "policies" / "minimal.yaml", tmp_path / policy)
        ref = str(tmp_path / policy)
    assert main(["gherkin", ref, "-o", str(tmp_path / "gen.feature")]) == 0
    assert "add 'workreg = true' under [pytest]" in capsys.readouterr().err
    text = (tmp_path / "gen.feature").read_text()
    assert f'Given the policy "{"rfc.yaml" if policy.endswith(".yaml") else policy}"' in text
    result = pytest_in(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Scenario:" in text and "Then " in text
    assert main(["gherkin", ref, "-o", str(tmp_path / "again.feature")]) == 0
    assert "workreg = true" not in capsys.readouterr().err  # opted in now: nothing more to say


def test_gherkin_never_overwrites(tmp_path, capsys):
    target = tmp_path / "x.feature"
    target.write_text("mine")
    assert main(["gherkin", "dsp4003@1.2.0", "-o", str(target)]) == 2
    assert target.read_text() == "mine"
    assert "exists" in capsys.readouterr().err


@needs_install
def test_coverage_of_the_shipped_features_is_complete(capsys):
    assert main(["coverage", "dsp4003@1.2.0", str(FEATURES), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["percent"] == 100.0 and report["uncovered"] == []
    assert {c["section"] for c in report["clauses"]} >= {"2.3", "3.1", "3.2", "4", "4.1"}


@needs_install
def test_partial_features_fall_under_the_threshold(capsys):
    code = main(["coverage", "dsp4003@1.2.0", str(FEATURES / "dsp4003" / "removal.feature")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Uncovered: §2.1" in out
    assert main(["coverage", "dsp4003@1.2.0", str(FEATURES / "dsp4003" / "removal.feature"), "--fail-under", "1"]) == 0


@needs_install
def test_cucumber_json_report(tmp_path):
    report = tmp_path / "cucumber.json"
    result = pytest_in(ROOT, str(FEATURES / "dsp4003" / "removal.feature"), f"--cucumberjson={report}")
    assert result.returncode == 0, result.stdout
    features = json.loads(report.read_text())
    assert features[0]["name"] == "Removing an alliance partner"
    assert all(step["result"]["status"] == "passed" for el in features[0]["elements"] for step in el["steps"])


def test_the_docs_step_vocabulary_is_generated_from_the_steps():
    """docs/reference/steps.md holds a marker the site's hook fills with `workreg steps` at build time."""
    import importlib.util

    page = (ROOT / "docs" / "reference" / "steps.md").read_text()
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "_hooks" / "steps.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    assert hooks.MARKER in page, "docs/reference/steps.md lacks the marker the step table is generated at"
    built = hooks.on_page_markdown(page, None, None, None)
    assert markdown() in built and hooks.MARKER not in built


# -- steps that must not pass a false statement (each scenario names what it checks) -----------

CHECKED_PHRASES = """\
Feature: Every phrase a step captures is checked
  Background:
    Given the policy "dsp4003@1.2.0"

  Scenario: fails unknown pope
    When the update extends the scope to the SPDM working group
    Then the Pope is not asked to approve

  Scenario: fails unknown bord
    When the update extends the scope to the SPDM working group
    Then the DMTF Bord is not asked to approve

  Scenario: fails unknown architekt
    When the update extends the scope to the SPDM working group
    Then the Chief Architekt must approve

  Scenario: fails prefix of a name
    When a significant change is made
    Then the DMTF must approve

  Scenario: fails end of a name
    When a significant change is made
    Then the Directors must approve

  Scenario: fails unknown group
    When the update extends the scope to the Pope's working group
    Then the DMTF Board must approve

  Scenario: fails partner that is a DMTF body
    Given an approved work register with the DMTF Board
    When the update extends the scope to the SPDM working group
    Then the DMTF Board must approve

  Scenario: fails working group as originating committee
    Given the Originating Committee is the PMCI Working Group
    When a new work register is submitted for approval
    Then the DMTF Board must approve

  Scenario: fails working group must ballot
    Given the PMCI Working Group owns milestones in the work register
    When a new work register is submitted for approval
    Then the PMCI Working Group must ballot

  Scenario: fails inferred actor stated as fact
    When a new work register is submitted for approval
    Then the "Record board resolution and date; post the register" step is done by the Work Register Owner

  Scenario: fails stated actor called an interpretation
    When a new work register is submitted for approval
    Then the "Schedule formal approval by the Board" step is done by the DMTF Executive Committee by interpretation

  Scenario: fails unknown lint rule
    When the work register "esa-draft.txt" is linted on 2021-01-01
    Then lint reports no "missing-bord-resolution"

  Scenario: fails undefined step
    When a new work register is submitted for approval
    Then the Pope blesses the register

  Scenario: passes working group is not asked
    Given the PMCI Working Group owns milestones in the work register
    When a new work register is submitted for approval
    Then the Technical Committee must ballot
    And the PMCI Working Group is not asked to approve

  Scenario: passes aliases
    When the update extends the scope to the SPDM working group
    Then the DMTF Board must approve
    And the Board must approve
    And the approval of the Board cites §4
    And the partner must approve
"""

#: Scenario → words its failure message must contain (None: it must pass).
CHECKED_EXPECTATIONS = {
    "fails unknown pope": "unknown approver 'Pope'",
    "fails unknown bord": "did you mean 'DMTF Board'?",
    "fails unknown architekt": "unknown approver 'Chief Architekt'",
    "fails prefix of a name": "unknown approver 'DMTF'",
    "fails end of a name": "unknown approver 'Directors'",
    "fails unknown group": "unknown working group",
    "fails partner that is a DMTF body": "not the partner",
    "fails working group as originating committee": "not a committee",
    "fails working group must ballot": "the Technical Committee, which it reports to",
    "fails inferred actor stated as fact": "say 'by interpretation'",
    "fails stated actor called an interpretation": "the text names the actor",
    "fails unknown lint rule": "did you mean 'missing-board-resolution'?",
    "fails undefined step": "Run 'workreg steps'",
    "passes working group is not asked": None,
    "passes aliases": None,
}


@needs_install
def test_steps_check_every_phrase_and_fail_false_statements(tmp_path):
    (tmp_path / "checked.feature").write_text(CHECKED_PHRASES)
    shutil.copy(ROOT / "features" / "registers" / "esa-draft.txt", tmp_path)
    report = tmp_path / "report.xml"
    pytest_in(tmp_path, f"--junitxml={report}")
    import xml.etree.ElementTree as ElementTree

    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        outcomes[case.get("name")] = None if failure is None else (failure.get("message", "") + (failure.text or ""))
    assert len(outcomes) == len(CHECKED_EXPECTATIONS)
    for scenario, words in CHECKED_EXPECTATIONS.items():
        name = "test_" + scenario.lower().replace(" ", "_")
        if words is None:
            assert outcomes[name] is None, f"{scenario}: {outcomes[name]}"
        else:
            assert outcomes[name] is not None, f"{scenario} passed"
            assert words in outcomes[name], f"{scenario}: {outcomes[name][-600:]}"
