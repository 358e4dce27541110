"""Promotion maths: what a price cut, 满减, 拼单, 订金升级, member day or ad spend must achieve.

SPEC "Promotion maths" (seeds 000 step 3 第三步 设立投入产出小目标, 000 直通车 ROI, 004).
The principle of seed 000 step 3 runs through every function: a promotion trades margin
for volume (以量博利), and its target is the volume at which the shop earns *as much as
without the promotion* (促销前和促销后赚的银子一样多), not merely "not losing money".

Notation used in the docstrings: P the original price (or order value), m the gross margin
as a fraction of P (unit cost = (1 − m)·P), d a price cut as a fraction of P, X and Y the
threshold and reduction of 满X减Y.

Every function checks its inputs and raises :class:`analytics.errors.InputError` naming the
parameter and what is expected; no result ever holds NaN or infinity. Every result carries
``summary_key`` and ``summary_values`` (numbers for the catalog sentence in
``analytics/i18n/promotions.py``) and ``sentence(lang)``, the plain sentence for the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.i18n import t
from analytics.kpis import kpis
from analytics.settings import DEFAULT_MARGIN, MARGIN_SETTINGS
from analytics.store import SHOP_FILTER

# ----------------------------------------------------------------------------- checks


def _number(name: str, value) -> float:
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{name} must be a finite number, got {value!r}")
    return number


def _fraction(name: str, value, *, zero: bool = True, one: bool = True) -> float:
    """A fraction in [0, 1]; ``zero=False`` / ``one=False`` exclude that end."""
    number = _number(name, value)
    low_ok = number >= 0 if zero else number > 0
    high_ok = number <= 1 if one else number < 1
    if not (low_ok and high_ok):
        interval = f"{'[' if zero else '('}0, 1{']' if one else ')'}"
        raise InputError(
            f"{name} must be a fraction in {interval} (e.g. 0.4 for 40%), got {value!r}"
        )
    return number


def _margin(value) -> float:
    return _fraction("margin", value, zero=False)


def _positive(name: str, value) -> float:
    number = _number(name, value)
    if number <= 0:
        raise InputError(f"{name} must be greater than 0, got {value!r}")
    return number


def _non_negative(name: str, value) -> float:
    number = _number(name, value)
    if number < 0:
        raise InputError(f"{name} must be 0 or more, got {value!r}")
    return number


def _count(name: str, value) -> int:
    number = _non_negative(name, value)
    if number != int(number):
        raise InputError(f"{name} must be a whole number, got {value!r}")
    return int(number)


def _period(start, end) -> tuple[date, date]:
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise InputError(f"{name} must be a date (YYYY-MM-DD), got {value!r}")
    start = start.date() if isinstance(start, datetime) else start
    end = end.date() if isinstance(end, datetime) else end
    if start > end:
        raise InputError(f"start ({start}) must be on or before end ({end})")
    return start, end


def _ceil(value: float) -> int:
    """Round up to whole orders, ignoring float noise (24.000000000004 is 24)."""
    return max(0, math.ceil(round(value, 9)))


class _Summarised:
    """Mixin: the plain sentence of a result, from ``summary_key`` and ``summary_values``."""

    @property
    def summary_key(self) -> str:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    @property
    def summary_values(self) -> dict:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def sentence(self, lang: str = "zh") -> str:
        """The result as one plain sentence in ``lang`` (``zh`` default, or ``en``)."""
        return t(self.summary_key, lang=lang, **self.summary_values)


# ------------------------------------------------------------------- price cut break-even


@dataclass(frozen=True)
class BreakEven(_Summarised):
    """Volume a price cut needs to earn the same profit (seed 000 step 3)."""

    margin: float  #: m, gross margin as a fraction of the original price
    discount: float  #: d, price cut as a fraction of the original price
    volume_multiplier: float  #: m / (m − d): new volume ÷ old volume at equal profit
    extra_volume: float  #: multiplier − 1, e.g. 0.25 = 25% more units
    new_unit_margin: float  #: m − d, profit per unit as a fraction of the *original* price
    new_margin_rate: float  #: (m − d) / (1 − d), margin as a fraction of the *new* price

    @property
    def summary_key(self) -> str:
        return "promo.break_even"

    @property
    def summary_values(self) -> dict:
        return {
            "margin": self.margin,
            "discount": self.discount,
            "volume_multiplier": self.volume_multiplier,
            "extra_volume": self.extra_volume,
            "new_unit_margin": self.new_unit_margin,
        }


def break_even(*, margin: float, discount: float) -> BreakEven:
    """The sales volume at which a price cut earns exactly the profit it replaces.

    Derivation (seed 000 step 3: 以量博利, 损益平衡; profit before == profit after). With
    original price P, unit cost (1 − m)·P and volume V, profit is m·P·V. After a cut of d·P
    the price is (1 − d)·P, so profit per unit falls from m·P to (m − d)·P. Keeping profit
    unchanged needs a new volume V' with (m − d)·P·V' = m·P·V, so

        volume multiplier  V'/V = m / (m − d)
        extra volume       m / (m − d) − 1 = d / (m − d)

    e.g. m = 50%, d = 10%: 0.5 / 0.4 = 1.25, i.e. 25% more units to earn the same.
    ``new_margin_rate`` = (m − d) / (1 − d) is the margin on the new, lower price.

    Raises InputError unless 0 < m <= 1 and 0 <= d < m (at d >= m every unit sells at a
    loss and no volume makes up for it).
    """
    m = _margin(margin)
    d = _fraction("discount", discount)
    if d >= m:
        raise InputError(
            f"discount ({discount!r}) must be less than margin ({margin!r}): at a cut of the "
            "whole margin or more every unit sells at a loss and no volume can make up for it"
        )
    multiplier = m / (m - d)
    return BreakEven(
        margin=m,
        discount=d,
        volume_multiplier=multiplier,
        extra_volume=d / (m - d),
        new_unit_margin=m - d,
        new_margin_rate=(m - d) / (1 - d),
    )


# ------------------------------------------------------------------ ROI vs absolute profit


@dataclass(frozen=True)
class CampaignReturn(_Summarised):
    """ROI and absolute profit of one campaign, side by side (seed 004)."""

    spend: float  #: what the campaign cost
    revenue: float  #: the sales it brought (成交额, 生意)
    margin: float  #: gross margin on that revenue
    roi: float  #: revenue / spend, the seed's 投入产出比 ("10倍")
    gross_profit: float  #: revenue × margin
    profit: float  #: revenue × margin − spend, the absolute profit (利润值)
    profit_roi: float  #: profit / spend

    @property
    def summary_key(self) -> str:
        return "promo.campaign" if self.profit >= 0 else "promo.campaign.loss"

    @property
    def summary_values(self) -> dict:
        return {
            "spend": self.spend,
            "revenue": self.revenue,
            "margin": self.margin,
            "roi": self.roi,
            "profit": self.profit,
            "loss": -self.profit,
        }


def campaign_return(*, spend: float, revenue: float, margin: float) -> CampaignReturn:
    """ROI and absolute profit of a campaign.

        roi        = revenue / spend                       (seed 004: 1,000 / 100 = "10倍")
        profit     = revenue × margin − spend
        profit_roi = (revenue × margin − spend) / spend

    Seed 004 counts the whole revenue as profit (利润值 900 = 1,000 − 100), which is
    ``margin=1``; pass the real gross margin to see the profit after the cost of goods.
    Raises InputError unless spend > 0, revenue >= 0 and 0 < margin <= 1.
    """
    s = _positive("spend", spend)
    r = _non_negative("revenue", revenue)
    m = _margin(margin)
    profit = r * m - s
    return CampaignReturn(
        spend=s,
        revenue=r,
        margin=m,
        roi=r / s,
        gross_profit=r * m,
        profit=profit,
        profit_roi=profit / s,
    )


@dataclass(frozen=True)
class CampaignComparison(_Summarised):
    """Which of two campaigns earns more money, and whether ROI would have said so."""

    roi_a: float
    roi_b: float
    profit_a: float
    profit_b: float
    more_profit: str  #: "a", "b" or "tie": the one that earns more absolute profit
    higher_roi: str  #: "a", "b" or "tie"
    profit_difference: float  #: |profit_a − profit_b|
    roi_misleads: bool  #: True when the campaign with the higher ROI earns less
    #: With equal margins: the margin at which both earn the same (None if they never do
    #: within (0, 1]). Above it the campaign with more revenue earns more.
    crossover_margin: float | None

    @property
    def summary_key(self) -> str:
        if self.more_profit == "tie":
            return "promo.compare.tie"
        if self.higher_roi == "tie":
            return "promo.compare.same_roi"
        if self.roi_misleads:
            return "promo.compare.roi_misleads"
        return "promo.compare.agree"

    @property
    def summary_values(self) -> dict:
        more, less = ("a", "b") if self.more_profit != "b" else ("b", "a")
        return {
            "more": more.upper(),
            "less": less.upper(),
            "roi_more": getattr(self, f"roi_{more}"),
            "roi_less": getattr(self, f"roi_{less}"),
            "profit_more": getattr(self, f"profit_{more}"),
            "profit_less": getattr(self, f"profit_{less}"),
            "difference": self.profit_difference,
            "profit": self.profit_a,
        }


def _which(a: float, b: float) -> str:
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        return "tie"
    return "a" if a > b else "b"


def compare_campaigns(a: CampaignReturn, b: CampaignReturn) -> CampaignComparison:
    """Compare two campaigns on absolute profit, not on ROI (seed 004).

    Seed 004: 100 → 1,000 is ROI 10 and profit 900; 1,000 → 2,000 is ROI 2 but profit
    1,000, so the second earns 100 more although its ROI is five times lower
    (``roi_misleads``). The winner is ``argmax(revenue × margin − spend)``.

    When both campaigns have the same margin, ``crossover_margin`` is the margin at which
    they earn the same, m* = (spend_b − spend_a) / (revenue_b − revenue_a): for seed 004
    it is 0.9, so with a gross margin below 90% the cheaper campaign earns more.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, CampaignReturn):
            raise InputError(f"{name} must be a campaign_return(...) result, got {value!r}")
    crossover = None
    if math.isclose(a.margin, b.margin) and not math.isclose(a.revenue, b.revenue):
        m_star = (b.spend - a.spend) / (b.revenue - a.revenue)
        if 0 < m_star <= 1:
            crossover = m_star
    more = _which(a.profit, b.profit)
    higher = _which(a.roi, b.roi)
    return CampaignComparison(
        roi_a=a.roi,
        roi_b=b.roi,
        profit_a=a.profit,
        profit_b=b.profit,
        more_profit=more,
        higher_roi=higher,
        profit_difference=abs(a.profit - b.profit),
        roi_misleads=more != "tie" and higher != "tie" and more != higher,
        crossover_margin=crossover,
    )


