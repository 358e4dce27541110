"""A shop owner in Chromium: the import button rests once the files are imported, and the
Chinese pages show platform names and separated thousands, never ids or None/NaN."""

from __future__ import annotations

import re

from tests.browser.conftest import shot
from tests.taobao_export import order, write_export


def _wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=120_000)


def test_import_button_disables_once_the_files_are_imported(dashboard, page, tmp_path):
    url, _db = dashboard
    export = write_export(tmp_path / "ExportOrderList.csv", [order("1", "张三", paid="100")])
    page.goto(url)
    page.get_by_role("link", name="数据导入").click()
    page.locator("input[type='file']").first.set_input_files(str(export))
    page.get_by_text("淘宝/天猫 订单报表").first.wait_for()
    button = page.get_by_role("button", name="导入 1 个文件")
    assert button.is_enabled()
    button.click()
    page.get_by_text("新增 1").first.wait_for(timeout=60_000)
    _wait_idle(page)
    page.get_by_text("这些文件已经导入").first.wait_for()
    shot(page, "import_done_button_disabled")
    assert page.get_by_role("button", name="导入 1 个文件").is_disabled()
    # the command line waits in a closed expander, not in the page's main text
    assert page.get_by_text("用命令行导入（大文件、批量导入）").count() == 1
    assert not page.get_by_text("python -m analytics import").first.is_visible()


def test_chinese_pages_show_names_and_separators(dashboard, page):
    url, _db = dashboard
    page.goto(url)
    page.get_by_role("button", name="加载示例店铺").click()
    page.get_by_text("复购率").first.wait_for(timeout=180_000)
    _wait_idle(page)
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert len(values) == 6
    assert not [v for v in values if re.search(r"(?<![\d.,])\d{4,}", v)], values
    for link in ("总览", "生命周期", "客户分层", "营销名单"):
        page.get_by_role("link", name=link, exact=True).click()
        _wait_idle(page)
        page.wait_for_timeout(1500)
        text = page.locator("[data-testid='stMain']").inner_text()
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert not re.search(r"\b(taobao|None|NaN|nan)\b", text + sidebar), link
    shot(page, "words_campaigns_zh")
