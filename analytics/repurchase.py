"""Repurchase cycles, the reminder list and the churn warning (SPEC "Repurchase cycle").

Seeds 000 and 002: a customer who buys a 30-day bottle of shampoo is reminded on day 25
(``remind_before_days`` = 5); a customer overdue against their own rhythm or their
product's cycle (default 1.5x) gets a churn warning.

What a "product" is. An order's products are the titles of its ``order_items`` lines when
the platform exported lines (and at least one has a title); otherwise the order's
``orders.product`` (宝贝标题) split on ``RepurchaseSettings.title_separator`` (the seller
center joins the titles of a multi-item order with "，"; "" keeps the title whole). Titles
are trimmed; orders with neither give no product (they still count for a customer's own
rhythm in :func:`churn_risk`).

Who a customer is. (platform, shop, customer_id); names come from the customer summary
(``customers``, refreshed by every import).

What a "category" is. ``order_items.category`` where the line has one; otherwise the
first row of ``RepurchaseSettings.category_keywords`` (keyword, category) whose keyword
occurs in the product title (case-insensitive; earlier rows win, so put the specific
keyword before the general one: 洗发水 before 茶); otherwise the title itself, so a
product no rule knows keeps its own cycle instead of being lumped with others.

Cycles. A purchase of a product is a calendar day on which a customer had a valid order
(SPEC: paid/shipped/completed, not fully refunded) holding it, on or before ``as_of``.
For each customer and product the gaps between consecutive purchase days are pooled over
all customers; a product's cycle is the median of its pooled gaps (quartiles by linear
interpolation, like numpy's default), shown once at least ``min_customers`` customers
bought it on two or more days.

Public functions:
    product_cycles  median and quartiles of the days between purchases, per product/category
    reminders       customers whose reminder day falls in the next ``within_days`` days
    churn_risk      customers overdue against their own or their product's cycle
    p_alive_matrix  BG/NBD P(alive) by purchase days x days since the last purchase
    top_clv         the customers with the highest CLV, with their names
    load_settings   the stored ``RepurchaseSettings`` (defaults when none stored)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics import clv, once, settings
from analytics.errors import InputError
from analytics.store import SHOP_FILTER

#: Name of the settings row (``analytics.settings.load(con, SETTINGS_NAME, ...)``).
SETTINGS_NAME = "repurchase"
LEVELS = ("product", "category")

#: Keyword -> category rules for titles without a category; earlier rows win.
DEFAULT_CATEGORY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("洗发水", "洗护"),
    ("洗发露", "洗护"),
    ("护发素", "洗护"),
    ("沐浴露", "洗护"),
    ("牙膏", "洗护"),
    ("面膜", "护肤"),
    ("面霜", "护肤"),
    ("精华", "护肤"),
    ("乳液", "护肤"),
    ("爽肤水", "护肤"),
    ("洗面奶", "护肤"),
    ("猫粮", "宠物"),
    ("狗粮", "宠物"),
    ("猫砂", "宠物"),
    ("奶粉", "母婴"),
    ("纸尿裤", "母婴"),
    ("尿不湿", "母婴"),
    ("洗衣液", "家清"),
    ("洗衣粉", "家清"),
    ("洗洁精", "家清"),
    ("抽纸", "家清"),
    ("咖啡", "茶饮"),
    ("茶", "茶饮"),
    ("零食", "零食"),
    ("坚果", "零食"),
)


@dataclass(frozen=True)
class RepurchaseSettings:
    """Thresholds of the reminder list and the churn warning (settings name "repurchase").

    - ``remind_before_days``: remind this many days before the expected purchase (seed 002:
      a 30-day shampoo is reminded on day 25).
    - ``overdue_factor``: a customer is overdue after this many times their expected gap
      (SPEC churn warning, 1.5).
    - ``min_customers``: a product needs this many customers who bought it on two or more
      days before its cycle is used.
    - ``recent_paid_days``: leave out of the reminder list customers who paid another order
      in this many days up to as-of (SPEC target lists, seed 000 cart marketing; 0: off).
    - ``churn_max_days``: the churn warning looks at customers whose last valid order is at
      most this many days old; older ones are already lost (SPEC lifecycle: lost > 360;
      0: no limit).
    - ``title_separator``: splits a multi-item 宝贝标题 into products ("": never split).
    - ``category_keywords``: (keyword, category) rules, see the module docstring.
    """

    remind_before_days: int = 5
    overdue_factor: float = 1.5
    min_customers: int = 5
    recent_paid_days: int = 15
    churn_max_days: int = 360
    title_separator: str = "，"
    category_keywords: tuple[tuple[str, str], ...] = DEFAULT_CATEGORY_KEYWORDS


@once.shared
def load_settings(con) -> RepurchaseSettings:
    """The stored repurchase settings (SPEC defaults when none are stored; read once in an
    :func:`analytics.once.block`)."""
    return settings.load(con, SETTINGS_NAME, RepurchaseSettings)


# --------------------------------------------------------------------------- SQL

# The purchase CTEs, for items named by ``{item}`` (a product, or a category expression
# over ``products p`` and ``derived d``):
#   sales      valid orders up to $as_of in the shop (every other table joins through it)
#   products   one row per sale x product: its order lines' titles, else its split 宝贝标题
#   catalog    item names by ``item_key``
#   ordered    per customer x item, each purchase row with ``gap`` (days since the previous
#              row's day: 0 for a second order on the same day) and ``nth`` (1 on the first
#              purchase day, 2 on the second, ...)
#   purchases  one row per customer x item x purchase day (same-day orders are one)
#   cycles     per item with at least $min_customers repeat customers: quartiles of the gaps
#   people     the shop's customers (identity and name) by ``customer_key``
# A customer is keyed by a 64-bit hash of (platform, shop, customer_id) and a customer's
# history of one item by the hash of that and the item: windows over one integer key run
# several times faster than over four strings, and the identity joins back only onto the
# rows returned. Two keys would have to collide for two histories to mix (odds about
# n^2 / 2^65: 3 in 100 million for a million keys).
_KEYWORD_CTES = """
keywords AS (
    SELECT unnest(CAST($keywords AS VARCHAR[])) AS keyword,
           unnest(CAST($keyword_categories AS VARCHAR[])) AS category,
           generate_subscripts(CAST($keywords AS VARCHAR[]), 1) AS rank
),
derived AS (
    SELECT p.product, arg_min(k.category, k.rank) AS category
    FROM (SELECT DISTINCT product FROM {products} WHERE category IS NULL) p
    JOIN keywords k ON contains(lower(p.product), lower(k.keyword))
    GROUP BY p.product
)"""


def keyword_ctes(products: str) -> str:
    """The CTEs ``keywords`` (the rules $keywords -> $keyword_categories, ranked) and
    ``derived`` (product, category): for each product of the CTE ``products`` (columns
    product, category) without a category, the first rule its title contains (module
    docstring). Parameters: :func:`keyword_params`."""
    return _KEYWORD_CTES.format(products=products)


def keyword_params(cfg: RepurchaseSettings) -> dict:
    """$keywords and $keyword_categories of :func:`keyword_ctes` from the settings."""
    rules = tuple(cfg.category_keywords)
    return {
        "keywords": [str(keyword) for keyword, _category in rules],
        "keyword_categories": [str(category) for _keyword, category in rules],
    }


_SALES_CTE = f"""
sales AS NOT MATERIALIZED (
    SELECT hash(platform, shop, customer_id) AS customer_key, platform, shop, order_id,
           CAST(order_time AS DATE) AS day, product, net_amount
    FROM buyer_valid_orders
    WHERE CAST(order_time AS DATE) <= $as_of AND {SHOP_FILTER}
)"""
_ROWS_TEMPLATE = """
titled AS (
    SELECT s.customer_key, s.day, coalesce(i.title, s.product) AS title, i.category,
           i.title IS NULL AS from_order
    FROM sales s
    LEFT JOIN (
        SELECT platform, shop, order_id, trim(title) AS title,
               nullif(trim(category), '') AS category
        FROM order_items
        WHERE nullif(trim(title), '') IS NOT NULL
    ) i ON i.platform = s.platform AND i.shop = s.shop AND i.order_id = s.order_id
),
products AS (
    SELECT customer_key, day, trim(title) AS product, category
    FROM titled
    WHERE NOT (from_order AND $separator <> '' AND contains(title, $separator))
    UNION ALL
    SELECT customer_key, day, trim(unnest(string_split(title, $separator))) AS product,
           CAST(NULL AS VARCHAR) AS category
    FROM titled
    WHERE from_order AND $separator <> '' AND contains(title, $separator)
),
{keywords},
named AS NOT MATERIALIZED (
    SELECT p.customer_key, p.day, {item} AS item
    FROM products p
    {join}
    WHERE p.product IS NOT NULL AND p.product <> ''
),
catalog AS (
    SELECT DISTINCT hash(item) AS item_key, item FROM named
),
ordered AS (
    SELECT customer_key, item_key, day,
        date_diff('day', lag(day) OVER history, day) AS gap,
        dense_rank() OVER history AS nth
    FROM (SELECT customer_key, hash(item) AS item_key, day FROM named)
    WINDOW history AS (PARTITION BY hash(customer_key, item_key) ORDER BY day)
),
purchases AS (
    SELECT * FROM ordered WHERE gap IS NULL OR gap > 0
)"""
_ROWS = {
    "product": _ROWS_TEMPLATE.format(item="p.product", join="", keywords=keyword_ctes("products")),
    "category": _ROWS_TEMPLATE.format(
        item="coalesce(p.category, d.category, p.product)",
        join="LEFT JOIN derived d ON d.product = p.product",
        keywords=keyword_ctes("products"),
    ),
}
# The same ``purchases`` and ``catalog`` read from a TEMP table of the purchase rows
# (``_PURCHASE_ROWS_SQL``), computed once for a rebuild of the stored views.
_FROM_ROWS = """
purchases AS (SELECT customer_key, item_key, day, gap, nth FROM temp.{table}),
catalog AS (SELECT DISTINCT item_key, item FROM temp.{table})"""
_CYCLES_PEOPLE = f"""
cycles AS (
    SELECT item_key,
        count(*) FILTER (nth = 2) AS customers,
        quantile_cont(gap, [0.5, 0.25, 0.75]) AS quartiles,
        count(gap) AS purchases,
        count(*) FILTER (nth = 1) AS buyers
    FROM purchases
    GROUP BY item_key
    HAVING customers >= $min_customers
),
people AS (
    SELECT hash(platform, shop, customer_id) AS customer_key, platform, shop, customer_id,
           customer_name
    FROM customers
    WHERE {SHOP_FILTER}
)"""
_PURCHASES_TEMPLATE = {
    level: f"{_SALES_CTE},{rows},{_CYCLES_PEOPLE}" for level, rows in _ROWS.items()
}
_PRODUCT_CTES = _PURCHASES_TEMPLATE["product"]
_CATEGORY_CTES = _PURCHASES_TEMPLATE["category"]
_PURCHASE_ROWS_SQL = {
    level: f"""WITH {_SALES_CTE},{rows}
