"""The pytest entry point (``pytest11: workreg``): does nothing unless a project opts in.

Installing workreg must not change anyone else's pytest run, so this module imports nothing of
pytest-bdd and collects nothing.  It only declares the opt-in switch and the coverage option;
when a project opts in (``workreg = true`` under ``[pytest]``/``[tool.pytest.ini_options]``, or
``-o workreg=true``, or ``--workreg-coverage``), it loads :mod:`workreg.bdd.plugin`, which collects
``.feature`` files and provides workreg's steps.  A conftest line, ``pytest_plugins =
["workreg.bdd.plugin"]``, opts in as well.
"""

from __future__ import annotations

import pytest

PLUGIN = "workreg.bdd.plugin"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "workreg", type="bool", default=False,
        help="opt in to workreg's Gherkin steps: collect .feature files and run them with workreg's step library",
    )
    group = parser.getgroup("workreg")
    group.addoption(
        "--workreg-coverage", metavar="FILE", default=None,
        help="write the policy clauses the scenarios checked to FILE (JSON), for 'workreg coverage' (opts in)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not (config.getini("workreg") or config.getoption("workreg_coverage", None)):
        return
    if config.pluginmanager.has_plugin(PLUGIN):
        return
    try:
        import pytest_bdd  # noqa: F401 - checked here so that its absence is one clear line
    except ImportError as exc:
        raise pytest.UsageError(
            f"workreg: the Gherkin steps need pytest-bdd ({exc}); install it with \"pip install 'workreg[bdd]'\""
        ) from exc
    config.pluginmanager.import_plugin(PLUGIN)
