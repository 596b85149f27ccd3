"""The text of a PDF work register, as the text reader expects it: a paragraph a line, a table row a tabbed line.

DMTF publishes its work registers as PDF made from Word: justified paragraphs wrapped over several
lines, bulleted lists, and tables (milestones, contacts) whose cells wrap too.  pypdf's layout
mode places every character where the page shows it, in a fixed-width grid; this module turns
that grid back into the lines a text export has:

- a gap of :data:`COLUMN_GAP` or more spaces inside a line separates table cells (a tab), unless
  all of a line's gaps are of one width (a justified line of few words); the one- to three-space
  gaps of justified text are single spaces again;
- a line that follows a table row, fills fewer cells than it, and starts where one of its cells
  starts continues that cell when the cell above filled enough of its column to have wrapped;
- a line continues the paragraph above when that one reached the right margin (it wrapped)
  and the line does not start a list item; over a page break, only when no sentence ended there.

A PDF is read within the bounds of every input: its size (the document limit), its pages
(:data:`MAX_PAGES`), the text it yields, and the time it takes (:data:`MAX_SECONDS`, checked after
each page).  Encrypted documents that need a password, broken files and files without a text
layer (scans) are clear errors.  pypdf is imported only here, when a PDF is read.
"""

from __future__ import annotations

import re
import time

from workreg.errors import RegisterError

MAX_PAGES = 300
#: Wall-clock budget for extracting the text of one document.
MAX_SECONDS = 30.0
#: Characters of text the document yields (the limit of a text register's size).
MAX_TEXT_CHARS = 10 * 1024 * 1024
#: Spaces that separate two table cells in the layout grid (justified text stretches gaps to 2-3).
COLUMN_GAP = 4
#: Paragraphs: a line at least this share of the text's full width (the 90th percentile of line
#: lengths) reached the right margin.  Layout grids are approximate (a justified line takes more
#: columns than a ragged one of the same width), hence a share rather than a fixed slack.
FULL_LINE = 0.8
#: pypdf writes a blank line for each multiple of (font height x this) between two lines.  A line
#: pitch is 1.2-1.5 font heights and a paragraph's spacing adds another 0.5-0.8 (Word: 8 pt after
#: 11 pt text), so 0.85 keeps the lines of a paragraph together and separates paragraphs.
FONT_HEIGHT_WEIGHT = 0.85

_GAP = re.compile(r" {%d,}" % COLUMN_GAP)
_ITEM = re.compile(r"^\s*(?:[-•–*▪◦·o]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_STRIKE_HINT = "export the register from its source document as .docx or text, or run it through OCR first"


def _reader(data: bytes, file: str):
    import logging

    import pypdf
    from pypdf.errors import PdfReadError, PyPdfError

    # pypdf reports recoverable damage through logging; the reader's own errors say what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(_stream(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (PyPdfError, NotImplementedError, ValueError) as exc:
                raise RegisterError(f"encrypted PDF that cannot be opened: {exc}", code="encrypted", file=file,
                                    hint="save an unencrypted copy of the document") from exc
            if not opened:
                raise RegisterError("encrypted PDF: a password is needed to read it", code="encrypted", file=file,
                                    hint="save an unencrypted copy of the document")
        pages = len(reader.pages)
    except RegisterError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise RegisterError(f"not a readable PDF: {exc}", code="bad-pdf", file=file,
                            hint="check the file, or export the register as .docx or text") from exc
    if pages > MAX_PAGES:
        raise RegisterError(f"PDF has {pages} pages; the limit is {MAX_PAGES}", code="too-large", file=file)
    return reader


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


def page_grids(data: bytes, file: str) -> list[list[str]]:
    """Each page's lines as pypdf lays them out (fixed-width), within the budgets."""
    from pypdf.errors import PyPdfError

    reader = _reader(data, file)
    started = time.monotonic()
    pages, total = [], 0
    for number, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text(extraction_mode="layout", layout_mode_space_vertically=True,
                                     layout_mode_font_height_weight=FONT_HEIGHT_WEIGHT)
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError,
                RecursionError, OSError) as exc:
            raise RegisterError(f"page {number} of the PDF cannot be read: {exc}", code="bad-pdf", file=file,
                                hint="export the register as .docx or text") from exc
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise RegisterError(f"PDF yields more than {MAX_TEXT_CHARS} characters of text", code="too-large",
                                file=file)
        if time.monotonic() - started > MAX_SECONDS:
            raise RegisterError(f"reading the PDF took over {MAX_SECONDS:g} s (stopped at page {number})",
                                code="over-budget", file=file, hint="export the register as .docx or text")
        pages.append([line.rstrip() for line in text.replace("\r", "").split("\n")])
    if not any(line.strip() for lines in pages for line in lines):
        raise RegisterError("the PDF has no text layer (a scan?)", code="no-text", file=file, hint=_STRIKE_HINT)
    return pages


