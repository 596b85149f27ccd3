"""The one place workreg writes output: width and wrapping, the streams, and output files.

Human text wraps to the terminal (``COLUMNS``, else 100 columns when not a terminal) so that no
report prints 300-column lines; JSON and Markdown are written as they are.

Every write goes through :func:`emit` (stdout), :func:`emit_error` (stderr) or
:func:`write_file`, which keep the bad-output promise:

* a stream that fails (a full disk, ``> /dev/full``, a closed descriptor) ends the command with
  one line, ``workreg: output-failed: ...``, and exit 2 (:class:`~workreg.errors.OutputError`);
* a reader that goes away (``workreg ... | head``: EPIPE) is not an error: output stops quietly
  and the command ends with its own exit code, so a pipeline's status still says whether
  ``check`` or ``lint`` found problems;
* text the stream's encoding cannot hold (``PYTHONIOENCODING=ascii``, a Latin-1 locale) is
  written with replacement characters, JSON with ``\\uXXXX`` escapes (still the same JSON);
* undecodable bytes of file names and arguments (lone surrogates) are written as U+FFFD, so
  output is always valid UTF-8 and JSON stays valid.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import sys
import textwrap
from pathlib import Path
from typing import Sequence, TextIO

from workreg.errors import OutputError

DEFAULT_WIDTH = 100
MIN_WIDTH = 40


def text_width() -> int:
    """Columns available for human text: ``COLUMNS``, the terminal's width, else 100."""
    configured = os.environ.get("COLUMNS", "")
    if configured.isascii() and configured.isdigit() and 0 < int(configured[:6]):  # not '²', not 10**4000
        return max(MIN_WIDTH, int(configured[:6]))
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


_NOT_A_SPACE = re.compile(r"[^\S ]")


def _fits(cell: str, width: int) -> bool:
    """Whether ``textwrap.wrap(cell, width)`` would give ``[cell]`` (checked cheaply: long tables)."""
    return 0 < len(cell) <= width and cell[0] != " " and cell[-1] != " " and not _NOT_A_SPACE.search(cell)


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
        wrapped = [[cell] if _fits(cell, w) else textwrap.wrap(cell, width=w, break_on_hyphens=False) or [""]
                   for cell, w in zip(row, widths)]
        for index in range(max(len(parts) for parts in wrapped)):
            parts = [(p[index] if index < len(p) else "") for p in wrapped]
            lines.append(indent + "  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)


def format_json(data) -> str:
    """Stable JSON: two-space indent, keys in contract order, UTF-8 kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_SURROGATES = re.compile("[\ud800-\udfff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def printable(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes of a file name or argument) as U+FFFD."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def _encodable(text: str, stream: TextIO, *, json_text: bool) -> str:
    """``text`` as the stream's encoding can hold it: replacement characters, or JSON escapes."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except LookupError:
        return text
    except UnicodeEncodeError:
        pass
    if json_text:
        # Outside strings JSON is ASCII, so escaping every other character keeps the same JSON.
        return _NON_ASCII.sub(lambda match: json.dumps(match.group())[1:-1], text)
    return text.encode(encoding, "replace").decode(encoding)


def _discard_pending(stream: TextIO) -> None:
    """Point the stream's descriptor at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, descriptor)
    except OSError:
        pass
    finally:
        os.close(null)


def _write(stream: TextIO | None, text: str, *, json_text: bool = False) -> None:
    if stream is None:  # the process was started with the descriptor closed (`>&-`)
        raise OutputError("cannot write the output: standard output is closed", code="output-failed")
    text = _encodable(printable(text), stream, json_text=json_text)
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        _discard_pending(stream)  # the reader stopped reading (`| head`): not an error
    except OSError as exc:
        _discard_pending(stream)
        raise OutputError(f"cannot write the output: {exc.strerror or exc}", code="output-failed") from exc
    except ValueError as exc:  # "I/O operation on closed file"
        raise OutputError(f"cannot write the output: {exc}", code="output-failed") from exc


def emit(text: str, *, wrap: bool = False, json: bool = False, stream: TextIO | None = None) -> None:
    """Write command output to stdout; ``wrap`` folds human text to the terminal width, ``json``
    says the text is JSON (escaped, not replaced, where the encoding cannot hold a character)."""
    _write(stream or sys.stdout, wrap_lines(text) if wrap else text, json_text=json)


def emit_error(text: str) -> None:
    """Write an error or warning line to stderr; a stderr that cannot be written is not reported."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        _write(stream, text + "\n")
    except OutputError:
        pass  # nowhere left to say it; the exit code still does


# -- output files -------------------------------------------------------------------------------


def write_file(path: str | Path, data: bytes | str, *, exclusive: bool = False) -> None:
    """Write ``data`` to the regular file ``path`` (created, or replaced unless ``exclusive``).

    Never blocks on a FIFO and never writes into a device; every failure is an OutputError
    naming the file (``exists``, ``not-a-file``, ``unwritable``, ``bad-path``).
    """
    from workreg.inputs import display_name

    name = display_name(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if exclusive:
        flags |= os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError as exc:
        raise OutputError("file exists; not overwriting it", code="exists", file=name) from exc
    except IsADirectoryError as exc:
        raise OutputError("is a directory, not a file", code="not-a-file", file=name) from exc
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads
            raise OutputError("not a regular file (a FIFO)", code="not-a-file", file=name) from exc
        raise OutputError(f"cannot write: {exc.strerror or exc}", code="unwritable", file=name) from exc
    except (ValueError, TypeError) as exc:  # NUL bytes in the name
        raise OutputError(f"not a usable file name: {exc}", code="bad-path", file=name) from exc
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OutputError("not a regular file (a FIFO, socket or device)", code="not-a-file", file=name)
        os.ftruncate(descriptor, 0)
        view = memoryview(payload)
        while view:
            view = view[os.write(descriptor, view):]
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", code="unwritable", file=name) from exc
    finally:
        os.close(descriptor)


def make_directory(path: str | Path) -> Path:
    """The directory ``path``, created with its parents when missing; OutputError when it cannot be."""
    from workreg.inputs import display_name

    name = display_name(path)
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError("not a directory: a file of that name (or of a folder on its path) exists",
                          code="not-a-directory",
                          file=name) from exc
    except OSError as exc:
        raise OutputError(f"cannot create the directory: {exc.strerror or exc}", code="unwritable",
                          file=name) from exc
    except (ValueError, TypeError) as exc:
        raise OutputError(f"not a usable directory name: {exc}", code="bad-path", file=name) from exc
    return directory


def remove_file(path: str | Path) -> None:
    """Delete an output file workreg wrote earlier; OutputError when it cannot be."""
    from workreg.inputs import display_name

    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OutputError(f"cannot remove: {exc.strerror or exc}", code="unwritable",
                          file=display_name(path)) from exc
