"""Soak test for workreg.rules: many classify calls in one process, memory must stay flat.

    python bench/rules_soak.py            # 1,000,000 calls
    python bench/rules_soak.py --n 50000  # quicker

Every answer is checked against the expected rule; prints calls/s and VmRSS at
start, every 10 % and at the end, plus the adapter's live durable sessions.
Exits 1 if any answer was wrong or a session was left behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from workreg.rules import RuleSet, live_sessions  # noqa: E402  (path set up above)

RULES = [
    {"id": "contact-change", "when": {"section": "points_of_contact"}, "kind": "contact_change"},
    {"id": "milestone-change", "when": {"section": "milestones", "change": ["added", "removed", "modified"]},
     "kind": "deliverable_adjustment"},
    {"id": "milestone-done-marker", "when": {"section": "milestones", "done_only": True},
     "kind": "editorial", "priority": 10},
    {"id": "scope-count", "when": {"section": "scope", "count": 3}, "kind": "scope_change"},
]

CASES = [
    ({"section": "points_of_contact", "change": "modified", "done_only": False}, "contact-change"),
    ({"section": "milestones", "change": "removed", "done_only": False}, "milestone-change"),
    ({"section": "milestones", "change": "modified", "done_only": True}, "milestone-done-marker"),
    ({"section": "scope", "count": 3}, "scope-count"),
    ({"section": "elsewhere", "change": "added"}, None),
]


def rss_kib() -> int:
    """Resident set size of this process in KiB, from /proc/self/status."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


def soak(n: int, batch: int = 1, report=print) -> dict:
    """Make ``n`` classify calls of ``batch`` facts, checking every answer; the measurements.

    ``report`` receives the table lines (start, every 10 %, end); pass ``None`` for silence.
    """
    say = report or (lambda line: None)
    ruleset = RuleSet(RULES)
    ruleset.classify([CASES[0][0]])  # register with durable before the baseline reading
    checkpoints = {max(1, n * tenth // 10): tenth * 10 for tenth in range(1, 11)}
    say(f"{'done':>6} {'calls':>10} {'elapsed s':>10} {'calls/s':>10} {'RSS MiB':>9} {'live':>5} {'wrong':>6}")
    start_rss = rss_kib()
    say(f"{'start':>6} {0:>10} {0.0:>10.1f} {'-':>10} {start_rss / 1024:>9.1f} {live_sessions():>5} {0:>6}")
    wrong = 0
    peak_rss = start_rss
    started = time.perf_counter()
    for call in range(1, n + 1):
        facts = [CASES[(call + k) % len(CASES)] for k in range(batch)]
        results = ruleset.classify([fact for fact, _ in facts])
        for result, (_, expected) in zip(results, facts):
            if (result.rule_id if result else None) != expected:
                wrong += 1
        if call in checkpoints:
            elapsed = time.perf_counter() - started
            rss = rss_kib()
            peak_rss = max(peak_rss, rss)
            say(f"{checkpoints[call]:>5}% {call:>10} {elapsed:>10.1f} {call / elapsed:>10.0f} "
                f"{rss / 1024:>9.1f} {live_sessions():>5} {wrong:>6}")
    elapsed = time.perf_counter() - started
    end_rss = rss_kib()
    return {
        "soak_calls": n,
        "soak_facts_per_call": batch,
        "soak_seconds": elapsed,
        "soak_calls_per_s": n / elapsed if elapsed else 0.0,
        "soak_rss_start_mib": start_rss / 1024,
        "soak_rss_end_mib": end_rss / 1024,
        "soak_rss_peak_mib": max(peak_rss, end_rss) / 1024,
        "soak_live_sessions_end": live_sessions(),
        "soak_wrong": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print the table; the exit code says whether it stayed correct."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="classify calls to make (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=1, help="facts per classify call (default 1)")
    args = parser.parse_args(argv)
    result = soak(args.n, args.batch, report=lambda line: print(line, flush=True))
    print(f"\n{result['soak_calls']} calls x {args.batch} fact(s) in {result['soak_seconds']:.1f} s = "
          f"{result['soak_calls_per_s']:.0f} calls/s; RSS {result['soak_rss_start_mib']:.1f} -> "
          f"{result['soak_rss_end_mib']:.1f} MiB ({result['soak_rss_end_mib'] - result['soak_rss_start_mib']:+.1f}); "
          f"live sessions at end: {result['soak_live_sessions_end']}; wrong answers: {result['soak_wrong']}")
    return 0 if result["soak_wrong"] == 0 and result["soak_live_sessions_end"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
