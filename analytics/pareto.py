"""The 20/80 rule (seed 004): how concentrated revenue is among buyers.

Buyers (>= 1 valid order, all time) are ranked by net revenue, highest first. The share of
revenue from the top ``x`` of buyers is the cumulative revenue of the first ``x * n`` of
them; when ``x * n`` is not a whole number the next buyer counts in proportion (linear
interpolation), so the curve is continuous and ``top_share(top=0.2)`` with 10 buyers is
exactly the two biggest buyers' share. With no revenue every share is 0.
"""

from __future__ import annotations

import pandas as pd

from analytics.errors import InputError
from analytics.store import SHOP_FILTER

# i = rank (1 = biggest buyer); cum = revenue of buyers 1..i. A point at customer share x
# takes j = floor(x * n) whole buyers plus the fraction x * n - j of buyer j + 1. Buyers with
# equal revenue are interchangeable here (cum is the same whichever comes first), so the
# ranking needs no tie-break; MATERIALIZED: it is joined twice and sorted once.
_RANKED_CTE = f"""
ranked AS MATERIALIZED (
    SELECT row_number() OVER w AS i,
        CAST(revenue AS DOUBLE) AS revenue,
        CAST(sum(revenue) OVER (w ROWS UNBOUNDED PRECEDING) AS DOUBLE) AS cum
    FROM customers
    WHERE valid_orders > 0 AND {SHOP_FILTER}
    WINDOW w AS (ORDER BY revenue DESC)
),
totals AS (SELECT count(*) AS n, coalesce(sum(revenue), 0) AS total FROM ranked)"""

_CURVE_SQL = f"""
WITH {_RANKED_CTE},
grid AS (
    SELECT k, (k * n) // $points AS j, ((k * n) % $points) / $points AS frac, n, total
    FROM range(0, $points + 1) g(k), totals
)
SELECT g.k / $points AS customer_share,
    CASE WHEN g.total > 0
        THEN (coalesce(a.cum, 0) + g.frac * coalesce(b.revenue, 0)) / g.total ELSE 0 END
        AS revenue_share
FROM grid g
LEFT JOIN ranked a ON a.i = g.j
LEFT JOIN ranked b ON b.i = g.j + 1
ORDER BY g.k
"""

_TOP_SQL = f"""
WITH {_RANKED_CTE},
point AS (SELECT floor($top * n) AS j, $top * n - floor($top * n) AS frac, total FROM totals)
SELECT CASE WHEN p.total > 0
    THEN (coalesce(a.cum, 0) + p.frac * coalesce(b.revenue, 0)) / p.total ELSE 0 END
FROM point p
LEFT JOIN ranked a ON a.i = p.j
LEFT JOIN ranked b ON b.i = p.j + 1
"""


def pareto_curve(con, *, shop: str | None = None, points: int = 100) -> pd.DataFrame:
    """The concentration curve at ``points + 1`` evenly spaced customer shares 0..1.

    Columns: customer_share (top share of buyers, by revenue), revenue_share (the share of
    revenue they bring). Starts at (0, 0) and ends at (1, 1) (or 0 with no revenue).
    """
    if not isinstance(points, int) or points < 1:
        raise InputError(f"points must be a whole number >= 1, not {points!r}")
    return con.execute(_CURVE_SQL, {"points": points, "shop": shop}).df()


def top_share(con, *, top: float = 0.2, shop: str | None = None) -> float:
    """Share of revenue from the top ``top`` (0..1) of buyers; 0.2 is the 20/80 check."""
    if not 0 <= top <= 1:
        raise InputError(f"top must be a share between 0 and 1, not {top!r}")
    return float(con.execute(_TOP_SQL, {"top": float(top), "shop": shop}).fetchone()[0])
