"""The compiled-policy cache is never trusted blindly (issues 9 and 10): every bad entry is ignored,
reported on stderr and rebuilt, and the answer is the same as without a cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import SHIPPED_POLICY
from workreg.policy import cache

ARGS = ["approvals", "scope_extension", "--format", "json"]


def workreg(cache_dir: Path | str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKREG_CACHE_DIR": str(cache_dir)}
    return subprocess.run([sys.executable, "-m", "workreg", *(args or ARGS)], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> str:
    result = workreg("off")
    assert result.returncode == 0, result.stderr
    return result.stdout


def the_entry(cache_dir: Path) -> Path:
    entries = [p for p in cache_dir.glob("*.json")]
    assert len(entries) == 1, entries
    return entries[0]


def _drop_a_gate(data: bytes) -> bytes:
    header, _, body = data.partition(b"\n")
    table = json.loads(body)
    decision = table["decisions"]["scope_extension"] if "decisions" in table else None
    if decision is not None:
        decision["required"] = decision["required"][:-1]
    else:  # whatever the layout, remove something the answer needs
        table.pop(next(iter(table)))
    return header + b"\n" + json.dumps(table, separators=(",", ":")).encode()


def _forge_format(data: bytes) -> bytes:
    header, _, body = data.partition(b"\n")
    meta = json.loads(header)
    meta["format"] = -1
    return json.dumps(meta).encode() + b"\n" + body


TAMPERING = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "garbage": lambda data: b"\x00\xff" * 100,
    "an empty object": lambda data: b"{}",
    "a list": lambda data: b"[1, 2, 3]",
    "valid JSON with a gate removed": _drop_a_gate,
    "another format": _forge_format,
    "the header alone": lambda data: data.partition(b"\n")[0],
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_a_tampered_entry_is_detected_and_rebuilt(tmp_path, reference, how):
    first = workreg(tmp_path)
    assert first.stdout == reference and first.stderr == ""
    entry = the_entry(tmp_path)
    entry.write_bytes(TAMPERING[how](entry.read_bytes()))
    second = workreg(tmp_path)
    assert second.returncode == 0
    assert second.stdout == reference
    assert "warning: ignoring cache entry" in second.stderr and "Traceback" not in second.stderr
    third = workreg(tmp_path)  # rebuilt: quiet again
    assert third.stdout == reference and third.stderr == ""


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
def test_an_entry_that_is_not_a_regular_file_never_hangs_or_eats_memory(tmp_path, reference, kind):
    workreg(tmp_path)
    entry = the_entry(tmp_path)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "dev-zero":
        entry.symlink_to("/dev/zero")
    else:
        entry.mkdir()
    result = workreg(tmp_path, timeout=30)
    assert result.returncode == 0 and result.stdout == reference
    assert "warning: ignoring cache entry" in result.stderr


def test_a_read_only_or_missing_cache_directory_means_no_cache(tmp_path, reference):
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o500)
    try:
        result = workreg(read_only / "sub")
        assert result.returncode == 0 and result.stdout == reference and result.stderr == ""
        result = workreg(read_only)
        assert result.returncode == 0 and result.stdout == reference
    finally:
        read_only.chmod(0o700)
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    result = workreg(not_a_dir)
    assert result.returncode == 0 and result.stdout == reference and result.stderr == ""


def test_twenty_concurrent_cold_processes_agree(tmp_path, reference):
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: workreg(tmp_path), range(20)))
    assert all(r.returncode == 0 and r.stderr == "" for r in results), [r.stderr for r in results]
    assert {r.stdout for r in results} == {reference}
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert not list(tmp_path.glob(".entry-*")), "no temporary file is left behind"


def test_the_key_covers_the_package_sources_and_the_policy(monkeypatch):
    text = SHIPPED_POLICY.read_bytes()
    key = cache.entry_key(text)
    assert cache.entry_key(text + b"\n# edited\n") != key
    monkeypatch.setattr(cache, "_package_digest", "another build of workreg")
    assert cache.entry_key(text) != key


@pytest.mark.parametrize("module", ["policy/decision.py", "policy/combine.py", "outputs.py", "registers/diff.py"])
def test_editing_any_module_changes_the_key(monkeypatch, module):
    """Not only the compiler's modules shape a decision: e.g. decision.py's KIND_STRENGTH (issue 9)."""
    import workreg

    source = Path(workreg.__file__).resolve().parent / module
    before = source.stat()
    monkeypatch.setattr(cache, "_package_digest", None)
    key = cache.entry_key(b"policy")
    try:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
        monkeypatch.setattr(cache, "_package_digest", None)
        assert cache.entry_key(b"policy") != key
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
