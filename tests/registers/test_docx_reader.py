"""The streaming .docx reader: the same text as python-docx gives, within budgets.

python-docx (the reader workreg used before) is the oracle: for generated documents with runs,
breaks, hyperlinks, list styles, tables with spans, vertical merges and nested tables, the
streaming reader gives the same lines.  Documents that multiply work (a cell spanning a huge
number of columns, a flood of empty paragraphs, deep nesting) end in ``over-budget``.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workreg.errors import RegisterError
from workreg.registers import docx as reader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>')
FOOTER = "<w:sectPr/></w:body></w:document>"


@lru_cache(maxsize=1)
def template() -> dict[str, bytes]:
    """The parts of python-docx's default document (styles, relationships, content types)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def package(body: str, *, parts: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """A .docx whose document part has ``body`` inside w:body."""
    contents = dict(template())
    contents["word/document.xml"] = (HEADER + body + FOOTER).encode("utf-8")
    contents.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            if name not in drop:
                archive.writestr(name, data)
    return buffer.getvalue()


def python_docx_lines(data: bytes) -> list[str]:
    """The lines workreg read with python-docx before the streaming reader (the oracle)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    texts: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            prefix = "- " if "List" in style and paragraph.text.strip() else ""
            texts.extend(prefix + part for part in paragraph.text.split("\n"))
        elif tag == "tbl":
            texts.append("")
            for row in Table(element, document).rows:
                cells = [re.sub(r"\s+", " ", cell.text).strip() for cell in row.cells]
                texts.append("\t".join(cells) if len(cells) > 1 else "\t" + cells[0])
            texts.append("")
    return texts


# ----------------------------------------------------------------- generated documents

_WORDS = st.sampled_from(["Milestone", "SPDM", "Q3 2024", " ", "  two  spaces ", "é€", "a&amp;b", "&lt;x&gt;", ""])
_RUN_PARTS = st.sampled_from([
    "<w:tab/>", "<w:br/>", '<w:br w:type="page"/>', '<w:br w:type="textWrapping"/>', "<w:cr/>",
    "<w:noBreakHyphen/>", "<w:ptab/>", "<w:rPr><w:b/></w:rPr>",
]) | _WORDS.map(lambda text: f'<w:t xml:space="preserve">{text}</w:t>')
_RUN = st.lists(_RUN_PARTS, max_size=4).map(lambda parts: "<w:r>" + "".join(parts) + "</w:r>")
_INLINE = _RUN | _RUN.map(lambda run: f'<w:hyperlink r:id="rId99">{run}</w:hyperlink>') | _RUN.map(
    lambda run: f'<w:ins w:id="1" w:author="x">{run}</w:ins>')  # python-docx ignores insertions
_STYLE = st.sampled_from([None, "ListBullet", "ListParagraph", "Heading1", "Normal", "NoSuchStyle", "Title"])


@st.composite
def paragraphs(draw) -> str:
    style = draw(_STYLE)
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return "<w:p>" + properties + "".join(draw(st.lists(_INLINE, max_size=4))) + "</w:p>"


@st.composite
def tables(draw) -> str:
    columns = draw(st.integers(1, 4))
    rows = []
    above: set[int] = set()  # grid offsets where the row above starts a cell
    for _ in range(draw(st.integers(1, 4))):
        offset, cells, starts = 0, [], set()
        while offset < columns:
            span = draw(st.integers(1, columns - offset))
            merge = ""
            if offset in above and draw(st.booleans()):
                merge = "<w:vMerge/>"  # continue: python-docx needs a cell above at this offset
            elif draw(st.booleans()):
                merge = '<w:vMerge w:val="restart"/>'
            properties = f'<w:tcPr><w:gridSpan w:val="{span}"/>{merge}</w:tcPr>' if span > 1 or merge else ""
            content = "".join(draw(st.lists(paragraphs(), min_size=1, max_size=2)))
            if draw(st.integers(0, 9)) == 0:
                content += "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>"
            cells.append(f"<w:tc>{properties}{content}</w:tc>")
            starts.add(offset)
            offset += span
        above = starts
        rows.append("<w:tr>" + "".join(cells) + "</w:tr>")
    return "<w:tbl><w:tblGrid/>" + "".join(rows) + "</w:tbl>"


_BODY = st.lists(paragraphs() | tables(), max_size=8).map("".join)
_GENERATED = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_GENERATED
@given(_BODY)
def test_generated_documents_read_as_python_docx_reads_them(body: str):
    data = package(body)
    assert reader.docx_text_lines(data, "gen.docx") == python_docx_lines(data)


def test_the_sample_register_reads_as_python_docx_reads_it(tmp_path):
    from .docx_builder import SAMPLE_BLOCKS, build_docx

    data = build_docx(tmp_path / "sample.docx", SAMPLE_BLOCKS).read_bytes()
    lines = reader.docx_text_lines(data, "sample.docx")
    assert lines == python_docx_lines(data)
    assert "- Joint SPDM test events" in lines and "NSG publishes an SPDM profile - done\tQ3 2024" in lines


def test_without_a_styles_part_style_ids_stand_for_names():
    rels = template()["word/_rels/document.xml.rels"].decode()
    rels = re.sub(r'<Relationship [^>]*/styles"[^>]*/>', "", rels)
    data = package('<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>item</w:t></w:r></w:p>',
                   parts={"word/_rels/document.xml.rels": rels.encode()}, drop=("word/styles.xml",))
    assert reader.docx_text_lines(data, "x.docx") == ["- item"]


# ----------------------------------------------------------------- budgets

def _span_bomb(columns: int) -> str:
    return (f'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{columns}"/></w:tcPr><w:p><w:r><w:t>x</w:t>'
            "</w:r></w:p></w:tc></w:tr></w:tbl>")


def _merge_tower(rows: int) -> str:
    first = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="60"/><w:vMerge w:val="restart"/></w:tcPr><w:p/></w:tc></w:tr>'
    rest = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>' * rows
    return f"<w:tbl>{first}{rest}</w:tbl>"


# Each generator makes a small file that describes a great deal of work, at several sizes.
BOMBS = {
    "span": (_span_bomb, [65, 10_000, 2**31 - 1, 10**12], "grid columns"),
    "empty-paragraphs": (lambda n: "<w:p/>" * n, [reader.MAX_PARAGRAPHS + 1, 400_000], "paragraphs"),
    "runs": (lambda n: "<w:p>" + "<w:r/>" * n + "</w:p>", [reader.MAX_ELEMENTS + 1], "XML elements"),
    "nesting": (lambda n: "<w:sdt>" * n + "</w:sdt>" * n, [reader.MAX_DEPTH + 1, 5_000], "nesting"),
    "merged-cells": (_merge_tower, [reader.MAX_CELLS // 60 + 1, 50_000], "table cells"),
    "text": (lambda n: "<w:p><w:r><w:t>" + "x" * n + "</w:t></w:r></w:p>", [reader.MAX_TEXT_CHARS + 1], "character"),
}


@pytest.mark.parametrize("kind,size", [(kind, size) for kind, (_, sizes, _) in BOMBS.items() for size in sizes],
                         ids=lambda value: str(value))
def test_documents_that_multiply_work_end_over_budget(kind: str, size: int):
    make, _, what = BOMBS[kind]
    data = package(make(size))
    assert len(data) < 12 * 1024 * 1024  # small files: the work is in what they describe
    with pytest.raises(RegisterError) as caught:
        reader.docx_text_lines(data, "bomb.docx")
    assert caught.value.code in ("over-budget", "too-large") and what in caught.value.message


@pytest.mark.parametrize("body,code", [
    ("<w:p>", "bad-docx"),
    ("<w:p><w:r><w:t>&undefined;</w:t></w:r></w:p>", "bad-docx"),
    ('<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="many"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>', "bad-docx"),
], ids=["unclosed", "undefined-entity", "span-not-a-number"])
def test_broken_document_xml_is_bad_docx(body: str, code: str):
    with pytest.raises(RegisterError) as caught:
        reader.docx_text_lines(package(body), "broken.docx")
    assert caught.value.code == code


def test_a_document_type_declaration_is_refused():
    document = (HEADER + FOOTER).replace("<w:document", '<!DOCTYPE d [<!ENTITY a "aaaa">]><w:document', 1)
    data = package("", parts={"word/document.xml": document.encode()})
    with pytest.raises(RegisterError, match="declares a document type"):
        reader.docx_text_lines(data, "dtd.docx")


@pytest.mark.parametrize("drop,message", [
    (("_rels/.rels",), "no main document part"),
    (("word/document.xml",), "missing"),
])
def test_a_package_without_its_document_is_not_a_word_document(drop, message):
    with pytest.raises(RegisterError, match=message):
        reader.docx_text_lines(package("<w:p/>", drop=drop), "x.docx")


def test_a_part_larger_than_its_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(reader, "MAX_DOCUMENT_PART_BYTES", 1000)
    with pytest.raises(RegisterError) as caught:
        reader.docx_text_lines(package("<w:p/>" * 500), "x.docx")
    assert caught.value.code == "too-large"


def test_a_corrupt_compressed_part_is_bad_docx():
    """Found by the fuzzer: a damaged deflate stream raises zlib.error, not an OSError."""
    data = bytearray(package("<w:p><w:r><w:t>" + "text of a register " * 200 + "</w:t></w:r></w:p>"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(8, info.compress_size - 8, max(1, info.compress_size // 6)):
        damaged = bytearray(data)
        damaged[start + offset] ^= 0xFF
        with pytest.raises(RegisterError) as caught:
            reader.docx_text_lines(bytes(damaged), "damaged.docx")
        assert caught.value.code == "bad-docx"


@pytest.mark.parametrize("part", ["word/document.xml", "_rels/.rels", "word/_rels/document.xml.rels",
                                  "word/styles.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("encoding", ["U-F-8", "no-such-codec", "utf-32"])
def test_an_xml_declaration_naming_an_unusable_encoding_is_bad_docx(part: str, encoding: str):
    """Found by the fuzzer: an unknown encoding in an XML declaration raised LookupError."""
    parts = template() | {"word/document.xml": (HEADER + "<w:p/>" + FOOTER).encode()}
    parts[part] = re.sub(rb"encoding=['\"][^'\"]*['\"]", f"encoding='{encoding}'".encode(), parts[part], count=1)
    if b"encoding=" not in parts[part]:
        parts[part] = f"<?xml version='1.0' encoding='{encoding}'?>".encode() + parts[part]
    with pytest.raises(RegisterError) as caught:
        reader.docx_text_lines(package("<w:p/>", parts=parts if part != "word/document.xml" else {part: parts[part]}),
                               "x.docx")
    assert caught.value.code == "bad-docx"
