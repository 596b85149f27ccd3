"""Every example of README.md and docs/ runs from a plain clone and prints what it shows.

``$ workreg ...`` lines of console blocks are run (conventions in tests/docs_examples.py and
docs/contributing.md); ``workreg ...`` lines of sh blocks are parsed, so a renamed or removed
option fails here too.  ``WORKREG_UPDATE_EXAMPLES=1`` rewrites the shown outputs in place: review
the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex

import pytest

from tests.docs_examples import ROOT, documents, examples, matches, rewrite, run

UPDATE = os.environ.get("WORKREG_UPDATE_EXAMPLES") == "1"
DOCUMENTS = documents()


#: What a command of the docs may read, linked into the scratch folder it runs in; anything a
#: command writes (render -o, gherkin -o, diagrams, the case database) lands there, not here.
READ_ONLY = ("examples", "features", "policies")


@pytest.fixture
def plain_clone(tmp_path, monkeypatch):
    """A scratch folder that looks like the repository's root to the commands (its examples,
    features and policies), a fresh case database, a fixed login name."""
    root = tmp_path / "clone"
    root.mkdir()
    for name in READ_ONLY:
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("WORKREG_DB", str(tmp_path / "workreg.db"))
    monkeypatch.setenv("WORKREG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WORKREG_POLICY_PATH", raising=False)
    for name in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(name, "alice")
    return tmp_path


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
def test_shown_output_is_what_the_command_prints(path, plain_clone):
    found = examples(path)
    results = {}
    failures = []
    for example in found:
        code, actual = run(example)
        results[example.line] = (code, actual)
        if code != example.exit_code or not matches(example.expected, actual):
            diff = "\n".join(difflib.unified_diff(example.expected, actual, "shown", "printed", lineterm="", n=2))
            failures.append(f"{example.id}: $ {example.command}\n  exit {code} (shown: {example.exit_code})\n{diff}")
    if UPDATE and failures:
        rewrite(path, results)
        return
    assert not failures, ("stale examples (WORKREG_UPDATE_EXAMPLES=1 rewrites them):\n\n"
                          + "\n\n".join(failures[:5]))


def test_the_readme_and_the_guides_have_examples():
    assert len(examples(ROOT / "README.md")) >= 5
    assert sum(len(examples(p)) for p in DOCUMENTS) >= 40


def test_no_example_needs_the_seeds():
    for path in DOCUMENTS:
        for example in examples(path):
            assert "shared/seeds" not in example.command, example.id


_SH_FENCE = re.compile(r"^```(sh|bash|shell)\s*$")


def _sh_commands():
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").split("\n")
        inside = False
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("```"):
                inside = bool(_SH_FENCE.match(stripped)) and not inside
                continue
            if inside and re.match(r"(\$ )?workreg ", stripped):
                command = re.split(r"\s(?:\||>|&&|;|#|2>)\s?", stripped.removeprefix("$ "))[0]
                yield pytest.param(command, id=f"{path.relative_to(ROOT)}:{number}")


@pytest.mark.parametrize("command", list(_sh_commands()))
def test_commands_in_sh_blocks_parse(command):
    from workreg.cli import build_parser

    args = shlex.split(command)[1:]
    try:
        build_parser().parse_args(args)
    except SystemExit as exc:  # --help and --version exit 0
        assert exc.code == 0, command


def test_matching_conventions():
    from tests.docs_examples import updated

    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "z"], ["a", "b", "z"])
    assert matches(["at {{any}} by alice"], ["at 2026-01-01T00:00Z by alice"])
    assert not matches(["at {{any}} by alice"], ["at 2026 by bob"])
    assert updated(["a", "...", "y", "z"], ["a2", "b", "c", "y2", "z2"]) == ["a2", "...", "y2", "z2"]
    assert updated(["t {{any}}", "x"], ["t 5", "x", "new"]) == ["t {{any}}", "x", "new"]


def test_no_document_shows_a_path_of_this_checkout():
    """Paths outside the repository differ in every clone: show them as {{any}}."""
    for path in DOCUMENTS:
        assert str(ROOT) not in path.read_text(encoding="utf-8"), path
