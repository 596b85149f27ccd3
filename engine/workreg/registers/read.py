"""Read a work register from text, Markdown, .docx, or the model itself as YAML/JSON; dump it back.

Every way a file can be wrong (missing, empty, binary, undecodable, not a register, broken .docx,
invalid YAML) ends in a RegisterError naming the file, never in another exception.
"""

from __future__ import annotations

import json
import re
from functools import partial
from itertools import count, repeat
from pathlib import Path
from typing import TYPE_CHECKING

from workreg.errors import RegisterError, UsageError, did_you_mean
from workreg.inputs import MAX_DATA_BYTES, MAX_DOCUMENT_BYTES, line_for, parse_json, parse_yaml, read_bytes
from workreg.registers.model import WorkRegister, as_data
from workreg.registers.parse import parse_lines
from workreg.registers.structure import Line

if TYPE_CHECKING:
    from workreg.registers.template import Template
    from workreg.registers.vocabulary import Vocabulary

MODEL_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
DUMP_FORMATS = ("yaml", "json")

_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# Control characters that never occur in a text document (tab, newlines, form feed, VT are fine).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# The same characters as bytes: UTF-8 and Windows-1252 write each as its own byte, and no other
# character of theirs has such a byte, so one C-level deletion from the bytes tells whether the
# text has one (faster than the pattern's search of the decoded text).
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def read_register(path: str | Path, *, vocabulary: Vocabulary | None = None) -> WorkRegister:
    """The work register in ``path`` (.txt/.md/.docx/.pdf document, or .yaml/.json model); RegisterError if not."""
    data = read_bytes(Path(path), max_bytes=MAX_DOCUMENT_BYTES, error=RegisterError)
    return register_from_bytes(data, str(path), vocabulary=vocabulary)


def register_from_bytes(data: bytes, name: str, *, vocabulary: Vocabulary | None = None) -> WorkRegister:
    """The work register in a document's bytes (an upload); ``name``'s suffix picks the format, errors name it."""
    path = Path(name)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RegisterError(f"document is {len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes",
                            code="too-large", file=name)
    if not data.strip():
        raise RegisterError("file is empty", code="empty", file=str(path))
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".docx":
        lines = _docx_lines(path, data)
    elif data.lstrip()[:5] == b"%PDF-" or path.suffix.lower() == ".pdf":
        from workreg.registers.pdf import pdf_text_lines

        lines = text_lines("\n".join(pdf_text_lines(data, str(path))))
    else:
        text = decode(data, file=str(path))
        kind = MODEL_SUFFIXES.get(path.suffix.lower())
        if kind is not None:
            if len(data) > MAX_DATA_BYTES:
                raise RegisterError(
                    f"file is {len(data)} bytes; register models are limited to {MAX_DATA_BYTES} bytes",
                    code="too-large", file=str(path),
                )
            return _read_model(text, kind, file=str(path))
        lines = text_lines(text)
    if vocabulary is None:
        from workreg.registers.vocabulary import load_vocabulary

        vocabulary = load_vocabulary()
    return parse_lines(lines, file=str(path), fallback_title=path.stem, groups_of=vocabulary.involved_in)


def decode(data: bytes, *, file: str) -> str:
    """Text of a document: UTF-16 or UTF-8 by BOM, else UTF-8, else Windows-1252; RegisterError if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RegisterError("bad UTF-16 text", code="bad-encoding", file=file) from exc
        control = _BINARY_CONTROL.search(text) is not None
    else:
        if b"\x00" in data:
            raise RegisterError("binary file (contains NUL bytes), not a text document", code="binary", file=file)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Word's "plain text" export on Windows is cp1252; undefined bytes there mean binary data.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise RegisterError(
                    "not text: neither UTF-8 nor Windows-1252", code="bad-encoding", file=file,
                    hint="save the document as UTF-8 text, .md or .docx",
                ) from exc
        control = len(data.translate(None, _BINARY_BYTES)) != len(data)
    if control:
        raise RegisterError("binary file (control characters), not a text document", code="binary", file=file)
    return text


def text_lines(text: str) -> list[Line]:
    """Numbered lines of a text export, cleaned of Word artefacts (bookmarks, no-break spaces)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Whole-text replacements (one pass each, not one per line); a bookmark never spans lines.
    if "[bookmark:" in text:
        text = _BOOKMARK.sub("", text)
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\x0b", " ").replace("\x0c", "")
    # Keep leading and lone tabs: in Word's export they mark (empty) table cells.
    texts = text.split("\n")
    if any(map(str.endswith, texts, repeat((" ", "\u2028", "\u2029")))):  # (a C-level test of each line)
        texts = [raw.rstrip(" \u2028\u2029") for raw in texts]
    # (number, text) pairs made Lines by tuple.__new__ directly: no Python frame per line.
    return list(map(partial(tuple.__new__, Line), zip(count(1), texts)))


