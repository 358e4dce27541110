"""Calendar marks and sales with marks.

Expected holiday periods are the State Council's published arrangements (国务院办公厅关于
节假日安排的通知): 2024 春节 Feb 10–17, 中秋 Sep 15–17 (Sat Sep 14 a working day), 国庆
Oct 1–7; 2025 春节 Jan 28 (除夕) – Feb 4, 国庆+中秋 Oct 1–8. 正月初一 is 2024-02-10 and
2025-01-29.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analytics import customers
from analytics.errors import InputError
from analytics.seasonality import calendar_marks, sales_with_marks
from analytics.store import ORDER_COLUMNS


def _mark(marks: pd.DataFrame, name_zh: str) -> pd.Series:
    rows = marks[marks["name_zh"] == name_zh]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def marks_2024() -> pd.DataFrame:
    return calendar_marks(date(2024, 1, 1), date(2024, 12, 31))


def test_spring_festival_2024_is_february_10(marks_2024):
    spring = _mark(marks_2024, "春节")
    assert spring["kind"] == "spring_festival"
    assert spring["date"] == pd.Timestamp(2024, 2, 10)
    assert (spring["start"], spring["end"]) == (
        pd.Timestamp(2024, 2, 10),
        pd.Timestamp(2024, 2, 17),
    )
    assert spring["name_en"] == "Spring Festival"


def test_spring_festival_2025_is_january_29_and_its_days_off_start_on_the_eve():
    spring = _mark(calendar_marks(date(2025, 1, 1), date(2025, 3, 31)), "春节")
    assert spring["date"] == pd.Timestamp(2025, 1, 29)
    assert (spring["start"], spring["end"]) == (pd.Timestamp(2025, 1, 28), pd.Timestamp(2025, 2, 4))


def test_national_day_is_one_band_from_october_1_to_7(marks_2024):
    national = _mark(marks_2024, "国庆节")
    assert national["kind"] == "public_holiday"
    assert national["date"] == pd.Timestamp(2024, 10, 1)
    assert (national["start"], national["end"]) == (
        pd.Timestamp(2024, 10, 1),
        pd.Timestamp(2024, 10, 7),
    )


def test_holiday_period_stops_at_a_working_saturday(marks_2024):
    # 2024-09-14 (Saturday) was a 调休 working day: the Mid-Autumn break is Sep 15-17.
    mid_autumn = _mark(marks_2024, "中秋节")
    assert (mid_autumn["start"], mid_autumn["end"]) == (
        pd.Timestamp(2024, 9, 15),
        pd.Timestamp(2024, 9, 17),
    )


def test_holidays_sharing_days_off_are_one_mark_with_both_names():
    marks = calendar_marks(date(2025, 9, 1), date(2025, 10, 31))
    merged = _mark(marks, "国庆节、中秋节")
    assert (merged["start"], merged["end"]) == (
        pd.Timestamp(2025, 10, 1),
        pd.Timestamp(2025, 10, 8),
    )
    assert merged["name_en"] == "National Day, Mid-Autumn Festival"


def test_shopping_festivals_are_single_days(marks_2024):
    shopping = marks_2024[marks_2024["kind"] == "shopping"]
    assert list(shopping["name_zh"]) == ["618", "双11", "双12"]
    assert list(shopping["date"]) == [
        pd.Timestamp(2024, 6, 18),
        pd.Timestamp(2024, 11, 11),
        pd.Timestamp(2024, 12, 12),
    ]
    assert (shopping["start"] == shopping["date"]).all()
    assert (shopping["end"] == shopping["date"]).all()


def test_a_period_overlapping_the_range_is_kept():
    # New Year's Day 2024: days off Sat 2023-12-30 to Mon 2024-01-01.
    marks = calendar_marks(date(2023, 12, 31), date(2023, 12, 31))
    assert list(marks["name_zh"]) == ["元旦"]
    assert marks.iloc[0]["start"] == pd.Timestamp(2023, 12, 30)


def test_reversed_range_is_refused():
    with pytest.raises(InputError, match="after"):
        calendar_marks(date(2024, 2, 1), date(2024, 1, 1))


def _insert(con, rows: list[tuple[str, datetime, float]]) -> None:
    """(order_id, order_time, amount) paid orders of one buyer per order, shop tb/s1."""
    values = [
        dict(
            platform="taobao",
            shop="s1",
            order_id=oid,
            customer_id=f"c{oid}",
            customer_name=None,
            phone=None,
            order_time=when,
            paid_time=when,
            status="paid",
            amount=amount,
            refund_amount=0,
            province=None,
            city=None,
            item_count=1,
            product=None,
            import_id=0,
        )
        for oid, when, amount in rows
    ]
    con.executemany(
        f"INSERT INTO orders VALUES ({', '.join('?' * len(ORDER_COLUMNS))})",
        [[v[c] for c in ORDER_COLUMNS] for v in values],
    )
    customers.refresh(con)


def test_sales_by_month_name_the_marks_of_each_month(con):
    _insert(
        con,
        [
            ("1", datetime(2024, 3, 5, 10), 50.0),  # March: no holiday, no festival
            ("2", datetime(2024, 10, 2, 10), 80.0),  # October: 国庆节
            ("3", datetime(2024, 11, 11, 10), 100.0),  # November: 双11
            ("4", datetime(2024, 11, 20, 10), 60.0),
        ],
    )
    monthly = sales_with_marks(con, period="month").set_index("period_start")
    assert monthly.at[pd.Timestamp(2024, 3, 1), "marks_zh"] == ""
    assert monthly.at[pd.Timestamp(2024, 10, 1), "marks_zh"] == "国庆节"
    assert monthly.at[pd.Timestamp(2024, 11, 1), "marks_zh"] == "双11"
    assert monthly.at[pd.Timestamp(2024, 11, 1), "marks_en"] == "Double 11"
    assert monthly.at[pd.Timestamp(2024, 11, 1), "orders"] == 2  # the sales columns are kept


def test_sales_by_week_name_the_festival_of_its_week(con):
    _insert(con, [("1", datetime(2024, 11, 13, 10), 100.0), ("2", datetime(2024, 11, 5), 9.0)])
    weekly = sales_with_marks(con, period="week").set_index("period_start")
    assert weekly.at[pd.Timestamp(2024, 11, 11), "marks_zh"] == "双11"  # week Nov 11-17
    assert weekly.at[pd.Timestamp(2024, 11, 4), "marks_zh"] == ""


def test_sales_with_marks_of_an_empty_store_is_an_empty_frame(con):
    df = sales_with_marks(con, period="week")
    assert df.empty and {"marks_zh", "marks_en"} <= set(df.columns)


def test_shopping_festivals_are_marked_only_from_the_year_they_began():
    marks = calendar_marks(date(2008, 1, 1), date(2011, 12, 31))
    shopping = marks[marks["kind"] == "shopping"]
    pairs = zip(shopping["date"], shopping["name_zh"], strict=True)
    assert [(d.year, name) for d, name in pairs] == [
        (2009, "双11"),
        (2010, "618"),
        (2010, "双11"),
        (2011, "618"),
        (2011, "双11"),
        (2011, "双12"),
    ]
