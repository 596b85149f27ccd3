"""Load YAML/JSON data safely (size limit, safe loader) and find the line of a key for error messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import yaml

from engine.errors import WorkregError

#: Documents and policy files larger than this are refused rather than parsed.
MAX_BYTES = 10 * 1024 * 1024


def read_limited(path: Path, error: type[WorkregError], *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``; ``error`` (naming the file) when missing, unreadable or too large."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(
                f"file is {size} bytes, larger than the {max_bytes} byte limit",
                code="too-large",
                file=str(path),
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise error("no such file", code="not-found", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise error("is a directory, not a file", code="not-a-file", file=str(path)) from exc
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror or exc}", code="unreadable", file=str(path)) from exc
    except ValueError as exc:  # os.stat refuses paths with NUL bytes (or unencodable ones)
        raise error(f"not a usable file name: {exc}", code="bad-path", file=repr(str(path))[1:-1]) from exc
    if len(data) > max_bytes:
        raise error(f"file is larger than the {max_bytes} byte limit", code="too-large", file=str(path))
    return data


def load_yaml_text(text: str, *, file: str, error: type[WorkregError]) -> tuple[Any, yaml.Node | None]:
    """``(data, node tree)`` of YAML (or JSON, a YAML subset) text; ``error`` with the line on bad syntax."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(
            f"invalid YAML: {problem}", code="bad-yaml", file=file, line=mark.line + 1 if mark else None
        ) from exc
    except RecursionError as exc:
        raise error("invalid YAML: nested too deeply", code="bad-yaml", file=file) from exc
    return data, node


def load_json_text(text: str, *, file: str, error: type[WorkregError]) -> Any:
    """Data of JSON text; ``error`` with the line on bad syntax."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", code="bad-json", file=file, line=exc.lineno) from exc
    except RecursionError as exc:
        raise error("invalid JSON: nested too deeply", code="bad-json", file=file) from exc


def line_of(node: yaml.Node | None, location: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest node reachable along ``location`` (a pydantic error ``loc``)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in location:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == key:
                    child = value_node
                    # An unknown key's own line is more useful than its value's.
                    line = key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            child = node.value[key]
        if child is None:
            return line
        node = child
        line = node.start_mark.line + 1
    return line
