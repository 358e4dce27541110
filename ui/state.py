"""The database for pages: read-only connections shared per file generation, writes
through ``store.writing``, reads cached by data version and generation.

Each script run reads the generation that was current when it first asked (``cursor()``)
and gives it back when it ends (``end_run()``, app.py). Every session of the server shares
one read-only connection per generation (``_POOL``), so a page view neither opens nor
closes the database and DuckDB keeps what it read in memory; the connection reads a hard
link of its generation, so a CLI import beside the dashboard never waits for it (STYLE 5),
and the next run reads what the import committed. A generation's connection closes once a
newer one exists and no run still reads it. ``write()`` is the one way a page changes the
store.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from analytics import i18n, store, views
from analytics.i18n import t
from ui import auth
from ui.memo import Memo, fingerprint


class _Pool:
    """One shared read-only connection per (database file, generation) in this process.

    ``acquire`` hands out the current generation's reader (opening it for the first run
    that asks), ``release`` gives it back; readers no run uses are closed once their
    generation is no longer current or another database is read (tests switch files)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple[Path, str], list] = {}  # (path, generation) -> [reader, users]

    def acquire(self, path: str) -> store.Reader:
        with self._lock:
            current = store.generation(path)
            for (where, gen), entry in self._open.items():
                if gen == current and where == Path(path).resolve():
                    entry[1] += 1
                    return entry[0]
            reader = store.open_reader(path)  # under the lock: one open per generation
            self._open[(reader.path, reader.generation)] = [reader, 1]
            self._close_idle(reader.path)
            return reader

    def release(self, reader: store.Reader) -> None:
        with self._lock:
            entry = self._open.get((reader.path, reader.generation))
            if entry is not None and entry[0] is reader:
                entry[1] -= 1
                self._close_idle(reader.path)

    def cursor(self, reader: store.Reader) -> duckdb.DuckDBPyConnection:
        with self._lock:  # runs on other threads take cursors of the same connection
            return reader.con.cursor()

    def _close_idle(self, path: Path) -> None:
        current = store.generation(path)
        for key, (reader, users) in list(self._open.items()):
            if users == 0 and (key[0] != path or key[1] != current):
                del self._open[key]
                with suppress(duckdb.Error):
                    reader.con.close()
                # What was cached for that generation is never asked for again: a big
                # shop's results (the list of every buyer) would otherwise stay in memory.
                _RESULTS.drop(lambda cached_key, gone=key[1]: cached_key[2] == gone)


_POOL = _Pool()


@dataclass
class _Session:
    """One browser session's reader for the current script run."""

    reader: store.Reader
    db: str  # the database file as named when the reader was acquired (``db_file()``)
    run: object  # the run it was opened in (ScriptRunContext.cursors is new every run)
    retired: list = field(default_factory=list)  # replaced by a write during the run
    cursors: list = field(default_factory=list)  # handed out by cursor() this run
    version: tuple | None = None  # (reader, its data version), read once per reader


#: Where a session keeps its ``_Session`` (in its own session state: one per browser tab).
_KEY = "_laoke_reader"
_bare = threading.local()  # outside a script run (a bare script, a helper thread)


def db_file() -> str:
    return str(store.db_path())


def _run() -> object:
    """This script run (``ScriptRunContext.cursors`` is a new dict every run)."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.cursors


def _get() -> _Session | None:
    if get_script_run_ctx() is None:
        return getattr(_bare, "session", None)
    return st.session_state.get(_KEY)


def _put(session: _Session | None) -> None:
    if get_script_run_ctx() is None:
        _bare.session = session
    elif session is None:
        st.session_state.pop(_KEY, None)
    else:
        st.session_state[_KEY] = session


def _reader() -> store.Reader:
    return _session().reader


def _session() -> _Session:
    run = _run()
    session = _get()
    if session is not None and (session.run is not run or session.db != db_file()):
        end_run()  # a connection left over from the session's previous run
        session = None
    if session is None:
        db = db_file()
        session = _Session(_POOL.acquire(db), db, run)
        _put(session)
    return session


def cursor():
    """A read-only cursor on the database as committed when this run first asked (a write
    through ``write()`` moves the run on to what it wrote). Each call gives its own cursor,
    so a result left unread by one caller never blocks another."""
    session = _session()
    con = _POOL.cursor(session.reader)
    session.cursors.append(con)
    return con


def end_run() -> None:
    """Close this run's cursors and give its readers back (app.py calls it when a script
    run ends)."""
    session = _get()
    _put(None)
    if session is not None:
        for con in session.cursors:
            with suppress(duckdb.Error):
                con.close()
        for reader in (*session.retired, session.reader):
            _POOL.release(reader)


def data_version() -> int:
    """The data version this run reads (asked of the database once per run and reader)."""
    session = _session()
    if session.version is None or session.version[0] is not session.reader:
        session.version = (session.reader, store.data_version(cursor()))
    return session.version[1]


def generation() -> str:
    """Which file generation this run reads (changes with every committed write)."""
    return _reader().generation


#: Results of ``cached`` calls, shared by every session of the server.
_RESULTS = Memo(limit=256)


def cached(fn, **kwargs):
    """``fn(con, **kwargs)``, cached until the next write (import, undo, settings …).

    One result serves every session: kept as an object (not pickled and unpickled on each
    view: a list of every buyer took seconds) and handed out detached (``_detached``). The
    arguments are keyed by their fingerprint (dates, settings dataclasses, lists …)."""
    qualname = f"{fn.__module__}.{fn.__qualname__}"
    key = (qualname, db_file(), generation(), data_version(), fingerprint(kwargs))
    # views.call: a default view is read from the store, where the import put it
    return _detached(_RESULTS.get(key, lambda: views.call(cursor(), fn, **kwargs)))


def _detached(value):
    """``value`` for one page run: frames are shallow copies (pandas copy-on-write: what a
    page adds or changes never reaches the cached frame), dataclasses, dicts, lists and
    tuples rebuilt around detached members; anything else as it is."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _detached(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {k: _detached(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_detached(v) for v in value]
    if isinstance(value, tuple):
        members = [_detached(v) for v in value]
        return type(value)(*members) if hasattr(value, "_fields") else tuple(members)
    return value


