"""workreg as a package people install: wheel and sdist carry the policies, nothing named `engine`
is installed, and the pytest plugin does nothing in a project that did not opt in (issue 9)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

FEATURE = """\
Feature: Updates under the shipped policy
  Scenario: A scope extension needs the Board
    Given the policy "dsp4003@1.2.0"
    When the change is "scope_extension"
    Then the DMTF Board must approve
"""


def _pyproject() -> dict:
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_source_and_policy_folder_is_a_listed_package():
    config = _pyproject()["tool"]["setuptools"]
    listed = set(config["packages"])
    mapping = config["package-dir"]
    assert mapping == {"workreg": "engine/workreg", "workreg.policies": "policies"}
    expected = set()
    for package, folder in mapping.items():
        base = ROOT / folder
        for directory in [base, *sorted(p for p in base.rglob("*") if p.is_dir())]:
            if directory.name == "__pycache__":
                continue
            relative = directory.relative_to(base).parts
            expected.add(".".join((package, *relative)))
    assert listed == expected, "pyproject.toml [tool.setuptools] packages must list every folder"


def test_the_source_root_holds_the_package_alone():
    """engine/ is a source root: a module put beside engine/workreg/ would be neither packaged nor importable."""
    assert sorted(p.name for p in (ROOT / "engine").iterdir() if p.name != "__pycache__") == ["workreg"]


def test_a_clone_runs_from_its_source_root_without_installing(tmp_path):
    """engine/ is the source root: with it first on the path, `workreg` is engine/workreg and finds policies/."""
    script = ("import workreg, workreg.resources as r; "
              "print(workreg.__file__); print(r.shipped_policies()); "
              "print(workreg.decide('dsp4003@1.2.0', ['removal']).approvers)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "engine"), "WORKREG_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    package, policies, approvers = result.stdout.splitlines()
    assert Path(package) == ROOT / "engine" / "workreg" / "__init__.py"
    assert Path(policies) == ROOT / "policies"
    assert approvers == "('board',)"


def test_license_is_an_spdx_string_with_a_file():
    project = _pyproject()["project"]
    assert project["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").is_file() and "BSD 3-Clause" in (ROOT / "LICENSE").read_text()


def _run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """An sdist and a wheel built from this checkout, and a wheel built from the sdist (as pip does)."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the checkout")
    out = tmp_path_factory.mktemp("dist")
    log = _run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)], ROOT)
    sdist = next(out.glob("*.tar.gz"))
    wheel = next(out.glob("*.whl"))
    from_sdist = tmp_path_factory.mktemp("from-sdist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
          "-w", str(from_sdist), str(sdist)], out)
    return {"sdist": sdist, "wheel": wheel, "wheel_from_sdist": next(from_sdist.glob("*.whl")),
            "log": log.stdout + log.stderr}


def _wheel_files(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if ".dist-info/" not in name}


def test_wheel_and_sdist_carry_the_policies_and_nothing_named_engine(built):
    files = _wheel_files(built["wheel"])
    for data in ("workreg/policies/dsp4003/1.2.0.yaml", "workreg/policies/dsp4003/1.1.yaml",
                 "workreg/policies/dsp4003/1.0.yaml", "workreg/policies/vocabulary/dmtf.yaml",
                 "workreg/policies/schema.json", "workreg/__init__.py", "workreg/__main__.py"):
        assert data in files
    assert not any(name.startswith("engine/") for name in files)
    assert _wheel_files(built["wheel_from_sdist"]) == files, "the sdist must build the same wheel"
    with tarfile.open(built["sdist"]) as archive:
        names = archive.getnames()
    assert any(name.endswith("/LICENSE") for name in names)
    assert any(name.endswith("/policies/dsp4003/1.2.0.yaml") for name in names)
    # The sdist builds the package; tests whose fixtures and seeds it could not carry stay out.
    assert not [name for name in names if "/tests/" in name or "/features/" in name or "/bench/" in name]
    assert any(name.endswith("/docs/pypi.md") for name in names)


def test_the_build_prints_no_warning_of_ours(built):
    # setuptools' own notes about byte-compiling being disabled are not about our configuration.
    ours = [line for line in built["log"].splitlines()
            if ("warning" in line.lower() or "deprecat" in line.lower()) and "byte-compiling" not in line]
    assert ours == []


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel built from the sdist installed (not editable)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
          f"{built['wheel_from_sdist']}[bdd]"], env_dir, timeout=600)
    return env_dir


def _clean_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKREG_", "PYTHON"))}
    env["WORKREG_CACHE_DIR"] = str(tmp / "cache")
    env["HOME"] = str(tmp)
    return env


