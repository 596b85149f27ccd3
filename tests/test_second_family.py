"""A second policy family by YAML alone: the Northwind Labs RFC process (policies/rfc/) works with
every command — approvals, check, compare of its two versions, render, gherkin, coverage, cases — with
no code of its own, and every quote it cites is in its source document, in the section cited."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.test_bdd import needs_install, pytest_in
from workreg.cli import main
from workreg.policy.load import load_policy
from workreg.policy.model import iter_citations

FAMILY = ROOT / "policies" / "rfc"
VERSIONS = ("1.0", "2.0")


def _json(capsys, argv: list[str], code: int = 0):
    assert main(argv) == code
    return json.loads(capsys.readouterr().out)


def _sections(text: str) -> dict[str, str]:
    """Section number (or "Change history") → its text, from the Markdown headings of a source document."""
    marks = [(m.group(1), m.start()) for m in re.finditer(r"^#+ (\d+(?:\.\d+)*|Change history)\b", text, re.M)]
    return {name: text[start:end] for (name, start), (_, end) in zip(marks, marks[1:] + [("", len(text))])}


@pytest.mark.parametrize("version", VERSIONS)
def test_every_quote_is_in_the_cited_section_of_its_source(version):
    sections = _sections((FAMILY / f"source-{version}.md").read_text(encoding="utf-8"))
    for path, citation in iter_citations(load_policy(FAMILY / f"{version}.yaml")):
        section = sections.get(citation.section)
        assert section is not None, f"{path}: no section {citation.section}"
        # A section's text includes its subsections (§2 holds §2.1 ...), as a reader finds it.
        whole = " ".join(text for name, text in sections.items() if name == citation.section
                         or name.startswith(citation.section + "."))
        assert " ".join(citation.quote.split()) in " ".join(whole.split()), f"{path}: {citation.quote!r}"


def test_listed_and_checked_clean(capsys):
    rows = _json(capsys, ["policies", "--format", "json"])
    assert {"rfc@1.0", "rfc@2.0"} <= {row["policy"] for row in rows}
    assert main(["check", *(str(FAMILY / f"{v}.yaml") for v in VERSIONS)]) == 0


def test_approvals_of_a_new_rfc(capsys):
    # §2.5: the council votes on "every RFC that introduces a new interface or breaks an existing one".
    plain = _json(capsys, ["approvals", "--policy", "rfc@2.0", "new_rfc", "--committee", "Payments team",
                           "--format", "json"])
    assert plain["stages"] == [["team_approval:Payments team"]]
    decision = _json(capsys, ["approvals", "--policy", "rfc@2.0", "new_rfc", "new_interface", "--committee",
                              "Payments team", "--committee", "Search team", "--format", "json"])
    assert decision["stages"] == [["team_approval:Payments team", "team_approval:Search team"], ["council_vote"]]
    assert [u["topic"] for u in decision["unspecified"]] == ["council_deadline"]
    assert [s["step"] for s in decision["steps"]] == ["write_draft", "assign_shepherd", "shepherd_review",
                                                      "publish", "announce"]


def test_compare_its_two_versions(capsys):
    result = _json(capsys, ["compare", "rfc@1.0", "rfc@2.0", "--format", "json"], code=1)
    assert result["exhaustive"] is True and result["change_kinds"]["added"][0]["id"] == "security_change"
    minor = [d for d in result["decisions"] if d["changes"] == ["minor_revision"]]
    assert [(a["approver"], a["kind"]) for a in minor[0]["removed"]] == [("architecture_council", "ballot")]
    assert [h["quote"][:11] for h in result["history"]] == ["Version 2.0"]
    added = {(e["element"], e["id"]) for e in result["structure"] if e["change"] == "added"}
    assert {("role", "security_team"), ("step", "security_review")} <= added


def test_render_clusters_its_own_phases(capsys):
    assert main(["render", "rfc@2.0"]) == 0
    dot = capsys.readouterr().out
    clusters = re.findall(r"subgraph cluster_(\w+)", dot)
    assert clusters == ["drafting", "review", "decision", "publication"]
    assert main(["render", "rfc@2.0", "--against", "rfc@1.0"]) == 0
    assert "Security review" in capsys.readouterr().out


@needs_install
def test_its_feature_covers_every_clause(capsys):
    report = _json(capsys, ["coverage", "rfc@2.0", str(ROOT / "features" / "rfc"), "--format", "json"])
    assert report["percent"] == 100.0 and not report["scenarios_failed"]


@needs_install
def test_a_generated_skeleton_runs_green(tmp_path, capsys):
    assert main(["gherkin", "rfc@2.0", "-o", str(tmp_path / "rfc.feature")]) == 0
    text = (tmp_path / "rfc.feature").read_text()
    assert 'Given the policy "rfc@2.0"' in text and "Scenario: Security change" in text
    result = pytest_in(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout  # one scenario per change kind


def test_a_copy_elsewhere_works_by_policy_dir(tmp_path, capsys):
    """Nothing about the family is shipped code: copied under another name and folder, it answers alike."""
    folder = tmp_path / "mine" / "changeboard"
    folder.mkdir(parents=True)
    text = (FAMILY / "2.0.yaml").read_text(encoding="utf-8").replace("policy: rfc\n", "policy: changeboard\n", 1)
    (folder / "2.0.yaml").write_text(text, encoding="utf-8")
    ours = _json(capsys, ["approvals", "--policy", "rfc@2.0", "breaking_change", "--format", "json"])
    theirs = _json(capsys, ["approvals", "--policy-dir", str(tmp_path / "mine"), "--policy", "changeboard@2.0",
                            "breaking_change", "--format", "json"])
    assert {k: v for k, v in theirs.items() if k != "policy"} == {k: v for k, v in ours.items() if k != "policy"}


def test_a_case_runs_through_its_own_order(tmp_path, capsys):
    """Cases too are driven by the policy alone: the RFC process's own precedence holds a vote back."""
    db = str(tmp_path / "rfc.db")
    opened = _json(capsys, ["case", "open", "--policy", "rfc@2.0", "--change", "new_rfc", "new_interface",
                            "--committee", "Payments team", "--title", "RFC-42", "--db", db, "--format", "json"])
    case = str(opened["id"])
    assert opened["policy"] == "rfc@2.0" and not opened["complete"]
    assert [item["gate"] for item in opened["next"]] == ["team_approval:Payments team"]
    assert main(["case", "record", case, "council_vote", "--outcome", "approved", "--date", "2026-03-01",
                 "--db", db]) == 1
    refusal = capsys.readouterr().err
    assert "out-of-order" in refusal and "§4.2" in refusal
    for gate, day in (("team_approval:Payments team", "2026-02-01"), ("council_vote", "2026-03-01")):
        assert main(["case", "record", case, gate, "--outcome", "approved", "--date", day, "--db", db]) == 0
    capsys.readouterr()
    status = _json(capsys, ["case", "status", case, "--db", db, "--format", "json"])
    assert status["complete"] and [item["gate"] for item in status["done"]] == ["team_approval:Payments team",
                                                                                "council_vote"]
