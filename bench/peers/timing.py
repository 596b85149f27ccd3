"""Interleaved per-decision latency of workreg, Cedar and OPA over every combination of change kinds.

Round-robin: each request is evaluated by every peer in turn before the next request, so a slow
moment of the machine (another process, a frequency change) hits all peers alike.  Each sample is
one peer's ``evaluate`` of one request with the timer's own cost removed.  workreg's sample is
the whole answer (``decide`` plus the approver set); the peers' samples are their evaluation
call (input in, raw result out), without decoding the result, which favours the peers.
"""

from __future__ import annotations

import statistics
import time
from typing import Sequence

from .agree import combinations, disagreements


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timer_cost(clock=time.perf_counter_ns, samples: int = 20_000) -> float:
    """Median cost of one pair of clock reads, in ns."""
    costs = []
    for _ in range(samples):
        start = clock()
        costs.append(clock() - start)
    return statistics.median(costs)


def time_peers(peers: Sequence, rounds: int) -> dict:
    """Check that the peers agree on every combination, then time them; per-peer median and p99 in µs.

    workreg is timed twice in the same interleaved run: its memoised answer (a repeated question)
    and its *first* decision of each combination (a fresh compiled policy per round, see
    :class:`bench.peers.workreg_peer.WorkregFirstPeer`).  Raises RuntimeError (with the
    disagreeing combinations) when the peers do not agree: timing encodings that give different
    answers would compare nothing.
    """
    from .workreg_peer import WorkregFirstPeer

    combos = combinations(peers[0].kinds)
    problems = disagreements(peers, combos)
    if problems:
        raise RuntimeError("peers disagree on %d combinations:\n  %s" % (len(problems), "\n  ".join(problems[:20])))
    first = WorkregFirstPeer()
    wrong = [combo for combo in combos if first.approvers(combo) != peers[0].approvers(combo)]
    if wrong:
        raise RuntimeError(f"workreg's first and memoised decisions differ on {wrong[:5]}")
    calls = [(peer.name, peer.approvers if peer.name == "workreg" else peer.evaluate) for peer in peers]
    for _, call in calls:  # warm every path once
        for combo in combos:
            call(combo)
    calls.insert(0, (first.name, first.approvers))
    clock = time.perf_counter_ns
    cost = timer_cost(clock)
    samples: dict[str, list[float]] = {name: [] for name, _ in calls}
    for _ in range(rounds):
        first.new_round()
        for combo in combos:
            for name, call in calls:
                start = clock()
                call(combo)
                samples[name].append(clock() - start - cost)
    results: dict = {"peer_combinations": len(combos), "peer_rounds": rounds, "peers_agree": True}
    for name, values in samples.items():
        results[f"{name}_median_us"] = statistics.median(values) / 1000
        results[f"{name}_p99_us"] = percentile(values, 0.99) / 1000
    fastest_peer = min(results["cedar_median_us"], results["opa_median_us"])
    for name in ("cedar", "opa"):
        results[f"{name}_ratio"] = results[f"{name}_median_us"] / results["workreg_median_us"]
        results[f"{name}_first_ratio"] = results[f"{name}_median_us"] / results["workreg_first_median_us"]
    results["faster_peer_ratio"] = fastest_peer / results["workreg_median_us"]
    results["faster_peer_first_ratio"] = fastest_peer / results["workreg_first_median_us"]
    return results
