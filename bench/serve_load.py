"""Load test of ``workreg serve`` on loopback: N concurrent clients posting approvals, decision log on.

Starts ``workreg serve`` (one uvicorn worker, a fresh SQLite database, ``--public-read``) on
127.0.0.1 and a free port, waits until it answers, then runs ``clients`` keep-alive connections
that each post ``POST /v1/approvals`` requests (cycling through every combination of change kinds)
until ``requests`` have been answered or ``seconds`` have passed, whichever comes first.  It
reports decisions per second, p50 and p99 latency, stops the server (SIGINT: the log writer
drains) and counts the rows of the decision log: every answered decision must be there.

Loopback only, bounded in count and time, and it stops by itself.  Targets on the 2-core machine:
>= 1,500 decisions/s and p99 <= 25 ms at 32 clients.

    python bench/serve_load.py                    # 32 clients, up to 30,000 requests or 20 s
    python bench/serve_load.py --clients 8 --requests 5000 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only: this benchmark never sends traffic anywhere else
TARGETS = {"serve_decisions_per_s": 1500.0, "serve_p99_ms": 25.0}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _bodies() -> list[bytes]:
    """One request body per combination of the shipped policy's change kinds."""
    sys.path.insert(0, str(ROOT))
    from workreg.policy.registry import get_policy

    kinds = get_policy("dsp4003@1.2.0").kinds
    combos = [c for n in range(1, len(kinds) + 1) for c in itertools.combinations(kinds, n)]
    return [json.dumps({"changes": list(c)}).encode() for c in combos]


def _request(body: bytes, port: int) -> bytes:
    return (f"POST /v1/approvals HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _client(port: int, requests: list[bytes], state: dict, deadline: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    clock = time.perf_counter
    try:
        for request in itertools.cycle(requests):
            if state["left"] <= 0 or clock() >= deadline:
                return
            state["left"] -= 1
            start = clock()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(clock() - start)
            state["ok" if status == 200 else "failed"] += 1
    finally:
        writer.close()


async def _load(port: int, clients: int, count: int, seconds: float, bodies: list[bytes]) -> dict:
    requests = [_request(body, port) for body in bodies]
    state = {"left": count, "ok": 0, "failed": 0}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, requests[i::clients] or requests, state, deadline, latencies)
                           for i in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"serve_clients": clients, "serve_answered": state["ok"], "serve_failed": state["failed"],
            "serve_seconds": elapsed, "serve_decisions_per_s": state["ok"] / elapsed,
            "serve_p50_ms": pct(0.50), "serve_p99_ms": pct(0.99)}


def _run(coroutine):
    """Run the clients on uvloop when it is installed (cheaper per request, so the server gets the CPU)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _wait_ready(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"workreg serve exited early: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("workreg serve did not answer in time")


def bench_serve(clients: int = 32, requests: int = 30_000, seconds: float = 20.0, log_fsync: bool = False) -> dict:
    """Run the load test against a fresh ``workreg serve``; the results, with the log's row count."""
    workreg = Path(sys.executable).with_name("workreg")
    command = [str(workreg)] if workreg.exists() else [sys.executable, "-m", "workreg"]
    bodies = _bodies()
    with tempfile.TemporaryDirectory(prefix="workreg-serve-bench-") as folder:
        db = os.path.join(folder, "bench.db")
        port = _free_port()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        process = subprocess.Popen([*command, "serve", "--db", db, "--host", HOST, "--port", str(port),
                                    "--public-read", *(["--log-fsync"] if log_fsync else [])],
                                   stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
        try:
            _wait_ready(port, process)
            _run(_load(port, min(clients, 4), min(requests, 2000), 5.0, bodies))  # warm up: every answer once
            with sqlite3.connect(db) as connection:
                before = connection.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
            results = _run(_load(port, clients, requests, seconds, bodies))
        finally:
            process.send_signal(signal.SIGINT)  # graceful: uvicorn finishes, the log writer drains
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with sqlite3.connect(db) as connection:
            after = connection.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    results["serve_logged"] = after - before
    results["serve_lost"] = results["serve_answered"] - results["serve_logged"]
    results["serve_log_fsync"] = log_fsync
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=30_000, help="stop after this many answers")
    parser.add_argument("--seconds", type=float, default=20.0, help="stop after this long")
    parser.add_argument("--log-fsync", action="store_true", help="serve with --log-fsync (a disk flush per batch)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = bench_serve(args.clients, min(args.requests, 1_000_000), min(args.seconds, 300.0), args.log_fsync)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        r = results
        print(f"{r['serve_clients']} clients, {r['serve_answered']:,} decisions in {r['serve_seconds']:.1f} s: "
              f"{r['serve_decisions_per_s']:,.0f}/s (target >= 1,500), p50 {r['serve_p50_ms']:.1f} ms, "
              f"p99 {r['serve_p99_ms']:.1f} ms (target <= 25 ms); failed {r['serve_failed']}; "
              f"logged {r['serve_logged']:,}, lost {r['serve_lost']}")
    ok = (results["serve_lost"] == 0 and results["serve_failed"] == 0
          and results["serve_decisions_per_s"] >= TARGETS["serve_decisions_per_s"]
          and results["serve_p99_ms"] <= TARGETS["serve_p99_ms"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
