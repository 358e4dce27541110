"""Lifecycle stages, customer types and the order funnel (SPEC "Lifecycle", "Customer types").

Everything is "as of" a date: only orders placed on or before it count, so a report for a
past date shows the shop as it was then. Days are whole calendar days between the date of
an order and the as-of date (an order placed on the as-of date is 0 days old).

- Stages (seed 000) by days since the last valid order: active <= 90, silent 91–180,
  sleeping 181–270, at_risk 271–360, lost > 360. The cut-offs are ``StageCuts``, stored
  as settings "lifecycle" (seed 003: the operator moves "active" from 30 to 50 days).
- Customer types (seed 000, seed 002 for the onboarding window), one per customer seen in
  ``orders`` by the as-of date, first match wins:
  potential 潜在 (no valid order: only unpaid/closed orders, or fully refunded ones),
  loyal 忠诚 (>= loyal_orders valid orders and in the active stage),
  repeat 老客 (>= 2 valid orders), new 新客 (one valid order, placed within new_days),
  one_time 一次性 (one valid order, older than new_days). "Within N days" means at most
  N days old, as for the stages. ``onboarding`` flags buyers whose first valid order is
  at most onboarding_days old, whatever their type. Settings "customer_types".
- The order funnel: buyers reaching their 1st, 2nd, 3rd and 4th valid order, the
  conversion from the previous step and the median days between the two orders.

Stages and customer types are each customer's own: when the stored per-customer scores
match the view (:mod:`analytics.scored`: their as-of date, the stored settings; any shop)
they are read from ``customer_scores`` with the customer summary, else computed from the
orders. Both give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

import pandas as pd

from analytics import scored
from analytics import settings as settings_store
from analytics.errors import InputError
from analytics.store import SHOP_FILTER, shop_filter

#: Stage ids, from the most recent buyers to the lapsed ones (SPEC glossary).
STAGES = ("active", "silent", "sleeping", "at_risk", "lost")
#: Where a buyer comes from in ``stage_flows`` when they had no valid order at the start.
NEW = "new"
#: Customer type ids, from prospects to the most attached buyers.
CUSTOMER_TYPES = ("potential", "new", "one_time", "repeat", "loyal")
#: Steps of ``order_funnel``: the kth valid order, the last one meaning "4th or later".
FUNNEL_STEPS = (1, 2, 3, "4+")

STAGE_SETTINGS = "lifecycle"
TYPE_SETTINGS = "customer_types"


def _require_ints(obj, minimum: int) -> None:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise InputError(f"{f.name} must be a whole number >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class StageCuts:
    """Upper bounds, in days since the last valid order, of the first four stages.

    A buyer exactly ``active`` days out is still active; one day more is silent. Beyond
    ``at_risk`` days a buyer is lost.
    """

    active: int = 90
    silent: int = 180
    sleeping: int = 270
    at_risk: int = 360

    def __post_init__(self) -> None:
        _require_ints(self, 1)
        if not self.active < self.silent < self.sleeping < self.at_risk:
            raise InputError(
                "stage cut-offs must increase: active < silent < sleeping < at_risk, got "
                f"{self.active}, {self.silent}, {self.sleeping}, {self.at_risk}"
            )

    def bounds(self) -> dict[str, tuple[int, int | None]]:
        """Each stage's (first day, last day) since the last valid order; lost has no end."""
        lows = (0, self.active + 1, self.silent + 1, self.sleeping + 1, self.at_risk + 1)
        highs = (self.active, self.silent, self.sleeping, self.at_risk, None)
        return dict(zip(STAGES, zip(lows, highs, strict=True), strict=True))


@dataclass(frozen=True)
class CustomerTypeSettings:
    """Thresholds of the customer types (SPEC: new 30 days, onboarding 3 days, loyal 4)."""

    new_days: int = 30
    onboarding_days: int = 3
    loyal_orders: int = 4

    def __post_init__(self) -> None:
        _require_ints(self, 1)
        if self.onboarding_days > self.new_days:
            raise InputError(
                f"onboarding_days ({self.onboarding_days}) cannot exceed new_days ({self.new_days})"
            )
        if self.loyal_orders < 2:
            raise InputError(f"loyal_orders must be at least 2, got {self.loyal_orders}")


