"""The Gherkin step vocabulary: Given/When/Then steps in the language of the process.

Each step is declared once with :func:`_step`, which registers it with pytest-bdd and records
it in :data:`VOCABULARY` (the README's step table is generated from that list).  Then steps
that check a decision fail with the decision they got beside the one they expected, with
citations, and record the clauses they checked for ``workreg coverage``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

import pytest
from pytest_bdd import given, parsers, then, when

from workreg.bdd.context import ScenarioContext, normal
from workreg.errors import UsageError

if TYPE_CHECKING:
    from workreg.policy.decision import Decision, OrderEdge


@dataclass(frozen=True)
class StepDoc:
    """One entry of the step vocabulary."""

    keyword: str
    pattern: str
    example: str
    meaning: str


VOCABULARY: list[StepDoc] = []
_DECORATORS = {"Given": given, "When": when, "Then": then}


def _step(keyword: str, pattern: str, example: str, meaning: str) -> Callable:
    """Register a step (regular expression ``pattern``) with pytest-bdd and in the vocabulary."""
    VOCABULARY.append(StepDoc(keyword, pattern, example, meaning))

    def register(function: Callable) -> Callable:
        # stacklevel=2: pytest-bdd puts the step's fixture into this module, not into register()
        return _DECORATORS[keyword](parsers.re(f"^{pattern}$"), stacklevel=2)(function)

    return register


@pytest.fixture
def workreg(request: pytest.FixtureRequest) -> Iterator[ScenarioContext]:
    """The scenario's state; policies resolve beside the feature file first."""
    from pathlib import Path

    feature_file = request.node.stash.get(FEATURE_FILE, None)
    base = Path(feature_file).parent if feature_file else Path(str(request.config.rootpath))
    context = ScenarioContext(base_dir=base)
    yield context
    recorder = request.config.stash.get(COVERAGE_RECORD, None)
    if recorder is not None:
        recorder.extend(context.covered)


FEATURE_FILE = pytest.StashKey[str]()
COVERAGE_RECORD = pytest.StashKey[list]()


# -- describing a decision in failure messages ------------------------------------------------

def describe(decision: Decision) -> str:
    """A decision as readable lines: stages with approvers, kinds and citations."""
    stage_of = decision.stage_numbers()
    lines = [f"decision of {decision.policy} for {', '.join(decision.changes)}:"]
    for item in sorted(decision.required, key=lambda i: stage_of.get(i.gate, len(decision.stages) + 1)):
        if item.gate in stage_of:
            where = f"stage {stage_of[item.gate]}"
        elif item.satisfied_by:
            where = f"given by {item.satisfied_by}"
        else:
            where = "no stated order"
        reading = f" (interpretation: {item.interpretation})" if item.interpretation else ""
        lines.append(f"  {where}: {item.name} ({item.approver}) {item.kind}, {item.citation}{reading}")
    for edge in decision.order:
        how = f" (interpretation: {edge.interpretation})" if edge.interpretation else ""
        lines.append(f"  order: {edge.before} before {edge.after}{how}")
    for group in decision.parallel:
        how = group.condition or ""
        if group.interpretation:
            how += f" (interpretation: {group.interpretation})"
        lines.append(f"  stage {group.stage} together: {', '.join(group.gates)} {how}".rstrip())
    if not decision.required:
        lines.append("  no approval required")
    for excused in decision.not_required:
        lines.append(f"  not required: {excused.name} ({excused.approver}), {excused.citation}")
    for point in decision.unspecified:
        lines.append(f"  unspecified: {point.topic}: {point.text}")
    return "\n".join(lines)


def _fail(context: ScenarioContext, expected: str) -> None:
    given = []  # what the Given and When steps said, so a failure shows the scenario it was about
    if context.partner:
        given.append(f"the work register with {context.partner}")
    if context.scope_groups:
        given.append("the scope extended to " + ", ".join(context.scope_groups))
    if context.committees:
        given.append("milestone work of " + ", ".join(context.committees))
    if context.originating:
        given.append(f"the {context.originating} designated for the register (originating)")
    about = f"\ngiven: {'; '.join(given)}" if given else ""
    raise AssertionError(f"expected: {expected}{about}\ngot: {describe(context.decision())}")


def _cover_kinds(context: ScenarioContext) -> None:
    policy = context.require_policy()
    context.cover(*(policy.kind_citation(k).section for k in context.decision().changes))


def _names(text: str) -> list[str]:
    """'A, B and C' or '"A" and "B"' → ['A', 'B', 'C']."""
    parts = re.split(r"\s*,\s*|\s+and\s+", text.strip())
    return [part.strip().strip('"').strip() for part in parts if part.strip().strip('"').strip()]