# ---------------------------------------------------------------------- 满X减Y simulator

#: The valid orders of ``[$start, $end)`` (``$end`` is the day after the last day).
_PERIOD = "order_time >= $start AND order_time < $end AND " + SHOP_FILTER

THRESHOLD_SQL = f"""
SELECT
    count(*) AS orders,
    count(*) FILTER (WHERE amount >= $threshold) AS above,
    count(*) FILTER (WHERE amount < $threshold AND amount >= $near_floor) AS near,
    count(*) FILTER (WHERE amount < $near_floor) AS far,
    coalesce(sum(CAST(amount AS DOUBLE)), 0) AS revenue,
    avg($threshold - CAST(amount AS DOUBLE))
        FILTER (WHERE amount < $threshold AND amount >= $near_floor) AS avg_topup
FROM valid_orders
WHERE {_PERIOD}
"""


@dataclass(frozen=True)
class ThresholdResult(_Summarised):
    """满X减Y on the shop's real orders of a period: who gets it free, who is close."""

    threshold: float  #: X
    reduction: float  #: Y
    margin: float
    reach: float  #: "within reach" = X·(1 − reach) <= amount < X
    start: date
    end: date  #: inclusive
    shop: str | None
    orders: int  #: valid orders in the period (= above + near + far)
    orders_above: int  #: amount >= X: would get Y off without changing anything
    orders_near: int  #: X·(1 − reach) <= amount < X
    orders_far: int  #: amount < X·(1 − reach)
    near_floor: float  #: X·(1 − reach)
    revenue: float  #: sum of amount over the period's valid orders
    discount_cost: float  #: orders_above × Y, the discount given away for free
    avg_topup: float | None  #: mean of X − amount over within-reach orders (None: none)
    profit_per_topup: float | None  #: m × avg_topup − Y: what a topped-up order adds
    profit_per_extra_order: float  #: m × X − Y: profit of one new order at exactly X
    break_even_extra_orders: int  #: discount_cost / (m·X − Y), rounded up
    break_even_extra_revenue: float  #: discount_cost / (m·X − Y) × X
    break_even_uplift: float  #: extra orders ÷ orders (0 when there are no orders)

    @property
    def summary_key(self) -> str:
        if self.orders == 0:
            return "promo.threshold.no_orders"
        if self.orders_near == 0:
            return "promo.threshold.no_near"
        return "promo.threshold"

    @property
    def summary_values(self) -> dict:
        return {
            "threshold": self.threshold,
            "reduction": self.reduction,
            "orders": self.orders,
            "above": self.orders_above,
            "near": self.orders_near,
            "far": self.orders_far,
            "discount_cost": self.discount_cost,
            "avg_topup": self.avg_topup or 0.0,
            "extra_orders": self.break_even_extra_orders,
            "extra_revenue": self.break_even_extra_revenue,
            "uplift": self.break_even_uplift,
        }


