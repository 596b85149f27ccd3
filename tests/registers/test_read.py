"""Readers: text and Markdown exports, .docx, the model as YAML/JSON, and every way input can be bad."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.errors import RegisterError, UsageError
from workreg.registers.read import dump_register, read_register
from workreg.inputs import MAX_DOCUMENT_BYTES as MAX_BYTES

from .docx_builder import SAMPLE_BLOCKS, build_docx

FIXTURE_NAMES = ["complete.md", "word-export.txt", "esa-1.0.txt", "esa-1.1.txt"]


def test_markdown_register_fields(fixtures):
    register = read_register(fixtures / "complete.md")
    assert register.title.text == "Example Storage Alliance / DMTF Work Register"
    assert (register.version.text, register.version.line) == ("2.1", 3)
    assert register.date_initiated.value == date(2024, 3, 15)
    partner = register.organizations.partner
    assert (partner.name, partner.abbreviation) == ("Example Storage Alliance", "ESA")
    assert [item.text for item in partner.description] == ["The Example Storage Alliance writes storage management specifications."]
    assert [(i.text, i.organization) for i in register.benefits if not i.label] == [
        ("Access to Redfish expertise within the DMTF", "partner"),
        ("Storage expertise for the SPDM security work", "dmtf"),
    ]
    assert [(i.text, i.organization) for i in register.activities if not i.label] == [
        ("Reviews Redfish storage schema drafts", "partner"),
        ("Presents at ESA plugfests", "dmtf"),
    ]
    assert [(m.deliverable, m.timeframe, m.done) for m in register.milestones] == [
        ("DMTF announces work register v2.1", "Q2 2024", True),
        ("ESA reviews Redfish storage schema", "Q4 2024", False),
        ("Joint SPDM test plan", "On-going", False),
    ]
    assert register.milestones[1].groups == ("Redfish Forum", "Technical Committee")
    assert register.review_date.year_month == "2026-03"
    assert register.corresponding_document.approval_date.value == date(2024, 4, 2)
    assert register.approval.resolution.text == "2024-05-01"
    assert register.approval.date.value == date(2024, 5, 10)


def test_word_export_quirks(fixtures):
    """Cell-per-line tables, bookmarks, no-break spaces around headings, heading variants."""
    register = read_register(fixtures / "word-export.txt")
    assert register.title.text == "Acme Fabric Consortium/DMTF Work Register"
    assert register.organizations.partner.abbreviation == "AFC"
    assert {heading.id for heading in register.sections} >= {"access", "documentation", "milestones", "board_approval"}
    assert [(m.deliverable, m.timeframe, m.line) for m in register.milestones] == [
        ("AFC reviews Redfish fabric schema", "TBD", 25),
        ("", "?", 28),
    ]
    assert register.date_initiated.text == "02/30/2019" and register.date_initiated.value is None
    assert register.benefits[2].text == "DMTF will benefit from:"  # bookmark removed
    contacts = register.points_of_contact
    assert [(c.organization, c.placeholders) for c in contacts] == [("partner", ("?",)), ("dmtf", ())]
    assert register.approval.resolution.placeholders == ("<resolution ID>",)
    assert register.corresponding_document.approval_date.placeholders == ("xx/xx/2019",)


@pytest.mark.parametrize(
    ("text", "name", "role", "email"),
    [
        ("Rajeev Example, rajeev@example.com", "Rajeev Example", None, "rajeev@example.com"),
        ("OCP CTO, Jane Roe (jane.roe@example.org)", "Jane Roe", "OCP CTO", "jane.roe@example.org"),
        ("John Doe, VP of Alliances (vp@dmtf.example)", "John Doe", "VP of Alliances", "vp@dmtf.example"),
        ("DMTF SPDM Chair (spdm-chair@dmtf.org)", None, "DMTF SPDM Chair", "spdm-chair@dmtf.org"),
        ("Jeff Roe and Paula Doe (chairs@dmtf.org)", "Jeff Roe and Paula Doe", None, "chairs@dmtf.org"),
        ("IT Manager, Kevin Doe (kevin@example.org)", "Kevin Doe", "IT Manager", "kevin@example.org"),
        ("Director of Community", None, "Director of Community", None),
    ],
)
def test_contact_formats(text, name, role, email):
    from workreg.registers.parse import parse_contact

    assert parse_contact(text) == (name, role, email)


def test_bulleted_milestones_without_table(tmp_path):
    path = tmp_path / "bullets.md"
    path.write_text(
        "# X / DMTF Work Register\n\n## Alliance Organizations\n\nX and the DMTF\n\n## Activities\n\n- a\n\n"
        "## Milestones\n\n- Publish MCTP binding - Q3 2025\n- Kick-off meeting (done)\n- Joint review\n",
        encoding="utf-8",
    )
    milestones = read_register(path).milestones
    assert [(m.deliverable, m.timeframe, m.done) for m in milestones] == [
        ("Publish MCTP binding", "Q3 2025", False),
        ("Kick-off meeting", "", True),
        ("Joint review", "", False),
    ]
    assert "PMCI Working Group" in milestones[0].groups


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(tmp_path, fixtures, encoding):
    text = (fixtures / "esa-1.0.txt").read_text(encoding="utf-8").replace("Joint meetings", "Joint meetings – café")
    path = tmp_path / f"register-{encoding}.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    register = read_register(path)
    assert register.title.text == "Example Storage Alliance (ESA) / DMTF Work Register"
    assert any(item.text == "Joint meetings – café" for item in register.activities)
    assert register.approval.line == 49


def test_docx_reader(tmp_path):
    path = build_docx(tmp_path / "northwind.docx", SAMPLE_BLOCKS)
    register = read_register(path)
    assert register.organizations.partner.abbreviation == "NSG"
    assert [(m.deliverable, m.timeframe, m.done) for m in register.milestones] == [
        ("NSG publishes an SPDM profile", "Q3 2024", True),
        ("Joint plugfest", "TBD", False),
    ]
    assert register.milestones[0].groups == ("SPDM Working Group", "Technical Committee")
    assert [c.email for c in register.points_of_contact] == ["pat.kim@northwind.example", "vp-alliances@dmtf.org"]
    assert register.approval.date.value == date(2024, 8, 15)


def test_docx_import_is_lazy():
    """python-docx is imported only when a .docx is read (CLI start-up stays fast)."""
    import subprocess
    import sys

    code = (
        "import sys, workreg.cli.registers, workreg.registers.read, workreg.registers.lint;"
        "print('docx' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_model_round_trip(tmp_path, fixtures, name, fmt):
    register = read_register(fixtures / name)
    path = tmp_path / f"model.{fmt}"
    path.write_text(dump_register(register, fmt), encoding="utf-8")
    assert read_register(path) == register


def test_unknown_dump_format(fixtures):
    with pytest.raises(UsageError, match="did you mean 'yaml'"):
        dump_register(read_register(fixtures / "complete.md"), "yml")


def _bad_inputs(tmp_path, fixtures):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\n")
    (tmp_path / "nul.txt").write_bytes(b"Alliance Organizations\x00\x01")
    (tmp_path / "undecodable.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 10)
    (tmp_path / "broken.docx").write_bytes(b"this is not a zip")
    with zipfile.ZipFile(tmp_path / "empty-zip.docx", "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    (tmp_path / "extra.yaml").write_text("title:\n  text: x\nsurprise: 1\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"title": ', encoding="utf-8")
    (tmp_path / "dir.txt").mkdir()
    return {
        "missing.txt": "not-found",
        "empty.txt": "empty",
        "blank.txt": "empty",
        "nul.txt": "binary",
        "undecodable.txt": "bad-encoding",
        "broken.docx": "bad-docx",
        "empty-zip.docx": "bad-docx",
        "bad.yaml": "yaml-syntax",
        "list.yaml": "bad-model",
        "extra.yaml": "bad-model",
        "bad.json": "bad-json",
        "dir.txt": "not-a-file",
        str(fixtures / "not-a-register.txt"): "not-a-register",
    }


def test_bad_input_is_a_register_error_naming_the_file(tmp_path, fixtures):
    for name, code in _bad_inputs(tmp_path, fixtures).items():
        path = tmp_path / name
        with pytest.raises(RegisterError) as caught:
            read_register(path)
        assert caught.value.code == code, name
        assert caught.value.file == str(path)
        assert str(caught.value).startswith(str(path))


def test_model_error_points_at_line(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text("title:\n  text: x\nsurprise: 1\n", encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    assert (caught.value.line, caught.value.field) == (3, "surprise")


@pytest.mark.parametrize(("text", "field", "hint"), [
    ("title:\n  text: x\nboard_aproval:\n  text: y\n", "board_aproval", "did you mean 'board_approval'?"),
    ("title:\n  text: x\napproval:\n  text: y\n", "approval", "did you mean 'board_approval'?"),
    ("title:\n  text: x\nreview_date:\n  text: y\n  year_month: 2026-13\n", "review_date", None),
])
def test_a_model_file_uses_the_templates_names(tmp_path, text, field, hint):
    """The model file writes the approval under the template's section id (``approval`` is the
    model's own name, not a key of the file); a misspelt key gets a suggestion."""
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError) as caught:
        read_register(path)
    assert caught.value.code == "bad-model" and caught.value.field == field and caught.value.hint == hint


