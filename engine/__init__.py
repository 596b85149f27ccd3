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

import sys

#: The interrupts the command received (the CLI ends quietly with 130 whatever they broke).
_interrupts: list[int] = []


def _interrupted(signum, frame) -> None:
    _interrupts.append(signum)
    raise SystemExit(130)  # 128 + SIGINT, as shells report it; SystemExit prints no traceback


def _unraisable(unraisable) -> None:
    """An interrupt that landed in a callback Python cannot raise from (a weak reference's, a
    ``__del__``) would be printed as "Exception ignored" and lost: end the command there, quietly."""
    if isinstance(unraisable.exc_value, SystemExit) and _interrupts:
        import os

        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or broken stream: nothing left to say
                pass
        os._exit(130)
    sys.__unraisablehook__(unraisable)


# Ctrl-C from the first line workreg runs: this package is the first of workreg's code the command
# imports, so when this process is the ``workreg`` command (its console script, or ``python -m
# workreg``) the command's handler (exit 130, no traceback) is installed here, first, from the
# builtin _signal module (no import of signal and enum).  A program that imports workreg keeps its own.
if (sys.argv and sys.argv[0].replace("\\", "/").rsplit("/", 1)[-1] in ("workreg", "workreg.exe")) \
        or getattr(sys, "orig_argv", [])[1:3] == ["-m", "workreg"]:
    import _signal

    _signal.signal(_signal.SIGINT, _interrupted)
    sys.unraisablehook = _unraisable

# Kept minimal: nothing above may be slow, and the rest imports nothing.
TYPE_CHECKING = False

__version__ = "0.2.0"

#: The public API (``workreg.api.__all__``; tests/test_layers.py checks that the two lists agree).
_API_NAMES = (
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
    "CaseError": "workreg.errors",
    "RecordRefused": "workreg.errors",
}

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from workreg.api import *  # noqa: F401,F403 (the names of _API_NAMES, which a test keeps equal to its __all__)
    from workreg.errors import (  # noqa: F401
        CaseError, PolicyError, RecordRefused, RegisterError, UsageError, WorkregError,
    )
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
