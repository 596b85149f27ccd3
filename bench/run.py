"""workreg benchmark: decide() against its peers (Cedar, OPA), cold starts, large policies,
register diff, policy compare, lint of 1,000 registers, recording and status of 10,000 approval
cases on SQLite, ``workreg serve`` under load on loopback (bench/serve_load.py) and the
durable_rules soak, printed as a table (or JSON).

Not a test: numbers depend on the machine.  Targets on the 2-core reference machine:
decide() of a repeated combination median <= 0.5 us and >= 10x faster than the faster peer; a
combination's first decision median <= 50 us; CLI cold start median (cached) <= 250 ms and
within 3x of a bare `python -c pass` measured in the same run; uncached (read, validate,
compile, decide) <= 400 ms; a generated policy of 64 change kinds, 300 steps and 600 precedence
edges: `workreg check` and the first uncached `approvals` of 5 kinds <= 1 s each; 2,000 chained
steps: the same <= 5 s each; diff of two registers <= 50 ms, compare of two policy versions
<= 1 s; workreg serve >= 1,500 decisions/s with p99 <= 25 ms at 32 clients, decision log on, no
row lost; the soak keeps memory flat and leaves no durable session behind.

    python bench/run.py            # full run (1,000,000 soak calls: a few minutes)
    python bench/run.py --quick    # fewer iterations (under 30 s)
    python bench/run.py --json     # one JSON object

The peers need the optional extra 'bench' (regopy, cedarpy); without it their rows say so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"decide_median_us": 0.5, "first_decide_median_us": 50.0, "cli_cold_start_ms": 250.0,
           "cli_cold_start_ratio": 3.0, "cli_uncached_ms": 400.0, "generated_check_ms": 1000.0,
           "generated_approvals_ms": 1000.0, "chain_check_ms": 5000.0, "chain_approvals_ms": 5000.0,
           "faster_peer_ratio": 10.0, "diff_ms": 50.0, "compare_ms": 1000.0,
           "diff_2000_modified_s": 2.0, "diff_5mb_s": 10.0,
           "serve_decisions_per_s": 1500.0, "serve_p99_ms": 25.0}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_decide(calls: int) -> dict:
    """Per-call latency of decide() over every combination of change kinds, timer cost removed."""
    from workreg.policy.decide import decide
    from workreg.policy.registry import get_policy

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


def bench_peers(rounds: int) -> dict:
    """workreg, Cedar and OPA per decision, interleaved (see bench/peers/timing.py)."""
    try:
        from bench.peers.agree import load_peers
        from bench.peers.timing import time_peers

        peers = load_peers()
    except ImportError as exc:
        return {"peers_note": f"n/a ({exc.name} not installed: pip install 'workreg[bench]')"}
    return time_peers(peers, rounds)


def bench_serve_load(quick: bool) -> dict:
    """``workreg serve`` on loopback: 32 clients posting approvals, decision log on (bench/serve_load.py)."""
    from bench.serve_load import bench_serve

    try:
        return bench_serve(32, 5_000 if quick else 30_000, 5.0 if quick else 20.0)
    except (ImportError, RuntimeError) as exc:  # no 'serve' extra, or the server did not start
        return {"serve_note": f"n/a ({exc})"}


def bench_soak(n: int, show: bool) -> dict:
    """The durable_rules soak of bench/rules_soak.py with ``n`` calls."""
    from bench.rules_soak import soak

    return soak(n, report=(lambda line: print(line, file=sys.stderr, flush=True)) if show else None)


def measure(quick: bool, show_progress: bool) -> dict:
    """Every measurement, in one process (the CLI cold start in fresh child processes)."""
    from bench.cases import bench_cases
    from bench.scale import bench_cold_starts, bench_first_decision, bench_large_policies, workreg_command
    from bench.workloads import bench_compare, bench_diff, bench_diff_growth, bench_lint

    results: dict = {"load_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    results.update(bench_decide(50_000 if quick else 500_000))
    results.update(bench_first_decision(4 if quick else 40))
    results.update(bench_peers(2 if quick else 20))
    results.update(bench_cold_starts(10 if quick else 40))
    results.update(bench_large_policies(2 if quick else 10))
    results.update(bench_diff(10 if quick else 50))
    results.update(bench_diff_growth(workreg_command(), quick))
    results.update(bench_compare(3 if quick else 20))
    from bench.analysis import bench_analysis

    results.update(bench_analysis(quick))
    results.update(bench_lint(200 if quick else 1000))
    results.update(bench_cases(500 if quick else 10_000))
    results.update(bench_serve_load(quick))
    results.update(bench_soak(20_000 if quick else 1_000_000, show_progress))
    results["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return results


def _verdict(value: float | None, ok: bool) -> str:
    return "" if value is None else ("ok" if ok else "MISSED")


def table(results: dict) -> str:
    """The results as the table the README quotes."""
    r = results
    def row(name: str, key: str, shown: str, target: str, higher_is_better: bool = False):
        value = r[key]
        ok = value >= TARGETS[key] if higher_is_better else value <= TARGETS[key]
        return (name, shown, target, _verdict(value, ok))

    rows: list[tuple[str, str, str, str]] = [
        row("decide() of a repeated combination, median", "decide_median_us", f"{r['decide_median_us']:.2f} µs",
            "≤ 0.5 µs"),
        ("decide() p99", f"{r['decide_p99_us']:.2f} µs", "", ""),
        row("first decision of a combination (DSP4003 1.2.0), median", "first_decide_median_us",
            f"{r['first_decide_median_us']:.1f} µs", "≤ 50 µs"),
        ("  p99", f"{r['first_decide_p99_us']:.1f} µs", "", ""),
        ("first decision (64 kinds, 300 steps, 1-5 kinds), median",
         f"{r['first_decide_generated_median_us']:.1f} µs", "", ""),
        ("  p99", f"{r['first_decide_generated_p99_us']:.1f} µs", "", ""),
    ]
    if "workreg_median_us" in r:
        rows += [
            ("workreg answer (decide + approver set), interleaved: median", f"{r['workreg_median_us']:.2f} µs", "", ""),
            ("  p99", f"{r['workreg_p99_us']:.2f} µs", "", ""),
            ("Cedar (cedarpy, 5 requests in one batch): median", f"{r['cedar_median_us']:.1f} µs", "", ""),
            ("  p99", f"{r['cedar_p99_us']:.1f} µs", "", ""),
            ("OPA (regopy bundle entrypoint): median", f"{r['opa_median_us']:.1f} µs", "", ""),
            ("  p99", f"{r['opa_p99_us']:.1f} µs", "", ""),
            ("Cedar / workreg (median)", f"{r['cedar_ratio']:.0f}×", "", ""),
            ("OPA / workreg (median)", f"{r['opa_ratio']:.0f}×", "", ""),
            ("faster peer / workreg (median)", f"{r['faster_peer_ratio']:.0f}×", "≥ 10×",
             _verdict(r["faster_peer_ratio"], r["faster_peer_ratio"] >= TARGETS["faster_peer_ratio"])),
        ]
    else:
        rows.append(("Cedar, OPA", r["peers_note"], "≥ 10×", ""))
    rows += [
        row(f"CLI cold start median ({r['cli_command']}, cached)", "cli_cold_start_ms",
            f"{r['cli_cold_start_ms']:.0f} ms", "≤ 250 ms"),
        ("CLI cold start p99", f"{r['cli_cold_start_p99_ms']:.0f} ms", "", ""),
        ("bare `python -c pass`, median (same run)", f"{r['python_bare_ms']:.0f} ms", "", ""),
        row("CLI cold start / bare python", "cli_cold_start_ratio", f"{r['cli_cold_start_ratio']:.2f}×", "≤ 3×"),
        row("CLI uncached cold start median (read, validate, compile, decide)", "cli_uncached_ms",
            f"{r['cli_uncached_ms']:.0f} ms", "≤ 400 ms"),
        ("  p99", f"{r['cli_uncached_p99_ms']:.0f} ms", "", ""),
        row("64 kinds, 300 steps, 600 edges: workreg check, median", "generated_check_ms",
            f"{r['generated_check_ms']:.0f} ms", "≤ 1 s"),
        row("  first uncached approvals of 5 kinds, median", "generated_approvals_ms",
            f"{r['generated_approvals_ms']:.0f} ms", "≤ 1 s"),
        row("2,000 chained steps: workreg check, median", "chain_check_ms", f"{r['chain_check_ms']:.0f} ms", "≤ 5 s"),
        row("  first uncached approvals of 5 kinds, median", "chain_approvals_ms",
            f"{r['chain_approvals_ms']:.0f} ms", "≤ 5 s"),
        (f"diff of two registers, median ({r['diff_input']})", f"{r['diff_ms']:.1f} ms", "≤ 50 ms",
         _verdict(r["diff_ms"], r["diff_ms"] <= TARGETS["diff_ms"])),
        ("diff p99", f"{r['diff_p99_ms']:.1f} ms", "", ""),
    ]
    for row in r.get("diff_growth", []):
        five_mb = row["bytes"] > 4 * 1024 * 1024
        target = TARGETS["diff_5mb_s"] if five_mb else TARGETS["diff_2000_modified_s"] if row["modified"] == 2000 else None
        name = (f"workreg diff, {row['bytes'] / 1048576:.1f} MB registers, {row['modified']:,} of {row['lines']:,} lines edited"
                if five_mb else f"workreg diff, {row['lines']:,} lines, all edited")
        rows.append((name, f"{row['wall_s']:.2f} s", f"≤ {target:.0f} s" if target else "",
                     _verdict(row["wall_s"], row["wall_s"] <= target) if target else ""))
        rows.append(("  CPU, peak memory", f"{row['cpu_s']:.2f} s, {row['peak_mib']:.0f} MiB", "", ""))
    if r.get("compare_ms") is None:
        rows.append(("compare dsp4003@1.1 vs dsp4003@1.2.0", r["compare_note"], "≤ 1 s", ""))
    else:
        rows.append((f"compare {r['compare_note']}, median", f"{r['compare_ms']:.0f} ms", "≤ 1 s",
                     _verdict(r["compare_ms"], r["compare_ms"] <= TARGETS["compare_ms"])))
    rows += [
        (f"lint of {r['lint_registers']:,} registers (read + lint, in-process)", f"{r['lint_total_s']:.2f} s", "", ""),
        ("  per register", f"{r['lint_per_register_ms']:.2f} ms", "", ""),
        (f"cases on SQLite: record {r['cases']:,} cases ({r['case_events']:,} events, a transaction each)",
         f"{r['case_events_per_s']:.0f} events/s", "", ""),
        ("  case status: median", f"{r['case_status_median_ms']:.2f} ms", "", ""),
        ("  case status: p99", f"{r['case_status_p99_ms']:.2f} ms", "", ""),
    ]
    if "serve_note" in r:
        rows.append(("workreg serve, 32 clients on loopback, decision log on", r["serve_note"], "≥ 1,500/s", ""))
    else:
        rows += [
            (f"workreg serve: POST /v1/approvals, {r['serve_clients']} clients on loopback, decision log on",
             f"{r['serve_decisions_per_s']:,.0f}/s", "≥ 1,500/s",
             _verdict(0, r["serve_decisions_per_s"] >= TARGETS["serve_decisions_per_s"])),
            ("  latency p50", f"{r['serve_p50_ms']:.1f} ms", "", ""),
            ("  latency p99", f"{r['serve_p99_ms']:.1f} ms", "≤ 25 ms",
             _verdict(0, r["serve_p99_ms"] <= TARGETS["serve_p99_ms"])),
            (f"  answered {r['serve_answered']:,}: log rows lost, failed requests",
             f"{r['serve_lost']}, {r['serve_failed']}", "0, 0",
             _verdict(0, r["serve_lost"] == 0 and r["serve_failed"] == 0)),
        ]
    from bench.analysis import analysis_rows

    rows += analysis_rows(r)
    rows += [
        (f"durable_rules soak: {r['soak_calls']:,} classifications", f"{r['soak_seconds']:.1f} s", "", ""),
        ("  RSS start → end (peak)",
         f"{r['soak_rss_start_mib']:.1f} → {r['soak_rss_end_mib']:.1f} MiB ({r['soak_rss_peak_mib']:.1f})", "flat",
         _verdict(0, r["soak_rss_end_mib"] - r["soak_rss_start_mib"] < 5)),
        ("  live sessions at end, wrong answers", f"{r['soak_live_sessions_end']}, {r['soak_wrong']}", "0, 0",
         _verdict(0, r["soak_live_sessions_end"] == 0 and r["soak_wrong"] == 0)),
    ]
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    lines = [f"{'measure'.ljust(width)}  {'result'.rjust(value_width)}  {'target':<9} "]
    lines += [f"{name.ljust(width)}  {value.rjust(value_width)}  {target:<9} {verdict}".rstrip()
              for name, value, target, verdict in rows]
    notes = (f"({r['decide_calls']} decide() calls over {r['combinations']} combinations; "
             f"{r['first_decide_rounds']} rounds of first decisions; {r['cli_runs']} runs of each cold start, "
             f"{r['large_runs']} of each large-policy command ({r['generated_bytes'] // 1024} KB and "
             f"{r['chain_bytes'] // 1024} KB of YAML); {r['diff_runs']} diffs of {r['diff_changes']} changes")
    if "peer_rounds" in r:
        notes += f"; peers: {r['peer_rounds']} interleaved rounds over {r['peer_combinations']} combinations, all agreeing"
    if r.get("load_start") is not None:
        notes += f"; load average {r['load_start']:.1f} at start, {r['load_end']:.1f} at end on {os.cpu_count()} CPUs"
    lines.append(notes + ")")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (seconds, not minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results = measure(args.quick, show_progress=not args.json)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