def _stored(con, *, as_of, shop, cuts=None, settings=None) -> bool:
    """Whether the stored scores give this view's stages and types (module docstring)."""
    return (
        (cuts is None or cuts == stage_cuts(con))
        and (settings is None or settings == customer_type_settings(con))
        and scored.available(con, as_of=as_of, shop=shop)
    )


def stage_cuts(con) -> StageCuts:
    """The stored stage cut-offs (SPEC defaults when none were saved)."""
    return settings_store.load(con, STAGE_SETTINGS, StageCuts)


def customer_type_settings(con) -> CustomerTypeSettings:
    """The stored customer-type thresholds (SPEC defaults when none were saved)."""
    return settings_store.load(con, TYPE_SETTINGS, CustomerTypeSettings)


def _stage_sql(days: str) -> str:
    """SQL naming the stage of ``days`` since the last order, cut-offs bound as parameters."""
    return (
        f"CASE WHEN {days} <= $active THEN 'active' WHEN {days} <= $silent THEN 'silent' "
        f"WHEN {days} <= $sleeping THEN 'sleeping' WHEN {days} <= $at_risk THEN 'at_risk' "
        "ELSE 'lost' END"
    )


def _cut_params(cuts: StageCuts) -> dict[str, int]:
    return {
        "active": cuts.active,
        "silent": cuts.silent,
        "sleeping": cuts.sleeping,
        "at_risk": cuts.at_risk,
    }


def _used(sql: str, params: dict) -> dict:
    """The parameters ``sql`` names (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def _day_after(day: date) -> date:
    """Orders strictly before this moment are "on or before ``day``"."""
    return day + timedelta(days=1)


_STAGES_SQL = f"""
WITH buyers AS (
    SELECT platform, shop, customer_id,
        arg_max(customer_name, order_time) AS customer_name,
        CAST(max(order_time) AS DATE) AS last_order_date,
        count(*) AS valid_orders,
        CAST(sum(net_amount) AS DOUBLE) AS revenue
    FROM buyer_valid_orders
    WHERE {SHOP_FILTER} AND order_time < $end
    GROUP BY ALL
), staged AS (
    SELECT platform, shop, customer_id, customer_name, last_order_date,
        date_diff('day', last_order_date, $as_of) AS days_since_last,
        {_stage_sql("date_diff('day', last_order_date, $as_of)")} AS stage,
        valid_orders, revenue
    FROM buyers
)
SELECT * FROM staged
WHERE ($stage IS NULL OR stage = $stage)
    AND ($search IS NULL OR customer_id ILIKE '%' || $search || '%'
         OR customer_name ILIKE '%' || $search || '%')
ORDER BY days_since_last, revenue DESC, platform, shop, customer_id
"""


# The same rows from the stored scores (stage, days and name as stored; the last order's
# date, orders and revenue from the customer summary, which is current at the scores' date).
_STORED_STAGES_SQL = f"""
SELECT s.platform, s.shop, s.customer_id, s.customer_name,
    CAST(c.last_order_time AS DATE) AS last_order_date,
    CAST(s.days_since_last AS BIGINT) AS days_since_last,
    s.stage,
    CAST(c.valid_orders AS BIGINT) AS valid_orders,
    CAST(c.revenue AS DOUBLE) AS revenue
FROM customer_scores s
JOIN customers c USING (platform, shop, customer_id)
WHERE s.stage IS NOT NULL AND {shop_filter("s")}
    AND ($stage IS NULL OR s.stage = $stage)
    AND ($search IS NULL OR s.customer_id ILIKE '%' || $search || '%'
         OR s.customer_name ILIKE '%' || $search || '%')
ORDER BY days_since_last, revenue DESC, platform, shop, customer_id
"""

#: Stage rows by source: False = computed from the orders, True = the stored scores.
_STAGE_ROWS_SQL = {False: _STAGES_SQL, True: _STORED_STAGES_SQL}

# Summaries aggregate in DuckDB: only a handful of rows come back to pandas. From the
# stored scores alone (their revenue: the same per-customer doubles the orders give).
_STAGE_SUMMARY_SQL = {
    False: f"""