_STOPWORDS = frozenset(
    "about also been being could does from have into make makes must need needs shall should that their "
    "there these this those what whether which will with would".split()
)


def _stem(word: str) -> str:
    """A word without its inflection (forms/form, stagnates/stagnate, shepherding/shepherd)."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words_in(what: str, texts: list[str]) -> bool:
    """Every significant word of ``what`` appears, as a whole word (inflection aside), in ``texts``."""
    words = [w for w in re.findall(r"[a-z0-9]+", normal(what)) if len(w) > 3 and w not in _STOPWORDS]
    present = {_stem(t) for t in re.findall(r"[a-z0-9]+", normal(" ".join(texts)))}
    return bool(words) and all(_stem(w) in present for w in words)


# -- Given ---------------------------------------------------------------------------------

@_step("Given", r'the policy "(?P<ref>[^"]+)"', 'Given the policy "dsp4003@1.2.0"',
       "use this policy: NAME@VERSION, NAME (newest), or a YAML file beside the feature")
def given_policy(workreg: ScenarioContext, ref: str) -> None:
    workreg.set_policy(ref)


def _partner(workreg: ScenarioContext, partner: str) -> str:
    """The partner's name: any organization but a body of the organization vocabulary (the partner is external)."""

    name = partner.strip()
    body = workreg.body(name)
    if body is not None:
        raise UsageError(f"'{name}' is a body of the organization ({body}), not the partner", code="not-a-partner",
                         hint="name the external organization, e.g. 'OCP'")
    return name


@_step("Given", r"an approved work register with (?P<partner>.+)", "Given an approved work register with OCP",
       "the register exists and is approved (context for the change that follows); the partner is not a DMTF body")
def given_approved_register(workreg: ScenarioContext, partner: str) -> None:
    workreg.partner = _partner(workreg, partner)


@_step("Given", r"a proposed work register with (?P<partner>.+)", "Given a proposed work register with OFA",
       "a new register is proposed: the change kind whose phrase (in the policy) is 'a proposed work register'; "
       "the partner is not a body of the organization vocabulary")
def given_proposed_register(workreg: ScenarioContext, partner: str) -> None:
    workreg.partner = _partner(workreg, partner)
    workreg.add_change(workreg.change_kind("a proposed work register"))


@_step("Given", r"the (?P<role>.+?) is the (?P<name>.+)", "Given the Originating Committee is the Technical Committee",
       "the body filling a role of the policy; for a role the policy fills by default with another, this "
       "body instead (decide()'s originating; checked against the organization vocabulary where the policy "
       "names its bodies from it)")
def given_role_filled_by(workreg: ScenarioContext, role: str, name: str) -> None:
    workreg.role(role)  # a role of the policy, or a clear error
    workreg.originating = workreg.originating_body(name.strip())


@_step("Given", r"(?:the )?(?P<names>.+?) (?:owns? milestones in the work register|(?:is|are) affected by the change)",
       'Given the PMCI Working Group and the SPDM Working Group own milestones in the work register',
       "these bodies have work in the change (milestones in a register, components of an RFC): one approval "
       "gate each of the policy's per-name roles; with a policy that names its bodies from the organization "
       "vocabulary, a working group's work is approved by its committee")
def given_milestone_owners(workreg: ScenarioContext, names: str) -> None:
    for name in _names(names):
        committee = workreg.committee_of(name)
        if committee not in workreg.committees:
            workreg.committees.append(committee)


# -- When ----------------------------------------------------------------------------------

@_step("When", r"the changes? (?:is|are) (?P<kinds>.+)", 'When the change is "scope_extension"',
       "the change kinds, by id or title, separated by commas or 'and'")
def when_changes(workreg: ScenarioContext, kinds: str) -> None:
    for kind in _names(kinds):
        workreg.add_change(workreg.change_kind(re.sub(r"^an?\s+", "", kind)))


# Every other 'When' sentence: the process's own words for a change, as the policy lists them
# (a change kind's ``phrases``), whole or as the beginning of the sentence.  The sentences of the
# other 'When' steps are left to them.
_OTHER_WHEN = (r'(?!the changes? (?:is|are) |it is updated to "|the work register "[^"]+" is linted on '
               r'|the update extends the scope to )')


@_step("When", _OTHER_WHEN + r"(?P<phrase>.+)", "When the update adjusts the deliverables",
       "a change kind by one of its phrases in the policy (the sentence may go on: 'the update extends the "
       "scope to the SPDM working group')")
def when_phrase(workreg: ScenarioContext, phrase: str) -> None:
    workreg.add_change(workreg.change_kind(phrase))


@_step("When", r"the update extends the scope to (?:the )?(?P<group>.+)",
       "When the update extends the scope to the SPDM working group",
       "a scope extension to a body of the organization vocabulary, e.g. an additional working group: the "
       "change kind whose phrase (in the policy) is 'the update extends the scope to'")
def when_scope_extension(workreg: ScenarioContext, group: str) -> None:

    vocabulary = workreg.vocabulary()
    entity = vocabulary.lookup(group.strip(), what="working group")
    if vocabulary.role(entity) == "governing":
        raise UsageError(f"'{group}' is the {entity.name}; the scope extends to working groups and other bodies",
                         code="not-a-group")
    workreg.scope_groups.append(entity.name)
    workreg.add_change(workreg.change_kind("the update extends the scope to"))


# -- Then: approvals ---------------------------------------------------------------------

_VERBS = {"approve": None, "ballot": "ballot", "acknowledge": "acknowledgement", "give approval": "approval"}


@_step("Then", r"the (?P<approver>.+?) must (?P<verb>approve|ballot|acknowledge|give approval)(?: (?:it|the work register|acceptance|the change))?",
       "Then the DMTF Board must approve",
       "a gate of this approver (role id, name or alias, or a body's name) is required; ballot/acknowledge also "
       "check its kind")
def then_must_approve(workreg: ScenarioContext, approver: str, verb: str) -> None:
    gates = workreg.gates_of(approver)
    kind = _VERBS[verb]
    if not gates or (kind and not any(g.kind == kind for g in gates)):
        _fail(workreg, f"the {approver} must {verb}" + _working_group_hint(workreg, approver))
    workreg.cover(*(g.citation.section for g in gates))
    _cover_kinds(workreg)


@_step("Then", r"the (?P<approver>.+?) (?:need not approve|does not need to approve|is not required to approve)",
       "Then the DMTF Board need not approve",
       "the policy says explicitly that this approver is not required")
def then_not_required(workreg: ScenarioContext, approver: str) -> None:
    role = workreg.find_role(approver)
    if role is None:
        workreg.gates_of(approver)  # fails as unknown unless it names a body
        _fail(workreg, f"the {approver} explicitly not required (the policy says that only of its roles)")
    items = [n for n in workreg.decision().not_required if n.approver == role]
    if not items:
        _fail(workreg, f"the {approver} is explicitly not required")
    workreg.cover(*(n.citation.section for n in items))


@_step("Then", r"the (?P<approver>.+?) is not asked to approve", "Then the DMTF Board is not asked to approve",
       "no gate of this approver is required (the policy may be silent about it)")
def then_not_asked(workreg: ScenarioContext, approver: str) -> None:
    if workreg.gates_of(approver):
        _fail(workreg, f"no approval by the {approver}")
    _cover_kinds(workreg)


@_step("Then", r"no approval is (?P<how>required|named)", "Then no approval is required",
       "'named': the decision requires no gate; 'required': also that the text says so (a kind's 'requires: none'), "
       "or at least leaves nothing open: where the text only names no approver, 'required' is undecidable and fails")
def then_no_approval(workreg: ScenarioContext, how: str) -> None:
    decision = workreg.decision()
    if decision.required:
        _fail(workreg, f"no approval {how}")
    if how == "required" and not decision.no_approval and decision.unspecified:
        raise AssertionError(
            "undecidable: the policy names no approval for " + ", ".join(decision.changes) + " but does not say none "
            "is needed, and leaves open: " + "; ".join(p.text for p in decision.unspecified)
            + "\nhint: say 'no approval is named' (and check the open points with 'the policy does not specify ...')")
    workreg.cover(*(c.section for c in decision.no_approval))
    _cover_kinds(workreg)


def _working_group_hint(workreg: ScenarioContext, phrase: str) -> str:
    """For a working group named as an approver: which committee approves its work (§2.4)."""

    body = workreg.body(phrase)
    if body is None or workreg.find_role(phrase) is not None:
        return ""
    try:
        named = workreg.vocabulary().committee(body)
    except UsageError:
        return ""
    return f"\n({named.note})" if named.note else ""


def _order_path(decision: Decision, before: set[str], after: set[str]) -> list[OrderEdge] | None:
    """The order edges along a path from a gate of ``before`` to one of ``after``, or None."""
    edges: dict[str, list[OrderEdge]] = {}
    for edge in decision.order:
        edges.setdefault(edge.before, []).append(edge)
    frontier: list[tuple[str, list[OrderEdge]]] = [(gate, []) for gate in before]
    seen = set(before)
    while frontier:
        gate, path = frontier.pop(0)
        for edge in edges.get(gate, ()):
            if edge.after in after:
                return path + [edge]
            if edge.after not in seen:
                seen.add(edge.after)
                frontier.append((edge.after, path + [edge]))
    return None


