"""The store: a database written by an older LaoKe opens in this one with nothing lost."""

from __future__ import annotations

import duckdb

from analytics import store
from analytics.importers import import_orders
from tests.conftest import OLD_CUSTOMERS_INSERT
from tests.taobao_export import order, write_export


def _database_at_version(path, version: int) -> None:
    con = duckdb.connect(str(path))
    for number, script in enumerate(store.MIGRATIONS[:version], start=1):
        con.execute(script)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(number)])
    con.close()


def _customers_key_constraints(con) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'customers' "
            "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
    ]


def _nullable(con, table: str) -> dict[str, str]:
    """Column -> 'YES' / 'NO': whether ``table``'s column may hold NULL."""
    return dict(
        con.execute(
            "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = ?",
            [table],
        ).fetchall()
    )


def test_a_new_database_is_at_the_latest_schema(tmp_path):
    con = store.connect(tmp_path / "new.duckdb")
    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert _customers_key_constraints(con) == []


def test_a_version_2_database_keeps_its_orders_and_customers(tmp_path):
    db = tmp_path / "v2.duckdb"
    _database_at_version(db, 2)
    # Orders and a summary written with the version-2 schema (customers had a primary key).
    con = duckdb.connect(str(db))
    assert _customers_key_constraints(con) == ["PRIMARY KEY"]
    con.close()
    # Rows to copy in: the orders' columns are v2's; customers lacks two that v2 had.
    v2 = store.connect(tmp_path / "scratch.duckdb")
    rows = [
        order("1001", "amy", time="2024-01-05 10:00:00"),
        order("1002", "amy", time="2024-03-01 09:30:00", paid="59.90"),
        order("1003", "bob", status="交易关闭"),
        order("1004", "cat", refund="20.00"),
    ]
    import_orders(v2, write_export(tmp_path / "orders.csv", rows))
    rows_orders = v2.execute("SELECT * FROM orders ORDER BY order_id").fetchall()
    rows_customers = v2.execute("SELECT * FROM customers ORDER BY customer_id").fetchall()
    v2.close()
    con = duckdb.connect(str(db))
    con.execute("ATTACH ? AS scratch", [str(tmp_path / "scratch.duckdb")])
    con.execute("INSERT INTO orders SELECT * FROM scratch.orders")
    con.execute(OLD_CUSTOMERS_INSERT)
    con.close()

    con = store.connect(db)

    assert store.schema_version(con) == store.SCHEMA_VERSION
    assert _customers_key_constraints(con) == []
    assert con.execute("SELECT * FROM orders ORDER BY order_id").fetchall() == rows_orders
    assert con.execute("SELECT * FROM customers ORDER BY customer_id").fetchall() == rows_customers
    # Constraints other than the key survive the migration.
    nullable = _nullable(con, "customers")
    assert nullable["customer_id"] == "NO" and nullable["customer_name"] == "YES"


def _compressions(con, table: str, column: str) -> set[str]:
    return {
        row[0]
        for row in con.execute(
            "SELECT compression FROM pragma_storage_info(?) "
            "WHERE column_name = ? AND segment_type = 'VARCHAR'",
            [table, column],
        ).fetchall()
    }


#: (table, column): the nearly-distinct text keys V11 stores with ZSTD.
_ZSTD_KEYS = (
    ("orders", "order_id"),
    ("orders", "customer_id"),
    ("orders", "phone"),
    ("customers", "customer_id"),
    ("customers", "phone"),
    ("import_keys", "order_id"),
)


def test_a_version_10_database_keeps_its_rows_with_its_keys_stored_as_zstd(tmp_path):
    db = tmp_path / "v10.duckdb"
    _database_at_version(db, 10)
    scratch = store.connect(tmp_path / "scratch.duckdb")
    rows = [order(f"10{i:02d}", f"buyer{i % 7}", phone=f"1380000{i:04d}") for i in range(40)]
    import_orders(scratch, write_export(tmp_path / "orders.csv", rows))
    tables = ("orders", "customers", "import_keys", "imports")
    before = {t: scratch.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    scratch.close()
    con = duckdb.connect(str(db))
    con.execute("ATTACH ? AS scratch", [str(tmp_path / "scratch.duckdb")])
    for table in tables:
        con.execute(f"INSERT INTO {table} SELECT * FROM scratch.{table}")
    assert _compressions(con, "orders", "order_id") != {"ZSTD"}
    con.close()

    con = store.connect(db)
    con.execute("CHECKPOINT")

    assert store.schema_version(con) == store.SCHEMA_VERSION
    for table in tables:
        assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == before[table]
    for table, column in _ZSTD_KEYS:
        assert _compressions(con, table, column) == {"ZSTD"}, (table, column)
    # The views over the orders read the rebuilt table; the constraints came along.
    assert con.execute("SELECT count(*) FROM buyer_valid_orders").fetchone()[0] == 40
    nullable = _nullable(con, "orders")
    assert nullable["order_id"] == "NO" and nullable["customer_id"] == "YES"