def _check_threshold(threshold, reduction) -> tuple[float, float]:
    x = _positive("threshold", threshold)
    y = _positive("reduction", reduction)
    if y >= x:
        raise InputError(
            f"reduction ({reduction!r}) must be less than threshold ({threshold!r}): "
            "满X减Y takes Y off an order of at least X"
        )
    return x, y


def _period_params(start: date, end: date, shop: str | None) -> dict:
    return {"start": start, "end": end + timedelta(days=1), "shop": shop}


def threshold_simulator(
    con,
    *,
    threshold: float,
    reduction: float,
    start: date,
    end: date,
    margin: float,
    reach: float = 0.2,
    shop: str | None = None,
) -> ThresholdResult:
    """Simulate 满X减Y (spend X, get Y off) on the valid orders of [start, end].

    Each valid order of the period (``amount``, what the buyer paid, before refunds) falls
    in exactly one band, so ``orders = orders_above + orders_near + orders_far``:

    - above: amount >= X. These buyers get Y off without buying more: the discount cost
      is ``orders_above × Y`` (money given away for nothing);
    - near (within reach): X·(1 − reach) <= amount < X; ``avg_topup`` = mean(X − amount),
      what such a buyer must add. A near order that tops up earns m·top-up − Y more
      (``profit_per_topup``, often negative: topping up 20 at 40% margin earns 8 but
      costs Y);
    - far: amount < X·(1 − reach).

    Break-even uplift, in the spirit of ``break_even``: a new order at exactly X earns
    m·X − Y, so recovering the free discount needs

        extra orders  = orders_above × Y / (m·X − Y)       (rounded up)
        extra revenue = extra orders × X                    (before rounding)
        uplift        = extra orders / orders               (0 for an empty period)

    Raises InputError unless X > 0, 0 < Y < X, 0 < m <= 1, 0 <= reach <= 1, start <= end,
    and Y < m·X (at Y >= m·X every order at the threshold sells at a loss).
    """
    x, y = _check_threshold(threshold, reduction)
    m = _margin(margin)
    r = _fraction("reach", reach)
    start, end = _period(start, end)
    if y >= m * x:
        raise InputError(
            f"reduction ({reduction!r}) must be less than margin × threshold ({m * x:g}): "
            "at or above it every order at the threshold sells at a loss and no extra "
            "orders can pay for the promotion"
        )
    near_floor = round(x * (1 - r), 6)
    row = con.execute(
        THRESHOLD_SQL,
        {"threshold": x, "near_floor": near_floor, **_period_params(start, end, shop)},
    ).fetchone()
    orders, above, near, far, revenue, avg_topup = row
    cost = above * y
    per_extra = m * x - y
    extra = cost / per_extra
    return ThresholdResult(
        threshold=x,
        reduction=y,
        margin=m,
        reach=r,
        start=start,
        end=end,
        shop=shop,
        orders=orders,
        orders_above=above,
        orders_near=near,
        orders_far=far,
        near_floor=near_floor,
        revenue=float(revenue),
        discount_cost=cost,
        avg_topup=None if avg_topup is None else float(avg_topup),
        profit_per_topup=None if avg_topup is None else m * float(avg_topup) - y,
        profit_per_extra_order=per_extra,
        break_even_extra_orders=_ceil(extra),
        break_even_extra_revenue=extra * x,
        break_even_uplift=extra / orders if orders else 0.0,
    )


HISTOGRAM_BOUNDS_SQL = f"""
SELECT count(*), max(CAST(amount AS DOUBLE)) FROM valid_orders WHERE {_PERIOD}
"""

HISTOGRAM_SQL = f"""
WITH v AS (
    SELECT CAST(amount AS DOUBLE) AS amount FROM valid_orders WHERE {_PERIOD}
),
binned AS (
    SELECT least(CAST(floor(amount * $bins / $upper) AS BIGINT), $bins - 1) AS b,
           count(*) AS orders
    FROM v GROUP BY ALL
)
SELECT r.range * $upper / $bins AS bin_start,
       (r.range + 1) * $upper / $bins AS bin_end,
       coalesce(binned.orders, 0) AS orders
FROM range($bins) AS r LEFT JOIN binned ON binned.b = r.range
ORDER BY r.range
"""


def order_value_histogram(
    con,
    *,
    start: date,
    end: date,
    bins: int = 40,
    shop: str | None = None,
    upper: float | None = None,
) -> pd.DataFrame:
    """Distribution of order value (``amount``) of the valid orders of [start, end].

    Columns: ``bin_start``, ``bin_end`` (money; ``bins`` equal bins from 0 to ``upper``,
    default the largest order) and ``orders`` (count with bin_start <= amount < bin_end;
    the last bin also holds amounts equal to or above ``upper``, so the counts add up to
    all the period's valid orders). Empty bins are rows with 0; no orders, no rows.
    """
    n_bins = _count("bins", bins)
    if n_bins < 1:
        raise InputError(f"bins must be at least 1, got {bins!r}")
    if upper is not None:
        upper = _positive("upper", upper)
    start, end = _period(start, end)
    params = _period_params(start, end, shop)
    count, largest = con.execute(HISTOGRAM_BOUNDS_SQL, params).fetchone()
    if count == 0:
        return pd.DataFrame(
            {
                "bin_start": pd.Series(dtype=float),
                "bin_end": pd.Series(dtype=float),
                "orders": pd.Series(dtype="int64"),
            }
        )
    top = upper if upper is not None else (largest if largest > 0 else 1.0)
    df = con.execute(HISTOGRAM_SQL, {**params, "bins": n_bins, "upper": top}).df()
    df["orders"] = df["orders"].astype("int64")
    return df


