"""The one place workreg opens an input file and parses YAML: bounded, regular files only, safe.

Every reader (policies, vocabularies, register documents and models, the decision cache) goes
through :func:`read_bytes`: it opens without blocking (a FIFO or a device never hangs a read),
accepts only regular files, and reads at most ``max_bytes``.  Every YAML document goes through
:func:`parse_yaml`: a safe loader that refuses aliases, merge keys, duplicate keys and deep
nesting, and turns any scalar a constructor cannot build (a 30th of February, an ``!!int`` that
is not one, an integer of thousands of digits) into ``file:line: code: message`` instead of a
traceback.  Imports PyYAML only when YAML is parsed.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Iterable

from workreg.errors import PolicyError, WorkregError

#: Policy files, vocabularies and register models (YAML or JSON) are refused above this size.
MAX_DATA_BYTES = 2 * 1024 * 1024
#: Register documents (text, Markdown, .docx) are refused above this size.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Nesting deeper than this is refused in YAML and JSON data.
MAX_DEPTH = 32
#: Policy files are refused above this size: a generated policy of 6,000 steps and 12,000 edges
#: takes about 2.5 MB, and every pass of load and check is linear (see docs/bad-input.md).
MAX_POLICY_BYTES = 4 * 1024 * 1024

#: Integers longer than this many decimal digits are refused in YAML and JSON data.
MAX_INT_DIGITS = 4000
_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219)  # log2(10) bits per decimal digit
#: A document path: mapping keys and list indexes, from the root.
DocPath = tuple[Any, ...]


def display_name(path: str | Path) -> str:
    """A file name that can always be printed and put in JSON (undecodable bytes replaced, NUL shown)."""
    name = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    if "\x00" in name:
        return repr(name)[1:-1]
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def read_bytes(path: str | Path, *, max_bytes: int, error: type[WorkregError] = WorkregError) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``; ``error`` naming the file otherwise.

    FIFOs, sockets, devices and directories are refused without blocking; a file that grows
    while it is read is cut off at the limit and refused.
    """
    name = display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise error("no such file", code="not-found", file=name) from exc
    except IsADirectoryError as exc:
        raise error("is a directory, not a file", code="not-a-file", file=name) from exc
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", code="unreadable", file=name) from exc
    except (ValueError, TypeError) as exc:  # NUL bytes in the name
        raise error(f"not a usable file name: {exc}", code="bad-path", file=name) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error("is a directory, not a file", code="not-a-file", file=name)
        if not stat.S_ISREG(info.st_mode):
            raise error("not a regular file (a FIFO, socket or device)", code="not-a-file", file=name)
        if info.st_size > max_bytes:
            raise error(f"file is {info.st_size} bytes, larger than the {max_bytes} byte limit",
                        code="too-large", file=name)
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", code="unreadable", file=name) from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise error(f"file is larger than the {max_bytes} byte limit", code="too-large", file=name)
    return data


