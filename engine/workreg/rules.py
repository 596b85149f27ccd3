"""Classification rules: the one place workreg talks to durable_rules.

A classification rule says "a change record whose fields have these values is
of this kind"::

    - id: milestone-done-marker
      when: {section: milestones, done_only: true}   # every condition must hold
      kind: editorial
      priority: 10                                     # higher wins among matches

A condition value is a scalar (str, int, float, bool) or a list of scalars
meaning "any of these". For each fact the adapter returns the winning rule:
highest ``priority``, then earliest declared; or None when no rule matches.

Values compare like Python ``==`` except that booleans only equal booleans
(``done_only: true`` does not match ``1``), so YAML's ``true`` and ``1`` stay
distinct. A missing field or a ``None`` value never satisfies a condition.

durable_rules does the matching, but it has sharp edges this module exists to
contain (all measured on durable-rules 2.0.28):

* Rulesets are process-global and never freed, so they are registered once per
  distinct content (the name is a content hash) and shared by every RuleSet.
* ``Host()`` starts two timer threads that poll the rulesets and race the
  caller for pending actions (a result goes missing about once in 10,000 calls,
  and now and then the process segfaults). Our host never starts them, so every
  action runs synchronously inside ``assert_facts`` on the caller's thread.
* A ruleset holds at most 1024 live sessions; the 1025th raises MemoryError,
  the ruleset never recovers, and touching the failed session segfaults. Each
  call opens one session and deletes it in ``finally``; a cap below 1024 turns
  the limit into RulesError before durable is touched.
* A fact no rule accepts raises MessageNotHandledException, so every ruleset
  gets a catch-all rule. It also proves that durable saw every fact: a fact the
  catch-all did not report is an error, never a silent "no match".
* Events are consumed by the first rule that fires, which would hide the other
  matches; facts fire every matching rule. We assert facts, collect every
  (fact, rule) match and pick the winner here, deterministically.
* durable's own any-of (``$or``) corrupts its heap once about 64 rules use it,
  one fact matching 256 rules is reported twice, and a field tested against
  about 511 values hangs. Any-of lists are expanded here into one durable rule
  per value combination, capped at MAX_DURABLE_RULES (RulesError beyond).
* A fact with no explicit ``id`` gets one from a hash of its content, so equal
  facts would collide; each fact is sent with its position as ``id``.
* An action taking two parameters is treated as asynchronous (it must call a
  callback), so actions are closures of exactly one parameter.
* None of it is thread-safe; one lock serialises every call into durable.

``import workreg.rules`` does not import durable_rules: the CLI starts fast, and
durable is loaded by the first classification.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence, Union

from workreg.digests import blake2b_hex, sha256_hex
from workreg.errors import RulesError, did_you_mean

Scalar = Union[str, int, float, bool]
FactValue = Union[str, int, float, bool, None]
ConditionValue = Union[Scalar, tuple]

# durable_rules' MAX_STATE_INDEX_LENGTH is 1024 sessions per ruleset; stay clear of it.
MAX_LIVE_SESSIONS = 1000
# durable parses at most 128 properties per message; each fact also carries sid, id and i.
MAX_FIELDS = 100
# Registered rulesets are never freed (about 70 kB each), so bound how many a process makes.
MAX_RULESETS = 4096
# durable 2.0.28 misbehaves when one fact matches 256 rules (a fact is reported twice)
# and hangs when one field is tested against about 511 values, so cap the number of
# durable rules (any-of lists expanded) well below both.
MAX_DURABLE_RULES = 250
# Facts asserted into one session; larger batches use several sessions, one after another.
MAX_FACTS_PER_SESSION = 4096

_RULE_KEYS = ("id", "when", "kind", "outcome", "priority", "description")
_CATCH_ALL = "catch_all"
# durable's ERR_SID_NOT_FOUND, as its Python binding words it.
_SID_NOT_FOUND = "error code: 309"


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class RuleSpec:
    """One classification rule, validated and normalised.

    ``conditions`` maps a fact field to the one value it must equal, or to a
    tuple of values it may equal (any of). ``order`` breaks priority ties: the
    lower order (earlier declared) wins.
    """

    id: str
    conditions: Mapping[str, ConditionValue] = field(hash=False)
    outcome: Hashable
    priority: int = 0
    order: int = 0

    def __post_init__(self) -> None:
        where = f"rule '{self.id}'" if isinstance(self.id, str) and self.id else "rule"
        if not isinstance(self.id, str) or not self.id.strip():
            raise RulesError(f"rule id must be a non-empty string, got {self.id!r}", code="invalid-rule")
        if not isinstance(self.priority, int) or isinstance(self.priority, bool):
            raise RulesError(f"{where}: priority must be an integer, got {self.priority!r}",
                             code="invalid-rule", field="priority")
        if not isinstance(self.order, int) or isinstance(self.order, bool):
            raise RulesError(f"{where}: order must be an integer, got {self.order!r}", code="invalid-rule")
        try:
            hash(self.outcome)
        except TypeError as exc:
            raise RulesError(f"{where}: outcome must be hashable, got {type(self.outcome).__name__}",
                             code="invalid-rule", field="kind") from exc
        if self.outcome is None:
            raise RulesError(f"{where}: outcome (kind) is missing", code="invalid-rule", field="kind")
        object.__setattr__(self, "conditions", MappingProxyType(_normalise_conditions(where, self.conditions)))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], order: int = 0) -> "RuleSpec":
        """A rule from its policy-file form: ``{id, when, kind, priority?, description?}``.

        ``outcome`` is accepted as a synonym of ``kind``.
        """
        if not isinstance(data, Mapping):
            raise RulesError(f"rule #{order + 1} must be a mapping, got {type(data).__name__}",
                             code="invalid-rule")
        rule_id = data.get("id")
        where = f"rule '{rule_id}'" if isinstance(rule_id, str) and rule_id else f"rule #{order + 1}"
        for key in data:
            if key not in _RULE_KEYS:
                raise RulesError(f"{where}: unknown key {key!r}", code="invalid-rule", field=str(key),
                                 hint=did_you_mean(str(key), _RULE_KEYS))
        if "kind" in data and "outcome" in data:
            raise RulesError(f"{where}: give 'kind' or 'outcome', not both", code="invalid-rule")
        if "id" not in data:
            raise RulesError(f"{where}: 'id' is missing", code="invalid-rule", field="id")
        if "when" not in data:
            raise RulesError(f"{where}: 'when' is missing", code="invalid-rule", field="when")
        outcome = data["kind"] if "kind" in data else data.get("outcome")
        return cls(id=data["id"], conditions=data["when"], outcome=outcome,
                   priority=data.get("priority", 0), order=order)


@dataclass(frozen=True)
class Match:
    """The rule that won for one fact, and every rule that matched it (winner first)."""

    rule_id: str
    outcome: Hashable
    priority: int
    matched: tuple[str, ...]


def _normalise_conditions(where: str, conditions: Any) -> dict[str, ConditionValue]:
    if not isinstance(conditions, Mapping):
        raise RulesError(f"{where}: 'when' must be a mapping of field to value, got "
                         f"{type(conditions).__name__}", code="invalid-rule", field="when")
    if not conditions:
        # An empty 'when' would match everything; that is almost always a mistake in a policy.
        raise RulesError(f"{where}: 'when' is empty; a rule needs at least one condition",
                         code="invalid-rule", field="when")
    normalised: dict[str, ConditionValue] = {}
    for name, value in conditions.items():
        if not isinstance(name, str) or not name:
            raise RulesError(f"{where}: condition field names must be non-empty strings, got {name!r}",
                             code="invalid-rule", field="when")
        if isinstance(value, (list, tuple)):
            if not value:
                raise RulesError(f"{where}: condition '{name}' lists no values, so it could never match",
                                 code="invalid-rule", field=f"when.{name}")
            for item in value:
                _check_condition_scalar(where, name, item)
            # Keep declared order but drop repeats (1 and 1.0 are one value, True is not 1).
            normalised[name] = _unique_by_token(value)
        else:
            _check_condition_scalar(where, name, value)
            normalised[name] = value
    return normalised


def _unique_by_token(values: Sequence[Any]) -> tuple[Any, ...]:
    seen: dict[str | None, Any] = {}
    for value in values:
        seen.setdefault(_token(value), value)
    return tuple(seen.values())


def _check_condition_scalar(where: str, name: str, value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise RulesError(f"{where}: condition '{name}' has non-finite number {value!r}",
                         code="invalid-rule", field=f"when.{name}")
    if not isinstance(value, (str, int, float)):  # bool is an int
        kind = "null" if value is None else type(value).__name__
        raise RulesError(f"{where}: condition '{name}' has a value of unsupported type {kind} "
                         f"({value!r}); use a string, number, boolean or a list of them",
                         code="invalid-rule", field=f"when.{name}")


# --------------------------------------------------------------------------- value tokens


def _token(value: Any) -> str | None:
    """The string durable compares for a value, or None for a value that matches nothing.

    durable compares strings with strcmp (a NUL ends them) over lengths held in
    16 bits; hashing every value to a short, typed, ASCII token keeps that out of
    reach and makes the type rules (True is not 1, 2.0 is 2) ours.
    """
    # (typeshed does not see that a class is hashable)
    return _cached_token(type(value), value)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=8192)
def _cached_token(value_type: type, value: Any) -> str | None:
    # The type is part of the cache key: True, 1 and 1.0 are equal dict keys.
    if value_type is bool or isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        payload = "n" + format(value, "x")  # hex has no digit limit, unlike str(int)
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isfinite(value) and value.is_integer():
            payload = "n" + format(int(value), "x")  # 2.0 equals 2, as in Python
        else:
            payload = "f" + value.hex()
    elif isinstance(value, str):
        payload = "s" + value
    else:
        raise TypeError(value_type)
    digest = blake2b_hex(payload.encode("utf-8", "surrogatepass"), 16)
    return payload[0] + digest


def _tokens_of(value: ConditionValue) -> tuple[str | None, ...]:
    values = value if isinstance(value, tuple) else (value,)
    return tuple(dict.fromkeys(_token(item) for item in values))


# --------------------------------------------------------------------------- durable side


class _Registered:
    """A durable ruleset registered in this process, shared by every RuleSet with its content."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.live_sessions: set[str] = set()
        self.next_session = itertools.count(1)
        self.hits: list[tuple[int, int]] = []
        self.seen: list[int] = []
        # Set when durable failed to create a session: the ruleset is unusable from then on.
        self.broken: str | None = None