# -------------------------------------------------------------------------- 拼单 pooling

POOLING_BELOW_SQL = f"""
SELECT platform, shop, order_id, CAST(amount * 100 AS BIGINT) AS cents
FROM valid_orders
WHERE amount < $threshold AND {_PERIOD}
ORDER BY platform, shop, cents, order_id
"""


@dataclass(frozen=True)
class PoolingResult(_Summarised):
    """How many below-threshold orders could pool in pairs to reach X (拼单, seed 000)."""

    threshold: float
    start: date
    end: date
    shop: str | None
    below_orders: int  #: valid orders of the period with amount < X
    pairs: int  #: most pairs (same shop) whose two amounts add up to >= X
    pooled_orders: int  #: 2 × pairs
    unpaired_orders: int  #: below_orders − pooled_orders
    pooled_revenue: float  #: sum of the paired orders' amounts

    @property
    def summary_key(self) -> str:
        return "promo.pooling"

    @property
    def summary_values(self) -> dict:
        return {
            "threshold": self.threshold,
            "below": self.below_orders,
            "pairs": self.pairs,
            "pooled": self.pooled_orders,
            "unpaired": self.unpaired_orders,
        }


def _max_pairs(cents: np.ndarray, threshold_cents: float) -> int:
    """Most disjoint pairs of ``cents`` (sorted ascending) with sum >= threshold.

    If k pairs exist, the 2k largest values can form k pairs (swapping a value for a
    larger unused one keeps a pair's sum >= X), and the inward pairing of those 2k values
    (smallest with largest) maximises the smallest pair sum. So k is feasible iff that
    inward pairing reaches X; feasibility shrinks with k, hence a binary search.
    """
    n = len(cents)

    def feasible(k: int) -> bool:
        top = cents[n - 2 * k :]
        return bool(np.all(top[:k] + top[::-1][:k] >= threshold_cents))

    low, high = 0, n // 2
    while low < high:
        mid = (low + high + 1) // 2
        if feasible(mid):
            low = mid
        else:
            high = mid - 1
    return low


_PAIR_COLUMNS = ["platform", "shop", "order_a", "amount_a", "order_b", "amount_b", "combined"]


def _below(con, threshold, start, end, shop) -> tuple[float, pd.DataFrame]:
    x = _positive("threshold", threshold)
    start, end = _period(start, end)
    rows = con.execute(POOLING_BELOW_SQL, {"threshold": x, **_period_params(start, end, shop)})
    return x, rows.df()


