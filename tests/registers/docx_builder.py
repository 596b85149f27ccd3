"""Build small .docx work registers at test time with python-docx (no binary fixtures in the repo)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence, Union

# A block is a heading ("# text"), a bullet ("- text"), a table (list of rows) or a paragraph.
Block = Union[str, Sequence[Sequence[str]]]


def build_docx(path: Path, blocks: Sequence[Block]) -> Path:
    """Write ``blocks`` as a .docx at ``path`` (Heading 1 / List Bullet styles, real Word tables)."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            if block.startswith("# "):
                document.add_heading(block[2:], level=1)
            elif block.startswith("- "):
                document.add_paragraph(block[2:], style="List Bullet")
            else:
                document.add_paragraph(block)
        else:
            rows = [list(row) for row in block]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row_cells, row in zip(table.rows, rows):
                for cell, text in zip(row_cells.cells, row):
                    cell.text = text
    document.save(str(path))
    return path


SAMPLE_BLOCKS: list[Block] = [
    "Northwind Standards Group (NSG) / DMTF Work Register",
    "Version 1.0",
    "Date Initiated: 07/01/2024",
    "# Alliance Organizations",
    "Northwind Standards Group (NSG) and the DMTF",
    "# Alliance Benefits",
    "- NSG may reference DMTF Redfish",
    "# Activities",
    "- Joint SPDM test events",
    "# Milestones / Dates",
    [["Milestone/Deliverables", "Timeframe"], ["NSG publishes an SPDM profile - done", "Q3 2024"], ["Joint plugfest", "TBD"]],
    "# Access",
    "- Public specifications",
    "# Work Register Review Date",
    "The next review date is expected to be July 2026.",
    "# Points of Contact",
    "NSG:",
    "- Pat Kim, pat.kim@northwind.example",
    "DMTF:",
    "- DMTF VP of Alliances (vp-alliances@dmtf.org)",
    "# Corresponding NSG Document",
    "There are no corresponding documents created by NSG.",
    "# Approval by the DMTF Board of Directors",
    "Board Resolution 2024-08-01, on 08/15/2024.",
]