@_step("Then", r"the (?P<later>.+?) follows the (?P<earlier>.+?)(?: (?P<how>as the text states|by interpretation))?",
       "Then the board ballot follows the Originating Committee ballot as the text states",
       "every gate named by the first phrase is in a later stage than every gate named by the second; 'as the "
       "text states' also checks that no reading of the policy's own is involved, 'by interpretation' that one is")
def then_follows(workreg: ScenarioContext, later: str, earlier: str, how: str | None) -> None:
    decision = workreg.decision()
    stage_of = decision.stage_numbers()
    after, before = workreg.staged_gates(later), workreg.staged_gates(earlier)
    if not after or not before or not all(stage_of[a.gate] > stage_of[b.gate] for a in after for b in before):
        _fail(workreg, f"the {later} after the {earlier}")
    paths = [_order_path(decision, {b.gate}, {a.gate}) or [] for a in after for b in before]
    interpreted = [edge.interpretation for path in paths for edge in path if edge.interpretation]
    if how == "as the text states" and interpreted:
        _fail(workreg, f"the {later} after the {earlier}, as the text states (the policy infers it: "
                       f"{interpreted[0]})")
    if how == "by interpretation" and not interpreted:
        _fail(workreg, f"the {later} after the {earlier} by interpretation (the text states this order)")
    for path in paths:
        for edge in path:
            workreg.cover(*(c.section for c in edge.citations))


@_step("Then", r"no order is stated for the (?P<approver>.+?)(?:'s)?(?: approval| ballot| acceptance)?",
       "Then no order is stated for the Alliance Partner's approval",
       "the text orders this approver's gates relative to no other gate of the decision (stage 'any')")
def then_unordered(workreg: ScenarioContext, approver: str) -> None:
    decision = workreg.decision()
    gates = workreg.active_gates(approver)
    if not gates or any(g.gate not in decision.unordered for g in gates):
        _fail(workreg, f"no order stated for the {approver}")
    _cover_kinds(workreg)


@_step("Then", r"the (?P<first>.+?) and the (?P<second>.+?) may (?:approve|ballot|run) in parallel(?: (?P<condition>.+))?",
       "Then the Originating Committee and the Technical Committee may ballot in parallel at the discretion of the chair",
       "the gates of both are in the same stage; words after 'in parallel' must be the condition the text attaches")
def then_parallel(workreg: ScenarioContext, first: str, second: str, condition: str | None) -> None:
    decision = workreg.decision()
    stage_of = decision.stage_numbers()
    one, two = workreg.staged_gates(first), workreg.staged_gates(second)
    if not one or not two or {stage_of[g.gate] for g in one} != {stage_of[g.gate] for g in two}:
        _fail(workreg, f"the {first} and the {second} in the same stage")
    stages = {stage_of[g.gate] for g in one}
    groups = [group for group in decision.parallel if group.stage in stages]
    if condition is not None and not any(normal(group.condition or "") == normal(condition) for group in groups):
        _fail(workreg, f"the {first} and the {second} in parallel {condition}")
    for group in groups:
        workreg.cover(*(c.section for c in group.citations))


@_step("Then", r"the approval of the (?P<approver>.+?) cites §(?P<section>[\w.]+)",
       "Then the approval of the DMTF Board cites §4",
       "the approver's gate is required and its citation is that section")
def then_cites(workreg: ScenarioContext, approver: str, section: str) -> None:
    gates = workreg.gates_of(approver)
    if not any(g.citation.section == section for g in gates):
        _fail(workreg, f"the {approver}'s approval citing §{section}")
    workreg.cover(section)


@_step("Then", r"the approvals are, in order:", "Then the approvals are, in order: (a table)",
       "the whole decision: a table with columns stage (a number, or 'any' where no order is stated), approver "
       "(body name), kind, clause")
def then_approvals_table(workreg: ScenarioContext, datatable) -> None:
    header, *rows = datatable
    columns = [normal(h) for h in header]
    expected = [dict(zip(columns, (cell.strip() for cell in row))) for row in rows]
    decision = workreg.decision()
    for row in expected:  # every approver named must be one the policy or the organization knows
        if "approver" in row:
            workreg.gates_of(row["approver"])
    stage_of = decision.stage_numbers()
    got = [
        {"stage": str(stage_of.get(i.gate, "any")), "approver": i.name, "kind": i.kind,
         "clause": f"§{i.citation.section}"}
        for i in decision.required if i.satisfied_by is None
    ]
    got_rows = sorted(tuple(row.get(c, "") for c in columns) for row in got)
    want_rows = sorted(tuple(row[c] for c in columns) for row in expected)
    if got_rows != want_rows:
        table = "\n".join("  | " + " | ".join(r) + " |" for r in want_rows)
        _fail(workreg, f"these approvals ({', '.join(columns)}):\n{table}")
    workreg.cover(*(i.citation.section for i in decision.required))
    for edge in decision.order:
        workreg.cover(*(c.section for c in edge.citations))
    _cover_kinds(workreg)


