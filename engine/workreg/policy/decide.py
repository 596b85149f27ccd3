"""Answer "what approval does this change need?" from a policy's compiled form.

This module imports neither networkx nor pydantic.  A combination of change kinds is decided on
first use (:func:`workreg.policy.combine.combine`) and memoised, then each query expands the
per-committee gates for the committees named; repeated queries are a dictionary look-up.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple, cast

from workreg.errors import UsageError, did_you_mean
from workreg.policy.combine import (
    Combination, CombinedNotRequired, CombinedRequirement, CombinedUnspecified, Combiner, KindConflict, OrderScopes,
    OrderSources, Reach,
)
from workreg.policy.compiled import (
    ClassificationInfo, KindInfo, NotNamedInfo, ParallelInfo, PolicyForm, RoleInfo, SourceInfo, StepInfo,
    form_from_json,
)
from workreg.policy.decision import (
    KIND_STRENGTH, Alternative, Citation, Conflict, ConflictClause, Decision, NotRequired, OrderEdge, ParallelStage,
    Provenance, RequiredApproval, StepItem, UnspecifiedPoint,
)

#: Decisions kept per policy: past this many distinct queries the memo starts afresh, so a
#: long-running process asked about ever new committees or combinations stays bounded.
MAX_MEMO = 1 << 16


class CompiledPolicy:
    """A policy's compiled form, ready for queries (build with :func:`workreg.policy.registry.get_policy`).

    Read it through its attributes and accessors (``role``, ``step``, ``kind``, ``gate_approver``,
    ``kind_title``, ``kind_citation``, ``source``, ``vocabulary``, ...); ``form`` is the typed
    compiled form itself (:mod:`workreg.policy.compiled`).
    """

    def __init__(self, form: PolicyForm, *, file: str | None = None) -> None:
        if not isinstance(form, PolicyForm):
            raise TypeError(f"a PolicyForm, not {type(form).__name__}")
        self.form = form
        self.file = file
        self.ref: str = form.ref
        self.name: str = form.policy
        self.version: str = form.version
        self.title: str = form.title
        self.source: SourceInfo = form.source
        #: The organization vocabulary the policy names its bodies from (``dmtf``), or None.
        self.vocabulary: str | None = form.vocabulary
        self.classification: tuple[ClassificationInfo, ...] = form.classification
        self.parallel: tuple[ParallelInfo, ...] = form.parallel
        self._roles = {role.id: role for role in form.roles}
        self._steps = {step.id: step for step in form.steps}
        self._kinds = {kind.id: kind for kind in form.kinds}
        self.kinds: tuple[str, ...] = tuple(self._kinds)
        self._kind_position = {kind: index for index, kind in enumerate(self.kinds)}
        self._kind_set = frozenset(self.kinds)
        #: The published text the policy's citations quote (itself, unless it is a reconstruction).
        self.quotes_from: str = form.provenance.quotes_from or form.source.label
        self._citations = tuple(Citation(section, quote, self.quotes_from) for section, quote in form.citations)
        self._provenance: Provenance | None = None
        self._alternatives_of: dict[str, tuple[Alternative, ...]] = {}
        #: The order edges and the order each set of scoping kinds gets (held apart from this policy,
        #: so that the combiner it lends them to refers to no policy: no reference cycle).
        self._order = OrderScopes(form, MAX_MEMO)
        self._memo: dict[Any, Decision] = {}
        self._requires_none = {kind.id: kind.requires_none for kind in form.kinds if kind.requires_none is not None}
        self._combinations: dict[tuple[str, ...], Combination] = {}
        self._view: _StepsView | None = None
        self._chains: dict[tuple[int, ...], tuple[Citation, ...]] = {}
        self._combiner: Combiner | None = None
        # Parts of decisions that many combinations share, each built once.
        self._gate_parts: dict[Any, Any] = {}
        self._step_items: dict[tuple[CombinedRequirement, str | None], StepItem] = {}
        self._step_lists: dict[Any, tuple[StepItem, ...]] = {}
        self._pieces: dict[int, tuple[Any, Any]] = {}
        self._parallels: dict[Any, tuple[ParallelStage, ...]] = {}
        self._group_scopes: list[tuple[int, frozenset[str] | None]] | None = None
        self._group_masks: tuple[int, dict[str, int]] | None = None
        self._role_gates: dict[str, str] | None = None
        self._conflicts: dict[int, tuple[KindConflict, Conflict]] = {}
        #: A combination's conflicts in words, by the identity of its conflicts tuple (which the entry holds).
        self._conflict_sets: dict[int, tuple[tuple[KindConflict, ...], tuple[Conflict, ...]]] = {}
        #: Per order edge (by id), the edge as a decision lists it: shared by every gates' part that has it.
        self._order_edges: dict[int, tuple[Any, OrderEdge]] = {}

    @classmethod
    def from_json(cls, payload: Any, *, file: str | None = None) -> CompiledPolicy:
        """A compiled policy from the cache's JSON (TypeError or ValueError when it does not fit)."""
        return cls(form_from_json(payload), file=file)

    def __repr__(self) -> str:
        return f"<CompiledPolicy {self.ref}>"

    # -- what callers ask ---------------------------------------------------------------------

    @property
    def roles(self) -> Mapping[str, RoleInfo]:
        """Role id → :class:`~workreg.policy.compiled.RoleInfo`, in file order."""
        return MappingProxyType(self._roles)

    @property
    def not_named(self) -> Mapping[str, NotNamedInfo]:
        """Vocabulary bodies this version of the text does not name (a reconstruction's), by name."""
        return MappingProxyType({entry.body: entry for entry in self.form.not_named})

    def role(self, role: str) -> RoleInfo:
        """A role by id (KeyError when the policy has none)."""
        return self._roles[role]

    def role_name(self, role: str) -> str:
        return self._roles[role].name

    @property
    def steps(self) -> Mapping[str, StepInfo]:
        """Step id → :class:`~workreg.policy.compiled.StepInfo`, in file order."""
        return MappingProxyType(self._steps)

    def step(self, step: str) -> StepInfo:
        """A step (or gate) by id."""
        return self._steps[step]

    def gate_approver(self, gate: str) -> RoleInfo:
        """The role that performs a step or approves at a gate (a gate instance ``gate:Name`` too)."""
        return self._roles[self._steps[gate.partition(":")[0]].actor]

    def kind(self, kind: str) -> KindInfo:
        """What one change kind says: title, clause, phrases, requirements, not required, open points, own order."""
        return self._kinds[kind]

    def kind_title(self, kind: str) -> str:
        return self._kinds[kind].title

    @property
    def kind_titles(self) -> Mapping[str, str]:
        """Change kind id → title, in policy order."""
        return MappingProxyType({kind.id: kind.title for kind in self.form.kinds})

    def kind_citation(self, kind: str) -> Citation:
        """The clause a change kind comes from."""
        return self._citations[self._kinds[kind].citation]

    def kind_rules(self, kind: str) -> KindInfo:
        """What one change kind requires, does not need and leaves open (its :class:`KindInfo`)."""
        return self._kinds[kind]

    @property
    def provenance(self) -> Provenance:
        """The policy's provenance as a decision carries it (kind, document, quotes_from, note, basis)."""
        if self._provenance is None:
            record = self.form.provenance
            self._provenance = Provenance(
                kind=record.kind, document=self.source.label, quotes_from=self.quotes_from, note=record.note,
                basis=tuple(self._citations[i] for i in record.basis),
            )
        return self._provenance

    @property
    def provenance_record(self) -> Provenance:
        """Same as :attr:`provenance`."""
        return self.provenance

    def citation(self, index: int) -> Citation:
        """The citation stored at ``index`` of the compiled form."""
        return self._citations[index]

    @property
    def review_cycle(self) -> ReviewCycle | None:
        """How often the policy says its subject is to be reviewed, how strongly, and the clause; None if it does not."""
        cycle = self.form.review_cycle
        if cycle is None:
            return None
        return ReviewCycle(cycle.interval_months, cycle.strength, cycle.performed_by, cycle.coordinated_by,
                           self._citations[cycle.citation])

    def records(self) -> dict[str, tuple[str, Citation]]:
        """Register section → (the step that records it, that step's clause), for the steps that record one."""
        return {
            step.records: (step.id, self._citations[step.citation])
            for step in self.form.steps if step.records is not None
        }

    def resolve_kind(self, name: str) -> str:
        """A change kind's id from its id, its id with spaces ("scope extension") or its title."""
        if name in self._kind_position:
            return name
        wanted = " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()
        for kind in self.form.kinds:
            if wanted in (kind.id.replace("_", " "), " ".join(kind.title.split()).casefold()):
                return kind.id
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
            found = self._memo.get(key)  # as fast as ``[key]`` when found, without raising KeyError when not
        except TypeError as exc:
            raise UsageError("change kinds and committees must be strings", code="bad-argument") from exc
        if found is not None:
            return found
        unique = key[0]
        if unique and unique <= self._kind_set:  # ids only: policy order without resolving names
            canonical = tuple(sorted(unique, key=self._kind_position.__getitem__))
        else:
            canonical = self.canonical_changes(changes)
        names = tuple(dict.fromkeys(name.strip() for name in committees if name and name.strip())) if committees else ()
        combination = self._combinations.get(canonical)
        if combination is None:  # (the look-up of :meth:`_combination`, without a call when it is known)
            combination = self._combination(canonical)
        decision = self._materialise(combination, names, originating.strip() if originating else None)
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
            found = self._combinations[canonical] = (self._combiner or self._new_combiner()).combine(canonical)
        return found

    def kinds_with_named_gates(self) -> frozenset[str]:
        """The change kinds that require a gate of a per-name role (one gate per body named in a query)."""
        view = self._steps_view()
        return frozenset(
            kind.id for kind in self.form.kinds
            if any(view.is_gate[r.step] and view.per_name[r.step] for r in kind.requires)
        )

    # -- the order, indexed once per policy ---------------------------------------------------

    def prepare(self) -> CompiledPolicy:
        """Build the policy-wide indexes a decision reads (once; a first decision does it otherwise)."""
        self._steps_view()
        self._order.catalogues()
        self._alternatives_of or self._all_alternatives()
        self._combiner or self._new_combiner()  # the per-kind and per-step bitsets
        self._applying_groups(())  # the parallel groups' scopes
        self._group_masks or self._new_group_masks()
        self.provenance  # noqa: B018 - built on first read; every decision carries it
        return self

    @property
    def precedence(self) -> Reach:
        """Reachability and citation chains over the edges that order every change kind."""
        return self._order.catalogues()[0].base

    def order_sources(self, changes: tuple[str, ...]) -> OrderSources:
        """The order that applies to these change kinds, and the part of it the text states (see
        :meth:`OrderScopes.sources`)."""
        return self._order.sources(changes)

    def _new_combiner(self) -> Combiner:
        view = self._steps_view()
        self._combiner = Combiner(
            self.form.kinds, [step.id for step in self.form.steps], view.is_gate, view.actor,
            self._order.scoping_kinds, self._order.sources, self._order.covers, MAX_MEMO)
        return self._combiner

    def _steps_view(self) -> _StepsView:
        if self._view is None:
            self._view = _StepsView(self._roles, self._steps)
        return self._view

    # -- building a Decision ------------------------------------------------------------------

    def _materialise(self, entry: Combination, committees: tuple[str, ...], originating: str | None) -> Decision:
        parallel: tuple[ParallelStage, ...] = ()
        if committees:
            required, stages, unordered, order, names, several = self._gate_part(entry, committees, originating)
            if several:
                parallel = self._parallel(entry.changes, stages, names)
        else:  # the gates' part depends only on the combination's gates and order, shared by many
            key = ((entry.gates_key, originating) if entry.gates_key is not None else
                   (entry.required, entry.stages, entry.unordered, entry.order, originating))
            gates = self._gate_parts.get(key)
            if gates is None:
                if len(self._gate_parts) >= MAX_MEMO:
                    self._gate_parts.clear()
                gates = self._gate_parts[key] = self._gate_part(entry, committees, originating)
            required, stages, unordered, order, names, several = gates
            if several:  # why a stage's gates share it: per gates' part and parallel groups that apply
                groups = self._group_masks or self._new_group_masks()
                applying_mask = groups[0]
                for change in entry.changes:
                    applying_mask |= groups[1].get(change, 0)
                found = self._parallels.get((key, applying_mask))
                if found is None:
                    found = self._parallel(entry.changes, stages, names, self._applying_groups(entry.changes))
                    if len(self._parallels) >= MAX_MEMO:
                        self._parallels.clear()
                    self._parallels[key, applying_mask] = found
                parallel = found
        step_items = self._step_lists.get((entry.steps_key, originating)) if entry.steps_key is not None else None
        if step_items is None:
            step_item = self._step_item
            step_items = tuple([step_item(item, originating) for item in entry.steps])
            if entry.steps_key is not None:
                if len(self._step_lists) >= MAX_MEMO:
                    self._step_lists.clear()
                self._step_lists[entry.steps_key, originating] = step_items
        # The pieces in words, each looked up by identity (memoised by :meth:`_piece` and :meth:`_conflict`);
        # plain loops, not comprehensions: on Python 3.11 each comprehension is a call of its own.
        pieces = self._pieces
        not_required: tuple[NotRequired, ...] = ()
        if entry.not_required:
            listed: list[Any] = []
            for item in entry.not_required:
                known = pieces.get(id(item))
                listed.append(known[1] if known is not None and known[0] is item else self._piece(item))
            not_required = tuple(listed)
        unspecified: tuple[UnspecifiedPoint, ...] = ()
        if entry.unspecified:
            listed = []
            for point in entry.unspecified:
                known = pieces.get(id(point))
                listed.append(known[1] if known is not None and known[0] is point else self._piece(point))
            unspecified = tuple(listed)
        conflicts: tuple[Conflict, ...] = ()
        if entry.conflicts:  # the combiner shares a conflicts tuple among combinations: in words once per tuple
            found_words = self._conflict_sets.get(id(entry.conflicts))
            if found_words is None or found_words[0] is not entry.conflicts:
                words = self._conflicts
                listed = []
                for conflict in entry.conflicts:
                    said = words.get(id(conflict))
                    listed.append(said[1] if said is not None and said[0] is conflict else self._conflict(conflict))
                if len(self._conflict_sets) >= MAX_MEMO:
                    self._conflict_sets.clear()
                found_words = self._conflict_sets[id(entry.conflicts)] = (entry.conflicts, tuple(listed))
            conflicts = found_words[1]
        no_approval: tuple[Citation, ...] = ()
        if not required:  # where the source says these changes need no approval at all, its clauses
            none_said = self._requires_none
            no_approval = tuple(self._citations[index] for index in (none_said.get(change) for change in entry.changes)
                                if index is not None)
        return tuple.__new__(Decision, (self.ref, entry.changes, required, not_required, unspecified, stages, order,
                                        step_items, unordered, parallel, self._provenance or self.provenance,
                                        no_approval, conflicts))

    def _new_group_masks(self) -> tuple[int, dict[str, int]]:
        """The parallel groups as bitsets: those that apply to every request, and per change kind those scoped to it."""
        unscoped, by_kind = 0, dict[str, int]()
        for index, group in enumerate(self.form.parallel):
            if not group.applies_to:
                unscoped |= 1 << index
            for kind in group.applies_to:
                by_kind[kind] = by_kind.get(kind, 0) | 1 << index
        self._group_masks = (unscoped, by_kind)
        return self._group_masks

    def _applying_groups(self, changes: tuple[str, ...]) -> tuple[int, ...]:
        """The parallel groups (indexes) that apply to these changes: unscoped, or scoped to one of them."""
        if self._group_scopes is None:
            self._group_scopes = [(index, frozenset(group.applies_to) if group.applies_to else None)
                                  for index, group in enumerate(self.form.parallel)]
        return tuple([index for index, scope in self._group_scopes if scope is None or not scope.isdisjoint(changes)])

    def _piece(self, item: CombinedNotRequired | CombinedUnspecified) -> NotRequired | UnspecifiedPoint:
        """A "not required" or an open point of a combination, with its clause (memoised)."""
        if len(self._pieces) >= MAX_MEMO:
            self._pieces.clear()
        if isinstance(item, CombinedNotRequired):
            found: NotRequired | UnspecifiedPoint = NotRequired(
                item.approver, self.role_name(item.approver), self._citations[item.citation], item.changes)
        else:
            found = UnspecifiedPoint(item.topic, item.text, self._citations[item.citation], item.changes)
        self._pieces[id(item)] = (item, found)  # by identity, as :meth:`_conflict`: the combiner shares them
        return found

    def _step_item(self, item: CombinedRequirement, originating: str | None) -> StepItem:
        """A step around the approvals, as a decision lists it (memoised per entry and originating body)."""
        key = (item, originating)
        found = self._step_items.get(key)
        if found is None:
            view = self._steps_view()
            step = item.step
            name = _body_name(view, step, originating)
            reading = (view.step_reading_named if originating else view.step_reading)[step]
            alternatives = self._alternatives_of or self._all_alternatives()
            if len(self._step_items) >= MAX_MEMO:
                self._step_items.clear()
            found = self._step_items[key] = StepItem(
                step, view.title[step], view.actor[step], name, item.kind, view.optional[step],
                self._citations[item.citation], item.required_by, reading, alternatives[step],
                self._clauses(item.citations))
        return found

    def _gate_part(
        self, entry: Combination, committees: tuple[str, ...], originating: str | None,
    ) -> tuple[tuple[RequiredApproval, ...], tuple[tuple[str, ...], ...], tuple[str, ...], tuple[OrderEdge, ...],
               dict[str, str], bool]:
        """The gates of a decision for these committees and originating body: approvals (which body
        gives each, which are satisfied by another), stages, unordered gates, order edges, names, and
        whether a stage holds several gates."""
        view = self._steps_view()
        actor_of, title_of, per_name = view.actor, view.title, view.per_name
        cite = self._citations

        def name_of(step: str) -> str:
            return _body_name(view, step, originating)

        # The role's reading when the decision relies on the body filling it by default.
        default_reading = view.no_reading if originating else view.default_reading
        if not committees or not any(per_name[item.step] for item in entry.required):
            if originating:
                names = {item.step: name_of(item.step) for item in entry.required}
            else:  # no body named in the query: each step's body is known per policy
                unnamed = view.body_unnamed
                names = {item.step: unnamed[item.step] for item in entry.required}
            return self._gate_part_unexpanded(entry, names, default_reading)

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

        def satisfier_first(gate: str) -> tuple[bool, int, str]:
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

        def reading_of(item: CombinedRequirement, instance: str) -> str | None:
            own, default = item.interpretation, default_reading[item.step]
            satisfier = satisfied.get(instance)
            # A gate given by another rests on whatever that one's body rests on.
            given = default_reading[satisfier.partition(":")[0]] if satisfier else None
            if given is None:
                return default if own is None else (own if default is None else _join(own, default))
            return _join(own, default, given)

        # Values built with tuple.__new__, every field given (what a named tuple's own __new__
        # does, without its Python frame).
        new = tuple.__new__
        clauses = self._clauses
        required = tuple(
            new(RequiredApproval, (instance, actor_of[item.step], name, item.kind, cite[item.citation],
                                   item.required_by, title_of[item.step], satisfied.get(instance),
                                   reading_of(item, instance), clauses(item.citations)))
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
        order = []
        for edge in entry.order:
            citations = clauses(edge.chain)
            for b, _ in expansions[edge.before]:
                if b in satisfied:
                    continue
                for a, _ in expansions[edge.after]:
                    if a not in satisfied:
                        order.append(new(OrderEdge, (b, a, citations, edge.interpretation, edge.condition)))
        return (required, stages, unordered, tuple(order), {item.gate: item.name for item in required},
                any(len(stage) > 1 for stage in stages))

    def _gate_part_unexpanded(
        self, entry: Combination, names: dict[str, str], default_reading: Mapping[str, str | None],
    ) -> tuple[tuple[RequiredApproval, ...], tuple[tuple[str, ...], ...], tuple[str, ...], tuple[OrderEdge, ...],
               dict[str, str], bool]:
        """:meth:`_gate_part` where every gate is one approval (no committee expands a per-name role):
        the same derivation, without the instances' bookkeeping.  An order edge is built once per edge
        (the combiner shares one among the gates' parts of its order scope: looked up by identity)."""
        view = self._steps_view()
        actor_of, title_of, per_name = view.actor, view.title, view.per_name
        # Within a stage the satisfier comes first by meaning (see :meth:`_gate_part`): each gate's
        # rank once, read by the sort as a plain look-up (no Python call per comparison key).
        rank: dict[str, tuple[bool, int, str]] | None = None
        if len(entry.unordered) > 1 or any(len(stage) > 1 for stage in entry.stages):
            strength = KIND_STRENGTH.get
            rank = {item.step: (per_name[item.step], -strength(item.kind, 0), item.step) for item in entry.required}

        satisfied: dict[str, str] = {}
        first_gate_of_body: dict[str, str] = {}
        for stage in (*entry.stages, entry.unordered):
            for gate in (sorted(stage, key=rank.__getitem__) if rank is not None and len(stage) > 1 else stage):
                first = first_gate_of_body.setdefault(names[gate].casefold(), gate)
                if first != gate:
                    satisfied[gate] = first
        new, cite, clauses = tuple.__new__, self._citations, self._clauses
        edges = self._order_edges
        if len(edges) >= MAX_MEMO:
            edges.clear()
        required = []
        for item in entry.required:
            gate = item.step
            satisfier = satisfied.get(gate)
            own, default = item.interpretation, default_reading[gate]
            if satisfier is not None:  # a gate given by another rests on whatever that one's body rests on
                given = default_reading[satisfier]
                reading = _join(own, default, given) if own or given else (default or None)
            elif own is None:
                reading = default
            else:
                reading = own if default is None else _join(own, default)
            required.append(new(RequiredApproval, (gate, actor_of[gate], names[gate], item.kind, cite[item.citation],
                                                   item.required_by, title_of[gate], satisfier, reading,
                                                   clauses(item.citations))))
        stages, unordered = entry.stages, entry.unordered
        if satisfied:
            stages = tuple([tuple(kept) for kept in ([gate for gate in stage if gate not in satisfied]
                                                     for stage in stages) if kept])
            unordered = tuple([gate for gate in unordered if gate not in satisfied])
        order = []
        for edge in entry.order:
            if edge.before in satisfied or edge.after in satisfied:
                continue
            said = edges.get(id(edge))
            if said is None or said[0] is not edge:
                said = edges[id(edge)] = (edge, new(OrderEdge, (edge.before, edge.after, clauses(edge.chain),
                                                                 edge.interpretation, edge.condition)))
            order.append(said[1])
        return (tuple(required), stages, unordered, tuple(order), names, any(len(stage) > 1 for stage in stages))

    def _clauses(self, indexes: tuple[int, ...]) -> tuple[Citation, ...]:
        found = self._chains.get(indexes)
        if found is None:
            found = self._chains[indexes] = tuple(self._citations[i] for i in indexes)
        return found

    def _conflict(self, conflict: KindConflict) -> Conflict:
        """A conflict between the request's change kinds, in words (memoised: it names no committee)."""
        # By identity: the combiner hands out the same conflict to every combination sharing it, and
        # hashing one (nested tuples) costs more than the rest of the look-up.  The entry holds the
        # conflict itself, so its id is not reused while the entry lives.
        known = self._conflicts.get(id(conflict))
        if known is not None and known[0] is conflict:
            return known[1]
        if len(self._conflicts) >= MAX_MEMO:
            self._conflicts.clear()
        found = self._conflict_in_words(conflict)
        self._conflicts[id(conflict)] = (conflict, found)
        return found

    def _conflict_in_words(self, conflict: KindConflict) -> Conflict:
        """Each kind's clause about the conflict's subject, and the deciding rule."""
        title = self._steps_view().title
        source = self.source.label
        stating = ", ".join(clause.change for clause in conflict.stating)
        others = ", ".join(clause.change for clause in conflict.other)
        if conflict.topic == "not_required":
            approver = self.role_name(conflict.subject[0])
            wanted = self._gate_titles_of(conflict.subject[0]) or approver
            clauses = [ConflictClause(c.change, f"does not require the {approver}", self._clauses(c.citations))
                       for c in conflict.stating]
            clauses += [ConflictClause(c.change, f"requires {wanted}", self._clauses(c.citations))
                        for c in conflict.other]
            resolution = (f"{others}'s requirement wins: a request needs every approval any of its changes needs, "
                          f"so {stating}'s \"not required\" does not waive it. Interpretation: {source} does not say "
                          "how a request of several changes is decided.")
        else:
            orders = "; ".join(f"{title[edge.before]} before {title[edge.after]}" for edge in conflict.edges)
            gates = "; ".join(title[gate] for gate in conflict.subject)
            clauses = [ConflictClause(c.change, f"orders {orders}", self._clauses(c.citations))
                       for c in conflict.stating]
            clauses += [ConflictClause(c.change, f"requires {gates}, and states no such order",
                                       self._clauses(c.citations)) for c in conflict.other]
            shared = (f"one {gates} serves every change of the request, so it is" if len(conflict.subject) == 1
                      else f"the same gates ({gates}) serve every change of the request, so they are")
            resolution = (f"{stating}'s order applies to {others} too: {shared} ordered as {stating}'s clauses "
                          f"order it. Interpretation: {source} gives {others} no such order.")
        return Conflict(conflict.topic, conflict.subject, tuple(clauses), resolution)

    def _gate_titles_of(self, role: str) -> str:
        """The titles of a role's gates, in file order ("; "-joined; built once for every role)."""
        if self._role_gates is None:
            found: dict[str, list[str]] = {}
            for step in self.form.steps:
                if step.gate:
                    found.setdefault(step.actor, []).append(step.title)
            self._role_gates = {actor: "; ".join(titles) for actor, titles in found.items()}
        return self._role_gates.get(role, "")

    def _all_alternatives(self) -> dict[str, tuple[Alternative, ...]]:
        """Per step, the others the text names as able to perform it (built once)."""
        roles = self._roles
        self._alternatives_of = {
            step.id: tuple(
                Alternative(other.role,
                            f"{other.qualifier} the {roles[other.role].name}" if other.qualifier else roles[other.role].name,
                            self._citations[other.citation])
                for other in step.also_by
            )
            for step in self.form.steps
        }
        return self._alternatives_of

    def _parallel(self, changes: tuple[str, ...], stages: tuple[tuple[str, ...], ...],
                  names: dict[str, str], applying: tuple[int, ...] | None = None) -> tuple[ParallelStage, ...]:
        """Why the gates of each stage of several share it: a parallel group of the policy that
        applies to these changes and covers every pair (its condition, citations), else a reading."""
        if applying is None:
            applying = self._applying_groups(changes)
        key = (applying, stages, tuple(names[gate] for stage in stages for gate in stage))
        found = self._parallels.get(key)
        if found is None:
            if len(self._parallels) >= MAX_MEMO:
                self._parallels.clear()
            found = self._parallels[key] = self._stage_reasons(applying, stages, names)
        return found

    def _stage_reasons(self, applying: tuple[int, ...], stages: tuple[tuple[str, ...], ...],
                       names: dict[str, str]) -> tuple[ParallelStage, ...]:
        groups = [(group, set(group.steps)) for group in (self.form.parallel[index] for index in applying)]
        result = []
        for number, stage in enumerate(stages, 1):
            if len(stage) < 2:
                continue
            covering: list[ParallelInfo] = []
            loose: list[tuple[str, str]] = []
            for position, first in enumerate(stage):
                for second in stage[position + 1:]:
                    pair = {first.partition(":")[0], second.partition(":")[0]}
                    group = next((g for g, members in groups if pair <= members), None)
                    if group is None:
                        loose.append((first, second))
                    elif group not in covering:
                        covering.append(group)
            reading = _join(*(group.interpretation for group in covering))
            if loose:
                pairs = "; ".join(f"{names[a]} and {names[b]}" for a, b in loose)
                reading = _join(reading, f"{self.source.label} gives no order between {pairs} and does not say "
                                         "they run together; workreg lists them in one stage.")
            result.append(ParallelStage(
                number, tuple(stage), tuple(self._citations[group.citation] for group in covering),
                _join(*(group.condition for group in covering)), reading,
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
                 "designated", "default_reading", "no_reading", "step_reading", "step_reading_named", "body_unnamed")

    def __init__(self, roles: Mapping[str, RoleInfo], steps: Mapping[str, StepInfo]) -> None:
        self.role_name = {role: info.name for role, info in roles.items()}
        self.actor = {step: info.actor for step, info in steps.items()}
        self.title = {step: info.title for step, info in steps.items()}
        self.optional = {step: info.optional for step, info in steps.items()}
        self.is_gate = {step: info.gate for step, info in steps.items()}
        self.per_name = {step: roles[actor].per_name for step, actor in self.actor.items()}
        # The body's name: the role's own, or (for a role filled by default by another) the
        # originating body named in the query, else the default role's name.
        self.fixed_name = {
            step: roles[actor].name if roles[actor].default is None else None for step, actor in self.actor.items()
        }
        self.default_name = {
            step: roles[default].name if (default := roles[actor].default) is not None else None
            for step, actor in self.actor.items()
        }
        # The body when the query names none: the role's own name, else its default's.
        self.body_unnamed: dict[str, str] = {
            step: fixed if fixed is not None else cast(str, self.default_name[step]) for step, fixed in self.fixed_name.items()}
        # A role filled by a body named per register (--originating), with or without a default.
        self.designated = {step: roles[actor].designated for step, actor in self.actor.items()}
        # The role's reading of its default body ("most likely the Alliance Committee").
        self.default_reading = {
            step: roles[actor].interpretation if roles[actor].default is not None else None
            for step, actor in self.actor.items()
        }
        self.no_reading: dict[str, str | None] = dict.fromkeys(steps)
        # A step's own reading, and with it its actor's default when no body is named.
        self.step_reading = {step: _join(info.interpretation, self.default_reading[step])
                             for step, info in steps.items()}
        self.step_reading_named = {step: info.interpretation for step, info in steps.items()}


def _body_name(view: _StepsView, step: str, originating: str | None) -> str:
    """The body that performs a step: its role's own name, or (a role filled by default, or named per
    register) the originating body named in the query, else the default role's name."""
    fixed = view.fixed_name[step]
    if fixed is None or (originating and view.designated[step]):
        # A role without a name of its own is filled by default, so its default's name is there.
        return cast(str, originating or view.default_name[step])
    return fixed


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
