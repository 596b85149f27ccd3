"""How ``workreg registers`` grows with the number of files: 300 and 3,000 registers of 60 partners.

Each file is a copy of a fixture register under another partner's name and version (so superseding
has work to do: every partner has 5 or 50 versions).  The target (issue 21): 3,000 files in at most
15x the time of 300 (about n log n; it was quadratic, 30x).  Prints both times, their ratio and the
machine's load average.

    python bench/portfolio_scale.py            # 300 and 3,000 files
    python bench/portfolio_scale.py --small 100 --large 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "registers" / "esa-1.1.txt"
PARTNERS = 60
TARGET_RATIO = 15.0


def _write(folder: Path, count: int) -> list[str]:
    text = FIXTURE.read_text(encoding="utf-8")
    files = []
    for index in range(count):
        partner = f"P{index % PARTNERS:02d}"
        path = folder / f"register-{index:05d}.txt"
        path.write_text(text.replace("ESA", partner).replace("Example Storage Alliance", f"Partner {partner}"),
                        encoding="utf-8")
        files.append(str(path))
    return files


def _time(files: list[str]) -> float:
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from workreg.api import register_portfolio

    start = time.perf_counter()
    result, failures = register_portfolio(files, today=date(2026, 11, 21))
    elapsed = time.perf_counter() - start
    assert not failures and len(result.rows) == len(files)
    return elapsed


def bench_portfolio(small: int = 300, large: int = 3000) -> dict:
    with tempfile.TemporaryDirectory(prefix="workreg-portfolio-") as scratch:
        folders = Path(scratch) / "small", Path(scratch) / "large"
        for folder in folders:
            folder.mkdir()
        small_files, large_files = _write(folders[0], small), _write(folders[1], large)
        _time(small_files[:10])  # warm up: imports, the policy's review cycle
        load = os.getloadavg()[0]
        small_s, large_s = _time(small_files), _time(large_files)
    return {"portfolio_small_files": small, "portfolio_small_s": small_s, "portfolio_large_files": large,
            "portfolio_large_s": large_s, "portfolio_ratio": large_s / small_s,
            "machine_load_1min": max(load, os.getloadavg()[0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=300)
    parser.add_argument("--large", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = bench_portfolio(args.small, args.large)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"workreg registers: {r['portfolio_small_files']:,} files {r['portfolio_small_s']:.2f} s, "
              f"{r['portfolio_large_files']:,} files {r['portfolio_large_s']:.2f} s: {r['portfolio_ratio']:.1f}x "
              f"(target <= {TARGET_RATIO:g}x for 10x the files); load average {r['machine_load_1min']:.2f}")
    # 15x for 10x the files; the same allowance per decade of growth for other sizes
    return 0 if r["portfolio_ratio"] <= TARGET_RATIO * (args.large / args.small) / 10 else 1


if __name__ == "__main__":
    sys.exit(main())
