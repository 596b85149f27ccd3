"""workreg type-checks: mypy (configured in pyproject.toml: strict for the API, cases, policy/ and cli/ among others,
the defaults elsewhere, no module excused) finds no error, and the package tells its users' type checkers that it is
typed (py.typed)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed (pip install -e '.[test]')")
def test_mypy_finds_no_error():
    env = {**os.environ, "PYTHON": sys.executable}
    result = subprocess.run(["bash", str(ROOT / "scripts" / "typecheck.sh")], cwd=ROOT, capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_the_package_is_marked_typed():
    assert (ROOT / "engine" / "workreg" / "py.typed").is_file()
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["workreg"]


def test_the_api_the_cases_the_policy_and_the_command_line_are_strict():
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["overrides"]
    strict = next(o for o in overrides if "workreg.api" in o["module"])
    assert {"workreg.cases.*", "workreg.policy.*", "workreg.cli.*"} <= set(strict["module"])
    assert strict["disallow_untyped_defs"] and strict["disallow_any_generics"] and strict["warn_return_any"]


def test_no_module_is_excused_from_the_checks():
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["overrides"]
    excused = [o["module"] for o in overrides if o.get("ignore_errors")]
    assert not excused, f"mypy's errors are ignored in {excused}"
