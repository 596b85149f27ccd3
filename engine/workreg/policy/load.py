"""Load a policy YAML file safely into a validated :class:`~workreg.policy.model.Policy`.

Safe loading: no tags that build objects, no aliases (a policy never needs them, and they are
how "billion laughs" files explode), a size and a nesting limit, no duplicate keys (a silently
overwritten key is a lost rule).  Every problem is reported as ``file:line: code: message`` with
the field path, and all problems found in one pass are reported together.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from pydantic import ValidationError

from workreg.errors import PolicyError, Suggestions, WorkregErrors, did_you_mean
from workreg.inputs import MAX_POLICY_BYTES, DocPath, field_text, line_for, parse_yaml, read_policy_text  # noqa: F401
from workreg.policy.model import GATE_KINDS, Policy
from workreg.policy.reserved import CLASSIFICATION_OUTCOMES, reserved_meaning

#: At most this many errors of one file are reported (each with its line and hint); the rest are
#: counted in one last error.  Keeps the work and the output of a file of 100,000 mistakes bounded.
MAX_ERRORS = 1000

# pydantic puts union labels such as "tuple[Requirement, ...]" into locations; field names look like this.
_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: The line of each field path of a file, as the YAML reader recorded them.
LineMap = dict[DocPath, int]

#: Reports one cross-reference error: its message, field path, code and hint.
Report = Callable[[str, DocPath, str, str | None], None]


def load_policy(path: str | Path) -> Policy:
    """Load, validate and cross-check a policy file; raise PolicyError(s) naming file and line."""
    file = str(path)
    text = read_policy_text(path)
    return load_policy_text(text, file)


def load_policy_text(text: str, file: str = "<policy>") -> Policy:
    """Like :func:`load_policy` for text already read."""
    policy, errors, _ = validate_policy_text(text, file)
    if errors:
        raise WorkregErrors(errors)
    assert policy is not None
    return policy


def validate_policy_text(text: str, file: str) -> tuple[Policy | None, list[PolicyError], LineMap]:
    """The policy (None when invalid), every schema and reference error, and the line map."""
    try:
        data, lines = parse_yaml(text, file)
    except PolicyError as exc:
        return None, [exc], {}
    if not isinstance(data, dict):
        error = PolicyError("a policy file must be a mapping of fields", code="not-a-mapping", file=file, line=1)
        return None, [error], lines
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        return None, validation_errors(exc, lines, file), lines
    errors = cross_reference_errors(policy, lines, file)
    return (None if errors else policy), errors, lines


def validation_errors(exc: ValidationError, lines: LineMap, file: str) -> list[PolicyError]:
    errors: list[PolicyError] = []
    seen: set[str] = set()
    raw = exc.errors(include_url=False)
    fields = [field_text(p for p in e["loc"] if isinstance(p, int) or _FIELD_NAME.match(str(p))) for e in raw]
    # Every field some other error lies inside (``steps[1]`` for ``steps[1].kind``): a set, so
    # that 20,000 errors cost 20,000 look-ups, not 20,000 x 20,000 comparisons.
    enclosing = {field[:cut] for field in fields for cut, char in enumerate(field) if char in ".[" and cut}
    hints: dict[tuple[str, ...], Suggestions] = {}
    unreported = 0
    for error, field in zip(raw, fields):
        # A union's alternatives each report. When one alternative got further (its errors lie
        # inside the value), the others only say the value is not of their shape: drop them.
        if field in enclosing:
            continue
        # A union's alternatives each report an error at the same field; the first says enough.
        if field in seen:
            continue
        seen.add(field)
        if len(errors) >= MAX_ERRORS:
            unreported += 1
            continue
        loc = tuple(error["loc"])
        line, path = line_for(loc, lines)
        kind = error["type"]
        hint = None
        message = error["msg"]
        if kind == "extra_forbidden":
            name = loc[-1]
            allowed = tuple(_allowed_fields(loc[:-1]))
            if allowed and allowed not in hints:
                hints[allowed] = Suggestions(allowed)
            hint = hints[allowed].hint(str(name)) if allowed else None
            message = f"unknown field '{name}'"
            code = "unknown-field"
        elif kind == "missing":
            code = "missing-field"
            message = f"missing required field '{loc[-1]}'"
        elif kind == "literal_error":
            code = "bad-value"
            got = error.get("input")
            expected = error.get("ctx", {}).get("expected", "")
            message = f"{got!r} is not allowed; expected {expected}"
            options = [part.strip().strip("'") for part in expected.replace(" or ", ",").split(",")]
            hint = did_you_mean(str(got), [o for o in options if o]) if isinstance(got, str) else None
        elif kind == "string_pattern_mismatch":
            code = "bad-id"
            message = f"{error.get('input')!r} does not match {error.get('ctx', {}).get('pattern')}"
            hint = "ids are snake_case: lower-case letters, digits and underscores"
        elif kind in ("model_type", "dict_type", "list_type", "tuple_type", "string_type", "int_type",
                      "bool_type", "int_parsing", "bool_parsing"):
            code = "wrong-type"
            expected = {"model_type": "a mapping", "dict_type": "a mapping", "list_type": "a list",
                        "tuple_type": "a list", "string_type": "text", "int_type": "a whole number",
                        "int_parsing": "a whole number", "bool_type": "true or false",
                        "bool_parsing": "true or false"}[kind]
            message = f"expected {expected}, got {_type_name(error.get('input'))}"
        else:
            code = "bad-value"
        errors.append(PolicyError(message, code=code, file=file, line=line, field=field or None, hint=hint))
    return errors + _unreported(unreported, file)


def _unreported(count: int, file: str) -> list[PolicyError]:
    if not count:
        return []
    return [PolicyError(f"{count} more error{'s' if count > 1 else ''} not shown (the first {MAX_ERRORS} are)",
                        code="too-many-errors", file=file, hint="correct these and check again")]


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
             bool: "true/false", type(None): "nothing (null)"}
    return names.get(type(value), type(value).__name__)


def _allowed_fields(loc: DocPath) -> list[str]:
    """Field names of the model at a location, for did-you-mean hints."""
    current: Any = Policy
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            continue  # a list index or a union label: the model found so far is the one inside
        current = _model_of_annotation(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_of_annotation(annotation: Any) -> Any:
    import typing

    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of_annotation(arg)
        if found is not None:
            return found
    return None


def cross_reference_errors(policy: Policy, lines: LineMap, file: str) -> list[PolicyError]:
    """Dangling and duplicate ids, with did-you-mean hints; an empty list when all ids resolve."""
    errors: list[PolicyError] = []
    unreported = [0]

    def error(message: str, path: DocPath, code: str, hint: str | None = None) -> None:
        if len(errors) >= MAX_ERRORS:
            unreported[0] += 1
            return
        line, _ = line_for(path, lines)
        errors.append(PolicyError(message, code=code, file=file, line=line, field=field_text(path), hint=hint))

    def unique(items: Iterable[Any], section: str) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                error(f"duplicate id '{item.id}' in {section}", (section, index, "id"), "duplicate-id")
            seen.add(item.id)
        return seen

    roles = unique(policy.roles, "roles")
    phases = unique(policy.phases, "phases")
    steps = unique(policy.steps, "steps")
    kinds = unique(policy.change_kinds, "change_kinds")
    _name_errors(policy, error)
    unique(policy.classification, "classification")
    step_kind = {step.id: step.kind for step in policy.steps}

    # One index of names per kind of reference, built at its first unknown name: a thousand
    # typos among 3,000 steps cost a thousand index look-ups, not three million comparisons.
    indexes: dict[str, Suggestions] = {}

    def ref(value: str, known: set[str], what: str, path: DocPath, among: str = "") -> None:
        if value not in known and len(errors) >= MAX_ERRORS:
            unreported[0] += 1
        elif value not in known:
            key = what + among
            if key not in indexes:
                indexes[key] = Suggestions(known)
            error(f"unknown {what} '{value}'", path, f"unknown-{what.replace(' ', '-')}", indexes[key].hint(value))

    for index, role in enumerate(policy.roles):
        if role.default is not None:
            ref(role.default, roles, "role", ("roles", index, "default"))
    for index, step in enumerate(policy.steps):
        ref(step.actor, roles, "role", ("steps", index, "actor"))
        ref(step.phase, phases, "phase", ("steps", index, "phase"))
        for position, other in enumerate(step.also_by):
            ref(other.role, roles, "role", ("steps", index, "also_by", position, "role"))
    for index, edge in enumerate(policy.precedence):
        ref(edge.before, steps, "step", ("precedence", index, "before"))
        ref(edge.after, steps, "step", ("precedence", index, "after"))
        if edge.before == edge.after:
            error(f"step '{edge.before}' cannot precede itself", ("precedence", index), "self-precedence")
        for position, kind_id in enumerate(edge.applies_to):
            ref(kind_id, kinds, "change kind", ("precedence", index, "applies_to", position))
    for index, group in enumerate(policy.parallel):
        for position, step_id in enumerate(group.steps):
            ref(step_id, steps, "step", ("parallel", index, "steps", position))
        for position, kind_id in enumerate(group.applies_to):
            ref(kind_id, kinds, "change kind", ("parallel", index, "applies_to", position))
    names: dict[str, str] = {}
    for index, role in enumerate(policy.roles):
        for position, alias in enumerate((role.name, *role.aliases)):
            key = " ".join(alias.split()).casefold()
            if names.get(key, role.id) != role.id:
                error(f"'{alias}' names both role '{names[key]}' and role '{role.id}'",
                      ("roles", index, "aliases", position - 1) if position else ("roles", index, "name"),
                      "ambiguous-name", "give each role its own names")
            names.setdefault(key, role.id)
    for index, kind in enumerate(policy.change_kinds):
        for position, requirement in enumerate(kind.requirements):
            path = ("change_kinds", index, "requires", position, "step")
            ref(requirement.step, steps, "step", path)
            base = step_kind.get(requirement.step)
            if requirement.kind and base and (requirement.kind in GATE_KINDS) != (base in GATE_KINDS):
                error(
                    f"requirement kind '{requirement.kind}' does not fit step '{requirement.step}' "
                    f"of kind '{base}'", ("change_kinds", index, "requires", position, "kind"), "kind-mismatch",
                    "an approval step (ballot, approval, acknowledgement) stays an approval step",
                )
        for position, entry in enumerate(kind.not_required):
            ref(entry.approver, roles, "role", ("change_kinds", index, "not_required", position, "approver"))
        for position, kind_order in enumerate(kind.order):
            ref(kind_order.before, steps, "step", ("change_kinds", index, "order", position, "before"))
            ref(kind_order.after, steps, "step", ("change_kinds", index, "order", position, "after"))
            if kind_order.before == kind_order.after:
                error(f"step '{kind_order.before}' cannot precede itself", ("change_kinds", index, "order", position),
                      "self-precedence")
    if policy.review_cycle is not None:
        ref(policy.review_cycle.performed_by, roles, "role", ("review_cycle", "performed_by"))
        if policy.review_cycle.coordinated_by:
            ref(policy.review_cycle.coordinated_by, roles, "role", ("review_cycle", "coordinated_by"))
    for index, trigger in enumerate(policy.removal_triggers):
        for position, role_id in enumerate(trigger.recommended_by):
            ref(role_id, roles, "role", ("removal_triggers", index, "recommended_by", position))
    for index, rule in enumerate(policy.classification):
        if rule.kind not in CLASSIFICATION_OUTCOMES:
            ref(rule.kind, kinds | CLASSIFICATION_OUTCOMES, "change kind", ("classification", index, "kind"),
                among=" or outcome")
    return errors + _unreported(unreported[0], file)


def _words(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


def _name_errors(policy: Policy, error: Report) -> None:
    """Change kinds named with a reserved word, and names that two kinds answer to.

    A change kind is asked for by its id or its title (``approvals "scope extension"``); a name
    two kinds answer to would pick one of them silently.
    """
    named: dict[str, str] = {}
    for index, kind in enumerate(policy.change_kinds):
        for field, value in (("id", kind.id), ("title", kind.title)):
            meaning = reserved_meaning(value)
            if meaning is not None:
                error(f"change kind {field} '{value}' is a reserved word: workreg uses it for {meaning}",
                      ("change_kinds", index, field), "reserved-id",
                      "choose another name; classification rules say 'kind: editorial' for changes that need no approval")
        names: list[tuple[str, str, DocPath]] = [("id", kind.id, ("change_kinds", index, "id")), ("title", kind.title, ("change_kinds", index, "title"))]
        names += [("phrase", phrase, ("change_kinds", index, "phrases", position))
                  for position, phrase in enumerate(kind.phrases)]
        for field, value, path in names:
            words = _words(value)
            owner = named.get(words)
            if owner is not None and owner != kind.id:
                error(f"change kind '{kind.id}' has the {field} '{value}', which also names change kind '{owner}'",
                      path, "ambiguous-name",
                      "give every change kind an id, a title and phrases that no other change kind answers to")
            named.setdefault(words, kind.id)
