"""Issue 17: the reconstructions of DSP4003 1.0 and 1.1 claim only what Appendix A says."""

from __future__ import annotations

import json

import pytest

from workreg.cli import main

OCP_DRAFT, OCP_12 = "work-register-ocp-1.0-draft1.txt", "work-register-ocp-1.2.txt"


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_a_diff_under_an_older_version_never_asks_the_alliance_committee(seeds, capsys, version):
    # Appendix A: 1.2.0 "Added Alliance Committee explicitly"; the vocabulary (today's DMTF) gives the
    # Alliance Committee the milestone "DMTF announces work register v1.0", but 1.0/1.1 do not name it.
    code = main(["diff", str(seeds / OCP_DRAFT), str(seeds / OCP_12), "--policy", f"dsp4003@{version}",
                 "--format", "json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    names = {item["name"] for item in result["decision"]["required"]}
    assert not [name for name in names if "Alliance Committee" in name], names
    point = [p for p in result["decision"]["unspecified"] if p["topic"] == "not_named:Alliance Committee"]
    assert point and "does not name the Alliance Committee" in point[0]["text"]
    assert point[0]["citation"]["section"] == "Appendix A"


def test_the_newest_version_still_asks_the_alliance_committee(seeds, capsys):
    assert main(["diff", str(seeds / OCP_DRAFT), str(seeds / OCP_12), "--policy", "dsp4003@1.2.0",
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "affected_committee_ballot:Alliance Committee" in {i["gate"] for i in result["decision"]["required"]}


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_no_body_of_an_unnamed_list_is_stated_as_fact(version):
    from workreg.api import load_policy
    from workreg.policy.registry import resolve

    model = load_policy(resolve(f"dsp4003@{version}").path)
    texts = " ".join(
        " ".join(filter(None, (role.name, role.description, role.interpretation))) for role in model.roles
    )
    assert "Technical Committee" not in texts
    assert "listed committees (Technical" not in texts


def test_1_0_says_what_it_does_not_know_of_the_vp_of_alliances():
    # Appendix A: 1.1a "update to define role for VP of Alliances" — not "1.0 had no VP".
    from workreg.api import load_policy
    from workreg.policy.registry import resolve

    model = load_policy(resolve("dsp4003@1.0").path)
    readings = [s.interpretation or "" for s in model.steps] + [r.interpretation or "" for r in model.roles]
    assert not [r for r in readings if "had no role" in r]
    press = next(s for s in model.steps if s.id == "press_release")
    assert "not known" in press.interpretation and "reading" in press.interpretation