def test_the_installed_wheel_works_from_any_directory(installed, tmp_path):
    bin_dir = installed / "bin"
    env = _clean_env(tmp_path)
    workreg = str(bin_dir / "workreg")
    approvals = json.loads(_run([workreg, "approvals", "scope_extension", "--format", "json"], tmp_path, env).stdout)
    assert approvals["policy"] == "dsp4003@1.2.0"
    assert {item["approver"] for item in approvals["required"]} >= {"board", "alliance_partner"}
    policies = json.loads(_run([workreg, "policies", "--format", "json"], tmp_path, env).stdout)
    assert [row["policy"] for row in policies] == ["dsp4003@1.0", "dsp4003@1.1", "dsp4003@1.2.0", "rfc@1.0", "rfc@2.0"]
    assert all("site-packages" in row["path"] for row in policies)
    # The second family ships with its source documents, and answers like the first.
    rfc = Path(next(row["path"] for row in policies if row["policy"] == "rfc@2.0"))
    assert (rfc.parent / "source-2.0.md").is_file()
    answer = json.loads(_run([workreg, "approvals", "--policy", "rfc@2.0", "withdrawal", "--format", "json"],
                             tmp_path, env).stdout)
    assert answer["policy"] == "rfc@2.0" and answer["required"] == []
    register = tmp_path / "register.txt"
    shutil.copy(ROOT / "tests" / "fixtures" / "registers" / "esa-1.1.txt", register)
    lint = subprocess.run([workreg, "lint", str(register), "--today", "2026-11-21"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert lint.returncode in (0, 1) and "Traceback" not in lint.stderr, lint.stderr
    if shutil.which("dot"):
        _run([workreg, "render", "dsp4003@1.2.0", "-o", "x.svg"], tmp_path, env)
        assert (tmp_path / "x.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    module = _run([str(bin_dir / "python"), "-m", "workreg", "approvals", "removal"], tmp_path, env)
    assert "DMTF Board of Directors" in module.stdout
    api = _run([str(bin_dir / "python"), "-c",
                "import workreg; print(workreg.decide('dsp4003@1.2.0', ['removal']).approvers)"], tmp_path, env)
    assert api.stdout.strip() == "('board',)"
    missing = subprocess.run([str(bin_dir / "python"), "-c", "import engine"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "No module named 'engine'" in missing.stderr


def test_the_installed_plugin_runs_a_feature_after_the_opt_in_line(installed, tmp_path):
    (tmp_path / "updates.feature").write_text(FEATURE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nworkreg = true\n")
    result = subprocess.run([str(installed / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=tmp_path, env=_clean_env(tmp_path), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


SCRATCH_STEPS = '''\
from pytest_bdd import given, parsers, scenarios, then, when

from engine.core import add

scenarios("calc.feature")


@given(parsers.parse("the number {n:d}"), target_fixture="numbers")
def numbers(n):
    return [n]


@when(parsers.parse("I add {n:d}"))
def add_number(numbers, n):
    numbers.append(n)


@then(parsers.parse("the total is {total:d}"))
def total_is(numbers, total):
    assert add(*numbers) == total
'''


def _scratch_project(root: Path) -> Path:
    """A project of someone else's: its own `engine/` package, a pytest-bdd feature and its steps."""
    (root / "engine").mkdir(parents=True)
    (root / "engine" / "__init__.py").write_text("")
    (root / "engine" / "core.py").write_text("def add(*numbers):\n    return sum(numbers)\n")
    (root / "tests").mkdir()
    (root / "tests" / "calc.feature").write_text(textwrap.dedent("""\
        Feature: Adding
          Scenario: Two numbers
            Given the number 2
            When I add 3
            Then the total is 5
        """))
    (root / "tests" / "test_calc.py").write_text(SCRATCH_STEPS)
    (root / "tests" / "test_core.py").write_text("from engine.core import add\n\n\ndef test_add():\n"
                                                 "    assert add(1, 2) == 3\n")
    (root / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    return root


@pytest.mark.parametrize("where", ["editable", "wheel"])
def test_a_project_with_its_own_engine_package_is_unaffected(where, request, tmp_path):
    python = sys.executable if where == "editable" else str(request.getfixturevalue("installed") / "bin" / "python")
    project = _scratch_project(tmp_path / "project")
    env = _clean_env(tmp_path)
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with_workreg = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    without = subprocess.run(command + ["-p", "no:workreg"], cwd=project, env=env, capture_output=True, text=True)
    assert with_workreg.returncode == 0, with_workreg.stdout + with_workreg.stderr
    assert "2 passed" in with_workreg.stdout
    assert without.returncode == 0 and "2 passed" in without.stdout


def test_the_seeds_register_lints_through_the_public_api():
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is absent")
    import workreg

    findings = workreg.lint_register(SEEDS / "work-register-ocp-1.2.txt")
    assert all(finding.file.endswith("work-register-ocp-1.2.txt") for finding in findings)


def test_a_missing_pytest_bdd_never_breaks_pytest_start_up(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "pytest_bdd.py").write_text("raise ImportError('pytest-bdd is not installed')\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_x.py").write_text("def test_x():\n    pass\n")
    env = {**_clean_env(tmp_path), "PYTHONPATH": str(blocker)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:pytest-bdd"]
    plain = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert plain.returncode == 0 and "1 passed" in plain.stdout, plain.stdout + plain.stderr
    opted_in = subprocess.run(command + ["-o", "workreg=true"], cwd=project, env=env, capture_output=True, text=True)
    assert opted_in.returncode != 0
    assert "workreg: the Gherkin steps need pytest-bdd" in opted_in.stdout + opted_in.stderr
    assert "Traceback" not in opted_in.stdout + opted_in.stderr