def _pairs(below: pd.DataFrame, threshold: float) -> pd.DataFrame:
    threshold_cents = round(threshold * 100, 6)
    parts = []
    for (platform, shop_name), group in below.groupby(["platform", "shop"], sort=True):
        cents = group["cents"].to_numpy(dtype="int64")
        ids = group["order_id"].to_numpy()
        n, k = len(cents), _max_pairs(cents, threshold_cents)
        if k == 0:
            continue
        small = slice(n - 2 * k, n - k)  # the k smaller of the 2k largest, ascending
        large = slice(n - 1, n - k - 1, -1)  # the k largest, descending
        parts.append(
            pd.DataFrame(
                {
                    "platform": platform,
                    "shop": shop_name,
                    "order_a": ids[small],
                    "amount_a": cents[small] / 100,
                    "order_b": ids[large],
                    "amount_b": cents[large] / 100,
                    "combined": (cents[small] + cents[large]) / 100,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _PAIR_COLUMNS})
    return pd.concat(parts, ignore_index=True)[_PAIR_COLUMNS]


def pooling_pairs(
    con, *, threshold: float, start: date, end: date, shop: str | None = None
) -> pd.DataFrame:
    """The pairs counted by :func:`pooling`: one row per two orders pooled to reach X.

    Columns: ``platform``, ``shop``, ``order_a``, ``amount_a`` (the smaller order),
    ``order_b``, ``amount_b``, ``combined`` (amount_a + amount_b, always >= X).
    """
    x, below = _below(con, threshold, start, end, shop)
    return _pairs(below, x)


def pooling(
    con, *, threshold: float, start: date, end: date, shop: str | None = None
) -> PoolingResult:
    """拼单 (seed 000 step 9): how many orders below X could pool in pairs to reach X.

    Rule: take the valid orders of [start, end] with amount < X, per shop (orders of
    different shops never pool), and pair them greedily: the largest order with the
    smallest remaining order that reaches X together with it, then the next largest, and
    so on until no two remaining orders reach X. That gives the largest possible number of
    pairs; it is computed without a loop over orders as the largest k for which the 2k
    largest orders, paired smallest with largest, all reach X (see ``_max_pairs``), and
    :func:`pooling_pairs` lists those pairs. Amounts are compared in whole cents.

        pooled_orders   = 2 × pairs
        unpaired_orders = below_orders − pooled_orders
    """
    x, below = _below(con, threshold, start, end, shop)
    start, end = _period(start, end)
    pairs = _pairs(below, x)
    return PoolingResult(
        threshold=x,
        start=start,
        end=end,
        shop=shop,
        below_orders=len(below),
        pairs=len(pairs),
        pooled_orders=2 * len(pairs),
        unpaired_orders=len(below) - 2 * len(pairs),
        pooled_revenue=round(float(pairs["combined"].sum()), 2) if len(pairs) else 0.0,
    )


# ------------------------------------------------------------------- 订金升级 deposit


@dataclass(frozen=True)
class DepositResult(_Summarised):
    """订金升级: pay a deposit now that counts as a larger deduction later (seed 000 step 5)."""

    deposit: float  #: D, paid up front (e.g. 20)
    deduction: float  #: E, what the deposit is worth off the price (e.g. 50)
    price: float  #: P
    margin: float  #: m
    expected_orders: int  #: customers expected to pay the deposit
    conversion: float  #: share of them who go on to buy
    converted_orders: float  #: expected_orders × conversion
    cost_per_order: float  #: E − D, the price reduction a buyer really gets
    effective_discount: float  #: (E − D) / P
    effective_price: float  #: P − (E − D)
    profit_per_order: float  #: m·P − (E − D)
    discount_cost: float  #: converted_orders × (E − D)
    forfeited_deposits: float  #: (expected_orders − converted_orders) × D, kept by the shop
    net_cost: float  #: discount_cost − forfeited_deposits
    volume_multiplier: float  #: m / (m − (E − D)/P), as break_even
    break_even_orders: int  #: max(net_cost, 0) / profit_per_order extra orders, rounded up

    @property
    def summary_key(self) -> str:
        return "promo.deposit"

    @property
    def summary_values(self) -> dict:
        return {
            "deposit": self.deposit,
            "deduction": self.deduction,
            "cost_per_order": self.cost_per_order,
            "effective_discount": self.effective_discount,
            "converted": self.converted_orders,
            "discount_cost": self.discount_cost,
            "forfeited": self.forfeited_deposits,
            "break_even_orders": self.break_even_orders,
            "volume_multiplier": self.volume_multiplier,
        }


def deposit_upgrade(
    *,
    deposit: float,
    deduction: float,
    price: float,
    margin: float,
    expected_orders: int,
    conversion: float,
) -> DepositResult:
    """订金升级 (e.g. pay 20 to get 50 off): its cost and the extra orders it must bring.

    The buyer pays D now and E comes off the price at purchase, so in all they pay
    P − (E − D): the shop gives away c = E − D per converted order, a price cut of
    d = c / P. Of ``expected_orders`` deposit payers, ``conversion`` buy; the others
    forfeit their deposit (谁也不会平白无故地扔掉20元钱).

        converted        = expected_orders × conversion
        discount_cost    = converted × c
        forfeited        = (expected_orders − converted) × D
        net_cost         = discount_cost − forfeited
        profit per order = m·P − c
        break-even       = max(net_cost, 0) / (m·P − c) extra orders (rounded up)

    i.e. if the converted buyers would have bought anyway at full price, that many more
    orders at the deposit price earn back what the deal gave them (the same as
    ``break_even(margin=m, discount=c/P)`` applied to the converted orders, less the
    forfeited deposits).

    Raises InputError unless 0 < D < E < P, 0 < m <= 1, expected_orders a whole number
    >= 0, 0 <= conversion <= 1, and E − D < m·P (else every order sells at a loss).
    """
    dep = _positive("deposit", deposit)
    ded = _positive("deduction", deduction)
    p = _positive("price", price)
    m = _margin(margin)
    n = _count("expected_orders", expected_orders)
    conv = _fraction("conversion", conversion)
    if dep >= ded:
        raise InputError(
            f"deposit ({deposit!r}) must be less than deduction ({deduction!r}): "
            "订金升级 means the deposit is worth more than it costs (e.g. pay 20, get 50 off)"
        )
    if ded >= p:
        raise InputError(f"deduction ({deduction!r}) must be less than price ({price!r})")
    cost = ded - dep
    if cost >= m * p:
        raise InputError(
            f"deduction − deposit ({cost:g}) must be less than margin × price ({m * p:g}): "
            "at or above it every converted order sells at a loss"
        )
    converted = n * conv
    discount_cost = converted * cost
    forfeited = (n - converted) * dep
    net_cost = discount_cost - forfeited
    per_order = m * p - cost
    d = cost / p
    return DepositResult(
        deposit=dep,
        deduction=ded,
        price=p,
        margin=m,
        expected_orders=n,
        conversion=conv,
        converted_orders=converted,
        cost_per_order=cost,
        effective_discount=d,
        effective_price=p - cost,
        profit_per_order=per_order,
        discount_cost=discount_cost,
        forfeited_deposits=forfeited,
        net_cost=net_cost,
        volume_multiplier=m / (m - d),
        break_even_orders=_ceil(max(net_cost, 0.0) / per_order),
    )


# --------------------------------------------------------------------- 会员日 member day


@dataclass(frozen=True)
class MemberDayResult(_Summarised):
    """A member-day discount offered to one segment (seed 000 建立会员日)."""

    discount: float  #: d, as a fraction of the price
    margin: float  #: m
    segment_customers: int  #: customers offered the discount
    expected_response: float  #: share of them expected to order
    aov: float  #: average order value at full price
    expected_orders: float  #: segment_customers × expected_response
    cost_per_order: float  #: d × aov
    discount_cost: float  #: expected_orders × d × aov
    profit_per_order: float  #: (m − d) × aov
    volume_multiplier: float  #: m / (m − d)
    break_even_orders: int  #: incremental orders needed: discount_cost / ((m − d)·aov), up
    break_even_response: float  #: expected_response × m / (m − d); > 1 means out of reach

    @property
    def summary_key(self) -> str:
        if self.break_even_response > 1:
            return "promo.member_day.unreachable"
        return "promo.member_day"

    @property
    def summary_values(self) -> dict:
        return {
            "discount": self.discount,
            "customers": self.segment_customers,
            "expected_orders": self.expected_orders,
            "discount_cost": self.discount_cost,
            "break_even_orders": self.break_even_orders,
            "expected_response": self.expected_response,
            "break_even_response": self.break_even_response,
        }


def member_day(
    *,
    discount: float,
    margin: float,
    segment_customers: int,
    expected_response: float,
    aov: float,
) -> MemberDayResult:
    """A member-day discount on a chosen segment: its cost and the orders it must add.

    If ``expected_response`` of the segment would order anyway, each of those orders costs
    d·aov; a new order earns (m − d)·aov. Breaking even (break_even's rule):

        expected orders     = segment_customers × expected_response
        discount cost       = expected orders × d × aov
        break-even orders   = discount cost / ((m − d) × aov)
                            = expected orders × d / (m − d)   (incremental, rounded up)
        break-even response = expected_response × m / (m − d)

    Raises InputError unless 0 <= d < m <= 1, segment_customers a whole number >= 0,
    0 <= expected_response <= 1 and aov > 0.
    """
    m = _margin(margin)
    d = _fraction("discount", discount)
    if d >= m:
        raise InputError(
            f"discount ({discount!r}) must be less than margin ({margin!r}): at or above "
            "it every member-day order sells at a loss"
        )
    n = _count("segment_customers", segment_customers)
    r = _fraction("expected_response", expected_response)
    a = _positive("aov", aov)
    orders = n * r
    cost = orders * d * a
    per_order = (m - d) * a
    return MemberDayResult(
        discount=d,
        margin=m,
        segment_customers=n,
        expected_response=r,
        aov=a,
        expected_orders=orders,
        cost_per_order=d * a,
        discount_cost=cost,
        profit_per_order=per_order,
        volume_multiplier=m / (m - d),
        break_even_orders=_ceil(cost / per_order),
        break_even_response=r * m / (m - d),
    )


# -------------------------------------------------------------------- 直通车 ads ROI


@dataclass(frozen=True)
class AdsRoi(_Summarised):
    """Paid traffic (直通车) against the margin it must cover (seed 000)."""

    spend: float
    attributed_revenue: float
    margin: float
    roi: float  #: attributed_revenue / spend (投入产出比)
    break_even_roi: float  #: 1 / margin: below it the ads lose money
    profit: float  #: attributed_revenue × margin − spend
    profitable: bool  #: roi >= break_even_roi
    conversion_rate: float | None
    aov: float | None
    max_cpc: float | None  #: conversion_rate × aov × margin: the highest break-even bid

    @property
    def summary_key(self) -> str:
        return "promo.ads.profit" if self.profitable else "promo.ads.loss"

    @property
    def summary_values(self) -> dict:
        return {
            "spend": self.spend,
            "revenue": self.attributed_revenue,
            "margin": self.margin,
            "roi": self.roi,
            "break_even_roi": self.break_even_roi,
            "profit": self.profit,
            "loss": -self.profit,
        }

    def sentence(self, lang: str = "zh") -> str:
        """The ROI verdict, plus the break-even bid per click when it was computed."""
        text = super().sentence(lang)
        if self.max_cpc is None:
            return text
        cpc = t(
            "promo.ads.max_cpc",
            lang=lang,
            conversion_rate=self.conversion_rate,
            aov=self.aov,
            max_cpc=self.max_cpc,
        )
        return text + ("" if lang == "zh" else " ") + cpc


def ads_roi(
    *,
    spend: float,
    attributed_revenue: float,
    margin: float,
    conversion_rate: float | None = None,
    aov: float | None = None,
) -> AdsRoi:
    """ROI of paid traffic such as 直通车, and the highest bid per click that pays.

        roi            = attributed_revenue / spend
        break_even_roi = 1 / margin           (revenue × m = spend)
        max_cpc        = conversion_rate × aov × margin

    Seed 000: a click costs cpc and turns into an order with probability conversion_rate,
    worth aov, so ROI = conversion_rate × aov / cpc; it reaches 1 / m at cpc = max_cpc,
    which is why lowering the bid (单次点击花费) and raising conversion and 客单价 raise ROI.
    Raises InputError unless spend > 0, attributed_revenue >= 0, 0 < margin <= 1, and
    conversion_rate (in [0, 1]) and aov (> 0) are given together or not at all.
    """
    s = _positive("spend", spend)
    rev = _non_negative("attributed_revenue", attributed_revenue)
    m = _margin(margin)
    if (conversion_rate is None) != (aov is None):
        raise InputError("conversion_rate and aov must be given together (or neither)")
    cr = None if conversion_rate is None else _fraction("conversion_rate", conversion_rate)
    a = None if aov is None else _positive("aov", aov)
    roi = rev / s
    break_even_roi = 1 / m
    return AdsRoi(
        spend=s,
        attributed_revenue=rev,
        margin=m,
        roi=roi,
        break_even_roi=break_even_roi,
        profit=rev * m - s,
        profitable=rev * m >= s,
        conversion_rate=cr,
        aov=a,
        max_cpc=None if cr is None else cr * a * m,
    )


# ------------------------------------------------------ planner settings and defaults

#: Name of the planner's settings in the ``settings`` table (``analytics.settings``); its
#: margin is the shop's one gross margin (``analytics.settings.gross_margin``).
SETTINGS_NAME = MARGIN_SETTINGS


@dataclass(frozen=True)
class PromotionSettings:
    """The promotion planner's stored settings (``settings.load(con, SETTINGS_NAME, …)``).

    Raises InputError on an impossible value, so nothing impossible is ever stored.
    """

    margin: float = DEFAULT_MARGIN  #: the shop's gross margin (analytics.settings.gross_margin)
    period_days: int = 90  #: days up to the as-of date whose orders give AOV and thresholds
    reach: float = 0.2  #: 满减 "within reach" band: X·(1 − reach) <= amount < X

    def __post_init__(self) -> None:
        _margin(self.margin)
        if _count("period_days", self.period_days) < 1:
            raise InputError(f"period_days must be at least 1, got {self.period_days!r}")
        _fraction("reach", self.reach)


#: Typed defaults used when the period has no orders (or only free ones).
DEFAULT_AOV = 100.0
DEFAULT_SEGMENT_CUSTOMERS = 1000
#: Share of the threshold given back by the suggested reduction (满150减15), at most m / 2.
REDUCTION_SHARE = 0.1
#: The suggested deposit deal: deduction = share of the price (at most m / 2), and the
#: deposit 40% of the deduction, as seed 000's 付 20 抵 50.
DEDUCTION_SHARE = 0.2
DEPOSIT_OF_DEDUCTION = 0.4
#: The default price cut of the break-even and member-day calculators (at most m / 2).
DEFAULT_DISCOUNT = 0.1


def _grid(value: float) -> float:
    """The rounding step for money near ``value``: half its power of ten (129 → 50)."""
    return 10 ** math.floor(math.log10(value)) / 2


def nice_above(value: float) -> float:
    """The smallest round amount strictly above ``value`` (129 → 150, 150 → 200, 43 → 45).

    Round means a multiple of half the power of ten at or below ``value`` (50 for
    100–999, 5 for 10–99, 500 for 1,000–9,999). ``value`` must be > 0.
    """
    v = _positive("value", value)
    step = _grid(v)
    return round((math.floor(round(v / step, 9)) + 1) * step, 6)


def nice_below(value: float) -> float:
    """The largest round amount at or below ``value`` (23.66 → 20, 15 → 15, 8 → 8).

    Same steps as :func:`nice_above`; the result is > 0 and at least half of ``value``.
    """
    v = _positive("value", value)
    step = _grid(v)
    return round(math.floor(round(v / step, 9)) * step, 6)


SUGGEST_SQL = f"""
SELECT count(*) AS orders,
       avg(CAST(amount AS DOUBLE)) AS mean_amount,
       quantile_cont(CAST(amount AS DOUBLE), $quantile) AS quantile_amount
FROM valid_orders
WHERE {_PERIOD}
"""


@dataclass(frozen=True)
class ThresholdSuggestion(_Summarised):
    """A 满X减Y to start from, just above what most of the shop's orders are worth."""

    threshold: float  #: X
    reduction: float  #: Y
    orders: int  #: valid orders of the period the suggestion is based on
    mean_amount: float | None  #: mean order amount of the period (None: no orders)
    quantile: float  #: q
    quantile_amount: float | None  #: q-th quantile of order amounts (None: no orders)
    from_data: bool  #: False: no usable orders, X comes from DEFAULT_AOV

    @property
    def summary_key(self) -> str:
        return "promo.suggest" if self.from_data else "promo.suggest.no_orders"

    @property
    def summary_values(self) -> dict:
        return {
            "threshold": self.threshold,
            "reduction": self.reduction,
            "orders": self.orders,
            "mean_amount": self.mean_amount or 0.0,
            "quantile": self.quantile,
            "quantile_amount": self.quantile_amount or 0.0,
            "default_aov": DEFAULT_AOV,
        }


def _reduction_for(threshold: float, margin: float) -> float:
    return nice_below(threshold * min(REDUCTION_SHARE, margin / 2))


def suggest_threshold(
    con,
    *,
    start: date,
    end: date,
    margin: float = 0.4,
    quantile: float = 0.7,
    shop: str | None = None,
) -> ThresholdSuggestion:
    """A 满X减Y threshold just above the shop's usual order, and a reduction to go with it.

    Over the valid orders of [start, end] (``amount``, what the 满减 applies to):

        X = nice_above(max(mean amount, q-th quantile of amounts))
        Y = nice_below(X × min(REDUCTION_SHARE, m / 2))

    so X is above the average order (客单价) and above q of the orders (default 70%):
    most orders sit below it, many of them within reach, while the orders already above it
    (who get Y for free) stay a minority. Y is 10% of X, or less at a thin margin, so
    Y < m·X and ``threshold_simulator`` accepts the pair. With no valid orders, or a mean
    amount under 1 (free orders only), X is built the same way from DEFAULT_AOV and
    ``from_data`` is False.

    Raises InputError unless 0 < m <= 1, 0 < q < 1 and start <= end.
    """
    m = _margin(margin)
    q = _fraction("quantile", quantile, zero=False, one=False)
    start, end = _period(start, end)
    orders, mean_amount, quantile_amount = con.execute(
        SUGGEST_SQL, {"quantile": q, **_period_params(start, end, shop)}
    ).fetchone()
    from_data = orders > 0 and mean_amount >= 1
    raw = max(mean_amount, quantile_amount) if from_data else DEFAULT_AOV
    threshold = nice_above(raw)
    return ThresholdSuggestion(
        threshold=threshold,
        reduction=_reduction_for(threshold, m),
        orders=int(orders),
        mean_amount=None if mean_amount is None else float(mean_amount),
        quantile=q,
        quantile_amount=None if quantile_amount is None else float(quantile_amount),
        from_data=from_data,
    )


THRESHOLD_HISTOGRAM_SQL = f"""
WITH v AS (
    SELECT CAST(round(amount * 100) AS BIGINT) AS cents FROM valid_orders WHERE {_PERIOD}
),
binned AS (
    SELECT least(greatest(cents, 0) * $per_threshold // $threshold_cents, $bins - 1) AS b,
           count(*) AS orders
    FROM v GROUP BY ALL
)
SELECT r.range AS bin, coalesce(binned.orders, 0) AS orders
FROM range($bins) AS r LEFT JOIN binned ON binned.b = r.range
ORDER BY r.range
"""

HISTOGRAM_SPAN_SQL = f"""
SELECT count(*), quantile_cont(CAST(amount AS DOUBLE), 0.99) FROM valid_orders WHERE {_PERIOD}
"""


def threshold_histogram(
    con,
    *,
    threshold: float,
    start: date,
    end: date,
    bins: int = 40,
    shop: str | None = None,
) -> pd.DataFrame:
    """Order values of [start, end] in bins laid out around a 满减 threshold X, for drawing.

    The bins are equal, X is exactly the edge between two of them, and they span from 0 to
    about max(2·X, the 99th percentile of amounts), capped at 10·X, in about ``bins``
    bins: width = X / k with k = round(X · bins / span). The last bin also holds every
    larger order, so the counts add up to all the period's valid orders. Amounts are
    binned in whole cents, so an order of exactly X is always in the first bin at or
    above X.

    Columns: ``bin_start``, ``bin_end``, ``bin_mid`` (money), ``orders``, and ``band``:
    ``above`` (bin_start >= X: these orders get Y without buying more) or ``below``.
    No orders, no rows.
    """
    x = _positive("threshold", threshold)
    n_target = _count("bins", bins)
    if n_target < 2:
        raise InputError(f"bins must be at least 2, got {bins!r}")
    start, end = _period(start, end)
    params = _period_params(start, end, shop)
    count, p99 = con.execute(HISTOGRAM_SPAN_SQL, params).fetchone()
    columns = ["bin_start", "bin_end", "bin_mid", "orders", "band"]
    if count == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "band" else float) for c in columns})
    span = max(2 * x, min(float(p99), 10 * x))
    per_threshold = max(1, round(x * n_target / span))
    width = x / per_threshold
    n_bins = math.ceil(round(span / width, 9))
    threshold_cents = max(1, round(x * 100))
    df = con.execute(
        THRESHOLD_HISTOGRAM_SQL,
        {
            **params,
            "per_threshold": per_threshold,
            "threshold_cents": threshold_cents,
            "bins": n_bins,
        },
    ).df()
    df["bin_start"] = df["bin"] * width
    df["bin_end"] = (df["bin"] + 1) * width
    df["bin_mid"] = (df["bin"] + 0.5) * width
    df["orders"] = df["orders"].astype("int64")
    df["band"] = np.where(df["bin"] >= per_threshold, "above", "below")
    return df[columns]


