"""PDF work registers: the same register as the text they were made from, and every bad PDF a clear error."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from tests.exports.pdf_builder import pdf_from_text, pdf_without_text
from workreg.cli import main
from workreg.errors import RegisterError
from workreg.registers.read import read_register, register_from_bytes

REGISTERS = FIXTURES / "registers"


def _comparable(value):
    """A register's model without what depends on the file's layout: line numbers, file names, spacing."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items() if key not in ("line", "file")}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def _model(register) -> dict:
    import json

    from workreg.registers.read import dump_register

    return _comparable(json.loads(dump_register(register, "json")))


@pytest.mark.parametrize("name", ["esa-1.0.txt", "esa-1.1.txt"])
def test_a_pdf_made_from_a_register_reads_as_its_text(name, tmp_path):
    text_file = REGISTERS / name
    pdf_file = tmp_path / (text_file.stem + ".pdf")
    pdf_file.write_bytes(pdf_from_text(text_file.read_text(encoding="utf-8")))
    assert _model(read_register(pdf_file)) == _model(read_register(text_file))


def test_seed_registers_made_into_pdf_read_as_their_text(seeds, tmp_path):
    # OFA 1.0b's text export lists a table's cells one per line, which no PDF page shows: left out.
    for name in ("work-register-ocp-1.0-draft1.txt", "work-register-ocp-1.2.txt"):
        pdf_file = tmp_path / name.replace(".txt", ".pdf")
        pdf_file.write_bytes(pdf_from_text((seeds / name).read_text(encoding="utf-8")))
        assert _model(read_register(pdf_file)) == _model(read_register(seeds / name)), name


LONG = ("A deliverable whose description is long enough to wrap inside its table cell twice over, "
        "at the very least on an A4 page")


def test_wrapped_table_cells_join_their_row(tmp_path):
    text = (REGISTERS / "esa-1.0.txt").read_text(encoding="utf-8").replace(
        "DMTF announces work register\tQ2 2020", f"{LONG}\tQ2 2020")
    pdf_file = tmp_path / "wrapped.pdf"
    pdf_file.write_bytes(pdf_from_text(text))
    milestones = read_register(pdf_file).milestones
    assert [(m.deliverable, m.timeframe) for m in milestones] == [
        (LONG, "Q2 2020"), ("ESA publishes a Redfish storage profile", "Q4 2020"), ("ESA storage workshops", "TBD"),
    ]


def test_lint_finds_in_a_pdf_what_it_finds_in_its_text(tmp_path, capsys):
    import json

    text = (REGISTERS / "esa-1.0.txt").read_text(encoding="utf-8").replace(
        "Milestone/Deliverables\t", "A stray sentence no section expects.\n\nMilestone/Deliverables\t", 1)
    text_file, pdf_file = tmp_path / "stray.txt", tmp_path / "stray.pdf"
    text_file.write_text(text, encoding="utf-8")
    pdf_file.write_bytes(pdf_from_text(text))
    found = []
    for path in (text_file, pdf_file):
        main(["lint", str(path), "--today", "2026-01-01", "--format", "json"])
        found.append([(item["rule"], " ".join(item["message"].split())) for item in json.loads(capsys.readouterr().out)])
    assert found[0] == found[1]
    assert any("A stray sentence no section expects." in message for _, message in found[1])


@pytest.mark.parametrize("make,code", [
    (lambda: pdf_from_text("Some Register\n\nText.\n")[:300], "bad-pdf"),
    (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "bad-pdf"),
    (lambda: pdf_from_text("Secret Register\n\nText.\n", encrypt_with="letmein"), "encrypted"),
    (pdf_without_text, "no-text"),
])
def test_bad_pdfs_are_clear_errors(make, code):
    with pytest.raises(RegisterError) as caught:
        register_from_bytes(make(), "register.pdf")
    assert caught.value.code == code
    assert caught.value.file == "register.pdf"


def test_an_encrypted_pdf_with_an_empty_user_password_opens():
    text = (REGISTERS / "esa-1.0.txt").read_text(encoding="utf-8")
    data = pdf_from_text(text, encrypt_with="")
    assert _model(register_from_bytes(data, "open.pdf")) == _model(read_register(REGISTERS / "esa-1.0.txt"))


def test_page_limit(monkeypatch):
    from workreg.registers import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    data = pdf_from_text("Long Register\n\n" + "A paragraph of a long register.\n\n" * 200)
    with pytest.raises(RegisterError) as caught:
        register_from_bytes(data, "long.pdf")
    assert caught.value.code == "too-large"


def test_time_budget(monkeypatch):
    from workreg.registers import pdf

    monkeypatch.setattr(pdf, "MAX_SECONDS", -1.0)
    with pytest.raises(RegisterError) as caught:
        register_from_bytes(pdf_from_text("Register\n\nText.\n"), "slow.pdf")
    assert caught.value.code == "over-budget"


@pytest.mark.parametrize("data", [b"%PDF-1.4\n%%EOF\n", b"%PDF-"])
def test_cli_reports_a_bad_pdf_in_one_line(data, tmp_path, capsys):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    assert main(["show", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: ") and "Traceback" not in err
