"""Find policies by ``NAME@VERSION`` and keep their compiled tables in a content-addressed cache.

A policy lives at ``<policy dir>/<name>/<version>.yaml``.  The shipped directory is searched
first, then ``WORKREG_POLICY_PATH`` (``os.pathsep``-separated) and any ``--policy-dir``.
Compiling needs pydantic, PyYAML and networkx; a cache hit needs none of them, which is what
keeps a CLI query fast.  The cache key is the policy file's bytes plus the compiler's own
source, so editing either rebuilds the table.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .decide import CompiledPolicy
from .errors import UsageError, did_you_mean
from .files import read_policy_text

PACKAGE_DIR = Path(__file__).resolve().parent
#: The policies shipped with workreg: the repository's policies/ (or a copy inside the package).
SHIPPED_DIRS = (PACKAGE_DIR.parent / "policies", PACKAGE_DIR / "policies")
DEFAULT_POLICY = "dsp4003"
_COMPILER_SOURCES = ("compile.py", "graph.py", "load.py", "model.py")


@dataclass(frozen=True)
class PolicyFile:
    """A policy file found on the search path."""

    name: str
    version: str
    path: Path

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


def version_key(version: str) -> tuple:
    """Sort key for versions such as 1.0, 1.1, 1.2.0 and 1.6.0-draft (numbers compare as numbers)."""
    parts = re.split(r"[.\-_]", version)
    return tuple((0, int(part), "") if part.isdigit() else (-1, 0, part) for part in parts)


def policy_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    """The directories searched for policies, in order."""
    dirs = [d for d in SHIPPED_DIRS if d.is_dir()]
    env = os.environ.get("WORKREG_POLICY_PATH", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += [Path(p) for p in extra]
    unique: dict[Path, None] = {}
    for directory in dirs:
        unique.setdefault(directory.resolve() if directory.exists() else directory, None)
    return list(unique)


def discover(extra_dirs: Iterable[str | Path] = ()) -> list[PolicyFile]:
    """Every policy file on the search path, sorted by name then version; later dirs win ties."""
    found: dict[tuple[str, str], PolicyFile] = {}
    for directory in policy_dirs(extra_dirs):
        if not directory.is_dir():
            raise UsageError(f"policy directory not found: {directory}", code="not-found", file=str(directory))
        for path in sorted(directory.glob("*/*.yaml")):
            name, version = path.parent.name, path.stem
            if name == "vocabulary":
                continue
            found[(name, version)] = PolicyFile(name, version, path)
    return sorted(found.values(), key=lambda p: (p.name, version_key(p.version)))


def resolve(ref: str, extra_dirs: Iterable[str | Path] = ()) -> PolicyFile:
    """The file behind ``NAME@VERSION``, ``NAME`` (its newest version) or a path to a YAML file."""
    if ref.endswith((".yaml", ".yml")) or os.sep in ref:
        path = Path(ref)
        if not path.is_file():
            raise UsageError("no such policy file", code="not-found", file=ref)
        return PolicyFile(path.parent.name, path.stem, path)
    name, _, version = ref.partition("@")
    policies = discover(extra_dirs)
    candidates = [p for p in policies if p.name == name]
    if not candidates:
        raise UsageError(
            f"unknown policy '{name}'", code="unknown-policy",
            hint=did_you_mean(name, {p.name for p in policies}),
        )
    if not version:
        return candidates[-1]
    for candidate in candidates:
        if candidate.version == version:
            return candidate
    raise UsageError(
        f"policy '{name}' has no version '{version}'", code="unknown-policy-version",
        hint=did_you_mean(version, [c.version for c in candidates]),
    )


def cache_dir() -> Path | None:
    """Where compiled tables are kept; ``WORKREG_CACHE_DIR=off`` disables the cache."""
    configured = os.environ.get("WORKREG_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "workreg"


_compiler_digest: str | None = None


def _compiler_fingerprint() -> str:
    global _compiler_digest
    if _compiler_digest is None:
        digest = hashlib.sha256()
        for name in _COMPILER_SOURCES:
            digest.update((PACKAGE_DIR / name).read_bytes())
        _compiler_digest = digest.hexdigest()
    return _compiler_digest


def _cache_path(text: bytes) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(_compiler_fingerprint().encode() + b"\0" + text).hexdigest()
    return directory / f"{digest[:32]}.json"


def compile_file(path: str | Path) -> CompiledPolicy:
    """Load, validate and compile a policy file, using the cache when the content is unchanged."""
    file = str(path)
    text = read_policy_text(path)
    cached = _cache_path(text.encode("utf-8"))
    if cached is not None:
        try:
            table = json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = None  # no entry yet, or a torn one: rebuild it below
        if table is not None:
            return CompiledPolicy(table, file=file)
    table = build_table(text, file)
    if cached is not None:
        _write_atomically(cached, json.dumps(table, separators=(",", ":")))
    return CompiledPolicy(table, file=file)


def build_table(text: str, file: str) -> dict:
    """Validate and compile policy text into its decision table (imports pydantic and networkx)."""
    from .compile import compile_policy
    from .load import load_policy_text

    policy = load_policy_text(text, file)
    return compile_policy(policy, file=file)


def _write_atomically(path: Path, content: str) -> None:
    # The cache is an optimisation: a read-only or full disk means no cache, not a failed query.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):  # a full disk: leave no half-written temporary behind
            os.unlink(temporary)


_loaded: dict[tuple, CompiledPolicy] = {}


def get_policy(ref: str = DEFAULT_POLICY, extra_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
    """The compiled policy for ``NAME@VERSION``, ``NAME`` or a file path (memoised per process)."""
    extra = tuple(str(d) for d in extra_dirs)
    found = resolve(ref, extra)
    key = (str(found.path), found.path.stat().st_mtime_ns, extra)
    policy = _loaded.get(key)
    if policy is None:
        policy = _loaded[key] = compile_file(found.path)
    return policy
