"""Nothing is lost: 8 real processes recording on one case at once, and a process killed mid-write.

Both run on SQLite and on PostgreSQL with separate operating-system processes, each with its own
connection, as separate ``workreg`` invocations would be.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from workreg.cases.service import list_cases, log, status
from workreg.cases.store import open_store
from workreg.cli import main
from tests.conftest import FIXTURES, ROOT

POLICY_DIR = FIXTURES / "policies" / "cases"
PANELS = ["P1", "P2", "P3"]
WORKERS = 8

WORKER = textwrap.dedent('''
    import contextlib, io, json, random, sys, time
    from workreg.cli import build_parser
    from workreg.errors import WorkregError

    db, case, seed, start, policy_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    OPENS, ROUNDS = 1, 1
    gates = sys.argv[6:]
    rng = random.Random(seed)
    while time.time() < start:  # start together
        time.sleep(0.005)
    results = {"opened": [], "records": []}
    sink = io.StringIO()
    parser = build_parser()  # once: each call below is what `workreg ...` does after start-up
    def run(*argv):
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            args = parser.parse_args([*argv, "--db", db])
            try:
                return args.handler(args)
            except WorkregError as error:
                print(error)
                return error.exit_code
    for _ in range(OPENS):
        sink.seek(0); sink.truncate()
        code = run("case", "open", "--change", "small", "--policy", "relay@1.0", "--policy-dir", policy_dir,
                   "--format", "json")
        results["opened"].append(json.loads(sink.getvalue())["id"] if code == 0 else code)
    for _ in range(ROUNDS):  # every gate in a random order: most attempts race and are refused
        for gate in rng.sample(gates, len(gates)):
            code = run("case", "record", case, gate, "--outcome", "approved", "--date", "2026-01-01",
                       "--by", f"worker{seed}")
            results["records"].append([gate, code])
    print(json.dumps(results))
''')


def _env() -> dict:
    # This checkout's engine, whatever else is installed.
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


def _open_case(capsys, db: str) -> int:
    argv = ["case", "open", "--change", "big", "--policy", "relay@1.0", "--policy-dir", str(POLICY_DIR),
            "--db", db, "--format", "json"]
    for panel in PANELS:
        argv += ["--committee", panel]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)["id"]


def test_eight_processes_lose_nothing_and_never_record_out_of_order(capsys, db_url, tmp_path):
    case = _open_case(capsys, db_url)
    with open_store(db_url) as store:
        gates = [gate.gate for gate in status(store, case).gates if gate.given_by is None]
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    start = time.time() + 1.5
    workers = [
        subprocess.Popen([sys.executable, str(script), db_url, str(case), str(seed), str(start), str(POLICY_DIR),
                          *gates], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
        for seed in range(WORKERS)
    ]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outputs.append(json.loads(out))

    attempts = [(gate, code) for output in outputs for gate, code in output["records"]]
    assert {code for _, code in attempts} <= {0, 1}, "a writer failed instead of being refused"
    accepted = [gate for gate, code in attempts if code == 0]
    assert sorted(accepted) == sorted(gates), "each gate is recorded exactly once"

    with open_store(db_url) as store:
        events = log(store, case)
        state = status(store, case)
        cases = list_cases(store)
    assert [event.seq for event in events] == list(range(1, len(gates) + 2))
    assert sorted(event.payload.gate for event in events[1:]) == sorted(gates), "no accepted record is lost"
    seq_of = {event.payload.gate: event.seq for event in events[1:]}
    for edge in state.decision.order:
        assert seq_of[edge.before] < seq_of[edge.after], f"{edge.after} recorded before {edge.before}"
    assert state.complete and state.notes == ()
    opened = [case_id for output in outputs for case_id in output["opened"]]
    assert all(isinstance(case_id, int) for case_id in opened) and len(set(opened)) == WORKERS
    assert sorted(s.id for s in cases) == sorted([case, *opened])


KILLER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from workreg.cases import store
    from workreg.cli import main

    marker = Path(sys.argv[1])
    append = store.Transaction.append

    def appending(self, *args, **kwargs):
        event = append(self, *args, **kwargs)
        self.store.appended = True
        return event

    def pausing(commit):
        def paused(self):
            if getattr(self, "appended", False):  # the event is written, not yet committed
                marker.write_text("written")
                time.sleep(120)
            commit(self)
        return paused

    store.Transaction.append = appending
    for backend in (store.SqliteStore, store.PostgresStore):
        backend.commit = pausing(backend.commit)
    sys.exit(main(sys.argv[2:]))
''')


@pytest.mark.parametrize("command", ["record", "open"])
def test_a_process_killed_mid_write_leaves_the_database_as_before(capsys, db_url, tmp_path, command):
    case = _open_case(capsys, db_url)
    assert main(["case", "record", str(case), "office_ballot", "--outcome", "approved", "--date", "2026-01-01",
                 "--db", db_url]) == 0
    capsys.readouterr()
    with open_store(db_url) as store:
        before = [event.to_dict() for event in log(store, case)], [s.id for s in list_cases(store)]
    script, marker = tmp_path / "killer.py", tmp_path / "written"
    script.write_text(KILLER, encoding="utf-8")
    argv = {
        "record": ["case", "record", str(case), "panel_ballot:P1", "--outcome", "approved", "--date", "2026-01-02"],
        "open": ["case", "open", "--change", "big", "--committee", "P2", "--policy", "relay@1.0", "--policy-dir",
                 str(POLICY_DIR)],
    }[command]
    child = subprocess.Popen([sys.executable, str(script), str(marker), *argv, "--db", db_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    try:
        deadline = time.time() + 60
        while not marker.exists():
            assert child.poll() is None, child.communicate()[1].decode()
            assert time.time() < deadline, "the child never reached its commit"
            time.sleep(0.01)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with open_store(db_url) as store:
        after = [event.to_dict() for event in log(store, case)], [s.id for s in list_cases(store)]
        if store.dialect == "sqlite":
            assert store.execute("PRAGMA integrity_check") == [("ok",)]
    assert after == before
    # The lock died with the process: the next writer goes ahead at once.
    started = time.time()
    assert main(argv + ["--db", db_url]) == 0
    assert time.time() - started < 10
