"""The public API that the command line, the pytest plugin and users' own code share.

Each function takes plain values (policy refs or compiled policies, paths or register models)
and returns frozen values or JSON-ready dicts; every error it raises on purpose is a
:class:`workreg.errors.WorkregError`.  Heavy modules are imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from workreg.errors import WorkregError
from workreg.resources import DEFAULT_POLICY

if TYPE_CHECKING:  # (dataclasses and datetime cost more to import than a cached query takes)
    from datetime import date

    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Decision
    from workreg.policy.model import Policy
    from workreg.registers.classify import ClassifiedChange
    from workreg.registers.lint import Finding
    from workreg.registers.model import WorkRegister
    from workreg.cases.service import CasePage
    from workreg.cases.store import Store
    from workreg.registers.vocabulary import NamedCommittee, Vocabulary

def get_policy(ref: str = DEFAULT_POLICY, policy_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
    """The compiled policy for ``NAME@VERSION``, ``NAME`` (its newest version) or a YAML file."""
    from workreg.policy.registry import get_policy as registry_get_policy

    return registry_get_policy(ref, policy_dirs)


def _policy(policy, policy_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
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
    if policy is not None and not policy.table.get("vocabulary"):
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

    roles = policy.table["roles"]
    actors = {item.approver for item in decision.required} | {item.actor for item in decision.steps}
    kinds = ", ".join(decision.changes)
    if tuple(committees) and not any(roles[actor]["per_name"] for actor in actors):
        raise UsageError(
            f"--committee has no effect on {kinds}: {policy.ref} asks no per-committee approval for it",
            code="option-without-effect",
            hint="the change kinds that need one approval per committee named: "
            + (", ".join(sorted(policy.kinds_with_named_gates())) or "none") + "; drop --committee, or ask for those",
        )
    if originating and not any(_designated(roles[actor]) for actor in actors):
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
    as_of: dict | None = None

    @property
    def notes(self) -> list[str]:
        """What reading the committee names noted (for the text and Markdown reports)."""
        return [item.note for item in self.named if item.note]

    def to_dict(self) -> dict:
        """The JSON of ``workreg approvals --format json`` (and of ``POST /v1/approvals``)."""
        from workreg.policy.format import approvals_json

        body = approvals_json(self.policy, self.decision, self.named)
        if self.as_of is not None:
            body["as_of"] = self.as_of
        return body


def answer_approvals(
    policy: str | CompiledPolicy, changes: Iterable[str], *, committees: Iterable[str] = (),
    originating: str | None = None, vocabulary: Vocabulary | None = None, as_of: dict | None = None,
) -> Approvals:
    """What ``workreg approvals`` answers: committee names read against the vocabulary, the decision, and a
    UsageError when --committee or --originating would change nothing."""
    policy = _policy(policy)
    committees = tuple(committees)
    named, originating_name = (), None
    if committees or originating:  # the vocabulary needs YAML and pydantic: only load it when asked
        named, originating_name = name_committees(committees, originating, vocabulary=vocabulary, policy=policy)
    names = list(dict.fromkeys(item.committee for item in named))
    decision = decide(policy, changes, committees=names, originating=originating_name)
    check_options_apply(policy, decision, committees=names, originating=originating_name)
    return Approvals(policy, decision, named, as_of)


def _designated(role: dict) -> bool:
    """Whether a compiled role is filled by a body named per register (``--originating``)."""
    return bool(role.get("designated", role.get("default") is not None))


def list_policies(policy_dirs: Iterable[str | Path] = ()) -> tuple[list[dict], list[WorkregError]]:
    """Every policy version found (the rows of ``workreg policies --format json``) and the files that failed."""
    from workreg.policy.registry import compile_found, discover

    rows: list[dict] = []
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
            "provenance": compiled.provenance["kind"],
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


def _register(register, vocabulary) -> WorkRegister:
    return read_register(register, vocabulary=vocabulary) if isinstance(register, (str, Path)) else register


class Notice(NamedTuple):
    """A warning about the input that does not stop the answer (``file:line: warning: message``)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: warning: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


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

    named = register.process
    if policy is None and named is not None and named.version:
        for found in discover(policy_dirs):
            if found.name == named.document.lower() and _same_version(found.version, named.version):
                policy = found.ref
                break
    compiled = _policy(policy or DEFAULT_POLICY, policy_dirs)
    notices = []
    if named is not None and named.version:
        source = compiled.table["source"]
        same = source["document"].lower() == named.document.lower() and (
            _same_version(source["version"], named.version) or _same_version(compiled.version, named.version))
        if not same:
            why = "as asked" if policy is not None else f"the newest it has; it has no policy for {named.document} {named.version}"
            notices.append(Notice(file, named.line, (
                f"the register names {named.document} {named.version} as its process; workreg applies "
                f"{compiled.ref} ({source['document']} {source['version']}, {why}): answers follow that text, "
                f"not {named.document} {named.version}")))
    return compiled, notices