@_step("Then", r"the policy (?:does not specify|leaves open) (?P<what>.+)",
       "Then the policy does not specify what makes a change significant",
       "the decision reports an unspecified point whose topic id or text contains these words")
def then_unspecified(workreg: ScenarioContext, what: str) -> None:
    bodies = _bodies_named(workreg, what)
    points = [
        p for p in workreg.decision().unspecified
        if normal(p.topic) == normal(what)
        or (_words_in(what, [p.text, p.topic]) and all(_asks_about(p, body, _shared_words(workreg))
                                                        for body in bodies))
    ]
    if not points:
        _fail(workreg, f"an unspecified point about '{what}'")
    workreg.cover(*(p.citation.section for p in points))


_QUESTION = re.compile(r"\b(?:whether|who|whom|which|what|how|when)\b", re.I)


def _bodies_named(workreg: ScenarioContext, text: str) -> list[str]:
    """The roles a statement names (by name or alias, as whole words), as their names."""
    said = f" {normal(text)} "
    roles = workreg.require_policy().roles
    named = []
    for info in roles.values():
        names = [info.name, *info.aliases]
        if any(re.search(rf"(?<![a-z]){re.escape(normal(n))}(?![a-z])", said) for n in names):
            named.append(info.name)
    return named


def _shared_words(workreg: ScenarioContext) -> frozenset[str]:
    """The word that opens three or more role names (an organization's name before its bodies, "DMTF
    Board", "DMTF Executive Committee"): it tells no body apart."""
    seen: dict[str, int] = {}
    for info in workreg.require_policy().roles.values():
        words = re.findall(r"[a-z]+", normal(info.name))
        if words:
            seen[words[0]] = seen.get(words[0], 0) + 1
    return frozenset(word for word, count in seen.items() if count >= 3)


def _asks_about(point, body: str, shared: frozenset[str] = frozenset()) -> bool:
    """The open point is about this body: named in its topic, or in the question its text leaves open
    (after "whether", "who", "what", ...), not merely mentioned ("§4.1 names only the Board")."""
    roles_words = [w for w in re.findall(r"[a-z]+", normal(body)) if len(w) > 3 and w not in shared]
    topic = normal(point.topic)
    if any(w in topic for w in roles_words):
        return True
    question = _QUESTION.search(point.text)
    if question is None:
        return False
    asked = normal(point.text[question.start():])
    return bool(roles_words) and any(re.search(rf"\b{re.escape(w)}", asked) for w in roles_words)


def _decision_step(workreg: ScenarioContext, step: str):
    wanted = normal(step)
    steps = [s for s in workreg.decision().steps if wanted in (normal(s.step), normal(s.title))]
    if not steps:
        _fail(workreg, f"a step '{step}' (by title or id)")
    return steps[0]


@_step("Then", r'the "(?P<step>[^"]+)" step is done by the (?P<role>.+?)(?P<optional> \(optional\))?(?P<reading> by interpretation)?',
       'Then the "Schedule formal approval by the Board" step is done by the DMTF Executive Committee',
       "a non-approval step of the decision (by title or id), its actor, and whether it is optional; where the "
       "text names nobody and the actor is the policy's reading, say 'by interpretation' (and only then)")
def then_step_actor(workreg: ScenarioContext, step: str, role: str, optional: str | None, reading: str | None) -> None:
    found = _decision_step(workreg, step)
    role_id = workreg.role(role)
    expected = f"step '{step}' by the {role}" + (" (optional)" if optional else "")
    if found.actor != role_id or (optional is not None) != found.optional:
        _fail(workreg, expected)
    if reading is None and found.interpretation:
        _fail(workreg, f"{expected}, as the text states (it is the policy's reading: {found.interpretation}; "
                       "say 'by interpretation')")
    if reading is not None and not found.interpretation:
        _fail(workreg, f"{expected} by interpretation (the text names the actor)")
    workreg.cover(found.citation.section)


@_step("Then", r'the "(?P<step>[^"]+)" step may also be done by (?:the |a member of the )?(?P<role>.+)',
       'Then the "Propose a work register" step may also be done by a DMTF member company',
       "the text names this role as able to perform the step instead of its actor")
def then_step_also_by(workreg: ScenarioContext, step: str, role: str) -> None:
    found = _decision_step(workreg, step)
    role_id = workreg.role(re.sub(r"^(?:an?|the)\s+", "", role.strip(), flags=re.I))
    others = [other for other in found.also_by if other.actor == role_id]
    if not others:
        _fail(workreg, f"step '{step}' also by the {role} (named: "
                       + (", ".join(o.name for o in found.also_by) or "nobody else") + ")")
    workreg.cover(*(other.citation.section for other in others))


