"""Sharing the database file between processes: copy-on-write generations.

DuckDB lets one process open a file read-write, or many processes open it read-only, never
both; and its Python ``duckdb.connect`` keeps one instance per path string and process. So
no LaoKe process holds the shop's file, and none writes it in place:

- ``writing()`` takes an exclusive lock on ``<db>.lock`` (waiting a bounded time, then
  ``StoreBusy``), copies the file to a temp file beside it (``.laoke-tmp/``), lets the caller
  write the copy, then checkpoints, fsyncs and swaps it in with ``os.replace``: atomic, so
  an exception, a crash or ``kill -9`` at any point leaves the previous file as it was.
  Before an import's swap the previous file is hard-linked into ``backups/`` (the last
  ``backups_kept()`` are kept); ``restore`` brings one back.
- ``reading()`` opens the current file read-only through a hard link named for its
  generation (``.laoke-read/<name>.<inode>.<mtime_ns>.duckdb``), so the instance cache never
  serves an older generation and a reader never blocks a writer: a page keeps reading the
  generation it opened while an import writes the next one.
- The next writer (or the first reader that finds the lock free) sweeps what a killed
  process left: temp files and scratch folders beside the database, and import journals
  (``.laoke-tmp/<name>.<pid>.<n>.journal``), each recorded as an ``interrupted`` import.

Every file this module makes beside ``<name>`` is named ``<name>.<pid>.<n>.<what>``, so the
sweep of one database never touches another's.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from analytics.errors import ImportRefused, InputError
from analytics.store import (
    SCHEMA_VERSION,
    configured,
    db_path,
    identifier,
    memory_cap,
    migrate,
    schema_version,
)

#: Seconds a write waits for another process's write before giving up (``$LAOKE_WAIT``).
DEFAULT_WAIT = 30.0
#: Backups kept before imports (``$LAOKE_BACKUPS``).
DEFAULT_BACKUPS = 5
TMP_DIR = ".laoke-tmp"
READ_DIR = ".laoke-read"
BACKUP_DIR = "backups"
_POLL = 0.1
_counter = itertools.count(1)
_swept: set[Path] = set()
_swept_lock = threading.Lock()


class StoreBusy(InputError):
    """Another LaoKe process kept the database busy for longer than the write could wait."""


@dataclass(frozen=True)
class Reader:
    """A read-only connection on one generation of the database file."""

    con: duckdb.DuckDBPyConnection
    generation: str  # "<inode>.<mtime_ns>" of the file it reads
    path: Path


@dataclass(frozen=True)
class Backup:
    """One backup of the database: ``name`` (what ``restore`` takes), when it was taken,
    its size in bytes and what it preceded (``before``: "import orders.csv", …)."""

    name: str
    created_at: datetime
    size: int
    before: str


@dataclass(frozen=True)
class RunningImport:
    """An import another (or this) process is running now, from its journal."""

    file_name: str
    kind: str
    started_at: datetime
    pid: int


@dataclass(frozen=True)
class _Layout:
    db: Path

    @property
    def lock(self) -> Path:
        return self.db.with_name(self.db.name + ".lock")

    @property
    def tmp_dir(self) -> Path:
        return self.db.parent / TMP_DIR

    @property
    def read_dir(self) -> Path:
        return self.db.parent / READ_DIR

    @property
    def backup_dir(self) -> Path:
        return self.db.parent / BACKUP_DIR

    def owned(self, entry: str) -> re.Match | None:
        """``<name>.<pid>.<n>.<what>`` of this database: (pid, n, what)."""
        return re.fullmatch(re.escape(self.db.name) + r"\.(\d+)\.(\d+)\.(.+)", entry)

    def new_temp(self, what: str) -> Path:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return self.tmp_dir / f"{self.db.name}.{os.getpid()}.{next(_counter)}.{what}"


def _layout(path) -> _Layout:
    target = db_path(path)
    if str(target) == ":memory:":
        raise InputError("a shared store needs a database file, not :memory:")
    return _Layout(target.resolve())


def wait_seconds() -> float:
    """How long a write waits for the lock: ``$LAOKE_WAIT`` seconds, else 30."""
    try:
        return float(os.environ.get("LAOKE_WAIT", DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT


def backups_kept() -> int:
    """How many backups are kept: ``$LAOKE_BACKUPS``, else 5 (at least 1)."""
    try:
        return max(1, int(os.environ.get("LAOKE_BACKUPS", DEFAULT_BACKUPS)))
    except ValueError:
        return DEFAULT_BACKUPS


# ----------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def _locked(lay: _Layout, wait: float, on_wait: Callable[[float], None] | None) -> Iterator[None]:
    """Hold the exclusive write lock of ``lay.db`` for the block (``StoreBusy`` after
    ``wait`` seconds). flock locks belong to an open file, so threads of one process
    exclude each other like processes do; the lock goes with the process when it dies."""
    lay.db.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lay.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    raise StoreBusy(
                        f"{lay.db}: another LaoKe process (an import, undo or settings change) "
                        f"is writing this database; waited {waited:.0f} s. Try again when it "
                        "has finished."
                    ) from None
                if on_wait:
                    on_wait(waited)
                time.sleep(min(_POLL, max(wait - waited, 0.0)))
        yield
    finally:
        os.close(fd)


def _lock_is_free(lay: _Layout) -> bool:
    if not lay.lock.exists():
        return True
    fd = os.open(lay.lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- writing


@contextlib.contextmanager
def writing(
    path: str | os.PathLike | None = None,
    *,
    wait: float | None = None,
    on_wait: Callable[[float], None] | None = None,
    import_of: str | None = None,
    kind: str = "orders",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection on a private copy of the database, swapped in when the block
    ends without an exception; otherwise nothing changes (see module docstring).

    ``wait`` seconds (default ``wait_seconds()``) for another writer, calling
    ``on_wait(seconds_waited)`` while waiting, then ``StoreBusy``. ``import_of`` names the
    file an import reads: a journal says so while it runs (``running_imports``; a killed
    one becomes an ``interrupted`` import) and the previous file is backed up before the
    swap. An ``ImportRefused`` leaving the block still commits: importers roll their data
    back and log the refusal before raising it.
    """
    lay = _layout(path)
    with _locked(lay, wait_seconds() if wait is None else wait, on_wait):
        _sweep_locked(lay)
        journal = _start_journal(lay, import_of, kind) if import_of else None
        try:
            backup = f"import {import_of}" if import_of else None
            with _new_generation(lay, backup=backup) as con:
                yield con
        finally:
            if journal:
                journal.unlink(missing_ok=True)


