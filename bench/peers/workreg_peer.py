"""workreg itself, behind the same interface as the Rego and Cedar peers."""

from __future__ import annotations

from typing import Iterable

from workreg.policy.decide import decide
from workreg.policy.registry import get_policy


class WorkregPeer:
    """Required approvers from :func:`workreg.policy.decide.decide` on the compiled shipped policy."""

    name = "workreg"

    def __init__(self, ref: str = "dsp4003@1.2.0") -> None:
        self.policy = get_policy(ref)
        self.kinds: tuple[str, ...] = self.policy.kinds

    def approvers(self, kinds: Iterable[str]) -> frozenset[str]:
        """The approvers whose gates are required and not satisfied by another gate."""
        decision = decide(self.policy, kinds)
        return frozenset(i.approver for i in decision.required if i.satisfied_by is None)
