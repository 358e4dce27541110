"""Member tiers 会员等级 (SPEC, seeds 000, 001, 002): rules on cumulative valid orders and
net spend, the distribution and revenue per tier, and who is within reach of the next tier.

A buyer (>= 1 valid order) is in the highest tier whose rule they meet; a tier's rule is
"valid orders >= min_orders OR net spend >= min_spend" (``combine="or"``, the default) or
both (``combine="and"``). Buyers meeting no tier are in the base tier ``none`` 普通会员.
Tiers are ordered and their thresholds never decrease, so meeting a tier means meeting
every tier below it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.errors import InputError
from analytics.frames import query_df
from analytics.i18n import language
from analytics.store import SHOP_FILTER

BASE_TIER = ("none", "普通会员", "Member", 0, 0.0, 1.0)
COMBINES = ("or", "and")


@dataclass(frozen=True)
class TierRules:
    """Member tiers (settings name ``"tiers"``), lowest first, above the base tier ``none``.

    Each tier is ``(id, zh name, en name, min_orders, min_spend, discount)``; discount is the
    price factor (0.95 = 9.5折).
    """

    tiers: tuple[tuple, ...] = (
        ("silver", "银卡", "Silver", 2, 500.0, 0.95),
        ("gold", "金卡", "Gold", 4, 1500.0, 0.90),
        ("diamond", "钻石", "Diamond", 8, 5000.0, 0.88),
    )
    combine: str = "or"

    def __post_init__(self):
        tiers = tuple(tuple(t) for t in self.tiers)
        object.__setattr__(self, "tiers", tiers)
        if self.combine not in COMBINES:
            raise InputError(f"tier combine must be 'or' or 'and', not {self.combine!r}")
        if not tiers:
            raise InputError("define at least one member tier")
        ids = [t[0] if t else None for t in tiers]
        for tier in tiers:
            if len(tier) != 6:
                raise InputError(
                    "each tier needs id, zh name, en name, min_orders, min_spend, discount; "
                    f"got {tier!r}"
                )
            tid, _zh, _en, orders, spend, discount = tier
            if not isinstance(tid, str) or not tid.strip() or tid == BASE_TIER[0]:
                raise InputError(f"tier id must be a non-empty name other than 'none': {tid!r}")
            if not isinstance(orders, int) or isinstance(orders, bool) or orders < 1:
                raise InputError(f"tier {tid}: min_orders must be a whole number >= 1")
            if not isinstance(spend, int | float) or spend < 0:
                raise InputError(f"tier {tid}: min_spend must be a number >= 0")
            if not isinstance(discount, int | float) or not 0 < discount <= 1:
                raise InputError(f"tier {tid}: discount must be in (0, 1], e.g. 0.95 for 9.5折")
        if len(set(ids)) != len(ids):
            raise InputError(f"tier ids must be unique: {ids}")
        for low, high in zip(tiers, tiers[1:], strict=False):
            if high[3] < low[3] or high[4] < low[4]:
                raise InputError(
                    f"tier {high[0]} must need at least as many orders and as much spend "
                    f"as tier {low[0]}"
                )

    def all_tiers(self) -> tuple[tuple, ...]:
        """The base tier followed by the configured tiers."""
        return (BASE_TIER, *self.tiers)

    def ids(self) -> list[str]:
        return [t[0] for t in self.all_tiers()]

    def name(self, tier_id: str, lang: str | None = None) -> str:
        for t in self.all_tiers():
            if t[0] == tier_id:
                return t[1] if (lang or language()) == "zh" else t[2]
        raise InputError(f"unknown tier {tier_id!r}")


TABLE_COLUMNS = ("id", "zh", "en", "min_orders", "min_spend", "discount")


def rules_table(rules: TierRules) -> pd.DataFrame:
    """The configured tiers as an editable table (columns ``TABLE_COLUMNS``)."""
    return pd.DataFrame(list(rules.tiers), columns=list(TABLE_COLUMNS))


def rules_from_table(table: pd.DataFrame, combine: str = "or") -> TierRules:
    """``TierRules`` from an edited ``rules_table`` (blank rows skipped); InputError names
    the row and column of a value that is not a number."""
    tiers = []
    for n, row in enumerate(table.to_dict(orient="records"), start=1):
        values = [row.get(c) for c in TABLE_COLUMNS]
        if all(v is None or v == "" or (isinstance(v, float) and v != v) for v in values):
            continue
        tid, zh, en, orders, spend, discount = values
        try:
            orders_f, spend_f, discount_f = float(orders), float(spend), float(discount)
        except (TypeError, ValueError):
            raise InputError(
                f"tier row {n}: min_orders, min_spend and discount must be numbers"
            ) from None
        if orders_f != orders_f or spend_f != spend_f or discount_f != discount_f:
            raise InputError(f"tier row {n}: min_orders, min_spend and discount are required")
        if not orders_f.is_integer():
            raise InputError(f"tier row {n}: min_orders must be a whole number")
        tiers.append(
            (
                str(tid or "").strip(),
                str(zh or "").strip() or str(tid or "").strip(),
                str(en or "").strip() or str(tid or "").strip(),
                int(orders_f),
                spend_f,
                discount_f,
            )
        )
    return TierRules(tiers=tuple(tiers), combine=combine)


# level = how many tiers the buyer meets (thresholds never decrease, so they meet a prefix).
_TIERS_SQL = f"""
WITH buyers AS (
    SELECT platform, shop, customer_id, customer_name, valid_orders, revenue
    FROM customers
    WHERE valid_orders > 0 AND {SHOP_FILTER}
),
levelled AS (
    SELECT *,
        len(list_filter(range(1, len($min_orders) + 1), lambda i:
            CASE WHEN $all THEN valid_orders >= $min_orders[i] AND revenue >= $min_spend[i]
                 ELSE valid_orders >= $min_orders[i] OR revenue >= $min_spend[i] END)) AS level
    FROM buyers
)
SELECT platform, shop, customer_id, customer_name, valid_orders, revenue,
    $ids[level + 1] AS tier,
    $ids[level + 2] AS next_tier,
    CAST(CASE WHEN level < len($min_orders)
        THEN greatest($min_orders[level + 1] - valid_orders, 0) END AS INTEGER) AS orders_to_next,
    CASE WHEN level < len($min_orders)
        THEN round(greatest($min_spend[level + 1] - revenue, 0), 2) END AS spend_to_next
