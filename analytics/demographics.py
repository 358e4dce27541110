"""Who the buyers are: age bands (seed 004), gender, and 高质量客户 quality customers (seed 001).

Ages come from ``customer_profiles`` (keyed by customer_id): whole years from the birthday
to the as-of date when the birthday is known, else the stored age. Bands are ``AGE_BANDS``
(18-24, 25-29, 30-34 as in seed 004, then 35+ and <18).

Buyers with no age are spread over the bands at random, as seed 004 does with its leftover
16%: the bands get shares of them proportional to the known distribution (the unknown
buyers are put in a pseudo-random order and cut at the rounded cumulative shares, so each
band's count is within one of its exact quota and the counts add up). The order is DuckDB's
``hash(seed, platform, shop, customer_id)``: deterministic for a seed (with the pinned
DuckDB) and independent of row order. With no known ages at all there is nothing to be
proportional to: those buyers keep a null band.

Buyers "as of" a date are those with >= 1 valid order on or before it; when no order is
later than that date the customer summary is read instead of the orders (same answer).
The bands stored with the per-customer scores are read when they match the view
(:mod:`analytics.scored`: their as-of date and seed, all shops or a store of one shop, as
the random placement depends on every buyer's known age).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analytics import scored
from analytics.frames import query_df, summary_is_current
from analytics.store import SHOP_FILTER, shop_filter

AGE_BANDS = ("18-24", "25-29", "30-34", "35+", "<18")

# Buyers as of $as_of with their net revenue up to then: from the summary (no later order)
# or from the orders.
_BUYERS = {
    True: f"""
        SELECT platform, shop, customer_id, revenue
        FROM customers
        WHERE valid_orders > 0 AND {SHOP_FILTER}""",
    False: f"""
        SELECT platform, shop, customer_id, sum(net_amount) AS revenue
        FROM buyer_valid_orders
        WHERE order_time < CAST($as_of AS DATE) + INTERVAL 1 DAY AND {SHOP_FILTER}
        GROUP BY ALL""",
}

_AGES_TEMPLATE = """
WITH banded AS MATERIALIZED (
    SELECT *, CASE WHEN age IS NULL THEN NULL
        WHEN age < 18 THEN '<18' WHEN age <= 24 THEN '18-24' WHEN age <= 29 THEN '25-29'
        WHEN age <= 34 THEN '30-34' ELSE '35+' END AS known_band
    FROM (
        SELECT b.platform, b.shop, b.customer_id, b.revenue,
            CASE WHEN p.birthday IS NOT NULL AND p.birthday <= CAST($as_of AS DATE) THEN
                year(CAST($as_of AS DATE)) - year(p.birthday)
                - CASE WHEN strftime(CAST($as_of AS DATE), '%m%d') < strftime(p.birthday, '%m%d')
                    THEN 1 ELSE 0 END
            WHEN p.birthday IS NULL AND p.age >= 0 THEN p.age END AS age
        FROM ({buyers}) b LEFT JOIN customer_profiles p USING (customer_id)
    )
),
-- Cumulative share of each band among known ages, in AGE_BANDS order (NULLs: none known).
cuts AS (
    SELECT list(cum ORDER BY pos) AS cum,
        (SELECT count(*) FROM banded WHERE known_band IS NULL) AS n_unknown
    FROM (
        SELECT b.pos, sum(coalesce(k.n, 0)) OVER (ORDER BY b.pos)
            / nullif(sum(coalesce(k.n, 0)) OVER (), 0) AS cum
        FROM (SELECT unnest($bands) AS band, generate_subscripts($bands, 1) AS pos) b
        LEFT JOIN (SELECT known_band, count(*) AS n FROM banded GROUP BY ALL) k
            ON k.known_band = b.band
    )
),
slotted AS (
    SELECT *,
        row_number() OVER (PARTITION BY known_band IS NULL
            ORDER BY hash($seed, platform, shop, customer_id), platform, shop, customer_id)
            - 1 AS slot
    FROM banded
)
SELECT s.platform, s.shop, s.customer_id, CAST(s.age AS INTEGER) AS age,
    CASE WHEN s.known_band IS NOT NULL THEN s.known_band
        WHEN cuts.cum[1] IS NOT NULL THEN
            $bands[1 + len(list_filter(cuts.cum, lambda c: s.slot >= round(c * cuts.n_unknown)))]
        END AS age_band,
    s.known_band IS NULL AND cuts.cum[1] IS NOT NULL AS imputed,
    s.revenue
