"""Timings that show the cost grows with the policy: cold starts, large policies, first decisions.

- cold starts, interleaved in fresh processes: a bare ``python -c pass``, ``workreg approvals
  scope_extension`` with its compiled policy cached, and the same uncached (``WORKREG_CACHE_DIR=off``:
  read, validate, compile, decide);
- large generated policies (tests/generated_policies.py, written to a temporary folder): 64
  change kinds, 300 steps and 600 precedence edges; and 2,000 chained steps: ``workreg check`` and
  the first, uncached ``workreg approvals`` of five kinds;
- a combination's first decision (a fresh compiled policy each round, every combination once)
  for DSP4003 1.2.0 and for the 64-kind policy.

Child processes run as pip leaves an installation: bytecode is written and read (the
environment's ``PYTHONDONTWRITEBYTECODE`` is dropped for them, for ``python -c pass`` alike).
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def workreg_command() -> list[str]:
    script = Path(sys.executable).with_name("workreg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workreg"]


def child_env(cache: str) -> dict:
    """This checkout's engine, bytecode as installed, the given cache directory (or ``off``)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["WORKREG_CACHE_DIR"] = cache
    return env


def _run_ms(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=ROOT, env=env)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-400:]}")
    return elapsed


def bench_cold_starts(runs: int) -> dict:
    """Bare python, cached and uncached `workreg approvals scope_extension`, interleaved round by round."""
    approvals = workreg_command() + ["approvals", "scope_extension"]
    bare = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory(prefix="workreg-bench-cache-") as cache:
        cached_env, uncached_env = child_env(cache), child_env("off")
        _run_ms(approvals, cached_env)  # fills the cache and writes bytecode
        _run_ms(bare, cached_env)
        times: dict[str, list[float]] = {"bare": [], "cached": [], "uncached": []}
        for _ in range(runs):
            times["bare"].append(_run_ms(bare, cached_env))
            times["cached"].append(_run_ms(approvals, cached_env))
            times["uncached"].append(_run_ms(approvals, uncached_env))
    bare_ms, cached_ms = statistics.median(times["bare"]), statistics.median(times["cached"])
    return {
        "python_bare_ms": bare_ms,
        "cli_cold_start_ms": cached_ms,
        "cli_cold_start_p99_ms": _percentile(times["cached"], 0.99),
        "cli_cold_start_ratio": cached_ms / bare_ms,
        "cli_uncached_ms": statistics.median(times["uncached"]),
        "cli_uncached_p99_ms": _percentile(times["uncached"], 0.99),
        "cli_runs": runs,
        "cli_command": " ".join(Path(approvals[0]).name if i == 0 else a for i, a in enumerate(approvals)),
    }


def _write_policies(folder: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from tests.generated_policies import chained_policy, policy_yaml, random_policy

    paths = {}
    for name, policy in (("generated", random_policy(64, 300, 600, seed=0)), ("chain", chained_policy(2000, 8))):
        path = folder / name / "1.0.yaml"
        path.parent.mkdir()
        path.write_text(policy_yaml(policy), encoding="utf-8")
        paths[name] = path
    return paths


def bench_large_policies(runs: int) -> dict:
    """`workreg check` and the first uncached `workreg approvals` of five kinds on the generated policies."""
    results: dict = {"large_runs": runs}
    kinds = [f"kind_{i}" for i in range(5)]
    with tempfile.TemporaryDirectory(prefix="workreg-bench-policies-") as folder:
        paths = _write_policies(Path(folder))
        env = child_env("off")
        for name, path in paths.items():
            check = workreg_command() + ["check", str(path)]
            approvals = workreg_command() + ["approvals", "--policy", str(path), *kinds]
            _run_ms(check, env)  # bytecode of the modules check needs
            checks, answers = [], []
            for _ in range(runs):
                checks.append(_run_ms(check, env))
                answers.append(_run_ms(approvals, env))
            results[f"{name}_check_ms"] = statistics.median(checks)
            results[f"{name}_approvals_ms"] = statistics.median(answers)
            results[f"{name}_bytes"] = path.stat().st_size
    return results


def _timer_cost(clock=time.perf_counter_ns) -> float:
    costs = []
    for _ in range(20_000):
        start = clock()
        costs.append(clock() - start)
    return statistics.median(costs)


def _first_decisions(table: dict, combos: list[tuple[str, ...]], rounds: int, cost: float) -> list[float]:
    from workreg.policy.decide import CompiledPolicy

    clock = time.perf_counter_ns
    samples = []
    for _ in range(rounds):
        policy = CompiledPolicy(table)  # nothing derived yet: every decision below is a first one
        for combo in combos:
            start = clock()
            policy.decide(combo)
            samples.append(clock() - start - cost)
    return samples


def bench_first_decision(rounds: int) -> dict:
    """A combination's first decision: DSP4003 1.2.0's 255 combinations, and 500 of the 64-kind policy."""
    sys.path.insert(0, str(ROOT))
    from tests.generated_policies import policy_yaml, random_policy
    from workreg.policy.compile import compile_policy
    from workreg.policy.load import load_policy_text
    from workreg.policy.registry import get_policy

    cost = _timer_cost()
    shipped = get_policy("dsp4003@1.2.0")
    combos = [c for n in range(1, len(shipped.kinds) + 1) for c in itertools.combinations(shipped.kinds, n)]
    dsp = _first_decisions(shipped.table, combos, rounds, cost)
    generated = compile_policy(load_policy_text(policy_yaml(random_policy(64, 300, 600, seed=0)), "generated.yaml"))
    rng = random.Random(0)
    kinds = list(generated["kinds"])
    picks = [tuple(rng.sample(kinds, rng.randint(1, 5))) for _ in range(500)]
    large = _first_decisions(generated, picks, max(1, rounds // 2), cost)
    return {
        "first_decide_median_us": statistics.median(dsp) / 1000,
        "first_decide_p99_us": _percentile(dsp, 0.99) / 1000,
        "first_decide_generated_median_us": statistics.median(large) / 1000,
        "first_decide_generated_p99_us": _percentile(large, 0.99) / 1000,
        "first_decide_rounds": rounds,
    }
