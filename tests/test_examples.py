"""examples/ does what the README and the docs say of it, from a plain clone (no seeds)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from datetime import date
import sys

import pytest

from tests.conftest import ROOT
from workreg.api import diff_registers, lint_register, read_register

EXAMPLES = ROOT / "examples"
REGISTERS = EXAMPLES / "registers"


def _make_docx():
    spec = importlib.util.spec_from_file_location("make_docx", REGISTERS / "make_docx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_docx_is_what_the_script_writes():
    module = _make_docx()
    expected = module.docx_bytes((REGISTERS / "acme-1.0.txt").read_text(encoding="utf-8"))
    assert (REGISTERS / "acme-1.0.docx").read_bytes() == expected, "run: python examples/registers/make_docx.py"


def test_the_word_and_text_versions_read_alike():
    assert diff_registers(REGISTERS / "acme-1.0.docx", REGISTERS / "acme-1.0.txt").changes == ()


@pytest.mark.parametrize("update,kind", [
    ("acme-1.1-contacts.md", "contact_change"),
    ("acme-1.1-milestones.txt", "deliverable_adjustment"),
    ("acme-1.1-scope.txt", "scope_extension"),
    ("acme-1.1-significant.txt", "significant_change"),
])
def test_each_update_is_of_its_kind(update, kind):
    result = diff_registers(REGISTERS / "acme-1.0.txt", REGISTERS / update)
    kinds = {change.kind for change in result.changes} - {"editorial", None}
    assert kinds == {kind}
    assert result.decision.changes == (kind,)


def test_the_draft_lints_with_errors_and_the_approved_version_clean():
    draft = {finding.rule for finding in lint_register(REGISTERS / "acme-1.0-draft.txt", today=date(2025, 1, 15))}
    assert {"placeholder", "missing-board-resolution", "missing-contacts"} <= draft
    assert lint_register(REGISTERS / "acme-1.0.txt", today=date(2025, 1, 15)) == []


def test_every_register_reads_in_every_format():
    for path in sorted(REGISTERS.glob("acme-*")):
        register = read_register(path)
        assert register.title.text.startswith("Acme Telemetry Consortium"), path
        assert register.milestones, path


def test_the_policy_of_ones_own_passes_its_feature(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "release.feature"],
                            cwd=EXAMPLES / "policies", capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    assert "shared/seeds" not in text and "/usr/lib/postgresql" not in text
    assert not re.search(r"\bissue \d+", text)


def test_the_readme_table_names_every_command():
    from workreg.cli import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in build_parser()._subcommands():  # noqa: SLF001 - the parser's own helper
        assert f"| `workreg {name}" in text, name


def test_the_package_description_has_no_relative_links():
    text = (ROOT / "docs" / "pypi.md").read_text(encoding="utf-8")
    assert not re.search(r"\]\((?!https?://)[^)]+\)", text)
    assert "docs/pypi.md" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
