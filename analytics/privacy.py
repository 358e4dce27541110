"""A customer's rights (PIPL): find one customer, export everything stored about them, and
delete them from every table in one transaction, leaving a record of the deletion.

``CUSTOMER_TABLES`` is the one list of tables holding a customer's data and how their rows
are found; a new table keyed by (platform, shop, customer_id) is one more line there. The
deletion record (``deletions``) keeps who, when, the customer key and rows per table, never
the data itself. Backups made before the deletion may still hold the customer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from analytics import export, store, views
from analytics.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: Every table holding a customer's rows, and how they are found:
#: ``customer`` = columns platform, shop, customer_id;
#: ``order`` = platform, shop and an order_id of the customer's orders;
#: ``profile`` = customer_id alone (profiles carry no shop; they are deleted only when no
#: other shop still has a customer with that id).
CUSTOMER_TABLES: tuple[tuple[str, str], ...] = (
    ("order_items", "order"),
    ("order_items_replaced", "order"),
    ("orders", "customer"),
    ("orders_replaced", "customer"),
    ("customer_profiles", "profile"),
    ("profiles_replaced", "profile"),
    ("campaign_members", "customer"),
    ("customers", "customer"),
    ("customer_scores", "customer"),
    # Undo bookkeeping (importers/replay.py, importers/buyermap.py): without these rows an
    # undo could not bring a deleted customer's orders back, but would still count them.
    ("import_keys", "order"),
    ("import_item_keys", "order"),
    ("import_profile_keys", "profile"),
    ("order_buyers", "customer"),
)

_WHERE = {
    "customer": "platform = $platform AND shop = $shop AND customer_id = $customer_id",
    "order": "platform = $platform AND shop = $shop AND list_contains($order_ids, order_id)",
    "profile": "customer_id = $customer_id AND $profile_owned",
}

# The customer's orders, current or replaced, except orders another buyer now holds.
_ORDER_IDS_SQL = """
SELECT DISTINCT order_id FROM (
    SELECT order_id FROM orders
    WHERE platform = $platform AND shop = $shop AND customer_id = $customer_id
    UNION ALL
    SELECT order_id FROM orders_replaced
    WHERE platform = $platform AND shop = $shop AND customer_id = $customer_id
) mine
WHERE order_id NOT IN (
    SELECT order_id FROM orders
    WHERE platform = $platform AND shop = $shop AND customer_id <> $customer_id
)
ORDER BY order_id
"""

# Whether the customer id is theirs alone (no other shop has a buyer of that id).
_PROFILE_OWNED_SQL = """
SELECT NOT EXISTS (
    SELECT 1 FROM orders
    WHERE customer_id = $customer_id AND NOT (platform = $platform AND shop = $shop)
)
"""

_FIND_SQL = """
SELECT platform, shop, customer_id, customer_name, phone, province, city, valid_orders,
    revenue, first_seen, last_seen
FROM customers
WHERE ($shop IS NULL OR platform || '/' || shop = $shop)
    AND (customer_id = $query
         OR customer_id ILIKE '%' || $query || '%'
         OR customer_name ILIKE '%' || $query || '%'
         OR ($digits AND regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')
             LIKE '%' || $query))
ORDER BY customer_id = $query DESC, last_seen DESC, customer_id
LIMIT $limit
"""

_RECORD_SQL = """
INSERT INTO deletions (deleted_at, user_name, platform, shop, customer_id, rows_deleted)
VALUES ($at, $user, $platform, $shop, $customer_id, $rows)
RETURNING deletion_id
"""


@dataclass(frozen=True)
class CustomerKey:
    """One customer: the platform, the shop and the platform's buyer id."""

    platform: str
    shop: str
    customer_id: str

    def __str__(self) -> str:
        return f"{self.platform}/{self.shop}/{self.customer_id}"


def find_customers(con, query: str, *, shop: str | None = None, limit: int = 50) -> pd.DataFrame:
    """Customers whose id or name contains ``query``, or whose phone ends in its digits
    (3 or more digits); an exact id first. ``shop`` is ``platform/shop`` or None (all)."""
    query = (query or "").strip()
    if not query:
        raise InputError("enter a customer id, a name or the last digits of a phone")
    digits = query.isdigit() and len(query) >= 3
    params = {"query": query, "digits": digits, "shop": shop, "limit": limit}
    return con.execute(_FIND_SQL, params).df()


def _params(con, key: CustomerKey) -> dict:
    key_params = {"platform": key.platform, "shop": key.shop, "customer_id": key.customer_id}
    order_ids = [r[0] for r in con.execute(_ORDER_IDS_SQL, key_params).fetchall()]
    owned = con.execute(_PROFILE_OWNED_SQL, key_params).fetchone()[0]
    return {**key_params, "order_ids": order_ids, "profile_owned": owned}


def _bound(sql: str, params: dict) -> dict:
    """Only the parameters ``sql`` names (DuckDB refuses unused named parameters)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def customer_record(con, key: CustomerKey) -> dict[str, pd.DataFrame]:
    """Everything stored about the customer: ``{table: rows}`` for every table of
    ``CUSTOMER_TABLES`` (empty frames included, so the export shows what was looked at)."""
    params = _params(con, key)
    record = {}
    for table, mode in CUSTOMER_TABLES:
        sql = f"SELECT * FROM {table} WHERE {_WHERE[mode]}"
        record[table] = con.execute(sql, _bound(sql, params)).df()
    return record


def export_customer(con, key: CustomerKey, *, fmt: str = "xlsx") -> bytes:
    """The customer's data as one file through the safe writer: ``xlsx`` (a sheet per
    table, full phones: it is the customer's own data) or ``json``."""
    record = customer_record(con, key)
    if not any(len(df) for df in record.values()):
        raise InputError(f"customer {key} not found")
    if fmt == "json":
        return export.to_json_bytes(record)
    if fmt != "xlsx":
        raise InputError(f"unknown format {fmt!r}; expected xlsx or json")
    return export.write_sheets(record, full_phone=True)


def delete_customer(con, key: CustomerKey, *, user: str) -> dict[str, int]:
    """Delete the customer from every table of ``CUSTOMER_TABLES`` in one transaction,
    record who did it and the rows removed per table, and bump the data version (scores
    and cached pages are rebuilt). Returns ``{table: rows deleted}``."""
    with store.transaction(con):
        params = _params(con, key)
        counts: dict[str, int] = {}
        for table, mode in CUSTOMER_TABLES:
            sql = f"DELETE FROM {table} WHERE {_WHERE[mode]}"
            counts[table] = int(con.execute(sql, _bound(sql, params)).fetchone()[0])
        if not any(counts.values()):
            raise InputError(f"customer {key} not found; nothing deleted")
        con.execute(
            _RECORD_SQL,
            {
                "at": datetime.now(),
                "user": user,
                "platform": key.platform,
                "shop": key.shop,
                "customer_id": key.customer_id,
                "rows": json.dumps(counts),
            },
        )
        views.clear(con)  # they may list the customer; the next rebuild stores them again
        store.bump_data_version(con)
    return counts


def deletion_log(con, *, limit: int = 1000) -> pd.DataFrame:
    """Recorded deletions, newest first (the customer key and row counts, no data)."""
    return con.execute(
        "SELECT deletion_id, deleted_at, user_name, platform, shop, customer_id, rows_deleted "
        "FROM deletions ORDER BY deleted_at DESC, deletion_id DESC LIMIT ?",
        [limit],
    ).df()
