"""Several ``workreg serve`` processes on one PostgreSQL database (the scale-out deployment of docs/deployment.md):
racing records of one gate succeed exactly once, every answered decision is logged once, a revoked token is refused
by every replica, and the database never sees more connections than pool size x processes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from bench import serve_load
from tests.cases.conftest import fresh_schema
from tests.serve.conftest import make_tokens
from tests.serve.test_serve_command import _workreg

pytest.importorskip("uvicorn", reason="workreg serve needs the 'serve' extra")

POOL = 3


def _call(port: int, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def replicas(postgres_server):
    """Two servers (one with two workers) on one PostgreSQL schema, each with a pool of POOL connections."""
    url = fresh_schema(postgres_server) + "&application_name=workreg-replicas"
    tokens = make_tokens(url, {"chair": (["originating_committee"], "Chair"), "auditor": (["auditor"], "Auditor")})
    started = []
    try:
        for workers in (1, 2):
            port = serve_load._free_port()
            process = subprocess.Popen([*_workreg(), "serve", "--db", url, "--port", str(port), "--public-read",
                                        "--workers", str(workers), "--pool-size", str(POOL)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            started.append((port, process, workers))
        for port, process, _workers in started:
            serve_load._wait_ready(port, process, timeout=60)
        yield {"url": url, "server": postgres_server, "tokens": tokens,
               "ports": [port for port, _p, _w in started], "processes": sum(w for _p, _q, w in started)}
    finally:
        for _port, process, _workers in started:
            process.terminate()
        for _port, process, _workers in started:
            process.wait(timeout=30)


def _connections(server_url: str) -> int:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                  "'workreg-replicas'").fetchone()[0]


def test_replicas_share_one_database_correctly(replicas):
    first, second = replicas["ports"]
    chair = replicas["tokens"]["chair"]
    status, case = _call(first, "/v1/cases", chair, {"changes": ["new_register"], "no_affected_committees": True})
    assert status == 201
    # Both replicas see the case at once (no cache of cases), and race to record its first gate.
    assert _call(second, f"/v1/cases/{case['id']}")[1]["id"] == case["id"]
    outcomes = []
    record = {"gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"}

    def race(port):
        outcomes.append(_call(port, f"/v1/cases/{case['id']}/record", chair, record)[0])

    threads = [threading.Thread(target=race, args=(port,)) for port in (first, second) * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200] + [409] * 9
    _status, events = _call(second, f"/v1/cases/{case['id']}/log")
    assert [event["kind"] for event in events] == ["opened", "recorded"]

    # Load on both at once: every answer logged once, and the database never holds more than pool x processes.
    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], _connections(replicas["server"]))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()

    async def both():
        return await asyncio.gather(*(serve_load._load(port, 16, 300, 60.0, serve_load._bodies())
                                      for port in (first, second)))

    try:
        results = asyncio.run(both())
    finally:
        stop.set()
        watcher.join()
    assert all(r["serve_answered"] == 300 and r["serve_failed"] == 0 for r in results)
    assert 0 < peak[0] <= POOL * replicas["processes"]
    rows, after = [], 0
    while True:
        status, page = _call(second, f"/v1/decisions?limit=1000&next={after}", replicas["tokens"]["auditor"])
        rows += page
        if len(page) < 1000:
            break
        after = page[-1]["id"]
    approvals = [row for row in rows if row["kind"] == "approvals"]
    assert len(approvals) == 600 and len({row["decision_id"] for row in rows}) == len(rows)
    assert sum(1 for row in rows if row["kind"] == "case.record") == 10  # refusals are decisions too


def test_a_token_revoked_once_is_refused_by_every_replica(replicas):
    from workreg.serve.auth import CACHE_SECONDS, list_tokens, revoke_token
    from workreg.serve.store import open_serve_store

    chair = replicas["tokens"]["chair"]
    for port in replicas["ports"]:
        assert _call(port, "/v1/cases", chair, {"changes": ["new_register"], "no_affected_committees": True})[0] == 201
    with open_serve_store(replicas["url"]) as store:
        revoke_token(store, next(row["id"] for row in list_tokens(store) if row["name"] == "Chair"))
    time.sleep(CACHE_SECONDS + 0.5)
    for port in replicas["ports"]:
        for _ in range(3):  # whichever worker answers
            status, body = _call(port, "/v1/cases", chair, {"changes": ["new_register"], "no_affected_committees": True})
            assert status == 401 and body["code"] == "unauthorized"
