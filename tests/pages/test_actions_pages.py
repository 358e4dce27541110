"""The action lists on the pages (issue 15), on the demo shop: the ranked churn and upgrade
lists on 营销名单 with their summaries, the agenda on 总览, manual cycles and bought-together
pairs on 回购, and the customer lookup from the sidebar."""

from __future__ import annotations

from tests.pages.apptest import dashboard


def _infos(at) -> str:
    return " ".join(i.value for i in at.info)


def test_churn_list_on_the_campaigns_page_says_who_was_left_out(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/campaigns.py").run()
    at.selectbox(key="campaigns_kind").set_value("churn").run()
    assert not at.exception, at.exception
    text = _infos(at)
    assert "超期候选" in text and "入选 500 位" in text and "超出预算" in text
    source = next(m for m in at.metric if m.label == "来源人数")
    assert source.value == "500"


def test_upgrade_list_on_the_campaigns_page_gives_its_share(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/campaigns.py").run()
    at.selectbox(key="campaigns_kind").set_value("upgrade").run()
    assert not at.exception, at.exception
    assert "离下一等级差距在 20% 以内" in _infos(at)


def test_overview_shows_the_agenda(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    assert not at.exception, at.exception
    assert "未来 30 天的联系计划" in [s.value for s in at.subheader]


def test_repurchase_page_shows_manual_cycles_and_pairs(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/repurchase.py").run()
    assert not at.exception, at.exception
    headers = [s.value for s in at.subheader]
    assert "手动回购周期" in headers and "关联购买（一起买的商品）" in headers


def test_customer_lookup_shows_the_searched_customer(demo_copy, monkeypatch):
    """(The sidebar's jump to this page is checked in Chromium: AppTest does not follow a
    script's st.switch_page.)"""
    at = dashboard(demo_copy, monkeypatch)
    at.session_state["customer_query"] = "小鱼儿42152"
    at.run()
    at.switch_page("pages/customer.py").run()
    assert not at.exception, at.exception
    assert [m.value for m in at.title] == ["客户查询"]
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["有效订单", "累计消费", "客单价"] and "预计下次购买" in labels
