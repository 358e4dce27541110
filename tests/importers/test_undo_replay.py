"""Undo is replay (SPEC): after imports and undos the store equals importing the files that
still stand, in their original order; undoing an old import never removes an order a
standing import holds, and never brings back an undone version."""

from __future__ import annotations

import duckdb

from analytics import store
from analytics.importers import import_orders
from analytics.importers.history import undo_import
from analytics.importers.orders import DEFAULT_SHOP
from analytics.importers.profiles import import_profiles
from tests.conftest import FIXTURES, OLD_CUSTOMERS_INSERT
from tests.taobao_export import order, write_export

REFUNDED = "付款以后用户退款成功，交易自动关闭"


def _first_and_repeat(tmp_path):
    """#1: orders 1-10. #2 repeats 1-5 unchanged, refunds 6-8, adds 11-12."""
    first = [order(str(i), f"b{i % 4}") for i in range(1, 11)]
    repeat = [order(str(i), f"b{i % 4}") for i in range(1, 6)]
    repeat += [order(str(i), f"b{i % 4}", refund="100", status=REFUNDED) for i in range(6, 9)]
    repeat += [order(str(i), f"b{i % 4}") for i in range(11, 13)]
    return write_export(tmp_path / "1.csv", first), write_export(tmp_path / "2.csv", repeat)


def _orders(con):
    return dict(con.execute("SELECT order_id, status FROM orders").fetchall())


def _replayed(paths, kinds=None):
    """The store a fresh import of ``paths`` in order gives."""
    fresh = store.connect(":memory:")
    for path in paths:
        (import_profiles if (kinds or {}).get(path) == "profiles" else import_orders)(fresh, path)
    return fresh


def _rows(con, table, ids=None):
    """Rows of ``table`` without import_id, or with it renumbered by ``ids``."""
    cols = [
        c
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]
    rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
    at = cols.index("import_id") if "import_id" in cols else None
    if at is not None:
        rows = [r[:at] + ((ids or {}).get(r[at], r[at]),) + r[at + 1 :] for r in rows]
    return sorted(rows, key=str)


def test_undoing_an_older_import_keeps_the_orders_a_later_import_still_holds(con, tmp_path):
    one, two = _first_and_repeat(tmp_path)
    first = import_orders(con, one)
    second = import_orders(con, two)
    assert (second.unchanged, second.updated, second.inserted) == (5, 3, 2)

    summary = undo_import(con, first.import_id)

    # 9-10 go; 1-5 (unchanged) and 6-8 (refunded by #2) stay as #2 has them.
    assert (summary.removed, summary.restored, summary.kept) == (2, 0, 8)
    stored = _orders(con)
    assert sorted(stored, key=int) == [str(i) for i in [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]]
    assert {stored[str(i)] for i in (6, 7, 8)} == {"refunded"}
    # The unchanged orders now belong to #2, as in a store that only ever saw #2.
    replay = _replayed([two])
    ids = {1: second.import_id}
    assert _rows(con, "orders") == _rows(replay, "orders", ids)
    assert _rows(con, "customers") == _rows(replay, "customers")


def test_undoing_both_imports_never_brings_back_an_undone_version(con, tmp_path):
    one, two = _first_and_repeat(tmp_path)
    first = import_orders(con, one)
    second = import_orders(con, two)
    undo_import(con, first.import_id)
    undo_import(con, second.import_id)
    assert _orders(con) == {}
    assert con.execute("SELECT count(*) FROM customers").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM orders_replaced").fetchone() == (0,)


def test_undoing_the_later_import_first_then_the_older_one_empties_the_store(con, tmp_path):
    one, two = _first_and_repeat(tmp_path)
    first = import_orders(con, one)
    second = import_orders(con, two)
    undo_import(con, second.import_id)
    assert _rows(con, "orders") == _rows(_replayed([one]), "orders", {1: first.import_id})
    undo_import(con, first.import_id)
    assert _orders(con) == {}


def test_undoing_a_middle_import_puts_back_the_version_of_the_latest_standing_one(con, tmp_path):
    versions = [
        order("1", "amy", paid="100"),
        order("1", "amy", paid="100", refund="30"),
        order("1", "amy", paid="100"),
    ]
    results = [
        import_orders(con, write_export(tmp_path / f"{n}.csv", [row]))
        for n, row in enumerate(versions)
    ]
    # #3 brought the first version back; undoing #2 leaves it, owned by #3 as in a replay of
    # #1 then #3 (identical re-import keeps #1's id).
    undo_import(con, results[1].import_id)
    assert con.execute("SELECT refund_amount, import_id FROM orders").fetchall() == [
        (0, results[0].import_id)
    ]
    undo_import(con, results[0].import_id)
    assert con.execute("SELECT refund_amount, import_id FROM orders").fetchall() == [
        (0, results[2].import_id)
    ]


