"""Find policies by ``NAME@VERSION`` and keep their compiled form in a verified cache.

A policy lives at ``<policy dir>/<name>/<version>.yaml``.  The shipped directory is searched
first, then ``WORKREG_POLICY_PATH`` (``os.pathsep``-separated) and any ``--policy-dir``.
Compiling needs pydantic and PyYAML; a cache hit needs neither of them, which is what
keeps a CLI query fast.  :mod:`workreg.policy.cache` keys an entry by the policy's text and the
installed package, and verifies it on every read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, NamedTuple

from workreg.errors import UsageError, did_you_mean
from workreg.inputs import read_policy_text
from workreg.policy import cache
from workreg.policy.decide import CompiledPolicy
from workreg.resources import shipped_policies

DEFAULT_POLICY = "dsp4003"
#: Folders of a policy directory that hold other data, not policy versions.
NOT_POLICIES = frozenset({"vocabulary"})


class PolicyFile(NamedTuple):
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
    dirs = [shipped_policies()]
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
        for path in _policy_files(directory):
            name, version = path.parent.name, path.stem
            if name in NOT_POLICIES:
                continue
            found[(name, version)] = PolicyFile(name, version, path)
    return sorted(found.values(), key=lambda p: (p.name, version_key(p.version)))


def _policy_files(directory: Path) -> list[Path]:
    """``directory/*/*.yaml``, sorted (os.scandir: a glob costs more than a cached query)."""
    found = []
    with os.scandir(directory) as folders:
        for folder in folders:
            if not folder.is_dir():
                continue
            try:
                with os.scandir(folder.path) as files:
                    found += [Path(f.path) for f in files if f.name.endswith(".yaml")]
            except OSError:  # an unreadable folder holds no policy we could read (as a glob skips it)
                continue
    return sorted(found)


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


def compile_file(path: str | Path) -> CompiledPolicy:
    """Load, validate and compile a policy file, using the cache when the content is unchanged."""
    file = str(path)
    text = read_policy_text(path)
    key = cache.entry_key(text.encode("utf-8"))
    table = cache.read_entry(key)
    if table is not None:
        try:
            return CompiledPolicy(table, file=file)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            cache.reject_entry(key, "payload does not fit this workreg")
    table = build_table(text, file)
    cache.write_entry(key, table)
    return CompiledPolicy(table, file=file)


def build_table(text: str, file: str) -> dict:
    """Validate and compile policy text into its compiled form (imports pydantic, not networkx)."""
    from workreg.policy.compile import compile_policy
    from workreg.policy.load import load_policy_text

    policy = load_policy_text(text, file)
    return compile_policy(policy, file=file)


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
