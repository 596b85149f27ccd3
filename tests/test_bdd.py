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
        "test_extending_the_scope_needs_the_originating_committee_the_board_and_the_partner",
        "test_several_changes_in_one_update_are_approved_together_in_one_order",
    ]
    assert "expected: the DMTF Board must approve" in result.stdout
    assert "got: decision of dsp4003@1.2.0 for scope_extension:" in result.stdout
    assert 'stage 2: Alliance Partner (alliance_partner) approval, §4 "requires the approval' in result.stdout


@needs_install
@pytest.mark.parametrize("policy", ["dsp4003@1.2.0", "minimal"])
def test_generated_skeleton_runs_green(tmp_path, capsys, policy):
    ref = policy
    if policy == "minimal":
        shutil.copy(FIXTURES / "policies" / "minimal.yaml", tmp_path / "minimal.yaml")
        ref = str(tmp_path / "minimal.yaml")
    assert main(["gherkin", ref, "-o", str(tmp_path / "generated.feature")]) == 0
    text = (tmp_path / "generated.feature").read_text()
    if policy == "minimal":  # the scratch folder names the policy by its file, beside the feature
        text = text.replace(f'"{(tmp_path / "minimal.yaml")}"', '"minimal.yaml"').replace('"mini@1.0"', '"minimal.yaml"')
        (tmp_path / "generated.feature").write_text(text)
    result = pytest_in(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Scenario:" in text and "Then " in text


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


def test_readme_step_vocabulary_is_generated_from_the_steps():
    readme = (ROOT / "README.md").read_text()
    begin, end = "<!-- steps:begin -->\n", "<!-- steps:end -->"
    assert begin in readme, "README lacks the generated step vocabulary"
    block = readme[readme.index(begin) + len(begin): readme.index(end)]
    assert block == markdown(), "README step vocabulary is stale: paste `workreg steps` between the markers"
