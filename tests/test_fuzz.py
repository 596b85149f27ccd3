"""Fuzzing the readers: structure-aware mutations of real inputs, seeded and bounded in CI.

Every target starts from a valid input (the shipped policy, a register as text, Markdown,
.docx and model, the vocabulary, a decision-cache entry) and applies a few mutations: bytes cut,
repeated, replaced or inserted, and tokens of the input's own format dropped in (YAML tags and
anchors, XML elements that multiply work, JSON brackets).  Each reader must answer or refuse
with workreg's own error (exit code 2, ``file:line: code: message``), within a liveness guard.

In CI the examples are derandomized (the same every run) and few.  On demand, a longer run with
fresh seeds::

    WORKREG_FUZZ=20000 .venv/bin/python -m pytest tests/test_fuzz.py -q      # 20,000 per target
    WORKREG_FUZZ=5000 WORKREG_FUZZ_SEED=7 .venv/bin/python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from workreg.errors import WorkregError

from . import conftest
from .guards import deadline

ERROR_SHAPE = re.compile(r"^(?:workreg|.+?(?::\d+)?): [a-z0-9][a-z0-9-]*: \S", re.MULTILINE)
FUZZ = int(os.environ.get("WORKREG_FUZZ") or 0)
FUZZ_SEED = int(os.environ.get("WORKREG_FUZZ_SEED") or 0)


def budget(ci_examples: int):
    """Settings of a fuzz target: ``ci_examples`` fixed examples, or WORKREG_FUZZ fresh ones."""
    common = dict(deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
    if FUZZ:  # fresh random examples each run, or those of WORKREG_FUZZ_SEED
        chosen = settings(max_examples=FUZZ, derandomize=False, **common)
        return (lambda test: seed(FUZZ_SEED)(chosen(test))) if FUZZ_SEED else chosen
    return settings(max_examples=ci_examples, derandomize=True, **common)


def liveness(seconds: float = 20):
    """A reader that takes longer than this on one small input is stuck: fail, do not hang."""
    return deadline(seconds)


def refused_properly(error: WorkregError) -> None:
    assert error.exit_code == 2 and error.code, str(error)
    assert ERROR_SHAPE.search(str(error)), str(error)


def read_or_refuse(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and read it as a register: a register, or workreg's own error, in time."""
    from workreg.registers.read import read_register

    path.write_bytes(data)
    with liveness():
        try:
            read_register(path)
        except WorkregError as error:
            refused_properly(error)


# ----------------------------------------------------------------- mutations


def mutations(tokens: list[bytes]):
    """A strategy of functions that mutate bytes a few times, with the format's own tokens."""
    one = st.one_of(
        st.tuples(st.just("cut"), st.floats(0, 1), st.integers(1, 64)),
        st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 64)),
        st.tuples(st.just("byte"), st.floats(0, 1), st.integers(0, 255)),
        st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("token"), st.floats(0, 1), st.sampled_from(tokens)),
        st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    )

    def apply(steps):
        def mutate(data: bytes) -> bytes:
            for kind, where, what in steps:
                at = int(where * len(data))
                if kind == "cut":
                    data = data[:at] + data[at + what:]
                elif kind == "repeat":
                    data = data[:at] + data[at:at + what] * 2 + data[at + what:]
                elif kind == "byte" and data:
                    at = min(at, len(data) - 1)
                    data = data[:at] + bytes([what]) + data[at + 1:]
                elif kind in ("insert", "token"):
                    data = data[:at] + what + data[at:]
                elif kind == "truncate":
                    data = data[:at]
            return data
        return mutate

    return st.lists(one, min_size=1, max_size=5).map(apply)


YAML_TOKENS = [b"!!int ", b"!!float ", b"!!bool ", b"!!timestamp ", b"!!binary ", b"&a ", b"*a", b"<<: ", b"? ",
               b"- ", b": ", b"{", b"}", b"[", b"]", b"\t", b"\n", b"  ", b"2020-02-30", b"9" * 4500, b"0x" + b"f" * 4000,
               b"'", b'"', b"#", b"---\n", b"...\n", b"\xef\xbb\xbf", b"\xff", b"\x00", b"null", b"~", b"|", b">"]
TEXT_TOKENS = [b"\n", b"\r\n", b"\t", b"- ", b"# ", b"Milestones / Dates\n", b"Activities\n", b"Points of Contact\n",
               b"Approval by the DMTF Board of Directors\n", b"Version ", b"TBD", b"?", b"xx/xx/2018", b"\xa0",
               b"\xe2\x80\xa8", b"\xff\xfe", b"\x00", b"[bookmark: _GoBack]", b"*", b"**", b"|", b"\x0c", b" - done"]
XML_TOKENS = [b"<w:p>", b"</w:p>", b"<w:p/>", b"<w:r><w:t>x</w:t></w:r>", b"<w:tbl>", b"</w:tbl>", b"<w:tr>",
              b"</w:tr>", b"<w:tc>", b"</w:tc>", b'<w:gridSpan w:val="999999999"/>', b'<w:gridSpan w:val="x"/>',
              b"<w:vMerge/>", b'<w:vMerge w:val="restart"/>', b"<w:br/>", b"<w:tab/>", b"&amp;", b"&nope;", b"<!DOCTYPE x>",
              b'<!ENTITY a "b">', b"<w:hyperlink>", b'<w:pStyle w:val="ListBullet"/>', b"<![CDATA[", b"]]>", b"<?pi?>"]
