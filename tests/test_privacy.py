"""PIPL: one customer found, exported and deleted from every table; nobody else touched.

The small fixture: two Taobao exports of shop 测试店 (the second refunds alice's first
order, so ``orders_replaced`` holds its old version), two profile imports (the second
replaces alice's profile), a logged campaign with alice and bob, and order lines.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

import pandas as pd
import pytest

from analytics import campaigns, customers, privacy, store
from analytics.errors import InputError
from analytics.importers import import_orders
from analytics.importers.profiles import import_profiles
from tests.taobao_export import order, write_export

ALICE = privacy.CustomerKey("taobao", "测试店", "alice")


def _count(con, table: str, mode: str, key: privacy.CustomerKey) -> int:
    params = privacy._params(con, key)
    sql = f"SELECT count(*) FROM {table} WHERE {privacy._WHERE[mode]}"
    return con.execute(sql, privacy._bound(sql, params)).fetchone()[0]


def _totals(con) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table, _ in privacy.CUSTOMER_TABLES
    }


@pytest.fixture(scope="module")
def shop_db(tmp_path_factory):
    """The fixture shop, built once (tests write to copies)."""
    tmp_path = tmp_path_factory.mktemp("pipl")
    con = store.connect(tmp_path / "shop.duckdb")
    first = [
        order("A1", "alice", time="2024-01-05 10:00:00", phone="13812345678"),
        order("A2", "alice", time="2024-02-05 10:00:00", phone="13812345678"),
        order("B1", "bob", time="2024-01-06 10:00:00", phone="13998765432"),
        order("C1", "=HYPERLINK(1)", time="2024-01-07 10:00:00", phone="13700000001"),
    ]
    import_orders(con, write_export(tmp_path / "one.csv", first))
    second = [order("A1", "alice", status="交易关闭", refund="100.00", phone="13812345678")]
    import_orders(con, write_export(tmp_path / "two.csv", second))
    for n, gender in ((1, "女"), (2, "男")):
        path = tmp_path / f"profiles{n}.csv"
        path.write_text(f"customer_id,gender,age\nalice,{gender},30\nbob,男,40\n", encoding="utf-8")
        import_profiles(con, path)
    for order_id in ("A1", "B1"):
        for table in ("order_items", "order_items_replaced"):
            extra = "1, " if table == "order_items_replaced" else ""
            con.execute(
                f"INSERT INTO {table} VALUES ({extra}'taobao', '测试店', ?, 1, 'p1', 's1', "
                "'洗发水', '洗护', 1, 100, 1)",
                [order_id],
            )
    target = campaigns.build_list(
        con,
        campaigns.ListSpec(exclude_paid_days=0, exclude_refunded=False),
        as_of=date(2024, 3, 1),
    )
    campaigns.log_campaign(con, target, name="test")
    con.close()
    return tmp_path / "shop.duckdb"


@pytest.fixture
def shop(shop_db, tmp_path):
    path = tmp_path / "shop.duckdb"
    shutil.copy(shop_db, path)
    con = store.connect(path)
    yield con
    con.close()


def test_fixture_holds_alice_in_every_table(shop):
    # order_buyers is only filled by an order->buyer mapping import, which this shop has not,
    # import_item_keys by imported lines (this fixture writes its lines directly), and
    # customer_scores is built by the CLI/pages after an import, not by import_orders.
    unfilled = {"order_buyers", "import_item_keys", "customer_scores"}
    modes = {t: m for t, m in privacy.CUSTOMER_TABLES if t not in unfilled}
    assert all(_count(shop, table, modes[table], ALICE) > 0 for table in modes), {
        table: _count(shop, table, modes[table], ALICE) for table in modes
    }


def test_find_customer_by_phone_last_digits(shop):
    found = privacy.find_customers(shop, "5678")
    assert found["customer_id"].tolist() == ["alice"]


def test_find_customer_by_id_puts_the_exact_match_first(shop):
    assert privacy.find_customers(shop, "bob")["customer_id"].tolist()[0] == "bob"


def test_find_customer_refuses_an_empty_query(shop):
    with pytest.raises(InputError):
        privacy.find_customers(shop, "  ")


def test_delete_customer_removes_them_from_every_table(shop):
    counts = privacy.delete_customer(shop, ALICE, user="boss")
    for table, mode in privacy.CUSTOMER_TABLES:
        assert _count(shop, table, mode, ALICE) == 0, table
    assert counts["orders"] == 2 and counts["orders_replaced"] == 1
    assert counts["customer_profiles"] == 1 and counts["campaign_members"] == 1


def test_delete_customer_keeps_every_other_customers_rows(shop):
    before = _totals(shop)
    counts = privacy.delete_customer(shop, ALICE, user="boss")
    after = _totals(shop)
    assert {t: before[t] - after[t] for t in before} == counts
    bob = shop.execute("SELECT count(*) FROM orders WHERE customer_id = 'bob'").fetchone()[0]
    assert bob == 1
    assert shop.execute("SELECT count(*) FROM order_items WHERE order_id = 'B1'").fetchone()[0] == 1


def test_customer_summary_after_delete_equals_a_full_rebuild(shop):
    privacy.delete_customer(shop, ALICE, user="boss")
    kept = shop.execute("SELECT * FROM customers ORDER BY ALL").df()
    customers.refresh(shop)
    rebuilt = shop.execute("SELECT * FROM customers ORDER BY ALL").df()
    pd.testing.assert_frame_equal(kept, rebuilt)
    assert "alice" not in set(kept["customer_id"])


def test_delete_customer_is_recorded_without_the_data(shop):
    version = store.data_version(shop)
    counts = privacy.delete_customer(shop, ALICE, user="boss")
    log = privacy.deletion_log(shop)
    assert log[["user_name", "platform", "shop", "customer_id"]].iloc[0].tolist() == [
        "boss",
        "taobao",
        "测试店",
        "alice",
    ]
    assert json.loads(log["rows_deleted"].iloc[0]) == counts
    assert "13812345678" not in log.to_string()
    assert store.data_version(shop) == version + 1


def test_deleting_an_unknown_customer_refuses_and_changes_nothing(shop):
    before = _totals(shop)
    with pytest.raises(InputError):
        privacy.delete_customer(shop, privacy.CustomerKey("taobao", "测试店", "nobody"), user="x")
    assert _totals(shop) == before
    assert privacy.deletion_log(shop).empty


def test_profile_is_kept_when_another_shop_has_a_buyer_of_that_id(shop, tmp_path):
    other = [order("Z1", "alice", shop="另一家店", phone="13811112222")]
    import_orders(shop, write_export(tmp_path / "other.csv", other))
    counts = privacy.delete_customer(shop, ALICE, user="boss")
    assert counts["customer_profiles"] == 0
    assert privacy.find_customers(shop, "alice")["shop"].tolist() == ["另一家店"]


def test_export_customer_as_xlsx_has_a_sheet_per_table_with_full_phones(shop):
    data = privacy.export_customer(shop, ALICE, fmt="xlsx")
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="calamine")
    assert list(sheets) == [table for table, _ in privacy.CUSTOMER_TABLES]
    assert set(sheets["orders"]["order_id"]) == {"A1", "A2"}
    assert set(sheets["orders"]["phone"]) == {"13812345678"}


def test_export_customer_as_json_holds_every_table(shop):
    data = json.loads(privacy.export_customer(shop, ALICE, fmt="json"))
    assert set(data) == {table for table, _ in privacy.CUSTOMER_TABLES}
    assert {row["order_id"] for row in data["orders"]} == {"A1", "A2"}
    assert data["customer_profiles"][0]["gender"] == "男"


def test_export_neutralizes_formula_looking_ids(shop):
    key = privacy.CustomerKey("taobao", "测试店", "=HYPERLINK(1)")
    sheets = pd.read_excel(
        io.BytesIO(privacy.export_customer(shop, key)), sheet_name=None, engine="calamine"
    )
    assert sheets["orders"]["customer_id"].tolist() == ["'=HYPERLINK(1)"]


def test_delete_on_the_demo_shop_leaves_other_customers_intact(demo_con):
    some = demo_con.execute(
        "SELECT platform, shop, customer_id FROM customers ORDER BY revenue DESC LIMIT 1"
    ).fetchone()
    key = privacy.CustomerKey(*some)
    before = demo_con.execute("SELECT count(*), sum(revenue) FROM customers").fetchone()
    mine = demo_con.execute(
        "SELECT revenue FROM customers WHERE customer_id = ?", [key.customer_id]
    ).fetchone()[0]
    privacy.delete_customer(demo_con, key, user="boss")
    after = demo_con.execute("SELECT count(*), sum(revenue) FROM customers").fetchone()
    assert after == (before[0] - 1, before[1] - mine)
    assert privacy.find_customers(demo_con, key.customer_id).empty
