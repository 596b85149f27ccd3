"""Issue 17: the Then steps understand what they check.

A corpus of statements, each run as a scenario through the real pytest-bdd steps (one pytest run
for the whole corpus): every false statement must fail, every true one must pass.  Each entry names
the policy, the Given/When context and the Then statement; false ones say why they are false.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from importlib.metadata import entry_points

import pytest

PLUGIN_INSTALLED = any(ep.value == "workreg.bdd.optin" for ep in entry_points(group="pytest11"))

NEW = "When a new work register is submitted for approval"
SCOPE = "When the update extends the scope to the SPDM working group"
CONTACT = "When the alliance representatives or their email addresses change"
REMOVAL = "When the alliance partner is to be removed"
REVIEW = "When the work register is reviewed"
ADJUST = "When the update adjusts the deliverables"
SIGNIFICANT = "When a significant change is made"
TECH = "Given the Technical Committee owns milestones in the work register"

# (id, policy, context lines, Then statement, why it is false — or None when it is true)
CORPUS: list[tuple[str, str, tuple[str, ...], str, str | None]] = [
    # -- role duties: who does what ----------------------------------------------------------------
    ("duty-vp-approves", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to approve the work register",
     "§2.7: the VP shepherds the owner through getting it approved; the VP does not approve"),
    ("duty-vp-approves-significant", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to approve significant changes",
     "§3.2: the Board approves significant changes"),
    ("duty-vp-schedules", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to schedule formal approval by the Board of Directors",
     "§2.5: the Executive Committee schedules it"),
    ("duty-owner-approves", "dsp4003@1.2.0", (), "the role of the Work Register Owner is to approve the work register",
     "the owner coordinates and delivers; committees and the Board approve"),
    ("duty-board-coordinates-draft", "dsp4003@1.2.0", (), "the role of the DMTF Board of Directors is to coordinate the creation of the draft Work Register",
     "§2.2: the owner coordinates the draft"),
    ("duty-wg-define", "dsp4003@1.2.0", (), "the role of the working groups is to define the milestones specified in the work register",
     "§2.4: they help to define them (stronger than the text)"),
    ("duty-exec-approves", "dsp4003@1.2.0", (), "the role of the DMTF Executive Committee is to approve the work register",
     "§2.5: it schedules the Board's approval"),
    ("duty-mc-approves", "dsp4003@1.2.0", (), "the role of the Marketing Committee is to approve announcements of the alliance formation",
     "§3.2: it coordinates announcements"),
    ("duty-vp-shepherds-board", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to shepherd the Board through the process",
     "§2.7: the VP shepherds the Work Register Owner"),
    ("duty-owner-coordinates-updates", "dsp4003@1.2.0", (), "the role of the Work Register Owner is to coordinate the updates",
     "§4: the VP of Alliances coordinates the updates; the owner performs them"),
    ("duty-oc-schedules", "dsp4003@1.2.0", (), "the role of the Originating Committee is to schedule formal approval by the Board",
     "§2.5: the Executive Committee schedules it"),
    ("duty-board-not-removal", "dsp4003@1.2.0", (), "the role of the DMTF Board of Directors is not to approve Alliance Partner removal",
     "§4.1: removal requires DMTF board approval"),
    ("duty-partner-significant", "dsp4003@1.2.0", (), "the role of the Alliance Partner is to approve significant changes",
     "§3.2: the Board approves significant changes"),
    ("duty-vp-goodwill", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to foster goodwill",
     "no clause says so"),
    ("duty-director-votes", "rfc@2.0", (), "the role of the Engineering Director is to vote on every RFC",
     "§2.5: the Architecture Council votes"),
    ("duty-editor-approves", "rfc@2.0", (), "the role of the Editor is to approve the RFC",
     "§2.7: the editor numbers, publishes and archives"),
    ("duty-author-reviews", "rfc@2.0", (), "the role of the Author is to review the draft for completeness",
     "§2.2: the shepherd reviews the draft"),
    # -- constraints -------------------------------------------------------------------------------
    ("constraint-marketing", "dsp4003@1.2.0", (), "the Work Register Owner is required to be an active member of the Marketing Committee",
     "§2.3: of the Alliance Committee"),
    ("constraint-negated", "dsp4003@1.2.0", (), "the Work Register Owner is not required to be an active member of the Alliance Committee",
     "§2.3 requires it"),
    ("constraint-vp", "dsp4003@1.2.0", (), "the VP of Alliances is required to be an active member of the Alliance Committee",
     "§2.3 says it of the owner"),
    ("constraint-never", "dsp4003@1.2.0", (), "the Work Register Owner is required to be never an active member of the Alliance Committee",
     "negation reversed"),
    ("constraint-1.1", "dsp4003@1.1", (), "the Work Register Owner is required to be an active member of the Alliance Committee",
     "1.2.0 added the Alliance Committee explicitly (Appendix A)"),
    ("constraint-shepherd-author", "rfc@2.0", (), "the Shepherd is required to be the author of the RFC",
     "§2.2: the shepherd is never the author"),
    ("constraint-author", "rfc@2.0", (), "the Author is required to be never the author of the RFC",
     "the constraint is the shepherd's"),
    # -- removal triggers --------------------------------------------------------------------------
    ("trigger-not-disband", "dsp4003@1.2.0", (), "removal may follow when the partner organization does not disband",
     "negation reversed"),
    ("trigger-maintains", "dsp4003@1.2.0", (), "removal may follow when the partner organization maintains the relationship",
     "§4.1: when it fails to maintain it"),
    ("trigger-progress-made", "dsp4003@1.2.0", (), "removal may follow when the relationship stagnates and progress is made",
     "§4.1: progress is not made"),
    ("trigger-dmtf-disbands", "dsp4003@1.2.0", (), "removal may follow when the DMTF disbands",
     "§4.1: the partner organization"),
    ("trigger-incomplete", "dsp4003@1.2.0", (), "removal may follow when the deliverables are incomplete",
     "§4.1: when they are complete"),
    ("trigger-half", "dsp4003@1.2.0", (), "removal may follow when the relationship stagnates",
     "§4.1 also needs that progress is not made (stronger than the text)"),
    ("trigger-board-disbands", "dsp4003@1.2.0", (), "removal may follow when the Board disbands",
     "the partner organization"),
    ("trigger-unreadable", "dsp4003@1.2.0", (), "removal may follow when partners disband",
     "undecidable: no verb the parser can find"),
    # -- who may recommend removal -----------------------------------------------------------------
    ("recommend-board", "dsp4003@1.2.0", (), "the DMTF Board of Directors may recommend removal",
     "§4.1: the VP or an Executive Committee member"),
    ("recommend-owner", "dsp4003@1.2.0", (), "the Work Register Owner may recommend removal", "§4.1"),
    # -- must approve ------------------------------------------------------------------------------
    ("must-board-contact", "dsp4003@1.2.0", (CONTACT,), "the DMTF Board must approve",
     "§3.2: does not require Board approval"),
    ("must-partner-removal", "dsp4003@1.2.0", (REMOVAL,), "the Alliance Partner must approve",
     "§4.1 names only the Board"),
    ("must-partner-acknowledge-scope", "dsp4003@1.2.0", (SCOPE,), "the Alliance Partner must acknowledge",
     "§4: the partner approves an update"),
    ("must-marketing-new", "dsp4003@1.2.0", (NEW,), "the Marketing Committee must approve",
     "no committee with milestone work was named"),
    ("must-ac-1.1", "dsp4003@1.1", (NEW,), "the Alliance Committee must give approval",
     "1.1 does not name the Alliance Committee"),
    ("must-oc-significant", "dsp4003@1.2.0", (SIGNIFICANT,), "the Originating Committee must approve",
     "§3.2 names only the Board (the committee is left open)"),
    # -- need not approve / not asked / none -------------------------------------------------------
    ("neednot-board-scope", "dsp4003@1.2.0", (SCOPE,), "the DMTF Board need not approve", "§4 requires it"),
    ("neednot-board-removal", "dsp4003@1.2.0", (REMOVAL,), "the DMTF Board need not approve", "§4.1 requires it"),
    ("neednot-oc-contact", "dsp4003@1.2.0", (CONTACT,), "the Originating Committee need not approve",
     "the text says so only of the Board"),
    ("notasked-board-removal", "dsp4003@1.2.0", (REMOVAL,), "the DMTF Board is not asked to approve", "§4.1"),
    ("notasked-partner-new", "dsp4003@1.2.0", (NEW,), "the Alliance Partner is not asked to approve", "§3.2"),
    ("none-required-review", "dsp4003@1.2.0", (REVIEW,), "no approval is required",
     "undecidable: the text names none but leaves the review's approvals open"),
    ("none-required-contact", "dsp4003@1.2.0", (CONTACT,), "no approval is required",
     "undecidable: only the Board is said not to be required"),
    ("none-named-removal", "dsp4003@1.2.0", (REMOVAL,), "no approval is named", "§4.1 names the Board"),
    # -- order ---------------------------------------------------------------------------------------
    ("follows-reversed", "dsp4003@1.2.0", (NEW,), "the Originating Committee ballot follows the board ballot", "§3.2"),
    ("follows-as-stated", "dsp4003@1.2.0", (SCOPE,), "the DMTF Board follows the Originating Committee as the text states",
     "§4 gives no order: it is the policy's reading"),
    ("follows-by-interpretation", "dsp4003@1.2.0", (NEW,), "the board ballot follows the Originating Committee ballot by interpretation",
     "§3.2 states it"),
    ("follows-unordered", "dsp4003@1.2.0", (SCOPE,), "the Alliance Partner follows the DMTF Board",
     "§4 gives the partner no place in the order"),
    ("unordered-new-partner", "dsp4003@1.2.0", (NEW,), "no order is stated for the Alliance Partner's acceptance",
     "§3.2 orders it after the Board"),
    ("unordered-scope-board", "dsp4003@1.2.0", (SCOPE,), "no order is stated for the DMTF Board", "it follows the committee"),
    ("parallel-board", "dsp4003@1.2.0", (TECH, NEW), "the Originating Committee and the DMTF Board may ballot in parallel",
     "the Board follows the committees"),
    ("parallel-condition", "dsp4003@1.2.0", (TECH, NEW),
     "the Originating Committee and the Technical Committee may ballot in parallel at the request of the Board",
     "§3.2: at the discretion of the chair"),
    # -- citations, readings, provenance -----------------------------------------------------------
    ("cites-removal", "dsp4003@1.2.0", (REMOVAL,), "the approval of the DMTF Board cites §3.2", "§4.1"),
    ("cites-partner-scope", "dsp4003@1.2.0", (SCOPE,), "the approval of the Alliance Partner cites §3.2", "§4"),
    ("reading-board-removal", "dsp4003@1.2.0", (REMOVAL,), "the approval of the DMTF Board rests on an interpretation",
     "§4.1 states it"),
    ("reading-partner-new", "dsp4003@1.2.0", (NEW,), "the approval of the Alliance Partner rests on an interpretation",
     "§3.2 states it"),
    ("provenance-1.2.0", "dsp4003@1.2.0", (), "the policy is reconstructed", "published"),
    ("provenance-1.1", "dsp4003@1.1", (), "the policy is published", "reconstructed"),
    ("provenance-1.0-source", "dsp4003@1.0", (), "the policy is reconstructed from DSP4003 1.1",
     "its quotes are DSP4003 1.2.0's"),
    # -- open points -------------------------------------------------------------------------------
    ("open-board-removal", "dsp4003@1.2.0", (REMOVAL,), "the policy leaves open whether the Board takes part in a removal",
     "§4.1 requires the Board; the open question is about committees and the partner"),
    ("open-board-contact", "dsp4003@1.2.0", (CONTACT,), "the policy does not specify whether the Board must approve a change of representatives",
     "§3.2 says the Board is not required"),
    ("open-who-approves-new", "dsp4003@1.2.0", (NEW,), "the policy does not specify who approves a new register",
     "§2.3–§3.2 say who"),
    ("open-board-scope", "dsp4003@1.2.0", (SCOPE,), "the policy does not specify whether the Board must approve",
     "§4 requires the Board for a scope extension"),
    # -- steps and who performs them ---------------------------------------------------------------
    ("actor-schedule-vp", "dsp4003@1.2.0", (NEW,), 'the "Schedule formal approval by the Board" step is done by the VP of Alliances',
     "§2.5: the Executive Committee"),
    ("actor-publish-stated", "dsp4003@1.2.0", (NEW,),
     'the "Record board resolution and date; post the register" step is done by the Work Register Owner',
     "the text names nobody: the owner is the policy's reading"),
    ("actor-assign-reading", "dsp4003@1.2.0", (NEW,), 'the "Assign a Work Register Owner" step is done by the VP of Alliances by interpretation',
     "§3.1 names the VP"),
    ("actor-call-not-optional", "dsp4003@1.2.0", (NEW,),
     'the "Conference call with the partner to check the draft is complete" step is done by the VP of Alliances',
     "§3.1: may (optional)"),
    ("alsoby-propose-vp", "dsp4003@1.2.0", (NEW,), 'the "Propose a work register" step may also be done by the VP of Alliances',
     "§3.1: a board or leadership member company"),
    ("alsoby-recommend-board", "dsp4003@1.2.0", (REMOVAL,),
     'the "Recommend removal of a stagnant partnership" step may also be done by the DMTF Board of Directors', "§4.1"),
    # -- defaults and the review cycle -------------------------------------------------------------
    ("default-marketing", "dsp4003@1.2.0", (), "the Originating Committee is most likely the Marketing Committee",
     "§2.3: the Alliance Committee"),
    ("default-1.1", "dsp4003@1.1", (), "the Originating Committee is most likely the Alliance Committee",
     "1.1 names no default"),
    ("review-must", "dsp4003@1.2.0", (), "work registers must be updated at least every 24 months", "§4: should"),
    ("review-12", "dsp4003@1.2.0", (), "work registers should be updated at least every 12 months", "§4: 24"),
    ("review-by-vp", "dsp4003@1.2.0", (), "work registers should be updated at least every 24 months by the VP of Alliances",
     "§4: performed by the owner, coordinated by the VP"),

    # -- true statements: they must pass -----------------------------------------------------------
    ("true-vp-shepherds", "dsp4003@1.2.0", (), "the role of the VP of Alliances is to shepherd the Work Register Owner through getting the work register approved", None),
    ("true-vp-not-approve", "dsp4003@1.2.0", (), "the role of the VP of Alliances is not to approve the work register", None),
    ("true-owner-coordinates", "dsp4003@1.2.0", (), "the role of the Work Register Owner is to coordinate the creation of the draft Work Register with the partner organization", None),
    ("true-wg-help", "dsp4003@1.2.0", (), "the role of the working groups is to help to define the milestones specified in the work register", None),
    ("true-board-significant", "dsp4003@1.2.0", (), "the role of the DMTF Board of Directors is to approve significant changes", None),
    ("true-mc-announcements", "dsp4003@1.2.0", (), "the role of the Marketing Committee is to coordinate announcements of the alliance formation", None),
    ("true-editor", "rfc@2.0", (), "the role of the Editor is to number, publish and archive RFCs", None),
    ("true-director", "rfc@2.0", (), "the role of the Engineering Director is to sign off breaking changes after the council vote", None),
    ("true-constraint", "dsp4003@1.2.0", (), "the Work Register Owner is required to be an active member of the Alliance Committee", None),
    ("true-constraint-1.1", "dsp4003@1.1", (), "the Work Register Owner is not required to be an active member of the Alliance Committee", None),
    ("true-shepherd-never", "rfc@2.0", (), "the Shepherd is required to be never the author of the RFC", None),
    ("true-trigger-disbands", "dsp4003@1.2.0", (), "removal may follow when the partner organization disbands", None),
    ("true-trigger-stagnates", "dsp4003@1.2.0", (), "removal may follow when the relationship stagnates and progress is not made", None),
    ("true-trigger-fails", "dsp4003@1.2.0", (), "removal may follow when the partner otherwise fails to maintain the relationship", None),
    ("true-trigger-complete", "dsp4003@1.2.0", (), "removal may follow when the deliverables are complete and no further are required", None),
    ("true-recommend-vp", "dsp4003@1.2.0", (), "the VP of Alliances may recommend removal", None),
    ("true-open-removal", "dsp4003@1.2.0", (REMOVAL,), "the policy leaves open whether committees or the partner take part in a removal", None),
    ("true-open-significant", "dsp4003@1.2.0", (ADJUST,), "the policy does not specify whether a significant adjustment needs the Board", None),
    ("true-neednot-contact", "dsp4003@1.2.0", (CONTACT,), "the DMTF Board need not approve", None),
    ("true-named-contact", "dsp4003@1.2.0", (CONTACT,), "no approval is named", None),
    ("true-withdrawal", "rfc@2.0", ("When the author withdraws the RFC",), "no approval is required", None),
    ("true-follows-reading", "dsp4003@1.2.0", (SCOPE,), "the DMTF Board follows the Originating Committee by interpretation", None),
    ("true-follows-stated", "dsp4003@1.2.0", (NEW,), "the board ballot follows the Originating Committee ballot as the text states", None),
    ("true-default", "dsp4003@1.2.0", (), "the Originating Committee is most likely the Alliance Committee", None),
    ("true-review", "dsp4003@1.2.0", (), "work registers should be updated at least every 24 months by the Work Register Owner", None),
]

FALSE = [entry for entry in CORPUS if entry[4] is not None]
TRUE = [entry for entry in CORPUS if entry[4] is None]


def _scenario_name(identifier: str) -> str:
    return f"Statement {identifier}"


def _feature(entries) -> str:
    lines = ["Feature: Statements the steps must judge right", ""]
    for identifier, policy, context, statement, _ in entries:
        lines += [f"  Scenario: {_scenario_name(identifier)}", f'    Given the policy "{policy}"']
        lines += [f"    {line}" for line in context]
        lines += [f"    Then {statement}", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[bool, str]]:
    """Run the whole corpus once through pytest-bdd: scenario id → (passed, failure text)."""
    if not PLUGIN_INSTALLED:
        pytest.skip("workreg is not installed (pip install -e .): its pytest plugin runs the features")
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "pytest.ini").write_text("[pytest]\nworkreg = true\n")
    (folder / "corpus.feature").write_text(_feature(CORPUS), encoding="utf-8")
    report = folder / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--junitxml={report}"],
                   cwd=folder, capture_output=True, text=True, timeout=600)
    results = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        problem = failure if failure is not None else error
        name = case.get("name", "")
        match = re.search(r"statement_(.+)$", name)
        if match:
            results[match.group(1)] = (problem is None, "" if problem is None else (problem.get("message") or "")
                                       + (problem.text or ""))
    return results


def _result(outcomes, identifier: str) -> tuple[bool, str]:
    key = re.sub(r"[^a-z0-9]", "", identifier.lower())  # pytest-bdd keeps letters and digits
    assert key in outcomes, f"scenario {identifier} did not run (ran: {sorted(outcomes)[:5]}...)"
    return outcomes[key]


def test_the_corpus_is_large_enough_and_covers_every_kind_of_step():
    assert len(FALSE) >= 50 and len(TRUE) >= 20
    keys = [re.sub(r"[^a-z0-9]", "", entry[0].lower()) for entry in CORPUS]
    assert len(set(keys)) == len(keys)
    prefixes = {entry[0].split("-")[0] for entry in FALSE}
    assert {"duty", "constraint", "trigger", "recommend", "must", "neednot", "notasked", "follows", "unordered",
            "parallel", "cites", "reading", "provenance", "open", "actor", "alsoby", "default", "review"} <= prefixes


@pytest.mark.parametrize("entry", FALSE, ids=[entry[0] for entry in FALSE])
def test_a_false_statement_fails(outcomes, entry):
    identifier, _, _, statement, why = entry
    passed, failure = _result(outcomes, identifier)
    assert not passed, f"'{statement}' passed, but it is false: {why}"
    # failed by a step that judged it, not because no step understood the sentence
    assert "StepDefinitionNotFound" not in failure, failure


@pytest.mark.parametrize("entry", TRUE, ids=[entry[0] for entry in TRUE])
def test_a_true_statement_passes(outcomes, entry):
    identifier, _, _, statement, _ = entry
    passed, failure = _result(outcomes, identifier)
    assert passed, f"'{statement}' failed, but it is true:\n{failure}"


def test_an_undecidable_statement_says_so_with_a_hint(outcomes):
    for identifier in ("trigger-unreadable", "none-required-review", "duty-vp-goodwill"):
        passed, failure = _result(outcomes, identifier)
        assert not passed
    assert "undecidable" in _result(outcomes, "trigger-unreadable")[1]
    assert "hint:" in _result(outcomes, "none-required-review")[1]