_lock = threading.Lock()  # guards durable (not thread-safe) and everything below
_host: Any = None
_registered: dict[str, _Registered] = {}


def _durable_host() -> Any:
    """The private durable Host, created on first use with its timer threads never started."""
    global _host
    if _host is None:
        from durable import engine as durable_engine  # lazy: keeps `import workreg.rules` fast

        class _SynchronousHost(durable_engine.Host):
            # Host.__init__ calls _run(), which starts the dispatch and timer threads that
            # race our own calls. We only need synchronous actions, so start nothing.
            def _run(self) -> None:
                return None

        _host = _SynchronousHost()
    return _host


def _make_rule_action(registered: _Registered, rule_index: int) -> Callable[[Any], None]:
    # Exactly one parameter: durable treats a two-parameter action as asynchronous.
    def record_match(closure: Any) -> None:
        registered.hits.append((closure.m.i, rule_index))
    return record_match


def _make_catch_all_action(registered: _Registered) -> Callable[[Any], None]:
    def record_seen(closure: Any) -> None:
        registered.seen.append(closure.m.i)
    return record_seen


def _register(name: str, definition: Mapping[str, Any]) -> _Registered:
    """Register ``definition`` under ``name`` once per process; the caller holds the lock."""
    registered = _registered.get(name)
    if registered is not None:
        return registered
    if len(_registered) >= MAX_RULESETS:
        raise RulesError(f"too many distinct rule sets in one process ({MAX_RULESETS}); durable_rules "
                         "never frees a ruleset", code="rules-limit")
    registered = _Registered(name)
    rules: dict[str, Any] = {}
    for rule_name, rule in definition.items():
        rule = dict(rule)
        if rule_name == _CATCH_ALL:
            rule["run"] = _make_catch_all_action(registered)
        else:
            rule["run"] = _make_rule_action(registered, int(rule_name[1:].split("_")[0]))
        rules[rule_name] = rule
    try:
        _durable_host().register_rulesets({name: rules})
    except Exception as exc:
        raise RulesError(f"durable_rules rejected the rule set: {exc}", code="rules-engine") from exc
    _registered[name] = registered
    return registered


def _run_session(registered: _Registered, messages: list[dict[str, Any]]) -> tuple[list, list]:
    """Assert ``messages`` in a fresh session, return (matches, seen), always delete the session.

    The caller holds the lock.
    """
    if registered.broken:
        raise RulesError(f"rule set {registered.name} is unusable: {registered.broken}", code="rules-engine")
    if len(registered.live_sessions) >= MAX_LIVE_SESSIONS:
        # durable would raise MemoryError and then segfault on the failed session: refuse first.
        raise RulesError(f"rule set {registered.name} has {len(registered.live_sessions)} sessions that "
                         f"could not be deleted (limit {MAX_LIVE_SESSIONS})", code="rules-limit")
    host = _durable_host()
    sid = f"s{next(registered.next_session)}"
    for message in messages:
        message["sid"] = sid
    registered.hits = []
    registered.seen = []
    registered.live_sessions.add(sid)
    session_usable = True
    delete_problem: Exception | None = None
    try:
        host.assert_facts(registered.name, messages)
    except MemoryError as exc:
        # durable could not create the session; touching it again segfaults, and the
        # ruleset never recovers, so never delete it and refuse every later call.
        session_usable = False
        registered.broken = f"durable_rules ran out of sessions ({exc!r})"
        raise RulesError(f"durable_rules could not open a session for rule set {registered.name}",
                         code="rules-engine") from exc
    except Exception as exc:
        raise RulesError(f"durable_rules failed while classifying: {exc}", code="rules-engine") from exc
    finally:
        if session_usable:
            delete_problem = _delete_session(host, registered, sid)
    # Reached only when the facts were asserted; a failed assert already reports its own error.
    if delete_problem is not None:
        raise RulesError(f"durable_rules could not delete session {sid}: {delete_problem}",
                         code="rules-engine") from delete_problem
    return registered.hits, registered.seen


