"""Every platform's export: each fixture imports to exactly the canonical rows written next
to it (hand-derived from the fixture, see tests/fixtures/platforms/README.md), a second
import changes nothing, and no fixture is ever taken for another platform's layout."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from analytics.i18n import t
from analytics.importers import FORMATS, detect, import_orders
from analytics.importers.detect import BY_PLATFORM
from analytics.importers.reader import open_table
from tests.conftest import FIXTURES

PLATFORMS = FIXTURES / "platforms"

#: fixture -> (format key it must be detected as, platform stored)
FIXTURE_FORMATS = {
    "jd_orders.csv": ("jd", "jd"),
    "pdd_orders.csv": ("pdd", "pdd"),
    "douyin_orders.csv": ("douyin", "douyin"),
    "youzan_orders.csv": ("youzan", "youzan"),
    "shopify_orders_export.csv": ("shopify", "shopify"),
    "tmall_orders.csv": ("taobao", "taobao"),
    "taobao_items.csv": ("taobao_items", "taobao"),
}
ORDER_FIXTURES = [name for name in FIXTURE_FORMATS if name != "taobao_items.csv"]
LINE_FIXTURES = [
    n for n in ORDER_FIXTURES if (PLATFORMS / n.replace(".csv", ".items.expected.csv")).exists()
]
ALL_FIXTURES = [FIXTURES / "taobao_small.csv", *(PLATFORMS / n for n in FIXTURE_FORMATS)]

_ORDER_SQL = """
SELECT order_id, customer_id, status, CAST(amount AS VARCHAR), CAST(refund_amount AS VARCHAR),
    coalesce(province, ''), coalesce(city, ''), coalesce(phone, ''),
    strftime(order_time, '%Y-%m-%d %H:%M:%S'),
    coalesce(strftime(paid_time, '%Y-%m-%d %H:%M:%S'), ''), CAST(item_count AS VARCHAR)
FROM orders ORDER BY order_id
"""

_ITEM_SQL = """
SELECT order_id, CAST(line_no AS VARCHAR), coalesce(product_id, ''), coalesce(sku, ''), title,
    CAST(quantity AS VARCHAR), coalesce(CAST(price AS VARCHAR), '')
