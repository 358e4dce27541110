"""Order lines: the Taobao 宝贝报表 links to its 订单报表 in either order, changed lines
replace old ones, and undo puts every table back exactly (lines included)."""

from __future__ import annotations

from analytics.importers import import_orders
from analytics.importers.history import undo_import
from analytics.importers.orders import DEFAULT_SHOP
from tests.conftest import FIXTURES

PLATFORMS = FIXTURES / "platforms"
TABLES = (
    "orders",
    "order_items",
    "customers",
    "customer_profiles",
    "orders_replaced",
    "order_items_replaced",
)


def _dump(con):
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str) for t in TABLES}


def _item_shops(con):
    return con.execute("SELECT DISTINCT shop FROM order_items ORDER BY 1").fetchall()


def test_item_report_after_its_order_report_takes_the_orders_shop(con):
    import_orders(con, FIXTURES / "taobao_small.csv")
    result = import_orders(con, PLATFORMS / "taobao_items.csv")
    # 4 lines for orders 1001 (2 lines), 1002 and 1007; no order row changes.
    assert (result.platform, result.lines_written, result.inserted) == ("taobao", 4, 3)
    assert _item_shops(con) == con.execute("SELECT DISTINCT shop FROM orders").fetchall()
    assert con.execute("SELECT count(*) FROM orders").fetchone() == (8,)


def test_item_report_before_its_order_report_is_moved_to_the_orders_shop(con):
    import_orders(con, PLATFORMS / "taobao_items.csv")
    assert _item_shops(con) == [(DEFAULT_SHOP,)]
    import_orders(con, FIXTURES / "taobao_small.csv")
    assert _item_shops(con) == con.execute("SELECT DISTINCT shop FROM orders").fetchall()
    assert con.execute("SELECT count(*) FROM order_items").fetchone() == (4,)


def test_undo_of_the_order_report_puts_moved_lines_back(con):
    import_orders(con, PLATFORMS / "taobao_items.csv")
    before = _dump(con)
    result = import_orders(con, FIXTURES / "taobao_small.csv")
    undo_import(con, result.import_id)
    assert _dump(con) == before


def test_undo_of_the_item_report_removes_its_lines_after_they_moved(con):
    items = import_orders(con, PLATFORMS / "taobao_items.csv")
    import_orders(con, FIXTURES / "taobao_small.csv")
    summary = undo_import(con, items.import_id)
    assert summary.lines_removed == 4
    assert con.execute("SELECT count(*) FROM order_items").fetchone() == (0,)


def _shopify_with_one_line_less(tmp_path):
    """The Shopify fixture as an earlier export: #1001 had only its first line."""
    lines = (PLATFORMS / "shopify_orders_export.csv").read_text(encoding="utf-8").splitlines()
    earlier = [line for line in lines if "CLIP-01" not in line or "#1004" in line]
    path = tmp_path / "earlier.csv"
    path.write_text("\n".join(earlier) + "\n", encoding="utf-8")
    return path


def test_changed_lines_replace_the_old_ones_and_keep_them_for_undo(con, tmp_path):
    import_orders(con, _shopify_with_one_line_less(tmp_path))
    result = import_orders(con, PLATFORMS / "shopify_orders_export.csv")
    # #1001 gains its Hair clip line: its 2 lines are written, its 1 old line kept.
    assert result.lines_written == 2
    assert con.execute(
        "SELECT order_id, line_no, replaced_by FROM order_items_replaced"
    ).fetchall() == [("#1001", 1, result.import_id)]


def test_shopify_import_then_undo_leaves_every_table_identical(con, tmp_path):
    import_orders(con, _shopify_with_one_line_less(tmp_path))
    before = _dump(con)
    result = import_orders(con, PLATFORMS / "shopify_orders_export.csv")
    assert result.lines_written == 2 and result.updated == 1  # #1001: item_count 1 -> 3
    summary = undo_import(con, result.import_id)
    assert (summary.lines_removed, summary.lines_restored) == (2, 1)
    assert _dump(con) == before


def test_first_import_then_undo_leaves_an_empty_store(con):
    before = _dump(con)
    result = import_orders(con, PLATFORMS / "shopify_orders_export.csv")
    undo_import(con, result.import_id)
    assert _dump(con) == before
