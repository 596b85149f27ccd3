"""Output that pipes: one record per line off a terminal, wrapping at spaces only on one, linear.

Issue 20: piped output wrapped at 100 columns split ids and paths across lines; issue 18: wrapping
a 9 MB word was quadratic.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.cli import main
from workreg.outputs import UNLIMITED, fill, force_width, table, text_width, wrap_lines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "registers"


@pytest.fixture(autouse=True)
def _no_forced_width():
    yield
    force_width(None)


def test_off_a_terminal_nothing_wraps(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")  # the terminal's width says nothing about a pipe
    assert text_width() == UNLIMITED
    line = "word " * 200
    assert wrap_lines(line) == line


def test_width_forces_wrapping_and_zero_never_wraps():
    force_width(60)
    assert text_width() == 60
    force_width(0)
    assert text_width() == UNLIMITED
    force_width(10)
    assert text_width() == 40  # never narrower than 40 columns


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text(alphabet="abc:_/.-é", min_size=1, max_size=70), min_size=1, max_size=40),
       width=st.integers(min_value=10, max_value=120))
def test_fill_breaks_only_between_words(words, width):
    text = " ".join(words)
    lines = fill(text, width, "  ", "      ").split("\n")
    assert [w for line in lines for w in line.split()] == words  # no word cut, none lost
    for line in lines:
        assert len(line) <= width or len(line.split()) == 1  # over only where one word is too long


def test_a_huge_word_is_written_whole():
    word = "x" * 2_000_000
    assert wrap_lines("  " + word, 40) == "  " + word
    assert fill(word + " tail", 10).split("\n") == [word, "tail"]


def test_table_never_splits_an_id_and_keeps_whole_columns():
    rows = [["1", "Originating Committee (Alliance Committee)", "affected_committee_ballot:Marketing Committee"]]
    text = table(["Stage", "Approver", "Gate"], rows, width=60, whole=(2,))
    assert "affected_committee_ballot:Marketing Committee" in text
    assert all("originating" not in line or "Committee" in line for line in text.splitlines())
    piped = table(["Stage", "Approver", "Gate"], rows)
    assert len(piped.splitlines()) == 3  # header, rule, one row


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_piped_lint_is_one_finding_per_line_at_any_path_length(tmp_path, capsys):
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 8)
    deep.mkdir(parents=True)
    register = deep / "acme-1.0-draft.txt"
    register.write_text((EXAMPLES / "acme-1.0-draft.txt").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(capsys, "lint", str(register), "--today", "2026-11-21")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith(f"{register}:") for line in lines)
    assert all(re.match(rf"{re.escape(str(register))}:\d+: (error|warning|info): [a-z-]+: ", line) for line in lines)


def test_a_terminal_width_wraps_every_long_line_at_spaces(capsys):
    code, out, _ = run(capsys, "approvals", "scope_extension", "--width", "72")
    assert code == 0
    for line in out.splitlines():
        if len(line) > 72:
            assert re.search(r"\S  +\S", line.strip()) or len(line.split()) == 1, line  # a table row or one word
    assert "partner_approval" in out and "originating_committee_ballot" in out  # ids whole


def test_width_after_the_subcommand_or_before_it(capsys):
    assert run(capsys, "--width", "60", "approvals", "contact_change")[1] == \
        run(capsys, "approvals", "contact_change", "--width", "60")[1]


def test_width_must_be_a_number(capsys):
    code, _, err = run(capsys, "approvals", "contact_change", "--width", "²")
    assert code == 2 and "expected a number of columns" in err


def test_case_status_piped_keeps_gate_ids_on_one_line(tmp_path, capsys):
    db = str(tmp_path / "cases.db")
    code, out, _ = run(capsys, "case", "open", "--change", "deliverable_adjustment",
                       "--committee", "Marketing Committee", "--db", db, "--by", "test")
    assert code == 0
    assert any("affected_committee_ballot:Marketing Committee" in line for line in out.splitlines())


def test_console_script_piped_has_no_wrapped_lines(tmp_path):
    """The real process with stdout a pipe: the longest line of `approvals` is longer than 100."""
    result = subprocess.run([sys.executable, "-m", "workreg", "approvals", "new_register"],
                            capture_output=True, text=True, env={"COLUMNS": "40", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) > 100
