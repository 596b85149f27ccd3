"""Lint rules on purpose-written fixtures: each rule fires where it should and nowhere else."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workreg.registers.lint import RULES, format_json, format_text, has_errors, lint_register
from workreg.registers.read import read_register


def _rules(findings):
    return sorted({(finding.rule, finding.line) for finding in findings})


def test_complete_register_is_clean(fixtures):
    assert lint_register(read_register(fixtures / "complete.md"), today=date(2025, 6, 1)) == []


def test_word_export_placeholders(fixtures):
    findings = lint_register(read_register(fixtures / "word-export.txt"), today=date(2019, 6, 1), file="w.txt")
    assert _rules(findings) == [
        ("milestone-without-timeframe", 25),
        ("missing-board-resolution", 46),
        ("missing-contacts", 40),
        ("placeholder", 15),
        ("placeholder", 28),
        ("placeholder", 32),
        ("placeholder", 35),
        ("placeholder", 37),
        ("placeholder", 40),
        ("placeholder", 44),
        ("placeholder", 46),
        ("unread-line", 20),  # the template's "This section lists milestones." is listed, not dropped
    ]
    board = [f for f in findings if f.line == 46 and f.rule == "placeholder"][0]
    assert board.message == "placeholder '<resolution ID>', '<date>' in board approval"
    assert all(f.file == "w.txt" for f in findings)


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (date(2021, 12, 31), False),  # review January 2022 not reached, approval 2020-03-09 < 24 months
        (date(2022, 2, 1), True),     # review month January 2022 has passed
    ],
)
def test_review_overdue_by_review_date(fixtures, today, overdue):
    findings = lint_register(read_register(fixtures / "esa-1.0.txt"), today=today)
    review = [f for f in findings if f.rule == "review-overdue"]
    assert bool(review) is overdue
    if overdue:
        assert review[0].severity == "warning"
        # The register's own date is the register's statement, not §4's rule: §4 is not cited for it.
        assert "the register's own next review date (2022-01) has passed" in review[0].message
        assert "§4" not in review[0].message
        assert review[0].line == 31


def test_review_overdue_by_24_months_since_approval(tmp_path, fixtures):
    text = (fixtures / "esa-1.1.txt").read_text(encoding="utf-8").replace("May 2024", "May 2030")
    path = tmp_path / "esa.txt"
    path.write_text(text, encoding="utf-8")
    register = read_register(path)
    assert [f.rule for f in lint_register(register, today=date(2024, 6, 20))] == []
    findings = lint_register(register, today=date(2024, 6, 21))
    assert [f.rule for f in findings] == ["review-overdue"]
    assert "board approval 2022-06-20" in findings[0].message
    assert "is more than 24 months old, and the policy says updates should be done at least every 24 months " \
        "(DSP4003 1.2.0 §4: " in findings[0].message


def test_missing_sections_and_board_resolution(tmp_path):
    path = tmp_path / "partial.md"
    path.write_text(
        "# P / DMTF Work Register\n\n## Alliance Organizations\n\nPartner Org (PO) and the DMTF\n\n"
        "## Activities\n\n- Joint Redfish work\n\n## Milestones\n\n- Kick-off - Q1 2025\n\n"
        "## Access\n\n## Points of Contact\n\nPO:\n\n- Pat Doe, pat@po.example\n",
        encoding="utf-8",
    )
    findings = lint_register(read_register(path), today=date(2025, 1, 1))
    missing = sorted(f.message for f in findings if f.rule == "missing-section")
    assert missing == [
        "required section 'Alliance Benefits' is missing",
        "required section 'Approval by the DMTF Board of Directors' is missing",
        "required section 'Corresponding Alliance Partner Document' is missing",
        "required section 'Work Register Review Date' is missing",
    ]
    assert [f.message for f in findings if f.rule == "placeholder"] == ["required section 'Access' is empty"]
    assert [f.message for f in findings if f.rule == "missing-contacts"] == ["no real point of contact listed for DMTF"]
    assert any(f.rule == "missing-board-resolution" for f in findings)
    assert has_errors(findings)


def test_done_milestone_needs_no_timeframe(tmp_path, fixtures):
    text = (fixtures / "esa-1.0.txt").read_text(encoding="utf-8").replace("ESA storage workshops\tTBD", "ESA storage workshops - done\tTBD")
    path = tmp_path / "esa.txt"
    path.write_text(text, encoding="utf-8")
    assert not [f for f in lint_register(read_register(path), today=date(2020, 6, 1)) if f.rule == "milestone-without-timeframe"]


def test_formats(fixtures):
    findings = lint_register(read_register(fixtures / "esa-1.0.txt"), today=date(2020, 6, 1), file="esa.txt")
    assert format_text(findings) == (
        "esa.txt:23: warning: milestone-without-timeframe: milestone 'ESA storage workshops' has no timeframe ('TBD')\n"
    )
    assert json.loads(format_json(findings)) == [{
        "file": "esa.txt", "rule": "milestone-without-timeframe", "severity": "warning",
        "message": "milestone 'ESA storage workshops' has no timeframe ('TBD')", "line": 23,
    }]
    assert format_text([]) == "" and json.loads(format_json([])) == []


def test_rule_ids_are_stable():
    assert RULES == {
        "missing-section": "error",
        "placeholder": "error",
        "missing-board-resolution": "error",
        "missing-contacts": "error",
        "review-overdue": "warning",
        "milestone-without-timeframe": "warning",
        "process-version": "warning",
        "date-out-of-window": "warning",
        "unread-line": "info",
    }


def _policy(review: str, records: bool):
    """The minimal policy with a review cycle (or none) and (or not) a step recording the board approval."""
    from tests.conftest import FIXTURES
    from workreg.policy.compile import compile_policy
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.load import load_policy_text

    text = (FIXTURES / "policies" / "minimal.yaml").read_text(encoding="utf-8")
    if records:
        text = text.replace("    kind: approval\n    phase: approval\n", "    kind: approval\n    phase: approval\n"
                            "    records: board_approval\n", 1)
    text += review
    return CompiledPolicy(compile_policy(load_policy_text(text, "mini.yaml")))


YEARLY_MUST = """review_cycle:
  interval_months: 12
  strength: must
  performed_by: committee
  citation: {section: "5", quote: The committee must review every year.}
