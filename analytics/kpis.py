"""Headline KPIs (SPEC, seeds 000 and 003) and the sales series the Overview draws.

Over valid orders (paid/shipped/completed, not fully refunded; revenue net of refunds):
- customers: buyers with >= 1 valid order in the window
- aov 客单价: revenue / valid orders
- repurchase_rate 复购率: buyers with >= 2 valid orders in the window / buyers with >= 1
- returning_revenue_share 老客户占比: share of the window's revenue from those repeat buyers
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from analytics.store import SHOP_FILTER, shop_filter

if TYPE_CHECKING:  # pandas loads on first use: `report kpis` never needs it
    import pandas as pd

_KPIS_SQL = f"""
WITH per_buyer AS (
    SELECT platform, shop, customer_id, count(*) AS orders, sum(net_amount) AS revenue
    FROM valid_orders
    WHERE {SHOP_FILTER}
        AND ($start IS NULL OR order_time >= $start)
        AND ($end IS NULL OR order_time < $end)
    GROUP BY ALL
)
-- Orders without a known buyer (customer_id NULL: one row here) are sales, not a customer.
SELECT
    count(*) FILTER (customer_id IS NOT NULL) AS customers,
    coalesce(sum(orders), 0) AS valid_orders,
    coalesce(sum(revenue), 0) AS revenue,
    count(*) FILTER (orders >= 2 AND customer_id IS NOT NULL) AS repeat_customers,
    coalesce(sum(revenue) FILTER (orders >= 2 AND customer_id IS NOT NULL), 0) AS repeat_revenue,
    coalesce(sum(revenue) FILTER (customer_id IS NOT NULL), 0) AS buyer_revenue
FROM per_buyer
"""


@dataclass(frozen=True)
class Kpis:
    customers: int
    valid_orders: int
    revenue: float
    aov: float
    repurchase_rate: float
    returning_revenue_share: float


def kpis(
    con, *, start: date | None = None, end: date | None = None, shop: str | None = None
) -> Kpis:
    """KPIs over valid orders with start <= order date < end (None: unbounded).

    Ratios of an empty window are 0, never NaN.
    """
    customers, orders, revenue, repeaters, repeat_revenue, buyer_revenue = con.execute(
        _KPIS_SQL, {"start": start, "end": end, "shop": shop}
    ).fetchone()
    revenue = float(revenue)
    return Kpis(
        customers=int(customers),
        valid_orders=int(orders),
        revenue=round(revenue, 2),
        aov=round(revenue / orders, 2) if orders else 0.0,
        repurchase_rate=repeaters / customers if customers else 0.0,
        returning_revenue_share=(
            float(repeat_revenue) / float(buyer_revenue) if buyer_revenue else 0.0
        ),
    )


def kpi_change(con, *, as_of: date, days: int = 30, shop: str | None = None) -> pd.DataFrame:
    """The last ``days`` days up to as_of against the ``days`` before them.

    Columns: metric, current, previous, change (relative; NaN when the previous value is 0).
    """
    end = as_of + timedelta(days=1)
    cur = kpis(con, start=end - timedelta(days=days), end=end, shop=shop)
    prev = kpis(
        con, start=end - timedelta(days=2 * days), end=end - timedelta(days=days), shop=shop
    )
    rows = []
    for metric in Kpis.__dataclass_fields__:
        c, p = getattr(cur, metric), getattr(prev, metric)
        rows.append(
            {"metric": metric, "current": c, "previous": p, "change": (c - p) / p if p else None}
        )
    import pandas as pd

    return pd.DataFrame(rows)


# One row per period and buyer first (a group-by of plain columns), then per period: a
# count(DISTINCT (platform, shop, customer_id)) over the orders themselves is several
# times slower at a million orders. Orders without a known buyer form one group per
# period (their customer_id is NULL): they count in orders and revenue, not in customers.
_SALES_SQL = f"""
WITH firsts AS (
    SELECT platform, shop, customer_id, date_trunc($period, first_order_time) AS first_period
    FROM customers WHERE first_order_time IS NOT NULL AND {SHOP_FILTER}
),
per_buyer AS (
    SELECT date_trunc($period, o.order_time) AS period, o.platform, o.shop, o.customer_id,
           count(*) AS orders, sum(o.net_amount) AS revenue,
           coalesce(bool_or(f.first_period = date_trunc($period, o.order_time)), false)
               AS is_new
    FROM valid_orders o
    -- LEFT: orders without a known buyer still count as sales of the period.
    LEFT JOIN firsts f USING (platform, shop, customer_id)
    WHERE {shop_filter("o")}
        AND ($start IS NULL OR o.order_time >= $start)
        AND ($end IS NULL OR o.order_time < $end)
    GROUP BY ALL
)
SELECT CAST(period AS DATE) AS period_start,
       CAST(sum(orders) AS BIGINT) AS orders,
       sum(revenue) AS revenue,
       count(customer_id) AS customers,
       count(*) FILTER (is_new) AS new_customers,
       CAST(coalesce(sum(orders) FILTER (is_new), 0) AS BIGINT) AS new_customer_orders
FROM per_buyer
GROUP BY ALL
ORDER BY period_start
"""


def sales_by_period(
    con,
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Valid orders per month or week (weeks start on Monday).

    Columns: period_start, orders, revenue, customers, new_customers (first valid order in
    the period), new_customer_orders, returning_customers (bought in the period, first
    valid order earlier), aov.
    """
    if period not in ("month", "week"):
        raise ValueError(f"period must be 'month' or 'week', not {period!r}")
    df = con.execute(_SALES_SQL, {"period": period, "start": start, "end": end, "shop": shop}).df()
    df["returning_customers"] = df["customers"] - df["new_customers"]
    df["aov"] = (df["revenue"] / df["orders"]).round(2)
    return df
