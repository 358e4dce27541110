"""Re-imports never double count; later exports update orders; undo restores exactly."""

from __future__ import annotations

from analytics.importers import import_orders
from analytics.importers.history import undo_import
from analytics.kpis import kpis
from tests.taobao_export import order, write_export

TABLES = ("orders", "order_items", "customers", "customer_profiles", "orders_replaced")


def _dump(con):
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str) for t in TABLES}


def test_reimport_does_not_double_count(con, tmp_path):
    path = write_export(tmp_path / "a.csv", [order("1", "张三"), order("2", "李四")])
    import_orders(con, path)
    before = kpis(con)
    again = import_orders(con, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert kpis(con) == before


def test_overlapping_exports_count_each_order_once(con, tmp_path):
    first = [order(str(i), f"b{i % 3}") for i in range(0, 6)]
    second = [order(str(i), f"b{i % 3}") for i in range(4, 10)]
    import_orders(con, write_export(tmp_path / "1.csv", first))
    result = import_orders(con, write_export(tmp_path / "2.csv", second))
    assert (result.inserted, result.unchanged) == (4, 2)
    assert kpis(con).valid_orders == 10


def test_later_export_with_refund_updates_the_order(con, tmp_path):
    import_orders(con, write_export(tmp_path / "1.csv", [order("1", "张三", paid="100")]))
    refunded = order(
        "1", "张三", paid="100", refund="100", status="付款以后用户退款成功，交易自动关闭"
    )
    result = import_orders(con, write_export(tmp_path / "2.csv", [refunded]))
    assert result.updated == 1
    assert con.execute("SELECT status FROM orders").fetchone()[0] == "refunded"
    assert con.execute("SELECT valid_orders, revenue FROM customers").fetchone() == (0, 0)


def test_duplicate_rows_in_one_file_keep_the_last(con, tmp_path):
    rows = [order("1", "张三", status="买家已付款，等待卖家发货"), order("1", "张三")]
    assert import_orders(con, write_export(tmp_path / "d.csv", rows)).inserted == 1
    assert con.execute("SELECT status FROM orders").fetchone()[0] == "completed"


def test_import_then_undo_leaves_every_table_as_before(con, tmp_path):
    import_orders(con, write_export(tmp_path / "1.csv", [order("1", "张三"), order("2", "李四")]))
    before = _dump(con)
    later = [order("2", "李四", paid="100", refund="40"), order("3", "王五")]
    result = import_orders(con, write_export(tmp_path / "2.csv", later))
    assert (result.inserted, result.updated) == (1, 1)
    summary = undo_import(con, result.import_id)
    assert (summary.removed, summary.restored) == (2, 1)
    assert _dump(con) == before


def test_customer_summary_tracks_first_and_last_valid_orders(con, tmp_path):
    rows = [
        order("1", "张三", time="2024-01-01 09:00:00"),
        order("2", "张三", time="2024-01-01 18:00:00"),
        order("3", "张三", time="2024-02-01 09:00:00", status="交易关闭", paid_time=""),
        order("4", "张三", time="2024-03-01 09:00:00"),
    ]
    import_orders(con, write_export(tmp_path / "c.csv", rows))
    row = con.execute(
        "SELECT all_orders, valid_orders, CAST(first_order_time AS DATE), "
        "CAST(last_order_time AS DATE) FROM customers"
    ).fetchone()
    assert tuple(map(str, row)) == ("4", "3", "2024-01-01", "2024-03-01")