"""


@pytest.mark.parametrize(("review", "records", "rules", "severity", "cited"), [
    (YEARLY_MUST, True, ["review-overdue"], "error", '(MINI 1.0 §5: "The committee must review every year.")'),
    (YEARLY_MUST.replace("strength: must", "strength: may"), False, ["review-overdue"], "info", "§5"),
    ("", False, [], None, None),  # no review cycle, no record asked for: nothing of DSP4003's applies
])
def test_lint_reads_its_requirements_from_the_policy(tmp_path, fixtures, review, records, rules, severity, cited):
    text = (fixtures / "esa-1.1.txt").read_text(encoding="utf-8").replace("May 2024", "May 2030")
    path = tmp_path / "esa.txt"
    path.write_text(text, encoding="utf-8")
    register = read_register(path)
    findings = lint_register(register, today=date(2023, 7, 1), policy=_policy(review, records))
    assert [f.rule for f in findings] == rules
    if rules:
        assert findings[0].severity == severity and cited in findings[0].message
        assert "more than 12 months old" in findings[0].message


def test_board_resolution_is_checked_only_where_the_policy_records_it(fixtures):
    register = read_register(fixtures / "word-export.txt")
    with_record = lint_register(register, today=date(2019, 6, 1), policy=_policy("", True))
    without = lint_register(register, today=date(2019, 6, 1), policy=_policy("", False))
    board = [f for f in with_record if f.rule == "missing-board-resolution"]
    assert len(board) == 1 and board[0].message.startswith("'Approval by the DMTF Board of Directors': ")
    assert '(MINI 1.0 §2: "The board approves after the committee.")' in board[0].message
    assert not [f for f in without if f.rule == "missing-board-resolution"]
