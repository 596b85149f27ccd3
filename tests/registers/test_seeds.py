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
        ("process-version", 64),  # DSP4003_1.6.0.pdf: not the 1.2.0 the checks follow
        ("unread-line", 33),  # the template's milestone instructions
        ("unread-line", 66),  # "Below are the members of each organization ..."
    }
    messages = " ".join(f.message for f in findings)
    for token in ("'?'", "'…?'", "'xx/xx/2018'", "'<resolution ID>'", "'<date>'", "2020-03", "for OFA"):
        assert token in messages


def test_ocp_12_lint(seeds):
    findings = [f for f in _findings(seeds, OCP_12) if f.severity != "info"]
    assert [(f.rule, f.severity, f.line) for f in findings] == [
        ("review-overdue", "warning", 92), ("process-version", "warning", 94)]
    assert "2025-06" in findings[0].message and "DSP4003 1.2.0 §4" in findings[0].message
    assert "names DSP4003 1.6.0" in findings[1].message
    approval = read_register(seeds / OCP_12).approval
    assert (approval.resolution.text, approval.date.value) == ("2023-07-16", date(2023, 7, 24))


def test_ocp_10_lint(seeds):
    findings = [f for f in _findings(seeds, OCP_10) if f.severity != "info"]
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


def test_ocp_12_names_its_process_and_nothing_is_dropped(seeds):
    # OCP 1.2, line 94: "The DMTF work register review processes can be found in DSP4003.
    # https://www.dmtf.org/sites/default/files/standards/documents/DSP4003 1.6.0.pdf"
    register = read_register(seeds / OCP_12)
    assert (register.process.document, register.process.version, register.process.line) == ("DSP4003", "1.6.0", 94)
    # Line 5, the introduction; lines 49 and 98, template sentences the reader lists as unread.
    assert register.introduction.line == 5 and "objectives, scope, benefits" in register.introduction.text
    assert [line.line for line in register.unread] == [49, 98]
    lines = (seeds / OCP_12).read_text(encoding="utf-8").splitlines()
    kept = {line.line for line in register.unread}
    from workreg.registers.parse import _model_lines
    kept |= _model_lines(register)
    missing = [n for n, text in enumerate(lines, 1) if text.strip() and n not in kept]
    # Headings, sub-headings and labels are understood without a field of their own.
    assert all(lines[n - 1].strip() in {"Alliance Organizations", "Open Compute Project", "DMTF", "Alliance Benefits",
                                        "Activities", "Limitations", "Milestones / Dates", "Access",
                                        "Documentation", "Work Register Review Date",
                                        "Resources Identified / Points of Contact:", "OCP:", "DMTF:",
                                        "Corresponding OCP Document", "Approval by the DMTF Board of Directors",
                                        "Additional Considerations", "Milestone/Deliverables\tTimeframe"}
               for n in missing), [lines[n - 1] for n in missing]


def test_ocp_10_to_12_diff_reports_the_real_small_changes(seeds):
    # OCP 1.0 draft 1, line 11: "[Open Compute Project](#) (OCP) and the [Distributed Management Task
    # Force](#) (DMTF)"; OCP 1.2, line 9: "Open Compute Project and the DMTF".  Line 7 / line 5: the
    # introduction now says "objectives, scope, ..." and "alliance collaboration".
    records = diff_registers(read_register(seeds / OCP_10), read_register(seeds / OCP_12), load_vocabulary())
    statement = [r for r in records if r.section == "organizations" and r.fields == ("statement",)]
    assert [(r.line_old, r.line_new, r.after) for r in statement] == [(11, 9, "Open Compute Project and the DMTF")]
    intro = [r for r in records if r.section == "introduction"]
    assert [(r.change, r.line_old, r.line_new) for r in intro] == [("modified", 7, 5)]
    assert "alliance collaboration" in intro[0].after and "alliance partnership" in intro[0].before
    assert [(r.change, r.after, r.line_new) for r in records if r.section == "process"] == [("added", "DSP4003 1.6.0", 94)]


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


def test_the_ocp_2023_record_is_not_contradicted_by_a_stated_order(seeds):
    # OCP 1.2, line 116: "This document was approved by the OCP on June 8, 2023."; line 120:
    # "Approved by the DMTF Board of Directors; Board Resolution 2023-07-16, on 07/24/2023."
    from workreg.api import diff_registers as diff

    register = read_register(seeds / OCP_12)
    assert register.corresponding_document.approval_date.value < register.approval.date.value
    result = diff(seeds / OCP_10, seeds / OCP_12)
    stated = {(e.before, e.after) for e in result.decision.order if e.interpretation is None}
    assert ("board_approval", "partner_approval") not in stated
    assert "partner_approval" in result.decision.unordered
    # The register names DSP4003 1.6.0 as its process; workreg has 1.2.0 and says so.
    assert [(w.line, "DSP4003 1.6.0" in w.message) for w in result.warnings] == [(94, True)]