SELECT stage, count(*) AS customers, CAST(sum(revenue) AS DOUBLE) AS revenue
FROM ({_STAGES_SQL}) GROUP BY stage
""",
    True: f"""
SELECT stage, count(*) AS customers, CAST(sum(revenue) AS DOUBLE) AS revenue
FROM customer_scores WHERE stage IS NOT NULL AND {SHOP_FILTER} GROUP BY stage
""",
}


def _stage_params(con, *, as_of, cuts, shop, stage=None, search=None) -> dict:
    cuts = cuts or stage_cuts(con)
    return {
        "as_of": as_of,
        "end": _day_after(as_of),
        "shop": shop,
        "stage": stage,
        "search": search or None,
        **_cut_params(cuts),
    }


#: ``_stage_rows(stage=_EVERY)``: every stage.
_EVERY = object()


def _stage_rows(
    con, *, as_of, cuts, shop, stage=_EVERY, search=None, limit=None, count=False
) -> pd.DataFrame | int:
    """The buyers' stage rows (in ``stage`` whose id or name contains ``search`` when
    given; the first ``limit``), or with ``count`` how many there are."""
    if stage is not _EVERY and stage not in STAGES:
        raise InputError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    stage = None if stage is _EVERY else stage
    params = _stage_params(con, as_of=as_of, cuts=cuts, shop=shop, stage=stage, search=search)
    sql = _STAGE_ROWS_SQL[_stored(con, as_of=as_of, shop=shop, cuts=cuts)]
    if count:
        sql = f"SELECT count(*) FROM ({sql})"
        return int(con.execute(sql, _used(sql, params)).fetchall()[0][0])
    if limit is not None:
        sql, params = f"{sql} LIMIT $limit", params | {"limit": int(limit)}
    return con.execute(sql, _used(sql, params)).df()


def customer_stages(
    con, *, as_of: date, cuts: StageCuts | None = None, shop: str | None = None
) -> pd.DataFrame:
    """Every buyer with >= 1 valid order on or before as_of, and their stage then.

    Columns: platform, shop, customer_id, customer_name (latest), last_order_date,
    days_since_last, stage (one of STAGES), valid_orders, revenue (net of refunds) — both
    counted up to as_of. ``cuts=None`` uses the stored settings. Most recent buyers first.
    """
    return _stage_rows(con, as_of=as_of, cuts=cuts, shop=shop)


def stage_customers(
    con,
    *,
    as_of: date,
    stage: str,
    search: str | None = None,
    cuts: StageCuts | None = None,
    shop: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The rows of ``customer_stages`` in one stage, optionally whose id or name contains
    ``search`` (case-insensitive); ``limit`` keeps the first that many
    (:func:`stage_customer_count` says how many there are). Same columns."""
    return _stage_rows(
        con, as_of=as_of, cuts=cuts, shop=shop, stage=stage, search=search, limit=limit
    )


def stage_customer_count(
    con,
    *,
    as_of: date,
    stage: str,
    search: str | None = None,
    cuts: StageCuts | None = None,
    shop: str | None = None,
) -> int:
    """How many rows :func:`stage_customers` has without a limit."""
    return _stage_rows(
        con, as_of=as_of, cuts=cuts, shop=shop, stage=stage, search=search, count=True
    )


def _with_shares(summary: pd.DataFrame) -> pd.DataFrame:
    for column in ("customers", "revenue"):
        total = summary[column].sum()
        summary[f"{column}_share"] = summary[column] / total if total else 0.0
    return summary


