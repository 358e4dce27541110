"""Crash hygiene: an import killed (SIGKILL) at random points leaves the store exactly as it
was, its temp files are swept at the next start, the history says it was interrupted, and
the next import completes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics import store
from tests.conftest import FIXTURES
from tests.taobao_export import order, write_export

ROOT = Path(__file__).resolve().parents[1]
TRIALS = 6
ORDERS = 50_000
TABLES = ("orders", "order_items", "customers", "customer_profiles", "settings", "meta")


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    """A 50,000-order GB18030 Taobao export (transcoded in a scratch folder on import)."""
    rows = [
        order(
            f"9{i:09d}",
            f"buyer{i % 20_000}",
            time=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00:00",
            paid=f"{50 + i % 300}.00",
        )
        for i in range(ORDERS)
    ]
    return write_export(tmp_path_factory.mktemp("crash") / "big.csv", rows)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(db: Path) -> dict[str, list]:
    with store.reading(db) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _owned(db: Path) -> list[str]:
    folder = db.parent / ".laoke-tmp"
    return (
        sorted(p.name for p in folder.iterdir() if p.name.startswith(db.name + "."))
        if folder.exists()
        else []
    )


def _kill_import_midway(db: Path, export: Path, delay: float) -> bool:
    """Start a CLI import and SIGKILL it ``delay`` seconds after its journal appears (after
    ``delay`` seconds from its start when the journal never does). True if it was killed."""
    proc = subprocess.Popen(
        # --skip-scores: the import alone (the scores are a write of their own after it)
        [
            sys.executable,
            "-m",
            "analytics",
            "import",
            str(export),
            "--db",
            str(db),
            "--skip-scores",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    while time.monotonic() - started < 60 and proc.poll() is None:
        if any(name.endswith(".journal") for name in _owned(db)):
            break
        if delay < 0.5 and time.monotonic() - started >= delay:
            break  # a kill before the import even began
        time.sleep(0.02)
    time.sleep(delay if delay >= 0.5 else 0)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    return killed


def test_a_killed_import_leaves_the_store_as_it_was_and_is_recorded_as_interrupted(
    tmp_path, big_export
):
    db = tmp_path / "shop.duckdb"
    assert _cli("import", str(FIXTURES / "taobao_small.csv"), "--db", str(db)).returncode == 0
    # Kill points spread over the import's own duration (measured once on a copy: it is
    # 2 s on an idle machine and much longer on a loaded one), so most kills land mid-way.
    timing = tmp_path / "timing.duckdb"
    timing.write_bytes(db.read_bytes())
    started = time.monotonic()
    assert _cli("import", str(big_export), "--db", str(timing), "--skip-scores").returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(11)
    delays = [0.2, *(max(0.5, rng.uniform(0.1, 0.8) * duration) for _ in range(TRIALS - 1))]
    crashes = 0
    finished = False  # a kill that landed after the swap: that import is whole
    for delay in delays:
        before_file = _sha(db)
        before = _tables(db)
        interrupted = _history(db).count("interrupted")
        killed = _kill_import_midway(db, big_export, delay)
        if not killed or _sha(db) != before_file:
            # It finished before the kill landed: then it is whole, never half.
            assert "imported" in _history(db)[:2]
            assert _owned(db) == []
            finished = True
            continue
        crashes += 1
        # The next start (a report in a new process) sweeps what the killed import left.
        history = _history(db)
        assert _owned(db) == [], f"left after the sweep (delay {delay:.2f} s)"
        assert _tables(db) == before
        if delay >= 0.5:  # the journal existed: the killed import is in the history
            assert history.count("interrupted") == interrupted + 1
    assert crashes >= TRIALS // 2, "too few kills landed while the import ran"
    done = _cli("import", str(big_export), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert f"{ORDERS} {'unchanged' if finished else 'inserted'}" in done.stdout
    assert _owned(db) == []


def _history(db: Path) -> list[str]:
    done = _cli("report", "imports", "--db", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    return [row["outcome"] for row in json.loads(done.stdout)]


def test_an_interrupted_import_cannot_be_undone(tmp_path):
    db = tmp_path / "shop.duckdb"
    with store.writing(db):
        pass
    journal = db.parent / ".laoke-tmp" / f"{db.name}.999999.1.journal"
    journal.write_text(
        json.dumps({"file_name": "x.csv", "kind": "orders", "started_at": "2026-01-01T10:00:00"}),
        encoding="utf-8",
    )
    (db.parent / ".laoke-tmp" / f"{db.name}.999999.1.duckdb").write_bytes(b"half a copy")
    assert store.running_imports(db) == []  # the lock is free: the writer is gone
    assert _owned(db) == []
    with store.reading(db) as con:
        row = con.execute(
            "SELECT import_id, file_name, outcome, finished_at FROM imports"
        ).fetchone()
    assert row[1:] == ("x.csv", "interrupted", None)
    done = _cli("undo", str(row[0]), "--db", str(db))
    assert done.returncode == 2 and "it was interrupted" in done.stderr
