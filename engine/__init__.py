"""workreg: process policies as data, and the approvals each change needs, with the clause behind each.

The public API (imported on first use, so ``import workreg`` stays cheap)::

    import workreg

    policy = workreg.get_policy("dsp4003@1.2.0")
    decision = workreg.decide(policy, ["scope_extension"])
    old, new = workreg.read_register("v1.txt"), workreg.read_register("v2.txt")
    changes = workreg.diff_registers(old, new)          # classified changes
    report = workreg.compare_policies("dsp4003@1.1", "dsp4003@1.2.0")
    case = workreg.open_case(["scope_extension"], db="cases.db")   # an approval case (SQLite or postgresql://)
    workreg.record_outcome(case.id, "originating_committee_ballot", "approved", "2026-01-05", db="cases.db")
    workreg.case_status(case.id, db="cases.db").next              # the gates that may be held now

Every error workreg raises on purpose is a :class:`WorkregError`.
"""

from __future__ import annotations

# Kept minimal: the command line imports this package before it can handle Ctrl-C.
TYPE_CHECKING = False

__version__ = "0.2.0"

#: The public API (``workreg.api.__all__``; tests/test_layers.py checks that the two lists agree).
_API_NAMES = (
    "Approvals", "Drawing", "Notice", "RegisterDiff", "answer_approvals", "case_log", "case_status", "case_subject",
    "check_options_apply", "check_policy_file", "compare_policies", "database_url", "decide", "default_author",
    "diagram_bytes", "diff_registers", "draw_policy", "dump_register", "find_policy_files", "get_policy", "lint_failed",
    "lint_register", "list_cases", "list_policies", "load_policy", "load_policy_version", "load_vocabulary",
    "migrate_case", "name_committees", "open_case", "open_database", "pin_policy", "pin_policy_text",
    "policy_citations", "policy_file", "policy_for_register", "policy_in_force", "policy_schema", "read_register",
    "record_outcome", "redacted", "register_from_bytes", "register_portfolio", "write_diagram", "write_diagrams",
)

#: Public name → the module that defines it (imported on first use).
_API = {
    **dict.fromkeys(_API_NAMES, "workreg.api"),
    "CompiledPolicy": "workreg.policy.decide",
    "Decision": "workreg.policy.decision",
    "WorkRegister": "workreg.registers.model",
    "WorkregError": "workreg.errors",
    "PolicyError": "workreg.errors",
    "RegisterError": "workreg.errors",
    "UsageError": "workreg.errors",
}

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from workreg.api import (  # noqa: F401
        Approvals, Drawing, Notice, RegisterDiff, answer_approvals, case_log, case_status, case_subject,
        check_options_apply, check_policy_file, compare_policies, database_url, decide, default_author,
        diagram_bytes, diff_registers, draw_policy, dump_register, find_policy_files, get_policy, lint_failed,
        lint_register, list_cases, list_policies, load_policy, load_policy_version, load_vocabulary, migrate_case,
        name_committees, open_case, open_database, pin_policy, pin_policy_text, policy_citations, policy_file,
        policy_for_register, policy_in_force, policy_schema, read_register, record_outcome, redacted,
        register_from_bytes, register_portfolio, write_diagram, write_diagrams,
    )
    from workreg.errors import PolicyError, RegisterError, UsageError, WorkregError  # noqa: F401
    from workreg.policy.decide import CompiledPolicy  # noqa: F401
    from workreg.policy.decision import Decision  # noqa: F401
    from workreg.registers.model import WorkRegister  # noqa: F401


def __getattr__(name: str) -> object:
    from importlib import import_module

    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'workreg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