@contextlib.contextmanager
def _new_generation(lay: _Layout, *, backup: str | None = None) -> Iterator:
    """Copy, yield, checkpoint, swap: the caller holds the lock."""
    fresh = not lay.db.exists() or lay.db.stat().st_size == 0
    temp = lay.new_temp("duckdb")
    refused = compact = None
    try:
        if not fresh:
            _checkpoint_in_place(lay)
            _copy(lay.db, temp)
        con = configured(duckdb.connect(str(temp)))
        try:
            with memory_cap(con, _REWRITE_MEMORY):
                migrated = migrate(con) > 0 and not fresh
            try:
                yield con
            except ImportRefused as exc:
                refused = exc
            con.execute("CHECKPOINT")
            compact = _compacted(con, lay, migrated=migrated)
        finally:
            con.close()
        if compact:
            os.replace(compact, temp)
        _fsync(temp)
        if backup and not fresh:
            _backup(lay, backup)
        os.replace(temp, lay.db)
        _fsync(lay.db.parent)
        _drop_old_aliases(lay)
    finally:
        for leftover in (temp, Path(f"{temp}.wal"), compact, Path(f"{compact}.wal")):
            if leftover:
                leftover.unlink(missing_ok=True)
    if refused is not None:
        raise refused


#: A new generation is written again without its free space when it holds more free blocks
#: than this share of its used ones (a write that replaces the scores and stored views
#: leaves up to half as many free).
_SPARSE = 0.75
#: DuckDB's memory limit while migrating and copying a database (it spills beyond it).
#: Uncapped, the copy of a 1M-order store with its scores peaked at 1.3 GB (0.9 GB capped,
#: 20% slower) and a 10M-order store's upgrade at 1.9 GB (1.1 GB). Room for the largest
#: stored view, a BLOB held whole (every buyer: 250 MB at 3M orders).
_REWRITE_MEMORY = "1GB"


