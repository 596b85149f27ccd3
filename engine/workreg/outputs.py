"""The one place workreg writes output: width and wrapping, the streams, and output files.

Human text wraps only on a terminal (to ``COLUMNS``, else the terminal's width), or to the width
``--width N`` forces; piped or redirected, every finding, row and note is one line, so ``grep``,
``wc -l`` and ``cut`` see whole records and ids are never split.  Wrapping is at spaces only: an id,
a path or any other word longer than the line stays whole (the line runs over), and it is linear
in the text (a 9 MB word is written as it is).  JSON and Markdown are written as they are.

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
import stat
import sys
from pathlib import Path
from typing import Sequence, TextIO

from workreg.errors import OutputError

#: The width of text that is not wrapped: wider than any line (callers may subtract from it).
UNLIMITED = 1 << 40
#: The narrowest width wrapping goes down to (a terminal narrower than this still gets 40 columns).
MIN_WIDTH = 40

_forced_width: int | None = None


def force_width(columns: int | None) -> None:
    """Wrap every later output to ``columns`` whatever stdout is (``--width N``); 0 never wraps; None undoes it."""
    global _forced_width
    _forced_width = columns


def text_width() -> int:
    """Columns available for human text: ``--width``; on a terminal ``COLUMNS`` or its width; else :data:`UNLIMITED`."""
    if _forced_width is not None:
        return max(MIN_WIDTH, _forced_width) if _forced_width > 0 else UNLIMITED
    try:
        on_terminal = sys.stdout is not None and sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        on_terminal = False
    if not on_terminal:
        return UNLIMITED
    configured = os.environ.get("COLUMNS", "")
    if configured.isascii() and configured.isdigit() and len(configured) <= 6 and 0 < int(configured) < UNLIMITED:  # not '²', not 10**4000
        return max(MIN_WIDTH, int(configured))
    import shutil  # only on a terminal: it brings in the bz2, lzma and zlib modules

    try:
        return max(MIN_WIDTH, shutil.get_terminal_size((100, 24)).columns)
    except (ValueError, OSError):
        return 100


# Patterns of wrapping, compiled when text is first wrapped (``re`` keeps them): piped output never is.
_WORD = r"\S+"
_PIECE = r"(\s*)(\S+)"
_OTHER_SPACE = r"[^\S ]"
_ALIGNED = r"\S  +\S"


def fill(text: str, width: int | None = None, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` as lines of at most ``width`` columns, broken at white space only.

    Like ``textwrap.fill`` with ``break_long_words=False``, but linear however long a word is: a
    word longer than the line (an id, a path, a URL) is never cut; it stands on a line of its own
    and runs over.  Space inside a line is kept as it is (aligned columns stay aligned); tabs and
    other white space count as one space each.
    """
    width = text_width() if width is None else width
    other_space = re.compile(_OTHER_SPACE)
    pieces = re.findall(_PIECE, text.strip())
    if not pieces:
        return ""
    lines: list[str] = []
    parts = [initial_indent, pieces[0][1]]
    length = len(initial_indent) + len(pieces[0][1])
    for space, word in pieces[1:]:
        space = other_space.sub(" ", space)
        if length + len(space) + len(word) <= width:
            parts += (space, word)
            length += len(space) + len(word)
        else:
            lines.append("".join(parts))
            parts = [subsequent_indent, word]
            length = len(subsequent_indent) + len(word)
    lines.append("".join(parts))
    return "\n".join(lines)


def wrap(text: str, width: int | None = None) -> list[str]:
    """``text`` (one paragraph) as the lines :func:`fill` makes; ``[""]`` for empty text."""
    return fill(text, width).split("\n")


def wrap_lines(text: str, width: int | None = None) -> str:
    """Wrap each line longer than ``width`` at spaces, continuing under its own indent + 4.

    A line with aligned columns (two spaces inside it: a table's row that could not fit even
    with its cells wrapped) runs over instead: wrapped, its columns would no longer line up.
    """
    width = width or text_width()
    if width >= UNLIMITED:
        return text
    aligned = re.compile(_ALIGNED)
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width or aligned.search(line.strip()):
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip(" \t"))].expandtabs(4)
        body = line.strip().replace("\t", "    ")
        out.append(fill(body, width, indent, indent + "    ") or line)
    return "\n".join(out)