def _delete_session(host: Any, registered: _Registered, sid: str) -> Exception | None:
    """Delete session ``sid``; return the problem instead of raising (we are in a finally)."""
    try:
        host.delete_state(registered.name, sid)
    except Exception as exc:
        if _SID_NOT_FOUND in str(exc):
            # A failed assert may never have created the session: nothing is left behind.
            registered.live_sessions.discard(sid)
            return None
        # Otherwise it stays counted as live, so the cap keeps protecting the 1024 limit.
        return exc
    registered.live_sessions.discard(sid)
    return None


def live_sessions() -> int:
    """How many durable sessions this adapter has open across all rule sets (0 between calls)."""
    with _lock:
        return sum(len(registered.live_sessions) for registered in _registered.values())


def registered_rulesets() -> tuple[str, ...]:
    """Names of the durable rulesets this process has registered, in registration order."""
    with _lock:
        return tuple(_registered)


# --------------------------------------------------------------------------- the rule set


class RuleSet:
    """A validated, immutable set of classification rules backed by one durable ruleset.

    Construction only validates and compiles (no durable import); the durable
    ruleset is registered by the first :meth:`classify`, once per distinct
    content per process. Safe to share between threads.
    """

    def __init__(self, rules: Iterable[RuleSpec | Mapping[str, Any]]) -> None:
        specs: list[RuleSpec] = []
        for position, rule in enumerate(rules):
            specs.append(rule if isinstance(rule, RuleSpec) else RuleSpec.from_mapping(rule, order=position))
        seen_ids: dict[str, int] = {}
        for position, spec in enumerate(specs):
            if spec.id in seen_ids:
                raise RulesError(f"duplicate rule id '{spec.id}' (rules #{seen_ids[spec.id] + 1} and "
                                 f"#{position + 1})", code="invalid-rule", field="id")
            seen_ids[spec.id] = position
        self.rules: tuple[RuleSpec, ...] = tuple(specs)
        fields = sorted({name for spec in specs for name in spec.conditions})
        if len(fields) > MAX_FIELDS:
            raise RulesError(f"rules test {len(fields)} distinct fields; durable_rules allows at most "
                             f"{MAX_FIELDS}", code="rules-limit")
        # Fields become f0, f1, ...: durable reads '.' as a path and reserves sid, id and $-names.
        self._field_keys: dict[str, str] = {name: f"f{n}" for n, name in enumerate(fields)}
        self._definition = self._compile()
        digest = sha256_hex(json.dumps(self._definition, sort_keys=True).encode())
        self.ruleset_name = f"workreg_rules_{digest[:24]}"
        # Winner order: highest priority, then earliest declared (order, then position).
        self._rank = {index: rank for rank, index in enumerate(sorted(
            range(len(specs)), key=lambda i: (-specs[i].priority, specs[i].order, i)))}

    def _compile(self) -> dict[str, Any]:
        # durable's own any-of ($or) corrupts its heap once about 64 rules use it
        # (segfault or "free(): invalid pointer" in 2.0.28), so any-of lists are
        # expanded here: one durable rule per combination of values, all reporting
        # the same rule index. A fact has one value per field, so it can match at
        # most one combination of a rule.
        combinations = sum(math.prod(len(_tokens_of(value)) for value in spec.conditions.values())
                           for spec in self.rules)
        if combinations > MAX_DURABLE_RULES:
            raise RulesError(
                f"rules expand to {combinations} value combinations (any-of lists multiply); the "
                f"durable_rules adapter allows at most {MAX_DURABLE_RULES}", code="rules-limit",
                hint="split long any-of lists across fewer rules, or merge rules with the same kind")
        definition: dict[str, Any] = {}
        for index, spec in enumerate(self.rules):
            names = sorted(spec.conditions)
            options = [[{self._field_keys[name]: token} for token in _tokens_of(spec.conditions[name])]
                       for name in names]
            for branch, tests in enumerate(itertools.product(*options)):
                expression = tests[0] if len(tests) == 1 else {"$and": list(tests)}
                definition[f"r{index}_{branch}"] = {"all": [{"m": expression}]}
        # Every fact carries 'i', so this accepts all of them: no MessageNotHandledException,
        # and it tells us durable processed each fact.
        definition[_CATCH_ALL] = {"all": [{"m": {"$ex": {"i": 1}}}]}
        return definition

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules, {self.ruleset_name})"

    def _encode(self, position: int, fact: Any) -> dict[str, Any]:
        if not isinstance(fact, Mapping):
            raise RulesError(f"fact #{position + 1} must be a mapping, got {type(fact).__name__}",
                             code="invalid-fact")
        message: dict[str, Any] = {"id": str(position), "i": position}
        for name, key in self._field_keys.items():
            if name not in fact:
                continue
            value = fact[name]
            if value is None:
                continue
            if not isinstance(value, (str, int, float)):
                raise RulesError(f"fact #{position + 1}: field '{name}' has unsupported value type "
                                 f"{type(value).__name__}; facts are flat mappings of scalars",
                                 code="invalid-fact", field=name)
            token = _token(value)
            if token is not None:
                message[key] = token
        return message

    def classify(self, facts: Sequence[Mapping[str, FactValue]]) -> list[Match | None]:
        """The winning rule for each fact, in order: highest priority, then earliest declared.

        None for a fact no rule matches. Raises RulesError for a fact that is not
        a flat mapping of scalars, and for any durable_rules failure or limit.
        """
        messages = [self._encode(position, fact) for position, fact in enumerate(facts)]
        if not messages:
            return []
        matched: dict[int, list[int]] = defaultdict(list)
        with _lock:
            registered = _register(self.ruleset_name, self._definition)
            for start in range(0, len(messages), MAX_FACTS_PER_SESSION):
                batch = messages[start:start + MAX_FACTS_PER_SESSION]
                hits, seen = _run_session(registered, batch)
                if sorted(seen) != [m["i"] for m in batch] or len(set(hits)) != len(hits):
                    raise RulesError(f"durable_rules reported {len(seen)} of {len(batch)} facts "
                                     f"({len(hits)} matches, {len(set(hits))} distinct); refusing a "
                                     "partial answer", code="rules-engine")
                for fact_index, rule_index in hits:
                    matched[fact_index].append(rule_index)
        return [self._winner(matched.get(position)) for position in range(len(messages))]

    def classify_one(self, fact: Mapping[str, FactValue]) -> Match | None:
        """The winning rule for one fact, or None."""
        return self.classify([fact])[0]

    def _winner(self, rule_indices: list[int] | None) -> Match | None:
        if not rule_indices:
            return None
        ranked = sorted(rule_indices, key=self._rank.__getitem__)
        best = self.rules[ranked[0]]
        return Match(rule_id=best.id, outcome=best.outcome, priority=best.priority,
                     matched=tuple(self.rules[i].id for i in ranked))


def compile_rules(rules: Iterable[RuleSpec | Mapping[str, Any]]) -> RuleSet:
    """Validate ``rules`` (RuleSpecs or policy-file mappings) into a :class:`RuleSet`."""
    return RuleSet(rules)
