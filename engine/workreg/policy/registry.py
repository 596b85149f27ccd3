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
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from workreg.errors import PolicyError, UsageError, did_you_mean
from workreg.inputs import display_name, read_policy_text
from workreg.policy import cache
from workreg.policy.compiled import PolicyForm
from workreg.policy.decide import CompiledPolicy
from workreg.resources import DEFAULT_POLICY as DEFAULT_POLICY  # re-exported: the policy a query names by default
from workreg.resources import shipped_policies

if TYPE_CHECKING:
    from datetime import date

#: Folders of a policy directory that hold other data, not policy versions.
NOT_POLICIES = frozenset({"vocabulary"})
#: Files beside a policy's versions that are not versions (``workreg analyze --properties``).
NOT_POLICY_FILES = frozenset({"properties.yaml"})


class PolicyFile(NamedTuple):
    """A policy file found on the search path."""

    name: str
    version: str
    path: Path
    #: Named by the caller as a file; NAME and VERSION then come from its content alone.
    explicit: bool = False

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
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
        try:
            directory = directory.resolve() if directory.exists() else directory
        except (OSError, RuntimeError, ValueError):
            pass  # a loop or a bad name: policy_files() reports it
        unique.setdefault(directory, None)
    return list(unique)


def policy_files(directory: Path) -> list[PolicyFile]:
    """The ``NAME/VERSION.yaml`` files of one policy directory, by name; an unreadable one is an error.

    A directory that is missing, not a directory or unreadable (or has an unreadable ``NAME``
    folder) raises UsageError: silently finding nothing there would answer from other policies.
    """
    found: list[PolicyFile] = []
    for entry in _entries(directory, "policy directory"):
        if entry.name in NOT_POLICIES or entry.name.startswith(".") or not _is_dir(entry):
            continue
        for item in _entries(Path(entry.path), "policy folder"):
            if item.name.endswith(".yaml") and not item.name.startswith(".") and item.name not in NOT_POLICY_FILES:
                path = Path(item.path)
                found.append(PolicyFile(entry.name, path.stem, path))
    return found


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _entries(directory: Path, what: str) -> list[os.DirEntry[str]]:
    name = display_name(directory)
    try:
        with os.scandir(directory) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except FileNotFoundError as exc:
        raise UsageError(f"{what} not found: {name}", code="not-found", file=name) from exc
    except NotADirectoryError as exc:
        raise UsageError(f"{what} is not a directory: {name}", code="not-a-directory", file=name) from exc
    except OSError as exc:
        raise UsageError(f"cannot read {what}: {exc.strerror or exc}", code="unreadable", file=name) from exc
    except (ValueError, TypeError) as exc:  # NUL bytes in the name
        raise UsageError(f"not a usable directory name: {exc}", code="bad-path", file=name) from exc


def discover(extra_dirs: Iterable[str | Path] = ()) -> list[PolicyFile]:
    """Every policy file on the search path, sorted by name then version; later dirs win ties."""
    found: dict[tuple[str, str], PolicyFile] = {}
    for directory in policy_dirs(extra_dirs):
        for policy_file in policy_files(directory):
            found[(policy_file.name, policy_file.version)] = policy_file
    return sorted(found.values(), key=lambda p: (p.name, version_key(p.version)))


def resolve(ref: str, extra_dirs: Iterable[str | Path] = ()) -> PolicyFile:
    """The file behind ``NAME@VERSION``, ``NAME`` (its newest version) or a path to a YAML file.

    A path is not checked here: reading it says what is wrong with it (missing, a directory,
    a device such as /dev/zero, a FIFO).
    """
    if ref.endswith((".yaml", ".yml")) or os.sep in ref or (os.altsep and os.altsep in ref):
        path = Path(ref)
        return PolicyFile(path.parent.name, path.stem, path, explicit=True)
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


def check_label(found: PolicyFile, name: str, version: str) -> None:
    """Refuse a policy found as ``NAME/VERSION.yaml`` whose content names another policy or version.

    The registry lists and resolves policies by their path; a file whose content disagrees would
    be labelled with one version and answer with another (or shadow the real one).
    """
    if found.explicit or (found.name, found.version) == (name, version):
        return
    raise PolicyError(
        f"found as {found.ref} ({found.name}/{found.version}.yaml) but the file says policy '{name}' "
        f"version '{version}'", code="path-mismatch", file=str(found.path), line=_version_line(found.path),
        hint=f"move it to {name}/{version}.yaml, or correct its policy and version fields",
    )


def _version_line(path: Path) -> int | None:
    try:
        lines = read_policy_text(path).splitlines()
    except PolicyError:
        return None
    return next((n for n, line in enumerate(lines, 1) if re.match(r"version\s*:", line)), None)


def compile_found(found: PolicyFile) -> CompiledPolicy:
    """:func:`compile_file` for a policy found on the search path, refusing one whose content disagrees with its path."""
    compiled = compile_file(found.path)
    check_label(found, compiled.name, compiled.version)
    return compiled


