"""The text of a .docx work register, read in one streaming pass within budgets.

A .docx is a zip of XML parts.  This reader opens the main document part the package's
relationships name, and walks its XML as a stream of start and end events, keeping only the
element being read and its ancestors: memory stays flat however long the document is.  It reads
what a register needs and nothing else: the body's paragraphs (list paragraphs marked as bullets
by their style's name, resolved from one look-up table of the styles part), and each table row
as one tab-separated line.  The text it gives is what python-docx's ``paragraph.text`` and
``row.cells`` give (a cell spanning columns repeats for each, a vertically merged cell repeats
the cell above), which the tests check on generated documents.

Small documents can describe a great deal of work: a cell spanning a billion grid columns, a
million empty paragraphs, a part that inflates a hundredfold.  Each of those has a budget here,
and a document over one ends in ``over-budget`` (or ``too-large``), never in minutes of work.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from workreg.errors import RegisterError

#: The sum of the sizes a .docx's parts inflate to (zip bombs).
MAX_INFLATED_BYTES = 100 * 1024 * 1024
#: The main document part (word/document.xml) inflates to at most this much XML.
MAX_DOCUMENT_PART_BYTES = 32 * 1024 * 1024
#: The styles and relationship parts (read whole) inflate to at most this much XML.
MAX_SMALL_PART_BYTES = 8 * 1024 * 1024
#: XML elements of the document part; a register of a few pages has some thousands, a book some 100,000.
MAX_ELEMENTS = 250_000
#: Paragraphs, in the body and in table cells.
MAX_PARAGRAPHS = 50_000
#: Grid columns of one table row (Word itself allows 63).
MAX_ROW_COLUMNS = 64
#: Cells of all tables, counting a cell once for every grid column it spans.
MAX_CELLS = 100_000
#: Nesting of XML elements.
MAX_DEPTH = 256
#: Characters of text the document yields (the limit of a text register's size).
MAX_TEXT_CHARS = 10 * 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STRICT_W = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CHUNK = 64 * 1024
_ON = {"1", "true", "on"}
# A declaration that could define entities: Word never writes one.
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)

# Run content and its text, as python-docx gives it (w:br is "\n" only for a line break).
_RUN_TEXT = {"tab": "\t", "cr": "\n", "noBreakHyphen": "-", "ptab": "\t"}
# The elements whose end matters; every other element only passes through the path.
_ENDS = frozenset({"t", "br", *_RUN_TEXT, "pStyle", "p", "gridSpan", "vMerge", "gridBefore", "tr", "tbl"})
_STARTS = frozenset({"p", "tbl", "tr", "tc"})


def docx_text_lines(data: bytes, file: str) -> list[str]:
    """The lines of a .docx: body paragraphs in order (list paragraphs as ``- `` bullets), each table
    row as one tab-separated line between empty lines.  RegisterError when the file is not a
    readable Word document or is over one of the budgets."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - BadZipFile, OSError, ValueError, EOFError, struct errors
        # of a damaged central directory: all of them mean the file is not a readable zip
        raise RegisterError("not a valid .docx (not a zip archive)", code="bad-docx", file=file) from exc
    with archive:
        inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_INFLATED_BYTES:
            raise RegisterError(
                f"document inflates to {inflated} bytes, more than the {MAX_INFLATED_BYTES} byte limit",
                code="too-large", file=file,
            )
        package = _Package(archive, file)
        main = package.main_part()
        styles = _Styles.read(package, main)
        return _DocumentReader(file, styles).read(package.stream(main, MAX_DOCUMENT_PART_BYTES))


