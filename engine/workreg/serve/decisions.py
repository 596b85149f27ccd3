"""What each endpoint decides, with the CLI's own functions, independent of HTTP.

The JSON an endpoint returns is produced by the function the CLI prints with
(:func:`workreg.policy.format.approvals_json`, :func:`workreg.registers.report.diff_json`,
``format_json`` of ``compare_policies`` and of a case's ``to_dict``), so ``POST /v1/approvals``
returns byte for byte what ``workreg approvals --format json`` prints.  Answers are pure functions
of (policy text, input), so their text is memoised (bounded) per pinned policy hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Sequence

from workreg.errors import WorkregError
from workreg.resources import DEFAULT_POLICY

if TYPE_CHECKING:
    from workreg.api import RegisterDiff

#: Error codes that mean "no such thing" (404).
NOT_FOUND = frozenset({"unknown-case", "unknown-policy", "unknown-policy-version", "unknown-decision", "not-found"})
#: Error codes that mean the server cannot do it now, whatever the input (503).
UNAVAILABLE = frozenset({"graphviz-missing", "db-busy", "db-unavailable", "decision-log-unavailable"})


def status_for(error: WorkregError) -> int:
    """The HTTP status of a WorkregError: 401/403 access, 404 unknown, 409 refused by the policy, 413, 503, else 400."""
    from workreg.errors import RecordRefused

    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status
    if isinstance(error, RecordRefused):
        return 409
    if error.code in NOT_FOUND:
        return 404
    if error.code in UNAVAILABLE:
        return 503
    if error.code == "too-large":
        return 413
    if error.code in ("db-error", "bad-event", "bad-database"):
        return 500
    return 400


def _public_file(file: str | None) -> str | None:
    """An error's file when it is the caller's (an upload's name, ``case 3``), never a path on the server."""
    if not file or os.path.isabs(file) or "/" in file or "\\" in file:
        return None
    return file


def error_body(error: WorkregError) -> dict:
    """An error as JSON: ``code``, ``message``, ``hint``, ``field``, ``file`` (the caller's, or null), ``line``."""
    file = _public_file(error.file)
    return {"code": error.code, "message": error.message, "hint": error.hint, "field": error.field,
            "file": file, "line": error.line if file else None}


def error_json(error: WorkregError) -> str:
    from workreg.policy.format import format_json

    return format_json(error_body(error))


# -- uploads ---------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_filename(name: str | None, fallback: str) -> str:
    """An upload's base name (no directories, no control characters, at most 120 characters) or ``fallback``."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("", base).strip()[:120]
    return base if base and base not in (".", "..") else fallback


@dataclass(frozen=True)
class Upload:
    """A document sent over HTTP: its (safe) file name and bytes."""

    filename: str
    data: bytes

    def to_log(self) -> dict:
        return {"filename": self.filename, "sha256": hashlib.sha256(self.data).hexdigest(), "bytes": len(self.data),
                "content_base64": base64.b64encode(self.data).decode("ascii")}


def upload_from_log(value: dict) -> Upload:
    """The upload a log entry's input holds."""
    return Upload(value["filename"], base64.b64decode(value["content_base64"]))


def diff_text(compiled, old: Upload, new: Upload, originating: str | None, as_of: dict | None,
              policy_dirs=()) -> tuple[RegisterDiff, str]:
    """``workreg diff OLD NEW --format json`` for two uploaded documents: (the RegisterDiff, its JSON text).

    ``compiled`` None lets the registers name their policy version, as the CLI does without --policy.
    """
    from workreg.api import diff_registers, load_vocabulary, name_committees, register_from_bytes
    from workreg.outputs import format_json

    vocabulary = load_vocabulary()
    _, originating = name_committees((), originating, vocabulary=vocabulary)
    before = register_from_bytes(old.data, old.filename, vocabulary=vocabulary)
    after = register_from_bytes(new.data, new.filename, vocabulary=vocabulary)
    result = diff_registers(before, after, policy=compiled, vocabulary=vocabulary, originating=originating,
                            policy_dirs=policy_dirs, names=(old.filename, new.filename))
    return result, format_json(result.report(old.filename, new.filename, as_of))


class _Memo:
    """A bounded, thread-safe memo of texts (least recently used out first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make: Callable[[], object]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class Decider:
    """The answers of the read endpoints over a catalog of policies (memoised per pinned hash)."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog
        self._approvals = _Memo(8192)
        self._compare = _Memo(64)
        self._svg = _Memo(256)

    def approvals(self, policy: str, on: str | None, changes: Sequence[str], committees: Sequence[str],
                  originating: str | None):
        """(the served policy, the JSON text of ``workreg approvals --format json``)."""
        from workreg.api import answer_approvals
        from workreg.outputs import format_json

        served, as_of = self.catalog.choose(policy, on)
        key = (served.digest, tuple(changes), tuple(committees), originating,
               json.dumps(as_of, sort_keys=True) if as_of else None)
        text = self._approvals.get(key, lambda: format_json(answer_approvals(
            served.compiled, changes, committees=committees, originating=originating, as_of=as_of).to_dict()))
        return served, text

    def diff(self, policy: str | None, on: str | None, old: Upload, new: Upload, originating: str | None):
        """(the served policy, the JSON text of ``workreg diff --format json``); without ``policy`` (and ``on``)
        the registers name their version, as with the CLI."""
        served, as_of = None, None
        if on is not None:
            served, as_of = self.catalog.in_force(policy or DEFAULT_POLICY, on)
        elif policy is not None:
            served = self.catalog.get(policy)
        result, text = diff_text(served.compiled if served else None, old, new, originating, as_of,
                                 self.catalog.policy_dirs)
        return served or self.catalog.get(result.policy), text

    def compare(self, old: str, new: str) -> str:
        """The JSON text of ``workreg compare OLD NEW --format json``."""
        from workreg.api import compare_policies
        from workreg.policy.format import format_json

        before, after = self.catalog.get(old), self.catalog.get(new)
        return self._compare.get((before.digest, after.digest), lambda: format_json(
            compare_policies(_loaded(before.path), _loaded(after.path)).to_dict()))

    def render(self, policy: str, changes: Sequence[str], committees: Sequence[str], against: str | None,
               fmt: str) -> str:
        """The diagram ``workreg render`` draws, as DOT or SVG text."""
        from workreg.api import diagram_bytes, draw_policy

        served = self.catalog.get(policy)
        other = self.catalog.get(against) if against else None
        source = draw_policy(_loaded(served.path), changes=changes, committees=committees,
                             against=_loaded(other.path) if other else None).source
        if fmt == "dot":
            return source
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        return self._svg.get(digest, lambda: diagram_bytes(source, "svg").decode("utf-8"))


@lru_cache(maxsize=64)
def _loaded(path):
    """A policy file's table and model, as ``compare`` and ``render`` use them (loaded once per process)."""
    from workreg.api import load_policy_version

    return load_policy_version(path)
