"""Sharing the database: the CLI beside an open dashboard, two writers, backups and restore,
the import history's timestamps (analytics/sharing.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from analytics import store
from analytics.cli import main
from analytics.errors import InputError
from analytics.importers import import_orders
from tests.conftest import FIXTURES
from tests.pages.apptest import dashboard

ROOT = Path(__file__).resolve().parents[1]
SMALL = FIXTURES / "taobao_small.csv"


def cli(*args: str, wait: float = 30.0, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m analytics ARGS`` in a process of its own."""
    env = {**os.environ, "LAOKE_WAIT": str(wait)}
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def orders(path) -> int:
    with store.reading(path) as con:
        return con.execute("SELECT count(*) FROM orders").fetchone()[0]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "shop.duckdb"
    with store.writing(path):
        pass
    return path


def test_cli_import_succeeds_while_the_dashboard_is_open_and_the_next_run_shows_it(db, monkeypatch):
    at = dashboard(db, monkeypatch)
    at.run()
    assert not at.exception
    assert at.session_state["laoke_context"].empty
    done = cli("import", str(SMALL), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "8 inserted" in done.stdout
    # AppTest reruns only the page, not app.py's sidebar: a new page view runs both.
    again = dashboard(db, monkeypatch)
    again.run()
    assert not again.exception
    assert not again.session_state["laoke_context"].empty


def test_a_reader_keeps_its_generation_and_a_fresh_reader_sees_the_new_orders(db):
    held = store.open_reader(db)
    try:
        done = cli("import", str(SMALL), "--db", str(db))
        assert done.returncode == 0, done.stderr
        assert held.con.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
        assert orders(db) == 8
    finally:
        held.con.close()


def _hold_write(db: Path, entered: threading.Event, release: threading.Event, **kwargs):
    with store.writing(db, **kwargs) as con:
        entered.set()
        release.wait(60)
        con.execute("INSERT INTO settings VALUES ('held', 'yes')")


def test_a_second_writer_waits_for_the_first_then_succeeds(db):
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write, args=(db, entered, release))
    holder.start()
    assert entered.wait(30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "analytics", "import", str(SMALL), "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()  # printed while it waits
        assert "waiting for the database" in line
    finally:
        release.set()
        holder.join(60)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "8 inserted" in out
    with store.reading(db) as con:
        assert con.execute("SELECT value FROM settings WHERE name = 'held'").fetchone() == ("yes",)
    assert orders(db) == 8


def test_a_writer_that_waits_too_long_exits_two_with_a_clear_message(db):
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write, args=(db, entered, release))
    holder.start()
    try:
        assert entered.wait(30)
        done = cli("import", str(SMALL), "--db", str(db), wait=0.5)
    finally:
        release.set()
        holder.join(60)
    assert done.returncode == 2
    assert "another LaoKe process" in done.stderr and str(db) in done.stderr
    assert "Traceback" not in done.stderr
    assert orders(db) == 0


def test_store_busy_is_an_input_error_naming_the_file(db):
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write, args=(db, entered, release))
    holder.start()
    try:
        assert entered.wait(30)
        waited = []
        with (
            pytest.raises(store.StoreBusy, match="another LaoKe process") as busy,
            store.writing(db, wait=0.3, on_wait=waited.append),
        ):
            pass
    finally:
        release.set()
        holder.join(60)
    assert isinstance(busy.value, InputError) and str(db) in str(busy.value)
    assert waited and max(waited) < 0.3


def test_a_failed_write_changes_nothing(db):
    before = Path(db).read_bytes()
    with pytest.raises(RuntimeError), store.writing(db) as con:
        con.execute("INSERT INTO settings VALUES ('x', '1')")
        raise RuntimeError("stop")
    assert Path(db).read_bytes() == before
    assert not list((db.parent / ".laoke-tmp").iterdir())


