"""Shared test fixtures. Module-specific fixtures live in their own test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
CORPUS = Path(__file__).resolve().parent / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


def example(name: str) -> Path:
    path = EXAMPLES / name
    assert path.exists(), path
    return path