class RegisterDiff(NamedTuple):
    """Two versions of a register: their classified changes and the approvals those changes need."""

    policy: str
    changes: tuple[ClassifiedChange, ...]
    decision: Decision | None
    #: How milestone words brought committees in (the committees of the decision, with their evidence).
    committees: tuple[NamedCommittee, ...] = ()
    warnings: tuple[Notice, ...] = ()

    @property
    def needs_approval(self) -> bool:
        """Whether the changes need any approval still to be given (``workreg diff --exit-code``)."""
        return self.decision is not None and any(item.satisfied_by is None for item in self.decision.required)

    def decision_dict(self) -> dict | None:
        """The decision as ``workreg approvals --format json`` prints it, with the committees' evidence."""
        if self.decision is None:
            return None
        return {**self.decision.to_dict(), "committees": [item.to_dict() for item in self.committees]}

    def to_dict(self) -> dict:
        return {
            "policy": self.policy,
            "warnings": [notice.to_dict() for notice in self.warnings],
            "changes": [change.to_dict() for change in self.changes],
            "decision": self.decision_dict(),
        }

    def report(self, old: str, new: str, as_of: dict | None = None) -> dict:
        """The JSON of ``workreg diff OLD NEW --format json`` (and of ``POST /v1/diff``)."""
        body = {"old": old, "new": new, **self.to_dict()}
        if as_of is not None:
            body["as_of"] = as_of
        return body


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


def compare_policies(old: str, new: str, policy_dirs: Sequence[str | Path] = ()) -> dict:
    """The semantic difference of two policy versions (the JSON of ``workreg compare``)."""
    from workreg.versions.compare import compare_policies as compare
    from workreg.versions.compare import load_for_compare

    return compare(load_for_compare(old, policy_dirs), load_for_compare(new, policy_dirs))


def policy_in_force(name: str, on: date | str, policy_dirs: Iterable[str | Path] = ()):
    """The compiled version of policy ``name`` in force on ``on``, and an InForce record of why (and whether reconstructed)."""
    from workreg.policy.registry import policy_in_force as in_force

    return in_force(name, on, policy_dirs)


def open_case(
    changes: Iterable[str], *, policy: str | CompiledPolicy = DEFAULT_POLICY, committees: Iterable[str] = (),
    originating: str | None = None, title: str | None = None, db: str | None = None, by: str | None = None,
):
    """Open an approval case for ``changes`` in the case database ``db``; its state (a CaseState)."""
    from workreg.cases.service import PinnedPolicy, open_case as open_
    from workreg.cases.store import open_store

    with open_store(db) as store:
        return open_(store, PinnedPolicy.of(_policy(policy)), changes=changes, committees=committees,
                     originating=originating, title=title, by=by)


def record_outcome(
    case_id: int, gate: str, outcome: str, day: date | str, *, ref: str | None = None, note: str | None = None,
    again: bool = False, db: str | None = None, by: str | None = None,
):
    """Record a gate's outcome on a case; RecordRefused when the case's policy does not allow it now."""
    from workreg.cases.service import record
    from workreg.cases.store import open_store

    from datetime import date

    day = day.isoformat() if isinstance(day, date) else date.fromisoformat(day).isoformat()
    with open_store(db, create=False) as store:
        return record(store, case_id, gate, outcome, day, ref=ref, note=note, by=by, again=again)


def case_status(case_id: int, *, db: str | None = None):
    """Where a case stands (CaseState: ``done``, ``next``, ``waiting``, ``complete``, ``to_dict()``)."""
    from workreg.cases.service import status
    from workreg.cases.store import open_store

    with open_store(db, create=False) as store:
        return status(store, case_id)


def register_portfolio(files: Iterable[str | Path], *, today: date | None = None,
                       policy: str | CompiledPolicy = DEFAULT_POLICY):
    """The portfolio of register files as of ``today`` (rows, totals) and the files that could not be read."""
    from workreg.registers.portfolio import portfolio

    from datetime import date

    return portfolio([str(f) for f in files], _policy(policy), today or date.today())


def list_cases_page(*, after: int = 0, limit: int = 100, open_only: bool = False,
                    db: str | Store | None = None) -> CasePage:
    """A page of cases (CasePage: ``states`` and the ``next`` cursor, None on the last page), in id order after the
    cursor ``after``; ``db`` is a URL/path or an open store."""
    from workreg.cases.service import list_cases_page as page
    from workreg.cases.store import Store, open_store

    if isinstance(db, Store):
        return page(db, after=after, limit=limit, open_only=open_only)
    with open_store(db, create=False) as store:
        return page(store, after=after, limit=limit, open_only=open_only)
