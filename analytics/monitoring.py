"""Weekly monitoring of customer growth, AOV and repurchase rate with anomalies flagged
(seed 003: "通过报表的方式检测客户增长及变化是否异常，常见的诊断指标有客户增长数，平均客单价，
复购率等…如果发现指标有突发异常情况，需要了解当前经营中是否有特殊事件发生").

Weeks are ISO weeks (Monday to Sunday). Per week, over valid orders up to the as-of date:

- ``new_customers`` 新客: buyers whose first valid order ever falls in the week (as in
  ``kpis.sales_by_period``);
- ``aov`` 客单价: revenue / valid orders of the week (SPEC); NaN in a week without orders;
- ``repurchase_rate`` 复购率: SPEC's "customers with >= 2 valid orders / customers with >= 1"
  for the week's buyers, counting each buyer's valid orders from their first one to the end
  of the week. So it is the share of the week's buyers with an order that is not their
  first valid order: returning buyers, and new buyers who already bought twice in the week.
  A week alone would almost never see one buyer order twice. NaN in a week without buyers.

Anomalies: each week is compared with the ``BASELINE_WEEKS`` (8) weeks before it, robustly:
``z = (value - median) / scale`` with ``scale = 1.4826 × MAD`` (median absolute deviation,
so one past spike does not hide the next), and never below a noise floor so that a flat
history does not turn small wobbles into alarms: sqrt(median) new customers (Poisson noise,
at least 1), 5% of the median AOV, 2 percentage points of repurchase rate. A week is
flagged when |z| >= ``Z_THRESHOLD`` (3) and the baseline has at least ``MIN_BASELINE`` (4)
weeks with a value. Weeks before the shop's first valid order are left out.

The current week is usually partial (as-of before Sunday). It is compared like with like:
its days so far (Monday to the as-of weekday) against the same days of each of the 8 weeks
before, so it is never flagged just for being short. ``days`` says how many days a row
covers and ``partial`` marks it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.errors import InputError
from analytics.i18n import t
from analytics.seasonality import attach_marks, weeks_back
from analytics.store import SHOP_FILTER, shop_filter

METRICS = ("new_customers", "aov", "repurchase_rate")
BASELINE_WEEKS = 8
MIN_BASELINE = 4
Z_THRESHOLD = 3.0
#: 1 / Phi^-1(3/4): makes the MAD of normal data estimate its standard deviation.
MAD_TO_SD = 1.4826
#: Below these a flat history would make any wobble look extreme (see the module docstring).
AOV_FLOOR = 0.05
RATE_FLOOR = 0.02

_WEEKS_SQL = f"""
WITH buyer_weeks AS (
    SELECT o.platform, o.shop, o.customer_id,
        CAST(date_trunc('week', o.order_time) AS DATE) AS week_start,
        count(*) AS orders,
        sum(o.net_amount) AS revenue,
        any_value(c.first_order_time) AS first_order_time
    FROM valid_orders o
    JOIN customers c USING (platform, shop, customer_id)
    WHERE {shop_filter("o")}
        AND o.order_time >= $start AND o.order_time < $end
        AND isodow(o.order_time) <= $days
    GROUP BY ALL
)
SELECT
    week_start,
    count(*) AS buyers,
    sum(orders) AS orders,
    sum(revenue) AS revenue,
    count(*) FILTER (first_order_time >= week_start) AS new_customers,
    count(*) FILTER (orders >= 2 OR first_order_time < week_start) AS repeat_buyers