def break_even_curve(*, margin: float, discount: float, points: int = 41) -> pd.DataFrame:
    """Profit after a price cut as the volume grows, against the profit before it.

    Columns: ``volume_multiplier`` (new volume ÷ old, from 1 to max(2, 1.5 × the
    break-even multiplier) in ``points`` equal steps) and ``profit_index``: profit after
    the cut ÷ profit before = (m − d) × k / m. It is 1 at the break-even multiplier
    m / (m − d). Raises InputError as :func:`break_even`.
    """
    result = break_even(margin=margin, discount=discount)
    n = _count("points", points)
    if n < 2:
        raise InputError(f"points must be at least 2, got {points!r}")
    top = max(2.0, 1.5 * result.volume_multiplier)
    k = np.linspace(1.0, top, n)
    return pd.DataFrame(
        {"volume_multiplier": k, "profit_index": result.new_unit_margin * k / result.margin}
    )


#: Price cuts listed by :func:`break_even_table`.
COMMON_DISCOUNTS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


def break_even_table(
    *, margin: float, discounts: tuple[float, ...] = COMMON_DISCOUNTS
) -> pd.DataFrame:
    """The break-even volume of several price cuts at one margin (those below the margin).

    Columns: ``discount``, ``volume_multiplier``, ``extra_volume``, ``new_margin_rate``
    (as :func:`break_even`). Cuts at or above the margin are left out: no volume pays
    for them.
    """
    m = _margin(margin)
    rows = []
    for d in discounts:
        if _fraction("discount", d) < m:
            r = break_even(margin=m, discount=d)
            rows.append((d, r.volume_multiplier, r.extra_volume, r.new_margin_rate))
    return pd.DataFrame(
        rows, columns=["discount", "volume_multiplier", "extra_volume", "new_margin_rate"]
    )


