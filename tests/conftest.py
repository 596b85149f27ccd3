"""Shared fixtures: paths, the seeds folder, and a cache directory private to the test run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"
SHIPPED_POLICY = ROOT / "policies" / "dsp4003" / "1.2.0.yaml"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Compiled tables go to a fresh directory so tests never read a stale user cache."""
    previous = os.environ.get("WORKREG_CACHE_DIR")
    os.environ["WORKREG_CACHE_DIR"] = str(tmp_path_factory.mktemp("workreg-cache"))
    yield
    if previous is None:
        os.environ.pop("WORKREG_CACHE_DIR", None)
    else:
        os.environ["WORKREG_CACHE_DIR"] = previous


@pytest.fixture
def seeds() -> Path:
    """The real DSP4003 text and work registers, beside the project; skip where absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"source documents not found at {SEEDS} (they live in ../shared/seeds/)")
    return SEEDS


@pytest.fixture(scope="session")
def dsp4003():
    """The compiled shipped DSP4003 1.2.0 policy."""
    from workreg.policy.registry import get_policy

    return get_policy("dsp4003@1.2.0")


def parser_leaves(parser, path=()):
    """(command path, its parser) for every command of a workreg parser that takes no subcommand."""
    subcommands = parser._subcommands()  # noqa: SLF001 - the parser's own helper
    if not subcommands:
        yield path, parser
        return
    for name, sub in subcommands.items():
        yield from parser_leaves(sub, path + (name,))
