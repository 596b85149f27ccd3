"""The reconstructed earlier versions of DSP4003: sound, honestly cited, listed with provenance."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from workreg.policy.check import check_policy_file
from workreg.cli import main
from workreg.policy.load import load_policy
from workreg.policy.model import iter_citations as _citations
from tests.test_citations import _normal, _sections

DSP4003 = ROOT / "policies" / "dsp4003"
RECONSTRUCTED = ("1.0", "1.1")
APPENDIX_LINE = re.compile(r"^Version (\S+) ")


@pytest.mark.parametrize("version", RECONSTRUCTED + ("1.2.0",))
def test_shipped_version_passes_check(version):
    assert check_policy_file(DSP4003 / f"{version}.yaml") == []


@pytest.mark.parametrize("version", RECONSTRUCTED)
def test_reconstruction_rests_on_appendix_a(version):
    policy = load_policy(DSP4003 / f"{version}.yaml")
    assert policy.provenance.kind == "reconstructed"
    assert policy.provenance.note
    assert policy.provenance.basis
    assert all(c.section == "Appendix A" and APPENDIX_LINE.match(c.quote) for c in policy.provenance.basis)


@pytest.mark.parametrize("version", RECONSTRUCTED)
def test_reconstructed_quotes_are_the_1_2_0_text_they_mirror(seeds, version):
    sections = _sections((seeds / "dsp4003-1.2.0.txt").read_text(encoding="utf-8"))
    for path, citation in _citations(load_policy(DSP4003 / f"{version}.yaml")):
        assert citation.section in sections, f"{path}: no section {citation.section}"
        for part in citation.quote.split("..."):
            assert _normal(part) in _normal(sections[citation.section]), f"{path}: {part!r}"


@pytest.mark.parametrize("version", RECONSTRUCTED)
def test_every_interpretation_naming_history_names_a_basis_line(version):
    """An element that says which Appendix A line it rests on names one the policy cites."""
    policy = load_policy(DSP4003 / f"{version}.yaml")
    basis_versions = {APPENDIX_LINE.match(c.quote).group(1) for c in policy.provenance.basis}
    text = (DSP4003 / f"{version}.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"Appendix A, Version (\d[\w.]*\w)", _normal(text)))
    assert named and named <= basis_versions


def test_policies_lists_versions_with_provenance(capsys):
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for version, kind in (("1.0", "reconstructed"), ("1.1", "reconstructed"), ("1.2.0", "published")):
        assert re.search(rf"dsp4003@{re.escape(version)}\s+{kind}\s", out), out


def test_a_version_written_as_yaml_alone_is_found_listed_compared_and_rendered(tmp_path, capsys):
    """Adding a version takes one YAML file in DIR/NAME/VERSION.yaml: no code, no registration."""
    text = (DSP4003 / "1.2.0.yaml").read_text(encoding="utf-8")
    constraint = text[text.index("    constraints:\n"):text.index("  - id: originating_committee")]
    text = text.replace("version: 1.2.0\n", "version: 1.3.0\n").replace(constraint, "\n")
    version_dir = tmp_path / "dsp4003"
    version_dir.mkdir()
    (version_dir / "1.3.0.yaml").write_text(text, encoding="utf-8")
    where = ["--policy-dir", str(tmp_path)]

    assert main(["policies", *where]) == 0
    assert re.search(r"dsp4003@1\.3\.0\s+published\s", capsys.readouterr().out)

    assert main(["compare", "dsp4003@1.2.0", "dsp4003@1.3.0", "--format", "json", *where]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [(e["element"], e["id"], e["change"]) for e in result["structure"]] == [
        ("constraint", "owner_is_active_alliance_committee_member", "removed")]
    assert result["decisions"] == []

    assert main(["render", "dsp4003@1.3.0", "--against", "dsp4003@1.2.0", *where]) == 0
    dot = capsys.readouterr().out
    assert "DSP4003 1.3.0, the published text" in dot and "no longer needs to satisfy" in dot

    assert main(["approvals", "new_register", "--policy", "dsp4003", *where]) == 0
    assert capsys.readouterr().out.startswith("dsp4003@1.3.0")
