"""Answers a committee can rely on: what every format says about what an answer rests on.

Written from DSP4003 1.2.0's text: a reconstruction is labelled as one wherever it answers, with
the published text its quotes come from; conditions and readings reach text, Markdown, JSON and
diagrams; options that name nothing, or change nothing, are errors; a register's own process
version and the lines workreg could not read are reported, never dropped.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from workreg.cli import main

REGISTERS = FIXTURES / "registers"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# -- 1. reconstructions look like reconstructions, everywhere --------------------------------------

@pytest.mark.parametrize("version,document", [("1.0", "DSP4003 1.0.1c"), ("1.1", "DSP4003 1.1b")])
def test_a_reconstruction_says_so_in_every_format(capsys, version, document):
    policy = f"dsp4003@{version}"
    _, text, _ = run(capsys, "approvals", "new_register", "--policy", policy)
    flat = " ".join(text.split())
    assert text.splitlines()[1].startswith(f"RECONSTRUCTED, NOT A PUBLISHED TEXT: {policy} reconstructs {document}")
    assert "Every quote is DSP4003 1.2.0 text" in flat and "Why (quotes from DSP4003 1.2.0):" in text
    assert f"Not specified by {document} (reconstructed):" in text
    _, markdown, _ = run(capsys, "approvals", "new_register", "--policy", policy, "--format", "markdown")
    assert f"> **RECONSTRUCTED, NOT A PUBLISHED TEXT: {policy} reconstructs {document}" in markdown
    _, out, _ = run(capsys, "approvals", "new_register", "--policy", policy, "--format", "json")
    data = json.loads(out)
    assert data["provenance"]["kind"] == "reconstructed" and data["provenance"]["document"] == document
    assert data["provenance"]["quotes_from"] == "DSP4003 1.2.0"
    # Each citation says which published text it quotes: 1.2.0's sentences, not the 1.0/1.1 text.
    assert {item["citation"]["source"] for item in data["required"]} == {"DSP4003 1.2.0"}
    _, dot, _ = run(capsys, "render", policy, "--change", "new_register")
    assert f"{document}: RECONSTRUCTED, not a published text (quotes are DSP4003 1.2.0)" in dot


def test_a_reconstruction_says_so_in_a_register_diff(capsys):
    old, new = REGISTERS / "esa-1.0.txt", REGISTERS / "esa-1.1.txt"
    _, text, _ = run(capsys, "diff", old, new, "--policy", "dsp4003@1.1")
    assert "RECONSTRUCTED, NOT A PUBLISHED TEXT: dsp4003@1.1 reconstructs DSP4003 1.1b" in text
    _, out, _ = run(capsys, "diff", old, new, "--policy", "dsp4003@1.1", "--format", "json")
    data = json.loads(out)
    assert data["decision"]["provenance"]["kind"] == "reconstructed"
    assert {c["citation"]["source"] for c in data["changes"] if c["citation"]} == {"DSP4003 1.2.0"}


def test_1_0_does_not_ban_open_source_partners():
    # Appendix A: "Version 1.1a ... allow alliances with Open Source organizations" — 1.0 did not
    # provide for them; whether it excluded them is not known, so the reconstruction leaves it open.
    from workreg.api import decide, load_policy
    from workreg.policy.registry import resolve

    model = load_policy(resolve("dsp4003@1.0").path)
    assert not [c for role in model.roles for c in role.constraints if "open source" in c.text.lower()]
    assert "open_source_partner" in {u.topic for u in decide("dsp4003@1.0", ["new_register"]).unspecified}


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_reconstructions_name_no_committee_of_the_list_appendix_a_does_not_name(version):
    # Appendix A: 1.2.0 "remove[d] specific list of other committees", without saying which; the
    # "TC/MC" of the 1.0.x lines reviewed drafts of DSP4003, they are not that list.
    from workreg.api import get_policy

    policy = get_policy(f"dsp4003@{version}")
    roles = {info.name for info in policy.roles.values()}
    assert not roles & {"Technical Committee", "Interoperability Committee", "Alliance Committee"}
    assert "Alliance Committee" in policy.not_named
    affected = policy.role("affected_committee").interpretation
    assert "not known" in affected


# -- 3. conditions and readings reach every format -------------------------------------------------

def test_the_chairs_discretion_and_the_default_committee_reach_every_format(capsys):
    argv = ["approvals", "new_register", "--committee", "Technical Committee"]
    _, text, _ = run(capsys, *argv)
    # §3.2 "may be balloted in parallel in the non-originating Committees at the discretion of the chair"
    assert "allows them in parallel (§3.2), at the discretion of the chair" in text
    # §2.3 "This is most likely the Alliance Committee."
    assert 'interpretation: The text says the Originating Committee is "most likely" the Alliance Committee' \
        in " ".join(text.split())
    _, markdown, _ = run(capsys, *argv, "--format", "markdown")
    assert "at the discretion of the chair" in markdown and "**Interpretations**" in markdown
    _, out, _ = run(capsys, *argv, "--format", "json")
    data = json.loads(out)
    assert data["parallel"] == [{
        "stage": 1, "gates": ["originating_committee_ballot", "affected_committee_ballot:Technical Committee"],
        "citations": [{"section": "3.2", "source": "DSP4003 1.2.0", "quote": data["parallel"][0]["citations"][0]["quote"]}],
        "condition": "at the discretion of the chair", "interpretation": None,
    }]
    originating = next(item for item in data["required"] if item["gate"] == "originating_committee_ballot")
    assert "most likely" in originating["interpretation"]
    _, dot, _ = run(capsys, "render", "dsp4003", "--change", "new_register", "--committee", "Technical Committee",
                    "--approvals-only")
    assert "in parallel at the discretion of the chair" in dot and "rests on an interpretation" in dot


def test_unnamed_actors_and_alternatives_reach_every_format(capsys):
    _, text, _ = run(capsys, "approvals", "removal")
    assert "VP of Alliances or a member of the" in text and "DMTF Executive Committee" in text
    _, text, _ = run(capsys, "approvals", "new_register")
    assert "* Record board resolution and date; post the register: interpretation:" in text
    _, markdown, _ = run(capsys, "approvals", "new_register", "--format", "markdown")
    assert "| Alliance Partner or DMTF board or leadership member company |" in markdown
    _, out, _ = run(capsys, "approvals", "new_register", "--format", "json")
    steps = {item["step"]: item for item in json.loads(out)["steps"]}
    assert steps["socialize"]["interpretation"] and steps["send_to_partner"]["interpretation"] is None
    assert [a["actor"] for a in steps["propose"]["also_by"]] == ["dmtf_member_company"]


def test_markdown_ends_in_a_checklist(capsys):
    _, markdown, _ = run(capsys, "approvals", "scope_extension", "--format", "markdown")
    tail = markdown.rstrip("\n").split("\n")[-3:]
    assert tail == [
        "- [ ] Stage 1: Originating Committee (Alliance Committee) — approval (§4) — interpretation",
        "- [ ] Stage 2: DMTF Board of Directors — approval (§4)",
        "- [ ] Any stage (no order stated): Alliance Partner — approval (§4)",
    ]


# -- 4. options that name nothing, or change nothing, are errors ------------------------------------

@pytest.mark.parametrize("argv,code,words", [
    (["approvals", "new_register", "--committee", "Nonexistent Thing"], "unknown-committee", "known: "),
    (["approvals", "new_register", "--committee", "Tecnical Committee"], "unknown-committee",
     "did you mean 'Technical Committee'?"),
    (["approvals", "scope_extension", "--committee", "Technical Committee"], "option-without-effect",
     "--committee has no effect on scope_extension"),
    (["approvals", "removal", "--originating", "Technical Committee"], "option-without-effect",
     "--originating has no effect on removal"),
    (["approvals", "new_register", "--originating", "PMCI Working Group"], "not-a-committee",
     "did you mean the Technical Committee"),
    (["approvals", "new_register", "--committee", "DMTF Board"], "not-a-committee", "the Board"),
])
def test_committee_options_without_meaning_exit_2(capsys, argv, code, words):
    got, out, err = run(capsys, *argv)
    assert got == 2 and out == ""
    assert f": {code}: " in err and words in err


def test_a_working_group_counts_for_its_committee_and_the_output_says_so(capsys):
    code, text, _ = run(capsys, "approvals", "deliverable_adjustment", "--committee", "PMCI Working Group")
    assert code == 0
    flat = " ".join(text.split())
    assert "Note: PMCI Working Group is a working group, not a committee: the Technical Committee" in flat
    assert "Affected committee (Technical Committee)" in flat
    _, out, _ = run(capsys, "approvals", "deliverable_adjustment", "--committee", "PMCI Working Group",
                    "--format", "json")
    data = json.loads(out)
    assert data["committees"] == [{"given": "PMCI Working Group", "committee": "Technical Committee",
                                   "kind": "working_group", "note": data["committees"][0]["note"]}]


def test_originating_committee_fills_a_reconstruction_without_a_default(capsys):
    # 1.1 names no default Originating Committee; --originating names it.
    _, out, _ = run(capsys, "approvals", "partner_revision", "--policy", "dsp4003@1.1",
                    "--originating", "Technical Committee", "--format", "json")
    assert json.loads(out)["required"][0]["name"] == "Technical Committee"


# -- 5. a register's process version, unread lines, and the diff as a CI gate ----------------------

def _register(tmp_path, name: str, edits) -> str:
    text = (REGISTERS / "esa-1.1.txt").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


PROCESS_LINE = "The next review date is expected to be May 2024."


@pytest.mark.parametrize("named,applied,warned", [
    ("DSP4003 1.1", "dsp4003@1.1", False),  # shipped: applied
    ("DSP4003_1.6.0.pdf", "dsp4003@1.2.0", True),  # not shipped: the newest, with a warning
    (None, "dsp4003@1.2.0", False),
])
def test_the_process_a_register_names_is_applied_or_warned_about(tmp_path, capsys, named, applied, warned):
    text = (REGISTERS / "esa-1.1.txt").read_text(encoding="utf-8")
    assert PROCESS_LINE in text
    new = _register(tmp_path, "new.txt", [(PROCESS_LINE, PROCESS_LINE + (
        f"\n\nThe DMTF work register review processes can be found in {named}." if named else ""))])
    code, out, _ = run(capsys, "diff", REGISTERS / "esa-1.0.txt", new, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["policy"] == applied
    assert bool(data["warnings"]) == warned
    if warned:
        assert "names DSP4003 1.6.0 as its process" in data["warnings"][0]["message"]
    _, show, _ = run(capsys, "show", new)
    if named:
        assert "process:          DSP4003 " in show


def test_an_explicit_policy_other_than_the_named_process_is_warned_about(tmp_path, capsys):
    new = _register(tmp_path, "new.txt", [(PROCESS_LINE, PROCESS_LINE + "\n\nSee DSP4003 1.1 for the process.")])
    _, text, _ = run(capsys, "diff", REGISTERS / "esa-1.0.txt", new, "--policy", "dsp4003@1.2.0")
    assert "warning: the register names DSP4003 1.1 as its process; workreg applies dsp4003@1.2.0" in \
        " ".join(text.split())


def test_lines_the_reader_does_not_understand_are_listed_and_diffed(tmp_path, capsys):
    new = _register(tmp_path, "new.txt", [("Milestones / Dates\n", "Milestones / Dates\n\nSee the annex for more.\n")])
    code, show, _ = run(capsys, "show", new)
    assert code == 0 and "Not read (workreg did not understand these 1 line(s)):" in show
    assert "See the annex for more." in show
    _, out, _ = run(capsys, "diff", REGISTERS / "esa-1.1.txt", new, "--format", "json")
    [change] = json.loads(out)["changes"]
    assert (change["section"], change["change"], change["after"], change["kind"]) == (
        "unread", "added", "See the annex for more.", None)
    code, out, _ = run(capsys, "lint", new, "--today", "2022-06-01")
    assert "info: unread-line: workreg did not understand this line" in " ".join(out.split())


@pytest.mark.parametrize("edit,code", [
    (("- DMTF PMCI Work Group Chair (pmci-chair@dmtf.org)", "- DMTF PMCI Chair (pmci@dmtf.org)"), 0),  # contacts only
    (("Q1 2021", "Q3 2021"), 1),  # a deliverable adjustment needs approvals
])
def test_diff_exit_code_for_ci(tmp_path, capsys, edit, code):
    new = _register(tmp_path, "new.txt", [edit])
    got, _, _ = run(capsys, "diff", REGISTERS / "esa-1.1.txt", new, "--exit-code")
    assert got == code
    assert run(capsys, "diff", REGISTERS / "esa-1.1.txt", new)[0] == 0  # without the option: 0


def test_diff_reports_open_with_the_decision_and_keep_paths_as_given(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REGISTERS)
    _, text, _ = run(capsys, "diff", "esa-1.0.txt", "esa-1.1.txt")
    assert text.startswith("Changes from esa-1.0.txt to esa-1.1.txt (dsp4003@1.2.0):")
    assert text.index("Required approvals") < text.index("The changes (")
    _, markdown, _ = run(capsys, "diff", "esa-1.0.txt", "esa-1.1.txt", "--format", "markdown")
    assert markdown.index("### Approvals for") < markdown.index("### The changes (")
    assert markdown.rstrip("\n").split("\n")[-1].startswith("- [ ] ")
