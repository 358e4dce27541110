"""A user in Chromium: empty dashboard → load demo shop → Overview; upload an export twice."""

from __future__ import annotations

from tests.browser.conftest import ORDERS_UPLOADER, shot
from tests.taobao_export import order, write_export


def _wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=120_000)


def test_load_demo_shop_then_see_the_overview(dashboard, page):
    url, _db = dashboard
    page.goto(url)
    page.get_by_role("button", name="加载示例店铺").click()
    page.get_by_text("复购率").first.wait_for(timeout=180_000)
    _wait_idle(page)
    page.locator(".js-plotly-plot").first.wait_for()
    shot(page, "overview_demo")
    assert page.locator(".js-plotly-plot").count() >= 3
    assert page.locator("[data-testid='stMetric']").count() == 6


def test_uploading_the_same_export_twice_counts_it_once(dashboard, page, tmp_path):
    url, db = dashboard
    rows = [order("1", "张三", paid="100"), order("2", "李四", paid="50"), order("3", "张三")]
    # The same export downloaded twice (the browser names the second copy "… (1)"): the
    # import button rests once a file is imported, so the second attempt is a new upload.
    exports = {
        1: write_export(tmp_path / "ExportOrderList.csv", rows),
        2: write_export(tmp_path / "ExportOrderList (1).csv", rows),
    }
    # Open the dashboard at its root first, as a user does: Streamlit serves the very first
    # run of a process from the legacy pages/ folder when it starts on a deep URL.
    page.goto(url)
    page.get_by_role("link", name="数据导入").click()
    expected = {1: "新增 3，更新 0，未变 0", 2: "新增 0，更新 0，未变 3"}
    for attempt in (1, 2):
        page.locator(ORDERS_UPLOADER).first.set_input_files(str(exports[attempt]))
        page.get_by_text("淘宝/天猫 订单报表").first.wait_for()
        page.get_by_role("button", name="导入 1 个文件").click()
        # The second upload of the same file inserts nothing: every order is unchanged.
        page.get_by_text(expected[attempt]).first.wait_for(timeout=60_000)
        _wait_idle(page)
        shot(page, f"import_attempt_{attempt}")
    page.get_by_role("link", name="总览").click()
    card = page.locator("[data-testid='stMetric']").filter(has_text="有效订单")
    card.first.wait_for()
    _wait_idle(page)
    shot(page, "overview_after_uploads")
    assert card.locator("[data-testid='stMetricValue']").inner_text().strip() == "3"


def test_bad_rows_and_refusals_are_explained_in_chinese(dashboard, page, tmp_path):
    url, _db = dashboard
    rows = [order(str(i), f"买家{i}") for i in range(60)]
    rows[3]["订单创建时间"] = "昨天下午"
    lines = write_export(tmp_path / "src.csv", rows).read_bytes().split(b"\r\n")
    lines[9] = lines[9][:25]  # line 10 is cut off
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\r\n".join(lines))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    page.goto(url)
    page.get_by_role("link", name="数据导入").click()
    page.locator(ORDERS_UPLOADER).first.set_input_files([str(broken), str(empty)])
    page.get_by_text("empty.csv：未导入 — 文件是空的").first.wait_for()
    page.get_by_role("button", name="导入 1 个文件").click()
    page.get_by_text("有 2 行因内容有误被跳过").first.wait_for(timeout=60_000)
    _wait_idle(page)
    shot(page, "import_bad_rows")  # the table of rows is drawn on a canvas: see the shot
    assert page.get_by_text("broken.csv：已导入").count() == 1
