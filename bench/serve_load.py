"""Load test of ``workreg serve`` the way it is deployed: SQLite or PostgreSQL, 1 or N workers, or a running server.

Scenarios: ``approvals`` (clients post ``POST /v1/approvals``, cycling through every combination of
the shipped policy's change kinds; every answer is a logged decision) and ``case-reads`` (clients
read ``GET /v1/cases/{id}`` of 200 cases opened first).  Each run reports answers per second, p50
and p99 latency, failed requests, the machine's load average beside the figure, and — when this
script started the server — decision-log rows lost (answered but not logged: must be 0) and, on
PostgreSQL, the most connections the server held at once.

``--baseline`` measures a bare Starlette application returning constant JSON on the same uvicorn
set-up: the ceiling the target ``workreg serve >= 0.5x bare`` is measured against.

Loopback only unless ``--url`` names a server; bounded in count and time; stops what it starts.

    python bench/serve_load.py                                    # approvals, SQLite, 1 worker
    python bench/serve_load.py --scenario case-reads --workers 2
    python bench/serve_load.py --db postgresql://postgres@/postgres?host=/tmp --workers 2
    python bench/serve_load.py --url http://10.0.0.5:8080 --token wr_... --scenario case-reads
    python bench/serve_load.py --matrix --db postgresql://...     # every row of docs/deployment.md
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback, unless --url names another server
TARGETS = {"serve_decisions_per_s": 1500.0, "serve_p99_ms": 25.0}
#: Cases a case-reads run opens first (and reads in turn).
READ_CASES = 200


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


def _post(path: str, body: bytes, host: str, port: int, token: str | None = None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n{auth}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _get(path: str, host: str, port: int, token: str | None = None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}\r\n".encode()


async def _client(host: str, port: int, requests: list[bytes], state: dict, deadline: float,
                  latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
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
            state["ok" if status in (200, 201) else "failed"] += 1
    finally:
        writer.close()


async def _load_requests(host: str, port: int, clients: int, count: int, seconds: float,
                         requests: list[bytes]) -> dict:
    state = {"left": count, "ok": 0, "failed": 0}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    await asyncio.gather(*(_client(host, port, requests[i::clients] or requests, state, deadline, latencies)
                           for i in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {"serve_clients": clients, "serve_answered": state["ok"], "serve_failed": state["failed"],
            "serve_seconds": elapsed, "serve_decisions_per_s": state["ok"] / elapsed,
            "serve_p50_ms": pct(0.50), "serve_p99_ms": pct(0.99)}


async def _load(port: int, clients: int, count: int, seconds: float, bodies: list[bytes]) -> dict:
    """Approvals against a server on loopback (what the tests use)."""
    requests = [_post("/v1/approvals", body, HOST, port) for body in bodies]
    return await _load_requests(HOST, port, clients, count, seconds, requests)


def _run(coroutine):
    """Run the clients on uvloop when it is installed (cheaper per request, so the server gets the CPU)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _wait_ready(port: int, process: subprocess.Popen | None, timeout: float = 30.0, host: str = HOST) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"workreg serve exited early: {process.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection((host, port), timeout=0.5) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("workreg serve did not answer in time")


def _command() -> list[str]:
    workreg = Path(sys.executable).with_name("workreg")
    return [str(workreg)] if workreg.exists() else [sys.executable, "-m", "workreg"]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def _count_rows(db: str) -> int:
    sys.path.insert(0, str(ROOT))
    from workreg.serve.log import count_decisions
    from workreg.serve.store import open_serve_store

    with open_serve_store(db) as store:
        return count_decisions(store)


class _ConnectionWatch:
    """The most PostgreSQL connections of one application name seen at once, sampled every 50 ms."""

    def __init__(self, db: str, name: str) -> None:
        self.db, self.name, self.peak = db, name, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        import psycopg

        with psycopg.connect(self.db.split("&application_name=")[0], autocommit=True) as connection:
            while not self._stop.wait(0.05):
                count = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                                           (self.name,)).fetchone()[0]
                self.peak = max(self.peak, count)

    def __enter__(self) -> "_ConnectionWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _with_application_name(db: str, name: str) -> str:
    return db + ("&" if "?" in db else "?") + f"application_name={name}"