def compile_file(path: str | Path) -> CompiledPolicy:
    """Load, validate and compile a policy file, using the cache when the content is unchanged."""
    return compile_text(read_policy_text(path), str(path))


def compile_text(text: str, file: str) -> CompiledPolicy:
    """Validate and compile policy text (named ``file`` in errors), using the cache when it was compiled before."""
    key = cache.entry_key(text.encode("utf-8"))
    payload = cache.read_entry(key)
    if payload is not None:
        try:
            return CompiledPolicy.from_json(payload.get("form"), file=file)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            cache.reject_entry(key, "payload does not fit this workreg")
    form = build_form(text, file)
    cache.write_entry(key, {"form": form.to_json()})
    return CompiledPolicy(form, file=file)


def build_form(text: str, file: str) -> PolicyForm:
    """Validate and compile policy text into its compiled form (imports pydantic, not networkx)."""
    from workreg.policy.compile import compile_policy
    from workreg.policy.load import load_policy_text

    policy = load_policy_text(text, file)
    return compile_policy(policy, file=file)


#: (path, modification time, extra directories) → the compiled policy.
_loaded: dict[tuple[str, int | None, tuple[str, ...]], CompiledPolicy] = {}


def get_policy(ref: str = DEFAULT_POLICY, extra_dirs: Iterable[str | Path] = ()) -> CompiledPolicy:
    """The compiled policy for ``NAME@VERSION``, ``NAME`` or a file path (memoised per process)."""
    extra = tuple(str(d) for d in extra_dirs)
    found = resolve(ref, extra)
    try:
        stamp = found.path.stat().st_mtime_ns
    except (OSError, ValueError):
        stamp = None  # reading it below says what is wrong
    key = (str(found.path), stamp, extra)
    policy = _loaded.get(key) if stamp is not None else None
    if policy is None:
        policy = compile_found(found)
        if stamp is not None:
            _loaded[key] = policy
    return policy


class InForce(NamedTuple):
    """The policy version in force on a day, and why it is the one (see :func:`policy_in_force`)."""

    on: str
    ref: str
    effective: str
    until: str | None
    provenance: str
    citation: dict[str, str]
    interpretation: str | None

    @property
    def reconstructed(self) -> bool:
        return self.provenance != "published"

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on, "policy": self.ref, "effective": self.effective, "until": self.until,
            "provenance": self.provenance, "citation": self.citation, "interpretation": self.interpretation,
        }

    def describe(self) -> str:
        """One line for people: which version, since when, and whether it is a reconstruction."""
        section = self.citation["section"]
        clause = f"§{section}" if section[:1].isdigit() else section
        line = f"As of {self.on}: {self.ref}, in force from {self.effective}"
        line += (f" until {self.until}" if self.until else "") + f" ({clause})"
        if self.reconstructed:
            line += f"; {self.provenance.upper()}, not a published text"
        return line


def effective_date(policy: CompiledPolicy) -> str | None:
    """The ISO date ``policy`` took effect (its ``source.effective``), or None when it does not say."""
    effective = policy.source.effective
    return effective.date if effective else None


def policy_in_force(name: str, on: date | str, extra_dirs: Iterable[str | Path] = ()) -> tuple[CompiledPolicy, InForce]:
    """The version of policy ``name`` in force on the date ``on`` (a date or YYYY-MM-DD), and why."""
    from datetime import date

    day = on.isoformat() if isinstance(on, date) else str(on)
    if "@" in name or name.endswith((".yaml", ".yml")) or os.sep in name:
        raise UsageError(
            f"--on picks the version itself; give a policy name, not '{name}'", code="on-with-version",
            hint="e.g. --policy dsp4003 --on 2006-06-01",
        )
    resolve(name, extra_dirs)  # an unknown name fails here, with a did-you-mean hint
    dated = []
    for found in discover(extra_dirs):
        if found.name != name:
            continue
        compiled = compile_file(found.path)
        effective = effective_date(compiled)
        if effective is not None:
            dated.append((effective, compiled))
    if not dated:
        raise UsageError(
            f"no version of '{name}' says when it took effect", code="no-effective-date",
            hint="give each version source.effective: {date: YYYY-MM-DD, citation: ...}",
        )
    dated.sort(key=lambda pair: (pair[0], version_key(pair[1].version)))
    in_force = [(index, pair) for index, pair in enumerate(dated) if pair[0] <= day]
    if not in_force:
        first_date, first = dated[0]
        raise UsageError(
            f"no version of '{name}' was in force on {day}; the first, {first.ref}, took effect on {first_date}",
            code="before-first-version",
        )
    index, (effective, compiled) = in_force[-1]
    until = dated[index + 1][0] if index + 1 < len(dated) else None
    stated = compiled.source.effective
    assert stated is not None  # only versions that say when they took effect are dated
    return compiled, InForce(
        on=day, ref=compiled.ref, effective=effective, until=until,
        provenance=compiled.provenance.kind, citation={"section": stated.section, "quote": stated.quote},
        interpretation=stated.interpretation,
    )