FROM levelled
"""

_LIST_SQL = f"""
SELECT * REPLACE (CAST(revenue AS DOUBLE) AS revenue) FROM ({_TIERS_SQL})
ORDER BY revenue DESC, platform, shop, customer_id
"""

_SUMMARY_SQL = f"""
WITH t AS ({_TIERS_SQL}),
ids AS (SELECT unnest($ids) AS tier, generate_subscripts($ids, 1) AS pos),
per AS (SELECT tier, count(*) AS customers, sum(revenue) AS revenue FROM t GROUP BY ALL)
SELECT ids.tier,
    CAST(coalesce(per.customers, 0) AS BIGINT) AS customers,
    CAST(coalesce(per.revenue, 0) AS DOUBLE) AS revenue,
    coalesce(per.revenue / nullif(sum(per.revenue) OVER (), 0), 0) AS revenue_share,
    $discounts[ids.pos] AS discount
FROM ids LEFT JOIN per USING (tier)
ORDER BY ids.pos
"""

# The buyers within reach (``matching``); the list picks the first $limit of them before
# looking up their phone (a page keeps the first thousand), the count counts them.
_MATCHING_SQL = f"""
WITH t AS ({_TIERS_SQL}),
matching AS (
    SELECT * FROM t
    WHERE t.next_tier IS NOT NULL AND CASE WHEN $all
        THEN t.orders_to_next <= $within_orders AND t.spend_to_next <= $within_spend
        ELSE t.orders_to_next <= $within_orders OR t.spend_to_next <= $within_spend END
)"""
_CANDIDATES_SQL = f"""{_MATCHING_SQL},
picked AS (
    SELECT * FROM matching
    ORDER BY spend_to_next, orders_to_next, revenue DESC, customer_id
    LIMIT $limit
)
SELECT p.* REPLACE (CAST(p.revenue AS DOUBLE) AS revenue), c.phone
FROM picked p LEFT JOIN customers c USING (platform, shop, customer_id)
ORDER BY p.spend_to_next, p.orders_to_next, p.revenue DESC, p.customer_id
"""
_CANDIDATE_COUNT_SQL = f"{_MATCHING_SQL}\nSELECT count(*) FROM matching"


def _frame(con, sql: str, params: dict) -> pd.DataFrame:
    """Via Arrow: much faster than ``.df()`` on large results with text columns."""
    return query_df(con, sql, params)


def _params(rules: TierRules | None, shop: str | None) -> dict:
    r = rules or TierRules()
    return {
        "shop": shop,
        "all": r.combine == "and",
        "ids": r.ids(),
        "min_orders": [int(t[3]) for t in r.tiers],
        "min_spend": [float(t[4]) for t in r.tiers],
    }


def customer_tiers(con, *, rules: TierRules | None = None, shop: str | None = None) -> pd.DataFrame:
    """Every buyer's tier on cumulative valid orders and net spend, by revenue.

    Columns: platform, shop, customer_id, customer_name, valid_orders, revenue, tier (an
    id; ``none`` for the base tier), next_tier, orders_to_next and spend_to_next (what the
    next tier's thresholds still need, 0 when met; with ``combine="or"`` closing either gap
    is enough, with ``"and"`` both). The next-tier columns are null in the top tier.
    """
    return _frame(con, _LIST_SQL, _params(rules, shop))


def tier_summary(con, *, rules: TierRules | None = None, shop: str | None = None) -> pd.DataFrame:
    """Buyers and revenue per tier, every tier present, base tier first.

    Columns: tier, customers, revenue, revenue_share, discount (price factor; 1.0 for none).
    """
    r = rules or TierRules()
    params = _params(r, shop) | {"discounts": [float(t[5]) for t in r.all_tiers()]}
    return con.execute(_SUMMARY_SQL, params).df()


def upgrade_candidates(
    con,
    *,
    rules: TierRules | None = None,
    within_spend: float = 200.0,
    within_orders: int = 1,
    shop: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Buyers within reach of their next tier: at most ``within_orders`` more orders or at
    most ``within_spend`` more spend (``combine="and"``: both gaps within reach). Nearest
    first; ``limit`` keeps the first that many (:func:`upgrade_candidate_count` says how
    many there are). Columns: those of ``customer_tiers`` plus phone.
    """
    return _candidates(
        con, rules=rules, within_spend=within_spend, within_orders=within_orders, shop=shop,
        limit=limit,
    )  # fmt: skip


def upgrade_candidate_count(
    con,
    *,
    rules: TierRules | None = None,
    within_spend: float = 200.0,
    within_orders: int = 1,
    shop: str | None = None,
) -> int:
    """How many rows :func:`upgrade_candidates` has without a limit."""
    return _candidates(
        con, rules=rules, within_spend=within_spend, within_orders=within_orders, shop=shop,
        count=True,
    )  # fmt: skip


def _candidates(con, *, rules, within_spend, within_orders, shop, limit=None, count=False):
    """The candidates (the first ``limit``), or with ``count`` how many there are."""
    if within_spend < 0 or within_orders < 0:
        raise InputError("within_spend and within_orders must be >= 0")
    params = _params(rules, shop) | {
        "within_spend": float(within_spend),
        "within_orders": int(within_orders),
    }
    if count:
        return int(_frame(con, _CANDIDATE_COUNT_SQL, params).iloc[0, 0])
    return _frame(con, _CANDIDATES_SQL, params | {"limit": limit})
