"""Acquisition cohorts (SPEC "Cohorts", seed 003): how often and how much buyers come back.

A buyer's cohort is the month (or ISO week, Monday to Sunday) of their first valid order;
a cohort's age is the number of whole periods since that first period (0 = the period of
acquisition). ``cohort_table`` gives one row per cohort and age, with no gaps: an age in
which no one of the cohort bought is a row of zeros, and ages run up to the as-of period
(or the newest order's period), so later cohorts have fewer ages — the usual triangle.
The cohort comes from ``customers.first_order_time`` (kept up to date by every import): a
buyer's first valid order is the same whatever the as-of date, as long as it precedes it.

``cohort_matrix`` and ``revenue_curves`` shape that table for the heatmap and the curves.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analytics.errors import InputError
from analytics.store import shop_filter

PERIODS = ("month", "week")
#: Values ``cohort_matrix`` can spread over the cohort x age grid.
COHORT_METRICS = ("retention", "customers", "orders", "revenue", "revenue_per_customer_cum")

# Each valid order gets its buyer's cohort from the customer summary (first valid order, the
# same with or without an as-of date) and the buyer's summary row id, a cheap integer key for
# counting distinct buyers; then sums per (cohort, period), laid on the dense grid.
_COHORTS_SQL = f"""
WITH buys AS (
    SELECT c.rowid AS buyer,
        date_trunc($period, c.first_order_time) AS cohort_start,
        date_trunc($period, o.order_time) AS period_start,
        o.net_amount
    FROM valid_orders o
    JOIN customers c USING (platform, shop, customer_id)
    WHERE {shop_filter("o")} AND ($end IS NULL OR o.order_time < $end)
), cells AS (
    SELECT cohort_start, period_start,
        count(DISTINCT buyer) AS customers, count(*) AS orders, sum(net_amount) AS revenue
    FROM buys
    GROUP BY ALL
), sizes AS (
    SELECT cohort_start, customers AS cohort_size FROM cells WHERE period_start = cohort_start
), last_period AS (
    SELECT coalesce(date_trunc($period, CAST($as_of AS DATE)), max(period_start)) AS last_start
    FROM cells
), grid AS (
    SELECT s.cohort_start, s.cohort_size,
        unnest(generate_series(
            s.cohort_start, l.last_start,
            CASE WHEN $period = 'month' THEN INTERVAL 1 MONTH ELSE INTERVAL 7 DAY END
        )) AS period_start
    FROM sizes s, last_period l
)
SELECT
    CASE WHEN $period = 'month' THEN strftime(g.cohort_start, '%Y-%m')
        ELSE strftime(g.cohort_start, '%G-W%V') END AS cohort,
    CASE WHEN $period = 'month'
        THEN (year(g.period_start) - year(g.cohort_start)) * 12
            + month(g.period_start) - month(g.cohort_start)
        ELSE date_diff('day', g.cohort_start, g.period_start) // 7 END AS age,
    coalesce(c.customers, 0) AS customers,
    coalesce(c.orders, 0) AS orders,
    CAST(coalesce(c.revenue, 0) AS DOUBLE) AS revenue,
    g.cohort_size,
    coalesce(c.customers, 0) / g.cohort_size AS retention,
    CAST(sum(coalesce(c.revenue, 0)) OVER (
        PARTITION BY g.cohort_start ORDER BY g.period_start
    ) AS DOUBLE) / g.cohort_size AS revenue_per_customer_cum,
    CAST(g.cohort_start AS DATE) AS cohort_start,
    CAST(g.period_start AS DATE) AS period_start
FROM grid g
LEFT JOIN cells c USING (cohort_start, period_start)
ORDER BY g.cohort_start, g.period_start
"""


def cohort_table(
    con, *, period: str = "month", as_of: date | None = None, shop: str | None = None
) -> pd.DataFrame:
    """Acquisition cohorts by age over valid orders (on or before as_of when given).

    Columns: cohort ("YYYY-MM", or ISO week "YYYY-Www"), age (periods since the cohort's
    first period), customers (cohort buyers with a valid order in that period), orders,
    revenue (net), cohort_size (buyers acquired in the cohort's period), retention
    (customers / cohort_size), revenue_per_customer_cum (the cohort's revenue from age 0 to
    this age / cohort_size), cohort_start and period_start (first day of each period).
    Ordered by cohort, then age.
    """
    if period not in PERIODS:
        raise InputError(f"period must be 'month' or 'week', not {period!r}")
    end = as_of + timedelta(days=1) if as_of else None
    params = {"period": period, "as_of": as_of, "end": end, "shop": shop}
    table = con.execute(_COHORTS_SQL, params).df()
    for column in ("age", "customers", "orders", "cohort_size"):
        table[column] = table[column].astype(int)
    return table


def _last_cohorts(table: pd.DataFrame, last: int | None) -> pd.DataFrame:
    if last is None:
        return table
    keep = table["cohort"].drop_duplicates().iloc[-last:] if last > 0 else []
    return table[table["cohort"].isin(keep)]


def cohort_matrix(
    table: pd.DataFrame, metric: str = "retention", *, last: int | None = None
) -> pd.DataFrame:
    """``cohort_table`` spread as a grid for a heatmap: one row per cohort (oldest first),
    one column per age (0, 1, …), values of ``metric`` (one of COHORT_METRICS); NaN where
    a cohort has not reached that age. ``last`` keeps only the newest ``last`` cohorts."""
    if metric not in COHORT_METRICS:
        raise InputError(f"metric must be one of {', '.join(COHORT_METRICS)}, not {metric!r}")
    rows = _last_cohorts(table, last)
    cohorts = rows["cohort"].drop_duplicates().tolist()
    matrix = rows.pivot(index="cohort", columns="age", values=metric).reindex(cohorts)
    matrix.columns.name = "age"
    return matrix


def revenue_curves(table: pd.DataFrame, *, last: int = 12) -> pd.DataFrame:
    """Cumulative revenue per cohort customer by age, for the newest ``last`` cohorts.

    Columns: cohort, age, cohort_size, revenue_per_customer_cum.
    """
    rows = _last_cohorts(table, last)
    columns = ["cohort", "age", "cohort_size", "revenue_per_customer_cum"]
    return rows[columns].reset_index(drop=True)


def color_range(matrix: pd.DataFrame) -> tuple[float, float]:
    """(0, high) for the colour scale of a ``cohort_matrix`` heatmap, high read from ages 1
    and later.

    Age 0 is 100% retention by definition and usually dwarfs what follows, so scaling the
    colours on it would wash the rest of the grid out. Falls back to age 0 when there is
    no later age; (0, 1) when the matrix is empty or all zero.
    """
    later = matrix.drop(columns=[0], errors="ignore").stack().dropna()
    values = later if not later.empty else matrix.stack().dropna()
    high = float(values.max()) if not values.empty else 0.0
    return 0.0, high if high > 0 else 1.0
