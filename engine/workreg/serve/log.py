"""The decision log, as OPA keeps one: every decision served, with who asked, when, under which policy text.

A row holds the time (UTC, milliseconds), the caller (a token's name, or ``anonymous``) and token id,
the kind (``approvals``, ``diff``, ``case.open``, ``case.record``, ``case.migrate``), the policy ref
and the SHA-256 of its text (the text itself is kept once per hash, in the table cases pin theirs
in), the input as JSON and the result exactly as served (bodies are kept once per hash too), and
the HTTP status.  The tables are append-only (the database refuses UPDATE and DELETE).

Durability: a decision is answered only once its row is committed.  Requests hand their rows to
one writer thread, which commits whatever has gathered in one transaction (group commit) and then
releases the waiting requests.  So every answer a client received is in the log, a crash of the
server loses only requests that were never answered, and a log that cannot be written turns
requests into 503 ``decision-log-unavailable`` rather than unlogged answers.  On shutdown the
writer drains what is queued before it stops.  By default a commit is not flushed to disk at once
(SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL ``synchronous_commit=off``): the database
stays consistent, but a power failure or OS crash can drop the last moments of the log.
``fsync=True`` (``workreg serve --log-fsync``) waits for the flush before answering, at the cost
of a disk flush per batch.  Case transitions are logged inside the case's own transaction (the
event and its row commit together, flushed as every case write is).

Replay: the same input under the logged policy text gives the same result (:func:`replay`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
import threading
import itertools
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Sequence

from workreg.errors import CaseError, UsageError, WorkregError
from workreg.scalars import FIRST_YEAR, LAST_YEAR, year_in_window

if TYPE_CHECKING:
    from workreg.cases.service import PinnedPolicy

KINDS = ("approvals", "diff", "case.open", "case.record", "case.migrate")
#: Rows read back per request at most.
MAX_LIMIT = 1000
#: Seconds between checkpoints of a SQLite log's write-ahead log.
CHECKPOINT_SECONDS = 1.0
#: Result hashes the writer remembers as stored before it starts again (bodies repeat: same question, same answer).
_KNOWN_LIMIT = 100_000


def now_ms() -> str:
    """The current UTC time, ISO 8601 to the millisecond (fixed width, so text order is time order)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def compact(value) -> str:
    """JSON text of a logged input: compact, UTF-8 kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One decision as the log keeps it."""

    decision_id: str
    at: str
    caller: str
    token_id: str | None
    kind: str
    policy: str
    policy_hash: str
    input: str
    result: str
    status: int

    @property
    def result_hash(self) -> str:
        return hashlib.sha256(self.result.encode("utf-8")).hexdigest()


# A decision id: 16 random hex digits for this process, then a counter (unique without a system call each).
_PROCESS = PROCESS_ID = secrets.token_hex(8)
_COUNTER = itertools.count(1)


def new_entry(kind: str, principal, policy: str, policy_hash: str, input_value, result: str,
              status: int = 200) -> Entry:
    """A log entry for a decision just made for ``principal`` under the policy ``policy`` of text ``policy_hash``."""
    return Entry(f"{_PROCESS}{next(_COUNTER):016x}", now_ms(), principal.name, principal.token_id, kind, policy,
                 policy_hash, compact(input_value), result, status)


def insert(tx, entry: Entry, pinned: PinnedPolicy | None = None) -> None:
    """Write one entry in the transaction ``tx`` (with its policy text when ``pinned`` is given)."""
    insert_many(tx, [(entry, pinned)])


def insert_many(tx, batch: Sequence[tuple[Entry, PinnedPolicy | None]], *, known_policies: set[str] | None = None,
                known_results: set[str] | None = None) -> None:
    """Write entries in the transaction ``tx``: policy texts (``pinned``; None when a case already pinned it) and
    result bodies first, once per hash, then the rows, many per statement.

    Few statements matter: each one hands the interpreter lock to the event loop and back.
    """
    policies = {pinned.digest: pinned for _entry, pinned in batch
                if pinned is not None and (known_policies is None or pinned.digest not in known_policies)}
    for pinned in policies.values():
        tx.put_policy(pinned.digest, pinned.ref, pinned.text)
    results: dict[str, str] = {}
    for entry, _pinned in batch:
        digest = entry.result_hash
        if known_results is None or digest not in known_results:
            results.setdefault(digest, entry.result)
    from workreg.serve.store import insert_decisions, insert_results

    insert_results(tx, list(results.items()))
    insert_decisions(tx, [(entry.decision_id, entry.at, entry.caller, entry.token_id, entry.kind, entry.policy,
                           entry.policy_hash, entry.input, entry.result_hash, entry.status) for entry, _pinned in batch])


