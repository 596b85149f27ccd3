"""Reading input files safely: size limits, no binary, clear errors. Imports nothing heavy."""

from __future__ import annotations

from pathlib import Path

from .errors import PolicyError

MAX_POLICY_BYTES = 1_000_000


def read_policy_text(path: str | Path) -> str:
    """Read a policy file as UTF-8 text, refusing missing, huge, binary or mis-encoded files."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise PolicyError("not a file", code="unreadable", file=name)
        if size > MAX_POLICY_BYTES:
            raise PolicyError(
                f"file is {size} bytes; policy files are limited to {MAX_POLICY_BYTES} bytes",
                code="too-large", file=name,
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PolicyError("no such file", code="not-found", file=name) from exc
    except OSError as exc:
        raise PolicyError(f"cannot read: {exc.strerror or exc}", code="unreadable", file=name) from exc
    except ValueError as exc:  # os.stat refuses paths with NUL bytes (or unencodable ones)
        raise PolicyError(f"not a usable file name: {exc}", code="bad-path", file=repr(name)[1:-1]) from exc
    if b"\x00" in data:
        raise PolicyError("binary file (NUL bytes); a policy is YAML text", code="not-text", file=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError("not valid UTF-8", code="bad-encoding", file=name, line=line) from exc
