"""A user in Chromium builds a target list on the demo shop and downloads it as CSV."""

from __future__ import annotations

import csv
import io
import re

from tests.browser.conftest import shot
from tests.browser.test_import_flow import _wait_idle


def test_generated_list_downloads_as_excel_ready_csv(dashboard, page, tmp_path):
    url, _db = dashboard
    page.goto(url)
    page.get_by_role("button", name="加载示例店铺").click()
    page.get_by_text("复购率").first.wait_for(timeout=180_000)
    _wait_idle(page)
    page.get_by_role("link", name="营销名单").click()
    _wait_idle(page)
    page.get_by_role("button", name="生成名单").click()
    page.get_by_text("已生成活动").first.wait_for()
    _wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    path = tmp_path / "list.csv"
    download.value.save_as(path)
    shot(page, "campaign_generated")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel keeps the Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:3] == ["买家ID", "姓名", "手机"]
    assert rows and all(re.fullmatch(r"\d{3}\*{4}\d{4}", r["手机"]) for r in rows if r["手机"])
