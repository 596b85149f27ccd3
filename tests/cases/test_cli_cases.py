"""``workreg case ...`` end to end, in-process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from workreg.cli import main
from tests.conftest import FIXTURES

POLICY_DIR = FIXTURES / "policies" / "cases"
REGISTERS = FIXTURES / "registers"
STATUS_KEYS = {"id", "title", "policy", "policy_hash", "provenance", "as_of", "changes", "committees",
               "originating", "subject", "opened_at", "opened_by", "complete", "done", "next", "waiting",
               "stopped", "unspecified", "notes", "events"}
GATE_KEYS = {"gate", "name", "approver", "kind", "title", "stage", "status", "citation", "outcome", "date", "ref",
             "by", "note", "seq", "given_by", "waiting_on", "unspecified"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def record(capsys, db, case, gate, day, *extra, outcome="approved"):
    return run(capsys, "case", "record", case, gate, "--outcome", outcome, "--date", day, "--db", db, "--by", "t",
               *extra)


# -- the "done when": OCP 1.0 draft 1 -> 1.2 under DSP4003 1.2.0 ------------------------------------------

OCP_ORDER = [  # as it happened: the partner first; the partner's and the Board's dates and the resolution are the register's
    ("partner_approval", "2023-06-08", ["--ref", "approved by the OCP"]),
    ("originating_committee_ballot", "2023-06-13", ["--ref", "Alliance Committee ballot"]),
    ("affected_committee_ballot:Marketing Committee", "2023-06-20", []),
    ("board_approval", "2023-07-24", ["--ref", "Board Resolution 2023-07-16"]),
]


def test_ocp_update_case_runs_to_completion(capsys, db_url, seeds):
    opened = run_json(capsys, "case", "open", "--diff", seeds / "work-register-ocp-1.0-draft1.txt",
                      seeds / "work-register-ocp-1.2.txt", "--db", db_url, "--by", "t")
    assert set(opened) >= STATUS_KEYS and opened["policy"] == "dsp4003@1.2.0" and len(opened["policy_hash"]) == 64
    # §4 gives an update's approvals no order: any may be held first (the policy's reading that the
    # Board follows the committees is an interpretation, which holds nothing back).
    assert {g["gate"] for g in opened["next"]} == {"originating_committee_ballot", "board_approval",
                                                   "affected_committee_ballot:Marketing Committee", "partner_approval"}
    case = opened["id"]
    for gate, day, extra in OCP_ORDER:
        code, out, err = record(capsys, db_url, case, gate, day, *extra)
        assert code == 0, err
    status = run_json(capsys, "case", "status", case, "--db", db_url)
    assert status["complete"] is True and status["next"] == [] and status["waiting"] == []
    board = next(g for g in status["done"] if g["gate"] == "board_approval")
    assert set(board) == GATE_KEYS and board["ref"] == "Board Resolution 2023-07-16" and board["date"] == "2023-07-24"
    assert [e["kind"] for e in status["events"]] == ["opened", "recorded", "recorded", "recorded", "recorded"]
    # The OCP accepted (June 8) before the Board approved (July 24): no order the text states says otherwise.
    assert status["notes"] == []
    code, out, _ = run(capsys, "case", "status", case, "--db", db_url)
    assert code == 0 and "Status: COMPLETE" in out


def test_an_order_the_policy_reads_into_the_text_is_noted_not_refused(capsys, db_url):
    # §4 gives a scope extension's approvals no order; the policy's reading puts the Board after the
    # Originating Committee (an interpretation): recording the Board first is allowed, and noted.
    opened = run_json(capsys, "case", "open", "--change", "scope_extension", "--db", db_url, "--by", "t")
    case = opened["id"]
    assert [g["gate"] for g in opened["waiting"]] == []
    code, out, err = record(capsys, db_url, case, "board_approval", "2026-02-01")
    assert code == 0, err
    status = run_json(capsys, "case", "status", case, "--db", db_url)
    [note] = status["notes"]
    assert note["code"] == "out-of-order" and "interpretation" in note["text"]


# -- the same behaviours on purpose-written inputs ---------------------------------------------------------------

def open_relay(capsys, db, *extra, version="relay@1.0"):
    return run_json(capsys, "case", "open", "--change", "big", "--committee", "P1", "--policy", version,
                    "--policy-dir", POLICY_DIR, "--db", db, "--by", "opener", *extra)


def test_record_in_order_to_completion(capsys, db_url):
    case = open_relay(capsys, db_url)["id"]
    assert record(capsys, db_url, case, "partner_ack", "2026-01-05")[0] == 1
    for gate, day in [("office_ballot", "2026-01-01"), ("panel_ballot:P1", "2026-01-02"),
                      ("board_approval", "2026-01-03"), ("partner_ack", "2026-01-04")]:
        code, out, err = record(capsys, db_url, case, gate, day)
        assert code == 0 and f"Recorded {gate}: approved {day}" in out, err
    status = run_json(capsys, "case", "status", case, "--db", db_url)
    assert status["complete"] and status["notes"] == []
    assert next(g for g in status["done"] if g["gate"] == "council_approval")["given_by"] == "office_ballot"
    code, out, err = record(capsys, db_url, case, "partner_ack", "2026-01-04")
    assert code == 1 and "already-recorded" in err


def test_rejection_says_what_the_policy_leaves_open(capsys, db_url):
    case = open_relay(capsys, db_url)["id"]
    assert record(capsys, db_url, case, "office_ballot", "2026-01-01", outcome="rejected")[0] == 0
    status = run_json(capsys, "case", "status", case, "--db", db_url)
    assert [g["gate"] for g in status["stopped"]] == ["office_ballot"]
    assert status["stopped"][0]["unspecified"]["text"] == "RELAY 1.0 does not say what follows a rejected ballot."
    code, out, _ = run(capsys, "case", "status", case, "--db", db_url)
    assert "not specified: RELAY 1.0 does not say what follows a rejected ballot." in out
    code, _, err = record(capsys, db_url, case, "office_ballot", "2026-02-01")
    assert code == 1 and "already-recorded" in err and "--again" in err
    code, _, err = record(capsys, db_url, case, "office_ballot", "2026-02-01", "--again")
    assert code == 0, err
    assert run_json(capsys, "case", "status", case, "--db", db_url)["stopped"] == []


def test_dsp4003_rejection_cites_the_ballot_process(capsys, sqlite_url):
    case = run_json(capsys, "case", "open", "--change", "scope_extension", "--db", sqlite_url)["id"]
    record(capsys, sqlite_url, case, "originating_committee_ballot", "2026-01-01", outcome="withdrawn")
    stopped = run_json(capsys, "case", "status", case, "--db", sqlite_url)["stopped"][0]
    assert stopped["unspecified"]["citation"]["section"] == "3.2"
    assert "does not say what follows a register withdrawn" in stopped["unspecified"]["text"]


def test_status_markdown_is_an_agenda_checklist(capsys, sqlite_url):
    case = open_relay(capsys, sqlite_url)["id"]
    record(capsys, sqlite_url, case, "office_ballot", "2026-01-01", "--ref", "ballot 7")
    code, out, _ = run(capsys, "case", "status", case, "--db", sqlite_url, "--format", "markdown")
    assert code == 0 and out.startswith(f"## Case {case}: big\n")
    assert "- [x] **Office ballot** — Council (ballot, stage 1, §7): approved 2026-01-01, ballot 7, by t" in out
    assert "- [ ] **Panel ballot** — P1 (ballot, stage 1, §7): **may be held now**" in out
    assert "- [ ] **Board approval** — Board (approval, stage 2, §7): waits for panel_ballot:P1 (next; §4)" in out


def test_list_and_log(capsys, db_url):
    first = open_relay(capsys, db_url, "--title", "first")["id"]
    second = run_json(capsys, "case", "open", "--change", "small", "--policy", "relay@1.0", "--policy-dir",
                      POLICY_DIR, "--db", db_url)["id"]
    record(capsys, db_url, second, "office_ballot", "2026-01-01")
    rows = run_json(capsys, "case", "list", "--db", db_url)
    assert [(r["id"], r["complete"]) for r in rows] == [(first, False), (second, True)]
    assert [r["id"] for r in run_json(capsys, "case", "list", "--open", "--db", db_url)] == [first]
    code, out, _ = run(capsys, "case", "list", "--db", db_url)
    assert code == 0 and "first" in out and "complete" in out
    events = run_json(capsys, "case", "log", second, "--db", db_url)
    assert [(e["seq"], e["kind"]) for e in events] == [(1, "opened"), (2, "recorded")]
    assert set(events[1]) >= {"case", "seq", "kind", "at", "by", "policy_hash", "gate", "outcome", "date", "ref", "note"}
    assert events[1]["by"] == "t" and events[0]["policy_hash"] == events[1]["policy_hash"]
    code, out, _ = run(capsys, "case", "log", second, "--db", db_url)
    assert code == 0 and "#2" in out and "office_ballot approved 2026-01-01" in out


def test_migrate_reports_what_the_move_adds_and_drops(capsys, db_url):
    case = open_relay(capsys, db_url)["id"]
    record(capsys, db_url, case, "office_ballot", "2026-01-01")
    report = run_json(capsys, "case", "migrate", case, "--policy", "relay@2.0", "--policy-dir", POLICY_DIR,
                      "--db", db_url)
    assert report["from"] == "relay@1.0" and report["to"] == "relay@2.0"
    assert report["added"] == ["audit"] and report["dropped"] == ["council_approval"]
    status = report["status"]
    assert status["policy"] == "relay@2.0" and {g["gate"] for g in status["next"]} == {"panel_ballot:P1", "audit"}
    assert [e["kind"] for e in status["events"]] == ["opened", "recorded", "migrated"]
    assert status["events"][2]["policy_hash"] != status["events"][1]["policy_hash"]
    code, _, err = run(capsys, "case", "migrate", case, "--policy", "relay@2.0", "--policy-dir", POLICY_DIR,
                       "--db", db_url)
    assert code == 1 and "same-policy" in err


def test_an_open_case_keeps_its_policy_when_the_yaml_changes(capsys, tmp_path, sqlite_url):
    folder = tmp_path / "policies" / "relay"
    folder.mkdir(parents=True)
    shutil.copy(POLICY_DIR / "relay" / "1.0.yaml", folder / "1.0.yaml")
    case = run_json(capsys, "case", "open", "--change", "big", "--committee", "P1", "--policy", "relay@1.0",
                    "--policy-dir", tmp_path / "policies", "--db", sqlite_url)
    text = (folder / "1.0.yaml").read_text(encoding="utf-8")
    (folder / "1.0.yaml").write_text(text.replace(
        "      - {step: partner_ack, citation: {section: \"7\", quote: A big change needs everyone.}}\n", ""),
        encoding="utf-8")
    assert "partner_ack" not in run_json(capsys, "approvals", "big", "--policy", "relay@1.0", "--policy-dir",
                                         tmp_path / "policies")["stages"][-1]
    after = run_json(capsys, "case", "status", case["id"], "--db", sqlite_url)
    assert after["policy_hash"] == case["policy_hash"]
    assert [g["gate"] for g in after["waiting"]][-1] == "partner_ack"
    (folder / "1.0.yaml").unlink()  # even gone, the case folds from the text it pinned
    assert run_json(capsys, "case", "status", case["id"], "--db", sqlite_url)["waiting"] == after["waiting"]


def test_open_from_a_register_or_a_diff_of_fixture_registers(capsys, sqlite_url):
    proposal = run_json(capsys, "case", "open", "--register", REGISTERS / "esa-1.0.txt", "--db", sqlite_url)
    assert proposal["changes"] == ["new_register"] and proposal["subject"]["from"] == "register"
    assert "Technical Committee" in proposal["committees"]
    update = run_json(capsys, "case", "open", "--diff", REGISTERS / "esa-1.0.txt", REGISTERS / "esa-1.1.txt",
                      "--db", sqlite_url)
    assert update["subject"]["from"] == "diff" and "scope_extension" in update["changes"]
    code, _, err = run(capsys, "case", "open", "--register", REGISTERS / "esa-1.0.txt", "--policy", "mini",
                       "--policy-dir", FIXTURES / "policies", "--db", sqlite_url)
    assert code == 2


def test_open_on_a_date_pins_the_version_then_in_force(capsys, sqlite_url):
    case = run_json(capsys, "case", "open", "--change", "big", "--committee", "P1", "--policy", "relay", "--on", "2005-05-05",
                    "--policy-dir", POLICY_DIR, "--db", sqlite_url)
    assert case["policy"] == "relay@1.0" and case["as_of"]["on"] == "2005-05-05"
    assert case["as_of"]["provenance"] == "reconstructed"
    code, out, _ = run(capsys, "case", "open", "--change", "big", "--committee", "P1", "--policy", "relay", "--on", "2010-06-01",
                       "--policy-dir", POLICY_DIR, "--db", sqlite_url)
    assert code == 0 and out.startswith("As of 2010-06-01: relay@2.0, in force from 2010-06-01")
    code, _, err = run(capsys, "case", "open", "--change", "big", "--policy", "relay", "--on", "2000-12-31",
                       "--policy-dir", POLICY_DIR, "--db", sqlite_url)
    assert code == 2 and "before-first-version" in err


def test_database_from_the_environment_or_the_working_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKREG_DB", raising=False)
    assert run_json(capsys, "case", "open", "--change", "removal")["id"] == 1
    assert (tmp_path / "workreg.db").is_file()
    monkeypatch.setenv("WORKREG_DB", str(tmp_path / "other.db"))
    assert run_json(capsys, "case", "open", "--change", "removal")["id"] == 1
    assert run_json(capsys, "case", "list", "--db", tmp_path / "workreg.db")[0]["id"] == 1


@pytest.mark.parametrize("argv,code,fragment", [
    (["case", "status", "7"], 2, "unknown-case"),
    (["case", "record", "7", "x", "--outcome", "approved", "--date", "2026-01-01"], 2, "unknown-case"),
    (["case", "log", "7"], 2, "unknown-case"),
    (["case", "record", "1", "propose", "--outcome", "approved", "--date", "2026-02-30"], 2, "bad-date"),
    (["case", "record", "1", "propose", "--outcome", "maybe", "--date", "2026-02-01"], 2, "usage"),
    (["case", "status", "0"], 2, "usage"),
    (["case", "status", "x"], 2, "usage"),
    (["case", "open", "--change", "nonsense"], 2, "unknown-change-kind"),
    (["case", "open"], 2, "usage"),
    (["case", "open", "--change", "removal", "--diff", "a", "b"], 2, "usage"),
    (["case", "open", "--change", "removal", "--vocabulary", "v.yaml"], 2, "usage"),
    (["case", "migrate", "1", "--policy", "dsp4003@9"], 2, "unknown-policy-version"),
])
def test_bad_input_exits_2(capsys, sqlite_url, argv, code, fragment):
    run_json(capsys, "case", "open", "--change", "removal", "--db", sqlite_url)
    got, out, err = run(capsys, *argv, "--db", sqlite_url)
    assert got == code and fragment in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["case", "status", "1"], ["case", "list"], ["case", "log", "1"]])
def test_reading_never_creates_a_database(capsys, tmp_path, argv):
    code, _, err = run(capsys, *argv, "--db", tmp_path / "none.db")
    assert code == 2 and "no-database" in err and not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("content,code", [(b"this is not sqlite" * 100, "bad-database"), (None, "bad-database")])
def test_a_file_that_is_not_a_case_database(capsys, tmp_path, content, code):
    target = tmp_path / "x.db"
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    got, _, err = run(capsys, "case", "list", "--db", target)
    assert got == 2 and code in err


def test_unknown_url_scheme_and_missing_driver(capsys, monkeypatch):
    code, _, err = run(capsys, "case", "list", "--db", "mysql://u:secret@h/db")
    assert code == 2 and "bad-db-url" in err and "secret" not in err
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if psycopg were not installed
    code, _, err = run(capsys, "case", "list", "--db", "postgresql://u:secret@localhost/db")
    assert code == 2 and "missing-driver" in err and "workreg[postgres]" in err and "secret" not in err


def test_unreachable_postgres_is_an_error_without_the_password(capsys, tmp_path):
    pytest.importorskip("psycopg")
    code, _, err = run(capsys, "case", "list", "--db", f"postgresql://u:secret@/db?host={tmp_path}&port=1")
    assert code == 2 and "db-unavailable" in err and "secret" not in err
