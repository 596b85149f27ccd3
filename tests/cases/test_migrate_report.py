"""`case migrate` says what the move changes, a gate it reopens included (issue 20: it printed
"Adds: nothing / Drops: nothing" while the case went from complete to open)."""

from __future__ import annotations

import json

from workreg.cli import main


def test_migrate_reports_a_gate_it_reopens(tmp_path, capsys):
    db = str(tmp_path / "cases.db")
    base = ["--db", db, "--by", "test"]
    assert main(["case", "open", "--change", "deliverable_adjustment", "--committee", "Alliance Committee", *base]) == 0
    for gate in ("originating_committee_ballot", "partner_approval"):
        assert main(["case", "record", "1", gate, "--outcome", "approved", "--date", "2025-09-10", *base]) == 0
    capsys.readouterr()
    assert main(["case", "migrate", "1", "--policy", "dsp4003@1.1", *base, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["added"] == [] and report["dropped"] == []
    # Under 1.2.0 the Alliance Committee's ballot as Originating Committee gives its approval as an
    # affected committee; 1.1 names no default Originating Committee, so that gate is open again.
    assert report["reopened"] == ["affected_committee_ballot:Alliance Committee"]
    assert report["was_complete"] is True and report["status"]["complete"] is False


def test_migrate_text_says_the_case_reopened(tmp_path, capsys):
    db = str(tmp_path / "cases.db")
    base = ["--db", db, "--by", "test"]
    main(["case", "open", "--change", "deliverable_adjustment", "--committee", "Alliance Committee", *base])
    for gate in ("originating_committee_ballot", "partner_approval"):
        main(["case", "record", "1", gate, "--outcome", "approved", "--date", "2025-09-10", *base])
    capsys.readouterr()
    main(["case", "migrate", "1", "--policy", "dsp4003@1.1", *base])
    out = capsys.readouterr().out
    assert "Reopens (done before, not under the new version): affected_committee_ballot:Alliance Committee" in out
    assert "Status: complete before, open now" in out
