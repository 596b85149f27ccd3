"""Every endpoint answers with the CLI's JSON, byte for byte: the same functions produce both."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from workreg.cli import main

REGISTERS = FIXTURES / "registers"


def cli(capsys, *argv: str) -> str:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return out


@pytest.mark.parametrize("body, argv", [
    ({"changes": ["scope_extension"]}, ["scope_extension"]),
    ({"changes": ["new_register", "contact_change"], "committees": ["Technical Committee", "Cloud Management Working Group"]},
     ["new_register", "contact_change", "--committee", "Technical Committee", "--committee", "Cloud Management Working Group"]),
    ({"changes": ["scope_extension"], "policy": "dsp4003@1.1"}, ["scope_extension", "--policy", "dsp4003@1.1"]),
    ({"changes": ["scope_extension"], "on": "2006-06-01"}, ["scope_extension", "--on", "2006-06-01"]),
    ({"changes": ["new_register"], "originating": "Technical Committee"},
     ["new_register", "--originating", "Technical Committee"]),
])
def test_approvals_is_the_cli_json(public, capsys, body, argv):
    response = public.client.post("/v1/approvals", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.content.decode() == cli(capsys, "approvals", *argv, "--format", "json")
    assert len(response.headers["workreg-decision-id"]) == 32


def test_policies_is_the_cli_json(public, capsys):
    assert public.client.get("/v1/policies").text == cli(capsys, "policies", "--format", "json")


@pytest.mark.parametrize("old, new, extra", [
    ("esa-1.0.txt", "esa-1.1.txt", {}),
    ("esa-1.0.txt", "esa-1.1.txt", {"on": "2006-06-01", "policy": "dsp4003"}),
    ("esa-1.1.txt", "esa-1.0.txt", {"policy": "dsp4003@1.1"}),
])
def test_diff_is_the_cli_json(public, capsys, monkeypatch, old, new, extra):
    files = {"old": (old, (REGISTERS / old).read_bytes(), "text/plain"),
             "new": (new, (REGISTERS / new).read_bytes(), "text/plain")}
    response = public.client.post("/v1/diff", files=files, data=extra)
    assert response.status_code == 200, response.text
    monkeypatch.chdir(REGISTERS)
    argv = ["diff", old, new, "--format", "json"]
    for key, value in extra.items():
        argv += [f"--{key}", value]
    assert response.text == cli(capsys, *argv)


def test_diff_reads_a_docx_upload(public, capsys, tmp_path, monkeypatch):
    from tests.registers.docx_builder import SAMPLE_BLOCKS, build_docx

    old = build_docx(tmp_path / "nsg-1.0.docx", SAMPLE_BLOCKS)
    changed = [block if block != "- Joint SPDM test events" else "- Joint SPDM and Redfish test events"
               for block in SAMPLE_BLOCKS]
    new = build_docx(tmp_path / "nsg-1.1.docx", [*changed[:8], "- Joint PLDM work", *changed[8:]])
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = public.client.post("/v1/diff", files={"old": (old.name, old.read_bytes(), docx_type),
                                                     "new": (new.name, new.read_bytes(), docx_type)})
    assert response.status_code == 200, response.text
    monkeypatch.chdir(tmp_path)
    assert response.text == cli(capsys, "diff", old.name, new.name, "--format", "json")
    assert any(change["kind"] for change in response.json()["changes"])


def test_compare_is_the_cli_json(public, capsys):
    response = public.client.post("/v1/compare", json={"old": "dsp4003@1.1", "new": "dsp4003@1.2.0"})
    assert response.status_code == 200, response.text
    assert response.text == cli(capsys, "compare", "dsp4003@1.1", "dsp4003@1.2.0", "--format", "json")


def test_render_dot_is_the_cli_output_and_svg_is_drawn(public, capsys):
    dot = public.client.get("/v1/render", params={"policy": "dsp4003@1.2.0", "change": "scope_extension",
                                                  "format": "dot"})
    assert dot.status_code == 200 and dot.headers["content-type"].startswith("text/vnd.graphviz")
    assert dot.text == cli(capsys, "render", "dsp4003@1.2.0", "--change", "scope_extension")
    svg = public.client.get("/v1/render", params={"policy": "dsp4003@1.2.0", "change": "scope_extension"})
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text and "Board" in svg.text


def test_cases_are_the_cli_json(public, capsys):
    opened = public.client.post("/v1/cases", json={"changes": ["scope_extension"], "title": "ESA scope"},
                                headers=public.auth("chair"))
    assert opened.status_code == 201, opened.text
    case_id = str(opened.json()["id"])
    assert opened.text == cli(capsys, "case", "status", case_id, "--db", public.db, "--format", "json")
    recorded = public.client.post(f"/v1/cases/{case_id}/record", headers=public.auth("chair"), json={
        "gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05", "ref": "ballot 7"})
    assert recorded.status_code == 200, recorded.text
    assert recorded.text == cli(capsys, "case", "status", case_id, "--db", public.db, "--format", "json")
    assert public.client.get(f"/v1/cases/{case_id}").text == recorded.text
    assert public.client.get(f"/v1/cases/{case_id}/log").text == cli(
        capsys, "case", "log", case_id, "--db", public.db, "--format", "json")
    assert public.client.get("/v1/cases").text == cli(capsys, "case", "list", "--db", public.db, "--format", "json")
    assert public.client.get("/v1/cases", params={"open": "true"}).text == cli(
        capsys, "case", "list", "--open", "--db", public.db, "--format", "json")


def _success_schemas(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    for media, content in response.get("content", {}).items():
                        yield f"{method.upper()} {path} {status} {media}", content["schema"]


def test_every_json_success_body_is_typed_in_openapi(public):
    document = public.client.get("/openapi.json").json()
    untyped = [where for where, schema in _success_schemas(document)
               if where.endswith("application/json") and "$ref" not in schema and "$ref" not in schema.get("items", {})]
    assert untyped == []
    for where, schema in _success_schemas(document):
        name = (schema.get("$ref") or schema.get("items", {}).get("$ref") or "").rsplit("/", 1)[-1]
        assert not name or name in document["components"]["schemas"], where


def test_every_status_an_endpoint_answers_is_documented(public):
    document = public.client.get("/openapi.json").json()
    decisions = document["paths"]["/v1/decisions"]["get"]["responses"]
    assert {"200", "401", "403", "422"} <= set(decisions)
    for path in ("/v1/approvals", "/v1/compare", "/v1/cases/{id}/record"):
        operation = next(iter(document["paths"][path].values()))
        assert {"408", "413", "415", "422"} <= set(operation["responses"]), path
    assert "workreg-next" in document["paths"]["/v1/cases"]["get"]["responses"]["200"]["headers"]
    # An answer the server gives is one the document lists.
    bad = public.client.get("/v1/decisions", params={"limit": "0"}, headers=public.auth("auditor"))
    assert bad.status_code == 422 and "422" in decisions


def test_real_answers_fit_their_models(public):
    from workreg.serve import contracts

    chair = public.auth("chair")
    checks = [
        (contracts.Decision, public.client.post("/v1/approvals", json={"changes": ["scope_extension"],
                                                                       "on": "2024-01-01"}).json()),
        (contracts.Comparison, public.client.post("/v1/compare", json={"old": "dsp4003@1.1",
                                                                       "new": "dsp4003@1.2.0"}).json()),
        (contracts.Health, public.client.get("/healthz").json()),
    ]
    checks += [(contracts.PolicyRow, row) for row in public.client.get("/v1/policies").json()]
    files = {"old": ("esa-1.0.txt", (REGISTERS / "esa-1.0.txt").read_bytes()),
             "new": ("esa-1.1.txt", (REGISTERS / "esa-1.1.txt").read_bytes())}
    checks.append((contracts.DiffReport, public.client.post("/v1/diff", files=files).json()))
    case = public.client.post("/v1/cases", headers=chair, json={"changes": ["new_register"],
                                                               "committees": ["Technical Committee"]}).json()
    checks.append((contracts.CaseStatus, case))
    checks.append((contracts.CaseStatus, public.client.post(
        f"/v1/cases/{case['id']}/record", headers=chair,
        json={"gate": "originating_committee_ballot", "outcome": "approved", "date": "2026-01-05"}).json()))
    checks.append((contracts.Migration, public.client.post(f"/v1/cases/{case['id']}/migrate", headers=chair,
                                                           json={"policy": "dsp4003@1.1"}).json()))
    checks += [(contracts.CaseRow, row) for row in public.client.get("/v1/cases").json()]
    checks += [(contracts.Event, event) for event in public.client.get(f"/v1/cases/{case['id']}/log").json()]
    checks += [(contracts.LoggedDecision, row)
               for row in public.client.get("/v1/decisions", headers=public.auth("auditor")).json()]
    for model, body in checks:
        model.model_validate(body)