def _docx_lines(path: Path, data: bytes) -> list[Line]:
    """Lines of a .docx: paragraphs in order (list paragraphs as bullets), each table row as a tabbed line."""
    from workreg.registers.docx import docx_text_lines

    return text_lines("\n".join(docx_text_lines(data, str(path))))


def _read_model(text: str, kind: str, *, file: str) -> WorkRegister:
    lines: dict = {}
    if kind == "json":
        data = parse_json(text, file, error=RegisterError)
    else:
        data, lines = parse_yaml(text, file, error=RegisterError)
    return register_from_data(data, file=file, lines=lines)


def register_from_data(data: object, *, file: str = "<model>", lines: dict | None = None,
                       template: Template | None = None) -> WorkRegister:
    """The register a model file's data (as :func:`dump_register` writes it) holds; RegisterError naming
    the first problem (and its line, when ``lines`` maps data paths to lines) when it holds none.

    The one place the model is validated (by pydantic, the project's validator of files): the
    parser builds its models directly."""
    from pydantic import TypeAdapter, ValidationError

    if not isinstance(data, dict):
        raise RegisterError(
            f"a register model is a mapping, not {type(data).__name__}", code="bad-model", file=file, line=1,
        )
    outside, inside = _key_names(template)
    organizations = data.get("organizations")
    for where, keys in (((), data), (("organizations",), organizations if isinstance(organizations, dict) else {})):
        for key in keys:
            if key in inside and inside[key] != key:  # the model's own name for a key the file spells otherwise
                loc = (*where, key)
                raise RegisterError(
                    "invalid register model: Extra inputs are not permitted", code="bad-model", file=file,
                    line=line_for(loc, lines or {})[0], field=".".join(loc), hint=f"did you mean '{inside[key]}'?",
                )
    try:
        return TypeAdapter(WorkRegister).validate_python(_renamed(data, outside))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(inside.get(part, part) if isinstance(part, str) else part for part in first["loc"])
        message = "Extra inputs are not permitted" if first["type"] == "unexpected_keyword_argument" else first["msg"]
        location = ".".join(str(part) for part in loc)
        hint = None
        if first["type"] == "unexpected_keyword_argument" and len(loc) == 1:
            from workreg.registers.model import field_names

            hint = did_you_mean(str(loc[0]), [inside.get(name, name) for name in field_names(WorkRegister)])
        raise RegisterError(
            f"invalid register model: {message}", code="bad-model", file=file,
            line=line_for(loc, lines or {})[0], field=location or None, hint=hint,
        ) from exc


def _key_names(template: Template | None) -> tuple[dict[str, str], dict[str, str]]:
    """(file key → model field, model field → file key): the host's organization and the approval
    record are written under the template's ids for them."""
    if template is None:
        from workreg.registers.template import default_template

        template = default_template()
    to_file = {"host": template.parties.host, "approval": template.approval}
    return {value: key for key, value in to_file.items()}, to_file


def _renamed(data: dict, names: dict[str, str]) -> dict:
    """``data`` with the top-level and organizations keys renamed by ``names``."""
    renamed = {names.get(key, key): value for key, value in data.items()}
    organizations = renamed.get("organizations")
    if isinstance(organizations, dict):
        renamed["organizations"] = {names.get(key, key): value for key, value in organizations.items()}
    return renamed


def register_data(register: WorkRegister, template: Template | None = None) -> dict:
    """The register as the plain data of a model file (keys in model order, the template's ids)."""
    data = as_data(register)
    assert isinstance(data, dict)
    return _renamed(data, _key_names(template)[1])


def dump_register(register: WorkRegister, fmt: str = "yaml") -> str:
    """The register as YAML or JSON text that ``read_register`` reads back to an equal model."""
    data = register_data(register)
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise UsageError(f"unknown register format '{fmt}'", code="bad-format", hint=did_you_mean(fmt, DUMP_FORMATS))
