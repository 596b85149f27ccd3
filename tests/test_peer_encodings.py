"""The Rego and Cedar encodings in bench/peers/ give workreg's approvers for every combination.

Not timed (bench/run.py times them); skipped where the optional extra 'bench' is not installed.
"""

from __future__ import annotations

import pytest

pytest.importorskip("regopy", reason="regopy not installed (pip install 'workreg[bench]')")
pytest.importorskip("cedarpy", reason="cedarpy not installed (pip install 'workreg[bench]')")

from bench.peers.agree import combinations, disagreements, load_peers  # noqa: E402


@pytest.fixture(scope="module")
def peers():
    return load_peers()


def test_every_combination_agrees(peers):
    combos = combinations(peers[0].kinds)
    assert len(combos) == 2 ** len(peers[0].kinds) - 1 == 255
    assert disagreements(peers, combos) == []


def test_answers_are_not_trivial(peers):
    # Guard against three encodings agreeing on nothing: spot-check DSP4003 §4 and §2.3.
    by_name = {peer.name: peer for peer in peers}
    for peer in by_name.values():
        assert peer.approvers(["scope_extension"]) == {"originating_committee", "board", "alliance_partner"}
        assert peer.approvers(["contact_change"]) == frozenset()
        # The Alliance Committee's own approval is given by its ballot as Originating Committee.
        assert "alliance_committee" not in peer.approvers(["new_register"])