def _cells(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each cell of a grid line; one cell for a line without a column gap.

    A justified line of a few long words is stretched into wide gaps too, but all of one width;
    three or more gaps within a column of each other are such a line, not a table row.
    """
    gaps = [len(gap) for gap in _GAP.findall(line.strip())]
    if len(gaps) >= 3 and max(gaps) - min(gaps) <= 1:
        return [(len(line) - len(line.lstrip(" ")), line.strip())]
    cells, position = [], 0
    stripped = line.lstrip(" ")
    position = len(line) - len(stripped)
    for part in _GAP.split(stripped):
        cells.append((position, part))
        position += len(part)
        rest = line[position:]
        position += len(rest) - len(rest.lstrip(" "))
    return cells


def _clean(text: str) -> str:
    return re.sub(" {2,}", " ", text.strip())


def grid_lines(pages: list[list[str]]) -> list[str]:
    """The lines of a text export from the pages' layout grids (paragraphs and cells joined again)."""
    grid: list[str | None] = []
    for lines in pages:
        grid += [*lines, None]  # None: a page ends
    plain = sorted(len(line) for line in grid if line and line.strip() and not _GAP.search(line.strip()))
    right = plain[-1] if plain else 0
    full = FULL_LINE * plain[int(len(plain) * 0.9)] if plain else 0
    out: list[str] = []
    # What the last line written was: ("text", its grid width) or ("row", [(start, end, width) of each cell]).
    last: tuple | None = None
    for line in grid:
        if line is None:
            # A paragraph goes on over a page break unless its sentence ended there (a heading follows).
            if last is not None and (last[0] != "text" or out[-1].rstrip().endswith((".", ":", ";", "!", "?"))):
                last = None
            continue
        if not line.strip():
            out.append("")
            last = None
            continue
        cells = _cells(line)
        if last is not None and last[0] == "row" and _continues_row(cells, last[1]):
            row = out[-1].split("\t")
            for start, text in cells:
                index = _cell_at(start, last[1])
                row[index] = f"{row[index]} {_clean(text)}".strip()
                cell_start, cell_end, _ = last[1][index]
                last[1][index] = (cell_start, cell_end, len(text))  # a cell may wrap again
            out[-1] = "\t".join(row)
            continue
        if len(cells) > 1:
            out.append("\t".join(_clean(text) for _, text in cells))
            widths = []
            for index, (start, text) in enumerate(cells):
                end = cells[index + 1][0] if index + 1 < len(cells) else max(right, start + len(text))
                widths.append((start, end, len(text)))
            last = ("row", widths)
            continue
        text = _clean(line)
        if last is not None and last[0] == "text" and last[1] >= full and not _ITEM.match(line):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        last = ("text", len(line))
    return out


def _cell_at(start: int, row: list[tuple[int, int, int]]) -> int:
    """The index of the row's cell that a text starting at ``start`` lies in."""
    index = 0
    for number, (cell_start, _, _) in enumerate(row):
        if start >= cell_start - 1:
            index = number
    return index


def _wrapped(cell: tuple[int, int, int]) -> bool:
    """Whether a cell's text may have wrapped: it fills at least half its column (ragged cells end early)."""
    start, end, width = cell
    return width * 2 >= end - start


def _continues_row(cells: list[tuple[int, str]], row: list[tuple[int, int, int]]) -> bool:
    """Whether a line continues cells of the row above rather than starting a row of its own.

    It does when it fills fewer cells than the row (a new row fills its key and, as a rule, the
    others: a milestone and its timeframe), each of its texts starts where one of the row's cells
    starts, and each of those cells filled enough of its column to have wrapped.
    """
    if len(cells) >= len(row):
        return False
    for start, _ in cells:
        index = _cell_at(start, row)
        if abs(start - row[index][0]) > 1 or not _wrapped(row[index]):
            return False
    return True


def pdf_text_lines(data: bytes, file: str) -> list[str]:
    """The register's text lines from a PDF's bytes (see the module's description)."""
    return grid_lines(page_grids(data, file))
