"""Numbers from a URL, a query or a header go through workreg.scalars: a 4xx, never a 500.

``str.isdigit()`` accepts ``²`` (which ``int()`` refuses: a 500 before) and ``٣`` (which
``int()`` reads as 3: another case than the one asked for).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("raw", ["²", "٣", "１", str(2**63), "9" * 40, "0"])
@pytest.mark.parametrize("path", ["/v1/cases/{}", "/v1/cases/{}/log", "/cases/{}"])
def test_a_case_id_that_is_not_one_is_not_found(server, path: str, raw: str):
    response = server.client.get(path.format(raw), headers=server.auth("reader"))
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("query", ["limit=²", "limit=٣", "after=²", "after=" + str(2**63), "limit=" + "9" * 40])
def test_a_decision_query_number_that_is_not_one_is_a_4xx(server, query: str):
    response = server.client.get(f"/v1/decisions?{query}", headers=server.auth("auditor"))
    assert response.status_code in (400, 422), response.text
    assert response.json()["code"] == "invalid-request"


@pytest.mark.parametrize("day", ["0015-01-05", "２０２６-01-05", "2026-02-30"])
def test_a_recorded_day_out_of_the_window_is_a_4xx(server, day: str):
    opened = server.client.post("/v1/cases", json={"changes": ["scope_extension"]}, headers=server.auth("chair"))
    assert opened.status_code in (200, 201), opened.text
    case = opened.json()["id"]
    response = server.client.post(f"/v1/cases/{case}/record", headers=server.auth("chair"), json={
        "gate": "originating_committee_ballot", "outcome": "approved", "date": day})
    assert response.status_code in (400, 422), response.text


def test_a_content_length_in_other_digits_is_a_400(server):
    response = server.client.post("/v1/approvals", content=b"{}", headers={
        **server.auth("reader"), "content-type": "application/json", "content-length": "²".encode("latin-1")})
    assert response.status_code in (400, 413), response.text
