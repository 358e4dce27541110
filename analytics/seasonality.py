"""The retail calendar (seed 000): Chinese public holidays, Spring Festival and the shopping
festivals 618, 双11 and 双12, and sales by month or week with the marks that fall in them.

Marks (``calendar_marks``), one row each, columns:

- ``date``: the day the mark is about (the first statutory day of a holiday, the first day
  of 春节 (正月初一), or the festival day itself);
- ``start``, ``end``: the days it covers, both included. A holiday is one mark per holiday
  *period*, not one per day: the maximal run of consecutive days off around it, where a day
  off is a statutory holiday, an observed or substituted day off (调休), or a Saturday or
  Sunday that is not a 调休 working day. So 国庆 2024 is Oct 1–7 (the weekend of Oct 5–6
  joins the days off), 春节 2025 is Jan 28 (除夕) – Feb 4, and Mid-Autumn and National Day
  2025 share one period (Oct 1–8, named "国庆节、中秋节"). Shopping festivals cover one day;
- ``name_zh``, ``name_en``: the holiday names of the period, joined;
- ``kind``: ``spring_festival`` (the 春节 period), ``public_holiday`` (every other
  statutory holiday period) or ``shopping`` (618 on Jun 18, 双11 on Nov 11, 双12 on Dec 12).

Holidays come from the maintained ``holidays`` library (``holidays.China``), which knows
the State Council's published 调休 arrangements and computes the lunar dates of later years
without any network access. A period falls in a month or week when any of its days does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
import pandas as pd

from analytics.errors import InputError
from analytics.kpis import sales_by_period

MARK_COLUMNS = ("date", "start", "end", "name_zh", "name_en", "kind")
KINDS = ("public_holiday", "spring_festival", "shopping")
#: (month, day, name_zh, name_en) of the shopping festivals, every year since it began.
SHOPPING_DAYS = (
    (6, 18, "618", "618"),
    (11, 11, "双11", "Double 11"),
    (12, 12, "双12", "Double 12"),
)
#: The first year each festival was held: 双11 by Taobao Mall in 2009, 双12 by Taobao in
#: 2011; JD's 店庆 sale on June 18 became the 618 festival around 2010. No mark before.
SHOPPING_FIRST_YEAR = {"618": 2010, "双11": 2009, "双12": 2011}
PERIODS = ("month", "week")

_SPRING_FESTIVAL_ZH = "春节"
_SPRING_FESTIVAL_EN = "Spring Festival"
#: 除夕 opens the 春节 period; it is not named separately when 春节 is in the same period.
_NEW_YEARS_EVE_ZH = "农历除夕"
#: The years ``holidays.China`` covers.
_FIRST_YEAR, _LAST_YEAR = holidays.China.start_year, holidays.China.end_year


def _named_days(day: date, zh: holidays.HolidayBase, en: holidays.HolidayBase) -> list[tuple]:
    """(day, name_zh, name_en) of the statutory holidays on ``day``, without 调休 days off.

    ``zh`` and ``en`` are built with ``observed=False`` (no 补假 entries). The library's own
    language is Chinese, so its 调休 label is matched on the Chinese names.
    """
    substituted = zh.substituted_label.split("%s")[0]
    pairs = zip(zh.get_list(day), en.get_list(day), strict=False)
    return [(day, z, e) for z, e in pairs if not z.startswith(substituted)]


@lru_cache(maxsize=16)
def _holiday_periods(first_year: int, last_year: int) -> tuple[tuple, ...]:
    """(date, start, end, name_zh, name_en, kind) of every holiday period in the years."""
    years = range(first_year, last_year + 1)
    days_off = holidays.China(years=years, language="zh_CN")
    zh = holidays.China(years=years, language="zh_CN", observed=False)
    en = holidays.China(years=years, language="en_US", observed=False)
    periods = []
    covered_until = date.min
    for day in sorted(days_off):
        if day <= covered_until:
            continue
        start, end = day, day
        while not days_off.is_working_day(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while not days_off.is_working_day(end + timedelta(days=1)):
            end += timedelta(days=1)
        covered_until = end
        named: list[tuple] = []
        for offset in range((end - start).days + 1):
            named.extend(_named_days(start + timedelta(days=offset), zh, en))
        spring = any(name_zh == _SPRING_FESTIVAL_ZH for _d, name_zh, _e in named)
        if spring:
            named = [n for n in named if n[1] != _NEW_YEARS_EVE_ZH]
            named = [
                (d, n_zh, _SPRING_FESTIVAL_EN if n_zh == _SPRING_FESTIVAL_ZH else n_en)
                for d, n_zh, n_en in named
            ]
            anchor = next(d for d, n_zh, _e in named if n_zh == _SPRING_FESTIVAL_ZH)
        elif named:
            anchor = named[0][0]
        else:  # only 调休 days off (never seen in practice): keep the library's own names
            named = [(day, days_off[day], days_off[day])]
            anchor = day
        names_zh = list(dict.fromkeys(n for _d, n, _e in named))
        names_en = list(dict.fromkeys(e for _d, _n, e in named))
        periods.append(
            (
                anchor,
                start,
                end,
                "、".join(names_zh),
                ", ".join(names_en),
                "spring_festival" if spring else "public_holiday",
            )
        )
    return tuple(periods)


def calendar_marks(start: date, end: date) -> pd.DataFrame:
    """Holiday periods, Spring Festival and shopping festivals overlapping start..end
    (both included), ordered by ``date``. Columns: see the module docstring.
    """
    if start > end:
        raise InputError(f"calendar: start {start} is after end {end}")
    first = max(start.year - 1, _FIRST_YEAR)
    last = min(end.year + 1, _LAST_YEAR)
    rows = list(_holiday_periods(first, last)) if first <= last else []
    for year in range(start.year, end.year + 1):
        for month, day, name_zh, name_en in SHOPPING_DAYS:
            if year < SHOPPING_FIRST_YEAR[name_zh]:
                continue
            when = date(year, month, day)
            rows.append((when, when, when, name_zh, name_en, "shopping"))
    rows = [row for row in rows if row[1] <= end and row[2] >= start]
    return _frame(sorted(rows, key=lambda row: (row[0], row[5])))


def _frame(rows: list[tuple]) -> pd.DataFrame:
    marks = pd.DataFrame(rows, columns=list(MARK_COLUMNS))
    for column in ("date", "start", "end"):
        marks[column] = pd.to_datetime(marks[column]).astype("datetime64[us]")
    for column in ("name_zh", "name_en", "kind"):
        marks[column] = marks[column].astype("object")
    return marks


def _period_end(period_start: pd.Timestamp, period: str) -> pd.Timestamp:
    """The last day of the month or week (Monday start) beginning on ``period_start``."""
    if period == "month":
        return period_start + pd.offsets.MonthEnd(0)
    return period_start + pd.Timedelta(days=6)


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise InputError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def marks_for_periods(period_starts: Iterable, period: str) -> pd.DataFrame:
    """``calendar_marks`` over the months or weeks starting on ``period_starts``."""
    _check_period(period)
    starts = pd.to_datetime(pd.Series(list(period_starts), dtype="object"))
    if starts.empty:
        return _frame([])
    first, last = starts.min(), _period_end(starts.max(), period)
    return calendar_marks(first.date(), last.date())


def attach_marks(df: pd.DataFrame, *, period: str, column: str = "period_start") -> pd.DataFrame:
    """A copy of ``df`` with ``marks_zh`` and ``marks_en``: the names of the marks whose
    days overlap each month or week (starting on ``df[column]``), joined; "" when none.
    """
    out = df.copy()
    marks = marks_for_periods(out[column], period)
    names_zh, names_en = [], []
    for period_start in pd.to_datetime(out[column]):
        period_end = _period_end(period_start, period)
        hit = marks[(marks["start"] <= period_end) & (marks["end"] >= period_start)]
        names_zh.append("、".join(hit["name_zh"]))
        names_en.append(", ".join(hit["name_en"]))
    out["marks_zh"] = pd.Series(names_zh, index=out.index, dtype="object")
    out["marks_en"] = pd.Series(names_en, index=out.index, dtype="object")
    return out


def weeks_back(as_of: date, weeks: int) -> tuple[date, date]:
    """(start, end) of the ``weeks`` ISO weeks (Monday start) ending with the week of
    ``as_of``: start is a Monday, end the day after ``as_of`` (excluded)."""
    if weeks < 1:
        raise InputError(f"weeks must be at least 1, not {weeks}")
    monday = as_of - timedelta(days=as_of.weekday())
    return monday - timedelta(weeks=weeks - 1), as_of + timedelta(days=1)


def sales_with_marks(
    con,
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    shop: str | None = None,
) -> pd.DataFrame:
    """``analytics.kpis.sales_by_period`` (start included, end excluded) with the calendar
    marks falling in each period: its columns plus ``marks_zh`` and ``marks_en``.
    """
    _check_period(period)
    return attach_marks(
        sales_by_period(con, period=period, start=start, end=end, shop=shop), period=period
    )