FROM buyer_weeks
GROUP BY week_start
ORDER BY week_start
"""

_FIRST_ORDER_SQL = f"""
SELECT CAST(min(first_order_time) AS DATE) FROM customers WHERE {SHOP_FILTER}
"""

COLUMNS = (
    "week_start",
    "iso_year",
    "iso_week",
    "days",
    "partial",
    "buyers",
    "orders",
    "revenue",
    *(f"{m}{suffix}" for m in METRICS for suffix in ("", "_baseline", "_z", "_flag")),
    "marks_zh",
    "marks_en",
)


def _weekly(con, *, start: date, end: date, days: int, shop: str | None) -> pd.DataFrame:
    """Per week starting on the Mondays from ``start`` to before ``end``: the metrics over
    each week's first ``days`` days (7 = whole weeks); weeks without orders included."""
    params = {"start": start, "end": end, "days": days, "shop": shop}
    found = con.execute(_WEEKS_SQL, params).df()
    weeks = pd.DataFrame(
        {"week_start": pd.date_range(start, end - timedelta(days=1), freq="W-MON", unit="us")}
    )
    df = weeks.merge(found, on="week_start", how="left")
    for column in ("buyers", "orders", "new_customers", "repeat_buyers"):
        df[column] = df[column].fillna(0).astype("int64")
    df["revenue"] = df["revenue"].astype("float64").fillna(0.0).round(2)
    df["aov"] = (df["revenue"] / df["orders"].where(df["orders"] > 0)).round(2)
    df["repurchase_rate"] = df["repeat_buyers"] / df["buyers"].where(df["buyers"] > 0)
    return df.drop(columns="repeat_buyers")