def comparison_table(a: CampaignReturn, b: CampaignReturn) -> pd.DataFrame:
    """Two campaigns side by side, for the ROI-vs-profit chart and its download.

    Columns: ``campaign`` (``A``, ``B``), ``spend``, ``revenue``, ``margin``, ``roi``,
    ``gross_profit``, ``profit``.
    """
    compare_campaigns(a, b)  # same checks
    return pd.DataFrame(
        [
            (name, c.spend, c.revenue, c.margin, c.roi, c.gross_profit, c.profit)
            for name, c in (("A", a), ("B", b))
        ],
        columns=["campaign", "spend", "revenue", "margin", "roi", "gross_profit", "profit"],
    )


@dataclass(frozen=True)
class PlannerDefaults:
    """The planner's starting inputs, from the shop's own orders where it has any.

    ``inputs`` maps each calculator (``break_even``, ``threshold``, ``pooling``,
    ``deposit``, ``member_day``, ``compare``, ``ads``) to its keyword inputs (without the
    margin, which all share); ``data_driven`` lists the (calculator, input) pairs that come
    from the period's orders, which a page refreshes when the period or shop changes.
    """

    start: date  #: first day of the period
    end: date  #: the as-of date, inclusive
    days: int
    margin: float
    orders: int  #: valid orders in the period
    customers: int  #: buyers in the period
    aov: float  #: the period's 客单价 (``analytics.kpis``), or DEFAULT_AOV
    from_data: bool  #: False when the period has no orders (typed defaults used)
    suggestion: ThresholdSuggestion
    inputs: dict  #: {calculator: {input: value}}

    data_driven = frozenset(
        {
            ("threshold", "threshold"),
            ("threshold", "reduction"),
            ("pooling", "threshold"),
            ("deposit", "price"),
            ("deposit", "deposit"),
            ("deposit", "deduction"),
            ("member_day", "aov"),
            ("member_day", "segment_customers"),
            ("ads", "aov"),
        }
    )


