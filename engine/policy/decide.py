"""Answer "what approval does this change need?" from a compiled decision table.

This module imports neither networkx nor pydantic: a query is a dictionary look-up plus, when
committees are named, a small expansion of the per-committee gate.  Results are memoised.
"""

from __future__ import annotations

from typing import Iterable

from workreg.policy.decision import (
    KIND_STRENGTH, Alternative, Citation, Decision, NotRequired, OrderEdge, Provenance, RequiredApproval, StepItem,
    UnspecifiedPoint,
)
from workreg.errors import UsageError, did_you_mean


#: The layout of a compiled table; bump when it or the meaning of its entries changes.
TABLE_FORMAT = 1


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
        source = table["source"]
        #: The published text the policy's citations quote (itself, unless it is a reconstruction).
        self.quotes_from: str = table["provenance"].get("quotes_from") or f"{source['document']} {source['version']}"
        self._citations = tuple(Citation(section, quote, self.quotes_from) for section, quote in table["citations"])
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

    @property
    def provenance_record(self) -> Provenance:
        """The policy's provenance as a decision carries it."""
        table = self.table["provenance"]
        source = self.table["source"]
        return Provenance(
            kind=table["kind"], document=f"{source['document']} {source['version']}", quotes_from=self.quotes_from,
            note=table["note"], basis=tuple(self._citations[i] for i in table["basis"]),
        )

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
        decision = self._materialise(canonical, names, originating.strip() if originating else None)
        self._memo[key] = decision
        return decision

    # -- building a Decision from the table ------------------------------------------------

    def _actor_name(self, role: str, originating: str | None) -> str:
        info = self.table["roles"][role]
        if info["designated"] and originating:
            return originating
        if info["default"] is not None:
            return self.table["roles"][info["default"]]["name"]
        return info["name"]

    def _default_reading(self, role: str, originating: str | None) -> str | None:
        """The role's interpretation when the decision relies on its default body (none was named)."""
        info = self.table["roles"][role]
        if info["default"] is not None and not originating:
            return info["interpretation"]
        return None

    def _alternatives(self, step: str) -> tuple[Alternative, ...]:
        roles = self.table["roles"]
        return tuple(
            Alternative(role, f"{qualifier} the {roles[role]['name']}" if qualifier else roles[role]["name"],
                        self._citations[citation])
            for role, qualifier, citation in self.table["steps"][step]["also_by"]
        )

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

        readings: dict[str, str | None] = {}  # gate instance -> the default it relies on, if any
        for gate, *_ in entry["required"]:
            reading = self._default_reading(steps[gate]["actor"], originating)
            for instance, _ in expansions[gate]:
                readings[instance] = reading
        required = []
        for gate, kind, citation, required_by, interpretation in entry["required"]:
            info = steps[gate]
            for instance, name in expansions[gate]:
                # A gate given by another relies on whatever that one's body rests on.
                reading = readings[instance] or readings.get(satisfied.get(instance, ""))
                required.append(RequiredApproval(
                    gate=instance, approver=info["actor"], name=name, kind=kind,
                    citation=cite[citation], required_by=tuple(required_by), title=info["title"],
                    satisfied_by=satisfied.get(instance),
                    interpretation=_join(interpretation, reading),
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
                interpretation=_join(steps[step]["interpretation"],
                                     self._default_reading(steps[step]["actor"], originating)),
                also_by=self._alternatives(step),
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
            provenance=self.provenance_record,
        )


def _join(*readings: str | None) -> str | None:
    """Several interpretations as one text (None when there is none)."""
    texts = list(dict.fromkeys(text for text in readings if text))
    return " ".join(texts) or None


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
