"""RFM scores and named segments (SPEC "RFM", seeds 002 and 004).

For every buyer with >= 1 valid order on or before the as-of date:

- recency_days: whole days from the last valid order's date to the as-of date;
- frequency: valid orders; monetary: net revenue (amount - refund) of those orders.

Each is scored 1-5 (5 = best: most recent, most orders, most money), by one of two methods
(``RfmSettings.method``):

- ``"quintile"`` (default): a buyer's score is ``1 + floor(5 * w / n)`` where ``n`` is the
  number of buyers and ``w`` the number of buyers with a strictly worse value (more days
  since the last order; fewer orders; less money). Equal values always get equal scores,
  so every one-order buyer has F = 1, and a value better than 40% of buyers scores 3. On
  heavily tied data some scores are skipped (when 70% of buyers bought once, the next
  frequency, 2 orders, already scores 4); the fixed method gives absolute cuts instead.
- ``"fixed"``: four ascending bin edges per measure. Recency edges (30, 90, 180, 365) days
  are the upper bounds of scores 5, 4, 3, 2 (<= 30 days scores 5, > 365 days scores 1);
  frequency edges (1, 2, 3, 5) orders and monetary edges (100, 300, 800, 2000) yuan are
  the upper bounds of scores 1, 2, 3, 4 (1 order scores 1, 4-5 orders score 4, 6+ score 5;
  <= ¥100 scores 1, > ¥2000 scores 5). Defaults sized for a shop selling ¥50-¥300 items.

Segments follow the standard R x F grid (M is reported but does not move a segment):

    R \\ F  1               2               3               4           5
    5       new             potential       potential       champions   champions
    4       promising       potential       potential       loyal       loyal
    3       about_to_sleep  about_to_sleep  need_attention  loyal       loyal
    2       hibernating     hibernating     at_risk         at_risk     cant_lose
    1       lost            lost            at_risk         at_risk     cant_lose

(potential = potential_loyalist). This is the common 10-segment R x F map with its
low-R, low-F corner split in two: R 1 is lost, R 2 hibernating. Each segment carries its
zh/en name and the action the seeds suggest for it.

When no order is later than the as-of date the numbers come from the customer summary
(the usual case: the as-of date defaults to the newest order's day); otherwise valid
orders up to the as-of date are aggregated. When the stored per-customer scores match the
view (:mod:`analytics.scored`: their as-of date, the stored settings, all shops or a
store of one shop for quintiles) R, F, M and the segment are read from them. All three
give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import pandas as pd

from analytics import scored
from analytics import settings as settings_store
from analytics.errors import InputError
from analytics.frames import query_df, summary_is_current
from analytics.i18n import language
from analytics.store import SHOP_FILTER

METHODS = ("quintile", "fixed")


@dataclass(frozen=True)
class RfmSettings:
    """How R, F and M are scored (settings name ``"rfm"``); see the module docstring."""

    method: str = "quintile"
    #: Days; upper bounds of R scores 5, 4, 3, 2.
    recency_edges: tuple[float, ...] = (30, 90, 180, 365)
    #: Valid orders; upper bounds of F scores 1, 2, 3, 4.
    frequency_edges: tuple[float, ...] = (1, 2, 3, 5)
    #: Yuan of net revenue; upper bounds of M scores 1, 2, 3, 4.
    monetary_edges: tuple[float, ...] = (100, 300, 800, 2000)

    def __post_init__(self):
        if self.method not in METHODS:
            raise InputError(f"RFM method must be one of {METHODS}, not {self.method!r}")
        for name in ("recency_edges", "frequency_edges", "monetary_edges"):
            edges = tuple(getattr(self, name))
            object.__setattr__(self, name, edges)
            if len(edges) != 4 or any(not isinstance(e, int | float) for e in edges):
                raise InputError(f"RFM {name} must be 4 numbers, got {edges!r}")
            if edges[0] < 0 or any(a >= b for a, b in zip(edges, edges[1:], strict=False)):
                raise InputError(f"RFM {name} must be >= 0 and strictly ascending, got {edges!r}")


@dataclass(frozen=True)
class Segment:
    """A named RFM segment and what the seeds suggest doing with its customers."""

    id: str
    zh: str
    en: str
    action_zh: str
    action_en: str

    def name(self, lang: str | None = None) -> str:
        return self.zh if (lang or language()) == "zh" else self.en

    def action(self, lang: str | None = None) -> str:
        return self.action_zh if (lang or language()) == "zh" else self.action_en


_SEGMENT_LIST = (
    Segment(
        "champions",
        "高价值",
        "Champions",
        "专属权益：生日月双倍积分、私人定制服务；邀请参与新品共创投票，强化「核心伙伴」感。",
        "Exclusive rights: double points in the birthday month, personal service; invite "
        "them to vote on new products.",
    ),
    Segment(
        "loyal",
        "忠诚",
        "Loyal",
        "会员卡等级折扣与会员社群：新品试用、专属折扣；节日、生日短信关怀。",
        "Member-card tier discounts and the member group: new-product trials, exclusive "
        "discounts; holiday and birthday greetings.",
    ),
    Segment(
        "potential_loyalist",
        "潜力",
        "Potential loyalist",
        "推送升级礼包（基础款→进阶款组合优惠）或「邀请好友返现」，推动升级。",
        "Offer an upgrade bundle (basic to advanced at a bundle price) or a refer-a-friend "
        "reward to move them up.",
    ),
    Segment(
        "new",
        "新客",
        "New",
        "首单 3 天内：开箱惊喜（手写感谢卡+小样）和新手福利包（第二件半价券，7 天内有效）。",
        "Within 3 days of the first order: an unboxing surprise (thank-you card, samples) "
        "and a welcome pack (second item half price, valid 7 days).",
    ),
    Segment(
        "promising",
        "值得培养",
        "Promising",
        "按购买品类推送相关优惠和搭配套餐，引导第二次购买。",
        "Related-category offers and bundles based on what they bought, to win a second order.",
    ),
    Segment(
        "need_attention",
        "需要关注",
        "Need attention",
        "个性化关怀：按复购周期提醒补货，推送感兴趣品类的限时优惠。",
        "Personal care: replenishment reminders on their repurchase cycle, time-limited "
        "offers on categories they like.",
    ),
    Segment(
        "about_to_sleep",
        "即将沉睡",
        "About to sleep",
        "「回忆杀+价值唤醒」：如「您关注的商品升级了，老客专享 8 折」，不要直接发降价促销。",
        "Remind and re-engage: 'the product you liked has been upgraded, 20% off for "
        "returning customers'; avoid plain price-cut blasts.",
    ),
    Segment(
        "at_risk",
        "流失预警",
        "At risk",
        "挽留券：「是商品不满意吗？送您 10 元券，希望再给我们一次机会」。",
        "A win-back coupon: 'Was something wrong? Here is ¥10 off, please give us another chance.'",
    ),
    Segment(
        "cant_lose",
        "不能失去",
        "Can't lose",
        "曾经的高频客户：客服一对一回访了解原因，配专属挽留礼遇，不要群发。",
        "Former frequent buyers: a one-to-one call from customer service to learn why, with "
        "a personal win-back offer; no mass messages.",
    ),
    Segment(
        "hibernating",
        "沉睡",
        "Hibernating",
        "唤醒计划：赠送限时体验券（直接抵扣小额商品，不是满减），降低决策门槛。",
        "Wake-up plan: a time-limited experience voucher that pays for a small item outright "
        "(not a spend-X-get-Y-off deal).",
    ),
    Segment(
        "lost",
        "流失",
        "Lost",
        "低成本激活：邮件/短信唤醒并做交叉销售推荐（流失客户邮件激活后交叉销售成功率高），不投大预算。",
        "Low-cost reactivation: an e-mail or SMS with cross-sell suggestions (lost customers "
        "reactivated by e-mail often buy across categories); no big budget.",
    ),
)

#: The segments in display order, by id (iterating gives the ids).
SEGMENTS: MappingProxyType[str, Segment] = MappingProxyType({s.id: s for s in _SEGMENT_LIST})

#: Segment of each (R, F) cell, R = 1..5 (rows), F = 1..5 (columns).
GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at_risk", "at_risk", "cant_lose"),
    ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    ("promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"),
    ("new", "potential_loyalist", "potential_loyalist", "champions", "champions"),
)
_GRID_FLAT = [cell for row in GRID for cell in row]


def segment_for(r: int, f: int) -> str:
    """The segment id of an R and F score (1-5 each)."""
    return GRID[r - 1][f - 1]


# Buyers as of $as_of. When no order is later than $as_of the customer summary already
# holds every number (fast path); otherwise valid orders up to $as_of are aggregated.
_BUYERS_FROM_SUMMARY = f"""
    SELECT platform, shop, customer_id, customer_name,
        CAST(date_diff('day', CAST(last_order_time AS DATE), CAST($as_of AS DATE)) AS INTEGER)
            AS recency_days,
        valid_orders AS frequency,
        revenue AS monetary
    FROM customers
    WHERE valid_orders > 0 AND {SHOP_FILTER}