def lifecycle(
    con, *, as_of: date, cuts: StageCuts | None = None, shop: str | None = None
) -> pd.DataFrame:
    """Buyers and their revenue per stage as of a date, all five stages in order.

    Columns: stage, customers, revenue, customers_share, revenue_share (0 when empty).
    """
    params = _stage_params(con, as_of=as_of, cuts=cuts, shop=shop)
    sql = _STAGE_SUMMARY_SQL[_stored(con, as_of=as_of, shop=shop, cuts=cuts)]
    summary = (
        con.execute(sql, _used(sql, params))
        .df()
        .set_index("stage")
        .reindex(list(STAGES), fill_value=0)
        .rename_axis("stage")
        .reset_index()
    )
    summary["customers"] = summary["customers"].astype(int)
    summary["revenue"] = summary["revenue"].astype(float)
    return _with_shares(summary)


_FLOWS_SQL = f"""
WITH buyers AS (
    SELECT platform, shop, customer_id,
        CAST(max(order_time) FILTER (order_time < $start_end) AS DATE) AS last_at_start,
        CAST(max(order_time) AS DATE) AS last_at_end
    FROM buyer_valid_orders
    WHERE {SHOP_FILTER} AND order_time < $end_end
    GROUP BY ALL
)
SELECT
    CASE WHEN last_at_start IS NULL THEN '{NEW}'
        ELSE {_stage_sql("date_diff('day', last_at_start, $start)")} END AS from_stage,
    {_stage_sql("date_diff('day', last_at_end, $end)")} AS to_stage,
    count(*) AS customers
FROM buyers
GROUP BY ALL
"""


