"""A content-addressed cache of compiled policies that is never trusted blindly.

An entry is one file: a header line of JSON (``format``, ``key``, ``sha256``, ``length``) and
then the payload, the compiled policy as JSON.  The key covers everything that shapes the
payload: workreg's version, the name, size and modification time of every module of the
installed package, the payload format and the policy's own text.  A read is bounded (regular files only, a size limit, no
blocking) and verified: an entry that is truncated, corrupt, of another format or tampered with
fails its checksum and is ignored, with a warning on stderr, and the caller rebuilds it.  A
missing or read-only cache directory means no cache, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from workreg.digests import sha256_hex
from workreg.errors import WorkregError
from workreg.inputs import read_bytes

#: Bump when the payload's layout or meaning changes (the key includes it, so old entries are never read).
PAYLOAD_FORMAT = 4
#: A cache entry larger than this is not read (it cannot be one workreg wrote for a sane policy).
MAX_ENTRY_BYTES = 64 * 1024 * 1024

_package_digest: str | None = None


def cache_dir() -> Path | None:
    """Where compiled policies are kept; ``WORKREG_CACHE_DIR=off`` disables the cache."""
    configured = os.environ.get("WORKREG_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "workreg"


def package_fingerprint() -> str:
    """A digest of workreg's version and the name, size and modification time of every module of the package.

    Statting the modules rather than reading them keeps a cached query's start cheap (a stat
    each, no reading); an edited module changes its time, a reinstalled one too.
    """
    global _package_digest
    if _package_digest is None:
        import workreg

        package = os.path.dirname(os.path.realpath(workreg.__file__))
        stamps = [f"workreg {workreg.__version__} format {PAYLOAD_FORMAT}", *module_stamps(package)]
        _package_digest = sha256_hex("\0".join(stamps).encode())
    return _package_digest


def module_stamps(package: str) -> list[str]:
    """``relative/path.py size mtime_ns`` for every module below ``package`` (not ``__pycache__``), sorted."""
    stamps = []
    pending = [("", package)]
    while pending:
        relative, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append((f"{relative}{entry.name}/", entry.path))
                elif entry.name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{relative}{entry.name} {info.st_size} {info.st_mtime_ns}")
    return sorted(stamps)


def entry_key(text: bytes) -> str:
    """The cache key of a policy's text under this installation of workreg."""
    return sha256_hex(package_fingerprint().encode() + b"\0" + text)


def entry_path(key: str) -> Path | None:
    directory = cache_dir()
    return None if directory is None else directory / f"{key[:40]}.json"


def read_entry(key: str) -> dict[str, Any] | None:
    """The payload stored under ``key``; None when absent or not verifiably the right one."""
    path = entry_path(key)
    if path is None or not path.parent.is_dir():
        return None  # no cache directory (yet, or not a usable one): no cache, not an error
    try:
        data = read_bytes(path, max_bytes=MAX_ENTRY_BYTES)
    except WorkregError as exc:
        if exc.code != "not-found":
            _warn(path, f"unusable ({exc.message})")
        return None
    header, newline, payload = data.partition(b"\n")
    try:
        meta = json.loads(header) if newline else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != PAYLOAD_FORMAT or meta.get("key") != key:
        _warn(path, "not an entry of this workreg (format or key differs)")
        return None
    if meta.get("length") != len(payload) or meta.get("sha256") != sha256_hex(payload):
        _warn(path, "checksum mismatch (truncated, corrupt or edited)")
        return None
    try:
        value = json.loads(payload)
    except ValueError:
        _warn(path, "payload is not JSON")
        return None
    if not isinstance(value, dict):
        _warn(path, "payload has the wrong shape")
        return None
    return value


def reject_entry(key: str, reason: str) -> None:
    """Report an entry that verified but could not be used; the caller rebuilds it."""
    path = entry_path(key)
    if path is not None:
        _warn(path, reason)


def write_entry(key: str, payload: dict[str, Any]) -> None:
    """Store ``payload`` atomically; a read-only or full disk is silently no cache."""
    path = entry_path(key)
    if path is None:
        return
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header = json.dumps({
        "format": PAYLOAD_FORMAT, "key": key, "sha256": sha256_hex(body), "length": len(body),
    }).encode()
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + body)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):  # leave no half-written temporary behind
            os.unlink(temporary)


def _warn(path: Path, reason: str) -> None:
    from workreg.outputs import emit_error  # never raises: a warning must never be what fails a query

    emit_error(f"workreg: warning: ignoring cache entry {path}: {reason}; rebuilding it")
