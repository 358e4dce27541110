"""The action lists on the pages (issue 15), on the demo shop: the ranked churn and upgrade
lists on 营销名单 with their summaries, the agenda on 总览, manual cycles and bought-together
pairs on 回购, and the customer lookup from the sidebar."""

from __future__ import annotations

from analytics import actions, manual_cycles, store
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


def _stored(db, load):
    con = store.connect(db, read_only=True)
    try:
        return load(con)
    finally:
        con.close()


def test_the_action_settings_editor_saves_every_field(demo_copy, monkeypatch):
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/campaigns.py").run()
    at.selectbox(key="campaigns_kind").set_value("churn").run()
    inputs = {n.label: n for n in at.number_input}
    inputs["联系预算（元）"].set_value(3000.0)
    inputs["每位客户的联系成本（元）"].set_value(1.5)
    inputs["预计挽回比例"].set_value(0.25)
    inputs["升级差距（下一等级门槛的 %）"].set_value(30.0)
    at.button(key="actions_settings_save").click().run()
    assert not at.exception, at.exception
    cfg = _stored(demo_copy, actions.load_settings)
    assert (cfg.contact_budget, cfg.cost_per_contact, cfg.win_back_rate, cfg.upgrade_gap_pct) == (
        3000.0, 1.5, 0.25, 30.0,
    )  # fmt: skip
    assert "入选 2,000 位" in _infos(at)  # the budget now pays for 3000 / 1.5 contacts


def test_the_manual_cycles_editor_saves_and_says_how_many(demo_copy, monkeypatch):
    con = store.connect(demo_copy)
    manual_cycles.save(con, manual_cycles.ManualCycles(rules=(("category", "宠物", 5, True),)))
    con.close()
    at = dashboard(demo_copy, monkeypatch).run()
    at.switch_page("pages/repurchase.py").run()
    at.button(key="actions_cycles_save").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["已保存 1 条手动周期。"]
    assert _stored(demo_copy, manual_cycles.load).rules == (("category", "宠物", 5.0, True),)
