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


class WorkregFirstPeer:
    """workreg's *first* decision of each combination: a fresh compiled policy per round (its
    policy-wide indexes built before the round, untimed), so every question of a round is the
    first one that policy instance is asked."""

    name = "workreg_first"

    def __init__(self, ref: str = "dsp4003@1.2.0") -> None:
        from workreg.policy.decide import CompiledPolicy

        self._form = get_policy(ref).form
        self._new = CompiledPolicy
        self.kinds: tuple[str, ...] = get_policy(ref).kinds
        self.new_round()

    def new_round(self) -> None:
        """Forget every decision: the next question of each combination is a first one."""
        self.policy = self._new(self._form).prepare()

    def approvers(self, kinds: Iterable[str]) -> frozenset[str]:
        decision = decide(self.policy, kinds)
        return frozenset(i.approver for i in decision.required if i.satisfied_by is None)