FROM slotted s, cuts
"""

_BAND_SUMMARY_TEMPLATE = """
WITH a AS ({ages}),
bands AS (SELECT unnest($bands) AS age_band, generate_subscripts($bands, 1) AS pos),
per AS (
    SELECT age_band, count(*) AS customers, sum(revenue) AS revenue,
        count(*) FILTER (imputed) AS imputed_customers
    FROM a WHERE age_band IS NOT NULL GROUP BY ALL
)
SELECT bands.age_band,
    CAST(coalesce(per.customers, 0) AS BIGINT) AS customers,
    CAST(coalesce(per.revenue, 0) AS DOUBLE) AS revenue,
    CAST(coalesce(per.imputed_customers, 0) AS BIGINT) AS imputed_customers,
    CAST(coalesce(per.customers - per.imputed_customers, 0) AS BIGINT) AS known_customers,
    coalesce(per.customers / nullif(sum(per.customers) OVER (), 0), 0) AS share,
    coalesce(per.imputed_customers / nullif(per.customers, 0), 0) AS imputed_share
FROM bands LEFT JOIN per USING (age_band)
ORDER BY bands.pos
"""

# The stored bands (analytics.scores, seed AGE_SEED) with the ages and revenue as above.
_STORED_AGES_SQL = f"""
SELECT c.platform, c.shop, c.customer_id, CAST(a.age AS INTEGER) AS age, s.age_band,
    a.age IS NULL AND s.age_band IS NOT NULL AS imputed,
    c.revenue
FROM customers c
JOIN customer_scores s USING (platform, shop, customer_id)
LEFT JOIN (
    SELECT customer_id,
        CASE WHEN birthday IS NOT NULL AND birthday <= CAST($as_of AS DATE) THEN
            year(CAST($as_of AS DATE)) - year(birthday)
            - CASE WHEN strftime(CAST($as_of AS DATE), '%m%d') < strftime(birthday, '%m%d')
                THEN 1 ELSE 0 END
        WHEN birthday IS NULL AND age >= 0 THEN age END AS age
    FROM customer_profiles
) a USING (customer_id)
WHERE c.valid_orders > 0 AND {shop_filter("c")}
"""

#: Ages by source: True = the customer summary (no order after as_of), False = the
#: orders, "stored" = the stored per-customer scores.
_AGES_SQL = {k: _AGES_TEMPLATE.replace("{buyers}", v) for k, v in _BUYERS.items()}
_AGES_SQL["stored"] = _STORED_AGES_SQL
_BANDS_SQL = {
    k: f"SELECT * EXCLUDE (revenue) FROM ({v}) ORDER BY platform, shop, customer_id"
    for k, v in _AGES_SQL.items()
}
_BAND_SUMMARY_SQL = {k: _BAND_SUMMARY_TEMPLATE.replace("{ages}", v) for k, v in _AGES_SQL.items()}


def _run(con, sql: dict, params: dict) -> pd.DataFrame:
    """The variant of ``sql`` that fits the view: the stored scores when they match (the
    stored seed included), else the customer summary when no order is later than
    ``params["as_of"]``, else the orders."""
    from analytics.scores import AGE_SEED

    if params.get("seed") == str(AGE_SEED) and scored.available(
        con, as_of=params["as_of"], shop=params["shop"], population=True
    ):
        return query_df(con, sql["stored"], params)
    return query_df(con, sql[summary_is_current(con, params["as_of"])], params)


def _params(as_of: date, seed: int, shop: str | None) -> dict:
    return {"as_of": as_of, "seed": str(int(seed)), "shop": shop, "bands": list(AGE_BANDS)}


def customer_age_bands(
    con, *, as_of: date, seed: int = 42, shop: str | None = None
) -> pd.DataFrame:
    """Every buyer (>= 1 valid order on or before ``as_of``) with an age band.

    Columns: platform, shop, customer_id, age (whole years as of ``as_of``; null when
    unknown), age_band (one of ``AGE_BANDS``; placed at random when the age is unknown, see
    the module docstring; null for everyone when no buyer's age is known), imputed (bool:
    the band was placed at random).
    """
    return _run(con, _BANDS_SQL, _params(as_of, seed, shop))


def age_band_summary(con, *, as_of: date, seed: int = 42, shop: str | None = None) -> pd.DataFrame:
    """Buyers and revenue (net, up to ``as_of``) per age band, every band in ``AGE_BANDS``
    order.

    Columns: age_band, customers, revenue, imputed_customers (of them, placed at random),
    known_customers (the others), share (of banded buyers), imputed_share
    (imputed_customers / customers). All zero when no buyer's age is known.
    """
    return _run(con, _BAND_SUMMARY_SQL, _params(as_of, seed, shop))


_GENDER_SQL = f"""
SELECT coalesce(nullif(trim(p.gender), ''), 'unknown') AS gender,
    count(*) AS customers,
    CAST(sum(c.revenue) AS DOUBLE) AS revenue,
    count(*) / sum(count(*)) OVER () AS share
