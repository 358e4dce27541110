"""One customer, as an operator checks them before a call (issue 15): find a buyer by id,
name or (masked) phone; their orders, stage, RFM segment, tier, predicted next order, and
the campaigns they received with the outcome.

Search (:func:`search_customers`): a text matches a customer whose id or name contains it
(case-insensitive), or whose phone contains its digits (at least 4); a masked number such
as ``138****5678`` matches phones starting with its first digits and ending with its last.

Outcome of a campaign: the member's valid orders after the campaign was logged and at most
``window_days`` days later (as in ``analytics.campaigns.campaign_results``); a control
member was not sent anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analytics.errors import InputError
from analytics.store import SHOP_FILTER

_KEY = ["platform", "shop", "customer_id"]

_SEARCH_SQL = f"""
SELECT platform, shop, customer_id, customer_name, phone, valid_orders,
    CAST(revenue AS DOUBLE) AS revenue, last_order_time
FROM customers
WHERE {SHOP_FILTER} AND (
    customer_id ILIKE '%' || $text || '%'
    OR coalesce(customer_name, '') ILIKE '%' || $text || '%'
    OR ($digits IS NOT NULL
        AND contains(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), $digits))
    OR ($head IS NOT NULL
        AND starts_with(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), $head)
        AND ends_with(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), $tail))
)
ORDER BY revenue DESC, customer_id
LIMIT $limit
"""

_MASKED = re.compile(r"^\s*(\d{3,})\*+(\d{3,})\s*$")


def search_customers(con, *, text: str, limit: int = 20, shop: str | None = None) -> pd.DataFrame:
    """Customers matching ``text`` (module docstring), by revenue. Columns: platform, shop,
    customer_id, customer_name, phone (as stored; mask it before showing), valid_orders,
    revenue, last_order_time."""
    text = (text or "").strip()
    if not text:
        return pd.DataFrame(columns=[*_KEY, "customer_name", "phone", "valid_orders"])
    masked = _MASKED.match(text)
    digits = re.sub(r"\D", "", text)
    params = {
        "text": text,
        "digits": digits if not masked and len(digits) >= 4 else None,
        "head": masked.group(1) if masked else None,
        "tail": masked.group(2) if masked else None,
        "limit": int(limit),
        "shop": shop,
    }
    return con.execute(_SEARCH_SQL, params).df()


_ORDERS_SQL = """
SELECT order_id, order_time, paid_time, status, CAST(amount AS DOUBLE) AS amount,
    CAST(refund_amount AS DOUBLE) AS refund_amount, product, province, city
FROM orders
WHERE platform = $platform AND shop = $shop AND customer_id = $customer_id
    AND CAST(order_time AS DATE) <= $as_of
ORDER BY order_time DESC, order_id
"""

_CAMPAIGNS_SQL = """
SELECT c.campaign_id, c.name, c.created_at, c.segment, c.offer, m.grp,
    count(o.order_id) AS orders, CAST(coalesce(sum(o.net_amount), 0) AS DOUBLE) AS revenue
FROM campaign_members m
JOIN campaigns c USING (campaign_id)
LEFT JOIN valid_orders o
    ON o.platform = m.platform AND o.shop = m.shop AND o.customer_id = m.customer_id
    AND o.order_time > c.created_at
    AND o.order_time <= c.created_at + to_days(CAST($window AS INTEGER))
WHERE m.platform = $platform AND m.shop = $shop AND m.customer_id = $customer_id
GROUP BY ALL
ORDER BY c.created_at DESC, c.campaign_id DESC
"""


@dataclass(frozen=True, eq=False)
class CustomerDetail:
    """``facts``: customer_name, phone, province, city, first_order, last_order, orders,
    spend, aov, stage, segment (RFM id or None), tier (id or None), p_alive (modified
    BG/NBD, None when the model cannot be fitted), expected_next (date or None).
    ``orders``: every order up to as_of (any status), newest first. ``campaigns``: each
    campaign received: campaign_id, name, created_at, segment, offer, grp, orders,
    revenue (in the window), bought."""

    platform: str
    shop: str
    customer_id: str
    facts: dict
    orders: pd.DataFrame
    campaigns: pd.DataFrame


def _one(df: pd.DataFrame, key: tuple) -> dict | None:
    """The row of ``key`` in a per-customer frame, as a dict (None when absent)."""
    if df is None or df.empty:
        return None
    hit = df[(df["platform"] == key[0]) & (df["shop"] == key[1]) & (df["customer_id"] == key[2])]
    return None if hit.empty else hit.iloc[0].to_dict()


def _scope(key: tuple) -> str:
    """The ``platform/shop`` filter of the customer's shop."""
    return f"{key[0]}/{key[1]}"


