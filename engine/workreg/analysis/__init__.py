"""Analysis: what a policy guarantees over every combination of its change kinds, decided by reasoning.

``analyze(policy, properties)`` runs the built-in checks (:mod:`workreg.analysis.checks`) and
decides each user property (:mod:`workreg.analysis.reasoning`) for every combination it picks,
without enumerating the 2^n - 1 combinations: a combination's requirements are the union of its
kinds' and its order only grows with more kinds, so each question is settled at the smallest or
largest combinations it picks.  :mod:`workreg.analysis.symbolic` carries the same reasoning into
the complete ``compare`` of two versions.  Layer: above ``policy``, beside ``versions``; ``policy``
never imports it.  Every read of the compiled policy is in :mod:`workreg.analysis.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from workreg.analysis.checks import CheckResult
    from workreg.analysis.properties import Property
    from workreg.analysis.reasoning import PropertyResult
    from workreg.policy.decide import CompiledPolicy

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True)
class Analysis:
    """The outcome of ``workreg analyze``: every property and check, decided for every combination."""

    policy: str
    kinds: int
    properties: tuple["PropertyResult", ...]
    checks: tuple["CheckResult", ...]

    @property
    def holds(self) -> bool:
        """Whether every property holds and no warning-level check found anything (exit 0)."""
        return all(p.holds for p in self.properties) and all(c.holds or c.severity != "warning" for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "combinations": (1 << self.kinds) - 1,
            "holds": self.holds,
            "properties": [p.to_dict() for p in self.properties],
            "checks": [c.to_dict() for c in self.checks],
        }


def analyze(policy: "CompiledPolicy", properties: Iterable["Property"] = ()) -> Analysis:
    """Decide ``properties`` and the built-in checks for every combination of ``policy``'s change kinds."""
    from workreg.analysis.checks import run_checks
    from workreg.analysis.facts import facts_of
    from workreg.analysis.reasoning import check_property

    facts = facts_of(policy)
    results = tuple(check_property(policy, prop) for prop in properties)
    return Analysis(policy.ref, len(facts.kinds), results, tuple(run_checks(facts)))
