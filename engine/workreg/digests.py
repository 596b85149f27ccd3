"""SHA-256 and BLAKE2b without ``hashlib``'s start-up cost.

``import hashlib`` loads OpenSSL's ``_hashlib`` (about 2 to 3 ms, measured on the 2-core machine),
while a cached query or a register diff needs one or two digests of a few kilobytes.  CPython's
own implementations (``_sha256``, ``_sha2`` from 3.12, ``_blake2``) give the same digests and load
in a fraction of that; ``hashlib`` stays the fallback where an interpreter lacks them.
"""

from __future__ import annotations

from typing import Any, Callable

try:  # Python 3.12 and later
    from _sha2 import sha256 as _sha256  # type: ignore[import-not-found,unused-ignore]
except ImportError:
    try:  # Python 3.10 and 3.11
        from _sha256 import sha256 as _sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    except ImportError:  # an interpreter built without them
        from hashlib import sha256 as _sha256  # type: ignore[assignment,unused-ignore]

_blake2b: Callable[..., Any] | None = None


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data``, as hexadecimal (``hashlib.sha256(data).hexdigest()``)."""
    return str(_sha256(data).hexdigest())


def blake2b_hex(data: bytes, digest_size: int) -> str:
    """The BLAKE2b digest of ``data`` of ``digest_size`` bytes, as hexadecimal (as ``hashlib.blake2b``)."""
    global _blake2b
    if _blake2b is None:
        try:
            from _blake2 import blake2b  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # an interpreter built without it
            from hashlib import blake2b
        _blake2b = blake2b
    return str(_blake2b(data, digest_size=digest_size).hexdigest())
