"""The store: numbered migrations, an append-only log the database itself enforces, and foreign databases refused."""

from __future__ import annotations

import pytest

from workreg.cases.events import Opened, Recorded, decode, encode
from workreg.cases.service import PinnedPolicy, open_case, status
from workreg.cases.store import MIGRATIONS, Migration, open_store, redact
from workreg.errors import CaseError
from workreg.policy.registry import get_policy
from tests.conftest import FIXTURES

POLICY_DIR = FIXTURES / "policies" / "cases"


def _opened(store):
    return open_case(store, PinnedPolicy.of(get_policy("relay@1.0", [POLICY_DIR])), changes=["small"], by="t")


def test_migrations_are_numbered_and_applied_once(db_url):
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    with open_store(db_url) as store:
        assert store.schema_version() == MIGRATIONS[-1].version
        _opened(store)
    with open_store(db_url) as store:  # a second use applies nothing and keeps the data
        rows = store.execute("SELECT version, description FROM workreg_schema ORDER BY version")
        assert [row[0] for row in rows] == [m.version for m in MIGRATIONS]
        assert status(store, 1).changes == ("small",)


def test_a_later_migration_is_applied_on_next_use(db_url, monkeypatch):
    with open_store(db_url) as store:
        _opened(store)
    later = Migration(len(MIGRATIONS) + 1, "a later feature's table",
                      sqlite=("CREATE TABLE later_feature (id INTEGER PRIMARY KEY)",))
    monkeypatch.setattr("workreg.cases.store.MIGRATIONS", [*MIGRATIONS, later])
    with open_store(db_url) as store:
        assert store.schema_version() == later.version and store.has_table("later_feature")
        assert status(store, 1).title == "small"


def test_a_database_of_a_newer_workreg_is_refused(db_url):
    with open_store(db_url) as store:
        with store.write():
            store.execute("INSERT INTO workreg_schema (version, description, applied_at) VALUES (?, ?, ?)",
                          (99, "from the future", "2099-01-01T00:00:00Z"))
    with pytest.raises(CaseError) as refused:
        open_store(db_url)
    assert refused.value.code == "db-too-new"


@pytest.mark.parametrize("statement", [
    "UPDATE events SET data = '{}'", "DELETE FROM events", "UPDATE cases SET opened_at = 'x'",
    "DELETE FROM policies",
])
def test_the_database_refuses_to_change_the_log(db_url, statement):
    with open_store(db_url) as store:
        _opened(store)
        with pytest.raises(CaseError) as refused:
            with store.write():
                store.execute(statement)
        assert "append-only" in refused.value.message
        assert status(store, 1).events[0].payload.changes == ("small",)


def test_a_pinned_text_edited_in_the_database_is_detected(sqlite_url):
    with open_store(sqlite_url) as store:
        _opened(store)
        store.execute("DROP TRIGGER policies_append_only_update")
        store.execute("UPDATE policies SET text = text || '# edited'")
    from workreg.cases.service import PolicyCache

    PolicyCache._compiled.clear()  # as a fresh process would
    with open_store(sqlite_url) as store, pytest.raises(CaseError) as error:
        status(store, 1)
    assert error.value.code == "bad-event" and "does not match its hash" in error.value.message


@pytest.mark.parametrize("kind,data", [
    ("recorded", "not json"),
    ("recorded", '{"gate": "g", "outcome": "maybe", "date": "2026-01-01"}'),
    ("recorded", '{"gate": "g", "outcome": "approved"}'),
    ("recorded", '{"gate": 1, "outcome": "approved", "date": "2026-01-01"}'),
    ("opened", '{"policy": "p", "title": "t", "changes": [1]}'),
    ("opened", '{"policy": "p", "title": "t", "changes": [], "extra": 1}'),
    ("vanished", "{}"),
])
def test_stored_events_are_validated(kind, data):
    with pytest.raises(CaseError) as error:
        decode(kind, data, case_id=1, seq=2)
    assert error.value.code == "bad-event"


@pytest.mark.parametrize("payload", [
    Opened("relay@1.0", "t", ("big",), ("P1",), "Council", {"from": "change"}, None),
    Recorded("office_ballot", "rejected", "2026-01-01", "ballot 7", "a note", True),
])
def test_events_round_trip(payload):
    assert decode(payload.kind, encode(payload), case_id=1, seq=1) == payload


@pytest.mark.parametrize("url,shown", [
    ("postgresql://user:secret@host/db", "postgresql://user:***@host/db"),
    ("postgresql://user@host/db", "postgresql://user@host/db"),
    ("cases.db", "cases.db"),
])
def test_passwords_never_appear_in_messages(url, shown):
    assert redact(url) == shown
