"""Bad-input corpus: every reader and every subcommand ends in workreg's own error, never a crash.

Hand-written cases live in tests/fixtures/bad/ (policies/ and registers/); big inputs (10 MB+
registers, 1 MB+ policies) are generated in tmp at test time; hypothesis generates the rest.
The CLI runs in-process through ``workreg.cli.main(argv)``.  Every case asserts:

* the exit code follows the README: 2 for usage or input errors; 1 where ``check`` or ``lint``
  read the input and found it broken;
* no traceback, and the error has workreg's shape: ``file:line: code: message``,
  ``file: code: message`` or ``workreg: code: message``.

Generated examples are derandomized so CI sees the same cases every run.
"""

from __future__ import annotations

import contextlib
import io
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workreg.cli import main
from workreg.inputs import MAX_POLICY_BYTES
from workreg.errors import WorkregError
from workreg.policy.load import validate_policy_text
from workreg.registers.read import read_register

from . import conftest
from .guards import deadline

BAD = conftest.FIXTURES / "bad"
BAD_POLICIES = sorted((BAD / "policies").iterdir())
BAD_REGISTERS = sorted((BAD / "registers").iterdir())
GOOD_OLD = str(conftest.FIXTURES / "registers" / "esa-1.0.txt")
GOOD_NEW = str(conftest.FIXTURES / "registers" / "esa-1.1.txt")
FEATURES = str(conftest.ROOT / "features" / "dsp4003")

# file:line: code: message | file: code: message | workreg: code: message (one line of stderr/stdout)
ERROR_SHAPE = re.compile(r"^(?:workreg|.+?(?::\d+)?): [a-z0-9][a-z0-9-]*: \S", re.MULTILINE)

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def fast(examples: int) -> settings:
    """Settings of a generated test: many examples, no deadline, the same examples every run."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=_HEALTH)


def run(argv: list[str]) -> tuple[int, str, str]:
    """``workreg ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_workreg_error(argv: list[str], codes=(2,)) -> tuple[int, str, str]:
    """Run ``argv``; its exit code is one of ``codes`` and what it printed is workreg's error, not a crash."""
    code, out, err = run(argv)
    assert code in codes, f"workreg {argv!r} exited {code}, expected {codes}\n{err}"
    assert "Traceback" not in err and "Traceback" not in out
    if code == 2:
        assert ERROR_SHAPE.search(err), f"workreg {argv!r}: no 'file:line: code: message' on stderr:\n{err}"
    elif code == 1:
        assert ERROR_SHAPE.search(out) or ERROR_SHAPE.search(err) or '"code"' in out or '"rule"' in out, out
    return code, out, err


# ----------------------------------------------------------------- hand-written policy files

_UNREADABLE_POLICIES = {"binary.yaml", "latin1.yaml"}  # not UTF-8 text: an input error, not a finding


@pytest.mark.parametrize("path", BAD_POLICIES, ids=lambda p: p.name)
def test_check_reports_a_broken_policy(path: Path, capsys):
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == (2 if path.name in _UNREADABLE_POLICIES else 1)
    assert "Traceback" not in out + err
    text = err if code == 2 else out
    assert ERROR_SHAPE.search(text) and str(path) in text


@pytest.mark.parametrize("path", BAD_POLICIES, ids=lambda p: p.name)
def test_check_json_lists_findings(path: Path):
    code, out, err = assert_workreg_error(["check", str(path), "--format", "json"], codes=(1, 2))
    if code == 1:
        assert '"file"' in out and '"code"' in out


@pytest.mark.parametrize("command", [
    ["approvals", "new_register", "--policy", "{}"],
    ["gherkin", "{}"],
    ["coverage", "{}", FEATURES],
    ["diff", GOOD_OLD, GOOD_NEW, "--policy", "{}"],
    ["diff", GOOD_OLD, GOOD_NEW, "--vocabulary", "{}"],
], ids=["approvals", "gherkin", "coverage", "diff-policy", "diff-vocabulary"])
@pytest.mark.parametrize("path", BAD_POLICIES, ids=lambda p: p.name)
def test_every_command_refuses_a_broken_policy(path: Path, command: list[str]):
    assert_workreg_error([part.replace("{}", str(path)) for part in command])


def test_shipped_directory_layout_with_a_broken_policy(tmp_path):
    (tmp_path / "dsp4003").mkdir()
    (tmp_path / "dsp4003" / "9.9.yaml").write_text("a: [\n", encoding="utf-8")
    assert_workreg_error(["approvals", "new_register", "--policy", "dsp4003@9.9", "--policy-dir", str(tmp_path)])
    code, out, _ = assert_workreg_error(["policies", "--policy-dir", str(tmp_path)])
    assert "dsp4003@1.2.0" in out  # the good policies are still listed


def test_huge_policy_file_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("policy: x\nnote: " + "x" * (MAX_POLICY_BYTES + 1000) + "\n", encoding="utf-8")
    _, _, err = assert_workreg_error(["check", str(path)])
    assert "too-large" in err
    assert_workreg_error(["approvals", "new_register", "--policy", str(path)])


def test_billion_laughs_is_refused_at_the_first_alias():
    code, out, _ = run(["check", str(BAD / "policies" / "billion-laughs.yaml")])
    assert code == 1 and "yaml-alias" in out and ":2:" in out


# ----------------------------------------------------------------- hand-written register documents


@pytest.mark.parametrize("command", [
    ["show", "{}"], ["show", "{}", "--format", "json"], ["show", "{}", "--format", "yaml"],
    ["lint", "{}"], ["lint", "{}", "--format", "json"], ["lint", GOOD_OLD, "{}"],
    ["diff", "{}", GOOD_NEW], ["diff", GOOD_OLD, "{}"], ["diff", GOOD_OLD, "{}", "--format", "json"],
], ids=lambda c: "-".join(c).replace("{}", "FILE").replace(GOOD_OLD, "good").replace(GOOD_NEW, "good"))
@pytest.mark.parametrize("path", BAD_REGISTERS, ids=lambda p: p.name)
def test_every_register_command_refuses_a_broken_document(path: Path, command: list[str]):
    assert_workreg_error([part.replace("{}", str(path)) for part in command])


