"""Benchmark rows of ``workreg analyze`` and the complete ``compare`` (issue 23).

Targets on the 2-core reference machine:

- ``analyze`` of DSP4003 1.2.0 with 10 properties, cold (a fresh process: imports, the cached
  compiled policy, the properties file, every check and property): <= 200 ms, interpreter
  start-up excluded (the CLI's own cold start is its own row in bench/run.py);
- ``analyze`` of a generated policy of 64 change kinds and 300 steps (600 edges, scoped order,
  parallel groups) with 10 properties: <= 2 s;
- ``compare`` of two versions of that policy, complete (all 2^64 - 1 combinations decided, the
  newer adding an order that shows only when three kinds meet): <= 5 s.

    python bench/analysis.py [--quick]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"analyze_dsp4003_cold_ms": 200.0, "analyze_generated_s": 2.0, "compare_generated_complete_s": 5.0}

_COLD = """
import time, sys
start = time.perf_counter()
from workreg.analysis import analyze
from workreg.analysis.properties import load_properties
from workreg.policy.registry import get_policy
properties = load_properties(sys.argv[1])[:10]
result = analyze(get_policy("dsp4003@1.2.0"), properties)
assert result.holds and len(result.properties) == 10
print((time.perf_counter() - start) * 1000)
"""


# The same child doing what `workreg approvals` does (imports, the cached compiled policy, one
# decision): the analysis's own share of the cold start is the difference.
_REFERENCE = """
import time, sys
start = time.perf_counter()
from workreg.policy.registry import get_policy
get_policy("dsp4003@1.2.0").decide(["new_register"])
print((time.perf_counter() - start) * 1000)
"""


def _child_env(cache: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["WORKREG_CACHE_DIR"] = cache
    return env


def bench_analyze_dsp4003(runs: int) -> dict:
    properties = str(ROOT / "policies" / "dsp4003" / "properties.yaml")
    with tempfile.TemporaryDirectory() as cache:
        env = _child_env(cache)
        subprocess.run([sys.executable, "-c", _COLD, properties], check=True, env=env, capture_output=True)  # warm the cache
        times = [float(subprocess.run([sys.executable, "-c", _COLD, properties], check=True, env=env,
                                      capture_output=True, text=True).stdout) for _ in range(runs)]
        reference = [float(subprocess.run([sys.executable, "-c", _REFERENCE], check=True, env=env,
                                          capture_output=True, text=True).stdout) for _ in range(runs)]
    return {"analyze_dsp4003_cold_ms": statistics.median(times), "analyze_dsp4003_runs": runs,
            "decide_dsp4003_cold_ms": statistics.median(reference)}


def _generated(version: str, third_kind_order: bool) -> dict:
    """The generated policy; the newer version adds an order between a gate only kind 0 requires and one
    only kind 1 requires that applies only when kind 2 is present: a difference three kinds show."""
    from tests.generated_policies import random_policy

    policy = random_policy(64, 300, 600, seed=23, scoped=True, name="generated", version=version)
    policy["steps"] += [
        {"id": f"gate_{name}", "title": f"Gate {name}", "actor": "role_0", "kind": "approval", "phase": "approval",
         "citation": {"section": "9", "quote": f"{name} approves."}} for name in ("x", "y")]
    for kind, gate in ((0, "gate_x"), (1, "gate_y")):
        requires = policy["change_kinds"][kind].setdefault("requires", [])
        if not isinstance(requires, list):
            requires = policy["change_kinds"][kind]["requires"] = []
            policy["change_kinds"][kind].pop("requires_none_citation", None)
        requires.append({"step": gate, "citation": {"section": "9", "quote": f"{gate} approves."}})
        policy["change_kinds"][kind]["not_required"] = [
            n for n in policy["change_kinds"][kind].get("not_required", []) if n["approver"] != "role_0"]
        if not policy["change_kinds"][kind]["not_required"]:
            del policy["change_kinds"][kind]["not_required"]
    if third_kind_order:
        policy["precedence"].append({"before": "gate_x", "after": "gate_y", "applies_to": ["kind_2"],
                                     "citation": {"section": "9", "quote": "With kind 2, x before y."}})
    return policy


def _compiled_pair(folder: Path):
    from tests.generated_policies import policy_yaml
    from workreg.versions.compare import load_policy_file

    paths = []
    for version, extra in (("1.0", False), ("2.0", True)):
        path = folder / "generated" / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(policy_yaml(_generated(version, extra)), encoding="utf-8")
        paths.append(path)
    return [load_policy_file(path) for path in paths]


def _generated_properties(facts) -> list:
    from workreg.analysis.properties import Property

    kinds, gates = facts.kinds, sorted(facts.gates)
    props = []
    for index in range(10):
        kind = kinds[index * 5 % len(kinds)]
        gate = gates[index * 7 % len(gates)]
        expect, targets = [("requires", (gate,)), ("not_requires", (gate,)),
                           ("order", (gates[index], gates[-index - 1]))][index % 3]
        props.append(Property(f"p{index}", (kind,), (), None, expect, targets))
    return props


def bench_generated(runs: int) -> dict:
    from workreg.analysis import analyze
    from workreg.analysis.facts import facts_of
    from workreg.policy.decide import CompiledPolicy
    from workreg.versions.compare import compare_policies

    with tempfile.TemporaryDirectory() as folder:
        old, new = _compiled_pair(Path(folder))
        analyze_times, compare_times = [], []
        for _ in range(runs):
            fresh = CompiledPolicy(old.compiled.form)  # cold: no facts, no decisions memoised
            props = _generated_properties(facts_of(fresh))
            fresh = CompiledPolicy(old.compiled.form)
            start = time.perf_counter()
            analyze(fresh, props)
            analyze_times.append(time.perf_counter() - start)
            before = type(old)(CompiledPolicy(old.compiled.form), old.model, old.path)
            after = type(new)(CompiledPolicy(new.compiled.form), new.model, new.path)
            start = time.perf_counter()
            result = compare_policies(before, after)
            compare_times.append(time.perf_counter() - start)
            assert result.exhaustive and result.combinations_compared == 2 ** 64 - 1
    return {"analyze_generated_s": statistics.median(analyze_times),
            "compare_generated_complete_s": statistics.median(compare_times),
            "compare_generated_differing": result.differing_combinations,
            "compare_generated_smallest": len(result.decisions[0].changes) if result.decisions else 0,
            "generated_runs": runs}


def bench_compare_200(runs: int) -> dict:
    """Issue 18's shape: compare of two 200-kind versions (600 steps, 1,200 edges), complete (84 s before)."""
    from tests.generated_policies import policy_yaml, random_policy
    from workreg.policy.decide import CompiledPolicy
    from workreg.versions.compare import compare_policies, load_policy_file

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for version in ("1.0", "2.0"):
            policy = random_policy(200, 600, 1200, seed=3, scoped=True, name="wide", version=version)
            if version == "2.0":
                policy["precedence"][5]["applies_to"] = ["kind_7"]
                policy["change_kinds"][9]["requires"].pop()
            path = Path(folder) / "wide" / f"{version}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(policy_yaml(policy), encoding="utf-8")
            paths.append(path)
        old, new = (load_policy_file(path) for path in paths)
        times = []
        for _ in range(runs):
            before = type(old)(CompiledPolicy(old.compiled.form), old.model, old.path)
            after = type(new)(CompiledPolicy(new.compiled.form), new.model, new.path)
            start = time.perf_counter()
            result = compare_policies(before, after)
            times.append(time.perf_counter() - start)
            assert result.exhaustive
    return {"compare_200_kinds_s": statistics.median(times), "compare_200_kinds_differing": result.differing_combinations}