FROM order_items ORDER BY order_id, line_no
"""


def _expected(path):
    with open(path, encoding="utf-8") as fh:
        return sorted(tuple(row) for row in list(csv.reader(fh))[1:])


@pytest.mark.parametrize("name", ORDER_FIXTURES)
def test_fixture_imports_to_exactly_its_expected_orders(con, name):
    result = import_orders(con, PLATFORMS / name)
    assert (result.platform, result.rejected) == (FIXTURE_FORMATS[name][1], 0), result.problems
    expected = _expected(PLATFORMS / name.replace(".csv", ".expected.csv"))
    assert sorted(con.execute(_ORDER_SQL).fetchall()) == expected
    assert result.inserted == len(expected)


@pytest.mark.parametrize("name", LINE_FIXTURES)
def test_fixture_lines_become_its_expected_order_items(con, name):
    result = import_orders(con, PLATFORMS / name)
    expected = _expected(PLATFORMS / name.replace(".csv", ".items.expected.csv"))
    assert con.execute(_ITEM_SQL).fetchall() == expected
    assert result.lines_written == len(expected)


@pytest.mark.parametrize("name", list(FIXTURE_FORMATS))
def test_second_import_of_a_fixture_changes_nothing(con, name):
    import_orders(con, PLATFORMS / name)
    before = con.execute("SELECT count(*) FROM order_items_replaced").fetchone()
    again = import_orders(con, PLATFORMS / name)
    assert (again.inserted, again.updated, again.lines_written) == (0, 0, 0)
    assert con.execute("SELECT count(*) FROM orders_replaced").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM order_items_replaced").fetchone() == before


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_no_fixture_matches_more_than_one_layout(path):
    header = open_table(path).header
    assert len([f for f in FORMATS if f.matches(header)]) == 1


@pytest.mark.parametrize("name", list(FIXTURE_FORMATS))
def test_each_fixture_is_detected_as_its_own_platform(name):
    detection = detect(open_table(PLATFORMS / name).header)
    assert detection.format.key == FIXTURE_FORMATS[name][0]
    assert detection.missing == ()


def test_taobao_small_is_still_detected_as_taobao():
    assert detect(open_table(FIXTURES / "taobao_small.csv").header).format.key == "taobao"


@pytest.mark.parametrize("name", ["pdd_orders.csv", "douyin_orders.csv"])
def test_exports_without_a_buyer_column_say_which_columns_identify_buyers(name):
    reason = detect(open_table(PLATFORMS / name).header).reason
    assert "customer_id from" in reason and "masked" in reason


def test_tmall_export_is_taobao_layout_and_the_reason_says_so(con):
    detection = detect(open_table(PLATFORMS / "tmall_orders.csv").header)
    assert detection.platform == "taobao"
    assert "Tmall fields (天猫卡券抵扣)" in detection.reason
    import_orders(con, PLATFORMS / "tmall_orders.csv")
    assert con.execute("SELECT DISTINCT shop FROM orders").fetchall() == [("暖暖服饰旗舰店",)]


def test_line_grain_order_sums_its_lines_amounts(con):
    # 抖店 order 6912345678901234567 has two sub-orders paying 89.00 and 230.00.
    import_orders(con, PLATFORMS / "douyin_orders.csv")
    row = con.execute(
        "SELECT amount, item_count FROM orders WHERE order_id = '6912345678901234567'"
    ).fetchone()
    assert row == (Decimal("319.00"), 3)


def test_shopify_times_keep_the_shops_local_clock(con):
    # Created at "2024-03-05 14:22:10 +0800" is stored as 14:22:10, not shifted to UTC.
    import_orders(con, PLATFORMS / "shopify_orders_export.csv")
    assert con.execute(
        "SELECT strftime(order_time, '%H:%M:%S') FROM orders WHERE order_id = '#1001'"
    ).fetchone() == ("14:22:10",)


def test_pdd_buyers_with_the_same_name_and_masked_phone_are_one_customer(con):
    # 李雷/139****1234 has orders 240301 (completed) and 240303 (refunded): one customer.
    import_orders(con, PLATFORMS / "pdd_orders.csv")
    assert con.execute(
        "SELECT all_orders, valid_orders FROM customers WHERE customer_id = '李雷/139****1234'"
    ).fetchone() == (2, 1)


def test_line_grain_bad_line_rejects_its_whole_order(con, tmp_path):
    text = (PLATFORMS / "douyin_orders.csv").read_text(encoding="utf-8-sig")
    # The second line of order …567 gets an unreadable unit price.
    bad = text.replace("120.00", "一百二", 1)
    path = tmp_path / "dy.csv"
    path.write_text(bad, encoding="utf-8-sig")
    # 5 lines: the 2 lines of the bad order are 40% > 5%, so the file is refused.
    from analytics.errors import ImportRefused

    with pytest.raises(ImportRefused, match="2 of 5 rows"):
        import_orders(con, path)


def test_xlsx_export_of_a_line_grain_platform_imports_like_csv(con, tmp_path):
    import pandas as pd

    frame = pd.read_csv(PLATFORMS / "shopify_orders_export.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "orders_export.xlsx"
    frame.to_excel(path, index=False, engine="xlsxwriter")
    result = import_orders(con, path)
    assert (result.platform, result.inserted, result.lines_written) == ("shopify", 4, 5)
    assert sorted(con.execute(_ORDER_SQL).fetchall()) == _expected(
        PLATFORMS / "shopify_orders_export.expected.csv"
    )


def test_the_detection_reason_reads_in_chinese(con):
    detection = detect(open_table(PLATFORMS / "tmall_orders.csv").header)
    assert detection.explain("zh").startswith("淘宝/天猫 订单报表：找到了 订单编号")
    assert "含天猫字段（天猫卡券抵扣）" in detection.explain("zh")
    pdd = detect(open_table(PLATFORMS / "pdd_orders.csv").header)
    assert "没有买家账号列" in pdd.explain("zh") and "masked" in pdd.explain("en")


@pytest.mark.parametrize("fmt", [f for f in BY_PLATFORM.values() if f.note], ids=lambda f: f.key)
def test_every_format_note_has_both_languages(fmt):
    zh, en = t(fmt.note, "zh"), t(fmt.note, "en")
    assert fmt.note not in (zh, en) and zh != en
