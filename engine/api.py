"""The public API that the command line, the pytest plugin and users' own code share.

Each function takes plain values (policy refs or compiled policies, paths or register models)
and returns frozen values or JSON-ready dicts; every error it raises on purpose is a
:class:`workreg.errors.WorkregError`.  Heavy modules are imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from workreg.errors import WorkregError

if TYPE_CHECKING:
    from workreg.policy.decide import CompiledPolicy
    from workreg.policy.decision import Decision
    from workreg.policy.model import Policy
    from workreg.registers.classify import ClassifiedChange
    from workreg.registers.lint import Finding
    from workreg.registers.model import WorkRegister
    from workreg.registers.vocabulary import Vocabulary

def get_policy(ref: str = "dsp4003", policy_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
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


@dataclass(frozen=True)
class RegisterDiff:
    """Two versions of a register: their classified changes and the approvals those changes need."""

    policy: str
    changes: tuple[ClassifiedChange, ...]
    decision: Decision | None

    def to_dict(self) -> dict:
        return {
            "policy": self.policy,
            "changes": [change.to_dict() for change in self.changes],
            "decision": self.decision.to_dict() if self.decision else None,
        }


def diff_registers(
    old: str | Path | WorkRegister, new: str | Path | WorkRegister, *, policy: str | CompiledPolicy = "dsp4003",
    vocabulary: Vocabulary | None = None, originating: str | None = None,
) -> RegisterDiff:
    """Diff two register versions, classify each change by the policy's rules, and decide the approvals."""
    from workreg.registers.classify import classify_changes, decide_changes
    from workreg.registers.diff import diff_registers as diff

    compiled = _policy(policy)
    vocabulary = vocabulary or load_vocabulary()
    before, after = _register(old, vocabulary), _register(new, vocabulary)
    changes = classify_changes(diff(before, after, vocabulary), compiled)
    decision = decide_changes(changes, compiled, vocabulary, originating)
    return RegisterDiff(compiled.ref, tuple(changes), decision)


def lint_register(register: str | Path | WorkRegister, *, today: date | None = None,
                  file: str | None = None) -> list[Finding]:
    """What a register lacks: placeholders, missing sections, board resolution, an overdue review."""
    from workreg.registers.lint import lint_register as lint

    name = file or (str(register) if isinstance(register, (str, Path)) else "<register>")
    return lint(_register(register, None), today=today or date.today(), file=name)


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
    changes: Iterable[str], *, policy: str | CompiledPolicy = "dsp4003", committees: Iterable[str] = (),
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
                       policy: str | CompiledPolicy = "dsp4003"):
    """The portfolio of register files as of ``today`` (rows, totals) and the files that could not be read."""
    from workreg.registers.portfolio import portfolio

    return portfolio([str(f) for f in files], _policy(policy), today or date.today())