def _open_cases(db: str, port: int, token: str) -> list[int]:
    """READ_CASES cases opened through the server (so they are real, logged, and readable at once)."""
    import urllib.request

    ids = []
    for n in range(READ_CASES):
        request = urllib.request.Request(
            f"http://{HOST}:{port}/v1/cases", method="POST",
            data=json.dumps({"changes": ["new_register"], "title": f"bench case {n}"}).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            ids.append(json.loads(response.read())["id"])
    return ids


def bench_serve(clients: int = 32, requests: int = 30_000, seconds: float = 20.0, log_fsync: bool = False, *,
                db: str | None = None, workers: int = 1, scenario: str = "approvals", pool_size: int = 8) -> dict:
    """Start ``workreg serve`` (on ``db``, else a fresh SQLite file), load it, stop it; the results, with the log's
    row count (every answered decision must be logged) and, on PostgreSQL, the connections it held at most."""
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="workreg-serve-bench-") as folder:
        postgres = bool(db and db.startswith(("postgresql://", "postgres://")))
        if db is None:
            db = os.path.join(folder, "bench.db")
        name = f"workreg-bench-{os.getpid()}"
        served = _with_application_name(db, name) if postgres else db
        from workreg.serve.auth import Grant, create_token
        from workreg.serve.store import open_serve_store

        with open_serve_store(db) as store:
            token = create_token(store, "bench", (Grant("originating_committee"),))[1]
        port = _free_port()
        process = subprocess.Popen([*_command(), "serve", "--db", served, "--host", HOST, "--port", str(port),
                                    "--public-read", "--workers", str(workers), "--pool-size", str(pool_size),
                                    *(["--log-fsync"] if log_fsync else [])],
                                   stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=_env())
        try:
            _wait_ready(port, process, timeout=60)
            if scenario == "case-reads":
                ids = _open_cases(db, port, token)
                load = [_get(f"/v1/cases/{case_id}", HOST, port) for case_id in ids]
            else:
                load = [_post("/v1/approvals", body, HOST, port) for body in _bodies()]
            _run(_load_requests(HOST, port, min(clients, 4), min(requests, 2000), 5.0, load))  # warm up
            before = _count_rows(db)
            load_before = os.getloadavg()[0]
            if postgres:
                with _ConnectionWatch(db, name) as watch:
                    results = _run(_load_requests(HOST, port, clients, requests, seconds, load))
                results["serve_pg_connections_peak"] = watch.peak
            else:
                results = _run(_load_requests(HOST, port, clients, requests, seconds, load))
            results["machine_load_1min"] = max(load_before, os.getloadavg()[0])
        finally:
            process.send_signal(signal.SIGINT)  # graceful: uvicorn finishes, the log writers drain
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        after = _count_rows(db)
    results.update(serve_backend="postgresql" if postgres else "sqlite", serve_workers=workers,
                   serve_scenario=scenario, serve_pool_size=pool_size, serve_log_fsync=log_fsync)
    results["serve_logged"] = after - before
    results["serve_lost"] = (results["serve_answered"] - results["serve_logged"]) if scenario == "approvals" else 0
    return results


def bench_url(url: str, clients: int, requests: int, seconds: float, scenario: str, token: str | None) -> dict:
    """Load a server that is already running at ``url`` (case-reads read the cases it lists first)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit("--url takes http://HOST:PORT (put TLS in front of the load, not in it)")
    host, port = parts.hostname, parts.port or 80
    _wait_ready(port, None, timeout=10, host=host)
    if scenario == "case-reads":
        import urllib.request

        request = urllib.request.Request(f"http://{host}:{port}/v1/cases?limit=1000",
                                         headers={"authorization": f"Bearer {token}"} if token else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            ids = [row["id"] for row in json.loads(response.read())]
        if not ids:
            raise SystemExit("the server has no cases to read (open some, or use --scenario approvals)")
        load = [_get(f"/v1/cases/{case_id}", host, port, token) for case_id in ids]
    else:
        load = [_post("/v1/approvals", body, host, port, token) for body in _bodies()]
    _run(_load_requests(host, port, min(clients, 4), min(requests, 2000), 5.0, load))
    load_before = os.getloadavg()[0]
    results = _run(_load_requests(host, port, clients, requests, seconds, load))
    results.update(machine_load_1min=max(load_before, os.getloadavg()[0]), serve_backend=f"server at {url}",
                   serve_workers="?", serve_scenario=scenario)
    return results


_BARE_APP = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = b'{"status": "ok", "constant": true}'

async def constant(request):
    await request.body()
    return Response(BODY, media_type="application/json")

app = Starlette(routes=[Route("/v1/approvals", constant, methods=["POST"]), Route("/healthz", constant)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
            server_header=False, timeout_keep_alive=5)
"""


