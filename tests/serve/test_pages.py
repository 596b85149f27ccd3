"""The page without a browser: who may see it, the token cookie, forms from other sites, errors shown in place."""

from __future__ import annotations

from tests.conftest import FIXTURES


def test_a_server_without_public_read_asks_for_a_token_and_keeps_it_in_a_cookie(server):
    asked = server.client.get("/?policy=dsp4003&change=scope_extension")
    assert asked.status_code == 401 and "A token, please" in asked.text
    wrong = server.client.post("/session", data={"token": "wr_nope", "next": "/cases"}, follow_redirects=False)
    assert wrong.status_code == 401 and "unknown or revoked" in wrong.text
    signed = server.client.post("/session", data={"token": server.tokens["reader"], "next": "/cases"},
                                follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/cases"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = server.client.get("/?policy=dsp4003&change=scope_extension")
    assert page.status_code == 200 and "signed in as Portal" in page.text and 'id="decision"' in page.text
    server.client.post("/session/end")
    assert server.client.get("/cases").status_code == 401


def test_the_cookie_does_not_open_the_json_api(server):
    server.client.post("/session", data={"token": server.tokens["reader"]})
    assert server.client.get("/v1/policies").status_code == 401


def test_a_next_link_never_leaves_the_site(server):
    signed = server.client.post("/session", data={"token": server.tokens["reader"], "next": "//evil.example/x"},
                                follow_redirects=False)
    assert signed.headers["location"] == "/"


def test_forms_posted_from_another_site_are_refused(public):
    refused = public.client.post("/session", data={"token": public.tokens["reader"]},
                                 headers={"origin": "https://evil.example"})
    assert refused.status_code == 403 and refused.json()["code"] == "cross-origin"


def test_page_decisions_are_logged_like_api_ones(public):
    page = public.client.get("/", params={"policy": "dsp4003@1.1", "change": "scope_extension"})
    assert page.status_code == 200 and "dsp4003@1.1" in page.text
    [row] = public.client.get("/v1/decisions", headers=public.auth("reader")).json()
    assert row["kind"] == "approvals" and row["caller"] == "anonymous" and row["policy"] == "dsp4003@1.1"


def test_errors_are_shown_on_the_page(public):
    unknown = public.client.get("/", params={"change": "nope"})
    assert unknown.status_code == 400 and "unknown-change-kind" in unknown.text
    bad_policy = public.client.get("/", params={"policy": "../etc", "change": "scope_extension"})
    assert bad_policy.status_code == 400 and "bad-policy-ref" in bad_policy.text
    diff = public.client.post("/diff", files={"old": ("a.txt", b"\x00"), "new": ("b.txt", b"x")})
    assert diff.status_code == 400 and "binary" in diff.text and "Approved version" in diff.text
    assert public.client.get("/cases/42").status_code == 404


def test_recording_on_the_page_needs_the_gates_token(public):
    opened = public.client.post("/v1/cases", headers=public.auth("chair"), json={"changes": ["new_register"],
                                                                             "no_affected_committees": True})
    case_id = opened.json()["id"]
    form = {"gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"}
    anonymous = public.client.post(f"/cases/{case_id}/record", data=form)
    assert anonymous.status_code == 401 and "unauthorized" in anonymous.text
    wrong = public.client.post(f"/cases/{case_id}/record", data={**form, "token": public.tokens["partner"]})
    assert wrong.status_code == 403 and "wrong-role" in wrong.text
    early = public.client.post(f"/cases/{case_id}/record", data={**form, "gate": "board_approval",
                                                                  "token": public.tokens["board"]})
    assert early.status_code == 409 and "out-of-order" in early.text and "§3.2" in early.text
    done = public.client.post(f"/cases/{case_id}/record", data={**form, "token": public.tokens["chair"]},
                              follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case_id}?recorded=originating_committee_ballot"


def test_the_diff_page_shows_changes_and_decision(public):
    registers = FIXTURES / "registers"
    page = public.client.post("/diff", files={"old": ("esa-1.0.txt", (registers / "esa-1.0.txt").read_bytes()),
                                              "new": ("esa-1.1.txt", (registers / "esa-1.1.txt").read_bytes())})
    assert page.status_code == 200 and 'id="changes"' in page.text and "scope_extension" in page.text
    assert 'id="decision"' in page.text
