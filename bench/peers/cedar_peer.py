"""Cedar, run by cedarpy: the hand-written policies in ``dsp4003.cedar`` over an entity store.

The entity store is built from the per-kind data of the policy YAML (which approval gates each
change kind ``requires``, who performs each gate, and §2.3's default Originating Committee): each
Approver is a member of every ChangeKind that requires one of its gates, so ``principal in
context.kinds`` in the Cedar policy computes the union over the request's kinds.

Fastest correct use of cedarpy, measured: parse the policies once (``PolicySet.from_str``) and
the entities once (``Entities.from_json_str``), then per request one ``is_authorized_batch``
with one request per candidate approver, sharing one context serialised once to JSON text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import yaml

ROOT = Path(__file__).resolve().parents[2]
CEDAR_FILE = Path(__file__).with_name("dsp4003.cedar")
POLICY_FILE = ROOT / "policies" / "dsp4003" / "1.2.0.yaml"
GATE_KINDS = ("ballot", "approval", "acknowledgement")


def entities_from_policy(policy: dict) -> tuple[list[dict], list[str]]:
    """Cedar entities (ChangeKinds, Approvers, the Process) and the candidate approver ids.

    An approver's parents are the change kinds that require one of its gates.  When two gates
    belong to one body (a role filled by default by another, §2.3), the later-declared gate's
    approver gets ``satisfied_by``: the approver of the earlier gate.
    """
    gate_actor = {s["id"]: s["actor"] for s in policy["steps"] if s["kind"] in GATE_KINDS}
    default_body = {r["id"]: r["default"] for r in policy["roles"] if r.get("default")}
    required_by: dict[str, list[str]] = {actor: [] for actor in gate_actor.values()}
    for kind in policy["change_kinds"]:
        for requirement in kind.get("requires", ()):
            actor = gate_actor.get(requirement["step"])
            if actor is not None and kind["id"] not in required_by[actor]:
                required_by[actor].append(kind["id"])
    satisfied_by: dict[str, str] = {}
    first_gate_of_body: dict[str, str] = {}
    for actor in gate_actor.values():  # declaration order
        body = default_body.get(actor, actor)
        if body in first_gate_of_body and first_gate_of_body[body] != actor:
            satisfied_by[actor] = first_gate_of_body[body]
        first_gate_of_body.setdefault(body, actor)

    def uid(kind: str, ident: str) -> dict:
        return {"type": kind, "id": ident}

    entities = [{"uid": uid("ChangeKind", k["id"]), "attrs": {}, "parents": []} for k in policy["change_kinds"]]
    entities.append({"uid": uid("Process", "dsp4003"), "attrs": {}, "parents": []})
    for actor, kinds in required_by.items():
        attrs = {"satisfied_by": {"__entity": uid("Approver", satisfied_by[actor])}} if actor in satisfied_by else {}
        entities.append({"uid": uid("Approver", actor), "attrs": attrs,
                         "parents": [uid("ChangeKind", k) for k in kinds]})
    return entities, list(required_by)


class CedarPeer:
    """Required approvers from the Cedar encoding: one authorization request per candidate approver."""

    name = "cedar"

    def __init__(self, cedar_file: Path = CEDAR_FILE, policy_file: Path = POLICY_FILE) -> None:
        import cedarpy  # only the benchmark needs it (optional extra 'bench')

        self._cedarpy = cedarpy
        self._policies = cedarpy.PolicySet.from_str(cedar_file.read_text(encoding="utf-8"))
        entities, self.candidates = entities_from_policy(yaml.safe_load(policy_file.read_text(encoding="utf-8")))
        self._entities = cedarpy.Entities.from_json_str(json.dumps(entities))

    def evaluate(self, kinds: list[str]) -> list:
        """One decision (the timed part): one batch of requests, one per candidate approver."""
        # "__entity" marks an entity reference; without it Cedar reads a record (a type error).
        context = json.dumps({"kinds": [{"__entity": {"type": "ChangeKind", "id": k}} for k in kinds]})
        requests = [
            {"principal": {"type": "Approver", "id": approver}, "action": 'Action::"require"',
             "resource": 'Process::"dsp4003"', "context": context}
            for approver in self.candidates
        ]
        return self._cedarpy.is_authorized_batch(requests, self._policies, self._entities)

    def decode(self, results: list) -> frozenset[str]:
        """The approvers whose request was allowed; RuntimeError when Cedar reported errors."""
        for result in results:
            if result.diagnostics.errors:
                raise RuntimeError(f"Cedar evaluation errors: {result.diagnostics.errors}")
        return frozenset(a for a, r in zip(self.candidates, results) if r.allowed)

    def approvers(self, kinds: Iterable[str]) -> frozenset[str]:
        return self.decode(self.evaluate(list(kinds)))