def _stage(con, key, as_of):
    from analytics.lifecycle import customer_stages

    row = _one(customer_stages(con, as_of=as_of, shop=_scope(key)), key)
    return row and row["stage"]


def _segment(con, key, as_of):
    from analytics.rfm import rfm_scores

    row = _one(rfm_scores(con, as_of=as_of, shop=_scope(key)), key)
    return row and row["segment"]


def _tier(con, key):
    from analytics import settings
    from analytics.tiers import TierRules, customer_tiers

    rules = settings.load(con, "tiers", TierRules)
    row = _one(customer_tiers(con, rules=rules, shop=_scope(key)), key)
    return row and row["tier"]


def _p_alive(con, key, as_of):
    from analytics import scores
    from analytics.mbgnbd import customer_predictions

    try:
        predictions = scores.mbg_predictions(con, as_of=as_of, shop=_scope(key))
        if predictions is None:  # no stored scores answer it: fit the shop's buyers
            predictions = customer_predictions(con, as_of=as_of, shop=_scope(key))
        row = _one(predictions, key)
    except InputError:
        return None
    return row and float(row["p_alive"])


def _expected_next(orders: pd.DataFrame):
    """Last purchase day + the median gap between the customer's purchase days."""
    valid = orders[orders["status"].isin(("paid", "shipped", "completed"))]
    valid = valid[valid["refund_amount"] < valid["amount"]]
    days = sorted(set(pd.to_datetime(valid["order_time"]).dt.date))
    if len(days) < 2:
        return None
    gaps = pd.Series([(b - a).days for a, b in zip(days, days[1:], strict=False)])
    return days[-1] + timedelta(days=round(float(gaps.median())))


def customer_detail(
    con,
    *,
    platform: str,
    shop: str,
    customer_id: str,
    as_of: date,
    window_days: int = 30,
) -> CustomerDetail:
    """Everything about one customer up to as_of (see :class:`CustomerDetail`)."""
    key = (platform, shop, customer_id)
    base = con.execute(
        "SELECT customer_name, phone, province, city FROM customers "
        "WHERE platform = ? AND shop = ? AND customer_id = ?",
        list(key),
    ).fetchone()
    if base is None:
        raise InputError(f"no customer {customer_id!r} in {platform}/{shop}")
    params = {"platform": platform, "shop": shop, "customer_id": customer_id, "as_of": as_of}
    orders = con.execute(_ORDERS_SQL, params).df()
    valid = orders[
        orders["status"].isin(("paid", "shipped", "completed"))
        & (orders["refund_amount"] < orders["amount"])
    ]
    spend = float((valid["amount"] - valid["refund_amount"]).sum())
    times = pd.to_datetime(valid["order_time"])
    facts = {
        "customer_name": base[0],
        "phone": base[1],
        "province": base[2],
        "city": base[3],
        "first_order": times.min().date() if len(valid) else None,
        "last_order": times.max().date() if len(valid) else None,
        "orders": len(valid),
        "spend": round(spend, 2),
        "aov": round(spend / len(valid), 2) if len(valid) else None,
        "stage": _stage(con, key, as_of) if len(valid) else None,
        "segment": _segment(con, key, as_of) if len(valid) else None,
        "tier": _tier(con, key) if len(valid) else None,
        "p_alive": _p_alive(con, key, as_of) if len(valid) else None,
        "expected_next": _expected_next(orders),
    }
    who = {k: params[k] for k in ("platform", "shop", "customer_id")}
    received = con.execute(_CAMPAIGNS_SQL, who | {"window": int(window_days)}).df()
    received["bought"] = received["orders"] > 0
    if isinstance(received.get("created_at"), pd.Series) and len(received):
        received["created_at"] = pd.to_datetime(received["created_at"])
    return CustomerDetail(platform, shop, customer_id, facts, orders, received)