@_step("Then", r"the approval of the (?P<approver>.+?) rests on an interpretation",
       "Then the approval of the Originating Committee rests on an interpretation",
       "the approver's gate is required and the policy marks a reading of its own behind it")
def then_gate_interpretation(workreg: ScenarioContext, approver: str) -> None:
    gates = workreg.gates_of(approver)
    if not any(g.interpretation for g in gates):
        _fail(workreg, f"the {approver}'s approval marked as an interpretation")
    workreg.cover(*(g.citation.section for g in gates))


@_step("Then", r"the policy is (?P<kind>published|reconstructed)(?: from (?P<source>.+))?",
       "Then the policy is reconstructed from DSP4003 1.2.0",
       "the policy's provenance: the published text, or a reconstruction quoting another published text")
def then_provenance(workreg: ScenarioContext, kind: str, source: str | None) -> None:
    record = workreg.require_policy().provenance_record
    if record.kind != kind or (source is not None and normal(record.quotes_from) != normal(source)):
        raise AssertionError(f"expected: a {kind} policy" + (f" quoting {source}" if source else "")
                             + f"\ngot: {record.kind}, quoting {record.quotes_from}")
    workreg.cover(*(c.section for c in record.basis))


# -- Then: roles, review cycle, removal (the policy itself, no change needed) --------------

_models: dict = {}


def _policy_model(workreg: ScenarioContext):
    """The validated policy model behind the scenario's compiled policy (loaded once per file)."""
    from workreg.api import load_policy

    file = workreg.require_policy().file
    assert file is not None  # a scenario's policy is read from a file
    if file not in _models:
        _models[file] = load_policy(file)
    return _models[file]


@_step("Then", r"the (?P<role>.+?) is (?P<negation>not )?required to be (?P<what>.+)",
       "Then the Work Register Owner is required to be an active member of the Alliance Committee",
       "the role has (or, with 'not', lacks) a constraint that says it must be this: the same claim (be what, "
       "negated or not: 'never the author'), not the same words")
def then_role_constraint(workreg: ScenarioContext, role: str, negation: str | None, what: str) -> None:
    from workreg.bdd import claims

    role_id = workreg.role(role)
    model = _policy_model(workreg)
    constraints = [c for r in model.roles if r.id == role_id for c in r.constraints]
    stated = claims.parse_clause(f"{role} must be {what}")
    facts = []
    for constraint in constraints:
        try:
            facts.append((claims.parse_clause(constraint.text), constraint))
        except claims.Undecidable:
            continue
    # who: the role itself (the constraint is the role's); does what: verb, negation, object
    found = [c for fact, c in facts if claims.matches(stated, fact, subject=False)]
    listing = "; ".join(f"{c.text} (§{c.citation.section})" for c in constraints) or "none"
    if negation:
        assert not found, f"expected: the {role} not constrained to be {what}\ngot: " + "; ".join(c.text for c in found)
        workreg.cover(*(c.citation.section for c in constraints))
        return
    assert found, f"expected: the {role} constrained to be {what}\ngot constraints: {listing}"
    workreg.cover(*(c.citation.section for c in found))


@_step("Then", r"the role of the (?P<role>.+?) is (?P<negation>not )?to (?P<what>.+)",
       "Then the role of the working groups is to help define the milestones specified in the work register",
       "the role's duties (who does what, in the policy's `duties`) include this: the same verb and an object "
       "the duty's words contain in order; 'is not to' checks that no duty says it. A statement the policy's "
       "duties cannot decide fails")
def then_role_duty(workreg: ScenarioContext, role: str, negation: str | None, what: str) -> None:
    from workreg.bdd import claims

    role_id = workreg.role(role)
    model = _policy_model(workreg)
    entry = next(r for r in model.roles if r.id == role_id)
    facts = [(claims.duty(d.does, d.what), d) for d in entry.duties]
    if not facts:
        raise AssertionError(
            f"undecidable: the policy states no duties of the {role} (who does what), so 'is to {what}' cannot be "
            f"checked\nhint: give the role `duties:` (does, what, citation) in the policy; its clauses say: "
            + " / ".join(f"§{c.section} \"{c.quote}\"" for c in (entry.citation, *entry.responsibilities)))
    stated = claims.parse_duties(what, [fact.does for fact, _ in facts])
    said = " / ".join(f"{d.does} {d.what} (§{d.citation.section})" for _, d in facts)
    if not stated:
        raise AssertionError(f"undecidable: no duty found in '{what}'\nhint: say 'is to VERB WHAT'; the policy's "
                             f"duties of the {role}: {said}")
    found, missing = [], []
    for claim in stated:
        duties = [d for fact, d in facts if claims.duty_matches(claim, fact)]
        if bool(duties) != claim.negated:
            found += duties
        else:
            missing.append(claim)
    if negation:
        assert len(missing) == len(stated), f"expected: the {role}'s role is not to {what}\ngot: {said}"
        workreg.cover(entry.citation.section)
        return
    assert not missing, (f"expected: the {role}'s role is to {what}\ngot: the policy says the {role} does: {said}")
    workreg.cover(*(d.citation.section for d in found))