def planner_defaults(
    con,
    *,
    as_of: date,
    days: int = 90,
    margin: float = 0.4,
    reach: float = 0.2,
    shop: str | None = None,
) -> PlannerDefaults:
    """Starting inputs for every calculator of the promotion planner.

    The period is the ``days`` days up to and including ``as_of``. From its valid orders:
    the AOV (客单价, ``analytics.kpis.kpis``), the buyers (the member-day segment), and
    :func:`suggest_threshold` (the 满减 and 拼单 threshold). The deposit deal is built on
    the AOV as the price: deduction = nice_below(P × min(0.2, m / 2)) and deposit =
    nice_below(0.4 × deduction), which keeps 0 < deposit < deduction < P and
    deduction − deposit < m·P. Price cuts default to min(10%, m / 2), always below m.
    The campaign comparison starts from seed 004 (100 → 1,000 against 1,000 → 2,000);
    ``reach`` is the threshold calculator's "within reach" band.

    An empty period (or an AOV under 1) falls back to DEFAULT_AOV and
    DEFAULT_SEGMENT_CUSTOMERS, with ``from_data`` False.
    """
    m = _margin(margin)
    r = _fraction("reach", reach)
    n_days = _count("days", days)
    if n_days < 1:
        raise InputError(f"days must be at least 1, got {days!r}")
    end = _period(as_of, as_of)[1]
    start = end - timedelta(days=n_days - 1)
    period = kpis(con, start=start, end=end + timedelta(days=1), shop=shop)
    from_data = period.valid_orders > 0 and period.aov >= 1
    aov = float(period.aov) if from_data else DEFAULT_AOV
    suggestion = suggest_threshold(con, start=start, end=end, margin=m, shop=shop)
    deduction = nice_below(aov * min(DEDUCTION_SHARE, m / 2))
    discount = min(DEFAULT_DISCOUNT, m / 2)
    inputs = {
        "break_even": {"discount": discount},
        "threshold": {
            "threshold": suggestion.threshold,
            "reduction": suggestion.reduction,
            "reach": r,
        },
        "pooling": {"threshold": suggestion.threshold},
        "deposit": {
            "deposit": nice_below(deduction * DEPOSIT_OF_DEDUCTION),
            "deduction": deduction,
            "price": aov,
            "expected_orders": 100,
            "conversion": 0.8,
        },
        "member_day": {
            "discount": discount,
            "segment_customers": period.customers if from_data else DEFAULT_SEGMENT_CUSTOMERS,
            "expected_response": 0.05,
            "aov": aov,
        },
        "compare": {"spend_a": 100.0, "revenue_a": 1000.0, "spend_b": 1000.0, "revenue_b": 2000.0},
        "ads": {
            "spend": 1000.0,
            "attributed_revenue": 3000.0,
            "conversion_rate": 0.02,
            "aov": aov,
        },
    }
    return PlannerDefaults(
        start=start,
        end=end,
        days=n_days,
        margin=m,
        orders=period.valid_orders,
        customers=period.customers,
        aov=aov,
        from_data=from_data,
        suggestion=suggestion,
        inputs=inputs,
    )