"""

_BUYERS_FROM_ORDERS = f"""
    SELECT o.*, c.customer_name
    FROM (
        SELECT platform, shop, customer_id,
            CAST(date_diff('day', CAST(max(order_time) AS DATE), CAST($as_of AS DATE))
                AS INTEGER) AS recency_days,
            CAST(count(*) AS INTEGER) AS frequency,
            sum(net_amount) AS monetary
        FROM buyer_valid_orders
        WHERE order_time < CAST($as_of AS DATE) + INTERVAL 1 DAY AND {SHOP_FILTER}
        GROUP BY ALL
    ) o
    LEFT JOIN customers c USING (platform, shop, customer_id)
"""

# Scores as in the module docstring. A score depends only on the value, so it is computed
# once per distinct value (small tables) and joined back: in quintile mode the buyers with a
# strictly worse value are the running count of buyers up to the value minus its own.
_SCORES_TEMPLATE = """
WITH buyers AS MATERIALIZED ({buyers}),
total AS (SELECT count(*) AS n FROM buyers),
r_scores AS (
    SELECT recency_days, CAST(CASE WHEN $quintile
        THEN 1 + (5 * (sum(k) OVER (ORDER BY recency_days DESC) - k)) // (SELECT n FROM total)
        ELSE 5 - len(list_filter($r_edges, lambda e: recency_days > e)) END AS INTEGER) AS r
    FROM (SELECT recency_days, count(*) AS k FROM buyers GROUP BY ALL)
),
f_scores AS (
    SELECT frequency, CAST(CASE WHEN $quintile
        THEN 1 + (5 * (sum(k) OVER (ORDER BY frequency) - k)) // (SELECT n FROM total)
        ELSE 1 + len(list_filter($f_edges, lambda e: frequency > e)) END AS INTEGER) AS f
    FROM (SELECT frequency, count(*) AS k FROM buyers GROUP BY ALL)
),
m_scores AS (
    SELECT monetary, CAST(CASE WHEN $quintile
        THEN 1 + (5 * (sum(k) OVER (ORDER BY monetary) - k)) // (SELECT n FROM total)
        ELSE 1 + len(list_filter($m_edges, lambda e: monetary > e)) END AS INTEGER) AS m
    FROM (SELECT monetary, count(*) AS k FROM buyers GROUP BY ALL)
)
SELECT b.platform, b.shop, b.customer_id, b.customer_name, b.recency_days, b.frequency,
    b.monetary, r, f, m, $grid[(r - 1) * 5 + f] AS segment
