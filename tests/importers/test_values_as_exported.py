"""Values as the back-ends export them: tab-prefixed ids, ="…" around ids and text, "-" and
"--" for no value, a chosen subset of columns in the shop's order, header names of recent
versions, and ;-joined sub-orders. One fixture per platform (see
tests/fixtures/platforms/README.md for where each shape was seen), with the rows it must
import to written here; a second import of each changes nothing."""

from __future__ import annotations

import pytest

from analytics.importers import import_orders
from tests.conftest import FIXTURES
from tests.taobao_export import order, write_export

PLATFORMS = FIXTURES / "platforms"

_ORDER_SQL = """
SELECT order_id, customer_id, status, CAST(amount AS VARCHAR), CAST(refund_amount AS VARCHAR),
    coalesce(province, ''), coalesce(city, ''), coalesce(phone, ''),
    strftime(order_time, '%Y-%m-%d %H:%M:%S'),
    coalesce(strftime(paid_time, '%Y-%m-%d %H:%M:%S'), ''),
    coalesce(CAST(item_count AS VARCHAR), '')
FROM orders ORDER BY order_id
"""

#: fixture -> (platform, the orders it imports to: order_id, customer_id, status, amount,
#: refund, province, city, phone, order_time, paid_time, item_count)
EXPECTED = {
    # Ids "\t6917…", 售后状态 "-", an unpaid order's 支付完成时间 "-" and 货号 "--".
    "douyin_as_exported.csv": (
        "douyin",
        [
            ("6917926768823643751", "张**/151****7788", "completed", "319.00", "0.00", "上海",
             "上海市", "151****7788", "2024-03-05 20:15:30", "2024-03-05 20:16:02", "3"),
            ("6917926768823643760", "赵**/138****2233", "unpaid", "59.00", "0.00", "广东",
             "广州市", "138****2233", "2024-03-06 12:00:00", "", "1"),
            ("6917926768823643770", "张**/151****7788", "refunded", "59.00", "59.00", "上海",
             "上海市", "151****7788", "2024-03-07 09:00:00", "2024-03-07 09:01:00", "1"),
        ],
    ),
    # 订单号 as ="…" and "\t…", 售后状态 "-" / "--".
    "pdd_as_exported.csv": (
        "pdd",
        [
            ("240301-123456789012345", "李雷/139****1234", "completed", "19.90", "0.00", "江苏",
             "南京市", "139****1234", "2024-03-01 12:00:05", "2024-03-01 12:00:05", "2"),
            ("240302-223456789012345", "韩梅梅/136****5678", "shipped", "35.00", "0.00", "四川",
             "成都市", "136****5678", "2024-03-02 10:20:00", "2024-03-02 10:20:00", "1"),
            ("240303-323456789012345", "李雷/139****1234", "refunded", "9.90", "9.90", "江苏",
             "南京市", "139****1234", "2024-03-03 08:00:00", "2024-03-03 08:00:00", "1"),
        ],
    ),
    # 订单号 as ="…", buyer "\tjd_bob", 下单账号 and 数量 spellings, 付款确认时间 "-".
    "jd_as_exported.csv": (
        "jd",
        [
            ("300000000001", "jd_alice", "completed", "129.00", "0.00", "北京", "北京市", "",
             "2024-03-01 10:00:00", "2024-03-01 10:01:00", "3"),
            ("300000000002", "jd_bob", "unpaid", "59.90", "0.00", "广东", "深圳市", "",
             "2024-03-02 21:30:15", "", "1"),
        ],
    ),
    # 买家实付金额 / 买家下单时间 / 买家付款时间, ="…" around ids, buyer and phone, "-" refunds.
    "taobao_as_exported.csv": (
        "taobao",
        [
            ("2001", "tb_lucy", "completed", "299.00", "0.00", "江苏", "苏州市", "186****0101",
             "2024-03-09 10:00:00", "2024-03-09 10:00:30", ""),
            ("2002", "tb_tom", "unpaid", "158.00", "0.00", "湖南", "长沙市", "",
             "2024-03-10 22:10:00", "", ""),
            ("2003", "tb_lucy", "refunded", "80.00", "80.00", "江苏", "苏州市", "186****0101",
             "2024-03-11 08:00:00", "2024-03-11 08:00:10", ""),
        ],
    ),
    # Ids "\tE2024…", 买家昵称 "-" (not a fan: 收货人+手机 instead), ="阿李", 收货城市 "-".
    "youzan_as_exported.csv": (
        "youzan",
        [
            ("E20240310093000123456", "小王同学", "completed", "98.00", "0.00", "浙江", "宁波市",
             "137****1111", "2024-03-10 09:30:00", "2024-03-10 09:31:00", ""),
            ("E20240311150000223456", "陈静/135****2222", "shipped", "45.00", "0.00", "湖北",
             "武汉市", "135****2222", "2024-03-11 15:00:00", "2024-03-11 15:02:00", ""),
            ("E20240313080000423456", "阿李", "unpaid", "68.00", "0.00", "北京", "北京市",
             "133****3333", "2024-03-13 08:00:00", "", ""),
        ],
    ),
    # Nine of orders_export.csv's columns, in another order.
    "shopify_as_exported.csv": (
        "shopify",
        [
            ("#1001", "ann@example.com", "paid", "128.00", "0.00", "浙江", "", "",
             "2024-03-05 14:22:10", "2024-03-05 14:25:00", "3"),
            ("#1004", "ann@example.com", "unpaid", "30.00", "0.00", "浙江", "", "",
             "2024-03-08 11:00:00", "", "1"),
        ],
    ),
}  # fmt: skip


