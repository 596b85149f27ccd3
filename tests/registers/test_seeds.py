"""The three real work registers (outside the repo, in ../shared/seeds): lint and diff expectations."""

from __future__ import annotations

from datetime import date

import pytest

from workreg.errors import RegisterError
from workreg.registers.diff import diff_registers
from workreg.registers.lint import lint_register
from workreg.registers.read import dump_register, read_register
from workreg.registers.vocabulary import load_vocabulary, scope_of

TODAY = date(2026, 11, 21)
OCP_10 = "work-register-ocp-1.0-draft1.txt"
OCP_12 = "work-register-ocp-1.2.txt"
OFA = "work-register-ofa-1.0b.txt"


def _findings(seeds, name):
    return lint_register(read_register(seeds / name), today=TODAY, file=name)


def test_ofa_lint(seeds):
    findings = _findings(seeds, OFA)
    rules = {(f.rule, f.line) for f in findings}
    assert rules == {
        ("placeholder", 44),  # the "?" milestone row
        ("placeholder", 52),  # "…?" in Access
        ("placeholder", 60),  # "?" documents
        ("placeholder", 68),  # "?" OFA contacts
        ("missing-contacts", 68),
        ("placeholder", 74),  # xx/xx/2018
        ("placeholder", 76),  # <resolution ID>, <date>
        ("missing-board-resolution", 76),
        ("review-overdue", 62),
    }
    messages = " ".join(f.message for f in findings)
    for token in ("'?'", "'…?'", "'xx/xx/2018'", "'<resolution ID>'", "'<date>'", "2020-03", "for OFA"):
        assert token in messages


def test_ocp_12_lint(seeds):
    findings = _findings(seeds, OCP_12)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("review-overdue", "warning", 92)]
    assert "2025-06" in findings[0].message and "DSP4003 1.2.0 §4" in findings[0].message
    approval = read_register(seeds / OCP_12).board_approval
    assert (approval.resolution.text, approval.date.value) == ("2023-07-16", date(2023, 7, 24))


def test_ocp_10_lint(seeds):
    findings = _findings(seeds, OCP_10)
    assert [(f.rule, f.line) for f in findings] == [("milestone-without-timeframe", 90), ("review-overdue", 112)]
    assert "'OCP Hardware Management meetings/workshops'" in findings[0].message


def test_ocp_10_to_12_diff(seeds):
    vocabulary = load_vocabulary()
    old, new = read_register(seeds / OCP_10), read_register(seeds / OCP_12)
    records = diff_registers(old, new, vocabulary)
    sections = {r.section for r in records}
    assert sections >= {"points_of_contact", "milestones", "scope", "limitations", "access", "documentation",
                        "version", "date", "review_date", "board_approval"}
    scope = {(r.change, r.group) for r in records if r.section == "scope"}
    assert scope == {("added", "PMCI Working Group"), ("added", "SPDM Working Group")}
    assert scope_of(old, vocabulary) == {"Redfish Forum"}
    milestones = [r for r in records if r.section == "milestones"]
    assert ("added", "DMTF announces work register v1.2 | Q3 2023") in {(r.change, r.after) for r in milestones}
    timeframe = [r for r in milestones if r.fields == ("timeframe",)]
    assert [(r.before, r.after) for r in timeframe] == [
        ("OCP Hardware Management meetings/workshops | TBD", "OCP Hardware Management meetings/workshops | On-going")
    ]
    assert sum(r.done_only for r in milestones) == 2
    assert {r.change for r in records if r.section == "limitations"} == {"added"}
    assert [r.change for r in records if r.section == "version"] == ["modified"]


@pytest.mark.parametrize("name", [OCP_10, OCP_12, OFA])
def test_seed_yaml_round_trip(seeds, tmp_path, name):
    register = read_register(seeds / name)
    path = tmp_path / "model.yaml"
    path.write_text(dump_register(register), encoding="utf-8")
    assert read_register(path) == register


def test_process_document_is_not_a_register(seeds):
    with pytest.raises(RegisterError) as caught:
        read_register(seeds / "dsp4003-1.2.0.txt")
    assert caught.value.code == "not-a-register"