def _longest_word(cell: str) -> int:
    return max((len(word) for word in re.findall(_WORD, cell)), default=0)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ",
          width: int | None = None, whole: Sequence[int] = ()) -> str:
    """A plain aligned text table (no borders): one line per row unless it must fit ``width``.

    To fit, the widest prose column gives way first; a column never gets narrower than its header
    or its longest word, so ids and paths are never split (the row runs over instead).  The
    columns ``whole`` (ids that may hold a space, such as ``gate:Some Committee``) never wrap.
    """
    width = width or text_width()
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
    available = width - len(indent) - 2 * (len(widths) - 1)
    if sum(widths) > available:
        floors = [widths[i] if i in whole else max([len(h)] + [_longest_word(row[i]) for row in cells])
                  for i, h in enumerate(headers)]
        prose = [any(" " in row[i] for row in cells) for i in range(len(widths))]
        excess = sum(widths) - available
        # Take the excess from the columns with room to give, prose first, widest slack first.
        for i in sorted(range(len(widths)), key=lambda i: (not prose[i], -(widths[i] - floors[i]))):
            if excess <= 0:
                break
            give = min(excess, widths[i] - floors[i])
            widths[i] -= give
            excess -= give
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    for row in cells:
        wrapped = [[cell] if len(cell) <= w else wrap(cell, w) for cell, w in zip(row, widths)]
        for index in range(max(len(parts) for parts in wrapped)):
            parts = [(p[index] if index < len(p) else "") for p in wrapped]
            lines.append(indent + "  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)


def format_json(data: object) -> str:
    """Stable JSON: two-space indent, keys in contract order, UTF-8 kept."""
    # json.dumps with an indent takes the pure-Python encoder (a generator per level, a few per
    # value); plain data (str keys; str, int, float, bool, None, list, tuple, dict values) is
    # written here by one recursion into a list of pieces, the same text (tests/test_format_json.py
    # compares them); anything else goes to json.dumps.
    pieces: list[str] = []
    try:
        _indented(data, pieces, "\n")
    except _NotPlain:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    pieces.append("\n")
    return "".join(pieces)


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to json.dumps."""


_STRING = json.encoder.encode_basestring  # the C function when there is one, as json.dumps uses
_LITERALS: dict[object, str] = {None: "null", True: "true", False: "false"}


def _scalar(value: object) -> str:
    """A JSON scalar as json.dumps writes it (``_NotPlain`` when ``value`` is not one)."""
    if isinstance(value, str):
        return _STRING(value)
    if value is None or value is True or value is False:
        return _LITERALS[value]
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotPlain
        return float.__repr__(value)
    raise _NotPlain


def _indented(value: object, pieces: list[str], newline: str) -> None:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it at the level
    whose line break and indent is ``newline``, appended to ``pieces``."""
    if isinstance(value, dict):
        if not value:
            pieces.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            if type(item) is str:  # most values: written here, without a call
                pieces.append(f"{separator}{_STRING(key)}: {_STRING(item)}")
            elif item is None:
                pieces.append(f"{separator}{_STRING(key)}: null")
            elif isinstance(item, (dict, list, tuple)):
                pieces.append(f"{separator}{_STRING(key)}: ")
                _indented(item, pieces, inner)
            else:
                pieces.append(f"{separator}{_STRING(key)}: {_scalar(item)}")
            separator = "," + inner
        pieces.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            pieces.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            pieces.append(separator)
            if isinstance(item, (dict, list, tuple)):
                _indented(item, pieces, inner)
            else:
                pieces.append(_scalar(item))
            separator = "," + inner
        pieces.append(newline + "]")
    else:
        pieces.append(_scalar(value))


_SURROGATES = "[\ud800-\udfff]"
_NON_ASCII = "[^\x00-\x7f]"


def printable(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes of a file name or argument) as U+FFFD."""
    try:
        text.encode("utf-8")  # fails on lone surrogates and on nothing else
    except UnicodeEncodeError:
        return re.sub(_SURROGATES, "\ufffd", text)
    return text


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
        return re.sub(_NON_ASCII, lambda match: json.dumps(match.group())[1:-1], text)
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