def _compacted(con, lay: _Layout, *, migrated: bool = False) -> Path | None:
    """A copy of ``con``'s database without its free blocks, after a migration (V11 rebuilt
    three tables) or when they are many (an undone big import): DuckDB reuses free blocks
    but keeps the file's size, and every later write copies the whole file (a 10M-order
    store after V11: 1.9 GB instead of 1.0 GB, 1.7-3.5 s a write instead of 1.0 s). None
    when there is no reason. ``COPY FROM DATABASE`` keeps the tables (with their
    constraints and compression), views and sequences with their values."""
    name, used, free = con.execute(
        "SELECT database_name, used_blocks, free_blocks FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchone()
    if not migrated and free <= used * _SPARSE:
        return None
    target = lay.new_temp("duckdb")
    con.execute("ATTACH ? AS compacted", [str(target)])
    try:
        with memory_cap(con, _REWRITE_MEMORY):
            con.execute(f"COPY FROM DATABASE {identifier(name)} TO compacted")
    finally:
        con.execute("DETACH compacted")
    return target


def _checkpoint_in_place(lay: _Layout) -> None:
    """A database last written in place (``store.connect``) may keep recent changes in its
    WAL; fold them into the file before copying it."""
    if not Path(f"{lay.db}.wal").exists():
        return
    try:
        con = configured(duckdb.connect(str(lay.db)))
    except duckdb.IOException as exc:
        raise StoreBusy(f"{lay.db}: another program holds this database open ({exc})") from None
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _copy(source: Path, target: Path) -> None:
    """Copy in the kernel (copy_file_range: a reflink where the file system has them)."""
    with open(source, "rb", buffering=0) as src, open(target, "wb", buffering=0) as dst:
        copy_range(src, dst, 0, os.fstat(src.fileno()).st_size)


def copy_range(src, dst, start: int, length: int) -> None:
    """Append bytes ``start``..``start + length`` of file ``src`` to file ``dst`` (both
    opened unbuffered), copied by the kernel where it can (``copy_file_range``), else read
    and written, from where the kernel stopped."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or a file system that cannot
        while length:
            copied = os.copy_file_range(src.fileno(), dst.fileno(), min(length, 1 << 30), start)
            if not copied:
                break
            start, length = start + copied, length - copied
    src.seek(start)
    while length:
        block = src.read(min(length, 16 << 20))
        if not block:
            break
        dst.write(block)
        length -= len(block)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- reading


def open_reader(path: str | os.PathLike | None = None) -> Reader:
    """A read-only connection on the current generation (the caller closes ``con``).

    A missing or empty database is first created (migrated, empty) through ``writing()``,
    as is an older schema migrated; neither waits long for another writer.
    """
    lay = _layout(path)
    _sweep_once(lay)
    for _ in range(20):
        if not lay.db.exists() or lay.db.stat().st_size == 0 or Path(f"{lay.db}.wal").exists():
            with writing(lay.db):
                pass
        try:
            alias, generation = _alias(lay)
            con = configured(duckdb.connect(str(alias), read_only=True))
        except (FileNotFoundError, duckdb.IOException):
            continue  # a writer swapped the file and dropped the alias meanwhile: again
        if schema_version(con) < SCHEMA_VERSION:
            con.close()
            with writing(lay.db):
                pass
            continue
        return Reader(con, generation, lay.db)
    raise StoreBusy(f"{lay.db}: the database changed too often to be read; try again")


@contextlib.contextmanager
def reading(path: str | os.PathLike | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on the current generation for the block (never blocks a
    writer; sees what was committed when it opened)."""
    reader = open_reader(path)
    try:
        yield reader.con
    finally:
        reader.con.close()


def generation(path: str | os.PathLike | None = None) -> str | None:
    """``<inode>.<mtime_ns>`` of the current database file (None when there is none)."""
    try:
        st = _layout(path).db.stat()
    except FileNotFoundError:
        return None
    return f"{st.st_ino}.{st.st_mtime_ns}"


def _alias(lay: _Layout) -> tuple[Path, str]:
    """The hard link that names the current generation (made when missing)."""
    lay.read_dir.mkdir(parents=True, exist_ok=True)
    link = lay.read_dir / f"{lay.db.name}.{os.getpid()}.{next(_counter)}.link"
    os.link(lay.db, link)
    try:
        st = link.stat()
        generation = f"{st.st_ino}.{st.st_mtime_ns}"
        alias = lay.read_dir / f"{lay.db.name}.{generation}.duckdb"
        try:
            if alias.stat().st_ino == st.st_ino:
                return alias, generation
        except FileNotFoundError:
            pass
        os.replace(link, alias)
        return alias, generation
    finally:
        link.unlink(missing_ok=True)


def _drop_old_aliases(lay: _Layout) -> None:
    """Unlink the aliases of generations that are no longer current (readers that still
    have one open keep reading it: Linux frees the file when the last one closes)."""
    current = generation(lay.db)
    pattern = re.compile(re.escape(lay.db.name) + r"\.(\d+\.\d+)\.duckdb")
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(lay.read_dir):
            match = pattern.fullmatch(entry.name)
            if match and match[1] != current:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


# ----------------------------------------------------------------------------- journals, sweep


def _start_journal(lay: _Layout, file_name: str, kind: str) -> Path:
    journal = lay.new_temp("journal")
    payload = {
        "file_name": file_name,
        "kind": kind,
        "started_at": datetime.now().isoformat(timespec="seconds"),
        "pid": os.getpid(),
        "database": lay.db.name,
    }
    journal.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return journal


def _journals(lay: _Layout) -> list[tuple[Path, dict]]:
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(lay.tmp_dir):
            match = lay.owned(entry.name)
            if match and match[3] == "journal":
                try:
                    found.append(
                        (Path(entry.path), json.loads(Path(entry.path).read_text("utf-8")))
                    )
                except (OSError, ValueError):
                    found.append((Path(entry.path), {}))
    return found


def running_imports(path: str | os.PathLike | None = None) -> list[RunningImport]:
    """The imports running on the database now (empty when none). A journal whose writer
    is gone is swept here when the lock is free, and recorded as ``interrupted``."""
    lay = _layout(path)
    journals = _journals(lay)
    if not journals:
        return []
    if _lock_is_free(lay):
        _sweep_now(lay)
        return []
    running = []
    for _, info in journals:
        with contextlib.suppress(KeyError, ValueError, TypeError):
            running.append(
                RunningImport(
                    info["file_name"],
                    info.get("kind", "orders"),
                    datetime.fromisoformat(info["started_at"]),
                    int(info["pid"]),
                )
            )
    return running


def _sweep_once(lay: _Layout) -> None:
    """The first reader of a database in this process sweeps it, if no one is writing."""
    with _swept_lock:
        if lay.db in _swept:
            return
        _swept.add(lay.db)
    _sweep_now(lay)


def _sweep_now(lay: _Layout) -> None:
    if not _leftovers(lay):
        return
    with contextlib.suppress(StoreBusy), _locked(lay, 0.0, None):
        _sweep_locked(lay)


def _leftovers(lay: _Layout) -> list[os.DirEntry]:
    with contextlib.suppress(FileNotFoundError):
        return [e for e in os.scandir(lay.tmp_dir) if lay.owned(e.name)]
    return []


def _sweep_locked(lay: _Layout) -> None:
    """With the lock held no other process writes this database, so everything a writer
    left beside it is dead: record its journals as interrupted imports, remove the rest."""
    journals = _journals(lay)
    if journals and lay.db.exists() and lay.db.stat().st_size:
        with _new_generation(lay) as con:
            for _, info in journals:
                _record_interrupted(con, info)
    for entry in _leftovers(lay):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
    _drop_dead_links(lay)


def _record_interrupted(con, info: dict) -> None:
    try:
        started = datetime.fromisoformat(info["started_at"])
    except (KeyError, TypeError, ValueError):
        started = datetime.now()
    pid = info.get("pid", "?")
    con.execute(
        "INSERT INTO imports (import_id, kind, file_name, started_at, finished_at, outcome, "
        "message) VALUES (nextval('import_ids'), ?, ?, ?, NULL, 'interrupted', ?)",
        [
            info.get("kind", "orders"),
            str(info.get("file_name", "?")),
            started,
            f"the import stopped before it finished (process {pid} ended); nothing from the "
            "file was stored",
        ],
    )


def _drop_dead_links(lay: _Layout) -> None:
    """Reader links (``<name>.<pid>.<n>.link``) left by processes that died mid-link."""
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(lay.read_dir):
            match = lay.owned(entry.name)
            if match and match[3] == "link" and not _alive(int(match[1])):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
    _drop_old_aliases(lay)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scratch_dir(con) -> contextlib.AbstractContextManager[Path]:
    """A scratch folder for a write on ``con`` (e.g. a transcoded upload), removed after the
    block: beside the database, so a killed process's scratch is swept with its temp file;
    in the system's temp folder for an in-memory database."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    path = Path(row[0]) if row and row[0] else None
    if path is None:
        return _removed_after(Path(tempfile.mkdtemp(prefix="laoke_import_")))
    if path.parent.name == TMP_DIR:  # a writing() copy: <name>.<pid>.<n>.duckdb
        folder = path.with_name(f"{path.stem}.{os.getpid()}.{next(_counter)}.scratch")
    else:
        folder = _Layout(path).new_temp("scratch")
    folder.mkdir(parents=True)
    return _removed_after(folder)


@contextlib.contextmanager
def _removed_after(folder: Path) -> Iterator[Path]:
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------- backups


def _backup(lay: _Layout, before: str) -> None:
    """Hard-link the current file (never written again: writes make a new one) into
    ``backups/`` with a note of what it precedes; keep the newest ``backups_kept()``."""
    lay.backup_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now()
    name = f"{lay.db.stem}-{now:%Y%m%d-%H%M%S}-{os.getpid()}-{next(_counter)}{lay.db.suffix}"
    target = lay.backup_dir / name
    try:
        os.link(lay.db, target)
    except OSError:
        _copy(lay.db, target)
    note = {"database": lay.db.name, "created_at": now.isoformat(), "before": before}
    _note(target).write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    for old in _backups(lay)[backups_kept() :]:
        (lay.backup_dir / old.name).unlink(missing_ok=True)
        _note(lay.backup_dir / old.name).unlink(missing_ok=True)


def _note(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _backups(lay: _Layout) -> list[Backup]:
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(lay.backup_dir):
            if not entry.name.endswith(".json"):
                continue
            try:
                note = json.loads(Path(entry.path).read_text("utf-8"))
                file = Path(entry.path[: -len(".json")])
                if note.get("database") != lay.db.name or not file.exists():
                    continue
                created = datetime.fromisoformat(note["created_at"])
            except (OSError, ValueError, KeyError):
                continue
            found.append(Backup(file.name, created, file.stat().st_size, note.get("before", "")))
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def backups(path: str | os.PathLike | None = None) -> list[Backup]:
    """The backups of the database, newest first."""
    return _backups(_layout(path))


def restore(
    path: str | os.PathLike | None = None,
    backup: str = "",
    *,
    wait: float | None = None,
    on_wait: Callable[[float], None] | None = None,
) -> Backup:
    """Make backup ``backup`` (a name from ``backups()``) the current database; the file it
    replaces is backed up first. ``InputError`` when there is no such backup."""
    lay = _layout(path)
    chosen = next((b for b in _backups(lay) if b.name == backup), None)
    if chosen is None:
        names = ", ".join(b.name for b in _backups(lay)) or "none"
        raise InputError(
            f"{lay.db}: there is no backup named {backup!r} in {lay.backup_dir} (backups: {names})"
        )
    with _locked(lay, wait_seconds() if wait is None else wait, on_wait):
        _sweep_locked(lay)
        temp = lay.new_temp("duckdb")
        try:
            _copy(lay.backup_dir / chosen.name, temp)
            _fsync(temp)
            if lay.db.exists() and lay.db.stat().st_size:
                _checkpoint_in_place(lay)
                _backup(lay, f"restore {chosen.name}")
            Path(f"{lay.db}.wal").unlink(missing_ok=True)
            os.replace(temp, lay.db)
            _fsync(lay.db.parent)
            _drop_old_aliases(lay)
        finally:
            temp.unlink(missing_ok=True)
    return chosen
