"""PDF documents for the tests, written with fpdf2 the way Word lays out a register.

Each text line is a paragraph (wrapped and justified, with space after it); a line with tabs is a
table row whose cells wrap on their own (text at the top of a cell, Word's default); blank lines add space.  The PDF's text is then what a
reader of the page sees, so reading it back must give the register the text gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def pdf_from_text(text: str, *, encrypt_with: str | None = None, font_size: int = 10) -> bytes:
    """A PDF of ``text`` laid out as a register's document."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs: pip install -e '.[test]'")
    if not FONT.is_file():
        pytest.skip(f"no DejaVu font at {FONT} (Debian: fonts-dejavu-core)")
    pdf = fpdf.FPDF(format="A4")
    if encrypt_with is not None:
        pdf.set_encryption(owner_password="owner", user_password=encrypt_with)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=font_size)
    for line in text.splitlines():
        if "\t" in line:
            cells = line.split("\t")
            width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(cells)
            with pdf.table(col_widths=[width] * len(cells), first_row_as_headings=False, line_height=5,
                           text_align="LEFT", v_align="TOP") as table:
                table.row(cells)
            continue
        if not line.strip():
            pdf.ln(3)
            continue
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def pdf_without_text() -> bytes:
    """A one-page PDF with a drawing and no text layer, as a scan has."""
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 writes the test PDFs: pip install -e '.[test]'")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    return bytes(pdf.output())
