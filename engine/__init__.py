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

#: Public name → the module that defines it.
_API = {
    "get_policy": "workreg.api",
    "decide": "workreg.api",
    "read_register": "workreg.api",
    "diff_registers": "workreg.api",
    "compare_policies": "workreg.api",
    "lint_register": "workreg.api",
    "check_policy_file": "workreg.api",
    "load_policy": "workreg.api",
    "load_vocabulary": "workreg.api",
    "name_committees": "workreg.api",
    "check_options_apply": "workreg.api",
    "list_policies": "workreg.api",
    "policy_in_force": "workreg.api",
    "open_case": "workreg.api",
    "record_outcome": "workreg.api",
    "case_status": "workreg.api",
    "register_portfolio": "workreg.api",
    "CompiledPolicy": "workreg.policy.decide",
    "Decision": "workreg.policy.decision",
    "WorkRegister": "workreg.registers.model",
    "WorkregError": "workreg.errors",
    "PolicyError": "workreg.errors",
    "RegisterError": "workreg.errors",
    "UsageError": "workreg.errors",
    "CaseError": "workreg.errors",
    "RecordRefused": "workreg.errors",
}

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from workreg.api import (  # noqa: F401
        case_status, check_options_apply, check_policy_file, compare_policies, decide, diff_registers, get_policy, lint_register,
        list_policies, load_policy, load_vocabulary, name_committees, open_case, policy_in_force, read_register, record_outcome,
        register_portfolio,
    )
    from workreg.errors import (  # noqa: F401
        CaseError, PolicyError, RecordRefused, RegisterError, UsageError, WorkregError,
    )
    from workreg.policy.decide import CompiledPolicy  # noqa: F401
    from workreg.policy.decision import Decision  # noqa: F401
    from workreg.registers.model import WorkRegister  # noqa: F401


def __getattr__(name: str):
    from importlib import import_module

    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'workreg' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
