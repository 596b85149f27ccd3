"""In-process timings of the register and policy workloads: diff, lint, compare.

Each returns a dict of results for bench/run.py; a workload whose inputs or feature are absent
returns a note instead of numbers, so the benchmark runs everywhere.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE_REGISTERS = ROOT / "tests" / "fixtures" / "registers"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _forget_text_keys() -> None:
    # diff caches normalised texts per process; clear it so every run pays the full cost,
    # as a one-shot `workreg diff` does.
    from workreg.registers import diff

    diff.forget_texts()


def diff_pair() -> tuple[Path, Path, str]:
    """The two register versions to diff: OCP 1.0 draft 1 -> 1.2 from the seeds, else the ESA fixtures."""
    old, new = SEEDS / "work-register-ocp-1.0-draft1.txt", SEEDS / "work-register-ocp-1.2.txt"
    if old.is_file() and new.is_file():
        return old, new, "OCP 1.0 draft 1 -> 1.2 (seeds)"
    return (FIXTURE_REGISTERS / "esa-1.0.txt", FIXTURE_REGISTERS / "esa-1.1.txt",
            "ESA 1.0 -> 1.1 (fixtures; ../shared/seeds absent)")


def bench_diff(runs: int) -> dict:
    """read + diff + classify + decide of two registers, as `workreg diff` does it, in ms."""
    from workreg.registers.classify import classify_changes, decide_changes
    from workreg.registers.diff import diff_registers
    from workreg.registers.read import read_register
    from workreg.registers.vocabulary import load_vocabulary
    from workreg.policy.registry import get_policy

    old_path, new_path, label = diff_pair()
    policy = get_policy("dsp4003@1.2.0")
    vocabulary = load_vocabulary()

    def once():
        old = read_register(old_path, vocabulary=vocabulary)
        new = read_register(new_path, vocabulary=vocabulary)
        changes = classify_changes(diff_registers(old, new, vocabulary), policy)
        return changes, decide_changes(changes, policy, vocabulary)

    changes, _ = once()  # first run loads durable_rules, the vocabulary and the policy: not timed
    times = []
    for _ in range(runs):
        _forget_text_keys()
        start = time.perf_counter()
        once()
        times.append((time.perf_counter() - start) * 1000)
    return {"diff_ms": statistics.median(times), "diff_p99_ms": _percentile(times, 0.99),
            "diff_runs": runs, "diff_changes": len(changes), "diff_input": label}


def lint_inputs() -> list[Path]:
    """Register documents to lint: the seed registers and the fixture registers that are registers."""
    paths = sorted(SEEDS.glob("work-register-*.txt")) if SEEDS.is_dir() else []
    paths += sorted(p for p in FIXTURE_REGISTERS.iterdir() if p.name != "not-a-register.txt")
    return paths


def bench_lint(count: int) -> dict:
    """``count`` reads + lints, cycling over the inputs (each a fresh read of the file); total and per file."""
    from datetime import date

    from workreg.registers.lint import lint_register
    from workreg.registers.read import read_register
    from workreg.registers.vocabulary import load_vocabulary

    paths = lint_inputs()
    vocabulary = load_vocabulary()
    today = date(2026, 11, 21)
    for path in paths:  # warm imports
        lint_register(read_register(path, vocabulary=vocabulary), today=today, file=str(path))
    findings = 0
    start = time.perf_counter()
    for n in range(count):
        path = paths[n % len(paths)]
        findings += len(lint_register(read_register(path, vocabulary=vocabulary), today=today, file=str(path)))
    total = time.perf_counter() - start
    return {"lint_registers": count, "lint_total_s": total, "lint_per_register_ms": total / count * 1000,
            "lint_findings": findings, "lint_inputs": len(paths)}


def bench_compare(runs: int, old: str = "dsp4003@1.1", new: str = "dsp4003@1.2.0") -> dict:
    """`workreg compare OLD NEW` in-process (through the CLI, so any compare API fits), in ms."""
    from workreg.cli import main

    def once() -> int:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(["compare", old, new])
        if code not in (0, 1):
            raise RuntimeError(f"workreg compare {old} {new} exited {code}: {err.getvalue().strip()}")
        return code

    once()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        times.append((time.perf_counter() - start) * 1000)
    return {"compare_ms": statistics.median(times), "compare_p99_ms": _percentile(times, 0.99),
            "compare_runs": runs, "compare_note": f"{old} vs {new}"}


def _run_child(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one child process, its output discarded."""
    import os
    import subprocess

    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {child.returncode}: {error.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench_diff_growth(command: list[str], quick: bool) -> dict:
    """``workreg diff`` of large synthetic registers, each in a fresh process: 1k, 2k, 4k and 8k
    activity lines with every line edited (2k is the "2,000 modified lines" target), and two
    registers of about 5 MB with 2,000 edits.  Wall time, CPU time and peak memory per row."""
    import tempfile

    from bench.big_registers import lines_for_bytes, register_pair

    sizes = [(1000, 1000), (2000, 2000), (4000, 4000), (8000, 8000)]
    sizes.append((lines_for_bytes(5 * 1024 * 1024), 2000))
    rows = []
    with tempfile.TemporaryDirectory(prefix="workreg-bench-") as scratch:
        for lines, modified in sizes:
            old, new = register_pair(Path(scratch), lines, modified)
            runs = [_run_child(command + ["diff", str(old), str(new)]) for _ in range(1 if quick else 3)]
            wall, cpu, rss = min(runs)  # the least disturbed run
            rows.append({"lines": lines, "modified": modified, "bytes": old.stat().st_size,
                         "wall_s": wall, "cpu_s": cpu, "peak_mib": rss})
    return {"diff_growth": rows}
