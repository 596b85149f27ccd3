"""Shared fixtures: paths of the purpose-written fixture documents and of the real seed registers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "registers"
GOLDEN = REPO / "tests" / "golden"
SEEDS = REPO / ".." / "shared" / "seeds"
TODAY_OF_SEED_EXPECTATIONS = "2026-11-21"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seeds() -> Path:
    """The real work registers, shared outside the repository; skip when they are not there."""
    if not (SEEDS / "work-register-ocp-1.2.txt").is_file():
        pytest.skip(f"real seed registers not found at {SEEDS.resolve()}")
    return SEEDS
