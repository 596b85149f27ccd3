"""The bad-input shapes at the outside probe's full sizes: `workreg check` and `approvals`, time and peak memory.

Each row runs the command in a fresh process on a file from tests/bad_shapes.py and reports its
wall time, CPU time and peak resident memory (the process's VmHWM), next to the file's size.
Issue 22's target (``check`` of a 6,000-step policy within 4.5x the 1,500-step one) is a ratio of
CPU times measured in the same run.

    python bench/bad_inputs.py           # the full sizes (a minute or two)
    python bench/bad_inputs.py --quick   # a tenth of them
    python bench/bad_inputs.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: check(6,000 steps) / check(1,500 steps), CPU time: issue 22's target.
CHECK_RATIO_TARGET = 4.5


def _shapes(scale: float) -> list[tuple[str, str, str]]:
    """(row name, file name, text) for each shape at ``scale`` times the probe's size."""
    sys.path.insert(0, str(ROOT))
    from tests import bad_shapes

    def n(value: int) -> int:
        return max(10, int(value * scale))

    return [
        (f"{n(20_000):,} unknown fields", "unknown.yaml", bad_shapes.many_unknown_fields(n(20_000))),
        (f"{n(1_000):,} misspelt requires on {n(3_000):,} steps", "typos.yaml", bad_shapes.many_typos(n(3_000), n(1_000))),
        (f"one parallel group of {n(9_000):,} steps", "group.yaml", bad_shapes.huge_parallel_group(n(9_000))),
        (f"one chained group of {n(3_000):,} steps", "chain.yaml", bad_shapes.huge_parallel_group(n(3_000), every=1)),
        (f"{n(1_500):,} chained steps, a group per 20", "steps-small.yaml", bad_shapes.many_steps(n(1_500))),
        (f"{n(6_000):,} chained steps, a group per 20", "steps-large.yaml", bad_shapes.many_steps(n(6_000))),
    ]


# The child reports its own high-water mark (VmHWM belongs to the process image, so unlike
# ru_maxrss it does not include the benchmark's memory from before the exec).
_CHILD = """
import atexit, sys
report = sys.argv[1]
def peak():
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv = ["workreg", *sys.argv[2:]]
from workreg.cli import entry_point
entry_point()
"""


def _run(argv: list[str], folder: str) -> dict:
    """Wall and CPU seconds and peak resident memory (MiB) of one `workreg` process."""
    env = {**os.environ, "WORKREG_CACHE_DIR": "off"}  # every run reads, validates and compiles
    report = os.path.join(folder, "peak.txt")
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _CHILD, report, *argv], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    with open(report, encoding="ascii") as peak:
        peak_kib = int(peak.read())
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mib": peak_kib / 1024,
            "exit": os.waitstatus_to_exitcode(status)}


def bench_bad_inputs(quick: bool) -> dict:
    """Every shape through `check` and `approvals`: a row each, and the check ratio of 6,000 to 1,500 steps."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="workreg-bench-shapes-") as folder:
        for name, file, text in _shapes(0.1 if quick else 1.0):
            path = Path(folder) / file
            path.write_text(text, encoding="utf-8")
            for command in (["check", str(path)], ["approvals", "change", "--policy", str(path)]):
                if file.startswith("steps") and command[0] == "approvals":
                    continue  # the chained policies have kinds kind_0..7, and their approvals are bench/scale.py's
                result = _run(command, folder)
                rows.append({"shape": name, "command": command[0], "bytes": len(text.encode("utf-8")), **result})
    small, large = rows[-2]["cpu_s"], rows[-1]["cpu_s"]  # check of the chained steps: 1,500 then 6,000
    return {"bad_input_rows": rows, "check_6000_over_1500": large / small if small else None,
            "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


def table(results: dict) -> str:
    lines = [f"{'shape':<46} {'command':<10} {'size':>9} {'wall':>8} {'CPU':>8} {'peak':>9}  exit"]
    for row in results["bad_input_rows"]:
        lines.append(f"{row['shape']:<46} {row['command']:<10} {row['bytes'] / 1024:>7.0f} KB {row['wall_s']:>7.2f}s "
                     f"{row['cpu_s']:>7.2f}s {row['peak_mib']:>6.0f} MiB  {row['exit']}")
    ratio = results["check_6000_over_1500"]
    if ratio is not None:
        verdict = "ok" if ratio <= CHECK_RATIO_TARGET else "MISSED"
        lines.append(f"check, 6,000 steps / 1,500 steps (CPU): {ratio:.2f}x (target <= {CHECK_RATIO_TARGET}x) {verdict}")
    if results.get("load") is not None:
        lines.append(f"(load average {results['load']:.1f} on {os.cpu_count()} CPUs)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the probe's sizes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = bench_bad_inputs(args.quick)
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