@_step("Then", r"the (?P<role>.+?) is (?:by default|most likely) the (?P<name>.+)",
       "Then the Originating Committee is most likely the Alliance Committee",
       "the role that fills this one unless another body is named")
def then_role_default(workreg: ScenarioContext, role: str, name: str) -> None:
    role_id = workreg.role(role)
    model = _policy_model(workreg)
    entry = next(r for r in model.roles if r.id == role_id)
    default = next((r for r in model.roles if r.id == entry.default), None)
    assert default is not None and normal(default.name) == normal(name), (
        f"expected: the {role} is by default the {name}\ngot: {default.name if default else 'no default'}"
    )
    workreg.cover(entry.citation.section, *([entry.default_citation.section] if entry.default_citation else []))


@_step("Then", r"(?P<subject>.+?) (?P<strength>must|should|may) be (?:updated|reviewed) at least every "
       r"(?P<months>\d+) months(?: by the (?P<role>.+?))?",
       "Then work registers should be updated at least every 24 months by the Work Register Owner",
       "the review cycle: its interval, its strength (must, should or may) and who performs it")
def then_review_cycle(workreg: ScenarioContext, subject: str, strength: str, months: str, role: str | None) -> None:
    cycle = _policy_model(workreg).review_cycle
    got = "no review cycle" if cycle is None else f"{cycle.strength} every {cycle.interval_months} months by {cycle.performed_by}"
    ok = cycle is not None and cycle.interval_months == int(months) and cycle.strength == strength
    if ok and role:
        ok = cycle.performed_by == workreg.role(role)
    assert ok, f"expected: {strength} be updated every {months} months{' by the ' + role if role else ''}\ngot: {got}"
    workreg.cover(cycle.citation.section)


@_step("Then", r"removal may follow when (?P<what>.+)", "Then removal may follow when the partner organization disbands",
       "a removal trigger says this: its clauses (who does what, negated or not) are the statement's, all of them")
def then_removal_trigger(workreg: ScenarioContext, what: str) -> None:
    from workreg.bdd import claims

    triggers = _policy_model(workreg).removal_triggers
    listing = "; ".join(t.text for t in triggers) or "none"
    try:
        stated = claims.split_clauses(what)
    except claims.Undecidable as exc:
        raise AssertionError(f"undecidable: {exc}\nhint: say it as the policy's triggers do (subject, verb, "
                             f"object): {listing}") from None
    found = []
    for trigger in triggers:
        try:
            facts = claims.split_clauses(trigger.text)
        except claims.Undecidable:
            continue
        # every clause of the statement is one of the trigger's, and the trigger has no clause more
        if all(any(claims.matches(s, f) for f in facts) for s in stated) and \
                all(any(claims.matches(s, f) for s in stated) for f in facts):
            found.append(trigger)
    assert found, f"expected: a removal trigger '{what}'\ngot: {listing}"
    workreg.cover(*(t.citation.section for t in found))


@_step("Then", r"the (?P<role>.+?) may recommend removal", "Then the VP of Alliances may recommend removal",
       "a removal trigger names this role among those who may recommend it")
def then_recommends_removal(workreg: ScenarioContext, role: str) -> None:
    role_id = workreg.role(role)
    triggers = [t for t in _policy_model(workreg).removal_triggers if role_id in t.recommended_by]
    assert triggers, f"expected: the {role} may recommend removal\ngot: nobody named for {role_id}"
    workreg.cover(*(t.citation.section for t in triggers))


# -- Work registers: diff and lint ---------------------------------------------------------

def _register_path(workreg: ScenarioContext, name: str):
    from workreg.errors import RegisterError

    path = workreg.base_dir / name
    if not path.is_file():
        raise RegisterError("no such work register beside the feature", code="not-found", file=str(path))
    return path


@_step("Given", r'the approved work register "(?P<name>[^"]+)"', 'Given the approved work register "esa-1.0.txt"',
       "a register document (text, Markdown, .docx or model) beside the feature, as approved")
def given_register(workreg: ScenarioContext, name: str) -> None:
    workreg.registers["old"] = _register_path(workreg, name)


