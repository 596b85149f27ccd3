"""GET /v1/registers.ics: the review calendar of the registers a server was started with, as the CLI prints it."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.serve.conftest import Server
from workreg.cli import main

REGISTERS = [FIXTURES / "registers" / "esa-1.0.txt", FIXTURES / "registers" / "esa-1.1.txt"]


def test_the_feed_is_the_cli_calendar(sqlite_db, capsys):
    icalendar = pytest.importorskip("icalendar", reason="icalendar reads the feed back: pip install -e '.[test]'")
    with Server(sqlite_db, registers=REGISTERS) as server:
        answer = server.client.get("/v1/registers.ics", headers=server.auth("reader"))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    main(["registers", *map(str, REGISTERS), "--format", "ics"])
    assert answer.text == capsys.readouterr().out
    events = list(icalendar.Calendar.from_ical(answer.content).walk("VEVENT"))
    assert len(events) == 1 and "esa-1.1.txt" in str(events[0]["DESCRIPTION"])


def test_the_feed_needs_a_reader(sqlite_db):
    with Server(sqlite_db, registers=REGISTERS) as server:
        assert server.client.get("/v1/registers.ics").status_code == 401


def test_a_server_without_registers_says_how_to_give_them(sqlite_db):
    with Server(sqlite_db) as server:
        answer = server.client.get("/v1/registers.ics", headers=server.auth("reader"))
    assert answer.status_code == 404
    assert answer.json()["code"] == "no-registers" and "--register" in answer.json()["hint"]