def decode_utf8(data: bytes, *, file: str, error: type[WorkregError] = WorkregError, what: str = "YAML") -> str:
    """UTF-8 text (a BOM allowed); binary or mis-encoded data is an error with its line."""
    if b"\x00" in data:
        raise error(f"binary file (NUL bytes); expected {what} text", code="not-text", file=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8", code="bad-encoding", file=file, line=line) from exc


def read_text(path: str | Path, *, max_bytes: int = MAX_DATA_BYTES, error: type[WorkregError] = WorkregError,
              what: str = "YAML") -> str:
    """A regular UTF-8 text file, bounded in size."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes, error=error), file=display_name(path), error=error, what=what)


def read_policy_text(path: str | Path) -> str:
    """Read a policy file as UTF-8 text, refusing missing, huge, binary, special or mis-encoded files."""
    return read_text(path, max_bytes=MAX_POLICY_BYTES, error=PolicyError, what="policy YAML")


# -- YAML ---------------------------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, code: str, message: str, line: int | None, hint: str | None = None, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.hint, self.field = code, message, line, hint, field


def _loader_class():
    import yaml

    class StrictLoader(yaml.SafeLoader):
        """SafeLoader that refuses aliases and deep nesting (nodes keep their lines)."""

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0

        def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _Problem(
                    "yaml-alias", "aliases (*name) are not allowed", event.start_mark.line + 1,
                    hint="write the value out in full",
                )
            self._depth += 1
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise _Problem("too-deep", f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return StrictLoader


_LOADER = None


def parse_yaml(text: str, file: str, *, error: type[WorkregError] = PolicyError) -> tuple[Any, dict[DocPath, int]]:
    """Parse one YAML document safely: ``(data, {document path: line})``; ``error`` naming file and line.

    Mappings become dicts with text keys, sequences lists; scalars become str, int, float, bool
    or None, and anything else a safe constructor builds (dates, binary) stays the text written.
    libyaml parses where it is installed and the document is plain; PyYAML's pure-Python loader
    decides everything else (see :func:`_parse_with_libyaml`).
    """
    fast = _parse_with_libyaml(text)
    if fast is not None:
        return fast
    return parse_yaml_reference(text, file, error=error)


def parse_yaml_reference(
    text: str, file: str, *, error: type[WorkregError] = PolicyError,
) -> tuple[Any, dict[DocPath, int]]:
    """:func:`parse_yaml` by PyYAML's pure-Python loader alone: the reference for every answer and error."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    try:
        loader = _LOADER(text)
    except yaml.YAMLError as exc:  # the reader checks characters as soon as it is built
        raise error(str(exc).splitlines()[-1].strip() or "invalid YAML", code="yaml-syntax", file=file) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            raise error("empty file", code="empty", file=file, line=1)
        lines: dict[DocPath, int] = {}
        data = _construct(node, (), lines, loader)
        return data, lines
    except _Problem as exc:
        raise error(exc.message, code=exc.code, file=file, line=exc.line, hint=exc.hint, field=exc.field) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise error(message, code="yaml-syntax", file=file, line=line) from exc
    except yaml.YAMLError as exc:
        raise error(str(exc).splitlines()[0] if str(exc) else "invalid YAML", code="yaml-syntax", file=file) from exc
    except RecursionError as exc:
        raise error("nesting too deep", code="too-deep", file=file) from exc
    finally:
        loader.dispose()


def _parse_with_libyaml(text: str) -> tuple[Any, dict[DocPath, int]] | None:
    """``parse_yaml``'s answer built from libyaml's events (many times faster), or None to leave it to PyYAML.

    libyaml answers only for plain documents: printable text without the characters on which
    the two part ways (``_LIBYAML_DIFFERS``), one document, no aliases, no explicit tags, no
    merge or duplicate keys, text keys, nesting well within the limit, and scalars that
    construct without a problem.  Everything else (every error, every refusal) is
    decided by the pure-Python :class:`StrictLoader`, whose messages and lines are the reference.
    The data is built straight from the event stream (iteratively: no composer recursion in C),
    resolving plain scalars with PyYAML's own resolver and constructor, so both paths give the
    same values and the same line map (a test compares them).
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or re.search(_LIBYAML_DIFFERS, text) or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = loader_class(text)
    try:
        return _events_to_data(loader, yaml)
    except Exception:  # noqa: BLE001 - any trouble: the pure-Python loader decides and reports it
        return None
    finally:
        loader.dispose()


# Characters on which libyaml and PyYAML part ways: libyaml accepts tabs where PyYAML refuses
# them ("0\t", "p\tolicy: x"), a "?" inside a plain scalar of a flow collection ("{a: b ? c}"),
# byte order marks inside the text, a block scalar's header followed by a comment without a space
# (">#"), and treats the Unicode line breaks (NEL, LS, PS) otherwise.
_LIBYAML_DIFFERS = "[\t?\ufeff\x85\u2028\u2029]|[|>][-+0-9]*#"  # compiled when YAML is parsed (not on a cached query)


class _Fallback(Exception):
    """The document needs the pure-Python loader."""


def _events_to_data(loader, yaml) -> tuple[Any, dict[DocPath, int]] | None:
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    skipped = (yaml.StreamStartEvent, yaml.DocumentStartEvent)
    document_end, stream_end = yaml.DocumentEndEvent, yaml.StreamEndEvent
    resolvers = loader.yaml_implicit_resolvers
    str_tag = "tag:yaml.org,2002:str"
    plain_tags: dict[str, str] = {}

    def scalar(event):
        if event.tag is not None:
            raise _Fallback
        value = event.value
        if not event.implicit[0]:  # quoted or block: text
            return value
        tag = plain_tags.get(value)
        if tag is None:
            tag = str_tag if value and value[0] not in resolvers else loader.resolve(yaml.ScalarNode, value, event.implicit)
            plain_tags[value] = tag
        if tag == str_tag:
            return value
        built = loader.construct_object(yaml.ScalarNode(tag, value, event.start_mark, event.end_mark), deep=True)
        if isinstance(built, int) and built.bit_length() > _MAX_INT_BITS:
            raise _Fallback  # too long to print: the reference loader reports it (bad-scalar)
        return built if isinstance(built, (str, int, float, bool, type(None))) else value

    lines: dict[DocPath, int] = {}
    # The open collections: [container, its path, the pending key of a mapping (None: expecting a key)].
    stack: list[list] = []
    root: Any = None
    done = False
    get_event = loader.get_event
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event or kind is mapping_start or kind is sequence_start:
            if done:
                raise _Fallback  # a second document
            top = stack[-1] if stack else None
            if top is None:
                if kind is scalar_event:
                    raise _Fallback  # a lone scalar (never a policy): its line is placed differently
                path: DocPath = ()
            elif top[2] is None:
                if top[3]:  # a mapping expecting a key: plain text only, neither merge nor repeated
                    if kind is not scalar_event or event.tag is not None:
                        raise _Fallback
                    key = event.value
                    if key in top[0] or (key == "<<" and event.implicit[0]):
                        raise _Fallback
                    top[2] = (key,)
                    continue
                path = top[1] + (len(top[0]),)
            else:
                path = top[1] + top[2]
            lines[path] = event.start_mark.line + 1
            if kind is scalar_event:
                value = scalar(event)
            else:
                if event.tag is not None or len(stack) >= MAX_DEPTH - 2:
                    raise _Fallback
                value = {} if kind is mapping_start else []
            if top is None:
                root = value
            elif top[3]:
                top[0][top[2][0]] = value
                top[2] = None
            else:
                top[0].append(value)
            if kind is not scalar_event:
                stack.append([value, path, None, kind is mapping_start])
        elif kind in collection_end:
            stack.pop()
            done = not stack
        elif kind in skipped:
            continue
        elif kind is document_end and done:
            continue
        elif event is None or kind is stream_end:
            break
        else:
            raise _Fallback  # an alias, or a document end before anything
    if not done:
        return None  # an empty document: the reference reports it
    return root, lines


def _construct(node, path: DocPath, lines: dict, loader) -> Any:
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem("bad-key", "mapping keys must be plain names", line)
            if key_node.tag.endswith(":merge"):
                raise _Problem("yaml-merge", "merge keys (<<) are not allowed", line)
            key = key_node.value  # keys are names: `1:` or `yes:` is the text written
            if key in result:
                raise _Problem(
                    "duplicate-key", f"duplicate key '{key}' (first at line {lines[path + (key,)]})", line,
                    field=field_text(path + (key,)),
                )
            result[key] = _construct(value_node, path + (key,), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (index,), lines, loader) for index, item in enumerate(node.value)]
    value = _scalar(node, loader)
    if not isinstance(value, (str, int, float, bool, type(None))):
        return node.value  # dates, timestamps, binary: the text as written
    return value


def _scalar(node, loader) -> Any:
    """Construct one scalar; a value its tag cannot hold is a located error, not a traceback."""
    import yaml

    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except Exception as exc:  # noqa: BLE001 - any constructor's failure (ValueError, KeyError,
        # AttributeError for an `!!timestamp` that is not one, OverflowError ...) is this value's fault
        tag = node.tag.rsplit(":", 1)[-1]
        reason = "too many digits" if "digits" in str(exc) else f"not a valid {tag}"
        raise _Problem("bad-scalar", f"{shown!r} is {reason}", node.start_mark.line + 1,
                       hint="quote the value to keep it as text") from exc
    # Hexadecimal, octal and binary integers have no digit limit when built, but printing one
    # (in any later message) would fail: refuse them at the same size as decimal ones.
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        raise _Problem("bad-scalar", f"{shown!r} is too many digits", node.start_mark.line + 1,
                       hint="quote the value to keep it as text")
    return value


def parse_json(text: str, file: str, *, error: type[WorkregError] = WorkregError) -> Any:
    """JSON data, with the same refusals as YAML (duplicate keys, deep nesting); errors name the line."""

    def no_duplicates(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise _Problem("duplicate-key", f"duplicate key '{key}'", None)
            result[key] = value
        return result

    def bounded_int(text: str) -> int:
        if len(text) > MAX_INT_DIGITS:
            raise _Problem("bad-scalar", "integer with too many digits", None)
        return int(text)

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_int=bounded_int)
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", code="bad-json", file=file, line=exc.lineno) from exc
    except _Problem as exc:
        raise error(exc.message, code=exc.code, file=file) from exc
    except (RecursionError, ValueError) as exc:
        raise error(f"invalid JSON: {exc}", code="bad-json", file=file) from exc
    if _depth(data) > MAX_DEPTH:
        raise error(f"nesting deeper than {MAX_DEPTH} levels", code="too-deep", file=file)
    return data


def _depth(value: Any) -> int:
    depth, frontier = 0, [value]
    while frontier:
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        frontier = [
            child for item in frontier
            for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())
        ]
    return depth


def field_text(path: Iterable) -> str:
    """``steps[1].actor`` for the document path ``('steps', 1, 'actor')``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def line_for(loc: Iterable, lines: dict[DocPath, int]) -> tuple[int | None, tuple]:
    """The line of the deepest part of a location (a pydantic error ``loc``) present in the document."""
    path: tuple = ()
    for part in loc:
        if path + (part,) in lines:
            path = path + (part,)
    return lines.get(path), path
