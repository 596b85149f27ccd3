"""Answer "what approval does this change need?" from a policy's compiled form.

This module imports neither networkx nor pydantic.  A combination of change kinds is decided on
first use (:func:`workreg.policy.combine.combine`) and memoised, then each query expands the
per-committee gates for the committees named; repeated queries are a dictionary look-up.
"""

from __future__ import annotations

from typing import Iterable

from workreg.policy.decision import (
    KIND_STRENGTH, Citation, Decision, NotRequired, OrderEdge, RequiredApproval, StepItem, UnspecifiedPoint,
)
from workreg.errors import UsageError, did_you_mean
from workreg.policy.combine import Combination, KindRules, PrecedenceIndex, Requirement, combine


#: The layout of a compiled policy; bump when it or the meaning of its entries changes.
#: 2: per-kind rules and the precedence graph instead of every combination decided up front.
TABLE_FORMAT = 2
#: Decisions kept per policy: past this many distinct queries the memo starts afresh, so a
#: long-running process asked about ever new committees or combinations stays bounded.
MAX_MEMO = 1 << 16


class CompiledPolicy:
    """A policy's compiled form, ready for queries (build with :func:`workreg.policy.registry.get_policy`)."""

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
        for part in ("roles", "steps", "rules", "precedence", "topological_order", "citations"):
            if part not in table:
                raise KeyError(part)
        self._kind_position = {kind: index for index, kind in enumerate(self.kinds)}
        self._citations = tuple(Citation(section, quote) for section, quote in table["citations"])
        self._memo: dict = {}
        self._combinations: dict[tuple[str, ...], Combination] = {}
        self._index: PrecedenceIndex | None = None
        self._rules: dict[str, KindRules] = {}
        self._gate_and_actor: tuple[dict[str, bool], dict[str, str]] | None = None

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

    def citation(self, index: int) -> Citation:
        """The citation stored at ``index`` of the compiled form."""
        return self._citations[index]

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
        decision = self._materialise(self.combination(canonical), names, originating.strip() if originating else None)
        if len(self._memo) >= MAX_MEMO:
            self._memo.clear()
        self._memo[key] = decision
        return decision

    def combination(self, changes: Iterable[str]) -> Combination:
        """The committee-independent decision for these change kinds, derived on first use."""
        canonical = self.canonical_changes(changes)
        found = self._combinations.get(canonical)
        if found is None:
            if len(self._combinations) >= MAX_MEMO:
                self._combinations.clear()
            found = self._combinations[canonical] = self._combine(canonical)
        return found

    # -- the compiled form, unpacked on first use ---------------------------------------------

    @property
    def precedence(self) -> PrecedenceIndex:
        """Reachability and citation chains over the policy's steps (built on first use)."""
        if self._index is None:
            table = self.table
            self._index = PrecedenceIndex(
                table["steps"], table["topological_order"],
                ((edge["before"], edge["after"], edge["citation"]) for edge in table["precedence"]),
            )
        return self._index

    def kind_rules(self, kind: str) -> KindRules:
        """What one change kind requires, does not need and leaves open."""
        rules = self._rules.get(kind)
        if rules is None:
            entry = self.table["rules"][kind]
            rules = self._rules[kind] = KindRules(
                requires=tuple(
                    Requirement(r["step"], r["kind"], r["citation"], r["interpretation"]) for r in entry["requires"]
                ),
                not_required=tuple((n["approver"], n["citation"]) for n in entry["not_required"]),
                unspecified=tuple((u["topic"], u["text"], u["citation"]) for u in entry["unspecified"]),
            )
        return rules

    def _combine(self, changes: tuple[str, ...]) -> Combination:
        if self._gate_and_actor is None:
            steps = self.table["steps"]
            self._gate_and_actor = (
                {step: info["gate"] for step, info in steps.items()},
                {step: info["actor"] for step, info in steps.items()},
            )
        is_gate, actor = self._gate_and_actor
        rules = {change: self.kind_rules(change) for change in changes}
        return combine(changes, rules, is_gate, actor, self.precedence)

    # -- building a Decision ------------------------------------------------------------------

    def _actor_name(self, role: str, originating: str | None) -> str:
        info = self.table["roles"][role]
        if info["default"] is not None:
            return originating or self.table["roles"][info["default"]]["name"]
        return info["name"]

    def _materialise(self, entry: Combination, committees: tuple[str, ...], originating: str | None) -> Decision:
        steps = self.table["steps"]
        roles = self.table["roles"]
        cite = self._citations

        expansions: dict[str, list[tuple[str, str]]] = {}  # gate -> [(instance id, body name)]
        for item in entry.required:
            actor = steps[item.step]["actor"]
            if roles[actor]["per_name"] and committees:
                expansions[item.step] = [(f"{item.step}:{name}", name) for name in committees]
            else:
                expansions[item.step] = [(item.step, self._actor_name(actor, originating))]

        # One body approving twice (the same body filling two roles, say) is one approval:
        # later gates of the same body are satisfied by the first, in stage order.  Within a
        # stage the satisfier is chosen by meaning, not by the order of the YAML file: a named
        # role before a per-committee one, then the stronger kind, then the gate id.
        kind_of = {item.step: item.kind for item in entry.required}

        def satisfier_first(gate: str) -> tuple:
            return (roles[steps[gate]["actor"]]["per_name"], -KIND_STRENGTH.get(kind_of[gate], 0), gate)

        satisfied: dict[str, str] = {}
        first_gate_of_body: dict[str, str] = {}
        for stage in entry.stages:
            for gate in sorted(stage, key=satisfier_first):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first_gate_of_body:
                        satisfied[instance] = first_gate_of_body[body]
                    else:
                        first_gate_of_body[body] = instance

        required = []
        for item in entry.required:
            info = steps[item.step]
            for instance, name in expansions[item.step]:
                required.append(RequiredApproval(
                    gate=instance, approver=info["actor"], name=name, kind=item.kind,
                    citation=cite[item.citation], required_by=item.required_by, title=info["title"],
                    satisfied_by=satisfied.get(instance), interpretation=item.interpretation,
                ))
        stages = tuple(
            stage for stage in (
                tuple(i for gate in stage for i, _ in expansions[gate] if i not in satisfied)
                for stage in entry.stages
            ) if stage
        )
        order = tuple(
            OrderEdge(b, a, tuple(cite[c] for c in edge.chain))
            for edge in entry.order
            for b, _ in expansions[edge.before] for a, _ in expansions[edge.after]
            if b not in satisfied and a not in satisfied
        )
        step_items = tuple(
            StepItem(
                step=item.step, title=steps[item.step]["title"], actor=steps[item.step]["actor"],
                name=self._actor_name(steps[item.step]["actor"], originating), kind=item.kind,
                optional=steps[item.step]["optional"], citation=cite[item.citation], required_by=item.required_by,
            )
            for item in entry.steps
        )
        not_required = tuple(
            NotRequired(approver, roles[approver]["name"], cite[citation], by)
            for approver, citation, by in entry.not_required
        )
        unspecified = tuple(
            UnspecifiedPoint(topic, text, cite[citation], by) for topic, text, citation, by in entry.unspecified
        )
        return Decision(
            policy=self.ref, changes=entry.changes, required=tuple(required), not_required=not_required,
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
