"""Fixtures of the page tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo shop's database, for a test that writes to it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path