def bench_baseline(clients: int, requests: int, seconds: float) -> dict:
    """A bare Starlette application returning constant JSON on the same uvicorn set-up (the ceiling)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", _BARE_APP, str(port)], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, env=_env())
    try:
        _wait_ready(port, process)
        load = [_post("/v1/approvals", body, HOST, port) for body in _bodies()]
        _run(_load_requests(HOST, port, min(clients, 4), 2000, 5.0, load))
        load_before = os.getloadavg()[0]
        results = _run(_load_requests(HOST, port, clients, requests, seconds, load))
        results.update(machine_load_1min=max(load_before, os.getloadavg()[0]), serve_backend="bare Starlette",
                       serve_workers=1, serve_scenario="constant JSON")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return results


def _row(r: dict) -> str:
    extra = []
    if "serve_lost" in r:
        extra.append(f"lost {r['serve_lost']}")
    if "serve_pg_connections_peak" in r:
        extra.append(f"PostgreSQL connections at most {r['serve_pg_connections_peak']} "
                     f"(pool {r['serve_pool_size']} x {r['serve_workers']} workers)")
    return (f"| {r['serve_backend']} | {r['serve_workers']} | {r['serve_scenario']} | {r['serve_clients']} | "
            f"{r['serve_decisions_per_s']:,.0f}/s | {r['serve_p50_ms']:.1f} ms | {r['serve_p99_ms']:.1f} ms | "
            f"{r['serve_failed']} | {r['machine_load_1min']:.2f} | {', '.join(extra)} |")


HEADER = ("| backend | workers | scenario | clients | answers | p50 | p99 | failed | load (1 min) | notes |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=30_000, help="stop after this many answers")
    parser.add_argument("--seconds", type=float, default=20.0, help="stop after this long")
    parser.add_argument("--scenario", choices=("approvals", "case-reads"), default="approvals")
    parser.add_argument("--db", help="serve this database (a path or postgresql://...); default a fresh SQLite file")
    parser.add_argument("--workers", type=int, default=1, help="workreg serve --workers N")
    parser.add_argument("--pool-size", type=int, default=8, help="workreg serve --pool-size N")
    parser.add_argument("--url", help="load a server already running there (http://HOST:PORT) instead of starting one")
    parser.add_argument("--token", help="with --url: a bearer token (reads, or a role for approvals)")
    parser.add_argument("--log-fsync", action="store_true", help="serve with --log-fsync (a disk flush per batch)")
    parser.add_argument("--baseline", action="store_true", help="also load a bare Starlette app (constant JSON)")
    parser.add_argument("--matrix", action="store_true",
                        help="SQLite (and --db PostgreSQL) x 1 and --workers (default 2) x both scenarios, as a table")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    requests, seconds = min(args.requests, 1_000_000), min(args.seconds, 300.0)
    runs: list[dict] = []
    if args.url:
        runs.append(bench_url(args.url, args.clients, requests, seconds, args.scenario, args.token))
    elif args.matrix:
        databases = [None] + ([args.db] if args.db else [])
        for db, workers, scenario in itertools.product(databases, sorted({1, max(args.workers, 2)}),
                                                       ("approvals", "case-reads")):
            runs.append(bench_serve(args.clients, requests, seconds, args.log_fsync, db=db, workers=workers,
                                    scenario=scenario, pool_size=args.pool_size))
    else:
        runs.append(bench_serve(args.clients, requests, seconds, args.log_fsync, db=args.db, workers=args.workers,
                                scenario=args.scenario, pool_size=args.pool_size))
    if args.baseline:
        runs.append(bench_baseline(args.clients, requests, seconds))
    if args.json:
        print(json.dumps(runs if len(runs) > 1 else runs[0], indent=2))
    else:
        print(f"{os.cpu_count()} CPUs; load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(HEADER)
        for run in runs:
            print(_row(run))
    ok = all(run["serve_failed"] == 0 and run.get("serve_lost", 0) == 0 for run in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
