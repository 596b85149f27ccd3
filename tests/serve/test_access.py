"""Who may do what: reads with --public-read or a token, writes with a token, a gate only with its role's token."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES

from tests.serve.conftest import Server

REGISTERS = FIXTURES / "registers"

APPROVALS = ("post", "/v1/approvals", {"json": {"changes": ["scope_extension"]}})
READS = [
    ("get", "/v1/policies", {}),
    APPROVALS,
    ("post", "/v1/compare", {"json": {"old": "dsp4003@1.1", "new": "dsp4003@1.2.0"}}),
    ("get", "/v1/render", {"params": {"policy": "dsp4003", "format": "dot"}}),
    ("get", "/v1/cases", {}),
]


def call(server, method: str, path: str, kwargs: dict, headers: dict | None = None):
    return getattr(server.client, method)(path, headers=headers or {}, **kwargs)


@pytest.mark.parametrize("method, path, kwargs", READS)
def test_reads_need_a_token_unless_public(server, method, path, kwargs):
    refused = call(server, method, path, kwargs)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert call(server, method, path, kwargs, server.auth("reader")).status_code == 200
    assert call(server, method, path, kwargs, server.auth("board")).status_code == 200


@pytest.mark.parametrize("method, path, kwargs", READS)
def test_public_read_needs_no_token(public, method, path, kwargs):
    assert call(public, method, path, kwargs).status_code == 200


@pytest.mark.parametrize("header", ["Bearer wr_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "wr_token"])
def test_a_bad_or_unknown_token_is_401(public, header):
    response = public.client.post("/v1/approvals", json={"changes": ["scope_extension"]},
                                  headers={"authorization": header})
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_writes_need_a_token_of_a_role(public):
    body = {"changes": ["scope_extension"]}
    assert public.client.post("/v1/cases", json=body).status_code == 401
    reader = public.client.post("/v1/cases", json=body, headers=public.auth("reader"))
    assert reader.status_code == 403 and reader.json()["code"] == "forbidden"
    assert public.client.post("/v1/cases", json=body, headers=public.auth("board")).status_code == 201


def test_the_decision_log_is_for_auditors_and_role_holders_not_readers(public):
    assert public.client.get("/v1/decisions").status_code == 401
    reader = public.client.get("/v1/decisions", headers=public.auth("reader"))
    assert reader.status_code == 403 and reader.json()["code"] == "forbidden" and "auditor" in reader.json()["hint"]
    assert public.client.get("/v1/decisions", headers=public.auth("auditor")).status_code == 200
    assert public.client.get("/v1/decisions", headers=public.auth("board")).status_code == 200


def test_uploads_in_the_log_are_readable_by_auditors_only(public):
    files = {"old": ("esa-1.0.txt", (REGISTERS / "esa-1.0.txt").read_bytes()),
             "new": ("esa-1.1.txt", (REGISTERS / "esa-1.1.txt").read_bytes())}
    assert public.client.post("/v1/diff", files=files, headers=public.auth("reader")).status_code == 200
    [audited] = public.client.get("/v1/decisions", params={"kind": "diff"}, headers=public.auth("auditor")).json()
    [seen] = public.client.get("/v1/decisions", params={"kind": "diff"}, headers=public.auth("board")).json()
    assert audited["input"]["old"]["content_base64"] and audited["input"]["new"]["content_base64"]
    assert seen["input"]["old"]["content_base64"] is None and seen["input"]["new"]["content_base64"] is None
    assert seen["input"]["old"]["sha256"] == audited["input"]["old"]["sha256"]  # what was sent stays provable
    assert seen["input"]["old"]["filename"] == "esa-1.0.txt" and seen["result"] == audited["result"]


def test_an_auditor_token_reads_but_never_writes(public, capsys):
    from workreg.cli import main

    refused = public.client.post("/v1/cases", json={"changes": ["scope_extension"]}, headers=public.auth("auditor"))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert main(["token", "create", "--role", "auditor:Board", "--name", "x", "--db", public.db]) == 2
    assert "'auditor' takes no body name" in capsys.readouterr().err
    assert main(["token", "create", "--role", "auditor", "--name", "Process auditor", "--db", public.db,
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["roles"] == ["auditor"]


def _record(server, case_id, who, gate, day="2026-01-05", **extra):
    return server.client.post(f"/v1/cases/{case_id}/record", headers=server.auth(who),
                              json={"gate": gate, "outcome": "approved", "date": day, **extra})


def test_a_case_opened_and_advanced_with_the_right_tokens_completes(any_db):
    with Server(any_db) as server:
        opened = server.client.post("/v1/cases", headers=server.auth("chair"), json={
            "changes": ["new_register"], "committees": ["Technical Committee"], "title": "OCP work register"})
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        # The Board's secretary cannot record the partner's acceptance, nor the committees' ballots.
        for gate in ("partner_approval", "originating_committee_ballot", "affected_committee_ballot:Technical Committee"):
            wrong = _record(server, case_id, "board", gate)
            assert wrong.status_code == 403 and wrong.json()["code"] == "wrong-role", wrong.text
        early = _record(server, case_id, "board", "board_approval")
        assert early.status_code == 409 and early.json()["code"] == "out-of-order"
        assert "§3.2" in early.json()["message"] or "3.2" in early.json()["message"]
        assert _record(server, case_id, "chair", "originating_committee_ballot", ref="ballot 12").status_code == 200
        assert _record(server, case_id, "technical", "affected_committee_ballot:Technical Committee").status_code == 200
        assert _record(server, case_id, "board", "board_approval", "2026-02-01", ref="2026-07").status_code == 200
        done = _record(server, case_id, "partner", "partner_approval", "2026-02-10")
        assert done.status_code == 200 and done.json()["complete"] is True
        by = {gate["gate"]: gate["by"] for gate in done.json()["done"] if gate["by"]}
        assert by == {"originating_committee_ballot": "Alliance Committee chair",
                      "affected_committee_ballot:Technical Committee": "Technical Committee chair",
                      "board_approval": "Board secretary", "partner_approval": "Partner liaison"}
        again = _record(server, case_id, "partner", "partner_approval", "2026-02-11")
        assert again.status_code == 409 and again.json()["code"] == "already-recorded"


def test_a_token_for_one_committee_records_only_that_committees_ballot(public):
    opened = public.client.post("/v1/cases", headers=public.auth("chair"), json={
        "changes": ["new_register"], "committees": ["Technical Committee", "Marketing Committee"]})
    case_id = opened.json()["id"]
    other = _record(public, case_id, "technical", "affected_committee_ballot:Marketing Committee")
    assert other.status_code == 403 and other.json()["code"] == "wrong-role"
    own = _record(public, case_id, "technical", "affected_committee_ballot:Technical Committee")
    assert own.status_code == 200, own.text


def test_a_revoked_token_stops_working(public, monkeypatch):
    from workreg.cases.store import open_store
    from workreg.serve.auth import list_tokens, revoke_token

    assert public.client.get("/v1/cases", headers=public.auth("reader")).status_code == 200
    with open_store(public.db) as store:
        token_id = next(row["id"] for row in list_tokens(store) if row["name"] == "Portal")
        revoke_token(store, token_id)
    public.app.state.service.tokens._entries.clear()  # what CACHE_SECONDS would do a few seconds later
    refused = public.client.get("/v1/cases", headers=public.auth("reader"))
    assert refused.status_code == 401


def test_only_hashes_of_tokens_are_stored(server):
    from workreg.cases.store import open_store

    with open_store(server.db) as store:
        stored = store.execute("SELECT id, name, roles, hash, created_at FROM tokens")
    text = repr(stored)
    assert stored and not any(token in text for token in server.tokens.values())
