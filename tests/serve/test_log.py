"""The decision log: every decision served is a row (who, when, policy ref and hash, input, result), read back
by time, kind and id, and replays to the same result under the logged policy text."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import FIXTURES
from tests.serve.conftest import Server
from workreg.cli import main
from workreg.serve.log import read_decisions, replay

REGISTERS = FIXTURES / "registers"


def _serve_decisions(server) -> dict:
    """One decision of each kind (and a refusal); the responses by name."""
    client = server.client
    made = {"approvals": client.post("/v1/approvals", headers=server.auth("reader"), json={
        "changes": ["new_register"], "committees": ["Technical Committee"], "on": "2006-06-01"})}
    made["diff"] = client.post("/v1/diff", headers=server.auth("reader"), files={
        "old": ("esa-1.0.txt", (REGISTERS / "esa-1.0.txt").read_bytes()),
        "new": ("esa-1.1.txt", (REGISTERS / "esa-1.1.txt").read_bytes())})
    made["case.open"] = client.post("/v1/cases", headers=server.auth("chair"), json={
        "changes": ["new_register"], "committees": ["Technical Committee"]})
    case_id = made["case.open"].json()["id"]
    made["refused"] = client.post(f"/v1/cases/{case_id}/record", headers=server.auth("board"), json={
        "gate": "board_approval", "outcome": "approved", "date": "2026-01-09"})
    made["case.record"] = client.post(f"/v1/cases/{case_id}/record", headers=server.auth("chair"), json={
        "gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"})
    made["case.migrate"] = client.post(f"/v1/cases/{case_id}/migrate", headers=server.auth("chair"),
                                       json={"policy": "dsp4003@1.1"})
    return made


def test_every_decision_is_logged_with_caller_policy_hash_input_and_result(any_db):
    from workreg.cases.store import open_store

    with Server(any_db) as server:
        made = _serve_decisions(server)
        assert [r.status_code for r in made.values()] == [200, 200, 201, 409, 200, 200]
        logged = server.client.get("/v1/decisions", headers=server.auth("auditor")).json()
    assert [row["kind"] for row in logged] == ["approvals", "diff", "case.open", "case.record", "case.record",
                                               "case.migrate"]
    assert [row["caller"] for row in logged] == ["Portal", "Portal", "Alliance Committee chair", "Board secretary",
                                                 "Alliance Committee chair", "Alliance Committee chair"]
    assert [row["status"] for row in logged] == [200, 200, 201, 409, 200, 200]
    for row, response in zip(logged, made.values()):
        assert row["result"] == response.json()
        assert row["decision_id"] == response.headers["workreg-decision-id"]
        assert len(row["policy_hash"]) == 64 and row["at"].endswith("Z")
    assert logged[0]["policy"] == "dsp4003@1.1"  # chosen by "on"
    assert logged[0]["input"]["committees"] == ["Technical Committee"]
    assert logged[1]["input"]["old"]["filename"] == "esa-1.0.txt"
    assert logged[-1]["policy"] == "dsp4003@1.1"
    with open_store(any_db) as store:  # the logged hash names a stored policy text
        texts = dict(store.execute("SELECT hash, ref FROM policies"))
    assert {row["policy_hash"] for row in logged} <= set(texts)


@pytest.mark.parametrize("position", range(6))
def test_a_logged_decision_replays_to_the_same_result(sqlite_db, position):
    from workreg.cases.store import open_store

    with Server(sqlite_db) as server:
        _serve_decisions(server)
    with open_store(sqlite_db) as store:
        row = read_decisions(store)[position]
        again = replay(store, str(row["id"]))
        assert again.same, again.replayed
        assert replay(store, row["decision_id"]).same


def test_replay_tells_a_different_result(sqlite_db, monkeypatch, capsys):
    from workreg.cases.store import open_store

    with Server(sqlite_db, public_read=True) as server:
        server.client.post("/v1/approvals", json={"changes": ["scope_extension"]})
    monkeypatch.setattr("workreg.policy.format.approvals_json", lambda policy, decision, named=(): {"changed": True})
    with open_store(sqlite_db) as store:
        assert not replay(store, "1").same
    assert main(["log", "--db", sqlite_db, "--replay", "1"]) == 1
    assert "DIFFERS" in capsys.readouterr().out


def test_workreg_log_prints_and_filters_the_log(sqlite_db, capsys):
    with Server(sqlite_db) as server:
        _serve_decisions(server)
        api = server.client.get("/v1/decisions", headers=server.auth("auditor"), params={"kind": "case.record"}).text
    capsys.readouterr()
    assert main(["log", "--db", sqlite_db, "--kind", "case.record", "--format", "json"]) == 0
    assert capsys.readouterr().out == api
    assert main(["log", "--db", sqlite_db]) == 0
    text = capsys.readouterr().out.splitlines()
    assert len(text) == 6 and "Board secretary" in text[3] and "409" in text[3]
    assert main(["log", "--db", sqlite_db, "--after", "4", "--format", "json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == [5, 6]
    assert main(["log", "--db", sqlite_db, "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == "no decisions logged\n"
    assert main(["log", "--db", sqlite_db, "--replay", "4"]) == 0
    assert "the refusal is the same" in capsys.readouterr().out


@pytest.mark.parametrize("since, ok", [("2026-01-01", True), ("2026-01-01T10:00:00Z", True),
                                       ("2026-01-01T10:00:00+02:00", True), ("2026-01-01 10:00", True),
                                       ("yesterday", False), ("2026-13-01", False), ("'; DROP TABLE decisions", False)])
def test_since_takes_dates_and_times(public, since, ok):
    response = public.client.get("/v1/decisions", headers=public.auth("auditor"), params={"since": since})
    assert response.status_code == (200 if ok else 400), response.text
    if not ok:
        assert response.json()["code"] == "bad-since"


def test_since_filters_by_time(public):
    public.client.post("/v1/approvals", json={"changes": ["scope_extension"]})
    [row] = public.client.get("/v1/decisions", headers=public.auth("auditor")).json()

    def since(value):
        return public.client.get("/v1/decisions", headers=public.auth("auditor"), params={"since": value}).json()

    assert since(row["at"]) == [row] and since("2000-01-01") == [row] and since("2999-01-01") == []


def test_the_writer_loses_nothing_under_concurrency_and_drains_on_close(sqlite_db):
    """400 decisions handed over at once from one event loop: all committed, none lost, before close returns."""
    from workreg.cases.store import open_store
    from workreg.serve.auth import ANONYMOUS
    from workreg.serve.catalog import Catalog
    from workreg.serve.log import DecisionLog, count_decisions, new_entry

    served = Catalog().get("dsp4003")
    log = DecisionLog(sqlite_db).start()

    async def many():
        entries = [new_entry("approvals", ANONYMOUS, served.ref, served.digest, {"n": n}, f"{n % 7}\n")
                   for n in range(400)]
        await asyncio.gather(*(log.record(entry, served.pinned) for entry in entries))

    asyncio.run(many())
    log.close()
    assert log.written == 400 and log.batches < 400  # several rows per commit
    with open_store(sqlite_db) as store:
        assert count_decisions(store) == 400
        assert store.execute("SELECT COUNT(*) FROM decision_results")[0][0] == 7  # bodies kept once per hash


def test_a_log_that_cannot_be_written_refuses_the_decision(public, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("workreg.serve.log.insert_many", broken)
    response = public.client.post("/v1/approvals", json={"changes": ["scope_extension"]})
    assert response.status_code == 503 and response.json()["code"] == "decision-log-unavailable"
    assert "disk full" in response.json()["message"]


def test_the_log_is_append_only(sqlite_db):
    from workreg.cases.store import open_store
    from workreg.errors import CaseError

    with Server(sqlite_db, public_read=True) as server:
        server.client.post("/v1/approvals", json={"changes": ["scope_extension"]})
    with open_store(sqlite_db) as store:
        for statement in ("UPDATE decisions SET caller = 'x'", "DELETE FROM decisions",
                          "DELETE FROM decision_results"):
            with pytest.raises(CaseError):
                with store.write():
                    store.execute(statement)
