"""Fixtures of the page tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo shop's database, for a test that writes to it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


#: The files a shop owner would upload for the real-shaped store: a small Taobao 订单报表,
#: every platform's as-exported fixture, and a 抖店 export of encrypted buyers.
REAL_SHAPED_FILES = (
    FIXTURES / "taobao_small.csv",
    *sorted((FIXTURES / "platforms").glob("*_as_exported.csv")),
    FIXTURES / "identity" / "douyin_encrypted.csv",
)


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """A store built as a shop owner builds one: ``python -m analytics import`` of
    REAL_SHAPED_FILES (copy it before writing)."""
    path = tmp_path_factory.mktemp("real") / "shop.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "import", "--db", str(path),
         *map(str, REAL_SHAPED_FILES)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return path
