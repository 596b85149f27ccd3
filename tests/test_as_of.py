"""Answers as of a date: each policy version's effective date, and ``--on`` choosing the version then in force."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main
from workreg.errors import UsageError
from workreg.policy.registry import get_policy, policy_in_force


@pytest.mark.parametrize("day,version,reconstructed", [
    ("2004-09-24", "1.0", True), ("2005-12-31", "1.0", True), ("2006-05-04", "1.1", True),
    ("2006-06-01", "1.1", True), ("2007-10-01", "1.1", True), ("2007-10-02", "1.2.0", False),
    ("2026-11-21", "1.2.0", False),
])
def test_the_version_in_force(day, version, reconstructed):
    policy, in_force = policy_in_force("dsp4003", day)
    assert policy.ref == in_force.ref == f"dsp4003@{version}"
    assert in_force.reconstructed is reconstructed and in_force.citation["section"] == "Appendix A"


@pytest.mark.parametrize("version,effective", [("1.0", "2004-09-24"), ("1.1", "2006-05-04"), ("1.2.0", "2007-10-02")])
def test_each_shipped_version_says_when_it_took_effect(version, effective):
    assert get_policy(f"dsp4003@{version}").source.effective.date == effective


@pytest.mark.parametrize("name,day,code", [
    ("dsp4003", "2004-09-23", "before-first-version"),
    ("dsp4003@1.1", "2006-06-01", "on-with-version"),
    ("dsp4004", "2006-06-01", "unknown-policy"),
])
def test_refusals(name, day, code):
    with pytest.raises(UsageError) as error:
        policy_in_force(name, day)
    assert error.value.code == code


def test_approvals_on_a_date_answer_under_that_version_labelled(capsys):
    assert main(["approvals", "scope_extension", "--on", "2006-06-01"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("As of 2006-06-01: dsp4003@1.1, in force from 2006-05-04 until 2007-10-02 "
                                   "(Appendix A); RECONSTRUCTED, not a published text")
    assert out.splitlines()[1].startswith("dsp4003@1.1 ")
    assert main(["approvals", "scope_extension", "--on", "2006-06-01", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["policy"] == "dsp4003@1.1" and body["as_of"]["provenance"] == "reconstructed"
    assert main(["approvals", "scope_extension", "--on", "2008-01-01", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("> As of 2008-01-01: dsp4003@1.2.0, in force from 2007-10-02 (Appendix A)\n")


def test_without_on_the_output_is_unchanged(capsys):
    assert main(["approvals", "scope_extension", "--format", "json"]) == 0
    assert "as_of" not in json.loads(capsys.readouterr().out)


def test_diff_on_a_date(capsys, seeds):
    old, new = seeds / "work-register-ocp-1.0-draft1.txt", seeds / "work-register-ocp-1.2.txt"
    assert main(["diff", str(old), str(new), "--on", "2005-01-01", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["policy"] == "dsp4003@1.0" and body["as_of"]["effective"] == "2004-09-24"


@pytest.mark.parametrize("argv,code", [
    (["approvals", "scope_extension", "--on", "2003-01-01"], "before-first-version"),
    (["approvals", "scope_extension", "--on", "yesterday"], "bad-date"),
    (["approvals", "scope_extension", "--on", "2006-06-01", "--policy", "dsp4003@1.2.0"], "on-with-version"),
])
def test_bad_dates_exit_2(capsys, argv, code):
    assert main(argv) == 2
    assert code in capsys.readouterr().err


def test_diff_on_a_date_with_fixture_registers(capsys):
    from tests.conftest import FIXTURES

    registers = FIXTURES / "registers"
    assert main(["diff", str(registers / "esa-1.0.txt"), str(registers / "esa-1.1.txt"), "--on", "2006-06-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("As of 2006-06-01: dsp4003@1.1") and "RECONSTRUCTED" in out
