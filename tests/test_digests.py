"""workreg.digests gives hashlib's digests (it only avoids loading OpenSSL for them)."""

from __future__ import annotations

import hashlib

import pytest

from workreg.digests import blake2b_hex, sha256_hex

SAMPLES = [b"", b"abc", "policy \u00e9\0text".encode("utf-8", "surrogatepass"), bytes(range(256)) * 1000]


@pytest.mark.parametrize("data", SAMPLES)
def test_sha256_is_hashlibs(data: bytes) -> None:
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data", SAMPLES)
@pytest.mark.parametrize("size", [1, 16, 64])
def test_blake2b_is_hashlibs(data: bytes, size: int) -> None:
    assert blake2b_hex(data, size) == hashlib.blake2b(data, digest_size=size).hexdigest()
