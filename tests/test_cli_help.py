"""Errors that help: did-you-mean for every subcommand's options, what a missing argument could
be, --version everywhere, and shell completion generated from the parser."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from workreg import __version__
from workreg.cli import build_parser, main
from workreg.cli.completion import SHELLS, completion_script

from tests.conftest import parser_leaves

LEAVES = list(parser_leaves(build_parser()))
REQUIRED = {  # the least each command needs before an unknown option is reached
    ("approvals",): ["scope_extension"], ("check",): ["x.yaml"], ("show",): ["x.txt"],
    ("diff",): ["a.txt", "b.txt"], ("lint",): ["x.txt"], ("case", "open"): ["--change", "removal"],
    ("case", "record"): ["1", "gate", "--outcome", "approved", "--date", "2026-01-01"],
    ("case", "status"): ["1"], ("case", "log"): ["1"], ("case", "migrate"): ["1", "--policy", "dsp4003"],
    ("registers",): ["x.txt"], ("compare",): ["a", "b"], ("render",): ["dsp4003"],
    ("coverage",): ["dsp4003", "features"], ("gherkin",): ["dsp4003"], ("token", "create"): ["--role", "board", "--name", "n"],
    ("token", "revoke"): ["abc"], ("completion",): ["bash"], ("analyze",): ["dsp4003"],
}


def _misspelt(option: str) -> str:
    """The option with one letter doubled: close enough for a did-you-mean, never a prefix of it."""
    return option[:3] + option[2] + option[3:] if len(option) > 3 else option + "x"


@pytest.mark.parametrize("path,parser", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_subcommand_suggests_its_own_options(path, parser, capsys):
    options = [o for o in parser.option_strings() if o.startswith("--") and o not in ("--help", "--version")]
    assert options, path
    for option in options:
        code = main([*path, *REQUIRED.get(path, []), _misspelt(option)])
        err = capsys.readouterr().err
        assert code == 2, (path, option)
        assert f"usage: workreg {' '.join(path)}" in err, err  # the subcommand's usage, not the top level's
        assert f"did you mean '{option}'?" in err, (option, err)


def test_the_issue_example(capsys):
    code = main(["approvals", "scope_extension", "--comittee", "X"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown option '--comittee'" in err and "did you mean '--committee'?" in err


def test_a_missing_kind_lists_the_kinds(capsys):
    assert main(["approvals"]) == 2
    err = capsys.readouterr().err
    assert "required: KIND" in err
    for kind in ("new_register", "scope_extension", "removal"):
        assert kind in err


def test_a_missing_action_lists_the_actions(capsys):
    assert main(["case"]) == 2
    assert "give one of: open, record, status, list, log, migrate" in capsys.readouterr().err


@pytest.mark.parametrize("path", [p for p, _ in LEAVES] + [("case",), ("token",), ()], ids=str)
def test_version_on_every_subcommand(path, capsys):
    assert main([*path, "--version"]) == 0
    assert capsys.readouterr().out == f"workreg {__version__}\n"


def test_completion_knows_every_subcommand_and_option():
    parser = build_parser()
    for shell in SHELLS:
        script = completion_script(shell, parser)
        for path, leaf in LEAVES:
            assert path[-1] in script, (shell, path)
        assert "scope_extension" in script  # the default policy's change kinds


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("words,expected", [
    (["workreg", "appr"], "approvals"),
    (["workreg", "case", "mig"], "migrate"),
    (["workreg", "case", "open", "--form"], "--format"),
    (["workreg", "case", "open", "--format", "j"], "json"),
    (["workreg", "approvals", "scope_e"], "scope_extension"),
    (["workreg", "approvals", "scope_extension", "--comm"], "--committee"),
])
def test_bash_completion_completes(words, expected, tmp_path):
    script = tmp_path / "workreg.bash"
    script.write_text(completion_script("bash", build_parser()))
    array = " ".join(f"'{w}'" for w in words)
    probe = (f"source {script}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _workreg; "
             'printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.split(), result.stdout


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_script_parses(tmp_path):
    script = tmp_path / "workreg.fish"
    script.write_text(completion_script("fish", build_parser()))
    assert subprocess.run(["fish", "--no-execute", str(script)], capture_output=True).returncode == 0


def test_completion_command_prints_the_script(capsys):
    assert main(["completion", "bash"]) == 0
    assert "complete -o filenames -F _workreg workreg" in capsys.readouterr().out
    assert main(["completion", "tcsh"]) == 2


def test_width_and_version_do_not_leak_into_handlers():
    args = build_parser().parse_args(["approvals", "removal"])
    assert not hasattr(args, "width")
    assert isinstance(args, argparse.Namespace)


COMMANDS_PAGE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "commands.md"
GLOBAL_OPTIONS = {"--help", "--version", "--width"}


def _table_rows() -> dict[str, str]:
    rows = {}
    for line in COMMANDS_PAGE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `workreg ([a-z]+(?: (?:open|record|status|list|log|migrate|create))?)", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("path,parser", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_the_commands_table_lists_every_command_and_option(path, parser):
    rows = _table_rows()
    name = " ".join(path)
    key = name if name in rows else ("token create" if path[0] == "token" else name)
    assert key in rows, f"docs/reference/commands.md has no row for 'workreg {name}'"
    row = rows[key]
    for action in parser._actions:  # noqa: SLF001 - argparse has no public list of actions
        options = [o for o in action.option_strings if o not in GLOBAL_OPTIONS and o != "-h"]
        if options:
            assert any(re.search(rf"{re.escape(o)}\b", row) for o in options), \
                f"the row of 'workreg {name}' does not mention {options[-1]}"


@pytest.mark.parametrize("argv", [["steps"], ["coverage", "dsp4003", "features"]])
def test_commands_of_the_bdd_extra_name_it_when_it_is_missing(argv, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pytest_bdd" else real(name, *a))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "missing-extra" in err and "pip install 'workreg[bdd]'" in err and "Traceback" not in err