FROM buyers b
JOIN r_scores USING (recency_days)
JOIN f_scores USING (frequency)
JOIN m_scores USING (monetary)
"""

# The stored scores (analytics.scores) for their as-of date, read alone: the score rows
# carry the summary's name, valid orders, revenue and days since the last order as of that
# date (joining the customer summary back on three text keys took 1.5 s at 567k buyers).
_STORED_SCORES_SQL = f"""
SELECT platform, shop, customer_id, customer_name,
    days_since_last AS recency_days,
    CAST(valid_orders AS INTEGER) AS frequency,
    revenue AS monetary,
    r, f, m, segment
FROM customer_scores
WHERE r IS NOT NULL AND {SHOP_FILTER}
"""

#: Scores SQL by source: True = the customer summary (no order after as_of), False = the
#: orders, "stored" = the stored per-customer scores.
_SCORES_SQL = {
    True: _SCORES_TEMPLATE.format(buyers=_BUYERS_FROM_SUMMARY),
    False: _SCORES_TEMPLATE.format(buyers=_BUYERS_FROM_ORDERS),
    "stored": _STORED_SCORES_SQL,
}

_SCORE_COLUMNS = (
    "platform, shop, customer_id, customer_name, recency_days, frequency, monetary, "
    "r, f, m, segment"
)

_RFM_TEMPLATE = (
    "SELECT * REPLACE (CAST(monetary AS DOUBLE) AS monetary) FROM ({scores}) "
    "ORDER BY platform, shop, customer_id"
)

# Summaries need only the scores and revenue: the stored rows alone, no join (revenue as
# stored, a double per customer: sums agree with the summary's to rounding).
_STORED_LIGHT_SQL = f"""
SELECT platform, shop, customer_id, r, f, m, segment, revenue AS monetary
FROM customer_scores
WHERE r IS NOT NULL AND {SHOP_FILTER}
"""

_SUMMARY_TEMPLATE = """
WITH s AS ({scores}),
ids AS (SELECT unnest($ids) AS segment, generate_subscripts($ids, 1) AS pos),
per AS (SELECT segment, count(*) AS customers, sum(monetary) AS revenue FROM s GROUP BY ALL)
SELECT ids.segment,
    CAST(coalesce(per.customers, 0) AS BIGINT) AS customers,
    CAST(coalesce(per.revenue, 0) AS DOUBLE) AS revenue,
    coalesce(per.customers / nullif(sum(per.customers) OVER (), 0), 0) AS share,
    coalesce(per.revenue / nullif(sum(per.revenue) OVER (), 0), 0) AS revenue_share
