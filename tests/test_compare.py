"""``workreg compare``: semantic differences between policy versions, and equivalence of rewrites."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import SHIPPED_POLICY
from workreg.cli import main
from workreg.versions.compare import compare_policies, document_version_key, load_for_compare
from workreg.versions.comparison import Comparison, ItemChanges, KindChanges, StructureChange, ValueChange

APPENDIX_1_2_0 = "Added Alliance Committee explicitly and remove specific list of other committees."


@pytest.fixture(scope="module")
def v11_to_v120() -> Comparison:
    return compare_policies(load_for_compare("dsp4003@1.1"), load_for_compare("dsp4003@1.2.0"))


def _structure(result: Comparison, element: str, identifier: str) -> StructureChange:
    matches = [e for e in result.structure if e.element == element and e.id == identifier]
    assert len(matches) == 1, f"no single {element} {identifier} in {[e.id for e in result.structure]}"
    return matches[0]


def _rewritten(data, key=None):
    """The same policy written differently: keys and every list in reverse order (not the phases:
    their order is the document's, the one list of a policy whose order means something)."""
    if isinstance(data, dict):
        return {name: _rewritten(data[name], name) for name in reversed(list(data))}
    if isinstance(data, list):
        items = [_rewritten(item) for item in data]
        return items if key == "phases" else items[::-1]
    return data


def test_1_2_0_adds_the_alliance_committee_approval_to_new_registers(v11_to_v120):
    assert not v11_to_v120.equivalent
    single = [d for d in v11_to_v120.decisions if d.changes == ("new_register",)]
    assert len(single) == 1
    assert [(a.approver, a.kind) for a in single[0].added] == [("alliance_committee", "approval")]
    assert single[0].removed == ()
    assert single[0].order_changed is False
    assert single[0].stages_to is not None
    assert ("affected_committee", "alliance_committee", "originating_committee") in single[0].stages_to
    # Every combination that differs contains new_register; the others are unchanged.
    assert all("new_register" in d.changes for d in v11_to_v120.decisions)
    assert len(v11_to_v120.decisions) == 2 ** 7
    assert v11_to_v120.change_kinds == KindChanges(added=(), removed=())


def test_1_2_0_makes_the_alliance_committee_the_default_originating_committee(v11_to_v120):
    role = _structure(v11_to_v120, "role", "originating_committee")
    assert role.change == "changed"
    assert "default" in role.fields
    assert role.values["default"] == ValueChange(old=None, new="alliance_committee")
    assert role.basis_source == "element"
    assert [c.quote for c in role.basis] == [f"Version 1.2.0 October 2, 2007 {APPENDIX_1_2_0}"]


def test_1_2_0_requires_the_owner_to_be_an_alliance_committee_member(v11_to_v120):
    constraint = _structure(v11_to_v120, "constraint", "owner_is_active_alliance_committee_member")
    assert constraint.change == "added"
    assert constraint.role == "work_register_owner"
    assert constraint.citation is not None and constraint.citation.section == "2.3"
    assert APPENDIX_1_2_0 in constraint.basis[0].quote


def test_1_2_0_drops_the_specific_list_of_committees(v11_to_v120):
    # Appendix A says 1.2.0 removed "specific list of other committees", not which: the reconstruction
    # names no committee of that list (no Technical, no Interoperability Committee as a fact).
    assert not [e for e in v11_to_v120.structure if e.id in ("technical_committee", "interoperability_committee")]
    affected = _structure(v11_to_v120, "role", "affected_committee")
    assert affected.rests_on == "reading"
    assert _structure(v11_to_v120, "role", "alliance_committee").change == "added"
    assert _structure(v11_to_v120, "step", "alliance_committee_approval").change == "added"
    edge = _structure(v11_to_v120, "precedence", "alliance_committee_approval->board_approval")
    assert edge.change == "added"
    kind = _structure(v11_to_v120, "change_kind", "new_register")
    assert kind.items["requires"] == ItemChanges(added=("alliance_committee_approval",), removed=())


def test_compare_marks_what_rests_on_the_history_and_what_on_a_reading(v11_to_v120, capsys):
    grounds = {(e.element, e.id): e.rests_on for e in v11_to_v120.structure}
    # "Added Alliance Committee explicitly": every difference about the Alliance Committee is the line's.
    assert grounds[("role", "alliance_committee")] == "history"
    assert grounds[("step", "alliance_committee_approval")] == "history"
    assert grounds[("constraint", "owner_is_active_alliance_committee_member")] == "history"
    assert grounds[("role", "affected_committee")] == "reading"
    older = compare_policies(load_for_compare("dsp4003@1.0"), load_for_compare("dsp4003@1.1"))
    grounds = {(e.element, e.id): e.rests_on for e in older.structure}
    assert grounds[("role", "vp_alliances")] == "history"  # "define role for VP of Alliances"
    # "clarify decisions made by the Board" does not say which sentences: a reading.
    assert grounds[("change_kind", "significant_change")] == "reading"
    assert grounds[("change_kind", "contact_change")] == "reading"
    for fmt, marker in (("text", "Rests on"), ("markdown", "| Rests on |")):
        assert main(["compare", "dsp4003@1.0", "dsp4003@1.1", "--format", fmt]) == 1
        out = capsys.readouterr().out
        assert marker in out and "reading" in out


def test_every_difference_of_a_reconstruction_rests_on_appendix_a():
    for old, new in (("1.0", "1.1"), ("1.1", "1.2.0"), ("1.0", "1.2.0")):
        result = compare_policies(load_for_compare(f"dsp4003@{old}"), load_for_compare(f"dsp4003@{new}"))
        assert result.structure
        for entry in result.structure:
            assert entry.basis, entry
            assert all(c.section == "Appendix A" for c in entry.basis)


def test_1_0_to_1_1_adds_the_vp_and_the_boards_clarified_decisions():
    result = compare_policies(load_for_compare("dsp4003@1.0"), load_for_compare("dsp4003@1.1"))
    assert {k.id for k in result.change_kinds.added} == {"significant_change", "contact_change"}
    assert _structure(result, "role", "vp_alliances").change == "added"
    press = _structure(result, "step", "press_release")
    assert press.values["actor"] == ValueChange(old="marketing_committee", new="vp_alliances")
    # 1.0 did not provide for open source partners; it did not ban them: an open point, no constraint.
    new_register = _structure(result, "change_kind", "new_register")
    assert "open_source_partner" in new_register.items["unspecified"].removed
    assert not [e for e in result.structure if e.element == "constraint"]
    assert [c.quote.split()[1] for c in result.history] == ["1.1a"]


def test_text_output_tells_a_chair_what_changed(capsys):
    assert main(["compare", "dsp4003@1.1", "dsp4003@1.2.0"]) == 1
    out = capsys.readouterr().out
    assert "dsp4003@1.1 → dsp4003@1.2.0: different" in out
    assert "Originating Committee: now Alliance Committee by default" in out
    assert "Work Register Owner must now satisfy: The Work Register owner" in out
    assert "Alliance Committee (approval, §2.3)" in out
    assert "[A1] Version 1.2.0 October 2, 2007 Added Alliance Committee explicitly" in out


def test_markdown_output(capsys):
    assert main(["compare", "dsp4003@1.1", "dsp4003@1.2.0", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("### dsp4003@1.1 → dsp4003@1.2.0: different")
    assert "| added | constraint | Work Register Owner must now satisfy:" in out


def test_json_contract(capsys):
    assert main(["compare", "dsp4003@1.1", "dsp4003@1.2.0", "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert {"from", "to", "equivalent", "decisions", "structure", "change_kinds", "history"} <= set(result)
    assert (result["from"], result["to"], result["equivalent"]) == ("dsp4003@1.1", "dsp4003@1.2.0", False)
    for decision in result["decisions"]:
        assert {"changes", "added", "removed", "order_changed"} <= set(decision)
        for approval in decision["added"] + decision["removed"]:
            assert {"approver", "kind"} <= set(approval)
        assert ("stages_from" in decision) == ("stages_to" in decision)
    for entry in result["structure"]:
        assert {"element", "id", "change", "basis"} <= set(entry)
        assert entry["change"] in ("added", "removed", "changed")
        assert ("fields" in entry) == (entry["change"] == "changed")


def test_a_reordered_and_reformatted_copy_is_equivalent(tmp_path, capsys):
    data = yaml.safe_load(SHIPPED_POLICY.read_text(encoding="utf-8"))
    text = "# The same policy, rewritten: every key and list reversed, flow style, quoted.\n"
    text += yaml.safe_dump(_rewritten(data), sort_keys=False, default_style='"', width=70, allow_unicode=True)
    copy = tmp_path / "dsp4003" / "1.2.0.yaml"
    copy.parent.mkdir()
    copy.write_text(text, encoding="utf-8")
    assert text != SHIPPED_POLICY.read_text(encoding="utf-8")
    assert main(["compare", "dsp4003@1.2.0", str(copy)]) == 0
    out = capsys.readouterr().out
    assert ": equivalent" in out
    assert main(["compare", "dsp4003@1.2.0", str(copy), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["equivalent"] is True and result["decisions"] == [] and result["structure"] == []


def test_a_policy_is_equivalent_to_itself(capsys):
    assert main(["compare", "dsp4003@1.1", "dsp4003@1.1"]) == 0


def test_unknown_version_is_a_usage_error(capsys):
    assert main(["compare", "dsp4003@0.9", "dsp4003@1.2.0"]) == 2
    assert "unknown-policy-version" in capsys.readouterr().err


def test_document_versions_order():
    ordered = ["1.0.0", "1.0.1", "1.0.1c", "1.1a", "1.1b", "1.2", "1.2.1"]
    assert sorted(reversed(ordered), key=document_version_key) == ordered
    assert document_version_key("1.2.0") == document_version_key("1.2")


@pytest.mark.parametrize("kinds, largest, count, exhaustive", [
    (0, 0, 0, True),
    (1, 1, 1, True),
    (8, 8, 255, True),
    (12, 12, 4095, True),
    (13, 6, 4095, False),   # 13 + 78 + 286 + 715 + 1287 + 1716 fit in 4,096; 7 kinds would not
    (64, 2, 2080, False),   # singles and pairs, always, even past the budget
    (100, 2, 5050, False),
])
def test_comparison_plan(kinds, largest, count, exhaustive):
    from workreg.versions.compare import comparison_plan

    plan = comparison_plan([f"k{i}" for i in range(kinds)])
    assert (plan.largest, plan.count, plan.exhaustive) == (largest, count, exhaustive)
    combos = list(plan.combinations())
    assert len(combos) == len(set(combos)) == count


def test_compare_of_large_policies_is_complete(tmp_path, capsys):
    """64 change kinds: every one of the 2^64 - 1 combinations decided by reasoning, the smallest that differ
    listed, the rest counted; the output says it is exhaustive."""
    from tests.generated_policies import policy_yaml, random_policy

    folder = tmp_path / "generated"
    folder.mkdir()
    old = random_policy(64, 300, 600, seed=5)
    new = random_policy(64, 300, 600, seed=5, version="2.0")
    gate = next(s["id"] for s in new["steps"] if s["kind"] == "ballot")
    new["change_kinds"][3]["requires"] = [{"step": gate, "citation": {"section": "9", "quote": "Kind 3 now needs it."}}]
    (folder / "1.0.yaml").write_text(policy_yaml(old))
    (folder / "2.0.yaml").write_text(policy_yaml(new))
    result = compare_policies(load_for_compare("generated@1.0", [tmp_path]), load_for_compare("generated@2.0", [tmp_path]))
    assert (result.exhaustive, result.largest_combination, result.combinations_compared) == (True, 64, 2 ** 64 - 1)
    assert not result.equivalent
    assert result.decisions[0].changes == ("kind_3",)
    assert all("kind_3" in d.changes for d in result.decisions)
    # Only combinations with kind_3 can differ: at most 2^63 of them.
    assert len(result.decisions) < result.differing_combinations <= 2 ** 63
    assert result.decisions_more == result.differing_combinations - len(result.decisions)
    assert result.verdicts["kind_3"] in ("looser", "incomparable")  # it needs fewer gates, and another
    assert main(["compare", "generated@1.0", "generated@2.0", "--policy-dir", str(tmp_path)]) == 1
    assert "of all 18,446,744,073,709,551,615 combinations" in capsys.readouterr().out


def test_compare_of_the_shipped_versions_is_exhaustive(v11_to_v120):
    assert v11_to_v120.exhaustive is True
    assert v11_to_v120.largest_combination == 8
