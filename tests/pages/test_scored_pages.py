"""Lifecycle and segments read the stored per-customer scores, and a settings save on the
page rebuilds them: the page shows the figures of the new settings."""

from __future__ import annotations

from analytics import lifecycle, rfm, scored, scores, store
from tests.conftest import DEMO_END
from tests.pages.apptest import chart_spec, dashboard, plotly_values


def _computed(db, fn, **kwargs):
    """``fn`` computed from the orders (stored scores not used), on a fresh connection."""
    con = store.connect(db, read_only=True)
    try:
        original = scored.available
        scored.available = lambda *_a, **_k: False
        try:
            return fn(con, **kwargs)
        finally:
            scored.available = original
    finally:
        con.close()


def test_lifecycle_page_shows_the_stages_of_newly_saved_cut_offs(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang="en").run()
    at.switch_page("pages/lifecycle.py").run()
    before = plotly_values(chart_spec(at, "lifecycle_stages")["data"][0]["y"])
    [active] = [n for n in at.number_input if n.label == "Active up to (days)"]
    active.set_value(30)
    [save] = [b for b in at.button if b.label == "Save settings"]
    save.click().run()
    assert not at.exception, at.exception
    shown = plotly_values(chart_spec(at, "lifecycle_stages")["data"][0]["y"])
    cuts = lifecycle.StageCuts(active=30)
    expected = _computed(demo_copy, lifecycle.lifecycle, as_of=DEMO_END, cuts=cuts)
    assert shown == expected["customers"].tolist()
    assert shown[0] < before[0]
    con = store.connect(demo_copy, read_only=True)
    try:  # the page read rebuilt scores, with the saved cut-offs
        assert scored.available(con, as_of=DEMO_END)
        stages = scores.scores(con, columns=["stage"])["stage"].value_counts()
        assert stages["active"] == expected.set_index("stage").loc["active", "customers"]
    finally:
        con.close()


def test_segments_page_shows_the_segments_of_the_stored_scores(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang="en").run()
    at.switch_page("pages/segments.py").run()
    assert not at.exception, at.exception
    shown = plotly_values(chart_spec(at, "rfm_segments")["data"][0]["values"])
    expected = _computed(demo_copy, rfm.segment_summary, as_of=DEMO_END)
    assert shown == [n for n in expected["customers"] if n > 0]


def test_a_whole_list_is_read_on_its_own_connection_after_the_run(demo_copy, monkeypatch):
    from ui.deferred import whole_list

    monkeypatch.setenv("LAOKE_DB", str(demo_copy))
    make = whole_list(lifecycle.stage_customers, as_of=DEMO_END, stage="sleeping")
    expected = _computed(demo_copy, lifecycle.stage_customers, as_of=DEMO_END, stage="sleeping")
    rows = make()
    assert len(rows) == len(expected) > 0
    assert rows["customer_id"].tolist() == expected["customer_id"].tolist()
