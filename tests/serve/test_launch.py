"""A server that starts or says why in one line (exit 2 before anything listens), JSON-only request edges (415, a
body that stops arriving, a Content-Length no server could take), and --workers N on one decision log."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bench import serve_load
from workreg.cli import main
from tests.serve.test_serve_command import _workreg

pytest.importorskip("uvicorn", reason="workreg serve needs the 'serve' extra")


def _too_new(path) -> str:
    from workreg.serve.store import open_serve_store

    with open_serve_store(str(path)) as store:
        with store.write():
            store.execute("INSERT INTO workreg_serve_schema (version, description, applied_at) VALUES (?, ?, ?)",
                          (99, "from the future", "2099-01-01T00:00:00Z"))
    return str(path)


@pytest.mark.parametrize("argv, code", [
    (["--port", "99999"], "usage"), (["--port", "-1"], "usage"), (["--port", "８０８０"], "usage"),
    (["--workers", "0"], "usage"), (["--pool-size", "x"], "usage"), (["--pool-size", "1"], "usage"),
    (["--host", "no-such-host.invalid"], "bad-host"), (["--host", "192.0.2.77"], "bad-host"),
])
def test_bad_ports_and_hosts_are_one_line_and_exit_2(tmp_path, capsys, argv, code):
    assert main(["serve", "--db", str(tmp_path / "x.db"), *argv]) == 2
    err = capsys.readouterr().err
    assert code in err and "Traceback" not in err


def test_a_port_in_use_is_named(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(tmp_path / "x.db"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port-in-use: port {port}" in err and len(err.strip().splitlines()) <= 2


@pytest.mark.parametrize("make_db, code", [
    (lambda tmp: str(tmp), "bad-database"),  # a directory
    (lambda tmp: (tmp / "junk.db").write_bytes(b"not a database at all" * 100) and str(tmp / "junk.db"),
     "bad-database"),
    (lambda tmp: _too_new(tmp / "new.db"), "db-too-new"),
    (lambda tmp: f"postgresql://nobody@/x?host={tmp}/no-socket-here&connect_timeout=2", "db-unavailable"),
])
def test_an_unusable_database_stops_serve_before_it_listens(tmp_path, capsys, make_db, code):
    assert main(["serve", "--db", make_db(tmp_path), "--port", str(serve_load._free_port())]) == 2
    err = capsys.readouterr().err
    assert f"{code}:" in err and "Traceback" not in err


def test_json_bodies_need_the_json_content_type(public):
    for media in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": media} if media else {}
        response = public.client.post("/v1/approvals", content=b'{"changes": ["scope_extension"]}', headers=headers)
        assert response.status_code == 415 and response.json()["code"] == "unsupported-media-type"
    charset = public.client.post("/v1/approvals", content=b'{"changes": ["scope_extension"]}',
                                 headers={"content-type": "application/json; charset=utf-8"})
    assert charset.status_code == 200


def test_a_body_that_stops_arriving_is_dropped(sqlite_db):
    from workreg.serve.app import Settings, create_app

    app = create_app(Settings(db=sqlite_db, public_read=True, body_idle=0.2))
    sent = []

    async def run():
        pieces = [{"type": "http.request", "body": b'{"chan', "more_body": True}]

        async def receive():
            if pieces:
                return pieces.pop()
            await asyncio.sleep(3600)  # the client went quiet

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": "/v1/approvals", "raw_path": b"/v1/approvals", "query_string": b"",
                 "root_path": "", "headers": [(b"content-type", b"application/json"), (b"host", b"t")],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}
        app.state.service.start()
        try:
            await asyncio.wait_for(app(scope, receive, send), timeout=10)
        finally:
            app.state.service.close()

    started = time.monotonic()
    asyncio.run(run())
    assert time.monotonic() - started < 5
    start = sent[0]
    assert start["status"] == 408 and (b"connection", b"close") in start["headers"]
    assert json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["code"] == "body-timeout"


def _raw(port: int, data: bytes, wait: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """``workreg serve --workers 2`` on a fresh SQLite database, on loopback."""
    db = str(tmp_path_factory.mktemp("workers") / "w.db")
    port = serve_load._free_port()
    process = subprocess.Popen([*_workreg(), "serve", "--db", db, "--port", str(port), "--public-read",
                                "--workers", "2", "--pool-size", "3"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        serve_load._wait_ready(port, process, timeout=60)
        yield port, db, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_content_length_no_server_could_take_is_a_json_413(two_workers):
    port, _db, _process = two_workers
    answer = _raw(port, b"POST /v1/approvals HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 100000000000000000000000\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413") and b"application/json" in head
    assert json.loads(body)["code"] == "too-large"
    garbage = _raw(port, b"NOT HTTP AT ALL\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400") and json.loads(garbage.partition(b"\r\n\r\n")[2])["code"] == "bad-request"


def test_two_workers_answer_and_log_every_decision_once(two_workers):
    port, db, process = two_workers
    with sqlite3.connect(db) as connection:
        before = connection.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    results = asyncio.run(serve_load._load(port, 16, 600, 60.0, serve_load._bodies()))
    assert results["serve_answered"] == 600 and results["serve_failed"] == 0
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():  # two worker processes serve the one socket (the kernel picks who accepts)
        workers = [pid for pid in children.read_text().split()
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # not the resource tracker
        assert len(workers) == 2
    deadline = time.monotonic() + 10
    while True:  # answered means committed: the rows are there at once
        with sqlite3.connect(db) as connection:
            rows = connection.execute("SELECT COUNT(*), COUNT(DISTINCT decision_id), "
                                      "COUNT(DISTINCT substr(decision_id, 1, 16)) FROM decisions").fetchone()
        if rows[0] - before == 600 or time.monotonic() > deadline:
            break
    assert rows[0] - before == 600 and rows[0] == rows[1]
    assert 1 <= rows[2] <= 2  # each process names its decisions with its own prefix
