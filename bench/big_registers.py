"""Large synthetic work registers for the diff benchmark and the diff's complexity tests, and the
register pipeline's benchmark rows (``bench_big_registers``, ``big_register_rows``: bench/run.py
prints them; ``python bench/big_registers.py [--quick]`` prints them alone).

``register_pair(lines, modified)`` writes two versions of one register in the DMTF template: the
ESA fixture's sections, with ``lines`` activities, a tenth as many milestones and contacts,
where the new version edits ``modified`` of those lines (a word or two changed, as a real
revision does), drops a few and adds a few.  ``repeated=True`` makes most lines the same text,
the other shape that made a line-by-line diff quadratic.  Seeded: the same inputs every run.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

WORDS = (
    "joint Redfish SPDM PMCI storage profile plugfest workshop specification schema conformance test "
    "interoperability security telemetry firmware update management model events alignment review "
    "publish liaison members webinar whitepaper mapping tooling validator registry sessions annual "
    "quarterly working group forum committee partner industry adoption reference implementation"
).split()


def _sentence(rng: random.Random, number: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return f"{' '.join(words).capitalize()} (item {number})"


def _edit(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words) - 2)] = rng.choice(WORDS)
    return " ".join(words)


def register_texts(lines: int, modified: int, *, repeated: bool = False, seed: int = 4003) -> tuple[str, str]:
    """The old and new text of a register with ``lines`` activity lines, ``modified`` of them edited."""
    rng = random.Random(seed)
    if repeated:
        activities = [_sentence(rng, n) if n % 10 == 0 else "Joint Redfish plugfests" for n in range(lines)]
    else:
        activities = [_sentence(rng, n) for n in range(lines)]
    milestones = [(f"{_sentence(rng, n)} deliverable", f"Q{n % 4 + 1} {2020 + n % 9}") for n in range(lines // 10)]
    contacts = [(f"Person {n} Name{n}", f"person{n}@example.org") for n in range(lines // 10)]

    new_activities = list(activities)
    for index in rng.sample(range(lines), min(modified, lines)):
        new_activities[index] = _edit(rng, new_activities[index])
    new_milestones = [(_edit(rng, d) if rng.random() < 0.2 else d, t) for d, t in milestones]
    new_contacts = [(name, email.replace("example.org", "example.com") if rng.random() < 0.1 else email)
                    for name, email in contacts]
    removed = set(rng.sample(range(lines), min(lines // 50, lines)))
    new_activities = [a for n, a in enumerate(new_activities) if n not in removed]
    new_activities += [_sentence(rng, lines + n) for n in range(lines // 50)]
    return (_text("1.0", activities, milestones, contacts), _text("1.1", new_activities, new_milestones, new_contacts))


def _text(version: str, activities, milestones, contacts) -> str:
    out = ["Example Storage Alliance (ESA) / DMTF Work Register", f"Version {version}", "Date Initiated: 01/10/2020",
           "", "Alliance Organizations", "", "Example Storage Alliance (ESA) and the Distributed Management Task "
           "Force (DMTF)", "", "Alliance Partnership Benefits", "", "- Ensure the DMTF and ESA standards are aligned",
           "", "Activities", ""]
    out += [f"- {activity}" for activity in activities]
    out += ["", "Milestones / Dates", "", "Milestone/Deliverables\tTimeframe"]
    out += [f"{deliverable}\t{timeframe}" for deliverable, timeframe in milestones]
    out += ["", "Access", "", "- Redfish Specification (public)", "", "Work Register Review Date", "",
            "The next review date is expected to be January 2022.", "",
            "Resources Identified / Points of Contact:", "", "ESA:", ""]
    out += [f"- {name}, {email}" for name, email in contacts]
    out += ["", "DMTF:", "", "- John Doe, VP of Alliances (vp-alliances@dmtf.org)", "",
            "Corresponding Alliance Partner Document", "", "There are no corresponding documents created by ESA.", "",
            "Approval by the DMTF Board of Directors", "", "Board Resolution 2020-03-01 on March 9, 2020.", ""]
    return "\n".join(out)


def register_pair(directory: Path, lines: int, modified: int, *, repeated: bool = False) -> tuple[Path, Path]:
    """Write the two versions as ``old.txt`` and ``new.txt`` in ``directory``."""
    old_text, new_text = register_texts(lines, modified, repeated=repeated)
    old, new = directory / f"old-{lines}.txt", directory / f"new-{lines}.txt"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    return old, new


def lines_for_bytes(size: int) -> int:
    """About how many activity lines make a register of ``size`` bytes."""
    sample = register_texts(1000, 0)[0]
    return max(1, int(1000 * size / len(sample.encode("utf-8"))))


# --- the shapes of the reliability probe (issue 18) ------------------------------------------------

SHARED_WORDS = ("alliance", "redfish", "schema", "profile", "review", "publish",
                "forum", "members", "plugfest", "mapping", "events", "security")


def _frame(activities: list[str], milestone_rows: list[str], version: str = "1.0") -> str:
    out = ["Example Storage Alliance (ESA) / DMTF Work Register", f"Version {version}", "Date Initiated: 01/10/2020",
           "", "Alliance Organizations", "", "Example Storage Alliance (ESA) and the Distributed Management Task "
           "Force (DMTF)", "", "Alliance Partnership Benefits", "", "- Ensure the DMTF and ESA standards are aligned",
           "", "Activities", ""]
    out += activities
    out += ["", "Milestones / Dates", "", "Milestone/Deliverables\tTimeframe", *milestone_rows,
            "", "Access", "", "- Redfish Specification (public)", "", "Work Register Review Date", "",
            "The next review date is expected to be January 2022.", "",
            "Resources Identified / Points of Contact:", "", "ESA:", "", "- Jane Roe, jane@example.org", "",
            "Corresponding Alliance Partner Document", "", "There are no corresponding documents created by ESA.", "",
            "Approval by the DMTF Board of Directors", "", "Board Resolution 2020-03-01 on March 9, 2020.", ""]
    return "\n".join(out)


def many_milestones_texts(rows: int, *, seed: int = 4003) -> tuple[str, str]:
    """Two versions of a register whose milestone table has ``rows`` short rows (about 33 bytes
    each: 300,000 rows make the 10 MB limit), a tenth of them edited in the new version."""
    rng = random.Random(seed)
    old = [f"Deliverable {n} review\tQ{n % 4 + 1} {2020 + n % 9}" for n in range(rows)]
    new = list(old)
    for index in rng.sample(range(rows), rows // 10):
        new[index] = new[index].replace("review", rng.choice(("draft", "publish", "plugfest")))
    return _frame(["- Joint work"], old), _frame(["- Joint work"], new, "1.1")


def shared_vocabulary_texts(lines: int, *, seed: int = 4003) -> tuple[str, str]:
    """Two registers of ``lines`` activity lines, each the same 12 words shuffled (20,000 lines are
    about 2 MB): every line shares every word with every other, so an index of words cannot prune."""
    rng = random.Random(seed)

    def shuffled() -> list[str]:
        result = []
        for _ in range(lines):
            words = list(SHARED_WORDS)
            rng.shuffle(words)
            result.append("- " + " ".join(words))
        return result

    return _frame(shuffled(), []), _frame(shuffled(), [], "1.1")


def huge_word_text(size: int) -> str:
    """A register with one activity line of ``size`` bytes without a space (9 MB: near the limit)."""
    return _frame(["- " + "x" * size], ["Spec review\tQ3 2024"])


# --- benchmark rows ------------------------------------------------------------------------------------

#: Targets (issues 18 and 22), on the 2-core reference machine, ratios within one run.
TARGETS = {
    "diff_5mb_vs_difflib": 3.0,        # CPU of `workreg diff` of a 5 MB pair / CPU of a difflib line diff
    "diff_seeds_vs_bare_python": 5.0,  # wall of `workreg diff` of the OCP seeds / `python -c pass`
    "probe_seconds": 10.0,             # wall of each probe shape at its full size (the limit's largest input)
    "probe_memory_ratio": 40.0,        # (peak RSS - a tiny register's) / bytes of input, each probe shape
}

_DIFFLIB = ("import difflib, sys\n"
            "a = open(sys.argv[1], encoding='utf-8').read().splitlines()\n"
            "b = open(sys.argv[2], encoding='utf-8').read().splitlines()\n"
            "sys.stdout.writelines(difflib.unified_diff(a, b, lineterm='\\n'))\n")


def _child(command: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one child process, its output discarded."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {code}: {error.strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _workreg() -> list[str]:
    script = Path(sys.executable).with_name("workreg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workreg"]


def _env(cache: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["WORKREG_CACHE_DIR"] = cache
    return env


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


_IN_PROCESS = ("import json, sys, time\n"
               "import workreg.api as api\n"
               "from workreg.registers.diff import diff_registers\n"
               "from workreg.registers.read import read_register\n"
               "vocabulary = api.load_vocabulary()\n"
               "start = time.process_time()\n"
               "old = read_register(sys.argv[1], vocabulary=vocabulary)\n"
               "new = read_register(sys.argv[2], vocabulary=vocabulary)\n"
               "read = time.process_time()\n"
               "diff_registers(old, new, vocabulary)\n"
               "diffed = time.process_time()\n"
               "api.diff_registers(old, new, vocabulary=vocabulary)\n"
               "done = time.process_time()\n"
               "print(json.dumps({'read': read - start, 'diff': diffed - read, 'classify': done - diffed}))\n")


def _in_process(old: Path, new: Path, env: dict) -> dict:
    """CPU seconds, in a fresh process after its imports, of reading two registers, diffing them, and
    of ``workreg.api.diff_registers`` on them (the diff again, classification and decision, with the
    imports those load): the part of ``workreg diff`` that is not its start-up."""
    output = subprocess.run([sys.executable, "-c", _IN_PROCESS, str(old), str(new)], env=env, check=True,
                            capture_output=True, text=True).stdout
    import json

    return json.loads(output)


def bench_big_registers(quick: bool = False) -> dict:
    """The register rows: a 5 MB pair against difflib, the seeds' cold start against bare python,
    and the reliability probe's shapes at the largest sizes the limits admit (quick: a tenth)."""
    runs = 3 if quick else 7
    scale = 10 if quick else 1
    command = _workreg()
    results: dict = {"registers_load_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="workreg-bench-registers-") as scratch:
        directory = Path(scratch)
        env = _env(str(directory / "cache"))
        # 5 MB pair (2,000 of its lines edited) against a plain difflib line diff of the same files.
        old, new = register_pair(directory, lines_for_bytes(5 * 1024 * 1024 // scale), 2000 // scale)
        _child(command + ["diff", "--format", "json", str(old), str(new)], env)  # fills the caches
        pairs = [(_child(command + ["diff", "--format", "json", str(old), str(new)], env)[1],
                  _child([sys.executable, "-c", _DIFFLIB, str(old), str(new)], env)[1]) for _ in range(runs)]
        workreg_cpu = statistics.median(cpu for cpu, _ in pairs)
        difflib_cpu = statistics.median(cpu for _, cpu in pairs)
        results.update(diff_5mb_bytes=old.stat().st_size, diff_5mb_cpu_s=workreg_cpu, difflib_5mb_cpu_s=difflib_cpu,
                       diff_5mb_vs_difflib=workreg_cpu / difflib_cpu)
        # Cold start: diff of the OCP seed registers against `python -c pass`, interleaved.
        seed_old, seed_new = SEEDS / "work-register-ocp-1.0-draft1.txt", SEEDS / "work-register-ocp-1.2.txt"
        if seed_old.is_file() and seed_new.is_file():
            # Its in-process part: what the command does after its imports, in a fresh process each.
            inside = [_in_process(seed_old, seed_new, env) for _ in range(runs * 3)]
            results.update({f"diff_seeds_{part}_ms": statistics.median(run[part] for run in inside) * 1000
                            for part in ("read", "diff", "classify")})
            diff_seeds = command + ["diff", str(seed_old), str(seed_new)]
            _child(diff_seeds, env)
            walls = [(_child(diff_seeds, env)[0], _child([sys.executable, "-c", "pass"], env)[0])
                     for _ in range(runs * 3)]
            seeds_ms = statistics.median(wall for wall, _ in walls) * 1000
            bare_ms = statistics.median(wall for _, wall in walls) * 1000
            results.update(diff_seeds_ms=seeds_ms, bare_python_ms=bare_ms, diff_seeds_vs_bare_python=seeds_ms / bare_ms)
        else:
            results["diff_seeds_note"] = f"seed registers not found at {SEEDS}"
        # The probe's shapes, each at the size the 10 MB document limit admits (quick: a tenth).
        probes = []
        # What the interpreter and workreg's modules take before any input: subtracted from each peak.
        tiny = _write(directory, "tiny.txt", huge_word_text(10))
        baseline = min(_child(command + ["show", "--format", "json", str(tiny)], env)[2] for _ in range(3))
        results["registers_baseline_mib"] = baseline
        shapes = [
            ("diff, 300,000 milestone rows (10 MB)", "diff", many_milestones_texts(300_000 // scale)),
            ("diff, 20,000 lines of the same 12 words (2 MB)", "diff", shared_vocabulary_texts(20_000 // scale)),
            ("show --format json, a 9 MB line without spaces", "show", (huge_word_text(9 * 1024 * 1024 // scale),)),
        ]
        for name, verb, texts in shapes:
            paths = [_write(directory, f"{verb}-{index}-{len(texts[0])}.txt", text) for index, text in enumerate(texts)]
            wall, cpu, rss = min(_child(command + [verb, "--format", "json", *map(str, paths)], env)
                                 for _ in range(1 if quick else 2))
            size = sum(path.stat().st_size for path in paths)
            probes.append({"name": name if not quick else f"{name}, a tenth", "bytes": size, "wall_s": wall,
                           "cpu_s": cpu, "peak_mib": rss, "memory_ratio": max(rss - baseline, 0) * 1048576 / size})
        results["register_probes"] = probes
    results["registers_load_end"] = os.getloadavg()[0]
    return results


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def big_register_rows(r: dict) -> list[tuple[str, str, str, str]]:
    """The register rows of the benchmark table: (measure, result, target, verdict)."""
    rows = [
        (f"workreg diff --format json of a {r['diff_5mb_bytes'] / 1048576:.1f} MB register pair, CPU",
         f"{r['diff_5mb_cpu_s']:.2f} s", "", ""),
        ("  difflib line diff of the same files, CPU", f"{r['difflib_5mb_cpu_s']:.2f} s", "", ""),
        ("diff of a 5 MB register pair / difflib line diff" + (" (--quick: a tenth)" if r["diff_5mb_bytes"] < 4e6 else ""),
         f"{r['diff_5mb_vs_difflib']:.1f}×",
         f"≤ {TARGETS['diff_5mb_vs_difflib']:.0f}×", _verdict(r["diff_5mb_vs_difflib"], TARGETS["diff_5mb_vs_difflib"])),
    ]
    if "diff_seeds_ms" in r:
        rows += [
            ("workreg diff of the OCP seed registers (cold start), median", f"{r['diff_seeds_ms']:.0f} ms", "", ""),
            ("  / bare `python -c pass`", f"{r['diff_seeds_vs_bare_python']:.1f}×",
             f"≤ {TARGETS['diff_seeds_vs_bare_python']:.0f}×",
             _verdict(r["diff_seeds_vs_bare_python"], TARGETS["diff_seeds_vs_bare_python"])),
            ("  in-process CPU after imports, median: read both + diff + api.diff_registers (diff, classify, decide)",
             f"{r['diff_seeds_read_ms']:.0f} + {r['diff_seeds_diff_ms']:.0f} + {r['diff_seeds_classify_ms']:.0f} ms",
             "", ""),
        ]
    else:
        rows.append(("workreg diff of the OCP seed registers", r["diff_seeds_note"], "", ""))
    for probe in r["register_probes"]:
        rows.append((f"{probe['name']}", f"{probe['wall_s']:.1f} s", f"≤ {TARGETS['probe_seconds']:.0f} s",
                     _verdict(probe["wall_s"], TARGETS["probe_seconds"])))
        rows.append(("  CPU, peak memory (growth × input)",
                     f"{probe['cpu_s']:.1f} s, {probe['peak_mib']:.0f} MiB ({probe['memory_ratio']:.0f}×)",
                     f"≤ {TARGETS['probe_memory_ratio']:.0f}×",
                     _verdict(probe["memory_ratio"], TARGETS["probe_memory_ratio"])))
    return rows


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description="The register pipeline's benchmark rows.")
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, fewer runs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = bench_big_registers(args.quick)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    rows = big_register_rows(results)
    width = max(len(row[0]) for row in rows)
    for name, value, target, verdict in rows:
        print(f"{name.ljust(width)}  {value:>24}  {target:<8} {verdict}".rstrip())
    print(f"(load average {results['registers_load_start']:.1f} at start, {results['registers_load_end']:.1f} at end "
          f"on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