def test_a_refused_import_is_still_logged(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert cli("import", str(bad), "--db", str(db)).returncode == 2
    with store.reading(db) as con:
        assert con.execute("SELECT outcome FROM imports").fetchall() == [("refused",)]


def test_the_dashboard_says_importing_while_an_import_runs(db, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_hold_write, args=(db, entered, release), kwargs={"import_of": "big.csv"}
    )
    holder.start()
    try:
        assert entered.wait(30)
        assert [r.file_name for r in store.running_imports(db)] == ["big.csv"]
        at = dashboard(db, monkeypatch, lang="en")
        at.run()
        assert not at.exception
        assert any("Importing… (big.csv" in info.value for info in at.info)
    finally:
        release.set()
        holder.join(60)
    assert store.running_imports(db) == []


def test_finished_at_is_the_commit_time(db, monkeypatch):
    from analytics.importers import orders as orders_module

    inside = []
    refresh = orders_module.customers.refresh

    def slow_refresh(con, **kwargs):
        refresh(con, **kwargs)
        inside.append(datetime.now())

    monkeypatch.setattr(orders_module.customers, "refresh", slow_refresh)
    with store.writing(db, import_of=SMALL.name) as con:
        import_orders(con, SMALL)
    with store.reading(db) as con:
        started, finished = con.execute("SELECT started_at, finished_at FROM imports").fetchone()
    assert inside and finished >= max(inside) >= started


def test_only_the_last_n_backups_are_kept(db, monkeypatch, tmp_path):
    monkeypatch.setenv("LAOKE_BACKUPS", "2")
    for n in range(3):
        with store.writing(db, import_of=f"file{n}.csv") as con:
            con.execute("INSERT INTO settings VALUES (?, '1')", [f"s{n}"])
    kept = store.backups(db)
    assert [b.before for b in kept] == ["import file2.csv", "import file1.csv"]
    assert all(b.size > 0 for b in kept)
    with store.writing(db) as con:  # not an import: no backup
        con.execute("INSERT INTO settings VALUES ('s3', '1')")
    assert len(store.backups(db)) == 2


def test_restore_brings_a_backup_back(db):
    assert cli("import", str(SMALL), "--db", str(db)).returncode == 0
    assert orders(db) == 8
    listed = cli("backups", "--db", str(db))
    assert listed.returncode == 0 and "import taobao_small.csv" in listed.stdout
    done = cli("restore", "--latest", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert orders(db) == 0
    # The file it replaced became the newest backup: restoring that undoes the restore.
    assert store.backups(db)[0].before.startswith("restore ")
    store.restore(db, store.backups(db)[0].name)
    assert orders(db) == 8


def test_restore_refuses_a_backup_that_does_not_exist(db):
    done = cli("restore", "nope.duckdb", "--db", str(db))
    assert done.returncode == 2
    assert "no backup named 'nope.duckdb'" in done.stderr and "Traceback" not in done.stderr
    assert cli("restore", "--latest", "--db", str(db)).returncode == 2


def test_reports_read_a_database_the_dashboard_has_open(db, monkeypatch):
    assert cli("import", str(SMALL), "--db", str(db)).returncode == 0
    at = dashboard(db, monkeypatch)
    at.run()
    held = store.open_reader(db)
    try:
        done = cli("report", "kpis", "--db", str(db), "--format", "json")
        assert done.returncode == 0, done.stderr
        assert '"valid_orders": 5' in done.stdout
        assert main(["report", "kpis", "--db", str(db)]) == 0
    finally:
        held.con.close()


def test_page_runs_share_one_reader_per_generation_and_a_write_retires_it(db, monkeypatch):
    """ui.state: runs of every session read through one connection per file generation
    (no open/close per page view); after a write the next run reads the new generation and
    the old connection closes once no run still reads it."""
    from ui import state

    monkeypatch.setenv("LAOKE_DB", str(db))
    con = state.cursor()
    first = state._reader()
    assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
    state.end_run()
    state.cursor()
    assert state._reader() is first  # the next run reuses it: nothing reopened
    state.end_run()
    held = state.cursor()  # a run still reading the old generation …
    assert state._reader() is first
    with store.writing(db) as con:  # … while an import commits a new one
        import_orders(con, SMALL)
    assert held.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
    state.end_run()
    fresh = state.cursor()
    assert state._reader() is not first
    assert state._reader().generation == store.generation(db)
    assert fresh.execute("SELECT count(*) FROM orders").fetchone()[0] == 8
    with pytest.raises(Exception, match="closed"):
        first.con.execute("SELECT 1")  # nobody reads the old generation any more
    state.end_run()


def test_results_cached_for_a_retired_generation_are_dropped(db, monkeypatch):
    """Once no run reads a generation, what was cached for it goes: after each import of a
    big shop the previous version's lists would otherwise stay in the server's memory."""
    from analytics import kpis
    from ui import state

    monkeypatch.setenv("LAOKE_DB", str(db))
    state.cached(kpis.kpis)
    old = state.generation()
    state.end_run()
    assert any(key[2] == old for key in state._RESULTS._values)
    with store.writing(db) as con:
        import_orders(con, SMALL)
    assert state.cached(kpis.kpis).valid_orders == 5  # the next run, the new generation
    state.end_run()  # the old generation's reader closes here
    assert not any(key[2] == old for key in state._RESULTS._values)
    assert any(key[2] == store.generation(db) for key in state._RESULTS._values)


def test_a_cli_import_lands_with_its_scores_in_one_write(db, monkeypatch):
    """The new orders and their scores and page views are committed together: an open
    dashboard never sees new orders without their figures (it would compute them on every
    page view of every session until a second write stored them)."""
    from analytics import scores
    from analytics.cli import imports

    before = store.generation(db)
    seen = []
    original = imports._rebuild_scores

    def scoring(con):
        seen.append(store.generation(db))  # what readers see while the scores are built
        original(con)

    monkeypatch.setattr(imports, "_rebuild_scores", scoring)
    assert main(["import", str(SMALL), "--db", str(db)]) == 0
    assert seen == [before]  # the import had not been committed yet: one write for both
    assert store.generation(db) != before
    with store.reading(db) as con:
        assert scores.is_current(con)
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 8


def _contents(con) -> dict:
    """Every table's rows, and the views' names (key ``views``)."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    contents = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1")
    return {**contents, "views": views.fetchall()}


def test_a_write_leaving_most_of_the_file_free_swaps_in_a_compact_copy(db):
    with store.writing(db) as con:  # many orders: whole row groups of them
        con.execute(
            "INSERT INTO orders (platform, shop, order_id, customer_id, order_time, status, "
            "amount, import_id) SELECT 'taobao', '店', 'o' || i, 'b' || (i % 5000), "
            "TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND, 'completed', i % 300, 1 "
            "FROM range(600000) t(i)"
        )
    big = db.stat().st_size
    with store.writing(db) as con:
        con.execute("DELETE FROM orders WHERE order_time >= TIMESTAMP '2024-01-02'")
        con.execute("SELECT nextval('import_ids')")
    with store.reading(db) as con:
        kept = _contents(con)
    assert db.stat().st_size < big / 4
    assert ("valid_orders",) in kept["views"]
    assert not list((db.parent / ".laoke-tmp").glob("*.duckdb*"))
    assert len(kept["orders"]) == 86400  # the first day's seconds
    # The compact copy holds the same rows, views and sequence values.
    with store.writing(db) as con:
        assert con.execute("SELECT nextval('import_ids')").fetchone()[0] == 2
    with store.reading(db) as con:
        assert _contents(con) == kept


def test_a_write_that_migrates_the_database_swaps_in_a_compact_copy(tmp_path):
    from tests.test_store import _database_at_version

    db = tmp_path / "v10.duckdb"
    _database_at_version(db, 10)
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO orders (platform, shop, order_id, customer_id, phone, order_time, status, "
        "amount, import_id) SELECT 'taobao', '店', '1600' || (i * 7919), 'b' || (i % 90000), "
        "'138' || (i % 99991), TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND, 'completed', "
        "i % 300, 1 FROM range(600000) t(i)"
    )
    con.execute("CHECKPOINT")
    rows = con.execute("SELECT * FROM orders ORDER BY ALL").fetchall()
    con.close()
    before = db.stat().st_size

    with store.writing(db):  # V11 rebuilds the orders, then the copy leaves the old blocks
        pass

    with store.reading(db) as con:
        used, free = con.execute(
            "SELECT used_blocks, free_blocks FROM pragma_database_size() "
            "WHERE database_name = current_database()"
        ).fetchone()
        assert con.execute("SELECT * FROM orders ORDER BY ALL").fetchall() == rows
    assert free <= used // 10  # not copied: the old orders stay as 40 free blocks to 57 used
    assert db.stat().st_size < before * 2
