"""Issue 17: lint, registers and approvals say what the text says, and credit each quote to its text."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workreg.api import get_policy
from workreg.cli import main
from workreg.registers.lint import lint_register
from workreg.registers.read import read_register

OFA = "work-register-ofa-1.0b.txt"


def _review(seeds, version: str):
    findings = lint_register(read_register(seeds / OFA), today=date(2026, 11, 21), file=OFA,
                             policy=get_policy(f"dsp4003@{version}"))
    return {f.rule: f for f in findings}


def test_date_initiated_is_called_so_not_the_last_approval(seeds):
    review = _review(seeds, "1.2.0")["review-overdue"]
    assert "the last approval" not in review.message
    assert "no approval is recorded and the register's date initiated (2018-09-13)" in review.message
    assert "the register's own next review date (2020-03) has passed" in review.message
    assert "should be done at least every 24 months" in review.message


@pytest.mark.parametrize("version,document", [("1.0", "DSP4003 1.0.1c"), ("1.1", "DSP4003 1.1b")])
def test_a_reconstruction_is_never_credited_with_the_published_words(seeds, version, document):
    findings = _review(seeds, version)
    for rule in ("review-overdue", "missing-board-resolution"):
        message = findings[rule].message
        assert f"{document} (reconstructed; the words are DSP4003 1.2.0's) §" in message, message
        assert f'{document} §' not in message
    assert "reconstructed from DSP4003 1.2.0" in findings["process-version"].message


def test_lint_json_says_reconstructed(seeds, capsys):
    main(["lint", str(seeds / OFA), "--policy", "dsp4003@1.0", "--today", "2026-11-21", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    board = next(f for f in findings if f["rule"] == "missing-board-resolution")
    assert "(reconstructed; the words are DSP4003 1.2.0's)" in board["message"]


def test_periodic_review_says_the_24_months_are_a_should(capsys):
    for fmt in ("text", "json", "markdown"):
        assert main(["approvals", "periodic_review", "--format", fmt]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert '\\"should\\"' in out if fmt == "json" else '"should"' in out
        assert "a recommendation rather than a" in out


def test_the_portfolio_says_whose_date_and_which_rule(seeds, capsys):
    main(["registers", str(seeds / OFA), "--today", "2026-11-21", "--policy", "dsp4003@1.1"])
    out = " ".join(capsys.readouterr().out.split())
    assert 'the policy says updates "should" be done at least every 24 months' in out
    assert "DSP4003 1.1b, reconstructed; the words are DSP4003 1.2.0's" in out
    assert "the register's own date, not the policy's rule" in out
