"""``workreg registers``: the portfolio rows, the review calendar from the policy's cycle, exit 1 when overdue."""

from __future__ import annotations

import json
from datetime import date

import pytest

from workreg.cli import main
from workreg.registers.portfolio import timeframe_end
from tests.conftest import FIXTURES

REGISTERS = FIXTURES / "registers"
POLICY_DIR = FIXTURES / "policies" / "cases"
ROW_KEYS = {"file", "partner", "title", "version", "date", "board_resolution", "board_date", "partner_approval",
            "last_approval", "review_stated", "review_due", "review_basis", "overdue", "stale_milestones",
            "superseded_by", "policy", "notes"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows(capsys, *argv, expect=None):
    code, out, err = run(capsys, "registers", *argv, "--format", "json")
    assert expect is None or code == expect, err
    return {row["file"].rsplit("/", 1)[-1]: row for row in json.loads(out)}


@pytest.mark.parametrize("text,end", [
    ("Q3 2015", date(2015, 9, 30)), ("Q1 2024", date(2024, 3, 31)), ("q4 of 2019", date(2019, 12, 31)),
    ("H1 2020", date(2020, 6, 30)), ("Oct 2018", date(2018, 10, 31)), ("February 2024", date(2024, 2, 29)),
    ("July 20, 2015", date(2015, 7, 20)), ("2016", date(2016, 12, 31)), ("end of 2016", date(2016, 12, 31)),
    ("On-going", None), ("TBD", None), ("?", None), ("", None),
])
def test_timeframe_end(text, end):
    assert timeframe_end(text) == end


def test_real_seed_registers(capsys, seeds):
    got = rows(capsys, *sorted(seeds.glob("*.txt")), "--today", "2026-11-21", expect=1)
    assert set(got) == {"work-register-ocp-1.0-draft1.txt", "work-register-ocp-1.2.txt",
                        "work-register-ofa-1.0b.txt"}  # the DSP4003 text is skipped: not a register
    ocp, ofa = got["work-register-ocp-1.2.txt"], got["work-register-ofa-1.0b.txt"]
    assert set(ocp) == ROW_KEYS
    assert (ocp["partner"], ocp["version"], ocp["board_resolution"], ocp["board_date"]) == (
        "OCP", "1.2", "2023-07-16", "2023-07-24")
    assert ocp["last_approval"] == {"date": "2023-07-24", "by": "board"}
    assert (ocp["review_due"], ocp["review_basis"], ocp["overdue"]) == ("2025-07-24", "policy", True)
    assert [m["timeframe"] for m in ocp["stale_milestones"]] == ["Q3 2015", "Q3 2023"]
    assert (ofa["board_resolution"], ofa["last_approval"]) == (None, None)  # placeholders are not approvals
    assert (ofa["review_due"], ofa["review_basis"], ofa["overdue"]) == ("2020-03", "register", True)
    old = got["work-register-ocp-1.0-draft1.txt"]
    assert old["superseded_by"].endswith("work-register-ocp-1.2.txt") and old["overdue"] is False
    code, out, err = run(capsys, "registers", *sorted(seeds.glob("*.txt")), "--today", "2026-11-21")
    assert code == 1 and err == ""
    assert "work-register-ocp-1.2.txt" in out and "2025-07-24" in out and "2 overdue" in out


def test_before_the_due_date_nothing_is_overdue(capsys, seeds):
    got = rows(capsys, seeds / "work-register-ocp-1.2.txt", "--today", "2025-07-24", expect=0)
    assert got["work-register-ocp-1.2.txt"]["overdue"] is False
    assert rows(capsys, seeds / "work-register-ocp-1.2.txt", "--today", "2025-07-25",
                expect=1)["work-register-ocp-1.2.txt"]["overdue"] is True


def test_fixture_registers(capsys):
    files = [REGISTERS / name for name in ("esa-1.0.txt", "esa-1.1.txt", "complete.md", "word-export.txt",
                                           "not-a-register.txt")]
    got = rows(capsys, *files, "--today", "2026-11-21", expect=1)
    assert set(got) == {"esa-1.0.txt", "esa-1.1.txt", "complete.md", "word-export.txt"}
    complete = got["complete.md"]
    assert (complete["review_due"], complete["overdue"], complete["board_resolution"]) == ("2026-05-10", True,
                                                                                          "2024-05-01")
    assert [m["deliverable"] for m in complete["stale_milestones"]] == ["ESA reviews Redfish storage schema"]
    assert got["esa-1.0.txt"]["superseded_by"].endswith("complete.md")
    assert got["esa-1.1.txt"]["superseded_by"].endswith("complete.md")
    assert got["word-export.txt"]["review_due"] is None and got["word-export.txt"]["overdue"] is False
    assert rows(capsys, *files, "--today", "2026-05-10", expect=0)["complete.md"]["overdue"] is False


def test_the_interval_is_the_policys(capsys):
    got = rows(capsys, REGISTERS / "complete.md", "--today", "2025-06-01", "--policy", "relay", "--policy-dir",
               POLICY_DIR, expect=1)["complete.md"]
    assert (got["review_due"], got["policy"]) == ("2025-05-10", "relay@2.0")  # relay: every 12 months


def test_policy_as_of_a_date(capsys):
    code, out, _ = run(capsys, "registers", REGISTERS / "complete.md", "--today", "2025-06-01", "--policy", "relay",
                       "--on", "2005-01-01", "--policy-dir", POLICY_DIR)
    assert code == 1 and out.startswith("As of 2005-01-01: relay@1.0") and "RECONSTRUCTED" in out


@pytest.mark.parametrize("argv,fragment", [
    (["--today", "2026-13-01"], "bad-date"),
    (["--on", "1999-01-01", "--policy", "relay", "--policy-dir", str(POLICY_DIR)], "before-first-version"),
])
def test_bad_input_exits_2(capsys, argv, fragment):
    code, _, err = run(capsys, "registers", REGISTERS / "complete.md", *argv)
    assert code == 2 and fragment in err


def test_an_unreadable_file_is_an_error_after_the_rest(capsys, tmp_path):
    code, out, err = run(capsys, "registers", REGISTERS / "complete.md", tmp_path / "missing.txt",
                         "--today", "2024-06-01")
    assert code == 2 and "complete.md" in out and "missing.txt" in err


def test_superseding_is_linear_in_the_number_of_registers():
    """Each register's partner keys are read once (the portfolio of 3,000 files was quadratic: 67 s)."""
    from types import SimpleNamespace

    from workreg.registers.portfolio import Row, _supersede

    reads = []

    class Register:
        def __init__(self, index):
            self.index = index

        @property
        def organizations(self):
            reads.append(self.index)
            partner = SimpleNamespace(name=f"Partner {self.index % 7}", abbreviation=None)
            return SimpleNamespace(partner=partner)

    count = 300
    registers = [Register(i) for i in range(count)]
    rows = [Row(file=f"r{i}.txt", partner=None, title="", version=None, date=f"2020-01-{1 + i % 28:02d}",
                board_resolution=None, board_date=None, partner_approval=None, last_approval=None,
                review_stated=None, review_due=None, review_basis=None, overdue=True, stale_milestones=())
            for i in range(count)]
    result = _supersede(rows, registers)
    assert len(reads) <= count
    current = [row for row in result if row.superseded_by is None]
    assert len(current) == 7  # one per partner: the latest of its versions
    for row in result:
        if row.superseded_by:
            assert row.overdue is False and row.notes[-1] == f"superseded by {row.superseded_by}"
