"""The repurchase page reads the stored per-customer scores and says when a fit is at a limit."""

from __future__ import annotations

from analytics import scores, store
from tests.pages.apptest import dashboard


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
