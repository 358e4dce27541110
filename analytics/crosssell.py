"""Cross-sell and upsell (issue 15): products bought together, "bought A, not yet B", and
buyers of the cheaper variants of a category.

Order lines. Every valid order up to as_of gives one line per product: its ``order_items``
rows when the export had lines (宝贝报表 / line-grain exports: title, category, quantity,
price), otherwise its 宝贝标题 split on the repurchase settings' ``title_separator`` (a
multi-item order's titles are joined with "，"), each title a line of quantity
``item_count`` (when the order holds one product, else 1) and unit price net amount /
(products × quantity). A line's category is its own, else the first keyword rule of the
repurchase settings that its title contains, else the title (see ``analytics.repurchase``).

Pairs (:func:`product_pairs`). A basket is an order (``basket="order"``) or everything a
customer bought (``basket="customer"``). For items A and B: ``count_a`` baskets hold A,
``count_ab`` hold both; support = count_ab / baskets, confidence = count_ab / count_a
(P(B | A)), lift = confidence / (count_b / baskets). Pairs with at least ``min_count``
baskets together are kept, both directions. Suggestion: ``bundle`` 套餐 when lift >=
``bundle_lift`` and confidence >= ``bundle_confidence``, else ``recommend`` 关联推荐.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.errors import InputError
from analytics.repurchase import keyword_ctes, keyword_params, load_settings
from analytics.store import SHOP_FILTER

LEVELS = ("product", "category")
BASKETS = ("order", "customer")

#: Valid orders' lines up to $as_of (see the module docstring), categories named by the
#: repurchase keyword rules (``repurchase.keyword_ctes``). Parameters: :func:`line_params`.
LINES_CTE = f"""
sales AS (
    SELECT platform, shop, order_id, customer_id, CAST(order_time AS DATE) AS day,
        product, item_count, CAST(net_amount AS DOUBLE) AS net_amount
    FROM valid_orders
    WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
),
item_lines AS (
    SELECT s.platform, s.shop, s.order_id, s.customer_id, s.day, trim(i.title) AS product,
        nullif(trim(i.category), '') AS category, coalesce(i.quantity, 1) AS quantity,
        CAST(coalesce(i.price, s.net_amount / greatest(coalesce(i.quantity, 1), 1)) AS DOUBLE)
            AS unit_price
    FROM sales s
    JOIN order_items i ON i.platform = s.platform AND i.shop = s.shop AND i.order_id = s.order_id
    WHERE nullif(trim(i.title), '') IS NOT NULL
),
split AS (
    SELECT s.*, trim(unnest(CASE WHEN $separator <> ''
        THEN string_split(s.product, $separator) ELSE [s.product] END)) AS title
    FROM sales s
    ANTI JOIN item_lines i
        ON i.platform = s.platform AND i.shop = s.shop AND i.order_id = s.order_id
    WHERE nullif(trim(s.product), '') IS NOT NULL
),
title_lines AS (
    SELECT platform, shop, order_id, customer_id, day, title AS product,
        CAST(NULL AS VARCHAR) AS category,
        CASE WHEN count(*) OVER o = 1 THEN greatest(coalesce(item_count, 1), 1) ELSE 1 END
            AS quantity,
        net_amount / count(*) OVER o
            / CASE WHEN count(*) OVER o = 1 THEN greatest(coalesce(item_count, 1), 1) ELSE 1 END
            AS unit_price
    FROM split
    WHERE title <> ''
    WINDOW o AS (PARTITION BY platform, shop, order_id)
),
raw_lines AS (
    SELECT * FROM item_lines UNION ALL SELECT * FROM title_lines
),
{keyword_ctes("raw_lines")},
lines AS (
    SELECT l.* REPLACE (coalesce(l.category, d.category, l.product) AS category)
    FROM raw_lines l LEFT JOIN derived d USING (product)
)"""


def line_params(con, *, as_of: date, shop: str | None) -> dict:
    """The parameters of :data:`LINES_CTE` from the stored repurchase settings."""
    cfg = load_settings(con)
    params = {"as_of": as_of, "shop": shop, "separator": cfg.title_separator or ""}
    return params | keyword_params(cfg)


def order_lines(con, *, as_of: date, shop: str | None = None) -> pd.DataFrame:
    """Every valid order's lines up to as_of. Columns: platform, shop, order_id,
    customer_id, day, product, category, quantity, unit_price."""
    sql = f"WITH {LINES_CTE} SELECT * FROM lines ORDER BY platform, shop, order_id, product"
    return con.execute(sql, line_params(con, as_of=as_of, shop=shop)).df()


def categories(con, *, as_of: date, shop: str | None = None) -> list[str]:
    """The shop's categories, most buyers first."""
    sql = f"""WITH {LINES_CTE}
    SELECT category FROM lines GROUP BY category
    ORDER BY count(DISTINCT (platform, shop, customer_id)) DESC, category"""
    return [r[0] for r in con.execute(sql, line_params(con, as_of=as_of, shop=shop)).fetchall()]


_PAIRS_SQL = f"""
WITH {LINES_CTE},
items AS (
    SELECT DISTINCT CASE WHEN $by_order THEN concat_ws('|', platform, shop, order_id)
            ELSE concat_ws('|', platform, shop, customer_id) END AS basket,
        CASE WHEN $level = 'category' THEN category ELSE product END AS item
    FROM lines
),
n AS (SELECT count(DISTINCT basket) AS baskets FROM items),
single AS (SELECT item, count(*) AS cnt FROM items GROUP BY item),
pairs AS (
    SELECT a.item AS item_a, b.item AS item_b, count(*) AS count_ab
    FROM items a JOIN items b ON a.basket = b.basket AND a.item <> b.item
    GROUP BY ALL
    HAVING count(*) >= $min_count
)
SELECT p.item_a, p.item_b, sa.cnt AS count_a, sb.cnt AS count_b, p.count_ab,
    p.count_ab / n.baskets AS support,
    p.count_ab / sa.cnt AS confidence,
    (p.count_ab / sa.cnt) / (sb.cnt / n.baskets) AS lift
FROM pairs p, n
JOIN single sa ON sa.item = p.item_a
JOIN single sb ON sb.item = p.item_b
ORDER BY lift DESC, p.count_ab DESC, p.item_a, p.item_b
"""

