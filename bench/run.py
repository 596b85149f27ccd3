"""workreg benchmark: decide() latency and CLI cold start, printed as a table (or JSON).

Not a test: numbers depend on the machine.  Targets on the 2-core reference machine:
decide() median <= 2.5 us, CLI cold start median <= 250 ms.

    python bench/run.py            # full run
    python bench/run.py --quick    # fewer iterations
    python bench/run.py --json     # one JSON object
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"decide_median_us": 2.5, "cli_cold_start_ms": 250.0}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_decide(calls: int) -> dict:
    """Per-call latency of decide() over every combination of change kinds, timer cost removed."""
    from engine.decide import decide
    from engine.registry import get_policy

    policy = get_policy("dsp4003@1.2.0")
    combos = [list(c) for n in range(1, len(policy.kinds) + 1) for c in itertools.combinations(policy.kinds, n)]
    for combo in combos:  # first look-ups materialise; the benchmark measures the steady state
        decide(policy, combo)
    clock = time.perf_counter_ns
    overhead = []
    for _ in range(20_000):
        start = clock()
        overhead.append(clock() - start)
    timer_cost = statistics.median(overhead)
    samples = []
    cycle = itertools.cycle(combos)
    for _ in range(calls):
        combo = next(cycle)
        start = clock()
        decide(policy, combo)
        samples.append(clock() - start - timer_cost)
    return {
        "decide_median_us": statistics.median(samples) / 1000,
        "decide_p99_us": percentile(samples, 0.99) / 1000,
        "decide_calls": calls,
        "combinations": len(combos),
    }


def workreg_command() -> list[str]:
    script = Path(sys.executable).with_name("workreg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine"]


def bench_cold_start(runs: int) -> dict:
    """Wall time of a fresh `workreg approvals scope_extension` process (compiled table cached)."""
    command = workreg_command() + ["approvals", "scope_extension"]
    env = dict(os.environ)
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)  # warm the table cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "cli_cold_start_ms": statistics.median(times),
        "cli_cold_start_p99_ms": percentile(times, 0.99),
        "cli_runs": runs,
        "cli_command": " ".join(Path(command[0]).name if i == 0 else a for i, a in enumerate(command)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (seconds, not minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results: dict = {}
    results.update(bench_decide(50_000 if args.quick else 500_000))
    results.update(bench_cold_start(10 if args.quick else 40))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    rows = [
        ("decide() median", f"{results['decide_median_us']:.2f} µs", "≤ 2.5 µs"),
        ("decide() p99", f"{results['decide_p99_us']:.2f} µs", ""),
        (f"CLI cold start median ({results['cli_command']})", f"{results['cli_cold_start_ms']:.0f} ms", "≤ 250 ms"),
        ("CLI cold start p99", f"{results['cli_cold_start_p99_ms']:.0f} ms", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result':>10}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>10}  {target}")
    print(f"({results['decide_calls']} decide() calls over {results['combinations']} combinations; "
          f"{results['cli_runs']} CLI runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
