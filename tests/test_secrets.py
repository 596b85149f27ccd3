"""Secrets never printed: every message that can show a database URL masks its passwords.

A password can be in the URL's user info or in its query (``?password=``, ``&sslpassword=``), and
a driver may quote the whole URL back in its own message.  Three walks: over the source (every
message built from a URL goes through ``redact``), over every command that takes ``--db`` (each
run against a database that cannot be reached, with each form of URL), and over the server's
error bodies.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys

import pytest

from workreg.cli import build_parser
from workreg.errors import CaseError, WorkregError
from workreg.redact import redact_text, redact_url

from . import conftest
from .test_bad_inputs import run

SECRET = "S3cr3t-pw"

# A PostgreSQL that is not there (port 1 refuses at once), and a scheme workreg does not know.
URLS = {
    "user-info": f"postgresql://u:{SECRET}@127.0.0.1:1/d",
    "query": f"postgresql://u@127.0.0.1:1/d?password={SECRET}",
    "query-upper-case": f"postgresql://u@127.0.0.1:1/d?sslmode=disable&PASSWORD={SECRET}",
    "sslpassword": f"postgresql://u@127.0.0.1:1/d?sslpassword={SECRET}&connect_timeout=2",
    "both": f"postgres://u:{SECRET}@127.0.0.1:1/d?password={SECRET}",
    "slash-in-password": f"postgresql://u:a/{SECRET}@127.0.0.1:1/d",
    "broken-uri-quoted-back": f"postgresql://u@[::1/d?password={SECRET}",
    "unknown-scheme": f"mysql://u:{SECRET}@h/d?password={SECRET}",
}

# Arguments that get each command as far as opening its database.
ARGS = {
    ("case", "open"): ["--change", "scope_extension"],
    ("case", "record"): ["1", "g", "--outcome", "approved", "--date", "2026-01-05"],
    ("case", "status"): ["1"],
    ("case", "list"): [],
    ("case", "log"): ["1"],
    ("case", "migrate"): ["1", "--policy", "dsp4003@1.2.0"],
    ("serve",): ["--port", "0"],
    ("token", "create"): ["--role", "board", "--name", "x"],
    ("token", "list"): [],
    ("token", "revoke"): ["1"],
    ("log",): [],
}


def _commands_with_db(parser: argparse.ArgumentParser, path: tuple = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands_with_db(sub, path + (name,))
    if any("--db" in action.option_strings for action in parser._actions):
        yield path


def test_every_command_with_a_database_is_walked():
    assert set(_commands_with_db(build_parser())) == set(ARGS)


@pytest.mark.parametrize("form", list(URLS))
@pytest.mark.parametrize("command", [c for c in ARGS if c != ("serve",)], ids=" ".join)
def test_no_command_prints_a_database_password(command: tuple, form: str):
    code, out, err = run([*command, *ARGS[command], "--db", URLS[form]])
    assert code == 2, err
    assert SECRET not in out + err, err
    assert "***" in err or form == "broken-uri-quoted-back" and "Traceback" not in err


@pytest.mark.parametrize("form", ["query", "user-info", "unknown-scheme"])
def test_serve_does_not_print_a_database_password(form: str):
    result = subprocess.run([sys.executable, "-m", "workreg", "serve", "--port", "0", "--db", URLS[form]],
                            capture_output=True, timeout=60, cwd=conftest.ROOT)
    assert SECRET not in (result.stdout + result.stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("text, expected", [
    ("postgresql://u:pw@h/d", "postgresql://u:***@h/d"),
    ("postgresql://u@h/d?password=pw&sslmode=require", "postgresql://u@h/d?password=***&sslmode=require"),
    ("postgresql://u:p@w@h/d?x=1#f", "postgresql://u:***@h/d?x=1#f"),
    ("postgresql://h/d?sslpassword=pw", "postgresql://h/d?sslpassword=***"),
    ("sqlite:///tmp/cases.db", "sqlite:///tmp/cases.db"),
    ("/tmp/cases.db", "/tmp/cases.db"),
])
def test_redact_url(text: str, expected: str):
    assert redact_url(text) == expected


def test_redact_text_masks_urls_and_key_values_in_a_sentence():
    text = f'cannot connect to postgresql://u:{SECRET}@h/d: bad "postgresql://u@h/d?password={SECRET}"; password={SECRET} x'
    assert SECRET not in redact_text(text)
    assert redact_text("cannot connect to postgresql://u:pw@h/d: refused") == "cannot connect to postgresql://u:***@h/d: refused"


def test_every_error_workreg_makes_is_masked_whatever_its_source():
    error = CaseError(f"driver said: {URLS['both']}", code="db-error", file=URLS["query"], hint=f"password={SECRET}")
    assert SECRET not in str(error) and SECRET not in repr(error.as_dict())
    assert WorkregError("no URL here; a = b").message == "no URL here; a = b"


def _formatted_names(node: ast.JoinedStr) -> list[str]:
    return [ast.unparse(value.value) for value in node.values if isinstance(value, ast.FormattedValue)]


def test_every_message_built_from_a_database_url_redacts_it():
    """Source walk: an f-string that shows a value named like a URL or a database shows it through redact()."""
    unsafe = []
    for path in sorted((conftest.ROOT / "engine" / "workreg").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for shown in _formatted_names(node):
                    name = shown.rsplit(".", 1)[-1]
                    if (name in ("url", "db", "dsn", "conninfo") or name.endswith("_url")) and "redact" not in shown:
                        unsafe.append(f"{path.relative_to(conftest.ROOT)}:{node.lineno}: {{{shown}}}")
    assert not unsafe, unsafe


