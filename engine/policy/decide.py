"""Answer "what approval does this change need?" from a policy's compiled form.

This module imports neither networkx nor pydantic.  A combination of change kinds is decided on
first use (:func:`workreg.policy.combine.combine`) and memoised, then each query expands the
per-committee gates for the committees named; repeated queries are a dictionary look-up.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from workreg.policy.decision import (
    KIND_STRENGTH, Alternative, Citation, Decision, NotRequired, OrderEdge, ParallelStage, Provenance,
    RequiredApproval, StepItem, UnspecifiedPoint,
)
from workreg.errors import UsageError, did_you_mean
from workreg.policy.combine import (
    Combination, KindRules, OrderSources, PrecedenceIndex, Requirement, combine,
)


#: The layout of a compiled policy; bump when it or the meaning of its entries changes.
#: 2: per-kind rules and the precedence graph instead of every combination decided up front.
#: 3: order scoped to change kinds (``applies_to``, a kind's own ``order``), parallel groups'
#:    scope and readings, roles' aliases and readings, steps' readings and alternatives.
#: 4: phases, the review cycle, each step's citation and the register section it records, change-kind
#:    phrases, the organization vocabulary a policy names its bodies from.
TABLE_FORMAT = 4
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
        source = table["source"]
        #: The published text the policy's citations quote (itself, unless it is a reconstruction).
        self.quotes_from: str = table["provenance"].get("quotes_from") or f"{source['document']} {source['version']}"
        self._citations = tuple(Citation(section, quote, self.quotes_from) for section, quote in table["citations"])
        self._sources: dict[frozenset, OrderSources] = {}
        self._provenance: Provenance | None = None
        self._alternatives_of: dict[str, tuple[Alternative, ...]] = {}
        # The change kinds whose presence changes a decision's order: those an edge or a parallel
        # group is scoped to, and those with an order of their own.
        self._scoping_kinds = frozenset(
            kind for edge in table["precedence"] for kind in edge.get("applies_to", ())
        ) | frozenset(kind for kind, rules in table["rules"].items() if rules.get("order"))
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

    @property
    def provenance_record(self) -> Provenance:
        """The policy's provenance as a decision carries it."""
        if self._provenance is None:
            table = self.table["provenance"]
            source = self.table["source"]
            self._provenance = Provenance(
                kind=table["kind"], document=f"{source['document']} {source['version']}",
                quotes_from=self.quotes_from, note=table["note"],
                basis=tuple(self._citations[i] for i in table["basis"]),
            )
        return self._provenance

    def citation(self, index: int) -> Citation:
        """The citation stored at ``index`` of the compiled form."""
        return self._citations[index]

    @property
    def review_cycle(self) -> ReviewCycle | None:
        """How often the policy says its subject is to be reviewed, how strongly, and the clause; None if it does not."""
        cycle = self.table["review_cycle"]
        if cycle is None:
            return None
        return ReviewCycle(cycle["interval_months"], cycle["strength"], cycle["performed_by"],
                           cycle["coordinated_by"], self._citations[cycle["citation"]])

    def records(self) -> dict[str, tuple[str, Citation]]:
        """Register section → (the step that records it, that step's clause), for the steps that record one."""
        return {
            info["records"]: (step, self._citations[info["citation"]])
            for step, info in self.table["steps"].items() if info["records"] is not None
        }

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
        record = self.provenance_record
        reconstructed = (
            f" ({self.ref} is a reconstruction of {record.document}, which is not at hand: its change kinds are "
            f"a reading of {record.quotes_from} and its change history, not a published list)"
            if record.kind == "reconstructed" else ""
        )
        raise UsageError(
            f"unknown change kind '{name}' in {self.ref}{reconstructed}", code="unknown-change-kind",
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
        if isinstance(changes, str):
            changes = (changes,)
        elif not isinstance(changes, (tuple, list)):
            changes = tuple(changes)  # read twice below: the key, and (on a miss) in the order given
        committees = tuple(committees)
        key = (frozenset(changes), committees, originating)  # a repeated question: one look-up
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

    def kinds_with_named_gates(self) -> frozenset[str]:
        """The change kinds that require a gate of a per-name role (one gate per body named in a query)."""
        view = self._steps_view()
        return frozenset(
            kind for kind in self.kinds
            if any(view.is_gate[r.step] and view.per_name[r.step] for r in self.kind_rules(kind).requires)
        )

    # -- the compiled form, unpacked on first use ---------------------------------------------

    @property
    def precedence(self) -> PrecedenceIndex:
        """Reachability and citation chains over the edges that order every change kind (built on first use)."""
        if self._index is None:
            table = self.table
            self._index = PrecedenceIndex(
                table["steps"], table["topological_order"],
                ((edge["before"], edge["after"], edge["citation"]) for edge in table["precedence"]
                 if not edge.get("applies_to")),
            )
        return self._index

    def order_sources(self, changes: tuple[str, ...]) -> OrderSources:
        """The order that applies to these change kinds (edges scoped to them, their own readings),
        and the part of it the text states; one index per distinct set of edges, built on first use."""
        key = self._scoping_kinds.intersection(changes)
        found = self._sources.get(key)
        if found is not None:
            return found
        table = self.table
        edges = [edge for edge in table["precedence"] if not edge["applies_to"] or key.intersection(edge["applies_to"])]
        own = [edge for change in changes if change in key for edge in table["rules"][change]["order"]]
        readings: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        for edge in own + edges:  # a stated edge's reading wins over a kind's own for the same pair
            pair = (edge["before"], edge["after"])
            if pair not in readings or edge["interpretation"] is None:
                readings[pair] = (edge["interpretation"], edge["condition"])
        # Stated edges last: a repeated pair keeps the last citation, the text's.
        ordered = own + [edge for edge in edges if edge["interpretation"]] + \
            [edge for edge in edges if not edge["interpretation"]]
        index = PrecedenceIndex(table["steps"], table["topological_order"],
                                ((edge["before"], edge["after"], edge["citation"]) for edge in ordered))
        stated = PrecedenceIndex(table["steps"], table["topological_order"],
                                 ((edge["before"], edge["after"], edge["citation"]) for edge in edges
                                  if not edge["interpretation"]))
        found = self._sources[key] = OrderSources(index, stated, readings)
        return found

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
        sources = self.order_sources(changes)
        return combine(changes, rules, view.is_gate, view.actor, sources.index, sources=sources)

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
            if fixed is None or (originating and view.designated[step]):
                return originating or default_name[step]
            return fixed

        # The role's reading when the decision relies on the body filling it by default; a step's own.
        default_reading = view.no_reading if originating else view.default_reading
        step_reading = view.step_reading_named if originating else view.step_reading

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
        for stage in (*entry.stages, entry.unordered):
            for gate in (sorted(stage, key=satisfier_first) if len(stage) > 1 else stage):
                for instance, name in expansions[gate]:
                    body = name.casefold()
                    if body in first_gate_of_body:
                        satisfied[instance] = first_gate_of_body[body]
                    else:
                        first_gate_of_body[body] = instance

        def reading_of(item, instance: str) -> str | None:
            own, default = item.interpretation, default_reading[item.step]
            satisfier = satisfied.get(instance)
            # A gate given by another rests on whatever that one's body rests on.
            given = default_reading[satisfier.partition(":")[0]] if satisfier else None
            if given is None:
                return default if own is None else (own if default is None else _join(own, default))
            return _join(own, default, given)

        # Values built with tuple.__new__, every field given (what a named tuple's own __new__
        # does, without its Python frame): a first decision builds dozens of them.
        new = tuple.__new__
        required = tuple(
            new(RequiredApproval, (instance, actor_of[item.step], name, item.kind, cite[item.citation],
                                   item.required_by, title_of[item.step], satisfied.get(instance),
                                   reading_of(item, instance)))
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
        unordered = tuple(i for gate in entry.unordered for i, _ in expansions[gate] if i not in satisfied)
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
                        order.append(new(OrderEdge, (b, a, citations, edge.interpretation, edge.condition)))
        alternatives = self._alternatives_of or self._all_alternatives()
        optional = view.optional
        step_items = tuple(
            new(StepItem, (item.step, title_of[item.step], actor_of[item.step], name_of(item.step), item.kind,
                           optional[item.step], cite[item.citation], item.required_by,
                           step_reading[item.step], alternatives[item.step]))
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
        parallel = ()
        if any(len(stage) > 1 for stage in stages):
            parallel = self._parallel(entry.changes, stages,
                                      {i: gate for gate in expansions for i, _ in expansions[gate]},
                                      {item.gate: item.name for item in required})
        no_approval = () if required else tuple(
            cite[index] for index in (self.table["rules"][change].get("requires_none") for change in entry.changes)
            if index is not None
        )
        return Decision(self.ref, entry.changes, required, not_required, unspecified, stages, tuple(order), step_items,
                        unordered, parallel, self.provenance_record, no_approval)

    def _all_alternatives(self) -> dict[str, tuple[Alternative, ...]]:
        """Per step, the others the text names as able to perform it (built once)."""
        roles = self.table["roles"]
        self._alternatives_of = {
            step: tuple(
                Alternative(role, f"{qualifier} the {roles[role]['name']}" if qualifier else roles[role]["name"],
                            self._citations[citation])
                for role, qualifier, citation in info["also_by"]
            )
            for step, info in self.table["steps"].items()
        }
        return self._alternatives_of

    def _parallel(self, changes: tuple[str, ...], stages, base_of: dict[str, str], names: dict[str, str]):
        """Why the gates of each stage of several share it: a parallel group of the policy that
        applies to these changes and covers every pair (its condition, citations), else a reading."""
        wanted = set(changes)
        groups = [(group, set(group["steps"])) for group in self.table["parallel"]
                  if not group.get("applies_to") or wanted & set(group["applies_to"])]
        result = []
        for number, stage in enumerate(stages, 1):
            if len(stage) < 2:
                continue
            covering: list[dict] = []
            loose: list[tuple[str, str]] = []
            for position, first in enumerate(stage):
                for second in stage[position + 1:]:
                    pair = {base_of[first], base_of[second]}
                    group = next((g for g, members in groups if pair <= members), None)
                    if group is None:
                        loose.append((first, second))
                    elif group not in covering:
                        covering.append(group)
            reading = _join(*(group.get("interpretation") for group in covering))
            if loose:
                pairs = "; ".join(f"{names[a]} and {names[b]}" for a, b in loose)
                reading = _join(reading, f"{self.table['source']['document']} {self.table['source']['version']} "
                                         f"gives no order between {pairs} and does not say they run together; "
                                         "workreg lists them in one stage.")
            result.append(ParallelStage(
                number, tuple(stage), tuple(self._citations[group["citation"]] for group in covering),
                _join(*(group["condition"] for group in covering)), reading,
            ))
        return tuple(result)


class ReviewCycle(NamedTuple):
    """A policy's review cycle: every ``interval_months``, with ``strength`` must/should/may, and its clause."""

    interval_months: int
    strength: str
    performed_by: str
    coordinated_by: str | None
    citation: Citation


class _StepsView:
    """Per step, what building a decision reads (one dict look-up each, not three)."""

    __slots__ = ("actor", "title", "optional", "is_gate", "per_name", "fixed_name", "default_name", "role_name",
                 "designated", "default_reading", "no_reading", "step_reading", "step_reading_named")

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
        # A role filled by a body named per register (--originating), with or without a default.
        self.designated = {step: roles[actor]["designated"] for step, actor in self.actor.items()}
        # The role's reading of its default body ("most likely the Alliance Committee").
        self.default_reading = {
            step: roles[actor]["interpretation"] if roles[actor]["default"] is not None else None
            for step, actor in self.actor.items()
        }
        self.no_reading = dict.fromkeys(steps)
        # A step's own reading, and with it its actor's default when no body is named.
        self.step_reading = {step: _join(info["interpretation"], self.default_reading[step])
                             for step, info in steps.items()}
        self.step_reading_named = {step: info["interpretation"] for step, info in steps.items()}


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


def _join(*readings: str | None) -> str | None:
    """Several readings as one text (None when there is none)."""
    texts = [text for text in readings if text]
    if len(texts) < 2:
        return texts[0] if texts else None
    return " ".join(dict.fromkeys(texts))