SELECT p.customer_key, p.item_key, k.item, p.day, p.gap, p.nth
FROM purchases p JOIN catalog k USING (item_key)"""
    for level, rows in _ROWS.items()
}


#: Levels whose purchase rows serve several stored views (cycles, reminders, churn
#: warning, the agenda); the category rows serve one, so they are not materialized.
_SHARED_LEVELS = ("product",)


def _ctes(con, level: str, params: dict) -> str:
    """``WITH`` and the purchase CTEs of ``level``; inside :func:`analytics.once.block`
    the product purchase rows are computed once and read from a TEMP table."""
    table = None
    if level in _SHARED_LEVELS:
        table = once.temp_table(con, _PURCHASE_ROWS_SQL[level], params)
    if table is None:
        return f"WITH {_PURCHASES_TEMPLATE[level]}"
    return f"WITH {_SALES_CTE},{_FROM_ROWS.format(table=table)},{_CYCLES_PEOPLE}"


def _run(con, level: str, tail: str, params: dict) -> pd.DataFrame:
    """The rows of ``tail`` over the purchase CTEs (an identical query within an
    :func:`analytics.once.block` runs once: the churn warning's view and the agenda's)."""
    return once.frame(con, _ctes(con, level, params) + tail, params)


_CYCLES_SELECT = """
SELECT k.item, c.customers, c.quartiles[1] AS median_days, c.quartiles[2] AS p25_days,
       c.quartiles[3] AS p75_days, c.purchases, c.buyers
