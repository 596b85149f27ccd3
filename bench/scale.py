"""Timings that show the cost grows with the policy: cold starts, large policies, first decisions.

- cold starts, interleaved in fresh processes: a bare ``python -c pass``, ``workreg approvals
  scope_extension`` with its compiled policy cached, and the same uncached (``WORKREG_CACHE_DIR=off``:
  read, validate, compile, decide); ``workreg render dsp4003`` (DOT), ``workreg diff`` of the OCP
  seed registers and ``workreg analyze dsp4003@1.2.0 --properties ...``, cached;
- large generated policies (tests/generated_policies.py, written to a temporary folder): 64
  change kinds, 300 steps and 600 precedence edges; and 2,000 chained steps: ``workreg check`` and
  the first, uncached ``workreg approvals`` of five kinds;
- a combination's first decision (a fresh compiled policy each round, its indexes built untimed,
  every combination once) for DSP4003 1.2.0 and for a generated policy of 64 kinds, 3,000 steps
  and 6,000 edges, some scoped to kinds; and each DSP4003 combination asked of its own fresh
  policy, so that nothing another decision derived is reused;
- ``workreg check`` of generated policies of 1,500 and 6,000 steps (the check should grow about
  linearly).

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


#: The least an uncached start does with the project's chosen validators, before any of workreg's
#: own code: import PyYAML and pydantic, parse a line of YAML with libyaml's loader (as workreg
#: reads YAML) and validate it with a one-field model.
VALIDATOR_FLOOR = (
    "import yaml, pydantic\n"
    "class Floor(pydantic.BaseModel):\n"
    "    x: int\n"
    "Floor.model_validate(yaml.load('x: 1', Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader)))\n"
)


def bench_cold_starts(runs: int) -> dict:
    """Bare python, cached and uncached `workreg approvals scope_extension`, `workreg render dsp4003`
    (DOT to stdout), `workreg diff` of the OCP seed registers (when ../shared/seeds has them) and
    `workreg analyze dsp4003@1.2.0 --properties ...`, interleaved round by round."""
    approvals = workreg_command() + ["approvals", "scope_extension"]
    render = workreg_command() + ["render", "dsp4003"]
    analyze = workreg_command() + ["analyze", "dsp4003@1.2.0", "--properties",
                                   str(ROOT / "policies" / "dsp4003" / "properties.yaml")]
    seeds = ROOT.parent / "shared" / "seeds"
    seed_old, seed_new = seeds / "work-register-ocp-1.0-draft1.txt", seeds / "work-register-ocp-1.2.txt"
    diff = workreg_command() + ["diff", str(seed_old), str(seed_new)] if seed_old.is_file() and seed_new.is_file() else None
    bare = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory(prefix="workreg-bench-cache-") as cache:
        cached_env, uncached_env = child_env(cache), child_env("off")
        commands = {"bare": (bare, cached_env), "cached": (approvals, cached_env), "uncached": (approvals, uncached_env),
                    "floor": ([sys.executable, "-c", VALIDATOR_FLOOR], cached_env),
                    "render": (render, cached_env), "analyze": (analyze, cached_env)}
        if diff is not None:
            commands["diff"] = (diff, cached_env)
        for command, env in commands.values():  # fills the caches and writes bytecode
            _run_ms(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (command, env) in commands.items():
                times[name].append(_run_ms(command, env))
    median = {name: statistics.median(values) for name, values in times.items()}
    bare_ms, cached_ms = median["bare"], median["cached"]
    results = {
        "cli_uncached_ratio": median["uncached"] / bare_ms,
        "render_ms": median["render"],
        "render_ratio": median["render"] / bare_ms,
        "load_cold_starts": os.getloadavg()[0],
        "python_bare_ms": bare_ms,
        "cli_cold_start_ms": cached_ms,
        "cli_cold_start_p99_ms": _percentile(times["cached"], 0.99),
        "cli_cold_start_ratio": cached_ms / bare_ms,
        "cli_uncached_ms": median["uncached"],
        "cli_uncached_p99_ms": _percentile(times["uncached"], 0.99),
        "validator_floor_ms": median["floor"],
        "validator_floor_ratio": median["floor"] / bare_ms,
        "cli_uncached_beyond_floor_ms": median["uncached"] - median["floor"],
        "cli_runs": runs,
        "cli_command": " ".join(Path(approvals[0]).name if i == 0 else a for i, a in enumerate(approvals)),
        # Issue 23's target excludes the interpreter's own start-up: the same run's bare python is subtracted.
        "analyze_cli_ms": median["analyze"],
        "analyze_cli_cold_ms": median["analyze"] - bare_ms,
    }
    if diff is not None:
        results.update(diff_seeds_cold_ms=median["diff"], diff_seeds_cold_ratio=median["diff"] / bare_ms)
    else:
        results["diff_seeds_cold_note"] = f"n/a (seed registers not found at {seeds})"
    return results


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
    """`workreg check` and the first uncached `workreg approvals` of five kinds on the generated
    policies; `workreg check` of 1,500- and 6,000-step policies (their ratio)."""
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
        results.update(_check_growth(Path(folder), env, runs))
    results["load_large"] = os.getloadavg()[0]
    return results


def _check_growth(folder: Path, env: dict, runs: int) -> dict:
    """`workreg check` of generated policies of 1,500 and 6,000 steps (twice the edges each)."""
    from tests.generated_policies import policy_yaml, random_policy

    times = {}
    for steps in (1500, 6000):
        path = folder / f"check{steps}" / "1.0.yaml"
        path.parent.mkdir()
        path.write_text(policy_yaml(random_policy(64, steps, 2 * steps, seed=0, name=f"check{steps}")), encoding="utf-8")
        try:
            times[steps] = statistics.median(_run_ms(workreg_command() + ["check", str(path)], env) for _ in range(runs))
        except RuntimeError as exc:  # e.g. past the policy size limit
            last = str(exc).strip().splitlines()[-1]
            return {"check_growth_note": f"n/a ({steps:,} steps: {last.split(': ', 1)[-1][:70]})"}
    return {"check_1500_ms": times[1500], "check_6000_ms": times[6000], "check_growth_ratio": times[6000] / times[1500]}


def _timer_cost(clock=time.perf_counter_ns) -> float:
    costs = []
    for _ in range(20_000):
        start = clock()
        costs.append(clock() - start)
    return statistics.median(costs)


def _first_decisions(form, combos: list[tuple[str, ...]], rounds: int, cost: float) -> tuple[list[float], list[float], int]:
    """Per round a fresh compiled policy (its indexes built, untimed), then each combination once:
    every decision timed is the first that policy is asked of that combination.  Also the
    preparation's own time per round and the answers' size (gates, steps and order edges)."""
    from workreg.policy.decide import CompiledPolicy

    clock = time.perf_counter_ns
    samples, prepare = [], []
    size = 0
    for _ in range(rounds):
        start = clock()
        policy = CompiledPolicy(form).prepare()
        prepare.append(clock() - start - cost)
        for combo in combos:
            start = clock()
            decision = policy.decide(combo)
            samples.append(clock() - start - cost)
        size = sum(len(d.required) + len(d.steps) + len(d.order) for d in (policy.decide(c) for c in combos))
    return samples, prepare, size


def _lone_decisions(form, combos: list[tuple[str, ...]], cost: float) -> list[float]:
    """Each combination asked of its own fresh compiled policy (indexes built, untimed): nothing
    another decision derived can be reused, as in a process that answers one question."""
    from workreg.policy.decide import CompiledPolicy

    clock = time.perf_counter_ns
    samples = []
    for combo in combos:
        policy = CompiledPolicy(form).prepare()
        start = clock()
        policy.decide(combo)
        samples.append(clock() - start - cost)
    return samples


#: The generated policy of the scale row: 64 change kinds, 3,000 steps, 6,000 precedence edges, some
#: scoped to kinds or readings (tests/generated_policies.py, ``scoped=True``).
GENERATED = {"kinds": 64, "steps": 3000, "edges": 6000, "seed": 0, "scoped": True}


def bench_first_decision(rounds: int) -> dict:
    """A combination's first decision: DSP4003 1.2.0's 255 combinations, and 500 of 1-5 kinds of the
    generated 64-kind, 3,000-step policy; each round a fresh compiled policy."""
    sys.path.insert(0, str(ROOT))
    from tests.generated_policies import policy_yaml, random_policy
    from workreg.policy.compile import compile_policy
    from workreg.policy.load import load_policy_text
    from workreg.policy.registry import get_policy

    cost = _timer_cost()
    shipped = get_policy("dsp4003@1.2.0")
    combos = [c for n in range(1, len(shipped.kinds) + 1) for c in itertools.combinations(shipped.kinds, n)]
    dsp, dsp_prepare, dsp_size = _first_decisions(shipped.form, combos, rounds, cost)
    lone = _lone_decisions(shipped.form, combos, cost)
    load_dsp = os.getloadavg()[0]
    text = policy_yaml(random_policy(GENERATED["kinds"], GENERATED["steps"], GENERATED["edges"],
                                     seed=GENERATED["seed"], scoped=GENERATED["scoped"]))
    generated = compile_policy(load_policy_text(text, "generated.yaml"))
    rng = random.Random(0)
    kinds = [kind.id for kind in generated.kinds]
    picks = [tuple(rng.sample(kinds, rng.randint(1, 5))) for _ in range(500)]
    large, large_prepare, large_size = _first_decisions(generated, picks, max(1, rounds // 4), cost)
    dsp_median, large_median = statistics.median(dsp) / 1000, statistics.median(large) / 1000
    dsp_p99, large_p99 = _percentile(dsp, 0.99) / 1000, _percentile(large, 0.99) / 1000
    return {
        "first_decide_median_us": dsp_median,
        "first_decide_p99_us": dsp_p99,
        "first_decide_lone_median_us": statistics.median(lone) / 1000,
        "first_decide_lone_p99_us": _percentile(lone, 0.99) / 1000,
        "first_decide_prepare_us": statistics.median(dsp_prepare) / 1000,
        "first_decide_items": dsp_size / len(combos),
        "load_first_decide": load_dsp,
        "first_decide_generated_median_us": large_median,
        "first_decide_generated_p99_us": large_p99,
        "first_decide_generated_prepare_ms": statistics.median(large_prepare) / 1e6,
        "first_decide_generated_items": large_size / len(picks),
        "first_decide_generated_median_ratio": large_median / dsp_median,
        "first_decide_generated_p99_ratio": large_p99 / dsp_p99,
        "load_first_decide_generated": os.getloadavg()[0],
        "first_decide_rounds": rounds,
    }