@pytest.fixture(params=list(EXPECTED))
def imported(request, con):
    """Each platform's as-exported fixture imported once: (its name, the import result)."""
    return request.param, import_orders(con, PLATFORMS / request.param)


def test_export_as_downloaded_imports_to_its_expected_orders(con, imported):
    name, result = imported
    platform, rows = EXPECTED[name]
    assert (result.platform, result.rejected) == (platform, 0), result.problems
    assert con.execute(_ORDER_SQL).fetchall() == rows


def test_second_import_of_an_export_as_downloaded_changes_nothing(con, imported):
    name, first = imported
    before = con.execute(_ORDER_SQL).fetchall()
    again = import_orders(con, PLATFORMS / name)
    assert (again.inserted, again.updated, again.lines_written) == (0, 0, 0)
    assert again.unchanged == first.inserted
    assert con.execute(_ORDER_SQL).fetchall() == before


def test_dash_placeholders_leave_no_dash_in_any_stored_text(con):
    for name in EXPECTED:
        import_orders(con, PLATFORMS / name)
    dashes = con.execute(
        "SELECT count(*) FROM orders WHERE '-' IN (customer_id, customer_name, phone, province, "
        "city, product) OR '--' IN (customer_id, customer_name, phone, province, city, product)"
    ).fetchone()
    items = con.execute("SELECT count(*) FROM order_items WHERE sku IN ('-', '--')").fetchone()
    assert (dashes, items) == ((0,), (0,))


def test_tab_only_pdd_phone_leaves_the_name_as_buyer(con, tmp_path):
    # 拼多多 writes a blank phone as "\t": the buyer key is the name alone (not "李雷/\t").
    text = (PLATFORMS / "pdd_as_exported.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "pdd.csv"
    path.write_text(text.replace("139****1234", "\t"), encoding="utf-8-sig")
    import_orders(con, path)
    assert con.execute(
        "SELECT DISTINCT customer_id, phone FROM orders WHERE customer_name = '李雷'"
    ).fetchall() == [("李雷", None)]


def _import_with(con, tmp_path, index: int, column: str, value: str):
    """A 40-order Taobao export whose order ``index`` has ``value`` in ``column``, imported."""
    rows = [order(str(i), f"b{i}") for i in range(100, 140)]
    rows[index][column] = value
    return import_orders(con, write_export(tmp_path / "export.csv", rows))


def test_order_ids_joined_in_one_cell_are_a_named_problem(con, tmp_path):
    # A merged shipment (合并订单) lists its orders in one cell: one amount for several
    # orders cannot be split between them, so the row is refused by name, not imported.
    result = _import_with(con, tmp_path, 2, "订单编号", '="5001;5002"')
    assert [(p.line, p.column, p.value, p.code) for p in result.problems] == [
        (4, "订单编号", "5001;5002", "joined_order_ids")
    ]
    assert "export one row per order" in result.problems[0].reason


def test_amounts_joined_in_one_cell_are_a_named_problem(con, tmp_path):
    result = _import_with(con, tmp_path, 5, "买家实际支付金额", "10.00;20.00")
    assert [(p.column, p.code) for p in result.problems] == [("买家实际支付金额", "joined_amounts")]


def test_quantities_joined_in_one_cell_add_up_to_the_item_count(con, tmp_path):
    # Sub-orders' quantities in one cell ("1;2") are the order's items: 3, not a lost value.
    result = _import_with(con, tmp_path, 0, "宝贝总数量", "1;2")
    assert result.rejected == 0
    assert con.execute("SELECT item_count FROM orders WHERE order_id = '100'").fetchone() == (3,)