FROM ids LEFT JOIN per USING (segment)
ORDER BY ids.pos
"""

_GRID_TEMPLATE = """
WITH s AS ({scores}),
cells AS (SELECT r, f FROM range(1, 6) a(r), range(1, 6) b(f)),
per AS (SELECT r, f, count(*) AS customers, sum(monetary) AS revenue FROM s GROUP BY ALL)
SELECT CAST(cells.r AS INTEGER) AS r, CAST(cells.f AS INTEGER) AS f,
    CAST(coalesce(per.customers, 0) AS BIGINT) AS customers,
    CAST(coalesce(per.revenue, 0) AS DOUBLE) AS revenue,
    $grid[(cells.r - 1) * 5 + cells.f] AS segment
FROM cells LEFT JOIN per USING (r, f)
ORDER BY r DESC, f
"""

# The segment's buyers (``matching``); the list picks the first $limit of them before the
# customer summary is joined for their contact columns, the count counts them.
_MATCHING_TEMPLATE = """WITH s AS ({scores}),
matching AS (
    SELECT * FROM s
    WHERE s.segment = $segment
        AND ($search IS NULL OR s.customer_id ILIKE '%' || $search || '%'
             OR s.customer_name ILIKE '%' || $search || '%')
)"""
_MEMBERS_TEMPLATE = (
    _MATCHING_TEMPLATE
    + """,
picked AS (
    SELECT * FROM matching
    ORDER BY monetary DESC, customer_id
    LIMIT $limit
)
SELECT """
    + ", ".join("p." + c.strip() for c in _SCORE_COLUMNS.split(",")).replace(
        "p.monetary", "CAST(p.monetary AS DOUBLE) AS monetary"
    )
    + """, c.phone, c.province, c.city
