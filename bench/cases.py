"""Approval cases on SQLite: record N cases through DSP4003 1.2.0 (one transaction per event), then time status.

Each case is a scope extension: opened, then its three gates approved in the policy's order (four
events, each its own committed transaction on a SQLite file with full sync, as the CLI does).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

GATES = ("originating_committee_ballot", "board_approval", "partner_approval")


def bench_cases(cases: int) -> dict:
    """Events per second while recording ``cases`` cases, and the latency of ``status`` over all of them."""
    from workreg.cases.service import PinnedPolicy, open_case, record, status
    from workreg.cases.store import open_store
    from workreg.policy.registry import get_policy

    pinned = PinnedPolicy.of(get_policy("dsp4003@1.2.0"))
    with tempfile.TemporaryDirectory(prefix="workreg-bench-cases-") as scratch:
        with open_store(str(Path(scratch) / "cases.db")) as store:
            started = time.perf_counter()
            ids = []
            for _ in range(cases):
                case = open_case(store, pinned, changes=["scope_extension"], by="bench")
                for gate in GATES:
                    record(store, case.id, gate, "approved", "2026-01-05", by="bench")
                ids.append(case.id)
            recording = time.perf_counter() - started
            samples = []
            for case_id in ids:
                start = time.perf_counter()
                state = status(store, case_id)
                samples.append((time.perf_counter() - start) * 1000)
                assert state.complete
    events = cases * (1 + len(GATES))
    ordered = sorted(samples)
    return {
        "cases": cases,
        "case_events": events,
        "case_events_per_s": events / recording,
        "case_status_median_ms": statistics.median(samples),
        "case_status_p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }
