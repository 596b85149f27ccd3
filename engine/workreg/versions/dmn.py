"""DMN 1.3 export of a policy's requirements: one decision table, hit policy COLLECT.

One boolean input per change kind (its id is the input expression) and one rule per requirement
a change kind states: the rule matches when that kind is present and outputs the gate it
requires, annotated with the clause (the rule's description, which
modelers show as its annotation).  Collecting every matching rule gives the union of the
included kinds' requirements, which is the set of gates workreg requires for any combination
(requirements combine as a union; the tests check it against every combination of the shipped
policies through SpiffWorkflow's DMN engine).  Order, stages and "not required" answers are not
decision-table material: the table's description says where to find them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from workreg.versions.exports_common import approval_citations, citation_text, ncname, policy_label

if TYPE_CHECKING:
    from workreg.versions.compare import LoadedPolicy

DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMNDI_NS = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DC_NS = "http://www.omg.org/spec/DMN/20180521/DC/"
FEEL_NS = "https://www.omg.org/spec/DMN/20191111/FEEL/"
DECISION_ID = "required_approvals"


def _feel_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def requirement_rules(loaded: "LoadedPolicy") -> list[tuple[str, str, list[dict]]]:
    """(change kind, gate, clauses) for every requirement the policy states, in the policy's kind order."""
    rules = []
    for kind in loaded.compiled.kinds:
        for item in loaded.compiled.decide([kind], ()).required:
            rules.append((kind, item.gate, approval_citations(item)))
    return rules


def policy_dmn(loaded: "LoadedPolicy") -> str:
    """The DMN 1.3 XML of ``loaded``'s requirements."""
    titles = {kind.id: kind.title for kind in loaded.model.change_kinds}
    kinds = list(loaded.compiled.kinds)
    label = policy_label(loaded)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<definitions xmlns="{DMN_NS}" xmlns:dmndi="{DMNDI_NS}" xmlns:dc="{DC_NS}" '
           f'id="{ncname("Definitions_" + loaded.compiled.ref)}" name={quoteattr(loaded.model.title)} '
           f'namespace="urn:workreg:dmn:{escape(loaded.compiled.ref)}" expressionLanguage="{FEEL_NS}" '
           f'typeLanguage="{FEEL_NS}" exporter="workreg" exporterVersion="{_version()}">',
           f'  <decision id="{DECISION_ID}" name="Required approvals">',
           f"    <description>{escape(_description(label))}</description>",
           '    <decisionTable id="Table_required_approvals" hitPolicy="COLLECT">']
    for kind in kinds:
        out += [f'      <input id="{ncname("Input_" + kind)}" label={quoteattr(titles.get(kind, kind))}>',
                f'        <inputExpression id="{ncname("InputExpression_" + kind)}" typeRef="boolean">'
                f"<text>{escape(kind)}</text></inputExpression>",
                "      </input>"]
    out.append('      <output id="Output_gate" label="Required approval (gate)" name="gate" typeRef="string" />')
    for number, (kind, gate, citations) in enumerate(requirement_rules(loaded), 1):
        out.append(f'      <rule id="Rule_{number}">')
        clauses = "; ".join(citation_text(citation) for citation in citations)
        # A rule's description is the annotation column of modelers (dmn-js, Camunda Modeler).
        out.append(f"        <description>{escape(f'{kind} requires {gate}: {clauses}')}</description>")
        for index, other in enumerate(kinds):
            entry = "true" if other == kind else "-"
            out.append(f'        <inputEntry id="Rule_{number}_in_{index + 1}"><text>{entry}</text></inputEntry>')
        out.append(f'        <outputEntry id="Rule_{number}_out"><text>{escape(_feel_string(gate))}</text></outputEntry>')
        out.append("      </rule>")
    out += ["    </decisionTable>", "  </decision>",
            "  <dmndi:DMNDI>", '    <dmndi:DMNDiagram id="Diagram_1">',
            f'      <dmndi:DMNShape id="Shape_{DECISION_ID}" dmnElementRef="{DECISION_ID}">',
            '        <dc:Bounds height="80" width="180" x="160" y="100" />',
            "      </dmndi:DMNShape>", "    </dmndi:DMNDiagram>", "  </dmndi:DMNDI>",
            "</definitions>", ""]
    return "\n".join(out)


def _description(label: str) -> str:
    return (f"The approvals each change kind requires under {label}. Set an input to true for each kind "
            "the change includes; the collected outputs are the gates the change needs. Order, stages, "
            "approvals not required and points the text leaves open are in: workreg approvals KIND...")


def _version() -> str:
    from workreg import __version__

    return __version__
