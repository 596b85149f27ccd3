"""Write acme-1.0.docx from acme-1.0.txt: the approved register as Word writes registers.

    python examples/registers/make_docx.py          # rewrites acme-1.0.docx beside this file

Standard library only.  Each line of the text is a paragraph (headings get Word's "Heading 1"
style, "- " lines the "List Bullet" style) and the tab-separated milestone rows become a Word
table, as in the DMTF template.  The archive is stored uncompressed with fixed dates, so the
same text always gives the same bytes (tests/test_examples.py checks the committed file).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "acme-1.0.txt"
TARGET = HERE / "acme-1.0.docx"

HEADINGS = {
    "Alliance Organizations", "Alliance Partnership Benefits", "Activities", "Milestones / Dates", "Access",
    "Work Register Review Date", "Resources Identified / Points of Contact:",
    "Corresponding Alliance Partner Document", "Approval by the DMTF Board of Directors",
}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>
"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>
"""


def _paragraph(text: str, style: str | None = None) -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{properties}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>{cells}</w:tbl>'


def document_xml(text: str) -> str:
    """The body of the Word document for the register ``text``."""
    body: list[str] = []
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            body.append(_table(rows))
            rows = []
        if not line.strip():
            continue
        if line in HEADINGS:
            body.append(_paragraph(line, "Heading1"))
        elif line.startswith("- "):
            body.append(_paragraph(line[2:], "ListBullet"))
        else:
            body.append(_paragraph(line))
    if rows:
        body.append(_table(rows))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>'
            + "".join(body) + "</w:body></w:document>\n")


def docx_bytes(text: str) -> bytes:
    """The .docx archive (stored, fixed dates: the same text gives the same bytes)."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/document.xml", document_xml(text))):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()


def main() -> int:
    TARGET.write_bytes(docx_bytes(SOURCE.read_text(encoding="utf-8")))
    print(f"{TARGET.name}: written from {SOURCE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
