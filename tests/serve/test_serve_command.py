"""``workreg serve`` as a real process on loopback: every answered decision is in the log after a graceful stop
and after SIGKILL; a bad policy directory stops it before it listens."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench import serve_load
from workreg.cli import main

pytest.importorskip("uvicorn", reason="workreg serve needs the 'serve' extra")


def _workreg() -> list[str]:
    script = Path(sys.executable).with_name("workreg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workreg"]


def test_a_graceful_stop_loses_no_decision():
    results = serve_load.bench_serve(clients=4, requests=300, seconds=30)
    assert results["serve_answered"] == 300 and results["serve_failed"] == 0
    assert results["serve_logged"] == 300 and results["serve_lost"] == 0


@pytest.mark.parametrize("fsync", [False, True])
def test_sigkill_loses_no_answered_decision(tmp_path, fsync):
    db = str(tmp_path / "killed.db")
    port = serve_load._free_port()
    process = subprocess.Popen([*_workreg(), "serve", "--db", db, "--port", str(port), "--public-read",
                                *(["--log-fsync"] if fsync else [])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        serve_load._wait_ready(port, process)
        answered = asyncio.run(serve_load._load(port, 8, 400, 30.0, serve_load._bodies()))
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert answered["serve_answered"] == 400
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 400


def test_a_missing_policy_directory_stops_serve_before_it_listens(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "x.db"), "--policy-dir", str(tmp_path / "missing")]) == 2
    assert "policy directory not found" in capsys.readouterr().err
