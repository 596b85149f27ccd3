"""The DMTF vocabulary: shipped data, user extensions, validation errors with file:line."""

from __future__ import annotations

import pytest

from workreg.errors import PolicyError, UsageError
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary, scope_of


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("Redfish/SPMF input", {"Redfish Forum"}),
        ("the SPMF", {"Redfish Forum"}),
        ("MCTP, PLDM and NC-SI bindings", {"PMCI Working Group"}),
        ("PMCI Specifications", {"PMCI Working Group"}),
        ("SPDM Specification", {"SPDM Working Group"}),
        ("SMBIOS tables", {"SMBIOS Working Group"}),
        ("SMASH as a candidate", {"Server Management Working Group"}),
        ("CIM schema", {"CIM Forum"}),
        ("redfish-chair@dmtf.org", {"Redfish Forum"}),
        # Acronyms match case-sensitively and on word boundaries.
        ("spdm in lower case", set()),
        ("pmciforum.com", set()),
        ("SPDMX", set()),
    ],
)
def test_groups_in(text, groups):
    assert load_vocabulary().groups_in(text) == groups


def test_involved_adds_reporting_committees_but_not_the_board():
    vocabulary = load_vocabulary()
    assert vocabulary.involved_in("NC-SI update") == ("PMCI Working Group", "Technical Committee")
    assert vocabulary.involved_in("DMTF announces the work register") == ("Alliance Committee", "Marketing Committee")
    assert vocabulary.involved_in("DMTF Board of Directors approval") == ("Board of Directors",)


def test_user_extension(tmp_path, fixtures):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "entities:\n"
        "  - name: Redfish Forum\n    kind: forum\n    technologies: [Storage Profile]\n"
        "  - name: Security Task Force\n    kind: task_force\n    reports_to: Technical Committee\n"
        "    technologies: [attestation]\n",
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(extra)
    assert vocabulary.groups_in("a Storage Profile") == {"Redfish Forum"}
    assert vocabulary.groups_in("device Attestation") == {"Security Task Force"}
    assert "Redfish" in vocabulary.entity("Redfish Forum").technologies  # merged, not replaced
    assert scope_of(read_register(fixtures / "complete.md"), vocabulary) == {"Redfish Forum", "SPDM Working Group"}


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("entities:\n  - name: X\n    kind: comittee\n", 3, "invalid vocabulary"),
        ("entities:\n  - name: X\n    kind: forum\n    reports_to: Technical Comittee\n", 2, "did you mean 'Technical Committee'"),
        ("entities:\n  - name: X\n    kind: forum\n    colour: red\n", 4, "invalid vocabulary"),
        ("entities:\n  - name: Redfish Forum\n    kind: committee\n", 2, "cannot redefine"),
        ("entities: [\n", 2, "yaml-syntax"),
        ("entities:\n  - name: A\n    kind: forum\n    reports_to: B\n  - name: B\n    kind: forum\n    reports_to: A\n",
         2, "cycle"),
    ],
)
def test_invalid_extension_errors_name_file_and_line(tmp_path, content, line, message):
    extra = tmp_path / "bad.yaml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_vocabulary(extra)
    assert caught.value.file == str(extra)
    assert caught.value.line == line
    assert message in str(caught.value)


def test_unknown_entity_suggests():
    with pytest.raises(PolicyError, match="did you mean 'PMCI Working Group'"):
        load_vocabulary().entity("PMCI Workgroup")


def test_missing_extension_file(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_vocabulary(tmp_path / "absent.yaml")
    assert caught.value.code == "not-found"


def test_what_each_kind_is_comes_from_the_file(tmp_path):
    """The shipped file says which kinds are committees, scope bodies and the governing body."""
    vocabulary = load_vocabulary()
    assert vocabulary.kinds["board"] == "governing" and vocabulary.kinds["working_group"] == "scope"
    assert vocabulary.is_committee("Technical Committee") and not vocabulary.is_committee("Board of Directors")
    extra = tmp_path / "council.yaml"
    extra.write_text("kinds:\n  council: governing\n  panel: scope\nentities:\n  - name: Members Council\n"
                     "    kind: council\n  - name: Tooling Panel\n    kind: panel\n    reports_to: Technical Committee\n"
                     "    technologies: [Widgets]\n", encoding="utf-8")
    extended = load_vocabulary(extra)
    assert extended.groups_in("Widgets for everyone") == {"Tooling Panel"}
    assert extended.involved_in("Widgets") == ("Technical Committee", "Tooling Panel")  # not the governing body
    with pytest.raises(UsageError, match="not a committee with milestone work"):
        extended.committee("Members Council")


@pytest.mark.parametrize(("content", "code", "line"), [
    ("kinds:\n  panel: scoped\nentities: []\n", "bad-vocabulary", 2),
    ("kinds:\n  forum: committee\nentities: []\n", "bad-vocabulary", 2),
])
def test_a_kind_needs_a_known_role_and_keeps_it(tmp_path, content, code, line):
    extra = tmp_path / "bad.yaml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_vocabulary(extra)
    assert caught.value.code == code and caught.value.line == line
