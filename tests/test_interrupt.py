"""Ctrl-C at start-up: no traceback from workreg's own code, at any moment.

``import workreg`` installs the command's SIGINT handler (exit 130, no traceback) as the first
thing workreg runs when the process is the ``workreg`` command.  What remains is the
interpreter's own start-up (``site``, codecs, the import system finding the package), before any
line of workreg runs: measured by :func:`test_interrupts_at_varied_delays_never_show_workregs_frames`
and documented in docs/bad-input.md.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import conftest

# The script imports neither signal nor enum itself (the builtin _signal sends the interrupt), so
# that their imports at start-up are seen.
_AT_IMPORT = """
import _signal, sys
target = sys.argv[1]
def hook(event, args):
    if event == "import" and args[0] == target:
        sys.stderr.write("sent SIGINT\\n")
        _signal.raise_signal(_signal.SIGINT)
sys.addaudithook(hook)
sys.argv = ["{argv0}", "approvals", "scope_extension"]
from workreg.cli import entry_point
entry_point()
"""


@pytest.mark.parametrize("argv0", ["workreg", "/usr/local/bin/workreg"])
@pytest.mark.parametrize("module", ["signal", "enum", "workreg.cli.args", "workreg.errors", "argparse", "datetime",
                                    "pydantic_core._pydantic_core", "yaml"])
def test_an_interrupt_once_the_package_has_run_ends_quietly(module: str, argv0: str):
    """SIGINT while a module is imported after ``import workreg`` ran.  Before, the handler came
    in entry_point after ``import signal`` (and enum): an interrupt there was a KeyboardInterrupt
    traceback from workreg's entry point; and an interrupt while pydantic's Rust core imports the
    datetime C API came out as a pyo3 PanicException traceback through workreg's frames.  A
    module nothing imports any more sends no event."""
    script = _AT_IMPORT.replace("{argv0}", argv0)
    env = {**os.environ, "WORKREG_CACHE_DIR": "off"}  # read, validate, compile: pydantic's start-up too
    result = subprocess.run([sys.executable, "-c", script, module], capture_output=True, timeout=60, env=env)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if err.startswith("sent SIGINT"):
        assert result.returncode == 130, (result.returncode, err)
    else:
        assert module in ("signal", "enum", "yaml") and result.returncode == 0, (result.returncode, err)


def test_a_program_that_imports_workreg_keeps_its_own_handler():
    code = "import signal, workreg, workreg.cli; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, text=True)
    assert result.stdout.strip() == "True", result.stderr


def _console_script() -> list[str]:
    script = Path(sys.executable).parent / "workreg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "workreg"]


def _our_frames(err: str) -> list[str]:
    """Frames of workreg's source (the package's files; not the console script pip generated)."""
    source = str(conftest.ROOT / "engine" / "workreg")
    return [f for f in re.findall(r'File "([^"]+)"', err) if f.startswith(source) or "/site-packages/workreg/" in f]


def _start_up_seconds(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([*command, "--version"], capture_output=True, env=env, timeout=60)
    return time.perf_counter() - started


@pytest.mark.parametrize("how", ["console-script", "python -m"])
def test_interrupts_at_varied_delays_never_show_workregs_frames(how: str):
    command = _console_script() if how == "console-script" else [sys.executable, "-m", "workreg"]
    env = {**os.environ, "WORKREG_CACHE_DIR": "off"}
    span = 1.5 * _start_up_seconds(command, env)
    outcomes: dict[str, int] = {}
    ours = []
    for index in range(24):
        process = subprocess.Popen([*command, "approvals", "scope_extension"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env)
        time.sleep(span * index / 24)
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1].decode("utf-8", "replace")
        if "Traceback" in err:
            kind = "traceback in the interpreter's start-up"
            if _our_frames(err):
                ours.append(err)
        else:
            kind = {130: "exit 130, quiet", 0: "finished first", -signal.SIGINT: "killed before Python's handler"}.get(
                process.returncode, f"exit {process.returncode}")
        outcomes[kind] = outcomes.get(kind, 0) + 1
    print(f"\n{how}: 24 interrupts over {span * 1000:.0f} ms: {outcomes}")
    assert not ours, ours[0]
