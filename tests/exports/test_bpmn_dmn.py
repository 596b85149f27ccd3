"""BPMN and DMN exports, checked by an independent engine: SpiffWorkflow runs and evaluates what workreg writes."""

from __future__ import annotations

import itertools
import os

import pytest

from tests.conftest import ROOT
from tests.exports.consumers import DmnEvaluator, bpmn_rounds
from workreg.cli import main
from workreg.versions.bpmn import decision_bpmn, user_task_gates
from workreg.versions.compare import load_for_compare
from workreg.versions.dmn import DECISION_ID, policy_dmn

GOLDEN = ROOT / "tests" / "golden" / "exports"
POLICIES = ["dsp4003@1.2.0", "dsp4003@1.1", "dsp4003@1.0", "rfc@1.0", "rfc@2.0"]
COMMITTEES = ("Technical Committee", "Marketing Committee")


def assert_golden(name: str, text: str) -> None:
    """``text`` equals ``tests/golden/exports/NAME``; WORKREG_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("WORKREG_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; regenerate with WORKREG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture(scope="module", params=POLICIES)
def loaded(request):
    return load_for_compare(request.param)


def expected_rounds(decision) -> list[list[str]]:
    """workreg's stages as a process offers them: the first with every unordered approval, then the rest."""
    active = {item.gate for item in decision.required if item.satisfied_by is None}
    stages = [sorted(gate for gate in stage if gate in active) for stage in decision.stages]
    stages = [stage for stage in stages if stage]
    unordered = sorted(gate for gate in decision.unordered if gate in active)
    if not stages:
        return [unordered] if unordered else []
    return [sorted(stages[0] + unordered), *stages[1:]]


def run_gates(xml: str) -> list[list[str]]:
    gates = user_task_gates(xml)
    return [sorted(gates[task] for task in round_) for round_ in bpmn_rounds(xml)]


def test_every_change_kind_runs_in_workreg_stages(loaded):
    for kind in loaded.compiled.kinds:
        for committees in ((), COMMITTEES):
            decision = loaded.compiled.decide([kind], committees)
            assert run_gates(decision_bpmn(loaded, decision)) == expected_rounds(decision), (kind, committees)


def test_every_pair_of_dsp4003_kinds_runs_in_workreg_stages():
    loaded = load_for_compare("dsp4003@1.2.0")
    for pair in itertools.combinations(loaded.compiled.kinds, 2):
        decision = loaded.compiled.decide(pair, COMMITTEES[:1])
        assert run_gates(decision_bpmn(loaded, decision)) == expected_rounds(decision), pair


def test_a_task_carries_its_gate_body_and_clause():
    import xml.etree.ElementTree as ElementTree

    from workreg.versions.bpmn import BPMN_NS, WORKREG_NS

    loaded = load_for_compare("dsp4003@1.2.0")
    root = ElementTree.fromstring(decision_bpmn(loaded, loaded.compiled.decide(["removal"], ())))
    (task,) = root.iter(f"{{{BPMN_NS}}}userTask")
    assert task.get("name") == "DMTF Board approval (DMTF Board of Directors)"
    assert "§4.1" in task.find(f"{{{BPMN_NS}}}documentation").text
    gate = task.find(f".//{{{WORKREG_NS}}}gate")
    assert gate.get("id") == "board_approval" and gate.get("requiredBy") == "removal"
    assert gate.find(f"{{{WORKREG_NS}}}clause").get("section") == "4.1"
    # Diagram interchange: every flow node has a shape and every flow an edge with waypoints.
    di = "{http://www.omg.org/spec/BPMN/20100524/DI}"
    shapes = {shape.get("bpmnElement") for shape in root.iter(f"{di}BPMNShape")}
    nodes = {node.get("id") for tag in ("startEvent", "endEvent", "userTask", "parallelGateway")
             for node in root.iter(f"{{{BPMN_NS}}}{tag}")}
    assert shapes == nodes
    flows = {flow.get("id") for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow")}
    edges = {edge.get("bpmnElement"): edge for edge in root.iter(f"{di}BPMNEdge")}
    assert set(edges) == flows and all(len(edge) >= 2 for edge in edges.values())


def test_dmn_gives_workreg_gates_for_every_combination(loaded):
    evaluator = DmnEvaluator(policy_dmn(loaded), DECISION_ID)
    kinds = list(loaded.compiled.kinds)
    for size in range(1, len(kinds) + 1):
        for combination in itertools.combinations(kinds, size):
            got = evaluator.outputs({kind: kind in combination for kind in kinds}, "gate")
            want = {item.gate for item in loaded.compiled.decide(combination, ()).required}
            assert set(got) == want, combination


@pytest.mark.parametrize("name,args", [
    ("dsp4003-scope_extension.bpmn", ["render", "dsp4003@1.2.0", "--change", "scope_extension", "--format", "bpmn"]),
    ("dsp4003-new_register-tc.bpmn", ["render", "dsp4003@1.2.0", "--change", "new_register", "--committee",
                                      "Technical Committee", "--format", "bpmn"]),
    ("rfc-1.0.dmn", ["render", "rfc@1.0", "--format", "dmn"]),
])
def test_golden(name, args, capsys):
    assert main(args) == 0
    assert_golden(name, capsys.readouterr().out)


@pytest.mark.parametrize("args,message", [
    (["render", "dsp4003", "--format", "bpmn"], "name its change kinds with --change"),
    (["render", "dsp4003", "--format", "dmn", "--change", "removal"], "--change and --approvals-only do not apply"),
    (["render", "dsp4003", "--format", "bpmn", "--change", "removal", "--against", "dsp4003@1.1"], "has no --against"),
    (["render", "dsp4003", "--format", "bpmn", "-o", "x.dmn", "--change", "removal"], "does not match the output file"),
    (["render", "dsp4003", "--format", "svg"], "write it to a file with -o"),
])
def test_options_that_do_not_apply_are_usage_errors(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_output_file_suffix_picks_the_export(tmp_path, capsys):
    target = tmp_path / "scope.bpmn"
    assert main(["render", "dsp4003", "--change", "scope_extension", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions')
    assert "wrote" in capsys.readouterr().err
