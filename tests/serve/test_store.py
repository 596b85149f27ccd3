"""Serve's own tables: their own migrations, adopted from databases an older workreg made; a pool bounded per process."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from workreg.cases.store import MIGRATIONS as CASE_MIGRATIONS, open_store
from workreg.errors import CaseError
from workreg.serve import store as serve_store
from workreg.serve.auth import Grant, create_token, find_token, list_tokens
from workreg.serve.store import SERVE, open_pool, open_serve_store

ENGINE = Path(__file__).resolve().parents[2] / "engine" / "workreg"


def test_serve_keeps_its_tables_in_its_own_schema(any_db):
    with open_store(any_db) as store:  # the cases alone make no token table
        assert not store.has_table("tokens") and not store.has_table("decisions")
    with open_serve_store(any_db) as store:
        assert store.schema_version(SERVE) == serve_store.MIGRATIONS[-1].version
        assert store.schema_version() == CASE_MIGRATIONS[-1].version
        rows = store.execute("SELECT version FROM workreg_serve_schema ORDER BY version")
        assert [row[0] for row in rows] == [m.version for m in serve_store.MIGRATIONS]


def test_a_database_of_an_older_workreg_is_adopted_not_recreated(any_db):
    with open_store(any_db) as store:  # as the cases' version 2 used to: serve's tables, no serve schema
        with store.write():
            for statement in serve_store.MIGRATIONS[0].statements(store.dialect):
                store.execute(statement)

        store.execute("INSERT INTO tokens (id, name, roles, hash, created_at) VALUES (?, ?, ?, ?, ?)",
                      ("0ld70ken", "Old", '["board"]', "ab" * 32, "2025-01-01T00:00:00Z"))
    with open_serve_store(any_db) as store:
        assert store.schema_version(SERVE) == serve_store.MIGRATIONS[-1].version
        assert [row["id"] for row in list_tokens(store)] == ["0ld70ken"]
        descriptions = store.execute("SELECT version, description FROM workreg_serve_schema ORDER BY version")
        assert descriptions[0][0] == 1


def test_a_newer_serve_schema_is_refused(sqlite_db):
    with open_serve_store(sqlite_db) as store:
        with store.write():
            store.execute("INSERT INTO workreg_serve_schema (version, description, applied_at) VALUES (?, ?, ?)",
                          (99, "from the future", "2099-01-01T00:00:00Z"))
    with pytest.raises(CaseError) as refused:
        open_serve_store(sqlite_db)
    assert refused.value.code == "db-too-new" and "serve schema" in refused.value.message


def test_no_sql_on_serves_tables_outside_its_store_module():
    pattern = re.compile(r"(FROM|INTO|UPDATE|JOIN)\s+(tokens|decisions|decision_results)\b", re.I)
    offenders = [str(path.relative_to(ENGINE)) for path in ENGINE.rglob("*.py")
                 if path.name != "store.py" or path.parent.name != "serve"
                 if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pool_checks_the_schema_once_and_lends_connections(sqlite_db):
    with open_pool(sqlite_db, 3) as pool:
        with pool.connection() as store:
            assert {"cases", "serve"} <= store.checked
            token = create_token(store, "Board secretary", (Grant("board"),))[1]
        with pool.connection() as again:
            assert again is store  # the idle connection is lent again, not reopened
            assert find_token(again, token).name == "Board secretary"


def test_the_pool_never_holds_more_postgresql_connections_than_its_size(postgres_server):
    import psycopg

    from tests.cases.conftest import fresh_schema

    url = fresh_schema(postgres_server)
    size, workers = 3, 16
    seen = []
    with open_pool(url, size) as pool:
        def work():
            for _ in range(5):
                with pool.connection() as store:
                    with store.read() as tx:
                        tx.store.execute("SELECT pg_sleep(0.01)")
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        with psycopg.connect(postgres_server, autocommit=True) as watcher:
            while any(thread.is_alive() for thread in threads):
                seen.append(watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = '' AND backend_type = "
                    "'client backend' AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'").fetchone()[0])
        for thread in threads:
            thread.join()
    assert seen and max(seen) <= size


def test_an_expired_token_is_looked_up_once_however_many_requests_wait():
    import time

    from workreg.serve.auth import Principal, TokenCache

    calls = []

    def slow_lookup(token):
        calls.append(token)
        time.sleep(0.05)
        return Principal("Board secretary", "t1", (Grant("board"),))

    cache = TokenCache(slow_lookup, seconds=60)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(cache.lookup("wr_same"))) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(answers) == 30 and {a.name for a in answers} == {"Board secretary"}


def test_a_failed_lookup_reaches_every_waiting_request_and_is_not_cached():
    import time

    from workreg.serve.auth import TokenCache

    calls = []

    def failing(token):
        calls.append(token)
        time.sleep(0.05)
        raise CaseError("database down", code="db-unavailable")

    cache = TokenCache(failing)
    errors = []

    def ask():
        try:
            cache.lookup("wr_x")
        except CaseError as exc:
            errors.append(exc.code)

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == ["db-unavailable"] * 10 and len(calls) == 1
    assert cache.cached("wr_x") == (False, None)


def test_a_postgresql_server_that_goes_away_is_503_not_a_bad_request(postgres_server):
    import psycopg

    from tests.cases.conftest import fresh_schema
    from workreg.serve.decisions import status_for

    url = fresh_schema(postgres_server)
    with open_serve_store(url) as store:
        with psycopg.connect(postgres_server, autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", (store.connection.info.backend_pid,))
        with pytest.raises(CaseError) as gone:
            store.execute("SELECT 1")
    assert gone.value.code == "db-unavailable" and status_for(gone.value) == 503


def test_the_command_and_the_store_agree_on_the_default_pool():
    from workreg.cases.store import DEFAULT_POOL_SIZE
    from workreg.cli.serve import DEFAULT_POOL_SIZE as COMMAND_DEFAULT

    assert COMMAND_DEFAULT == DEFAULT_POOL_SIZE