class LogUnavailable(WorkregError):
    """The decision log could not be written; the decision is not served."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="decision-log-unavailable", hint="the server's log says why")


class DecisionLog:
    """The group-committing writer: :meth:`record` returns once the entry's row is committed."""

    def __init__(self, url: str, *, fsync: bool = False, pool=None) -> None:
        self.url = url
        self.fsync = fsync
        #: Where the writer borrows its connection for as long as it runs (else it opens one of its own).
        self.pool = pool
        self._cond = threading.Condition()
        self._pending: list[tuple[Entry, object, asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._closing = False
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._stopped = threading.Event()
        self.written = 0
        self.batches = 0

    def start(self) -> "DecisionLog":
        """Open the database in the writer thread; raise here when it cannot be opened."""
        if self._thread is not None:
            raise RuntimeError("the decision log is already started")
        self._thread = threading.Thread(target=self._run, name="workreg-decision-log", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._start_error is not None:
            raise self._start_error
        return self

    async def record(self, entry: Entry, pinned) -> None:
        """Queue ``entry`` and wait until it is committed; LogUnavailable when it cannot be."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._cond:
            if self._closing or self._thread is None:
                raise LogUnavailable("the decision log is closed")
            self._pending.append((entry, pinned, loop, future))
            if len(self._pending) == 1:
                self._cond.notify()
        await future

    def close(self) -> None:
        """Write everything queued, then stop the writer."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()

    # -- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        import contextlib

        from workreg.serve.store import open_serve_store

        with contextlib.ExitStack() as held:
            try:
                if self.pool is not None:
                    store = held.enter_context(self.pool.connection())
                else:
                    store = held.enter_context(open_serve_store(self.url, create=True))
            except BaseException as exc:  # reported to start()
                self._start_error = exc
                self._ready.set()
                return
            self._serve(store)

    def _serve(self, store) -> None:
        if not self.fsync:
            # Committed, but not flushed to disk at every commit: the row survives a crash of this process;
            # the disk flush happens at checkpoints (SQLite) or within the server's WAL writer delay (PostgreSQL).
            store.execute("PRAGMA synchronous = NORMAL" if store.dialect == "sqlite" else "SET synchronous_commit = off")
        checkpoints = None
        if store.dialect == "sqlite":
            # Copying the write-ahead log into the database (and flushing it) is left to a thread of its own,
            # so no batch of answers waits for it.
            store.execute("PRAGMA wal_autocheckpoint = 0")
            checkpoints = threading.Thread(target=self._checkpoint, name="workreg-log-checkpoints", daemon=True)
            checkpoints.start()
        self._ready.set()
        known_policies: set[str] = set()
        known_results: set[str] = set()
        try:
            while True:
                with self._cond:
                    while not self._pending and not self._closing:
                        self._cond.wait()
                    batch, self._pending = self._pending, []
                    if not batch:
                        return  # closing, and nothing left
                self._write(store, batch, known_policies, known_results)
        finally:
            self._stopped.set()
            if checkpoints is not None:
                checkpoints.join()

    def _checkpoint(self) -> None:
        """Checkpoint the SQLite write-ahead log every CHECKPOINT_SECONDS (and once more at the end)."""
        import sqlite3

        from workreg.cases.store import LOCK_TIMEOUT_S

        path = self.url[len("sqlite:///"):] if self.url.startswith("sqlite:///") else self.url
        connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        try:
            while True:
                stopped = self._stopped.wait(CHECKPOINT_SECONDS)
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # the next round tries again; the log itself is unaffected
                    print(f"workreg serve: decision log checkpoint: {exc}", file=sys.stderr)
                if stopped:
                    return
        finally:
            connection.close()

    def _write(self, store, batch, known_policies: set, known_results: set) -> None:
        error: LogUnavailable | None = None
        try:
            with store.write() as tx:
                insert_many(tx, [(entry, pinned) for entry, pinned, _loop, _future in batch],
                            known_policies=known_policies, known_results=known_results)
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of it
            print(f"workreg serve: decision log: {exc}", file=sys.stderr)
            error = LogUnavailable(f"the decision log could not be written: {getattr(exc, 'message', exc)}")
        else:
            self.written += len(batch)
            self.batches += 1
            if len(known_results) > _KNOWN_LIMIT:
                known_results.clear()
            for entry, pinned, _loop, _future in batch:
                if pinned is not None:
                    known_policies.add(pinned.digest)
                known_results.add(entry.result_hash)
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
        for _entry, _pinned, loop, future in batch:
            by_loop.setdefault(loop, []).append(future)
        for loop, futures in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, futures, error)
            except RuntimeError:  # that event loop is closed: nobody is waiting any more
                pass


def _settle(futures: list[asyncio.Future], error: Exception | None) -> None:
    for future in futures:
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


# -- reading the log back -------------------------------------------------------------------

def parse_since(text: str) -> str:
    """``YYYY-MM-DD`` or an ISO 8601 time (``Z`` or an offset; none means UTC) as the log's time format."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
            moment = datetime.fromisoformat(value + "T00:00:00+00:00")
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?", value, re.ASCII):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
        else:
            raise ValueError(value)
        if not year_in_window(moment.year):  # and far from datetime's limits when moved to UTC
            raise ValueError(value)
    except ValueError as exc:
        raise UsageError(f"since must be YYYY-MM-DD or an ISO 8601 time, not '{text[:40]}'", code="bad-since",
                         hint=f"e.g. 2026-05-01 or 2026-05-01T09:30:00Z (years {FIRST_YEAR}-{LAST_YEAR})") from exc
    utc = moment.astimezone(timezone.utc)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _row(row, uploads: bool = True) -> dict:
    (id_, decision_id, at, caller, token_id, kind, policy, digest, status, input_text, body) = row
    asked = json.loads(input_text)
    if not uploads and kind == "diff":
        asked = withhold_uploads(asked)
    return {"id": int(id_), "decision_id": decision_id, "at": at, "caller": caller, "token_id": token_id,
            "kind": kind, "policy": policy, "policy_hash": digest, "status": int(status),
            "input": asked, "result": json.loads(body)}


def withhold_uploads(asked: dict) -> dict:
    """A logged diff's input without the uploaded documents' content (their name, size and SHA-256 stay)."""
    return {key: ({k: v for k, v in value.items() if k != "content_base64"} | {"content_base64": None}
                  if key in ("old", "new") and isinstance(value, dict) else value)
            for key, value in asked.items()}


def read_decisions(store, *, since: str | None = None, after: int | None = None, kind: str | None = None,
                   limit: int = 100, uploads: bool = True) -> list[dict]:
    """Logged decisions, oldest first: at or after ``since``, with an id above ``after``, of ``kind``; without the
    uploaded documents' content unless ``uploads``."""
    from workreg.serve.store import decision_rows

    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown decision kind '{kind}'", code="bad-kind", hint="one of " + ", ".join(KINDS))
    rows = decision_rows(store, since=parse_since(since) if since is not None else None, after=after, kind=kind,
                         limit=max(1, min(int(limit), MAX_LIMIT)))
    return [_row(row, uploads) for row in rows]


def count_decisions(store) -> int:
    """How many decisions the log holds."""
    from workreg.serve.store import count_decisions as count

    return count(store)


def _one(store, ident: str) -> tuple[dict, str]:
    """A logged decision by row id or decision id, and the result exactly as it was served."""
    from workreg.serve.store import decision_row

    ident = str(ident)
    if not re.fullmatch(r"[0-9]{1,18}|[0-9a-f]{32}", ident):
        raise CaseError(f"no decision '{ident[:40]}' in the log", code="unknown-decision",
                        hint="a decision is named by its row id or its 32-digit decision id")
    row = decision_row(store, row_id=int(ident)) if ident.isdigit() else decision_row(store, decision_id=ident)
    if row is None:
        raise CaseError(f"no decision '{ident}' in the log", code="unknown-decision")
    return _row(row), row[-1]


def format_log_text(entries: Sequence[dict]) -> str:
    """One line per decision: id, time, caller, kind, policy and hash, status, what was asked."""
    if not entries:
        return "no decisions logged\n"
    lines = []
    for entry in entries:
        asked = entry["input"]
        if entry["kind"] == "approvals":
            what = ", ".join(asked.get("changes", []))
        elif entry["kind"] == "diff":
            what = f"{asked['old']['filename']} → {asked['new']['filename']}"
        else:
            request = asked.get("request", {})
            what = f"case {asked.get('case')}" + (f" {request['gate']} {request['outcome']}" if "gate" in request else "")
        lines.append(f"#{entry['id']}  {entry['at']}  {entry['caller']}  {entry['kind']}  {entry['policy']} "
                     f"({entry['policy_hash'][:12]})  {entry['status']}  {what}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Replay:
    """A logged decision made again under its logged policy text: what was served and what comes out now."""

    entry: dict
    logged: str
    replayed: str
    scope: str

    @property
    def same(self) -> bool:
        return self.logged == self.replayed


def replay(store, ident: str) -> Replay:
    """Decide the logged decision ``ident`` (row id or decision id) again from its logged input and policy text."""
    from workreg.api import case_status, pinned_policy
    from workreg.policy.format import format_json

    # Every read here is of what never changes (a pinned text, a case's events up to a number): no one transaction
    # is needed for them to agree.
    entry, logged = _one(store, ident)
    pinned = pinned_policy(entry["policy_hash"], db=store)
    compiled = pinned.compiled()
    body = entry["result"]
    asked = entry["input"]
    kind = entry["kind"]
    if kind == "approvals":
        from workreg.api import answer_approvals

        answer = answer_approvals(compiled, asked["changes"], committees=asked["committees"],
                                  originating=asked["originating"], as_of=body.get("as_of"))
        return Replay(entry, logged, format_json(answer.to_dict()), "the whole result")
    if kind == "diff":
        return Replay(entry, logged, _replay_diff(entry, compiled, pinned), "the whole result")
    state = case_status(int(asked["case"]), db=store, through=int(asked["seq"]))
    if kind == "case.migrate":
        return Replay(entry, format_json(body["status"]), format_json(state.to_dict()),
                      "the case's status after the move")
    if entry["status"] == 409:
        from workreg.api import check_record
        from workreg.errors import RecordRefused
        from workreg.serve.decisions import error_json

        request = asked["request"]
        try:
            check_record(state, request["gate"], request["outcome"], request.get("again", False))
        except RecordRefused as refused:
            return Replay(entry, logged, error_json(refused), "the refusal")
        return Replay(entry, logged, "(accepted now)\n", "the refusal")
    return Replay(entry, logged, format_json(state.to_dict()), "the whole result")


def _replay_diff(entry: dict, compiled, pinned: PinnedPolicy) -> str:
    """A logged diff decided again: under the logged policy text, chosen the way the request chose it."""
    import tempfile
    from pathlib import Path

    from workreg.serve.decisions import diff_text, upload_from_log

    asked, body = entry["input"], entry["result"]
    old, new = upload_from_log(asked["old"]), upload_from_log(asked["new"])
    if asked.get("policy") or asked.get("on"):
        return diff_text(compiled, old, new, asked.get("originating"), body.get("as_of"))[1]
    # The registers named their policy version: the logged text goes in a scratch policy directory that takes
    # precedence over the installed ones, so the same choice is made and it falls on the logged text.
    ref, text = pinned.ref, pinned.text
    name, _, version = ref.partition("@")
    with tempfile.TemporaryDirectory(prefix="workreg-replay-") as scratch:
        path = Path(scratch) / name / f"{version}.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        return diff_text(None, old, new, asked.get("originating"), body.get("as_of"), [scratch])[1]