JSON_TOKENS = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"null", b"true", b"1e999", b"9" * 4500, b"\\u0000", b"\\ud800"]


# ----------------------------------------------------------------- targets

SHIPPED_BYTES = conftest.SHIPPED_POLICY.read_bytes()
REGISTER = conftest.FIXTURES / "registers" / "esa-1.0.txt"
REGISTER_BYTES = REGISTER.read_bytes()
MARKDOWN_BYTES = (conftest.FIXTURES / "registers" / "complete.md").read_bytes()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@budget(40)
@given(mutate=mutations(YAML_TOKENS))
def test_fuzz_policy_yaml(mutate):
    from workreg.inputs import decode_utf8
    from workreg.policy.load import validate_policy_text

    data = mutate(SHIPPED_BYTES)
    with liveness():
        try:
            text = decode_utf8(data, file="fuzz.yaml")
            policy, errors, _ = validate_policy_text(text, "fuzz.yaml")
        except WorkregError as error:
            refused_properly(error)
            return
    assert (policy is None) == bool(errors)
    for error in errors:
        refused_properly(error)


@budget(40)
@given(mutate=mutations(TEXT_TOKENS), source=st.sampled_from(["txt", "md"]))
def test_fuzz_register_documents(scratch: Path, mutate, source: str):
    read_or_refuse(scratch / f"fuzz.{source}", mutate(REGISTER_BYTES if source == "txt" else MARKDOWN_BYTES))


@pytest.fixture(scope="module")
def docx_parts(tmp_path_factory) -> dict[str, bytes]:
    from .registers.docx_builder import SAMPLE_BLOCKS, build_docx

    path = build_docx(tmp_path_factory.mktemp("docx") / "sample.docx", SAMPLE_BLOCKS)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@budget(40)
@given(mutate=mutations(XML_TOKENS), part=st.sampled_from(["word/document.xml", "word/styles.xml",
                                                            "word/_rels/document.xml.rels", "[Content_Types].xml"]),
       whole=st.booleans())
def test_fuzz_docx(scratch: Path, docx_parts, mutate, part: str, whole: bool):
    parts = dict(docx_parts)
    parts[part] = mutate(parts[part])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    if whole:  # the zip itself mutated too: cut, flipped
        data = mutate(data)
    read_or_refuse(scratch / "fuzz.docx", data)


@pytest.fixture(scope="module")
def models() -> dict[str, bytes]:
    from workreg.registers.read import dump_register, read_register

    register = read_register(REGISTER)
    return {fmt: dump_register(register, fmt).encode("utf-8") for fmt in ("yaml", "json")}


@budget(40)
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_register_models(scratch: Path, models, fmt: str, data):
    mutate = data.draw(mutations(YAML_TOKENS if fmt == "yaml" else JSON_TOKENS))
    read_or_refuse(scratch / f"fuzz.{fmt}", mutate(models[fmt]))


@budget(30)
@given(mutate=mutations(YAML_TOKENS))
def test_fuzz_vocabulary(scratch: Path, mutate):
    from workreg.registers.vocabulary import load_vocabulary
    from workreg.resources import shipped_vocabulary

    path = scratch / "vocabulary.yaml"
    path.write_bytes(mutate(Path(shipped_vocabulary()).read_bytes()))
    with liveness():
        try:
            load_vocabulary(path)
        except WorkregError as error:
            refused_properly(error)


@contextmanager
def cache_dir(directory: Path):
    """WORKREG_CACHE_DIR set to ``directory`` in the block, as it was after."""
    previous = os.environ.get("WORKREG_CACHE_DIR")
    os.environ["WORKREG_CACHE_DIR"] = str(directory)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("WORKREG_CACHE_DIR", None)
        else:
            os.environ["WORKREG_CACHE_DIR"] = previous


@pytest.fixture(scope="module")
def cache_entry(tmp_path_factory):
    from workreg.policy import cache
    from workreg.policy.registry import compile_file

    directory = tmp_path_factory.mktemp("fuzz-cache")
    policy = conftest.FIXTURES / "policies" / "minimal.yaml"
    with cache_dir(directory):
        key = cache.entry_key(policy.read_bytes())
        expected = {"form": compile_file(policy).form.to_json()}
        return directory, key, cache.entry_path(key).read_bytes(), expected


@budget(40)
@given(mutate=mutations(JSON_TOKENS))
def test_fuzz_cache_entries(cache_entry, mutate, capsys):
    from workreg.policy import cache

    directory, key, original, expected = cache_entry
    with cache_dir(directory):
        path = cache.entry_path(key)
        try:
            path.write_bytes(mutate(original))
            with liveness():
                table = cache.read_entry(key)  # never raises: an entry is used only when it verifies
            assert table is None or table == expected
            capsys.readouterr()
        finally:
            path.write_bytes(original)


@budget(60)
@given(mutate=mutations(JSON_TOKENS))
def test_fuzz_json(mutate, models):
    from workreg.inputs import parse_json

    try:
        text = mutate(models["json"]).decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return
    with liveness():
        try:
            json.dumps(parse_json(text, "fuzz.json"), ensure_ascii=True)
        except WorkregError as error:
            refused_properly(error)
