"""Shared fixtures: a fresh store, and the demo shop built once per session."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from analytics import store

FIXTURES = Path(__file__).parent / "fixtures"
#: Copies today's customer summary rows (attached database ``scratch``) into a database
#: older than V10, whose summary has two more columns (values any, V10 drops them).
OLD_CUSTOMERS_INSERT = (
    "INSERT INTO customers BY NAME SELECT *, valid_orders AS occasions, "
    "NULL AS second_order_time FROM scratch.customers"
)
#: The demo shop's last day in tests (fixed, so answers do not move with the calendar).
DEMO_END = date(2026, 10, 31)


@pytest.fixture
def con():
    connection = store.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database file holding the demo shop (built once; copy it before writing)."""
    from analytics.demo import load_demo_shop

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    connection = store.connect(path)
    load_demo_shop(connection, end=DEMO_END)
    connection.close()
    return path


@pytest.fixture
def demo_con(demo_db, tmp_path):
    """A private writable copy of the demo shop."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    connection = store.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def scored_db(demo_db, tmp_path_factory) -> Path:
    """The demo shop with its per-customer scores and stored views built, as an import
    leaves it (built once; copy it before writing)."""
    from analytics import scores

    path = tmp_path_factory.mktemp("scored") / "demo.duckdb"
    shutil.copy(demo_db, path)
    connection = store.connect(path)
    scores.rebuild(connection)
    connection.close()
    return path


@pytest.fixture
def scored_copy(scored_db, tmp_path) -> Path:
    """A private copy of ``scored_db``, for a test that writes to it."""
    path = tmp_path / "scored.duckdb"
    shutil.copy(scored_db, path)
    return path
