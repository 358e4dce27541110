"""A shop owner in Chromium: the import button rests once the files are imported, and the
Chinese pages (demo shop, and a store imported from real-shaped exports) show platform
names and separated thousands, never ids or None/NaN, nor Streamlit's English uploader."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.browser.conftest import ORDERS_UPLOADER, ROOT, shot, start_dashboard
from tests.pages.conftest import REAL_SHAPED_FILES
from tests.taobao_export import order, write_export


def _wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=120_000)


def test_import_button_disables_once_the_files_are_imported(dashboard, page, tmp_path):
    url, _db = dashboard
    export = write_export(tmp_path / "ExportOrderList.csv", [order("1", "张三", paid="100")])
    page.goto(url)
    page.get_by_role("link", name="数据导入").click()
    page.locator(ORDERS_UPLOADER).first.set_input_files(str(export))
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


@pytest.fixture
def real_dashboard(tmp_path):
    """A dashboard on a store imported by the CLI from real-shaped exports; yields its url."""
    db = tmp_path / "shop.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "analytics", "import", "--db", str(db),
         *map(str, REAL_SHAPED_FILES)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    proc, url = start_dashboard(db)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


#: What Streamlit writes in its uploader, which a Chinese page must not show.
UPLOADER_ENGLISH = ("Upload", "per file", "Drag and drop", "Browse files")

_SHOWN_WORDS = """() => [...document.querySelectorAll(
    "[data-testid='stFileUploaderDropzone'] *")].filter(e => !e.children.length).map(e => {
        const style = getComputedStyle(e), after = getComputedStyle(e, '::after').content;
        const seen = parseFloat(style.fontSize) > 0 && style.visibility !== 'hidden';
        const own = seen ? e.textContent : '';
        return own + ' ' + (after && after !== 'none' ? after : '');
    }).join(' | ')"""


def test_chinese_pages_on_a_real_shaped_store_read_as_chinese(real_dashboard, page):
    page.goto(real_dashboard)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=180_000)
    _wait_idle(page)
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert values and not [v for v in values if re.search(r"(?<![\d.,])\d{4,}", v)], values
    for link in ("总览", "同期群", "客户分层", "复购与流失", "营销名单"):
        page.get_by_role("link", name=link, exact=True).click()
        _wait_idle(page)
        page.wait_for_timeout(1500)
        text = page.locator("[data-testid='stMain']").inner_text()
        assert not re.search(r"\b(taobao|douyin|pdd|youzan|None|NaN|nan)\b", text), link
    page.get_by_role("link", name="数据导入", exact=True).click()
    page.wait_for_selector("[data-testid='stFileUploaderDropzone'] button")
    _wait_idle(page)
    shown = page.evaluate(_SHOWN_WORDS)
    assert "选择文件" in shown and "每个文件不超过 2GB" in shown, shown
    assert not [w for w in UPLOADER_ENGLISH if w in shown], shown
    # the words shown while a file is dragged over the uploader
    drag = page.evaluate_handle(
        "() => { const d = new DataTransfer();"
        " d.items.add(new File(['a'], 'a.csv', {type: 'text/csv'})); return d; }"
    )
    page.locator("[data-testid='stFileUploaderDropzone']").first.dispatch_event(
        "dragenter", {"dataTransfer": drag}
    )
    page.wait_for_timeout(500)
    shown = page.evaluate(_SHOWN_WORDS)
    assert "拖放文件到这里" in shown and "Drag and drop" not in shown, shown
    shot(page, "words_real_import_zh")
