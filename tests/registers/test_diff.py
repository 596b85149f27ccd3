"""Section-aware diff on two versions of a purpose-written register."""

from __future__ import annotations

import pytest

from workreg.errors import WorkregError
from workreg.registers.diff import ChangeRecord, change_sections, as_fact, diff_registers
from workreg.registers.read import read_register
from workreg.registers.vocabulary import load_vocabulary, scope_of


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture
def esa_records(fixtures, vocabulary):
    return diff_registers(read_register(fixtures / "esa-1.0.txt"), read_register(fixtures / "esa-1.1.txt"), vocabulary)


def test_identical_registers_have_no_changes(fixtures, vocabulary):
    register = read_register(fixtures / "esa-1.0.txt")
    assert diff_registers(register, register, vocabulary) == []


def test_sections_and_changes(esa_records):
    assert [(r.section, r.change) for r in esa_records] == [
        ("title", "modified"),
        ("version", "modified"),
        ("date", "modified"),
        ("organizations", "modified"),
        ("benefits", "added"),
        ("limitations", "added"),
        ("milestones", "modified"),
        ("milestones", "modified"),
        ("milestones", "modified"),
        ("milestones", "added"),
        ("review_date", "modified"),
        ("points_of_contact", "modified"),
        ("points_of_contact", "modified"),
        ("points_of_contact", "added"),
        ("corresponding_document", "modified"),
        ("board_approval", "modified"),
        ("scope", "added"),
        ("scope", "added"),
    ]
    assert {r.section for r in esa_records} <= set(change_sections())


def test_formatting_is_not_a_change(esa_records):
    # Activities differ only by *emphasis*: no change.  The partner is the same organization (its
    # abbreviation is just not repeated in 1.1), but the statement's words did change: reported
    # as the statement's rewording, never dropped.
    assert not [r for r in esa_records if r.section == "activities"]
    organizations = [r for r in esa_records if r.section == "organizations"]
    assert [(r.fields, r.before, r.after) for r in organizations] == [(
        ("statement",), "Example Storage Alliance (ESA) and the Distributed Management Task Force (DMTF)",
        "Example Storage Alliance and the DMTF",
    )]
    title = [r for r in esa_records if r.section == "title"][0]
    assert (title.before, title.after) == (
        "Example Storage Alliance (ESA) / DMTF Work Register", "Example Storage Alliance / DMTF Work Register"
    )


def test_milestone_records(esa_records):
    milestones = [r for r in esa_records if r.section == "milestones"]
    done, moved, ongoing, added = milestones
    assert (done.fields, done.done_only, done.line_old, done.line_new) == (("done",), True, 21, 26)
    assert done.committees == {"Alliance Committee", "Marketing Committee"}
    assert (moved.fields, moved.done_only, moved.before, moved.after) == (
        ("timeframe",), False,
        "ESA publishes a Redfish storage profile | Q4 2020", "ESA publishes a Redfish storage profile | Q1 2021",
    )
    assert moved.committees == {"Redfish Forum", "Technical Committee"}
    assert (ongoing.before, ongoing.after) == ("ESA storage workshops | TBD", "ESA storage workshops | On-going")
    assert (added.before, added.after, added.line_new) == (None, "DMTF announces work register v1.1 | Q3 2022", 29)


def test_scope_records(fixtures, vocabulary, esa_records):
    scope = [r for r in esa_records if r.section == "scope"]
    assert [(r.change, r.group, r.line_new) for r in scope] == [
        ("added", "PMCI Working Group", 12),
        ("added", "SPDM Working Group", 12),
    ]
    assert scope[0].committees == {"PMCI Working Group", "Technical Committee"}
    old, new = read_register(fixtures / "esa-1.0.txt"), read_register(fixtures / "esa-1.1.txt")
    assert scope_of(old, vocabulary) == {"Redfish Forum"}
    reverse = [r for r in diff_registers(new, old, vocabulary) if r.section == "scope"]
    assert [(r.change, r.group) for r in reverse] == [("removed", "PMCI Working Group"), ("removed", "SPDM Working Group")]


def test_contact_records(esa_records):
    contacts = [r for r in esa_records if r.section == "points_of_contact"]
    assert [(r.change, r.organization, r.fields) for r in contacts] == [
        ("modified", "partner", ("role",)),
        ("modified", "dmtf", ("name", "role")),
        ("added", "dmtf", ()),
    ]


def test_as_fact_is_flat_scalars(esa_records):
    for record in esa_records:
        fact = as_fact(record)
        assert all(isinstance(value, (str, bool, int)) for value in fact.values())
        assert set(fact) == set(as_fact(esa_records[0]))
    done = as_fact([r for r in esa_records if r.done_only][0])
    assert done["done_only"] is True and done["done_changed"] is True and done["timeframe_changed"] is False
    assert done["committees"] == "Alliance Committee, Marketing Committee"
    scope = as_fact([r for r in esa_records if r.section == "scope"][0])
    assert scope["scope_extended"] is True and scope["group"] == "PMCI Working Group"
    assert scope["before"] == "" and scope["line_old"] == 0


def test_records_are_frozen(esa_records):
    with pytest.raises(AttributeError):
        esa_records[0].section = "x"  # type: ignore[misc]
    assert isinstance(esa_records[0], ChangeRecord)


def test_diff_rejects_non_registers(vocabulary):
    with pytest.raises(WorkregError):
        diff_registers("old", "new", vocabulary)  # type: ignore[arg-type]