def bench_analysis(quick: bool) -> dict:
    results = bench_analyze_dsp4003(3 if quick else 15)
    results.update(bench_generated(1 if quick else 5))
    results.update(bench_compare_200(1 if quick else 3))
    return results


def analysis_rows(r: dict) -> list[tuple[str, str, str, str]]:
    """Rows for bench/run.py's table."""
    def verdict(key: str, value: float) -> str:
        return "ok" if value <= TARGETS[key] else "MISSED"

    return [
        (f"analyze dsp4003@1.2.0, 10 properties, cold (median of {r['analyze_dsp4003_runs']})",
         f"{r['analyze_dsp4003_cold_ms']:.0f} ms", "≤ 200 ms", verdict("analyze_dsp4003_cold_ms", r["analyze_dsp4003_cold_ms"])),
        ("  reference: the same child deciding one combination (what approvals does)",
         f"{r['decide_dsp4003_cold_ms']:.0f} ms", "", ""),
        ("analyze generated 64 kinds, 300 steps, 10 properties", f"{r['analyze_generated_s']:.2f} s", "≤ 2 s",
         verdict("analyze_generated_s", r["analyze_generated_s"])),
        (f"compare two 64-kind versions, all 2^64 - 1 ({r['compare_generated_differing']:,} differ)",
         f"{r['compare_generated_complete_s']:.2f} s", "≤ 5 s",
         verdict("compare_generated_complete_s", r["compare_generated_complete_s"])),
        (f"compare two 200-kind versions, complete (issue 18: 84 s; {r['compare_200_kinds_differing']:.2e} differ)",
         f"{r['compare_200_kinds_s']:.2f} s", "", ""),
    ]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results = bench_analysis(args.quick)
    results["load_start"], results["load_end"] = load, (os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, value, target, verdict in analysis_rows(results):
            print(f"{name:<78} {value:>10}  {target:<9} {verdict}")
        print(f"(load average {results['load_start']:.1f} at start, {results['load_end']:.1f} at end on "
              f"{os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
