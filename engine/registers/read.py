"""Read a work register from text, Markdown, .docx, or the model itself as YAML/JSON; dump it back.

Every way a file can be wrong (missing, empty, binary, undecodable, not a register, broken .docx,
invalid YAML) ends in a RegisterError naming the file, never in another exception.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from workreg.errors import RegisterError, UsageError, did_you_mean
from workreg.inputs import MAX_DATA_BYTES, MAX_DOCUMENT_BYTES, line_for, parse_json, parse_yaml, read_bytes
from workreg.registers.model import WorkRegister
from workreg.registers.parse import parse_lines
from workreg.registers.structure import Line

if TYPE_CHECKING:
    from workreg.registers.vocabulary import Vocabulary

MODEL_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
DUMP_FORMATS = ("yaml", "json")

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# Control characters that never occur in a text document (tab, newlines, form feed, VT are fine).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


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
    if _BINARY_CONTROL.search(text):
        raise RegisterError("binary file (control characters), not a text document", code="binary", file=file)
    return text


def text_lines(text: str) -> list[Line]:
    """Numbered lines of a text export, cleaned of Word artefacts (bookmarks, no-break spaces)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = _BOOKMARK.sub("", raw)
        raw = raw.replace("\xa0", " ").replace("\u200b", "").replace("\x0b", " ").replace("\x0c", "")
        # Keep leading and lone tabs: in Word's export they mark (empty) table cells.
        lines.append(Line(number, raw.rstrip(" \u2028\u2029")))
    return lines


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
    if not isinstance(data, dict):
        raise RegisterError(
            f"a register model is a mapping, not {type(data).__name__}", code="bad-model", file=file, line=1,
        )
    try:
        return WorkRegister.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise RegisterError(
            f"invalid register model: {first['msg']}", code="bad-model", file=file,
            line=line_for(first["loc"], lines)[0], field=location or None,
        ) from exc


def dump_register(register: WorkRegister, fmt: str = "yaml") -> str:
    """The register as YAML or JSON text that ``read_register`` reads back to an equal model."""
    data = register.model_dump(mode="json")
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise UsageError(f"unknown register format '{fmt}'", code="bad-format", hint=did_you_mean(fmt, DUMP_FORMATS))
