"""``POST /v1/analyze`` and the page's analysis view."""

from __future__ import annotations

CONTACT_NEVER_BOARD = {"id": "contact-never-board", "for": {"includes": ["contact_change"]},
                       "expect": {"not_requires": "board"}}


def test_analyze_returns_the_cli_json(public):
    answer = public.client.post("/v1/analyze", json={"policy": "dsp4003@1.2.0", "properties": [CONTACT_NEVER_BOARD]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["policy"] == "dsp4003@1.2.0" and body["combinations"] == 255 and body["holds"] is False
    (prop,) = body["properties"]
    assert prop["counterexample"] == ["new_register", "contact_change"] and prop["clauses"][0]["section"] == "3.2"
    assert {check["id"] for check in body["checks"]} >= {"silent-kind", "dead-order", "separated-parallel"}


def test_analyze_without_properties_runs_the_checks(public):
    body = public.client.post("/v1/analyze", json={"policy": "rfc@2.0"}).json()
    assert body["properties"] == [] and body["holds"] is True


def test_analyze_refuses_bad_input(public, server):
    bad = public.client.post("/v1/analyze", json={"policy": "dsp4003", "properties": [{"id": "x", "expect": {}}]})
    assert bad.status_code == 400 and bad.json()["code"] == "bad-properties"
    unknown = public.client.post("/v1/analyze", json={"policy": "dsp4003", "properties": [
        {"id": "x", "expect": {"requires": "bord"}}]})
    assert unknown.status_code in (400, 404) and unknown.json()["code"] == "unknown-name"
    assert public.client.post("/v1/analyze", json={"policy": "nope"}).status_code == 404
    assert server.client.post("/v1/analyze", json={"policy": "dsp4003"}).status_code == 401


def test_the_page_shows_the_shipped_properties_and_their_verdicts(public):
    page = public.client.get("/analysis?policy=dsp4003@1.2.0")
    assert page.status_code == 200
    assert "adoption-needs-the-alliance-committee" in page.text and "everything holds" in page.text
    failing = public.client.post("/analysis", data={
        "policy": "dsp4003@1.2.0",
        "properties": "properties:\n  - id: contact-never-board\n    for: {includes: [contact_change]}\n"
                      "    expect: {not_requires: board}\n"})
    assert failing.status_code == 200
    assert "Smallest counterexample: <strong>new_register + contact_change</strong>" in failing.text
    broken = public.client.post("/analysis", data={"policy": "dsp4003@1.2.0", "properties": "properties: 3\n"})
    assert broken.status_code == 400 and "bad-properties" in broken.text