@contextmanager
def write(
    *, import_of: str | None = None, kind: str = "orders", stop: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one write from a page, committed when the block ends (nothing is
    written when it raises). While another process writes, a notice says the page waits;
    after ``store.wait_seconds()`` the page shows why and stops (``stop=False``: raises
    ``StoreBusy``, an InputError, for a callback to show). ``import_of`` names the file an
    import reads (other sessions show "importing…"; a backup is taken first).

    Call ``st.rerun()`` after the block, not inside it: a rerun inside is an exception."""
    notice = st.empty()

    def waiting(seconds: float) -> None:
        notice.info(t("store.waiting", seconds=int(seconds)), icon=":material/hourglass:")

    try:
        with store.writing(db_file(), on_wait=waiting, import_of=import_of, kind=kind) as con:
            notice.empty()
            yield con
    except store.StoreBusy:
        notice.empty()
        if not stop:
            raise
        st.error(t("store.busy", path=db_file()), icon=":material/lock_clock:")
        st.stop()
    finally:
        _retire()


def _retire() -> None:
    """After a write, later reads of this run see the new generation; the old connection
    stays open until the run ends (the page may still hold it)."""
    session = _get()
    if session is None:
        return
    fresh = _Session(
        _POOL.acquire(session.db), session.db, session.run, session.retired, session.cursors
    )
    fresh.retired.append(session.reader)
    _put(fresh)


@dataclass(frozen=True)
class Context:
    """What the sidebar chose: the analysis date, the shop (None = all) and the language."""

    as_of: date
    shop: str | None
    lang: str
    empty: bool


def context() -> Context:
    """The sidebar's choices (defaults before the sidebar ran); also sets the UI language
    and says when an import is running (pages keep showing the last committed data).

    Every page calls this first. When a server process starts on a deep link (``/import``)
    Streamlit runs that page the legacy way, straight from ``pages/`` without ``app.py``, and
    stays in that mode until ``st.navigation`` is called; leave it and rerun through app.py.
    """
    if PagesManager.uses_pages_directory and "laoke_context" not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()
    auth.check()
    i18n.set_language(st.session_state.get("lang", "zh"))
    running = store.running_imports(db_file())
    if running:
        st.info(
            t(
                "store.importing",
                file=running[0].file_name,
                started=f"{running[0].started_at:%H:%M}",
            ),
            icon=":material/sync:",
        )
    ctx = st.session_state.get("laoke_context")
    if ctx is None:
        con = cursor()
        ctx = Context(
            store.latest_order_date(con) or date.today(), None, i18n.language(), store.is_empty(con)
        )
    return ctx


def set_context(ctx: Context) -> None:
    st.session_state["laoke_context"] = ctx


def scored_as_of():
    """The as-of date of the stored per-customer scores, rebuilding them first when they
    are stale (with a progress bar); None when the store is empty."""
    from analytics import scores

    if cached(scores.is_current):  # asked once per database generation, not every view
        return cached(scores.stored_as_of)
    try:
        with write(stop=False) as writer:  # stored with the data: one rebuild per version
            return rebuild_scores(writer)
    except store.StoreBusy:
        return None  # another process is writing: pages compute on the fly meanwhile


def rebuild_scores(con):
    """Bring the scores and stored page views of ``con`` (a write) up to date, with a
    progress bar; their as-of date. An import or undo calls it inside its own write, so
    the new data and its figures land together (other sessions meanwhile keep showing the
    previous data, and never new orders without their figures)."""
    from analytics import scores

    bar = st.progress(0.0)

    def progress(fraction: float, step: str) -> None:
        text = i18n.t("scores.progress", step=i18n.t(f"scores.step.{step}"))
        bar.progress(min(fraction, 1.0), text=text)

    try:
        return scores.ensure(con, progress=progress)
    finally:
        bar.empty()


def use_scores(ctx: Context) -> bool:
    """Whether the page can read the stored scores for the sidebar's choice (the newest
    order day, all shops); otherwise it says it is computing and computes on the fly."""
    scored = scored_as_of()
    if scored is not None and ctx.as_of == scored and ctx.shop is None:
        return True
    shop = ctx.shop or i18n.t("scores.all_shops")
    missing = "—"  # no stored scores yet (empty store, or another process is writing)
    st.caption(i18n.t("scores.computing", scored=scored or missing, as_of=ctx.as_of, shop=shop))
    return False