def stage_flows(
    con,
    *,
    start: date,
    end: date,
    cuts: StageCuts | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """How buyers moved between stages from ``start`` to ``end`` (for a Sankey diagram).

    One row per (from_stage, to_stage) pair with customers > 0, over the buyers with a
    valid order by ``end``; from_stage is "new" for those without one by ``start``.
    Columns: from_stage, to_stage, customers; ordered new, active … lost.
    """
    if start > end:
        raise InputError(f"start ({start}) must not be after end ({end})")
    cuts = cuts or stage_cuts(con)
    params = {
        "start": start,
        "end": end,
        "start_end": _day_after(start),
        "end_end": _day_after(end),
        "shop": shop,
        **_cut_params(cuts),
    }
    flows = con.execute(_FLOWS_SQL, params).df()
    order = {stage: i for i, stage in enumerate((NEW, *STAGES))}
    flows = flows.sort_values(
        ["from_stage", "to_stage"], key=lambda column: column.map(order)
    ).reset_index(drop=True)
    flows["customers"] = flows["customers"].astype(int)
    return flows


_TYPES_SQL = f"""
WITH seen AS (
    SELECT platform, shop, customer_id,
        arg_max(customer_name, order_time) AS customer_name,
        count(*) AS all_orders
    FROM buyer_orders
    WHERE {SHOP_FILTER} AND order_time < $end
    GROUP BY ALL
), bought AS (
    SELECT platform, shop, customer_id,
        count(*) AS valid_orders,
        CAST(sum(net_amount) AS DOUBLE) AS revenue,
        CAST(min(order_time) AS DATE) AS first_order_date,
        CAST(max(order_time) AS DATE) AS last_order_date
    FROM buyer_valid_orders
    WHERE {SHOP_FILTER} AND order_time < $end
    GROUP BY ALL
), joined AS (
    SELECT s.platform, s.shop, s.customer_id, s.customer_name, s.all_orders,
        coalesce(b.valid_orders, 0) AS valid_orders,
        coalesce(b.revenue, 0) AS revenue,
        b.first_order_date, b.last_order_date,
        date_diff('day', b.first_order_date, $as_of) AS days_since_first,
        date_diff('day', b.last_order_date, $as_of) AS days_since_last
    FROM seen s
    LEFT JOIN bought b USING (platform, shop, customer_id)
), staged AS (
    SELECT *,
        CASE WHEN valid_orders = 0 THEN NULL
            ELSE {_stage_sql("days_since_last")} END AS stage
    FROM joined
)
SELECT platform, shop, customer_id, customer_name,
    CASE
        WHEN valid_orders = 0 THEN 'potential'
        WHEN valid_orders >= $loyal_orders AND stage = 'active' THEN 'loyal'
        WHEN valid_orders >= 2 THEN 'repeat'
        WHEN days_since_first <= $new_days THEN 'new'
        ELSE 'one_time'
    END AS customer_type,
    coalesce(days_since_first <= $onboarding_days, false) AS onboarding,
    valid_orders, revenue, all_orders, first_order_date, last_order_date,
    days_since_first, days_since_last, stage
FROM staged
"""

# The same rows from the stored scores (type, stage, days and name as stored) and the
# customer summary (current at the scores' date): counts and dates of every customer.
_STORED_TYPES_SQL = f"""
SELECT s.platform, s.shop, s.customer_id, s.customer_name, s.customer_type,
    coalesce(date_diff('day', CAST(c.first_order_time AS DATE), $as_of) <= $onboarding_days,
        false) AS onboarding,
    CAST(c.valid_orders AS BIGINT) AS valid_orders,
    CAST(c.revenue AS DOUBLE) AS revenue,
    CAST(c.all_orders AS BIGINT) AS all_orders,
    CAST(c.first_order_time AS DATE) AS first_order_date,
    CAST(c.last_order_time AS DATE) AS last_order_date,
    date_diff('day', CAST(c.first_order_time AS DATE), $as_of) AS days_since_first,
    CAST(s.days_since_last AS BIGINT) AS days_since_last,
    s.stage
FROM customer_scores s
JOIN customers c USING (platform, shop, customer_id)
WHERE {shop_filter("s")}
"""

#: Customer-type rows (unordered) by source: False = the orders, True = the stored scores.
_TYPE_ROWS_SQL = {False: _TYPES_SQL, True: _STORED_TYPES_SQL}
_TYPES_ORDERED_SQL = {
    stored: f"SELECT * FROM ({sql}) ORDER BY platform, shop, customer_id"
    for stored, sql in _TYPE_ROWS_SQL.items()
}
_ONBOARDING_SQL = {
    stored: f"SELECT * FROM ({sql}) WHERE onboarding ORDER BY days_since_first, customer_id"
    for stored, sql in _TYPE_ROWS_SQL.items()
}


def customer_types(
    con,
    *,
    as_of: date,
    settings: CustomerTypeSettings | None = None,
    cuts: StageCuts | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Every customer with an order (any status) on or before as_of, and their type.

    Columns: platform, shop, customer_id, customer_name, customer_type (one of
    CUSTOMER_TYPES), onboarding (first valid order at most onboarding_days old),
    valid_orders, revenue, all_orders, first_order_date, last_order_date,
    days_since_first, days_since_last, stage (None for potential customers).
    ``settings=None`` / ``cuts=None`` use the stored settings.
    """
    return _type_rows(con, _TYPES_ORDERED_SQL, as_of=as_of, settings=settings, cuts=cuts, shop=shop)


_TYPE_SUMMARY_SQL = {
    False: f"""
SELECT customer_type, count(*) AS customers, CAST(sum(revenue) AS DOUBLE) AS revenue,
    count(*) FILTER (onboarding) AS onboarding
FROM ({_TYPES_SQL}) GROUP BY customer_type
""",
    # The stored types and revenue; only the few buyers in their onboarding window are
    # looked up in the customer summary.
    True: f"""
WITH onboarding AS (
    SELECT platform, shop, customer_id FROM customers
    WHERE first_order_time >= CAST($as_of AS DATE) - CAST($onboarding_days AS INTEGER)
        AND date_diff('day', CAST(first_order_time AS DATE), $as_of) <= $onboarding_days
)
SELECT s.customer_type, count(*) AS customers,
    CAST(sum(coalesce(s.revenue, 0)) AS DOUBLE) AS revenue,
    count(o.customer_id) AS onboarding
FROM customer_scores s
LEFT JOIN onboarding o USING (platform, shop, customer_id)
WHERE {shop_filter("s")}
GROUP BY s.customer_type
""",
}


def _type_rows(con, sql: dict, *, as_of, settings, cuts, shop) -> pd.DataFrame:
    """``sql`` (a variant per source) run on the stored scores when they match, else on
    the orders."""
    params = _type_params(con, as_of=as_of, settings=settings, cuts=cuts, shop=shop)
    stored = _stored(con, as_of=as_of, shop=shop, cuts=cuts, settings=settings)
    return con.execute(sql[stored], _used(sql[stored], params)).df()


def _type_params(con, *, as_of, settings, cuts, shop) -> dict:
    settings = settings or customer_type_settings(con)
    cuts = cuts or stage_cuts(con)
    return {
        "as_of": as_of,
        "end": _day_after(as_of),
        "shop": shop,
        "new_days": settings.new_days,
        "onboarding_days": settings.onboarding_days,
        "loyal_orders": settings.loyal_orders,
        **_cut_params(cuts),
    }


def customer_type_summary(
    con,
    *,
    as_of: date,
    settings: CustomerTypeSettings | None = None,
    cuts: StageCuts | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """Customers and revenue per customer type, every type in order.

    Columns: customer_type, customers, revenue, onboarding (customers in their onboarding
    window), customers_share, revenue_share.
    """
    summary = (
        _type_rows(con, _TYPE_SUMMARY_SQL, as_of=as_of, settings=settings, cuts=cuts, shop=shop)
        .set_index("customer_type")
        .reindex(list(CUSTOMER_TYPES), fill_value=0)
        .rename_axis("customer_type")
        .reset_index()
    )
    summary[["customers", "onboarding"]] = summary[["customers", "onboarding"]].astype(int)
    summary["revenue"] = summary["revenue"].astype(float)
    return _with_shares(summary)


def onboarding_customers(
    con,
    *,
    as_of: date,
    settings: CustomerTypeSettings | None = None,
    cuts: StageCuts | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """The rows of ``customer_types`` in their onboarding window (first valid order at most
    onboarding_days before as_of; seed 002: thank-you card, how-to guide, welcome offer).
    Same columns, newest first buyers first."""
    return _type_rows(con, _ONBOARDING_SQL, as_of=as_of, settings=settings, cuts=cuts, shop=shop)


# Each buyer's first four valid orders' times (a per-buyer aggregate, no sort of every
# order); orders at the same time fall on the same day, so which comes first does not matter.
_FUNNEL_SQL = f"""
WITH firsts AS (
    SELECT min(order_time, 4) AS times
    FROM buyer_valid_orders
    WHERE {SHOP_FILTER} AND order_time < $end
    GROUP BY platform, shop, customer_id
), days AS (
    SELECT len(times) AS k, list_transform(times, lambda t: CAST(t AS DATE)) AS d FROM firsts
), steps AS (
    SELECT unnest(range(1, k + 1)) AS n, d FROM days
)
SELECT n, count(*) AS customers,
    median(CASE WHEN n > 1 THEN date_diff('day', d[n - 1], d[n]) END) AS median_days
FROM steps
GROUP BY n
"""


def order_funnel(con, *, as_of: date, shop: str | None = None) -> pd.DataFrame:
    """Buyers reaching their 1st, 2nd, 3rd and 4th-or-later valid order by as_of.

    Columns: step (1, 2, 3, "4+"), customers (buyers with >= that many valid orders),
    conversion (customers / the previous step's; 1.0 for step 1, 0 when nobody bought),
    median_days_from_previous (median whole days between a buyer's previous and this
    order, over the buyers who reached it; for "4+" the 3rd to 4th gap; NaN for step 1 or
    when nobody reached the step). Orders of one buyer are taken in time order.
    """
    raw = con.execute(_FUNNEL_SQL, {"end": _day_after(as_of), "shop": shop}).df()
    raw = raw.set_index("n").reindex([1, 2, 3, 4])
    customers = raw["customers"].fillna(0).astype(int).to_numpy()
    conversion = [1.0 if customers[0] else 0.0]
    for previous, current in zip(customers[:-1], customers[1:], strict=True):
        conversion.append(current / previous if previous else 0.0)
    median = raw["median_days"].astype(float).to_numpy(copy=True)
    median[0] = float("nan")
    return pd.DataFrame(
        {
            "step": pd.Series(FUNNEL_STEPS, dtype=object),
            "customers": customers,
            "conversion": conversion,
            "median_days_from_previous": median,
        }
    )
