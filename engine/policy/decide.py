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
        self._view: _StepsView | None = None
        self._chains: dict[tuple[int, ...], tuple[Citation, ...]] = {}

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

    def resolve_kind(self, name: str) -> str:
        """A change kind's id from its id, its id with spaces ("scope extension") or its title."""
        if name in self._kind_position:
            return name
        wanted = " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()
        for kind, title in self.table["kinds"].items():
            if wanted in (kind.replace("_", " "), " ".join(title.split()).casefold()):
                return kind
        raise UsageError(
            f"unknown change kind '{name}' in {self.ref}", code="unknown-change-kind",
            hint=did_you_mean(name, self.kinds) or "known: " + ", ".join(self.kinds),
        )

    def canonical_changes(self, changes: Iterable[str]) -> tuple[str, ...]:
        """The change kinds (ids or titles) in policy order, without repeats; unknown kinds raise UsageError."""
        if isinstance(changes, str):
            changes = (changes,)
        names = list(changes)
        if any(not isinstance(name, str) for name in names):
            raise UsageError("change kinds must be strings", code="bad-argument")
        if not names:
            raise UsageError("no change kind given", code="no-change", hint="known: " + ", ".join(self.kinds))
        # The first unknown name in the order given is the one reported, every run.
        unique = {self.resolve_kind(name) for name in names}
        return tuple(sorted(unique, key=self._kind_position.__getitem__))

    def decide(
        self, changes: Iterable[str], committees: Iterable[str] = (), originating: str | None = None
    ) -> Decision:
        """The decision for these change kinds (see :func:`decide`)."""
        changes = (changes,) if isinstance(changes, str) else tuple(changes)
        committees = tuple(committees)
        key = (frozenset(changes), committees, originating)
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError as exc:
            raise UsageError("change kinds and committees must be strings", code="bad-argument") from exc
        canonical = self.canonical_changes(changes)
        names = tuple(dict.fromkeys(name.strip() for name in committees if name and name.strip()))
        decision = self._materialise(self._combination(canonical), names, originating.strip() if originating else None)
        if len(self._memo) >= MAX_MEMO:
            self._memo.clear()
        self._memo[key] = decision
        return decision

    def combination(self, changes: Iterable[str]) -> Combination:
        """The committee-independent decision for these change kinds, derived on first use."""
        return self._combination(self.canonical_changes(changes))

    def _combination(self, canonical: tuple[str, ...]) -> Combination:
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
        view = self._steps_view()
        rules = {change: self.kind_rules(change) for change in changes}
        return combine(changes, rules, view.is_gate, view.actor, self.precedence)

    def _steps_view(self) -> _StepsView:
        if self._view is None:
            self._view = _StepsView(self.table)
        return self._view

    # -- building a Decision ------------------------------------------------------------------

    def _materialise(self, entry: Combination, committees: tuple[str, ...], originating: str | None) -> Decision:
        view = self._steps_view()
        actor_of, title_of, per_name, fixed_name, default_name = (
            view.actor, view.title, view.per_name, view.fixed_name, view.default_name)
        cite = self._citations

        def name_of(step: str) -> str:
            fixed = fixed_name[step]
            return fixed if fixed is not None else (originating or default_name[step])

        expansions: dict[str, list[tuple[str, str]]] = {}  # gate -> [(instance id, body name)]
        for item in entry.required:
            gate = item.step
            if committees and per_name[gate]:
                expansions[gate] = [(f"{gate}:{name}", name) for name in committees]
            else:
                expansions[gate] = [(gate, name_of(gate))]

        # One body approving twice (the same body filling two roles, say) is one approval:
        # later gates of the same body are satisfied by the first, in stage order.  Within a
        # stage the satisfier is chosen by meaning, not by the order of the YAML file: a named
        # role before a per-committee one, then the stronger kind, then the gate id.
        kind_of = {item.step: item.kind for item in entry.required}

        def satisfier_first(gate: str) -> tuple:
            return (per_name[gate], -KIND_STRENGTH.get(kind_of[gate], 0), gate)

        satisfied: dict[str, str] = {}
        first_gate_of_body: dict[str, str] = {}
        for stage in entry.stages:
            for gate in (sorted(stage, key=satisfier_first) if len(stage) > 1 else stage):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first_gate_of_body:
                        satisfied[instance] = first_gate_of_body[body]
                    else:
                        first_gate_of_body[body] = instance

        required = tuple(
            RequiredApproval(instance, actor_of[item.step], name, item.kind, cite[item.citation], item.required_by,
                             title_of[item.step], satisfied.get(instance), item.interpretation)
            for item in entry.required for instance, name in expansions[item.step]
        )
        if satisfied:
            stages = tuple(
                stage for stage in (
                    tuple(i for gate in stage for i, _ in expansions[gate] if i not in satisfied)
                    for stage in entry.stages
                ) if stage
            )
        elif committees:
            stages = tuple(tuple(i for gate in stage for i, _ in expansions[gate]) for stage in entry.stages)
        else:
            stages = entry.stages
        chains = self._chains
        order = []
        for edge in entry.order:
            citations = chains.get(edge.chain)
            if citations is None:
                citations = chains[edge.chain] = tuple(cite[c] for c in edge.chain)
            for b, _ in expansions[edge.before]:
                if b in satisfied:
                    continue
                for a, _ in expansions[edge.after]:
                    if a not in satisfied:
                        order.append(OrderEdge(b, a, citations))
        step_items = tuple(
            StepItem(item.step, title_of[item.step], actor_of[item.step], name_of(item.step), item.kind,
                     view.optional[item.step], cite[item.citation], item.required_by)
            for item in entry.steps
        )
        role_name = view.role_name
        not_required = tuple(
            NotRequired(approver, role_name[approver], cite[citation], by)
            for approver, citation, by in entry.not_required
        )
        unspecified = tuple(
            UnspecifiedPoint(topic, text, cite[citation], by) for topic, text, citation, by in entry.unspecified
        )
        return Decision(self.ref, entry.changes, required, not_required, unspecified, stages, tuple(order), step_items)


class _StepsView:
    """Per step, what building a decision reads (one dict look-up each, not three)."""

    __slots__ = ("actor", "title", "optional", "is_gate", "per_name", "fixed_name", "default_name", "role_name")

    def __init__(self, table: dict) -> None:
        roles = table["roles"]
        steps = table["steps"]
        self.role_name = {role: info["name"] for role, info in roles.items()}
        self.actor = {step: info["actor"] for step, info in steps.items()}
        self.title = {step: info["title"] for step, info in steps.items()}
        self.optional = {step: info["optional"] for step, info in steps.items()}
        self.is_gate = {step: info["gate"] for step, info in steps.items()}
        self.per_name = {step: roles[actor]["per_name"] for step, actor in self.actor.items()}
        # The body's name: the role's own, or (for a role filled by default by another) the
        # originating body named in the query, else the default role's name.
        self.fixed_name = {
            step: roles[actor]["name"] if roles[actor]["default"] is None else None for step, actor in self.actor.items()
        }
        self.default_name = {
            step: roles[roles[actor]["default"]]["name"] if roles[actor]["default"] is not None else None
            for step, actor in self.actor.items()
        }


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
