"""Bad requests get JSON errors with a code (4xx), never a traceback; no file path reaches the policy registry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workreg.cli import main


@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/passwd", "policies/dsp4003/1.2.0.yaml", "dsp4003.yaml",
                                 "dsp4003@../1.1", "dsp4003@1.2.0/../../x", "C:\\policies\\x", ""])
def test_policy_refs_cannot_name_files(public, ref):
    response = public.client.post("/v1/approvals", json={"changes": ["scope_extension"], "policy": ref})
    assert response.status_code == 422 and response.json()["field"] == "policy"
    render = public.client.get("/v1/render", params={"policy": ref})
    assert render.status_code in (400, 422) and render.json()["code"] in ("bad-policy-ref", "invalid-request")


@pytest.mark.parametrize("ref, code", [("nope", "unknown-policy"), ("dsp4003@9.9", "unknown-policy-version")])
def test_unknown_policies_are_404(public, ref, code):
    response = public.client.post("/v1/compare", json={"old": ref, "new": "dsp4003"})
    assert response.status_code == 404 and response.json()["code"] == code


@pytest.mark.parametrize("body, status, code", [
    (b"", 400, "bad-json"), (b"{", 400, "bad-json"), (b"[]", 422, "invalid-request"),
    (b'{"changes": []}', 422, "invalid-request"), (b'{"changes": ["scope_extension"], "extra": 1}', 422, "invalid-request"),
    (b'{"changes": ["x\\u0000"]}', 422, "invalid-request"), (b'{"changes": ["nope"]}', 400, "unknown-change-kind"),
    (b'{"changes": ["scope_extension"], "on": "2006-13-45"}', 400, "bad-date"),
    (b'{"changes": ["scope_extension"], "on": "1999-01-01"}', 400, "before-first-version"),
    (b'{"changes": ["scope_extension"], "on": "2006-06-01", "policy": "dsp4003@1.1"}', 400, "on-with-version"),
])
def test_bad_bodies_are_4xx_with_a_code(public, body, status, code):
    response = public.client.post("/v1/approvals", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


@pytest.mark.parametrize("method, path, status, code", [
    ("get", "/v1/nothing", 404, "not-found"), ("delete", "/v1/approvals", 405, "method-not-allowed"),
    ("get", "/v1/cases/0", 404, "unknown-case"), ("get", "/v1/cases/99999999999999999999", 404, "unknown-case"),
    ("get", "/v1/cases/7", 404, "unknown-case"), ("get", "/v1/cases/x/log", 404, "unknown-case"),
    ("get", "/v1/cases?open=maybe", 422, "invalid-request"),
    ("get", "/v1/render?policy=dsp4003&format=png", 422, "invalid-request"),
    ("get", "/v1/render?policy=dsp4003&change=nope", 400, "unknown-change-kind"),
])
def test_unknown_things_are_json_errors(public, method, path, status, code):
    response = getattr(public.client, method)(path)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def test_diff_needs_two_documents_and_reports_a_bad_one(public):
    missing = public.client.post("/v1/diff", files={"old": ("a.txt", b"x")})
    assert missing.status_code == 422 and missing.json()["field"] == "new"
    binary = public.client.post("/v1/diff", files={"old": ("a.txt", b"\x00\x01\x02"), "new": ("b.txt", b"y")})
    assert binary.status_code == 400 and binary.json()["code"] == "binary"
    assert binary.json()["file"] == "a.txt"  # the caller's own file name, never a server path
    bad_docx = public.client.post("/v1/diff", files={"old": ("a.docx", b"PK\x03\x04junk"), "new": ("b.txt", b"y")})
    assert bad_docx.status_code == 400 and bad_docx.json()["code"] == "bad-docx"
    not_multipart = public.client.post("/v1/diff", content=b"old=1", headers={"content-type": "text/plain"})
    assert not_multipart.status_code == 422


def test_bodies_over_10_mb_are_refused(public):
    big = b"x" * (10 * 1024 * 1024 + 1)
    declared = public.client.post("/v1/approvals", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and declared.json()["code"] == "too-large"

    def chunks():  # no Content-Length: counted as it streams in
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    streamed = public.client.post("/v1/approvals", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["code"] == "too-large"
    upload = public.client.post("/v1/diff", files={"old": ("a.txt", big), "new": ("b.txt", b"y")})
    assert upload.status_code == 413


def test_an_internal_error_is_a_json_500_without_a_traceback(public, monkeypatch, capsys):
    def explode(*args, **kwargs):
        raise RuntimeError("secret detail /srv/workreg/engine.py")

    monkeypatch.setattr(public.app.state.service.decider, "approvals", explode)
    response = public.client.post("/v1/approvals", json={"changes": ["scope_extension"]})
    assert response.status_code == 500 and response.json()["code"] == "internal"
    assert "Traceback" not in response.text and "secret" not in response.text and "/srv" not in response.text
    assert "RuntimeError" in capsys.readouterr().err  # the server's own log has it


def test_serve_without_the_extra_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr("workreg.serve.find_spec", lambda name: None if name == "uvicorn" else object())
    assert main(["serve", "--db", "unused.db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workreg: missing-serve: workreg serve needs uvicorn, which is not installed")
    assert "pip install 'workreg[serve]'" in err


def test_the_cli_starts_without_the_server_modules():
    code = ("import sys; from workreg.cli import main; code = main(['approvals', 'scope_extension']); "
            "loaded = [m for m in ('starlette', 'uvicorn', 'multipart', 'workreg.serve.app') if m in sys.modules]; "
            "print(loaded, file=sys.stderr); sys.exit(code or bool(loaded))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_token_create_checks_roles_and_prints_the_token_once(tmp_path, capsys):
    db = str(tmp_path / "t.db")
    assert main(["token", "create", "--role", "bord", "--name", "x", "--db", db]) == 2
    assert "did you mean 'board'" in capsys.readouterr().err
    assert main(["token", "create", "--role", "board", "--role", "affected_committee:Cloud WG",
                 "--name", "Board secretary", "--db", db]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("wr_") and len(token) > 40 and "shown only now" in err
    assert main(["token", "list", "--db", db, "--format", "json"]) == 0
    listed = capsys.readouterr().out
    assert token not in listed and '"affected_committee:Cloud WG"' in listed
