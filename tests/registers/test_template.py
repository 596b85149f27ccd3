"""The register template is data: sections, headings and the host organization come from a YAML file."""

from __future__ import annotations

import pytest
import yaml

from workreg.errors import PolicyError
from workreg.registers.parse import parse_lines
from workreg.registers.structure import Line
from workreg.registers.template import MODEL_SECTIONS, default_template, load_template
from workreg.resources import shipped_template


def test_shipped_template_heads_every_section_of_the_model():
    template = default_template()
    ids = [section.id for section in template.sections]
    assert [section for section in ids if section != template.approval] == list(MODEL_SECTIONS)
    assert template.approval == "board_approval" and template.parties == ("partner", "dmtf")
    assert template.heading_id("approval by the dmtf board of directors") == "board_approval"
    assert "milestones" in template.required and "background" not in template.required


def _write(tmp_path, change) -> str:
    data = yaml.safe_load(shipped_template().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _rename_host(data):
    data["host"] = {"name": "ACME", "full_name": "Association of Cooperating Model Engineers", "abbreviation": "ACME"}
    data["name"] = "ACME Register Template"
    data["parties"] = {"partner": "member", "host": "acme"}
    data["approval"] = "council_approval"
    approval = next(section for section in data["sections"] if section["id"] == "board_approval")
    approval.update(id="council_approval", title="Approval by the ACME Council", headings=["council approval"])


def test_another_host_is_read_from_the_template(tmp_path):
    template = load_template(_write(tmp_path, _rename_host))
    text = ("OFA/ACME Work Register\n\nAlliance Organizations\nOpenFabrics Alliance (OFA) and the ACME\n\n"
            "Activities\nJoint work\n\nMilestones\nKick-off\tQ1 2025\n\nPoints of Contact\nACME:\nPat Doe, pat@acme.example\n"
            "OFA:\nSam Roe, sam@ofa.example\n\nCouncil Approval\nResolution 7 on May 1, 2025.\n")
    lines = [Line(number, line) for number, line in enumerate(text.splitlines(), 1)]
    register = parse_lines(lines, file="r.txt", fallback_title="r", groups_of=lambda text: (), template=template)
    assert register.organizations.partner.abbreviation == "OFA"
    assert register.organizations.host.name == "ACME"
    assert [contact.organization for contact in register.points_of_contact] == ["acme", "member"]
    assert register.approval.resolution.text == "7" and register.has_section("council_approval")


@pytest.mark.parametrize(("change", "code", "message"), [
    (lambda d: d["sections"].pop(), "bad-template", "does not head the section(s) additional_considerations"),
    (lambda d: d["sections"][0].update(id="organisations"), "unknown-section", "unknown section 'organisations'"),
    (lambda d: d["sections"][1].update(headings=["(unclosed"]), "bad-template", "not a regular expression"),
    (lambda d: d.pop("host"), "bad-template", "invalid template"),
    (lambda d: d.update(approval="milestones"), "bad-template", "needs an id of its own"),
    (lambda d: d.update(parties={"partner": "x", "host": "x"}), "bad-template", "two ids"),
    (lambda d: d.update(approval="council_approval"), "unknown-section", "unknown section 'board_approval'"),
])
def test_a_broken_template_is_reported_with_its_line(tmp_path, change, code, message):
    path = _write(tmp_path, change)
    with pytest.raises(PolicyError) as caught:
        load_template(path)
    assert caught.value.code == code and message in caught.value.message
    assert caught.value.file == path and caught.value.line is not None
