"""The one exception family workreg raises on purpose, printed as ``file:line: code: message``."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the CLI imports this module before it can handle Ctrl-C
    from typing import Any, Iterable, Sequence


class WorkregError(Exception):
    """Base of every error workreg raises for bad input; prints as ``file:line: code: message``.

    ``exit_code`` is what the CLI exits with: 2 for usage or input errors.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line`` (or just ``file``, or ``workreg``) for the start of the message."""
        if self.file is None:
            return "workreg"
        if self.line is None:
            return str(self.file)
        return f"{self.file}:{self.line}"

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        if self.field:
            text += f" (at {self.field})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready object (stable keys)."""
        return {
            "file": self.file,
            "line": self.line,
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "hint": self.hint,
        }


class WorkregErrors(WorkregError):
    """Several errors found in one pass, reported together."""

    def __init__(self, errors: Sequence[WorkregError]) -> None:
        if not errors:
            raise ValueError("WorkregErrors needs at least one error")
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(
            first.message, code=first.code, file=first.file, line=first.line,
            field=first.field, hint=first.hint,
        )

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


class PolicyError(WorkregError):
    """A policy file is unreadable or invalid."""


class UsageError(WorkregError):
    """The caller asked for something that does not exist (unknown policy, change kind, ...)."""


class RegisterError(WorkregError):
    """A work register document cannot be read or recognised."""


class OutputError(WorkregError):
    """Output cannot be written: a failed or closed stream, or an output file that cannot be made."""


class RulesError(WorkregError):
    """The rules engine adapter hit one of its limits or failed."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ``did you mean 'x'?`` hint for an unknown id, or None when nothing is close."""
    import difflib  # only when a hint is needed: the CLI imports this module at start-up

    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if options and len(options) <= 12:
        return "expected one of: " + ", ".join(options)
    return None


class RenderError(WorkregError):
    """A diagram cannot be rendered (no Graphviz ``dot`` program, unknown output format)."""


class CaseError(WorkregError):
    """A case or its record cannot be used: unknown case, unreachable or foreign database, bad stored event."""


class RecordRefused(CaseError):
    """The policy does not allow what was asked of a case (out of order, not needed, already recorded)."""

    exit_code = 1
