"""The page without a browser: who may see it, the token cookie, forms from other sites, errors shown in place."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("path", ["/session", "/session/end", "/diff", "/cases", "/cases/1/record"])
@pytest.mark.parametrize("headers", [{"origin": "https://evil.example"}, {"origin": "null"},
                                     {"origin": "http://testserver.evil.example"},
                                     {"referer": "https://evil.example/page"}, {}])
def test_forms_posted_from_another_site_are_refused(public, path, headers):
    public.client.headers.pop("origin")
    refused = public.client.post(path, data={"token": public.tokens["reader"]}, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "cross-origin"


def test_a_form_from_the_page_itself_may_name_it_by_referer(public):
    public.client.headers.pop("origin")
    signed = public.client.post("/session", data={"token": public.tokens["reader"]},
                                headers={"referer": "http://testserver/cases"}, follow_redirects=False)
    assert signed.status_code == 303


def test_every_response_carries_the_security_headers(public):
    for response in (public.client.get("/"), public.client.get("/v1/policies"), public.client.get("/nothing"),
                     public.client.get("/static/workreg.js")):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    page = public.client.get("/").text
    assert "<script>" not in page and " onchange=" not in page and " style=" not in page and "<style>" not in page


def test_page_decisions_are_logged_like_api_ones(public):
    page = public.client.get("/", params={"policy": "dsp4003@1.1", "change": "scope_extension"})
    assert page.status_code == 200 and "dsp4003@1.1" in page.text
    [row] = public.client.get("/v1/decisions", headers=public.auth("auditor")).json()
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
    assert "Bearer" not in anonymous.text and "paste a token" in anonymous.text
    wrong = public.client.post(f"/cases/{case_id}/record", data={**form, "token": public.tokens["partner"]})
    assert wrong.status_code == 403 and "wrong-role" in wrong.text
    early = public.client.post(f"/cases/{case_id}/record", data={**form, "gate": "board_approval",
                                                                  "token": public.tokens["board"]})
    assert early.status_code == 409 and "out-of-order" in early.text and "§3.2" in early.text
    done = public.client.post(f"/cases/{case_id}/record", data={**form, "token": public.tokens["chair"]},
                              follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case_id}?event=2"
    shown = public.client.get(done.headers["location"]).text
    assert 'class="ok"' in shown and "originating_committee_ballot approved 2026-01-05" in shown


def test_the_diff_page_shows_changes_and_decision(public):
    registers = FIXTURES / "registers"
    page = public.client.post("/diff", files={"old": ("esa-1.0.txt", (registers / "esa-1.0.txt").read_bytes()),
                                              "new": ("esa-1.1.txt", (registers / "esa-1.1.txt").read_bytes())})
    assert page.status_code == 200 and 'id="changes"' in page.text and "scope_extension" in page.text
    assert 'id="decision"' in page.text


@pytest.mark.parametrize("query", ["recorded=anything", "event=1", "event=99", "event=²", "event=<b>x</b>"])
def test_banners_only_for_what_was_just_done(public, query):
    opened = public.client.post("/v1/cases", headers=public.auth("chair"), json={"changes": ["new_register"], "no_affected_committees": True})
    case_id = opened.json()["id"]
    public.client.post(f"/v1/cases/{case_id}/record", headers=public.auth("chair"),
                       json={"gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"})
    page = public.client.get(f"/cases/{case_id}?{query}")
    assert page.status_code == 200 and 'class="ok"' not in page.text and "anything" not in page.text


def test_a_refused_record_keeps_what_was_typed(public):
    opened = public.client.post("/v1/cases", headers=public.auth("chair"), json={"changes": ["new_register"], "no_affected_committees": True})
    case_id = opened.json()["id"]
    form = {"gate": "board_approval", "outcome": "approved", "date": "2025-03-04", "ref": "Resolution 7",
            "note": "held early", "token": public.tokens["board"]}
    refused = public.client.post(f"/cases/{case_id}/record", data=form)
    assert refused.status_code == 409
    assert 'value="2025-03-04"' in refused.text and 'value="Resolution 7"' in refused.text
    assert 'value="held early"' in refused.text
    assert public.tokens["board"] not in refused.text  # the token is never written back into the page


def test_a_cookie_alone_records_and_opens_cases(server):
    server.client.post("/session", data={"token": server.tokens["chair"]})
    opened = server.client.post("/cases", data={"change": ["new_register"], "policy": "dsp4003@1.2.0",
                                                "committee": ["Technical Committee"], "title": "From the page"}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"].endswith("?event=1")
    case = server.client.get(opened.headers["location"])
    assert "From the page" in case.text and 'class="ok"' in case.text and "opened under dsp4003@1.2.0" in case.text
    case_id = opened.headers["location"].split("/")[2].split("?")[0]
    done = server.client.post(f"/cases/{case_id}/record", data={
        "gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"}, follow_redirects=False)
    assert done.status_code == 303


def test_a_reader_cookie_cannot_record_and_is_told_so_for_the_page(server):
    server.client.post("/session", data={"token": server.tokens["reader"]})
    opened = server.client.post("/v1/cases", headers=server.auth("chair"), json={"changes": ["new_register"], "no_affected_committees": True})
    refused = server.client.post(f"/cases/{opened.json()['id']}/record", data={
        "gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"})
    assert refused.status_code == 403 and "only reads" in refused.text and "Bearer" not in refused.text


def test_decide_with_nothing_ticked_says_so(public):
    page = public.client.get("/", params={"policy": "dsp4003", "go": "1"})
    assert page.status_code == 400 and "nothing-ticked" in page.text and "tick at least one change kind" in page.text
    quiet = public.client.get("/", params={"policy": "dsp4003"})  # choosing a policy is not a question
    assert quiet.status_code == 200 and "nothing-ticked</strong>" not in quiet.text


def test_a_decision_offers_to_open_a_case(public):
    page = public.client.get("/", params={"policy": "dsp4003@1.2.0", "change": "new_register",
                                          "committees": "Technical Committee"})
    assert 'id="open-case"' in page.text and 'name="committee" value="Technical Committee"' in page.text
    opened = public.client.post("/cases", data={"change": ["new_register"], "committee": ["Technical Committee"],
                                                "policy": "dsp4003@1.2.0", "token": public.tokens["chair"]},
                                follow_redirects=False)
    assert opened.status_code == 303
    state = public.client.get(f"/v1{opened.headers['location'].split('?')[0]}").json()
    assert state["committees"] == ["Technical Committee"] and state["policy"] == "dsp4003@1.2.0"


def test_the_diff_page_leads_with_the_answer(public):
    registers = FIXTURES / "registers"
    page = public.client.post("/diff", files={"old": ("esa-1.0.txt", (registers / "esa-1.0.txt").read_bytes()),
                                              "new": ("esa-1.1.txt", (registers / "esa-1.1.txt").read_bytes())},
                              data={"policy": "dsp4003@1.2.0"}).text
    assert page.index('id="decision"') < page.index('id="changes"') < page.index('id="diff"')
    assert '<details class="fold"><summary>' in page and "editorial" in page
    assert '<option value="dsp4003@1.2.0" selected>' in page  # the choice is kept
    assert 'id="open-case"' in page and 'name="change" value="scope_extension"' in page


def test_a_case_opened_from_a_diff_has_the_diffs_gates(public):
    import re

    registers = FIXTURES / "registers"
    response = public.client.post("/diff", files={
        "old": ("esa-1.0.txt", (registers / "esa-1.0.txt").read_bytes()),
        "new": ("esa-1.1.txt", (registers / "esa-1.1.txt").read_bytes())})
    [form] = re.findall(r'<form class="card" method="post" action="/cases" id="open-case">(.*?)</form>', response.text)
    fields: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form):
        fields.setdefault(name, []).append(value.replace("&amp;", "&"))
    opened = public.client.post("/cases", data={**fields, "token": public.tokens["chair"]}, follow_redirects=False)
    assert opened.status_code == 303
    state = public.client.get(f"/v1{opened.headers['location'].split('?')[0]}").json()
    [logged] = public.client.get("/v1/decisions", params={"kind": "diff"}, headers=public.auth("auditor")).json()
    wanted = {item["gate"] for item in logged["result"]["decision"]["required"]}
    gates = {gate["gate"] for group in ("done", "next", "waiting", "stopped") for gate in state[group]}
    assert gates == wanted
