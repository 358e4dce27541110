"""The 促销计算器 page (pages/promotions.py) driven with AppTest, on an empty database and on
the demo shop: sentences, errors for impossible inputs, the 满减 counts, saved scenarios."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import store
from tests.pages.apptest import chart_spec, dashboard

PAGE = "pages/promotions.py"


def _page(db: Path, monkeypatch, lang: str = "zh") -> AppTest:
    at = dashboard(db, monkeypatch, lang).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def empty_page(tmp_path, monkeypatch) -> AppTest:
    return _page(tmp_path / "empty.duckdb", monkeypatch)


def _infos(at: AppTest) -> list[str]:
    return [element.value for element in at.info]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_discount_at_or_above_the_margin_shows_an_error_not_an_exception(empty_page):
    at = empty_page
    at.slider(key="promo.margin").set_value(0.3).run()
    at.slider(key="promo.break_even.discount").set_value(0.3).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("discount (0.3) must be less than margin (0.3)" in e for e in errors), errors
    assert not any("倍" in text and "降价 30%" in text for text in _infos(at))
    assert "保本销量" not in _metrics(at)


def test_break_even_tab_shows_the_sentence_for_half_margin_ten_percent_off(empty_page):
    # m = 0.5, d = 0.1: 0.5 / 0.4 = 1.25 times the volume, 25% more units.
    at = empty_page
    at.slider(key="promo.margin").set_value(0.5).run()
    at.slider(key="promo.break_even.discount").set_value(0.1).run()
    sentence = next(text for text in _infos(at) if text.startswith("降价 10%"))
    assert "1.25 倍" in sentence and "25%" in sentence
    assert _metrics(at)["保本销量"] == "1.25×"


def test_break_even_sentence_follows_the_language(tmp_path, monkeypatch):
    at = _page(tmp_path / "empty.duckdb", monkeypatch, lang="en")
    at.slider(key="promo.margin").set_value(0.5).run()
    at.slider(key="promo.break_even.discount").set_value(0.1).run()
    assert any("1.25×" in text and "25% more units" in text for text in _infos(at))


def test_reduction_at_the_threshold_shows_an_error(empty_page):
    at = empty_page
    at.number_input(key="promo.threshold.threshold").set_value(100.0).run()
    at.number_input(key="promo.threshold.reduction").set_value(100.0).run()
    assert not at.exception
    assert any("must be less than threshold" in e.value for e in at.error)


def test_empty_database_explains_there_are_no_orders_in_the_period(empty_page):
    infos = _infos(empty_page)
    assert any("还没有订单" in text for text in infos)
    assert any("内没有有效订单" in text for text in infos)  # the 满减 and 拼单 tabs
    assert "已满门槛" not in _metrics(empty_page)


def test_empty_database_starts_from_typed_defaults(empty_page):
    # DEFAULT_AOV 100 → threshold strictly above it in steps of 50: 150, reduction 10%: 15.
    assert _metrics(empty_page)["客单价"] == "¥100"
    assert empty_page.number_input(key="promo.threshold.threshold").value == 150
    assert empty_page.number_input(key="promo.threshold.reduction").value == 15


def _valid_amounts(db: Path, days: int = 90):
    """Amounts of the valid orders of the ``days`` days up to the newest order, counted
    with pandas over the raw orders (paid/shipped/completed and not fully refunded)."""
    con = store.connect(db, read_only=True)
    as_of = store.latest_order_date(con)
    orders = con.execute("SELECT order_time, status, amount, refund_amount FROM orders").df()
    con.close()
    day = orders["order_time"].dt.date
    valid = orders[
        (day > as_of - timedelta(days=days))
        & (day <= as_of)
        & orders["status"].isin(["paid", "shipped", "completed"])
        & ~((orders["refund_amount"] > 0) & (orders["refund_amount"] >= orders["amount"]))
    ]
    return valid["amount"].astype(float)


def test_threshold_tab_counts_the_demo_shop_orders(demo_copy, monkeypatch):
    amount = _valid_amounts(demo_copy)  # before the app holds the file open
    at = _page(demo_copy, monkeypatch)
    threshold = at.number_input(key="promo.threshold.threshold").value
    reach = at.slider(key="promo.threshold.reach").value
    above = int((amount >= threshold).sum())
    near = int(((amount < threshold) & (amount >= threshold * (1 - reach))).sum())
    far = int((amount < threshold * (1 - reach)).sum())
    assert above and near and far
    metrics = _metrics(at)
    assert metrics["已满门槛"] == f"{above:,}"
    assert metrics["差一点"] == f"{near:,}"
    assert metrics["差得远"] == f"{far:,}"
    assert metrics["有效订单"] == f"{len(amount):,}"


def test_threshold_tab_draws_the_threshold_and_the_near_band_with_a_download(
    demo_copy, monkeypatch
):
    at = _page(demo_copy, monkeypatch)
    threshold = at.number_input(key="promo.threshold.threshold").value
    reach = at.slider(key="promo.threshold.reach").value
    shapes = chart_spec(at, "promo_threshold_histogram")["layout"]["shapes"]
    lines = [s for s in shapes if s["type"] == "line"]
    rects = [s for s in shapes if s["type"] == "rect"]
    assert [(s["x0"], s["x1"]) for s in lines] == [(threshold, threshold)]
    assert [(s["x0"], s["x1"]) for s in rects] == [
        pytest.approx((threshold * (1 - reach), threshold))
    ]
    downloads = {d.proto.id.rpartition("-")[2] for d in at.get("download_button")}
    assert "dl_promo_threshold_histogram" in downloads


def test_saved_scenario_reloads_its_inputs(empty_page):
    at = empty_page
    at.slider(key="promo.margin").set_value(0.5).run()
    at.slider(key="promo.break_even.discount").set_value(0.2).run()
    at.text_input(key="promo.break_even._name").input("春节 八折").run()
    at.button(key="promo.break_even._save").click().run()
    assert [s.value for s in at.success] == ["已保存方案「春节 八折」。"]

    at.slider(key="promo.margin").set_value(0.6).run()
    at.slider(key="promo.break_even.discount").set_value(0.35).run()
    at.button(key="promo.break_even._load").click().run()
    assert not at.exception
    assert at.slider(key="promo.break_even.discount").value == 0.2
    assert at.slider(key="promo.margin").value == 0.5


def test_saved_scenario_lists_only_in_its_own_tab(empty_page):
    at = empty_page
    at.text_input(key="promo.ads._name").input("直通车 A").run()
    at.button(key="promo.ads._save").click().run()
    picks = {s.key: s.options for s in at.selectbox if s.key and s.key.startswith("promo.")}
    assert list(picks) == ["promo.ads._pick"]
    assert picks["promo.ads._pick"][0].startswith("直通车 A")


def test_deleted_scenario_leaves_the_list(empty_page):
    at = empty_page
    at.text_input(key="promo.deposit._name").input("付20抵50").run()
    at.button(key="promo.deposit._save").click().run()
    at.button(key="promo.deposit._delete").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已删除方案「付20抵50」。"]
    assert not [s for s in at.selectbox if s.key == "promo.deposit._pick"]


def test_saving_without_a_name_shows_an_error(empty_page):
    at = empty_page
    at.button(key="promo.compare._save").click().run()
    assert not at.exception
    assert any("name must be a non-empty text" in e.value for e in at.error)


def test_save_as_default_stores_the_margin(tmp_path, monkeypatch):
    db = tmp_path / "empty.duckdb"
    at = _page(db, monkeypatch)
    at.slider(key="promo.margin").set_value(0.55).run()
    next(b for b in at.button if b.label == "设为默认").click().run()
    assert not at.exception
    # A fresh session starts from the stored margin.
    fresh = _page(db, monkeypatch)
    assert fresh.slider(key="promo.margin").value == 0.55


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_is_translated(tmp_path, monkeypatch, lang):
    at = _page(tmp_path / "empty.duckdb", monkeypatch, lang=lang)
    labels = [w.label for kind in ("slider", "number_input", "text_input", "checkbox", "button")
              for w in getattr(at, kind)]  # fmt: skip
    labels += [m.label for m in at.metric] + [tab.label for tab in at.tabs]
    labels += [e.label for e in at.expander]
    untranslated = [label for label in labels if label.startswith("promo.")]
    assert labels and not untranslated, untranslated


def test_changing_the_period_refreshes_the_inputs_drawn_from_orders(demo_copy, monkeypatch):
    at = _page(demo_copy, monkeypatch)
    at.slider(key="promo.break_even.discount").set_value(0.2).run()
    at.number_input(key="promo.member_day.aov").set_value(1.0).run()
    before = _metrics(at)["客单价"]
    period = next(g for g in at.get("button_group") if g.proto.id.endswith("promo.days"))
    period.set_value(365).run()
    assert not at.exception
    # The member-day AOV follows the new period's AOV (the first metric card); the price
    # cut, which does not come from the orders, stays as the user set it.
    aov = _metrics(at)["客单价"]
    assert aov != before
    assert f"¥{at.number_input(key='promo.member_day.aov').value:,.0f}" == aov
    assert at.slider(key="promo.break_even.discount").value == 0.2
