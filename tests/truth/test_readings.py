"""Issue 17: readings are marked everywhere, and the RFC family is faithful to its source."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2.0"])
def test_posting_follows_the_boards_resolution_and_the_partner_only_by_a_reading(version):
    from workreg.api import load_policy
    from workreg.policy.registry import resolve

    model = load_policy(resolve(f"dsp4003@{version}").path)
    edges = {(e.before, e.after): e for e in model.precedence}
    stated = edges[("board_approval", "publish")]
    assert stated.citation.section == "2.6" and stated.interpretation is None
    reading = edges[("partner_approval", "publish")]
    assert reading.interpretation and "§2.6" in reading.interpretation


def test_a_case_from_a_diff_says_its_committees_are_a_reading(seeds, tmp_path, capsys):
    db = str(tmp_path / "cases.db")
    argv = ["case", "open", "--diff", str(seeds / "work-register-ocp-1.0-draft1.txt"),
            str(seeds / "work-register-ocp-1.2.txt"), "--db", db]
    assert main([*argv, "--format", "json"]) == 0
    state = json.loads(capsys.readouterr().out)
    read = state["subject"]["committees_read"]
    assert set(read) == set(state["committees"]) == {"Alliance Committee", "Marketing Committee"}
    assert all("a reading of the register" in note for note in read.values())
    for fmt, marker in (("text", "  reading: Marketing Committee:"), ("markdown", "*reading:* Marketing Committee:")):
        assert main(["case", "status", str(state["id"]), "--db", db, "--format", fmt]) == 0
        assert marker in capsys.readouterr().out


def test_a_case_from_a_diff_under_1_1_names_no_alliance_committee(seeds, tmp_path, capsys):
    assert main(["case", "open", "--diff", str(seeds / "work-register-ocp-1.0-draft1.txt"),
                 str(seeds / "work-register-ocp-1.2.txt"), "--policy", "dsp4003@1.1", "--originating",
                 "Technical Committee", "--db", str(tmp_path / "c.db"), "--format", "json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["committees"] == ["Marketing Committee"]


def test_a_new_rfc_goes_to_the_council_only_when_it_adds_or_breaks_an_interface(capsys):
    # source-2.0.md §2.5: "The Architecture Council votes on every RFC that introduces a new interface or
    # breaks an existing one."
    for version in ("1.0", "2.0"):
        assert main(["approvals", "new_rfc", "--policy", f"rfc@{version}", "--committee", "Payments team",
                     "--format", "json"]) == 0
        plain = json.loads(capsys.readouterr().out)
        assert "architecture_council" not in {item["approver"] for item in plain["required"]}
        assert main(["approvals", "new_rfc", "new_interface", "--policy", f"rfc@{version}", "--committee",
                     "Payments team", "--format", "json"]) == 0
        interface = json.loads(capsys.readouterr().out)
        vote = next(item for item in interface["required"] if item["approver"] == "architecture_council")
        assert vote["citation"]["section"] == "2.5" and "introduces a new interface" in vote["citation"]["quote"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_withdrawal_says_it_needs_no_approval_as_the_source_does(capsys, fmt):
    assert main(["approvals", "withdrawal", "--policy", "rfc@2.0", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["no_approval"][0]["quote"] == "Withdrawing an RFC needs no approval"
    else:
        assert "none named" not in out and "No approval is named" not in out
        assert "needs no approval" in out and "§5.3" in out


def test_a_kind_the_source_only_names_no_approver_for_still_says_none_named(capsys):
    assert main(["approvals", "contact_change", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["no_approval"] == []


def test_a_diff_with_unclassified_changes_never_says_no_approval_is_needed(capsys):
    from tests.conftest import ROOT

    registers = ROOT / "features" / "registers"
    # Under 1.0 (reconstructed) no rule classifies points of contact: their changes are unclassified.
    assert main(["diff", str(registers / "esa-1.0.txt"), str(registers / "esa-1.1-contacts.txt"),
                 "--policy", "dsp4003@1.0"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "No approval needed" not in out
    assert "2 change(s) are unclassified: the policy does not say what they need" in out


@pytest.mark.parametrize("ref", ["dsp4003@1.0", "dsp4003@1.1", "dsp4003@1.2.0", "rfc@1.0", "rfc@2.0"])
def test_every_duty_says_what_its_clause_says(ref):
    """A role's duty (what the role steps check) is the clause's: its verb is in its quote, and the words
    of what it acts on are too (the clause may say them in another order)."""
    from workreg.api import load_policy
    from workreg.bdd.claims import _tokens, content, stem
    from workreg.policy.registry import resolve

    model = load_policy(resolve(ref).path)
    for role in model.roles:
        for duty in role.duties:
            quoted = {stem(word) for word in _tokens(duty.citation.quote)}
            verbs = [stem(word) for word in _tokens(duty.does) if word not in ("be", "to", "for", "with", "on", "off")]
            # the verb, or its noun ("approve" / "approval"), is the clause's
            assert all(any(q.startswith(v[:6]) for q in quoted) for v in verbs), (role.id, duty.does, duty.citation.quote)
            missing = [w for w in content(_tokens(duty.what)) if w not in quoted]
            # a word the clause does not say is allowed only as a marked reading ("them" is the owner, §2.7)
            assert not missing or duty.interpretation, (role.id, duty.does, missing)