@pytest.fixture(scope="module")
def big_register(tmp_path_factory) -> Path:
    """A 10 MB+ register (a real one padded with activities), made at test time, never committed."""
    path = tmp_path_factory.mktemp("big") / "big-register.txt"
    text = Path(GOOD_OLD).read_text(encoding="utf-8")
    with path.open("w", encoding="utf-8") as out:
        out.write(text)
        line = "- another activity that makes this register very large indeed\n"
        out.write(line * (10 * 1024 * 1024 // len(line) + 10))
    assert path.stat().st_size > 10 * 1024 * 1024
    return path


@pytest.mark.parametrize("command", [["show", "{}"], ["lint", "{}"], ["diff", "{}", GOOD_NEW], ["diff", GOOD_OLD, "{}"]],
                         ids=["show", "lint", "diff-old", "diff-new"])
def test_ten_megabyte_register_is_refused(big_register: Path, command: list[str]):
    _, _, err = assert_workreg_error([part.replace("{}", str(big_register)) for part in command])
    assert "too-large" in err


@pytest.mark.parametrize("cut", [1, 10, 100, 1000, 3000])
def test_truncated_text_register_never_crashes(tmp_path, cut: int):
    path = tmp_path / "cut.txt"
    path.write_bytes(Path(GOOD_OLD).read_bytes()[:cut])
    assert_workreg_error(["lint", str(path)], codes=(0, 1, 2))
    assert_workreg_error(["diff", GOOD_OLD, str(path)], codes=(0, 2))


def test_truncated_docx_in_the_middle(tmp_path):
    from .registers.docx_builder import build_docx  # noqa: F401 - the builder proves the fixture shape

    whole = tmp_path / "whole.docx"
    import zipfile

    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "x" * 5000 + "</w:document>")
    cut = tmp_path / "cut.docx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    for path in (whole, cut):
        assert_workreg_error(["show", str(path)])


# ----------------------------------------------------------------- CLI arguments, every subcommand

MISSING = "/nonexistent/workreg/nothing.txt"

CLI_CASES = [
    # no command, unknown command, unknown option
    [], ["nope"], ["--nope"], ["approvals", "--nope"],
    # approvals
    ["approvals"], ["approvals", "nope"], ["approvals", ""], ["approvals", "new_register", "nope"],
    ["approvals", "Newest Register"], ["approvals", "new_register", "--policy", "nope"],
    ["approvals", "new_register", "--policy", "dsp4003@9.9"], ["approvals", "new_register", "--policy", "@1.2.0"], ["approvals", "new_register", "--policy", ""],
    ["approvals", "new_register", "--policy", MISSING + ".yaml"], ["approvals", "new_register", "--policy", "/"],
    ["approvals", "new_register", "--policy", "a\x00b.yaml"], ["approvals", "new_register", "--format", "xml"],
    ["approvals", "new_register", "--policy-dir", MISSING], ["approvals", "new_register", "--policy-dir", "a\x00b"],
    ["approvals", "new_register", "--policy"],
    # policies
    ["policies", "--policy-dir", MISSING], ["policies", "--format", "markdown"], ["policies", "extra"],
    # check
    ["check"], ["check", MISSING], ["check", "/"], ["check", "a\x00b"], ["check", "-"],
    ["check", str(conftest.SHIPPED_POLICY), "--format", "yaml"],
    # schema
    ["schema", "extra"], ["schema", "--format", "json"],
    # show
    ["show"], ["show", MISSING], ["show", "/"], ["show", "a\x00b"], ["show", GOOD_OLD, "--format", "markdown"],
    ["show", GOOD_OLD, GOOD_NEW],
    # lint
    ["lint"], ["lint", MISSING], ["lint", "a\x00b"], ["lint", GOOD_OLD, "--today", "2026-13-01"],
    ["lint", GOOD_OLD, "--today", "2026-02-30"], ["lint", GOOD_OLD, "--today", "tomorrow"],
    ["lint", GOOD_OLD, "--today", "21/11/2026"], ["lint", GOOD_OLD, "--today", "2026-1-1"],
    ["lint", GOOD_OLD, "--today", "0000-01-01"], ["lint", GOOD_OLD, "--today", ""],
    ["lint", GOOD_OLD, "--format", "yaml"], ["lint", GOOD_OLD, MISSING],
    # diff
    ["diff"], ["diff", GOOD_OLD], ["diff", MISSING, GOOD_NEW], ["diff", GOOD_OLD, MISSING],
    ["diff", "a\x00b", GOOD_NEW], ["diff", GOOD_OLD, GOOD_NEW, "--policy", "nope"],
    ["diff", GOOD_OLD, GOOD_NEW, "--vocabulary", MISSING], ["diff", GOOD_OLD, GOOD_NEW, "--vocabulary", "a\x00b"],
    ["diff", GOOD_OLD, GOOD_NEW, "--format", "yaml"], ["diff", GOOD_OLD, GOOD_NEW, "--policy-dir", MISSING],
    # coverage
    ["coverage"], ["coverage", "dsp4003"], ["coverage", "nope", FEATURES], ["coverage", "dsp4003", MISSING],
    ["coverage", "dsp4003", "a\x00b"], ["coverage", "dsp4003", FEATURES, "--fail-under", "lots"],
    ["coverage", "dsp4003", FEATURES, "--format", "xml"], ["coverage", "dsp4003@9", FEATURES],
    # gherkin
    ["gherkin"], ["gherkin", "nope"], ["gherkin", "dsp4003@0.1"], ["gherkin", "dsp4003", "-o", "/nonexistent/dir/x.feature"],
    ["gherkin", "dsp4003", "-o", GOOD_OLD], ["gherkin", "dsp4003", "-o", "a\x00b"], ["gherkin", "dsp4003", "-o", "/"],
    # steps
    ["steps", "extra"],
]


def _later_commands() -> list[list[str]]:
    """Cases for `compare` and `render` once they exist in this checkout's CLI (branch `versions`)."""
    from workreg.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse has no public list
    cases = []
    if "compare" in commands:
        cases += [["compare"], ["compare", "dsp4003@1.2.0"], ["compare", "nope", "dsp4003@1.2.0"],
                  ["compare", "dsp4003@1.2.0", "dsp4003@9.9"], ["compare", MISSING + ".yaml", "dsp4003@1.2.0"],
                  ["compare", "dsp4003@1.2.0", "dsp4003@1.2.0", "--format", "xml"]]
    if "render" in commands:
        cases += [["render"], ["render", "nope"], ["render", "dsp4003@9.9"], ["render", "dsp4003", "--format", "xml"],
                  ["render", MISSING + ".yaml"]]
    return cases


@pytest.mark.parametrize("argv", CLI_CASES + _later_commands(), ids=lambda a: " ".join(a).replace("\x00", "NUL") or "(none)")
def test_cli_argument_errors(argv: list[str], capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, f"exit {code}: {err}"
    assert "Traceback" not in out + err
    assert ERROR_SHAPE.search(err), err


def test_help_and_version_exit_zero(capsys):
    assert main(["--version"]) == 0
    assert main(["approvals", "--help"]) == 0
    assert "Traceback" not in capsys.readouterr().err


# ----------------------------------------------------------------- generated: policy YAML

_YAML_BITS = st.sampled_from([
    "policy:", "version:", "title:", "roles:", "steps:", "change_kinds:", "precedence:", "- ", "  ", "\t",
    "id: x", "actor: board", "kind: ballot", "&a ", "*a", "<<: ", "!!python/object ", "!!binary ", "? ", ": ",
    "[", "]", "{", "}", ",", "'", '"', "#", "\n", "---\n", "...\n", "%YAML 1.1\n", "|", ">", "null", "~",
    "1.2.0", "yes", "0x1F", ".inf", "\ufeff", "\u2028", "\x85", "é", "\U0001F600",
])


@fast(600)
@given(st.lists(_YAML_BITS | st.text(max_size=8), max_size=40).map("".join))
def test_generated_policy_yaml_never_crashes(text: str):
    policy, errors, _ = validate_policy_text(text, "gen.yaml")
    assert (policy is None) == bool(errors)
    for error in errors:
        assert isinstance(error, WorkregError) and error.file == "gen.yaml" and error.code
        assert ERROR_SHAPE.search(str(error))


_SHIPPED_LINES = conftest.SHIPPED_POLICY.read_text(encoding="utf-8").splitlines(keepends=True)


@fast(50)
@given(st.data())
def test_mutated_shipped_policy_reports_errors_with_lines(data):
    lines = list(_SHIPPED_LINES)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "indent", "dedent", "garble", "retype"]))
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif action == "indent":
            lines[index] = "  " + lines[index]
        elif action == "dedent":
            lines[index] = lines[index].lstrip()
        elif action == "garble":
            lines[index] = data.draw(st.text(alphabet=string.printable, max_size=30)) + "\n"
        else:
            lines[index] = re.sub(r":\s.*", ": [1, {a: 2}]", lines[index])
    policy, errors, _ = validate_policy_text("".join(lines), "mutated.yaml")
    assert (policy is None) == bool(errors)
    for error in errors:
        assert isinstance(error, WorkregError) and error.file == "mutated.yaml"
        assert ERROR_SHAPE.search(str(error))


# ----------------------------------------------------------------- generated: register documents

_REGISTER_TEXT = Path(GOOD_OLD).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("generated-registers")


@fast(600)
@given(payload=st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from([".txt", ".md", ".docx", ".yaml", ".json", ""]))
def test_generated_register_bytes_never_crash(scratch: Path, payload: bytes, suffix: str):
    path = scratch / f"gen{suffix}"
    path.write_bytes(payload)
    try:
        read_register(path)
    except WorkregError as error:
        assert error.exit_code == 2 and ERROR_SHAPE.search(str(error))


@fast(150)
@given(data=st.data())
def test_mutated_register_lints_or_is_refused(scratch: Path, data):
    text = _REGISTER_TEXT
    for _ in range(data.draw(st.integers(1, 5))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 200)))
        text = text[:start] + data.draw(st.text(max_size=40)) + text[end:]
    path = scratch / "mutated.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out, err = run(["lint", str(path), "--today", "2026-11-21"])
    assert code in (0, 1, 2) and "Traceback" not in err
    if code == 2:
        assert ERROR_SHAPE.search(err)


# ----------------------------------------------------------------- generated: CLI arguments

_KIND_WORDS = st.sampled_from([
    "new_register", "scope_extension", "removal", "contact_change", "New_Register", "removal ", "", "-", "--",
    "scope-extension", "approvals", "\x00", "é", "--format", "--policy", "--committee", "--originating",
])


@fast(200)
@given(st.lists(_KIND_WORDS | st.text(max_size=12), min_size=0, max_size=6))
def test_generated_approvals_arguments(words: list[str]):
    code, out, err = run(["approvals", *words])
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert ERROR_SHAPE.search(err)
    else:
        assert out


@fast(100)
@given(st.text(max_size=14) | st.dates().map(str) | st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True))
def test_generated_lint_dates(today: str):
    code, _, err = run(["lint", GOOD_OLD, "--today", today])
    assert code in (0, 1, 2) and "Traceback" not in err
    if code == 2:
        assert "bad-date" in err or "usage" in err


# The same readers without the CLI around them: fast enough for thousands of examples.

_DATES = st.text(max_size=14) | st.dates().map(str) | st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True)


@fast(300)
@given(_DATES)
def test_generated_today_values(today: str):
    from workreg.cli.registers import parse_today

    try:
        parsed = parse_today(today)
    except WorkregError as error:
        assert error.code == "bad-date" and error.exit_code == 2
    else:
        assert parsed.isoformat() == today


@fast(300)
@given(st.lists(_KIND_WORDS | st.text(max_size=12), max_size=6), st.lists(st.text(max_size=10), max_size=3),
       st.none() | st.text(max_size=10))
def test_generated_change_kinds_committees_and_originating(words, committees, originating):
    from workreg.policy.decide import decide
    from workreg.policy.registry import get_policy

    try:
        decision = decide(get_policy("dsp4003@1.2.0"), words, committees=committees, originating=originating)
    except WorkregError as error:
        assert error.exit_code == 2 and ERROR_SHAPE.search(str(error))
    else:
        policy = get_policy("dsp4003@1.2.0")
        assert set(decision.changes) == {policy.resolve_kind(word) for word in words}


@fast(300)
@given(st.lists(st.sampled_from(_REGISTER_TEXT.splitlines()) | st.text(max_size=60), max_size=60))
def test_generated_register_text_parses_or_is_refused(lines: list[str]):
    from workreg.registers.parse import parse_lines
    from workreg.registers.read import text_lines
    from workreg.registers.vocabulary import load_vocabulary

    try:
        parse_lines(text_lines("\n".join(lines)), file="gen.txt", fallback_title="gen",
                    groups_of=load_vocabulary().involved_in)
    except WorkregError as error:
        assert error.exit_code == 2 and ERROR_SHAPE.search(str(error))


# ----------------------------------------------------------------- bulk: seeded random, thousands of cases
# Hypothesis costs milliseconds per example; these loops try thousands of inputs in well under a
# second each, from a fixed seed (the same cases every run), and name the failing input.

_ALPHABET = string.printable + "é€\x00\x85\u2028\ufeff"


def _random_text(rng, size: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, size)))


def test_bulk_today_values():
    import random

    from workreg.cli.registers import parse_today

    rng = random.Random(4003)
    for _ in range(4000):
        value = rng.choice([
            _random_text(rng, 12),
            f"{rng.randint(0, 99999):04d}-{rng.randint(0, 19):02d}-{rng.randint(0, 39):02d}",
            f"{rng.randint(0, 9999)}-{rng.randint(0, 12)}-{rng.randint(0, 31)}",
        ])
        try:
            parse_today(value)
        except WorkregError as error:
            assert error.code == "bad-date", value


def test_bulk_change_kinds():
    import random

    from workreg.policy.decide import decide
    from workreg.policy.registry import get_policy

    policy = get_policy("dsp4003@1.2.0")
    words = list(policy.kinds) + ["", " ", "New_Register", "scope-extension", "removal ", "\x00", "é", "None"]
    rng = random.Random(4003)
    for _ in range(4000):
        kinds = [rng.choice(words) if rng.random() < 0.8 else _random_text(rng, 8) for _ in range(rng.randint(0, 5))]
        committees = [_random_text(rng, 6) for _ in range(rng.randint(0, 2))]
        try:
            decide(policy, kinds, committees=committees, originating=rng.choice([None, "", _random_text(rng, 6)]))
        except WorkregError as error:
            assert error.exit_code == 2 and ERROR_SHAPE.search(str(error)), kinds


def test_bulk_policy_yaml_token_soup():
    import random

    bits = list(_YAML_BITS.wrapped_strategy.elements) if hasattr(_YAML_BITS, "wrapped_strategy") else None
    bits = bits or ["policy:", "- ", "[", "]", "{", "}", "&a ", "*a", ": ", "\n", "  ", "\t", "'", '"', "? ", "<<: "]
    rng = random.Random(4003)
    for _ in range(1500):
        text = "".join(rng.choice(bits) if rng.random() < 0.85 else _random_text(rng, 4) for _ in range(rng.randint(0, 30)))
        policy, errors, _ = validate_policy_text(text, "soup.yaml")
        assert (policy is None) == bool(errors), text
        for error in errors:
            assert ERROR_SHAPE.search(str(error)), text


def test_bulk_register_documents():
    import random

    from workreg.registers.read import decode

    rng = random.Random(4003)
    lines = _REGISTER_TEXT.splitlines()
    for _ in range(3000):
        if rng.random() < 0.5:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
        else:
            picked = [rng.choice(lines) if rng.random() < 0.8 else _random_text(rng, 30) for _ in range(rng.randint(0, 80))]
            data = "\n".join(picked).encode(rng.choice(["utf-8", "utf-16", "cp1252"]), "replace")
        try:
            decode(data, file="bulk.txt")
        except WorkregError as error:
            assert error.exit_code == 2 and ERROR_SHAPE.search(str(error))


# =================================================================================================
# The classes an outside probe found (issue 10).  Each class has a generator, not only the case
# that found it; the class's number is the issue's.
# =================================================================================================

import contextlib as _contextlib  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

SHIPPED = conftest.SHIPPED_POLICY
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
MINIMAL = conftest.FIXTURES / "policies" / "minimal.yaml"
WORKREG = [sys.executable, "-m", "workreg"]


def cli(argv: list[str], *, env: dict | None = None, stdin=subprocess.DEVNULL, **kwargs) -> subprocess.CompletedProcess:
    """``python -m workreg ARGV`` in a child process (for real descriptors, signals and locales)."""
    environment = dict(os.environ, **(env or {}))
    return subprocess.run(WORKREG + argv, capture_output=kwargs.pop("capture_output", True), env=environment,
                          stdin=stdin, timeout=60, **kwargs)


# ----------------------------------------------------------------- 1. YAML scalars

_SCALAR_TAGS = ["int", "float", "bool", "timestamp", "null", "binary", "str"]


def _impossible_dates():
    """Dates whose day does not exist in their month, and times out of range."""
    return st.one_of(
        st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1, 9999), st.integers(1, 12),
                  st.integers(29, 31)),
        st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1, 9999), st.integers(13, 99),
                  st.integers(1, 31)),
        st.builds(lambda h: f"2020-01-01T{h:02d}:00:00", st.integers(24, 99)),
        st.builds(lambda tz: f"2020-01-01 10:00:00 +{tz:02d}:00", st.integers(24, 99)),
    )


def _long_integers():
    """Integers with more digits than Python converts, in every base YAML 1.1 writes."""
    return st.builds(lambda prefix, digits, length: prefix + digits * length,
                     st.sampled_from(["", "-", "+", "0x", "0o", "0b", "0"]), st.sampled_from(["1", "7", "9"]),
                     st.integers(4001, 6000))


_BAD_SCALARS = st.one_of(
    _impossible_dates(), _long_integers(),
    st.tuples(st.sampled_from(_SCALAR_TAGS), st.text(max_size=12)).map(lambda t: f"!!{t[0]} {json.dumps(t[1])}"),
    st.tuples(st.sampled_from(_SCALAR_TAGS), _impossible_dates() | st.sampled_from(["x", "0x", "1e", "maybe", "@@"]))
    .map(lambda t: f"!!{t[0]} {t[1]}"),
)


@fast(400)
@given(_BAD_SCALARS, st.sampled_from(["{}", "[{}]", "{x: {}}"]))
def test_generated_scalars_parse_or_fail_with_a_line(value: str, shape: str):
    """Every scalar a YAML constructor cannot build (or a later message could not print) is
    ``bad-scalar`` (or a YAML error) with its line, in every shape it can appear in."""
    from workreg.inputs import parse_yaml

    text = "a: 1\nb: " + shape.replace("{}", value) + "\n"
    try:
        data, _ = parse_yaml(text, "gen.yaml")
    except WorkregError as error:
        assert error.code in ("bad-scalar", "yaml-syntax") and error.line in (2, None), str(error)
    else:
        repr(data)  # every value built can be printed: no integer too long to convert


_SCALAR_INSTANCES = ["2007-02-30", "9" * 5000, "0x" + "f" * 5000, "!!int abc", "!!float abc", "!!bool maybe",
                     "!!timestamp nope"]


def _with_scalar(text: str, value: str) -> str:
    return text.replace('  date: "2007-10-02"', f"  date: {value}", 1)


@pytest.mark.parametrize("value", _SCALAR_INSTANCES)
def test_every_command_reading_a_policy_refuses_a_bad_scalar(tmp_path, value: str):
    folder = tmp_path / "dsp4003"
    folder.mkdir()
    path = folder / "1.2.0.yaml"
    path.write_text(_with_scalar(SHIPPED_TEXT, value), encoding="utf-8")
    assert_workreg_error(["check", str(path)], codes=(1,))
    for argv in (["approvals", "new_register", "--policy", str(path)], ["compare", str(path), "dsp4003@1.1"],
                 ["render", str(path)], ["gherkin", str(path)], ["policies", "--policy-dir", str(tmp_path)],
                 ["diff", GOOD_OLD, GOOD_NEW, "--policy", str(path)]):
        _, _, err = assert_workreg_error(argv)
        assert "bad-scalar" in err, (argv, err)


@pytest.mark.parametrize("value", _SCALAR_INSTANCES)
def test_vocabularies_and_register_models_refuse_a_bad_scalar(tmp_path, value: str):
    vocabulary = tmp_path / "vocabulary.yaml"
    vocabulary.write_text(f"entities:\n  - name: X Forum\n    kind: forum\n    aliases: [{value}]\n", encoding="utf-8")
    _, _, err = assert_workreg_error(["diff", GOOD_OLD, GOOD_NEW, "--vocabulary", str(vocabulary)])
    assert "bad-scalar" in err
    model = tmp_path / "register.yaml"
    dumped = run(["show", GOOD_OLD, "--format", "yaml"])[1]
    model.write_text(dumped.replace("  line: 1\n", f"  line: {value}\n", 1), encoding="utf-8")
    for argv in (["show", str(model)], ["lint", str(model)], ["diff", str(model), GOOD_NEW]):
        _, _, err = assert_workreg_error(argv)
        assert "bad-scalar" in err


@fast(20)
@given(suffix=st.sampled_from([".txt", ".md", ".TXT", ""]), fmt=st.sampled_from(["yaml", "json"]))
def test_a_document_that_looks_like_a_model_is_read_as_a_document(scratch: Path, suffix: str, fmt: str):
    """Register models are chosen by suffix alone: a .txt that starts with ``title:`` is text."""
    model = run(["show", GOOD_OLD, "--format", fmt])[1]
    path = scratch / f"looks-like-a-model{suffix}"
    path.write_text(model, encoding="utf-8")
    try:
        register = read_register(path)
    except WorkregError as error:
        assert error.code not in ("bad-model", "yaml-syntax", "bad-json"), str(error)
    else:
        assert register != read_register(GOOD_OLD)


# ----------------------------------------------------------------- 2. the decision cache


def _cache_entry_path(tmp_path, monkeypatch, policy: Path):
    from workreg.policy import cache

    monkeypatch.setenv("WORKREG_CACHE_DIR", str(tmp_path / "cache"))
    key = cache.entry_key(policy.read_text(encoding="utf-8").encode("utf-8"))
    return cache.entry_path(key)


def _answer(policy: Path, kind: str) -> dict:
    from workreg.policy.registry import compile_file

    return compile_file(policy).decide([kind]).to_dict()


_ENTRY_MUTATIONS = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1)),
    st.tuples(st.just("payload"), st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8)),
    st.tuples(st.just("drop-key"), st.floats(0, 1)),
    st.tuples(st.just("header"), st.sampled_from(['{"format": 1}', "{}", "[]", "null", '{"format": 2, "key": "x"}'])),
)


@fast(25)
@given(mutation=_ENTRY_MUTATIONS)
def test_generated_cache_tampering_is_detected(tmp_path_factory, mutation):
    """An entry truncated, flipped, replaced by JSON of any shape, missing a key or with another
    header is ignored with a warning, and the answer is the one the policy gives."""
    tmp_path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as monkeypatch:
        entry = _cache_entry_path(tmp_path, monkeypatch, MINIMAL)
        expected = _answer(MINIMAL, "small_fix")
        data = entry.read_bytes()
        header, _, payload = data.partition(b"\n")
        kind, value = mutation
        if kind == "truncate":
            data = data[: int(len(data) * value)]
        elif kind == "flip":
            index = min(int(len(data) * value), len(data) - 1)
            data = data[:index] + bytes([data[index] ^ 0x5A]) + data[index + 1:]
        elif kind == "payload":
            data = header + b"\n" + json.dumps(value).encode()
        elif kind == "drop-key":
            table = json.loads(payload)
            table.pop(sorted(table)[min(int(len(table) * value), len(table) - 1)])
            data = header + b"\n" + json.dumps(table).encode()
        else:
            data = value.encode() + b"\n" + payload
        entry.write_bytes(data)
        err = io.StringIO()
        with _contextlib.redirect_stderr(err):
            assert _answer(MINIMAL, "small_fix") == expected
        assert "Traceback" not in err.getvalue()


def _special(kind: str, path: Path) -> Path:
    """Put a file of ``kind`` at ``path``: a FIFO, a device, a directory, a socket or a bad symlink."""
    if path.exists() or path.is_symlink():
        path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-null":
        path.symlink_to("/dev/null")
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":  # bound under a short name (AF_UNIX paths are short), then moved
        import tempfile

        short = Path(tempfile.mkdtemp(prefix="wr", dir="/tmp")) / "s"
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(short))
        server.close()
        os.replace(short, path)
        short.parent.rmdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to(path.name + ".nowhere")
    return path


SPECIAL_KINDS = ["fifo", "dev-zero", "dev-null", "directory", "socket", "loop", "dangling"]


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_a_special_file_in_place_of_a_cache_entry_is_ignored(tmp_path, monkeypatch, kind: str):
    entry = _cache_entry_path(tmp_path, monkeypatch, MINIMAL)
    expected = _answer(MINIMAL, "small_fix")
    _special(kind, entry)
    with deadline(20):
        assert _answer(MINIMAL, "small_fix") == expected


def test_the_issues_cache_instances_on_the_shipped_policy(tmp_path, monkeypatch, capsys):
    """{}, a list, a missing key, an index out of range, a gate removed: each edited as a person would."""
    entry = _cache_entry_path(tmp_path, monkeypatch, SHIPPED)
    expected = _answer(SHIPPED, "new_register")
    header, _, payload = entry.read_bytes().partition(b"\n")
    table = json.loads(payload)
    # The compiled form is nested arrays (workreg.policy.compiled): edit the first change kind's
    # requirements as a person would, dropping one, or pointing one at a clause that is not there.
    key = next(k for k, v in table.items() if isinstance(v, list) and v)
    missing = {k: v for k, v in table.items() if k != key}
    no_gate, out_of_range = json.loads(payload), json.loads(payload)
    for edited_table, edit in ((no_gate, "drop"), (out_of_range, "index")):
        kinds = next(v for v in edited_table[key] if isinstance(v, list) and v and isinstance(v[0], list)
                     and len(v[0]) == 9)  # KindInfo: 9 fields
        target = kinds[0][4]  # the first kind's requirements
        if edit == "drop":
            target.pop(len(target) // 2)
        else:
            target[0][2] = 10**6
    for edited in (b"{}", b"[]", header + b"\n" + json.dumps(missing).encode(),
                   header + b"\n" + json.dumps(out_of_range).encode(), header + b"\n" + json.dumps(no_gate).encode()):
        entry.write_bytes(edited)
        assert _answer(SHIPPED, "new_register") == expected
        assert "ignoring cache entry" in capsys.readouterr().err


# ----------------------------------------------------------------- 3. special files as inputs

_READERS = [
    ["show", "{}"], ["show", "{}.yaml"], ["show", "{}.docx"], ["lint", "{}"], ["diff", "{}", GOOD_NEW],
    ["diff", GOOD_OLD, "{}"], ["diff", GOOD_OLD, GOOD_NEW, "--vocabulary", "{}.yaml"], ["check", "{}.yaml"],
    ["approvals", "new_register", "--policy", "{}.yaml"], ["compare", "{}.yaml", "dsp4003@1.2.0"],
    ["render", "{}.yaml"], ["gherkin", "{}.yaml"], ["coverage", "{}.yaml", FEATURES], ["registers", "{}"],
    ["case", "list", "--db", "{}.db"],
]


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_every_reader_refuses_a_special_file_at_once(tmp_path, kind: str):
    for command in _READERS:
        base = tmp_path / f"{kind}-{abs(hash(tuple(command))) % 10**6}"
        suffix = next((part[2:] for part in command if part.startswith("{}")), "")
        _special(kind, Path(str(base) + suffix))
        argv = [part.replace("{}", str(base)) for part in command]
        with deadline(20):
            _, _, err = assert_workreg_error(argv)
        assert re.search(r": (not-a-file|not-found|unreadable|db-error|bad-database|no-database): ", err), (argv, err)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_as_policy_says_what_it_is(device: str):
    if not os.path.exists(device):
        pytest.skip(f"{device} is absent here")
    _, _, err = assert_workreg_error(["approvals", "new_register", "--policy", device])
    assert "not-a-file" in err and "no such" not in err


# ----------------------------------------------------------------- 4. .docx that multiply work


@pytest.mark.parametrize("kind", ["span", "empty-paragraphs", "nesting", "merged-cells", "text", "runs"])
def test_show_ends_a_docx_that_multiplies_work_over_budget(tmp_path, kind: str):
    from .registers.test_docx_reader import BOMBS, package

    make, sizes, _ = BOMBS[kind]
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(package(make(sizes[-1] if kind in ("span", "nesting") else sizes[0])))
    with deadline(30):
        _, _, err = assert_workreg_error(["show", str(path)])
    assert "over-budget" in err or "too-large" in err


# ----------------------------------------------------------------- 5. diff work grows with the input, not its square


@pytest.mark.parametrize("shape", ["distinct", "repeated", "nothing-in-common", "reversed"])
def test_diff_scores_a_few_pairs_per_line_whatever_the_shape(tmp_path, monkeypatch, shape: str):
    from bench.big_registers import register_texts

    from .registers.test_diff_scale import _scoring_calls

    lines = 800
    old_text, new_text = register_texts(lines, lines, repeated=shape == "repeated")
    if shape == "nothing-in-common":
        new_text = register_texts(lines, 0, seed=7)[0]
    elif shape == "reversed":
        head, _, rest = new_text.partition("Activities\n\n")
        activities, _, tail = rest.partition("\n\nMilestones")
        new_text = head + "Activities\n\n" + "\n".join(reversed(activities.splitlines())) + "\n\nMilestones" + tail
    (tmp_path / "old.txt").write_text(old_text, encoding="utf-8")
    (tmp_path / "new.txt").write_text(new_text, encoding="utf-8")
    from workreg.registers.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    old, new = (read_register(tmp_path / name, vocabulary=vocabulary) for name in ("old.txt", "new.txt"))
    assert _scoring_calls(monkeypatch, old, new, vocabulary) <= 40 * lines  # all pairs: 640,000


# ----------------------------------------------------------------- 6. output that cannot be written or encoded


class BrokenStream(io.TextIOBase):
    """A stdout that fails: on write or on flush, with an OSError, or closed."""

    def __init__(self, error: BaseException | None, *, on: str = "write") -> None:
        super().__init__()
        self.error, self.on, self.pending = error, on, []

    @property
    def encoding(self) -> str:
        return "utf-8"

    def write(self, text: str) -> int:
        if self.on == "write" and self.error is not None:
            raise self.error
        self.pending.append(text)
        return len(text)

    def flush(self) -> None:
        if self.on == "flush" and self.pending and self.error is not None:
            raise self.error


STDOUT_FAILURES = {
    "full-on-write": lambda: BrokenStream(OSError(errno.ENOSPC, "No space left on device")),
    "full-on-flush": lambda: BrokenStream(OSError(errno.ENOSPC, "No space left on device"), on="flush"),
    "bad-descriptor": lambda: BrokenStream(OSError(errno.EBADF, "Bad file descriptor")),
    "io-error": lambda: BrokenStream(OSError(errno.EIO, "Input/output error"), on="flush"),
    "closed-file": lambda: _closed(),
    "no-stdout": lambda: None,
}


def _closed() -> io.StringIO:
    stream = io.StringIO()
    stream.close()
    return stream


# One command line per subcommand and output format: each writes to stdout.
WRITING_COMMANDS = [
    ["approvals", "new_register"], ["approvals", "new_register", "--format", "json"],
    ["approvals", "new_register", "--format", "markdown"], ["policies"], ["policies", "--format", "json"],
    ["check", str(SHIPPED)], ["check", str(BAD / "policies" / "cycle.yaml"), "--format", "json"], ["schema"],
    ["show", GOOD_OLD], ["show", GOOD_OLD, "--format", "json"], ["show", GOOD_OLD, "--format", "yaml"],
    ["lint", GOOD_OLD], ["lint", GOOD_OLD, "--format", "json"], ["diff", GOOD_OLD, GOOD_NEW],
    ["diff", GOOD_OLD, GOOD_NEW, "--format", "json"], ["diff", GOOD_OLD, GOOD_NEW, "--format", "markdown"],
    ["compare", "dsp4003@1.1", "dsp4003@1.2.0"], ["compare", "dsp4003@1.1", "dsp4003@1.2.0", "--format", "json"],
    ["render", "dsp4003"], ["gherkin", "dsp4003"], ["steps"], ["--help"], ["approvals", "--help"], ["--version"],
    ["registers", GOOD_OLD, GOOD_NEW, "--today", "2026-11-21"], ["registers", GOOD_OLD, "--format", "json"],
    ["case", "list", "--db", "{db}"], ["case", "status", "1", "--db", "{db}"],
    ["case", "log", "1", "--db", "{db}", "--format", "json"], ["token", "list", "--db", "{db}"],
    ["log", "--db", "{db}", "--format", "json"],
]
_COMMAND_IDS = [" ".join(c).replace(str(conftest.ROOT) + "/", "") for c in WRITING_COMMANDS]


@pytest.fixture(scope="module")
def case_db(tmp_path_factory) -> str:
    """A case database with one case open, for the ``case`` commands that write to stdout."""
    path = str(tmp_path_factory.mktemp("cases") / "cases.db")
    code, _, err = run(["case", "open", "--change", "new_register", "--no-affected-committees", "--db", path, "--by", "corpus"])
    assert code == 0, err
    return path


@pytest.fixture
def with_db(case_db):
    return lambda argv: [part.replace("{db}", case_db) for part in argv]


def run_with_stdout(argv: list[str], stdout) -> tuple[int, str]:
    err = io.StringIO()
    with _contextlib.redirect_stdout(stdout), _contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("failure", list(STDOUT_FAILURES))
@pytest.mark.parametrize("argv", WRITING_COMMANDS, ids=_COMMAND_IDS)
def test_every_command_ends_a_failed_stdout_in_one_line(argv: list[str], failure: str, with_db):
    code, err = run_with_stdout(with_db(argv), STDOUT_FAILURES[failure]())
    assert code == 2 and "Traceback" not in err
    failed = [line for line in err.splitlines() if "output-failed" in line]
    assert len(failed) == 1 and re.match(r"^workreg: output-failed: \S", failed[0]), err


@pytest.mark.parametrize("argv", WRITING_COMMANDS, ids=_COMMAND_IDS)
def test_a_reader_that_goes_away_stops_the_output_quietly(argv: list[str], with_db):
    argv = with_db(argv)
    expected, _, _ = run(argv)
    code, err = run_with_stdout(argv, BrokenStream(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert code == expected and err.strip() == "" or "warning" in err  # the command's own exit code


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("argv", WRITING_COMMANDS, ids=_COMMAND_IDS)
def test_every_command_writes_what_the_encoding_can_hold(argv: list[str], encoding: str, with_db):
    argv = with_db(argv)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)
    code, err = run_with_stdout(argv, stream)
    assert code in (0, 1) and "Traceback" not in err, err
    text = raw.getvalue().decode(encoding)
    reference = run(argv)[1]
    assert len(text) >= len(reference) * 0.9
    if "json" in argv or argv[0] == "schema":
        assert json.loads(text) == json.loads(reference)  # escaped, not replaced: the same JSON


_UNDECODABLE = st.binary(min_size=1, max_size=6).filter(lambda b: b"\x00" not in b and b"/" not in b).filter(
    lambda b: _not_utf8(b))


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@fast(8)
@given(name=_UNDECODABLE)
def test_undecodable_file_names_never_crash_and_json_stays_valid(scratch: Path, name: bytes):
    folder = os.fsencode(scratch)
    policy = os.fsdecode(folder + b"/p-" + name + b".yaml")
    register = os.fsdecode(folder + b"/r-" + name + b".txt")
    with open(policy, "w", encoding="utf-8") as out:
        out.write(SHIPPED_TEXT.replace("\nsteps:", "\nnope: 1\nsteps:", 1))  # one finding
    with open(register, "w", encoding="utf-8") as out:
        out.write(_REGISTER_TEXT)
    for argv in (["check", policy, "--format", "json"], ["lint", register, "--format", "json"],
                 ["diff", register, GOOD_NEW, "--format", "json"], ["show", register, "--format", "json"],
                 ["approvals", "new_register", "--policy", policy, "--format", "json"],
                 ["approvals", os.fsdecode(b"kind-" + name)], ["check", policy], ["lint", register]):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", write_through=True)
        err = io.StringIO()
        with _contextlib.redirect_stdout(stream), _contextlib.redirect_stderr(err):
            code = main(argv)
        assert code in (0, 1, 2) and "Traceback" not in err.getvalue()
        text = raw.getvalue().decode("utf-8")  # valid UTF-8, whatever the name
        err.getvalue().encode("utf-8")
        if "--format" in argv and code != 2:
            json.loads(text)


_SUBPROCESS_CASES = {
    "dev-full": (["approvals", "new_register"], "> /dev/full"),
    "dev-full-json": (["check", str(SHIPPED), "--format", "json"], "> /dev/full"),
    "dev-full-help": (["--help"], "> /dev/full"),
    "closed-stdout": (["show", GOOD_OLD], ">&-"),
    "closed-stdout-version": (["--version"], ">&-"),
}


@pytest.mark.parametrize("case", list(_SUBPROCESS_CASES))
def test_real_failing_descriptors_end_in_one_line_and_exit_2(case: str):
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full is absent here")
    argv, redirect = _SUBPROCESS_CASES[case]
    quoted = " ".join(__import__("shlex").quote(part) for part in WORKREG + argv)
    result = subprocess.run(["sh", "-c", f"{quoted} {redirect}"], capture_output=True, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.count("output-failed") == 1 and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_locale_that_cannot_print_the_section_sign(encoding: str):
    for argv in (["approvals", "scope_extension"], ["approvals", "--help"], ["approvals", "nope"],
                 ["check", str(SHIPPED), "--format", "json"]):
        result = cli(argv, env={"PYTHONIOENCODING": encoding})
        err = result.stderr.decode(encoding)
        assert result.returncode in (0, 2) and "Traceback" not in err, err
        result.stdout.decode(encoding)


def test_a_reader_that_stops_early_is_not_an_error():
    command = " ".join(__import__("shlex").quote(part) for part in WORKREG + ["steps"])
    result = subprocess.run(["sh", "-c", f"{command} | head -c 20 > /dev/null; exit ${{PIPESTATUS:-0}}"],
                            capture_output=True, timeout=60)
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_undecodable_arguments_in_a_child_process(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.yaml"
    with open(name, "w", encoding="utf-8") as out:
        out.write(SHIPPED_TEXT)
    for argv in ([b"check", name, b"--format", b"json"], [b"approvals", b"\xff\xfe"], [b"lint", name]):
        result = subprocess.run([os.fsencode(sys.executable), b"-m", b"workreg", *argv], capture_output=True, timeout=60)
        assert b"Traceback" not in result.stderr and result.returncode in (0, 1, 2)
        result.stdout.decode("utf-8")
        result.stderr.decode("utf-8")
        if b"json" in argv:
            assert json.loads(result.stdout) == []


# ----------------------------------------------------------------- 7. output paths that cannot be written


def _output_path(kind: str, tmp_path: Path, suffix: str) -> str:
    existing = tmp_path / "existing-file"
    existing.write_text("x", encoding="utf-8")
    return {
        "existing-file": str(existing),
        "dev-null": str(_special("dev-null", tmp_path / f"null{suffix}")) if suffix else "/dev/null",
        "under-a-file": str(existing / f"inside{suffix}"),
        "missing-parent": str(tmp_path / "no" / "such" / f"folder{suffix}") if suffix else None,
        "nul": str(tmp_path / f"a\x00b{suffix}"),
        "too-long": str(tmp_path / ("x" * 300 + suffix)),
        "fifo": str(_special("fifo", tmp_path / f"fifo{suffix}")) if suffix else None,
        "directory": str(_special("directory", tmp_path / f"dir{suffix}")) if suffix else None,
    }[kind]


@pytest.mark.parametrize("kind", ["existing-file", "dev-null", "under-a-file", "missing-parent", "nul", "too-long",
                                  "fifo", "directory"])
@pytest.mark.parametrize("command", [["render", "dsp4003", "-o", "{}"], ["gherkin", "dsp4003", "-o", "{}"],
                                     ["diagrams", "--out", "{}"]], ids=["render", "gherkin", "diagrams"])
def test_every_output_path_that_cannot_be_written(tmp_path, command: list[str], kind: str):
    is_folder = command[0] == "diagrams"
    path = _output_path(kind, tmp_path, "" if is_folder else ".dot")
    if path is None or (is_folder and kind in ("missing-parent", "directory")) or (
            not is_folder and kind == "existing-file" and command[0] == "render"):
        pytest.skip("a path of this kind can be written here")
    with deadline(30):
        _, _, err = assert_workreg_error([part.replace("{}", path) for part in command])
    assert re.search(r": (unwritable|not-a-file|not-a-directory|exists|bad-path|bad-format): ", err), err
    assert Path("/dev/null").is_char_device()


# ----------------------------------------------------------------- 8. ids that collide with workreg's words


_SCOPE_EXTENSION = re.compile(r"  - id: scope_extension\n    title: [^\n]*\n")


def _policy_with_kind(kind_id: str, title: str) -> str:
    """The shipped policy with its scope_extension change kind renamed (id, title)."""
    text, count = _SCOPE_EXTENSION.subn(f"  - id: {kind_id}\n    title: {title}\n", SHIPPED_TEXT, count=1)
    assert count == 1
    return text.replace("kind: scope_extension", f"kind: {kind_id}")


_RESERVED_VARIANTS = st.sampled_from(sorted(__import__("workreg.policy.reserved", fromlist=["x"]).RESERVED_CHANGE_KINDS))


@fast(20)
@given(word=_RESERVED_VARIANTS, spelling=st.sampled_from(["id", "title", "Title", "TITLE", "spaced"]))
def test_generated_reserved_words_are_refused(word: str, spelling: str):
    if spelling == "id":
        text = _policy_with_kind(word, "Something else")
    else:
        shown = {"title": word, "Title": word.title(), "TITLE": word.upper(), "spaced": f"  {word} "}[spelling]
        text = _policy_with_kind("scope_extension", json.dumps(shown))
    _, errors, _ = validate_policy_text(text, "reserved.yaml")
    assert any(error.code == "reserved-id" for error in errors), [str(e) for e in errors]


def test_a_change_kind_called_editorial_is_refused_by_every_command(tmp_path):
    path = tmp_path / "editorial.yaml"
    path.write_text(_policy_with_kind("editorial", "Editorial-looking change"), encoding="utf-8")
    _, out, _ = assert_workreg_error(["check", str(path)], codes=(1,))
    assert "reserved-id" in out
    for argv in (["approvals", "editorial", "--policy", str(path)], ["diff", GOOD_OLD, GOOD_NEW, "--policy", str(path)]):
        _, _, err = assert_workreg_error(argv)
        assert "reserved-id" in err


@fast(20)
@given(other=st.sampled_from(["new_register", "removal", "deliverable_adjustment"]),
       form=st.sampled_from(["words", "upper", "hyphens", "spaces"]))
def test_generated_names_two_kinds_answer_to_are_refused(other: str, form: str):
    title = {"words": other.replace("_", " "), "upper": other.upper(), "hyphens": other.replace("_", "-"),
             "spaces": "  " + other.replace("_", "   ") + " "}[form]
    _, errors, _ = validate_policy_text(_policy_with_kind("scope_extension", json.dumps(title)), "ambiguous.yaml")
    assert any(error.code == "ambiguous-name" for error in errors), [str(e) for e in errors]


# ----------------------------------------------------------------- 9. a policy whose path and content disagree


@fast(12)
@given(folder=st.sampled_from(["dsp4003", "other"]), stem=st.sampled_from(["9.9", "1.2.0", "2.0-draft", "1.1"]))
def test_generated_path_and_content_disagreements(tmp_path_factory, folder: str, stem: str):
    root = tmp_path_factory.mktemp("policies")
    (root / folder).mkdir()
    path = root / folder / f"{stem}.yaml"
    path.write_text(SHIPPED_TEXT, encoding="utf-8")  # says dsp4003 version 1.2.0
    agrees = (folder, stem) == ("dsp4003", "1.2.0")
    code, out, err = run(["policies", "--policy-dir", str(root), "--format", "json"])
    rows = json.loads(out)
    assert sorted({row["policy"] for row in rows}) == sorted(row["policy"] for row in rows)  # none twice
    for row in rows:
        name, version = row["policy"].split("@")
        assert row["path"].endswith(f"{name}/{version}.yaml"), row
    assert (code == 0) == agrees and ("path-mismatch" in err) != agrees
    code, out, _ = run(["check", str(path)])
    assert (code == 0) == agrees and ("path-mismatch" in out) != agrees
    if not agrees:
        _, _, err = assert_workreg_error(["approvals", "new_register", "--policy", f"{folder}@{stem}",
                                          "--policy-dir", str(root)])
        assert "path-mismatch" in err


# ----------------------------------------------------------------- 10. contradictions check reports


def _shipped_data() -> dict:
    import yaml

    return yaml.safe_load(SHIPPED_TEXT)


def _contradict(data: dict, kind: str, pick: int) -> str:
    """Inject one contradiction of ``kind`` at a place chosen by ``pick``; return the code check must report."""
    kinds = [k for k in data["change_kinds"] if isinstance(k.get("requires"), list) and k["requires"]]
    target = kinds[pick % len(kinds)]
    if kind == "parallel":
        edge = data["precedence"][pick % len(data["precedence"])]
        data.setdefault("parallel", []).append({"steps": [edge["before"], edge["after"]],
                                                "citation": {"section": "3.2", "quote": "in parallel"}})
        return "parallel-contradicts-precedence"
    if kind == "not-required":
        actors = {step["id"]: step for step in data["steps"]}

        def gates_of(change_kind: dict) -> list[dict]:
            return [r for r in change_kind["requires"] if (r.get("kind") or actors[r["step"]]["kind"])
                    in ("ballot", "approval", "acknowledgement")]

        with_gates = [k for k in kinds if gates_of(k)]
        target = with_gates[pick % len(with_gates)]
        gates = gates_of(target)
        approver = actors[gates[pick % len(gates)]["step"]]["actor"]
        target.setdefault("not_required", []).append({"approver": approver,
                                                      "citation": {"section": "4", "quote": "not required"}})
        return "contradiction"
    if kind == "duplicate-requirement":
        target["requires"].append(dict(target["requires"][pick % len(target["requires"])]))
        return "duplicate-requirement"
    edge = data["precedence"][pick % len(data["precedence"])]
    data["precedence"].append(dict(edge))
    return "duplicate-precedence"


@fast(12)
@given(kind=st.sampled_from(["parallel", "not-required", "duplicate-requirement", "duplicate-precedence"]),
       pick=st.integers(0, 1000))
def test_generated_contradictions_are_reported_by_check(tmp_path_factory, kind: str, pick: int):
    import yaml

    from workreg.policy.check import check_policy_file

    class Plain(yaml.SafeDumper):  # a policy has no aliases; copied entries must not become any
        def ignore_aliases(self, data):
            return True

    data = _shipped_data()
    code = _contradict(data, kind, pick)
    path = tmp_path_factory.mktemp("contradiction") / "policy.yaml"
    path.write_text(yaml.dump(data, Dumper=Plain, sort_keys=False, allow_unicode=True), encoding="utf-8")
    findings = check_policy_file(path)
    assert code in {finding.code for finding in findings}, [str(f) for f in findings]
    assert all(finding.line for finding in findings if finding.code == code)


# ----------------------------------------------------------------- 11. the smaller ones


_SIGINT_SCRIPT = """
import signal, sys
target = sys.argv[1]
def hook(event, args):
    if event == "import" and args[0] == target:
        sys.stderr.write("sent SIGINT\\n")
        signal.raise_signal(signal.SIGINT)
sys.addaudithook(hook)
sys.argv = ["workreg", "approvals", "scope_extension"]
from workreg.cli import entry_point
entry_point()
"""


@pytest.mark.parametrize("module", ["workreg.cli.args", "argparse", "workreg.outputs", "workreg.api",
                                    "workreg.policy.registry", "workreg.policy.decide", "workreg.policy.format"])
def test_ctrl_c_while_starting_ends_quietly(module: str):
    """SIGINT delivered while each module of the start-up is imported: exit 130, no traceback."""
    result = subprocess.run([sys.executable, "-c", _SIGINT_SCRIPT, module], capture_output=True, timeout=60)
    err = result.stderr.decode("utf-8", "replace")
    assert err.startswith("sent SIGINT"), err  # the import happened, and the signal with it
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert result.returncode == 130, (result.returncode, err)


@fast(60)
@given(st.lists(st.sampled_from(["new_register", "removal", "nope", "zzz", "scope extension", "Nope2", "é"]),
                min_size=1, max_size=6))
def test_the_unknown_change_kind_named_is_the_first_given(words: list[str]):
    from workreg.policy.registry import get_policy

    policy = get_policy("dsp4003@1.2.0")
    unknown = [w for w in words if w in ("nope", "zzz", "Nope2", "é")]
    try:
        policy.decide(words)
    except WorkregError as error:
        assert unknown and f"'{unknown[0]}'" in error.message
    else:
        assert not unknown


def test_the_unknown_change_kind_named_does_not_depend_on_hash_seeds():
    answers = {cli(["approvals", "nope", "zzz", "qqq", "new_register", "aaa"],
                   env={"PYTHONHASHSEED": seed}).stderr for seed in ("0", "1", "4003")}
    assert len(answers) == 1 and b"'nope'" in answers.pop()


@pytest.mark.parametrize("failure", ["missing", "a-file", "loop", "nul", "permission", "unreadable-folder"])
def test_a_policy_dir_that_cannot_be_read_is_an_error(tmp_path, monkeypatch, failure: str):
    directory = tmp_path / "policies"
    if failure == "a-file":
        directory.write_text("x", encoding="utf-8")
    elif failure == "loop":
        _special("loop", directory)
    elif failure == "nul":
        directory = tmp_path / "a\x00b"
    elif failure in ("permission", "unreadable-folder"):
        (directory / "dsp4003").mkdir(parents=True)
        refused = directory if failure == "permission" else directory / "dsp4003"
        real_scandir = os.scandir

        def scandir(path="."):
            if os.fspath(path) == os.fspath(refused):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    for argv in (["policies", "--policy-dir", str(directory)],
                 ["approvals", "new_register", "--policy-dir", str(directory)]):
        _, _, err = assert_workreg_error(argv)
        assert re.search(r": (not-found|not-a-directory|unreadable|bad-path): ", err), err


def test_coverage_says_it_runs_conftest_and_can_run_without(tmp_path):
    code, out, _ = run(["coverage", "--help"])
    assert code == 0 and "conftest.py" in out and "--no-conftest" in out
    features = tmp_path / "features"
    features.mkdir()
    (features / "new_register.feature").write_text(
        (conftest.ROOT / "features" / "dsp4003" / "new_register.feature").read_text(encoding="utf-8"), encoding="utf-8")
    marker = tmp_path / "conftest-ran"
    (features / "conftest.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    code, out, err = run(["coverage", "dsp4003", str(features), "--no-conftest", "--fail-under", "0"])
    assert code == 0 and "clauses covered" in out, err
    assert not marker.exists()


@pytest.mark.parametrize("record", ['{"not": "a list"}', "[1, 2]", "[{}]", "not json", ""])
def test_a_coverage_record_that_is_not_workregs_is_an_error(tmp_path, record: str):
    from workreg.bdd.coverage import _covered_sections

    path = tmp_path / "covered.json"
    path.write_text(record, encoding="utf-8")
    with pytest.raises(WorkregError) as caught:
        _covered_sections(path, "dsp4003@1.2.0", tmp_path)
    assert caught.value.exit_code == 2
