"""Nothing of DSP4003 in the engine: its clause numbers, body names and change kinds live in its policy.

The engine evaluates a process; what DSP4003 says (who its bodies are, which clause says what,
every how many months a register is reviewed, what its changes are called) is in
``policies/dsp4003/``.  This test reads every module of the engine and finds none of it outside
docstrings, comments and examples (a step's example sentence, a command's example lines, the
words after an "e.g.").  The one mention allowed is which shipped policy is the default
(``DEFAULT_POLICY = "dsp4003"`` in resources.py).  "Working groups" is no DSP4003 name: it is a
kind of body of the organization vocabulary.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

ENGINE = ROOT / "engine" / "workreg"
DSP4003 = sorted(p for p in (ROOT / "policies" / "dsp4003").glob("*.yaml") if p.name != "properties.yaml")


def _forbidden() -> re.Pattern[str]:
    """DSP4003's document id, clause signs, review interval, body names and change-kind ids, from its policies."""
    names: set[str] = set()
    for path in DSP4003:
        policy = yaml.safe_load(path.read_text(encoding="utf-8"))
        names |= {role["name"] for role in policy["roles"]} - {"Working groups"}
        names |= {kind["id"] for kind in policy["change_kinds"] if "_" in kind["id"]}
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?-i:DSP4003|dsp4003)|§\s*\d|\b24[- ]months?\b|\b(?:{words})\b", re.IGNORECASE)


_E_G = re.compile(r"\be\.g\.[^).;]*")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _examples(tree: ast.AST) -> set[int]:
    """The example arguments: ``_step(keyword, pattern, EXAMPLE, meaning)`` and ``example=...`` keywords;
    and the default policy's name, ``DEFAULT_POLICY = "..."``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["DEFAULT_POLICY"]:
            found.add(id(node.value))
        if not isinstance(node, ast.Call):
            continue
        values = [keyword.value for keyword in node.keywords if keyword.arg == "example"]
        if isinstance(node.func, ast.Name) and node.func.id == "_step" and len(node.args) >= 3:
            values.append(node.args[2])
        for value in values:
            found |= {id(inner) for inner in ast.walk(value)}
    return found


def offences(path: Path, forbidden: re.Pattern[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _docstrings(tree) | _examples(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        else:
            continue
        text = _E_G.sub("", text)  # "(e.g. the Originating Committee)": an example
        for match in forbidden.finditer(text):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {match.group(0)!r} in {text[:60]!r}")
    return found


def test_the_forbidden_words_come_from_the_dsp4003_policies():
    forbidden = _forbidden()
    for word in ("Alliance Committee", "Originating Committee", "VP of Alliances", "deliverable_adjustment",
                 "§3.2", "DSP4003", "24 months"):
        assert forbidden.search(word), word
    assert not forbidden.search("a committee approves every 12 months (§ of a policy: section)")
    assert not _E_G.sub("", "the body filling it (e.g. the Originating Committee)").count("Originating")


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: p.relative_to(ENGINE).as_posix())
def test_no_dsp4003_in_the_engine(path):
    assert offences(path, _forbidden()) == []


# --- the register template and the organization vocabulary are data too ------------------------------


def _template_names() -> tuple[set[str], set[str]]:
    """(ids the engine must not name: the template's host party and approval section, the approval
    record's class name; the vocabulary's kinds of body), from the shipped files."""
    template = yaml.safe_load((ROOT / "policies" / "vocabulary" / "dmtf-template.yaml").read_text(encoding="utf-8"))
    vocabulary = yaml.safe_load((ROOT / "policies" / "vocabulary" / "dmtf.yaml").read_text(encoding="utf-8"))
    approval = template["approval"]
    ids = {template["parties"]["host"], approval, "".join(part.title() for part in approval.split("_"))}
    return ids, set(vocabulary["kinds"])


def template_offences(path: Path) -> list[str]:
    """Where the engine names the template's host party or approval section (as an identifier or a
    whole string), or compares an entity's kind with, or types it as, a kind of the vocabulary."""
    ids, kinds = _template_names()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _docstrings(tree) | _examples(tree)
    found = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        names = []
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.arg):
            names = [node.arg]
        elif isinstance(node, ast.keyword) and node.arg:
            names = [node.arg]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids:
            report(node, f"the string {node.value!r}")
        for name in names:
            parts = {name, *name.lower().split("_")}
            for named in ids & parts:
                report(node, f"the name {name!r} ({named!r})")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "kind" for side in sides):
                for side in sides:
                    if isinstance(side, ast.Constant) and side.value in kinds:
                        report(node, f"a kind compared with {side.value!r}")
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "Literal":
            for inner in ast.walk(node.slice):
                if isinstance(inner, ast.Constant) and inner.value in kinds | ids:
                    report(node, f"Literal of {inner.value!r}")
    return found


def test_the_template_names_come_from_the_shipped_files():
    ids, kinds = _template_names()
    assert {"dmtf", "board_approval", "BoardApproval"} <= ids and "board" in kinds
    sample = ast.parse('class BoardApproval: pass\nx = r.organizations.dmtf\nif e.kind == "board": pass\n'
                       'Role = Literal["partner", "dmtf"]\n')
    source = ROOT / "engine" / "workreg" / "_sample.py"
    source.write_text(ast.unparse(sample), encoding="utf-8")
    try:
        assert len(template_offences(source)) >= 4
    finally:
        source.unlink()


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: p.relative_to(ENGINE).as_posix())
def test_no_register_template_in_the_engine(path):
    assert template_offences(path) == []
