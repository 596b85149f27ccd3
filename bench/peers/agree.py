"""Every combination of change kinds, and the check that all peers give the same approvers."""

from __future__ import annotations

import itertools
from typing import Sequence


def combinations(kinds: Sequence[str]) -> list[list[str]]:
    """Every non-empty combination of ``kinds`` (255 for DSP4003 1.2.0's eight), smallest first."""
    return [list(combo) for size in range(1, len(kinds) + 1) for combo in itertools.combinations(kinds, size)]


def disagreements(peers: Sequence, combos: Sequence[Sequence[str]]) -> list[str]:
    """One line per combination on which the peers' approver sets differ (empty when all agree)."""
    problems = []
    for combo in combos:
        answers = {peer.name: peer.approvers(list(combo)) for peer in peers}
        if len(set(answers.values())) != 1:
            shown = "; ".join(f"{name}: {sorted(answer)}" for name, answer in answers.items())
            problems.append(f"{','.join(combo)} -> {shown}")
    return problems


def load_peers() -> list:
    """workreg, Cedar and OPA, each loaded once (ImportError when regopy or cedarpy is missing)."""
    from .cedar_peer import CedarPeer
    from .rego_peer import RegoPeer
    from .workreg_peer import WorkregPeer

    return [WorkregPeer(), CedarPeer(), RegoPeer()]