FROM cycles c
JOIN catalog k USING (item_key)
ORDER BY c.customers DESC, median_days, k.item
"""
_CYCLES_SQL = {level: f"WITH {ctes}{_CYCLES_SELECT}" for level, ctes in _PURCHASES_TEMPLATE.items()}

# The last purchase of each customer x product with a cycle, its expected successor
# (last + cycle rounded to whole days) and reminder day (expected - $remind_before);
# left out when the customer paid another order after it within the last $recent_paid days.
# Only purchases on or after the first day that could still be remembered are grouped.
_REMINDERS_TAIL = """,
due AS (
    SELECT p.customer_key, p.item_key, max(p.day) AS last_purchase,
           any_value(c.cycle_days) AS cycle_days
    FROM purchases p
    JOIN (SELECT item_key, CAST(round(quartiles[1]) AS INTEGER) AS cycle_days FROM cycles) c
        USING (item_key)
    WHERE p.day + c.cycle_days - $remind_before >= $as_of
    GROUP BY p.customer_key, p.item_key
    HAVING max(p.day) + any_value(c.cycle_days) - $remind_before <= $as_of + $within
)
SELECT c.platform, c.shop, c.customer_id, c.customer_name, k.item AS product,
       d.last_purchase, d.cycle_days,
       d.last_purchase + d.cycle_days AS expected_date,
       d.last_purchase + d.cycle_days - $remind_before AS remind_date,
       date_diff('day', $as_of, d.last_purchase + d.cycle_days) AS days_until_expected
