"""workreg benchmark: decide() against its peers (Cedar, OPA), cold starts, large policies,
register diff, policy compare, lint of 1,000 registers, recording and status of 10,000 approval
cases on SQLite, ``workreg serve`` under load on loopback (bench/serve_load.py) and the
durable_rules soak, printed as a table (or JSON).

Not a test: numbers depend on the machine.  Every row prints its target (TARGETS below, on the
2-core reference machine) and the 1-minute load average when it was measured.  The headline
rows (issue 22): a combination's *first* decision of DSP4003 1.2.0 (a fresh compiled policy per
round) median <= 10 us and p99 <= 50 us, and OPA and Cedar >= 20x slower than it on the same
questions in one interleaved run (the memoised answer is timed beside it, <= 0.5 us); the first
decision on a generated policy of 64 kinds and 3,000 steps within 5x (median) and 10x (p99) of
DSP4003's; cold starts relative to a bare `python -c pass` of the same run: uncached `approvals`
<= 5x, cached <= 2.5x, `render` to DOT <= 4x, `diff` of the OCP seed registers <= 5x, and `analyze`
of DSP4003 1.2.0 with its properties <= 200 ms beyond the bare start (issue 23); `check` of 6,000
steps <= 4.5x that of 1,500.

    python bench/run.py            # full run (1,000,000 soak calls: a few minutes)
    python bench/run.py --quick    # fewer iterations (under 30 s)
    python bench/run.py --json     # one JSON object
    python bench/run.py --decisions --quick   # decisions, peers and cold starts only (a minute)

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

#: (target, direction): ``max`` means the result must be at most the target, ``min`` at least.
TARGETS = {
    "decide_median_us": (0.5, "max"),
    "first_decide_median_us": (10.0, "max"), "first_decide_p99_us": (50.0, "max"),
    "opa_first_ratio": (20.0, "min"), "cedar_first_ratio": (20.0, "min"),
    "first_decide_generated_median_ratio": (5.0, "max"), "first_decide_generated_p99_ratio": (10.0, "max"),
    "faster_peer_ratio": (10.0, "min"),
    "cli_uncached_ratio": (5.0, "max"), "cli_cold_start_ratio": (2.5, "max"), "render_ratio": (4.0, "max"),
    "diff_seeds_cold_ratio": (5.0, "max"), "analyze_cli_cold_ms": (200.0, "max"),
    "check_growth_ratio": (4.5, "max"),
    "cli_cold_start_ms": (250.0, "max"), "cli_uncached_ms": (400.0, "max"),
    "generated_check_ms": (1000.0, "max"), "generated_approvals_ms": (1000.0, "max"),
    "chain_check_ms": (5000.0, "max"), "chain_approvals_ms": (5000.0, "max"),
    "diff_ms": (50.0, "max"), "compare_ms": (1000.0, "max"),
    "diff_2000_modified_s": (2.0, "max"), "diff_5mb_s": (10.0, "max"),
    "serve_decisions_per_s": (1500.0, "min"), "serve_p99_ms": (25.0, "max"),
}


def met(key: str, value: float) -> bool:
    target, direction = TARGETS[key]
    return value <= target if direction == "max" else value >= target


def _load() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


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
        "load_decide": _load(),
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
    return {**time_peers(peers, rounds), "load_peers": _load()}


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


def measure(quick: bool, show_progress: bool, only_decisions: bool = False) -> dict:
    """Every measurement, in one process (the CLI cold start in fresh child processes)."""
    from bench.big_registers import bench_big_registers
    from bench.cases import bench_cases
    from bench.scale import bench_cold_starts, bench_first_decision, bench_large_policies, workreg_command
    from bench.workloads import bench_compare, bench_diff, bench_diff_growth, bench_lint

    results: dict = {"load_start": _load()}
    results.update(bench_decide(50_000 if quick else 500_000))
    results.update(bench_first_decision(4 if quick else 40))
    results.update(bench_peers(2 if quick else 20))
    results.update(bench_cold_starts(10 if quick else 40))
    if not only_decisions:
        results.update(bench_large_policies(2 if quick else 10))
        results.update(bench_diff(10 if quick else 50))
        results["load_diff"] = _load()
        results.update(bench_diff_growth(workreg_command(), quick))
        results["load_diff_growth"] = _load()
        results.update(bench_big_registers(quick))
        results["load_big_registers"] = _load()
        results.update(bench_compare(3 if quick else 20))
        from bench.analysis import bench_analysis

        results.update(bench_analysis(quick))
        results["load_analysis"] = _load()
        results.update(bench_lint(200 if quick else 1000))
        results.update(bench_cases(500 if quick else 10_000))
        results["load_workloads"] = _load()
        results.update(bench_serve_load(quick))
        results["load_serve"] = _load()
        results.update(bench_soak(20_000 if quick else 1_000_000, show_progress))
        results["load_soak"] = _load()
    results["load_end"] = _load()
    return results


def _verdict(key: str, value: float | None) -> str:
    return "" if value is None else ("ok" if met(key, value) else "MISSED")


def _target(key: str, unit: str = "", fmt: str = "{:g}") -> str:
    target, direction = TARGETS[key]
    return ("≤ " if direction == "max" else "≥ ") + fmt.format(target) + unit


def table(results: dict) -> str:
    """The results as the table docs/performance.md quotes; each row with its target and the
    machine's 1-minute load average when it was measured."""
    r = results
    rows: list[tuple[str, str, str, str, str]] = []

    def load(group: str) -> str:
        value = r.get(f"load_{group}")
        return "" if value is None else f"{value:.1f}"

    def add(name: str, shown: str, group: str, key: str | None = None, unit: str = "", fmt: str = "{:g}") -> None:
        if key is None:
            rows.append((name, shown, "", "", load(group)))
        else:
            rows.append((name, shown, _target(key, unit, fmt), _verdict(key, r[key]), load(group)))

    add("decide(), a repeated (memoised) question: median", f"{r['decide_median_us']:.2f} µs", "decide",
        "decide_median_us", " µs")
    add("  p99", f"{r['decide_p99_us']:.2f} µs", "decide")
    add("first decision of a DSP4003 1.2.0 combination: median", f"{r['first_decide_median_us']:.1f} µs",
        "first_decide", "first_decide_median_us", " µs")
    add("  p99", f"{r['first_decide_p99_us']:.1f} µs", "first_decide", "first_decide_p99_us", " µs")
    add("  each asked of its own fresh policy (nothing shared): median", f"{r['first_decide_lone_median_us']:.1f} µs",
        "first_decide")
    add("    p99", f"{r['first_decide_lone_p99_us']:.1f} µs", "first_decide")
    add("  building the policy's indexes, once per policy", f"{r['first_decide_prepare_us']:.0f} µs", "first_decide")
    add("  answer size (gates, steps, order edges), mean", f"{r['first_decide_items']:.1f}", "first_decide")
    add("first decision, 64 kinds, 3,000 steps, 6,000 edges (1-5 kinds): median",
        f"{r['first_decide_generated_median_us']:.1f} µs", "first_decide_generated")
    add("  / DSP4003's median", f"{r['first_decide_generated_median_ratio']:.1f}×", "first_decide_generated",
        "first_decide_generated_median_ratio", "×")
    add("  p99", f"{r['first_decide_generated_p99_us']:.1f} µs", "first_decide_generated")
    add("  / DSP4003's p99", f"{r['first_decide_generated_p99_ratio']:.1f}×", "first_decide_generated",
        "first_decide_generated_p99_ratio", "×")
    add("  building the policy's indexes, once per policy", f"{r['first_decide_generated_prepare_ms']:.0f} ms",
        "first_decide_generated")
    add("  answer size (gates, steps, order edges), mean", f"{r['first_decide_generated_items']:.1f}",
        "first_decide_generated")
    # Per value of the answer: what is left of the ratio once the answers' sizes are accounted for
    # (what the policy's size costs: reachability under scoped edges, longer citation paths).
    per_value = ((r["first_decide_generated_median_us"] / r["first_decide_generated_items"])
                 / (r["first_decide_median_us"] / r["first_decide_items"]))
    add("  per answer value (median / mean size), / DSP4003's", f"{per_value:.1f}×", "first_decide_generated")
    if "opa_median_us" in r:
        add("peers, interleaved: workreg's first decision (decide + approver set): median",
            f"{r['workreg_first_median_us']:.2f} µs", "peers")
        add("  p99", f"{r['workreg_first_p99_us']:.2f} µs", "peers")
        add("  workreg's memoised answer: median", f"{r['workreg_median_us']:.2f} µs", "peers")
        add("  p99", f"{r['workreg_p99_us']:.2f} µs", "peers")
        add("  Cedar (cedarpy, 5 requests in one batch): median", f"{r['cedar_median_us']:.1f} µs", "peers")
        add("  p99", f"{r['cedar_p99_us']:.1f} µs", "peers")
        add("  OPA (regopy bundle entrypoint): median", f"{r['opa_median_us']:.1f} µs", "peers")
        add("  p99", f"{r['opa_p99_us']:.1f} µs", "peers")
        add("  OPA / workreg's first decision (median)", f"{r['opa_first_ratio']:.1f}×", "peers", "opa_first_ratio", "×")
        add("  Cedar / workreg's first decision (median)", f"{r['cedar_first_ratio']:.1f}×", "peers",
            "cedar_first_ratio", "×")
        add("  faster peer / workreg's memoised answer (median)", f"{r['faster_peer_ratio']:.0f}×", "peers",
            "faster_peer_ratio", "×")
    else:
        add("Cedar, OPA", r["peers_note"], "peers")
    add("bare `python -c pass`, median (same run)", f"{r['python_bare_ms']:.0f} ms", "cold_starts")
    add(f"{r['cli_command']}, cached: median", f"{r['cli_cold_start_ms']:.0f} ms", "cold_starts",
        "cli_cold_start_ms", " ms")
    add("  / bare python", f"{r['cli_cold_start_ratio']:.2f}×", "cold_starts", "cli_cold_start_ratio", "×")
    add("  uncached (read, validate, compile, decide): median", f"{r['cli_uncached_ms']:.0f} ms", "cold_starts",
        "cli_uncached_ms", " ms")
    add("  uncached / bare python", f"{r['cli_uncached_ratio']:.2f}×", "cold_starts", "cli_uncached_ratio", "×")
    add("  floor: PyYAML and pydantic imported, one line validated by a one-field model / bare python",
        f"{r['validator_floor_ratio']:.2f}×", "cold_starts")
    add("  uncached less that floor", f"{r['cli_uncached_beyond_floor_ms']:.0f} ms", "cold_starts")
    add("workreg render dsp4003 (DOT): median", f"{r['render_ms']:.0f} ms", "cold_starts")
    add("  / bare python", f"{r['render_ratio']:.2f}×", "cold_starts", "render_ratio", "×")
    if "diff_seeds_cold_ms" in r:
        add("workreg diff of the OCP seed registers: median", f"{r['diff_seeds_cold_ms']:.0f} ms", "cold_starts")
        add("  / bare python", f"{r['diff_seeds_cold_ratio']:.2f}×", "cold_starts", "diff_seeds_cold_ratio", "×")
    else:
        add("workreg diff of the OCP seed registers", r["diff_seeds_cold_note"], "cold_starts")
    add("workreg analyze dsp4003@1.2.0 --properties (the shipped file): median", f"{r['analyze_cli_ms']:.0f} ms",
        "cold_starts")
    add("  less bare python (issue 23: start-up excluded)", f"{r['analyze_cli_cold_ms']:.0f} ms", "cold_starts",
        "analyze_cli_cold_ms", " ms")
    if "large_runs" in r:
        add("64 kinds, 300 steps, 600 edges: workreg check, median", f"{r['generated_check_ms']:.0f} ms", "large",
            "generated_check_ms", " ms")
        add("  first uncached approvals of 5 kinds, median", f"{r['generated_approvals_ms']:.0f} ms", "large",
            "generated_approvals_ms", " ms")
        add("2,000 chained steps: workreg check, median", f"{r['chain_check_ms']:.0f} ms", "large",
            "chain_check_ms", " ms")
        add("  first uncached approvals of 5 kinds, median", f"{r['chain_approvals_ms']:.0f} ms", "large",
            "chain_approvals_ms", " ms")
        if "check_growth_ratio" in r:
            add("workreg check: 1,500 steps → 6,000 steps, median",
                f"{r['check_1500_ms']:.0f} → {r['check_6000_ms']:.0f} ms", "large")
            add("  6,000 / 1,500", f"{r['check_growth_ratio']:.1f}×", "large", "check_growth_ratio", "×")
        else:
            add("workreg check of 1,500 and 6,000 steps", r["check_growth_note"], "large")
        add(f"diff of two registers, median ({r['diff_input']})", f"{r['diff_ms']:.1f} ms", "diff", "diff_ms", " ms")
        add("diff p99", f"{r['diff_p99_ms']:.1f} ms", "diff")
        for growth in r.get("diff_growth", []):
            five_mb = growth["bytes"] > 4 * 1024 * 1024
            key = "diff_5mb_s" if five_mb else "diff_2000_modified_s" if growth["modified"] == 2000 else None
            name = (f"workreg diff, {growth['bytes'] / 1048576:.1f} MB registers, {growth['modified']:,} of "
                    f"{growth['lines']:,} lines edited" if five_mb else f"workreg diff, {growth['lines']:,} lines, all edited")
            if key is None:
                add(name, f"{growth['wall_s']:.2f} s", "diff_growth")
            else:
                rows.append((name, f"{growth['wall_s']:.2f} s", _target(key, " s"),
                             "ok" if met(key, growth["wall_s"]) else "MISSED", load("diff_growth")))
            add("  CPU, peak memory", f"{growth['cpu_s']:.2f} s, {growth['peak_mib']:.0f} MiB", "diff_growth")
        from bench.big_registers import big_register_rows

        rows += [(*row, load("big_registers")) for row in big_register_rows(r)]
        if r.get("compare_ms") is None:
            add("compare dsp4003@1.1 vs dsp4003@1.2.0", r["compare_note"], "workloads")
        else:
            add(f"compare {r['compare_note']}, median", f"{r['compare_ms']:.0f} ms", "workloads", "compare_ms", " ms")
        add(f"lint of {r['lint_registers']:,} registers (read + lint, in-process)", f"{r['lint_total_s']:.2f} s",
            "workloads")
        add("  per register", f"{r['lint_per_register_ms']:.2f} ms", "workloads")
        add(f"cases on SQLite: record {r['cases']:,} cases ({r['case_events']:,} events, a transaction each)",
            f"{r['case_events_per_s']:.0f} events/s", "workloads")
        add("  case status: median", f"{r['case_status_median_ms']:.2f} ms", "workloads")
        add("  case status: p99", f"{r['case_status_p99_ms']:.2f} ms", "workloads")
        if "serve_note" in r:
            add("workreg serve, 32 clients on loopback, decision log on", r["serve_note"], "serve")
        else:
            add(f"workreg serve: POST /v1/approvals, {r['serve_clients']} clients on loopback, decision log on",
                f"{r['serve_decisions_per_s']:,.0f}/s", "serve", "serve_decisions_per_s", "/s", "{:,.0f}")
            add("  latency p50", f"{r['serve_p50_ms']:.1f} ms", "serve")
            add("  latency p99", f"{r['serve_p99_ms']:.1f} ms", "serve", "serve_p99_ms", " ms")
            rows.append((f"  answered {r['serve_answered']:,}: log rows lost, failed requests",
                         f"{r['serve_lost']}, {r['serve_failed']}", "0, 0",
                         "ok" if r["serve_lost"] == 0 and r["serve_failed"] == 0 else "MISSED", load("serve")))
        from bench.analysis import analysis_rows

        rows += [(*row, load("analysis")) for row in analysis_rows(r)]
        add(f"durable_rules soak: {r['soak_calls']:,} classifications", f"{r['soak_seconds']:.1f} s", "soak")
        rows.append(("  RSS start → end (peak)",
                     f"{r['soak_rss_start_mib']:.1f} → {r['soak_rss_end_mib']:.1f} MiB ({r['soak_rss_peak_mib']:.1f})",
                     "flat", "ok" if r["soak_rss_end_mib"] - r["soak_rss_start_mib"] < 5 else "MISSED", load("soak")))
        rows.append(("  live sessions at end, wrong answers", f"{r['soak_live_sessions_end']}, {r['soak_wrong']}",
                     "0, 0", "ok" if r["soak_live_sessions_end"] == 0 and r["soak_wrong"] == 0 else "MISSED",
                     load("soak")))
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    target_width = max(len(row[2]) for row in rows)
    lines = [f"{'measure'.ljust(width)}  {'result'.rjust(value_width)}  {'target'.ljust(target_width)}  "
             f"{'':6}  load"]
    lines += [f"{name.ljust(width)}  {value.rjust(value_width)}  {target.ljust(target_width)}  {verdict:6}  {load_}".rstrip()
              for name, value, target, verdict, load_ in rows]
    notes = (f"({r['decide_calls']} decide() calls over {r['combinations']} combinations; "
             f"{r['first_decide_rounds']} rounds of first decisions; {r['cli_runs']} runs of each cold start")
    if "large_runs" in r:
        notes += (f"; {r['large_runs']} of each large-policy command ({r['generated_bytes'] // 1024} KB and "
                  f"{r['chain_bytes'] // 1024} KB of YAML); {r['diff_runs']} diffs of {r['diff_changes']} changes")
    if "peer_rounds" in r:
        notes += f"; peers: {r['peer_rounds']} interleaved rounds over {r['peer_combinations']} combinations, all agreeing"
    if r.get("load_start") is not None:
        notes += (f"; load: 1-minute load average when each row was measured, {r['load_start']:.1f} at start, "
                  f"{r['load_end']:.1f} at end on {os.cpu_count()} CPUs")
    lines.append(notes + ")")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations (seconds, not minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--decisions", action="store_true",
                        help="only decisions, peers and cold starts (the rows of docs/performance.md)")
    args = parser.parse_args(argv)
    results = measure(args.quick, show_progress=not args.json, only_decisions=args.decisions)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
