"""The shown examples of README.md and docs/: every ``$ workreg ...`` line of a ``console`` block,
run from the repository's root, with the output it prints.

Conventions of a console block (documented in docs/contributing.md):

* ``$ workreg ARGS`` is a command; the lines after it, up to the next ``$`` line or the block's
  end, are what it prints (stdout and stderr, as a terminal would interleave them, unwrapped);
* a line ``[N]`` at the end of an output is the exit code when it is not 0 (as cram shows it);
* a line ``...`` stands for any number of lines (output left out for brevity);
* ``{{any}}`` inside a line stands for text that differs between runs (times, tokens, paths
  outside the repository).

Nothing else may differ.  Other ``$`` lines (``$ curl ...``) and ``$ workreg serve`` (a server
that runs until stopped) are shown, not run: their output is not checked.  ``WORKREG_UPDATE_EXAMPLES=1`` rewrites the shown outputs in place
(keeping the ``...`` and ``{{any}}`` marks where the output still fits them).
"""

from __future__ import annotations

import io
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ELLIPSIS = "..."
ANY = "{{any}}"
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w-]*)")
_EXIT = re.compile(r"^\[(\d+)\]$")


@dataclass
class Example:
    """One ``$ workreg`` command of a document and the output shown under it."""

    path: Path
    line: int  # 1-based line of the command
    command: str
    expected: list[str]
    exit_code: int = 0
    indent: str = ""
    span: tuple[int, int] = (0, 0)  # 0-based [start, end) of the output lines in the file
    args: list[str] = field(default_factory=list)
    checked: bool = True  # False for `$` lines that are shown, not run

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    """README.md and every Markdown page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def examples(path: Path) -> list[Example]:
    """The console examples of one document that are run, in order."""
    return [example for example in shown(path) if example.checked]


def shown(path: Path) -> list[Example]:
    """Every ``$`` line of the console blocks of one document, run or not, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found: list[Example] = []
    index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        indent, marks, language = fence.groups()
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(marks):
            end += 1
        if language == "console":
            found += _block(path, lines, index + 1, end, indent)
        index = end + 1
    return found


def _block(path: Path, lines: list[str], start: int, end: int, indent: str) -> list[Example]:
    out: list[Example] = []
    current: Example | None = None
    for number in range(start, end):
        text = lines[number][len(indent):] if lines[number].startswith(indent) else lines[number].lstrip()
        if text.startswith("$ "):
            if current is not None:
                _close(current, number)
                out.append(current)
            command = text[2:]
            runnable = (command.startswith("workreg ") or command == "workreg") \
                and not command.startswith("workreg serve")
            current = Example(path, number + 1, command, [], indent=indent, span=(number + 1, number + 1),
                              args=shlex.split(command)[1:] if runnable else [], checked=runnable)
        elif current is not None:
            current.expected.append(text)
    if current is not None:
        _close(current, end)
        out.append(current)
    return out


def _close(example: Example, end: int) -> None:
    example.span = (example.span[0], end)
    while example.expected and example.expected[-1] == "":
        example.expected.pop()
    if example.expected and _EXIT.match(example.expected[-1]):
        example.exit_code = int(_EXIT.match(example.expected[-1]).group(1))
        example.expected.pop()


def run(example: Example) -> tuple[int, list[str]]:
    """Run the command in this process; its exit code and output lines (stdout and stderr interleaved)."""
    import contextlib

    from workreg.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = main(example.args)
    text = buffer.getvalue()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return code, lines


def _line_matches(pattern: str, line: str) -> bool:
    if ANY not in pattern:
        return pattern == line
    regex = ".*?".join(re.escape(part) for part in pattern.split(ANY))
    return re.fullmatch(regex, line) is not None


def matches(expected: list[str], actual: list[str], i: int = 0, j: int = 0) -> bool:
    """Whether ``actual`` fits ``expected`` (``...`` lines: any lines; ``{{any}}``: any text)."""
    while i < len(expected) and expected[i] != ELLIPSIS:
        if j >= len(actual) or not _line_matches(expected[i], actual[j]):
            return False
        i, j = i + 1, j + 1
    if i == len(expected):
        return j == len(actual)
    return any(matches(expected, actual, i + 1, k) for k in range(j, len(actual) + 1))


def _segments(expected: list[str]) -> list[list[str]]:
    """The expected lines split at ``...`` lines."""
    segments: list[list[str]] = [[]]
    for line in expected:
        if line == ELLIPSIS:
            segments.append([])
        else:
            segments[-1].append(line)
    return segments


def _keep_marks(shown: list[str], actual: list[str]) -> list[str]:
    return [p if _line_matches(p, a) else a for p, a in zip(shown, actual)]


def updated(expected: list[str], actual: list[str]) -> list[str]:
    """What to show instead of ``expected``: ``actual``, leaving out what the shown text leaves out
    (as many lines before the first ``...`` and after the last as before; a middle part found by
    its first line) and keeping ``{{any}}`` where the line still fits it."""
    segments = _segments(expected)
    if len(segments) == 1:
        return _keep_marks(expected, actual) + actual[len(expected):] if len(expected) <= len(actual) else actual
    head, *middle, tail = segments
    out = _keep_marks(head, actual[:len(head)])
    position = len(out)
    tail_start = max(position, len(actual) - len(tail))
    for segment in middle:
        out.append(ELLIPSIS)
        if not segment:
            continue
        found = next((k for k in range(position, tail_start) if _line_matches(segment[0], actual[k])), None)
        if found is None:
            continue  # the part is gone from the output: leave it out
        take = actual[found:min(found + len(segment), tail_start)]
        out += _keep_marks(segment, take) + take[len(segment):]
        position = found + len(take)
    out.append(ELLIPSIS)
    tail_actual = actual[tail_start:]
    out += _keep_marks(tail[-len(tail_actual):], tail_actual) if tail_actual else []
    return out


def rewrite(path: Path, results: dict[int, tuple[int, list[str]]]) -> bool:
    """Write the actual outputs of ``path``'s examples in place; whether anything changed."""
    lines = path.read_text(encoding="utf-8").split("\n")
    changed = False
    for example in reversed(examples(path)):
        code, actual = results[example.line]
        shown = updated(example.expected, actual)
        if code:
            shown.append(f"[{code}]")
        new = [example.indent + line if line else line for line in shown]
        start, end = example.span
        trailing = 0
        while end - trailing - 1 >= start and lines[end - trailing - 1].strip() == "" and trailing < end - start:
            trailing += 1
        old = lines[start:end - trailing]
        if old != new:
            lines[start:end - trailing] = new
            changed = True
    if changed:
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed
