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
from workreg.inputs import MAX_DATA_BYTES
from workreg.errors import WorkregError
from workreg.policy.load import validate_policy_text
from workreg.registers.read import read_register

from . import conftest

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
    path.write_text("policy: x\nnote: " + "x" * (MAX_DATA_BYTES + 1000) + "\n", encoding="utf-8")
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