PAIR_COLUMNS = (
    "item_a",
    "item_b",
    "count_a",
    "count_b",
    "count_ab",
    "support",
    "confidence",
    "lift",
    "suggestion",
)


def product_pairs(
    con,
    *,
    as_of: date,
    level: str = "product",
    basket: str = "order",
    min_count: int = 3,
    bundle_lift: float = 2.0,
    bundle_confidence: float = 0.3,
    shop: str | None = None,
) -> pd.DataFrame:
    """Items bought together (module docstring), highest lift first. Columns: PAIR_COLUMNS."""
    if level not in LEVELS:
        raise InputError(f"level must be one of {LEVELS}; got {level!r}")
    if basket not in BASKETS:
        raise InputError(f"basket must be one of {BASKETS}; got {basket!r}")
    if not isinstance(min_count, int) or min_count < 1:
        raise InputError(f"min_count must be a whole number >= 1; got {min_count!r}")
    params = line_params(con, as_of=as_of, shop=shop)
    params |= {"level": level, "by_order": basket == "order", "min_count": min_count}
    df = con.execute(_PAIRS_SQL, params).df()
    df = df.astype({"count_a": "int64", "count_b": "int64", "count_ab": "int64"})
    bundle = (df["lift"] >= bundle_lift) & (df["confidence"] >= bundle_confidence)
    df["suggestion"] = bundle.map({True: "bundle", False: "recommend"})
    return df[list(PAIR_COLUMNS)].reset_index(drop=True)


def parse_pair(value: str) -> tuple[str, str]:
    """``"A,B"`` (or "A，B") -> ("A", "B"): bought A, not yet B."""
    text = str(value or "").replace("，", ",")
    first, sep, second = text.partition(",")
    first, second = first.strip(), second.strip()
    if not sep or not first or not second:
        raise InputError(
            f"cross_sell needs two products, 'A,B' (bought A, not yet B); got {value!r}"
        )
    return first, second


_NOT_YET_SQL = f"""
WITH {LINES_CTE},
per AS (
    SELECT platform, shop, customer_id,
        max(day) FILTER (contains(lower(product), lower($a))) AS last_a,
        arg_max(product, day) FILTER (contains(lower(product), lower($a))) AS product_a,
        count(*) FILTER (contains(lower(product), lower($b))) AS bought_b
    FROM lines
    GROUP BY ALL
)
SELECT platform, shop, customer_id, last_a, product_a
FROM per
WHERE last_a IS NOT NULL AND bought_b = 0
ORDER BY last_a DESC, platform, shop, customer_id
"""


def bought_not_yet(
    con, *, first: str, second: str, as_of: date, shop: str | None = None
) -> pd.DataFrame:
    """Customers who bought a product whose title contains ``first`` and never one whose
    title contains ``second`` (case-insensitive), up to as_of. Columns: platform, shop,
    customer_id, last_a (their last day buying A), product_a (that title)."""
    params = line_params(con, as_of=as_of, shop=shop) | {"a": first, "b": second}
    df = con.execute(_NOT_YET_SQL, params).df()
    df["last_a"] = pd.to_datetime(df["last_a"]).dt.date
    return df


def parse_upsell(value: str) -> tuple[str, float | None]:
    """``"category"`` or ``"category,price"`` -> (category, price or None)."""
    text = str(value or "").replace("，", ",")
    category, _, price = text.partition(",")
    category, price = category.strip(), price.strip()
    if not category:
        raise InputError(f"upsell needs a category, e.g. 洗护 or 洗护,100; got {value!r}")
    if not price:
        return category, None
    try:
        number = float(price)
    except ValueError:
        raise InputError(f"upsell price must be a number, e.g. 洗护,100; got {price!r}") from None
    if not number > 0:
        raise InputError(f"upsell price must be greater than 0; got {price!r}")
    return category, number


_UPSELL_SQL = f"""
WITH {LINES_CTE},
cat AS (SELECT * FROM lines WHERE category = $category),
threshold AS (
    SELECT coalesce(CAST($price AS DOUBLE), quantile_cont(unit_price, 0.5)) AS price FROM cat
)
SELECT c.platform, c.shop, c.customer_id, max(c.unit_price) AS max_price,
    any_value(t.price) AS price, max(c.day) AS last_day
FROM cat c, threshold t
GROUP BY ALL
HAVING max(c.unit_price) < any_value(t.price) - 1e-9
ORDER BY max_price DESC, last_day DESC, platform, shop, customer_id
"""


def upsell_candidates(
    con, *, category: str, price: float | None = None, as_of: date, shop: str | None = None
) -> pd.DataFrame:
    """Buyers of ``category`` who never paid ``price`` or more per unit in it (default
    price: the median unit price of the category's lines). Columns: platform, shop,
    customer_id, max_price (the dearest unit they bought), price (the threshold), last_day."""
    params = line_params(con, as_of=as_of, shop=shop) | {"category": category, "price": price}
    df = con.execute(_UPSELL_SQL, params).df()
    df["last_day"] = pd.to_datetime(df["last_day"]).dt.date
    return df