def _mad(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(np.median(np.abs(values - np.median(values))))


def _baseline(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Median and MAD of the ``BASELINE_WEEKS`` values before each one (NaN: too few)."""
    previous = series.astype("float64").shift(1).rolling(BASELINE_WEEKS, min_periods=MIN_BASELINE)
    return previous.median(), previous.apply(_mad, raw=True)


def _scale(metric: str, median: pd.Series, mad: pd.Series) -> pd.Series:
    if metric == "new_customers":
        floor = np.sqrt(median.clip(lower=1.0))
    elif metric == "aov":
        floor = AOV_FLOOR * median.abs()
    else:
        floor = pd.Series(RATE_FLOOR, index=median.index)
    return np.maximum(MAD_TO_SD * mad, floor)


def _score(df: pd.DataFrame, metric: str, median: pd.Series, mad: pd.Series) -> None:
    z = (df[metric] - median) / _scale(metric, median, mad)
    df[f"{metric}_baseline"] = median
    df[f"{metric}_z"] = z.round(2)
    df[f"{metric}_flag"] = (z.abs() >= Z_THRESHOLD).fillna(False).astype(bool)


def weekly_monitor(con, *, as_of: date, weeks: int = 26, shop: str | None = None) -> pd.DataFrame:
    """One row per ISO week, oldest first, the last being the week that contains ``as_of``
    (orders after ``as_of`` are ignored); at most ``weeks`` rows, fewer when the shop's
    first valid order is more recent. Empty when there is no valid order by ``as_of``.

    Columns: week_start (Monday), iso_year, iso_week, days (days covered: 7, or up to the
    as-of weekday in the current week), partial, buyers, orders, revenue; for each of
    new_customers, aov, repurchase_rate: the value, ``_baseline`` (median of the 8 weeks
    before, over the same days), ``_z`` (robust z-score) and ``_flag`` (|z| >= 3);
    marks_zh, marks_en (holidays and shopping festivals in the week, see seasonality).
    """
    if weeks < 1:
        raise InputError(f"weeks must be at least 1, not {weeks}")
    first, end = weeks_back(as_of, weeks + BASELINE_WEEKS)
    first_order = con.execute(_FIRST_ORDER_SQL, {"shop": shop}).fetchone()[0]
    if first_order is None or first_order > as_of:
        return _empty()
    # No week before the shop's first sale: its zeros would drag the baselines down.
    first = max(first, first_order - timedelta(days=first_order.weekday()))
    df = _weekly(con, start=first, end=end, days=7, shop=shop)
    days = as_of.isoweekday()
    df["days"] = 7
    df.loc[df.index[-1], "days"] = days
    df["partial"] = df["days"] < 7
    same_days = None
    if days < 7:
        # The current week so far against the same weekdays of the weeks before it.
        same_days = _weekly(con, start=first, end=end - timedelta(days=days), days=days, shop=shop)
        same_days = pd.concat([same_days, df.iloc[[-1]][same_days.columns]], ignore_index=True)
    for metric in METRICS:
        median, mad = _baseline(df[metric])
        if same_days is not None:
            part_median, part_mad = _baseline(same_days[metric])
            median.iloc[-1], mad.iloc[-1] = part_median.iloc[-1], part_mad.iloc[-1]
        _score(df, metric, median, mad)
    df = df.tail(weeks).copy()
    iso = df["week_start"].dt.isocalendar()
    df["iso_year"] = iso["year"].astype("int64")
    df["iso_week"] = iso["week"].astype("int64")
    df = attach_marks(df, period="week", column="week_start")
    return df[list(COLUMNS)].reset_index(drop=True)


def _empty() -> pd.DataFrame:
    df = pd.DataFrame({column: pd.Series(dtype="float64") for column in COLUMNS})
    df["week_start"] = df["week_start"].astype("datetime64[us]")
    for column in ("iso_year", "iso_week", "days", "buyers", "orders", "new_customers"):
        df[column] = df[column].astype("int64")
    for column in (c for c in COLUMNS if c.endswith("_flag") or c == "partial"):
        df[column] = df[column].astype(bool)
    for column in ("marks_zh", "marks_en"):
        df[column] = df[column].astype("object")
    return df


def _format(metric: str, value: float, lang: str) -> str:
    if metric == "new_customers":
        return t("monitoring.value.new_customers", lang, n=f"{value:,.0f}")
    if metric == "aov":
        return f"¥{value:,.2f}"
    return f"{value:.1%}"


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _week_label(row, lang: str) -> str:
    start = row.week_start
    last = start + pd.Timedelta(days=int(row.days) - 1)
    key = "monitoring.week.partial" if row.partial else "monitoring.week"
    return t(
        key,
        lang,
        year=row.iso_year,
        week=row.iso_week,
        start_month=start.month,
        start_day=start.day,
        end_month=last.month,
        end_day=last.day,
        start=f"{_MONTHS_EN[start.month - 1]} {start.day}",
        end=f"{_MONTHS_EN[last.month - 1]} {last.day}",
    )


def _comparison_key(metric: str, value: float, baseline: float) -> tuple[str, dict]:
    """Which comparison phrase fits (2.6 倍 / 高 12% / 低 3.0 个百分点) and its numbers."""
    direction = "up" if value >= baseline else "down"
    if metric == "repurchase_rate":
        return f"points_{direction}", {"points": f"{abs(value - baseline) * 100:.1f}"}
    if baseline <= 0:
        return "from_zero", {}
    if value / baseline >= 1.5:
        return "times", {"times": f"{value / baseline:.1f}"}
    return f"pct_{direction}", {"pct": f"{abs(value / baseline - 1):.0%}"}


def explain_anomalies(df: pd.DataFrame, lang: str = "zh") -> list[str]:
    """One plain sentence per flagged metric of a ``weekly_monitor`` frame, oldest week
    first, naming the holidays and shopping festivals of that week, e.g.
    "2024 年第 45 周（11月4日–11月10日）新客 1,234 人，是前 8 周中位数（476 人）的 2.6 倍（双11）".
    """
    sentences = []
    for row in df.itertuples(index=False):
        marks = getattr(row, f"marks_{lang}", "") or ""
        for metric in METRICS:
            if not getattr(row, f"{metric}_flag"):
                continue
            value = float(getattr(row, metric))
            baseline = float(getattr(row, f"{metric}_baseline"))
            if math.isnan(value) or math.isnan(baseline):
                continue
            key, numbers = _comparison_key(metric, value, baseline)
            base_key = "monitoring.baseline.partial" if row.partial else "monitoring.baseline"
            comparison = t(
                f"monitoring.change.{key}",
                lang,
                baseline_label=t(base_key, lang, weeks=BASELINE_WEEKS, days=int(row.days)),
                baseline=_format(metric, baseline, lang),
                **numbers,
            )
            sentences.append(
                t(
                    "monitoring.sentence",
                    lang,
                    week=_week_label(row, lang),
                    metric=t(f"monitoring.in_sentence.{metric}", lang),
                    value=_format(metric, value, lang),
                    comparison=comparison,
                    marks=t("monitoring.marks", lang, names=marks) if marks else "",
                )
            )
    return sentences
