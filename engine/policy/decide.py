"""Answer "what approval does this change need?" from a compiled decision table.

This module imports neither networkx nor pydantic: a query is a dictionary look-up plus, when
committees are named, a small expansion of the per-committee gate.  Results are memoised.
"""

from __future__ import annotations

from typing import Iterable

from workreg.policy.decision import (
    KIND_STRENGTH, Citation, Decision, NotRequired, OrderEdge, RequiredApproval, StepItem, UnspecifiedPoint,
)
from workreg.errors import UsageError, did_you_mean


#: The layout of a compiled table; bump when it or the meaning of its entries changes.
TABLE_FORMAT = 1
#: Decisions memoised per policy before the memo starts again (every combination of kinds fits many times).
MEMO_LIMIT = 65_536


class CompiledPolicy:
    """A policy's decision table, ready for look-ups (build with :func:`workreg.policy.registry.get_policy`)."""

    def __init__(self, table: dict, *, file: str | None = None) -> None:
        if table.get("format") != TABLE_FORMAT:
            raise ValueError(f"table format {table.get('format')!r}; this workreg reads {TABLE_FORMAT}")
        self.table = table
        self.file = file
        self.ref: str = table["ref"]
        self.name: str = table["policy"]
        self.version: str = table["version"]
        self.title: str = table["title"]
        self.kinds: tuple[str, ...] = tuple(table["kinds"])
        self._kind_position = {kind: index for index, kind in enumerate(self.kinds)}
        self._citations = tuple(Citation(section, quote) for section, quote in table["citations"])
        self._memo: dict = {}

    def __repr__(self) -> str:
        return f"<CompiledPolicy {self.ref}>"

    @property
    def provenance(self) -> dict:
        table = self.table["provenance"]
        return {
            "kind": table["kind"],
            "note": table["note"],
            "basis": [self._citations[i].to_dict() for i in table["basis"]],
        }

    def role_name(self, role: str) -> str:
        return self.table["roles"][role]["name"]

    def canonical_changes(self, changes: Iterable[str]) -> tuple[str, ...]:
        """The change kinds in policy order, without repeats; unknown kinds raise UsageError."""
        if isinstance(changes, str):
            changes = (changes,)
        unique = set(changes)
        if not unique:
            raise UsageError("no change kind given", code="no-change", hint="known: " + ", ".join(self.kinds))
        for change in unique:
            if change not in self._kind_position:
                raise UsageError(
                    f"unknown change kind '{change}' in {self.ref}", code="unknown-change-kind",
                    hint=did_you_mean(change, self.kinds),
                )
        return tuple(sorted(unique, key=self._kind_position.__getitem__))

    def decide(
        self, changes: Iterable[str], committees: Iterable[str] = (), originating: str | None = None
    ) -> Decision:
        """The decision for these change kinds (see :func:`decide`)."""
        if isinstance(changes, str):
            changes = (changes,)
        committees = tuple(committees)
        key = (frozenset(changes), committees, originating)
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError as exc:
            raise UsageError("change kinds and committees must be strings", code="bad-argument") from exc
        canonical = self.canonical_changes(key[0])
        names = tuple(dict.fromkeys(name.strip() for name in committees if name and name.strip()))
        decision = self._materialise(canonical, names, originating.strip() if originating else None)
        if len(self._memo) >= MEMO_LIMIT:  # committee names come from users (and HTTP): stay bounded
            self._memo.clear()
        self._memo[key] = decision
        return decision

    # -- building a Decision from the table ------------------------------------------------

    def _actor_name(self, role: str, originating: str | None) -> str:
        info = self.table["roles"][role]
        if info["default"] is not None:
            return originating or self.table["roles"][info["default"]]["name"]
        return info["name"]

    def _materialise(self, changes: tuple[str, ...], committees: tuple[str, ...], originating: str | None) -> Decision:
        entry = self.table["decisions"][",".join(changes)]
        steps = self.table["steps"]
        roles = self.table["roles"]
        cite = self._citations

        expansions: dict[str, list[tuple[str, str]]] = {}  # gate -> [(instance id, body name)]
        for gate, *_ in entry["required"]:
            actor = steps[gate]["actor"]
            if roles[actor]["per_name"] and committees:
                expansions[gate] = [(f"{gate}:{name}", name) for name in committees]
            else:
                expansions[gate] = [(gate, self._actor_name(actor, originating))]

        # One body approving twice (the Alliance Committee as Originating Committee, say) is one
        # approval: later gates of the same body are satisfied by the first, in stage order.
        # Within a stage the satisfier is chosen by meaning, not by the order of the YAML file:
        # a named role before a per-committee one, then the stronger kind, then the gate id.
        kind_of = {gate: kind for gate, kind, *_ in entry["required"]}

        def satisfier_first(gate: str) -> tuple:
            return (roles[steps[gate]["actor"]]["per_name"], -KIND_STRENGTH.get(kind_of[gate], 0), gate)

        satisfied: dict[str, str] = {}
        first_gate_of_body: dict[str, str] = {}
        for stage in entry["stages"]:
            for gate in sorted(stage, key=satisfier_first):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first_gate_of_body:
                        satisfied[instance] = first_gate_of_body[body]
                    else:
                        first_gate_of_body[body] = instance

        required = []
        for gate, kind, citation, required_by, interpretation in entry["required"]:
            info = steps[gate]
            for instance, name in expansions[gate]:
                required.append(RequiredApproval(
                    gate=instance, approver=info["actor"], name=name, kind=kind,
                    citation=cite[citation], required_by=tuple(required_by), title=info["title"],
                    satisfied_by=satisfied.get(instance), interpretation=interpretation,
                ))
        stages = tuple(
            stage for stage in (
                tuple(i for gate in stage for i, _ in expansions[gate] if i not in satisfied)
                for stage in entry["stages"]
            ) if stage
        )
        order = tuple(
            OrderEdge(b, a, tuple(cite[c] for c in chain))
            for before, after, chain in entry["order"]
            for b, _ in expansions[before] for a, _ in expansions[after]
            if b not in satisfied and a not in satisfied
        )
        step_items = tuple(
            StepItem(
                step=step, title=steps[step]["title"], actor=steps[step]["actor"],
                name=self._actor_name(steps[step]["actor"], originating), kind=kind,
                optional=steps[step]["optional"], citation=cite[citation], required_by=tuple(required_by),
            )
            for step, kind, citation, required_by in entry["steps"]
        )
        not_required = tuple(
            NotRequired(approver, roles[approver]["name"], cite[citation], tuple(by))
            for approver, citation, by in entry["not_required"]
        )
        unspecified = tuple(
            UnspecifiedPoint(topic, text, cite[citation], tuple(by))
            for topic, text, citation, by in entry["unspecified"]
        )
        return Decision(
            policy=self.ref, changes=changes, required=tuple(required), not_required=not_required,
            unspecified=unspecified, stages=stages, order=order, steps=step_items,
        )


def decide(
    policy: CompiledPolicy,
    changes: Iterable[str],
    committees: Iterable[str] = (),
    originating: str | None = None,
) -> Decision:
    """What approvals ``changes`` need under ``policy``, in stages, with citations.

    ``committees`` names the affected committees (one gate each); ``originating`` names the
    Originating Committee when it is not the policy's default.
    """
    return policy.decide(changes, committees, originating)