@_step("When", r'it is updated to "(?P<name>[^"]+)"', 'When it is updated to "esa-1.1.txt"',
       "diff the approved register with this version, classify the changes, and decide what they need")
def when_updated(workreg: ScenarioContext, name: str) -> None:
    from workreg.api import EDITORIAL, affected_committees, classify_register_changes, load_vocabulary, read_register

    vocabulary = load_vocabulary()
    old = read_register(workreg.registers["old"], vocabulary=vocabulary)
    new = read_register(_register_path(workreg, name), vocabulary=vocabulary)
    changes = classify_register_changes(old, new, workreg.require_policy(), vocabulary=vocabulary)
    workreg.outputs["changes"] = changes
    for kind in dict.fromkeys(c.kind for c in changes if c.kind and c.kind != EDITORIAL):
        workreg.add_change(kind)
    workreg.committees.extend(affected_committees(changes, workreg.require_policy(), vocabulary=vocabulary))


@_step("Then", r"the change to (?:the )?(?P<section>[a-z_ ]+?) is (?P<kind>editorial|unclassified|an? [a-z_ ]+)",
       "Then the change to the points of contact is a contact change",
       "every change of that register section was classified as this change kind (or editorial, unclassified)")
def then_change_classified(workreg: ScenarioContext, section: str, kind: str) -> None:
    from workreg.api import register_sections
    from workreg.errors import did_you_mean

    sections = register_sections()
    if normal(section) not in {normal(known) for known in sections}:
        raise UsageError(f"no register section '{section}'", code="unknown-section",
                         hint=did_you_mean(section.replace(" ", "_"), sections))
    changes = [c for c in workreg.outputs.get("changes", ()) if normal(c.record.section) == normal(section)]
    wanted = None if kind == "unclassified" else (
        "editorial" if kind == "editorial" else workreg.change_kind(re.sub(r"^an?\s+", "", kind).replace(" ", "_"))
    )
    got = sorted({str(c.kind) for c in changes})
    assert changes and all(c.kind == wanted for c in changes), (
        f"expected: the {section} changes classified as {wanted}\ngot: {got or 'no change to ' + section}"
    )
    workreg.cover(*(c.citation.section for c in changes if c.citation))


@_step("Then", r"the scope is extended to (?:the )?(?P<groups>.+)", "Then the scope is extended to the SPDM Working Group",
       "scope changes name exactly these DMTF working groups or forums as added")
def then_scope_extended(workreg: ScenarioContext, groups: str) -> None:
    added = sorted(c.record.group for c in workreg.outputs.get("changes", ())
                   if c.record.section == "scope" and c.record.change == "added")
    vocabulary = workreg.vocabulary()
    wanted = sorted(vocabulary.lookup(re.sub(r"^the\s+", "", g, flags=re.I)).name for g in _names(groups))
    assert [normal(g) for g in added] == [normal(g) for g in wanted], f"expected: {wanted}\ngot: {added}"
    workreg.cover(*(c.citation.section for c in workreg.outputs["changes"] if c.record.section == "scope" and c.citation))


@_step("When", r'the work register "(?P<name>[^"]+)" is linted on (?P<day>\d{4}-\d{2}-\d{2})',
       'When the work register "draft.txt" is linted on 2026-11-21',
       "lint a register beside the feature as of that date")
def when_linted(workreg: ScenarioContext, name: str, day: str) -> None:
    from datetime import date

    from workreg.api import lint_register, read_register

    path = _register_path(workreg, name)
    workreg.outputs["findings"] = lint_register(read_register(path), today=date.fromisoformat(day), file=name,
                                                policy=workreg.require_policy())


@_step("Then", r'lint reports (?P<negation>no )?"(?P<rule>[a-z-]+)"(?: at line (?P<line>\d+))?',
       'Then lint reports "missing-board-resolution" at line 40',
       "a finding of this rule id (at this line), or none of it")
def then_lint_reports(workreg: ScenarioContext, negation: str | None, rule: str, line: str | None) -> None:
    from workreg.api import lint_rules
    from workreg.errors import did_you_mean

    rules = lint_rules()
    if rule not in rules:
        raise UsageError(f"no lint rule '{rule}'", code="unknown-rule", hint=did_you_mean(rule, rules))
    findings = workreg.outputs.get("findings", [])
    matching = [f for f in findings if f.rule == rule and (line is None or f.line == int(line))]
    listing = "\n".join(f"  {f.file}:{f.line}: {f.severity}: {f.rule}: {f.message}" for f in findings) or "  no findings"
    if negation:
        assert not matching, f"expected: no {rule}\ngot:\n{listing}"
    else:
        assert matching, f"expected: {rule}" + (f" at line {line}" if line else "") + f"\ngot:\n{listing}"
