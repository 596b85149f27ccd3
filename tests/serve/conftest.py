"""A workreg serve application on a fresh database (SQLite, or a schema of the throwaway PostgreSQL cluster),
tokens for the roles the tests act as, and the client that talks to it in-process."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("starlette", reason="workreg serve needs the 'serve' extra: pip install -e '.[serve]'")
pytest.importorskip("httpx", reason="the in-process client needs httpx (the 'test' extra)")

from tests.cases.conftest import fresh_schema, postgres_server  # noqa: E402,F401 - the cluster fixture, shared

#: The tokens the tests use: fixture name → (roles, holder's name).
ROLES = {
    "chair": (["originating_committee"], "Alliance Committee chair"),
    "board": (["board"], "Board secretary"),
    "partner": (["alliance_partner"], "Partner liaison"),
    "reader": (["reader"], "Portal"),
    "auditor": (["auditor"], "Process auditor"),
    "technical": (["affected_committee:Technical Committee"], "Technical Committee chair"),
}


def make_tokens(db: str, wanted: dict) -> dict:
    """New tokens in ``db``: key → token for each key → (roles, holder's name) of ``wanted``."""
    from workreg.cases.store import open_store
    from workreg.serve.auth import Grant, create_token

    with open_store(db) as store:
        return {key: create_token(store, name, tuple(Grant.parse(role) for role in roles))[1]
                for key, (roles, name) in wanted.items()}


def make_token(db: str, roles, name: str) -> str:
    """A new token in ``db`` acting for ``roles``."""
    return make_tokens(db, {"token": (roles, name)})["token"]


class Server:
    """An app on ``db`` with a client, and bearer headers for each role in ROLES."""

    def __init__(self, db: str, *, public_read: bool = False, policy_dirs=(), registers=()) -> None:
        with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx serves the tests as well
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        from workreg.serve.app import Settings, create_app

        self.db = db
        self.tokens = make_tokens(db, ROLES)
        self.app = create_app(Settings(db=db, public_read=public_read, policy_dirs=tuple(policy_dirs),
                                       registers=tuple(str(r) for r in registers)))
        # The page's forms are posted from its own origin, as a browser does (Origin names this host).
        self.client = TestClient(self.app, raise_server_exceptions=False, headers={"origin": "http://testserver"})

    def auth(self, who: str) -> dict:
        return {"authorization": f"Bearer {self.tokens[who]}"}

    def __enter__(self) -> "Server":
        self.client.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.client.__exit__(*exc)


@pytest.fixture
def sqlite_db(tmp_path) -> str:
    return str(tmp_path / "serve.db")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path) -> str:
    """A fresh database on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "serve.db")
    return fresh_schema(request.getfixturevalue("postgres_server"))


@pytest.fixture
def server(sqlite_db):
    """A server that needs tokens for reads, on SQLite."""
    with Server(sqlite_db) as running:
        yield running


@pytest.fixture
def public(sqlite_db):
    """A server with --public-read, on SQLite."""
    with Server(sqlite_db, public_read=True) as running:
        yield running
