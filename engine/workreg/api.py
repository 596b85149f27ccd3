"""The public API: the one door through which the command line, the server, the pytest plugin and users' own
code reach policies, decisions, registers, compare and render, and cases (docs/architecture.md).

Each function takes plain values (policy refs or compiled policies, paths or register models)
and returns frozen values or JSON-ready dicts; every error it raises on purpose is a
:class:`workreg.errors.WorkregError`.  Heavy modules are imported inside the functions.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, Sequence

from workreg.errors import WorkregError
from workreg.resources import DEFAULT_POLICY

if TYPE_CHECKING:  # (dataclasses and datetime cost more to import than a cached query takes)
    from datetime import date

    from workreg.cases import MAX_PAGE as MAX_CASE_PAGE, PAGE_SIZE as CASE_PAGE_SIZE
    from workreg.policy.reserved import EDITORIAL as EDITORIAL

    from workreg.analysis import Analysis
    from workreg.analysis.properties import Property
    from workreg.analysis.reasoning import Claim
    from workreg.registers.classify import ClassifiedChange

    from workreg.cases.events import Event
    from workreg.cases.progress import CaseState
    from workreg.cases.service import Audit, MigrationReport, PinnedPolicy
    from workreg.cases.store import Store
    from workreg.cases.subjects import Subject
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Decision
    from workreg.policy.model import Citation, Policy
    from workreg.policy.registry import InForce
    from workreg.registers.lint import Finding
    from workreg.registers.model import WorkRegister
    from workreg.registers.result import Notice, RegisterDiff
    from workreg.registers.portfolio import Portfolio
    from workreg.cases.service import CasePage
    from workreg.cases.store import Store
    from workreg.registers.vocabulary import NamedCommittee, Vocabulary
    from workreg.versions.compare import LoadedPolicy
    from workreg.versions.comparison import Comparison

#: The public API, re-exported by ``workreg`` (docs/architecture.md lists it by area).
__all__ = [
    "CASE_PAGE_SIZE", "EDITORIAL", "MAX_CASE_PAGE", "Approvals", "Drawing", "Notice", "RegisterDiff",
    "affected_committees", "analyze_policy", "answer_approvals", "case_log", "case_status", "case_subject",
    "check_claim", "check_options_apply", "check_policy_file", "check_record", "classify_register_changes",
    "compare_policies", "database_url", "decide", "default_author", "diagram_bytes", "diff_registers",
    "draw_policy", "drawing_format", "dump_register", "find_policy_files", "get_policy", "held_on",
    "lint_failed", "lint_register", "lint_rules", "list_cases", "list_cases_page", "list_policies",
    "load_policy", "load_policy_version", "load_properties", "load_vocabulary", "migrate_case",
    "name_committees", "open_case", "open_database", "parse_properties", "pin_policy", "pin_policy_text",
    "pinned_policy", "policy_citations", "policy_file", "policy_for_register", "policy_in_force",
    "policy_schema", "read_register", "record_outcome", "recording_remarks", "redacted", "register_from_bytes",
    "register_portfolio", "register_sections", "review_calendar", "write_diagram", "write_diagrams",
]


#: Values of the API that stay where they are defined, imported on first use (:func:`__getattr__`): a cached
#: query imports none of these modules.
_VALUES = {"CASE_PAGE_SIZE": ("workreg.cases", "PAGE_SIZE"), "MAX_CASE_PAGE": ("workreg.cases", "MAX_PAGE"),
           "EDITORIAL": ("workreg.policy.reserved", "EDITORIAL"),
           "Notice": ("workreg.registers.result", "Notice"), "RegisterDiff": ("workreg.registers.result", "RegisterDiff")}


def __getattr__(name: str) -> object:
    """One of :data:`_VALUES`, from its module (PEP 562); AttributeError for any other name."""
    if name not in _VALUES:
        raise AttributeError(f"module 'workreg.api' has no attribute {name!r}")
    from importlib import import_module

    module, attribute = _VALUES[name]
    value: object = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def get_policy(ref: str = DEFAULT_POLICY, policy_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
    """The compiled policy for ``NAME@VERSION``, ``NAME`` (its newest version) or a YAML file."""
    from workreg.policy.registry import get_policy as registry_get_policy

    return registry_get_policy(ref, policy_dirs)


def _policy(policy: str | CompiledPolicy, policy_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
    return get_policy(policy, policy_dirs) if isinstance(policy, str) else policy


def decide(
    policy: str | CompiledPolicy, changes: Iterable[str] | str, committees: Iterable[str] = (),
    originating: str | None = None,
) -> Decision:
    """What approvals ``changes`` need under ``policy``, in stages, with citations."""
    return _policy(policy).decide(changes, committees, originating)


def name_committees(
    committees: Iterable[str] = (), originating: str | None = None, *, vocabulary: Vocabulary | None = None,
    policy: CompiledPolicy | None = None,
) -> tuple[tuple[NamedCommittee, ...], str | None]:
    """Check committee names against the organization vocabulary: each named body with the committee
    that approves for it (a working group's committee), and the designated body's own name.

    An unknown name raises UsageError (exit 2) with a did-you-mean; so does a designated body that
    is not a committee.  A ``policy`` that names no organization vocabulary (its ``vocabulary``
    field) takes the names as given.
    """
    if policy is not None and not policy.vocabulary:
        from workreg.registers.vocabulary import NamedCommittee

        names = dict.fromkeys(" ".join(name.split()) for name in committees if name and name.strip())
        return (tuple(NamedCommittee(name, name, "body") for name in names),
                " ".join(originating.split()) if originating and originating.strip() else None)
    vocabulary = vocabulary or load_vocabulary()
    named = tuple(vocabulary.committee(name) for name in committees if name and name.strip())
    return named, (vocabulary.originating(originating) if originating and originating.strip() else None)


def check_options_apply(
    policy: CompiledPolicy, decision: Decision, *, committees: Iterable[str] = (), originating: str | None = None,
) -> None:
    """UsageError when --committee or --originating would change nothing in ``decision`` (the change
    kinds asked need no per-committee approval, or no Originating Committee)."""
    from workreg.errors import UsageError

    roles = policy.roles
    actors = {item.approver for item in decision.required} | {item.actor for item in decision.steps}
    kinds = ", ".join(decision.changes)
    if tuple(committees) and not any(roles[actor].per_name for actor in actors):
        raise UsageError(
            f"--committee has no effect on {kinds}: {policy.ref} asks no per-committee approval for it",
            code="option-without-effect",
            hint="the change kinds that need one approval per committee named: "
            + (", ".join(sorted(policy.kinds_with_named_gates())) or "none") + "; drop --committee, or ask for those",
        )
    if originating and not any(roles[actor].designated for actor in actors):
        raise UsageError(
            f"--originating has no effect on {kinds}: no role designated per register takes part in it under "
            f"{policy.ref}",
            code="option-without-effect", hint="drop --originating",
        )


class Approvals(NamedTuple):
    """One answer of ``workreg approvals``: the decision, how each committee name was read, the version chosen by date."""

    policy: CompiledPolicy
    decision: Decision
    named: tuple[NamedCommittee, ...] = ()
    #: The ``--on`` choice of version (InForce.to_dict()), when a date chose it.
    as_of: dict[str, Any] | None = None

    @property
    def notes(self) -> list[str]:
        """What reading the committee names noted (for the text and Markdown reports)."""
        return [item.note for item in self.named if item.note]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``workreg approvals --format json`` (and of ``POST /v1/approvals``)."""
        from workreg.policy.format import approvals_json

        body = approvals_json(self.policy, self.decision, self.named)
        if self.as_of is not None:
            body["as_of"] = self.as_of
        return body


def answer_approvals(
    policy: str | CompiledPolicy, changes: Iterable[str], *, committees: Iterable[str] = (),
    originating: str | None = None, vocabulary: Vocabulary | None = None, as_of: dict[str, Any] | None = None,
) -> Approvals:
    """What ``workreg approvals`` answers: committee names read against the vocabulary, the decision, and a
    UsageError when --committee or --originating would change nothing."""
    policy = _policy(policy)
    committees = tuple(committees)
    named: tuple[NamedCommittee, ...] = ()
    originating_name: str | None = None
    if committees or originating:  # the vocabulary needs YAML and pydantic: only load it when asked
        named, originating_name = name_committees(committees, originating, vocabulary=vocabulary, policy=policy)
    names = list(dict.fromkeys(item.committee for item in named))
    decision = decide(policy, changes, committees=names, originating=originating_name)
    check_options_apply(policy, decision, committees=names, originating=originating_name)
    return Approvals(policy, decision, named, as_of)


def list_policies(policy_dirs: Iterable[str | Path] = ()) -> tuple[list[dict[str, Any]], list[WorkregError]]:
    """Every policy version found (the rows of ``workreg policies --format json``) and the files that failed."""
    from workreg.policy.registry import compile_found, discover

    rows: list[dict[str, Any]] = []
    failures: list[WorkregError] = []
    for found in discover(policy_dirs):
        try:
            compiled = compile_found(found)
        except WorkregError as exc:
            failures.append(exc)
            continue
        rows.append({
            "policy": compiled.ref,
            "title": compiled.title,
            "provenance": compiled.provenance.kind,
            "change_kinds": list(compiled.kinds),
            "path": str(found.path),
        })
    return rows, failures


def load_policy(path: str | Path) -> Policy:
    """The validated pydantic model of a policy file."""
    from workreg.policy.load import load_policy as load

    return load(path)


def check_policy_file(path: str | Path) -> list[WorkregError]:
    """Every problem of a policy file (schema, references, graph integrity); [] when sound."""
    from workreg.policy.check import check_policy_file as check

    return check(path)


def load_vocabulary(*extra_paths: str | Path) -> Vocabulary:
    """The organization vocabulary shipped with workreg, extended by ``extra_paths``."""
    from workreg.registers.vocabulary import load_vocabulary as load

    return load(*extra_paths)


def read_register(path: str | Path, *, vocabulary: Vocabulary | None = None) -> WorkRegister:
    """A work register document (.txt, .md, .docx) or model (.yaml, .json) as a register model."""
    from workreg.registers.read import read_register as read

    return read(path, vocabulary=vocabulary)


def _register(register: str | Path | WorkRegister, vocabulary: Vocabulary | None) -> WorkRegister:
    return read_register(register, vocabulary=vocabulary) if isinstance(register, (str, Path)) else register


def _same_version(one: str, other: str) -> bool:
    """``1.2`` and ``1.2.0`` are one version; ``1.1`` and ``1.1b`` are not."""
    def parts(version: str) -> list[str]:
        items = version.strip().lower().split(".")
        while len(items) > 1 and items[-1] == "0":
            items.pop()
        return items

    return parts(one) == parts(other)


def policy_for_register(
    register: WorkRegister, file: str, *, policy: str | CompiledPolicy | None = None,
    policy_dirs: Iterable[str | Path] = (),
) -> tuple[CompiledPolicy, list[Notice]]:
    """The policy to apply to a register: ``policy`` when given, else the version of the process the
    register names (``DSP4003 1.6.0``) when workreg has it, else the newest; with a warning whenever
    the policy applied is not the version the register names."""
    from workreg.policy.registry import DEFAULT_POLICY, discover
    from workreg.registers.result import Notice

    named = register.process
    if policy is None and named is not None and named.version:
        for found in discover(policy_dirs):
            if found.name == named.document.lower() and _same_version(found.version, named.version):
                policy = found.ref
                break
    compiled = _policy(policy or DEFAULT_POLICY, policy_dirs)
    notices = []
    if named is not None and named.version:
        source = compiled.source
        same = source.document.lower() == named.document.lower() and (
            _same_version(source.version, named.version) or _same_version(compiled.version, named.version))
        if not same:
            why = "as asked" if policy is not None else f"the newest it has; it has no policy for {named.document} {named.version}"
            notices.append(Notice(file, named.line, (
                f"the register names {named.document} {named.version} as its process; workreg applies "
                f"{compiled.ref} ({source.label}, {why}): answers follow that text, "
                f"not {named.document} {named.version}")))
    return compiled, notices


def diff_registers(
    old: str | Path | WorkRegister, new: str | Path | WorkRegister, *, policy: str | CompiledPolicy | None = None,
    vocabulary: Vocabulary | None = None, originating: str | None = None, policy_dirs: Iterable[str | Path] = (),
    names: tuple[str, str] | None = None,
) -> RegisterDiff:
    """Diff two register versions, classify each change by the policy's rules, and decide the approvals.

    Without ``policy``, the version of the process the new register names is applied when workreg
    has it (else the newest), with a warning when the two differ.  ``names`` (old, new) name registers
    given as models in those warnings (an upload's file names).
    """
    from workreg.registers.classify import classify_changes, committee_evidence, decide_changes
    from workreg.registers.diff import diff_registers as diff
    from workreg.registers.result import RegisterDiff

    vocabulary = vocabulary or load_vocabulary()
    before, after = _register(old, vocabulary), _register(new, vocabulary)
    named_by = after if after.process is not None or before.process is None else before
    source = new if named_by is after else old
    if names is not None:
        file = names[1] if named_by is after else names[0]
    else:
        file = str(source) if isinstance(source, (str, Path)) else "<register>"
    compiled, notices = policy_for_register(named_by, file, policy=policy, policy_dirs=policy_dirs)
    changes = classify_changes(diff(before, after, vocabulary), compiled)
    decision = decide_changes(changes, compiled, vocabulary, originating)
    evidence = tuple(committee_evidence(changes, vocabulary, compiled)) if decision else ()
    return RegisterDiff(compiled.ref, tuple(changes), decision, evidence, tuple(notices))


def lint_register(register: str | Path | WorkRegister, *, today: date | None = None,
                  file: str | None = None, policy: str | CompiledPolicy = DEFAULT_POLICY) -> list[Finding]:
    """What a register lacks: placeholders, missing sections, board resolution, an overdue review.

    What the process requires (the review interval, the record of the board approval) and the
    clauses cited come from ``policy``.
    """
    from datetime import date

    from workreg.registers.lint import lint_register as lint

    name = file or (str(register) if isinstance(register, (str, Path)) else "<register>")
    return lint(_register(register, None), today=today or date.today(), file=name, policy=_policy(policy))


# -- policies: files, schema, dates -------------------------------------------------------------

def policy_in_force(name: str, on: date | str, policy_dirs: Iterable[str | Path] = ()) -> tuple[CompiledPolicy, InForce]:
    """The compiled version of policy ``name`` in force on ``on``, and an InForce record of why (and whether reconstructed)."""
    from workreg.policy.registry import policy_in_force as in_force

    return in_force(name, on, policy_dirs)


def policy_file(ref: str, policy_dirs: Iterable[str | Path] = ()) -> Path:
    """The YAML file behind ``NAME@VERSION``, ``NAME`` (its newest version) or a path."""
    from workreg.policy.registry import resolve

    return resolve(ref, policy_dirs).path


def find_policy_files(policy_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """The file of every policy version found (shipped, ``$WORKREG_POLICY_PATH``, ``policy_dirs``), by name and version."""
    from workreg.policy.registry import discover

    return [found.path for found in discover(policy_dirs)]


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of policy files (``workreg schema``)."""
    from workreg.policy.model import json_schema

    return json_schema()


def policy_citations(path: str | Path) -> Iterator[tuple[str, Citation]]:
    """Every citation a policy file makes: (where in the file, e.g. ``policy.steps[3]``, the citation)."""
    from workreg.policy.model import iter_citations

    return iter_citations(load_policy(path))


# -- registers ------------------------------------------------------------------------------------

def classify_register_changes(
    old: str | Path | WorkRegister, new: str | Path | WorkRegister, policy: str | CompiledPolicy, *,
    vocabulary: Vocabulary | None = None,
) -> list[ClassifiedChange]:
    """Every change from ``old`` to ``new``, classified by the policy's rules (no decision: see diff_registers)."""
    from workreg.registers.classify import classify_changes
    from workreg.registers.diff import diff_registers as diff

    vocabulary = vocabulary or load_vocabulary()
    return classify_changes(diff(_register(old, vocabulary), _register(new, vocabulary), vocabulary), _policy(policy))


def affected_committees(changes: list[ClassifiedChange], policy: str | CompiledPolicy, *,
                        vocabulary: Vocabulary | None = None) -> list[str]:
    """The committees owning the changed milestones, for the policy's kinds with a gate per named body."""
    from workreg.registers.classify import affected_committees as affected

    return affected(changes, vocabulary or load_vocabulary(), _policy(policy))


def register_sections() -> tuple[str, ...]:
    """Every section id a register change can carry, in the order a diff reports them."""
    from workreg.registers.diff import change_sections

    return change_sections()


def lint_rules() -> tuple[str, ...]:
    """The id of every rule lint_register checks."""
    from workreg.registers.lint import RULES

    return tuple(RULES)


def register_from_bytes(data: bytes, name: str, *, vocabulary: Vocabulary | None = None) -> WorkRegister:
    """A register document sent as bytes (an upload): ``name``'s suffix says how to read it."""
    from workreg.registers.read import register_from_bytes as from_bytes

    return from_bytes(data, name, vocabulary=vocabulary)


def dump_register(register: WorkRegister, fmt: str = "yaml") -> str:
    """A register model as YAML or JSON text (what ``workreg show --format yaml`` prints; readable back)."""
    from workreg.registers.read import dump_register as dump

    return dump(register, fmt)


def lint_failed(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error (``workreg lint`` exits 1)."""
    from workreg.registers.lint import has_errors

    return has_errors(findings)


def review_calendar(portfolio: Portfolio, policy: str | CompiledPolicy = DEFAULT_POLICY) -> str:
    """A portfolio's next reviews as an iCalendar feed (``workreg registers --format ics``), with who reviews."""
    from workreg.registers.calendar import portfolio_ics, review_people

    return portfolio_ics(portfolio, people=review_people(_policy(policy)))


def register_portfolio(files: Iterable[str | Path], *, today: date | None = None,
                       policy: str | CompiledPolicy = DEFAULT_POLICY) -> tuple[Portfolio, list[WorkregError]]:
    """The portfolio of register files as of ``today`` (rows, totals) and the files that could not be read."""
    from datetime import date

    from workreg.registers.portfolio import portfolio

    return portfolio([str(f) for f in files], _policy(policy), today or date.today())


# -- policy versions: compare and draw ------------------------------------------------------------

def load_policy_version(policy: str | Path, policy_dirs: Iterable[str | Path] = ()) -> LoadedPolicy:
    """A policy version as compare and draw read it (compiled, and its validated model): ``NAME@VERSION``,
    ``NAME`` or a file's path as text, or a ``Path`` to a policy file (loaded as it is, without a registry)."""
    from workreg.versions.compare import load_for_compare, load_policy_file

    return load_policy_file(policy) if isinstance(policy, Path) else load_for_compare(policy, policy_dirs)


def _loaded(policy: str | Path | LoadedPolicy, policy_dirs: Iterable[str | Path]) -> LoadedPolicy:
    return load_policy_version(str(policy), policy_dirs) if isinstance(policy, (str, Path)) else policy


def compare_policies(old: str | Path | LoadedPolicy, new: str | Path | LoadedPolicy,
                     policy_dirs: Sequence[str | Path] = ()) -> Comparison:
    """The semantic difference of two policy versions (its ``to_dict()`` is the JSON of ``workreg compare``): refs,
    files or loaded."""
    from workreg.versions.compare import compare_policies as compare

    return compare(_loaded(old, policy_dirs), _loaded(new, policy_dirs))


class Drawing(NamedTuple):
    """A diagram of a policy (``workreg render``): its DOT source, the policy drawn, and what reading names noted."""

    source: str
    policy: str
    notes: tuple[str, ...] = ()


def draw_policy(
    policy: str | Path | LoadedPolicy, *, changes: Iterable[str] = (), committees: Iterable[str] = (),
    against: str | Path | LoadedPolicy | None = None, rankdir: str = "TB", approvals_only: bool = False,
    vocabulary: Vocabulary | None = None, check_committees: bool = False, policy_dirs: Iterable[str | Path] = (),
    fmt: str = "dot",
) -> Drawing:
    """The DOT of a policy's process, of one decision's approval path (``changes``), or of its difference from
    ``against``; with ``fmt`` ``bpmn``, ``dmn`` or ``mermaid``, that export's text instead (``source``).

    With ``check_committees``, committee names are read against the organization vocabulary (a working
    group counts for its committee, notes say so) and a UsageError says when they would change nothing.
    """
    from workreg.errors import UsageError
    from workreg.versions.dot import render_dot

    policy_dirs = tuple(policy_dirs)
    exported = fmt in ("bpmn", "dmn", "mermaid")
    # One version's DOT is drawn from its compiled policy alone: a cached policy needs no validation
    # (no pydantic); BPMN, DMN, Mermaid and the difference of two versions read the validated model.
    from_compiled = against is None and not exported and isinstance(policy, (str, Path))
    loaded = None if from_compiled else _loaded(policy, policy_dirs)
    compiled = get_policy(str(policy), policy_dirs) if loaded is None else loaded.compiled
    other = _loaded(against, policy_dirs) if against is not None else None
    changes, committees = tuple(changes), tuple(committees)
    notes: tuple[str, ...] = ()
    if committees and check_committees:
        named, _ = name_committees(committees, vocabulary=vocabulary or load_vocabulary(), policy=compiled)
        committees = tuple(dict.fromkeys(item.committee for item in named))
        notes = tuple(item.note for item in named if item.note)
        if not changes:
            raise UsageError("--committee has no effect without --change: it names the committees of one decision",
                             code="option-without-effect", hint="add --change KIND")
        check_options_apply(compiled, compiled.decide(changes, committees), committees=committees)
    if exported:
        from workreg.versions.exports import export_text

        assert loaded is not None
        return Drawing(export_text(fmt, loaded, changes=changes, committees=committees, against=other,
                                   approvals_only=approvals_only), compiled.ref, notes)
    source = render_dot(compiled if loaded is None else loaded, changes=changes, committees=committees,
                        against=other, rankdir=rankdir, approvals_only=approvals_only)
    return Drawing(source, compiled.ref, notes)


def drawing_format(requested: str | None, output: str | None) -> str:
    """What ``render`` writes: ``--format`` if given, else what ``-o FILE``'s suffix names, else DOT."""
    from workreg.versions.exports import format_for

    return format_for(requested, output)


def diagram_bytes(source: str, fmt: str) -> bytes:
    """DOT ``source`` laid out as ``svg`` or ``png`` by Graphviz's ``dot`` program."""
    from workreg.versions.dot import dot_to

    return dot_to(source, fmt)


def write_diagram(source: str, path: str | Path) -> None:
    """Write DOT ``source`` to ``path`` as DOT, SVG or PNG, chosen by the file's suffix."""
    from workreg.versions.dot import write_diagram as write

    write(source, path)


def write_diagrams(out: str | Path, policy_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """Regenerate a diagrams folder (``workreg diagrams``): every version, approval path and difference."""
    from workreg.versions.diagrams import write_diagrams as write

    return write(out, policy_dirs)


# -- analysis: what a policy guarantees over every combination -----------------------------------

def analyze_policy(policy: str | CompiledPolicy, properties: Iterable[Property] = (),
                   policy_dirs: Iterable[str | Path] = ()) -> Analysis:
    """Decide ``properties`` and the built-in checks for every combination of the policy's change kinds."""
    from workreg.analysis import analyze

    return analyze(_policy(policy, policy_dirs), properties)


def check_claim(policy: str | CompiledPolicy, includes: tuple[str, ...], excludes: tuple[str, ...], expect: str,
                names: tuple[str, ...]) -> Claim:
    """Decide, over every combination with ``includes`` and none of ``excludes``, that it ``expect``s (requires,
    not_requires, order) the named steps or roles; with the clauses that covers (``workreg`` Then steps)."""
    from workreg.analysis.reasoning import check_claim as check

    return check(_policy(policy), includes, excludes, expect, names)


def load_properties(path: str | Path) -> tuple[Property, ...]:
    """The properties of a properties file (YAML or JSON, bounded and safe like a policy)."""
    from workreg.analysis.properties import load_properties as load

    return load(path)


def parse_properties(data: Any, file: str = "<properties>") -> tuple[Property, ...]:
    """Properties from parsed YAML/JSON data (``{"properties": [...]}``); every problem names the file and field."""
    from workreg.analysis.properties import parse_properties as parse

    return parse(data, file)


# -- approval cases -------------------------------------------------------------------------------
#
# ``db`` is a database URL (a SQLite file or ``postgresql://...``; None: $WORKREG_DB, else ./workreg.db)
# or a store already open (``workreg serve`` keeps its own); ``audit`` runs inside a write's transaction.

def open_database(db: str | None = None, *, create: bool = True) -> Store:
    """The case database at ``db`` (None: $WORKREG_DB, else ./workreg.db), migrated; use it in a ``with``."""
    from workreg.cases.store import open_store

    return open_store(db, create=create)


def database_url(db: str | None = None) -> str:
    """The case database ``db`` names, or the default: ``$WORKREG_DB``, else ``./workreg.db``."""
    from workreg.cases.store import default_url

    return db or default_url()


def redacted(url: str) -> str:
    """A database URL without its password, for messages."""
    from workreg.cases.store import redact

    return redact(url)


@contextmanager
def _store(db: str | Store | None, *, create: bool) -> Iterator[Store]:
    if db is None or isinstance(db, str):
        with open_database(db, create=create) as store:
            yield store
    else:
        yield db


def default_author() -> str | None:
    """Who writes a case's event when nobody is named: the login name, when there is one."""
    from workreg.cases.service import default_author as author

    return author()


def pin_policy(policy: str | CompiledPolicy, policy_dirs: Iterable[str | Path] = ()) -> PinnedPolicy:
    """A policy as a case pins it: its ref, the SHA-256 of its file's text, and the text."""
    from workreg.cases.service import PinnedPolicy

    return PinnedPolicy.of(_policy(policy, policy_dirs))


def pin_policy_text(text: str, file: str) -> PinnedPolicy:
    """A policy's text as a case pins it (compiled once to learn its ref; ``file`` names it in errors)."""
    from workreg.cases.service import PinnedPolicy, policy_hash
    from workreg.policy.registry import compile_text

    return PinnedPolicy(compile_text(text, file).ref, policy_hash(text), text)


def _pinned(policy: str | CompiledPolicy | PinnedPolicy, policy_dirs: Iterable[str | Path] = ()) -> PinnedPolicy:
    from workreg.cases.service import PinnedPolicy

    return policy if isinstance(policy, PinnedPolicy) else pin_policy(policy, policy_dirs)


def case_subject(
    policy: str | CompiledPolicy, *, changes: Iterable[str] = (), diff: tuple[str, str] | None = None,
    register: str | None = None, vocabulary_paths: Sequence[str] = (),
) -> Subject:
    """What a case is about: the change kinds given, or those the policy classifies between two register
    versions (``diff``) or in a whole register proposed on its own, with the committees they involve."""
    from workreg.cases import subjects

    compiled = _policy(policy)
    if diff is not None:
        return subjects.from_diff(diff[0], diff[1], compiled, vocabulary_paths)
    if register is not None:
        return subjects.from_register(register, compiled, vocabulary_paths)
    return subjects.Subject(tuple(changes), (), {"from": "change"}, "")


def open_case(
    changes: Iterable[str], *, policy: str | CompiledPolicy | PinnedPolicy = DEFAULT_POLICY,
    committees: Iterable[str] = (), originating: str | None = None, title: str | None = None,
    subject: dict[str, Any] | None = None, as_of: dict[str, Any] | None = None, db: str | Store | None = None,
    by: str | None = None, audit: Audit | None = None, none_named: bool = False,
) -> CaseState:
    """Open an approval case for ``changes`` in the case database ``db``, pinned to ``policy``; its state.

    Where the changes need one gate per affected committee, name them (``committees``) or say there
    are none (``none_named``); else UsageError ``names-needed``.
    """
    from workreg.cases.service import open_case as open_

    pinned = _pinned(policy)
    with _store(db, create=True) as store:
        return open_(store, pinned, changes=changes, committees=committees, originating=originating, title=title,
                     subject=subject, as_of=as_of, by=by, audit=audit, none_named=none_named)


def held_on(day: str) -> str:
    """A recording's date, refused (UsageError ``date-in-future``) when it lies beyond tomorrow."""
    from workreg.cases.service import held_on as checked

    return checked(day)


def recording_remarks(state: CaseState, day: str) -> list[str]:
    """What to tell whoever recorded an outcome on ``day`` (e.g. a date before the case was opened)."""
    from workreg.cases.service import date_remarks

    return list(date_remarks(state, day))


def _iso_day(day: date | str) -> str:
    from datetime import date

    from workreg.errors import UsageError

    if isinstance(day, date):
        return day.isoformat()
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError as exc:
        raise UsageError(f"a date must be YYYY-MM-DD, not '{day}'", code="bad-date") from exc


def record_outcome(
    case_id: int, gate: str, outcome: str, day: date | str, *, ref: str | None = None, note: str | None = None,
    again: bool = False, db: str | Store | None = None, by: str | None = None, audit: Audit | None = None,
) -> CaseState:
    """Record a gate's outcome on a case; RecordRefused when the case's policy does not allow it now."""
    from workreg.cases.service import record

    with _store(db, create=False) as store:
        return record(store, case_id, gate, outcome, _iso_day(day), ref=ref, note=note, by=by, again=again,
                      audit=audit)


def case_status(case_id: int, *, db: str | Store | None = None, through: int | None = None) -> CaseState:
    """Where a case stands (CaseState: ``done``, ``next``, ``waiting``, ``complete``, ``to_dict()``); with
    ``through``, where it stood after its event of that number (a logged decision replayed)."""
    from workreg.cases.service import status

    with _store(db, create=False) as store:
        return status(store, case_id, through=through)


def pinned_policy(digest: str, *, db: str | Store | None = None) -> PinnedPolicy:
    """The policy text a case or a logged decision pinned, by its hash (``ref``, ``text``, ``compiled()``)."""
    from workreg.cases.service import pinned

    with _store(db, create=False) as store:
        return pinned(store, digest)


def check_record(state: CaseState, gate: str, outcome: str, again: bool = False) -> None:
    """Raise RecordRefused unless the policy lets ``gate`` of the case be recorded now with ``outcome``."""
    from workreg.cases.progress import check_record as check

    check(state, gate, outcome, again)


def list_cases(*, open_only: bool = False, db: str | Store | None = None) -> list[CaseState]:
    """Every case's state, by id (only those not complete with ``open_only``)."""
    from workreg.cases.service import list_cases as list_

    with _store(db, create=False) as store:
        return list_(store, open_only=open_only)


def case_log(case_id: int, *, db: str | Store | None = None) -> list[Event]:
    """A case's events, oldest first (its audit trail)."""
    from workreg.cases.service import log

    with _store(db, create=False) as store:
        return log(store, case_id)


def migrate_case(
    case_id: int, policy: str | CompiledPolicy | PinnedPolicy, *, db: str | Store | None = None,
    by: str | None = None, audit: Audit | None = None, policy_dirs: Iterable[str | Path] = (),
) -> MigrationReport:
    """Move a case to another policy version; what the move adds and drops (a MigrationReport)."""
    from workreg.cases.service import migrate_case as migrate

    pinned = _pinned(policy, policy_dirs)
    with _store(db, create=False) as store:
        return migrate(store, case_id, pinned, by=by, audit=audit)


def list_cases_page(*, after: int = 0, limit: int | None = None, open_only: bool = False,
                    db: str | Store | None = None) -> CasePage:
    """A page of cases (CasePage: ``states`` and the ``next`` cursor, None on the last page), in id order after the
    cursor ``after``, at most ``limit`` (CASE_PAGE_SIZE unless given, MAX_CASE_PAGE at most); ``db`` is a URL/path
    or an open store."""
    from workreg.cases import PAGE_SIZE
    from workreg.cases.service import list_cases_page as page
    from workreg.cases.store import Store, open_store

    size = PAGE_SIZE if limit is None else limit
    if isinstance(db, Store):
        return page(db, after=after, limit=size, open_only=open_only)
    with open_store(db, create=False) as store:
        return page(store, after=after, limit=size, open_only=open_only)