def test_undoing_an_older_profile_import_keeps_profiles_a_later_one_holds(con, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("customer_id,gender,tags\namy,女,vip\nbob,男,\ncat,女,\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("customer_id,gender,tags\namy,女,vip\nbob,男,new\n", encoding="utf-8")
    first = import_profiles(con, a)
    second = import_profiles(con, b)
    undo_import(con, first.import_id)
    assert con.execute(
        "SELECT customer_id, tags, import_id FROM customer_profiles ORDER BY 1"
    ).fetchall() == [("amy", "vip", second.import_id), ("bob", "new", second.import_id)]
    undo_import(con, second.import_id)
    assert con.execute("SELECT count(*) FROM customer_profiles").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM profiles_replaced").fetchone() == (0,)


def test_undoing_the_order_report_an_item_report_took_its_shop_from_moves_the_lines_back(
    con,
):
    orders = import_orders(con, FIXTURES / "taobao_small.csv")
    items = import_orders(con, FIXTURES / "platforms" / "taobao_items.csv")
    undo_import(con, orders.import_id)
    # A store that only saw the item report keeps its lines under the default shop.
    replay = _replayed([FIXTURES / "platforms" / "taobao_items.csv"])
    assert con.execute("SELECT DISTINCT shop FROM order_items").fetchall() == [(DEFAULT_SHOP,)]
    ids = {1: items.import_id}
    assert _rows(con, "order_items") == _rows(replay, "order_items", ids)


def test_undoing_an_item_report_keeps_the_lines_a_later_item_report_holds(con, tmp_path):
    path = FIXTURES / "platforms" / "taobao_items.csv"
    again = tmp_path / "again.csv"
    again.write_bytes(path.read_bytes())
    import_orders(con, FIXTURES / "taobao_small.csv")
    first = import_orders(con, path)
    second = import_orders(con, again)
    assert second.lines_written == 0
    undo_import(con, first.import_id)
    assert con.execute("SELECT count(*), min(import_id) FROM order_items").fetchone() == (
        4,
        second.import_id,
    )


def _item_report(path, order_id: str):
    line = f'"=""{order_id}""",洗发水,25.00,1,,,,,交易成功,XF-500'
    path.write_bytes(
        (
            "订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码\n"
            + line
            + "\n"
        ).encode("gb18030")
    )
    return path


def test_an_order_report_leaves_lines_two_shops_hold_for_its_order_where_they_are(con, tmp_path):
    """Item reports put order 7's lines under shop 店A (named) and the default shop; the
    order report for 7 in 店B cannot tell whose lines are its own: both stay (the import
    used to fail on a duplicate key)."""
    import_orders(con, _item_report(tmp_path / "a.csv", "7"), shop="店A")
    import_orders(con, _item_report(tmp_path / "b.csv", "7"))
    import_orders(con, write_export(tmp_path / "o.csv", [order("7", "amy", shop="店B")]))
    assert con.execute("SELECT shop FROM order_items ORDER BY 1").fetchall() == [
        ("店A",),
        (DEFAULT_SHOP,),
    ]


def _v3_database(path) -> None:
    con = duckdb.connect(str(path))
    for number, script in enumerate(store.MIGRATIONS[:3], start=1):
        con.execute(script)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
    con.close()


def test_a_database_from_before_membership_can_undo_its_last_import(tmp_path):
    """Migration V4 back-fills who holds what from the stored and replaced versions."""
    one, two = _first_and_repeat(tmp_path)
    scratch = store.connect(tmp_path / "scratch.duckdb")
    import_orders(scratch, one)
    second = import_orders(scratch, two)
    scratch.close()
    db = tmp_path / "v3.duckdb"
    _v3_database(db)
    con = duckdb.connect(str(db))  # the same rows, as an older LaoKe would have left them
    con.execute("ATTACH ? AS scratch", [str(tmp_path / "scratch.duckdb")])
    for table in ("imports", "orders", "orders_replaced"):
        con.execute(f"INSERT INTO {table} SELECT * FROM scratch.{table}")
    con.execute(OLD_CUSTOMERS_INSERT)
    con.execute("DROP SEQUENCE import_ids")
    con.execute("CREATE SEQUENCE import_ids START 3")
    con.close()

    con = store.connect(db)
    assert con.execute("SELECT count(*) FROM import_keys").fetchone() == (
        12 + 3,
    )  # stored + replaced versions
    undo_import(con, second.import_id)
    assert _rows(con, "orders") == _rows(_replayed([one]), "orders")
    assert _rows(con, "customers") == _rows(_replayed([one]), "customers")
    con.close()
