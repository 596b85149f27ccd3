"""What diffing two versions of a register answers: the classified changes, the decision, the warnings.

The value :func:`workreg.api.diff_registers` returns, kept here (below the API) so that the reports
of :mod:`workreg.registers.report` can read it without importing the layer above them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from workreg.policy.decision import Decision
    from workreg.registers.classify import ClassifiedChange
    from workreg.registers.vocabulary import NamedCommittee


class Notice(NamedTuple):
    """A warning about the input that does not stop the answer (``file:line: warning: message``)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: warning: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


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

    def decision_dict(self) -> dict[str, Any] | None:
        """The decision as ``workreg approvals --format json`` prints it, with the committees' evidence."""
        if self.decision is None:
            return None
        return {**self.decision.to_dict(), "committees": [item.to_dict() for item in self.committees]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "warnings": [notice.to_dict() for notice in self.warnings],
            "changes": [change.to_dict() for change in self.changes],
            "decision": self.decision_dict(),
        }

    def report(self, old: str, new: str, as_of: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON of ``workreg diff OLD NEW --format json`` (and of ``POST /v1/diff``)."""
        body = {"old": old, "new": new, **self.to_dict()}
        if as_of is not None:
            body["as_of"] = as_of
        return body
