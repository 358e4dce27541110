"""营销名单 page: empty state, preview with exclusion counts, creating a list (logged as a
campaign, then two downloads), and the results section."""

from __future__ import annotations

from analytics import store
from tests.pages.apptest import dashboard

PAGE = "pages/campaigns.py"


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_empty_database_shows_the_empty_state(tmp_path, monkeypatch):
    at = dashboard(tmp_path / "empty.duckdb", monkeypatch).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.title] == ["营销名单"]
    assert any("还没有订单" in info.value for info in at.info)
    assert not [b for b in at.button if b.label == "生成名单"]


def test_demo_shop_preview_shows_counts_and_what_each_exclusion_removed(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert labels[:5] == ["来源人数", "筛选后", "排除后", "营销组（下载）", "对照组（不发）"]
    captions = " ".join(c.value for c in at.caption)
    assert "近 15 天已付款：排除" in captions and "有过退款：排除" in captions
    assert any("还没有生成过名单" in info.value for info in at.info)


def test_creating_a_list_logs_the_campaign_and_offers_both_downloads(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page(PAGE).run()
    at.slider[0].set_value(10).run()
    _button(at, "生成名单").click().run()
    assert not at.exception, at.exception
    assert any("已生成活动 #1" in s.value for s in at.success)
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert "下载 CSV" in labels and "下载 Excel" in labels
    con = store.connect(demo_copy)  # same configuration as the app's open connection
    try:
        groups = dict(
            con.execute("SELECT grp, count(*) FROM campaign_members GROUP BY grp").fetchall()
        )
    finally:
        con.close()
    assert groups["treatment"] > 0 and groups["control"] > 0
    # the preview now counts the new members as contacted, and the results section lists
    # the campaign (no orders after it yet, so its window is still open)
    captions = " ".join(c.value for c in at.caption)
    assert f"近 7 天已营销过：排除 {sum(groups.values()):,} 人" in captions
    assert "活动 #1" in captions and "观察期还没结束" in captions
    assert not any("还没有生成过名单" in info.value for info in at.info)


def test_page_in_english(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch, lang="en").run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.title] == ["Target lists"]