FROM customers c LEFT JOIN customer_profiles p USING (customer_id)
WHERE c.valid_orders > 0 AND {shop_filter("c")}
GROUP BY ALL
ORDER BY customers DESC, gender
"""


def gender_summary(con, *, shop: str | None = None) -> pd.DataFrame:
    """Buyers by gender as the profiles give it ('unknown' without one).

    Columns: gender, customers, revenue, share (of buyers).
    """
    return con.execute(_GENDER_SQL, {"shop": shop}).df()


# 高质量客户 (seed 001): >= 1 valid order and no bad review; when none of the buyers has
# review data, no refunded order instead (an order with any refund, as in the summary).
_QUALITY_BUYERS = {
    True: f"""
        SELECT platform, shop, customer_id, customer_name, phone, valid_orders,
            revenue, last_order_time, refunded_orders
        FROM customers
        WHERE valid_orders > 0 AND {SHOP_FILTER}""",
    False: f"""
        SELECT platform, shop, customer_id,
            arg_max(customer_name, order_time) AS customer_name,
            arg_max(phone, order_time) AS phone,
            count(*) FILTER (valid) AS valid_orders,
            coalesce(sum(amount - refund_amount) FILTER (valid), 0) AS revenue,
            max(order_time) FILTER (valid) AS last_order_time,
            count(*) FILTER (refund_amount > 0) AS refunded_orders
        FROM (
            SELECT *, status IN ('paid', 'shipped', 'completed')
                AND (refund_amount = 0 OR refund_amount < amount) AS valid
            FROM buyer_orders
            WHERE order_time < CAST($as_of AS DATE) + INTERVAL 1 DAY AND {SHOP_FILTER}
        )
        GROUP BY ALL
        HAVING count(*) FILTER (valid) > 0""",
}

_QUALITY_TEMPLATE = """
WITH reviewed AS MATERIALIZED (
    SELECT b.platform, b.shop, b.customer_id, b.customer_name, b.phone,
        CAST(b.valid_orders AS INTEGER) AS valid_orders,
        b.revenue, b.last_order_time,
        CAST(b.refunded_orders AS INTEGER) AS refunded_orders, p.bad_review
    FROM ({buyers}) b LEFT JOIN customer_profiles p USING (customer_id)
),
judged AS (
    SELECT r.*, basis.basis,
        CASE WHEN basis.basis = 'reviews' THEN r.bad_review IS NOT TRUE
             ELSE r.refunded_orders = 0 END AS quality
    FROM reviewed r, (
        SELECT CASE WHEN count(bad_review) > 0 THEN 'reviews' ELSE 'refunds' END AS basis
        FROM reviewed
    ) basis
)
"""

_QUALITY_LIST_TEMPLATE = """
SELECT platform, shop, customer_id, customer_name, phone, valid_orders,
    CAST(revenue AS DOUBLE) AS revenue, last_order_time, refunded_orders, bad_review
FROM judged WHERE quality
ORDER BY revenue DESC, platform, shop, customer_id
"""

_QUALITY_SUMMARY_TEMPLATE = """
SELECT coalesce(any_value(basis), 'refunds') AS basis,
    count(*) AS buyers,
    count(*) FILTER (quality) AS quality_customers,
    coalesce(sum(revenue) FILTER (quality), 0) AS quality_revenue,
    coalesce(sum(revenue), 0) AS revenue
FROM judged
"""

_QUALITY_LIST_SQL = {
    k: _QUALITY_TEMPLATE.replace("{buyers}", v) + _QUALITY_LIST_TEMPLATE
    for k, v in _QUALITY_BUYERS.items()
}
_QUALITY_SUMMARY_SQL = {
    k: _QUALITY_TEMPLATE.replace("{buyers}", v) + _QUALITY_SUMMARY_TEMPLATE
    for k, v in _QUALITY_BUYERS.items()
}


@dataclass(frozen=True)
class QualitySummary:
    """How many buyers are 高质量客户, and by which rule (``basis``: reviews or refunds)."""

    basis: str
    buyers: int
    quality_customers: int
    share: float
    revenue_share: float


def quality_customers(con, *, as_of: date | None = None, shop: str | None = None) -> pd.DataFrame:
    """高质量客户 (seed 001): buyers with >= 1 valid order and no bad review (a buyer with
    no profile counts as no bad review); when none of the buyers has review data, buyers
    with no refunded order (any refund) instead. Orders after ``as_of`` are ignored (None:
    all).

    Columns: platform, shop, customer_id, customer_name, phone, valid_orders, revenue,
    last_order_time, refunded_orders, bad_review. By revenue, highest first.
    """
    return _run(con, _QUALITY_LIST_SQL, {"as_of": as_of, "shop": shop})


def quality_summary(con, *, as_of: date | None = None, shop: str | None = None) -> QualitySummary:
    """Counts for ``quality_customers``: buyers, quality customers, their share of buyers
    and of revenue (0 when there are no buyers), and the rule used."""
    row = _run(con, _QUALITY_SUMMARY_SQL, {"as_of": as_of, "shop": shop}).iloc[0]
    buyers, quality, revenue = int(row["buyers"]), int(row["quality_customers"]), row["revenue"]
    return QualitySummary(
        basis=str(row["basis"]),
        buyers=buyers,
        quality_customers=quality,
        share=quality / buyers if buyers else 0.0,
        revenue_share=float(row["quality_revenue"]) / float(revenue) if revenue else 0.0,
    )
