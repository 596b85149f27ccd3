"""Data files of the register pipeline (template, organization vocabulary), validated once per text.

pydantic validates these files (the project's validator of files), but a ``show``, ``diff`` or
``lint`` should not import it for the same shipped files every time.  The validated data of a
text is kept in workreg's content-addressed cache (:mod:`workreg.policy.cache`: keyed by the
text and this installation of workreg, checksummed, never trusted blindly); a later read of the
same text takes it from there without parsing YAML or loading pydantic.  A text that fails
validation is never stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from workreg.errors import PolicyError
from workreg.inputs import read_text


def validated_data(path: str | Path, what: str, validate: Callable[[str, str], Any]) -> tuple[Any, bool]:
    """``(data, from_cache)``: the plain (JSON) data ``validate(text, file)`` makes of the file, from
    the cache when this text was validated before.  ``validate`` raises a PolicyError for a bad file."""
    from workreg.policy.cache import entry_key, read_entry, write_entry

    text = read_text(path, error=PolicyError, what=f"{what} YAML")
    key = entry_key(f"registers:{what}\0".encode() + text.encode("utf-8"))
    cached = read_entry(key)
    if cached is not None and "data" in cached:
        return cached["data"], True
    data = validate(text, str(path))
    write_entry(key, {"data": data})
    return data, False
