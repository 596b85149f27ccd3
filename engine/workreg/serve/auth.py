"""Access tokens: who may read, who may write, and who may record which gate.

``workreg token create --role ROLE --name NAME`` makes a random bearer token, prints it once and
stores only its SHA-256 (a token is 256 random bits, so a plain hash is enough: there is nothing
to guess).  A token acts for named roles of the policy (``board``, ``alliance_partner``,
``originating_committee``...), optionally for one body of a role (``affected_committee:Cloud WG``),
only reads (``reader``), or reads and audits the decision log (``auditor``).  The rules:

- reads (policies, approvals, diff, compare, render, cases) need a token unless the server runs
  with ``--public-read``;
- the decision log (it shows who asked what) is read whole by ``auditor`` tokens; tokens acting for a
  role of the policy read it without the uploaded documents' content; ``reader`` tokens not at all;
- every write needs a token acting for at least one role of the policy;
- recording a gate needs a token for that gate's role (the approver the policy names for it):
  the Board's secretary cannot record the partner's acceptance.

No token: 401 ``unauthorized``; a token that may not do this: 403 ``forbidden`` or ``wrong-role``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from workreg.errors import CaseError, UsageError, WorkregError, did_you_mean

#: The role of a token that only reads.
READER = "reader"
#: The role of a token that reads the decision log whole (uploaded documents included) and otherwise only reads.
AUDITOR = "auditor"
#: Roles that are not roles of a policy: they read, never write.
READ_ONLY = (READER, AUDITOR)
TOKEN_PREFIX = "wr_"
#: Seconds a looked-up token is trusted before the database is asked again (revocation takes this long).
CACHE_SECONDS = 5.0
_ROLE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class AccessDenied(WorkregError):
    """The request lacks a token (401) or its token may not do this (403)."""

    def __init__(self, message: str, *, status: int, code: str, hint: str | None = None) -> None:
        super().__init__(message, code=code, hint=hint)
        self.status = status


@dataclass(frozen=True)
class Grant:
    """A role a token acts for, optionally for one named body of it (``affected_committee:Cloud WG``)."""

    role: str
    name: str | None = None

    @classmethod
    def parse(cls, spec: str) -> "Grant":
        role, _, name = spec.partition(":")
        role, name = role.strip(), name.strip()
        if not _ROLE.match(role):
            raise UsageError(f"a role is a policy role id such as 'board', not '{spec}'", code="bad-role")
        return cls(role, name or None)

    def covers(self, approver: str, body: str) -> bool:
        """Whether this grant may record a gate whose approver role is ``approver``, held by ``body``."""
        return self.role == approver and (self.name is None or self.name == body)

    def __str__(self) -> str:
        return self.role if self.name is None else f"{self.role}:{self.name}"


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a token's name and grants, or anonymous."""

    name: str
    token_id: str | None
    grants: tuple[Grant, ...]

    @property
    def anonymous(self) -> bool:
        return self.token_id is None

    @property
    def can_write(self) -> bool:
        return any(grant.role not in READ_ONLY for grant in self.grants)

    @property
    def auditor(self) -> bool:
        """Whether the token reads the decision log whole, uploaded documents included."""
        return any(grant.role == AUDITOR for grant in self.grants)

    def may_record(self, approver: str, body: str) -> bool:
        return any(grant.covers(approver, body) for grant in self.grants)

    def roles(self) -> list[str]:
        return [str(grant) for grant in self.grants]


ANONYMOUS = Principal("anonymous", None, ())


def hash_token(token: str) -> str:
    """What the database keeps of a token: SHA-256 of its text, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_grants(specs: Iterable[str], known: dict[str, dict]) -> tuple[Grant, ...]:
    """``--role`` values as grants; UsageError ``unknown-role`` for a role no served policy has."""
    grants = tuple(dict.fromkeys(Grant.parse(spec) for spec in specs))
    if not grants:
        raise UsageError("a token needs at least one --role", code="no-role")
    for grant in grants:
        if grant.role not in READ_ONLY and grant.role not in known:
            raise UsageError(
                f"no policy has a role '{grant.role}'", code="unknown-role",
                hint=did_you_mean(grant.role, [*known, *READ_ONLY])
                or f"roles: {', '.join(sorted(known))}, {', '.join(READ_ONLY)}",
            )
        if grant.role in READ_ONLY and grant.name:
            raise UsageError(f"'{grant.role}' takes no body name", code="bad-role")
    return grants


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
        raise UsageError("a token's --name is 1 to 100 printable characters", code="bad-name")
    return name


def create_token(store, name: str, grants: tuple[Grant, ...]) -> tuple[str, str]:
    """A new token for ``name`` acting for ``grants``: (its id, the token itself, shown only now)."""
    from workreg.cases.store import now

    from workreg.serve.store import insert_token

    name = _check_name(name)
    token_id = secrets.token_hex(4)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    insert_token(store, token_id, name, json.dumps([str(g) for g in grants]), hash_token(token), now())
    return token_id, token


def list_tokens(store) -> list[dict]:
    """Every token's id, name, roles, creation and revocation time (never the token)."""
    from workreg.serve.store import token_rows

    rows = token_rows(store)
    return [{"id": r[0], "name": r[1], "roles": json.loads(r[2]), "created_at": r[3], "revoked_at": r[4]}
            for r in rows]


def revoke_token(store, token_id: str) -> None:
    """Revoke a token (a running server stops accepting it within CACHE_SECONDS)."""
    from workreg.cases.store import now
    from workreg.serve.store import mark_revoked

    if not mark_revoked(store, token_id, now()):
        raise CaseError(f"no token '{token_id}'", code="unknown-token", hint="workreg token list shows them")


def find_token(store, token: str) -> Principal | None:
    """The principal a presented token acts as, or None when it is unknown or revoked."""
    from workreg.serve.store import live_token

    row = live_token(store, hash_token(token))
    if row is None:
        return None
    token_id, name, roles = row
    return Principal(name, token_id, tuple(Grant.parse(spec) for spec in json.loads(roles)))


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    return token


class _Flight:
    """One lookup under way; requests for the same token wait for it instead of asking the database too."""

    __slots__ = ("done", "result", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Principal | None = None
        self.error: BaseException | None = None


class TokenCache:
    """Looked-up tokens for CACHE_SECONDS, so a busy server asks the database once per token and interval.

    Single flight: when an entry expires under load, the first request looks the token up and the others
    wait for its answer (one query, not one per waiting request).
    """

    def __init__(self, lookup: Callable[[str], Principal | None], seconds: float = CACHE_SECONDS) -> None:
        self._lookup = lookup
        self._seconds = seconds
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()
        self.lookups = 0

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """(True, principal) when a fresh answer is cached, else (False, None)."""
        entry = self._entries.get(hash_token(token))
        if entry is not None and entry[0] > time.monotonic():
            return True, entry[1]
        return False, None

    def lookup(self, token: str) -> Principal | None:
        """The token's principal: cached, or the answer of the one lookup under way, or asked now (blocking)."""
        key = hash_token(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return entry[1]
            running = self._flights.get(key)
            leader = running is None
            flight = self._flights[key] = _Flight() if running is None else running
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.result
        try:
            self.lookups += 1
            flight.result = principal = self._lookup(token)
            with self._lock:
                if len(self._entries) > 10_000:  # unknown tokens are cached too: keep the table bounded
                    self._entries.clear()
                self._entries[key] = (time.monotonic() + self._seconds, principal)
            return principal
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()
