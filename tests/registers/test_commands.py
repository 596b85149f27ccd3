"""The show/lint subcommands as the main CLI will call them, and the golden ``show --format json``."""

from __future__ import annotations

import json
import os

import pytest

from workreg.errors import RegisterError, WorkregError, WorkregErrors
from workreg.cli.args import Parser
from workreg.cli.registers import parse_today, register_commands

from .conftest import GOLDEN


def run(argv: list[str]) -> int:
    parser = Parser(prog="workreg")
    register_commands(parser.add_subparsers(dest="command", required=True, parser_class=Parser))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_show_json_matches_golden(fixtures, capsys, monkeypatch):
    monkeypatch.chdir(fixtures)
    assert run(["show", "complete.md", "--format", "json"]) == 0
    output = capsys.readouterr().out
    golden = GOLDEN / "show-complete.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_show_yaml_and_text(fixtures, capsys):
    assert run(["show", str(fixtures / "esa-1.0.txt"), "--format", "yaml"]) == 0
    assert "deliverable: ESA storage workshops" in capsys.readouterr().out
    assert run(["show", str(fixtures / "esa-1.0.txt")]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Example Storage Alliance (ESA) / DMTF Work Register\n")
    assert "    23  [open] ESA storage workshops | TBD" in text


def test_lint_exit_codes(fixtures, capsys):
    assert run(["lint", str(fixtures / "complete.md"), "--today", "2025-06-01"]) == 0
    assert capsys.readouterr().out == ""
    assert run(["lint", str(fixtures / "esa-1.0.txt"), "--today", "2020-06-01"]) == 0  # warnings only
    capsys.readouterr()
    assert run(["lint", str(fixtures / "word-export.txt"), "--today", "2020-06-01"]) == 1
    assert capsys.readouterr().out.count(": error: ") == 10


def test_lint_json_output(fixtures, capsys):
    assert run(["lint", str(fixtures / "word-export.txt"), str(fixtures / "complete.md"),
                "--today", "2020-06-01", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    assert {tuple(sorted(f)) for f in findings} == {("file", "line", "message", "rule", "severity")}
    assert {f["file"] for f in findings} == {str(fixtures / "word-export.txt")}


def test_lint_reports_readable_files_then_raises(fixtures, tmp_path, capsys):
    with pytest.raises(RegisterError) as caught:
        run(["lint", str(tmp_path / "missing.txt"), str(fixtures / "esa-1.0.txt"), "--today", "2020-06-01"])
    assert caught.value.code == "not-found"
    assert "milestone-without-timeframe" in capsys.readouterr().out
    with pytest.raises(WorkregErrors):
        run(["lint", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])


@pytest.mark.parametrize("value", ["2026-13-01", "21/11/2026", "tomorrow", "2026-1-1"])
def test_bad_today(value):
    with pytest.raises(WorkregError) as caught:
        parse_today(value)
    assert caught.value.code == "bad-date"
    assert caught.value.exit_code == 2


def test_show_bad_input_raises_register_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(RegisterError, match="binary"):
        run(["show", str(path)])
