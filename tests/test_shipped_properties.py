"""The properties shipped beside the DSP4003 and RFC policies hold, cite real sentences, and run from the CLI."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from workreg.analysis.properties import load_properties, properties_schema
from workreg.cli import main

FAMILIES = [("dsp4003@1.2.0", ROOT / "policies" / "dsp4003" / "properties.yaml"),
            ("rfc@2.0", ROOT / "policies" / "rfc" / "properties.yaml")]


@pytest.mark.parametrize("ref, path", FAMILIES, ids=["dsp4003", "rfc"])
def test_every_shipped_property_holds(capsys, ref, path):
    code = main(["analyze", ref, "--properties", str(path), "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, [p for p in result["properties"] if not p["holds"]]
    assert result["holds"] and len(result["properties"]) >= 8
    assert all(p["holds"] and p["counterexample"] is None and p["citation"] for p in result["properties"])
    assert {c["id"] for c in result["checks"]} >= {"silent-kind", "unreachable-gate", "dead-order", "separated-parallel"}


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_rfc_properties_quote_their_source():
    from tests.test_second_family import _sections

    sections = _sections((ROOT / "policies" / "rfc" / "source-2.0.md").read_text(encoding="utf-8"))
    for prop in load_properties(FAMILIES[1][1]):
        text = _normal(sections[prop.citation["section"]])
        assert _normal(prop.citation["quote"]) in text, prop.id


def test_dsp4003_properties_quote_the_published_text(seeds):
    from tests.test_citations import _sections

    sections = _sections((seeds / "dsp4003-1.2.0.txt").read_text(encoding="utf-8"))
    for prop in load_properties(FAMILIES[0][1]):
        text = _normal(sections[prop.citation["section"]])
        assert _normal(prop.citation["quote"]) in text, prop.id


def test_the_committed_schema_is_current():
    committed = json.loads((ROOT / "policies" / "properties.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(properties_schema()))


def test_a_failing_property_exits_1_with_its_counterexample(tmp_path, capsys):
    path = tmp_path / "props.yaml"
    path.write_text("properties:\n  - id: contact-never-board\n    for: {includes: [contact_change]}\n"
                    "    expect: {not_requires: board}\n", encoding="utf-8")
    assert main(["analyze", "dsp4003@1.2.0", "--properties", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAILS  contact-never-board" in out and "counterexample: new_register + contact_change" in out


def test_a_broken_properties_file_exits_2_at_its_line(tmp_path, capsys):
    path = tmp_path / "props.yaml"
    path.write_text("properties:\n  - id: x\n    expect: {requirs: board}\n", encoding="utf-8")
    assert main(["analyze", "dsp4003@1.2.0", "--properties", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: bad-properties: unknown field 'requirs'" in err and "did you mean 'requires'" in err


@pytest.mark.parametrize("ref, path", FAMILIES, ids=["dsp4003", "rfc"])
def test_the_shipped_files_fit_the_schema(ref, path):
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads((ROOT / "policies" / "properties.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_a_properties_file_is_not_a_policy_version(capsys):
    assert main(["policies", "--format", "json"]) == 0
    listed = {row["policy"] for row in json.loads(capsys.readouterr().out)}
    assert "dsp4003@1.2.0" in listed and not any(ref.endswith("@properties") for ref in listed)


def test_the_json_contract_keys(capsys):
    main(["analyze", "rfc@2.0", "--properties", str(FAMILIES[1][1]), "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["policy", "combinations", "holds", "properties", "checks"]
    assert result["combinations"] == 63
    assert all(list(p) == ["id", "holds", "counterexample", "why", "property", "citation", "decision", "clauses"]
               for p in result["properties"])
    assert all(list(c) == ["id", "severity", "holds", "title", "why", "findings", "more"] for c in result["checks"])
    assert all(list(f) == ["message", "combination", "steps", "clauses"] for c in result["checks"] for f in c["findings"])
