"""workreg's Gherkin plugin: collects ``.feature`` files and provides the step library.

Loaded only when a project opts in (see :mod:`workreg.bdd.optin`): ``workreg = true`` in its
pytest configuration, or ``pytest_plugins = ["workreg.bdd.plugin"]`` in a conftest.py.  Then a
folder holding ``.feature`` files and policy YAML runs under plain ``pytest`` with no Python of
its own.  ``--workreg-coverage FILE`` writes the clauses the Then steps checked (for ``workreg
coverage``).
"""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from workreg.bdd.steps import *  # noqa: F401,F403 - the step fixtures must live in the plugin's namespace
from workreg.bdd.steps import COVERAGE_RECORD, FEATURE_FILE, workreg  # noqa: F401
from workreg.bdd.analysis_steps import *  # noqa: F401,F403 - properties over every combination

if TYPE_CHECKING:
    from pytest_bdd.parser import Feature, ScenarioTemplate, Step


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("workreg_coverage", None):
        config.stash[COVERAGE_RECORD] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    target = config.getoption("workreg_coverage", None)
    record = config.stash.get(COVERAGE_RECORD, None)
    if target and record is not None:
        covered = sorted({(ref, section) for ref, section in record})
        Path(target).write_text(
            json.dumps([{"policy": ref, "section": section} for ref, section in covered], indent=2) + "\n",
            encoding="utf-8",
        )


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Feature, scenario: ScenarioTemplate) -> None:
    request.node.stash[FEATURE_FILE] = feature.filename


class UndefinedStep(Exception):
    """A feature step no step definition matches."""


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Feature, scenario: ScenarioTemplate,
                                       step: Step, exception: Exception) -> None:
    """Replace pytest-bdd's bare "Step definition is not found" with where to look: ``workreg steps``."""
    import difflib

    from workreg.bdd.steps import VOCABULARY

    examples = [doc.example for doc in VOCABULARY if doc.keyword == step.type.capitalize()] or \
        [doc.example for doc in VOCABULARY]
    said = f"{step.keyword} {step.name}"
    close = difflib.get_close_matches(said, examples, n=1, cutoff=0.5)
    hint = f" The closest step is like: {close[0]}." if close else ""
    raise UndefinedStep(
        f"{feature.filename}:{step.line_number}: undefined-step: no workreg step matches '{said}'.{hint} "
        "Run 'workreg steps' for the step vocabulary."
    ) from exception


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> FeatureFile | None:
    if file_path.suffix == ".feature":
        return FeatureFile.from_parent(parent, path=file_path)
    return None


class FeatureFile(pytest.Module):
    """A ``.feature`` file collected as a module whose tests are its scenarios."""

    def _getobj(self) -> types.ModuleType:
        from pytest_bdd import feature as bdd_feature

        module = types.ModuleType(f"workreg_feature_{self.path.stem}")
        module.__file__ = str(self.path)
        # Register the feature's tags as markers so pytest does not warn about unknown marks.
        parsed = bdd_feature.get_feature(str(self.path.parent), self.path.name)
        tags = set(parsed.tags)
        for scenario in parsed.scenarios.values():
            tags |= scenario.tags
            for examples in scenario.examples:
                tags |= set(examples.tags)
        for tag in sorted(tags):
            self.config.addinivalue_line("markers", f"{tag}: Gherkin tag")
        code = compile(
            "from pytest_bdd import scenarios\nscenarios(PATH, features_base_dir=BASE)\n", str(self.path), "exec"
        )
        namespace = module.__dict__
        namespace.update(PATH=str(self.path), BASE=str(self.path.parent))
        exec(code, namespace)  # scenarios() puts one test function per scenario into the namespace
        return module
