"""Issue 17: every output that cites or relies on a reconstruction says so, in every format."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main


def test_an_unknown_kind_of_a_reconstruction_says_its_kinds_are_a_reading(capsys):
    assert main(["approvals", "significant_change", "--policy", "dsp4003@1.0"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "unknown change kind 'significant_change' in dsp4003@1.0" in err
    assert "is a reconstruction of DSP4003 1.0.1c" in err and "a reading of DSP4003 1.2.0" in err


def test_an_unknown_kind_of_the_published_text_says_nothing_of_reconstruction(capsys):
    assert main(["approvals", "significant_chang"]) == 2
    assert "reconstruction" not in capsys.readouterr().err


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_gherkin_of_a_reconstruction_says_so_and_checks_it(capsys, version):
    assert main(["gherkin", f"dsp4003@{version}"]) == 0
    out = capsys.readouterr().out
    assert "RECONSTRUCTED, NOT A PUBLISHED TEXT" in out
    assert "Then the policy is reconstructed from DSP4003 1.2.0" in out


def test_gherkin_states_the_scope_extension_stages_by_interpretation(capsys):
    assert main(["gherkin", "dsp4003@1.2.0"]) == 0
    scenario = capsys.readouterr().out.split("Scenario: Update that extends the scope")[1].split("Scenario:")[0]
    assert "And the DMTF Board of Directors follows the Alliance Committee by interpretation" in scenario
    assert "the approval of the Alliance Committee rests on an interpretation" in scenario


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_case_status_of_a_reconstruction_says_so(tmp_path, capsys, fmt):
    db = str(tmp_path / "cases.db")
    assert main(["case", "open", "--change", "removal", "--policy", "dsp4003@1.1", "--db", db]) == 0
    capsys.readouterr()
    assert main(["case", "status", "1", "--db", db, "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        state = json.loads(out)
        assert (state["provenance"], state["quotes_from"]) == ("reconstructed", "DSP4003 1.2.0")
    else:
        assert "RECONSTRUCTED, NOT A PUBLISHED TEXT: DSP4003 1.1b is not at hand" in out
