"""The one place workreg writes text for people and programs: width, wrapping and the stream.

Human text wraps to the terminal (``COLUMNS``, else 100 columns when not a terminal) so that no
report prints 300-column lines; JSON and Markdown are written as they are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from typing import Sequence, TextIO

DEFAULT_WIDTH = 100
MIN_WIDTH = 40


def text_width() -> int:
    """Columns available for human text: ``COLUMNS``, the terminal's width, else 100."""
    configured = os.environ.get("COLUMNS", "")
    if configured.isdigit() and int(configured) > 0:
        return max(MIN_WIDTH, int(configured))
    try:
        if sys.stdout is not None and sys.stdout.isatty():
            return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


_INDENT = re.compile(r"^[ \t]*")


def wrap_lines(text: str, width: int | None = None) -> str:
    """Wrap each line longer than ``width`` at word boundaries, continuing under its own indent + 4."""
    width = width or text_width()
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = _INDENT.match(line).group(0).expandtabs(4)
        body = line.strip().replace("\t", "    ")
        out.extend(textwrap.wrap(
            body, width=width, initial_indent=indent, subsequent_indent=indent + "    ",
            break_long_words=True, break_on_hyphens=False,
        ) or [line])
    return "\n".join(out)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ",
          width: int | None = None) -> str:
    """A plain aligned text table (no borders) that fits ``width``: long cells wrap onto more lines."""
    width = width or text_width()
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
    # Shrink the widest column until the table fits (never below its header or 12 characters).
    available = width - len(indent) - 2 * (len(widths) - 1)
    floors = [max(len(h), min(w, 12)) for h, w in zip(headers, widths)]
    # Columns of prose (cells with spaces) wrap first; ids and paths break only when nothing else fits.
    prose = [any(" " in row[i] for row in cells) for i in range(len(widths))]
    while sum(widths) > available:
        candidates = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (prose[i], widths[i] - floors[i]))
        widths[widest] -= 1
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    for row in cells:
        wrapped = [textwrap.wrap(cell, width=w, break_on_hyphens=False) or [""] for cell, w in zip(row, widths)]
        for index in range(max(len(parts) for parts in wrapped)):
            parts = [(p[index] if index < len(p) else "") for p in wrapped]
            lines.append(indent + "  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)


def format_json(data) -> str:
    """Stable JSON: two-space indent, keys in contract order, UTF-8 kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def emit(text: str, *, wrap: bool = False, stream: TextIO | None = None) -> None:
    """Write command output; ``wrap`` folds human text to the terminal width."""
    stream = stream or sys.stdout
    stream.write(wrap_lines(text) if wrap else text)


def emit_error(text: str) -> None:
    """Write an error or warning line to stderr."""
    sys.stderr.write(text + "\n")
