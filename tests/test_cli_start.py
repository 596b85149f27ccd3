"""The command line's start-up: a command builds only its own group's parsers, and answers exactly as
the whole parser would (the time it saves is a row of bench/run.py, never a test)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from workreg.cli import COMMANDS, GROUPS, build_parser, command_named
from workreg.cli.args import Parser

from tests.conftest import parser_leaves

ROOT = Path(__file__).resolve().parents[1]


def _commands_of(group: str) -> list[str]:
    parser = Parser(prog="workreg")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)
    import_module(group).register_commands(commands)
    return list(commands.choices)


WHOLE = build_parser()
LEAVES = list(parser_leaves(WHOLE))


def test_the_command_table_names_every_command_of_every_group_once():
    registered = {command: group for group in GROUPS for command in _commands_of(group)}
    assert registered == COMMANDS
    assert list(WHOLE._subcommands()) == list(COMMANDS)  # noqa: SLF001 - the help lists them in this order


@pytest.mark.parametrize("path,whole", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_a_command_alone_parses_and_helps_as_the_whole_parser(path, whole):
    alone = dict(parser_leaves(build_parser(path[0])))[path]
    assert alone.prog == whole.prog
    assert alone.format_help() == whole.format_help()
    assert alone.format_usage() == whole.format_usage()


@pytest.mark.parametrize("argv,command", [
    (["approvals", "scope_extension"], "approvals"),
    (["--width", "60", "render", "dsp4003"], "render"),
    (["--width=0", "case", "status", "1"], "case"),
    (["diff", "--width", "9", "a", "b"], "diff"),
    # Everything else goes to the whole parser, which answers it as it always has.
    ([], None), (["--help"], None), (["-h", "approvals"], None), (["--version"], None),
    (["--wid", "60", "approvals", "x"], None), (["aprovals", "x"], None), (["--", "approvals"], None),
    (["--width"], None),
])
def test_which_command_a_command_line_names(argv, command):
    assert command_named(argv) == command


def test_the_lazy_parser_gives_the_same_namespace():
    argv = ["--width", "70", "approvals", "scope_extension", "--committee", "Technical Committee", "--format", "json"]
    whole, alone = WHOLE.parse_args(argv), build_parser(command_named(argv)).parse_args(argv)
    assert isinstance(alone, argparse.Namespace)
    assert vars(whole) == vars(alone)


def test_a_query_imports_no_other_command_group():
    code = ("import sys; from workreg.cli import main; main(['approvals','removal']); "
            "print('groups=' + ','.join(sorted(m for m in sys.modules if m.startswith('workreg.cli.'))))")
    env = {**os.environ, "WORKREG_CACHE_DIR": "off"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "groups=workreg.cli.args,workreg.cli.policy"


def test_render_of_a_cached_policy_imports_neither_pydantic_nor_graphviz(tmp_path):
    code = ("import sys; from workreg.cli import main; main(['render','dsp4003','--change','scope_extension']); "
            "print('heavy=' + ','.join(m for m in ('pydantic','yaml','graphviz','networkx') if m in sys.modules))")
    env = {**os.environ, "WORKREG_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # the first run fills the cache
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
        assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "heavy="


@pytest.mark.parametrize("text", [
    "plain_id", "Stage 1 · together", "-4.2", ".42", "7", "node", "Graph", "", 'say "yes"', 'back\\"slash',
    'two\\\\"', "line\nbreak", "trailing\n", "<<b>html</b>>", "<not html", "#fff2c6", "rounded,filled", "a:b:c",
])
def test_dot_text_is_what_the_graphviz_package_writes(text):
    graphviz = pytest.importorskip("graphviz")
    from workreg.versions.dot import DotGraph

    theirs, ours = graphviz.Digraph("workreg"), DotGraph("workreg")
    for graph in (theirs, ours):
        graph.attr(rankdir="LR", label=text, newrank="true")
        graph.attr("node", fontname="Helvetica", margin="0.12,0.06")
        with graph.subgraph(name=f"cluster_{len(text)}") as cluster:
            cluster.attr(label=text, style="rounded,filled")
            cluster.node("inside", text, fillcolor="#fff2c6", shape="box")
            cluster.node(text or "empty")
        graph.node("legend", f"<<table><tr><td>{len(text)}</td></tr></table>>", shape="plaintext", style="")
        graph.edge("inside", text or "empty", color="#1f5fbf", penwidth="2.4", label=text, xlabel="then")
        graph.edge("a:port", "legend", style="invis")
    assert ours.source == theirs.source


@pytest.mark.parametrize("columns", [None, "120", "61", "abc", "0", "-5", " 90", ""])
def test_help_is_as_wide_as_argparse_would_make_it(columns, monkeypatch):
    import shutil

    from workreg.cli.args import help_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == shutil.get_terminal_size().columns - 2
    ours = WHOLE._get_formatter()  # noqa: SLF001 - the formatter every help text is made with
    assert (ours._width, ours._max_help_position) == (argparse.HelpFormatter("workreg")._width,  # noqa: SLF001
                                                      argparse.HelpFormatter("workreg")._max_help_position)


@pytest.mark.parametrize("argv, raised", [(["approvals", "scope_extension"], True), (["diff", "a", "b"], True),
                                          (["serve"], False), (["--width", "80", "serve"], False)])
def test_a_command_collects_less_often_a_server_as_usual(monkeypatch, argv, raised):
    import gc
    import signal

    import workreg.cli as cli

    seen = {}

    def fake_main():
        seen["threshold"] = gc.get_threshold()
        return 0

    before, handler = gc.get_threshold(), signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(cli, "_settle_before_exit", lambda: None)
    monkeypatch.setattr(sys, "argv", ["workreg", *argv])
    try:
        with pytest.raises(SystemExit):
            cli.entry_point()
    finally:
        gc.set_threshold(*before)
        signal.signal(signal.SIGINT, handler)
    assert seen["threshold"] == ((cli.COMMAND_GEN0_THRESHOLD, *before[1:]) if raised else before)
