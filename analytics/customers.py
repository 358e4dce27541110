"""The customer summary: one row per buyer, kept up to date by every import.

Pages and reports read ``customers`` instead of scanning raw orders. ``refresh`` rebuilds
the rows of the buyers an import touched (or all of them) inside the caller's transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analytics.store import SHOP_FILTER

if TYPE_CHECKING:  # pandas loads with the first DataFrame (`import` never needs one)
    import pandas as pd

# {rows} is ``orders`` or ``orders`` restricted to the touched buyers. Only aggregates
# DuckDB can spill to disk: a struct arg_max or a list of days per buyer has to fit in
# memory and fails on a 10M-order shop under the import's memory limit.
_SUMMARY_SQL = """
INSERT INTO customers
SELECT o.platform, o.shop, o.customer_id,
    arg_max(o.customer_name, o.order_time) AS customer_name,
    arg_max(o.phone, o.order_time) AS phone,
    arg_max(o.province, o.order_time) AS province,
    arg_max(o.city, o.order_time) AS city,
    count(*) AS all_orders,
    min(o.order_time) AS first_seen,
    max(o.order_time) AS last_seen,
    count(*) FILTER (valid) AS valid_orders,
    min(o.order_time) FILTER (valid) AS first_order_time,
    max(o.order_time) FILTER (valid) AS last_order_time,
    coalesce(sum(o.amount - o.refund_amount) FILTER (valid), 0) AS revenue,
    sum(o.refund_amount) AS refund_amount,
    count(*) FILTER (o.refund_amount > 0) AS refunded_orders
FROM (
    SELECT *, status IN ('paid', 'shipped', 'completed')
        AND (refund_amount = 0 OR refund_amount < amount) AS valid
    FROM {rows}
    WHERE orders.customer_id IS NOT NULL  -- orders without a known buyer are no customer
) o
GROUP BY ALL
"""


def refresh(con, *, touched: str | None = None, rows: str = "orders") -> None:
    """Rebuild summary rows: for buyers listed in table ``touched`` (platform, shop,
    customer_id), or for everyone when ``touched`` is None. Runs in the caller's transaction.

    ``rows`` (everyone only) is a table holding every stored order, when there is one
    quicker to read than ``orders``: a first import's own rows, not yet committed.
    """
    if touched is None:
        con.execute("DELETE FROM customers")
        con.execute(_SUMMARY_SQL.format(rows=f"{rows} AS orders"))
        return
    con.execute(
        f"DELETE FROM customers c USING {touched} t "
        "WHERE c.platform = t.platform AND c.shop = t.shop AND c.customer_id = t.customer_id"
    )
    rows = (
        f"orders SEMI JOIN {touched} t ON orders.platform = t.platform "
        "AND orders.shop = t.shop AND orders.customer_id = t.customer_id"
    )
    con.execute(_SUMMARY_SQL.format(rows=rows))


_LIST_SQL = f"""
SELECT platform, shop, customer_id, customer_name, phone, province, city, valid_orders,
    revenue, first_order_time, last_order_time, all_orders, refund_amount
FROM customers
WHERE {SHOP_FILTER}
    AND ($search IS NULL OR customer_id ILIKE '%' || $search || '%'
         OR customer_name ILIKE '%' || $search || '%')
ORDER BY revenue DESC, customer_id
LIMIT $limit
"""


def customer_list(
    con, *, search: str | None = None, limit: int = 1000, shop: str | None = None
) -> pd.DataFrame:
    """Buyers by revenue, optionally those whose id or name contains ``search``."""
    return con.execute(_LIST_SQL, {"search": search or None, "limit": limit, "shop": shop}).df()
