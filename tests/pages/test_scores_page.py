"""The repurchase page reads the stored per-customer scores and says when a fit is at a limit."""

from __future__ import annotations

import pytest

from analytics import repurchase, scores, store
from tests.conftest import DEMO_END
from tests.pages.apptest import chart_spec, dashboard, plotly_values


def test_repurchase_page_builds_and_reads_the_stored_scores(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/repurchase.py").run()
    assert not at.exception, at.exception
    con = store.connect(demo_copy)  # the same configuration as the page's connection
    try:
        assert scores.is_current(con)
        limits = scores.model_limits(con)
    finally:
        con.close()
    # The demo shop's buyers all leave at about the same rate: BG/NBD's dropout limit.
    assert "dropout" in limits
    infos = " ".join(i.value for i in at.info)
    assert "模型退化为固定的流失率" in infos
    assert not any("现场计算" in c.value for c in at.caption)


def test_the_cycles_chart_shows_each_range_beside_its_median_bar(demo_copy, monkeypatch):
    """The 25%-75% range is a thin bar of its own beside the median bar (drawn across the
    median bar, it crossed the median's label): its bottom and top are the quartiles."""
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/repurchase.py").run()
    assert not at.exception, at.exception
    con = store.connect(demo_copy, read_only=True)
    try:
        cycles = repurchase.product_cycles(con, as_of=DEMO_END)
    finally:
        con.close()
    assert len(cycles) >= 3
    median, spread = chart_spec(at, "repurchase_cycles_product")["data"]
    assert median["x"] == spread["x"] == cycles["product"].tolist()
    assert median["text"] == [f"{d:g}" for d in cycles["median_days"]]
    bottoms, heights = plotly_values(spread["base"]), plotly_values(spread["y"])
    assert bottoms == cycles["p25_days"].tolist()
    ranges = [b + h for b, h in zip(bottoms, heights, strict=True)]
    assert ranges == pytest.approx(cycles["p75_days"].tolist())
    # Side by side: the range starts right of where the median bar ends.
    assert median["offset"] + median["width"] < spread["offset"]
