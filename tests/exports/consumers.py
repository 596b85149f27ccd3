"""Independent consumers of workreg's exports: SpiffWorkflow runs the BPMN and evaluates the DMN."""

from __future__ import annotations

import pytest

# A one-task process that calls a DMN decision (Camunda's decisionRef, which SpiffWorkflow reads).
_CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="callerDefinitions" targetNamespace="urn:workreg:test">
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="{decision}">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def bpmn_rounds(xml: str) -> list[list[str]]:
    """Run a BPMN process (validated against the BPMN 2.0 XSD) task by task: the user tasks ready each round."""
    pytest.importorskip("SpiffWorkflow", reason="SpiffWorkflow runs the BPMN exports: pip install -e '.[test]'")
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(xml.encode("utf-8"))
    (process,) = parser.get_process_ids()
    workflow = BpmnWorkflow(parser.get_spec(process))
    workflow.do_engine_steps()
    rounds = []
    while not workflow.is_completed():
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        assert ready, "the process waits on nothing it can do"
        rounds.append(sorted(task.task_spec.bpmn_id for task in ready))
        for task in ready:
            task.run()
        workflow.do_engine_steps()
    return rounds


class DmnEvaluator:
    """Evaluates a DMN document's decision for given inputs through SpiffWorkflow (validated against DMN 1.3)."""

    def __init__(self, dmn: str, decision: str):
        pytest.importorskip("SpiffWorkflow", reason="SpiffWorkflow evaluates the DMN exports: pip install -e '.[test]'")
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
        from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

        parser = CamundaParser(validator=BpmnValidator())
        parser.add_dmn_str(dmn.encode("utf-8"))
        parser.add_bpmn_str(_CALLER.replace("{decision}", decision).encode("utf-8"))
        self.spec = parser.get_spec("caller")
        # SpiffWorkflow evaluates entries as Python; FEEL's boolean literals are its only other words here.
        self.engine = PythonScriptEngine(environment=TaskDataEnvironment({"true": True, "false": False}))

    def outputs(self, inputs: dict[str, bool], output: str) -> list:
        from SpiffWorkflow.bpmn import BpmnWorkflow

        workflow = BpmnWorkflow(self.spec, script_engine=self.engine)
        workflow.get_tasks()[0].data.update(inputs)
        workflow.do_engine_steps()
        assert workflow.is_completed()
        return list(workflow.last_task.data.get(output, []))