FROM picked p
LEFT JOIN customers c USING (platform, shop, customer_id)
ORDER BY p.monetary DESC, p.customer_id
"""
)
_MEMBER_COUNT_TEMPLATE = _MATCHING_TEMPLATE + "\nSELECT count(*) FROM matching"


def _by_source(template: str, stored: str | None = None) -> dict[bool | str, str]:
    sources = _SCORES_SQL if stored is None else {**_SCORES_SQL, "stored": stored}
    return {key: template.replace("{scores}", sql) for key, sql in sources.items()}


_RFM_SQL = _by_source(_RFM_TEMPLATE)
_SUMMARY_SQL = _by_source(_SUMMARY_TEMPLATE, _STORED_LIGHT_SQL)
_GRID_SQL = _by_source(_GRID_TEMPLATE, _STORED_LIGHT_SQL)
_MEMBERS_SQL = _by_source(_MEMBERS_TEMPLATE)
_MEMBER_COUNT_SQL = _by_source(_MEMBER_COUNT_TEMPLATE)


def _source(con, params: dict, settings: RfmSettings | None) -> bool | str:
    """Where the scores of this view come from: "stored" when the stored scores match
    (module docstring), else True (the customer summary) or False (the orders)."""
    # The stored scores were built with the stored settings; None here means the defaults.
    stored = (settings or RfmSettings()) == settings_store.load(con, "rfm", RfmSettings)
    if stored and scored.available(
        con, as_of=params["as_of"], shop=params["shop"], population=params["quintile"]
    ):
        return "stored"
    return summary_is_current(con, params["as_of"])


def _run(con, sql: dict, params: dict, settings: RfmSettings | None) -> pd.DataFrame:
    """The variant of ``sql`` that fits the view (``_source``)."""
    return query_df(con, sql[_source(con, params, settings)], params)


def _params(as_of: date, settings: RfmSettings | None, shop: str | None) -> dict:
    if as_of is None:
        raise InputError("an as-of date is needed for RFM (recency is counted up to it)")
    s = settings or RfmSettings()
    return {
        "as_of": as_of,
        "shop": shop,
        "quintile": s.method == "quintile",
        "r_edges": [float(e) for e in s.recency_edges],
        "f_edges": [float(e) for e in s.frequency_edges],
        "m_edges": [float(e) for e in s.monetary_edges],
        "grid": _GRID_FLAT,
    }


def rfm_scores(
    con, *, as_of: date, settings: RfmSettings | None = None, shop: str | None = None
) -> pd.DataFrame:
    """One row per buyer with >= 1 valid order on or before ``as_of`` (orders after it are
    ignored), scored as in the module docstring.

    Columns: platform, shop, customer_id, customer_name, recency_days, frequency (valid
    orders), monetary (net revenue), r, f, m (1-5), segment (an id of ``SEGMENTS``).
    """
    return _run(con, _RFM_SQL, _params(as_of, settings, shop), settings)


def segment_summary(
    con,
    *,
    as_of: date,
    settings: RfmSettings | None = None,
    shop: str | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Customers and revenue per segment, every segment of ``SEGMENTS`` in its order.

    Columns: segment, customers, revenue, share (of buyers), revenue_share, action (the
    suggested action in ``lang``, default the current UI language). Shares of an empty
    store are 0.
    """
    params = _params(as_of, settings, shop) | {"ids": list(SEGMENTS)}
    df = _run(con, _SUMMARY_SQL, params, settings)
    df["action"] = [SEGMENTS[s].action(lang) for s in df["segment"]]
    return df


def rf_grid(
    con, *, as_of: date, settings: RfmSettings | None = None, shop: str | None = None
) -> pd.DataFrame:
    """Buyers in each of the 25 R x F cells (empty cells included), for the heat map.

    Columns: r, f, customers, revenue, segment (the cell's segment id).
    """
    return _run(con, _GRID_SQL, _params(as_of, settings, shop), settings)


def segment_members(
    con,
    *,
    as_of: date,
    segment: str,
    search: str | None = None,
    settings: RfmSettings | None = None,
    shop: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The buyers of one segment, by monetary (highest first), for lists and target lists.

    ``search`` keeps buyers whose id or name contains it (case-insensitive); ``limit``
    keeps the first that many (a page shows a few, :func:`segment_member_count` says how
    many there are). Columns: those of ``rfm_scores`` plus phone, province, city (latest
    address, from the customer summary).
    """
    return _members(con, as_of, segment, search, settings, shop, limit=limit)


def segment_member_count(
    con,
    *,
    as_of: date,
    segment: str,
    search: str | None = None,
    settings: RfmSettings | None = None,
    shop: str | None = None,
) -> int:
    """How many rows :func:`segment_members` has without a limit."""
    return _members(con, as_of, segment, search, settings, shop, count=True)


def _members(con, as_of, segment, search, settings, shop, *, limit=None, count=False):
    """The segment's buyers (the first ``limit``), or with ``count`` how many there are."""
    if segment not in SEGMENTS:
        raise InputError(f"unknown segment {segment!r}; expected one of: {', '.join(SEGMENTS)}")
    params = _params(as_of, settings, shop) | {"segment": segment, "search": search or None}
    if count:
        return int(_run(con, _MEMBER_COUNT_SQL, params, settings).iloc[0, 0])
    return _run(con, _MEMBERS_SQL, params | {"limit": limit}, settings)
