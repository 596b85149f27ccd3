"""``workreg render`` and ``workreg diagrams``: deterministic DOT, golden files, a fresh diagrams folder."""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from tests.conftest import FIXTURES, ROOT, SHIPPED_POLICY
from workreg.cli import main
from workreg.versions.compare import load_for_compare
from workreg.versions.diagrams import README, diagram_sources, readme_text
from workreg.versions.dot import render_dot
from tests.test_compare import _rewritten

GOLDEN = ROOT / "tests" / "golden"
DIAGRAMS = ROOT / "diagrams"
MINI = FIXTURES / "policies" / "minimal.yaml"
MINI_2 = FIXTURES / "policies" / "minimal-v2.yaml"
MINI_VOCABULARY = FIXTURES / "vocabulary" / "mini.yaml"
REGENERATE = "regenerate with WORKREG_UPDATE_GOLDEN=1 python -m pytest tests/test_render.py"


def assert_golden(name: str, text: str) -> None:
    """``text`` equals the golden file ``tests/golden/NAME``; WORKREG_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("WORKREG_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; {REGENERATE}"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file; {REGENERATE}"


@pytest.mark.parametrize("name,args", [
    ("mini-2.0.dot", ["render", str(MINI_2)]),
    ("mini-2.0-new_thing.dot", ["render", str(MINI_2), "--change", "new_thing", "--vocabulary", str(MINI_VOCABULARY),
                                "--committee", "Alpha WG", "--committee", "Beta WG"]),
    ("mini-2.0-small_fix.dot", ["render", str(MINI_2), "--change", "small_fix"]),
    ("mini-1.0-to-2.0.dot", ["render", str(MINI_2), "--against", str(MINI)]),
])
def test_dot_matches_golden(capsys, name, args):
    assert main(args) == 0
    assert_golden(name, capsys.readouterr().out)


def test_dot_is_deterministic_and_independent_of_yaml_layout(tmp_path):
    copy = tmp_path / "dsp4003" / "1.2.0.yaml"
    copy.parent.mkdir()
    data = yaml.safe_load(SHIPPED_POLICY.read_text(encoding="utf-8"))
    copy.write_text(yaml.safe_dump(_rewritten(data), sort_keys=False), encoding="utf-8")
    shipped, rewritten = load_for_compare("dsp4003@1.2.0"), load_for_compare(str(copy))
    older = load_for_compare("dsp4003@1.1")
    for options in ({}, {"changes": ["new_register", "removal"], "committees": ["PMCI WG"]}, {"against": older}):
        first = render_dot(shipped, **options)
        assert first == render_dot(shipped, **options)
        assert str(ROOT) not in first
        if "changes" not in options:
            # (A decision path is not compared: which of two gates of one body in the same stage
            # decide() reports as satisfied by the other follows the YAML order of the steps.)
            assert first == render_dot(rewritten, **options)


def test_decision_path_shows_stages_and_the_satisfied_gate(capsys):
    assert main(["render", "dsp4003@1.2.0", "--change", "new_register", "--committee", "PMCI WG"]) == 0
    out = capsys.readouterr()
    dot = out.out
    assert "Stage 1" in dot and "Stage 2" in dot and "Stage 3" in dot
    assert "Satisfied by Originating" in dot and "Committee ballot (same body)" in dot
    # §2.4: a working group's work goes to its committee, which ballots (and the output says so).
    assert "Technical Committee" in dot and "PMCI WG is a working group" in out.err


@pytest.mark.parametrize("argv,code", [
    (["render", "dsp4003", "--change", "new_register", "--committee", "Nonexistent Thing"], "unknown-committee"),
    (["render", "dsp4003", "--change", "scope_extension", "--committee", "Technical Committee"], "option-without-effect"),
    (["render", "dsp4003", "--committee", "Technical Committee"], "option-without-effect"),
    (["render", "dsp4003", "--approvals-only"], "usage"),
    (["render", "dsp4003", "--change", "removal", "--approvals-only", "--against", "dsp4003@1.1"], "usage"),
])
def test_render_options_without_meaning_are_errors(capsys, argv, code):
    assert main(argv) == 2
    assert f": {code}: " in capsys.readouterr().err


def test_landscape_and_approvals_only_for_slides(capsys):
    assert main(["render", "dsp4003@1.2.0", "--change", "new_register", "--approvals-only", "--rankdir", "LR"]) == 0
    dot = capsys.readouterr().out
    assert "rankdir=LR" in dot
    # Only the gates, in their stages: no drafting, scheduling or publishing steps.
    assert "Schedule formal approval" not in dot and "Draft the work register" not in dot
    assert dot.count("cluster_stage_") == 3 and "DMTF Board of Directors" in dot
    assert "dsp4003@" not in dot  # readable titles, not internal ids
    assert "DSP4003 1.2.0, the published text" in dot


def test_reconstruction_is_labelled_in_its_diagram(capsys):
    assert main(["render", "dsp4003@1.1"]) == 0
    dot = capsys.readouterr().out
    assert "DSP4003 1.1b: RECONSTRUCTED, not a published text (quotes are DSP4003 1.2.0)" in dot


def test_difference_shows_added_and_removed_with_appendix_a(capsys):
    assert main(["render", "dsp4003@1.2.0", "--against", "dsp4003@1.1"]) == 0
    dot = capsys.readouterr().out
    assert "ADDED" in dot and "Alliance Committee" in dot
    assert "Technical Committee" not in dot and "App. A 1.2.0" in dot  # the removed list is not known
    assert "removed in this version" in dot  # the legend


def test_writes_dot_svg_and_png(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")
    for suffix, start in ((".dot", b"digraph"), (".svg", b"<?xml"), (".png", b"\x89PNG")):
        out = tmp_path / f"diagram{suffix}"
        assert main(["render", str(MINI), "-o", str(out)]) == 0
        assert out.read_bytes().startswith(start)


def test_unknown_output_format_is_a_usage_error(tmp_path, capsys):
    assert main(["render", str(MINI), "-o", str(tmp_path / "diagram.pdf")]) == 2
    assert "bad-format" in capsys.readouterr().err


def test_change_and_against_do_not_combine(capsys):
    assert main(["render", str(MINI_2), "--change", "new_thing", "--against", str(MINI)]) == 2


def test_missing_dot_program_is_explained(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert main(["render", str(MINI), "-o", str(tmp_path / "diagram.svg")]) == 2
    err = capsys.readouterr().err
    assert "graphviz-missing" in err
    assert "apt-get install graphviz" in err and "brew install graphviz" in err
    assert not (tmp_path / "diagram.svg").exists()
    # DOT needs no Graphviz program.
    assert main(["render", str(MINI), "-o", str(tmp_path / "diagram.dot")]) == 0
    assert (tmp_path / "diagram.dot").read_text(encoding="utf-8").startswith("digraph")


def test_dot_program_vanishing_while_running_is_explained(tmp_path, capsys, monkeypatch):
    import graphviz

    def missing(*args, **kwargs):
        raise graphviz.ExecutableNotFound(["dot"])

    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(graphviz, "pipe", missing)
    assert main(["render", str(MINI), "-o", str(tmp_path / "diagram.png")]) == 2
    assert "graphviz-missing" in capsys.readouterr().err


def test_diagrams_folder_is_fresh():
    """Fails when a policy or the renderer changed without ``workreg diagrams``."""
    hint = "the diagrams/ folder is stale: run workreg diagrams --out diagrams"
    diagrams = diagram_sources()
    committed = {path.stem for path in DIAGRAMS.glob("*.dot")}
    assert committed == {d.stem for d in diagrams}, hint
    for diagram in diagrams:
        assert (DIAGRAMS / f"{diagram.stem}.dot").read_text(encoding="utf-8") == diagram.source, \
            f"{diagram.stem}.dot: {hint}"
        assert (DIAGRAMS / f"{diagram.stem}.svg").is_file(), f"{diagram.stem}.svg missing: {hint}"
        assert (DIAGRAMS / f"{diagram.stem}.png").is_file(), f"{diagram.stem}.png missing: {hint}"
    assert (DIAGRAMS / README).read_text(encoding="utf-8") == readme_text(diagrams), hint


def test_diagrams_index_shows_every_diagram():
    diagrams = diagram_sources()
    readme = readme_text(diagrams)
    stems = {d.stem for d in diagrams}
    for version in ("1.0", "1.1", "1.2.0"):
        assert f"dsp4003-{version}" in stems
    assert {"dsp4003-1.0-to-1.1", "dsp4003-1.1-to-1.2.0", "dsp4003-1.2.0-new_register"} <= stems
    for diagram in diagrams:
        assert f"]({diagram.stem}.svg)" in readme


def test_diagrams_command_writes_the_folder(tmp_path, capsys):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")
    stale = tmp_path / "dsp4003-0.9.svg"
    stale.write_text("old", encoding="utf-8")
    assert main(["diagrams", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "dsp4003-1.1-to-1.2.0.svg").read_bytes().startswith(b"<?xml")
    assert (tmp_path / "dsp4003-1.1-to-1.2.0.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / README).is_file()
    assert not stale.exists()
