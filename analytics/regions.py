"""Where customers are (seed 000 地域分类): buyers and revenue by province and city."""

from __future__ import annotations

import pandas as pd

from analytics.store import SHOP_FILTER

_PROVINCES_SQL = f"""
SELECT coalesce(province, '未知') AS province,
    count(*) AS customers,
    sum(valid_orders) AS orders,
    sum(revenue) AS revenue,
    sum(revenue) / sum(sum(revenue)) OVER () AS revenue_share
FROM customers
WHERE valid_orders > 0 AND {SHOP_FILTER}
GROUP BY ALL
ORDER BY revenue DESC
LIMIT $limit
"""


def provinces(con, *, limit: int = 40, shop: str | None = None) -> pd.DataFrame:
    """Buyers (>= 1 valid order) by province of their latest address, by revenue.

    Columns: province ('未知' when the address had none), customers, orders, revenue,
    revenue_share (of all buyers' revenue).
    """
    return con.execute(_PROVINCES_SQL, {"limit": limit, "shop": shop}).df()


_CITIES_SQL = f"""
SELECT coalesce(province, '未知') AS province,
    coalesce(city, '未知') AS city,
    count(*) AS customers,
    sum(valid_orders) AS orders,
    sum(revenue) AS revenue,
    sum(revenue) / sum(sum(revenue)) OVER () AS revenue_share
FROM customers
WHERE valid_orders > 0 AND {SHOP_FILTER}
    AND ($province IS NULL OR coalesce(province, '未知') = $province)
GROUP BY ALL
ORDER BY revenue DESC, province, city
LIMIT $limit
"""


def cities(
    con, *, province: str | None = None, limit: int = 40, shop: str | None = None
) -> pd.DataFrame:
    """Buyers (>= 1 valid order) by city of their latest address, by revenue; only the
    cities of ``province`` when given ('未知' selects buyers with no province).

    Columns: province, city ('未知' when unknown), customers, orders, revenue,
    revenue_share (of the revenue of the buyers selected: all, or that province's).
    """
    return con.execute(_CITIES_SQL, {"province": province, "limit": limit, "shop": shop}).df()
