"""The policies a server answers from: found in its policy directories, named by ref, never by path.

An HTTP caller names a policy as ``NAME`` or ``NAME@VERSION`` (a pattern that admits no path
separator, no ``..`` and no file suffix); the catalog resolves it with the CLI's own registry, but
only among the files found in the shipped directory, ``WORKREG_POLICY_PATH`` and ``--policy-dir``.
Each file's text is read once, on first use, and pinned (ref, SHA-256, text): every decision the
server makes from it, and every case it opens, names that hash, and the decision log can replay it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from workreg.errors import UsageError

if TYPE_CHECKING:
    from workreg.cases.service import PinnedPolicy

#: What a policy ref from HTTP may look like: NAME or NAME@VERSION (no paths, no suffixes).
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(@[A-Za-z0-9][A-Za-z0-9._+-]{0,63})?$"
_REF = re.compile(REF_PATTERN)


@dataclass(frozen=True)
class Served:
    """One policy version as the server answers from it."""

    path: Path
    pinned: PinnedPolicy

    @property
    def ref(self) -> str:
        return self.pinned.ref

    @property
    def digest(self) -> str:
        return self.pinned.digest

    @property
    def compiled(self):
        return self.pinned.compiled()


def check_ref(ref: str, what: str = "policy") -> str:
    """``ref`` when it is a policy name or NAME@VERSION; UsageError ``bad-policy-ref`` otherwise (paths included)."""
    if not isinstance(ref, str) or not _REF.match(ref) or ref.endswith((".yaml", ".yml")):
        raise UsageError(f"{what} must be NAME or NAME@VERSION, not '{str(ref)[:80]}'", code="bad-policy-ref",
                         hint="GET /v1/policies lists them; file paths are not accepted over HTTP")
    return ref


class Catalog:
    """The policy versions of the server's policy directories, resolved by ref and pinned on first use."""

    def __init__(self, policy_dirs: Iterable[str | Path] = ()) -> None:
        from workreg.api import find_policy_files

        self.policy_dirs = tuple(str(d) for d in policy_dirs)
        self._lock = threading.Lock()
        self._by_path: dict[str, Served] = {}
        self._by_ref: dict[str, Served] = {}
        self._by_digest: dict[str, Served] = {}
        self.failures = []
        for path in find_policy_files(self.policy_dirs):  # a missing directory fails here, at start-up
            try:
                self._load(path)
            except Exception as exc:  # noqa: BLE001 - reported at start-up; the other policies are served
                from workreg.errors import WorkregError

                if not isinstance(exc, WorkregError):
                    raise
                self.failures.append(exc)

    def _load(self, path: Path) -> Served:
        from workreg.api import pin_policy_text
        from workreg.inputs import read_policy_text

        key = str(path)
        with self._lock:
            served = self._by_path.get(key)
            if served is not None:
                return served
            text = read_policy_text(path)
            pinned = pin_policy_text(text, key)
            pinned.compiled()  # compiled as a case folds it (memoised by hash): a bad policy fails here
            served = self._by_path[key] = self._by_digest[pinned.digest] = Served(path, pinned)
            return served

    def get(self, ref: str) -> Served:
        """The version ``ref`` names (``NAME`` is its newest); UsageError for an unknown or malformed ref."""
        served = self._by_ref.get(ref)
        if served is None:
            served = self._load(self._resolve(check_ref(ref)))
            self._by_ref[ref] = served  # only refs that name a policy get here: bounded by the catalog
        return served

    @lru_cache(maxsize=1024)
    def _resolve(self, ref: str) -> Path:
        from workreg.api import policy_file

        return policy_file(ref, self.policy_dirs)

    def by_digest(self, digest: str) -> Served | None:
        return self._by_digest.get(digest)

    def in_force(self, name: str, day: str) -> tuple[Served, dict]:
        """The version of ``name`` in force on ``day`` (YYYY-MM-DD) and the ``as_of`` record of why."""
        check_ref(name)
        compiled, in_force = self._in_force(name, day)
        return self._load(Path(compiled.file)), in_force.to_dict()

    @lru_cache(maxsize=4096)
    def _in_force(self, name: str, day: str):
        from workreg.api import policy_in_force
        from workreg.scalars import parse_day

        return policy_in_force(name, parse_day(day, "on"), self.policy_dirs)

    def choose(self, ref: str, on: str | None) -> tuple[Served, dict | None]:
        """The policy a request names, or (with ``on``) the version in force that day, and its ``as_of``."""
        if on is None:
            return self.get(ref), None
        return self.in_force(ref, on)

    @lru_cache(maxsize=1)
    def listing(self) -> str:
        """The JSON of ``workreg policies --format json`` over the server's directories (computed once)."""
        from workreg.api import list_policies
        from workreg.policy.format import format_json

        rows, _failures = list_policies(self.policy_dirs)
        return format_json(rows)

    def roles(self) -> dict[str, dict]:
        """Every role id of the served policies → {name, per_name} (the names tokens may act for)."""
        roles: dict[str, dict] = {}
        for served in list(self._by_path.values()):
            for role_id, info in served.compiled.roles.items():
                roles.setdefault(role_id, {"name": info.name, "per_name": info.per_name})
        return roles

    def served(self) -> list[Served]:
        """Every policy version loaded, by ref."""
        return sorted(self._by_path.values(), key=lambda s: s.ref)
