"""Pages and the shared store: a page write that cannot get the database in time says why
and changes nothing; a page write that gets it is seen by the next run."""

from __future__ import annotations

import threading

from analytics import store
from analytics.lifecycle import STAGE_SETTINGS
from tests.pages.apptest import dashboard


def _saved(db) -> int:
    with store.reading(db) as con:
        query = "SELECT count(*) FROM settings WHERE name = ?"
        return con.execute(query, [STAGE_SETTINGS]).fetchone()[0]


def _save_lifecycle_settings(at):
    at.switch_page("pages/lifecycle.py").run()
    [save] = [b for b in at.button if b.label == "Save settings"]
    return save.click().run()


def test_a_page_write_that_waits_too_long_shows_why_and_changes_nothing(demo_copy, monkeypatch):
    monkeypatch.setenv("LAOKE_WAIT", "0.5")
    assert _saved(demo_copy) == 0
    entered, release = threading.Event(), threading.Event()

    def hold():
        with store.writing(demo_copy):
            entered.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(30)
        at = _save_lifecycle_settings(dashboard(demo_copy, monkeypatch, lang="en").run())
    finally:
        release.set()
        holder.join(60)
    assert not at.exception, at.exception
    assert any("another LaoKe process" in e.value for e in at.error), [e.value for e in at.error]
    assert _saved(demo_copy) == 0


def test_a_page_write_commits_and_the_history_of_the_store_moves_on(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang="en").run()
    first = store.generation(demo_copy)
    at = _save_lifecycle_settings(at)
    assert not at.exception, at.exception
    assert store.generation(demo_copy) != first
    assert _saved(demo_copy) == 1
    assert not list((demo_copy.parent / ".laoke-tmp").iterdir())