class _Package:
    """The parts of one zip archive, read within size limits; every failure a RegisterError."""

    def __init__(self, archive: zipfile.ZipFile, file: str) -> None:
        self.archive = archive
        self.file = file
        self.names = {info.filename: info for info in archive.infolist()}

    def error(self, message: str, code: str = "bad-docx") -> RegisterError:
        return RegisterError(message, code=code, file=self.file)

    def stream(self, name: str, limit: int):
        """The part's bytes, in chunks, refusing one that inflates beyond ``limit``."""
        info = self.names.get(name)
        if info is None:
            raise self.error(f"not a Word document: the part {name} is missing")
        if info.file_size > limit:
            raise self.error(f"the part {name} inflates to {info.file_size} bytes, more than the {limit} byte "
                             "limit", code="too-large")
        try:
            with self.archive.open(info) as part:
                total = 0
                tail = b""
                while chunk := part.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise self.error(f"the part {name} inflates beyond the {limit} byte limit", code="too-large")
                    if _DECLARATION.search(tail + chunk):
                        raise self.error(f"the part {name} declares a document type or entities; Word never does")
                    tail = chunk[-16:]
                    yield chunk
        except RegisterError:
            raise
        except Exception as exc:  # noqa: BLE001 - a CRC mismatch, a truncated member, an encrypted
            # one, an unsupported method, or a corrupt stream: each decompressor raises its own
            # error type (zlib.error, lzma.LZMAError, OSError, EOFError ...), all of them this file's fault
            raise self.error(f"cannot inflate the part {name}: {type(exc).__name__}: {exc}") from exc

    def xml(self, name: str) -> ElementTree.Element | None:
        """A small part parsed whole; None when the package has no such part."""
        if name not in self.names:
            return None
        data = b"".join(self.stream(name, MAX_SMALL_PART_BYTES))
        try:
            return ElementTree.fromstring(data)
        except (ElementTree.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown encoding
            raise self.error(f"the part {name} is not well-formed XML: {exc}") from exc

    def relationships(self, part: str) -> dict[str, str]:
        """Relationship type (its last path segment) -> target part name, for ``part`` ("" is the package)."""
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        targets: dict[str, str] = {}
        if rels is None:
            return targets
        for relationship in rels.iter(f"{_RELS}Relationship"):
            if relationship.get("TargetMode") == "External":
                continue
            kind = (relationship.get("Type") or "").rsplit("/", 1)[-1]
            target = relationship.get("Target") or ""
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets.setdefault(kind, name)
        return targets

    def main_part(self) -> str:
        """The main document part the package names, checked to be a WordprocessingML document."""
        main = self.relationships("").get("officeDocument")
        if main is None:
            raise self.error("not a Word document: the package names no main document part")
        types = self.xml("[Content_Types].xml")
        if types is not None:
            content_type = next((override.get("ContentType") or "" for override in types.iter(f"{_CONTENT_TYPES}Override")
                                 if (override.get("PartName") or "").lstrip("/") == main), "")
            if content_type and "wordprocessingml" not in content_type:
                raise self.error(f"not a Word document: its main part is {content_type}")
        return main


@dataclass
class _Styles:
    """Paragraph style names by id, and the default paragraph style's name (python-docx's rules)."""

    names: dict[str, str | None] = field(default_factory=dict)
    default: str | None = None
    #: Without a styles part, a style id stands for its name (Word's ids are its names without spaces).
    ids_are_names: bool = False

    @classmethod
    def read(cls, package: _Package, main: str) -> "_Styles":
        part = package.relationships(main).get("styles")
        root = package.xml(part) if part else None
        if root is None:
            return cls(ids_are_names=True)
        styles = cls()
        for w in (_W, _STRICT_W):
            for style in root.iter(f"{w}style"):
                if style.get(f"{w}type") != "paragraph":
                    continue  # python-docx treats a style without w:type as not a paragraph style
                name_element = style.find(f"{w}name")
                name = name_element.get(f"{w}val") if name_element is not None else None
                style_id = style.get(f"{w}styleId")
                if style_id is not None:
                    styles.names.setdefault(style_id, name)  # the first style with an id wins
                if (style.get(f"{w}default") or "").lower() in _ON:
                    styles.default = name  # the last default wins
        return styles

    def name(self, style_id: str | None) -> str:
        if style_id is not None and self.ids_are_names:
            return style_id
        if style_id is None or style_id not in self.names:
            return self.default or ""
        return self.names[style_id] or ""


@dataclass
class _Paragraph:
    parts: list[str] = field(default_factory=list)
    style: str | None = None


@dataclass
class _Cell:
    offset: int  # the grid column it starts at
    span: int = 1
    merged: bool = False  # w:vMerge "continue": the cell shows the one above it
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class _Row:
    before: int = 0  # w:gridBefore: empty grid columns at the row's start
    cells: list[_Cell] = field(default_factory=list)


class _DocumentReader:
    """One pass over the main part's XML events, with state only for the elements still open."""

    def __init__(self, file: str, styles: _Styles) -> None:
        self.file = file
        self.styles = styles
        self.lines: list[str] = []
        self.path: list[str] = []  # local names of the open elements, root first ("?" outside WordprocessingML)
        self.open: list[ElementTree.Element] = []
        self.paragraphs: list[_Paragraph] = []  # open paragraphs, innermost last
        self.row: _Row | None = None  # the open row of a table in the body
        self.above: list[tuple[int, list[str]]] = []  # the previous row's cells: (grid offset, texts shown)
        self.elements = self.paragraph_count = self.cell_count = self.chars = 0
        self.names: dict[str, str] = {}  # tag -> local name ("?" outside WordprocessingML)

    def over(self, what: str, limit: int) -> RegisterError:
        return RegisterError(
            f"the document has more than {limit:,} {what}; workreg reads at most {limit:,}", code="over-budget",
            file=self.file, hint="a work register is a few pages of text: is this the right file?",
        )

    def bad(self, message: str) -> RegisterError:
        return RegisterError(f"cannot read .docx: {message}", code="bad-docx", file=self.file)

    def emit(self, line: str) -> None:
        self.chars += len(line) + 1
        if self.chars > MAX_TEXT_CHARS:
            raise RegisterError(f"the document's text is larger than the {MAX_TEXT_CHARS} character limit",
                                code="too-large", file=self.file)
        self.lines.append(line)

    def read(self, chunks) -> list[str]:
        parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("start", "end"))
        try:
            for chunk in chunks:
                parser.feed(chunk)
                self.handle(parser.read_events())
            parser.close()
            self.handle(parser.read_events())
        except (ElementTree.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown encoding
            raise self.bad(f"the document is not well-formed XML: {exc}") from exc
        return self.lines

    def handle(self, events) -> None:
        path, open_elements, names = self.path, self.open, self.names
        for event, element in events:
            tag = element.tag
            local = names.get(tag)
            if local is None:
                namespace, _, local = tag.rpartition("}")
                local = names[tag] = local if namespace + "}" in (_W, _STRICT_W) else "?"
            if event == "start":
                self.elements += 1
                if self.elements > MAX_ELEMENTS:
                    raise self.over("XML elements", MAX_ELEMENTS)
                if len(path) >= MAX_DEPTH:
                    raise self.over("levels of nesting", MAX_DEPTH)
                path.append(local)
                open_elements.append(element)
                if local in _STARTS:
                    self.start(local)
            else:
                if local in _ENDS:
                    self.end(local, element, tag[: len(tag) - len(local)])
                path.pop()
                open_elements.pop()
                # Its text is taken: free its attributes and children.  The empty shell stays in
                # its parent until that ends; MAX_ELEMENTS bounds how many there can be.
                element.clear()

    def within(self, *names: str, skip: int = 0) -> bool:
        """The open elements end with ``names``, ignoring the innermost ``skip``."""
        end = len(self.path) - skip
        return end >= len(names) and self.path[end - len(names):end] == list(names)

    def start(self, local: str) -> None:
        if local == "p":
            self.paragraph_count += 1
            if self.paragraph_count > MAX_PARAGRAPHS:
                raise self.over("paragraphs", MAX_PARAGRAPHS)
            self.paragraphs.append(_Paragraph())
        elif local == "tbl" and self.within("body", "tbl"):
            self.above = []
            self.emit("")
        elif local == "tr" and self.within("body", "tbl", "tr"):
            self.row = _Row()
        elif local == "tc" and self.within("body", "tbl", "tr", "tc") and self.row is not None:
            # python-docx's grid offset: gridBefore plus the spans of the cells before it
            self.row.cells.append(_Cell(self.row.before + sum(cell.span for cell in self.row.cells)))

    def end(self, local: str, element, namespace: str) -> None:
        if local in ("t", "tab", "br", "cr", "noBreakHyphen", "ptab") and (
            self.within("p", "r", local) or self.within("p", "hyperlink", "r", local)
        ):
            # run content directly in the paragraph or in its hyperlinks: python-docx's paragraph.text
            if local == "t":
                text = element.text or ""
            elif local == "br":  # a line break; page and column breaks are no text
                text = "\n" if element.get(f"{namespace}type", "textWrapping") == "textWrapping" else ""
            else:
                text = _RUN_TEXT[local]
            self.paragraphs[-1].parts.append(text)
        elif local == "pStyle" and self.within("p", "pPr", "pStyle"):
            self.paragraphs[-1].style = element.get(f"{namespace}val")
        elif local == "p":
            paragraph = self.paragraphs.pop()
            if self.within("body", "p"):
                self.body_paragraph(paragraph)
            elif self.within("body", "tbl", "tr", "tc", "p") and self.row is not None:
                self.row.cells[-1].paragraphs.append("".join(paragraph.parts))
        elif self.row is not None and self.within("body", "tbl", "tr", "tc", "tcPr", local):
            if local == "gridSpan":
                span = self.number(element.get(f"{namespace}val", ""), "a table cell's gridSpan")
                if span > MAX_ROW_COLUMNS:
                    raise self.over("grid columns in a table row", MAX_ROW_COLUMNS)
                self.row.cells[-1].span = span
            elif local == "vMerge":
                self.row.cells[-1].merged = element.get(f"{namespace}val", "continue") == "continue"
        elif local == "gridBefore" and self.row is not None and self.within("body", "tbl", "tr", "trPr", local):
            before = self.number(element.get(f"{namespace}val", ""), "a table row's gridBefore")
            if before > MAX_ROW_COLUMNS:
                raise self.over("grid columns in a table row", MAX_ROW_COLUMNS)
            self.row.before = before
        elif local == "tr" and self.within("body", "tbl", "tr") and self.row is not None:
            self.end_row(self.row)
            self.row = None
        elif local == "tbl" and self.within("body", "tbl"):
            self.above = []
            self.emit("")

    def number(self, value: str, what: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise self.bad(f"{what} is {value!r}, not a number") from None

    def body_paragraph(self, paragraph: _Paragraph) -> None:
        text = "".join(paragraph.parts)
        prefix = "- " if text.strip() and "List" in self.styles.name(paragraph.style) else ""
        for part in text.split("\n"):
            self.emit(prefix + part)

    def end_row(self, row: _Row) -> None:
        """One line: each cell's text once per grid column it spans, a merged cell showing the one above."""
        resolved: list[tuple[int, list[str]]] = []
        texts: list[str] = []
        for cell in row.cells:
            shown = None
            if cell.merged:
                shown = next((cells for offset, cells in self.above if offset == cell.offset), None)
            if shown is None:  # not merged, or (unlike python-docx, which fails) no cell above to show
                shown = [re.sub(r"\s+", " ", "\n".join(cell.paragraphs)).strip()] * max(cell.span, 0)
            resolved.append((cell.offset, shown))
            texts.extend(shown)
            if len(texts) > MAX_ROW_COLUMNS:
                raise self.over("grid columns in a table row", MAX_ROW_COLUMNS)
        self.cell_count += len(texts)
        if self.cell_count > MAX_CELLS:
            raise self.over("table cells", MAX_CELLS)
        self.above = resolved  # only the row above is ever looked at
        self.emit("\t".join(texts) if len(texts) > 1 else "\t" + (texts[0] if texts else ""))