FROM due d
JOIN people c USING (customer_key)
JOIN catalog k USING (item_key)
WHERE NOT EXISTS (
    SELECT 1 FROM sales s
    WHERE s.customer_key = d.customer_key
        AND s.day > d.last_purchase AND s.day > $as_of - $recent_paid
)
ORDER BY remind_date, expected_date, c.platform, c.shop, c.customer_id, product
"""
_REMINDERS_SQL = f"WITH {_PRODUCT_CTES}{_REMINDERS_TAIL}"

# Per customer: purchase occasions (days with a valid order) and the median of their own
# gaps; for those with fewer than two gaps and a sale in the last $max_days days, the cycle
# of their main product: of the products with a cycle they bought, the one bought on the
# most days, then the most recently, then the shortest cycle (the purchase due first).
_CHURN_TAIL = """,
visits AS (
    SELECT customer_key, day, net_amount,
        date_diff('day', lag(day) OVER (PARTITION BY customer_key ORDER BY day), day) AS gap
    FROM sales
),
own AS (
    SELECT customer_key,
        min(day) AS first_order_date,
        max(day) AS last_order_date,
        sum(net_amount) AS revenue,
        count(*) FILTER (gap > 0) AS gaps,
        quantile_cont(gap, 0.5) FILTER (gap > 0) AS own_gap
    FROM visits
    GROUP BY customer_key
    HAVING $max_days = 0 OR max(day) >= $as_of - $max_days
),
main_product AS (
    SELECT h.customer_key,
           arg_min(c.median_days, (-h.days, -epoch(h.last_day), c.median_days))
               AS median_days
    FROM (
        SELECT p.customer_key, p.item_key, count(*) AS days, max(p.day) AS last_day
        FROM purchases p
        SEMI JOIN own o ON o.customer_key = p.customer_key AND o.gaps < 2
        GROUP BY p.customer_key, p.item_key
    ) h
    JOIN (SELECT item_key, quartiles[1] AS median_days FROM cycles) c USING (item_key)
    GROUP BY h.customer_key
),
assessed AS (
    SELECT o.*, date_diff('day', o.last_order_date, $as_of) AS days_since_last,
        CASE WHEN o.gaps >= 2 THEN o.own_gap ELSE m.median_days END AS expected_gap,
        CASE WHEN o.gaps >= 2 THEN 'own' ELSE 'product' END AS basis
    FROM own o
    LEFT JOIN main_product m USING (customer_key)
),
overdue AS (
    SELECT * FROM assessed
    WHERE expected_gap IS NOT NULL AND days_since_last > $factor * expected_gap
)
SELECT c.platform, c.shop, c.customer_id, c.customer_name, a.last_order_date,
    a.days_since_last,
    a.expected_gap AS expected_gap_days,
    a.basis,
    a.days_since_last / a.expected_gap AS overdue_ratio,
    CAST(a.revenue AS DOUBLE) AS revenue,
    CAST(a.revenue AS DOUBLE) * 365.0
        / greatest(date_diff('day', a.first_order_date, $as_of), 365) AS value_at_risk
FROM overdue a
JOIN people c USING (customer_key)
ORDER BY value_at_risk DESC, overdue_ratio DESC, c.platform, c.shop, c.customer_id
"""
_CHURN_SQL = f"WITH {_PRODUCT_CTES}{_CHURN_TAIL}"

_NAMES_SQL = f"""
SELECT platform, shop, customer_id, customer_name
FROM customers
WHERE {SHOP_FILTER}
"""

# --------------------------------------------------------------------------- public API

CYCLE_COLUMNS = ["customers", "median_days", "p25_days", "p75_days", "purchases", "buyers"]
REMINDER_COLUMNS = [
    "platform",
    "shop",
    "customer_id",
    "customer_name",
    "product",
    "last_purchase",
    "cycle_days",
    "expected_date",
    "remind_date",
    "days_until_expected",
]
CHURN_COLUMNS = [
    "platform",
    "shop",
    "customer_id",
    "customer_name",
    "last_order_date",
    "days_since_last",
    "expected_gap_days",
    "basis",
    "overdue_ratio",
    "revenue",
    "value_at_risk",
]


def _params(
    cfg: RepurchaseSettings,
    *,
    as_of: date,
    level: str = "product",
    min_customers: int | None = None,
    shop: str | None,
) -> dict:
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    minimum = cfg.min_customers if min_customers is None else min_customers
    if not minimum >= 1:
        raise InputError(f"min_customers must be a whole number >= 1; got {minimum}")
    return {
        "as_of": as_of,
        "shop": shop,
        "min_customers": int(minimum),
        "separator": cfg.title_separator or "",
    } | keyword_params(cfg)


def product_cycles(
    con,
    *,
    as_of: date,
    level: str = "product",
    min_customers: int | None = None,
    settings: RepurchaseSettings | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Days between a customer's purchases of the same product (or category), per item.

    Columns: ``product`` (or ``category`` with ``level="category"``), ``customers``
    (customers who bought it on two or more different days), ``median_days``, ``p25_days``,
    ``p75_days`` (quartiles of the pooled gaps between consecutive purchase days),
    ``purchases`` (the number of those gaps: repeat purchases the figures rest on) and
    ``buyers`` (customers who bought it at all). Only items with at least
    ``min_customers`` customers (default: the settings', 5); most customers first.
    """
    cfg = settings or load_settings(con)
    params = _params(cfg, as_of=as_of, level=level, min_customers=min_customers, shop=shop)
    df = _run(con, level, _CYCLES_SELECT, params)
    df = df.astype({"customers": "int64", "purchases": "int64", "buyers": "int64"})
    df = df.astype({c: "float64" for c in ("median_days", "p25_days", "p75_days")})
    return df.rename(columns={"item": level})[[level, *CYCLE_COLUMNS]]


def reminders(
    con,
    *,
    as_of: date,
    within_days: int = 7,
    settings: RepurchaseSettings | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Customers to remind in the next ``within_days`` days, one row per customer x product.

    For each customer and each product with a cycle (:func:`product_cycles` with the
    settings' ``min_customers``): ``last_purchase`` is their latest purchase day of it
    (on or before ``as_of``), ``cycle_days`` the product's median cycle rounded to whole
    days, ``expected_date`` = last_purchase + cycle_days and ``remind_date`` =
    expected_date - ``remind_before_days``. A row is listed when

        as_of <= remind_date <= as_of + within_days

    so the lists of consecutive runs (as_of, then as_of + within_days + 1, ...) neither
    overlap nor leave a day out. Left out: customers who paid another order after that
    last purchase within the last ``recent_paid_days`` days (they have just shopped).
    ``days_until_expected`` = expected_date - as_of. Sorted by remind_date.
    """
    if not within_days >= 0:
        raise InputError(f"within_days must be a whole number of days >= 0; got {within_days}")
    cfg = settings or load_settings(con)
    params = _params(cfg, as_of=as_of, shop=shop)
    params |= {
        "within": int(within_days),
        "remind_before": int(cfg.remind_before_days),
        "recent_paid": max(int(cfg.recent_paid_days), 0),
    }
    df = _run(con, "product", _REMINDERS_TAIL, params)
    for column in ("last_purchase", "expected_date", "remind_date"):
        df[column] = pd.to_datetime(df[column]).dt.date
    return df.astype({"cycle_days": "int64", "days_until_expected": "int64"})[REMINDER_COLUMNS]


def churn_risk(
    con,
    *,
    as_of: date,
    factor: float | None = None,
    settings: RepurchaseSettings | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Customers overdue against their own rhythm or their product's cycle (churn warning).

    A customer's expected gap is the median of the days between their own purchase days
    (calendar days with a valid order, on or before ``as_of``) when they have at least two
    such gaps (``basis`` "own"); otherwise the cycle of their main product: among the
    products with a cycle they bought, the one bought on the most days, then the most
    recently, then the one with the shortest cycle, the purchase due first (``basis``
    "product"). Customers with neither are not assessed. Listed when

        days_since_last > factor * expected_gap_days     (factor: settings, 1.5)

    and the last valid order is at most ``churn_max_days`` old (older customers are
    already lost, SPEC lifecycle).

    Columns: ``platform, shop, customer_id, customer_name, last_order_date,
    days_since_last, expected_gap_days, basis, overdue_ratio`` (days_since_last /
    expected_gap_days), ``revenue`` (net, valid orders up to as_of) and ``value_at_risk``:
    their average revenue per year as a customer, revenue * 365 / days from their first
    purchase to as_of (a customer of less than a year counts as one year: their revenue),
    what the shop stops earning each year if they are gone. Ranked by value_at_risk, then
    overdue_ratio.
    """
    cfg = settings or load_settings(con)
    factor = cfg.overdue_factor if factor is None else factor
    if not factor > 0:
        raise InputError(f"the overdue factor must be a number > 0; got {factor}")
    params = _params(cfg, as_of=as_of, shop=shop)
    params |= {"factor": float(factor), "max_days": max(int(cfg.churn_max_days), 0)}
    df = _run(con, "product", _CHURN_TAIL, params)
    df["last_order_date"] = pd.to_datetime(df["last_order_date"]).dt.date
    df = df.astype(
        {
            "days_since_last": "int64",
            "expected_gap_days": "float64",
            "overdue_ratio": "float64",
            "revenue": "float64",
            "value_at_risk": "float64",
        }
    )
    return df.round({"overdue_ratio": 3, "revenue": 2, "value_at_risk": 2})[CHURN_COLUMNS]


#: Right edges (days since the last purchase) of the P(alive) heat map's rows: the
#: lifecycle stages of SPEC (active <= 90, silent <= 180, ...) with the first month apart.
DAYS_SINCE_EDGES = (30, 90, 180, 270, 360)
#: Row labels of the heat map, in order: "0-30", "31-90", ..., "361+".
DAYS_SINCE_LABELS = (
    *(
        f"{lo + 1}-{hi}"
        for lo, hi in zip((-1, *DAYS_SINCE_EDGES[:-1]), DAYS_SINCE_EDGES, strict=True)
    ),
    f"{DAYS_SINCE_EDGES[-1] + 1}+",
)
#: Repeat purchase days shown one by one in the heat map; more are pooled ("7+").
FREQUENCY_TOP_BUCKET = clv.HOLDOUT_TOP_BUCKET
#: Column labels of the heat map, in order: "0", "1", ..., "7+".
FREQUENCY_LABELS = (*(str(f) for f in range(FREQUENCY_TOP_BUCKET)), f"{FREQUENCY_TOP_BUCKET}+")


def p_alive_matrix(con, *, as_of: date, shop: str | None = None) -> pd.DataFrame:
    """Mean BG/NBD P(alive) by repeat purchase days x days since the last purchase day.

    BG/NBD is fitted in days on every customer's purchase days up to ``as_of``
    (:mod:`analytics.clv`). Columns: ``frequency_bucket`` ("0" … "7+" repeat purchase
    days), ``days_since_bucket`` ("0-30", "31-90", …, "361+"), ``customers`` and
    ``p_alive`` (their mean probability of still being a customer); only cells with
    customers. Raises :class:`InputError` when the model cannot be fitted.
    """
    summary = clv.purchase_summary(con, as_of=as_of, unit="day", shop=shop)
    clv._require_customers(summary, as_of, shop)
    x, t_x, t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    params = clv.fit_bgnbd(x, t_x, t)
    frame = pd.DataFrame(
        {
            "frequency": np.minimum(x, FREQUENCY_TOP_BUCKET).astype(int),
            "days_since": pd.cut(
                t - t_x, [-1, *DAYS_SINCE_EDGES, np.inf], labels=list(DAYS_SINCE_LABELS)
            ),
            "p_alive": clv.p_alive(params, x, t_x, t),
        }
    )
    out = (
        frame.groupby(["frequency", "days_since"], observed=True)
        .agg(customers=("p_alive", "size"), p_alive=("p_alive", "mean"))
        .reset_index()
    )
    out.insert(0, "frequency_bucket", [FREQUENCY_LABELS[f] for f in out["frequency"]])
    out["days_since_bucket"] = out["days_since"].astype(str)
    return out[["frequency_bucket", "days_since_bucket", "customers", "p_alive"]]


def top_clv(
    con,
    *,
    as_of: date,
    limit: int = 100,
    horizon_days: int = 365,
    margin: float = settings.DEFAULT_MARGIN,
    annual_discount_rate: float = 0.1,
    shop: str | None = None,
) -> pd.DataFrame:
    """The ``limit`` customers with the highest CLV (:func:`analytics.clv.clv`), named.

    Columns: ``platform, shop, customer_id, customer_name, frequency, p_alive,
    expected_purchases, expected_aov, clv``. Raises :class:`InputError` when the models
    cannot be fitted.
    """
    if not limit >= 1:
        raise InputError(f"limit must be a whole number >= 1; got {limit}")
    values = clv.clv(
        con,
        as_of=as_of,
        horizon_days=horizon_days,
        margin=margin,
        annual_discount_rate=annual_discount_rate,
        shop=shop,
    ).head(limit)
    names = con.execute(_NAMES_SQL, {"shop": shop}).df()
    key = ["platform", "shop", "customer_id"]
    out = values.merge(names, on=key, how="left")
    columns = [*key, "customer_name", "frequency", "p_alive", "expected_purchases"]
    return out[[*columns, "expected_aov", "clv"]]