def test_too_large(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(RegisterError, match="limit") as caught:
        read_register(path)
    assert caught.value.code == "too-large"


def test_json_model_is_plain_json(tmp_path, fixtures):
    data = json.loads(dump_register(read_register(fixtures / "esa-1.0.txt"), "json"))
    assert data["milestones"][2] == {
        "deliverable": "ESA storage workshops", "timeframe": "TBD", "done": False, "groups": [], "line": 23,
    }


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_model_is_known_by_its_suffix_not_its_content(tmp_path, fixtures, fmt):
    """A .txt that happens to start with ``title:`` is a document (issue 10): the suffix says what a file is."""
    register = read_register(fixtures / "esa-1.1.txt")
    path = tmp_path / "register.txt"
    path.write_text(dump_register(register, fmt), encoding="utf-8")
    try:
        as_document = read_register(path)
    except RegisterError as error:
        assert error.code == "not-a-register"
    else:
        assert as_document != register
    model = tmp_path / f"register.{fmt}"
    model.write_text(dump_register(register, fmt), encoding="utf-8")
    assert read_register(model) == register


@pytest.mark.parametrize("text, code", [
    ("title: A\ntitle: B\n", "duplicate-key"),
    ("title: &t A\nversion: *t\n", "yaml-alias"),
    ("<<: {title: A}\n", "yaml-merge"),
    ("title: !!int abc\n", "bad-scalar"),
    ("title: A\nversion: 2024-02-30\n", "bad-scalar"),  # an impossible date
    ("title: A\nversion: 1" + "0" * 5000 + "\n", "bad-scalar"),  # thousands of digits
])
def test_register_models_are_read_by_the_policy_files_yaml_reader(tmp_path, text, code):
    """One safe YAML reader (issue 9): register models refuse what policy files refuse, at the line."""
    from workreg.inputs import parse_yaml
    from workreg.errors import PolicyError

    model = tmp_path / "model.yaml"
    model.write_text(text)
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    with pytest.raises(RegisterError) as caught:
        read_register(model)
    assert caught.value.code == code and caught.value.line is not None
    with pytest.raises(PolicyError) as same:
        parse_yaml(policy.read_text(), str(policy))
    assert (same.value.code, same.value.line) == (code, caught.value.line)


def test_models_and_policies_refuse_files_above_their_limits(tmp_path):
    from workreg.inputs import MAX_DATA_BYTES, MAX_POLICY_BYTES
    from workreg.errors import PolicyError
    from workreg.policy.load import load_policy

    for name, reader, error, limit in (("m.yaml", read_register, RegisterError, MAX_DATA_BYTES),
                                       ("p.yaml", load_policy, PolicyError, MAX_POLICY_BYTES)):
        path = tmp_path / name
        path.write_text("title: " + "x" * (limit + 10) + "\n")
        with pytest.raises(error) as caught:
            reader(path)
        assert caught.value.code == "too-large"


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_contact_prefilter_never_hides_a_placeholder(data):
    """The parser skips the placeholder patterns on contact lines without ``?``, ``/``, ``<`` or
    ``TB``: every pattern's matches (a new pattern's too) have one of them."""
    from workreg.registers.parse import _may_hold_placeholder
    from workreg.registers.placeholders import _PLACEHOLDER_PATTERNS, placeholders_in

    for pattern in _PLACEHOLDER_PATTERNS:
        text = data.draw(st.from_regex(pattern))
        assert not placeholders_in(text) or _may_hold_placeholder(text), (pattern.pattern, text)
